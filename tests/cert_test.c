/* Unit tests of cert/: fixtures made by tests/data/make_cert_fixtures.sh
 * (openssl CLI) are parsed and checked field by field. Values the script
 * fixes (names, dates, extensions) are asserted literally; values that
 * depend on the freshly generated keys (fingerprints, key identifiers) are
 * checked against OpenSSL's own reading of the same file, an independent
 * implementation. Bad inputs assert the status and the byte offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h" /* src/cert: the Name reader, for the limit tests */
#include "pkiward/cert.h"

#define FIX PW_TESTDATA_DIR "/cert/"
#define MAX_FIXTURE (1u << 20)

/* 2025-01-01T00:00:00Z and the other fixed dates of the fixture script. */
#define T_2025_01_01 1735689600
#define T_2025_02_01 (T_2025_01_01 + 31 * 86400)
#define T_2025_02_08 (T_2025_02_01 + 7 * 86400)
#define T_2025_04_01 (T_2025_01_01 + 90 * 86400)
#define T_2035_01_01 2051222400

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob load(const char *path)
{
	struct blob b = { 0 };
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	b.p = malloc(MAX_FIXTURE);
	assert_non_null(b.p);
	b.len = fread(b.p, 1, MAX_FIXTURE, f);
	fclose(f);
	assert_true(b.len > 0 && b.len < MAX_FIXTURE);
	return b;
}

static int win_eq_str(const struct pw_der *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->p, s, w->len) == 0;
}

static int win_eq(const struct pw_der *w, const uint8_t *p, size_t n)
{
	return w->len == n && memcmp(w->p, p, n) == 0;
}

/* OpenSSL's view of a DER certificate, as the oracle for key-dependent values. */
static X509 *ossl_cert(const struct blob *b)
{
	const unsigned char *p = b->p;
	X509 *x = d2i_X509(NULL, &p, (long)b->len);
	assert_non_null(x);
	return x;
}

static void parse_ok(struct pw_cert *c, const struct blob *b)
{
	struct pw_error err;
	enum pw_status st = pw_cert_parse(c, b->p, b->len, &err);
	if (st != PW_OK) {
		char msg[512];
		fprintf(stderr, "parse failed: %s\n", pw_error_format(&err, msg, sizeof msg));
	}
	assert_int_equal(st, PW_OK);
}

