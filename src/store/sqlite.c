/* store/sqlite.c: the embedded SQLite backend.
 *
 * WAL journal (readers never block the writer), synchronous=NORMAL (under WAL
 * a committed transaction survives a process crash; only an OS crash may lose
 * the last commits, never consistency), foreign keys on, a busy timeout, and
 * prepared statements only: every statement that takes a value is prepared
 * once per handle and cached. The schema is versioned in schema_version;
 * migrations are appended to the list below, never edited. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "sqlite_ext.h"
#include "sqlite_slowlog.h"
#include "publish_ops.h"
#include "ocsp_ops.h"
#include "monitor_ops.h"
#include "incident_ops.h"
#include "inventory_ops.h"
#include "policy_ops.h"
#include "serve_ops.h"
#include "reports_ops.h"

/* Page cache per handle (KiB, negative = size in KiB for SQLite). Large
 * enough to keep the hash indexes of ~1M certificates hot during ingest. */
#define PW_SQLITE_CACHE_KIB 524288
/* Memory-mapped I/O window (bytes). SQLite clamps it to its compile-time
 * SQLITE_MAX_MMAP_SIZE (Debian: 0x7fff0000), so asking for more costs
 * nothing and covers a 1M-certificate base (~2.2 GB) as far as the build
 * allows: pages past the window are read with one pread() each, several µs
 * per certificate row on a random lookup (issue 2). */
#define PW_SQLITE_MMAP_BYTES ((int64_t)64 << 30)
/* Prepared find statements kept per handle (one per filter combination). */
#define PW_SQLITE_QUERY_CACHE 32

/* ------------------------------------------------------------------------ */
/* Schema                                                                    */
/* ------------------------------------------------------------------------ */

/* Page size of a new base. Larger than SQLite's 4 KiB default: DER rows of
 * 1-2 KiB fit several per page and random index inserts during ingest
 * dirty (and write) fewer pages per certificate. */
#define PW_SQLITE_PAGE_SIZE 8192
/* WAL pages between automatic checkpoints. An index page modified by several
 * ingest transactions is then copied into the base once, not once per
 * transaction (~80 MiB of WAL at 8 KiB pages). */
#define PW_SQLITE_WAL_AUTOCHECKPOINT 10000

/* Migration 1: the certificate base (DESIGN.md, "Data model"). Times are
 * INTEGER Unix seconds, hashes 32-byte BLOBs, so the same schema maps onto
 * PostgreSQL (bigint, bytea). The DER lives in its own table so that scans
 * of certificate rows (profile, revocation filters) do not read ~1.5 KB of
 * DER per row. */
static const char migration_1[] =
	"CREATE TABLE ca ("
	" id INTEGER PRIMARY KEY,"
	" subject_name_sha256 BLOB NOT NULL,"
	" spki_sha256 BLOB NOT NULL,"
	" subject TEXT NOT NULL,"
	" ski BLOB,"
	" UNIQUE (subject_name_sha256, spki_sha256));"
	"CREATE TABLE certificate ("
	" id INTEGER PRIMARY KEY,"
	" sha256 BLOB NOT NULL UNIQUE,"
	" link_sha256 BLOB NOT NULL,"
	" issuer_name_sha256 BLOB NOT NULL,"
	" issuer TEXT NOT NULL,"
	" serial BLOB NOT NULL,"
	" spki_sha256 BLOB NOT NULL,"
	" subject TEXT NOT NULL,"
	" not_before INTEGER NOT NULL,"
	" not_after INTEGER NOT NULL,"
	" precert INTEGER NOT NULL CHECK (precert IN (0, 1)),"
	" is_ca INTEGER NOT NULL CHECK (is_ca IN (0, 1)),"
	" aki BLOB,"
	" ca_id INTEGER REFERENCES ca (id),"
	" issuer_ca_id INTEGER REFERENCES ca (id),"
	" profile TEXT,"
	" order_id TEXT,"
	" subscriber TEXT,"
	" ingested_at INTEGER NOT NULL,"
	" UNIQUE (issuer_name_sha256, serial, precert));"
	"CREATE INDEX certificate_spki ON certificate (spki_sha256);"
	"CREATE INDEX certificate_not_before ON certificate (not_before);"
	"CREATE INDEX certificate_not_after ON certificate (not_after);"
	"CREATE TABLE certificate_der ("
	" cert_id INTEGER PRIMARY KEY REFERENCES certificate (id),"
	" der BLOB NOT NULL);"
	"CREATE TABLE issuer_name ("
	" name_sha256 BLOB PRIMARY KEY,"
	" text TEXT NOT NULL);"
	"CREATE INDEX issuer_name_text ON issuer_name (text);"
	/* rev: the reversed-label key (pw_store_name_key); the primary key serves
	 * exact lookups and subtree ranges alike. */
	"CREATE TABLE name ("
	" rev TEXT NOT NULL,"
	" cert_id INTEGER NOT NULL REFERENCES certificate (id),"
	" kind INTEGER NOT NULL,"
	" PRIMARY KEY (rev, cert_id)) WITHOUT ROWID;"
	"CREATE TABLE validation ("
	" cert_id INTEGER NOT NULL REFERENCES certificate (id),"
	" name TEXT NOT NULL,"
	" method TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" PRIMARY KEY (cert_id, method, name)) WITHOUT ROWID;"
	"CREATE INDEX validation_method ON validation (method, cert_id);"
	"CREATE TABLE event ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" subject TEXT,"
	" actor TEXT,"
	" payload TEXT,"
	" prev_hash BLOB,"
	" hash BLOB NOT NULL UNIQUE);"
	"CREATE TABLE revocation ("
	" cert_id INTEGER PRIMARY KEY REFERENCES certificate (id),"
	" revoked_at INTEGER NOT NULL,"
	" reason INTEGER,"
	" event_id INTEGER REFERENCES event (id),"
	" first_seen_crl INTEGER,"
	" first_seen_ocsp INTEGER);"
	"CREATE TABLE blocked_key ("
	" spki_sha256 BLOB PRIMARY KEY,"
	" why TEXT NOT NULL,"
	" proof BLOB,"
	" at INTEGER NOT NULL);"
	"CREATE TABLE lint_finding ("
	" cert_id INTEGER NOT NULL REFERENCES certificate (id),"
	" lint TEXT NOT NULL,"
	" result TEXT NOT NULL,"
	" PRIMARY KEY (cert_id, lint)) WITHOUT ROWID;"
	"CREATE INDEX lint_finding_lint ON lint_finding (lint, cert_id);";

