/* store/postgres.c: the PostgreSQL backend of the certificate base (issue 9,
 * first part): the core operations — schema, transactions, certificate
 * writes, metadata, find queries, validations, stats — and the evidence
 * tables (event log, revocations, blocked keys, problem reports, bulk jobs)
 * over libpq, with named prepared statements and binary parameters and
 * results (hashes and DER travel as raw bytes, never hex). The feature areas
 * (migrations 3-10) live in postgres_<area>.c over postgres_area.c's
 * statement cache. A connection lost outside a transaction is re-established
 * before the next statement (see live()).
 *
 * One connection per handle (libpq connections are not shared between
 * threads); ingest's parser thread never touches it. */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pkiward/buf.h"
#include "ext.h"
#include "incident_ops.h"
#include "inventory_ops.h"
#include "monitor_ops.h"
#include "ocsp_ops.h"
#include "policy_ops.h"
#include "postgres_internal.h"
#include "postgres_notify.h"
#include "publish_ops.h"
#include "reports_ops.h"
#include "serve_ops.h"

/* PostgreSQL type OIDs (pg_type.h; stable across versions). */
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20
#define PG_OID_TEXT 25

/* Parameters of one statement: store.c queries have at most
 * PW_STORE_MAX_BINDS. */
#define PG_MAX_PARAMS PW_STORE_MAX_BINDS
/* Distinct find queries kept prepared per connection. */
#define PG_QUERY_CACHE 64
/* An error message from the server is cut to this many bytes. */
#define PG_MSG_MAX 300
/* A notAfter (unix seconds) whose magnitude exceeds this goes to
 * certificate_der's DEFAULT partition without a year being computed. */
#define PG_DER_TIME_MAX (INT64_C(1) << 62)

enum pstmt {
	P_INS_CERT,
	P_CERT_ID,
	P_INS_DER,
	P_INS_NAME,
	P_INS_ISSUER_NAME,
	P_FIND_ISSUER_CA,
	P_INS_CA,
	P_GET_CA,
	P_SET_CA_ID,
	P_LINK_LEAVES,
	P_META_LINK,
	P_META_UPD,
	P_META_VAL,
	P_ISSUER_OF_CA,
	P_VALIDATIONS,
	P_COUNT_CERTS,
	P_COUNT_PRECERTS,
	P_COUNT_NAMES,
	P_COUNT_VALIDATIONS,
	P_COUNT_CAS,
	P_DB_SIZE,
	P_DEL_FINDINGS,
	P_INS_FINDING,
	P_EVENT_LOCK,
	P_EVENT_HEAD,
	P_EVENT_INS,
	P_EVENT_HEAD_SET,
	P_EVENT_LIST_ALL,
	P_EVENT_LIST_SUBJECT,
	P_REV_GET,
	P_REV_PUT,
	P_BK_INS,
	P_BK_LIST_ALL,
	P_BK_LIST_ONE,
	P_REPORT_INS,
	P_REPORT_STATUS,
	P_REPORT_GET,
	P_JOB_FIND,
	P_JOB_INS,
	P_JOB_ITEM_INS,
	P_JOB_PENDING,
	P_JOB_MARK,
	P_JOB_DONE_INC,
	P_JOB_FINISH,
	P_B_IDS,
	P_B_INS_CERT,
	P_B_PRESENT,
	P_B_DEL_FINDINGS,
	P_DER_PART,
	P_COUNT_
};

/* The same statements as sqlite.c's, in PostgreSQL's dialect ($n). */
static const char *const pstmt_sql[P_COUNT_] = {
	[P_INS_CERT] =
		"INSERT INTO certificate (sha256, link_sha256, issuer_name_sha256, issuer, serial,"
		" spki_sha256, subject, not_before, not_after, precert, is_ca, aki, issuer_ca_id,"
		" ingested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
		" ON CONFLICT DO NOTHING RETURNING id",
	[P_CERT_ID] = "SELECT id FROM certificate WHERE sha256 = $1",
	/* not_after: certificate_der's partition key (migration 12). */
	[P_INS_DER] = "INSERT INTO certificate_der (cert_id, not_after, der) VALUES ($1, $2, $3)",
	[P_INS_NAME] = "INSERT INTO name (rev, cert_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	[P_INS_ISSUER_NAME] =
		"INSERT INTO issuer_name (name_sha256, text) VALUES ($1, $2) ON CONFLICT DO NOTHING",
	/* RFC 5280 §4.2.1.1: AKI keyIdentifier = issuer SKI when both exist. */
	[P_FIND_ISSUER_CA] = "SELECT id FROM ca WHERE subject_name_sha256 = $1"
	                     " AND ($2::bytea IS NULL OR ski IS NULL OR ski = $2) ORDER BY id LIMIT 1",
	[P_INS_CA] = "INSERT INTO ca (subject_name_sha256, spki_sha256, subject, ski)"
	             " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
	[P_GET_CA] = "SELECT id FROM ca WHERE subject_name_sha256 = $1 AND spki_sha256 = $2",
	[P_SET_CA_ID] = "UPDATE certificate SET ca_id = $1 WHERE id = $2",
	[P_LINK_LEAVES] = "UPDATE certificate SET issuer_ca_id = $1 WHERE issuer_name_sha256 = $2"
	                  " AND issuer_ca_id IS NULL AND ($3::bytea IS NULL OR aki IS NULL OR aki = $3)",
	[P_META_LINK] = "SELECT link_sha256, issuer_name_sha256, serial FROM certificate"
	                " WHERE sha256 = $1",
	[P_META_UPD] = "UPDATE certificate SET profile = COALESCE($1, profile),"
	               " order_id = COALESCE($2, order_id), subscriber = COALESCE($3, subscriber)"
	               " WHERE issuer_name_sha256 = $5 AND serial = $6 AND link_sha256 = $4",
	[P_META_VAL] = "INSERT INTO validation (cert_id, name, method, at)"
	               " SELECT id, $2, $3, $4 FROM certificate WHERE issuer_name_sha256 = $5"
	               " AND serial = $6 AND link_sha256 = $1 ON CONFLICT DO NOTHING",
	[P_ISSUER_OF_CA] = "SELECT a.subject_name_sha256, a.ski FROM certificate c"
	                   " JOIN ca a ON a.id = c.ca_id WHERE c.sha256 = $1",
	[P_VALIDATIONS] = "SELECT v.name, v.method, v.at FROM validation v"
	                  " JOIN certificate c ON c.id = v.cert_id WHERE c.sha256 = $1"
	                  " ORDER BY v.at, v.name, v.method",
	[P_COUNT_CERTS] = "SELECT COUNT(*) FROM certificate",
	[P_COUNT_PRECERTS] = "SELECT COUNT(*) FROM certificate WHERE precert = 1",
	[P_COUNT_NAMES] = "SELECT COUNT(*) FROM name",
	[P_COUNT_VALIDATIONS] = "SELECT COUNT(*) FROM validation",
	[P_COUNT_CAS] = "SELECT COUNT(*) FROM ca",
	[P_DB_SIZE] = "SELECT pg_database_size(current_database())",
	[P_DEL_FINDINGS] = "DELETE FROM lint_finding WHERE cert_id = $1",
	[P_INS_FINDING] = "INSERT INTO lint_finding (cert_id, lint, result) VALUES ($1, $2, $3)"
	                  " ON CONFLICT (cert_id, lint) DO UPDATE SET result = EXCLUDED.result",
	/* Appends are serialised across nodes: the lock is held to the end of
	 * the appending transaction, so two nodes never chain onto one head. */
	[P_EVENT_LOCK] = "SELECT pg_advisory_xact_lock(7070708)",
	[P_EVENT_HEAD] = "SELECT id, hash FROM event_head WHERE one = 1",
	[P_EVENT_INS] = "INSERT INTO event (id, at, kind, subject, actor, payload, prev_hash, hash)"
	                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	[P_EVENT_HEAD_SET] = "INSERT INTO event_head (one, id, hash) VALUES (1, $1, $2)"
	                     " ON CONFLICT (one) DO UPDATE SET id = EXCLUDED.id, hash = EXCLUDED.hash",
	[P_EVENT_LIST_ALL] = "SELECT id, at, kind, subject, actor, payload, prev_hash, hash"
	                     " FROM event ORDER BY id",
	[P_EVENT_LIST_SUBJECT] = "SELECT id, at, kind, subject, actor, payload, prev_hash, hash"
	                         " FROM event WHERE subject = $1 ORDER BY id",
	[P_REV_GET] = "SELECT r.revoked_at, r.reason, r.event_id, r.requested_at, r.deadline"
	              " FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = $1",
	[P_REV_PUT] = "INSERT INTO revocation (cert_id, revoked_at, reason, event_id, requested_at,"
	              " deadline) SELECT id, $2, $3, $4, $5, $6 FROM certificate WHERE sha256 = $1"
	              " ON CONFLICT (cert_id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at,"
	              " reason = EXCLUDED.reason, event_id = EXCLUDED.event_id,"
	              " requested_at = EXCLUDED.requested_at, deadline = EXCLUDED.deadline",
	[P_BK_INS] = "INSERT INTO blocked_key (spki_sha256, why, proof, at, badkeys_sha256,"
	             " proof_type, report_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	             " ON CONFLICT (spki_sha256) DO NOTHING",
	[P_BK_LIST_ALL] = "SELECT spki_sha256, why, proof, at, badkeys_sha256, proof_type, report_id"
	                  " FROM blocked_key ORDER BY at, spki_sha256",
	[P_BK_LIST_ONE] = "SELECT spki_sha256, why, proof, at, badkeys_sha256, proof_type, report_id"
	                  " FROM blocked_key WHERE spki_sha256 = $1",
	[P_REPORT_INS] = "INSERT INTO report (received_at, reporter, kind, status, deadline, subject,"
	                 " payload) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	[P_REPORT_STATUS] = "UPDATE report SET status = $1 WHERE id = $2",
	[P_REPORT_GET] = "SELECT id, received_at, reporter, kind, status, deadline, subject, payload"
	                 " FROM report WHERE id = $1",
	[P_JOB_FIND] = "SELECT id, created_at, reason, total, done, finished_at FROM revoke_job"
	               " WHERE job_key = $1",
	[P_JOB_INS] = "INSERT INTO revoke_job (job_key, created_at, source, reason, total, done)"
	              " VALUES ($1, $2, $3, $4, $5, 0) RETURNING id",
	[P_JOB_ITEM_INS] = "INSERT INTO revoke_job_item (job_id, seq, sha256) VALUES ($1, $2, $3)",
	[P_JOB_PENDING] = "SELECT seq, sha256 FROM revoke_job_item WHERE job_id = $1 AND seq > $2"
	                  " AND done_at IS NULL ORDER BY seq LIMIT $3",
	[P_JOB_MARK] = "UPDATE revoke_job_item SET done_at = $1, outcome = $2 WHERE job_id = $3"
	               " AND seq = $4 AND done_at IS NULL",
	[P_JOB_DONE_INC] = "UPDATE revoke_job SET done = done + 1 WHERE id = $1",
	[P_JOB_FINISH] = "UPDATE revoke_job SET finished_at = $1 WHERE id = $2 AND finished_at IS NULL",
	/* Bulk ingest (put_batch): ids are drawn first so that names, DER and
	 * findings can be staged with their certificate's id. */
	[P_B_IDS] = "SELECT nextval(pg_get_serial_sequence('certificate', 'id'))"
	            " FROM generate_series(1, $1)",
	/* The issuer lookup is P_FIND_ISSUER_CA's (RFC 5280 §4.2.1.1), once per
	 * distinct (issuer Name, AKI) of the run rather than per row (an empty
	 * bytea stands for a missing AKI in the join: aki is never empty).
	 * ON CONFLICT DO NOTHING covers both unique keys, as in P_INS_CERT. */
	[P_B_INS_CERT] =
		"INSERT INTO certificate (id, sha256, link_sha256, issuer_name_sha256,"
		" issuer, serial, spki_sha256, subject, not_before, not_after, precert, is_ca, aki,"
		" issuer_ca_id, ingested_at) SELECT s.id, s.sha256, s.link_sha256, s.issuer_name_sha256,"
		" s.issuer, s.serial, s.spki_sha256, s.subject, s.not_before, s.not_after, s.precert,"
		" s.is_ca, s.aki, m.ca_id, s.ingested_at FROM pw_stage_cert s LEFT JOIN"
		" (SELECT i.n, i.k, (SELECT a.id FROM ca a WHERE a.subject_name_sha256 = i.n"
		" AND (i.aki IS NULL OR a.ski IS NULL OR a.ski = i.aki) ORDER BY a.id LIMIT 1) AS ca_id"
		" FROM (SELECT DISTINCT issuer_name_sha256 AS n, aki, COALESCE(aki, '\\x'::bytea) AS k"
		" FROM pw_stage_cert) i) m ON m.n = s.issuer_name_sha256"
		" AND m.k = COALESCE(s.aki, '\\x'::bytea) WHERE s.skip = 0"
		" ON CONFLICT DO NOTHING RETURNING id",
	/* Staged rows not inserted whose SHA-256 is stored: "already present". */
	[P_B_PRESENT] = "SELECT s.id, c.id FROM pw_stage_cert s JOIN certificate c"
	                " ON c.sha256 = s.sha256 WHERE c.id <> s.id",
	[P_B_DEL_FINDINGS] = "DELETE FROM lint_finding WHERE cert_id = ANY ($1::text::bigint[])",
	/* The certificate_der partition of one year of notAfter (migration 12). */
	[P_DER_PART] = "SELECT pw_certificate_der_partition($1::integer)",
};

