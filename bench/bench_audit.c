/* bench_audit: `audit check` over N CA certificates (default 5,000; issue 8
 * target < 1 s).
 *
 * Generates, in process with OpenSSL, a hierarchy with fresh P-256 keys: one
 * root, 50 intermediates, and the rest issuing CAs under them, with a mix of
 * EKUs (serverAuth+clientAuth, emailProtection, none) and notBefore spread
 * over 2021-2025. Stores them, and four years of WebTrust CA / NetSec / BR /
 * S/MIME statements listing the certificates valid in each period except
 * one in a hundred (so the check has omissions to report). Then times
 * pw_inventory_check_run (what `pkiward audit check` runs) in CPU seconds,
 * median of the runs, against two in-process baselines on the same store:
 * reading every CA certificate row (with its DER) and loading the
 * inventory (parse, identities, capabilities) without the check.
 *
 *   bench_audit [--certs N] [--runs R] [--dir DIR] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bench_common.h"
#include "pkiward/cert.h"
#include "pkiward/inventory.h"
#include "pkiward/store.h"
#include "pkiward/store_inventory.h"

#define N_INTERMEDIATES 50
#define OMIT_ONE_IN 100

static EVP_PKEY *new_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	if (k == NULL) {
		fprintf(stderr, "key generation failed\n");
		exit(2);
	}
	return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL || !X509_add_ext(x, e, -1)) {
		fprintf(stderr, "extension %d failed\n", nid);
		exit(2);
	}
	X509_EXTENSION_free(e);
}

/* A CA certificate for `key` named cn, signed by issuer/ikey (self when NULL). */
static X509 *make_ca(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, long serial,
                     time_t nb, long days, const char *eku)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Bench Audit", -1, -1,
	                           0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), nb);
	ASN1_TIME_set(X509_getm_notAfter(x), nb + days * 86400);
	X509_set_pubkey(x, key);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(x, issuer ? issuer : x, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (eku)
		add_ext(x, issuer ? issuer : x, NID_ext_key_usage, eku);
	if (!X509_sign(x, ikey ? ikey : key, EVP_sha256())) {
		fprintf(stderr, "sign failed\n");
		exit(2);
	}
	return x;
}

static void store_x509(struct pw_store *s, X509 *x, uint8_t sha_out[32])
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	if (len <= 0 || pw_cert_parse(&c, der, (size_t)len, &err) != PW_OK ||
	    pw_store_put_cert(s, &c, 1, NULL, &err) != PW_OK) {
		fprintf(stderr, "store: %s\n", err.msg);
		exit(2);
	}
	memcpy(sha_out, c.sha256, 32);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

