/* store/sqlite_incident.c: the SQLite side of the incident area (incident_ops.h) and
 * schema migration 6. SQL lives here only; the rules are in incident/. */
#include <string.h>

#include "incident_ops.h"
#include "sqlite_area.h"

/* Migration 6: incidents (CCADB Incident Reporting Guidelines v3.2). Times
 * are INTEGER Unix seconds (NULL = not recorded), so the same schema maps
 * onto PostgreSQL. Items (root causes, lessons, action items, linked
 * queries/reports/events, related bugs, questions, postings, notes) carry
 * a JSON object validated by incident/ (jsonb in PostgreSQL). */
const char pw_sqlite_migration_6[] =
	"CREATE TABLE incident ("
	" id INTEGER PRIMARY KEY,"
	" title TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" aware_at INTEGER,"
	" start_at INTEGER,"
	" end_at INTEGER,"
	" end_expected INTEGER NOT NULL DEFAULT 0 CHECK (end_expected IN (0, 1)),"
	" next_update_at INTEGER,"
	" revocation_planned_at INTEGER,"
	" closed_at INTEGER);"
	"CREATE TABLE incident_tag ("
	" incident_id INTEGER NOT NULL REFERENCES incident (id),"
	" tag TEXT NOT NULL,"
	" PRIMARY KEY (incident_id, tag)) WITHOUT ROWID;"
	"CREATE TABLE incident_field ("
	" incident_id INTEGER NOT NULL REFERENCES incident (id),"
	" name TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (incident_id, name)) WITHOUT ROWID;"
	"CREATE TABLE incident_item ("
	" incident_id INTEGER NOT NULL REFERENCES incident (id),"
	" kind TEXT NOT NULL,"
	" seq INTEGER NOT NULL,"
	" at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" data TEXT NOT NULL,"
	" PRIMARY KEY (incident_id, kind, seq)) WITHOUT ROWID;";

enum {
	S_ADD,
	S_GET,
	S_LIST,
	S_TIME_AWARE,
	S_TIME_START,
	S_TIME_END,
	S_TIME_NEXT,
	S_TIME_REVPLAN,
	S_TIME_CLOSED,
	S_TAG_ADD,
	S_TAG_DEL,
	S_FIELD_SET,
	S_FIELD_DEL,
	S_TAGS,
	S_FIELDS,
	S_ITEM_ADD,
	S_ITEM_UPD,
	S_ITEMS_ALL,
	S_ITEMS_KIND,
	S_EXISTS,
	S_COUNT_
};

#define COLS "id, title, created_at, aware_at, start_at, end_at, end_expected, next_update_at," \
             " revocation_planned_at, closed_at"

static const char *const sql[S_COUNT_] = {
	[S_ADD] = "INSERT INTO incident (title, created_at) VALUES (?, ?)",
	[S_GET] = "SELECT " COLS " FROM incident WHERE id = ?",
	[S_LIST] = "SELECT " COLS " FROM incident ORDER BY id",
	/* One statement per column: the column name is never spliced from data. */
	[S_TIME_AWARE] = "UPDATE incident SET aware_at = ?2 WHERE id = ?1",
	[S_TIME_START] = "UPDATE incident SET start_at = ?2 WHERE id = ?1",
	[S_TIME_END] = "UPDATE incident SET end_at = ?2, end_expected = ?3 WHERE id = ?1",
	[S_TIME_NEXT] = "UPDATE incident SET next_update_at = ?2 WHERE id = ?1",
	[S_TIME_REVPLAN] = "UPDATE incident SET revocation_planned_at = ?2 WHERE id = ?1",
	[S_TIME_CLOSED] = "UPDATE incident SET closed_at = ?2 WHERE id = ?1",
	[S_TAG_ADD] = "INSERT OR IGNORE INTO incident_tag (incident_id, tag) VALUES (?, ?)",
	[S_TAG_DEL] = "DELETE FROM incident_tag WHERE incident_id = ? AND tag = ?",
	[S_FIELD_SET] = "INSERT INTO incident_field (incident_id, name, value) VALUES (?1, ?2, ?3)"
	                " ON CONFLICT (incident_id, name) DO UPDATE SET value = excluded.value",
	[S_FIELD_DEL] = "DELETE FROM incident_field WHERE incident_id = ? AND name = ?",
	[S_TAGS] = "SELECT tag FROM incident_tag WHERE incident_id = ? ORDER BY tag",
	[S_FIELDS] = "SELECT name, value FROM incident_field WHERE incident_id = ? ORDER BY name",
	[S_ITEM_ADD] = "INSERT INTO incident_item (incident_id, kind, seq, at, updated_at, data)"
	               " SELECT ?1, ?2, COALESCE(MAX(seq), 0) + 1, ?3, ?3, ?4 FROM incident_item"
	               " WHERE incident_id = ?1 AND kind = ?2 RETURNING seq",
	[S_ITEM_UPD] = "UPDATE incident_item SET data = ?4, updated_at = ?5"
	               " WHERE incident_id = ?1 AND kind = ?2 AND seq = ?3",
	[S_ITEMS_ALL] = "SELECT incident_id, kind, seq, at, updated_at, data FROM incident_item"
	                " WHERE incident_id = ? ORDER BY kind, seq",
	[S_ITEMS_KIND] = "SELECT incident_id, kind, seq, at, updated_at, data FROM incident_item"
	                 " WHERE incident_id = ? AND kind = ? ORDER BY seq",
	[S_EXISTS] = "SELECT 1 FROM incident WHERE id = ?",
};

