/* Proofs of key compromise (BR 4.9.1.1 reason 3/4, 4.9.3, 4.9.12).
 *
 * The incident this answers: a CA was sent a CSR signed by a compromised key
 * (the pwnedkeys CN form); staff did not recognise it, asked for the private
 * key, and revoked after five days. Each verifier here accepts one proof
 * form, verifies the signature itself, and says precisely why a proof is
 * refused, so the decision can be made in seconds and recorded. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "internal.h"
#include "pkiward/cert.h"

/* Limits of the JWS form. */
#define JWS_MAX_PROTECTED 8192u   /* base64url characters of the protected header */
#define JWS_MAX_PAYLOAD 65536u    /* base64url characters of the payload */
#define JWS_MAX_SIGNATURE 4096u   /* base64url characters of the signature */

const char *pw_keys_proof_type_name(enum pw_keys_proof_type t)
{
	switch (t) {
	case PW_KEYS_PROOF_PRIVATE_KEY: return "private-key";
	case PW_KEYS_PROOF_CSR: return "csr";
	case PW_KEYS_PROOF_CSR_PWNEDKEYS: return "csr-pwnedkeys";
	case PW_KEYS_PROOF_CSR_ATTESTATION: return "csr-attestation";
	case PW_KEYS_PROOF_JWS_PWNEDKEYS: return "jws-pwnedkeys";
	case PW_KEYS_PROOF_SIGNED_CHALLENGE: return "signed-challenge";
	}
	return "unknown";
}

void pw_keys_proof_cleanup(struct pw_keys_proof *p)
{
	if (p == NULL)
		return;
	free(p->spki_der);
	memset(p, 0, sizeof *p);
}

static enum pw_status fill_proof(struct pw_keys_proof *out, enum pw_keys_proof_type type,
                                 const struct pw_keys_key *k, struct pw_error *err)
{
	if (k->spki == NULL)
		return pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "key", "the proven key has no usable public key");
	memset(out, 0, sizeof *out);
	out->spki_der = malloc(k->spki_len);
	if (out->spki_der == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	memcpy(out->spki_der, k->spki, k->spki_len);
	out->spki_len = k->spki_len;
	memcpy(out->spki_sha256, k->spki_sha256, 32);
	if (k->has_badkeys) {
		memcpy(out->badkeys_sha256, k->badkeys_sha256, 32);
		out->has_badkeys_sha256 = 1;
	}
	out->type = type;
	out->key_type = k->type;
	return PW_OK;
}

/* Verifies sig over msg with pk. md NULL for Ed25519. Returns 1 verified,
 * 0 not verified, -1 setup error. */
static int evp_verify(EVP_PKEY *pk, const EVP_MD *md, int pss, const uint8_t *msg, size_t msg_len,
                      const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int r = -1;
	if (ctx == NULL)
		return -1;
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1)
		goto out;
	if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1))
		goto out;
	r = EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) == 1 ? 1 : 0;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return r;
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

/* ---- (a) the private key itself ---- */

static enum pw_status proof_private(const uint8_t *der, size_t len, struct pw_keys_proof *out,
                                    struct pw_error *err)
{
	struct pw_keys_key *k = NULL;
	EVP_PKEY_CTX *c = NULL;
	enum pw_status st;
	if (!pw_keys_key_from_private_der(&k, der, len, err))
		return err ? err->status : PW_ERR_PARSE;
	c = EVP_PKEY_CTX_new_from_pkey(NULL, k->priv, NULL);
	if (c == NULL) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "PrivateKey", "OpenSSL cannot use this private key");
		goto out;
	}
	/* The private half must really belong to the public half it carries
	 * (RSA: p·q = n and d·e ≡ 1; EC: Q = d·G; Ed25519: A = [s]B). A key file
	 * whose public part was swapped proves nothing about that public key. */
	if (k->type == PW_KEYS_TYPE_RSA && (k->rsa_p == NULL || k->rsa_q == NULL)) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "PrivateKey",
		                  "RSA private key lacks its primes; cannot confirm it matches its modulus");
		goto out;
	}
	if (EVP_PKEY_pairwise_check(c) != 1) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "PrivateKey",
		                  "private key does not match its public key (pairwise check failed)");
		goto out;
	}
	st = fill_proof(out, PW_KEYS_PROOF_PRIVATE_KEY, k, err);
	if (st == PW_OK)
		snprintf(out->detail, sizeof out->detail, "%s private key (%u bits)", pw_keys_type_name(k->type),
		         k->bits);
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(c);
	pw_keys_key_free(k);
	return st;
}

