/* tests/support: per-test certificate bases on SQLite or PostgreSQL (see
 * test_store.h). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "pkiward/store.h"
#include "test_store.h"

/* PostgreSQL identifiers are cut at 63 bytes (NAMEDATALEN - 1). */
#define PG_NAME_MAX 63
/* Type OIDs of pg_type (stable since PostgreSQL 7): bind types of raw SQL. */
#define PG_INT8_OID 20
#define PG_BYTEA_OID 17
/* Longest raw SQL text after placeholder rewriting. */
#define SQL_MAX 8192
/* SQLite waits this long for the store's own connection to let go. */
#define SQLITE_BUSY_MS 5000

struct base {
	char name[PW_TEST_STORE_NAME_MAX + 1];
	char location[PW_TEST_STORE_LOCATION_MAX];
	char db[PG_NAME_MAX + 1]; /* PostgreSQL database name ("" for SQLite) */
};

struct pw_test_store {
	char tag[24];
	char dir[64];
	int pg;
	const char *server;             /* PW_TEST_PG_URL (the environment's string) */
	char url_head[PW_TEST_STORE_LOCATION_MAX]; /* "postgresql://user@host:port" */
	char url_tail[PW_TEST_STORE_LOCATION_MAX]; /* "?options" or "" */
	PGconn *admin;                  /* CREATE/DROP DATABASE */
	struct base bases[PW_TEST_STORE_MAX_BASES];
	size_t n_bases;
};

/* Databases are unique per process and fixture: parallel test programs
 * (ctest -j) share the server. */
static unsigned seq;
/* This process's initialised template database (PostgreSQL), made on the
 * first pw_test_store_create() and dropped at exit. */
static char tmpl_db[PG_NAME_MAX + 1];
static char tmpl_server[PW_TEST_STORE_LOCATION_MAX];
/* The process that made it: a forked child that exits must not drop it. */
static pid_t tmpl_owner;

static int valid_word(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* Splits the server URL around its database path so a base's URL is the
 * same server with another database: postgresql://auth/db?opts. */
static void split_url(struct pw_test_store *t)
{
	const char *u = t->server;
	const char *auth = strstr(u, "://");
	if (auth == NULL || (strncmp(u, "postgresql://", 13) != 0 && strncmp(u, "postgres://", 11) != 0))
		fail_msg("%s is not a postgresql:// URL: %s", PW_TEST_PG_ENV, u);
	auth += 3;
	size_t head = (size_t)(auth - u) + strcspn(auth, "/?");
	const char *q = strchr(u + head, '?');
	if (head >= sizeof t->url_head || (q != NULL && strlen(q) >= sizeof t->url_tail))
		fail_msg("%s is too long", PW_TEST_PG_ENV);
	memcpy(t->url_head, u, head);
	t->url_head[head] = '\0';
	snprintf(t->url_tail, sizeof t->url_tail, "%s", q != NULL ? q : "");
}

struct pw_test_store *pw_test_store_new(const char *tag)
{
	struct pw_test_store *t = calloc(1, sizeof *t);
	assert_non_null(t);
	if (!valid_word(tag, sizeof t->tag - 1))
		fail_msg("bad fixture tag '%s'", tag);
	snprintf(t->tag, sizeof t->tag, "%s", tag);
	/* The server first: a failed fixture leaves no directory behind. */
	const char *server = getenv(PW_TEST_PG_ENV);
	if (server != NULL && server[0] != '\0') {
		t->pg = 1;
		t->server = server;
		split_url(t);
		t->admin = PQconnectdb(server);
		if (t->admin == NULL || PQstatus(t->admin) != CONNECTION_OK) {
			char msg[512];
			snprintf(msg, sizeof msg, "%s",
			         t->admin != NULL ? PQerrorMessage(t->admin) : "out of memory");
			PQfinish(t->admin);
			free(t);
			fail_msg("%s: cannot connect: %s", PW_TEST_PG_ENV, msg);
		}
		PQclear(PQexec(t->admin, "SET client_min_messages = warning"));
	}
	snprintf(t->dir, sizeof t->dir, "/tmp/pw_%s.XXXXXX", tag);
	if (mkdtemp(t->dir) == NULL) {
		PQfinish(t->admin);
		free(t);
		fail_msg("mkdtemp /tmp/pw_%s.XXXXXX failed", tag);
	}
	return t;
}

void pw_test_store_free(struct pw_test_store *t)
{
	char cmd[128];
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_bases; i++) {
		if (!t->pg)
			continue;
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", t->bases[i].db);
		PGresult *r = PQexec(t->admin, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "test_store: %s: %s", sql, PQerrorMessage(t->admin));
		PQclear(r);
	}
	PQfinish(t->admin);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_store: %s failed\n", cmd);
	free(t);
}