/* The staging table of put_batch: temporary (this connection only) and
 * emptied at commit. Created on first use in each transaction if a rollback
 * dropped it; emptied between the runs of one batch (see pg_put_batch).
 * Only what the set-based INSERT needs: DER, names and findings go straight
 * to their tables with COPY once the inserted certificates are known. */
static const char pg_stage_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS pw_stage_cert ("
	" id BIGINT NOT NULL, sha256 BYTEA NOT NULL, link_sha256 BYTEA NOT NULL,"
	" issuer_name_sha256 BYTEA NOT NULL, issuer TEXT NOT NULL, serial BYTEA NOT NULL,"
	" spki_sha256 BYTEA NOT NULL, subject TEXT NOT NULL, not_before BIGINT NOT NULL,"
	" not_after BIGINT NOT NULL, precert INTEGER NOT NULL, is_ca INTEGER NOT NULL, aki BYTEA,"
	" ingested_at BIGINT NOT NULL, skip INTEGER NOT NULL) ON COMMIT DELETE ROWS";
static const char pg_stage_clear_sql[] = "TRUNCATE pw_stage_cert";
static const char pg_copy_cert_sql[] =
	"COPY pw_stage_cert (id, sha256, link_sha256, issuer_name_sha256, issuer, serial,"
	" spki_sha256, subject, not_before, not_after, precert, is_ca, aki, ingested_at,"
	" skip) FROM STDIN (FORMAT binary)";
#define PG_COPY_CERT_FIELDS 15
static const char pg_copy_der_sql[] =
	"COPY certificate_der (cert_id, not_after, der) FROM STDIN (FORMAT binary)";
static const char pg_copy_name_sql[] =
	"COPY name (rev, cert_id, kind) FROM STDIN (FORMAT binary)";
static const char pg_copy_finding_sql[] =
	"COPY lint_finding (cert_id, lint, result) FROM STDIN (FORMAT binary)";


struct pg_store {
	struct pw_store base;
	PGconn *conn;
	unsigned char prepared[P_COUNT_];
	uint64_t qkeys[PG_QUERY_CACHE]; /* find queries prepared as "q<key>" */
	size_t n_qkeys;
	/* The issuing CA of the last certificate written (runs of one issuer). */
	int issuer_ca_valid;
	uint8_t issuer_ca_name[32];
	uint8_t issuer_ca_aki[64];
	size_t issuer_ca_aki_len;
	int64_t issuer_ca_id;
	/* The staging tables hold rows of this transaction (put_batch). */
	int stage_used;
	/* BEGIN succeeded and neither COMMIT nor ROLLBACK ran since: a lost
	 * connection is then a lost transaction, never silently replaced. */
	int txn_open;
	/* Bumped by every reconnect: statements prepared under an older value
	 * (the areas' too, postgres_area.c) must be prepared again. */
	uint64_t epoch;
	/* Bit y - PW_PG_DER_YEAR_FIRST: the certificate_der partition of year y
	 * is known to exist (asked or created on this connection). Cleared by a
	 * rollback, which may have undone a creation. */
	uint64_t der_years[(PW_PG_DER_YEAR_LAST - PW_PG_DER_YEAR_FIRST) / 64 + 1];
};

#define PG(s) ((struct pg_store *)(s))

/* Parameters in libpq's arrays; ints are sent as big-endian int8. */
struct params {
	const char *v[PG_MAX_PARAMS];
	int len[PG_MAX_PARAMS];
	int fmt[PG_MAX_PARAMS];
	Oid type[PG_MAX_PARAMS];
	uint64_t ints[PG_MAX_PARAMS];
	int n;
};

static void p_blob(struct params *p, const void *v, size_t n)
{
	/* An empty BYTEA still needs a non-NULL pointer (NULL means SQL NULL). */
	p->v[p->n] = v != NULL ? (const char *)v : "";
	p->len[p->n] = (int)n;
	p->fmt[p->n] = 1;
	p->type[p->n++] = PG_OID_BYTEA;
}

static void p_blob_or_null(struct params *p, const void *v, size_t n)
{
	if (v == NULL || n == 0) {
		p->v[p->n] = NULL;
		p->len[p->n] = 0;
		p->fmt[p->n] = 1;
		p->type[p->n++] = PG_OID_BYTEA;
		return;
	}
	p_blob(p, v, n);
}

static void p_text(struct params *p, const char *t)
{
	p->v[p->n] = t; /* NULL: SQL NULL */
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	p->type[p->n++] = PG_OID_TEXT;
}

static void p_text_n(struct params *p, const char *t, size_t n, struct pw_buf *tmp)
{
	/* Text parameters are NUL-terminated for libpq: copy a counted one. */
	size_t off = tmp->len;
	pw_buf_append(tmp, t, n);
	pw_buf_append(tmp, "", 1);
	p->v[p->n] = (const char *)(uintptr_t)off; /* rebased in fix_text */
	p->len[p->n] = -1;
	p->fmt[p->n] = 0;
	p->type[p->n++] = PG_OID_TEXT;
}

static void p_int(struct params *p, int64_t v)
{
	p->ints[p->n] = htobe64((uint64_t)v);
	p->v[p->n] = (const char *)&p->ints[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n] = 1;
	p->type[p->n++] = PG_OID_INT8;
}

static void p_int_or_null(struct params *p, int64_t v)
{
	if (v > 0) {
		p_int(p, v);
		return;
	}
	p->v[p->n] = NULL;
	p->len[p->n] = 0;
	p->fmt[p->n] = 1;
	p->type[p->n++] = PG_OID_INT8;
}

static enum pw_status pgerr(struct pg_store *q, const PGresult *r, struct pw_error *err,
                            const char *what)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(q->conn);
	char msg[PG_MSG_MAX];
	snprintf(msg, sizeof msg, "%s", m != NULL && *m ? m : "unknown error");
	msg[strcspn(msg, "\n")] = '\0';
	if (q->conn != NULL && PQstatus(q->conn) == CONNECTION_BAD)
		/* The server went away (stopped, restarted, network): whatever the
		 * open transaction wrote is rolled back by the server, so retrying
		 * the whole request once it is back neither loses nor doubles it. */
		return pw_error_set(err, PW_ERR_STORE, 0, 0, what,
		                    "postgresql: connection lost (%s); the transaction was rolled back, "
		                    "retry when the server is back", msg);
	return pw_error_set(err, PW_ERR_STORE, 0, 0, what, "postgresql: %s", msg);
}

/* Session settings every connection gets (after connecting and after each
 * reconnect). */
static enum pw_status session_setup(struct pg_store *q, struct pw_error *err);

/* Makes sure the connection is up before a statement. A connection lost
 * outside a transaction is re-established (PQreset, same URI): a
 * long-running `pkiward serve` or `monitor` survives a database restart.
 * Lost inside one, the statement fails: the server rolled the transaction
 * back and only the caller can redo it (rollback clears txn_open, so its
 * next begin reconnects). */
static enum pw_status live(struct pg_store *q, struct pw_error *err)
{
	if (PQstatus(q->conn) == CONNECTION_OK)
		return PW_OK;
	if (q->txn_open)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "postgresql: connection lost inside a transaction; it was rolled "
		                    "back, retry when the server is back");
	PQreset(q->conn);
	if (PQstatus(q->conn) != CONNECTION_OK) {
		char msg[PG_MSG_MAX];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(q->conn));
		msg[strcspn(msg, "\n")] = '\0';
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "postgresql: connection lost and reconnecting failed (%s)", msg);
	}
	/* A new server session: nothing prepared, no temporary tables. */
	q->epoch++;
	memset(q->prepared, 0, sizeof q->prepared);
	q->n_qkeys = 0;
	q->issuer_ca_valid = 0;
	q->stage_used = 0;
	memset(q->der_years, 0, sizeof q->der_years);
	return session_setup(q, err);
}