/* ---- (b) a CSR signed by the key ---- */

static int name_is_single_cn(const struct pw_name *n, const char *text)
{
	if (n->n_attrs != 1 || n->attrs[0].id != PW_OID_CN)
		return 0;
	const struct pw_attr *a = &n->attrs[0];
	if (a->tag != PW_DER_UTF8_STRING && a->tag != PW_DER_PRINTABLE_STRING)
		return 0;
	return a->value.len == strlen(text) && memcmp(a->value.p, text, a->value.len) == 0;
}

/* Signature algorithms accepted for a CSR proof; SHA-1 and MD5 are refused
 * (second-preimage worries, draft-mpalmer-key-compromise-attestation §6.2). */
static int csr_sig_alg(enum pw_oid id, const EVP_MD **md, enum pw_keys_type *kt)
{
	switch (id) {
	case PW_OID_SHA256_WITH_RSA: *md = EVP_sha256(); *kt = PW_KEYS_TYPE_RSA; return 1;
	case PW_OID_SHA384_WITH_RSA: *md = EVP_sha384(); *kt = PW_KEYS_TYPE_RSA; return 1;
	case PW_OID_SHA512_WITH_RSA: *md = EVP_sha512(); *kt = PW_KEYS_TYPE_RSA; return 1;
	case PW_OID_ECDSA_WITH_SHA256: *md = EVP_sha256(); *kt = PW_KEYS_TYPE_EC; return 1;
	case PW_OID_ECDSA_WITH_SHA384: *md = EVP_sha384(); *kt = PW_KEYS_TYPE_EC; return 1;
	case PW_OID_ECDSA_WITH_SHA512: *md = EVP_sha512(); *kt = PW_KEYS_TYPE_EC; return 1;
	case PW_OID_ED25519: *md = NULL; *kt = PW_KEYS_TYPE_ED25519; return 1;
	default: return 0;
	}
}

static enum pw_status proof_csr(const uint8_t *der, size_t len, struct pw_keys_proof *out,
                                struct pw_error *err)
{
	struct pw_csr r;
	struct pw_keys_key *k = NULL;
	EVP_PKEY *pk = NULL;
	enum pw_status st;
	const EVP_MD *md = NULL;
	enum pw_keys_type want;
	pw_csr_init(&r);
	st = pw_csr_parse(&r, der, len, err);
	if (st != PW_OK)
		goto out;
	if (!csr_sig_alg(r.sig_alg.id, &md, &want)) {
		char oid[PW_DER_OID_TEXT_MAX];
		if (!pw_der_oid_to_text(&r.sig_alg.oid, oid, sizeof oid))
			snprintf(oid, sizeof oid, "?");
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signatureAlgorithm",
		                  "CSR signature algorithm %s (%s) is not accepted as proof "
		                  "(RSA PKCS#1 v1.5, ECDSA with SHA-2, Ed25519)",
		                  pw_oid_name(r.sig_alg.id), oid);
		goto out;
	}
	if (r.sig_unused_bits != 0) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "signature", "signature BIT STRING has unused bits");
		goto out;
	}
	k = pw_keys_key_alloc(PW_KEYS_SRC_CSR);
	if (k == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (!pw_keys_key_from_spki(k, r.spki.raw.p, r.spki.raw.len, err)) {
		st = err ? err->status : PW_ERR_PARSE;
		goto out;
	}
	if (k->type != want) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signatureAlgorithm",
		                  "signature algorithm %s does not fit the CSR's %s key",
		                  pw_oid_name(r.sig_alg.id), pw_keys_type_name(k->type));
		goto out;
	}
	/* Verify with the SPKI exactly as the CSR carries it. */
	const uint8_t *p = r.spki.raw.p;
	pk = d2i_PUBKEY(NULL, &p, (long)r.spki.raw.len);
	if (pk == NULL) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "subjectPKInfo", "OpenSSL cannot use the CSR's public key%s%s",
		                  k->ec_error[0] ? ": " : "", k->ec_error);
		goto out;
	}
	int v = evp_verify(pk, md, 0, r.info.p, r.info.len, r.sig_value.p, r.sig_value.len);
	if (v < 0) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature", "cannot set up signature verification");
		goto out;
	}
	if (v == 0) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature",
		                  "CSR signature does not verify with the CSR's own public key: not signed by that key");
		goto out;
	}
	enum pw_keys_proof_type type = PW_KEYS_PROOF_CSR;
	const char *note = "";
	if (name_is_single_cn(&r.subject, PW_KEYS_PWNEDKEYS_CN)) {
		type = PW_KEYS_PROOF_CSR_PWNEDKEYS;
	} else if (name_is_single_cn(&r.subject, PW_KEYS_KCA_CN) || name_is_single_cn(&r.subject, PW_KEYS_KCA_CN_V1)) {
		/* The profile: exactly one requested extension, NoSecurityAfforded,
		 * critical (draft-mpalmer-key-compromise-attestation §4.3, RFC 7169). */
		if (r.n_exts == 1 && r.exts[0].id == PW_OID_EXT_NO_SECURITY_AFFORDED && r.exts[0].critical)
			type = PW_KEYS_PROOF_CSR_ATTESTATION;
		else
			note = "; attestation subject but not exactly one critical NoSecurityAfforded extension";
	}
	st = fill_proof(out, type, k, err);
	if (st == PW_OK)
		snprintf(out->detail, sizeof out->detail, "CSR signed with %s by the %s key%s",
		         pw_oid_name(r.sig_alg.id), pw_keys_type_name(k->type), note);
