/* store_bench: ingest throughput and query latency of the SQLite store.
 *
 *   store_bench gen DIR N        write N synthetic certificates (concatenated
 *                                DER, 10,000 per file) + metadata sidecars
 *   store_bench ingest DB DIR    ingest DIR into DB, print certificates/s
 *   store_bench query DB         lookup latencies (p50/p99) and the
 *                                "dcv_method AND issued in [A,B)" find time
 *
 * Certificates are one OpenSSL-signed template (RSA-2048 leaf, ~1.1 KB like
 * real WebPKI leaves) with serial, names, validity and the RSA modulus
 * patched per certificate: every one has its own SHA-256, (issuer, serial),
 * SPKI and names. Signatures are therefore not valid, which the store does
 * not check (it stores what was issued). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "pkiward/buf.h"
#include "pkiward/store.h"

#define PER_FILE 10000
#define T_BASE 1609459200 /* 2021-01-01 */
#define DAY 86400
#define SPAN_DAYS 730

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *find(uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

static void die(const char *m)
{
	fprintf(stderr, "store_bench: %s\n", m);
	exit(2);
}

static void utc(int64_t t, char out[14])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 14, "%y%m%d%H%M%SZ", &tm);
}

static int gen(const char *dir, long n)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256");
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	if (ca_key == NULL || key == NULL || x == NULL)
		die("openssl");
	X509_set_version(x, 2);
	/* serial: 0x01 then 15 marker bytes */
	uint8_t serial_marker[16] = {0x01};
	memset(serial_marker + 1, 0x5A, 15);
	BIGNUM *bn = BN_bin2bn(serial_marker, 16, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	ASN1_TIME_set_string(X509_getm_notBefore(x), "210101000000Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "210401000000Z");
	X509_NAME *sn = X509_NAME_new();
	X509_NAME_add_entry_by_txt(sn, "CN", MBSTRING_ASC, (const unsigned char *)"h00000000.d000000.example.com", -1, -1, 0);
	X509_set_subject_name(x, sn);
	X509_NAME *in = X509_NAME_new();
	X509_NAME_add_entry_by_txt(in, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(in, "O", MBSTRING_ASC, (const unsigned char *)"pkiward bench", -1, -1, 0);
	X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const unsigned char *)"Bench Issuing CA R1", -1, -1, 0);
	X509_set_issuer_name(x, in);
	X509_set_pubkey(x, key);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, NULL, x, NULL, NULL, 0);
	const char *exts[][2] = {
		{"basicConstraints", "critical,CA:FALSE"},
		{"keyUsage", "critical,digitalSignature,keyEncipherment"},
		{"extendedKeyUsage", "serverAuth"},
		{"subjectKeyIdentifier", "hash"},
		{"subjectAltName", "DNS:h00000000.d000000.example.com,DNS:www.d000000.example.com"},
		{"authorityInfoAccess", "OCSP;URI:http://ocsp.bench.example/,caIssuers;URI:http://ca.bench.example/r1.der"},
		{"crlDistributionPoints", "URI:http://crl.bench.example/r1.crl"},
	};
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
		if (e == NULL)
			die(exts[i][0]);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	{
		/* certificatePolicies: { { 2.23.140.1.2.1 } } (BR 7.1.6.4, DV) */
		static const uint8_t pol[] = {0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x67, 0x81,
		                              0x0c, 0x01, 0x02, 0x01};
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(os, pol, sizeof pol);
		X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, NID_certificate_policies, 0, os);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
	}
	if (X509_sign(x, ca_key, EVP_sha256()) <= 0)
		die("sign");
	uint8_t *tpl = NULL;
	int tlen = i2d_X509(x, &tpl);
	if (tlen <= 0)
		die("i2d");
	size_t len = (size_t)tlen;
	uint8_t *c = malloc(len);
	memcpy(c, tpl, len);
	uint8_t *p_serial = find(c, len, serial_marker + 1, 15);
	uint8_t *p_nb = find(c, len, "210101000000Z", 13);
	uint8_t *p_na = find(c, len, "210401000000Z", 13);
	uint8_t *p_cn = find(c, len, "h00000000.d000000", 17);
	uint8_t *p_san1 = p_cn ? find(p_cn + 17, len - (size_t)(p_cn + 17 - c), "h00000000.d000000", 17) : NULL;
	uint8_t *p_san2 = find(c, len, "www.d000000", 11);
	/* 16 bytes from the middle of the RSA modulus */
	BIGNUM *nmod = NULL;
	EVP_PKEY_get_bn_param(key, "n", &nmod);
	uint8_t mod[256];
	BN_bn2binpad(nmod, mod, 256);
	BN_free(nmod);
	uint8_t *p_mod = find(c, len, mod + 100, 16);
	if (!p_serial || !p_nb || !p_na || !p_cn || !p_san1 || !p_san2 || !p_mod)
		die("template markers not found");

	mkdir(dir, 0755);
	FILE *fp = NULL, *mp = NULL;
	char path[4096], hex[65], nb[14], na[14], name[48];
	if (n < 0 || n > 0xFFFFFF)
		die("N must be between 0 and 16777215");
	for (long i = 0; i < n; i++) {
		if (i % PER_FILE == 0) {
			if (fp)
				fclose(fp);
			if (mp)
				fclose(mp);
			snprintf(path, sizeof path, "%s/certs-%05ld.der", dir, i / PER_FILE);
			fp = fopen(path, "wb");
			snprintf(path, sizeof path, "%s/meta-%05ld.jsonl", dir, i / PER_FILE);
			mp = fopen(path, "wb");
			if (!fp || !mp)
				die("open output");
		}
		uint64_t u = (uint64_t)i;
		for (int k = 0; k < 8; k++)
			p_serial[7 + k] = (uint8_t)(u >> (56 - 8 * k));
		p_serial[0] = (uint8_t)(0x10 + (i & 0x3f));
		/* a CA's issuance log: notBefore grows with issuance order */
		int64_t t = T_BASE + (int64_t)((double)i / (double)n * SPAN_DAYS * DAY);
		utc(t, nb);
		utc(t + 90 * DAY, na);
		memcpy(p_nb, nb, 13);
		memcpy(p_na, na, 13);
		snprintf(name, sizeof name, "h%08lx.d%06lx", i, i / 3);
		memcpy(p_cn, name, 17);
		memcpy(p_san1, name, 17);
		memcpy(p_san2 + 5, name + 11, 6);
		for (int k = 0; k < 8; k++)
			p_mod[4 + k] = (uint8_t)(u >> (56 - 8 * k));
		if (fwrite(c, 1, len, fp) != len)
			die("write");
		uint8_t h[32];
		SHA256(c, len, h);
		pw_hex_encode(h, 32, hex);
		/* ~40% http-01 (3.2.2.4.19), the rest dns-01 (3.2.2.4.7) */
		const char *method = (i % 5) < 2 ? "3.2.2.4.19" : "3.2.2.4.7";
		time_t vt = (time_t)(t - 3600);
		struct tm tm;
		char at[32];
		gmtime_r(&vt, &tm);
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(mp, "{\"sha256\":\"%s\",\"profile\":\"dv\",\"order\":\"o-%ld\",\"validations\":"
		            "[{\"name\":\"%s.example.com\",\"method\":\"%s\",\"at\":\"%s\"}]}\n",
		        hex, i, name, method, at);
	}
	if (fp)
		fclose(fp);
	if (mp)
		fclose(mp);
	printf("wrote %ld certificates of %zu bytes into %s\n", n, len, dir);
	OPENSSL_free(tpl);
	free(c);
	X509_free(x);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	return 0;
}

