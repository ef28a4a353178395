/* pkiward http/server.c — libmicrohttpd wrapper (see server.h).
 *
 * Per request, MHD calls: the URI log callback (we allocate our request
 * context there, keeping the raw request target, which MHD would otherwise
 * percent-decode in place), the access handler once with the headers, again
 * for each body chunk and once more at the end, then the completion
 * callback (access log, observer, free). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

/* Memory MHD may use per connection for the request line and headers; must
 * exceed PW_HTTP_MAX_URI plus ordinary headers. */
#define PW_HTTP_CONN_MEMORY ((size_t)16 << 10)
/* listen(2) backlog. */
#define PW_HTTP_LISTEN_BACKLOG 1024
/* How often pw_http_server_wait() checks for a requested stop. */
#define PW_HTTP_WAIT_POLL_MS 100
/* How often pw_http_server_stop() checks for drained connections. */
#define PW_HTTP_DRAIN_POLL_MS 20
/* Longest access-log line (the path is truncated to PW_HTTP_LOG_MAX_PATH). */
#define PW_HTTP_LOG_LINE_MAX 2048
/* Longest method accepted (anything longer is not HTTP: 400). */
#define PW_HTTP_MAX_METHOD 16
/* Request bodies up to this size are kept inside the request context (an
 * OCSP request is a few hundred bytes, RFC 6960 §4.1): no allocation per
 * request on the OCSP path. Larger bodies go to the heap. */
#define PW_HTTP_INLINE_BODY 1024u
/* Access-log buffering: lines are appended to one of PW_HTTP_LOG_SHARDS
 * buffers (chosen by thread, so the pool threads rarely share a lock) and
 * written, whole lines only, when a buffer would overflow, by a flusher
 * thread every PW_HTTP_LOG_FLUSH_MS, and at stop. A write() syscall per
 * request was the single largest cost of a logged OCSP answer; a line
 * reaches the file at most PW_HTTP_LOG_FLUSH_MS late. */
#define PW_HTTP_LOG_SHARDS 4u
#define PW_HTTP_LOG_BUF ((size_t)64 << 10)
#define PW_HTTP_LOG_FLUSH_MS 50

struct log_shard {
	pthread_mutex_t mu;
	size_t len;
	char buf[PW_HTTP_LOG_BUF];
};

struct route {
	char *name;
	char *method; /* NULL = any */
	char *prefix;
	size_t prefix_len;
	pw_http_handler_fn fn;
	void *ctx;
	size_t max_body;
};

struct pw_http_server {
	struct pw_http_config cfg;
	char *listen;
	char *server_header;
	struct route routes[PW_HTTP_MAX_ROUTES];
	size_t n_routes;
	struct MHD_Daemon *d;
	int listen_fd;
	uint16_t port;
	int started, stopped;
	atomic_int stop_requested;
	atomic_long in_flight; /* requests between URI log and completion */
	struct log_shard *log; /* PW_HTTP_LOG_SHARDS buffers, NULL without a log */
	pthread_mutex_t log_write_mu; /* keeps flushed chunks whole */
	pthread_t log_thread;
	int log_thread_started;
	pthread_mutex_t log_stop_mu;
	pthread_cond_t log_stop_cv;
	int log_stop;
};

/* Per-request state (MHD's req_cls). One allocation holds the context and
 * its three strings (strs[]: uri, raw_path, path, each at most the
 * target's length + 1), so a request costs one malloc, not four. */
