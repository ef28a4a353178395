/* store/sqlite_reports_area.c: the SQLite side of the reports area (reports_ops.h) and
 * schema migration 10. */
#include "reports_ops.h"

/* Migration 10: reserved for the reports area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_10[] = "-- reports: no tables yet\n";

const struct pw_store_reports_ops pw_sqlite_reports_ops = {
	.close = NULL,
};
