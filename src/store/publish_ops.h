/* store/: the backend interface of the publish area -- publish/: registered issuing CAs, CRL numbers and published CRLs (issue 5).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_publish_ops and
 * points pw_store_ops.publish at it; store_publish.c holds the backend-neutral public
 * functions (include/pkiward/store_publish.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_PUBLISH] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_PUBLISH_OPS_H
#define PW_STORE_PUBLISH_OPS_H

#include "internal.h"

struct pw_store_publish_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_publish.c) and its schema migration, number
 * 3 in sqlite.c's list. */
extern const struct pw_store_publish_ops pw_sqlite_publish_ops;
extern const char pw_sqlite_migration_3[];

#endif
