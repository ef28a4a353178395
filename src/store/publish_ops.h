/* store/: the backend interface of the publish area -- publish/: registered issuing CAs, CRL numbers and published CRLs (issue 5).
 *
 * Same pattern as ext.h: a backend implements struct pw_store_publish_ops and
 * points pw_store_ops.publish at it; store_publish.c holds the backend-neutral public
 * functions (include/pkiward/store_publish.h) that check arguments and call these.
 * Per-handle state (prepared statements) hangs off
 * struct pw_store.area[PW_STORE_AREA_PUBLISH] and is released by close,
 * which the backend's close calls before closing its connection. */
#ifndef PW_STORE_PUBLISH_OPS_H
#define PW_STORE_PUBLISH_OPS_H

#include "internal.h"
#include "pkiward/store_publish.h"

struct pw_store_publish_ops {
	/* Releases the area's per-handle state; NULL when it keeps none. */
	void (*close)(struct pw_store *s);
	/* Each one as documented in store_publish.h, arguments already checked. */
	enum pw_status (*ca_put)(struct pw_store *s, const struct pw_store_publish_ca *r, int replace,
	                         int64_t *out_id, int *out_updated, struct pw_error *err);
	enum pw_status (*ca_list)(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
	                          pw_store_publish_ca_fn fn, void *ctx, struct pw_error *err);
	enum pw_status (*reserve_numbers)(struct pw_store *s, int64_t ca_id, uint64_t n,
	                                  uint64_t *out_first, struct pw_error *err);
	enum pw_status (*revoked_list)(struct pw_store *s, const uint8_t issuer_name_sha256[32],
	                               const uint8_t *ski, size_t ski_len,
	                               pw_store_publish_revoked_fn fn, void *ctx,
	                               struct pw_error *err);
	enum pw_status (*expired_seen)(struct pw_store *s, int64_t cert_row, int64_t ca_id,
	                               uint64_t number, int64_t at, struct pw_error *err);
	enum pw_status (*crl_add)(struct pw_store *s, const struct pw_store_publish_crl *c,
	                          struct pw_error *err);
	enum pw_status (*crl_last)(struct pw_store *s, int64_t ca_id, int partition,
	                           struct pw_store_publish_crl *out, struct pw_error *err);
	enum pw_status (*generation)(struct pw_store *s, uint64_t *out, struct pw_error *err);
	enum pw_status (*bump)(struct pw_store *s, struct pw_error *err);
	enum pw_status (*changes_since)(struct pw_store *s, uint64_t since,
	                                pw_store_publish_change_fn fn, void *ctx,
	                                struct pw_error *err);
	enum pw_status (*set_invalidity)(struct pw_store *s, const uint8_t sha256[32], int64_t at,
	                                 struct pw_error *err);
};

/* The SQLite implementation (sqlite_publish.c) and its schema migration, number
 * 3 in sqlite.c's list. */
extern const struct pw_store_publish_ops pw_sqlite_publish_ops;
extern const char pw_sqlite_migration_3[];

#endif