struct req_ctx {
	struct pw_http_server *srv;
	char *uri;            /* raw request target (in strs) */
	char *raw_path;       /* copy of uri up to '?' (in strs), NULL before split */
	char *path;           /* decoded (in strs), NULL before split */
	size_t uri_len;
	const char *query;    /* into uri, or NULL */
	const struct route *route;
	int started;          /* headers seen (first access call done) */
	int answered;         /* a response was queued */
	int too_large;
	size_t max_body;
	uint8_t *body;        /* body_inline or a heap block */
	size_t body_len, body_cap;
	uint64_t request_bytes;
	int64_t start_us;
	unsigned status;
	uint64_t resp_bytes;
	char method[PW_HTTP_MAX_METHOD + 1];
	char remote[PW_HTTP_MAX_ADDR];
	struct pw_http_request req;
	uint8_t body_inline[PW_HTTP_INLINE_BODY];
	char strs[];
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void pw_http_config_init(struct pw_http_config *c)
{
	memset(c, 0, sizeof(*c));
	c->threads = PW_HTTP_THREADS_DEFAULT;
	c->max_body = PW_HTTP_MAX_BODY_DEFAULT;
	c->conn_timeout_secs = PW_HTTP_CONN_TIMEOUT_DEFAULT;
	c->per_ip_limit = PW_HTTP_PER_IP_LIMIT_DEFAULT;
	c->max_connections = PW_HTTP_MAX_CONNECTIONS_DEFAULT;
	c->access_log_fd = -1;
}

/* ---- Helpers ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pw_http_percent_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
                           size_t *out_len)
{
	size_t o = 0;
	for (size_t i = 0; i < in_len; i++) {
		int c = (unsigned char)in[i];
		if (c == '%') {
			int h, l;
			if (i + 2 >= in_len)
				return 0;
			h = hexval((unsigned char)in[i + 1]);
			l = hexval((unsigned char)in[i + 2]);
			if (h < 0 || l < 0)
				return 0;
			c = h * 16 + l;
			i += 2;
		}
		if (o >= cap)
			return 0;
		out[o++] = (uint8_t)c;
	}
	*out_len = o;
	return 1;
}

static const char *const wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Years an HTTP-date / log timestamp is formatted for (4 digits). */
#define PW_HTTP_YEAR_MIN 1970
#define PW_HTTP_YEAR_MAX 9999

/* UTC civil time of Unix seconds t (proleptic Gregorian, days-from-civil
 * inverse): what gmtime_r gives, without its time-zone lock, which every
 * pool thread took twice per OCSP answer. Returns 0 outside 1970..9999. */
static int civil_utc(int64_t t, int *y, unsigned *mo, unsigned *d, unsigned *h, unsigned *mi,
                     unsigned *sec, unsigned *wd)
{
	int64_t days, rem, era;
	unsigned doe, yoe, doy, mp;
	if (t < 0)
		return 0;
	days = t / 86400;
	rem = t % 86400;
	*h = (unsigned)(rem / 3600);
	*mi = (unsigned)(rem / 60 % 60);
	*sec = (unsigned)(rem % 60);
	*wd = (unsigned)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	days += 719468;
	era = days / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*mo = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*mo <= 2));
	return *y >= PW_HTTP_YEAR_MIN && *y <= PW_HTTP_YEAR_MAX;
}

static char *put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* Length of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"). */
#define PW_HTTP_DATE_LEN 29

char *pw_http_date(int64_t t, char *buf, size_t buflen)
{
	int y;
	unsigned mo, d, h, mi, s, wd;
	char *p = buf;
	if (buflen == 0)
		return buf;
	if (buflen <= PW_HTTP_DATE_LEN || !civil_utc(t, &y, &mo, &d, &h, &mi, &s, &wd)) {
		buf[0] = '\0';
		return buf;
	}
	memcpy(p, wday[wd], 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	p = put_digits(p, d, 2);
	*p++ = ' ';
	memcpy(p, mon[mo - 1], 3);
	p += 3;
	*p++ = ' ';
	p = put_digits(p, (unsigned)y, 4);
	*p++ = ' ';
	p = put_digits(p, h, 2);
	*p++ = ':';
	p = put_digits(p, mi, 2);
	*p++ = ':';
	p = put_digits(p, s, 2);
	memcpy(p, " GMT", 5);
	return buf;
}

const char *pw_http_reason(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "";
	}
}

/* ---- Responses ---- */

static void resp_body_reset(struct pw_http_response *resp)
{
	if (resp->body_release)
		resp->body_release(resp->body_release_ctx);
	if (resp->body_fd >= 0)
		close(resp->body_fd);
	resp->body = NULL;
	resp->body_len = 0;
	resp->body_release = NULL;
	resp->body_release_ctx = NULL;
	resp->body_fd = -1;
	resp->body_fd_size = 0;
}

static void resp_init(struct pw_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->body_fd = -1;
}

static void resp_cleanup(struct pw_http_response *resp)
{
	resp_body_reset(resp);
	for (size_t i = 0; i < resp->n_headers; i++) {
		free(resp->header_names[i]);
		free(resp->header_values[i]);
	}
	resp->n_headers = 0;
}

void pw_http_response_set(struct pw_http_response *resp, unsigned status, const char *ctype)
{
	resp->status = status;
	resp->content_type[0] = '\0';
	if (ctype) {
		size_t n = strlen(ctype);
		if (n >= sizeof(resp->content_type)) {
			resp->failed = 1;
			return;
		}
		memcpy(resp->content_type, ctype, n + 1);
	}
}

static int header_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > PW_HTTP_MAX_HEADER_NAME)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		/* RFC 9110 §5.6.2 token characters. */
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    !strchr("!#$%&'*+-.^_`|~", c))
			return 0;
	}
	return 1;
}

static int header_value_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > PW_HTTP_MAX_HEADER_VALUE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

int pw_http_response_add_header(struct pw_http_response *resp, const char *name, const char *value)
{
	char *n = NULL, *v = NULL;
	if (!name || !value || !header_name_ok(name) || !header_value_ok(value) ||
	    resp->n_headers >= PW_HTTP_MAX_RESP_HEADERS)
		goto fail;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v)
		goto fail;
	resp->header_names[resp->n_headers] = n;
	resp->header_values[resp->n_headers] = v;
	resp->n_headers++;
	return 1;
fail:
	free(n);
	free(v);
	resp->failed = 1;
	return 0;
}

int pw_http_response_body_copy(struct pw_http_response *resp, const void *p, size_t n)
{
	void *c = malloc(n ? n : 1);
	if (!c) {
		resp_body_reset(resp);
		resp->failed = 1;
		return 0;
	}
	if (n)
		memcpy(c, p, n);
	pw_http_response_body_take(resp, c, n);
	return 1;
}