int pw_test_store_is_pg(const struct pw_test_store *t)
{
	return t->pg;
}

const char *pw_test_store_backend(const struct pw_test_store *t)
{
	return t->pg ? "postgresql" : "sqlite";
}

const char *pw_test_store_dir(const struct pw_test_store *t)
{
	return t->dir;
}

static struct base *find_base(struct pw_test_store *t, const char *name)
{
	for (size_t i = 0; i < t->n_bases; i++)
		if (strcmp(t->bases[i].name, name) == 0)
			return &t->bases[i];
	return NULL;
}

static void admin_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
		PQclear(r);
		fail_msg("%s: %s", sql, msg);
	}
	PQclear(r);
}

static void drop_template(void)
{
	char sql[128];
	if (getpid() != tmpl_owner)
		return;
	PGconn *c = PQconnectdb(tmpl_server);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", tmpl_db);
	if (PQstatus(c) == CONNECTION_OK)
		PQclear(PQexec(c, sql));
	PQfinish(c);
}

/* A new base entry; on PostgreSQL its database, empty or copied from
 * `from`. */
static struct base *new_base(struct pw_test_store *t, const char *name, const char *from)
{
	struct base *b;
	if (!valid_word(name, PW_TEST_STORE_NAME_MAX))
		fail_msg("bad base name '%s'", name);
	if (t->n_bases >= PW_TEST_STORE_MAX_BASES)
		fail_msg("more than %d bases in one fixture", PW_TEST_STORE_MAX_BASES);
	b = &t->bases[t->n_bases];
	memset(b, 0, sizeof *b);
	snprintf(b->name, sizeof b->name, "%s", name);
	if (!t->pg) {
		int n = snprintf(b->location, sizeof b->location, "%s/%s.db", t->dir, name);
		assert_true(n > 0 && (size_t)n < sizeof b->location);
		t->n_bases++;
		return b;
	}
	/* Lower case: an unquoted identifier in hand-written SQL folds to it. */
	/* Formatted into a local first: b->db and t->tag are both inside *t,
	 * which GCC's -Wrestrict cannot tell apart. */
	char db[PG_NAME_MAX + 1];
	int n = snprintf(db, sizeof db, "pwt_%s_%ld_%u_%s", t->tag, (long)getpid(), seq++, name);
	if (n < 0 || (size_t)n >= sizeof db)
		fail_msg("database name for %s/%s longer than %d bytes", t->tag, name, PG_NAME_MAX);
	memcpy(b->db, db, (size_t)n + 1);
	for (char *c = b->db; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	char url[PW_TEST_STORE_LOCATION_MAX];
	n = snprintf(url, sizeof url, "%s/%s%s", t->url_head, b->db, t->url_tail);
	if (n < 0 || (size_t)n >= sizeof url)
		fail_msg("URL of database %s too long", b->db);
	memcpy(b->location, url, (size_t)n + 1);
	char sql[256];
	if (from != NULL)
		snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE \"%s\"", b->db, from);
	else
		snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", b->db);
	admin_exec(t->admin, sql);
	t->n_bases++;
	return b;
}

const char *pw_test_store_location(struct pw_test_store *t, const char *name)
{
	struct base *b = find_base(t, name);
	return b != NULL ? b->location : new_base(t, name, NULL)->location;
}

static void open_or_fail(const char *loc, int flags, struct pw_store **out)
{
	struct pw_error err;
	char buf[512];
	if (pw_store_open(loc, flags, out, &err) != PW_OK)
		fail_msg("open %s: %s", loc, pw_error_format(&err, buf, sizeof buf));
}

