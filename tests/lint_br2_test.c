/* Unit tests of the br2_* lint families' own machinery: calendar arithmetic
 * (BR 6.3.2 month counting), IP parsing and reserved ranges (BR 7.1.4.2.1),
 * ISO 3166 codes, Public Suffix splitting, and the RSA key maths lints
 * (BR 6.1.6 small factors, Fermat factorization) on keys built here with
 * known structure. The zlint corpus conformance is lint_zlint_test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "br2_util.h"
#include "pkiward/lint.h"

/* Size of the test primes (the products are 1024-bit moduli). */
#define TEST_PRIME_BITS 512
#define TEST_MODULUS_MAX 512

static void test_add_date(void **state)
{
	(void)state;
	/* Jan 31 + 1 month overflows into March (2016 is a leap year). */
	assert_int_equal(br2_add_date(br2_date(2016, 1, 31), 0, 1, 0), br2_date(2016, 3, 2));
	assert_int_equal(br2_add_date(br2_date(2015, 1, 31), 0, 1, 0), br2_date(2015, 3, 3));
	assert_int_equal(br2_add_date(br2_date(2016, 7, 2), 0, 39, 0), br2_date(2019, 10, 2));
	assert_int_equal(br2_add_date(br2_date(2018, 3, 2), 0, 0, 825), br2_date(2020, 6, 4));
	assert_int_equal(br2_date(1970, 1, 1), 0);
	assert_int_equal(br2_date(1969, 12, 31), -86400);
	/* Agrees with the C library's normalisation over a wide range of
	 * instants (1901-2199) and offsets, including leap days and times of day. */
	for (int64_t t = -2147483648LL; t < 7258118400LL; t += 86400LL * 97 + 3917) {
		for (int months = 0; months <= 40; months += 13) {
			time_t tt = (time_t)t;
			struct tm tm;
			assert_non_null(gmtime_r(&tt, &tm));
			tm.tm_mon += months;
			tm.tm_mday += 825;
			assert_int_equal(br2_add_date(t, 0, months, 825), (int64_t)timegm(&tm));
		}
	}
}

static void test_ip(void **state)
{
	uint8_t ip[16];
	char text[64];
	(void)state;
	assert_int_equal(br2_parse_ip("10.0.0.1", 8, ip), 4);
	assert_true(br2_ip_is_reserved(ip));
	assert_int_equal(br2_parse_ip("8.8.8.8", 7, ip), 4);
	assert_false(br2_ip_is_reserved(ip));
	br2_format_ip(ip, 16, text, sizeof text);
	assert_string_equal(text, "8.8.8.8");
	assert_int_equal(br2_parse_ip("2001:db8::1", 11, ip), 6);
	assert_true(br2_ip_is_reserved(ip));
	assert_int_equal(br2_parse_ip("2606:4700::1111", 15, ip), 6);
	assert_false(br2_ip_is_reserved(ip));
	br2_format_ip(ip, 16, text, sizeof text);
	assert_string_equal(text, "2606:4700::1111");
	assert_int_equal(br2_parse_ip("::1", 3, ip), 6);
	assert_true(br2_ip_is_reserved(ip));
	assert_int_equal(br2_parse_ip("169.254.1.1", 11, ip), 4);
	assert_true(br2_ip_is_reserved(ip));
	/* Not addresses: leading zeros, a host name, an embedded NUL. */
	assert_int_equal(br2_parse_ip("010.0.0.1", 9, ip), 0);
	assert_int_equal(br2_parse_ip("example.com", 11, ip), 0);
	assert_int_equal(br2_parse_ip("1.2.3.4\0", 8, ip), 0);
}

static void test_country(void **state)
{
	(void)state;
	assert_true(br2_is_iso_country((const uint8_t *)"DE", 2));
	assert_true(br2_is_iso_country((const uint8_t *)"us", 2));
	assert_true(br2_is_iso_country((const uint8_t *)"XX", 2));
	assert_false(br2_is_iso_country((const uint8_t *)"ZZ", 2));
	assert_false(br2_is_iso_country((const uint8_t *)"UK", 2));
	assert_false(br2_is_iso_country((const uint8_t *)"DEU", 3));
}

