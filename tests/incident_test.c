/* incident/ unit tests: IRG v3.2 deadline arithmetic, whiteboard tag
 * validation, render refusal lists, timeline ordering, the live query, and
 * the rendered headings / table columns / appendix columns compared with the
 * IRG template text parsed from /work/shared/reference (never a copy). */
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
#include "pkiward/incident.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"
#include "test_store.h"

#define HOUR 3600
#define DAY 86400
#define IRG_PATH PW_CORPUS_DIR "/../reference/ccadb-incident-reporting-3.2.md"

/* ---- Deadlines (pure) ---- */

static const struct pw_incident_deadline *find_dl(const struct pw_incident_deadline *d, size_t n,
                                                  enum pw_incident_deadline_kind k)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == k)
			return &d[i];
	return NULL;
}

static void test_deadlines_first_and_full(void **state)
{
	(void)state;
	struct pw_incident inc;
	struct pw_incident_deadline d[16];
	size_t n;
	const int64_t aware = 1790000000;
	memset(&inc, 0, sizeof inc);
	inc.aware_at = aware;

	/* Nothing posted: 72 h from awareness; the full report 14 d after the
	 * latest allowed first disclosure. */
	pw_incident_deadlines(&inc, aware + HOUR, d, 16, &n);
	const struct pw_incident_deadline *f = find_dl(d, n, PW_INCIDENT_DL_FIRST_REPORT);
	const struct pw_incident_deadline *g = find_dl(d, n, PW_INCIDENT_DL_FULL_REPORT);
	assert_non_null(f);
	assert_non_null(g);
	assert_int_equal(f->due, aware + 72 * HOUR);
	assert_int_equal(f->met_at, 0);
	assert_false(f->overdue);
	assert_int_equal(g->due, aware + 72 * HOUR + 14 * DAY);
	assert_null(find_dl(d, n, PW_INCIDENT_DL_NEXT_UPDATE)); /* nothing posted yet */

	/* 73 h later without a report: overdue. */
	pw_incident_deadlines(&inc, aware + 73 * HOUR, d, 16, &n);
	assert_true(find_dl(d, n, PW_INCIDENT_DL_FIRST_REPORT)->overdue);

	/* Preliminary posted at +50 h: first met; full due 14 d after it; an
	 * update owed 7 days after it. */
	struct pw_incident_post posts[3] = {{1, PW_INCIDENT_PRELIMINARY, aware + 50 * HOUR}};
	inc.posts = posts;
	inc.n_posts = 1;
	pw_incident_deadlines(&inc, aware + 60 * HOUR, d, 16, &n);
	f = find_dl(d, n, PW_INCIDENT_DL_FIRST_REPORT);
	assert_int_equal(f->met_at, aware + 50 * HOUR);
	assert_false(f->overdue);
	g = find_dl(d, n, PW_INCIDENT_DL_FULL_REPORT);
	assert_int_equal(g->due, aware + 50 * HOUR + 14 * DAY);
	assert_int_equal(g->met_at, 0);
	const struct pw_incident_deadline *u = find_dl(d, n, PW_INCIDENT_DL_NEXT_UPDATE);
	assert_non_null(u);
	assert_int_equal(u->due, aware + 50 * HOUR + 7 * DAY);

	/* A "Next update" date replaces the 7-day rule. */
	inc.next_update_at = aware + 20 * DAY;
	pw_incident_deadlines(&inc, aware + 60 * HOUR, d, 16, &n);
	assert_int_equal(find_dl(d, n, PW_INCIDENT_DL_NEXT_UPDATE)->due, aware + 20 * DAY);

	/* A full report posted late (after 14 d): met, but overdue (late). */
	posts[1] = (struct pw_incident_post){2, PW_INCIDENT_FULL, aware + 50 * HOUR + 15 * DAY};
	inc.n_posts = 2;
	inc.next_update_at = 0;
	pw_incident_deadlines(&inc, aware + 30 * DAY, d, 16, &n);
	g = find_dl(d, n, PW_INCIDENT_DL_FULL_REPORT);
	assert_int_equal(g->met_at, aware + 50 * HOUR + 15 * DAY);
	assert_true(g->overdue);
	/* The next update counts from the latest post. */
	assert_int_equal(find_dl(d, n, PW_INCIDENT_DL_NEXT_UPDATE)->due,
	                 aware + 50 * HOUR + 15 * DAY + 7 * DAY);
}

