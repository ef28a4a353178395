/* http/: what the serve handlers share (acme.c, portal.c, admin.c,
 * metrics.c, app.c). Not a public interface. */
#ifndef PW_HTTP_SERVE_INTERNAL_H
#define PW_HTTP_SERVE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pkiward/ocsp.h"
#include "pkiward/serve.h"
#include "acme_jws.h"
#include "crl.h"
#include "server.h"

/* Store handles kept open (one per server thread, plus one for metrics). */
#define PW_SERVE_POOL_MAX (PW_HTTP_THREADS_MAX + 1u)
/* Endpoint names counted by /metrics (route names). */
#define PW_SERVE_METRIC_ROUTES 24u
/* Distinct status codes counted per endpoint. */
#define PW_SERVE_METRIC_CODES 16u
/* Request duration histogram buckets (seconds). */
#define PW_SERVE_DURATION_BUCKETS 10u

struct pw_serve_metric_row {
	char route[32];
	unsigned codes[PW_SERVE_METRIC_CODES];
	uint64_t counts[PW_SERVE_METRIC_CODES];
	size_t n_codes;
	uint64_t dur_buckets[PW_SERVE_DURATION_BUCKETS]; /* cumulative at scrape */
	uint64_t dur_count;
	double dur_sum;
};

struct pw_serve {
	struct pw_serve_config cfg;
	char web_dir_real[4096];        /* realpath of the asset directory */
	/* Store pool: handlers take a handle for the duration of one request. */
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	struct pw_store *pool[PW_SERVE_POOL_MAX];
	int pool_busy[PW_SERVE_POOL_MAX];
	size_t pool_n;
	uint8_t nonce_key[32];          /* serve_secret "acme-nonce" */
	struct pw_http_server *http;
	struct pw_ocsp_responder *ocsp; /* NULL when the store has no registered CA */
	struct pw_http_crl *crl;        /* NULL without crl_dir */
	/* Metrics (metrics.c). */
	pthread_mutex_t metrics_mu;
	struct pw_serve_metric_row metric_rows[PW_SERVE_METRIC_ROUTES];
	size_t n_metric_rows;
	int64_t started_at;
};

/* Takes a store handle (waits while all are busy); give it back with
 * pw_serve_store_put. */
struct pw_store *pw_serve_store_get(struct pw_serve *sv);
void pw_serve_store_put(struct pw_serve *sv, struct pw_store *s);

/* The public base URL of this request: cfg.base_url, else "http://" + the
 * Host header (validated: host[:port] characters only). Returns 1, or 0
 * when there is no usable Host. */
int pw_serve_base_url(const struct pw_serve *sv, const struct pw_http_request *req, char *out,
                      size_t cap);

/* Responses. */
void pw_serve_json(struct pw_http_response *resp, unsigned status, json_t *o); /* steals o */
void pw_serve_json_error(struct pw_http_response *resp, unsigned status, const char *field,
                         const char *fmt, ...) PW_PRINTF(4, 5);
/* Security headers every HTML/JSON answer carries. */
void pw_serve_security_headers(struct pw_http_response *resp);

/* Parses a JSON request body as an object (duplicate names refused);
 * NULL with a 400/415 answer already set in resp. */
json_t *pw_serve_json_body(const struct pw_http_request *req, struct pw_http_response *resp);

/* Static files from the web directory: `rel` is a path relative to it.
 * Refuses traversal ("..", absolute, NUL, backslash, dot files) with 404
 * and anything resolving outside the directory (symlinks). */
void pw_serve_static(struct pw_serve *sv, const char *rel, struct pw_http_response *resp);

/* Handlers (ctx = struct pw_serve *). */
void pw_serve_acme_directory(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_acme_nonce(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_acme_revoke(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_portal(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_api(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_admin(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_admin_api(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);
void pw_serve_metrics(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp);

/* The access-log observer (metrics.c). */
void pw_serve_metrics_observe(void *ctx, const struct pw_http_log_entry *e);

/* ACME nonces (acme.c): a fresh nonce text into out (>= 64 bytes). */
int pw_serve_nonce_new(struct pw_serve *sv, char *out, size_t cap);

/* Lowercase hex SHA-256 helpers. */
void pw_serve_sha256(const void *p, size_t n, uint8_t out[32]);

/* A random token "pwt_<base64url>" (PW_SERVE_TOKEN_BYTES) into out. */
int pw_serve_random_token(char out[PW_SERVE_TOKEN_TEXT_MAX]);

/* Times as "2021-03-13T10:00:00Z" (buf >= 21). */
char *pw_serve_iso(int64_t t, char *buf, size_t cap);

#endif
