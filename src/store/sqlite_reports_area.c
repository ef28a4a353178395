/* store/sqlite_reports_area.c: the SQLite side of the reports area
 * (reports_ops.h) and schema migration 10.
 *
 * The report rows are migration 2's `report` table (owned by the evidence
 * code); this area only reads it (ids, existence) and keeps its own rows
 * keyed by report id. Statements are portable SQL, as in sqlite_events.c. */
#include <string.h>

#include "reports_ops.h"
#include "sqlite_area.h"

/* Migration 10: reserved for the reports area; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_10[] =
	/* One lifecycle row per report (report.h): BR 4.9.5 steps and times. */
	"CREATE TABLE report_life ("
	" report_id INTEGER PRIMARY KEY REFERENCES report (id),"
	" state TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" decline_reason TEXT,"
	" br_item INTEGER NOT NULL,"
	" title TEXT,"
	" body TEXT,"
	" source TEXT NOT NULL,"
	" message_id TEXT UNIQUE,"
	" subscriber TEXT,"
	" acknowledged_at INTEGER,"
	" investigated_at INTEGER,"
	" preliminary_at INTEGER,"
	" action_at INTEGER,"
	" closed_at INTEGER,"
	" key_report INTEGER NOT NULL,"
	" processed_at INTEGER);"
	/* Certificates linked (candidate 0, by SHA-256 / issuer+serial / key)
	 * or found by a name search (candidate 1, never linked). */
	"CREATE TABLE report_cert ("
	" report_id INTEGER NOT NULL REFERENCES report (id),"
	" candidate INTEGER NOT NULL,"
	" sha256 BLOB NOT NULL,"
	" how TEXT NOT NULL,"
	" PRIMARY KEY (report_id, candidate, sha256, how));"
	"CREATE TABLE report_unresolved ("
	" id INTEGER PRIMARY KEY,"
	" report_id INTEGER NOT NULL REFERENCES report (id),"
	" ref TEXT NOT NULL,"
	" why TEXT NOT NULL,"
	" UNIQUE (report_id, ref));"
	"CREATE TABLE report_message ("
	" id INTEGER PRIMARY KEY,"
	" report_id INTEGER NOT NULL REFERENCES report (id),"
	" at INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" recipients TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" event_id INTEGER NOT NULL);"
	"CREATE INDEX report_message_report ON report_message (report_id, id);";

enum {
	R_LIFE_PUT,
	R_LIFE_GET,
	R_BY_MID,
	R_IDS,
	R_REPORT_EXISTS,
	R_CERT_PUT,
	R_CERT_LIST,
	R_UNRES_PUT,
	R_UNRES_LIST,
	R_MSG_PUT,
	R_MSG_LIST,
	R_SEEN,
	R_COUNT_
};

static const char *const sql[R_COUNT_] = {
	[R_LIFE_PUT] = "INSERT INTO report_life (report_id, state, action, decline_reason, br_item,"
	               " title, body, source, message_id, subscriber, acknowledged_at,"
	               " investigated_at, preliminary_at, action_at, closed_at, key_report, processed_at)"
	               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
	               " ON CONFLICT (report_id) DO UPDATE SET state = excluded.state,"
	               " action = excluded.action, decline_reason = excluded.decline_reason,"
	               " br_item = excluded.br_item, title = excluded.title, body = excluded.body,"
	               " source = excluded.source, message_id = excluded.message_id,"
	               " subscriber = excluded.subscriber, acknowledged_at = excluded.acknowledged_at,"
	               " investigated_at = excluded.investigated_at,"
	               " preliminary_at = excluded.preliminary_at, action_at = excluded.action_at,"
	               " closed_at = excluded.closed_at, key_report = excluded.key_report,"
	               " processed_at = excluded.processed_at",
	[R_LIFE_GET] = "SELECT report_id, state, action, decline_reason, br_item, title, body, source,"
	               " message_id, subscriber, acknowledged_at, investigated_at, preliminary_at,"
	               " action_at, closed_at, key_report, processed_at FROM report_life WHERE report_id = ?",
	[R_BY_MID] = "SELECT report_id FROM report_life WHERE message_id = ?",
	[R_IDS] = "SELECT id FROM report WHERE id > ? ORDER BY id LIMIT ?",
	[R_REPORT_EXISTS] = "SELECT 1 FROM report WHERE id = ?",
	[R_CERT_PUT] = "INSERT INTO report_cert (report_id, candidate, sha256, how) VALUES (?, ?, ?, ?)"
	               " ON CONFLICT DO NOTHING",
	[R_CERT_LIST] = "SELECT sha256, how FROM report_cert WHERE report_id = ? AND candidate = ?"
	                " ORDER BY rowid",
	[R_UNRES_PUT] = "INSERT INTO report_unresolved (report_id, ref, why) VALUES (?, ?, ?)"
	                " ON CONFLICT DO NOTHING",
	[R_UNRES_LIST] = "SELECT ref, why FROM report_unresolved WHERE report_id = ? ORDER BY id",
	[R_MSG_PUT] = "INSERT INTO report_message (report_id, at, kind, recipients, text, event_id)"
	              " VALUES (?, ?, ?, ?, ?, ?)",
	[R_MSG_LIST] = "SELECT id, report_id, at, kind, recipients, text, event_id FROM report_message"
	               " WHERE report_id = ? ORDER BY id",
	[R_SEEN] = "SELECT r.first_seen_crl, r.first_seen_ocsp FROM revocation r"
	           " JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = ?",
};

