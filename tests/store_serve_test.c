/* Unit tests of the serve store area (store_serve.h): secrets, single-use
 * nonces, challenge life cycle, hashed admin tokens, status links. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkiward/store.h"
#include "pkiward/store_serve.h"
#include "test_store.h"

/* The running test's base: SQLite, or PostgreSQL with PW_TEST_PG_URL. */
static struct pw_test_store *fixture;

static int setup(void **state)
{
	fixture = pw_test_store_new("store_serve_test");
	*state = pw_test_store_open(fixture, "store", PW_STORE_CREATE);
	return 0;
}

static int teardown(void **state)
{
	pw_store_close(*state);
	pw_test_store_free(fixture);
	fixture = NULL;
	return 0;
}

static void test_secret(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	uint8_t a[32], b[32], out1[32], out2[32];
	memset(a, 1, sizeof a);
	memset(b, 2, sizeof b);
	assert_int_equal(pw_store_serve_secret_get(s, "acme-nonce", a, out1, &err), PW_OK);
	assert_memory_equal(out1, a, 32);
	/* A second process's fresh value loses: the first one stays. */
	assert_int_equal(pw_store_serve_secret_get(s, "acme-nonce", b, out2, &err), PW_OK);
	assert_memory_equal(out2, a, 32);
	assert_int_equal(pw_store_serve_secret_get(s, "", a, out1, &err), PW_ERR_USAGE);
}

static void test_nonce(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	int fresh = -1;
	assert_int_equal(pw_store_serve_nonce_use(s, "n1", 2000, 1000, &fresh, &err), PW_OK);
	assert_int_equal(fresh, 1);
	assert_int_equal(pw_store_serve_nonce_use(s, "n1", 2000, 1500, &fresh, &err), PW_OK);
	assert_int_equal(fresh, 0); /* replay */
	/* Once expired the row is pruned (the nonce itself is refused earlier by
	 * its authenticated expiry, acme.c). */
	assert_int_equal(pw_store_serve_nonce_use(s, "n2", 4000, 2500, &fresh, &err), PW_OK);
	assert_int_equal(fresh, 1);
	assert_int_equal(pw_store_serve_nonce_use(s, "n1", 5000, 2500, &fresh, &err), PW_OK);
	assert_int_equal(fresh, 1);
	assert_int_equal(pw_store_serve_nonce_use(s, "bad\nnonce", 5000, 2500, &fresh, &err), PW_ERR_USAGE);
}

static void test_challenge(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	enum pw_store_serve_challenge_state cs;
	assert_int_equal(pw_store_serve_challenge_put(s, "c1", 100, 200, 0, &err), PW_OK);
	assert_int_equal(pw_store_serve_challenge_put(s, "c1", 100, 200, 0, &err), PW_ERR_EXISTS);
	assert_int_equal(pw_store_serve_challenge_put(s, "c2", 100, 150, 0, &err), PW_OK);
	assert_int_equal(pw_store_serve_challenge_use(s, "nope", 120, NULL, &cs, &err), PW_OK);
	assert_int_equal(cs, PW_STORE_CHALLENGE_UNKNOWN);
	assert_int_equal(pw_store_serve_challenge_use(s, "c2", 150, NULL, &cs, &err), PW_OK);
	assert_int_equal(cs, PW_STORE_CHALLENGE_EXPIRED);
	assert_int_equal(pw_store_serve_challenge_use(s, "c1", 120, "test", &cs, &err), PW_OK);
	assert_int_equal(cs, PW_STORE_CHALLENGE_LIVE);
	assert_int_equal(pw_store_serve_challenge_use(s, "c1", 121, "test", &cs, &err), PW_OK);
	assert_int_equal(cs, PW_STORE_CHALLENGE_USED);
	/* The live limit: c1 (used, unexpired) counts until it expires. */
	assert_int_equal(pw_store_serve_challenge_put(s, "c3", 130, 300, 1, &err), PW_ERR_LIMIT);
	assert_int_equal(pw_store_serve_challenge_put(s, "c3", 250, 300, 1, &err), PW_OK);
	assert_int_equal(pw_store_serve_challenge_put(s, "c4", 100, 100, 0, &err), PW_ERR_USAGE);
	assert_string_equal(pw_store_serve_challenge_state_name(PW_STORE_CHALLENGE_USED), "used");
}

struct count {
	int n;
	int revoked;
};

static int count_tok(void *ctx, const struct pw_store_serve_token *t)
{
	struct count *c = ctx;
	c->n++;
	c->revoked += t->revoked_at != 0;
	return 1;
}

static void test_tokens(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	struct pw_store_serve_token t = {0}, got;
	int64_t id = 0, id2 = 0;
	memset(t.sha256, 0xab, 32);
	t.role = PW_STORE_ROLE_OPERATOR;
	t.label = "ops'; DROP TABLE serve_token; --";
	t.created_at = 10;
	assert_int_equal(pw_store_serve_token_add(s, &t, &id, &err), PW_OK);
	assert_int_equal(pw_store_serve_token_add(s, &t, &id2, &err), PW_ERR_EXISTS);
	t.sha256[0] = 1;
	t.role = PW_STORE_ROLE_NONE;
	assert_int_equal(pw_store_serve_token_add(s, &t, &id2, &err), PW_ERR_USAGE);
	t.role = PW_STORE_ROLE_READ_ONLY;
	t.label = NULL;
	assert_int_equal(pw_store_serve_token_add(s, &t, &id2, &err), PW_OK);
	uint8_t h[32];
	memset(h, 0xab, 32);
	assert_int_equal(pw_store_serve_token_find(s, h, &got, &err), PW_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(got.role, PW_STORE_ROLE_OPERATOR);
	assert_int_equal(got.revoked_at, 0);
	assert_int_equal(pw_store_serve_token_revoke(s, id, 20, &err), PW_OK);
	assert_int_equal(pw_store_serve_token_find(s, h, &got, &err), PW_OK);
	assert_int_equal(got.revoked_at, 20);
	assert_int_equal(pw_store_serve_token_revoke(s, 999, 20, &err), PW_ERR_NOTFOUND);
	memset(h, 0xcd, 32);
	assert_int_equal(pw_store_serve_token_find(s, h, &got, &err), PW_ERR_NOTFOUND);
	struct count c = {0};
	assert_int_equal(pw_store_serve_token_list(s, count_tok, &c, &err), PW_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.revoked, 1);
	assert_int_equal(pw_store_serve_role_parse("read-only"), PW_STORE_ROLE_READ_ONLY);
	assert_int_equal(pw_store_serve_role_parse("admin"), PW_STORE_ROLE_NONE);
}

static void test_status_link(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	uint8_t h[32];
	int64_t rid = 0, out = 0;
	struct pw_store_problem_report r = {.received_at = 5, .kind = "other", .status = "open", .deadline = 10};
	assert_int_equal(pw_store_problem_report_add(s, &r, &rid, &err), PW_OK);
	memset(h, 7, 32);
	assert_int_equal(pw_store_serve_status_link_put(s, rid, h, 5, &err), PW_OK);
	assert_int_equal(pw_store_serve_status_link_find(s, h, &out, &err), PW_OK);
	assert_int_equal(out, rid);
	h[0] = 8;
	assert_int_equal(pw_store_serve_status_link_find(s, h, &out, &err), PW_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_challenge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_link, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
