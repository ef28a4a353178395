/* Conformance of pkiward's lints with zlint's expectations.
 *
 * Reads $PW_CORPUS_DIR/zlint/lints.tsv (every zlint lint: source, scope) and
 * expected.tsv (lint, file, expected status, usable). For every usable row
 * whose lint pkiward implements (same name in the registry), lints the file
 * with only that lint, NA/NE kept, and compares the status with zlint's.
 *
 * Prints, per zlint source: rows agreed / usable rows (implemented lints
 * only) and lints implemented / lints of that source in scope tls; then the
 * totals, "lints implemented / 361 in scope tls"; and every disagreement
 * (lint, file, expected, got, details). Fails on any disagreement.
 *
 * Environment: PW_LINT_FILTER=<POSIX extended regex> restricts the run to
 * lint names that match (helpers use it to check their own families);
 * PW_LINT_VERBOSE=1 also prints agreeing rows. */
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkiward/cert.h"
#include "pkiward/lint.h"

#define TSV_MAX_LINE 4096
#define TSV_MAX_ROWS 10000
#define MAX_SOURCES 32
#define MAX_INPUT_FILE (8u << 20)

struct lint_row {
	char name[128];
	char kind[32];
	char source[64];
	char scope[32];
};

struct source_stat {
	char name[64];
	size_t tls_lints, implemented, rows, agreed;
};

/* Splits a TSV line in place into at most max fields; returns the count. */
/* Copies a TSV field, truncating to fit (the corpus fields are short; a
 * longer one would simply not match any lint name). */
static void copy_field(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static size_t split_tsv(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = p;
		char *tab = strchr(p, '\t');
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static int read_whole(const char *path, uint8_t **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0;
	int ok = 0;
	if (f == NULL)
		return 0;
	long size;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || (size_t)size >= MAX_INPUT_FILE ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)size + 1);
	if (buf == NULL)
		goto out;
	len = fread(buf, 1, (size_t)size, f);
	if (ferror(f) || len != (size_t)size)
		goto out;
	*out = buf;
	*out_len = len;
	buf = NULL;
	ok = 1;
out:
	free(buf);
	fclose(f);
	return ok;
}

static struct source_stat *stat_for(struct source_stat *stats, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(stats[i].name, name) == 0)
			return &stats[i];
	if (*n == MAX_SOURCES)
		return NULL;
	struct source_stat *s = &stats[(*n)++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	return s;
}

/* Lints the first object of `path` with the single lint `name`; writes the
 * status text into got and the details into details. */
/* What a lints.tsv row lints (its "kind" column). */
enum row_kind { ROW_CERT, ROW_CRL, ROW_OCSP };

static void lint_one(const char *path, const char *name, enum row_kind kind, char *got, size_t got_len,
                     char *details, size_t details_len, struct pw_lint_results *res)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct pw_objects objs = {0};
	struct pw_error err;
	const char *only[2] = {name, NULL};
	struct pw_lint_opts opts;

	snprintf(details, details_len, "%s", "");
	memset(&opts, 0, sizeof opts);
	opts.only = only;
	opts.include_na = 1;
	if (!read_whole(path, &buf, &len)) {
		snprintf(got, got_len, "unreadable");
		goto out;
	}
	pw_error_clear(&err);
	if (pw_objects_read(buf, len, &objs, &err) != PW_OK || objs.n == 0) {
		char e[PW_ERROR_MSG_MAX + 128];
		snprintf(got, got_len, "no-object");
		snprintf(details, details_len, "%s", pw_error_format(&err, e, sizeof e));
		goto out;
	}
	enum pw_status st;
	const struct pw_object *o = &objs.v[0];
	if (kind == ROW_OCSP)
		st = pw_lint_ocsp(o->der, o->der_len, &opts, res, &err);
	else if (kind == ROW_CRL || o->type == PW_OBJ_CRL)
		st = pw_lint_crl(o->der, o->der_len, &opts, res, &err);
	else if (o->type == PW_OBJ_TBS)
		st = pw_lint_tbs(o->der, o->der_len, &opts, res, &err);
	else
		st = pw_lint_cert(o->der, o->der_len, &opts, res, &err);
	if (st != PW_OK) {
		char e[PW_ERROR_MSG_MAX + 128];
		snprintf(got, got_len, "engine-error");
		snprintf(details, details_len, "%s", pw_error_format(&err, e, sizeof e));
		goto out;
	}
	snprintf(got, got_len, "missing");
	for (size_t i = 0; i < res->n; i++) {
		if (strcmp(res->v[i].def->name, name) == 0 || res->parse_failed) {
			snprintf(got, got_len, "%s", pw_lint_status_str(res->v[i].status));
			snprintf(details, details_len, "%s%s", res->parse_failed ? "parse failed: " : "",
			         res->v[i].details);
			break;
		}
	}
out:
	pw_objects_free(&objs);
	free(buf);
}

