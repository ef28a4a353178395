/* Tests of the lint engine: registry, applicability (source gate, NA, NE),
 * profile detection, TBS linting, parse failures, JSON shape, result-set
 * reuse, and pkiward's own lints on certificates built here with OpenSSL
 * (as fixtures only: pkiward parses them with its own DER reader). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* ---- fixtures ---- */

static EVP_PKEY *g_root_key, *g_leaf_key;

struct spec {
	int is_ca;
	int self_signed;                 /* sign with own key, issuer = subject */
	const char *subject;             /* "C=US,O=Example,CN=example.com" style */
	const char *eku;                 /* NULL = no EKU extension */
	const char *policies;            /* NULL = none */
	const char *san;                 /* NULL = none */
	int64_t not_before, not_after;
	const uint8_t *serial;           /* NULL = 16 random-looking octets */
	size_t serial_len;
	int poison;                      /* 0 none, 1 critical NULL, 2 non-critical, 3 bad value */
	int sct;                         /* add an (empty-ish) SCT list extension */
	int no_aia;
};

static EVP_PKEY *make_key(void)
{
	return EVP_EC_gen("P-256");
}

static int setup(void **state)
{
	(void)state;
	g_root_key = make_key();
	g_leaf_key = make_key();
	return g_root_key != NULL && g_leaf_key != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(g_root_key);
	EVP_PKEY_free(g_leaf_key);
	return 0;
}

static X509_NAME *parse_name(const char *s)
{
	X509_NAME *n = X509_NAME_new();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		assert_non_null(eq);
		*eq = '\0';
		assert_int_equal(X509_NAME_add_entry_by_txt(n, tok, MBSTRING_UTF8,
		                                            (const unsigned char *)eq + 1, -1, -1, 0),
		                 1);
	}
	return n;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	/* certificatePolicies is parsed through a (here empty) config database. */
	CONF *conf = NCONF_new(NULL);
	assert_non_null(conf);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509V3_set_nconf(&ctx, conf);
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(conf, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	NCONF_free(conf);
}

static void add_raw_ext(X509 *x, const char *oid, int critical, const uint8_t *v, size_t n)
{
	ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	assert_non_null(o);
	assert_int_equal(ASN1_OCTET_STRING_set(os, v, (int)n), 1);
	X509_EXTENSION *e = X509_EXTENSION_create_by_OBJ(NULL, o, critical, os);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(o);
}

