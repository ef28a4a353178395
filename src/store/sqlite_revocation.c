/* store/sqlite_revocation.c: revocation rows, blocked keys and bulk
 * revocation jobs in SQLite. Storage only: which reason is allowed, twins,
 * deadlines and events are revoke/'s rules. */
#include <string.h>

#include "pkiward/buf.h"
#include "sqlite_ext.h"

/* ---- Revocations ---- */

enum pw_status pw_sqlite_revocation_get(struct pw_store *s, const uint8_t sha256[32],
                                        struct pw_store_revocation *out, struct pw_error *err)
{
	char hex[65];
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_REV_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	memcpy(out->sha256, sha256, 32);
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	if (rc == SQLITE_ROW) {
		out->revoked_at = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			out->has_reason = 1;
			out->reason = (unsigned)sqlite3_column_int(st, 1);
		}
		out->event_id = sqlite3_column_int64(st, 2);
		out->requested_at = sqlite3_column_int64(st, 3);
		out->deadline = sqlite3_column_int64(st, 4);
	} else if (rc == SQLITE_DONE) {
		pw_hex_encode(sha256, 32, hex);
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256", "%s is not revoked", hex);
	} else {
		ret = pw_sqlite_xerr(s, err, "revocation");
	}
	sqlite3_reset(st);
	return ret;
}

/* Columns col.. col+4 of a revocation (revoked_at, reason, event_id,
 * requested_at, deadline); revoked_at NULL = not revoked. */
static int column_revocation(sqlite3_stmt *st, int col, const uint8_t sha256[32],
                             struct pw_store_revocation *rv)
{
	memset(rv, 0, sizeof *rv);
	memcpy(rv->sha256, sha256, 32);
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return 0;
	rv->revoked_at = sqlite3_column_int64(st, col);
	if (sqlite3_column_type(st, col + 1) != SQLITE_NULL) {
		rv->has_reason = 1;
		rv->reason = (unsigned)sqlite3_column_int(st, col + 1);
	}
	rv->event_id = sqlite3_column_int64(st, col + 2);
	rv->requested_at = sqlite3_column_int64(st, col + 3);
	rv->deadline = sqlite3_column_int64(st, col + 4);
	return 1;
}

enum pw_status pw_sqlite_cert_state(struct pw_store *s, const uint8_t sha256[32],
                                     struct pw_store_cert_state *out, struct pw_error *err)
{
	char hex[65];
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_CERT_STATE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	if (rc == SQLITE_ROW) {
		out->precert = sqlite3_column_int(st, 0) != 0;
		out->revoked = column_revocation(st, 1, sha256, &out->rv);
		out->row = sqlite3_column_int64(st, 12);
		if (sqlite3_column_bytes(st, 6) == 32) {
			out->has_twin = 1;
			memcpy(out->twin, sqlite3_column_blob(st, 6), 32);
			out->twin_revoked = column_revocation(st, 7, out->twin, &out->twin_rv);
			out->twin_row = sqlite3_column_int64(st, 13);
		}
	} else if (rc == SQLITE_DONE) {
		pw_hex_encode(sha256, 32, hex);
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                   "no certificate with SHA-256 %s in the store", hex);
	} else {
		ret = pw_sqlite_xerr(s, err, "certificate");
	}
	sqlite3_reset(st);
	return ret;
}

enum pw_status pw_sqlite_revocation_put(struct pw_store *s, const struct pw_store_revocation *r,
                                        struct pw_error *err)
{
	char hex[65];
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_REV_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->revoked_at);
	if (r->has_reason)
		sqlite3_bind_int(st, 3, (int)r->reason);
	else
		sqlite3_bind_null(st, 3);
	if (r->event_id > 0)
		sqlite3_bind_int64(st, 4, r->event_id);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, r->requested_at);
	sqlite3_bind_int64(st, 6, r->deadline);
	if ((ret = pw_sqlite_xrun(s, st, "revocation", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(pw_store_sqlite_get0_db(s)) == 0) {
		pw_hex_encode(r->sha256, 32, hex);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "no certificate with SHA-256 %s in the store", hex);
	}
	return PW_OK;
}

/* Binds revocation r at parameters base+1 .. base+7 of X_REV_PUT_ROW(S):
 * row id, SHA-256, revoked_at, reason, event_id, requested_at, deadline. */
static void bind_rev_row(sqlite3_stmt *st, int base, const struct pw_store_revocation *r,
                         int64_t row)
{
	sqlite3_bind_int64(st, base + 1, row);
	sqlite3_bind_blob(st, base + 2, r->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 3, r->revoked_at);
	if (r->has_reason)
		sqlite3_bind_int(st, base + 4, (int)r->reason);
	else
		sqlite3_bind_null(st, base + 4);
	if (r->event_id > 0)
		sqlite3_bind_int64(st, base + 5, r->event_id);
	else
		sqlite3_bind_null(st, base + 5);
	sqlite3_bind_int64(st, base + 6, r->requested_at);
	sqlite3_bind_int64(st, base + 7, r->deadline);
}

