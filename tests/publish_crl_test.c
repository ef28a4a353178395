/* Unit tests of publish/: the CA registry (key/certificate checks, bad
 * input), CRL numbers (strictly increasing across runs, reopen and a
 * reservation that was never used), partitions (exactly their serials; IDP
 * bytes equal to the certificate's CRLDP URI), the expired-entry rule
 * (BR 7.2), lint refusal, the change counter, and the DER writer checked
 * against OpenSSL's parser and signature verification.
 *
 * Certificates and keys are made here with OpenSSL (EC P-256), so every
 * test knows what it stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/lint.h"
#include "pkiward/publish.h"
#include "pkiward/signer.h"
#include "pkiward/store.h"
#include "pkiward/store_publish.h"
#include "test_store.h"

#define DAY 86400
#define BASE "http://crl.test.example"
#define N_LEAVES 60
#define N_PARTS 5

/* ---- certificate factory ---- */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A CA (issuer NULL: self-signed) or a leaf with serial bytes ser. */
static X509 *make(const char *cn, const uint8_t *ser, size_t ser_len, int64_t nb, int64_t na,
                  EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, const char *crldp,
                  const char *eku)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_bin2bn(ser, (int)ser_len, NULL);
	X509_NAME *n = X509_NAME_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na));
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer, NID_basic_constraints, issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer != NULL) {
		add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
		add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
		add_ext(x, issuer, NID_subject_alt_name, "DNS:www.example.com");
	} else {
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	if (crldp != NULL)
		add_ext(x, issuer, NID_crl_distribution_points, crldp);
	if (eku != NULL)
		add_ext(x, issuer, NID_ext_key_usage, eku);
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static uint8_t *der_of(X509 *x, size_t *len)
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	return der;
}

static void put(struct pw_store *s, X509 *x, uint8_t sha[32])
{
	size_t n;
	uint8_t *der = der_of(x, &n);
	struct pw_cert c;
	struct pw_error err;
	SHA256(der, n, sha);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, n, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(s, &c, 1, NULL, &err), PW_OK);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

static void write_key(EVP_PKEY *k, const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static void revoke_row(struct pw_store *s, const uint8_t sha[32], int64_t at, int has_reason,
                       unsigned reason)
{
	struct pw_store_revocation r;
	struct pw_error err;
	memset(&r, 0, sizeof r);
	memcpy(r.sha256, sha, 32);
	r.revoked_at = at;
	r.has_reason = has_reason;
	r.reason = reason;
	r.requested_at = at;
	r.deadline = at + DAY;
	assert_int_equal(pw_store_revocation_put(s, &r, &err), PW_OK);
}

/* ---- fixture ---- */

struct leaf {
	uint8_t serial[17];
	size_t serial_len;
	uint8_t sha[32];
	int64_t not_after;
};

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	const char *path;        /* the base's location */
	char dir[64], key_path[128], other_key_path[128];
	struct pw_store *s;
	int64_t now;
	EVP_PKEY *ca_key, *other_key;
	X509 *ca;
	uint8_t *ca_der;
	size_t ca_len;
	struct leaf leaves[N_LEAVES];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pw_error err;
	static const uint8_t ca_serial[] = {0x01};
	assert_non_null(f);
	f->t = pw_test_store_new("publish_crl_test");
	snprintf(f->dir, sizeof f->dir, "%s", pw_test_store_dir(f->t));
	f->path = pw_test_store_create(f->t, "store");
	snprintf(f->key_path, sizeof f->key_path, "%s/ca.key", f->dir);
	snprintf(f->other_key_path, sizeof f->other_key_path, "%s/other.key", f->dir);
	assert_int_equal(pw_store_open(f->path, 0, &f->s, &err), PW_OK);
	f->now = (int64_t)time(NULL);
	f->ca_key = EVP_EC_gen("P-256");
	f->other_key = EVP_EC_gen("P-256");
	f->ca = make("Test Issuing CA", ca_serial, 1, f->now - 400 * DAY, f->now + 3000 * DAY,
	             f->ca_key, NULL, NULL, NULL, NULL);
	f->ca_der = der_of(f->ca, &f->ca_len);
	write_key(f->ca_key, f->key_path);
	write_key(f->other_key, f->other_key_path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->other_key);
	X509_free(f->ca);
	OPENSSL_free(f->ca_der);
	pw_test_store_free(f->t);
	free(f);
	return 0;
}

