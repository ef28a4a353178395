/* pkiward lint — the engine: parse, resolve the profile, then for every
 * registered lint decide applicability exactly as zlint v3 does
 * (lint/base.go CertificateLint.execute):
 *
 *   1. source gate: a CABF Baseline Requirements lint applies only to a
 *      certificate zlint calls server-auth (util.IsServerAuthCert), unless
 *      the lint opts out (PW_LINT_F_NO_SOURCE_GATE = OverrideFrameworkFilter)
 *      → NA;
 *   2. the lint's own applies() (zlint CheckApplies)                 → NA;
 *   3. notBefore (a CRL: thisUpdate) outside [effective, ineffective) → NE;
 *   4. the check.
 *
 * An explicit --profile for a TLS profile opens the source gate (the
 * operator states what the certificate is meant to be; this is how a TBS
 * certificate is checked against the profile it will be issued under);
 * an explicit non-tls profile closes it for every Web PKI source.
 *
 * Results go into the caller's struct pw_lint_results; no global state is
 * written (the registry is built once, read-only). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "key_memo.h"
#include "lint_util.h"

/* The lints that can end other than NA/NE for one class of certificates
 * (same target, source gates, TBS or not, and notBefore inside the same
 * interval between two effective/ineffective dates of the registry), when
 * NA/NE rows are not kept and every lint is selected. Consecutive
 * certificates of a base nearly always share the class, so the engine
 * walks this short list instead of filtering the whole registry again. */
struct run_plan {
	int valid;
	uint8_t target, close_br, close_tls, is_tbs;
	int64_t lo, hi;                  /* the plan holds for lo <= date < hi */
	size_t n;
	uint16_t idx[PW_LINT_MAX_LINTS]; /* registry indices, in registry order */
};

/* Parse objects kept in the result set between calls so that re-linting
 * does not allocate in the steady state (cert.h: arenas are reused). */
struct lint_cache {
	struct pw_cert cert;
	struct pw_crl crl;
	int have_cert, have_crl;
	/* Results of checks that depend on the key alone, across calls. */
	struct pw_lint_key_memo keys;
	/* Per call: applies() results by the registry's applies index
	 * (0 = not asked yet, 1 = no, 2 = yes); PW_LINT_MAX_LINTS entries. */
	uint8_t applies[PW_LINT_MAX_LINTS];
	struct run_plan plan;
};

void pw_lint_results_init(struct pw_lint_results *r)
{
	memset(r, 0, sizeof *r);
}

