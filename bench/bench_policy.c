/* bench_policy: `policy check` over a synthetic base of N certificates.
 *
 *   bench_policy [--n N] [--db PATH] [--keep] [--reps R]
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
 * one pass over the data, not a multiple. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_policy: %s\n", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return 0;
	}
	return 1;
}

static int count_cb(void *ctx, const struct pw_store_policy_hit *h)
{
	(void)h;
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

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	uint64_t n = 1000000;
	const char *db_path = "/tmp/bench_policy.db";
	int keep = 0, reps = 3;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else {
			fprintf(stderr, "usage: bench_policy [--n N] [--db PATH] [--keep] [--reps R]\n");
			return 2;
		}
	}
	struct pw_error err;
	struct pw_store *s = NULL;
	struct pw_policy_disclosure d;
	pw_policy_disclosure_init(&d);
	if (pw_policy_disclosure_parse((const uint8_t *)disclosure, strlen(disclosure), &d, &err) !=
	    PW_OK) {
		fprintf(stderr, "bench_policy: disclosure: %s: %s\n", err.field, err.msg);
		return 2;
	}
	int exists = access(db_path, F_OK) == 0;
	if (!exists || !keep) {
		unlink(db_path);
		char wal[1024];
		snprintf(wal, sizeof wal, "%s-wal", db_path);
		unlink(wal);
		if (pw_store_open(db_path, PW_STORE_CREATE, &s, &err) != PW_OK) {
			fprintf(stderr, "bench_policy: %s: %s\n", db_path, err.msg);
			return 2;
		}
		pw_store_close(s);
		s = NULL;
		sqlite3 *db = NULL;
		if (sqlite3_open(db_path, &db) != SQLITE_OK)
			return 2;
		double t0 = bench_now();
		char sql[2048];
		/* notBefore: 2024-01-01 (1704067200) + i * 78796800 / N (913 days). */
		snprintf(sql, sizeof sql,
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
		         "COMMIT;",
		         (unsigned long long)n, (unsigned long long)n, (unsigned long long)n);
		if (!exec(db, sql))
			return 2;
		printf("built %llu certificates + validations in %.1f s (bulk SQL)\n",
		       (unsigned long long)n, bench_now() - t0);
		sqlite3_close(db);
	}
	if (pw_store_open(db_path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		fprintf(stderr, "bench_policy: %s: %s\n", db_path, err.msg);
		return 2;
	}
	/* Baseline: one full pass over the validation index. */
	sqlite3 *ro = NULL;
	sqlite3_open_v2(db_path, &ro, SQLITE_OPEN_READONLY, NULL);
	for (int r = 0; r < reps; r++) {
		double w0 = bench_now(), c0 = cpu_self();
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(ro, "SELECT COUNT(*), MAX(at) FROM validation", -1, &st, NULL);
		sqlite3_step(st);
		long long cnt = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
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
		       "  baseline full scan of %lld validations: wall %.2f s cpu %.2f s\n"
		       "  ratio (check+list cpu) / baseline cpu = %.2f; per 10M (linear): cpu %.1f s\n",
		       r + 1, (unsigned long long)n, (unsigned long long)rep.certificates,
		       (unsigned long long)listed, (unsigned long long)rep.validations_hit, cw, cc, lw, lc,
		       cnt, bw, bc, bc > 0 ? (cc + lc) / bc : 0, (cc + lc) * 1e7 / (double)n);
		pw_policy_report_cleanup(&rep);
	}
	sqlite3_close(ro);
	pw_store_close(s);
	pw_policy_disclosure_cleanup(&d);
	if (!keep)
		unlink(db_path);
	return 0;
}
