/* keys/: weak-key checks over the badkeys corpus, JWKs, malformed inputs,
 * the blocklist, and proofs of compromise made with the openssl CLI and
 * the OpenSSL C API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"
#include "pkiward/keys.h"

#define BADKEYS PW_CORPUS_DIR "/badkeys/"

static char tmpdir[256];

/* ---- helpers ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	uint8_t *b = NULL;
	size_t n = 0, cap = 0, r;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			b = realloc(b, cap);
			assert_non_null(b);
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return b;
}

static struct pw_keys_key *load_key(const char *path)
{
	size_t len = 0;
	uint8_t *b = slurp(path, &len);
	if (b == NULL)
		fail_msg("cannot read %s", path);
	struct pw_keys_key *k = NULL;
	struct pw_error err;
	enum pw_status st = pw_keys_key_parse(b, len, &k, &err);
	free(b);
	if (st != PW_OK)
		fail_msg("%s: %s", path, err.msg);
	return k;
}

static void check_key(const struct pw_keys_key *k, const struct pw_keys_blocklist *bl, unsigned flags,
                      struct pw_keys_result *res)
{
	struct pw_error err;
	const struct pw_keys_blocklist *lists[1] = {bl};
	assert_int_equal(pw_keys_check(k, lists, bl ? 1 : 0, flags, res, &err), PW_OK);
}

static void tpath(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static int sh(const char *fmt, ...) PW_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* SHA-256 of the modulus computed independently by the openssl CLI. */
static void cli_modulus_sha256(const char *path, const char *inform, char hex[65])
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "openssl rsa %s -in '%s' -noout -modulus 2>/dev/null | sed 's/^Modulus=//' | "
	         "sed 's/^\\(00\\)*//' | xxd -r -p | sha256sum | cut -c1-64",
	         inform, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(hex, 65, p));
	pclose(p);
	assert_int_equal(strlen(hex), 64);
}

static void assert_finding(const struct pw_keys_result *r, const char *name, const char *file)
{
	if (pw_keys_result_get0(r, name) == NULL) {
		char names[1024] = "";
		for (size_t i = 0; i < r->n; i++) {
			strncat(names, r->v[i].name, sizeof names - strlen(names) - 2);
			strncat(names, " ", sizeof names - strlen(names) - 1);
		}
		fail_msg("%s: expected %s, got [%s]", file, name, names);
	}
}

/* ---- the badkeys corpus ---- */

struct expect {
	const char *file;
	const char *finding; /* NULL: clean (no error-severity finding) */
	enum pw_keys_severity severity;
};

