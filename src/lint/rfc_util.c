/* pkiward lint — private helpers of the rfc_* families (see rfc_util.h). */
#include "rfc_util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#ifdef PW_HAVE_ICU
#include <unicode/unorm2.h>
#include <unicode/utypes.h>
#endif

/* Largest host text copied for inet_pton (an IPv6 address with a zone and
 * an embedded IPv4 part is well below this). */
#define RFC_IP_TEXT_MAX 64
/* Longest TCP port: 65535 (RFC 6335 §6). */
#define RFC_PORT_DIGITS_MAX 5
/* Code units converted on the stack for the normalization check; longer
 * texts are converted on the heap. */
#define RFC_NFC_STACK 512

static int is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(uint8_t c)
{
	return is_alpha(c) || is_digit(c);
}

static int is_hex(uint8_t c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const uint8_t *find_byte(const uint8_t *p, size_t n, uint8_t b)
{
	return n ? memchr(p, b, n) : NULL;
}

static const uint8_t *find_last_byte(const uint8_t *p, size_t n, uint8_t b)
{
	while (n > 0) {
		n--;
		if (p[n] == b)
			return p + n;
	}
	return NULL;
}

static struct pw_der win(const uint8_t *p, size_t n)
{
	struct pw_der d = { p, n, 0 };
	return d;
}

int rfc_is_ascii(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] & 0x80)
			return 0;
	return 1;
}

/* %-escapes are "%" HEXDIG HEXDIG (RFC 3986 §2.1). */
static int escapes_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '%')
			continue;
		if (i + 2 >= n || !is_hex(p[i + 1]) || !is_hex(p[i + 2]))
			return 0;
		i += 2;
	}
	return 1;
}

/* port = *DIGIT after ":" (RFC 3986 §3.2.3). */
static int port_ok(const uint8_t *p, size_t n)
{
	if (n == 0)
		return 1;
	if (p[0] != ':')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_digit(p[i]))
			return 0;
	return 1;
}

/* Characters of reg-name / IP-literal (RFC 3986 §3.2.2: unreserved,
 * sub-delims, pct-encoded, plus ":" "[" "]" of literals); octets >= 0x80
 * are let through for internationalised hosts (RFC 3987). */
static int host_char_ok(uint8_t c)
{
	if (c >= 0x80 || is_alnum(c))
		return 1;
	return strchr("-._~!$&'()*+,;=:[]<>\"%", c) != NULL && c != '\0';
}

static int userinfo_char_ok(uint8_t c)
{
	if (is_alnum(c))
		return 1;
	return strchr("-._:~!$&'()*+,;=%@", c) != NULL && c != '\0';
}

static int parse_host(const uint8_t *p, size_t n)
{
	size_t hn = n;
	if (n > 0 && p[0] == '[') {
		const uint8_t *close = find_byte(p, n, ']');
		if (close == NULL)
			return 0;
		size_t k = (size_t)(close - p) + 1;
		if (!port_ok(p + k, n - k))
			return 0;
		hn = k;
	} else {
		const uint8_t *colon = find_last_byte(p, n, ':');
		if (colon != NULL) {
			size_t k = (size_t)(colon - p);
			if (!port_ok(p + k, n - k))
				return 0;
			hn = k;
		}
	}
	for (size_t i = 0; i < hn; i++)
		if (!host_char_ok(p[i]))
			return 0;
	return escapes_ok(p, hn);
}

