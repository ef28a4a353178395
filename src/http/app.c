/* http/app.c: `pkiward serve` as a whole (serve.h): configuration, the
 * store pool, the route table, and the helpers every handler uses (JSON
 * answers, security headers, static files). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "serve_internal.h"

/* ---- Configuration ---- */

void pw_serve_config_init(struct pw_serve_config *c)
{
	memset(c, 0, sizeof *c);
}

void pw_serve_config_cleanup(struct pw_serve_config *c)
{
	if (c == NULL)
		return;
	free(c->store);
	free(c->listen);
	free(c->base_url);
	free(c->web_dir);
	free(c->access_log);
	free(c->crl_dir);
	pw_serve_config_init(c);
}

static int parse_u64(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	if (v == NULL || !isdigit((unsigned char)v[0]))
		return 0;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return 0;
	*out = x;
	return 1;
}

static enum pw_status set_str(char **dst, const char *key, const char *v, size_t max,
                              struct pw_error *err)
{
	size_t n = strlen(v);
	if (n == 0 || n > max)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, key, "%s: empty or longer than %zu bytes", key, max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, key, "%s: control character", key);
	char *d = strdup(v);
	if (d == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	free(*dst);
	*dst = d;
	return PW_OK;
}

enum pw_status pw_serve_config_set(struct pw_serve_config *c, const char *key, const char *value,
                                   struct pw_error *err)
{
	uint64_t u = 0;
	if (c == NULL || key == NULL || value == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
#define STR(name)                                                                  \
	if (strcmp(key, #name) == 0)                                                   \
		return set_str(&c->name, key, value, PW_SERVE_URL_MAX, err);
	STR(store) STR(listen) STR(web_dir) STR(access_log) STR(crl_dir)
#undef STR
	if (strcmp(key, "base_url") == 0) {
		size_t n = strlen(value);
		/* RFC 8555 §6.4 compares "url" with the request URL: it must be an
		 * absolute http(s) URL without a trailing slash. */
		if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) || n < 9 ||
		    value[n - 1] == '/' || strpbrk(value, " \"<>\\^`{|}?#") != NULL)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, key,
			                    "base_url: an absolute http:// or https:// URL without a trailing '/', "
			                    "query or fragment");
		return set_str(&c->base_url, key, value, PW_SERVE_URL_MAX, err);
	}
#define NUM(name, field, max, type)                                                  \
	if (strcmp(key, name) == 0) {                                                    \
		if (!parse_u64(value, (max), &u))                                            \
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, key,                        \
			                    "%s: a whole number up to %llu expected, not \"%.40s\"", key, \
			                    (unsigned long long)(max), value);                   \
		c->field = (type)u;                                                          \
		return PW_OK;                                                                \
	}
	NUM("threads", threads, PW_HTTP_THREADS_MAX, unsigned)
	NUM("max_body", max_body, PW_HTTP_MAX_BODY_LIMIT, size_t)
	NUM("upload_max", upload_max, PW_HTTP_MAX_BODY_LIMIT, size_t)
	NUM("timeout", conn_timeout_secs, 3600, unsigned)
	NUM("per_ip_limit", per_ip_limit, 1000000, unsigned)
	NUM("max_connections", max_connections, 1000000, unsigned)
	NUM("nonce_ttl", nonce_ttl, 86400, int64_t)
	NUM("challenge_ttl", challenge_ttl, PW_SERVE_CHALLENGE_TTL_MAX, int64_t)
#undef NUM
	return pw_error_set(err, PW_ERR_USAGE, 0, 0, key, "unknown setting \"%.40s\" (docs/serve.md)", key);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

enum pw_status pw_serve_config_load(struct pw_serve_config *c, const char *path,
                                    struct pw_error *err)
{
	enum pw_status st = PW_OK;
	char line[PW_SERVE_CONFIG_MAX_LINE + 2];
	size_t lineno = 0, total = 0;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return pw_error_set(err, PW_ERR_IO, 0, 0, path, "cannot open: %s", strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		size_t n = strlen(line);
		total += n;
		if (total > PW_SERVE_CONFIG_MAX_FILE) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, path, "line %zu: file longer than %zu bytes", lineno,
			                  PW_SERVE_CONFIG_MAX_FILE);
			goto out;
		}
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, path, "line %zu: longer than %u bytes", lineno,
			                  PW_SERVE_CONFIG_MAX_LINE);
			goto out;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (memchr(line, '\0', n) != NULL && strlen(line) != n) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, path, "line %zu: NUL byte", lineno);
			goto out;
		}
		char *t = trim(line);
		if (*t == '\0' || *t == '#')
			continue;
		char *eq = strchr(t, '=');
		if (eq == NULL) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, path, "line %zu: expected \"key = value\"", lineno);
			goto out;
		}
		*eq = '\0';
		char *k = trim(t), *v = trim(eq + 1);
		struct pw_error e2;
		pw_error_clear(&e2);
		if ((st = pw_serve_config_set(c, k, v, &e2)) != PW_OK) {
			st = pw_error_set(err, st, 0, 0, path, "line %zu: %s", lineno, e2.msg);
			goto out;
		}
	}
	if (ferror(f))
		st = pw_error_set(err, PW_ERR_IO, 0, 0, path, "read error");