static const struct expect CORPUS[] = {
	{"rsa-ok.key", NULL, 0},
	{"jwk-rsa-ok.json", NULL, 0},
	{"rsa-roca.key", "e_key_roca", PW_KEYS_SEV_ERROR},
	{"rsa-fermat.crt", "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR},
	{"rsa-fermat.csr", "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR},
	{"rsa-fermat-pkcs1.key", "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR},
	{"rsa-fermat-pkcs8.key", "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR},
	{"rsa-fermat-hexmodulus.txt", "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR},
	{"rsa-smallfactors-valid.key", "e_rsa_modulus_small_factor", PW_KEYS_SEV_ERROR},
	{"rsa-smallfactors-corrupt.key", "e_rsa_mod_factors_smaller_than_752", PW_KEYS_SEV_ERROR},
	{"rsa-e1.key", "e_rsa_public_exponent_too_small", PW_KEYS_SEV_ERROR},
	{"rsa-large-e.key", "w_rsa_public_exponent_not_in_range", PW_KEYS_SEV_WARN},
	{"rsa-e-larger-n.key", "e_rsa_public_exponent_not_less_than_modulus", PW_KEYS_SEV_ERROR},
	{"rsa-small-d.key", "e_rsa_small_private_exponent", PW_KEYS_SEV_ERROR},
	{"rsa-nprime.key", "e_rsa_modulus_prime", PW_KEYS_SEV_ERROR},
	{"rsazerozero.key", "e_rsa_modulus_zero", PW_KEYS_SEV_ERROR},
	{"rsanzero.key", "e_rsa_modulus_zero", PW_KEYS_SEV_ERROR},
	{"rsa-pattern.key", "e_rsa_modulus_low_complexity", PW_KEYS_SEV_ERROR},
	{"rsa-vanity.key", "e_rsa_modulus_low_complexity", PW_KEYS_SEV_ERROR},
	{"rsapoly32.key", "e_rsa_modulus_low_complexity", PW_KEYS_SEV_ERROR},
	{"rsapoly128.key", "e_rsa_modulus_low_complexity", PW_KEYS_SEV_ERROR},
	{"ecdsa-explicit-pub.key", "e_ec_explicit_curve_parameters", PW_KEYS_SEV_ERROR},
	{"ed25519-rfc-example.key", "e_key_algorithm_not_allowed", PW_KEYS_SEV_ERROR},
	{"jwk-ed25519-rfc8037.json", "e_key_algorithm_not_allowed", PW_KEYS_SEV_ERROR},
};

static void test_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof CORPUS / sizeof CORPUS[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, BADKEYS "%s", CORPUS[i].file);
		struct pw_keys_key *k = load_key(path);
		struct pw_keys_result res;
		check_key(k, NULL, PW_KEYS_CHECK_ALL, &res);
		if (CORPUS[i].finding == NULL) {
			if (res.n != 0)
				fail_msg("%s: expected clean, got %s (%s)", CORPUS[i].file, res.v[0].name, res.v[0].detail);
		} else {
			assert_finding(&res, CORPUS[i].finding, CORPUS[i].file);
			const struct pw_keys_finding *f = pw_keys_result_get0(&res, CORPUS[i].finding);
			assert_int_equal(f->severity, CORPUS[i].severity);
			assert_true(f->citation[0] != '\0');
			assert_int_equal(pw_keys_result_has_error(&res), CORPUS[i].severity == PW_KEYS_SEV_ERROR);
		}
		pw_keys_key_free(k);
	}
}

/* The badkeys identity (SHA-256 of the modulus) agrees with one computed
 * independently by the openssl CLI, for SPKI, PKCS#1, certificate and CSR
 * inputs. (The five Fermat samples are five different keys.) */
static void test_badkeys_hash_independent(void **state)
{
	(void)state;
	struct {
		const char *file, *cmd;
	} c[] = {
		{"rsa-fermat-pkcs8.key", "rsa -pubin"},
		{"rsa-fermat-pkcs1.key", "rsa -RSAPublicKey_in"},
		{"rsa-ok.key", "rsa -RSAPublicKey_in"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char path[512], hex[65], mine[65];
		uint8_t h[32];
		snprintf(path, sizeof path, BADKEYS "%s", c[i].file);
		cli_modulus_sha256(path, strchr(c[i].cmd, ' ') + 1, hex);
		struct pw_keys_key *k = load_key(path);
		assert_true(pw_keys_key_badkeys_sha256(k, h));
		pw_hex_encode(h, 32, mine);
		if (strcmp(hex, mine) != 0)
			fail_msg("%s: %s vs openssl %s", c[i].file, mine, hex);
		pw_keys_key_free(k);
	}
	/* Certificate and CSR: via `openssl x509/req -noout -modulus`. */
	const char *cc[][2] = {{"rsa-fermat.crt", "x509"}, {"rsa-fermat.csr", "req"}};
	for (size_t i = 0; i < 2; i++) {
		char cmd[1024], hex[65] = "", mine[65], path[512];
		uint8_t h[32];
		snprintf(path, sizeof path, BADKEYS "%s", cc[i][0]);
		snprintf(cmd, sizeof cmd,
		         "openssl %s -in '%s' -noout -modulus | sed 's/^Modulus=//' | xxd -r -p | sha256sum | cut -c1-64",
		         cc[i][1], path);
		FILE *p = popen(cmd, "r");
		assert_non_null(fgets(hex, sizeof hex, p));
		pclose(p);
		struct pw_keys_key *k = load_key(path);
		assert_true(pw_keys_key_badkeys_sha256(k, h));
		pw_hex_encode(h, 32, mine);
		assert_string_equal(hex, mine);
		pw_keys_key_free(k);
	}
}

/* Debian weak key and RFC example keys: found through blocklists built
 * from independently computed hashes, in the published list format. */
static void test_blocklist_corpus(void **state)
{
	(void)state;
	char hex[65], text[512];
	cli_modulus_sha256(BADKEYS "rsa-debianweak.key", "-RSAPublicKey_in", hex);
	struct pw_keys_key *ec = load_key(BADKEYS "ec-p256-rfc-example.key");
	struct pw_keys_key *ed = load_key(BADKEYS "ed25519-rfc-example.key");
	uint8_t h[32];
	char ech[65], edh[65];
	/* RFC examples: listed by SPKI hash (EC) and badkeys hash (Ed25519). */
	assert_true(pw_keys_key_spki_sha256(ec, h));
	pw_hex_encode(h, 32, ech);
	assert_true(pw_keys_key_badkeys_sha256(ed, h));
	pw_hex_encode(h, 32, edh);
	snprintf(text, sizeof text, "# test list\n%s\r\n\n%s\n%s\n", hex, ech, edh);
	struct pw_keys_blocklist *deb = pw_keys_blocklist_new("debian-test", PW_KEYS_LIST_DEBIAN_WEAK);
	struct pw_error err;
	size_t added = 0;
	assert_int_equal(pw_keys_blocklist_load(deb, (const uint8_t *)text, strlen(text), &added, &err), PW_OK);
	assert_int_equal(added, 3);

	struct pw_keys_result res;
	struct pw_keys_key *k = load_key(BADKEYS "rsa-debianweak.key");
	check_key(k, deb, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_key_blocklisted_debian", "rsa-debianweak.key");
	pw_keys_key_free(k);
	check_key(ec, deb, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_key_blocklisted_debian", "ec-p256-rfc-example.key");
	check_key(ed, deb, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_key_blocklisted_debian", "ed25519-rfc-example.key");
	/* The negative control is not on it. */
	k = load_key(BADKEYS "rsa-ok.key");
	check_key(k, deb, PW_KEYS_CHECK_ALL, &res);
	assert_int_equal(res.n, 0);
	pw_keys_key_free(k);
	/* The same EC key compressed still matches (normalised point). */
	char pem[512], cpem[512];
	tpath(pem, sizeof pem, "ec-example.pem");
	tpath(cpem, sizeof cpem, "ec-example-compressed.pem");
	assert_int_equal(sh("sed -n '/BEGIN/,/END/p' '%s' > '%s' && openssl ec -pubin -in '%s' -pubout "
	                    "-conv_form compressed -out '%s' 2>/dev/null",
	                    BADKEYS "ec-p256-rfc-example.key", pem, pem, cpem),
	                 0);
	k = load_key(cpem);
	check_key(k, deb, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_key_blocklisted_debian", "compressed EC example");
	assert_finding(&res, "n_ec_point_compressed", "compressed EC example");
	uint8_t h2[32];
	assert_true(pw_keys_key_spki_sha256(k, h2));
	assert_true(pw_keys_key_spki_sha256(ec, h));
	assert_memory_equal(h, h2, 32);
	pw_keys_key_free(k);
	pw_keys_key_free(ec);
	pw_keys_key_free(ed);
	pw_keys_blocklist_free(deb);
}

static void test_jwk(void **state)
{
	(void)state;
	struct pw_keys_key *a = load_key(BADKEYS "rsa-ok.key"), *b = load_key(BADKEYS "jwk-rsa-ok.json");
	uint8_t ha[32], hb[32];
	assert_true(pw_keys_key_spki_sha256(a, ha));
	assert_true(pw_keys_key_spki_sha256(b, hb));
	assert_memory_equal(ha, hb, 32);
	assert_int_equal(pw_keys_key_source(b), PW_KEYS_SRC_JWK);
	pw_keys_key_free(a);
	pw_keys_key_free(b);
	struct pw_keys_key *e = load_key(BADKEYS "jwk-ecp256-rfc7517.json");
	assert_int_equal(pw_keys_key_type(e), PW_KEYS_TYPE_EC);
	assert_string_equal(pw_keys_key_curve(e), "P-256");
	struct pw_keys_result res;
	check_key(e, NULL, PW_KEYS_CHECK_ALL, &res);
	assert_int_equal(res.n, 0);
	pw_keys_key_free(e);

	struct {
		const char *json;
		const char *want; /* substring of the error */
	} bad[] = {
		{"{\"kty\":\"EC\",\"crv\":\"_INVALID_\",\"x\":\"AA\",\"y\":\"AA\"}", "unsupported EC curve"},
		{"{\"kty\":\"RSA\",\"n\":\"AQAB\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", "duplicate"},
		{"{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}", "unsupported JWK key type"},
		{"{\"kty\":\"RSA\",\"e\":\"AQAB\"}", "\"n\" is missing"},
		{"{\"kty\":\"RSA\",\"n\":\"A+/=\",\"e\":\"AQAB\"}", "not base64url"},
		{"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}", "needs exactly 32"},
		{"{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}", "Ed25519 only"},
		{"[1,2]", "JSON object"},
		{" {\"kty\":\"RSA\"} trailing", "line 1"},
		{"{\"kty\":", "line 1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pw_keys_key *k = NULL;
		struct pw_error err;
		assert_int_not_equal(pw_keys_key_parse((const uint8_t *)bad[i].json, strlen(bad[i].json), &k, &err), PW_OK);
		assert_null(k);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("JWK %s: error \"%s\" lacks \"%s\"", bad[i].json, err.msg, bad[i].want);
	}
	/* The corpus' invalid curve name is refused clearly. */
	size_t len;
	uint8_t *buf = slurp(BADKEYS "jwk-curvename-invalid.json", &len);
	struct pw_keys_key *k = NULL;
	struct pw_error err;
	assert_int_equal(pw_keys_key_parse(buf, len, &k, &err), PW_ERR_PARSE);
	assert_non_null(strstr(err.msg, "_INVALID_"));
	free(buf);
}

static void test_defects(void **state)
{
	(void)state;
	struct {
		const char *file;
		const char *want;
	} d[] = {
		{"defect/dh0.key", "private key"},
		{"defect/invalidver.crt", "version"},
		{"defect/invalidver.csr", "version"},
		{"defect/private-fragment.key", "line 3"},
		{"defect/public-fragment.key", "line 3"},
		{"LICENSE.badkeys", "neither PEM"},
	};
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, BADKEYS "%s", d[i].file);
		size_t len;
		uint8_t *buf = slurp(path, &len);
		assert_non_null(buf);
		struct pw_keys_key *k = NULL;
		struct pw_error err;
		assert_int_not_equal(pw_keys_key_parse(buf, len, &k, &err), PW_OK);
		assert_null(k);
		char msg[512];
		pw_error_format(&err, msg, sizeof msg);
		if (strstr(msg, d[i].want) == NULL)
			fail_msg("%s: error \"%s\" lacks \"%s\"", d[i].file, msg, d[i].want);
		/* Every prefix must fail cleanly too (no crash, no leak under ASan). */
		for (size_t cut = 0; cut < len; cut += 7) {
			k = NULL;
			if (pw_keys_key_parse(buf, cut, &k, &err) == PW_OK)
				pw_keys_key_free(k);
		}
		free(buf);
	}
}

/* An EC point off the curve is reported, not crashed on. */
static void test_ec_invalid_point(void **state)
{
	(void)state;
	struct pw_keys_key *k = load_key(BADKEYS "ec-p256-rfc-example.key");
	size_t len;
	const uint8_t *spki = pw_keys_key_get0_spki(k, &len);
	uint8_t *bad = malloc(len);
	memcpy(bad, spki, len);
	bad[len - 1] ^= 0x01; /* y changed: no longer on P-256 */
	struct pw_keys_key *b = NULL;
	struct pw_error err;
	assert_int_equal(pw_keys_key_parse(bad, len, &b, &err), PW_OK);
	struct pw_keys_result res;
	check_key(b, NULL, PW_KEYS_CHECK_ALL, &res);
	assert_finding(&res, "e_ec_invalid_public_key", "tampered point");
	/* Still blockable by X coordinate. */
	uint8_t h1[32], h2[32];
	assert_true(pw_keys_key_badkeys_sha256(k, h1));
	assert_true(pw_keys_key_badkeys_sha256(b, h2));
	assert_memory_equal(h1, h2, 32);
	pw_keys_key_free(b);
	/* The point at infinity. */
	static const uint8_t inf[] = {0x30, 0x19, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
	                              0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x02, 0x00, 0x00};
	b = NULL;
	assert_int_equal(pw_keys_key_parse(inf, sizeof inf, &b, &err), PW_OK);
	check_key(b, NULL, PW_KEYS_CHECK_ALL, &res);
	assert_finding(&res, "e_ec_invalid_public_key", "infinity");
	assert_non_null(strstr(pw_keys_result_get0(&res, "e_ec_invalid_public_key")->detail, "infinity"));
	pw_keys_key_free(b);
	free(bad);
	pw_keys_key_free(k);
}

/* ROCA uses the primes of M for the key's size: a 2048-bit modulus that
 * agrees with ROCA modulo 3..167 only (n + 2·3·5·…·167) is not flagged,
 * while the real sample is. */
static void test_roca_size_dependent(void **state)
{
	(void)state;
	struct pw_keys_key *k = load_key(BADKEYS "rsa-roca.key");
	BIGNUM *n = BN_dup(k->n), *prod = BN_new();
	BN_set_word(prod, 2);
	for (unsigned r = 3; r <= 167; r += 2) {
		int prime = 1;
		for (unsigned d = 3; d * d <= r; d += 2)
			if (r % d == 0)
				prime = 0;
		if (prime)
			BN_mul_word(prod, r);
	}
	BN_add(n, n, prod);
	char *hex = BN_bn2hex(n);
	struct pw_keys_key *m = NULL;
	struct pw_error err;
	assert_int_equal(pw_keys_key_parse((const uint8_t *)hex, strlen(hex), &m, &err), PW_OK);
	assert_int_equal(pw_keys_key_bits(m), 2048);
	struct pw_keys_result res;
	check_key(m, NULL, PW_KEYS_CHECK_FAST, &res);
	assert_null(pw_keys_result_get0(&res, "e_key_roca"));
	check_key(k, NULL, PW_KEYS_CHECK_FAST, &res);
	assert_non_null(pw_keys_result_get0(&res, "e_key_roca"));
	OPENSSL_free(hex);
	BN_free(n);
	BN_free(prod);
	pw_keys_key_free(m);
	pw_keys_key_free(k);
}

/* ---- blocklist ---- */

static int count_cb(const uint8_t hash[32], void *arg)
{
	uint8_t *prev = ((uint8_t **)arg)[0];
	size_t *n = (size_t *)((uint8_t **)arg)[1];
	if (*n > 0)
		assert_true(memcmp(prev, hash, 32) < 0);
	memcpy(prev, hash, 32);
	(*n)++;
	return 0;
}

static void test_blocklist(void **state)
{
	(void)state;
	struct pw_keys_blocklist *bl = pw_keys_blocklist_new("t", PW_KEYS_LIST_COMPROMISED);
	struct pw_error err;
	uint8_t h[32];
	enum { N = 100000 };
	uint8_t *many = malloc((size_t)N * 32);
	for (size_t i = 0; i < (size_t)N * 32; i++)
		many[i] = (uint8_t)(rand() >> 7);
	assert_int_equal(pw_keys_blocklist_add_many(bl, many, N, &err), PW_OK);
	assert_int_equal(pw_keys_blocklist_add_many(bl, many, 10, &err), PW_OK); /* duplicates merged */
	assert_int_equal(pw_keys_blocklist_count(bl), N);
	for (size_t i = 0; i < N; i += 997)
		assert_true(pw_keys_blocklist_contains(bl, many + 32 * i));
	memset(h, 0xAB, 32);
	assert_false(pw_keys_blocklist_contains(bl, h));
	/* Single adds beyond the delta size force a merge. */
	for (unsigned i = 0; i < PW_KEYS_BL_DELTA_MAX + 10; i++) {
		memset(h, 0, 32);
		memcpy(h, &i, sizeof i);
		h[31] = 0x5A;
		assert_int_equal(pw_keys_blocklist_add(bl, h, &err), PW_OK);
		assert_int_equal(pw_keys_blocklist_add(bl, h, &err), PW_ERR_EXISTS);
	}
	assert_int_equal(pw_keys_blocklist_count(bl), N + PW_KEYS_BL_DELTA_MAX + 10);
	for (unsigned i = 0; i < PW_KEYS_BL_DELTA_MAX + 10; i += 101) {
		memset(h, 0, 32);
		memcpy(h, &i, sizeof i);
		h[31] = 0x5A;
		assert_true(pw_keys_blocklist_contains(bl, h));
	}
	/* Export, re-import: same set, sorted. */
	struct pw_buf out;
	pw_buf_init(&out);
	assert_int_equal(pw_keys_blocklist_export(bl, &out, &err), PW_OK);
	size_t tl = 0;
	uint8_t *text = pw_buf_finish(&out, &tl);
	assert_int_equal(tl, pw_keys_blocklist_count(bl) * 65);
	struct pw_keys_blocklist *b2 = pw_keys_blocklist_new("t2", PW_KEYS_LIST_OTHER);
	size_t added = 0;
	assert_int_equal(pw_keys_blocklist_load(b2, text, tl, &added, &err), PW_OK);
	assert_int_equal(added, pw_keys_blocklist_count(bl));
	uint8_t prev[32];
	size_t n = 0;
	void *args[2] = {prev, &n};
	assert_int_equal(pw_keys_blocklist_iterate(b2, count_cb, args), 0);
	assert_int_equal(n, added);
	assert_true(pw_keys_blocklist_memory(b2) >= added * 32);
	free(text);
	/* Format errors name the line and add nothing. */
	const char *bad1 = "# c\n0123\n";
	assert_int_equal(pw_keys_blocklist_load(b2, (const uint8_t *)bad1, strlen(bad1), NULL, &err), PW_ERR_PARSE);
	assert_non_null(strstr(err.msg, "line 2"));
	char bad2[200];
	memset(bad2, 'a', 64);
	bad2[64] = '\n';
	memset(bad2 + 65, 'b', 64);
	bad2[65 + 10] = 'G';
	bad2[129] = '\n';
	bad2[130] = '\0';
	size_t before = pw_keys_blocklist_count(b2);
	assert_int_equal(pw_keys_blocklist_load(b2, (const uint8_t *)bad2, strlen(bad2), NULL, &err), PW_ERR_PARSE);
	assert_non_null(strstr(err.msg, "line 2, column 11"));
	assert_int_equal(pw_keys_blocklist_count(b2), before);
	bad2[65 + 10] = 'B'; /* uppercase is not the published format */
	assert_int_equal(pw_keys_blocklist_load(b2, (const uint8_t *)bad2, strlen(bad2), NULL, &err), PW_ERR_PARSE);
	assert_int_equal(pw_keys_blocklist_load_file(b2, "/nonexistent/list", NULL, &err), PW_ERR_IO);
	assert_non_null(strstr(err.msg, "/nonexistent/list"));
	/* add_key: both identities; the key then matches in another encoding. */
	struct pw_keys_key *k = load_key(BADKEYS "rsa-fermat.crt");
	assert_int_equal(pw_keys_blocklist_add_key(b2, k, &err), PW_OK);
	assert_int_equal(pw_keys_blocklist_add_key(b2, k, &err), PW_ERR_EXISTS);
	char modpath[512];
	tpath(modpath, sizeof modpath, "fermat-crt-modulus.txt");
	assert_int_equal(sh("openssl x509 -in '%s' -noout -modulus | sed 's/^Modulus=//' > '%s'",
	                    BADKEYS "rsa-fermat.crt", modpath), 0);
	struct pw_keys_key *k2 = load_key(modpath);
	assert_int_equal(pw_keys_key_source(k2), PW_KEYS_SRC_HEX_MODULUS);
	assert_true(pw_keys_blocklist_match_key(b2, k2));
	struct pw_keys_result res;
	check_key(k2, b2, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_key_blocklisted", "hex modulus");
	pw_keys_key_free(k2);
	pw_keys_key_free(k);
	pw_keys_blocklist_free(b2);
	pw_keys_blocklist_free(bl);
	free(many);
}

/* ---- proofs ---- */

static void make_keys(void)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null && "
	         "openssl pkey -in rsa.pem -pubout -out rsa.pub && "
	         "openssl rsa -in rsa.pem -traditional -out rsa1.pem 2>/dev/null && "
	         "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null && "
	         "openssl pkey -in ec.pem -pubout -out ec.pub && "
	         "openssl ec -in ec.pem -out ec-sec1.pem 2>/dev/null && "
	         "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.pem 2>/dev/null && "
	         "openssl genpkey -algorithm ED25519 -out ed.pem 2>/dev/null && "
	         "openssl pkey -in ed.pem -pubout -out ed.pub && "
	         "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2.pem 2>/dev/null",
	         tmpdir);
	assert_int_equal(system(cmd), 0);
}

static enum pw_status verify_file(const char *name, struct pw_keys_proof *p, struct pw_error *err)
{
	char path[512];
	tpath(path, sizeof path, name);
	size_t len;
	uint8_t *b = slurp(path, &len);
	assert_non_null(b);
	enum pw_status st = pw_keys_verify_proof(b, len, p, err);
	free(b);
	return st;
}

static void spki_hash_of(const char *name, uint8_t out[32])
{
	char path[512];
	tpath(path, sizeof path, name);
	struct pw_keys_key *k = load_key(path);
	assert_true(pw_keys_key_spki_sha256(k, out));
	pw_keys_key_free(k);
}

static void test_proof_private_keys(void **state)
{
	(void)state;
	struct {
		const char *file, *pub;
		enum pw_keys_type type;
	} c[] = {{"rsa.pem", "rsa.pub", PW_KEYS_TYPE_RSA},  {"rsa1.pem", "rsa.pub", PW_KEYS_TYPE_RSA},
	         {"ec.pem", "ec.pub", PW_KEYS_TYPE_EC},     {"ec-sec1.pem", "ec.pub", PW_KEYS_TYPE_EC},
	         {"ed.pem", "ed.pub", PW_KEYS_TYPE_ED25519}};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		struct pw_keys_proof p;
		struct pw_error err;
		if (verify_file(c[i].file, &p, &err) != PW_OK)
			fail_msg("%s: %s", c[i].file, err.msg);
		assert_int_equal(p.type, PW_KEYS_PROOF_PRIVATE_KEY);
		assert_int_equal(p.key_type, c[i].type);
		uint8_t h[32];
		spki_hash_of(c[i].pub, h);
		assert_memory_equal(p.spki_sha256, h, 32);
		pw_keys_proof_cleanup(&p);
	}
	/* A private key whose public half was swapped for another modulus. */
	char p1[512], p2[512];
	tpath(p1, sizeof p1, "rsa.pem");
	tpath(p2, sizeof p2, "rsa2.pem");
	FILE *f1 = fopen(p1, "r"), *f2 = fopen(p2, "r");
	EVP_PKEY *a = PEM_read_PrivateKey(f1, NULL, NULL, NULL), *b = PEM_read_PrivateKey(f2, NULL, NULL, NULL);
	fclose(f1);
	fclose(f2);
	assert_non_null(a);
	assert_non_null(b);
	BIGNUM *n = NULL, *e = NULL, *d = NULL, *p = NULL, *q = NULL, *dp = NULL, *dq = NULL, *qi = NULL;
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_EXPONENT1, &dp));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_EXPONENT2, &dq));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, &qi));
	assert_true(EVP_PKEY_get_bn_param(b, OSSL_PKEY_PARAM_RSA_N, &n));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_E, &e));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_D, &d));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_FACTOR1, &p));
	assert_true(EVP_PKEY_get_bn_param(a, OSSL_PKEY_PARAM_RSA_FACTOR2, &q));
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *mixed = NULL;
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &mixed, EVP_PKEY_KEYPAIR, params), 1);
	uint8_t *der = NULL;
	int dl = i2d_PrivateKey(mixed, &der);
	assert_true(dl > 0);
	struct pw_keys_proof pr;
	struct pw_error err;
	assert_int_equal(pw_keys_verify_proof(der, (size_t)dl, &pr, &err), PW_ERR_CRYPTO);
	assert_non_null(strstr(err.msg, "does not match"));
	/* check() on the same key reports p·q ≠ n. */
	struct pw_keys_key *k = NULL;
	assert_int_equal(pw_keys_key_parse(der, (size_t)dl, &k, &err), PW_OK);
	struct pw_keys_result res;
	check_key(k, NULL, PW_KEYS_CHECK_FAST, &res);
	assert_finding(&res, "e_rsa_private_key_inconsistent", "mixed key");
	pw_keys_key_free(k);
	OPENSSL_free(der);
	EVP_PKEY_free(mixed);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	BN_free(d);
	BN_free(p);
	BN_free(q);
	BN_free(dp);
	BN_free(dq);
	BN_free(qi);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	/* A public key is not a proof. */
	assert_int_equal(verify_file("rsa.pub", &pr, &err), PW_ERR_PARSE);
	assert_non_null(strstr(err.msg, "not a proof"));
}

