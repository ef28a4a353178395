/* Unit tests of the monitor's comparison logic (monitor.h): CRL numbers
 * (RFC 5280 §5.2.3), the IDP rule (BR 7.2.2.1: byte-identical URL; RFC 5280
 * §5.2.5: critical), CRL entry lookup, body classification (HTML, PEM,
 * truncated DER), the verdicts on a revocation (BR 4.9.7 deadline, stale
 * "good"), URL subjects, signature verification over the parser's TBS bytes
 * and the RFC 5019 GET URL.
 *
 * CRLs are made here with OpenSSL (EC P-256) so that each test knows what the
 * CRL holds; pkiward's parser then reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/asn1.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "pkiward/monitor.h"

/* ---- CRL factory ---- */

static EVP_PKEY *ec_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	assert_non_null(k);
	return k;
}

/* A DER CRL by "CN=Test CA" signed with key, listing serials[0..n), with an
 * IDP naming idp_uri when non-NULL (critical when idp_critical). */
static uint8_t *make_crl(EVP_PKEY *key, const long *serials, size_t n, const char *idp_uri,
                         int idp_critical, long number, size_t *out_len)
{
	X509_CRL *crl = X509_CRL_new();
	X509_NAME *name = X509_NAME_new();
	ASN1_TIME *t = ASN1_TIME_set(NULL, 1700000000);
	assert_non_null(crl);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"Test CA", -1, -1, 0);
	assert_int_equal(X509_CRL_set_version(crl, 1), 1);
	assert_int_equal(X509_CRL_set_issuer_name(crl, name), 1);
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, t), 1);
	ASN1_TIME_set(t, 1700000000 + 7 * 86400);
	assert_int_equal(X509_CRL_set1_nextUpdate(crl, t), 1);
	for (size_t i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *s = ASN1_INTEGER_new();
		ASN1_INTEGER_set(s, serials[i]);
		X509_REVOKED_set_serialNumber(r, s);
		ASN1_TIME_set(t, 1699990000);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(crl, r);
		ASN1_INTEGER_free(s);
	}
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	ASN1_INTEGER_set(num, number);
	assert_int_equal(X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0), 1);
	ASN1_INTEGER_free(num);
	if (idp_uri != NULL) {
		char v[512];
		snprintf(v, sizeof v, "%sfullname:URI:%s", idp_critical ? "critical," : "", idp_uri);
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_issuing_distribution_point, v);
		assert_non_null(e);
		assert_int_equal(X509_CRL_add_ext(crl, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	X509_CRL_sort(crl);
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(crl, &der);
	assert_true(len > 0);
	uint8_t *out = malloc((size_t)len);
	memcpy(out, der, (size_t)len);
	*out_len = (size_t)len;
	OPENSSL_free(der);
	ASN1_TIME_free(t);
	X509_NAME_free(name);
	X509_CRL_free(crl);
	return out;
}

/* The DER SubjectPublicKeyInfo of key (malloc'd). */
static uint8_t *spki_of(EVP_PKEY *key, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);
	assert_true(n > 0);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return out;
}

/* ---- CRL numbers ---- */

