/* pkiward — weak-key checks, the compromised-key blocklist and proofs of key
 * compromise (DESIGN.md, keys/).
 *
 * keys/ is pure: it parses keys, runs checks, verifies proofs and keeps an
 * in-memory blocklist. Persisting the blocklist and acting on a proof
 * (revoking every certificate with the key) is revoke/'s job, through the
 * load / add / iterate calls below.
 *
 * Typical use (a CA pipeline, before issuing — BR 6.1.1.3):
 *   struct pw_keys_key *k = NULL;
 *   if (pw_keys_key_parse(csr_bytes, len, &k, &err) != PW_OK) refuse(err);
 *   struct pw_keys_result res;
 *   if (pw_keys_check(k, lists, n_lists, PW_KEYS_CHECK_ALL, &res, &err) != PW_OK) ...
 *   if (pw_keys_result_has_error(&res)) refuse(res);
 *   pw_keys_key_free(k);
 *
 * Key identity. Every key has two SHA-256 identities:
 *   - spki_sha256: SHA-256 of the canonical DER SubjectPublicKeyInfo (RSA with
 *     minimal INTEGERs and NULL parameters; EC with the named curve and the
 *     uncompressed point; Ed25519 per RFC 8410). For the SPKI of a normally
 *     encoded certificate this equals the SHA-256 of its SPKI bytes.
 *   - badkeys_sha256: SHA-256 of the RSA modulus (big-endian, no leading
 *     zero bytes), of the EC X coordinate (field-size bytes), or of the raw
 *     Ed25519 public key: the form the published Debian weak key lists
 *     (CVE-2008-0166, github.com/CVE-2008-0166/dwk_blocklists) and badkeys use.
 * A blocklist holds hashes of either kind; a key matches if either of its
 * identities is in the list, so a key is found whatever encoding it came in. */
#ifndef PKIWARD_KEYS_H
#define PKIWARD_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/buf.h"
#include "pkiward/status.h"

/* ---- Limits ---- */

#define PW_KEYS_MAX_INPUT (1u << 20)      /* a key/cert/CSR/JWK/JWS input: 1 MiB */
#define PW_KEYS_MAX_RSA_BITS 16384u       /* larger moduli are refused (PW_ERR_LIMIT) */
#define PW_KEYS_MAX_FINDINGS 32u          /* findings one check can report */
#define PW_KEYS_FERMAT_ROUNDS 100u        /* BR 6.1.1.3(5)(iii): "within 100 rounds" */
#define PW_KEYS_SMALL_PRIME_MAX 751u      /* BR 6.1.6: "no factors smaller than 752" */
#define PW_KEYS_EXT_PRIME_MAX 65521u      /* largest prime below 2^16 (PW_KEYS_CHECK_LARGER_FACTORS) */
#define PW_KEYS_CHALLENGE_BYTES 32u       /* entropy in a challenge */
#define PW_KEYS_CHALLENGE_TEXT_MAX 256u   /* a challenge's text */
#define PW_KEYS_DETAIL_MAX 192u           /* a finding's detail text */

/* ---- Keys ---- */

enum pw_keys_type {
	PW_KEYS_TYPE_UNKNOWN = 0, /* an algorithm pkiward does not check (DSA, DH, ...) */
	PW_KEYS_TYPE_RSA,
	PW_KEYS_TYPE_EC,          /* id-ecPublicKey (any curve, or explicit parameters) */
	PW_KEYS_TYPE_ED25519
};

/* Where a key was read from. */
enum pw_keys_source {
	PW_KEYS_SRC_SPKI = 0,        /* "PUBLIC KEY" / DER SubjectPublicKeyInfo */
	PW_KEYS_SRC_RSA_PUBLIC,      /* PKCS#1 RSAPublicKey ("RSA PUBLIC KEY") */
	PW_KEYS_SRC_CERTIFICATE,
	PW_KEYS_SRC_CSR,
	PW_KEYS_SRC_PRIVATE_KEY,     /* PKCS#1, PKCS#8 or SEC1 private key */
	PW_KEYS_SRC_JWK,
	PW_KEYS_SRC_HEX_MODULUS      /* a bare RSA modulus in hex (no exponent) */
};

/* A parsed public key (and, when the input held one, its private key).
 * Opaque; free with pw_keys_key_free(). */
struct pw_keys_key;

