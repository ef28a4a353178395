/* Reading keys in every form a CA meets them (certificate, CSR, SPKI,
 * PKCS#1 public, private keys, JWK, a bare modulus) into one model, with a
 * canonical SubjectPublicKeyInfo so that a key has one identity whatever
 * encoding it arrived in (draft-mpalmer-key-compromise-attestation
 * "Processing": keys "MUST be normalised to a common format before
 * comparison", EC points in particular). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "internal.h"
#include "pkiward/cert.h"

/* Longest hex modulus line we accept (16384 bits = 4096 hex digits + separators). */
#define KEYS_HEX_MAX_CHARS 12000u

void pw_keys_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	SHA256(p, n, out);
}

struct pw_keys_key *pw_keys_key_alloc(enum pw_keys_source src)
{
	struct pw_keys_key *k = calloc(1, sizeof *k);
	if (k != NULL)
		k->source = src;
	return k;
}

void pw_keys_key_free(struct pw_keys_key *k)
{
	if (k == NULL)
		return;
	free(k->spki);
	free(k->n_der);
	free(k->e_der);
	BN_free(k->n);
	BN_free(k->e);
	BN_clear_free(k->rsa_d);
	BN_clear_free(k->rsa_p);
	BN_clear_free(k->rsa_q);
	EVP_PKEY_free(k->priv);
	free(k);
}

/* ---- a minimal DER writer for the canonical SPKI ---- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int failed;
};

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n > w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 256;
		while (nc < w->len + n)
			nc *= 2;
		uint8_t *np = realloc(w->p, nc);
		if (np == NULL) {
			w->failed = 1;
			return;
		}
		w->p = np;
		w->cap = nc;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void w_hdr(struct wbuf *w, uint8_t tag, size_t len)
{
	uint8_t h[6];
	size_t n = 0;
	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFF) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFFFF) {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 0x83;
		h[n++] = (uint8_t)(len >> 16);
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	}
	w_bytes(w, h, n);
}

static size_t hdr_len(size_t len)
{
	return len < 0x80 ? 2 : len <= 0xFF ? 3 : len <= 0xFFFF ? 4 : 5;
}

/* AlgorithmIdentifier DER for the algorithms we canonicalise. */
static const uint8_t ALG_RSA[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
static const uint8_t ALG_ED25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

/* SPKI = SEQ { alg, BIT STRING { 0 unused, key } } */
static int build_spki(struct pw_keys_key *k, const uint8_t *alg, size_t alg_len, const uint8_t *key,
                      size_t key_len)
{
	struct wbuf w = {0};
	size_t bs = 1 + key_len;
	w_hdr(&w, 0x30, alg_len + hdr_len(bs) + bs);
	w_bytes(&w, alg, alg_len);
	w_hdr(&w, 0x03, bs);
	w_bytes(&w, "\0", 1);
	w_bytes(&w, key, key_len);
	if (w.failed) {
		free(w.p);
		return 0;
	}
	free(k->spki);
	k->spki = w.p;
	k->spki_len = w.len;
	k->spki_canonical = 1;
	pw_keys_sha256(w.p, w.len, k->spki_sha256);
	return 1;
}

static int build_rsa_spki(struct pw_keys_key *k)
{
	struct wbuf r = {0};
	size_t body = hdr_len(k->n_der_len) + k->n_der_len + hdr_len(k->e_der_len) + k->e_der_len;
	w_hdr(&r, 0x30, body);
	w_hdr(&r, 0x02, k->n_der_len);
	w_bytes(&r, k->n_der, k->n_der_len);
	w_hdr(&r, 0x02, k->e_der_len);
	w_bytes(&r, k->e_der, k->e_der_len);
	int ok = !r.failed && build_spki(k, ALG_RSA, sizeof ALG_RSA, r.p, r.len);
	free(r.p);
	return ok;
}

/* Copies INTEGER contents and makes the magnitude BIGNUM. */
static int set_rsa_int(const struct pw_der *c, uint8_t **out_der, size_t *out_len, BIGNUM **out_bn,
                       int *out_neg)
{
	*out_der = malloc(c->len ? c->len : 1);
	if (*out_der == NULL)
		return 0;
	memcpy(*out_der, c->p, c->len);
	*out_len = c->len;
	*out_neg = c->len > 0 && (c->p[0] & 0x80) != 0;
	if (*out_neg) {
		/* Two's complement magnitude: only its sign matters to the checks. */
		*out_bn = BN_new();
		return *out_bn != NULL;
	}
	*out_bn = BN_bin2bn(c->p, (int)c->len, NULL);
	return *out_bn != NULL;
}

static int decode_rsa_public(struct pw_keys_key *k, const uint8_t *p, size_t len, size_t base_off,
                             struct pw_error *err)
{
	struct pw_der d, seq, n, e;
	pw_der_init(&d, p, len);
	/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1) */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&d, "RSAPublicKey", err) ||
	    !pw_der_get_integer(&seq, &n, err) || !pw_der_get_integer(&seq, &e, err) ||
	    !pw_der_done(&seq, "RSAPublicKey", err)) {
		if (err != NULL) {
			err->offset += base_off;
			if (err->field[0] == '\0')
				snprintf(err->field, sizeof err->field, "RSAPublicKey");
		}
		return 0;
	}
	k->type = PW_KEYS_TYPE_RSA;
	if (!set_rsa_int(&n, &k->n_der, &k->n_der_len, &k->n, &k->n_negative) ||
	    !set_rsa_int(&e, &k->e_der, &k->e_der_len, &k->e, &k->e_negative))
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	k->has_e = 1;
	k->bits = k->n_negative ? (unsigned)(n.len * 8) : (unsigned)BN_num_bits(k->n);
	if (k->bits > PW_KEYS_MAX_RSA_BITS) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "RSAPublicKey.modulus",
		             "modulus of %u bits exceeds the %u-bit limit", k->bits, PW_KEYS_MAX_RSA_BITS);
		return 0;
	}
	if (!k->n_negative) {
		uint8_t *mod = malloc(k->bits / 8 + 1);
		if (mod == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		int mlen = BN_bn2bin(k->n, mod);
		pw_keys_sha256(mod, (size_t)mlen, k->badkeys_sha256);
		k->has_badkeys = 1;
		free(mod);
	}
	if (!build_rsa_spki(k))
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	return 1;
}