static int result_ok(const PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* Runs a one-off command (no parameters) in text mode. */
static enum pw_status exec_simple(struct pg_store *q, const char *sql, struct pw_error *err)
{
	PGresult *r = PQexec(q->conn, sql);
	enum pw_status st = result_ok(r) ? PW_OK : pgerr(q, r, err, "sql");
	PQclear(r);
	return st;
}

/* Prepares (once per connection) and runs statement id; NULL (err set) on
 * failure, else a result the caller PQclears. Results are binary. */
static PGresult *run(struct pg_store *q, enum pstmt id, const struct params *p,
                     struct pw_error *err, const char *what)
{
	char name[16];
	snprintf(name, sizeof name, "p%d", (int)id);
	if (live(q, err) != PW_OK)
		return NULL;
	if (!q->prepared[id]) {
		PGresult *r = PQprepare(q->conn, name, pstmt_sql[id], p->n, p->type);
		if (!result_ok(r)) {
			pgerr(q, r, err, what);
			PQclear(r);
			return NULL;
		}
		PQclear(r);
		q->prepared[id] = 1;
	}
	PGresult *r = PQexecPrepared(q->conn, name, p->n, p->v, p->len, p->fmt, 1);
	if (!result_ok(r)) {
		pgerr(q, r, err, what);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Binary results: integers by their width, bytea and text as raw bytes
 * (libpq NUL-terminates every value). */
static int64_t get_int(const PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	switch (PQgetlength(r, row, col)) {
	case 8: memcpy(&u64, v, 8); return (int64_t)be64toh(u64);
	case 4: memcpy(&u32, v, 4); return (int32_t)be32toh(u32);
	case 2: memcpy(&u16, v, 2); return (int16_t)be16toh(u16);
	default: return 0;
	}
}

static void get32(const PGresult *r, int row, int col, uint8_t out[32])
{
	if (PQgetlength(r, row, col) == 32)
		memcpy(out, PQgetvalue(r, row, col), 32);
	else
		memset(out, 0, 32);
}

static const char *get_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* ------------------------------------------------------------------------ */
/* Connection, schema, transactions                                          */
/* ------------------------------------------------------------------------ */

static enum pw_status one_int_simple(struct pg_store *q, const char *sql, int64_t *out,
                                     struct pw_error *err)
{
	PGresult *r = PQexec(q->conn, sql);
	enum pw_status st = PW_OK;
	if (!result_ok(r) || PQntuples(r) != 1)
		st = pgerr(q, r, err, "schema_version");
	else
		*out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return st;
}

static enum pw_status migrate(struct pg_store *q, int flags, struct pw_error *err)
{
	enum pw_status st;
	int64_t version = 0, others = 0;
	char sql[128];

	/* One transaction under an advisory lock: two nodes opening a new
	 * database at once do not both apply a migration, and a failure leaves
	 * the previous version intact. */
	if ((st = exec_simple(q, "BEGIN", err)) != PW_OK)
		return st;
	if ((st = exec_simple(q, "SELECT pg_advisory_xact_lock(7070707)", err)) != PW_OK ||
	    (st = one_int_simple(q,
	                         "SELECT COUNT(*) FROM information_schema.tables"
	                         " WHERE table_schema = current_schema()"
	                         " AND table_name <> 'schema_version'",
	                         &others, err)) != PW_OK ||
	    (st = exec_simple(q,
	                      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
	                      " applied_at BIGINT NOT NULL)",
	                      err)) != PW_OK ||
	    (st = one_int_simple(q, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &version,
	                         err)) != PW_OK)
		goto fail;
	/* Without CREATE, any database that is not a pkiward store is "not
	 * found", as store.h promises and SQLite answers; only an init refuses
	 * another application's tables. */
	if (version == 0 && !(flags & PW_STORE_CREATE)) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "store",
		                  "no pkiward store in this database (run `pkiward init`)");
		goto fail;
	}
	if (version == 0 && others > 0) {
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema",
		                  "not a pkiward store (the database holds other tables)");
		goto fail;
	}
	if (version > PW_PG_N_MIGRATIONS) {
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema_version",
		                  "schema version %lld is newer than this pkiward (%d)",
		                  (long long)version, PW_PG_N_MIGRATIONS);
		goto fail;
	}
	if (version < PW_PG_N_MIGRATIONS && (flags & PW_STORE_READONLY)) {
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema_version",
		                  "schema version %lld needs migrating; open it writable once",
		                  (long long)version);
		goto fail;
	}
	for (int64_t v = version; v < PW_PG_N_MIGRATIONS; v++) {
		if ((st = exec_simple(q, pw_pg_migrations[v], err)) != PW_OK)
			goto fail;
		/* Both values are integers from this program, not input. */
		snprintf(sql, sizeof sql,
		         "INSERT INTO schema_version VALUES (%lld, EXTRACT(EPOCH FROM now())::bigint)",
		         (long long)v + 1);
		if ((st = exec_simple(q, sql, err)) != PW_OK)
			goto fail;
	}
	return exec_simple(q, "COMMIT", err);
fail:
	PQclear(PQexec(q->conn, "ROLLBACK"));
	return st;
}

static void close_areas(struct pw_store *s)
{
	const struct pw_store_ops *o = s->ops;
	if (o->publish != NULL && o->publish->close != NULL)
		o->publish->close(s);
	if (o->ocsp != NULL && o->ocsp->close != NULL)
		o->ocsp->close(s);
	if (o->monitor != NULL && o->monitor->close != NULL)
		o->monitor->close(s);
	if (o->incident != NULL && o->incident->close != NULL)
		o->incident->close(s);
	if (o->inventory != NULL && o->inventory->close != NULL)
		o->inventory->close(s);
	if (o->policy != NULL && o->policy->close != NULL)
		o->policy->close(s);
	if (o->serve != NULL && o->serve->close != NULL)
		o->serve->close(s);
	if (o->reports != NULL && o->reports->close != NULL)
		o->reports->close(s);
}

static void pg_close(struct pw_store *s)
{
	struct pg_store *q = PG(s);
	close_areas(s);
	if (q->conn != NULL && PQstatus(q->conn) == CONNECTION_OK &&
	    PQtransactionStatus(q->conn) != PQTRANS_IDLE)
		PQclear(PQexec(q->conn, "ROLLBACK"));
	PQfinish(q->conn);
	free(q);
}

static enum pw_status pg_schema_version(struct pw_store *s, int *out, struct pw_error *err)
{
	int64_t v = 0;
	enum pw_status st =
		one_int_simple(PG(s), "SELECT COALESCE(MAX(version), 0) FROM schema_version", &v, err);
	if (st == PW_OK)
		*out = (int)v;
	return st;
}

static enum pw_status pg_begin(struct pw_store *s, struct pw_error *err)
{
	struct pg_store *q = PG(s);
	enum pw_status st;
	if (q->txn_open ||
	    (PQstatus(q->conn) == CONNECTION_OK && PQtransactionStatus(q->conn) != PQTRANS_IDLE))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "a transaction is already open");
	if ((st = live(q, err)) != PW_OK)
		return st;
	if ((st = exec_simple(q, "BEGIN", err)) == PW_OK)
		q->txn_open = 1;
	return st;
}

static enum pw_status pg_commit(struct pw_store *s, struct pw_error *err)
{
	struct pg_store *q = PG(s);
	q->stage_used = 0; /* ON COMMIT DELETE ROWS (or the commit failed: rolled back) */
	q->txn_open = 0;
	enum pw_status st = exec_simple(q, "COMMIT", err);
	if (st != PW_OK) {
		q->issuer_ca_valid = 0; /* the cached id may have been rolled back */
		memset(q->der_years, 0, sizeof q->der_years); /* and partitions created */
	}
	return st;
}

static void pg_rollback(struct pw_store *s)
{
	struct pg_store *q = PG(s);
	if (PQstatus(q->conn) == CONNECTION_OK)
		PQclear(PQexec(q->conn, "ROLLBACK"));
	q->txn_open = 0;
	q->issuer_ca_valid = 0; /* the cached id may have been rolled back */
	q->stage_used = 0;
	memset(q->der_years, 0, sizeof q->der_years); /* and partitions created */
}