/* Parses one key from `buf`: PEM (CERTIFICATE, CERTIFICATE REQUEST, PUBLIC
 * KEY, RSA PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY; text
 * around blocks and EC PARAMETERS blocks are skipped), DER of any of those,
 * a JWK (RFC 7517: RSA n/e, EC P-256/P-384/P-521 x/y, OKP Ed25519 x), or a
 * bare hexadecimal RSA modulus. Exactly one key must be present. Certificates
 * and CSRs are parsed by pkiward's own strict parser (cert.h).
 *
 * A key that is structurally decodable but mathematically bad (n = 0, e = 1,
 * a point not on its curve, explicit curve parameters...) is NOT an error
 * here: it parses, and pw_keys_check() reports what is wrong with it.
 * Errors (PW_ERR_PARSE/DER/LIMIT) name the object, line or byte offset. */
enum pw_status pw_keys_key_parse(const uint8_t *buf, size_t len, struct pw_keys_key **out,
                                 struct pw_error *err) PW_WARN_UNUSED;

/* Frees a key (NULL-safe). */
void pw_keys_key_free(struct pw_keys_key *k);

enum pw_keys_type pw_keys_key_type(const struct pw_keys_key *k);
enum pw_keys_source pw_keys_key_source(const struct pw_keys_key *k);

/* Static name of a type ("RSA", "EC", "Ed25519", "unknown") / source. */
const char *pw_keys_type_name(enum pw_keys_type t);
const char *pw_keys_source_name(enum pw_keys_source s);

/* Size in bits: RSA modulus bits, EC field bits, 255 for Ed25519; 0 if unknown. */
unsigned pw_keys_key_bits(const struct pw_keys_key *k);

/* Curve name ("P-256", "P-384", "P-521", "secp256k1", "explicit", ...) for EC
 * keys, NULL otherwise. Static string. */
const char *pw_keys_key_curve(const struct pw_keys_key *k);

/* The canonical DER SubjectPublicKeyInfo (see the top of this file). Borrowed,
 * lives as long as k. NULL (and *out_len 0) when no SPKI can be formed: a bare
 * modulus without exponent, or an EC point that is not on its curve. */
const uint8_t *pw_keys_key_get0_spki(const struct pw_keys_key *k, size_t *out_len);

/* Copies SHA-256 of the canonical SPKI into out. Returns 0 when there is none. */
int pw_keys_key_spki_sha256(const struct pw_keys_key *k, uint8_t out[32]);

/* Copies the badkeys-style hash (see the top of this file). Returns 0 when
 * the key has none (unknown algorithm). */
int pw_keys_key_badkeys_sha256(const struct pw_keys_key *k, uint8_t out[32]);

/* 1 if the input carried a private key. */
int pw_keys_key_has_private(const struct pw_keys_key *k);

/* ---- Blocklists ---- */

/* What a list means; decides the finding a match produces. */
enum pw_keys_list_kind {
	PW_KEYS_LIST_DEBIAN_WEAK = 0, /* e_key_blocklisted_debian, BR 6.1.1.3(5)(i), CVE-2008-0166 */
	PW_KEYS_LIST_COMPROMISED,     /* e_key_compromised, BR 6.1.1.3(4): proven compromised */
	PW_KEYS_LIST_OTHER            /* e_key_blocklisted: any list a CA supplies */
};

/* An in-memory set of 32-byte SHA-256 key hashes. Lookups are read-only and
 * may run from several threads at once; adds need exclusive access.
 * Layout: one sorted array of hashes with an index over the top
 * PW_KEYS_BL_INDEX_BITS bits, plus a small sorted array of recent single adds
 * merged into the main array when it exceeds PW_KEYS_BL_DELTA_MAX. */
struct pw_keys_blocklist;

#define PW_KEYS_BL_INDEX_BITS 20u
#define PW_KEYS_BL_DELTA_MAX 4096u
#define PW_KEYS_BL_MAX_ENTRIES (1u << 28)   /* 268M hashes = 8.6 GB: refuse beyond */
#define PW_KEYS_BL_NAME_MAX 64u

/* Makes an empty list. `name` (copied, truncated to PW_KEYS_BL_NAME_MAX-1) is
 * shown in findings, e.g. "debian-rsa-2048" or "compromised". NULL on OOM. */
