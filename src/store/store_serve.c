/* store/store_serve.c: the backend-neutral functions of the serve area
 * (include/pkiward/store_serve.h). Each checks its arguments, then runs the
 * backend's implementation inside the caller's transaction or its own. */
#include <string.h>

#include "internal.h"
#include "serve_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->serve == NULL || s->ops->serve->secret_get == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store", "the %s backend has no serve tables",
		                    s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

/* A text argument: present, within max bytes, no control characters. */
static enum pw_status text_arg(const char *t, size_t max, const char *what, struct pw_error *err)
{
	if (t == NULL || t[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, what, "%s is empty", what);
	size_t n = strnlen(t, max + 1);
	if (n > max)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, what, "%s is longer than %zu bytes", what, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return pw_error_set(err, PW_ERR_USAGE, 1, i, what, "%s holds a control character", what);
	return PW_OK;
}

/* Reads need no transaction (WAL readers see a consistent snapshot per
 * statement and must not take the write lock). */
#define READ(s, call)                                                          \
	do {                                                                       \
		enum pw_status st_ = check((s), 0, err);                               \
		if (st_ != PW_OK)                                                      \
			return st_;                                                        \
		return (call);                                                         \
	} while (0)

#define RUN(s, write, call)                                                    \
	do {                                                                       \
		int own_;                                                              \
		enum pw_status st_ = check((s), (write), err);                         \
		if (st_ != PW_OK)                                                      \
			return st_;                                                        \
		if ((st_ = pw_store_txn_start((s), &own_, err)) != PW_OK)              \
			return st_;                                                        \
		st_ = (call);                                                          \
		return pw_store_txn_end((s), own_, st_, err);                          \
	} while (0)

const char *pw_store_serve_challenge_state_name(enum pw_store_serve_challenge_state st)
{
	switch (st) {
	case PW_STORE_CHALLENGE_LIVE: return "live";
	case PW_STORE_CHALLENGE_UNKNOWN: return "unknown";
	case PW_STORE_CHALLENGE_EXPIRED: return "expired";
	case PW_STORE_CHALLENGE_USED: return "used";
	}
	return "unknown";
}

const char *pw_store_serve_role_name(enum pw_store_serve_role r)
{
	switch (r) {
	case PW_STORE_ROLE_READ_ONLY: return "read-only";
	case PW_STORE_ROLE_OPERATOR: return "operator";
	case PW_STORE_ROLE_NONE: break;
	}
	return "none";
}

enum pw_store_serve_role pw_store_serve_role_parse(const char *name)
{
	if (name == NULL)
		return PW_STORE_ROLE_NONE;
	if (strcmp(name, "read-only") == 0)
		return PW_STORE_ROLE_READ_ONLY;
	if (strcmp(name, "operator") == 0)
		return PW_STORE_ROLE_OPERATOR;
	return PW_STORE_ROLE_NONE;
}

enum pw_status pw_store_serve_secret_get(struct pw_store *s, const char *name,
                                         const uint8_t fresh[32], uint8_t out[32],
                                         struct pw_error *err)
{
	enum pw_status st = text_arg(name, PW_STORE_SERVE_NAME_MAX, "name", err);
	if (st != PW_OK)
		return st;
	if (fresh == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	RUN(s, 1, s->ops->serve->secret_get(s, name, fresh, out, err));
}

enum pw_status pw_store_serve_nonce_use(struct pw_store *s, const char *nonce,
                                        int64_t expires_at, int64_t now, int *out_fresh,
                                        struct pw_error *err)
{
	enum pw_status st = text_arg(nonce, PW_STORE_SERVE_NONCE_MAX, "nonce", err);
	if (st != PW_OK)
		return st;
	if (out_fresh == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_fresh = 0;
	RUN(s, 1, s->ops->serve->nonce_use(s, nonce, expires_at, now, out_fresh, err));
}

enum pw_status pw_store_serve_challenge_put(struct pw_store *s, const char *text,
                                            int64_t issued_at, int64_t expires_at,
                                            uint64_t max_live, struct pw_error *err)
{
	enum pw_status st = text_arg(text, PW_STORE_SERVE_CHALLENGE_MAX, "challenge", err);
	if (st != PW_OK)
		return st;
	if (expires_at <= issued_at)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "expires_at", "a challenge must expire after it is issued");
	RUN(s, 1, s->ops->serve->challenge_put(s, text, issued_at, expires_at, max_live, err));
}

enum pw_status pw_store_serve_challenge_use(struct pw_store *s, const char *text, int64_t now,
                                            const char *used_by,
                                            enum pw_store_serve_challenge_state *out_state,
                                            struct pw_error *err)
{
	if (out_state == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_state = PW_STORE_CHALLENGE_UNKNOWN;
	enum pw_status st = text_arg(text, PW_STORE_SERVE_CHALLENGE_MAX, "challenge", err);
	if (st != PW_OK)
		return st;
	if (used_by != NULL && (st = text_arg(used_by, PW_STORE_EVENT_MAX_TEXT, "used_by", err)) != PW_OK)
		return st;
	RUN(s, 1, s->ops->serve->challenge_use(s, text, now, used_by, out_state, err));
}

enum pw_status pw_store_serve_token_add(struct pw_store *s, const struct pw_store_serve_token *t,
                                        int64_t *out_id, struct pw_error *err)
{
	if (t == NULL || out_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (t->role != PW_STORE_ROLE_READ_ONLY && t->role != PW_STORE_ROLE_OPERATOR)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "role", "role must be read-only or operator");
	if (t->label != NULL) {
		enum pw_status st = text_arg(t->label, PW_STORE_SERVE_LABEL_MAX, "label", err);
		if (st != PW_OK)
			return st;
	}
	RUN(s, 1, s->ops->serve->token_add(s, t, out_id, err));
}

enum pw_status pw_store_serve_token_find(struct pw_store *s, const uint8_t sha256[32],
                                         struct pw_store_serve_token *out, struct pw_error *err)
{
	if (sha256 == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	READ(s, s->ops->serve->token_find(s, sha256, out, err));
}

enum pw_status pw_store_serve_token_list(struct pw_store *s, pw_store_serve_token_fn fn,
                                         void *ctx, struct pw_error *err)
{
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	READ(s, s->ops->serve->token_list(s, fn, ctx, err));
}

enum pw_status pw_store_serve_token_revoke(struct pw_store *s, int64_t id, int64_t at,
                                           struct pw_error *err)
{
	RUN(s, 1, s->ops->serve->token_revoke(s, id, at, err));
}

enum pw_status pw_store_serve_status_link_put(struct pw_store *s, int64_t report_id,
                                              const uint8_t sha256[32], int64_t at,
                                              struct pw_error *err)
{
	if (sha256 == NULL || report_id <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "bad argument");
	RUN(s, 1, s->ops->serve->link_put(s, report_id, sha256, at, err));
}

enum pw_status pw_store_serve_status_link_find(struct pw_store *s, const uint8_t sha256[32],
                                               int64_t *out_report_id, struct pw_error *err)
{
	if (sha256 == NULL || out_report_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_report_id = 0;
	READ(s, s->ops->serve->link_find(s, sha256, out_report_id, err));
}
