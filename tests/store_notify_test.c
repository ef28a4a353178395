/* Unit tests of store_notify.h on SQLite (no notification channel: a wait
 * is one poll interval at most and always says "look again"); PostgreSQL's
 * LISTEN/NOTIFY path runs in tests/e2e/pg_nodes.sh against a real server. */
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

static char path[64];

static int setup(void **state)
{
	struct pw_error err;
	struct pw_store *s = NULL;
	snprintf(path, sizeof path, "/tmp/pw_store_notify_%d.db", (int)getpid());
	unlink(path);
	assert_int_equal(pw_store_open(path, PW_STORE_CREATE, &s, &err), PW_OK);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	char p[80];
	pw_store_close(*state);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void test_sqlite_polls(void **state)
{
	struct pw_store *s = *state;
	struct pw_error err;
	int woken = -1;
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
		cmocka_unit_test(test_sqlite_polls),
		cmocka_unit_test(test_misuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