/* The pwnedkeys CN is longer than `openssl req` allows (64): C API. */
static void make_csr_c(const char *key_name, const char *cn, const char *out_name)
{
	char path[512];
	tpath(path, sizeof path, key_name);
	FILE *f = fopen(path, "r");
	EVP_PKEY *pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(pk);
	X509_REQ *req = X509_REQ_new();
	X509_NAME *nm = X509_NAME_new();
	/* A typed (not MBSTRING_*) entry skips OpenSSL's 64-character CN bound. */
	assert_int_equal(X509_NAME_add_entry_by_NID(nm, NID_commonName, V_ASN1_UTF8STRING, (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_REQ_set_subject_name(req, nm), 1);
	assert_int_equal(X509_REQ_set_pubkey(req, pk), 1);
	assert_true(X509_REQ_sign(req, pk, EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519 ? NULL : EVP_sha256()) > 0);
	tpath(path, sizeof path, out_name);
	f = fopen(path, "w");
	assert_int_equal(PEM_write_X509_REQ(f, req), 1);
	fclose(f);
	X509_NAME_free(nm);
	X509_REQ_free(req);
	EVP_PKEY_free(pk);
}

static void test_proof_csr(void **state)
{
	(void)state;
	struct pw_keys_proof p;
	struct pw_error err;
	uint8_t h[32];
	assert_int_equal(sh("cd '%s' && openssl req -new -key ec.pem -subj '/CN=Key Compromise Attestation' "
	                    "-addext '1.3.6.1.5.5.7.1.23=critical,ASN1:NULL' -out kca.csr && "
	                    "openssl req -new -key rsa.pem -subj '/CN=Key Compromise Attestation' -out kca-noext.csr && "
	                    "openssl req -new -key rsa.pem -subj '/CN=www.example.com' -out plain.csr",
	                    tmpdir),
	                 0);
	if (verify_file("kca.csr", &p, &err) != PW_OK)
		fail_msg("kca.csr: %s", err.msg);
	assert_int_equal(p.type, PW_KEYS_PROOF_CSR_ATTESTATION);
	spki_hash_of("ec.pub", h);
	assert_memory_equal(p.spki_sha256, h, 32);
	pw_keys_proof_cleanup(&p);

	assert_int_equal(verify_file("kca-noext.csr", &p, &err), PW_OK);
	assert_int_equal(p.type, PW_KEYS_PROOF_CSR); /* subject alone is not the profile */
	assert_non_null(strstr(p.detail, "NoSecurityAfforded"));
	pw_keys_proof_cleanup(&p);

	assert_int_equal(verify_file("plain.csr", &p, &err), PW_OK);
	assert_int_equal(p.type, PW_KEYS_PROOF_CSR);
	spki_hash_of("rsa.pub", h);
	assert_memory_equal(p.spki_sha256, h, 32);
	pw_keys_proof_cleanup(&p);

	make_csr_c("rsa.pem", PW_KEYS_PWNEDKEYS_CN, "pwned.csr");
	assert_int_equal(verify_file("pwned.csr", &p, &err), PW_OK);
	assert_int_equal(p.type, PW_KEYS_PROOF_CSR_PWNEDKEYS);
	assert_memory_equal(p.spki_sha256, h, 32);
	pw_keys_proof_cleanup(&p);
	make_csr_c("ed.pem", PW_KEYS_PWNEDKEYS_CN, "pwned-ed.csr");
	assert_int_equal(verify_file("pwned-ed.csr", &p, &err), PW_OK);
	assert_int_equal(p.key_type, PW_KEYS_TYPE_ED25519);
	pw_keys_proof_cleanup(&p);

	/* Tampering: the subject (signed bytes) and the signature. */
	assert_int_equal(sh("cd '%s' && openssl req -in plain.csr -outform DER -out plain.der", tmpdir), 0);
	char path[512];
	tpath(path, sizeof path, "plain.der");
	size_t len;
	uint8_t *der = slurp(path, &len);
	uint8_t *hit = NULL;
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(der + i, "www", 3) == 0)
			hit = der + i;
	assert_non_null(hit);
	hit[0] = 'x';
	assert_int_equal(pw_keys_verify_proof(der, len, &p, &err), PW_ERR_CRYPTO);
	assert_non_null(strstr(err.msg, "does not verify"));
	hit[0] = 'w';
	der[len - 5] ^= 0x40;
	assert_int_equal(pw_keys_verify_proof(der, len, &p, &err), PW_ERR_CRYPTO);
	der[len - 5] ^= 0x40;
	assert_int_equal(pw_keys_verify_proof(der, len, &p, &err), PW_OK);
	pw_keys_proof_cleanup(&p);
	/* With the key being reported: right key passes, another fails. */
	uint8_t *pub = NULL, *pub2 = NULL;
	size_t pl, pl2;
	tpath(path, sizeof path, "rsa.pub");
	pub = slurp(path, &pl);
	tpath(path, sizeof path, "ec.pub");
	pub2 = slurp(path, &pl2);
	assert_int_equal(pw_keys_verify_proof_with_key(der, len, pub, pl, &p, &err), PW_OK);
	pw_keys_proof_cleanup(&p);
	assert_int_equal(pw_keys_verify_proof_with_key(der, len, pub2, pl2, &p, &err), PW_ERR_CRYPTO);
	assert_non_null(strstr(err.msg, "different key"));
	free(pub);
	free(pub2);
	free(der);
}

/* ---- JWS ---- */

static EVP_PKEY *read_priv(const char *name)
{
	char path[512];
	tpath(path, sizeof path, name);
	FILE *f = fopen(path, "r");
	EVP_PKEY *pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(pk);
	return pk;
}

static char *b64(const void *p, size_t n)
{
	char *s = NULL;
	assert_true(pw_keys_b64url_encode(p, n, &s));
	return s;
}

static char *bn_b64(const BIGNUM *bn, int pad)
{
	uint8_t buf[1024];
	int n = pad ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	return b64(buf, (size_t)n);
}

/* The public JWK of pk as JSON text (caller frees). */
static char *jwk_of(EVP_PKEY *pk)
{
	char *out = malloc(4096), *a = NULL, *b = NULL;
	int id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_RSA) {
		BIGNUM *n = NULL, *e = NULL;
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n);
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e);
		a = bn_b64(n, 0);
		b = bn_b64(e, 0);
		snprintf(out, 4096, "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"}", a, b);
		BN_free(n);
		BN_free(e);
	} else if (id == EVP_PKEY_EC) {
		BIGNUM *x = NULL, *y = NULL;
		char grp[32];
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x);
		EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
		EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, grp, sizeof grp, NULL);
		int fl = strcmp(grp, "prime256v1") == 0 ? 32 : 48;
		a = bn_b64(x, fl);
		b = bn_b64(y, fl);
		snprintf(out, 4096, "{\"kty\":\"EC\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", fl == 32 ? "P-256" : "P-384",
		         a, b);
		BN_free(x);
		BN_free(y);
	} else {
		uint8_t raw[32];
		size_t rl = sizeof raw;
		EVP_PKEY_get_raw_public_key(pk, raw, &rl);
		a = b64(raw, rl);
		snprintf(out, 4096, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", a);
	}
	free(a);
	free(b);
	return out;
}

