/* pkiward ingest: read certificates (PEM bundles, DER, directories, stdin)
 * and JSON Lines metadata into the certificate base. Exit 0 when everything
 * was accepted, 1 when some inputs were rejected, 2 on usage/fatal errors. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest_lint.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/store.h"

int pw_cli_ingest(int argc, char **argv);

#define INGEST_MAX_METADATA_FILES 64

static void ingest_usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward ingest [--store PATH] [--metadata FILE.jsonl]... [--batch N]\n"
	        "                      [--lint] [--quiet] [--json] INPUT...\n"
	        "  INPUT: PEM bundle, DER file (one or several certificates), directory\n"
	        "  (recursive) or - for stdin. Metadata: docs/metadata.md.\n"
	        "  --lint: lint every certificate (new or already stored) with the full lint\n"
	        "  set and store its notice/warn/error/fatal findings, replacing earlier ones;\n"
	        "  `pkiward find --lint NAME` lists the certificates with a finding.\n");
}

struct ingest_ctx {
	int quiet;
	int json;
	int tty;
	uint64_t reported;
};

static const char *report_kind_str(enum pw_store_report_kind k)
{
	switch (k) {
	case PW_STORE_REJECTED: return "rejected";
	case PW_STORE_SKIPPED: return "skipped";
	case PW_STORE_META_ERROR: return "metadata error";
	}
	return "?";
}

static void on_report(void *vctx, const struct pw_store_report *r)
{
	struct ingest_ctx *ctx = vctx;
	ctx->reported++;
	if (ctx->quiet && r->kind == PW_STORE_SKIPPED)
		return;
	char detail[512], where[96] = "";
	pw_error_format(r->err, detail, sizeof detail);
	if (r->line > 0)
		snprintf(where, sizeof where, "line %zu: ", r->line);
	else if (r->has_offset)
		snprintf(where, sizeof where, "object at byte %zu: ", r->offset);
	if (ctx->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "pkiward ingest: %s: %s%s: %s\n", r->path, where, report_kind_str(r->kind),
	        detail);
}

static void on_progress(void *vctx, uint64_t done, uint64_t total, uint64_t objects)
{
	struct ingest_ctx *ctx = vctx;
	(void)objects;
	if (!ctx->quiet)
		pw_cli_progress("ingest (bytes)", done, total);
}

/* Every committed batch is an event in its own transaction (DESIGN.md: every
 * state change is an event), naming the first and last certificate so an
 * incident timeline can say when a certificate entered the base. */
static enum pw_status on_batch(void *vctx, struct pw_store *s, const struct pw_store_batch_info *b,
                               struct pw_error *err)
{
	(void)vctx;
	char first[65], last[65], payload[400], actor[96];
	const char *user = getenv("USER");
	pw_hex_encode(b->first_sha256, 32, first);
	pw_hex_encode(b->last_sha256, 32, last);
	snprintf(payload, sizeof payload,
	         "{\"ingested\": %llu, \"already_present\": %llu, \"linted\": %llu, "
	         "\"findings\": %llu, \"first_sha256\": \"%s\", \"last_sha256\": \"%s\"}",
	         (unsigned long long)b->ingested, (unsigned long long)b->already_present,
	         (unsigned long long)b->linted, (unsigned long long)b->findings, first, last);
	snprintf(actor, sizeof actor, "cli:%.64s", user != NULL && *user ? user : "unknown");
	return pw_events_append(s, 0, "ingest.batch", NULL, actor, payload, NULL, NULL, err);
}

