/* Unit tests of OBJECT IDENTIFIER validation and text conversion (der/) and
 * of the OID table (oid.h): every entry round-trips text -> DER -> lookup ->
 * text, and the first-use initialisation is safe from many threads. */
#include "der_test_util.h"

#include <pthread.h>

#include "pkiward/oid.h"

/* Threads racing on the table's first use. */
#define T_RACE_THREADS 8

static void *race_lookup(void *arg)
{
	static const uint8_t cn[] = { 0x55, 0x04, 0x03 };
	struct pw_der d = { cn, sizeof cn, 0 };
	(void)arg;
	return (void *)(uintptr_t)(pw_oid_lookup(&d) == PW_OID_CN);
}

/* Runs first in this process, so the threads race on the lazy table build. */
static void test_table_first_use_threads(void **state)
{
	(void)state;
	pthread_t th[T_RACE_THREADS];
	for (int i = 0; i < T_RACE_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race_lookup, NULL), 0);
	for (int i = 0; i < T_RACE_THREADS; i++) {
		void *ok = NULL;
		assert_int_equal(pthread_join(th[i], &ok), 0);
		assert_true(ok != NULL);
	}
}

static void test_table_round_trip(void **state)
{
	(void)state;
	char text[PW_DER_OID_TEXT_MAX];
	uint8_t enc[64];
	for (unsigned id = 1; id < PW_OID_COUNT_; id++) {
		size_t n = 0, m = 0;
		const uint8_t *der = pw_oid_der((enum pw_oid)id, &n);
		if (der == NULL || n == 0)
			fail_msg("OID %s (%s) has no DER", pw_oid_name((enum pw_oid)id), pw_oid_dotted((enum pw_oid)id));
		struct pw_der d = { der, n, 0 };
		struct pw_error e;
		assert_true(pw_der_check_oid(&d, &e));
		/* DER -> text gives back the dotted string of the table. */
		assert_true(pw_der_oid_to_text(&d, text, sizeof text));
		assert_string_equal(text, pw_oid_dotted((enum pw_oid)id));
		/* text -> DER independently gives the same octets. */
		assert_true(pw_der_oid_from_text(text, strlen(text), enc, sizeof enc, &m));
		assert_int_equal(m, n);
		assert_memory_equal(enc, der, n);
		/* lookup finds it; an OID listed twice resolves to its first entry. */
		enum pw_oid found = pw_oid_lookup(&d);
		assert_true(found != PW_OID_UNKNOWN);
		assert_true((unsigned)found <= id);
		assert_string_equal(pw_oid_dotted(found), pw_oid_dotted((enum pw_oid)id));
		for (unsigned j = 1; j < (unsigned)found; j++)
			assert_true(strcmp(pw_oid_dotted((enum pw_oid)j), text) != 0);
		/* Names are unique and non-empty. */
		assert_true(pw_oid_name((enum pw_oid)id)[0] != '\0');
		for (unsigned j = 1; j < id; j++)
			assert_true(strcmp(pw_oid_name((enum pw_oid)j), pw_oid_name((enum pw_oid)id)) != 0);
	}
}

