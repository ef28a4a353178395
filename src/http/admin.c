/* http/admin.c: the admin API (/admin/api/) and dashboard (/admin/).
 *
 * Authentication: "Authorization: Bearer <token>" with a token made by
 * `pkiward token add`; only token hashes are stored (serve.h). No or an
 * unknown/revoked token: 401 (RFC 6750 §3 WWW-Authenticate); a read-only
 * token asking for an operator action: 403.
 *
 *   GET  whoami                    the token's role
 *   GET  reports                   open problem reports with their deadlines
 *   GET  revocations               revocations with observed publication times
 *   GET  alerts                    monitor alerts (open first)
 *   GET  certificates?<filters>    certificate search with the `find` filters
 *   GET  lint?sha256=<hex>         lint findings of one stored certificate
 *   GET  timeline.svg              deadlines of open reports on a time axis
 *   GET  histogram.svg             time from request to revocation
 *   POST reports/<id>/ack          acknowledge a report (operator)
 *   POST reports/<id>/note         add a note {"text": ...} (operator)
 *
 * The pictures are SVG drawn here (no script, no CDN): what a person would
 * rather look at than read. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pkiward/buf.h"
#include "pkiward/incident.h"
#include "pkiward/lint.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store_monitor.h"
#include "revsum.h"
#include "serve_internal.h"

/* Rows one list answer carries at most. */
#define ADMIN_LIST_MAX 1000u
#define ADMIN_FIND_DEFAULT 100u
/* Reports drawn in the timeline at most. */
#define ADMIN_TIMELINE_MAX 40u
/* Histogram bins (upper bounds, seconds) and SVG geometry. */
static const int64_t HIST_BOUNDS[] = {60, 600, 3600, 6 * 3600, 24 * 3600, 5 * 24 * 3600, INT64_MAX};
/* XML-escaped: they go into SVG text as they are. */
static const char *const HIST_LABELS[] = {"&lt;1 min", "&lt;10 min", "&lt;1 h", "&lt;6 h", "&lt;24 h", "&lt;5 d", "&#8805;5 d"};
#define N_HIST (sizeof HIST_BOUNDS / sizeof HIST_BOUNDS[0])

/* ---- authentication ---- */

static enum pw_store_serve_role authenticate(struct pw_serve *sv, const struct pw_http_request *req,
                                             struct pw_http_response *resp)
{
	const char *h = pw_http_request_header(req, "Authorization");
	enum pw_store_serve_role role = PW_STORE_ROLE_NONE;
	struct pw_error err;
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		const char *t = h + 7;
		while (*t == ' ')
			t++;
		struct pw_store *s = pw_serve_store_get(sv);
		enum pw_status st = pw_serve_token_role(s, t, &role, &err);
		pw_serve_store_put(sv, s);
		if (st != PW_OK) {
			pw_serve_json_error(resp, 500, NULL, "checking the token failed");
			return PW_STORE_ROLE_NONE;
		}
	}
	if (role == PW_STORE_ROLE_NONE) {
		pw_http_response_add_header(resp, "WWW-Authenticate", "Bearer realm=\"pkiward admin\"");
		pw_serve_json_error(resp, 401, "Authorization",
		                    h == NULL ? "send \"Authorization: Bearer <token>\" (pkiward token add)"
		                              : "the token is unknown, malformed or revoked");
	}
	return role;
}

/* ---- reports ---- */

struct reports_ctx {
	json_t *arr;
	int64_t now;
	size_t n;
};

