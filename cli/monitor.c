/* pkiward monitor: check from outside what relying parties get from the
 * published CRLs and OCSP responders, and compare it with the store.
 *
 *   pkiward monitor [--store S] [--once] [--interval SECONDS] [--url URL]...
 *                   [--ocsp-url URL]... [--no-cert-urls] [--timeout SECONDS]
 *                   [--crl-deadline SECONDS] [--ocsp-deadline SECONDS]
 *                   [--grace SECONDS] [--post] [--no-lint] [--json] [--quiet]
 *   pkiward monitor alerts [--store S] [--all] [--kind K] [--json]
 *   pkiward monitor seen [--store S] --sha256 HEX [--json]
 *   pkiward monitor fetches [--store S] [--url URL] [--limit N] [--json]
 *
 * Exit status: 0 no open alert; 1 open alerts (findings); 2 usage or store
 * error. Without --once the pass repeats every --interval seconds until
 * SIGINT/SIGTERM; the status is that of the last pass. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/monitor.h"
#include "pkiward/store.h"
#include "pkiward/store_monitor.h"

int pw_cli_monitor(int argc, char **argv);

/* --url / --ocsp-url given at most this many times each. */
#define MONITOR_MAX_CLI_URLS 1000
/* Longest --interval (a week) and --timeout (an hour), in seconds. */
#define MONITOR_MAX_INTERVAL (7 * 86400L)
#define MONITOR_MAX_TIMEOUT 3600.0

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward monitor [--store PATH] [--once] [--interval SECONDS] [--url URL]...\n"
	        "                       [--ocsp-url URL]... [--no-cert-urls] [--timeout SECONDS]\n"
	        "                       [--crl-deadline SECONDS] [--ocsp-deadline SECONDS]\n"
	        "                       [--grace SECONDS] [--post] [--no-lint] [--json] [--quiet]\n"
	        "       pkiward monitor alerts [--store PATH] [--all] [--kind KIND] [--json]\n"
	        "       pkiward monitor seen [--store PATH] --sha256 HEX [--json]\n"
	        "       pkiward monitor fetches [--store PATH] [--url URL] [--limit N] [--json]\n"
	        "Fetches the CRLs named in certificates' cRLDistributionPoints and asks the OCSP\n"
	        "responders named in their authorityInfoAccess (plus --url CRLs and --ocsp-url\n"
	        "responders) what they say about every revoked certificate; records when each\n"
	        "revocation was first seen in a CRL and in OCSP; raises alerts (see docs/monitor.md).\n"
	        "Defaults: --interval %d, --timeout %ld, --crl-deadline 86400 (BR 4.9.7),\n"
	        "--ocsp-deadline 86400, --grace 0 (\"good\" after a revocation is alerted at once).\n"
	        "Exit status: 0 no open alert, 1 open alerts, 2 usage or store error.\n",
	        PW_MONITOR_DEFAULT_INTERVAL, PW_MONITOR_DEFAULT_TIMEOUT_MS / 1000);
}

static int parse_secs(const char *flag, const char *v, long max, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0 || n < 0 || n > max) {
		fprintf(stderr, "pkiward monitor: %s: expected 0..%ld seconds, got '%s'\n", flag, max, v);
		return 0;
	}
	*out = n;
	return 1;
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (t != NULL)
		printf("%s\n", t);
	free(t);
	json_decref(o);
}

/* ---- pkiward monitor alerts ---- */

struct alerts_ctx {
	int json;
	json_t *arr;
	uint64_t n, n_open;
};

static int alert_row(void *vctx, const struct pw_store_monitor_alert *a)
{
	struct alerts_ctx *x = vctx;
	char f[32], l[32], rs[32];
	x->n++;
	if (a->resolved_at == 0)
		x->n_open++;
	pw_cli_time_iso(a->first_seen, f, sizeof f);
	pw_cli_time_iso(a->last_seen, l, sizeof l);
	if (a->resolved_at)
		pw_cli_time_iso(a->resolved_at, rs, sizeof rs);
	if (x->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(a->id));
		json_object_set_new(o, "kind", json_string(a->kind));
		json_object_set_new(o, "subject", json_string(a->subject));
		json_object_set_new(o, "url", a->url ? json_string(a->url) : json_null());
		json_object_set_new(o, "detail", a->detail ? json_string(a->detail) : json_null());
		json_object_set_new(o, "first_seen", json_string(f));
		json_object_set_new(o, "last_seen", json_string(l));
		json_object_set_new(o, "count", json_integer((json_int_t)a->count));
		json_object_set_new(o, "resolved_at", a->resolved_at ? json_string(rs) : json_null());
		json_array_append_new(x->arr, o);
		return 1;
	}
	printf("#%lld %s %s  %s\n   first %s  last %s  x%llu%s%s\n   %s\n", (long long)a->id,
	       a->resolved_at ? "resolved" : "OPEN", a->kind, a->subject, f, l,
	       (unsigned long long)a->count, a->resolved_at ? "  resolved " : "",
	       a->resolved_at ? rs : "", a->detail ? a->detail : "");
	return 1;
}

