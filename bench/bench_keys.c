/* bench_keys: weak-key check throughput and blocklist lookup cost.
 *
 *   bench_keys [--keys N] [--rounds R] [--entries M] [--cache FILE]
 *
 * Generated keys are cached in FILE (default ./bench_keys_rsa2048.cache,
 * length-prefixed SPKI DER) because RSA key generation dominates otherwise.
 *
 * 1. Generates N RSA-2048 keys (default 100) once, keeps their SPKI DER,
 *    then runs parse + pw_keys_check over them R times (default 7) with a
 *    blocklist of M entries attached: once with PW_KEYS_CHECK_FAST (every
 *    BR-required check: sizes, exponent, factors < 752, Fermat 100 rounds,
 *    ROCA, patterns, Wiener when applicable, blocklist), once with
 *    PW_KEYS_CHECK_ALL (adds the primality test and factors < 2^16).
 *    Reports the median keys/s per core (thread CPU time).
 * 2. Loads M random SHA-256 hashes (default 10,000,000) into a blocklist,
 *    reports build time and memory, then the median ns per lookup for hits
 *    and misses over R rounds of 1M lookups. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "bench_common.h"
#include "pkiward/keys.h"

#define BENCH_MAX_ROUNDS 64
#define BENCH_LOOKUPS 1000000u

struct spki {
	uint8_t *der;
	size_t len;
};

static double run_checks(const struct spki *keys, size_t n, const struct pw_keys_blocklist *bl, unsigned flags,
                         size_t *weak)
{
	const struct pw_keys_blocklist *lists[1] = {bl};
	struct pw_keys_result res;
	struct pw_error err;
	double t0 = bench_cpu_now();
	for (size_t i = 0; i < n; i++) {
		struct pw_keys_key *k = NULL;
		if (pw_keys_key_parse(keys[i].der, keys[i].len, &k, &err) != PW_OK ||
		    pw_keys_check(k, lists, 1, flags, &res, &err) != PW_OK) {
			fprintf(stderr, "bench_keys: %s\n", err.msg);
			exit(1);
		}
		if (pw_keys_result_has_error(&res))
			(*weak)++;
		pw_keys_key_free(k);
	}
	return bench_cpu_now() - t0;
}

int main(int argc, char **argv)
{
	size_t n_keys = 100, rounds = 7, entries = 10000000;
	const char *cache = "bench_keys_rsa2048.cache";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--keys") == 0)
			n_keys = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--entries") == 0)
			entries = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cache") == 0)
			cache = argv[i + 1];
	}
	if (n_keys == 0 || rounds == 0 || rounds > BENCH_MAX_ROUNDS) {
		fprintf(stderr, "usage: bench_keys [--keys N] [--rounds 1..%d] [--entries M]\n", BENCH_MAX_ROUNDS);
		return 2;
	}
	/* Blocklist of random hashes. */
	struct pw_error err;
	uint8_t *hashes = malloc(entries * 32 + 32);
	if (hashes == NULL || RAND_bytes(hashes, (int)(entries * 32 + 32)) != 1) {
		fprintf(stderr, "bench_keys: cannot make %zu hashes\n", entries);
		return 1;
	}
	struct pw_keys_blocklist *bl = pw_keys_blocklist_new("bench", PW_KEYS_LIST_COMPROMISED);
	double t0 = bench_now();
	if (pw_keys_blocklist_add_many(bl, hashes, entries, &err) != PW_OK) {
		fprintf(stderr, "bench_keys: %s\n", err.msg);
		return 1;
	}
	double build = bench_now() - t0;
	printf("blocklist: %zu entries built in %.2f s, %.1f MiB (%.1f bytes/entry)\n", pw_keys_blocklist_count(bl),
	       build, (double)pw_keys_blocklist_memory(bl) / (1 << 20),
	       (double)pw_keys_blocklist_memory(bl) / (double)entries);
	double hit[BENCH_MAX_ROUNDS], miss[BENCH_MAX_ROUNDS];
	uint8_t *probe = malloc((size_t)BENCH_LOOKUPS * 32);
	RAND_bytes(probe, (int)(BENCH_LOOKUPS * 32));
	size_t found = 0;
	for (size_t r = 0; r < rounds; r++) {
		uint64_t x = 88172645463325252ull + r;
		double c0 = bench_cpu_now();
		for (size_t i = 0; i < BENCH_LOOKUPS; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			found += (size_t)pw_keys_blocklist_contains(bl, hashes + 32 * (x % entries));
		}
		hit[r] = (bench_cpu_now() - c0) * 1e9 / BENCH_LOOKUPS;
		c0 = bench_cpu_now();
		for (size_t i = 0; i < BENCH_LOOKUPS; i++)
			found += (size_t)pw_keys_blocklist_contains(bl, probe + 32 * i);
		miss[r] = (bench_cpu_now() - c0) * 1e9 / BENCH_LOOKUPS;
	}
	printf("blocklist lookup: median %.0f ns (hit), %.0f ns (miss) over %zu x %u lookups [found %zu]\n",
	       bench_quantile(hit, rounds, 0.5), bench_quantile(miss, rounds, 0.5), rounds, BENCH_LOOKUPS, found);
	free(probe);

	/* Keys. */
	struct spki *keys = calloc(n_keys, sizeof *keys);
	t0 = bench_now();
	size_t cached = 0;
	FILE *cf = fopen(cache, "rb");
	while (cf != NULL && cached < n_keys) {
		uint32_t l = 0;
		if (fread(&l, sizeof l, 1, cf) != 1 || l == 0 || l > 4096)
			break;
		keys[cached].der = OPENSSL_malloc(l);
		if (fread(keys[cached].der, 1, l, cf) != l) {
			OPENSSL_free(keys[cached].der);
			keys[cached].der = NULL;
			break;
		}
		keys[cached++].len = l;
	}
	if (cf != NULL)
		fclose(cf);
	cf = cached < n_keys ? fopen(cache, "ab") : NULL;
	for (size_t i = cached; i < n_keys; i++) {
		EVP_PKEY *pk = EVP_RSA_gen(2048);
		uint8_t *der = NULL;
		int len = pk ? i2d_PUBKEY(pk, &der) : -1;
		if (len <= 0) {
			fprintf(stderr, "bench_keys: key generation failed\n");
			return 1;
		}
		keys[i].der = der;
		keys[i].len = (size_t)len;
		EVP_PKEY_free(pk);
		uint32_t l = (uint32_t)len;
		if (cf != NULL && (fwrite(&l, sizeof l, 1, cf) != 1 || fwrite(der, 1, l, cf) != l)) {
			fclose(cf);
			cf = NULL;
		}
	}
	if (cf != NULL)
		fclose(cf);
	printf("%zu RSA-2048 keys ready (%zu from %s) in %.1f s\n", n_keys, cached, cache, bench_now() - t0);
	double fast[BENCH_MAX_ROUNDS], all[BENCH_MAX_ROUNDS];
	size_t weak = 0;
	for (size_t r = 0; r < rounds; r++) {
		size_t reps = 10; /* each round checks every key 10 times */
		double t = 0;
		for (size_t j = 0; j < reps; j++)
			t += run_checks(keys, n_keys, bl, PW_KEYS_CHECK_FAST, &weak);
		fast[r] = (double)(n_keys * reps) / t;
	}
	for (size_t r = 0; r < rounds; r++)
		all[r] = (double)n_keys / run_checks(keys, n_keys, bl, PW_KEYS_CHECK_ALL, &weak);
	printf("check-key RSA-2048, parse + PW_KEYS_CHECK_FAST (factors<752, Fermat x100, ROCA, pattern, "
	       "blocklist %zu): median %.0f keys/s/core (%.1f us/key)\n",
	       entries, bench_quantile(fast, rounds, 0.5), 1e6 / bench_quantile(fast, rounds, 0.5));
	printf("check-key RSA-2048, parse + PW_KEYS_CHECK_ALL (+ primality, factors<2^16): median %.0f keys/s/core "
	       "(%.1f us/key)\n",
	       bench_quantile(all, rounds, 0.5), 1e6 / bench_quantile(all, rounds, 0.5));
	printf("weak keys found: %zu (expected 0)\n", weak);
	for (size_t i = 0; i < n_keys; i++)
		OPENSSL_free(keys[i].der);
	free(keys);
	free(hashes);
	pw_keys_blocklist_free(bl);
	return weak == 0 ? 0 : 1;
}