static int64_t add_ca(struct fx *f, unsigned parts)
{
	struct pw_publish_ca_spec spec;
	struct pw_error err;
	int64_t id = 0;
	memset(&spec, 0, sizeof spec);
	spec.name = "test-ca";
	spec.cert_der = f->ca_der;
	spec.cert_len = f->ca_len;
	spec.key_ref = f->key_path;
	spec.crl_base_url = BASE;
	spec.partitions = parts;
	spec.now = f->now;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_OK);
	assert_true(id > 0);
	return id;
}

/* n leaves with random 16-byte serials (top bit clear), expiring at na. */
static void add_leaves(struct fx *f, size_t n, int64_t na, int revoke)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	for (size_t i = 0; i < n; i++) {
		struct leaf *l = &f->leaves[i];
		X509 *x;
		assert_int_equal(RAND_bytes(l->serial, 16), 1);
		l->serial[0] = (uint8_t)((l->serial[0] & 0x7f) | 0x01);
		l->serial_len = 16;
		l->not_after = na;
		x = make("leaf", l->serial, 16, f->now - 30 * DAY, na, k, f->ca, f->ca_key, NULL, NULL);
		put(f->s, x, l->sha);
		X509_free(x);
		if (revoke)
			revoke_row(f->s, l->sha, f->now - 3600, 1, 1);
	}
	EVP_PKEY_free(k);
}

/* CRLs of a run, kept in memory. */
struct run {
	size_t n;
	struct {
		int partition;
		uint64_t number;
		uint8_t *der;
		size_t len;
		char url[PW_PUBLISH_URL_BUF];
	} v[16];
};

static int run_cb(void *ctx, const struct pw_publish_crl_info *i)
{
	struct run *r = ctx;
	assert_true(r->n < 16);
	r->v[r->n].partition = i->partition;
	r->v[r->n].number = i->number;
	r->v[r->n].der = malloc(i->der_len);
	memcpy(r->v[r->n].der, i->der, i->der_len);
	r->v[r->n].len = i->der_len;
	snprintf(r->v[r->n].url, sizeof r->v[r->n].url, "%s", i->url ? i->url : "");
	r->n++;
	return 1;
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].der);
	memset(r, 0, sizeof *r);
}

static enum pw_status publish(struct fx *f, int64_t now, struct run *r,
                              struct pw_publish_crl_result *res, struct pw_error *err)
{
	struct pw_publish_crl_opts o;
	memset(&o, 0, sizeof o);
	memset(r, 0, sizeof *r);
	o.now = now;
	o.fn = run_cb;
	o.ctx = r;
	return pw_publish_crls(f->s, &o, res, err);
}

static uint64_t crl_number(const uint8_t *der, size_t len)
{
	struct pw_crl l;
	struct pw_error err;
	uint64_t v = 0;
	pw_crl_init(&l);
	assert_int_equal(pw_crl_parse(&l, der, len, &err), PW_OK);
	assert_true(l.has_crl_number);
	for (size_t i = 0; i < l.crl_number.len; i++)
		v = (v << 8) | l.crl_number.p[i];
	pw_crl_cleanup(&l);
	return v;
}

/* ---- tests ---- */

static void test_numbers_monotonic(void **state)
{
	struct fx *f = *state;
	struct run r;
	struct pw_publish_crl_result res;
	struct pw_error err;
	uint64_t last = 0, first_reserved = 0;
	int64_t id = add_ca(f, 3);

	add_leaves(f, 4, f->now + 90 * DAY, 1);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(publish(f, f->now + round, &r, &res, &err), PW_OK);
		assert_int_equal(r.n, 4); /* full + 3 partitions */
		for (size_t i = 0; i < r.n; i++) {
			uint64_t n = crl_number(r.v[i].der, r.v[i].len);
			assert_int_equal(n, r.v[i].number);
			assert_true(n > last);
			last = n;
		}
		run_free(&r);
		if (round == 0) {
			/* Reopen: the counter is in the store, not the process. */
			pw_store_close(f->s);
			assert_int_equal(pw_store_open(f->path, 0, &f->s, &err), PW_OK);
		}
		if (round == 1) {
			/* A run that reserved numbers and died before publishing:
			 * those numbers are never used. */
			assert_int_equal(pw_store_publish_reserve_numbers(f->s, id, 4, &first_reserved,
			                                                  &err), PW_OK);
			assert_int_equal(first_reserved, last + 1);
			last = first_reserved + 3;
		}
	}
	struct pw_publish_crl_info info;
	assert_int_equal(pw_publish_crl_last(f->s, id, -1, &info, &err), PW_OK);
	assert_true(info.number > first_reserved + 3);
	assert_int_equal(info.entries, 4);
}

