/* http/acme_jws.c: the flattened JWS of ACME requests (acme_jws.h).
 *
 * The checks RFC 8555 §6.2 requires, in the order a server must make them,
 * and the ones the JOSE pitfalls call for (RFC 8725): the algorithm comes
 * from an allow-list tied to the key type, so "none" and MACs (HS256 with a
 * symmetric "oct" key embedded in the header, which JOSE libraries verify
 * happily) never verify anything; duplicate member names are refused
 * (RFC 8259 §4, RFC 7515 §5.2); the key is the embedded public JWK. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "acme_jws.h"
#include "pkiward/keys.h"

int pw_acme_problem_set(struct pw_acme_problem *prob, unsigned status, const char *type,
                        const char *fmt, ...)
{
	va_list ap;
	prob->status = status;
	prob->type = type;
	va_start(ap, fmt);
	vsnprintf(prob->detail, sizeof prob->detail, fmt, ap);
	va_end(ap);
	return 0;
}

void pw_acme_jws_cleanup(struct pw_acme_jws *j)
{
	if (j == NULL)
		return;
	pw_keys_key_free(j->key);
	free(j->payload);
	free(j->signing_input);
	free(j->sig);
	memset(j, 0, sizeof *j);
}

struct alg_info {
	const char *name;
	enum pw_keys_type type;
	const char *curve; /* EC: the curve the alg requires (RFC 7518 §3.4) */
	int pss;
	unsigned bits;     /* digest; 0 for EdDSA */
};

static const struct alg_info ALGS[] = {
	{"RS256", PW_KEYS_TYPE_RSA, NULL, 0, 256},     {"RS384", PW_KEYS_TYPE_RSA, NULL, 0, 384},
	{"RS512", PW_KEYS_TYPE_RSA, NULL, 0, 512},     {"PS256", PW_KEYS_TYPE_RSA, NULL, 1, 256},
	{"PS384", PW_KEYS_TYPE_RSA, NULL, 1, 384},     {"PS512", PW_KEYS_TYPE_RSA, NULL, 1, 512},
	{"ES256", PW_KEYS_TYPE_EC, "P-256", 0, 256},   {"ES384", PW_KEYS_TYPE_EC, "P-384", 0, 384},
	{"ES512", PW_KEYS_TYPE_EC, "P-521", 0, 512},   {"EdDSA", PW_KEYS_TYPE_ED25519, NULL, 0, 0},
};

static const struct alg_info *find_alg(const char *name)
{
	for (size_t i = 0; i < sizeof ALGS / sizeof ALGS[0]; i++)
		if (strcmp(ALGS[i].name, name) == 0)
			return &ALGS[i];
	return NULL;
}

/* A string member of o: NULL when absent or not a string; refuses embedded
 * NULs (a C string must mean what the JSON said). */