/* Migration 11: certificates by profile. `policy check` groups the base by
 * profile to compare it with the profiles the CPS discloses, and
 * `find --profile` selects by it; without this covering index both read
 * every certificate row (policy check: 2.0 -> 1.0 CPU-s per 1M). */
static const char migration_11[] =
	"CREATE INDEX certificate_profile ON certificate (profile, is_ca, not_before);";

/* Migration 12: on PostgreSQL, certificate_der is partitioned by notAfter
 * (postgres_schema.c). SQLite keeps one table: a base of this size has no
 * partition maintenance to gain (no DETACH of old years, no VACUUM per
 * partition) and its readers are unchanged. The statement only keeps the
 * two backends' version numbers equal. */
static const char migration_12[] = "SELECT 1;";

/* Migration N is migrations[N - 1]; append only. */
/* Migration 2 (the evidence tables) lives in sqlite_events.c. */
/* Migrations 3-10 are the feature areas' (sqlite_<area>.c). */
static const char *const migrations[] = {
	migration_1,           pw_sqlite_migration_2, pw_sqlite_migration_3,
	pw_sqlite_migration_4, pw_sqlite_migration_5, pw_sqlite_migration_6,
	pw_sqlite_migration_7, pw_sqlite_migration_8, pw_sqlite_migration_9,
	pw_sqlite_migration_10, migration_11,          migration_12,
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(N_MIGRATIONS == PW_STORE_SCHEMA_VERSION,
               "PW_STORE_SCHEMA_VERSION must equal the number of migrations");

/* ------------------------------------------------------------------------ */
/* Statements                                                                */
/* ------------------------------------------------------------------------ */

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_INS_CERT,
	S_INS_DER,
	S_INS_NAME,
	S_INS_ISSUER_NAME,
	S_FIND_ISSUER_CA,
	S_INS_CA,
	S_GET_CA,
	S_SET_CA_ID,
	S_LINK_LEAVES,
	S_META_LINK,
	S_META_UPD,
	S_META_VAL,
	S_ISSUER_OF_CA,
	S_VALIDATIONS,
	S_COUNT_CERTS,
	S_COUNT_PRECERTS,
	S_COUNT_NAMES,
	S_COUNT_VALIDATIONS,
	S_COUNT_CAS,
	S_PAGE_COUNT,
	S_PAGE_SIZE,
	S_ID_BY_SHA256,
	S_DEL_FINDINGS,
	S_INS_FINDING,
	S_COUNT_
};

static const char *const stmt_sql[S_COUNT_] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_INS_CERT] =
		"INSERT INTO certificate (sha256, link_sha256, issuer_name_sha256, issuer, serial,"
		" spki_sha256, subject, not_before, not_after, precert, is_ca, aki, issuer_ca_id,"
		" ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (sha256) DO NOTHING",
	[S_INS_DER] = "INSERT INTO certificate_der (cert_id, der) VALUES (?, ?)",
	[S_INS_NAME] = "INSERT INTO name (rev, cert_id, kind) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	[S_INS_ISSUER_NAME] =
		"INSERT INTO issuer_name (name_sha256, text) VALUES (?, ?) ON CONFLICT DO NOTHING",
	/* RFC 5280 §4.2.1.1: AKI keyIdentifier = issuer SKI when both exist. */
	[S_FIND_ISSUER_CA] = "SELECT id FROM ca WHERE subject_name_sha256 = ?1"
	                     " AND (?2 IS NULL OR ski IS NULL OR ski = ?2) ORDER BY id LIMIT 1",
	[S_INS_CA] = "INSERT INTO ca (subject_name_sha256, spki_sha256, subject, ski)"
	             " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
	[S_GET_CA] = "SELECT id FROM ca WHERE subject_name_sha256 = ? AND spki_sha256 = ?",
	[S_SET_CA_ID] = "UPDATE certificate SET ca_id = ? WHERE id = ?",
	[S_LINK_LEAVES] = "UPDATE certificate SET issuer_ca_id = ?1 WHERE issuer_name_sha256 = ?2"
	                  " AND issuer_ca_id IS NULL AND (?3 IS NULL OR aki IS NULL OR aki = ?3)",
	[S_META_LINK] = "SELECT link_sha256, issuer_name_sha256, serial FROM certificate"
	                " WHERE sha256 = ?",
	/* Metadata describes an issuance: it applies to the certificate named
	 * and to its precertificate/certificate twin, found like the query twin
	 * (same issuer and serial, RFC 6962 §3.1, and same link_sha256). */
	[S_META_UPD] = "UPDATE certificate SET profile = COALESCE(?1, profile),"
	               " order_id = COALESCE(?2, order_id), subscriber = COALESCE(?3, subscriber)"
	               " WHERE issuer_name_sha256 = ?5 AND serial = ?6 AND link_sha256 = ?4",
	[S_META_VAL] = "INSERT INTO validation (cert_id, name, method, at)"
	               " SELECT id, ?2, ?3, ?4 FROM certificate WHERE issuer_name_sha256 = ?5"
	               " AND serial = ?6 AND link_sha256 = ?1 ON CONFLICT DO NOTHING",
	[S_ISSUER_OF_CA] = "SELECT a.subject_name_sha256, a.ski FROM certificate c"
	                   " JOIN ca a ON a.id = c.ca_id WHERE c.sha256 = ?",
	[S_VALIDATIONS] = "SELECT v.name, v.method, v.at FROM validation v"
	                  " JOIN certificate c ON c.id = v.cert_id WHERE c.sha256 = ?"
	                  " ORDER BY v.at, v.name, v.method",
	[S_COUNT_CERTS] = "SELECT COUNT(*) FROM certificate",
	[S_COUNT_PRECERTS] = "SELECT COUNT(*) FROM certificate WHERE precert = 1",
	[S_COUNT_NAMES] = "SELECT COUNT(*) FROM name",
	[S_COUNT_VALIDATIONS] = "SELECT COUNT(*) FROM validation",
	[S_COUNT_CAS] = "SELECT COUNT(*) FROM ca",
	[S_PAGE_COUNT] = "PRAGMA page_count",
	[S_PAGE_SIZE] = "PRAGMA page_size",
	[S_ID_BY_SHA256] = "SELECT id FROM certificate WHERE sha256 = ?",
	[S_DEL_FINDINGS] = "DELETE FROM lint_finding WHERE cert_id = ?",
	[S_INS_FINDING] = "INSERT OR REPLACE INTO lint_finding (cert_id, lint, result) VALUES (?, ?, ?)",
};

