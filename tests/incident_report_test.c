/* Unit tests of problem reports (report.h): the lifecycle and its events,
 * deadlines (BR 4.9.5, 4.9.1.1) including overdue and late, rendering of
 * messages from each observed state, candidates from a name search,
 * Message-ID idempotence, and the message -> report extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"
#include "pkiward/store_monitor.h"
#include "test_store.h"

#define DAY 86400
#define HOUR 3600

static X509 *make(const char *cn, long serial, int64_t nb, int64_t na, EVP_PKEY *key,
                  X509 *issuer, EVP_PKEY *issuer_key, int ca)
{
	X509 *x = X509_new();
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb);
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na);
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	                                        ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (!ca) {
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "DNS:www.example.org");
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static void put(struct pw_store *s, X509 *x, uint8_t sha[32])
{
	uint8_t *der = NULL;
	int n = i2d_X509(x, &der);
	struct pw_cert c;
	struct pw_error err;
	assert_true(n > 0);
	SHA256(der, (size_t)n, sha);
	pw_cert_init(&c);
	assert_int_equal(pw_cert_parse(&c, der, (size_t)n, &err), PW_OK);
	assert_int_equal(pw_store_put_cert(s, &c, 1, NULL, &err), PW_OK);
	pw_cert_cleanup(&c);
	OPENSSL_free(der);
}

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	struct pw_store *s;
	int64_t now;
	uint8_t c[3][32]; /* three certificates for www.example.org, serials 1..3 */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = pw_test_store_new("incident_report_test");
	f->s = pw_test_store_open(f->t, "store", PW_STORE_CREATE);
	f->now = (int64_t)time(NULL);
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *k = EVP_EC_gen("P-256");
	X509 *ca = make("Issuer A", 100, f->now - 10 * DAY, f->now + 400 * DAY, ka, NULL, NULL, 1);
	uint8_t tmp[32];
	put(f->s, ca, tmp);
	for (int i = 0; i < 3; i++) {
		X509 *x = make("www.example.org", i + 1, f->now - (10 - i) * DAY, f->now + 80 * DAY, k,
		               ca, ka, 0);
		put(f->s, x, f->c[i]);
		X509_free(x);
	}
	X509_free(ca);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(k);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	pw_test_store_free(f->t);
	free(f);
	return 0;
}

struct kinds {
	char v[32][40];
	size_t n;
};

static int kind_row(void *ctx, const struct pw_store_event *e)
{
	struct kinds *k = ctx;
	if (k->n < 32)
		snprintf(k->v[k->n++], sizeof k->v[0], "%s", e->kind);
	return 1;
}

static int64_t new_report(struct fx *f, int64_t received, const char *mid)
{
	struct pw_error err;
	int64_t id = 0;
	struct pw_report_new rn = {
		.received_at = received, .reporter = "r@example.net", .kind = "misissuance",
		.title = "t", .source = "cli", .message_id = mid,
	};
	assert_int_equal(pw_report_create(f->s, &rn, &id, &err), PW_OK);
	assert_true(id > 0);
	return id;
}

static enum pw_report_state state_of(struct fx *f, int64_t id)
{
	struct pw_report *r;
	struct pw_error err;
	assert_int_equal(pw_report_get(f->s, id, &r, &err), PW_OK);
	enum pw_report_state st = r->state;
	pw_report_free(r);
	return st;
}

