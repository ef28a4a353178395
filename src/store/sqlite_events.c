/* store/sqlite_events.c: schema migration 2 (the evidence tables), the
 * statement cache of the evidence functions, and the event log rows.
 *
 * The event table itself comes from migration 1; migration 2 adds the head
 * row (event_head) that pins the newest event, so deleting the tail of the
 * log is visible, and an index for "events about this subject". Every
 * statement is portable SQL (INTEGER/BLOB/TEXT map onto bigint/bytea/text,
 * ON CONFLICT ... DO UPDATE exists in both), so the PostgreSQL backend runs
 * the same text. */
#include <stdlib.h>
#include <string.h>

#include "sqlite_ext.h"

const char pw_sqlite_migration_2[] =
	/* BR 4.9.1.1 deadlines are stored with each revocation request. */
	"ALTER TABLE revocation ADD COLUMN requested_at INTEGER;"
	"ALTER TABLE revocation ADD COLUMN deadline INTEGER;"
	/* keys.h: a key has two identities; the list matches either. */
	"ALTER TABLE blocked_key ADD COLUMN badkeys_sha256 BLOB;"
	"ALTER TABLE blocked_key ADD COLUMN proof_type TEXT;"
	"ALTER TABLE blocked_key ADD COLUMN report_id INTEGER;"
	"CREATE INDEX blocked_key_badkeys ON blocked_key (badkeys_sha256);"
	"CREATE INDEX event_subject ON event (subject, id);"
	"CREATE TABLE event_head ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" id INTEGER NOT NULL,"
	" hash BLOB NOT NULL);"
	/* Problem reports (BR 4.9.5): never dropped, each with its deadline. */
	"CREATE TABLE report ("
	" id INTEGER PRIMARY KEY,"
	" received_at INTEGER NOT NULL,"
	" reporter TEXT,"
	" kind TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" deadline INTEGER NOT NULL,"
	" subject TEXT,"
	" payload TEXT);"
	"CREATE INDEX report_status ON report (status, deadline);"
	/* Bulk revocation plans: items fixed at creation, marked done one by one. */
	"CREATE TABLE revoke_job ("
	" id INTEGER PRIMARY KEY,"
	" job_key BLOB NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" reason INTEGER,"
	" total INTEGER NOT NULL,"
	" done INTEGER NOT NULL,"
	" finished_at INTEGER);"
	"CREATE TABLE revoke_job_item ("
	" job_id INTEGER NOT NULL REFERENCES revoke_job (id),"
	" seq INTEGER NOT NULL,"
	" sha256 BLOB NOT NULL,"
	" done_at INTEGER,"
	" outcome TEXT,"
	" PRIMARY KEY (job_id, seq));";

#define REV_UPSERT                                                                          \
	" ON CONFLICT (cert_id) DO UPDATE SET revoked_at = excluded.revoked_at,"               \
	" reason = excluded.reason, event_id = excluded.event_id,"                           \
	" requested_at = excluded.requested_at, deadline = excluded.deadline"
#define REV_V1 "(?,?,?,?,?,?,?)"
#define REV_V4 REV_V1 "," REV_V1 "," REV_V1 "," REV_V1
#define REV_V16 REV_V4 "," REV_V4 "," REV_V4 "," REV_V4
#define REV_VALUES_32 REV_V16 "," REV_V16
#define ITEM_V1 "(?,?,?)"
#define ITEM_V4 ITEM_V1 "," ITEM_V1 "," ITEM_V1 "," ITEM_V1
#define ITEM_V16 ITEM_V4 "," ITEM_V4 "," ITEM_V4 "," ITEM_V4
#define ITEM_VALUES_64 ITEM_V16 "," ITEM_V16 "," ITEM_V16 "," ITEM_V16
_Static_assert(PW_SQLITE_REV_ROWS == 32 && PW_SQLITE_JOB_ITEM_ROWS == 64,
               "the VALUES lists below are written for these sizes");

