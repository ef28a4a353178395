/* Unit tests of policy/ and planned revocation: the BR method table and its
 * dates (BR 2.2.6 §1.2.1-1.2.2 and earlier versions, docs/policy.md), the
 * disclosure file parser (errors name the field or the line), the check's
 * verdicts on validations at the edges of CPS windows and BR dates, and a
 * revocation plan created, executed (with a republication hook) and run
 * again without doubling anything.
 *
 * The base is built with the store's own schema and plain SQL rows (the
 * check reads only certificate and validation rows; parsing certificates is
 * tested elsewhere), so each test states exactly which validations exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkiward/events.h"
#include "pkiward/policy.h"
#include "pkiward/revoke_plan.h"
#include "pkiward/store.h"
#include "pkiward/store_policy.h"
#include "test_store.h"

static int64_t D(const char *s)
{
	int64_t t = 0;
	assert_true(pw_policy_parse_date(s, strlen(s), &t));
	return t;
}

/* ---- BR table ---- */

static void test_br_table(void **state)
{
	(void)state;
	size_t n;
	const struct pw_policy_br_method *m = pw_policy_br_methods(&n);
	assert_int_equal(n, 22 + 8);
	for (size_t i = 0; i < n; i++) {
		int64_t from = D(m[i].from);
		assert_non_null(m[i].from_cite);
		assert_true(pw_store_method_ok(m[i].section, strlen(m[i].section)));
		if (m[i].until != NULL) {
			assert_true(D(m[i].until) > from);
			assert_non_null(m[i].until_cite);
		}
		if (m[i].reuse_until != NULL)
			assert_true(D(m[i].reuse_until) >= D(m[i].until));
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(m[i].section, m[j].section);
	}
	/* Dates the incident analysis depends on. */
	assert_string_equal(pw_policy_br_method("3.2.2.4.19")->from, "2020-03-03"); /* SC025 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.6")->until, "2020-06-03");  /* SC025 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.10")->until, "2020-09-22"); /* SC033 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.9")->until, "2019-03-16");  /* SC015 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.1")->until, "2018-08-01");  /* 218 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.5")->reuse_until, "2018-08-01");
	assert_string_equal(pw_policy_br_method("3.2.2.4.3")->until, "2019-06-01");  /* SC014 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.2")->until, "2025-07-15");  /* SC080 */
	assert_string_equal(pw_policy_br_method("3.2.2.4.8")->until, "2026-03-15");  /* SC090 */
	assert_string_equal(pw_policy_br_method("3.2.2.5.4")->until, "2019-08-01");  /* SC007 */
	assert_null(pw_policy_br_method("3.2.2.4.7")->until);
	assert_null(pw_policy_br_method("3.2.2.4.23"));
	assert_null(pw_policy_br_method("3.2.2.5.9"));
}

static void test_dates(void **state)
{
	(void)state;
	int64_t t;
	assert_true(pw_policy_parse_date("1970-01-01", 10, &t));
	assert_int_equal(t, 0);
	assert_true(pw_policy_parse_date("2020-03-03", 10, &t));
	assert_int_equal(t, 1583193600);
	assert_true(pw_policy_parse_date("2024-02-29", 10, &t));
	assert_false(pw_policy_parse_date("2023-02-29", 10, &t));
	assert_false(pw_policy_parse_date("1900-02-29", 10, &t));
	assert_false(pw_policy_parse_date("2019-13-01", 10, &t));
	assert_false(pw_policy_parse_date("2019-04-31", 10, &t));
	assert_false(pw_policy_parse_date("2019-1-01", 9, &t));
	assert_false(pw_policy_parse_date("2019/01/01", 10, &t));
	assert_false(pw_policy_parse_date("2019-01-01T", 11, &t));
}

/* ---- disclosure parser ---- */

static enum pw_status parse(const char *json, struct pw_policy_disclosure *d, struct pw_error *e)
{
	pw_policy_disclosure_init(d);
	memset(e, 0, sizeof *e);
	return pw_policy_disclosure_parse((const uint8_t *)json, strlen(json), d, e);
}