static void test_leaf_rsa(void **state)
{
	(void)state;
	struct blob b = load(FIX "leaf_rsa.der"), cab = load(FIX "ca.der");
	struct pw_cert c;
	char text[256];
	pw_cert_init(&c);
	parse_ok(&c, &b);

	assert_int_equal(c.kind, PW_KIND_CERT);
	assert_true(c.der.p == b.p && c.der.len == b.len);
	assert_int_equal(c.version_present, 1);
	assert_int_equal(c.version, 2);
	assert_string_equal(pw_serial_to_hex(&c.serial, text, sizeof text), "1001");
	assert_int_equal(c.sig_alg_inner.id, PW_OID_SHA256_WITH_RSA);
	assert_int_equal(c.sig_alg_inner.params_present, 1);
	assert_int_equal(c.sig_alg_inner.params_tag, PW_DER_NULL);
	assert_true(pw_der_equal(&c.sig_alg_inner.raw, &c.sig_alg_outer.raw));

	/* Names keep encoding order, OID, string type and raw value. */
	assert_int_equal(c.issuer.n_rdns, 3);
	assert_int_equal(c.issuer.n_attrs, 3);
	assert_int_equal(c.issuer.attrs[0].id, PW_OID_C);
	assert_int_equal(c.issuer.attrs[0].tag, PW_DER_PRINTABLE_STRING);
	assert_true(win_eq_str(&c.issuer.attrs[0].value, "US"));
	assert_int_equal(c.issuer.attrs[2].id, PW_OID_CN);
	assert_int_equal(c.issuer.attrs[2].tag, PW_DER_UTF8_STRING);
	assert_int_equal(c.issuer.attrs[2].rdn, 2);
	assert_true(win_eq_str(&c.issuer.attrs[2].value, "Pkiward Test Root"));
	assert_true(c.issuer.attrs[2].charset_ok);
	assert_true(c.issuer.set_order_ok);
	assert_string_equal(pw_name_to_text(&c.subject, text, sizeof text),
	                    "CN=www.example.com, O=Example Inc, C=US");
	/* Truncation keeps a NUL-terminated prefix. */
	assert_string_equal(pw_name_to_text(&c.subject, text, 8), "CN=www.");

	assert_int_equal(c.not_before, T_2025_01_01);
	assert_int_equal(c.not_after, T_2025_04_01);
	assert_int_equal(c.not_before_tag, PW_DER_UTC_TIME);
	assert_true(win_eq_str(&c.not_after_raw, "250401000000Z"));
	assert_true(c.validity_strict_ok);
	assert_true(c.validity_ok);

	assert_int_equal(c.spki.alg.id, PW_OID_RSA_ENCRYPTION);
	assert_true(c.spki.rsa_ok);
	assert_int_equal(c.spki.rsa_bits, 2048);
	assert_int_equal(c.spki.rsa_e_u64, 65537);
	assert_int_equal(c.spki.key_unused_bits, 0);

	/* Extensions in encoding order (the fixture script's order; OpenSSL
	 * adds SKI/AKI where its config lists them). */
	static const enum pw_oid order[] = {
		PW_OID_EXT_BASIC_CONSTRAINTS, PW_OID_EXT_KEY_USAGE, PW_OID_EXT_EXT_KEY_USAGE,
		PW_OID_EXT_SKI, PW_OID_EXT_AKI, PW_OID_EXT_SAN, PW_OID_EXT_CERTIFICATE_POLICIES,
		PW_OID_EXT_AIA, PW_OID_EXT_CRL_DISTRIBUTION_POINTS,
	};
	assert_int_equal(c.n_exts, sizeof order / sizeof order[0]);
	assert_int_equal(c.has_ext_list, 1);
	for (size_t i = 0; i < c.n_exts; i++) {
		assert_int_equal(c.exts[i].id, order[i]);
		assert_true(c.exts[i].decoded_ok);
	}
	assert_true(c.exts_unique_ok);
	assert_false(c.has_unknown_critical);
	assert_true(c.exts[0].critical && c.exts[0].critical_present);
	assert_false(c.exts[2].critical || c.exts[2].critical_present);

	assert_true(c.x.bc.present && c.x.bc.critical);
	assert_false(c.x.bc.ca);
	assert_false(c.x.bc.has_pathlen);
	assert_false(c.is_ca);
	assert_true(c.x.ku.present && c.x.ku.critical);
	assert_int_equal(c.x.ku.bits, (1u << 0) | (1u << 2)); /* digitalSignature, keyEncipherment */
	assert_int_equal(c.x.eku.n, 2);
	assert_int_equal(c.x.eku.ids[0], PW_OID_EKU_SERVER_AUTH);
	assert_int_equal(c.x.eku.ids[1], PW_OID_EKU_CLIENT_AUTH);

	assert_true(c.x.san.present);
	assert_false(c.x.san.critical);
	assert_int_equal(c.x.san.names.n, 5);
	const struct pw_general_name *gn = c.x.san.names.v;
	assert_int_equal(gn[0].type, PW_GN_DNS);
	assert_true(win_eq_str(&gn[0].value, "www.example.com"));
	assert_true(gn[0].ia5_ok);
	assert_true(win_eq_str(&gn[1].value, "example.com"));
	assert_true(win_eq_str(&gn[2].value, "*.api.example.com"));
	assert_int_equal(gn[3].type, PW_GN_IP);
	assert_true(win_eq(&gn[3].value, (const uint8_t[]){ 192, 0, 2, 7 }, 4));
	assert_int_equal(gn[4].type, PW_GN_RFC822);
	assert_true(win_eq_str(&gn[4].value, "ops@example.com"));

	assert_int_equal(c.x.policies.n, 2);
	assert_int_equal(c.x.policies.v[0].id, PW_OID_CABF_OV);
	assert_int_equal(c.x.policies.v[0].n_q, 0);
	assert_int_equal(c.x.policies.v[1].id, PW_OID_UNKNOWN);
	assert_int_equal(c.x.policies.v[1].n_q, 1);
	assert_int_equal(c.x.policies.v[1].q[0].id, PW_OID_QT_CPS);
	assert_int_equal(c.x.policies.v[1].q[0].text_tag, PW_DER_IA5_STRING);
	assert_true(win_eq_str(&c.x.policies.v[1].q[0].text, "http://cps.example.com/cps"));
	char dotted[PW_DER_OID_TEXT_MAX];
	assert_true(pw_der_oid_to_text(&c.x.policies.v[1].oid, dotted, sizeof dotted));
	assert_string_equal(dotted, "1.3.6.1.4.1.99999.1");

	assert_int_equal(c.x.aia.n, 2);
	assert_int_equal(c.x.aia.v[0].method, PW_OID_AD_OCSP);
	assert_int_equal(c.x.aia.v[0].location.type, PW_GN_URI);
	assert_true(win_eq_str(&c.x.aia.v[0].location.value, "http://ocsp.example.com"));
	assert_int_equal(c.x.aia.v[1].method, PW_OID_AD_CA_ISSUERS);
	assert_true(win_eq_str(&c.x.aia.v[1].location.value, "http://ca.example.com/ca.crt"));
	assert_int_equal(c.x.crldp.n, 1);
	assert_true(c.x.crldp.v[0].has_full_name);
	assert_int_equal(c.x.crldp.v[0].full_name.n, 1);
	assert_true(win_eq_str(&c.x.crldp.v[0].full_name.v[0].value, "http://crl.example.com/ca.crl"));
	assert_false(c.x.ct_poison.present);
	assert_false(c.x.scts.present);
	assert_false(c.is_self_issued);

	/* Key-dependent values against OpenSSL. */
	X509 *x = ossl_cert(&b), *ca = ossl_cert(&cab);
	uint8_t md[32];
	unsigned mdlen = 0;
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &mdlen), 1);
	assert_memory_equal(c.sha256, md, 32);
	unsigned char *spki = NULL;
	int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	assert_true(win_eq(&c.spki.raw, spki, (size_t)spki_len));
	SHA256(spki, (size_t)spki_len, md);
	assert_memory_equal(c.spki.sha256, md, 32);
	OPENSSL_free(spki);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
	assert_true(c.x.ski.present && win_eq(&c.x.ski.key_id, ski->data, (size_t)ski->length));
	const ASN1_OCTET_STRING *ca_ski = X509_get0_subject_key_id(ca);
	assert_true(c.x.aki.has_key_id &&
	            win_eq(&c.x.aki.key_id, ca_ski->data, (size_t)ca_ski->length));
	assert_false(c.x.aki.has_issuer || c.x.aki.has_serial);
	/* No CT extension: link_sha256 is the hash of the TBS as it is. */
	SHA256(c.tbs.p, c.tbs.len, md);
	assert_memory_equal(c.link_sha256, md, 32);
	X509_free(x);
	X509_free(ca);

	pw_cert_cleanup(&c);
	pw_cert_cleanup(&c); /* idempotent */
	free(b.p);
	free(cab.p);
}

