/* keys/ private declarations. */
#ifndef PW_KEYS_INTERNAL_H
#define PW_KEYS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "pkiward/der.h"
#include "pkiward/keys.h"
#include "pkiward/oid.h"

/* Longest EC field element we handle (P-521: 66 bytes). */
#define PW_KEYS_EC_MAX_FIELD 66u
/* Longest JWK member value we decode (a 16384-bit modulus is 2731 base64url chars). */
#define PW_KEYS_JWK_MAX_B64 4096u

struct pw_keys_key {
	enum pw_keys_type type;
	enum pw_keys_source source;
	unsigned bits;
	/* Canonical SPKI (owned) and its hash; spki == NULL when none can be formed. */
	uint8_t *spki;
	size_t spki_len;
	uint8_t spki_sha256[32];
	int spki_canonical;     /* spki was re-encoded (else it is the input's bytes) */
	uint8_t badkeys_sha256[32];
	int has_badkeys;
	/* RSA: INTEGER contents as encoded (owned copies, minimal two's complement). */
	uint8_t *n_der, *e_der;
	size_t n_der_len, e_der_len;
	int has_e;              /* 0 for a bare hex modulus */
	int n_negative, e_negative;
	BIGNUM *n, *e;          /* magnitudes (owned) */
	/* EC */
	enum pw_oid curve;      /* PW_OID_UNKNOWN for unknown/explicit */
	int ec_explicit;
	int ec_params_missing;  /* no parameters, or NULL (implicitlyCA) */
	int ec_nid;             /* OpenSSL NID of a known named curve, 0 otherwise */
	int ec_point_ok;        /* full public key validation passed */
	int ec_compressed;      /* the point was given in compressed form */
	char ec_error[96];      /* why the point is invalid */
	unsigned ec_field_len;
	/* Ed25519 */
	uint8_t ed_pub[32];
	/* Private key (when the input held one). */
	EVP_PKEY *priv;
	BIGNUM *rsa_d, *rsa_p, *rsa_q;
};

/* Shared helpers (key.c). */
void pw_keys_sha256(const uint8_t *p, size_t n, uint8_t out[32]);
/* Builds the key from DER SubjectPublicKeyInfo bytes (strict DER). */
int pw_keys_key_from_spki(struct pw_keys_key *k, const uint8_t *der, size_t len, struct pw_error *err);
/* New zeroed key. */
struct pw_keys_key *pw_keys_key_alloc(enum pw_keys_source src);
/* An EVP_PKEY for the key's public half (for verifying signatures); NULL with
 * *err when none can be made (invalid point, unknown type). Caller frees. */
EVP_PKEY *pw_keys_key_get1_evp_public(const struct pw_keys_key *k, struct pw_error *err);
/* Parses a private key from DER (PKCS#1, PKCS#8, SEC1). */
int pw_keys_key_from_private_der(struct pw_keys_key **out, const uint8_t *der, size_t len,
                                 struct pw_error *err);
/* JWK (jwk.c). `json` need not be NUL-terminated. */
int pw_keys_key_from_jwk(struct pw_keys_key **out, const uint8_t *json, size_t len, struct pw_error *err);

/* base64url without padding (RFC 7515 §2); returns 1 and a malloc'd buffer. */
int pw_keys_b64url_encode(const uint8_t *p, size_t n, char **out);

/* Integer square root: *out = floor(sqrt(a)), a >= 0. */
int pw_keys_bn_isqrt(BIGNUM *out, const BIGNUM *a, BN_CTX *ctx);

#endif
