/* store/sqlite_policy.c: the SQLite side of the policy area (policy_ops.h) and
 * schema migration 8.
 *
 * The disclosure check is set-based (store_policy.h): every query here is
 * one statement over an index range, never a per-certificate loop. The hit
 * set is a TEMP table (per connection, in memory: temp_store = MEMORY). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "policy_ops.h"
#include "sqlite_area.h"

/* Migration 8: reserved for the policy area; appended to by the area's owner
 * until the first release, frozen after it.
 *
 * validation_method_at: an index on a migration-1 table (no column changes)
 * so that "validations with method M between A and B" is one index range;
 * validation is WITHOUT ROWID, so the entries also carry cert_id and name and
 * the check reads no table row. revoke_plan / revoke_plan_item: stored bulk
 * revocation plans (revoke_plan.h); executing one runs a revoke_job
 * (migration 2) whose id is recorded here. */
const char pw_sqlite_migration_8[] =
	"CREATE INDEX validation_method_at ON validation (method, at);"
	"CREATE TABLE revoke_plan ("
	" id INTEGER PRIMARY KEY,"
	" created_at INTEGER NOT NULL,"
	" aware_at INTEGER NOT NULL,"
	" deadline INTEGER NOT NULL,"
	" deadline_rule TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" actor TEXT,"
	" reason INTEGER,"
	" batch INTEGER NOT NULL CHECK (batch > 0),"
	" total INTEGER NOT NULL,"
	" job_id INTEGER REFERENCES revoke_job (id),"
	" started_at INTEGER,"
	" finished_at INTEGER);"
	"CREATE TABLE revoke_plan_item ("
	" plan_id INTEGER NOT NULL REFERENCES revoke_plan (id),"
	" seq INTEGER NOT NULL,"
	" sha256 BLOB NOT NULL,"
	" PRIMARY KEY (plan_id, seq)) WITHOUT ROWID;";

/* The hit set (created on first use by hits_reset, on this connection). */
static const char hits_schema[] =
	"CREATE TEMP TABLE IF NOT EXISTS policy_hit ("
	" cert_id INTEGER NOT NULL, kind INTEGER NOT NULL, method TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS temp.policy_hit_cert ON policy_hit (cert_id, at);"
	"DELETE FROM temp.policy_hit;";

/* The twin of a certificate (store.c's rule: same issuer and serial, the
 * other precert flag, same link_sha256; RFC 6962 §3). */
#define TWIN_SQL                                                                          \
	"(SELECT t.sha256 FROM certificate t WHERE t.issuer_name_sha256 ="                    \
	" c.issuer_name_sha256 AND t.serial = c.serial AND t.precert <> c.precert"             \
	" AND t.link_sha256 = c.link_sha256)"

enum {
	Q_METHOD_NEXT,
	Q_METHOD_COUNT,
	Q_HIT_WINDOW,
	Q_HIT_REUSE,
	Q_HIT_LIST,
	Q_HIT_TOTALS,
	Q_HIT_BY_METHOD,
	Q_PROFILES,
	Q_PROFILE_COUNT,
	Q_KEYS,
	Q_PLAN_INS,
	Q_PLAN_ITEM_INS,
	Q_PLAN_GET,
	Q_PLAN_ITEMS,
	Q_PLAN_GROUPS,
	Q_PLAN_STARTED,
	Q_PLAN_FINISHED,
	Q_COUNT_
};