int rfc_uri_parse(const uint8_t *p, size_t n, struct rfc_uri *out)
{
	memset(out, 0, sizeof *out);
	if (n > RFC_URI_MAX)
		return 0;
	/* The fragment is not part of what is checked here (RFC 3986 §3.5). */
	const uint8_t *hash = find_byte(p, n, '#');
	if (hash != NULL) {
		if (!escapes_ok(hash + 1, n - (size_t)(hash - p) - 1))
			return 0;
		n = (size_t)(hash - p);
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7F)
			return 0;
	if (n == 0)
		return 1;
	if (n == 1 && p[0] == '*') {
		out->path = win(p, 1);
		return 1;
	}
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (§3.1) */
	const uint8_t *rest = p;
	size_t rn = n;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (is_alpha(c))
			continue;
		if (is_digit(c) || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			if (i == 0)
				return 0;
			out->scheme = win(p, i);
			rest = p + i + 1;
			rn = n - i - 1;
		}
		break;
	}
	/* Query (§3.4). */
	const uint8_t *q = find_byte(rest, rn, '?');
	if (q != NULL)
		rn = (size_t)(q - rest);
	if (rn == 0 || rest[0] != '/') {
		if (out->scheme.len > 0) {
			out->opaque = win(rest, rn);
			return 1;
		}
		/* A relative reference whose first segment has a colon would read
		 * as a scheme (§4.2). */
		const uint8_t *slash = find_byte(rest, rn, '/');
		size_t seg = slash ? (size_t)(slash - rest) : rn;
		if (find_byte(rest, seg, ':') != NULL)
			return 0;
	}
	int triple = rn >= 3 && rest[0] == '/' && rest[1] == '/' && rest[2] == '/';
	if ((out->scheme.len > 0 || !triple) && rn >= 2 && rest[0] == '/' && rest[1] == '/') {
		const uint8_t *a = rest + 2;
		size_t an = rn - 2;
		const uint8_t *slash = find_byte(a, an, '/');
		size_t alen = slash ? (size_t)(slash - a) : an;
		const uint8_t *at = find_last_byte(a, alen, '@');
		const uint8_t *h = a;
		size_t hlen = alen;
		if (at != NULL) {
			size_t ulen = (size_t)(at - a);
			for (size_t i = 0; i < ulen; i++)
				if (!userinfo_char_ok(a[i]))
					return 0;
			out->has_userinfo = 1;
			h = at + 1;
			hlen = alen - ulen - 1;
		}
		if (!parse_host(h, hlen))
			return 0;
		out->host = win(h, hlen);
		rest = a + alen;
		rn = an - alen;
	}
	if (!escapes_ok(rest, rn))
		return 0;
	out->path = win(rest, rn);
	return 1;
}

int rfc_text_is_ip(const uint8_t *p, size_t n)
{
	char buf[RFC_IP_TEXT_MAX];
	unsigned char addr[16];
	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

/* One label of a host name: 1..63 octets (RFC 1035 §2.3.4) of letters,
 * digits, hyphens and (outside the last label) underscores, starting and
 * ending with a letter or digit; octets >= 0x80 stand for the letters of an
 * internationalised (U-label) name. */
static int host_label_ok(const uint8_t *p, size_t n, int last)
{
	if (n == 0 || n > 63)
		return 0;
	if (!(is_alnum(p[0]) || p[0] >= 0x80) || !(is_alnum(p[n - 1]) || p[n - 1] >= 0x80))
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (is_alnum(c) || c >= 0x80 || c == '-')
			continue;
		if (c == '_' && !last)
			continue;
		return 0;
	}
	return 1;
}

int rfc_host_is_fqdn(const uint8_t *p, size_t n)
{
	/* A leading wildcard label stands for one label (RFC 6125 §6.4.3); the
	 * "?." redaction labels of RFC 6962-bis stand for hidden labels. */
	if (n >= 2 && p[0] == '*' && p[1] == '.') {
		p += 2;
		n -= 2;
	}
	while (n >= 2 && p[0] == '?' && p[1] == '.') {
		p += 2;
		n -= 2;
	}
	if (n == 0 || n > RFC_URI_MAX || p[0] == '.')
		return 0;
	if (p[0] == '[') {
		const uint8_t *close = find_byte(p, n, ']');
		if (close == NULL)
			return 0;
		size_t k = (size_t)(close - p);
		size_t after = n - k - 1;
		if (after > 0 && (after > RFC_PORT_DIGITS_MAX + 1 || !port_ok(close + 1, after) ||
		                  after == 1))
			return 0;
		return rfc_text_is_ip(p + 1, k - 1);
	}
	const uint8_t *colon = find_last_byte(p, n, ':');
	if (colon != NULL) {
		size_t k = (size_t)(colon - p), plen = n - k - 1;
		if (plen == 0 || plen > RFC_PORT_DIGITS_MAX || !port_ok(colon, n - k))
			return 0;
		n = k;
	}
	if (n > 0 && p[n - 1] == '.')
		n--;
	if (n == 0)
		return 0;
	if (rfc_text_is_ip(p, n))
		return 1;
	/* Labels; a fully qualified name has at least two, and its top-level
	 * label is not all-numeric (RFC 3696 §2). */
	size_t start = 0, labels = 0;
	int last_numeric = 1;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '.')
			continue;
		int last = i == n;
		if (!host_label_ok(p + start, i - start, last))
			return 0;
		if (last) {
			last_numeric = 1;
			for (size_t j = start; j < i; j++)
				if (!is_digit(p[j]))
					last_numeric = 0;
		}
		labels++;
		start = i + 1;
	}
	return labels >= 2 && !last_numeric;
}

