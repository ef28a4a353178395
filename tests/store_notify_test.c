/* Unit tests of store_notify.h on both backends: on SQLite (no
 * notification channel) a wait is one poll interval at most and always says
 * "look again"; on PostgreSQL (PW_TEST_PG_URL, tests/e2e/pg_unit.sh) a wait
 * ends quietly at its timeout, or at once when another connection commits a
 * change of the publication generation (LISTEN/NOTIFY), never for a rolled
 * back one. tests/e2e/pg_nodes.sh runs the same path across processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkiward/store.h"
#include "pkiward/store_notify.h"
#include "pkiward/store_publish.h"
#include "test_store.h"

/* The running test's base: SQLite, or PostgreSQL with PW_TEST_PG_URL. */
static struct pw_test_store *fixture;

static int setup(void **state)
{
	fixture = pw_test_store_new("store_notify_test");
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

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* PostgreSQL: LISTEN/NOTIFY on the handle's connection. */
static void pg_notifies(struct pw_store *s)
{
	struct pw_error err;
	int woken = -1;
	uint64_t g0, g1;
	struct pw_store *other = pw_test_store_open(fixture, "store", 0);
	assert_int_equal(pw_store_notifies(s), 1);
	/* The first wait on a handle starts listening and says "look" at once:
	 * a change committed before LISTEN was announced to nobody here. */
	int64_t t0 = now_ms();
	assert_int_equal(pw_store_wait_change(s, 5000, &woken, &err), PW_OK);
	assert_int_equal(woken, 1);
	assert_true(now_ms() - t0 < 2000);
	/* Nothing changed: a quiet timeout, the whole timeout long (no poll
	 * interval cuts it short). */
	t0 = now_ms();
	assert_int_equal(pw_store_wait_change(s, 300, &woken, &err), PW_OK);
	assert_int_equal(woken, 0);
	assert_true(now_ms() - t0 >= 290);
	/* A change another connection rolls back announces nothing. */
	assert_int_equal(pw_store_begin(other, &err), PW_OK);
	assert_int_equal(pw_store_publish_bump(other, &err), PW_OK);
	pw_store_rollback(other);
	assert_int_equal(pw_store_wait_change(s, 300, &woken, &err), PW_OK);
	assert_int_equal(woken, 0);
	/* A committed one wakes the waiter long before its timeout, and the
	 * generation it then reads has moved. */
	assert_int_equal(pw_store_publish_generation(s, &g0, &err), PW_OK);
	assert_int_equal(pw_store_publish_bump(other, &err), PW_OK);
	t0 = now_ms();
	assert_int_equal(pw_store_wait_change(s, 30000, &woken, &err), PW_OK);
	assert_int_equal(woken, 1);
	assert_true(now_ms() - t0 < 5000);
	assert_int_equal(pw_store_publish_generation(s, &g1, &err), PW_OK);
	assert_int_equal(g1, g0 + 1);
	pw_store_close(other);
}

static void test_wait(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	int woken = -1;
	if (pw_test_store_is_pg(fixture)) {
		pg_notifies(s);
		return;
	}
	/* SQLite: every wait is a sleep. */
	assert_int_equal(pw_store_notifies(s), 0);
	/* A long timeout is cut to one poll interval, and the caller is told
	 * to look again. */
	int64_t t0 = now_ms();
	assert_int_equal(pw_store_wait_change(s, 5000, &woken, &err), PW_OK);
	int64_t took = now_ms() - t0;
	assert_int_equal(woken, 1);
	assert_true(took >= PW_STORE_CHANGE_POLL_MS - 5);
	assert_true(took < 2000);
	/* A shorter timeout is honoured. */
	t0 = now_ms();
	assert_int_equal(pw_store_wait_change(s, 10, NULL, &err), PW_OK);
	assert_true(now_ms() - t0 < PW_STORE_CHANGE_POLL_MS);
}

static void test_misuse(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	assert_int_equal(pw_store_wait_change(NULL, 10, NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_wait_change(s, -1, NULL, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_wait_change(s, PW_STORE_CHANGE_MAX_WAIT_MS + 1, NULL, &err),
	                 PW_ERR_USAGE);
	/* Inside a transaction nothing committed elsewhere could be seen. */
	assert_int_equal(pw_store_begin(s, &err), PW_OK);
	assert_int_equal(pw_store_wait_change(s, 10, NULL, &err), PW_ERR_USAGE);
	assert_non_null(strstr(err.msg, "transaction"));
	pw_store_rollback(s);
	assert_int_equal(pw_store_notifies(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