static void test_ca(void **state)
{
	(void)state;
	struct blob b = load(FIX "ca.der");
	struct pw_cert c;
	pw_cert_init(&c);
	parse_ok(&c, &b);
	assert_true(c.is_ca);
	assert_true(c.is_self_issued);
	assert_true(c.x.bc.critical && c.x.bc.ca && c.x.bc.ca_encoded);
	assert_true(c.x.bc.has_pathlen);
	assert_int_equal(c.x.bc.pathlen, 1);
	assert_int_equal(c.x.ku.bits, (1u << 5) | (1u << 6)); /* keyCertSign, cRLSign */
	assert_int_equal(c.x.ku.n_bits, 7);
	assert_int_equal(c.not_after, T_2035_01_01);
	assert_true(c.x.nc.present && c.x.nc.critical);
	assert_int_equal(c.x.nc.n_permitted, 2);
	assert_int_equal(c.x.nc.permitted[0].base.type, PW_GN_DNS);
	assert_true(win_eq_str(&c.x.nc.permitted[0].base.value, "example.com"));
	assert_int_equal(c.x.nc.permitted[1].base.type, PW_GN_IP);
	assert_true(win_eq(&c.x.nc.permitted[1].base.value,
	                   (const uint8_t[]){ 192, 0, 2, 0, 255, 255, 255, 0 }, 8));
	assert_false(c.x.nc.permitted[0].has_min || c.x.nc.permitted[0].has_max);
	assert_int_equal(c.x.nc.n_excluded, 1);
	assert_true(win_eq_str(&c.x.nc.excluded[0].base.value, "bad.example.com"));
	assert_string_equal(pw_oid_name(c.exts[0].id), "basicConstraints");
	pw_cert_cleanup(&c);
	free(b.p);
}

static void test_leaf_ec(void **state)
{
	(void)state;
	struct blob b = load(FIX "leaf_ec.der");
	struct pw_cert c;
	pw_cert_init(&c);
	parse_ok(&c, &b);
	assert_int_equal(c.spki.alg.id, PW_OID_EC_PUBLIC_KEY);
	assert_int_equal(c.spki.ec_curve, PW_OID_SECP256R1);
	assert_false(c.spki.ec_explicit);
	assert_false(c.spki.rsa_ok);
	assert_int_equal(c.spki.ec_point.len, 65);
	assert_int_equal(c.spki.ec_point.p[0], 0x04); /* uncompressed point */
	assert_int_equal(c.subject.n_attrs, 1);
	assert_int_equal(c.x.policies.n, 1);
	assert_int_equal(c.x.policies.v[0].id, PW_OID_CABF_DV);
	assert_int_equal(c.x.ku.bits, 1u);
	assert_int_equal(c.x.ku.n_bits, 1);
	assert_null(pw_cert_get0_ext(&c, PW_OID_EXT_NAME_CONSTRAINTS));
	assert_non_null(pw_cert_get0_ext(&c, PW_OID_EXT_SAN));
	assert_int_equal(pw_cert_count_ext(&c, PW_OID_EXT_SAN), 1);
	pw_cert_cleanup(&c);
	free(b.p);
}

