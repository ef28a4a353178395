/* Unit tests of string charset checks (X.680 §41, RFC 3629) and of the
 * conversion to UTF-8 for display. */
#include "der_test_util.h"

static void check_ok(uint32_t tag, const uint8_t *p, size_t n)
{
	struct pw_error e;
	struct pw_der c = cur(p, n);
	if (!pw_der_check_string(tag, &c, &e))
		fail_msg("%s rejected: %s", pw_der_tag_name(tag), e.msg);
}

static void check_bad(uint32_t tag, const uint8_t *p, size_t n, size_t pos, const char *needle)
{
	struct pw_error e;
	struct pw_der c = cur(p, n);
	expect_der_error(pw_der_check_string(tag, &c, &e), &e, T_BASE + pos, needle);
}

#define S(s) (const uint8_t *)(s), sizeof(s) - 1

static void test_printable(void **state)
{
	(void)state;
	check_ok(PW_DER_PRINTABLE_STRING, S("Example Org (EU) Ltd. 1+1=2, a/b: c-d 'q'?"));
	check_ok(PW_DER_PRINTABLE_STRING, S(""));
	check_bad(PW_DER_PRINTABLE_STRING, S("user@example"), 4, "PrintableString character '@' (0x40) at position 4");
	check_bad(PW_DER_PRINTABLE_STRING, S("a*b"), 1, "'*'");
	check_bad(PW_DER_PRINTABLE_STRING, S("a&b"), 1, "'&'");
	check_bad(PW_DER_PRINTABLE_STRING, S("ab_"), 2, "'_'");
	check_bad(PW_DER_PRINTABLE_STRING, S("M\xc3\xbcnchen"), 1, "octet 0xC3 at position 1");
}

static void test_ia5_numeric_visible(void **state)
{
	(void)state;
	check_ok(PW_DER_IA5_STRING, S("user@example.com\x01\x7f"));
	check_bad(PW_DER_IA5_STRING, S("caf\xe9"), 3, "IA5String octet 0xE9 at position 3");
	check_ok(PW_DER_NUMERIC_STRING, S("0123 456789"));
	check_bad(PW_DER_NUMERIC_STRING, S("12-3"), 2, "NumericString character '-'");
	check_ok(PW_DER_VISIBLE_STRING, S(" ~Visible!"));
	check_bad(PW_DER_VISIBLE_STRING, S("tab\there"), 3, "VisibleString octet 0x09");
	check_bad(PW_DER_VISIBLE_STRING, S("del\x7f"), 3, "0x7F");
	/* TeletexString is opaque octets. */
	check_ok(PW_DER_T61_STRING, S("\x00\xff\x80 any"));
}

static void test_utf8(void **state)
{
	(void)state;
	check_ok(PW_DER_UTF8_STRING, S("plain"));
	check_ok(PW_DER_UTF8_STRING, S("M\xc3\xbcnchen \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf"));
	check_bad(PW_DER_UTF8_STRING, S("a\xc0\xaf"), 1, "octet 0xC0 at position 1: overlong");
	check_bad(PW_DER_UTF8_STRING, S("ab\xe0\x80\xaf"), 2, "overlong sequence");
	check_bad(PW_DER_UTF8_STRING, S("\xf0\x8f\xbf\xbf"), 0, "overlong sequence");
	check_bad(PW_DER_UTF8_STRING, S("x\xed\xa0\x80"), 1, "encoded surrogate");
	check_bad(PW_DER_UTF8_STRING, S("\xf4\x90\x80\x80"), 0, "beyond U+10FFFF");
	check_bad(PW_DER_UTF8_STRING, S("\xf5\x80\x80\x80"), 0, "beyond U+10FFFF");
	check_bad(PW_DER_UTF8_STRING, S("abc\xe2\x82"), 3, "truncated");
	check_bad(PW_DER_UTF8_STRING, S("ab\x80"), 2, "continuation octet without a lead octet");
	check_bad(PW_DER_UTF8_STRING, S("\xe2\x28\xa1"), 0, "expected a continuation octet");
	check_bad(PW_DER_UTF8_STRING, S("\xf0\x9f\x98\x28"), 0, "expected a continuation octet");
}