/* Builds a flattened JWS: header JSON text as given, payload, signed with
 * pk using md (NULL for EdDSA); ecdsa_raw converts to R||S of `fl` bytes. */
static char *make_jws(const char *header, const char *payload, EVP_PKEY *pk, const EVP_MD *md, int pss,
                      int ecdsa_raw_len)
{
	char *h64 = b64(header, strlen(header)), *p64 = b64(payload, strlen(payload));
	size_t il = strlen(h64) + 1 + strlen(p64);
	char *input = malloc(il + 1);
	snprintf(input, il + 1, "%s.%s", h64, p64);
	uint8_t sig[1024];
	size_t sl = sizeof sig;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, md, NULL, pk), 1);
	if (pss) {
		EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
	}
	assert_int_equal(EVP_DigestSign(ctx, sig, &sl, (const uint8_t *)input, il), 1);
	EVP_MD_CTX_free(ctx);
	uint8_t raw[132];
	const uint8_t *sp = sig;
	if (ecdsa_raw_len > 0) {
		const uint8_t *q = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)sl);
		assert_non_null(es);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, ecdsa_raw_len / 2);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + ecdsa_raw_len / 2, ecdsa_raw_len / 2);
		ECDSA_SIG_free(es);
		sp = raw;
		sl = (size_t)ecdsa_raw_len;
	}
	char *s64 = b64(sp, sl);
	char *out = malloc(strlen(h64) + strlen(p64) + strlen(s64) + 64);
	sprintf(out, "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"}", h64, p64, s64);
	free(h64);
	free(p64);
	free(s64);
	free(input);
	return out;
}

