/* OBJECT IDENTIFIER contents: validation (X.690 §8.19), dotted-text output
 * and dotted-text input (include/pkiward/der.h). */
#include <string.h>

#include "internal.h"
#include "pkiward/der.h"

/* An arc of up to this many base-128 octets may exceed 64 bits; longer arcs
 * (UUID OIDs under 2.25 carry 128-bit arcs, RFC 4122 §2) are converted with a
 * schoolbook base-128 to decimal division. Arcs whose decimal form cannot
 * fit the largest text buffer are refused anyway, so this bounds the work. */
#define DER_OID_BIG_ARC_OCTETS PW_DER_OID_TEXT_MAX

/* The diagnosing check, run only when the fast scan below finds a fault. */
PW_DER_COLD static int check_oid_slow(const struct pw_der *contents, struct pw_error *err)
{
	const uint8_t *p = contents->p;
	size_t n = contents->len;
	if (PW_DER_UNLIKELY(n == 0))
		return pw_der_int_fail(err, contents->off,
		                       "OBJECT IDENTIFIER with no content octets (X.690 §8.19.2)");
	if (PW_DER_UNLIKELY(p[n - 1] & 0x80))
		return pw_der_int_fail(err, contents->off + n - 1,
		                       "OBJECT IDENTIFIER last octet 0x%02X continues an arc: truncated "
		                       "(X.690 §8.19.2)",
		                       p[n - 1]);
	/* The first subidentifier carries two arcs (§8.19.4). */
	unsigned arcs = 1;
	int at_start = 1;
	for (size_t i = 0; i < n; i++) {
		if (at_start && p[i] == 0x80)
			return pw_der_int_fail(err, contents->off + i,
			                       "OBJECT IDENTIFIER subidentifier %u starts with 0x80: not minimally "
			                       "encoded (X.690 §8.19.2)",
			                       arcs);
		at_start = !(p[i] & 0x80);
		if (at_start && ++arcs > PW_DER_MAX_OID_ARCS)
			return pw_der_int_fail(err, contents->off + i,
			                       "OBJECT IDENTIFIER has more than %d arcs", PW_DER_MAX_OID_ARCS);
	}
	return 1;
}

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DER_OID_SWAR 1
/* The k (1..8) octets at p as a little-endian word, upper octets zero, with
 * no read outside p[0..k). */
static inline uint64_t load_partial(const uint8_t *p, size_t k)
{
	uint64_t w;
	if (k >= 8) {
		memcpy(&w, p, 8);
		return w;
	}
	if (k >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + k - 4, 4);
		return a | (uint64_t)b << (8 * (k - 4));
	}
	return p[0] | (uint64_t)p[k / 2] << (8 * (k / 2)) | (uint64_t)p[k - 1] << (8 * (k - 1));
}
#endif

/* Whether OID contents pass every rule, without diagnostics. Certificates
 * carry a couple of dozen OIDs, so this runs eight octets at a time: in each
 * word, the octets without the continuation bit end an arc, the octet after
 * such an end starts one, and no start may be 0x80 (X.690 §8.19.2). */
static inline int oid_ok(const uint8_t *p, size_t n)
{
	size_t ends = 0;
#ifdef DER_OID_SWAR
	const uint64_t hi = 0x8080808080808080ull, lo = 0x7F7F7F7F7F7F7F7Full;
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t bad = 0, prev_end = 0x80; /* octet 0 starts an arc */
	for (size_t i = 0; i < n; i += 8) {
		size_t k = n - i < 8 ? n - i : 8;
		uint64_t w = load_partial(p + i, k);
		uint64_t valid = k == 8 ? ~0ull : (1ull << (8 * k)) - 1;
		uint64_t end = ~w & hi & valid;
		uint64_t start = ((end << 8) | prev_end) & valid;
		uint64_t x = w ^ hi; /* zero octets where w has 0x80 */
		uint64_t is80 = ~(((x & lo) + lo) | x | lo);
		bad |= start & is80;
		ends += (size_t)(((end >> 7) * ones) >> 56);
		prev_end = (end >> (8 * (k - 1))) & 0x80;
	}
	return n != 0 && prev_end != 0 && bad == 0 && ends < PW_DER_MAX_OID_ARCS;
#else
	unsigned bad = 0, at_start = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned b = p[i];
		bad |= at_start & (b == 0x80);
		at_start = b < 0x80;
		ends += at_start;
	}
	/* `ends` subidentifiers carry ends + 1 arcs (X.690 §8.19.4). */
	return n != 0 && at_start && !bad && ends < PW_DER_MAX_OID_ARCS;
#endif
}

int pw_der_check_oid(const struct pw_der *contents, struct pw_error *err)
{
	if (PW_DER_LIKELY(oid_ok(contents->p, contents->len)))
		return 1;
	return check_oid_slow(contents, err);
}

/* Appends s[0..n) to buf at *pos, keeping room for the NUL. */
static int put(char *buf, size_t buflen, size_t *pos, const char *s, size_t n)
{
	if (n >= buflen - *pos)
		return 0;
	memcpy(buf + *pos, s, n);
	*pos += n;
	return 1;
}

static int put_u64(char *buf, size_t buflen, size_t *pos, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return put(buf, buflen, pos, tmp + i, sizeof tmp - i);
}

/* Decimal of the base-128 number p[0..n) (continuation bits ignored) minus
 * `sub` (which the number is known to exceed), for arcs beyond 64 bits. */
