/* Unit tests of the br1 lint families' helpers (src/lint/br1_util.h) and of
 * their registry rows: the Public Suffix List walk behind the "SLD" lints,
 * the TLD table with its delegation dates, ISO country codes, IANA reserved
 * address space, URI schemes, and the metadata every br1 lint must carry.
 * Lint verdicts on real certificates are covered by lint_zlint_test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* Returns the registrable label of name as a C string in buf ("" if none). */
static const char *sld(const char *name, char *buf, size_t buflen)
{
	const uint8_t *s;
	size_t sl;

	buf[0] = '\0';
	if (br1_psl_sld((const uint8_t *)name, strlen(name), &s, &sl) && sl < buflen) {
		memcpy(buf, s, sl);
		buf[sl] = '\0';
	}
	return buf;
}

static void test_psl_sld(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(sld("www.example.com", b, sizeof b), "example");
	assert_string_equal(sld("*.example.com", b, sizeof b), "example");
	assert_string_equal(sld("EXAMPLE.CO.UK", b, sizeof b), "EXAMPLE");
	assert_string_equal(sld("a.b.example.co.uk", b, sizeof b), "example");
	/* Wildcard rule "*.ck" and its exception "!www.ck". */
	assert_string_equal(sld("foo.bar.ck", b, sizeof b), "foo");
	assert_string_equal(sld("www.ck", b, sizeof b), "www");
	assert_string_equal(sld("a.www.ck", b, sizeof b), "www");
	/* Private-section suffixes are ignored (zlint's IgnorePrivate). */
	assert_string_equal(sld("foo.blogspot.com", b, sizeof b), "blogspot");
	/* The default rule "*" for an unknown TLD. */
	assert_string_equal(sld("bar.foo.notatld", b, sizeof b), "foo");
	/* A public suffix itself, or malformed names, have no registrable label. */
	assert_string_equal(sld("com", b, sizeof b), "");
	assert_string_equal(sld("co.uk", b, sizeof b), "");
	assert_string_equal(sld("foo.ck", b, sizeof b), "");
	assert_string_equal(sld("", b, sizeof b), "");
	assert_string_equal(sld(".example.com", b, sizeof b), "");
	assert_string_equal(sld("example.com.", b, sizeof b), "");
}

static int64_t day(int y, int m, int d)
{
	return PW_LINT_YMD(y, m, d);
}

static void test_tld_table(void **state)
{
	const struct br1_tld *t;

	(void)state;
	t = br1_tld_find((const uint8_t *)"com", 3);
	assert_non_null(t);
	assert_string_equal(t->name, "com");
	assert_false(t->has_removed);
	assert_non_null(br1_tld_find((const uint8_t *)"COM", 3));
	assert_non_null(br1_tld_find((const uint8_t *)"xn--p1ai", 8));
	assert_null(br1_tld_find((const uint8_t *)"notatld", 7));
	assert_null(br1_tld_find((const uint8_t *)"", 0));
	/* .onion is special-use (RFC 7686) and listed for the onion lints. */
	assert_non_null(br1_tld_find((const uint8_t *)"onion", 5));
	/* A new gTLD carries its delegation day. */
	t = br1_tld_find((const uint8_t *)"aaa", 3);
	assert_non_null(t);
	assert_true(t->delegated > day(2014, 1, 1));
	/* Every entry is reachable through the hash index. */
	for (size_t i = 0; i < br1_n_tlds; i++)
		assert_ptr_equal(br1_tld_find((const uint8_t *)br1_tlds[i].name,
		                              strlen(br1_tlds[i].name)), &br1_tlds[i]);
}

static void test_country_codes(void **state)
{
	(void)state;
	assert_true(br1_is_iso_country((const uint8_t *)"US", 2));
	assert_true(br1_is_iso_country((const uint8_t *)"de", 2));
	assert_true(br1_is_iso_country((const uint8_t *)"XX", 2));
	assert_false(br1_is_iso_country((const uint8_t *)"YQ", 2));
	assert_false(br1_is_iso_country((const uint8_t *)"USA", 3));
	assert_false(br1_is_iso_country((const uint8_t *)"U", 1));
	assert_false(br1_is_iso_country((const uint8_t *)"  ", 2));
}

static int reserved(const char *text)
{
	uint8_t ip[16];

	if (inet_pton(AF_INET, text, ip) == 1)
		return br1_ip_is_reserved(ip, 4);
	assert_int_equal(inet_pton(AF_INET6, text, ip), 1);
	return br1_ip_is_reserved(ip, 16);
}

static void test_reserved_ip(void **state)
{
	(void)state;
	assert_true(reserved("10.1.2.3"));
	assert_true(reserved("172.31.255.255"));
	assert_true(reserved("192.168.0.1"));
	assert_true(reserved("100.64.0.1"));
	assert_true(reserved("127.0.0.1"));
	assert_true(reserved("169.254.1.1"));
	assert_true(reserved("192.0.2.5"));
	assert_true(reserved("224.0.0.1"));
	assert_true(reserved("255.255.255.255"));
	assert_true(reserved("0.1.2.3"));
	assert_false(reserved("8.8.8.8"));
	assert_false(reserved("172.32.0.1"));
	assert_false(reserved("100.128.0.1"));
	assert_true(reserved("::1"));
	assert_true(reserved("::ffff:8.8.8.8"));
	assert_true(reserved("2001:db8::1"));
	assert_true(reserved("fc00::1"));
	assert_true(reserved("fe80::1"));
	assert_true(reserved("ff02::1"));
	assert_true(reserved("2620:4f:8000::1"));
	assert_false(reserved("2620:4f:8001::1"));
	assert_false(reserved("2606:4700::1111"));
	assert_false(reserved("2a00:1450::1"));
	/* Anything but 4 or 16 octets is not a usable address. */
	assert_true(br1_ip_is_reserved((const uint8_t *)"\x08\x08\x08", 3));
}