static void test_precert_link(void **state)
{
	(void)state;
	struct blob pb = load(FIX "precert.der"), fb = load(FIX "final.der");
	struct pw_cert pre, fin;
	pw_cert_init(&pre);
	pw_cert_init(&fin);
	parse_ok(&pre, &pb);
	parse_ok(&fin, &fb);
	assert_int_equal(pre.kind, PW_KIND_PRECERT);
	assert_true(pre.x.ct_poison.present && pre.x.ct_poison.critical &&
	            pre.x.ct_poison.value_is_null);
	assert_false(pre.x.scts.present);
	assert_int_equal(pre.spki.ec_curve, PW_OID_SECP384R1);
	assert_int_equal(fin.kind, PW_KIND_CERT);
	assert_false(fin.x.ct_poison.present);
	assert_true(fin.x.scts.present);
	assert_int_equal(fin.x.scts.n_scts, 2);
	assert_int_equal(fin.x.scts.list.len, 12);
	assert_true(pw_der_equal(&pre.serial, &fin.serial));
	/* RFC 6962 §3.2: both reduce to the same TBSCertificate. */
	assert_memory_equal(pre.link_sha256, fin.link_sha256, 32);
	assert_memory_not_equal(pre.sha256, fin.sha256, 32);
	uint8_t md[32];
	SHA256(pre.tbs.p, pre.tbs.len, md);
	assert_memory_not_equal(pre.link_sha256, md, 32);
	pw_cert_cleanup(&pre);
	pw_cert_cleanup(&fin);
	free(pb.p);
	free(fb.p);
}

static void test_tbs(void **state)
{
	(void)state;
	struct blob tb = load(FIX "leaf_rsa_tbs.der"), cb = load(FIX "leaf_rsa.der");
	struct pw_cert t, c;
	struct pw_error err;
	pw_cert_init(&t);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse_tbs(&t, tb.p, tb.len, &err), PW_OK);
	parse_ok(&c, &cb);
	assert_int_equal(t.kind, PW_KIND_TBS);
	assert_int_equal(t.sig_value.len, 0);
	assert_true(pw_der_equal(&t.serial, &c.serial));
	assert_int_equal(t.x.san.names.n, 5);
	assert_memory_equal(t.link_sha256, c.link_sha256, 32);
	assert_int_equal(pw_der_sniff(tb.p, tb.len), PW_OBJ_TBS);
	/* A TBS is not a Certificate and vice versa. */
	assert_int_not_equal(pw_cert_parse(&t, tb.p, tb.len, &err), PW_OK);
	assert_int_not_equal(pw_cert_parse_tbs(&t, cb.p, cb.len, &err), PW_OK);
	pw_cert_cleanup(&t);
	pw_cert_cleanup(&c);
	free(tb.p);
	free(cb.p);
}

/* Reads the single object of a PEM fixture. */
static struct pw_objects read_objs(const char *path, size_t want_n)
{
	struct blob b = load(path);
	struct pw_objects o;
	struct pw_error err;
	assert_int_equal(pw_objects_read(b.p, b.len, &o, &err), PW_OK);
	assert_int_equal(o.n, want_n);
	free(b.p);
	return o;
}

static void test_csr(void **state)
{
	(void)state;
	struct pw_objects o = read_objs(FIX "csr.pem", 1);
	struct blob lb = load(FIX "leaf_rsa.der");
	struct pw_csr r;
	struct pw_cert c;
	struct pw_error err;
	char text[256];
	assert_int_equal(o.v[0].type, PW_OBJ_CSR);
	assert_string_equal(o.v[0].label, "CERTIFICATE REQUEST");
	assert_int_equal(pw_der_sniff(o.v[0].der, o.v[0].der_len), PW_OBJ_CSR);
	pw_csr_init(&r);
	assert_int_equal(pw_csr_parse(&r, o.v[0].der, o.v[0].der_len, &err), PW_OK);
	assert_int_equal(r.version, 0);
	assert_string_equal(pw_name_to_text(&r.subject, text, sizeof text),
	                    "CN=csr.example.com, O=Beispiel GmbH, C=DE");
	assert_true(r.has_attributes && r.has_ext_request);
	assert_int_equal(r.n_exts, 2);
	assert_true(r.x.san.present);
	assert_int_equal(r.x.san.names.n, 2);
	assert_true(win_eq_str(&r.x.san.names.v[1].value, "www.csr.example.com"));
	assert_true(r.x.ku.present && r.x.ku.critical);
	assert_int_equal(r.x.ku.bits, 1u);
	assert_int_equal(r.sig_alg.id, PW_OID_SHA256_WITH_RSA);
	assert_int_equal(r.spki.rsa_bits, 2048);
	/* The fixture script signs the CSR with the RSA leaf's key. */
	pw_cert_init(&c);
	parse_ok(&c, &lb);
	assert_memory_equal(r.spki.sha256, c.spki.sha256, 32);
	uint8_t md[32];
	SHA256(o.v[0].der, o.v[0].der_len, md);
	assert_memory_equal(r.sha256, md, 32);
	pw_cert_cleanup(&c);
	pw_csr_cleanup(&r);
	pw_objects_free(&o);
	free(lb.p);
}