static int report_row(void *vctx, const struct pw_report *r)
{
	struct reports_ctx *c = vctx;
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	char when[32];
	if (c->n++ >= ADMIN_LIST_MAX)
		return 0;
	pw_report_deadlines(r, c->now, d);
	json_t *o = json_object(), *dl = json_array();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind", json_string(r->kind ? r->kind : ""));
	json_object_set_new(o, "reporter", r->reporter ? json_string(r->reporter) : json_null());
	json_object_set_new(o, "title", r->title ? json_string(r->title) : json_null());
	json_object_set_new(o, "source", r->source ? json_string(r->source) : json_null());
	json_object_set_new(o, "state", json_string(pw_report_state_name(r->state)));
	json_object_set_new(o, "received_at", json_string(pw_serve_iso(r->received_at, when, sizeof when)));
	json_object_set_new(o, "certificates", json_integer((json_int_t)r->n_certs));
	json_object_set_new(o, "candidates", json_integer((json_int_t)r->n_candidates));
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "name", json_string(d[i].name));
		json_object_set_new(x, "citation", json_string(d[i].citation));
		json_object_set_new(x, "due", d[i].due ? json_string(pw_serve_iso(d[i].due, when, sizeof when)) : json_null());
		json_object_set_new(x, "due_unix", json_integer(d[i].due));
		json_object_set_new(x, "seconds_left", d[i].due ? json_integer(d[i].due - c->now) : json_null());
		json_object_set_new(x, "state", json_string(pw_report_deadline_state_name(d[i].state)));
		json_array_append_new(dl, x);
	}
	json_object_set_new(o, "deadlines", dl);
	json_array_append_new(c->arr, o);
	return 1;
}

static void api_reports(struct pw_serve *sv, struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_error err;
	struct reports_ctx c = {json_array(), (int64_t)time(NULL), 0};
	struct pw_report_filter f = {.open_only = 1, .now = c.now};
	(void)sv;
	if (pw_report_list(s, &f, report_row, &c, &err) != PW_OK) {
		json_decref(c.arr);
		pw_serve_json_error(resp, 500, NULL, "listing reports failed: %s", err.msg);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "now", json_integer(c.now));
	json_object_set_new(o, "reports", c.arr);
	json_object_set_new(o, "truncated", json_boolean(c.n > ADMIN_LIST_MAX));
	pw_serve_json(resp, 200, o);
}

/* ---- revocations ---- */

static void api_revocations(struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_serve_revsum rs;
	struct pw_error err;
	char h[65], a[32];
	if (pw_serve_revsum_collect(s, PW_SERVE_REVSUM_MAX, &rs, &err) != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "reading revocations failed: %s", err.msg);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < rs.n && i < ADMIN_LIST_MAX; i++) {
		const struct pw_serve_rev *r = &rs.v[i];
		json_t *o = json_object();
		pw_hex_encode(r->sha256, 32, h);
		json_object_set_new(o, "sha256", json_string(h));
		json_object_set_new(o, "serial", json_string(r->serial_hex));
		json_object_set_new(o, "precertificate", json_boolean(r->precert));
		json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(r->has_reason, r->reason)));
		json_object_set_new(o, "requested_at", json_string(pw_serve_iso(r->requested_at, a, sizeof a)));
		json_object_set_new(o, "revoked_at", json_string(pw_serve_iso(r->revoked_at, a, sizeof a)));
		json_object_set_new(o, "deadline", r->deadline ? json_string(pw_serve_iso(r->deadline, a, sizeof a)) : json_null());
		json_object_set_new(o, "first_seen_crl",
		                    r->first_seen_crl ? json_string(pw_serve_iso(r->first_seen_crl, a, sizeof a)) : json_null());
		json_object_set_new(o, "first_seen_ocsp",
		                    r->first_seen_ocsp ? json_string(pw_serve_iso(r->first_seen_ocsp, a, sizeof a)) : json_null());
		json_array_append_new(arr, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)rs.n));
	json_object_set_new(o, "revocations", arr);
	pw_serve_revsum_cleanup(&rs);
	pw_serve_json(resp, 200, o);
}

/* ---- alerts ---- */

static int alert_row(void *ctx, const struct pw_store_monitor_alert *a)
{
	json_t *arr = ctx;
	char w[32];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "kind", json_string(a->kind ? a->kind : ""));
	json_object_set_new(o, "subject", json_string(a->subject ? a->subject : ""));
	json_object_set_new(o, "url", a->url ? json_string(a->url) : json_null());
	json_object_set_new(o, "detail", a->detail ? json_string(a->detail) : json_null());
	json_object_set_new(o, "first_seen", json_string(pw_serve_iso(a->first_seen, w, sizeof w)));
	json_object_set_new(o, "last_seen", json_string(pw_serve_iso(a->last_seen, w, sizeof w)));
	json_object_set_new(o, "count", json_integer((json_int_t)a->count));
	json_object_set_new(o, "resolved_at", a->resolved_at ? json_string(pw_serve_iso(a->resolved_at, w, sizeof w)) : json_null());
	json_array_append_new(arr, o);
	return json_array_size(arr) < ADMIN_LIST_MAX;
}