static void test_lifecycle(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	int64_t id = new_report(f, f->now - HOUR, NULL);
	assert_int_equal(state_of(f, id), PW_REPORT_RECEIVED);

	assert_int_equal(pw_report_ack(f->s, id, 0, "t", NULL, &err), PW_OK);
	assert_int_equal(state_of(f, id), PW_REPORT_ACKNOWLEDGED);
	assert_int_equal(pw_report_ack(f->s, id, 0, "t", NULL, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "acknowledged already"));

	assert_int_equal(pw_report_investigated(f->s, id, 0, "t", NULL, 0, &err), PW_ERR_USAGE);
	assert_int_equal(pw_report_investigated(f->s, id, 0, "t", "wrong O field", 17, &err),
	                 PW_ERR_USAGE);
	assert_int_equal(pw_report_investigated(f->s, id, 0, "t", "wrong O field", 12, &err), PW_OK);
	assert_int_equal(state_of(f, id), PW_REPORT_INVESTIGATED);

	assert_int_equal(pw_report_preliminary_sent(f->s, id, 0, "t", "r@example.net", "text", &err),
	                 PW_OK);
	assert_int_equal(state_of(f, id), PW_REPORT_PRELIMINARY_SENT);

	/* Closing needs an action; revoked needs linked, revoked certificates. */
	assert_int_equal(pw_report_close(f->s, id, 0, "t", NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_report_action_revoked(f->s, id, 0, "t", &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "names no certificate"));
	assert_int_equal(pw_report_link_cert(f->s, id, f->c[0], PW_REPORT_LINK_SHA256, "t", &err),
	                 PW_OK);
	uint8_t missing[32] = {1};
	assert_int_equal(pw_report_link_cert(f->s, id, missing, PW_REPORT_LINK_SHA256, "t", &err),
	                 PW_ERR_NOTFOUND);
	assert_int_equal(pw_report_action_revoked(f->s, id, 0, "t", &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "is not revoked in the store"));
	struct pw_revoke_request rq = {.has_reason = 1, .reason = PW_REVOKE_SUPERSEDED};
	struct pw_revoke_result rr;
	assert_int_equal(pw_revoke_cert(f->s, f->c[0], &rq, &rr, &err), PW_OK);
	assert_int_equal(pw_report_action_revoked(f->s, id, 0, "t", &err), PW_OK);
	assert_int_equal(state_of(f, id), PW_REPORT_ACTION_TAKEN);
	assert_int_equal(pw_report_action_declined(f->s, id, 0, "t", "no", &err), PW_ERR_USAGE);
	assert_int_equal(pw_report_close(f->s, id, 0, "t", "done", &err), PW_OK);
	assert_int_equal(state_of(f, id), PW_REPORT_CLOSED);
	assert_int_equal(pw_report_ack(f->s, id, 0, "t", NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_report_note(f->s, id, 0, "t", "a note after closing", &err), PW_OK);

	/* Every step is an event about the report, in order. */
	struct kinds k = {0};
	char subj[PW_EVENTS_SUBJECT_MAX];
	assert_int_equal(pw_events_list(f->s, pw_events_subject_report(id, subj), kind_row, &k, &err),
	                 PW_OK);
	const char *want[] = {"report.received", "report.acknowledged", "report.investigated",
	                      "report.preliminary_sent", "report.cert_linked", "report.action",
	                      "report.closed", "report.note"};
	assert_int_equal(k.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < k.n; i++)
		assert_string_equal(k.v[i], want[i]);
	struct pw_events_verify_result vr;
	assert_int_equal(pw_events_verify(f->s, &vr, &err), PW_OK);
	assert_int_equal(vr.broken, PW_EVENTS_INTACT);

	/* A failed step writes nothing (one transaction). */
	int64_t id2 = new_report(f, f->now, NULL);
	assert_int_equal(pw_report_action_declined(f->s, id2, 0, "t", "", &err), PW_ERR_USAGE);
	assert_int_equal(pw_report_action_declined(f->s, id2, 0, "t", "duplicate of report 1", &err),
	                 PW_OK);
	struct pw_report *r;
	assert_int_equal(pw_report_get(f->s, id2, &r, &err), PW_OK);
	assert_int_equal(r->action, PW_REPORT_ACTION_DECLINED);
	assert_string_equal(r->decline_reason, "duplicate of report 1");
	pw_report_free(r);
	/* A step cannot be dated before the report was received. */
	assert_int_equal(pw_report_ack(f->s, id2, f->now - DAY, "t", NULL, &err), PW_ERR_USAGE);
}

static void test_deadlines(void **state)
{
	(void)state;
	struct pw_report r;
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	const int64_t t0 = 1700000000;
	memset(&r, 0, sizeof r);
	r.received_at = t0;

	/* Nothing done, 1 hour in: all pending, due at +24 h (item undetermined). */
	assert_int_equal(pw_report_deadlines(&r, t0 + HOUR, d), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(d[i].state, PW_REPORT_DL_PENDING);
		assert_int_equal(d[i].due, t0 + 24 * HOUR);
	}
	assert_string_equal(d[0].citation, "BR 4.9.5");
	assert_string_equal(d[2].citation, "BR 4.9.1.1");
	/* 25 hours in: overdue. */
	assert_int_equal(pw_report_deadlines(&r, t0 + 25 * HOUR, d), 1);
	assert_int_equal(d[1].state, PW_REPORT_DL_OVERDUE);
	/* Exactly at the deadline is still on time. */
	pw_report_deadlines(&r, t0 + 24 * HOUR, d);
	assert_int_equal(d[1].state, PW_REPORT_DL_PENDING);
	/* Items 6-16: 5 days to revoke; 1-5: 24 hours. */
	r.br_item = 12;
	pw_report_deadlines(&r, t0 + 25 * HOUR, d);
	assert_int_equal(d[2].due, t0 + 5 * DAY);
	assert_int_equal(d[2].state, PW_REPORT_DL_PENDING);
	r.br_item = 3;
	pw_report_deadlines(&r, t0 + 25 * HOUR, d);
	assert_int_equal(d[2].due, t0 + DAY);
	assert_int_equal(d[2].state, PW_REPORT_DL_OVERDUE);
	assert_int_equal(pw_report_revoke_window(0), 24 * HOUR);
	assert_int_equal(pw_report_revoke_window(5), 24 * HOUR);
	assert_int_equal(pw_report_revoke_window(6), 5 * DAY);
	assert_int_equal(pw_report_revoke_window(16), 5 * DAY);
	/* Done on time / late. */
	r.investigated_at = t0 + 2 * HOUR;
	r.preliminary_at = t0 + 30 * HOUR;
	r.revoke_done_at = t0 + 20 * HOUR;
	assert_int_equal(pw_report_deadlines(&r, t0 + 40 * DAY, d), 1);
	assert_int_equal(d[0].state, PW_REPORT_DL_MET);
	assert_int_equal(d[1].state, PW_REPORT_DL_LATE);
	assert_int_equal(d[2].state, PW_REPORT_DL_MET);
	/* Declined: no revocation deadline. */
	r.preliminary_at = t0 + 3 * HOUR;
	r.revoke_done_at = 0;
	r.action = PW_REPORT_ACTION_DECLINED;
	assert_int_equal(pw_report_deadlines(&r, t0 + 40 * DAY, d), 0);
	assert_int_equal(d[2].state, PW_REPORT_DL_NA);
	assert_string_equal(pw_report_deadline_state_name(PW_REPORT_DL_OVERDUE), "overdue");
}

struct count_ctx {
	int64_t ids[16];
	size_t n;
};

static int count_row(void *ctx, const struct pw_report *r)
{
	struct count_ctx *c = ctx;
	if (c->n < 16)
		c->ids[c->n++] = r->id;
	return 1;
}

static void test_list_overdue_and_revoke_done(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	int64_t old = new_report(f, f->now - 2 * DAY, NULL);
	int64_t fresh = new_report(f, f->now - HOUR, NULL);
	struct pw_report_filter flt = {0, 1, f->now};
	struct count_ctx c = {{0}, 0};
	assert_int_equal(pw_report_list(f->s, &flt, count_row, &c, &err), PW_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], old);
	/* Seen from an hour after receipt, nothing is overdue yet. */
	flt.now = f->now - 2 * DAY + HOUR;
	c.n = 0;
	assert_int_equal(pw_report_list(f->s, &flt, count_row, &c, &err), PW_OK);
	assert_int_equal(c.n, 0);
	flt.overdue_only = 0;
	flt.now = 0;
	c.n = 0;
	assert_int_equal(pw_report_list(f->s, &flt, count_row, &c, &err), PW_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ids[1], fresh);

	/* The revoke deadline is measured by the stored revocations of all the
	 * linked certificates: done once the last is revoked. */
	assert_int_equal(pw_report_link_cert(f->s, fresh, f->c[1], "sha256", "t", &err), PW_OK);
	assert_int_equal(pw_report_link_cert(f->s, fresh, f->c[2], "sha256", "t", &err), PW_OK);
	struct pw_revoke_request rq = {.has_reason = 1, .reason = PW_REVOKE_SUPERSEDED};
	struct pw_revoke_result rr;
	assert_int_equal(pw_revoke_cert(f->s, f->c[1], &rq, &rr, &err), PW_OK);
	struct pw_report *r;
	assert_int_equal(pw_report_get(f->s, fresh, &r, &err), PW_OK);
	assert_int_equal(r->revoke_done_at, 0);
	pw_report_free(r);
	rq.at = f->now + 10;
	assert_int_equal(pw_revoke_cert(f->s, f->c[2], &rq, &rr, &err), PW_OK);
	assert_int_equal(pw_report_get(f->s, fresh, &r, &err), PW_OK);
	assert_int_equal(r->revoke_done_at, f->now + 10);
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	pw_report_deadlines(r, f->now + 20, d);
	assert_int_equal(d[2].state, PW_REPORT_DL_MET);
	pw_report_free(r);
}

static void test_render_states(void **state)
{
	(void)state;
	struct pw_report_observed o;
	char *t;
	memset(&o, 0, sizeof o);
	memset(o.sha256, 0xab, 32);
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "SHA-256 abababab"));
	assert_non_null(strstr(t, "not found among the certificates this CA has issued"));
	free(t);

	o.stored = 1;
	snprintf(o.serial_hex, sizeof o.serial_hex, "0a1b");
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, ", serial 0a1b: not revoked."));
	free(t);

	/* Recorded, not observed anywhere: never "revoked at". */
	o.revoked = 1;
	o.revoked_at = 1700000000; /* 2023-11-14 22:13:20 UTC */
	o.has_reason = 1;
	o.reason = 1;
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "revocation recorded at 2023-11-14 22:13:20 UTC (keyCompromise); "
	                          "not yet visible in the CRL; not yet visible in OCSP."));
	assert_null(strstr(t, "revoked at"));
	free(t);

	/* In the CRL (number known), OCSP lagging. */
	o.first_seen_crl = 1700000600;
	o.has_crl_number = 1;
	snprintf(o.crl_number, sizeof o.crl_number, "42");
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "revocation recorded at"));
	assert_non_null(strstr(t, "listed in CRL number 42 since 2023-11-14 22:23:20 UTC; "
	                          "not yet visible in OCSP."));
	free(t);
	/* CRL number not known to the monitor. */
	o.has_crl_number = 0;
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "listed in the CRL since 2023-11-14 22:23:20 UTC;"));
	free(t);

	/* OCSP only. */
	o.first_seen_crl = 0;
	o.first_seen_ocsp = 1700001200;
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "not yet visible in the CRL; OCSP answers revoked since "
	                          "2023-11-14 22:33:20 UTC."));
	assert_non_null(strstr(t, "revocation recorded at"));
	free(t);

	/* Both: now it is "revoked at". */
	o.first_seen_crl = 1700000600;
	o.has_crl_number = 1;
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "serial 0a1b: revoked at 2023-11-14 22:13:20 UTC (keyCompromise); "
	                          "listed in CRL number 42 since 2023-11-14 22:23:20 UTC; OCSP answers"
	                          " revoked since 2023-11-14 22:33:20 UTC."));
	free(t);

	/* No reasonCode. */
	o.has_reason = 0;
	t = pw_report_render_cert_status(&o);
	assert_non_null(strstr(t, "(unspecified)"));
	free(t);
}

