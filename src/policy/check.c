/* policy/check.c: CPS disclosure vs practice (policy.h).
 *
 * Per method recorded in the store, the timeline is cut at every date that
 * matters (the BR's definition and retirement of the method, the CPS
 * windows that list it) into segments; each segment is judged once, in C,
 * and each forbidden segment becomes one indexed INSERT ... SELECT of the
 * validations inside it into the hit set (store_policy.h). So the work is
 * a handful of statements per method plus the affected rows, however many
 * certificates the base holds. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkiward/cert.h"
#include "pkiward/policy.h"
#include "pkiward/store_policy.h"

/* Distinct methods a base may hold (ids are 3.2.2.4.N / 3.2.2.5.N with N <=
 * 99, so at most 198 exist). */
#define PW_POLICY_MAX_METHODS 256
/* Cut points of one method's timeline: BR from/until + 2 per CPS window. */
#define PW_POLICY_MAX_CUTS (4 + 2 * PW_POLICY_MAX_WINDOWS)

void pw_policy_report_cleanup(struct pw_policy_report *r)
{
	if (r == NULL)
		return;
	free(r->windows);
	free(r->methods);
	free(r->profiles);
	free(r->key_types);
	memset(r, 0, sizeof *r);
}

char *pw_policy_kinds_text(unsigned kinds, char *buf, size_t buflen)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{PW_POLICY_NOT_DISCLOSED, "not-disclosed"},
		{PW_POLICY_BR_UNDEFINED, "br-undefined"},
		{PW_POLICY_BR_RETIRED, "br-retired"},
		{PW_POLICY_BR_REUSED, "br-reuse-after-sunset"},
	};
	size_t k = 0;
	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(kinds & names[i].bit))
			continue;
		int w = snprintf(buf + k, buflen - k, "%s%s", k ? "," : "", names[i].name);
		if (w < 0 || (size_t)w >= buflen - k)
			break;
		k += (size_t)w;
	}
	return buf;
}

struct methods_ctx {
	struct pw_policy_method_summary *v;
	size_t n;
	int overflow;
};

