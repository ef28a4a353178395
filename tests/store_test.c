/* Unit tests of store/: schema, ingest pipeline, metadata sidecar, queries.
 *
 * Certificates are generated here with OpenSSL's C API (EC P-256 keys), so
 * every test knows exactly what it stored: names, serials, dates, CA flags,
 * precertificate/certificate twins (RFC 6962 §3.1-3.3). */
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
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/buf.h"
#include "pkiward/store.h"
#include "test_store.h"

#define T0 1609459200 /* 2021-01-01T00:00:00Z */
#define DAY 86400

/* ------------------------------------------------------------------------ */
/* Certificate factory                                                       */
/* ------------------------------------------------------------------------ */

struct spec {
	const char *cn;
	const char *dns[8];
	const char *ip4;      /* dotted quad or NULL */
	long serial;
	int64_t nb, na;
	int ca;
	int precert;          /* add the CT poison extension */
	int sct;              /* add an SCT list extension */
	EVP_PKEY *key;        /* subject key */
	X509 *issuer;         /* NULL: self-signed */
	EVP_PKEY *issuer_key;
};

static EVP_PKEY *new_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	assert_non_null(k);
	return k;
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

static void add_conf_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* Returns a new X509 built from sp (the caller frees it). */
static X509 *make_x509(const struct spec *sp)
{
	X509 *x = X509_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), sp->serial), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)sp->nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)sp->na));
	X509_NAME *n = X509_NAME_new();
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	                                            (const unsigned char *)"pkiward test", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                                            (const unsigned char *)sp->cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, n), 1);
	X509_NAME_free(n);
	assert_int_equal(X509_set_issuer_name(x, sp->issuer ? X509_get_subject_name(sp->issuer)
	                                                    : X509_get_subject_name(x)), 1);
	assert_int_equal(X509_set_pubkey(x, sp->key), 1);
	add_conf_ext(x, sp->issuer, NID_basic_constraints, sp->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_conf_ext(x, sp->issuer, NID_key_usage,
	             sp->ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	add_conf_ext(x, sp->issuer, NID_subject_key_identifier, "hash");
	add_conf_ext(x, sp->issuer, NID_authority_key_identifier, "keyid:always");
	if (sp->dns[0] != NULL || sp->ip4 != NULL) {
		GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
		for (int i = 0; i < 8 && sp->dns[i] != NULL; i++) {
			GENERAL_NAME *g = GENERAL_NAME_new();
			ASN1_IA5STRING *s = ASN1_IA5STRING_new();
			ASN1_STRING_set(s, sp->dns[i], (int)strlen(sp->dns[i]));
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
			sk_GENERAL_NAME_push(gens, g);
		}
		if (sp->ip4 != NULL) {
			GENERAL_NAME *g = GENERAL_NAME_new();
			ASN1_OCTET_STRING *ip = a2i_IPADDRESS(sp->ip4);
			assert_non_null(ip);
			GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
			sk_GENERAL_NAME_push(gens, g);
		}
		assert_int_equal(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT), 1);
		GENERAL_NAMES_free(gens);
	}
	if (sp->precert) {
		static const uint8_t null_der[] = {0x05, 0x00}; /* RFC 6962 §3.1: ASN.1 NULL */
		add_ext_der(x, NID_ct_precert_poison, 1, null_der, sizeof null_der);
	}
	if (sp->sct) {
		/* RFC 6962 §3.3: extnValue = OCTET STRING { SignedCertificateTimestampList }
		 * with one v1 SCT (log id, timestamp, no extensions, ECDSA-SHA256 sig). */
		uint8_t sct[2 + 2 + 1 + 32 + 8 + 2 + 2 + 2 + 8];
		size_t o = 0;
		size_t sct_len = 1 + 32 + 8 + 2 + 2 + 2 + 8;
		sct[o++] = 0;
		sct[o++] = (uint8_t)(sct_len + 2);
		sct[o++] = 0;
		sct[o++] = (uint8_t)sct_len;
		sct[o++] = 0; /* v1 */
		memset(sct + o, 0xAB, 32);
		o += 32;
		memset(sct + o, 0, 8);
		sct[o + 7] = 1;
		o += 8;
		sct[o++] = 0;
		sct[o++] = 0; /* no extensions */
		sct[o++] = 4; /* sha256 */
		sct[o++] = 3; /* ecdsa */
		sct[o++] = 0;
		sct[o++] = 8;
		memset(sct + o, 0x11, 8);
		o += 8;
		uint8_t wrapped[2 + sizeof sct];
		wrapped[0] = 0x04;
		wrapped[1] = (uint8_t)o;
		memcpy(wrapped + 2, sct, o);
		add_ext_der(x, NID_ct_precert_scts, 0, wrapped, o + 2);
	}
	assert_true(X509_sign(x, sp->issuer_key ? sp->issuer_key : sp->key, EVP_sha256()) > 0);
	return x;
}

static uint8_t *x509_der(X509 *x, size_t *len)
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	return der; /* OPENSSL_free */
}

static void x509_sha256(X509 *x, uint8_t out[32])
{
	size_t len;
	uint8_t *der = x509_der(x, &len);
	SHA256(der, len, out);
	OPENSSL_free(der);
}

static void append_pem(struct pw_buf *b, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	pw_buf_append(b, p, (size_t)n);
	BIO_free(bio);
}

/* ------------------------------------------------------------------------ */
/* Fixture: a temporary directory, a store, a collecting report callback     */
/* ------------------------------------------------------------------------ */

#define MAX_REPORTS 64

struct rep {
	enum pw_store_report_kind kind;
	char path[512];
	size_t line;
	int has_offset;
	size_t offset;
	enum pw_status status;
	char field[PW_ERROR_FIELD_MAX];
	char msg[PW_ERROR_MSG_MAX];
};

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	const char *dir;
	const char *db;          /* the base's location: a path or a URL */
	struct pw_store *s;
	struct rep reps[MAX_REPORTS];
	size_t n_reps;
	uint64_t progress_calls;
	EVP_PKEY *ca_key, *ca2_key, *leaf_key;
	X509 *ca, *ca2;
};

static void on_report(void *ctx, const struct pw_store_report *r)
{
	struct fx *f = ctx;
	if (getenv("PW_TEST_VERBOSE") != NULL)
		fprintf(stderr, "report %d %s:%zu: %s: %s\n", (int)r->kind, r->path, r->line,
		        r->err->field, r->err->msg);
	if (f->n_reps >= MAX_REPORTS)
		return;
	struct rep *p = &f->reps[f->n_reps++];
	p->kind = r->kind;
	snprintf(p->path, sizeof p->path, "%s", r->path);
	p->line = r->line;
	p->has_offset = r->has_offset;
	p->offset = r->offset;
	p->status = r->err->status;
	snprintf(p->field, sizeof p->field, "%s", r->err->field);
	snprintf(p->msg, sizeof p->msg, "%s", r->err->msg);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t objects)
{
	struct fx *f = ctx;
	(void)objects;
	assert_true(total == 0 || done <= total);
	f->progress_calls++;
}