void pw_lint_results_cleanup(struct pw_lint_results *r)
{
	if (r == NULL)
		return;
	struct lint_cache *c = r->cache_;
	if (c != NULL) {
		if (c->have_cert)
			pw_cert_cleanup(&c->cert);
		if (c->have_crl)
			pw_crl_cleanup(&c->crl);
		pw_lint_key_memo_cleanup(&c->keys);
		free(c);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

static struct lint_cache *get_cache(struct pw_lint_results *r)
{
	if (r->cache_ == NULL)
		r->cache_ = calloc(1, sizeof(struct lint_cache));
	return r->cache_;
}

static enum pw_status reset(struct pw_lint_results *r, size_t need, struct pw_error *err)
{
	r->n = 0;
	r->fatal = 0;
	r->parse_failed = 0;
	r->profile = PW_PROFILE_AUTO;
	r->kind = PW_KIND_CERT;
	pw_error_clear(&r->parse_err);
	if (need > r->cap) {
		struct pw_lint_result *v = realloc(r->v, need * sizeof *v);
		if (v == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint", "out of memory");
		r->v = v;
		r->cap = need;
	}
	return PW_OK;
}

/* The registry or a clear error (a malformed family is a build bug, but it
 * must not crash a CA's issuance pipeline). */
static const struct pw_lint_entry *registry(size_t *n, struct pw_error *err)
{
	const struct pw_lint_entry *e = pw_lint_registry_get0(n);
	if (e == NULL)
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint registry", "%s",
		             pw_lint_registry_error());
	return e;
}

/* Per-call selection from opts->only: a bitmap over registry indices.
 * Returns PW_OK with *out NULL when every lint runs. */
static enum pw_status select_lints(const struct pw_lint_opts *opts, size_t n, uint8_t **out,
                                   struct pw_error *err)
{
	*out = NULL;
	if (opts == NULL || opts->only == NULL)
		return PW_OK;
	uint8_t *sel = calloc(n ? n : 1, 1);
	if (sel == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint", "out of memory");
	for (size_t i = 0; opts->only[i] != NULL; i++) {
		const struct pw_lint_def *d = pw_lint_find(opts->only[i]);
		size_t k = pw_lint_registry_index(d);
		if (d == NULL || k == (size_t)-1) {
			free(sel);
			return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "lint", "unknown lint '%s'",
			                    opts->only[i]);
		}
		sel[k] = 1;
	}
	*out = sel;
	return PW_OK;
}

/* Rejects unknown names in opts->only before any parsing, so a typo is an
 * error even when the input would not parse. */
static enum pw_status check_only(const struct pw_lint_opts *opts, struct pw_error *err)
{
	if (opts == NULL || opts->only == NULL)
		return PW_OK;
	for (size_t i = 0; opts->only[i] != NULL; i++)
		if (pw_lint_find(opts->only[i]) == NULL)
			return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "lint", "unknown lint '%s'",
			                    opts->only[i]);
	return PW_OK;
}

static int is_tls_profile(enum pw_lint_profile p)
{
	return p != PW_PROFILE_AUTO && p != PW_PROFILE_NON_TLS;
}

/* Records a result in the next slot; NA/NE rows are kept only on request
 * (the slot is simply reused otherwise). */
static inline void add_result(struct pw_lint_results *out, const struct pw_lint_def *def,
                              enum pw_lint_status st, int keep_na)
{
	struct pw_lint_result *res = &out->v[out->n];
	res->def = def;
	res->status = st;
	if (st == PW_LINT_FATAL)
		out->fatal = 1;
	if ((st == PW_LINT_NA || st == PW_LINT_NE) && !keep_na)
		return;
	out->n++;
}

/* The lint's applies-check, asked once per object for every distinct
 * applies() function (memo: 0 = not asked, 1 = no, 2 = yes). */
static inline int applies_memo(const struct pw_lint_entry *e, const struct pw_lint_ctx *ctx,
                               uint8_t *memo)
{
	if (e->applies == NULL)
		return 1;
	if (memo == NULL)
		return e->applies(ctx) != 0;
	if (memo[e->applies_idx] == 0)
		memo[e->applies_idx] = e->applies(ctx) ? 2 : 1;
	return memo[e->applies_idx] == 2;
}

static int plan_matches(const struct run_plan *p, enum pw_lint_target target, int close_br,
                        int close_tls, int is_tbs, int64_t date)
{
	return p->valid && p->target == (uint8_t)target && p->close_br == (uint8_t)close_br &&
	       p->close_tls == (uint8_t)close_tls && p->is_tbs == (uint8_t)is_tbs && date >= p->lo &&
	       date < p->hi;
}

/* Selects the lints whose gate, signature need and dates let them run for
 * this class (run_lints' NA/NE tests, in the same order of effect), and the
 * widest date interval around `date` in which that selection holds. */
static void plan_build(struct run_plan *p, const struct pw_lint_entry *reg, size_t nreg,
                       enum pw_lint_target target, int close_br, int close_tls, int is_tbs,
                       int64_t date)
{
	p->lo = INT64_MIN;
	p->hi = INT64_MAX;
	p->n = 0;
	for (size_t i = 0; i < nreg && i < PW_LINT_MAX_LINTS; i++) {
		const struct pw_lint_entry *e = &reg[i];
		if (e->target != target)
			continue;
		/* Narrow [lo, hi) to the dates between this lint's bounds. */
		if (e->has_effective) {
			if (e->effective <= date && e->effective > p->lo)
				p->lo = e->effective;
			if (e->effective > date && e->effective < p->hi)
				p->hi = e->effective;
		}
		if (e->has_ineffective) {
			if (e->ineffective <= date && e->ineffective > p->lo)
				p->lo = e->ineffective;
			if (e->ineffective > date && e->ineffective < p->hi)
				p->hi = e->ineffective;
		}
		if ((e->has_effective && date < e->effective) ||
		    (e->has_ineffective && date >= e->ineffective) || (is_tbs && e->needs_signature) ||
		    (close_br && e->br_gated) || (close_tls && e->tls_source))
			continue;
		p->idx[p->n++] = (uint16_t)i;
	}
	p->target = (uint8_t)target;
	p->close_br = (uint8_t)close_br;
	p->close_tls = (uint8_t)close_tls;
	p->is_tbs = (uint8_t)is_tbs;
	p->valid = 1;
}

/* Runs every selected lint of `target` on the context. `memo` (may be
 * NULL) has room for every applies index and is cleared here; `plan` (may
 * be NULL) is the caller's reusable run_plan. */
static void run_lints(const struct pw_lint_entry *reg, size_t nreg, const uint8_t *sel,
                      const struct pw_lint_ctx *ctx, enum pw_lint_target target,
                      enum pw_lint_profile asked, int64_t date, int is_tbs, int keep_na,
                      uint8_t *memo, struct run_plan *plan, struct pw_lint_results *out)
{
	/* Which lints the source gate closes for this certificate: with AUTO,
	 * the BR lints when zlint would not call it server-auth; with an
	 * explicit non-tls profile, every Web PKI TLS source; with an explicit
	 * TLS profile, none. */
	int close_br = 0, close_tls = 0;
	if (target == PW_TARGET_CERT) {
		if (asked == PW_PROFILE_AUTO)
			close_br = !ctx->server_auth;
		else if (!is_tls_profile(asked))
			close_br = close_tls = 1;
	}
	if (memo != NULL)
		memset(memo, 0, nreg);
	if (plan != NULL && sel == NULL && !keep_na) {
		if (!plan_matches(plan, target, close_br, close_tls, is_tbs, date))
			plan_build(plan, reg, nreg, target, close_br, close_tls, is_tbs, date);
		for (size_t k = 0; k < plan->n; k++) {
			const struct pw_lint_entry *e = &reg[plan->idx[k]];
			if (!applies_memo(e, ctx, memo))
				continue;
			struct pw_lint_result *res = &out->v[out->n];
			res->details[0] = '\0';
			enum pw_lint_status st = e->check(ctx, res->details, sizeof res->details);
			if ((unsigned)st > PW_LINT_FATAL)
				st = PW_LINT_FATAL;
			add_result(out, e->def, st, 0);
		}
		return;
	}
	for (size_t i = 0; i < nreg; i++) {
		const struct pw_lint_entry *e = &reg[i];
		if (e->target != target || (sel != NULL && !sel[i]))
			continue;
		int out_of_dates = (e->has_effective && date < e->effective) ||
		                   (e->has_ineffective && date >= e->ineffective);
		/* NA and NE rows are dropped unless asked for, so a lint that can
		 * only end NA or NE costs nothing beyond this test: the gate, the
		 * applies-check and the dates decide only between NA and NE. */
		if (!keep_na && (out_of_dates || (is_tbs && e->needs_signature) ||
		                 (close_br && e->br_gated) || (close_tls && e->tls_source)))
			continue;
		struct pw_lint_result *res = &out->v[out->n];
		enum pw_lint_status st;
		if ((close_br && e->br_gated) || (close_tls && e->tls_source))
			st = PW_LINT_NA;
		else if (!applies_memo(e, ctx, memo))
			st = PW_LINT_NA;
		else if (is_tbs && e->needs_signature)
			st = PW_LINT_NA;
		else if (out_of_dates)
			st = PW_LINT_NE;
		else {
			res->details[0] = '\0';
			st = e->check(ctx, res->details, sizeof res->details);
			if ((unsigned)st > PW_LINT_FATAL)
				st = PW_LINT_FATAL;
			add_result(out, e->def, st, keep_na);
			continue;
		}
		res->details[0] = '\0';
		add_result(out, e->def, st, keep_na);
	}
}

enum pw_status pw_lint_parsed_cert(const struct pw_cert *c, const struct pw_lint_opts *opts,
                                   struct pw_lint_results *out, struct pw_error *err)
{
	enum pw_status st;
	size_t nreg = 0;
	uint8_t *sel = NULL;
	const struct pw_lint_entry *reg;
	struct pw_lint_ctx ctx;
	struct lint_cache *cache;
	enum pw_lint_profile asked = opts != NULL ? opts->profile : PW_PROFILE_AUTO;

	if (c == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "no certificate or result set");
	if ((reg = registry(&nreg, err)) == NULL)
		return PW_ERR_USAGE;
	if ((cache = get_cache(out)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint", "out of memory");
	if ((st = reset(out, nreg + 1, err)) != PW_OK)
		return st;
	if ((st = select_lints(opts, nreg, &sel, err)) != PW_OK)
		return st;
	memset(&ctx, 0, sizeof ctx);
	ctx.cert = c;
	ctx.memo_ = &cache->keys;
	ctx.now = opts != NULL && opts->now != 0 ? opts->now : (int64_t)time(NULL);
	ctx.issuer = opts != NULL ? opts->issuer : NULL;
	ctx.self_signed = pw_lint_compute_self_signed(c);
	ctx.server_auth = pw_lint_is_server_auth(c);
	ctx.profile = asked != PW_PROFILE_AUTO ? asked : pw_lint_detect_profile_ss_(c, ctx.self_signed);
	out->profile = ctx.profile;
	out->kind = c->kind;
	run_lints(reg, nreg, sel, &ctx, PW_TARGET_CERT, asked, c->not_before,
	          c->kind == PW_KIND_TBS, opts != NULL && opts->include_na, cache->applies, &cache->plan,
	          out);
	free(sel);
	return PW_OK;
}

/* Runs the lints of a non-certificate target (CRL, OCSP response): no
 * profile and no source gate apply, and `date` is what the NE window is
 * measured against. `ctx` carries the object; the rest is filled here. */
static enum pw_status run_object(struct pw_lint_ctx *ctx, enum pw_lint_target target,
                                 enum pw_cert_kind kind, int64_t date,
                                 const struct pw_lint_opts *opts, struct pw_lint_results *out,
                                 struct pw_error *err)
{
	enum pw_status st;
	size_t nreg = 0;
	uint8_t *sel = NULL;
	const struct pw_lint_entry *reg;

	if ((reg = registry(&nreg, err)) == NULL)
		return PW_ERR_USAGE;
	if ((st = reset(out, nreg + 1, err)) != PW_OK)
		return st;
	if ((st = select_lints(opts, nreg, &sel, err)) != PW_OK)
		return st;
	ctx->now = opts != NULL && opts->now != 0 ? opts->now : (int64_t)time(NULL);
	ctx->issuer = opts != NULL ? opts->issuer : NULL;
	ctx->profile = PW_PROFILE_NON_TLS; /* profiles describe certificates */
	out->profile = ctx->profile;
	out->kind = kind;
	run_lints(reg, nreg, sel, ctx, target, PW_PROFILE_AUTO, date, 0,
	          opts != NULL && opts->include_na, NULL, NULL, out);
	free(sel);
	return PW_OK;
}

enum pw_status pw_lint_parsed_crl(const struct pw_crl *l, const struct pw_lint_opts *opts,
                                  struct pw_lint_results *out, struct pw_error *err)
{
	struct pw_lint_ctx ctx;
	if (l == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "no CRL or result set");
	memset(&ctx, 0, sizeof ctx);
	ctx.crl = l;
	/* zlint dates RevocationList lints by thisUpdate (lint/base.go). */
	return run_object(&ctx, PW_TARGET_CRL, PW_KIND_CRL, l->this_update, opts, out, err);
}

enum pw_status pw_lint_parsed_ocsp(const struct pw_ocsp_resp *r, const struct pw_lint_opts *opts,
                                   struct pw_lint_results *out, struct pw_error *err)
{
	struct pw_lint_ctx ctx;
	if (r == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "no OCSP response or result set");
	memset(&ctx, 0, sizeof ctx);
	ctx.ocsp = r;
	/* OCSP lints are dated by producedAt, the moment the response was signed;
	 * the result kind is "not a certificate" (callers know they linted OCSP). */
	return run_object(&ctx, PW_TARGET_OCSP, PW_KIND_CRL, r->produced_at, opts, out, err);
}

/* Records a parse failure as the single fatal result `name`. */
static enum pw_status parse_failure(struct pw_lint_results *out, const char *name,
                                    enum pw_cert_kind kind, const struct pw_error *perr,
                                    struct pw_error *err)
{
	enum pw_status st;
	size_t nreg = 0;
	if (registry(&nreg, err) == NULL)
		return PW_ERR_USAGE;
	if ((st = reset(out, nreg + 1, err)) != PW_OK)
		return st;
	out->parse_err = *perr;
	out->parse_failed = 1;
	out->fatal = 1;
	out->profile = PW_PROFILE_AUTO;
	out->kind = kind;
	const struct pw_lint_def *d = pw_lint_find(name);
	if (d == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint registry",
		                    "lint %s is not registered", name);
	struct pw_lint_result *res = &out->v[out->n++];
	res->def = d;
	res->status = PW_LINT_FATAL;
	pw_error_format(perr, res->details, sizeof res->details);
	return PW_OK;
}

static enum pw_status lint_cert_der(const uint8_t *der, size_t len, int tbs,
                                    const struct pw_lint_opts *opts,
                                    struct pw_lint_results *out, struct pw_error *err)
{
	struct pw_error perr;
	enum pw_status st;
	struct lint_cache *cache;

	if (out == NULL || (der == NULL && len != 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "invalid arguments");
	if ((st = check_only(opts, err)) != PW_OK)
		return st;
	if ((cache = get_cache(out)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint", "out of memory");
	if (!cache->have_cert) {
		pw_cert_init(&cache->cert);
		cache->have_cert = 1;
	}
	pw_error_clear(&perr);
	/* No lint reads the certificate's, the SPKI's or the CT link SHA-256
	 * (they identify certificates in the store), so the parse skips them:
	 * the structure is checked exactly as strictly (cert.h). */
	st = tbs ? pw_cert_parse_tbs(&cache->cert, der, len, &perr)
	         : pw_cert_parse_ex(&cache->cert, der, len, PW_CERT_PARSE_NO_HASHES, &perr);
	if (st == PW_ERR_NOMEM) {
		if (err != NULL)
			*err = perr;
		return st;
	}
	if (st != PW_OK)
		return parse_failure(out, PW_LINT_NAME_DER_STRICT, tbs ? PW_KIND_TBS : PW_KIND_CERT,
		                     &perr, err);
	return pw_lint_parsed_cert(&cache->cert, opts, out, err);
}

enum pw_status pw_lint_cert(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                            struct pw_lint_results *out, struct pw_error *err)
{
	return lint_cert_der(der, len, 0, opts, out, err);
}

enum pw_status pw_lint_tbs(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                           struct pw_lint_results *out, struct pw_error *err)
{
	return lint_cert_der(der, len, 1, opts, out, err);
}

enum pw_status pw_lint_ocsp(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                            struct pw_lint_results *out, struct pw_error *err)
{
	struct pw_error perr;
	struct pw_ocsp_resp r;
	enum pw_status st;

	if (out == NULL || (der == NULL && len != 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "invalid arguments");
	if ((st = check_only(opts, err)) != PW_OK)
		return st;
	pw_ocsp_resp_init(&r);
	pw_error_clear(&perr);
	st = pw_ocsp_resp_parse(&r, der, len, &perr);
	if (st == PW_ERR_NOMEM) {
		if (err != NULL)
			*err = perr;
	} else if (st != PW_OK) {
		st = parse_failure(out, PW_LINT_NAME_OCSP_DER_STRICT, PW_KIND_CRL, &perr, err);
	} else {
		st = pw_lint_parsed_ocsp(&r, opts, out, err);
	}
	pw_ocsp_resp_cleanup(&r);
	return st;
}

enum pw_status pw_lint_crl(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                           struct pw_lint_results *out, struct pw_error *err)
{
	struct pw_error perr;
	enum pw_status st;
	struct lint_cache *cache;

	if (out == NULL || (der == NULL && len != 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "invalid arguments");
	if ((st = check_only(opts, err)) != PW_OK)
		return st;
	if ((cache = get_cache(out)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint", "out of memory");
	if (!cache->have_crl) {
		pw_crl_init(&cache->crl);
		cache->have_crl = 1;
	}
	pw_error_clear(&perr);
	/* No SHA-256: no CRL lint reads it (the CRL's identity is the
	 * caller's business), and for a 1M-entry CRL it is 46 MB to hash. */
	st = pw_crl_parse_ex(&cache->crl, der, len, PW_CERT_PARSE_NO_HASHES, &perr);
	if (st == PW_ERR_NOMEM) {
		if (err != NULL)
			*err = perr;
		return st;
	}
	if (st != PW_OK)
		return parse_failure(out, PW_LINT_NAME_CRL_DER_STRICT, PW_KIND_CRL, &perr, err);
	return pw_lint_parsed_crl(&cache->crl, opts, out, err);
}
