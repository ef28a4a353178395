/* store/postgres_monitor.c: the PostgreSQL side of the monitor area
 * (monitor_ops.h) and schema migration 5: where and when each revocation
 * was first seen published, every fetch the monitor made, the CRL numbers
 * seen per URL and the alerts. Same tables and indexes as sqlite_monitor.c
 * (BIGINT epoch seconds; crl_number a 20-octet big-endian BYTEA, so byte
 * order is numeric order on both backends).
 *
 * first_seen_crl / first_seen_ocsp are only ever set with COALESCE, so the
 * first sighting is kept whichever of several monitor nodes saw it first. */
#include <string.h>

#include "monitor_ops.h"
#include "postgres_internal.h"

const char pw_pg_migration_monitor[] =
	"CREATE TABLE monitor_seen ("
	" cert_id BIGINT PRIMARY KEY REFERENCES certificate (id),"
	" crl_url TEXT,"
	" crl_number BYTEA,"
	" ocsp_url TEXT,"
	" last_ocsp_at BIGINT,"
	" last_ocsp_status BIGINT);"
	"CREATE TABLE monitor_fetch ("
	" id BIGSERIAL PRIMARY KEY,"
	" url TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" at BIGINT NOT NULL,"
	" http_status BIGINT NOT NULL,"
	" content_type TEXT,"
	" bytes BIGINT NOT NULL,"
	" elapsed_ms BIGINT NOT NULL,"
	" outcome TEXT NOT NULL,"
	" detail TEXT,"
	" body_sha256 BYTEA);"
	"CREATE INDEX monitor_fetch_url ON monitor_fetch (url, id);"
	/* RFC 5280 §5.2.3: CRL numbers increase monotonically per URL. */
	"CREATE TABLE monitor_crl ("
	" url TEXT NOT NULL,"
	" crl_number BYTEA NOT NULL,"
	" this_update BIGINT NOT NULL,"
	" next_update BIGINT,"
	" entries BIGINT NOT NULL,"
	" crl_sha256 BYTEA NOT NULL,"
	" first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL,"
	" PRIMARY KEY (url, crl_number));"
	"CREATE TABLE monitor_alert ("
	" id BIGSERIAL PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" url TEXT,"
	" detail TEXT,"
	" first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL,"
	" count BIGINT NOT NULL,"
	" resolved_at BIGINT);"
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