static void test_partitions_exact(void **state)
{
	struct fx *f = *state;
	struct run r;
	struct pw_publish_crl_result res;
	struct pw_error err;
	size_t seen[N_LEAVES] = {0};
	size_t total_in_parts = 0;

	add_ca(f, N_PARTS);
	add_leaves(f, N_LEAVES, f->now + 90 * DAY, 1);
	assert_int_equal(publish(f, f->now, &r, &res, &err), PW_OK);
	assert_int_equal(r.n, 1 + N_PARTS);
	assert_int_equal(res.entries, N_LEAVES);
	for (size_t k = 0; k < r.n; k++) {
		struct pw_crl l;
		pw_crl_init(&l);
		assert_int_equal(pw_crl_parse(&l, r.v[k].der, r.v[k].len, &err), PW_OK);
		if (r.v[k].partition < 0) {
			assert_int_equal(l.n_entries, N_LEAVES);
			assert_false(l.has_idp);
		} else {
			total_in_parts += l.n_entries;
			assert_true(l.has_idp);
		}
		for (size_t e = 0; e < l.n_entries; e++) {
			const struct pw_crl_entry *ce = &l.entries[e];
			size_t j;
			for (j = 0; j < N_LEAVES; j++)
				if (ce->serial.len == f->leaves[j].serial_len &&
				    memcmp(ce->serial.p, f->leaves[j].serial, ce->serial.len) == 0)
					break;
			assert_true(j < N_LEAVES); /* only revoked serials */
			assert_true(ce->has_reason);
			assert_int_equal(ce->reason, 1);
			if (r.v[k].partition >= 0) {
				assert_int_equal(pw_publish_partition_of(ce->serial.p, ce->serial.len,
				                                         N_PARTS),
				                 (unsigned)r.v[k].partition);
				seen[j]++;
			}
			/* sorted by serial */
			if (e > 0) {
				struct pw_crl_revoked a = {l.entries[e - 1].serial.p,
				                           l.entries[e - 1].serial.len, 0, 0, 0, 0};
				struct pw_crl_revoked b = {ce->serial.p, ce->serial.len, 0, 0, 0, 0};
				assert_true(pw_crl_revoked_cmp(&a, &b) < 0);
			}
		}
		pw_crl_cleanup(&l);
	}
	assert_int_equal(total_in_parts, N_LEAVES);
	for (size_t j = 0; j < N_LEAVES; j++)
		assert_int_equal(seen[j], 1); /* each serial in exactly one partition */
	run_free(&r);
}

/* The partition a serial maps to is serial mod N as a number. */
static void test_partition_of(void **state)
{
	(void)state;
	static const uint8_t s1[] = {0x01, 0x00};       /* 256 */
	static const uint8_t s2[] = {0x00, 0xff};       /* 255 */
	static const uint8_t s3[] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	assert_int_equal(pw_publish_partition_of(s1, 2, 7), 256 % 7);
	assert_int_equal(pw_publish_partition_of(s2, 2, 7), 255 % 7);
	assert_int_equal(pw_publish_partition_of(s2, 2, 1), 0);
	/* 2^71 - 1 mod 1000 = 2361183241434822606847 mod 1000 */
	assert_int_equal(pw_publish_partition_of(s3, 9, 1000), 847);
}

/* BR 7.2.2.1 / MRSP 6.1.2: the IDP URI of a partition is byte-identical to
 * the CRLDP URI of the certificates in it. */