out:
	fclose(f);
	return st;
}

/* ---- Helpers ---- */

void pw_serve_sha256(const void *p, size_t n, uint8_t out[32])
{
	SHA256(p, n, out);
}

char *pw_serve_iso(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "%lld", (long long)t);
	return buf;
}

int pw_serve_random_token(char out[PW_SERVE_TOKEN_TEXT_MAX])
{
	uint8_t rnd[PW_SERVE_TOKEN_BYTES];
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return 0;
	memcpy(out, PW_SERVE_TOKEN_PREFIX, sizeof PW_SERVE_TOKEN_PREFIX - 1);
	pw_keys_b64url_encode_into(rnd, sizeof rnd, out + sizeof PW_SERVE_TOKEN_PREFIX - 1);
	return 1;
}

void pw_serve_security_headers(struct pw_http_response *resp)
{
	/* The portal and dashboard load nothing from elsewhere (no CDN): a strict
	 * CSP makes injected markup inert; no framing (clickjacking), no MIME
	 * sniffing, no referrer leaking a status-link token. */
	pw_http_response_add_header(resp, "Content-Security-Policy",
	                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
	                            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	pw_http_response_add_header(resp, "X-Content-Type-Options", "nosniff");
	pw_http_response_add_header(resp, "X-Frame-Options", "DENY");
	pw_http_response_add_header(resp, "Referrer-Policy", "no-referrer");
}

void pw_serve_json(struct pw_http_response *resp, unsigned status, json_t *o)
{
	char *t = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	if (t == NULL) {
		pw_http_response_text(resp, 500, "out of memory\n");
		return;
	}
	pw_http_response_set(resp, status, "application/json");
	pw_serve_security_headers(resp);
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	pw_http_response_body_take(resp, t, strlen(t));
}

void pw_serve_json_error(struct pw_http_response *resp, unsigned status, const char *field,
                         const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *o = json_object();
	json_object_set_new(o, "error", json_string(msg));
	if (field != NULL)
		json_object_set_new(o, "field", json_string(field));
	json_object_set_new(o, "status", json_integer(status));
	pw_serve_json(resp, status, o);
}

json_t *pw_serve_json_body(const struct pw_http_request *req, struct pw_http_response *resp)
{
	const char *ct = pw_http_request_header(req, "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		pw_serve_json_error(resp, 415, "Content-Type", "send application/json");
		return NULL;
	}
	if (req->body == NULL || req->body_len == 0) {
		pw_serve_json_error(resp, 400, "body", "empty request body: a JSON object was expected");
		return NULL;
	}
	json_error_t jerr;
	json_t *o = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		pw_serve_json_error(resp, 400, "body", "not JSON: byte %d: %s", jerr.position, jerr.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		pw_serve_json_error(resp, 400, "body", "a JSON object was expected");
		return NULL;
	}
	return o;
}

int pw_serve_base_url(const struct pw_serve *sv, const struct pw_http_request *req, char *out,
                      size_t cap)
{
	if (sv->cfg.base_url != NULL)
		return snprintf(out, cap, "%s", sv->cfg.base_url) < (int)cap;
	const char *host = pw_http_request_header(req, "Host");
	if (host == NULL || host[0] == '\0' || strlen(host) > 255)
		return 0;
	/* RFC 9110 §7.2: host [":" port]; anything else could smuggle a
	 * different URL into the directory. */
	for (const char *p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr(".-:[]_", *p) == NULL)
			return 0;
	return snprintf(out, cap, "http://%s", host) < (int)cap;
}

/* ---- Static files ---- */

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".ico") == 0)
		return "image/x-icon";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* A relative asset path is plain segments of [A-Za-z0-9._-], none starting
 * with '.', so "..", dot files, absolute paths, backslashes and encoded
 * tricks (already decoded by the server) are refused before touching the
 * file system. */
static int rel_path_ok(const char *rel)
{
	if (rel[0] == '\0' || rel[0] == '/' || strlen(rel) > 256)
		return 0;
	int seg_start = 1;
	for (const char *p = rel; *p; p++) {
		if (*p == '/') {
			if (seg_start)
				return 0; /* empty segment "//" */
			seg_start = 1;
			continue;
		}
		if (seg_start && *p == '.')
			return 0;
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			return 0;
		seg_start = 0;
	}
	return !seg_start;
}