static int curve_info(enum pw_oid c, int *nid, unsigned *flen)
{
	switch (c) {
	case PW_OID_SECP256R1: *nid = NID_X9_62_prime256v1; *flen = 32; return 1;
	case PW_OID_SECP384R1: *nid = NID_secp384r1; *flen = 48; return 1;
	case PW_OID_SECP521R1: *nid = NID_secp521r1; *flen = 66; return 1;
	case PW_OID_SECP224R1: *nid = NID_secp224r1; *flen = 28; return 1;
	case PW_OID_SECP256K1: *nid = NID_secp256k1; *flen = 32; return 1;
	default: return 0;
	}
}

/* Full public key validation (SP 800-56A Rev. 2 §5.6.2.3.3, BR 6.1.6):
 * OpenSSL's oct2point rejects coordinates outside [0, p-1] and points not
 * on the curve; we add the point at infinity. Every curve we know by name
 * here but secp224r1/secp256k1 has cofactor 1, so order·Q = O follows. */
static int validate_ec_point(struct pw_keys_key *k, const uint8_t *pt, size_t len, const uint8_t *alg,
                             size_t alg_len, struct pw_error *err)
{
	int ok = 0;
	EC_GROUP *g = NULL;
	EC_POINT *q = NULL;
	uint8_t *unc = NULL;
	g = EC_GROUP_new_by_curve_name(k->ec_nid);
	q = g ? EC_POINT_new(g) : NULL;
	if (q == NULL) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "cannot set up curve");
		goto out;
	}
	k->ec_compressed = len > 0 && (pt[0] == 0x02 || pt[0] == 0x03);
	if (len == 1 && pt[0] == 0x00) {
		snprintf(k->ec_error, sizeof k->ec_error, "the point at infinity");
	} else if (len != 1 + 2 * (size_t)k->ec_field_len && !(k->ec_compressed && len == 1 + k->ec_field_len)) {
		snprintf(k->ec_error, sizeof k->ec_error, "point of %zu bytes is not a %u-byte-field encoding",
		         len, k->ec_field_len);
	} else if (!EC_POINT_oct2point(g, q, pt, len, NULL)) {
		unsigned long e = ERR_peek_last_error();
		snprintf(k->ec_error, sizeof k->ec_error, "point is invalid: %s",
		         ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "decoding failed");
		ERR_clear_error();
	} else if (EC_POINT_is_at_infinity(g, q)) {
		snprintf(k->ec_error, sizeof k->ec_error, "the point at infinity");
	} else if (EC_POINT_is_on_curve(g, q, NULL) != 1) {
		snprintf(k->ec_error, sizeof k->ec_error, "point is not on the curve");
		ERR_clear_error();
	} else {
		k->ec_point_ok = 1;
	}
	if (k->ec_point_ok) {
		size_t ulen = EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, NULL, 0, NULL);
		unc = malloc(ulen ? ulen : 1);
		if (unc == NULL || EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, unc, ulen, NULL) != ulen) {
			pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "cannot encode EC point");
			goto out;
		}
		pw_keys_sha256(unc + 1, k->ec_field_len, k->badkeys_sha256);
		k->has_badkeys = 1;
		if (!build_spki(k, alg, alg_len, unc, ulen)) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
	}
	ok = 1;