static void path_in(struct fx *f, const char *name, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s", f->dir, name);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	if (n > 0)
		assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = pw_test_store_new("store_test");
	f->dir = pw_test_store_dir(f->t);
	f->db = pw_test_store_create(f->t, "base");
	f->s = pw_test_store_open(f->t, "base", 0);
	f->ca_key = new_key();
	f->ca2_key = new_key();
	f->leaf_key = new_key();
	struct spec ca = {.cn = "Test Root CA", .serial = 0x7001, .nb = T0 - 365 * DAY,
	                  .na = T0 + 3650 * DAY, .ca = 1, .key = f->ca_key};
	f->ca = make_x509(&ca);
	struct spec ca2 = {.cn = "Other CA", .serial = 0x7002, .nb = T0 - 365 * DAY,
	                   .na = T0 + 3650 * DAY, .ca = 1, .key = f->ca2_key};
	f->ca2 = make_x509(&ca2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	X509_free(f->ca);
	X509_free(f->ca2);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->ca2_key);
	EVP_PKEY_free(f->leaf_key);
	pw_test_store_free(f->t);
	free(f);
	return 0;
}

/* A leaf issued by the fixture's CA. */
static X509 *leaf(struct fx *f, const char *cn, const char *const *dns, long serial, int64_t nb,
                  int precert, int sct)
{
	struct spec sp = {.cn = cn, .serial = serial, .nb = nb, .na = nb + 90 * DAY,
	                  .precert = precert, .sct = sct, .key = f->leaf_key, .issuer = f->ca,
	                  .issuer_key = f->ca_key};
	for (int i = 0; dns != NULL && dns[i] != NULL && i < 8; i++)
		sp.dns[i] = dns[i];
	return make_x509(&sp);
}

static enum pw_status ingest(struct fx *f, const char *const *inputs, size_t n,
                             const char *const *meta, size_t n_meta,
                             struct pw_store_ingest_summary *sum)
{
	struct pw_store_ingest_opts o;
	struct pw_error err;
	memset(&o, 0, sizeof o);
	o.metadata_paths = meta;
	o.n_metadata_paths = n_meta;
	o.report = on_report;
	o.progress = on_progress;
	o.ctx = f;
	o.now = T0 + 1000;
	f->n_reps = 0;
	enum pw_status st = pw_store_ingest(f->s, inputs, n, &o, sum, &err);
	if (st != PW_OK) {
		char buf[512];
		fprintf(stderr, "ingest: %s\n", pw_error_format(&err, buf, sizeof buf));
	}
	return st;
}

/* Writes certificates as one PEM file (with text around the blocks). */
static void write_pem(const char *path, X509 *const *v, size_t n)
{
	struct pw_buf b;
	pw_buf_init(&b);
	pw_buf_puts(&b, "Text before the first block is skipped.\n");
	for (size_t i = 0; i < n; i++) {
		append_pem(&b, v[i]);
		pw_buf_puts(&b, "and between blocks\n");
	}
	assert_false(b.failed);
	write_file(path, b.data, b.len);
	pw_buf_cleanup(&b);
}

/* Collects rows of a query. */
#define MAX_ROWS 64
struct rows {
	size_t n;
	uint8_t sha[MAX_ROWS][32];
	int precert[MAX_ROWS];
	int has_pre[MAX_ROWS], has_cert[MAX_ROWS];
	uint8_t pre[MAX_ROWS][32], cert[MAX_ROWS][32];
	char serial_hex[MAX_ROWS][130];
	char subject[MAX_ROWS][256];
	char order[MAX_ROWS][300];
	size_t n_dns[MAX_ROWS];
	char dns0[MAX_ROWS][256];
	int revoked[MAX_ROWS];
	unsigned reason[MAX_ROWS];
	size_t der_len[MAX_ROWS];
};

static int collect_row(void *ctx, const struct pw_store_row *r)
{
	struct rows *rs = ctx;
	if (rs->n >= MAX_ROWS)
		return 0;
	size_t i = rs->n++;
	memcpy(rs->sha[i], r->sha256, 32);
	rs->precert[i] = r->precert;
	rs->has_pre[i] = r->has_precert_sha256;
	rs->has_cert[i] = r->has_cert_sha256;
	memcpy(rs->pre[i], r->precert_sha256, 32);
	memcpy(rs->cert[i], r->cert_sha256, 32);
	snprintf(rs->serial_hex[i], sizeof rs->serial_hex[i], "%s", r->serial_hex);
	snprintf(rs->subject[i], sizeof rs->subject[i], "%s", r->subject ? r->subject : "");
	snprintf(rs->order[i], sizeof rs->order[i], "%s", r->order ? r->order : "");
	rs->n_dns[i] = r->n_dns_names;
	snprintf(rs->dns0[i], sizeof rs->dns0[i], "%s", r->n_dns_names ? r->dns_names[0] : "");
	rs->revoked[i] = r->revoked;
	rs->reason[i] = r->reason;
	rs->der_len[i] = r->der_len;
	return 1;
}

static size_t find_n(struct fx *f, const struct pw_store_filter *flt, struct rows *rs)
{
	struct pw_error err;
	memset(rs, 0, sizeof *rs);
	enum pw_status st = pw_store_find(f->s, flt, PW_STORE_WANT_NAMES, collect_row, rs, &err);
	if (st != PW_OK) {
		char buf[512];
		fprintf(stderr, "find: %s\n", pw_error_format(&err, buf, sizeof buf));
	}
	assert_int_equal(st, PW_OK);
	uint64_t c = 0;
	assert_int_equal(pw_store_count(f->s, flt, &c, &err), PW_OK);
	if (flt->limit == 0 && flt->offset == 0)
		assert_int_equal(c, rs->n);
	return rs->n;
}

