/* Strict DER reader: cursor, TLV headers, and the primitive getters
 * (include/pkiward/der.h). X.690 (08/2015) section numbers are cited where a
 * rule is enforced. Every getter works on a local copy of the cursor and
 * commits it only on success, so a failure leaves the cursor unchanged. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pkiward/der.h"

/* Universal tag numbers whose DER encoding is always primitive: BOOLEAN,
 * INTEGER, BIT STRING, OCTET STRING, NULL, OID, ObjectDescriptor, REAL,
 * ENUMERATED, UTF8String, RELATIVE-OID, TIME and every restricted character
 * string and time type. X.690 §8 makes the scalar types primitive; §10.2
 * forbids the constructed form of strings in DER. */
#define DER_UNIVERSAL_PRIMITIVE_ONLY                                                          \
	((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) |     \
	 (1u << 9) | (1u << 10) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 18) | (1u << 19) | \
	 (1u << 20) | (1u << 21) | (1u << 22) | (1u << 23) | (1u << 24) | (1u << 25) |            \
	 (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30))
/* ... and those always constructed: EXTERNAL, EMBEDDED PDV, SEQUENCE, SET,
 * CHARACTER STRING (SEQUENCE and SET: X.690 §8.9.1, §8.11.1; the other three
 * are encoded as sequences). */
#define DER_UNIVERSAL_CONSTRUCTED_ONLY ((1u << 8) | (1u << 11) | (1u << 16) | (1u << 17) | (1u << 29))

/* Largest number of octets a header can take: one leading tag octet, three
 * high-tag-number octets (21 bits), one length octet and the length octets. */
#define DER_HEADER_MAX (1 + 3 + 1 + PW_DER_MAX_LENGTH_OCTETS)

