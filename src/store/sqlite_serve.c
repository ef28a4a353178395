/* store/sqlite_serve.c: the SQLite side of the serve area (serve_ops.h) and
 * schema migration 9: secrets, used ACME nonces, key compromise challenges,
 * admin tokens (hashes only) and report status links (hashes only). */
#include <string.h>

#include "serve_ops.h"
#include "sqlite_area.h"

/* Migration 9: the serve area's tables; appended to by the area's owner
 * until the first release, frozen after it. */
const char pw_sqlite_migration_9[] =
	"CREATE TABLE serve_secret ("
	" name TEXT PRIMARY KEY,"
	" value BLOB NOT NULL CHECK (length(value) = 32),"
	" created_at INTEGER NOT NULL DEFAULT (strftime('%s','now'))"
	") WITHOUT ROWID;"
	/* RFC 8555 §6.5: nonces are single-use. Only used nonces are stored
	 * (issued ones are authenticated by the secret), until they expire. */
	"CREATE TABLE serve_nonce_used ("
	" nonce TEXT PRIMARY KEY,"
	" expires_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX serve_nonce_used_expiry ON serve_nonce_used (expires_at);"
	"CREATE TABLE serve_challenge ("
	" text TEXT PRIMARY KEY,"
	" issued_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" used_at INTEGER,"
	" used_by TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX serve_challenge_expiry ON serve_challenge (expires_at);"
	"CREATE TABLE serve_token ("
	" id INTEGER PRIMARY KEY,"
	" sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),"
	" role TEXT NOT NULL CHECK (role IN ('read-only', 'operator')),"
	" label TEXT,"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER"
	");"
	"CREATE TABLE serve_status_link ("
	" sha256 BLOB PRIMARY KEY CHECK (length(sha256) = 32),"
	" report_id INTEGER NOT NULL REFERENCES report(id),"
	" created_at INTEGER NOT NULL"
	") WITHOUT ROWID;";

enum {
	Q_SECRET_INS,
	Q_SECRET_GET,
	Q_NONCE_PRUNE,
	Q_NONCE_INS,
	Q_CH_PRUNE,
	Q_CH_COUNT,
	Q_CH_INS,
	Q_CH_GET,
	Q_CH_USE,
	Q_TOK_INS,
	Q_TOK_FIND,
	Q_TOK_LIST,
	Q_TOK_REVOKE,
	Q_LINK_INS,
	Q_LINK_FIND,
	Q_COUNT_
};

static const char *const SQL[Q_COUNT_] = {
	[Q_SECRET_INS] = "INSERT OR IGNORE INTO serve_secret (name, value) VALUES (?, ?)",
	[Q_SECRET_GET] = "SELECT value FROM serve_secret WHERE name = ?",
	[Q_NONCE_PRUNE] = "DELETE FROM serve_nonce_used WHERE expires_at <= ?",
	[Q_NONCE_INS] = "INSERT OR IGNORE INTO serve_nonce_used (nonce, expires_at) VALUES (?, ?)",
	/* Used challenges are kept until they expire, so that presenting one
	 * again is told "used", not "unknown". */
	[Q_CH_PRUNE] = "DELETE FROM serve_challenge WHERE expires_at <= ?",
	[Q_CH_COUNT] = "SELECT COUNT(*) FROM serve_challenge",
	[Q_CH_INS] = "INSERT OR IGNORE INTO serve_challenge (text, issued_at, expires_at) VALUES (?, ?, ?)",
	[Q_CH_GET] = "SELECT expires_at, used_at FROM serve_challenge WHERE text = ?",
	[Q_CH_USE] = "UPDATE serve_challenge SET used_at = ?, used_by = ? WHERE text = ? AND used_at IS NULL",
	[Q_TOK_INS] = "INSERT OR IGNORE INTO serve_token (sha256, role, label, created_at) VALUES (?, ?, ?, ?)",
	[Q_TOK_FIND] = "SELECT id, role, created_at, revoked_at FROM serve_token WHERE sha256 = ?",
	[Q_TOK_LIST] = "SELECT id, sha256, role, label, created_at, revoked_at FROM serve_token ORDER BY id",
	[Q_TOK_REVOKE] = "UPDATE serve_token SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
	[Q_LINK_INS] = "INSERT INTO serve_status_link (sha256, report_id, created_at) VALUES (?, ?, ?)",
	[Q_LINK_FIND] = "SELECT report_id FROM serve_status_link WHERE sha256 = ?",
};