static int net_reserved(const char *addr, const char *mask)
{
	uint8_t b[32];
	size_t n;

	if (inet_pton(AF_INET, addr, b) == 1) {
		assert_int_equal(inet_pton(AF_INET, mask, b + 4), 1);
		n = 8;
	} else {
		assert_int_equal(inet_pton(AF_INET6, addr, b), 1);
		assert_int_equal(inet_pton(AF_INET6, mask, b + 16), 1);
		n = 32;
	}
	return br1_net_intersects_reserved(b, n);
}

static void test_reserved_net(void **state)
{
	(void)state;
	assert_false(net_reserved("8.0.0.0", "255.0.0.0"));
	assert_false(net_reserved("11.0.0.0", "255.0.0.0"));
	assert_true(net_reserved("10.0.0.0", "255.0.0.0"));
	assert_true(net_reserved("10.20.0.0", "255.255.0.0"));
	/* 100.0.0.0/8 contains the shared address space 100.64.0.0/10. */
	assert_true(net_reserved("100.0.0.0", "255.0.0.0"));
	assert_true(net_reserved("0.0.0.0", "0.0.0.0"));
	assert_false(net_reserved("2606:4700::", "ffff:ffff::"));
	assert_true(net_reserved("2001:db8::", "ffff:ffff::"));
	assert_true(net_reserved("::", "::"));
}

static void test_uri_scheme(void **state)
{
	const uint8_t *s;
	size_t n;

	(void)state;
	assert_true(br1_uri_scheme((const uint8_t *)"http://a", 8, &s, &n));
	assert_int_equal(n, 4);
	assert_true(br1_uri_scheme((const uint8_t *)"HTTPS://a", 9, &s, &n));
	assert_true(br1_ieq(s, n, "https"));
	assert_true(br1_uri_scheme((const uint8_t *)"ldap:///cn=x", 12, &s, &n));
	assert_int_equal(n, 4);
	assert_false(br1_uri_scheme((const uint8_t *)"://a", 4, &s, &n));
	assert_false(br1_uri_scheme((const uint8_t *)"1http://a", 9, &s, &n));
	assert_false(br1_uri_scheme((const uint8_t *)"www.example.com/x", 17, &s, &n));
	assert_false(br1_uri_scheme((const uint8_t *)"", 0, &s, &n));
}

static void test_text_is_ip(void **state)
{
	(void)state;
	assert_true(br1_text_is_ip("192.0.2.1", 9));
	assert_true(br1_text_is_ip("2001:db8::1", 11));
	assert_false(br1_text_is_ip("example.com", 11));
	assert_false(br1_text_is_ip("dead.beef", 9));
	assert_false(br1_text_is_ip("1.2.3", 5));
	assert_false(br1_text_is_ip("", 0));
}

/* Every br1 lint is registered with pkiward-written metadata: an error
 * severity (all br1 lints are e_*), a "BR"/"RFC" citation, a description,
 * and dates the registry can parse. */
static void test_registry_rows(void **state)
{
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < pw_lint_count(); i++) {
		const struct pw_lint_def *d = pw_lint_get0(i);
		int64_t t;
		if (d->check == NULL || d->name == NULL)
			continue;
		if (strncmp(d->citation, "BR ", 3) != 0 && strncmp(d->citation, "RFC ", 4) != 0)
			continue;
		if (d->source != PW_SRC_CABF_BR)
			continue;
		n++;
		assert_non_null(d->description);
		assert_true(strlen(d->description) > 20);
		if (d->name[0] == 'e')
			assert_int_equal(d->severity, PW_LINT_ERROR);
		if (d->effective != NULL)
			assert_true(pw_lint_parse_date(d->effective, &t));
		if (d->ineffective != NULL)
			assert_true(pw_lint_parse_date(d->ineffective, &t));
	}
	assert_true(n >= 86);
	/* A few rows by name, with their zlint dates. */
	assert_non_null(pw_lint_find("e_aia_ocsp_must_have_http_only"));
	assert_string_equal(pw_lint_find("e_aia_ocsp_must_have_http_only")->effective, "2023-09-15");
	assert_non_null(pw_lint_find("e_excessively backdated"));
	assert_string_equal(pw_lint_find("e_cab_dv_conflicts_with_org")->ineffective, "2023-09-15");
	assert_int_equal(pw_lint_find("e_crl_number_out_of_range")->target, PW_TARGET_CRL);
	assert_true(pw_lint_find("e_ocsp_cert_invalid_ku")->flags & PW_LINT_F_NO_SOURCE_GATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psl_sld),
		cmocka_unit_test(test_tld_table),
		cmocka_unit_test(test_country_codes),
		cmocka_unit_test(test_reserved_ip),
		cmocka_unit_test(test_reserved_net),
		cmocka_unit_test(test_uri_scheme),
		cmocka_unit_test(test_text_is_ip),
		cmocka_unit_test(test_registry_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
