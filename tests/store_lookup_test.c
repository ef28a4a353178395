/* Unit tests of the point lookups (pw_store_lookup, and pw_store_find when
 * its filter is one key): hits, misses, twins (RFC 6962 §3.1), what `want`
 * fetches, malformed keys, and that every lookup returns exactly the rows
 * of the general find query for the same condition. Runs on SQLite, or on
 * PostgreSQL with PW_TEST_PG_URL (tests/support/test_store.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/cert.h"
#include "pkiward/store.h"
#include "test_store.h"

#define T0 1609459200 /* 2021-01-01T00:00:00Z */
#define DAY 86400
#define CA_DN "CN=Lookup Test CA, O=pkiward test"
#define OTHER_DN "CN=Lookup Other CA, O=pkiward test"

/* ------------------------------------------------------------------------ */
/* Certificates                                                              */
/* ------------------------------------------------------------------------ */

struct spec {
	const char *cn;
	const char *dns[4];
	long serial;
	int ca;
	int precert; /* CT poison (RFC 6962 §3.1) */
	int sct;     /* an SCT list: the certificate issued from a precertificate */
	EVP_PKEY *key;
	X509 *issuer;
	EVP_PKEY *issuer_key;
};

static void add_conf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

static void add_ext_der(X509 *x, int nid, int crit, const uint8_t *val, size_t len)
{
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	assert_non_null(os);
	assert_int_equal(ASN1_OCTET_STRING_set(os, val, (int)len), 1);
	X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, nid, crit, os);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
}

static X509 *make_x509(const struct spec *sp)
{
	X509 *x = X509_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), sp->serial), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)T0));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(T0 + 90 * DAY)));
	X509_NAME *n = X509_NAME_new();
	assert_non_null(n);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	                                            (const unsigned char *)"pkiward test", -1, -1, 0),
	                 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                                            (const unsigned char *)sp->cn, -1, -1, 0),
	                 1);
	assert_int_equal(X509_set_subject_name(x, n), 1);
	X509_NAME_free(n);
	assert_int_equal(X509_set_issuer_name(x, sp->issuer ? X509_get_subject_name(sp->issuer)
	                                                    : X509_get_subject_name(x)),
	                 1);
	assert_int_equal(X509_set_pubkey(x, sp->key), 1);
	add_conf_ext(x, sp->issuer, NID_basic_constraints,
	             sp->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_conf_ext(x, sp->issuer, NID_subject_key_identifier, "hash");
	add_conf_ext(x, sp->issuer, NID_authority_key_identifier, "keyid:always");
	if (sp->dns[0] != NULL) {
		GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
		for (int i = 0; i < 4 && sp->dns[i] != NULL; i++) {
			GENERAL_NAME *g = GENERAL_NAME_new();
			ASN1_IA5STRING *s = ASN1_IA5STRING_new();
			ASN1_STRING_set(s, sp->dns[i], (int)strlen(sp->dns[i]));
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
			sk_GENERAL_NAME_push(gens, g);
		}
		assert_int_equal(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT),
		                 1);
		GENERAL_NAMES_free(gens);
	}
	if (sp->precert) {
		static const uint8_t null_der[] = {0x05, 0x00};
		add_ext_der(x, NID_ct_precert_poison, 1, null_der, sizeof null_der);
	}
	if (sp->sct) {
		/* An SCT list with one v1 SCT (RFC 6962 §3.3); only its presence
		 * matters here: it is left out of link_sha256 like the poison. */
		uint8_t l[2 + 2 + 47 + 8];
		size_t sct_len = 1 + 32 + 8 + 2 + 2 + 2 + 8, o = 0;
		l[o++] = 0;
		l[o++] = (uint8_t)(sct_len + 2);
		l[o++] = 0;
		l[o++] = (uint8_t)sct_len;
		memset(l + o, 0, sct_len);
		l[o + 1 + 32 + 7] = 1;
		l[o + 1 + 32 + 8 + 2] = 4;
		l[o + 1 + 32 + 8 + 3] = 3;
		l[o + 1 + 32 + 8 + 5] = 8;
		o += sct_len;
		uint8_t wrapped[2 + sizeof l];
		wrapped[0] = 0x04;
		wrapped[1] = (uint8_t)o;
		memcpy(wrapped + 2, l, o);
		add_ext_der(x, NID_ct_precert_scts, 0, wrapped, o + 2);
	}
	assert_true(X509_sign(x, sp->issuer_key ? sp->issuer_key : sp->key, EVP_sha256()) > 0);
	return x;
}