static int rows_have(const struct rows *rs, X509 *x)
{
	uint8_t h[32];
	x509_sha256(x, h);
	for (size_t i = 0; i < rs->n; i++)
		if (memcmp(rs->sha[i], h, 32) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

static void test_open_and_schema(void **state)
{
	struct fx *f = *state;
	struct pw_store *s2 = NULL;
	struct pw_error err;
	int v = 0;
	const char *path;
	const int pg = pw_test_store_is_pg(f->t);

	assert_string_equal(pw_store_backend(f->s), pw_test_store_backend(f->t));
	assert_int_equal(pw_store_schema_version(f->s, &v, &err), PW_OK);
	assert_int_equal(v, PW_STORE_SCHEMA_VERSION);

	/* Re-opening (with and without CREATE) migrates nothing and keeps the version. */
	assert_int_equal(pw_store_open(f->db, PW_STORE_CREATE, &s2, &err), PW_OK);
	assert_int_equal(pw_store_schema_version(s2, &v, &err), PW_OK);
	assert_int_equal(v, PW_STORE_SCHEMA_VERSION);
	pw_store_close(s2);
	assert_int_equal(pw_store_open(f->db, 0, &s2, &err), PW_OK);
	pw_store_close(s2);
	assert_int_equal(pw_test_sql_i64(f->t, "base", "SELECT COUNT(*) FROM schema_version", NULL),
	                 PW_STORE_SCHEMA_VERSION);

	/* Missing base without CREATE (on PostgreSQL: a database without
	 * pkiward's schema), and nothing is left behind by the attempt. */
	path = pw_test_store_location(f->t, "missing");
	assert_int_equal(pw_store_open(path, 0, &s2, &err), PW_ERR_NOTFOUND);
	assert_null(s2);
	if (pg)
		assert_int_equal(pw_test_sql_i64(f->t, "missing",
		                                 "SELECT COUNT(*) FROM information_schema.tables"
		                                 " WHERE table_schema = current_schema()", NULL), 0);
	else
		assert_int_equal(access(path, F_OK), -1);
	/* Read-only of a missing base, too. */
	assert_int_equal(pw_store_open(path, PW_STORE_READONLY, &s2, &err), PW_ERR_NOTFOUND);

	/* A PostgreSQL location goes to that backend: with no server there, the
	 * error is libpq's, named as such (tests/e2e/postgres.sh has a server). */
	assert_int_equal(pw_store_open("postgresql://pkiward@127.0.0.1:1/none?connect_timeout=2", 0,
	                               &s2, &err),
	                 PW_ERR_STORE);
	assert_null(s2);
	assert_non_null(strstr(err.msg, "postgresql: "));

	/* Another application's database is not turned into a pkiward store. */
	path = pw_test_store_location(f->t, "other");
	pw_test_sql_exec(f->t, "other", "CREATE TABLE t (x INTEGER)");
	assert_int_equal(pw_store_open(path, PW_STORE_CREATE, &s2, &err), PW_ERR_STORE);
	assert_non_null(strstr(err.msg, "not a pkiward store"));
	assert_int_equal(pw_store_open(path, 0, &s2, &err), PW_ERR_NOTFOUND);

	/* A newer schema than this build is refused. */
	path = pw_test_store_location(f->t, "newer");
	assert_int_equal(pw_store_open(path, PW_STORE_CREATE, &s2, &err), PW_OK);
	pw_store_close(s2);
	pw_test_sql_exec(f->t, "newer", "INSERT INTO schema_version VALUES (99, 0)");
	assert_int_equal(pw_store_open(path, 0, &s2, &err), PW_ERR_STORE);
	assert_non_null(strstr(err.msg, "newer"));

	/* Read-only handles refuse writes. */
	assert_int_equal(pw_store_open(f->db, PW_STORE_READONLY, &s2, &err), PW_OK);
	const char *in[] = {f->db};
	assert_int_equal(pw_store_ingest(s2, in, 1, NULL, NULL, &err), PW_ERR_USAGE);
	pw_store_close(s2);

	/* Invalid flag combination. */
	assert_int_equal(pw_store_open(f->db, PW_STORE_CREATE | PW_STORE_READONLY, &s2, &err),
	                 PW_ERR_USAGE);
}

static void test_ingest_idempotent(void **state)
{
	struct fx *f = *state;
	struct pw_store_ingest_summary sum;
	struct pw_store_stats stats;
	struct pw_error err;
	char pem[400], der_path[600], sub[400];
	X509 *v[6];

	v[0] = f->ca;
	for (int i = 1; i < 6; i++) {
		char cn[64];
		snprintf(cn, sizeof cn, "host%d.example.com", i);
		const char *dns[] = {cn, NULL};
		v[i] = leaf(f, cn, dns, 100 + i, T0 + i * DAY, 0, 0);
	}
	path_in(f, "certs.pem", pem, sizeof pem);
	write_pem(pem, v, 5);
	/* One more as raw DER in a subdirectory (directories are walked). */
	path_in(f, "sub", sub, sizeof sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(der_path, sizeof der_path, "%s/last.der", sub);
	size_t len;
	uint8_t *der = x509_der(v[5], &len);
	write_file(der_path, der, len);
	OPENSSL_free(der);

	const char *in[] = {pem, sub};
	assert_int_equal(ingest(f, in, 2, NULL, 0, &sum), PW_OK);
	assert_int_equal(sum.ingested, 6);
	assert_int_equal(sum.already_present, 0);
	assert_int_equal(sum.rejected, 0);
	assert_int_equal(sum.objects, 6);
	assert_int_equal(sum.files, 2);
	assert_int_equal(f->n_reps, 0);
	assert_true(f->progress_calls > 0);

	/* Same input again: nothing changes. */
	assert_int_equal(ingest(f, in, 2, NULL, 0, &sum), PW_OK);
	assert_int_equal(sum.ingested, 0);
	assert_int_equal(sum.already_present, 6);
	assert_int_equal(pw_store_stats(f->s, &stats, &err), PW_OK);
	assert_int_equal(stats.certificates, 6);
	assert_int_equal(stats.cas, 1);
	assert_true(stats.names >= 5);
	assert_true(stats.db_bytes > 0);

	/* Single-thread mode gives the same answer. */
	struct pw_store_ingest_opts o;
	memset(&o, 0, sizeof o);
	o.single_thread = 1;
	o.batch_size = 2; /* several transactions */
	assert_int_equal(pw_store_ingest(f->s, in, 2, &o, &sum, &err), PW_OK);
	assert_int_equal(sum.already_present, 6);

	/* Lookup by SHA-256 returns the DER and the names. */
	uint8_t h[32];
	struct rows rs;
	memset(&rs, 0, sizeof rs);
	x509_sha256(v[3], h);
	assert_int_equal(pw_store_get_by_sha256(f->s, h, collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.dns0[0], "host3.example.com");
	assert_true(rs.der_len[0] > 100);
	assert_string_equal(rs.serial_hex[0], "67"); /* 103 */
	h[0] ^= 1;
	assert_int_equal(pw_store_get_by_sha256(f->s, h, collect_row, &rs, &err), PW_ERR_NOTFOUND);

	for (int i = 1; i < 6; i++)
		X509_free(v[i]);
}

static void test_batches_across_files(void **state)
{
	/* 25 certificates with batch size 4: objects of one file span batches. */
	struct fx *f = *state;
	struct pw_store_ingest_summary sum;
	struct pw_store_ingest_opts o;
	struct pw_error err;
	char pem[400];
	X509 *v[25];

	for (int i = 0; i < 25; i++) {
		char cn[64];
		snprintf(cn, sizeof cn, "b%d.batch.test", i);
		const char *dns[] = {cn, NULL};
		v[i] = leaf(f, cn, dns, 1000 + i, T0, 0, 0);
	}
	path_in(f, "batch.pem", pem, sizeof pem);
	write_pem(pem, v, 25);
	memset(&o, 0, sizeof o);
	o.batch_size = 4;
	const char *in[] = {pem};
	assert_int_equal(pw_store_ingest(f->s, in, 1, &o, &sum, &err), PW_OK);
	assert_int_equal(sum.ingested, 25);
	struct pw_store_filter flt;
	struct rows rs;
	memset(&flt, 0, sizeof flt);
	flt.domain = "batch.test";
	assert_int_equal(find_n(f, &flt, &rs), 25);
	/* limit / offset page through in ingest order. */
	flt.limit = 10;
	flt.offset = 20;
	assert_int_equal(find_n(f, &flt, &rs), 5);
	assert_string_equal(rs.dns0[0], "b20.batch.test");
	for (int i = 0; i < 25; i++)
		X509_free(v[i]);
}

static void test_rejections(void **state)
{
	struct fx *f = *state;
	struct pw_store_ingest_summary sum;
	char p_label[400], p_junk[400], p_empty[400], p_missing[400], p_trunc[400], p_trail[400],
		p_big[400], p_crl[400], p_csr[400], p_mixed[400];
	X509 *good = leaf(f, "good.example.org", NULL, 77, T0, 0, 0);
	size_t len;
	uint8_t *der = x509_der(good, &len);

	/* Wrong PEM label. */
	path_in(f, "label.pem", p_label, sizeof p_label);
	const char *bad_label = "-----BEGIN SOMETHING ELSE-----\nAAAA\n-----END SOMETHING ELSE-----\n";
	write_file(p_label, bad_label, strlen(bad_label));
	/* Junk. */
	path_in(f, "junk.bin", p_junk, sizeof p_junk);
	write_file(p_junk, "\x01\x02 this is not a certificate", 29);
	/* Empty. */
	path_in(f, "empty.pem", p_empty, sizeof p_empty);
	write_file(p_empty, "", 0);
	/* Unreadable (does not exist). */
	path_in(f, "missing.pem", p_missing, sizeof p_missing);
	/* Truncated DER. */
	path_in(f, "trunc.der", p_trunc, sizeof p_trunc);
	write_file(p_trunc, der, len - 10);
	/* Trailing bytes after the certificate. */
	path_in(f, "trail.der", p_trail, sizeof p_trail);
	{
		uint8_t *t = malloc(len + 3);
		memcpy(t, der, len);
		memcpy(t + len, "\x00\x00\x00", 3);
		write_file(p_trail, t, len + 3);
		free(t);
	}
	/* 100 MB of garbage: refused by size without being read. */
	path_in(f, "big.bin", p_big, sizeof p_big);
	{
		FILE *fp = fopen(p_big, "wb");
		assert_non_null(fp);
		assert_int_equal(ftruncate(fileno(fp), 100 * 1000 * 1000), 0);
		fclose(fp);
	}
	/* A CRL and a CSR: skipped, not errors. */
	path_in(f, "list.crl", p_crl, sizeof p_crl);
	{
		X509_CRL *crl = X509_CRL_new();
		X509_CRL_set_version(crl, 1);
		X509_CRL_set_issuer_name(crl, X509_get_subject_name(f->ca));
		ASN1_TIME *t = ASN1_TIME_set(NULL, T0);
		X509_CRL_set1_lastUpdate(crl, t);
		ASN1_TIME_set(t, T0 + 7 * DAY);
		X509_CRL_set1_nextUpdate(crl, t);
		ASN1_TIME_free(t);
		assert_true(X509_CRL_sign(crl, f->ca_key, EVP_sha256()) > 0);
		BIO *bio = BIO_new(BIO_s_mem());
		PEM_write_bio_X509_CRL(bio, crl);
		char *p;
		long n = BIO_get_mem_data(bio, &p);
		write_file(p_crl, p, (size_t)n);
		BIO_free(bio);
		X509_CRL_free(crl);
	}
	path_in(f, "req.csr", p_csr, sizeof p_csr);
	{
		X509_REQ *req = X509_REQ_new();
		X509_REQ_set_version(req, 0);
		X509_NAME *n = X509_NAME_new();
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"csr.example", -1,
		                           -1, 0);
		X509_REQ_set_subject_name(req, n);
		X509_NAME_free(n);
		X509_REQ_set_pubkey(req, f->leaf_key);
		assert_true(X509_REQ_sign(req, f->leaf_key, EVP_sha256()) > 0);
		BIO *bio = BIO_new(BIO_s_mem());
		PEM_write_bio_X509_REQ(bio, req);
		char *p;
		long n2 = BIO_get_mem_data(bio, &p);
		write_file(p_csr, p, (size_t)n2);
		BIO_free(bio);
		X509_REQ_free(req);
	}
	/* A PEM file: good cert, a block with bad base64, and the good one is kept. */
	path_in(f, "mixed.pem", p_mixed, sizeof p_mixed);
	{
		struct pw_buf b;
		pw_buf_init(&b);
		append_pem(&b, good);
		pw_buf_puts(&b, "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n");
		write_file(p_mixed, b.data, b.len);
		pw_buf_cleanup(&b);
	}

	const char *in[] = {p_label, p_junk, p_empty, p_missing, p_trunc, p_trail, p_big, p_crl,
	                    p_csr, p_mixed};
	time_t t0 = time(NULL);
	assert_int_equal(ingest(f, in, 10, NULL, 0, &sum), PW_OK);
	assert_true(time(NULL) - t0 < 10); /* the 100 MB file is refused at its first bytes */
	assert_int_equal(sum.ingested, 1);
	assert_int_equal(sum.skipped, 2);
	assert_true(sum.rejected >= 8);

	int seen_label = 0, seen_junk = 0, seen_empty = 0, seen_missing = 0, seen_trunc = 0,
	    seen_trail = 0, seen_big = 0, seen_crl = 0, seen_csr = 0, seen_mixed = 0;
	for (size_t i = 0; i < f->n_reps; i++) {
		const struct rep *r = &f->reps[i];
		if (strcmp(r->path, p_label) == 0) {
			seen_label = r->kind == PW_STORE_REJECTED && strstr(r->msg, "wrong PEM label") &&
			             r->line == 1;
		} else if (strcmp(r->path, p_junk) == 0) {
			seen_junk = r->kind == PW_STORE_REJECTED;
		} else if (strcmp(r->path, p_empty) == 0) {
			seen_empty = r->kind == PW_STORE_REJECTED && strstr(r->msg, "empty") != NULL;
		} else if (strcmp(r->path, p_missing) == 0) {
			seen_missing = r->kind == PW_STORE_REJECTED && r->status == PW_ERR_IO;
		} else if (strcmp(r->path, p_trunc) == 0) {
			seen_trunc = r->kind == PW_STORE_REJECTED;
		} else if (strcmp(r->path, p_trail) == 0) {
			seen_trail = r->kind == PW_STORE_REJECTED;
		} else if (strcmp(r->path, p_big) == 0) {
			seen_big = r->kind == PW_STORE_REJECTED;
		} else if (strcmp(r->path, p_crl) == 0) {
			seen_crl = r->kind == PW_STORE_SKIPPED && strstr(r->msg, "CRL") != NULL;
		} else if (strcmp(r->path, p_csr) == 0) {
			seen_csr = r->kind == PW_STORE_SKIPPED && strstr(r->msg, "CSR") != NULL;
		} else if (strcmp(r->path, p_mixed) == 0) {
			seen_mixed = r->kind == PW_STORE_REJECTED;
		}
	}
	assert_true(seen_label);
	assert_true(seen_junk);
	assert_true(seen_empty);
	assert_true(seen_missing);
	assert_true(seen_trunc);
	assert_true(seen_trail);
	assert_true(seen_big);
	assert_true(seen_crl);
	assert_true(seen_csr);
	assert_true(seen_mixed);

	OPENSSL_free(der);
	X509_free(good);
}

/* Builds a store with a known population for the filter tests. */
struct pop {
	X509 *a, *www, *wild, *deep, *bad, *other_ca_leaf, *pre, *fin, *old, *ipcert, *sqlname;
};

static void populate(struct fx *f, struct pop *p)
{
	struct pw_store_ingest_summary sum;
	char pem[400];

	const char *d_a[] = {"example.com", NULL};
	const char *d_www[] = {"WWW.Example.COM", NULL}; /* stored lowercased */
	const char *d_wild[] = {"*.example.com", NULL};
	const char *d_deep[] = {"a.b.example.com", NULL};
	const char *d_bad[] = {"badexample.com", "example.com.evil.test", NULL};
	const char *d_pre[] = {"ct.example.net", NULL};
	const char *d_old[] = {"old.example.com", NULL};
	const char *d_sql[] = {"x'); drop table certificate; --.example.org", NULL};
	p->a = leaf(f, "example.com", d_a, 1, T0 + 10 * DAY, 0, 0);
	p->www = leaf(f, "www.example.com", d_www, 2, T0 + 20 * DAY, 0, 0);
	p->wild = leaf(f, "wild", d_wild, 3, T0 + 30 * DAY, 0, 0);
	p->deep = leaf(f, "deep", d_deep, 4, T0 + 40 * DAY, 0, 0);
	p->bad = leaf(f, "bad", d_bad, 5, T0 + 50 * DAY, 0, 0);
	p->pre = leaf(f, "ct.example.net", d_pre, 6, T0 + 60 * DAY, 1, 0);
	p->fin = leaf(f, "ct.example.net", d_pre, 6, T0 + 60 * DAY, 0, 1);
	p->old = leaf(f, "old.example.com", d_old, 7, T0 - 400 * DAY, 0, 0);
	p->sqlname = leaf(f, "sql", d_sql, 8, T0 + 70 * DAY, 0, 0);
	{
		struct spec sp = {.cn = "192.0.2.7", .serial = 9, .nb = T0, .na = T0 + 90 * DAY,
		                  .ip4 = "192.0.2.7", .key = f->leaf_key, .issuer = f->ca,
		                  .issuer_key = f->ca_key};
		p->ipcert = make_x509(&sp);
	}
	{
		/* Same serial 1 as p->a but from the other CA: a different identity. */
		struct spec sp = {.cn = "example.com", .dns = {"example.com"}, .serial = 1,
		                  .nb = T0 + 10 * DAY, .na = T0 + 100 * DAY, .key = f->leaf_key,
		                  .issuer = f->ca2, .issuer_key = f->ca2_key};
		p->other_ca_leaf = make_x509(&sp);
	}
	/* The CA certificate comes after some of its leaves: links are made when it arrives. */
	X509 *v[] = {p->a, p->www, f->ca, p->wild, p->deep, p->bad, p->pre, p->fin, p->old,
	             p->ipcert, p->sqlname, f->ca2, p->other_ca_leaf};
	path_in(f, "pop.pem", pem, sizeof pem);
	write_pem(pem, v, sizeof v / sizeof v[0]);
	const char *in[] = {pem};
	assert_int_equal(ingest(f, in, 1, NULL, 0, &sum), PW_OK);
	assert_int_equal(sum.ingested, sizeof v / sizeof v[0]);
	assert_int_equal(sum.rejected, 0);
}

static void free_pop(struct pop *p)
{
	X509 *v[] = {p->a, p->www, p->wild, p->deep, p->bad, p->other_ca_leaf, p->pre, p->fin,
	             p->old, p->ipcert, p->sqlname};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		X509_free(v[i]);
}

static void test_domain_subtree(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_filter flt;
	struct rows rs;

	populate(f, &p);
	memset(&flt, 0, sizeof flt);
	flt.domain = "example.com";
	/* example.com (two issuers), www, *.example.com, a.b, old — never badexample.com
	 * nor example.com.evil.test; the name search spans all history (old). */
	assert_int_equal(find_n(f, &flt, &rs), 6);
	assert_true(rows_have(&rs, p.a));
	assert_true(rows_have(&rs, p.www));
	assert_true(rows_have(&rs, p.wild));
	assert_true(rows_have(&rs, p.deep));
	assert_true(rows_have(&rs, p.old));
	assert_true(rows_have(&rs, p.other_ca_leaf));
	assert_false(rows_have(&rs, p.bad));

	/* Case-insensitive, trailing dot, and the "*." form name the same subtree. */
	flt.domain = "EXAMPLE.com.";
	assert_int_equal(find_n(f, &flt, &rs), 6);
	flt.domain = "*.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 6);
	flt.domain = "b.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.deep));
	flt.domain = "badexample.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.bad));
	flt.domain = "ample.com";
	assert_int_equal(find_n(f, &flt, &rs), 0);

	/* Exact names. */
	memset(&flt, 0, sizeof flt);
	flt.name = "www.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.www));
	flt.name = "*.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.wild));
	flt.name = "192.0.2.7"; /* IP SAN */
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.ipcert));
	flt.name = "old.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);

	/* Convenience wrappers agree. */
	memset(&rs, 0, sizeof rs);
	struct pw_error err;
	assert_int_equal(pw_store_find_by_domain(f->s, "example.com", collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 6);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find_by_name(f->s, "a.b.example.com", collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	/* An empty name is a usage error, not "everything". */
	memset(&flt, 0, sizeof flt);
	flt.domain = "";
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect_row, &rs, &err), PW_ERR_USAGE);
	free_pop(&p);
}

static void test_issuer_serial_and_twins(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_filter flt;
	struct rows rs;
	struct pw_error err;
	uint8_t ca_sha[32], ca2_sha[32], serial1[] = {0x01}, serial6[] = {0x06};
	char dn[256];

	populate(f, &p);
	x509_sha256(f->ca, ca_sha);
	x509_sha256(f->ca2, ca2_sha);

	/* Serial 1 under each CA is a different certificate. */
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find_by_issuer_serial(f->s, ca_sha, NULL, serial1, 1, collect_row,
	                                                &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_true(rows_have(&rs, p.a));
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find_by_issuer_serial(f->s, ca2_sha, NULL, serial1, 1, collect_row,
	                                                &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_true(rows_have(&rs, p.other_ca_leaf));

	/* By issuer DN text (as pw_name_to_text prints it). */
	X509_NAME_oneline(X509_get_subject_name(f->ca), dn, sizeof dn);
	memset(&rs, 0, sizeof rs);
	memset(&flt, 0, sizeof flt);
	flt.has_serial = 1;
	flt.serial[0] = 0x06;
	flt.serial_len = 1;
	flt.issuer_dn = "CN=Test Root CA, O=pkiward test";
	assert_int_equal(find_n(f, &flt, &rs), 2); /* precert and cert share the serial */
	assert_true(rows_have(&rs, p.pre));
	assert_true(rows_have(&rs, p.fin));
	(void)serial6;

	/* Everything from one issuer. */
	memset(&flt, 0, sizeof flt);
	flt.has_issuer_sha256 = 1;
	memcpy(flt.issuer_sha256, ca2_sha, 32);
	assert_int_equal(find_n(f, &flt, &rs), 2);
	/* An issuer that is not a stored CA certificate. */
	uint8_t leaf_sha[32];
	x509_sha256(p.a, leaf_sha);
	memcpy(flt.issuer_sha256, leaf_sha, 32);
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect_row, &rs, &err), PW_ERR_NOTFOUND);
	/* Both issuer forms at once is a usage error. */
	flt.issuer_dn = "CN=x";
	assert_int_equal(pw_store_find(f->s, &flt, 0, collect_row, &rs, &err), PW_ERR_USAGE);

	/* Twins: the precertificate row names its certificate and vice versa. */
	uint8_t pre_sha[32], fin_sha[32];
	x509_sha256(p.pre, pre_sha);
	x509_sha256(p.fin, fin_sha);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_get_by_sha256(f->s, pre_sha, collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.precert[0], 1);
	assert_true(rs.has_pre[0] && rs.has_cert[0]);
	assert_memory_equal(rs.pre[0], pre_sha, 32);
	assert_memory_equal(rs.cert[0], fin_sha, 32);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_get_by_sha256(f->s, fin_sha, collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.precert[0], 0);
	assert_true(rs.has_pre[0] && rs.has_cert[0]);
	assert_memory_equal(rs.pre[0], pre_sha, 32);
	assert_memory_equal(rs.cert[0], fin_sha, 32);
	/* A certificate without a precertificate has no twin. */
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_get_by_sha256(f->s, leaf_sha, collect_row, &rs, &err), PW_OK);
	assert_true(rs.has_cert[0]);
	assert_false(rs.has_pre[0]);

	/* precert-only / cert-only. */
	memset(&flt, 0, sizeof flt);
	flt.name = "ct.example.net";
	assert_int_equal(find_n(f, &flt, &rs), 2);
	flt.kind = PW_STORE_KIND_PRECERT;
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.pre));
	flt.kind = PW_STORE_KIND_CERT;
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.fin));

	/* A different certificate reusing (issuer, serial) is refused (BR 7.1). */
	const char *d[] = {"reuse.example.com", NULL};
	X509 *reuse = leaf(f, "reuse", d, 2, T0, 0, 0);
	char pem[400];
	path_in(f, "reuse.pem", pem, sizeof pem);
	write_pem(pem, &reuse, 1);
	struct pw_store_ingest_summary sum;
	const char *in[] = {pem};
	assert_int_equal(ingest(f, in, 1, NULL, 0, &sum), PW_OK);
	assert_int_equal(sum.ingested, 0);
	assert_int_equal(sum.rejected, 1);
	assert_int_equal(f->reps[0].status, PW_ERR_EXISTS);
	assert_non_null(strstr(f->reps[0].msg, "serial"));
	X509_free(reuse);
	free_pop(&p);
}