static void on_report(void *ctx, const struct pw_store_report *r)
{
	(void)ctx;
	fprintf(stderr, "%s:%zu: %s: %s\n", r->path, r->line, r->err->field, r->err->msg);
}

static int ingest(const char *db, const char *dir, int with_meta)
{
	struct pw_store *s;
	struct pw_error err;
	char buf[512];
	if (pw_store_open(db, PW_STORE_CREATE, &s, &err) != PW_OK)
		die(pw_error_format(&err, buf, sizeof buf));
	struct pw_store_ingest_opts o;
	memset(&o, 0, sizeof o);
	o.report = on_report;
	struct pw_store_ingest_summary sum;
	/* Certificates first (timed), then the metadata separately. */
	char pattern[4096];
	snprintf(pattern, sizeof pattern, "%s", dir);
	const char *in[] = {pattern};
	/* Hide .jsonl from the first pass by ingesting the .der files only. */
	char **files = NULL;
	size_t nf = 0, nm = 0;
	char **metas = NULL;
	for (long i = 0;; i++) {
		char p[4096];
		struct stat sb;
		snprintf(p, sizeof p, "%s/certs-%05ld.der", dir, i);
		if (stat(p, &sb) != 0)
			break;
		files = realloc(files, (nf + 1) * sizeof *files);
		files[nf++] = strdup(p);
		snprintf(p, sizeof p, "%s/meta-%05ld.jsonl", dir, i);
		metas = realloc(metas, (nm + 1) * sizeof *metas);
		metas[nm++] = strdup(p);
	}
	(void)in;
	o.single_thread = getenv("PW_BENCH_SINGLE") != NULL;
	if (getenv("PW_BENCH_BATCH") != NULL)
		o.batch_size = (size_t)atol(getenv("PW_BENCH_BATCH"));
	double t0 = now_s(), c0 = cpu_s();
	if (pw_store_ingest(s, (const char *const *)files, nf, &o, &sum, &err) != PW_OK)
		die(pw_error_format(&err, buf, sizeof buf));
	double t1 = now_s(), c1 = cpu_s();
	printf("CPU %.1f us per certificate (both threads)\n",
	       (c1 - c0) * 1e6 / (double)(sum.ingested + sum.already_present + 1));
	printf("certificates: %llu ingested, %llu already present, %llu rejected in %.2f s = %.0f/s\n",
	       (unsigned long long)sum.ingested, (unsigned long long)sum.already_present,
	       (unsigned long long)sum.rejected, t1 - t0,
	       (double)(sum.ingested + sum.already_present) / (t1 - t0));
	if (with_meta) {
		o.metadata_paths = (const char *const *)metas;
		o.n_metadata_paths = nm;
		t0 = now_s();
		if (pw_store_ingest(s, NULL, 0, &o, &sum, &err) != PW_OK)
			die(pw_error_format(&err, buf, sizeof buf));
		t1 = now_s();
		printf("metadata: %llu lines applied, %llu errors in %.2f s = %.0f/s\n",
		       (unsigned long long)sum.metadata_applied, (unsigned long long)sum.metadata_errors,
		       t1 - t0, (double)sum.metadata_applied / (t1 - t0));
	}
	struct pw_store_stats st;
	if (pw_store_stats(s, &st, &err) == PW_OK && st.certificates > 0)
		printf("store: %llu certificates, %llu names, %llu validations, %llu bytes = %.0f bytes/cert\n",
		       (unsigned long long)st.certificates, (unsigned long long)st.names,
		       (unsigned long long)st.validations, (unsigned long long)st.db_bytes,
		       (double)st.db_bytes / (double)st.certificates);
	for (size_t i = 0; i < nf; i++)
		free(files[i]);
	for (size_t i = 0; i < nm; i++)
		free(metas[i]);
	free(files);
	free(metas);
	pw_store_close(s);
	return 0;
}