int pw_cli_ingest(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"metadata", required_argument, NULL, 'm'},
		{"batch", required_argument, NULL, 'b'},
		{"quiet", no_argument, NULL, 'q'},
		{"json", no_argument, NULL, 'j'},
		{"lint", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL;
	const char *meta[INGEST_MAX_METADATA_FILES];
	size_t n_meta = 0;
	struct ingest_ctx ctx = {0};
	struct pw_store_ingest_opts io = {0};
	struct pw_cli_ingest_lint lint;
	int c, do_lint = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:m:b:qjlh", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'm':
			if (n_meta == INGEST_MAX_METADATA_FILES) {
				fprintf(stderr, "pkiward ingest: at most %d --metadata files\n",
				        INGEST_MAX_METADATA_FILES);
				return PW_EXIT_USAGE;
			}
			meta[n_meta++] = optarg;
			break;
		case 'b': {
			char *end = NULL;
			unsigned long v = strtoul(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v == 0 || v > PW_STORE_INGEST_BATCH_MAX) {
				fprintf(stderr, "pkiward ingest: --batch must be 1..%d\n",
				        PW_STORE_INGEST_BATCH_MAX);
				return PW_EXIT_USAGE;
			}
			io.batch_size = v;
			break;
		}
		case 'q': ctx.quiet = 1; break;
		case 'j': ctx.json = 1; break;
		case 'l': do_lint = 1; break;
		case 'h': ingest_usage(stdout); return PW_EXIT_OK;
		default: ingest_usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind >= argc && n_meta == 0) {
		fprintf(stderr, "pkiward ingest: no input given\n");
		ingest_usage(stderr);
		return PW_EXIT_USAGE;
	}
	ctx.tty = pw_cli_stderr_is_tty();
	io.metadata_paths = meta;
	io.n_metadata_paths = n_meta;
	io.progress = on_progress;
	io.report = on_report;
	io.ctx = &ctx;
	io.on_batch = on_batch;
	pw_cli_ingest_lint_init(&lint);
	if (do_lint) {
		io.findings = pw_cli_ingest_lint_findings;
		io.findings_ctx = &lint;
	}

	const char *path = pw_cli_store_path(store_flag);
	struct pw_error err;
	pw_error_clear(&err);
	struct pw_store *s = NULL;
	if (pw_store_open(path, PW_STORE_CREATE, &s, &err) != PW_OK) {
		pw_cli_print_error("ingest", path, &err);
		pw_cli_ingest_lint_cleanup(&lint);
		return PW_EXIT_USAGE;
	}
	struct pw_store_ingest_summary sum = {0};
	enum pw_status st = pw_store_ingest(s, (const char *const *)(argv + optind),
	                                    (size_t)(argc - optind), &io, &sum, &err);
	pw_cli_progress_end();
	pw_store_close(s);
	pw_cli_ingest_lint_cleanup(&lint);
	if (ctx.json) {
		printf("{\"files\": %llu, \"objects\": %llu, \"ingested\": %llu, "
		       "\"already_present\": %llu, \"rejected\": %llu, \"skipped\": %llu, "
		       "\"metadata_lines\": %llu, \"metadata_applied\": %llu, "
		       "\"metadata_errors\": %llu, \"linted\": %llu, \"findings\": %llu}\n",
		       (unsigned long long)sum.files, (unsigned long long)sum.objects,
		       (unsigned long long)sum.ingested, (unsigned long long)sum.already_present,
		       (unsigned long long)sum.rejected, (unsigned long long)sum.skipped,
		       (unsigned long long)sum.metadata_lines, (unsigned long long)sum.metadata_applied,
		       (unsigned long long)sum.metadata_errors, (unsigned long long)sum.linted,
		       (unsigned long long)sum.findings);
	} else {
		printf("ingested %llu, already present %llu, rejected %llu, skipped %llu "
		       "(non-certificates); metadata: %llu applied, %llu refused\n",
		       (unsigned long long)sum.ingested, (unsigned long long)sum.already_present,
		       (unsigned long long)sum.rejected, (unsigned long long)sum.skipped,
		       (unsigned long long)sum.metadata_applied,
		       (unsigned long long)sum.metadata_errors);
		if (do_lint)
			printf("linted %llu certificates: %llu findings stored (find --lint NAME)\n",
			       (unsigned long long)sum.linted, (unsigned long long)sum.findings);
	}
	if (st != PW_OK) {
		pw_cli_print_error("ingest", path, &err);
		return PW_EXIT_USAGE;
	}
	return (sum.rejected > 0 || sum.metadata_errors > 0) ? PW_EXIT_FINDINGS : PW_EXIT_OK;
}
