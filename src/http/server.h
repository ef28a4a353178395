/* pkiward http/server.h — the HTTP server every endpoint family mounts on
 * (OCSP, CRL downloads, ACME, portal, admin API, metrics).
 *
 * A thin wrapper around libmicrohttpd: a route table (method + path prefix
 * -> handler), a transport-neutral request/response pair so handlers never
 * see MHD types, and the operational limits every Internet-facing service
 * needs (issue 6 §1): a thread pool, a body-size limit (413), a connection
 * timeout, per-IP and total connection limits, graceful shutdown on
 * SIGINT/SIGTERM, and a JSON-lines access log.
 *
 * TLS is not terminated here: pkiward serve listens on loopback or a private
 * address behind a reverse proxy (docs/serve.md). OCSP and CRLs are served
 * over plain HTTP anyway (RFC 5019 §5, BR 7.1.2.x: http URLs in AIA/CRLDP).
 *
 * Life cycle:
 *   struct pw_http_config cfg; pw_http_config_init(&cfg); cfg.listen = "127.0.0.1:8080";
 *   pw_http_server_new(&cfg, &srv, &err);
 *   pw_http_server_add_route(srv, &(struct pw_http_route){ ... }, &err);  // before start
 *   pw_http_server_start(srv, &err);      // binds and starts the pool
 *   pw_http_server_wait(srv);             // until SIGINT/SIGTERM or _request_stop
 *   pw_http_server_stop(srv);             // graceful: no new connections, drain, stop
 *   pw_http_server_free(srv);
 *
 * Threading: handlers run concurrently on the pool's threads; a handler and
 * its ctx must be thread-safe. A handler must not block for long (a pool
 * thread serves many connections). */
#ifndef PKIWARD_HTTP_SERVER_H
#define PKIWARD_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"

/* ---- Limits (every one a named constant; config fields override some) ---- */

/* Worker threads in the pool by default (the reference machine has 2 cores). */
#define PW_HTTP_THREADS_DEFAULT 2u
#define PW_HTTP_THREADS_MAX 64u
/* Largest request body accepted by default; larger ones get 413 before the
 * body is read when Content-Length says so, else as soon as it overflows.
 * OCSP requests are a few hundred bytes (RFC 6960 §4.1); 64 KiB is ample
 * for every JSON API. Routes may set their own (uploads). */
#define PW_HTTP_MAX_BODY_DEFAULT ((size_t)64 << 10)
#define PW_HTTP_MAX_BODY_LIMIT ((size_t)64 << 20)
/* Seconds a connection may stay idle (slow clients, Slowloris). */
#define PW_HTTP_CONN_TIMEOUT_DEFAULT 10u
/* Concurrent connections from one IP address by default / in total. OCSP
 * responders sit behind CDNs that open many connections from few
 * addresses, hence generous defaults; deployments tune both. */
#define PW_HTTP_PER_IP_LIMIT_DEFAULT 256u
#define PW_HTTP_MAX_CONNECTIONS_DEFAULT 4096u
/* Seconds pw_http_server_stop() waits for in-flight requests to finish. */
#define PW_HTTP_SHUTDOWN_GRACE_SECS 5u
/* Longest request target (path + query) accepted; longer ones get 414.
 * RFC 5019 §5: GET is used for requests under 255 bytes of base64. */
#define PW_HTTP_MAX_URI 8192u
/* Routes in one server. */
#define PW_HTTP_MAX_ROUTES 64u
/* Headers a handler may add to one response. */
#define PW_HTTP_MAX_RESP_HEADERS 32u
/* Longest response header name / value a handler may set. */
#define PW_HTTP_MAX_HEADER_NAME 64u
#define PW_HTTP_MAX_HEADER_VALUE 2048u
/* Longest content type. */
#define PW_HTTP_MAX_CONTENT_TYPE 128u
/* Longest text of the path written into one access-log line (longer paths
 * are truncated, marked with "path_truncated":true). */
#define PW_HTTP_LOG_MAX_PATH 512u
/* Longest textual remote address ("[ffff:...]" IPv6 fits). */
#define PW_HTTP_MAX_ADDR 64u

/* ---- Requests and responses ---- */

/* A request as handlers see it. Everything is borrowed for the duration of
 * the handler call only. Strings are NUL-terminated; the body is bytes. */
