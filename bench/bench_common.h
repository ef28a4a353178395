/* Shared helpers for benchmark programs (header-only, bench/ only). */
#ifndef PW_BENCH_COMMON_H
#define PW_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: on a shared machine, work per core is measured
 * by the CPU time it took, not by wall time stolen by other processes. */
static inline double bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v in place and returns the q-quantile (0..1). */
static inline double bench_quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, bench_cmp_double);
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* Reads a whole file; exits on failure (benchmarks only). */
static inline uint8_t *bench_read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(sz > 0 ? (size_t)sz : 1);
	if (buf == NULL || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		fprintf(stderr, "%s: read failed\n", path);
		exit(2);
	}
	fclose(f);
	*out_len = (size_t)sz;
	return buf;
}

/* Splits concatenated DER SEQUENCEs (definite lengths, as gen_corpus writes
 * them) into offsets/lengths. Returns the count; *out arrays are malloc'd. */
static inline size_t bench_split_der(const uint8_t *buf, size_t len, size_t **out_off,
                                     size_t **out_len, size_t max)
{
	size_t cap = 1024, n = 0, pos = 0;
	size_t *offs = malloc(cap * sizeof *offs), *lens = malloc(cap * sizeof *lens);
	while (pos + 4 <= len && n < max) {
		if (buf[pos] != 0x30)
			break;
		size_t hdr, l;
		uint8_t b = buf[pos + 1];
		if (b < 0x80) {
			hdr = 2;
			l = b;
		} else {
			size_t k = b & 0x7f;
			if (k < 1 || k > 4 || pos + 2 + k > len)
				break;
			l = 0;
			for (size_t i = 0; i < k; i++)
				l = (l << 8) | buf[pos + 2 + i];
			hdr = 2 + k;
		}
		if (pos + hdr + l > len)
			break;
		if (n == cap) {
			cap *= 2;
			offs = realloc(offs, cap * sizeof *offs);
			lens = realloc(lens, cap * sizeof *lens);
		}
		offs[n] = pos;
		lens[n] = hdr + l;
		n++;
		pos += hdr + l;
	}
	*out_off = offs;
	*out_len = lens;
	return n;
}

#endif
