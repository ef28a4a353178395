/* OCSP response linting (RFC 6960): the zlint corpus responses, and a
 * malformed response becoming one fatal result with its offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkiward/lint.h"

static uint8_t *read_corpus(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/zlint/testdata/%s", PW_CORPUS_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(1 << 16);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static const struct pw_lint_result *find(const struct pw_lint_results *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].def->name, name) == 0)
			return &r->v[i];
	return NULL;
}

static enum pw_lint_status lint_file(const char *name, size_t cut, struct pw_lint_results *res)
{
	size_t len;
	uint8_t *der = read_corpus(name, &len);
	struct pw_lint_opts opts;
	struct pw_error err;
	memset(&opts, 0, sizeof opts);
	opts.include_na = 1;
	assert_int_equal(pw_lint_ocsp(der, len - cut, &opts, res, &err), PW_OK);
	free(der);
	const struct pw_lint_result *r = find(res, cut ? "e_pkiward_ocsp_der_strict"
	                                               : "e_this_update_not_after_produced_at");
	assert_non_null(r);
	return r->status;
}

static void test_this_update_after_produced_at(void **state)
{
	(void)state;
	struct pw_lint_results res;
	pw_lint_results_init(&res);
	assert_int_equal(lint_file("ocspThisUpdateAfterProducedAt.der", 0, &res), PW_LINT_ERROR);
	assert_non_null(strstr(find(&res, "e_this_update_not_after_produced_at")->details, "after producedAt"));
	assert_int_equal(lint_file("ocspThisUpdateNotAfterProducedAt.der", 0, &res), PW_LINT_PASS);
	pw_lint_results_cleanup(&res);
}

static void test_truncated_is_fatal(void **state)
{
	(void)state;
	struct pw_lint_results res;
	pw_lint_results_init(&res);
	assert_int_equal(lint_file("ocspThisUpdateAfterProducedAt.der", 7, &res), PW_LINT_FATAL);
	assert_true(res.fatal);
	assert_non_null(strstr(find(&res, "e_pkiward_ocsp_der_strict")->details, "byte"));
	pw_lint_results_cleanup(&res);
}

static void test_catalogue(void **state)
{
	(void)state;
	const struct pw_lint_def *d = pw_lint_find("e_this_update_not_after_produced_at");
	assert_non_null(d);
	assert_int_equal(d->target, PW_TARGET_OCSP);
	assert_int_equal(d->source, PW_SRC_RFC6960);
	assert_string_equal(d->effective, "2013-06-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_update_after_produced_at),
		cmocka_unit_test(test_truncated_is_fatal),
		cmocka_unit_test(test_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
