/* store/: the backend interface of the ocsp area -- publish/ OCSP responder state (issue 5).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_ocsp_ops and
 * points pw_store_ops.ocsp at it; store_ocsp.c holds the backend-neutral public
 * functions (include/pkiward/store_ocsp.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_OCSP] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_OCSP_OPS_H
#define PW_STORE_OCSP_OPS_H

#include "internal.h"

struct pw_store_ocsp_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_ocsp.c) and its schema migration, number
 * 4 in sqlite.c's list. */
extern const struct pw_store_ocsp_ops pw_sqlite_ocsp_ops;
extern const char pw_sqlite_migration_4[];

#endif