static enum pw_status verify_str(const char *s, struct pw_keys_proof *p, struct pw_error *err)
{
	return pw_keys_verify_proof((const uint8_t *)s, strlen(s), p, err);
}

static void test_proof_jws(void **state)
{
	(void)state;
	EVP_PKEY *rsa = read_priv("rsa.pem"), *ec = read_priv("ec.pem"), *ed = read_priv("ed.pem"),
	         *ec384 = read_priv("ec384.pem");
	char *jr = jwk_of(rsa), *je = jwk_of(ec), *jd = jwk_of(ed), *je384 = jwk_of(ec384);
	char hdr[4096];
	const char *payload = "{\"message\":\"This key is pwned\"}";
	struct pw_keys_proof p;
	struct pw_error err;
	uint8_t h[32];
	struct {
		const char *alg;
		EVP_PKEY *pk;
		const char *jwk;
		const EVP_MD *md;
		int pss, raw;
		const char *pub;
	} ok[] = {
		{"RS256", rsa, jr, EVP_sha256(), 0, 0, "rsa.pub"},
		{"PS384", rsa, jr, EVP_sha384(), 1, 0, "rsa.pub"},
		{"ES256", ec, je, EVP_sha256(), 0, 64, "ec.pub"},
		{"ES384", ec384, je384, EVP_sha384(), 0, 96, NULL},
		{"EdDSA", ed, jd, NULL, 0, 0, "ed.pub"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"jwk\":%s}", ok[i].alg, ok[i].jwk);
		char *jws = make_jws(hdr, payload, ok[i].pk, ok[i].md, ok[i].pss, ok[i].raw);
		if (verify_str(jws, &p, &err) != PW_OK)
			fail_msg("%s: %s", ok[i].alg, err.msg);
		assert_int_equal(p.type, PW_KEYS_PROOF_JWS_PWNEDKEYS);
		if (ok[i].pub) {
			spki_hash_of(ok[i].pub, h);
			assert_memory_equal(p.spki_sha256, h, 32);
		}
		pw_keys_proof_cleanup(&p);
		/* Tampered signature. */
		char *sig = strstr(jws, "\"signature\":\"") + 13;
		sig[5] = sig[5] == 'A' ? 'B' : 'A';
		assert_int_equal(verify_str(jws, &p, &err), PW_ERR_CRYPTO);
		free(jws);
	}
	/* Without an embedded jwk: only with the key given. */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"RS256\",\"kid\":\"x\"}");
	char *jws = make_jws(hdr, payload, rsa, EVP_sha256(), 0, 0);
	assert_int_equal(verify_str(jws, &p, &err), PW_ERR_USAGE);
	char path[512];
	tpath(path, sizeof path, "rsa.pub");
	size_t pl;
	uint8_t *pub = slurp(path, &pl);
	assert_int_equal(pw_keys_verify_proof_with_key((uint8_t *)jws, strlen(jws), pub, pl, &p, &err), PW_OK);
	pw_keys_proof_cleanup(&p);
	free(pub);
	free(jws);

	/* Refusals. */
	struct {
		const char *header;
		EVP_PKEY *pk;
		const EVP_MD *md;
		int raw;
		const char *payload;
		const char *want;
	} bad[] = {
		{"{\"alg\":\"ES384\",\"jwk\":%s}", ec, NULL, 64, NULL, "does not fit"},   /* alg/curve mismatch */
		{"{\"alg\":\"RS256\",\"jwk\":%s}", ec, NULL, 64, NULL, "does not fit"},   /* alg/type mismatch */
		{"{\"alg\":\"ES256\",\"jwk\":%s}", ec, NULL, 0, NULL, "exactly 64"},      /* DER, not R||S */
		{"{\"alg\":\"RS256\",\"jwk\":%s}", rsa, NULL, 0, "{\"msg\":\"hello\"}", "key is pwned"},
		{"{\"alg\":\"RS256\",\"alg\":\"RS256\",\"jwk\":%s}", rsa, NULL, 0, NULL, "duplicate"},
		{"{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false,\"jwk\":%s}", rsa, NULL, 0, NULL, "critical"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *jwk = bad[i].pk == rsa ? jr : je;
		snprintf(hdr, sizeof hdr, bad[i].header, jwk);
		jws = make_jws(hdr, bad[i].payload ? bad[i].payload : payload, bad[i].pk,
		               bad[i].pk == rsa ? EVP_sha256() : EVP_sha256(), 0, bad[i].raw);
		assert_int_not_equal(verify_str(jws, &p, &err), PW_OK);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("bad JWS %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
		free(jws);
	}
	/* alg none and HS256 with an embedded symmetric key. */
	char *h64 = b64("{\"alg\":\"none\"}", 14), *p64 = b64(payload, strlen(payload));
	char buf[2048];
	snprintf(buf, sizeof buf, "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"\"}", h64, p64);
	assert_int_not_equal(verify_str(buf, &p, &err), PW_OK);
	free(h64);
	const char *hs = "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}}";
	h64 = b64(hs, strlen(hs));
	snprintf(buf, sizeof buf, "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"AAAA\"}", h64, p64);
	assert_int_equal(verify_str(buf, &p, &err), PW_ERR_CRYPTO);
	assert_non_null(strstr(err.msg, "HS256"));
	free(h64);
	free(p64);
	assert_int_not_equal(verify_str("{\"protected\":\"e30\",\"protected\":\"e30\"}", &p, &err), PW_OK);
	assert_non_null(strstr(err.msg, "duplicate"));
	free(jr);
	free(je);
	free(jd);
	free(je384);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec384);
}