static void api_alerts(struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_error err;
	struct pw_store_monitor_alert_filter f = {.limit = ADMIN_LIST_MAX};
	json_t *arr = json_array();
	if (pw_store_monitor_alert_list(s, &f, alert_row, arr, &err) != PW_OK) {
		json_decref(arr);
		pw_serve_json_error(resp, 500, NULL, "reading alerts failed: %s", err.msg);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "alerts", arr);
	pw_serve_json(resp, 200, o);
}

/* ---- incidents and their IRG v3.2 deadlines (issue 7, item 7) ---- */

static json_t *incident_json(const struct pw_incident *inc, int64_t now)
{
	struct pw_incident_deadline dl[PW_INCIDENT_MAX_DEADLINES];
	size_t n = 0;
	json_t *o = json_object(), *tags = json_array(), *arr = json_array();
	json_object_set_new(o, "id", json_integer(inc->id));
	json_object_set_new(o, "title", json_string(inc->title ? inc->title : ""));
	for (size_t i = 0; i < inc->n_tags; i++)
		json_array_append_new(tags, json_string(inc->tags[i]));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "closed", json_boolean(inc->closed_at != 0));
	pw_incident_deadlines(inc, now, dl, PW_INCIDENT_MAX_DEADLINES, &n);
	int overdue = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_object();
		json_object_set_new(d, "kind", json_string(pw_incident_deadline_name(dl[i].kind)));
		json_object_set_new(d, "what", json_string(dl[i].what));
		json_object_set_new(d, "due", json_integer(dl[i].due));
		json_object_set_new(d, "seconds_left", json_integer(dl[i].due - now));
		if (dl[i].soft_due)
			json_object_set_new(d, "soft_due", json_integer(dl[i].soft_due));
		json_object_set_new(d, "met_at", dl[i].met_at ? json_integer(dl[i].met_at) : json_null());
		json_object_set_new(d, "overdue", json_boolean(dl[i].overdue));
		json_object_set_new(d, "rule", json_string(dl[i].rule ? dl[i].rule : ""));
		json_array_append_new(arr, d);
		overdue |= dl[i].overdue;
	}
	json_object_set_new(o, "overdue", json_boolean(overdue));
	json_object_set_new(o, "deadlines", arr);
	return o;
}

static void api_incidents(struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_error err;
	int64_t *ids = NULL;
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	if (pw_incident_ids(s, &ids, &n, &err) != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "reading incidents failed: %s", err.msg);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n && i < ADMIN_LIST_MAX; i++) {
		struct pw_incident *inc = NULL;
		if (pw_incident_load(s, ids[i], &inc, &err) != PW_OK) {
			free(ids);
			json_decref(arr);
			pw_serve_json_error(resp, 500, NULL, "reading incident %lld failed: %s",
			                    (long long)ids[i], err.msg);
			return;
		}
		json_array_append_new(arr, incident_json(inc, now));
		pw_incident_free(inc);
	}
	free(ids);
	json_t *o = json_object();
	json_object_set_new(o, "now", json_integer(now));
	json_object_set_new(o, "incidents", arr);
	pw_serve_json(resp, 200, o);
}

/* ---- certificate search ---- */

static int tri(const char *v, enum pw_store_tri *out)
{
	if (v == NULL)
		return 1;
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		*out = PW_STORE_YES;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		*out = PW_STORE_NO;
	else
		return 0;
	return 1;
}