static void test_table_known_values(void **state)
{
	(void)state;
	static const uint8_t sha256rsa[] = { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B };
	static const uint8_t dv[] = { 0x67, 0x81, 0x0C, 0x01, 0x02, 0x01 };
	static const uint8_t unknown[] = { 0x2A, 0x03, 0x04 };
	size_t n;
	struct pw_der d = { sha256rsa, sizeof sha256rsa, 0 };
	assert_int_equal(pw_oid_lookup(&d), PW_OID_SHA256_WITH_RSA);
	d = (struct pw_der){ dv, sizeof dv, 0 };
	assert_int_equal(pw_oid_lookup(&d), PW_OID_CABF_DV);
	const uint8_t *p = pw_oid_der(PW_OID_CABF_DV, &n);
	assert_int_equal(n, sizeof dv);
	assert_memory_equal(p, dv, n);
	d = (struct pw_der){ unknown, sizeof unknown, 0 };
	assert_int_equal(pw_oid_lookup(&d), PW_OID_UNKNOWN);
	d = (struct pw_der){ dv, 5, 0 }; /* a prefix of a known OID */
	assert_int_equal(pw_oid_lookup(&d), PW_OID_UNKNOWN);
	d = (struct pw_der){ dv, 0, 0 };
	assert_int_equal(pw_oid_lookup(&d), PW_OID_UNKNOWN);
	assert_string_equal(pw_oid_name(PW_OID_CN), "commonName");
	assert_string_equal(pw_oid_dotted(PW_OID_CN), "2.5.4.3");
	assert_string_equal(pw_oid_name(PW_OID_UNKNOWN), "unknown");
	assert_string_equal(pw_oid_dotted(PW_OID_UNKNOWN), "");
	assert_string_equal(pw_oid_name(PW_OID_COUNT_), "unknown");
	assert_string_equal(pw_oid_dotted((enum pw_oid)12345), "");
	assert_null(pw_oid_der(PW_OID_UNKNOWN, &n));
	assert_int_equal(n, 0);
	assert_null(pw_oid_der(PW_OID_COUNT_, &n));
}

static void test_check_oid(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der v;
	struct pw_der d = cur(B(0x06, 0x03, 0x55, 0x04, 0x03));
	assert_true(pw_der_get_oid(&d, &v, &e));
	assert_int_equal(v.len, 3);
	assert_int_equal(v.off, T_BASE + 2);

	d = cur(B(0x06, 0x00));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_oid(&d, &v, &e), &e, T_BASE + 2, "OBJECT IDENTIFIER with no content octets");
	expect_same_cursor(&d, &saved);
	d = cur(B(0x06, 0x02, 0x55, 0x84));
	expect_der_error(pw_der_get_oid(&d, &v, &e), &e, T_BASE + 3, "last octet 0x84 continues an arc");
	d = cur(B(0x06, 0x03, 0x55, 0x80, 0x01));
	expect_der_error(pw_der_get_oid(&d, &v, &e), &e, T_BASE + 3, "subidentifier 2 starts with 0x80");
	d = cur(B(0x06, 0x02, 0x80, 0x01));
	expect_der_error(pw_der_get_oid(&d, &v, &e), &e, T_BASE + 2, "subidentifier 1 starts with 0x80");
	d = cur(B(0x04, 0x01, 0x55));
	expect_der_error(pw_der_get_oid(&d, &v, &e), &e, T_BASE, "expected OBJECT IDENTIFIER, found OCTET STRING");

	/* PW_DER_MAX_OID_ARCS arcs = that many minus one subidentifiers. */
	uint8_t many[PW_DER_MAX_OID_ARCS];
	memset(many, 0x01, sizeof many);
	struct pw_der c = cur(many, PW_DER_MAX_OID_ARCS - 1);
	assert_true(pw_der_check_oid(&c, &e));
	c = cur(many, PW_DER_MAX_OID_ARCS);
	expect_der_error(pw_der_check_oid(&c, &e), &e, T_BASE + PW_DER_MAX_OID_ARCS - 1, "more than 64 arcs");
}

/* A plain reading of X.690 §8.19.2 to hold the optimised check against. */
static int reference_oid_ok(const uint8_t *p, size_t n)
{
	size_t arcs = 1;
	if (n == 0 || (p[n - 1] & 0x80))
		return 0;
	for (size_t i = 0; i < n; i++) {
		int starts = i == 0 || !(p[i - 1] & 0x80);
		if (starts && p[i] == 0x80)
			return 0;
		if (!(p[i] & 0x80))
			arcs++;
	}
	return arcs <= PW_DER_MAX_OID_ARCS;
}

