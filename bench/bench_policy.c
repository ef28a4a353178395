/* bench_policy: `policy check` over a synthetic base of N certificates.
 *
 *   bench_policy [--n N] [--db PATH | --store postgresql://...] [--keep] [--reps R]
 *                [--lookups K] [--seed S]
 *
 * Builds the base with the store's own schema (pw_store_open creates it)
 * and bulk SQL (one INSERT ... SELECT per table from a counting CTE: no
 * certificate parsing, which is not what is measured): N certificates, one
 * validation each (BR 3.2.2.4.19 ~55%, .7 ~35%, .20 ~10%), notBefore spread
 * over 2024-01-01 .. 2026-06-30, validation 0-30 days before issuance. The
 * disclosure lists .7 and .20 throughout and .19 except 2025-01-01 ..
 * 2025-03-01 (a two-month gap: ~3.7% of the base affected, the proportion
 * of the 369,922-certificate incident in a 10M base).
 *
 * The 32-byte keys (certificate and SPKI SHA-256, link) and the serial are
 * derived from i in ascending order rather than random: inserting random
 * keys into their UNIQUE/secondary indexes costs superlinear time once the
 * index outgrows the cache (1M rows 101 s, 3M 563 s, 10M did not finish in
 * 25 CPU-minutes), and the check reads none of those indexes, so what is
 * measured is the same either way.
 *
 * Reports, per repetition, wall and CPU time of pw_policy_check (profiles
 * on, key types off) and of reading every affected certificate, and as an
 * in-process baseline the time of one full scan of the validation index
 * (SELECT COUNT(*) FROM validation): the check should cost a fraction of
 * one pass over the data, not a multiple.
 *
 * --store with a PostgreSQL URL builds and checks the same base there (the
 * database's public schema is emptied first unless --keep finds a base of
 * N certificates); then the work is the server's, so the figures are wall
 * times (client CPU is reported, but the server's is not in it).
 * bench/bench_pg_policy.sh starts a cluster for it.
 *
 * --lookups K adds K point lookups (pw_store_lookup, want = 0) by SHA-256
 * and K by issuer DN + serial, of random certificates of the base (chosen
 * by --seed, so that a second run can ask for other keys), and
 * prints p50/p99/p999 wall latency per kind (issue 2: p99 < 100 us on
 * SQLite; issue 9: p99 < 1 ms on PostgreSQL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "bench_common.h"
#include "pkiward/policy.h"
#include "pkiward/store.h"

static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* A raw connection beside the store's, for building the base and the
 * baseline scan: SQLite or PostgreSQL. */
struct rawdb {
	sqlite3 *lite;
	PGconn *pq;
};

static int raw_exec(struct rawdb *d, const char *sql)
{
	if (d->pq != NULL) {
		PGresult *r = PQexec(d->pq, sql);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "bench_policy: %s", PQerrorMessage(d->pq));
		PQclear(r);
		return ok;
	}
	char *msg = NULL;
	if (sqlite3_exec(d->lite, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_policy: %s\n", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return 0;
	}
	return 1;
}