static int cmd_alerts(int argc, char **argv)
{
	enum { O_ALL = 256, O_KIND, O_JSON };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'}, {"all", no_argument, NULL, O_ALL},
		{"kind", required_argument, NULL, O_KIND}, {"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct pw_store_monitor_alert_filter f = {.open_only = 1};
	struct alerts_ctx x = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL;
	enum pw_monitor_alert_kind k;
	int c, rc = PW_EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_ALL: f.open_only = 0; break;
		case O_KIND:
			if (!pw_monitor_alert_from_name(optarg, &k)) {
				fprintf(stderr, "pkiward monitor alerts: unknown alert kind '%s'\n", optarg);
				return PW_EXIT_USAGE;
			}
			f.kind = optarg;
			break;
		case O_JSON: x.json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward monitor alerts: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		return PW_EXIT_USAGE;
	}
	if (x.json)
		x.arr = json_array();
	if (pw_store_monitor_alert_list(s, &f, alert_row, &x, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		goto out;
	}
	if (x.json)
		print_json(json_pack("{s:O, s:I}", "alerts", x.arr, "open", (json_int_t)x.n_open));
	else if (x.n == 0)
		printf("no %salerts\n", f.open_only ? "open " : "");
	rc = x.n_open > 0 ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	json_decref(x.arr);
	pw_store_close(s);
	return rc;
}

/* ---- pkiward monitor seen ---- */

static int cmd_seen(int argc, char **argv)
{
	enum { O_SHA = 256, O_JSON };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'}, {"sha256", required_argument, NULL, O_SHA},
		{"json", no_argument, NULL, O_JSON}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct pw_store_monitor_seen *seen = NULL;
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *hex = NULL;
	uint8_t sha[32];
	int c, json = 0, rc = PW_EXIT_USAGE;
	char t[32], num[64];

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_SHA: hex = optarg; break;
		case O_JSON: json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (hex == NULL || strlen(hex) != 64 || !pw_hex_decode(hex, sha, 32) || optind != argc) {
		fprintf(stderr, "pkiward monitor seen: give --sha256 with 64 hex digits\n");
		return PW_EXIT_USAGE;
	}
	const char *path = pw_cli_store_path(store_flag);
	if ((seen = malloc(sizeof *seen)) == NULL) {
		fprintf(stderr, "pkiward monitor: out of memory\n");
		return PW_EXIT_USAGE;
	}
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK ||
	    pw_store_monitor_seen_get(s, sha, seen, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		goto out;
	}
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "revoked_at", json_string(pw_cli_time_iso(seen->revoked_at, t, sizeof t)));
		json_object_set_new(o, "first_seen_crl",
		                    seen->has_crl ? json_string(pw_cli_time_iso(seen->first_seen_crl, t, sizeof t))
		                                  : json_null());
		json_object_set_new(o, "crl_url", seen->crl_url[0] ? json_string(seen->crl_url) : json_null());
		json_object_set_new(o, "crl_number",
		                    seen->has_crl_number
		                            ? json_string(pw_monitor_crl_number_text(seen->crl_number, num, sizeof num))
		                            : json_null());
		json_object_set_new(o, "first_seen_ocsp",
		                    seen->has_ocsp ? json_string(pw_cli_time_iso(seen->first_seen_ocsp, t, sizeof t))
		                                   : json_null());
		json_object_set_new(o, "ocsp_url", seen->ocsp_url[0] ? json_string(seen->ocsp_url) : json_null());
		if (seen->has_last_ocsp) {
			json_object_set_new(o, "last_ocsp_at", json_string(pw_cli_time_iso(seen->last_ocsp_at, t, sizeof t)));
			json_object_set_new(o, "last_ocsp_status",
			                    json_string(seen->last_ocsp_status == PW_OCSP_GOOD      ? "good"
			                                : seen->last_ocsp_status == PW_OCSP_REVOKED ? "revoked"
			                                                                            : "unknown"));
		}
		print_json(o);
	} else {
		printf("revoked          %s\n", pw_cli_time_iso(seen->revoked_at, t, sizeof t));
		if (seen->has_crl)
			printf("first in CRL     %s  %s  (CRL number %s)\n",
			       pw_cli_time_iso(seen->first_seen_crl, t, sizeof t), seen->crl_url,
			       seen->has_crl_number ? pw_monitor_crl_number_text(seen->crl_number, num, sizeof num)
			                            : "none");
		else
			printf("first in CRL     not seen yet\n");
		if (seen->has_ocsp)
			printf("first in OCSP    %s  %s\n", pw_cli_time_iso(seen->first_seen_ocsp, t, sizeof t),
			       seen->ocsp_url);
		else
			printf("first in OCSP    not seen yet\n");
	}
	rc = PW_EXIT_OK;