static int pg_in_txn(struct pw_store *s)
{
	struct pg_store *q = PG(s);
	/* A lost connection still counts as the open transaction it carried
	 * until the caller rolls it back. */
	if (q->txn_open)
		return 1;
	PGTransactionStatusType t = PQtransactionStatus(q->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */
/* ------------------------------------------------------------------------ */

static enum pw_status cmd(struct pg_store *q, enum pstmt id, const struct params *p,
                          struct pw_error *err, const char *what)
{
	PGresult *r = run(q, id, p, err, what);
	if (r == NULL)
		return PW_ERR_STORE;
	PQclear(r);
	return PW_OK;
}

/* The first column of the first row as an integer; *found 0 when no row. */
static enum pw_status one_id(struct pg_store *q, enum pstmt id, const struct params *p,
                             int64_t *out, int *found, struct pw_error *err, const char *what)
{
	PGresult *r = run(q, id, p, err, what);
	if (r == NULL)
		return PW_ERR_STORE;
	*found = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0);
	*out = *found ? get_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status issuer_ca(struct pg_store *q, const struct pw_store_rec *r, int64_t *out,
                                struct pw_error *err)
{
	struct params p = {0};
	int found;
	if (q->issuer_ca_valid && memcmp(q->issuer_ca_name, r->issuer_name_sha256, 32) == 0 &&
	    q->issuer_ca_aki_len == r->aki_len &&
	    (r->aki_len == 0 || memcmp(q->issuer_ca_aki, r->aki, r->aki_len) == 0)) {
		*out = q->issuer_ca_id;
		return PW_OK;
	}
	p_blob(&p, r->issuer_name_sha256, 32);
	p_blob_or_null(&p, r->aki, r->aki_len);
	enum pw_status st = one_id(q, P_FIND_ISSUER_CA, &p, out, &found, err, "ca");
	if (st != PW_OK)
		return st;
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

static enum pw_status put_issuer_name(struct pg_store *q, const uint8_t hash[32], const char *text,
                                      struct pw_error *err)
{
	struct params p = {0};
	p_blob(&p, hash, 32);
	p_text(&p, text);
	return cmd(q, P_INS_ISSUER_NAME, &p, err, "issuer_name");
}

/* A CA certificate creates (or joins) its CA identity and links the
 * certificates it issued that were stored before it (as sqlite.c). */
static enum pw_status put_ca(struct pg_store *q, const struct pw_store_rec *r, int64_t cert_id,
                             struct pw_error *err)
{
	enum pw_status st;
	struct params p = {0};
	int64_t ca_id;
	int added, found;

	if ((st = put_issuer_name(q, r->subject_name_sha256, r->subject, err)) != PW_OK)
		return st;
	p_blob(&p, r->subject_name_sha256, 32);
	p_blob(&p, r->spki_sha256, 32);
	p_text(&p, r->subject);
	p_blob_or_null(&p, r->ski, r->ski_len);
	if ((st = one_id(q, P_INS_CA, &p, &ca_id, &added, err, "ca")) != PW_OK)
		return st;
	if (!added) {
		memset(&p, 0, sizeof p);
		p_blob(&p, r->subject_name_sha256, 32);
		p_blob(&p, r->spki_sha256, 32);
		if ((st = one_id(q, P_GET_CA, &p, &ca_id, &found, err, "ca")) != PW_OK)
			return st;
		if (!found)
			return pw_error_set(err, PW_ERR_STORE, 0, 0, "ca", "CA identity vanished");
	}
	memset(&p, 0, sizeof p);
	p_int(&p, ca_id);
	p_int(&p, cert_id);
	if ((st = cmd(q, P_SET_CA_ID, &p, err, "certificate.ca_id")) != PW_OK)
		return st;
	if (added) {
		q->issuer_ca_valid = 0;
		memset(&p, 0, sizeof p);
		p_int(&p, ca_id);
		p_blob(&p, r->subject_name_sha256, 32);
		p_blob_or_null(&p, r->ski, r->ski_len);
		if ((st = cmd(q, P_LINK_LEAVES, &p, err, "certificate.issuer_ca_id")) != PW_OK)
			return st;
	}
	return PW_OK;
}

/* The UTC calendar year of a time in unix seconds (proleptic Gregorian;
 * days to civil date as in H. Hinnant's "chrono-compatible low-level date
 * algorithms"), for any int64_t without overflow. */
static int64_t utc_year(int64_t t)
{
	int64_t days = t / 86400 - (t % 86400 < 0);
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                                    /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                  /* [0, 11], March = 0 */
	return yoe + era * 400 + (mp >= 10);
}

/* Makes sure the certificate_der partition that a row with this notAfter
 * belongs to exists before the row is written (migration 12): one call of
 * pw_certificate_der_partition per year and connection; a notAfter outside
 * the window needs none (DEFAULT). */
static enum pw_status der_partition(struct pg_store *q, int64_t not_after, struct pw_error *err)
{
	/* Far beyond any year of the window (and of X.509's 0000-9999). */
	if (not_after > PG_DER_TIME_MAX || not_after < -PG_DER_TIME_MAX)
		return PW_OK;
	int64_t y = utc_year(not_after);
	if (y < PW_PG_DER_YEAR_FIRST || y > PW_PG_DER_YEAR_LAST)
		return PW_OK;
	size_t bit = (size_t)(y - PW_PG_DER_YEAR_FIRST);
	uint64_t mask = UINT64_C(1) << (bit % 64);
	if (q->der_years[bit / 64] & mask)
		return PW_OK;
	struct params p = {0};
	p_int(&p, y);
	PGresult *r = run(q, P_DER_PART, &p, err, "certificate_der");
	if (r == NULL)
		return PW_ERR_STORE;
	PQclear(r);
	q->der_years[bit / 64] |= mask;
	return PW_OK;
}

static enum pw_status put_findings(struct pg_store *q, int64_t id, const struct pw_store_rec *r,
                                   int replace, struct pw_error *err)
{
	enum pw_status st;
	struct params p = {0};
	if (replace) {
		p_int(&p, id);
		if ((st = cmd(q, P_DEL_FINDINGS, &p, err, "lint_finding")) != PW_OK)
			return st;
	}
	const char *f = r->findings;
	for (size_t i = 0; i < r->n_findings; i++) {
		const char *lint = f;
		const char *result = lint + strlen(lint) + 1;
		f = result + strlen(result) + 1;
		memset(&p, 0, sizeof p);
		p_int(&p, id);
		p_text(&p, lint);
		p_text(&p, result);
		if ((st = cmd(q, P_INS_FINDING, &p, err, "lint_finding")) != PW_OK)
			return st;
	}
	return PW_OK;
}

static enum pw_status pg_put(struct pw_store *s, const struct pw_store_rec *r, int *out_inserted,
                             struct pw_error *err)
{
	struct pg_store *q = PG(s);
	enum pw_status st;
	struct params p = {0};
	int64_t issuer_id = 0, id;
	int found;

	*out_inserted = 0;
	if ((st = issuer_ca(q, r, &issuer_id, err)) != PW_OK)
		return st;
	p_blob(&p, r->sha256, 32);
	p_blob(&p, r->link_sha256, 32);
	p_blob(&p, r->issuer_name_sha256, 32);
	p_text(&p, r->issuer);
	p_blob(&p, r->serial, r->serial_len);
	p_blob(&p, r->spki_sha256, 32);
	p_text(&p, r->subject);
	p_int(&p, r->not_before);
	p_int(&p, r->not_after);
	p_int(&p, r->precert);
	p_int(&p, r->is_ca);
	p_blob_or_null(&p, r->aki, r->aki_len);
	p_int_or_null(&p, issuer_id);
	p_int(&p, r->ingested_at);
	/* ON CONFLICT DO NOTHING covers both unique keys, so a conflict never
	 * aborts the batch's transaction; which one it was is asked after. */
	if ((st = one_id(q, P_INS_CERT, &p, &id, &found, err, "certificate")) != PW_OK)
		return st;
	if (!found) {
		memset(&p, 0, sizeof p);
		p_blob(&p, r->sha256, 32);
		if ((st = one_id(q, P_CERT_ID, &p, &id, &found, err, "certificate")) != PW_OK)
			return st;
		if (found) /* already present: only its lint findings are refreshed */
			return r->has_findings ? put_findings(q, id, r, 1, err) : PW_OK;
		char hex[2 * PW_STORE_MAX_SERIAL + 1];
		pw_hex_encode(r->serial, r->serial_len, hex);
		/* BR 7.1: serials are unique per issuer (as sqlite.c). */
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "tbsCertificate.serialNumber",
		                    "another %s from issuer \"%s\" already has serial %s",
		                    r->precert ? "precertificate" : "certificate", r->issuer, hex);
	}
	if ((st = der_partition(q, r->not_after, err)) != PW_OK)
		return st;
	memset(&p, 0, sizeof p);
	p_int(&p, id);
	p_int(&p, r->not_after);
	p_blob(&p, r->der, r->der_len);
	if ((st = cmd(q, P_INS_DER, &p, err, "certificate_der")) != PW_OK)
		return st;
	const char *n = r->names;
	for (size_t i = 0; i < r->n_names; i++) {
		int kind = (unsigned char)n[0];
		const char *key = n + 1;
		memset(&p, 0, sizeof p);
		p_text(&p, key);
		p_int(&p, id);
		p_int(&p, kind);
		if ((st = cmd(q, P_INS_NAME, &p, err, "name")) != PW_OK)
			return st;
		n = key + strlen(key) + 1;
	}
	if ((st = put_issuer_name(q, r->issuer_name_sha256, r->issuer, err)) != PW_OK)
		return st;
	if (r->is_ca && (st = put_ca(q, r, id, err)) != PW_OK)
		return st;
	if (r->has_findings && (st = put_findings(q, id, r, 0, err)) != PW_OK)
		return st;
	*out_inserted = 1;
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Bulk writing (COPY)                                                       */
/* ------------------------------------------------------------------------ */

/* Bytes handed to PQputCopyData at once. */
#define PG_COPY_CHUNK ((size_t)1 << 20)

/* PostgreSQL's binary COPY format (COPY documentation, "Binary Format"):
 * a signature, flags and header-extension length, then per row a field
 * count and per field a length (-1: NULL) and the value in the column
 * type's binary form (big-endian integers, raw bytea and text bytes). */
static void cp_header(struct pw_buf *b)
{
	static const uint8_t sig[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0,
	                                0,   0,   0,   0,   0,   0,   0,   0};
	pw_buf_append(b, sig, sizeof sig);
}

static void cp_row(struct pw_buf *b, int fields)
{
	uint16_t v = htobe16((uint16_t)fields);
	pw_buf_append(b, &v, 2);
}

static void cp_trailer(struct pw_buf *b)
{
	uint16_t v = 0xffff;
	pw_buf_append(b, &v, 2);
}

static void cp_bytes(struct pw_buf *b, const void *p, size_t n)
{
	uint32_t l = htobe32((uint32_t)n);
	pw_buf_append(b, &l, 4);
	if (n > 0)
		pw_buf_append(b, p, n);
}

static void cp_bytes_or_null(struct pw_buf *b, const void *p, size_t n)
{
	uint32_t l = 0xffffffffu;
	if (p == NULL || n == 0)
		pw_buf_append(b, &l, 4);
	else
		cp_bytes(b, p, n);
}

static void cp_text(struct pw_buf *b, const char *t)
{
	cp_bytes(b, t, strlen(t));
}

static void cp_int8(struct pw_buf *b, int64_t v)
{
	uint64_t x = htobe64((uint64_t)v);
	cp_bytes(b, &x, 8);
}

static void cp_int4(struct pw_buf *b, int32_t v)
{
	uint32_t x = htobe32((uint32_t)v);
	cp_bytes(b, &x, 4);
}

/* Runs one COPY ... FROM STDIN with the rows in data (header and trailer
 * included). */
static enum pw_status copy_in(struct pg_store *q, const char *sql, const struct pw_buf *data,
                              struct pw_error *err, const char *what)
{
	enum pw_status st = PW_OK;
	if (data->failed)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, what, "out of memory");
	PGresult *r = PQexec(q->conn, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		st = pgerr(q, r, err, what);
		PQclear(r);
		return st;
	}
	PQclear(r);
	for (size_t off = 0; off < data->len;) {
		size_t n = data->len - off < PG_COPY_CHUNK ? data->len - off : PG_COPY_CHUNK;
		if (PQputCopyData(q->conn, (const char *)data->data + off, (int)n) != 1) {
			st = pgerr(q, NULL, err, what);
			PQputCopyEnd(q->conn, "client error");
			break;
		}
		off += n;
	}
	if (st == PW_OK && PQputCopyEnd(q->conn, NULL) != 1)
		st = pgerr(q, NULL, err, what);
	/* Drain every result (the COPY's, then NULL). */
	while ((r = PQgetResult(q->conn)) != NULL) {
		if (st == PW_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
			st = pgerr(q, r, err, what);
		PQclear(r);
	}
	return st;
}

/* Sorting a run's records to find repeats within it. */
struct bulk_ix {
	const struct pw_store_rec *r;
	size_t i;
};

static int cmp_sha(const void *a, const void *b)
{
	const struct bulk_ix *x = a, *y = b;
	int c = memcmp(x->r->sha256, y->r->sha256, 32);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* certificate's second unique key: (issuer_name_sha256, serial, precert). */
static int cmp_key(const void *a, const void *b)
{
	const struct bulk_ix *x = a, *y = b;
	int c = memcmp(x->r->issuer_name_sha256, y->r->issuer_name_sha256, 32);
	if (c == 0 && x->r->serial_len != y->r->serial_len)
		c = x->r->serial_len < y->r->serial_len ? -1 : 1;
	if (c == 0)
		c = memcmp(x->r->serial, y->r->serial, x->r->serial_len);
	if (c == 0)
		c = (x->r->precert > y->r->precert) - (x->r->precert < y->r->precert);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Index of the run's record with id (ids ascend with the records). */
static size_t id_index(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? lo : n;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Record states within one run. */
enum { B_STAGE = 0, B_REPEAT = 1, B_KEY_LOSER = 2 };

/* Appends the lint findings of r for certificate id to a COPY buffer; a
 * lint named twice keeps its last result, as P_INS_FINDING's upsert would. */
static size_t cp_findings(struct pw_buf *fb, int64_t id, const struct pw_store_rec *r)
{
	size_t rows = 0;
	const char *f = r->findings;
	for (size_t k = 0; k < r->n_findings; k++) {
		const char *lint = f;
		const char *result = lint + strlen(lint) + 1;
		f = result + strlen(result) + 1;
		int later = 0;
		const char *g = f;
		for (size_t l = k + 1; l < r->n_findings && !later; l++) {
			later = strcmp(g, lint) == 0;
			g += strlen(g) + 1;
			g += strlen(g) + 1;
		}
		if (later)
			continue;
		cp_row(fb, 3);
		cp_int8(fb, id);
		cp_text(fb, lint);
		cp_text(fb, result);
		rows++;
	}
	return rows;
}

/* Writes a run of non-CA records with COPY and set-based statements, with
 * the outcomes one put after the other would give:
 * - a SHA-256 seen earlier in the run is "already present" (its findings
 *   are the earlier copy's: the same certificate linted the same way);
 * - a record whose (issuer, serial, kind) an earlier record of the run
 *   holds is not inserted, but is still "already present" if its own
 *   SHA-256 is stored, as put answers that first;
 * - everything else is decided by the server's ON CONFLICT DO NOTHING.
 * Round trips: ids, COPY of the staging rows, the INSERT, (the stored
 * ones), COPY of DER, of names, one per distinct issuer Name, (a DELETE
 * of re-linted findings), COPY of findings. */
static enum pw_status put_run(struct pg_store *q, const struct pw_store_rec *const *recs, size_t n,
                              int *inserted, struct pw_error *errs, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	struct params p = {0};
	struct pw_buf cb, db, nb, fb, del;
	PGresult *r = NULL;
	int64_t *ids = malloc(n * sizeof *ids);
	int64_t *stored = calloc(n, sizeof *stored); /* id of an already stored copy */
	unsigned char *state = calloc(n, 1);
	struct bulk_ix *ix = malloc(n * sizeof *ix);
	size_t n_ins = 0, n_left = 0, n_names = 0, n_findings = 0, n_del = 0;

	pw_buf_init(&cb);
	pw_buf_init(&db);
	pw_buf_init(&nb);
	pw_buf_init(&fb);
	pw_buf_init(&del);
	if (ids == NULL || stored == NULL || state == NULL || ix == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "certificate", "out of memory");
		goto out;
	}
	if ((st = exec_simple(q, pg_stage_sql, err)) != PW_OK ||
	    (q->stage_used && (st = exec_simple(q, pg_stage_clear_sql, err)) != PW_OK))
		goto out;
	q->stage_used = 1;

	/* Repeats within the run. */
	for (size_t i = 0; i < n; i++) {
		ix[i] = (struct bulk_ix){recs[i], i};
		inserted[i] = 0;
	}
	qsort(ix, n, sizeof *ix, cmp_sha);
	for (size_t i = 1; i < n; i++)
		if (memcmp(ix[i].r->sha256, ix[i - 1].r->sha256, 32) == 0)
			state[ix[i].i] = B_REPEAT;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (state[i] != B_REPEAT)
			ix[m++] = (struct bulk_ix){recs[i], i};
	qsort(ix, m, sizeof *ix, cmp_key);
	for (size_t i = 1; i < m; i++)
		if (cmp_key(&(struct bulk_ix){ix[i].r, 0}, &(struct bulk_ix){ix[i - 1].r, 0}) == 0)
			state[ix[i].i] = B_KEY_LOSER;

	/* Ids for the run, ascending in record order. */
	p_int(&p, (int64_t)n);
	if ((r = run(q, P_B_IDS, &p, err, "certificate")) == NULL) {
		st = PW_ERR_STORE;
		goto out;
	}
	if ((size_t)PQntuples(r) != n) {
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "certificate",
		                  "postgresql: %d ids for %zu rows", PQntuples(r), n);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = get_int(r, (int)i, 0);
	PQclear(r);
	r = NULL;
	qsort(ids, n, sizeof *ids, cmp_i64);

	cp_header(&cb);
	for (size_t i = 0; i < n; i++) {
		const struct pw_store_rec *c = recs[i];
		if (state[i] == B_REPEAT)
			continue;
		cp_row(&cb, PG_COPY_CERT_FIELDS);
		cp_int8(&cb, ids[i]);
		cp_bytes(&cb, c->sha256, 32);
		cp_bytes(&cb, c->link_sha256, 32);
		cp_bytes(&cb, c->issuer_name_sha256, 32);
		cp_text(&cb, c->issuer);
		cp_bytes(&cb, c->serial, c->serial_len);
		cp_bytes(&cb, c->spki_sha256, 32);
		cp_text(&cb, c->subject);
		cp_int8(&cb, c->not_before);
		cp_int8(&cb, c->not_after);
		cp_int4(&cb, c->precert);
		cp_int4(&cb, c->is_ca);
		cp_bytes_or_null(&cb, c->aki, c->aki_len);
		cp_int8(&cb, c->ingested_at);
		cp_int4(&cb, state[i] == B_KEY_LOSER);
	}
	cp_trailer(&cb);
	if ((st = copy_in(q, pg_copy_cert_sql, &cb, err, "certificate")) != PW_OK)
		goto out;

	memset(&p, 0, sizeof p);
	if ((r = run(q, P_B_INS_CERT, &p, err, "certificate")) == NULL) {
		st = PW_ERR_STORE;
		goto out;
	}
	for (int row = 0; row < PQntuples(r); row++) {
		size_t i = id_index(ids, n, get_int(r, row, 0));
		if (i < n && state[i] != B_REPEAT && inserted[i] != 1) {
			inserted[i] = 1;
			n_ins++;
		}
	}
	PQclear(r);
	r = NULL;
	for (size_t i = 0; i < n; i++)
		if (state[i] != B_REPEAT && inserted[i] != 1) {
			inserted[i] = -1; /* until found stored below */
			n_left++;
		}
	if (n_left > 0) {
		if ((r = run(q, P_B_PRESENT, &p, err, "certificate")) == NULL) {
			st = PW_ERR_STORE;
			goto out;
		}
		for (int row = 0; row < PQntuples(r); row++) {
			size_t i = id_index(ids, n, get_int(r, row, 0));
			if (i < n && inserted[i] == -1) {
				inserted[i] = 0;
				stored[i] = get_int(r, row, 1);
			}
		}
		PQclear(r);
		r = NULL;
		for (size_t i = 0; i < n; i++) {
			const struct pw_store_rec *c = recs[i];
			char hex[2 * PW_STORE_MAX_SERIAL + 1];
			if (inserted[i] != -1)
				continue;
			/* BR 7.1: serials are unique per issuer (the message of pg_put). */
			pw_hex_encode(c->serial,
			              c->serial_len < PW_STORE_MAX_SERIAL ? c->serial_len : PW_STORE_MAX_SERIAL,
			              hex);
			pw_error_clear(&errs[i]);
			pw_error_set(&errs[i], PW_ERR_EXISTS, 0, 0, "tbsCertificate.serialNumber",
			             "another %s from issuer \"%s\" already has serial %s",
			             c->precert ? "precertificate" : "certificate", c->issuer, hex);
		}
	}

	/* DER, names and findings of the new certificates cannot conflict (new
	 * ids; name keys are distinct per certificate, pw_store_rec), and the
	 * findings of stored ones are deleted first: plain COPY into the tables. */
	cp_header(&db);
	cp_header(&nb);
	cp_header(&fb);
	pw_buf_puts(&del, "{");
	for (size_t i = 0; i < n; i++) {
		const struct pw_store_rec *c = recs[i];
		if (inserted[i] == 1) {
			if ((st = der_partition(q, c->not_after, err)) != PW_OK)
				goto out;
			cp_row(&db, 3);
			cp_int8(&db, ids[i]);
			cp_int8(&db, c->not_after);
			cp_bytes(&db, c->der, c->der_len);
			const char *nm = c->names;
			for (size_t k = 0; k < c->n_names; k++) {
				const char *key = nm + 1;
				cp_row(&nb, 3);
				cp_text(&nb, key);
				cp_int8(&nb, ids[i]);
				cp_int4(&nb, (unsigned char)nm[0]);
				nm = key + strlen(key) + 1;
				n_names++;
			}
			if (c->has_findings)
				n_findings += cp_findings(&fb, ids[i], c);
		} else if (stored[i] > 0 && c->has_findings) {
			pw_buf_printf(&del, "%s%" PRId64, n_del++ ? "," : "", stored[i]);
			n_findings += cp_findings(&fb, stored[i], c);
		}
	}
	pw_buf_puts(&del, "}");
	cp_trailer(&db);
	cp_trailer(&nb);
	cp_trailer(&fb);
	if (n_ins > 0 && (st = copy_in(q, pg_copy_der_sql, &db, err, "certificate_der")) != PW_OK)
		goto out;
	if (n_names > 0 && (st = copy_in(q, pg_copy_name_sql, &nb, err, "name")) != PW_OK)
		goto out;
	/* Issuer Names: the first new certificate's text of each wins, as one
	 * put after the other; a batch holds few distinct issuers. */
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (inserted[i] == 1)
			ix[m++] = (struct bulk_ix){recs[i], i};
	qsort(ix, m, sizeof *ix, cmp_key);
	for (size_t i = 0; i < m; i++) {
		if (i > 0 && memcmp(ix[i].r->issuer_name_sha256, ix[i - 1].r->issuer_name_sha256, 32) == 0)
			continue;
		/* The earliest record of this Name (cmp_key orders by Name first). */
		size_t first = i;
		for (size_t j = i + 1;
		     j < m && memcmp(ix[j].r->issuer_name_sha256, ix[i].r->issuer_name_sha256, 32) == 0; j++)
			if (ix[j].i < ix[first].i)
				first = j;
		if ((st = put_issuer_name(q, ix[first].r->issuer_name_sha256, ix[first].r->issuer, err)) !=
		    PW_OK)
			goto out;
	}
	if (n_del > 0) {
		if (del.failed) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "lint_finding", "out of memory");
			goto out;
		}
		memset(&p, 0, sizeof p);
		p_text(&p, (const char *)del.data);
		if ((st = cmd(q, P_B_DEL_FINDINGS, &p, err, "lint_finding")) != PW_OK)
			goto out;
	}
	if (n_findings > 0 && (st = copy_in(q, pg_copy_finding_sql, &fb, err, "lint_finding")) != PW_OK)
		goto out;
out:
	PQclear(r);
	pw_buf_cleanup(&cb);
	pw_buf_cleanup(&db);
	pw_buf_cleanup(&nb);
	pw_buf_cleanup(&fb);
	pw_buf_cleanup(&del);
	free(ids);
	free(stored);
	free(state);
	free(ix);
	return st;
}

/* Records of one COPY run at most (bounds the staging buffers with the
 * ingest batch's own limits; a larger batch is written in several runs). */
#define PG_BULK_MAX_RUN 100000

static enum pw_status pg_put_batch(struct pw_store *s, const struct pw_store_rec *const *recs,
                                   size_t n, int *inserted, struct pw_error *errs,
                                   struct pw_error *err)
{
	struct pg_store *q = PG(s);
	enum pw_status st;
	size_t i = 0;

	while (i < n) {
		if (recs[i]->is_ca) {
			/* CA certificates are rare and create or join a CA identity
			 * and link the leaves stored before them (put_ca): one at a
			 * time, in order, so leaves later in the batch find them. */
			pw_error_clear(&errs[i]);
			st = pg_put(s, recs[i], &inserted[i], &errs[i]);
			if (st == PW_ERR_EXISTS) {
				inserted[i] = -1;
			} else if (st != PW_OK) {
				*err = errs[i];
				return st;
			}
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && !recs[j]->is_ca && j - i < PG_BULK_MAX_RUN)
			j++;
		if ((st = put_run(q, recs + i, j - i, inserted + i, errs + i, err)) != PW_OK)
			return st;
		i = j;
	}
	return PW_OK;
}

static enum pw_status pg_apply_metadata(struct pw_store *s, const struct pw_store_metadata *m,
                                        struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	enum pw_status st;
	uint8_t link[32], iname[32], serial[PW_STORE_MAX_SERIAL];
	size_t serial_len;
	char hex[65];

	p_blob(&p, m->sha256, 32);
	PGresult *r = run(q, P_META_LINK, &p, err, "certificate");
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) == 0) {
		PQclear(r);
		pw_hex_encode(m->sha256, 32, hex);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "no certificate with SHA-256 %s in the store or this ingest", hex);
	}
	get32(r, 0, 0, link);
	get32(r, 0, 1, iname);
	serial_len = (size_t)PQgetlength(r, 0, 2);
	if (serial_len > sizeof serial)
		serial_len = sizeof serial;
	memcpy(serial, PQgetvalue(r, 0, 2), serial_len);
	PQclear(r);
	if (m->profile != NULL || m->order != NULL || m->subscriber != NULL) {
		memset(&p, 0, sizeof p);
		p_text(&p, m->profile);
		p_text(&p, m->order);
		p_text(&p, m->subscriber);
		p_blob(&p, link, 32);
		p_blob(&p, iname, 32);
		p_blob(&p, serial, serial_len);
		if ((st = cmd(q, P_META_UPD, &p, err, "certificate")) != PW_OK)
			return st;
	}
	for (size_t i = 0; i < m->n_validations; i++) {
		const struct pw_store_validation *v = &m->validations[i];
		memset(&p, 0, sizeof p);
		p_blob(&p, link, 32);
		p_text(&p, v->name);
		p_text(&p, v->method);
		p_int(&p, v->at);
		p_blob(&p, iname, 32);
		p_blob(&p, serial, serial_len);
		if ((st = cmd(q, P_META_VAL, &p, err, "validation")) != PW_OK)
			return st;
	}
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */
/* ------------------------------------------------------------------------ */

static enum pw_status pg_issuer_of_ca_cert(struct pw_store *s, const uint8_t sha256[32],
                                           uint8_t name_sha256[32], uint8_t *ski, size_t ski_max,
                                           size_t *ski_len, struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	char hex[65];
	*ski_len = 0;
	p_blob(&p, sha256, 32);
	PGresult *r = run(q, P_ISSUER_OF_CA, &p, err, "ca");
	if (r == NULL)
		return PW_ERR_STORE;
	enum pw_status st = PW_OK;
	if (PQntuples(r) > 0 && PQgetlength(r, 0, 0) == 32) {
		memcpy(name_sha256, PQgetvalue(r, 0, 0), 32);
		size_t n = PQgetisnull(r, 0, 1) ? 0 : (size_t)PQgetlength(r, 0, 1);
		if (n > 0 && n <= ski_max) {
			memcpy(ski, PQgetvalue(r, 0, 1), n);
			*ski_len = n;
		}
	} else {
		pw_hex_encode(sha256, 32, hex);
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "issuer",
		                  "no CA certificate with SHA-256 %s in the store", hex);
	}
	PQclear(r);
	return st;
}

