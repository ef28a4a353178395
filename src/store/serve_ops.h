/* store/: the backend interface of the serve area -- http/ serve: admin tokens, ACME nonces, portal state (issue 6).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_serve_ops and
 * points pw_store_ops.serve at it; store_serve.c holds the backend-neutral public
 * functions (include/pkiward/store_serve.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_SERVE] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_SERVE_OPS_H
#define PW_STORE_SERVE_OPS_H

#include "internal.h"
#include "pkiward/store_serve.h"

struct pw_store_serve_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Each as the public function of the same name (store_serve.h); called
	 * inside a transaction, arguments already checked. */
	enum pw_status (*secret_get)(struct pw_store *s, const char *name, const uint8_t fresh[32],
	                             uint8_t out[32], struct pw_error *err);
	enum pw_status (*nonce_use)(struct pw_store *s, const char *nonce, int64_t expires_at,
	                            int64_t now, int *out_fresh, struct pw_error *err);
	enum pw_status (*challenge_put)(struct pw_store *s, const char *text, int64_t issued_at,
	                                int64_t expires_at, uint64_t max_live, struct pw_error *err);
	enum pw_status (*challenge_use)(struct pw_store *s, const char *text, int64_t now,
	                                const char *used_by,
	                                enum pw_store_serve_challenge_state *out_state,
	                                struct pw_error *err);
	enum pw_status (*token_add)(struct pw_store *s, const struct pw_store_serve_token *t,
	                            int64_t *out_id, struct pw_error *err);
	enum pw_status (*token_find)(struct pw_store *s, const uint8_t sha256[32],
	                             struct pw_store_serve_token *out, struct pw_error *err);
	enum pw_status (*token_list)(struct pw_store *s, pw_store_serve_token_fn fn, void *ctx,
	                             struct pw_error *err);
	enum pw_status (*token_revoke)(struct pw_store *s, int64_t id, int64_t at,
	                               struct pw_error *err);
	enum pw_status (*link_put)(struct pw_store *s, int64_t report_id, const uint8_t sha256[32],
	                           int64_t at, struct pw_error *err);
	enum pw_status (*link_find)(struct pw_store *s, const uint8_t sha256[32],
	                            int64_t *out_report_id, struct pw_error *err);
};

/* The SQLite implementation (sqlite_serve.c) and its schema migration, number
 * 9 in sqlite.c's list. */
extern const struct pw_store_serve_ops pw_sqlite_serve_ops;
extern const char pw_sqlite_migration_9[];

#endif