static const char *const SQL[M_COUNT_] = {
	[M_REV_STATE] = "SELECT r.cert_id, r.first_seen_crl, r.first_seen_ocsp FROM revocation r"
	                " JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = $1",
	[M_SET_FIRST_CRL] = "UPDATE revocation SET first_seen_crl = COALESCE(first_seen_crl, $2)"
	                    " WHERE cert_id = $1",
	[M_SEEN_CRL_UPSERT] = "INSERT INTO monitor_seen (cert_id, crl_url, crl_number)"
	                      " VALUES ($1, $2, $3) ON CONFLICT (cert_id) DO UPDATE SET"
	                      " crl_url = COALESCE(monitor_seen.crl_url, EXCLUDED.crl_url),"
	                      " crl_number = COALESCE(monitor_seen.crl_number, EXCLUDED.crl_number)",
	[M_SET_FIRST_OCSP] = "UPDATE revocation SET first_seen_ocsp = COALESCE(first_seen_ocsp, $2)"
	                     " WHERE cert_id = $1",
	[M_SEEN_OCSP_UPSERT] = "INSERT INTO monitor_seen (cert_id, ocsp_url, last_ocsp_at,"
	                       " last_ocsp_status) VALUES ($1, $2, $3, $4)"
	                       " ON CONFLICT (cert_id) DO UPDATE SET"
	                       " ocsp_url = COALESCE(monitor_seen.ocsp_url, EXCLUDED.ocsp_url),"
	                       " last_ocsp_at = EXCLUDED.last_ocsp_at,"
	                       " last_ocsp_status = EXCLUDED.last_ocsp_status",
	[M_SEEN_GET] = "SELECT r.revoked_at, r.first_seen_crl, r.first_seen_ocsp, m.crl_url,"
	               " m.crl_number, m.ocsp_url, m.last_ocsp_at, m.last_ocsp_status"
	               " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	               " LEFT JOIN monitor_seen m ON m.cert_id = r.cert_id WHERE c.sha256 = $1",
	[M_FETCH_INS] = "INSERT INTO monitor_fetch (url, kind, at, http_status, content_type, bytes,"
	                " elapsed_ms, outcome, detail, body_sha256)"
	                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
	/* LIMIT NULL is no limit (SQLite's LIMIT -1). */
	[M_FETCH_LIST] = "SELECT id, url, kind, at, http_status, content_type, bytes, elapsed_ms,"
	                 " outcome, detail, body_sha256 FROM monitor_fetch"
	                 " WHERE ($1::text IS NULL OR url = $1) ORDER BY id DESC LIMIT $2",
	[M_CRL_INS] = "INSERT INTO monitor_crl (url, crl_number, this_update, next_update, entries,"
	              " crl_sha256, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	              " ON CONFLICT (url, crl_number) DO NOTHING",
	[M_CRL_TOUCH] = "UPDATE monitor_crl SET last_seen = GREATEST(last_seen, $3)"
	                " WHERE url = $1 AND crl_number = $2",
	[M_CRL_HIGHEST] = "SELECT url, crl_number, this_update, next_update, entries, crl_sha256,"
	                  " first_seen, last_seen FROM monitor_crl WHERE url = $1"
	                  " ORDER BY crl_number DESC LIMIT 1",
	[M_CRL_LIST] = "SELECT url, crl_number, this_update, next_update, entries, crl_sha256,"
	               " first_seen, last_seen FROM monitor_crl WHERE ($1::text IS NULL OR url = $1)"
	               " ORDER BY url COLLATE \"C\", crl_number",
	[M_ALERT_FIND_OPEN] = "SELECT id FROM monitor_alert WHERE kind = $1 AND subject = $2"
	                      " AND resolved_at IS NULL",
	[M_ALERT_UPDATE] = "UPDATE monitor_alert SET last_seen = GREATEST(last_seen, $2),"
	                   " count = count + 1, detail = $3, url = $4 WHERE id = $1",
	/* Two nodes raising the same alert at once: the partial unique index
	 * lets one insert; the other finds it and counts (alert_raise). */
	[M_ALERT_INS] = "INSERT INTO monitor_alert (kind, subject, url, detail, first_seen,"
	                " last_seen, count) VALUES ($1, $2, $3, $4, $5, $5, 1)"
	                " ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING"
	                " RETURNING id",
	[M_ALERT_RESOLVE] = "UPDATE monitor_alert SET resolved_at = $2 WHERE id = $1"
	                    " AND resolved_at IS NULL",
	[M_ALERT_LIST] = "SELECT id, kind, subject, url, detail, first_seen, last_seen, count,"
	                 " resolved_at FROM monitor_alert WHERE ($1 = 0 OR resolved_at IS NULL)"
	                 " AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR subject = $3)"
	                 " ORDER BY last_seen DESC, id DESC LIMIT $4",
	[M_ALERT_COUNT_OPEN] = "SELECT COUNT(*) FROM monitor_alert WHERE resolved_at IS NULL",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_MONITOR, SQL, M_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                       \
	pw_pg_area_cmd(s, PW_STORE_AREA_MONITOR, SQL, M_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

/* "No limit" (0 or beyond int64) is SQL NULL. */
#define LIMIT_ARG(l) (int)((l) != 0 && (l) <= INT64_MAX), (int64_t)(l)

static void pg_monitor_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_MONITOR);
}

/* The revocation row of sha256: its cert id and whether the first
 * sightings are set. PW_ERR_NOTFOUND when not revoked. */
static enum pw_status rev_state(struct pw_store *s, const uint8_t sha256[32], int64_t *cert_id,
                                int *has_crl, int *has_ocsp, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(M_REV_STATE, "revocation", "h", sha256);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		*cert_id = pw_pg_int(r, 0, 0);
		*has_crl = !pw_pg_null(r, 0, 1);
		*has_ocsp = !pw_pg_null(r, 0, 2);
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                   "the certificate is not stored or not revoked");
	}
	PQclear(r);
	return ret;
}