static void test_spki_dates_ca(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_filter flt;
	struct rows rs;
	struct pw_error err;

	populate(f, &p);
	/* Every leaf shares leaf_key. */
	uint8_t spki[32];
	unsigned char *kder = NULL;
	int klen = i2d_PUBKEY(f->leaf_key, &kder);
	SHA256(kder, (size_t)klen, spki);
	OPENSSL_free(kder);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(pw_store_find_by_spki(f->s, spki, collect_row, &rs, &err), PW_OK);
	assert_int_equal(rs.n, 11);

	memset(&flt, 0, sizeof flt);
	flt.ca = PW_STORE_YES;
	assert_int_equal(find_n(f, &flt, &rs), 2);
	flt.ca = PW_STORE_NO;
	assert_int_equal(find_n(f, &flt, &rs), 11);

	/* issued in [T0+20d, T0+50d): www, wild, deep (not bad at exactly +50d). */
	memset(&flt, 0, sizeof flt);
	flt.has_issued_after = 1;
	flt.issued_after = T0 + 20 * DAY;
	flt.has_issued_before = 1;
	flt.issued_before = T0 + 50 * DAY;
	assert_int_equal(find_n(f, &flt, &rs), 3);
	assert_true(rows_have(&rs, p.www));
	assert_true(rows_have(&rs, p.deep));
	assert_false(rows_have(&rs, p.bad));

	/* valid_at: inclusive bounds (RFC 5280 §4.1.2.5). */
	memset(&flt, 0, sizeof flt);
	flt.has_valid_at = 1;
	flt.valid_at = T0 - 400 * DAY + 90 * DAY; /* the last second of p.old */
	flt.name = "old.example.com";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	flt.valid_at++;
	assert_int_equal(find_n(f, &flt, &rs), 0);

	/* expired relative to `now`. */
	memset(&flt, 0, sizeof flt);
	flt.domain = "example.com";
	flt.expired = PW_STORE_YES;
	flt.now = T0;
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.old));
	flt.expired = PW_STORE_NO;
	assert_int_equal(find_n(f, &flt, &rs), 5);
	free_pop(&p);
}

