/* http/acme.c: the ACME endpoints pkiward serves (RFC 8555): the directory
 * (§7.1.1), newNonce (§7.2) and revokeCert (§7.6) signed with the
 * certificate's own key.
 *
 * pkiward issues nothing, so it has no accounts: a request signed with a
 * "kid" gets accountDoesNotExist. A revokeCert request signed with a "jwk"
 * that is the certificate's key, over a nonce pkiward issued and the exact
 * URL it was sent to, proves that the sender holds the private key: that is
 * a proof of key compromise (BR 4.9.1.1, 4.9.12), and it takes the same
 * path as every other proof (revoke.h: block the key, revoke every
 * unexpired certificate with it, one transaction, durable before the 200).
 *
 * Nonces (§6.5) are stateless when issued: 8 bytes of expiry, 8 random
 * bytes and a 16-byte HMAC-SHA256 tag under a per-base secret, so newNonce
 * writes nothing and every front end accepts every other's nonces. A nonce
 * is recorded when it is used (store_serve.h) and refused the second time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "pkiward/keys.h"
#include "pkiward/revoke.h"
#include "serve_internal.h"

/* Nonce layout: expiry (8, big-endian) | random (8) | tag (16). */
#define NONCE_RAW 32u
#define NONCE_TAG 16u
#define NONCE_DOMAIN "pkiward-acme-nonce-v1"
#define URL_BUF (PW_SERVE_URL_MAX + 64u)
/* ACME problem types are URNs under this prefix (RFC 8555 §6.7). */
#define ACME_URN "urn:ietf:params:acme:error:"

static int64_t nonce_ttl(const struct pw_serve *sv)
{
	return sv->cfg.nonce_ttl > 0 ? sv->cfg.nonce_ttl : PW_SERVE_NONCE_TTL_DEFAULT;
}

static void nonce_tag(const struct pw_serve *sv, const uint8_t *msg, uint8_t out[NONCE_TAG])
{
	uint8_t buf[sizeof NONCE_DOMAIN + 16], mac[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	memcpy(buf, NONCE_DOMAIN, sizeof NONCE_DOMAIN);
	memcpy(buf + sizeof NONCE_DOMAIN, msg, 16);
	HMAC(EVP_sha256(), sv->nonce_key, sizeof sv->nonce_key, buf, sizeof buf, mac, &ml);
	memcpy(out, mac, NONCE_TAG);
}

int pw_serve_nonce_new(struct pw_serve *sv, char *out, size_t cap)
{
	uint8_t raw[NONCE_RAW];
	uint64_t exp = (uint64_t)((int64_t)time(NULL) + nonce_ttl(sv));
	if (cap < 64)
		return 0;
	for (int i = 0; i < 8; i++)
		raw[i] = (uint8_t)(exp >> (56 - 8 * i));
	if (RAND_bytes(raw + 8, 8) != 1)
		return 0;
	nonce_tag(sv, raw, raw + 16);
	pw_keys_b64url_encode_into(raw, sizeof raw, out);
	return 1;
}

/* 1: the nonce is ours and unexpired (*exp set); 0: not. */
static int nonce_check(const struct pw_serve *sv, const char *nonce, int64_t now, int64_t *exp)
{
	uint8_t *raw = NULL, tag[NONCE_TAG];
	size_t n = 0;
	int ok = 0;
	if (!pw_keys_b64url_decode(nonce, strlen(nonce), &raw, &n) || n != NONCE_RAW)
		goto out;
	nonce_tag(sv, raw, tag);
	if (CRYPTO_memcmp(tag, raw + 16, NONCE_TAG) != 0)
		goto out;
	uint64_t e = 0;
	for (int i = 0; i < 8; i++)
		e = (e << 8) | raw[i];
	if ((int64_t)e <= now)
		goto out;
	*exp = (int64_t)e;
	ok = 1;
out:
	free(raw);
	return ok;
}

static void add_nonce(struct pw_serve *sv, struct pw_http_response *resp)
{
	char nonce[64];
	if (pw_serve_nonce_new(sv, nonce, sizeof nonce))
		pw_http_response_add_header(resp, "Replay-Nonce", nonce);
}

static void add_index_link(struct pw_serve *sv, const struct pw_http_request *req,
                           struct pw_http_response *resp)
{
	char base[URL_BUF], link[URL_BUF + 32];
	if (pw_serve_base_url(sv, req, base, sizeof base)) {
		snprintf(link, sizeof link, "<%s/acme/directory>;rel=\"index\"", base);
		pw_http_response_add_header(resp, "Link", link);
	}
}

/* An RFC 7807 problem document with an ACME type (RFC 8555 §6.7), a fresh
 * nonce (§6.5: SHOULD in error responses) and the index link. */
static void problem(struct pw_serve *sv, const struct pw_http_request *req,
                    struct pw_http_response *resp, const struct pw_acme_problem *p)
{
	char type[96];
	snprintf(type, sizeof type, ACME_URN "%s", p->type);
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "detail", json_string(p->detail));
	json_object_set_new(o, "status", json_integer(p->status));
	if (strcmp(p->type, PW_ACME_ERR_BAD_SIG_ALG) == 0) {
		/* §6.2: list the algorithms the server accepts. */
		json_t *a = json_array();
		char algs[] = PW_ACME_JWS_ALGS, *save = NULL;
		for (char *t = strtok_r(algs, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save))
			json_array_append_new(a, json_string(t));
		json_object_set_new(o, "algorithms", a);
	}
	char *t = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	pw_http_response_set(resp, p->status, "application/problem+json");
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	add_nonce(sv, resp);
	add_index_link(sv, req, resp);
	if (t != NULL)
		pw_http_response_body_take(resp, t, strlen(t));
}

