/* pkiward — the serve store area (migration 9): what `pkiward serve` keeps
 * between requests and across processes sharing one base.
 *
 *   - secrets: named 32-byte random values made once per base (the key that
 *     authenticates ACME nonces, so every front end and every restart
 *     accepts the nonces another issued);
 *   - used ACME nonces (RFC 8555 §6.5: a nonce is accepted once): a nonce
 *     is recorded when it is used, and the record is dropped once the nonce
 *     has expired anyway;
 *   - key compromise challenges (keys.h, signed-challenge proofs): issued,
 *     stored with an expiry, used once;
 *   - admin API tokens, stored as SHA-256 only, with a role;
 *   - private status links of problem reports, stored as SHA-256 only.
 *
 * These are storage primitives: each runs inside the caller's transaction
 * if one is open, else in its own. The rules (TTLs, roles, events) live in
 * http/ (src/http/serve_state.c), which calls them. Nonce and challenge rows
 * are ephemeral protocol state, not evidence: their use is recorded in the
 * events of what they authorised (the report a signed challenge proved). */
#ifndef PKIWARD_STORE_SERVE_H
#define PKIWARD_STORE_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest secret name, nonce text, challenge text, token label. */
#define PW_STORE_SERVE_NAME_MAX 64u
#define PW_STORE_SERVE_NONCE_MAX 128u
#define PW_STORE_SERVE_CHALLENGE_MAX 256u
#define PW_STORE_SERVE_LABEL_MAX 128u

/* Gets the secret `name`, creating it from `fresh` (32 bytes the caller
 * drew from a CSPRNG) when the base has none yet; *out gets the stored
 * value (the existing one when another process created it first). */
enum pw_status pw_store_serve_secret_get(struct pw_store *s, const char *name,
                                         const uint8_t fresh[32], uint8_t out[32],
                                         struct pw_error *err) PW_WARN_UNUSED;

/* Records that nonce `nonce` was used; it needs remembering until
 * `expires_at`. Rows of nonces expired at `now` are deleted first.
 * *out_fresh is 1 when the nonce had not been used before, 0 for a replay
 * (nothing changes then). */
enum pw_status pw_store_serve_nonce_use(struct pw_store *s, const char *nonce,
                                        int64_t expires_at, int64_t now, int *out_fresh,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* State of a challenge when it is presented. */
enum pw_store_serve_challenge_state {
	PW_STORE_CHALLENGE_LIVE = 1, /* issued here, not expired, not used: now used */
	PW_STORE_CHALLENGE_UNKNOWN,  /* never issued by this base */
	PW_STORE_CHALLENGE_EXPIRED,
	PW_STORE_CHALLENGE_USED      /* used before (challenges are single-use) */
};

/* "live", "unknown", "expired", "used". */
const char *pw_store_serve_challenge_state_name(enum pw_store_serve_challenge_state st);

/* Stores a new challenge. Expired challenges are deleted first; when
 * `max_live` (0 = no limit) unexpired ones exist already, nothing is stored
 * and the result is PW_ERR_LIMIT (a flood of requests must not grow the
 * base without bound). PW_ERR_EXISTS if the text is stored already. */
enum pw_status pw_store_serve_challenge_put(struct pw_store *s, const char *text,
                                            int64_t issued_at, int64_t expires_at,
                                            uint64_t max_live,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* Presents a challenge: when it is live it is marked used at `now` by
 * `used_by` (may be NULL) and *out_state is LIVE; otherwise nothing changes
 * and *out_state says why it is refused. */
enum pw_status pw_store_serve_challenge_use(struct pw_store *s, const char *text, int64_t now,
                                            const char *used_by,
                                            enum pw_store_serve_challenge_state *out_state,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* Admin token roles. */
enum pw_store_serve_role {
	PW_STORE_ROLE_NONE = 0,
	PW_STORE_ROLE_READ_ONLY = 1, /* may read every admin endpoint */
	PW_STORE_ROLE_OPERATOR = 2   /* may also change state */
};

/* "read-only", "operator" ("none" for NONE). */
const char *pw_store_serve_role_name(enum pw_store_serve_role r);
/* Parses "read-only" / "operator"; PW_STORE_ROLE_NONE otherwise. */
enum pw_store_serve_role pw_store_serve_role_parse(const char *name);

/* One admin token row (the token itself is never stored). */
struct pw_store_serve_token {
	int64_t id;
	uint8_t sha256[32];          /* SHA-256 of the token text */
	enum pw_store_serve_role role;
	const char *label;           /* borrowed (for the call / callback); may be NULL */
	int64_t created_at;
	int64_t revoked_at;          /* 0 = valid */
};

typedef int (*pw_store_serve_token_fn)(void *ctx, const struct pw_store_serve_token *t);

/* Adds a token row (t->id ignored); *out_id gets its id. PW_ERR_EXISTS
 * when the hash is stored already. */
enum pw_status pw_store_serve_token_add(struct pw_store *s, const struct pw_store_serve_token *t,
                                        int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Looks a token up by its hash: *out filled (label NULL) or PW_ERR_NOTFOUND. */
enum pw_status pw_store_serve_token_find(struct pw_store *s, const uint8_t sha256[32],
                                         struct pw_store_serve_token *out,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn for every token in id order. */
enum pw_status pw_store_serve_token_list(struct pw_store *s, pw_store_serve_token_fn fn,
                                         void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* Marks token `id` revoked at `at`. PW_ERR_NOTFOUND for an unknown id. */
enum pw_status pw_store_serve_token_revoke(struct pw_store *s, int64_t id, int64_t at,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Records the private status link of report `report_id` (SHA-256 of the
 * link's token). */
enum pw_status pw_store_serve_status_link_put(struct pw_store *s, int64_t report_id,
                                              const uint8_t sha256[32], int64_t at,
                                              struct pw_error *err) PW_WARN_UNUSED;

/* The report a status link token (by hash) opens: *out_report_id, or
 * PW_ERR_NOTFOUND. */
enum pw_status pw_store_serve_status_link_find(struct pw_store *s, const uint8_t sha256[32],
                                               int64_t *out_report_id,
                                               struct pw_error *err) PW_WARN_UNUSED;

#endif