int rfc_tag_is_string(uint32_t tag)
{
	switch (tag) {
	case PW_DER_UTF8_STRING:
	case PW_DER_NUMERIC_STRING:
	case PW_DER_PRINTABLE_STRING:
	case PW_DER_T61_STRING:
	case PW_DER_IA5_STRING:
	case PW_DER_VISIBLE_STRING:
	case PW_DER_UNIVERSAL_STRING:
	case PW_DER_BMP_STRING:
		return 1;
	default:
		return 0;
	}
}

size_t rfc_char_count(uint32_t tag, const struct pw_der *v)
{
	size_t n = 0;
	switch (tag) {
	case PW_DER_BMP_STRING:
		for (size_t i = 0; i + 1 < v->len; i += 2) {
			uint16_t u = (uint16_t)((v->p[i] << 8) | v->p[i + 1]);
			/* A low surrogate completes the pair counted at its high half. */
			if (u < 0xDC00 || u > 0xDFFF)
				n++;
		}
		return n;
	case PW_DER_UNIVERSAL_STRING:
		return v->len / 4;
	case PW_DER_UTF8_STRING: {
		size_t i = 0;
		while (i < v->len) {
			uint8_t c = v->p[i];
			size_t k = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
			size_t j = 1;
			while (j < k && i + j < v->len && (v->p[i + j] & 0xC0) == 0x80)
				j++;
			/* A truncated sequence counts its lead octet alone. */
			i += j == k ? k : 1;
			n++;
		}
		return n;
	}
	default:
		return v->len;
	}
}

/* ---- Punycode (RFC 3492 §6.2) ---- */

#define PUNY_BASE 36u
#define PUNY_TMIN 1u
#define PUNY_TMAX 26u
#define PUNY_SKEW 38u
#define PUNY_DAMP 700u
#define PUNY_INITIAL_BIAS 72u
#define PUNY_INITIAL_N 0x80u
#define UNICODE_MAX 0x10FFFFu

static uint32_t puny_adapt(uint32_t delta, uint32_t numpoints, int first)
{
	uint32_t k = 0;
	delta = first ? delta / PUNY_DAMP : delta / 2;
	delta += delta / numpoints;
	while (delta > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) / 2) {
		delta /= PUNY_BASE - PUNY_TMIN;
		k += PUNY_BASE;
	}
	return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static int puny_digit(uint8_t c, uint32_t *out)
{
	if (c >= '0' && c <= '9')
		*out = (uint32_t)(c - '0') + 26;
	else if (c >= 'a' && c <= 'z')
		*out = (uint32_t)(c - 'a');
	else if (c >= 'A' && c <= 'Z')
		*out = (uint32_t)(c - 'A');
	else
		return 0;
	return 1;
}

long rfc_punycode_decode(const uint8_t *p, size_t n, uint32_t *out, size_t cap)
{
	size_t len = 0, pos = 0;
	const uint8_t *delim = find_last_byte(p, n, '-');
	if (n == 0)
		return 0;
	if (delim != NULL) {
		size_t b = (size_t)(delim - p);
		/* A lone delimiter with no basic code points before it is not a
		 * valid encoding. */
		if (b == 0)
			return -1;
		if (b > cap)
			return -1;
		for (size_t i = 0; i < b; i++) {
			if (p[i] >= 0x80)
				return -1;
			out[len++] = p[i];
		}
		pos = b + 1;
	}
	uint32_t i = 0, cp = PUNY_INITIAL_N, bias = PUNY_INITIAL_BIAS;
	while (pos < n) {
		uint32_t oldi = i, w = 1;
		for (uint32_t k = PUNY_BASE;; k += PUNY_BASE) {
			uint32_t digit, t;
			if (pos >= n || !puny_digit(p[pos++], &digit))
				return -1;
			if (digit > (UINT32_MAX - i) / w)
				return -1;
			i += digit * w;
			t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (PUNY_BASE - t))
				return -1;
			w *= PUNY_BASE - t;
		}
		if (len >= cap)
			return -1;
		uint32_t x = (uint32_t)len + 1;
		bias = puny_adapt(i - oldi, x, oldi == 0);
		if (i / x > UNICODE_MAX - cp)
			return -1;
		cp += i / x;
		i %= x;
		if (cp > UNICODE_MAX)
			return -1;
		memmove(out + i + 1, out + i, (len - i) * sizeof *out);
		out[i] = cp;
		len++;
		i++;
	}
	return (long)len;
}