static int put_big(char *buf, size_t buflen, size_t *pos, const uint8_t *p, size_t n, unsigned sub)
{
	uint8_t dig[DER_OID_BIG_ARC_OCTETS];
	char dec[DER_OID_BIG_ARC_OCTETS * 3];
	size_t nd = 0;
	/* A minimal n-octet arc is at least 128^(n-1), i.e. more than
	 * 2(n-1) decimal digits: refuse early what cannot fit. */
	if (n > sizeof dig || 2 * (n - 1) >= buflen - *pos)
		return 0;
	for (size_t i = 0; i < n; i++)
		dig[i] = p[i] & 0x7f;
	/* Subtract `sub` (< 128 * 128) with borrows in base 128. */
	unsigned borrow = sub;
	for (size_t i = n; i-- > 0 && borrow != 0;) {
		unsigned low = borrow % 128;
		borrow /= 128;
		if (dig[i] >= low) {
			dig[i] = (uint8_t)(dig[i] - low);
		} else {
			dig[i] = (uint8_t)(dig[i] + 128 - low);
			borrow++;
		}
	}
	size_t first = 0;
	while (first < n) {
		unsigned rem = 0;
		for (size_t i = first; i < n; i++) {
			unsigned cur = rem * 128 + dig[i];
			dig[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
		}
		if (nd == sizeof dec)
			return 0;
		dec[nd++] = (char)('0' + rem);
		while (first < n && dig[first] == 0)
			first++;
	}
	if (nd == 0)
		dec[nd++] = '0';
	if (nd >= buflen - *pos)
		return 0;
	for (size_t i = 0; i < nd; i++)
		buf[(*pos)++] = dec[nd - 1 - i];
	return 1;
}

int pw_der_oid_to_text(const struct pw_der *oid, char *buf, size_t buflen)
{
	const uint8_t *p = oid->p;
	size_t n = oid->len, pos = 0;
	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	if (!pw_der_check_oid(oid, NULL))
		return 0;
	for (size_t i = 0, first = 1; i < n; first = 0) {
		size_t start = i;
		while (p[i] & 0x80)
			i++;
		i++;
		size_t octets = i - start;
		/* Minimal encoding (checked above) means 10 octets hold at most
		 * 64 bits exactly when the leading octet is 0x81. */
		int fits = octets < 10 || (octets == 10 && p[start] == 0x81);
		if (!first && !put(buf, buflen, &pos, ".", 1))
			goto too_small;
		if (fits) {
			uint64_t v = 0;
			for (size_t j = start; j < i; j++)
				v = (v << 7) | (p[j] & 0x7f);
			if (first) {
				/* X.690 §8.19.4: first arc 0 or 1 takes 40 second-arc
				 * values each, 2 takes everything above 79. */
				unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
				char lead[2] = { (char)('0' + a), '.' };
				if (!put(buf, buflen, &pos, lead, 2) || !put_u64(buf, buflen, &pos, v - 40u * a))
					goto too_small;
			} else if (!put_u64(buf, buflen, &pos, v)) {
				goto too_small;
			}
		} else {
			if (first && !put(buf, buflen, &pos, "2.", 2))
				goto too_small;
			if (!put_big(buf, buflen, &pos, p + start, octets, first ? 80u : 0u))
				goto too_small;
		}
	}
	buf[pos] = '\0';
	return 1;
too_small:
	buf[0] = '\0';
	return 0;
}

/* Appends v in base 128 with continuation bits (X.690 §8.19.2). */
static int put_subid(uint8_t *out, size_t cap, size_t *pos, uint64_t v)
{
	uint8_t tmp[10];
	size_t i = sizeof tmp;
	tmp[--i] = (uint8_t)(v & 0x7f);
	while ((v >>= 7) != 0)
		tmp[--i] = (uint8_t)(0x80 | (v & 0x7f));
	if (sizeof tmp - i > cap - *pos)
		return 0;
	memcpy(out + *pos, tmp + i, sizeof tmp - i);
	*pos += sizeof tmp - i;
	return 1;
}

int pw_der_oid_from_text(const char *text, size_t text_len, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
	size_t i = 0, pos = 0;
	unsigned arcs = 0;
	uint64_t first = 0;
	if (text == NULL)
		return 0;
	while (i < text_len) {
		size_t start = i;
		uint64_t v = 0;
		for (; i < text_len && text[i] >= '0' && text[i] <= '9'; i++) {
			unsigned dgt = (unsigned)(text[i] - '0');
			if (v > (UINT64_MAX - dgt) / 10)
				return 0;
			v = v * 10 + dgt;
		}
		/* Non-empty, no leading zeros ("01"), '.'-separated, no trailing dot. */
		if (i == start || (text[start] == '0' && i - start > 1))
			return 0;
		if (i < text_len) {
			if (text[i] != '.' || i + 1 == text_len)
				return 0;
			i++;
		}
		if (++arcs > PW_DER_MAX_OID_ARCS)
			return 0;
		if (arcs == 1) {
			if (v > 2)
				return 0;
			first = v;
		} else if (arcs == 2) {
			if (first < 2 && v > 39)
				return 0;
			if (v > UINT64_MAX - 80)
				return 0;
			if (!put_subid(out, out_cap, &pos, first * 40 + v))
				return 0;
		} else if (!put_subid(out, out_cap, &pos, v)) {
			return 0;
		}
	}
	if (arcs < 2)
		return 0;
	*out_len = pos;
	return 1;
}