/* Stores x; its SHA-256 into sha (NULL: not needed). */
static void put(struct pw_store *s, X509 *x, uint8_t sha[32])
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	struct pw_cert c;
	struct pw_error err;
	int inserted = 0;
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, (size_t)n, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(s, &c, T0 + 1000, &inserted, &err), PW_OK);
	assert_int_equal(inserted, 1);
	if (sha != NULL)
		SHA256(der, (size_t)n, sha);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

static void spki_sha256(EVP_PKEY *k, uint8_t out[32])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	assert_true(n > 0);
	SHA256(der, (size_t)n, out);
	OPENSSL_free(der);
}

/* ------------------------------------------------------------------------ */
/* Fixture: a CA, a second CA, and leaves                                    */
/* ------------------------------------------------------------------------ */

struct fx {
	struct pw_test_store *t;
	struct pw_store *s;
	EVP_PKEY *ca_key, *other_key, *leaf_key, *lone_key;
	uint8_t ca_sha[32], other_sha[32];
	uint8_t pre_sha[32], fin_sha[32]; /* twins: serial 0x10, www.example.com */
	uint8_t plain_sha[32];            /* serial 0x11, www.example.com + api.example.com */
	uint8_t lone_sha[32];             /* serial 0x12, own key, lone.example.org */
	uint8_t other_leaf_sha[32];       /* Other CA, serial 0x10, www.example.com */
	uint8_t leaf_spki[32], lone_spki[32];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = pw_test_store_new("store_lookup_test");
	f->s = pw_test_store_open(f->t, "base", PW_STORE_CREATE);
	f->ca_key = EVP_EC_gen("P-256");
	f->other_key = EVP_EC_gen("P-256");
	f->leaf_key = EVP_EC_gen("P-256");
	f->lone_key = EVP_EC_gen("P-256");
	assert_true(f->ca_key && f->other_key && f->leaf_key && f->lone_key);

	struct spec sca = {.cn = "Lookup Test CA", .serial = 1, .ca = 1, .key = f->ca_key};
	X509 *ca = make_x509(&sca);
	struct spec sother = {.cn = "Lookup Other CA", .serial = 2, .ca = 1, .key = f->other_key};
	X509 *other = make_x509(&sother);
	put(f->s, ca, f->ca_sha);
	put(f->s, other, f->other_sha);

	/* The twins go in certificate first, so ingest order differs from
	 * precertificate-first: lookups must keep ingest order. */
	struct spec fin = {.cn = "www.example.com", .dns = {"www.example.com"}, .serial = 0x10,
	                   .sct = 1, .key = f->leaf_key, .issuer = ca, .issuer_key = f->ca_key};
	struct spec pre = fin;
	pre.sct = 0;
	pre.precert = 1;
	struct spec plain = {.cn = "plain", .dns = {"api.example.com", "WWW.Example.com"},
	                     .serial = 0x11, .key = f->leaf_key, .issuer = ca,
	                     .issuer_key = f->ca_key};
	struct spec lone = {.cn = "lone", .dns = {"lone.example.org"}, .serial = 0x12,
	                    .key = f->lone_key, .issuer = ca, .issuer_key = f->ca_key};
	struct spec oleaf = {.cn = "other", .dns = {"www.example.com"}, .serial = 0x10,
	                     .key = f->leaf_key, .issuer = other, .issuer_key = f->other_key};
	X509 *xs[5] = {make_x509(&fin), make_x509(&pre), make_x509(&plain), make_x509(&lone),
	               make_x509(&oleaf)};
	uint8_t *shas[5] = {f->fin_sha, f->pre_sha, f->plain_sha, f->lone_sha, f->other_leaf_sha};
	for (int i = 0; i < 5; i++) {
		put(f->s, xs[i], shas[i]);
		X509_free(xs[i]);
	}
	spki_sha256(f->leaf_key, f->leaf_spki);
	spki_sha256(f->lone_key, f->lone_spki);
	X509_free(ca);
	X509_free(other);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->other_key);
	EVP_PKEY_free(f->leaf_key);
	EVP_PKEY_free(f->lone_key);
	pw_test_store_free(f->t);
	free(f);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Row collection                                                            */