static void write_text(struct fx *f, const char *name, const char *text, char *path,
                       size_t pathlen)
{
	path_in(f, name, path, pathlen);
	write_file(path, text, strlen(text));
}

static void test_metadata_and_dcv(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_filter flt;
	struct rows rs;
	struct pw_store_ingest_summary sum;
	char meta[400], hex_a[65], hex_www[65], hex_pre[65];
	uint8_t h[32];

	populate(f, &p);
	x509_sha256(p.a, h);
	pw_hex_encode(h, 32, hex_a);
	x509_sha256(p.www, h);
	pw_hex_encode(h, 32, hex_www);
	x509_sha256(p.pre, h);
	pw_hex_encode(h, 32, hex_pre);

	struct pw_buf b;
	pw_buf_init(&b);
	/* 1: good, http-01 (3.2.2.4.19) */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"profile\": \"DV\", \"order\": \"o-1\", \"subscriber\":"
	                  " \"acct-1\", \"validations\": [{\"name\": \"example.com\", \"method\":"
	                  " \"3.2.2.4.19\", \"at\": \"2021-01-10T00:00:00Z\"}]}\n", hex_a);
	/* 2: blank */
	pw_buf_puts(&b, "   \n");
	/* 3: good, dns-01 (3.2.2.4.7), with SQL metacharacters in order */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"order\": \"x'); DROP TABLE certificate; --\","
	                  " \"validations\": [{\"name\": \"www.example.com\", \"method\": \"3.2.2.4.7\","
	                  " \"at\": \"2021-01-20T01:00:00+01:00\"}]}\r\n", hex_www);
	/* 4: bad hex */
	pw_buf_puts(&b, "{\"sha256\": \"abc\"}\n");
	/* 5: bad method */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"validations\": [{\"name\": \"example.com\","
	                  " \"method\": \"3.2.2.4\", \"at\": \"2021-01-10T00:00:00Z\"}]}\n", hex_a);
	/* 6: bad time */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"validations\": [{\"name\": \"example.com\","
	                  " \"method\": \"3.2.2.4.19\", \"at\": \"2021-02-30T00:00:00Z\"}]}\n", hex_a);
	/* 7: not in the store */
	pw_buf_printf(&b, "{\"sha256\": \"%064d\"}\n", 0);
	/* 8: invalid JSON */
	pw_buf_puts(&b, "{\"sha256\": \n");
	/* 9: unknown member */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"validation\": []}\n", hex_a);
	/* 10: the precertificate's metadata also describes its certificate (twin) */
	pw_buf_printf(&b, "{\"sha256\": \"%s\", \"profile\": \"ov\", \"validations\": [{\"name\":"
	                  " \"ct.example.net\", \"method\": \"3.2.2.4.19\", \"at\":"
	                  " \"2021-03-01T00:00:00.123Z\"}]}", hex_pre); /* no final newline */
	assert_false(b.failed);
	path_in(f, "meta.jsonl", meta, sizeof meta);
	write_file(meta, b.data, b.len);
	pw_buf_cleanup(&b);

	const char *mp[] = {meta};
	assert_int_equal(ingest(f, NULL, 0, mp, 1, &sum), PW_OK);
	assert_int_equal(sum.metadata_lines, 9);
	assert_int_equal(sum.metadata_applied, 3);
	assert_int_equal(sum.metadata_errors, 6);
	assert_int_equal(f->n_reps, 6);
	struct {
		size_t line;
		const char *field;
	} want[] = {{4, "sha256"}, {5, "validations[0].method"}, {6, "validations[0].at"},
	            {7, "sha256"}, {8, ""}, {9, "validation"}};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(f->reps[i].kind, PW_STORE_META_ERROR);
		assert_string_equal(f->reps[i].path, meta);
		assert_int_equal(f->reps[i].line, want[i].line);
		assert_string_equal(f->reps[i].field, want[i].field);
	}
	assert_int_equal(f->reps[3].status, PW_ERR_NOTFOUND);

	/* Applying the same file again changes nothing (and reports the same). */
	struct pw_store_stats st1, st2;
	struct pw_error err;
	assert_int_equal(pw_store_stats(f->s, &st1, &err), PW_OK);
	assert_int_equal(ingest(f, NULL, 0, mp, 1, &sum), PW_OK);
	assert_int_equal(sum.metadata_applied, 3);
	assert_int_equal(pw_store_stats(f->s, &st2, &err), PW_OK);
	assert_int_equal(st1.validations, st2.validations);
	assert_int_equal(st2.validations, 4); /* a, www, pre + its certificate */

	/* dcv_method filter. */
	memset(&flt, 0, sizeof flt);
	flt.dcv_method = "3.2.2.4.19";
	assert_int_equal(find_n(f, &flt, &rs), 3);
	assert_true(rows_have(&rs, p.a));
	assert_true(rows_have(&rs, p.pre));
	assert_true(rows_have(&rs, p.fin));
	flt.has_issued_after = 1;
	flt.issued_after = T0;
	flt.has_issued_before = 1;
	flt.issued_before = T0 + 30 * DAY;
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.a));
	memset(&flt, 0, sizeof flt);
	flt.dcv_method = "3.2.2.4.7";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.www));
	/* The SQL metacharacters came back as data. */
	assert_string_equal(rs.order[0], "x'); DROP TABLE certificate; --");
	/* A method value full of SQL is just a value that matches nothing. */
	flt.dcv_method = "' OR 1=1 --";
	assert_int_equal(find_n(f, &flt, &rs), 0);

	/* Profile (lowercased) applies to the twin too. */
	memset(&flt, 0, sizeof flt);
	flt.profile = "dv";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	flt.profile = "ov";
	assert_int_equal(find_n(f, &flt, &rs), 2);

	/* Validations need a callback. */
	struct pw_error err2;
	x509_sha256(p.www, h);
	assert_int_equal(pw_store_get_validations(f->s, h, NULL, NULL, &err2), PW_ERR_USAGE);
	free_pop(&p);
}

