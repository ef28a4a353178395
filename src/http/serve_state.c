/* http/serve_state.c: the serve-area rules other verbs share (serve.h):
 * admin tokens (hash-only storage, roles, events) and key compromise
 * challenges (issued, stored, expired, single-use). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "pkiward/events.h"
#include "serve_internal.h"

static enum pw_status event_tok(struct pw_store *s, int64_t at, const char *kind, int64_t id,
                                const char *role, const char *label, const char *actor,
                                struct pw_error *err)
{
	char subj[PW_EVENTS_SUBJECT_MAX];
	snprintf(subj, sizeof subj, "token:%lld", (long long)id);
	json_t *p = json_object();
	json_object_set_new(p, "token", json_integer(id));
	if (role != NULL)
		json_object_set_new(p, "role", json_string(role));
	if (label != NULL)
		json_object_set_new(p, "label", json_string(label));
	char *t = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (t == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_events_append(s, at, kind, subj, actor, t, NULL, NULL, err);
	free(t);
	return st;
}

enum pw_status pw_serve_token_create(struct pw_store *s, enum pw_store_serve_role role,
                                     const char *label, const char *actor,
                                     char out_text[PW_SERVE_TOKEN_TEXT_MAX], int64_t *out_id,
                                     struct pw_error *err)
{
	enum pw_status st;
	struct pw_store_serve_token t;
	int64_t now = (int64_t)time(NULL), id = 0;
	if (s == NULL || out_text == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	out_text[0] = '\0';
	if (role != PW_STORE_ROLE_READ_ONLY && role != PW_STORE_ROLE_OPERATOR)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "role", "role must be operator or read-only");
	char text[PW_SERVE_TOKEN_TEXT_MAX];
	if (!pw_serve_random_token(text))
		return pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "no randomness for a token");
	memset(&t, 0, sizeof t);
	pw_serve_sha256(text, strlen(text), t.sha256);
	t.role = role;
	t.label = label;
	t.created_at = now;
	if ((st = pw_store_begin(s, err)) != PW_OK)
		return st;
	if ((st = pw_store_serve_token_add(s, &t, &id, err)) == PW_OK &&
	    (st = event_tok(s, now, "token.added", id, pw_store_serve_role_name(role), label,
	                    actor ? actor : "pkiward", err)) == PW_OK)
		st = pw_store_commit(s, err);
	if (st != PW_OK) {
		pw_store_rollback(s);
		OPENSSL_cleanse(text, sizeof text);
		return st;
	}
	memcpy(out_text, text, sizeof text);
	OPENSSL_cleanse(text, sizeof text);
	if (out_id != NULL)
		*out_id = id;
	return PW_OK;
}

enum pw_status pw_serve_token_revoke(struct pw_store *s, int64_t id, const char *actor,
                                     struct pw_error *err)
{
	enum pw_status st;
	int64_t now = (int64_t)time(NULL);
	if ((st = pw_store_begin(s, err)) != PW_OK)
		return st;
	if ((st = pw_store_serve_token_revoke(s, id, now, err)) == PW_OK &&
	    (st = event_tok(s, now, "token.revoked", id, NULL, NULL, actor ? actor : "pkiward", err)) == PW_OK)
		st = pw_store_commit(s, err);
	if (st != PW_OK)
		pw_store_rollback(s);
	return st;
}

enum pw_status pw_serve_token_role(struct pw_store *s, const char *text,
                                   enum pw_store_serve_role *out_role, struct pw_error *err)
{
	struct pw_store_serve_token t;
	uint8_t h[32];
	*out_role = PW_STORE_ROLE_NONE;
	size_t n = text ? strnlen(text, PW_SERVE_TOKEN_TEXT_MAX) : 0;
	/* Malformed tokens are refused without a lookup. */
	if (n < sizeof PW_SERVE_TOKEN_PREFIX || n >= PW_SERVE_TOKEN_TEXT_MAX ||
	    strncmp(text, PW_SERVE_TOKEN_PREFIX, sizeof PW_SERVE_TOKEN_PREFIX - 1) != 0)
		return PW_OK;
	pw_serve_sha256(text, n, h);
	enum pw_status st = pw_store_serve_token_find(s, h, &t, err);
	if (st == PW_ERR_NOTFOUND)
		return PW_OK;
	if (st != PW_OK)
		return st;
	if (t.revoked_at == 0)
		*out_role = t.role;
	return PW_OK;
}

enum pw_status pw_serve_challenge_issue(struct pw_store *s, int64_t now, int64_t ttl,
                                        struct pw_keys_challenge *out, int64_t *out_expires,
                                        struct pw_error *err)
{
	enum pw_status st;
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (ttl <= 0)
		ttl = PW_SERVE_CHALLENGE_TTL_DEFAULT;
	if (ttl > PW_SERVE_CHALLENGE_TTL_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "ttl", "a challenge lives at most %lld seconds",
		                    (long long)PW_SERVE_CHALLENGE_TTL_MAX);
	if (now == 0)
		now = (int64_t)time(NULL);
	if ((st = pw_keys_challenge_new(out, err)) != PW_OK)
		return st;
	if ((st = pw_store_serve_challenge_put(s, out->text, now, now + ttl, PW_SERVE_CHALLENGE_MAX_LIVE, err)) !=
	    PW_OK)
		return st;
	if (out_expires != NULL)
		*out_expires = now + ttl;
	return PW_OK;
}

enum pw_status pw_serve_challenge_take(struct pw_store *s, const struct pw_keys_challenge *ch,
                                       int64_t now, const char *used_by,
                                       enum pw_store_serve_challenge_state *out_state,
                                       struct pw_error *err)
{
	if (ch == NULL || out_state == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_state = PW_STORE_CHALLENGE_UNKNOWN;
	size_t n = strnlen(ch->text, sizeof ch->text);
	if (n == 0 || n == sizeof ch->text)
		return PW_OK;
	/* A challenge saved to a file often ends in a newline the signer did
	 * not sign; the stored text never has one. */
	struct pw_keys_challenge c = *ch;
	while (n > 0 && (c.text[n - 1] == '\n' || c.text[n - 1] == '\r'))
		c.text[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)c.text[i] < 0x20 || c.text[i] == 0x7f)
			return PW_OK;
	return pw_store_serve_challenge_use(s, c.text, now ? now : (int64_t)time(NULL), used_by, out_state, err);
}
