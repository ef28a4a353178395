/* store/sqlite_monitor.c: the SQLite side of the monitor area (monitor_ops.h) and
 * schema migration 5.
 *
 * The first-sighting times of a revocation are the revocation row's
 * first_seen_crl / first_seen_ocsp columns (migration 1, the lead's table):
 * this area only ever sets them with UPDATE ... COALESCE, so the first
 * sighting is kept forever and nothing else of the row is touched. The URL
 * and CRL number of that sighting, and the latest OCSP answer, live in the
 * area's own table monitor_seen. Every statement is portable SQL (the
 * PostgreSQL backend runs the same text, with GREATEST for max). */
#include <string.h>

#include "monitor_ops.h"
#include "sqlite_area.h"

/* Migration 5: the monitor's tables; appended to by the area's owner until
 * the first release, frozen after it. */
const char pw_sqlite_migration_5[] =
	/* Where and in which CRL a revocation was first seen, and the latest
	 * OCSP answer for it (first_seen_* times: the revocation row). */
	"CREATE TABLE monitor_seen ("
	" cert_id INTEGER PRIMARY KEY REFERENCES certificate (id),"
	" crl_url TEXT,"
	" crl_number BLOB,"
	" ocsp_url TEXT,"
	" last_ocsp_at INTEGER,"
	" last_ocsp_status INTEGER);"
	/* Every HTTP transfer the monitor made. */
	"CREATE TABLE monitor_fetch ("
	" id INTEGER PRIMARY KEY,"
	" url TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" http_status INTEGER NOT NULL,"
	" content_type TEXT,"
	" bytes INTEGER NOT NULL,"
	" elapsed_ms INTEGER NOT NULL,"
	" outcome TEXT NOT NULL,"
	" detail TEXT,"
	" body_sha256 BLOB);"
	"CREATE INDEX monitor_fetch_url ON monitor_fetch (url, id);"
	/* CRL numbers seen per URL (RFC 5280 §5.2.3: monotonically increasing);
	 * crl_number is 20 big-endian octets, so byte order is numeric order. */
	"CREATE TABLE monitor_crl ("
	" url TEXT NOT NULL,"
	" crl_number BLOB NOT NULL,"
	" this_update INTEGER NOT NULL,"
	" next_update INTEGER,"
	" entries INTEGER NOT NULL,"
	" crl_sha256 BLOB NOT NULL,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" PRIMARY KEY (url, crl_number));"
	/* Alerts: at most one open per (kind, subject). */
	"CREATE TABLE monitor_alert ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" url TEXT,"
	" detail TEXT,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" count INTEGER NOT NULL,"
	" resolved_at INTEGER);"
	"CREATE UNIQUE INDEX monitor_alert_open ON monitor_alert (kind, subject)"
	" WHERE resolved_at IS NULL;"
	"CREATE INDEX monitor_alert_last ON monitor_alert (last_seen, id);";

enum {
	M_REV_STATE,
	M_SET_FIRST_CRL,
	M_SEEN_CRL_UPSERT,
	M_SET_FIRST_OCSP,
	M_SEEN_OCSP_UPSERT,
	M_SEEN_GET,
	M_FETCH_INS,
	M_FETCH_LIST,
	M_CRL_INS,
	M_CRL_TOUCH,
	M_CRL_HIGHEST,
	M_CRL_LIST,
	M_ALERT_FIND_OPEN,
	M_ALERT_UPDATE,
	M_ALERT_INS,
	M_ALERT_RESOLVE,
	M_ALERT_LIST,
	M_ALERT_COUNT_OPEN,
	M_COUNT_
};

