/* store/: the prepared-statement cache every SQLite feature area
 * (sqlite_<area>.c) uses: one array of statements per area and handle, kept
 * in struct pw_store.area[area], prepared on first use. */
#ifndef PW_STORE_SQLITE_AREA_H
#define PW_STORE_SQLITE_AREA_H

#include <stddef.h>

#include <sqlite3.h>

#include "internal.h"
#include "sqlite_ext.h"

/* Statement `id` of the area's list `sql` (n_sql entries, the same array on
 * every call for this area), reset and unbound; NULL (err set) on failure. */
sqlite3_stmt *pw_sqlite_area_stmt(struct pw_store *s, enum pw_store_area area,
                                  const char *const *sql, size_t n_sql, size_t id,
                                  struct pw_error *err);

/* Finalizes the area's statements and frees its state (the area's close). */
void pw_sqlite_area_close(struct pw_store *s, enum pw_store_area area);

#endif
