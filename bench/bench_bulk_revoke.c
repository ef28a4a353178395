/* bench_bulk_revoke: a planned bulk revocation of N certificates (default
 * 370,000, the size of the http-01 incident) including CRL republication.
 *
 *   bench_bulk_revoke --ca CA.pem --key CA.key [--n N] [--batch B]
 *                     [--republish-ms MS] [--db PATH] [--crl-dir DIR] [--ocsp]
 *
 * The CA (for instance gen_corpus's corpus/ca/e1.pem and e1.key) is ingested
 * and registered for publication; N leaf certificate rows under it are bulk
 * inserted with SQL (parsing is not what is measured). Then, timed: the plan
 * is created (pw_revoke_plan_create) and executed (pw_revoke_plan_execute:
 * per-certificate revocation rows and hash-chained events, done marks per
 * batch) with the full CRL regenerated, signed, linted and written after a
 * batch at most every --republish-ms and at the end. Reports wall and CPU
 * time (getrusage) and the share spent republishing.
 *
 * With --ocsp, an OCSP responder (pw_ocsp_responder_new, as `pkiward ocsp
 * serve` runs it, with its refresher thread and pre-signing on) follows the
 * store in the same process during the run; the figure is the time until it
 * has applied every revocation (its generation reaches the store's) and
 * re-signed each revoked certificate's responses, from the start of the
 * plan. The process CPU time then includes the responder's thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_common.h"
#include "pkiward/ocsp.h"
#include "pkiward/publish.h"
#include "pkiward/revoke_plan.h"
#include "pkiward/store.h"

static double cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

struct ca_der {
	uint8_t *der;
	size_t len;
	uint8_t sha[32];
};

static int ca_row(void *ctx, const struct pw_store_row *r)
{
	struct ca_der *c = ctx;
	c->der = malloc(r->der_len);
	if (c->der == NULL)
		return 0;
	memcpy(c->der, r->der, r->der_len);
	c->len = r->der_len;
	memcpy(c->sha, r->sha256, 32);
	return 0;
}

struct pub {
	struct pw_store *s;
	const char *dir;
	double wall, cpu;
	uint64_t runs, entries;
};

static enum pw_status republish(void *vctx, int final, uint64_t done, uint64_t total, char *note,
                                size_t note_len, struct pw_error *err)
{
	struct pub *p = vctx;
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_result r;
	(void)final;
	(void)done;
	(void)total;
	memset(&o, 0, sizeof o);
	o.out_dir = p->dir;
	double w0 = bench_now(), c0 = cpu_self();
	enum pw_status st = pw_publish_crls(p->s, &o, &r, err);
	p->wall += bench_now() - w0;
	p->cpu += cpu_self() - c0;
	if (st == PW_OK) {
		p->runs++;
		p->entries = r.entries;
		snprintf(note, note_len, "%llu CRL(s), %llu entries", (unsigned long long)r.crls,
		         (unsigned long long)r.entries);
	}
	return st;
}

int main(int argc, char **argv)
{
	uint64_t n = 370000;
	size_t batch = 10000;
	int64_t interval = 2000;
	const char *ca = NULL, *key = NULL, *db_path = "/tmp/bench_bulk_revoke.db";
	const char *crl_dir = "/tmp/bench_bulk_revoke.crl";
	int ocsp = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			batch = (size_t)strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--republish-ms") == 0 && i + 1 < argc)
			interval = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			ca = argv[++i];
		else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = argv[++i];
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--crl-dir") == 0 && i + 1 < argc)
			crl_dir = argv[++i];
		else if (strcmp(argv[i], "--ocsp") == 0)
			ocsp = 1;
		else {
			fprintf(stderr, "usage: bench_bulk_revoke --ca CA.pem --key CA.key [--n N] [--batch B]"
			                " [--republish-ms MS] [--db PATH] [--crl-dir DIR] [--ocsp]\n");
			return 2;
		}
	}
	if (ca == NULL || key == NULL) {
		fprintf(stderr, "bench_bulk_revoke: --ca and --key are required (e.g. gen_corpus's "
		                "corpus/ca/e1.pem and e1.key)\n");
		return 2;
	}
	char wal[1024];
	unlink(db_path);
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	unlink(wal);
	struct pw_store *s = NULL;
	struct pw_error err;
	if (pw_store_open(db_path, PW_STORE_CREATE, &s, &err) != PW_OK) {
		fprintf(stderr, "bench_bulk_revoke: %s: %s\n", db_path, err.msg);
		return 2;
	}
	const char *inputs[] = {ca};
	struct pw_store_ingest_opts io = {.single_thread = 1};
	struct pw_store_ingest_summary sum;
	if (pw_store_ingest(s, inputs, 1, &io, &sum, &err) != PW_OK || sum.ingested + sum.already_present != 1) {
		fprintf(stderr, "bench_bulk_revoke: %s: not one CA certificate\n", ca);
		return 2;
	}
	struct ca_der cd = {0};
	struct pw_store_filter f;
	memset(&f, 0, sizeof f);
	f.ca = PW_STORE_YES;
	if (pw_store_find(s, &f, PW_STORE_WANT_DER, ca_row, &cd, &err) != PW_OK || cd.der == NULL) {
		fprintf(stderr, "bench_bulk_revoke: CA not stored\n");
		return 2;
	}
	struct pw_publish_ca_spec spec = {.name = "bench", .cert_der = cd.der, .cert_len = cd.len,
	                                  .key_ref = key};
	if (pw_publish_ca_add(s, &spec, NULL, &err) != PW_OK) {
		fprintf(stderr, "bench_bulk_revoke: ca add: %s: %s\n", err.field, err.msg);
		return 2;
	}
	pw_store_close(s);
	s = NULL;
	sqlite3 *db = NULL;
	char sql[2048];
	double t0 = bench_now();
	sqlite3_open(db_path, &db);
	snprintf(sql, sizeof sql,
	         "PRAGMA synchronous = OFF; BEGIN;"
	         "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %llu)"
	         " INSERT INTO certificate (sha256, link_sha256, issuer_name_sha256, issuer, serial,"
	         " spki_sha256, subject, not_before, not_after, precert, is_ca, issuer_ca_id, profile,"
	         " order_id, subscriber, ingested_at)"
	         " SELECT randomblob(32), randomblob(32), a.subject_name_sha256, a.subject,"
	         " CAST(i AS BLOB), randomblob(32), 'CN=host' || i || '.example', 1767225600,"
	         " 1798761600, 0, 0, a.id, 'dv', 'order-' || (i / 3), 'sub-' || (i %% 2000), 1767225600"
	         " FROM k, (SELECT id, subject_name_sha256, subject FROM ca LIMIT 1) a;"
	         "COMMIT;",
	         (unsigned long long)n);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_bulk_revoke: %s\n", msg);
		return 2;
	}
	sqlite3_close(db);
	printf("built %llu certificate rows in %.1f s\n", (unsigned long long)n, bench_now() - t0);

	if (pw_store_open(db_path, 0, &s, &err) != PW_OK)
		return 2;
	uint8_t *list = malloc((size_t)n * 32);
	sqlite3 *rd = NULL;
	sqlite3_open_v2(db_path, &rd, SQLITE_OPEN_READONLY, NULL);
	sqlite3_stmt *st = NULL;
	size_t k = 0;
	sqlite3_prepare_v2(rd, "SELECT sha256 FROM certificate WHERE is_ca = 0 ORDER BY id", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW && k < n)
		memcpy(list + 32 * k++, sqlite3_column_blob(st, 0), 32);
	sqlite3_finalize(st);
	sqlite3_close(rd);

	struct pw_ocsp_responder *resp = NULL;
	if (ocsp) {
		struct pw_ocsp_config oc;
		double r0 = bench_now();
		pw_ocsp_config_init(&oc);
		if (pw_ocsp_responder_new(db_path, &oc, &resp, &err) != PW_OK) {
			fprintf(stderr, "bench_bulk_revoke: ocsp: %s: %s\n", err.field, err.msg);
			return 2;
		}
		struct pw_ocsp_stats os;
		pw_ocsp_responder_stats(resp, &os);
		printf("ocsp responder: %llu serials indexed in %.1f s\n",
		       (unsigned long long)os.serials, bench_now() - r0);
	}

	double w0 = bench_now(), c0 = cpu_self();
	struct pw_revoke_plan_spec ps = {.sha256s = list, .n = k, .source = "bench",
	                                 .has_reason = 1, .reason = PW_REVOKE_SUPERSEDED,
	                                 .batch = batch};
	int64_t id = 0;
	if (pw_revoke_plan_create(s, &ps, &id, &err) != PW_OK) {
		fprintf(stderr, "bench_bulk_revoke: plan: %s\n", err.msg);
		return 2;
	}
	double pw = bench_now() - w0, pc = cpu_self() - c0;
	struct pub pub = {s, crl_dir, 0, 0, 0, 0};
	struct pw_revoke_plan_exec x = {.plan_id = id, .republish = republish,
	                                .republish_interval_ms = interval, .ctx = &pub};
	struct pw_revoke_plan_result res;
	w0 = bench_now();
	c0 = cpu_self();
	if (pw_revoke_plan_execute(s, &x, &res, &err) != PW_OK) {
		fprintf(stderr, "bench_bulk_revoke: execute: %s\n", err.msg);
		return 2;
	}
	double ew = bench_now() - w0, ec = cpu_self() - c0;
	printf("plan: %zu items recorded in wall %.2f s cpu %.2f s\n", k, pw, pc);
	printf("execute: %llu revoked in wall %.2f s cpu %.2f s (%.0f revocations/s cpu)\n",
	       (unsigned long long)res.bulk.revoked, ew, ec, ec > 0 ? (double)res.bulk.revoked / ec : 0);
	printf("  republication: %llu runs (%llu errors%s%s), last CRL %llu entries: wall %.2f s cpu "
	       "%.2f s (%.0f%% of cpu)\n",
	       (unsigned long long)pub.runs, (unsigned long long)res.republish_errors,
	       res.republish_errors ? ": " : "", res.republish_errors ? res.last_republish_error.msg : "",
	       (unsigned long long)pub.entries, pub.wall, pub.cpu, ec > 0 ? 100 * pub.cpu / ec : 0);
	printf("total (plan + execute incl. republication): wall %.2f s cpu %.2f s\n", pw + ew, pc + ec);
	if (resp != NULL) {
		/* Republished: the responder applied the last generation, so
		 * every revoked certificate answers revoked (signed on request
		 * until pre-signed). Then pre-signed: the background pass has
		 * re-signed the SHA-1 responses of the bulk changes. */
		uint64_t g = 0;
		struct pw_ocsp_stats os;
		if (pw_publish_generation(s, &g, &err) != PW_OK)
			return 2;
		for (;;) {
			pw_ocsp_responder_stats(resp, &os);
			if ((os.generation >= g && os.resigned_on_change >= res.bulk.revoked) ||
			    bench_now() - w0 > 600)
				break;
			usleep(5000);
		}
		double aw = bench_now() - w0 + pw;
		printf("ocsp: generation %llu of %llu applied, %llu statuses changed: every revoked"
		       " certificate answers revoked %.2f s after the plan started (%.2f s after"
		       " execution ended)\n",
		       (unsigned long long)os.generation, (unsigned long long)g,
		       (unsigned long long)os.resigned_on_change, aw, aw - (pw + ew));
		for (;;) {
			pw_ocsp_responder_stats(resp, &os);
			if (!os.presigning || bench_now() - w0 > 900)
				break;
			usleep(5000);
		}
		double sw = bench_now() - w0 + pw, oc = cpu_self() - c0;
		printf("ocsp: pre-signed (%llu signatures in all) %.2f s after the plan started;"
		       " process cpu %.2f s\n",
		       (unsigned long long)os.signatures, sw, pc + oc);
		pw_ocsp_responder_free(resp);
	}
	pw_store_close(s);
	free(list);
	free(cd.der);
	return 0;
}