void pw_serve_static_dir(const char *dir_real, const char *rel, const char *ctype,
                         struct pw_http_response *resp);

void pw_serve_static_dir(const char *dir_real, const char *rel, const char *ctype,
                         struct pw_http_response *resp)
{
	char path[PATH_MAX], real[PATH_MAX];
	if (!rel_path_ok(rel) || snprintf(path, sizeof path, "%s/%s", dir_real, rel) >= (int)sizeof path) {
		pw_http_response_text(resp, 404, "not found\n");
		return;
	}
	/* Symlinks inside the directory must not lead out of it. */
	size_t dl = strlen(dir_real);
	if (realpath(path, real) == NULL || strncmp(real, dir_real, dl) != 0 || real[dl] != '/') {
		pw_http_response_text(resp, 404, "not found\n");
		return;
	}
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		pw_http_response_text(resp, 404, "not found\n");
		return;
	}
	pw_http_response_set(resp, 200, ctype ? ctype : mime_of(real));
	pw_serve_security_headers(resp);
	pw_http_response_add_header(resp, "Cache-Control", "no-cache");
	pw_http_response_body_fd(resp, fd, (uint64_t)sb.st_size);
}

void pw_serve_static(struct pw_serve *sv, const char *rel, struct pw_http_response *resp)
{
	pw_serve_static_dir(sv->web_dir_real, rel, NULL, resp);
}

/* ---- Store pool ---- */

struct pw_store *pw_serve_store_get(struct pw_serve *sv)
{
	struct pw_store *s = NULL;
	pthread_mutex_lock(&sv->pool_mu);
	for (;;) {
		for (size_t i = 0; i < sv->pool_n; i++)
			if (!sv->pool_busy[i]) {
				sv->pool_busy[i] = 1;
				s = sv->pool[i];
				break;
			}
		if (s != NULL)
			break;
		pthread_cond_wait(&sv->pool_cv, &sv->pool_mu);
	}
	pthread_mutex_unlock(&sv->pool_mu);
	return s;
}

void pw_serve_store_put(struct pw_serve *sv, struct pw_store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&sv->pool_mu);
	for (size_t i = 0; i < sv->pool_n; i++)
		if (sv->pool[i] == s) {
			/* A handler that failed mid-transaction must not hand it on. */
			if (pw_store_in_transaction(s))
				pw_store_rollback(s);
			sv->pool_busy[i] = 0;
		}
	pthread_cond_signal(&sv->pool_cv);
	pthread_mutex_unlock(&sv->pool_mu);
}

/* ---- Life cycle ---- */

static enum pw_status dup_cfg(struct pw_serve_config *dst, const struct pw_serve_config *src,
                              struct pw_error *err)
{
	*dst = *src;
	dst->store = dst->listen = dst->base_url = dst->web_dir = dst->access_log = dst->crl_dir = NULL;
#define D(f)                                                                        \
	if (src->f != NULL && (dst->f = strdup(src->f)) == NULL)                        \
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	D(store) D(listen) D(base_url) D(web_dir) D(access_log) D(crl_dir)
#undef D
	return PW_OK;
}

enum pw_status pw_serve_new(const struct pw_serve_config *cfg, struct pw_serve **out,
                            struct pw_error *err)
{
	enum pw_status st;
	struct pw_serve *sv = NULL;
	uint8_t fresh[32];
	if (cfg == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if (cfg->store == NULL || cfg->listen == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, cfg->store ? "listen" : "store",
		                    "serve needs --store and --listen (or the config file's store/listen)");
	sv = calloc(1, sizeof *sv);
	if (sv == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	pthread_mutex_init(&sv->pool_mu, NULL);
	pthread_cond_init(&sv->pool_cv, NULL);
	pthread_mutex_init(&sv->metrics_mu, NULL);
	sv->started_at = (int64_t)time(NULL);
	if ((st = dup_cfg(&sv->cfg, cfg, err)) != PW_OK)
		goto out;
	const char *web = sv->cfg.web_dir ? sv->cfg.web_dir : PW_SERVE_WEB_DIR_DEFAULT;
	if (realpath(web, sv->web_dir_real) == NULL) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "web_dir", "%s: %s (set web_dir to pkiward's web/ directory)",
		                  web, strerror(errno));
		goto out;
	}
	unsigned threads = sv->cfg.threads ? sv->cfg.threads : PW_HTTP_THREADS_DEFAULT;
	sv->pool_n = threads + 1;
	for (size_t i = 0; i < sv->pool_n; i++)
		if ((st = pw_store_open(sv->cfg.store, 0, &sv->pool[i], err)) != PW_OK)
			goto out;
	if (RAND_bytes(fresh, sizeof fresh) != 1) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "no randomness");
		goto out;
	}
	if ((st = pw_store_serve_secret_get(sv->pool[0], "acme-nonce", fresh, sv->nonce_key, err)) != PW_OK)
		goto out;
	*out = sv;
	sv = NULL;