out:
	EVP_PKEY_free(pk);
	pw_keys_key_free(k);
	pw_csr_cleanup(&r);
	return st;
}

/* ---- (c) a pwnedkeys-style flattened JWS (RFC 7515 §7.2.2) ---- */

struct jws_alg {
	const char *name;
	enum pw_keys_type type;
	enum pw_oid curve; /* EC only */
	int pss;
	unsigned bits;     /* digest size */
};

static const struct jws_alg JWS_ALGS[] = {
	{"RS256", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 0, 256},
	{"RS384", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 0, 384},
	{"RS512", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 0, 512},
	{"PS256", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 1, 256},
	{"PS384", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 1, 384},
	{"PS512", PW_KEYS_TYPE_RSA, PW_OID_UNKNOWN, 1, 512},
	{"ES256", PW_KEYS_TYPE_EC, PW_OID_SECP256R1, 0, 256},
	{"ES384", PW_KEYS_TYPE_EC, PW_OID_SECP384R1, 0, 384},
	{"ES512", PW_KEYS_TYPE_EC, PW_OID_SECP521R1, 0, 512},
	{"EdDSA", PW_KEYS_TYPE_ED25519, PW_OID_UNKNOWN, 0, 0},
};

static const EVP_MD *md_bits(unsigned bits)
{
	return bits == 256 ? EVP_sha256() : bits == 384 ? EVP_sha384() : bits == 512 ? EVP_sha512() : NULL;
}

int pw_keys_ecdsa_raw_to_der(const uint8_t *sig, size_t len, uint8_t **out, size_t *out_len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)(len / 2), NULL), *t = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
	int ok = 0;
	if (s == NULL || r == NULL || t == NULL || ECDSA_SIG_set0(s, r, t) != 1) {
		BN_free(r);
		BN_free(t);
		goto out;
	}
	uint8_t *der = NULL;
	int dl = i2d_ECDSA_SIG(s, &der);
	if (dl > 0) {
		*out = der;
		*out_len = (size_t)dl;
		ok = 1;
	}
out:
	ECDSA_SIG_free(s);
	return ok;
}