static void test_bmp_universal(void **state)
{
	(void)state;
	check_ok(PW_DER_BMP_STRING, S("\x00" "A" "\x00\xe9" "\xff\xfd"));
	check_bad(PW_DER_BMP_STRING, S("\x00" "A" "\x00"), 0, "BMPString of 3 octets");
	check_bad(PW_DER_BMP_STRING, S("\x00" "A" "\xd8\x3d" "\xde\x00"), 2, "U+D83D at position 2 is a surrogate");
	check_ok(PW_DER_UNIVERSAL_STRING, S("\x00\x00\x00" "A" "\x00\x01\xf6\x00" "\x00\x10\xff\xff"));
	check_bad(PW_DER_UNIVERSAL_STRING, S("\x00\x00\x00" "A" "\x00"), 0, "UniversalString of 5 octets");
	check_bad(PW_DER_UNIVERSAL_STRING, S("\x00\x00\x00" "A" "\x00\x11\x00\x00"), 4, "0x00110000 at position 4");
	check_bad(PW_DER_UNIVERSAL_STRING, S("\x00\x00\xdc\x00"), 0, "not a Unicode scalar value");
}

static void test_unknown_string_tag(void **state)
{
	(void)state;
	check_bad(PW_DER_OCTET_STRING, S("abc"), 0, "expected a character string type, found OCTET STRING");
	check_bad(PW_DER_TAG(0, 0, 21), S("abc"), 0, "found VideotexString");
}

static size_t conv(uint32_t tag, const uint8_t *p, size_t n, char *buf, size_t buflen)
{
	struct pw_der c = cur(p, n);
	return pw_der_string_to_utf8(tag, &c, buf, buflen);
}

static void test_to_utf8(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(conv(PW_DER_PRINTABLE_STRING, S("Hello"), buf, sizeof buf), 5);
	assert_string_equal(buf, "Hello");
	assert_int_equal(conv(PW_DER_BMP_STRING, S("\x00" "c" "\x00\xe9" "\x20\xac"), buf, sizeof buf), 6);
	assert_string_equal(buf, "c\xc3\xa9\xe2\x82\xac");
	assert_int_equal(conv(PW_DER_UNIVERSAL_STRING, S("\x00\x01\xf6\x00" "\x00\x00\x00" "!"), buf, sizeof buf), 5);
	assert_string_equal(buf, "\xf0\x9f\x98\x80!");
	/* TeletexString as Latin-1. */
	assert_int_equal(conv(PW_DER_T61_STRING, S("caf\xe9"), buf, sizeof buf), 5);
	assert_string_equal(buf, "caf\xc3\xa9");
	assert_int_equal(conv(PW_DER_UTF8_STRING, S("\xe2\x82\xac"), buf, sizeof buf), 3);
	assert_string_equal(buf, "\xe2\x82\xac");
	/* Invalid input becomes U+FFFD, one per bad octet. */
	conv(PW_DER_UTF8_STRING, S("a\xc0\xaf" "b"), buf, sizeof buf);
	assert_string_equal(buf, "a\xef\xbf\xbd\xef\xbf\xbd" "b");
	conv(PW_DER_BMP_STRING, S("\xd8\x00" "\x00" "x" "\x00"), buf, sizeof buf);
	assert_string_equal(buf, "\xef\xbf\xbd" "x" "\xef\xbf\xbd");
	conv(PW_DER_UNIVERSAL_STRING, S("\x00\x11\x00\x00" "\x00"), buf, sizeof buf);
	assert_string_equal(buf, "\xef\xbf\xbd\xef\xbf\xbd");
	conv(PW_DER_IA5_STRING, S("a\x00" "b\x80"), buf, sizeof buf);
	assert_string_equal(buf, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	/* Unknown tag: nothing. */
	buf[0] = 'X';
	assert_int_equal(conv(PW_DER_OCTET_STRING, S("abc"), buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_to_utf8_truncation(void **state)
{
	(void)state;
	char buf[8];
	/* "ab€€": 2 + 3 + 3 octets; 8-octet buffer holds 7: "ab€" and no half €. */
	assert_int_equal(conv(PW_DER_UTF8_STRING, S("ab\xe2\x82\xac\xe2\x82\xac"), buf, sizeof buf), 5);
	assert_string_equal(buf, "ab\xe2\x82\xac");
	assert_int_equal(conv(PW_DER_BMP_STRING, S("\x20\xac\x20\xac\x20\xac"), buf, 4), 3);
	assert_string_equal(buf, "\xe2\x82\xac");
	assert_int_equal(conv(PW_DER_BMP_STRING, S("\x20\xac"), buf, 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(conv(PW_DER_IA5_STRING, S("abcdef"), buf, 1), 0);
	assert_string_equal(buf, "");
	/* buflen 0: nothing written at all. */
	buf[0] = 'Z';
	assert_int_equal(conv(PW_DER_IA5_STRING, S("abc"), buf, 0), 0);
	assert_int_equal(buf[0], 'Z');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_ia5_numeric_visible),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bmp_universal),
		cmocka_unit_test(test_unknown_string_tag),
		cmocka_unit_test(test_to_utf8),
		cmocka_unit_test(test_to_utf8_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
