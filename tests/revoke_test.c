/* Unit tests of revoke/: reasons allowed and refused (BR 7.2.2, MRSP 6.1.1),
 * deadlines (BR 4.9.1.1, 4.9.5), the precertificate twin rule (RFC 6962
 * §3), the keyCompromise upgrade keeping the date, idempotence, the key
 * compromise report flow with its blocklist, and bulk plans resumed after a
 * crash (a child process that dies after its first batch).
 *
 * Certificates are made here with OpenSSL (EC P-256), so every test knows
 * what it stored: one subscriber key K used by two issuers, a
 * precertificate/certificate pair, an expired certificate and a certificate
 * with another key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"
#include "pkiward/keys.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"
#include "test_store.h"

#define DAY 86400

/* ---- Certificate factory ---- */

static X509 *make(const char *cn, long serial, int64_t nb, int64_t na, EVP_PKEY *key,
                  X509 *issuer, EVP_PKEY *issuer_key, int ca, int poison)
{
	X509 *x = X509_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb));
	assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na));
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	                                        ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (!ca) {
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "DNS:www.example.com");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	if (poison) {
		static const uint8_t null_der[] = {0x05, 0x00}; /* RFC 6962 §3.1 */
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		ASN1_OCTET_STRING_set(os, null_der, 2);
		e = X509_EXTENSION_create_by_NID(NULL, NID_ct_precert_poison, 1, os);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static void put(struct pw_store *s, X509 *x, uint8_t sha[32])
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	SHA256(der, (size_t)n, sha);
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, (size_t)n, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(s, &c, 1, NULL, &err), PW_OK);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

static uint8_t *key_pem(EVP_PKEY *k, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	char *p;
	long n = BIO_get_mem_data(b, &p);
	uint8_t *out = malloc((size_t)n);
	memcpy(out, p, (size_t)n);
	*len = (size_t)n;
	BIO_free(b);
	return out;
}

/* ---- Fixture ---- */

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	const char *path;        /* the base's location */
	struct pw_store *s;
	int64_t now;
	EVP_PKEY *key_a, *key_b, *k, *other;
	uint8_t a1[32];     /* issuer A, key K */
	uint8_t pre2[32];   /* issuer A, key K, precertificate of c2 */
	uint8_t c2[32];     /* issuer A, key K, certificate (twin of pre2) */
	uint8_t b3[32];     /* issuer B, key K */
	uint8_t expired[32];/* issuer A, key K, expired */
	uint8_t other5[32]; /* issuer A, another key */
	uint8_t spki_k[32];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pw_error err;
	assert_non_null(f);
	f->t = pw_test_store_new("revoke_test");
	f->path = pw_test_store_create(f->t, "store");
	assert_int_equal(pw_store_open(f->path, 0, &f->s, &err), PW_OK);
	f->now = (int64_t)time(NULL);
	f->key_a = EVP_EC_gen("P-256");
	f->key_b = EVP_EC_gen("P-256");
	f->k = EVP_EC_gen("P-256");
	f->other = EVP_EC_gen("P-256");
	int64_t nb = f->now - 10 * DAY, na = f->now + 80 * DAY;
	X509 *ca_a = make("Issuer A", 100, nb, na + 365 * DAY, f->key_a, NULL, NULL, 1, 0);
	X509 *ca_b = make("Issuer B", 200, nb, na + 365 * DAY, f->key_b, NULL, NULL, 1, 0);
	X509 *a1 = make("a1", 1, nb, na, f->k, ca_a, f->key_a, 0, 0);
	X509 *pre2 = make("c2", 2, nb, na, f->k, ca_a, f->key_a, 0, 1);
	X509 *c2 = make("c2", 2, nb, na, f->k, ca_a, f->key_a, 0, 0);
	X509 *b3 = make("b3", 3, nb, na, f->k, ca_b, f->key_b, 0, 0);
	X509 *ex = make("expired", 4, f->now - 200 * DAY, f->now - 100 * DAY, f->k, ca_a, f->key_a, 0, 0);
	X509 *o5 = make("other", 5, nb, na, f->other, ca_a, f->key_a, 0, 0);
	uint8_t tmp[32];
	put(f->s, ca_a, tmp);
	put(f->s, ca_b, tmp);
	put(f->s, a1, f->a1);
	put(f->s, pre2, f->pre2);
	put(f->s, c2, f->c2);
	put(f->s, b3, f->b3);
	put(f->s, ex, f->expired);
	put(f->s, o5, f->other5);
	/* The SPKI hash as the store keeps it. */
	uint8_t *spki = NULL;
	int n = i2d_PUBKEY(f->k, &spki);
	SHA256(spki, (size_t)n, f->spki_k);
	OPENSSL_free(spki);
	X509 *all[] = {ca_a, ca_b, a1, pre2, c2, b3, ex, o5};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		X509_free(all[i]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	pw_test_store_free(f->t);
	EVP_PKEY_free(f->key_a);
	EVP_PKEY_free(f->key_b);
	EVP_PKEY_free(f->k);
	EVP_PKEY_free(f->other);
	free(f);
	return 0;
}

