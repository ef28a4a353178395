/* pkiward store: moving a certificate base between backends (store_copy.h,
 * docs/pg-nodes.md).
 *
 *   pkiward store copy --from LOCATION --to LOCATION [--batch N] [--allow-missing]
 *                      [--json] [--quiet]
 *   pkiward store verify --a LOCATION --b LOCATION [--json] [--quiet]
 *   pkiward store hash [--store LOCATION] [--json] [--quiet]
 *
 * copy: every table, all or nothing, then every copied table is read back
 * from the target and compared with the source by row count and content
 * hash, and the target's event log is verified (its hash chain must hold as
 * it did in the source). verify: the same comparison of two existing bases.
 * hash: one base's per-table counts and hashes (for bases on hosts that
 * cannot reach each other). Exit: 0 copied/equal, 1 a table differs or the
 * copied event log does not verify, 2 usage, input or store error (nothing
 * was written to the target).
 *
 * Locations are file paths (SQLite) or postgresql:// URIs; errors name the
 * side ("source", "target") rather than echoing a URI that may hold a
 * password. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/store.h"
#include "pkiward/store_copy.h"

int pw_cli_store(int argc, char **argv);

/* Hex digits of a hash shown in the human table (--json has all 64). */
#define STORE_HASH_SHOWN 16

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward store copy --from LOCATION --to LOCATION [--batch N]\n"
	        "                          [--allow-missing] [--json] [--quiet]\n"
	        "       pkiward store verify --a LOCATION --b LOCATION [--json] [--quiet]\n"
	        "       pkiward store hash [--store LOCATION] [--json] [--quiet]\n"
	        "LOCATION: a file (SQLite) or a postgresql:// URI.\n"
	        "copy: every table of the source into a new or empty target, in one transaction;\n"
	        "  then each table is read back and compared (row count, content hash) and the\n"
	        "  copied event log is verified. --allow-missing leaves out tables/columns the\n"
	        "  target's schema lacks instead of refusing. --batch: rows per batch (%d).\n"
	        "verify: compare two bases table by table. hash: one base's table hashes.\n"
	        "Exit: 0 equal, 1 a table differs or the event log does not verify, 2 error.\n",
	        PW_STORE_COPY_BATCH_DEFAULT);
}

static void progress(void *ctx, const char *table, uint64_t rows)
{
	(void)ctx;
	pw_cli_progress(table, rows, 0);
}

static char *hex(const uint8_t h[32], char out[65])
{
	pw_hex_encode(h, 32, out);
	return out;
}

static void print_human(const struct pw_store_compare *c, const char *la, const char *lb)
{
	char ha[65], hb[65], note[96];
	if (lb == NULL)
		printf("%-28s %12s  %s\n", "table", "rows", "sha256 (first hex digits)");
	else
		printf("%-28s %12s %12s  %-*s %-*s\n", "table", la, lb, STORE_HASH_SHOWN, "sha256",
		       STORE_HASH_SHOWN, "sha256");
	for (size_t i = 0; i < c->n_tables; i++) {
		const struct pw_store_table_sum *t = &c->tables[i];
		char ra[24] = "-", rb[24] = "-";
		if (t->in_a)
			snprintf(ra, sizeof ra, "%" PRIu64, t->rows_a);
		if (t->in_b)
			snprintf(rb, sizeof rb, "%" PRIu64, t->rows_b);
		hex(t->hash_a, ha);
		hex(t->hash_b, hb);
		ha[STORE_HASH_SHOWN] = hb[STORE_HASH_SHOWN] = '\0';
		if (lb == NULL) {
			printf("%-28s %12s  %s\n", t->name, ra, ha);
			continue;
		}
		if (t->skipped)
			snprintf(note, sizeof note, "%s (the %s has no such table)",
			         t->match ? "ok, empty" : "LEFT OUT", lb);
		else if (!t->in_a || !t->in_b)
			snprintf(note, sizeof note, "%s (only in the %s)", t->match ? "ok, empty" : "DIFFERS",
			         t->in_a ? la : lb);
		else
			snprintf(note, sizeof note, "%s", t->match ? "ok" : "DIFFERS");
		printf("%-28s %12s %12s  %-*s %-*s %s\n", t->name, ra, rb, STORE_HASH_SHOWN,
		       t->in_a ? ha : "-", STORE_HASH_SHOWN, t->in_b ? hb : "-", note);
	}
}