struct qcache {
	uint64_t key;
	sqlite3_stmt *st;
};

struct sq_store {
	struct pw_store base; /* must be first */
	sqlite3 *db;
	char *path;
	long long slowlog_ns; /* PKIWARD_SLOW_SQL_MS threshold (sqlite_slowlog.c) */
	sqlite3_stmt *st[S_COUNT_];
	struct qcache qc[PW_SQLITE_QUERY_CACHE];
	size_t qc_next;
	/* Caches of per-issuer lookups during ingest (reset on rollback and when
	 * a CA identity is added). */
	int issuer_name_valid;
	uint8_t issuer_name_last[32];
	int issuer_ca_valid;
	uint8_t issuer_ca_name[32];
	uint8_t issuer_ca_aki[64];
	size_t issuer_ca_aki_len;
	int64_t issuer_ca_id; /* 0 = none */
};

static struct sq_store *SQ(struct pw_store *s)
{
	return (struct sq_store *)s;
}

static enum pw_status sqerr(struct sq_store *q, struct pw_error *err, const char *what)
{
	int code = sqlite3_errcode(q->db);
	const char *hint = "";
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		hint = " (the store is locked by another process)";
	else if (code == SQLITE_FULL)
		hint = " (disk full)";
	else if (code == SQLITE_READONLY)
		hint = " (store is read-only)";
	return pw_error_set(err, PW_ERR_STORE, 0, 0, what, "%s: %s%s", q->path,
	                    sqlite3_errmsg(q->db), hint);
}

/* Returns the cached statement `id`, reset and with its bindings cleared. */
static sqlite3_stmt *stmt(struct sq_store *q, enum stmt_id id, struct pw_error *err)
{
	if (q->st[id] == NULL) {
		if (sqlite3_prepare_v3(q->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &q->st[id],
		                       NULL) != SQLITE_OK) {
			sqerr(q, err, "prepare");
			q->st[id] = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(q->st[id]);
		sqlite3_clear_bindings(q->st[id]);
	}
	return q->st[id];
}

static void done(sqlite3_stmt *st)
{
	if (st != NULL)
		sqlite3_reset(st);
}

static int bind_blob_or_null(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL || n == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC);
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *p)
{
	if (p == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, p, -1, SQLITE_STATIC);
}

/* Runs a statement expected to return one integer row. */
static enum pw_status one_int(struct sq_store *q, enum stmt_id id, int64_t *out,
                              struct pw_error *err)
{
	sqlite3_stmt *st = stmt(q, id, err);
	if (st == NULL)
		return PW_ERR_STORE;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		enum pw_status e = sqerr(q, err, stmt_sql[id]);
		done(st);
		return e;
	}
	*out = sqlite3_column_int64(st, 0);
	done(st);
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Open, migrate, close                                                      */
/* ------------------------------------------------------------------------ */

static enum pw_status exec_simple(struct sq_store *q, const char *sql, struct pw_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pw_error_set(err, PW_ERR_STORE, 0, 0, "schema", "%s: %s", q->path,
		             msg ? msg : sqlite3_errmsg(q->db));
		sqlite3_free(msg);
		return PW_ERR_STORE;
	}
	return PW_OK;
}

/* Reads the schema version (0 when there is no schema_version table) and
 * whether the database holds tables that are not pkiward's. */
static enum pw_status read_version(struct sq_store *q, int *out, int *out_foreign,
                                   struct pw_error *err)
{
	sqlite3_stmt *st = NULL;
	enum pw_status ret = PW_ERR_STORE;
	int has_table = 0, n_tables = 0, rc;

	*out = 0;
	*out_foreign = 0;
	if (sqlite3_prepare_v2(q->db,
	                       "SELECT name FROM sqlite_master WHERE type = 'table'"
	                       " AND name NOT LIKE 'sqlite_%'",
	                       -1, &st, NULL) != SQLITE_OK) {
		ret = sqerr(q, err, "schema");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);
		n_tables++;
		if (n != NULL && strcmp(n, "schema_version") == 0)
			has_table = 1;
	}
	if (rc != SQLITE_DONE) {
		ret = sqerr(q, err, "schema");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!has_table) {
		*out_foreign = n_tables > 0;
		ret = PW_OK;
		goto out;
	}
	if (sqlite3_prepare_v2(q->db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1,
	                       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ret = sqerr(q, err, "schema_version");
		goto out;
	}
	*out = sqlite3_column_int(st, 0);
	ret = PW_OK;
out:
	sqlite3_finalize(st);
	return ret;
}