static sqlite3_stmt *stmt(struct pw_store *s, size_t id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_INCIDENT, sql, S_COUNT_, id, err);
}

static sqlite3 *db(struct pw_store *s)
{
	return pw_store_sqlite_get0_db(s);
}

static enum pw_status exists(struct pw_store *s, int64_t id, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, S_EXISTS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return PW_OK;
	if (rc == SQLITE_DONE)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "incident", "no incident %lld",
		                    (long long)id);
	return pw_sqlite_xerr(s, err, "incident");
}

static enum pw_status add(struct pw_store *s, const char *title, int64_t created_at,
                          int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, S_ADD, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, created_at);
	if ((ret = pw_sqlite_xrun(s, st, "incident", err)) != PW_OK)
		return ret;
	*out_id = sqlite3_last_insert_rowid(db(s));
	return PW_OK;
}

/* Reads the incident columns of the current row of st. */
static void read_row(sqlite3_stmt *st, struct pw_store_incident *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->title = (const char *)sqlite3_column_text(st, 1);
	r->created_at = sqlite3_column_int64(st, 2);
	r->times[PW_STORE_INCIDENT_AWARE] = sqlite3_column_int64(st, 3);
	r->times[PW_STORE_INCIDENT_START] = sqlite3_column_int64(st, 4);
	r->times[PW_STORE_INCIDENT_END] = sqlite3_column_int64(st, 5);
	r->end_expected = sqlite3_column_int(st, 6);
	r->times[PW_STORE_INCIDENT_NEXT_UPDATE] = sqlite3_column_int64(st, 7);
	r->times[PW_STORE_INCIDENT_REVOCATION_PLANNED] = sqlite3_column_int64(st, 8);
	r->times[PW_STORE_INCIDENT_CLOSED] = sqlite3_column_int64(st, 9);
}

/* Steps st to the end, handing each incident row to fn. */
static enum pw_status each_incident(struct pw_store *s, sqlite3_stmt *st, pw_store_incident_fn fn,
                                    void *ctx, int *out_found, struct pw_error *err)
{
	struct pw_store_incident r;
	int rc;
	*out_found = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out_found = 1;
		read_row(st, &r);
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "incident");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status get(struct pw_store *s, int64_t id, pw_store_incident_fn fn, void *ctx,
                          struct pw_error *err)
{
	int found;
	sqlite3_stmt *st = stmt(s, S_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	enum pw_status ret = each_incident(s, st, fn, ctx, &found, err);
	if (ret == PW_OK && !found)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "incident", "no incident %lld",
		                    (long long)id);
	return ret;
}