static void test_crl(void **state)
{
	(void)state;
	struct pw_objects o = read_objs(FIX "crl.pem", 1);
	struct blob cab = load(FIX "ca.der");
	struct pw_crl l;
	struct pw_cert ca;
	struct pw_error err;
	char hex[64];
	assert_int_equal(o.v[0].type, PW_OBJ_CRL);
	assert_int_equal(pw_der_sniff(o.v[0].der, o.v[0].der_len), PW_OBJ_CRL);
	pw_crl_init(&l);
	pw_cert_init(&ca);
	parse_ok(&ca, &cab);
	assert_int_equal(pw_crl_parse(&l, o.v[0].der, o.v[0].der_len, &err), PW_OK);
	assert_true(l.version_present);
	assert_int_equal(l.version, 1);
	assert_true(pw_der_equal(&l.issuer.raw, &ca.subject.raw));
	assert_int_equal(l.this_update, T_2025_02_01);
	assert_true(l.has_next_update);
	assert_int_equal(l.next_update, T_2025_02_08);
	assert_true(l.times_strict_ok);
	assert_int_equal(l.n_entries, 2);
	assert_string_equal(pw_serial_to_hex(&l.entries[0].serial, hex, sizeof hex), "1001");
	assert_true(l.entries[0].has_reason);
	assert_int_equal(l.entries[0].reason, 1); /* keyCompromise, RFC 5280 §5.3.1 */
	assert_true(l.entries[0].revocation_date >= T_2025_01_01);
	assert_int_equal(l.entries[0].revocation_date_tag, PW_DER_UTC_TIME);
	assert_int_equal(l.entries[0].n_exts, 1);
	assert_false(l.entries[0].has_invalidity_date);
	assert_true(l.entries[0].ext_list.len > 0);
	assert_string_equal(pw_serial_to_hex(&l.entries[1].serial, hex, sizeof hex), "1002");
	assert_int_equal(l.entries[1].n_exts, 2);
	assert_true(l.entries[1].has_reason);
	assert_int_equal(l.entries[1].reason, 1);
	assert_true(l.entries[1].has_invalidity_date);
	assert_int_equal(l.entries[1].invalidity_date, T_2025_01_01 + 14 * 86400);
	assert_true(l.entries[1].offset > l.entries[0].offset);
	assert_true(l.has_crl_number);
	assert_string_equal(pw_serial_to_hex(&l.crl_number, hex, sizeof hex), "01");
	assert_true(l.has_aki);
	assert_true(pw_der_equal(&l.aki_key_id, &ca.x.ski.key_id));
	/* issuingDistributionPoint: fullName URI, onlyContainsUserCerts. */
	assert_true(l.has_idp && l.idp_decoded_ok);
	assert_true(l.idp_dp.has_full_name);
	assert_int_equal(l.idp_dp.full_name.n, 1);
	assert_int_equal(l.idp_dp.full_name.v[0].type, PW_GN_URI);
	assert_true(win_eq_str(&l.idp_dp.full_name.v[0].value, "http://crl.example.com/ca.crl"));
	assert_true(l.idp_only_user);
	assert_false(l.idp_only_ca || l.idp_indirect || l.idp_only_attr || l.idp_has_reasons);
	assert_int_equal(l.n_exts, 3);
	for (size_t i = 0; i < l.n_exts; i++)
		assert_true(l.exts[i].decoded_ok);
	assert_true(l.exts_unique_ok);
	assert_int_equal(l.sig_alg_outer.id, PW_OID_SHA256_WITH_RSA);
	pw_crl_cleanup(&l);
	pw_crl_cleanup(&l);
	pw_cert_cleanup(&ca);
	pw_objects_free(&o);
	free(cab.p);
}

static void test_bundle_and_concat(void **state)
{
	(void)state;
	struct pw_objects o = read_objs(FIX "bundle.pem", 2);
	struct blob ec = load(FIX "leaf_ec.der"), ca = load(FIX "ca.der");
	const char *first_line = "Bundle of two certificates (text before the first block)\n";
	assert_int_equal(o.v[0].type, PW_OBJ_CERTIFICATE);
	assert_int_equal(o.v[0].line, 2);
	assert_int_equal(o.v[0].offset, strlen(first_line));
	assert_true(o.v[0].der_len == ec.len && memcmp(o.v[0].der, ec.p, ec.len) == 0);
	assert_true(o.v[1].der_len == ca.len && memcmp(o.v[1].der, ca.p, ca.len) == 0);
	assert_true(o.v[1].line > o.v[0].line);
	pw_objects_free(&o);
	pw_objects_free(&o); /* NULL-safe after free */

	o = read_objs(FIX "concat.der", 2);
	assert_int_equal(o.v[0].type, PW_OBJ_CERTIFICATE);
	assert_int_equal(o.v[1].type, PW_OBJ_CERTIFICATE);
	assert_string_equal(o.v[0].label, "");
	assert_int_equal(o.v[0].offset, 0);
	assert_int_equal(o.v[1].offset, ec.len);
	assert_int_equal(o.v[1].line, 0);
	assert_true(o.v[1].der_len == ca.len && memcmp(o.v[1].der, ca.p, ca.len) == 0);
	pw_objects_free(&o);
	free(ec.p);
	free(ca.p);
}

