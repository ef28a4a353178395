/* bench_lookup: point lookups on an existing certificate base (SQLite),
 * issue 2's "lookup by SHA-256, SPKI, issuer+serial or exact name: p99 <
 * 100 µs on 1M".
 *
 * Keys are sampled from the base itself (random certificate ids: hits) plus
 * made-up keys (misses). For each key kind, each key is looked up by:
 *   floor   the least SQLite can do for that key on a connection with the
 *           store's cache/mmap settings: a prepared statement stepping the
 *           matching ids and nothing else ("SELECT id FROM certificate
 *           WHERE sha256 = ?" for SHA-256) — the same-run baseline;
 *   api     the convenience functions callers use today
 *           (pw_store_get_by_sha256 with DER and names, pw_store_find_by_*
 *           with names);
 *   lookup  pw_store_lookup with want = 0 (the row, no DER, no names).
 * The three run interleaved, their order rotating per key, so that page
 * cache and machine load hit them alike. Latencies are wall and thread CPU
 * (on a shared machine a wall p99 is mostly preemption); p50/p99/p999 per
 * kind for hits and p50/p99 for misses, plus rows per lookup (an SPKI or a
 * name can match hundreds of certificates: then the time is per listing).
 *
 * Built with -DBENCH_OLD_API it leaves out the `lookup` mode, so that the
 * same program measures a tree without pw_store_lookup (before/after).
 *
 * usage: bench_lookup DB-PATH [hits-per-kind] [seed] [kinds]
 *   kinds: a subset of "sha256,spki,issuer+serial,name" (default: all) */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_common.h"
#include "pkiward/cert.h"
#include "pkiward/store.h"

#define BENCH_HITS_DEFAULT 5000
/* One miss per this many hits. */
#define BENCH_MISS_EVERY 4
/* The store's SQLite settings (src/store/sqlite.c), so the floor runs on an
 * equally configured connection. */
#define BENCH_CACHE_KIB 524288
#define BENCH_MMAP_BYTES ((long long)64 << 30)
#define BENCH_MAX_NAME 256
#define BENCH_MAX_DN 1024

enum kind { K_SHA256, K_SPKI, K_ISSUER_SERIAL, K_NAME, K_COUNT };
static const char *const kind_label[K_COUNT] = {"sha256", "spki", "issuer+serial", "exact name"};

enum mode { M_FLOOR, M_API, M_LOOKUP, M_COUNT };
static const char *const mode_label[M_COUNT] = {"floor", "api", "lookup"};
#ifdef BENCH_OLD_API
#define N_MODES 2
#else
#define N_MODES 3
#endif

/* The floor statement of each kind: the matching ids, nothing else. */
static const char *const floor_sql[K_COUNT] = {
	"SELECT id FROM certificate WHERE sha256 = ?1",
	"SELECT id FROM certificate WHERE spki_sha256 = ?1",
	"SELECT c.id FROM issuer_name i JOIN certificate c ON c.issuer_name_sha256 = i.name_sha256"
	" WHERE i.text = ?1 AND c.serial = ?2",
	"SELECT cert_id FROM name WHERE rev = ?1",
};

struct key {
	int miss;
	uint8_t sha256[32];
	uint8_t spki[32];
	char issuer[BENCH_MAX_DN];
	uint8_t serial[PW_STORE_MAX_SERIAL];
	size_t serial_len;
	char name[BENCH_MAX_NAME];
	char name_key[PW_STORE_MAX_NAME + 1];
};

struct samples {
	double *wall, *cpu;
	uint64_t rows;
	size_t n;
	double cpu_total;
};

static void die(const char *what, const struct pw_error *err)
{
	char msg[512];
	fprintf(stderr, "bench_lookup: %s: %s\n", what, err ? pw_error_format(err, msg, sizeof msg) : "");
	exit(2);
}

static void die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_lookup: %s: %s\n", what, sqlite3_errmsg(db));
	exit(2);
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64*: reproducible across libcs, unlike rand(). */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static void rng_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rng_next() >> 56);
}

static int count_row(void *ctx, const struct pw_store_row *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 1;
}

/* Samples one stored certificate (by id) into k. Returns 1 when it has
 * everything a key needs (a DER with a dNSName). */
