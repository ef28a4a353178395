/* http/server.c: routing, request/response mapping and limits, exercised
 * over real TCP connections to a server on 127.0.0.1 with raw HTTP/1.1. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "server.h"

struct seen {
	char subpath[256], raw_subpath[256], query[256], route[32], ua[64];
	size_t body_len;
	int observed;
};
static struct seen g_seen;

static void h_echo(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	const char *ua = pw_http_request_header(req, "User-Agent");
	(void)ctx;
	snprintf(g_seen.subpath, sizeof(g_seen.subpath), "%s", req->subpath);
	snprintf(g_seen.raw_subpath, sizeof(g_seen.raw_subpath), "%s", req->raw_subpath);
	snprintf(g_seen.query, sizeof(g_seen.query), "%s", req->query ? req->query : "(none)");
	snprintf(g_seen.route, sizeof(g_seen.route), "%s", req->route_name);
	snprintf(g_seen.ua, sizeof(g_seen.ua), "%s", ua ? ua : "");
	g_seen.body_len = req->body_len;
	pw_http_response_text(resp, 200, "%s %s %zu", req->method, req->subpath, req->body_len);
	assert_true(pw_http_response_add_header(resp, "X-Test", "yes"));
}

static void h_bad_header(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	(void)ctx;
	(void)req;
	pw_http_response_text(resp, 200, "never sent");
	pw_http_response_add_header(resp, "X-Evil", "a\r\nSet-Cookie: x=1");
}

static void h_nothing(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	(void)ctx;
	(void)req;
	(void)resp; /* status left 0: a handler bug -> 500 */
}

static void observer(void *ctx, const struct pw_http_log_entry *e)
{
	(void)ctx;
	(void)e;
	__atomic_add_fetch(&g_seen.observed, 1, __ATOMIC_SEQ_CST);
}

