/* store/: internals of the PostgreSQL backend (postgres.c, postgres_schema.c). */
#ifndef PW_STORE_POSTGRES_INTERNAL_H
#define PW_STORE_POSTGRES_INTERNAL_H

#include "internal.h"

#define PW_PG_N_MIGRATIONS 10

/* Migration N is pw_pg_migrations[N - 1] (PostgreSQL types, same tables). */
extern const char *const pw_pg_migrations[PW_PG_N_MIGRATIONS];

/* Opens (and with PW_STORE_CREATE, migrates) the database named by a libpq
 * connection URI ("postgresql://user@host:port/db"). */
enum pw_status pw_store_pg_open(const char *uri, int flags, struct pw_store **out,
                                struct pw_error *err);

#endif
