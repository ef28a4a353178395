/* pkiward ocsp: the OCSP responder (RFC 6960, RFC 5019).
 *
 *   pkiward ocsp serve --store S --listen ADDR:PORT [--max-stale SECS]
 *                      [--validity SECS] [--threads N] [--per-ip-limit N]
 *                      [--max-connections N] [--timeout SECS]
 *                      [--access-log FILE|-] [--no-presign] [--crl-dir DIR]
 *   pkiward ocsp respond --store S --request REQ.der [--out RESP.der] [--json]
 *
 * serve answers POST at "/" and GET at "/<base64 request>" for every CA
 * registered with `pkiward ca add`, from an in-memory index that follows the
 * store's revocations within PW_PUBLISH_POLL_MS (docs/ocsp.md). It prints
 * "listening on http://ADDR:PORT/" on stdout once it accepts requests (port 0
 * picks a free port), and stops gracefully on SIGINT/SIGTERM. --crl-dir also
 * serves the CRL files `pkiward crl generate --out DIR` writes, under /crl/.
 * respond answers one DER request file ("-" = stdin) with the same code and
 * writes the DER response (stdout by default, unless it is a terminal).
 * Exit status: 0 ok (respond: a successful response), 1 respond produced an
 * OCSP error response (malformedRequest, unauthorized, ...), 2 usage or
 * input error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pkiward/ocsp.h"
#include "../src/http/crl.h"
#include "../src/http/ocsp.h"
#include "../src/http/server.h"

int pw_cli_ocsp(int argc, char **argv);

/* Largest numeric option value accepted for counts. */
#define OCSP_CLI_MAX_COUNT 1000000UL

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward ocsp serve --store S --listen ADDR:PORT [--max-stale SECS]\n"
	        "                          [--validity SECS] [--threads N] [--per-ip-limit N]\n"
	        "                          [--max-connections N] [--timeout SECS]\n"
	        "                          [--access-log FILE|-] [--no-presign] [--crl-dir DIR]\n"
	        "       pkiward ocsp respond --store S --request REQ.der [--out RESP.der] [--json]\n"
	        "\n"
	        "serve: RFC 6960 POST at / and RFC 5019 GET at /<base64 request> for every CA\n"
	        "registered with `pkiward ca add`. --max-stale bounds how long an HTTP cache may\n"
	        "serve \"good\" after a revocation (default %lld s; docs/ocsp.md); --validity is\n"
	        "nextUpdate - thisUpdate (BR 4.9.9: 8 hours .. 10 days, default 8 hours).\n"
	        "--crl-dir: also serve DIR/<ca>/{full,N}.crl (crl generate --out DIR) under /crl/.\n"
	        "respond: answer one DER request with the same code (stdout unless --out).\n"
	        "Exit: 0 ok, 1 OCSP error response (respond), 2 usage or input error.\n",
	        (long long)PW_OCSP_DEFAULT_MAX_STALE);
}

static int parse_num(const char *opt, const char *v, unsigned long min, unsigned long max,
                     unsigned long *out)
{
	char *end = NULL;
	unsigned long x;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || end == v || *end != '\0' || x < min || x > max) {
		fprintf(stderr, "pkiward ocsp: %s: expected %lu..%lu, got '%s'\n", opt, min, max, v);
		return 0;
	}
	*out = x;
	return 1;
}

static const char *cert_status_name(int st)
{
	switch (st) {
	case PW_OCSP_GOOD: return "good";
	case PW_OCSP_REVOKED: return "revoked";
	default: return "unknown";
	}
}

static const char *resp_status_name(enum pw_ocsp_status st)
{
	switch (st) {
	case PW_OCSP_SUCCESSFUL: return "successful";
	case PW_OCSP_MALFORMED_REQUEST: return "malformedRequest";
	case PW_OCSP_INTERNAL_ERROR: return "internalError";
	case PW_OCSP_TRY_LATER: return "tryLater";
	case PW_OCSP_SIG_REQUIRED: return "sigRequired";
	case PW_OCSP_UNAUTHORIZED: return "unauthorized";
	default: return "?";
	}
}

enum {
	O_STORE = 1000, O_LISTEN, O_MAX_STALE, O_VALIDITY, O_THREADS, O_PER_IP, O_MAX_CONN,
	O_TIMEOUT, O_ACCESS_LOG, O_NO_PRESIGN, O_REQUEST, O_OUT, O_JSON, O_CRL_DIR
};