static sqlite3_stmt *stmt(struct pw_store *s, size_t id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_REPORTS, sql, R_COUNT_, id, err);
}

static void bind_time_opt(sqlite3_stmt *st, int i, int64_t t)
{
	if (t == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static enum pw_status report_exists(struct pw_store *s, int64_t id, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, R_REPORT_EXISTS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PW_OK;
	if (rc == SQLITE_DONE)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld",
		                    (long long)id);
	return pw_sqlite_xerr(s, err, "report");
}

static enum pw_status sq_life_put(struct pw_store *s, const struct pw_store_report_life *l,
                                  struct pw_error *err)
{
	enum pw_status ret = report_exists(s, l->report_id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, R_LIFE_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, l->report_id);
	sqlite3_bind_text(st, 2, l->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->action, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 4, l->decline_reason);
	sqlite3_bind_int(st, 5, l->br_item);
	pw_sqlite_bind_text_opt(st, 6, l->title);
	pw_sqlite_bind_text_opt(st, 7, l->body);
	sqlite3_bind_text(st, 8, l->source, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 9, l->message_id);
	pw_sqlite_bind_text_opt(st, 10, l->subscriber);
	bind_time_opt(st, 11, l->acknowledged_at);
	bind_time_opt(st, 12, l->investigated_at);
	bind_time_opt(st, 13, l->preliminary_at);
	bind_time_opt(st, 14, l->action_at);
	bind_time_opt(st, 15, l->closed_at);
	sqlite3_bind_int(st, 16, l->key_report != 0);
	bind_time_opt(st, 17, l->processed_at);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_CONSTRAINT) {
		sqlite3_reset(st);
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "report.message_id",
		                    "Message-ID <%s> belongs to another report",
		                    l->message_id ? l->message_id : "");
	}
	ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "report_life");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_life_get(struct pw_store *s, int64_t id, pw_store_report_life_fn fn,
                                  void *ctx, struct pw_error *err)
{
	struct pw_store_report_life l;
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, R_LIFE_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(&l, 0, sizeof l);
		l.report_id = sqlite3_column_int64(st, 0);
		l.state = col_text(st, 1);
		l.action = col_text(st, 2);
		l.decline_reason = col_text(st, 3);
		l.br_item = sqlite3_column_int(st, 4);
		l.title = col_text(st, 5);
		l.body = col_text(st, 6);
		l.source = col_text(st, 7);
		l.message_id = col_text(st, 8);
		l.subscriber = col_text(st, 9);
		l.acknowledged_at = sqlite3_column_int64(st, 10);
		l.investigated_at = sqlite3_column_int64(st, 11);
		l.preliminary_at = sqlite3_column_int64(st, 12);
		l.action_at = sqlite3_column_int64(st, 13);
		l.closed_at = sqlite3_column_int64(st, 14);
		l.key_report = sqlite3_column_int(st, 15);
		l.processed_at = sqlite3_column_int64(st, 16);
		fn(ctx, &l);
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report",
		                   "no lifecycle recorded for report %lld", (long long)id);
	} else {
		ret = pw_sqlite_xerr(s, err, "report_life");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_by_message_id(struct pw_store *s, const char *mid, int64_t *out_id,
                                       struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, R_BY_MID, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out_id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "message_id", "no report has Message-ID <%s>",
		                   mid);
	else
		ret = pw_sqlite_xerr(s, err, "report_life");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_ids(struct pw_store *s, int64_t after_id, size_t max, int64_t *out,
                             size_t *out_n, struct pw_error *err)
{
	int rc;
	sqlite3_stmt *st = stmt(s, R_IDS, err);
	*out_n = 0;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *out_n < max)
		out[(*out_n)++] = sqlite3_column_int64(st, 0);
	enum pw_status ret = rc == SQLITE_DONE || rc == SQLITE_ROW ? PW_OK
	                                                            : pw_sqlite_xerr(s, err, "report");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_cert_put(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                                  const char *how, int candidate, int *out_inserted,
                                  struct pw_error *err)
{
	enum pw_status ret = report_exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, R_CERT_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, candidate);
	sqlite3_bind_blob(st, 3, sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, how, -1, SQLITE_STATIC);
	if ((ret = pw_sqlite_xrun(s, st, "report_cert", err)) != PW_OK)
		return ret;
	if (out_inserted != NULL)
		*out_inserted = sqlite3_changes(pw_store_sqlite_get0_db(s)) > 0;
	return PW_OK;
}