static json_t *to_json(const struct pw_store_compare *c, const char *la, const char *lb)
{
	char h[65], key[64];
	json_t *o = json_object(), *arr = json_array();
	for (size_t i = 0; i < c->n_tables; i++) {
		const struct pw_store_table_sum *t = &c->tables[i];
		json_t *j = json_object();
		json_object_set_new(j, "name", json_string(t->name));
		json_object_set_new(j, "columns", json_integer((json_int_t)t->columns));
		snprintf(key, sizeof key, "rows_%s", la);
		json_object_set_new(j, key, t->in_a ? json_integer((json_int_t)t->rows_a) : json_null());
		snprintf(key, sizeof key, "sha256_%s", la);
		json_object_set_new(j, key, t->in_a ? json_string(hex(t->hash_a, h)) : json_null());
		if (lb != NULL) {
			snprintf(key, sizeof key, "rows_%s", lb);
			json_object_set_new(j, key,
			                    t->in_b ? json_integer((json_int_t)t->rows_b) : json_null());
			snprintf(key, sizeof key, "sha256_%s", lb);
			json_object_set_new(j, key, t->in_b ? json_string(hex(t->hash_b, h)) : json_null());
			json_object_set_new(j, "match", json_boolean(t->match));
			json_object_set_new(j, "left_out", json_boolean(t->skipped));
		}
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "tables", arr);
	json_object_set_new(o, "schema_version", json_integer(c->schema_a));
	if (lb != NULL)
		json_object_set_new(o, "mismatches", json_integer((json_int_t)c->mismatches));
	return o;
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	printf("%s\n", t ? t : "null");
	free(t);
}

/* The copied log must verify as the source's did: ids, hashes and the
 * recorded head travel unchanged, so any break is the copy's fault (or was
 * already in the source: said so). Returns 1 intact, 0 broken, -1 error. */
static int verify_events(const char *loc, const char *label, struct pw_events_verify_result *res)
{
	struct pw_store *s = NULL;
	struct pw_error err;
	int ok = -1;
	if (pw_store_open(loc, PW_STORE_READONLY, &s, &err) != PW_OK ||
	    pw_events_verify(s, res, &err) != PW_OK) {
		fprintf(stderr, "pkiward store copy: %s: event log: %s\n", label, err.msg);
		goto out;
	}
	ok = res->broken == PW_EVENTS_INTACT;
out:
	pw_store_close(s);
	return ok;
}

static int cmd_copy(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"batch", required_argument, NULL, 'b'},
		{"allow-missing", no_argument, NULL, 'm'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	struct pw_store_copy_opts o = {0};
	struct pw_store_compare cmp = {0};
	struct pw_events_verify_result ev;
	struct pw_error err;
	int json = 0, quiet = 0, c, rc = PW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'b': {
			char *end = NULL;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v == 0 || v > PW_STORE_COPY_BATCH_MAX) {
				fprintf(stderr, "pkiward store copy: --batch: 1..%d rows, not \"%s\"\n",
				        PW_STORE_COPY_BATCH_MAX, optarg);
				return PW_EXIT_USAGE;
			}
			o.batch = (size_t)v;
			break;
		}
		case 'm': o.allow_missing = 1; break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc || from == NULL || to == NULL) {
		fprintf(stderr, "pkiward store copy: --from and --to are required%s%s\n",
		            optind != argc ? "; unexpected argument " : "",
		            optind != argc ? argv[optind] : "");
		return PW_EXIT_USAGE;
	}
	if (!quiet && pw_cli_stderr_is_tty())
		o.progress = progress;
	enum pw_status st = pw_store_copy(from, to, &o, &cmp, &err);
	pw_cli_progress_end();
	if (st != PW_OK) {
		pw_cli_print_error("store copy", NULL, &err);
		fprintf(stderr, "pkiward store copy: nothing was written to the target\n");
		goto out;
	}
	int events = verify_events(to, "target", &ev);
	if (events == 0) {
		struct pw_events_verify_result sev;
		if (verify_events(from, "source", &sev) == 0)
			fprintf(stderr, "pkiward store copy: the source's event log is broken too "
			                "(event %lld: %s)\n",
			        (long long)sev.broken_id, pw_events_break_name(sev.broken));
	}
	rc = cmp.mismatches == 0 && events == 1 ? PW_EXIT_OK : PW_EXIT_FINDINGS;
	if (json) {
		json_t *j = to_json(&cmp, "source", "target");
		json_object_set_new(j, "rows_copied", json_integer((json_int_t)cmp.rows_copied));
		json_t *e = json_object();
		if (events >= 0) {
			char h[65];
			json_object_set_new(e, "count", json_integer((json_int_t)ev.n_events));
			json_object_set_new(e, "intact", json_boolean(events == 1));
			json_object_set_new(e, "last_id", json_integer(ev.last_id));
			json_object_set_new(e, "last_hash", json_string(hex(ev.last_hash, h)));
		} else {
			json_object_set_new(e, "error", json_true());
		}
		json_object_set_new(j, "events", e);
		json_object_set_new(j, "verified", json_boolean(rc == PW_EXIT_OK));
		print_json(j);
		json_decref(j);
	} else {
		print_human(&cmp, "source", "target");
		printf("copied %" PRIu64 " rows in %zu tables (schema version %d)\n", cmp.rows_copied,
		       cmp.n_tables, cmp.schema_a);
		if (events >= 0)
			printf("event log on the target: %llu events, %s\n", (unsigned long long)ev.n_events,
			       events == 1 ? "chain intact" : pw_events_break_name(ev.broken));
		if (rc == PW_EXIT_OK)
			printf("verified: every table has the same rows and content hash on both sides\n");
		else if (cmp.mismatches)
			printf("NOT VERIFIED: %zu tables differ\n", cmp.mismatches);
		else
			printf("NOT VERIFIED: the copied event log does not verify\n");
	}
