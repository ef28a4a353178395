/* pkiward lint — private helpers of the rfc_* lint families (zlint lints
 * whose source is an RFC: /work/notes/lints_rfc.tsv).
 *
 * Everything here reads struct pw_der windows into the certificate (never
 * NUL-terminated strings) and does not allocate, except rfc_is_nfc(), which
 * is reached only for non-ASCII text (IDN U-labels, policy explicitText). */
#ifndef PW_LINT_RFC_UTIL_H
#define PW_LINT_RFC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/lint.h"

/* One registry row (include/pkiward/lint.h struct pw_lint_def) of an rfc
 * family; lints zlint has no ineffective date for never expire. */
#define RFC_CERT_ROW_F(nm, sev, src, cite, desc, eff, app, chk, fl)                             \
	{ .name = (nm), .severity = (sev), .source = (src), .target = PW_TARGET_CERT,         \
	  .citation = (cite), .description = (desc), .effective = (eff), .ineffective = NULL, \
	  .applies = (app), .check = (chk), .flags = (fl) }
#define RFC_CERT_ROW(nm, sev, src, cite, desc, eff, app, chk)                                   \
	RFC_CERT_ROW_F(nm, sev, src, cite, desc, eff, app, chk, 0)
#define RFC_CRL_ROW(nm, sev, src, cite, desc, eff, app, chk)                                    \
	{ .name = (nm), .severity = (sev), .source = (src), .target = PW_TARGET_CRL,          \
	  .citation = (cite), .description = (desc), .effective = (eff), .ineffective = NULL, \
	  .applies = (app), .check = (chk), .flags = 0 }

/* keyUsage bits as decoded in pw_cert_exts.ku.bits (RFC 5280 §4.2.1.3:
 * bit 0 = digitalSignature ... bit 8 = decipherOnly). */
#define RFC_KU_DIGITAL_SIGNATURE (1u << 0)
#define RFC_KU_CONTENT_COMMITMENT (1u << 1)
#define RFC_KU_KEY_ENCIPHERMENT (1u << 2)
#define RFC_KU_DATA_ENCIPHERMENT (1u << 3)
#define RFC_KU_KEY_AGREEMENT (1u << 4)
#define RFC_KU_KEY_CERT_SIGN (1u << 5)
#define RFC_KU_CRL_SIGN (1u << 6)
#define RFC_KU_ENCIPHER_ONLY (1u << 7)
#define RFC_KU_DECIPHER_ONLY (1u << 8)
/* The nine named bits; later bits are not KeyUsage values. */
#define RFC_KU_NAMED_MASK 0x1FFu

/* Longest URI/host text the URI helpers look at; longer values are judged
 * as not a host (RFC 7230 recommends supporting 8000 octets for URIs; a
 * certificate name beyond this is certainly malformed). */
#define RFC_URI_MAX 8192

/* A URI split the way a generic RFC 3986 reader splits it (scheme ":"
 * hier-part / opaque part, authority, path), all windows into the input. */
struct rfc_uri {
	struct pw_der scheme;  /* empty when the reference has no scheme */
	struct pw_der opaque;  /* the rest after "scheme:" when it does not start with "/" */
	int has_userinfo;      /* "user@" was present in the authority */
	struct pw_der host;    /* authority without userinfo (port kept), or empty */
	struct pw_der path;    /* path (query and fragment removed) */
};

/* Splits a URI reference. Returns 1, or 0 when it is malformed: control
 * characters, a leading ":" (empty scheme), a colon in the first segment of
 * a scheme-less reference, bad %-escapes, an invalid port, or a character
 * that cannot appear in a host (RFC 3986 §3.2.2) or in userinfo (§3.2.1). */
int rfc_uri_parse(const uint8_t *p, size_t n, struct rfc_uri *out);

/* 1 if `host` (optionally "*."-prefixed, optionally with ":port") is a fully
 * qualified domain name: at least two dot-separated labels of letters,
 * digits, hyphens (and underscores outside the last label), each starting
 * and ending with a letter or digit, or an IPv4/bracketed IPv6 literal. */
int rfc_host_is_fqdn(const uint8_t *p, size_t n);

/* 1 if the text is an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2
 * text forms, including an embedded dotted quad). */
int rfc_text_is_ip(const uint8_t *p, size_t n);

/* 1 if every octet is below 0x80 (IA5String, X.680 §41.4). */
int rfc_is_ascii(const uint8_t *p, size_t n);

/* Number of characters of a string value of universal type `tag`: code
 * points for UTF8String (each invalid octet counts as one), BMPString and
 * UniversalString; octets otherwise. */
size_t rfc_char_count(uint32_t tag, const struct pw_der *v);

/* 1 if the attribute value is a character string type. */
int rfc_tag_is_string(uint32_t tag);

/* Decodes a Punycode label body (RFC 3492 §6.2, the part after "xn--")
 * into at most `cap` code points. Returns the number written, or -1 when
 * the input is not valid Punycode or decodes to more than `cap` code points. */
long rfc_punycode_decode(const uint8_t *p, size_t n, uint32_t *out, size_t cap);

/* 1 if the code points are in Unicode Normalization Form C (UAX #15);
 * 0 if not; -1 if it cannot be determined (built without ICU or out of
 * memory). Allocation-free for ASCII. */
int rfc_is_nfc_u32(const uint32_t *cp, size_t n);
/* The same for UTF-16BE octets (BMPString) and UTF-8 octets (UTF8String). */
int rfc_is_nfc_utf16be(const uint8_t *p, size_t n);
int rfc_is_nfc_utf8(const uint8_t *p, size_t n);

/* Walks a DER SEQUENCE given as the whole element in `value` (an extension
 * value): returns 1 and sets *out_contents if it is exactly one SEQUENCE. */
int rfc_get_sequence(const struct pw_der *value, struct pw_der *out_contents);

/* The first extension with this id, or NULL. */
const struct pw_ext *rfc_ext(const struct pw_cert *c, enum pw_oid id);

/* Number of attributes of this type whose value is a character string. */
size_t rfc_name_count_strings(const struct pw_name *n, enum pw_oid id);

#endif