out:
	free(seen);
	pw_store_close(s);
	return rc;
}

/* ---- pkiward monitor fetches ---- */

struct fetch_ctx {
	int json;
	json_t *arr;
};

static int fetch_row(void *vctx, const struct pw_store_monitor_fetch *f)
{
	struct fetch_ctx *x = vctx;
	char t[32];
	pw_cli_time_iso(f->at, t, sizeof t);
	if (x->json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", (json_int_t)f->id,
		                      "url", f->url, "kind", f->kind, "at", t, "http_status",
		                      (json_int_t)f->http_status, "bytes", (json_int_t)f->bytes,
		                      "elapsed_ms", (json_int_t)f->elapsed_ms, "outcome", f->outcome);
		if (o != NULL) {
			json_object_set_new(o, "content_type", f->content_type ? json_string(f->content_type) : json_null());
			json_object_set_new(o, "detail", f->detail ? json_string(f->detail) : json_null());
			json_array_append_new(x->arr, o);
		}
		return 1;
	}
	printf("%s  %-4s %3ld %8llu B %5lld ms  %-20s %s%s%s\n", t, f->kind, f->http_status,
	       (unsigned long long)f->bytes, (long long)f->elapsed_ms, f->outcome, f->url,
	       f->detail ? "  " : "", f->detail ? f->detail : "");
	return 1;
}

