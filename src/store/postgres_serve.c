/* store/postgres_serve.c: the PostgreSQL side of the serve area
 * (serve_ops.h) and schema migration 9: secrets, used ACME nonces, key
 * compromise challenges, admin tokens (hashes only) and report status links
 * (hashes only). Same tables and indexes as sqlite_serve.c; integers are
 * BIGINT epoch seconds. Several `pkiward serve` nodes share these rows: a
 * nonce or challenge is used once across all of them because "used" is
 * decided by one INSERT ... ON CONFLICT DO NOTHING or one conditional UPDATE,
 * never by a read followed by a write. */
#include <string.h>

#include "postgres_internal.h"
#include "serve_ops.h"

const char pw_pg_migration_serve[] =
	"CREATE TABLE serve_secret ("
	" name TEXT PRIMARY KEY,"
	" value BYTEA NOT NULL CHECK (length(value) = 32),"
	" created_at BIGINT NOT NULL DEFAULT (EXTRACT(EPOCH FROM now())::bigint));"
	/* RFC 8555 §6.5: nonces are single-use. Only used nonces are stored
	 * (issued ones are authenticated by the secret), until they expire. */
	"CREATE TABLE serve_nonce_used ("
	" nonce TEXT PRIMARY KEY,"
	" expires_at BIGINT NOT NULL);"
	"CREATE INDEX serve_nonce_used_expiry ON serve_nonce_used (expires_at);"
	"CREATE TABLE serve_challenge ("
	" text TEXT PRIMARY KEY,"
	" issued_at BIGINT NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" used_at BIGINT,"
	" used_by TEXT);"
	"CREATE INDEX serve_challenge_expiry ON serve_challenge (expires_at);"
	"CREATE TABLE serve_token ("
	" id BIGSERIAL PRIMARY KEY,"
	" sha256 BYTEA NOT NULL UNIQUE CHECK (length(sha256) = 32),"
	" role TEXT NOT NULL CHECK (role IN ('read-only', 'operator')),"
	" label TEXT,"
	" created_at BIGINT NOT NULL,"
	" revoked_at BIGINT);"
	"CREATE TABLE serve_status_link ("
	" sha256 BYTEA PRIMARY KEY CHECK (length(sha256) = 32),"
	" report_id BIGINT NOT NULL REFERENCES report (id),"
	" created_at BIGINT NOT NULL);";

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
	[Q_SECRET_INS] = "INSERT INTO serve_secret (name, value) VALUES ($1, $2)"
	                 " ON CONFLICT DO NOTHING",
	[Q_SECRET_GET] = "SELECT value FROM serve_secret WHERE name = $1",
	[Q_NONCE_PRUNE] = "DELETE FROM serve_nonce_used WHERE expires_at <= $1",
	[Q_NONCE_INS] = "INSERT INTO serve_nonce_used (nonce, expires_at) VALUES ($1, $2)"
	                " ON CONFLICT DO NOTHING",
	/* Used challenges are kept until they expire, so that presenting one
	 * again is told "used", not "unknown". */
	[Q_CH_PRUNE] = "DELETE FROM serve_challenge WHERE expires_at <= $1",
	[Q_CH_COUNT] = "SELECT COUNT(*) FROM serve_challenge",
	[Q_CH_INS] = "INSERT INTO serve_challenge (text, issued_at, expires_at) VALUES ($1, $2, $3)"
	             " ON CONFLICT DO NOTHING",
	[Q_CH_GET] = "SELECT expires_at, used_at FROM serve_challenge WHERE text = $1",
	[Q_CH_USE] = "UPDATE serve_challenge SET used_at = $1, used_by = $2 WHERE text = $3"
	             " AND used_at IS NULL",
	[Q_TOK_INS] = "INSERT INTO serve_token (sha256, role, label, created_at)"
	              " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
	[Q_TOK_FIND] = "SELECT id, role, created_at, revoked_at FROM serve_token WHERE sha256 = $1",
	[Q_TOK_LIST] = "SELECT id, sha256, role, label, created_at, revoked_at FROM serve_token"
	               " ORDER BY id",
	[Q_TOK_REVOKE] = "UPDATE serve_token SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
	[Q_LINK_INS] = "INSERT INTO serve_status_link (sha256, report_id, created_at)"
	               " VALUES ($1, $2, $3)",
	[Q_LINK_FIND] = "SELECT report_id FROM serve_status_link WHERE sha256 = $1",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_SERVE, SQL, Q_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                     \
	pw_pg_area_cmd(s, PW_STORE_AREA_SERVE, SQL, Q_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

static void pg_serve_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_SERVE);
}

static enum pw_status secret_get(struct pw_store *s, const char *name, const uint8_t fresh[32],
                                 uint8_t out[32], struct pw_error *err)
{
	enum pw_status ret;
	PGresult *r;
	/* First writer wins; every node then reads the same secret. */
	if ((ret = CMD(Q_SECRET_INS, "serve_secret", NULL, "th", name, fresh)) != PW_OK)
		return ret;
	if ((r = RUN(Q_SECRET_GET, "serve_secret", "t", name)) == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) == 1 && pw_pg_hash(r, 0, 0, out))
		ret = PW_OK;
	else
		ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "serve_secret",
		                   "secret %s is missing or damaged", name);
	PQclear(r);
	return ret;
}