static int cert_row(void *ctx, const struct pw_store_row *r)
{
	json_t *arr = ctx;
	char h[65], k[65], t[32];
	json_t *o = json_object(), *names = json_array();
	pw_hex_encode(r->sha256, 32, h);
	pw_hex_encode(r->spki_sha256, 32, k);
	json_object_set_new(o, "sha256", json_string(h));
	json_object_set_new(o, "spki_sha256", json_string(k));
	json_object_set_new(o, "precertificate", json_boolean(r->precert));
	json_object_set_new(o, "ca", json_boolean(r->is_ca));
	json_object_set_new(o, "serial", json_string(r->serial_hex ? r->serial_hex : ""));
	json_object_set_new(o, "issuer", json_string(r->issuer ? r->issuer : ""));
	json_object_set_new(o, "subject", json_string(r->subject ? r->subject : ""));
	json_object_set_new(o, "not_before", json_string(pw_serve_iso(r->not_before, t, sizeof t)));
	json_object_set_new(o, "not_after", json_string(pw_serve_iso(r->not_after, t, sizeof t)));
	json_object_set_new(o, "profile", r->profile ? json_string(r->profile) : json_null());
	json_object_set_new(o, "revoked", json_boolean(r->revoked));
	json_object_set_new(o, "reason", r->revoked ? json_string(pw_revoke_reason_name(r->has_reason, r->reason)) : json_null());
	for (size_t i = 0; i < r->n_dns_names && i < 20; i++)
		json_array_append_new(names, json_string(r->dns_names[i]));
	json_object_set_new(o, "names", names);
	json_array_append_new(arr, o);
	return 1;
}

static void api_certificates(struct pw_store *s, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_store_filter f;
	struct pw_error err;
	uint64_t total = 0;
	memset(&f, 0, sizeof f);
	const char *v;
	f.now = (int64_t)time(NULL);
#define HEX32(arg, has, field)                                                                      \
	if ((v = pw_http_request_arg(req, arg)) != NULL) {                                              \
		if (strlen(v) != 64 || !pw_hex_decode(v, f.field, 32)) {                                    \
			pw_serve_json_error(resp, 400, arg, "%s is 64 hexadecimal digits", arg);               \
			return;                                                                                 \
		}                                                                                           \
		f.has = 1;                                                                                  \
	}
	HEX32("sha256", has_sha256, sha256)
	HEX32("spki", has_spki, spki_sha256)
	HEX32("issuer_sha256", has_issuer_sha256, issuer_sha256)
#undef HEX32
	f.issuer_dn = pw_http_request_arg(req, "issuer");
	f.name = pw_http_request_arg(req, "name");
	f.domain = pw_http_request_arg(req, "domain");
	f.dcv_method = pw_http_request_arg(req, "dcv");
	f.profile = pw_http_request_arg(req, "profile");
	f.lint = pw_http_request_arg(req, "lint");
	if ((v = pw_http_request_arg(req, "serial")) != NULL) {
		if (!pw_hex_decode_var(v, f.serial, sizeof f.serial, &f.serial_len)) {
			pw_serve_json_error(resp, 400, "serial", "serial is hexadecimal");
			return;
		}
		f.has_serial = 1;
	}
	if (!tri(pw_http_request_arg(req, "revoked"), &f.revoked) || !tri(pw_http_request_arg(req, "expired"), &f.expired) ||
	    !tri(pw_http_request_arg(req, "ca"), &f.ca)) {
		pw_serve_json_error(resp, 400, NULL, "revoked, expired and ca are yes or no");
		return;
	}
	if ((v = pw_http_request_arg(req, "kind")) != NULL) {
		if (strcmp(v, "cert") == 0)
			f.kind = PW_STORE_KIND_CERT;
		else if (strcmp(v, "precert") == 0)
			f.kind = PW_STORE_KIND_PRECERT;
		else {
			pw_serve_json_error(resp, 400, "kind", "kind is cert or precert");
			return;
		}
	}
	if ((v = pw_http_request_arg(req, "valid_at")) != NULL) {
		if (!pw_store_parse_rfc3339(v, strlen(v), &f.valid_at)) {
			pw_serve_json_error(resp, 400, "valid_at", "valid_at is an RFC 3339 time");
			return;
		}
		f.has_valid_at = 1;
	}
	f.limit = ADMIN_FIND_DEFAULT;
	if ((v = pw_http_request_arg(req, "limit")) != NULL) {
		char *end;
		unsigned long long l = strtoull(v, &end, 10);
		if (*end != '\0' || l == 0 || l > ADMIN_LIST_MAX) {
			pw_serve_json_error(resp, 400, "limit", "limit is 1..%u", ADMIN_LIST_MAX);
			return;
		}
		f.limit = l;
	}
	json_t *arr = json_array();
	enum pw_status st = pw_store_count(s, &f, &total, &err);
	if (st == PW_OK)
		st = pw_store_find(s, &f, PW_STORE_WANT_NAMES, cert_row, arr, &err);
	if (st == PW_ERR_USAGE || st == PW_ERR_NOTFOUND) {
		json_decref(arr);
		pw_serve_json_error(resp, st == PW_ERR_USAGE ? 400 : 404, err.field[0] ? err.field : NULL, "%s", err.msg);
		return;
	}
	if (st != PW_OK) {
		json_decref(arr);
		pw_serve_json_error(resp, 500, NULL, "search failed: %s", err.msg);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "certificates", arr);
	pw_serve_json(resp, 200, o);
}

