/* bench_ocsp: OCSP responses per second in process, pkiward vs OpenSSL.
 *
 *   bench_ocsp [--certs N] [--requests M] [--rsa]
 *
 * Builds a CA (P-256, or RSA-2048 with --rsa) and N leaf certificates in a
 * temporary store, registers the CA, then answers M DER requests (SHA-1
 * CertIDs, RFC 5019 style, serials drawn round-robin, 1 in 10 for a serial
 * that was never issued) three ways, one thread each, measuring CPU time
 * (CLOCK_THREAD_CPUTIME_ID; the machine is shared):
 *   1. pkiward, warm cache: pw_ocsp_respond() on pre-signed responses (what
 *      `pkiward ocsp serve` does per request);
 *   2. pkiward, signing every response: a fresh responder per pass with
 *      no cache, i.e. parse + lookup + DER writer + signature;
 *   3. OpenSSL's responder path (what `openssl ocsp -index` does per
 *      request): d2i_OCSP_REQUEST, status lookup in a hash table,
 *      OCSP_basic_add1_status, OCSP_basic_sign, OCSP_response_create,
 *      i2d_OCSP_RESPONSE.
 * Prints responses/s per CPU second and the ratios. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bench_common.h"
#include "pkiward/cert.h"
#include "pkiward/ocsp.h"
#include "pkiward/publish.h"
#include "pkiward/store.h"

static void die(const char *what)
{
	fprintf(stderr, "bench_ocsp: %s\n", what);
	exit(2);
}

static void add_ext(X509 *subj, X509 *iss, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, iss, subj, NULL, NULL, 0);
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ex || !X509_add_ext(subj, ex, -1))
		die("extension");
	X509_EXTENSION_free(ex);
}

static X509 *make_cert(long serial, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	                           (const unsigned char *)(issuer ? "leaf.example" : "bench CA"), -1,
	                           -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 90);
	X509_set_pubkey(x, key);
	if (!issuer) {
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
		add_ext(x, x, NID_subject_key_identifier, "hash");
	} else {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(x, issuer, NID_subject_alt_name, "DNS:leaf.example.com");
	}
	if (X509_sign(x, issuer_key, EVP_sha256()) <= 0)
		die("sign");
	X509_NAME_free(n);
	return x;
}

static void put(struct pw_store *s, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	if (pw_cert_parse(&c, der, (size_t)len, &err) != PW_OK ||
	    pw_store_put_cert(s, &c, 1, NULL, &err) != PW_OK)
		die(err.msg);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

/* OpenSSL baseline status table: serial (as long) -> issued. */
struct ossl_ctx {
	X509 *ca;
	EVP_PKEY *key;
	long n_certs;
};

static size_t ossl_answer(struct ossl_ctx *oc, const uint8_t *req, size_t len, uint8_t **out)
{
	const unsigned char *p = req;
	OCSP_REQUEST *q = d2i_OCSP_REQUEST(NULL, &p, (long)len);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp;
	ASN1_TIME *thisu = X509_gmtime_adj(NULL, 0), *nextu = X509_gmtime_adj(NULL, 8 * 3600);
	unsigned char *der = NULL;
	int n;
	if (!q)
		die("d2i_OCSP_REQUEST");
	OCSP_ONEREQ *one = OCSP_request_onereq_get0(q, 0);
	OCSP_CERTID *id = OCSP_onereq_get0_id(one);
	ASN1_INTEGER *serial = NULL;
	OCSP_id_get0_info(NULL, NULL, NULL, &serial, id);
	long sv = ASN1_INTEGER_get(serial);
	/* The same decision pkiward makes: issued serials good, others unknown. */
	int status = (sv >= 2 && sv < 2 + oc->n_certs) ? V_OCSP_CERTSTATUS_GOOD
	                                               : V_OCSP_CERTSTATUS_UNKNOWN;
	OCSP_basic_add1_status(bs, id, status, 0, NULL, thisu, nextu);
	if (!OCSP_basic_sign(bs, oc->ca, oc->key, EVP_sha256(), NULL, OCSP_NOCERTS | OCSP_RESPID_KEY))
		die("OCSP_basic_sign");
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	n = i2d_OCSP_RESPONSE(resp, &der);
	*out = der;
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(q);
	ASN1_TIME_free(thisu);
	ASN1_TIME_free(nextu);
	return (size_t)n;
}

