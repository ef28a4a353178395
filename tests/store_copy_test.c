/* Unit tests of store_copy.h: a copy carries every row and verifies; the
 * content hash ignores row order and sees any change; a non-empty target,
 * the same base twice and a missing source are refused; a value the target
 * cannot hold fails the copy and leaves the target empty.
 *
 * "Bases" are the fixture's backend (SQLite files, or PostgreSQL databases
 * with PW_TEST_PG_URL: tests/e2e/pg_unit.sh); "files" are always SQLite, so
 * on PostgreSQL the round trip crosses backends both ways (the CLI's
 * directions run in tests/e2e/pg_copy.sh). */
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
#include "test_store.h"

/* The running test's bases. */
static struct pw_test_store *fixture;
/* Paths of SQLite files (PW_TEST_STORE_LOCATION_MAX) handed out by file_of. */
static char files[8][PW_TEST_STORE_LOCATION_MAX];
static size_t n_files;

/* The location of base `name` on the fixture's backend: uninitialised (a
 * copy target that the copy must create), or initialised (a new base, as a
 * source starts; on PostgreSQL a template copy, much cheaper than the
 * migrations). */
static const char *base_of(const char *name)
{
	return pw_test_store_location(fixture, name);
}

static const char *new_base_of(const char *name)
{
	return pw_test_store_create(fixture, name);
}

/* A path of an SQLite file `name` in the fixture's directory. */
static const char *file_of(const char *name)
{
	assert_true(n_files < sizeof files / sizeof files[0]);
	char *p = files[n_files++];
	snprintf(p, PW_TEST_STORE_LOCATION_MAX, "%s/%s.db", pw_test_store_dir(fixture), name);
	return p;
}

/* Raw SQL on an SQLite file (the fixture's raw SQL is for its bases). */
static void sql_on_file(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int setup(void **state)
{
	(void)state;
	fixture = pw_test_store_new("store_copy_test");
	n_files = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pw_test_store_free(fixture);
	fixture = NULL;
	return 0;
}

/* A base at `loc` with rows in three tables; `reverse` inserts them in the
 * other order (same content). */
static void make_base(const char *loc, int reverse, int n_keys)
{
	struct pw_store *s = NULL;
	struct pw_error err;
	assert_int_equal(pw_store_open(loc, PW_STORE_CREATE, &s, &err), PW_OK);
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
	const char *a = new_base_of("a"), *b = base_of("b");
	struct pw_store_compare c = {0};
	struct pw_error err;
	(void)state;
	make_base(a, 0, 5);
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

	/* What the copy says, the comparison of the two bases says too. */
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
	const char *a = new_base_of("fwd"), *b = new_base_of("rev");
	struct pw_store_compare ca = {0}, cb = {0};
	struct pw_error err;
	(void)state;
	make_base(a, 0, 9);
	make_base(b, 1, 9);
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
	const char *a = new_base_of("r"), *missing = base_of("none"), *b = base_of("r2");
	struct pw_store_compare c = {0};
	struct pw_error err;
	struct pw_store_copy_opts o = {0};
	(void)state;
	make_base(a, 0, 2);
	assert_int_equal(pw_store_copy(a, a, NULL, &c, &err), PW_ERR_USAGE);
	/* On PostgreSQL "missing" is a database without pkiward's schema. */
	assert_int_equal(pw_store_copy(missing, b, NULL, &c, &err), PW_ERR_NOTFOUND);
	assert_non_null(strstr(err.field, "source"));
	/* Nothing created for a failed open. */
	if (pw_test_store_is_pg(fixture))
		assert_int_equal(pw_test_sql_i64(fixture, "r2",
		                                 "SELECT COUNT(*) FROM information_schema.tables"
		                                 " WHERE table_schema = current_schema()", NULL), 0);
	else
		assert_int_equal(access(b, F_OK) == 0 ? 1 : 0, 0);
	o.batch = PW_STORE_COPY_BATCH_MAX + 1;
	assert_int_equal(pw_store_copy(a, b, &o, &c, &err), PW_ERR_USAGE);
	assert_int_equal(pw_store_copy(NULL, b, NULL, &c, &err), PW_ERR_USAGE);
	pw_store_compare_cleanup(&c);
}

static void test_all_or_nothing(void **state)
{
	/* The bad value can only live in an SQLite file (PostgreSQL refuses it
	 * at the UPDATE), so the source is always a file; the target is the
	 * fixture's backend, whose emptiness after the failure is the point. */
	const char *a = file_of("bad"), *b = base_of("bad_copy");
	struct pw_store_compare c = {0};
	struct pw_error err;
	(void)state;
	make_base(a, 0, 3);
	/* A text where the schema says integer (SQLite keeps it as text). */
	sql_on_file(a, "UPDATE report SET deadline = 'tomorrow'");
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
	sql_on_file(a, "UPDATE report SET deadline = 1");
	assert_int_equal(pw_store_copy(a, b, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	pw_store_compare_cleanup(&c);
}

/* Base → file → base: on PostgreSQL both directions between the backends
 * (issue 9: "migrates an SQLite store to PostgreSQL (and back), verified by
 * counts and hashes"); on SQLite the same steps between files. */
static void test_round_trip(void **state)
{
	const char *a = new_base_of("origin"), *f = file_of("middle"), *b = new_base_of("back");
	struct pw_store_compare c = {0}, ca = {0}, cb = {0};
	struct pw_error err;
	(void)state;
	make_base(a, 0, 6);
	assert_int_equal(pw_store_copy(a, f, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	assert_int_equal(table(&c, "blocked_key")->rows_b, 6);
	pw_store_compare_cleanup(&c);
	assert_int_equal(pw_store_copy(f, b, NULL, &c, &err), PW_OK);
	assert_int_equal(c.mismatches, 0);
	assert_int_equal(table(&c, "blocked_key")->rows_b, 6);
	pw_store_compare_cleanup(&c);
	/* Each pair agrees table by table, by counts and by content hashes
	 * over the columns both sides have (PostgreSQL's report_cert has one
	 * more, seq: postgres_reports.c). */
	const char *pairs[][2] = {{a, f}, {f, b}, {a, b}};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(pw_store_verify(pairs[i][0], pairs[i][1], NULL, NULL, &c, &err), PW_OK);
		assert_int_equal(c.mismatches, 0);
		assert_true(c.n_tables > 3);
		assert_int_equal(table(&c, "blocked_key")->rows_a, 6);
		assert_true(table(&c, "blocked_key")->match);
		pw_store_compare_cleanup(&c);
	}
	/* Summarised on their own, the ends (same backend) have the same
	 * tables, counts and hashes. */
	assert_int_equal(pw_store_summarise(a, NULL, NULL, &ca, &err), PW_OK);
	assert_int_equal(pw_store_summarise(b, NULL, NULL, &cb, &err), PW_OK);
	assert_int_equal(ca.n_tables, cb.n_tables);
	for (size_t i = 0; i < ca.n_tables; i++) {
		const struct pw_store_table_sum *t = table(&cb, ca.tables[i].name);
		assert_non_null(t);
		assert_int_equal(t->rows_a, ca.tables[i].rows_a);
		assert_memory_equal(t->hash_a, ca.tables[i].hash_a, 32);
	}
	pw_store_compare_cleanup(&ca);
	pw_store_compare_cleanup(&cb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_and_verify),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