struct fx {
	struct pw_http_server *srv;
	uint16_t port;
	char log_path[64];
	int log_fd;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct pw_http_config c;
	struct pw_error err;
	strcpy(f->log_path, "/tmp/pw_http_test_XXXXXX");
	f->log_fd = mkstemp(f->log_path);
	assert_true(f->log_fd >= 0);
	pw_http_config_init(&c);
	c.listen = "127.0.0.1:0";
	c.access_log_fd = f->log_fd;
	c.observer = observer;
	c.server_header = "pkiward-test";
	assert_int_equal(pw_http_server_new(&c, &f->srv, &err), PW_OK);
	struct pw_http_route routes[] = {
		{ .name = "a-get", .method = "GET", .prefix = "/a", .fn = h_echo },
		{ .name = "a-post", .method = "POST", .prefix = "/a", .fn = h_echo, .max_body = 100 },
		{ .name = "static", .method = "GET", .prefix = "/static/", .fn = h_echo },
		{ .name = "bad", .method = "GET", .prefix = "/bad", .fn = h_bad_header },
		{ .name = "nothing", .method = NULL, .prefix = "/nothing", .fn = h_nothing },
	};
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		assert_int_equal(pw_http_server_add_route(f->srv, &routes[i], &err), PW_OK);
	/* Duplicates and bad prefixes are refused. */
	assert_int_equal(pw_http_server_add_route(f->srv, &routes[0], &err), PW_ERR_USAGE);
	struct pw_http_route bad = { .method = "GET", .prefix = "nope", .fn = h_echo };
	assert_int_equal(pw_http_server_add_route(f->srv, &bad, &err), PW_ERR_USAGE);
	assert_int_equal(pw_http_server_start(f->srv, &err), PW_OK);
	f->port = pw_http_server_port(f->srv);
	assert_true(f->port > 0);
	/* No routes after start. */
	assert_int_equal(pw_http_server_add_route(f->srv, &bad, &err), PW_ERR_USAGE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_http_server_free(f->srv);
	close(f->log_fd);
	unlink(f->log_path);
	free(f);
	return 0;
}

/* Sends raw bytes, reads until the server closes (Connection: close) or
 * the timeout; returns the malloc'd response text. */
static char *roundtrip(uint16_t port, const char *req, size_t req_len)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	struct timeval tv = { 5, 0 };
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (size_t off = 0; off < req_len;) {
		ssize_t w = send(fd, req + off, req_len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server may close early (413) */
		off += (size_t)w;
	}
	for (;;) {
		ssize_t r = recv(fd, buf + n, cap - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == cap)
			break;
	}
	buf[n] = '\0';
	close(fd);
	return buf;
}

static char *get(uint16_t port, const char *fmt, ...)
{
	char req[12000];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	return roundtrip(port, req, (size_t)n);
}

#define STATUS(resp, code) assert_true(strncmp((resp), "HTTP/1.1 " code, 12) == 0)

static void test_routes(void **state)
{
	struct fx *f = *state;
	char *r;

	r = get(f->port, "GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: t1\r\nConnection: close\r\n\r\n");
	STATUS(r, "200");
	assert_non_null(strstr(r, "\r\n\r\nGET  0"));
	assert_non_null(strstr(r, "X-Test: yes"));
	assert_non_null(strstr(r, "Server: pkiward-test"));
	assert_string_equal(g_seen.route, "a-get");
	assert_string_equal(g_seen.ua, "t1");
	assert_string_equal(g_seen.query, "(none)");
	free(r);

	/* Sub-path decoded and raw; query raw. */
	r = get(f->port, "GET /a/x%%2Fy+z?q=1&r=%%41 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "200");
	assert_string_equal(g_seen.subpath, "x/y+z");
	assert_string_equal(g_seen.raw_subpath, "x%2Fy+z");
	assert_string_equal(g_seen.query, "q=1&r=%41");
	free(r);

	/* Prefix ending in '/': everything under it. */
	r = get(f->port, "GET /static/css/site.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "200");
	assert_string_equal(g_seen.subpath, "css/site.css");
	free(r);

	/* "/a" does not match "/ab". */
	r = get(f->port, "GET /ab HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "404");
	free(r);

	/* Method not allowed, with Allow. */
	r = get(f->port, "DELETE /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "405");
	assert_non_null(strstr(r, "Allow: GET, POST"));
	free(r);

	/* HEAD follows GET without a body. */
	r = get(f->port, "HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "200");
	assert_null(strstr(r, "GET  0"));
	free(r);

	/* POST body reaches the handler. */
	r = get(f->port, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
	STATUS(r, "200");
	assert_int_equal(g_seen.body_len, 5);
	free(r);
}

static void test_limits(void **state)
{
	struct fx *f = *state;
	char *r, *big;

	/* Declared body over the route's 100 bytes: 413 before reading it. */
	r = get(f->port, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n");
	STATUS(r, "413");
	free(r);

	/* Chunked body that overflows: 413 at the end. */
	big = malloc(4096);
	{
		size_t n = (size_t)snprintf(big, 4096,
		                            "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
		                            "Connection: close\r\n\r\n96\r\n");
		memset(big + n, 'x', 150);
		n += 150;
		n += (size_t)snprintf(big + n, 4096 - n, "\r\n0\r\n\r\n");
		r = roundtrip(f->port, big, n);
		STATUS(r, "413");
		free(r);
	}
	free(big);

	/* Bad escapes and encoded NUL in the path. */
	r = get(f->port, "GET /a/%%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "400");
	free(r);
	r = get(f->port, "GET /a/%%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "400");
	free(r);

	/* A URI over PW_HTTP_MAX_URI. */
	{
		char path[PW_HTTP_MAX_URI + 100];
		memset(path, 'a', sizeof(path) - 1);
		path[0] = '/';
		path[sizeof(path) - 1] = '\0';
		r = get(f->port, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
		assert_true(strncmp(r, "HTTP/1.1 414", 12) == 0 || strncmp(r, "HTTP/1.1 404", 12) != 0);
		assert_null(strstr(r, "200 OK"));
		free(r);
	}

	/* A handler bug never reaches the wire as a broken response. */
	r = get(f->port, "GET /bad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "500");
	assert_null(strstr(r, "Set-Cookie"));
	free(r);
	r = get(f->port, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "500");
	free(r);
}

static void test_log_and_stop(void **state)
{
	struct fx *f = *state;
	char *r, buf[8192];
	ssize_t n;
	r = get(f->port, "GET /a/logged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	STATUS(r, "200");
	free(r);
	r = get(f->port, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n");
	STATUS(r, "413");
	free(r);
	usleep(200000); /* completion callbacks run after the response is sent */
	assert_true(__atomic_load_n(&g_seen.observed, __ATOMIC_SEQ_CST) > 0);
	n = pread(f->log_fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"path\":\"/a/logged\""));
	assert_non_null(strstr(buf, "\"route\":\"a-get\""));
	assert_non_null(strstr(buf, "\"status\":200"));
	assert_non_null(strstr(buf, "\"status\":413"));
	assert_non_null(strstr(buf, "\"remote\":\"127.0.0.1\""));
	/* Every line is one JSON object. */
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		assert_int_equal(line[0], '{');
		assert_int_equal(nl[-1], '}');
		line = nl + 1;
	}
	pw_http_server_request_stop(f->srv);
	assert_int_equal(pw_http_server_wait(f->srv), 0);
	pw_http_server_stop(f->srv);
	pw_http_server_stop(f->srv); /* idempotent */
}

static void test_helpers(void **state)
{
	(void)state;
	uint8_t out[16];
	size_t n;
	char d[40];
	assert_true(pw_http_percent_decode("a%2Fb+c", 7, out, sizeof(out), &n));
	assert_int_equal(n, 5);
	assert_memory_equal(out, "a/b+c", 5);
	assert_false(pw_http_percent_decode("a%2", 3, out, sizeof(out), &n));
	assert_false(pw_http_percent_decode("a%g0", 4, out, sizeof(out), &n));
	assert_false(pw_http_percent_decode("abc", 3, out, 2, &n));
	assert_string_equal(pw_http_date(784111777, d, sizeof(d)), "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(pw_http_reason(413), "Payload Too Large");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test_setup_teardown(test_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_and_stop, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
