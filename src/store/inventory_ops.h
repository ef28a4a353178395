/* store/: the backend interface of the inventory area -- inventory/: CA certificates, audit statements and scopes (issue 8).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_inventory_ops and
 * points pw_store_ops.inventory at it; store_inventory.c holds the backend-neutral public
 * functions (include/pkiward/store_inventory.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_INVENTORY] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_INVENTORY_OPS_H
#define PW_STORE_INVENTORY_OPS_H

#include "internal.h"

struct pw_store_inventory_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_inventory.c) and its schema migration, number
 * 7 in sqlite.c's list. */
extern const struct pw_store_inventory_ops pw_sqlite_inventory_ops;
extern const char pw_sqlite_migration_7[];

#endif