static void test_idp_bytes_equal_crldp(void **state)
{
	struct fx *f = *state;
	struct run r;
	struct pw_publish_crl_result res;
	struct pw_error err;
	struct pw_publish_ca ca;
	char url[PW_PUBLISH_URL_BUF], conf[PW_PUBLISH_URL_BUF + 8];
	uint8_t serial[16], sha[32];
	EVP_PKEY *k = EVP_EC_gen("P-256");
	unsigned p;
	X509 *x;
	size_t n;
	uint8_t *der;
	struct pw_cert c;
	int checked = 0;
	int64_t id = add_ca(f, N_PARTS);

	assert_int_equal(pw_publish_ca_get(f->s, id, &ca, &err), PW_OK);
	assert_int_equal(RAND_bytes(serial, 16), 1);
	serial[0] = 0x42;
	p = pw_publish_partition_of(serial, 16, N_PARTS);
	assert_true(pw_publish_partition_url(&ca, p, url, sizeof url));
	snprintf(conf, sizeof conf, "URI:%s", url);
	x = make("leaf", serial, 16, f->now - DAY, f->now + 90 * DAY, k, f->ca, f->ca_key, conf, NULL);
	put(f->s, x, sha);
	revoke_row(f->s, sha, f->now - 60, 0, 0);
	der = der_of(x, &n);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, n, &err), PW_OK);
	assert_true(c.x.crldp.present);
	const struct pw_general_name *cert_uri = &c.x.crldp.v[0].full_name.v[0];

	assert_int_equal(publish(f, f->now, &r, &res, &err), PW_OK);
	for (size_t i = 0; i < r.n; i++) {
		struct pw_crl l;
		if (r.v[i].partition != (int)p)
			continue;
		pw_crl_init(&l);
		assert_int_equal(pw_crl_parse(&l, r.v[i].der, r.v[i].len, &err), PW_OK);
		assert_true(l.has_idp && l.idp_dp.has_full_name);
		assert_int_equal(l.idp_dp.full_name.n, 1);
		assert_int_equal(l.idp_dp.full_name.v[0].type, PW_GN_URI);
		assert_int_equal(l.idp_dp.full_name.v[0].value.len, cert_uri->value.len);
		assert_memory_equal(l.idp_dp.full_name.v[0].value.p, cert_uri->value.p,
		                    cert_uri->value.len);
		assert_int_equal(l.n_entries, 1);
		assert_false(l.entries[0].has_reason); /* unspecified: no reasonCode (BR 7.2.2) */
		/* The IDP extension is critical (BR 7.2.2). */
		for (size_t e = 0; e < l.n_exts; e++)
			if (l.exts[e].id == PW_OID_EXT_ISSUING_DISTRIBUTION_POINT)
				assert_true(l.exts[e].critical);
		pw_crl_cleanup(&l);
		checked = 1;
	}
	assert_true(checked);
	/* The CCADB array lists exactly the partition URLs. */
	char *json = pw_publish_ccadb_json_array(&ca);
	assert_non_null(json);
	assert_non_null(strstr(json, url));
	assert_int_equal(json[0], '[');
	free(json);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
	pw_publish_ca_cleanup(&ca);
	run_free(&r);
}

static size_t full_entries(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].partition < 0) {
			struct pw_crl l;
			struct pw_error err;
			size_t n;
			pw_crl_init(&l);
			assert_int_equal(pw_crl_parse(&l, r->v[i].der, r->v[i].len, &err), PW_OK);
			n = l.n_entries;
			pw_crl_cleanup(&l);
			return n;
		}
	fail();
	return 0;
}

/* BR 7.2: an expired revoked certificate stays until it has appeared on a
 * CRL published after its notAfter; then it leaves. */
static void test_expired_drop(void **state)
{
	struct fx *f = *state;
	struct run r;
	struct pw_publish_crl_result res;
	struct pw_error err;
	int64_t na = f->now + 10 * DAY;

	add_ca(f, 2);
	add_leaves(f, 3, na, 1);
	/* Before expiry: listed, not "expired". */
	assert_int_equal(publish(f, f->now, &r, &res, &err), PW_OK);
	assert_int_equal(full_entries(&r), 3);
	assert_int_equal(res.expired_kept, 0);
	run_free(&r);
	/* First CRL after expiry: still listed, recorded. */
	assert_int_equal(publish(f, na + 60, &r, &res, &err), PW_OK);
	assert_int_equal(full_entries(&r), 3);
	assert_int_equal(res.expired_kept, 3);
	assert_int_equal(res.expired_dropped, 0);
	run_free(&r);
	/* Next CRL: dropped. */
	assert_int_equal(publish(f, na + 120, &r, &res, &err), PW_OK);
	assert_int_equal(full_entries(&r), 0);
	assert_int_equal(res.expired_dropped, 3);
	run_free(&r);
}

/* A CRL that fails pkiward's own lints is never published: certificateHold
 * (6) is refused by BR 7.2.2 (e_cab_crl_has_valid_reason_code). */