const char *const pw_sqlite_xstmt_sql[X_COUNT_] = {
	[X_EVENT_HEAD] = "SELECT id, hash FROM event_head WHERE one = 1",
	[X_EVENT_INS] = "INSERT INTO event (id, at, kind, subject, actor, payload, prev_hash, hash)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[X_EVENT_HEAD_SET] = "INSERT INTO event_head (one, id, hash) VALUES (1, ?1, ?2)"
	                     " ON CONFLICT (one) DO UPDATE SET id = excluded.id, hash = excluded.hash",
	[X_EVENT_LIST_ALL] = "SELECT id, at, kind, subject, actor, payload, prev_hash, hash"
	                     " FROM event ORDER BY id",
	[X_EVENT_LIST_SUBJECT] = "SELECT id, at, kind, subject, actor, payload, prev_hash, hash"
	                         " FROM event WHERE subject = ? ORDER BY id",
	[X_REV_GET] = "SELECT r.revoked_at, r.reason, r.event_id, r.requested_at, r.deadline"
	              " FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = ?",
	[X_REV_PUT] = "INSERT INTO revocation (cert_id, revoked_at, reason, event_id, requested_at,"
	              " deadline) SELECT id, ?2, ?3, ?4, ?5, ?6 FROM certificate WHERE sha256 = ?1"
	              " ON CONFLICT (cert_id) DO UPDATE SET revoked_at = excluded.revoked_at,"
	              " reason = excluded.reason, event_id = excluded.event_id,"
	              " requested_at = excluded.requested_at, deadline = excluded.deadline",
	[X_CERT_EXISTS] = "SELECT 1 FROM certificate WHERE sha256 = ?",
	[X_BK_INS] = "INSERT INTO blocked_key (spki_sha256, why, proof, at, badkeys_sha256,"
	             " proof_type, report_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
	             " ON CONFLICT (spki_sha256) DO NOTHING",
	[X_BK_LIST_ALL] = "SELECT spki_sha256, why, proof, at, badkeys_sha256, proof_type, report_id"
	                  " FROM blocked_key ORDER BY at, spki_sha256",
	[X_BK_LIST_ONE] = "SELECT spki_sha256, why, proof, at, badkeys_sha256, proof_type, report_id"
	                  " FROM blocked_key WHERE spki_sha256 = ?",
	[X_REPORT_INS] = "INSERT INTO report (received_at, reporter, kind, status, deadline, subject,"
	                 " payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[X_REPORT_STATUS] = "UPDATE report SET status = ? WHERE id = ?",
	[X_REPORT_GET] = "SELECT id, received_at, reporter, kind, status, deadline, subject, payload"
	                 " FROM report WHERE id = ?",
	[X_JOB_FIND] = "SELECT id, created_at, reason, total, done, finished_at FROM revoke_job"
	               " WHERE job_key = ?",
	[X_JOB_INS] = "INSERT INTO revoke_job (job_key, created_at, source, reason, total, done)"
	              " VALUES (?, ?, ?, ?, ?, 0)",
	[X_JOB_ITEM_INS] = "INSERT INTO revoke_job_item (job_id, seq, sha256) VALUES (?, ?, ?)",
	[X_JOB_PENDING] = "SELECT seq, sha256 FROM revoke_job_item WHERE job_id = ? AND seq > ?"
	                  " AND done_at IS NULL ORDER BY seq LIMIT ?",
	[X_JOB_FINISH] = "UPDATE revoke_job SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
	/* The twin join is the one of store.c's find (RFC 6962 §3.1/§3.2); the
	 * (issuer_name_sha256, serial, precert) unique index finds it. */
	[X_CERT_STATE] = "SELECT c.precert, r.revoked_at, r.reason, r.event_id, r.requested_at,"
	                 " r.deadline, t.sha256, tr.revoked_at, tr.reason, tr.event_id,"
	                 " tr.requested_at, tr.deadline, c.id, t.id"
	                 " FROM certificate c LEFT JOIN revocation r ON r.cert_id = c.id"
	                 " LEFT JOIN certificate t ON t.issuer_name_sha256 = c.issuer_name_sha256"
	                 " AND t.serial = c.serial AND t.precert <> c.precert"
	                 " AND t.link_sha256 = c.link_sha256"
	                 " LEFT JOIN revocation tr ON tr.cert_id = t.id WHERE c.sha256 = ?",
	/* The batch forms of X_REV_PUT: the certificate by the row id that
	 * X_CERT_STATE gave, the SHA-256 still compared (a stale id writes
	 * nothing and is reported); the unary + keeps the planner on the row id
	 * instead of a second search of the SHA-256 index. CROSS JOIN keeps the
	 * VALUES order, so the publish trigger numbers the changes in the order
	 * given. */
	[X_REV_PUT_ROW] = "INSERT INTO revocation (cert_id, revoked_at, reason, event_id, requested_at,"
	                  " deadline) SELECT id, ?3, ?4, ?5, ?6, ?7 FROM certificate"
	                  " WHERE id = ?1 AND +sha256 = ?2" REV_UPSERT,
	[X_REV_PUT_ROWS] = "INSERT INTO revocation (cert_id, revoked_at, reason, event_id, requested_at,"
	                   " deadline) SELECT c.id, v.column3, v.column4, v.column5, v.column6,"
	                   " v.column7 FROM (VALUES " REV_VALUES_32 ") v CROSS JOIN certificate c"
	                   " WHERE c.id = v.column1 AND +c.sha256 = v.column2" REV_UPSERT,
	[X_JOB_ITEM_INS_MANY] = "INSERT INTO revoke_job_item (job_id, seq, sha256) VALUES "
	                        ITEM_VALUES_64,
	[X_JOB_MARK_RANGE] = "UPDATE revoke_job_item SET done_at = ?1, outcome = ?2 WHERE job_id = ?3"
	                     " AND seq BETWEEN ?4 AND ?5 AND done_at IS NULL",
	[X_JOB_DONE_ADD] = "UPDATE revoke_job SET done = done + ?2 WHERE id = ?1",
};

