/* store/: shared helpers of the SQLite evidence tables (sqlite_events.c,
 * sqlite_revocation.c, sqlite_reports.c). One statement cache per handle,
 * hung off struct pw_store.ext, created on first use. */
#ifndef PW_STORE_SQLITE_EXT_H
#define PW_STORE_SQLITE_EXT_H

#include <sqlite3.h>

#include "ext.h"
#include "internal.h"

/* Given by sqlite.c: the connection and path of a SQLite handle. */
sqlite3 *pw_store_sqlite_get0_db(struct pw_store *s);
const char *pw_store_sqlite_get0_path(struct pw_store *s);

enum xstmt_id {
	X_EVENT_HEAD,
	X_EVENT_INS,
	X_EVENT_HEAD_SET,
	X_EVENT_LIST_ALL,
	X_EVENT_LIST_SUBJECT,
	X_REV_GET,
	X_REV_PUT,
	X_CERT_EXISTS,
	X_BK_INS,
	X_BK_LIST_ALL,
	X_BK_LIST_ONE,
	X_REPORT_INS,
	X_REPORT_STATUS,
	X_REPORT_GET,
	X_JOB_FIND,
	X_JOB_INS,
	X_JOB_ITEM_INS,
	X_JOB_PENDING,
	X_JOB_FINISH,
	X_CERT_STATE,
	X_REV_PUT_ROW,
	X_REV_PUT_ROWS,
	X_JOB_ITEM_INS_MANY,
	X_JOB_MARK_RANGE,
	X_JOB_DONE_ADD,
	X_COUNT_
};

/* Rows written by one statement of the batch forms (X_REV_PUT_ROWS,
 * X_JOB_ITEM_INS_MANY): a multi-row statement pays SQLite's per-statement
 * work (statement journal, cursors, the publish triggers' setup) once for
 * the group. Bound parameters stay far below SQLITE_MAX_VARIABLE_NUMBER. */
#define PW_SQLITE_REV_ROWS 32
#define PW_SQLITE_JOB_ITEM_ROWS 64

extern const char *const pw_sqlite_xstmt_sql[X_COUNT_];

/* The statement `id` of s's cache, reset and unbound; NULL (err set) on failure. */
sqlite3_stmt *pw_sqlite_xstmt(struct pw_store *s, enum xstmt_id id, struct pw_error *err);

/* Converts the connection's last error into *err. */
enum pw_status pw_sqlite_xerr(struct pw_store *s, struct pw_error *err, const char *what);

/* Runs a write statement already bound; PW_OK on SQLITE_DONE. Resets it. */
enum pw_status pw_sqlite_xrun(struct pw_store *s, sqlite3_stmt *st, const char *what,
                              struct pw_error *err);

/* Binds a blob/text or NULL. */
int pw_sqlite_bind_blob_opt(sqlite3_stmt *st, int i, const void *p, size_t n);
int pw_sqlite_bind_text_opt(sqlite3_stmt *st, int i, const char *p);

/* Defined in sqlite_revocation.c and sqlite_reports.c. */
enum pw_status pw_sqlite_cert_state(struct pw_store *s, const uint8_t sha256[32],
                                     struct pw_store_cert_state *out, struct pw_error *err);
enum pw_status pw_sqlite_revocation_get(struct pw_store *s, const uint8_t sha256[32],
                                        struct pw_store_revocation *out, struct pw_error *err);
enum pw_status pw_sqlite_revocation_put(struct pw_store *s, const struct pw_store_revocation *r,
                                        struct pw_error *err);
enum pw_status pw_sqlite_blocked_key_put(struct pw_store *s, const struct pw_store_blocked_key *k,
                                         int *out_inserted, struct pw_error *err);
enum pw_status pw_sqlite_blocked_key_list(struct pw_store *s, const uint8_t *spki_sha256,
                                          pw_store_blocked_key_fn fn, void *ctx,
                                          struct pw_error *err);
enum pw_status pw_sqlite_job_find(struct pw_store *s, const uint8_t key[32],
                                  struct pw_store_revoke_job *out, struct pw_error *err);
enum pw_status pw_sqlite_job_create(struct pw_store *s, const struct pw_store_revoke_job *j,
                                    const uint8_t *sha256s, size_t n, int64_t *out_id,
                                    struct pw_error *err);
enum pw_status pw_sqlite_job_pending(struct pw_store *s, int64_t job_id, int64_t after_seq,
                                     size_t max, struct pw_store_job_item *out, size_t *out_n,
                                     struct pw_error *err);
enum pw_status pw_sqlite_job_mark(struct pw_store *s, int64_t job_id, int64_t seq,
                                  const char *outcome, int64_t at, struct pw_error *err);
enum pw_status pw_sqlite_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                    struct pw_error *err);
enum pw_status pw_sqlite_revocation_put_many(struct pw_store *s,
                                             const struct pw_store_revocation *v,
                                             const int64_t *rows, size_t n, struct pw_error *err);
enum pw_status pw_sqlite_job_mark_range(struct pw_store *s, int64_t job_id, int64_t first_seq,
                                        int64_t last_seq, const char *outcome, int64_t at,
                                        struct pw_error *err);
enum pw_status pw_sqlite_report_add(struct pw_store *s, const struct pw_store_problem_report *r,
                                    int64_t *out_id, struct pw_error *err);
enum pw_status pw_sqlite_report_set_status(struct pw_store *s, int64_t id, const char *status,
                                           struct pw_error *err);
enum pw_status pw_sqlite_report_get(struct pw_store *s, int64_t id,
                                    pw_store_problem_report_fn fn, void *ctx,
                                    struct pw_error *err);

#endif