static void test_lint_refusal(void **state)
{
	struct fx *f = *state;
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_info info;
	struct pw_error err;
	char out[160], file[200];
	struct stat sb;
	int64_t id = add_ca(f, 1);

	add_leaves(f, 1, f->now + 90 * DAY, 0);
	revoke_row(f->s, f->leaves[0].sha, f->now - 60, 1, 6);
	snprintf(out, sizeof out, "%s/crls", f->dir);
	memset(&o, 0, sizeof o);
	o.out_dir = out;
	o.now = f->now;
	assert_int_equal(pw_publish_crls(f->s, &o, NULL, &err), PW_ERR_PARSE);
	assert_string_equal(err.field, "e_cab_crl_has_valid_reason_code");
	assert_non_null(strstr(err.msg, "BR 7.2.2"));
	snprintf(file, sizeof file, "%s/test-ca/full.crl", out);
	assert_int_not_equal(stat(file, &sb), 0);
	assert_int_equal(pw_publish_crl_last(f->s, id, -1, &info, &err), PW_ERR_NOTFOUND);
}

static void test_bad_registry_input(void **state)
{
	struct fx *f = *state;
	struct pw_publish_ca_spec spec;
	struct pw_error err;
	int64_t id;
	char missing[160];

	memset(&spec, 0, sizeof spec);
	spec.cert_der = f->ca_der;
	spec.cert_len = f->ca_len;
	spec.crl_base_url = BASE;
	/* Wrong key for the certificate. */
	spec.key_ref = f->other_key_path;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "does not match"));
	assert_string_equal(err.field, "--key");
	/* Unreadable key. */
	snprintf(missing, sizeof missing, "%s/nope.key", f->dir);
	spec.key_ref = missing;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_IO);
	assert_non_null(strstr(err.msg, "nope.key"));
	/* A PKCS#11 URI naming no object. */
	spec.key_ref = "pkcs11:token=x";
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "RFC 7512"));
	spec.key_ref = f->key_path;
	/* Absurd partitions. */
	spec.partitions = PW_PUBLISH_MAX_PARTITIONS + 1;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_LIMIT);
	assert_string_equal(err.field, "--partitions");
	spec.partitions = 2;
	/* URLs. */
	spec.crl_base_url = "https://crl.example/";
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	spec.crl_base_url = "http://crl.example/";
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "trailing"));
	spec.crl_base_url = "http://crl.example/a\"b";
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	spec.crl_base_url = BASE;
	/* Names. */
	spec.name = "../etc";
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	spec.name = NULL;
	/* A leaf certificate is not a CA. */
	{
		uint8_t ser[] = {0x33};
		EVP_PKEY *k = EVP_EC_gen("P-256");
		X509 *x = make("leaf", ser, 1, f->now, f->now + DAY, k, f->ca, f->ca_key, NULL, NULL);
		size_t n;
		uint8_t *der = der_of(x, &n);
		char kp[160];
		snprintf(kp, sizeof kp, "%s/leaf.key", f->dir);
		write_key(k, kp);
		spec.cert_der = der;
		spec.cert_len = n;
		spec.key_ref = kp;
		assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
		assert_non_null(strstr(err.msg, "not a CA"));
		OPENSSL_free(der);
		X509_free(x);
		EVP_PKEY_free(k);
		spec.cert_der = f->ca_der;
		spec.cert_len = f->ca_len;
		spec.key_ref = f->key_path;
	}
	/* Good, then the same certificate again. */
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_OK);
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_EXISTS);
	spec.replace = 1;
	spec.partitions = 8;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_OK);
	struct pw_publish_ca ca;
	assert_int_equal(pw_publish_ca_get(f->s, id, &ca, &err), PW_OK);
	assert_int_equal(ca.partitions, 8);
	pw_publish_ca_cleanup(&ca);
}