/* ---- lint ---- */

struct der_copy {
	uint8_t *der;
	size_t len;
};

static int der_row(void *ctx, const struct pw_store_row *r)
{
	struct der_copy *d = ctx;
	if (r->der != NULL && (d->der = malloc(r->der_len)) != NULL) {
		memcpy(d->der, r->der, r->der_len);
		d->len = r->der_len;
	}
	return 0;
}

static void api_lint(struct pw_store *s, const struct pw_http_request *req, struct pw_http_response *resp)
{
	uint8_t sha[32];
	struct der_copy d = {0};
	struct pw_error err;
	struct pw_lint_results lr;
	const char *v = pw_http_request_arg(req, "sha256");
	if (v == NULL || strlen(v) != 64 || !pw_hex_decode(v, sha, 32)) {
		pw_serve_json_error(resp, 400, "sha256", "give sha256=<64 hex digits> of a stored certificate");
		return;
	}
	enum pw_status st = pw_store_get_by_sha256(s, sha, der_row, &d, &err);
	if (st == PW_ERR_NOTFOUND || (st == PW_OK && d.der == NULL)) {
		free(d.der);
		pw_serve_json_error(resp, 404, "sha256", "no such certificate in the store");
		return;
	}
	if (st != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "reading the certificate failed");
		return;
	}
	pw_lint_results_init(&lr);
	struct pw_lint_opts opts = {0};
	if (pw_lint_cert(d.der, d.len, &opts, &lr, &err) != PW_OK) {
		free(d.der);
		pw_lint_results_cleanup(&lr);
		pw_serve_json_error(resp, 500, NULL, "lint failed: %s", err.msg);
		return;
	}
	free(d.der);
	json_t *arr = json_array();
	for (size_t i = 0; i < lr.n; i++) {
		const struct pw_lint_result *r = &lr.v[i];
		if (r->status <= PW_LINT_PASS)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "lint", json_string(r->def->name));
		json_object_set_new(o, "result", json_string(pw_lint_status_str(r->status)));
		json_object_set_new(o, "citation", json_string(r->def->citation ? r->def->citation : ""));
		json_object_set_new(o, "details", json_string(r->details));
		json_array_append_new(arr, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "sha256", json_string(v));
	json_object_set_new(o, "profile", json_string(pw_lint_profile_str(lr.profile)));
	json_object_set_new(o, "findings", arr);
	pw_lint_results_cleanup(&lr);
	pw_serve_json(resp, 200, o);
}

/* ---- pictures ---- */

static void svg_text(struct pw_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': pw_buf_puts(b, "&lt;"); break;
		case '>': pw_buf_puts(b, "&gt;"); break;
		case '&': pw_buf_puts(b, "&amp;"); break;
		case '"': pw_buf_puts(b, "&quot;"); break;
		default: pw_buf_append(b, s, 1);
		}
	}
}

