/* store/sqlite_incident.c: the SQLite side of the incident area (incident_ops.h) and
 * schema migration 6. */
#include "incident_ops.h"

/* Migration 6: reserved for the incident area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_6[] = "-- incident: no tables yet\n";

const struct pw_store_incident_ops pw_sqlite_incident_ops = {
	.close = NULL,
};
