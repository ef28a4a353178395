/* http/revsum.h: the revocations the dashboard and /metrics show, with
 * their timeline (requested -> revoked -> first seen in CRL / OCSP). */
#ifndef PW_HTTP_REVSUM_H
#define PW_HTTP_REVSUM_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Revocations read per scrape / dashboard load at most (newest kept). */
#define PW_SERVE_REVSUM_MAX 100000u

struct pw_serve_rev {
	uint8_t sha256[32];
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	int precert;
	int64_t requested_at, revoked_at, deadline;
	int has_reason;
	unsigned reason;
	int64_t first_seen_crl, first_seen_ocsp; /* 0 = not observed */
};

struct pw_serve_revsum {
	struct pw_serve_rev *v;
	size_t n;
	int truncated;
};

/* Reads up to `max` revocations (newest revocation first). */
enum pw_status pw_serve_revsum_collect(struct pw_store *s, size_t max, struct pw_serve_revsum *out,
                                       struct pw_error *err) PW_WARN_UNUSED;
void pw_serve_revsum_cleanup(struct pw_serve_revsum *rs);

#endif
