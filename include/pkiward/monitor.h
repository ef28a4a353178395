/* pkiward — the monitor: checks from outside what a relying party gets from
 * the CRL and OCSP URLs a CA publishes, and compares it with the store
 * (DESIGN.md: "status claimed, not observed; publication never checked").
 *
 * One run (pw_monitor_run):
 *   1. collects CRL URLs from the cRLDistributionPoints and OCSP URLs from
 *      the authorityInfoAccess (id-ad-ocsp) of the unexpired certificates in
 *      the store, plus the URLs configured in the options;
 *   2. fetches every CRL over HTTP (libcurl; timeout, size cap,
 *      Content-Type sanity), parses it (cert.h), verifies its signature with
 *      the issuing CA certificate found in the store, checks freshness
 *      (nextUpdate), the issuingDistributionPoint (critical, a URI
 *      byte-identical to the URL fetched: BR 7.2.2, MRSP 6.1.2 / "partial
 *      CRLs that lack a distributionPoint in a critical IDP") and that the
 *      CRL number never goes backwards at that URL (RFC 5280 §5.2.3);
 *   3. for every revoked unexpired certificate, and one unrevoked
 *      certificate per responder (liveness), asks its OCSP responder (RFC
 *      6960 request with a SHA-1 CertID, sent as an RFC 5019 GET when it
 *      fits in 255 bytes, as a relying party and a CDN see it; POST
 *      otherwise), verifies the response signature and responder
 *      (RFC 6960 §4.2.2.2: the CA itself or a certificate it issued with
 *      id-kp-OCSPSigning) and compares the status with the store;
 *   4. records, for every revocation, when it was first seen in a CRL and
 *      in OCSP (store_monitor.h), and raises or resolves alerts.
 * A bad URL is a finding, never the end of the run. Every observation
 * (fetch, first sighting) and every alert raised or resolved is an event
 * (events.h), in the same transaction as the row it describes.
 *
 * Deadlines (configurable; defaults from the BRs):
 *   - CRL: BR 4.9.7 "MUST update and publish a new CRL within twenty-four
 *     (24) hours after recording a Certificate as revoked": 24 h.
 *   - OCSP: BR 4.9.10 has no stipulation; BR 4.9.9 asks for an updated
 *     response within 24 hours of revoking a Subordinate CA certificate, and
 *     pkiward holds subscriber certificates to the same 24 h by default.
 *   - "good" for a revoked certificate (a stale response, e.g. from a cache
 *     in front of the responder): alerted once the revocation is older than
 *     the grace (default 0: any "good" after the revocation is the
 *     discrepancy of the incident in DESIGN.md).
 * Deadlines are counted from the revocation's revocationDate in the store. */
#ifndef PKIWARD_MONITOR_H
#define PKIWARD_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/status.h"
#include "pkiward/store.h"
#include "pkiward/store_monitor.h"

/* ---- Limits and defaults ---- */

#define PW_MONITOR_DEFAULT_TIMEOUT_MS 10000L     /* whole transfer, per URL */
#define PW_MONITOR_DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define PW_MONITOR_DEFAULT_MAX_CRL ((size_t)64 << 20)  /* bytes of one CRL */
#define PW_MONITOR_MAX_OCSP_BODY ((size_t)PW_OCSP_MAX_DER) /* bytes of one response */
#define PW_MONITOR_DEFAULT_CRL_DEADLINE ((int64_t)24 * 3600)  /* BR 4.9.7 */
#define PW_MONITOR_DEFAULT_OCSP_DEADLINE ((int64_t)24 * 3600) /* BR 4.9.9 (see above) */
#define PW_MONITOR_DEFAULT_STALE_GOOD_GRACE ((int64_t)0)
/* RFC 5019 §5: GET when the encoded request URL is under 255 bytes. */
#define PW_MONITOR_OCSP_GET_MAX 255
/* Distinct URLs one run checks; further ones are reported and skipped. */
#define PW_MONITOR_MAX_URLS 10000
/* OCSP queries one run sends (revoked certificates first). */
#define PW_MONITOR_DEFAULT_MAX_OCSP_QUERIES 10000
/* Redirects followed (RFC 5280 §4.2.1.13 expects the URL itself to serve). */
#define PW_MONITOR_MAX_REDIRECTS 3
/* Default seconds between runs of `pkiward monitor` without --once. */
#define PW_MONITOR_DEFAULT_INTERVAL 300

/* ---- Alert kinds ---- */

/* X(ID, "name", "what it means / rule") — the name is what the store and the
 * CLI show; never renamed. */
