/* pkiward/ocsp.h — the OCSP responder (RFC 6960, RFC 5019 lightweight
 * profile; BR 4.9.9): request parsing, the BasicOCSPResponse DER writer,
 * and a responder that answers from pre-signed, cached responses.
 *
 * Status comes from an in-memory index of every serial each registered CA
 * (publish.h registry) issued, built from the store when the responder
 * starts and kept current by a background thread that polls the
 * revocation change counter (pw_publish_generation, every
 * PW_PUBLISH_POLL_MS) and scans for newly stored certificates. A serial
 * the CA did not issue is never "good" (BR 4.9.9: "unassigned" serials
 * MUST NOT be good): it is "unknown". Nothing is written to the store per
 * request.
 *
 * Freshness (docs/ocsp.md has the full arithmetic). With a configured bound
 * B (max_stale) on how long any HTTP cache may go on serving "good" after a
 * revocation is recorded, and the change poll interval P:
 *   - a revocation recorded at t_r is noticed by t_r + P, and from then on
 *     the responder only hands out "revoked" for that serial (the cached
 *     responses are re-signed at once);
 *   - every response leaves with Cache-Control: max-age=M, must-revalidate
 *     and Expires = Date + M, where M = B - ceil(P) - 1 (1 s for the
 *     rounding of HTTP dates), and never beyond nextUpdate (RFC 5019 §6.2);
 *   - so the last "good" leaves the responder before t_r + P and no cache
 *     honouring max-age/Expires serves it after t_r + P + M < t_r + B.
 * nextUpdate - thisUpdate (the validity interval) stays within BR 4.9.9's
 * 8 hours .. 10 days; clients that cache by nextUpdate rather than by HTTP
 * headers are bounded by that interval, which the BRs fix. Responses are
 * re-signed (lazily, on the next request) once older than the refresh
 * interval, which is below half the validity (BR 4.9.9). */
#ifndef PKIWARD_OCSP_H
#define PKIWARD_OCSP_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/der.h"
#include "pkiward/status.h"

/* ---- Limits ---- */

/* Largest OCSP request parsed. A request for one certificate is under 100
 * bytes (RFC 5019 §2.1.1); a signed one with a certificate chain a few KB.
 * Anything larger is malformedRequest. */
#define PW_OCSP_MAX_REQUEST_DER ((size_t)16 << 10)
/* Requests (CertIDs) in one OCSPRequest. RFC 5019 §2.1.1 clients send one;
 * RFC 6960 allows several. */
#define PW_OCSP_MAX_REQUESTS 16u
/* Extensions in requestExtensions / singleRequestExtensions. */
#define PW_OCSP_MAX_EXTENSIONS 16u
/* Longest nonce accepted (RFC 8954 §2.1: 1..32 octets). */
#define PW_OCSP_MAX_NONCE 32u
/* Longest base64 text in a GET path (the request limit in base64 form). */
#define PW_OCSP_MAX_GET_BASE64 (((PW_OCSP_MAX_REQUEST_DER + 2) / 3) * 4)

/* Validity interval (nextUpdate - thisUpdate) of responses, seconds.
 * BR 4.9.9: at least 8 hours and at most 10 days for Subscriber
 * Certificates. Default: the minimum, which keeps client-side caches short. */
#define PW_OCSP_MIN_VALIDITY ((int64_t)8 * 3600)
#define PW_OCSP_MAX_VALIDITY ((int64_t)10 * 86400)
#define PW_OCSP_DEFAULT_VALIDITY PW_OCSP_MIN_VALIDITY
/* Default bound B on how long an HTTP cache may serve "good" after a
 * revocation (seconds), and the smallest bound accepted (it must leave
 * room for the poll interval and a one-second max-age). */
#define PW_OCSP_DEFAULT_MAX_STALE ((int64_t)300)
#define PW_OCSP_MIN_MAX_STALE ((int64_t)3)
/* How often the responder looks for newly stored certificates (BR 4.9.9:
 * an authoritative response within 15 minutes of issuance). */
#define PW_OCSP_NEW_CERT_SCAN_SECS 5
/* How often the responder looks for CAs registered since it started
 * (`pkiward ca add`): each is served from then on, without a restart. */
#define PW_OCSP_NEW_CA_CHECK_SECS 5
/* "unknown" responses cached per CA (a bounded, overwrite-on-collision
 * cache, so a flood of random serials costs at most one signature each
 * per slot per refresh interval). */
#define PW_OCSP_UNKNOWN_CACHE_SLOTS 4096u
/* Longest serial accepted in a CertID (store.h's limit). */
#define PW_OCSP_MAX_SERIAL 64u

/* ---- Requests (RFC 6960 §4.1.1) ---- */

