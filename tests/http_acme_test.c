/* Unit tests of the ACME JWS checks (http/acme_jws.h, RFC 8555 §6.2) and
 * of the serve configuration and static-file routing (serve.h, app.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "acme_jws.h"
#include "pkiward/keys.h"
#include "pkiward/serve.h"
#include "server.h"

/* app.c: static files from one directory (not in a header: tested here). */
void pw_serve_static_dir(const char *dir_real, const char *rel, const char *ctype,
                         struct pw_http_response *resp);

static EVP_PKEY *rsa_key, *ec_key, *ec_key2;

static char *b64u(const uint8_t *p, size_t n)
{
	char *o = malloc(n * 4 / 3 + 4);
	pw_keys_b64url_encode_into(p, n, o);
	return o;
}

static char *b64u_str(const char *s)
{
	return b64u((const uint8_t *)s, strlen(s));
}

static char *bn_b64u(const BIGNUM *bn, size_t pad)
{
	uint8_t buf[600];
	size_t n = pad ? pad : (size_t)BN_num_bytes(bn);
	BN_bn2binpad(bn, buf, (int)n);
	return b64u(buf, n);
}

/* The public JWK of a key as JSON text (malloc'd). */
static char *jwk_of(EVP_PKEY *k)
{
	char *out = malloc(2048);
	if (EVP_PKEY_is_a(k, "RSA")) {
		BIGNUM *n = NULL, *e = NULL;
		EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n);
		EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e);
		char *nb = bn_b64u(n, 0), *eb = bn_b64u(e, 0);
		snprintf(out, 2048, "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", nb, eb);
		free(nb);
		free(eb);
		BN_free(n);
		BN_free(e);
	} else {
		BIGNUM *x = NULL, *y = NULL;
		EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x);
		EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
		char *xb = bn_b64u(x, 32), *yb = bn_b64u(y, 32);
		snprintf(out, 2048, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}", xb, yb);
		free(xb);
		free(yb);
		BN_free(x);
		BN_free(y);
	}
	return out;
}

/* Signs input with k as alg (RS256 / ES256 R||S); *len bytes. */
static uint8_t *sign(EVP_PKEY *k, const char *input, size_t *len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sl = 0;
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, NULL, &sl, (const uint8_t *)input, strlen(input)), 1);
	uint8_t *sig = malloc(sl);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sl, (const uint8_t *)input, strlen(input)), 1);
	EVP_MD_CTX_free(ctx);
	if (EVP_PKEY_is_a(k, "EC")) {
		const uint8_t *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);
		uint8_t *raw = malloc(64);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
		ECDSA_SIG_free(es);
		free(sig);
		*len = 64;
		return raw;
	}
	*len = sl;
	return sig;
}

/* A flattened JWS with protected header `hdr` and payload `payload`, signed
 * by `k` (NULL: empty signature). Caller frees. */
static char *jws(const char *hdr, const char *payload, EVP_PKEY *k)
{
	char *p64 = b64u_str(hdr), *y64 = b64u_str(payload), *s64;
	size_t in_len = strlen(p64) + strlen(y64) + 2;
	char *input = malloc(in_len);
	snprintf(input, in_len, "%s.%s", p64, y64);
	if (k != NULL) {
		size_t sl = 0;
		uint8_t *sig = sign(k, input, &sl);
		s64 = b64u(sig, sl);
		free(sig);
	} else {
		s64 = strdup("");
	}
	size_t n = strlen(p64) + strlen(y64) + strlen(s64) + 64;
	char *out = malloc(n);
	snprintf(out, n, "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"}", p64, y64, s64);
	free(p64);
	free(y64);
	free(s64);
	free(input);
	return out;
}

static char *header(const char *alg, const char *jwk, const char *extra)
{
	char *h = malloc(4096);
	snprintf(h, 4096, "{\"alg\":\"%s\"%s%s,\"nonce\":\"bm9uY2U\",\"url\":\"http://x/acme/revoke-cert\"%s}", alg,
	         jwk ? ",\"jwk\":" : "", jwk ? jwk : "", extra ? extra : "");
	return h;
}

/* Parses (and verifies when parse succeeds and verify is set); returns 1
 * when accepted, else fills *p. */