static const struct option opts[] = {
	{"store", required_argument, NULL, O_STORE},
	{"listen", required_argument, NULL, O_LISTEN},
	{"max-stale", required_argument, NULL, O_MAX_STALE},
	{"validity", required_argument, NULL, O_VALIDITY},
	{"threads", required_argument, NULL, O_THREADS},
	{"per-ip-limit", required_argument, NULL, O_PER_IP},
	{"max-connections", required_argument, NULL, O_MAX_CONN},
	{"timeout", required_argument, NULL, O_TIMEOUT},
	{"access-log", required_argument, NULL, O_ACCESS_LOG},
	{"no-presign", no_argument, NULL, O_NO_PRESIGN},
	{"request", required_argument, NULL, O_REQUEST},
	{"out", required_argument, NULL, O_OUT},
	{"json", no_argument, NULL, O_JSON},
	{"crl-dir", required_argument, NULL, O_CRL_DIR},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int serve(const char *store, struct pw_ocsp_config *oc, struct pw_http_config *hc,
                 const char *access_log, const char *crl_dir)
{
	struct pw_ocsp_responder *r = NULL;
	struct pw_http_crl *crl = NULL;
	struct pw_http_server *srv = NULL;
	struct pw_error err;
	struct pw_ocsp_stats stats;
	int rc = PW_EXIT_USAGE, log_fd = -1, sig;
	sigset_t set;

	pw_error_clear(&err);
	/* Block the stop signals before any thread starts (the refresher, the
	 * pool), so that only pw_http_server_wait() receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (access_log) {
		if (strcmp(access_log, "-") == 0) {
			log_fd = STDOUT_FILENO;
		} else {
			log_fd = open(access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
			if (log_fd < 0) {
				fprintf(stderr, "pkiward ocsp: --access-log %s: %s\n", access_log,
				        strerror(errno));
				goto out;
			}
		}
	}
	hc->access_log_fd = log_fd;
	if (pw_ocsp_responder_new(store, oc, &r, &err) != PW_OK) {
		pw_cli_print_error("ocsp", store, &err);
		goto out;
	}
	if (pw_http_server_new(hc, &srv, &err) != PW_OK ||
	    pw_http_ocsp_mount(srv, "/", r, &err) != PW_OK ||
	    (crl_dir && pw_http_crl_mount(srv, "/crl/", crl_dir, &crl, &err) != PW_OK) ||
	    pw_http_server_start(srv, &err) != PW_OK) {
		pw_cli_print_error("ocsp", hc->listen, &err);
		goto out;
	}
	pw_ocsp_responder_stats(r, &stats);
	{
		/* The address as given, with the port actually bound. */
		char host[300];
		const char *colon = strrchr(hc->listen, ':');
		size_t hl = colon ? (size_t)(colon - hc->listen) : 0;
		if (hl >= sizeof(host))
			hl = sizeof(host) - 1;
		memcpy(host, hc->listen, hl);
		host[hl] = '\0';
		printf("listening on http://%s:%u/\n", host, (unsigned)pw_http_server_port(srv));
		fflush(stdout);
	}
	fprintf(stderr, "pkiward ocsp: %llu serials indexed, max-stale %lld s, validity %lld s\n",
	        (unsigned long long)stats.serials, (long long)oc->max_stale,
	        (long long)oc->validity);
	sig = pw_http_server_wait(srv);
	fprintf(stderr, "pkiward ocsp: %s, stopping\n", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "stop requested");
	pw_http_server_stop(srv);
	pw_ocsp_responder_stats(r, &stats);
	fprintf(stderr,
	        "pkiward ocsp: %llu requests (%llu good, %llu revoked, %llu unknown, %llu "
	        "unauthorized, %llu malformed), %llu signatures, %llu cache hits\n",
	        (unsigned long long)stats.requests, (unsigned long long)stats.good,
	        (unsigned long long)stats.revoked, (unsigned long long)stats.unknown,
	        (unsigned long long)stats.unauthorized, (unsigned long long)stats.malformed,
	        (unsigned long long)stats.signatures, (unsigned long long)stats.cache_hits);
	rc = PW_EXIT_OK;
out:
	pw_http_server_free(srv);
	pw_http_crl_free(crl);
	pw_ocsp_responder_free(r);
	if (log_fd >= 0 && log_fd != STDOUT_FILENO)
		close(log_fd);
	return rc;
}

