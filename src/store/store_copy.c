/* store/store_copy.c: copying a base between backends and comparing two
 * bases (store_copy.h, docs/pg-nodes.md).
 *
 * Why generic, table by table from the catalogs rather than through the
 * store's typed functions: every area adds tables (migrations 3-10 and
 * later), and a copy that knew each of them would silently drop the next
 * one. The catalogs (sqlite_master / pragma_table_xinfo, pg_class /
 * pg_attribute) say which tables and columns exist on each side; the
 * columns both sides have are copied, and a table or column with data that
 * the target lacks is refused unless the caller allows leaving it out.
 *
 * Each side gets its own raw connection beside the store handle that
 * checked (and, for the target, created) the schema: SQLite through the
 * handle's sqlite3, PostgreSQL through a separate libpq connection, so the
 * copy needs nothing from the backends' prepared-statement code.
 *
 * Values travel as four classes (NULL, integer, real, bytes). Reading
 * PostgreSQL uses binary COPY TO STDOUT and writing it binary COPY FROM
 * STDIN (the bulk paths; no per-row round trip); SQLite uses one prepared
 * SELECT and one prepared INSERT per table. */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include "pkiward/buf.h"
#include "pkiward/store.h"
#include "pkiward/store_copy.h"
#include "sqlite_ext.h"

/* PostgreSQL type OIDs (pg_type.h; stable across versions). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_CHAR 18
#define OID_NAME 19
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043

/* Bytes of COPY data handed to libpq at once. */
#define CP_CHUNK ((size_t)1 << 20)
/* A server or SQLite message is cut to this many bytes. */
#define CP_MSG_MAX 200
/* Advisory lock key held by a copy's target transaction on PostgreSQL (two
 * copies into one base: the second waits, then finds it not empty). The
 * backend's own keys are 7070707 (migrations) and 7070708 (event appends). */
#define CP_PG_LOCK_KEY 7070709
/* The table every base has and a copy never copies (each side's own). */
#define CP_SCHEMA_TABLE "schema_version"

enum kind { K_INT, K_REAL, K_TEXT, K_BLOB };
enum vcls { V_NULL, V_INT, V_REAL, V_BYTES };

struct val {
	enum vcls c;
	int64_t i;
	double r;
	const uint8_t *p;
	size_t n;
};

struct col {
	char name[PW_STORE_COPY_MAX_NAME + 1];
	enum kind kind;
	unsigned pgtype; /* PostgreSQL type OID; 0 on SQLite */
	int cast_text;   /* PostgreSQL type without a binary mapping here: read as ::text */
	const char *expr; /* a derived column this side lacks: read as expr, never written */
};

typedef char cp_name[PW_STORE_COPY_MAX_NAME + 1];

struct table {
	cp_name name;
	struct col *cols;
	size_t ncols;
	cp_name *parents; /* tables its foreign keys reference */
	size_t nparents;
	int triggers;     /* PostgreSQL: has user triggers */
	cp_name order_col; /* PostgreSQL: a serial column (insertion order); "" = none */
};

struct side {
	const char *label; /* "source", "target", "a", "b", "new base" */
	int pg;
	struct pw_store *store;
	sqlite3 *db;      /* SQLite: the store handle's (borrowed) */
	PGconn *conn;     /* PostgreSQL: our own */
	struct table *t;
	size_t nt;
	int schema;
	int txn;          /* a transaction is open */
	int ordered;      /* PostgreSQL source: read in insertion order (see read_pg) */
	char **trig_sql;  /* SQLite target: triggers dropped for the copy */
	size_t ntrig;
};

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */
/* ---------------------------------------------------------------------- */

static enum pw_status db_err(struct side *sd, struct pw_error *err, const char *what)
{
	char msg[CP_MSG_MAX];
	const char *m = sd->pg ? PQerrorMessage(sd->conn) : sqlite3_errmsg(sd->db);
	snprintf(msg, sizeof msg, "%s", m != NULL && *m ? m : "unknown error");
	msg[strcspn(msg, "\n")] = '\0';
	return pw_error_set(err, PW_ERR_STORE, 0, 0, sd->label, "%s: %s%s", what,
	                    sd->pg ? "postgresql: " : "sqlite: ", msg);
}

static enum pw_status pg_res_err(struct side *sd, const PGresult *r, struct pw_error *err,
                                 const char *what)
{
	char msg[CP_MSG_MAX];
	const char *m = r != NULL ? PQresultErrorMessage(r) : NULL;
	if (m == NULL || *m == '\0')
		return db_err(sd, err, what);
	snprintf(msg, sizeof msg, "%s", m);
	msg[strcspn(msg, "\n")] = '\0';
	return pw_error_set(err, PW_ERR_STORE, 0, 0, sd->label, "%s: postgresql: %s", what, msg);
}

static enum pw_status nomem(struct pw_error *err)
{
	return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
}

/* ---------------------------------------------------------------------- */
/* SQL text: identifiers come from the catalogs, quoted (never input data) */
/* ---------------------------------------------------------------------- */

static void qident(struct pw_buf *b, const char *name)
{
	pw_buf_append(b, "\"", 1);
	for (const char *p = name; *p; p++) {
		pw_buf_append(b, p, 1);
		if (*p == '"') /* SQL doubles a quote inside a quoted identifier */
			pw_buf_append(b, "\"", 1);
	}
	pw_buf_append(b, "\"", 1);
}

static const char *sql_of(struct pw_buf *b)
{
	pw_buf_append(b, "", 1);
	b->len--;
	return b->failed ? NULL : (const char *)b->data;
}

static enum pw_status exec_sql(struct side *sd, const char *sql, struct pw_error *err,
                               const char *what)
{
	if (sd->pg) {
		PGresult *r = PQexec(sd->conn, sql);
		ExecStatusType t = PQresultStatus(r);
		enum pw_status st = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK
		                        ? PW_OK
		                        : pg_res_err(sd, r, err, what);
		PQclear(r);
		return st;
	}
	return sqlite3_exec(sd->db, sql, NULL, NULL, NULL) == SQLITE_OK ? PW_OK
	                                                                : db_err(sd, err, what);
}