#define PW_MONITOR_ALERT_LIST(X) \
	X(CRL_DEADLINE, "crl-deadline-missed", \
	  "revoked in the store but not in the CRL its cRLDistributionPoints names, past the deadline (BR 4.9.7)") \
	X(OCSP_DEADLINE, "ocsp-deadline-missed", \
	  "revoked in the store but OCSP does not say revoked, past the deadline (BR 4.9.9)") \
	X(OCSP_STALE_GOOD, "ocsp-stale-good", \
	  "OCSP answers good for a certificate revoked in the store (a stale or wrong response)") \
	X(OCSP_UNKNOWN, "ocsp-unknown", \
	  "OCSP answers unknown for a certificate issued by the CA (BR 4.9.9)") \
	X(CRL_NOT_IN_STORE, "crl-revoked-not-in-store", \
	  "the CRL lists a certificate the store does not record as revoked") \
	X(OCSP_NOT_IN_STORE, "ocsp-revoked-not-in-store", \
	  "OCSP says revoked for a certificate the store does not record as revoked") \
	X(CRL_NUMBER_BACKWARDS, "crl-number-backwards", \
	  "the CRL number is lower than one already seen at this URL (RFC 5280 §5.2.3)") \
	X(CRL_NUMBER_MISSING, "crl-number-missing", \
	  "the CRL has no cRLNumber extension (RFC 5280 §5.2.3 MUST)") \
	X(CRL_STALE, "crl-stale", \
	  "the CRL's nextUpdate has passed (BR 4.9.7, RFC 5280 §5.1.2.5)") \
	X(CRL_IDP_MISMATCH, "crl-idp-mismatch", \
	  "the CRL's issuingDistributionPoint does not name the URL it was fetched from, byte for byte (BR 7.2.2)") \
	X(CRL_IDP_NOT_CRITICAL, "crl-idp-not-critical", \
	  "the issuingDistributionPoint extension is not critical (RFC 5280 §5.2.5)") \
	X(CRL_MISSING, "crl-missing", \
	  "a CRL URL named in certificates answers with an HTTP error (a missing partition)") \
	X(CRL_BAD_SIGNATURE, "crl-bad-signature", \
	  "the CRL signature does not verify with the issuing CA certificate") \
	X(CRL_UNKNOWN_ISSUER, "crl-unknown-issuer", \
	  "no CA certificate in the store matches the CRL issuer (name and key identifier)") \
	X(CRL_MALFORMED, "crl-malformed", \
	  "the body is not a DER CRL") \
	X(CRL_TRUNCATED, "crl-truncated", \
	  "the body ends before the CRL its DER header announces") \
	X(CRL_LINT, "crl-lint", \
	  "pkiward's CRL lints report errors") \
	X(HTTP_ERROR, "http-error", \
	  "the URL answered with an HTTP status other than 200") \
	X(CONTENT_TYPE, "content-type", \
	  "the body is HTML/text or the Content-Type is not the one RFC 5280 §4.2.1.13 / RFC 6960 Appendix A name") \
	X(TIMEOUT, "timeout", \
	  "the server did not answer within the timeout") \
	X(CONNECT, "connect-failed", \
	  "the server could not be reached (DNS, refused, TLS)") \
	X(TOO_LARGE, "too-large", \
	  "the body exceeds the size cap") \
	X(OCSP_MALFORMED, "ocsp-malformed", \
	  "the body is not a DER OCSP response, or does not answer the request") \
	X(OCSP_ERROR_STATUS, "ocsp-error-status", \
	  "the responder answered malformedRequest/internalError/tryLater/sigRequired/unauthorized") \
	X(OCSP_BAD_SIGNATURE, "ocsp-bad-signature", \
	  "the OCSP response signature does not verify") \
	X(OCSP_BAD_RESPONDER, "ocsp-bad-responder", \
	  "the OCSP response is signed by neither the CA nor a responder certificate it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)") \
	X(OCSP_STALE, "ocsp-stale", \
	  "the OCSP response's nextUpdate has passed (RFC 6960 §4.2.2.1)")

#define PW_MONITOR_ALERT_ENUM_(id, name, what) PW_MONITOR_ALERT_##id,
enum pw_monitor_alert_kind {
	PW_MONITOR_ALERT_LIST(PW_MONITOR_ALERT_ENUM_) PW_MONITOR_ALERT_COUNT_
};
#undef PW_MONITOR_ALERT_ENUM_

/* Static name of an alert kind ("crl-stale"); "?" for an unknown value. */
const char *pw_monitor_alert_name(enum pw_monitor_alert_kind k);
/* Static one-line explanation with its rule. */
const char *pw_monitor_alert_what(enum pw_monitor_alert_kind k);
/* Parses a name back; returns 1 and sets *out, or 0. */
int pw_monitor_alert_from_name(const char *name, enum pw_monitor_alert_kind *out);