/* ------------------------------------------------------------------------ */

#define MAX_ROWS 16
struct rows {
	size_t n;
	int stop_after; /* 0 = never */
	uint8_t sha[MAX_ROWS][32];
	int precert[MAX_ROWS];
	int has_pre[MAX_ROWS], has_cert[MAX_ROWS];
	uint8_t pre[MAX_ROWS][32], cert[MAX_ROWS][32];
	char serial_hex[MAX_ROWS][130];
	char issuer[MAX_ROWS][256];
	int revoked[MAX_ROWS];
	size_t der_len[MAX_ROWS];
	uint8_t der_sha[MAX_ROWS][32];
	size_t n_dns[MAX_ROWS], n_dns_total[MAX_ROWS];
	char dns[MAX_ROWS][2][64];
};

static int collect(void *ctx, const struct pw_store_row *r)
{
	struct rows *rs = ctx;
	assert_true(rs->n < MAX_ROWS);
	size_t i = rs->n++;
	memcpy(rs->sha[i], r->sha256, 32);
	rs->precert[i] = r->precert;
	rs->has_pre[i] = r->has_precert_sha256;
	rs->has_cert[i] = r->has_cert_sha256;
	if (r->has_precert_sha256)
		memcpy(rs->pre[i], r->precert_sha256, 32);
	if (r->has_cert_sha256)
		memcpy(rs->cert[i], r->cert_sha256, 32);
	snprintf(rs->serial_hex[i], sizeof rs->serial_hex[i], "%s", r->serial_hex);
	snprintf(rs->issuer[i], sizeof rs->issuer[i], "%s", r->issuer ? r->issuer : "");
	rs->revoked[i] = r->revoked;
	rs->der_len[i] = r->der_len;
	if (r->der != NULL)
		SHA256(r->der, r->der_len, rs->der_sha[i]);
	rs->n_dns[i] = r->n_dns_names;
	rs->n_dns_total[i] = r->n_dns_names_total;
	for (size_t j = 0; j < r->n_dns_names && j < 2; j++)
		snprintf(rs->dns[i][j], sizeof rs->dns[i][j], "%s", r->dns_names[j]);
	return rs->stop_after == 0 || (int)rs->n < rs->stop_after;
}

static enum pw_status lookup(struct fx *f, const struct pw_store_key *k, unsigned want,
                             struct rows *rs, struct pw_error *err)
{
	memset(rs, 0, sizeof *rs);
	return pw_store_lookup(f->s, k, want, collect, rs, err);
}

static struct pw_store_key key_hash(enum pw_store_key_kind kind, const uint8_t *h, size_t len)
{
	struct pw_store_key k;
	memset(&k, 0, sizeof k);
	k.kind = kind;
	k.bytes = h;
	k.len = len;
	return k;
}

static struct pw_store_key key_name(const char *name)
{
	return key_hash(PW_STORE_KEY_NAME, (const uint8_t *)name, strlen(name));
}

static struct pw_store_key key_issuer_serial(const uint8_t *issuer_sha, const char *dn,
                                             const uint8_t *serial, size_t len)
{
	struct pw_store_key k = key_hash(PW_STORE_KEY_ISSUER_SERIAL, serial, len);
	k.issuer_sha256 = issuer_sha;
	k.issuer_dn = dn;
	return k;
}