static const char *str_member(json_t *o, const char *name, size_t *len, int *bad)
{
	json_t *v = json_object_get(o, name);
	*bad = 0;
	if (v == NULL)
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	*len = json_string_length(v);
	if (strlen(json_string_value(v)) != *len) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* JWK members that make it a private or symmetric key (RFC 7518 §6.3.2,
 * §6.2.2, §6.4): a request must never carry them. */
static const char *const PRIVATE_MEMBERS[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};

int pw_acme_jws_parse(const uint8_t *body, size_t len, struct pw_acme_jws *out,
                      struct pw_acme_problem *prob)
{
	json_error_t jerr;
	json_t *root = NULL, *hdr = NULL;
	uint8_t *hdr_raw = NULL;
	size_t hdr_len = 0;
	char *jwk_text = NULL;
	struct pw_error kerr;
	int ok = 0, bad = 0;

	memset(out, 0, sizeof *out);
	if (body == NULL || len == 0) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "empty request body: a JWS was expected");
		goto out;
	}
	/* RFC 8259 §4 / RFC 7515 §5.2: names must be unique; a parser that keeps
	 * the last duplicate and one that keeps the first disagree on what was
	 * signed. */
	root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "request body is not a JSON object: byte %d: %s",
		                    jerr.position, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "request body is not a JSON object");
		goto out;
	}
	/* RFC 8555 §6.2: flattened JSON serialisation; no unprotected header. */
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val)
	{
		(void)val;
		if (strcmp(key, "protected") != 0 && strcmp(key, "payload") != 0 && strcmp(key, "signature") != 0) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
			                    "JWS member \"%.40s\" is not allowed (RFC 8555 §6.2: flattened JWS with "
			                    "protected, payload and signature only)",
			                    key);
			goto out;
		}
	}
	size_t pl = 0, yl = 0, sl = 0;
	const char *p64 = str_member(root, "protected", &pl, &bad);
	const char *y64 = bad ? NULL : str_member(root, "payload", &yl, &bad);
	const char *s64 = bad ? NULL : str_member(root, "signature", &sl, &bad);
	if (p64 == NULL || y64 == NULL || s64 == NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "JWS member \"%s\" is missing or not a string",
		                    p64 == NULL ? "protected" : y64 == NULL ? "payload" : "signature");
		goto out;
	}
	if (pl > PW_ACME_JWS_MAX_PROTECTED || yl > PW_ACME_JWS_MAX_PAYLOAD || sl > PW_ACME_JWS_MAX_SIGNATURE) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
		                    "JWS member \"%s\" is longer than allowed (%u/%u/%u characters)",
		                    pl > PW_ACME_JWS_MAX_PROTECTED ? "protected"
		                    : yl > PW_ACME_JWS_MAX_PAYLOAD ? "payload"
		                                                   : "signature",
		                    PW_ACME_JWS_MAX_PROTECTED, PW_ACME_JWS_MAX_PAYLOAD, PW_ACME_JWS_MAX_SIGNATURE);
		goto out;
	}
	if (!pw_keys_b64url_decode(p64, pl, &hdr_raw, &hdr_len)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"protected\" is not base64url (RFC 7515 §2)");
		goto out;
	}
	if (!pw_keys_b64url_decode(y64, yl, &out->payload, &out->payload_len)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"payload\" is not base64url (RFC 7515 §2)");
		goto out;
	}
	if (!pw_keys_b64url_decode(s64, sl, &out->sig, &out->sig_len)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"signature\" is not base64url");
		goto out;
	}
	hdr = json_loadb((const char *)hdr_raw, hdr_len, JSON_REJECT_DUPLICATES, &jerr);
	if (hdr == NULL || !json_is_object(hdr)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "protected header is not a JSON object%s%s",
		                    hdr == NULL ? ": " : "", hdr == NULL ? jerr.text : "");
		goto out;
	}
	size_t al = 0;
	const char *alg = str_member(hdr, "alg", &al, &bad);
	if (alg == NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "protected header has no string \"alg\"");
		goto out;
	}
	const struct alg_info *ai = find_alg(alg);
	if (ai == NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_BAD_SIG_ALG,
		                    "JWS algorithm \"%.20s\" is not accepted: no \"none\", no MAC (RFC 8555 §6.2); "
		                    "use one of " PW_ACME_JWS_ALGS,
		                    alg);
		goto out;
	}
	snprintf(out->alg, sizeof out->alg, "%s", ai->name);
	if (out->sig_len == 0) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"signature\" is empty");
		goto out;
	}
	if (json_object_get(hdr, "crit") != NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
		                    "protected header lists critical extensions this server does not understand "
		                    "(RFC 7515 §4.1.11)");
		goto out;
	}
	json_t *jwk = json_object_get(hdr, "jwk");
	json_t *kid = json_object_get(hdr, "kid");
	/* RFC 8555 §6.2: "jwk" and "kid" are mutually exclusive; one is required. */
	if ((jwk == NULL) == (kid == NULL)) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
		                    jwk == NULL ? "protected header has neither \"jwk\" nor \"kid\""
		                                : "protected header has both \"jwk\" and \"kid\" (RFC 8555 §6.2: exactly one)");
		goto out;
	}
	size_t nl = 0, ul = 0, kl = 0;
	const char *nonce = str_member(hdr, "nonce", &nl, &bad);
	if (nonce == NULL || nl == 0 || nl > PW_ACME_NONCE_MAX) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_BAD_NONCE,
		                    "protected header has no usable \"nonce\" (RFC 8555 §6.5)");
		goto out;
	}
	memcpy(out->nonce, nonce, nl + 1);
	const char *url = str_member(hdr, "url", &ul, &bad);
	if (url == NULL || ul == 0 || ul > PW_ACME_URL_MAX) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
		                    "protected header has no usable \"url\" (RFC 8555 §6.4)");
		goto out;
	}
	memcpy(out->url, url, ul + 1);
	if (kid != NULL) {
		const char *k = str_member(hdr, "kid", &kl, &bad);
		if (k == NULL || kl == 0 || kl > PW_ACME_URL_MAX) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"kid\" is not a usable string");
			goto out;
		}
		memcpy(out->kid, k, kl + 1);
		out->has_kid = 1;
	} else {
		if (!json_is_object(jwk)) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"jwk\" is not a JSON object");
			goto out;
		}
		const char *kty = json_string_value(json_object_get(jwk, "kty"));
		if (kty != NULL && strcmp(kty, "oct") == 0) {
			/* A symmetric key in the header verifies whatever its sender MACs. */
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_BAD_SIG_ALG,
			                    "\"jwk\" is a symmetric (oct) key: it proves nothing (RFC 8725 §3.2)");
			goto out;
		}
		for (size_t i = 0; i < sizeof PRIVATE_MEMBERS / sizeof PRIVATE_MEMBERS[0]; i++)
			if (json_object_get(jwk, PRIVATE_MEMBERS[i]) != NULL) {
				pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
				                    "\"jwk\" has private member \"%s\": send the public key only",
				                    PRIVATE_MEMBERS[i]);
				goto out;
			}
		jwk_text = json_dumps(jwk, JSON_COMPACT);
		if (jwk_text == NULL) {
			pw_acme_problem_set(prob, 500, PW_ACME_ERR_SERVER, "out of memory");
			goto out;
		}
		if (pw_keys_key_parse((const uint8_t *)jwk_text, strlen(jwk_text), &out->key, &kerr) != PW_OK) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"jwk\" is not a usable public key: %s%s%s",
			                    kerr.field, kerr.field[0] ? ": " : "", kerr.msg);
			goto out;
		}
		enum pw_keys_type kt = pw_keys_key_type(out->key);
		const char *curve = pw_keys_key_curve(out->key);
		if (kt != ai->type || (ai->curve != NULL && (curve == NULL || strcmp(curve, ai->curve) != 0))) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_BAD_SIG_ALG,
			                    "algorithm %s does not fit the %s%s%s key in \"jwk\" (RFC 7518 §3)", ai->name,
			                    pw_keys_type_name(kt), curve ? " " : "", curve ? curve : "");
			goto out;
		}
		out->has_jwk = 1;
	}
	out->signing_input_len = pl + 1 + yl;
	out->signing_input = malloc(out->signing_input_len + 1);
	if (out->signing_input == NULL) {
		pw_acme_problem_set(prob, 500, PW_ACME_ERR_SERVER, "out of memory");
		goto out;
	}
	memcpy(out->signing_input, p64, pl);
	out->signing_input[pl] = '.';
	memcpy(out->signing_input + pl + 1, y64, yl);
	out->signing_input[out->signing_input_len] = '\0';
	ok = 1;
