/* bench_parse: certificates parsed per second per core into the full model
 * (pw_cert_parse: every field, extension decoding, SHA-256 of the
 * certificate and SPKI, the precertificate link hash), and the ratio to
 * OpenSSL's d2i_X509 on the same certificates in the same run.
 *
 * Also reported, in the same run: the parse without any hashing
 * (PW_CERT_PARSE_NO_HASHES) and SHA-256 alone over the same bytes, so the
 * share of a parse that is bound by SHA-256 (libcrypto) is measured, not
 * guessed.
 *
 * usage: bench_parse CERTS.der [max-certs] [runs] [d2i-certs]
 * CERTS.der: concatenated DER certificates (bench/gen_corpus writes them).
 * d2i-certs: how many certificates the d2i_X509 baseline parses (default
 * 100000; 0 skips it). */
/* SHA256_Init/Update/Final: the path pw_cert_sha256 takes (the one-shot
 * SHA256() fetches an EVP_MD under a lock on every call in OpenSSL 3). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "pkiward/cert.h"

#define BENCH_DEFAULT_RUNS 5
#define BENCH_D2I_MAX 100000 /* d2i_X509 is ~35x slower: a subset is enough */

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	SHA256_CTX ctx;
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, p, n);
	SHA256_Final(out, &ctx);
}

/* Times one pass of pw_cert_parse_ex(flags) over every certificate; returns
 * certificates per CPU-second and sets *out_wall to the wall rate. */