/* Re-using one object across different certificates must not leak values. */
static void test_arena_reuse(void **state)
{
	(void)state;
	struct blob a = load(FIX "leaf_rsa.der"), b = load(FIX "ca.der");
	struct pw_cert c;
	pw_cert_init(&c);
	for (int i = 0; i < 100; i++) {
		parse_ok(&c, (i & 1) ? &b : &a);
		assert_int_equal(c.is_ca, (i & 1) ? 1 : 0);
		assert_int_equal(c.x.san.present, (i & 1) ? 0 : 1);
		assert_int_equal(c.x.san.names.n, (i & 1) ? 0 : 5);
		assert_int_equal(c.x.nc.present, (i & 1) ? 1 : 0);
	}
	pw_cert_cleanup(&c);
	free(a.p);
	free(b.p);
}

/* ---- bad inputs ---- */

static void expect_fail(const uint8_t *p, size_t len, enum pw_status st, size_t offset)
{
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, p, len, &err), st);
	assert_int_equal(err.status, st);
	assert_true(err.has_offset);
	if (err.offset != offset) {
		char msg[512];
		fprintf(stderr, "unexpected offset: %s\n", pw_error_format(&err, msg, sizeof msg));
	}
	assert_int_equal(err.offset, offset);
	assert_true(err.msg[0] != '\0');
	pw_cert_cleanup(&c);
}

static void test_bad_der(void **state)
{
	(void)state;
	struct blob b = load(FIX "leaf_rsa.der");
	uint8_t *buf = malloc(b.len + 16);
	assert_non_null(buf);
	struct pw_error err;
	struct pw_cert c;

	/* The fixture starts 30 82 04 aa | 30 82 03 92 | a0 03 02 01 02 | 02 02 10 01. */
	assert_int_equal(b.p[0], 0x30);
	assert_int_equal(b.p[1], 0x82);
	assert_int_equal(b.p[13], 0x02);

	/* Truncated: the outer length (at byte 1) claims more than is there. */
	expect_fail(b.p, b.len - 1, PW_ERR_DER, 1);
	expect_fail(b.p, 600, PW_ERR_DER, 1);
	/* Trailing bytes after the certificate, reported where they start. */
	memcpy(buf, b.p, b.len);
	buf[b.len] = 0x00;
	expect_fail(buf, b.len + 1, PW_ERR_DER, b.len);
	pw_cert_init(&c);
	assert_int_not_equal(pw_cert_parse(&c, buf, b.len + 1, &err), PW_OK);
	assert_string_equal(err.field, "certificate");
	pw_cert_cleanup(&c);
	/* Non-minimal length: 30 83 00 04 aa. */
	buf[0] = 0x30;
	buf[1] = 0x83;
	buf[2] = 0x00;
	memcpy(buf + 3, b.p + 2, b.len - 2);
	expect_fail(buf, b.len + 1, PW_ERR_DER, 1);
	/* Indefinite length (BER only): 30 80 ... 00 00. */
	buf[0] = 0x30;
	buf[1] = 0x80;
	memcpy(buf + 2, b.p + 4, b.len - 4);
	buf[b.len - 2] = 0;
	buf[b.len - 1] = 0;
	expect_fail(buf, b.len, PW_ERR_DER, 1);
	/* Non-minimal serial INTEGER deep inside (02 03 00 10 01), with the two
	 * enclosing lengths adjusted: the error names the serial's offset. */
	memcpy(buf, b.p, 15);
	buf[15] = 0x00;
	memcpy(buf + 16, b.p + 15, b.len - 15);
	buf[14] = 0x03;
	size_t outer = ((size_t)b.p[2] << 8 | b.p[3]) + 1, tbs = ((size_t)b.p[6] << 8 | b.p[7]) + 1;
	buf[2] = (uint8_t)(outer >> 8);
	buf[3] = (uint8_t)outer;
	buf[6] = (uint8_t)(tbs >> 8);
	buf[7] = (uint8_t)tbs;
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, buf, b.len + 1, &err), PW_ERR_DER);
	assert_true(err.has_offset);
	assert_true(err.offset >= 13 && err.offset <= 15);
	assert_string_equal(err.field, "tbsCertificate.serialNumber");
	/* The same bytes with a minimal serial parse (the harness is right). */
	assert_int_equal(pw_cert_parse(&c, b.p, b.len, &err), PW_OK);
	pw_cert_cleanup(&c);
	/* Empty input and junk. */
	expect_fail(b.p, 0, PW_ERR_DER, 0);
	static const uint8_t junk[] = "hello, world";
	pw_cert_init(&c);
	assert_int_not_equal(pw_cert_parse(&c, junk, sizeof junk - 1, &err), PW_OK);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 0);
	/* Oversized input is refused before reading. */
	assert_int_equal(pw_cert_parse(&c, b.p, (size_t)PW_CERT_MAX_DER + 1, &err), PW_ERR_LIMIT);
	pw_cert_cleanup(&c);
	/* A CSR or CRL is not a certificate. */
	struct pw_crl l;
	pw_crl_init(&l);
	assert_int_not_equal(pw_crl_parse(&l, b.p, b.len, &err), PW_OK);
	assert_true(err.has_offset);
	pw_crl_cleanup(&l);
	free(buf);
	free(b.p);
}