/* CertID hash algorithms served. */
enum pw_ocsp_hash {
	PW_OCSP_HASH_SHA1 = 0,   /* RFC 5019 §2.1.1: what lightweight clients send */
	PW_OCSP_HASH_SHA256 = 1
};
#define PW_OCSP_N_HASHES 2

/* One CertID; every window points into the request buffer. */
struct pw_ocsp_certid {
	enum pw_ocsp_hash hash;
	struct pw_der element;          /* the whole CertID element (echoed back) */
	struct pw_der issuer_name_hash; /* OCTET STRING contents (20 or 32 octets) */
	struct pw_der issuer_key_hash;
	struct pw_der serial;           /* INTEGER contents */
};

/* A parsed OCSPRequest. `der` must outlive it (zero-copy). */
struct pw_ocsp_request {
	struct pw_der der;
	int has_requestor_name;         /* [1] requestorName present */
	struct pw_ocsp_certid ids[PW_OCSP_MAX_REQUESTS];
	size_t n_ids;
	int has_nonce;                  /* id-pkix-ocsp-nonce in requestExtensions */
	struct pw_der nonce;            /* extnValue contents */
	int is_signed;                  /* optionalSignature present (not verified:
	                                   RFC 6960 §4.1.2, nothing here depends on
	                                   who asks) */
};

/* Parses a DER OCSPRequest strictly (der.h rules). Refused with an error
 * naming the field and the absolute byte offset: truncated or trailing
 * bytes, a version other than v1 (an explicitly encoded v1 too: DER omits
 * DEFAULT values), a CertID hash algorithm other than SHA-1/SHA-256 (NULL
 * or absent parameters), hash lengths that do not match it, no or more than
 * PW_OCSP_MAX_REQUESTS requests, a serial over PW_OCSP_MAX_SERIAL octets,
 * an unknown critical extension, inputs over PW_OCSP_MAX_REQUEST_DER
 * (PW_ERR_LIMIT). Every such request is answered malformedRequest. */
