/* store/postgres_policy.c: the PostgreSQL side of the policy area
 * (policy_ops.h) and schema migration 8: the CPS disclosure check and
 * stored bulk revocation plans.
 *
 * Set-based as on SQLite (store_policy.h): each query is one statement over
 * an index range, never a per-certificate loop; the hit set is a temporary
 * table of this connection. Differences of dialect, each kept to the same
 * answer:
 *   - validation_method_at is built with COLLATE "C" and the statements
 *     compare methods in "C": method order is byte order, as SQLite's
 *     BINARY collation, whatever the database's locale;
 *   - SQLite's "bare column next to MIN()" (the earliest hit's method) is
 *     an ordered array_agg; TOTAL() is COUNT(*) FILTER / SUM;
 *   - NULL profiles and subscribers sort first (SQLite's NULL order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "policy_ops.h"
#include "postgres_internal.h"

const char pw_pg_migration_policy[] =
	"CREATE INDEX validation_method_at ON validation (method COLLATE \"C\", at);"
	"CREATE TABLE revoke_plan ("
	" id BIGSERIAL PRIMARY KEY,"
	" created_at BIGINT NOT NULL,"
	" aware_at BIGINT NOT NULL,"
	" deadline BIGINT NOT NULL,"
	" deadline_rule TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" actor TEXT,"
	" reason BIGINT,"
	" batch BIGINT NOT NULL CHECK (batch > 0),"
	" total BIGINT NOT NULL,"
	" job_id BIGINT REFERENCES revoke_job (id),"
	" started_at BIGINT,"
	" finished_at BIGINT);"
	"CREATE TABLE revoke_plan_item ("
	" plan_id BIGINT NOT NULL REFERENCES revoke_plan (id),"
	" seq BIGINT NOT NULL,"
	" sha256 BYTEA NOT NULL,"
	" PRIMARY KEY (plan_id, seq));";

/* The hit set: this connection only, emptied by each check. A read-only
 * handle (`policy check` opens one) runs every statement in a read-only
 * transaction, where PostgreSQL refuses CREATE even of a temporary table
 * (but allows writing one): outside a transaction the table is created in
 * a short READ WRITE transaction of its own, which writes nothing of the
 * store. DELETE, not TRUNCATE, because TRUNCATE is refused there too. */
#define HITS_CREATE                                                                          \
	"CREATE TEMP TABLE IF NOT EXISTS policy_hit ("                                           \
	" cert_id BIGINT NOT NULL, kind INTEGER NOT NULL, method TEXT COLLATE \"C\" NOT NULL,"   \
	" at BIGINT NOT NULL);"                                                                  \
	"CREATE INDEX IF NOT EXISTS policy_hit_cert ON policy_hit (cert_id, at);"
static const char hits_create_own_txn[] = "BEGIN READ WRITE;" HITS_CREATE "COMMIT;";
static const char hits_create[] = HITS_CREATE;
static const char hits_clear[] = "DELETE FROM policy_hit";

/* The twin of a certificate (store.c's rule: same issuer and serial, the
 * other precert flag, same link_sha256; RFC 6962 §3). */
#define TWIN_SQL                                                                          \
	"(SELECT t.sha256 FROM certificate t WHERE t.issuer_name_sha256 ="                    \
	" c.issuer_name_sha256 AND t.serial = c.serial AND t.precert <> c.precert"             \
	" AND t.link_sha256 = c.link_sha256 LIMIT 1)"

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