static void expect_pem_fail(const char *text, enum pw_status st, size_t offset,
                            const char *msg_part)
{
	struct pw_objects o;
	struct pw_error err;
	assert_int_equal(pw_objects_read((const uint8_t *)text, strlen(text), &o, &err), st);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, offset);
	if (msg_part != NULL && strstr(err.msg, msg_part) == NULL)
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, msg_part);
	if (msg_part != NULL)
		assert_non_null(strstr(err.msg, msg_part));
	pw_objects_free(&o);
}

static void test_bad_pem(void **state)
{
	(void)state;
	struct pw_objects o;
	struct pw_error err;
	/* Wrong label: returned with its type so callers report it. */
	const char *pk = "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n";
	assert_int_equal(pw_objects_read((const uint8_t *)pk, strlen(pk), &o, &err), PW_OK);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.v[0].type, PW_OBJ_PUBLIC_KEY);
	assert_int_equal(o.v[0].der_len, 2);
	pw_objects_free(&o);
	const char *other = "text\r\n-----BEGIN PKCS7-----\r\nMAA=\r\n-----END PKCS7-----\r\n";
	assert_int_equal(pw_objects_read((const uint8_t *)other, strlen(other), &o, &err), PW_OK);
	assert_int_equal(o.v[0].type, PW_OBJ_OTHER);
	assert_string_equal(o.v[0].label, "PKCS7");
	assert_int_equal(o.v[0].line, 2);
	assert_int_equal(o.v[0].offset, 6);
	pw_objects_free(&o);

	const size_t begin_len = strlen("-----BEGIN CERTIFICATE-----\n");
	expect_pem_fail("", PW_ERR_PARSE, 0, "empty");
	expect_pem_fail("junk without armour\n", PW_ERR_PARSE, 0, "no \"-----BEGIN\"");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\nMAA=\n", PW_ERR_PARSE, 0, "no END line");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\nMAA=\n-----END X509 CRL-----\n", PW_ERR_PARSE,
	                begin_len + 5, "does not match");
	expect_pem_fail("x\n-----BEGIN CERTIFICATE-----\nMA*=\n-----END CERTIFICATE-----\n",
	                PW_ERR_PARSE, 2 + begin_len + 2, "line 3, column 3: invalid base64");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\nMA=A\n-----END CERTIFICATE-----\n",
	                PW_ERR_PARSE, begin_len + 3, "after padding");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\nMAA\n-----END CERTIFICATE-----\n",
	                PW_ERR_PARSE, 0, "multiple of 4");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\nMAB=\n-----END CERTIFICATE-----\n",
	                PW_ERR_PARSE, 0, "non-canonical");
	expect_pem_fail("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", PW_ERR_PARSE, 0,
	                "empty PEM block");
	expect_pem_fail("-----BEGIN CERTIFICATE\nMAA=\n-----END CERTIFICATE-----\n", PW_ERR_PARSE, 0,
	                "does not end with");

	/* A base64 error after a good block keeps the good block. */
	const char *two = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
	                  "-----BEGIN CERTIFICATE-----\nM!A=\n-----END CERTIFICATE-----\n";
	assert_int_equal(pw_objects_read((const uint8_t *)two, strlen(two), &o, &err), PW_ERR_PARSE);
	assert_int_equal(o.n, 1);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, strlen("-----BEGIN CERTIFICATE-----\nMAA=\n"
	                                    "-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nM"));
	pw_objects_free(&o);

	/* Raw DER with garbage after the first object. */
	static const uint8_t der[] = { 0x30, 0x00, 0x30, 0x05, 0x00 };
	assert_int_equal(pw_objects_read(der, sizeof der, &o, &err), PW_ERR_DER);
	assert_int_equal(o.n, 1);
	assert_true(err.has_offset);
	assert_true(err.offset >= 2 && err.offset <= 4);
	pw_objects_free(&o);
	assert_int_equal(pw_der_sniff(der, 2), PW_OBJ_UNKNOWN);
	assert_int_equal(pw_der_sniff(NULL, 0), PW_OBJ_UNKNOWN);
}