static const char *const msql[M_COUNT_] = {
	[M_REV_STATE] = "SELECT r.cert_id, r.first_seen_crl, r.first_seen_ocsp FROM revocation r"
	                " JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = ?",
	[M_SET_FIRST_CRL] = "UPDATE revocation SET first_seen_crl = COALESCE(first_seen_crl, ?2)"
	                    " WHERE cert_id = ?1",
	[M_SEEN_CRL_UPSERT] = "INSERT INTO monitor_seen (cert_id, crl_url, crl_number)"
	                      " VALUES (?1, ?2, ?3) ON CONFLICT (cert_id) DO UPDATE SET"
	                      " crl_url = COALESCE(monitor_seen.crl_url, excluded.crl_url),"
	                      " crl_number = COALESCE(monitor_seen.crl_number, excluded.crl_number)",
	[M_SET_FIRST_OCSP] = "UPDATE revocation SET first_seen_ocsp = COALESCE(first_seen_ocsp, ?2)"
	                     " WHERE cert_id = ?1",
	[M_SEEN_OCSP_UPSERT] = "INSERT INTO monitor_seen (cert_id, ocsp_url, last_ocsp_at,"
	                       " last_ocsp_status) VALUES (?1, ?2, ?3, ?4)"
	                       " ON CONFLICT (cert_id) DO UPDATE SET"
	                       " ocsp_url = COALESCE(monitor_seen.ocsp_url, excluded.ocsp_url),"
	                       " last_ocsp_at = excluded.last_ocsp_at,"
	                       " last_ocsp_status = excluded.last_ocsp_status",
	[M_SEEN_GET] = "SELECT r.revoked_at, r.first_seen_crl, r.first_seen_ocsp, m.crl_url,"
	               " m.crl_number, m.ocsp_url, m.last_ocsp_at, m.last_ocsp_status"
	               " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	               " LEFT JOIN monitor_seen m ON m.cert_id = r.cert_id WHERE c.sha256 = ?",
	[M_FETCH_INS] = "INSERT INTO monitor_fetch (url, kind, at, http_status, content_type, bytes,"
	                " elapsed_ms, outcome, detail, body_sha256)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[M_FETCH_LIST] = "SELECT id, url, kind, at, http_status, content_type, bytes, elapsed_ms,"
	                 " outcome, detail, body_sha256 FROM monitor_fetch"
	                 " WHERE (?1 IS NULL OR url = ?1) ORDER BY id DESC LIMIT ?2",
	[M_CRL_INS] = "INSERT INTO monitor_crl (url, crl_number, this_update, next_update, entries,"
	              " crl_sha256, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"
	              " ON CONFLICT (url, crl_number) DO NOTHING",
	[M_CRL_TOUCH] = "UPDATE monitor_crl SET last_seen = max(last_seen, ?3)"
	                " WHERE url = ?1 AND crl_number = ?2",
	[M_CRL_HIGHEST] = "SELECT url, crl_number, this_update, next_update, entries, crl_sha256,"
	                  " first_seen, last_seen FROM monitor_crl WHERE url = ?"
	                  " ORDER BY crl_number DESC LIMIT 1",
	[M_CRL_LIST] = "SELECT url, crl_number, this_update, next_update, entries, crl_sha256,"
	               " first_seen, last_seen FROM monitor_crl WHERE (?1 IS NULL OR url = ?1)"
	               " ORDER BY url, crl_number",
	[M_ALERT_FIND_OPEN] = "SELECT id FROM monitor_alert WHERE kind = ? AND subject = ?"
	                      " AND resolved_at IS NULL",
	[M_ALERT_UPDATE] = "UPDATE monitor_alert SET last_seen = max(last_seen, ?2),"
	                   " count = count + 1, detail = ?3, url = ?4 WHERE id = ?1",
	[M_ALERT_INS] = "INSERT INTO monitor_alert (kind, subject, url, detail, first_seen,"
	                " last_seen, count) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)",
	[M_ALERT_RESOLVE] = "UPDATE monitor_alert SET resolved_at = ?2 WHERE id = ?1"
	                    " AND resolved_at IS NULL",
	[M_ALERT_LIST] = "SELECT id, kind, subject, url, detail, first_seen, last_seen, count,"
	                 " resolved_at FROM monitor_alert WHERE (?1 = 0 OR resolved_at IS NULL)"
	                 " AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR subject = ?3)"
	                 " ORDER BY last_seen DESC, id DESC LIMIT ?4",
	[M_ALERT_COUNT_OPEN] = "SELECT COUNT(*) FROM monitor_alert WHERE resolved_at IS NULL",
};

static sqlite3_stmt *stmt(struct pw_store *s, size_t id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_MONITOR, msql, M_COUNT_, id, err);
}

static void sqlite_monitor_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_MONITOR);
}

static sqlite3 *db(struct pw_store *s)
{
	return pw_store_sqlite_get0_db(s);
}

/* Reads the revocation row of sha256: its cert id and whether the first
 * sightings are set. PW_ERR_NOTFOUND when not revoked. */