static int check(const char *body, int verify, struct pw_acme_problem *p)
{
	struct pw_acme_jws j;
	int ok = pw_acme_jws_parse((const uint8_t *)body, strlen(body), &j, p);
	if (ok && verify)
		ok = pw_acme_jws_verify(&j, p);
	pw_acme_jws_cleanup(&j);
	return ok;
}

static const char PAYLOAD[] = "{\"certificate\":\"MAA\",\"reason\":1}";

static void test_good_rs256_es256(void **state)
{
	(void)state;
	struct pw_acme_problem p;
	char *jw = jwk_of(rsa_key), *h = header("RS256", jw, NULL), *b = jws(h, PAYLOAD, rsa_key);
	struct pw_acme_jws j;
	assert_true(pw_acme_jws_parse((const uint8_t *)b, strlen(b), &j, &p));
	assert_true(pw_acme_jws_verify(&j, &p));
	assert_string_equal(j.alg, "RS256");
	assert_string_equal(j.url, "http://x/acme/revoke-cert");
	assert_string_equal(j.nonce, "bm9uY2U");
	assert_int_equal(j.payload_len, strlen(PAYLOAD));
	assert_memory_equal(j.payload, PAYLOAD, j.payload_len);
	pw_acme_jws_cleanup(&j);
	free(jw), free(h), free(b);
	jw = jwk_of(ec_key), h = header("ES256", jw, NULL), b = jws(h, PAYLOAD, ec_key);
	assert_true(check(b, 1, &p));
	free(jw), free(h), free(b);
}

static void test_forged_and_altered(void **state)
{
	(void)state;
	struct pw_acme_problem p;
	char *jw = jwk_of(rsa_key), *h = header("RS256", jw, NULL), *b = jws(h, PAYLOAD, rsa_key);
	/* Altered payload: same signature over a different payload. */
	char *other = b64u_str("{\"certificate\":\"MAA\",\"reason\":0}");
	char *pay = strstr(b, "\"payload\":\"") + 11;
	char *alt = malloc(strlen(b) + 64);
	snprintf(alt, strlen(b) + 64, "%.*s%s%s", (int)(pay - b), b, other, strchr(pay, '"'));
	assert_false(check(alt, 1, &p));
	assert_string_equal(p.type, PW_ACME_ERR_MALFORMED);
	assert_non_null(strstr(p.detail, "does not verify"));
	/* Signed by another key than the embedded jwk. */
	char *b2 = jws(h, PAYLOAD, ec_key2);
	assert_false(check(b2, 1, &p));
	/* A signature byte flipped. */
	char *sigp = strstr(b, "\"signature\":\"") + 13;
	sigp[5] = sigp[5] == 'A' ? 'B' : 'A';
	assert_false(check(b, 1, &p));
	free(jw), free(h), free(b), free(other), free(alt), free(b2);
}

static void test_alg_rules(void **state)
{
	(void)state;
	struct pw_acme_problem p;
	char *jw = jwk_of(rsa_key);
	/* alg none */
	char *h = header("none", jw, NULL), *b = jws(h, PAYLOAD, NULL);
	assert_false(check(b, 0, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_SIG_ALG);
	free(h), free(b);
	/* HS256 with an embedded oct key: the classic JOSE confusion. */
	h = header("HS256", "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", NULL);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 1, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_SIG_ALG);
	free(h), free(b);
	/* RS256 naming an oct key. */
	h = header("RS256", "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", NULL);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 1, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_SIG_ALG);
	free(h), free(b);
	/* alg that does not fit the key type. */
	h = header("ES256", jw, NULL);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 1, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_SIG_ALG);
	free(h), free(b);
	/* ES384 with a P-256 key. */
	char *ejw = jwk_of(ec_key);
	h = header("ES384", ejw, NULL);
	b = jws(h, PAYLOAD, ec_key);
	assert_false(check(b, 1, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_SIG_ALG);
	free(h), free(b), free(ejw), free(jw);
}