void pw_http_response_body_take(struct pw_http_response *resp, void *p, size_t n)
{
	resp_body_reset(resp);
	resp->body = p;
	resp->body_len = n;
	resp->body_release = free;
	resp->body_release_ctx = p;
}

void pw_http_response_body_ref(struct pw_http_response *resp, const void *p, size_t n,
                               void (*release)(void *ctx), void *ctx)
{
	resp_body_reset(resp);
	resp->body = p;
	resp->body_len = n;
	resp->body_release = release;
	resp->body_release_ctx = ctx;
}

void pw_http_response_body_fd(struct pw_http_response *resp, int fd, uint64_t size)
{
	resp_body_reset(resp);
	resp->body_fd = fd;
	resp->body_fd_size = size;
}

void pw_http_response_text(struct pw_http_response *resp, unsigned status, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;
	pw_http_response_set(resp, status, "text/plain; charset=utf-8");
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1))) {
		resp_body_reset(resp);
		resp->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	pw_http_response_body_take(resp, s, (size_t)n);
}

/* ---- Requests ---- */

const char *pw_http_request_header(const struct pw_http_request *r, const char *name)
{
	if (!r || !r->conn_ || !name)
		return NULL;
	return MHD_lookup_connection_value((struct MHD_Connection *)r->conn_, MHD_HEADER_KIND, name);
}

const char *pw_http_request_arg(const struct pw_http_request *r, const char *name)
{
	if (!r || !r->conn_ || !name)
		return NULL;
	return MHD_lookup_connection_value((struct MHD_Connection *)r->conn_,
	                                   MHD_GET_ARGUMENT_KIND, name);
}

/* ---- Server construction ---- */

enum pw_status pw_http_server_new(const struct pw_http_config *c, struct pw_http_server **out,
                                  struct pw_error *err)
{
	struct pw_http_server *s = NULL;
	*out = NULL;
	if (!c || !c->listen)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "listen", "no listen address given");
	if (c->threads > PW_HTTP_THREADS_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "threads",
		                    "at most %u threads (PW_HTTP_THREADS_MAX)", PW_HTTP_THREADS_MAX);
	if (c->max_body > PW_HTTP_MAX_BODY_LIMIT)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "max_body",
		                    "at most %zu bytes (PW_HTTP_MAX_BODY_LIMIT)",
		                    PW_HTTP_MAX_BODY_LIMIT);
	s = calloc(1, sizeof(*s));
	if (!s)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	s->cfg = *c;
	if (!s->cfg.threads)
		s->cfg.threads = PW_HTTP_THREADS_DEFAULT;
	if (!s->cfg.max_body)
		s->cfg.max_body = PW_HTTP_MAX_BODY_DEFAULT;
	if (!s->cfg.conn_timeout_secs)
		s->cfg.conn_timeout_secs = PW_HTTP_CONN_TIMEOUT_DEFAULT;
	if (!s->cfg.per_ip_limit)
		s->cfg.per_ip_limit = PW_HTTP_PER_IP_LIMIT_DEFAULT;
	if (!s->cfg.max_connections)
		s->cfg.max_connections = PW_HTTP_MAX_CONNECTIONS_DEFAULT;
	s->listen = strdup(c->listen);
	s->server_header = c->server_header ? strdup(c->server_header) : NULL;
	s->cfg.listen = s->listen;
	s->cfg.server_header = s->server_header;
	s->listen_fd = -1;
	pthread_mutex_init(&s->log_write_mu, NULL);
	pthread_mutex_init(&s->log_stop_mu, NULL);
	pthread_cond_init(&s->log_stop_cv, NULL);
	atomic_init(&s->stop_requested, 0);
	atomic_init(&s->in_flight, 0);
	if (!s->listen || (c->server_header && !s->server_header)) {
		pw_http_server_free(s);
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	}
	if (s->server_header && !header_value_ok(s->server_header)) {
		pw_http_server_free(s);
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "server_header",
		                    "control characters in the Server header");
	}
	*out = s;
	return PW_OK;
}