static enum pw_status list(struct pw_store *s, pw_store_incident_fn fn, void *ctx,
                           struct pw_error *err)
{
	int found;
	sqlite3_stmt *st = stmt(s, S_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	return each_incident(s, st, fn, ctx, &found, err);
}

/* Runs a bound UPDATE/DELETE and reports NOTFOUND when it touched no row. */
static enum pw_status run_changed(struct pw_store *s, sqlite3_stmt *st, const char *what,
                                  int64_t id, struct pw_error *err)
{
	enum pw_status ret = pw_sqlite_xrun(s, st, what, err);
	if (ret == PW_OK && sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, what, "no incident %lld",
		                    (long long)id);
	return ret;
}

static enum pw_status set_time(struct pw_store *s, int64_t id, enum pw_store_incident_time which,
                               int64_t value, int end_expected, struct pw_error *err)
{
	static const size_t ids[PW_STORE_INCIDENT_TIME_COUNT_] = {
		[PW_STORE_INCIDENT_AWARE] = S_TIME_AWARE,
		[PW_STORE_INCIDENT_START] = S_TIME_START,
		[PW_STORE_INCIDENT_END] = S_TIME_END,
		[PW_STORE_INCIDENT_NEXT_UPDATE] = S_TIME_NEXT,
		[PW_STORE_INCIDENT_REVOCATION_PLANNED] = S_TIME_REVPLAN,
		[PW_STORE_INCIDENT_CLOSED] = S_TIME_CLOSED,
	};
	sqlite3_stmt *st = stmt(s, ids[which], err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	if (value != 0)
		sqlite3_bind_int64(st, 2, value);
	else
		sqlite3_bind_null(st, 2);
	if (which == PW_STORE_INCIDENT_END)
		sqlite3_bind_int(st, 3, end_expected ? 1 : 0);
	return run_changed(s, st, "incident", id, err);
}

static enum pw_status tag(struct pw_store *s, int64_t id, const char *t, int add_it,
                          int *out_changed, struct pw_error *err)
{
	enum pw_status ret = exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, add_it ? S_TAG_ADD : S_TAG_DEL, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
	if ((ret = pw_sqlite_xrun(s, st, "incident.tag", err)) != PW_OK)
		return ret;
	if (out_changed != NULL)
		*out_changed = sqlite3_changes(db(s)) > 0;
	return PW_OK;
}

static enum pw_status field_set(struct pw_store *s, int64_t id, const char *name,
                                const char *value, struct pw_error *err)
{
	enum pw_status ret = exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, value ? S_FIELD_SET : S_FIELD_DEL, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (value != NULL)
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	return pw_sqlite_xrun(s, st, "incident.field", err);
}

static enum pw_status each_kv(struct pw_store *s, size_t sid, int64_t id, int has_value,
                              pw_store_incident_kv_fn fn, void *ctx, struct pw_error *err)
{
	int rc;
	sqlite3_stmt *st = stmt(s, sid, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = has_value ? (const char *)sqlite3_column_text(st, 1) : NULL;
		if (!fn(ctx, (const char *)sqlite3_column_text(st, 0), v)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "incident");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status tags(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn, void *ctx,
                           struct pw_error *err)
{
	return each_kv(s, S_TAGS, id, 0, fn, ctx, err);
}

static enum pw_status fields(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn,
                             void *ctx, struct pw_error *err)
{
	return each_kv(s, S_FIELDS, id, 1, fn, ctx, err);
}

static enum pw_status item_add(struct pw_store *s, int64_t id, const char *kind, int64_t at,
                               const char *data, int64_t *out_seq, struct pw_error *err)
{
	enum pw_status ret = exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	sqlite3_stmt *st = stmt(s, S_ITEM_ADD, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_text(st, 4, data, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "incident.item");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status item_update(struct pw_store *s, int64_t id, const char *kind, int64_t seq,
                                  int64_t at, const char *data, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, S_ITEM_UPD, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, data, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, at);
	enum pw_status ret = pw_sqlite_xrun(s, st, "incident.item", err);
	if (ret == PW_OK && sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, kind, "incident %lld has no %s #%lld",
		                    (long long)id, kind, (long long)seq);
	return ret;
}

static enum pw_status items(struct pw_store *s, int64_t id, const char *kind,
                            pw_store_incident_item_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_incident_item r;
	int rc;
	sqlite3_stmt *st = stmt(s, kind ? S_ITEMS_KIND : S_ITEMS_ALL, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	if (kind != NULL)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.incident_id = sqlite3_column_int64(st, 0);
		r.kind = (const char *)sqlite3_column_text(st, 1);
		r.seq = sqlite3_column_int64(st, 2);
		r.at = sqlite3_column_int64(st, 3);
		r.updated_at = sqlite3_column_int64(st, 4);
		r.data = (const char *)sqlite3_column_text(st, 5);
		if (!fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	enum pw_status ret = rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "incident.item");
	sqlite3_reset(st);
	return ret;
}

static void incident_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_INCIDENT);
}

const struct pw_store_incident_ops pw_sqlite_incident_ops = {
	.close = incident_close,
	.add = add,
	.get = get,
	.list = list,
	.set_time = set_time,
	.tag = tag,
	.field_set = field_set,
	.tags = tags,
	.fields = fields,
	.item_add = item_add,
	.item_update = item_update,
	.items = items,
};
