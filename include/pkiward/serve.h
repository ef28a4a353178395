/* pkiward — `pkiward serve`: the HTTP service (issue 6, DESIGN.md "Interfaces").
 *
 * One process, one store, many front-end threads, mounted on the server
 * core of src/http/server.h:
 *   /acme/directory, /acme/new-nonce, /acme/revoke-cert   ACME (RFC 8555 §7.1.1,
 *                                                         §7.2, §7.6)
 *   /ocsp, /crl/                                          OCSP and CRLs (http/ocsp.c,
 *                                                         http/crl.c)
 *   /                                                     the public portal (web/)
 *   /api/                                                 its JSON API
 *   /admin/, /admin/api/                                  dashboard and admin API
 *                                                         (bearer tokens, roles)
 *   /metrics                                              Prometheus text format
 *
 * TLS is terminated by a reverse proxy (docs/serve.md); `base_url` then
 * names the public https URL so ACME "url" checks (RFC 8555 §6.4) compare
 * with what clients signed.
 *
 * This header also holds the serve-area rules other verbs share: admin
 * tokens (`pkiward token`) and key compromise challenges (`pkiward
 * report-key --new-challenge / --challenge`, the portal). */
#ifndef PKIWARD_SERVE_H
#define PKIWARD_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/keys.h"
#include "pkiward/status.h"
#include "pkiward/store.h"
#include "pkiward/store_serve.h"

/* ---- Limits and defaults ---- */

/* RFC 8555 §6.5: how long an issued nonce stays acceptable. */
#define PW_SERVE_NONCE_TTL_DEFAULT ((int64_t)3600)
/* How long a key compromise challenge stays live: time to sign it offline. */
#define PW_SERVE_CHALLENGE_TTL_DEFAULT ((int64_t)24 * 3600)
#define PW_SERVE_CHALLENGE_TTL_MAX ((int64_t)7 * 24 * 3600)
/* Unexpired challenges outstanding at most (the portal issues them to
 * anyone: a flood must not grow the base without bound). */
#define PW_SERVE_CHALLENGE_MAX_LIVE 100000u
/* Largest portal upload (a PEM certificate, a proof): keys.h's limit. */
#define PW_SERVE_UPLOAD_MAX_DEFAULT ((size_t)PW_KEYS_MAX_INPUT)
/* Longest config file line and file. */
#define PW_SERVE_CONFIG_MAX_LINE 1024u
#define PW_SERVE_CONFIG_MAX_FILE ((size_t)64 << 10)
/* Longest base URL / path settings. */
#define PW_SERVE_URL_MAX 512u
/* Random bytes in an admin token and a report status link token. */
#define PW_SERVE_TOKEN_BYTES 32u
/* "pwt_" + base64url of PW_SERVE_TOKEN_BYTES, NUL included. */
#define PW_SERVE_TOKEN_PREFIX "pwt_"
#define PW_SERVE_TOKEN_TEXT_MAX 64u

/* ---- Configuration ---- */

/* Every setting of the service. Strings are owned (pw_serve_config_cleanup). */
struct pw_serve_config {
	char *store;              /* store location (required) */
	char *listen;             /* "127.0.0.1:8080" (required) */
	char *base_url;           /* public URL ("https://ca.example"); NULL: "http://" + Host */
	char *web_dir;            /* portal/dashboard assets; NULL: PW_SERVE_WEB_DIR_DEFAULT */
	char *access_log;         /* JSON-lines access log path, "-" = stderr; NULL = none */
	char *crl_dir;            /* directory of published CRLs served under /crl/; NULL = none */
	unsigned threads;         /* 0 = server default */
	size_t max_body;          /* 0 = server default (64 KiB) */
	size_t upload_max;        /* 0 = PW_SERVE_UPLOAD_MAX_DEFAULT (portal /api/ uploads) */
	unsigned conn_timeout_secs;
	unsigned per_ip_limit;
	unsigned max_connections;
	int64_t nonce_ttl;        /* 0 = default */
	int64_t challenge_ttl;    /* 0 = default */
};