void pw_der_int_error(struct pw_error *err, size_t off, const char *fmt, ...)
{
	if (err == NULL)
		return;
	char msg[PW_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pw_error_set(err, PW_ERR_DER, 1, off, NULL, "%s", msg);
}

void pw_der_int_quote(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	if (outlen == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		int plain = c >= 0x20 && c < 0x7f && c != '\'' && c != '\\';
		/* Room for this octet, a possible "..." and the NUL. */
		if (i == PW_DER_QUOTE_MAX || o + (plain ? 1 : 4) + 4 > outlen) {
			if (o + 4 <= outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (plain) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

void pw_der_init(struct pw_der *d, const uint8_t *buf, size_t len)
{
	d->p = buf;
	d->len = buf != NULL ? len : 0;
	d->off = 0;
}

size_t pw_der_len(const struct pw_der *d)
{
	return d->len;
}

size_t pw_der_offset(const struct pw_der *d)
{
	return d->off;
}

/* Formats the header octets p[0..n) as "0x81 0x05" for length messages. */
static void hex_octets(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o + 6 <= outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s0x%02X", i ? " " : "", p[i]);
}

/* Parses an identifier (tag) at p[0..n), n > 0 (X.690 §8.1.2). On success
 * returns the number of tag octets and sets *out_tag. On failure returns 0,
 * reporting through err (which may be NULL for silent peeking). */
static inline size_t parse_tag(const uint8_t *p, size_t n, size_t base, uint32_t *out_tag,
                               struct pw_error *err)
{
	uint32_t b0 = p[0];
	uint32_t cls = b0 >> 6, cons = b0 & 0x20u, num = b0 & 0x1fu;
	size_t i = 1;
	if (PW_DER_UNLIKELY(num == 0x1f)) {
		/* High-tag-number form (§8.1.2.4): base-128, first octet not
		 * 0x80 (§8.1.2.4.2 c), and only for numbers >= 31. */
		num = 0;
		for (;;) {
			if (i >= n)
				return pw_der_int_fail(err, base + i,
				                       "expected another tag number octet, found end of data");
			uint32_t b = p[i];
			if (num == 0 && b == 0x80)
				return pw_der_int_fail(err, base + i,
				                       "tag number octet 0x80: leading zero in high-tag-number form "
				                       "(X.690 §8.1.2.4.2)");
			if (num > (PW_DER_MAX_TAG_NUMBER >> 7))
				return pw_der_int_fail(err, base,
				                       "tag number exceeds the supported maximum 0x%X",
				                       (unsigned)PW_DER_MAX_TAG_NUMBER);
			num = (num << 7) | (b & 0x7f);
			i++;
			if (!(b & 0x80))
				break;
		}
		if (num < 31)
			return pw_der_int_fail(err, base,
			                       "tag number %u in high-tag-number form; numbers below 31 "
			                       "use the single-octet form (X.690 §8.1.2.2)",
			                       (unsigned)num);
	} else if (cls == PW_DER_CLASS_UNIVERSAL) {
		if (PW_DER_UNLIKELY(num == 0))
			return pw_der_int_fail(err, base,
			                       "tag 0x%02X: [UNIVERSAL 0] is reserved for end-of-contents, "
			                       "which DER never uses (X.690 §8.1.5, §10.1)",
			                       (unsigned)b0);
		if (PW_DER_UNLIKELY(cons ? (DER_UNIVERSAL_PRIMITIVE_ONLY >> num) & 1u
		                         : (DER_UNIVERSAL_CONSTRUCTED_ONLY >> num) & 1u))
			return pw_der_int_fail(err, base, "tag 0x%02X: %s must use the %s form in DER (X.690 §10.2)",
			                       (unsigned)b0, pw_der_tag_name(PW_DER_TAG(cls, !cons, num)),
			                       cons ? "primitive" : "constructed");
	}
	*out_tag = PW_DER_TAG(cls, cons, num);
	return i;
}

/* Parses a whole TLV header at the cursor, every form, with diagnostics.
 * On success sets *out_tag, the header length and the contents length (which
 * is known to fit in what is left of the cursor). `expect` is the tag wanted
 * (0 = any); a mismatch is reported before the length is looked at. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int parse_header_slow(const struct pw_der *d, uint32_t expect, uint32_t *out_tag,
                             size_t *out_hdr, size_t *out_len, struct pw_error *err)
{
	const uint8_t *p = d->p;
	size_t n = d->len, base = d->off;
	uint32_t tag;

	if (PW_DER_UNLIKELY(n == 0)) {
		if (expect != 0)
			return pw_der_int_fail(err, base, "expected %s, found end of data",
			                       pw_der_tag_name(expect));
		return pw_der_int_fail(err, base, "expected an element, found end of data");
	}
	/* Fast path: a single-octet tag equal to the one wanted needs no
	 * further checks (the wanted tag is well-formed by construction). */
	size_t i;
	if (expect != 0 && PW_DER_TAG_NUMBER(expect) < 31 &&
	    p[0] == (uint8_t)((PW_DER_TAG_CLASS(expect) << 6) | (PW_DER_TAG_IS_CONSTRUCTED(expect) ? 0x20u : 0u) |
	                      PW_DER_TAG_NUMBER(expect))) {
		tag = expect;
		i = 1;
	} else {
		i = parse_tag(p, n, base, &tag, err);
		if (i == 0)
			return 0;
		if (expect != 0 && tag != expect)
			return pw_der_int_fail(err, base, "expected %s, found %s", pw_der_tag_name(expect),
			                       pw_der_tag_name(tag));
	}

	/* Length octets (§8.1.3) under the DER rules of §10.1. */
	if (PW_DER_UNLIKELY(i >= n))
		return pw_der_int_fail(err, base + i, "expected a length octet after %s, found end of data",
		                       pw_der_tag_name(tag));
	size_t lenoff = i;
	size_t len = p[i++];
	if (PW_DER_UNLIKELY(len >= 0x80)) {
		size_t k = len & 0x7f;
		char hx[8 * (PW_DER_MAX_LENGTH_OCTETS + 1)];
		if (len == 0x80)
			return pw_der_int_fail(err, base + lenoff,
			                       "length 0x80: indefinite length is not allowed in DER (X.690 §10.1)");
		if (len == 0xff)
			return pw_der_int_fail(err, base + lenoff,
			                       "length 0xFF: reserved value (X.690 §8.1.3.5)");
		if (k > PW_DER_MAX_LENGTH_OCTETS)
			return pw_der_int_fail(err, base + lenoff,
			                       "length 0x%02X: %zu length octets, more than the %d supported",
			                       (unsigned)len, k, PW_DER_MAX_LENGTH_OCTETS);
		if (k > n - i)
			return pw_der_int_fail(err, base + lenoff,
			                       "length 0x%02X: expected %zu length octets, found %zu before end of data",
			                       (unsigned)len, k, n - i);
		if (p[i] == 0) {
			hex_octets(p + lenoff, k + 1, hx, sizeof hx);
			return pw_der_int_fail(err, base + lenoff,
			                       "length %s: leading zero length octet, not minimal (X.690 §10.1)", hx);
		}
		len = 0;
		for (size_t j = 0; j < k; j++)
			len = (len << 8) | p[i + j];
		if (len < 0x80) {
			hex_octets(p + lenoff, k + 1, hx, sizeof hx);
			return pw_der_int_fail(err, base + lenoff,
			                       "length %s: long form for a length < 128 (X.690 §10.1)", hx);
		}
		i += k;
	}
	if (PW_DER_UNLIKELY(len > n - i))
		return pw_der_int_fail(err, base + lenoff,
		                       "length %zu of %s exceeds the %zu bytes left", len, pw_der_tag_name(tag),
		                       n - i);
	*out_tag = tag;
	*out_hdr = i;
	*out_len = len;
	return 1;
}

/* Universal tag numbers the single-octet fast path must not accept in the
 * constructed / primitive form: the wrong-form types above, [UNIVERSAL 0],
 * and 31 (the high-tag-number escape). */
#define DER_FAST_BAD_CONSTRUCTED (DER_UNIVERSAL_PRIMITIVE_ONLY | 1u | (1u << 31))
#define DER_FAST_BAD_PRIMITIVE (DER_UNIVERSAL_CONSTRUCTED_ONLY | 1u | (1u << 31))

/* The header parse every getter runs. It takes the shapes that make up
 * nearly all of a certificate without any error-reporting state: a
 * single-octet tag (low number, allowed form) and a length in short form or
 * long form with one or two octets, all within bounds and minimal. Anything
 * else, valid or not, goes to parse_header_slow(), which decides and
 * explains. */
static inline int parse_header(const struct pw_der *d, uint32_t expect, uint32_t *out_tag,
                               size_t *out_hdr, size_t *out_len, struct pw_error *err)
{
	const uint8_t *p = d->p;
	size_t n = d->len;
	if (PW_DER_LIKELY(n >= 2)) {
		uint32_t b0 = p[0], num = b0 & 0x1fu;
		uint32_t bad = (b0 & 0x20u) ? DER_FAST_BAD_CONSTRUCTED : DER_FAST_BAD_PRIMITIVE;
		if (b0 >= 0x40 ? num != 0x1f : !((bad >> num) & 1u)) {
			uint32_t tag = ((b0 >> 6) << 30) | ((b0 & 0x20u) << 24) | num;
			size_t len = p[1], hdr = 2;
			if (len >= 0x80) {
				if (len == 0x81 && n >= 3 && p[2] >= 0x80) {
					len = p[2];
					hdr = 3;
				} else if (len == 0x82 && n >= 4 && p[2] != 0) {
					len = (size_t)p[2] << 8 | p[3];
					hdr = 4;
				} else {
					goto slow;
				}
			}
			if ((expect == 0 || tag == expect) && len <= n - hdr) {
				*out_tag = tag;
				*out_hdr = hdr;
				*out_len = len;
				return 1;
			}
		}
	}
slow:;
	/* Separate variables, so that only these live in memory: the caller's
	 * stay in registers on the fast path. */
	uint32_t stag;
	size_t shdr, slen;
	if (!parse_header_slow(d, expect, &stag, &shdr, &slen, err))
		return 0;
	*out_tag = stag;
	*out_hdr = shdr;
	*out_len = slen;
	return 1;
}

/* Advances d past a header of `hdr` and contents of `len` octets, handing
 * out the contents and/or the element. d is updated first so that an output
 * may be d itself (descending into an element in place). */
static inline void take(struct pw_der *d, size_t hdr, size_t len, struct pw_der *out_contents,
                        struct pw_der *out_element)
{
	const uint8_t *p = d->p;
	size_t n = d->len, off = d->off, total = hdr + len;
	d->p = p + total;
	d->len = n - total;
	d->off = off + total;
	if (out_element != NULL) {
		out_element->p = p;
		out_element->len = total;
		out_element->off = off;
	}
	if (out_contents != NULL) {
		out_contents->p = p + hdr;
		out_contents->len = len;
		out_contents->off = off + hdr;
	}
}

/* pw_der_get for use inside this file, inlined into the typed getters. */
static inline int get_inline(struct pw_der *d, uint32_t tag, struct pw_der *out, struct pw_error *err)
{
	uint32_t t;
	size_t hdr, len;
	if (!parse_header(d, tag, &t, &hdr, &len, err))
		return 0;
	take(d, hdr, len, out, NULL);
	return 1;
}

int pw_der_peek_tag(const struct pw_der *d, uint32_t tag)
{
	uint32_t t;
	if (d->len == 0)
		return 0;
	if (parse_tag(d->p, d->len, d->off, &t, NULL) == 0)
		return 0;
	return t == tag;
}

int pw_der_get_any(struct pw_der *d, uint32_t *out_tag, struct pw_der *out_contents,
                   struct pw_der *out_element, struct pw_error *err)
{
	uint32_t tag;
	size_t hdr, len;
	if (!parse_header(d, 0, &tag, &hdr, &len, err))
		return 0;
	if (out_tag != NULL)
		*out_tag = tag;
	take(d, hdr, len, out_contents, out_element);
	return 1;
}

int pw_der_get(struct pw_der *d, uint32_t tag, struct pw_der *out, struct pw_error *err)
{
	return get_inline(d, tag, out, err);
}

int pw_der_get_element(struct pw_der *d, uint32_t tag, struct pw_der *out, struct pw_error *err)
{
	uint32_t t;
	size_t hdr, len;
	if (!parse_header(d, tag, &t, &hdr, &len, err))
		return 0;
	take(d, hdr, len, NULL, out);
	return 1;
}

int pw_der_get_optional(struct pw_der *d, uint32_t tag, struct pw_der *out, int *out_present,
                        struct pw_error *err)
{
	if (!pw_der_peek_tag(d, tag)) {
		*out_present = 0;
		return 1;
	}
	if (!get_inline(d, tag, out, err))
		return 0;
	*out_present = 1;
	return 1;
}

int pw_der_skip(struct pw_der *d, struct pw_error *err)
{
	return pw_der_get_any(d, NULL, NULL, NULL, err);
}

int pw_der_done(const struct pw_der *d, const char *what, struct pw_error *err)
{
	if (PW_DER_LIKELY(d->len == 0))
		return 1;
	return pw_der_int_fail(err, d->off, "expected end of %s, found %zu trailing byte%s",
	                       what != NULL ? what : "data", d->len, d->len == 1 ? "" : "s");
}

int pw_der_get_bool(struct pw_der *d, int *out, struct pw_error *err)
{
	struct pw_der c, t = *d;
	if (!get_inline(&t, PW_DER_BOOLEAN, &c, err))
		return 0;
	if (c.len != 1)
		return pw_der_int_fail(err, c.off, "BOOLEAN with %zu content octets, expected 1 (X.690 §8.2.1)",
		                       c.len);
	if (c.p[0] != 0x00 && c.p[0] != 0xff)
		return pw_der_int_fail(err, c.off, "BOOLEAN value 0x%02X, expected 0x00 or 0xFF (X.690 §11.1)",
		                       c.p[0]);
	*out = c.p[0] != 0;
	*d = t;
	return 1;
}

int pw_der_check_integer(const struct pw_der *contents, struct pw_error *err)
{
	const uint8_t *p = contents->p;
	if (PW_DER_UNLIKELY(contents->len == 0))
		return pw_der_int_fail(err, contents->off, "INTEGER with no content octets (X.690 §8.3.1)");
	/* §8.3.2: the first nine bits must not be all zeros or all ones. */
	if (contents->len > 1 && ((p[0] == 0x00 && !(p[1] & 0x80)) || (p[0] == 0xff && (p[1] & 0x80))))
		return pw_der_int_fail(err, contents->off,
		                       "INTEGER 0x%02X 0x%02X...: redundant leading octet, not minimal (X.690 §8.3.2)",
		                       p[0], p[1]);
	return 1;
}

int pw_der_get_integer(struct pw_der *d, struct pw_der *out, struct pw_error *err)
{
	struct pw_der c, t = *d;
	if (!get_inline(&t, PW_DER_INTEGER, &c, err) || !pw_der_check_integer(&c, err))
		return 0;
	*out = c;
	*d = t;
	return 1;
}

/* Value of checked INTEGER contents as a non-negative integer up to `max`. */
static int integer_value(const struct pw_der *c, const char *what, uint64_t max, uint64_t *out,
                         struct pw_error *err)
{
	if (c->p[0] & 0x80)
		return pw_der_int_fail(err, c->off, "%s is negative, expected a value in [0, %llu]", what,
		                       (unsigned long long)max);
	size_t i = c->p[0] == 0 ? 1 : 0;
	if (c->len - i > 8)
		goto too_large;
	uint64_t v = 0;
	for (; i < c->len; i++)
		v = (v << 8) | c->p[i];
	if (v > max)
		goto too_large;
	*out = v;
	return 1;
too_large:
	return pw_der_int_fail(err, c->off, "%s of %zu octets is too large, expected a value in [0, %llu]",
	                       what, c->len, (unsigned long long)max);
}

int pw_der_get_uint64(struct pw_der *d, uint64_t *out, struct pw_error *err)
{
	struct pw_der c, t = *d;
	uint64_t v;
	if (!get_inline(&t, PW_DER_INTEGER, &c, err) || !pw_der_check_integer(&c, err) ||
	    !integer_value(&c, "INTEGER", UINT64_MAX, &v, err))
		return 0;
	*out = v;
	*d = t;
	return 1;
}

int pw_der_get_enumerated(struct pw_der *d, uint32_t *out, struct pw_error *err)
{
	struct pw_der c, t = *d;
	uint64_t v;
	/* ENUMERATED is encoded as an INTEGER (X.690 §8.4). */
	if (!get_inline(&t, PW_DER_ENUMERATED, &c, err) || !pw_der_check_integer(&c, err) ||
	    !integer_value(&c, "ENUMERATED", INT32_MAX, &v, err))
		return 0;
	*out = (uint32_t)v;
	*d = t;
	return 1;
}

int pw_der_get_bit_string(struct pw_der *d, struct pw_der *out_bits, unsigned *out_unused,
                          struct pw_error *err)
{
	struct pw_der c, t = *d;
	if (!get_inline(&t, PW_DER_BIT_STRING, &c, err))
		return 0;
	if (c.len == 0)
		return pw_der_int_fail(err, c.off,
		                       "BIT STRING with no content octets, expected the unused-bits octet "
		                       "(X.690 §8.6.2)");
	unsigned unused = c.p[0];
	if (unused > 7)
		return pw_der_int_fail(err, c.off, "BIT STRING unused-bits count %u, expected 0..7 (X.690 §8.6.2.2)",
		                       unused);
	if (c.len == 1 && unused != 0)
		return pw_der_int_fail(err, c.off,
		                       "empty BIT STRING with unused-bits count %u, expected 0 (X.690 §8.6.2.3)",
		                       unused);
	if (unused != 0 && (c.p[c.len - 1] & ((1u << unused) - 1)) != 0)
		return pw_der_int_fail(err, c.off + c.len - 1,
		                       "BIT STRING last octet 0x%02X has non-zero bits in its %u unused bits "
		                       "(X.690 §11.2.1)",
		                       c.p[c.len - 1], unused);
	out_bits->p = c.p + 1;
	out_bits->len = c.len - 1;
	out_bits->off = c.off + 1;
	*out_unused = unused;
	*d = t;
	return 1;
}

int pw_der_get_null(struct pw_der *d, struct pw_error *err)
{
	struct pw_der c, t = *d;
	if (!get_inline(&t, PW_DER_NULL, &c, err))
		return 0;
	if (c.len != 0)
		return pw_der_int_fail(err, c.off, "NULL with %zu content octets, expected none (X.690 §8.8.2)",
		                       c.len);
	*d = t;
	return 1;
}

int pw_der_get_oid(struct pw_der *d, struct pw_der *out, struct pw_error *err)
{
	struct pw_der c, t = *d;
	if (!get_inline(&t, PW_DER_OID, &c, err) || !pw_der_check_oid(&c, err))
		return 0;
	*out = c;
	*d = t;
	return 1;
}

int pw_der_get_time(struct pw_der *d, int64_t *out_unix, uint32_t *out_tag, struct pw_error *err)
{
	struct pw_der c, t = *d;
	uint32_t tag;
	int64_t v;
	if (pw_der_peek_tag(&t, PW_DER_UTC_TIME))
		tag = PW_DER_UTC_TIME;
	else if (pw_der_peek_tag(&t, PW_DER_GENERALIZED_TIME))
		tag = PW_DER_GENERALIZED_TIME;
	else if (t.len == 0)
		return pw_der_int_fail(err, t.off, "expected UTCTime or GeneralizedTime, found end of data");
	else {
		uint32_t found;
		if (parse_tag(t.p, t.len, t.off, &found, err) == 0)
			return 0;
		return pw_der_int_fail(err, t.off, "expected UTCTime or GeneralizedTime, found %s",
		                       pw_der_tag_name(found));
	}
	if (!get_inline(&t, tag, &c, err) || !pw_der_parse_time(tag, &c, 1, &v, err))
		return 0;
	*out_unix = v;
	if (out_tag != NULL)
		*out_tag = tag;
	*d = t;
	return 1;
}

int pw_der_equal(const struct pw_der *a, const struct pw_der *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Tag names. Every tag with a number below 31 has a static string; the rare
 * high-tag-number forms are formatted into a small per-thread ring. */
#define DER_R31(F)                                                                                 \
	F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15) F(16) \
	F(17) F(18) F(19) F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29) F(30)
#define DER_APP_P(n) "[APPLICATION " #n "]",
#define DER_APP_C(n) "[APPLICATION " #n "] cons",
#define DER_CTX_P(n) "[" #n "]",
#define DER_CTX_C(n) "[" #n "] cons",
#define DER_PRV_P(n) "[PRIVATE " #n "]",
#define DER_PRV_C(n) "[PRIVATE " #n "] cons",

/* [class - 1][constructed][number] for the non-universal classes. */
static const char *const tag_names_other[3][2][31] = {
	{ { DER_R31(DER_APP_P) }, { DER_R31(DER_APP_C) } },
	{ { DER_R31(DER_CTX_P) }, { DER_R31(DER_CTX_C) } },
	{ { DER_R31(DER_PRV_P) }, { DER_R31(DER_PRV_C) } },
};

/* [constructed][number]; the form DER prescribes carries the bare name. */
static const char *const tag_names_universal[2][31] = {
	{ "[UNIVERSAL 0]", "BOOLEAN", "INTEGER", "BIT STRING", "OCTET STRING", "NULL",
	  "OBJECT IDENTIFIER", "ObjectDescriptor", "EXTERNAL prim", "REAL", "ENUMERATED",
	  "EMBEDDED PDV prim", "UTF8String", "RELATIVE-OID", "TIME", "[UNIVERSAL 15]",
	  "SEQUENCE prim", "SET prim", "NumericString", "PrintableString", "TeletexString",
	  "VideotexString", "IA5String", "UTCTime", "GeneralizedTime", "GraphicString",
	  "VisibleString", "GeneralString", "UniversalString", "CHARACTER STRING prim", "BMPString" },
	{ "[UNIVERSAL 0] cons", "BOOLEAN cons", "INTEGER cons", "BIT STRING cons", "OCTET STRING cons",
	  "NULL cons", "OBJECT IDENTIFIER cons", "ObjectDescriptor cons", "EXTERNAL", "REAL cons",
	  "ENUMERATED cons", "EMBEDDED PDV", "UTF8String cons", "RELATIVE-OID cons", "TIME cons",
	  "[UNIVERSAL 15] cons", "SEQUENCE", "SET", "NumericString cons", "PrintableString cons",
	  "TeletexString cons", "VideotexString cons", "IA5String cons", "UTCTime cons",
	  "GeneralizedTime cons", "GraphicString cons", "VisibleString cons", "GeneralString cons",
	  "UniversalString cons", "CHARACTER STRING", "BMPString cons" },
};

#define DER_TAG_NAME_RING 4
#define DER_TAG_NAME_LEN 40

const char *pw_der_tag_name(uint32_t tag)
{
	static const char *const cls_names[4] = { "UNIVERSAL ", "APPLICATION ", "", "PRIVATE " };
	static _Thread_local char ring[DER_TAG_NAME_RING][DER_TAG_NAME_LEN];
	static _Thread_local unsigned next;
	uint32_t cls = PW_DER_TAG_CLASS(tag), num = PW_DER_TAG_NUMBER(tag);
	int cons = PW_DER_TAG_IS_CONSTRUCTED(tag);

	if (num < 31) {
		if (cls == PW_DER_CLASS_UNIVERSAL)
			return tag_names_universal[cons][num];
		return tag_names_other[cls - 1][cons][num];
	}
	char *s = ring[next++ % DER_TAG_NAME_RING];
	snprintf(s, DER_TAG_NAME_LEN, "[%s%u]%s", cls_names[cls], (unsigned)num, cons ? " cons" : "");
	return s;
}
