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
#include "pkiward/store_inventory.h"

struct pw_store_inventory_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Arguments are checked by store_inventory.c; each runs inside a
	 * transaction when it writes. */
	enum pw_status (*audit_put)(struct pw_store *s, const struct pw_store_audit_statement *a,
	                            const uint8_t *fingerprints, size_t n, int64_t *out_id,
	                            int *out_inserted, struct pw_error *err);
	enum pw_status (*audit_list)(struct pw_store *s, pw_store_audit_fn fn, void *ctx,
	                             struct pw_error *err);
	enum pw_status (*audit_scope_list)(struct pw_store *s, pw_store_audit_scope_fn fn,
	                                   void *ctx, struct pw_error *err);
	enum pw_status (*ccadb_record_put)(struct pw_store *s, const struct pw_store_ccadb_record *r,
	                                   struct pw_error *err);
	enum pw_status (*ccadb_record_list)(struct pw_store *s, pw_store_ccadb_record_fn fn,
	                                    void *ctx, struct pw_error *err);
	enum pw_status (*ca_cert_list)(struct pw_store *s, pw_store_ca_cert_fn fn, void *ctx,
	                               struct pw_error *err);
	enum pw_status (*issued_counts)(struct pw_store *s, pw_store_issued_fn fn, void *ctx,
	                                struct pw_error *err);
};

/* The SQLite implementation (sqlite_inventory.c) and its schema migration, number
 * 7 in sqlite.c's list. */
extern const struct pw_store_inventory_ops pw_sqlite_inventory_ops;
extern const char pw_sqlite_migration_7[];

#endif