/* ---- Options, summary, run ---- */

/* A finding as the run goes (for live output). Borrowed for the call. */
struct pw_monitor_event {
	const char *what;              /* "fetch", "seen-crl", "seen-ocsp", "alert", "resolved" */
	const char *url;               /* NULL when none */
	const char *subject;           /* "cert:<hex>" / "url:<url>"; NULL when none */
	const char *kind;              /* alert kind or fetch outcome; NULL when none */
	const char *detail;            /* human text */
};

typedef void (*pw_monitor_event_fn)(void *ctx, const struct pw_monitor_event *e);

struct pw_monitor_opts {
	int64_t now;                   /* reference time; 0 = the clock */
	const char *const *crl_urls;   /* extra CRL URLs to check */
	size_t n_crl_urls;
	const char *const *ocsp_urls;  /* extra responders asked about every revoked cert */
	size_t n_ocsp_urls;
	int no_cert_urls;              /* 1: only the configured URLs, not CRLDP/AIA */
	long timeout_ms;               /* 0 = PW_MONITOR_DEFAULT_TIMEOUT_MS */
	long connect_timeout_ms;       /* 0 = PW_MONITOR_DEFAULT_CONNECT_TIMEOUT_MS */
	size_t max_crl_bytes;          /* 0 = PW_MONITOR_DEFAULT_MAX_CRL */
	int64_t crl_deadline;          /* seconds; < 0 = default */
	int64_t ocsp_deadline;         /* seconds; < 0 = default */
	int64_t stale_good_grace;      /* seconds; < 0 = default */
	size_t max_ocsp_queries;       /* 0 = default */
	int ocsp_post;                 /* 1: always POST (default: GET when it fits) */
	int no_lint;                   /* 1: skip pw_lint_crl on fetched CRLs */
	const char *actor;             /* recorded in events; NULL = "monitor" */
	pw_monitor_event_fn on_event;  /* may be NULL */
	void *ctx;
};

/* Sets every member to its default (zero / -1 for the deadlines). */
void pw_monitor_opts_init(struct pw_monitor_opts *o);

struct pw_monitor_summary {
	uint64_t crl_urls;             /* distinct CRL URLs checked */
	uint64_t ocsp_urls;            /* distinct responders asked */
	uint64_t fetches;              /* HTTP transfers made */
	uint64_t fetch_failures;       /* transfers that produced an alert */
	uint64_t crls_ok;              /* CRLs that parsed and verified */
	uint64_t ocsp_queries;
	uint64_t revocations_checked;
	uint64_t seen_crl_new;         /* revocations first seen in a CRL this run */
	uint64_t seen_ocsp_new;        /* ... in OCSP this run */
	uint64_t alerts_raised;        /* alert occurrences this run (new or repeated) */
	uint64_t alerts_new;           /* alerts opened this run */
	uint64_t alerts_resolved;      /* alerts resolved this run */
	uint64_t alerts_open;          /* open alerts after the run */
	uint64_t skipped_urls;         /* URLs over PW_MONITOR_MAX_URLS or too long */
};

/* Runs one pass (see the top of this file) against the store `s` (opened
 * read-write). Returns PW_OK when the pass ran, whatever it found (read
 * out->alerts_open); an error only when the store itself fails or the
 * options are invalid. `out` may be NULL. */
enum pw_status pw_monitor_run(struct pw_store *s, const struct pw_monitor_opts *o,
                              struct pw_monitor_summary *out, struct pw_error *err) PW_WARN_UNUSED;

/* ---- The comparison logic (pure functions; unit-tested on their own) ---- */

/* Normalises a CRL number (INTEGER contents as encoded) into the padded form
 * of store_monitor.h. Returns 1, or 0 when it is negative, empty or longer
 * than PW_STORE_MONITOR_CRL_NUMBER_LEN octets (RFC 5280 §5.2.3). */
int pw_monitor_crl_number_norm(const uint8_t *contents, size_t len,
                               uint8_t out[PW_STORE_MONITOR_CRL_NUMBER_LEN]);

/* Compares two padded CRL numbers: <0, 0, >0. */
int pw_monitor_crl_number_cmp(const uint8_t a[PW_STORE_MONITOR_CRL_NUMBER_LEN],
                              const uint8_t b[PW_STORE_MONITOR_CRL_NUMBER_LEN]);

/* Writes the decimal value of a padded CRL number into buf (NUL-terminated;
 * 49 bytes always suffice). Returns buf. */
