/* pkiward find: search the certificate base. Every filter combines with
 * every other (AND). Name searches span the whole history: there is no
 * default date window (the incident where staff searched by FQDN inside a
 * default date range and revoked the wrong certificate is why). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "filter.h"
#include "pkiward/buf.h"
#include "pkiward/store.h"

int pw_cli_find(int argc, char **argv);

enum find_format { FMT_TABLE, FMT_JSON, FMT_CSV };

static void find_usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward find [--store PATH] [filters] [--json | --csv] [--limit N] [--count]\n"
	        "filters (all combine):\n");
	pw_cli_filter_usage(out);
	fprintf(out,
	        "output: a table; --json (array); --csv (the CCADB incident report appendix columns)\n");
}

struct find_ctx {
	enum find_format fmt;
	uint64_t rows;
	int first;
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void row_hex(const uint8_t *h, char out[65])
{
	pw_hex_encode(h, 32, out);
}

static int on_row(void *vctx, const struct pw_store_row *r)
{
	struct find_ctx *ctx = vctx;
	char sha[65], pre[65] = "", crt[65] = "", nb[32], na[32], rv[32] = "";
	row_hex(r->sha256, sha);
	if (r->has_precert_sha256)
		row_hex(r->precert_sha256, pre);
	if (r->has_cert_sha256)
		row_hex(r->cert_sha256, crt);
	pw_cli_time_iso(r->not_before, nb, sizeof nb);
	pw_cli_time_iso(r->not_after, na, sizeof na);
	if (r->revoked)
		pw_cli_time_iso(r->revoked_at, rv, sizeof rv);
	const char *reason = r->revoked ? (r->has_reason ? pw_cli_reason_name(r->reason) : "unspecified") : "";
	ctx->rows++;
	switch (ctx->fmt) {
	case FMT_TABLE: {
		if (ctx->first) {
			printf("%-64s  %-4s  %-20s  %-20s  %-7s  %-40s  %s\n", "SHA-256", "KIND", "NOT BEFORE",
			       "NOT AFTER", "REVOKED", "SERIAL", "NAMES / SUBJECT");
			ctx->first = 0;
		}
		char more[32] = "";
		if (r->n_dns_names_total > 1)
			snprintf(more, sizeof more, " (+%zu)", r->n_dns_names_total - 1);
		printf("%-64s  %-4s  %-20s  %-20s  %-7s  %-40s  %s%s\n", sha,
		       r->precert ? "pre" : (r->is_ca ? "ca" : "cert"), nb, na, r->revoked ? "yes" : "no",
		       or_empty(r->serial_hex), r->n_dns_names > 0 ? r->dns_names[0] : or_empty(r->subject),
		       more);
		break;
	}
	case FMT_CSV: {
		/* CCADB incident report appendix column order. */
		pw_cli_csv_field(stdout, pre);
		putchar(',');
		pw_cli_csv_field(stdout, crt);
		putchar(',');
		pw_cli_csv_field(stdout, or_empty(r->subject));
		putchar(',');
		pw_cli_csv_field(stdout, or_empty(r->issuer));
		printf(",%s,%s,", nb, na);
		pw_cli_csv_field(stdout, or_empty(r->serial_hex));
		putchar(',');
		struct pw_buf names;
		pw_buf_init(&names);
		for (size_t i = 0; i < r->n_dns_names; i++) {
			if (i > 0)
				pw_buf_puts(&names, " ");
			pw_buf_puts(&names, r->dns_names[i]);
		}
		pw_cli_csv_field(stdout, names.data ? (const char *)names.data : "");
		pw_buf_cleanup(&names);
		printf(",%s,%s,%s\n", r->revoked ? "yes" : "no", rv, reason);
		break;
	}
	case FMT_JSON: {
		json_t *o = json_object();
		json_t *names = json_array();
		for (size_t i = 0; i < r->n_dns_names; i++)
			json_array_append_new(names, json_string(r->dns_names[i]));
		json_object_set_new(o, "sha256", json_string(sha));
		json_object_set_new(o, "precertificate", json_boolean(r->precert));
		json_object_set_new(o, "precertificate_sha256", r->has_precert_sha256 ? json_string(pre) : json_null());
		json_object_set_new(o, "certificate_sha256", r->has_cert_sha256 ? json_string(crt) : json_null());
		json_object_set_new(o, "ca", json_boolean(r->is_ca));
		json_object_set_new(o, "subject", json_string(or_empty(r->subject)));
		json_object_set_new(o, "issuer", json_string(or_empty(r->issuer)));
		json_object_set_new(o, "serial", json_string(or_empty(r->serial_hex)));
		json_object_set_new(o, "not_before", json_string(nb));
		json_object_set_new(o, "not_after", json_string(na));
		json_object_set_new(o, "dns_names", names);
		json_object_set_new(o, "profile", r->profile ? json_string(r->profile) : json_null());
		json_object_set_new(o, "order", r->order ? json_string(r->order) : json_null());
		json_object_set_new(o, "revoked", json_boolean(r->revoked));
		json_object_set_new(o, "revocation_date", r->revoked ? json_string(rv) : json_null());
		json_object_set_new(o, "revocation_reason", r->revoked ? json_string(reason) : json_null());
		char *txt = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(o);
		printf("%s\n  %s", ctx->first ? "[" : ",", txt ? txt : "null");
		free(txt);
		ctx->first = 0;
		break;
	}
	}
	return 1;
}

