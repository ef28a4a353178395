/* store/: the backend interface of the serve area -- http/ serve: admin tokens, ACME nonces, portal state (issue 6).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_serve_ops and
 * points pw_store_ops.serve at it; store_serve.c holds the backend-neutral public
 * functions (include/pkiward/store_serve.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_SERVE] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_SERVE_OPS_H
#define PW_STORE_SERVE_OPS_H

#include "internal.h"

struct pw_store_serve_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_serve.c) and its schema migration, number
 * 9 in sqlite.c's list. */
extern const struct pw_store_serve_ops pw_sqlite_serve_ops;
extern const char pw_sqlite_migration_9[];

#endif
