/* pkiward lint: lint certificates, precertificates, unsigned TBS
 * certificates and CRLs against their profile (BR 7.1.2, EVG 9, RFC 5280).
 *
 * Inputs: files (PEM bundles, one or several concatenated DER objects),
 * directories (recursive, sorted, symlinked directories not followed) and
 * "-" for stdin. Every object is linted on its own; a file that cannot be
 * read or holds no certificate/CRL gets its own verdict and the run goes on.
 *
 * Output formats:
 *   human (default)  per object a header and a table of findings (info,
 *                    warn, error, fatal) with citations;
 *   --json           zlint's shape {"<lint>": {"result": ..., "details": ...}}.
 *                    Exactly one object in the whole run: that object alone.
 *                    More than one: JSON Lines, one line per object, each also
 *                    carrying "file", "object" (1-based) and "profile"; an
 *                    input that could not be linted is a line
 *                    {"file": ..., "object": N?, "error": "..."};
 *   --format csv     one row per finding: file,object,type,profile,lint,
 *                    result,citation,details (RFC 4180 quoting).
 * Exit status: 0 no error/fatal, 1 some error or fatal result, 2 usage error
 * or an input that could not be read. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/cert.h"
#include "pkiward/lint.h"

int pw_cli_lint(int argc, char **argv);

/* Directory recursion depth limit (defends against pathological trees). */
#define LINT_MAX_DIR_DEPTH 64
/* Maximum number of names passed with --only. */
#define LINT_MAX_ONLY 1024
#define LINT_PATH_MAX 4096

enum out_format { FMT_HUMAN, FMT_JSON, FMT_CSV };

struct lint_run {
	enum out_format fmt;
	int force_tbs;
	int show_all;        /* human/csv: also pass rows */
	int include_na;      /* keep NA/NE rows */
	struct pw_lint_opts opts;
	struct pw_lint_results res;
	/* Totals. */
	size_t objects, files, errors, warnings, notices, fatals, input_errors, skipped;
	int json_lines;      /* more than one object: print JSON Lines */
	int exit_findings;   /* some error/fatal */
	int exit_input;      /* some unreadable input */
	/* JSON single-object mode: the document is held until the run ends, so
	 * that a second object can switch the run to JSON Lines. */
	char *held_json;     /* zlint shape */
	char *held_line;     /* with file/object/profile, for JSON Lines */
	int have_held;
};

static void lint_usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward lint [--profile P] [--tbs] [--json | --format human|json|csv]\n"
	        "                    [--only LINT[,LINT...]] [--all] [--include-na]\n"
	        "                    [--issuer FILE] [--now DATE] INPUT...\n"
	        "       pkiward lint --list [--json]\n"
	        "  INPUT: PEM bundle, DER file (one or several objects), directory (recursive)\n"
	        "         or - for stdin. Certificates, precertificates, TBS certificates\n"
	        "         (PEM \"TBS CERTIFICATE\" or --tbs) and CRLs.\n"
	        "  --profile: auto (default; detected from policy OIDs, EKU and basicConstraints),\n"
	        "         dv, ov, iv, ev, subscriber, subordinate-ca, root, precert-signing-ca,\n"
	        "         ocsp-responder, non-tls.\n"
	        "  --json: zlint's JSON; one object for one input object, otherwise JSON Lines\n"
	        "         with \"file\", \"object\" and \"profile\" keys on every line.\n"
	        "  exit: 0 clean, 1 an error or fatal result, 2 usage error or unreadable input.\n");
}

static int is_finding(enum pw_lint_status s)
{
	return s == PW_LINT_NOTICE || s == PW_LINT_WARN || s == PW_LINT_ERROR || s == PW_LINT_FATAL;
}

static const char *kind_name(enum pw_object_type t, const struct pw_lint_results *r, int tbs)
{
	if (t == PW_OBJ_UNKNOWN)
		return "ocsp"; /* the only unlabelled object linted besides the above */
	if (t == PW_OBJ_CRL)
		return "crl";
	if (tbs)
		return "tbs";
	/* A precertificate is linted as the certificate it promises (BR
	 * 7.1.2.9); say which one it was. */
	return !r->parse_failed && r->kind == PW_KIND_PRECERT ? "precertificate" : "certificate";
}

/* A raw DER object that parses as an OCSPResponse (RFC 6960 §4.2.1). */
static int is_ocsp_response(const struct pw_object *o)
{
	struct pw_ocsp_resp r;
	struct pw_error e;
	pw_ocsp_resp_init(&r);
	int ok = pw_ocsp_resp_parse(&r, o->der, o->der_len, &e) == PW_OK;
	pw_ocsp_resp_cleanup(&r);
	return ok;
}