static int respond(const char *store, struct pw_ocsp_config *oc, const char *req_path,
                   const char *out_path, int json)
{
	struct pw_ocsp_responder *r = NULL;
	struct pw_ocsp_answer a;
	struct pw_error err;
	uint8_t *req = NULL;
	size_t req_len = 0;
	FILE *out = NULL;
	int rc = PW_EXIT_USAGE;

	memset(&a, 0, sizeof(a));
	pw_error_clear(&err);
	if (!out_path && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "pkiward ocsp respond: not writing DER to a terminal; use --out\n");
		goto out;
	}
	if (json && (!out_path || strcmp(out_path, "-") == 0)) {
		fprintf(stderr, "pkiward ocsp respond: --json prints to stdout; give --out FILE\n");
		goto out;
	}
	/* A request far over the parser's limit is read only up to that limit
	 * plus one byte's worth of evidence: the responder answers it
	 * malformedRequest like the server would. */
	if (pw_cli_read_file(req_path, PW_OCSP_MAX_REQUEST_DER * 64, &req, &req_len, &err) != PW_OK) {
		pw_cli_print_error("ocsp respond", req_path, &err);
		goto out;
	}
	oc->no_thread = 1;
	oc->no_presign = 1;
	if (pw_ocsp_responder_new(store, oc, &r, &err) != PW_OK) {
		pw_cli_print_error("ocsp respond", store, &err);
		goto out;
	}
	pw_ocsp_respond(r, req, req_len, 0, &a);
	if (!out_path || strcmp(out_path, "-") == 0) {
		out = stdout;
	} else if (!(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "pkiward ocsp respond: %s: %s\n", out_path, strerror(errno));
		goto out;
	}
	if (fwrite(a.der, 1, a.len, out) != a.len || fflush(out) != 0) {
		fprintf(stderr, "pkiward ocsp respond: %s: write failed\n", out_path ? out_path : "stdout");
		goto out;
	}
	if (a.status == PW_OCSP_SUCCESSFUL) {
		if (json)
			printf("{\"response_status\":\"successful\",\"cert_status\":\"%s\","
			       "\"this_update\":%lld,\"next_update\":%lld,\"bytes\":%zu}\n",
			       cert_status_name(a.cert_status), (long long)a.this_update,
			       (long long)a.next_update, a.len);
		else
			fprintf(stderr, "pkiward ocsp respond: successful: %s\n",
			        cert_status_name(a.cert_status));
		rc = PW_EXIT_OK;
	} else {
		char buf[PW_ERROR_FIELD_MAX + PW_ERROR_MSG_MAX + 64];
		pw_error_format(&a.err, buf, sizeof(buf));
		if (json)
			printf("{\"response_status\":\"%s\",\"bytes\":%zu}\n",
			       resp_status_name(a.status), a.len);
		fprintf(stderr, "pkiward ocsp respond: %s: %s\n", resp_status_name(a.status), buf);
		rc = PW_EXIT_FINDINGS;
	}
out:
	if (out && out != stdout)
		fclose(out);
	pw_ocsp_answer_release(&a);
	pw_ocsp_responder_free(r);
	free(req);
	return rc;
}

int pw_cli_ocsp(int argc, char **argv)
{
	struct pw_ocsp_config oc;
	struct pw_http_config hc;
	const char *sub, *store_flag = NULL, *access_log = NULL, *req = NULL, *out = NULL;
	const char *crl_dir = NULL;
	int c, json = 0;
	unsigned long v;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "serve") != 0 && strcmp(sub, "respond") != 0) {
		fprintf(stderr, "pkiward ocsp: unknown sub-command '%s'\n", sub);
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	pw_ocsp_config_init(&oc);
	pw_http_config_init(&hc);
	hc.server_header = "pkiward";
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_STORE: store_flag = optarg; break;
		case O_LISTEN: hc.listen = optarg; break;
		case O_MAX_STALE:
			if (!parse_num("--max-stale", optarg, (unsigned long)PW_OCSP_MIN_MAX_STALE,
			               (unsigned long)PW_OCSP_MAX_VALIDITY, &v))
				return PW_EXIT_USAGE;
			oc.max_stale = (int64_t)v;
			break;
		case O_VALIDITY:
			if (!parse_num("--validity", optarg, (unsigned long)PW_OCSP_MIN_VALIDITY,
			               (unsigned long)PW_OCSP_MAX_VALIDITY, &v))
				return PW_EXIT_USAGE;
			oc.validity = (int64_t)v;
			break;
		case O_THREADS:
			if (!parse_num("--threads", optarg, 1, PW_HTTP_THREADS_MAX, &v))
				return PW_EXIT_USAGE;
			hc.threads = (unsigned)v;
			break;
		case O_PER_IP:
			if (!parse_num("--per-ip-limit", optarg, 1, OCSP_CLI_MAX_COUNT, &v))
				return PW_EXIT_USAGE;
			hc.per_ip_limit = (unsigned)v;
			break;
		case O_MAX_CONN:
			if (!parse_num("--max-connections", optarg, 1, OCSP_CLI_MAX_COUNT, &v))
				return PW_EXIT_USAGE;
			hc.max_connections = (unsigned)v;
			break;
		case O_TIMEOUT:
			if (!parse_num("--timeout", optarg, 1, 3600, &v))
				return PW_EXIT_USAGE;
			hc.conn_timeout_secs = (unsigned)v;
			break;
		case O_ACCESS_LOG: access_log = optarg; break;
		case O_NO_PRESIGN: oc.no_presign = 1; break;
		case O_REQUEST: req = optarg; break;
		case O_OUT: out = optarg; break;
		case O_JSON: json = 1; break;
		case O_CRL_DIR: crl_dir = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "pkiward ocsp: unexpected argument '%s'\n", argv[optind + 1]);
		return PW_EXIT_USAGE;
	}
	if (strcmp(sub, "serve") == 0) {
		if (!hc.listen) {
			fprintf(stderr, "pkiward ocsp serve: --listen ADDR:PORT is required\n");
			return PW_EXIT_USAGE;
		}
		return serve(pw_cli_store_path(store_flag), &oc, &hc, access_log, crl_dir);
	}
	if (!req) {
		fprintf(stderr, "pkiward ocsp respond: --request FILE is required\n");
		return PW_EXIT_USAGE;
	}
	return respond(pw_cli_store_path(store_flag), &oc, req, out, json);
}