static sqlite3_stmt *stmt(struct pw_store *s, int id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_SERVE, SQL, Q_COUNT_, (size_t)id, err);
}

static sqlite3 *db(struct pw_store *s)
{
	return pw_store_sqlite_get0_db(s);
}

static void sq_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_SERVE);
}

static enum pw_status sq_secret_get(struct pw_store *s, const char *name, const uint8_t fresh[32],
                                    uint8_t out[32], struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, Q_SECRET_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, fresh, 32, SQLITE_STATIC);
	if ((ret = pw_sqlite_xrun(s, st, "serve_secret", err)) != PW_OK)
		return ret;
	if ((st = stmt(s, Q_SECRET_GET, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(out, sqlite3_column_blob(st, 0), 32);
		ret = PW_OK;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "serve_secret", "secret %s is missing or damaged",
		                   name);
	} else {
		ret = pw_sqlite_xerr(s, err, "serve_secret");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_nonce_use(struct pw_store *s, const char *nonce, int64_t expires_at,
                                   int64_t now, int *out_fresh, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, Q_NONCE_PRUNE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, now);
	if ((ret = pw_sqlite_xrun(s, st, "serve_nonce_used", err)) != PW_OK)
		return ret;
	if ((st = stmt(s, Q_NONCE_INS, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, nonce, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, expires_at);
	if ((ret = pw_sqlite_xrun(s, st, "serve_nonce_used", err)) != PW_OK)
		return ret;
	*out_fresh = sqlite3_changes(db(s)) == 1;
	return PW_OK;
}

static enum pw_status sq_challenge_put(struct pw_store *s, const char *text, int64_t issued_at,
                                       int64_t expires_at, uint64_t max_live, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, Q_CH_PRUNE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, issued_at);
	if ((ret = pw_sqlite_xrun(s, st, "serve_challenge", err)) != PW_OK)
		return ret;
	if (max_live > 0) {
		if ((st = stmt(s, Q_CH_COUNT, err)) == NULL)
			return PW_ERR_STORE;
		if (sqlite3_step(st) != SQLITE_ROW) {
			ret = pw_sqlite_xerr(s, err, "serve_challenge");
			sqlite3_reset(st);
			return ret;
		}
		int64_t n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (n >= 0 && (uint64_t)n >= max_live)
			return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "challenge",
			                    "%lld unexpired challenges are outstanding (limit %llu); try later",
			                    (long long)n, (unsigned long long)max_live);
	}
	if ((st = stmt(s, Q_CH_INS, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, issued_at);
	sqlite3_bind_int64(st, 3, expires_at);
	if ((ret = pw_sqlite_xrun(s, st, "serve_challenge", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "challenge", "challenge already stored");
	return PW_OK;
}

static enum pw_status sq_challenge_use(struct pw_store *s, const char *text, int64_t now,
                                       const char *used_by,
                                       enum pw_store_serve_challenge_state *out_state,
                                       struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, Q_CH_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		*out_state = PW_STORE_CHALLENGE_UNKNOWN;
	} else if (rc == SQLITE_ROW) {
		int64_t exp = sqlite3_column_int64(st, 0);
		int used = sqlite3_column_type(st, 1) != SQLITE_NULL;
		*out_state = used ? PW_STORE_CHALLENGE_USED
		             : exp <= now ? PW_STORE_CHALLENGE_EXPIRED
		                          : PW_STORE_CHALLENGE_LIVE;
	} else {
		ret = pw_sqlite_xerr(s, err, "serve_challenge");
	}
	sqlite3_reset(st);
	if (ret != PW_OK || *out_state != PW_STORE_CHALLENGE_LIVE)
		return ret;
	if ((st = stmt(s, Q_CH_USE, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, now);
	if (used_by != NULL)
		sqlite3_bind_text(st, 2, used_by, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	if ((ret = pw_sqlite_xrun(s, st, "serve_challenge", err)) != PW_OK)
		return ret;
	/* Another process used it between the read and the update. */
	if (sqlite3_changes(db(s)) == 0)
		*out_state = PW_STORE_CHALLENGE_USED;
	return PW_OK;
}

static enum pw_status sq_token_add(struct pw_store *s, const struct pw_store_serve_token *t,
                                   int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, Q_TOK_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, t->sha256, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pw_store_serve_role_name(t->role), -1, SQLITE_STATIC);
	if (t->label != NULL)
		sqlite3_bind_text(st, 3, t->label, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, t->created_at);
	if ((ret = pw_sqlite_xrun(s, st, "serve_token", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "token", "a token with this hash exists");
	*out_id = sqlite3_last_insert_rowid(db(s));
	return PW_OK;
}

static void read_token(sqlite3_stmt *st, int with_hash, struct pw_store_serve_token *t)
{
	int c = 0;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, c++);
	if (with_hash) {
		if (sqlite3_column_bytes(st, c) == 32)
			memcpy(t->sha256, sqlite3_column_blob(st, c), 32);
		c++;
	}
	t->role = pw_store_serve_role_parse((const char *)sqlite3_column_text(st, c++));
	if (with_hash)
		t->label = (const char *)sqlite3_column_text(st, c++);
	t->created_at = sqlite3_column_int64(st, c++);
	t->revoked_at = sqlite3_column_int64(st, c++);
}

static enum pw_status sq_token_find(struct pw_store *s, const uint8_t sha256[32],
                                    struct pw_store_serve_token *out, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, Q_TOK_FIND, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_token(st, 0, out);
		memcpy(out->sha256, sha256, 32);
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "token", "unknown token");
	} else {
		ret = pw_sqlite_xerr(s, err, "serve_token");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_token_list(struct pw_store *s, pw_store_serve_token_fn fn, void *ctx,
                                    struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, Q_TOK_LIST, err);
	if (st == NULL)
		return PW_ERR_STORE;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_serve_token t;
		read_token(st, 1, &t);
		if (!fn(ctx, &t))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "serve_token");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status sq_token_revoke(struct pw_store *s, int64_t id, int64_t at,
                                      struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, Q_TOK_REVOKE, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	if ((ret = pw_sqlite_xrun(s, st, "serve_token", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "id", "no token with id %lld", (long long)id);
	return PW_OK;
}

static enum pw_status sq_link_put(struct pw_store *s, int64_t report_id, const uint8_t sha256[32],
                                  int64_t at, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, Q_LINK_INS, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, report_id);
	sqlite3_bind_int64(st, 3, at);
	return pw_sqlite_xrun(s, st, "serve_status_link", err);
}

static enum pw_status sq_link_find(struct pw_store *s, const uint8_t sha256[32],
                                   int64_t *out_report_id, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, Q_LINK_FIND, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out_report_id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "link", "unknown status link");
	else
		ret = pw_sqlite_xerr(s, err, "serve_status_link");
	sqlite3_reset(st);
	return ret;
}

const struct pw_store_serve_ops pw_sqlite_serve_ops = {
	.close = sq_close,
	.secret_get = sq_secret_get,
	.nonce_use = sq_nonce_use,
	.challenge_put = sq_challenge_put,
	.challenge_use = sq_challenge_use,
	.token_add = sq_token_add,
	.token_find = sq_token_find,
	.token_list = sq_token_list,
	.token_revoke = sq_token_revoke,
	.link_put = sq_link_put,
	.link_find = sq_link_find,
};