/* ---- JSON ---- */

static void json_flush_held(struct lint_run *run, int as_line)
{
	if (!run->have_held)
		return;
	printf("%s\n", as_line ? run->held_line : run->held_json);
	free(run->held_json);
	free(run->held_line);
	run->held_json = NULL;
	run->held_line = NULL;
	run->have_held = 0;
}

/* Emits one JSON document for an object. The first object is held back in
 * both forms; when a second object (or an input error) arrives, the run
 * becomes JSON Lines and the held one is printed in its line form. */
static void json_emit(struct lint_run *run, const char *file, size_t object)
{
	if (!run->json_lines && !run->have_held && run->objects == 1) {
		run->held_json = pw_lint_results_to_json(&run->res, NULL, 0);
		run->held_line = pw_lint_results_to_json(&run->res, file, object);
		if (run->held_json == NULL || run->held_line == NULL) {
			fprintf(stderr, "pkiward lint: out of memory\n");
			run->exit_input = 1;
			return;
		}
		run->have_held = 1;
		return;
	}
	if (!run->json_lines) {
		run->json_lines = 1;
		json_flush_held(run, 1);
	}
	char *s = pw_lint_results_to_json(&run->res, file, object);
	if (s == NULL) {
		fprintf(stderr, "pkiward lint: out of memory\n");
		run->exit_input = 1;
		return;
	}
	printf("%s\n", s);
	free(s);
}

