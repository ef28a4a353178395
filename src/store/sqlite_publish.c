/* store/sqlite_publish.c: the SQLite side of the publish area (publish_ops.h) and
 * schema migration 3. */
#include "publish_ops.h"

/* Migration 3: reserved for the publish area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_3[] = "-- publish: no tables yet\n";

const struct pw_store_publish_ops pw_sqlite_publish_ops = {
	.close = NULL,
};