/* The DER join of store.c's queries with certificate_der's partition key
 * (PW_STORE_SQL_DER_JOIN): a row's DER is then read from its own year's
 * partition. Measured on 250k certificates in 27 partitions, a lookup by
 * SHA-256 with DER touched 59 buffers without the key (one index probe per
 * partition) and 7 with it; 2.5-3.5x the lookups per second. */
static const char pg_der_join[] = PW_STORE_SQL_DER_JOIN " AND d.not_after = c.not_after";

/* store.c's queries use "?" placeholders in order; PostgreSQL wants $n.
 * The builder's SQL holds no quoted text, but quotes are honoured anyway.
 * The DER join gains the partition key (pg_der_join). */
static int to_dollar(const char *sql, struct pw_buf *out)
{
	static const size_t join_len = sizeof PW_STORE_SQL_DER_JOIN - 1;
	int n = 0, quoted = 0;
	for (const char *c = sql; *c; c++) {
		if (*c == '\'')
			quoted = !quoted;
		if (!quoted && strncmp(c, PW_STORE_SQL_DER_JOIN, join_len) == 0 &&
		    !(c[join_len] == '_' || (c[join_len] >= '0' && c[join_len] <= '9') ||
		      ((c[join_len] | 0x20) >= 'a' && (c[join_len] | 0x20) <= 'z'))) {
			pw_buf_puts(out, pg_der_join);
			c += join_len - 1;
			continue;
		}
		if (*c == '?' && !quoted)
			pw_buf_printf(out, "$%d", ++n);
		else
			pw_buf_append(out, c, 1);
	}
	pw_buf_append(out, "", 1);
	return !out->failed;
}