/* One integer from a query without parameters. */
static enum pw_status query_u64(struct side *sd, const char *sql, uint64_t *out,
                                struct pw_error *err, const char *what)
{
	enum pw_status st = PW_OK;
	*out = 0;
	if (sd->pg) {
		PGresult *r = PQexec(sd->conn, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
			st = pg_res_err(sd, r, err, what);
		else
			*out = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		return st;
	}
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(sd->db, sql, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		st = db_err(sd, err, what);
	else
		*out = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return st;
}

static enum pw_status count_rows(struct side *sd, const char *table, const char *where_col,
                                 uint64_t *out, struct pw_error *err)
{
	struct pw_buf b;
	enum pw_status st;
	pw_buf_init(&b);
	pw_buf_puts(&b, "SELECT COUNT(*) FROM ");
	qident(&b, table);
	if (where_col != NULL) {
		pw_buf_puts(&b, " WHERE ");
		qident(&b, where_col);
		pw_buf_puts(&b, " IS NOT NULL");
	}
	const char *sql = sql_of(&b);
	st = sql != NULL ? query_u64(sd, sql, out, err, table) : nomem(err);
	pw_buf_cleanup(&b);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Opening a side                                                          */
/* ---------------------------------------------------------------------- */

static int is_pg(const char *loc)
{
	return strncmp(loc, "postgresql://", 13) == 0 || strncmp(loc, "postgres://", 11) == 0;
}

static void side_close(struct side *sd)
{
	if (sd->pg && sd->conn != NULL) {
		if (PQtransactionStatus(sd->conn) != PQTRANS_IDLE)
			PQclear(PQexec(sd->conn, "ROLLBACK"));
		PQfinish(sd->conn);
	} else if (sd->db != NULL && !sqlite3_get_autocommit(sd->db)) {
		sqlite3_exec(sd->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sd->conn = NULL;
	sd->db = NULL;
	pw_store_close(sd->store);
	sd->store = NULL;
	for (size_t i = 0; i < sd->nt; i++) {
		free(sd->t[i].cols);
		free(sd->t[i].parents);
	}
	free(sd->t);
	sd->t = NULL;
	sd->nt = 0;
	for (size_t i = 0; i < sd->ntrig; i++)
		free(sd->trig_sql[i]);
	free(sd->trig_sql);
	sd->trig_sql = NULL;
	sd->ntrig = 0;
}

/* Opens the base through the store (which checks it is a pkiward base and,
 * with PW_STORE_CREATE, creates and migrates it), then the raw connection
 * the copy uses. */
static enum pw_status side_open(struct side *sd, const char *label, const char *loc, int flags,
                                struct pw_error *err)
{
	enum pw_status st;
	memset(sd, 0, sizeof *sd);
	sd->label = label;
	sd->pg = is_pg(loc);
	if ((st = pw_store_open(loc, flags, &sd->store, err)) != PW_OK) {
		char msg[PW_ERROR_MSG_MAX];
		snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
		return pw_error_set(err, st, 0, 0, label, "%s", msg);
	}
	if ((st = pw_store_schema_version(sd->store, &sd->schema, err)) != PW_OK)
		return st;
	if (!sd->pg) {
		sd->db = pw_store_sqlite_get0_db(sd->store);
		return PW_OK;
	}
	/* The store's own connection is not needed past the schema check. */
	pw_store_close(sd->store);
	sd->store = NULL;
	sd->conn = PQconnectdb(loc);
	if (sd->conn == NULL)
		return nomem(err);
	if (PQstatus(sd->conn) != CONNECTION_OK)
		return db_err(sd, err, "connect");
	return exec_sql(sd, "SET client_min_messages = warning", err, "connect");
}

/* A read snapshot: every table is read as of one moment, even while other
 * nodes keep writing (SQLite WAL readers, PostgreSQL REPEATABLE READ). */
static enum pw_status side_snapshot(struct side *sd, struct pw_error *err)
{
	enum pw_status st = exec_sql(sd, sd->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	                                        : "BEGIN", err, "begin");
	if (st == PW_OK)
		sd->txn = 1;
	return st;
}

static void side_end(struct side *sd)
{
	if (sd->txn)
		(void)exec_sql(sd, "ROLLBACK", NULL, "rollback");
	sd->txn = 0;
}

/* ---------------------------------------------------------------------- */
/* Catalogs                                                                */
/* ---------------------------------------------------------------------- */

static int name_ok(const char *n)
{
	return n != NULL && *n != '\0' && strlen(n) <= PW_STORE_COPY_MAX_NAME;
}

static enum pw_status add_table(struct side *sd, const char *name, struct pw_error *err)
{
	if (!name_ok(name))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, sd->label,
		                    "a table name is empty or longer than %d bytes",
		                    PW_STORE_COPY_MAX_NAME);
	if (sd->nt >= PW_STORE_COPY_MAX_TABLES)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, sd->label, "more than %d tables",
		                    PW_STORE_COPY_MAX_TABLES);
	struct table *t = realloc(sd->t, (sd->nt + 1) * sizeof *t);
	if (t == NULL)
		return nomem(err);
	sd->t = t;
	memset(&t[sd->nt], 0, sizeof *t);
	snprintf(t[sd->nt].name, sizeof t[sd->nt].name, "%s", name);
	sd->nt++;
	return PW_OK;
}

static struct table *find_table(struct side *sd, const char *name)
{
	for (size_t i = 0; i < sd->nt; i++)
		if (strcmp(sd->t[i].name, name) == 0)
			return &sd->t[i];
	return NULL;
}

static enum pw_status add_col(struct side *sd, struct table *t, const char *name, enum kind k,
                              unsigned pgtype, int cast_text, struct pw_error *err)
{
	if (!name_ok(name))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, sd->label,
		                    "table %s: a column name is empty or longer than %d bytes", t->name,
		                    PW_STORE_COPY_MAX_NAME);
	if (t->ncols >= PW_STORE_COPY_MAX_COLUMNS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, sd->label, "table %s: more than %d columns",
		                    t->name, PW_STORE_COPY_MAX_COLUMNS);
	struct col *c = realloc(t->cols, (t->ncols + 1) * sizeof *c);
	if (c == NULL)
		return nomem(err);
	t->cols = c;
	c = &t->cols[t->ncols++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->kind = k;
	c->pgtype = pgtype;
	c->cast_text = cast_text;
	return PW_OK;
}

static enum pw_status add_parent(struct table *t, const char *parent, struct pw_error *err)
{
	if (!name_ok(parent) || strcmp(parent, t->name) == 0)
		return PW_OK; /* self-references need no ordering; odd names never match a table */
	for (size_t i = 0; i < t->nparents; i++)
		if (strcmp(t->parents[i], parent) == 0)
			return PW_OK;
	cp_name *p = realloc(t->parents, (t->nparents + 1) * sizeof *p);
	if (p == NULL)
		return nomem(err);
	t->parents = p;
	snprintf(p[t->nparents++], sizeof *p, "%s", parent);
	return PW_OK;
}

/* SQLite's type affinity rules (datatype3.html §3.1), in their order. */
static enum kind sqlite_kind(const char *decl)
{
	char u[64];
	size_t i = 0;
	for (; decl != NULL && decl[i] && i + 1 < sizeof u; i++)
		u[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
	u[i] = '\0';
	if (strstr(u, "INT"))
		return K_INT;
	if (strstr(u, "CHAR") || strstr(u, "CLOB") || strstr(u, "TEXT"))
		return K_TEXT;
	if (u[0] == '\0' || strstr(u, "BLOB"))
		return K_BLOB;
	if (strstr(u, "REAL") || strstr(u, "FLOA") || strstr(u, "DOUB"))
		return K_REAL;
	return K_INT; /* NUMERIC affinity: pkiward stores integers there */
}

static enum pw_status load_sqlite(struct side *sd, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(sd->db,
	                       "SELECT name FROM sqlite_master WHERE type = 'table'"
	                       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	                       -1, &s, NULL) != SQLITE_OK)
		return db_err(sd, err, "tables");
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((st = add_table(sd, (const char *)sqlite3_column_text(s, 0), err)) != PW_OK)
			break;
	if (st == PW_OK && rc != SQLITE_DONE)
		st = db_err(sd, err, "tables");
	sqlite3_finalize(s);
	s = NULL;
	for (size_t i = 0; st == PW_OK && i < sd->nt; i++) {
		struct table *t = &sd->t[i];
		/* hidden: 0 ordinary, 1 virtual-table hidden, 2/3 generated — only
		 * ordinary columns hold stored data. */
		if (sqlite3_prepare_v2(sd->db,
		                       "SELECT name, type FROM pragma_table_xinfo(?1) WHERE hidden = 0"
		                       " ORDER BY cid",
		                       -1, &s, NULL) != SQLITE_OK) {
			st = db_err(sd, err, "columns");
			break;
		}
		sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
		while (st == PW_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
			st = add_col(sd, t, (const char *)sqlite3_column_text(s, 0),
			             sqlite_kind((const char *)sqlite3_column_text(s, 1)), 0, 0, err);
		if (st == PW_OK && rc != SQLITE_DONE)
			st = db_err(sd, err, "columns");
		sqlite3_finalize(s);
		s = NULL;
		if (st != PW_OK)
			break;
		if (sqlite3_prepare_v2(sd->db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)",
		                       -1, &s, NULL) != SQLITE_OK) {
			st = db_err(sd, err, "foreign keys");
			break;
		}
		sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
		while (st == PW_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
			st = add_parent(t, (const char *)sqlite3_column_text(s, 0), err);
		if (st == PW_OK && rc != SQLITE_DONE)
			st = db_err(sd, err, "foreign keys");
		sqlite3_finalize(s);
		s = NULL;
	}
	return st;
}

static void pg_kind(unsigned oid, enum kind *k, int *cast_text)
{
	*cast_text = 0;
	switch (oid) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID: *k = K_INT; return;
	case OID_FLOAT4:
	case OID_FLOAT8: *k = K_REAL; return;
	case OID_BYTEA: *k = K_BLOB; return;
	case OID_TEXT:
	case OID_VARCHAR:
	case OID_BPCHAR:
	case OID_NAME:
	case OID_CHAR: *k = K_TEXT; return;
	default: *k = K_TEXT; *cast_text = 1; return;
	}
}

/* Serial (and identity) columns with their sequences: table, column,
 * sequence. */
static const char pg_serials_sql[] =
	"SELECT t.relname, a.attname, s.oid::regclass::text FROM pg_class s"
	" JOIN pg_depend k ON k.classid = 'pg_class'::regclass"
	" AND k.objid = s.oid AND k.refclassid = 'pg_class'::regclass"
	" AND k.deptype IN ('a', 'i')"
	" JOIN pg_class t ON t.oid = k.refobjid"
	" JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.refobjsubid"
	" WHERE s.relkind = 'S' AND t.relnamespace ="
	" (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
	" ORDER BY t.relname, a.attnum";

/* Tables of the current schema (partitions are reached through their
 * parent; temporary tables live in another schema). */
static enum pw_status load_pg(struct side *sd, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	PGresult *r = PQexec(sd->conn,
	                     "SELECT c.relname, a.attname, a.atttypid, a.attgenerated <> ''"
	                     " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
	                     " WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
	                     " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
	                     " AND a.attnum > 0 AND NOT a.attisdropped"
	                     " ORDER BY c.relname, a.attnum");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		st = pg_res_err(sd, r, err, "tables");
		PQclear(r);
		return st;
	}
	for (int i = 0; st == PW_OK && i < PQntuples(r); i++) {
		const char *tn = PQgetvalue(r, i, 0);
		struct table *t = find_table(sd, tn);
		if (t == NULL) {
			if ((st = add_table(sd, tn, err)) != PW_OK)
				break;
			t = &sd->t[sd->nt - 1];
		}
		if (strcmp(PQgetvalue(r, i, 3), "t") == 0)
			continue; /* generated: computed by the server, never written */
		enum kind k;
		int cast;
		unsigned oid = (unsigned)strtoul(PQgetvalue(r, i, 2), NULL, 10);
		pg_kind(oid, &k, &cast);
		st = add_col(sd, t, PQgetvalue(r, i, 1), k, oid, cast, err);
	}
	PQclear(r);
	if (st != PW_OK)
		return st;
	r = PQexec(sd->conn,
	           "SELECT c.relname, p.relname FROM pg_constraint k"
	           " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid"
	           " WHERE k.contype = 'f' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		st = pg_res_err(sd, r, err, "foreign keys");
	for (int i = 0; st == PW_OK && i < PQntuples(r); i++) {
		struct table *t = find_table(sd, PQgetvalue(r, i, 0));
		if (t != NULL)
			st = add_parent(t, PQgetvalue(r, i, 1), err);
	}
	PQclear(r);
	if (st != PW_OK)
		return st;
	r = PQexec(sd->conn,
	           "SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
	           " WHERE NOT g.tgisinternal AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		st = pg_res_err(sd, r, err, "triggers");
	for (int i = 0; st == PW_OK && i < PQntuples(r); i++) {
		struct table *t = find_table(sd, PQgetvalue(r, i, 0));
		if (t != NULL)
			t->triggers = 1;
	}
	PQclear(r);
	if (st != PW_OK)
		return st;
	r = PQexec(sd->conn, pg_serials_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		st = pg_res_err(sd, r, err, "sequences");
	for (int i = 0; st == PW_OK && i < PQntuples(r); i++) {
		struct table *t = find_table(sd, PQgetvalue(r, i, 0));
		if (t != NULL && t->order_col[0] == '\0' && name_ok(PQgetvalue(r, i, 1)))
			snprintf(t->order_col, sizeof t->order_col, "%s", PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return st;
}

/* Derived columns: a column one backend has that repeats a value held
 * elsewhere in the same base. A side that lacks it gets it as an expression
 * over its own tables, so a copy fills it on a target that has it, a
 * target that lacks it is not told of a loss, and hashes agree across the
 * backends. */
static const struct derived {
	const char *table, *column, *parent, *expr;
} derived_cols[] = {
	/* PostgreSQL's certificate_der is partitioned by its certificate's
	 * notAfter (postgres_schema.c, migration 12); SQLite's has no copy. */
	{"certificate_der", "not_after", "certificate",
	 "(SELECT c.not_after FROM certificate c WHERE c.id = cert_id)"},
};

/* Statements run on a PostgreSQL target before a table is copied into it
 * (its parents are copied by then): certificate_der's year partitions, so
 * that the rows are not all routed to its DEFAULT partition. */
static const struct {
	const char *table, *sql;
} pg_before_copy[] = {
	{"certificate_der", "SELECT pw_certificate_der_partitions()"},
};

static enum pw_status add_derived(struct side *sd, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	for (size_t i = 0; st == PW_OK && i < sizeof derived_cols / sizeof derived_cols[0]; i++) {
		const struct derived *dc = &derived_cols[i];
		struct table *t = find_table(sd, dc->table);
		if (t == NULL || find_table(sd, dc->parent) == NULL)
			continue;
		size_t j = 0;
		while (j < t->ncols && strcmp(t->cols[j].name, dc->column) != 0)
			j++;
		if (j < t->ncols)
			continue;
		if ((st = add_col(sd, t, dc->column, K_INT, sd->pg ? OID_INT8 : 0, 0, err)) == PW_OK)
			t->cols[t->ncols - 1].expr = dc->expr;
	}
	return st;
}

static enum pw_status load_schema(struct side *sd, struct pw_error *err)
{
	enum pw_status st = sd->pg ? load_pg(sd, err) : load_sqlite(sd, err);
	return st == PW_OK ? add_derived(sd, err) : st;
}

/* ---------------------------------------------------------------------- */
/* Content hash (store_copy.h, struct pw_store_table_sum)                  */
/* ---------------------------------------------------------------------- */

struct sum {
	uint64_t rows;
	uint8_t acc[32]; /* big-endian, mod 2^256 */
};

static void sum_add(struct sum *s, const uint8_t d[32])
{
	unsigned carry = 0;
	for (int i = 31; i >= 0; i--) {
		unsigned v = (unsigned)s->acc[i] + d[i] + carry;
		s->acc[i] = (uint8_t)v;
		carry = v >> 8;
	}
	s->rows++;
}

static void put_be64(struct pw_buf *b, uint64_t v)
{
	uint64_t x = htobe64(v);
	pw_buf_append(b, &x, 8);
}

static void enc_val(struct pw_buf *b, const struct val *v)
{
	uint64_t bits;
	switch (v->c) {
	case V_NULL: pw_buf_append(b, "N", 1); break;
	case V_INT:
		pw_buf_append(b, "I", 1);
		put_be64(b, (uint64_t)v->i);
		break;
	case V_REAL:
		memcpy(&bits, &v->r, 8);
		pw_buf_append(b, "R", 1);
		put_be64(b, bits);
		break;
	case V_BYTES:
		pw_buf_append(b, "S", 1);
		put_be64(b, (uint64_t)v->n);
		if (v->n > 0)
			pw_buf_append(b, v->p, v->n);
		break;
	}
}

/* The columns two tables share, by name: a[k] and b[k] index the two
 * tables' columns for value position k; order[] lists positions sorted by
 * column name (the hash order). b may be NULL (every column of a). With
 * writing, b is a copy's target: its derived columns are left out. */
struct colmap {
	size_t n;
	size_t a[PW_STORE_COPY_MAX_COLUMNS];
	size_t b[PW_STORE_COPY_MAX_COLUMNS];
	size_t order[PW_STORE_COPY_MAX_COLUMNS];
};

static const struct table *cmp_tab;
static int cmp_order(const void *x, const void *y)
{
	/* qsort has no context argument; the map is built on one thread. */
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	return strcmp(cmp_tab->cols[i].name, cmp_tab->cols[j].name);
}

static void colmap_build(struct colmap *m, const struct table *a, const struct table *b,
                         int writing)
{
	size_t idx[PW_STORE_COPY_MAX_COLUMNS];
	m->n = 0;
	for (size_t i = 0; i < a->ncols; i++) {
		size_t j = 0;
		if (b != NULL) {
			while (j < b->ncols && strcmp(b->cols[j].name, a->cols[i].name) != 0)
				j++;
			if (j == b->ncols || (writing && b->cols[j].expr != NULL))
				continue;
		}
		m->a[m->n] = i;
		m->b[m->n] = j;
		idx[m->n] = i;
		m->n++;
	}
	cmp_tab = a;
	qsort(idx, m->n, sizeof idx[0], cmp_order);
	for (size_t k = 0; k < m->n; k++)
		for (size_t p = 0; p < m->n; p++)
			if (m->a[p] == idx[k]) {
				m->order[k] = p;
				break;
			}
}

static void sum_final(const struct sum *s, const struct table *t, const struct colmap *m,
                      uint8_t out[32])
{
	struct pw_buf b;
	pw_buf_init(&b);
	pw_buf_append(&b, "pkiward-table-v1", 17);
	pw_buf_append(&b, t->name, strlen(t->name) + 1);
	for (size_t k = 0; k < m->n; k++) {
		const char *cn = t->cols[m->a[m->order[k]]].name;
		pw_buf_append(&b, cn, strlen(cn) + 1);
	}
	put_be64(&b, s->rows);
	pw_buf_append(&b, s->acc, 32);
	if (b.failed)
		memset(out, 0, 32); /* cannot match a real hash: reported as a mismatch */
	else
		SHA256(b.data, b.len, out);
	pw_buf_cleanup(&b);
}

/* ---------------------------------------------------------------------- */
/* Reading a table                                                         */
/* ---------------------------------------------------------------------- */

typedef enum pw_status (*row_fn)(void *ctx, const struct val *v, struct pw_error *err);

static void select_list(struct pw_buf *b, const struct table *t, const struct colmap *m, int a_side)
{
	for (size_t k = 0; k < m->n; k++) {
		const struct col *c = &t->cols[a_side ? m->a[k] : m->b[k]];
		if (k)
			pw_buf_puts(b, ", ");
		if (c->expr != NULL) {
			pw_buf_puts(b, c->expr);
			continue;
		}
		qident(b, c->name);
		if (c->cast_text)
			pw_buf_puts(b, "::text");
	}
}

static enum pw_status read_sqlite(struct side *sd, const struct table *t, const struct colmap *m,
                                  int a_side, row_fn fn, void *ctx, struct pw_error *err)
{
	struct val v[PW_STORE_COPY_MAX_COLUMNS];
	struct pw_buf b;
	sqlite3_stmt *s = NULL;
	enum pw_status st = PW_OK;
	int rc;
	pw_buf_init(&b);
	pw_buf_puts(&b, "SELECT ");
	select_list(&b, t, m, a_side);
	pw_buf_puts(&b, " FROM ");
	qident(&b, t->name);
	const char *sql = sql_of(&b);
	if (sql == NULL) {
		st = nomem(err);
		goto out;
	}
	if (sqlite3_prepare_v2(sd->db, sql, -1, &s, NULL) != SQLITE_OK) {
		st = db_err(sd, err, t->name);
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (size_t k = 0; k < m->n; k++) {
			int ci = (int)k;
			memset(&v[k], 0, sizeof v[k]);
			switch (sqlite3_column_type(s, ci)) {
			case SQLITE_NULL: v[k].c = V_NULL; break;
			case SQLITE_INTEGER:
				v[k].c = V_INT;
				v[k].i = sqlite3_column_int64(s, ci);
				break;
			case SQLITE_FLOAT:
				v[k].c = V_REAL;
				v[k].r = sqlite3_column_double(s, ci);
				break;
			default: /* TEXT and BLOB: the stored bytes (UTF-8 bases) */
				v[k].c = V_BYTES;
				v[k].p = sqlite3_column_blob(s, ci);
				v[k].n = (size_t)sqlite3_column_bytes(s, ci);
				if (v[k].p == NULL)
					v[k].p = (const uint8_t *)"";
				break;
			}
		}
		if ((st = fn(ctx, v, err)) != PW_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		st = db_err(sd, err, t->name);
out:
	sqlite3_finalize(s);
	pw_buf_cleanup(&b);
	return st;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return be32toh(x);
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t x;
	memcpy(&x, p, 2);
	return be16toh(x);
}

/* Binary COPY's layout (COPY documentation, "Binary Format"): an 11-byte
 * signature, 4 bytes of flags, a 4-byte header-extension length and the
 * extension; per tuple a 16-bit field count (-1 ends the data) and per
 * field a 32-bit length (-1 = NULL) and the value in its type's binary
 * form (big-endian integers and floats, raw bytea and text bytes). */
static const uint8_t copy_sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};

struct pgread {
	struct side *sd;
	const struct table *t;
	const struct colmap *m;
	int a_side;
	int header, ended;
	uint64_t row;
};

static enum pw_status bad_copy(struct pgread *r, struct pw_error *err, const char *why)
{
	return pw_error_set(err, PW_ERR_STORE, 0, 0, r->sd->label,
	                    "table %s, row %" PRIu64 ": malformed COPY data from the server (%s)",
	                    r->t->name, r->row + 1, why);
}

static enum pw_status decode_field(struct pgread *r, const struct col *c, const uint8_t *p,
                                   size_t n, struct val *v, struct pw_error *err)
{
	uint64_t u;
	memset(v, 0, sizeof *v);
	unsigned t = c->cast_text ? OID_TEXT : c->pgtype;
	switch (t) {
	case OID_INT8:
		if (n != 8)
			return bad_copy(r, err, "int8 width");
		memcpy(&u, p, 8);
		v->c = V_INT;
		v->i = (int64_t)be64toh(u);
		return PW_OK;
	case OID_INT4:
		if (n != 4)
			return bad_copy(r, err, "int4 width");
		v->c = V_INT;
		v->i = (int32_t)rd32(p);
		return PW_OK;
	case OID_OID:
		if (n != 4)
			return bad_copy(r, err, "oid width");
		v->c = V_INT;
		v->i = (int64_t)rd32(p);
		return PW_OK;
	case OID_INT2:
		if (n != 2)
			return bad_copy(r, err, "int2 width");
		v->c = V_INT;
		v->i = (int16_t)rd16(p);
		return PW_OK;
	case OID_BOOL:
		if (n != 1)
			return bad_copy(r, err, "bool width");
		v->c = V_INT;
		v->i = p[0] != 0;
		return PW_OK;
	case OID_FLOAT8:
		if (n != 8)
			return bad_copy(r, err, "float8 width");
		memcpy(&u, p, 8);
		u = be64toh(u);
		v->c = V_REAL;
		memcpy(&v->r, &u, 8);
		return PW_OK;
	case OID_FLOAT4: {
		float f;
		uint32_t w;
		if (n != 4)
			return bad_copy(r, err, "float4 width");
		w = rd32(p);
		memcpy(&f, &w, 4);
		v->c = V_REAL;
		v->r = f;
		return PW_OK;
	}
	default:
		v->c = V_BYTES;
		v->p = n ? p : (const uint8_t *)"";
		v->n = n;
		return PW_OK;
	}
}

/* Parses the complete tuples in in[*pos..), calling fn for each; leaves
 * *pos at the first incomplete one. */
static enum pw_status parse_tuples(struct pgread *r, const struct pw_buf *in, size_t *pos,
                                   row_fn fn, void *ctx, struct pw_error *err)
{
	struct val v[PW_STORE_COPY_MAX_COLUMNS];
	enum pw_status st;
	const uint8_t *d = in->data;
	size_t len = in->len;
	if (!r->header) {
		if (len - *pos < 19)
			return PW_OK;
		if (memcmp(d + *pos, copy_sig, sizeof copy_sig) != 0)
			return bad_copy(r, err, "signature");
		uint32_t ext = rd32(d + *pos + 15);
		if (ext > (1u << 20))
			return bad_copy(r, err, "header extension");
		if (len - *pos < 19 + (size_t)ext)
			return PW_OK;
		*pos += 19 + ext;
		r->header = 1;
	}
	while (!r->ended) {
		size_t p = *pos;
		if (len - p < 2)
			return PW_OK;
		int16_t nf = (int16_t)rd16(d + p);
		p += 2;
		if (nf == -1) {
			r->ended = 1;
			*pos = p;
			return PW_OK;
		}
		if (nf < 0 || (size_t)nf != r->m->n)
			return bad_copy(r, err, "field count");
		for (size_t k = 0; k < r->m->n; k++) {
			if (len - p < 4)
				return PW_OK;
			uint32_t fl = rd32(d + p);
			p += 4;
			const struct col *c = &r->t->cols[r->a_side ? r->m->a[k] : r->m->b[k]];
			if (fl == 0xffffffffu) {
				memset(&v[k], 0, sizeof v[k]);
				v[k].c = V_NULL;
				continue;
			}
			if (fl > PW_STORE_COPY_MAX_VALUE)
				return pw_error_set(err, PW_ERR_LIMIT, 0, 0, r->sd->label,
				                    "table %s, row %" PRIu64 ", column %s: a value of %" PRIu32
				                    " bytes (limit %zu)",
				                    r->t->name, r->row + 1, c->name, fl,
				                    (size_t)PW_STORE_COPY_MAX_VALUE);
			if (len - p < fl)
				return PW_OK;
			if ((st = decode_field(r, c, d + p, fl, &v[k], err)) != PW_OK)
				return st;
			p += fl;
		}
		*pos = p;
		if ((st = fn(ctx, v, err)) != PW_OK)
			return st;
		r->row++;
	}
	return PW_OK;
}

static enum pw_status read_pg(struct side *sd, const struct table *t, const struct colmap *m,
                              int a_side, row_fn fn, void *ctx, struct pw_error *err)
{
	struct pgread r = {sd, t, m, a_side, 0, 0, 0};
	struct pw_buf b, in;
	enum pw_status st = PW_OK;
	PGresult *res = NULL;
	size_t pos = 0;
	int copying = 0;
	pw_buf_init(&b);
	pw_buf_init(&in);
	pw_buf_puts(&b, "COPY (SELECT ");
	select_list(&b, t, m, a_side);
	pw_buf_puts(&b, " FROM ");
	qident(&b, t->name);
	/* Copying to SQLite: rows arrive in insertion order, so the rowids the
	 * target gives them keep the order readers of rowid tables rely on
	 * (e.g. a report's certificates, listed in the order they were named). */
	if (sd->ordered && t->order_col[0] != '\0') {
		pw_buf_puts(&b, " ORDER BY ");
		qident(&b, t->order_col);
	}
	pw_buf_puts(&b, ") TO STDOUT (FORMAT binary)");
	const char *sql = sql_of(&b);
	if (sql == NULL) {
		st = nomem(err);
		goto out;
	}
	res = PQexec(sd->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		st = pg_res_err(sd, res, err, t->name);
		goto out;
	}
	PQclear(res);
	res = NULL;
	copying = 1;
	for (;;) {
		char *chunk = NULL;
		int n = PQgetCopyData(sd->conn, &chunk, 0);
		if (n == -1) {
			copying = 0;
			break;
		}
		if (n < 0) {
			copying = 0;
			st = db_err(sd, err, t->name);
			break;
		}
		pw_buf_append(&in, chunk, (size_t)n);
		PQfreemem(chunk);
		if (in.failed) {
			st = nomem(err);
			break;
		}
		if ((st = parse_tuples(&r, &in, &pos, fn, ctx, err)) != PW_OK)
			break;
		/* Keep only the unparsed tail (usually nothing: one tuple per message). */
		if (pos > 0) {
			memmove(in.data, in.data + pos, in.len - pos);
			in.len -= pos;
			pos = 0;
		}
	}
	if (st == PW_OK && (!r.header || !r.ended || pos != in.len))
		st = bad_copy(&r, err, "data ends early or has trailing bytes");
out:
	if (copying) {
		/* Stop a COPY we gave up on; the transaction is rolled back after. */
		PGcancel *c = PQgetCancel(sd->conn);
		char e[64];
		if (c != NULL) {
			PQcancel(c, e, sizeof e);
			PQfreeCancel(c);
		}
		char *chunk;
		int n;
		while ((n = PQgetCopyData(sd->conn, &chunk, 0)) >= 0)
			PQfreemem(chunk);
	}
	PQclear(res);
	/* The COPY's own outcome (or nothing, after a failed start). */
	while ((res = PQgetResult(sd->conn)) != NULL) {
		if (st == PW_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			st = pg_res_err(sd, res, err, t->name);
		PQclear(res);
	}
	pw_buf_cleanup(&b);
	pw_buf_cleanup(&in);
	return st;
}

static enum pw_status read_table(struct side *sd, const struct table *t, const struct colmap *m,
                                 int a_side, row_fn fn, void *ctx, struct pw_error *err)
{
	return sd->pg ? read_pg(sd, t, m, a_side, fn, ctx, err)
	              : read_sqlite(sd, t, m, a_side, fn, ctx, err);
}

/* ---------------------------------------------------------------------- */
/* Hashing (and, when copying, writing) each row                           */
/* ---------------------------------------------------------------------- */

struct rowctx {
	const struct table *src;   /* the side whose values these are */
	const struct colmap *m;
	int a_side;
	struct sum sum;
	struct pw_buf scratch;
	/* Writing (copy only). */
	struct side *dst;
	const struct table *dt;
	sqlite3_stmt *ins;
	struct pw_buf out;         /* PostgreSQL COPY data not yet sent */
	size_t batch;
	pw_store_copy_progress_fn progress;
	void *progress_ctx;
};

static const char *kind_name(const struct col *c)
{
	switch (c->kind) {
	case K_INT: return "integer";
	case K_REAL: return "real";
	case K_TEXT: return "text";
	default: return "blob";
	}
}

static const char *vcls_name(enum vcls c)
{
	switch (c) {
	case V_INT: return "an integer";
	case V_REAL: return "a real";
	case V_BYTES: return "text or bytes";
	default: return "NULL";
	}
}

static enum pw_status misfit(struct rowctx *c, const struct col *dc, const struct val *v,
                             const char *why, struct pw_error *err)
{
	return pw_error_set(err, PW_ERR_STORE, 0, 0, "copy",
	                    "table %s, row %" PRIu64 ", column %s: %s where the target column is %s%s",
	                    c->src->name, c->sum.rows, dc->name, vcls_name(v->c), kind_name(dc), why);
}

static enum pw_status put_pg_value(struct rowctx *c, const struct col *dc, const struct val *v,
                                   struct pw_error *err)
{
	struct pw_buf *b = &c->out;
	uint32_t len;
	if (v->c == V_NULL) {
		len = 0xffffffffu;
		pw_buf_append(b, &len, 4);
		return PW_OK;
	}
	switch (dc->pgtype) {
	case OID_INT8:
	case OID_INT4:
	case OID_INT2:
	case OID_OID:
	case OID_BOOL: {
		if (v->c != V_INT)
			return misfit(c, dc, v, "", err);
		int64_t i = v->i;
		if (dc->pgtype == OID_INT8) {
			uint64_t x = htobe64((uint64_t)i);
			len = htobe32(8);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 8);
		} else if (dc->pgtype == OID_INT4 || dc->pgtype == OID_OID) {
			int ok = dc->pgtype == OID_INT4 ? (i >= INT32_MIN && i <= INT32_MAX)
			                                : (i >= 0 && i <= (int64_t)UINT32_MAX);
			if (!ok)
				return misfit(c, dc, v, " (out of its 32-bit range)", err);
			uint32_t x = htobe32((uint32_t)i);
			len = htobe32(4);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 4);
		} else if (dc->pgtype == OID_INT2) {
			if (i < INT16_MIN || i > INT16_MAX)
				return misfit(c, dc, v, " (out of its 16-bit range)", err);
			uint16_t x = htobe16((uint16_t)i);
			len = htobe32(2);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 2);
		} else {
			if (i != 0 && i != 1)
				return misfit(c, dc, v, " (a boolean takes 0 or 1)", err);
			uint8_t x = (uint8_t)i;
			len = htobe32(1);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 1);
		}
		return PW_OK;
	}
	case OID_FLOAT8:
	case OID_FLOAT4: {
		if (v->c != V_REAL)
			return misfit(c, dc, v, "", err);
		if (dc->pgtype == OID_FLOAT8) {
			uint64_t x;
			memcpy(&x, &v->r, 8);
			x = htobe64(x);
			len = htobe32(8);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 8);
		} else {
			float f = (float)v->r;
			uint32_t x;
			if ((double)f != v->r)
				return misfit(c, dc, v, " (float4 would round it)", err);
			memcpy(&x, &f, 4);
			x = htobe32(x);
			len = htobe32(4);
			pw_buf_append(b, &len, 4);
			pw_buf_append(b, &x, 4);
		}
		return PW_OK;
	}
	case OID_BYTEA:
	case OID_TEXT:
	case OID_VARCHAR:
	case OID_BPCHAR:
	case OID_NAME:
	case OID_CHAR:
		if (v->c != V_BYTES)
			return misfit(c, dc, v, "", err);
		if (v->n > PW_STORE_COPY_MAX_VALUE)
			return misfit(c, dc, v, " (too long)", err);
		len = htobe32((uint32_t)v->n);
		pw_buf_append(b, &len, 4);
		if (v->n)
			pw_buf_append(b, v->p, v->n);
		return PW_OK;
	default:
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "copy",
		                    "target table %s, column %s: PostgreSQL type oid %u has no mapping "
		                    "in store copy",
		                    c->dt->name, dc->name, dc->pgtype);
	}
}

static enum pw_status put_sqlite_value(struct rowctx *c, int i, const struct col *dc,
                                       const struct val *v, struct pw_error *err)
{
	sqlite3_stmt *s = c->ins;
	switch (v->c) {
	case V_NULL: sqlite3_bind_null(s, i); return PW_OK;
	case V_INT:
		if (dc->kind != K_INT)
			return misfit(c, dc, v, "", err);
		sqlite3_bind_int64(s, i, v->i);
		return PW_OK;
	case V_REAL:
		if (dc->kind != K_REAL)
			return misfit(c, dc, v, "", err);
		sqlite3_bind_double(s, i, v->r);
		return PW_OK;
	case V_BYTES:
		if (dc->kind != K_TEXT && dc->kind != K_BLOB)
			return misfit(c, dc, v, "", err);
		if (v->n > (size_t)INT32_MAX)
			return misfit(c, dc, v, " (too long)", err);
		if (dc->kind == K_TEXT)
			sqlite3_bind_text(s, i, (const char *)v->p, (int)v->n, SQLITE_STATIC);
		else
			sqlite3_bind_blob(s, i, v->p, (int)v->n, SQLITE_STATIC);
		return PW_OK;
	}
	return PW_OK;
}

static enum pw_status pg_flush(struct rowctx *c, struct pw_error *err)
{
	for (size_t off = 0; off < c->out.len;) {
		size_t n = c->out.len - off < CP_CHUNK ? c->out.len - off : CP_CHUNK;
		if (PQputCopyData(c->dst->conn, (const char *)c->out.data + off, (int)n) != 1)
			return db_err(c->dst, err, c->dt->name);
		off += n;
	}
	c->out.len = 0;
	return PW_OK;
}

static enum pw_status on_row(void *ctx, const struct val *v, struct pw_error *err)
{
	struct rowctx *c = ctx;
	const struct colmap *m = c->m;
	enum pw_status st;
	uint8_t d[32];
	c->scratch.len = 0;
	for (size_t k = 0; k < m->n; k++)
		enc_val(&c->scratch, &v[m->order[k]]);
	if (c->scratch.failed)
		return nomem(err);
	SHA256(c->scratch.data, c->scratch.len, d);
	sum_add(&c->sum, d);
	if (c->dst == NULL)
		goto progress;
	if (c->dst->pg) {
		uint16_t nf = htobe16((uint16_t)m->n);
		pw_buf_append(&c->out, &nf, 2);
		for (size_t k = 0; k < m->n; k++)
			if ((st = put_pg_value(c, &c->dt->cols[m->b[k]], &v[k], err)) != PW_OK)
				return st;
		if (c->out.failed)
			return nomem(err);
		if (c->out.len >= CP_CHUNK || c->sum.rows % c->batch == 0)
			if ((st = pg_flush(c, err)) != PW_OK)
				return st;
	} else {
		for (size_t k = 0; k < m->n; k++)
			if ((st = put_sqlite_value(c, (int)k + 1, &c->dt->cols[m->b[k]], &v[k], err)) !=
			    PW_OK)
				return st;
		int rc = sqlite3_step(c->ins);
		sqlite3_reset(c->ins);
		sqlite3_clear_bindings(c->ins);
		if (rc != SQLITE_DONE) {
			char msg[CP_MSG_MAX];
			snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(c->dst->db));
			return pw_error_set(err, PW_ERR_STORE, 0, 0, "target",
			                    "table %s, row %" PRIu64 ": sqlite: %s", c->dt->name,
			                    c->sum.rows, msg);
		}
	}
progress:
	if (c->progress != NULL && c->sum.rows % c->batch == 0)
		c->progress(c->progress_ctx, c->src->name, c->sum.rows);
	return PW_OK;
}

static void rowctx_init(struct rowctx *c, const struct table *src, const struct colmap *m,
                        int a_side, size_t batch, pw_store_copy_progress_fn progress, void *pctx)
{
	memset(c, 0, sizeof *c);
	c->src = src;
	c->m = m;
	c->a_side = a_side;
	c->batch = batch ? batch : PW_STORE_COPY_BATCH_DEFAULT;
	c->progress = progress;
	c->progress_ctx = pctx;
	pw_buf_init(&c->scratch);
	pw_buf_init(&c->out);
}

static void rowctx_cleanup(struct rowctx *c)
{
	pw_buf_cleanup(&c->scratch);
	pw_buf_cleanup(&c->out);
	sqlite3_finalize(c->ins);
	c->ins = NULL;
}

/* Summarises one table of one side (a_side: which column list of m). */
static enum pw_status table_sum(struct side *sd, const struct table *t, const struct colmap *m,
                                int a_side, pw_store_copy_progress_fn progress, void *pctx,
                                uint64_t *rows, uint8_t hash[32], struct pw_error *err)
{
	struct rowctx c;
	enum pw_status st;
	rowctx_init(&c, t, m, a_side, 0, progress, pctx);
	st = read_table(sd, t, m, a_side, on_row, &c, err);
	if (st == PW_OK) {
		*rows = c.sum.rows;
		sum_final(&c.sum, t, m, hash);
	}
	rowctx_cleanup(&c);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Copying one table                                                       */
/* ---------------------------------------------------------------------- */

static enum pw_status copy_table(struct side *src, const struct table *st_, struct side *dst,
                                 const struct table *dt, const struct colmap *m,
                                 const struct pw_store_copy_opts *o, uint64_t *rows,
                                 uint8_t hash[32], struct pw_error *err)
{
	struct rowctx c;
	struct pw_buf b;
	enum pw_status st = PW_OK;
	PGresult *r = NULL;
	int copying = 0;
	rowctx_init(&c, st_, m, 1, o->batch, o->progress, o->progress_ctx);
	c.dst = dst;
	c.dt = dt;
	pw_buf_init(&b);
	if (dst->pg)
		pw_buf_puts(&b, "COPY ");
	else
		pw_buf_puts(&b, "INSERT INTO ");
	qident(&b, dt->name);
	pw_buf_puts(&b, " (");
	select_list(&b, dt, m, 0);
	if (dst->pg) {
		pw_buf_puts(&b, ") FROM STDIN (FORMAT binary)");
	} else {
		pw_buf_puts(&b, ") VALUES (");
		for (size_t k = 0; k < m->n; k++)
			pw_buf_puts(&b, k ? ", ?" : "?");
		pw_buf_puts(&b, ")");
	}
	const char *sql = sql_of(&b);
	if (sql == NULL) {
		st = nomem(err);
		goto out;
	}
	if (dst->pg) {
		r = PQexec(dst->conn, sql);
		if (PQresultStatus(r) != PGRES_COPY_IN) {
			st = pg_res_err(dst, r, err, dt->name);
			goto out;
		}
		PQclear(r);
		r = NULL;
		copying = 1;
		static const uint8_t hdr[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* flags, extension length */
		pw_buf_append(&c.out, copy_sig, sizeof copy_sig);
		pw_buf_append(&c.out, hdr, sizeof hdr);
	} else if (sqlite3_prepare_v2(dst->db, sql, -1, &c.ins, NULL) != SQLITE_OK) {
		st = db_err(dst, err, dt->name);
		goto out;
	}
	if ((st = read_table(src, st_, m, 1, on_row, &c, err)) != PW_OK)
		goto out;
	if (dst->pg) {
		uint16_t trailer = 0xffff;
		pw_buf_append(&c.out, &trailer, 2);
		if (c.out.failed) {
			st = nomem(err);
			goto out;
		}
		if ((st = pg_flush(&c, err)) != PW_OK)
			goto out;
		copying = 0;
		if (PQputCopyEnd(dst->conn, NULL) != 1) {
			st = db_err(dst, err, dt->name);
			goto out;
		}
		while ((r = PQgetResult(dst->conn)) != NULL) {
			if (st == PW_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
				st = pg_res_err(dst, r, err, dt->name);
			PQclear(r);
		}
	}
	if (st == PW_OK) {
		*rows = c.sum.rows;
		sum_final(&c.sum, st_, m, hash);
		if (o->progress != NULL)
			o->progress(o->progress_ctx, st_->name, c.sum.rows);
	}
out:
	if (copying) {
		/* Abandon the COPY: the server discards its rows; the whole
		 * transaction is rolled back by the caller. */
		PQputCopyEnd(dst->conn, "pkiward store copy stopped");
		while ((r = PQgetResult(dst->conn)) != NULL)
			PQclear(r);
	}
	PQclear(r);
	rowctx_cleanup(&c);
	pw_buf_cleanup(&b);
	return st;
}

/* ---------------------------------------------------------------------- */
/* Target preparation: emptiness, triggers, sequences                      */
/* ---------------------------------------------------------------------- */

/* ALTER TABLE ... <verb> TRIGGER USER on every PostgreSQL table that has
 * triggers; verb is "DISABLE" or "ENABLE". */
static enum pw_status pg_user_triggers(struct side *d, const char *verb, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	struct pw_buf b;
	pw_buf_init(&b);
	for (size_t i = 0; st == PW_OK && i < d->nt; i++) {
		if (!d->t[i].triggers)
			continue;
		b.len = 0;
		pw_buf_puts(&b, "ALTER TABLE ");
		qident(&b, d->t[i].name);
		pw_buf_puts(&b, " ");
		pw_buf_puts(&b, verb);
		pw_buf_puts(&b, " TRIGGER USER");
		const char *sql = sql_of(&b);
		st = sql ? exec_sql(d, sql, err, d->t[i].name) : nomem(err);
	}
	pw_buf_cleanup(&b);
	return st;
}

/* Triggers would add rows of their own while rows are copied (the publish
 * area's change counter counts every revocation inserted): on SQLite they
 * are dropped inside the copy's transaction and re-created from their
 * stored text before it commits; on PostgreSQL user triggers are disabled
 * for the transaction (foreign keys, system triggers, stay enforced). */
static enum pw_status triggers_off(struct side *d, struct pw_error *err)
{
	if (d->pg)
		return pg_user_triggers(d, "DISABLE", err);
	enum pw_status st = PW_OK;
	struct pw_buf b;
	pw_buf_init(&b);
	sqlite3_stmt *s = NULL;
	char **names = NULL;
	size_t n = 0;
	if (sqlite3_prepare_v2(d->db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
	                       -1, &s, NULL) != SQLITE_OK) {
		pw_buf_cleanup(&b);
		return db_err(d, err, "triggers");
	}
	while (st == PW_OK && sqlite3_step(s) == SQLITE_ROW) {
		char **ns = realloc(names, (n + 1) * sizeof *ns);
		char **ss = ns ? realloc(d->trig_sql, (n + 1) * sizeof *ss) : NULL;
		if (ns != NULL)
			names = ns;
		if (ss != NULL)
			d->trig_sql = ss;
		if (ns == NULL || ss == NULL) {
			st = nomem(err);
			break;
		}
		names[n] = strdup((const char *)sqlite3_column_text(s, 0));
		d->trig_sql[n] = strdup((const char *)sqlite3_column_text(s, 1));
		n++;
		d->ntrig = n;
		if (names[n - 1] == NULL || d->trig_sql[n - 1] == NULL)
			st = nomem(err);
	}
	sqlite3_finalize(s);
	for (size_t i = 0; st == PW_OK && i < n; i++) {
		b.len = 0;
		pw_buf_puts(&b, "DROP TRIGGER ");
		qident(&b, names[i]);
		const char *sql = sql_of(&b);
		st = sql ? exec_sql(d, sql, err, "triggers") : nomem(err);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	pw_buf_cleanup(&b);
	return st;
}

static enum pw_status triggers_on(struct side *d, struct pw_error *err)
{
	if (d->pg)
		return pg_user_triggers(d, "ENABLE", err);
	enum pw_status st = PW_OK;
	for (size_t i = 0; st == PW_OK && i < d->ntrig; i++)
		if (d->trig_sql[i] != NULL)
			st = exec_sql(d, d->trig_sql[i], err, "triggers");
	return st;
}

/* Serial columns continue after the copied ids (new rows on the target
 * must not collide with copied ones). */
static enum pw_status pg_sequences(struct side *d, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	struct pw_buf b;
	PGresult *r = PQexec(d->conn, pg_serials_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		st = pg_res_err(d, r, err, "sequences");
		PQclear(r);
		return st;
	}
	pw_buf_init(&b);
	for (int i = 0; st == PW_OK && i < PQntuples(r); i++) {
		const char *params[1] = {PQgetvalue(r, i, 2)};
		b.len = 0;
		pw_buf_puts(&b, "SELECT setval($1::regclass, COALESCE((SELECT MAX(");
		qident(&b, PQgetvalue(r, i, 1));
		pw_buf_puts(&b, ") FROM ");
		qident(&b, PQgetvalue(r, i, 0));
		pw_buf_puts(&b, "), 0) + 1, false)");
		const char *sql = sql_of(&b);
		if (sql == NULL) {
			st = nomem(err);
			break;
		}
		PGresult *q = PQexecParams(d->conn, sql, 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(q) != PGRES_TUPLES_OK)
			st = pg_res_err(d, q, err, "sequences");
		PQclear(q);
	}
	PQclear(r);
	pw_buf_cleanup(&b);
	return st;
}

/* What a new base holds before anything is stored (rows its migrations
 * insert, such as the publish area's change counter): read from a new
 * SQLite base made in a temporary directory, so the rule follows the
 * migrations without a list here. A target table holding exactly those
 * rows still counts as empty. */
struct fresh {
	char dir[256];
	char path[300];
	struct side sd;
	int open;
};

static enum pw_status fresh_open(struct fresh *f, struct pw_error *err)
{
	const char *tmp = getenv("TMPDIR");
	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "%s/pkiward-copy-XXXXXX",
	         tmp != NULL && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return pw_error_set(err, PW_ERR_IO, 0, 0, "copy", "%s: %s", f->dir, strerror(errno));
	snprintf(f->path, sizeof f->path, "%s/new.db", f->dir);
	f->open = 1;
	enum pw_status st = side_open(&f->sd, "new base", f->path, PW_STORE_CREATE, err);
	if (st == PW_OK)
		st = load_schema(&f->sd, err);
	return st;
}

static void fresh_close(struct fresh *f)
{
	char p[320];
	if (!f->open)
		return;
	side_close(&f->sd);
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	f->open = 0;
}

/* 1 when target table t holds exactly what the same table of a new base
 * holds (compared over the columns both have). */
static enum pw_status same_as_new(struct side *d, const struct table *t, struct fresh *f,
                                  int *out, struct pw_error *err)
{
	struct colmap m;
	uint64_t ra, rb;
	uint8_t ha[32], hb[32];
	enum pw_status st;
	*out = 0;
	const struct table *ft = find_table(&f->sd, t->name);
	if (ft == NULL)
		return PW_OK;
	colmap_build(&m, t, ft, 0);
	if ((st = table_sum(d, t, &m, 1, NULL, NULL, &ra, ha, err)) != PW_OK)
		return st;
	/* The new base's side of the same map: b indexes ft's columns. */
	struct colmap mb = m;
	for (size_t k = 0; k < m.n; k++) {
		mb.a[k] = m.b[k];
		mb.b[k] = m.a[k];
	}
	if ((st = table_sum(&f->sd, ft, &mb, 1, NULL, NULL, &rb, hb, err)) != PW_OK)
		return st;
	*out = ra == rb && memcmp(ha, hb, 32) == 0;
	return PW_OK;
}

/* ---------------------------------------------------------------------- */
/* Plans and results                                                       */
/* ---------------------------------------------------------------------- */

void pw_store_compare_cleanup(struct pw_store_compare *c)
{
	if (c == NULL)
		return;
	free(c->tables);
	memset(c, 0, sizeof *c);
}

static struct pw_store_table_sum *result_add(struct pw_store_compare *c, const char *name,
                                             struct pw_error *err)
{
	for (size_t i = 0; i < c->n_tables; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	struct pw_store_table_sum *t = realloc(c->tables, (c->n_tables + 1) * sizeof *t);
	if (t == NULL) {
		nomem(err);
		return NULL;
	}
	c->tables = t;
	t = &t[c->n_tables++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	return t;
}

static int cmp_result(const void *x, const void *y)
{
	return strcmp(((const struct pw_store_table_sum *)x)->name,
	              ((const struct pw_store_table_sum *)y)->name);
}

static void result_finish(struct pw_store_compare *c)
{
	c->mismatches = 0;
	for (size_t i = 0; i < c->n_tables; i++)
		if (!c->tables[i].match)
			c->mismatches++;
	if (c->n_tables > 1)
		qsort(c->tables, c->n_tables, sizeof c->tables[0], cmp_result);
}

/* One table to copy: the source's, the target's, the shared columns. */
struct plan {
	struct table *s, *d;
	struct colmap m;
	int done;
};

/* Orders plans so that a table comes after every table its foreign keys
 * reference (on either side), as the target checks each row on insert. */
static enum pw_status order_plans(struct plan *p, size_t n, struct pw_error *err)
{
	for (size_t placed = 0; placed < n; placed++) {
		size_t pick = n;
		for (size_t i = placed; i < n && pick == n; i++) {
			int ready = 1;
			for (size_t j = placed; j < n && ready; j++) {
				if (j == i)
					continue;
				const char *other = p[j].d->name;
				for (size_t k = 0; k < p[i].d->nparents && ready; k++)
					ready = strcmp(p[i].d->parents[k], other) != 0;
				for (size_t k = 0; k < p[i].s->nparents && ready; k++)
					ready = strcmp(p[i].s->parents[k], other) != 0;
			}
			if (ready)
				pick = i;
		}
		if (pick == n)
			return pw_error_set(err, PW_ERR_STORE, 0, 0, "copy",
			                    "the foreign keys of table %s and others form a cycle",
			                    p[placed].d->name);
		struct plan tmp = p[pick];
		memmove(&p[placed + 1], &p[placed], (pick - placed) * sizeof *p);
		p[placed] = tmp;
	}
	return PW_OK;
}

static int same_location(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return 1;
	if (is_pg(a) || is_pg(b))
		return 0;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* ---------------------------------------------------------------------- */
/* pw_store_copy                                                           */
/* ---------------------------------------------------------------------- */

enum pw_status pw_store_copy(const char *from, const char *to, const struct pw_store_copy_opts *o,
                             struct pw_store_compare *out, struct pw_error *err)
{
	struct pw_store_copy_opts opts = {0};
	struct side src, dst;
	struct fresh fr;
	struct plan *plans = NULL;
	size_t np = 0;
	int *seeded = NULL; /* per target table: holds a new base's rows, to be replaced */
	enum pw_status st;

	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	memset(&fr, 0, sizeof fr);
	if (out == NULL || from == NULL || to == NULL || *from == '\0' || *to == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "a source and a target are required");
	memset(out, 0, sizeof *out);
	if (o != NULL)
		opts = *o;
	if (opts.batch == 0)
		opts.batch = PW_STORE_COPY_BATCH_DEFAULT;
	if (opts.batch > PW_STORE_COPY_BATCH_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "batch", "at most %d rows",
		                    PW_STORE_COPY_BATCH_MAX);
	if (same_location(from, to))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "the source and the target are the same base");

	if ((st = side_open(&src, "source", from, PW_STORE_READONLY, err)) != PW_OK ||
	    (st = side_open(&dst, "target", to, PW_STORE_CREATE, err)) != PW_OK)
		goto out;
	out->schema_a = src.schema;
	out->schema_b = dst.schema;
	if (src.schema != dst.schema) {
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "schema_version",
		                  "the source is at schema version %d, the target at %d (open the "
		                  "source once with this pkiward to migrate it)",
		                  src.schema, dst.schema);
		goto out;
	}
	if ((st = fresh_open(&fr, err)) != PW_OK)
		goto out;

	/* The source in one snapshot; the target in one transaction that also
	 * covers the emptiness check (a second copy into the same base waits
	 * for the first and then finds it not empty). */
	if ((st = side_snapshot(&src, err)) != PW_OK || (st = load_schema(&src, err)) != PW_OK)
		goto out;
	src.ordered = !dst.pg;
	if ((st = exec_sql(&dst, dst.pg ? "BEGIN" : "BEGIN IMMEDIATE", err, "begin")) != PW_OK)
		goto out;
	dst.txn = 1;
	if (dst.pg) {
		char lock[64];
		snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", CP_PG_LOCK_KEY);
		if ((st = exec_sql(&dst, lock, err, "lock")) != PW_OK)
			goto out;
	} else if ((st = exec_sql(&dst, "PRAGMA defer_foreign_keys = ON", err, "begin")) != PW_OK) {
		goto out;
	}
	if ((st = load_schema(&dst, err)) != PW_OK)
		goto out;
	if ((seeded = calloc(dst.nt ? dst.nt : 1, sizeof *seeded)) == NULL) {
		st = nomem(err);
		goto out;
	}
	for (size_t i = 0; i < dst.nt; i++) {
		uint64_t n;
		int same;
		if (strcmp(dst.t[i].name, CP_SCHEMA_TABLE) == 0)
			continue;
		if ((st = count_rows(&dst, dst.t[i].name, NULL, &n, err)) != PW_OK)
			goto out;
		if (n == 0)
			continue;
		if ((st = same_as_new(&dst, &dst.t[i], &fr, &same, err)) != PW_OK)
			goto out;
		if (!same) {
			st = pw_error_set(err, PW_ERR_EXISTS, 0, 0, "target",
			                  "not empty: table %s holds %" PRIu64 " rows (copy into a new, "
			                  "empty base)",
			                  dst.t[i].name, n);
			goto out;
		}
		seeded[i] = 1;
	}

	/* What to copy, refusing silent losses. */
	if ((plans = calloc(src.nt ? src.nt : 1, sizeof *plans)) == NULL) {
		st = nomem(err);
		goto out;
	}
	for (size_t i = 0; i < src.nt; i++) {
		struct table *s = &src.t[i];
		uint64_t n;
		if (strcmp(s->name, CP_SCHEMA_TABLE) == 0)
			continue;
		struct table *d = find_table(&dst, s->name);
		struct pw_store_table_sum *r = result_add(out, s->name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		r->in_a = 1;
		if (d == NULL) {
			if ((st = count_rows(&src, s->name, NULL, &n, err)) != PW_OK)
				goto out;
			r->rows_a = n;
			r->skipped = 1;
			r->match = n == 0;
			if (n > 0 && !opts.allow_missing) {
				st = pw_error_set(err, PW_ERR_STORE, 0, 0, "target",
				                  "has no table %s, which holds %" PRIu64 " rows in the source "
				                  "(allow leaving it out to copy the rest)",
				                  s->name, n);
				goto out;
			}
			continue;
		}
		r->in_b = 1;
		for (size_t c = 0; c < s->ncols; c++) {
			size_t j = 0;
			while (j < d->ncols && strcmp(d->cols[j].name, s->cols[c].name) != 0)
				j++;
			if (j < d->ncols)
				continue;
			if ((st = count_rows(&src, s->name, s->cols[c].name, &n, err)) != PW_OK)
				goto out;
			if (n > 0 && !opts.allow_missing) {
				st = pw_error_set(err, PW_ERR_STORE, 0, 0, "target",
				                  "table %s has no column %s, which holds %" PRIu64
				                  " values in the source (allow leaving it out to copy the rest)",
				                  s->name, s->cols[c].name, n);
				goto out;
			}
		}
		plans[np].s = s;
		plans[np].d = d;
		colmap_build(&plans[np].m, s, d, 1);
		if (plans[np].m.n == 0) {
			st = pw_error_set(err, PW_ERR_STORE, 0, 0, "target",
			                  "table %s has no column in common with the source's", s->name);
			goto out;
		}
		r->columns = plans[np].m.n;
		np++;
	}
	if ((st = order_plans(plans, np, err)) != PW_OK)
		goto out;

	/* Copy. */
	if ((st = triggers_off(&dst, err)) != PW_OK)
		goto out;
	for (size_t i = 0; i < dst.nt; i++) {
		if (!seeded[i])
			continue;
		struct pw_buf b;
		pw_buf_init(&b);
		pw_buf_puts(&b, "DELETE FROM ");
		qident(&b, dst.t[i].name);
		const char *sql = sql_of(&b);
		st = sql ? exec_sql(&dst, sql, err, dst.t[i].name) : nomem(err);
		pw_buf_cleanup(&b);
		if (st != PW_OK)
			goto out;
	}
	for (size_t i = 0; i < np; i++) {
		struct pw_store_table_sum *r = result_add(out, plans[i].s->name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		for (size_t k = 0; dst.pg && k < sizeof pg_before_copy / sizeof pg_before_copy[0]; k++)
			if (strcmp(pg_before_copy[k].table, plans[i].d->name) == 0 &&
			    (st = exec_sql(&dst, pg_before_copy[k].sql, err, plans[i].d->name)) != PW_OK)
				goto out;
		if ((st = copy_table(&src, plans[i].s, &dst, plans[i].d, &plans[i].m, &opts, &r->rows_a,
		                     r->hash_a, err)) != PW_OK)
			goto out;
		out->rows_copied += r->rows_a;
	}
	if (dst.pg && (st = pg_sequences(&dst, err)) != PW_OK)
		goto out;
	if ((st = triggers_on(&dst, err)) != PW_OK)
		goto out;
	if ((st = exec_sql(&dst, "COMMIT", err, "commit")) != PW_OK)
		goto out;
	dst.txn = 0;
	side_end(&src);

	/* Verify: read the committed target back. */
	if ((st = side_snapshot(&dst, err)) != PW_OK)
		goto out;
	for (size_t i = 0; i < np; i++) {
		struct pw_store_table_sum *r = result_add(out, plans[i].s->name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		/* Target side of the same map, hashed under the source's column
		 * names (the shared names: identical). */
		struct colmap mb = plans[i].m;
		for (size_t k = 0; k < mb.n; k++) {
			mb.a[k] = plans[i].m.b[k];
			mb.b[k] = plans[i].m.a[k];
		}
		if ((st = table_sum(&dst, plans[i].d, &mb, 1, opts.progress, opts.progress_ctx,
		                    &r->rows_b, r->hash_b, err)) != PW_OK)
			goto out;
		r->match = r->rows_a == r->rows_b && memcmp(r->hash_a, r->hash_b, 32) == 0;
	}
	for (size_t i = 0; i < dst.nt; i++) {
		const struct table *d = &dst.t[i];
		uint64_t n;
		int same = 0;
		if (strcmp(d->name, CP_SCHEMA_TABLE) == 0 || find_table(&src, d->name) != NULL)
			continue;
		struct pw_store_table_sum *r = result_add(out, d->name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		r->in_b = 1;
		if ((st = count_rows(&dst, d->name, NULL, &n, err)) != PW_OK)
			goto out;
		r->rows_b = n;
		if (n > 0 && (st = same_as_new(&dst, d, &fr, &same, err)) != PW_OK)
			goto out;
		r->match = n == 0 || same;
	}
	side_end(&dst);
	result_finish(out);
	st = PW_OK;
out:
	if (st != PW_OK)
		result_finish(out);
	side_end(&src);
	side_end(&dst);
	side_close(&src);
	side_close(&dst);
	fresh_close(&fr);
	free(plans);
	free(seeded);
	return st;
}

/* ---------------------------------------------------------------------- */
/* pw_store_verify, pw_store_summarise                                     */
/* ---------------------------------------------------------------------- */

enum pw_status pw_store_verify(const char *a, const char *b, pw_store_copy_progress_fn progress,
                               void *progress_ctx, struct pw_store_compare *out,
                               struct pw_error *err)
{
	struct side sa, sb;
	enum pw_status st;
	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	if (out == NULL || a == NULL || b == NULL || *a == '\0' || *b == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "two bases are required");
	memset(out, 0, sizeof *out);
	if ((st = side_open(&sa, "a", a, PW_STORE_READONLY, err)) != PW_OK ||
	    (st = side_open(&sb, "b", b, PW_STORE_READONLY, err)) != PW_OK ||
	    (st = side_snapshot(&sa, err)) != PW_OK || (st = side_snapshot(&sb, err)) != PW_OK ||
	    (st = load_schema(&sa, err)) != PW_OK || (st = load_schema(&sb, err)) != PW_OK)
		goto out;
	out->schema_a = sa.schema;
	out->schema_b = sb.schema;
	for (size_t i = 0; i < sa.nt; i++) {
		struct table *ta = &sa.t[i];
		if (strcmp(ta->name, CP_SCHEMA_TABLE) == 0)
			continue;
		struct table *tb = find_table(&sb, ta->name);
		struct pw_store_table_sum *r = result_add(out, ta->name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		r->in_a = 1;
		if (tb == NULL) {
			if ((st = count_rows(&sa, ta->name, NULL, &r->rows_a, err)) != PW_OK)
				goto out;
			r->match = r->rows_a == 0;
			continue;
		}
		struct colmap m, mb;
		colmap_build(&m, ta, tb, 0);
		mb = m;
		for (size_t k = 0; k < m.n; k++) {
			mb.a[k] = m.b[k];
			mb.b[k] = m.a[k];
		}
		r->in_b = 1;
		r->columns = m.n;
		if ((st = table_sum(&sa, ta, &m, 1, progress, progress_ctx, &r->rows_a, r->hash_a,
		                    err)) != PW_OK ||
		    (st = table_sum(&sb, tb, &mb, 1, progress, progress_ctx, &r->rows_b, r->hash_b,
		                    err)) != PW_OK)
			goto out;
		r->match = r->rows_a == r->rows_b && memcmp(r->hash_a, r->hash_b, 32) == 0;
	}
	for (size_t i = 0; i < sb.nt; i++) {
		if (strcmp(sb.t[i].name, CP_SCHEMA_TABLE) == 0 || find_table(&sa, sb.t[i].name) != NULL)
			continue;
		struct pw_store_table_sum *r = result_add(out, sb.t[i].name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		r->in_b = 1;
		if ((st = count_rows(&sb, sb.t[i].name, NULL, &r->rows_b, err)) != PW_OK)
			goto out;
		r->match = r->rows_b == 0;
	}
	st = PW_OK;
out:
	result_finish(out);
	side_end(&sa);
	side_end(&sb);
	side_close(&sa);
	side_close(&sb);
	return st;
}

enum pw_status pw_store_summarise(const char *location, pw_store_copy_progress_fn progress,
                                  void *progress_ctx, struct pw_store_compare *out,
                                  struct pw_error *err)
{
	struct side sd;
	enum pw_status st;
	memset(&sd, 0, sizeof sd);
	if (out == NULL || location == NULL || *location == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "a base is required");
	memset(out, 0, sizeof *out);
	if ((st = side_open(&sd, "base", location, PW_STORE_READONLY, err)) != PW_OK ||
	    (st = side_snapshot(&sd, err)) != PW_OK || (st = load_schema(&sd, err)) != PW_OK)
		goto out;
	out->schema_a = sd.schema;
	for (size_t i = 0; i < sd.nt; i++) {
		struct colmap m;
		if (strcmp(sd.t[i].name, CP_SCHEMA_TABLE) == 0)
			continue;
		struct pw_store_table_sum *r = result_add(out, sd.t[i].name, err);
		if (r == NULL) {
			st = PW_ERR_NOMEM;
			goto out;
		}
		colmap_build(&m, &sd.t[i], NULL, 0);
		r->in_a = 1;
		r->match = 1;
		r->columns = m.n;
		if ((st = table_sum(&sd, &sd.t[i], &m, 1, progress, progress_ctx, &r->rows_a, r->hash_a,
		                    err)) != PW_OK)
			goto out;
	}
	st = PW_OK;
out:
	result_finish(out);
	side_end(&sd);
	side_close(&sd);
	return st;
}