static int method_cb(void *vctx, const char *method, uint64_t validations)
{
	struct methods_ctx *c = vctx;
	if (c->n >= PW_POLICY_MAX_METHODS) {
		c->overflow = 1;
		return 0;
	}
	struct pw_policy_method_summary *m = &c->v[c->n++];
	memset(m, 0, sizeof *m);
	snprintf(m->method, sizeof m->method, "%s", method);
	m->validations = validations;
	m->known = pw_policy_br_method(method) != NULL;
	return 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t day(const char *s)
{
	int64_t t = 0;
	if (s == NULL || !pw_policy_parse_date(s, strlen(s), &t))
		return 0;
	return t;
}

/* What the rules say about a validation with method m at time t. */
static unsigned judge(const struct pw_policy_disclosure *d, const char *m,
                      const struct pw_policy_br_method *br, int64_t t)
{
	unsigned k = 0;
	if (br == NULL || t < day(br->from))
		k |= PW_POLICY_BR_UNDEFINED;
	else if (br->until != NULL && t >= day(br->until))
		k |= PW_POLICY_BR_RETIRED;
	if (!pw_policy_disclosed_at(d, m, t))
		k |= PW_POLICY_NOT_DISCLOSED;
	return k;
}

/* Appends formatted text to out (outlen bytes, holding k already). */
static size_t cite_add(char *out, size_t outlen, size_t k, const char *fmt, ...) PW_PRINTF(4, 5);
static size_t cite_add(char *out, size_t outlen, size_t k, const char *fmt, ...)
{
	va_list ap;
	if (k + 1 >= outlen)
		return k;
	va_start(ap, fmt);
	int w = vsnprintf(out + k, outlen - k, fmt, ap);
	va_end(ap);
	if (w < 0)
		return k;
	return (size_t)w < outlen - k ? k + (size_t)w : outlen - 1;
}

static void cite_window(char *out, size_t outlen, const struct pw_policy_disclosure *d,
                        const char *m, const struct pw_policy_br_method *br, unsigned kinds)
{
	size_t k = 0;
	out[0] = '\0';
	if (kinds & PW_POLICY_NOT_DISCLOSED)
		k = cite_add(out, outlen, k,
		             "CPS %s does not list %s for this period (BR 2.2: the CPS discloses the "
		             "methods used)",
		             d->cps_version, m);
	if (kinds & PW_POLICY_BR_UNDEFINED) {
		if (br == NULL)
			k = cite_add(out, outlen, k, "%sBR defines no method %s", k ? "; " : "", m);
		else
			k = cite_add(out, outlen, k, "%sBR %s not defined before %s (%s)", k ? "; " : "", m,
			             br->from, br->from_cite);
	}
	if ((kinds & PW_POLICY_BR_RETIRED) && br != NULL)
		k = cite_add(out, outlen, k, "%sBR %s retired %s (%s)", k ? "; " : "", m, br->until,
		             br->until_cite);
	if ((kinds & PW_POLICY_BR_REUSED) && br != NULL)
		cite_add(out, outlen, k, "%sBR %s: issued on or after %s relying on an earlier "
		         "validation (%s)", k ? "; " : "", m, br->reuse_until, br->reuse_cite);
}

static int push_window(struct pw_policy_report *r, size_t *cap,
                       const struct pw_policy_window_finding *w)
{
	if (r->n_windows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct pw_policy_window_finding *nv = realloc(r->windows, ncap * sizeof *nv);
		if (nv == NULL)
			return 0;
		r->windows = nv;
		*cap = ncap;
	}
	r->windows[r->n_windows++] = *w;
	return 1;
}

/* Cuts method m's timeline, judges each segment, and adds the validations
 * of every forbidden segment to the hit set. */
static enum pw_status check_method(struct pw_store *s, const struct pw_policy_disclosure *d,
                                   const char *m, int64_t cutoff, struct pw_policy_report *r,
                                   size_t *wcap, int64_t *cuts, struct pw_error *err)
{
	const struct pw_policy_br_method *br = pw_policy_br_method(m);
	size_t n = 0;
	enum pw_status st;

	cuts[n++] = INT64_MIN;
	cuts[n++] = cutoff;
	if (br != NULL) {
		cuts[n++] = day(br->from);
		if (br->until != NULL)
			cuts[n++] = day(br->until);
	}
	for (size_t i = 0; i < d->n_dcv && n + 2 <= PW_POLICY_MAX_CUTS; i++) {
		if (strcmp(d->dcv[i].section, m) != 0)
			continue;
		cuts[n++] = d->dcv[i].from;
		if (d->dcv[i].has_until)
			cuts[n++] = d->dcv[i].until;
	}
	qsort(cuts, n, sizeof *cuts, cmp_i64);
	/* Segments [cuts[i], cuts[i+1]) below the cutoff; merge neighbours
	 * judged alike so each forbidden stretch is one range query. */
	size_t i = 0;
	while (i + 1 < n && cuts[i] < cutoff) {
		if (cuts[i] == cuts[i + 1]) {
			i++;
			continue;
		}
		unsigned kinds = judge(d, m, br, cuts[i]);
		size_t j = i + 1;
		while (j + 1 < n && cuts[j] < cutoff &&
		       (cuts[j] == cuts[j + 1] || judge(d, m, br, cuts[j]) == kinds))
			j++;
		int64_t from = cuts[i], until = cuts[j] < cutoff ? cuts[j] : cutoff;
		if (kinds != 0) {
			struct pw_policy_window_finding w;
			memset(&w, 0, sizeof w);
			snprintf(w.method, sizeof w.method, "%s", m);
			w.has_from = from != INT64_MIN;
			w.from = w.has_from ? from : 0;
			w.has_until = until < cutoff;
			w.until = w.has_until ? until : cutoff;
			w.kinds = kinds;
			if ((st = pw_store_policy_hits_add_window(s, m, from, until, cutoff, kinds,
			                                          &w.validations, err)) != PW_OK)
				return st;
			if (w.validations > 0) {
				cite_window(w.cite, sizeof w.cite, d, m, br, kinds);
				r->validations_hit += w.validations;
				if (!push_window(r, wcap, &w))
					return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			}
		}
		i = j;
	}
	/* A sunset that also forbids re-using earlier validations: certificates
	 * issued after it must not rely on validations from before it. */
	if (br != NULL && br->reuse_until != NULL && day(br->reuse_until) < cutoff) {
		struct pw_policy_window_finding w;
		memset(&w, 0, sizeof w);
		snprintf(w.method, sizeof w.method, "%s", m);
		w.has_until = 1;
		w.until = day(br->reuse_until);
		w.kinds = PW_POLICY_BR_REUSED;
		if ((st = pw_store_policy_hits_add_reuse(s, m, w.until, cutoff, PW_POLICY_BR_REUSED,
		                                         &w.validations, err)) != PW_OK)
			return st;
		if (w.validations > 0) {
			cite_window(w.cite, sizeof w.cite, d, m, br, w.kinds);
			r->validations_hit += w.validations;
			if (!push_window(r, wcap, &w))
				return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		}
	}
	return PW_OK;
}

static int by_method_cb(void *vctx, const char *method, uint64_t certificates, int64_t lo,
                        int64_t hi)
{
	struct pw_policy_report *r = vctx;
	for (size_t i = 0; i < r->n_methods; i++) {
		if (strcmp(r->methods[i].method, method) == 0) {
			r->methods[i].affected_certificates = certificates;
			r->methods[i].first_not_before = lo;
			r->methods[i].last_not_before = hi;
		}
	}
	return 1;
}

/* Merged, sorted windows of one name (profiles, key types). */
static size_t merged_windows(const struct pw_policy_window *v, size_t n, const char *name,
                             int64_t (*out)[2])
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].section, name) != 0)
			continue;
		out[k][0] = v[i].from;
		out[k][1] = v[i].has_until ? v[i].until : INT64_MAX;
		k++;
	}
	/* insertion sort by start (few windows), then merge overlaps */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && out[j][0] < out[j - 1][0]; j--) {
			int64_t t0 = out[j][0], t1 = out[j][1];
			out[j][0] = out[j - 1][0];
			out[j][1] = out[j - 1][1];
			out[j - 1][0] = t0;
			out[j - 1][1] = t1;
		}
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && out[i][0] <= out[m - 1][1]) {
			if (out[i][1] > out[m - 1][1])
				out[m - 1][1] = out[i][1];
		} else {
			out[m][0] = out[i][0];
			out[m][1] = out[i][1];
			m++;
		}
	}
	return m;
}

