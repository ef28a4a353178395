/* store/postgres_incident.c: the PostgreSQL side of the incident area
 * (incident_ops.h) and schema migration 6: incidents (CCADB Incident
 * Reporting Guidelines v3.2), their tags, fields and items. Same tables and
 * keys as sqlite_incident.c; times are BIGINT Unix seconds (NULL = not
 * recorded). Item data stays TEXT (not jsonb): incident/ validated it, and
 * jsonb would reorder keys, so the same incident would render differently
 * on the two backends. Text ordering uses COLLATE "C" (byte order, as
 * SQLite's BINARY collation). */
#include <string.h>

#include "incident_ops.h"
#include "postgres_internal.h"

const char pw_pg_migration_incident[] =
	"CREATE TABLE incident ("
	" id BIGSERIAL PRIMARY KEY,"
	" title TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" aware_at BIGINT,"
	" start_at BIGINT,"
	" end_at BIGINT,"
	" end_expected BIGINT NOT NULL DEFAULT 0 CHECK (end_expected IN (0, 1)),"
	" next_update_at BIGINT,"
	" revocation_planned_at BIGINT,"
	" closed_at BIGINT);"
	"CREATE TABLE incident_tag ("
	" incident_id BIGINT NOT NULL REFERENCES incident (id),"
	" tag TEXT COLLATE \"C\" NOT NULL,"
	" PRIMARY KEY (incident_id, tag));"
	"CREATE TABLE incident_field ("
	" incident_id BIGINT NOT NULL REFERENCES incident (id),"
	" name TEXT COLLATE \"C\" NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (incident_id, name));"
	"CREATE TABLE incident_item ("
	" incident_id BIGINT NOT NULL REFERENCES incident (id),"
	" kind TEXT COLLATE \"C\" NOT NULL,"
	" seq BIGINT NOT NULL,"
	" at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" data TEXT NOT NULL,"
	" PRIMARY KEY (incident_id, kind, seq));";

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
	S_LOCK,
	S_COUNT_
};

#define COLS "id, title, created_at, aware_at, start_at, end_at, end_expected, next_update_at," \
             " revocation_planned_at, closed_at"

