/* bench_revoke: a proven key compromise for a key shared by N certificates
 * (default 10,000), end to end through the library call the CLI and the HTTP
 * service use: pw_revoke_report_key() verifies the private-key proof, records
 * the report, blocks the key, finds every unexpired certificate with the key
 * and revokes each with keyCompromise and its event, and commits. Target:
 * under 1 s for 10,000 certificates.
 *
 *   bench_revoke [--count N] [--runs R] [--dir DIR]
 *
 * The base is built once with pw_store_put_cert (two issuers; every 10th
 * issuance also has its precertificate, so twins are exercised) plus 1,000
 * certificates with other keys; each run works on a fresh copy of it.
 * Prints each run, then the median. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bench_common.h"
#include "pkiward/cert.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"

#define BENCH_MAX_RUNS 50
#define BENCH_OTHER_CERTS 1000
#define DAY 86400

static X509 *make(const char *cn, long serial, int64_t nb, int64_t na, EVP_PKEY *key, X509 *issuer,
                  EVP_PKEY *issuer_key, int ca, int poison)
{
	X509 *x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb);
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na);
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	                                        ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (!ca) {
		char san[96];
		snprintf(san, sizeof san, "DNS:%s.example.com", cn);
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (poison) {
		static const uint8_t null_der[] = {0x05, 0x00};
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(os, null_der, 2);
		e = X509_EXTENSION_create_by_NID(NULL, NID_ct_precert_poison, 1, os);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
	}
	if (X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) <= 0) {
		fprintf(stderr, "bench_revoke: signing failed\n");
		exit(2);
	}
	return x;
}

static void put(struct pw_store *s, struct pw_cert *c, X509 *x)
{
	uint8_t *der = NULL;
	struct pw_error err;
	int n = i2d_X509(x, &der);
	if (n <= 0 || pw_cert_parse(c, der, (size_t)n, &err) != PW_OK ||
	    pw_store_put_cert(s, c, time(NULL), NULL, &err) != PW_OK) {
		fprintf(stderr, "bench_revoke: storing a certificate: %s\n", err.msg);
		exit(2);
	}
	OPENSSL_free(der);
	X509_free(x);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *b = bench_read_file(from, &len);
	FILE *f = fopen(to, "wb");
	if (f == NULL || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "bench_revoke: %s: %s\n", to, strerror(errno));
		exit(2);
	}
	free(b);
}

static void remove_base(const char *path)
{
	char p[600];
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
}

int main(int argc, char **argv)
{
	long count = 10000, runs = 5;
	const char *dir = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: bench_revoke [--count N] [--runs R] [--dir DIR]\n");
			return 2;
		}
	}
	if (count < 1 || runs < 1 || runs > BENCH_MAX_RUNS) {
		fprintf(stderr, "bench_revoke: --count >= 1, --runs 1..%d\n", BENCH_MAX_RUNS);
		return 2;
	}
	char base[512], work[512];
	snprintf(base, sizeof base, "%s/bench_revoke_base.%d.db", dir, (int)getpid());
	snprintf(work, sizeof work, "%s/bench_revoke_work.%d.db", dir, (int)getpid());
	remove_base(base);

	struct pw_error err;
	struct pw_store *s = NULL;
	struct pw_cert c;
	pw_cert_init(&c);
	if (pw_store_open(base, PW_STORE_CREATE, &s, &err) != PW_OK) {
		fprintf(stderr, "bench_revoke: %s: %s\n", base, err.msg);
		return 2;
	}
	double t0 = bench_now();
	int64_t now = time(NULL), nb = now - 10 * DAY, na = now + 80 * DAY;
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *kb = EVP_EC_gen("P-256"), *k = EVP_EC_gen("P-256");
	EVP_PKEY *other = EVP_EC_gen("P-256");
	X509 *ca_a = make("Bench Issuer A", 1, nb, na + 365 * DAY, ka, NULL, NULL, 1, 0);
	X509 *ca_b = make("Bench Issuer B", 2, nb, na + 365 * DAY, kb, NULL, NULL, 1, 0);
	if (pw_store_begin(s, &err) != PW_OK)
		return 2;
	put(s, &c, X509_dup(ca_a));
	put(s, &c, X509_dup(ca_b));
	long stored = 0;
	char cn[32];
	for (long i = 0; stored < count; i++) {
		X509 *iss = (i % 2) ? ca_b : ca_a;
		EVP_PKEY *ik = (i % 2) ? kb : ka;
		snprintf(cn, sizeof cn, "h%ld", i);
		if (i % 10 == 0 && stored + 2 <= count) {
			put(s, &c, make(cn, 1000 + i, nb, na, k, iss, ik, 0, 1)); /* precertificate */
			stored++;
		}
		put(s, &c, make(cn, 1000 + i, nb, na, k, iss, ik, 0, 0));
		stored++;
	}
	for (long i = 0; i < BENCH_OTHER_CERTS; i++) {
		snprintf(cn, sizeof cn, "o%ld", i);
		put(s, &c, make(cn, 900000 + i, nb, na, other, ca_a, ka, 0, 0));
	}
	if (pw_store_commit(s, &err) != PW_OK)
		return 2;
	pw_store_close(s);
	pw_cert_cleanup(&c);
	fprintf(stderr, "built the base: %ld certificates with the key, %d others, in %.1f s\n",
	        stored, BENCH_OTHER_CERTS, bench_now() - t0);

	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	char *pem;
	long pem_len = BIO_get_mem_data(bio, &pem);

	double secs[BENCH_MAX_RUNS], cpus[BENCH_MAX_RUNS];
	for (long r = 0; r < runs; r++) {
		remove_base(work);
		copy_file(base, work);
		if (pw_store_open(work, 0, &s, &err) != PW_OK) {
			fprintf(stderr, "bench_revoke: %s: %s\n", work, err.msg);
			return 2;
		}
		struct pw_revoke_key_report rq = {.proof = (const uint8_t *)pem,
		                                  .proof_len = (size_t)pem_len,
		                                  .reporter = "bench@example.com"};
		struct pw_revoke_key_report_result res;
		double a = bench_now(), ac = bench_cpu_now();
		enum pw_status st = pw_revoke_report_key(s, &rq, &res, &err);
		secs[r] = bench_now() - a;
		cpus[r] = bench_cpu_now() - ac;
		if (st != PW_OK || !res.proven || res.n_revoked != (uint64_t)stored) {
			fprintf(stderr, "bench_revoke: run %ld: status %d, proven %d, revoked %llu of %ld: %s\n",
			        r + 1, (int)st, res.proven, (unsigned long long)res.n_revoked, stored,
			        err.msg);
			return 1;
		}
		printf("run %ld: %llu certificates revoked and committed in %.3f s (CPU %.3f s)\n",
		       r + 1, (unsigned long long)res.n_revoked, secs[r], cpus[r]);
		pw_revoke_key_report_result_cleanup(&res);
		pw_store_close(s);
	}
	double med = bench_quantile(secs, (size_t)runs, 0.5);
	double cmed = bench_quantile(cpus, (size_t)runs, 0.5);
	printf("CPU time median %.3f s (wall above CPU is waiting: fsync and other processes)\n",
	       cmed);
	printf("report-key, key shared by %ld certificates: median %.3f s over %ld runs "
	       "(min %.3f, max %.3f) — %s the 1 s target\n",
	       stored, med, runs, secs[0], secs[runs - 1], med < 1.0 ? "within" : "OVER");
	BIO_free(bio);
	X509_free(ca_a);
	X509_free(ca_b);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
	remove_base(base);
	remove_base(work);
	return med < 1.0 ? 0 : 1;
}