/* A number from the base through a second connection (portable SQL). */
static int64_t count_sql(struct fx *f, const char *sql)
{
	return pw_test_sql_i64(f->t, "store", sql, NULL);
}

static void chain_intact(struct fx *f)
{
	struct pw_events_verify_result r;
	struct pw_error err;
	assert_int_equal(pw_events_verify(f->s, &r, &err), PW_OK);
	if (r.broken != PW_EVENTS_INTACT)
		fail_msg("chain broken: %s", r.detail);
}

/* ---- Reasons and deadlines ---- */

static void test_reasons(void **state)
{
	(void)state;
	struct pw_error err;
	int has;
	unsigned r;
	static const struct {
		const char *name;
		int has;
		unsigned code;
	} ok[] = {
		{"keyCompromise", 1, 1}, {"affiliationChanged", 1, 3}, {"superseded", 1, 4},
		{"cessationOfOperation", 1, 5}, {"privilegeWithdrawn", 1, 9}, {"unspecified", 0, 0},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(pw_revoke_reason_parse(ok[i].name, &has, &r, &err), PW_OK);
		assert_int_equal(has, ok[i].has);
		assert_int_equal(r, ok[i].code);
		assert_string_equal(pw_revoke_reason_name(has, r), ok[i].name);
		assert_true(pw_revoke_reason_allowed(has, r));
	}
	const char *refused[] = {"cACompromise", "certificateHold", "removeFromCRL", "aACompromise"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pw_revoke_reason_parse(refused[i], &has, &r, &err), PW_ERR_USAGE);
		assert_non_null(strstr(err.msg, "BR 7.2.2"));
		assert_non_null(strstr(err.msg, refused[i]));
	}
	assert_int_equal(pw_revoke_reason_parse("keycompromise", &has, &r, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "unknown reason"));
	/* An explicit unspecified(0) code is not allowed: BR 7.2.2 omits it. */
	assert_false(pw_revoke_reason_allowed(1, 0));
	assert_false(pw_revoke_reason_allowed(1, 2));
	assert_false(pw_revoke_reason_allowed(1, 6));
	/* BR 4.9.1.1 deadlines. */
	assert_int_equal(pw_revoke_deadline(1, 1, 1000), 1000 + 24 * 3600);
	assert_int_equal(pw_revoke_deadline(1, 4, 1000), 1000 + 5 * 24 * 3600);
	assert_int_equal(pw_revoke_deadline(0, 0, 1000), 1000 + 5 * 24 * 3600);
}

/* ---- One certificate ---- */

struct ev_count {
	int n;
	char kinds[8][32];
};

static int count_ev(void *ctx, const struct pw_store_event *e)
{
	struct ev_count *c = ctx;
	if (c->n < 8)
		snprintf(c->kinds[c->n], sizeof c->kinds[0], "%s", e->kind);
	c->n++;
	return 1;
}