static void expect_error(const char *json, const char *field, const char *msg_part)
{
	struct pw_policy_disclosure d;
	struct pw_error e;
	assert_int_equal(parse(json, &d, &e), PW_ERR_PARSE);
	if (field != NULL)
		assert_string_equal(e.field, field);
	if (msg_part != NULL && strstr(e.msg, msg_part) == NULL)
		fail_msg("message '%s' lacks '%s'", e.msg, msg_part);
	assert_int_equal(d.n_dcv, 0);
	pw_policy_disclosure_cleanup(&d);
}

static void test_disclosure_good(void **state)
{
	(void)state;
	struct pw_policy_disclosure d;
	struct pw_error e;
	const char *j = "{\"cps_version\": \"4.2\", \"cps_date\": \"2024-05-01\","
	                " \"dcv_methods\": [{\"section\": \"3.2.2.4.7\", \"from\": \"2019-01-01\", \"until\": null},"
	                " {\"section\": \"3.2.2.4.19\", \"from\": \"2021-01-01\", \"until\": \"2022-06-01\"}],"
	                " \"ip_methods\": [{\"section\": \"3.2.2.5.7\", \"from\": \"2021-01-01\"}],"
	                " \"profiles\": [\"dv\", {\"name\": \"ov\", \"from\": \"2022-01-01\"}],"
	                " \"key_types\": [\"rsa-2048\", \"ecdsa-p256\"],"
	                " \"caa_identifiers\": [\"ca.example\"]}";
	assert_int_equal(parse(j, &d, &e), PW_OK);
	assert_string_equal(d.cps_version, "4.2");
	assert_true(d.has_cps_date);
	assert_int_equal(d.n_dcv, 3);
	assert_int_equal(d.n_profiles, 2);
	assert_int_equal(d.n_key_types, 2);
	assert_int_equal(d.n_caa, 1);
	assert_true(pw_policy_disclosed_at(&d, "3.2.2.4.7", D("2019-01-01")));
	assert_false(pw_policy_disclosed_at(&d, "3.2.2.4.7", D("2019-01-01") - 1));
	assert_true(pw_policy_disclosed_at(&d, "3.2.2.4.19", D("2022-06-01") - 1));
	assert_false(pw_policy_disclosed_at(&d, "3.2.2.4.19", D("2022-06-01")));
	assert_true(pw_policy_disclosed_at(&d, "3.2.2.5.7", D("2030-01-01")));
	pw_policy_disclosure_cleanup(&d);
}

static void test_disclosure_bad(void **state)
{
	(void)state;
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\",\"from\":\"2019-01-01\"},"
	             "{\"section\":\"3.2.2.4.23\",\"from\":\"2019-01-01\"}]}",
	             "dcv_methods[1].section", "unknown method");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4\",\"from\":\"2019-01-01\"}]}",
	             "dcv_methods[0].section", "not a BR method id");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\",\"from\":\"2019-02-30\"}]}",
	             "dcv_methods[0].from", "calendar date");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\",\"from\":\"01/02/2019\"}]}",
	             "dcv_methods[0].from", NULL);
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\",\"from\":\"2020-01-01\",\"until\":\"2020-01-01\"}]}",
	             "dcv_methods[0].until", "after");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\"}]}",
	             "dcv_methods[0].from", "missing");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.5.6\",\"from\":\"2020-01-01\"}]}",
	             "dcv_methods[0].section", "ip_methods");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[{\"section\":\"3.2.2.4.7\",\"from\":\"2020-01-01\",\"note\":1}]}",
	             "dcv_methods[0].note", "unknown member");
	expect_error("{\"cps_version\":\"1\",\"dcv_method\":[]}", "dcv_method", "unknown member");
	expect_error("{\"cps_version\":\"1\"}", "dcv_methods", "missing");
	expect_error("{\"dcv_methods\":[]}", "cps_version", "missing");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[],\"key_types\":[\"rsa-1024\"]}",
	             "key_types[0]", "key type");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[],\"profiles\":[\"D V\"]}",
	             "profiles[0]", "profile token");
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[],\"caa_identifiers\":[\"CA.example\"]}",
	             "caa_identifiers[0]", NULL);
	/* Malformed JSON: the line and column. */
	expect_error("{\"cps_version\":\"1\",\n\"dcv_methods\":[\n{\"section\":\"3.2.2.4.7\" \"from\":\"2019-01-01\"}]}",
	             "", "line 3");
	/* Duplicate members are refused (a second "dcv_methods" must not win silently). */
	expect_error("{\"cps_version\":\"1\",\"dcv_methods\":[],\"dcv_methods\":[]}", "", "line 1");
	expect_error("[1,2]", "", "JSON object");
}