static void test_psl(void **state)
{
	const uint8_t *sld;
	size_t sl, tl;
	int suffix;
	static const char n1[] = "www.example.co.uk", n2[] = "co.uk", n3[] = ".example.com", n4[] = "*.com";
	(void)state;
	assert_true(br2_psl_parse((const uint8_t *)n1, strlen(n1), &sld, &sl, &tl, &suffix));
	assert_int_equal(sl, 7);
	assert_memory_equal(sld, "example", 7);
	assert_int_equal(tl, 3);
	assert_false(br2_psl_parse((const uint8_t *)n2, strlen(n2), &sld, &sl, &tl, &suffix));
	assert_true(suffix);
	assert_false(br2_psl_parse((const uint8_t *)n3, strlen(n3), &sld, &sl, &tl, &suffix));
	assert_false(suffix);
	assert_true(br2_psl_parse((const uint8_t *)n4, strlen(n4), &sld, &sl, &tl, &suffix));
	assert_int_equal(sl, 1);
	assert_int_equal(sld[0], '*');
	assert_int_equal(tl, 0);
}

static void test_ev_oids(void **state)
{
	/* EVG-recognised EV policy OIDs, in dotted form. */
	static const char *const ev[] = {
		"2.23.140.1.1", "1.3.159.1.17.1", "1.3.6.1.4.1.34697.2.1", "1.3.6.1.4.1.34697.2.2",
		"1.3.6.1.4.1.34697.2.3", "1.3.6.1.4.1.34697.2.4", "1.2.40.0.17.1.22", "2.16.578.1.26.1.3.3",
		"1.3.6.1.4.1.17326.10.14.2.1.2", "1.3.6.1.4.1.17326.10.8.2.1.2", "1.3.6.1.4.1.6449.1.2.1.5.1",
		"2.16.840.1.114412.2.1", "2.16.840.1.114412.1.3.0.2", "2.16.528.1.1001.1.1.1.12.6.1.1.1",
		"2.16.792.3.0.4.1.1.4", "2.16.840.1.114028.10.1.2", "0.4.0.2042.1.4", "0.4.0.2042.1.5",
		"1.3.6.1.4.1.13177.10.1.3.10", "1.3.6.1.4.1.14370.1.6", "1.3.6.1.4.1.4146.1.1",
		"2.16.840.1.114413.1.7.23.3", "1.3.6.1.4.1.14777.6.1.1", "2.16.792.1.2.1.1.5.7.1.9",
		"1.3.6.1.4.1.782.1.2.1.8.1", "1.3.6.1.4.1.22234.2.5.2.3.1", "1.3.6.1.4.1.8024.0.2.100.1.2",
		"1.2.392.200091.100.721.1", "2.16.840.1.114414.1.7.23.3", "1.3.6.1.4.1.23223.2",
		"1.3.6.1.4.1.23223.1.1.1", "2.16.756.1.83.21.0", "2.16.756.1.89.1.2.1.1",
		"1.3.6.1.4.1.7879.13.24.1", "2.16.840.1.113733.1.7.48.1", "2.16.840.1.114404.1.1.2.4.1",
		"2.16.840.1.113733.1.7.23.6", "1.3.6.1.4.1.6334.1.100.1", "2.16.840.1.114171.500.9",
		"1.3.6.1.4.1.36305.2",
	};
	static const char *const not_ev[] = { "2.23.140.1.2.1", "2.23.140.1.2.2", "2.23.140.1.11",
		                              "1.3.6.1.4.1.36305", "2.16.840.1.114412.2.2" };
	uint8_t der[64];
	size_t len;
	struct pw_der d;
	(void)state;
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++) {
		assert_true(pw_der_oid_from_text(ev[i], strlen(ev[i]), der, sizeof der, &len));
		d.p = der;
		d.len = len;
		d.off = 0;
		if (!br2_is_ev_policy_oid(&d))
			fail_msg("%s not recognised as EV", ev[i]);
	}
	for (size_t i = 0; i < sizeof not_ev / sizeof not_ev[0]; i++) {
		assert_true(pw_der_oid_from_text(not_ev[i], strlen(not_ev[i]), der, sizeof der, &len));
		d.p = der;
		d.len = len;
		d.off = 0;
		assert_false(br2_is_ev_policy_oid(&d));
	}
}

/* Next prime at or above `from` (deterministic, so tests are stable). */
static void next_prime(BIGNUM *p, const BIGNUM *from, BN_CTX *ctx)
{
	assert_non_null(BN_copy(p, from));
	if (!BN_is_odd(p))
		assert_true(BN_add_word(p, 1));
	while (BN_check_prime(p, ctx, NULL) != 1)
		assert_true(BN_add_word(p, 2));
}