static void test_revoke_one(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_request req = {.has_reason = 1, .reason = PW_REVOKE_SUPERSEDED,
	                                .at = f->now, .actor = "test"};
	struct pw_revoke_result res;
	struct pw_store_revocation rv;
	struct pw_error err;
	char subj[PW_EVENTS_SUBJECT_MAX];

	assert_int_equal(pw_revoke_cert(f->s, f->a1, &req, &res, &err), PW_OK);
	assert_int_equal(res.n, 1); /* no twin */
	assert_int_equal(res.v[0].outcome, PW_REVOKE_REVOKED);
	assert_int_equal(res.v[0].deadline, f->now + 5 * DAY);
	assert_int_equal(pw_store_revocation_get(f->s, f->a1, &rv, &err), PW_OK);
	assert_int_equal(rv.revoked_at, f->now);
	assert_true(rv.has_reason);
	assert_int_equal(rv.reason, 4);
	assert_int_equal(rv.deadline, f->now + 5 * DAY);
	assert_int_equal(rv.event_id, res.v[0].event_id);
	struct ev_count c = {0};
	assert_int_equal(pw_events_list(f->s, pw_events_subject_cert(f->a1, subj), count_ev, &c, &err),
	                 PW_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.kinds[0], "revocation");
	/* Others untouched. */
	assert_int_equal(pw_store_revocation_get(f->s, f->b3, &rv, &err), PW_ERR_NOTFOUND);

	/* Idempotent: the same again changes nothing. */
	int64_t events = count_sql(f, "SELECT COUNT(*) FROM event");
	assert_int_equal(pw_revoke_cert(f->s, f->a1, &req, &res, &err), PW_OK);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event"), events);
	/* A different non-keyCompromise reason does not overwrite the first. */
	req.reason = PW_REVOKE_CESSATION_OF_OPERATION;
	assert_int_equal(pw_revoke_cert(f->s, f->a1, &req, &res, &err), PW_OK);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(res.v[0].reason, 4);
	chain_intact(f);
}

static void test_refused_and_missing(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_request req = {.has_reason = 1, .reason = 2 /* cACompromise */};
	struct pw_revoke_result res;
	struct pw_error err;
	assert_int_equal(pw_revoke_cert(f->s, f->a1, &req, &res, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "BR 7.2.2"));
	req.reason = 6; /* certificateHold */
	assert_int_equal(pw_revoke_cert(f->s, f->a1, &req, &res, &err), PW_ERR_USAGE);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 0);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event"), 0);
	uint8_t nope[32];
	memset(nope, 0x42, 32);
	req.has_reason = 0;
	assert_int_equal(pw_revoke_cert(f->s, nope, &req, &res, &err), PW_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "4242"));
}

static void test_twin(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_request req = {.has_reason = 0, .at = f->now};
	struct pw_revoke_result res;
	struct pw_store_revocation rv;
	struct pw_error err;

	/* Revoking the precertificate revokes the serial: both. */
	assert_int_equal(pw_revoke_cert(f->s, f->pre2, &req, &res, &err), PW_OK);
	assert_int_equal(res.n, 2);
	assert_memory_equal(res.v[0].sha256, f->pre2, 32);
	assert_true(res.v[0].precert);
	assert_memory_equal(res.v[1].sha256, f->c2, 32);
	assert_false(res.v[1].precert);
	assert_int_equal(res.v[1].outcome, PW_REVOKE_REVOKED);
	assert_int_equal(pw_store_revocation_get(f->s, f->c2, &rv, &err), PW_OK);
	assert_false(rv.has_reason); /* unspecified: no reasonCode */
	/* And the other way round is then a no-op on both. */
	assert_int_equal(pw_revoke_cert(f->s, f->c2, &req, &res, &err), PW_OK);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(res.v[1].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 2);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'revocation'"), 2);
	chain_intact(f);
}

static void test_upgrade_keeps_date(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_request req = {.has_reason = 1, .reason = PW_REVOKE_PRIVILEGE_WITHDRAWN,
	                                .at = f->now - 3 * DAY};
	struct pw_revoke_result res;
	struct pw_store_revocation rv;
	struct pw_error err;
	assert_int_equal(pw_revoke_cert(f->s, f->b3, &req, &res, &err), PW_OK);
	struct pw_revoke_request kc = {.has_reason = 1, .reason = PW_REVOKE_KEY_COMPROMISE,
	                               .at = f->now};
	assert_int_equal(pw_revoke_cert(f->s, f->b3, &kc, &res, &err), PW_OK);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_UPGRADED);
	assert_int_equal(pw_store_revocation_get(f->s, f->b3, &rv, &err), PW_OK);
	/* BR 7.2.2: reason updated, the revocation date is the original one. */
	assert_int_equal(rv.revoked_at, f->now - 3 * DAY);
	assert_int_equal(rv.reason, PW_REVOKE_KEY_COMPROMISE);
	assert_int_equal(rv.deadline, f->now + DAY);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'revocation.upgraded'"),
	                 1);
	/* keyCompromise again: nothing; and never downgraded. */
	assert_int_equal(pw_revoke_cert(f->s, f->b3, &kc, &res, &err), PW_OK);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(pw_revoke_cert(f->s, f->b3, &req, &res, &err), PW_OK);
	assert_int_equal(res.v[0].outcome, PW_REVOKE_ALREADY);
	assert_int_equal(pw_store_revocation_get(f->s, f->b3, &rv, &err), PW_OK);
	assert_int_equal(rv.reason, PW_REVOKE_KEY_COMPROMISE);
	chain_intact(f);
}