static enum pw_status rev_state(struct pw_store *s, const uint8_t sha256[32], int64_t *cert_id,
                                int *has_crl, int *has_ocsp, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_REV_STATE, err);
	enum pw_status ret = PW_OK;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*cert_id = sqlite3_column_int64(st, 0);
		*has_crl = sqlite3_column_type(st, 1) != SQLITE_NULL;
		*has_ocsp = sqlite3_column_type(st, 2) != SQLITE_NULL;
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                   "the certificate is not stored or not revoked");
	} else {
		ret = pw_sqlite_xerr(s, err, "revocation");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status seen_crl(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                               const char *url, const uint8_t *crl_number, int *out_first,
                               struct pw_error *err)
{
	int64_t id = 0;
	int has_crl = 0, has_ocsp = 0;
	enum pw_status ret = rev_state(s, sha256, &id, &has_crl, &has_ocsp, err);
	sqlite3_stmt *st;
	*out_first = 0;
	if (ret != PW_OK || has_crl)
		return ret;
	if ((st = stmt(s, M_SET_FIRST_CRL, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	if ((ret = pw_sqlite_xrun(s, st, "revocation.first_seen_crl", err)) != PW_OK)
		return ret;
	if ((st = stmt(s, M_SEEN_CRL_UPSERT, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	pw_sqlite_bind_blob_opt(st, 3, crl_number, PW_STORE_MONITOR_CRL_NUMBER_LEN);
	if ((ret = pw_sqlite_xrun(s, st, "monitor_seen", err)) != PW_OK)
		return ret;
	*out_first = 1;
	return PW_OK;
}

static enum pw_status seen_ocsp(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                const char *url, int status, int *out_first,
                                struct pw_error *err)
{
	int64_t id = 0;
	int has_crl = 0, has_ocsp = 0;
	enum pw_status ret = rev_state(s, sha256, &id, &has_crl, &has_ocsp, err);
	sqlite3_stmt *st;
	/* enum pw_ocsp_cert_status: 1 = revoked (RFC 6960 §4.2.1). */
	int first = ret == PW_OK && status == PW_OCSP_REVOKED && !has_ocsp;
	*out_first = 0;
	if (ret != PW_OK)
		return ret;
	if (first) {
		if ((st = stmt(s, M_SET_FIRST_OCSP, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, at);
		if ((ret = pw_sqlite_xrun(s, st, "revocation.first_seen_ocsp", err)) != PW_OK)
			return ret;
	}
	if ((st = stmt(s, M_SEEN_OCSP_UPSERT, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	if (first)
		sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int(st, 4, status);
	if ((ret = pw_sqlite_xrun(s, st, "monitor_seen", err)) != PW_OK)
		return ret;
	*out_first = first;
	return PW_OK;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	size_t n = strlen((const char *)src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static enum pw_status seen_get(struct pw_store *s, const uint8_t sha256[32],
                               struct pw_store_monitor_seen *out, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_SEEN_GET, err);
	enum pw_status ret = PW_OK;
	if (st == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	memcpy(out->sha256, sha256, 32);
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->revoked_at = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			out->has_crl = 1;
			out->first_seen_crl = sqlite3_column_int64(st, 1);
		}
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			out->has_ocsp = 1;
			out->first_seen_ocsp = sqlite3_column_int64(st, 2);
		}
		copy_text(out->crl_url, sizeof out->crl_url, sqlite3_column_text(st, 3));
		if (sqlite3_column_bytes(st, 4) == PW_STORE_MONITOR_CRL_NUMBER_LEN) {
			out->has_crl_number = 1;
			memcpy(out->crl_number, sqlite3_column_blob(st, 4),
			       PW_STORE_MONITOR_CRL_NUMBER_LEN);
		}
		copy_text(out->ocsp_url, sizeof out->ocsp_url, sqlite3_column_text(st, 5));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
			out->has_last_ocsp = 1;
			out->last_ocsp_at = sqlite3_column_int64(st, 6);
			out->last_ocsp_status = sqlite3_column_int(st, 7);
		}
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                   "the certificate is not stored or not revoked");
	} else {
		ret = pw_sqlite_xerr(s, err, "monitor_seen");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status fetch_add(struct pw_store *s, const struct pw_store_monitor_fetch *f,
                                int64_t *out_id, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_FETCH_INS, err);
	enum pw_status ret;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, f->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->at);
	sqlite3_bind_int64(st, 4, f->http_status);
	pw_sqlite_bind_text_opt(st, 5, f->content_type);
	sqlite3_bind_int64(st, 6, (int64_t)f->bytes);
	sqlite3_bind_int64(st, 7, f->elapsed_ms);
	sqlite3_bind_text(st, 8, f->outcome, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 9, f->detail);
	pw_sqlite_bind_blob_opt(st, 10, f->has_body_sha256 ? f->body_sha256 : NULL, 32);
	if ((ret = pw_sqlite_xrun(s, st, "monitor_fetch", err)) != PW_OK)
		return ret;
	if (out_id != NULL)
		*out_id = sqlite3_last_insert_rowid(db(s));
	return PW_OK;
}

static enum pw_status fetch_list(struct pw_store *s, const char *url, uint64_t limit,
                                 pw_store_monitor_fetch_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_monitor_fetch f;
	int rc;
	sqlite3_stmt *st = stmt(s, M_FETCH_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	pw_sqlite_bind_text_opt(st, 1, url);
	sqlite3_bind_int64(st, 2, limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof f);
		f.id = sqlite3_column_int64(st, 0);
		f.url = (const char *)sqlite3_column_text(st, 1);
		f.kind = (const char *)sqlite3_column_text(st, 2);
		f.at = sqlite3_column_int64(st, 3);
		f.http_status = (long)sqlite3_column_int64(st, 4);
		f.content_type = (const char *)sqlite3_column_text(st, 5);
		f.bytes = (uint64_t)sqlite3_column_int64(st, 6);
		f.elapsed_ms = sqlite3_column_int64(st, 7);
		f.outcome = (const char *)sqlite3_column_text(st, 8);
		f.detail = (const char *)sqlite3_column_text(st, 9);
		if (sqlite3_column_bytes(st, 10) == 32) {
			f.has_body_sha256 = 1;
			memcpy(f.body_sha256, sqlite3_column_blob(st, 10), 32);
		}
		if (!fn(ctx, &f))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		enum pw_status ret = pw_sqlite_xerr(s, err, "monitor_fetch");
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_reset(st);
	return PW_OK;
}

static enum pw_status crl_seen(struct pw_store *s, const struct pw_store_monitor_crl *c,
                               int64_t at, int *out_new, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_CRL_INS, err);
	enum pw_status ret;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, c->url, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, c->crl_number, PW_STORE_MONITOR_CRL_NUMBER_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->this_update);
	if (c->has_next_update)
		sqlite3_bind_int64(st, 4, c->next_update);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (int64_t)c->entries);
	sqlite3_bind_blob(st, 6, c->crl_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, at);
	if ((ret = pw_sqlite_xrun(s, st, "monitor_crl", err)) != PW_OK)
		return ret;
	*out_new = sqlite3_changes(db(s)) > 0;
	if (*out_new)
		return PW_OK;
	if ((st = stmt(s, M_CRL_TOUCH, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, c->url, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, c->crl_number, PW_STORE_MONITOR_CRL_NUMBER_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	return pw_sqlite_xrun(s, st, "monitor_crl", err);
}

/* Fills *c from a monitor_crl row (texts borrowed from the statement). */
static void crl_row(sqlite3_stmt *st, struct pw_store_monitor_crl *c)
{
	memset(c, 0, sizeof *c);
	c->url = (const char *)sqlite3_column_text(st, 0);
	if (sqlite3_column_bytes(st, 1) == PW_STORE_MONITOR_CRL_NUMBER_LEN)
		memcpy(c->crl_number, sqlite3_column_blob(st, 1), PW_STORE_MONITOR_CRL_NUMBER_LEN);
	c->this_update = sqlite3_column_int64(st, 2);
	if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
		c->has_next_update = 1;
		c->next_update = sqlite3_column_int64(st, 3);
	}
	c->entries = (uint64_t)sqlite3_column_int64(st, 4);
	if (sqlite3_column_bytes(st, 5) == 32)
		memcpy(c->crl_sha256, sqlite3_column_blob(st, 5), 32);
	c->first_seen = sqlite3_column_int64(st, 6);
	c->last_seen = sqlite3_column_int64(st, 7);
}

static enum pw_status crl_highest(struct pw_store *s, const char *url,
                                  struct pw_store_monitor_crl *out, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_CRL_HIGHEST, err);
	enum pw_status ret = PW_OK;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		crl_row(st, out);
		out->url = url;
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "url", "no CRL recorded for %s", url);
	} else {
		ret = pw_sqlite_xerr(s, err, "monitor_crl");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status crl_list(struct pw_store *s, const char *url, pw_store_monitor_crl_fn fn,
                               void *ctx, struct pw_error *err)
{
	struct pw_store_monitor_crl c;
	int rc;
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, M_CRL_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	pw_sqlite_bind_text_opt(st, 1, url);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		crl_row(st, &c);
		if (!fn(ctx, &c))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "monitor_crl");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status alert_raise(struct pw_store *s, const struct pw_store_monitor_alert *a,
                                  int64_t at, int64_t *out_id, int *out_new,
                                  struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_ALERT_FIND_OPEN, err);
	int64_t id = 0;
	enum pw_status ret;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, a->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->subject, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = pw_sqlite_xerr(s, err, "monitor_alert");
		sqlite3_reset(st);
		return ret;
	}
	sqlite3_reset(st);
	if (id > 0) {
		if ((st = stmt(s, M_ALERT_UPDATE, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, at);
		pw_sqlite_bind_text_opt(st, 3, a->detail);
		pw_sqlite_bind_text_opt(st, 4, a->url);
		ret = pw_sqlite_xrun(s, st, "monitor_alert", err);
		*out_new = 0;
	} else {
		if ((st = stmt(s, M_ALERT_INS, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_text(st, 1, a->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->subject, -1, SQLITE_STATIC);
		pw_sqlite_bind_text_opt(st, 3, a->url);
		pw_sqlite_bind_text_opt(st, 4, a->detail);
		sqlite3_bind_int64(st, 5, at);
		ret = pw_sqlite_xrun(s, st, "monitor_alert", err);
		id = sqlite3_last_insert_rowid(db(s));
		*out_new = 1;
	}
	*out_id = id;
	return ret;
}

static enum pw_status alert_resolve(struct pw_store *s, int64_t id, int64_t at,
                                    struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_ALERT_RESOLVE, err);
	enum pw_status ret;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	if ((ret = pw_sqlite_xrun(s, st, "monitor_alert", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "id", "no open alert %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status alert_list(struct pw_store *s, const struct pw_store_monitor_alert_filter *f,
                                 pw_store_monitor_alert_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_monitor_alert a;
	int rc;
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, M_ALERT_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int(st, 1, f != NULL && f->open_only);
	pw_sqlite_bind_text_opt(st, 2, f != NULL ? f->kind : NULL);
	pw_sqlite_bind_text_opt(st, 3, f != NULL ? f->subject : NULL);
	sqlite3_bind_int64(st, 4, f == NULL || f->limit == 0 || f->limit > INT64_MAX
	                              ? -1 : (int64_t)f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		a.kind = (const char *)sqlite3_column_text(st, 1);
		a.subject = (const char *)sqlite3_column_text(st, 2);
		a.url = (const char *)sqlite3_column_text(st, 3);
		a.detail = (const char *)sqlite3_column_text(st, 4);
		a.first_seen = sqlite3_column_int64(st, 5);
		a.last_seen = sqlite3_column_int64(st, 6);
		a.count = (uint64_t)sqlite3_column_int64(st, 7);
		a.resolved_at = sqlite3_column_int64(st, 8);
		if (!fn(ctx, &a))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "monitor_alert");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status alert_count_open(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, M_ALERT_COUNT_OPEN, err);
	enum pw_status ret = PW_OK;
	if (st == NULL)
		return PW_ERR_STORE;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	else
		ret = pw_sqlite_xerr(s, err, "monitor_alert");
	sqlite3_reset(st);
	return ret;
}

const struct pw_store_monitor_ops pw_sqlite_monitor_ops = {
	.close = sqlite_monitor_close,
	.seen_crl = seen_crl,
	.seen_ocsp = seen_ocsp,
	.seen_get = seen_get,
	.fetch_add = fetch_add,
	.fetch_list = fetch_list,
	.crl_seen = crl_seen,
	.crl_highest = crl_highest,
	.crl_list = crl_list,
	.alert_raise = alert_raise,
	.alert_resolve = alert_resolve,
	.alert_list = alert_list,
	.alert_count_open = alert_count_open,
};
