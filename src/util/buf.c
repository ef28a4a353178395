/* Growing buffer and hex helpers (include/pkiward/buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"

void pw_buf_init(struct pw_buf *b)
{
	memset(b, 0, sizeof *b);
}

static int buf_reserve(struct pw_buf *b, size_t extra)
{
	if (b->failed)
		return 0;
	if (extra > SIZE_MAX - b->len - 1) {
		b->failed = 1;
		return 0;
	}
	size_t need = b->len + extra + 1; /* room for a NUL */
	if (need <= b->cap)
		return 1;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	uint8_t *nd = realloc(b->data, cap);
	if (nd == NULL) {
		b->failed = 1;
		return 0;
	}
	b->data = nd;
	b->cap = cap;
	return 1;
}

int pw_buf_append(struct pw_buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return 0;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 1;
}

int pw_buf_puts(struct pw_buf *b, const char *s)
{
	return pw_buf_append(b, s, strlen(s));
}

int pw_buf_printf(struct pw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return 0;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 1;
}

uint8_t *pw_buf_finish(struct pw_buf *b, size_t *out_len)
{
	uint8_t *d = NULL;
	if (!b->failed && buf_reserve(b, 0)) {
		d = b->data;
		if (out_len)
			*out_len = b->len;
		b->data = NULL;
	}
	pw_buf_cleanup(b);
	return d;
}

void pw_buf_cleanup(struct pw_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	memset(b, 0, sizeof *b);
}

void pw_hex_encode(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pw_hex_decode(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 1;
}

int pw_hex_decode_var(const char *s, uint8_t *out, size_t max, size_t *out_len)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	size_t digits = 0;
	for (const char *q = s; *q; q++) {
		if (*q == ':')
			continue;
		if (hex_val(*q) < 0)
			return 0;
		digits++;
	}
	if (digits == 0 || digits > 2 * max)
		return 0;
	/* An odd count gets an implied leading zero nibble ("1a2" = 01 a2). */
	size_t n = (digits + 1) / 2, i = 0;
	int half = (int)(digits & 1);
	unsigned acc = 0;
	for (const char *q = s; *q; q++) {
		if (*q == ':')
			continue;
		acc = (acc << 4) | (unsigned)hex_val(*q);
		if (half) {
			out[i++] = (uint8_t)acc;
			acc = 0;
		}
		half = !half;
	}
	*out_len = n;
	return 1;
}