out:
	pw_serve_free(sv);
	return st;
}

void pw_serve_free(struct pw_serve *sv)
{
	if (sv == NULL)
		return;
	pw_http_server_free(sv->http);
	pw_ocsp_responder_free(sv->ocsp);
	pw_http_crl_free(sv->crl);
	for (size_t i = 0; i < sv->pool_n; i++)
		pw_store_close(sv->pool[i]);
	pthread_mutex_destroy(&sv->pool_mu);
	pthread_cond_destroy(&sv->pool_cv);
	pthread_mutex_destroy(&sv->metrics_mu);
	pw_serve_config_cleanup(&sv->cfg);
	free(sv);
}

void pw_serve_request_stop(struct pw_serve *sv)
{
	if (sv != NULL && sv->http != NULL)
		pw_http_server_request_stop(sv->http);
}

/* Mounts the OCSP and CRL handlers of http/ocsp.c and http/crl.c
 * (mount_publication.c); 0 routes when they are not built. */
enum pw_status pw_serve_mount_publication(struct pw_serve *sv, struct pw_http_server *srv,
                                          struct pw_error *err);

enum pw_status pw_serve_run(struct pw_serve *sv, void (*on_started)(void *ctx, uint16_t port),
                            void *ctx, struct pw_error *err)
{
	enum pw_status st;
	struct pw_http_config hc;
	int log_fd = -1, own_log = 0;
	pw_http_config_init(&hc);
	hc.listen = sv->cfg.listen;
	hc.threads = sv->cfg.threads;
	hc.max_body = sv->cfg.max_body;
	hc.conn_timeout_secs = sv->cfg.conn_timeout_secs;
	hc.per_ip_limit = sv->cfg.per_ip_limit;
	hc.max_connections = sv->cfg.max_connections;
	hc.observer = pw_serve_metrics_observe;
	hc.observer_ctx = sv;
	hc.server_header = "pkiward";
	if (sv->cfg.access_log != NULL) {
		if (strcmp(sv->cfg.access_log, "-") == 0) {
			log_fd = STDERR_FILENO;
		} else {
			log_fd = open(sv->cfg.access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
			if (log_fd < 0)
				return pw_error_set(err, PW_ERR_IO, 0, 0, "access_log", "%s: %s", sv->cfg.access_log,
				                    strerror(errno));
			own_log = 1;
		}
	}
	hc.access_log_fd = log_fd;
	if ((st = pw_http_server_new(&hc, &sv->http, err)) != PW_OK)
		goto out;
	size_t upload = sv->cfg.upload_max ? sv->cfg.upload_max : PW_SERVE_UPLOAD_MAX_DEFAULT;
	/* Uploads are base64 inside JSON: 4/3 of the file plus the form. */
	size_t api_body = upload / 3 * 4 + ((size_t)16 << 10);
	if (api_body > PW_HTTP_MAX_BODY_LIMIT)
		api_body = PW_HTTP_MAX_BODY_LIMIT;
	const struct pw_http_route routes[] = {
		{"acme-directory", "GET", "/acme/directory", pw_serve_acme_directory, sv, 0},
		{"acme-new-nonce", "GET", "/acme/new-nonce", pw_serve_acme_nonce, sv, 0},
		{"acme-new-nonce", "HEAD", "/acme/new-nonce", pw_serve_acme_nonce, sv, 0},
		{"acme-revoke-cert", "POST", "/acme/revoke-cert", pw_serve_acme_revoke, sv, 0},
		{"portal", "GET", "/", pw_serve_portal, sv, 0},
		{"portal", "HEAD", "/", pw_serve_portal, sv, 0},
		{"api", NULL, "/api/", pw_serve_api, sv, api_body},
		{"admin", "GET", "/admin", pw_serve_admin, sv, 0},
		{"admin-api", NULL, "/admin/api/", pw_serve_admin_api, sv, 0},
		{"metrics", "GET", "/metrics", pw_serve_metrics, sv, 0},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if ((st = pw_http_server_add_route(sv->http, &routes[i], err)) != PW_OK)
			goto out;
	if ((st = pw_serve_mount_publication(sv, sv->http, err)) != PW_OK)
		goto out;
	if ((st = pw_http_server_start(sv->http, err)) != PW_OK)
		goto out;
	if (on_started != NULL)
		on_started(ctx, pw_http_server_port(sv->http));
	pw_http_server_wait(sv->http);
	pw_http_server_stop(sv->http);
out:
	if (own_log)
		close(log_fd);
	return st;
}
