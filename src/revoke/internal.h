/* revoke/ internals shared by revoke.c, bulk.c and report_key.c. */
#ifndef PW_REVOKE_INTERNAL_H
#define PW_REVOKE_INTERNAL_H

#include "pkiward/revoke.h"

/* Actor recorded when the caller names none. */
#define PW_REVOKE_DEFAULT_ACTOR "pkiward"

/* The current revocation state of a certificate when the caller read it
 * already (a find row carries it), saving a query per certificate. */
struct pw_revoke_known {
	int revoked;
	struct pw_store_revocation rv; /* when revoked: revoked_at, has_reason, reason */
	int64_t row;                   /* pw_store_cert_state's row id (0 = not known) */
	struct pw_revoke_defer *defer; /* NULL: write the revocation at once */
};

/* Revocation rows held back to be written together (the bulk path): with
 * known->defer set, pw_revoke_one appends the row here instead of writing
 * it, after its event is recorded. The rows must be written
 * (pw_revoke_defer_flush) inside the same transaction before it commits and
 * before any of these objects' state is read again; pw_revoke_cert_deferred
 * flushes by itself when it meets one of them. */
#define PW_REVOKE_DEFER_MAX 256
struct pw_revoke_defer {
	size_t n;
	struct pw_store_revocation v[PW_REVOKE_DEFER_MAX];
	int64_t rows[PW_REVOKE_DEFER_MAX];
	uint64_t prefix[PW_REVOKE_DEFER_MAX]; /* first 8 bytes of v[i].sha256 */
};

/* Writes the held rows (pw_store_revocation_put_many) and empties d. */
enum pw_status pw_revoke_defer_flush(struct pw_store *s, struct pw_revoke_defer *d,
                                     struct pw_error *err);

/* pw_revoke_cert inside the caller's open transaction, holding the
 * revocation rows back in d (see struct pw_revoke_defer). */
enum pw_status pw_revoke_cert_deferred(struct pw_store *s, const uint8_t sha256[32],
                                       const struct pw_revoke_request *req,
                                       struct pw_revoke_result *out, struct pw_revoke_defer *d,
                                       struct pw_error *err);

/* Revokes exactly one stored object (no twin handling) inside the open
 * transaction: records the revocation (or its upgrade) and its event, or
 * nothing when it is revoked already. `twin` (may be NULL) is recorded in
 * the event payload. `known` (may be NULL: read from the store) is the
 * current state. Returns 1, or 0 with *st and *err set; PW_ERR_NOTFOUND
 * when sha256 is not stored. */
int pw_revoke_one(struct pw_store *s, const uint8_t sha256[32], int precert,
                  const uint8_t *twin, const struct pw_revoke_request *req,
                  const struct pw_revoke_known *known, struct pw_revoke_item *out,
                  enum pw_status *st, struct pw_error *err);

#endif