/* Content-level problems in the zlint corpus parse, with the flag set. */
static void test_lint_level_flags(void **state)
{
	(void)state;
	struct {
		const char *file;
		int check;
	} cases[] = {
		{ "caMaxPathNegative.pem", 1 },
		{ "utcNoSeconds.pem", 2 },
		{ "extSANDuplicated.pem", 3 },
		{ "subjectCommonNamePrintableStringBadAlpha.pem", 4 },
		{ "basic_constr_invalid_der_ko.pem", 5 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/zlint/testdata/%s", PW_CORPUS_DIR, cases[i].file);
		struct pw_objects o = read_objs(path, 1);
		struct pw_cert c;
		pw_cert_init(&c);
		struct blob b = { o.v[0].der, o.v[0].der_len };
		parse_ok(&c, &b);
		const struct pw_ext *e = pw_cert_get0_ext(&c, PW_OID_EXT_BASIC_CONSTRAINTS);
		switch (cases[i].check) {
		case 1: /* negative pathLenConstraint: undecodable, cA still known */
			assert_non_null(e);
			assert_false(e->decoded_ok);
			assert_non_null(e->decode_err);
			assert_int_not_equal(e->decode_err->status, PW_OK);
			assert_true(e->decode_err->has_offset);
			assert_true(e->decode_err->offset > e->offset);
			assert_true(c.x.bc.ca);
			break;
		case 2:
			assert_false(c.validity_strict_ok);
			assert_true(c.validity_ok);
			break;
		case 3:
			assert_false(c.exts_unique_ok);
			assert_int_equal(pw_cert_count_ext(&c, PW_OID_EXT_SAN), 2);
			break;
		case 4: {
			int bad = 0;
			for (size_t k = 0; k < c.subject.n_attrs; k++)
				bad += !c.subject.attrs[k].charset_ok;
			assert_int_equal(bad, 1);
			break;
		}
		case 5:
			assert_true(c.x.bc.ca_encoded);
			assert_false(c.x.bc.ca);
			break;
		}
		pw_cert_cleanup(&c);
		pw_objects_free(&o);
	}
}

/* Builds SEQUENCE { n x SET { SEQUENCE { OID 2.5.4.3, UTF8String "a" } } }
 * into buf (long-form lengths as needed); returns its length. */
static size_t build_name(uint8_t *buf, size_t n)
{
	static const uint8_t rdn[] = { 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04,
		                       0x03, 0x0c, 0x01, 'a' };
	size_t body = n * sizeof rdn, h = 0;
	buf[h++] = 0x30;
	h += pw_cert_put_length(buf + h, body);
	for (size_t i = 0; i < n; i++)
		memcpy(buf + h + i * sizeof rdn, rdn, sizeof rdn);
	return h + body;
}

static void test_name_limits(void **state)
{
	(void)state;
	struct pw_arena *a = NULL;
	uint8_t *buf = malloc(16 + (PW_CERT_MAX_NAME_ATTRS + 1) * 12);
	assert_non_null(buf);
	struct pw_error err;
	struct pw_name name;
	struct pw_der d;
	assert_true(pw_arena_reset(&a));

	size_t len = build_name(buf, PW_CERT_MAX_NAME_ATTRS);
	pw_der_init(&d, buf, len);
	assert_true(pw_cert_parse_name(a, &d, &name, &err, "name"));
	assert_int_equal(name.n_attrs, PW_CERT_MAX_NAME_ATTRS);
	assert_int_equal(name.n_rdns, PW_CERT_MAX_NAME_ATTRS);
	assert_int_equal(name.attrs[PW_CERT_MAX_NAME_ATTRS - 1].rdn, PW_CERT_MAX_NAME_ATTRS - 1);

	assert_true(pw_arena_reset(&a));
	len = build_name(buf, PW_CERT_MAX_NAME_ATTRS + 1);
	pw_der_init(&d, buf, len);
	assert_false(pw_cert_parse_name(a, &d, &name, &err, "name"));
	assert_int_equal(err.status, PW_ERR_LIMIT);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 4 + PW_CERT_MAX_NAME_ATTRS * 12 + 2); /* the 257th ATV */

	/* An attribute shorter than any valid one fails as DER, not as a limit. */
	static const uint8_t bad[] = { 0x30, 0x04, 0x31, 0x02, 0x30, 0x00 };
	assert_true(pw_arena_reset(&a));
	pw_der_init(&d, bad, sizeof bad);
	assert_false(pw_cert_parse_name(a, &d, &name, &err, "name"));
	assert_int_not_equal(err.status, PW_ERR_LIMIT);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 6); /* where the OID should start */
	assert_string_equal(err.field, "name");
	pw_arena_free(a);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_rsa),
		cmocka_unit_test(test_ca),
		cmocka_unit_test(test_leaf_ec),
		cmocka_unit_test(test_precert_link),
		cmocka_unit_test(test_tbs),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_bundle_and_concat),
		cmocka_unit_test(test_arena_reuse),
		cmocka_unit_test(test_bad_der),
		cmocka_unit_test(test_bad_pem),
		cmocka_unit_test(test_lint_level_flags),
		cmocka_unit_test(test_name_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
