/* store/: internals of the PostgreSQL backend (postgres.c, postgres_schema.c). */
#ifndef PW_STORE_POSTGRES_INTERNAL_H
#define PW_STORE_POSTGRES_INTERNAL_H

#include "internal.h"

#define PW_PG_N_MIGRATIONS 12

/* certificate_der is partitioned by notAfter (migration 12, postgres_schema.c):
 * one partition per calendar year (UTC) of notAfter in
 * [PW_PG_DER_YEAR_FIRST, PW_PG_DER_YEAR_LAST], named certificate_der_y<year>
 * and created on first use; every other notAfter (e.g. RFC 5280 §4.1.2.5's
 * 99991231235959Z "no well-defined expiration") goes to
 * certificate_der_default. The window is fixed so that a year's rows are
 * never in DEFAULT when its partition is created. */
#define PW_PG_DER_YEAR_FIRST 2000
#define PW_PG_DER_YEAR_LAST 2099
/* Advisory lock serialising the creation of partitions across nodes (the
 * others: 7070707 migrations, 7070708 event appends, 7070709 store copy). */
#define PW_PG_DER_LOCK_KEY 7070710

/* Migration N is pw_pg_migrations[N - 1] (PostgreSQL types, same tables). */
extern const char *const pw_pg_migrations[PW_PG_N_MIGRATIONS];

/* Opens (and with PW_STORE_CREATE, migrates) the database named by a libpq
 * connection URI ("postgresql://user@host:port/db"). */
enum pw_status pw_store_pg_open(const char *uri, int flags, struct pw_store **out,
                                struct pw_error *err);

/* ------------------------------------------------------------------------ */
/* For the feature areas (postgres_<area>.c)                                 */
/* ------------------------------------------------------------------------ */

#include <libpq-fe.h>

/* The handle's connection (borrowed; replaced by PQreset on reconnect, the
 * pointer stays the same). */
PGconn *pw_store_pg_get0_conn(struct pw_store *s);

/* Bumped by every reconnect: statements prepared under an older epoch are
 * gone from the server. */
uint64_t pw_store_pg_epoch(struct pw_store *s);

/* Reconnects a lost connection when no transaction is open; PW_OK when the
 * connection is up. */
enum pw_status pw_store_pg_live(struct pw_store *s, struct pw_error *err);

/* Fills *err from a failed result (or the connection's message when r is
 * NULL), saying so when the connection was lost; returns PW_ERR_STORE. */
enum pw_status pw_store_pg_error(struct pw_store *s, const PGresult *r, const char *what,
                                 struct pw_error *err);

/* Statements of one area (postgres_area.c): sql[0..n_sql) is the area's
 * fixed list, statement id is prepared once per connection (as
 * "a<area>_<id>") and run with binary parameters and results. fmt has one
 * letter per parameter, in $n order:
 *   'i'  int64_t                 -> int8
 *   'o'  int present, int64_t v  -> int8, SQL NULL when !present
 *   'N'  (no argument)           -> int8 SQL NULL
 *   't'  const char *            -> text, SQL NULL when NULL
 *   'b'  const void *, size_t    -> bytea, SQL NULL when the pointer is NULL
 *   'h'  const uint8_t *         -> bytea of 32 bytes (a SHA-256)
 * Returns the result (caller PQclears) or NULL with *err set. */
PGresult *pw_pg_area_run(struct pw_store *s, enum pw_store_area area, const char *const *sql,
                         size_t n_sql, size_t id, const char *what, struct pw_error *err,
                         const char *fmt, ...);

/* The same for statements whose rows are not read: *out_changes (may be
 * NULL) receives the number of rows the command touched. */
enum pw_status pw_pg_area_cmd(struct pw_store *s, enum pw_store_area area,
                              const char *const *sql, size_t n_sql, size_t id, const char *what,
                              uint64_t *out_changes, struct pw_error *err, const char *fmt, ...);

/* Runs fixed SQL text (no parameters; may hold several statements), e.g.
 * a per-connection temporary table. */
enum pw_status pw_pg_area_exec(struct pw_store *s, const char *sql, const char *what,
                               struct pw_error *err);

/* Frees the area's per-handle state (the area ops' close). */
void pw_pg_area_close(struct pw_store *s, enum pw_store_area area);

/* Binary result values: integers of any width (and booleans) as int64_t
 * (0 when NULL); text and bytea borrowed from r (NULL when SQL NULL). */
int64_t pw_pg_int(const PGresult *r, int row, int col);
int pw_pg_null(const PGresult *r, int row, int col);
const char *pw_pg_text(const PGresult *r, int row, int col);
const void *pw_pg_blob(const PGresult *r, int row, int col, size_t *out_len);
/* A 32-byte hash column into out (zeros unless exactly 32 bytes); returns
 * 1 when it was 32 bytes. */
int pw_pg_hash(const PGresult *r, int row, int col, uint8_t out[32]);
/* Rows touched by an INSERT/UPDATE/DELETE. */
uint64_t pw_pg_changes(const PGresult *r);

/* Migrations 3-10: the feature areas' tables (postgres_<area>.c). */
extern const char pw_pg_migration_publish[];
extern const char pw_pg_migration_ocsp[];
extern const char pw_pg_migration_monitor[];
extern const char pw_pg_migration_incident[];
extern const char pw_pg_migration_inventory[];
extern const char pw_pg_migration_policy[];
extern const char pw_pg_migration_serve[];
extern const char pw_pg_migration_reports[];

/* The areas' ops tables (postgres_<area>.c). */
struct pw_store_publish_ops;
struct pw_store_ocsp_ops;
struct pw_store_monitor_ops;
struct pw_store_incident_ops;
struct pw_store_inventory_ops;
struct pw_store_policy_ops;
struct pw_store_serve_ops;
struct pw_store_reports_ops;
extern const struct pw_store_publish_ops pw_pg_publish_ops;
extern const struct pw_store_ocsp_ops pw_pg_ocsp_ops;
extern const struct pw_store_monitor_ops pw_pg_monitor_ops;
extern const struct pw_store_incident_ops pw_pg_incident_ops;
extern const struct pw_store_inventory_ops pw_pg_inventory_ops;
extern const struct pw_store_policy_ops pw_pg_policy_ops;
extern const struct pw_store_serve_ops pw_pg_serve_ops;
extern const struct pw_store_reports_ops pw_pg_reports_ops;

#endif
