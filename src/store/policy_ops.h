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
#include "pkiward/store_policy.h"

struct pw_store_policy_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Arguments are checked by store_policy.c (store_policy.h documents
	 * each); writers run inside a transaction. */
	enum pw_status (*methods)(struct pw_store *s, int want_counts, pw_store_policy_method_fn fn,
	                          void *ctx, struct pw_error *err);
	enum pw_status (*hits_reset)(struct pw_store *s, struct pw_error *err);
	enum pw_status (*hits_add_window)(struct pw_store *s, const char *method, int64_t from,
	                                  int64_t until, int64_t cutoff, unsigned kind,
	                                  uint64_t *out_n, struct pw_error *err);
	enum pw_status (*hits_add_reuse)(struct pw_store *s, const char *method, int64_t sunset,
	                                 int64_t cutoff, unsigned kind, uint64_t *out_n,
	                                 struct pw_error *err);
	enum pw_status (*hits_list)(struct pw_store *s, pw_store_policy_hit_fn fn, void *ctx,
	                            struct pw_error *err);
	enum pw_status (*hits_totals)(struct pw_store *s, int64_t now,
	                              struct pw_store_policy_totals *out, struct pw_error *err);
	enum pw_status (*hits_by_method)(struct pw_store *s, pw_store_policy_hit_method_fn fn,
	                                 void *ctx, struct pw_error *err);
	enum pw_status (*profiles)(struct pw_store *s, int64_t cutoff, pw_store_policy_profile_fn fn,
	                           void *ctx, struct pw_error *err);
	enum pw_status (*profile_count)(struct pw_store *s, const char *profile, int64_t from,
	                                int64_t until, uint64_t *out, struct pw_error *err);
	enum pw_status (*keys)(struct pw_store *s, int64_t cutoff, pw_store_policy_key_fn fn,
	                       void *ctx, struct pw_error *err);
	enum pw_status (*plan_create)(struct pw_store *s, const struct pw_store_revoke_plan *p,
	                              const uint8_t *sha256s, size_t n, int64_t *out_id,
	                              struct pw_error *err);
	enum pw_status (*plan_get)(struct pw_store *s, int64_t id, struct pw_store_revoke_plan *out,
	                           char *buf, size_t bufsize, struct pw_error *err);
	enum pw_status (*plan_items)(struct pw_store *s, int64_t id, uint8_t **out, size_t *out_n,
	                             struct pw_error *err);
	enum pw_status (*plan_groups)(struct pw_store *s, int64_t id, pw_store_plan_group_fn fn,
	                              void *ctx, struct pw_error *err);
	enum pw_status (*plan_started)(struct pw_store *s, int64_t id, int64_t job_id, int64_t at,
	                               struct pw_error *err);
	enum pw_status (*plan_finished)(struct pw_store *s, int64_t id, int64_t at,
	                                struct pw_error *err);
};

/* The SQLite implementation (sqlite_policy.c) and its schema migration, number
 * 8 in sqlite.c's list. */
extern const struct pw_store_policy_ops pw_sqlite_policy_ops;
extern const char pw_sqlite_migration_8[];

#endif
