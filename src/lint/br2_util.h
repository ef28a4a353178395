/* pkiward — private helpers of the br2_* lint families (BR second half, EVG,
 * Community, Mozilla/Apple/Chrome root-store lints).
 *
 * Everything here reads the parsed struct pw_cert / pw_crl only: no
 * allocation, no global state. Certificate roles (root, subordinate CA,
 * subscriber, server-auth, EV) come from lint_util.h. */
#ifndef PKIWARD_LINT_BR2_UTIL_H
#define PKIWARD_LINT_BR2_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/lint.h"

/* Size of the text buffers lints use for one attribute value or name. */
#define BR2_TEXT_MAX 1024

/* Seconds in a day (the BRs count validity in whole 86,400-second days). */
#define BR2_DAY 86400

/* Unix time of 00:00:00 UTC on the given calendar date. */
int64_t br2_date(int year, int month, int day);

/* t plus the given years / months / days, normalising overflowing days into
 * the next month (so Jan 31 + 1 month = Mar 3 or 2), which is how validity
 * periods "of N months" have always been measured by linters. */
int64_t br2_add_date(int64_t t, int years, int months, int days);

/* Validity period in seconds as BR 6.3.2 counts it: notAfter is inclusive,
 * so the period is notAfter - notBefore + 1 second. */
int64_t br2_validity_seconds(const struct pw_cert *c);

/* An EV certificate: its policies include the CA/B Forum EV OID or one of
 * the CA-specific EV OIDs browsers recognised before it (EVG 7.1.6.1).
 * Compares content octets, no text conversion. */
int br2_is_ev(const struct pw_cert *c);

/* OID content octets are one of those EV policy OIDs. */
int br2_is_ev_policy_oid(const struct pw_der *oid);

/* EKU purpose at index i is a purpose well-known to certificate software
 * (the IETF, Microsoft, Apple, Adobe and Netscape purposes) rather than a
 * private one. */
int br2_eku_is_known(const struct pw_cert *c, size_t i);

/* Number of well-known EKU purposes. */
size_t br2_eku_known_count(const struct pw_cert *c);

/* Attribute of a Name holds a character string value. */
int br2_attr_is_string(const struct pw_attr *a);

/* Number of string-valued attributes of type id in a Name. */
size_t br2_name_count_str(const struct pw_name *n, enum pw_oid id);

/* Any attribute (whatever its value) of type id in a Name. */
int br2_name_has(const struct pw_name *n, enum pw_oid id);

/* First / last string-valued attribute of type id, or NULL. */
const struct pw_attr *br2_name_first(const struct pw_name *n, enum pw_oid id);
const struct pw_attr *br2_name_last(const struct pw_name *n, enum pw_oid id);

/* Writes an attribute value as UTF-8 into buf (NUL-terminated, truncated to
 * fit). BMPString and UniversalString are converted; other string types are
 * copied byte for byte. Returns the length written. */
size_t br2_attr_text(const struct pw_attr *a, char *buf, size_t buflen);

/* The subject commonName as certificate software reads it (the last CN
 * attribute), as text; "" if none. Returns the length. */
size_t br2_subject_cn(const struct pw_cert *c, char *buf, size_t buflen);

/* Parses text as an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2
 * forms, including an embedded dotted quad). out gets 16 bytes (IPv4 as
 * ::ffff:a.b.c.d). Returns 4 or 6 for the family, 0 if not an address. */
int br2_parse_ip(const char *s, size_t len, uint8_t out[16]);

/* Formats an address (4 or 16 bytes) the canonical way (RFC 5952) into buf. */
void br2_format_ip(const uint8_t *ip, size_t len, char *buf, size_t buflen);

/* The address (16 bytes, IPv4-mapped for IPv4) lies in IANA special-purpose
 * or reserved space, or is not global unicast (BR 7.1.4.2.1 "Reserved IP
 * Address"). */
int br2_ip_is_reserved(const uint8_t ip[16]);

/* Two-letter code is an ISO 3166-1 alpha-2 code (or the user-assigned XX
 * that BR 7.1.4.2.2 allows). Case-insensitive. */
int br2_is_iso_country(const uint8_t *s, size_t len);

/* Splits a DNS name at its public suffix (ICANN section of the Public Suffix
 * List, default rule "*"), the way certificate linters have always done:
 * fails (returns 0) for an empty name, a name starting with '.', or a name
 * that is itself a public suffix ("is a suffix": *out_is_suffix = 1). On
 * success *sld / *sld_len is the registrable label and *trd_len the length
 * of everything left of it (without the dot; 0 if none, the TRD then starts
 * at the name's first byte). */
int br2_psl_parse(const uint8_t *name, size_t n, const uint8_t **sld, size_t *sld_len,
                  size_t *trd_len, int *out_is_suffix);

/* Byte helpers over (pointer, length). */
int br2_has_prefix(const uint8_t *p, size_t n, const char *prefix);
int br2_has_suffix(const uint8_t *p, size_t n, const char *suffix);
int br2_has_suffix_ci(const uint8_t *p, size_t n, const char *suffix);
int br2_contains_byte(const uint8_t *p, size_t n, uint8_t b);

/* Writes "what" and a formatted message into details (snprintf-safe). */
void br2_details(char *details, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#endif