/* Builds a certificate per spec; *out_tbs (optional) gets the TBS DER. */
static uint8_t *build(const struct spec *s, size_t *out_len, uint8_t **out_tbs, size_t *tbs_len)
{
	static const uint8_t default_serial[16] = {0x5a, 0x13, 0x99, 0x01, 0xfe, 0x22, 0x37, 0x48,
	                                           0x6b, 0x7c, 0x8d, 0x9e, 0xaf, 0xb0, 0xc1, 0xd2};
	X509 *x = X509_new();
	X509 *root = NULL;
	EVP_PKEY *key = s->self_signed ? g_root_key : g_leaf_key;
	X509_NAME *subj = parse_name(s->subject);
	X509_NAME *iss = s->self_signed ? X509_NAME_dup(subj) : parse_name("C=US,O=Test CA,CN=Test Root");
	assert_int_equal(X509_set_version(x, 2), 1);
	BIGNUM *bn = BN_bin2bn(s->serial ? s->serial : default_serial,
	                       (int)(s->serial ? s->serial_len : sizeof default_serial), NULL);
	ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, NULL);
	assert_int_equal(X509_set_serialNumber(x, ai), 1);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	assert_int_equal(X509_set_subject_name(x, subj), 1);
	assert_int_equal(X509_set_issuer_name(x, iss), 1);
	ASN1_TIME *nb = ASN1_TIME_set(NULL, (time_t)s->not_before);
	ASN1_TIME *na = ASN1_TIME_set(NULL, (time_t)s->not_after);
	assert_int_equal(X509_set1_notBefore(x, nb), 1);
	assert_int_equal(X509_set1_notAfter(x, na), 1);
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	assert_int_equal(X509_set_pubkey(x, key), 1);

	if (!s->self_signed) {
		/* A stand-in issuer so authorityKeyIdentifier can be computed. */
		root = X509_new();
		X509_set_pubkey(root, g_root_key);
		X509_set_subject_name(root, iss);
		add_ext(root, root, NID_subject_key_identifier, "hash");
	}
	add_ext(x, s->self_signed ? x : root, NID_basic_constraints,
	        s->is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(x, x, NID_key_usage,
	        s->is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	add_ext(x, x, NID_subject_key_identifier, "hash");
	add_ext(x, s->self_signed ? x : root, NID_authority_key_identifier, "keyid:always");
	if (s->eku != NULL)
		add_ext(x, x, NID_ext_key_usage, s->eku);
	if (s->policies != NULL)
		add_ext(x, x, NID_certificate_policies, s->policies);
	if (s->san != NULL)
		add_ext(x, x, NID_subject_alt_name, s->san);
	if (!s->no_aia)
		add_ext(x, x, NID_info_access,
		        "OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/ca.der");
	if (s->is_ca && !s->self_signed)
		add_ext(x, x, NID_crl_distribution_points, "URI:http://crl.example.com/ca.crl");
	if (s->poison) {
		static const uint8_t null_der[2] = {0x05, 0x00}, bad[3] = {0x04, 0x01, 0x00};
		add_raw_ext(x, "1.3.6.1.4.1.11129.2.4.3", s->poison != 2, s->poison == 3 ? bad : null_der,
		            s->poison == 3 ? sizeof bad : sizeof null_der);
	}
	if (s->sct) {
		static const uint8_t sct[4] = {0x04, 0x02, 0x00, 0x00};
		add_raw_ext(x, "1.3.6.1.4.1.11129.2.4.2", 0, sct, sizeof sct);
	}
	assert_true(X509_sign(x, s->self_signed ? g_root_key : g_root_key, EVP_sha256()) > 0);

	uint8_t *der = NULL;
	int len = i2d_X509(x, &der);
	assert_true(len > 0);
	*out_len = (size_t)len;
	if (out_tbs != NULL) {
		uint8_t *t = NULL;
		int tl = i2d_re_X509_tbs(x, &t);
		assert_true(tl > 0);
		*out_tbs = t;
		*tbs_len = (size_t)tl;
	}
	X509_free(root);
	X509_NAME_free(subj);
	X509_NAME_free(iss);
	X509_free(x);
	return der;
}

#define T_2025_01 PW_LINT_YMD(2025, 1, 10)
#define T_2026_04 PW_LINT_YMD(2026, 4, 1)
#define DAY 86400

static struct spec dv_spec(void)
{
	struct spec s = {0};
	s.subject = "CN=www.example.com";
	s.eku = "serverAuth";
	s.policies = "2.23.140.1.2.1";
	s.san = "DNS:www.example.com";
	s.not_before = T_2025_01;
	s.not_after = T_2025_01 + 90 * DAY - 1;
	return s;
}

static const struct pw_lint_result *find(const struct pw_lint_results *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].def->name, name) == 0)
			return &r->v[i];
	return NULL;
}

static enum pw_lint_status lint_status(const uint8_t *der, size_t len, int tbs,
                                       enum pw_lint_profile profile, const char *name)
{
	struct pw_lint_results r;
	struct pw_lint_opts o;
	struct pw_error err;
	const char *only[2] = {name, NULL};
	memset(&o, 0, sizeof o);
	o.profile = profile;
	o.only = only;
	o.include_na = 1;
	pw_lint_results_init(&r);
	enum pw_status st = tbs ? pw_lint_tbs(der, len, &o, &r, &err) : pw_lint_cert(der, len, &o, &r, &err);
	assert_int_equal(st, PW_OK);
	const struct pw_lint_result *res = find(&r, name);
	assert_non_null(res);
	enum pw_lint_status out = res->status;
	pw_lint_results_cleanup(&r);
	return out;
}

/* ---- tests ---- */

static void test_dates(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_int_equal(PW_LINT_YMD(1970, 1, 1), 0);
	assert_int_equal(PW_DATE_CABF_BRS_2_0_0, 1694736000);
	assert_int_equal(PW_DATE_SC081_FIRST, 1773532800);
	assert_int_equal(PW_DATE_SC081_THIRD, 1868227200);
	assert_int_equal(PW_LINT_YMD(2000, 2, 29), 951782400);
	assert_true(pw_lint_parse_date("2027-03-15", &t));
	assert_int_equal(t, PW_DATE_SC081_SECOND);
	assert_false(pw_lint_parse_date("2027-02-29", &t));
	assert_false(pw_lint_parse_date("2027-3-15", &t));
	assert_false(pw_lint_parse_date("2027-13-01", &t));
}

