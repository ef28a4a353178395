/* bench_crl: a CRL of N revoked certificates (default 1,000,000) built,
 * linted and signed by pkiward (sort + DER writer + signer + pw_lint_crl),
 * against OpenSSL's X509_CRL API on the same entries in the same process
 * (X509_REVOKED per entry, X509_CRL_add0_revoked, X509_CRL_sort,
 * X509_CRL_sign, i2d), and `openssl ca -gencrl` on an index.txt of the same
 * entries (a child process; its CPU time from RUSAGE_CHILDREN).
 *
 *   bench_crl [--n N] [--rounds R] [--key rsa|p256] [--no-openssl-ca] [--pkiward-only]
 *             [--openssl-ca-only] [--keep DIR]
 *
 * CPU seconds are the numbers to compare on a shared machine (wall time
 * is printed too). Each path is run R times (default 3); medians reported.
 * Entries: random 16-byte serials (BR 7.1: >= 64 bits of CSPRNG output),
 * revocation dates spread over the last 90 days, 80% with a reasonCode. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bench_common.h"
#include "pkiward/cert.h"
#include "pkiward/lint.h"
#include "pkiward/publish.h"
#include "pkiward/signer.h"

#define MAX_ROUNDS 9
#define DAY 86400

static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double cpu_children(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_crl: %s\n", what);
	exit(2);
}

static void add_ext(X509 *x, int nid, const char *v)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &ctx, nid, v)) == NULL)
		die("extension");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

static X509 *make_ca(EVP_PKEY *k, int64_t now)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(now - 365 * DAY));
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(now + 5 * 365 * DAY));
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"pkiward bench", -1,
	                           -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Bench CRL CA", -1,
	                           -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_NAME_free(n);
	X509_set_pubkey(x, k);
	add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, NID_subject_key_identifier, "hash");
	if (X509_sign(x, k, EVP_sha256()) <= 0)
		die("sign CA");
	return x;
}

struct entries {
	struct pw_crl_revoked *v;
	uint8_t *serials;
	size_t n;
};

static void make_entries(struct entries *e, size_t n, int64_t now)
{
	static const unsigned reasons[] = {1, 3, 4, 5, 9};
	uint32_t *rnd = malloc(n * 2 * sizeof *rnd);
	e->n = n;
	e->v = calloc(n, sizeof *e->v);
	e->serials = malloc(n * 16);
	if (!e->v || !e->serials || !rnd || RAND_bytes(e->serials, (int)(n * 16)) != 1 ||
	    RAND_bytes((unsigned char *)rnd, (int)(n * 2 * sizeof *rnd)) != 1)
		die("entries");
	for (size_t i = 0; i < n; i++) {
		uint8_t *s = e->serials + 16 * i;
		s[0] = (uint8_t)((s[0] & 0x7f) | 0x01); /* positive, minimal, 16 octets */
		e->v[i].serial = s;
		e->v[i].serial_len = 16;
		e->v[i].revoked_at = now - 60 - (int64_t)(rnd[2 * i] % (90u * DAY));
		if (rnd[2 * i + 1] % 10 < 8) {
			e->v[i].has_reason = 1;
			e->v[i].reason = reasons[rnd[2 * i + 1] % 5];
		}
	}
	free(rnd);
}

/* ---- pkiward ---- */