out:
	free(unc);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	return ok;
}

static int from_spki_inner(struct pw_keys_key *k, const uint8_t *der, size_t len, struct pw_error *err)
{
	struct pw_der d, spki, alg, oid, key;
	unsigned unused = 0;
	pw_der_init(&d, der, len);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &spki, err) || !pw_der_done(&d, "SubjectPublicKeyInfo", err) ||
	    !pw_der_get(&spki, PW_DER_SEQUENCE, &alg, err) || !pw_der_get_oid(&alg, &oid, err) ||
	    !pw_der_get_bit_string(&spki, &key, &unused, err) ||
	    !pw_der_done(&spki, "SubjectPublicKeyInfo", err)) {
		if (err != NULL && err->field[0] == '\0')
			snprintf(err->field, sizeof err->field, "SubjectPublicKeyInfo");
		return 0;
	}
	/* Raw SPKI is the identity until a canonical form replaces it. */
	free(k->spki);
	k->spki = malloc(len);
	if (k->spki == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	memcpy(k->spki, der, len);
	k->spki_len = len;
	if (unused != 0) {
		pw_error_set(err, PW_ERR_PARSE, 1, pw_der_offset(&key), "subjectPublicKey",
		             "BIT STRING has %u unused bits; a key is whole octets", unused);
		return 0;
	}
	enum pw_oid id = pw_oid_lookup(&oid);
	if (id == PW_OID_RSA_ENCRYPTION) {
		/* RFC 3279 §2.3.1: parameters MUST be NULL. A missing NULL is common
		 * and harmless; anything else is refused. */
		if (pw_der_len(&alg) != 0) {
			struct pw_der null;
			if (!pw_der_get(&alg, PW_DER_NULL, &null, err) || null.len != 0 ||
			    !pw_der_done(&alg, "rsaEncryption parameters", err)) {
				pw_error_set(err, PW_ERR_PARSE, 1, pw_der_offset(&alg), "algorithm.parameters",
				             "rsaEncryption parameters must be NULL");
				return 0;
			}
		}
		return decode_rsa_public(k, key.p, key.len, pw_der_offset(&key), err);
	}
	if (id == PW_OID_EC_PUBLIC_KEY) {
		k->type = PW_KEYS_TYPE_EC;
		uint32_t tag = 0;
		struct pw_der params;
		if (pw_der_len(&alg) == 0) {
			k->ec_params_missing = 1;
		} else if (!pw_der_get_any(&alg, &tag, &params, NULL, err) || !pw_der_done(&alg, "ecParameters", err)) {
			return 0;
		} else if (tag == PW_DER_OID) {
			k->curve = pw_oid_lookup(&params);
		} else if (tag == PW_DER_SEQUENCE) {
			k->ec_explicit = 1;
		} else {
			k->ec_params_missing = 1;
		}
		/* badkeys hash from the X coordinate, whatever the curve. */
		if (key.len >= 3 && key.p[0] == 0x04 && (key.len - 1) % 2 == 0) {
			pw_keys_sha256(key.p + 1, (key.len - 1) / 2, k->badkeys_sha256);
			k->has_badkeys = 1;
			k->bits = (unsigned)((key.len - 1) / 2) * 8;
		} else if (key.len >= 2 && (key.p[0] == 0x02 || key.p[0] == 0x03)) {
			pw_keys_sha256(key.p + 1, key.len - 1, k->badkeys_sha256);
			k->has_badkeys = 1;
			k->bits = (unsigned)(key.len - 1) * 8;
		}
		if (curve_info(k->curve, &k->ec_nid, &k->ec_field_len)) {
			k->bits = k->curve == PW_OID_SECP521R1 ? 521 : k->ec_field_len * 8;
			/* Canonical AlgorithmIdentifier: id-ecPublicKey + the named curve. */
			size_t olen = 0;
			const uint8_t *cder = pw_oid_der(k->curve, &olen);
			size_t eclen = 0;
			const uint8_t *ecder = pw_oid_der(PW_OID_EC_PUBLIC_KEY, &eclen);
			if (cder == NULL || ecder == NULL)
				return pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "OID table lacks a curve"), 0;
			struct wbuf a = {0};
			w_hdr(&a, 0x30, 2 + eclen + 2 + olen);
			w_hdr(&a, 0x06, eclen);
			w_bytes(&a, ecder, eclen);
			w_hdr(&a, 0x06, olen);
			w_bytes(&a, cder, olen);
			int ok = !a.failed && validate_ec_point(k, key.p, key.len, a.p, a.len, err);
			if (a.failed)
				pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			free(a.p);
			return ok;
		}
		return 1;
	}
	if (id == PW_OID_ED25519) {
		k->type = PW_KEYS_TYPE_ED25519;
		k->bits = 255;
		if (pw_der_len(&alg) != 0) {
			/* RFC 8410 §3: parameters MUST be absent. */
			pw_error_set(err, PW_ERR_PARSE, 1, pw_der_offset(&alg), "algorithm.parameters",
			             "Ed25519 parameters must be absent (RFC 8410 §3)");
			return 0;
		}
		if (key.len != 32) {
			pw_error_set(err, PW_ERR_PARSE, 1, pw_der_offset(&key), "subjectPublicKey",
			             "Ed25519 public key is %zu bytes, not 32", key.len);
			return 0;
		}
		memcpy(k->ed_pub, key.p, 32);
		pw_keys_sha256(key.p, 32, k->badkeys_sha256);
		k->has_badkeys = 1;
		if (!build_spki(k, ALG_ED25519, sizeof ALG_ED25519, key.p, 32))
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		return 1;
	}
	k->type = PW_KEYS_TYPE_UNKNOWN;
	return 1;
}

