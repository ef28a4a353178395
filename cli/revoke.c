/* pkiward revoke: revoke one certificate (with its precertificate twin), a
 * list of SHA-256s from a CSV file, or everything a `find` filter selects.
 *
 *   pkiward revoke --sha256 HEX [--reason R]
 *   pkiward revoke --csv FILE [--reason R] [--batch N]
 *   pkiward revoke --from-find FILTERS... [--reason R] [--batch N]
 *   common: [--store PATH] [--dry-run] [--json] [--actor NAME]
 *
 * Bulk runs are durable plans (revoke.h): killed at any point, the same
 * command resumes where it stopped and revokes nothing twice.
 * Exit status: 0 done; 1 some listed certificates are not in the store;
 * 2 usage, input or store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "filter.h"
#include "pkiward/buf.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"

int pw_cli_revoke(int argc, char **argv);
int pw_cli_revoke_plan(int argc, char **argv); /* cli/revoke_plan.c: --plan, --execute-plan */

/* Largest --csv file (a SHA-256 line is ~65 bytes: ~16M lines). */
#define REVOKE_MAX_CSV ((size_t)1 << 30)
/* Actor text built from $USER. */
#define REVOKE_ACTOR_MAX 128

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward revoke [--store PATH] --sha256 HEX [--reason R]\n"
	        "       pkiward revoke [--store PATH] --csv FILE [--reason R] [--batch N]\n"
	        "       pkiward revoke [--store PATH] --from-find FILTERS... [--reason R] [--batch N]\n"
	        "       pkiward revoke --plan ... | --execute-plan ID ...  (see revoke --plan --help)\n"
	        "options: --dry-run (show what would be revoked)  --json  --actor NAME\n"
	        "reasons (BR 7.2.2, MRSP 6.1.1): keyCompromise, affiliationChanged, superseded,\n"
	        "  cessationOfOperation, privilegeWithdrawn, unspecified (default: no reasonCode)\n"
	        "--csv: one SHA-256 per line, or in the first column (the second when the first is\n"
	        "  empty, as in `pkiward find --csv`); a header line and '#' comments are skipped.\n"
	        "A precertificate and its certificate are revoked together (RFC 6962 §3).\n"
	        "Bulk runs resume after a crash: run the same command again.\n"
	        "FILTERS (as for pkiward find; at least one):\n");
	pw_cli_filter_usage(out);
}

struct list {
	uint8_t *v;
	size_t n, cap;
};

static int list_push(struct list *l, const uint8_t h[32])
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 1024;
		uint8_t *nv = realloc(l->v, ncap * 32);
		if (nv == NULL)
			return 0;
		l->v = nv;
		l->cap = ncap;
	}
	memcpy(l->v + 32 * l->n++, h, 32);
	return 1;
}

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

/* The field [*p, end) up to the next comma, without spaces and quotes. */
static void field(const char **p, const char *end, const char **fs, size_t *fn)
{
	const char *s = *p, *e = s;
	while (e < end && *e != ',')
		e++;
	*p = e < end ? e + 1 : e;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '"'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
		e--;
	*fs = s;
	*fn = (size_t)(e - s);
}

/* 1 if the text mentions "sha" in any case (a header such as
 * "Precertificate SHA-256,Certificate SHA-256,..."). */
static int mentions_sha(const char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if ((s[i] | 0x20) == 's' && (s[i + 1] | 0x20) == 'h' && (s[i + 2] | 0x20) == 'a')
			return 1;
	return 0;
}