static enum pw_status seen_crl(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                               const char *url, const uint8_t *crl_number, int *out_first,
                               struct pw_error *err)
{
	int64_t id = 0;
	int has_crl = 0, has_ocsp = 0;
	enum pw_status ret = rev_state(s, sha256, &id, &has_crl, &has_ocsp, err);
	*out_first = 0;
	if (ret != PW_OK || has_crl)
		return ret;
	if ((ret = CMD(M_SET_FIRST_CRL, "revocation.first_seen_crl", NULL, "ii", id, at)) != PW_OK ||
	    (ret = CMD(M_SEEN_CRL_UPSERT, "monitor_seen", NULL, "itb", id, url,
	               (const void *)crl_number, (size_t)PW_STORE_MONITOR_CRL_NUMBER_LEN)) != PW_OK)
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
	/* enum pw_ocsp_cert_status: 1 = revoked (RFC 6960 §4.2.1). */
	int first = ret == PW_OK && status == PW_OCSP_REVOKED && !has_ocsp;
	*out_first = 0;
	if (ret != PW_OK)
		return ret;
	if (first &&
	    (ret = CMD(M_SET_FIRST_OCSP, "revocation.first_seen_ocsp", NULL, "ii", id, at)) != PW_OK)
		return ret;
	if ((ret = CMD(M_SEEN_OCSP_UPSERT, "monitor_seen", NULL, "itii", id, first ? url : NULL, at,
	               (int64_t)status)) != PW_OK)
		return ret;
	*out_first = first;
	return PW_OK;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return;
	}
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static enum pw_status seen_get(struct pw_store *s, const uint8_t sha256[32],
                               struct pw_store_monitor_seen *out, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(M_SEEN_GET, "monitor_seen", "h", sha256);
	size_t n;
	if (r == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	memcpy(out->sha256, sha256, 32);
	if (PQntuples(r) > 0) {
		out->revoked_at = pw_pg_int(r, 0, 0);
		if (!pw_pg_null(r, 0, 1)) {
			out->has_crl = 1;
			out->first_seen_crl = pw_pg_int(r, 0, 1);
		}
		if (!pw_pg_null(r, 0, 2)) {
			out->has_ocsp = 1;
			out->first_seen_ocsp = pw_pg_int(r, 0, 2);
		}
		copy_text(out->crl_url, sizeof out->crl_url, pw_pg_text(r, 0, 3));
		const void *num = pw_pg_blob(r, 0, 4, &n);
		if (num != NULL && n == PW_STORE_MONITOR_CRL_NUMBER_LEN) {
			out->has_crl_number = 1;
			memcpy(out->crl_number, num, PW_STORE_MONITOR_CRL_NUMBER_LEN);
		}
		copy_text(out->ocsp_url, sizeof out->ocsp_url, pw_pg_text(r, 0, 5));
		if (!pw_pg_null(r, 0, 6)) {
			out->has_last_ocsp = 1;
			out->last_ocsp_at = pw_pg_int(r, 0, 6);
			out->last_ocsp_status = (int)pw_pg_int(r, 0, 7);
		}
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                   "the certificate is not stored or not revoked");
	}
	PQclear(r);
	return ret;
}

static enum pw_status fetch_add(struct pw_store *s, const struct pw_store_monitor_fetch *f,
                                int64_t *out_id, struct pw_error *err)
{
	PGresult *r = RUN(M_FETCH_INS, "monitor_fetch", "ttiitiittb", f->url, f->kind, f->at,
	                  (int64_t)f->http_status, f->content_type, (int64_t)f->bytes,
	                  f->elapsed_ms, f->outcome, f->detail,
	                  (const void *)(f->has_body_sha256 ? f->body_sha256 : NULL), (size_t)32);
	if (r == NULL)
		return PW_ERR_STORE;
	if (out_id != NULL)
		*out_id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status fetch_list(struct pw_store *s, const char *url, uint64_t limit,
                                 pw_store_monitor_fetch_fn fn, void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(M_FETCH_LIST, "monitor_fetch", "to", url, LIMIT_ARG(limit));
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_monitor_fetch f;
		memset(&f, 0, sizeof f);
		f.id = pw_pg_int(r, i, 0);
		f.url = pw_pg_text(r, i, 1);
		f.kind = pw_pg_text(r, i, 2);
		f.at = pw_pg_int(r, i, 3);
		f.http_status = (long)pw_pg_int(r, i, 4);
		f.content_type = pw_pg_text(r, i, 5);
		f.bytes = (uint64_t)pw_pg_int(r, i, 6);
		f.elapsed_ms = pw_pg_int(r, i, 7);
		f.outcome = pw_pg_text(r, i, 8);
		f.detail = pw_pg_text(r, i, 9);
		f.has_body_sha256 = pw_pg_hash(r, i, 10, f.body_sha256);
		if (!fn(ctx, &f))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status crl_seen(struct pw_store *s, const struct pw_store_monitor_crl *c,
                               int64_t at, int *out_new, struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = CMD(M_CRL_INS, "monitor_crl", &changes, "tbioihi", c->url,
	                         (const void *)c->crl_number,
	                         (size_t)PW_STORE_MONITOR_CRL_NUMBER_LEN, c->this_update,
	                         c->has_next_update, c->next_update, (int64_t)c->entries,
	                         c->crl_sha256, at);
	if (ret != PW_OK)
		return ret;
	*out_new = changes > 0;
	if (*out_new)
		return PW_OK;
	return CMD(M_CRL_TOUCH, "monitor_crl", NULL, "tbi", c->url, (const void *)c->crl_number,
	           (size_t)PW_STORE_MONITOR_CRL_NUMBER_LEN, at);
}

/* Fills *c from a monitor_crl row (texts borrowed from the result). */
static void crl_row(const PGresult *r, int i, struct pw_store_monitor_crl *c)
{
	size_t n;
	memset(c, 0, sizeof *c);
	c->url = pw_pg_text(r, i, 0);
	const void *num = pw_pg_blob(r, i, 1, &n);
	if (num != NULL && n == PW_STORE_MONITOR_CRL_NUMBER_LEN)
		memcpy(c->crl_number, num, PW_STORE_MONITOR_CRL_NUMBER_LEN);
	c->this_update = pw_pg_int(r, i, 2);
	if (!pw_pg_null(r, i, 3)) {
		c->has_next_update = 1;
		c->next_update = pw_pg_int(r, i, 3);
	}
	c->entries = (uint64_t)pw_pg_int(r, i, 4);
	pw_pg_hash(r, i, 5, c->crl_sha256);
	c->first_seen = pw_pg_int(r, i, 6);
	c->last_seen = pw_pg_int(r, i, 7);
}

static enum pw_status crl_highest(struct pw_store *s, const char *url,
                                  struct pw_store_monitor_crl *out, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(M_CRL_HIGHEST, "monitor_crl", "t", url);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		crl_row(r, 0, out);
		out->url = url;
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "url", "no CRL recorded for %s", url);
	}
	PQclear(r);
	return ret;
}