static const char *get_str(json_t *o, const char *name, size_t *len)
{
	json_t *v = json_object_get(o, name);
	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

static enum pw_status proof_jws(const uint8_t *buf, size_t len, const struct pw_keys_key *given,
                                struct pw_keys_proof *out, struct pw_error *err)
{
	json_error_t jerr;
	json_t *root = NULL, *hdr = NULL;
	uint8_t *hdr_raw = NULL, *payload = NULL, *sig = NULL, *sig_der = NULL, *input = NULL;
	size_t hdr_len = 0, payload_len = 0, sig_len = 0, sig_der_len = 0;
	struct pw_keys_key *embedded = NULL;
	EVP_PKEY *pk = NULL;
	enum pw_status st;
	/* RFC 7515 §5.2 step 3/4 and RFC 8259 §4: duplicate member names are refused. */
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, (size_t)jerr.position, "JWS", "line %d: %s", jerr.line,
		                  jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "JWS", "a flattened JWS is a JSON object");
		goto out;
	}
	if (json_object_get(root, "signatures") != NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "signatures",
		                  "general JWS serialisation is not accepted; send the flattened form");
		goto out;
	}
	size_t pl = 0, yl = 0, sl = 0;
	const char *p64 = get_str(root, "protected", &pl), *y64 = get_str(root, "payload", &yl),
	           *s64 = get_str(root, "signature", &sl);
	if (p64 == NULL || y64 == NULL || s64 == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, p64 == NULL ? "protected" : y64 == NULL ? "payload" : "signature",
		                  "JWS member \"%s\" is missing or not a string",
		                  p64 == NULL ? "protected" : y64 == NULL ? "payload" : "signature");
		goto out;
	}
	if (pl > JWS_MAX_PROTECTED || yl > JWS_MAX_PAYLOAD || sl > JWS_MAX_SIGNATURE) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "JWS", "JWS member too long");
		goto out;
	}
	if (json_object_get(root, "header") != NULL) {
		/* Unprotected header parameters could change the meaning without
		 * being signed; a pwnedkeys JWS has none. */
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "header", "unprotected JWS header is not accepted");
		goto out;
	}
	if (!pw_keys_b64url_decode(p64, pl, &hdr_raw, &hdr_len)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "protected", "protected header is not base64url");
		goto out;
	}
	if (!pw_keys_b64url_decode(y64, yl, &payload, &payload_len)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "payload", "payload is not base64url");
		goto out;
	}
	if (!pw_keys_b64url_decode(s64, sl, &sig, &sig_len)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "signature", "signature is not base64url");
		goto out;
	}
	hdr = json_loadb((const char *)hdr_raw, hdr_len, JSON_REJECT_DUPLICATES, &jerr);
	if (hdr == NULL || !json_is_object(hdr)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "protected", "protected header is not a JSON object%s%s",
		                  hdr == NULL ? ": " : "", hdr == NULL ? jerr.text : "");
		goto out;
	}
	size_t al = 0;
	const char *alg = get_str(hdr, "alg", &al);
	if (alg == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "alg", "protected header has no \"alg\"");
		goto out;
	}
	const struct jws_alg *ja = NULL;
	for (size_t i = 0; i < sizeof JWS_ALGS / sizeof JWS_ALGS[0]; i++)
		if (strlen(JWS_ALGS[i].name) == al && strcmp(JWS_ALGS[i].name, alg) == 0)
			ja = &JWS_ALGS[i];
	if (ja == NULL) {
		/* "none" proves nothing; HS* is a shared secret, not the key (RFC 8725 §3.1, §3.2). */
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "alg",
		                  "JWS algorithm \"%.20s\" is not accepted (RS*, PS*, ES256/384/512, EdDSA only)", alg);
		goto out;
	}
	if (json_object_get(hdr, "crit") != NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "crit",
		                  "protected header lists critical extensions pkiward does not understand (RFC 7515 §4.1.11)");
		goto out;
	}
	json_t *jwk = json_object_get(hdr, "jwk");
	if (jwk != NULL) {
		if (!json_is_object(jwk) || json_object_get(jwk, "d") != NULL || json_object_get(jwk, "k") != NULL) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "jwk",
			                  "embedded \"jwk\" must be a public key object (no \"d\" or \"k\")");
			goto out;
		}
		char *js = json_dumps(jwk, JSON_COMPACT);
		if (js == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		int ok = pw_keys_key_from_jwk(&embedded, (const uint8_t *)js, strlen(js), err);
		free(js);
		if (!ok) {
			st = err ? err->status : PW_ERR_PARSE;
			goto out;
		}
	}
	const struct pw_keys_key *k = given ? given : embedded;
	if (k == NULL) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "jwk",
		                  "JWS carries no \"jwk\"; give the public key (certificate or SPKI) it is for");
		goto out;
	}
	if (given != NULL && embedded != NULL &&
	    (given->spki == NULL || embedded->spki == NULL || memcmp(given->spki_sha256, embedded->spki_sha256, 32) != 0)) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "jwk", "the JWS's \"jwk\" is not the key given");
		goto out;
	}
	if (k->type != ja->type || (ja->type == PW_KEYS_TYPE_EC && k->curve != ja->curve)) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "alg", "JWS algorithm %s does not fit a %s%s%s key", ja->name,
		                  pw_keys_type_name(k->type), k->type == PW_KEYS_TYPE_EC ? " " : "",
		                  k->type == PW_KEYS_TYPE_EC ? pw_keys_key_curve(k) : "");
		goto out;
	}
	pk = pw_keys_key_get1_evp_public(k, err);
	if (pk == NULL) {
		st = err ? err->status : PW_ERR_CRYPTO;
		goto out;
	}
	const uint8_t *vs = sig;
	size_t vl = sig_len;
	if (ja->type == PW_KEYS_TYPE_EC) {
		size_t want = 2 * (size_t)k->ec_field_len;
		if (sig_len != want) {
			st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature",
			                  "%s signature is %zu bytes; R||S must be exactly %zu (RFC 7518 §3.4)", ja->name,
			                  sig_len, want);
			goto out;
		}
		if (!pw_keys_ecdsa_raw_to_der(sig, sig_len, &sig_der, &sig_der_len)) {
			st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature", "cannot convert the ECDSA signature");
			goto out;
		}
		vs = sig_der;
		vl = sig_der_len;
	}
	/* Signing input: ASCII(BASE64URL(header) || '.' || BASE64URL(payload)). */
	input = malloc(pl + 1 + yl);
	if (input == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	memcpy(input, p64, pl);
	input[pl] = '.';
	memcpy(input + pl + 1, y64, yl);
	int v = evp_verify(pk, md_bits(ja->bits), ja->pss, input, pl + 1 + yl, vs, vl);
	if (v < 0) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature", "cannot set up %s verification", ja->name);
		goto out;
	}
	if (v == 0) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature", "%s signature does not verify with the key",
		                  ja->name);
		goto out;
	}
	if (find_bytes(payload, payload_len, PW_KEYS_PWNED_MARKER) == NULL) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "payload",
		                  "JWS verifies but its payload does not say \"%s\": not a compromise statement",
		                  PW_KEYS_PWNED_MARKER);
		goto out;
	}
	st = fill_proof(out, PW_KEYS_PROOF_JWS_PWNEDKEYS, k, err);
	if (st == PW_OK)
		snprintf(out->detail, sizeof out->detail, "%s JWS by the %s key", ja->name, pw_keys_type_name(k->type));
