/* JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037 §2) into the key model.
 * The key is re-encoded as an SPKI and read by the same SPKI path as every
 * other input, so a JWK and a PEM of the same key have the same identity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int pw_keys_b64url_decode(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
	/* RFC 7515 §2: base64url without padding; '=' and other characters are refused. */
	if (len % 4 == 1)
		return 0;
	uint8_t *o = malloc(len * 3 / 4 + 1);
	if (o == NULL)
		return 0;
	uint32_t acc = 0;
	unsigned nb = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		const char *c = memchr(B64URL, s[i], 64);
		if (c == NULL || s[i] == '\0') {
			free(o);
			return 0;
		}
		acc = (acc << 6) | (uint32_t)(c - B64URL);
		nb += 6;
		if (nb >= 8) {
			nb -= 8;
			o[n++] = (uint8_t)(acc >> nb);
		}
	}
	/* Leftover bits must be zero (canonical encoding). */
	if (nb > 0 && (acc & ((1u << nb) - 1)) != 0) {
		free(o);
		return 0;
	}
	o[n] = 0; /* a decoded JOSE header can be read as text */
	*out = o;
	*out_len = n;
	return 1;
}

void pw_keys_b64url_encode_into(const uint8_t *p, size_t n, char *out)
{
	size_t j = 0;
	uint32_t acc = 0;
	unsigned nb = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		nb += 8;
		while (nb >= 6) {
			nb -= 6;
			out[j++] = B64URL[(acc >> nb) & 63];
		}
	}
	if (nb > 0)
		out[j++] = B64URL[(acc << (6 - nb)) & 63];
	out[j] = '\0';
}

int pw_keys_b64url_encode(const uint8_t *p, size_t n, char **out)
{
	char *o = malloc(n * 4 / 3 + 4);
	if (o == NULL)
		return 0;
	pw_keys_b64url_encode_into(p, n, o);
	*out = o;
	return 1;
}

/* Decodes member `name` of obj as base64url; `what` names it in errors. */
static int get_b64(json_t *obj, const char *name, uint8_t **out, size_t *out_len, struct pw_error *err)
{
	json_t *v = json_object_get(obj, name);
	if (v == NULL)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, name, "JWK member \"%s\" is missing", name), 0;
	if (!json_is_string(v))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, name, "JWK member \"%s\" is not a string", name), 0;
	size_t len = json_string_length(v);
	if (len == 0 || len > PW_KEYS_JWK_MAX_B64)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, name, "JWK member \"%s\" has bad length %zu", name,
		                    len), 0;
	if (!pw_keys_b64url_decode(json_string_value(v), len, out, out_len))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, name, "JWK member \"%s\" is not base64url", name), 0;
	return 1;
}

/* DER length header into h; returns its size. */
static size_t der_hdr(uint8_t *h, uint8_t tag, size_t len)
{
	size_t n = 0;
	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len <= 0xFF) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	}
	return n;
}

/* INTEGER TLV of an unsigned big-endian value (leading zeros stripped,
 * 0x00 prepended when the top bit is set). Returns bytes written. */
static size_t der_uint(uint8_t *o, const uint8_t *v, size_t len)
{
	while (len > 1 && v[0] == 0) {
		v++;
		len--;
	}
	int pad = len == 0 || (v[0] & 0x80) != 0;
	size_t clen = len + (size_t)pad;
	size_t h = der_hdr(o, 0x02, clen);
	if (pad)
		o[h++] = 0x00;
	if (len > 0)
		memcpy(o + h, v, len);
	return h + len;
}