static void test_deadlines_actions_delay_questions(void **state)
{
	(void)state;
	struct pw_incident inc;
	struct pw_incident_deadline d[16];
	size_t n;
	const int64_t t0 = 1790000000;
	char *tags[] = {"[leaf-revocation-delay]"};
	struct pw_incident_post posts[] = {{1, PW_INCIDENT_FULL, t0 + DAY}};
	struct pw_incident_action acts[2];
	struct pw_incident_question qs[2];
	memset(&inc, 0, sizeof inc);
	memset(acts, 0, sizeof acts);
	memset(qs, 0, sizeof qs);
	inc.aware_at = t0;
	inc.posts = posts;
	inc.n_posts = 1;
	inc.tags = tags;
	inc.n_tags = 1;

	/* revocation-delay: SHOULD every 3 days, MUST every 7. */
	pw_incident_deadlines(&inc, t0 + 2 * DAY, d, 16, &n);
	const struct pw_incident_deadline *r = find_dl(d, n, PW_INCIDENT_DL_DELAY_UPDATE);
	assert_non_null(r);
	assert_int_equal(r->soft_due, t0 + DAY + 3 * DAY);
	assert_int_equal(r->due, t0 + DAY + 7 * DAY);
	pw_incident_deadlines(&inc, t0 + 9 * DAY, d, 16, &n);
	assert_true(find_dl(d, n, PW_INCIDENT_DL_DELAY_UPDATE)->overdue);

	/* An action item changed at +2 d: an update within 3 days. Added-only
	 * items (updated_at == at) owe nothing. */
	acts[0] = (struct pw_incident_action){.seq = 1, .at = t0 + DAY, .updated_at = t0 + DAY};
	acts[1] = (struct pw_incident_action){.seq = 2, .at = t0 + DAY, .updated_at = t0 + 2 * DAY};
	inc.actions = acts;
	inc.n_actions = 1;
	pw_incident_deadlines(&inc, t0 + 2 * DAY, d, 16, &n);
	assert_null(find_dl(d, n, PW_INCIDENT_DL_ACTION_UPDATE));
	inc.n_actions = 2;
	pw_incident_deadlines(&inc, t0 + 6 * DAY, d, 16, &n);
	const struct pw_incident_deadline *a = find_dl(d, n, PW_INCIDENT_DL_ACTION_UPDATE);
	assert_non_null(a);
	assert_int_equal(a->due, t0 + 5 * DAY);
	assert_true(a->overdue);
	assert_non_null(strstr(a->what, "#2"));
	/* An update posted after the change meets it. */
	struct pw_incident_post p2[] = {{1, PW_INCIDENT_FULL, t0 + DAY},
	                                {2, PW_INCIDENT_UPDATE, t0 + 3 * DAY}};
	inc.posts = p2;
	inc.n_posts = 2;
	pw_incident_deadlines(&inc, t0 + 6 * DAY, d, 16, &n);
	a = find_dl(d, n, PW_INCIDENT_DL_ACTION_UPDATE);
	assert_int_equal(a->met_at, t0 + 3 * DAY);
	assert_false(a->overdue);

	/* Questions: 7 days each; after closure only unanswered ones remain. */
	qs[0] = (struct pw_incident_question){.seq = 1, .asked_at = t0, .answered_at = t0 + DAY};
	qs[1] = (struct pw_incident_question){.seq = 2, .asked_at = t0 + 2 * DAY};
	inc.questions = qs;
	inc.n_questions = 2;
	pw_incident_deadlines(&inc, t0 + 10 * DAY, d, 16, &n);
	size_t replies = 0, overdue = 0;
	for (size_t i = 0; i < n; i++)
		if (d[i].kind == PW_INCIDENT_DL_REPLY) {
			replies++;
			overdue += d[i].overdue;
		}
	assert_int_equal(replies, 2);
	assert_int_equal(overdue, 1); /* #2: asked +2 d, due +9 d, now +10 d */
	inc.closed_at = t0 + 9 * DAY;
	pw_incident_deadlines(&inc, t0 + 10 * DAY, d, 16, &n);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].kind, PW_INCIDENT_DL_REPLY);
	assert_int_equal(d[0].due, t0 + 9 * DAY);

	/* cap is honoured */
	inc.closed_at = 0;
	pw_incident_deadlines(&inc, t0, d, 2, &n);
	assert_int_equal(n, 2);
}

/* ---- Tags ---- */

static void test_tags(void **state)
{
	(void)state;
	char out[PW_INCIDENT_TAG_MAX];
	struct pw_error err;
	assert_int_equal(pw_incident_tag_parse("dv-misissuance", out, &err), PW_OK);
	assert_string_equal(out, "[dv-misissuance]");
	assert_int_equal(pw_incident_tag_parse("[leaf-revocation-delay]", out, &err), PW_OK);
	assert_string_equal(out, "[leaf-revocation-delay]");
	const char *must[] = {"ov-misissuance", "ev-misissuance", "audit-failure", "audit-delay",
	                      "policy-failure", "disclosure-failure", "crl-failure", "ocsp-failure"};
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
		assert_int_equal(pw_incident_tag_parse(must[i], out, &err), PW_OK);
	const char *bad[] = {"", "dv", "DV-MISISSUANCE", "[dv-misissuance", "dv-misissuance]",
	                     "[[dv-misissuance]]", "revocation-delay",
	                     "a-very-long-tag-that-is-longer-than-the-buffer-allows-for-sure"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(pw_incident_tag_parse(bad[i], out, &err), PW_ERR_USAGE);
		assert_string_equal(err.field, "tag");
	}
	assert_non_null(strstr(err.msg, "unknown whiteboard tag"));
	const char *t1[] = {"[dv-misissuance]", "[leaf-revocation-delay]"};
	assert_true(pw_incident_tags_revocation_delay(t1, 2));
	assert_false(pw_incident_tags_revocation_delay(t1, 1));
}