/* ---- Key compromise reports ---- */

static int in_items(const struct pw_revoke_key_report_result *r, const uint8_t sha[32])
{
	for (size_t i = 0; i < r->n_items; i++)
		if (memcmp(r->items[i].sha256, sha, 32) == 0)
			return 1;
	return 0;
}

static void test_report_key(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_key_report_result res;
	struct pw_store_revocation rv;
	struct pw_error err;
	size_t pem_len;
	uint8_t *pem = key_pem(f->k, &pem_len);

	/* b3 was revoked earlier for another reason: it gets upgraded. */
	struct pw_revoke_request pre = {.has_reason = 1, .reason = PW_REVOKE_SUPERSEDED,
	                                .at = f->now - 2 * DAY};
	struct pw_revoke_result rr;
	assert_int_equal(pw_revoke_cert(f->s, f->b3, &pre, &rr, &err), PW_OK);

	struct pw_revoke_key_report rq = {.proof = pem, .proof_len = pem_len,
	                                  .reporter = "reporter@example.com", .now = f->now};
	assert_int_equal(pw_revoke_report_key(f->s, &rq, &res, &err), PW_OK);
	assert_true(res.proven);
	assert_true(res.changed);
	assert_true(res.key_newly_blocked);
	assert_string_equal(res.proof_type, "private-key");
	assert_memory_equal(res.spki_sha256, f->spki_k, 32);
	/* Every unexpired certificate with K, both issuers, precert included;
	 * not the expired one, not the other key. */
	assert_int_equal(res.n_certs, 4);
	assert_true(in_items(&res, f->a1));
	assert_true(in_items(&res, f->pre2));
	assert_true(in_items(&res, f->c2));
	assert_true(in_items(&res, f->b3));
	assert_false(in_items(&res, f->expired));
	assert_false(in_items(&res, f->other5));
	assert_int_equal(res.n_revoked, 3);
	assert_int_equal(res.n_upgraded, 1);
	assert_int_equal(res.revoke_deadline, f->now + DAY);
	assert_int_equal(res.report_deadline, f->now + DAY);
	assert_int_equal(pw_store_revocation_get(f->s, f->b3, &rv, &err), PW_OK);
	assert_int_equal(rv.reason, PW_REVOKE_KEY_COMPROMISE);
	assert_int_equal(rv.revoked_at, f->now - 2 * DAY);
	assert_int_equal(pw_store_revocation_get(f->s, f->pre2, &rv, &err), PW_OK);
	assert_int_equal(rv.reason, PW_REVOKE_KEY_COMPROMISE);
	assert_int_equal(pw_store_revocation_get(f->s, f->expired, &rv, &err), PW_ERR_NOTFOUND);
	assert_int_equal(pw_store_revocation_get(f->s, f->other5, &rv, &err), PW_ERR_NOTFOUND);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM blocked_key"), 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM report WHERE status = 'revoked'"), 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'key.blocked'"), 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'report.resolved'"), 1);
	int64_t report_id = res.report_id;
	pw_revoke_key_report_result_cleanup(&res);

	/* The blocklist from the store refuses the key in pw_keys_check. */
	struct pw_keys_blocklist *bl = pw_keys_blocklist_new("compromised", PW_KEYS_LIST_COMPROMISED);
	size_t nkeys = 0;
	assert_int_equal(pw_revoke_blocklist_load(f->s, bl, &nkeys, &err), PW_OK);
	assert_int_equal(nkeys, 1);
	assert_true(pw_keys_blocklist_contains(bl, f->spki_k));
	struct pw_keys_key *kk = NULL;
	assert_int_equal(pw_keys_key_parse(pem, pem_len, &kk, &err), PW_OK);
	struct pw_keys_result kr;
	const struct pw_keys_blocklist *lists[] = {bl};
	assert_int_equal(pw_keys_check(kk, lists, 1, PW_KEYS_CHECK_FAST, &kr, &err), PW_OK);
	assert_true(pw_keys_result_has_error(&kr));
	pw_keys_key_free(kk);
	pw_keys_blocklist_free(bl);

	/* The same proof again changes nothing and says so. */
	int64_t events = count_sql(f, "SELECT COUNT(*) FROM event");
	rq.now = f->now + 60;
	assert_int_equal(pw_revoke_report_key(f->s, &rq, &res, &err), PW_OK);
	assert_true(res.proven);
	assert_false(res.changed);
	assert_int_equal(res.report_id, report_id);
	assert_int_equal(res.n_already, 4);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event"), events);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM report"), 1);
	pw_revoke_key_report_result_cleanup(&res);
	chain_intact(f);
	free(pem);
}