enum pw_status pw_http_server_add_route(struct pw_http_server *s, const struct pw_http_route *r,
                                        struct pw_error *err)
{
	struct route *nr;
	if (!s || !r || !r->fn || !r->prefix || r->prefix[0] != '/')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route.prefix",
		                    "a route needs a handler and a prefix starting with '/'");
	if (s->started)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route", "server already started");
	if (s->n_routes >= PW_HTTP_MAX_ROUTES)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route",
		                    "more than %u routes (PW_HTTP_MAX_ROUTES)", PW_HTTP_MAX_ROUTES);
	if (r->max_body > PW_HTTP_MAX_BODY_LIMIT)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route.max_body",
		                    "at most %zu bytes (PW_HTTP_MAX_BODY_LIMIT)",
		                    PW_HTTP_MAX_BODY_LIMIT);
	if (r->method && (strlen(r->method) == 0 || strlen(r->method) > PW_HTTP_MAX_METHOD))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route.method", "bad method");
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct route *o = &s->routes[i];
		int same_method = (!o->method && !r->method) ||
		                  (o->method && r->method && strcmp(o->method, r->method) == 0);
		if (same_method && strcmp(o->prefix, r->prefix) == 0)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "route",
			                    "duplicate route %s %s", r->method ? r->method : "*",
			                    r->prefix);
	}
	nr = &s->routes[s->n_routes];
	memset(nr, 0, sizeof(*nr));
	nr->name = strdup(r->name ? r->name : r->prefix);
	nr->method = r->method ? strdup(r->method) : NULL;
	nr->prefix = strdup(r->prefix);
	if (!nr->name || !nr->prefix || (r->method && !nr->method)) {
		free(nr->name);
		free(nr->method);
		free(nr->prefix);
		memset(nr, 0, sizeof(*nr));
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	}
	nr->prefix_len = strlen(nr->prefix);
	nr->fn = r->fn;
	nr->ctx = r->ctx;
	nr->max_body = r->max_body ? r->max_body : s->cfg.max_body;
	s->n_routes++;
	return PW_OK;
}

/* 1 when `path` falls under `prefix` (rules in server.h). */
static int prefix_match(const struct route *r, const char *path)
{
	if (strncmp(path, r->prefix, r->prefix_len) != 0)
		return 0;
	if (r->prefix[r->prefix_len - 1] == '/')
		return 1;
	return path[r->prefix_len] == '\0' || path[r->prefix_len] == '/';
}

static int method_match(const struct route *r, const char *method)
{
	return !r->method || strcmp(r->method, method) == 0;
}

/* Finds the route for (method, path). *out_prefix_len gets the longest
 * matching prefix length (0 when no prefix matched at all: 404). HEAD falls
 * back on GET (RFC 9110 §9.3.2). */
static const struct route *route_find(const struct pw_http_server *s, const char *method,
                                      const char *path, size_t *out_prefix_len)
{
	const struct route *best = NULL, *head_get = NULL;
	size_t best_len = 0;
	int any = 0;
	for (size_t i = 0; i < s->n_routes; i++)
		if (prefix_match(&s->routes[i], path) && s->routes[i].prefix_len >= best_len) {
			best_len = s->routes[i].prefix_len;
			any = 1;
		}
	*out_prefix_len = any ? best_len : 0;
	if (!any)
		return NULL;
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct route *r = &s->routes[i];
		if (r->prefix_len != best_len || !prefix_match(r, path))
			continue;
		if (method_match(r, method))
			best = r;
		else if (strcmp(method, "HEAD") == 0 && r->method && strcmp(r->method, "GET") == 0)
			head_get = r;
	}
	return best ? best : head_get;
}

/* The Allow header for the routes at the longest matching prefix. */
static void allow_header(const struct pw_http_server *s, const char *path, size_t plen, char *buf,
                         size_t buflen)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct route *r = &s->routes[i];
		if (r->prefix_len != plen || !prefix_match(r, path) || !r->method)
			continue;
		int n = snprintf(buf + o, buflen - o, "%s%s", o ? ", " : "", r->method);
		if (n < 0 || (size_t)n >= buflen - o)
			break;
		o += (size_t)n;
	}
}

/* ---- MHD callbacks ---- */

static void req_ctx_free(struct req_ctx *c)
{
	if (!c)
		return;
	if (c->body != c->body_inline)
		free(c->body);
	free(c);
}

static void addr_text(struct MHD_Connection *conn, char *buf, size_t buflen)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
		          (socklen_t)buflen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
		          (socklen_t)buflen);
}

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	size_t n = uri ? strlen(uri) : 0;
	struct req_ctx *c;
	/* Targets over the limit keep only a prefix (for the log); the 414
	 * is decided on uri_len. */
	size_t keep = n > PW_HTTP_MAX_URI ? PW_HTTP_MAX_URI : n;
	c = malloc(sizeof(*c) + 3 * (keep + 1));
	if (!c)
		return NULL; /* access_cb answers 503 without a context */
	memset(c, 0, offsetof(struct req_ctx, body_inline));
	c->srv = cls;
	atomic_fetch_add(&c->srv->in_flight, 1);
	c->start_us = now_us();
	c->uri = c->strs;
	c->uri_len = n;
	if (keep)
		memcpy(c->uri, uri, keep);
	c->uri[keep] = '\0';
	addr_text(conn, c->remote, sizeof(c->remote));
	return c;
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct req_ctx *c,
                             struct pw_http_response *resp)
{
	struct MHD_Response *mr = NULL;
	enum MHD_Result ret = MHD_NO;
	unsigned status = resp->status;

