/* pkiward — strict DER reader over a non-owning, zero-copy cursor.
 *
 * Modelled on BoringSSL's CBS: a struct pw_der is a (pointer, length) window
 * into a buffer the caller owns; every getter returns 1 on success (and
 * advances the cursor) or 0 on failure (cursor unchanged, *err filled with
 * the absolute byte offset and what was expected). A parse ends with
 * pw_der_done() to make sure nothing is left.
 *
 * "Strict" means X.690 DER (ITU-T X.690 §10, §11): definite lengths only,
 * lengths in the minimal number of octets (short form below 128), minimal
 * high-tag-number encodings, minimal INTEGERs, BOOLEAN only 0x00/0xFF, BIT
 * STRING unused bits 0..7 with zero padding, UTCTime/GeneralizedTime only in
 * the forms RFC 5280 §4.1.2.5 allows (Z, seconds present, no fraction).
 *
 * Lifetimes: nothing here allocates; every pw_der handed out points into the
 * caller's buffer and lives as long as that buffer.
 *
 * Every `err` may be NULL (no details wanted). Error offsets: header faults
 * point at the offending tag or length octet (or at the tag, for a tag
 * mismatch); content faults at the first offending content octet, or at the
 * first content octet when the content length itself is wrong. */
#ifndef PKIWARD_DER_H
#define PKIWARD_DER_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"

/* Named limits. */
#define PW_DER_MAX_TAG_NUMBER 0x1FFFFFu   /* tag numbers we represent (21 bits) */
#define PW_DER_MAX_LENGTH_OCTETS 4         /* length fields beyond 4 GiB rejected */
#define PW_DER_MAX_OID_ARCS 64             /* OIDs longer than this are rejected */
#define PW_DER_OID_TEXT_MAX 256            /* buffer size enough for any dotted OID we accept */

/* A cursor. `off` is the absolute offset of `p` within the outermost buffer,
 * kept so that errors deep inside a structure still report file offsets. */
struct pw_der {
	const uint8_t *p;
	size_t len;
	size_t off;
};

/* Tags are packed as: class (2 bits) << 30 | constructed << 29 | number.
 * Class values are those of X.690 §8.1.2.2. */
#define PW_DER_CLASS_UNIVERSAL 0u
#define PW_DER_CLASS_APPLICATION 1u
#define PW_DER_CLASS_CONTEXT 2u
#define PW_DER_CLASS_PRIVATE 3u
#define PW_DER_CONSTRUCTED (1u << 29)
#define PW_DER_TAG(cls, cons, num) (((uint32_t)(cls) << 30) | ((cons) ? PW_DER_CONSTRUCTED : 0u) | (uint32_t)(num))
#define PW_DER_TAG_CLASS(t) ((t) >> 30)
#define PW_DER_TAG_NUMBER(t) ((t) & PW_DER_MAX_TAG_NUMBER)
#define PW_DER_TAG_IS_CONSTRUCTED(t) (((t) & PW_DER_CONSTRUCTED) != 0)

/* Universal tags (primitive unless noted). */
#define PW_DER_BOOLEAN PW_DER_TAG(0, 0, 1)
#define PW_DER_INTEGER PW_DER_TAG(0, 0, 2)
#define PW_DER_BIT_STRING PW_DER_TAG(0, 0, 3)
#define PW_DER_OCTET_STRING PW_DER_TAG(0, 0, 4)
#define PW_DER_NULL PW_DER_TAG(0, 0, 5)
#define PW_DER_OID PW_DER_TAG(0, 0, 6)
#define PW_DER_ENUMERATED PW_DER_TAG(0, 0, 10)
#define PW_DER_UTF8_STRING PW_DER_TAG(0, 0, 12)
#define PW_DER_SEQUENCE PW_DER_TAG(0, 1, 16)
#define PW_DER_SET PW_DER_TAG(0, 1, 17)
#define PW_DER_NUMERIC_STRING PW_DER_TAG(0, 0, 18)
#define PW_DER_PRINTABLE_STRING PW_DER_TAG(0, 0, 19)
#define PW_DER_T61_STRING PW_DER_TAG(0, 0, 20)
#define PW_DER_IA5_STRING PW_DER_TAG(0, 0, 22)
#define PW_DER_UTC_TIME PW_DER_TAG(0, 0, 23)
#define PW_DER_GENERALIZED_TIME PW_DER_TAG(0, 0, 24)
#define PW_DER_VISIBLE_STRING PW_DER_TAG(0, 0, 26)
#define PW_DER_UNIVERSAL_STRING PW_DER_TAG(0, 0, 28)
#define PW_DER_BMP_STRING PW_DER_TAG(0, 0, 30)
/* Context-specific shorthands: [n] primitive / [n] constructed. */
#define PW_DER_CTX(n) PW_DER_TAG(PW_DER_CLASS_CONTEXT, 0, (n))
#define PW_DER_CTX_CONS(n) PW_DER_TAG(PW_DER_CLASS_CONTEXT, 1, (n))