/* Prepares query qu once per connection (by its key) and runs it. */
static PGresult *run_query(struct pg_store *q, const struct pw_store_query *qu,
                           const struct params *p, struct pw_error *err)
{
	char name[24];
	size_t i;
	snprintf(name, sizeof name, "q%016" PRIx64, qu->key);
	if (live(q, err) != PW_OK)
		return NULL;
	for (i = 0; i < q->n_qkeys && q->qkeys[i] != qu->key; i++)
		;
	if (i == q->n_qkeys) {
		struct pw_buf sql;
		pw_buf_init(&sql);
		if (!to_dollar(qu->sql, &sql)) {
			pw_buf_cleanup(&sql);
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return NULL;
		}
		if (q->n_qkeys == PG_QUERY_CACHE) {
			/* Full: forget the oldest server-side statement. */
			char old[24], dealloc[40];
			snprintf(old, sizeof old, "q%016" PRIx64, q->qkeys[0]);
			snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", old);
			PQclear(PQexec(q->conn, dealloc));
			memmove(q->qkeys, q->qkeys + 1, (PG_QUERY_CACHE - 1) * sizeof q->qkeys[0]);
			q->n_qkeys--;
		}
		PGresult *r = PQprepare(q->conn, name, (const char *)sql.data, p->n, p->type);
		pw_buf_cleanup(&sql);
		if (!result_ok(r)) {
			pgerr(q, r, err, "query");
			PQclear(r);
			return NULL;
		}
		PQclear(r);
		q->qkeys[q->n_qkeys++] = qu->key;
	}
	PGresult *r = PQexecPrepared(q->conn, name, p->n, p->v, p->len, p->fmt, 1);
	if (!result_ok(r)) {
		pgerr(q, r, err, "query");
		PQclear(r);
		return NULL;
	}
	return r;
}

