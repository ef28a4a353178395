/* store/sqlite_reports.c: problem report rows (BR 4.9.5) in SQLite. */
#include <string.h>

#include "sqlite_ext.h"

enum pw_status pw_sqlite_report_add(struct pw_store *s, const struct pw_store_problem_report *r,
                                    int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_REPORT_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, r->received_at);
	pw_sqlite_bind_text_opt(st, 2, r->reporter);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->deadline);
	pw_sqlite_bind_text_opt(st, 6, r->subject);
	pw_sqlite_bind_text_opt(st, 7, r->payload);
	if ((ret = pw_sqlite_xrun(s, st, "report", err)) != PW_OK)
		return ret;
	*out_id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	return PW_OK;
}

enum pw_status pw_sqlite_report_set_status(struct pw_store *s, int64_t id, const char *status,
                                           struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_REPORT_STATUS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if ((ret = pw_sqlite_xrun(s, st, "report", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(pw_store_sqlite_get0_db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld",
		                    (long long)id);
	return PW_OK;
}

enum pw_status pw_sqlite_report_get(struct pw_store *s, int64_t id,
                                    pw_store_problem_report_fn fn, void *ctx,
                                    struct pw_error *err)
{
	struct pw_store_problem_report r;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_REPORT_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	if (rc == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		r.received_at = sqlite3_column_int64(st, 1);
		r.reporter = (const char *)sqlite3_column_text(st, 2);
		r.kind = (const char *)sqlite3_column_text(st, 3);
		r.status = (const char *)sqlite3_column_text(st, 4);
		r.deadline = sqlite3_column_int64(st, 5);
		r.subject = (const char *)sqlite3_column_text(st, 6);
		r.payload = (const char *)sqlite3_column_text(st, 7);
		fn(ctx, &r);
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld", (long long)id);
	} else {
		ret = pw_sqlite_xerr(s, err, "report");
	}
	sqlite3_reset(st);
	return ret;
}
