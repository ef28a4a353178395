/* Unit tests of store_copy.h on SQLite bases (the PostgreSQL directions run
 * in tests/e2e/pg_copy.sh against a real server): a copy carries every row
 * and verifies; the content hash ignores row order and sees any change; a
 * non-empty target, the same base twice and a missing source are refused;
 * a value the target cannot hold fails the copy and leaves the target
 * empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "pkiward/store.h"
#include "pkiward/store_copy.h"

static char dir[64];

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/pw_store_copy_XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A base with rows in three tables; `reverse` inserts them in the other
 * order (same content). */
static void make_base(const char *name, int reverse, int n_keys)
{
	char p[128];
	struct pw_store *s = NULL;
	struct pw_error err;
	path_of(p, sizeof p, name);
	assert_int_equal(pw_store_open(p, PW_STORE_CREATE, &s, &err), PW_OK);
	for (int k = 0; k < n_keys; k++) {
		int i = reverse ? n_keys - 1 - k : k;
		struct pw_store_blocked_key bk;
		uint8_t proof[5] = {0x30, 0x00, (uint8_t)i, 0x00, 0xff}; /* NULs travel too */
		memset(&bk, 0, sizeof bk);
		memset(bk.spki_sha256, i + 1, 32);
		bk.why = "compromised";
		bk.proof_type = i % 2 ? "csr" : NULL;
		bk.proof = proof;
		bk.proof_len = sizeof proof;
		bk.at = 1700000000 + i;
		assert_int_equal(pw_store_blocked_key_put(s, &bk, NULL, &err), PW_OK);
	}
	struct pw_store_problem_report r;
	int64_t id;
	memset(&r, 0, sizeof r);
	r.received_at = 1700000000;
	r.kind = "key-compromise";
	r.status = "open";
	r.deadline = 1700086400;
	r.payload = "{\"text\":\"caf\xc3\xa9\"}";
	assert_int_equal(pw_store_problem_report_add(s, &r, &id, &err), PW_OK);
	struct pw_store_event e;
	memset(&e, 0, sizeof e);
	e.id = 1;
	e.at = 1700000001;
	e.kind = "test";
	memset(e.hash, 7, 32);
	assert_int_equal(pw_store_event_insert(s, &e, &err), PW_OK);
	pw_store_close(s);
}

static const struct pw_store_table_sum *table(const struct pw_store_compare *c, const char *n)
{
	for (size_t i = 0; i < c->n_tables; i++)
		if (strcmp(c->tables[i].name, n) == 0)
			return &c->tables[i];
	return NULL;
}

