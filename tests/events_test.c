/* Unit tests of events/: the hash chain, its documented encoding, the
 * verifier against every kind of tampering done through raw SQL (edit,
 * delete, reorder, truncate, rewrite), and transactions. */
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

#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/store.h"
#include "test_store.h"

struct fx {
	struct pw_test_store *t; /* SQLite, or PostgreSQL with PW_TEST_PG_URL */
	struct pw_store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->t = pw_test_store_new("events_test");
	f->s = pw_test_store_open(f->t, "store", PW_STORE_CREATE);
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

/* Runs raw SQL on the base through a second connection, as an attacker
 * with direct database access would. */
static void raw_sql(struct fx *f, const char *sql)
{
	pw_test_sql_exec(f->t, "store", sql);
}

/* Appends n events: subjects alternate between "cert:a" and "cert:b". */
static void append_n(struct fx *f, int n, int64_t ids[], uint8_t hashes[][32])
{
	struct pw_error err;
	for (int i = 0; i < n; i++) {
		char payload[64];
		snprintf(payload, sizeof payload, "{\"i\":%d}", i);
		int64_t id;
		uint8_t h[32];
		assert_int_equal(pw_events_append(f->s, 1700000000 + i, "test.step",
		                                  (i % 2) ? "cert:b" : "cert:a", "tester", payload, &id,
		                                  h, &err),
		                 PW_OK);
		if (ids)
			ids[i] = id;
		if (hashes)
			memcpy(hashes[i], h, 32);
	}
}

static void expect_break(struct fx *f, enum pw_events_break b, int64_t at_id)
{
	struct pw_events_verify_result r;
	struct pw_error err;
	assert_int_equal(pw_events_verify(f->s, &r, &err), PW_OK);
	if (r.broken != b)
		fail_msg("expected %s, got %s (%s)", pw_events_break_name(b),
		         pw_events_break_name(r.broken), r.detail);
	assert_int_equal(r.broken_id, at_id);
	if (b != PW_EVENTS_INTACT)
		assert_true(strlen(r.detail) > 0);
}

static void test_append_and_verify(void **state)
{
	struct fx *f = *state;
	struct pw_events_verify_result r;
	struct pw_error err;
	int64_t ids[5];
	uint8_t hashes[5][32];

	expect_break(f, PW_EVENTS_INTACT, 0); /* empty log */
	append_n(f, 5, ids, hashes);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ids[i], i + 1);
	assert_int_equal(pw_events_verify(f->s, &r, &err), PW_OK);
	assert_int_equal(r.broken, PW_EVENTS_INTACT);
	assert_int_equal(r.n_events, 5);
	assert_int_equal(r.last_id, 5);
	assert_memory_equal(r.last_hash, hashes[4], 32);
	int64_t head;
	uint8_t hh[32];
	assert_int_equal(pw_store_event_head(f->s, &head, hh, &err), PW_OK);
	assert_int_equal(head, 5);
	assert_memory_equal(hh, hashes[4], 32);
	/* Anchors: passing through a kept (id, hash) holds. */
	assert_int_equal(pw_events_verify_from(f->s, 3, hashes[2], &r, &err), PW_OK);
	assert_int_equal(r.broken, PW_EVENTS_INTACT);
}

struct collect {
	int n;
	int64_t ids[16];
	char payloads[16][32];
	int prev_ok;
};

static int collect_ev(void *ctx, const struct pw_store_event *e)
{
	struct collect *c = ctx;
	if (c->n < 16) {
		c->ids[c->n] = e->id;
		snprintf(c->payloads[c->n], sizeof c->payloads[c->n], "%s", e->payload ? e->payload : "");
		c->n++;
	}
	return 1;
}

static void test_list_by_subject(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	struct collect c = {0};
	append_n(f, 5, NULL, NULL);
	assert_int_equal(pw_events_list(f->s, "cert:b", collect_ev, &c, &err), PW_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ids[0], 2);
	assert_int_equal(c.ids[1], 4);
	assert_string_equal(c.payloads[0], "{\"i\":1}");
	memset(&c, 0, sizeof c);
	assert_int_equal(pw_events_list(f->s, NULL, collect_ev, &c, &err), PW_OK);
	assert_int_equal(c.n, 5);
	memset(&c, 0, sizeof c);
	assert_int_equal(pw_events_list(f->s, "cert:none", collect_ev, &c, &err), PW_OK);
	assert_int_equal(c.n, 0);
}

