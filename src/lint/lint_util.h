/* STATUS: usable */
/* pkiward lint — shared predicates for lint families (private to src/lint).
 *
 * These answer the questions zlint's v3/util package answers, with the same
 * semantics, so that our NA/pass/error verdicts agree with zlint's:
 *
 *   is_ca          basicConstraints cA = TRUE                 (util.IsCACert)
 *   self_signed    subject == issuer (byte-equal) AND the signature verifies
 *                  with the certificate's own key; zcrypto's SelfSigned flag.
 *                  Computed once per lint call by the engine (ctx->self_signed);
 *                  for an unsigned TBS it is "self-issued".
 *   is_root        is_ca && self_signed                       (util.IsRootCA)
 *   is_subca       is_ca && !self_signed                      (util.IsSubCA)
 *   is_subscriber  !is_ca && !self_signed                     (util.IsSubscriberCert)
 *   is_server_auth no EKU, or anyEKU / serverAuth, or a CABF TLS policy OID
 *                  (DV/OV/IV/EV)                              (util.IsServerAuthCert)
 *
 * Everything here is allocation-free and cheap (a few comparisons), so
 * checks may call them freely in the hot path (≥ 50k certs/s with ~361 lints).
 * Strings from certificates are never NUL-terminated: helpers take struct
 * pw_der windows. */
#ifndef PW_LINT_UTIL_H
#define PW_LINT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/lint.h"

/* ---- Dates ------------------------------------------------------------ */

/* Unix seconds of YYYY-MM-DD 00:00:00 UTC as a constant expression (civil
 * day count, proleptic Gregorian; valid for years 0..9999). */
#define PW_LINT_DAYS_(y, m, d) \
	((int64_t)(((y) - ((m) <= 2)) / 400) * 146097 + \
	 (int64_t)((((y) - ((m) <= 2)) % 400) * 365 + (((y) - ((m) <= 2)) % 400) / 4 - \
	           (((y) - ((m) <= 2)) % 400) / 100 + \
	           (153 * ((m) + ((m) > 2 ? -3 : 9)) + 2) / 5 + (d) - 1) - 719468)
#define PW_LINT_YMD(y, m, d) (PW_LINT_DAYS_((y), (m), (d)) * 86400)

/* Dates zlint's rules key on (v3/util/time.go), as Unix seconds. Lint rows
 * carry their effective dates as "YYYY-MM-DD" strings; these are for checks
 * whose logic changes at a date (e.g. "since BR 2.0.0 ..."). */
#define PW_DATE_RFC2459 PW_LINT_YMD(1999, 1, 1)
#define PW_DATE_RFC3279 PW_LINT_YMD(2002, 4, 1)
#define PW_DATE_RFC3280 PW_LINT_YMD(2002, 4, 1)
#define PW_DATE_RFC5280 PW_LINT_YMD(2008, 5, 1)
#define PW_DATE_RFC6818 PW_LINT_YMD(2013, 1, 1)
#define PW_DATE_RFC6962 PW_LINT_YMD(2013, 6, 1)
#define PW_DATE_RFC8813 PW_LINT_YMD(2020, 8, 1)
#define PW_DATE_CABF_EFFECTIVE PW_LINT_YMD(2012, 7, 1)       /* BR 1.0 in force */
#define PW_DATE_CABF_RESERVED_IP PW_LINT_YMD(2016, 10, 1)
#define PW_DATE_CABF_SERIAL_ENTROPY PW_LINT_YMD(2016, 9, 30) /* ballot 164: 64 bits */
#define PW_DATE_CABF_V130 PW_LINT_YMD(2015, 4, 16)
#define PW_DATE_CABF_V170 PW_LINT_YMD(2020, 1, 31)
#define PW_DATE_NO_SHA1 PW_LINT_YMD(2016, 1, 1)
#define PW_DATE_SUB_CERT_39_MONTH PW_LINT_YMD(2016, 7, 2)
#define PW_DATE_SUB_CERT_825_DAYS PW_LINT_YMD(2018, 3, 2)
#define PW_DATE_APPLE_398_DAYS PW_LINT_YMD(2020, 9, 1)
#define PW_DATE_CABF_BRS_1_7_1 PW_LINT_YMD(2020, 8, 20)
#define PW_DATE_CABF_BRS_1_8_0 PW_LINT_YMD(2021, 8, 25)
#define PW_DATE_CABF_BRS_2_0_0 PW_LINT_YMD(2023, 9, 15)      /* SC-62 profiles */
#define PW_DATE_CABF_BRS_2_0_1 PW_LINT_YMD(2024, 3, 15)
#define PW_DATE_NO_RESERVED_DOMAIN_LABELS PW_LINT_YMD(2021, 10, 1)
#define PW_DATE_OU_PROHIBITED PW_LINT_YMD(2022, 9, 1)
#define PW_DATE_SC081_FIRST PW_LINT_YMD(2026, 3, 15)         /* BR 6.3.2: 200 days */
#define PW_DATE_SC081_SECOND PW_LINT_YMD(2027, 3, 15)        /* 100 days */
#define PW_DATE_SC081_THIRD PW_LINT_YMD(2029, 3, 15)         /* 47 days */