static int vcb(void *ctx, const struct pw_store_validation *v)
{
	int64_t *at = ctx;
	*at = v->at;
	return strcmp(v->method, "3.2.2.4.7") == 0 && strcmp(v->name, "www.example.com") == 0;
}

static void test_validations_lookup(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_ingest_summary sum;
	struct pw_error err;
	char meta[400], text[512], hex[65];
	uint8_t h[32];

	populate(f, &p);
	x509_sha256(p.www, h);
	pw_hex_encode(h, 32, hex);
	snprintf(text, sizeof text,
	         "{\"sha256\": \"%s\", \"validations\": [{\"name\": \"WWW.example.com\", \"method\":"
	         " \"3.2.2.4.7\", \"at\": \"2021-01-20T01:00:00+01:00\"}]}\n", hex);
	write_text(f, "v.jsonl", text, meta, sizeof meta);
	/* A .jsonl input is a metadata file. */
	const char *in[] = {meta};
	assert_int_equal(ingest(f, in, 1, NULL, 0, &sum), PW_OK);
	assert_int_equal(sum.metadata_applied, 1);
	int64_t at = 0;
	assert_int_equal(pw_store_get_validations(f->s, h, vcb, &at, &err), PW_OK);
	assert_int_equal(at, 1611100800); /* 2021-01-20T00:00:00Z */
	free_pop(&p);
}