static void test_proof_challenge(void **state)
{
	(void)state;
	struct pw_keys_challenge ch, other;
	struct pw_error err;
	assert_int_equal(pw_keys_challenge_new(&ch, &err), PW_OK);
	assert_int_equal(pw_keys_challenge_new(&other, &err), PW_OK);
	assert_string_not_equal(ch.text, other.text);
	char path[512];
	tpath(path, sizeof path, "challenge.txt");
	FILE *f = fopen(path, "w");
	fputs(ch.text, f);
	fclose(f);
	assert_int_equal(sh("cd '%s' && openssl dgst -sha256 -sign rsa.pem -out rsa.sig challenge.txt && "
	                    "openssl dgst -sha384 -sign ec.pem -out ec.sig challenge.txt && "
	                    "openssl pkeyutl -sign -inkey ed.pem -rawin -in challenge.txt -out ed.sig",
	                    tmpdir),
	                 0);
	struct {
		const char *sig, *pub;
	} c[] = {{"rsa.sig", "rsa.pub"}, {"ec.sig", "ec.pub"}, {"ed.sig", "ed.pub"}};
	for (size_t i = 0; i < 3; i++) {
		size_t sl, pl;
		tpath(path, sizeof path, c[i].sig);
		uint8_t *sig = slurp(path, &sl);
		tpath(path, sizeof path, c[i].pub);
		uint8_t *pub = slurp(path, &pl);
		struct pw_keys_proof p;
		if (pw_keys_verify_challenge(&ch, sig, sl, pub, pl, &p, &err) != PW_OK)
			fail_msg("%s: %s", c[i].sig, err.msg);
		assert_int_equal(p.type, PW_KEYS_PROOF_SIGNED_CHALLENGE);
		uint8_t h[32];
		spki_hash_of(c[i].pub, h);
		assert_memory_equal(p.spki_sha256, h, 32);
		pw_keys_proof_cleanup(&p);
		/* Another challenge, or another key, does not verify. */
		assert_int_equal(pw_keys_verify_challenge(&other, sig, sl, pub, pl, &p, &err), PW_ERR_CRYPTO);
		assert_non_null(strstr(err.msg, "does not verify"));
		free(pub);
		tpath(path, sizeof path, c[(i + 1) % 3].pub);
		pub = slurp(path, &pl);
		assert_int_not_equal(pw_keys_verify_challenge(&ch, sig, sl, pub, pl, &p, &err), PW_OK);
		free(pub);
		free(sig);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/pw-keys-test-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	make_keys();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return sh("rm -rf '%s'", tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_badkeys_hash_independent),
		cmocka_unit_test(test_blocklist_corpus),
		cmocka_unit_test(test_jwk),
		cmocka_unit_test(test_defects),
		cmocka_unit_test(test_ec_invalid_point),
		cmocka_unit_test(test_roca_size_dependent),
		cmocka_unit_test(test_blocklist),
		cmocka_unit_test(test_proof_private_keys),
		cmocka_unit_test(test_proof_csr),
		cmocka_unit_test(test_proof_jws),
		cmocka_unit_test(test_proof_challenge),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