#define PW_LINT_DAY_SECONDS 86400

/* Parses "YYYY-MM-DD" (exactly that form) into Unix seconds at 00:00 UTC.
 * Returns 1, or 0 if the text is not a valid date. */
int pw_lint_parse_date(const char *ymd, int64_t *out);

/* Validity in seconds as zlint measures it: notAfter - notBefore + 1 (both
 * ends inclusive, BR 6.3.2 "validity period"). */
int64_t pw_lint_validity_seconds(const struct pw_cert *c);

/* Validity in whole days, rounded up (zlint's CertificateValidityInDays). */
int64_t pw_lint_validity_days(const struct pw_cert *c);

/* ---- Certificate roles (zlint v3/util/ca.go, eku.go) ------------------ */

int pw_lint_is_ca(const struct pw_lint_ctx *ctx);
int pw_lint_is_self_signed(const struct pw_lint_ctx *ctx);
int pw_lint_is_root(const struct pw_lint_ctx *ctx);
int pw_lint_is_subca(const struct pw_lint_ctx *ctx);
int pw_lint_is_subscriber(const struct pw_lint_ctx *ctx);
/* Server-auth certificate per zlint (the BR source gate); see top. */
int pw_lint_is_server_auth(const struct pw_cert *c);
/* id-kp-OCSPSigning present (zlint IsDelegatedOCSPResponderCert). */
int pw_lint_is_ocsp_responder(const struct pw_cert *c);

/* Returns 1 if the EKU extension lists `eku` (anyExtendedKeyUsage is NOT
 * treated as a wildcard here). */
int pw_lint_has_eku(const struct pw_cert *c, enum pw_oid eku);

/* Computes zcrypto's SelfSigned: subject and issuer byte-equal and the
 * signature verifies with the certificate's own SPKI (OpenSSL; only reached
 * for self-issued certificates). For kind TBS: returns is_self_issued. The
 * engine calls this once per certificate; checks read ctx->self_signed. */
int pw_lint_compute_self_signed(const struct pw_cert *c);

/* ---- Policies (BR 7.1.6.1, EVG 9.3.2) -------------------------------- */

/* Returns 1 if certificatePolicies contains `id`. */
int pw_lint_has_policy(const struct pw_cert *c, enum pw_oid id);
/* CABF reserved policy present: DV 2.23.140.1.2.1, OV .2.2, IV .2.3. */
int pw_lint_is_dv(const struct pw_cert *c);
int pw_lint_is_ov(const struct pw_cert *c);
int pw_lint_is_iv(const struct pw_cert *c);
/* EV per zlint util.IsEV: the CABF EV OID 2.23.140.1.1 or one of the
 * CA-specific EV policy OIDs zlint knows (v3/util/ev.go list). */
