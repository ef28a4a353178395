/* publish/ OCSP: request parser, GET decoding, DER writer and the
 * responder's status logic (good only for issued serials, revoked after a
 * revocation is noticed, unknown, unauthorized, cache bounds). Responses are
 * cross-checked with OpenSSL's OCSP API (parse + signature verification). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/ocsp.h"
#include "pkiward/publish.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"
#include "test_store.h"

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = strlen(h) / 2;
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* openssl ocsp -no_nonce -issuer CA -serial 0x2f14... -reqout (SHA-1). */
static const char REQ_SHA1[] =
	"3051304f304d304b3049300906052b0e03021a050004149d4bf83ab81f223693245efe8e5bf40db24192330414"
	"e264366c175c94b62e149df4106e85d3b7ae68a502102f14a8b42a143a6639f578e15d1c783d";
/* The same with a nonce. */
static const char REQ_NONCE[] =
	"30763074304d304b3049300906052b0e03021a050004149d4bf83ab81f223693245efe8e5bf40db24192330414"
	"e264366c175c94b62e149df4106e85d3b7ae68a502102f14a8b42a143a6639f578e15d1c783da22330213"
	"01f06092b0601050507300102041204108507cec4a0d86535b7d85d27de10e9f6";
/* SHA-256 CertIDs, two requests. */
static const char REQ_SHA256_TWO[] =
	"3081c93081c63081c330673065300d060960864801650304020105000420e12be8bdeb62f42750425135521f67"
	"0dfe5d58b81578399a3de30b0a4f55abc30420eb211fc89f03f1155e70c6e67528102fe0599ab702547d0721b5"
	"9e50dea911ce02102f14a8b42a143a6639f578e15d1c783d30583056300d060960864801650304020105000420"
	"e12be8bdeb62f42750425135521f670dfe5d58b81578399a3de30b0a4f55abc30420eb211fc89f03f1155e70c6"
	"e67528102fe0599ab702547d0721b59e50dea911ce020101";

static void test_parse_ok(void **state)
{
	(void)state;
	uint8_t b[512];
	size_t n = unhex(REQ_SHA1, b, sizeof(b));
	struct pw_ocsp_request r;
	struct pw_error err;
	assert_int_equal(pw_ocsp_request_parse(b, n, &r, &err), PW_OK);
	assert_int_equal(r.n_ids, 1);
	assert_int_equal(r.ids[0].hash, PW_OCSP_HASH_SHA1);
	assert_int_equal(r.ids[0].issuer_name_hash.len, 20);
	assert_int_equal(r.ids[0].serial.len, 16);
	assert_int_equal(r.ids[0].serial.p[0], 0x2f);
	assert_int_equal(r.ids[0].element.len, 0x49 + 2); /* the CertID SEQUENCE */
	assert_false(r.has_nonce);

	n = unhex(REQ_NONCE, b, sizeof(b));
	assert_int_equal(pw_ocsp_request_parse(b, n, &r, &err), PW_OK);
	assert_true(r.has_nonce);
	assert_int_equal(r.nonce.len, 18); /* OCTET STRING of 16 octets, RFC 8954 */

	n = unhex(REQ_SHA256_TWO, b, sizeof(b));
	assert_int_equal(pw_ocsp_request_parse(b, n, &r, &err), PW_OK);
	assert_int_equal(r.n_ids, 2);
	assert_int_equal(r.ids[1].hash, PW_OCSP_HASH_SHA256);
	assert_int_equal(r.ids[1].issuer_key_hash.len, 32);
	assert_int_equal(r.ids[1].serial.len, 1);
}

static void test_parse_truncations(void **state)
{
	(void)state;
	uint8_t b[512];
	size_t n = unhex(REQ_NONCE, b, sizeof(b));
	for (size_t i = 0; i < n; i++) {
		struct pw_ocsp_request r;
		struct pw_error err;
		uint8_t *cp = malloc(i ? i : 1); /* exact size: ASan sees overreads */
		memcpy(cp, b, i);
		assert_int_not_equal(pw_ocsp_request_parse(cp, i, &r, &err), PW_OK);
		assert_true(err.has_offset);
		assert_true(err.offset <= i);
		free(cp);
	}
}