struct profile_ctx {
	struct pw_store *s;
	const struct pw_policy_disclosure *d;
	struct pw_policy_report *r;
	int64_t cutoff;
	int64_t (*wins)[2];
	enum pw_status st;
	struct pw_error *err;
};

static int push_issued(struct pw_policy_issued_finding **v, size_t *n,
                       const struct pw_policy_issued_finding *f)
{
	struct pw_policy_issued_finding *nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (nv == NULL)
		return 0;
	*v = nv;
	nv[(*n)++] = *f;
	return 1;
}

static int profile_cb(void *vctx, const char *profile, uint64_t certificates, int64_t lo,
                      int64_t hi)
{
	struct profile_ctx *c = vctx;
	if (profile == NULL)
		return 1; /* no recorded profile: nothing to compare */
	size_t k = merged_windows(c->d->profiles, c->d->n_profiles, profile, c->wins);
	uint64_t inside = 0;
	/* The common case: one window spans every issuance of the profile, so
	 * nothing needs counting (no index range over the whole base). */
	for (size_t i = 0; i < k; i++)
		if (c->wins[i][0] <= lo && hi < c->wins[i][1])
			return 1;
	for (size_t i = 0; i < k; i++) {
		uint64_t n = 0;
		int64_t until = c->wins[i][1] < c->cutoff ? c->wins[i][1] : c->cutoff;
		c->st = pw_store_policy_profile_count(c->s, profile, c->wins[i][0], until, &n, c->err);
		if (c->st != PW_OK)
			return 0;
		inside += n;
	}
	if (inside >= certificates)
		return 1;
	struct pw_policy_issued_finding f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", profile);
	f.certificates = certificates - inside;
	f.first_not_before = lo;
	f.last_not_before = hi;
	f.never_disclosed = k == 0;
	if (!push_issued(&c->r->profiles, &c->r->n_profiles, &f)) {
		c->st = pw_error_set(c->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		return 0;
	}
	return 1;
}

int pw_policy_key_type(const uint8_t *der, size_t len, char out[PW_POLICY_KEY_TYPE_MAX])
{
	struct pw_cert c;
	struct pw_error e;
	int ok = 0;
	pw_cert_init(&c);
	if (pw_cert_parse(&c, der, len, &e) != PW_OK)
		goto out;
	ok = 1;
	if (c.spki.alg.id == PW_OID_RSA_ENCRYPTION && c.spki.rsa_ok)
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "rsa-%u", c.spki.rsa_bits);
	else if (c.spki.alg.id == PW_OID_EC_PUBLIC_KEY && c.spki.ec_curve == PW_OID_SECP256R1)
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "ecdsa-p256");
	else if (c.spki.alg.id == PW_OID_EC_PUBLIC_KEY && c.spki.ec_curve == PW_OID_SECP384R1)
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "ecdsa-p384");
	else if (c.spki.alg.id == PW_OID_EC_PUBLIC_KEY && c.spki.ec_curve == PW_OID_SECP521R1)
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "ecdsa-p521");
	else if (c.spki.alg.id == PW_OID_ED25519)
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "ed25519");
	else
		snprintf(out, PW_POLICY_KEY_TYPE_MAX, "other");
out:
	pw_cert_cleanup(&c);
	return ok;
}

struct key_ctx {
	const struct pw_policy_disclosure *d;
	struct pw_policy_report *r;
	int64_t (*wins)[2];
	enum pw_status st;
	struct pw_error *err;
};

/* A key counts as disclosed when every certificate with it was issued inside
 * one disclosed window of its type (its first and last notBefore are). */
