/* store/: the backend interface of the monitor area -- monitor/: fetches, observations and alerts (issue 5).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_monitor_ops and
 * points pw_store_ops.monitor at it; store_monitor.c holds the backend-neutral public
 * functions (include/pkiward/store_monitor.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_MONITOR] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_MONITOR_OPS_H
#define PW_STORE_MONITOR_OPS_H

#include "internal.h"

struct pw_store_monitor_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_monitor.c) and its schema migration, number
 * 5 in sqlite.c's list. */
extern const struct pw_store_monitor_ops pw_sqlite_monitor_ops;
extern const char pw_sqlite_migration_5[];

#endif