out:
	pw_store_compare_cleanup(&cmp);
	return rc;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"a", required_argument, NULL, 'a'},
		{"b", required_argument, NULL, 'b'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *a = NULL, *b = NULL;
	struct pw_store_compare cmp = {0};
	struct pw_error err;
	int json = 0, quiet = 0, c, rc = PW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': a = optarg; break;
		case 'b': b = optarg; break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc || a == NULL || b == NULL) {
		fprintf(stderr, "pkiward store verify: --a and --b are required\n");
		return PW_EXIT_USAGE;
	}
	enum pw_status st = pw_store_verify(a, b, !quiet && pw_cli_stderr_is_tty() ? progress : NULL,
	                                    NULL, &cmp, &err);
	pw_cli_progress_end();
	if (st != PW_OK) {
		pw_cli_print_error("store verify", NULL, &err);
		goto out;
	}
	rc = cmp.mismatches == 0 ? PW_EXIT_OK : PW_EXIT_FINDINGS;
	if (json) {
		json_t *j = to_json(&cmp, "a", "b");
		json_object_set_new(j, "schema_version_b", json_integer(cmp.schema_b));
		print_json(j);
		json_decref(j);
	} else {
		print_human(&cmp, "a", "b");
		if (cmp.schema_a != cmp.schema_b)
			printf("schema versions differ: a %d, b %d\n", cmp.schema_a, cmp.schema_b);
		if (rc == PW_EXIT_OK)
			printf("equal: %zu tables with the same rows and content hash\n", cmp.n_tables);
		else
			printf("DIFFERENT: %zu tables differ\n", cmp.mismatches);
	}
out:
	pw_store_compare_cleanup(&cmp);
	return rc;
}

static int cmd_hash(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL;
	struct pw_store_compare cmp = {0};
	struct pw_error err;
	int json = 0, quiet = 0, c, rc = PW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward store hash: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	enum pw_status st = pw_store_summarise(pw_cli_store_path(store_flag),
	                                       !quiet && pw_cli_stderr_is_tty() ? progress : NULL,
	                                       NULL, &cmp, &err);
	pw_cli_progress_end();
	if (st != PW_OK) {
		pw_cli_print_error("store hash", NULL, &err);
		goto out;
	}
	rc = PW_EXIT_OK;
	if (json) {
		json_t *j = to_json(&cmp, "store", NULL);
		print_json(j);
		json_decref(j);
	} else {
		print_human(&cmp, "rows", NULL);
	}
out:
	pw_store_compare_cleanup(&cmp);
	return rc;
}

int pw_cli_store(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "copy") == 0)
		return cmd_copy(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "hash") == 0)
		return cmd_hash(argc - 1, argv + 1);
	fprintf(stderr, "pkiward store: unknown sub-command '%s'\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
