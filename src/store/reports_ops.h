/* store/: the backend interface of the reports area -- incident/ problem reports: lifecycle, email intake, messages sent (issue 7).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_reports_ops and
 * points pw_store_ops.reports at it; store_reports.c holds the backend-neutral public
 * functions (include/pkiward/store_reports.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_REPORTS] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_REPORTS_OPS_H
#define PW_STORE_REPORTS_OPS_H

#include "internal.h"
#include "pkiward/store_reports.h"

struct pw_store_reports_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Each as the public function of the same name (store_reports.h),
	 * arguments already checked, inside a transaction for writes. */
	enum pw_status (*life_put)(struct pw_store *s, const struct pw_store_report_life *l,
	                           struct pw_error *err);
	enum pw_status (*life_get)(struct pw_store *s, int64_t id, pw_store_report_life_fn fn,
	                           void *ctx, struct pw_error *err);
	enum pw_status (*by_message_id)(struct pw_store *s, const char *mid, int64_t *out_id,
	                                struct pw_error *err);
	enum pw_status (*ids)(struct pw_store *s, int64_t after_id, size_t max, int64_t *out,
	                      size_t *out_n, struct pw_error *err);
	enum pw_status (*cert_put)(struct pw_store *s, int64_t id, const uint8_t sha256[32],
	                           const char *how, int candidate, int *out_inserted,
	                           struct pw_error *err);
	enum pw_status (*cert_list)(struct pw_store *s, int64_t id, int candidate,
	                            pw_store_report_cert_fn fn, void *ctx, struct pw_error *err);
	enum pw_status (*unresolved_put)(struct pw_store *s, int64_t id, const char *ref,
	                                 const char *why, struct pw_error *err);
	enum pw_status (*unresolved_list)(struct pw_store *s, int64_t id,
	                                  pw_store_report_unresolved_fn fn, void *ctx,
	                                  struct pw_error *err);
	enum pw_status (*message_put)(struct pw_store *s, const struct pw_store_report_message *m,
	                              int64_t *out_id, struct pw_error *err);
	enum pw_status (*message_list)(struct pw_store *s, int64_t id,
	                               pw_store_report_message_fn fn, void *ctx,
	                               struct pw_error *err);
	enum pw_status (*seen)(struct pw_store *s, const uint8_t sha256[32], int *out_revoked,
	                       int64_t *out_crl, int64_t *out_ocsp, struct pw_error *err);
};

/* The SQLite implementation (sqlite_reports_area.c) and its schema migration, number
 * 10 in sqlite.c's list. */
extern const struct pw_store_reports_ops pw_sqlite_reports_ops;
extern const char pw_sqlite_migration_10[];

#endif