/* ---- the check over a base ---- */

struct base {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	struct pw_store *s;
};

static void base_open(struct base *b)
{
	b->t = pw_test_store_new("policy_test");
	b->s = pw_test_store_open(b->t, "store", PW_STORE_CREATE);
}

static void base_close(struct base *b)
{
	pw_store_close(b->s);
	pw_test_store_free(b->t);
}

/* Adds certificate id (sha256 = 31 zero bytes and id) issued at nb,
 * validated by method at va. The link and SPKI hashes only need to differ
 * between rows. */
static void add(struct base *b, int id, const char *nb, const char *method, const char *va)
{
	uint8_t sha[32] = {0}, link[32], spki[32], issuer_name[1] = {0}, serial[1] = {(uint8_t)id};
	char subject[32], order[32], subscriber[32], name[32];
	sha[31] = (uint8_t)id;
	memset(link, 0xa0, sizeof link);
	link[31] = (uint8_t)id;
	memset(spki, 0xb0, sizeof spki);
	spki[31] = (uint8_t)id;
	snprintf(subject, sizeof subject, "CN=h%d", id);
	snprintf(order, sizeof order, "o%d", id);
	snprintf(subscriber, sizeof subscriber, "sub-%d", id % 2);
	snprintf(name, sizeof name, "h%d.example", id);
	assert_int_equal(
	    pw_test_sql_run(b->t, "store",
	                    "INSERT INTO certificate (id, sha256, link_sha256, issuer_name_sha256, issuer,"
	                    " serial, spki_sha256, subject, not_before, not_after, precert, is_ca,"
	                    " profile, order_id, subscriber, ingested_at)"
	                    " VALUES (?, ?, ?, ?, 'CN=CA', ?, ?, ?, ?, ?, 0, 0, 'dv', ?, ?, 0)",
	                    (struct pw_test_param[]){PW_TEST_INT(id), PW_TEST_BLOB(sha, 32),
	                                             PW_TEST_BLOB(link, 32), PW_TEST_BLOB(issuer_name, 1),
	                                             PW_TEST_BLOB(serial, 1), PW_TEST_BLOB(spki, 32),
	                                             PW_TEST_TEXT(subject), PW_TEST_INT(D(nb)),
	                                             PW_TEST_INT(D(nb) + 90 * 86400),
	                                             PW_TEST_TEXT(order), PW_TEST_TEXT(subscriber),
	                                             PW_TEST_END}),
	    1);
	assert_int_equal(pw_test_sql_run(b->t, "store",
	                                 "INSERT INTO validation (cert_id, name, method, at)"
	                                 " VALUES (?, ?, ?, ?)",
	                                 (struct pw_test_param[]){PW_TEST_INT(id), PW_TEST_TEXT(name),
	                                                          PW_TEST_TEXT(method), PW_TEST_INT(D(va)),
	                                                          PW_TEST_END}),
	                 1);
}

struct seen {
	unsigned kinds[16];
	int n;
};

static int seen_cb(void *ctx, const struct pw_store_policy_hit *h)
{
	struct seen *s = ctx;
	assert_true(h->sha256[31] < 16);
	s->kinds[h->sha256[31]] = h->kinds;
	s->n++;
	return 1;
}