static void test_header_rules(void **state)
{
	(void)state;
	struct pw_acme_problem p;
	char *jw = jwk_of(rsa_key), *h, *b;
	/* kid and jwk together; neither. */
	h = header("RS256", jw, ",\"kid\":\"http://x/acct/1\"");
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	assert_string_equal(p.type, PW_ACME_ERR_MALFORMED);
	free(h), free(b);
	h = header("RS256", NULL, NULL);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	free(h), free(b);
	/* kid alone parses (the handler answers accountDoesNotExist). */
	h = header("RS256", NULL, ",\"kid\":\"http://x/acct/1\"");
	b = jws(h, PAYLOAD, rsa_key);
	struct pw_acme_jws j;
	assert_true(pw_acme_jws_parse((const uint8_t *)b, strlen(b), &j, &p));
	assert_true(j.has_kid);
	assert_false(pw_acme_jws_verify(&j, &p));
	pw_acme_jws_cleanup(&j);
	free(h), free(b);
	/* Duplicate names in the protected header. */
	h = malloc(4096);
	snprintf(h, 4096, "{\"alg\":\"RS256\",\"alg\":\"none\",\"jwk\":%s,\"nonce\":\"bm9uY2U\",\"url\":\"u\"}", jw);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	assert_string_equal(p.type, PW_ACME_ERR_MALFORMED);
	free(h), free(b);
	/* crit; a private member in jwk; no nonce (badNonce). */
	h = header("RS256", jw, ",\"crit\":[\"b64\"]");
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	free(h), free(b);
	char priv[2100];
	snprintf(priv, sizeof priv, "%.*s,\"d\":\"AQAB\"}", (int)strlen(jw) - 1, jw);
	h = header("RS256", priv, NULL);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	assert_non_null(strstr(p.detail, "private member"));
	free(h), free(b);
	h = malloc(4096);
	snprintf(h, 4096, "{\"alg\":\"RS256\",\"jwk\":%s,\"url\":\"u\"}", jw);
	b = jws(h, PAYLOAD, rsa_key);
	assert_false(check(b, 0, &p));
	assert_string_equal(p.type, PW_ACME_ERR_BAD_NONCE);
	free(h), free(b), free(jw);
}

static void test_outer_rules(void **state)
{
	(void)state;
	struct pw_acme_problem p;
	assert_false(check("", 0, &p));
	assert_false(check("[]", 0, &p));
	assert_false(check("{\"protected\":\"e30\",\"payload\":\"e30\",\"signature\":\"AA\",\"header\":{}}", 0, &p));
	assert_non_null(strstr(p.detail, "header"));
	assert_false(check("{\"protected\":\"e30\",\"payload\":\"e30\",\"signature\":\"AA\",\"payload\":\"e30\"}", 0, &p));
	assert_false(check("{\"protected\":\"e3=\",\"payload\":\"e30\",\"signature\":\"AA\"}", 0, &p));
	assert_false(check("{\"protected\":5,\"payload\":\"e30\",\"signature\":\"AA\"}", 0, &p));
	assert_false(check("{\"protected\":\"e30\",\"payload\":\"e30\",\"signature\":\"AA\",\"signatures\":[]}", 0, &p));
	/* Over-long members are refused before decoding. */
	size_t n = PW_ACME_JWS_MAX_PAYLOAD + 100;
	const char *pre = "{\"protected\":\"e30\",\"signature\":\"AA\",\"payload\":\"";
	size_t pl = strlen(pre);
	char *big = malloc(pl + n + 3);
	memcpy(big, pre, pl);
	memset(big + pl, 'A', n);
	memcpy(big + pl + n, "\"}", 3);
	assert_false(check(big, 0, &p));
	assert_non_null(strstr(p.detail, "longer"));
	free(big);
}

static void test_b64url(void **state)
{
	(void)state;
	uint8_t *o = NULL;
	size_t n = 0;
	char enc[16];
	pw_keys_b64url_encode_into((const uint8_t *)"\xfb\xff", 2, enc);
	assert_string_equal(enc, "-_8");
	assert_true(pw_keys_b64url_decode(enc, strlen(enc), &o, &n));
	assert_int_equal(n, 2);
	assert_memory_equal(o, "\xfb\xff", 2);
	free(o);
	assert_false(pw_keys_b64url_decode("-_9", 3, &o, &n)); /* non-zero leftover bits */
	assert_false(pw_keys_b64url_decode("ab=", 3, &o, &n));
	assert_false(pw_keys_b64url_decode("a", 1, &o, &n));
	assert_false(pw_keys_b64url_decode("a+/b", 4, &o, &n));
}