void pw_serve_acme_directory(void *ctx, const struct pw_http_request *req,
                             struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	char base[URL_BUF], u[URL_BUF + 32];
	if (!pw_serve_base_url(sv, req, base, sizeof base)) {
		pw_http_response_text(resp, 400, "no usable Host header and no base_url configured\n");
		return;
	}
	json_t *o = json_object(), *meta = json_object();
	snprintf(u, sizeof u, "%s/acme/new-nonce", base);
	json_object_set_new(o, "newNonce", json_string(u));
	snprintf(u, sizeof u, "%s/acme/revoke-cert", base);
	json_object_set_new(o, "revokeCert", json_string(u));
	snprintf(u, sizeof u, "%s/", base);
	json_object_set_new(meta, "website", json_string(u));
	json_object_set_new(o, "meta", meta);
	pw_serve_json(resp, 200, o);
}

void pw_serve_acme_nonce(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	/* RFC 8555 §7.2: HEAD -> 200, GET -> 204; never cached. */
	pw_http_response_set(resp, strcmp(req->method, "HEAD") == 0 ? 200 : 204, NULL);
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	add_nonce(sv, resp);
	add_index_link(sv, req, resp);
	if (resp->n_headers == 0)
		pw_http_response_text(resp, 500, "no randomness for a nonce\n");
}

/* The revocation payload (§7.6): {"certificate": base64url DER, "reason": n}. */
static int parse_payload(const struct pw_acme_jws *j, uint8_t **der, size_t *der_len, int *has_reason,
                         long long *reason, struct pw_acme_problem *p)
{
	json_error_t jerr;
	int ok = 0;
	json_t *o = json_loadb((const char *)j->payload, j->payload_len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o)) {
		pw_acme_problem_set(p, 400, PW_ACME_ERR_MALFORMED, "payload is not a JSON object%s%s",
		                    o == NULL ? ": " : "", o == NULL ? jerr.text : "");
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (strcmp(k, "certificate") != 0 && strcmp(k, "reason") != 0) {
			pw_acme_problem_set(p, 400, PW_ACME_ERR_MALFORMED,
			                    "payload member \"%.40s\" is not part of a revocation request (RFC 8555 §7.6)",
			                    k);
			goto out;
		}
	}
	json_t *c = json_object_get(o, "certificate");
	if (!json_is_string(c) || json_string_length(c) == 0 ||
	    strlen(json_string_value(c)) != json_string_length(c)) {
		pw_acme_problem_set(p, 400, PW_ACME_ERR_MALFORMED, "payload has no \"certificate\" string");
		goto out;
	}
	if (!pw_keys_b64url_decode(json_string_value(c), json_string_length(c), der, der_len) || *der_len == 0) {
		pw_acme_problem_set(p, 400, PW_ACME_ERR_MALFORMED, "\"certificate\" is not base64url DER (RFC 8555 §7.6)");
		goto out;
	}
	json_t *r = json_object_get(o, "reason");
	*has_reason = r != NULL;
	if (r != NULL) {
		if (!json_is_integer(r)) {
			pw_acme_problem_set(p, 400, PW_ACME_ERR_BAD_REASON, "\"reason\" is not an integer (RFC 5280 §5.3.1)");
			goto out;
		}
		*reason = (long long)json_integer_value(r);
	}
	ok = 1;