static void test_dns_helpers(void **state)
{
	(void)state;
	struct pw_der d;
	assert_true(pw_lint_is_ldh_label((const uint8_t *)"xn--bcher-kva", 13));
	assert_false(pw_lint_is_ldh_label((const uint8_t *)"ab--cd", 6));
	assert_false(pw_lint_is_ldh_label((const uint8_t *)"-ab", 3));
	assert_false(pw_lint_is_ldh_label((const uint8_t *)"a_b", 3));
	d.p = (const uint8_t *)"*.example.com";
	d.len = 13;
	assert_true(pw_lint_is_valid_dns_name(&d, 1));
	assert_false(pw_lint_is_valid_dns_name(&d, 0));
	d.p = (const uint8_t *)"a..b";
	d.len = 4;
	assert_false(pw_lint_is_valid_dns_name(&d, 1));
	d.p = (const uint8_t *)"Example.COM";
	d.len = 11;
	assert_true(pw_lint_der_eq_ci(&d, "example.com"));
	assert_true(pw_lint_der_has_suffix_ci(&d, ".com"));
	assert_false(pw_lint_der_eq(&d, "example.com"));
}

static void test_registry(void **state)
{
	(void)state;
	size_t n = pw_lint_count();
	assert_true(n > 0);
	assert_string_equal(pw_lint_registry_error(), "");
	for (size_t i = 0; i < n; i++) {
		const struct pw_lint_def *d = pw_lint_get0(i);
		assert_non_null(d);
		if (i > 0)
			assert_true(strcmp(pw_lint_get0(i - 1)->name, d->name) < 0);
		assert_ptr_equal(pw_lint_find(d->name), d);
		/* Severity follows the name prefix (zlint's convention). */
		switch (d->name[0]) {
		case 'e': assert_true(d->severity == PW_LINT_ERROR || d->severity == PW_LINT_FATAL); break;
		case 'w': assert_int_equal(d->severity, PW_LINT_WARN); break;
		case 'n': assert_int_equal(d->severity, PW_LINT_NOTICE); break;
		default: fail_msg("lint %s: name must start with e_, w_ or n_", d->name);
		}
		assert_non_null(d->citation);
		assert_true(d->citation[0] != '\0');
		assert_non_null(d->description);
	}
	assert_null(pw_lint_find("e_no_such_lint"));
	assert_non_null(pw_lint_find(PW_LINT_NAME_DER_STRICT));
	assert_null(pw_lint_get0(n));
}

static void test_profile_detection(void **state)
{
	(void)state;
	struct { struct spec s; enum pw_lint_profile want; } cases[6];
	size_t len;
	struct pw_cert c;
	struct pw_error err;
	for (size_t i = 0; i < 6; i++)
		cases[i].s = dv_spec();
	cases[0].want = PW_PROFILE_DV;
	cases[1].s.policies = "2.23.140.1.1";
	cases[1].s.subject = "C=US,O=Example,CN=www.example.com";
	cases[1].want = PW_PROFILE_EV;
	cases[2].s.is_ca = 1;
	cases[2].s.self_signed = 1;
	cases[2].s.eku = NULL;
	cases[2].s.policies = NULL;
	cases[2].s.subject = "C=US,O=Test CA,CN=Test Root";
	cases[2].want = PW_PROFILE_ROOT;
	cases[3].s.is_ca = 1;
	cases[3].s.subject = "C=US,O=Test CA,CN=Test Issuing CA";
	cases[3].s.eku = "serverAuth";
	cases[3].s.policies = "2.23.140.1.2.1";
	cases[3].want = PW_PROFILE_SUBORDINATE_CA;
	cases[4].s.eku = "OCSPSigning";
	cases[4].s.policies = NULL;
	cases[4].want = PW_PROFILE_OCSP_RESPONDER;
	cases[5].s.eku = "emailProtection";
	cases[5].s.policies = NULL;
	cases[5].want = PW_PROFILE_NON_TLS;
	for (size_t i = 0; i < 6; i++) {
		uint8_t *der = build(&cases[i].s, &len, NULL, NULL);
		pw_cert_init(&c);
		assert_int_equal(pw_cert_parse(&c, der, len, &err), PW_OK);
		assert_int_equal(pw_lint_detect_profile(&c), cases[i].want);
		/* A self-signed root verifies; a self-issued leaf here does not. */
		assert_int_equal(pw_lint_compute_self_signed(&c), cases[i].s.self_signed);
		pw_cert_cleanup(&c);
		OPENSSL_free(der);
	}
	enum pw_lint_profile p;
	assert_true(pw_lint_profile_parse("subordinate-ca", &p));
	assert_int_equal(p, PW_PROFILE_SUBORDINATE_CA);
	assert_string_equal(pw_lint_profile_str(PW_PROFILE_EV), "ev");
	assert_false(pw_lint_profile_parse("gold", &p));
}

