/* store/ internals for the evidence tables (migration 2): the event log,
 * revocations, blocked keys, problem reports and bulk revocation jobs.
 *
 * A backend implements struct pw_store_ext_ops and points its
 * pw_store_ops.ext at it; store_ext.c holds the backend-neutral public
 * functions (store.h, "Evidence") that check arguments and call these.
 * Per-handle state a backend needs for them (prepared statements) hangs off
 * struct pw_store.ext and is released by ext_close, which the backend's
 * close calls before closing its connection. */
#ifndef PW_STORE_EXT_H
#define PW_STORE_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

struct pw_store;

struct pw_store_ext_ops {
	void (*close)(struct pw_store *s);
	/* Event log. */
	enum pw_status (*event_head)(struct pw_store *s, int64_t *out_id, uint8_t out_hash[32],
	                             struct pw_error *err);
	enum pw_status (*event_insert)(struct pw_store *s, const struct pw_store_event *e,
	                               struct pw_error *err);
	enum pw_status (*event_list)(struct pw_store *s, const char *subject, pw_store_event_fn fn,
	                             void *ctx, struct pw_error *err);
	/* Revocations. */
	enum pw_status (*revocation_get)(struct pw_store *s, const uint8_t sha256[32],
	                                 struct pw_store_revocation *out, struct pw_error *err);
	enum pw_status (*revocation_put)(struct pw_store *s, const struct pw_store_revocation *r,
	                                 struct pw_error *err);
	/* Optional (NULL: store_ext.c reads it with find and revocation_get). */
	enum pw_status (*cert_state)(struct pw_store *s, const uint8_t sha256[32],
	                             struct pw_store_cert_state *out, struct pw_error *err);
	/* Blocked keys. */
	enum pw_status (*blocked_key_put)(struct pw_store *s, const struct pw_store_blocked_key *k,
	                                  int *out_inserted, struct pw_error *err);
	enum pw_status (*blocked_key_list)(struct pw_store *s, const uint8_t *spki_sha256,
	                                   pw_store_blocked_key_fn fn, void *ctx,
	                                   struct pw_error *err);
	/* Problem reports. */
	enum pw_status (*problem_report_add)(struct pw_store *s,
	                                     const struct pw_store_problem_report *r,
	                                     int64_t *out_id, struct pw_error *err);
	enum pw_status (*problem_report_set_status)(struct pw_store *s, int64_t id,
	                                            const char *status, struct pw_error *err);
	enum pw_status (*problem_report_get)(struct pw_store *s, int64_t id,
	                                     pw_store_problem_report_fn fn, void *ctx,
	                                     struct pw_error *err);
	/* Bulk revocation jobs. */
	enum pw_status (*job_find)(struct pw_store *s, const uint8_t key[32],
	                           struct pw_store_revoke_job *out, struct pw_error *err);
	enum pw_status (*job_create)(struct pw_store *s, const struct pw_store_revoke_job *j,
	                             const uint8_t *sha256s, size_t n, int64_t *out_id,
	                             struct pw_error *err);
	enum pw_status (*job_pending)(struct pw_store *s, int64_t job_id, int64_t after_seq,
	                              size_t max, struct pw_store_job_item *out, size_t *out_n,
	                              struct pw_error *err);
	enum pw_status (*job_mark)(struct pw_store *s, int64_t job_id, int64_t seq,
	                           const char *outcome, int64_t at, struct pw_error *err);
	enum pw_status (*job_finish)(struct pw_store *s, int64_t job_id, int64_t at,
	                             struct pw_error *err);
	/* Optional batch forms (NULL: store_ext.c loops over revocation_put and
	 * job_mark, with the same result). */
	enum pw_status (*revocation_put_many)(struct pw_store *s, const struct pw_store_revocation *v,
	                                      const int64_t *rows, size_t n, struct pw_error *err);
	enum pw_status (*job_mark_range)(struct pw_store *s, int64_t job_id, int64_t first_seq,
	                                 int64_t last_seq, const char *outcome, int64_t at,
	                                 struct pw_error *err);
};

/* The SQLite implementation (sqlite_events.c, sqlite_revocation.c,
 * sqlite_reports.c) and its schema migration. */
extern const struct pw_store_ext_ops pw_sqlite_ext_ops;
extern const char pw_sqlite_migration_2[];

#endif
