/* monitor/monitor.c: one monitoring pass (monitor.h, pw_monitor_run).
 *
 * The pass reads the store (CA certificates, unexpired certificates and
 * their CRLDP / AIA URLs, revocations), fetches every CRL URL once and asks
 * every responder about every revoked certificate, then decides per
 * revocation and per URL which alerts hold. Each observation is written
 * with its event in one transaction (events.h), so a pass killed half-way
 * leaves only complete records. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/lint.h"

/* CA certificates one pass loads (a CA's whole hierarchy is far smaller). */
#define PW_MONITOR_MAX_CAS 10000
/* CRL / OCSP URLs kept per certificate (certificates carry one or two). */
#define PW_MONITOR_URLS_PER_CERT 4
/* CRL entries cross-checked against the store per CRL (each is one index
 * lookup; a CRL with more entries is checked for its first ones only). */
#define PW_MONITOR_MAX_CROSSCHECK 100000
/* BR 4.9.9: an authoritative OCSP response within 15 minutes of issuance. */
#define PW_MONITOR_OCSP_AVAILABILITY ((int64_t)15 * 60)
/* Lint names quoted in one crl-lint alert. */
#define PW_MONITOR_LINT_NAMES 4

enum url_kind { U_CRL = 0, U_OCSP = 1 };

struct ca {
	uint8_t sha256[32];
	uint8_t *der;
	size_t len;
	struct pw_cert c;          /* parsed; borrows der */
	uint8_t key_sha1[20];      /* RFC 6960 §4.2.1 ResponderID byKey */
};

struct url {
	char *url;
	enum url_kind kind;
	int from_cert;
	int configured;
	int fetched;               /* a transfer was made this pass */
	int verified;              /* a CRL/response from it verified this pass */
	int has_sample;            /* OCSP: an unrevoked certificate for liveness */
	uint8_t sample[32];
	int64_t sample_not_before;
};

/* Per revocation: the URLs its certificate names and what each showed. */
enum link_state { L_UNCHECKED = 0, L_LISTED, L_MISSING, L_UNUSABLE };

struct rev {
	uint8_t sha256[32];
	uint8_t serial[PW_STORE_MAX_SERIAL];
	size_t serial_len;
	uint8_t issuer_raw_sha256[32]; /* SHA-256 of the issuer Name DER */
	int64_t revoked_at;
	int ca;                      /* index into cas, -1 when not found */
	uint32_t crl_u[PW_MONITOR_URLS_PER_CERT];
	uint8_t crl_state[PW_MONITOR_URLS_PER_CERT];
	uint8_t n_crl;
	uint32_t ocsp_u[PW_MONITOR_URLS_PER_CERT];
	uint8_t n_ocsp;
	/* Full CRLs (no IDP) of its CA fetched from other URLs. */
	uint32_t full_checked, full_listed;
	int full_missing_u;          /* first full CRL URL without it (-1 none) */
	/* OCSP answers: count by status, and what the first bad one said. */
	uint32_t ocsp_asked, ocsp_revoked, ocsp_good, ocsp_unknown, ocsp_unusable;
	int ocsp_bad_u;              /* first URL whose answer was not revoked (-1 none) */
	char ocsp_note[200];         /* what that answer was */
};

struct strset {
	char **v;
	size_t n, cap;
	int sorted;
};