out:
	EVP_PKEY_free(pk);
	pw_keys_key_free(embedded);
	free(hdr_raw);
	free(payload);
	free(sig);
	OPENSSL_free(sig_der);
	free(input);
	json_decref(hdr);
	json_decref(root);
	return st;
}

/* ---- dispatch ---- */

enum pw_status pw_keys_verify_proof_with_key(const uint8_t *proof, size_t len, const uint8_t *key_input,
                                             size_t key_len, struct pw_keys_proof *out,
                                             struct pw_error *err)
{
	struct pw_objects objs = {0};
	struct pw_keys_key *given = NULL;
	enum pw_status st;
	pw_error_clear(err);
	if (proof == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if (len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "empty proof");
	if (len > PW_KEYS_MAX_INPUT)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "proof of %zu bytes exceeds the %u-byte limit", len,
		                    PW_KEYS_MAX_INPUT);
	if (key_input != NULL) {
		st = pw_keys_key_parse(key_input, key_len, &given, err);
		if (st != PW_OK)
			goto out;
	}
	size_t i = 0;
	while (i < len && isspace(proof[i]))
		i++;
	if (i < len && proof[i] == '{') {
		st = proof_jws(proof, len, given, out, err);
		goto out;
	}
	const uint8_t *der;
	size_t der_len;
	enum pw_object_type type;
	if (i < len && proof[i] == 0x30) {
		der = proof + i;
		der_len = len - i;
		type = pw_der_sniff(der, der_len) == PW_OBJ_CSR ? PW_OBJ_CSR : PW_OBJ_PRIVATE_KEY;
	} else {
		st = pw_objects_read(proof, len, &objs, err);
		if (st != PW_OK)
			goto out;
		size_t found = objs.n, idx = 0, n = 0;
		for (size_t j = 0; j < objs.n; j++) {
			if (strcmp(objs.v[j].label, "EC PARAMETERS") == 0)
				continue;
			if (n++ == 0)
				idx = j;
		}
		if (found == 0 || n != 1) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL,
			                  "a proof is one private key, CSR or JWS (found %zu PEM blocks)", n);
			goto out;
		}
		type = objs.v[idx].type;
		der = objs.v[idx].der;
		der_len = objs.v[idx].der_len;
		if (type != PW_OBJ_CSR && type != PW_OBJ_PRIVATE_KEY) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL,
			                  "PEM \"%s\" at line %zu is not a proof: give the private key, a CSR signed by "
			                  "it, or a JWS",
			                  objs.v[idx].label, objs.v[idx].line);
			goto out;
		}
	}
	st = type == PW_OBJ_CSR ? proof_csr(der, der_len, out, err) : proof_private(der, der_len, out, err);
	if (st == PW_OK && given != NULL &&
	    (given->spki == NULL || memcmp(given->spki_sha256, out->spki_sha256, 32) != 0)) {
		pw_keys_proof_cleanup(out);
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "key", "the proof is valid but for a different key");
	}
