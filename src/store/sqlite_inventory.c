/* store/sqlite_inventory.c: the SQLite side of the inventory area (inventory_ops.h) and
 * schema migration 7. */
#include "inventory_ops.h"

/* Migration 7: reserved for the inventory area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_7[] = "-- inventory: no tables yet\n";

const struct pw_store_inventory_ops pw_sqlite_inventory_ops = {
	.close = NULL,
};