out:
	json_decref(o);
	return ok;
}

struct cert_found {
	int found;
	uint8_t spki_sha256[32];
};

static int cert_row(void *ctx, const struct pw_store_row *r)
{
	struct cert_found *f = ctx;
	f->found = 1;
	memcpy(f->spki_sha256, r->spki_sha256, 32);
	return 0;
}

void pw_serve_acme_revoke(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	struct pw_acme_jws j;
	struct pw_acme_problem p = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	struct pw_keys_key *cert_key = NULL;
	struct pw_keys_proof proof;
	struct pw_revoke_key_report_result res;
	uint8_t *der = NULL;
	size_t der_len = 0;
	char base[URL_BUF], want[URL_BUF + 32];
	int has_reason = 0, ok = 0;
	long long reason = 0;
	int64_t now = (int64_t)time(NULL), exp = 0;

	memset(&j, 0, sizeof j);
	memset(&proof, 0, sizeof proof);
	memset(&res, 0, sizeof res);
	pw_error_clear(&err);
	/* §6.2: the body is application/jose+json. */
	const char *ct = pw_http_request_header(req, "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/jose+json", 21) != 0 ||
	    (ct[21] != '\0' && ct[21] != ';' && ct[21] != ' ')) {
		pw_acme_problem_set(&p, 415, PW_ACME_ERR_MALFORMED,
		                    "Content-Type must be application/jose+json (RFC 8555 §6.2)");
		goto out;
	}
	if (!pw_acme_jws_parse(req->body, req->body_len, &j, &p))
		goto out;
	/* §6.5: a nonce this server issued, unexpired, used once. */
	if (!nonce_check(sv, j.nonce, now, &exp)) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_BAD_NONCE,
		                    "the nonce was not issued by this server or has expired; get a new one");
		goto out;
	}
	s = pw_serve_store_get(sv);
	int fresh = 0;
	if (pw_store_serve_nonce_use(s, j.nonce, exp, now, &fresh, &err) != PW_OK) {
		pw_acme_problem_set(&p, 500, PW_ACME_ERR_SERVER, "recording the nonce failed");
		goto out;
	}
	if (!fresh) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_BAD_NONCE, "the nonce was used already (RFC 8555 §6.5)");
		goto out;
	}
	/* §6.4: "url" must be exactly the URL the request was sent to. */
	if (!pw_serve_base_url(sv, req, base, sizeof base)) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_MALFORMED, "no usable Host header and no base_url configured");
		goto out;
	}
	snprintf(want, sizeof want, "%s/acme/revoke-cert", base);
	if (strcmp(j.url, want) != 0) {
		pw_acme_problem_set(&p, 403, PW_ACME_ERR_UNAUTHORIZED,
		                    "the JWS \"url\" is not this request's URL %.200s (RFC 8555 §6.4)", want);
		goto out;
	}
	if (j.has_kid) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_NO_ACCOUNT,
		                    "pkiward has no ACME accounts: sign revokeCert with the certificate's key (\"jwk\")");
		goto out;
	}
	if (!pw_acme_jws_verify(&j, &p))
		goto out;
	if (!parse_payload(&j, &der, &der_len, &has_reason, &reason, &p))
		goto out;
	/* A request signed with the certificate's key proves the key is in the
	 * sender's hands: revoked as keyCompromise (BR 4.9.1.1 item 3, 7.2.2).
	 * unspecified (0) or no reason is read as that too; the other reasons
	 * BR 7.2.2 allows need a subscriber account pkiward does not have. */
	if (has_reason && reason != 0 && reason != PW_REVOKE_KEY_COMPROMISE) {
		int allowed = pw_revoke_reason_allowed(1, (unsigned)(reason < 0 || reason > 255 ? 255 : reason));
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_BAD_REASON,
		                    allowed ? "reason %lld: a request signed with the certificate's key is a proof of key "
		                              "compromise; send reason 1 (keyCompromise) or none"
		                            : "reason %lld is not allowed for subscriber certificates (BR 7.2.2, RFC 5280 "
		                              "§5.3.1)",
		                    reason);
		goto out;
	}
	uint8_t sha[32];
	pw_serve_sha256(der, der_len, sha);
	struct cert_found cf = {0};
	if (pw_store_get_by_sha256(s, sha, cert_row, &cf, &err) != PW_OK && err.status != PW_ERR_NOTFOUND) {
		pw_acme_problem_set(&p, 500, PW_ACME_ERR_SERVER, "looking the certificate up failed");
		goto out;
	}
	if (!cf.found) {
		pw_acme_problem_set(&p, 404, PW_ACME_ERR_MALFORMED,
		                    "no certificate with this SHA-256 was issued by a CA this server knows");
		goto out;
	}
	/* The key that signed must be the certificate's key (§7.6). */
	uint8_t jwk_spki[32];
	if (!pw_keys_key_spki_sha256(j.key, jwk_spki) || pw_keys_key_parse(der, der_len, &cert_key, &err) != PW_OK) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_MALFORMED, "the certificate's key cannot be read");
		goto out;
	}
	uint8_t cert_spki[32];
	if (!pw_keys_key_spki_sha256(cert_key, cert_spki) || CRYPTO_memcmp(cert_spki, jwk_spki, 32) != 0) {
		pw_acme_problem_set(&p, 403, PW_ACME_ERR_UNAUTHORIZED,
		                    "the JWS was not signed with the certificate's key (RFC 8555 §7.6)");
		goto out;
	}
	/* The proof, as revoke.h records it. */
	size_t spki_len = 0;
	const uint8_t *spki = pw_keys_key_get0_spki(j.key, &spki_len);
	proof.type = PW_KEYS_PROOF_SIGNED_CHALLENGE;
	proof.spki_der = (uint8_t *)spki;
	proof.spki_len = spki_len;
	memcpy(proof.spki_sha256, jwk_spki, 32);
	proof.has_badkeys_sha256 = pw_keys_key_badkeys_sha256(j.key, proof.badkeys_sha256);
	proof.key_type = pw_keys_key_type(j.key);
	snprintf(proof.detail, sizeof proof.detail,
	         "ACME revokeCert (RFC 8555 §7.6) %s JWS by the certificate's key over a nonce pkiward issued", j.alg);
	char actor[PW_HTTP_MAX_ADDR + 8];
	snprintf(actor, sizeof actor, "acme:%s", req->remote_addr ? req->remote_addr : "?");
	struct pw_revoke_key_report rq = {
		.proof = req->body,
		.proof_len = req->body_len,
		.key_input = der,
		.key_input_len = der_len,
		.actor = actor,
		.now = now,
		.verified = &proof,
	};
	if (pw_revoke_report_key(s, &rq, &res, &err) != PW_OK) {
		pw_acme_problem_set(&p, 500, PW_ACME_ERR_SERVER, "recording the revocation failed: %s", err.msg);
		goto out;
	}
	if (!res.changed) {
		pw_acme_problem_set(&p, 400, PW_ACME_ERR_ALREADY_REVOKED,
		                    "this key was reported before (report %lld): every certificate with it is revoked "
		                    "for keyCompromise and the key is blocked",
		                    (long long)res.report_id);
		goto out;
	}
	/* §7.6: 200 on success; committed before this answer (revoke.h). */
	pw_http_response_set(resp, 200, NULL);
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	add_nonce(sv, resp);
	add_index_link(sv, req, resp);
	ok = 1;
out:
	if (!ok)
		problem(sv, req, resp, &p);
	pw_serve_store_put(sv, s);
	pw_revoke_key_report_result_cleanup(&res);
	pw_keys_key_free(cert_key);
	pw_acme_jws_cleanup(&j);
	free(der);
}