static enum pw_status migrate(struct sq_store *q, struct pw_error *err)
{
	enum pw_status st;
	int version, foreign;
	char sql[128];

	/* Each migration runs in its own IMMEDIATE transaction and re-reads the
	 * version inside it, so two processes opening a new base at once do not
	 * both apply it, and a crash leaves the previous version intact. */
	for (;;) {
		if ((st = exec_simple(q, "BEGIN IMMEDIATE", err)) != PW_OK)
			return st;
		if ((st = read_version(q, &version, &foreign, err)) != PW_OK)
			goto fail;
		if (version == 0 && foreign) {
			st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema",
			                  "%s: not a pkiward store (it holds other tables)", q->path);
			goto fail;
		}
		if (version > N_MIGRATIONS) {
			st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema_version",
			                  "%s: schema version %d is newer than this pkiward (%d)", q->path,
			                  version, N_MIGRATIONS);
			goto fail;
		}
		if (version == N_MIGRATIONS)
			return exec_simple(q, "COMMIT", err);
		if (version == 0 &&
		    (st = exec_simple(q,
		                      "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
		                      " applied_at INTEGER NOT NULL)",
		                      err)) != PW_OK)
			goto fail;
		if ((st = exec_simple(q, migrations[version], err)) != PW_OK)
			goto fail;
		/* Both values are integers from this program, not input. */
		snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d, %lld)", version + 1,
		         (long long)time(NULL));
		if ((st = exec_simple(q, sql, err)) != PW_OK)
			goto fail;
		if ((st = exec_simple(q, "COMMIT", err)) != PW_OK)
			goto fail;
	}
fail:
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* Every area's statements go before the connection, like ext's. */
static void close_areas(struct pw_store *s)
{
	void (*const closers[])(struct pw_store *) = {
		pw_sqlite_publish_ops.close,   pw_sqlite_ocsp_ops.close,
		pw_sqlite_monitor_ops.close,   pw_sqlite_incident_ops.close,
		pw_sqlite_inventory_ops.close, pw_sqlite_policy_ops.close,
		pw_sqlite_serve_ops.close,     pw_sqlite_reports_ops.close,
	};
	for (size_t i = 0; i < sizeof closers / sizeof closers[0]; i++)
		if (closers[i] != NULL)
			closers[i](s);
}

/* Planner statistics. PRAGMA optimize keeps sqlite_stat1 current, but a
 * table analysed while it was small (an empty revocation table, a base
 * holding only its CA) is then planned as tiny: the planner prefers a full
 * scan to an index or rowid seek, and a process that prepared its statements
 * then keeps that plan while the table grows. Seen as a bulk revocation
 * scanning the revocation table once per certificate (quadratic). Without a
 * stat1 row SQLite assumes a large table and uses the index, which is right
 * for every pkiward query, so stats of tables below this size are dropped. */
#define PW_SQLITE_STATS_MIN_ROWS 10000
/* Rows sampled per index by ANALYZE (PRAGMA analysis_limit): bounded time at
 * close on a 100M-row base. */
#define PW_SQLITE_ANALYSIS_LIMIT 2000

static void refresh_planner_stats(struct sq_store *q)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "PRAGMA analysis_limit = %d; PRAGMA optimize;"
	         " DELETE FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) < %d;",
	         PW_SQLITE_ANALYSIS_LIMIT, PW_SQLITE_STATS_MIN_ROWS);
	/* Best effort: sqlite_stat1 does not exist until the first ANALYZE. */
	sqlite3_exec(q->db, sql, NULL, NULL, NULL);
}