enum pw_status pw_sqlite_revocation_put_many(struct pw_store *s,
                                             const struct pw_store_revocation *v,
                                             const int64_t *rows, size_t n, struct pw_error *err)
{
	char hex[65];
	enum pw_status ret;
	size_t i = 0;
	while (i < n) {
		/* A full group of objects whose row ids are known: one statement. */
		size_t k = 0;
		while (rows != NULL && k < PW_SQLITE_REV_ROWS && i + k < n && rows[i + k] > 0)
			k++;
		sqlite3_stmt *st;
		if (k == PW_SQLITE_REV_ROWS) {
			if ((st = pw_sqlite_xstmt(s, X_REV_PUT_ROWS, err)) == NULL)
				return PW_ERR_STORE;
			for (size_t j = 0; j < k; j++)
				bind_rev_row(st, 7 * (int)j, &v[i + j], rows[i + j]);
		} else if (rows != NULL && rows[i] > 0) {
			k = 1;
			if ((st = pw_sqlite_xstmt(s, X_REV_PUT_ROW, err)) == NULL)
				return PW_ERR_STORE;
			bind_rev_row(st, 0, &v[i], rows[i]);
		} else {
			if ((ret = pw_sqlite_revocation_put(s, &v[i], err)) != PW_OK)
				return ret;
			i++;
			continue;
		}
		if ((ret = pw_sqlite_xrun(s, st, "revocation", err)) != PW_OK)
			return ret;
		/* Each VALUES row inserts or updates exactly one revocation when its
		 * certificate is the one named; fewer changes: a row id or SHA-256
		 * that names no stored certificate. */
		if ((size_t)sqlite3_changes(pw_store_sqlite_get0_db(s)) != k) {
			pw_hex_encode(v[i].sha256, 32, hex);
			return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
			                    "%zu of the %zu certificates from SHA-256 %s on are not stored "
			                    "under the row ids given",
			                    k - (size_t)sqlite3_changes(pw_store_sqlite_get0_db(s)), k, hex);
		}
		i += k;
	}
	return PW_OK;
}

/* ---- Blocked keys ---- */

enum pw_status pw_sqlite_blocked_key_put(struct pw_store *s, const struct pw_store_blocked_key *k,
                                         int *out_inserted, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_BK_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, k->spki_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, k->why ? k->why : "", -1, SQLITE_STATIC);
	pw_sqlite_bind_blob_opt(st, 3, k->proof, k->proof_len);
	sqlite3_bind_int64(st, 4, k->at);
	pw_sqlite_bind_blob_opt(st, 5, k->has_badkeys_sha256 ? k->badkeys_sha256 : NULL, 32);
	pw_sqlite_bind_text_opt(st, 6, k->proof_type);
	if (k->report_id > 0)
		sqlite3_bind_int64(st, 7, k->report_id);
	else
		sqlite3_bind_null(st, 7);
	if ((ret = pw_sqlite_xrun(s, st, "blocked_key", err)) != PW_OK)
		return ret;
	if (out_inserted != NULL)
		*out_inserted = sqlite3_changes(pw_store_sqlite_get0_db(s)) > 0;
	return PW_OK;
}

enum pw_status pw_sqlite_blocked_key_list(struct pw_store *s, const uint8_t *spki_sha256,
                                          pw_store_blocked_key_fn fn, void *ctx,
                                          struct pw_error *err)
{
	struct pw_store_blocked_key k;
	int rc;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, spki_sha256 ? X_BK_LIST_ONE : X_BK_LIST_ALL, err);
	if (st == NULL)
		return PW_ERR_STORE;
	if (spki_sha256 != NULL)
		sqlite3_bind_blob(st, 1, spki_sha256, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof k);
		if (sqlite3_column_bytes(st, 0) != 32)
			continue; /* not a SHA-256: cannot name a key */
		memcpy(k.spki_sha256, sqlite3_column_blob(st, 0), 32);
		k.why = (const char *)sqlite3_column_text(st, 1);
		k.proof = sqlite3_column_blob(st, 2);
		k.proof_len = (size_t)sqlite3_column_bytes(st, 2);
		k.at = sqlite3_column_int64(st, 3);
		if (sqlite3_column_bytes(st, 4) == 32) {
			k.has_badkeys_sha256 = 1;
			memcpy(k.badkeys_sha256, sqlite3_column_blob(st, 4), 32);
		}
		k.proof_type = (const char *)sqlite3_column_text(st, 5);
		k.report_id = sqlite3_column_int64(st, 6);
		if (!fn(ctx, &k))
			break;
	}
	enum pw_status ret = (rc == SQLITE_ROW || rc == SQLITE_DONE)
	                             ? PW_OK
	                             : pw_sqlite_xerr(s, err, "blocked_key");
	sqlite3_reset(st);
	return ret;
}

/* ---- Bulk revocation jobs ---- */