	if (resp->failed || status < 100 || status > 599) {
		resp_cleanup(resp);
		resp_init(resp);
		pw_http_response_text(resp, 500, "internal error\n");
		status = 500;
	}
	if (resp->body_fd >= 0) {
		mr = MHD_create_response_from_fd64(resp->body_fd_size, resp->body_fd);
		if (mr) {
			resp->body_fd = -1; /* MHD closes it */
			c->resp_bytes = resp->body_fd_size;
		}
	} else if (resp->body && resp->body_release) {
		mr = MHD_create_response_from_buffer_with_free_callback_cls(
			resp->body_len, (void *)(uintptr_t)resp->body, resp->body_release,
			resp->body_release_ctx);
		if (mr) {
			resp->body_release = NULL; /* MHD calls it */
			c->resp_bytes = resp->body_len;
		}
	} else {
		mr = MHD_create_response_from_buffer(resp->body ? resp->body_len : 0,
		                                     (void *)(uintptr_t)(resp->body ? resp->body : (const uint8_t *)""),
		                                     MHD_RESPMEM_PERSISTENT);
		if (mr)
			c->resp_bytes = resp->body ? resp->body_len : 0;
	}
	if (!mr)
		goto out;
	if (resp->content_type[0] &&
	    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type) != MHD_YES)
		goto out;
	for (size_t i = 0; i < resp->n_headers; i++)
		if (MHD_add_response_header(mr, resp->header_names[i], resp->header_values[i]) !=
		    MHD_YES)
			goto out;
	if (c->srv->server_header &&
	    MHD_add_response_header(mr, MHD_HTTP_HEADER_SERVER, c->srv->server_header) != MHD_YES)
		goto out;
	ret = MHD_queue_response(conn, status, mr);
	if (ret == MHD_YES) {
		c->status = status;
		c->answered = 1;
	}
out:
	if (mr)
		MHD_destroy_response(mr);
	resp_cleanup(resp);
	return ret;
}

static enum MHD_Result answer_simple(struct MHD_Connection *conn, struct req_ctx *c,
                                     unsigned status, const char *allow)
{
	struct pw_http_response resp;
	resp_init(&resp);
	pw_http_response_text(&resp, status, "%u %s\n", status, pw_http_reason(status));
	if (allow && allow[0])
		pw_http_response_add_header(&resp, "Allow", allow);
	return queue(conn, c, &resp);
}

/* Splits the raw target into raw_path/query and decodes the path. Returns
 * 0 with a status to answer (400/414), 1 on success. */
static int split_target(struct req_ctx *c, unsigned *out_status)
{
	char *q;
	size_t n, dlen;
	uint8_t *dec;
	n = c->uri_len;
	if (n > PW_HTTP_MAX_URI) {
		*out_status = 414;
		return 0;
	}
	c->raw_path = c->strs + n + 1;
	memcpy(c->raw_path, c->uri, n + 1);
	q = strchr(c->raw_path, '?');
	if (q) {
		*q = '\0';
		c->query = c->uri + (q - c->raw_path) + 1;
	}
	/* An absolute-form target (RFC 9112 §3.2.2) is for proxies, not us;
	 * origin-form starts with '/'. "*" is only for OPTIONS. */
	if (c->raw_path[0] != '/') {
		*out_status = 400;
		return 0;
	}
	n = strlen(c->raw_path);
	dec = (uint8_t *)c->strs + 2 * (c->uri_len + 1);
	if (!pw_http_percent_decode(c->raw_path, n, dec, n, &dlen) || memchr(dec, 0, dlen)) {
		*out_status = 400;
		return 0;
	}
	dec[dlen] = '\0';
	c->path = (char *)dec;
	return 1;
}

