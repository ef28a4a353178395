/* store/sqlite_area.c: the per-area statement cache (sqlite_area.h). */
#include <stdlib.h>

#include "sqlite_area.h"

struct area_cache {
	size_t n;
	sqlite3_stmt *st[]; /* n entries */
};

sqlite3_stmt *pw_sqlite_area_stmt(struct pw_store *s, enum pw_store_area area,
                                  const char *const *sql, size_t n_sql, size_t id,
                                  struct pw_error *err)
{
	struct area_cache *c = s->area[area];
	if (id >= n_sql) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "statement %zu of %zu", id, n_sql);
		return NULL;
	}
	if (c == NULL) {
		c = calloc(1, sizeof *c + n_sql * sizeof c->st[0]);
		if (c == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return NULL;
		}
		c->n = n_sql;
		s->area[area] = c;
	}
	if (c->st[id] == NULL) {
		if (sqlite3_prepare_v3(pw_store_sqlite_get0_db(s), sql[id], -1,
		                       SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL) != SQLITE_OK) {
			pw_sqlite_xerr(s, err, "prepare");
			c->st[id] = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(c->st[id]);
		sqlite3_clear_bindings(c->st[id]);
	}
	return c->st[id];
}

void pw_sqlite_area_close(struct pw_store *s, enum pw_store_area area)
{
	struct area_cache *c = s->area[area];
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		sqlite3_finalize(c->st[i]);
	free(c);
	s->area[area] = NULL;
}