char *pw_monitor_crl_number_text(const uint8_t n[PW_STORE_MONITOR_CRL_NUMBER_LEN], char *buf,
                                 size_t buflen);

/* The IDP verdict for a CRL fetched from `url` (len bytes, not a C string).
 * 0 when the CRL has no IDP (a full CRL) or one of its distributionPoint
 * fullName URIs equals the URL byte for byte; else 1 (mismatch, *out_detail
 * explains). *out_not_critical is set when an IDP is present but not
 * critical (RFC 5280 §5.2.5 "MUST be critical"). */
int pw_monitor_idp_mismatch(const struct pw_crl *crl, const char *url, size_t url_len,
                            int *out_not_critical, char *out_detail, size_t detail_len);

/* 1 when the CRL lists `serial` (INTEGER contents as encoded). */
int pw_monitor_crl_lists(const struct pw_crl *crl, const uint8_t *serial, size_t serial_len);

/* What the body looks like, from its Content-Type and first bytes. */
enum pw_monitor_body {
	PW_MONITOR_BODY_DER = 0,       /* starts like a DER SEQUENCE */
	PW_MONITOR_BODY_HTML,          /* text/html or markup */
	PW_MONITOR_BODY_PEM,           /* "-----BEGIN" (RFC 5280 §4.2.1.13 wants DER) */
	PW_MONITOR_BODY_OTHER,         /* anything else (empty, text, junk) */
};

/* Classifies a body (content_type may be NULL). */
enum pw_monitor_body pw_monitor_classify_body(const char *content_type, const uint8_t *body,
                                              size_t len);

/* 1 when the DER header at body announces more bytes than len holds (a
 * truncated transfer or file), so the caller reports "truncated" rather
 * than "malformed". */
int pw_monitor_der_truncated(const uint8_t *body, size_t len);

/* The verdict on one revoked certificate in one CRL. */
enum pw_monitor_verdict {
	PW_MONITOR_VISIBLE = 0,        /* published as revoked */
	PW_MONITOR_PENDING,            /* not yet, still within the deadline */
	PW_MONITOR_LATE,               /* not yet, deadline passed: alert */
	PW_MONITOR_STALE_GOOD,         /* OCSP "good" past the grace: alert */
	PW_MONITOR_UNKNOWN_STATUS,     /* OCSP "unknown" for an issued cert: alert */
};

/* CRL: listed (1/0) for a certificate revoked at revoked_at, at `now`. */
enum pw_monitor_verdict pw_monitor_crl_verdict(int listed, int64_t revoked_at, int64_t now,
                                               int64_t deadline);

/* OCSP: status (enum pw_ocsp_cert_status) for a certificate revoked at
 * revoked_at, at `now`. good past the grace → STALE_GOOD (takes precedence
 * over LATE, since it names the cause); unknown → UNKNOWN_STATUS once past
 * the deadline, PENDING before; revoked → VISIBLE. */
enum pw_monitor_verdict pw_monitor_ocsp_verdict(int status, int64_t revoked_at, int64_t now,
                                                int64_t grace, int64_t deadline);

/* Subject string of a URL for alerts and events, written into out
 * (PW_MONITOR_SUBJECT_MAX bytes): "url:<url>" when it fits within the event
 * subject limit (PW_STORE_EVENT_MAX_TEXT), else "url-sha256:<hex of
 * SHA-256(url)>". Returns out. Certificates use pw_events_subject_cert. */
#define PW_MONITOR_SUBJECT_MAX 256
char *pw_monitor_subject_url(const char *url, char out[PW_MONITOR_SUBJECT_MAX]);

/* ---- Verifying signatures (OpenSSL EVP over the signed bytes) ---- */

/* Verifies `sig` over `tbs` with the public key `spki_der` (a whole
 * SubjectPublicKeyInfo) under the signature algorithm `alg` (RSA PKCS#1
 * v1.5 and ECDSA with SHA-1/256/384/512, Ed25519; the key type must match
 * the algorithm). Returns PW_OK when it verifies; PW_ERR_CRYPTO (err says
 * why) when it does not; PW_ERR_USAGE for an algorithm pkiward does not
 * verify (RSASSA-PSS, unknown OIDs), which the monitor reports as a bad
 * signature naming the algorithm. */
enum pw_status pw_monitor_verify_sig(const struct pw_algid *alg, const uint8_t *tbs,
                                     size_t tbs_len, const uint8_t *sig, size_t sig_len,
                                     const uint8_t *spki_der, size_t spki_len,
                                     struct pw_error *err) PW_WARN_UNUSED;

#endif