enum pw_status pw_sqlite_job_find(struct pw_store *s, const uint8_t key[32],
                                  struct pw_store_revoke_job *out, struct pw_error *err)
{
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_JOB_FIND, err);
	if (st == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	memcpy(out->key, key, 32);
	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	enum pw_status ret = PW_OK;
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->created_at = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			out->has_reason = 1;
			out->reason = (unsigned)sqlite3_column_int(st, 2);
		}
		out->total = (uint64_t)sqlite3_column_int64(st, 3);
		out->done = (uint64_t)sqlite3_column_int64(st, 4);
		out->finished_at = sqlite3_column_int64(st, 5);
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "revoke_job", "no such job");
	} else {
		ret = pw_sqlite_xerr(s, err, "revoke_job");
	}
	sqlite3_reset(st);
	return ret;
}

enum pw_status pw_sqlite_job_create(struct pw_store *s, const struct pw_store_revoke_job *j,
                                    const uint8_t *sha256s, size_t n, int64_t *out_id,
                                    struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_JOB_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, j->key, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, j->created_at);
	sqlite3_bind_text(st, 3, j->source ? j->source : "", -1, SQLITE_STATIC);
	if (j->has_reason)
		sqlite3_bind_int(st, 4, (int)j->reason);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, (int64_t)n);
	if ((ret = pw_sqlite_xrun(s, st, "revoke_job", err)) != PW_OK)
		return ret;
	int64_t id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	size_t i = 0;
	/* Whole groups in one statement each, the rest one by one. */
	for (; i + PW_SQLITE_JOB_ITEM_ROWS <= n; i += PW_SQLITE_JOB_ITEM_ROWS) {
		if ((st = pw_sqlite_xstmt(s, X_JOB_ITEM_INS_MANY, err)) == NULL)
			return PW_ERR_STORE;
		for (int r = 0; r < PW_SQLITE_JOB_ITEM_ROWS; r++) {
			sqlite3_bind_int64(st, 3 * r + 1, id);
			sqlite3_bind_int64(st, 3 * r + 2, (int64_t)i + r + 1);
			sqlite3_bind_blob(st, 3 * r + 3, sha256s + 32 * (i + (size_t)r), 32, SQLITE_STATIC);
		}
		if ((ret = pw_sqlite_xrun(s, st, "revoke_job_item", err)) != PW_OK)
			return ret;
	}
	for (; i < n; i++) {
		if ((st = pw_sqlite_xstmt(s, X_JOB_ITEM_INS, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		sqlite3_bind_blob(st, 3, sha256s + 32 * i, 32, SQLITE_STATIC);
		if ((ret = pw_sqlite_xrun(s, st, "revoke_job_item", err)) != PW_OK)
			return ret;
	}
	*out_id = id;
	return PW_OK;
}

enum pw_status pw_sqlite_job_pending(struct pw_store *s, int64_t job_id, int64_t after_seq,
                                     size_t max, struct pw_store_job_item *out, size_t *out_n,
                                     struct pw_error *err)
{
	int rc;
	size_t n = 0;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_JOB_PENDING, err);
	*out_n = 0;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, after_seq);
	sqlite3_bind_int64(st, 3, (int64_t)max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		out[n].seq = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(out[n].sha256, sqlite3_column_blob(st, 1), 32);
		else
			memset(out[n].sha256, 0, 32);
		n++;
	}
	if (n < max && rc != SQLITE_DONE) {
		enum pw_status e = pw_sqlite_xerr(s, err, "revoke_job_item");
		sqlite3_reset(st);
		return e;
	}
	sqlite3_reset(st);
	*out_n = n;
	return PW_OK;
}

enum pw_status pw_sqlite_job_mark_range(struct pw_store *s, int64_t job_id, int64_t first_seq,
                                        int64_t last_seq, const char *outcome, int64_t at,
                                        struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_JOB_MARK_RANGE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, job_id);
	sqlite3_bind_int64(st, 4, first_seq);
	sqlite3_bind_int64(st, 5, last_seq);
	if ((ret = pw_sqlite_xrun(s, st, "revoke_job_item", err)) != PW_OK)
		return ret;
	/* Only items not done before count: a resumed run marks nothing twice. */
	int marked = sqlite3_changes(pw_store_sqlite_get0_db(s));
	if (marked == 0)
		return PW_OK;
	if ((st = pw_sqlite_xstmt(s, X_JOB_DONE_ADD, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, marked);
	return pw_sqlite_xrun(s, st, "revoke_job", err);
}

/* One item: the range of one (the same UPDATE, and the job's count moves
 * only when the item was not done before). */
enum pw_status pw_sqlite_job_mark(struct pw_store *s, int64_t job_id, int64_t seq,
                                  const char *outcome, int64_t at, struct pw_error *err)
{
	return pw_sqlite_job_mark_range(s, job_id, seq, seq, outcome, at, err);
}

enum pw_status pw_sqlite_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                    struct pw_error *err)
{
	sqlite3_stmt *st = pw_sqlite_xstmt(s, X_JOB_FINISH, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, job_id);
	return pw_sqlite_xrun(s, st, "revoke_job", err);
}