static int has(const struct rows *rs, const uint8_t sha[32])
{
	for (size_t i = 0; i < rs->n; i++)
		if (memcmp(rs->sha[i], sha, 32) == 0)
			return 1;
	return 0;
}

/* The same key as a filter, run through the general query: limit set so the
 * find fast path does not take it (no row set here has 1000 rows). */
static void filter_of(const struct pw_store_key *k, struct pw_store_filter *flt)
{
	memset(flt, 0, sizeof *flt);
	flt->limit = 1000;
	switch (k->kind) {
	case PW_STORE_KEY_SHA256:
		flt->has_sha256 = 1;
		memcpy(flt->sha256, k->bytes, 32);
		break;
	case PW_STORE_KEY_SPKI:
		flt->has_spki = 1;
		memcpy(flt->spki_sha256, k->bytes, 32);
		break;
	case PW_STORE_KEY_ISSUER_SERIAL:
		if (k->issuer_sha256 != NULL) {
			flt->has_issuer_sha256 = 1;
			memcpy(flt->issuer_sha256, k->issuer_sha256, 32);
		}
		flt->issuer_dn = k->issuer_dn;
		flt->has_serial = 1;
		memcpy(flt->serial, k->bytes, k->len);
		flt->serial_len = k->len;
		break;
	case PW_STORE_KEY_NAME: flt->name = (const char *)k->bytes; break;
	}
}

/* lookup(k) == the general find of the same condition, row by row, for
 * every `want`; and pw_store_find with the bare filter (the fast path)
 * agrees too. Returns the row count. */