static int sample_hit(sqlite3 *db, sqlite3_stmt *st, int64_t id, struct pw_cert *c, struct key *k)
{
	struct pw_error err;
	int ok = 0;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	if (sqlite3_column_bytes(st, 0) != 32 || sqlite3_column_bytes(st, 1) != 32)
		goto out;
	memset(k, 0, sizeof *k);
	memcpy(k->sha256, sqlite3_column_blob(st, 0), 32);
	memcpy(k->spki, sqlite3_column_blob(st, 1), 32);
	const char *dn = (const char *)sqlite3_column_text(st, 2);
	int serial_len = sqlite3_column_bytes(st, 3);
	if (dn == NULL || strlen(dn) >= sizeof k->issuer || serial_len <= 0 ||
	    serial_len > PW_STORE_MAX_SERIAL)
		goto out;
	snprintf(k->issuer, sizeof k->issuer, "%s", dn);
	memcpy(k->serial, sqlite3_column_blob(st, 3), (size_t)serial_len);
	k->serial_len = (size_t)serial_len;
	if (pw_cert_parse(c, sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4), &err) !=
	    PW_OK)
		goto out;
	for (size_t i = 0; i < c->x.san.names.n; i++) {
		const struct pw_general_name *g = &c->x.san.names.v[i];
		if (g->type != PW_GN_DNS || g->value.len == 0 || g->value.len >= sizeof k->name)
			continue;
		memcpy(k->name, g->value.p, g->value.len);
		k->name[g->value.len] = '\0';
		break;
	}
	if (k->name[0] == '\0' || !pw_store_name_key(k->name, strlen(k->name), k->name_key,
	                                             sizeof k->name_key))
		goto out;
	ok = 1;
out:
	(void)db;
	return ok;
}

static void make_miss(const struct key *real, size_t i, struct key *k)
{
	memset(k, 0, sizeof *k);
	k->miss = 1;
	rng_bytes(k->sha256, 32);
	rng_bytes(k->spki, 32);
	snprintf(k->issuer, sizeof k->issuer, "%s", real->issuer); /* a real issuer, */
	k->serial_len = 16;                                        /* an unused serial */
	rng_bytes(k->serial, k->serial_len);
	k->serial[0] = 0x7f;
	snprintf(k->name, sizeof k->name, "nx%zu.miss.example", i);
	if (!pw_store_name_key(k->name, strlen(k->name), k->name_key, sizeof k->name_key))
		exit(2);
}

static uint64_t run_floor(sqlite3 *db, sqlite3_stmt *st, enum kind kd, const struct key *k)
{
	uint64_t rows = 0;
	sqlite3_reset(st);
	switch (kd) {
	case K_SHA256: sqlite3_bind_blob(st, 1, k->sha256, 32, SQLITE_STATIC); break;
	case K_SPKI: sqlite3_bind_blob(st, 1, k->spki, 32, SQLITE_STATIC); break;
	case K_ISSUER_SERIAL:
		sqlite3_bind_text(st, 1, k->issuer, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, k->serial, (int)k->serial_len, SQLITE_STATIC);
		break;
	case K_NAME: sqlite3_bind_text(st, 1, k->name_key, -1, SQLITE_STATIC); break;
	default: break;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		volatile int64_t id = sqlite3_column_int64(st, 0);
		(void)id;
		rows++;
	}
	if (rc != SQLITE_DONE)
		die_sql(db, "floor");
	sqlite3_reset(st);
	return rows;
}

static uint64_t run_api(struct pw_store *s, enum kind kd, const struct key *k)
{
	struct pw_error err;
	uint64_t rows = 0;
	enum pw_status st = PW_OK;
	switch (kd) {
	case K_SHA256:
		st = pw_store_get_by_sha256(s, k->sha256, count_row, &rows, &err);
		if (st == PW_ERR_NOTFOUND && k->miss)
			st = PW_OK;
		break;
	case K_SPKI: st = pw_store_find_by_spki(s, k->spki, count_row, &rows, &err); break;
	case K_ISSUER_SERIAL:
		st = pw_store_find_by_issuer_serial(s, NULL, k->issuer, k->serial, k->serial_len,
		                                    count_row, &rows, &err);
		break;
	case K_NAME: st = pw_store_find_by_name(s, k->name, count_row, &rows, &err); break;
	default: break;
	}
	if (st != PW_OK)
		die(kind_label[kd], &err);
	return rows;
}

#ifndef BENCH_OLD_API
static uint64_t run_lookup(struct pw_store *s, enum kind kd, const struct key *k)
{
	struct pw_error err;
	struct pw_store_key key;
	uint64_t rows = 0;
	memset(&key, 0, sizeof key);
	switch (kd) {
	case K_SHA256:
		key.kind = PW_STORE_KEY_SHA256;
		key.bytes = k->sha256;
		key.len = 32;
		break;
	case K_SPKI:
		key.kind = PW_STORE_KEY_SPKI;
		key.bytes = k->spki;
		key.len = 32;
		break;
	case K_ISSUER_SERIAL:
		key.kind = PW_STORE_KEY_ISSUER_SERIAL;
		key.issuer_dn = k->issuer;
		key.bytes = k->serial;
		key.len = k->serial_len;
		break;
	case K_NAME:
		key.kind = PW_STORE_KEY_NAME;
		key.bytes = (const uint8_t *)k->name;
		key.len = strlen(k->name);
		break;
	default: break;
	}
	if (pw_store_lookup(s, &key, 0, count_row, &rows, &err) != PW_OK)
		die(kind_label[kd], &err);
	return rows;
}
#endif