/* Runs one RSA lint on a certificate whose only meaningful content is an
 * rsaEncryption key with modulus n and exponent 65537. */
static enum pw_lint_status run_rsa_lint(const char *name, const BIGNUM *n)
{
	static const uint8_t e65537[] = { 0x01, 0x00, 0x01 };
	uint8_t nbuf[TEST_MODULUS_MAX + 1];
	struct pw_cert c;
	struct pw_lint_ctx ctx;
	char details[PW_LINT_DETAILS_MAX] = "";
	const struct pw_lint_def *d = pw_lint_find(name);
	int len = BN_num_bytes(n);
	assert_non_null(d);
	assert_true(len > 0 && len <= TEST_MODULUS_MAX);
	/* INTEGER contents: a leading zero keeps the modulus positive. */
	nbuf[0] = 0;
	assert_int_equal(BN_bn2bin(n, nbuf + 1), len);
	memset(&c, 0, sizeof c);
	c.spki.alg.id = PW_OID_RSA_ENCRYPTION;
	c.spki.rsa_ok = 1;
	c.spki.rsa_n.p = nbuf;
	c.spki.rsa_n.len = (size_t)len + 1;
	c.spki.rsa_e.p = e65537;
	c.spki.rsa_e.len = sizeof e65537;
	c.spki.rsa_bits = (unsigned)BN_num_bits(n);
	memset(&ctx, 0, sizeof ctx);
	ctx.cert = &c;
	ctx.profile = PW_PROFILE_DV;
	assert_true(d->applies == NULL || d->applies(&ctx));
	return d->check(&ctx, details, sizeof details);
}

static void test_rsa_maths(void **state)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *base, *p, *q, *far, *n;
	(void)state;
	assert_non_null(ctx);
	base = BN_new();
	p = BN_new();
	q = BN_new();
	far = BN_new();
	n = BN_new();
	assert_non_null(n);
	/* p: the first prime above 2^511 + 2^500; q: the next prime after p
	 * (close: Fermat finds them in the first round); far: the first prime
	 * above 2^511 + 2^510 (Fermat needs far more than 100 rounds). */
	assert_true(BN_set_bit(base, TEST_PRIME_BITS - 1) && BN_set_bit(base, TEST_PRIME_BITS - 12));
	next_prime(p, base, ctx);
	assert_true(BN_copy(q, p) && BN_add_word(q, 2));
	next_prime(q, q, ctx);
	assert_true(BN_set_bit(base, TEST_PRIME_BITS - 2));
	next_prime(far, base, ctx);

	assert_true(BN_mul(n, p, q, ctx));
	assert_int_equal(run_rsa_lint("e_rsa_fermat_factorization", n), PW_LINT_ERROR);
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_PASS);

	assert_true(BN_mul(n, p, far, ctx));
	assert_int_equal(run_rsa_lint("e_rsa_fermat_factorization", n), PW_LINT_PASS);
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_PASS);

	/* A small factor anywhere below 752 is found: the largest (751), one
	 * in the middle of a prime group (379) and 2. */
	assert_true(BN_copy(n, p) && BN_mul_word(n, 751));
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_WARN);
	assert_true(BN_copy(n, far) && BN_mul_word(n, 379));
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_WARN);
	assert_true(BN_copy(n, far) && BN_mul_word(n, 2));
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_WARN);
	assert_int_equal(run_rsa_lint("w_rsa_mod_not_odd", n), PW_LINT_WARN);
	/* 757 is the first prime above the limit: not reported. */
	assert_true(BN_copy(n, far) && BN_mul_word(n, 757));
	assert_int_equal(run_rsa_lint("w_rsa_mod_factors_smaller_than_752", n), PW_LINT_PASS);

	/* A perfect square p*p is found by Fermat (b = 0 in the first round). */
	assert_true(BN_mul(n, p, p, ctx));
	assert_int_equal(run_rsa_lint("e_rsa_fermat_factorization", n), PW_LINT_ERROR);

	BN_free(base);
	BN_free(p);
	BN_free(q);
	BN_free(far);
	BN_free(n);
	BN_CTX_free(ctx);
}

/* Number of SAN entries in the duplicate test: above the pairwise limit,
 * so the hashed path runs. */
#define TEST_SAN_NAMES 300