struct run {
	struct pw_store *s;
	const struct pw_monitor_opts *o;
	struct pw_monitor_summary sum;
	struct pw_error *err;
	int64_t now;                 /* the pass's reference time */
	int64_t crl_deadline, ocsp_deadline, grace;
	size_t max_crl, max_ocsp_queries;
	const char *actor;
	struct pw_monitor_client *http;
	struct ca *cas;
	size_t n_cas;
	struct url *urls;
	size_t n_urls, cap_urls;
	uint32_t *url_hash;          /* open addressing: index + 1, 0 = empty */
	size_t hash_cap;
	struct rev *revs;
	size_t n_revs, cap_revs;
	struct strset raised;        /* "kind\tsubject" of alerts raised this pass */
	struct strset checked;       /* subjects evaluated this pass */
	json_t *run_alerts;          /* alert ids raised this pass (run event) */
	/* The transfer being analysed: its outcome and the alerts it raised. */
	const char *cur_outcome;
	char cur_detail[PW_STORE_MONITOR_MAX_DETAIL];
	json_t *cur_alerts;
	struct pw_lint_results lint;
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static int64_t clock_now(const struct run *r)
{
	return r->o->now != 0 ? r->o->now : (int64_t)time(NULL);
}

static char *time_text(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
	return buf;
}

static int strset_add(struct strset *s, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *t;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return 0;
		s->v = v;
		s->cap = cap;
	}
	if ((t = malloc(la + lb + 2)) == NULL)
		return 0;
	memcpy(t, a, la);
	t[la] = '\t';
	if (b != NULL)
		memcpy(t + la + 1, b, lb);
	t[la + 1 + lb] = '\0';
	s->v[s->n++] = t;
	s->sorted = 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strset_has(struct strset *s, const char *a, const char *b)
{
	char key[PW_STORE_MONITOR_MAX_KIND + PW_STORE_EVENT_MAX_TEXT + 4];
	const char *k = key;
	if (!s->sorted) {
		if (s->n > 1)
			qsort(s->v, s->n, sizeof *s->v, cmp_str);
		s->sorted = 1;
	}
	snprintf(key, sizeof key, "%s\t%s", a, b ? b : "");
	return s->n > 0 && bsearch(&k, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static void emit(struct run *r, const char *what, const char *url, const char *subject,
                 const char *kind, const char *detail)
{
	struct pw_monitor_event e = {what, url, subject, kind, detail};
	if (r->o->on_event != NULL)
		r->o->on_event(r->o->ctx, &e);
}

static enum pw_status nomem(struct run *r)
{
	return pw_error_set(r->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
}

/* Appends an event with a JSON payload (consumed). Inside the caller's
 * transaction. */
static enum pw_status append_event(struct run *r, int64_t at, const char *kind,
                                   const char *subject, json_t *payload)
{
	char *txt = payload ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
	                    : NULL;
	enum pw_status st;
	json_decref(payload);
	if (payload != NULL && txt == NULL)
		return nomem(r);
	st = pw_events_append(r->s, at, kind, subject, r->actor, txt, NULL, NULL, r->err);
	free(txt);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Alerts                                                                    */
/* ------------------------------------------------------------------------ */

/* Raises alert `k` about `subject` (store row, and an event when it opens). */
static enum pw_status raise(struct run *r, enum pw_monitor_alert_kind k, const char *subject,
                            const char *url, const char *fmt, ...) PW_PRINTF(5, 6);

static enum pw_status raise(struct run *r, enum pw_monitor_alert_kind k, const char *subject,
                            const char *url, const char *fmt, ...)
{
	char detail[PW_STORE_MONITOR_MAX_DETAIL];
	struct pw_store_monitor_alert a;
	int64_t id = 0, at = clock_now(r);
	int is_new = 0;
	enum pw_status st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);

	memset(&a, 0, sizeof a);
	a.kind = pw_monitor_alert_name(k);
	a.subject = subject;
	a.url = url;
	a.detail = detail;
	if ((st = pw_store_begin(r->s, r->err)) != PW_OK)
		return st;
	st = pw_store_monitor_alert_raise(r->s, &a, at, &id, &is_new, r->err);
	if (st == PW_OK && is_new) {
		json_t *p = json_pack("{s:I, s:s, s:s?, s:s}", "alert", (json_int_t)id, "kind", a.kind,
		                      "url", url, "detail", detail);
		st = p ? append_event(r, at, "monitor.alert", subject, p) : nomem(r);
	}
	if (st == PW_OK)
		st = pw_store_commit(r->s, r->err);
	else
		pw_store_rollback(r->s);
	if (st != PW_OK)
		return st;
	r->sum.alerts_raised++;
	if (is_new)
		r->sum.alerts_new++;
	if (!strset_add(&r->raised, a.kind, subject))
		return nomem(r);
	json_array_append_new(r->run_alerts, json_integer((json_int_t)id));
	if (r->cur_alerts != NULL) {
		json_array_append_new(r->cur_alerts, json_string(a.kind));
		if (r->cur_outcome == NULL) {
			r->cur_outcome = a.kind;
			snprintf(r->cur_detail, sizeof r->cur_detail, "%s", detail);
		}
	}
	emit(r, "alert", url, subject, a.kind, detail);
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* The URL table                                                             */
/* ------------------------------------------------------------------------ */

static uint64_t fnv1a(const char *s, size_t n, enum url_kind k)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)k;
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static int hash_grow(struct run *r)
{
	size_t cap = r->hash_cap ? r->hash_cap * 2 : 1024;
	uint32_t *t = calloc(cap, sizeof *t);
	if (t == NULL)
		return 0;
	for (size_t i = 0; i < r->n_urls; i++) {
		struct url *u = &r->urls[i];
		size_t j = fnv1a(u->url, strlen(u->url), u->kind) & (cap - 1);
		while (t[j] != 0)
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i + 1;
	}
	free(r->url_hash);
	r->url_hash = t;
	r->hash_cap = cap;
	return 1;
}

/* A URL as found in a certificate (IA5 bytes, not a C string) or given by
 * the user: only http/https URLs of printable ASCII are checked (an LDAP
 * CRLDP or a URL with control bytes is skipped and counted). Sets *out_idx;
 * returns 1, or 0 on allocation failure; *out_idx is -1 when skipped. */
static int url_intern(struct run *r, const char *p, size_t n, enum url_kind k, int from_cert,
                      long *out_idx)
{
	*out_idx = -1;
	if (n == 0 || n > PW_STORE_MONITOR_MAX_URL ||
	    !((n > 7 && strncmp(p, "http://", 7) == 0) || (n > 8 && strncmp(p, "https://", 8) == 0))) {
		r->sum.skipped_urls++;
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if ((uint8_t)p[i] <= 0x20 || (uint8_t)p[i] >= 0x7f) {
			r->sum.skipped_urls++;
			return 1;
		}
	if (r->hash_cap == 0 && !hash_grow(r))
		return 0;
	size_t j = fnv1a(p, n, k) & (r->hash_cap - 1);
	while (r->url_hash[j] != 0) {
		struct url *u = &r->urls[r->url_hash[j] - 1];
		if (u->kind == k && strlen(u->url) == n && memcmp(u->url, p, n) == 0) {
			u->from_cert |= from_cert;
			u->configured |= !from_cert;
			*out_idx = (long)(r->url_hash[j] - 1);
			return 1;
		}
		j = (j + 1) & (r->hash_cap - 1);
	}
	if (r->n_urls >= PW_MONITOR_MAX_URLS) {
		r->sum.skipped_urls++;
		return 1;
	}
	if (r->n_urls == r->cap_urls) {
		size_t cap = r->cap_urls ? r->cap_urls * 2 : 64;
		struct url *v = realloc(r->urls, cap * sizeof *v);
		if (v == NULL)
			return 0;
		r->urls = v;
		r->cap_urls = cap;
	}
	struct url *u = &r->urls[r->n_urls];
	memset(u, 0, sizeof *u);
	if ((u->url = malloc(n + 1)) == NULL)
		return 0;
	memcpy(u->url, p, n);
	u->url[n] = '\0';
	u->kind = k;
	u->from_cert = from_cert;
	u->configured = !from_cert;
	*out_idx = (long)r->n_urls;
	r->n_urls++;
	r->url_hash[j] = (uint32_t)r->n_urls;
	if (r->n_urls * 2 > r->hash_cap && !hash_grow(r))
		return 0;
	return 1;
}

/* ------------------------------------------------------------------------ */
/* Loading the store                                                         */
/* ------------------------------------------------------------------------ */

struct load_ctx {
	struct run *r;
	struct pw_cert c;
	int failed;                  /* allocation failure inside a callback */
};

static int load_ca_row(void *vctx, const struct pw_store_row *row)
{
	struct load_ctx *lc = vctx;
	struct run *r = lc->r;
	struct pw_error e;
	if (row->der == NULL || r->n_cas >= PW_MONITOR_MAX_CAS)
		return 1;
	struct ca *v = realloc(r->cas, (r->n_cas + 1) * sizeof *v);
	if (v == NULL) {
		lc->failed = 1;
		return 0;
	}
	r->cas = v;
	struct ca *ca = &r->cas[r->n_cas];
	memset(ca, 0, sizeof *ca);
	if ((ca->der = malloc(row->der_len)) == NULL) {
		lc->failed = 1;
		return 0;
	}
	memcpy(ca->der, row->der, row->der_len);
	ca->len = row->der_len;
	memcpy(ca->sha256, row->sha256, 32);
	pw_cert_init(&ca->c);
	if (pw_cert_parse(&ca->c, ca->der, ca->len, &e) != PW_OK) {
		pw_cert_cleanup(&ca->c);
		free(ca->der);
		return 1; /* stored, so it parsed once; skip it if it does not now */
	}
	SHA1(ca->c.spki.key.p, ca->c.spki.key.len, ca->key_sha1);
	r->n_cas++;
	return 1;
}

/* The CA that issued c: subject Name equal to c's issuer Name, and SKI equal
 * to c's AKI keyIdentifier when both exist (RFC 5280 §4.2.1.1). -1 if none. */
static int find_issuer(const struct run *r, const struct pw_name *issuer, const struct pw_der *aki,
                       int start)
{
	for (size_t i = (size_t)start; i < r->n_cas; i++) {
		const struct pw_cert *ca = &r->cas[i].c;
		if (!pw_der_equal(&ca->subject.raw, &issuer->raw))
			continue;
		if (aki != NULL && aki->len > 0 && ca->x.ski.present &&
		    !pw_der_equal(&ca->x.ski.key_id, aki))
			continue;
		return (int)i;
	}
	return -1;
}

static int load_cert_row(void *vctx, const struct pw_store_row *row)
{
	struct load_ctx *lc = vctx;
	struct run *r = lc->r;
	struct pw_error e;
	struct rev *rv = NULL;
	long idx;
	if (row->der == NULL || pw_cert_parse(&lc->c, row->der, row->der_len, &e) != PW_OK)
		return 1;
	const struct pw_cert *c = &lc->c;
	if (row->revoked) {
		if (r->n_revs == r->cap_revs) {
			size_t cap = r->cap_revs ? r->cap_revs * 2 : 64;
			struct rev *v = realloc(r->revs, cap * sizeof *v);
			if (v == NULL) {
				lc->failed = 1;
				return 0;
			}
			r->revs = v;
			r->cap_revs = cap;
		}
		rv = &r->revs[r->n_revs++];
		memset(rv, 0, sizeof *rv);
		memcpy(rv->sha256, row->sha256, 32);
		rv->serial_len = row->serial_len < sizeof rv->serial ? row->serial_len : sizeof rv->serial;
		memcpy(rv->serial, row->serial, rv->serial_len);
		rv->revoked_at = row->revoked_at;
		rv->ca = find_issuer(r, &c->issuer, c->x.aki.has_key_id ? &c->x.aki.key_id : NULL, 0);
		rv->full_missing_u = -1;
		rv->ocsp_bad_u = -1;
	}
	if (r->o->no_cert_urls)
		return 1;
	for (size_t i = 0; c->x.crldp.present && i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		for (size_t j = 0; dp->has_full_name && j < dp->full_name.n; j++) {
			const struct pw_general_name *g = &dp->full_name.v[j];
			if (g->type != PW_GN_URI)
				continue;
			if (!url_intern(r, (const char *)g->value.p, g->value.len, U_CRL, 1, &idx)) {
				lc->failed = 1;
				return 0;
			}
			if (idx >= 0 && rv != NULL && rv->n_crl < PW_MONITOR_URLS_PER_CERT)
				rv->crl_u[rv->n_crl++] = (uint32_t)idx;
		}
	}
	for (size_t i = 0; c->x.aia.present && i < c->x.aia.n; i++) {
		const struct pw_access_desc *ad = &c->x.aia.v[i];
		if (ad->method != PW_OID_AD_OCSP || ad->location.type != PW_GN_URI)
			continue;
		if (!url_intern(r, (const char *)ad->location.value.p, ad->location.value.len, U_OCSP,
		                1, &idx)) {
			lc->failed = 1;
			return 0;
		}
		if (idx < 0)
			continue;
		if (rv != NULL && rv->n_ocsp < PW_MONITOR_URLS_PER_CERT)
			rv->ocsp_u[rv->n_ocsp++] = (uint32_t)idx;
		else if (rv == NULL && !row->is_ca && !r->urls[idx].has_sample) {
			r->urls[idx].has_sample = 1;
			memcpy(r->urls[idx].sample, row->sha256, 32);
			r->urls[idx].sample_not_before = row->not_before;
		}
	}
	return 1;
}

static enum pw_status load(struct run *r)
{
	struct load_ctx lc = {.r = r};
	struct pw_store_filter f;
	enum pw_status st;
	long idx;

	pw_cert_init(&lc.c);
	memset(&f, 0, sizeof f);
	f.ca = PW_STORE_YES;
	st = pw_store_find(r->s, &f, PW_STORE_WANT_DER, load_ca_row, &lc, r->err);
	if (st == PW_OK && lc.failed)
		st = nomem(r);
	/* Configured URLs first, so that their flags are set before certs add theirs. */
	for (size_t i = 0; st == PW_OK && i < r->o->n_crl_urls; i++)
		if (!url_intern(r, r->o->crl_urls[i], strlen(r->o->crl_urls[i]), U_CRL, 0, &idx))
			st = nomem(r);
	for (size_t i = 0; st == PW_OK && i < r->o->n_ocsp_urls; i++)
		if (!url_intern(r, r->o->ocsp_urls[i], strlen(r->o->ocsp_urls[i]), U_OCSP, 0, &idx))
			st = nomem(r);
	if (st == PW_OK) {
		/* Unexpired certificates only: BR 4.10.1 keeps entries until
		 * expiry, and a CA need not answer for expired ones. */
		memset(&f, 0, sizeof f);
		f.expired = PW_STORE_NO;
		f.now = r->now;
		st = pw_store_find(r->s, &f, PW_STORE_WANT_DER, load_cert_row, &lc, r->err);
		if (st == PW_OK && lc.failed)
			st = nomem(r);
	}
	pw_cert_cleanup(&lc.c);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Recording a transfer                                                      */
/* ------------------------------------------------------------------------ */

static void begin_transfer(struct run *r)
{
	r->cur_outcome = NULL;
	r->cur_detail[0] = '\0';
	json_decref(r->cur_alerts);
	r->cur_alerts = json_array();
}

/* Stores the fetch row and its event, one transaction. `about` is the
 * certificate an OCSP request was about (NULL for CRLs). */
static enum pw_status record_fetch(struct run *r, const struct url *u, int64_t at,
                                   const struct pw_monitor_http *h, const char *method,
                                   const char *about, int ocsp_status)
{
	struct pw_store_monitor_fetch f;
	char subject[PW_MONITOR_SUBJECT_MAX];
	int64_t id = 0;
	enum pw_status st;
	memset(&f, 0, sizeof f);
	f.url = u->url;
	f.kind = u->kind == U_CRL ? "crl" : "ocsp";
	f.at = at;
	f.http_status = h->status;
	f.content_type = h->has_content_type ? h->content_type : NULL;
	f.bytes = h->len;
	f.elapsed_ms = h->elapsed_ms;
	f.outcome = r->cur_outcome ? r->cur_outcome : "ok";
	f.detail = r->cur_detail[0] ? r->cur_detail : NULL;
	if (h->body != NULL && h->len > 0) {
		SHA256(h->body, h->len, f.body_sha256);
		f.has_body_sha256 = 1;
	}
	r->sum.fetches++;
	if (r->cur_outcome != NULL)
		r->sum.fetch_failures++;
	pw_monitor_subject_url(u->url, subject);
	if ((st = pw_store_begin(r->s, r->err)) != PW_OK)
		return st;
	st = pw_store_monitor_fetch_add(r->s, &f, &id, r->err);
	if (st == PW_OK) {
		json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:O}", "fetch",
		                      (json_int_t)id, "url", u->url, "kind", f.kind, "method", method,
		                      "http_status", (json_int_t)h->status, "bytes", (json_int_t)h->len,
		                      "elapsed_ms", (json_int_t)h->elapsed_ms, "outcome", f.outcome,
		                      "alerts", r->cur_alerts);
		if (p != NULL && f.content_type != NULL)
			json_object_set_new(p, "content_type", json_string(f.content_type));
		if (p != NULL && about != NULL)
			json_object_set_new(p, "about", json_string(about));
		if (p != NULL && about != NULL && ocsp_status >= 0)
			json_object_set_new(p, "cert_status",
			                    json_string(ocsp_status == PW_OCSP_GOOD      ? "good"
			                                : ocsp_status == PW_OCSP_REVOKED ? "revoked"
			                                                                 : "unknown"));
		st = p ? append_event(r, at, "monitor.fetch", subject, p) : nomem(r);
	}
	if (st == PW_OK)
		st = pw_store_commit(r->s, r->err);
	else
		pw_store_rollback(r->s);
	json_decref(r->cur_alerts);
	r->cur_alerts = NULL;
	r->cur_outcome = NULL;
	if (st == PW_OK)
		emit(r, "fetch", u->url, about, f.outcome,
		     f.detail                            ? f.detail
		     : about == NULL || ocsp_status < 0  ? ""
		     : ocsp_status == PW_OCSP_GOOD       ? "good"
		     : ocsp_status == PW_OCSP_REVOKED    ? "revoked"
		                                         : "unknown");
	return st;
}

/* The alert for a transfer that failed before its body could be judged;
 * 1 when one was raised (*st says whether raising worked). */
static int transport_alert(struct run *r, const struct url *u, const char *subject,
                           const struct pw_monitor_http *h, enum pw_status *st)
{
	*st = PW_OK;
	switch (h->transport) {
	case PW_MT_TIMEOUT:
		*st = raise(r, PW_MONITOR_ALERT_TIMEOUT, subject, u->url, "%s", h->detail);
		return 1;
	case PW_MT_CONNECT:
		*st = raise(r, PW_MONITOR_ALERT_CONNECT, subject, u->url, "%s", h->detail);
		return 1;
	case PW_MT_TOO_LARGE:
		*st = raise(r, PW_MONITOR_ALERT_TOO_LARGE, subject, u->url, "%s", h->detail);
		return 1;
	case PW_MT_OTHER:
		*st = raise(r, PW_MONITOR_ALERT_HTTP_ERROR, subject, u->url, "transfer failed: %s",
		            h->detail);
		return 1;
	case PW_MT_OK:
		break;
	}
	if (h->status != 200) {
		/* A CRL URL that certificates name and that does not serve is a
		 * missing partition (MRSP 6: no CRLDP without an operational CRL). */
		if (u->kind == U_CRL && u->from_cert && h->status >= 400)
			*st = raise(r, PW_MONITOR_ALERT_CRL_MISSING, subject, u->url,
			            "HTTP %ld for a CRL URL named in certificates", h->status);
		else
			*st = raise(r, PW_MONITOR_ALERT_HTTP_ERROR, subject, u->url, "HTTP %ld",
			            h->status);
		return 1;
	}
	return 0;
}

/* The alert for a body that is not DER; 1 when one was raised. */
static int body_alert(struct run *r, const struct url *u, const char *subject,
                      const struct pw_monitor_http *h, enum pw_status *st)
{
	const char *ct = h->has_content_type ? h->content_type : "(none)";
	*st = PW_OK;
	switch (pw_monitor_classify_body(h->has_content_type ? h->content_type : NULL, h->body,
	                                 h->len)) {
	case PW_MONITOR_BODY_DER:
		return 0;
	case PW_MONITOR_BODY_HTML:
		*st = raise(r, PW_MONITOR_ALERT_CONTENT_TYPE, subject, u->url,
		            "HTML instead of %s (Content-Type %s, %zu bytes)",
		            u->kind == U_CRL ? "a DER CRL" : "a DER OCSP response", ct, h->len);
		return 1;
	case PW_MONITOR_BODY_PEM:
		*st = raise(r, PW_MONITOR_ALERT_CONTENT_TYPE, subject, u->url,
		            "PEM instead of DER (%s; Content-Type %s)",
		            u->kind == U_CRL ? "RFC 5280 §4.2.1.13" : "RFC 6960 Appendix A", ct);
		return 1;
	case PW_MONITOR_BODY_OTHER:
		break;
	}
	if (h->len == 0)
		*st = raise(r, u->kind == U_CRL ? PW_MONITOR_ALERT_CRL_MALFORMED
		                                : PW_MONITOR_ALERT_OCSP_MALFORMED,
		            subject, u->url, "empty body (Content-Type %s)", ct);
	else
		*st = raise(r, u->kind == U_CRL ? PW_MONITOR_ALERT_CRL_MALFORMED
		                                : PW_MONITOR_ALERT_OCSP_MALFORMED,
		            subject, u->url, "not DER: first byte 0x%02x (Content-Type %s)",
		            h->body[0], ct);
	return 1;
}

/* ------------------------------------------------------------------------ */
/* CRLs                                                                      */
/* ------------------------------------------------------------------------ */

/* Sorted CRL serials for lookups: pointers into the CRL. */
struct serial_ref {
	const uint8_t *p;
	size_t len;
};

static int cmp_serial(const void *a, const void *b)
{
	const struct serial_ref *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->p, y->p, x->len);
}

static int serial_listed(const struct serial_ref *v, size_t n, const uint8_t *p, size_t len)
{
	struct serial_ref k = {p, len};
	return n > 0 && bsearch(&k, v, n, sizeof *v, cmp_serial) != NULL;
}

struct crosscheck_ctx {
	int found, revoked;
	uint8_t sha256[32];
};

static int crosscheck_row(void *vctx, const struct pw_store_row *row)
{
	struct crosscheck_ctx *x = vctx;
	x->found = 1;
	x->revoked = row->revoked;
	memcpy(x->sha256, row->sha256, 32);
	return 0;
}

/* Records that the revocation rv was listed in the CRL from u. */
static enum pw_status seen_in_crl(struct run *r, struct rev *rv, const struct url *u,
                                  const uint8_t *number, int64_t at)
{
	char subject[PW_EVENTS_SUBJECT_MAX], when[32], numtext[64] = "";
	int first = 0;
	enum pw_status st;
	pw_events_subject_cert(rv->sha256, subject);
	if ((st = pw_store_begin(r->s, r->err)) != PW_OK)
		return st;
	st = pw_store_monitor_seen_crl(r->s, rv->sha256, at, u->url, number, &first, r->err);
	if (st == PW_OK && first) {
		json_t *p = json_pack("{s:s, s:I, s:I, s:I}", "url", u->url, "seen_at", (json_int_t)at,
		                      "revoked_at", (json_int_t)rv->revoked_at, "delay_s",
		                      (json_int_t)(at - rv->revoked_at));
		if (p != NULL && number != NULL)
			json_object_set_new(p, "crl_number",
			                    json_string(pw_monitor_crl_number_text(number, numtext,
			                                                           sizeof numtext)));
		st = p ? append_event(r, at, "monitor.seen.crl", subject, p) : nomem(r);
	}
	if (st == PW_OK)
		st = pw_store_commit(r->s, r->err);
	else
		pw_store_rollback(r->s);
	if (st == PW_ERR_NOTFOUND)
		return PW_OK; /* un-revoked or removed since the pass began */
	if (st == PW_OK && first) {
		char d[96];
		r->sum.seen_crl_new++;
		snprintf(d, sizeof d, "first seen in a CRL at %s", time_text(at, when, sizeof when));
		emit(r, "seen-crl", u->url, subject, NULL, d);
	}
	return st;
}

/* Marks the CRL from URL index ui as unusable for every revocation that
 * names it (the revocation is then not visible through it). */
static void crl_unusable(struct run *r, size_t ui)
{
	for (size_t i = 0; i < r->n_revs; i++)
		for (size_t j = 0; j < r->revs[i].n_crl; j++)
			if (r->revs[i].crl_u[j] == ui && r->revs[i].crl_state[j] == L_UNCHECKED)
				r->revs[i].crl_state[j] = L_UNUSABLE;
}

static enum pw_status crl_lint_alert(struct run *r, const struct url *u, const char *subject,
                                     const struct pw_crl *crl, const struct ca *ca)
{
	struct pw_lint_opts lo;
	struct pw_error le;
	char names[PW_STORE_MONITOR_MAX_DETAIL] = "";
	size_t n_err = 0, k = 0;
	memset(&lo, 0, sizeof lo);
	lo.now = r->now;
	lo.issuer = &ca->c;
	if (pw_lint_parsed_crl(crl, &lo, &r->lint, &le) != PW_OK)
		return PW_OK; /* the lint run itself failed: nothing to report about the CRL */
	for (size_t i = 0; i < r->lint.n; i++) {
		if (r->lint.v[i].status < PW_LINT_ERROR)
			continue;
		if (n_err++ < PW_MONITOR_LINT_NAMES)
			k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%s%s",
			                      k ? ", " : "", r->lint.v[i].def->name);
	}
	if (n_err == 0)
		return PW_OK;
	return raise(r, PW_MONITOR_ALERT_CRL_LINT, subject, u->url, "%zu lint error%s: %s%s", n_err,
	             n_err == 1 ? "" : "s", names, n_err > PW_MONITOR_LINT_NAMES ? ", ..." : "");
}

static enum pw_status check_crl(struct run *r, size_t ui)
{
	struct url *u = &r->urls[ui];
	struct pw_monitor_http h;
	struct pw_crl crl;
	struct pw_error pe;
	struct serial_ref *serials = NULL;
	char subject[PW_MONITOR_SUBJECT_MAX], t1[32], t2[32];
	uint8_t number[PW_STORE_MONITOR_CRL_NUMBER_LEN];
	int has_number = 0, ca_i = -1, usable = 0;
	int64_t at = clock_now(r);
	enum pw_status st = PW_OK;

	pw_crl_init(&crl);
	begin_transfer(r);
	pw_monitor_subject_url(u->url, subject);
	if (!strset_add(&r->checked, subject, NULL))
		return nomem(r);
	r->sum.crl_urls++;
	u->fetched = 1;
	if (!pw_monitor_http_fetch(r->http, u->url, NULL, 0, NULL, r->max_crl, &h)) {
		pw_monitor_http_cleanup(&h);
		return nomem(r);
	}
	if (transport_alert(r, u, subject, &h, &st) || body_alert(r, u, subject, &h, &st))
		goto done;
	if (pw_monitor_der_truncated(h.body, h.len)) {
		st = raise(r, PW_MONITOR_ALERT_CRL_TRUNCATED, subject, u->url,
		           "the DER header announces more than the %zu bytes received", h.len);
		goto done;
	}
	if (pw_crl_parse(&crl, h.body, h.len, &pe) != PW_OK) {
		char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
		st = raise(r, PW_MONITOR_ALERT_CRL_MALFORMED, subject, u->url, "%s",
		           pw_error_format(&pe, msg, sizeof msg));
		goto done;
	}
	/* The issuer: name, then key identifier, then the signature decides
	 * between CAs sharing a name (a re-keyed CA). */
	{
		const struct pw_der *aki = crl.has_aki ? &crl.aki_key_id : NULL;
		int cand = find_issuer(r, &crl.issuer, aki, 0), tried = 0;
		struct pw_error ve;
		char first_err[PW_ERROR_MSG_MAX] = "";
		while (cand >= 0) {
			tried++;
			if (pw_monitor_verify_sig(&crl.sig_alg_outer, crl.tbs.p, crl.tbs.len,
			                          crl.sig_value.p, crl.sig_value.len,
			                          r->cas[cand].c.spki.raw.p, r->cas[cand].c.spki.raw.len,
			                          &ve) == PW_OK) {
				ca_i = cand;
				break;
			}
			if (first_err[0] == '\0')
				snprintf(first_err, sizeof first_err, "%s", ve.msg);
			cand = find_issuer(r, &crl.issuer, aki, cand + 1);
		}
		if (ca_i < 0) {
			char dn[256];
			pw_name_to_text(&crl.issuer, dn, sizeof dn);
			if (tried == 0)
				st = raise(r, PW_MONITOR_ALERT_CRL_UNKNOWN_ISSUER, subject, u->url,
				           "no CA certificate in the store for issuer \"%s\"", dn);
			else
				st = raise(r, PW_MONITOR_ALERT_CRL_BAD_SIGNATURE, subject, u->url,
				           "%s (issuer \"%s\", %d CA certificate%s tried)", first_err, dn,
				           tried, tried == 1 ? "" : "s");
			goto done;
		}
	}
	usable = 1;
	u->verified = 1;
	r->sum.crls_ok++;
	/* RFC 5280 §5.1.2.5 / BR 4.9.7: a relying party rejects a CRL past
	 * its nextUpdate. */
	if (crl.has_next_update && crl.next_update < r->now &&
	    (st = raise(r, PW_MONITOR_ALERT_CRL_STALE, subject, u->url,
	                "nextUpdate %s passed %lld s ago (thisUpdate %s)",
	                time_text(crl.next_update, t1, sizeof t1),
	                (long long)(r->now - crl.next_update),
	                time_text(crl.this_update, t2, sizeof t2))) != PW_OK)
		goto done;
	{
		char d[PW_STORE_MONITOR_MAX_DETAIL];
		int not_critical = 0;
		if (pw_monitor_idp_mismatch(&crl, u->url, strlen(u->url), &not_critical, d, sizeof d) &&
		    (st = raise(r, PW_MONITOR_ALERT_CRL_IDP_MISMATCH, subject, u->url, "%s", d)) != PW_OK)
			goto done;
		if (not_critical &&
		    (st = raise(r, PW_MONITOR_ALERT_CRL_IDP_NOT_CRITICAL, subject, u->url,
		                "the issuingDistributionPoint extension is not marked critical")) != PW_OK)
			goto done;
	}
	if (!crl.has_crl_number) {
		if ((st = raise(r, PW_MONITOR_ALERT_CRL_NUMBER_MISSING, subject, u->url,
		                "no cRLNumber extension")) != PW_OK)
			goto done;
	} else if (!pw_monitor_crl_number_norm(crl.crl_number.p, crl.crl_number.len, number)) {
		if ((st = raise(r, PW_MONITOR_ALERT_CRL_NUMBER_MISSING, subject, u->url,
		                "the cRLNumber is negative or longer than 20 octets")) != PW_OK)
			goto done;
	} else {
		struct pw_store_monitor_crl hi, rec;
		struct pw_error he;
		char a[64], b[64];
		int is_new = 0;
		has_number = 1;
		enum pw_status hs = pw_store_monitor_crl_highest(r->s, u->url, &hi, &he);
		if (hs == PW_OK && pw_monitor_crl_number_cmp(number, hi.crl_number) < 0) {
			if ((st = raise(r, PW_MONITOR_ALERT_CRL_NUMBER_BACKWARDS, subject, u->url,
			                "CRL number %s after %s was seen at %s",
			                pw_monitor_crl_number_text(number, a, sizeof a),
			                pw_monitor_crl_number_text(hi.crl_number, b, sizeof b),
			                time_text(hi.first_seen, t1, sizeof t1))) != PW_OK)
				goto done;
		} else if (hs != PW_OK && hs != PW_ERR_NOTFOUND) {
			*r->err = he;
			st = hs;
			goto done;
		}
		memset(&rec, 0, sizeof rec);
		rec.url = u->url;
		memcpy(rec.crl_number, number, sizeof number);
		rec.this_update = crl.this_update;
		rec.has_next_update = crl.has_next_update;
		rec.next_update = crl.next_update;
		rec.entries = crl.n_entries;
		memcpy(rec.crl_sha256, crl.sha256, 32);
		if ((st = pw_store_monitor_crl_seen(r->s, &rec, at, &is_new, r->err)) != PW_OK)
			goto done;
	}
	if (!r->o->no_lint && (st = crl_lint_alert(r, u, subject, &crl, &r->cas[ca_i])) != PW_OK)
		goto done;

	/* Which revocations this CRL answers for: those whose certificate
	 * names this URL, and, for a full CRL (no IDP: BR 7.2.2.1), every
	 * revocation of its CA. */
	if (crl.n_entries > 0 && (serials = malloc(crl.n_entries * sizeof *serials)) == NULL) {
		st = nomem(r);
		goto done;
	}
	for (size_t i = 0; i < crl.n_entries; i++) {
		serials[i].p = crl.entries[i].serial.p;
		serials[i].len = crl.entries[i].serial.len;
	}
	if (crl.n_entries > 1)
		qsort(serials, crl.n_entries, sizeof *serials, cmp_serial);
	for (size_t i = 0; i < r->n_revs; i++) {
		struct rev *rv = &r->revs[i];
		int named = -1;
		for (size_t j = 0; j < rv->n_crl; j++)
			if (rv->crl_u[j] == ui)
				named = (int)j;
		int full = !crl.has_idp && rv->ca == ca_i;
		if (named < 0 && !full)
			continue;
		int listed = serial_listed(serials, crl.n_entries, rv->serial, rv->serial_len);
		if (named >= 0)
			rv->crl_state[named] = listed ? L_LISTED : L_MISSING;
		if (named < 0 && full) {
			rv->full_checked++;
			if (listed)
				rv->full_listed++;
			else if (rv->full_missing_u < 0)
				rv->full_missing_u = (int)ui;
		}
		if (listed && (st = seen_in_crl(r, rv, u, has_number ? number : NULL, at)) != PW_OK)
			goto done;
	}
	/* The other direction: a CRL entry for a stored certificate that the
	 * store does not record as revoked (the store is the record of
	 * revocation; a CRL must not know more). */
	for (size_t i = 0; i < crl.n_entries && i < PW_MONITOR_MAX_CROSSCHECK; i++) {
		struct crosscheck_ctx x = {0};
		struct pw_error xe;
		const struct pw_crl_entry *e = &crl.entries[i];
		if (e->serial.len > PW_STORE_MAX_SERIAL)
			continue;
		if (pw_store_find_by_issuer_serial(r->s, r->cas[ca_i].sha256, NULL, e->serial.p,
		                                   e->serial.len, crosscheck_row, &x, &xe) != PW_OK ||
		    !x.found || x.revoked)
			continue;
		char cs[PW_EVENTS_SUBJECT_MAX], hex[2 * PW_STORE_MAX_SERIAL + 1];
		pw_events_subject_cert(x.sha256, cs);
		pw_hex_encode(e->serial.p, e->serial.len, hex);
		if ((st = raise(r, PW_MONITOR_ALERT_CRL_NOT_IN_STORE, cs, u->url,
		                "the CRL lists serial %s, which the store does not record as revoked",
		                hex)) != PW_OK)
			goto done;
	}
done:
	if (!usable)
		crl_unusable(r, ui);
	if (st == PW_OK)
		st = record_fetch(r, u, at, &h, "GET", NULL, -1);
	free(serials);
	pw_crl_cleanup(&crl);
	pw_monitor_http_cleanup(&h);
	return st;
}

/* ------------------------------------------------------------------------ */
/* OCSP                                                                      */
/* ------------------------------------------------------------------------ */

/* The RFC 6960 §4.2.1 ResponderID of r names this certificate. */
static int responder_is(const struct pw_ocsp_resp *resp, const struct pw_cert *c)
{
	if (resp->responder_by_name)
		return pw_der_equal(&resp->responder_name.raw, &c->subject.raw);
	uint8_t h[20];
	/* KeyHash: SHA-1 of the subjectPublicKey BIT STRING value. */
	SHA1(c->spki.key.p, c->spki.key.len, h);
	return resp->responder_key_hash.len == 20 && memcmp(resp->responder_key_hash.p, h, 20) == 0;
}

/* Verifies the response signature: by the CA itself, or by a certificate in
 * `certs` that the CA issued for OCSP signing (RFC 6960 §4.2.2.2). Returns
 * PW_OK, or raises the right alert (*raised 1). */
static enum pw_status verify_ocsp(struct run *r, const struct url *u, const char *subject,
                                  const struct pw_ocsp_resp *resp, const struct ca *ca,
                                  int *ok)
{
	struct pw_error ve;
	struct pw_cert rc;
	struct pw_der list = resp->certs;
	enum pw_status st = PW_OK;
	*ok = 0;
	if (responder_is(resp, &ca->c)) {
		if (pw_monitor_verify_sig(&resp->sig_alg, resp->tbs.p, resp->tbs.len, resp->sig_value.p,
		                          resp->sig_value.len, ca->c.spki.raw.p, ca->c.spki.raw.len,
		                          &ve) == PW_OK) {
			*ok = 1;
			return PW_OK;
		}
		return raise(r, PW_MONITOR_ALERT_OCSP_BAD_SIGNATURE, subject, u->url,
		             "signed in the CA's name: %s", ve.msg);
	}
	pw_cert_init(&rc);
	while (list.len > 0) {
		struct pw_der el;
		struct pw_error pe;
		if (!pw_der_get_element(&list, PW_DER_SEQUENCE, &el, &pe) ||
		    pw_cert_parse(&rc, el.p, el.len, &pe) != PW_OK)
			break;
		if (!responder_is(resp, &rc))
			continue;
		/* A delegated responder: issued by this CA (name and signature)
		 * and carrying id-kp-OCSPSigning. */
		int eku = 0;
		for (size_t i = 0; rc.x.eku.present && i < rc.x.eku.n; i++)
			if (rc.x.eku.ids[i] == PW_OID_EKU_OCSP_SIGNING)
				eku = 1;
		if (!pw_der_equal(&rc.issuer.raw, &ca->c.subject.raw) || !eku ||
		    pw_monitor_verify_sig(&rc.sig_alg_outer, rc.tbs.p, rc.tbs.len, rc.sig_value.p,
		                          rc.sig_value.len, ca->c.spki.raw.p, ca->c.spki.raw.len,
		                          &ve) != PW_OK) {
			st = raise(r, PW_MONITOR_ALERT_OCSP_BAD_RESPONDER, subject, u->url,
			           "the responder certificate %s",
			           !eku ? "lacks id-kp-OCSPSigning"
			                : "was not issued by the certificate's CA");
			goto out;
		}
		if (rc.not_after < r->now || rc.not_before > r->now) {
			st = raise(r, PW_MONITOR_ALERT_OCSP_BAD_RESPONDER, subject, u->url,
			           "the responder certificate is not valid now");
			goto out;
		}
		if (pw_monitor_verify_sig(&resp->sig_alg, resp->tbs.p, resp->tbs.len, resp->sig_value.p,
		                          resp->sig_value.len, rc.spki.raw.p, rc.spki.raw.len,
		                          &ve) != PW_OK) {
			st = raise(r, PW_MONITOR_ALERT_OCSP_BAD_SIGNATURE, subject, u->url,
			           "signed by a delegated responder: %s", ve.msg);
			goto out;
		}
		*ok = 1;
		goto out;
	}
	st = raise(r, PW_MONITOR_ALERT_OCSP_BAD_RESPONDER, subject, u->url,
	           "the responder is neither the CA nor a responder certificate it issued");
out:
	pw_cert_cleanup(&rc);
	return st;
}

struct der_ctx {
	uint8_t *der;
	size_t len;
	int64_t not_before;
};

static int der_row(void *vctx, const struct pw_store_row *row)
{
	struct der_ctx *d = vctx;
	if (row->der != NULL && (d->der = malloc(row->der_len)) != NULL) {
		memcpy(d->der, row->der, row->der_len);
		d->len = row->der_len;
	}
	d->not_before = row->not_before;
	return 0;
}

static const char *ocsp_status_name(uint32_t s)
{
	switch (s) {
	case PW_OCSP_MALFORMED_REQUEST: return "malformedRequest";
	case PW_OCSP_INTERNAL_ERROR: return "internalError";
	case PW_OCSP_TRY_LATER: return "tryLater";
	case PW_OCSP_SIG_REQUIRED: return "sigRequired";
	case PW_OCSP_UNAUTHORIZED: return "unauthorized";
	default: return "an undefined status";
	}
}

/* Asks the responder at URL index ui about certificate sha256. *out_status
 * gets the cert status, or -1 when no usable answer came; *out_produced and
 * *out_this_update describe the answer. */
static enum pw_status ask_ocsp(struct run *r, size_t ui, const uint8_t sha256[32],
                               int *out_status, int64_t *out_produced, int64_t *out_this_update)
{
	struct url *u = &r->urls[ui];
	struct der_ctx d = {0};
	struct pw_cert c;
	struct pw_error pe;
	struct pw_monitor_ocsp_req req = {0};
	struct pw_monitor_http h = {0};
	struct pw_ocsp_resp resp;
	char subject[PW_MONITOR_SUBJECT_MAX], about[PW_EVENTS_SUBJECT_MAX], t1[32];
	char *get_url = NULL;
	const char *method = "GET";
	int ca_i, fetched = 0, ok;
	int64_t at = clock_now(r);
	enum pw_status st = PW_OK;

	*out_status = -1;
	pw_cert_init(&c);
	pw_ocsp_resp_init(&resp);
	pw_monitor_subject_url(u->url, subject);
	pw_events_subject_cert(sha256, about);
	if (pw_store_get_by_sha256(r->s, sha256, der_row, &d, &pe) != PW_OK || d.der == NULL ||
	    pw_cert_parse(&c, d.der, d.len, &pe) != PW_OK)
		goto out; /* gone or unreadable: nothing to ask */
	ca_i = find_issuer(r, &c.issuer, c.x.aki.has_key_id ? &c.x.aki.key_id : NULL, 0);
	if (ca_i < 0) {
		emit(r, "skip", u->url, about, NULL,
		     "the issuing CA certificate is not in the store: no CertID can be built");
		goto out;
	}
	if (!pw_monitor_ocsp_req_build(d.der, d.len, r->cas[ca_i].der, r->cas[ca_i].len, &req, &pe)) {
		emit(r, "skip", u->url, about, NULL, pe.msg);
		goto out;
	}
	if (r->sum.ocsp_queries >= r->max_ocsp_queries) {
		emit(r, "skip", u->url, about, NULL, "the OCSP query budget of this pass is spent");
		goto out;
	}
	r->sum.ocsp_queries++;
	begin_transfer(r);
	if (!strset_add(&r->checked, subject, NULL)) {
		st = nomem(r);
		goto out;
	}
	if (!u->fetched) {
		u->fetched = 1;
		r->sum.ocsp_urls++;
	}
	if ((get_url = pw_monitor_ocsp_get_url(u->url, req.der, req.len)) == NULL) {
		st = nomem(r);
		goto out;
	}
	fetched = 1;
	/* RFC 5019 §5: GET when the whole URL is under 255 bytes — what relying
	 * parties send and what caches (CDNs) answer. */
	if (!r->o->ocsp_post && strlen(get_url) <= PW_MONITOR_OCSP_GET_MAX) {
		ok = pw_monitor_http_fetch(r->http, get_url, NULL, 0, NULL, PW_MONITOR_MAX_OCSP_BODY, &h);
	} else {
		method = "POST";
		ok = pw_monitor_http_fetch(r->http, u->url, req.der, req.len,
		                           "application/ocsp-request", PW_MONITOR_MAX_OCSP_BODY, &h);
	}
	if (!ok) {
		st = nomem(r);
		goto out;
	}
	if (transport_alert(r, u, subject, &h, &st) || body_alert(r, u, subject, &h, &st))
		goto out;
	if (pw_ocsp_resp_parse(&resp, h.body, h.len, &pe) != PW_OK) {
		char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
		st = raise(r, PW_MONITOR_ALERT_OCSP_MALFORMED, subject, u->url, "%s%s",
		           pw_monitor_der_truncated(h.body, h.len) ? "truncated: " : "",
		           pw_error_format(&pe, msg, sizeof msg));
		goto out;
	}
	if (resp.status != PW_OCSP_SUCCESSFUL) {
		st = raise(r, PW_MONITOR_ALERT_OCSP_ERROR_STATUS, subject, u->url,
		           "the responder answered %s (%u)", ocsp_status_name(resp.status), resp.status);
		goto out;
	}
	if (!resp.has_basic) {
		st = raise(r, PW_MONITOR_ALERT_OCSP_MALFORMED, subject, u->url,
		           "not an id-pkix-ocsp-basic response");
		goto out;
	}
	if ((st = verify_ocsp(r, u, subject, &resp, &r->cas[ca_i], &ok)) != PW_OK || !ok)
		goto out;
	u->verified = 1;
	{
		const struct pw_ocsp_single *sr = NULL;
		for (size_t i = 0; i < resp.n_responses; i++) {
			const struct pw_ocsp_single *x = &resp.responses[i];
			if (x->hash_alg.id == PW_OID_SHA1 && x->issuer_name_hash.len == 20 &&
			    memcmp(x->issuer_name_hash.p, req.name_hash, 20) == 0 &&
			    x->issuer_key_hash.len == 20 &&
			    memcmp(x->issuer_key_hash.p, req.key_hash, 20) == 0 &&
			    pw_der_equal(&x->serial, &c.serial))
				sr = x;
		}
		if (sr == NULL) {
			st = raise(r, PW_MONITOR_ALERT_OCSP_MALFORMED, subject, u->url,
			           "the response does not answer for the certificate asked about");
			goto out;
		}
		/* RFC 6960 §4.2.2.1: a response past nextUpdate is not current. */
		if (sr->has_next_update && sr->next_update < r->now &&
		    (st = raise(r, PW_MONITOR_ALERT_OCSP_STALE, subject, u->url,
		                "nextUpdate %s passed %lld s ago",
		                time_text(sr->next_update, t1, sizeof t1),
		                (long long)(r->now - sr->next_update))) != PW_OK)
			goto out;
		*out_status = (int)sr->status;
		*out_produced = resp.produced_at;
		*out_this_update = sr->this_update;
	}
out:
	if (fetched && st == PW_OK)
		st = record_fetch(r, u, at, &h, method, about, *out_status);
	pw_ocsp_resp_cleanup(&resp);
	pw_monitor_http_cleanup(&h);
	pw_monitor_ocsp_req_cleanup(&req);
	pw_cert_cleanup(&c);
	free(get_url);
	free(d.der);
	return st;
}

static enum pw_status check_rev_ocsp(struct run *r, struct rev *rv, size_t ui)
{
	char subject[PW_EVENTS_SUBJECT_MAX], t1[32], t2[32], t3[32];
	int status = -1, first = 0;
	int64_t produced = 0, this_update = 0, at = clock_now(r);
	enum pw_status st = ask_ocsp(r, ui, rv->sha256, &status, &produced, &this_update);
	const struct url *u = &r->urls[ui];
	if (st != PW_OK)
		return st;
	rv->ocsp_asked++;
	pw_events_subject_cert(rv->sha256, subject);
	if (status < 0) {
		rv->ocsp_unusable++;
		if (rv->ocsp_bad_u < 0) {
			rv->ocsp_bad_u = (int)ui;
			snprintf(rv->ocsp_note, sizeof rv->ocsp_note, "no usable answer");
		}
		return PW_OK;
	}
	if (status == PW_OCSP_REVOKED)
		rv->ocsp_revoked++;
	else {
		if (status == PW_OCSP_GOOD)
			rv->ocsp_good++;
		else
			rv->ocsp_unknown++;
		if (rv->ocsp_bad_u < 0) {
			rv->ocsp_bad_u = (int)ui;
			/* Why "good": a response produced before the revocation is a
			 * stale copy (a cache); one produced after it means the
			 * responder itself does not know. */
			snprintf(rv->ocsp_note, sizeof rv->ocsp_note,
			         "%s (producedAt %s, thisUpdate %s; revoked %s): %s",
			         status == PW_OCSP_GOOD ? "good" : "unknown",
			         time_text(produced, t1, sizeof t1), time_text(this_update, t2, sizeof t2),
			         time_text(rv->revoked_at, t3, sizeof t3),
			         produced < rv->revoked_at ? "a response produced before the revocation "
			                                     "(stale cache)"
			                                   : "signed after the revocation");
		}
	}
	if ((st = pw_store_begin(r->s, r->err)) != PW_OK)
		return st;
	st = pw_store_monitor_seen_ocsp(r->s, rv->sha256, at, u->url, status, &first, r->err);
	if (st == PW_OK && first) {
		json_t *p = json_pack("{s:s, s:I, s:I, s:I, s:I}", "url", u->url, "seen_at",
		                      (json_int_t)at, "revoked_at", (json_int_t)rv->revoked_at,
		                      "delay_s", (json_int_t)(at - rv->revoked_at), "produced_at",
		                      (json_int_t)produced);
		st = p ? append_event(r, at, "monitor.seen.ocsp", subject, p) : nomem(r);
	}
	if (st == PW_OK)
		st = pw_store_commit(r->s, r->err);
	else
		pw_store_rollback(r->s);
	if (st == PW_OK && first) {
		char d[96];
		r->sum.seen_ocsp_new++;
		snprintf(d, sizeof d, "first seen revoked in OCSP at %s", time_text(at, t1, sizeof t1));
		emit(r, "seen-ocsp", u->url, subject, NULL, d);
	}
	return st;
}

/* Liveness and the other direction: an unrevoked certificate must be
 * "good" — "revoked" means the responder knows a revocation the store does
 * not; "unknown" for an issued certificate breaks BR 4.9.9. */
static enum pw_status check_sample_ocsp(struct run *r, size_t ui)
{
	struct url *u = &r->urls[ui];
	char subject[PW_EVENTS_SUBJECT_MAX];
	int status = -1;
	int64_t produced = 0, this_update = 0;
	enum pw_status st = ask_ocsp(r, ui, u->sample, &status, &produced, &this_update);
	if (st != PW_OK || status < 0)
		return st;
	pw_events_subject_cert(u->sample, subject);
	if (!strset_add(&r->checked, subject, NULL))
		return nomem(r);
	if (status == PW_OCSP_REVOKED)
		return raise(r, PW_MONITOR_ALERT_OCSP_NOT_IN_STORE, subject, u->url,
		             "OCSP says revoked; the store does not record a revocation");
	if (status == PW_OCSP_UNKNOWN && r->now - u->sample_not_before > PW_MONITOR_OCSP_AVAILABILITY)
		return raise(r, PW_MONITOR_ALERT_OCSP_UNKNOWN, subject, u->url,
		             "unknown for an issued certificate (BR 4.9.9: authoritative within 15 "
		             "minutes)");
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Verdicts and resolution                                                   */
/* ------------------------------------------------------------------------ */

static enum pw_status judge_rev(struct run *r, struct rev *rv)
{
	char subject[PW_EVENTS_SUBJECT_MAX], t1[32];
	enum pw_status st = PW_OK;
	int64_t age = r->now - rv->revoked_at;
	pw_events_subject_cert(rv->sha256, subject);
	if (!strset_add(&r->checked, subject, NULL))
		return nomem(r);
	r->sum.revocations_checked++;

	/* CRL: every URL its certificate names, and every full CRL of its CA. */
	int missing_u = -1, unusable = 0, expected = 0;
	for (size_t j = 0; j < rv->n_crl; j++) {
		if (rv->crl_state[j] == L_UNCHECKED)
			continue;
		expected++;
		if (rv->crl_state[j] != L_LISTED && missing_u < 0) {
			missing_u = (int)rv->crl_u[j];
			unusable = rv->crl_state[j] == L_UNUSABLE;
		}
	}
	if (missing_u < 0 && rv->full_missing_u >= 0)
		missing_u = rv->full_missing_u;
	expected += (int)rv->full_checked;
	if (expected > 0 && missing_u >= 0) {
		enum pw_monitor_verdict v = pw_monitor_crl_verdict(0, rv->revoked_at, r->now,
		                                                   r->crl_deadline);
		const char *url = r->urls[missing_u].url;
		if (v == PW_MONITOR_LATE) {
			st = raise(r, PW_MONITOR_ALERT_CRL_DEADLINE, subject, url,
			           "revoked %s (%lld h ago) and %s %s; BR 4.9.7 allows %lld h",
			           time_text(rv->revoked_at, t1, sizeof t1), (long long)(age / 3600),
			           unusable ? "no usable CRL at" : "not listed in the CRL at", url,
			           (long long)(r->crl_deadline / 3600));
			if (st != PW_OK)
				return st;
		} else {
			emit(r, "pending", url, subject, NULL, "not in the CRL yet, within the deadline");
		}
	}

	/* OCSP: every responder asked. */
	if (rv->ocsp_asked > 0 && rv->ocsp_revoked < rv->ocsp_asked) {
		const char *url = r->urls[rv->ocsp_bad_u].url;
		int status = rv->ocsp_good ? PW_OCSP_GOOD : rv->ocsp_unknown ? PW_OCSP_UNKNOWN : -1;
		enum pw_monitor_verdict v = status >= 0
			? pw_monitor_ocsp_verdict(status, rv->revoked_at, r->now, r->grace,
			                          r->ocsp_deadline)
			: (age > r->ocsp_deadline ? PW_MONITOR_LATE : PW_MONITOR_PENDING);
		if (v == PW_MONITOR_STALE_GOOD &&
		    (st = raise(r, PW_MONITOR_ALERT_OCSP_STALE_GOOD, subject, url, "OCSP answered %s",
		                rv->ocsp_note)) != PW_OK)
			return st;
		if (v == PW_MONITOR_UNKNOWN_STATUS &&
		    (st = raise(r, PW_MONITOR_ALERT_OCSP_UNKNOWN, subject, url, "OCSP answered %s",
		                rv->ocsp_note)) != PW_OK)
			return st;
		if (age > r->ocsp_deadline &&
		    (st = raise(r, PW_MONITOR_ALERT_OCSP_DEADLINE, subject, url,
		                "revoked %s (%lld h ago) and OCSP at %s gave %s; the deadline is %lld h",
		                time_text(rv->revoked_at, t1, sizeof t1), (long long)(age / 3600), url,
		                rv->ocsp_note, (long long)(r->ocsp_deadline / 3600))) != PW_OK)
			return st;
		if (v == PW_MONITOR_PENDING)
			emit(r, "pending", url, subject, NULL, "not revoked in OCSP yet, within the grace");
	}
	return PW_OK;
}

struct open_alert {
	int64_t id;
	char kind[PW_STORE_MONITOR_MAX_KIND + 1];
	char subject[PW_STORE_EVENT_MAX_TEXT + 1];
	char url[PW_STORE_MONITOR_MAX_URL + 1];
};

struct open_list {
	struct open_alert *v;
	size_t n, cap;
	int failed;
};

static int collect_open(void *vctx, const struct pw_store_monitor_alert *a)
{
	struct open_list *l = vctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct open_alert *v = realloc(l->v, cap * sizeof *v);
		if (v == NULL) {
			l->failed = 1;
			return 0;
		}
		l->v = v;
		l->cap = cap;
	}
	struct open_alert *o = &l->v[l->n++];
	o->id = a->id;
	snprintf(o->kind, sizeof o->kind, "%s", a->kind);
	snprintf(o->subject, sizeof o->subject, "%s", a->subject);
	snprintf(o->url, sizeof o->url, "%s", a->url ? a->url : "");
	return 1;
}

/* 1 when the alert's URL was fetched and verified this pass. */
static int url_verified(const struct run *r, const char *url)
{
	for (size_t i = 0; i < r->n_urls; i++)
		if (r->urls[i].verified && strcmp(r->urls[i].url, url) == 0)
			return 1;
	return 0;
}

/* Resolves every open alert this pass re-examined and did not raise again.
 * URL alerts: the URL was fetched this pass. Revocation verdicts: every
 * unexpired revocation is judged in every pass, so one not raised again
 * no longer holds (fixed, expired, or the certificate was un-stored).
 * "Not in store" alerts: the URL they came from verified this pass. */
static enum pw_status resolve(struct run *r)
{
	struct pw_store_monitor_alert_filter f = {.open_only = 1};
	struct open_list l = {0};
	enum pw_status st = pw_store_monitor_alert_list(r->s, &f, collect_open, &l, r->err);
	if (st == PW_OK && l.failed)
		st = nomem(r);
	for (size_t i = 0; st == PW_OK && i < l.n; i++) {
		struct open_alert *a = &l.v[i];
		enum pw_monitor_alert_kind k;
		int recheck;
		if (strset_has(&r->raised, a->kind, a->subject))
			continue;
		if (!pw_monitor_alert_from_name(a->kind, &k))
			continue;
		if (k == PW_MONITOR_ALERT_CRL_NOT_IN_STORE || k == PW_MONITOR_ALERT_OCSP_NOT_IN_STORE)
			recheck = a->url[0] && url_verified(r, a->url);
		else if (strncmp(a->subject, "cert:", 5) == 0 && k != PW_MONITOR_ALERT_OCSP_UNKNOWN &&
		         !r->o->no_cert_urls)
			recheck = 1;
		else
			recheck = strset_has(&r->checked, a->subject, NULL);
		if (!recheck)
			continue;
		int64_t at = clock_now(r);
		if ((st = pw_store_begin(r->s, r->err)) != PW_OK)
			break;
		st = pw_store_monitor_alert_resolve(r->s, a->id, at, r->err);
		if (st == PW_OK) {
			json_t *p = json_pack("{s:I, s:s}", "alert", (json_int_t)a->id, "kind", a->kind);
			st = p ? append_event(r, at, "monitor.alert.resolved", a->subject, p) : nomem(r);
		}
		if (st == PW_OK)
			st = pw_store_commit(r->s, r->err);
		else
			pw_store_rollback(r->s);
		if (st == PW_OK) {
			r->sum.alerts_resolved++;
			emit(r, "resolved", a->url[0] ? a->url : NULL, a->subject, a->kind,
			     "no longer observed");
		}
	}
	free(l.v);
	return st;
}

/* ------------------------------------------------------------------------ */
/* The pass                                                                  */
/* ------------------------------------------------------------------------ */

void pw_monitor_opts_init(struct pw_monitor_opts *o)
{
	memset(o, 0, sizeof *o);
	o->crl_deadline = -1;
	o->ocsp_deadline = -1;
	o->stale_good_grace = -1;
}

enum pw_status pw_monitor_run(struct pw_store *s, const struct pw_monitor_opts *o,
                              struct pw_monitor_summary *out, struct pw_error *err)
{
	struct run r;
	enum pw_status st = PW_OK;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (s == NULL || o == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (o->timeout_ms < 0 || o->connect_timeout_ms < 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "timeout", "negative timeout");
	memset(&r, 0, sizeof r);
	r.s = s;
	r.o = o;
	r.err = err;
	r.now = o->now != 0 ? o->now : (int64_t)time(NULL);
	r.crl_deadline = o->crl_deadline >= 0 ? o->crl_deadline : PW_MONITOR_DEFAULT_CRL_DEADLINE;
	r.ocsp_deadline = o->ocsp_deadline >= 0 ? o->ocsp_deadline : PW_MONITOR_DEFAULT_OCSP_DEADLINE;
	r.grace = o->stale_good_grace >= 0 ? o->stale_good_grace : PW_MONITOR_DEFAULT_STALE_GOOD_GRACE;
	r.max_crl = o->max_crl_bytes ? o->max_crl_bytes : PW_MONITOR_DEFAULT_MAX_CRL;
	if (r.max_crl > PW_CRL_MAX_DER)
		r.max_crl = PW_CRL_MAX_DER;
	r.max_ocsp_queries = o->max_ocsp_queries ? o->max_ocsp_queries
	                                         : PW_MONITOR_DEFAULT_MAX_OCSP_QUERIES;
	r.actor = o->actor ? o->actor : "monitor";
	pw_lint_results_init(&r.lint);
	if ((r.run_alerts = json_array()) == NULL) {
		st = nomem(&r);
		goto out;
	}
	r.http = pw_monitor_client_new(o->timeout_ms ? o->timeout_ms : PW_MONITOR_DEFAULT_TIMEOUT_MS,
	                               o->connect_timeout_ms ? o->connect_timeout_ms
	                                                     : PW_MONITOR_DEFAULT_CONNECT_TIMEOUT_MS);
	if (r.http == NULL) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "libcurl", "cannot create an HTTP client");
		goto out;
	}
	if ((st = load(&r)) != PW_OK)
		goto out;
	for (size_t i = 0; i < r.n_urls && st == PW_OK; i++)
		if (r.urls[i].kind == U_CRL)
			st = check_crl(&r, i);
	for (size_t i = 0; i < r.n_revs && st == PW_OK; i++) {
		struct rev *rv = &r.revs[i];
		for (size_t j = 0; j < rv->n_ocsp && st == PW_OK; j++)
			st = check_rev_ocsp(&r, rv, rv->ocsp_u[j]);
		/* Configured responders answer for every revoked certificate. */
		for (size_t j = 0; j < r.n_urls && st == PW_OK; j++) {
			int named = 0;
			if (r.urls[j].kind != U_OCSP || !r.urls[j].configured)
				continue;
			for (size_t k = 0; k < rv->n_ocsp; k++)
				if (rv->ocsp_u[k] == j)
					named = 1;
			if (!named)
				st = check_rev_ocsp(&r, rv, j);
		}
	}
	for (size_t i = 0; i < r.n_urls && st == PW_OK; i++)
		if (r.urls[i].kind == U_OCSP && r.urls[i].has_sample)
			st = check_sample_ocsp(&r, i);
	for (size_t i = 0; i < r.n_revs && st == PW_OK; i++)
		st = judge_rev(&r, &r.revs[i]);
	if (st == PW_OK)
		st = resolve(&r);
	if (st == PW_OK)
		st = pw_store_monitor_alert_count_open(s, &r.sum.alerts_open, err);
	if (st == PW_OK) {
		json_t *p = json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "crl_urls",
			(json_int_t)r.sum.crl_urls, "ocsp_urls", (json_int_t)r.sum.ocsp_urls, "fetches",
			(json_int_t)r.sum.fetches, "ocsp_queries", (json_int_t)r.sum.ocsp_queries,
			"revocations_checked", (json_int_t)r.sum.revocations_checked, "seen_crl_new",
			(json_int_t)r.sum.seen_crl_new, "seen_ocsp_new", (json_int_t)r.sum.seen_ocsp_new,
			"alerts_new", (json_int_t)r.sum.alerts_new, "alerts_resolved",
			(json_int_t)r.sum.alerts_resolved, "alerts_open", (json_int_t)r.sum.alerts_open,
			"alerts", r.run_alerts);
		st = p ? append_event(&r, clock_now(&r), "monitor.run", NULL, p) : nomem(&r);
	}
out:
	if (out != NULL)
		*out = r.sum;
	pw_lint_results_cleanup(&r.lint);
	json_decref(r.cur_alerts);
	json_decref(r.run_alerts);
	pw_monitor_client_free(r.http);
	for (size_t i = 0; i < r.n_cas; i++) {
		pw_cert_cleanup(&r.cas[i].c);
		free(r.cas[i].der);
	}
	free(r.cas);
	for (size_t i = 0; i < r.n_urls; i++)
		free(r.urls[i].url);
	free(r.urls);
	free(r.url_hash);
	free(r.revs);
	strset_free(&r.raised);
	strset_free(&r.checked);
	return st;
}