static void test_render_message_from_store(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	char *msg = NULL, hex[65];
	int64_t id = 0;
	struct pw_report_new rn = {
		.received_at = f->now - HOUR, .reporter = "r@example.net", .kind = "misissuance",
		.title = "bad\r\nBcc: victim@example.com", .source = "cli", .message_id = "m1@x",
	};
	assert_int_equal(pw_report_create(f->s, &rn, &id, &err), PW_OK);
	assert_int_equal(pw_report_link_cert(f->s, id, f->c[0], "sha256", "t", &err), PW_OK);
	struct pw_revoke_request rq = {.has_reason = 1, .reason = PW_REVOKE_KEY_COMPROMISE};
	struct pw_revoke_result rr;
	assert_int_equal(pw_revoke_cert(f->s, f->c[0], &rq, &rr, &err), PW_OK);
	struct pw_report *r;
	assert_int_equal(pw_report_get(f->s, id, &r, &err), PW_OK);

	assert_int_equal(pw_report_render_message(f->s, r, PW_REPORT_MSG_ACK, "ca@ca.example",
	                                          "r@example.net", NULL, f->now, &msg, &err),
	                 PW_OK);
	pw_hex_encode(f->c[0], 32, hex);
	assert_non_null(strstr(msg, hex));
	assert_non_null(strstr(msg, ", serial 01: revocation recorded at"));
	assert_non_null(strstr(msg, "not yet visible in OCSP"));
	assert_non_null(strstr(msg, "In-Reply-To: <m1@x>"));
	assert_non_null(strstr(msg, "(BR 4.9.5)"));
	/* The title cannot inject a header. */
	assert_null(strstr(msg, "\nBcc:"));
	assert_non_null(strstr(msg, "bad??Bcc: victim"));
	free(msg);

	/* The monitor sees it in CRL number 7; OCSP still lags. */
	uint8_t number[PW_STORE_MONITOR_CRL_NUMBER_LEN] = {0};
	number[PW_STORE_MONITOR_CRL_NUMBER_LEN - 1] = 7;
	int first = 0;
	assert_int_equal(pw_store_monitor_seen_crl(f->s, f->c[0], f->now, "http://crl.example/a.crl",
	                                           number, &first, &err),
	                 PW_OK);
	assert_true(first);
	assert_int_equal(pw_report_render_message(f->s, r, PW_REPORT_MSG_PRELIMINARY, "ca@ca.example",
	                                          "r@example.net", "The finding.", f->now, &msg, &err),
	                 PW_OK);
	assert_non_null(strstr(msg, ", serial 01: revocation recorded at"));
	assert_non_null(strstr(msg, "listed in CRL number 7 since"));
	assert_non_null(strstr(msg, "not yet visible in OCSP."));
	free(msg);
	/* An OCSP answer "good" (a stale cache) changes nothing; "revoked" does. */
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->c[0], f->now + 30, "http://ocsp.example",
	                                            PW_OCSP_GOOD, &first, &err),
	                 PW_OK);
	assert_int_equal(pw_report_render_message(f->s, r, PW_REPORT_MSG_PRELIMINARY, "ca@ca.example",
	                                          "r@example.net", "The finding.", f->now, &msg, &err),
	                 PW_OK);
	assert_non_null(strstr(msg, "not yet visible in OCSP."));
	free(msg);
	assert_int_equal(pw_store_monitor_seen_ocsp(f->s, f->c[0], f->now + 60, "http://ocsp.example",
	                                            PW_OCSP_REVOKED, &first, &err),
	                 PW_OK);
	assert_int_equal(pw_report_render_message(f->s, r, PW_REPORT_MSG_PRELIMINARY, "ca@ca.example",
	                                          "r@example.net", "The finding.", f->now, &msg, &err),
	                 PW_OK);
	assert_non_null(strstr(msg, ", serial 01: revoked at"));
	assert_non_null(strstr(msg, "listed in CRL number 7 since"));
	assert_non_null(strstr(msg, "OCSP answers revoked since"));
	assert_non_null(strstr(msg, "Findings:\nThe finding."));
	free(msg);
	pw_report_free(r);

	/* Recorded messages are events with their text. */
	int64_t ev = 0;
	assert_int_equal(pw_report_message_record(f->s, id, 0, "acknowledgement", "r@example.net",
	                                          "the text", "t", &ev, &err),
	                 PW_OK);
	assert_true(ev > 0);
	assert_int_equal(pw_report_get(f->s, id, &r, &err), PW_OK);
	assert_int_equal(r->n_messages, 1);
	assert_string_equal(r->messages[0].text, "the text");
	assert_int_equal(r->messages[0].event_id, ev);
	pw_report_free(r);
}