static void test_san_duplicate(void **state)
{
	static char names[TEST_SAN_NAMES][32];
	static struct pw_general_name gn[TEST_SAN_NAMES];
	const struct pw_lint_def *d = pw_lint_find("n_san_dns_name_duplicate");
	struct pw_cert c;
	struct pw_lint_ctx ctx;
	char details[PW_LINT_DETAILS_MAX];
	(void)state;
	assert_non_null(d);
	memset(&c, 0, sizeof c);
	for (size_t i = 0; i < TEST_SAN_NAMES; i++) {
		int n = snprintf(names[i], sizeof names[i], "host%zu.example.com", i);
		memset(&gn[i], 0, sizeof gn[i]);
		gn[i].type = PW_GN_DNS;
		gn[i].value.p = (const uint8_t *)names[i];
		gn[i].value.len = (size_t)n;
	}
	c.x.san.present = 1;
	c.x.san.names.v = gn;
	c.x.san.names.n = TEST_SAN_NAMES;
	memset(&ctx, 0, sizeof ctx);
	ctx.cert = &c;
	assert_int_equal(d->check(&ctx, details, sizeof details), PW_LINT_PASS);
	/* The last name repeats an early one in another case. */
	snprintf(names[TEST_SAN_NAMES - 1], sizeof names[0], "HOST7.Example.COM");
	gn[TEST_SAN_NAMES - 1].value.len = strlen(names[TEST_SAN_NAMES - 1]);
	assert_int_equal(d->check(&ctx, details, sizeof details), PW_LINT_NOTICE);
	/* Few names: the pairwise path agrees. */
	c.x.san.names.n = 10;
	assert_int_equal(d->check(&ctx, details, sizeof details), PW_LINT_PASS);
	snprintf(names[9], sizeof names[0], "host3.EXAMPLE.com");
	gn[9].value.len = strlen(names[9]);
	assert_int_equal(d->check(&ctx, details, sizeof details), PW_LINT_NOTICE);
}

static void test_registry_rows(void **state)
{
	/* A sample of br2 rows from every family: registered once, with a
	 * citation, a description, the zlint source and a severity matching the
	 * name prefix. */
	static const struct { const char *name; enum pw_lint_source src; enum pw_lint_target target; } rows[] = {
		{ "e_root_ca_key_usage_present", PW_SRC_CABF_BR, PW_TARGET_CERT },
		{ "e_sub_cert_eku_check", PW_SRC_CABF_BR, PW_TARGET_CERT },
		{ "e_subject_rdns_correct_encoding", PW_SRC_CABF_BR, PW_TARGET_CERT },
		{ "w_rsa_mod_factors_smaller_than_752", PW_SRC_CABF_BR, PW_TARGET_CERT },
		{ "n_dnsname_wildcard_left_of_public_suffix", PW_SRC_CABF_BR, PW_TARGET_CERT },
		{ "e_ev_orgid_inconsistent_subj_and_ext", PW_SRC_CABF_EV, PW_TARGET_CERT },
		{ "w_subject_dn_trailing_whitespace", PW_SRC_COMMUNITY, PW_TARGET_CERT },
		{ "e_crl_unique_revoked_certificate", PW_SRC_COMMUNITY, PW_TARGET_CRL },
		{ "n_mp_allowed_eku", PW_SRC_MOZILLA, PW_TARGET_CERT },
		{ "w_ct_sct_policy_count_unsatisfied", PW_SRC_APPLE, PW_TARGET_CERT },
		{ "e_client_auth_not_allowed", PW_SRC_CHROME, PW_TARGET_CERT },
	};
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct pw_lint_def *d = pw_lint_find(rows[i].name);
		enum pw_lint_status want;
		if (d == NULL)
			fail_msg("%s is not registered", rows[i].name);
		want = d->name[0] == 'e' ? PW_LINT_ERROR : d->name[0] == 'w' ? PW_LINT_WARN : PW_LINT_NOTICE;
		assert_int_equal(d->severity, want);
		assert_int_equal(d->source, rows[i].src);
		assert_int_equal(d->target, rows[i].target);
		assert_non_null(d->citation);
		assert_true(d->citation[0] != '\0');
		assert_non_null(d->description);
		assert_true(strlen(d->description) > 20);
		assert_non_null(d->check);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_date),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_psl),
		cmocka_unit_test(test_ev_oids),
		cmocka_unit_test(test_rsa_maths),
		cmocka_unit_test(test_san_duplicate),
		cmocka_unit_test(test_registry_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