static void test_zlint_conformance(void **state)
{
	(void)state;
	char path[4096], line[TSV_MAX_LINE];
	char *f[8];
	struct lint_row *lints = NULL;
	size_t n_lints = 0, tls_total = 0, tls_impl = 0;
	struct source_stat stats[MAX_SOURCES];
	size_t n_stats = 0, rows = 0, agreed = 0, disagreed = 0;
	const char *filter = getenv("PW_LINT_FILTER");
	int verbose = getenv("PW_LINT_VERBOSE") != NULL;
	regex_t re;
	int have_re = 0;
	FILE *in = NULL;
	struct pw_lint_results res;

	pw_lint_results_init(&res);
	if (filter != NULL && filter[0] != '\0') {
		int rc = regcomp(&re, filter, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char msg[256];
			regerror(rc, &re, msg, sizeof msg);
			fail_msg("PW_LINT_FILTER '%s': %s", filter, msg);
		}
		have_re = 1;
	}
	lints = calloc(TSV_MAX_ROWS, sizeof *lints);
	assert_non_null(lints);

	/* lints.tsv: lint kind source scope citation effective ineffective */
	snprintf(path, sizeof path, "%s/zlint/lints.tsv", PW_CORPUS_DIR);
	in = fopen(path, "r");
	if (in == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof line, in) != NULL) {
		size_t nf = split_tsv(line, f, 8);
		if (nf < 4 || strcmp(f[0], "lint") == 0 || n_lints == TSV_MAX_ROWS)
			continue;
		struct lint_row *r = &lints[n_lints++];
		copy_field(r->name, sizeof r->name, f[0]);
		copy_field(r->kind, sizeof r->kind, f[1]);
		copy_field(r->source, sizeof r->source, f[2]);
		copy_field(r->scope, sizeof r->scope, f[3]);
		if (strcmp(r->scope, "tls") != 0)
			continue;
		struct source_stat *s = stat_for(stats, &n_stats, r->source);
		assert_non_null(s);
		int in_filter = !have_re || regexec(&re, r->name, 0, NULL, 0) == 0;
		if (in_filter)
			s->tls_lints++, tls_total++;
		if (in_filter && pw_lint_find(r->name) != NULL)
			s->implemented++, tls_impl++;
	}
	fclose(in);

	/* expected.tsv: lint file expected usable */
	snprintf(path, sizeof path, "%s/zlint/expected.tsv", PW_CORPUS_DIR);
	in = fopen(path, "r");
	if (in == NULL)
		fail_msg("cannot open %s", path);
	printf("disagreements (lint, file, expected, got, details):\n");
	while (fgets(line, sizeof line, in) != NULL) {
		size_t nf = split_tsv(line, f, 8);
		if (nf < 4 || strcmp(f[0], "lint") == 0 || strcmp(f[3], "yes") != 0)
			continue;
		if (pw_lint_find(f[0]) == NULL)
			continue;
		if (have_re && regexec(&re, f[0], 0, NULL, 0) != 0)
			continue;
		const struct lint_row *lr = NULL;
		for (size_t i = 0; i < n_lints; i++)
			if (strcmp(lints[i].name, f[0]) == 0)
				lr = &lints[i];
		struct source_stat *s = stat_for(stats, &n_stats, lr != NULL ? lr->source : "unknown");
		assert_non_null(s);
		char got[32], details[PW_LINT_DETAILS_MAX + 64], file[4096];
		snprintf(file, sizeof file, "%s/zlint/testdata/%s", PW_CORPUS_DIR, f[1]);
		enum row_kind kind = ROW_CERT;
		if (lr != NULL && strcmp(lr->kind, "RevocationList") == 0)
			kind = ROW_CRL;
		else if (lr != NULL && strcmp(lr->kind, "OcspResponse") == 0)
			kind = ROW_OCSP;
		lint_one(file, f[0], kind, got,
		         sizeof got, details, sizeof details, &res);
		rows++;
		s->rows++;
		if (strcmp(got, f[2]) == 0) {
			agreed++;
			s->agreed++;
			if (verbose)
				printf("  ok   %s\t%s\t%s\n", f[0], f[1], got);
		} else {
			disagreed++;
			printf("  DIFF %s\t%s\texpected=%s\tgot=%s\t%s\n", f[0], f[1], f[2], got, details);
		}
	}
	fclose(in);

	printf("\nper source (rows agreed / usable rows of implemented lints; "
	       "lints implemented / in scope tls):\n");
	for (size_t i = 0; i < n_stats; i++)
		printf("  %-28s rows %4zu / %-4zu  lints %3zu / %zu\n", stats[i].name, stats[i].agreed,
		       stats[i].rows, stats[i].implemented, stats[i].tls_lints);
	printf("total: rows agreed %zu / %zu usable; lints implemented %zu / %zu in scope tls%s\n",
	       agreed, rows, tls_impl, tls_total, have_re ? " (filtered)" : "");
	if (have_re)
		regfree(&re);
	free(lints);
	pw_lint_results_cleanup(&res);
	if (disagreed != 0)
		fail_msg("%zu disagreement(s) with zlint in implemented lints", disagreed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zlint_conformance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