static void test_check_oid_matches_reference(void **state)
{
	(void)state;
	/* Every string up to 6 octets over octets that matter to the rules,
	 * then longer pseudo-random ones around the 8-octet word boundaries
	 * and the arc limit. */
	static const uint8_t alphabet[] = { 0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF };
	enum { A = sizeof alphabet };
	uint8_t buf[80];
	struct pw_error e;
	for (size_t n = 0; n <= 6; n++) {
		size_t total = 1;
		for (size_t i = 0; i < n; i++)
			total *= A;
		for (size_t v = 0; v < total; v++) {
			size_t x = v;
			for (size_t i = 0; i < n; i++, x /= A)
				buf[i] = alphabet[x % A];
			struct pw_der c = { buf, n, 0 };
			int ok = pw_der_check_oid(&c, &e);
			if (ok != reference_oid_ok(buf, n))
				fail_msg("check_oid disagrees with the reference for length %zu value %zu", n, v);
		}
	}
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	for (int iter = 0; iter < 200000; iter++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t n = (size_t)(seed >> 58) + (iter & 1 ? 0 : 14); /* 0..77 */
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			buf[i] = alphabet[(seed >> 40) % A];
		}
		struct pw_der c = { buf, n, 0 };
		if (pw_der_check_oid(&c, &e) != reference_oid_ok(buf, n))
			fail_msg("check_oid disagrees with the reference (iteration %d, length %zu)", iter, n);
	}
}

static void expect_text(const uint8_t *p, size_t n, const char *want)
{
	char text[PW_DER_OID_TEXT_MAX];
	struct pw_der d = { p, n, 0 };
	if (!pw_der_oid_to_text(&d, text, sizeof text))
		fail_msg("no text for OID expected as %s", want);
	assert_string_equal(text, want);
	/* And back, when every arc fits 64 bits. */
	uint8_t enc[64];
	size_t m = 0;
	if (pw_der_oid_from_text(text, strlen(text), enc, sizeof enc, &m)) {
		assert_int_equal(m, n);
		assert_memory_equal(enc, p, n);
	}
}