const char *pw_test_store_create(struct pw_test_store *t, const char *name)
{
	struct pw_store *s = NULL;
	struct base *b = find_base(t, name);
	if (b != NULL)
		return b->location;
	if (!t->pg) {
		b = new_base(t, name, NULL);
		open_or_fail(b->location, PW_STORE_CREATE, &s);
		pw_store_close(s);
		return b->location;
	}
	if (tmpl_db[0] == '\0') {
		/* Not a fixture base: it outlives this fixture. */
		int n = snprintf(tmpl_db, sizeof tmpl_db, "pwt_%s_%ld_template", t->tag, (long)getpid());
		char url[PW_TEST_STORE_LOCATION_MAX];
		if (n < 0 || (size_t)n >= sizeof tmpl_db)
			fail_msg("template name for %s too long", t->tag);
		for (char *c = tmpl_db; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		snprintf(tmpl_server, sizeof tmpl_server, "%s", t->server);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", tmpl_db);
		admin_exec(t->admin, sql);
		tmpl_owner = getpid();
		atexit(drop_template);
		n = snprintf(url, sizeof url, "%s/%s%s", t->url_head, tmpl_db, t->url_tail);
		if (n < 0 || (size_t)n >= sizeof url)
			fail_msg("URL of database %s too long", tmpl_db);
		open_or_fail(url, PW_STORE_CREATE, &s);
		pw_store_close(s);
	}
	return new_base(t, name, tmpl_db)->location;
}

struct pw_store *pw_test_store_open(struct pw_test_store *t, const char *name, int flags)
{
	struct pw_store *s = NULL;
	const char *loc = find_base(t, name) == NULL && (flags & PW_STORE_CREATE)
	                      ? pw_test_store_create(t, name)
	                      : pw_test_store_location(t, name);
	open_or_fail(loc, flags, &s);
	return s;
}

/* ---- raw SQL ---- */

static size_t count_params(const struct pw_test_param *p)
{
	size_t n = 0;
	while (p != NULL && p[n].kind != PW_TEST_PARAM_END) {
		n++;
		if (n > PW_TEST_SQL_MAX_PARAMS)
			fail_msg("more than %d parameters", PW_TEST_SQL_MAX_PARAMS);
	}
	return n;
}

static const char *base_location(struct pw_test_store *t, const char *name)
{
	struct base *b = find_base(t, name);
	if (b == NULL)
		fail_msg("raw SQL on base '%s', which the test never made", name);
	return b->location;
}

static sqlite3 *sqlite_conn(struct pw_test_store *t, const char *name)
{
	sqlite3 *db = NULL;
	const char *path = base_location(t, name);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		fail_msg("sqlite3_open %s failed", path);
	}
	sqlite3_busy_timeout(db, SQLITE_BUSY_MS);
	return db;
}

static PGconn *pg_conn(struct pw_test_store *t, const char *name)
{
	const char *url = base_location(t, name);
	PGconn *c = PQconnectdb(url);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", c != NULL ? PQerrorMessage(c) : "out of memory");
		PQfinish(c);
		fail_msg("connect %s: %s", url, msg);
	}
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

void pw_test_sql_exec(struct pw_test_store *t, const char *name, const char *sql)
{
	char msg[512];
	if (!t->pg) {
		sqlite3 *db = sqlite_conn(t, name);
		char *m = NULL;
		int rc = sqlite3_exec(db, sql, NULL, NULL, &m);
		snprintf(msg, sizeof msg, "%s", m != NULL ? m : "?");
		sqlite3_free(m);
		sqlite3_close(db);
		if (rc != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
		return;
	}
	PGconn *c = pg_conn(t, name);
	PGresult *r = PQexec(c, sql);
	ExecStatusType rs = PQresultStatus(r);
	snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, msg);
}

/* "?" → "$n" outside single-quoted literals and double-quoted names. */
static void pg_placeholders(const char *sql, char *out, size_t outlen)
{
	size_t o = 0;
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		char piece[16] = {*p, 0};
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '?') {
			snprintf(piece, sizeof piece, "$%d", ++n);
		}
		size_t l = strlen(piece);
		if (o + l >= outlen)
			fail_msg("SQL longer than %zu bytes: %s", outlen, sql);
		memcpy(out + o, piece, l);
		o += l;
	}
	out[o] = '\0';
}