static const char *const qsql[Q_COUNT_] = {
	/* A loose index scan: the next distinct method after ?1. */
	[Q_METHOD_NEXT] = "SELECT method FROM validation WHERE method > ?1 ORDER BY method LIMIT 1",
	[Q_METHOD_COUNT] = "SELECT COUNT(*) FROM validation WHERE method = ?1",
	[Q_HIT_WINDOW] = "INSERT INTO temp.policy_hit (cert_id, kind, method, at)"
	                 " SELECT v.cert_id, ?5, v.method, v.at FROM validation v"
	                 " INDEXED BY validation_method_at"
	                 " WHERE v.method = ?1 AND v.at >= ?2 AND v.at < ?3 AND v.at < ?4",
	[Q_HIT_REUSE] = "INSERT INTO temp.policy_hit (cert_id, kind, method, at)"
	                " SELECT v.cert_id, ?4, v.method, v.at FROM validation v"
	                " INDEXED BY validation_method_at JOIN certificate c ON c.id = v.cert_id"
	                " WHERE v.method = ?1 AND v.at < ?2 AND c.not_before >= ?2"
	                " AND c.not_before < ?3",
	/* SQLite: the bare columns h.method, h.at come from the row holding
	 * MIN(h.at) (the earliest hit). SUM(DISTINCT kind) ORs the kind bits. */
	[Q_HIT_LIST] = "SELECT h.cert_id, c.sha256, c.precert, " TWIN_SQL ", c.subject, c.issuer,"
	               " c.serial, c.not_before, c.not_after, c.profile, c.order_id, c.subscriber,"
	               " r.revoked_at, r.reason, SUM(DISTINCT h.kind), COUNT(*), h.method, MIN(h.at)"
	               " FROM temp.policy_hit h JOIN certificate c ON c.id = h.cert_id"
	               " LEFT JOIN revocation r ON r.cert_id = c.id"
	               " GROUP BY h.cert_id ORDER BY h.cert_id",
	[Q_HIT_TOTALS] = "SELECT COUNT(*), TOTAL(c.precert),"
	                 " TOTAL(r.cert_id IS NULL AND c.not_after >= ?1),"
	                 " TOTAL(r.cert_id IS NOT NULL), TOTAL(c.not_after < ?1),"
	                 " MIN(c.not_before), MAX(c.not_before)"
	                 " FROM (SELECT DISTINCT cert_id FROM temp.policy_hit) h"
	                 " JOIN certificate c ON c.id = h.cert_id"
	                 " LEFT JOIN revocation r ON r.cert_id = c.id",
	[Q_HIT_BY_METHOD] = "SELECT h.method, COUNT(DISTINCT h.cert_id), MIN(c.not_before),"
	                    " MAX(c.not_before) FROM temp.policy_hit h"
	                    " JOIN certificate c ON c.id = h.cert_id GROUP BY h.method ORDER BY h.method",
	[Q_PROFILES] = "SELECT profile, COUNT(*), MIN(not_before), MAX(not_before) FROM certificate"
	               " WHERE is_ca = 0 AND not_before < ?1 GROUP BY profile ORDER BY profile",
	[Q_PROFILE_COUNT] = "SELECT COUNT(*) FROM certificate WHERE profile IS ?1 AND is_ca = 0"
	                    " AND not_before >= ?2 AND not_before < ?3",
	[Q_KEYS] = "SELECT g.k, d.der, g.n, g.lo, g.hi FROM (SELECT spki_sha256 AS k, MIN(id) AS id,"
	           " COUNT(*) AS n, MIN(not_before) AS lo, MAX(not_before) AS hi FROM certificate"
	           " WHERE is_ca = 0 AND not_before < ?1 GROUP BY spki_sha256) g"
	           " JOIN certificate_der d ON d.cert_id = g.id ORDER BY g.id",
	[Q_PLAN_INS] = "INSERT INTO revoke_plan (created_at, aware_at, deadline, deadline_rule,"
	               " source, actor, reason, batch, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_PLAN_ITEM_INS] = "INSERT INTO revoke_plan_item (plan_id, seq, sha256) VALUES (?, ?, ?)",
	[Q_PLAN_GET] = "SELECT created_at, aware_at, deadline, deadline_rule, source, actor, reason,"
	               " batch, total, job_id, started_at, finished_at FROM revoke_plan WHERE id = ?",
	[Q_PLAN_ITEMS] = "SELECT sha256 FROM revoke_plan_item WHERE plan_id = ? ORDER BY seq",
	[Q_PLAN_GROUPS] = "SELECT c.subscriber, TOTAL(c.precert = 0), TOTAL(c.precert),"
	                  " COUNT(DISTINCT c.order_id), TOTAL(c.id IS NULL),"
	                  " TOTAL(r.cert_id IS NOT NULL), MAX(c.not_after)"
	                  " FROM revoke_plan_item i LEFT JOIN certificate c ON c.sha256 = i.sha256"
	                  " LEFT JOIN revocation r ON r.cert_id = c.id WHERE i.plan_id = ?"
	                  " GROUP BY c.subscriber ORDER BY COUNT(*) DESC, c.subscriber",
	[Q_PLAN_STARTED] = "UPDATE revoke_plan SET job_id = COALESCE(NULLIF(?2, 0), job_id),"
	                   " started_at = COALESCE(started_at, ?3)"
	                   " WHERE id = ?1",
	[Q_PLAN_FINISHED] = "UPDATE revoke_plan SET finished_at = ?2 WHERE id = ?1",
};