static const char *const SQL[Q_COUNT_] = {
	/* A loose index scan: the next distinct method after $1. */
	[Q_METHOD_NEXT] = "SELECT method FROM validation WHERE method COLLATE \"C\" > $1"
	                  " ORDER BY method COLLATE \"C\" LIMIT 1",
	[Q_METHOD_COUNT] = "SELECT COUNT(*) FROM validation WHERE method COLLATE \"C\" = $1",
	[Q_HIT_WINDOW] = "INSERT INTO policy_hit (cert_id, kind, method, at)"
	                 " SELECT v.cert_id, $5, v.method, v.at FROM validation v"
	                 " WHERE v.method COLLATE \"C\" = $1 AND v.at >= $2 AND v.at < $3"
	                 " AND v.at < $4",
	[Q_HIT_REUSE] = "INSERT INTO policy_hit (cert_id, kind, method, at)"
	                " SELECT v.cert_id, $4, v.method, v.at FROM validation v"
	                " JOIN certificate c ON c.id = v.cert_id"
	                " WHERE v.method COLLATE \"C\" = $1 AND v.at < $2 AND c.not_before >= $2"
	                " AND c.not_before < $3",
	[Q_HIT_LIST] = "SELECT h.cert_id, c.sha256, c.precert, " TWIN_SQL ", c.subject, c.issuer,"
	               " c.serial, c.not_before, c.not_after, c.profile, c.order_id, c.subscriber,"
	               " r.revoked_at, r.reason, h.kinds, h.n, h.method, h.at"
	               " FROM (SELECT cert_id, SUM(DISTINCT kind) AS kinds, COUNT(*) AS n,"
	               " (array_agg(method ORDER BY at, method))[1] AS method, MIN(at) AS at"
	               " FROM policy_hit GROUP BY cert_id) h"
	               " JOIN certificate c ON c.id = h.cert_id"
	               " LEFT JOIN revocation r ON r.cert_id = c.id ORDER BY h.cert_id",
	[Q_HIT_TOTALS] = "SELECT COUNT(*), COALESCE(SUM(c.precert), 0),"
	                 " COUNT(*) FILTER (WHERE r.cert_id IS NULL AND c.not_after >= $1),"
	                 " COUNT(*) FILTER (WHERE r.cert_id IS NOT NULL),"
	                 " COUNT(*) FILTER (WHERE c.not_after < $1),"
	                 " MIN(c.not_before), MAX(c.not_before)"
	                 " FROM (SELECT DISTINCT cert_id FROM policy_hit) h"
	                 " JOIN certificate c ON c.id = h.cert_id"
	                 " LEFT JOIN revocation r ON r.cert_id = c.id",
	[Q_HIT_BY_METHOD] = "SELECT h.method, COUNT(DISTINCT h.cert_id), MIN(c.not_before),"
	                    " MAX(c.not_before) FROM policy_hit h"
	                    " JOIN certificate c ON c.id = h.cert_id GROUP BY h.method"
	                    " ORDER BY h.method",
	[Q_PROFILES] = "SELECT profile, COUNT(*), MIN(not_before), MAX(not_before) FROM certificate"
	               " WHERE is_ca = 0 AND not_before < $1 GROUP BY profile"
	               " ORDER BY profile COLLATE \"C\" NULLS FIRST",
	[Q_PROFILE_COUNT] = "SELECT COUNT(*) FROM certificate WHERE profile IS NOT DISTINCT FROM $1"
	                    " AND is_ca = 0 AND not_before >= $2 AND not_before < $3",
	[Q_KEYS] = "SELECT g.k, d.der, g.n, g.lo, g.hi FROM (SELECT spki_sha256 AS k, MIN(id) AS id,"
	           " COUNT(*) AS n, MIN(not_before) AS lo, MAX(not_before) AS hi FROM certificate"
	           " WHERE is_ca = 0 AND not_before < $1 GROUP BY spki_sha256) g"
	           /* Through certificate for the partition key of certificate_der
	            * (migration 12): one index probe per key in its year's
	            * partition, not a hash join over every year's DER (1000 keys of
	            * 250k certificates in 27 partitions: 0.28-0.39 s, was 1.0-1.5 s). */
	           " JOIN certificate c ON c.id = g.id"
	           " JOIN certificate_der d ON d.cert_id = c.id AND d.not_after = c.not_after"
	           " ORDER BY g.id",
	[Q_PLAN_INS] = "INSERT INTO revoke_plan (created_at, aware_at, deadline, deadline_rule,"
	               " source, actor, reason, batch, total) VALUES ($1, $2, $3, $4, $5, $6, $7,"
	               " $8, $9) RETURNING id",
	/* All items in one statement: the SHA-256s travel as one bytea. */
	[Q_PLAN_ITEM_INS] = "INSERT INTO revoke_plan_item (plan_id, seq, sha256)"
	                    " SELECT $1, i + 1, substring($2 FROM 1 + 32 * i FOR 32)"
	                    " FROM generate_series(0, $3::integer - 1) AS i",
	[Q_PLAN_GET] = "SELECT created_at, aware_at, deadline, deadline_rule, source, actor, reason,"
	               " batch, total, job_id, started_at, finished_at FROM revoke_plan WHERE id = $1",
	[Q_PLAN_ITEMS] = "SELECT sha256 FROM revoke_plan_item WHERE plan_id = $1 ORDER BY seq",
	[Q_PLAN_GROUPS] = "SELECT c.subscriber, COUNT(*) FILTER (WHERE c.precert = 0),"
	                  " COALESCE(SUM(c.precert), 0), COUNT(DISTINCT c.order_id),"
	                  " COUNT(*) FILTER (WHERE c.id IS NULL),"
	                  " COUNT(*) FILTER (WHERE r.cert_id IS NOT NULL), MAX(c.not_after)"
	                  " FROM revoke_plan_item i LEFT JOIN certificate c ON c.sha256 = i.sha256"
	                  " LEFT JOIN revocation r ON r.cert_id = c.id WHERE i.plan_id = $1"
	                  " GROUP BY c.subscriber"
	                  " ORDER BY COUNT(*) DESC, c.subscriber COLLATE \"C\" NULLS FIRST",
	[Q_PLAN_STARTED] = "UPDATE revoke_plan SET job_id = COALESCE(NULLIF($2, 0), job_id),"
	                   " started_at = COALESCE(started_at, $3) WHERE id = $1",
	[Q_PLAN_FINISHED] = "UPDATE revoke_plan SET finished_at = $2 WHERE id = $1",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_POLICY, SQL, Q_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                      \
	pw_pg_area_cmd(s, PW_STORE_AREA_POLICY, SQL, Q_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

/* Items of one plan at most (one bytea parameter of 32 bytes each). */
#define PLAN_ITEMS_MAX ((size_t)1 << 24)

static void pol_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_POLICY);
}