static void test_report_invalid_proof(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_key_report_result res;
	struct pw_error err;
	static const uint8_t junk[] = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
	                              "-----END CERTIFICATE REQUEST-----\n";
	struct pw_revoke_key_report rq = {.proof = junk, .proof_len = sizeof junk - 1,
	                                  .reporter = "someone@example.org", .now = f->now};
	assert_int_equal(pw_revoke_report_key(f->s, &rq, &res, &err), PW_OK);
	assert_false(res.proven);
	assert_true(res.changed);
	assert_true(res.report_id > 0);
	assert_int_equal(res.report_deadline, f->now + 24 * 3600); /* BR 4.9.5 */
	assert_true(strlen(res.proof_error.msg) > 0);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM report WHERE status = 'needs-review'"
	                              " AND reporter = 'someone@example.org'"),
	                 1);
	assert_int_equal(count_sql(f, "SELECT deadline - received_at FROM report"), 24 * 3600);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'report.proof_rejected'"),
	                 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 0);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM blocked_key"), 0);
	pw_revoke_key_report_result_cleanup(&res);
	chain_intact(f);
}

static void test_report_unused_key(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_key_report_result res;
	struct pw_error err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	size_t len;
	uint8_t *pem = key_pem(k, &len);
	struct pw_revoke_key_report rq = {.proof = pem, .proof_len = len, .now = f->now};
	assert_int_equal(pw_revoke_report_key(f->s, &rq, &res, &err), PW_OK);
	assert_true(res.proven);
	assert_int_equal(res.n_certs, 0);
	assert_true(res.key_newly_blocked);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM report WHERE status = 'no-certificates'"),
	                 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM blocked_key"), 1);
	pw_revoke_key_report_result_cleanup(&res);
	/* Again: nothing changes. */
	assert_int_equal(pw_revoke_report_key(f->s, &rq, &res, &err), PW_OK);
	assert_false(res.changed);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM report"), 1);
	pw_revoke_key_report_result_cleanup(&res);
	free(pem);
	EVP_PKEY_free(k);
}

/* ---- Bulk plans ---- */

static void die_after_first_batch(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	(void)total;
	if (done >= 1)
		_exit(0); /* as if killed right after the first commit */
}