static void json_emit_error(struct lint_run *run, const char *file, size_t object, const char *msg)
{
	if (!run->json_lines) {
		run->json_lines = 1;
		json_flush_held(run, 1);
	}
	json_t *o = json_object();
	if (o == NULL)
		return;
	json_object_set_new(o, "file", json_string(file));
	if (object > 0)
		json_object_set_new(o, "object", json_integer((json_int_t)object));
	json_object_set_new(o, "error", json_string(msg));
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

/* ---- human / CSV ---- */

static void human_emit(struct lint_run *run, const char *file, size_t object, const char *kind,
                       enum pw_lint_profile asked)
{
	size_t nf = 0, npass = 0;
	for (size_t i = 0; i < run->res.n; i++) {
		if (is_finding(run->res.v[i].status))
			nf++;
		else if (run->res.v[i].status == PW_LINT_PASS)
			npass++;
	}
	printf("%s: object %zu (%s", file, object, kind);
	if (strcmp(kind, "crl") != 0 && !run->res.parse_failed)
		printf(", profile %s%s", pw_lint_profile_str(run->res.profile),
		       asked == PW_PROFILE_AUTO ? " [detected]" : "");
	printf("): ");
	if (nf == 0) {
		printf("no findings (%zu lints passed)\n", npass);
		if (!run->show_all && !run->include_na)
			return;
	} else {
		printf("%zu finding%s, %zu lints passed\n", nf, nf == 1 ? "" : "s", npass);
	}
	for (size_t i = 0; i < run->res.n; i++) {
		const struct pw_lint_result *r = &run->res.v[i];
		if (!is_finding(r->status) && !run->show_all &&
		    !(run->include_na && (r->status == PW_LINT_NA || r->status == PW_LINT_NE)))
			continue;
		printf("  %-5s  %-52s  %-22s  %s\n", pw_lint_status_str(r->status), r->def->name,
		       r->def->citation != NULL ? r->def->citation : "", r->details);
	}
}

static void csv_emit(struct lint_run *run, const char *file, size_t object, const char *kind)
{
	char obj[32];
	snprintf(obj, sizeof obj, "%zu", object);
	for (size_t i = 0; i < run->res.n; i++) {
		const struct pw_lint_result *r = &run->res.v[i];
		if (!is_finding(r->status) && !run->show_all)
			continue;
		pw_cli_csv_field(stdout, file);
		putchar(',');
		pw_cli_csv_field(stdout, obj);
		putchar(',');
		pw_cli_csv_field(stdout, kind);
		putchar(',');
		pw_cli_csv_field(stdout, pw_lint_profile_str(run->res.profile));
		putchar(',');
		pw_cli_csv_field(stdout, r->def->name);
		putchar(',');
		pw_cli_csv_field(stdout, pw_lint_status_str(r->status));
		putchar(',');
		pw_cli_csv_field(stdout, r->def->citation != NULL ? r->def->citation : "");
		putchar(',');
		pw_cli_csv_field(stdout, r->details);
		putchar('\n');
	}
}

/* An input (or one object of it) that could not be linted at all. */
static void input_error(struct lint_run *run, const char *file, size_t object, const char *msg,
                        int unreadable)
{
	if (unreadable) {
		run->input_errors++;
		run->exit_input = 1;
	} else {
		run->skipped++;
	}
	if (run->fmt == FMT_JSON) {
		json_emit_error(run, file, object, msg);
		return;
	}
	if (object > 0)
		fprintf(stderr, "pkiward lint: %s: object %zu: %s\n", file, object, msg);
	else
		fprintf(stderr, "pkiward lint: %s: %s\n", file, msg);
}

static void tally(struct lint_run *run)
{
	for (size_t i = 0; i < run->res.n; i++) {
		switch (run->res.v[i].status) {
		case PW_LINT_NOTICE: run->notices++; break;
		case PW_LINT_WARN: run->warnings++; break;
		case PW_LINT_ERROR: run->errors++; run->exit_findings = 1; break;
		case PW_LINT_FATAL: run->fatals++; run->exit_findings = 1; break;
		default: break;
		}
	}
}

static void emit(struct lint_run *run, const char *file, size_t object, const char *kind)
{
	tally(run);
	switch (run->fmt) {
	case FMT_JSON: json_emit(run, file, object); break;
	case FMT_CSV: csv_emit(run, file, object, kind); break;
	case FMT_HUMAN: human_emit(run, file, object, kind, run->opts.profile); break;
	}
}

/* Lints every object in one buffer. */
static void lint_buffer(struct lint_run *run, const char *file, const uint8_t *buf, size_t len)
{
	struct pw_objects objs = {0};
	struct pw_error err;
	char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 64];

	run->files++;
	pw_error_clear(&err);
	enum pw_status st = pw_objects_read(buf, len, &objs, &err);
	for (size_t i = 0; i < objs.n; i++) {
		const struct pw_object *o = &objs.v[i];
		size_t index = i + 1;
		enum pw_status lst;
		struct pw_error lerr;
		int tbs = run->force_tbs || o->type == PW_OBJ_TBS;
		pw_error_clear(&lerr);
		if (o->type == PW_OBJ_CRL) {
			lst = pw_lint_crl(o->der, o->der_len, &run->opts, &run->res, &lerr);
		} else if (tbs) {
			lst = pw_lint_tbs(o->der, o->der_len, &run->opts, &run->res, &lerr);
		} else if (o->type == PW_OBJ_CERTIFICATE) {
			lst = pw_lint_cert(o->der, o->der_len, &run->opts, &run->res, &lerr);
		} else if (o->type == PW_OBJ_UNKNOWN && o->label[0] == '\0' && is_ocsp_response(o)) {
			lst = pw_lint_ocsp(o->der, o->der_len, &run->opts, &run->res, &lerr);
		} else {
			snprintf(msg, sizeof msg, "skipped: %s%s%s is not a certificate, TBS or CRL",
			         o->label[0] ? "PEM block \"" : "DER object",
			         o->label[0] ? o->label : "", o->label[0] ? "\"" : "");
			input_error(run, file, index, msg, 0);
			continue;
		}
		if (lst != PW_OK) {
			input_error(run, file, index, pw_error_format(&lerr, msg, sizeof msg), 1);
			continue;
		}
		run->objects++;
		emit(run, file, index, kind_name(o->type, &run->res, tbs));
	}
	if (st != PW_OK || objs.n == 0) {
		/* Junk or damaged armour: a fatal verdict for this input, like a
		 * certificate that fails strict DER. */
		if (st != PW_OK)
			pw_error_format(&err, msg, sizeof msg);
		else
			snprintf(msg, sizeof msg, "no certificate, TBS certificate or CRL found");
		run->fatals++;
		run->exit_findings = 1;
		if (run->fmt == FMT_JSON) {
			json_emit_error(run, file, objs.n + (st != PW_OK), msg);
		} else if (run->fmt == FMT_CSV) {
			char obj[32];
			snprintf(obj, sizeof obj, "%zu", objs.n + (st != PW_OK));
			pw_cli_csv_field(stdout, file);
			printf(",%s,,,e_pkiward_der_strict,fatal,", obj);
			pw_cli_csv_field(stdout, "RFC 5280 §4.1; X.690 §10");
			putchar(',');
			pw_cli_csv_field(stdout, msg);
			putchar('\n');
		} else {
			printf("%s: fatal: %s\n", file, msg);
		}
	}
	pw_objects_free(&objs);
}