out:
	if (st != PW_OK)
		pw_keys_proof_cleanup(out);
	pw_keys_key_free(given);
	pw_objects_free(&objs);
	return st;
}

enum pw_status pw_keys_verify_proof(const uint8_t *proof, size_t len, struct pw_keys_proof *out,
                                    struct pw_error *err)
{
	return pw_keys_verify_proof_with_key(proof, len, NULL, 0, out, err);
}

/* ---- (d) signed challenge ---- */

#define CHALLENGE_PREFIX "pkiward key compromise challenge "

enum pw_status pw_keys_challenge_new(struct pw_keys_challenge *out, struct pw_error *err)
{
	uint8_t rnd[PW_KEYS_CHALLENGE_BYTES];
	char hex[2 * PW_KEYS_CHALLENGE_BYTES + 1];
	pw_error_clear(err);
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		return pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "no randomness for a challenge");
	pw_hex_encode(rnd, sizeof rnd, hex);
	snprintf(out->text, sizeof out->text, "%s%s", CHALLENGE_PREFIX, hex);
	return PW_OK;
}

enum pw_status pw_keys_verify_challenge(const struct pw_keys_challenge *ch, const uint8_t *sig, size_t sig_len,
                                        const uint8_t *key_input, size_t key_len, struct pw_keys_proof *out,
                                        struct pw_error *err)
{
	struct pw_keys_key *k = NULL;
	EVP_PKEY *pk = NULL;
	enum pw_status st;
	pw_error_clear(err);
	if (ch == NULL || sig == NULL || key_input == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	size_t tl = strnlen(ch->text, sizeof ch->text);
	if (tl == 0 || tl == sizeof ch->text)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "challenge", "challenge text is empty or unterminated");
	if (sig_len == 0 || sig_len > PW_KEYS_MAX_RSA_BITS / 8)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "signature", "signature of %zu bytes cannot be right",
		                    sig_len);
	st = pw_keys_key_parse(key_input, key_len, &k, err);
	if (st != PW_OK)
		goto out;
	pk = pw_keys_key_get1_evp_public(k, err);
	if (pk == NULL) {
		st = err ? err->status : PW_ERR_CRYPTO;
		goto out;
	}
	int v = 0;
	if (k->type == PW_KEYS_TYPE_ED25519) {
		v = evp_verify(pk, NULL, 0, (const uint8_t *)ch->text, tl, sig, sig_len);
	} else if (k->type == PW_KEYS_TYPE_RSA || k->type == PW_KEYS_TYPE_EC) {
		/* The reporter's tool picks the digest; any SHA-2 size will do. */
		const EVP_MD *mds[3] = {EVP_sha256(), EVP_sha384(), EVP_sha512()};
		for (int i = 0; i < 3 && v != 1; i++)
			v = evp_verify(pk, mds[i], 0, (const uint8_t *)ch->text, tl, sig, sig_len);
	} else {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "key", "cannot verify signatures of this key type");
		goto out;
	}
	if (v != 1) {
		st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature",
		                  "signature over the challenge does not verify with the %s key (expected a signature "
		                  "over exactly the %zu bytes of the challenge text, SHA-256/384/512)",
		                  pw_keys_type_name(k->type), tl);
		goto out;
	}
	st = fill_proof(out, PW_KEYS_PROOF_SIGNED_CHALLENGE, k, err);
	if (st == PW_OK)
		snprintf(out->detail, sizeof out->detail, "challenge signed by the %s key", pw_keys_type_name(k->type));
out:
	EVP_PKEY_free(pk);
	pw_keys_key_free(k);
	return st;
}