static void test_bulk_resume(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_bulk_result res;
	struct pw_error err;
	uint8_t list[5 * 32];
	memcpy(list, f->a1, 32);
	memcpy(list + 32, f->other5, 32);
	memset(list + 64, 0x77, 32); /* not stored */
	memcpy(list + 96, f->pre2, 32);
	memcpy(list + 128, f->b3, 32);
	struct pw_revoke_bulk b = {.sha256s = list, .n = 5, .source = "test", .has_reason = 1,
	                           .reason = PW_REVOKE_SUPERSEDED, .batch = 2,
	                           .progress = die_after_first_batch};
	pw_store_close(f->s);
	f->s = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pw_store *s = NULL;
		if (pw_store_open(f->path, 0, &s, &err) != PW_OK)
			_exit(3);
		if (pw_revoke_bulk_run(s, &b, &res, &err) != PW_OK)
			_exit(4);
		_exit(5); /* the callback should have ended the process */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(pw_store_open(f->path, 0, &f->s, &err), PW_OK);
	/* The first batch (a1, other5) is committed and marked done. */
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 2);
	assert_int_equal(count_sql(f, "SELECT done FROM revoke_job"), 2);

	b.progress = NULL;
	assert_int_equal(pw_revoke_bulk_run(f->s, &b, &res, &err), PW_OK);
	assert_true(res.resumed);
	assert_false(res.was_finished);
	assert_int_equal(res.done_before, 2);
	assert_int_equal(res.total, 5);
	assert_int_equal(res.revoked, 2); /* pre2, b3 */
	assert_int_equal(res.missing, 1);
	assert_int_equal(res.twins, 1);   /* c2 with pre2 */
	/* Nothing lost, nothing doubled: 5 revocations, one event each. */
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 5);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'revocation'"), 5);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job"), 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item WHERE done_at IS NULL"), 0);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item WHERE outcome = 'missing'"),
	                 1);
	/* Deadlines run from the plan's creation. */
	assert_int_equal(count_sql(f, "SELECT COUNT(DISTINCT deadline - requested_at) FROM revocation"),
	                 1);
	/* A third run: finished already, nothing happens. */
	int64_t events = count_sql(f, "SELECT COUNT(*) FROM event");
	assert_int_equal(pw_revoke_bulk_run(f->s, &b, &res, &err), PW_OK);
	assert_true(res.was_finished);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event"), events);
	/* A refused reason refuses the whole plan. */
	b.reason = 10;
	assert_int_equal(pw_revoke_bulk_run(f->s, &b, &res, &err), PW_ERR_USAGE);
	chain_intact(f);
}

/* One batch holding a certificate and its precertificate, one certificate
 * twice and a missing one: the bulk path holds revocation rows back and
 * writes them together, and must still revoke each object exactly once;
 * items are marked per run of equal outcomes. Then a keyCompromise plan
 * over revoked certificates upgrades them (dates kept) in the same way. */
static void test_bulk_batch_twins_and_duplicates(void **state)
{
	struct fx *f = *state;
	struct pw_revoke_bulk_result res;
	struct pw_error err;
	uint8_t list[7 * 32];
	memcpy(list, f->c2, 32);
	memcpy(list + 32, f->pre2, 32);   /* twin of the item before */
	memcpy(list + 64, f->a1, 32);
	memcpy(list + 96, f->a1, 32);     /* the same certificate again */
	memset(list + 128, 0x77, 32);     /* not stored */
	memcpy(list + 160, f->b3, 32);
	memcpy(list + 192, f->other5, 32);
	struct pw_revoke_bulk b = {.sha256s = list, .n = 7, .source = "test", .has_reason = 1,
	                           .reason = PW_REVOKE_SUPERSEDED, .batch = 100, .now = f->now};
	assert_int_equal(pw_revoke_bulk_run(f->s, &b, &res, &err), PW_OK);
	assert_int_equal(res.total, 7);
	assert_int_equal(res.revoked, 4);  /* c2, a1, b3, other5 */
	assert_int_equal(res.already, 2);  /* pre2 (with c2), a1 again */
	assert_int_equal(res.missing, 1);
	assert_int_equal(res.twins, 1);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 5);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'revocation'"), 5);
	assert_int_equal(count_sql(f, "SELECT COUNT(DISTINCT subject) FROM event"
	                              " WHERE kind = 'revocation'"), 5);
	/* Each revocation points at its own event. */
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation r JOIN event e"
	                              " ON e.id = r.event_id WHERE e.kind = 'revocation'"), 5);
	assert_int_equal(count_sql(f, "SELECT done FROM revoke_job"), 7);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item WHERE done_at IS NULL"), 0);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item"
	                              " WHERE outcome = 'revoked' AND seq IN (1, 3, 6, 7)"), 4);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item"
	                              " WHERE outcome = 'already-revoked' AND seq IN (2, 4)"), 2);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item"
	                              " WHERE outcome = 'missing' AND seq = 5"), 1);
	/* The publish triggers saw every new revocation once. */
	int64_t changes = count_sql(f, "SELECT COUNT(*) FROM publish_change");
	assert_int_equal(changes, 5);

	/* keyCompromise over a1 (revoked), c2 (revoked, twin pre2 revoked) and
	 * the expired certificate (not revoked). */
	uint8_t kc[3 * 32];
	memcpy(kc, f->a1, 32);
	memcpy(kc + 32, f->c2, 32);
	memcpy(kc + 64, f->expired, 32);
	struct pw_revoke_bulk k = {.sha256s = kc, .n = 3, .source = "test-kc", .has_reason = 1,
	                           .reason = PW_REVOKE_KEY_COMPROMISE, .batch = 100,
	                           .now = f->now + 60};
	assert_int_equal(pw_revoke_bulk_run(f->s, &k, &res, &err), PW_OK);
	assert_int_equal(res.upgraded, 2);
	assert_int_equal(res.revoked, 1);
	assert_int_equal(res.twins, 1); /* pre2 upgraded with c2 */
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 6);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation WHERE reason = 1"), 4);
	/* BR 7.2.2: the upgrade keeps the revocation date. */
	char q[160];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM revocation WHERE revoked_at = %lld",
	         (long long)f->now);
	assert_int_equal(count_sql(f, q), 5);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM event WHERE kind = 'revocation.upgraded'"),
	                 3);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM publish_change"), changes + 4);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item WHERE outcome = 'upgraded'"),
	                 2);
	chain_intact(f);
}