static enum pw_status pg_query(struct pw_store *s, const struct pw_store_query *qu,
                               pw_store_row_fn fn, void *ctx, uint64_t *out_count,
                               struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	struct pw_buf texts;
	struct pw_store_row row;
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	enum pw_status ret = PW_OK;
	PGresult *r = NULL;

	if (qu->n_binds > PG_MAX_PARAMS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "query", "too many parameters");
	pw_buf_init(&texts);
	for (size_t i = 0; i < qu->n_binds; i++) {
		const struct pw_store_bind *b = &qu->binds[i];
		if (b->type == PW_BIND_INT)
			p_int(&p, b->i);
		else if (b->type == PW_BIND_BLOB)
			p_blob(&p, b->p, b->len);
		else
			p_text_n(&p, b->p, b->len, &texts);
	}
	if (texts.failed) {
		ret = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (int i = 0; i < p.n; i++) /* text offsets become pointers now texts stopped moving */
		if (p.len[i] == -1) {
			p.v[i] = (const char *)texts.data + (uintptr_t)p.v[i];
			p.len[i] = 0;
		}
	if ((r = run_query(q, qu, &p, err)) == NULL) {
		ret = PW_ERR_STORE;
		goto out;
	}
	if (qu->count_only) {
		*out_count = PQntuples(r) > 0 ? (uint64_t)get_int(r, 0, 0) : 0;
		goto out;
	}
	int rows = PQntuples(r);
	uint64_t n = 0;
	for (int i = 0; i < rows; i++) {
		memset(&row, 0, sizeof row);
		get32(r, i, PW_COL_SHA256, row.sha256);
		row.precert = get_int(r, i, PW_COL_PRECERT) != 0;
		row.is_ca = get_int(r, i, PW_COL_IS_CA) != 0;
		get32(r, i, PW_COL_LINK, row.link_sha256);
		get32(r, i, PW_COL_SPKI, row.spki_sha256);
		get32(r, i, PW_COL_ISSUER_NAME_SHA256, row.issuer_name_sha256);
		row.subject = get_text(r, i, PW_COL_SUBJECT);
		row.issuer = get_text(r, i, PW_COL_ISSUER);
		row.serial = (const uint8_t *)PQgetvalue(r, i, PW_COL_SERIAL);
		row.serial_len = (size_t)PQgetlength(r, i, PW_COL_SERIAL);
		if (row.serial_len > PW_STORE_MAX_SERIAL)
			row.serial_len = PW_STORE_MAX_SERIAL;
		pw_hex_encode(row.serial, row.serial_len, serial_hex);
		row.serial_hex = serial_hex;
		row.not_before = get_int(r, i, PW_COL_NOT_BEFORE);
		row.not_after = get_int(r, i, PW_COL_NOT_AFTER);
		row.profile = get_text(r, i, PW_COL_PROFILE);
		row.order = get_text(r, i, PW_COL_ORDER);
		row.subscriber = get_text(r, i, PW_COL_SUBSCRIBER);
		row.ingested_at = get_int(r, i, PW_COL_INGESTED_AT);
		if (!PQgetisnull(r, i, PW_COL_REVOKED_AT)) {
			row.revoked = 1;
			row.revoked_at = get_int(r, i, PW_COL_REVOKED_AT);
			if (!PQgetisnull(r, i, PW_COL_REASON)) {
				row.has_reason = 1;
				row.reason = (unsigned)get_int(r, i, PW_COL_REASON);
			}
		}
		uint8_t *self = row.precert ? row.precert_sha256 : row.cert_sha256;
		memcpy(self, row.sha256, 32);
		if (row.precert)
			row.has_precert_sha256 = 1;
		else
			row.has_cert_sha256 = 1;
		if (!PQgetisnull(r, i, PW_COL_TWIN) && PQgetlength(r, i, PW_COL_TWIN) == 32) {
			uint8_t *twin = row.precert ? row.cert_sha256 : row.precert_sha256;
			memcpy(twin, PQgetvalue(r, i, PW_COL_TWIN), 32);
			if (row.precert)
				row.has_cert_sha256 = 1;
			else
				row.has_precert_sha256 = 1;
		}
		if ((qu->want & (PW_STORE_WANT_DER | PW_STORE_WANT_NAMES)) &&
		    PQnfields(r) > PW_COL_DER) {
			row.der = (const uint8_t *)PQgetvalue(r, i, PW_COL_DER);
			row.der_len = (size_t)PQgetlength(r, i, PW_COL_DER);
		}
		n++;
		if (!fn(ctx, &row))
			break;
	}
	if (out_count != NULL)
		*out_count = n;
out:
	PQclear(r);
	pw_buf_cleanup(&texts);
	return ret;
}

static enum pw_status pg_validations(struct pw_store *s, const uint8_t sha256[32],
                                     pw_store_validation_fn fn, void *ctx, struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	struct pw_store_validation v;
	p_blob(&p, sha256, 32);
	PGresult *r = run(q, P_VALIDATIONS, &p, err, "validation");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		memset(&v, 0, sizeof v);
		v.name = PQgetvalue(r, i, 0);
		snprintf(v.method, sizeof v.method, "%s", PQgetvalue(r, i, 1));
		v.at = get_int(r, i, 2);
		if (!fn(ctx, &v))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status count(struct pg_store *q, enum pstmt id, uint64_t *out, struct pw_error *err)
{
	struct params p = {0};
	int64_t v;
	int found;
	enum pw_status st = one_id(q, id, &p, &v, &found, err, "stats");
	*out = st == PW_OK && found ? (uint64_t)v : 0;
	return st;
}

static enum pw_status pg_stats(struct pw_store *s, struct pw_store_stats *out,
                               struct pw_error *err)
{
	struct pg_store *q = PG(s);
	enum pw_status st;
	if ((st = count(q, P_COUNT_CERTS, &out->certificates, err)) != PW_OK ||
	    (st = count(q, P_COUNT_PRECERTS, &out->precertificates, err)) != PW_OK ||
	    (st = count(q, P_COUNT_NAMES, &out->names, err)) != PW_OK ||
	    (st = count(q, P_COUNT_VALIDATIONS, &out->validations, err)) != PW_OK ||
	    (st = count(q, P_COUNT_CAS, &out->cas, err)) != PW_OK ||
	    (st = count(q, P_DB_SIZE, &out->db_bytes, err)) != PW_OK)
		return st;
	return PW_OK;
}

/* ------------------------------------------------------------------------ */
/* Evidence: the event log, revocations, blocked keys, reports, bulk jobs    */
/* ------------------------------------------------------------------------ */

static enum pw_status pg_event_head(struct pw_store *s, int64_t *out_id, uint8_t out_hash[32],
                                    struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	enum pw_status st;
	*out_id = 0;
	memset(out_hash, 0, 32);
	if (pg_in_txn(s) && (st = cmd(q, P_EVENT_LOCK, &p, err, "event_head")) != PW_OK)
		return st;
	PGresult *r = run(q, P_EVENT_HEAD, &p, err, "event_head");
	if (r == NULL)
		return PW_ERR_STORE;
	st = PW_OK;
	if (PQntuples(r) > 0) {
		*out_id = get_int(r, 0, 0);
		if (PQgetlength(r, 0, 1) == 32)
			memcpy(out_hash, PQgetvalue(r, 0, 1), 32);
		else
			st = pw_error_set(err, PW_ERR_STORE, 0, 0, "event_head.hash",
			                  "the recorded head hash is not 32 bytes");
	}
	PQclear(r);
	return st;
}

static enum pw_status pg_event_insert(struct pw_store *s, const struct pw_store_event *e,
                                      struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	enum pw_status st;
	p_int(&p, e->id);
	p_int(&p, e->at);
	p_text(&p, e->kind);
	p_text(&p, e->subject);
	p_text(&p, e->actor);
	p_text(&p, e->payload);
	p_blob_or_null(&p, e->has_prev_hash ? e->prev_hash : NULL, 32);
	p_blob(&p, e->hash, 32);
	if ((st = cmd(q, P_EVENT_INS, &p, err, "event")) != PW_OK)
		return st;
	memset(&p, 0, sizeof p);
	p_int(&p, e->id);
	p_blob(&p, e->hash, 32);
	return cmd(q, P_EVENT_HEAD_SET, &p, err, "event_head");
}

static enum pw_status pg_event_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                                    void *ctx, struct pw_error *err)
{
	struct pg_store *q = PG(s);
	struct params p = {0};
	struct pw_store_event e;
	if (subject != NULL)
		p_text(&p, subject);
	PGresult *r = run(q, subject ? P_EVENT_LIST_SUBJECT : P_EVENT_LIST_ALL, &p, err, "event");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		memset(&e, 0, sizeof e);
		e.id = get_int(r, i, 0);
		e.at = get_int(r, i, 1);
		e.kind = PQgetvalue(r, i, 2);
		e.subject = get_text(r, i, 3);
		e.actor = get_text(r, i, 4);
		e.payload = get_text(r, i, 5);
		/* A wrong-size hash goes on as zeroes, so verification reports it. */
		if (!PQgetisnull(r, i, 6)) {
			e.has_prev_hash = 1;
			if (PQgetlength(r, i, 6) == 32)
				memcpy(e.prev_hash, PQgetvalue(r, i, 6), 32);
		}
		if (PQgetlength(r, i, 7) == 32)
			memcpy(e.hash, PQgetvalue(r, i, 7), 32);
		if (!fn(ctx, &e))
			break;
	}
	PQclear(r);
	return PW_OK;
}

/* Rows a command changed (UPDATE/INSERT without RETURNING). */
static enum pw_status cmd_changes(struct pg_store *q, enum pstmt id, const struct params *p,
                                  long *changed, struct pw_error *err, const char *what)
{
	PGresult *r = run(q, id, p, err, what);
	if (r == NULL)
		return PW_ERR_STORE;
	*changed = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return PW_OK;
}

static enum pw_status pg_revocation_get(struct pw_store *s, const uint8_t sha256[32],
                                        struct pw_store_revocation *out, struct pw_error *err)
{
	struct params p = {0};
	char hex[65];
	memset(out, 0, sizeof *out);
	memcpy(out->sha256, sha256, 32);
	p_blob(&p, sha256, 32);
	PGresult *r = run(PG(s), P_REV_GET, &p, err, "revocation");
	if (r == NULL)
		return PW_ERR_STORE;
	enum pw_status st = PW_OK;
	if (PQntuples(r) > 0) {
		out->revoked_at = get_int(r, 0, 0);
		if (!PQgetisnull(r, 0, 1)) {
			out->has_reason = 1;
			out->reason = (unsigned)get_int(r, 0, 1);
		}
		out->event_id = get_int(r, 0, 2);
		out->requested_at = get_int(r, 0, 3);
		out->deadline = get_int(r, 0, 4);
	} else {
		pw_hex_encode(sha256, 32, hex);
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256", "%s is not revoked", hex);
	}
	PQclear(r);
	return st;
}

static enum pw_status pg_revocation_put(struct pw_store *s, const struct pw_store_revocation *rv,
                                        struct pw_error *err)
{
	struct params p = {0};
	char hex[65];
	long changed = 0;
	p_blob(&p, rv->sha256, 32);
	p_int(&p, rv->revoked_at);
	if (rv->has_reason)
		p_int(&p, (int64_t)rv->reason);
	else
		p_int_or_null(&p, 0);
	p_int_or_null(&p, rv->event_id);
	p_int(&p, rv->requested_at);
	p_int(&p, rv->deadline);
	enum pw_status st = cmd_changes(PG(s), P_REV_PUT, &p, &changed, err, "revocation");
	if (st == PW_OK && changed == 0) {
		pw_hex_encode(rv->sha256, 32, hex);
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                  "no certificate with SHA-256 %s in the store", hex);
	}
	return st;
}

static enum pw_status pg_blocked_key_put(struct pw_store *s, const struct pw_store_blocked_key *k,
                                         int *out_inserted, struct pw_error *err)
{
	struct params p = {0};
	long changed = 0;
	p_blob(&p, k->spki_sha256, 32);
	p_text(&p, k->why ? k->why : "");
	p_blob_or_null(&p, k->proof, k->proof_len);
	p_int(&p, k->at);
	p_blob_or_null(&p, k->has_badkeys_sha256 ? k->badkeys_sha256 : NULL, 32);
	p_text(&p, k->proof_type);
	p_int_or_null(&p, k->report_id);
	enum pw_status st = cmd_changes(PG(s), P_BK_INS, &p, &changed, err, "blocked_key");
	if (st == PW_OK && out_inserted != NULL)
		*out_inserted = changed > 0;
	return st;
}