struct sq_ext {
	sqlite3_stmt *st[X_COUNT_];
	/* The event log head as read or written inside the open transaction.
	 * A write transaction holds the database lock, so nobody else can move
	 * the head until it ends; the commit and rollback hooks drop the copy
	 * (pkiward uses no savepoints). Saves two statements per event on the
	 * bulk paths, which append one event per revoked certificate. */
	int head_valid;
	int64_t head_id;
	uint8_t head_hash[32];
};

static int head_forget_on_commit(void *ctx)
{
	((struct sq_ext *)ctx)->head_valid = 0;
	return 0; /* let the commit go ahead */
}

static void head_forget_on_rollback(void *ctx)
{
	((struct sq_ext *)ctx)->head_valid = 0;
}

sqlite3_stmt *pw_sqlite_xstmt(struct pw_store *s, enum xstmt_id id, struct pw_error *err)
{
	struct sq_ext *x = s->ext;
	if (x == NULL) {
		if ((x = calloc(1, sizeof *x)) == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return NULL;
		}
		s->ext = x;
		sqlite3 *db = pw_store_sqlite_get0_db(s);
		sqlite3_commit_hook(db, head_forget_on_commit, x);
		sqlite3_rollback_hook(db, head_forget_on_rollback, x);
	}
	if (x->st[id] == NULL) {
		if (sqlite3_prepare_v3(pw_store_sqlite_get0_db(s), pw_sqlite_xstmt_sql[id], -1,
		                       SQLITE_PREPARE_PERSISTENT, &x->st[id], NULL) != SQLITE_OK) {
			pw_sqlite_xerr(s, err, "prepare");
			x->st[id] = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(x->st[id]);
		sqlite3_clear_bindings(x->st[id]);
	}
	return x->st[id];
}

static void ext_close(struct pw_store *s)
{
	struct sq_ext *x = s->ext;
	if (x == NULL)
		return;
	sqlite3 *db = pw_store_sqlite_get0_db(s);
	sqlite3_commit_hook(db, NULL, NULL);
	sqlite3_rollback_hook(db, NULL, NULL);
	for (int i = 0; i < X_COUNT_; i++)
		sqlite3_finalize(x->st[i]);
	free(x);
	s->ext = NULL;
}

enum pw_status pw_sqlite_xerr(struct pw_store *s, struct pw_error *err, const char *what)
{
	sqlite3 *db = pw_store_sqlite_get0_db(s);
	int code = sqlite3_errcode(db);
	const char *hint = "";
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		hint = " (the store is locked by another process)";
	else if (code == SQLITE_FULL)
		hint = " (disk full)";
	else if (code == SQLITE_READONLY)
		hint = " (store is read-only)";
	return pw_error_set(err, PW_ERR_STORE, 0, 0, what, "%s: %s%s", pw_store_sqlite_get0_path(s),
	                    sqlite3_errmsg(db), hint);
}

enum pw_status pw_sqlite_xrun(struct pw_store *s, sqlite3_stmt *st, const char *what,
                              struct pw_error *err)
{
	int rc = sqlite3_step(st);
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, what);
	sqlite3_reset(st);
	return ret;
}