/* The parse stage alone: read, split, parse (what the worker thread does). */
static int parse_only(const char *dir)
{
	struct pw_cert c;
	struct pw_error err;
	uint64_t n = 0;
	double t0 = cpu_s();
	pw_cert_init(&c);
	for (long i = 0;; i++) {
		char p[4096];
		snprintf(p, sizeof p, "%s/certs-%05ld.der", dir, i);
		FILE *fp = fopen(p, "rb");
		if (fp == NULL)
			break;
		fseek(fp, 0, SEEK_END);
		long len = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		uint8_t *buf = malloc((size_t)len);
		if (fread(buf, 1, (size_t)len, fp) != (size_t)len)
			die("read");
		fclose(fp);
		struct pw_objects objs = {NULL, 0};
		if (pw_objects_read(buf, (size_t)len, &objs, &err) != PW_OK)
			die("objects");
		for (size_t k = 0; k < objs.n; k++) {
			if (pw_cert_parse(&c, objs.v[k].der, objs.v[k].der_len, &err) != PW_OK)
				die("parse");
			n++;
		}
		pw_objects_free(&objs);
		free(buf);
	}
	pw_cert_cleanup(&c);
	double t1 = cpu_s();
	printf("parse only: %llu certificates, %.1f us CPU each\n", (unsigned long long)n,
	       (t1 - t0) * 1e6 / (double)n);
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int count_row(void *ctx, const struct pw_store_row *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 1;
}

#define SAMPLES 20000

struct sample {
	uint8_t sha[32], spki[32];
	uint8_t serial[64];
	size_t serial_len;
	char name[64];
};

static void report_lat(const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_d);
	printf("%-28s p50 %6.1f us  p99 %6.1f us  max %7.1f us  (%zu lookups)\n", what,
	       v[n / 2] * 1e6, v[n * 99 / 100] * 1e6, v[n - 1] * 1e6, n);
}