enum pw_status pw_ocsp_request_parse(const uint8_t *der, size_t len, struct pw_ocsp_request *out,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Decodes the base64 of an RFC 5019 §5 GET path (the part after the
 * responder's prefix): percent-escapes are decoded first (%2B, %2F, %3D,
 * in either case), then standard base64 (RFC 4648 §4) with padding; also
 * tolerated: missing padding and the URL-safe alphabet ('-', '_') that some
 * clients send. Anything else (other characters, bad length, non-zero
 * trailing bits) fails with the offset of the offending character. Writes
 * at most `cap` bytes (PW_ERR_LIMIT beyond). */
enum pw_status pw_ocsp_get_decode(const char *path, size_t path_len, uint8_t *out, size_t cap,
                                  size_t *out_len, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Responses: the DER writer (RFC 6960 §4.2.1) ---- */

/* One SingleResponse to encode. */
struct pw_ocsp_single_spec {
	const uint8_t *certid;          /* the CertID element DER (as requested) */
	size_t certid_len;
	int status;                     /* enum pw_ocsp_cert_status (cert.h) */
	int64_t revoked_at;             /* when revoked */
	int has_reason;                 /* revocationReason present */
	unsigned reason;                /* CRLReason */
	int64_t this_update;
	int64_t next_update;            /* 0 = no nextUpdate */
};

/* What ResponseData carries besides the responses. */
struct pw_ocsp_tbs_spec {
	const uint8_t *responder_key_hash; /* 20 octets: ResponderID byKey (RFC 6960
	                                      §4.2.2.3: SHA-1 of the responder's
	                                      subjectPublicKey BIT STRING value) */
	int64_t produced_at;
	const struct pw_ocsp_single_spec *singles;
	size_t n_singles;
	const uint8_t *nonce;           /* echoed id-pkix-ocsp-nonce extnValue
	                                   contents; NULL = none */
	size_t nonce_len;
};

struct pw_buf;

/* Encodes ResponseData (the bytes that are signed) appended to b. */
int pw_ocsp_encode_tbs(const struct pw_ocsp_tbs_spec *t, struct pw_buf *b, struct pw_error *err);

/* Wraps signed ResponseData into a complete OCSPResponse (successful,
 * id-pkix-ocsp-basic), appending to b. certs: DER certificates for the
 * [0] certs field (a delegated responder's certificate, RFC 6960
 * §4.2.2.2), n_certs may be 0. */
int pw_ocsp_encode_response(const uint8_t *tbs, size_t tbs_len, const uint8_t *sig_alg,
                            size_t sig_alg_len, const uint8_t *sig, size_t sig_len,
                            const uint8_t *const *certs, const size_t *cert_lens,
                            size_t n_certs, struct pw_buf *b, struct pw_error *err);

/* An unsuccessful OCSPResponse (responseStatus only, RFC 6960 §4.2.1):
 * static bytes for malformedRequest, internalError, tryLater,
 * unauthorized. *out_len gets the length. */
const uint8_t *pw_ocsp_error_response(enum pw_ocsp_status st, size_t *out_len);

/* ---- The responder ---- */

struct pw_ocsp_config {
	int64_t max_stale;      /* bound B in seconds; 0 = PW_OCSP_DEFAULT_MAX_STALE */
	int64_t validity;       /* nextUpdate - thisUpdate; 0 = PW_OCSP_DEFAULT_VALIDITY */
	int64_t refresh;        /* re-sign a cached response older than this;
	                           0 = validity / 4 */
	int no_thread;          /* 1: no background refresher (one-shot use);
	                           call pw_ocsp_responder_refresh() instead */
	int no_presign;         /* 1: sign lazily on first request only */
};

/* Fills the defaults. */
void pw_ocsp_config_init(struct pw_ocsp_config *c);

struct pw_ocsp_responder;

/* Opens the store at store_location (its own handle, used only by the
 * refresher thread), loads the registered CAs (publish.h) with their
 * signers — the delegated responder's key when one is registered (its
 * certificate must carry id-kp-OCSPSigning and id-pkix-ocsp-nocheck, BR
 * 7.1.2.8), else the CA key — builds the serial index and, unless
 * no_thread, starts the refresher. A store with no registered CA is
 * PW_ERR_NOTFOUND. *out owned by the caller. */
enum pw_status pw_ocsp_responder_new(const char *store_location, const struct pw_ocsp_config *c,
                                     struct pw_ocsp_responder **out,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Stops the refresher and frees. Answers still referenced stay valid until
 * released. NULL-safe. */
void pw_ocsp_responder_free(struct pw_ocsp_responder *r);

/* Applies store changes now (revocations since the last generation seen,
 * new certificates): what the refresher does every PW_PUBLISH_POLL_MS. */
enum pw_status pw_ocsp_responder_refresh(struct pw_ocsp_responder *r,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* Counters (for `serve` metrics and benchmarks). */
struct pw_ocsp_stats {
	uint64_t requests, good, revoked, unknown, unauthorized, malformed, internal_error;
	uint64_t signatures;        /* responses signed */
	uint64_t cache_hits;
	uint64_t serials;           /* serials indexed */
	uint64_t generation;        /* change generation last applied */
	uint64_t resigned_on_change; /* status changes applied (revocations): re-signed
	                                at once when a poll brings up to 512 changes,
	                                else by the background pre-sign pass */
	int presigning;             /* 1 while the background pre-sign pass runs */
};
void pw_ocsp_responder_stats(struct pw_ocsp_responder *r, struct pw_ocsp_stats *out);

/* An answer: the DER OCSPResponse and its HTTP caching metadata. The bytes
 * are shared (reference-counted); release the answer when done with them. */
struct pw_ocsp_answer {
	enum pw_ocsp_status status;     /* responseStatus */
	int cert_status;                /* enum pw_ocsp_cert_status of the first
	                                   single response (successful only) */
	const uint8_t *der;
	size_t len;
	int64_t this_update;            /* successful only, else 0 */
	int64_t next_update;
	int64_t produced_at;
	char etag[48];                  /* quoted entity tag ("\"...\""); "" = none */
	struct pw_error err;            /* why, for unsuccessful answers (logs) */
	void *ref_;                     /* private */
};

/* Answers the DER OCSPRequest req[0..len) at time now (0 = time(NULL)).
 * Never fails: a bad request yields malformedRequest, an issuer not served
 * unauthorized (RFC 6960 §2.3), a signing failure internalError. A single
 * request (the RFC 5019 case) is answered from the cache; several are
 * answered with one freshly signed response. Thread-safe. */
void pw_ocsp_respond(struct pw_ocsp_responder *r, const uint8_t *req, size_t len, int64_t now,
                     struct pw_ocsp_answer *out);

/* HTTP freshness of an answer at time now: max-age seconds (see the top of
 * this file; 0 for unsuccessful answers, which must not be cached long). */
int64_t pw_ocsp_answer_max_age(const struct pw_ocsp_responder *r, const struct pw_ocsp_answer *a,
                               int64_t now);

/* Takes another reference to an answer's bytes (for an HTTP response that
 * outlives the call); pass the returned ctx to pw_ocsp_answer_unref. */
void *pw_ocsp_answer_ref(const struct pw_ocsp_answer *a);
void pw_ocsp_answer_unref(void *ref);

/* Drops the answer's reference. NULL-safe, idempotent. */
void pw_ocsp_answer_release(struct pw_ocsp_answer *a);

#endif