int pw_lint_is_ev(const struct pw_cert *c);
/* Returns 1 if the dotted text of `oid` (OID contents) is one of the
 * known EV policy OIDs. */
int pw_lint_is_ev_policy_oid(const struct pw_der *oid);

/* ---- Extensions and names ---------------------------------------------- */

/* Returns 1 if an extension with this id is present (zlint IsExtInCert). */
int pw_lint_has_ext(const struct pw_cert *c, enum pw_oid id);
/* Returns 1 if an extension with these OID content octets is present (for
 * OIDs not in oid.h). */
int pw_lint_has_ext_oid(const struct pw_cert *c, const uint8_t *oid, size_t oid_len);

/* Returns 1 if the Name has an attribute of type `id` (zlint TypeInName). */
int pw_lint_name_has(const struct pw_name *n, enum pw_oid id);
/* Number of attributes of type `id`. */
size_t pw_lint_name_count(const struct pw_name *n, enum pw_oid id);
/* First attribute of type `id`, or NULL. Borrowed from the Name. */
const struct pw_attr *pw_lint_name_get0(const struct pw_name *n, enum pw_oid id);

/* Number of SAN entries of the given GeneralName type (0 if no SAN). */
size_t pw_lint_san_count(const struct pw_cert *c, enum pw_gn_type type);

/* ---- Byte strings --------------------------------------------------------- */

/* Exact / ASCII case-insensitive equality of a window with a C string. */
int pw_lint_der_eq(const struct pw_der *d, const char *s);
int pw_lint_der_eq_ci(const struct pw_der *d, const char *s);
/* Prefix / suffix tests (case-insensitive, ASCII). */
int pw_lint_der_has_prefix_ci(const struct pw_der *d, const char *prefix);
int pw_lint_der_has_suffix_ci(const struct pw_der *d, const char *suffix);
/* Copies a window into buf as a printable C string for details texts
 * (non-printable bytes become '?', truncated to fit). Returns buf. */
char *pw_lint_der_to_cstr(const struct pw_der *d, char *buf, size_t buflen);

/* ---- DNS names (RFC 1034 §3.5, RFC 5890, BR 7.1.4.2.1) ------------------- */

#define PW_LINT_DNS_LABEL_MAX 63
#define PW_LINT_DNS_NAME_MAX 253

/* LDH label per zlint IsLDHLabel: 1..63 octets of [A-Za-z0-9-], not starting
 * or ending with '-', and if it has a reserved "??--" prefix it must be
 * "xn--". */
int pw_lint_is_ldh_label(const uint8_t *p, size_t n);
/* Third and fourth characters are "--" (RFC 5890 §2.3.1 R-LDH label). */
int pw_lint_has_reserved_label_prefix(const uint8_t *p, size_t n);
/* Starts with "xn--" (any case): an A-label (RFC 5890 §2.3.2.1). */
int pw_lint_has_xn_label_prefix(const uint8_t *p, size_t n);

/* Calls fn(label, len, arg) for each dot-separated label of name (empty
 * labels included, e.g. for "a..b" or a trailing dot). Stops early and
 * returns 0 when fn returns 0; returns 1 otherwise. */
int pw_lint_for_each_label(const struct pw_der *name,
                           int (*fn)(const uint8_t *label, size_t len, void *arg), void *arg);

/* Returns 1 if `name` is a syntactically valid DNS name for a certificate:
 * ≤ 253 octets, labels 1..63 octets of LDH (a leading "*." wildcard label
 * allowed when allow_wildcard), no empty label, no trailing dot. */
int pw_lint_is_valid_dns_name(const struct pw_der *name, int allow_wildcard);

/* ---- Results -------------------------------------------------------------- */

/* Formats details (printf-style) and returns `status`, for one-line fails:
 *   return pw_lint_fail(PW_LINT_ERROR, details, len, "SAN %zu is empty", i); */
enum pw_lint_status pw_lint_fail(enum pw_lint_status status, char *details, size_t details_len,
                                 const char *fmt, ...) PW_PRINTF(4, 5);

#endif