static void test_parse_bad(void **state)
{
	(void)state;
	uint8_t b[600], c[600];
	size_t n = unhex(REQ_SHA1, b, sizeof(b));
	struct pw_ocsp_request r;
	struct pw_error err;

	/* Unknown hash: SHA-1 OID's last arc 26 -> 27. */
	memcpy(c, b, n);
	c[18] = 0x1b;
	assert_int_equal(pw_ocsp_request_parse(c, n, &r, &err), PW_ERR_PARSE);
	assert_string_equal(err.field, "certID.hashAlgorithm");
	assert_int_equal(err.offset, 10);
	if (!strstr(err.msg, "1.3.14.3.2.27"))
		fail_msg("message does not name the OID: %s", err.msg);

	/* Trailing byte after the request. */
	memcpy(c, b, n);
	c[n] = 0;
	assert_int_not_equal(pw_ocsp_request_parse(c, n + 1, &r, &err), PW_OK);
	assert_int_equal(err.offset, n);

	/* version [0] { INTEGER 1 } inserted in tbsRequest: not v1. */
	{
		static const uint8_t ver[] = { 0xa0, 0x03, 0x02, 0x01, 0x01 };
		size_t m = 0;
		c[m++] = 0x30;
		c[m++] = (uint8_t)(b[1] + 5);
		c[m++] = 0x30;
		c[m++] = (uint8_t)(b[3] + 5);
		memcpy(c + m, ver, 5);
		m += 5;
		memcpy(c + m, b + 4, n - 4);
		m += n - 4;
		assert_int_equal(pw_ocsp_request_parse(c, m, &r, &err), PW_ERR_PARSE);
		assert_string_equal(err.field, "tbsRequest.version");
		assert_int_equal(err.offset, 4);
		/* v1 encoded explicitly: a DER error (DEFAULT omitted). */
		c[8] = 0x00;
		assert_int_equal(pw_ocsp_request_parse(c, m, &r, &err), PW_ERR_DER);
	}

	/* Name hash of 19 octets for SHA-1 (shorten the OCTET STRING and all
	 * enclosing lengths). */
	{
		size_t m = 0;
		c[m++] = 0x30; c[m++] = (uint8_t)(b[1] - 1);
		c[m++] = 0x30; c[m++] = (uint8_t)(b[3] - 1);
		c[m++] = 0x30; c[m++] = (uint8_t)(b[5] - 1);
		c[m++] = 0x30; c[m++] = (uint8_t)(b[7] - 1);
		c[m++] = 0x30; c[m++] = (uint8_t)(b[9] - 1);
		memcpy(c + m, b + 10, 11); /* hashAlgorithm */
		m += 11;
		c[m++] = 0x04; c[m++] = 19;
		memcpy(c + m, b + 23, 19);
		m += 19;
		memcpy(c + m, b + 43, n - 43);
		m += n - 43;
		assert_int_equal(pw_ocsp_request_parse(c, m, &r, &err), PW_ERR_PARSE);
		assert_string_equal(err.field, "certID.issuerNameHash");
	}

	/* Oversized. */
	{
		uint8_t *big = calloc(1, PW_OCSP_MAX_REQUEST_DER + 1);
		assert_int_equal(pw_ocsp_request_parse(big, PW_OCSP_MAX_REQUEST_DER + 1, &r, &err),
		                 PW_ERR_LIMIT);
		free(big);
	}
	/* Empty request list: 30 04 30 02 30 00. */
	{
		static const uint8_t e[] = { 0x30, 0x04, 0x30, 0x02, 0x30, 0x00 };
		assert_int_equal(pw_ocsp_request_parse(e, sizeof(e), &r, &err), PW_ERR_PARSE);
		assert_string_equal(err.field, "tbsRequest.requestList");
	}
	/* Non-minimal length (0x81 0x51 instead of 0x51). */
	{
		c[0] = 0x30; c[1] = 0x81; c[2] = b[1];
		memcpy(c + 3, b + 2, n - 2);
		assert_int_equal(pw_ocsp_request_parse(c, n + 1, &r, &err), PW_ERR_DER);
		assert_int_equal(err.offset, 1);
	}
}