static void test_candidates_and_message_id(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	size_t n = 0;
	int64_t id = new_report(f, f->now, "dup@example.net");
	assert_int_equal(pw_report_add_candidates(f->s, id, "www.example.org", "t", &n, &err), PW_OK);
	assert_int_equal(n, 3);
	struct pw_report *r;
	assert_int_equal(pw_report_get(f->s, id, &r, &err), PW_OK);
	assert_int_equal(r->n_candidates, 3);
	assert_int_equal(r->n_certs, 0); /* a name never links */
	pw_report_free(r);

	int64_t again = 0;
	struct pw_report_new rn = {.kind = "x", .source = "cli", .message_id = "dup@example.net"};
	assert_int_equal(pw_report_create(f->s, &rn, &again, &err), PW_ERR_EXISTS);
	assert_int_equal(again, id);
	int64_t found = 0;
	assert_int_equal(pw_report_find_message_id(f->s, "dup@example.net", &found, &err), PW_OK);
	assert_int_equal(found, id);
	rn.br_item = 17;
	rn.message_id = NULL;
	assert_int_equal(pw_report_create(f->s, &rn, &again, &err), PW_ERR_USAGE);
}

static const char refs_msg[] =
	"Received: from mx by mx.ca.example; Mon, 23 Nov 2026 10:00:00 +0000\n"
	"From: Reporter <a@example.net>\n"
	"Subject: certificates for shop.example.com\n"
	"Message-ID: <refs@example.net>\n"
	"\n"
	"fingerprint 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:"
	"A4:B5:C6:D7:E8:F9\n"
	"https://crt.sh/?sha256=05c1c869ca922ae8c8f8678c1c3a481ba16736ee47c648a4067b3b742ac9bbdf\n"
	"https://crt.sh/?id=42\n"
	"serial number: 01:02:03\n"
	"issuer: /C=XX/O=Test CA/CN=Test Issuing CA\n"
	"write to me at me@mail.example.net\n";