static void test_revoked_lint_filters(void **state)
{
	struct fx *f = *state;
	struct pop p;
	struct pw_store_filter flt;
	struct rows rs;
	uint8_t h[32];

	populate(f, &p);
	/* revocation and lint_finding rows are written by later modules; write
	 * them directly here to check the filters. */
	x509_sha256(p.www, h);
	assert_int_equal(pw_test_sql_run(f->t, "base",
	                                 "INSERT INTO revocation (cert_id, revoked_at, reason)"
	                                 " SELECT id, ?, 1 FROM certificate WHERE sha256 = ?",
	                                 (struct pw_test_param[]){PW_TEST_INT(T0 + 25 * DAY),
	                                                          PW_TEST_BLOB(h, 32), PW_TEST_END}),
	                 1);
	x509_sha256(p.wild, h);
	assert_int_equal(pw_test_sql_run(f->t, "base",
	                                 "INSERT INTO lint_finding (cert_id, lint, result)"
	                                 " SELECT id, 'e_dnsname_wildcard_only_in_left_label', 'error'"
	                                 " FROM certificate WHERE sha256 = ?",
	                                 (struct pw_test_param[]){PW_TEST_BLOB(h, 32), PW_TEST_END}),
	                 1);

	memset(&flt, 0, sizeof flt);
	flt.domain = "example.com";
	flt.revoked = PW_STORE_YES;
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.www));
	assert_true(rs.revoked[0]);
	assert_int_equal(rs.reason[0], 1); /* keyCompromise */
	flt.revoked = PW_STORE_NO;
	assert_int_equal(find_n(f, &flt, &rs), 5);
	assert_false(rows_have(&rs, p.www));

	memset(&flt, 0, sizeof flt);
	flt.lint = "e_dnsname_wildcard_only_in_left_label";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.wild));
	flt.lint = "'; DELETE FROM lint_finding; --";
	assert_int_equal(find_n(f, &flt, &rs), 0);
	flt.lint = "e_dnsname_wildcard_only_in_left_label";
	assert_int_equal(find_n(f, &flt, &rs), 1); /* still there */

	/* Names with SQL metacharacters are data too. */
	memset(&flt, 0, sizeof flt);
	flt.name = "x'); drop table certificate; --.example.org";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, p.sqlname));
	flt.name = "' OR '1'='1";
	assert_int_equal(find_n(f, &flt, &rs), 0);
	free_pop(&p);
}

/* ingest --lint's hook: findings travel with each certificate, replace
 * earlier ones on re-ingest, and a failing producer stops the ingest without
 * storing that batch. */
struct find_hook {
	int fail_after; /* -1: never */
	int calls;
};

static int findings_hook(void *ctx, const struct pw_cert *c, struct pw_buf *out, size_t *n,
                         struct pw_error *err)
{
	struct find_hook *h = ctx;
	if (h->fail_after >= 0 && h->calls >= h->fail_after) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "lint", "hook refused");
		return 0;
	}
	h->calls++;
	*n = 1;
	pw_buf_puts(out, c->is_ca ? "n_test_ca" : "w_test_leaf");
	pw_buf_append(out, "", 1);
	pw_buf_puts(out, c->is_ca ? "info" : "warn");
	pw_buf_append(out, "", 1);
	return 1;
}

static enum pw_status batch_hook(void *ctx, struct pw_store *s,
                                 const struct pw_store_batch_info *b, struct pw_error *err)
{
	struct find_hook *h = ctx;
	(void)s;
	assert_true(b->has_certs);
	if (h->fail_after >= 0 && h->calls >= h->fail_after)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "batch", "batch hook refused");
	h->calls++;
	return PW_OK;
}