static void svg_answer(struct pw_buf *b, struct pw_http_response *resp)
{
	size_t len = 0;
	uint8_t *p = pw_buf_finish(b, &len);
	if (p == NULL) {
		pw_http_response_text(resp, 500, "out of memory\n");
		return;
	}
	pw_http_response_set(resp, 200, "image/svg+xml");
	pw_serve_security_headers(resp);
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	pw_http_response_body_take(resp, p, len);
}

struct tl_ctx {
	struct pw_buf *b;
	int64_t now, t0, t1;
	int row;
};

static const char *state_colour(enum pw_report_deadline_state st)
{
	switch (st) {
	case PW_REPORT_DL_OVERDUE: return "#c62828";
	case PW_REPORT_DL_LATE: return "#ef6c00";
	case PW_REPORT_DL_MET: return "#2e7d32";
	case PW_REPORT_DL_PENDING: return "#1565c0";
	default: return "#9e9e9e";
	}
}

#define TL_LEFT 150
#define TL_WIDTH 650
#define TL_ROW 26

static double tl_x(const struct tl_ctx *c, int64_t t)
{
	if (t < c->t0)
		t = c->t0;
	if (t > c->t1)
		t = c->t1;
	return TL_LEFT + (double)(t - c->t0) * TL_WIDTH / (double)(c->t1 - c->t0);
}

static int tl_row(void *vctx, const struct pw_report *r)
{
	struct tl_ctx *c = vctx;
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	char label[64];
	if (c->row >= (int)ADMIN_TIMELINE_MAX)
		return 0;
	pw_report_deadlines(r, c->now, d);
	double y = 40 + c->row * TL_ROW;
	snprintf(label, sizeof label, "#%lld %s", (long long)r->id, r->kind ? r->kind : "");
	pw_buf_printf(c->b, "<text x=\"4\" y=\"%.0f\" font-size=\"12\">", y + 4);
	svg_text(c->b, label);
	pw_buf_puts(c->b, "</text>");
	pw_buf_printf(c->b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#bbb\"/>", tl_x(c, r->received_at), y,
	              tl_x(c, c->t1), y);
	pw_buf_printf(c->b, "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"4\" fill=\"#555\"><title>received</title></circle>",
	              tl_x(c, r->received_at), y);
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++) {
		if (d[i].due == 0)
			continue;
		char when[32];
		pw_buf_printf(c->b,
		              "<rect class=\"deadline %s\" x=\"%.1f\" y=\"%.0f\" width=\"6\" height=\"14\" fill=\"%s\">"
		              "<title>%s (%s) due %s: %s</title></rect>",
		              pw_report_deadline_state_name(d[i].state), tl_x(c, d[i].due) - 3, y - 7,
		              state_colour(d[i].state), d[i].name, d[i].citation, pw_serve_iso(d[i].due, when, sizeof when),
		              pw_report_deadline_state_name(d[i].state));
	}
	c->row++;
	return 1;
}

static void svg_timeline(struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_buf b, rows;
	struct pw_error err;
	int64_t now = (int64_t)time(NULL);
	/* Two days back to six days ahead: every BR deadline (24 h, 5 days)
	 * of a report received in the window fits. Rows are drawn first so the
	 * picture is as tall as the reports it shows. */
	struct tl_ctx c = {&rows, now, now - 2 * 86400, now + 6 * 86400, 0};
	struct pw_report_filter f = {.open_only = 1, .now = now};
	pw_buf_init(&b);
	pw_buf_init(&rows);
	enum pw_status st = pw_report_list(s, &f, tl_row, &c, &err);
	unsigned n = c.row > 0 ? (unsigned)c.row : 1, h = 50 + n * TL_ROW;
	pw_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"deadline-timeline\" width=\"820\" "
	                  "height=\"%u\" viewBox=\"0 0 820 %u\" role=\"img\" aria-label=\"Deadline timeline\">",
	              h, h);
	pw_buf_puts(&b, "<title>Deadlines of open problem reports</title>");
	for (int dday = -2; dday <= 6; dday++) {
		double x = tl_x(&c, now + (int64_t)dday * 86400);
		pw_buf_printf(&b, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%u\" stroke=\"%s\"/>", x, x, h - 10,
		              dday == 0 ? "#000" : "#eee");
		pw_buf_printf(&b, "<text x=\"%.1f\" y=\"14\" font-size=\"11\" text-anchor=\"middle\">%s%+dd</text>", x,
		              dday == 0 ? "now " : "", dday);
	}
	if (st != PW_OK)
		pw_buf_puts(&b, "<text x=\"10\" y=\"40\">reports could not be read</text>");
	else if (c.row == 0)
		pw_buf_puts(&b, "<text x=\"10\" y=\"40\" font-size=\"13\">No open reports.</text>");
	else if (rows.len > 0)
		pw_buf_append(&b, rows.data, rows.len);
	if (rows.failed)
		b.failed = 1;
	pw_buf_cleanup(&rows);
	pw_buf_puts(&b, "</svg>\n");
	svg_answer(&b, resp);
}

