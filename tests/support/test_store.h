/* tests/support: a fresh certificate base for one unit test, on the backend
 * the run asks for (issue 9: "every store test runs against both backends").
 *
 * By default every base is an SQLite file in a new temporary directory.
 * When the environment variable PW_TEST_PG_URL names a PostgreSQL server (a
 * "postgresql://" URL whose user may CREATE DATABASE), every base is instead
 * a new, uniquely named database on that server, created on first use and
 * dropped when the fixture is freed. tests/e2e/pg_unit.sh starts a throwaway
 * server and runs the store tests that way; `ctest -L unit` runs them on
 * SQLite.
 *
 * The fixture also owns a temporary directory (on both backends) for the
 * other files a test writes: keys, inputs, published CRLs.
 *
 * Every function here fails the running cmocka test (fail_msg) instead of
 * returning an error: a broken fixture is never a passing test. */
#ifndef PW_TEST_STORE_H
#define PW_TEST_STORE_H

#include <stddef.h>
#include <stdint.h>

struct pw_store;

/* The environment variable naming the PostgreSQL server. */
#define PW_TEST_PG_ENV "PW_TEST_PG_URL"
/* Bases one fixture may hold (a copy test needs a handful). */
#define PW_TEST_STORE_MAX_BASES 16
/* Longest location (path or URL) handed to pw_store_open(). */
#define PW_TEST_STORE_LOCATION_MAX 512
/* Longest base name (a file name stem, a suffix of the database name). */
#define PW_TEST_STORE_NAME_MAX 32
/* Parameters one raw statement may bind. */
#define PW_TEST_SQL_MAX_PARAMS 16

struct pw_test_store;

/* A new fixture: a temporary directory /tmp/pw_<tag>.XXXXXX and, with
 * PW_TEST_PG_URL set, a connection check of that server. Free it with
 * pw_test_store_free(). `tag` names the test program (letters, digits, _). */
struct pw_test_store *pw_test_store_new(const char *tag);

/* Drops every database the fixture created (WITH (FORCE): a handle the test
 * leaked does not keep it alive) and removes the directory. Close the
 * store handles first. NULL-safe. */
void pw_test_store_free(struct pw_test_store *t);

/* 1 when the bases are PostgreSQL databases, 0 for SQLite files. */
int pw_test_store_is_pg(const struct pw_test_store *t);

/* "sqlite" or "postgresql": what pw_store_backend() says of these bases. */
const char *pw_test_store_backend(const struct pw_test_store *t);

/* The fixture's temporary directory (borrowed; lives until free). */
const char *pw_test_store_dir(const struct pw_test_store *t);

/* The location of the base called `name` (letters, digits, _): a path
 * <dir>/<name>.db, or a URL of a database created empty on the first call
 * for that name. The same name gives the same string until free. No pkiward
 * schema exists yet: open it with PW_STORE_CREATE. Without that flag such a
 * location is a "missing base" on both backends (PW_ERR_NOTFOUND). */
const char *pw_test_store_location(struct pw_test_store *t, const char *name);

/* The location of the base `name`, initialised: what pw_store_open() with
 * PW_STORE_CREATE leaves behind (the schema at this build's version, a new
 * base's own rows). The first call for a name makes it: on SQLite by that
 * open; on PostgreSQL by CREATE DATABASE ... TEMPLATE from a database this
 * process initialised once (a copy of the same state, minus ~80 DDL
 * statements per test). Later calls return the same string. */
const char *pw_test_store_create(struct pw_test_store *t, const char *name);

/* Opens base `name` with `flags` (which must succeed): a name not seen yet
 * with PW_STORE_CREATE is made by pw_test_store_create() first. */
struct pw_store *pw_test_store_open(struct pw_test_store *t, const char *name, int flags);

/* A bound value for the raw SQL functions below. */
enum pw_test_param_kind { PW_TEST_PARAM_END = 0, PW_TEST_PARAM_INT, PW_TEST_PARAM_BLOB,
                          PW_TEST_PARAM_TEXT };
struct pw_test_param {
	enum pw_test_param_kind kind;
	int64_t i;
	const void *p; /* blob bytes or NUL-terminated text */
	size_t n;      /* blob length */
};
#define PW_TEST_INT(v) ((struct pw_test_param){PW_TEST_PARAM_INT, (int64_t)(v), NULL, 0})
#define PW_TEST_BLOB(ptr, len) ((struct pw_test_param){PW_TEST_PARAM_BLOB, 0, (ptr), (len)})
#define PW_TEST_TEXT(s) ((struct pw_test_param){PW_TEST_PARAM_TEXT, 0, (s), 0})
#define PW_TEST_END ((struct pw_test_param){PW_TEST_PARAM_END, 0, NULL, 0})

/* Raw SQL on base `name` through a second connection, as a tool (or an
 * attacker) with direct database access would: for rows no public function
 * writes yet, for tampering, for columns no public function shows.
 *
 * Like sqlite3_open(), the first raw statement on a location nobody opened
 * yet creates an empty SQLite file (PostgreSQL: the database exists).
 *
 * pw_test_sql_exec runs `sql` as given (several statements allowed, no
 * parameters). The SQL must be valid on the fixture's backend: where the
 * dialects differ, the caller branches on pw_test_store_is_pg(). */
void pw_test_sql_exec(struct pw_test_store *t, const char *name, const char *sql);

/* Runs one statement with "?" placeholders bound to `params` (terminated by
 * PW_TEST_END; NULL for none). On PostgreSQL the placeholders become $1..$n
 * (outside quoted literals), integers bind as int8, blobs as bytea, texts
 * untyped. Returns the number of rows the statement changed or returned. */
int64_t pw_test_sql_run(struct pw_test_store *t, const char *name, const char *sql,
                        const struct pw_test_param *params);

/* Runs one query as pw_test_sql_run() does and returns the first column of
 * its first row as an integer; no row, or NULL there, fails the test. */
int64_t pw_test_sql_i64(struct pw_test_store *t, const char *name, const char *sql,
                        const struct pw_test_param *params);

#endif