int main(int argc, char **argv)
{
	long n_certs = 2000, n_req = 200000;
	int rsa = 0;
	char dir[] = "/tmp/pw_bench_ocsp_XXXXXX", store[128], keyp[128], cmd[160];
	struct pw_store *s = NULL;
	struct pw_error err;
	EVP_PKEY *ca_key, *leaf_key;
	X509 *ca, **leaves;
	uint8_t **reqs;
	size_t *req_len;
	long n_distinct;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--certs") && i + 1 < argc)
			n_certs = atol(argv[++i]);
		else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
			n_req = atol(argv[++i]);
		else if (!strcmp(argv[i], "--rsa"))
			rsa = 1;
		else {
			fprintf(stderr, "usage: bench_ocsp [--certs N] [--requests M] [--rsa]\n");
			return 2;
		}
	}
	if (n_certs < 1 || n_req < 1)
		die("bad counts");
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(store, sizeof(store), "%s/s.db", dir);
	snprintf(keyp, sizeof(keyp), "%s/ca.key", dir);
	ca_key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	leaf_key = EVP_EC_gen("P-256");
	ca = make_cert(1, ca_key, NULL, ca_key);
	{
		FILE *f = fopen(keyp, "w");
		if (!f || !PEM_write_PrivateKey(f, ca_key, NULL, NULL, 0, NULL, NULL))
			die("key file");
		fclose(f);
	}
	if (pw_store_open(store, PW_STORE_CREATE, &s, &err) != PW_OK)
		die(err.msg);
	if (pw_store_begin(s, &err) != PW_OK)
		die(err.msg);
	put(s, ca);
	leaves = calloc((size_t)n_certs + 1, sizeof(*leaves));
	for (long i = 0; i < n_certs; i++) {
		/* Serials 2 .. n_certs+1 (1 is the CA). Same key: only the
		 * serial matters to OCSP. */
		leaves[i] = make_cert(2 + i, leaf_key, ca, ca_key);
		put(s, leaves[i]);
	}
	if (pw_store_commit(s, &err) != PW_OK)
		die(err.msg);
	{
		unsigned char *der = NULL;
		int len = i2d_X509(ca, &der);
		struct pw_publish_ca_spec spec;
		memset(&spec, 0, sizeof(spec));
		spec.name = "bench";
		spec.cert_der = der;
		spec.cert_len = (size_t)len;
		spec.key_ref = keyp;
		if (pw_publish_ca_add(s, &spec, NULL, &err) != PW_OK)
			die(err.msg);
		OPENSSL_free(der);
	}
	pw_store_close(s);

	/* Requests: one per leaf plus 10% for serials never issued. */
	n_distinct = n_certs + n_certs / 10 + 1;
	reqs = calloc((size_t)n_distinct, sizeof(*reqs));
	req_len = calloc((size_t)n_distinct, sizeof(*req_len));
	for (long i = 0; i < n_distinct; i++) {
		OCSP_REQUEST *q = OCSP_REQUEST_new();
		OCSP_CERTID *id;
		if (i < n_certs) {
			id = OCSP_cert_to_id(EVP_sha1(), leaves[i], ca);
		} else {
			ASN1_INTEGER *sn = ASN1_INTEGER_new();
			ASN1_INTEGER_set(sn, 1000000 + i);
			id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca),
			                      X509_get0_pubkey_bitstr(ca), sn);
			ASN1_INTEGER_free(sn);
		}
		OCSP_request_add0_id(q, id);
		unsigned char *der = NULL;
		req_len[i] = (size_t)i2d_OCSP_REQUEST(q, &der);
		reqs[i] = der;
		OCSP_REQUEST_free(q);
	}

	printf("bench_ocsp: CA %s, %ld certificates, %ld requests (%ld distinct CertIDs, SHA-1)\n",
	       rsa ? "RSA-2048" : "P-256", n_certs, n_req, n_distinct);

	/* 1. pkiward warm cache. */
	double warm_rate, sign_rate, ossl_rate;
	{
		struct pw_ocsp_responder *r = NULL;
		struct pw_ocsp_config cfg;
		struct pw_ocsp_answer a;
		size_t total = 0;
		pw_ocsp_config_init(&cfg);
		cfg.no_thread = 1;
		cfg.no_presign = 1;
		double t0 = bench_now();
		if (pw_ocsp_responder_new(store, &cfg, &r, &err) != PW_OK)
			die(err.msg);
		printf("  responder start (index of %ld serials): %.3f s\n", n_certs + 1, bench_now() - t0);
		int64_t now = (int64_t)time(NULL);
		for (long i = 0; i < n_distinct; i++) { /* warm-up: sign once each */
			pw_ocsp_respond(r, reqs[i], req_len[i], now, &a);
			pw_ocsp_answer_release(&a);
		}
		double c0 = bench_cpu_now(), w0 = bench_now();
		for (long i = 0; i < n_req; i++) {
			long k = i % n_distinct;
			pw_ocsp_respond(r, reqs[k], req_len[k], now, &a);
			if (a.status != PW_OCSP_SUCCESSFUL)
				die("unsuccessful answer");
			total += a.len;
			pw_ocsp_answer_release(&a);
		}
		double cpu = bench_cpu_now() - c0, wall = bench_now() - w0;
		warm_rate = (double)n_req / cpu;
		struct pw_ocsp_stats st;
		pw_ocsp_responder_stats(r, &st);
		printf("  pkiward cached:      %10.0f responses/CPU-s  (%.3f CPU s, %.3f wall s, %.0f B avg, "
		       "%llu cache hits)\n",
		       warm_rate, cpu, wall, (double)total / (double)n_req,
		       (unsigned long long)st.cache_hits);
		pw_ocsp_responder_free(r);
	}
	/* 2. pkiward signing every response. */
	{
		struct pw_ocsp_responder *r = NULL;
		struct pw_ocsp_config cfg;
		struct pw_ocsp_answer a;
		long n = n_distinct < n_req ? n_distinct : n_req;
		pw_ocsp_config_init(&cfg);
		cfg.no_thread = 1;
		cfg.no_presign = 1;
		if (pw_ocsp_responder_new(store, &cfg, &r, &err) != PW_OK)
			die(err.msg);
		int64_t now = (int64_t)time(NULL);
		double c0 = bench_cpu_now();
		for (long i = 0; i < n; i++) { /* every CertID once: every answer is signed */
			pw_ocsp_respond(r, reqs[i], req_len[i], now, &a);
			pw_ocsp_answer_release(&a);
		}
		double cpu = bench_cpu_now() - c0;
		sign_rate = (double)n / cpu;
		printf("  pkiward signing:     %10.0f responses/CPU-s  (%ld responses, %.3f CPU s)\n",
		       sign_rate, n, cpu);
		pw_ocsp_responder_free(r);
	}
	/* 3. OpenSSL's per-request path. */
	{
		struct ossl_ctx oc = { ca, ca_key, n_certs };
		long n = n_distinct < n_req ? n_distinct : n_req;
		double c0 = bench_cpu_now();
		for (long i = 0; i < n; i++) {
			uint8_t *der = NULL;
			ossl_answer(&oc, reqs[i], req_len[i], &der);
			OPENSSL_free(der);
		}
		double cpu = bench_cpu_now() - c0;
		ossl_rate = (double)n / cpu;
		printf("  OpenSSL OCSP_basic_sign path: %7.0f responses/CPU-s  (%ld responses, %.3f CPU s)\n",
		       ossl_rate, n, cpu);
	}
	printf("  ratio pkiward cached / OpenSSL:  %.1fx\n", warm_rate / ossl_rate);
	printf("  ratio pkiward signing / OpenSSL: %.2fx\n", sign_rate / ossl_rate);

	for (long i = 0; i < n_distinct; i++)
		OPENSSL_free(reqs[i]);
	free(reqs);
	free(req_len);
	for (long i = 0; i < n_certs; i++)
		X509_free(leaves[i]);
	free(leaves);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_ocsp: could not remove %s\n", dir);
	return 0;
}