static int cmd_fetches(int argc, char **argv)
{
	enum { O_URL = 256, O_LIMIT, O_JSON };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'}, {"url", required_argument, NULL, O_URL},
		{"limit", required_argument, NULL, O_LIMIT}, {"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct fetch_ctx x = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *url = NULL;
	int64_t limit = 50;
	int c, rc = PW_EXIT_USAGE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_URL: url = optarg; break;
		case O_LIMIT:
			if (!parse_secs("--limit", optarg, 100000000L, &limit))
				return PW_EXIT_USAGE;
			break;
		case O_JSON: x.json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		return PW_EXIT_USAGE;
	}
	if (x.json)
		x.arr = json_array();
	if (pw_store_monitor_fetch_list(s, url, (uint64_t)limit, fetch_row, &x, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		goto out;
	}
	if (x.json)
		print_json(json_pack("{s:O}", "fetches", x.arr));
	rc = PW_EXIT_OK;
out:
	json_decref(x.arr);
	pw_store_close(s);
	return rc;
}

/* ---- pkiward monitor (a pass, or passes on an interval) ---- */

struct run_ctx {
	int json, quiet;
	json_t *events;
};

static void on_event(void *vctx, const struct pw_monitor_event *e)
{
	struct run_ctx *x = vctx;
	if (x->json) {
		json_t *o = json_object();
		json_object_set_new(o, "what", json_string(e->what));
		if (e->url)
			json_object_set_new(o, "url", json_string(e->url));
		if (e->subject)
			json_object_set_new(o, "subject", json_string(e->subject));
		if (e->kind)
			json_object_set_new(o, "kind", json_string(e->kind));
		if (e->detail)
			json_object_set_new(o, "detail", json_string(e->detail));
		json_array_append_new(x->events, o);
		return;
	}
	int is_alert = strcmp(e->what, "alert") == 0;
	if (x->quiet && !is_alert)
		return;
	printf("%-9s %s%s%s%s%s%s%s\n", is_alert ? "ALERT" : e->what, e->kind ? e->kind : "",
	       e->kind ? "  " : "", e->subject ? e->subject : "", e->subject ? "  " : "",
	       e->url && (e->subject == NULL || strncmp(e->subject, "url:", 4) != 0) ? e->url : "",
	       e->detail && e->detail[0] ? "  " : "", e->detail ? e->detail : "");
	fflush(stdout);
}

static int open_alerts_json(void *vctx, const struct pw_store_monitor_alert *a)
{
	return alert_row(vctx, a);
}

static int one_pass(struct pw_store *s, struct pw_monitor_opts *o, struct run_ctx *x)
{
	struct pw_monitor_summary sum;
	struct pw_error err;
	pw_error_clear(&err);
	if (x->json)
		x->events = json_array();
	if (pw_monitor_run(s, o, &sum, &err) != PW_OK) {
		pw_cli_print_error("monitor", NULL, &err);
		json_decref(x->events);
		x->events = NULL;
		return PW_EXIT_USAGE;
	}
	if (x->json) {
		struct pw_store_monitor_alert_filter f = {.open_only = 1};
		struct alerts_ctx ac = {.json = 1, .arr = json_array()};
		if (pw_store_monitor_alert_list(s, &f, open_alerts_json, &ac, &err) != PW_OK)
			pw_cli_print_error("monitor", NULL, &err);
		json_t *js = json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "crl_urls",
			(json_int_t)sum.crl_urls, "ocsp_urls", (json_int_t)sum.ocsp_urls, "fetches",
			(json_int_t)sum.fetches, "fetch_failures", (json_int_t)sum.fetch_failures,
			"crls_ok", (json_int_t)sum.crls_ok, "ocsp_queries", (json_int_t)sum.ocsp_queries,
			"revocations_checked", (json_int_t)sum.revocations_checked, "seen_crl_new",
			(json_int_t)sum.seen_crl_new, "seen_ocsp_new", (json_int_t)sum.seen_ocsp_new,
			"alerts_new", (json_int_t)sum.alerts_new, "alerts_resolved",
			(json_int_t)sum.alerts_resolved, "alerts_open", (json_int_t)sum.alerts_open,
			"skipped_urls", (json_int_t)sum.skipped_urls);
		print_json(json_pack("{s:o, s:o, s:o}", "summary", js, "events", x->events,
		                     "open_alerts", ac.arr));
		x->events = NULL;
	} else {
		printf("monitor: %llu CRL URL%s, %llu responder%s, %llu fetches (%llu with findings), "
		       "%llu revocations checked; first seen now: %llu in CRL, %llu in OCSP; "
		       "alerts: %llu new, %llu resolved, %llu open\n",
		       (unsigned long long)sum.crl_urls, sum.crl_urls == 1 ? "" : "s",
		       (unsigned long long)sum.ocsp_urls, sum.ocsp_urls == 1 ? "" : "s",
		       (unsigned long long)sum.fetches, (unsigned long long)sum.fetch_failures,
		       (unsigned long long)sum.revocations_checked,
		       (unsigned long long)sum.seen_crl_new, (unsigned long long)sum.seen_ocsp_new,
		       (unsigned long long)sum.alerts_new, (unsigned long long)sum.alerts_resolved,
		       (unsigned long long)sum.alerts_open);
	}
	fflush(stdout);
	return sum.alerts_open > 0 ? PW_EXIT_FINDINGS : PW_EXIT_OK;
}

