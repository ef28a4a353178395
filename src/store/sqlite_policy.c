/* store/sqlite_policy.c: the SQLite side of the policy area (policy_ops.h) and
 * schema migration 8. */
#include "policy_ops.h"

/* Migration 8: reserved for the policy area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_8[] = "-- policy: no tables yet\n";

const struct pw_store_policy_ops pw_sqlite_policy_ops = {
	.close = NULL,
};
