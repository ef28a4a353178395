/* store/sqlite_monitor.c: the SQLite side of the monitor area (monitor_ops.h) and
 * schema migration 5. */
#include "monitor_ops.h"

/* Migration 5: reserved for the monitor area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_5[] = "-- monitor: no tables yet\n";

const struct pw_store_monitor_ops pw_sqlite_monitor_ops = {
	.close = NULL,
};