/* Makes a cursor over buf[0..len) whose offsets start at 0. */
void pw_der_init(struct pw_der *d, const uint8_t *buf, size_t len);

/* Bytes left / absolute offset of the next byte. */
size_t pw_der_len(const struct pw_der *d);
size_t pw_der_offset(const struct pw_der *d);

/* Returns 1 if the next element has tag `tag` (does not validate it). */
int pw_der_peek_tag(const struct pw_der *d, uint32_t tag);

/* Reads the next TLV whatever its tag. On success *out_tag gets the tag,
 * *out_contents the contents (with the absolute offset of the first content
 * byte) and, if out_element is non-NULL, *out_element the whole TLV including
 * its header. Enforces the length rules above; never reads past d->len.
 * Also rejects [UNIVERSAL 0] (end-of-contents) and universal types in the
 * wrong form (constructed strings, X.690 §10.2; primitive SEQUENCE/SET).
 * out_tag and out_contents may be NULL too. */
int pw_der_get_any(struct pw_der *d, uint32_t *out_tag, struct pw_der *out_contents,
                   struct pw_der *out_element, struct pw_error *err) PW_WARN_UNUSED;

/* Reads the next TLV, which must carry `tag`; *out gets its contents.
 * `out` may be `d` itself, to descend into the element in place. */
int pw_der_get(struct pw_der *d, uint32_t tag, struct pw_der *out, struct pw_error *err) PW_WARN_UNUSED;

/* As pw_der_get, but *out gets the whole element (header included). */
int pw_der_get_element(struct pw_der *d, uint32_t tag, struct pw_der *out,
                       struct pw_error *err) PW_WARN_UNUSED;

/* If the next element carries `tag`, reads it into *out (contents) and sets
 * *out_present = 1; otherwise sets *out_present = 0 and succeeds. Fails only
 * on a malformed element of that tag. */
int pw_der_get_optional(struct pw_der *d, uint32_t tag, struct pw_der *out, int *out_present,
                        struct pw_error *err) PW_WARN_UNUSED;

/* Skips the next element (any tag). */
int pw_der_skip(struct pw_der *d, struct pw_error *err) PW_WARN_UNUSED;

/* Succeeds only if the cursor is empty; otherwise reports trailing bytes at
 * their offset, naming `what` (e.g. "certificate"). */
int pw_der_done(const struct pw_der *d, const char *what, struct pw_error *err) PW_WARN_UNUSED;

/* BOOLEAN: contents exactly one octet, 0x00 or 0xFF (X.690 §11.1). */
int pw_der_get_bool(struct pw_der *d, int *out, struct pw_error *err) PW_WARN_UNUSED;

/* INTEGER: non-empty, minimal (no redundant leading 0x00/0xFF octet, X.690
 * §8.3.2). *out gets the two's-complement content octets. */
int pw_der_get_integer(struct pw_der *d, struct pw_der *out, struct pw_error *err) PW_WARN_UNUSED;

/* Validates INTEGER contents already extracted (minimal, non-empty). */
int pw_der_check_integer(const struct pw_der *contents, struct pw_error *err) PW_WARN_UNUSED;

/* INTEGER that must be non-negative and fit in 64 bits. */
int pw_der_get_uint64(struct pw_der *d, uint64_t *out, struct pw_error *err) PW_WARN_UNUSED;

/* ENUMERATED with the INTEGER rules, value in [0, INT32_MAX]. */
int pw_der_get_enumerated(struct pw_der *d, uint32_t *out, struct pw_error *err) PW_WARN_UNUSED;

/* BIT STRING: first content octet is the unused-bit count (0..7; 0 when the
 * string is empty) and the unused bits are zero (X.690 §11.2.1). *out_bits
 * gets the octets after the count. */
int pw_der_get_bit_string(struct pw_der *d, struct pw_der *out_bits, unsigned *out_unused,
                          struct pw_error *err) PW_WARN_UNUSED;

/* NULL: zero-length contents. */
int pw_der_get_null(struct pw_der *d, struct pw_error *err) PW_WARN_UNUSED;

/* OBJECT IDENTIFIER: non-empty, every arc minimally encoded (no leading 0x80),
 * last octet ends an arc, at most PW_DER_MAX_OID_ARCS arcs. *out gets the
 * content octets. */
int pw_der_get_oid(struct pw_der *d, struct pw_der *out, struct pw_error *err) PW_WARN_UNUSED;

/* Validates OID contents already extracted. */
int pw_der_check_oid(const struct pw_der *contents, struct pw_error *err) PW_WARN_UNUSED;