int pw_keys_key_from_spki(struct pw_keys_key *k, const uint8_t *der, size_t len, struct pw_error *err)
{
	int ok = from_spki_inner(k, der, len, err);
	/* Hash the raw SPKI only when no canonical form replaced it. */
	if (ok && k->spki != NULL && !k->spki_canonical)
		pw_keys_sha256(k->spki, k->spki_len, k->spki_sha256);
	return ok;
}

/* ---- private keys ---- */

static int bn_param(EVP_PKEY *pk, const char *name, BIGNUM **out)
{
	return EVP_PKEY_get_bn_param(pk, name, out) == 1;
}

int pw_keys_key_from_private_der(struct pw_keys_key **out, const uint8_t *der, size_t len,
                                 struct pw_error *err)
{
	struct pw_keys_key *k = NULL;
	EVP_PKEY *pk = NULL;
	uint8_t *spki = NULL;
	int ok = 0;
	const uint8_t *p = der;
	if (len > PW_KEYS_MAX_INPUT || len > (size_t)0x7fffffff) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "private key too large");
		goto out;
	}
	pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
	if (pk == NULL) {
		ERR_clear_error();
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "PrivateKey",
		             "not a PKCS#1, PKCS#8 or SEC1 private key OpenSSL can decode");
		goto out;
	}
	if ((size_t)(p - der) != len) {
		pw_error_set(err, PW_ERR_DER, 1, (size_t)(p - der), "PrivateKey",
		             "%zu bytes after the private key", len - (size_t)(p - der));
		goto out;
	}
	int id = EVP_PKEY_get_base_id(pk);
	if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC && id != EVP_PKEY_ED25519) {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "PrivateKey",
		             "private key type %s is not supported (RSA, EC, Ed25519)",
		             OBJ_nid2sn(id) ? OBJ_nid2sn(id) : "unknown");
		goto out;
	}
	int slen = i2d_PUBKEY(pk, &spki);
	if (slen <= 0) {
		ERR_clear_error();
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "PrivateKey", "cannot derive the public key");
		goto out;
	}
	k = pw_keys_key_alloc(PW_KEYS_SRC_PRIVATE_KEY);
	if (k == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (!pw_keys_key_from_spki(k, spki, (size_t)slen, err))
		goto out;
	if (id == EVP_PKEY_RSA) {
		/* d, p, q for the consistency and small-d checks; a key without
		 * factors (n, e, d only) leaves p/q NULL. */
		(void)bn_param(pk, OSSL_PKEY_PARAM_RSA_D, &k->rsa_d);
		(void)bn_param(pk, OSSL_PKEY_PARAM_RSA_FACTOR1, &k->rsa_p);
		(void)bn_param(pk, OSSL_PKEY_PARAM_RSA_FACTOR2, &k->rsa_q);
		ERR_clear_error();
	}
	k->priv = pk;
	pk = NULL;
	*out = k;
	k = NULL;
	ok = 1;
out:
	OPENSSL_free(spki);
	EVP_PKEY_free(pk);
	pw_keys_key_free(k);
	return ok;
}