static int query(const char *dbpath)
{
	struct pw_store *s;
	struct pw_error err;
	char buf[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	static struct sample smp[SAMPLES];
	static double lat[SAMPLES];

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("sqlite open");
	/* The subject is "CN=<first dNSName>" in the generated corpus. */
	if (sqlite3_prepare_v2(db, "SELECT c.sha256, c.spki_sha256, c.serial, c.subject"
	                           " FROM certificate c WHERE c.id = ?", -1, &st, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	int64_t maxid = 0;
	{
		sqlite3_stmt *m;
		sqlite3_prepare_v2(db, "SELECT MAX(id) FROM certificate", -1, &m, NULL);
		sqlite3_step(m);
		maxid = sqlite3_column_int64(m, 0);
		sqlite3_finalize(m);
	}
	srand(42);
	size_t n = 0;
	while (n < SAMPLES && maxid > 0) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, 1 + (int64_t)(((uint64_t)rand() << 16 ^ (uint64_t)rand()) % (uint64_t)maxid));
		if (sqlite3_step(st) != SQLITE_ROW)
			continue;
		memcpy(smp[n].sha, sqlite3_column_blob(st, 0), 32);
		memcpy(smp[n].spki, sqlite3_column_blob(st, 1), 32);
		smp[n].serial_len = (size_t)sqlite3_column_bytes(st, 2);
		memcpy(smp[n].serial, sqlite3_column_blob(st, 2), smp[n].serial_len);
		const char *subj = (const char *)sqlite3_column_text(st, 3);
		if (subj == NULL || strncmp(subj, "CN=", 3) != 0)
			continue;
		snprintf(smp[n].name, sizeof smp[n].name, "%s", subj + 3);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("sampled %zu certificates of %lld\n", n, (long long)maxid);

	if (pw_store_open(dbpath, PW_STORE_READONLY, &s, &err) != PW_OK)
		die(pw_error_format(&err, buf, sizeof buf));
	uint64_t rows = 0;
	for (size_t i = 0; i < n; i++) {
		double t0 = now_s();
		if (pw_store_get_by_sha256(s, smp[i].sha, count_row, &rows, &err) != PW_OK)
			die(pw_error_format(&err, buf, sizeof buf));
		lat[i] = now_s() - t0;
	}
	report_lat("by sha256 (der + names)", lat, n);
	struct pw_store_filter f;
	for (size_t i = 0; i < n; i++) {
		memset(&f, 0, sizeof f);
		f.has_sha256 = 1;
		memcpy(f.sha256, smp[i].sha, 32);
		double t0 = now_s();
		if (pw_store_find(s, &f, 0, count_row, &rows, &err) != PW_OK)
			die("find");
		lat[i] = now_s() - t0;
	}
	report_lat("by sha256 (columns only)", lat, n);
	for (size_t i = 0; i < n; i++) {
		double t0 = now_s();
		if (pw_store_find_by_spki(s, smp[i].spki, count_row, &rows, &err) != PW_OK)
			die("spki");
		lat[i] = now_s() - t0;
	}
	report_lat("by spki_sha256", lat, n);
	for (size_t i = 0; i < n; i++) {
		double t0 = now_s();
		if (pw_store_find_by_issuer_serial(s, NULL, "CN=Bench Issuing CA R1, O=pkiward bench, C=US",
		                                   smp[i].serial, smp[i].serial_len, count_row, &rows,
		                                   &err) != PW_OK)
			die(pw_error_format(&err, buf, sizeof buf));
		lat[i] = now_s() - t0;
	}
	report_lat("by issuer DN + serial", lat, n);
	for (size_t i = 0; i < n; i++) {
		double t0 = now_s();
		if (pw_store_find_by_name(s, smp[i].name, count_row, &rows, &err) != PW_OK)
			die("name");
		lat[i] = now_s() - t0;
	}
	report_lat("by exact name", lat, n);
	for (size_t i = 0; i < n; i++) {
		memset(&f, 0, sizeof f);
		const char *dot = strchr(smp[i].name, '.');
		f.domain = dot ? dot + 1 : smp[i].name;
		double t0 = now_s();
		if (pw_store_find(s, &f, 0, count_row, &rows, &err) != PW_OK)
			die("domain");
		lat[i] = now_s() - t0;
	}
	report_lat("by domain subtree (3 certs)", lat, n);

	/* The incident query: every certificate validated with http-01 issued in a
	 * 6-month window (BR 3.2.2.4.19). */
	memset(&f, 0, sizeof f);
	f.dcv_method = "3.2.2.4.19";
	f.has_issued_after = 1;
	f.issued_after = T_BASE + 100 * DAY;
	f.has_issued_before = 1;
	f.issued_before = T_BASE + 280 * DAY;
	uint64_t cnt = 0;
	double t0 = now_s();
	if (pw_store_count(s, &f, &cnt, &err) != PW_OK)
		die(pw_error_format(&err, buf, sizeof buf));
	double t1 = now_s();
	printf("count dcv 3.2.2.4.19 AND issued in [A,B): %llu in %.3f s\n", (unsigned long long)cnt,
	       t1 - t0);
	rows = 0;
	t0 = now_s();
	if (pw_store_find(s, &f, 0, count_row, &rows, &err) != PW_OK)
		die("find dcv");
	t1 = now_s();
	printf("find  dcv 3.2.2.4.19 AND issued in [A,B): %llu rows in %.3f s\n",
	       (unsigned long long)rows, t1 - t0);
	rows = 0;
	t0 = now_s();
	if (pw_store_find(s, &f, PW_STORE_WANT_NAMES, count_row, &rows, &err) != PW_OK)
		die("find dcv");
	t1 = now_s();
	printf("find  same with dNSNames (CSV appendix): %llu rows in %.3f s\n",
	       (unsigned long long)rows, t1 - t0);
	pw_store_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atol(argv[3]));
	if (argc >= 4 && strcmp(argv[1], "ingest") == 0)
		return ingest(argv[2], argv[3], argc < 5 || strcmp(argv[4], "--no-meta") != 0);
	if (argc == 3 && strcmp(argv[1], "parse") == 0)
		return parse_only(argv[2]);
	if (argc == 3 && strcmp(argv[1], "query") == 0)
		return query(argv[2]);
	fprintf(stderr, "usage: store_bench gen DIR N | ingest DB DIR [--no-meta] | query DB\n");
	return 2;
}