static size_t run_pkiward(const struct entries *src, struct pw_signer *sg, const struct pw_cert *ca,
                          int64_t now, struct pw_lint_results *lint, double *cpu_build,
                          double *cpu_lint, double *cpu_total, double *wall, const char *keep)
{
	struct pw_crl_revoked *v = malloc(src->n * sizeof *v);
	struct pw_crl_tbs t;
	struct pw_error err;
	uint8_t *der = NULL;
	size_t len = 0;
	double c0, c_sort, c_build, c_full, w0;

	memcpy(v, src->v, src->n * sizeof *v); /* unsorted, as read from a store */
	memset(&t, 0, sizeof t);
	t.issuer = ca->subject.raw.p;
	t.issuer_len = ca->subject.raw.len;
	t.this_update = now;
	t.next_update = now + 7 * DAY;
	t.entries = v;
	t.n_entries = src->n;
	t.number = 1234;
	t.aki = ca->x.ski.key_id.p;
	t.aki_len = ca->x.ski.key_id.len;
	w0 = bench_now();
	c0 = cpu_self();
	if (!pw_crl_revoked_sort(v, src->n))
		die("sort");
	c_sort = cpu_self() - c0;
	/* Build + sign without the lint, to show the split ... */
	c0 = cpu_self();
	if (pw_crl_build(&t, sg, ca, now, NULL, &der, &len, &err) != PW_OK)
		die(err.msg);
	c_build = cpu_self() - c0;
	free(der);
	der = NULL;
	/* ... then the real thing: build, sign and lint. */
	c0 = cpu_self();
	if (pw_crl_build(&t, sg, ca, now, lint, &der, &len, &err) != PW_OK) {
		fprintf(stderr, "bench_crl: pkiward build: %s: %s\n", err.field, err.msg);
		exit(2);
	}
	c_full = cpu_self() - c0;
	*cpu_build = c_sort + c_build;
	*cpu_lint = c_full - c_build;
	*cpu_total = c_sort + c_full;
	*wall = bench_now() - w0;
	if (keep != NULL) {
		char path[4096];
		FILE *f;
		snprintf(path, sizeof path, "%s/pkiward.crl", keep);
		if ((f = fopen(path, "wb")) != NULL) {
			fwrite(der, 1, len, f);
			fclose(f);
		}
	}
	free(der);
	free(v);
	return len;
}

/* ---- OpenSSL X509_CRL ---- */

static size_t run_openssl(const struct entries *src, EVP_PKEY *key, X509 *ca, int64_t now,
                          double *cpu, double *wall)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *tu = ASN1_TIME_new(), *nu = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int len;
	double c0, w0;

	w0 = bench_now();
	c0 = cpu_self();
	X509_CRL_set_version(crl, X509_CRL_VERSION_2);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	ASN1_TIME_set(tu, (time_t)now);
	ASN1_TIME_set(nu, (time_t)(now + 7 * DAY));
	X509_CRL_set1_lastUpdate(crl, tu);
	X509_CRL_set1_nextUpdate(crl, nu);
	for (size_t i = 0; i < src->n; i++) {
		const struct pw_crl_revoked *e = &src->v[i];
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *ser = ASN1_INTEGER_new();
		ASN1_TIME *rd = ASN1_TIME_new();
		BIGNUM *bn = BN_bin2bn(e->serial, (int)e->serial_len, NULL);
		BN_to_ASN1_INTEGER(bn, ser);
		BN_free(bn);
		X509_REVOKED_set_serialNumber(r, ser);
		ASN1_TIME_set(rd, (time_t)e->revoked_at);
		X509_REVOKED_set_revocationDate(r, rd);
		if (e->has_reason) {
			ASN1_ENUMERATED *rc = ASN1_ENUMERATED_new();
			ASN1_ENUMERATED_set(rc, (long)e->reason);
			X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, rc, 0, 0);
			ASN1_ENUMERATED_free(rc);
		}
		ASN1_INTEGER_free(ser);
		ASN1_TIME_free(rd);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	ASN1_INTEGER_set(num, 1234);
	X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
	{
		X509V3_CTX ctx;
		X509_EXTENSION *aki;
		X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
		aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
		if (aki == NULL)
			die("aki");
		X509_CRL_add_ext(crl, aki, -1);
		X509_EXTENSION_free(aki);
	}
	if (X509_CRL_sign(crl, key, EVP_sha256()) <= 0)
		die("X509_CRL_sign");
	len = i2d_X509_CRL(crl, &der);
	if (len <= 0)
		die("i2d_X509_CRL");
	*cpu = cpu_self() - c0;
	*wall = bench_now() - w0;
	OPENSSL_free(der);
	X509_CRL_free(crl);
	ASN1_TIME_free(tu);
	ASN1_TIME_free(nu);
	ASN1_INTEGER_free(num);
	return (size_t)len;
}