static int cmd_run(int argc, char **argv)
{
	enum {
		O_ONCE = 256, O_INTERVAL, O_URL, O_OCSP_URL, O_NO_CERT_URLS, O_TIMEOUT, O_CRL_DL,
		O_OCSP_DL, O_GRACE, O_POST, O_NO_LINT, O_JSON, O_QUIET, O_NOW
	};
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"once", no_argument, NULL, O_ONCE},
		{"interval", required_argument, NULL, O_INTERVAL},
		{"url", required_argument, NULL, O_URL},
		{"ocsp-url", required_argument, NULL, O_OCSP_URL},
		{"no-cert-urls", no_argument, NULL, O_NO_CERT_URLS},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"crl-deadline", required_argument, NULL, O_CRL_DL},
		{"ocsp-deadline", required_argument, NULL, O_OCSP_DL},
		{"grace", required_argument, NULL, O_GRACE},
		{"post", no_argument, NULL, O_POST},
		{"no-lint", no_argument, NULL, O_NO_LINT},
		{"json", no_argument, NULL, O_JSON},
		{"quiet", no_argument, NULL, O_QUIET},
		{"now", required_argument, NULL, O_NOW},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct pw_monitor_opts o;
	struct run_ctx x = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char **crl_urls = NULL, **ocsp_urls = NULL;
	size_t n_crl = 0, n_ocsp = 0;
	const char *store_flag = NULL;
	int64_t interval = PW_MONITOR_DEFAULT_INTERVAL;
	int once = 0, c, rc = PW_EXIT_USAGE;

	pw_monitor_opts_init(&o);
	crl_urls = calloc(MONITOR_MAX_CLI_URLS, sizeof *crl_urls);
	ocsp_urls = calloc(MONITOR_MAX_CLI_URLS, sizeof *ocsp_urls);
	if (crl_urls == NULL || ocsp_urls == NULL) {
		fprintf(stderr, "pkiward monitor: out of memory\n");
		goto out;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_ONCE: once = 1; break;
		case O_INTERVAL:
			if (!parse_secs("--interval", optarg, MONITOR_MAX_INTERVAL, &interval))
				goto out;
			if (interval == 0) {
				fprintf(stderr, "pkiward monitor: --interval must be at least 1 second\n");
				goto out;
			}
			break;
		case O_URL:
		case O_OCSP_URL:
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) {
				fprintf(stderr, "pkiward monitor: %s: '%s' is not an http:// or https:// URL\n",
				        c == O_URL ? "--url" : "--ocsp-url", optarg);
				goto out;
			}
			if (strlen(optarg) > PW_STORE_MONITOR_MAX_URL) {
				fprintf(stderr, "pkiward monitor: URL longer than %d bytes\n",
				        PW_STORE_MONITOR_MAX_URL);
				goto out;
			}
			if ((c == O_URL ? n_crl : n_ocsp) >= MONITOR_MAX_CLI_URLS) {
				fprintf(stderr, "pkiward monitor: at most %d URLs of each kind\n",
				        MONITOR_MAX_CLI_URLS);
				goto out;
			}
			if (c == O_URL)
				crl_urls[n_crl++] = optarg;
			else
				ocsp_urls[n_ocsp++] = optarg;
			break;
		case O_NO_CERT_URLS: o.no_cert_urls = 1; break;
		case O_TIMEOUT: {
			char *end = NULL;
			double v = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(v > 0.0) || v > MONITOR_MAX_TIMEOUT) {
				fprintf(stderr, "pkiward monitor: --timeout: expected seconds in (0, %.0f], got '%s'\n",
				        MONITOR_MAX_TIMEOUT, optarg);
				goto out;
			}
			o.timeout_ms = (long)(v * 1000.0);
			if (o.timeout_ms < 1)
				o.timeout_ms = 1;
			o.connect_timeout_ms = o.timeout_ms;
			break;
		}
		case O_CRL_DL:
			if (!parse_secs("--crl-deadline", optarg, 366L * 86400, &o.crl_deadline))
				goto out;
			break;
		case O_OCSP_DL:
			if (!parse_secs("--ocsp-deadline", optarg, 366L * 86400, &o.ocsp_deadline))
				goto out;
			break;
		case O_GRACE:
			if (!parse_secs("--grace", optarg, 366L * 86400, &o.stale_good_grace))
				goto out;
			break;
		case O_POST: o.ocsp_post = 1; break;
		case O_NO_LINT: o.no_lint = 1; break;
		case O_JSON: x.json = 1; break;
		case O_QUIET: x.quiet = 1; break;
		case O_NOW:
			/* Reference time for tests and replays (RFC 3339 or YYYY-MM-DD). */
			if (!pw_cli_parse_time(optarg, &o.now)) {
				fprintf(stderr, "pkiward monitor: --now: cannot read '%s'\n", optarg);
				goto out;
			}
			break;
		case 'h': usage(stdout); rc = PW_EXIT_OK; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward monitor: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	o.crl_urls = crl_urls;
	o.n_crl_urls = n_crl;
	o.ocsp_urls = ocsp_urls;
	o.n_ocsp_urls = n_ocsp;
	o.on_event = on_event;
	o.ctx = &x;
	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, 0, &s, &err) != PW_OK) {
		pw_cli_print_error("monitor", path, &err);
		goto out;
	}
	if (!once) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		rc = one_pass(s, &o, &x);
		if (once || rc == PW_EXIT_USAGE || stop_requested)
			break;
		for (int64_t slept = 0; slept < interval && !stop_requested; slept++)
			sleep(1);
		if (stop_requested)
			break;
	}
out:
	pw_store_close(s);
	free(crl_urls);
	free(ocsp_urls);
	return rc;
}

int pw_cli_monitor(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "alerts") == 0)
		return cmd_alerts(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "seen") == 0)
		return cmd_seen(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "fetches") == 0)
		return cmd_fetches(argc - 1, argv + 1);
	return cmd_run(argc, argv);
}