/* UTCTime or GeneralizedTime in DER form: UTCTime YYMMDDHHMMSSZ (YY >= 50
 * means 19YY, RFC 5280 §4.1.2.5.1), GeneralizedTime YYYYMMDDHHMMSSZ, no
 * fractional seconds, valid calendar date and time. *out_unix gets seconds
 * since 1970-01-01T00:00:00Z (may be negative); *out_tag which type it was. */
int pw_der_get_time(struct pw_der *d, int64_t *out_unix, uint32_t *out_tag,
                    struct pw_error *err) PW_WARN_UNUSED;

/* Parses time contents already extracted, for a tag of UTCTime or
 * GeneralizedTime. `strict` = 1 applies the DER/RFC 5280 form rules above;
 * 0 additionally accepts what lints need to diagnose (missing seconds,
 * fractions, offsets) so that a lint can report them instead of a fatal. */
int pw_der_parse_time(uint32_t tag, const struct pw_der *contents, int strict, int64_t *out_unix,
                      struct pw_error *err) PW_WARN_UNUSED;

/* The forms pw_der_parse_time_ex reports in non-strict mode (bit flags). */
#define PW_DER_TIME_NO_SECONDS 0x1u /* YYMMDDHHMM / YYYYMMDDHHMM: seconds omitted */
#define PW_DER_TIME_FRACTION 0x2u   /* GeneralizedTime fractional seconds (truncated) */
#define PW_DER_TIME_OFFSET 0x4u     /* +hhmm / -hhmm instead of Z (converted to UTC) */

/* As pw_der_parse_time, and *out_forms (if non-NULL) gets the PW_DER_TIME_*
 * flags of the non-DER forms found (always 0 when strict). A time without
 * any zone (local time) is refused in both modes: it names no instant. In
 * strict mode the error names the form found ("seconds missing", ...). */
int pw_der_parse_time_ex(uint32_t tag, const struct pw_der *contents, int strict, int64_t *out_unix,
                         unsigned *out_forms, struct pw_error *err) PW_WARN_UNUSED;

/* Checks the contents of a string of universal type `tag` against its
 * character set: PrintableString (X.680 §41.4 table 10), IA5String (0x00-0x7F),
 * NumericString (digits and space), VisibleString (0x20-0x7E), UTF8String
 * (well-formed UTF-8 per RFC 3629: no overlongs, no surrogates, <= U+10FFFF),
 * BMPString (even length, no surrogates), UniversalString (multiple of 4,
 * <= U+10FFFF, no surrogates), TeletexString (accepted as bytes). Unknown
 * tags fail. The error offset is that of the first offending octet. */
int pw_der_check_string(uint32_t tag, const struct pw_der *contents, struct pw_error *err) PW_WARN_UNUSED;

/* Converts string contents of universal type `tag` to UTF-8 in buf (always
 * NUL-terminated when buflen > 0; non-representable code points become
 * U+FFFD; output is truncated to fit). Returns the number of bytes written
 * (excluding NUL), or 0 for an unknown tag. For display, never identity.
 * TeletexString is read as Latin-1; U+0000, invalid UTF-8 octets, surrogates
 * and bytes above 0x7F in the ASCII types become U+FFFD; truncation never
 * splits a UTF-8 sequence. */
size_t pw_der_string_to_utf8(uint32_t tag, const struct pw_der *contents, char *buf, size_t buflen);

/* Writes the dotted-decimal form of OID contents into buf (NUL-terminated).
 * Returns 1, or 0 if contents are not a valid OID or buf is too small.
 * Arcs of any size are converted (UUID OIDs under 2.25 have 128-bit arcs).
 * PW_DER_OID_TEXT_MAX holds every OID of at most 63 content octets. */
int pw_der_oid_to_text(const struct pw_der *oid, char *buf, size_t buflen);

/* Encodes dotted-decimal text[0..text_len) (e.g. "2.23.140.1.2.1"; not
 * NUL-terminated necessarily) as OID content octets into out[0..out_cap).
 * Arcs up to 2^64-1, at least two and at most PW_DER_MAX_OID_ARCS arcs, no
 * leading zeros, first arc 0..2 (second arc < 40 under 0 and 1). Returns 1
 * and sets *out_len, or 0 if the text is not such an OID or out is too small. */
int pw_der_oid_from_text(const char *text, size_t text_len, uint8_t *out, size_t out_cap,
                         size_t *out_len) PW_WARN_UNUSED;

/* Byte-wise equality of two windows. */
int pw_der_equal(const struct pw_der *a, const struct pw_der *b);

/* Returns a short static description of a tag ("SEQUENCE", "[3] cons",
 * "UTF8String", "OCTET STRING cons", ...) for error messages. Tag numbers
 * >= 31 are formatted into a per-thread ring of 4 buffers: such a result
 * stays valid for the next 3 calls of the same thread. */
const char *pw_der_tag_name(uint32_t tag);

#endif
