/* store/: the backend interface of the incident area -- incident/: problem-report lifecycle, incidents, messages (issue 7).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_incident_ops and
 * points pw_store_ops.incident at it; store_incident.c holds the backend-neutral public
 * functions (include/pkiward/store_incident.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_INCIDENT] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_INCIDENT_OPS_H
#define PW_STORE_INCIDENT_OPS_H

#include "internal.h"

struct pw_store_incident_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_incident.c) and its schema migration, number
 * 6 in sqlite.c's list. */
extern const struct pw_store_incident_ops pw_sqlite_incident_ops;
extern const char pw_sqlite_migration_6[];

#endif
