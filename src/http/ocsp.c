/* pkiward http/ocsp.c — OCSP over HTTP (RFC 6960 Appendix A, RFC 5019 §5
 * and §6): the transport around pw_ocsp_respond().
 *
 * Every OCSP-level failure (bad base64, bad DER, issuer not served) is an
 * OCSP error response with HTTP 200, as RFC 6960 §2.3 describes: clients
 * read responseStatus, not the HTTP status. HTTP statuses are for HTTP
 * problems only (413 body too large, 405 method). */
#include "ocsp.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Largest decoded GET request (base64 decodes to 3/4 of its length). */
#define OCSP_GET_MAX_DER PW_OCSP_MAX_REQUEST_DER

static void set_caching(struct pw_ocsp_responder *r, const struct pw_ocsp_answer *a, int64_t now,
                        struct pw_http_response *resp)
{
	char v[128], date[40];
	int64_t m = pw_ocsp_answer_max_age(r, a, now);
	if (a->status != PW_OCSP_SUCCESSFUL || m <= 0) {
		/* Error answers must not stick in caches (a transient
		 * "unauthorized" during a CA roll-out, say). */
		pw_http_response_add_header(resp, "Cache-Control", "no-store");
		return;
	}
	/* RFC 5019 §6.2 caching headers. max-age and Expires are both bounded
	 * by the configured max-stale (ocsp.h), not by nextUpdate alone, so
	 * that no HTTP cache serves "good" long after a revocation;
	 * must-revalidate forbids serving the response once stale
	 * (RFC 9111 §5.2.2.2), no-transform keeps the signed bytes intact. */
	{
		/* Formatted by hand: this runs for every answer (snprintf's
		 * locale machinery showed in the responder's profile). */
		static const char pre[] = "max-age=";
		static const char post[] = ", public, no-transform, must-revalidate";
		char digits[24];
		size_t nd = 0, o = 0;
		uint64_t x = (uint64_t)m;
		do {
			digits[nd++] = (char)('0' + x % 10);
			x /= 10;
		} while (x && nd < sizeof(digits));
		memcpy(v, pre, sizeof(pre) - 1);
		o = sizeof(pre) - 1;
		while (nd)
			v[o++] = digits[--nd];
		memcpy(v + o, post, sizeof(post));
	}
	pw_http_response_add_header(resp, "Cache-Control", v);
	pw_http_response_add_header(resp, "Expires", pw_http_date(now + m, date, sizeof(date)));
	pw_http_response_add_header(resp, "Last-Modified",
	                            pw_http_date(a->this_update, date, sizeof(date)));
	if (a->etag[0])
		pw_http_response_add_header(resp, "ETag", a->etag);
}

static void release_ref(void *ctx)
{
	pw_ocsp_answer_unref(ctx);
}

void pw_http_ocsp_handler(void *ctx, const struct pw_http_request *req,
                          struct pw_http_response *resp)
{
	struct pw_ocsp_responder *r = ctx;
	struct pw_ocsp_answer a;
	int64_t now = (int64_t)time(NULL);
	uint8_t der[OCSP_GET_MAX_DER];
	const uint8_t *in = NULL;
	size_t in_len = 0;
	int is_get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	const char *inm;

	if (is_get) {
		struct pw_error err;
		size_t n = strlen(req->raw_subpath);
		if (pw_ocsp_get_decode(req->raw_subpath, n, der, sizeof(der), &in_len, &err) != PW_OK) {
			memset(&a, 0, sizeof(a));
			a.status = PW_OCSP_MALFORMED_REQUEST;
			a.der = pw_ocsp_error_response(PW_OCSP_MALFORMED_REQUEST, &a.len);
			goto send;
		}
		in = der;
	} else {
		in = req->body;
		in_len = req->body_len;
	}
	pw_ocsp_respond(r, in, in_len, now, &a);
send:
	pw_http_response_set(resp, 200, PW_HTTP_OCSP_RESPONSE_TYPE);
	set_caching(r, &a, now, resp);
	/* RFC 9110 §13.1.2: a cache revalidating with the ETag it holds gets
	 * 304 while the response is unchanged. */
	inm = is_get ? pw_http_request_header(req, "If-None-Match") : NULL;
	if (inm && a.etag[0] && strcmp(inm, a.etag) == 0) {
		resp->status = 304;
		resp->content_type[0] = '\0';
		pw_ocsp_answer_release(&a);
		return;
	}
	if (a.ref_) {
		/* The response keeps a reference to the cached bytes until MHD
		 * has sent them; a re-signing meanwhile does not free them. */
		void *ref = pw_ocsp_answer_ref(&a);
		pw_http_response_body_ref(resp, a.der, a.len, release_ref, ref);
	} else {
		pw_http_response_body_ref(resp, a.der, a.len, NULL, NULL);
	}
	pw_ocsp_answer_release(&a);
}

enum pw_status pw_http_ocsp_mount(struct pw_http_server *srv, const char *prefix,
                                  struct pw_ocsp_responder *r, struct pw_error *err)
{
	static const char *const methods[] = { "POST", "GET" };
	enum pw_status st;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct pw_http_route rt = {
			.name = "ocsp",
			.method = methods[i],
			.prefix = prefix,
			.fn = pw_http_ocsp_handler,
			.ctx = r,
			.max_body = PW_HTTP_OCSP_MAX_BODY,
		};
		if ((st = pw_http_server_add_route(srv, &rt, err)) != PW_OK)
			return st;
	}
	return PW_OK;
}