/* ---- openssl ca -gencrl ---- */

static void ca_time(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%y%m%d%H%M%SZ", &tm);
}

static int prepare_openssl_ca(const char *dir, const struct entries *src, EVP_PKEY *key, X509 *ca,
                              int64_t now)
{
	/* openssl ca's index knows no privilegeWithdrawn (9): those entries
	 * go without a reason there (the CRL is a few bytes smaller). */
	static const char *names[] = {"", "keyCompromise", "", "affiliationChanged", "superseded",
	                              "cessationOfOperation", "", "", "", ""};
	char path[4096], exp[32], rev[32];
	FILE *f;

	snprintf(path, sizeof path, "%s/ca.key", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	PEM_write_X509(f, ca);
	fclose(f);
	snprintf(path, sizeof path, "%s/crlnumber", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fprintf(f, "04D2\n");
	fclose(f);
	snprintf(path, sizeof path, "%s/index.txt", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	ca_time(now + 60 * DAY, exp, sizeof exp);
	for (size_t i = 0; i < src->n; i++) {
		const struct pw_crl_revoked *e = &src->v[i];
		ca_time(e->revoked_at, rev, sizeof rev);
		int named = e->has_reason && names[e->reason][0] != '\0';
		fprintf(f, "R\t%s\t%s%s%s\t", exp, rev, named ? "," : "", named ? names[e->reason] : "");
		for (size_t k = 0; k < e->serial_len; k++)
			fprintf(f, "%02X", e->serial[k]);
		fprintf(f, "\tunknown\t/CN=leaf%zu\n", i);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/index.txt.attr", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fprintf(f, "unique_subject = no\n");
	fclose(f);
	snprintf(path, sizeof path, "%s/ca.cnf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fprintf(f, "[ca]\ndefault_ca = bench\n[bench]\ndir = %s\ndatabase = $dir/index.txt\n"
	           "crlnumber = $dir/crlnumber\ncertificate = $dir/ca.pem\nprivate_key = $dir/ca.key\n"
	           "default_md = sha256\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n"
	           "[crl_ext]\nauthorityKeyIdentifier = keyid:always\n", dir);
	fclose(f);
	return 1;
}

static int run_openssl_ca(const char *dir, double *cpu, double *wall)
{
	char cmd[8192];
	double c0 = cpu_children(), w0 = bench_now();
	int rc;
	snprintf(cmd, sizeof cmd, "openssl ca -gencrl -config '%s/ca.cnf' -out '%s/openssl-ca.crl' "
	         ">'%s/openssl-ca.log' 2>&1", dir, dir, dir);
	rc = system(cmd);
	*cpu = cpu_children() - c0;
	*wall = bench_now() - w0;
	return rc == 0;
}

static double median(double *v, int n)
{
	return bench_quantile(v, (size_t)n, 0.5);
}

int main(int argc, char **argv)
{
	size_t n = 1000000;
	int rounds = 3, use_ca = 1, rsa = 1, only = 0, ca_only = 0;
	const char *keep = NULL;
	char dir[] = "/tmp/bench_crl.XXXXXX", key_path[4096];
	int64_t now = (int64_t)time(NULL);
	EVP_PKEY *key;
	X509 *ca;
	unsigned char *ca_der = NULL;
	int ca_len;
	struct pw_signer *sg = NULL;
	struct pw_cert cert;
	struct pw_error err;
	struct entries e;
	struct pw_lint_results lint;
	double pb[MAX_ROUNDS], pl[MAX_ROUNDS], pt[MAX_ROUNDS], pw[MAX_ROUNDS], ob[MAX_ROUNDS],
	    ow[MAX_ROUNDS];
	size_t plen = 0, olen = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = (size_t)strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			rsa = strcmp(argv[++i], "p256") != 0;
		else if (strcmp(argv[i], "--no-openssl-ca") == 0)
			use_ca = 0;
		else if (strcmp(argv[i], "--pkiward-only") == 0)
			use_ca = 0, only = 1;
		else if (strcmp(argv[i], "--openssl-ca-only") == 0)
			ca_only = 1;
		else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
			keep = argv[++i];
		else {
			fprintf(stderr, "usage: bench_crl [--n N] [--rounds R] [--key rsa|p256] "
			                "[--no-openssl-ca] [--pkiward-only] [--openssl-ca-only] [--keep DIR]\n");
			return 2;
		}
	}
	if (n == 0 || n > PW_PUBLISH_MAX_CRL_ENTRIES || rounds < 1 || rounds > MAX_ROUNDS)
		die("--n must be 1..4M and --rounds 1..9");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	ca = make_ca(key, now);
	ca_len = i2d_X509(ca, &ca_der);
	snprintf(key_path, sizeof key_path, "%s/ca.key", dir);
	if ((f = fopen(key_path, "w")) == NULL)
		die("key file");
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	if (pw_signer_open(key_path, ca_der, (size_t)ca_len, &sg, &err) != PW_OK)
		die(err.msg);
	pw_cert_init(&cert);
	if (pw_cert_parse(&cert, ca_der, (size_t)ca_len, &err) != PW_OK)
		die(err.msg);
	make_entries(&e, n, now);
	pw_lint_results_init(&lint);
	printf("bench_crl: %zu entries, %s CA key, %d rounds (CPU seconds: user+sys of this "
	       "process; medians)\n", n, rsa ? "RSA-2048" : "P-256", rounds);
	for (int r = 0; r < rounds && !ca_only; r++) {
		plen = run_pkiward(&e, sg, &cert, now, &lint, &pb[r], &pl[r], &pt[r], &pw[r], keep);
		if (!only)
			olen = run_openssl(&e, key, ca, now, &ob[r], &ow[r]);
		else
			ob[r] = ow[r] = 0;
	}
	if (ca_only)
		rounds = 1, pb[0] = pl[0] = pt[0] = pw[0] = ob[0] = ow[0] = 0;
	double m_pb = median(pb, rounds), m_pl = median(pl, rounds), m_pt = median(pt, rounds),
	       m_pw = median(pw, rounds), m_ob = median(ob, rounds), m_ow = median(ow, rounds);
	if (ca_only)
		goto openssl_ca;
	printf("pkiward  sort+build+sign : %.3f s CPU\n", m_pb);
	printf("pkiward  lint (parse+lints): %.3f s CPU\n", m_pl);
	printf("pkiward  total           : %.3f s CPU, %zu bytes  [target < 1 s]\n", m_pt, plen);
	printf("  (wall of sort + build/sign + build/sign/lint: %.3f s; machine shared)\n", m_pw);
	printf("openssl  X509_CRL API    : %.3f s CPU (%.3f s wall), %zu bytes (no lint)\n", m_ob, m_ow,
	       olen);
	printf("ratio X509_CRL / pkiward total      : %.1fx\n", m_ob / m_pt);
	printf("ratio X509_CRL / pkiward build+sign : %.1fx\n", m_ob / m_pb);
openssl_ca:
	if (use_ca) {
		double cc, cw;
		if (!prepare_openssl_ca(dir, &e, key, ca, now))
			die("openssl ca files");
		if (run_openssl_ca(dir, &cc, &cw)) {
			printf("openssl ca -gencrl       : %.3f s CPU (%.3f s wall), 1 run\n", cc, cw);
			if (!ca_only)
				printf("ratio openssl ca / pkiward total    : %.1fx\n", cc / m_pt);
		} else {
			printf("openssl ca -gencrl       : failed (see %s/openssl-ca.log)\n", dir);
		}
	} else {
		printf("openssl ca -gencrl       : skipped (--no-openssl-ca)\n");
	}
	if (keep == NULL) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_crl: could not remove %s\n", dir);
	}
	pw_lint_results_cleanup(&lint);
	pw_cert_cleanup(&cert);
	pw_signer_free(sg);
	OPENSSL_free(ca_der);
	X509_free(ca);
	EVP_PKEY_free(key);
	free(e.v);
	free(e.serials);
	return 0;
}