/* The first column of the first row as an integer (-1 on error). */
static long long raw_scalar(struct rawdb *d, const char *sql)
{
	long long v = -1;
	if (d->pq != NULL) {
		PGresult *r = PQexec(d->pq, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		else
			fprintf(stderr, "bench_policy: %s", PQerrorMessage(d->pq));
		PQclear(r);
		return v;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(d->lite, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void raw_close(struct rawdb *d)
{
	if (d->pq != NULL)
		PQfinish(d->pq);
	if (d->lite != NULL)
		sqlite3_close(d->lite);
	memset(d, 0, sizeof *d);
}

static int count_cb(void *ctx, const struct pw_store_policy_hit *h)
{
	(void)h;
	(*(uint64_t *)ctx)++;
	return 1;
}

static int row_cb(void *ctx, const struct pw_store_row *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 1;
}

static const char disclosure[] =
	"{\"cps_version\": \"bench\", \"dcv_methods\": ["
	"{\"section\": \"3.2.2.4.7\", \"from\": \"2019-01-01\"},"
	"{\"section\": \"3.2.2.4.20\", \"from\": \"2020-09-22\"},"
	"{\"section\": \"3.2.2.4.19\", \"from\": \"2020-03-03\", \"until\": \"2025-01-01\"},"
	"{\"section\": \"3.2.2.4.19\", \"from\": \"2025-03-01\"}],"
	"\"profiles\": [\"dv\"]}";

/* The base, as bulk SQL in each dialect. Keys derive from i: see the top. */
static void build_sql(int pg, uint64_t n, char *sql, size_t len)
{
	unsigned long long N = (unsigned long long)n;
	if (pg)
		snprintf(sql, len,
		         "SET synchronous_commit = off; BEGIN;"
		         " INSERT INTO certificate (id, sha256, link_sha256, issuer_name_sha256, issuer,"
		         " serial, spki_sha256, subject, not_before, not_after, precert, is_ca, profile,"
		         " order_id, subscriber, ingested_at)"
		         " SELECT i, convert_to('c' || lpad(i::text, 31, '0'), 'UTF8'),"
		         " convert_to('l' || lpad(i::text, 31, '0'), 'UTF8'), '\\x00'::bytea, 'CN=Bench CA',"
		         " convert_to(lpad(i::text, 20, '0'), 'UTF8'),"
		         " convert_to('k' || lpad(i::text, 31, '0'), 'UTF8'), 'CN=host' || i || '.example',"
		         " 1704067200 + i * (78796800 / %llu), 1704067200 + i * (78796800 / %llu) + 7776000,"
		         " 0, 0, 'dv', 'order-' || (i / 3), 'sub-' || (i %% 5000), 1750000000"
		         " FROM generate_series(1, %llu) i;"
		         " INSERT INTO validation (cert_id, name, method, at)"
		         " SELECT id, 'host' || id || '.example',"
		         " CASE WHEN id %% 20 < 11 THEN '3.2.2.4.19' WHEN id %% 20 < 18 THEN '3.2.2.4.7'"
		         " ELSE '3.2.2.4.20' END, not_before - (id * 7919) %% 2592000 FROM certificate;"
		         " INSERT INTO issuer_name (name_sha256, text) VALUES ('\\x00'::bytea, 'CN=Bench CA');"
		         " SELECT setval(pg_get_serial_sequence('certificate', 'id'), %llu);"
		         " COMMIT; ANALYZE;",
		         N, N, N, N);
	else
		snprintf(sql, len,
		         "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN;"
		         "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %llu)"
		         " INSERT INTO certificate (id, sha256, link_sha256, issuer_name_sha256, issuer,"
		         " serial, spki_sha256, subject, not_before, not_after, precert, is_ca, profile,"
		         " order_id, subscriber, ingested_at)"
		         " SELECT i, CAST(printf('c%%031d', i) AS BLOB), CAST(printf('l%%031d', i) AS BLOB),"
		         " x'00', 'CN=Bench CA', CAST(printf('%%020d', i) AS BLOB),"
		         " CAST(printf('k%%031d', i) AS BLOB), 'CN=host' || i || '.example',"
		         " 1704067200 + i * (78796800 / %llu), 1704067200 + i * (78796800 / %llu) + 7776000,"
		         " 0, 0, 'dv', 'order-' || (i / 3), 'sub-' || (i %% 5000), 1750000000 FROM k;"
		         "INSERT INTO validation (cert_id, name, method, at)"
		         " SELECT id, 'host' || id || '.example',"
		         " CASE WHEN id %% 20 < 11 THEN '3.2.2.4.19' WHEN id %% 20 < 18 THEN '3.2.2.4.7'"
		         " ELSE '3.2.2.4.20' END, not_before - (id * 7919) %% 2592000 FROM certificate;"
		         "INSERT OR IGNORE INTO issuer_name (name_sha256, text) VALUES (x'00', 'CN=Bench CA');"
		         "COMMIT;",
		         N, N, N);
}

static void report_lat(const char *what, double *v, size_t n, uint64_t rows)
{
	if (n == 0)
		return;
	qsort(v, n, sizeof *v, bench_cmp_double);
	printf("  lookup %-20s %zu: p50 %.0f us  p99 %.0f us  p999 %.0f us  max %.0f us"
	       " (%llu rows)\n",
	       what, n, v[n / 2] * 1e6, v[(n * 99) / 100] * 1e6, v[(n * 999) / 1000] * 1e6,
	       v[n - 1] * 1e6, (unsigned long long)rows);
}

/* K lookups by SHA-256 and K by issuer DN + serial of random certificates
 * 1..n (the keys derive from the id: see build_sql). */
/* The same-run floor: the least the database does for a SHA-256 key, one
 * prepared "SELECT id ... WHERE sha256 = ?" on the raw connection. */
static double floor_lookup(struct rawdb *d, const char *sha)
{
	double t0 = bench_now();
	if (d->pq != NULL) {
		const char *v[1] = {sha};
		int len[1] = {32}, fmt[1] = {1};
		PGresult *r = PQexecPrepared(d->pq, "floor", 1, v, len, fmt, 1);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
			t0 = -1;
		PQclear(r);
	} else {
		static sqlite3_stmt *st;
		if (st == NULL &&
		    sqlite3_prepare_v2(d->lite, "SELECT id FROM certificate WHERE sha256 = ?", -1, &st,
		                       NULL) != SQLITE_OK)
			return -1;
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			t0 = -1;
	}
	return t0 < 0 ? -1 : bench_now() - t0;
}

static int lookups(struct pw_store *s, struct rawdb *d, uint64_t n, size_t k, unsigned seed)
{
	double *a = calloc(k, sizeof *a), *b = calloc(k, sizeof *b), *fl = calloc(k, sizeof *fl);
	uint64_t ra = 0, rb = 0;
	struct pw_error err;
	if (a == NULL || b == NULL || fl == NULL)
		return 0;
	if (d->pq != NULL) {
		PGresult *r = PQprepare(d->pq, "floor", "SELECT id FROM certificate WHERE sha256 = $1", 1,
		                        NULL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok)
			return 0;
	}
	srand(seed);
	for (size_t i = 0; i < k; i++) {
		unsigned long long id = 1 + ((unsigned long long)rand() * 7919u + (unsigned long long)rand()) % n;
		char sha[40], serial[24];
		snprintf(sha, sizeof sha, "c%031llu", id);
		snprintf(serial, sizeof serial, "%020llu", id);
		struct pw_store_key ks = {.kind = PW_STORE_KEY_SHA256, .bytes = (const uint8_t *)sha,
		                          .len = 32};
		struct pw_store_key ki = {.kind = PW_STORE_KEY_ISSUER_SERIAL,
		                          .issuer_dn = "CN=Bench CA",
		                          .bytes = (const uint8_t *)serial, .len = 20};
		double t0 = bench_now();
		if (pw_store_lookup(s, &ks, 0, row_cb, &ra, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: lookup: %s\n", err.msg);
			return 0;
		}
		double t1 = bench_now();
		if (pw_store_lookup(s, &ki, 0, row_cb, &rb, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: lookup: %s\n", err.msg);
			return 0;
		}
		a[i] = t1 - t0;
		b[i] = bench_now() - t1;
		if ((fl[i] = floor_lookup(d, sha)) < 0) {
			fprintf(stderr, "bench_policy: floor lookup failed\n");
			return 0;
		}
	}
	report_lat("sha256", a, k, ra);
	report_lat("issuer+serial", b, k, rb);
	report_lat("floor (id by sha256)", fl, k, k);
	printf("  p50 ratio sha256 lookup / floor = %.2f\n", a[k / 2] / fl[k / 2]);
	free(a);
	free(b);
	free(fl);
	return ra == k && rb == k;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	uint64_t n = 1000000;
	const char *db_path = "/tmp/bench_policy.db";
	int keep = 0, reps = 3;
	size_t n_lookups = 0;
	unsigned seed = 42;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--store") == 0) &&
		         i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--lookups") == 0 && i + 1 < argc)
			n_lookups = (size_t)strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else {
			fprintf(stderr, "usage: bench_policy [--n N] [--db PATH | --store URL] [--keep]"
			                " [--reps R] [--lookups K] [--seed S]\n");
			return 2;
		}
	}
	if (n == 0) {
		fprintf(stderr, "bench_policy: --n must be at least 1\n");
		return 2;
	}
	int pg = strncmp(db_path, "postgresql://", 13) == 0 || strncmp(db_path, "postgres://", 11) == 0;
	struct pw_error err;
	struct pw_store *s = NULL;
	struct pw_policy_disclosure d;
	struct rawdb raw = {0};
	pw_policy_disclosure_init(&d);
	if (pw_policy_disclosure_parse((const uint8_t *)disclosure, strlen(disclosure), &d, &err) !=
	    PW_OK) {
		fprintf(stderr, "bench_policy: disclosure: %s: %s\n", err.field, err.msg);
		return 2;
	}
	int have = 0;
	if (pg) {
		raw.pq = PQconnectdb(db_path);
		if (PQstatus(raw.pq) != CONNECTION_OK) {
			fprintf(stderr, "bench_policy: %s", PQerrorMessage(raw.pq));
			return 2;
		}
		PQclear(PQexec(raw.pq, "SET client_min_messages = warning"));
		if (keep) {
			PGresult *r = PQexec(raw.pq, "SELECT count(*) FROM certificate");
			have = PQresultStatus(r) == PGRES_TUPLES_OK &&
			       strtoull(PQgetvalue(r, 0, 0), NULL, 10) == n;
			PQclear(r);
		}
		if (!have && !raw_exec(&raw, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
			return 2;
	} else {
		have = keep && access(db_path, F_OK) == 0;
		if (!have) {
			char wal[1024];
			unlink(db_path);
			snprintf(wal, sizeof wal, "%s-wal", db_path);
			unlink(wal);
		}
	}
	if (!have) {
		if (pw_store_open(db_path, PW_STORE_CREATE, &s, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: %s: %s\n", db_path, err.msg);
			return 2;
		}
		pw_store_close(s);
		s = NULL;
		if (!pg && sqlite3_open(db_path, &raw.lite) != SQLITE_OK)
			return 2;
		double t0 = bench_now();
		char sql[4096];
		build_sql(pg, n, sql, sizeof sql);
		if (!raw_exec(&raw, sql))
			return 2;
		printf("built %llu certificates + validations in %.1f s (bulk SQL, %s)\n",
		       (unsigned long long)n, bench_now() - t0, pg ? "PostgreSQL" : "SQLite");
		if (!pg)
			raw_close(&raw);
	}
	if (pw_store_open(db_path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		fprintf(stderr, "bench_policy: %s: %s\n", db_path, err.msg);
		return 2;
	}
	if (!pg)
		sqlite3_open_v2(db_path, &raw.lite, SQLITE_OPEN_READONLY, NULL);
	for (int r = 0; r < reps; r++) {
		/* Baseline: one full pass over the validation rows. */
		double w0 = bench_now(), c0 = cpu_self();
		long long cnt = raw_scalar(&raw, "SELECT COUNT(*), MAX(at) FROM validation");
		double bw = bench_now() - w0, bc = cpu_self() - c0;

		struct pw_policy_report rep;
		struct pw_policy_check_opts o = {.at = 1767225600 /* 2026-01-01 */, .skip_key_types = 1};
		w0 = bench_now();
		c0 = cpu_self();
		if (pw_policy_check(s, &d, &o, &rep, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: check: %s\n", err.msg);
			return 2;
		}
		double cw = bench_now() - w0, cc = cpu_self() - c0;
		uint64_t listed = 0;
		w0 = bench_now();
		c0 = cpu_self();
		if (pw_policy_affected(s, count_cb, &listed, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: affected: %s\n", err.msg);
			return 2;
		}
		double lw = bench_now() - w0, lc = cpu_self() - c0;
		/* The DCV part alone (profiles skipped). */
		struct pw_policy_report rep2;
		o.skip_profiles = 1;
		w0 = bench_now();
		c0 = cpu_self();
		if (pw_policy_check(s, &d, &o, &rep2, &err) != PW_OK)
			return 2;
		double dw = bench_now() - w0, dc = cpu_self() - c0;
		pw_policy_report_cleanup(&rep2);
		printf("  dcv only (no profiles) wall %.2f s cpu %.2f s\n", dw, dc);
		printf("rep %d: N=%llu affected=%llu (listed %llu), validations hit %llu\n"
		       "  check   wall %.2f s  cpu %.2f s\n"
		       "  list    wall %.2f s  cpu %.2f s\n"
		       "  check + list wall %.2f s\n"
		       "  baseline full scan of %lld validations: wall %.2f s cpu %.2f s\n",
		       r + 1, (unsigned long long)n, (unsigned long long)rep.certificates,
		       (unsigned long long)listed, (unsigned long long)rep.validations_hit, cw, cc, lw, lc,
		       cw + lw, cnt, bw, bc);
		if (pg)
			printf("  ratio (check+list wall) / baseline wall = %.2f (server-side work: client"
			       " CPU is not the figure)\n",
			       bw > 0 ? (cw + lw) / bw : 0);
		else
			printf("  ratio (check+list cpu) / baseline cpu = %.2f; per 10M (linear): cpu %.1f s\n",
			       bc > 0 ? (cc + lc) / bc : 0, (cc + lc) * 1e7 / (double)n);
		pw_policy_report_cleanup(&rep);
	}
	int ok = 1;
	if (n_lookups > 0)
		ok = lookups(s, &raw, n, n_lookups, seed);
	raw_close(&raw);
	pw_store_close(s);
	pw_policy_disclosure_cleanup(&d);
	if (!keep && !pg)
		unlink(db_path);
	return ok ? 0 : 1;
}
