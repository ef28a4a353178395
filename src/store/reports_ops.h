/* store/: the backend interface of the reports area -- incident/ problem reports: lifecycle, email intake, messages sent (issue 7).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_reports_ops and
 * points pw_store_ops.reports at it; store_reports.c holds the backend-neutral public
 * functions (include/pkiward/store_reports.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_REPORTS] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_REPORTS_OPS_H
#define PW_STORE_REPORTS_OPS_H

#include "internal.h"

struct pw_store_reports_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_reports_area.c) and its schema migration, number
 * 10 in sqlite.c's list. */
extern const struct pw_store_reports_ops pw_sqlite_reports_ops;
extern const char pw_sqlite_migration_10[];

#endif