/* Runs one statement; *out_row is the first column of the first row when
 * want_row (NULL there fails). Returns rows changed or returned. */
static int64_t run(struct pw_test_store *t, const char *name, const char *sql,
                   const struct pw_test_param *params, int want_row, int64_t *out_row)
{
	size_t np = count_params(params);
	int64_t rows = 0;
	char msg[512];
	if (!t->pg) {
		sqlite3 *db = sqlite_conn(t, name);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
			sqlite3_close(db);
			fail_msg("%s: %s", sql, msg);
		}
		for (size_t i = 0; i < np; i++) {
			const struct pw_test_param *p = &params[i];
			int k = (int)i + 1;
			if (p->kind == PW_TEST_PARAM_INT)
				sqlite3_bind_int64(st, k, p->i);
			else if (p->kind == PW_TEST_PARAM_BLOB)
				sqlite3_bind_blob(st, k, p->p, (int)p->n, SQLITE_TRANSIENT);
			else
				sqlite3_bind_text(st, k, p->p, -1, SQLITE_TRANSIENT);
		}
		int rc, null_first = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (rows == 0 && want_row) {
				null_first = sqlite3_column_type(st, 0) == SQLITE_NULL;
				*out_row = sqlite3_column_int64(st, 0);
			}
			rows++;
		}
		snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(db));
		if (rc == SQLITE_DONE && sqlite3_column_count(st) == 0)
			rows = sqlite3_changes(db);
		sqlite3_finalize(st);
		sqlite3_close(db);
		if (rc != SQLITE_DONE)
			fail_msg("%s: %s", sql, msg);
		if (want_row && (rows == 0 || null_first))
			fail_msg("%s: %s", sql, rows == 0 ? "no row" : "NULL");
		return rows;
	}
	char text[SQL_MAX];
	char ints[PW_TEST_SQL_MAX_PARAMS][24];
	const char *values[PW_TEST_SQL_MAX_PARAMS];
	int lengths[PW_TEST_SQL_MAX_PARAMS], formats[PW_TEST_SQL_MAX_PARAMS];
	unsigned int types[PW_TEST_SQL_MAX_PARAMS];
	pg_placeholders(sql, text, sizeof text);
	for (size_t i = 0; i < np; i++) {
		const struct pw_test_param *p = &params[i];
		lengths[i] = 0;
		formats[i] = 0;
		types[i] = 0;
		if (p->kind == PW_TEST_PARAM_INT) {
			snprintf(ints[i], sizeof ints[i], "%lld", (long long)p->i);
			values[i] = ints[i];
			types[i] = PG_INT8_OID;
		} else if (p->kind == PW_TEST_PARAM_BLOB) {
			values[i] = p->p;
			lengths[i] = (int)p->n;
			formats[i] = 1;
			types[i] = PG_BYTEA_OID;
		} else {
			values[i] = p->p;
		}
	}
	PGconn *c = pg_conn(t, name);
	PGresult *r = PQexecParams(c, text, (int)np, types, values, lengths, formats, 0);
	ExecStatusType rs = PQresultStatus(r);
	snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
	int ok = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK, null_first = 0;
	if (rs == PGRES_TUPLES_OK) {
		rows = PQntuples(r);
		if (want_row && rows > 0) {
			null_first = PQgetisnull(r, 0, 0);
			*out_row = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		}
	} else if (rs == PGRES_COMMAND_OK) {
		rows = strtoll(PQcmdTuples(r), NULL, 10);
	}
	PQclear(r);
	PQfinish(c);
	if (!ok)
		fail_msg("%s: %s", text, msg);
	if (want_row && (rows == 0 || null_first))
		fail_msg("%s: %s", text, rows == 0 ? "no row" : "NULL");
	return rows;
}

int64_t pw_test_sql_run(struct pw_test_store *t, const char *name, const char *sql,
                        const struct pw_test_param *params)
{
	return run(t, name, sql, params, 0, NULL);
}

int64_t pw_test_sql_i64(struct pw_test_store *t, const char *name, const char *sql,
                        const struct pw_test_param *params)
{
	int64_t v = 0;
	run(t, name, sql, params, 1, &v);
	return v;
}
