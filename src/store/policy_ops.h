/* store/: the backend interface of the policy area -- policy/: CPS disclosures and bulk revocation plans (issue 8).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_policy_ops and
 * points pw_store_ops.policy at it; store_policy.c holds the backend-neutral public
 * functions (include/pkiward/store_policy.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_POLICY] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_POLICY_OPS_H
#define PW_STORE_POLICY_OPS_H

#include "internal.h"

struct pw_store_policy_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
};

/* The SQLite implementation (sqlite_policy.c) and its schema migration, number
 * 8 in sqlite.c's list. */
extern const struct pw_store_policy_ops pw_sqlite_policy_ops;
extern const char pw_sqlite_migration_8[];

#endif
