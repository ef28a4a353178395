/* bench_parse: certificates parsed per second per core into the full model
 * (pw_cert_parse: every field, extension decoding, SHA-256 of the
 * certificate and SPKI, the precertificate link hash), and the ratio to
 * OpenSSL's d2i_X509 on the same certificates in the same run.
 *
 * usage: bench_parse CERTS.der [max-certs] [runs]
 * CERTS.der: concatenated DER certificates (bench/gen_corpus writes them). */
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "pkiward/cert.h"

#define BENCH_DEFAULT_RUNS 5
#define BENCH_D2I_MAX 100000 /* d2i_X509 is ~100x slower: a subset is enough */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_parse CERTS.der [max-certs] [runs]\n");
		return 2;
	}
	size_t max = argc > 2 ? strtoul(argv[2], NULL, 10) : (size_t)-1;
	int runs = argc > 3 ? atoi(argv[3]) : BENCH_DEFAULT_RUNS;
	if (runs < 1)
		runs = 1;
	size_t len, *offs, *lens;
	uint8_t *buf = bench_read_file(argv[1], &len);
	size_t n = bench_split_der(buf, len, &offs, &lens, max);
	printf("certificates: %zu (%.1f MB)\n", n, (double)len / 1e6);

	struct pw_cert c;
	pw_cert_init(&c);
	double *rates = calloc((size_t)runs, sizeof *rates);
	double *cpu_rates = calloc((size_t)runs, sizeof *cpu_rates);
	size_t failures = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = bench_now(), c0 = bench_cpu_now();
		for (size_t i = 0; i < n; i++) {
			struct pw_error err;
			if (pw_cert_parse(&c, buf + offs[i], lens[i], &err) != PW_OK)
				failures++;
		}
		double dt = bench_now() - t0, dc = bench_cpu_now() - c0;
		rates[r] = (double)n / dt;
		cpu_rates[r] = (double)n / dc;
		printf("run %d: pw_cert_parse %.0f certs/s wall, %.0f certs/s per CPU-second\n", r + 1,
		       rates[r], cpu_rates[r]);
	}
	pw_cert_cleanup(&c);
	double med = bench_quantile(rates, (size_t)runs, 0.5);

	size_t m = n < BENCH_D2I_MAX ? n : BENCH_D2I_MAX;
	double *orates = calloc((size_t)runs, sizeof *orates);
	double *ocpu = calloc((size_t)runs, sizeof *ocpu);
	for (int r = 0; r < runs; r++) {
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
	double omed = bench_quantile(orates, (size_t)runs, 0.5);
	double cmed = bench_quantile(cpu_rates, (size_t)runs, 0.5);
	double ocmed = bench_quantile(ocpu, (size_t)runs, 0.5);
	printf("median wall: pw_cert_parse %.0f certs/s/core; d2i_X509 %.0f certs/s/core; ratio %.1fx\n",
	       med, omed, omed > 0 ? med / omed : 0);
	printf("median CPU:  pw_cert_parse %.0f certs/CPU-s; d2i_X509 %.0f certs/CPU-s; ratio %.1fx\n",
	       cmed, ocmed, ocmed > 0 ? cmed / ocmed : 0);
	printf("parse failures: %zu\n", failures);
	free(rates);
	free(cpu_rates);
	free(orates);
	free(ocpu);
	free(offs);
	free(lens);
	free(buf);
	return failures == 0 ? 0 : 1;
}
