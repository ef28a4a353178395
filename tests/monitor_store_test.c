/* Unit tests of the monitor's store area (store_monitor.h, migration 5):
 * first sightings of a revocation are set once and kept (the revocation
 * row's first_seen_crl / first_seen_ocsp, with URL and CRL number beside
 * them), the latest OCSP answer is kept, CRL numbers order numerically per
 * URL, alerts open once per (kind, subject), count repeats and resolve, and
 * fetch rows list newest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pkiward/cert.h"
#include "pkiward/monitor.h"
#include "pkiward/store.h"
#include "pkiward/store_monitor.h"
#include "test_store.h"

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	struct pw_store *s;
	uint8_t *der;
	size_t len;
	uint8_t sha[32];
};

/* One self-signed certificate (EC P-256), stored. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct pw_error err;
	struct pw_cert c;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char *der = NULL;
	f->t = pw_test_store_new("monitor_store_test");
	f->s = pw_test_store_open(f->t, "store", PW_STORE_CREATE);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	ASN1_TIME_set(X509_getm_notBefore(x), 1700000000);
	ASN1_TIME_set(X509_getm_notAfter(x), 1700000000 + 90 * 86400);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"m.example", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	int len = i2d_X509(x, &der);
	assert_true(len > 0);
	f->der = malloc((size_t)len);
	memcpy(f->der, der, (size_t)len);
	f->len = (size_t)len;
	OPENSSL_free(der);
	X509_NAME_free(n);
	X509_free(x);
	EVP_PKEY_free(k);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, f->der, f->len, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(f->s, &c, 1700000000, NULL, &err), PW_OK);
	memcpy(f->sha, c.sha256, 32);
	pw_cert_cleanup(&c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	pw_test_store_free(f->t);
	free(f->der);
	free(f);
	return 0;
}

static void revoke_at(struct fx *f, int64_t at)
{
	struct pw_store_revocation r;
	struct pw_error err;
	memset(&r, 0, sizeof r);
	memcpy(r.sha256, f->sha, 32);
	r.revoked_at = at;
	r.has_reason = 1;
	r.reason = 1;
	r.requested_at = at;
	r.deadline = at + 86400;
	assert_int_equal(pw_store_revocation_put(f->s, &r, &err), PW_OK);
}

static void test_first_seen(void **state)
{
	struct fx *f = *state;
	struct pw_store_monitor_seen *seen = malloc(sizeof *seen);
	struct pw_error err;
	uint8_t num[PW_STORE_MONITOR_CRL_NUMBER_LEN];
	static const uint8_t seven[] = {0x07};
	int first = -1;

	/* Not revoked: nothing can be seen. */
	assert_int_equal(pw_store_monitor_seen_crl(f->s, f->sha, 10, "http://a/1.crl", NULL, &first,
	                                           &err), PW_ERR_NOTFOUND);
	assert_int_equal(pw_store_monitor_seen_get(f->s, f->sha, seen, &err), PW_ERR_NOTFOUND);
	revoke_at(f, 1000);
	assert_int_equal(pw_store_monitor_seen_get(f->s, f->sha, seen, &err), PW_OK);
	assert_int_equal(seen->has_crl, 0);
	assert_int_equal(seen->has_ocsp, 0);
	assert_int_equal(seen->revoked_at, 1000);

	assert_int_equal(pw_monitor_crl_number_norm(seven, 1, num), 1);
	assert_int_equal(pw_store_monitor_seen_crl(f->s, f->sha, 1500, "http://a/1.crl", num, &first,
	                                           &err), PW_OK);
	assert_int_equal(first, 1);
	/* A later sighting elsewhere changes nothing. */
	assert_int_equal(pw_store_monitor_seen_crl(f->s, f->sha, 2500, "http://b/full.crl", NULL,
	                                           &first, &err), PW_OK);
	assert_int_equal(first, 0);
	/* OCSP: good first (recorded as the latest answer, not a sighting). */
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->sha, 1600, "http://ocsp.a", PW_OCSP_GOOD,
	                                            &first, &err), PW_OK);
	assert_int_equal(first, 0);
	assert_int_equal(pw_store_monitor_seen_get(f->s, f->sha, seen, &err), PW_OK);
	assert_int_equal(seen->has_ocsp, 0);
	assert_int_equal(seen->has_last_ocsp, 1);
	assert_int_equal(seen->last_ocsp_status, PW_OCSP_GOOD);
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->sha, 1700, "http://ocsp.a",
	                                            PW_OCSP_REVOKED, &first, &err), PW_OK);
	assert_int_equal(first, 1);
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->sha, 1800, "http://ocsp.b",
	                                            PW_OCSP_REVOKED, &first, &err), PW_OK);
	assert_int_equal(first, 0);
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->sha, 1900, "http://ocsp.a", 7, &first,
	                                            &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_monitor_seen_get(f->s, f->sha, seen, &err), PW_OK);
	assert_int_equal(seen->has_crl, 1);
	assert_int_equal(seen->first_seen_crl, 1500);
	assert_string_equal(seen->crl_url, "http://a/1.crl");
	assert_int_equal(seen->has_crl_number, 1);
	assert_memory_equal(seen->crl_number, num, sizeof num);
	assert_int_equal(seen->has_ocsp, 1);
	assert_int_equal(seen->first_seen_ocsp, 1700);
	assert_string_equal(seen->ocsp_url, "http://ocsp.a");
	assert_int_equal(seen->last_ocsp_at, 1800);

	/* Re-recording the revocation (an upgrade to keyCompromise) keeps the
	 * sightings: they belong to the revocation, not to its reason. */
	revoke_at(f, 1000);
	assert_int_equal(pw_store_monitor_seen_get(f->s, f->sha, seen, &err), PW_OK);
	assert_int_equal(seen->first_seen_crl, 1500);
	assert_int_equal(seen->first_seen_ocsp, 1700);

	/* The columns of the revocation row itself. */
	assert_int_equal(pw_test_sql_i64(f->t, "store", "SELECT first_seen_crl FROM revocation", NULL),
	                 1500);
	assert_int_equal(pw_test_sql_i64(f->t, "store", "SELECT first_seen_ocsp FROM revocation", NULL),
	                 1700);
	assert_int_equal(pw_test_sql_i64(f->t, "store", "SELECT COUNT(*) FROM revocation", NULL), 1);
	free(seen);
}

