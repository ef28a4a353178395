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
};

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