static void test_oid_to_text(void **state)
{
	(void)state;
	expect_text(B(0x55, 0x04, 0x03), "2.5.4.3");
	expect_text(B(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B), "1.2.840.113549.1.1.11");
	/* First-arc split (X.690 §8.19.4). */
	expect_text(B(0x00), "0.0");
	expect_text(B(0x27), "0.39");
	expect_text(B(0x28), "1.0");
	expect_text(B(0x4F), "1.39");
	expect_text(B(0x50), "2.0");
	expect_text(B(0x7F), "2.47");
	expect_text(B(0x81, 0x00), "2.48");
	expect_text(B(0x88, 0x37, 0x01), "2.999.1");
	/* 64-bit arcs at the boundary, then beyond (big-number path). */
	expect_text(B(0x2A, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "1.2.18446744073709551615");
	expect_text(B(0x2A, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), "1.2.18446744073709551616");
	expect_text(B(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x50), "2.18446744073709551616");
	expect_text(B(0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "2.18446744073709551535");
	/* A UUID OID (X.667 example): a 128-bit arc under 2.25. */
	expect_text(B(0x69, 0x83, 0xF0, 0x9D, 0xA7, 0xEB, 0xCF, 0xDE, 0xE0, 0xC7, 0xA1, 0xA7, 0xB2, 0xC0, 0x94,
	              0x8C, 0xC8, 0xF9, 0xD7, 0x76),
	            "2.25.329800735698586629295641978511506172918");

	/* The largest text: 63 single-octet arcs of 127 fits PW_DER_OID_TEXT_MAX. */
	uint8_t wide[63];
	char text[PW_DER_OID_TEXT_MAX];
	memset(wide, 0x7F, sizeof wide);
	struct pw_der d = { wide, sizeof wide, 0 };
	assert_true(pw_der_oid_to_text(&d, text, sizeof text));
	assert_int_equal(strlen(text), 4 + 62 * 4);

	/* Buffer too small, invalid contents: 0 and an empty string. */
	static const uint8_t cn[] = { 0x55, 0x04, 0x03 };
	d = (struct pw_der){ cn, sizeof cn, 0 };
	assert_true(pw_der_oid_to_text(&d, text, 8)); /* "2.5.4.3" + NUL */
	assert_false(pw_der_oid_to_text(&d, text, 7));
	assert_string_equal(text, "");
	assert_false(pw_der_oid_to_text(&d, text, 0));
	static const uint8_t bad[] = { 0x55, 0x84 };
	d = (struct pw_der){ bad, sizeof bad, 0 };
	assert_false(pw_der_oid_to_text(&d, text, sizeof text));
	assert_string_equal(text, "");
	/* A huge arc that cannot fit is refused, not overrun. */
	uint8_t huge[200];
	memset(huge, 0xFF, sizeof huge);
	huge[0] = 0x2A;
	huge[sizeof huge - 1] = 0x7F;
	d = (struct pw_der){ huge, sizeof huge, 0 };
	assert_false(pw_der_oid_to_text(&d, text, sizeof text));
	char big[1024];
	assert_true(pw_der_oid_to_text(&d, big, sizeof big));
	assert_true(strncmp(big, "1.2.", 4) == 0);
}

static void test_oid_from_text(void **state)
{
	(void)state;
	uint8_t out[16];
	size_t n = 0;
#define FT(s) pw_der_oid_from_text((s), strlen(s), out, sizeof out, &n)
	assert_true(FT("2.5.4.3"));
	assert_int_equal(n, 3);
	assert_true(FT("0.0"));
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0);
	assert_true(FT("2.999"));
	assert_int_equal(n, 2);
	assert_true(FT("1.2.18446744073709551615"));
	assert_false(FT("1.2.18446744073709551616"));
	assert_false(FT(""));
	assert_false(FT("1"));
	assert_false(FT("3.1"));
	assert_false(FT("1.40"));
	assert_false(FT("0.40"));
	assert_false(FT("01.2"));
	assert_false(FT("1.02"));
	assert_false(FT("1..2"));
	assert_false(FT("1.2."));
	assert_false(FT(".1.2"));
	assert_false(FT("1.2a"));
	assert_false(FT("1.2 "));
	assert_false(FT("2.18446744073709551600")); /* first subidentifier overflows */
	assert_false(pw_der_oid_from_text("1.2.840.113549", 14, out, 4, &n)); /* out too small */
	assert_false(pw_der_oid_from_text(NULL, 0, out, sizeof out, &n));
	/* text need not be NUL-terminated: only text_len octets are read. */
	assert_true(pw_der_oid_from_text("2.5.4.3garbage", 7, out, sizeof out, &n));
	assert_int_equal(n, 3);
	/* Arc limit. */
	char longtext[2 * (PW_DER_MAX_OID_ARCS + 1) + 1];
	size_t k = 0;
	for (int i = 0; i < PW_DER_MAX_OID_ARCS; i++) {
		longtext[k++] = '1';
		longtext[k++] = '.';
	}
	uint8_t wide[128];
	assert_true(pw_der_oid_from_text(longtext, k - 1, wide, sizeof wide, &n));
	assert_int_equal(n, PW_DER_MAX_OID_ARCS - 1);
	longtext[k++] = '1';
	assert_false(pw_der_oid_from_text(longtext, k, wide, sizeof wide, &n));
#undef FT
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_first_use_threads),
		cmocka_unit_test(test_table_round_trip),
		cmocka_unit_test(test_table_known_values),
		cmocka_unit_test(test_check_oid),
		cmocka_unit_test(test_check_oid_matches_reference),
		cmocka_unit_test(test_oid_to_text),
		cmocka_unit_test(test_oid_from_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
