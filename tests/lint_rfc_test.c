/* Unit tests of the rfc lint families' helpers (src/lint/rfc_util.h) and of
 * their registry rows: the URI splitter, the FQDN test behind the URI and
 * name-constraint lints, Punycode decoding (RFC 3492 §7.1 samples), the
 * character counts behind the Appendix A upper bounds, Unicode NFC, and the
 * metadata every rfc lint must carry. Lint verdicts on real certificates
 * are covered by lint_zlint_test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pkiward/lint.h"
#include "rfc_util.h"

#define U8(s) ((const uint8_t *)(s)), strlen(s)

static int uri_ok(const char *s, struct rfc_uri *u)
{
	return rfc_uri_parse(U8(s), u);
}

static int win_is(const struct pw_der *d, const char *s)
{
	return d->len == strlen(s) && memcmp(d->p, s, d->len) == 0;
}

static void test_uri_parse(void **state)
{
	struct rfc_uri u;
	(void)state;

	assert_true(uri_ok("https://user@www.example.com:8443/a/b?q=1#f", &u));
	assert_true(win_is(&u.scheme, "https"));
	assert_true(u.has_userinfo);
	assert_true(win_is(&u.host, "www.example.com:8443"));
	assert_true(win_is(&u.path, "/a/b"));

	/* scheme with an opaque part: no authority */
	assert_true(uri_ok("sip:alice@sip.example.com", &u));
	assert_true(win_is(&u.scheme, "sip"));
	assert_true(win_is(&u.opaque, "alice@sip.example.com"));
	assert_int_equal(u.host.len, 0);

	/* relative references */
	assert_true(uri_ok("www.example.com", &u));
	assert_int_equal(u.scheme.len, 0);
	assert_true(win_is(&u.path, "www.example.com"));
	assert_true(uri_ok("test//user@*:1337/test", &u));
	assert_int_equal(u.scheme.len, 0);
	assert_int_equal(u.host.len, 0);

	/* scheme only */
	assert_true(uri_ok("https://", &u));
	assert_int_equal(u.host.len, 0);
	assert_int_equal(u.path.len, 0);

	/* malformed */
	assert_false(uri_ok(":nothing", &u));           /* empty scheme */
	assert_false(uri_ok("a b:c", &u) && u.scheme.len > 0);
	assert_false(uri_ok("http://ex ample.com/", &u)); /* space in host */
	assert_false(uri_ok("http://example.com:80x/", &u));
	assert_false(uri_ok("http://example.com/%zz", &u));
	assert_false(uri_ok("http://example.com/\x01", &u));
	assert_false(uri_ok("1a/b:c", &u) && u.scheme.len > 0);
}

static int fqdn(const char *s)
{
	return rfc_host_is_fqdn(U8(s));
}

static void test_host_is_fqdn(void **state)
{
	(void)state;
	assert_true(fqdn("www.example.com"));
	assert_true(fqdn("example.com."));
	assert_true(fqdn("*.example.com"));
	assert_true(fqdn("example.com:1337"));
	assert_true(fqdn("xn--bcher-kva.example"));
	assert_true(fqdn("a_b.example.com"));
	assert_false(fqdn("_srv.example.com")); /* labels start with a letter or digit */
	assert_true(fqdn("192.168.1.1"));
	assert_true(fqdn("[2001:db8::1]:443"));

	assert_false(fqdn(""));
	assert_false(fqdn("example"));        /* one label */
	assert_false(fqdn("*"));
	assert_false(fqdn("*.*.example.com")); /* one wildcard label only */
	assert_false(fqdn("ex*ample.com"));
	assert_false(fqdn(".example.com"));
	assert_false(fqdn("example..com"));
	assert_false(fqdn("-example.com"));
	assert_false(fqdn("example.com_"));
	assert_false(fqdn("example.123"));    /* all-numeric TLD */
	assert_false(fqdn("example.com:99999999"));
	assert_false(fqdn("dns://192.168.1.1/ftp.example.org?type=A"));
}

static void test_text_is_ip(void **state)
{
	(void)state;
	assert_true(rfc_text_is_ip(U8("10.0.0.1")));
	assert_true(rfc_text_is_ip(U8("::ffff:10.0.0.1")));
	assert_false(rfc_text_is_ip(U8("10.0.0")));
	assert_false(rfc_text_is_ip(U8("example.com")));
}