/* The batch forms of the store: a wrong row id writes nothing at all, and
 * a job's items are counted once however often a range is marked. */
static void test_store_batch_forms(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_store_cert_state cs;
	struct pw_store_revocation v[2];
	int64_t rows[2];
	memset(v, 0, sizeof v);
	assert_int_equal(pw_store_cert_state(f->s, f->a1, &cs, &err), PW_OK);
	memcpy(v[0].sha256, f->a1, 32);
	memcpy(v[1].sha256, f->b3, 32);
	for (int i = 0; i < 2; i++) {
		v[i].revoked_at = f->now;
		v[i].requested_at = f->now;
		v[i].deadline = f->now + 5 * DAY;
	}
	rows[0] = cs.row;
	rows[1] = cs.row; /* a1's row, not b3's */
	/* A backend that uses the row ids refuses the whole call; one that
	 * finds certificates by SHA-256 only writes the two named. Never is
	 * another certificate revoked. */
	if (pw_store_revocation_put_many(f->s, v, rows, 2, &err) != PW_OK)
		assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 0);
	/* Without row ids both are written. */
	assert_int_equal(pw_store_revocation_put_many(f->s, v, NULL, 2, &err), PW_OK);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revocation"), 2);
	struct pw_store_revocation got;
	assert_int_equal(pw_store_revocation_get(f->s, f->a1, &got, &err), PW_OK);
	assert_int_equal(pw_store_revocation_get(f->s, f->b3, &got, &err), PW_OK);
	assert_int_equal(got.deadline, f->now + 5 * DAY);
	v[0].has_reason = 1;
	v[0].reason = 11;
	assert_int_equal(pw_store_revocation_put_many(f->s, v, NULL, 1, &err), PW_ERR_USAGE);

	struct pw_store_revoke_job j;
	int64_t id = 0;
	uint8_t items[3 * 32];
	memset(&j, 0, sizeof j);
	memset(j.key, 0x42, 32);
	j.created_at = f->now;
	j.source = "test";
	memcpy(items, f->a1, 32);
	memcpy(items + 32, f->b3, 32);
	memcpy(items + 64, f->c2, 32);
	assert_int_equal(pw_store_revoke_job_create(f->s, &j, items, 3, &id, &err), PW_OK);
	assert_int_equal(pw_store_revoke_job_mark(f->s, id, 2, "missing", f->now, &err), PW_OK);
	assert_int_equal(pw_store_revoke_job_mark_range(f->s, id, 1, 3, "revoked", f->now, &err),
	                 PW_OK);
	assert_int_equal(pw_store_revoke_job_mark_range(f->s, id, 1, 3, "revoked", f->now, &err),
	                 PW_OK);
	assert_int_equal(count_sql(f, "SELECT done FROM revoke_job"), 3);
	assert_int_equal(count_sql(f, "SELECT COUNT(*) FROM revoke_job_item WHERE outcome = 'missing'"),
	                 1);
	assert_int_equal(pw_store_revoke_job_mark_range(f->s, id, 3, 2, "revoked", f->now, &err),
	                 PW_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reasons),
		cmocka_unit_test_setup_teardown(test_revoke_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_keeps_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_invalid_proof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_unused_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_batch_twins_and_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_batch_forms, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