/* Where assets are looked for when web_dir is not set (the source tree's
 * web/ at build time). */
#ifndef PW_SERVE_WEB_DIR_DEFAULT
#define PW_SERVE_WEB_DIR_DEFAULT "web"
#endif

/* Zeroes *c (every setting at its default). */
void pw_serve_config_init(struct pw_serve_config *c);

/* Frees the strings *c owns and re-initialises it. NULL-safe. */
void pw_serve_config_cleanup(struct pw_serve_config *c);

/* Sets one setting from text (`key` as in the config file: store, listen,
 * base_url, web_dir, access_log, crl_dir, threads, max_body, upload_max,
 * timeout, per_ip_limit, max_connections, nonce_ttl, challenge_ttl).
 * PW_ERR_USAGE naming the key for an unknown key or a bad value. */
enum pw_status pw_serve_config_set(struct pw_serve_config *c, const char *key, const char *value,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* Reads a config file: one `key = value` a line, '#' starts a comment,
 * blank lines ignored (docs/serve.md). Errors name the line. */
enum pw_status pw_serve_config_load(struct pw_serve_config *c, const char *path,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* ---- The service ---- */

struct pw_serve;

/* Opens the store (one handle per server thread), loads the nonce secret
 * and checks the web directory. *out owned (pw_serve_free). `cfg` is copied. */
enum pw_status pw_serve_new(const struct pw_serve_config *cfg, struct pw_serve **out,
                            struct pw_error *err) PW_WARN_UNUSED;

/* Builds the HTTP server with every route mounted and starts it; blocks
 * until SIGINT/SIGTERM (or pw_serve_request_stop), then stops gracefully.
 * `on_started` (may be NULL) is called once listening, with the bound port
 * (e.g. to print the URL). */
enum pw_status pw_serve_run(struct pw_serve *sv, void (*on_started)(void *ctx, uint16_t port),
                            void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* Makes pw_serve_run return (async-signal-safe). */
void pw_serve_request_stop(struct pw_serve *sv);

/* Frees (NULL-safe). */
void pw_serve_free(struct pw_serve *sv);

/* ---- Admin tokens ---- */

/* Makes a new admin token with `role`: "pwt_" + base64url of
 * PW_SERVE_TOKEN_BYTES random bytes, written into out_text (shown once,
 * never stored); only its SHA-256 is stored, with the role, label and an
 * event "token.added" in one transaction. */
enum pw_status pw_serve_token_create(struct pw_store *s, enum pw_store_serve_role role,
                                     const char *label, const char *actor,
                                     char out_text[PW_SERVE_TOKEN_TEXT_MAX], int64_t *out_id,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Revokes token `id` (event "token.revoked"). */
enum pw_status pw_serve_token_revoke(struct pw_store *s, int64_t id, const char *actor,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* The role a presented token grants: PW_STORE_ROLE_NONE for an unknown,
 * malformed or revoked token. Compares hashes only. */
enum pw_status pw_serve_token_role(struct pw_store *s, const char *text,
                                   enum pw_store_serve_role *out_role,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* ---- Key compromise challenges (keys.h signed-challenge proofs) ---- */

/* Issues a challenge (pw_keys_challenge_new) and stores it, live until
 * now + ttl (0 = PW_SERVE_CHALLENGE_TTL_DEFAULT). PW_ERR_LIMIT when
 * PW_SERVE_CHALLENGE_MAX_LIVE are outstanding. */
enum pw_status pw_serve_challenge_issue(struct pw_store *s, int64_t now, int64_t ttl,
                                        struct pw_keys_challenge *out, int64_t *out_expires,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Presents a challenge: it is accepted (and used up: challenges are
 * single-use) only when this base issued it and it has not expired.
 * *out_state says which; PW_OK whenever the store answered. */
enum pw_status pw_serve_challenge_take(struct pw_store *s, const struct pw_keys_challenge *ch,
                                       int64_t now, const char *used_by,
                                       enum pw_store_serve_challenge_state *out_state,
                                       struct pw_error *err) PW_WARN_UNUSED;

#endif