static sqlite3_stmt *qst(struct pw_store *s, int id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_POLICY, qsql, Q_COUNT_, (size_t)id, err);
}

static void pol_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_POLICY);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int col_hash(sqlite3_stmt *st, int i, uint8_t out[32])
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB || sqlite3_column_bytes(st, i) != 32)
		return 0;
	memcpy(out, sqlite3_column_blob(st, i), 32);
	return 1;
}

static enum pw_status methods(struct pw_store *s, int want_counts, pw_store_policy_method_fn fn,
                              void *ctx, struct pw_error *err)
{
	char last[PW_STORE_META_MAX_METHOD + 1] = "";
	for (;;) {
		char cur[PW_STORE_META_MAX_METHOD + 1];
		uint64_t n = 0;
		sqlite3_stmt *st = qst(s, Q_METHOD_NEXT, err);
		if (st == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(st);
			return PW_OK;
		}
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			return pw_sqlite_xerr(s, err, "validation");
		}
		const char *m = col_text(st, 0);
		snprintf(cur, sizeof cur, "%s", m ? m : "");
		sqlite3_reset(st);
		if (want_counts) {
			if ((st = qst(s, Q_METHOD_COUNT, err)) == NULL)
				return PW_ERR_STORE;
			sqlite3_bind_text(st, 1, cur, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW)
				n = (uint64_t)sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			if (rc != SQLITE_ROW)
				return pw_sqlite_xerr(s, err, "validation");
		}
		if (!fn(ctx, cur, n))
			return PW_OK;
		memcpy(last, cur, sizeof last);
	}
}

static enum pw_status hits_reset(struct pw_store *s, struct pw_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(pw_store_sqlite_get0_db(s), hits_schema, NULL, NULL, &msg) != SQLITE_OK) {
		enum pw_status st = pw_error_set(err, PW_ERR_STORE, 0, 0, "policy_hit", "%s",
		                                 msg ? msg : "cannot create the hit set");
		sqlite3_free(msg);
		return st;
	}
	return PW_OK;
}

static enum pw_status run_count(struct pw_store *s, sqlite3_stmt *st, uint64_t *out_n,
                                struct pw_error *err)
{
	enum pw_status ret = pw_sqlite_xrun(s, st, "policy_hit", err);
	if (ret == PW_OK && out_n != NULL)
		*out_n = (uint64_t)sqlite3_changes(pw_store_sqlite_get0_db(s));
	return ret;
}

static enum pw_status hits_add_window(struct pw_store *s, const char *method, int64_t from,
                                      int64_t until, int64_t cutoff, unsigned kind,
                                      uint64_t *out_n, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_HIT_WINDOW, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int64(st, 4, cutoff);
	sqlite3_bind_int64(st, 5, (int64_t)kind);
	return run_count(s, st, out_n, err);
}

static enum pw_status hits_add_reuse(struct pw_store *s, const char *method, int64_t sunset,
                                     int64_t cutoff, unsigned kind, uint64_t *out_n,
                                     struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_HIT_REUSE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sunset);
	sqlite3_bind_int64(st, 3, cutoff);
	sqlite3_bind_int64(st, 4, (int64_t)kind);
	return run_count(s, st, out_n, err);
}

