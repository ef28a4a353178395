/* store/sqlite_serve.c: the SQLite side of the serve area (serve_ops.h) and
 * schema migration 9. */
#include "serve_ops.h"

/* Migration 9: reserved for the serve area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_9[] = "-- serve: no tables yet\n";

const struct pw_store_serve_ops pw_sqlite_serve_ops = {
	.close = NULL,
};