/* The hash is exactly the encoding events.h documents (computed here
 * independently with EVP). */
static void put_be(uint8_t *b, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void doc_text(EVP_MD_CTX *c, const char *t)
{
	uint8_t pres = t != NULL, len[4];
	EVP_DigestUpdate(c, &pres, 1);
	if (!t)
		return;
	put_be(len, strlen(t), 4);
	EVP_DigestUpdate(c, len, 4);
	EVP_DigestUpdate(c, t, strlen(t));
}

static void test_documented_encoding(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	uint8_t h1[32], h2[32], want[32], b8[8];
	int64_t id;
	unsigned int n;

	assert_int_equal(pw_events_append(f->s, 1700000000, "k", NULL, "a", "{}", &id, h1, &err),
	                 PW_OK);
	assert_int_equal(pw_events_append(f->s, -5, "k2", "s", NULL, NULL, &id, h2, &err), PW_OK);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	/* Event 1: no previous hash. */
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, "pkiward-event-v1", 17); /* with the NUL */
	EVP_DigestUpdate(c, "\0", 1);
	put_be(b8, 1, 8);
	EVP_DigestUpdate(c, b8, 8);
	put_be(b8, 1700000000, 8);
	EVP_DigestUpdate(c, b8, 8);
	doc_text(c, "k");
	doc_text(c, NULL);
	doc_text(c, "a");
	doc_text(c, "{}");
	EVP_DigestFinal_ex(c, want, &n);
	assert_memory_equal(h1, want, 32);
	/* Event 2: links event 1; a negative time is two's complement. */
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, "pkiward-event-v1", 17);
	EVP_DigestUpdate(c, "\1", 1);
	EVP_DigestUpdate(c, h1, 32);
	put_be(b8, 2, 8);
	EVP_DigestUpdate(c, b8, 8);
	put_be(b8, (uint64_t)(int64_t)-5, 8);
	EVP_DigestUpdate(c, b8, 8);
	doc_text(c, "k2");
	doc_text(c, "s");
	doc_text(c, NULL);
	doc_text(c, NULL);
	EVP_DigestFinal_ex(c, want, &n);
	EVP_MD_CTX_free(c);
	assert_memory_equal(h2, want, 32);
	/* An absent field and an empty one hash differently. */
	struct pw_store_event e1 = {.id = 1, .at = 0, .kind = "k", .subject = NULL};
	struct pw_store_event e2 = {.id = 1, .at = 0, .kind = "k", .subject = ""};
	pw_events_hash(&e1, h1);
	pw_events_hash(&e2, h2);
	assert_memory_not_equal(h1, h2, 32);
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	assert_int_equal(pw_events_append(f->s, 0, "k", NULL, NULL, "not json", NULL, NULL, &err),
	                 PW_ERR_PARSE);
	assert_string_equal(err.field, "event.payload");
	assert_int_equal(pw_events_append(f->s, 0, "k", NULL, NULL, "[1,2]", NULL, NULL, &err),
	                 PW_ERR_PARSE);
	assert_int_equal(pw_events_append(f->s, 0, "", NULL, NULL, NULL, NULL, NULL, &err),
	                 PW_ERR_USAGE);
	assert_int_equal(pw_events_append(f->s, 0, NULL, NULL, NULL, NULL, NULL, NULL, &err),
	                 PW_ERR_USAGE);
	char big[PW_STORE_EVENT_MAX_TEXT + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(pw_events_append(f->s, 0, "k", big, NULL, NULL, NULL, NULL, &err),
	                 PW_ERR_LIMIT);
	/* Nothing was appended by the refused calls. */
	expect_break(f, PW_EVENTS_INTACT, 0);
	int64_t head;
	uint8_t hh[32];
	assert_int_equal(pw_store_event_head(f->s, &head, hh, &err), PW_OK);
	assert_int_equal(head, 0);
	/* A row that does not follow the head is refused by the store. */
	struct pw_store_event e = {.id = 7, .at = 1, .kind = "k"};
	assert_int_equal(pw_store_event_insert(f->s, &e, &err), PW_ERR_USAGE);
}