static size_t check_same_as_find(struct fx *f, const struct pw_store_key *k)
{
	static const unsigned wants[] = {0, PW_STORE_WANT_DER, PW_STORE_WANT_NAMES,
	                                 PW_STORE_WANT_DER | PW_STORE_WANT_NAMES};
	struct pw_store_filter flt;
	struct pw_error err;
	size_t n = 0;
	for (size_t w = 0; w < sizeof wants / sizeof wants[0]; w++) {
		struct rows a, b, c;
		assert_int_equal(lookup(f, k, wants[w], &a, &err), PW_OK);
		filter_of(k, &flt);
		memset(&b, 0, sizeof b);
		assert_int_equal(pw_store_find(f->s, &flt, wants[w], collect, &b, &err), PW_OK);
		flt.limit = 0; /* now a bare key: pw_store_find's lookup path */
		memset(&c, 0, sizeof c);
		assert_int_equal(pw_store_find(f->s, &flt, wants[w], collect, &c, &err), PW_OK);
		assert_int_equal(a.n, b.n);
		assert_int_equal(a.n, c.n);
		/* Field by field (struct padding and unused slots are zeroed). */
		assert_memory_equal(&a, &b, sizeof a);
		assert_memory_equal(&a, &c, sizeof a);
		for (size_t i = 0; i < a.n; i++) {
			assert_int_equal(a.der_len[i] > 0, (wants[w] & PW_STORE_WANT_DER) != 0);
			if (!(wants[w] & PW_STORE_WANT_NAMES))
				assert_int_equal(a.n_dns[i], 0);
		}
		n = a.n;
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

static void test_sha256_hit_miss(void **state)
{
	struct fx *f = *state;
	struct rows rs;
	struct pw_error err;
	struct pw_store_key k = key_hash(PW_STORE_KEY_SHA256, f->plain_sha, 32);

	assert_int_equal(lookup(f, &k, PW_STORE_WANT_DER | PW_STORE_WANT_NAMES, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_memory_equal(rs.sha[0], f->plain_sha, 32);
	assert_string_equal(rs.serial_hex[0], "11");
	assert_string_equal(rs.issuer[0], CA_DN);
	assert_memory_equal(rs.der_sha[0], f->plain_sha, 32); /* the stored DER is the certificate */
	assert_int_equal(rs.n_dns[0], 2);
	assert_int_equal(rs.n_dns_total[0], 2);
	assert_string_equal(rs.dns[0][0], "api.example.com");
	assert_string_equal(rs.dns[0][1], "WWW.Example.com"); /* as encoded */
	assert_true(rs.has_cert[0]);
	assert_false(rs.has_pre[0]);

	/* want = 0: neither DER nor names. */
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.der_len[0], 0);
	assert_int_equal(rs.n_dns[0], 0);
	assert_int_equal(check_same_as_find(f, &k), 1);

	/* A miss: PW_OK, no row; pw_store_get_by_sha256 keeps PW_ERR_NOTFOUND. */
	uint8_t nx[32];
	memcpy(nx, f->plain_sha, 32);
	nx[31] ^= 1;
	k = key_hash(PW_STORE_KEY_SHA256, nx, 32);
	assert_int_equal(lookup(f, &k, PW_STORE_WANT_DER, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 0);
	assert_int_equal(check_same_as_find(f, &k), 0);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_get_by_sha256(f->s, nx, collect, &rs, &err), PW_ERR_NOTFOUND);
	assert_string_equal(err.field, "sha256");
	assert_int_equal(rs.n, 0);
}

static void test_twins(void **state)
{
	struct fx *f = *state;
	struct rows rs;
	struct pw_error err;

	/* The precertificate names its certificate, and the other way round
	 * (RFC 6962 §3.1), whichever was stored first. */
	struct pw_store_key k = key_hash(PW_STORE_KEY_SHA256, f->pre_sha, 32);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.precert[0], 1);
	assert_true(rs.has_pre[0] && rs.has_cert[0]);
	assert_memory_equal(rs.pre[0], f->pre_sha, 32);
	assert_memory_equal(rs.cert[0], f->fin_sha, 32);
	check_same_as_find(f, &k);
	k = key_hash(PW_STORE_KEY_SHA256, f->fin_sha, 32);
	assert_int_equal(lookup(f, &k, PW_STORE_WANT_NAMES, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.precert[0], 0);
	assert_true(rs.has_pre[0] && rs.has_cert[0]);
	assert_memory_equal(rs.pre[0], f->pre_sha, 32);
	assert_memory_equal(rs.cert[0], f->fin_sha, 32);
	check_same_as_find(f, &k);

	/* Issuer + serial 0x10: both halves, in ingest order (certificate
	 * first), each naming the other; the other CA's serial 0x10 is not one. */
	static const uint8_t serial10[] = {0x10};
	k = key_issuer_serial(NULL, CA_DN, serial10, 1);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 2);
	assert_memory_equal(rs.sha[0], f->fin_sha, 32);
	assert_memory_equal(rs.sha[1], f->pre_sha, 32);
	for (size_t i = 0; i < 2; i++) {
		assert_true(rs.has_pre[i] && rs.has_cert[i]);
		assert_memory_equal(rs.pre[i], f->pre_sha, 32);
		assert_memory_equal(rs.cert[i], f->fin_sha, 32);
	}
	assert_int_equal(check_same_as_find(f, &k), 2);
	/* The issuer as its CA certificate (Name hash + SKI against the AKI). */
	k = key_issuer_serial(f->ca_sha, NULL, serial10, 1);
	assert_int_equal(check_same_as_find(f, &k), 2);
	k = key_issuer_serial(f->other_sha, NULL, serial10, 1);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_memory_equal(rs.sha[0], f->other_leaf_sha, 32);
	assert_false(rs.has_pre[0]);
	assert_int_equal(check_same_as_find(f, &k), 1);
	k = key_issuer_serial(NULL, OTHER_DN, serial10, 1);
	assert_int_equal(check_same_as_find(f, &k), 1);

	/* A revocation shows on the lookup row as on the find row. */
	struct pw_store_revocation rv;
	memset(&rv, 0, sizeof rv);
	memcpy(rv.sha256, f->fin_sha, 32);
	rv.revoked_at = T0 + 5 * DAY;
	rv.has_reason = 1;
	rv.reason = 4; /* superseded */
	assert_int_equal(pw_store_revocation_put(f->s, &rv, &err), PW_OK);
	k = key_issuer_serial(NULL, CA_DN, serial10, 1);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.revoked[0], 1);
	assert_int_equal(rs.revoked[1], 0);
	assert_int_equal(check_same_as_find(f, &k), 2);
}

static void test_spki_and_name(void **state)
{
	struct fx *f = *state;
	struct rows rs;
	struct pw_error err;

	/* leaf_key: the twins, plain and the other CA's leaf, in ingest order. */
	struct pw_store_key k = key_hash(PW_STORE_KEY_SPKI, f->leaf_spki, 32);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 4);
	assert_memory_equal(rs.sha[0], f->fin_sha, 32);
	assert_memory_equal(rs.sha[1], f->pre_sha, 32);
	assert_memory_equal(rs.sha[2], f->plain_sha, 32);
	assert_memory_equal(rs.sha[3], f->other_leaf_sha, 32);
	assert_int_equal(check_same_as_find(f, &k), 4);
	k = key_hash(PW_STORE_KEY_SPKI, f->lone_spki, 32);
	assert_int_equal(check_same_as_find(f, &k), 1);
	uint8_t nx[32];
	memset(nx, 0x5a, sizeof nx);
	k = key_hash(PW_STORE_KEY_SPKI, nx, 32);
	assert_int_equal(check_same_as_find(f, &k), 0);

	/* Names are compared lowercased, without a trailing dot. */
	k = key_name("WWW.EXAMPLE.COM.");
	assert_int_equal(lookup(f, &k, PW_STORE_WANT_NAMES, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 4);
	assert_true(has(&rs, f->fin_sha) && has(&rs, f->pre_sha) && has(&rs, f->plain_sha) &&
	            has(&rs, f->other_leaf_sha));
	assert_int_equal(check_same_as_find(f, &k), 4);
	k = key_name("lone.example.org");
	assert_int_equal(check_same_as_find(f, &k), 1);
	/* Exact, not a subtree: example.com itself and a sibling miss. */
	k = key_name("example.com");
	assert_int_equal(check_same_as_find(f, &k), 0);
	k = key_name("xwww.example.com");
	assert_int_equal(check_same_as_find(f, &k), 0);
	/* A key of the name's bytes, not a C string: the length bounds it. */
	k = key_hash(PW_STORE_KEY_NAME, (const uint8_t *)"lone.example.orgXYZ", 16);
	assert_int_equal(lookup(f, &k, 0, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_memory_equal(rs.sha[0], f->lone_sha, 32);

	/* The callback stops the listing early: PW_OK, one row. */
	k = key_hash(PW_STORE_KEY_SPKI, f->leaf_spki, 32);
	memset(&rs, 0, sizeof rs);
	rs.stop_after = 1;
	assert_int_equal(pw_store_lookup(f->s, &k, PW_STORE_WANT_NAMES, collect, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	/* And the handle is usable afterwards (the statement was reset). */
	assert_int_equal(check_same_as_find(f, &k), 4);
}

static void expect_usage(struct fx *f, const struct pw_store_key *k, const char *field)
{
	struct rows rs;
	struct pw_error err;
	pw_error_clear(&err);
	assert_int_equal(lookup(f, k, 0, &rs, &err), PW_ERR_USAGE);
	assert_int_equal(err.status, PW_ERR_USAGE);
	assert_int_equal(rs.n, 0);
	if (field != NULL)
		assert_string_equal(err.field, field);
	assert_true(err.msg[0] != '\0');
}

static void test_bad_keys(void **state)
{
	struct fx *f = *state;
	uint8_t h[PW_STORE_MAX_SERIAL + 1];
	struct pw_store_key k;
	struct pw_error err;
	struct rows rs;

	memcpy(h, f->plain_sha, 32);
	memset(h + 32, 0, sizeof h - 32);
	/* Hashes are exactly 32 bytes. */
	k = key_hash(PW_STORE_KEY_SHA256, h, 31);
	expect_usage(f, &k, "sha256");
	k = key_hash(PW_STORE_KEY_SHA256, h, 33);
	expect_usage(f, &k, "sha256");
	k = key_hash(PW_STORE_KEY_SHA256, h, 0);
	expect_usage(f, &k, "sha256");
	k = key_hash(PW_STORE_KEY_SPKI, h, 64);
	expect_usage(f, &k, "spki_sha256");
	/* Serials: 1..PW_STORE_MAX_SERIAL octets; exactly one issuer form. */
	static const uint8_t serial10[] = {0x10};
	k = key_issuer_serial(NULL, CA_DN, serial10, 0);
	expect_usage(f, &k, "serial");
	k = key_issuer_serial(NULL, CA_DN, h, PW_STORE_MAX_SERIAL + 1);
	expect_usage(f, &k, "serial");
	k = key_issuer_serial(NULL, NULL, serial10, 1);
	expect_usage(f, &k, "issuer");
	k = key_issuer_serial(f->ca_sha, CA_DN, serial10, 1);
	expect_usage(f, &k, "issuer");
	/* Names: empty, with a NUL or a control character, too long. */
	k = key_name("");
	expect_usage(f, &k, "name");
	k = key_hash(PW_STORE_KEY_NAME, (const uint8_t *)"a\0b.example", 11);
	expect_usage(f, &k, "name");
	k = key_name("bad\n.example.com");
	expect_usage(f, &k, "name");
	char longname[PW_STORE_MAX_NAME + 8];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	k = key_name(longname);
	expect_usage(f, &k, "name");
	/* Unknown kinds and missing pointers. */
	k = key_hash((enum pw_store_key_kind)0, h, 32);
	expect_usage(f, &k, "kind");
	k = key_hash((enum pw_store_key_kind)99, h, 32);
	expect_usage(f, &k, "kind");
	k = key_hash(PW_STORE_KEY_SHA256, NULL, 32);
	expect_usage(f, &k, NULL);
	k = key_hash(PW_STORE_KEY_SHA256, h, 32);
	assert_int_equal(pw_store_lookup(f->s, &k, 0, NULL, NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_lookup(f->s, NULL, 0, collect, &rs, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_lookup(NULL, &k, 0, collect, &rs, &err), PW_ERR_USAGE);

	/* An issuer certificate that is not a stored CA: PW_ERR_NOTFOUND, as
	 * for find. */
	k = key_issuer_serial(f->plain_sha, NULL, serial10, 1);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_lookup(f->s, &k, 0, collect, &rs, &err), PW_ERR_NOTFOUND);
	assert_string_equal(err.field, "issuer");
	assert_int_equal(rs.n, 0);

	/* The find fast path reports malformed filters like the general path. */
	struct pw_store_filter flt;
	memset(&flt, 0, sizeof flt);
	flt.name = "";
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect, &rs, &err), PW_ERR_USAGE);
	assert_string_equal(err.field, "name");
	memset(&flt, 0, sizeof flt);
	flt.has_serial = 1;
	flt.serial_len = 0;
	flt.issuer_dn = CA_DN;
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect, &rs, &err), PW_ERR_USAGE);
	assert_string_equal(err.field, "serial");
}

/* A filter with a key and any other condition is not a point lookup: the
 * other condition still applies. */
static void test_find_with_more_conditions(void **state)
{
	struct fx *f = *state;
	struct pw_store_filter flt;
	struct rows rs;
	struct pw_error err;

	memset(&flt, 0, sizeof flt);
	flt.name = "www.example.com";
	flt.kind = PW_STORE_KIND_PRECERT;
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_memory_equal(rs.sha[0], f->pre_sha, 32);

	memset(&flt, 0, sizeof flt);
	flt.has_spki = 1;
	memcpy(flt.spki_sha256, f->leaf_spki, 32);
	flt.offset = 2;
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 2);
	assert_memory_equal(rs.sha[0], f->plain_sha, 32);

	memset(&flt, 0, sizeof flt);
	flt.has_sha256 = 1;
	memcpy(flt.sha256, f->fin_sha, 32);
	flt.revoked = PW_STORE_YES;
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sha256_hit_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spki_and_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_with_more_conditions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