out:
	free(jwk_text);
	free(hdr_raw);
	json_decref(hdr);
	json_decref(root);
	if (!ok)
		pw_acme_jws_cleanup(out);
	return ok;
}

int pw_acme_jws_verify(const struct pw_acme_jws *j, struct pw_acme_problem *prob)
{
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *der_sig = NULL;
	size_t der_len = 0;
	int ok = 0;
	if (!j->has_jwk || j->key == NULL)
		return pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "no \"jwk\" to verify with");
	const struct alg_info *ai = find_alg(j->alg);
	size_t spki_len = 0;
	const uint8_t *spki = pw_keys_key_get0_spki(j->key, &spki_len);
	if (ai == NULL || spki == NULL)
		return pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"jwk\" has no usable public key");
	const uint8_t *p = spki;
	pk = d2i_PUBKEY(NULL, &p, (long)spki_len);
	if (pk == NULL) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED, "\"jwk\" is not a valid public key");
		goto out;
	}
	const uint8_t *sig = j->sig;
	size_t sig_len = j->sig_len;
	if (ai->type == PW_KEYS_TYPE_EC) {
		size_t want = 2 * (((size_t)pw_keys_key_bits(j->key) + 7) / 8);
		if (sig_len != want) {
			pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
			                    "%s signature is %zu bytes; R||S is exactly %zu (RFC 7518 §3.4)", ai->name,
			                    sig_len, want);
			goto out;
		}
		if (!pw_keys_ecdsa_raw_to_der(sig, sig_len, &der_sig, &der_len)) {
			pw_acme_problem_set(prob, 500, PW_ACME_ERR_SERVER, "cannot convert the ECDSA signature");
			goto out;
		}
		sig = der_sig;
		sig_len = der_len;
	}
	const EVP_MD *md = ai->bits == 256 ? EVP_sha256() : ai->bits == 384 ? EVP_sha384()
	                   : ai->bits == 512 ? EVP_sha512() : NULL;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1) {
		pw_acme_problem_set(prob, 500, PW_ACME_ERR_SERVER, "cannot set up %s verification", ai->name);
		goto out;
	}
	if (ai->pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)) {
		pw_acme_problem_set(prob, 500, PW_ACME_ERR_SERVER, "cannot set up %s verification", ai->name);
		goto out;
	}
	if (EVP_DigestVerify(ctx, sig, sig_len, (const uint8_t *)j->signing_input, j->signing_input_len) != 1) {
		pw_acme_problem_set(prob, 400, PW_ACME_ERR_MALFORMED,
		                    "JWS verification error: the %s signature does not verify with \"jwk\"", ai->name);
		goto out;
	}
	ok = 1;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	OPENSSL_free(der_sig);
	return ok;
}