static void test_transaction_rollback(void **state)
{
	struct fx *f = *state;
	struct pw_error err;
	int64_t id;
	append_n(f, 2, NULL, NULL);
	assert_int_equal(pw_store_begin(f->s, &err), PW_OK);
	assert_int_equal(pw_events_append(f->s, 0, "rolled.back", NULL, NULL, NULL, &id, NULL, &err),
	                 PW_OK);
	assert_int_equal(id, 3);
	pw_store_rollback(f->s);
	assert_int_equal(pw_events_append(f->s, 0, "kept", NULL, NULL, NULL, &id, NULL, &err), PW_OK);
	assert_int_equal(id, 3);
	expect_break(f, PW_EVENTS_INTACT, 0);
}

static void test_tamper_edit(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	raw_sql(f, "UPDATE event SET payload = '{\"i\":99}' WHERE id = 3");
	expect_break(f, PW_EVENTS_EDITED, 3);
}

static void test_tamper_edit_time(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	/* Backdating an event is an edit too. */
	raw_sql(f, "UPDATE event SET at = at - 86400 WHERE id = 2");
	expect_break(f, PW_EVENTS_EDITED, 2);
}

static void test_tamper_delete(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	raw_sql(f, "DELETE FROM event WHERE id = 3");
	expect_break(f, PW_EVENTS_GAP, 4);
}

static void test_tamper_delete_and_renumber(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	/* Closing the gap by renumbering leaves a wrong link. */
	raw_sql(f, "DELETE FROM event WHERE id = 3; UPDATE event SET id = id - 1 WHERE id > 3");
	expect_break(f, PW_EVENTS_RELINKED, 3);
}

static void test_tamper_reorder(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	raw_sql(f, "UPDATE event SET id = 100 WHERE id = 2; UPDATE event SET id = 2 WHERE id = 3;"
	           " UPDATE event SET id = 3 WHERE id = 100");
	expect_break(f, PW_EVENTS_RELINKED, 2);
}

static void test_tamper_truncate(void **state)
{
	struct fx *f = *state;
	append_n(f, 5, NULL, NULL);
	raw_sql(f, "DELETE FROM event WHERE id >= 4");
	expect_break(f, PW_EVENTS_TRUNCATED, 4);
}

static void test_tamper_truncate_with_head(void **state)
{
	struct fx *f = *state;
	struct pw_events_verify_result r;
	struct pw_error err;
	uint8_t hashes[5][32];
	append_n(f, 5, NULL, hashes);
	/* An attacker who also rewinds the head row: the chain alone looks
	 * whole, but an anchor kept from before exposes it. */
	raw_sql(f, "DELETE FROM event WHERE id >= 4;"
	           " UPDATE event_head SET id = 3, hash = (SELECT hash FROM event WHERE id = 3)");
	expect_break(f, PW_EVENTS_INTACT, 0);
	assert_int_equal(pw_events_verify_from(f->s, 5, hashes[4], &r, &err), PW_OK);
	assert_int_equal(r.broken, PW_EVENTS_HEAD);
	assert_non_null(strstr(r.detail, "anchor"));
	/* And an anchor with a wrong hash (log rewritten from there). */
	uint8_t wrong[32];
	memcpy(wrong, hashes[1], 32);
	wrong[0] ^= 1;
	assert_int_equal(pw_events_verify_from(f->s, 2, wrong, &r, &err), PW_OK);
	assert_int_equal(r.broken, PW_EVENTS_HEAD);
	assert_int_equal(r.broken_id, 2);
}

static void test_tamper_head(void **state)
{
	struct fx *f = *state;
	append_n(f, 3, NULL, NULL);
	raw_sql(f, pw_test_store_is_pg(f->t)
	               ? "UPDATE event_head SET hash = decode(repeat('00', 32), 'hex')"
	               : "UPDATE event_head SET hash = zeroblob(32)");
	expect_break(f, PW_EVENTS_HEAD, 0);
}

static void test_subjects(void **state)
{
	(void)state;
	char out[PW_EVENTS_SUBJECT_MAX];
	uint8_t h[32];
	memset(h, 0xab, 32);
	assert_string_equal(pw_events_subject_cert(h, out),
	                    "cert:abababababababababababababababababababababababababababababababab");
	assert_string_equal(pw_events_subject_report(12, out), "report:12");
	assert_string_equal(pw_events_subject_job(3, out), "job:3");
	assert_int_equal(strncmp(pw_events_subject_spki(h, out), "spki:abab", 9), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_by_subject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_documented_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_edit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_edit_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_delete_and_renumber, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_reorder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_truncate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_truncate_with_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_head, setup, teardown),
		cmocka_unit_test(test_subjects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