static int key_cb(void *vctx, const uint8_t spki[32], const uint8_t *der, size_t len,
                  uint64_t certificates, int64_t lo, int64_t hi)
{
	struct key_ctx *c = vctx;
	char type[PW_POLICY_KEY_TYPE_MAX];
	(void)spki;
	if (!pw_policy_key_type(der, len, type))
		snprintf(type, sizeof type, "unparsable");
	size_t k = merged_windows(c->d->key_types, c->d->n_key_types, type, c->wins);
	for (size_t i = 0; i < k; i++)
		if (lo >= c->wins[i][0] && hi < c->wins[i][1])
			return 1;
	for (size_t i = 0; i < c->r->n_key_types; i++) {
		struct pw_policy_issued_finding *f = &c->r->key_types[i];
		if (strcmp(f->name, type) == 0) {
			f->certificates += certificates;
			f->keys++;
			if (lo < f->first_not_before)
				f->first_not_before = lo;
			if (hi > f->last_not_before)
				f->last_not_before = hi;
			return 1;
		}
	}
	struct pw_policy_issued_finding f;
	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", type);
	f.certificates = certificates;
	f.keys = 1;
	f.first_not_before = lo;
	f.last_not_before = hi;
	f.never_disclosed = k == 0;
	if (!push_issued(&c->r->key_types, &c->r->n_key_types, &f)) {
		c->st = pw_error_set(c->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		return 0;
	}
	return 1;
}

enum pw_status pw_policy_check(struct pw_store *s, const struct pw_policy_disclosure *d,
                               const struct pw_policy_check_opts *opts,
                               struct pw_policy_report *out, struct pw_error *err)
{
	struct methods_ctx mc = {0};
	int64_t *cuts = NULL;
	int64_t (*wins)[2] = NULL;
	size_t wcap = 0;
	enum pw_status st;
	struct pw_policy_check_opts o;

	if (s == NULL || d == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	memset(&o, 0, sizeof o);
	if (opts != NULL)
		o = *opts;
	out->at = o.at ? o.at : (int64_t)time(NULL);
	out->now = o.now ? o.now : out->at;
	mc.v = calloc(PW_POLICY_MAX_METHODS, sizeof *mc.v);
	cuts = malloc(PW_POLICY_MAX_CUTS * sizeof *cuts);
	size_t maxw = PW_POLICY_MAX_WINDOWS > PW_POLICY_MAX_PROFILES ? PW_POLICY_MAX_WINDOWS
	                                                              : PW_POLICY_MAX_PROFILES;
	wins = malloc(maxw * sizeof *wins);
	if (mc.v == NULL || cuts == NULL || wins == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if ((st = pw_store_policy_hits_reset(s, err)) != PW_OK)
		goto out;
	if ((st = pw_store_policy_methods(s, o.count_methods, method_cb, &mc, err)) != PW_OK)
		goto out;
	if (mc.overflow) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "validation",
		                  "more than %d distinct validation methods recorded",
		                  PW_POLICY_MAX_METHODS);
		goto out;
	}
	out->methods = mc.v;
	out->n_methods = mc.n;
	mc.v = NULL;
	for (size_t i = 0; i < out->n_methods; i++)
		if ((st = check_method(s, d, out->methods[i].method, out->at, out, &wcap, cuts, err)) !=
		    PW_OK)
			goto out;
	struct pw_store_policy_totals t;
	if ((st = pw_store_policy_hits_totals(s, out->now, &t, err)) != PW_OK)
		goto out;
	out->certificates = t.certificates;
	out->precertificates = t.precertificates;
	out->remaining_valid = t.remaining_valid;
	out->revoked = t.revoked;
	out->expired = t.expired;
	out->first_not_before = t.first_not_before;
	out->last_not_before = t.last_not_before;
	if (t.certificates > 0 &&
	    (st = pw_store_policy_hits_by_method(s, by_method_cb, out, err)) != PW_OK)
		goto out;
	if (!o.skip_profiles && d->has_profiles) {
		struct profile_ctx pc = {s, d, out, out->at, wins, PW_OK, err};
		if ((st = pw_store_policy_profiles(s, out->at, profile_cb, &pc, err)) != PW_OK)
			goto out;
		if ((st = pc.st) != PW_OK)
			goto out;
	}
	if (!o.skip_key_types && d->has_key_types) {
		struct key_ctx kc = {d, out, wins, PW_OK, err};
		if ((st = pw_store_policy_keys(s, out->at, key_cb, &kc, err)) != PW_OK)
			goto out;
		if ((st = kc.st) != PW_OK)
			goto out;
	}
	st = PW_OK;
out:
	free(mc.v);
	free(cuts);
	free(wins);
	if (st != PW_OK)
		pw_policy_report_cleanup(out);
	return st;
}

enum pw_status pw_policy_affected(struct pw_store *s, pw_store_policy_hit_fn fn, void *ctx,
                                  struct pw_error *err)
{
	return pw_store_policy_hits_list(s, fn, ctx, err);
}