static enum pw_status hits_list(struct pw_store *s, pw_store_policy_hit_fn fn, void *ctx,
                                struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_HIT_LIST, err);
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_policy_hit h;
		memset(&h, 0, sizeof h);
		h.cert_id = sqlite3_column_int64(st, 0);
		col_hash(st, 1, h.sha256);
		h.precert = sqlite3_column_int(st, 2);
		h.has_twin = col_hash(st, 3, h.twin_sha256);
		h.subject = col_text(st, 4);
		h.issuer = col_text(st, 5);
		int sl = sqlite3_column_bytes(st, 6);
		const uint8_t *sp = sqlite3_column_blob(st, 6);
		if (sp != NULL && sl > 0 && (size_t)sl <= PW_STORE_MAX_SERIAL)
			pw_hex_encode(sp, (size_t)sl, serial_hex);
		else
			serial_hex[0] = '\0';
		h.serial_hex = serial_hex;
		h.not_before = sqlite3_column_int64(st, 7);
		h.not_after = sqlite3_column_int64(st, 8);
		h.profile = col_text(st, 9);
		h.order = col_text(st, 10);
		h.subscriber = col_text(st, 11);
		if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
			h.revoked = 1;
			h.revoked_at = sqlite3_column_int64(st, 12);
			if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
				h.has_reason = 1;
				h.reason = (unsigned)sqlite3_column_int(st, 13);
			}
		}
		h.kinds = (unsigned)sqlite3_column_int64(st, 14);
		h.n_hits = (uint64_t)sqlite3_column_int64(st, 15);
		h.method = col_text(st, 16);
		h.validated_at = sqlite3_column_int64(st, 17);
		if (!fn(ctx, &h)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "policy_hit");
}

static enum pw_status hits_totals(struct pw_store *s, int64_t now,
                                  struct pw_store_policy_totals *out, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_HIT_TOTALS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, now);
	int rc = sqlite3_step(st);
	memset(out, 0, sizeof *out);
	if (rc == SQLITE_ROW) {
		out->certificates = (uint64_t)sqlite3_column_int64(st, 0);
		out->precertificates = (uint64_t)sqlite3_column_double(st, 1);
		out->remaining_valid = (uint64_t)sqlite3_column_double(st, 2);
		out->revoked = (uint64_t)sqlite3_column_double(st, 3);
		out->expired = (uint64_t)sqlite3_column_double(st, 4);
		out->first_not_before = sqlite3_column_int64(st, 5);
		out->last_not_before = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PW_OK : pw_sqlite_xerr(s, err, "policy_hit");
}

static enum pw_status hits_by_method(struct pw_store *s, pw_store_policy_hit_method_fn fn,
                                     void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_HIT_BY_METHOD, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, col_text(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
		        sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3))) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "policy_hit");
}

static enum pw_status profiles(struct pw_store *s, int64_t cutoff, pw_store_policy_profile_fn fn,
                               void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PROFILES, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, col_text(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
		        sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3))) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "certificate");
}

static enum pw_status profile_count(struct pw_store *s, const char *profile, int64_t from,
                                    int64_t until, uint64_t *out, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PROFILE_COUNT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	pw_sqlite_bind_text_opt(st, 1, profile);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, until);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PW_OK : pw_sqlite_xerr(s, err, "certificate");
}

static enum pw_status keys(struct pw_store *s, int64_t cutoff, pw_store_policy_key_fn fn,
                           void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_KEYS, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t k[32];
		if (!col_hash(st, 0, k))
			continue;
		const uint8_t *der = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		if (!fn(ctx, k, der, len, (uint64_t)sqlite3_column_int64(st, 2),
		        sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4))) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "certificate");
}