/* Parses Content-Length when present: 1 and *out set; 0 absent/garbage. */
static int content_length(struct MHD_Connection *conn, uint64_t *out)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t x = 0;
	if (!v || !*v)
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		if (x > (UINT64_MAX - 9) / 10)
			return 0;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	*out = x;
	return 1;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
	struct pw_http_server *s = cls;
	struct req_ctx *c = *req_cls;
	(void)url;
	(void)version;

	if (!c) {
		/* The URI log callback could not allocate. */
		struct pw_http_response resp;
		struct req_ctx tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.srv = s;
		resp_init(&resp);
		resp.status = 503;
		return queue(conn, &tmp, &resp);
	}
	if (c->answered) {
		/* Discard the rest of a body we already answered (413). */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!c->started) {
		unsigned st = 0;
		size_t plen = 0;
		uint64_t clen;
		c->started = 1;
		if (strlen(method) > PW_HTTP_MAX_METHOD)
			return answer_simple(conn, c, 400, NULL);
		memcpy(c->method, method, strlen(method) + 1);
		if (!c->uri)
			return answer_simple(conn, c, 500, NULL);
		if (!split_target(c, &st))
			return answer_simple(conn, c, st, NULL);
		c->route = route_find(s, c->method, c->path, &plen);
		if (!c->route) {
			char allow[256];
			if (plen == 0)
				return answer_simple(conn, c, 404, NULL);
			allow_header(s, c->path, plen, allow, sizeof(allow));
			return answer_simple(conn, c, 405, allow);
		}
		c->max_body = c->route->max_body;
		/* RFC 9110 §15.5.14: refuse before reading the body when its
		 * declared length is already too large. */
		if (content_length(conn, &clen) && clen > c->max_body)
			return answer_simple(conn, c, 413, NULL);
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		c->request_bytes += n;
		if (!c->too_large) {
			if (n > c->max_body - c->body_len) {
				c->too_large = 1;
				if (c->body != c->body_inline)
					free(c->body);
				c->body = NULL;
				c->body_len = c->body_cap = 0;
			} else {
				if (!c->body) {
					c->body = c->body_inline;
					c->body_cap = sizeof(c->body_inline);
				}
				if (c->body_len + n > c->body_cap) {
					size_t nc = c->body_cap * 2;
					uint8_t *nb;
					while (nc < c->body_len + n)
						nc *= 2;
					if (nc > c->max_body)
						nc = c->max_body;
					if (c->body == c->body_inline) {
						nb = malloc(nc);
						if (nb)
							memcpy(nb, c->body, c->body_len);
					} else {
						nb = realloc(c->body, nc);
					}
					if (!nb)
						return answer_simple(conn, c, 503, NULL);
					c->body = nb;
					c->body_cap = nc;
				}
				memcpy(c->body + c->body_len, upload_data, n);
				c->body_len += n;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->too_large)
		return answer_simple(conn, c, 413, NULL);

	/* The whole request is in: run the handler. */
	{
		struct pw_http_response resp;
		size_t pl = c->route->prefix_len;
		/* A prefix ending in '/' keeps nothing of itself in subpath; one
		 * without (e.g. "/ocsp") leaves the separating '/' out too. */
		const char *sub = c->path + pl;
		const char *rsub;
		if (*sub == '/' && c->route->prefix[pl - 1] != '/')
			sub++;
		c->req.method = c->method;
		c->req.raw_path = c->raw_path;
		c->req.path = c->path;
		c->req.subpath = sub;
		/* Map the prefix onto raw_path: the prefix is plain ASCII in
		 * both unless the client percent-encoded characters of the
		 * prefix itself, in which case we walk the raw form. */
		{
			size_t ri = 0, di = 0, target = (size_t)(sub - c->path);
			while (di < target && c->raw_path[ri]) {
				if (c->raw_path[ri] == '%' && c->raw_path[ri + 1] && c->raw_path[ri + 2])
					ri += 3;
				else
					ri++;
				di++;
			}
			rsub = c->raw_path + ri;
		}
		c->req.raw_subpath = rsub;
		c->req.query = c->query;
		c->req.body = c->body_len ? c->body : NULL;
		c->req.body_len = c->body_len;
		c->req.remote_addr = c->remote;
		c->req.route_name = c->route->name;
		c->req.conn_ = conn;
		resp_init(&resp);
		c->route->fn(c->route->ctx, &c->req, &resp);
		if (resp.status == 0)
			resp.failed = 1;
		return queue(conn, c, &resp);
	}
}

/* JSON string escaping for the access log (bytes outside printable ASCII
 * become \u00XX: the log stays one valid line whatever a client sends). */
static size_t json_str(char *out, size_t cap, const char *s, size_t max, int *truncated)
{
	size_t o = 0, i;
	*truncated = 0;
	for (i = 0; s && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (i >= max) {
			*truncated = 1;
			break;
		}
		if (o + 7 >= cap) {
			*truncated = 1;
			break;
		}
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return o;
}

/* Writes whole buffered lines to the log fd. Caller holds the shard's
 * lock; log_write_mu keeps two shards' chunks from interleaving inside a
 * line when the fd is a pipe and a chunk exceeds PIPE_BUF. A failing log
 * must not stop the service: errors drop the chunk. */
static void log_flush_locked(struct pw_http_server *s, struct log_shard *sh)
{
	size_t off = 0;
	if (sh->len == 0)
		return;
	pthread_mutex_lock(&s->log_write_mu);
	while (off < sh->len) {
		ssize_t w = write(s->cfg.access_log_fd, sh->buf + off, sh->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	pthread_mutex_unlock(&s->log_write_mu);
	sh->len = 0;
}

static void log_flush_all(struct pw_http_server *s)
{
	if (!s->log)
		return;
	for (size_t i = 0; i < PW_HTTP_LOG_SHARDS; i++) {
		pthread_mutex_lock(&s->log[i].mu);
		log_flush_locked(s, &s->log[i]);
		pthread_mutex_unlock(&s->log[i].mu);
	}
}

/* The flusher thread: pushes buffered lines out every PW_HTTP_LOG_FLUSH_MS
 * until stop. */
static void *log_flusher(void *arg)
{
	struct pw_http_server *s = arg;
	pthread_mutex_lock(&s->log_stop_mu);
	while (!s->log_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += PW_HTTP_LOG_FLUSH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->log_stop_cv, &s->log_stop_mu, &ts);
		pthread_mutex_unlock(&s->log_stop_mu);
		log_flush_all(s);
		pthread_mutex_lock(&s->log_stop_mu);
	}
	pthread_mutex_unlock(&s->log_stop_mu);
	return NULL;
}

static void log_append(struct pw_http_server *s, const char *line, size_t n)
{
	/* Shard by thread: pool threads are long-lived, so each mostly keeps
	 * to its own buffer and lock. */
	uintptr_t tid = (uintptr_t)pthread_self();
	struct log_shard *sh = &s->log[(tid >> 12) % PW_HTTP_LOG_SHARDS];
	pthread_mutex_lock(&sh->mu);
	if (sh->len + n > sizeof(sh->buf))
		log_flush_locked(s, sh);
	memcpy(sh->buf + sh->len, line, n);
	sh->len += n;
	pthread_mutex_unlock(&sh->mu);
}

static void write_log(struct pw_http_server *s, const struct pw_http_log_entry *e)
{
	char line[PW_HTTP_LOG_LINE_MAX];
	char path[PW_HTTP_LOG_MAX_PATH * 6 + 1];
	char route[PW_HTTP_MAX_HEADER_NAME * 6 + 1];
	char method[PW_HTTP_MAX_METHOD * 6 + 1];
	char ts[64];
	int trunc = 0, t2 = 0, t3 = 0;
	int y;
	unsigned mo, d, h, mi, sec, wd;
	int n;
	if (civil_utc(e->at_us / 1000000, &y, &mo, &d, &h, &mi, &sec, &wd)) {
		char *p = ts;
		p = put_digits(p, (unsigned)y, 4);
		*p++ = '-';
		p = put_digits(p, mo, 2);
		*p++ = '-';
		p = put_digits(p, d, 2);
		*p++ = 'T';
		p = put_digits(p, h, 2);
		*p++ = ':';
		p = put_digits(p, mi, 2);
		*p++ = ':';
		p = put_digits(p, sec, 2);
		*p++ = '.';
		p = put_digits(p, (unsigned)(e->at_us % 1000000), 6);
		*p++ = 'Z';
		*p = '\0';
	} else {
		memcpy(ts, "1970-01-01T00:00:00.000000Z", 28);
	}
	json_str(path, sizeof(path), e->raw_path, PW_HTTP_LOG_MAX_PATH, &trunc);
	json_str(route, sizeof(route), e->route_name, PW_HTTP_MAX_HEADER_NAME, &t2);
	json_str(method, sizeof(method), e->method, PW_HTTP_MAX_METHOD, &t3);
	n = snprintf(line, sizeof(line),
	             "{\"ts\":\"%s\",\"remote\":\"%s\",\"method\":\"%s\",\"path\":\"%s\"%s,"
	             "\"route\":\"%s\",\"status\":%u,\"bytes\":%llu,\"req_bytes\":%llu,"
	             "\"dur_us\":%llu,\"completed\":%s}\n",
	             ts, e->remote_addr, method, path, trunc ? ",\"path_truncated\":true" : "",
	             route, e->status, (unsigned long long)e->body_bytes,
	             (unsigned long long)e->request_bytes, (unsigned long long)e->duration_us,
	             e->completed ? "true" : "false");
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		/* Keep the line a line. */
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	log_append(s, line, (size_t)n);
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct pw_http_server *s = cls;
	struct req_ctx *c = *req_cls;
	(void)conn;
	if (!c)
		return;
	if (s->cfg.access_log_fd >= 0 || s->cfg.observer) {
		struct pw_http_log_entry e;
		int64_t end = now_us();
		memset(&e, 0, sizeof(e));
		e.at_us = c->start_us;
		e.duration_us = end > c->start_us ? (uint64_t)(end - c->start_us) : 0;
		e.remote_addr = c->remote;
		e.method = c->method;
		e.raw_path = c->raw_path ? c->raw_path : (c->uri ? c->uri : "");
		e.route_name = c->route ? c->route->name : "";
		e.status = c->status;
		e.body_bytes = c->resp_bytes;
		e.request_bytes = c->request_bytes;
		e.completed = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
		if (s->log)
			write_log(s, &e);
		if (s->cfg.observer)
			s->cfg.observer(s->cfg.observer_ctx, &e);
	}
	req_ctx_free(c);
	*req_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

/* ---- Start, wait, stop ---- */

/* Splits "host:port" / "[v6]:port" and binds a listening socket. */
static enum pw_status bind_listen(struct pw_http_server *s, struct pw_error *err)
{
	char host[256];
	const char *l = s->listen, *colon, *port;
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, rc, one = 1, saved = 0;
	enum pw_status st = PW_ERR_IO;

	if (l[0] == '[') {
		const char *rb = strchr(l, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - l - 1) >= sizeof(host))
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "listen",
			                    "'%s' is not [ADDRESS]:PORT", l);
		memcpy(host, l + 1, (size_t)(rb - l - 1));
		host[rb - l - 1] = '\0';
		port = rb + 2;
	} else {
		colon = strrchr(l, ':');
		if (!colon || (size_t)(colon - l) >= sizeof(host))
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "listen",
			                    "'%s' is not ADDRESS:PORT", l);
		memcpy(host, l, (size_t)(colon - l));
		host[colon - l] = '\0';
		port = colon + 1;
	}
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "listen", "bad port in '%s'", l);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (rc != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "listen", "%s: %s", l, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, PW_HTTP_LISTEN_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		pw_error_set(err, PW_ERR_IO, 0, 0, "listen", "cannot listen on %s: %s", l,
		             strerror(saved));
		goto out;
	}
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
			if (ss.ss_family == AF_INET)
				s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
			else if (ss.ss_family == AF_INET6)
				s->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		}
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->listen_fd = fd;
	st = PW_OK;