static const char *const SQL[S_COUNT_] = {
	[S_ADD] = "INSERT INTO incident (title, created_at) VALUES ($1, $2) RETURNING id",
	[S_GET] = "SELECT " COLS " FROM incident WHERE id = $1",
	[S_LIST] = "SELECT " COLS " FROM incident ORDER BY id",
	/* One statement per column: the column name is never spliced from data. */
	[S_TIME_AWARE] = "UPDATE incident SET aware_at = $2 WHERE id = $1",
	[S_TIME_START] = "UPDATE incident SET start_at = $2 WHERE id = $1",
	[S_TIME_END] = "UPDATE incident SET end_at = $2, end_expected = $3 WHERE id = $1",
	[S_TIME_NEXT] = "UPDATE incident SET next_update_at = $2 WHERE id = $1",
	[S_TIME_REVPLAN] = "UPDATE incident SET revocation_planned_at = $2 WHERE id = $1",
	[S_TIME_CLOSED] = "UPDATE incident SET closed_at = $2 WHERE id = $1",
	[S_TAG_ADD] = "INSERT INTO incident_tag (incident_id, tag) VALUES ($1, $2)"
	              " ON CONFLICT DO NOTHING",
	[S_TAG_DEL] = "DELETE FROM incident_tag WHERE incident_id = $1 AND tag = $2",
	[S_FIELD_SET] = "INSERT INTO incident_field (incident_id, name, value) VALUES ($1, $2, $3)"
	                " ON CONFLICT (incident_id, name) DO UPDATE SET value = EXCLUDED.value",
	[S_FIELD_DEL] = "DELETE FROM incident_field WHERE incident_id = $1 AND name = $2",
	[S_TAGS] = "SELECT tag FROM incident_tag WHERE incident_id = $1 ORDER BY tag",
	[S_FIELDS] = "SELECT name, value FROM incident_field WHERE incident_id = $1 ORDER BY name",
	[S_ITEM_ADD] = "INSERT INTO incident_item (incident_id, kind, seq, at, updated_at, data)"
	               " SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $3, $4 FROM incident_item"
	               " WHERE incident_id = $1 AND kind = $2 RETURNING seq",
	[S_ITEM_UPD] = "UPDATE incident_item SET data = $4, updated_at = $5"
	               " WHERE incident_id = $1 AND kind = $2 AND seq = $3",
	[S_ITEMS_ALL] = "SELECT incident_id, kind, seq, at, updated_at, data FROM incident_item"
	                " WHERE incident_id = $1 ORDER BY kind, seq",
	[S_ITEMS_KIND] = "SELECT incident_id, kind, seq, at, updated_at, data FROM incident_item"
	                 " WHERE incident_id = $1 AND kind = $2 ORDER BY seq",
	[S_EXISTS] = "SELECT 1 FROM incident WHERE id = $1",
	/* Items are numbered MAX(seq) + 1: two nodes adding to one incident at
	 * once take turns on its row instead of colliding on the key. */
	[S_LOCK] = "SELECT 1 FROM incident WHERE id = $1 FOR UPDATE",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_INCIDENT, SQL, S_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                        \
	pw_pg_area_cmd(s, PW_STORE_AREA_INCIDENT, SQL, S_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

static enum pw_status exists(struct pw_store *s, int64_t id, int lock, struct pw_error *err)
{
	PGresult *r = RUN(lock ? S_LOCK : S_EXISTS, "incident", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	int found = PQntuples(r) > 0;
	PQclear(r);
	if (!found)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "incident", "no incident %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status add(struct pw_store *s, const char *title, int64_t created_at,
                          int64_t *out_id, struct pw_error *err)
{
	PGresult *r = RUN(S_ADD, "incident", "ti", title, created_at);
	if (r == NULL)
		return PW_ERR_STORE;
	*out_id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static void read_row(const PGresult *res, int i, struct pw_store_incident *r)
{
	memset(r, 0, sizeof *r);
	r->id = pw_pg_int(res, i, 0);
	r->title = pw_pg_text(res, i, 1);
	r->created_at = pw_pg_int(res, i, 2);
	r->times[PW_STORE_INCIDENT_AWARE] = pw_pg_int(res, i, 3);
	r->times[PW_STORE_INCIDENT_START] = pw_pg_int(res, i, 4);
	r->times[PW_STORE_INCIDENT_END] = pw_pg_int(res, i, 5);
	r->end_expected = (int)pw_pg_int(res, i, 6);
	r->times[PW_STORE_INCIDENT_NEXT_UPDATE] = pw_pg_int(res, i, 7);
	r->times[PW_STORE_INCIDENT_REVOCATION_PLANNED] = pw_pg_int(res, i, 8);
	r->times[PW_STORE_INCIDENT_CLOSED] = pw_pg_int(res, i, 9);
}

static void each_incident(const PGresult *res, pw_store_incident_fn fn, void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
		struct pw_store_incident r;
		read_row(res, i, &r);
		if (!fn(ctx, &r))
			break;
	}
}

static enum pw_status get(struct pw_store *s, int64_t id, pw_store_incident_fn fn, void *ctx,
                          struct pw_error *err)
{
	PGresult *r = RUN(S_GET, "incident", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	int found = PQntuples(r) > 0;
	each_incident(r, fn, ctx);
	PQclear(r);
	if (!found)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "incident", "no incident %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status list(struct pw_store *s, pw_store_incident_fn fn, void *ctx,
                           struct pw_error *err)
{
	PGresult *r = RUN(S_LIST, "incident", "");
	if (r == NULL)
		return PW_ERR_STORE;
	each_incident(r, fn, ctx);
	PQclear(r);
	return PW_OK;
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
	uint64_t changes = 0;
	enum pw_status ret;
	if (which == PW_STORE_INCIDENT_END)
		ret = CMD(ids[which], "incident", &changes, "ioi", id, value != 0, value,
		          (int64_t)(end_expected ? 1 : 0));
	else
		ret = CMD(ids[which], "incident", &changes, "io", id, value != 0, value);
	if (ret == PW_OK && changes == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "incident", "no incident %lld",
		                    (long long)id);
	return ret;
}

static enum pw_status tag(struct pw_store *s, int64_t id, const char *t, int add_it,
                          int *out_changed, struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = exists(s, id, 0, err);
	if (ret != PW_OK)
		return ret;
	if ((ret = CMD(add_it ? S_TAG_ADD : S_TAG_DEL, "incident.tag", &changes, "it", id, t)) !=
	    PW_OK)
		return ret;
	if (out_changed != NULL)
		*out_changed = changes > 0;
	return PW_OK;
}

static enum pw_status field_set(struct pw_store *s, int64_t id, const char *name,
                                const char *value, struct pw_error *err)
{
	enum pw_status ret = exists(s, id, 0, err);
	if (ret != PW_OK)
		return ret;
	if (value != NULL)
		return CMD(S_FIELD_SET, "incident.field", NULL, "itt", id, name, value);
	return CMD(S_FIELD_DEL, "incident.field", NULL, "it", id, name);
}

static enum pw_status each_kv(struct pw_store *s, size_t sid, int64_t id, int has_value,
                              pw_store_incident_kv_fn fn, void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(sid, "incident", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++)
		if (!fn(ctx, pw_pg_text(r, i, 0), has_value ? pw_pg_text(r, i, 1) : NULL))
			break;
	PQclear(r);
	return PW_OK;
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
	enum pw_status ret = exists(s, id, 1, err);
	PGresult *r;
	if (ret != PW_OK)
		return ret;
	if ((r = RUN(S_ITEM_ADD, "incident.item", "itit", id, kind, at, data)) == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0)
		*out_seq = pw_pg_int(r, 0, 0);
	PQclear(r);
	return PW_OK;
}

static enum pw_status item_update(struct pw_store *s, int64_t id, const char *kind, int64_t seq,
                                  int64_t at, const char *data, struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret =
		CMD(S_ITEM_UPD, "incident.item", &changes, "ititi", id, kind, seq, data, at);
	if (ret == PW_OK && changes == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, kind, "incident %lld has no %s #%lld",
		                    (long long)id, kind, (long long)seq);
	return ret;
}

static enum pw_status items(struct pw_store *s, int64_t id, const char *kind,
                            pw_store_incident_item_fn fn, void *ctx, struct pw_error *err)
{
	PGresult *r = kind != NULL ? RUN(S_ITEMS_KIND, "incident.item", "it", id, kind)
	                           : RUN(S_ITEMS_ALL, "incident.item", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_incident_item it;
		it.incident_id = pw_pg_int(r, i, 0);
		it.kind = pw_pg_text(r, i, 1);
		it.seq = pw_pg_int(r, i, 2);
		it.at = pw_pg_int(r, i, 3);
		it.updated_at = pw_pg_int(r, i, 4);
		it.data = pw_pg_text(r, i, 5);
		if (!fn(ctx, &it))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static void incident_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_INCIDENT);
}

const struct pw_store_incident_ops pw_pg_incident_ops = {
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