static void test_copy_and_verify(void **state)
{
	char a[128], b[128];
	struct pw_store_compare c = {0};
	struct pw_error err;
	(void)state;
	make_base("a.db", 0, 5);
	path_of(a, sizeof a, "a.db");
	path_of(b, sizeof b, "b.db");
	assert_int_equal(pw_store_copy(a, b, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	assert_int_equal(c.schema_a, PW_STORE_SCHEMA_VERSION);
	const struct pw_store_table_sum *t = table(&c, "blocked_key");
	assert_non_null(t);
	assert_int_equal(t->rows_a, 5);
	assert_int_equal(t->rows_b, 5);
	assert_memory_equal(t->hash_a, t->hash_b, 32);
	assert_non_null(table(&c, "report"));
	assert_int_equal(table(&c, "event")->rows_b, 1);
	/* The schema table is each side's own. */
	assert_null(table(&c, "schema_version"));
	assert_true(c.rows_copied >= 7);
	pw_store_compare_cleanup(&c);

	/* What the copy says, the comparison of the two files says too. */
	assert_int_equal(pw_store_verify(a, b, NULL, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	pw_store_compare_cleanup(&c);

	/* A change on one side shows in that table only. */
	struct pw_store *s = NULL;
	struct pw_store_problem_report r;
	int64_t id;
	memset(&r, 0, sizeof r);
	r.kind = "other";
	r.status = "open";
	assert_int_equal(pw_store_open(b, 0, &s, &err), PW_OK);
	assert_int_equal(pw_store_problem_report_add(s, &r, &id, &err), PW_OK);
	pw_store_close(s);
	assert_int_equal(pw_store_verify(a, b, NULL, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 1);
	assert_false(table(&c, "report")->match);
	assert_int_equal(table(&c, "report")->rows_b, 2);
	assert_true(table(&c, "blocked_key")->match);
	pw_store_compare_cleanup(&c);

	/* The target now holds rows: a second copy into it is refused. */
	assert_int_equal(pw_store_copy(a, b, NULL, &c, &err), PW_ERR_EXISTS);
	assert_non_null(strstr(err.msg, "not empty"));
	pw_store_compare_cleanup(&c);
}

static void test_order_independent(void **state)
{
	char a[128], b[128];
	struct pw_store_compare ca = {0}, cb = {0};
	struct pw_error err;
	(void)state;
	make_base("fwd.db", 0, 9);
	make_base("rev.db", 1, 9);
	path_of(a, sizeof a, "fwd.db");
	path_of(b, sizeof b, "rev.db");
	assert_int_equal(pw_store_summarise(a, NULL, NULL, &ca, &err), PW_OK);
	assert_int_equal(pw_store_summarise(b, NULL, NULL, &cb, &err), PW_OK);
	assert_memory_equal(table(&ca, "blocked_key")->hash_a, table(&cb, "blocked_key")->hash_a, 32);
	/* Different content, different hash. */
	assert_memory_not_equal(table(&ca, "blocked_key")->hash_a, table(&ca, "report")->hash_a, 32);
	pw_store_compare_cleanup(&ca);
	pw_store_compare_cleanup(&cb);
}

static void test_refusals(void **state)
{
	char a[128], missing[128], b[128];
	struct pw_store_compare c = {0};
	struct pw_error err;
	struct pw_store_copy_opts o = {0};
	(void)state;
	make_base("r.db", 0, 2);
	path_of(a, sizeof a, "r.db");
	path_of(missing, sizeof missing, "none.db");
	path_of(b, sizeof b, "r2.db");
	assert_int_equal(pw_store_copy(a, a, NULL, &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_copy(missing, b, NULL, &c, &err), PW_ERR_NOTFOUND);
	assert_non_null(strstr(err.field, "source"));
	assert_int_equal(access(b, F_OK) == 0 ? 1 : 0, 0); /* nothing created for a failed open */
	o.batch = PW_STORE_COPY_BATCH_MAX + 1;
	assert_int_equal(pw_store_copy(a, b, &o, &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_copy(NULL, b, NULL, &c, &err), PW_ERR_USAGE);
	pw_store_compare_cleanup(&c);
}

static void test_all_or_nothing(void **state)
{
	char a[128], b[128];
	struct pw_store_compare c = {0};
	struct pw_error err;
	sqlite3 *db = NULL;
	(void)state;
	make_base("bad.db", 0, 3);
	path_of(a, sizeof a, "bad.db");
	path_of(b, sizeof b, "bad_copy.db");
	/* A text where the schema says integer (SQLite keeps it as text). */
	assert_int_equal(sqlite3_open(a, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE report SET deadline = 'tomorrow'", NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pw_store_copy(a, b, NULL, &c, &err), PW_ERR_STORE);
	assert_non_null(strstr(err.msg, "table report, row 1, column deadline"));
	pw_store_compare_cleanup(&c);
	/* Nothing stayed behind: every table of the target is empty. */
	assert_int_equal(pw_store_summarise(b, NULL, NULL, &c, &err), PW_OK);
	for (size_t i = 0; i < c.n_tables; i++)
		if (strcmp(c.tables[i].name, "publish_state") != 0) /* a new base's own row */
			assert_int_equal(c.tables[i].rows_a, 0);
	pw_store_compare_cleanup(&c);
	/* Repaired, the copy into the same target succeeds. */
	assert_int_equal(sqlite3_open(a, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE report SET deadline = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pw_store_copy(a, b, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	pw_store_compare_cleanup(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_and_verify),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
