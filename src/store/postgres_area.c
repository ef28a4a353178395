/* store/postgres_area.c: what every PostgreSQL feature area
 * (postgres_<area>.c) shares: a per-area cache of named prepared statements
 * that survives reconnects (statements are prepared again under a new
 * connection epoch), parameters described by a short format string and sent
 * in binary, and readers of binary result values. */
#include <endian.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "postgres_internal.h"

/* PostgreSQL type OIDs (pg_type.h; stable across versions). */
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20
#define PG_OID_TEXT 25

/* Parameters one area statement may take. */
#define PG_AREA_MAX_PARAMS 24

/* Per handle and area: which statements this connection has prepared. */
struct pg_area_state {
	uint64_t epoch; /* pw_store_pg_epoch when `prepared` was last valid */
	size_t n;
	unsigned char prepared[]; /* n entries */
};

struct area_params {
	const char *v[PG_AREA_MAX_PARAMS];
	int len[PG_AREA_MAX_PARAMS];
	int fmt[PG_AREA_MAX_PARAMS];
	Oid type[PG_AREA_MAX_PARAMS];
	uint64_t ints[PG_AREA_MAX_PARAMS];
	int n;
};

static void put_int(struct area_params *p, int64_t v)
{
	p->ints[p->n] = htobe64((uint64_t)v);
	p->v[p->n] = (const char *)&p->ints[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n] = 1;
	p->type[p->n++] = PG_OID_INT8;
}

static void put_null(struct area_params *p, Oid type)
{
	p->v[p->n] = NULL;
	p->len[p->n] = 0;
	p->fmt[p->n] = 1;
	p->type[p->n++] = type;
}

static void put_blob(struct area_params *p, const void *v, size_t n)
{
	if (v == NULL) {
		put_null(p, PG_OID_BYTEA);
		return;
	}
	p->v[p->n] = v;
	p->len[p->n] = (int)n;
	p->fmt[p->n] = 1;
	p->type[p->n++] = PG_OID_BYTEA;
}

static void put_text(struct area_params *p, const char *t)
{
	/* Text in text format: libpq reads it up to its NUL. */
	p->v[p->n] = t;
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;
	p->type[p->n++] = PG_OID_TEXT;
}

/* Fills p from fmt and ap; 0 on a format this file does not know (a
 * programming error, reported rather than guessed at). */
static int fill(struct area_params *p, const char *fmt, va_list ap)
{
	for (const char *f = fmt; *f; f++) {
		if (p->n == PG_AREA_MAX_PARAMS)
			return 0;
		switch (*f) {
		case 'i':
			put_int(p, va_arg(ap, int64_t));
			break;
		case 'o': {
			int present = va_arg(ap, int);
			int64_t v = va_arg(ap, int64_t);
			if (present)
				put_int(p, v);
			else
				put_null(p, PG_OID_INT8);
			break;
		}
		case 'N':
			put_null(p, PG_OID_INT8);
			break;
		case 't':
			put_text(p, va_arg(ap, const char *));
			break;
		case 'b': {
			const void *v = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			if (n > (size_t)INT32_MAX)
				return 0;
			put_blob(p, v, n);
			break;
		}
		case 'h':
			put_blob(p, va_arg(ap, const uint8_t *), 32);
			break;
		default:
			return 0;
		}
	}
	return 1;
}

