/* monitor/fetch.c: the HTTP client of the monitor (libcurl), with the
 * limits a client fetching untrusted URLs needs: a total and a connect
 * timeout, a body cap checked against Content-Length and against what
 * arrives, http/https only (also after redirects), a bounded number of
 * redirects, and no signals (so a timeout cannot kill the process). */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "internal.h"

struct pw_monitor_client {
	CURL *h;
	long timeout_ms, connect_timeout_ms;
};

/* curl_global_init is not thread-safe before 7.84; the monitor calls it
 * once from the thread that creates the first client. */
static int curl_ready;

struct pw_monitor_client *pw_monitor_client_new(long timeout_ms, long connect_timeout_ms)
{
	struct pw_monitor_client *c = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		curl_ready = 1;
	}
	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if ((c->h = curl_easy_init()) == NULL) {
		free(c);
		return NULL;
	}
	c->timeout_ms = timeout_ms;
	c->connect_timeout_ms = connect_timeout_ms;
	return c;
}

void pw_monitor_client_free(struct pw_monitor_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->h);
	free(c);
}

struct sink {
	uint8_t *p;
	size_t len, cap, max;
	int over;   /* the cap was hit */
	int nomem;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;
	if (n > s->max - s->len) {
		s->over = 1;
		return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
	}
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->len + n)
			cap = cap > s->max / 2 ? s->max : cap * 2;
		uint8_t *p = realloc(s->p, cap);
		if (p == NULL) {
			s->nomem = 1;
			return 0;
		}
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->len, data, n);
	s->len += n;
	return n;
}

int pw_monitor_http_fetch(struct pw_monitor_client *c, const char *url, const uint8_t *post,
                          size_t post_len, const char *post_ct, size_t max_body,
                          struct pw_monitor_http *out)
{
	struct sink sink = {.max = max_body};
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	char ct_hdr[160];
	CURL *h = c->h;
	CURLcode rc;
	int ok = 1;

	memset(out, 0, sizeof *out);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)PW_MONITOR_MAX_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "pkiward-monitor/0.1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	/* A relying party gets whatever the CDN holds: no Cache-Control: no-cache. */
	if (post != NULL) {
		snprintf(ct_hdr, sizeof ct_hdr, "Content-Type: %s", post_ct ? post_ct : "application/octet-stream");
		if ((hdrs = curl_slist_append(NULL, ct_hdr)) == NULL) {
			ok = 0;
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)post);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
	}
	rc = curl_easy_perform(h);
	{
		curl_off_t us = 0;
		if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK)
			out->elapsed_ms = (int64_t)(us / 1000);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	{
		char *ct = NULL;
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL) {
			size_t n = strlen(ct);
			if (n >= sizeof out->content_type)
				n = sizeof out->content_type - 1;
			/* Keep printable ASCII only: it is stored and shown. */
			for (size_t i = 0; i < n; i++)
				out->content_type[i] = (ct[i] >= 0x20 && ct[i] < 0x7f) ? ct[i] : '?';
			out->content_type[n] = '\0';
			out->has_content_type = 1;
		}
	}
	if (sink.nomem) {
		ok = 0;
		goto out;
	}
	switch (rc) {
	case CURLE_OK:
		out->transport = PW_MT_OK;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		out->transport = PW_MT_TIMEOUT;
		break;
	case CURLE_FILESIZE_EXCEEDED:
		out->transport = PW_MT_TOO_LARGE;
		break;
	case CURLE_WRITE_ERROR:
		out->transport = sink.over ? PW_MT_TOO_LARGE : PW_MT_OTHER;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		out->transport = PW_MT_CONNECT;
		break;
	default:
		out->transport = PW_MT_OTHER;
		break;
	}
	if (out->transport == PW_MT_TOO_LARGE)
		snprintf(out->detail, sizeof out->detail, "body over %zu bytes", max_body);
	else if (rc != CURLE_OK)
		snprintf(out->detail, sizeof out->detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	out->body = sink.p;
	out->len = sink.len;
	sink.p = NULL;
out:
	free(sink.p);
	curl_slist_free_all(hdrs);
	return ok;
}

void pw_monitor_http_cleanup(struct pw_monitor_http *h)
{
	if (h == NULL)
		return;
	free(h->body);
	h->body = NULL;
	h->len = 0;
}