/* memmem is a GNU extension; the build is plain POSIX. */
static const uint8_t *find_bytes(const uint8_t *h, size_t hl, const char *needle)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; nl <= hl && i <= hl - nl; i++)
		if (h[i] == (uint8_t)needle[0] && memcmp(h + i, needle, nl) == 0)
			return h + i;
	return NULL;
}

/* ---- top level ---- */

static int is_hex_text(const uint8_t *b, size_t len)
{
	size_t digits = 0;
	for (size_t i = 0; i < len; i++) {
		if (isxdigit(b[i]))
			digits++;
		else if (b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != ':')
			return 0;
	}
	return digits > 0;
}

static int from_hex_modulus(struct pw_keys_key **out, const uint8_t *b, size_t len, struct pw_error *err)
{
	char *hex = NULL;
	uint8_t *bin = NULL;
	struct pw_keys_key *k = NULL;
	int ok = 0;
	if (len > KEYS_HEX_MAX_CHARS) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "modulus", "hex modulus longer than %u characters",
		             KEYS_HEX_MAX_CHARS);
		goto out;
	}
	hex = malloc(len + 2);
	if (hex == NULL)
		goto oom;
	size_t h = 0;
	for (size_t i = 0; i < len; i++)
		if (isxdigit(b[i]))
			hex[h++] = (char)b[i];
	if (h % 2 == 1) {
		memmove(hex + 1, hex, h);
		hex[0] = '0';
		h++;
	}
	hex[h] = '\0';
	bin = malloc(h / 2 + 1);
	k = pw_keys_key_alloc(PW_KEYS_SRC_HEX_MODULUS);
	if (bin == NULL || k == NULL)
		goto oom;
	if (!pw_hex_decode(hex, bin, h / 2)) {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "modulus", "invalid hex");
		goto out;
	}
	k->type = PW_KEYS_TYPE_RSA;
	k->n = BN_bin2bn(bin, (int)(h / 2), NULL);
	if (k->n == NULL)
		goto oom;
	k->bits = (unsigned)BN_num_bits(k->n);
	if (k->bits > PW_KEYS_MAX_RSA_BITS) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "modulus", "modulus of %u bits exceeds the %u-bit limit",
		             k->bits, PW_KEYS_MAX_RSA_BITS);
		goto out;
	}
	int ml = BN_bn2bin(k->n, bin);
	pw_keys_sha256(bin, (size_t)ml, k->badkeys_sha256);
	k->has_badkeys = 1;
	*out = k;
	k = NULL;
	ok = 1;
	goto out;