static void sq_close(struct pw_store *s)
{
	struct sq_store *q = SQ(s);
	pw_sqlite_ext_ops.close(s); /* its statements go before the connection */
	close_areas(s);
	for (int i = 0; i < S_COUNT_; i++)
		sqlite3_finalize(q->st[i]);
	for (size_t i = 0; i < PW_SQLITE_QUERY_CACHE; i++)
		sqlite3_finalize(q->qc[i].st);
	if (q->db != NULL && !sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	if (q->db != NULL && !(q->base.flags & PW_STORE_READONLY))
		refresh_planner_stats(q);
	sqlite3_close(q->db);
	free(q->path);
	free(q);
}

static const struct pw_store_ops sqlite_ops;

/* Process-wide SQLite settings, applied once before SQLite initialises.
 * Memory statistics off: with them on, every sqlite3_malloc/free takes a
 * global mutex (SQLite's default, for sqlite3_memory_used(), which pkiward
 * never asks), ~5% of the writer thread's CPU during ingest. If SQLite was
 * already initialised by someone else, sqlite3_config() refuses and the
 * default stays: only slower, never wrong. */
static pthread_once_t sqlite_global_once = PTHREAD_ONCE_INIT;

static void sqlite_global_init(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

enum pw_status pw_store_sqlite_open(const char *path, int flags, struct pw_store **out,
                                    struct pw_error *err)
{
	struct sq_store *q = NULL;
	struct stat sb;
	enum pw_status st;
	char pragmas[256];
	int version, foreign;

	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & PW_STORE_CREATE))
			return pw_error_set(err, errno == ENOENT ? PW_ERR_NOTFOUND : PW_ERR_IO, 0, 0,
			                    "store", "%s: %s%s", path, strerror(errno),
			                    errno == ENOENT ? " (run `pkiward init` to create it)" : "");
	} else if (!S_ISREG(sb.st_mode)) {
		return pw_error_set(err, PW_ERR_IO, 0, 0, "store", "%s: not a regular file", path);
	}
	q = calloc(1, sizeof *q);
	if (q == NULL || (q->path = strdup(path)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto fail;
	}
	q->base.ops = &sqlite_ops;
	q->base.flags = flags;
	pthread_once(&sqlite_global_once, sqlite_global_init);
	int oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & PW_STORE_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE | ((flags & PW_STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &q->db, oflags, NULL) != SQLITE_OK) {
		st = q->db != NULL ? sqerr(q, err, "open")
		                   : pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 0);
	sqlite3_busy_timeout(q->db, PW_STORE_BUSY_TIMEOUT_MS);
	pw_sqlite_slowlog_install(q->db, &q->slowlog_ns);
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA foreign_keys = ON; PRAGMA cache_size = -%d; PRAGMA temp_store = MEMORY;"
	         " PRAGMA mmap_size = %lld;",
	         PW_SQLITE_CACHE_KIB, (long long)PW_SQLITE_MMAP_BYTES);
	if ((st = exec_simple(q, pragmas, err)) != PW_OK)
		goto fail;
	if (!(flags & PW_STORE_READONLY)) {
		/* page_size only takes effect on a base without tables yet. */
		snprintf(pragmas, sizeof pragmas,
		         "PRAGMA page_size = %d; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		         " PRAGMA wal_autocheckpoint = %d;",
		         PW_SQLITE_PAGE_SIZE, PW_SQLITE_WAL_AUTOCHECKPOINT);
		if ((st = exec_simple(q, pragmas, err)) != PW_OK)
			goto fail;
		if (!(flags & PW_STORE_CREATE)) {
			/* Opening an existing base never turns some other file into one. */
			if ((st = read_version(q, &version, &foreign, err)) != PW_OK)
				goto fail;
			if (version == 0) {
				st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "store",
				                  "%s: not a pkiward store (run `pkiward init`)", path);
				goto fail;
			}
		}
		if ((st = migrate(q, err)) != PW_OK)
			goto fail;
	} else {
		if ((st = read_version(q, &version, &foreign, err)) != PW_OK)
			goto fail;
		if (version == 0) {
			st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "store",
			                  "%s: not a pkiward store", path);
			goto fail;
		}
		if (version > N_MIGRATIONS) {
			st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema_version",
			                  "%s: schema version %d is newer than this pkiward (%d)", path,
			                  version, N_MIGRATIONS);
			goto fail;
		}
	}
	*out = &q->base;
	return PW_OK;
fail:
	if (q != NULL)
		sq_close(&q->base);
	return st;
}

static enum pw_status sq_schema_version(struct pw_store *s, int *out, struct pw_error *err)
{
	int foreign;
	return read_version(SQ(s), out, &foreign, err);
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                              */
/* ------------------------------------------------------------------------ */

static void reset_caches(struct sq_store *q)
{
	q->issuer_name_valid = 0;
	q->issuer_ca_valid = 0;
}

static enum pw_status run(struct sq_store *q, enum stmt_id id, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(q, id, err);
	if (st == NULL)
		return PW_ERR_STORE;
	int rc = sqlite3_step(st);
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : sqerr(q, err, stmt_sql[id]);
	done(st);
	return ret;
}

static enum pw_status sq_begin(struct pw_store *s, struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	if (!sqlite3_get_autocommit(q->db))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "a transaction is already open");
	return run(q, S_BEGIN, err);
}

static enum pw_status sq_commit(struct pw_store *s, struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	if (sqlite3_get_autocommit(q->db))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "no transaction is open");
	enum pw_status st = run(q, S_COMMIT, err);
	if (st != PW_OK) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		reset_caches(q);
	}
	return st;
}

static void sq_rollback(struct pw_store *s)
{
	struct sq_store *q = SQ(s);
	/* Reset every statement first: a pending read would make ROLLBACK fail. */
	for (int i = 0; i < S_COUNT_; i++)
		done(q->st[i]);
	for (size_t i = 0; i < PW_SQLITE_QUERY_CACHE; i++)
		done(q->qc[i].st);
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	reset_caches(q);
}

