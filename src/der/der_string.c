/* Character string contents: charset checks and conversion to UTF-8 for
 * display (include/pkiward/der.h). */
#include <string.h>

#include "internal.h"
#include "pkiward/der.h"

#define DER_REPLACEMENT_CHAR 0xFFFDu
#define DER_MAX_CODE_POINT 0x10FFFFu

static int is_surrogate(uint32_t cp)
{
	return cp >= 0xD800 && cp <= 0xDFFF;
}

/* PrintableString (X.680 §41.4, table 10): A-Z a-z 0-9 space ' ( ) + , - . / : = ? */
static int is_printable_char(uint8_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	switch (c) {
	case ' ': case '\'': case '(': case ')': case '+': case ',': case '-': case '.': case '/':
	case ':': case '=': case '?':
		return 1;
	default:
		return 0;
	}
}

size_t pw_der_int_utf8_decode(const uint8_t *p, size_t n, uint32_t *out_cp, const char **out_why)
{
	uint8_t b = p[0];
	size_t len;
	uint32_t cp;
	uint8_t lo = 0x80, hi = 0xBF; /* range of the second octet (RFC 3629 §4) */

	if (b < 0x80) {
		*out_cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		len = 2;
		cp = b & 0x1f;
	} else if (b >= 0xE0 && b <= 0xEF) {
		len = 3;
		cp = b & 0x0f;
		if (b == 0xE0)
			lo = 0xA0; /* below is overlong */
		else if (b == 0xED)
			hi = 0x9F; /* above is a surrogate */
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4;
		cp = b & 0x07;
		if (b == 0xF0)
			lo = 0x90; /* below is overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* above is beyond U+10FFFF */
	} else {
		*out_why = b < 0xC2 && b >= 0xC0 ? "overlong 2-octet lead octet"
		           : b < 0xC0            ? "continuation octet without a lead octet"
		                                 : "lead octet beyond U+10FFFF";
		return 0;
	}
	if (n < len) {
		*out_why = "sequence truncated by the end of the string";
		return 0;
	}
	if (p[1] < lo || p[1] > hi) {
		if ((p[1] & 0xC0) != 0x80)
			*out_why = "expected a continuation octet";
		else
			*out_why = b == 0xE0 || b == 0xF0 ? "overlong sequence"
			           : b == 0xED            ? "encoded surrogate"
			                                  : "code point beyond U+10FFFF";
		return 0;
	}
	cp = (cp << 6) | (p[1] & 0x3f);
	for (size_t i = 2; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*out_why = "expected a continuation octet";
			return 0;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*out_cp = cp;
	return len;
}

int pw_der_check_string(uint32_t tag, const struct pw_der *contents, struct pw_error *err)
{
	const uint8_t *p = contents->p;
	size_t n = contents->len, i;
	uint32_t cp;

	switch (tag) {
	case PW_DER_PRINTABLE_STRING:
		for (i = 0; i < n; i++)
			if (!is_printable_char(p[i]))
				goto bad_char;
		return 1;
	case PW_DER_IA5_STRING:
		for (i = 0; i < n; i++)
			if (p[i] > 0x7f)
				goto bad_char;
		return 1;
	case PW_DER_NUMERIC_STRING:
		for (i = 0; i < n; i++)
			if (!((p[i] >= '0' && p[i] <= '9') || p[i] == ' '))
				goto bad_char;
		return 1;
	case PW_DER_VISIBLE_STRING:
		for (i = 0; i < n; i++)
			if (p[i] < 0x20 || p[i] > 0x7e)
				goto bad_char;
		return 1;
	case PW_DER_T61_STRING:
		/* T.61 is a stateful code of its own; kept as opaque octets. */
		return 1;
	case PW_DER_UTF8_STRING:
		for (i = 0; i < n;) {
			const char *why = "";
			size_t k;
			if (p[i] < 0x80) {
				i++;
				continue;
			}
			k = pw_der_int_utf8_decode(p + i, n - i, &cp, &why);
			if (k == 0)
				return pw_der_int_fail(err, contents->off + i,
				                       "UTF8String octet 0x%02X at position %zu: %s (RFC 3629 §4)",
				                       p[i], i, why);
			i += k;
		}
		return 1;
	case PW_DER_BMP_STRING:
		/* UCS-2 big-endian (X.690 §8.23.8): surrogates are not characters. */
		if (n % 2 != 0)
			return pw_der_int_fail(err, contents->off,
			                       "BMPString of %zu octets, expected a multiple of 2", n);
		for (i = 0; i < n; i += 2) {
			cp = (uint32_t)p[i] << 8 | p[i + 1];
			if (is_surrogate(cp))
				return pw_der_int_fail(err, contents->off + i,
				                       "BMPString character U+%04X at position %zu is a surrogate",
				                       (unsigned)cp, i);
		}
		return 1;
	case PW_DER_UNIVERSAL_STRING:
		/* UCS-4 big-endian: only Unicode scalar values. */
		if (n % 4 != 0)
			return pw_der_int_fail(err, contents->off,
			                       "UniversalString of %zu octets, expected a multiple of 4", n);
		for (i = 0; i < n; i += 4) {
			cp = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
			if (cp > DER_MAX_CODE_POINT || is_surrogate(cp))
				return pw_der_int_fail(err, contents->off + i,
				                       "UniversalString character 0x%08X at position %zu is not a "
				                       "Unicode scalar value",
				                       (unsigned)cp, i);
		}
		return 1;
	default:
		return pw_der_int_fail(err, contents->off, "expected a character string type, found %s",
		                       pw_der_tag_name(tag));
	}
bad_char:
	if (p[i] >= 0x20 && p[i] < 0x7f)
		return pw_der_int_fail(err, contents->off + i,
		                       "%s character '%c' (0x%02X) at position %zu is not in its character set "
		                       "(X.680 §41)",
		                       pw_der_tag_name(tag), p[i], p[i], i);
	return pw_der_int_fail(err, contents->off + i,
	                       "%s octet 0x%02X at position %zu is not in its character set (X.680 §41)",
	                       pw_der_tag_name(tag), p[i], i);
}

/* UTF-8 output that stops cleanly (never mid-sequence) when buf is full. */
struct u8out {
	char *buf;
	size_t cap; /* usable octets, excluding the NUL */
	size_t n;
	int full;
};

static void put_cp(struct u8out *o, uint32_t cp)
{
	uint8_t tmp[4];
	size_t k;
	/* NUL cannot be carried by a NUL-terminated string. */
	if (cp == 0 || cp > DER_MAX_CODE_POINT || is_surrogate(cp))
		cp = DER_REPLACEMENT_CHAR;
	if (cp < 0x80) {
		tmp[0] = (uint8_t)cp;
		k = 1;
	} else if (cp < 0x800) {
		tmp[0] = (uint8_t)(0xC0 | (cp >> 6));
		tmp[1] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (uint8_t)(0xE0 | (cp >> 12));
		tmp[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		tmp[0] = (uint8_t)(0xF0 | (cp >> 18));
		tmp[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (uint8_t)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (o->full || k > o->cap - o->n) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->n, tmp, k);
	o->n += k;
}

size_t pw_der_string_to_utf8(uint32_t tag, const struct pw_der *contents, char *buf, size_t buflen)
{
	const uint8_t *p = contents->p;
	size_t n = contents->len, i;
	struct u8out o = { buf, buflen > 0 ? buflen - 1 : 0, 0, buflen == 0 };
	uint32_t cp;

	switch (tag) {
	case PW_DER_PRINTABLE_STRING:
	case PW_DER_IA5_STRING:
	case PW_DER_NUMERIC_STRING:
	case PW_DER_VISIBLE_STRING:
		/* ASCII sets: octets above 0x7F are not characters of them. */
		for (i = 0; i < n && !o.full; i++)
			put_cp(&o, p[i] < 0x80 ? p[i] : DER_REPLACEMENT_CHAR);
		break;
	case PW_DER_T61_STRING:
		/* Read as Latin-1, as CAs that use it nearly always meant. */
		for (i = 0; i < n && !o.full; i++)
			put_cp(&o, p[i]);
		break;
	case PW_DER_UTF8_STRING:
		for (i = 0; i < n && !o.full;) {
			const char *why;
			size_t k = pw_der_int_utf8_decode(p + i, n - i, &cp, &why);
			if (k == 0) {
				cp = DER_REPLACEMENT_CHAR;
				k = 1;
			}
			put_cp(&o, cp);
			i += k;
		}
		break;
	case PW_DER_BMP_STRING:
		for (i = 0; i + 1 < n && !o.full; i += 2)
			put_cp(&o, (uint32_t)p[i] << 8 | p[i + 1]);
		if (n % 2 != 0)
			put_cp(&o, DER_REPLACEMENT_CHAR);
		break;
	case PW_DER_UNIVERSAL_STRING:
		for (i = 0; i + 3 < n && !o.full; i += 4)
			put_cp(&o, (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 |
			               p[i + 3]);
		if (n % 4 != 0)
			put_cp(&o, DER_REPLACEMENT_CHAR);
		break;
	default:
		o.n = 0;
		break;
	}
	if (buflen > 0)
		buf[o.n] = '\0';
	return o.n;
}
