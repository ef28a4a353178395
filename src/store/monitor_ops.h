/* store/: the backend interface of the monitor area -- monitor/: fetches, observations and alerts (issue 5).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_monitor_ops and
 * points pw_store_ops.monitor at it; store_monitor.c holds the backend-neutral public
 * functions (include/pkiward/store_monitor.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_MONITOR] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_MONITOR_OPS_H
#define PW_STORE_MONITOR_OPS_H

#include "internal.h"
#include "pkiward/store_monitor.h"

struct pw_store_monitor_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Observations of revocations (store_monitor.h; arguments checked). */
	enum pw_status (*seen_crl)(struct pw_store *s, const uint8_t sha256[32], int64_t at,
	                           const char *url, const uint8_t *crl_number, int *out_first,
	                           struct pw_error *err);
	enum pw_status (*seen_ocsp)(struct pw_store *s, const uint8_t sha256[32], int64_t at,
	                            const char *url, int status, int *out_first,
	                            struct pw_error *err);
	enum pw_status (*seen_get)(struct pw_store *s, const uint8_t sha256[32],
	                           struct pw_store_monitor_seen *out, struct pw_error *err);
	/* Fetches. */
	enum pw_status (*fetch_add)(struct pw_store *s, const struct pw_store_monitor_fetch *f,
	                            int64_t *out_id, struct pw_error *err);
	enum pw_status (*fetch_list)(struct pw_store *s, const char *url, uint64_t limit,
	                             pw_store_monitor_fetch_fn fn, void *ctx, struct pw_error *err);
	/* CRL numbers. */
	enum pw_status (*crl_seen)(struct pw_store *s, const struct pw_store_monitor_crl *c,
	                           int64_t at, int *out_new, struct pw_error *err);
	enum pw_status (*crl_highest)(struct pw_store *s, const char *url,
	                              struct pw_store_monitor_crl *out, struct pw_error *err);
	enum pw_status (*crl_list)(struct pw_store *s, const char *url, pw_store_monitor_crl_fn fn,
	                           void *ctx, struct pw_error *err);
	/* Alerts. */
	enum pw_status (*alert_raise)(struct pw_store *s, const struct pw_store_monitor_alert *a,
	                              int64_t at, int64_t *out_id, int *out_new,
	                              struct pw_error *err);
	enum pw_status (*alert_resolve)(struct pw_store *s, int64_t id, int64_t at,
	                                struct pw_error *err);
	enum pw_status (*alert_list)(struct pw_store *s, const struct pw_store_monitor_alert_filter *f,
	                             pw_store_monitor_alert_fn fn, void *ctx, struct pw_error *err);
	enum pw_status (*alert_count_open)(struct pw_store *s, uint64_t *out, struct pw_error *err);
};

/* The SQLite implementation (sqlite_monitor.c) and its schema migration, number
 * 5 in sqlite.c's list. */
extern const struct pw_store_monitor_ops pw_sqlite_monitor_ops;
extern const char pw_sqlite_migration_5[];

#endif