static void svg_histogram(struct pw_store *s, struct pw_http_response *resp)
{
	struct pw_serve_revsum rs;
	struct pw_error err;
	struct pw_buf b;
	uint64_t bins[N_HIST] = {0}, maxv = 1;
	pw_buf_init(&b);
	if (pw_serve_revsum_collect(s, PW_SERVE_REVSUM_MAX, &rs, &err) == PW_OK) {
		for (size_t i = 0; i < rs.n; i++) {
			int64_t d = rs.v[i].revoked_at - rs.v[i].requested_at;
			for (size_t k = 0; k < N_HIST; k++)
				if (d < HIST_BOUNDS[k]) {
					bins[k]++;
					break;
				}
		}
		pw_serve_revsum_cleanup(&rs);
	}
	for (size_t k = 0; k < N_HIST; k++)
		if (bins[k] > maxv)
			maxv = bins[k];
	pw_buf_puts(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"revocation-histogram\" width=\"560\" height=\"260\" "
	                "viewBox=\"0 0 560 260\" role=\"img\" aria-label=\"Time to revocation\">"
	                "<title>Time from request or report to revocation</title>"
	                "<line x1=\"40\" y1=\"220\" x2=\"550\" y2=\"220\" stroke=\"#000\"/>");
	for (size_t k = 0; k < N_HIST; k++) {
		double h = 180.0 * (double)bins[k] / (double)maxv, x = 50 + (double)k * 70;
		/* BR 4.9.1.1: beyond 24 hours is late for key compromise, beyond 5 days for anything. */
		const char *col = k >= 6 ? "#c62828" : k == 5 ? "#ef6c00" : "#1565c0";
		pw_buf_printf(&b,
		              "<rect class=\"bin\" x=\"%.0f\" y=\"%.1f\" width=\"56\" height=\"%.1f\" fill=\"%s\">"
		              "<title>%s: %llu</title></rect>",
		              x, 220 - h, h, col, HIST_LABELS[k], (unsigned long long)bins[k]);
		pw_buf_printf(&b, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%llu</text>", x + 28,
		              215 - h, (unsigned long long)bins[k]);
		pw_buf_printf(&b, "<text x=\"%.0f\" y=\"238\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x + 28,
		              HIST_LABELS[k]);
	}
	pw_buf_puts(&b, "</svg>\n");
	svg_answer(&b, resp);
}

/* ---- operator actions ---- */