static int bench_cmp32_(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int count_row(void *ctx, const struct pw_store_ca_cert *c)
{
	(*(size_t *)ctx) += c->der_len > 0;
	return 1;
}

int main(int argc, char **argv)
{
	size_t n_certs = 5000, runs = 5;
	const char *dir = NULL;
	char tmpl[] = "/tmp/bench_auditXXXXXX", path[512];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--certs") == 0 && i + 1 < argc)
			n_certs = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: bench_audit [--certs N] [--runs R] [--dir DIR]\n");
			return 2;
		}
	}
	if (n_certs < N_INTERMEDIATES + 2 || runs == 0 || runs > 1000) {
		fprintf(stderr, "bench_audit: --certs >= %d, --runs 1..1000\n", N_INTERMEDIATES + 2);
		return 2;
	}
	if (dir == NULL && (dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof path, "%s/bench_audit.db", dir);
	unlink(path);
	struct pw_store *s = NULL;
	struct pw_error err;
	if (pw_store_open(path, PW_STORE_CREATE, &s, &err) != PW_OK) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		return 2;
	}

	/* --- the hierarchy ---------------------------------------------------- */
	double g0 = bench_now();
	uint8_t *shas = malloc(32 * n_certs);
	int64_t *nbs = malloc(sizeof *nbs * n_certs), *nas = malloc(sizeof *nas * n_certs);
	X509 *inter[N_INTERMEDIATES];
	EVP_PKEY *ikeys[N_INTERMEDIATES];
	const time_t base = 1609459200; /* 2021-01-01 */
	EVP_PKEY *rkey = new_key();
	X509 *root = make_ca("Bench Audit Root", rkey, NULL, NULL, 1, base, 7300, NULL);
	if (pw_store_begin(s, &err) != PW_OK)
		return 2;
	store_x509(s, root, shas);
	nbs[0] = base;
	nas[0] = base + 7300L * 86400;
	static const char *const ekus[3] = {"serverAuth,clientAuth", "emailProtection", NULL};
	srand(7);
	for (size_t i = 1; i < n_certs; i++) {
		char cn[64];
		EVP_PKEY *k = new_key();
		time_t nb = base + (time_t)(rand() % (5 * 365)) * 86400;
		long days = 1825 + rand() % 1825;
		X509 *x;
		if (i <= N_INTERMEDIATES) {
			snprintf(cn, sizeof cn, "Bench Intermediate %zu", i);
			x = make_ca(cn, k, root, rkey, (long)i + 1, base, 7000, NULL);
			nb = base;
			days = 7000;
			inter[i - 1] = x;
			ikeys[i - 1] = k;
		} else {
			size_t p = (size_t)rand() % N_INTERMEDIATES;
			snprintf(cn, sizeof cn, "Bench Issuing CA %zu", i);
			x = make_ca(cn, k, inter[p], ikeys[p], (long)i + 1, nb, days, ekus[i % 3]);
		}
		store_x509(s, x, shas + 32 * i);
		nbs[i] = nb;
		nas[i] = nb + days * 86400;
		if (i > N_INTERMEDIATES) {
			X509_free(x);
			EVP_PKEY_free(k);
		}
	}
	/* --- statements: 2021..2024, CA / NetSec / BR / SMIME ------------------- */
	static const char *const types[4] = {"CA", "NetSec", "BR", "SMIME"};
	uint8_t *fps = malloc(32 * n_certs);
	size_t n_stmts = 0;
	for (int y = 0; y < 4; y++) {
		int64_t ps = base + (int64_t)y * 365 * 86400, pe = ps + 364L * 86400;
		for (int t = 0; t < 4; t++) {
			size_t n = 0;
			for (size_t i = 0; i < n_certs; i++)
				if (nbs[i] <= pe && nas[i] >= ps && (i % OMIT_ONE_IN != 5))
					memcpy(fps + 32 * n++, shas + 32 * i, 32);
			struct pw_inventory_audit a;
			pw_inventory_audit_init(&a);
			a.auditor = "Bench Audit LLP";
			a.scheme = "WebTrust";
			a.type = (char *)types[t];
			a.period_start = ps - ps % 86400;
			a.period_end = pe - pe % 86400;
			a.statement_date = a.period_end + 60L * 86400;
			qsort(fps, n, 32, bench_cmp32_);
			a.fingerprints = fps;
			a.n_fingerprints = n;
			int64_t id;
			if (pw_inventory_audit_add(s, &a, "bench", "bench", 1, &id, NULL, &err) != PW_OK) {
				fprintf(stderr, "audit add: %s\n", err.msg);
				return 2;
			}
			n_stmts++;
		}
	}
	if (pw_store_commit(s, &err) != PW_OK)
		return 2;
	double gen = bench_now() - g0;
	for (size_t i = 0; i < N_INTERMEDIATES; i++) {
		X509_free(inter[i]);
		EVP_PKEY_free(ikeys[i]);
	}
	X509_free(root);
	EVP_PKEY_free(rkey);

	/* --- timings (CPU seconds) ------------------------------------------- */
	double *t_rows = calloc(runs, sizeof *t_rows), *t_load = calloc(runs, sizeof *t_load),
	       *t_check = calloc(runs, sizeof *t_check);
	size_t findings = 0, errors = 0, checked = 0, uncovered = 0;
	int64_t at = base + 5L * 365 * 86400;
	for (size_t r = 0; r < runs; r++) {
		size_t rows = 0;
		double c0 = cpu_seconds();
		if (pw_store_ca_cert_list(s, count_row, &rows, &err) != PW_OK || rows != n_certs) {
			fprintf(stderr, "list: %zu rows\n", rows);
			return 2;
		}
		double c1 = cpu_seconds();
		struct pw_inventory *inv = NULL;
		if (pw_inventory_load(s, &inv, &err) != PW_OK || inv->n_certs != n_certs)
			return 2;
		double c2 = cpu_seconds();
		pw_inventory_free(inv);
		struct pw_inventory_check *chk = NULL;
		double c3 = cpu_seconds();
		if (pw_inventory_check_run(s, at, &chk, &err) != PW_OK) {
			fprintf(stderr, "check: %s\n", err.msg);
			return 2;
		}
		double c4 = cpu_seconds();
		if (r == 0) {
			size_t by_kind[PW_INVENTORY_DUE_NEXT + 1] = {0};
			for (size_t k = 0; k < chk->n_findings; k++)
				by_kind[chk->findings[k].kind]++;
			printf("findings by kind:");
			for (int k = 0; k <= PW_INVENTORY_DUE_NEXT; k++)
				printf(" %s=%zu", pw_inventory_finding_kind_name((enum pw_inventory_finding_kind)k),
				       by_kind[k]);
			printf("\n");
		}
		findings = chk->n_findings;
		errors = chk->n_errors;
		checked = chk->certs_checked;
		uncovered = chk->certs_uncovered;
		pw_inventory_check_free(chk);
		t_rows[r] = c1 - c0;
		t_load[r] = c2 - c1;
		t_check[r] = c4 - c3;
	}
	double m_rows = bench_quantile(t_rows, runs, 0.5), m_load = bench_quantile(t_load, runs, 0.5),
	       m_check = bench_quantile(t_check, runs, 0.5);
	printf("bench_audit: %zu CA certificates, %zu statements (generated in %.1f s wall)\n", n_certs,
	       n_stmts, gen);
	printf("  read CA rows (baseline)   %8.4f s CPU (median of %zu)\n", m_rows, runs);
	printf("  load inventory            %8.4f s CPU  (%.1fx the row read)\n", m_load,
	       m_rows > 0 ? m_load / m_rows : 0);
	printf("  audit check (load+check)  %8.4f s CPU  (%.1fx the row read, %.1fx the load)  target < 1 s: %s\n",
	       m_check, m_rows > 0 ? m_check / m_rows : 0, m_load > 0 ? m_check / m_load : 0,
	       m_check < 1.0 ? "met" : "MISSED");
	printf("  %zu certificates checked, %zu uncovered, %zu findings (%zu errors)\n", checked,
	       uncovered, findings, errors);
	pw_store_close(s);
	unlink(path);
	if (strcmp(dir, tmpl) == 0)
		rmdir(dir);
	free(shas);
	free(nbs);
	free(nas);
	free(fps);
	free(t_rows);
	free(t_load);
	free(t_check);
	return m_check < 1.0 ? 0 : 1;
}