static enum pw_status methods(struct pw_store *s, int want_counts, pw_store_policy_method_fn fn,
                              void *ctx, struct pw_error *err)
{
	char last[PW_STORE_META_MAX_METHOD + 1] = "";
	for (;;) {
		char cur[PW_STORE_META_MAX_METHOD + 1];
		uint64_t n = 0;
		PGresult *r = RUN(Q_METHOD_NEXT, "validation", "t", last);
		if (r == NULL)
			return PW_ERR_STORE;
		if (PQntuples(r) == 0) {
			PQclear(r);
			return PW_OK;
		}
		const char *m = pw_pg_text(r, 0, 0);
		snprintf(cur, sizeof cur, "%s", m ? m : "");
		PQclear(r);
		if (want_counts) {
			if ((r = RUN(Q_METHOD_COUNT, "validation", "t", cur)) == NULL)
				return PW_ERR_STORE;
			n = PQntuples(r) > 0 ? (uint64_t)pw_pg_int(r, 0, 0) : 0;
			PQclear(r);
		}
		if (!fn(ctx, cur, n))
			return PW_OK;
		memcpy(last, cur, sizeof last);
	}
}

static enum pw_status hits_reset(struct pw_store *s, struct pw_error *err)
{
	enum pw_status st = pw_store_pg_live(s, err);
	if (st != PW_OK)
		return st;
	int own = !s->ops->in_txn(s);
	st = pw_pg_area_exec(s, own ? hits_create_own_txn : hits_create, "policy_hit", err);
	if (st != PW_OK) {
		/* A failed BEGIN ... COMMIT script leaves its transaction open. */
		PGconn *conn = pw_store_pg_get0_conn(s);
		if (own && PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
			PQclear(PQexec(conn, "ROLLBACK"));
		return st;
	}
	return pw_pg_area_exec(s, hits_clear, "policy_hit", err);
}

static enum pw_status hits_add_window(struct pw_store *s, const char *method, int64_t from,
                                      int64_t until, int64_t cutoff, unsigned kind,
                                      uint64_t *out_n, struct pw_error *err)
{
	uint64_t n = 0;
	enum pw_status ret = CMD(Q_HIT_WINDOW, "policy_hit", &n, "tiiii", method, from, until,
	                         cutoff, (int64_t)kind);
	if (ret == PW_OK && out_n != NULL)
		*out_n = n;
	return ret;
}

static enum pw_status hits_add_reuse(struct pw_store *s, const char *method, int64_t sunset,
                                     int64_t cutoff, unsigned kind, uint64_t *out_n,
                                     struct pw_error *err)
{
	uint64_t n = 0;
	enum pw_status ret =
		CMD(Q_HIT_REUSE, "policy_hit", &n, "tiii", method, sunset, cutoff, (int64_t)kind);
	if (ret == PW_OK && out_n != NULL)
		*out_n = n;
	return ret;
}

static enum pw_status hits_list(struct pw_store *s, pw_store_policy_hit_fn fn, void *ctx,
                                struct pw_error *err)
{
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	PGresult *r = RUN(Q_HIT_LIST, "policy_hit", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_policy_hit h;
		size_t sl;
		memset(&h, 0, sizeof h);
		h.cert_id = pw_pg_int(r, i, 0);
		pw_pg_hash(r, i, 1, h.sha256);
		h.precert = (int)pw_pg_int(r, i, 2);
		h.has_twin = pw_pg_hash(r, i, 3, h.twin_sha256);
		h.subject = pw_pg_text(r, i, 4);
		h.issuer = pw_pg_text(r, i, 5);
		const uint8_t *sp = pw_pg_blob(r, i, 6, &sl);
		if (sp != NULL && sl > 0 && sl <= PW_STORE_MAX_SERIAL)
			pw_hex_encode(sp, sl, serial_hex);
		else
			serial_hex[0] = '\0';
		h.serial_hex = serial_hex;
		h.not_before = pw_pg_int(r, i, 7);
		h.not_after = pw_pg_int(r, i, 8);
		h.profile = pw_pg_text(r, i, 9);
		h.order = pw_pg_text(r, i, 10);
		h.subscriber = pw_pg_text(r, i, 11);
		if (!pw_pg_null(r, i, 12)) {
			h.revoked = 1;
			h.revoked_at = pw_pg_int(r, i, 12);
			if (!pw_pg_null(r, i, 13)) {
				h.has_reason = 1;
				h.reason = (unsigned)pw_pg_int(r, i, 13);
			}
		}
		h.kinds = (unsigned)pw_pg_int(r, i, 14);
		h.n_hits = (uint64_t)pw_pg_int(r, i, 15);
		h.method = pw_pg_text(r, i, 16);
		h.validated_at = pw_pg_int(r, i, 17);
		if (!fn(ctx, &h))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status hits_totals(struct pw_store *s, int64_t now,
                                  struct pw_store_policy_totals *out, struct pw_error *err)
{
	PGresult *r = RUN(Q_HIT_TOTALS, "policy_hit", "i", now);
	if (r == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	if (PQntuples(r) > 0) {
		out->certificates = (uint64_t)pw_pg_int(r, 0, 0);
		out->precertificates = (uint64_t)pw_pg_int(r, 0, 1);
		out->remaining_valid = (uint64_t)pw_pg_int(r, 0, 2);
		out->revoked = (uint64_t)pw_pg_int(r, 0, 3);
		out->expired = (uint64_t)pw_pg_int(r, 0, 4);
		out->first_not_before = pw_pg_int(r, 0, 5);
		out->last_not_before = pw_pg_int(r, 0, 6);
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status hits_by_method(struct pw_store *s, pw_store_policy_hit_method_fn fn,
                                     void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(Q_HIT_BY_METHOD, "policy_hit", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++)
		if (!fn(ctx, pw_pg_text(r, i, 0), (uint64_t)pw_pg_int(r, i, 1), pw_pg_int(r, i, 2),
		        pw_pg_int(r, i, 3)))
			break;
	PQclear(r);
	return PW_OK;
}

static enum pw_status profiles(struct pw_store *s, int64_t cutoff, pw_store_policy_profile_fn fn,
                               void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(Q_PROFILES, "certificate", "i", cutoff);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++)
		if (!fn(ctx, pw_pg_text(r, i, 0), (uint64_t)pw_pg_int(r, i, 1), pw_pg_int(r, i, 2),
		        pw_pg_int(r, i, 3)))
			break;
	PQclear(r);
	return PW_OK;
}

static enum pw_status profile_count(struct pw_store *s, const char *profile, int64_t from,
                                    int64_t until, uint64_t *out, struct pw_error *err)
{
	PGresult *r = RUN(Q_PROFILE_COUNT, "certificate", "tii", profile, from, until);
	if (r == NULL)
		return PW_ERR_STORE;
	*out = PQntuples(r) > 0 ? (uint64_t)pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status keys(struct pw_store *s, int64_t cutoff, pw_store_policy_key_fn fn,
                           void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(Q_KEYS, "certificate", "i", cutoff);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		uint8_t k[32];
		size_t len;
		if (!pw_pg_hash(r, i, 0, k))
			continue;
		const uint8_t *der = pw_pg_blob(r, i, 1, &len);
		if (!fn(ctx, k, der, len, (uint64_t)pw_pg_int(r, i, 2), pw_pg_int(r, i, 3),
		        pw_pg_int(r, i, 4)))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status plan_create(struct pw_store *s, const struct pw_store_revoke_plan *p,
                                  const uint8_t *sha256s, size_t n, int64_t *out_id,
                                  struct pw_error *err)
{
	enum pw_status ret;
	PGresult *r;
	if (n > PLAN_ITEMS_MAX)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "plan",
		                    "%zu certificates in one plan (limit %zu)", n, PLAN_ITEMS_MAX);
	if ((r = RUN(Q_PLAN_INS, "revoke_plan", "iiitttoii", p->created_at, p->aware_at,
	             p->deadline, p->deadline_rule, p->source, p->actor, p->has_reason,
	             (int64_t)p->reason, (int64_t)p->batch, (int64_t)n)) == NULL)
		return PW_ERR_STORE;
	int64_t id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	if (n > 0 && (ret = CMD(Q_PLAN_ITEM_INS, "revoke_plan_item", NULL, "ibi", id,
	                        (const void *)sha256s, 32 * n, (int64_t)n)) != PW_OK)
		return ret;
	*out_id = id;
	return PW_OK;
}

/* Copies a column's text into the caller's buffer; NULL when NULL. */
static const char *copy_text(const PGresult *r, int col, char **pos, size_t *left)
{
	const char *t = pw_pg_text(r, 0, col);
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
	PGresult *r = RUN(Q_PLAN_GET, "revoke_plan", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "plan", "no revocation plan %lld",
		                    (long long)id);
	}
	char *pos = buf;
	size_t left = bufsize;
	memset(out, 0, sizeof *out);
	out->id = id;
	out->created_at = pw_pg_int(r, 0, 0);
	out->aware_at = pw_pg_int(r, 0, 1);
	out->deadline = pw_pg_int(r, 0, 2);
	out->deadline_rule = copy_text(r, 3, &pos, &left);
	out->source = copy_text(r, 4, &pos, &left);
	out->actor = copy_text(r, 5, &pos, &left);
	if (!pw_pg_null(r, 0, 6)) {
		out->has_reason = 1;
		out->reason = (unsigned)pw_pg_int(r, 0, 6);
	}
	out->batch = (uint64_t)pw_pg_int(r, 0, 7);
	out->total = (uint64_t)pw_pg_int(r, 0, 8);
	out->job_id = pw_pg_int(r, 0, 9);
	out->started_at = pw_pg_int(r, 0, 10);
	out->finished_at = pw_pg_int(r, 0, 11);
	PQclear(r);
	return PW_OK;
}

static enum pw_status plan_items(struct pw_store *s, int64_t id, uint8_t **out, size_t *out_n,
                                 struct pw_error *err)
{
	uint8_t *v = NULL;
	size_t n = 0;
	PGresult *r = RUN(Q_PLAN_ITEMS, "revoke_plan_item", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	int rows = PQntuples(r);
	if (rows > 0 && (v = malloc((size_t)rows * 32)) == NULL) {
		PQclear(r);
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	}
	for (int i = 0; i < rows; i++)
		if (pw_pg_hash(r, i, 0, v + 32 * n))
			n++;
	PQclear(r);
	*out = v;
	*out_n = n;
	return PW_OK;
}

static enum pw_status plan_groups(struct pw_store *s, int64_t id, pw_store_plan_group_fn fn,
                                  void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(Q_PLAN_GROUPS, "revoke_plan_item", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_plan_group g;
		memset(&g, 0, sizeof g);
		g.subscriber = pw_pg_text(r, i, 0);
		g.certificates = (uint64_t)pw_pg_int(r, i, 1);
		g.precertificates = (uint64_t)pw_pg_int(r, i, 2);
		g.orders = (uint64_t)pw_pg_int(r, i, 3);
		g.not_in_store = (uint64_t)pw_pg_int(r, i, 4);
		g.already_revoked = (uint64_t)pw_pg_int(r, i, 5);
		g.last_not_after = pw_pg_int(r, i, 6);
		if (!fn(ctx, &g))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status plan_started(struct pw_store *s, int64_t id, int64_t job_id, int64_t at,
                                   struct pw_error *err)
{
	return CMD(Q_PLAN_STARTED, "revoke_plan", NULL, "iii", id, job_id, at);
}

static enum pw_status plan_finished(struct pw_store *s, int64_t id, int64_t at,
                                    struct pw_error *err)
{
	return CMD(Q_PLAN_FINISHED, "revoke_plan", NULL, "ii", id, at);
}

const struct pw_store_policy_ops pw_pg_policy_ops = {
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