/* A delegated responder must be issued by the CA with id-kp-OCSPSigning. */
static void test_responder(void **state)
{
	struct fx *f = *state;
	struct pw_publish_ca_spec spec;
	struct pw_error err;
	uint8_t ser[] = {0x44};
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char kp[160];
	size_t n1, n2;
	int64_t id;
	X509 *good = make("responder", ser, 1, f->now - DAY, f->now + 30 * DAY, k, f->ca, f->ca_key,
	                  NULL, "OCSPSigning");
	X509 *noeku = make("responder", ser, 1, f->now - DAY, f->now + 30 * DAY, k, f->ca,
	                   f->ca_key, NULL, NULL);
	uint8_t *gder = der_of(good, &n1), *nder = der_of(noeku, &n2);
	snprintf(kp, sizeof kp, "%s/resp.key", f->dir);
	write_key(k, kp);
	memset(&spec, 0, sizeof spec);
	spec.cert_der = f->ca_der;
	spec.cert_len = f->ca_len;
	spec.key_ref = f->key_path;
	spec.ocsp_url = "http://ocsp.test.example";
	spec.responder_cert_der = nder;
	spec.responder_cert_len = n2;
	spec.responder_key_ref = kp;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "OCSPSigning"));
	spec.responder_cert_der = gder;
	spec.responder_cert_len = n1;
	spec.responder_key_ref = f->key_path; /* the CA key is not the responder's */
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_ERR_USAGE);
	assert_string_equal(err.field, "--ocsp-responder-key");
	spec.responder_key_ref = kp;
	assert_int_equal(pw_publish_ca_add(f->s, &spec, &id, &err), PW_OK);
	struct pw_publish_ca ca;
	uint8_t sha[32];
	char name[32], hex[65];
	SHA256(f->ca_der, f->ca_len, sha);
	assert_int_equal(pw_publish_ca_get_by_sha256(f->s, sha, &ca, &err), PW_OK);
	assert_int_equal(ca.responder_cert_len, n1);
	assert_memory_equal(ca.responder_cert_der, gder, n1);
	assert_string_equal(ca.responder_key_ref, kp);
	assert_string_equal(ca.ocsp_url, "http://ocsp.test.example");
	pw_hex_encode(sha, 32, hex);
	snprintf(name, sizeof name, "ca-%.12s", hex);
	assert_string_equal(ca.name, name); /* the default name */
	pw_publish_ca_cleanup(&ca);
	OPENSSL_free(gder);
	OPENSSL_free(nder);
	X509_free(good);
	X509_free(noeku);
	EVP_PKEY_free(k);
}

struct changes {
	size_t n;
	uint8_t last[32];
	uint64_t last_gen;
};

static int change_cb(void *ctx, const struct pw_publish_change *c)
{
	struct changes *ch = ctx;
	assert_true(c->generation > ch->last_gen);
	ch->last_gen = c->generation;
	memcpy(ch->last, c->sha256, 32);
	ch->n++;
	return 1;
}

/* Rows of pw_store_publish_changed_rows, in the order they came. */
struct changed_rows {
	size_t n;
	uint8_t sha[4][32];
	int revoked[4];
	int64_t revoked_at[4];
	unsigned reason[4];
};

static int changed_row_cb(void *ctx, const struct pw_store_row *row)
{
	struct changed_rows *cr = ctx;
	assert_true(cr->n < 4);
	memcpy(cr->sha[cr->n], row->sha256, 32);
	cr->revoked[cr->n] = row->revoked;
	cr->revoked_at[cr->n] = row->revoked_at;
	cr->reason[cr->n] = row->has_reason ? row->reason : 99;
	cr->n++;
	return 1;
}

/* Any revocation write moves the generation in its transaction (triggers);
 * monitor's first_seen columns do not. */
static void test_generation(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct changes ch = {0};
	uint64_t g0, g1, g2, waited;

	add_ca(f, 1);
	add_leaves(f, 2, f->now + 90 * DAY, 0);
	assert_int_equal(pw_publish_generation(f->s, &g0, &err), PW_OK);
	revoke_row(f->s, f->leaves[1].sha, f->now, 1, 4);
	assert_int_equal(pw_publish_generation(f->s, &g1, &err), PW_OK);
	assert_true(g1 > g0);
	assert_int_equal(pw_publish_changes_since(f->s, g0, change_cb, &ch, &err), PW_OK);
	assert_int_equal(ch.n, 1);
	assert_memory_equal(ch.last, f->leaves[1].sha, 32);
	/* wait_change returns at once when the generation already moved, and
	 * after the timeout when it does not. */
	assert_int_equal(pw_publish_wait_change(f->s, g0, 5000, &waited, &err), PW_OK);
	assert_int_equal(waited, g1);
	assert_int_equal(pw_publish_wait_change(f->s, g1, 150, &waited, &err), PW_OK);
	assert_int_equal(waited, g1);
	/* invalidity date: a CRL-visible change. */
	assert_int_equal(pw_store_publish_set_invalidity(f->s, f->leaves[1].sha, f->now - DAY, &err),
	                 PW_OK);
	assert_int_equal(pw_publish_generation(f->s, &g2, &err), PW_OK);
	assert_true(g2 > g1);
	assert_int_equal(pw_store_publish_set_invalidity(f->s, f->leaves[0].sha, f->now, &err),
	                 PW_ERR_NOTFOUND);

	/* The same changes as rows with their state now, one per change in
	 * generation order: since g0 leaf 1 twice (revoked, then its
	 * invalidity date); since g2 nothing; a new revocation after g2 alone. */
	{
		struct changed_rows cr;
		uint64_t g3;
		memset(&cr, 0, sizeof cr);
		assert_int_equal(pw_store_publish_changed_rows(f->s, g0, 0, changed_row_cb, &cr, &err),
		                 PW_OK);
		assert_int_equal(cr.n, 2);
		for (size_t i = 0; i < 2; i++) {
			assert_memory_equal(cr.sha[i], f->leaves[1].sha, 32);
			assert_int_equal(cr.revoked[i], 1);
			assert_int_equal(cr.revoked_at[i], f->now);
			assert_int_equal(cr.reason[i], 4);
		}
		memset(&cr, 0, sizeof cr);
		assert_int_equal(pw_store_publish_changed_rows(f->s, g2, 0, changed_row_cb, &cr, &err),
		                 PW_OK);
		assert_int_equal(cr.n, 0);
		revoke_row(f->s, f->leaves[0].sha, f->now - 60, 0, 0);
		assert_int_equal(pw_publish_generation(f->s, &g3, &err), PW_OK);
		assert_int_equal(g3, g2 + 1);
		assert_int_equal(pw_store_publish_changed_rows(f->s, g2, 0, changed_row_cb, &cr, &err),
		                 PW_OK);
		assert_int_equal(cr.n, 1);
		assert_memory_equal(cr.sha[0], f->leaves[0].sha, 32);
		assert_int_equal(cr.revoked[0], 1);
		assert_int_equal(cr.revoked_at[0], f->now - 60);
		assert_int_equal(cr.reason[0], 99); /* no reason code */
		assert_int_equal(pw_store_publish_changed_rows(f->s, g0, 0, NULL, NULL, &err),
		                 PW_ERR_USAGE);
	}
}