static int spki_from_parts(struct pw_keys_key *k, const uint8_t *alg, size_t alg_len, const uint8_t *key,
                           size_t key_len, struct pw_error *err)
{
	size_t bs = key_len + 1;
	size_t total = alg_len + 4 + bs;
	uint8_t *der = malloc(total + 8);
	if (der == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory"), 0;
	uint8_t h[8];
	size_t bh = der_hdr(h, 0x03, bs);
	size_t n = der_hdr(der, 0x30, alg_len + bh + bs);
	memcpy(der + n, alg, alg_len);
	n += alg_len;
	memcpy(der + n, h, bh);
	n += bh;
	der[n++] = 0;
	memcpy(der + n, key, key_len);
	n += key_len;
	int ok = pw_keys_key_from_spki(k, der, n, err);
	free(der);
	return ok;
}

static const uint8_t ALG_RSA[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
static const uint8_t ALG_ED25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
static const uint8_t ALG_EC_P256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                      0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t ALG_EC_P384[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                      0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
static const uint8_t ALG_EC_P521[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                      0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};

int pw_keys_key_from_jwk(struct pw_keys_key **out, const uint8_t *json, size_t len, struct pw_error *err)
{
	json_error_t jerr;
	json_t *root = NULL;
	struct pw_keys_key *k = NULL;
	uint8_t *a = NULL, *b = NULL, *body = NULL;
	size_t alen = 0, blen = 0;
	int ok = 0;
	/* RFC 7517 §4 / RFC 8259 §4: duplicate member names make a key ambiguous. */
	root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		pw_error_set(err, PW_ERR_PARSE, 1, (size_t)jerr.position, "JWK", "line %d: %s", jerr.line,
		             jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "JWK", "a JWK is a JSON object");
		goto out;
	}
	const char *kty = json_string_value(json_object_get(root, "kty"));
	if (kty == NULL) {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "kty", "JWK member \"kty\" is missing or not a string");
		goto out;
	}
	k = pw_keys_key_alloc(PW_KEYS_SRC_JWK);
	if (k == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (strcmp(kty, "RSA") == 0) {
		if (!get_b64(root, "n", &a, &alen, err) || !get_b64(root, "e", &b, &blen, err))
			goto out;
		body = malloc(alen + blen + 32);
		if (body == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		uint8_t ints[2 * (PW_KEYS_JWK_MAX_B64 + 16)];
		size_t il = der_uint(ints, a, alen);
		il += der_uint(ints + il, b, blen);
		size_t bl = der_hdr(body, 0x30, il);
		memcpy(body + bl, ints, il);
		bl += il;
		if (!spki_from_parts(k, ALG_RSA, sizeof ALG_RSA, body, bl, err))
			goto out;
	} else if (strcmp(kty, "EC") == 0) {
		const char *crv = json_string_value(json_object_get(root, "crv"));
		const uint8_t *alg;
		size_t alg_len, flen;
		if (crv == NULL) {
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "crv", "EC JWK member \"crv\" is missing or not a string");
			goto out;
		}
		if (strcmp(crv, "P-256") == 0) {
			alg = ALG_EC_P256, alg_len = sizeof ALG_EC_P256, flen = 32;
		} else if (strcmp(crv, "P-384") == 0) {
			alg = ALG_EC_P384, alg_len = sizeof ALG_EC_P384, flen = 48;
		} else if (strcmp(crv, "P-521") == 0) {
			alg = ALG_EC_P521, alg_len = sizeof ALG_EC_P521, flen = 66;
		} else {
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "crv",
			             "unsupported EC curve \"%.40s\" (RFC 7518 §6.2.1.1: P-256, P-384, P-521)", crv);
			goto out;
		}
		if (!get_b64(root, "x", &a, &alen, err) || !get_b64(root, "y", &b, &blen, err))
			goto out;
		/* RFC 7518 §6.2.1.2: x and y are the full field size. */
		if (alen != flen || blen != flen) {
			pw_error_set(err, PW_ERR_PARSE, 0, 0, alen != flen ? "x" : "y",
			             "%s coordinate is %zu bytes; %s needs exactly %zu", alen != flen ? "x" : "y",
			             alen != flen ? alen : blen, crv, flen);
			goto out;
		}
		body = malloc(1 + 2 * flen);
		if (body == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		body[0] = 0x04;
		memcpy(body + 1, a, flen);
		memcpy(body + 1 + flen, b, flen);
		if (!spki_from_parts(k, alg, alg_len, body, 1 + 2 * flen, err))
			goto out;
	} else if (strcmp(kty, "OKP") == 0) {
		const char *crv = json_string_value(json_object_get(root, "crv"));
		if (crv == NULL || strcmp(crv, "Ed25519") != 0) {
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "crv", "unsupported OKP curve \"%.40s\" (Ed25519 only)",
			             crv ? crv : "(missing)");
			goto out;
		}
		if (!get_b64(root, "x", &a, &alen, err))
			goto out;
		if (alen != 32) {
			pw_error_set(err, PW_ERR_PARSE, 0, 0, "x", "Ed25519 x is %zu bytes, not 32", alen);
			goto out;
		}
		if (!spki_from_parts(k, ALG_ED25519, sizeof ALG_ED25519, a, 32, err))
			goto out;
	} else {
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "kty", "unsupported JWK key type \"%.40s\" (RSA, EC, OKP)", kty);
		goto out;
	}
	k->source = PW_KEYS_SRC_JWK;
	*out = k;
	k = NULL;
	ok = 1;
out:
	free(a);
	free(b);
	free(body);
	json_decref(root);
	pw_keys_key_free(k);
	return ok;
}