static void lint_path(struct lint_run *run, const char *path, int depth);

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void lint_dir(struct lint_run *run, const char *path, int depth)
{
	struct dirent **names = NULL;
	char child[LINT_PATH_MAX];
	if (depth >= LINT_MAX_DIR_DEPTH) {
		input_error(run, path, 0, "directory nesting too deep; not descending", 1);
		return;
	}
	int n = scandir(path, &names, NULL, name_cmp);
	if (n < 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
		input_error(run, path, 0, msg, 1);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
			int w = snprintf(child, sizeof child, "%s%s%s", path,
			                 path[strlen(path) - 1] == '/' ? "" : "/", nm);
			if (w < 0 || (size_t)w >= sizeof child)
				input_error(run, nm, 0, "path too long", 1);
			else
				lint_path(run, child, depth + 1);
		}
		free(names[i]);
	}
	free(names);
}

static void lint_path(struct lint_run *run, const char *path, int depth)
{
	struct stat sb, lsb;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct pw_error err;

	if (strcmp(path, "-") != 0) {
		if (stat(path, &sb) != 0) {
			char msg[256];
			snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
			input_error(run, path, 0, msg, 1);
			return;
		}
		if (S_ISDIR(sb.st_mode)) {
			/* Do not follow symlinked directories below the top level: a
			 * link to an ancestor would loop. */
			if (depth > 0 && lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode))
				return;
			lint_dir(run, path, depth);
			return;
		}
		if (!S_ISREG(sb.st_mode) && depth > 0)
			return; /* sockets, fifos ... found while walking */
	}
	pw_error_clear(&err);
	if (pw_cli_read_file(path, PW_CLI_MAX_INPUT_FILE, &buf, &len, &err) != PW_OK) {
		char msg[512];
		input_error(run, path, 0, pw_error_format(&err, msg, sizeof msg), 1);
		return;
	}
	lint_buffer(run, strcmp(path, "-") == 0 ? "<stdin>" : path, buf, len);
	free(buf);
}

/* ---- --list ---- */

static int list_catalog(int json)
{
	if (json) {
		char *s = pw_lint_catalog_to_json();
		if (s == NULL) {
			fprintf(stderr, "pkiward lint: out of memory\n");
			return PW_EXIT_USAGE;
		}
		printf("%s\n", s);
		free(s);
		return PW_EXIT_OK;
	}
	size_t n = pw_lint_count();
	printf("%-52s %-6s %-26s %-11s %-11s %-11s %s\n", "LINT", "SEV", "SOURCE", "TARGET",
	       "EFFECTIVE", "INEFFECTIVE", "CITATION");
	for (size_t i = 0; i < n; i++) {
		const struct pw_lint_def *d = pw_lint_get0(i);
		int eff = d->effective != NULL && d->effective[0] && strcmp(d->effective, "0000-01-01");
		printf("%-52s %-6s %-26s %-11s %-11s %-11s %s\n", d->name,
		       pw_lint_status_str(d->severity), pw_lint_source_str(d->source),
		       pw_lint_target_str(d->target), eff ? d->effective : "-",
		       d->ineffective != NULL && d->ineffective[0] ? d->ineffective : "-",
		       d->citation != NULL ? d->citation : "");
	}
	printf("%zu lints\n", n);
	return PW_EXIT_OK;
}

/* Splits comma-separated --only values into a NULL-terminated list. */
static int add_only(char *arg, const char **only, size_t *n)
{
	for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (*n + 1 >= LINT_MAX_ONLY)
			return 0;
		if (pw_lint_find(tok) == NULL) {
			fprintf(stderr, "pkiward lint: --only: unknown lint '%s' (see pkiward lint --list)\n",
			        tok);
			return 0;
		}
		only[(*n)++] = tok;
		only[*n] = NULL;
	}
	return 1;
}

static int load_issuer(const char *path, uint8_t **buf, struct pw_cert *issuer)
{
	size_t len = 0;
	struct pw_error err;
	struct pw_objects objs = {0};
	int ok = 0;
	pw_error_clear(&err);
	if (pw_cli_read_file(path, PW_CLI_MAX_INPUT_FILE, buf, &len, &err) != PW_OK ||
	    pw_objects_read(*buf, len, &objs, &err) != PW_OK) {
		pw_cli_print_error("lint", path, &err);
		goto out;
	}
	for (size_t i = 0; i < objs.n && !ok; i++) {
		if (objs.v[i].type != PW_OBJ_CERTIFICATE)
			continue;
		/* Keep the DER alive: hand the object's buffer to the caller. */
		uint8_t *der = objs.v[i].der;
		size_t dlen = objs.v[i].der_len;
		uint8_t *copy = malloc(dlen ? dlen : 1);
		if (copy == NULL)
			goto out;
		memcpy(copy, der, dlen);
		free(*buf);
		*buf = copy;
		if (pw_cert_parse(issuer, copy, dlen, &err) != PW_OK) {
			pw_cli_print_error("lint", path, &err);
			goto out;
		}
		ok = 1;
	}
	if (!ok)
		fprintf(stderr, "pkiward lint: %s: --issuer: no certificate found\n", path);
out:
	pw_objects_free(&objs);
	return ok;
}