out:
	if (res)
		freeaddrinfo(res);
	return st;
}

static void block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

enum pw_status pw_http_server_start(struct pw_http_server *s, struct pw_error *err)
{
	enum pw_status st;
	unsigned flags;
	if (!s || s->started)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "server already started");
	block_signals();
	if (s->cfg.access_log_fd >= 0 && !s->log) {
		s->log = calloc(PW_HTTP_LOG_SHARDS, sizeof(*s->log));
		if (!s->log)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		for (size_t i = 0; i < PW_HTTP_LOG_SHARDS; i++)
			pthread_mutex_init(&s->log[i].mu, NULL);
		/* Started after block_signals(): it inherits the mask. */
		if (pthread_create(&s->log_thread, NULL, log_flusher, s) != 0)
			return pw_error_set(err, PW_ERR_IO, 0, 0, NULL,
			                    "cannot start the access-log flusher");
		s->log_thread_started = 1;
	}
	st = bind_listen(s, err);
	if (st != PW_OK)
		return st;
	/* MHD_USE_TURBO: read/write/accept opportunistically before asking
	 * the event loop (fewer syscalls per request; what makes the 30,000
	 * OCSP responses/s of issue 5 reachable on two cores). */
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, access_cb, s,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->cfg.threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->cfg.conn_timeout_secs,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)s->cfg.per_ip_limit,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->cfg.max_connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)PW_HTTP_CONN_MEMORY,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)PW_HTTP_LISTEN_BACKLOG,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log_cb, s,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
		MHD_OPTION_END);
	if (!s->d) {
		close(s->listen_fd);
		s->listen_fd = -1;
		return pw_error_set(err, PW_ERR_IO, 0, 0, "listen",
		                    "libmicrohttpd could not start on %s", s->listen);
	}
	s->started = 1;
	return PW_OK;
}