static void test_get_decode(void **state)
{
	(void)state;
	uint8_t b[512], want[512], out[512];
	size_t n = unhex(REQ_SHA1, want, sizeof(want)), m;
	struct pw_error err;
	const char *b64 = "MFEwTzBNMEswSTAJBgUrDgMCGgUABBSdS/g6uB8iNpMkXv6OW/QNskGSMwQU4mQ2bBdclLYu"
	                  "FJ30EG6F07euaKUCEC8UqLQqFDpmOfV44V0ceD0=";
	(void)b;
	assert_int_equal(pw_ocsp_get_decode(b64, strlen(b64), out, sizeof(out), &m, &err), PW_OK);
	assert_int_equal(m, n);
	assert_memory_equal(out, want, n);
	/* Percent-encoded, in both cases of hex digits. */
	const char *enc = "MFEwTzBNMEswSTAJBgUrDgMCGgUABBSdS%2Fg6uB8iNpMkXv6OW%2fQNskGSMwQU4mQ2bBdclLYu"
	                  "FJ30EG6F07euaKUCEC8UqLQqFDpmOfV44V0ceD0%3D";
	assert_int_equal(pw_ocsp_get_decode(enc, strlen(enc), out, sizeof(out), &m, &err), PW_OK);
	assert_memory_equal(out, want, n);
	/* URL-safe alphabet without padding. */
	const char *safe = "MFEwTzBNMEswSTAJBgUrDgMCGgUABBSdS_g6uB8iNpMkXv6OW_QNskGSMwQU4mQ2bBdclLYu"
	                   "FJ30EG6F07euaKUCEC8UqLQqFDpmOfV44V0ceD0";
	assert_int_equal(pw_ocsp_get_decode(safe, strlen(safe), out, sizeof(out), &m, &err), PW_OK);
	assert_memory_equal(out, want, n);
	/* Bad character: offset of it. */
	assert_int_equal(pw_ocsp_get_decode("MFE*", 4, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	assert_int_equal(err.offset, 3);
	/* Bad escape. */
	assert_int_equal(pw_ocsp_get_decode("MF%zz", 5, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	assert_int_equal(err.offset, 2);
	/* One dangling character; non-zero trailing bits; data after padding. */
	assert_int_equal(pw_ocsp_get_decode("MFEwT", 5, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	assert_int_equal(pw_ocsp_get_decode("MFF=", 4, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	assert_int_equal(pw_ocsp_get_decode("MA==MA==", 8, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	assert_int_equal(pw_ocsp_get_decode("", 0, out, sizeof(out), &m, &err), PW_ERR_PARSE);
	/* Output limit. */
	assert_int_equal(pw_ocsp_get_decode(b64, strlen(b64), out, 10, &m, &err), PW_ERR_LIMIT);
}

static void test_writer(void **state)
{
	(void)state;
	uint8_t b[512];
	size_t n = unhex(REQ_SHA256_TWO, b, sizeof(b));
	struct pw_ocsp_request r;
	struct pw_error err;
	struct pw_ocsp_single_spec s[2];
	struct pw_ocsp_tbs_spec t;
	struct pw_buf tbs, out;
	uint8_t keyhash[20], nonce[18] = { 0x04, 0x10, 1, 2, 3 };
	static const uint8_t alg[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	                               0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
	static const uint8_t sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	static const uint8_t cert[] = { 0x30, 0x00 };
	const uint8_t *certs[1] = { cert };
	size_t cert_lens[1] = { sizeof(cert) };
	struct pw_ocsp_resp pr;
	int64_t now = 1700000000;

	assert_int_equal(pw_ocsp_request_parse(b, n, &r, &err), PW_OK);
	memset(keyhash, 0xab, sizeof(keyhash));
	memset(s, 0, sizeof(s));
	s[0].certid = r.ids[0].element.p;
	s[0].certid_len = r.ids[0].element.len;
	s[0].status = PW_OCSP_REVOKED;
	s[0].revoked_at = now - 100;
	s[0].has_reason = 1;
	s[0].reason = 1;
	s[0].this_update = now;
	s[0].next_update = now + 28800;
	s[1].certid = r.ids[1].element.p;
	s[1].certid_len = r.ids[1].element.len;
	s[1].status = PW_OCSP_UNKNOWN;
	s[1].this_update = now;
	memset(&t, 0, sizeof(t));
	t.responder_key_hash = keyhash;
	t.produced_at = now + 1;
	t.singles = s;
	t.n_singles = 2;
	t.nonce = nonce;
	t.nonce_len = sizeof(nonce);
	pw_buf_init(&tbs);
	pw_buf_init(&out);
	assert_true(pw_ocsp_encode_tbs(&t, &tbs, &err));
	assert_true(pw_ocsp_encode_response(tbs.data, tbs.len, alg, sizeof(alg), sig, sizeof(sig),
	                                    certs, cert_lens, 1, &out, &err));
	/* pkiward's own strict parser reads it back. */
	pw_ocsp_resp_init(&pr);
	assert_int_equal(pw_ocsp_resp_parse(&pr, out.data, out.len, &err), PW_OK);
	assert_int_equal(pr.status, 0);
	assert_true(pr.has_basic);
	assert_false(pr.responder_by_name);
	assert_int_equal(pr.responder_key_hash.len, 20);
	assert_int_equal(pr.produced_at, now + 1);
	assert_int_equal(pr.n_responses, 2);
	assert_int_equal(pr.responses[0].status, PW_OCSP_REVOKED);
	assert_int_equal(pr.responses[0].revocation_time, now - 100);
	assert_true(pr.responses[0].has_reason);
	assert_int_equal(pr.responses[0].reason, 1);
	assert_true(pr.responses[0].has_next_update);
	assert_int_equal(pr.responses[0].next_update, now + 28800);
	assert_int_equal(pr.responses[1].status, PW_OCSP_UNKNOWN);
	assert_false(pr.responses[1].has_next_update);
	assert_int_equal(pr.responses[1].serial.len, 1);
	assert_true(pr.response_ext_list.len > 0);
	assert_int_equal(pr.certs.len, 2);
	assert_memory_equal(pr.tbs.p, tbs.data, tbs.len);
	pw_ocsp_resp_cleanup(&pr);
	/* OpenSSL reads it too (without the placeholder certificate, which
	 * OpenSSL would try to decode). */
	pw_buf_cleanup(&out);
	pw_buf_init(&out);
	assert_true(pw_ocsp_encode_response(tbs.data, tbs.len, alg, sizeof(alg), sig, sizeof(sig),
	                                    NULL, NULL, 0, &out, &err));
	{
		const unsigned char *p = out.data;
		OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)out.len);
		assert_non_null(o);
		assert_int_equal(p - out.data, (long)out.len);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(o);
		assert_non_null(bs);
		assert_int_equal(OCSP_resp_count(bs), 2);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(o);
	}
	/* Error responses. */
	{
		size_t len;
		const uint8_t *e = pw_ocsp_error_response(PW_OCSP_UNAUTHORIZED, &len);
		assert_int_equal(len, 5);
		assert_int_equal(e[4], 6);
		e = pw_ocsp_error_response(PW_OCSP_MALFORMED_REQUEST, &len);
		assert_int_equal(e[4], 1);
	}
	pw_buf_cleanup(&tbs);
	pw_buf_cleanup(&out);
}

/* ---- The responder against a real store ---- */

struct pki {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	char dir[64];
	const char *store;       /* the base's location */
	char key_path[128];
	EVP_PKEY *ca_key;
	X509 *ca;
	X509 *leaf[3];   /* serials 0x1001 (issued), 0x1002 (issued), 0x1003 (never stored) */
	X509 *other_ca;  /* a CA the responder does not serve */
};

static EVP_PKEY *ec_key(void)
{
	return EVP_EC_gen("P-256");
}

static void add_ext(X509 *subj, X509 *iss, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, iss, subj, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ex);
	assert_true(X509_add_ext(subj, ex, -1));
	X509_EXTENSION_free(ex);
}

static X509 *make_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, int ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	assert_true(X509_set_version(x, 2));
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 90);
	X509_set_pubkey(x, key);
	if (ca) {
		add_ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, issuer ? issuer : x, NID_key_usage, "critical,keyCertSign,cRLSign");
		add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	} else {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, issuer, NID_subject_alt_name, "DNS:leaf.example.com");
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
	}
	assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static void store_x509(struct pw_store *s, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	struct pw_cert c;
	struct pw_error err;
	assert_true(len > 0);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, (size_t)len, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(s, &c, 1, NULL, &err), PW_OK);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

static int pki_setup(void **state)
{
	struct pki *p = calloc(1, sizeof(*p));
	struct pw_store *s = NULL;
	struct pw_error err;
	EVP_PKEY *k, *ok;
	unsigned char *der = NULL;
	int len;
	FILE *f;
	p->t = pw_test_store_new("publish_ocsp_test");
	snprintf(p->dir, sizeof(p->dir), "%s", pw_test_store_dir(p->t));
	p->store = pw_test_store_create(p->t, "s");
	snprintf(p->key_path, sizeof(p->key_path), "%s/ca.key", p->dir);
	p->ca_key = ec_key();
	p->ca = make_cert("pkiward test CA", 1, p->ca_key, NULL, p->ca_key, 1);
	for (int i = 0; i < 3; i++) {
		k = ec_key();
		p->leaf[i] = make_cert("leaf", 0x1001 + i, k, p->ca, p->ca_key, 0);
		EVP_PKEY_free(k);
	}
	ok = ec_key();
	p->other_ca = make_cert("another CA", 7, ok, NULL, ok, 1);
	EVP_PKEY_free(ok);
	f = fopen(p->key_path, "w");
	assert_non_null(f);
	assert_true(PEM_write_PrivateKey(f, p->ca_key, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	assert_int_equal(pw_store_open(p->store, 0, &s, &err), PW_OK);
	store_x509(s, p->ca);
	store_x509(s, p->leaf[0]);
	store_x509(s, p->leaf[1]);
	len = i2d_X509(p->ca, &der);
	{
		struct pw_publish_ca_spec spec;
		memset(&spec, 0, sizeof(spec));
		spec.name = "test";
		spec.cert_der = der;
		spec.cert_len = (size_t)len;
		spec.key_ref = p->key_path;
		assert_int_equal(pw_publish_ca_add(s, &spec, NULL, &err), PW_OK);
	}
	OPENSSL_free(der);
	pw_store_close(s);
	*state = p;
	return 0;
}

static int pki_teardown(void **state)
{
	struct pki *p = *state;
	for (int i = 0; i < 3; i++)
		X509_free(p->leaf[i]);
	X509_free(p->ca);
	X509_free(p->other_ca);
	EVP_PKEY_free(p->ca_key);
	pw_test_store_free(p->t);
	free(p);
	return 0;
}

/* Builds a DER request for leaf under issuer (OpenSSL's client code). */
static uint8_t *make_req(X509 *leaf, X509 *issuer, const EVP_MD *md, int nonce, size_t *out_len)
{
	OCSP_REQUEST *q = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(md, leaf, issuer);
	unsigned char *der = NULL;
	int len;
	assert_non_null(OCSP_request_add0_id(q, id));
	if (nonce)
		assert_true(OCSP_request_add1_nonce(q, NULL, 16));
	len = i2d_OCSP_REQUEST(q, &der);
	assert_true(len > 0);
	OCSP_REQUEST_free(q);
	*out_len = (size_t)len;
	return der;
}

/* Verifies the answer with OpenSSL and returns the status of leaf
 * (V_OCSP_CERTSTATUS_*), or -1 for an unsuccessful response. */
static int check_answer(const struct pw_ocsp_answer *a, X509 *leaf, X509 *issuer,
                        const EVP_MD *md, int *out_reason)
{
	const unsigned char *p = a->der;
	OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)a->len);
	OCSP_BASICRESP *bs;
	OCSP_CERTID *id;
	STACK_OF(X509) *certs = sk_X509_new_null();
	X509_STORE *st = X509_STORE_new();
	int status = -1, reason = -1;
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	assert_non_null(o);
	if (OCSP_response_status(o) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		OCSP_RESPONSE_free(o);
		sk_X509_free(certs);
		X509_STORE_free(st);
		return -1;
	}
	bs = OCSP_response_get1_basic(o);
	assert_non_null(bs);
	sk_X509_push(certs, issuer);
	/* The CA signed: trust it directly. */
	assert_int_equal(OCSP_basic_verify(bs, certs, st, OCSP_TRUSTOTHER | OCSP_NOVERIFY), 1);
	id = OCSP_cert_to_id(md, leaf, issuer);
	assert_int_equal(OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisu, &nextu), 1);
	assert_int_equal(OCSP_check_validity(thisu, nextu, 300, -1), 1);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(o);
	sk_X509_free(certs);
	X509_STORE_free(st);
	if (out_reason)
		*out_reason = reason;
	return status;
}

static void test_responder(void **state)
{
	struct pki *p = *state;
	struct pw_ocsp_responder *r = NULL;
	struct pw_ocsp_config cfg;
	struct pw_ocsp_answer a;
	struct pw_ocsp_stats stt;
	struct pw_error err;
	uint8_t *req;
	size_t len;
	int reason;
	int64_t now = (int64_t)time(NULL);

	pw_ocsp_config_init(&cfg);
	cfg.no_thread = 1;
	cfg.no_presign = 1;
	cfg.max_stale = 60;
	assert_int_equal(pw_ocsp_responder_new(p->store, &cfg, &r, &err), PW_OK);
	pw_ocsp_responder_stats(r, &stt);
	/* The two leaves and the self-signed CA itself (its own issuer). */
	assert_int_equal(stt.serials, 3);

	/* Issued -> good, both hash algorithms. */
	req = make_req(p->leaf[0], p->ca, EVP_sha1(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.status, PW_OCSP_SUCCESSFUL);
	assert_int_equal(a.cert_status, PW_OCSP_GOOD);
	assert_int_equal(check_answer(&a, p->leaf[0], p->ca, EVP_sha1(), NULL), V_OCSP_CERTSTATUS_GOOD);
	/* BR 4.9.9: validity interval 8 h .. 10 days. */
	assert_true(a.next_update - a.this_update >= PW_OCSP_MIN_VALIDITY);
	/* max-age: B - ceil(poll) - 1 = 58 (ocsp.h). */
	assert_int_equal(pw_ocsp_answer_max_age(r, &a, now), 58);
	char etag[48];
	strcpy(etag, a.etag);
	pw_ocsp_answer_release(&a);
	/* Second time: served from the cache, same bytes. */
	pw_ocsp_respond(r, req, len, now, &a);
	assert_string_equal(a.etag, etag);
	pw_ocsp_answer_release(&a);
	pw_ocsp_responder_stats(r, &stt);
	assert_int_equal(stt.cache_hits, 1);
	assert_int_equal(stt.signatures, 1);
	OPENSSL_free(req);

	req = make_req(p->leaf[1], p->ca, EVP_sha256(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(check_answer(&a, p->leaf[1], p->ca, EVP_sha256(), NULL), V_OCSP_CERTSTATUS_GOOD);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);

	/* Never issued (not in the store) -> unknown, never good. */
	req = make_req(p->leaf[2], p->ca, EVP_sha1(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.cert_status, PW_OCSP_UNKNOWN);
	assert_int_equal(check_answer(&a, p->leaf[2], p->ca, EVP_sha1(), NULL), V_OCSP_CERTSTATUS_UNKNOWN);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);

	/* Another issuer -> unauthorized. */
	req = make_req(p->leaf[0], p->other_ca, EVP_sha1(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.status, PW_OCSP_UNAUTHORIZED);
	assert_int_equal(pw_ocsp_answer_max_age(r, &a, now), 0);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);

	/* Garbage -> malformedRequest. */
	pw_ocsp_respond(r, (const uint8_t *)"\x30\x03\x02\x01", 4, now, &a);
	assert_int_equal(a.status, PW_OCSP_MALFORMED_REQUEST);
	pw_ocsp_answer_release(&a);

	/* Revoke leaf 0 in the store (another handle, as `pkiward revoke`
	 * would); after one refresh the responder says revoked. */
	{
		struct pw_store *s = NULL;
		struct pw_store_revocation rv;
		unsigned char *der = NULL;
		int dl = i2d_X509(p->leaf[0], &der);
		uint8_t sha[32];
		EVP_Digest(der, (size_t)dl, sha, NULL, EVP_sha256(), NULL);
		OPENSSL_free(der);
		assert_int_equal(pw_store_open(p->store, 0, &s, &err), PW_OK);
		/* The storage primitive (publish/ sits below revoke/): the
		 * change counter moves with any revocation row change. */
		memset(&rv, 0, sizeof(rv));
		memcpy(rv.sha256, sha, 32);
		rv.revoked_at = now - 5;
		rv.has_reason = 1;
		rv.reason = PW_REVOKE_KEY_COMPROMISE;
		rv.requested_at = now - 5;
		assert_int_equal(pw_store_revocation_put(s, &rv, &err), PW_OK);
		pw_store_close(s);
	}
	req = make_req(p->leaf[0], p->ca, EVP_sha1(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.cert_status, PW_OCSP_GOOD); /* not noticed yet */
	pw_ocsp_answer_release(&a);
	assert_int_equal(pw_ocsp_responder_refresh(r, &err), PW_OK);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.cert_status, PW_OCSP_REVOKED);
	assert_int_equal(check_answer(&a, p->leaf[0], p->ca, EVP_sha1(), &reason),
	                 V_OCSP_CERTSTATUS_REVOKED);
	assert_int_equal(reason, 1);
	assert_string_not_equal(a.etag, etag);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);
	pw_ocsp_responder_stats(r, &stt);
	assert_int_equal(stt.resigned_on_change, 1);

	/* Two CertIDs with a nonce: one fresh response, nonce echoed. */
	{
		OCSP_REQUEST *q = OCSP_REQUEST_new();
		unsigned char *der = NULL;
		assert_non_null(OCSP_request_add0_id(q, OCSP_cert_to_id(EVP_sha1(), p->leaf[0], p->ca)));
		assert_non_null(OCSP_request_add0_id(q, OCSP_cert_to_id(EVP_sha1(), p->leaf[1], p->ca)));
		assert_true(OCSP_request_add1_nonce(q, NULL, 16));
		int dl = i2d_OCSP_REQUEST(q, &der);
		pw_ocsp_respond(r, der, (size_t)dl, now, &a);
		assert_int_equal(a.status, PW_OCSP_SUCCESSFUL);
		const unsigned char *pp = a.der;
		OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &pp, (long)a.len);
		OCSP_BASICRESP *bs = OCSP_response_get1_basic(o);
		assert_int_equal(OCSP_resp_count(bs), 2);
		assert_int_equal(OCSP_check_nonce(q, bs), 1);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(o);
		OCSP_REQUEST_free(q);
		OPENSSL_free(der);
		pw_ocsp_answer_release(&a);
	}
	pw_ocsp_responder_free(r);
}

/* Revokes leaf i in the store through another handle (as `pkiward revoke`
 * would), after `bumps` registry changes that move the generation without a
 * revocation row. */
static void revoke_leaf(struct pki *p, int i, int64_t now, int bumps)
{
	struct pw_store *s = NULL;
	struct pw_store_revocation rv;
	struct pw_error err;
	unsigned char *der = NULL;
	int dl = i2d_X509(p->leaf[i], &der);
	uint8_t sha[32];
	EVP_Digest(der, (size_t)dl, sha, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	assert_int_equal(pw_store_open(p->store, 0, &s, &err), PW_OK);
	for (int b = 0; b < bumps; b++)
		assert_int_equal(pw_publish_bump(s, &err), PW_OK);
	memset(&rv, 0, sizeof(rv));
	memcpy(rv.sha256, sha, 32);
	rv.revoked_at = now - 5;
	rv.has_reason = 1;
	rv.reason = PW_REVOKE_KEY_COMPROMISE;
	rv.requested_at = now - 5;
	assert_int_equal(pw_store_revocation_put(s, &rv, &err), PW_OK);
	pw_store_close(s);
}

/* A small change is re-signed while it is applied (both CertID hashes: the
 * next request is a cache hit); a change of more than 512 generations (a
 * bulk revocation) is applied without signing, answers revoked at once
 * (signed on request) and is left to the background pre-sign pass. */
static void test_responder_change_presign(void **state)
{
	struct pki *p = *state;
	struct pw_ocsp_responder *r = NULL;
	struct pw_ocsp_config cfg;
	struct pw_ocsp_answer a;
	struct pw_ocsp_stats s0, s1;
	struct pw_error err;
	uint8_t *req;
	size_t len;
	int64_t now = (int64_t)time(NULL);

	pw_ocsp_config_init(&cfg);
	cfg.no_thread = 1;
	assert_int_equal(pw_ocsp_responder_new(p->store, &cfg, &r, &err), PW_OK);
	pw_ocsp_responder_stats(r, &s0);
	assert_int_equal(s0.signatures, 0);

	revoke_leaf(p, 0, now, 0);
	assert_int_equal(pw_ocsp_responder_refresh(r, &err), PW_OK);
	pw_ocsp_responder_stats(r, &s1);
	assert_int_equal(s1.resigned_on_change, 1);
	assert_int_equal(s1.signatures, PW_OCSP_N_HASHES);
	req = make_req(p->leaf[0], p->ca, EVP_sha256(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.cert_status, PW_OCSP_REVOKED);
	assert_int_equal(check_answer(&a, p->leaf[0], p->ca, EVP_sha256(), NULL),
	                 V_OCSP_CERTSTATUS_REVOKED);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);
	pw_ocsp_responder_stats(r, &s1);
	assert_int_equal(s1.signatures, PW_OCSP_N_HASHES); /* pre-signed: a cache hit */
	assert_int_equal(s1.cache_hits, 1);

	revoke_leaf(p, 1, now, 600);
	assert_int_equal(pw_ocsp_responder_refresh(r, &err), PW_OK);
	pw_ocsp_responder_stats(r, &s1);
	assert_int_equal(s1.resigned_on_change, 2);
	assert_int_equal(s1.signatures, PW_OCSP_N_HASHES); /* nothing signed yet */
	req = make_req(p->leaf[1], p->ca, EVP_sha1(), 0, &len);
	pw_ocsp_respond(r, req, len, now, &a);
	assert_int_equal(a.cert_status, PW_OCSP_REVOKED);
	assert_int_equal(check_answer(&a, p->leaf[1], p->ca, EVP_sha1(), NULL),
	                 V_OCSP_CERTSTATUS_REVOKED);
	pw_ocsp_answer_release(&a);
	OPENSSL_free(req);
	pw_ocsp_responder_stats(r, &s1);
	assert_int_equal(s1.signatures, PW_OCSP_N_HASHES + 1); /* signed on request */
	assert_int_equal(s1.presigning, 0);                    /* no refresher thread */
	pw_ocsp_responder_free(r);
}

static void test_config_limits(void **state)
{
	struct pki *p = *state;
	struct pw_ocsp_responder *r = NULL;
	struct pw_ocsp_config cfg;
	struct pw_error err;
	pw_ocsp_config_init(&cfg);
	cfg.no_thread = 1;
	cfg.validity = 3600; /* under BR 4.9.9's 8 hours */
	assert_int_equal(pw_ocsp_responder_new(p->store, &cfg, &r, &err), PW_ERR_USAGE);
	assert_null(r);
	pw_ocsp_config_init(&cfg);
	cfg.no_thread = 1;
	cfg.max_stale = 1;
	assert_int_equal(pw_ocsp_responder_new(p->store, &cfg, &r, &err), PW_ERR_USAGE);
	assert_int_equal(pw_ocsp_responder_new("/nonexistent/x.db", NULL, &r, &err) == PW_OK, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_truncations),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_get_decode),
		cmocka_unit_test(test_writer),
		cmocka_unit_test_setup_teardown(test_responder, pki_setup, pki_teardown),
		cmocka_unit_test_setup_teardown(test_responder_change_presign, pki_setup, pki_teardown),
		cmocka_unit_test_setup_teardown(test_config_limits, pki_setup, pki_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