static enum pw_status pg_blocked_key_list(struct pw_store *s, const uint8_t *spki_sha256,
                                          pw_store_blocked_key_fn fn, void *ctx,
                                          struct pw_error *err)
{
	struct params p = {0};
	struct pw_store_blocked_key k;
	if (spki_sha256 != NULL)
		p_blob(&p, spki_sha256, 32);
	PGresult *r = run(PG(s), spki_sha256 ? P_BK_LIST_ONE : P_BK_LIST_ALL, &p, err, "blocked_key");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		memset(&k, 0, sizeof k);
		if (PQgetlength(r, i, 0) != 32)
			continue; /* not a SHA-256: cannot name a key */
		memcpy(k.spki_sha256, PQgetvalue(r, i, 0), 32);
		k.why = PQgetvalue(r, i, 1);
		if (!PQgetisnull(r, i, 2)) {
			k.proof = (const uint8_t *)PQgetvalue(r, i, 2);
			k.proof_len = (size_t)PQgetlength(r, i, 2);
		}
		k.at = get_int(r, i, 3);
		if (PQgetlength(r, i, 4) == 32) {
			k.has_badkeys_sha256 = 1;
			memcpy(k.badkeys_sha256, PQgetvalue(r, i, 4), 32);
		}
		k.proof_type = get_text(r, i, 5);
		k.report_id = PQgetisnull(r, i, 6) ? 0 : get_int(r, i, 6);
		if (!fn(ctx, &k))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status pg_report_add(struct pw_store *s, const struct pw_store_problem_report *rp,
                                    int64_t *out_id, struct pw_error *err)
{
	struct params p = {0};
	int found;
	p_int(&p, rp->received_at);
	p_text(&p, rp->reporter);
	p_text(&p, rp->kind);
	p_text(&p, rp->status);
	p_int(&p, rp->deadline);
	p_text(&p, rp->subject);
	p_text(&p, rp->payload);
	return one_id(PG(s), P_REPORT_INS, &p, out_id, &found, err, "report");
}

static enum pw_status pg_report_set_status(struct pw_store *s, int64_t id, const char *status,
                                           struct pw_error *err)
{
	struct params p = {0};
	long changed = 0;
	p_text(&p, status);
	p_int(&p, id);
	enum pw_status st = cmd_changes(PG(s), P_REPORT_STATUS, &p, &changed, err, "report");
	if (st == PW_OK && changed == 0)
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld", (long long)id);
	return st;
}

static enum pw_status pg_report_get(struct pw_store *s, int64_t id, pw_store_problem_report_fn fn,
                                    void *ctx, struct pw_error *err)
{
	struct params p = {0};
	struct pw_store_problem_report rp;
	p_int(&p, id);
	PGresult *r = run(PG(s), P_REPORT_GET, &p, err, "report");
	if (r == NULL)
		return PW_ERR_STORE;
	enum pw_status st = PW_OK;
	if (PQntuples(r) > 0) {
		memset(&rp, 0, sizeof rp);
		rp.id = get_int(r, 0, 0);
		rp.received_at = get_int(r, 0, 1);
		rp.reporter = get_text(r, 0, 2);
		rp.kind = get_text(r, 0, 3);
		rp.status = get_text(r, 0, 4);
		rp.deadline = get_int(r, 0, 5);
		rp.subject = get_text(r, 0, 6);
		rp.payload = get_text(r, 0, 7);
		fn(ctx, &rp);
	} else {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld", (long long)id);
	}
	PQclear(r);
	return st;
}

static enum pw_status pg_job_find(struct pw_store *s, const uint8_t key[32],
                                  struct pw_store_revoke_job *out, struct pw_error *err)
{
	struct params p = {0};
	memset(out, 0, sizeof *out);
	memcpy(out->key, key, 32);
	p_blob(&p, key, 32);
	PGresult *r = run(PG(s), P_JOB_FIND, &p, err, "revoke_job");
	if (r == NULL)
		return PW_ERR_STORE;
	enum pw_status st = PW_OK;
	if (PQntuples(r) > 0) {
		out->id = get_int(r, 0, 0);
		out->created_at = get_int(r, 0, 1);
		if (!PQgetisnull(r, 0, 2)) {
			out->has_reason = 1;
			out->reason = (unsigned)get_int(r, 0, 2);
		}
		out->total = (uint64_t)get_int(r, 0, 3);
		out->done = (uint64_t)get_int(r, 0, 4);
		out->finished_at = PQgetisnull(r, 0, 5) ? 0 : get_int(r, 0, 5);
	} else {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "revoke_job", "no such job");
	}
	PQclear(r);
	return st;
}

static enum pw_status pg_job_create(struct pw_store *s, const struct pw_store_revoke_job *j,
                                    const uint8_t *sha256s, size_t n, int64_t *out_id,
                                    struct pw_error *err)
{
	struct params p = {0};
	enum pw_status st;
	int64_t id;
	int found;
	p_blob(&p, j->key, 32);
	p_int(&p, j->created_at);
	p_text(&p, j->source ? j->source : "");
	if (j->has_reason)
		p_int(&p, (int64_t)j->reason);
	else
		p_int_or_null(&p, 0);
	p_int(&p, (int64_t)n);
	if ((st = one_id(PG(s), P_JOB_INS, &p, &id, &found, err, "revoke_job")) != PW_OK)
		return st;
	for (size_t i = 0; i < n; i++) {
		memset(&p, 0, sizeof p);
		p_int(&p, id);
		p_int(&p, (int64_t)i + 1);
		p_blob(&p, sha256s + 32 * i, 32);
		if ((st = cmd(PG(s), P_JOB_ITEM_INS, &p, err, "revoke_job_item")) != PW_OK)
			return st;
	}
	*out_id = id;
	return PW_OK;
}

static enum pw_status pg_job_pending(struct pw_store *s, int64_t job_id, int64_t after_seq,
                                     size_t max, struct pw_store_job_item *out, size_t *out_n,
                                     struct pw_error *err)
{
	struct params p = {0};
	*out_n = 0;
	p_int(&p, job_id);
	p_int(&p, after_seq);
	p_int(&p, (int64_t)max);
	PGresult *r = run(PG(s), P_JOB_PENDING, &p, err, "revoke_job_item");
	if (r == NULL)
		return PW_ERR_STORE;
	size_t n = 0;
	for (int i = 0; i < PQntuples(r) && n < max; i++, n++) {
		out[n].seq = get_int(r, i, 0);
		get32(r, i, 1, out[n].sha256);
	}
	PQclear(r);
	*out_n = n;
	return PW_OK;
}

static enum pw_status pg_job_mark(struct pw_store *s, int64_t job_id, int64_t seq,
                                  const char *outcome, int64_t at, struct pw_error *err)
{
	struct params p = {0};
	long changed = 0;
	enum pw_status st;
	p_int(&p, at);
	p_text(&p, outcome);
	p_int(&p, job_id);
	p_int(&p, seq);
	if ((st = cmd_changes(PG(s), P_JOB_MARK, &p, &changed, err, "revoke_job_item")) != PW_OK)
		return st;
	if (changed == 0)
		return PW_OK; /* already done: the count was moved then */
	memset(&p, 0, sizeof p);
	p_int(&p, job_id);
	return cmd(PG(s), P_JOB_DONE_INC, &p, err, "revoke_job");
}

static enum pw_status pg_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                    struct pw_error *err)
{
	struct params p = {0};
	p_int(&p, at);
	p_int(&p, job_id);
	return cmd(PG(s), P_JOB_FINISH, &p, err, "revoke_job");
}

static void pg_ext_close(struct pw_store *s)
{
	(void)s; /* prepared statements live and die with the connection */
}

static const struct pw_store_ext_ops pg_ext_ops = {
	.close = pg_ext_close,
	.event_head = pg_event_head,
	.event_insert = pg_event_insert,
	.event_list = pg_event_list,
	.revocation_get = pg_revocation_get,
	.revocation_put = pg_revocation_put,
	.blocked_key_put = pg_blocked_key_put,
	.blocked_key_list = pg_blocked_key_list,
	.problem_report_add = pg_report_add,
	.problem_report_set_status = pg_report_set_status,
	.problem_report_get = pg_report_get,
	.job_find = pg_job_find,
	.job_create = pg_job_create,
	.job_pending = pg_job_pending,
	.job_mark = pg_job_mark,
	.job_finish = pg_job_finish,
};

static const struct pw_store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.schema_version = pg_schema_version,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_txn = pg_in_txn,
	.put = pg_put,
	.put_batch = pg_put_batch,
	.apply_metadata = pg_apply_metadata,
	.issuer_of_ca_cert = pg_issuer_of_ca_cert,
	.query = pg_query,
	.validations = pg_validations,
	.stats = pg_stats,
	.ext = &pg_ext_ops,
	/* Feature areas (postgres_<area>.c). */
	.publish = &pw_pg_publish_ops,
	.ocsp = &pw_pg_ocsp_ops,
	.monitor = &pw_pg_monitor_ops,
	.incident = &pw_pg_incident_ops,
	.inventory = &pw_pg_inventory_ops,
	.policy = &pw_pg_policy_ops,
	.serve = &pw_pg_serve_ops,
	.reports = &pw_pg_reports_ops,
	.wait_change = pw_pg_wait_change, /* postgres_notify.c */
};

enum pw_status pw_store_pg_open(const char *uri, int flags, struct pw_store **out,
                                struct pw_error *err)
{
	enum pw_status st;
	struct pg_store *q = calloc(1, sizeof *q);
	if (q == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	q->base.ops = &pg_ops;
	q->base.flags = flags;
	q->conn = PQconnectdb(uri);
	if (q->conn == NULL || PQstatus(q->conn) != CONNECTION_OK) {
		/* libpq's message names host and port, never the password. */
		st = pgerr(q, NULL, err, "store");
		goto fail;
	}
	/* Notices (e.g. "relation already exists, skipping") are not errors. */
	PQclear(PQexec(q->conn, "SET client_min_messages = warning"));
	if ((st = migrate(q, flags, err)) != PW_OK)
		goto fail;
	if ((st = session_setup(q, err)) != PW_OK)
		goto fail;
	if (!(flags & PW_STORE_READONLY))
		pw_pg_notify_setup(&q->base); /* postgres_notify.c: cross-node wake-ups */
	*out = &q->base;
	return PW_OK;
fail:
	PQfinish(q->conn);
	free(q);
	return st;
}

static enum pw_status session_setup(struct pg_store *q, struct pw_error *err)
{
	enum pw_status st = exec_simple(q, "SET client_min_messages = warning", err);
	if (st == PW_OK && (q->base.flags & PW_STORE_READONLY))
		st = exec_simple(q, "SET default_transaction_read_only = on", err);
	return st;
}

PGconn *pw_store_pg_get0_conn(struct pw_store *s)
{
	return PG(s)->conn;
}

uint64_t pw_store_pg_epoch(struct pw_store *s)
{
	return PG(s)->epoch;
}

enum pw_status pw_store_pg_live(struct pw_store *s, struct pw_error *err)
{
	return live(PG(s), err);
}

enum pw_status pw_store_pg_error(struct pw_store *s, const PGresult *r, const char *what,
                                 struct pw_error *err)
{
	return pgerr(PG(s), r, err, what);
}