static double rusage_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void print_set(const char *what, struct samples *sm, double q3)
{
	if (sm->n == 0)
		return;
	double cpu_sum = 0;
	for (size_t i = 0; i < sm->n; i++)
		cpu_sum += sm->cpu[i];
	double w50 = bench_quantile(sm->wall, sm->n, 0.5), w99 = bench_quantile(sm->wall, sm->n, 0.99);
	double w999 = bench_quantile(sm->wall, sm->n, q3);
	double c50 = bench_quantile(sm->cpu, sm->n, 0.5), c99 = bench_quantile(sm->cpu, sm->n, 0.99);
	double c999 = bench_quantile(sm->cpu, sm->n, q3);
	printf("    %-7s wall p50 %8.1f p99 %8.1f p999 %8.1f | CPU p50 %8.1f p99 %8.1f p999 %8.1f"
	       " mean %8.1f us | rows/lookup %.1f\n",
	       what, w50 * 1e6, w99 * 1e6, w999 * 1e6, c50 * 1e6, c99 * 1e6, c999 * 1e6,
	       cpu_sum / (double)sm->n * 1e6, (double)sm->rows / (double)sm->n);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_lookup DB-PATH [hits-per-kind] [seed] [kinds]\n");
		return 2;
	}
	const char *dbpath = argv[1];
	size_t hits = argc > 2 ? strtoul(argv[2], NULL, 10) : BENCH_HITS_DEFAULT;
	rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 12345;
	if (rng_state == 0)
		rng_state = 1;
	const char *kinds = argc > 4 ? argv[4] : "sha256,spki,issuer+serial,name";
	int run_kind[K_COUNT];
	run_kind[K_SHA256] = strstr(kinds, "sha256") != NULL;
	run_kind[K_SPKI] = strstr(kinds, "spki") != NULL;
	run_kind[K_ISSUER_SERIAL] = strstr(kinds, "issuer") != NULL;
	run_kind[K_NAME] = strstr(kinds, "name") != NULL;
	if (hits == 0)
		hits = 1;
	size_t misses = hits / BENCH_MISS_EVERY, total = hits + misses;
	struct pw_error err;

	/* The floor's own connection, configured like the store's. */
	sqlite3 *db = NULL;
	char pragmas[160];
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die_sql(db, dbpath);
	snprintf(pragmas, sizeof pragmas, "PRAGMA cache_size = -%d; PRAGMA mmap_size = %lld;",
	         BENCH_CACHE_KIB, BENCH_MMAP_BYTES);
	if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
		die_sql(db, "pragmas");

	/* Sample keys. */
	sqlite3_stmt *maxst = NULL, *smp = NULL;
	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM certificate", -1, &maxst, NULL) != SQLITE_OK ||
	    sqlite3_step(maxst) != SQLITE_ROW)
		die_sql(db, "max id");
	int64_t max_id = sqlite3_column_int64(maxst, 0);
	sqlite3_finalize(maxst);
	if (sqlite3_prepare_v2(db,
	                       "SELECT c.sha256, c.spki_sha256, i.text, c.serial, d.der"
	                       " FROM certificate c JOIN certificate_der d ON d.cert_id = c.id"
	                       " JOIN issuer_name i ON i.name_sha256 = c.issuer_name_sha256"
	                       " WHERE c.id = ?1 AND c.is_ca = 0",
	                       -1, &smp, NULL) != SQLITE_OK)
		die_sql(db, "sample");
	struct key *keys = calloc(total, sizeof *keys);
	struct pw_cert c;
	pw_cert_init(&c);
	size_t nk = 0, tries = 0;
	while (nk < hits && tries++ < hits * 20 && max_id > 0) {
		int64_t id = 1 + (int64_t)(rng_next() % (uint64_t)max_id);
		if (sample_hit(db, smp, id, &c, &keys[nk]))
			nk++;
	}
	pw_cert_cleanup(&c);
	sqlite3_finalize(smp);
	if (nk == 0) {
		fprintf(stderr, "bench_lookup: no certificate to sample in %s\n", dbpath);
		return 2;
	}
	hits = nk;
	misses = hits / BENCH_MISS_EVERY;
	total = hits + misses;
	for (size_t i = 0; i < misses; i++)
		make_miss(&keys[i % hits], i, &keys[hits + i]);
	/* Shuffle hits and misses together. */
	for (size_t i = total - 1; i > 0; i--) {
		size_t j = (size_t)(rng_next() % (uint64_t)(i + 1));
		struct key t = keys[i];
		keys[i] = keys[j];
		keys[j] = t;
	}

	struct pw_store *s = NULL;
	if (pw_store_open(dbpath, PW_STORE_READONLY, &s, &err) != PW_OK)
		die("open", &err);
	sqlite3_stmt *fst[K_COUNT];
	for (int k = 0; k < K_COUNT; k++)
		if (sqlite3_prepare_v3(db, floor_sql[k], -1, SQLITE_PREPARE_PERSISTENT, &fst[k], NULL) !=
		    SQLITE_OK)
			die_sql(db, floor_sql[k]);

	printf("bench_lookup: %s, %lld certificate ids, %zu hits + %zu misses per kind%s\n", dbpath,
	       (long long)max_id, hits, misses,
#ifdef BENCH_OLD_API
	       " (old API: no lookup mode)"
#else
	       ""
#endif
	);
	static struct samples sm[K_COUNT][M_COUNT][2]; /* [kind][mode][miss] */
	for (int k = 0; k < K_COUNT; k++)
		for (int m = 0; m < M_COUNT; m++)
			for (int x = 0; x < 2; x++) {
				sm[k][m][x].wall = calloc(total, sizeof(double));
				sm[k][m][x].cpu = calloc(total, sizeof(double));
			}
	double cpu0 = rusage_cpu(), t0 = bench_now();
	for (int k = 0; k < K_COUNT; k++) {
		for (size_t i = 0; i < total && run_kind[k]; i++) {
			const struct key *key = &keys[i];
			for (int r = 0; r < N_MODES; r++) {
				enum mode m = (enum mode)((i + (size_t)r) % N_MODES);
				uint64_t rows = 0;
				double w = bench_now(), cc = bench_cpu_now();
				switch (m) {
				case M_FLOOR: rows = run_floor(db, fst[k], (enum kind)k, key); break;
				case M_API: rows = run_api(s, (enum kind)k, key); break;
#ifndef BENCH_OLD_API
				case M_LOOKUP: rows = run_lookup(s, (enum kind)k, key); break;
#endif
				default: break;
				}
				double dc = bench_cpu_now() - cc, dw = bench_now() - w;
				struct samples *x = &sm[k][m][key->miss];
				x->wall[x->n] = dw;
				x->cpu[x->n] = dc;
				x->rows += rows;
				x->n++;
				if (key->miss && rows != 0) {
					fprintf(stderr, "bench_lookup: %s %s: a made-up key matched %llu rows\n",
					        kind_label[k], mode_label[m], (unsigned long long)rows);
					return 2;
				}
			}
		}
	}
	double cpu_all = rusage_cpu() - cpu0, wall_all = bench_now() - t0;

	for (int k = 0; k < K_COUNT; k++) {
		if (!run_kind[k])
			continue;
		printf("  %s:\n", kind_label[k]);
		double floor_c50 = 0;
		for (int m = 0; m < N_MODES; m++) {
			char what[32];
			snprintf(what, sizeof what, "%s", mode_label[m]);
			struct samples *h = &sm[k][m][0];
			/* p50 of CPU before print_set sorts the arrays (same value). */
			if (m == M_FLOOR && h->n > 0)
				floor_c50 = bench_quantile(h->cpu, h->n, 0.5);
			print_set(what, h, 0.999);
			snprintf(what, sizeof what, "%s-x", mode_label[m]);
			print_set(what, &sm[k][m][1], 0.999);
		}
		for (int m = 1; m < N_MODES; m++) {
			struct samples *h = &sm[k][m][0];
			if (h->n > 0 && floor_c50 > 0)
				printf("    %s / floor (hit CPU p50): %.2fx\n", mode_label[m],
				       bench_quantile(h->cpu, h->n, 0.5) / floor_c50);
		}
	}
	size_t n_kinds = 0;
	for (int k = 0; k < K_COUNT; k++)
		n_kinds += (size_t)run_kind[k];
	printf("total: %.2f CPU-s (getrusage), %.2f s wall for %zu lookups\n", cpu_all, wall_all,
	       total * n_kinds * N_MODES);
	for (int k = 0; k < K_COUNT; k++)
		sqlite3_finalize(fst[k]);
	sqlite3_close(db);
	pw_store_close(s);
	for (int k = 0; k < K_COUNT; k++)
		for (int m = 0; m < M_COUNT; m++)
			for (int x = 0; x < 2; x++) {
				free(sm[k][m][x].wall);
				free(sm[k][m][x].cpu);
			}
	free(keys);
	return 0;
}