uint16_t pw_http_server_port(const struct pw_http_server *s)
{
	return s ? s->port : 0;
}

int pw_http_server_wait(struct pw_http_server *s)
{
	sigset_t set;
	struct timespec ts = { 0, PW_HTTP_WAIT_POLL_MS * 1000000L };
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		int sig;
		if (atomic_load(&s->stop_requested))
			return 0;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			return sig;
	}
}

void pw_http_server_request_stop(struct pw_http_server *s)
{
	if (s)
		atomic_store(&s->stop_requested, 1);
}

/* Stops the access-log flusher thread, if it runs, and waits for it. */
static void stop_log_thread(struct pw_http_server *s)
{
	if (!s->log_thread_started)
		return;
	pthread_mutex_lock(&s->log_stop_mu);
	s->log_stop = 1;
	pthread_cond_signal(&s->log_stop_cv);
	pthread_mutex_unlock(&s->log_stop_mu);
	pthread_join(s->log_thread, NULL);
	s->log_thread_started = 0;
}

void pw_http_server_stop(struct pw_http_server *s)
{
	if (!s || !s->started || s->stopped)
		return;
	s->stopped = 1;
	/* Stop accepting first; requests in flight finish (a response being
	 * written is not cut off) within the grace period. Idle keep-alive
	 * connections hold no request and are simply closed. */
	MHD_socket lfd = MHD_quiesce_daemon(s->d);
	int64_t deadline = now_us() + (int64_t)PW_HTTP_SHUTDOWN_GRACE_SECS * 1000000;
	for (;;) {
		if (atomic_load(&s->in_flight) <= 0 || now_us() >= deadline)
			break;
		struct timespec ts = { 0, PW_HTTP_DRAIN_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->d);
	s->d = NULL;
	stop_log_thread(s);
	log_flush_all(s); /* after the pool: nothing appends any more */
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	else if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
}

void pw_http_server_free(struct pw_http_server *s)
{
	if (!s)
		return;
	pw_http_server_stop(s);
	for (size_t i = 0; i < s->n_routes; i++) {
		free(s->routes[i].name);
		free(s->routes[i].method);
		free(s->routes[i].prefix);
	}
	stop_log_thread(s); /* started but never stopped if start failed after the flusher */
	if (s->log) {
		log_flush_all(s);
		for (size_t i = 0; i < PW_HTTP_LOG_SHARDS; i++)
			pthread_mutex_destroy(&s->log[i].mu);
		free(s->log);
	}
	pthread_mutex_destroy(&s->log_write_mu);
	pthread_mutex_destroy(&s->log_stop_mu);
	pthread_cond_destroy(&s->log_stop_cv);
	free(s->listen);
	free(s->server_header);
	free(s);
}