static void test_self_signed_pss(void **state)
{
	(void)state;
	/* A root signed with RSASSA-PSS: self-signed must still be recognised
	 * (zcrypto verifies PSS), so the root profile applies. */
	EVP_PKEY *rsa = EVP_RSA_gen(2048);
	assert_non_null(rsa);
	X509 *x = X509_new();
	X509_NAME *n = parse_name("C=US,O=PSS CA,CN=PSS Root");
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x5a139901);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
	X509_set_pubkey(x, rsa);
	add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	assert_int_equal(EVP_DigestSignInit(mctx, &pctx, EVP_sha256(), NULL, rsa), 1);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0);
	assert_true(X509_sign_ctx(x, mctx) > 0);
	uint8_t *der = NULL;
	int len = i2d_X509(x, &der);
	assert_true(len > 0);
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, (size_t)len, &err), PW_OK);
	assert_int_equal(c.sig_alg_outer.id, PW_OID_RSASSA_PSS);
	assert_true(pw_lint_compute_self_signed(&c));
	assert_int_equal(pw_lint_detect_profile(&c), PW_PROFILE_ROOT);
	/* A flipped signature bit: no longer self-signed, hence a sub-CA. */
	der[len - 1] ^= 0x01;
	assert_int_equal(pw_cert_parse(&c, der, (size_t)len, &err), PW_OK);
	assert_false(pw_lint_compute_self_signed(&c));
	assert_int_equal(pw_lint_detect_profile(&c), PW_PROFILE_SUBORDINATE_CA);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
	EVP_MD_CTX_free(mctx);
	X509_NAME_free(n);
	X509_free(x);
	EVP_PKEY_free(rsa);
}

static void test_source_gate_and_profiles(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	s.eku = "emailProtection"; /* not server-auth for zlint: BR lints are NA */
	s.policies = NULL;
	size_t len;
	uint8_t *der = build(&s, &len, NULL, NULL);
	struct pw_lint_results r;
	struct pw_lint_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	o.include_na = 1;
	pw_lint_results_init(&r);
	assert_int_equal(pw_lint_cert(der, len, &o, &r, &err), PW_OK);
	assert_int_equal(r.profile, PW_PROFILE_NON_TLS);
	size_t br = 0;
	for (size_t i = 0; i < r.n; i++) {
		const struct pw_lint_def *d = r.v[i].def;
		if (d->source == PW_SRC_CABF_BR && !(d->flags & PW_LINT_F_NO_SOURCE_GATE)) {
			assert_int_equal(r.v[i].status, PW_LINT_NA);
			br++;
		}
		if (strncmp(d->name, "e_pkiward_profile", 17) == 0)
			assert_int_equal(r.v[i].status, PW_LINT_NA);
	}
	/* Every registered CERT lint has a row when NA is kept. */
	size_t ncert = 0;
	for (size_t i = 0; i < pw_lint_count(); i++)
		ncert += pw_lint_get0(i)->target == PW_TARGET_CERT;
	assert_int_equal(r.n, ncert);
	/* An explicit TLS profile opens the gate: the subject/profile lints run. */
	o.profile = PW_PROFILE_DV;
	assert_int_equal(pw_lint_cert(der, len, &o, &r, &err), PW_OK);
	assert_int_equal(r.profile, PW_PROFILE_DV);
	const struct pw_lint_result *res = find(&r, "e_pkiward_profile_required_extension_missing");
	assert_non_null(res);
	assert_int_not_equal(res->status, PW_LINT_NA);
	(void)br;
	pw_lint_results_cleanup(&r);
	OPENSSL_free(der);
}