static int sq_in_txn(struct pw_store *s)
{
	return !sqlite3_get_autocommit(SQ(s)->db);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */
/* ------------------------------------------------------------------------ */

/* The CA identity that issued r: subject Name hash = r's issuer Name hash,
 * and SKI = r's AKI when both exist. Cached for runs of one issuer. */
static enum pw_status issuer_ca(struct sq_store *q, const struct pw_store_rec *r, int64_t *out,
                                struct pw_error *err)
{
	if (q->issuer_ca_valid && memcmp(q->issuer_ca_name, r->issuer_name_sha256, 32) == 0 &&
	    q->issuer_ca_aki_len == r->aki_len &&
	    (r->aki_len == 0 || memcmp(q->issuer_ca_aki, r->aki, r->aki_len) == 0)) {
		*out = q->issuer_ca_id;
		return PW_OK;
	}
	sqlite3_stmt *st = stmt(q, S_FIND_ISSUER_CA, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->issuer_name_sha256, 32, SQLITE_STATIC);
	bind_blob_or_null(st, 2, r->aki, r->aki_len);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		*out = 0;
	else {
		enum pw_status e = sqerr(q, err, "ca");
		done(st);
		return e;
	}
	done(st);
	if (r->aki_len <= sizeof q->issuer_ca_aki) {
		memcpy(q->issuer_ca_name, r->issuer_name_sha256, 32);
		if (r->aki_len)
			memcpy(q->issuer_ca_aki, r->aki, r->aki_len);
		q->issuer_ca_aki_len = r->aki_len;
		q->issuer_ca_id = *out;
		q->issuer_ca_valid = 1;
	}
	return PW_OK;
}

static enum pw_status put_issuer_name(struct sq_store *q, const uint8_t hash[32],
                                      const char *text, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(q, S_INS_ISSUER_NAME, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : sqerr(q, err, "issuer_name");
	done(st);
	return ret;
}

/* A CA certificate creates (or joins) its CA identity and links the
 * certificates it issued that were stored before it. */
static enum pw_status put_ca(struct sq_store *q, const struct pw_store_rec *r, int64_t cert_id,
                             struct pw_error *err)
{
	enum pw_status ret;
	int64_t ca_id;
	int rc, added;

	if ((ret = put_issuer_name(q, r->subject_name_sha256, r->subject, err)) != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(q, S_INS_CA, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->subject_name_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->spki_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->subject, -1, SQLITE_STATIC);
	bind_blob_or_null(st, 4, r->ski, r->ski_len);
	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return sqerr(q, err, "ca");
	added = sqlite3_changes(q->db) > 0;
	if ((st = stmt(q, S_GET_CA, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->subject_name_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->spki_sha256, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	ca_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (rc != SQLITE_ROW)
		return sqerr(q, err, "ca");
	if ((st = stmt(q, S_SET_CA_ID, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, ca_id);
	sqlite3_bind_int64(st, 2, cert_id);
	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return sqerr(q, err, "certificate.ca_id");
	if (added) {
		q->issuer_ca_valid = 0;
		if ((st = stmt(q, S_LINK_LEAVES, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, ca_id);
		sqlite3_bind_blob(st, 2, r->subject_name_sha256, 32, SQLITE_STATIC);
		bind_blob_or_null(st, 3, r->ski, r->ski_len);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "certificate.issuer_ca_id");
	}
	return PW_OK;
}

/* Stores r's lint findings for certificate `id`, first dropping the ones an
 * earlier lint run left (`replace`). */
static enum pw_status put_findings(struct sq_store *q, int64_t id, const struct pw_store_rec *r,
                                   int replace, struct pw_error *err)
{
	sqlite3_stmt *st;
	int rc;
	if (replace) {
		if ((st = stmt(q, S_DEL_FINDINGS, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "lint_finding");
	}
	const char *p = r->findings;
	for (size_t i = 0; i < r->n_findings; i++) {
		const char *lint = p;
		const char *result = lint + strlen(lint) + 1;
		p = result + strlen(result) + 1;
		if ((st = stmt(q, S_INS_FINDING, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, lint, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "lint_finding");
	}
	return PW_OK;
}

static enum pw_status sq_put(struct pw_store *s, const struct pw_store_rec *r, int *out_inserted,
                             struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	enum pw_status ret;
	int64_t issuer_id = 0, id;
	int rc;

	*out_inserted = 0;
	if ((ret = issuer_ca(q, r, &issuer_id, err)) != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(q, S_INS_CERT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->link_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, r->issuer_name_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->issuer, -1, SQLITE_STATIC);
	/* An empty serial (malformed, but stored) still needs a non-NULL blob. */
	sqlite3_bind_blob(st, 5, r->serial_len ? (const void *)r->serial : (const void *)"",
	                  (int)r->serial_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, r->spki_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->not_before);
	sqlite3_bind_int64(st, 9, r->not_after);
	sqlite3_bind_int(st, 10, r->precert);
	sqlite3_bind_int(st, 11, r->is_ca);
	bind_blob_or_null(st, 12, r->aki, r->aki_len);
	if (issuer_id > 0)
		sqlite3_bind_int64(st, 13, issuer_id);
	else
		sqlite3_bind_null(st, 13);
	sqlite3_bind_int64(st, 14, r->ingested_at);
	rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_CONSTRAINT) {
		char hex[2 * PW_STORE_MAX_SERIAL + 1];
		pw_hex_encode(r->serial, r->serial_len, hex);
		/* BR 7.1: serials are unique per issuer; two different certificates
		 * (or precertificates) with one issuer+serial are a finding, not data. */
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "tbsCertificate.serialNumber",
		                    "another %s from issuer \"%s\" already has serial %s",
		                    r->precert ? "precertificate" : "certificate", r->issuer, hex);
	}
	if (rc != SQLITE_DONE)
		return sqerr(q, err, "certificate");
	if (sqlite3_changes(q->db) == 0) {
		/* Already present: only its lint findings are refreshed (a re-lint
		 * of the base with a newer lint set). */
		if (!r->has_findings)
			return PW_OK;
		if ((st = stmt(q, S_ID_BY_SHA256, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_blob(st, 1, r->sha256, 32, SQLITE_STATIC);
		rc = sqlite3_step(st);
		id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		done(st);
		if (rc != SQLITE_ROW)
			return sqerr(q, err, "certificate");
		return put_findings(q, id, r, 1, err);
	}
	id = sqlite3_last_insert_rowid(q->db);
	if (r->has_findings && (ret = put_findings(q, id, r, 0, err)) != PW_OK)
		return ret;

	if ((st = stmt(q, S_INS_DER, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, r->der, (int)r->der_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE)
		return sqerr(q, err, "certificate_der");

	const char *p = r->names;
	for (size_t i = 0; i < r->n_names; i++) {
		int kind = (unsigned char)p[0];
		const char *key = p + 1;
		size_t klen = strlen(key);
		if ((st = stmt(q, S_INS_NAME, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_text(st, 1, key, (int)klen, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int(st, 3, kind);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "name");
		p = key + klen + 1;
	}

	if (!q->issuer_name_valid || memcmp(q->issuer_name_last, r->issuer_name_sha256, 32) != 0) {
		if ((ret = put_issuer_name(q, r->issuer_name_sha256, r->issuer, err)) != PW_OK)
			return ret;
		memcpy(q->issuer_name_last, r->issuer_name_sha256, 32);
		q->issuer_name_valid = 1;
	}
	if (r->is_ca && (ret = put_ca(q, r, id, err)) != PW_OK)
		return ret;
	*out_inserted = 1;
	return PW_OK;
}

static void col32(sqlite3_stmt *st, int col, uint8_t out[32]);

static enum pw_status sq_apply_metadata(struct pw_store *s, const struct pw_store_metadata *m,
                                        struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	uint8_t link[32];
	char hex[65];
	int rc;

	uint8_t iname[32], serial[PW_STORE_MAX_SERIAL];
	size_t serial_len = 0;
	sqlite3_stmt *st = stmt(q, S_META_LINK, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, m->sha256, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col32(st, 0, link);
		col32(st, 1, iname);
		serial_len = (size_t)sqlite3_column_bytes(st, 2);
		if (serial_len > sizeof serial)
			serial_len = sizeof serial;
		if (serial_len > 0)
			memcpy(serial, sqlite3_column_blob(st, 2), serial_len);
	}
	done(st);
	if (rc == SQLITE_DONE) {
		pw_hex_encode(m->sha256, 32, hex);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "no certificate with SHA-256 %s in the store or this ingest", hex);
	}
	if (rc != SQLITE_ROW)
		return sqerr(q, err, "certificate");
	if (m->profile != NULL || m->order != NULL || m->subscriber != NULL) {
		if ((st = stmt(q, S_META_UPD, err)) == NULL)
			return PW_ERR_STORE;
		bind_text_or_null(st, 1, m->profile);
		bind_text_or_null(st, 2, m->order);
		bind_text_or_null(st, 3, m->subscriber);
		sqlite3_bind_blob(st, 4, link, 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 5, iname, 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, serial_len ? (const void *)serial : (const void *)"",
		                  (int)serial_len, SQLITE_STATIC);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "certificate");
	}
	for (size_t i = 0; i < m->n_validations; i++) {
		const struct pw_store_validation *v = &m->validations[i];
		if ((st = stmt(q, S_META_VAL, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_blob(st, 1, link, 32, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, v->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, v->method, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, v->at);
		sqlite3_bind_blob(st, 5, iname, 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, serial_len ? (const void *)serial : (const void *)"",
		                  (int)serial_len, SQLITE_STATIC);
		rc = sqlite3_step(st);
		done(st);
		if (rc != SQLITE_DONE)
			return sqerr(q, err, "validation");
	}
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */
/* ------------------------------------------------------------------------ */

static enum pw_status sq_issuer_of_ca_cert(struct pw_store *s, const uint8_t sha256[32],
                                           uint8_t name_sha256[32], uint8_t *ski, size_t ski_max,
                                           size_t *ski_len, struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	char hex[65];
	sqlite3_stmt *st = stmt(q, S_ISSUER_OF_CA, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	*ski_len = 0;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(name_sha256, sqlite3_column_blob(st, 0), 32);
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		if (n > 0 && n <= ski_max) {
			memcpy(ski, sqlite3_column_blob(st, 1), n);
			*ski_len = n;
		}
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		pw_hex_encode(sha256, 32, hex);
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "issuer",
		                   "no CA certificate with SHA-256 %s in the store", hex);
	} else {
		ret = sqerr(q, err, "ca");
	}
	done(st);
	return ret;
}

static sqlite3_stmt *query_stmt(struct sq_store *q, const struct pw_store_query *qu,
                                struct pw_error *err)
{
	for (size_t i = 0; i < PW_SQLITE_QUERY_CACHE; i++) {
		if (q->qc[i].st != NULL && q->qc[i].key == qu->key) {
			sqlite3_reset(q->qc[i].st);
			sqlite3_clear_bindings(q->qc[i].st);
			return q->qc[i].st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(q->db, qu->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		sqerr(q, err, "query");
		return NULL;
	}
	struct qcache *slot = &q->qc[q->qc_next];
	q->qc_next = (q->qc_next + 1) % PW_SQLITE_QUERY_CACHE;
	sqlite3_finalize(slot->st);
	slot->st = st;
	slot->key = qu->key;
	return st;
}

static void col32(sqlite3_stmt *st, int col, uint8_t out[32])
{
	if (sqlite3_column_bytes(st, col) == 32)
		memcpy(out, sqlite3_column_blob(st, col), 32);
	else
		memset(out, 0, 32);
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static enum pw_status sq_query(struct pw_store *s, const struct pw_store_query *qu,
                               pw_store_row_fn fn, void *ctx, uint64_t *out_count,
                               struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	struct pw_store_row row;
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	enum pw_status ret = PW_OK;
	int rc;

	sqlite3_stmt *st = query_stmt(q, qu, err);
	if (st == NULL)
		return PW_ERR_STORE;
	for (size_t i = 0; i < qu->n_binds; i++) {
		const struct pw_store_bind *b = &qu->binds[i];
		int bi = (int)i + 1;
		if (b->type == PW_BIND_INT)
			rc = sqlite3_bind_int64(st, bi, b->i);
		else if (b->type == PW_BIND_BLOB)
			rc = sqlite3_bind_blob(st, bi, b->p, (int)b->len, SQLITE_STATIC);
		else
			rc = sqlite3_bind_text(st, bi, b->p, (int)b->len, SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			ret = sqerr(q, err, "query");
			goto out;
		}
	}
	if (qu->count_only) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			ret = sqerr(q, err, "query");
			goto out;
		}
		*out_count = (uint64_t)sqlite3_column_int64(st, 0);
		goto out;
	}
	uint64_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof row);
		col32(st, PW_COL_SHA256, row.sha256);
		row.precert = sqlite3_column_int(st, PW_COL_PRECERT) != 0;
		row.is_ca = sqlite3_column_int(st, PW_COL_IS_CA) != 0;
		col32(st, PW_COL_LINK, row.link_sha256);
		col32(st, PW_COL_SPKI, row.spki_sha256);
		col32(st, PW_COL_ISSUER_NAME_SHA256, row.issuer_name_sha256);
		row.subject = col_text(st, PW_COL_SUBJECT);
		row.issuer = col_text(st, PW_COL_ISSUER);
		row.serial = sqlite3_column_blob(st, PW_COL_SERIAL);
		row.serial_len = (size_t)sqlite3_column_bytes(st, PW_COL_SERIAL);
		if (row.serial_len > PW_STORE_MAX_SERIAL)
			row.serial_len = PW_STORE_MAX_SERIAL;
		pw_hex_encode(row.serial, row.serial_len, serial_hex);
		row.serial_hex = serial_hex;
		row.not_before = sqlite3_column_int64(st, PW_COL_NOT_BEFORE);
		row.not_after = sqlite3_column_int64(st, PW_COL_NOT_AFTER);
		row.profile = col_text(st, PW_COL_PROFILE);
		row.order = col_text(st, PW_COL_ORDER);
		row.subscriber = col_text(st, PW_COL_SUBSCRIBER);
		row.ingested_at = sqlite3_column_int64(st, PW_COL_INGESTED_AT);
		if (sqlite3_column_type(st, PW_COL_REVOKED_AT) != SQLITE_NULL) {
			row.revoked = 1;
			row.revoked_at = sqlite3_column_int64(st, PW_COL_REVOKED_AT);
			if (sqlite3_column_type(st, PW_COL_REASON) != SQLITE_NULL) {
				row.has_reason = 1;
				row.reason = (unsigned)sqlite3_column_int(st, PW_COL_REASON);
			}
		}
		uint8_t *self = row.precert ? row.precert_sha256 : row.cert_sha256;
		memcpy(self, row.sha256, 32);
		if (row.precert)
			row.has_precert_sha256 = 1;
		else
			row.has_cert_sha256 = 1;
		if (sqlite3_column_bytes(st, PW_COL_TWIN) == 32) {
			uint8_t *twin = row.precert ? row.cert_sha256 : row.precert_sha256;
			memcpy(twin, sqlite3_column_blob(st, PW_COL_TWIN), 32);
			if (row.precert)
				row.has_cert_sha256 = 1;
			else
				row.has_precert_sha256 = 1;
		}
		if (qu->want & (PW_STORE_WANT_DER | PW_STORE_WANT_NAMES)) {
			row.der = sqlite3_column_blob(st, PW_COL_DER);
			row.der_len = (size_t)sqlite3_column_bytes(st, PW_COL_DER);
		}
		n++;
		if (!fn(ctx, &row))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = sqerr(q, err, "query");
	if (out_count != NULL)
		*out_count = n;
out:
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_validations(struct pw_store *s, const uint8_t sha256[32],
                                     pw_store_validation_fn fn, void *ctx, struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	struct pw_store_validation v;
	int rc;
	sqlite3_stmt *st = stmt(q, S_VALIDATIONS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&v, 0, sizeof v);
		v.name = (char *)sqlite3_column_text(st, 0);
		snprintf(v.method, sizeof v.method, "%s", col_text(st, 1) ? col_text(st, 1) : "");
		v.at = sqlite3_column_int64(st, 2);
		if (v.name == NULL || !fn(ctx, &v))
			break;
	}
	enum pw_status ret = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? PW_OK
	                                                           : sqerr(q, err, "validation");
	done(st);
	return ret;
}

static enum pw_status sq_stats(struct pw_store *s, struct pw_store_stats *out,
                               struct pw_error *err)
{
	struct sq_store *q = SQ(s);
	int64_t v = 0, pages = 0, psize = 0;
	enum pw_status st;
	struct stat sb;
	char wal[4096];

	if ((st = one_int(q, S_COUNT_CERTS, &v, err)) != PW_OK)
		return st;
	out->certificates = (uint64_t)v;
	if ((st = one_int(q, S_COUNT_PRECERTS, &v, err)) != PW_OK)
		return st;
	out->precertificates = (uint64_t)v;
	if ((st = one_int(q, S_COUNT_NAMES, &v, err)) != PW_OK)
		return st;
	out->names = (uint64_t)v;
	if ((st = one_int(q, S_COUNT_VALIDATIONS, &v, err)) != PW_OK)
		return st;
	out->validations = (uint64_t)v;
	if ((st = one_int(q, S_COUNT_CAS, &v, err)) != PW_OK)
		return st;
	out->cas = (uint64_t)v;
	if ((st = one_int(q, S_PAGE_COUNT, &pages, err)) != PW_OK ||
	    (st = one_int(q, S_PAGE_SIZE, &psize, err)) != PW_OK)
		return st;
	out->db_bytes = (uint64_t)(pages * psize);
	if ((size_t)snprintf(wal, sizeof wal, "%s-wal", q->path) < sizeof wal &&
	    stat(wal, &sb) == 0)
		out->db_bytes += (uint64_t)sb.st_size;
	return PW_OK;
}

sqlite3 *pw_store_sqlite_get0_db(struct pw_store *s)
{
	return SQ(s)->db;
}

const char *pw_store_sqlite_get0_path(struct pw_store *s)
{
	return SQ(s)->path;
}

static const struct pw_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.schema_version = sq_schema_version,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_txn = sq_in_txn,
	.put = sq_put,
	.apply_metadata = sq_apply_metadata,
	.issuer_of_ca_cert = sq_issuer_of_ca_cert,
	.query = sq_query,
	.validations = sq_validations,
	.stats = sq_stats,
	.ext = &pw_sqlite_ext_ops,
	.publish = &pw_sqlite_publish_ops,
	.ocsp = &pw_sqlite_ocsp_ops,
	.monitor = &pw_sqlite_monitor_ops,
	.incident = &pw_sqlite_incident_ops,
	.inventory = &pw_sqlite_inventory_ops,
	.policy = &pw_sqlite_policy_ops,
	.serve = &pw_sqlite_serve_ops,
	.reports = &pw_sqlite_reports_ops,
};