/* ---- Normalization (UAX #15) ---- */

#ifdef PW_HAVE_ICU
static int nfc_utf16(const UChar *s, int32_t n)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
	if (U_FAILURE(st))
		return -1;
	UBool ok = unorm2_isNormalized(nfc, s, n, &st);
	if (U_FAILURE(st))
		return -1;
	return ok ? 1 : 0;
}
#endif

int rfc_is_nfc_u32(const uint32_t *cp, size_t n)
{
	size_t i;
	for (i = 0; i < n && cp[i] < 0x80; i++)
		;
	if (i == n)
		return 1; /* ASCII is always NFC */
#ifdef PW_HAVE_ICU
	UChar stack[RFC_NFC_STACK] = { 0 }, *buf = stack;
	int r = -1;
	if (n > RFC_NFC_STACK / 2 && (buf = malloc(n * 2 * sizeof *buf)) == NULL)
		return -1;
	int32_t k = 0;
	for (i = 0; i < n; i++) {
		uint32_t c = cp[i];
		if (c >= 0x10000) {
			c -= 0x10000;
			buf[k++] = (UChar)(0xD800 + (c >> 10));
			buf[k++] = (UChar)(0xDC00 + (c & 0x3FF));
		} else {
			buf[k++] = (UChar)c;
		}
	}
	r = nfc_utf16(buf, k);
	if (buf != stack)
		free(buf);
	return r;
#else
	return -1;
#endif
}

int rfc_is_nfc_utf16be(const uint8_t *p, size_t n)
{
	size_t i;
	/* An odd number of octets is not UTF-16 text at all, so it is not
	 * normalized text either. */
	if (n % 2 != 0)
		return 0;
	for (i = 0; i + 1 < n && p[i] == 0 && p[i + 1] < 0x80; i += 2)
		;
	if (i + 1 >= n)
		return 1;
#ifdef PW_HAVE_ICU
	UChar stack[RFC_NFC_STACK] = { 0 }, *buf = stack;
	size_t units = n / 2;
	if (units > RFC_NFC_STACK && (buf = malloc(units * sizeof *buf)) == NULL)
		return -1;
	for (i = 0; i < units; i++)
		buf[i] = (UChar)((p[2 * i] << 8) | p[2 * i + 1]);
	int r = nfc_utf16(buf, (int32_t)units);
	if (buf != stack)
		free(buf);
	return r;
#else
	return -1;
#endif
}

int rfc_is_nfc_utf8(const uint8_t *p, size_t n)
{
	if (rfc_is_ascii(p, n))
		return 1;
	uint32_t stack[RFC_NFC_STACK] = { 0 }, *cp = stack; /* zeroed: only reached for non-ASCII text */
	size_t k = 0, i = 0;
	if (n > RFC_NFC_STACK && (cp = malloc(n * sizeof *cp)) == NULL)
		return -1;
	while (i < n) {
		uint8_t c = p[i];
		uint32_t v;
		size_t len;
		if (c < 0x80) {
			v = c;
			len = 1;
		} else if ((c >> 5) == 0x6) {
			v = c & 0x1F;
			len = 2;
		} else if ((c >> 4) == 0xE) {
			v = c & 0x0F;
			len = 3;
		} else if ((c >> 3) == 0x1E) {
			v = c & 0x07;
			len = 4;
		} else {
			v = 0xFFFD; /* invalid octet: replacement character */
			len = 1;
		}
		size_t j = 1;
		for (; j < len && i + j < n && (p[i + j] & 0xC0) == 0x80; j++)
			v = (v << 6) | (p[i + j] & 0x3F);
		if (j < len) {
			v = 0xFFFD;
			len = 1;
		}
		cp[k++] = v;
		i += len;
	}
	int r = rfc_is_nfc_u32(cp, k);
	if (cp != stack)
		free(cp);
	return r;
}

int rfc_get_sequence(const struct pw_der *value, struct pw_der *out_contents)
{
	struct pw_der d = *value;
	struct pw_error err;
	return pw_der_get(&d, PW_DER_SEQUENCE, out_contents, &err) && pw_der_len(&d) == 0;
}

const struct pw_ext *rfc_ext(const struct pw_cert *c, enum pw_oid id)
{
	return pw_cert_get0_ext(c, id);
}

size_t rfc_name_count_strings(const struct pw_name *n, enum pw_oid id)
{
	size_t k = 0;
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id && rfc_tag_is_string(n->attrs[i].tag))
			k++;
	return k;
}