static void test_not_effective(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	size_t len;
	/* notBefore 2019: before the 2020-09-01 effective date → NE. */
	s.not_before = PW_LINT_YMD(2019, 6, 1);
	s.not_after = s.not_before + 500 * (int64_t)DAY;
	uint8_t *der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_sub_cert_validity_exceeds_br_maximum"),
	                 PW_LINT_NE);
	OPENSSL_free(der);
	/* SC-081: 201 days issued 2026-04-01 → error; 200 days exactly → pass. */
	s.not_before = T_2026_04;
	s.not_after = T_2026_04 + 201 * (int64_t)DAY - 1;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_sub_cert_validity_exceeds_br_maximum"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	s.not_after = T_2026_04 + 200 * (int64_t)DAY - 1;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_sub_cert_validity_exceeds_br_maximum"),
	                 PW_LINT_PASS);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "w_pkiward_sub_cert_validity_exceeds_br_recommended"),
	                 PW_LINT_WARN);
	/* One second more is an additional day (BR 6.3.2). */
	OPENSSL_free(der);
	s.not_after = T_2026_04 + 200 * (int64_t)DAY;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_sub_cert_validity_exceeds_br_maximum"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
}

static void test_tbs_iv_incident(void **state)
{
	(void)state;
	/* The incident in DESIGN.md: IV-policy precertificates without the
	 * subject fields IV requires. Caught on the TBS, before signing. */
	struct spec s = dv_spec();
	s.policies = "2.23.140.1.2.3";
	s.subject = "C=US,ST=California,CN=www.example.com";
	s.poison = 1;
	size_t len, tlen;
	uint8_t *tbs = NULL;
	uint8_t *der = build(&s, &len, &tbs, &tlen);
	struct pw_lint_results r;
	struct pw_lint_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	pw_lint_results_init(&r);
	assert_int_equal(pw_lint_tbs(tbs, tlen, &o, &r, &err), PW_OK);
	assert_false(r.parse_failed);
	assert_int_equal(r.profile, PW_PROFILE_IV);
	const struct pw_lint_result *res = find(&r, "e_pkiward_iv_subject_required_attribute_missing");
	assert_non_null(res);
	assert_int_equal(res->status, PW_LINT_ERROR);
	assert_non_null(strstr(res->details, "givenName"));
	/* NA rows are dropped by default. */
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.v[i].status != PW_LINT_NA && r.v[i].status != PW_LINT_NE);
	/* A TBS is not a certificate: pw_lint_cert refuses it as strict DER. */
	assert_int_equal(pw_lint_cert(tbs, tlen, &o, &r, &err), PW_OK);
	assert_true(r.parse_failed);
	/* The signed precertificate gives the same verdict. */
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_iv_subject_required_attribute_missing"),
	                 PW_LINT_ERROR);
	pw_lint_results_cleanup(&r);
	OPENSSL_free(tbs);
	OPENSSL_free(der);
}

static void test_ct_poison(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	size_t len;
	uint8_t *der;
	s.poison = 1;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_not_critical"),
	                 PW_LINT_PASS);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_value_not_null"),
	                 PW_LINT_PASS);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_with_sct_list"),
	                 PW_LINT_PASS);
	OPENSSL_free(der);
	s.poison = 2;
	s.sct = 1;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_not_critical"),
	                 PW_LINT_ERROR);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_with_sct_list"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	s.poison = 3;
	s.sct = 0;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_value_not_null"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	s.poison = 0;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_ct_poison_not_critical"),
	                 PW_LINT_NA);
	OPENSSL_free(der);
}

static void test_serials(void **state)
{
	(void)state;
	static const uint8_t one[1] = {0x01};
	static const uint8_t s21[21] = {0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
	static const uint8_t s7[7] = {0x7f, 1, 2, 3, 4, 5, 6};
	struct spec s = dv_spec();
	size_t len;
	uint8_t *der;
	s.serial = one;
	s.serial_len = sizeof one;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_serial_number_low_entropy"),
	                 PW_LINT_ERROR);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_serial_number_out_of_range"),
	                 PW_LINT_PASS);
	OPENSSL_free(der);
	s.serial = s21;
	s.serial_len = sizeof s21;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_serial_number_out_of_range"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	s.serial = s7;
	s.serial_len = sizeof s7;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "w_pkiward_serial_number_short"),
	                 PW_LINT_WARN);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO, "e_pkiward_serial_number_low_entropy"),
	                 PW_LINT_PASS);
	OPENSSL_free(der);
}