static void test_mail_parse(void **state)
{
	(void)state;
	struct pw_report_mail m;
	struct pw_error err;
	assert_int_equal(pw_report_mail_parse((const uint8_t *)refs_msg, strlen(refs_msg), &m, &err),
	                 PW_OK);
	assert_string_equal(m.from, "a@example.net");
	assert_string_equal(m.message_id, "refs@example.net");
	assert_string_equal(m.time_source, "received");
	assert_int_equal(m.received_at, 1795428000); /* 2026-11-23T10:00:00Z */
	int sha = 0, crt = 0, id = 0, serial = 0, names = 0;
	for (size_t i = 0; i < m.n_refs; i++) {
		const struct pw_report_ref *r = &m.refs[i];
		switch (r->type) {
		case PW_REPORT_REF_SHA256:
			sha++;
			assert_int_equal(r->sha256[0], 0x0a);
			assert_int_equal(r->sha256[31], 0xf9);
			break;
		case PW_REPORT_REF_CRTSH_SHA256:
			crt++;
			assert_int_equal(r->sha256[0], 0x05);
			break;
		case PW_REPORT_REF_CRTSH_ID:
			id++;
			assert_string_equal(r->text, "https://crt.sh/?id=42");
			break;
		case PW_REPORT_REF_SERIAL:
			serial++;
			assert_int_equal(r->serial_len, 3);
			assert_string_equal(r->text, "/C=XX/O=Test CA/CN=Test Issuing CA");
			break;
		case PW_REPORT_REF_NAME:
			names++;
			/* The email address's domain and crt.sh are not names. */
			assert_string_equal(r->text, "shop.example.com");
			break;
		default:
			fail();
		}
	}
	assert_int_equal(sha, 1);
	assert_int_equal(crt, 1);
	assert_int_equal(id, 1);
	assert_int_equal(serial, 1);
	assert_int_equal(names, 1);
	pw_report_mail_cleanup(&m);

	/* Errors name the header and where. */
	static const char no_from[] = "Date: Mon, 23 Nov 2026 10:00:00 +0000\n\nbody\n";
	assert_int_equal(pw_report_mail_parse((const uint8_t *)no_from, sizeof no_from - 1, &m, &err),
	                 PW_ERR_PARSE);
	assert_string_equal(err.field, "From");
	static const char bad_line[] = "From: a@b.example\nthis is not a header\n\nbody\n";
	assert_int_equal(pw_report_mail_parse((const uint8_t *)bad_line, sizeof bad_line - 1, &m,
	                                      &err),
	                 PW_ERR_PARSE);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 18);
	assert_non_null(strstr(err.msg, "header line 2"));
	static const char no_date[] = "From: a@b.example\n\nbody\n";
	assert_int_equal(pw_report_mail_parse((const uint8_t *)no_date, sizeof no_date - 1, &m, &err),
	                 PW_ERR_PARSE);
	assert_string_equal(err.field, "Date");
	assert_int_equal(pw_report_mail_parse((const uint8_t *)"", 0, &m, &err), PW_ERR_PARSE);
}