static double time_parse(struct pw_cert *c, const uint8_t *buf, const size_t *offs,
                         const size_t *lens, size_t n, unsigned flags, double *out_wall,
                         size_t *failures)
{
	double t0 = bench_now(), c0 = bench_cpu_now();
	for (size_t i = 0; i < n; i++) {
		struct pw_error err;
		if (pw_cert_parse_ex(c, buf + offs[i], lens[i], flags, &err) != PW_OK)
			(*failures)++;
	}
	double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
	*out_wall = (double)n / dt;
	return (double)n / dc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_parse CERTS.der [max-certs] [runs] [d2i-certs]\n");
		return 2;
	}
	size_t max = argc > 2 ? strtoul(argv[2], NULL, 10) : (size_t)-1;
	int runs = argc > 3 ? atoi(argv[3]) : BENCH_DEFAULT_RUNS;
	size_t d2i_max = argc > 4 ? strtoul(argv[4], NULL, 10) : BENCH_D2I_MAX;
	if (runs < 1)
		runs = 1;
	size_t len, *offs, *lens;
	uint8_t *buf = bench_read_file(argv[1], &len);
	size_t n = bench_split_der(buf, len, &offs, &lens, max);
	printf("certificates: %zu (%.1f MB)\n", n, (double)len / 1e6);

	struct pw_cert c;
	pw_cert_init(&c);
	size_t failures = 0;

	/* The bytes pw_cert_parse hashes: the certificate, its SPKI and the
	 * TBSCertificate (the link hash is over the TBS, minus the CT
	 * extensions when there are any: about the same length). Recorded once
	 * so the SHA-256-only pass below hashes exactly those lengths. */
	size_t *spki_off = malloc(n * sizeof *spki_off), *spki_len = malloc(n * sizeof *spki_len);
	size_t *tbs_off = malloc(n * sizeof *tbs_off), *tbs_len = malloc(n * sizeof *tbs_len);
	size_t hashed_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		struct pw_error err;
		spki_off[i] = spki_len[i] = tbs_off[i] = tbs_len[i] = 0;
		if (pw_cert_parse_ex(&c, buf + offs[i], lens[i], PW_CERT_PARSE_NO_HASHES, &err) != PW_OK)
			continue;
		spki_off[i] = (size_t)(c.spki.raw.p - buf);
		spki_len[i] = c.spki.raw.len;
		tbs_off[i] = (size_t)(c.tbs.p - buf);
		tbs_len[i] = c.tbs.len;
		hashed_bytes += lens[i] + spki_len[i] + tbs_len[i];
	}
	printf("bytes hashed per certificate: %.0f (certificate + SPKI + TBS)\n",
	       n ? (double)hashed_bytes / (double)n : 0);

	double *full = calloc((size_t)runs, sizeof *full), *full_w = calloc((size_t)runs, sizeof *full_w);
	double *nohash = calloc((size_t)runs, sizeof *nohash), *nohash_w = calloc((size_t)runs, sizeof *nohash_w);
	double *sha = calloc((size_t)runs, sizeof *sha);
	double *orates = calloc((size_t)runs, sizeof *orates);
	double *ocpu = calloc((size_t)runs, sizeof *ocpu);
	uint8_t md[32], acc = 0;
	/* BENCH_PARSE_ONLY=nohash runs only the hash-free parse (for perf). */
	const char *only = getenv("BENCH_PARSE_ONLY");
	if (only != NULL && strcmp(only, "nohash") == 0) {
		for (int r = 0; r < runs; r++)
			printf("run %d: without hashes %.0f certs/CPU-s\n", r + 1,
			       time_parse(&c, buf, offs, lens, n, PW_CERT_PARSE_NO_HASHES, &nohash_w[r], &failures));
		goto done;
	}
	for (int r = 0; r < runs; r++) {
		full[r] = time_parse(&c, buf, offs, lens, n, 0, &full_w[r], &failures);
		nohash[r] = time_parse(&c, buf, offs, lens, n, PW_CERT_PARSE_NO_HASHES, &nohash_w[r],
		                       &failures);
		double c0 = bench_cpu_now();
		for (size_t i = 0; i < n; i++) {
			sha256(buf + offs[i], lens[i], md);
			acc ^= md[0];
			sha256(buf + spki_off[i], spki_len[i], md);
			acc ^= md[0];
			sha256(buf + tbs_off[i], tbs_len[i], md);
			acc ^= md[0];
		}
		sha[r] = (double)n / (bench_cpu_now() - c0);
		printf("run %d: pw_cert_parse %.0f certs/CPU-s (%.0f wall); without hashes %.0f certs/CPU-s "
		       "(%.0f wall); SHA-256 alone %.0f certs/CPU-s\n",
		       r + 1, full[r], full_w[r], nohash[r], nohash_w[r], sha[r]);
	}
	pw_cert_cleanup(&c);

	size_t m = n < d2i_max ? n : d2i_max;
	for (int r = 0; r < runs && m > 0; r++) {
		double t0 = bench_now(), c0 = bench_cpu_now();
		for (size_t i = 0; i < m; i++) {
			const unsigned char *p = buf + offs[i];
			X509 *x = d2i_X509(NULL, &p, (long)lens[i]);
			if (x == NULL)
				failures++;
			X509_free(x);
		}
		double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
		orates[r] = (double)m / dt;
		ocpu[r] = (double)m / dc;
		printf("run %d: d2i_X509 %.0f certs/s wall, %.0f per CPU-second (%zu certs)\n", r + 1,
		       orates[r], ocpu[r], m);
	}
	double med = bench_quantile(full_w, (size_t)runs, 0.5);
	double cmed = bench_quantile(full, (size_t)runs, 0.5);
	double nmed = bench_quantile(nohash, (size_t)runs, 0.5);
	double smed = bench_quantile(sha, (size_t)runs, 0.5);
	double omed = m ? bench_quantile(orates, (size_t)runs, 0.5) : 0;
	double ocmed = m ? bench_quantile(ocpu, (size_t)runs, 0.5) : 0;
	printf("median wall: pw_cert_parse %.0f certs/s/core; d2i_X509 %.0f certs/s/core; ratio %.1fx\n",
	       med, omed, omed > 0 ? med / omed : 0);
	printf("median CPU:  pw_cert_parse %.0f certs/CPU-s (%.2f us/cert); d2i_X509 %.0f certs/CPU-s; "
	       "ratio %.1fx\n",
	       cmed, 1e6 / cmed, ocmed, ocmed > 0 ? cmed / ocmed : 0);
	printf("median CPU:  without hashes %.0f certs/CPU-s (%.2f us/cert, %.1fx d2i_X509); "
	       "SHA-256 alone %.0f certs/CPU-s (%.2f us/cert): hashing is %.0f%% of a full parse\n",
	       nmed, 1e6 / nmed, ocmed > 0 ? nmed / ocmed : 0, smed, 1e6 / smed,
	       100.0 * (1e6 / smed) / (1e6 / cmed));
done:
	pw_cert_cleanup(&c);
	printf("parse failures: %zu%s\n", failures, acc == 0x5a ? " " : "");
	free(full);
	free(full_w);
	free(nohash);
	free(nohash_w);
	free(sha);
	free(orates);
	free(ocpu);
	free(spki_off);
	free(spki_len);
	free(tbs_off);
	free(tbs_len);
	free(offs);
	free(lens);
	free(buf);
	return failures == 0 ? 0 : 1;
}