static enum pw_status sq_cert_list(struct pw_store *s, int64_t id, int candidate,
                                   pw_store_report_cert_fn fn, void *ctx, struct pw_error *err)
{
	int rc;
	sqlite3_stmt *st = stmt(s, R_CERT_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, candidate);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != 32)
			continue;
		if (!fn(ctx, sqlite3_column_blob(st, 0), col_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "report_cert");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_unresolved_put(struct pw_store *s, int64_t id, const char *ref,
                                        const char *why, struct pw_error *err)
{
	enum pw_status ret = report_exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, R_UNRES_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
	return pw_sqlite_xrun(s, st, "report_unresolved", err);
}

static enum pw_status sq_unresolved_list(struct pw_store *s, int64_t id,
                                         pw_store_report_unresolved_fn fn, void *ctx,
                                         struct pw_error *err)
{
	int rc;
	sqlite3_stmt *st = stmt(s, R_UNRES_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, col_text(st, 0), col_text(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "report_unresolved");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_message_put(struct pw_store *s, const struct pw_store_report_message *m,
                                     int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret = report_exists(s, m->report_id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, R_MSG_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, m->report_id);
	sqlite3_bind_int64(st, 2, m->at);
	sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->recipients, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, m->event_id);
	if ((ret = pw_sqlite_xrun(s, st, "report_message", err)) != PW_OK)
		return ret;
	if (out_id != NULL)
		*out_id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	return PW_OK;
}

static enum pw_status sq_message_list(struct pw_store *s, int64_t id,
                                      pw_store_report_message_fn fn, void *ctx,
                                      struct pw_error *err)
{
	int rc;
	struct pw_store_report_message m;
	sqlite3_stmt *st = stmt(s, R_MSG_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m.id = sqlite3_column_int64(st, 0);
		m.report_id = sqlite3_column_int64(st, 1);
		m.at = sqlite3_column_int64(st, 2);
		m.kind = col_text(st, 3);
		m.recipients = col_text(st, 4);
		m.text = col_text(st, 5);
		m.event_id = sqlite3_column_int64(st, 6);
		if (!fn(ctx, &m)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "report_message");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_seen(struct pw_store *s, const uint8_t sha256[32], int *out_revoked,
                              int64_t *out_crl, int64_t *out_ocsp, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, R_SEEN, err);
	*out_revoked = 0;
	*out_crl = *out_ocsp = 0;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out_revoked = 1;
		*out_crl = sqlite3_column_int64(st, 0);
		*out_ocsp = sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		ret = pw_sqlite_xerr(s, err, "revocation");
	}
	sqlite3_reset(st);
	return ret;
}

static void sq_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_REPORTS);
}

const struct pw_store_reports_ops pw_sqlite_reports_ops = {
	.close = sq_close,
	.life_put = sq_life_put,
	.life_get = sq_life_get,
	.by_message_id = sq_by_message_id,
	.ids = sq_ids,
	.cert_put = sq_cert_put,
	.cert_list = sq_cert_list,
	.unresolved_put = sq_unresolved_put,
	.unresolved_list = sq_unresolved_list,
	.message_put = sq_message_put,
	.message_list = sq_message_list,
	.seen = sq_seen,
};