static enum pw_status plan_create(struct pw_store *s, const struct pw_store_revoke_plan *p,
                                  const uint8_t *sha256s, size_t n, int64_t *out_id,
                                  struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_INS, err);
	enum pw_status ret;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, p->created_at);
	sqlite3_bind_int64(st, 2, p->aware_at);
	sqlite3_bind_int64(st, 3, p->deadline);
	sqlite3_bind_text(st, 4, p->deadline_rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, p->source, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 6, p->actor);
	if (p->has_reason)
		sqlite3_bind_int64(st, 7, (int64_t)p->reason);
	sqlite3_bind_int64(st, 8, (int64_t)p->batch);
	sqlite3_bind_int64(st, 9, (int64_t)n);
	if ((ret = pw_sqlite_xrun(s, st, "revoke_plan", err)) != PW_OK)
		return ret;
	int64_t id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	for (size_t i = 0; i < n; i++) {
		if ((st = qst(s, Q_PLAN_ITEM_INS, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		sqlite3_bind_blob(st, 3, sha256s + 32 * i, 32, SQLITE_STATIC);
		if ((ret = pw_sqlite_xrun(s, st, "revoke_plan_item", err)) != PW_OK)
			return ret;
	}
	*out_id = id;
	return PW_OK;
}

/* Copies a column's text into the caller's buffer; NULL when NULL. */
static const char *copy_text(sqlite3_stmt *st, int i, char **pos, size_t *left)
{
	const char *t = col_text(st, i);
	if (t == NULL || *left == 0)
		return NULL;
	size_t n = strlen(t);
	if (n >= *left)
		n = *left - 1;
	char *out = *pos;
	memcpy(out, t, n);
	out[n] = '\0';
	*pos += n + 1;
	*left -= n + 1;
	return out;
}

static enum pw_status plan_get(struct pw_store *s, int64_t id, struct pw_store_revoke_plan *out,
                               char *buf, size_t bufsize, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "plan", "no revocation plan %lld",
			                    (long long)id);
		return pw_sqlite_xerr(s, err, "revoke_plan");
	}
	char *pos = buf;
	size_t left = bufsize;
	memset(out, 0, sizeof *out);
	out->id = id;
	out->created_at = sqlite3_column_int64(st, 0);
	out->aware_at = sqlite3_column_int64(st, 1);
	out->deadline = sqlite3_column_int64(st, 2);
	out->deadline_rule = copy_text(st, 3, &pos, &left);
	out->source = copy_text(st, 4, &pos, &left);
	out->actor = copy_text(st, 5, &pos, &left);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		out->has_reason = 1;
		out->reason = (unsigned)sqlite3_column_int(st, 6);
	}
	out->batch = (uint64_t)sqlite3_column_int64(st, 7);
	out->total = (uint64_t)sqlite3_column_int64(st, 8);
	out->job_id = sqlite3_column_int64(st, 9);
	out->started_at = sqlite3_column_int64(st, 10);
	out->finished_at = sqlite3_column_int64(st, 11);
	sqlite3_reset(st);
	return PW_OK;
}

static enum pw_status plan_items(struct pw_store *s, int64_t id, uint8_t **out, size_t *out_n,
                                 struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_ITEMS, err);
	uint8_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *nv = realloc(v, ncap * 32);
			if (nv == NULL) {
				sqlite3_reset(st);
				free(v);
				return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			}
			v = nv;
			cap = ncap;
		}
		if (!col_hash(st, 0, v + 32 * n))
			continue;
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return pw_sqlite_xerr(s, err, "revoke_plan_item");
	}
	*out = v;
	*out_n = n;
	return PW_OK;
}

static enum pw_status plan_groups(struct pw_store *s, int64_t id, pw_store_plan_group_fn fn,
                                  void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_GROUPS, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_plan_group g;
		memset(&g, 0, sizeof g);
		g.subscriber = col_text(st, 0);
		g.certificates = (uint64_t)sqlite3_column_double(st, 1);
		g.precertificates = (uint64_t)sqlite3_column_double(st, 2);
		g.orders = (uint64_t)sqlite3_column_int64(st, 3);
		g.not_in_store = (uint64_t)sqlite3_column_double(st, 4);
		g.already_revoked = (uint64_t)sqlite3_column_double(st, 5);
		g.last_not_after = sqlite3_column_int64(st, 6);
		if (!fn(ctx, &g)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "revoke_plan_item");
}

static enum pw_status plan_started(struct pw_store *s, int64_t id, int64_t job_id, int64_t at,
                                   struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_STARTED, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, job_id);
	sqlite3_bind_int64(st, 3, at);
	return pw_sqlite_xrun(s, st, "revoke_plan", err);
}

static enum pw_status plan_finished(struct pw_store *s, int64_t id, int64_t at,
                                    struct pw_error *err)
{
	sqlite3_stmt *st = qst(s, Q_PLAN_FINISHED, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	return pw_sqlite_xrun(s, st, "revoke_plan", err);
}

const struct pw_store_policy_ops pw_sqlite_policy_ops = {
	.close = pol_close,
	.methods = methods,
	.hits_reset = hits_reset,
	.hits_add_window = hits_add_window,
	.hits_add_reuse = hits_add_reuse,
	.hits_list = hits_list,
	.hits_totals = hits_totals,
	.hits_by_method = hits_by_method,
	.profiles = profiles,
	.profile_count = profile_count,
	.keys = keys,
	.plan_create = plan_create,
	.plan_get = plan_get,
	.plan_items = plan_items,
	.plan_groups = plan_groups,
	.plan_started = plan_started,
	.plan_finished = plan_finished,
};