struct alert_acc {
	int n;
	int64_t ids[8];
	uint64_t counts[8];
	int64_t resolved[8];
};

static int acc_alert(void *ctx, const struct pw_store_monitor_alert *a)
{
	struct alert_acc *x = ctx;
	if (x->n < 8) {
		x->ids[x->n] = a->id;
		x->counts[x->n] = a->count;
		x->resolved[x->n] = a->resolved_at;
	}
	x->n++;
	return 1;
}

static void test_alerts(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_store_monitor_alert a = {.kind = "crl-stale", .subject = "url:http://a/1.crl",
	                                   .url = "http://a/1.crl", .detail = "nextUpdate passed"};
	int64_t id1 = 0, id2 = 0, id3 = 0;
	int is_new = -1;
	uint64_t open = 9;

	assert_int_equal(pw_store_monitor_alert_raise(f->s, &a, 100, &id1, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 1);
	assert_int_equal(pw_store_monitor_alert_raise(f->s, &a, 200, &id2, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 0);
	assert_int_equal(id1, id2);
	a.subject = "url:http://a/2.crl";
	assert_int_equal(pw_store_monitor_alert_raise(f->s, &a, 200, &id3, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 1);
	assert_true(id3 != id1);
	assert_int_equal(pw_store_monitor_alert_count_open(f->s, &open, &err), PW_OK);
	assert_int_equal(open, 2);

	struct pw_store_monitor_alert_filter flt = {.open_only = 1, .subject = "url:http://a/1.crl"};
	struct alert_acc x = {0};
	assert_int_equal(pw_store_monitor_alert_list(f->s, &flt, acc_alert, &x, &err), PW_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.counts[0], 2);

	assert_int_equal(pw_store_monitor_alert_resolve(f->s, id1, 300, &err), PW_OK);
	assert_int_equal(pw_store_monitor_alert_resolve(f->s, id1, 301, &err), PW_ERR_NOTFOUND);
	assert_int_equal(pw_store_monitor_alert_count_open(f->s, &open, &err), PW_OK);
	assert_int_equal(open, 1);
	/* Raised again after resolution: a new alert, the old one stays resolved. */
	a.subject = "url:http://a/1.crl";
	assert_int_equal(pw_store_monitor_alert_raise(f->s, &a, 400, &id2, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 1);
	assert_true(id2 != id1);
	flt.open_only = 0;
	memset(&x, 0, sizeof x);
	assert_int_equal(pw_store_monitor_alert_list(f->s, &flt, acc_alert, &x, &err), PW_OK);
	assert_int_equal(x.n, 2);
	assert_int_equal(x.ids[0], id2); /* newest first */
	assert_int_equal(x.resolved[0], 0);
	assert_int_equal(x.resolved[1], 300);
	/* Bad arguments. */
	a.kind = "";
	assert_int_equal(pw_store_monitor_alert_raise(f->s, &a, 1, NULL, NULL, &err), PW_ERR_USAGE);
}

static int acc_crl(void *ctx, const struct pw_store_monitor_crl *c)
{
	int *n = ctx;
	(void)c;
	(*n)++;
	return 1;
}

static int acc_fetch(void *ctx, const struct pw_store_monitor_fetch *fe)
{
	int64_t *ids = ctx;
	if (ids[0] < 4)
		ids[1 + ids[0]] = fe->id;
	ids[0]++;
	return 1;
}

static void test_crl_numbers_and_fetches(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_store_monitor_crl c, hi;
	static const uint8_t nine[] = {0x09}, ten[] = {0x0a}, big[] = {0x01, 0x00};
	int is_new = -1, n = 0;
	char txt[64];

	assert_int_equal(pw_store_monitor_crl_highest(f->s, "http://a/1.crl", &hi, &err),
	                 PW_ERR_NOTFOUND);
	memset(&c, 0, sizeof c);
	c.url = "http://a/1.crl";
	c.this_update = 10;
	assert_int_equal(pw_monitor_crl_number_norm(ten, 1, c.crl_number), 1);
	assert_int_equal(pw_store_monitor_crl_seen(f->s, &c, 100, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 1);
	assert_int_equal(pw_store_monitor_crl_seen(f->s, &c, 200, &is_new, &err), PW_OK);
	assert_int_equal(is_new, 0);
	assert_int_equal(pw_monitor_crl_number_norm(nine, 1, c.crl_number), 1);
	assert_int_equal(pw_store_monitor_crl_seen(f->s, &c, 300, &is_new, &err), PW_OK);
	/* Numeric order: 10 stays the highest after 9 was seen... */
	assert_int_equal(pw_store_monitor_crl_highest(f->s, "http://a/1.crl", &hi, &err), PW_OK);
	assert_string_equal(pw_monitor_crl_number_text(hi.crl_number, txt, sizeof txt), "10");
	assert_int_equal(hi.first_seen, 100);
	assert_int_equal(hi.last_seen, 200);
	/* ... and 256 (two octets) beats 10 (one octet). */
	assert_int_equal(pw_monitor_crl_number_norm(big, 2, c.crl_number), 1);
	assert_int_equal(pw_store_monitor_crl_seen(f->s, &c, 400, &is_new, &err), PW_OK);
	assert_int_equal(pw_store_monitor_crl_highest(f->s, "http://a/1.crl", &hi, &err), PW_OK);
	assert_string_equal(pw_monitor_crl_number_text(hi.crl_number, txt, sizeof txt), "256");
	assert_int_equal(pw_store_monitor_crl_list(f->s, NULL, acc_crl, &n, &err), PW_OK);
	assert_int_equal(n, 3);

	struct pw_store_monitor_fetch fe = {.url = "http://a/1.crl", .kind = "crl", .at = 5,
	                                    .http_status = 200, .bytes = 10, .outcome = "ok"};
	int64_t id1, id2, ids[5] = {0};
	assert_int_equal(pw_store_monitor_fetch_add(f->s, &fe, &id1, &err), PW_OK);
	fe.outcome = "timeout";
	fe.http_status = 0;
	fe.detail = "no answer";
	assert_int_equal(pw_store_monitor_fetch_add(f->s, &fe, &id2, &err), PW_OK);
	assert_int_equal(pw_store_monitor_fetch_list(f->s, "http://a/1.crl", 0, acc_fetch, ids, &err),
	                 PW_OK);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], id2);
	assert_int_equal(ids[2], id1);
	memset(ids, 0, sizeof ids);
	assert_int_equal(pw_store_monitor_fetch_list(f->s, NULL, 1, acc_fetch, ids, &err), PW_OK);
	assert_int_equal(ids[0], 1);
	fe.url = NULL;
	assert_int_equal(pw_store_monitor_fetch_add(f->s, &fe, NULL, &err), PW_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crl_numbers_and_fetches, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