/* Reads the SHA-256 list of a --csv file; errors name the line. */
static int read_csv(const char *path, struct list *l)
{
	uint8_t *buf = NULL;
	size_t len = 0, line = 0;
	struct pw_error err;
	int ok = 0;

	if (pw_cli_read_file(path, REVOKE_MAX_CSV, &buf, &len, &err) != PW_OK) {
		pw_cli_print_error("revoke", path, &err);
		return 0;
	}
	const char *p = (const char *)buf, *end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *lp = p, *f1, *f2 = NULL;
		size_t n1, n2 = 0;
		line++;
		p = nl ? nl + 1 : end;
		if (le > lp && le[-1] == '\r')
			le--;
		if (memchr(lp, '\0', (size_t)(le - lp)) != NULL) {
			fprintf(stderr, "pkiward revoke: %s: line %zu: NUL byte (not a text file)\n", path,
			        line);
			goto out;
		}
		field(&lp, le, &f1, &n1);
		if (n1 == 0 && lp < le)
			field(&lp, le, &f2, &n2);
		const char *fs = n1 ? f1 : f2;
		size_t fn = n1 ? n1 : n2;
		if (fn == 0 || fs[0] == '#')
			continue; /* empty line or comment */
		if (!is_hex64(fs, fn)) {
			/* The first line may be a header ("Precertificate SHA-256,..."). */
			if (line == 1 && mentions_sha(fs, fn))
				continue;
			fprintf(stderr,
			        "pkiward revoke: %s: line %zu: expected a SHA-256 (64 hex digits) in the "
			        "first column, got '%.*s'\n",
			        path, line, (int)(fn > 80 ? 80 : fn), fs);
			goto out;
		}
		uint8_t h[32];
		char tmp[65];
		memcpy(tmp, fs, 64);
		tmp[64] = '\0';
		if (!pw_hex_decode(tmp, h, 32) || !list_push(l, h)) {
			fprintf(stderr, "pkiward revoke: %s: line %zu: out of memory\n", path, line);
			goto out;
		}
	}
	if (l->n == 0) {
		fprintf(stderr, "pkiward revoke: %s: no SHA-256 in the file\n", path);
		goto out;
	}
	ok = 1;
out:
	free(buf);
	return ok;
}

static int collect(void *ctx, const struct pw_store_row *r)
{
	return list_push(ctx, r->sha256);
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	pw_cli_progress("revoking", done, total);
}

/* --dry-run: what each listed certificate would become. */
struct dry {
	int json;
	json_t *arr;
	int found;
	uint64_t would, already, missing;
};

static int dry_row(void *vctx, const struct pw_store_row *r)
{
	struct dry *d = vctx;
	char hex[65], twin[65] = "";
	d->found = 1;
	pw_hex_encode(r->sha256, 32, hex);
	if (r->precert && r->has_cert_sha256)
		pw_hex_encode(r->cert_sha256, 32, twin);
	else if (!r->precert && r->has_precert_sha256)
		pw_hex_encode(r->precert_sha256, 32, twin);
	const char *state = r->revoked ? "already-revoked" : "would-revoke";
	if (r->revoked)
		d->already++;
	else
		d->would++;
	if (d->json) {
		json_t *o = json_object();
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "precertificate", json_boolean(r->precert));
		json_object_set_new(o, "serial", json_string(r->serial_hex ? r->serial_hex : ""));
		json_object_set_new(o, "state", json_string(state));
		json_object_set_new(o, "twin", twin[0] ? json_string(twin) : json_null());
		json_array_append_new(d->arr, o);
	} else {
		printf("%s  %-14s  %-15s  serial %s%s%s\n", hex, r->precert ? "precertificate" : "certificate",
		       state, r->serial_hex ? r->serial_hex : "", twin[0] ? "  twin " : "", twin);
	}
	return 0;
}

static const char *default_actor(char *buf, size_t n)
{
	const char *u = getenv("USER");
	snprintf(buf, n, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	return buf;
}

static void print_item(const struct pw_revoke_item *it, int json, json_t *arr)
{
	char hex[65], at[32], dl[32];
	pw_hex_encode(it->sha256, 32, hex);
	pw_cli_time_iso(it->revoked_at, at, sizeof at);
	pw_cli_time_iso(it->deadline, dl, sizeof dl);
	const char *reason = pw_revoke_reason_name(it->has_reason, it->reason);
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "precertificate", json_boolean(it->precert));
		json_object_set_new(o, "outcome", json_string(pw_revoke_outcome_name(it->outcome)));
		json_object_set_new(o, "revocation_date", json_string(at));
		json_object_set_new(o, "reason", json_string(reason));
		json_object_set_new(o, "deadline", it->deadline ? json_string(dl) : json_null());
		json_object_set_new(o, "event", json_integer(it->event_id));
		json_array_append_new(arr, o);
		return;
	}
	printf("%s  %-14s  %-15s  %s  %s", hex, it->precert ? "precertificate" : "certificate",
	       pw_revoke_outcome_name(it->outcome), at, reason);
	if (it->deadline)
		printf("  deadline %s", dl);
	printf("\n");
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	printf("%s\n", t ? t : "null");
	free(t);
	json_decref(o);
}