static enum pw_status nonce_use(struct pw_store *s, const char *nonce, int64_t expires_at,
                                int64_t now, int *out_fresh, struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret;
	if ((ret = CMD(Q_NONCE_PRUNE, "serve_nonce_used", NULL, "i", now)) != PW_OK ||
	    (ret = CMD(Q_NONCE_INS, "serve_nonce_used", &changes, "ti", nonce, expires_at)) != PW_OK)
		return ret;
	*out_fresh = changes == 1;
	return PW_OK;
}

static enum pw_status challenge_put(struct pw_store *s, const char *text, int64_t issued_at,
                                    int64_t expires_at, uint64_t max_live, struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret;
	PGresult *r;
	if ((ret = CMD(Q_CH_PRUNE, "serve_challenge", NULL, "i", issued_at)) != PW_OK)
		return ret;
	if (max_live > 0) {
		if ((r = RUN(Q_CH_COUNT, "serve_challenge", "")) == NULL)
			return PW_ERR_STORE;
		int64_t n = PQntuples(r) == 1 ? pw_pg_int(r, 0, 0) : 0;
		PQclear(r);
		if (n >= 0 && (uint64_t)n >= max_live)
			return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "challenge",
			                    "%lld unexpired challenges are outstanding (limit %llu); try later",
			                    (long long)n, (unsigned long long)max_live);
	}
	if ((ret = CMD(Q_CH_INS, "serve_challenge", &changes, "tii", text, issued_at,
	               expires_at)) != PW_OK)
		return ret;
	if (changes == 0)
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "challenge", "challenge already stored");
	return PW_OK;
}

static enum pw_status challenge_use(struct pw_store *s, const char *text, int64_t now,
                                    const char *used_by,
                                    enum pw_store_serve_challenge_state *out_state,
                                    struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret;
	PGresult *r = RUN(Q_CH_GET, "serve_challenge", "t", text);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) == 0) {
		*out_state = PW_STORE_CHALLENGE_UNKNOWN;
	} else {
		int64_t exp = pw_pg_int(r, 0, 0);
		int used = !pw_pg_null(r, 0, 1);
		*out_state = used ? PW_STORE_CHALLENGE_USED
		             : exp <= now ? PW_STORE_CHALLENGE_EXPIRED
		                          : PW_STORE_CHALLENGE_LIVE;
	}
	PQclear(r);
	if (*out_state != PW_STORE_CHALLENGE_LIVE)
		return PW_OK;
	if ((ret = CMD(Q_CH_USE, "serve_challenge", &changes, "itt", now, used_by, text)) != PW_OK)
		return ret;
	/* Another node used it between the read and the update. */
	if (changes == 0)
		*out_state = PW_STORE_CHALLENGE_USED;
	return PW_OK;
}

static enum pw_status token_add(struct pw_store *s, const struct pw_store_serve_token *t,
                                int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(Q_TOK_INS, "serve_token", "htti", t->sha256,
	                  pw_store_serve_role_name(t->role), t->label, t->created_at);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) == 0)
		ret = pw_error_set(err, PW_ERR_EXISTS, 0, 0, "token", "a token with this hash exists");
	else
		*out_id = pw_pg_int(r, 0, 0);
	PQclear(r);
	return ret;
}

static void read_token(const PGresult *r, int row, int with_hash, struct pw_store_serve_token *t)
{
	int c = 0;
	memset(t, 0, sizeof *t);
	t->id = pw_pg_int(r, row, c++);
	if (with_hash)
		pw_pg_hash(r, row, c++, t->sha256);
	t->role = pw_store_serve_role_parse(pw_pg_text(r, row, c++));
	if (with_hash)
		t->label = pw_pg_text(r, row, c++);
	t->created_at = pw_pg_int(r, row, c++);
	t->revoked_at = pw_pg_int(r, row, c++);
}

static enum pw_status token_find(struct pw_store *s, const uint8_t sha256[32],
                                 struct pw_store_serve_token *out, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(Q_TOK_FIND, "serve_token", "h", sha256);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		read_token(r, 0, 0, out);
		memcpy(out->sha256, sha256, 32);
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "token", "unknown token");
	}
	PQclear(r);
	return ret;
}

static enum pw_status token_list(struct pw_store *s, pw_store_serve_token_fn fn, void *ctx,
                                 struct pw_error *err)
{
	PGresult *r = RUN(Q_TOK_LIST, "serve_token", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_serve_token t;
		read_token(r, i, 1, &t);
		if (!fn(ctx, &t))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status token_revoke(struct pw_store *s, int64_t id, int64_t at,
                                   struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = CMD(Q_TOK_REVOKE, "serve_token", &changes, "ii", at, id);
	if (ret != PW_OK)
		return ret;
	if (changes == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "id", "no token with id %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status link_put(struct pw_store *s, int64_t report_id, const uint8_t sha256[32],
                               int64_t at, struct pw_error *err)
{
	return CMD(Q_LINK_INS, "serve_status_link", NULL, "hii", sha256, report_id, at);
}

static enum pw_status link_find(struct pw_store *s, const uint8_t sha256[32],
                                int64_t *out_report_id, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(Q_LINK_FIND, "serve_status_link", "h", sha256);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0)
		*out_report_id = pw_pg_int(r, 0, 0);
	else
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "link", "unknown status link");
	PQclear(r);
	return ret;
}

const struct pw_store_serve_ops pw_pg_serve_ops = {
	.close = pg_serve_close,
	.secret_get = secret_get,
	.nonce_use = nonce_use,
	.challenge_put = challenge_put,
	.challenge_use = challenge_use,
	.token_add = token_add,
	.token_find = token_find,
	.token_list = token_list,
	.token_revoke = token_revoke,
	.link_put = link_put,
	.link_find = link_find,
};