struct pw_keys_blocklist *pw_keys_blocklist_new(const char *name, enum pw_keys_list_kind kind);

/* Frees a list (NULL-safe). */
void pw_keys_blocklist_free(struct pw_keys_blocklist *bl);

const char *pw_keys_blocklist_name(const struct pw_keys_blocklist *bl);
enum pw_keys_list_kind pw_keys_blocklist_kind(const struct pw_keys_blocklist *bl);

/* Number of distinct hashes held. */
size_t pw_keys_blocklist_count(const struct pw_keys_blocklist *bl);

/* Bytes of heap the list uses (arrays and index). */
size_t pw_keys_blocklist_memory(const struct pw_keys_blocklist *bl);

/* Adds one hash. Returns PW_OK, PW_ERR_EXISTS if already present (the list
 * is unchanged), PW_ERR_NOMEM or PW_ERR_LIMIT. */
enum pw_status pw_keys_blocklist_add(struct pw_keys_blocklist *bl, const uint8_t hash[32],
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Adds both identities of a key (spki_sha256 and badkeys_sha256, whichever
 * exist). PW_ERR_EXISTS only if both were already present. */
enum pw_status pw_keys_blocklist_add_key(struct pw_keys_blocklist *bl, const struct pw_keys_key *k,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* Adds many hashes at once (n × 32 bytes), e.g. rows read from the store.
 * Duplicates are merged silently. Faster than n single adds. */
enum pw_status pw_keys_blocklist_add_many(struct pw_keys_blocklist *bl, const uint8_t *hashes,
                                          size_t n, struct pw_error *err) PW_WARN_UNUSED;

/* Reads the published Debian weak key list format: one lowercase hex SHA-256
 * (64 characters) a line; empty lines and lines starting with '#' are
 * skipped; a trailing '\r' is tolerated. Anything else fails with *err naming
 * the line (nothing is added then). *out_added (may be NULL) gets the number
 * of new hashes. */
enum pw_status pw_keys_blocklist_load(struct pw_keys_blocklist *bl, const uint8_t *text, size_t len,
                                      size_t *out_added, struct pw_error *err) PW_WARN_UNUSED;

/* Same, from a file (errors name the path and line). */
enum pw_status pw_keys_blocklist_load_file(struct pw_keys_blocklist *bl, const char *path,
                                           size_t *out_added, struct pw_error *err) PW_WARN_UNUSED;

/* Appends the list in the same format (sorted, one hash a line) to *out. */
enum pw_status pw_keys_blocklist_export(const struct pw_keys_blocklist *bl, struct pw_buf *out,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* 1 if the hash is in the list. */
int pw_keys_blocklist_contains(const struct pw_keys_blocklist *bl, const uint8_t hash[32]);

/* 1 if either identity of the key is in the list. */
int pw_keys_blocklist_match_key(const struct pw_keys_blocklist *bl, const struct pw_keys_key *k);

/* Calls fn(hash, arg) for every hash in ascending order; stops early and
 * returns fn's value when it returns non-zero; 0 after the last. */
int pw_keys_blocklist_iterate(const struct pw_keys_blocklist *bl,
                              int (*fn)(const uint8_t hash[32], void *arg), void *arg);

/* ---- Checks ---- */

enum pw_keys_severity {
	PW_KEYS_SEV_NOTICE = 0, /* worth knowing; not a reason to refuse */
	PW_KEYS_SEV_WARN,       /* a SHOULD broken (e.g. BR 6.1.6 exponent range) */
	PW_KEYS_SEV_ERROR       /* a SHALL broken, or the key is known weak/compromised */
};

/* One result, lint-style (names follow zlint where zlint has the rule). */
struct pw_keys_finding {
	const char *name;       /* e.g. "e_rsa_fermat_factorization"; static */
	enum pw_keys_severity severity;
	const char *citation;   /* e.g. "BR 6.1.1.3(5)(iii)"; static */
	char detail[PW_KEYS_DETAIL_MAX];
};

struct pw_keys_result {
	struct pw_keys_finding v[PW_KEYS_MAX_FINDINGS];
	size_t n;
	int truncated;          /* more findings than PW_KEYS_MAX_FINDINGS */
};

/* Check selection flags. */
#define PW_KEYS_CHECK_PRIMALITY 0x1u  /* test whether the RSA modulus is prime: one
                                         Miller-Rabin round, a full-size modular
                                         exponentiation (~7 ms at 2048 bits on a slow core) */
#define PW_KEYS_CHECK_WIENER 0x2u     /* continued-fraction (Wiener) test of e/n; runs only
                                         when e is larger than n^(1/2), else it cannot apply */
#define PW_KEYS_CHECK_LARGER_FACTORS 0x4u /* prime factors 757..2^16 (badkeys' range) by one
                                         gcd against their product (~0.1 ms) */
#define PW_KEYS_CHECK_ALL (PW_KEYS_CHECK_PRIMALITY | PW_KEYS_CHECK_WIENER | PW_KEYS_CHECK_LARGER_FACTORS)
#define PW_KEYS_CHECK_FAST PW_KEYS_CHECK_WIENER /* everything but the primality test */

/* Runs every check on k and fills *out (always reset first): algorithm and
 * size (BR 6.1.5, MRSP 5.1), RSA exponent (BR 6.1.6), modulus validity (zero,
 * negative, even, prime, p·q ≠ n for private keys), small prime factors up to
 * 751 (BR 6.1.6), Fermat factorisation within 100 rounds (BR 6.1.1.3(5)(iii)),
 * the ROCA fingerprint (CVE-2017-15361, BR 6.1.1.3(5)(ii)), small private
 * exponent (Wiener), low-complexity moduli, EC curve and full point
 * validation (BR 6.1.6, SP 800-56A 5.6.2.3.3), explicit curve parameters,
 * and membership in each of `lists` (may be NULL when n_lists is 0).
 * Returns PW_OK when the checks ran (whatever they found); an error only
 * on OOM or an OpenSSL failure. */
enum pw_status pw_keys_check(const struct pw_keys_key *k, const struct pw_keys_blocklist *const *lists,
                             size_t n_lists, unsigned flags, struct pw_keys_result *out,
                             struct pw_error *err) PW_WARN_UNUSED;

/* 1 if some finding has severity ERROR (the key must be refused). */
int pw_keys_result_has_error(const struct pw_keys_result *r);

/* The finding with that name, or NULL. Borrowed from r. */
const struct pw_keys_finding *pw_keys_result_get0(const struct pw_keys_result *r, const char *name);

/* "notice", "warn", "error". */
const char *pw_keys_severity_name(enum pw_keys_severity s);

/* ---- Proofs of compromise ---- */

enum pw_keys_proof_type {
	PW_KEYS_PROOF_PRIVATE_KEY = 1,     /* the private key itself */
	PW_KEYS_PROOF_CSR,                 /* a CSR signed by the key, any subject */
	PW_KEYS_PROOF_CSR_PWNEDKEYS,       /* pwnedkeys.com CN form */
	PW_KEYS_PROOF_CSR_ATTESTATION,     /* draft-mpalmer-key-compromise-attestation */
	PW_KEYS_PROOF_JWS_PWNEDKEYS,       /* flattened JWS, payload contains "key is pwned" */
	PW_KEYS_PROOF_SIGNED_CHALLENGE     /* a signature over a pkiward challenge */
};

/* The CN of a pwnedkeys-style CSR. */
#define PW_KEYS_PWNEDKEYS_CN \
	"The key that signed this CSR has been publicly disclosed. It should not be used for any purpose."
/* The CN of an attestation CSR: draft -00 form and the later "kca=v1" form. */
#define PW_KEYS_KCA_CN "Key Compromise Attestation"
#define PW_KEYS_KCA_CN_V1 "kca=v1 This Key Is Compromised"
/* What a pwnedkeys JWS payload must contain. */
#define PW_KEYS_PWNED_MARKER "key is pwned"

/* What a verified proof establishes. */
struct pw_keys_proof {
	enum pw_keys_proof_type type;
	uint8_t *spki_der;      /* canonical SPKI of the proven key; owned, free with
	                           pw_keys_proof_cleanup() */
	size_t spki_len;
	uint8_t spki_sha256[32];
	uint8_t badkeys_sha256[32];
	int has_badkeys_sha256;
	enum pw_keys_type key_type;
	char detail[PW_KEYS_DETAIL_MAX]; /* e.g. "RS256 JWS" or "CSR, sha256WithRSAEncryption" */
};

/* Verifies a proof of compromise and says which key it proves.
 * `proof` is one of: a private key (PEM/DER PKCS#1, PKCS#8, SEC1; RSA, EC,
 * Ed25519), a CSR (PEM/DER), or a flattened JWS (JSON). For a signed
 * challenge use pw_keys_verify_challenge(). The CSR's signature is verified
 * over the exact CertificationRequestInfo bytes; a JWS's over its protected
 * header and payload, with an algorithm allow-list tied to the key type (RS*,
 * PS*, ES256/P-256, ES384/P-384, ES512/P-521, EdDSA/Ed25519; never none or
 * HMAC). Every rejection is PW_ERR_PARSE (malformed) or PW_ERR_CRYPTO (does
 * not verify / does not match) with a precise reason in *err.
 * On success *out is filled (call pw_keys_proof_cleanup() later). */
enum pw_status pw_keys_verify_proof(const uint8_t *proof, size_t len, struct pw_keys_proof *out,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* Same, for a proof about a key the caller already has (the certificate or
 * SPKI being reported, in `key_input`, anything pw_keys_key_parse() reads):
 * the proof must be for that key (else PW_ERR_CRYPTO "for a different key").
 * Needed for a JWS that does not embed its "jwk" (pwnedkeys serves JWS
 * indexed by the SPKI fingerprint, without the key). */
enum pw_status pw_keys_verify_proof_with_key(const uint8_t *proof, size_t len, const uint8_t *key_input,
                                             size_t key_len, struct pw_keys_proof *out,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* A challenge for the signed-challenge proof: random text a reporter signs
 * with the key, e.g. `openssl dgst -sha256 -sign key.pem -out sig challenge.txt`. */
struct pw_keys_challenge {
	char text[PW_KEYS_CHALLENGE_TEXT_MAX]; /* NUL-terminated; sign exactly strlen(text) bytes */
};

/* Issues a new challenge: "pkiward key compromise challenge <64 hex>" from
 * PW_KEYS_CHALLENGE_BYTES of OpenSSL randomness. The caller stores it (and
 * its expiry) and passes it back to pw_keys_verify_challenge(). */
enum pw_status pw_keys_challenge_new(struct pw_keys_challenge *out, struct pw_error *err) PW_WARN_UNUSED;

/* Verifies `sig` over the challenge text with the public key in `key_input`
 * (anything pw_keys_key_parse() reads: certificate, SPKI, ...). RSA:
 * PKCS#1 v1.5 with SHA-256/384/512 (the digest is taken from the signature);
 * ECDSA (DER signature) with SHA-256/384/512; Ed25519 (pure). On success *out
 * gets type PW_KEYS_PROOF_SIGNED_CHALLENGE and the key's identities. */
enum pw_status pw_keys_verify_challenge(const struct pw_keys_challenge *ch, const uint8_t *sig,
                                        size_t sig_len, const uint8_t *key_input, size_t key_len,
                                        struct pw_keys_proof *out, struct pw_error *err) PW_WARN_UNUSED;

/* Frees what a proof owns and zeroes it (NULL-safe). */
void pw_keys_proof_cleanup(struct pw_keys_proof *p);

/* Static name of a proof type ("private-key", "csr", "csr-pwnedkeys",
 * "csr-attestation", "jws-pwnedkeys", "signed-challenge"). */
const char *pw_keys_proof_type_name(enum pw_keys_proof_type t);

/* JOSE helpers shared by the proof verifiers and the ACME endpoint.
 * Decodes base64url without padding (RFC 7515 §2): any other character, a
 * length of 4k+1 or non-zero leftover bits (a non-canonical text) fail.
 * *out is malloc'd (NUL-terminated, not counted in *out_len). Returns 1/0. */
int pw_keys_b64url_decode(const char *s, size_t len, uint8_t **out, size_t *out_len);

/* Encodes base64url without padding (RFC 7515 §2) into out, which holds at
 * least 4 * ceil(n / 3) + 1 bytes; NUL-terminated. */
void pw_keys_b64url_encode_into(const uint8_t *p, size_t n, char *out);

/* Converts a JOSE ECDSA signature R||S (RFC 7518 §3.4; len even) to the DER
 * ECDSA-Sig-Value OpenSSL verifies; *out is OpenSSL-allocated
 * (OPENSSL_free). Returns 1/0. */
int pw_keys_ecdsa_raw_to_der(const uint8_t *sig, size_t len, uint8_t **out, size_t *out_len);

#endif
