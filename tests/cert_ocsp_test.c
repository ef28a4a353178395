/* OCSP response model (RFC 6960 §4.2.1): real responses from the zlint
 * corpus, a bare error response, and malformed inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkiward/cert.h"

static uint8_t *read_all(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/zlint/testdata/%s", PW_CORPUS_DIR, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static uint8_t buf[1 << 16];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	uint8_t *copy = malloc(*len);
	memcpy(copy, buf, *len);
	return copy;
}

static void test_this_update_after_produced_at(void **state)
{
	(void)state;
	size_t len;
	uint8_t *der = read_all("ocspThisUpdateAfterProducedAt.der", &len);
	struct pw_ocsp_resp r;
	struct pw_error err;
	pw_ocsp_resp_init(&r);
	assert_int_equal(pw_ocsp_resp_parse(&r, der, len, &err), PW_OK);
	assert_int_equal(r.status, PW_OCSP_SUCCESSFUL);
	assert_true(r.has_basic);
	assert_int_equal(r.n_responses, 1);
	/* producedAt 2025-02-04T15:28:00Z; thisUpdate about an hour later. */
	assert_int_equal(r.produced_at, 1738682880);
	assert_true(r.responses[0].this_update > r.produced_at);
	assert_true(r.tbs.len > 0 && r.sig_value.len > 0);
	pw_ocsp_resp_cleanup(&r);
	free(der);
}

static void test_this_update_before_produced_at(void **state)
{
	(void)state;
	size_t len;
	uint8_t *der = read_all("ocspThisUpdateNotAfterProducedAt.der", &len);
	struct pw_ocsp_resp r;
	struct pw_error err;
	pw_ocsp_resp_init(&r);
	assert_int_equal(pw_ocsp_resp_parse(&r, der, len, &err), PW_OK);
	assert_true(r.responses[0].this_update <= r.produced_at);
	pw_ocsp_resp_cleanup(&r);
	free(der);
}

static void test_error_response(void **state)
{
	(void)state;
	/* OCSPResponse { responseStatus unauthorized(6) } without responseBytes. */
	static const uint8_t der[] = {0x30, 0x03, 0x0a, 0x01, 0x06};
	struct pw_ocsp_resp r;
	struct pw_error err;
	pw_ocsp_resp_init(&r);
	assert_int_equal(pw_ocsp_resp_parse(&r, der, sizeof der, &err), PW_OK);
	assert_int_equal(r.status, PW_OCSP_UNAUTHORIZED);
	assert_false(r.has_basic);
	pw_ocsp_resp_cleanup(&r);
}

static void test_malformed(void **state)
{
	(void)state;
	size_t len;
	uint8_t *der = read_all("ocspThisUpdateAfterProducedAt.der", &len);
	struct pw_ocsp_resp r;
	struct pw_error err;
	pw_ocsp_resp_init(&r);
	/* Truncated: the outer length runs past the input. */
	assert_int_not_equal(pw_ocsp_resp_parse(&r, der, len - 1, &err), PW_OK);
	assert_int_equal(err.status, PW_ERR_DER);
	assert_true(err.has_offset);
	/* Trailing bytes after the response. */
	uint8_t *longer = malloc(len + 1);
	memcpy(longer, der, len);
	longer[len] = 0;
	assert_int_not_equal(pw_ocsp_resp_parse(&r, longer, len + 1, &err), PW_OK);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, len);
	/* An unknown certStatus choice deep inside: flip [0] good (0x80) to [3]. */
	int flipped = 0;
	for (size_t i = 0; i + 1 < len && !flipped; i++)
		if (der[i] == 0x80 && der[i + 1] == 0x00) {
			flipped = 1;
			memcpy(longer, der, len);
			longer[i] = 0x83;
			assert_int_not_equal(pw_ocsp_resp_parse(&r, longer, len, &err), PW_OK);
			assert_string_equal(err.field, "singleResponse.certStatus");
			assert_int_equal(err.offset, i + 2);
		}
	assert_true(flipped);
	pw_ocsp_resp_cleanup(&r);
	free(longer);
	free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_update_after_produced_at),
		cmocka_unit_test(test_this_update_before_produced_at),
		cmocka_unit_test(test_error_response),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