static void test_findings_hook(void **state)
{
	struct fx *f = *state;
	struct pw_store_ingest_opts o;
	struct pw_store_ingest_summary sum;
	struct pw_store_filter flt;
	struct rows rs;
	struct pw_error err;
	struct find_hook h = {.fail_after = -1};
	char pem[400];
	X509 *v[] = {f->ca, leaf(f, "a.example", NULL, 41, T0, 0, 0),
	             leaf(f, "b.example", NULL, 42, T0, 0, 0)};

	path_in(f, "hook.pem", pem, sizeof pem);
	write_pem(pem, v, 3);
	const char *in[] = {pem};
	memset(&o, 0, sizeof o);
	o.findings = findings_hook;
	o.findings_ctx = &h;
	o.now = T0;
	assert_int_equal(pw_store_ingest(f->s, in, 1, &o, &sum, &err), PW_OK);
	assert_int_equal(sum.ingested, 3);
	assert_int_equal(sum.linted, 3);
	assert_int_equal(sum.findings, 3);
	memset(&flt, 0, sizeof flt);
	flt.lint = "w_test_leaf";
	assert_int_equal(find_n(f, &flt, &rs), 2);
	assert_true(rows_have(&rs, v[1]) && rows_have(&rs, v[2]));
	flt.lint = "n_test_ca";
	assert_int_equal(find_n(f, &flt, &rs), 1);
	assert_true(rows_have(&rs, f->ca));

	/* Re-ingest: already present, findings refreshed, none duplicated. */
	assert_int_equal(pw_store_ingest(f->s, in, 1, &o, &sum, &err), PW_OK);
	assert_int_equal(sum.already_present, 3);
	assert_int_equal(sum.linted, 3);
	flt.lint = "w_test_leaf";
	assert_int_equal(find_n(f, &flt, &rs), 2);

	/* A producer failure stops the ingest with its error. */
	X509 *w[] = {leaf(f, "c.example", NULL, 43, T0, 0, 0)};
	path_in(f, "hook2.pem", pem, sizeof pem);
	write_pem(pem, w, 1);
	const char *in2[] = {pem};
	h.fail_after = 0;
	h.calls = 0;
	pw_error_clear(&err);
	assert_int_not_equal(pw_store_ingest(f->s, in2, 1, &o, &sum, &err), PW_OK);
	assert_string_equal(err.msg, "hook refused");
	memset(&flt, 0, sizeof flt);
	flt.name = "c.example";
	assert_int_equal(find_n(f, &flt, &rs), 0);

	/* The batch hook runs inside the batch's transaction: its failure rolls
	 * the batch back. */
	o.findings = NULL;
	o.on_batch = batch_hook;
	o.batch_ctx = &h;
	h.fail_after = -1;
	h.calls = 0;
	assert_int_equal(pw_store_ingest(f->s, in2, 1, &o, &sum, &err), PW_OK);
	assert_int_equal(h.calls, 1);
	assert_int_equal(find_n(f, &flt, &rs), 1);
	X509 *u[] = {leaf(f, "d.example", NULL, 44, T0, 0, 0)};
	path_in(f, "hook3.pem", pem, sizeof pem);
	write_pem(pem, u, 1);
	const char *in3[] = {pem};
	h.fail_after = 0;
	pw_error_clear(&err);
	assert_int_not_equal(pw_store_ingest(f->s, in3, 1, &o, &sum, &err), PW_OK);
	assert_string_equal(err.msg, "batch hook refused");
	flt.name = "d.example";
	assert_int_equal(find_n(f, &flt, &rs), 0);
	X509_free(v[1]);
	X509_free(v[2]);
	X509_free(w[0]);
	X509_free(u[0]);
}

static void test_metadata_parser(void **state)
{
	(void)state;
	struct pw_store_metadata m;
	struct pw_error err;
	char hex[65];
	memset(hex, 'a', 64);
	hex[64] = '\0';
	char line[1024];

	pw_store_metadata_init(&m);
	snprintf(line, sizeof line,
	         "{\"sha256\":\"%s\",\"profile\":\"ev\",\"validations\":[{\"name\":\"*.Example.com\","
	         "\"method\":\"3.2.2.5.3\",\"at\":\"2020-02-29T23:59:60Z\"},{\"name\":\"2001:db8::1\","
	         "\"method\":\"3.2.2.5.7\",\"at\":\"2020-01-01T00:00:00-00:30\"}]}", hex);
	assert_int_equal(pw_store_metadata_parse_line((const uint8_t *)line, strlen(line), &m, &err),
	                 PW_OK);
	assert_string_equal(m.profile, "ev");
	assert_int_equal(m.n_validations, 2);
	assert_string_equal(m.validations[0].name, "*.example.com");
	assert_int_equal(m.validations[0].at, 1583020799); /* leap second -> :59 */
	assert_int_equal(m.validations[1].at, 1577838600); /* -00:30 is later in UTC */
	assert_int_equal(m.sha256[0], 0xaa);

	static const struct {
		const char *json;
		const char *field;
	} bad[] = {
		{"[]", ""},
		{"{}", "sha256"},
		{"{\"sha256\": 5}", "sha256"},
		{"{\"sha256\": \"zz\"}", "sha256"},
		{"{\"profile\": \"Not A Token\", \"sha256\": \"00\"}", "profile"},
		{"{\"validations\": {}}", "validations"},
		{"{\"validations\": [1]}", "validations[0]"},
		{"{\"validations\": [{\"name\": \"a..b\", \"method\": \"3.2.2.4.1\", \"at\": \"2021-01-01T00:00:00Z\"}]}", "validations[0].name"},
		{"{\"validations\": [{\"name\": \"a.b\", \"method\": \"3.2.2.4.01\", \"at\": \"2021-01-01T00:00:00Z\"}]}", "validations[0].method"},
		{"{\"validations\": [{\"name\": \"a.b\", \"method\": \"3.2.2.6.1\", \"at\": \"2021-01-01T00:00:00Z\"}]}", "validations[0].method"},
		{"{\"validations\": [{\"name\": \"a.b\", \"method\": \"3.2.2.4.1\", \"at\": \"2021-01-01 00:00:00Z\"}]}", "validations[0].at"},
		{"{\"validations\": [{\"name\": \"a.b\", \"method\": \"3.2.2.4.1\"}]}", "validations[0]"},
		{"{\"order\": \"a\\nb\"}", "order"},
		{"{\"order\": \"\"}", "order"},
		{"{\"sha256\": \"00\", \"sha256\": \"00\"}", ""},
		{"{\"x\": 1}", "x"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pw_error_clear(&err);
		assert_int_not_equal(pw_store_metadata_parse_line((const uint8_t *)bad[i].json,
		                                                  strlen(bad[i].json), &m, &err), PW_OK);
		if (strcmp(err.field, bad[i].field) != 0)
			fail_msg("case %zu (%s): field \"%s\", want \"%s\" (%s)", i, bad[i].json, err.field,
			         bad[i].field, err.msg);
		assert_null(m.profile);
		assert_int_equal(m.n_validations, 0);
	}
	pw_store_metadata_cleanup(&m);
}

static void test_helpers(void **state)
{
	(void)state;
	char key[PW_STORE_MAX_NAME + 1];
	int64_t t;

	assert_true(pw_store_name_key("WWW.Example.com.", 16, key, sizeof key));
	assert_string_equal(key, "com.example.www");
	assert_true(pw_store_name_key("*.example.com", 13, key, sizeof key));
	assert_string_equal(key, "com.example.*");
	assert_true(pw_store_name_key("localhost", 9, key, sizeof key));
	assert_string_equal(key, "localhost");
	assert_false(pw_store_name_key("", 0, key, sizeof key));
	assert_false(pw_store_name_key("a\nb", 3, key, sizeof key));
	assert_false(pw_store_name_key("abc", 3, key, 3));

	assert_true(pw_store_parse_rfc3339("1970-01-01T00:00:00Z", 20, &t));
	assert_int_equal(t, 0);
	assert_true(pw_store_parse_rfc3339("2021-03-13t10:00:00z", 20, &t));
	assert_int_equal(t, 1615629600);
	assert_false(pw_store_parse_rfc3339("2021-03-13T10:00:00", 19, &t));
	assert_false(pw_store_parse_rfc3339("2021-13-01T00:00:00Z", 20, &t));
	assert_false(pw_store_parse_rfc3339("2021-01-01T00:00:00.Z", 21, &t));
	assert_false(pw_store_parse_rfc3339("2021-01-01T00:00:00+0100", 24, &t));

	assert_true(pw_store_method_ok("3.2.2.4.19", 10));
	assert_true(pw_store_method_ok("3.2.2.5.1", 9));
	assert_false(pw_store_method_ok("3.2.2.4.0", 9));
	assert_false(pw_store_method_ok("3.2.2.4.100", 11));
	assert_false(pw_store_method_ok("3.2.2.4.1a", 10));
	assert_false(pw_store_method_ok("3.2.2.4.", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_metadata_parser),
		cmocka_unit_test_setup_teardown(test_open_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches_across_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issuer_serial_and_twins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spki_dates_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metadata_and_dcv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validations_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked_lint_filters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