static void test_check(void **state)
{
	(void)state;
	struct base b;
	struct pw_policy_disclosure d;
	struct pw_policy_report r;
	struct pw_error e;
	struct seen sn;
	base_open(&b);
	add(&b, 1, "2021-05-02", "3.2.2.4.19", "2021-05-01"); /* not disclosed until 2022 */
	add(&b, 2, "2022-05-02", "3.2.2.4.19", "2022-05-01"); /* disclosed */
	add(&b, 3, "2021-05-02", "3.2.2.4.7", "2021-05-01");  /* disclosed */
	add(&b, 4, "2021-05-02", "3.2.2.4.6", "2021-05-01");  /* disclosed but BR-retired 2020-06-03 */
	add(&b, 5, "2020-03-03", "3.2.2.4.19", "2020-03-02"); /* the day before SC025: undefined */
	add(&b, 6, "2019-05-01", "3.2.2.4.9", "2019-01-10");  /* issued after .9's sunset */
	add(&b, 7, "2021-12-31", "3.2.2.4.19", "2021-12-31"); /* last second before the window */
	add(&b, 8, "2019-05-01", "3.2.2.4.99", "2019-01-10"); /* a number the BR never defined */
	assert_int_equal(parse("{\"cps_version\":\"7\",\"dcv_methods\":["
	                       "{\"section\":\"3.2.2.4.7\",\"from\":\"2018-01-01\"},"
	                       "{\"section\":\"3.2.2.4.6\",\"from\":\"2018-01-01\"},"
	                       "{\"section\":\"3.2.2.4.9\",\"from\":\"2018-01-01\"},"
	                       "{\"section\":\"3.2.2.4.19\",\"from\":\"2020-01-01\",\"until\":\"2021-01-01\"},"
	                       "{\"section\":\"3.2.2.4.19\",\"from\":\"2022-01-01\"}],"
	                       "\"profiles\":[\"ov\"]}",
	                       &d, &e),
	                 PW_OK);
	struct pw_policy_check_opts o = {.at = D("2026-01-01"), .count_methods = 1};
	assert_int_equal(pw_policy_check(b.s, &d, &o, &r, &e), PW_OK);
	memset(&sn, 0, sizeof sn);
	assert_int_equal(pw_policy_affected(b.s, seen_cb, &sn, &e), PW_OK);
	assert_int_equal(sn.n, 6);
	assert_int_equal(r.certificates, 6);
	assert_int_equal(sn.kinds[1], PW_POLICY_NOT_DISCLOSED);
	assert_int_equal(sn.kinds[2], 0);
	assert_int_equal(sn.kinds[3], 0);
	assert_int_equal(sn.kinds[4], PW_POLICY_BR_RETIRED);
	assert_int_equal(sn.kinds[5], PW_POLICY_BR_UNDEFINED);
	assert_int_equal(sn.kinds[6], PW_POLICY_BR_REUSED);
	assert_int_equal(sn.kinds[7], PW_POLICY_NOT_DISCLOSED);
	assert_int_equal(sn.kinds[8], PW_POLICY_BR_UNDEFINED | PW_POLICY_NOT_DISCLOSED);
	/* Every window cites its rule. */
	for (size_t i = 0; i < r.n_windows; i++) {
		assert_true(r.windows[i].validations > 0);
		if ((r.windows[i].kinds & PW_POLICY_BR_RETIRED) && strstr(r.windows[i].cite, "SC025") == NULL)
			fail_msg("retired window without citation: %s", r.windows[i].cite);
	}
	/* Profile "dv" was issued but only "ov" is disclosed. */
	assert_int_equal(r.n_profiles, 1);
	assert_string_equal(r.profiles[0].name, "dv");
	assert_int_equal(r.profiles[0].certificates, 8);
	assert_true(r.profiles[0].never_disclosed);
	pw_policy_report_cleanup(&r);

	/* --at before the window closes: validations after it are not judged. */
	o.at = D("2021-05-01");
	assert_int_equal(pw_policy_check(b.s, &d, &o, &r, &e), PW_OK);
	memset(&sn, 0, sizeof sn);
	assert_int_equal(pw_policy_affected(b.s, seen_cb, &sn, &e), PW_OK);
	assert_int_equal(sn.kinds[1], 0);
	assert_int_equal(sn.kinds[5], PW_POLICY_BR_UNDEFINED);
	pw_policy_report_cleanup(&r);
	pw_policy_disclosure_cleanup(&d);
	base_close(&b);
}

/* ---- plans ---- */

static int republished;

static enum pw_status hook(void *ctx, int final, uint64_t done, uint64_t total, char *note,
                           size_t note_len, struct pw_error *err)
{
	(void)ctx;
	(void)done;
	(void)total;
	(void)err;
	republished++;
	snprintf(note, note_len, "%s", final ? "final" : "batch");
	return PW_OK;
}