int pw_cli_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"tbs", no_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"format", required_argument, NULL, 'f'},
		{"list", no_argument, NULL, 'l'},
		{"only", required_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{"include-na", no_argument, NULL, 'n'},
		{"issuer", required_argument, NULL, 'i'},
		{"now", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct lint_run run;
	const char **only = NULL;
	size_t n_only = 0;
	int list = 0, rc = PW_EXIT_USAGE, c;
	const char *issuer_path = NULL;
	uint8_t *issuer_buf = NULL;
	struct pw_cert issuer;

	memset(&run, 0, sizeof run);
	pw_lint_results_init(&run.res);
	pw_cert_init(&issuer);
	only = calloc(LINT_MAX_ONLY, sizeof *only);
	if (only == NULL) {
		fprintf(stderr, "pkiward lint: out of memory\n");
		goto out;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!pw_lint_profile_parse(optarg, &run.opts.profile)) {
				fprintf(stderr, "pkiward lint: unknown profile '%s'\n", optarg);
				lint_usage(stderr);
				goto out;
			}
			break;
		case 't': run.force_tbs = 1; break;
		case 'j': run.fmt = FMT_JSON; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				run.fmt = FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				run.fmt = FMT_CSV;
			else if (strcmp(optarg, "human") == 0 || strcmp(optarg, "text") == 0)
				run.fmt = FMT_HUMAN;
			else {
				fprintf(stderr, "pkiward lint: unknown format '%s' (human, json, csv)\n",
				        optarg);
				goto out;
			}
			break;
		case 'l': list = 1; break;
		case 'o':
			if (!add_only(optarg, only, &n_only))
				goto out;
			break;
		case 'a': run.show_all = 1; break;
		case 'n': run.include_na = 1; break;
		case 'i': issuer_path = optarg; break;
		case 'w':
			if (!pw_cli_parse_time(optarg, &run.opts.now)) {
				fprintf(stderr, "pkiward lint: --now: cannot parse '%s'\n", optarg);
				goto out;
			}
			break;
		case 'h': lint_usage(stdout); rc = PW_EXIT_OK; goto out;
		default: lint_usage(stderr); goto out;
		}
	}
	if (pw_lint_count() == 0) {
		fprintf(stderr, "pkiward lint: no lints registered\n");
		goto out;
	}
	if (list) {
		rc = list_catalog(run.fmt == FMT_JSON);
		goto out;
	}
	if (optind >= argc) {
		lint_usage(stderr);
		goto out;
	}
	if (issuer_path != NULL) {
		if (!load_issuer(issuer_path, &issuer_buf, &issuer))
			goto out;
		run.opts.issuer = &issuer;
	}
	run.opts.only = n_only > 0 ? only : NULL;
	/* zlint's JSON lists every lint, NA and NE included. */
	run.opts.include_na = run.include_na || run.fmt == FMT_JSON;
	if (run.fmt == FMT_CSV)
		printf("file,object,type,profile,lint,result,citation,details\n");
	for (int i = optind; i < argc; i++)
		lint_path(&run, argv[i], 0);
	if (run.fmt == FMT_JSON)
		json_flush_held(&run, run.json_lines);
	if (run.fmt == FMT_HUMAN)
		printf("%zu object%s in %zu input%s: %zu fatal, %zu error, %zu warn, %zu info"
		       "%s%.0zu%s%s\n",
		       run.objects, run.objects == 1 ? "" : "s", run.files, run.files == 1 ? "" : "s",
		       run.fatals, run.errors, run.warnings, run.notices,
		       run.skipped ? "; " : "", run.skipped, run.skipped ? " skipped (not a certificate, "
		                                                           "TBS or CRL)" : "",
		       run.input_errors ? "; some inputs could not be read" : "");
	rc = run.exit_input ? PW_EXIT_USAGE : run.exit_findings ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	pw_cert_cleanup(&issuer);
	free(issuer_buf);
	free(only);
	free(run.held_json);
	free(run.held_line);
	pw_lint_results_cleanup(&run.res);
	return rc;
}
