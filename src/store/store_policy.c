/* store/store_policy.c: the backend-neutral functions of the policy area
 * (include/pkiward/store_policy.h). Each checks its arguments, then runs the
 * backend's implementation inside the caller's transaction or, when none is
 * open and it writes, in its own. */
#include <string.h>

#include "policy_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->policy == NULL || s->ops->policy->methods == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no policy tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

#define CHECK_READ(s, err)                                                              \
	do {                                                                            \
		enum pw_status st_ = check((s), 0, (err));                              \
		if (st_ != PW_OK)                                                       \
			return st_;                                                     \
	} while (0)

static int method_text_ok(const char *m)
{
	return m != NULL && pw_store_method_ok(m, strlen(m));
}

enum pw_status pw_store_policy_methods(struct pw_store *s, int want_counts,
                                       pw_store_policy_method_fn fn, void *ctx,
                                       struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->methods(s, want_counts, fn, ctx, err);
}

/* The hit set is a TEMP table: writing it is allowed on a read-only handle. */
enum pw_status pw_store_policy_hits_reset(struct pw_store *s, struct pw_error *err)
{
	CHECK_READ(s, err);
	return s->ops->policy->hits_reset(s, err);
}

enum pw_status pw_store_policy_hits_add_window(struct pw_store *s, const char *method,
                                               int64_t from, int64_t until, int64_t cutoff,
                                               unsigned kind, uint64_t *out_n,
                                               struct pw_error *err)
{
	CHECK_READ(s, err);
	if (method == NULL || method[0] == '\0' || strlen(method) > PW_STORE_META_MAX_METHOD)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "method", "missing or too long method");
	if (out_n != NULL)
		*out_n = 0;
	if (from >= until)
		return PW_OK;
	return s->ops->policy->hits_add_window(s, method, from, until, cutoff, kind, out_n, err);
}

enum pw_status pw_store_policy_hits_add_reuse(struct pw_store *s, const char *method,
                                              int64_t sunset, int64_t cutoff, unsigned kind,
                                              uint64_t *out_n, struct pw_error *err)
{
	CHECK_READ(s, err);
	if (!method_text_ok(method))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "method", "not a BR method id");
	if (out_n != NULL)
		*out_n = 0;
	return s->ops->policy->hits_add_reuse(s, method, sunset, cutoff, kind, out_n, err);
}

enum pw_status pw_store_policy_hits_list(struct pw_store *s, pw_store_policy_hit_fn fn,
                                         void *ctx, struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->hits_list(s, fn, ctx, err);
}

enum pw_status pw_store_policy_hits_totals(struct pw_store *s, int64_t now,
                                           struct pw_store_policy_totals *out,
                                           struct pw_error *err)
{
	CHECK_READ(s, err);
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->policy->hits_totals(s, now, out, err);
}

enum pw_status pw_store_policy_hits_by_method(struct pw_store *s,
                                              pw_store_policy_hit_method_fn fn, void *ctx,
                                              struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->hits_by_method(s, fn, ctx, err);
}

enum pw_status pw_store_policy_profiles(struct pw_store *s, int64_t cutoff,
                                        pw_store_policy_profile_fn fn, void *ctx,
                                        struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->profiles(s, cutoff, fn, ctx, err);
}

enum pw_status pw_store_policy_profile_count(struct pw_store *s, const char *profile,
                                             int64_t from, int64_t until, uint64_t *out,
                                             struct pw_error *err)
{
	CHECK_READ(s, err);
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = 0;
	if (from >= until)
		return PW_OK;
	return s->ops->policy->profile_count(s, profile, from, until, out, err);
}

enum pw_status pw_store_policy_keys(struct pw_store *s, int64_t cutoff, pw_store_policy_key_fn fn,
                                    void *ctx, struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->keys(s, cutoff, fn, ctx, err);
}

static int text_ok(const char *t, int required)
{
	if (t == NULL)
		return !required;
	return (!required || t[0] != '\0') && strlen(t) <= PW_STORE_PLAN_MAX_TEXT;
}

enum pw_status pw_store_revoke_plan_create(struct pw_store *s, const struct pw_store_revoke_plan *p,
                                           const uint8_t *sha256s, size_t n, int64_t *out_id,
                                           struct pw_error *err)
{
	int own;
	int64_t id = 0;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (p == NULL || out_id == NULL || (n > 0 && sha256s == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!text_ok(p->deadline_rule, 1) || !text_ok(p->source, 1) || !text_ok(p->actor, 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "plan",
		                    "deadline rule and source are required, each at most %d bytes",
		                    PW_STORE_PLAN_MAX_TEXT);
	if (p->batch == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "batch", "a batch holds at least one item");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->policy->plan_create(s, p, sha256s, n, &id, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK)
		*out_id = id;
	return st;
}

enum pw_status pw_store_revoke_plan_get(struct pw_store *s, int64_t id,
                                        struct pw_store_revoke_plan *out, char *buf,
                                        size_t bufsize, struct pw_error *err)
{
	CHECK_READ(s, err);
	if (out == NULL || buf == NULL || bufsize == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->policy->plan_get(s, id, out, buf, bufsize, err);
}

enum pw_status pw_store_revoke_plan_items(struct pw_store *s, int64_t id, uint8_t **out,
                                          size_t *out_n, struct pw_error *err)
{
	CHECK_READ(s, err);
	if (out == NULL || out_n == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	*out_n = 0;
	return s->ops->policy->plan_items(s, id, out, out_n, err);
}

enum pw_status pw_store_revoke_plan_groups(struct pw_store *s, int64_t id,
                                           pw_store_plan_group_fn fn, void *ctx,
                                           struct pw_error *err)
{
	CHECK_READ(s, err);
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->policy->plan_groups(s, id, fn, ctx, err);
}

enum pw_status pw_store_revoke_plan_started(struct pw_store *s, int64_t id, int64_t job_id,
                                            int64_t at, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->policy->plan_started(s, id, job_id, at, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_revoke_plan_finished(struct pw_store *s, int64_t id, int64_t at,
                                             struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->policy->plan_finished(s, id, at, err);
	return pw_store_txn_end(s, own, st, err);
}