static enum pw_status crl_list(struct pw_store *s, const char *url, pw_store_monitor_crl_fn fn,
                               void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(M_CRL_LIST, "monitor_crl", "t", url);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_monitor_crl c;
		crl_row(r, i, &c);
		if (!fn(ctx, &c))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status find_open(struct pw_store *s, const struct pw_store_monitor_alert *a,
                                int64_t *id, struct pw_error *err)
{
	PGresult *r = RUN(M_ALERT_FIND_OPEN, "monitor_alert", "tt", a->kind, a->subject);
	if (r == NULL)
		return PW_ERR_STORE;
	*id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status alert_raise(struct pw_store *s, const struct pw_store_monitor_alert *a,
                                  int64_t at, int64_t *out_id, int *out_new,
                                  struct pw_error *err)
{
	int64_t id = 0;
	enum pw_status ret;
	PGresult *r;
	*out_new = 0;
	if ((ret = find_open(s, a, &id, err)) != PW_OK)
		return ret;
	if (id == 0) {
		if ((r = RUN(M_ALERT_INS, "monitor_alert", "tttti", a->kind, a->subject, a->url,
		             a->detail, at)) == NULL)
			return PW_ERR_STORE;
		if (PQntuples(r) > 0) {
			id = pw_pg_int(r, 0, 0);
			*out_new = 1;
		}
		PQclear(r);
		/* Lost the race to another node: count onto its alert. */
		if (id == 0 && (ret = find_open(s, a, &id, err)) != PW_OK)
			return ret;
	}
	if (!*out_new &&
	    (ret = CMD(M_ALERT_UPDATE, "monitor_alert", NULL, "iitt", id, at, a->detail, a->url)) !=
	        PW_OK)
		return ret;
	*out_id = id;
	return PW_OK;
}

static enum pw_status alert_resolve(struct pw_store *s, int64_t id, int64_t at,
                                    struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = CMD(M_ALERT_RESOLVE, "monitor_alert", &changes, "ii", id, at);
	if (ret != PW_OK)
		return ret;
	if (changes == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "id", "no open alert %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status alert_list(struct pw_store *s, const struct pw_store_monitor_alert_filter *f,
                                 pw_store_monitor_alert_fn fn, void *ctx, struct pw_error *err)
{
	uint64_t limit = f != NULL ? f->limit : 0;
	PGresult *r = RUN(M_ALERT_LIST, "monitor_alert", "itto",
	                  (int64_t)(f != NULL && f->open_only), f != NULL ? f->kind : NULL,
	                  f != NULL ? f->subject : NULL, LIMIT_ARG(limit));
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_monitor_alert a;
		memset(&a, 0, sizeof a);
		a.id = pw_pg_int(r, i, 0);
		a.kind = pw_pg_text(r, i, 1);
		a.subject = pw_pg_text(r, i, 2);
		a.url = pw_pg_text(r, i, 3);
		a.detail = pw_pg_text(r, i, 4);
		a.first_seen = pw_pg_int(r, i, 5);
		a.last_seen = pw_pg_int(r, i, 6);
		a.count = (uint64_t)pw_pg_int(r, i, 7);
		a.resolved_at = pw_pg_int(r, i, 8);
		if (!fn(ctx, &a))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status alert_count_open(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	PGresult *r = RUN(M_ALERT_COUNT_OPEN, "monitor_alert", "");
	if (r == NULL)
		return PW_ERR_STORE;
	*out = PQntuples(r) > 0 ? (uint64_t)pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

const struct pw_store_monitor_ops pw_pg_monitor_ops = {
	.close = pg_monitor_close,
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