static void api_report_action(struct pw_serve *sv, struct pw_store *s, const struct pw_http_request *req,
                              const char *rest, struct pw_http_response *resp)
{
	char *end;
	struct pw_error err;
	long long id = strtoll(rest, &end, 10);
	if (id <= 0 || end == rest || (strcmp(end, "/ack") != 0 && strcmp(end, "/note") != 0)) {
		pw_serve_json_error(resp, 404, NULL, "POST reports/<id>/ack or reports/<id>/note");
		return;
	}
	const char *text = NULL;
	json_t *body = NULL;
	if (strcmp(end, "/note") == 0) {
		body = pw_serve_json_body(req, resp);
		if (body == NULL)
			return;
		json_t *t = json_object_get(body, "text");
		if (!json_is_string(t) || json_string_length(t) == 0 || json_string_length(t) > PW_REPORT_MAX_TEXT ||
		    strlen(json_string_value(t)) != json_string_length(t) || json_object_size(body) != 1) {
			json_decref(body);
			pw_serve_json_error(resp, 400, "text", "send {\"text\": \"...\"} (at most %zu bytes)", (size_t)PW_REPORT_MAX_TEXT);
			return;
		}
		text = json_string_value(t);
	}
	char actor[PW_HTTP_MAX_ADDR + 16];
	snprintf(actor, sizeof actor, "admin:%s", req->remote_addr ? req->remote_addr : "?");
	(void)sv;
	enum pw_status st = text ? pw_report_note(s, id, 0, actor, text, &err) : pw_report_ack(s, id, 0, actor, NULL, &err);
	json_decref(body);
	if (st == PW_ERR_NOTFOUND) {
		pw_serve_json_error(resp, 404, "id", "no report %lld", id);
		return;
	}
	if (st == PW_ERR_USAGE) {
		pw_serve_json_error(resp, 409, NULL, "%s", err.msg);
		return;
	}
	if (st != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "%s", err.msg);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "report", json_integer(id));
	json_object_set_new(o, "done", json_string(text ? "note" : "acknowledged"));
	pw_serve_json(resp, 200, o);
}

void pw_serve_admin_api(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	enum pw_store_serve_role role = authenticate(sv, req, resp);
	if (role == PW_STORE_ROLE_NONE)
		return;
	const char *p = req->subpath;
	int get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
	if (post && strncmp(p, "reports/", 8) == 0) {
		if (role != PW_STORE_ROLE_OPERATOR) {
			pw_serve_json_error(resp, 403, "role", "this action needs an operator token (yours is %s)",
			                    pw_store_serve_role_name(role));
			return;
		}
		struct pw_store *s = pw_serve_store_get(sv);
		api_report_action(sv, s, req, p + 8, resp);
		pw_serve_store_put(sv, s);
		return;
	}
	static const char *const gets[] = {"whoami", "reports",       "revocations",   "alerts",
	                                   "certificates", "lint", "timeline.svg", "histogram.svg",
	                                   "incidents"};
	size_t i = 0;
	while (i < sizeof gets / sizeof gets[0] && strcmp(gets[i], p) != 0)
		i++;
	if (i == sizeof gets / sizeof gets[0]) {
		pw_serve_json_error(resp, 404, NULL, "no such admin endpoint");
		return;
	}
	if (!get) {
		pw_http_response_add_header(resp, "Allow", "GET");
		pw_serve_json_error(resp, 405, NULL, "use GET");
		return;
	}
	if (i == 0) {
		json_t *o = json_object();
		json_object_set_new(o, "role", json_string(pw_store_serve_role_name(role)));
		pw_serve_json(resp, 200, o);
		return;
	}
	struct pw_store *s = pw_serve_store_get(sv);
	switch (i) {
	case 1: api_reports(sv, s, resp); break;
	case 2: api_revocations(s, resp); break;
	case 3: api_alerts(s, resp); break;
	case 4: api_certificates(s, req, resp); break;
	case 5: api_lint(s, req, resp); break;
	case 6: svg_timeline(s, resp); break;
	case 7: svg_histogram(s, resp); break;
	default: api_incidents(s, resp); break;
	}
	pw_serve_store_put(sv, s);
}

void pw_serve_admin(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	char rel[300];
	/* The route "/admin" gives "/admin" and "/admin/" the same empty subpath. */
	if (strcmp(req->path, "/admin") == 0) {
		/* -> "/admin/" so relative asset URLs resolve. */
		pw_http_response_set(resp, 308, NULL);
		pw_http_response_add_header(resp, "Location", "/admin/");
		return;
	}
	const char *sub = req->subpath[0] ? req->subpath : "index.html";
	if (snprintf(rel, sizeof rel, "admin/%s", sub) >= (int)sizeof rel) {
		pw_http_response_text(resp, 404, "not found\n");
		return;
	}
	pw_serve_static(sv, rel, resp);
}
