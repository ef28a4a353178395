/* store/sqlite_ocsp.c: the SQLite side of the ocsp area (ocsp_ops.h) and
 * schema migration 4. */
#include "ocsp_ops.h"

/* Migration 4: reserved for the ocsp area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_4[] = "-- ocsp: no tables yet\n";

const struct pw_store_ocsp_ops pw_sqlite_ocsp_ops = {
	.close = NULL,
};