struct kinds {
	int created, started, batch, finished, revocation;
};

static int ev_cb(void *ctx, const struct pw_store_event *e)
{
	struct kinds *k = ctx;
	if (strcmp(e->kind, "revoke_plan.created") == 0)
		k->created++;
	else if (strcmp(e->kind, "revoke_plan.started") == 0)
		k->started++;
	else if (strcmp(e->kind, "revoke_plan.batch") == 0)
		k->batch++;
	else if (strcmp(e->kind, "revoke_plan.finished") == 0)
		k->finished++;
	else if (strcmp(e->kind, "revocation") == 0)
		k->revocation++;
	return 1;
}

static void test_plan(void **state)
{
	(void)state;
	struct base b;
	struct pw_error e;
	uint8_t items[5 * 32];
	base_open(&b);
	for (int i = 1; i <= 5; i++) {
		add(&b, i, "2026-01-01", "3.2.2.4.19", "2025-12-31");
		memset(items + 32 * (i - 1), 0, 31);
		items[32 * (i - 1) + 31] = (uint8_t)i;
	}
	struct pw_revoke_plan_spec sp = {.sha256s = items, .n = 5, .source = "test", .has_reason = 1,
	                                 .reason = PW_REVOKE_SUPERSEDED, .batch = 2,
	                                 .aware_at = D("2026-01-02"), .now = D("2026-01-02")};
	int64_t id = 0;
	assert_int_equal(pw_revoke_plan_create(b.s, &sp, &id, &e), PW_OK);
	assert_true(id > 0);
	struct pw_store_revoke_plan p;
	char buf[4096];
	assert_int_equal(pw_store_revoke_plan_get(b.s, id, &p, buf, sizeof buf, &e), PW_OK);
	assert_int_equal(p.total, 5);
	assert_int_equal(p.deadline, D("2026-01-07")); /* BR 4.9.1.1: 5 days */
	assert_non_null(strstr(p.deadline_rule, "4.9.1.1"));
	/* A CRLReason BR 7.2.2 refuses is refused. */
	struct pw_revoke_plan_spec bad = sp;
	bad.reason = 2; /* cACompromise */
	int64_t id2 = 0;
	assert_int_equal(pw_revoke_plan_create(b.s, &bad, &id2, &e), PW_ERR_USAGE);

	republished = 0;
	struct pw_revoke_plan_exec x = {.plan_id = id, .republish = hook,
	                                .republish_interval_ms = -1, .now = D("2026-01-03")};
	struct pw_revoke_plan_result res;
	assert_int_equal(pw_revoke_plan_execute(b.s, &x, &res, &e), PW_OK);
	assert_int_equal(res.bulk.revoked, 5);
	assert_int_equal(res.republications, 4); /* 3 batches + the end */
	assert_false(res.late);
	struct kinds k = {0};
	assert_int_equal(pw_events_list(b.s, NULL, ev_cb, &k, &e), PW_OK);
	assert_int_equal(k.created, 1);
	assert_int_equal(k.started, 1);
	assert_int_equal(k.batch, 3);
	assert_int_equal(k.finished, 1);
	assert_int_equal(k.revocation, 5);
	/* Again: nothing is revoked or recorded twice. */
	assert_int_equal(pw_revoke_plan_execute(b.s, &x, &res, &e), PW_OK);
	assert_true(res.bulk.was_finished);
	assert_int_equal(res.bulk.revoked, 0);
	struct kinds k2 = {0};
	assert_int_equal(pw_events_list(b.s, NULL, ev_cb, &k2, &e), PW_OK);
	assert_memory_equal(&k, &k2, sizeof k);
	struct pw_events_verify_result vr;
	assert_int_equal(pw_events_verify(b.s, &vr, &e), PW_OK);
	assert_int_equal(vr.broken, PW_EVENTS_INTACT);
	/* Unknown plan. */
	x.plan_id = 999;
	assert_int_equal(pw_revoke_plan_execute(b.s, &x, &res, &e), PW_ERR_NOTFOUND);
	base_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_br_table),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_disclosure_good),
		cmocka_unit_test(test_disclosure_bad),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