static void test_config(void **state)
{
	(void)state;
	struct pw_serve_config c;
	struct pw_error err;
	char path[64];
	pw_serve_config_init(&c);
	assert_int_equal(pw_serve_config_set(&c, "listen", "127.0.0.1:8080", &err), PW_OK);
	assert_int_equal(pw_serve_config_set(&c, "threads", "4", &err), PW_OK);
	assert_int_equal(c.threads, 4);
	assert_int_equal(pw_serve_config_set(&c, "threads", "99999", &err), PW_ERR_USAGE);
	assert_int_equal(pw_serve_config_set(&c, "threads", "-1", &err), PW_ERR_USAGE);
	assert_int_equal(pw_serve_config_set(&c, "bogus", "1", &err), PW_ERR_USAGE);
	assert_int_equal(pw_serve_config_set(&c, "base_url", "https://ca.example/", &err), PW_ERR_USAGE);
	assert_int_equal(pw_serve_config_set(&c, "base_url", "ftp://ca.example", &err), PW_ERR_USAGE);
	assert_int_equal(pw_serve_config_set(&c, "base_url", "https://ca.example", &err), PW_OK);
	snprintf(path, sizeof path, "/tmp/pw_serve_cfg_%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("# comment\nstore = /tmp/x.db\n\n  listen=0.0.0.0:9\nthreads = two\n", f);
	fclose(f);
	assert_int_equal(pw_serve_config_load(&c, path, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "line 5"));
	assert_string_equal(c.store, "/tmp/x.db");
	assert_string_equal(c.listen, "0.0.0.0:9");
	f = fopen(path, "w");
	fputs("no equals sign\n", f);
	fclose(f);
	assert_int_equal(pw_serve_config_load(&c, path, &err), PW_ERR_PARSE);
	assert_non_null(strstr(err.msg, "line 1"));
	unlink(path);
	pw_serve_config_cleanup(&c);
}

static unsigned static_status(const char *dir, const char *rel)
{
	struct pw_http_response r;
	memset(&r, 0, sizeof r);
	r.body_fd = -1;
	pw_serve_static_dir(dir, rel, NULL, &r);
	if (r.body_fd >= 0)
		close(r.body_fd);
	for (size_t i = 0; i < r.n_headers; i++) {
		free(r.header_names[i]);
		free(r.header_values[i]);
	}
	if (r.body_release != NULL)
		r.body_release(r.body_release_ctx);
	return r.status;
}

static void test_static_routing(void **state)
{
	(void)state;
	char dir[64], p[128], real[4096];
	snprintf(dir, sizeof dir, "/tmp/pw_serve_web_%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(p, sizeof p, "%s/sub", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/index.html", dir);
	FILE *f = fopen(p, "w");
	fputs("<p>hi</p>", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/sub/a.js", dir);
	f = fopen(p, "w");
	fclose(f);
	snprintf(p, sizeof p, "%s/.hidden", dir);
	f = fopen(p, "w");
	fclose(f);
	snprintf(p, sizeof p, "%s/link.txt", dir);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_non_null(realpath(dir, real));
	assert_int_equal(static_status(real, "index.html"), 200);
	assert_int_equal(static_status(real, "sub/a.js"), 200);
	const char *bad[] = {"../etc/passwd", "sub/../index.html", "/etc/passwd", ".hidden", "sub//a.js", "sub/",
	                     "link.txt", "sub\\a.js", "sub/%2e%2e", "", "nope.html", "sub"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(static_status(real, bad[i]), 404);
	unlink(p);
	snprintf(p, sizeof p, "%s/.hidden", dir), unlink(p);
	snprintf(p, sizeof p, "%s/sub/a.js", dir), unlink(p);
	snprintf(p, sizeof p, "%s/index.html", dir), unlink(p);
	snprintf(p, sizeof p, "%s/sub", dir), rmdir(p);
	rmdir(dir);
}

static EVP_PKEY *gen(const char *type)
{
	EVP_PKEY *k = strcmp(type, "RSA") == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	assert_non_null(k);
	return k;
}

int main(void)
{
	rsa_key = gen("RSA");
	ec_key = gen("EC");
	ec_key2 = gen("EC");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_rs256_es256), cmocka_unit_test(test_forged_and_altered),
		cmocka_unit_test(test_alg_rules),        cmocka_unit_test(test_header_rules),
		cmocka_unit_test(test_outer_rules),      cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_config),           cmocka_unit_test(test_static_routing),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(ec_key2);
	return rc;
}