static void test_crl_number(void **state)
{
	(void)state;
	uint8_t a[PW_STORE_MONITOR_CRL_NUMBER_LEN], b[PW_STORE_MONITOR_CRL_NUMBER_LEN];
	char txt[64];
	static const uint8_t nine[] = {0x09}, ten[] = {0x0a}, big[] = {0x00, 0xff},
	                     neg[] = {0xff}, u64[] = {0x01, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(pw_monitor_crl_number_norm(nine, 1, a), 1);
	assert_int_equal(pw_monitor_crl_number_norm(ten, 1, b), 1);
	assert_true(pw_monitor_crl_number_cmp(a, b) < 0);
	assert_true(pw_monitor_crl_number_cmp(b, a) > 0);
	assert_int_equal(pw_monitor_crl_number_cmp(a, a), 0);
	assert_string_equal(pw_monitor_crl_number_text(b, txt, sizeof txt), "10");
	/* 0x00ff is 255: the sign octet does not make it "longer" than 10. */
	assert_int_equal(pw_monitor_crl_number_norm(big, 2, a), 1);
	assert_true(pw_monitor_crl_number_cmp(a, b) > 0);
	assert_string_equal(pw_monitor_crl_number_text(a, txt, sizeof txt), "255");
	assert_int_equal(pw_monitor_crl_number_norm(u64, sizeof u64, a), 1);
	assert_string_equal(pw_monitor_crl_number_text(a, txt, sizeof txt), "18446744073709551616");
	/* RFC 5280 §5.2.3: non-negative, at most 20 octets. */
	assert_int_equal(pw_monitor_crl_number_norm(neg, 1, a), 0);
	assert_int_equal(pw_monitor_crl_number_norm(NULL, 0, a), 0);
	uint8_t twenty[21];
	twenty[0] = 0x00;
	memset(twenty + 1, 0xff, 20);
	assert_int_equal(pw_monitor_crl_number_norm(twenty, 21, a), 1);
	assert_string_equal(pw_monitor_crl_number_text(a, txt, sizeof txt),
	                    "1461501637330902918203684832716283019655932542975");
	uint8_t too_long[21];
	memset(too_long, 0x01, sizeof too_long);
	assert_int_equal(pw_monitor_crl_number_norm(too_long, 21, a), 0);
	memset(a, 0, sizeof a);
	assert_string_equal(pw_monitor_crl_number_text(a, txt, sizeof txt), "0");
}

/* ---- IDP, entries, signature ---- */

static void test_idp_and_entries(void **state)
{
	(void)state;
	EVP_PKEY *key = ec_key(), *other = ec_key();
	const long serials[] = {5, 300, 70000};
	const char *url = "http://crl.example.com/ca/3.crl";
	size_t len, spki_len, other_len;
	uint8_t *der = make_crl(key, serials, 3, url, 1, 7, &len);
	uint8_t *spki = spki_of(key, &spki_len), *ospki = spki_of(other, &other_len);
	struct pw_crl crl;
	struct pw_error err;
	char detail[256];
	int not_critical = -1;

	pw_crl_init(&crl);
	assert_int_equal(pw_crl_parse(&crl, der, len, &err), PW_OK);
	assert_int_equal(crl.has_idp, 1);
	assert_int_equal(pw_monitor_idp_mismatch(&crl, url, strlen(url), &not_critical, detail,
	                                         sizeof detail), 0);
	assert_int_equal(not_critical, 0);
	/* Byte-identical: a trailing slash, another case or another
	 * partition is a mismatch, and the detail names what the CRL says. */
	const char *near[] = {"http://crl.example.com/ca/3.crl/", "http://CRL.example.com/ca/3.crl",
	                      "http://crl.example.com/ca/4.crl", "http://crl.example.com/ca/3.cr"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pw_monitor_idp_mismatch(&crl, near[i], strlen(near[i]), &not_critical,
		                                         detail, sizeof detail), 1);
		assert_non_null(strstr(detail, url));
	}
	/* Entries: present and absent serials (INTEGER contents). */
	static const uint8_t s5[] = {0x05}, s300[] = {0x01, 0x2c}, s70000[] = {0x01, 0x11, 0x70},
	                     s6[] = {0x06}, s300x[] = {0x00, 0x01, 0x2c};
	assert_int_equal(pw_monitor_crl_lists(&crl, s5, 1), 1);
	assert_int_equal(pw_monitor_crl_lists(&crl, s300, 2), 1);
	assert_int_equal(pw_monitor_crl_lists(&crl, s70000, 3), 1);
	assert_int_equal(pw_monitor_crl_lists(&crl, s6, 1), 0);
	assert_int_equal(pw_monitor_crl_lists(&crl, s300x, 3), 0);
	/* Signature over the parser's tbsCertList bytes: the right key
	 * verifies, another key does not, a flipped TBS byte does not. */
	assert_int_equal(pw_monitor_verify_sig(&crl.sig_alg_outer, crl.tbs.p, crl.tbs.len,
	                                       crl.sig_value.p, crl.sig_value.len, spki, spki_len,
	                                       &err), PW_OK);
	assert_int_equal(pw_monitor_verify_sig(&crl.sig_alg_outer, crl.tbs.p, crl.tbs.len,
	                                       crl.sig_value.p, crl.sig_value.len, ospki, other_len,
	                                       &err), PW_ERR_CRYPTO);
	uint8_t *tbs = malloc(crl.tbs.len);
	memcpy(tbs, crl.tbs.p, crl.tbs.len);
	tbs[crl.tbs.len - 1] ^= 1;
	assert_int_equal(pw_monitor_verify_sig(&crl.sig_alg_outer, tbs, crl.tbs.len, crl.sig_value.p,
	                                       crl.sig_value.len, spki, spki_len, &err),
	                 PW_ERR_CRYPTO);
	free(tbs);
	/* A garbage key is an error, never a crash. */
	assert_int_equal(pw_monitor_verify_sig(&crl.sig_alg_outer, crl.tbs.p, crl.tbs.len,
	                                       crl.sig_value.p, crl.sig_value.len, der, 10, &err),
	                 PW_ERR_CRYPTO);
	pw_crl_cleanup(&crl);
	free(der);

	/* A non-critical IDP is flagged even when the URL matches. */
	der = make_crl(key, serials, 1, url, 0, 8, &len);
	pw_crl_init(&crl);
	assert_int_equal(pw_crl_parse(&crl, der, len, &err), PW_OK);
	assert_int_equal(pw_monitor_idp_mismatch(&crl, url, strlen(url), &not_critical, detail,
	                                         sizeof detail), 0);
	assert_int_equal(not_critical, 1);
	pw_crl_cleanup(&crl);
	free(der);

	/* No IDP: a full CRL; any URL is fine. */
	der = make_crl(key, NULL, 0, NULL, 0, 9, &len);
	pw_crl_init(&crl);
	assert_int_equal(pw_crl_parse(&crl, der, len, &err), PW_OK);
	assert_int_equal(pw_monitor_idp_mismatch(&crl, "http://x/y", 10, &not_critical, detail,
	                                         sizeof detail), 0);
	assert_int_equal(not_critical, 0);
	assert_int_equal(pw_monitor_crl_lists(&crl, s5, 1), 0);
	/* Truncation: every proper prefix of a DER CRL that keeps its header
	 * announces more than it holds. */
	assert_int_equal(pw_monitor_der_truncated(der, len), 0);
	for (size_t cut = 2; cut < len; cut += 7)
		assert_int_equal(pw_monitor_der_truncated(der, cut), 1);
	pw_crl_cleanup(&crl);
	free(der);
	free(spki);
	free(ospki);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

/* ---- Bodies ---- */

static void test_classify_body(void **state)
{
	(void)state;
	static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	static const char html[] = "  \r\n<!DOCTYPE html><html></html>";
	static const char pem[] = "-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n";
	static const char text[] = "Service unavailable";
	assert_int_equal(pw_monitor_classify_body("application/pkix-crl", der, sizeof der),
	                 PW_MONITOR_BODY_DER);
	assert_int_equal(pw_monitor_classify_body(NULL, der, sizeof der), PW_MONITOR_BODY_DER);
	/* The Content-Type decides first (parameters and case ignored)... */
	assert_int_equal(pw_monitor_classify_body("Text/HTML; charset=utf-8", der, sizeof der),
	                 PW_MONITOR_BODY_HTML);
	assert_int_equal(pw_monitor_classify_body("text/htmlx", der, sizeof der), PW_MONITOR_BODY_DER);
	/* ... then the bytes, whatever the server claims. */
	assert_int_equal(pw_monitor_classify_body("application/pkix-crl", (const uint8_t *)html,
	                                          strlen(html)), PW_MONITOR_BODY_HTML);
	assert_int_equal(pw_monitor_classify_body("application/x-pem-file", (const uint8_t *)pem,
	                                          strlen(pem)), PW_MONITOR_BODY_PEM);
	assert_int_equal(pw_monitor_classify_body("text/plain", (const uint8_t *)text, strlen(text)),
	                 PW_MONITOR_BODY_OTHER);
	assert_int_equal(pw_monitor_classify_body(NULL, NULL, 0), PW_MONITOR_BODY_OTHER);
	/* Truncation of odd headers: long form cut inside the length octets,
	 * indefinite length (not DER) and a non-SEQUENCE are not "truncated". */
	static const uint8_t cut_len[] = {0x30, 0x82, 0x01};
	static const uint8_t long_ok[] = {0x30, 0x81, 0x01, 0x00};
	static const uint8_t indef[] = {0x30, 0x80, 0x00, 0x00};
	static const uint8_t notseq[] = {0x04, 0x05, 0x00};
	assert_int_equal(pw_monitor_der_truncated(cut_len, sizeof cut_len), 1);
	assert_int_equal(pw_monitor_der_truncated(long_ok, sizeof long_ok), 0);
	assert_int_equal(pw_monitor_der_truncated(indef, sizeof indef), 0);
	assert_int_equal(pw_monitor_der_truncated(notseq, sizeof notseq), 0);
	assert_int_equal(pw_monitor_der_truncated(der, 1), 0);
}

/* ---- Verdicts ---- */

static void test_verdicts(void **state)
{
	(void)state;
	const int64_t rev = 1700000000, day = 86400;
	/* BR 4.9.7: 24 h to publish a CRL that lists it. */
	assert_int_equal(pw_monitor_crl_verdict(1, rev, rev + 3 * day, day), PW_MONITOR_VISIBLE);
	assert_int_equal(pw_monitor_crl_verdict(0, rev, rev + 60, day), PW_MONITOR_PENDING);
	assert_int_equal(pw_monitor_crl_verdict(0, rev, rev + day, day), PW_MONITOR_PENDING);
	assert_int_equal(pw_monitor_crl_verdict(0, rev, rev + day + 1, day), PW_MONITOR_LATE);
	/* OCSP: revoked is visible whenever. */
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_REVOKED, rev, rev + 5, 0, day),
	                 PW_MONITOR_VISIBLE);
	/* good: stale as soon as the grace is over (default grace 0). */
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_GOOD, rev, rev, 0, day), PW_MONITOR_PENDING);
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_GOOD, rev, rev + 1, 0, day),
	                 PW_MONITOR_STALE_GOOD);
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_GOOD, rev, rev + 600, 900, day),
	                 PW_MONITOR_PENDING);
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_GOOD, rev, rev + 901, 900, day),
	                 PW_MONITOR_STALE_GOOD);
	/* unknown: tolerated until the deadline only. */
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_UNKNOWN, rev, rev + 60, 0, day),
	                 PW_MONITOR_PENDING);
	assert_int_equal(pw_monitor_ocsp_verdict(PW_OCSP_UNKNOWN, rev, rev + 2 * day, 0, day),
	                 PW_MONITOR_UNKNOWN_STATUS);
}

