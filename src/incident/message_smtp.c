/* incident/message_smtp.c: sending a rendered message through an SMTP relay
 * with libcurl (RFC 5321). The relay is the CA's own; pkiward does not do
 * MX lookups or delivery. Lines are sent with CRLF ends (RFC 5321 §2.3.8);
 * libcurl dot-stuffs lines that begin with "." (§4.5.2). */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "pkiward/buf.h"
#include "pkiward/report.h"

/* Recipients one message may have. */
#define SMTP_MAX_RCPT 32
/* Longest address accepted (RFC 5321 §4.5.3.1.3: a path is at most 256). */
#define SMTP_MAX_ADDR 256

struct upload {
	const uint8_t *p;
	size_t len, off;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *vctx)
{
	struct upload *u = vctx;
	size_t room = size * nmemb, n = u->len - u->off;
	if (n > room)
		n = room;
	memcpy(dst, u->p + u->off, n);
	u->off += n;
	return n;
}

/* A bare addr-spec: printable ASCII, one '@', no spaces, brackets or commas. */
static int addr_ok(const char *a, size_t n)
{
	size_t ats = 0;
	if (n == 0 || n > SMTP_MAX_ADDR)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"')
			return 0;
		ats += c == '@';
	}
	return ats == 1 && a[0] != '@' && a[n - 1] != '@';
}

enum pw_status pw_report_smtp_send(const struct pw_report_smtp *smtp, const char *to,
                                   const char *message, struct pw_error *err)
{
	CURL *c = NULL;
	struct curl_slist *rcpt = NULL;
	struct pw_buf b;
	uint8_t *data = NULL;
	size_t len = 0, n_rcpt = 0;
	char addr[SMTP_MAX_ADDR + 3];
	char cerr[CURL_ERROR_SIZE] = "";
	enum pw_status st = PW_OK;
	pw_buf_init(&b);
	if (smtp == NULL || smtp->url == NULL || smtp->from == NULL || to == NULL || message == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "smtp", "relay URL, from, to and message needed");
	if (strncmp(smtp->url, "smtp://", 7) != 0 && strncmp(smtp->url, "smtps://", 8) != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "smtp", "relay must be smtp:// or smtps://, not %s",
		                    smtp->url);
	if (!addr_ok(smtp->from, strlen(smtp->from)))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "from",
		                    "'%s' is not a bare address (user@domain)", smtp->from);
	for (const char *p = to; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && *p == ' ')
			p++, n--;
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (!addr_ok(p, n)) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "to", "recipient %zu is not a bare address",
			                  n_rcpt + 1);
			goto out;
		}
		if (++n_rcpt > SMTP_MAX_RCPT) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "to", "more than %d recipients",
			                  SMTP_MAX_RCPT);
			goto out;
		}
		snprintf(addr, sizeof addr, "<%.*s>", (int)n, p);
		struct curl_slist *nl = curl_slist_append(rcpt, addr);
		if (nl == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		rcpt = nl;
		p = e ? e + 1 : p + n;
	}
	if (n_rcpt == 0) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "to", "no recipient");
		goto out;
	}
	/* CRLF line ends (RFC 5322 §2.1). */
	for (const char *p = message; *p; p++) {
		if (*p == '\n' && (p == message || p[-1] != '\r'))
			pw_buf_append(&b, "\r\n", 2);
		else
			pw_buf_append(&b, p, 1);
	}
	if ((data = pw_buf_finish(&b, &len)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	struct upload u = {data, len, 0};
	snprintf(addr, sizeof addr, "<%s>", smtp->from);
	if ((c = curl_easy_init()) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "smtp", "curl_easy_init failed");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, smtp->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	long to_secs = smtp->timeout_secs > 0 ? smtp->timeout_secs : PW_REPORT_SMTP_TIMEOUT_SECS;
	curl_easy_setopt(c, CURLOPT_TIMEOUT, to_secs);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, to_secs);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "smtp", "%s: %s", smtp->url,
		                  cerr[0] ? cerr : curl_easy_strerror(rc));
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	pw_buf_cleanup(&b);
	free(data);
	return st;
}
