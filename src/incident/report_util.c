/* incident/report_util.c: text helpers of the report code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_internal.h"

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid
 * (RFC 3629 §4: no overlongs, no surrogates, at most U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

char *pw_report_utf8_clean(const char *p, size_t n)
{
	static const char repl[] = "\xef\xbf\xbd";
	/* Worst case every byte becomes U+FFFD (3 bytes). */
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	char *out = malloc(3 * n + 1), *o = out;
	const unsigned char *u = (const unsigned char *)p;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(u + i, n - i);
		if (l == 0 || (l == 1 && u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') ||
		    (l == 1 && u[i] == 0x7f)) {
			memcpy(o, repl, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, u + i, l);
		o += l;
		i += l;
	}
	*o = '\0';
	return out;
}

char *pw_report_time_text(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}