static void test_subject_allow_lists(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	size_t len;
	uint8_t *der;
	s.subject = "C=US,L=Springfield,CN=www.example.com";
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_dv_subject_attribute_not_allowed"),
	                 PW_LINT_ERROR);
	/* The same certificate under --profile ov: L is allowed, O is missing. */
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_OV,
	                             "e_pkiward_ov_subject_attribute_not_allowed"),
	                 PW_LINT_PASS);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_OV,
	                             "e_pkiward_ov_subject_required_attribute_missing"),
	                 PW_LINT_ERROR);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_OV,
	                             "e_pkiward_dv_subject_attribute_not_allowed"),
	                 PW_LINT_NA);
	OPENSSL_free(der);
	s.policies = "2.23.140.1.2.2";
	s.subject = "C=US,ST=Illinois,O=Example Inc.,OU=IT,CN=www.example.com";
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_ov_subject_attribute_not_allowed"),
	                 PW_LINT_ERROR);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_ov_subject_required_attribute_missing"),
	                 PW_LINT_PASS);
	OPENSSL_free(der);
	s.subject = "C=US,ST=-,O=Example Inc.,CN=www.example.com";
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_subject_attribute_metadata_only"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
}

static void test_profile_tables(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	size_t len;
	uint8_t *der;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_profile_required_extension_missing"),
	                 PW_LINT_PASS);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_profile_extension_criticality"),
	                 PW_LINT_PASS);
	/* subjectKeyIdentifier is NOT RECOMMENDED in subscriber certificates. */
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "n_pkiward_profile_not_recommended_extension_present"),
	                 PW_LINT_NOTICE);
	/* As a subordinate CA the same certificate lacks cRLDistributionPoints. */
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_SUBORDINATE_CA,
	                             "e_pkiward_profile_required_extension_missing"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	s.no_aia = 1;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_profile_required_extension_missing"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
	/* A root with an EKU breaks 7.1.2.1.2. */
	s = dv_spec();
	s.is_ca = 1;
	s.self_signed = 1;
	s.subject = "C=US,O=Test CA,CN=Test Root";
	s.policies = NULL;
	der = build(&s, &len, NULL, NULL);
	assert_int_equal(lint_status(der, len, 0, PW_PROFILE_AUTO,
	                             "e_pkiward_profile_forbidden_extension_present"),
	                 PW_LINT_ERROR);
	OPENSSL_free(der);
}

static void test_parse_failure(void **state)
{
	(void)state;
	static const uint8_t junk[] = {0x30, 0x82, 0x01, 0x00, 0x02, 0x01};
	struct pw_lint_results r;
	struct pw_lint_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	pw_lint_results_init(&r);
	assert_int_equal(pw_lint_cert(junk, sizeof junk, &o, &r, &err), PW_OK);
	assert_true(r.parse_failed);
	assert_true(r.fatal);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].def->name, PW_LINT_NAME_DER_STRICT);
	assert_int_equal(r.v[0].status, PW_LINT_FATAL);
	assert_non_null(strstr(r.v[0].details, "byte"));
	assert_int_equal(pw_lint_crl(junk, sizeof junk, &o, &r, &err), PW_OK);
	assert_string_equal(r.v[0].def->name, PW_LINT_NAME_CRL_DER_STRICT);
	assert_int_equal(pw_lint_cert(NULL, 0, &o, &r, &err), PW_OK);
	assert_true(r.parse_failed);
	/* Unknown names in `only` are a usage error, not a silent no-op. */
	const char *only[2] = {"e_no_such_lint", NULL};
	o.only = only;
	assert_int_equal(pw_lint_cert(junk, sizeof junk, &o, &r, &err), PW_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "e_no_such_lint"));
	struct spec s = dv_spec();
	size_t len;
	uint8_t *der = build(&s, &len, NULL, NULL);
	assert_int_equal(pw_lint_cert(der, len, &o, &r, &err), PW_ERR_NOTFOUND);
	OPENSSL_free(der);
	pw_lint_results_cleanup(&r);
}