int pw_sqlite_bind_blob_opt(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (p == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_blob(st, i, n ? p : (const void *)"", (int)n, SQLITE_STATIC);
}

int pw_sqlite_bind_text_opt(sqlite3_stmt *st, int i, const char *p)
{
	if (p == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, p, -1, SQLITE_STATIC);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */
/* ------------------------------------------------------------------------ */

static enum pw_status sq_event_head(struct pw_store *s, int64_t *out_id, uint8_t out_hash[32],
                                    struct pw_error *err)
{
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_EVENT_HEAD, err);
	if (st == NULL)
		return PW_ERR_STORE;
	struct sq_ext *x = s->ext;
	int in_txn = !sqlite3_get_autocommit(pw_store_sqlite_get0_db(s));
	if (in_txn && x->head_valid) {
		*out_id = x->head_id;
		memcpy(out_hash, x->head_hash, 32);
		return PW_OK;
	}
	*out_id = 0;
	memset(out_hash, 0, 32);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	if (rc == SQLITE_ROW) {
		*out_id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(out_hash, sqlite3_column_blob(st, 1), 32);
		else
			ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "event_head.hash",
			                   "the recorded head hash is not 32 bytes");
	} else if (rc != SQLITE_DONE) {
		ret = pw_sqlite_xerr(s, err, "event_head");
	}
	sqlite3_reset(st);
	if (ret == PW_OK && in_txn) {
		x->head_valid = 1;
		x->head_id = *out_id;
		memcpy(x->head_hash, out_hash, 32);
	}
	return ret;
}

static enum pw_status sq_event_insert(struct pw_store *s, const struct pw_store_event *e,
                                      struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_EVENT_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->at);
	sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 4, e->subject);
	pw_sqlite_bind_text_opt(st, 5, e->actor);
	pw_sqlite_bind_text_opt(st, 6, e->payload);
	pw_sqlite_bind_blob_opt(st, 7, e->has_prev_hash ? e->prev_hash : NULL, 32);
	sqlite3_bind_blob(st, 8, e->hash, 32, SQLITE_STATIC);
	if ((ret = pw_sqlite_xrun(s, st, "event", err)) != PW_OK)
		return ret;
	if ((st = pw_sqlite_xstmt(s, X_EVENT_HEAD_SET, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_blob(st, 2, e->hash, 32, SQLITE_STATIC);
	struct sq_ext *x = s->ext;
	x->head_valid = 0;
	if ((ret = pw_sqlite_xrun(s, st, "event_head", err)) != PW_OK)
		return ret;
	if (!sqlite3_get_autocommit(pw_store_sqlite_get0_db(s))) {
		x->head_valid = 1;
		x->head_id = e->id;
		memcpy(x->head_hash, e->hash, 32);
	}
	return PW_OK;
}

static enum pw_status sq_event_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                                    void *ctx, struct pw_error *err)
{
	struct pw_store_event e;
	int rc;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, subject ? X_EVENT_LIST_SUBJECT : X_EVENT_LIST_ALL, err);
	if (st == NULL)
		return PW_ERR_STORE;
	if (subject != NULL)
		sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.kind = (const char *)sqlite3_column_text(st, 2);
		e.subject = (const char *)sqlite3_column_text(st, 3);
		e.actor = (const char *)sqlite3_column_text(st, 4);
		e.payload = (const char *)sqlite3_column_text(st, 5);
		if (e.kind == NULL)
			e.kind = "";
		/* A hash of the wrong size is handed on as all zeroes: verification
		 * then reports the row as broken instead of skipping it. */
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			e.has_prev_hash = 1;
			if (sqlite3_column_bytes(st, 6) == 32)
				memcpy(e.prev_hash, sqlite3_column_blob(st, 6), 32);
		}
		if (sqlite3_column_bytes(st, 7) == 32)
			memcpy(e.hash, sqlite3_column_blob(st, 7), 32);
		if (!fn(ctx, &e))
			break;
	}
	enum pw_status ret = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? PW_OK
	                                                           : pw_sqlite_xerr(s, err, "event");
	sqlite3_reset(st);
	return ret;
}

const struct pw_store_ext_ops pw_sqlite_ext_ops = {
	.close = ext_close,
	.event_head = sq_event_head,
	.event_insert = sq_event_insert,
	.event_list = sq_event_list,
	.revocation_get = pw_sqlite_revocation_get,
	.revocation_put = pw_sqlite_revocation_put,
	.cert_state = pw_sqlite_cert_state,
	.blocked_key_put = pw_sqlite_blocked_key_put,
	.blocked_key_list = pw_sqlite_blocked_key_list,
	.problem_report_add = pw_sqlite_report_add,
	.problem_report_set_status = pw_sqlite_report_set_status,
	.problem_report_get = pw_sqlite_report_get,
	.job_find = pw_sqlite_job_find,
	.job_create = pw_sqlite_job_create,
	.job_pending = pw_sqlite_job_pending,
	.job_mark = pw_sqlite_job_mark,
	.job_finish = pw_sqlite_job_finish,
	.revocation_put_many = pw_sqlite_revocation_put_many,
	.job_mark_range = pw_sqlite_job_mark_range,
};