/* RFC 3492 §7.1 sample strings (and two classic examples). */
static void test_punycode(void **state)
{
	uint32_t out[64];
	long n;
	(void)state;

	n = rfc_punycode_decode(U8("bcher-kva"), out, 64); /* "bücher" */
	assert_int_equal(n, 6);
	assert_int_equal(out[0], 'b');
	assert_int_equal(out[1], 0xFC);
	assert_int_equal(out[5], 'r');

	n = rfc_punycode_decode(U8("egbpdaj6bu4bxfgehfvwxn"), out, 64); /* (A) Arabic */
	assert_int_equal(n, 17);
	assert_int_equal(out[0], 0x0644);
	assert_int_equal(out[16], 0x061F);

	n = rfc_punycode_decode(U8("ihqwcrb4cv8a8dqg056pqjye"), out, 64); /* (B) Chinese */
	assert_int_equal(n, 9);
	assert_int_equal(out[0], 0x4ED6);

	n = rfc_punycode_decode(U8("abc-"), out, 64); /* only basic code points */
	assert_int_equal(n, 3);

	assert_int_equal(rfc_punycode_decode(U8("-abc"), out, 64), -1);  /* leading delimiter */
	assert_int_equal(rfc_punycode_decode(U8("mnchen-3ya"), out, 64), 7); /* "münchen" */
	assert_int_equal(out[1], 0xFC);
	assert_int_equal(rfc_punycode_decode(U8("a-9"), out, 64), -1); /* digit needs more */
	assert_int_equal(rfc_punycode_decode(U8("bcher-kv"), out, 64), -1); /* truncated */
	assert_int_equal(rfc_punycode_decode(U8("bcher-k!a"), out, 64), -1);
	assert_int_equal(rfc_punycode_decode(U8("99999999999999"), out, 64), -1); /* overflow */
	assert_int_equal(rfc_punycode_decode(U8("egbpdaj6bu4bxfgehfvwxn"), out, 4), -1); /* cap */
}

static void test_char_count(void **state)
{
	struct pw_der v;
	(void)state;
	v.p = (const uint8_t *)"gr\xC3\xBC\xC3\x9F" "e";
	v.len = 7;
	assert_int_equal(rfc_char_count(PW_DER_UTF8_STRING, &v), 5);
	assert_int_equal(rfc_char_count(PW_DER_PRINTABLE_STRING, &v), 7);
	v.p = (const uint8_t *)"\x00" "a\xD8\x3D\xDE\x00";
	v.len = 6;
	assert_int_equal(rfc_char_count(PW_DER_BMP_STRING, &v), 2); /* 'a' + one surrogate pair */
	v.p = (const uint8_t *)"\xC3";
	v.len = 1;
	assert_int_equal(rfc_char_count(PW_DER_UTF8_STRING, &v), 1); /* truncated sequence */
}

static void test_nfc(void **state)
{
	(void)state;
	assert_int_equal(rfc_is_nfc_utf8(U8("plain ascii")), 1);
#ifdef PW_HAVE_ICU
	assert_int_equal(rfc_is_nfc_utf8(U8("\xC3\xA0")), 1);      /* U+00E0 */
	assert_int_equal(rfc_is_nfc_utf8(U8("a\xCC\x80")), 0);     /* a + U+0300 */
	const uint8_t bmp_nfc[] = { 0x00, 0xE0 }, bmp_nfd[] = { 0x00, 'a', 0x03, 0x00 };
	assert_int_equal(rfc_is_nfc_utf16be(bmp_nfc, sizeof bmp_nfc), 1);
	assert_int_equal(rfc_is_nfc_utf16be(bmp_nfd, sizeof bmp_nfd), 0);
	uint32_t cps[] = { 'a', 0x0300 };
	assert_int_equal(rfc_is_nfc_u32(cps, 2), 0);
#else
	assert_int_equal(rfc_is_nfc_utf8(U8("a\xCC\x80")), -1);
#endif
	/* an odd number of octets is no UTF-16 text */
	assert_int_equal(rfc_is_nfc_utf16be((const uint8_t *)"abc", 3), 0);
}

static int is_rfc_source(enum pw_lint_source s)
{
	return s == PW_SRC_RFC5280 || s == PW_SRC_RFC3279 || s == PW_SRC_RFC5480 ||
	       s == PW_SRC_RFC5891 || s == PW_SRC_RFC6960 || s == PW_SRC_RFC6962 ||
	       s == PW_SRC_RFC8813;
}

/* Every RFC-sourced lint carries a name whose prefix matches its severity,
 * a citation, its own description and an effective date. */
static void test_registry_rows(void **state)
{
	size_t n = 0;
	(void)state;
	for (size_t i = 0; i < pw_lint_count(); i++) {
		const struct pw_lint_def *d = pw_lint_get0(i);
		if (!is_rfc_source(d->source))
			continue;
		n++;
		assert_non_null(d->check);
		assert_non_null(d->citation);
		assert_true(strlen(d->citation) > 0);
		assert_non_null(d->description);
		assert_true(strlen(d->description) > 20);
		assert_non_null(d->effective);
		switch (d->name[0]) {
		case 'e':
			assert_int_equal(d->severity, PW_LINT_ERROR);
			break;
		case 'w':
			assert_int_equal(d->severity, PW_LINT_WARN);
			break;
		case 'n':
			assert_int_equal(d->severity, PW_LINT_NOTICE);
			break;
		default:
			fail_msg("lint %s has no severity prefix", d->name);
		}
	}
	/* lints_rfc.tsv: 132 lints, of which the OCSP one awaits an OCSP model */
	assert_true(n >= 131);
	assert_non_null(pw_lint_find("e_ext_san_uri_host_not_fqdn_or_ip"));
	assert_int_equal(pw_lint_find("e_crl_has_next_update")->target, PW_TARGET_CRL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_parse),    cmocka_unit_test(test_host_is_fqdn),
		cmocka_unit_test(test_text_is_ip),   cmocka_unit_test(test_punycode),
		cmocka_unit_test(test_char_count),   cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_registry_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