oom:
	pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
out:
	free(hex);
	free(bin);
	pw_keys_key_free(k);
	return ok;
}

/* One DER object of a known kind. */
static int from_der_object(struct pw_keys_key **out, enum pw_object_type type, const char *label,
                           const uint8_t *der, size_t len, struct pw_error *err)
{
	struct pw_keys_key *k = NULL;
	int ok = 0;
	if (type == PW_OBJ_PRIVATE_KEY)
		return pw_keys_key_from_private_der(out, der, len, err);
	if (type == PW_OBJ_CERTIFICATE) {
		struct pw_cert c;
		pw_cert_init(&c);
		k = pw_keys_key_alloc(PW_KEYS_SRC_CERTIFICATE);
		if (k == NULL) {
			pw_cert_cleanup(&c);
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		}
		/* RFC 5280 §4.1.2.1: v1..v3 are 0..2; anything else is not a
		 * certificate whose key anyone should rely on. */
		if (pw_cert_parse(&c, der, len, err) != PW_OK)
			;
		else if (c.version > 2)
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "tbsCertificate.version",
			             "certificate version is %llu; RFC 5280 §4.1.2.1 allows 0..2 (v1..v3)",
			             (unsigned long long)c.version);
		else if (pw_keys_key_from_spki(k, c.spki.raw.p, c.spki.raw.len, err))
			ok = 1;
		pw_cert_cleanup(&c);
	} else if (type == PW_OBJ_CSR) {
		struct pw_csr r;
		pw_csr_init(&r);
		k = pw_keys_key_alloc(PW_KEYS_SRC_CSR);
		if (k == NULL) {
			pw_csr_cleanup(&r);
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		}
		if (pw_csr_parse(&r, der, len, err) != PW_OK)
			;
		else if (r.version != 0)
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "certificationRequestInfo.version",
			             "CSR version is %llu; RFC 2986 §4.1 requires 0 (v1)", (unsigned long long)r.version);
		else if (pw_keys_key_from_spki(k, r.spki.raw.p, r.spki.raw.len, err))
			ok = 1;
		pw_csr_cleanup(&r);
	} else if (type == PW_OBJ_PUBLIC_KEY) {
		k = pw_keys_key_alloc(PW_KEYS_SRC_SPKI);
		if (k == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		ok = pw_keys_key_from_spki(k, der, len, err);
	} else if (label != NULL && strcmp(label, "RSA PUBLIC KEY") == 0) {
		k = pw_keys_key_alloc(PW_KEYS_SRC_RSA_PUBLIC);
		if (k == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
		ok = decode_rsa_public(k, der, len, 0, err);
	} else {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "PEM label \"%s\" is not a key, certificate or CSR",
		             label ? label : "");
	}
	if (ok) {
		*out = k;
		k = NULL;
	}
	pw_keys_key_free(k);
	return ok;
}