struct pw_http_request {
	const char *method;      /* "GET", "POST", "HEAD", ... */
	const char *raw_path;    /* path as received (before '?'), not decoded */
	const char *path;        /* raw_path percent-decoded (RFC 3986 §2.1); a
	                            path with a bad escape or an encoded NUL is
	                            refused with 400 before any handler runs */
	const char *subpath;     /* the part of `path` after the route prefix
	                            ("" when the path equals the prefix); always
	                            a suffix of `path` */
	const char *raw_subpath; /* the same part of raw_path (still encoded):
	                            for handlers that decode themselves (OCSP GET
	                            carries base64 whose '/' and '+' may or may
	                            not be percent-encoded, RFC 5019 §5) */
	const char *query;       /* raw query string after '?', NULL if none */
	const uint8_t *body;     /* request body (NULL when empty) */
	size_t body_len;
	const char *remote_addr; /* client address, textual ("127.0.0.1", "::1") */
	const char *route_name;  /* name of the matched route (metrics, logs) */
	void *conn_;             /* private */
};

/* Value of request header `name` (case-insensitive), or NULL. Borrowed. */
const char *pw_http_request_header(const struct pw_http_request *r, const char *name);

/* Value of query argument `name` (decoded by the server), or NULL. */
const char *pw_http_request_arg(const struct pw_http_request *r, const char *name);

/* A response handlers fill. Initialised by the server (status 0) before the
 * handler runs; a handler that leaves status 0 yields 500. */
struct pw_http_response {
	unsigned status;                               /* HTTP status code */
	char content_type[PW_HTTP_MAX_CONTENT_TYPE];   /* "" = none */
	size_t n_headers;
	char *header_names[PW_HTTP_MAX_RESP_HEADERS];  /* owned copies */
	char *header_values[PW_HTTP_MAX_RESP_HEADERS];
	/* Body: exactly one of the forms below, set through the functions. */
	const uint8_t *body;
	size_t body_len;
	void (*body_release)(void *ctx);               /* called once when MHD is done */
	void *body_release_ctx;
	int body_fd;                                   /* -1 = none */
	uint64_t body_fd_size;
	int failed;                                    /* an allocation failed (-> 500) */
};

/* Sets status and content type (ctype NULL = none). */
void pw_http_response_set(struct pw_http_response *resp, unsigned status, const char *ctype);

/* Adds a header (copied). Returns 1, or 0 when the name or value is too long,
 * holds CR/LF/NUL/control characters, or the table is full (the response
 * then becomes a 500: a handler bug must not emit a broken response). */
int pw_http_response_add_header(struct pw_http_response *resp, const char *name, const char *value);

/* Body from a copy of p[0..n). Returns 1, or 0 on allocation failure. */
int pw_http_response_body_copy(struct pw_http_response *resp, const void *p, size_t n);

/* Body from a malloc'd buffer the response takes over (free()d later). */
void pw_http_response_body_take(struct pw_http_response *resp, void *p, size_t n);

/* Body borrowed from p[0..n) without copying (e.g. a cached, pre-signed
 * OCSP response): release(ctx) is called exactly once when the server no
 * longer needs the bytes (use it to drop a reference). release may be NULL
 * for static data. */
void pw_http_response_body_ref(struct pw_http_response *resp, const void *p, size_t n,
                               void (*release)(void *ctx), void *ctx);

/* Body read from an open file descriptor (size bytes from offset 0); the
 * server closes fd when done. For large files (CRLs, static assets). */
void pw_http_response_body_fd(struct pw_http_response *resp, int fd, uint64_t size);

/* Convenience: status, content type "text/plain; charset=utf-8" and a
 * printf-formatted body. */
void pw_http_response_text(struct pw_http_response *resp, unsigned status, const char *fmt, ...)
	PW_PRINTF(3, 4);

/* A handler. Fills *resp; must not keep pointers into *req. */
typedef void (*pw_http_handler_fn)(void *ctx, const struct pw_http_request *req,
                                   struct pw_http_response *resp);

/* One route. A request matches when its method equals `method` (NULL =
 * any method) and its decoded path matches `prefix`: a prefix ending in '/'
 * matches every path starting with it; any other prefix matches the path
 * equal to it or followed by '/' ("/ocsp" matches "/ocsp" and "/ocsp/MEIw",
 * not "/ocspx"). The longest matching prefix wins; when the path matches
 * but no route has the method, the answer is 405 with an Allow header. */
struct pw_http_route {
	const char *name;        /* short name for logs/metrics ("ocsp"); copied */
	const char *method;      /* copied; NULL = any */
	const char *prefix;      /* copied; must start with '/' */
	pw_http_handler_fn fn;
	void *ctx;               /* borrowed; must outlive the server */
	size_t max_body;         /* 0 = the server's max_body; at most PW_HTTP_MAX_BODY_LIMIT */
};

/* ---- Access log ---- */

/* What one finished request was; handed to the access log and to the
 * optional observer (metrics). Borrowed for the call. */