static void check_json_doc(const char *text, int with_file)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	if (doc == NULL)
		fail_msg("invalid JSON: %s", jerr.text);
	assert_true(json_is_object(doc));
	const char *key;
	json_t *v;
	size_t lints = 0;
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "file") == 0 || strcmp(key, "object") == 0 || strcmp(key, "profile") == 0) {
			assert_true(with_file);
			continue;
		}
		assert_non_null(pw_lint_find(key));
		assert_true(json_is_object(v));
		json_t *res = json_object_get(v, "result");
		assert_true(json_is_string(res));
		const char *s = json_string_value(res);
		assert_true(strcmp(s, "pass") == 0 || strcmp(s, "info") == 0 || strcmp(s, "warn") == 0 ||
		            strcmp(s, "error") == 0 || strcmp(s, "fatal") == 0 ||
		            strcmp(s, "NA") == 0 || strcmp(s, "NE") == 0);
		json_t *det = json_object_get(v, "details");
		assert_true(det == NULL || json_is_string(det));
		lints++;
	}
	assert_true(lints > 0);
	if (with_file) {
		assert_string_equal(json_string_value(json_object_get(doc, "file")), "a \"b\".pem");
		assert_int_equal(json_integer_value(json_object_get(doc, "object")), 2);
		assert_string_equal(json_string_value(json_object_get(doc, "profile")), "dv");
	}
	json_decref(doc);
}

static void test_json_shape(void **state)
{
	(void)state;
	struct spec s = dv_spec();
	s.subject = "C=US,L=Springfield,CN=www.example.com"; /* a finding with details */
	size_t len;
	uint8_t *der = build(&s, &len, NULL, NULL);
	struct pw_lint_results r;
	struct pw_lint_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	o.include_na = 1;
	pw_lint_results_init(&r);
	assert_int_equal(pw_lint_cert(der, len, &o, &r, &err), PW_OK);
	char *j = pw_lint_results_to_json(&r, NULL, 0);
	assert_non_null(j);
	check_json_doc(j, 0);
	free(j);
	j = pw_lint_results_to_json(&r, "a \"b\".pem", 2);
	assert_non_null(j);
	check_json_doc(j, 1);
	free(j);
	j = pw_lint_catalog_to_json();
	assert_non_null(j);
	json_error_t jerr;
	json_t *cat = json_loads(j, 0, &jerr);
	assert_non_null(cat);
	assert_int_equal(json_array_size(cat), pw_lint_count());
	json_t *first = json_array_get(cat, 0);
	assert_true(json_is_string(json_object_get(first, "name")));
	assert_true(json_is_string(json_object_get(first, "citation")));
	json_decref(cat);
	free(j);
	pw_lint_results_cleanup(&r);
	OPENSSL_free(der);
}

static void test_result_reuse(void **state)
{
	(void)state;
	struct spec a = dv_spec(), b = dv_spec();
	b.subject = "C=US,L=Springfield,CN=www.example.com";
	size_t la, lb;
	uint8_t *da = build(&a, &la, NULL, NULL), *db = build(&b, &lb, NULL, NULL);
	struct pw_lint_results shared, fresh;
	struct pw_lint_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	pw_lint_results_init(&shared);
	for (int round = 0; round < 3; round++) {
		const uint8_t *d = round % 2 ? db : da;
		size_t l = round % 2 ? lb : la;
		pw_lint_results_init(&fresh);
		assert_int_equal(pw_lint_cert(d, l, &o, &shared, &err), PW_OK);
		assert_int_equal(pw_lint_cert(d, l, &o, &fresh, &err), PW_OK);
		assert_int_equal(shared.n, fresh.n);
		assert_int_equal(shared.profile, fresh.profile);
		for (size_t i = 0; i < shared.n; i++) {
			assert_ptr_equal(shared.v[i].def, fresh.v[i].def);
			assert_int_equal(shared.v[i].status, fresh.v[i].status);
			assert_string_equal(shared.v[i].details, fresh.v[i].details);
		}
		pw_lint_results_cleanup(&fresh);
	}
	assert_non_null(find(&shared, "e_pkiward_dv_subject_attribute_not_allowed"));
	pw_lint_results_cleanup(&shared);
	pw_lint_results_cleanup(&shared); /* idempotent */
	OPENSSL_free(da);
	OPENSSL_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_dns_helpers),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_profile_detection),
		cmocka_unit_test(test_self_signed_pss),
		cmocka_unit_test(test_source_gate_and_profiles),
		cmocka_unit_test(test_not_effective),
		cmocka_unit_test(test_tbs_iv_incident),
		cmocka_unit_test(test_ct_poison),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_subject_allow_lists),
		cmocka_unit_test(test_profile_tables),
		cmocka_unit_test(test_parse_failure),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_result_reuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