/* ---- Store fixture ---- */

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	struct pw_store *s;
	int64_t now;
	EVP_PKEY *ca_key, *key;
	X509 *ca;
	uint8_t certs[4][32];
};

static X509 *make(const char *cn, const char *dns, long serial, int64_t nb, int64_t na,
                  EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
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
	                                        issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (dns != NULL) {
		char san[128];
		snprintf(san, sizeof san, "DNS:%s", dns);
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

static void put(struct pw_store *s, X509 *x, uint8_t sha[32], const char *profile)
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
	if (profile != NULL) {
		struct pw_store_metadata m;
		pw_store_metadata_init(&m);
		memcpy(m.sha256, sha, 32);
		m.profile = (char *)profile;
		assert_int_equal(pw_store_apply_metadata(s, &m, &err), PW_OK);
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = pw_test_store_new("incident_test");
	f->s = pw_test_store_open(f->t, "store", PW_STORE_CREATE);
	f->now = (int64_t)time(NULL);
	f->ca_key = EVP_EC_gen("P-256");
	f->key = EVP_EC_gen("P-256");
	f->ca = make("Test CA", NULL, 1, f->now - 400 * DAY, f->now + 400 * DAY, f->ca_key, NULL, NULL);
	uint8_t ca_sha[32];
	put(f->s, f->ca, ca_sha, NULL);
	/* Three valid leaves under example.com (dv, dv, ov) and one expired. */
	const char *names[] = {"a.example.com", "b.example.com", "c.example.com", "old.example.com"};
	const char *profiles[] = {"dv", "dv", "ov", "ev"};
	for (int i = 0; i < 4; i++) {
		int64_t na = i == 3 ? f->now - DAY : f->now + 90 * DAY;
		X509 *x = make(names[i], names[i], 100 + i, f->now - 100 * DAY, na, f->key, f->ca,
		               f->ca_key);
		put(f->s, x, f->certs[i], profiles[i]);
		X509_free(x);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pw_store_close(f->s);
	X509_free(f->ca);
	EVP_PKEY_free(f->ca_key);
	EVP_PKEY_free(f->key);
	pw_test_store_free(f->t);
	free(f);
	return 0;
}

static int64_t new_incident(struct fx *f, const char *tag)
{
	struct pw_error err;
	struct pw_incident_ctx c = {.actor = "test", .now = f->now};
	int64_t id = 0;
	const char *tags[] = {tag};
	assert_int_equal(pw_incident_new(f->s, "Test CA: wrong thing", tags, tag ? 1 : 0, &c, &id,
	                                 &err),
	                 PW_OK);
	assert_true(id > 0);
	return id;
}

static struct pw_incident *load(struct fx *f, int64_t id)
{
	struct pw_incident *inc = NULL;
	struct pw_error err;
	assert_int_equal(pw_incident_load(f->s, id, &inc, &err), PW_OK);
	return inc;
}

static int has_missing(const struct pw_incident_missing *m, const char *a, const char *b)
{
	for (size_t i = 0; i < m->n; i++)
		if (strstr(m->v[i], a) != NULL && (b == NULL || strstr(m->v[i], b) != NULL))
			return 1;
	return 0;
}

static uint64_t count_events(struct fx *f)
{
	int64_t head;
	uint8_t h[32];
	struct pw_error err;
	assert_int_equal(pw_store_event_head(f->s, &head, h, &err), PW_OK);
	return (uint64_t)head;
}

/* ---- Creation, bad input, events ---- */

static void test_new_bad_input(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	int64_t id = 0;
	uint64_t before = count_events(f);
	const char *tags[] = {"dv-misissuance", "no-such-tag"};
	/* One unknown tag: nothing is created, no event is written. */
	assert_int_equal(pw_incident_new(f->s, "T", tags, 2, &c, &id, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no-such-tag"));
	int64_t *ids = NULL;
	size_t n = 9;
	assert_int_equal(pw_incident_ids(f->s, &ids, &n, &err), PW_OK);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(count_events(f), before);
	assert_int_equal(pw_incident_new(f->s, "", NULL, 0, &c, &id, &err), PW_ERR_USAGE);

	id = new_incident(f, "dv-misissuance");
	assert_int_equal(count_events(f), before + 1);
	/* Unknown id, unknown field, bad constrained values, impossible times. */
	assert_int_equal(pw_incident_set_field(f->s, id + 5, "description", "x", &c, &err),
	                 PW_ERR_NOTFOUND);
	assert_int_equal(pw_incident_set_field(f->s, id, "colour", "x", &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_incident_set_field(f->s, id, "source", "Rumour", &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_incident_set_field(f->s, id, "ccadb-id", "A12", &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_incident_set_field(f->s, id, "ccadb-id", "A000123", &c, &err), PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_AWARE, f->now + DAY, 0, &c,
	                                      &err),
	                 PW_ERR_USAGE); /* a fact in the future */
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_AWARE, f->now - DAY, 0, &c,
	                                      &err),
	                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_START, f->now - HOUR, 0, &c,
	                                      &err),
	                 PW_ERR_USAGE); /* start after awareness */
	assert_non_null(strstr(err.msg, "awareness"));
	struct pw_incident *inc = load(f, id);
	assert_int_equal(inc->start_at, 0);
	assert_int_equal(inc->aware_at, f->now - DAY);
	assert_string_equal(pw_incident_get0_field(inc, "ccadb-id"), "A000123");
	assert_int_equal(inc->n_tags, 1);
	assert_string_equal(inc->tags[0], "[dv-misissuance]");
	pw_incident_free(inc);
	/* A filter without a condition would link the whole base. */
	struct pw_store_filter all;
	memset(&all, 0, sizeof all);
	assert_int_equal(pw_incident_link_query(f->s, id, &all, &c, NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_incident_link_event(f->s, id, 999999, &c, &err), PW_ERR_NOTFOUND);
	assert_int_equal(pw_incident_link_report(f->s, id, 77, &c, &err), PW_ERR_NOTFOUND);
	/* The chain still verifies. */
	struct pw_events_verify_result vr;
	assert_int_equal(pw_events_verify(f->s, &vr, &err), PW_OK);
	assert_int_equal(vr.broken, PW_EVENTS_INTACT);
}

/* ---- Live query and impact ---- */

static void test_live_query(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	int64_t id = new_incident(f, "dv-misissuance");
	struct pw_store_filter flt;
	uint64_t n = 0;
	memset(&flt, 0, sizeof flt);
	flt.domain = "example.com";
	flt.now = f->now;
	assert_int_equal(pw_incident_link_query(f->s, id, &flt, &c, &n, &err), PW_OK);
	assert_int_equal(n, 4);
	struct pw_incident *inc = load(f, id);
	assert_int_equal(inc->n_queries, 1);
	assert_int_equal(inc->queries[0].snapshot_count, 4);
	assert_string_equal(inc->queries[0].describe, "--domain example.com");
	struct pw_incident_impact im;
	assert_int_equal(pw_incident_impact(f->s, inc, f->now, &im, &err), PW_OK);
	assert_int_equal(im.total, 4);
	assert_int_equal(im.remaining_valid, 3);
	assert_int_equal(im.expired, 1);
	assert_int_equal(im.dv, 2);
	assert_int_equal(im.ov, 1);
	assert_int_equal(im.ev, 1);
	/* Revoke one: the stored filter re-runs, the counts follow. */
	struct pw_revoke_request rq = {.at = f->now, .actor = "test"};
	struct pw_revoke_result rr;
	assert_int_equal(pw_revoke_cert(f->s, f->certs[0], &rq, &rr, &err), PW_OK);
	assert_int_equal(pw_incident_impact(f->s, inc, f->now, &im, &err), PW_OK);
	assert_int_equal(im.total, 4);
	assert_int_equal(im.revoked, 1);
	assert_int_equal(im.remaining_valid, 2);
	/* A second query overlapping the first: certificates count once. */
	memset(&flt, 0, sizeof flt);
	flt.name = "c.example.com";
	assert_int_equal(pw_incident_link_query(f->s, id, &flt, &c, &n, &err), PW_OK);
	pw_incident_free(inc);
	inc = load(f, id);
	assert_int_equal(pw_incident_impact(f->s, inc, f->now, &im, &err), PW_OK);
	assert_int_equal(im.total, 4);
	/* Filter JSON round trip. */
	struct pw_store_filter back;
	void *owner = NULL;
	assert_int_equal(pw_incident_filter_from_json(inc->queries[1].filter_json, &back, &owner,
	                                              &err),
	                 PW_OK);
	assert_string_equal(back.name, "c.example.com");
	pw_incident_filter_release(owner);
	assert_int_equal(pw_incident_filter_from_json("{\"colour\":\"red\"}", &back, &owner, &err),
	                 PW_ERR_PARSE);
	assert_int_equal(pw_incident_filter_from_json("{\"sha256\":\"zz\"}", &back, &owner, &err),
	                 PW_ERR_PARSE);
	pw_incident_free(inc);
}

/* ---- Timeline ordering ---- */

static void test_timeline_order(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	int64_t id = new_incident(f, NULL), seq;
	/* Recorded out of order; rendered in time order. */
	assert_int_equal(pw_incident_add_note(f->s, id, f->now - 2 * DAY, "second", &c, &seq, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_AWARE, f->now - DAY, 0, &c,
	                                      &err),
	                 PW_OK);
	assert_int_equal(pw_incident_add_note(f->s, id, f->now - 5 * DAY, "first", &c, &seq, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_START, f->now - 3 * DAY, 0,
	                                      &c, &err),
	                 PW_OK);
	/* Two entries in the same second keep the order they were recorded in. */
	assert_int_equal(pw_incident_add_note(f->s, id, f->now - 2 * DAY, "second-b", &c, &seq, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_posted(f->s, id, PW_INCIDENT_PRELIMINARY, f->now - HOUR, &c, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_add_note(f->s, id, f->now + DAY, "future", &c, &seq, &err),
	                 PW_ERR_USAGE);
	struct pw_incident *inc = load(f, id);
	struct pw_incident_timeline tl;
	assert_int_equal(pw_incident_timeline(f->s, inc, f->now, &tl, &err), PW_OK);
	const char *want[] = {"first", "Incident began", "second", "second-b", "became aware",
	                      "Preliminary Incident Report disclosed"};
	assert_int_equal(tl.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < tl.n; i++) {
		assert_non_null(strstr(tl.v[i].text, want[i]));
		if (i > 0)
			assert_true(tl.v[i - 1].at <= tl.v[i].at);
	}
	pw_incident_timeline_cleanup(&tl);
	pw_incident_free(inc);
}

/* ---- Refusal lists ---- */

static void test_render_refusals(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	struct pw_incident_missing m = {0};
	struct pw_buf md;
	int64_t id = new_incident(f, "leaf-revocation-delay"), seq;
	struct pw_incident *inc = load(f, id);
	struct pw_incident_render_opts o = {.report = PW_INCIDENT_PRELIMINARY, .now = f->now};

	pw_buf_init(&md);
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_ERR_USAGE);
	assert_int_equal(m.n, 3);
	assert_true(has_missing(&m, "Incident description", "--description"));
	assert_true(has_missing(&m, "Relevant policies", NULL));
	assert_true(has_missing(&m, "Source of incident disclosure", NULL));
	assert_int_equal(md.len, 0); /* nothing rendered */
	pw_incident_missing_cleanup(&m);
	pw_incident_free(inc);

	/* N/A is a value; the preliminary then renders. */
	assert_int_equal(pw_incident_set_field(f->s, id, "description", "d", &c, &err), PW_OK);
	assert_int_equal(pw_incident_set_field(f->s, id, "policies", "N/A", &c, &err), PW_OK);
	assert_int_equal(pw_incident_set_field(f->s, id, "source", "Audit", &c, &err), PW_OK);
	inc = load(f, id);
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_OK);
	assert_int_equal(m.n, 0);
	assert_non_null(strstr((char *)md.data, "- **Relevant policies:** N/A\n"));
	pw_buf_cleanup(&md);
	pw_incident_free(inc);

	/* Full: a didn't-go-well lesson and a root cause without action items;
	 * revocation-delay needs Analysis and a revocation plan. */
	struct pw_incident_root_cause rc = {.title = "t", .description = "d", .timeline = "tl",
	                                    .detection = "de", .interaction = "in"};
	assert_int_equal(pw_incident_add_root_cause(f->s, id, &rc, &c, &seq, &err), PW_OK);
	assert_int_equal(pw_incident_add_lesson(f->s, id, PW_INCIDENT_WENT_WRONG, "no lint", &c, &seq,
	                                        &err),
	                 PW_OK);
	assert_int_equal(seq, 1);
	inc = load(f, id);
	o.report = PW_INCIDENT_FULL;
	pw_buf_init(&md);
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_ERR_USAGE);
	assert_true(has_missing(&m, "CA Owner CCADB unique ID", NULL));
	assert_true(has_missing(&m, "Non-compliance start date", NULL));
	assert_true(has_missing(&m, "Analysis is required for a revocation-delay", NULL));
	assert_true(has_missing(&m, "revocation is expected to complete", NULL));
	assert_true(has_missing(&m, "no action item answers lesson #1", "no lint"));
	assert_true(has_missing(&m, "no action item answers Contributing Factor #1", NULL));
	assert_true(has_missing(&m, "What went well is empty", NULL));
	assert_false(has_missing(&m, "What didn\u2019t go well is empty", NULL));
	pw_incident_missing_cleanup(&m);
	pw_incident_free(inc);

	/* An action naming an unknown root cause is refused; a correct one
	 * clears both mapping complaints. */
	struct pw_incident_action a = {.description = "lint", .kind = PW_INCIDENT_PREVENT,
	                               .root_causes = {7}, .n_root_causes = 1, .criteria = "c",
	                               .due = f->now + 30 * DAY};
	assert_int_equal(pw_incident_put_action(f->s, id, 0, &a, &c, &seq, &err), PW_ERR_NOTFOUND);
	a.root_causes[0] = 1;
	a.lessons[0] = 1;
	a.n_lessons = 1;
	assert_int_equal(pw_incident_put_action(f->s, id, 0, &a, &c, &seq, &err), PW_OK);
	inc = load(f, id);
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_ERR_USAGE);
	assert_false(has_missing(&m, "no action item answers", NULL));
	pw_incident_missing_cleanup(&m);
	pw_incident_free(inc);

	/* Closure: every action item must be Complete. */
	inc = load(f, id);
	o.report = PW_INCIDENT_CLOSURE;
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_ERR_USAGE);
	assert_true(has_missing(&m, "#1 is Ongoing", NULL));
	assert_true(has_missing(&m, "Remediation description", NULL));
	pw_incident_missing_cleanup(&m);
	pw_incident_free(inc);
	pw_buf_cleanup(&md);
}

/* ---- Rendered layout vs the IRG reference text ---- */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	b[n] = '\0';
	fclose(fp);
	return b;
}

/* The ```markdown block that follows the heading `heading` in the IRG text
 * (malloc'd). */
static char *template_block(const char *irg, const char *heading)
{
	const char *h = strstr(irg, heading);
	assert_non_null(h);
	const char *start = strstr(h, "```markdown\n");
	assert_non_null(start);
	start += strlen("```markdown\n");
	const char *end = strstr(start, "\n```");
	assert_non_null(end);
	return strndup(start, (size_t)(end - start));
}

/* The structural lines of a template block: headings ("#..."), bold labels
 * ("- **Label:**", "**Contributing Factor"), table header rows. Each is cut
 * to its label part; returns how many were written to out. */
static size_t structure(const char *text, char out[][160], size_t cap)
{
	size_t n = 0;
	const char *p = text;
	while (*p && n < cap) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
		char *t = line;
		while (*t == ' ')
			t++;
		if (t[0] == '#') {
			snprintf(out[n++], 160, "%.159s", t);
		} else if (strncmp(t, "- **", 4) == 0) {
			char *e = strstr(t + 4, ":**");
			if (e != NULL)
				snprintf(out[n++], 160, "%.*s", (int)(e + 3 - t), t);
		}
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

/* Splits a Markdown table header row into trimmed cells. */
static size_t cells(const char *row, char out[][80], size_t cap)
{
	size_t n = 0;
	const char *eol = strchr(row, '\n');
	const char *p = strchr(row, '|');
	while (p != NULL && n < cap) {
		const char *q = strchr(p + 1, '|');
		if (q == NULL || (eol != NULL && q > eol))
			break;
		const char *s = p + 1, *e = q;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		snprintf(out[n++], 80, "%.*s", (int)(e - s), s);
		p = q;
	}
	return n;
}

/* The first table header row after `after` in text. */
static const char *header_row(const char *text, const char *after)
{
	const char *p = strstr(text, after);
	assert_non_null(p);
	p = strstr(p, "\n|");
	assert_non_null(p);
	return p + 1;
}

/* Every structural line of the template appears in the render, in order. */
static void assert_same_structure(const char *tmpl, const char *render)
{
	char want[64][160], got[256][160];
	size_t nw = structure(tmpl, want, 64), ng = structure(render, got, 256);
	assert_true(nw >= 3);
	size_t j = 0;
	for (size_t i = 0; i < nw; i++) {
		while (j < ng && strcmp(got[j], want[i]) != 0)
			j++;
		if (j == ng)
			fail_msg("template line '%s' missing (or out of order) in the render", want[i]);
		j++;
	}
}

static void assert_same_columns(const char *tmpl, const char *render, const char *after)
{
	char a[16][80], b[16][80];
	size_t na = cells(header_row(tmpl, after), a, 16);
	size_t nb = cells(header_row(render, after), b, 16);
	assert_true(na >= 3);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void fill_full(struct fx *f, int64_t id)
{
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	int64_t seq;
	const char *fields[][2] = {{"ccadb-id", "A000123"},    {"description", "desc"},
	                           {"policies", "BR 7.1.2"},   {"source", "Self Reported"},
	                           {"heuristic", "N/A"},       {"issuance-stopped", "No."},
	                           {"analysis", "N/A"},        {"closure-description", "x"},
	                           {"closure-root-causes", "y"}, {"remediation", "z"},
	                           {"commitments", "N/A"}};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		assert_int_equal(pw_incident_set_field(f->s, id, fields[i][0], fields[i][1], &c, &err),
		                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_START, f->now - 5 * DAY, 0,
	                                      &c, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_AWARE, f->now - 2 * DAY, 0,
	                                      &c, &err),
	                 PW_OK);
	assert_int_equal(pw_incident_set_time(f->s, id, PW_STORE_INCIDENT_END, f->now - DAY, 0, &c,
	                                      &err),
	                 PW_OK);
	struct pw_incident_related r = {.bug = "1900129",
	                                .url = "https://bugzilla.mozilla.org/show_bug.cgi?id=1900129",
	                                .date = "2024-06-01", .description = "similar"};
	assert_int_equal(pw_incident_add_related(f->s, id, &r, &c, &seq, &err), PW_OK);
	struct pw_incident_root_cause rc = {.title = "t", .description = "d", .timeline = "tl",
	                                    .detection = "de", .interaction = "in"};
	assert_int_equal(pw_incident_add_root_cause(f->s, id, &rc, &c, &seq, &err), PW_OK);
	for (int k = 0; k < PW_INCIDENT_LESSON_COUNT_; k++)
		assert_int_equal(pw_incident_add_lesson(f->s, id, (enum pw_incident_lesson_kind)k,
		                                        k == PW_INCIDENT_WENT_WRONG ? "gap" : "N/A", &c,
		                                        &seq, &err),
		                 PW_OK);
	struct pw_incident_action a = {.description = "fix", .kind = PW_INCIDENT_DETECT,
	                               .root_causes = {1}, .n_root_causes = 1, .lessons = {2},
	                               .n_lessons = 1, .criteria = "c", .due = f->now + DAY,
	                               .status = PW_INCIDENT_COMPLETE};
	assert_int_equal(pw_incident_put_action(f->s, id, 0, &a, &c, &seq, &err), PW_OK);
	struct pw_store_filter flt;
	memset(&flt, 0, sizeof flt);
	flt.domain = "example.com";
	assert_int_equal(pw_incident_link_query(f->s, id, &flt, &c, NULL, &err), PW_OK);
}

static void test_render_matches_irg(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_missing m = {0};
	char *irg = slurp(IRG_PATH);
	int64_t id = new_incident(f, "ov-misissuance");
	fill_full(f, id);
	struct pw_incident *inc = load(f, id);
	struct {
		enum pw_incident_report r;
		const char *heading;
	} reps[] = {{PW_INCIDENT_PRELIMINARY, "#### Preliminary Incident Report"},
	            {PW_INCIDENT_FULL, "#### Full Incident Report"},
	            {PW_INCIDENT_CLOSURE, "#### Closure Report"}};
	for (size_t i = 0; i < 3; i++) {
		struct pw_buf md, app;
		pw_buf_init(&md);
		pw_buf_init(&app);
		struct pw_incident_render_opts o = {.report = reps[i].r, .now = f->now,
		                                    .appendix = reps[i].r == PW_INCIDENT_FULL ? &app : NULL,
		                                    .appendix_name = "certs.csv"};
		enum pw_status st = pw_incident_render(f->s, inc, &o, &md, &m, &err);
		for (size_t k = 0; k < m.n; k++)
			print_message("missing: %s\n", m.v[k]);
		assert_int_equal(st, PW_OK);
		uint8_t *text = pw_buf_finish(&md, NULL);
		char *tmpl = template_block(irg, reps[i].heading);
		assert_same_structure(tmpl, (char *)text);
		if (reps[i].r == PW_INCIDENT_FULL) {
			assert_same_columns(tmpl, (char *)text, "### Related Incidents");
			assert_same_columns(tmpl, (char *)text, "### Action Items");
			/* Impact counts from the store: 4 linked, 1 expired. */
			assert_non_null(strstr((char *)text, "- **Total number of certificates:** 4\n"));
			assert_non_null(strstr((char *)text,
			                       "- **Total number of \"remaining valid\" certificates:** 3\n"));
			assert_non_null(strstr((char *)text, "DV (2), OV (1) and EV (1)"));
			/* Timeline at minute granularity in UTC. */
			assert_non_null(strstr((char *)text, " UTC** \u2014 Incident began"));
			/* Appendix CSV: IRG's field table, in order, is the header. */
			uint8_t *csv = pw_buf_finish(&app, NULL);
			const char *ap = strstr(irg, "MUST attach a comma separated listing");
			assert_non_null(ap);
			const char *row = header_row(ap, "listing");
			row = strchr(row, '\n') + 1; /* skip | Field | Description | */
			row = strchr(row, '\n') + 1; /* and its rule */
			char col[64];
			size_t off = 0;
			for (int k = 0; strncmp(row, "| **", 4) == 0; k++) {
				const char *e = strstr(row + 4, "**");
				snprintf(col, sizeof col, "%.*s", (int)(e - row - 4), row + 4);
				size_t cl = strlen(col);
				assert_memory_equal((char *)csv + off, col, cl);
				off += cl;
				assert_true(csv[off] == ',' || (csv[off] == '\n' && k == 10));
				off++;
				row = strchr(row, '\n') + 1;
			}
			assert_int_equal(csv[off - 1], '\n');
			/* 4 data rows, the revoked/expired states as IRG spells them. */
			size_t lines = 0;
			for (uint8_t *q = csv; *q; q++)
				lines += *q == '\n';
			assert_int_equal(lines, 5);
			assert_non_null(strstr((char *)csv, ",N/A,N/A,N/A\n")); /* the expired one */
			assert_non_null(strstr((char *)csv, ",Planned,N/A,N/A\n"));
			free(csv);
		}
		free(tmpl);
		free(text);
		pw_buf_cleanup(&app);
		pw_incident_missing_cleanup(&m);
	}
	pw_incident_free(inc);
	free(irg);
}

/* IRG Appendix: at 10,000 certificates or more, one crt.sh link per line;
 * without a file to put it in, the render is refused. */
static void test_appendix_crtsh(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct pw_incident_ctx c = {.now = f->now};
	struct pw_incident_missing m = {0};
	int64_t id = new_incident(f, "dv-misissuance");
	fill_full(f, id);
	/* One signed certificate, its serial then rewritten in place: the store
	 * does not verify signatures, and signing 10,000 certificates would
	 * dominate the test's time. */
	X509 *x = make("bulk.example.org", "bulk.example.org", 0x10000000L, f->now - DAY,
	               f->now + 30 * DAY, f->key, f->ca, f->ca_key);
	uint8_t *der = NULL;
	int dl = i2d_X509(x, &der);
	X509_free(x);
	assert_true(dl > 0);
	static const uint8_t serial_tlv[] = {0x02, 0x04, 0x10, 0x00, 0x00, 0x00};
	uint8_t *sp = NULL;
	for (int i = 0; i + (int)sizeof serial_tlv <= dl && sp == NULL; i++)
		if (memcmp(der + i, serial_tlv, sizeof serial_tlv) == 0)
			sp = der + i + 2;
	assert_non_null(sp);
	assert_int_equal(pw_store_begin(f->s, &err), PW_OK);
	for (uint32_t i = 0; i < PW_INCIDENT_CRTSH_THRESHOLD; i++) {
		struct pw_cert pc;
		uint32_t v = 0x10000000u + i;
		sp[0] = (uint8_t)(v >> 24);
		sp[1] = (uint8_t)(v >> 16);
		sp[2] = (uint8_t)(v >> 8);
		sp[3] = (uint8_t)v;
		pw_cert_init(&pc);
		assert_int_equal(pw_cert_parse(&pc, der, (size_t)dl, &err), PW_OK);
		assert_int_equal(pw_store_put_cert(f->s, &pc, 1, NULL, &err), PW_OK);
		pw_cert_cleanup(&pc);
	}
	OPENSSL_free(der);
	assert_int_equal(pw_store_commit(f->s, &err), PW_OK);
	struct pw_store_filter flt;
	uint64_t n = 0;
	memset(&flt, 0, sizeof flt);
	flt.domain = "bulk.example.org";
	assert_int_equal(pw_incident_link_query(f->s, id, &flt, &c, &n, &err), PW_OK);
	assert_int_equal(n, PW_INCIDENT_CRTSH_THRESHOLD);
	struct pw_incident *inc = load(f, id);
	struct pw_buf md, app;
	pw_buf_init(&md);
	pw_buf_init(&app);
	struct pw_incident_render_opts o = {.report = PW_INCIDENT_FULL, .now = f->now};
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_ERR_USAGE);
	assert_true(has_missing(&m, "Appendix", "--appendix FILE"));
	pw_incident_missing_cleanup(&m);
	o.appendix = &app;
	o.appendix_name = "links.txt";
	assert_int_equal(pw_incident_render(f->s, inc, &o, &md, &m, &err), PW_OK);
	uint8_t *list = pw_buf_finish(&app, NULL);
	size_t lines = 0;
	for (const char *p = (const char *)list; *p;) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_int_equal(nl - p, (long)strlen("https://crt.sh/?sha256=") + 64);
		assert_memory_equal(p, "https://crt.sh/?sha256=", 23);
		lines++;
		p = nl + 1;
	}
	assert_int_equal(lines, PW_INCIDENT_CRTSH_THRESHOLD + 4);
	uint8_t *text = pw_buf_finish(&md, NULL);
	assert_non_null(strstr((char *)text, "Attached: `links.txt`, one https://crt.sh/?sha256= link"));
	assert_non_null(strstr((char *)text, "- **Total number of certificates:** 10004\n"));
	free(text);
	free(list);
	pw_incident_free(inc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadlines_first_and_full),
		cmocka_unit_test(test_deadlines_actions_delay_questions),
		cmocka_unit_test(test_tags),
		cmocka_unit_test_setup_teardown(test_new_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_matches_irg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appendix_crtsh, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