struct pw_http_log_entry {
	int64_t at_us;           /* when the request started (Unix microseconds) */
	uint64_t duration_us;    /* until the response was queued/finished */
	const char *remote_addr;
	const char *method;      /* "" when the request line never completed */
	const char *raw_path;    /* "" when unknown */
	const char *route_name;  /* "" when no route matched */
	unsigned status;         /* 0 when no response was sent */
	uint64_t body_bytes;     /* response body size */
	uint64_t request_bytes;  /* request body bytes received */
	int completed;           /* 1: response fully sent; 0: error/timeout/abort */
};

/* ---- Server ---- */

struct pw_http_config {
	const char *listen;          /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0"
	                                (port 0 picks a free port; see _port) */
	unsigned threads;            /* pool size; 0 = PW_HTTP_THREADS_DEFAULT */
	size_t max_body;             /* 0 = PW_HTTP_MAX_BODY_DEFAULT */
	unsigned conn_timeout_secs;  /* 0 = PW_HTTP_CONN_TIMEOUT_DEFAULT */
	unsigned per_ip_limit;       /* 0 = PW_HTTP_PER_IP_LIMIT_DEFAULT */
	unsigned max_connections;    /* 0 = PW_HTTP_MAX_CONNECTIONS_DEFAULT */
	int access_log_fd;           /* JSON-lines access log; -1 = none. Lines
	                                are buffered and written whole, in chunks,
	                                at most ~50 ms after the request and at
	                                stop (not one write() per request); the
	                                fd stays the caller's, keep it open until
	                                pw_http_server_stop() returns */
	void (*observer)(void *ctx, const struct pw_http_log_entry *e); /* NULL = none;
	                                called on pool threads, must be thread-safe */
	void *observer_ctx;
	const char *server_header;   /* "Server:" value; NULL = none sent */
};

/* Fills *c with the defaults above (listen NULL, access_log_fd -1). */
void pw_http_config_init(struct pw_http_config *c);

struct pw_http_server;

/* Creates a server (nothing is bound yet). *out owned by the caller. */
enum pw_status pw_http_server_new(const struct pw_http_config *c, struct pw_http_server **out,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* Adds a route (before pw_http_server_start only). PW_ERR_USAGE for a bad
 * prefix, a duplicate (method, prefix), too many routes, a max_body over
 * PW_HTTP_MAX_BODY_LIMIT, or a started server. */
enum pw_status pw_http_server_add_route(struct pw_http_server *s, const struct pw_http_route *r,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Binds the listen address and starts the pool. Blocks SIGINT/SIGTERM/
 * SIGPIPE in the calling thread first (so that pool threads inherit the
 * mask and pw_http_server_wait() receives the signals): call it from the
 * main thread before starting other threads that must not get them.
 * PW_ERR_USAGE for an unparsable listen address, PW_ERR_IO when binding
 * fails (errno text in msg). */
enum pw_status pw_http_server_start(struct pw_http_server *s, struct pw_error *err) PW_WARN_UNUSED;

/* The TCP port actually bound (after start; useful with port 0). */
uint16_t pw_http_server_port(const struct pw_http_server *s);

/* Blocks until SIGINT or SIGTERM arrives or pw_http_server_request_stop()
 * is called. Returns the signal number, or 0 for a requested stop. */
int pw_http_server_wait(struct pw_http_server *s);

/* Makes pw_http_server_wait() return (async-signal-safe, any thread). */
void pw_http_server_request_stop(struct pw_http_server *s);

/* Graceful stop: stops accepting, waits up to PW_HTTP_SHUTDOWN_GRACE_SECS
 * for in-flight connections, then stops the pool. Idempotent. */
void pw_http_server_stop(struct pw_http_server *s);

/* Stops (if needed) and frees. NULL-safe. */
void pw_http_server_free(struct pw_http_server *s);

/* ---- Helpers for handlers ---- */

/* Percent-decodes in[0..in_len) (RFC 3986 §2.1; '+' is kept as '+', which
 * is what base64 in a path needs) into out (cap bytes). Returns 1 and sets
 * *out_len, or 0 for a malformed escape or when out is too small. The
 * result is bytes (an encoded NUL decodes to 0x00). */
int pw_http_percent_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
                           size_t *out_len) PW_WARN_UNUSED;

/* Formats Unix seconds as an HTTP-date (RFC 9110 §5.6.7, IMF-fixdate:
 * "Sun, 06 Nov 1994 08:49:37 GMT") into buf (>= 30 bytes). Returns buf. */
char *pw_http_date(int64_t t, char *buf, size_t buflen);

/* Canonical reason phrase of a status code ("Payload Too Large"). */
const char *pw_http_reason(unsigned status);

#endif