/* ---- Names, subjects, URLs ---- */

static void test_names_and_urls(void **state)
{
	(void)state;
	enum pw_monitor_alert_kind k;
	char subj[PW_MONITOR_SUBJECT_MAX];
	for (unsigned i = 0; i < PW_MONITOR_ALERT_COUNT_; i++) {
		const char *n = pw_monitor_alert_name((enum pw_monitor_alert_kind)i);
		assert_true(strlen(n) <= PW_STORE_MONITOR_MAX_KIND);
		assert_int_equal(pw_monitor_alert_from_name(n, &k), 1);
		assert_int_equal(k, i);
		assert_true(strlen(pw_monitor_alert_what(k)) > 10);
	}
	assert_int_equal(pw_monitor_alert_from_name("crl-stale ", &k), 0);
	assert_string_equal(pw_monitor_alert_name(PW_MONITOR_ALERT_COUNT_), "?");
	assert_string_equal(pw_monitor_subject_url("http://a/b.crl", subj), "url:http://a/b.crl");
	char longurl[600];
	memset(longurl, 'a', sizeof longurl - 1);
	longurl[sizeof longurl - 1] = '\0';
	memcpy(longurl, "http://", 7);
	pw_monitor_subject_url(longurl, subj);
	assert_int_equal(strncmp(subj, "url-sha256:", 11), 0);
	assert_int_equal(strlen(subj), 11 + 64);

	/* RFC 5019 §5: base64 with '+', '/' and '=' percent-encoded, one '/'. */
	static const uint8_t req[] = {0xfb, 0xff, 0xbf, 0x00};
	char *u = pw_monitor_ocsp_get_url("http://ocsp.example.com", req, sizeof req);
	assert_string_equal(u, "http://ocsp.example.com/%2B%2F%2B%2FAA%3D%3D");
	free(u);
	u = pw_monitor_ocsp_get_url("http://ocsp.example.com/x/", req, 3);
	assert_string_equal(u, "http://ocsp.example.com/x/%2B%2F%2B%2F");
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crl_number),
		cmocka_unit_test(test_idp_and_entries),
		cmocka_unit_test(test_classify_body),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_names_and_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