/* Raw DER of unknown kind: certificate/CSR by structure, then SPKI, then
 * PKCS#1 RSAPublicKey, then a private key. */
static int from_raw_der(struct pw_keys_key **out, const uint8_t *der, size_t len, struct pw_error *err)
{
	enum pw_object_type t = pw_der_sniff(der, len);
	if (t == PW_OBJ_CERTIFICATE || t == PW_OBJ_CSR)
		return from_der_object(out, t, NULL, der, len, err);
	struct pw_error tmp;
	pw_error_clear(&tmp);
	struct pw_keys_key *k = pw_keys_key_alloc(PW_KEYS_SRC_SPKI);
	if (k == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	if (pw_keys_key_from_spki(k, der, len, &tmp)) {
		*out = k;
		return 1;
	}
	pw_keys_key_free(k);
	k = pw_keys_key_alloc(PW_KEYS_SRC_RSA_PUBLIC);
	if (k == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	pw_error_clear(&tmp);
	if (decode_rsa_public(k, der, len, 0, &tmp)) {
		*out = k;
		return 1;
	}
	pw_keys_key_free(k);
	if (tmp.status == PW_ERR_LIMIT) {
		if (err != NULL)
			*err = tmp;
		return 0;
	}
	if (pw_keys_key_from_private_der(out, der, len, &tmp))
		return 1;
	pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL,
	             "DER input is not a certificate, CSR, SubjectPublicKeyInfo, RSAPublicKey or private key");
	return 0;
}

static int skippable_label(const char *label)
{
	return strcmp(label, "EC PARAMETERS") == 0;
}

enum pw_status pw_keys_key_parse(const uint8_t *buf, size_t len, struct pw_keys_key **out,
                                 struct pw_error *err)
{
	struct pw_objects objs = {0};
	size_t first = 0;
	size_t keys = 0;
	pw_error_clear(err);
	if (out == NULL || (buf == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if (len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "empty input");
	if (len > PW_KEYS_MAX_INPUT)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "input of %zu bytes exceeds the %u-byte limit",
		                    len, PW_KEYS_MAX_INPUT);
	size_t i = 0;
	while (i < len && isspace(buf[i]))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '[')) {
		if (!pw_keys_key_from_jwk(out, buf, len, err))
			return err ? err->status : PW_ERR_PARSE;
		return PW_OK;
	}
	if (i < len && buf[i] == 0x30) {
		if (!from_raw_der(out, buf + i, len - i, err))
			return err ? err->status : PW_ERR_PARSE;
		return PW_OK;
	}
	if (find_bytes(buf, len, "-----BEGIN") == NULL) {
		if (is_hex_text(buf, len)) {
			if (!from_hex_modulus(out, buf, len, err))
				return err ? err->status : PW_ERR_PARSE;
			return PW_OK;
		}
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL,
		                    "input is neither PEM, DER, a JWK nor a hex modulus");
	}
	enum pw_status st = pw_objects_read(buf, len, &objs, err);
	if (st != PW_OK)
		goto out;
	for (size_t j = 0; j < objs.n; j++) {
		if (skippable_label(objs.v[j].label))
			continue;
		if (keys++ == 0)
			first = j;
	}
	if (keys == 0) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "no PEM block holds a key, certificate or CSR");
		goto out;
	}
	if (keys > 1) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL,
		                  "%zu PEM blocks: give one key, certificate or CSR per input", keys);
		goto out;
	}
	const struct pw_object *o = &objs.v[first];
	if (strcmp(o->label, "ENCRYPTED PRIVATE KEY") == 0) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, o->offset, "line",
		                  "line %zu: encrypted private keys are not read; decrypt it first", o->line);
		goto out;
	}
	if (!from_der_object(out, o->type, o->label, o->der, o->der_len, err)) {
		st = err ? err->status : PW_ERR_PARSE;
		if (err != NULL) {
			char tmp[PW_ERROR_MSG_MAX];
			snprintf(tmp, sizeof tmp, "%s", err->msg);
			snprintf(err->msg, sizeof err->msg, "%.40s block at line %zu: %.160s", o->label, o->line, tmp);
		}
		goto out;
	}
	st = PW_OK;