static int result_ok(const PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

static struct pg_area_state *state(struct pw_store *s, enum pw_store_area area, size_t n_sql,
                                   struct pw_error *err)
{
	struct pg_area_state *c = s->area[area];
	if (c == NULL) {
		c = calloc(1, sizeof *c + n_sql);
		if (c == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return NULL;
		}
		c->n = n_sql;
		c->epoch = pw_store_pg_epoch(s);
		s->area[area] = c;
	}
	if (c->epoch != pw_store_pg_epoch(s)) {
		memset(c->prepared, 0, c->n);
		c->epoch = pw_store_pg_epoch(s);
	}
	return c;
}

static PGresult *vrun(struct pw_store *s, enum pw_store_area area, const char *const *sql,
                      size_t n_sql, size_t id, const char *what, struct pw_error *err,
                      const char *fmt, va_list ap)
{
	struct area_params p;
	struct pg_area_state *c;
	PGconn *conn = pw_store_pg_get0_conn(s);
	char name[32];
	PGresult *r;

	memset(&p, 0, sizeof p);
	if (id >= n_sql || !fill(&p, fmt, ap)) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, what, "statement %zu of area %d: bad call",
		             id, (int)area);
		return NULL;
	}
	/* Reconnects first when the connection was lost outside a
	 * transaction (the epoch moves, so `state` forgets what was prepared). */
	if (pw_store_pg_live(s, err) != PW_OK)
		return NULL;
	if ((c = state(s, area, n_sql, err)) == NULL)
		return NULL;
	snprintf(name, sizeof name, "a%d_%zu", (int)area, id);
	if (!c->prepared[id]) {
		r = PQprepare(conn, name, sql[id], p.n, p.type);
		if (!result_ok(r)) {
			pw_store_pg_error(s, r, what, err);
			PQclear(r);
			return NULL;
		}
		PQclear(r);
		c->prepared[id] = 1;
	}
	r = PQexecPrepared(conn, name, p.n, p.v, p.len, p.fmt, 1);
	if (!result_ok(r)) {
		pw_store_pg_error(s, r, what, err);
		PQclear(r);
		return NULL;
	}
	return r;
}

PGresult *pw_pg_area_run(struct pw_store *s, enum pw_store_area area, const char *const *sql,
                         size_t n_sql, size_t id, const char *what, struct pw_error *err,
                         const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	PGresult *r = vrun(s, area, sql, n_sql, id, what, err, fmt, ap);
	va_end(ap);
	return r;
}

enum pw_status pw_pg_area_cmd(struct pw_store *s, enum pw_store_area area,
                              const char *const *sql, size_t n_sql, size_t id, const char *what,
                              uint64_t *out_changes, struct pw_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	PGresult *r = vrun(s, area, sql, n_sql, id, what, err, fmt, ap);
	va_end(ap);
	if (r == NULL)
		return PW_ERR_STORE;
	if (out_changes != NULL)
		*out_changes = pw_pg_changes(r);
	PQclear(r);
	return PW_OK;
}

enum pw_status pw_pg_area_exec(struct pw_store *s, const char *sql, const char *what,
                               struct pw_error *err)
{
	enum pw_status st = pw_store_pg_live(s, err);
	if (st != PW_OK)
		return st;
	PGresult *r = PQexec(pw_store_pg_get0_conn(s), sql);
	st = result_ok(r) ? PW_OK : pw_store_pg_error(s, r, what, err);
	PQclear(r);
	return st;
}

void pw_pg_area_close(struct pw_store *s, enum pw_store_area area)
{
	free(s->area[area]); /* server-side statements die with the connection */
	s->area[area] = NULL;
}

int64_t pw_pg_int(const PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	if (PQgetisnull(r, row, col))
		return 0;
	switch (PQgetlength(r, row, col)) {
	case 8: memcpy(&u64, v, 8); return (int64_t)be64toh(u64);
	case 4: memcpy(&u32, v, 4); return (int32_t)be32toh(u32);
	case 2: memcpy(&u16, v, 2); return (int16_t)be16toh(u16);
	case 1: return (unsigned char)v[0]; /* boolean */
	default: return 0;
	}
}

int pw_pg_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

const char *pw_pg_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

const void *pw_pg_blob(const PGresult *r, int row, int col, size_t *out_len)
{
	if (PQgetisnull(r, row, col)) {
		*out_len = 0;
		return NULL;
	}
	*out_len = (size_t)PQgetlength(r, row, col);
	return PQgetvalue(r, row, col);
}

int pw_pg_hash(const PGresult *r, int row, int col, uint8_t out[32])
{
	if (!PQgetisnull(r, row, col) && PQgetlength(r, row, col) == 32) {
		memcpy(out, PQgetvalue(r, row, col), 32);
		return 1;
	}
	memset(out, 0, 32);
	return 0;
}

uint64_t pw_pg_changes(const PGresult *r)
{
	const char *t = PQcmdTuples((PGresult *)r);
	return t != NULL && *t ? strtoull(t, NULL, 10) : 0;
}