/* The hand-written DER, checked by OpenSSL: parses, verifies with the CA
 * key, entries with reasons and invalidity dates, times across 2050. */
static void test_der_vs_openssl(void **state)
{
	struct fx *f = *state;
	struct pw_signer *sg = NULL;
	struct pw_error err;
	struct pw_crl_revoked e[3];
	struct pw_crl_tbs t;
	struct pw_cert cert;
	uint8_t s1[] = {0x00, 0x80, 0x01}, s2[] = {0x05}, s3[] = {0x7f, 0xee};
	uint8_t *der = NULL;
	size_t len = 0;
	const unsigned char *p;
	X509_CRL *crl;
	STACK_OF(X509_REVOKED) *rev;

	struct pw_lint_results lr;
	pw_lint_results_init(&lr);
	assert_int_equal(pw_signer_open(f->key_path, f->ca_der, f->ca_len, &sg, &err), PW_OK);
	pw_cert_init(&cert);
	assert_int_equal(pw_cert_parse(&cert, f->ca_der, f->ca_len, &err), PW_OK);
	memset(e, 0, sizeof e);
	e[0] = (struct pw_crl_revoked){s2, sizeof s2, 1700000000, 1, 4, 0};
	e[1] = (struct pw_crl_revoked){s3, sizeof s3, 1700000001, 1, 1, 1690000000};
	e[2] = (struct pw_crl_revoked){s1, sizeof s1, 2600000000LL, 0, 0, 0}; /* 2052: GeneralizedTime */
	qsort(e, 3, sizeof e[0], pw_crl_revoked_cmp);
	assert_memory_equal(e[0].serial, s2, 1);
	assert_memory_equal(e[2].serial, s1, 3);
	memset(&t, 0, sizeof t);
	t.issuer = cert.subject.raw.p;
	t.issuer_len = cert.subject.raw.len;
	/* thisUpdate after every revocation date (RFC 5280 §5.1.2.6, a lint). */
	t.this_update = 2600000100LL;
	t.next_update = t.this_update + 7 * DAY;
	t.entries = e;
	t.n_entries = 3;
	t.number = 0x80; /* needs a leading 00 octet */
	t.aki = cert.x.ski.key_id.p;
	t.aki_len = cert.x.ski.key_id.len;
	t.idp_url = BASE "/x/0.crl";
	if (pw_crl_build(&t, sg, &cert, t.this_update, &lr, &der, &len, &err) != PW_OK)
		fail_msg("%s: %s", err.field, err.msg);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	assert_non_null(crl);
	assert_ptr_equal(p, der + len);
	assert_int_equal(X509_CRL_verify(crl, f->ca_key), 1);
	assert_int_equal(X509_CRL_get_version(crl), 1);
	rev = X509_CRL_get_REVOKED(crl);
	assert_int_equal(sk_X509_REVOKED_num(rev), 3);
	{
		ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
		assert_non_null(num);
		assert_int_equal(ASN1_INTEGER_get(num), 0x80);
		ASN1_INTEGER_free(num);
	}
	{
		X509_REVOKED *r1 = sk_X509_REVOKED_value(rev, 1);
		ASN1_ENUMERATED *rc = X509_REVOKED_get_ext_d2i(r1, NID_crl_reason, NULL, NULL);
		ASN1_GENERALIZEDTIME *inv = X509_REVOKED_get_ext_d2i(r1, NID_invalidity_date, NULL, NULL);
		assert_non_null(rc);
		assert_int_equal(ASN1_ENUMERATED_get(rc), 1);
		assert_non_null(inv);
		ASN1_ENUMERATED_free(rc);
		ASN1_GENERALIZEDTIME_free(inv);
		X509_REVOKED *r2 = sk_X509_REVOKED_value(rev, 2);
		assert_int_equal(ASN1_STRING_type(X509_REVOKED_get0_revocationDate(r2)),
		                 V_ASN1_GENERALIZEDTIME);
		assert_null(X509_REVOKED_get_ext_d2i(r2, NID_crl_reason, NULL, NULL));
	}
	X509_CRL_free(crl);
	free(der);
	/* No entries: revokedCertificates is absent (RFC 5280 §5.1.2.6), and
	 * OpenSSL still parses it. */
	t.n_entries = 0;
	t.idp_url = NULL;
	t.this_update = f->now;
	t.next_update = f->now + 7 * DAY;
	assert_int_equal(pw_crl_build(&t, sg, &cert, f->now, &lr, &der, &len, &err), PW_OK);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	assert_non_null(crl);
	assert_null(X509_CRL_get_REVOKED(crl));
	X509_CRL_free(crl);
	free(der);
	/* nextUpdate more than 10 days out: refused by the BR 4.9.7 lint. */
	t.next_update = f->now + 11 * DAY;
	assert_int_equal(pw_crl_build(&t, sg, &cert, f->now, &lr, &der, &len, &err), PW_ERR_PARSE);
	assert_string_equal(err.field, "e_crl_next_update_invalid");
	assert_null(der);
	pw_lint_results_cleanup(&lr);
	pw_cert_cleanup(&cert);
	pw_signer_free(sg);
}

