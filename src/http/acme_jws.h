/* http/acme_jws.h: parsing and verifying the flattened JWS of an ACME
 * request (RFC 8555 §6.2, RFC 7515 §7.2.2), transport-neutral and pure (no
 * store, no network), so that every refusal can be unit-tested.
 *
 * Refusals carry the ACME problem type the caller answers with (RFC 8555
 * §6.7) and a precise detail. */
#ifndef PW_HTTP_ACME_JWS_H
#define PW_HTTP_ACME_JWS_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/keys.h"

/* Limits of one JWS (each member's base64url text). A revokeCert payload
 * carries one certificate: BR certificates are a few KiB. */
#define PW_ACME_JWS_MAX_PROTECTED 8192u
#define PW_ACME_JWS_MAX_PAYLOAD 65536u
#define PW_ACME_JWS_MAX_SIGNATURE 2048u
/* Longest "url", "nonce" and "kid" accepted. */
#define PW_ACME_URL_MAX 1024u
#define PW_ACME_NONCE_MAX 128u
#define PW_ACME_DETAIL_MAX 256u

/* ACME error types used here (RFC 8555 §6.7), as the short name after
 * "urn:ietf:params:acme:error:". */
#define PW_ACME_ERR_MALFORMED "malformed"
#define PW_ACME_ERR_BAD_NONCE "badNonce"
#define PW_ACME_ERR_BAD_SIG_ALG "badSignatureAlgorithm"
#define PW_ACME_ERR_UNAUTHORIZED "unauthorized"
#define PW_ACME_ERR_ALREADY_REVOKED "alreadyRevoked"
#define PW_ACME_ERR_BAD_REASON "badRevocationReason"
#define PW_ACME_ERR_NO_ACCOUNT "accountDoesNotExist"
#define PW_ACME_ERR_SERVER "serverInternal"

/* The algorithms accepted, space-separated (for badSignatureAlgorithm's
 * "algorithms" member, RFC 8555 §6.2). Never "none", never a MAC (HS*):
 * RFC 8555 §6.2, RFC 8725 §3.1-3.2. */
#define PW_ACME_JWS_ALGS "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"

/* An RFC 7807 problem to answer with. */
struct pw_acme_problem {
	unsigned status;          /* HTTP status */
	const char *type;         /* PW_ACME_ERR_* (static) */
	char detail[PW_ACME_DETAIL_MAX];
};

/* A parsed (and, after pw_acme_jws_verify, verified) request. */
struct pw_acme_jws {
	char alg[16];
	int has_jwk;
	struct pw_keys_key *key;  /* the "jwk" (owned); NULL with kid */
	int has_kid;
	char kid[PW_ACME_URL_MAX + 1];
	char nonce[PW_ACME_NONCE_MAX + 1];
	char url[PW_ACME_URL_MAX + 1];
	uint8_t *payload;         /* decoded payload (owned, NUL-terminated) */
	size_t payload_len;
	char *signing_input;      /* BASE64URL(protected) '.' BASE64URL(payload) (owned) */
	size_t signing_input_len;
	uint8_t *sig;             /* decoded signature (owned) */
	size_t sig_len;
};

/* Parses a flattened JWS (RFC 7515 §7.2.2): a JSON object with exactly
 * "protected", "payload" and "signature" (no unprotected "header", no
 * general serialisation, no duplicate member names anywhere); a protected
 * header with an allowed "alg", exactly one of "jwk" / "kid", a "nonce" and
 * a "url", and no "crit". A "jwk" must be a public key (no private or
 * symmetric members) of a type the alg fits. Returns 1, or 0 with *prob
 * filled; *out is then cleanup-safe. */
int pw_acme_jws_parse(const uint8_t *body, size_t len, struct pw_acme_jws *out,
                      struct pw_acme_problem *prob);

/* Verifies the signature with the "jwk" (kid-signed requests cannot be
 * verified: there are no accounts). Returns 1, or 0 with *prob. */
int pw_acme_jws_verify(const struct pw_acme_jws *j, struct pw_acme_problem *prob);

/* Frees what *j owns and zeroes it (NULL-safe). */
void pw_acme_jws_cleanup(struct pw_acme_jws *j);

/* Fills *prob and returns 0 (so `return pw_acme_problem_set(...)` works). */
int pw_acme_problem_set(struct pw_acme_problem *prob, unsigned status, const char *type,
                        const char *fmt, ...) PW_PRINTF(4, 5);

#endif