out:
	pw_objects_free(&objs);
	return st;
}

/* ---- accessors ---- */

enum pw_keys_type pw_keys_key_type(const struct pw_keys_key *k)
{
	return k ? k->type : PW_KEYS_TYPE_UNKNOWN;
}

enum pw_keys_source pw_keys_key_source(const struct pw_keys_key *k)
{
	return k ? k->source : PW_KEYS_SRC_SPKI;
}

const char *pw_keys_type_name(enum pw_keys_type t)
{
	switch (t) {
	case PW_KEYS_TYPE_RSA: return "RSA";
	case PW_KEYS_TYPE_EC: return "EC";
	case PW_KEYS_TYPE_ED25519: return "Ed25519";
	default: return "unknown";
	}
}

const char *pw_keys_source_name(enum pw_keys_source s)
{
	switch (s) {
	case PW_KEYS_SRC_SPKI: return "spki";
	case PW_KEYS_SRC_RSA_PUBLIC: return "pkcs1-public";
	case PW_KEYS_SRC_CERTIFICATE: return "certificate";
	case PW_KEYS_SRC_CSR: return "csr";
	case PW_KEYS_SRC_PRIVATE_KEY: return "private-key";
	case PW_KEYS_SRC_JWK: return "jwk";
	case PW_KEYS_SRC_HEX_MODULUS: return "hex-modulus";
	}
	return "unknown";
}

unsigned pw_keys_key_bits(const struct pw_keys_key *k)
{
	return k ? k->bits : 0;
}

const char *pw_keys_key_curve(const struct pw_keys_key *k)
{
	if (k == NULL || k->type != PW_KEYS_TYPE_EC)
		return NULL;
	if (k->ec_explicit)
		return "explicit";
	switch (k->curve) {
	case PW_OID_SECP256R1: return "P-256";
	case PW_OID_SECP384R1: return "P-384";
	case PW_OID_SECP521R1: return "P-521";
	case PW_OID_SECP224R1: return "P-224";
	case PW_OID_SECP256K1: return "secp256k1";
	default: return k->ec_params_missing ? "none" : "unknown";
	}
}

const uint8_t *pw_keys_key_get0_spki(const struct pw_keys_key *k, size_t *out_len)
{
	if (k == NULL || k->spki == NULL) {
		if (out_len)
			*out_len = 0;
		return NULL;
	}
	if (out_len)
		*out_len = k->spki_len;
	return k->spki;
}

int pw_keys_key_spki_sha256(const struct pw_keys_key *k, uint8_t out[32])
{
	if (k == NULL || k->spki == NULL)
		return 0;
	memcpy(out, k->spki_sha256, 32);
	return 1;
}

int pw_keys_key_badkeys_sha256(const struct pw_keys_key *k, uint8_t out[32])
{
	if (k == NULL || !k->has_badkeys)
		return 0;
	memcpy(out, k->badkeys_sha256, 32);
	return 1;
}

int pw_keys_key_has_private(const struct pw_keys_key *k)
{
	return k != NULL && k->priv != NULL;
}

EVP_PKEY *pw_keys_key_get1_evp_public(const struct pw_keys_key *k, struct pw_error *err)
{
	if (k->spki == NULL || (k->type == PW_KEYS_TYPE_EC && !k->ec_point_ok)) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "key", "the key has no usable public key%s%s",
		             k->ec_error[0] ? ": " : "", k->ec_error);
		return NULL;
	}
	const uint8_t *p = k->spki;
	EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)k->spki_len);
	if (pk == NULL) {
		ERR_clear_error();
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "key", "OpenSSL cannot use this %s public key",
		             pw_keys_type_name(k->type));
	}
	return pk;
}