static void test_import_message_atomic(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_report_import_item it;
	char msg[1024], hex[65];
	pw_hex_encode(f->c[2], 32, hex);
	snprintf(msg, sizeof msg,
	         "From: a@example.net\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n"
	         "Message-ID: <imp@example.net>\n\ncertificate %s\nhttps://crt.sh/?id=7\n", hex);
	assert_int_equal(pw_report_import_message(f->s, (const uint8_t *)msg, strlen(msg), "mem",
	                                          NULL, &it, &err),
	                 PW_OK);
	assert_int_equal(it.n_linked, 1);
	assert_int_equal(it.n_unresolved, 1);
	assert_false(it.duplicate);
	int64_t id = it.report_id;
	assert_int_equal(pw_report_import_message(f->s, (const uint8_t *)msg, strlen(msg), "mem",
	                                          NULL, &it, &err),
	                 PW_OK);
	assert_true(it.duplicate);
	assert_int_equal(it.report_id, id);
	struct pw_report *r;
	assert_int_equal(pw_report_get(f->s, id, &r, &err), PW_OK);
	assert_memory_equal(r->certs[0].sha256, f->c[2], 32);
	assert_int_equal(r->received_at, 1795428000);
	assert_string_equal(r->source, "email:mem");
	pw_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test(test_deadlines),
		cmocka_unit_test_setup_teardown(test_list_overdue_and_revoke_done, setup, teardown),
		cmocka_unit_test(test_render_states),
		cmocka_unit_test_setup_teardown(test_render_message_from_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_candidates_and_message_id, setup, teardown),
		cmocka_unit_test(test_mail_parse),
		cmocka_unit_test_setup_teardown(test_import_message_atomic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