static void test_policy_limits(void **state)
{
	struct pw_publish_crl_policy p;
	struct pw_error err;
	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(pw_publish_crl_policy_check(&p, &err), PW_OK);
	p.validity = 11 * DAY;
	assert_int_equal(pw_publish_crl_policy_check(&p, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "BR 7.2"));
	p.validity = 10 * DAY;
	p.refresh = 5 * DAY;
	assert_int_equal(pw_publish_crl_policy_check(&p, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "BR 4.9.7"));
	p.validity = 2 * 3600;
	p.refresh = 3 * 3600;
	assert_int_equal(pw_publish_crl_policy_check(&p, &err), PW_ERR_USAGE);
	p.refresh = 3600;
	assert_int_equal(pw_publish_crl_policy_check(&p, &err), PW_OK);
}

/* Files: written atomically under <out>/<name>/, no temp files left. */
static void test_files(void **state)
{
	struct fx *f = *state;
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_result res;
	struct pw_error err;
	char out[160], file[220];
	struct stat sb;

	add_ca(f, 2);
	add_leaves(f, 5, f->now + 90 * DAY, 1);
	snprintf(out, sizeof out, "%s/crls", f->dir);
	memset(&o, 0, sizeof o);
	o.out_dir = out;
	assert_int_equal(pw_publish_crls(f->s, &o, &res, &err), PW_OK);
	assert_int_equal(res.crls, 3);
	snprintf(file, sizeof file, "%s/test-ca/full.crl", out);
	assert_int_equal(stat(file, &sb), 0);
	snprintf(file, sizeof file, "%s/test-ca/1.crl", out);
	assert_int_equal(stat(file, &sb), 0);
	snprintf(file, sizeof file, "find '%s' -name '.*tmp*' | grep -q .", out);
	assert_int_not_equal(system(file), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_numbers_monotonic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partitions_exact, setup, teardown),
		cmocka_unit_test(test_partition_of),
		cmocka_unit_test_setup_teardown(test_idp_bytes_equal_crldp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lint_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_registry_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_responder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_der_vs_openssl, setup, teardown),
		cmocka_unit_test(test_policy_limits),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
