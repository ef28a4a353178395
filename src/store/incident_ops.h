/* store/: the backend interface of the incident area -- incident/: incidents,
 * their fields, items and tags (issue 7; include/pkiward/store_incident.h).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_incident_ops and
 * points pw_store_ops.incident at it; store_incident.c holds the backend-neutral public
 * functions (include/pkiward/store_incident.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_INCIDENT] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_INCIDENT_OPS_H
#define PW_STORE_INCIDENT_OPS_H

#include "internal.h"
#include "pkiward/store_incident.h"

struct pw_store_incident_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* The functions of store_incident.h, arguments already checked. */
	enum pw_status (*add)(struct pw_store *s, const char *title, int64_t created_at,
	                      int64_t *out_id, struct pw_error *err);
	enum pw_status (*get)(struct pw_store *s, int64_t id, pw_store_incident_fn fn, void *ctx,
	                      struct pw_error *err);
	enum pw_status (*list)(struct pw_store *s, pw_store_incident_fn fn, void *ctx,
	                       struct pw_error *err);
	enum pw_status (*set_time)(struct pw_store *s, int64_t id, enum pw_store_incident_time which,
	                           int64_t value, int end_expected, struct pw_error *err);
	enum pw_status (*tag)(struct pw_store *s, int64_t id, const char *tag, int add,
	                      int *out_changed, struct pw_error *err);
	enum pw_status (*field_set)(struct pw_store *s, int64_t id, const char *name,
	                            const char *value, struct pw_error *err);
	enum pw_status (*tags)(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn, void *ctx,
	                       struct pw_error *err);
	enum pw_status (*fields)(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn,
	                         void *ctx, struct pw_error *err);
	enum pw_status (*item_add)(struct pw_store *s, int64_t id, const char *kind, int64_t at,
	                           const char *data, int64_t *out_seq, struct pw_error *err);
	enum pw_status (*item_update)(struct pw_store *s, int64_t id, const char *kind, int64_t seq,
	                              int64_t at, const char *data, struct pw_error *err);
	enum pw_status (*items)(struct pw_store *s, int64_t id, const char *kind,
	                        pw_store_incident_item_fn fn, void *ctx, struct pw_error *err);
};

/* The SQLite implementation (sqlite_incident.c) and its schema migration, number
 * 6 in sqlite.c's list. */
extern const struct pw_store_incident_ops pw_sqlite_incident_ops;
extern const char pw_sqlite_migration_6[];

#endif