int pw_cli_find(int argc, char **argv)
{
	enum { O_JSON = 256, O_CSV, O_LIMIT, O_COUNT };
	static const struct option own[] = {
		{"store", required_argument, NULL, 's'},
		{"json", no_argument, NULL, O_JSON},
		{"csv", no_argument, NULL, O_CSV},
		{"limit", required_argument, NULL, O_LIMIT},
		{"count", no_argument, NULL, O_COUNT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct option opts[PW_CLI_MAX_OPTIONS];
	struct pw_cli_filter cf;
	pw_cli_filter_init(&cf);
	if (!pw_cli_filter_merge_options(own, opts, PW_CLI_MAX_OPTIONS)) {
		fprintf(stderr, "pkiward find: internal error: too many options\n");
		return PW_EXIT_USAGE;
	}
	struct pw_store_filter *fp = &cf.f;
	const char *store_flag = NULL;
	struct find_ctx ctx = {FMT_TABLE, 0, 1};
	int count_only = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		int fr = pw_cli_filter_option(&cf, "find", c, optarg);
		if (fr < 0)
			return PW_EXIT_USAGE;
		if (fr > 0)
			continue;
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_JSON: ctx.fmt = FMT_JSON; break;
		case O_CSV: ctx.fmt = FMT_CSV; break;
		case O_COUNT: count_only = 1; break;
		case O_LIMIT: {
			char *end = NULL;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0') {
				fprintf(stderr, "pkiward find: --limit: expected a number, got '%s'\n", optarg);
				return PW_EXIT_USAGE;
			}
			fp->limit = v;
			break;
		}
		case 'h': find_usage(stdout); return PW_EXIT_OK;
		default: find_usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward find: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	pw_cli_filter_finish(&cf);

	const char *path = pw_cli_store_path(store_flag);
	struct pw_error err;
	pw_error_clear(&err);
	struct pw_store *s = NULL;
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("find", path, &err);
		return PW_EXIT_USAGE;
	}
	enum pw_status st;
	if (count_only) {
		uint64_t n = 0;
		st = pw_store_count(s, fp, &n, &err);
		if (st == PW_OK)
			printf("%llu\n", (unsigned long long)n);
	} else {
		if (ctx.fmt == FMT_CSV)
			printf("Precertificate SHA-256,Certificate SHA-256,Subject,Issuer,Not Before,"
			       "Not After,Serial Number,dNSNames,Revoked,Revocation Date,"
			       "Revocation Reason\n");
		unsigned want = PW_STORE_WANT_NAMES;
		st = pw_store_find(s, fp, want, on_row, &ctx, &err);
		if (ctx.fmt == FMT_JSON)
			printf("%s\n", ctx.first ? "[]" : "\n]");
		else if (ctx.fmt == FMT_TABLE && st == PW_OK)
			fprintf(stderr, "%llu certificate%s\n", (unsigned long long)ctx.rows,
			        ctx.rows == 1 ? "" : "s");
	}
	pw_store_close(s);
	if (st != PW_OK) {
		pw_cli_print_error("find", path, &err);
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}