int pw_cli_revoke(int argc, char **argv)
{
	enum { O_CSV = 256, O_FROM_FIND, O_REASON, O_DRY, O_JSON, O_ACTOR, O_BATCH };
	static const struct option own[] = {
		{"store", required_argument, NULL, 's'},
		{"csv", required_argument, NULL, O_CSV},
		{"from-find", no_argument, NULL, O_FROM_FIND},
		{"reason", required_argument, NULL, O_REASON},
		{"dry-run", no_argument, NULL, O_DRY},
		{"json", no_argument, NULL, O_JSON},
		{"actor", required_argument, NULL, O_ACTOR},
		{"batch", required_argument, NULL, O_BATCH},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct option opts[PW_CLI_MAX_OPTIONS];
	struct pw_cli_filter cf;
	struct list l = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *csv = NULL, *reason = "unspecified", *actor = NULL;
	char actor_buf[REVOKE_ACTOR_MAX];
	int from_find = 0, dry = 0, json = 0, c, rc = PW_EXIT_USAGE, has_reason = 0;
	unsigned reason_code = 0;
	size_t batch = 0;

	/* Planned revocation has its own options (cli/revoke_plan.c). */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--plan") == 0 || strcmp(argv[i], "--execute-plan") == 0 ||
		    strncmp(argv[i], "--execute-plan=", 15) == 0)
			return pw_cli_revoke_plan(argc, argv);
	pw_error_clear(&err);
	pw_cli_filter_init(&cf);
	if (!pw_cli_filter_merge_options(own, opts, PW_CLI_MAX_OPTIONS)) {
		fprintf(stderr, "pkiward revoke: internal error: too many options\n");
		return PW_EXIT_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		int fr = pw_cli_filter_option(&cf, "revoke", c, optarg);
		if (fr < 0)
			goto out;
		if (fr > 0)
			continue;
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_CSV: csv = optarg; break;
		case O_FROM_FIND: from_find = 1; break;
		case O_REASON: reason = optarg; break;
		case O_DRY: dry = 1; break;
		case O_JSON: json = 1; break;
		case O_ACTOR: actor = optarg; break;
		case O_BATCH: {
			char *end = NULL;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v == 0 || v > PW_REVOKE_BULK_BATCH_MAX) {
				fprintf(stderr, "pkiward revoke: --batch: expected 1..%u, got '%s'\n",
				        PW_REVOKE_BULK_BATCH_MAX, optarg);
				goto out;
			}
			batch = (size_t)v;
			break;
		}
		case 'h': usage(stdout); rc = PW_EXIT_OK; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward revoke: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (pw_revoke_reason_parse(reason, &has_reason, &reason_code, &err) != PW_OK) {
		pw_cli_print_error("revoke", "--reason", &err);
		goto out;
	}
	pw_cli_filter_finish(&cf);
	int single = !from_find && csv == NULL;
	if ((csv != NULL) + from_find > 1) {
		fprintf(stderr, "pkiward revoke: give one of --sha256, --csv and --from-find\n");
		goto out;
	}
	if (single && (!cf.f.has_sha256 || cf.n_conditions != 1)) {
		fprintf(stderr, "pkiward revoke: give --sha256 HEX, --csv FILE or --from-find FILTERS "
		                "(other filter flags need --from-find)\n");
		goto out;
	}
	if (csv != NULL && cf.n_conditions > 0) {
		fprintf(stderr, "pkiward revoke: filter flags do not combine with --csv\n");
		goto out;
	}
	if (from_find && cf.n_conditions == 0) {
		/* Revoking the whole base is never what a missing flag meant. */
		fprintf(stderr, "pkiward revoke: --from-find needs at least one filter flag\n");
		goto out;
	}
	if (actor == NULL)
		actor = default_actor(actor_buf, sizeof actor_buf);
	if (csv != NULL && !read_csv(csv, &l))
		goto out;

	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, dry ? PW_STORE_READONLY : 0, &s, &err) != PW_OK) {
		pw_cli_print_error("revoke", path, &err);
		goto out;
	}
	if (from_find) {
		if (pw_store_find(s, &cf.f, 0, collect, &l, &err) != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			goto out;
		}
		if (l.n == 0) {
			fprintf(stderr, "pkiward revoke: the filter selects no certificate\n");
			rc = PW_EXIT_FINDINGS;
			goto out;
		}
	} else if (single) {
		if (!list_push(&l, cf.f.sha256)) {
			fprintf(stderr, "pkiward revoke: out of memory\n");
			goto out;
		}
	}

	if (dry) {
		struct dry d = {.json = json, .arr = json ? json_array() : NULL};
		for (size_t i = 0; i < l.n; i++) {
			struct pw_store_filter f;
			memset(&f, 0, sizeof f);
			f.has_sha256 = 1;
			memcpy(f.sha256, l.v + 32 * i, 32);
			d.found = 0;
			if (pw_store_find(s, &f, 0, dry_row, &d, &err) != PW_OK) {
				pw_cli_print_error("revoke", path, &err);
				json_decref(d.arr);
				goto out;
			}
			if (!d.found) {
				char hex[65];
				pw_hex_encode(l.v + 32 * i, 32, hex);
				d.missing++;
				if (json) {
					json_t *o = json_object();
					json_object_set_new(o, "sha256", json_string(hex));
					json_object_set_new(o, "state", json_string("not-in-store"));
					json_array_append_new(d.arr, o);
				} else {
					printf("%s  %-14s  not-in-store\n", hex, "-");
				}
			}
		}
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "dry_run", json_true());
			json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(has_reason, reason_code)));
			json_object_set_new(o, "would_revoke", json_integer((json_int_t)d.would));
			json_object_set_new(o, "already_revoked", json_integer((json_int_t)d.already));
			json_object_set_new(o, "not_in_store", json_integer((json_int_t)d.missing));
			json_object_set_new(o, "items", d.arr);
			print_json(o);
		} else {
			fprintf(stderr,
			        "dry run: %llu would be revoked (%s; twins too), %llu already revoked, %llu "
			        "not in the store; nothing was changed\n",
			        (unsigned long long)d.would, pw_revoke_reason_name(has_reason, reason_code),
			        (unsigned long long)d.already, (unsigned long long)d.missing);
		}
		rc = d.missing > 0 ? PW_EXIT_FINDINGS : PW_EXIT_OK;
		goto out;
	}

	if (single) {
		struct pw_revoke_request req = {.has_reason = has_reason, .reason = reason_code,
		                                .actor = actor};
		struct pw_revoke_result res;
		if (pw_revoke_cert(s, l.v, &req, &res, &err) != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			rc = err.status == PW_ERR_NOTFOUND ? PW_EXIT_FINDINGS : PW_EXIT_USAGE;
			goto out;
		}
		json_t *arr = json ? json_array() : NULL;
		for (size_t i = 0; i < res.n; i++)
			print_item(&res.v[i], json, arr);
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "items", arr);
			print_json(o);
		}
		rc = PW_EXIT_OK;
		goto out;
	}

	char source[PW_STORE_EVENT_MAX_TEXT];
	snprintf(source, sizeof source, "%s%.200s", csv ? "csv:" : "find", csv ? csv : "");
	struct pw_revoke_bulk b = {
		.sha256s = l.v, .n = l.n, .source = source, .has_reason = has_reason,
		.reason = reason_code, .actor = actor, .batch = batch,
		.progress = json ? NULL : progress,
	};
	struct pw_revoke_bulk_result res;
	enum pw_status st = pw_revoke_bulk_run(s, &b, &res, &err);
	pw_cli_progress_end();
	if (st != PW_OK) {
		pw_cli_print_error("revoke", path, &err);
		goto out;
	}
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "job", json_integer(res.job_id));
		json_object_set_new(o, "resumed", json_boolean(res.resumed));
		json_object_set_new(o, "already_finished", json_boolean(res.was_finished));
		json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(has_reason, reason_code)));
		json_object_set_new(o, "total", json_integer((json_int_t)res.total));
		json_object_set_new(o, "done_before", json_integer((json_int_t)res.done_before));
		json_object_set_new(o, "revoked", json_integer((json_int_t)res.revoked));
		json_object_set_new(o, "upgraded", json_integer((json_int_t)res.upgraded));
		json_object_set_new(o, "already_revoked", json_integer((json_int_t)res.already));
		json_object_set_new(o, "not_in_store", json_integer((json_int_t)res.missing));
		json_object_set_new(o, "twins", json_integer((json_int_t)res.twins));
		print_json(o);
	} else if (res.was_finished) {
		printf("job %lld: this list was revoked already (%llu items); nothing changed\n",
		       (long long)res.job_id, (unsigned long long)res.total);
	} else {
		printf("job %lld%s: %llu items: %llu revoked, %llu upgraded to keyCompromise, %llu "
		       "already revoked, %llu not in the store, %llu twins revoked with them%s\n",
		       (long long)res.job_id, res.resumed ? " (resumed)" : "",
		       (unsigned long long)res.total, (unsigned long long)res.revoked,
		       (unsigned long long)res.upgraded, (unsigned long long)res.already,
		       (unsigned long long)res.missing, (unsigned long long)res.twins,
		       res.done_before ? " (earlier runs did the rest)" : "");
	}
	rc = res.missing > 0 ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	pw_store_close(s);
	free(l.v);
	return rc;
}
