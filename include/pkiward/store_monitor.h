/* pkiward — storage of what the monitor observed (store area "monitor",
 * schema migration 5).
 *
 * The monitor (monitor.h) fetches the CRLs and OCSP responses a relying party
 * gets and records here:
 *   - for every revocation, when it was first seen in a CRL (with that CRL's
 *     URL and CRL number) and when it was first seen "revoked" in OCSP (with
 *     the responder URL). The two times live in the revocation row's
 *     first_seen_crl / first_seen_ocsp columns (migration 1), which are set
 *     once and never moved (UPDATE ... SET x = COALESCE(x, ?)); the URL and
 *     CRL number beside them live in the area table monitor_seen;
 *   - every fetch (URL, HTTP status, content type, size, duration, outcome);
 *   - every CRL number seen per URL (so a number going backwards is caught,
 *     RFC 5280 §5.2.3 "monotonically increasing");
 *   - alerts: a kind ("crl-stale", "ocsp-stale-good", ...; monitor.h lists
 *     them), a subject ("cert:<sha256 hex>" or "url:<url>"), first and last
 *     seen, how many times, and when it was resolved. At most one alert per
 *     (kind, subject) is open at a time.
 *
 * These are storage primitives: the checks and the events live in monitor/,
 * which calls them inside one transaction per observation. Readers
 * (reports, incidents, the dashboard) use the get/list functions. Each
 * function runs inside the caller's transaction if one is open, else in its
 * own. Times are Unix seconds; texts passed in are borrowed for the call;
 * texts handed to callbacks are borrowed for the callback. */
#ifndef PKIWARD_STORE_MONITOR_H
#define PKIWARD_STORE_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest URL stored (longer URLs are refused with PW_ERR_LIMIT; browsers
 * and CDNs cap URLs around 2 KiB too). */
#define PW_STORE_MONITOR_MAX_URL 2048
/* Longest alert kind / fetch outcome token. */
#define PW_STORE_MONITOR_MAX_KIND 64
/* Longest human detail text of a fetch or an alert. */
#define PW_STORE_MONITOR_MAX_DETAIL 1024
/* Longest Content-Type kept with a fetch. */
#define PW_STORE_MONITOR_MAX_CONTENT_TYPE 128
/* Largest CRL number (RFC 5280 §5.2.3: at most 20 octets). Stored as this
 * many big-endian octets, left-padded with zeros, so that byte order is
 * numeric order in SQLite (memcmp) and PostgreSQL (bytea) alike. */
#define PW_STORE_MONITOR_CRL_NUMBER_LEN 20

/* ---- Observations of revocations ---- */

/* What the monitor has seen of one revocation. URLs are NUL-terminated
 * copies (empty when not seen). */
struct pw_store_monitor_seen {
	uint8_t sha256[32];            /* the revoked certificate */
	int64_t revoked_at;            /* from the revocation row */
	int has_crl;                   /* it was seen in a CRL */
	int64_t first_seen_crl;        /* revocation.first_seen_crl */
	char crl_url[PW_STORE_MONITOR_MAX_URL + 1];
	uint8_t crl_number[PW_STORE_MONITOR_CRL_NUMBER_LEN]; /* padded, see above */
	int has_crl_number;            /* the CRL carried a cRLNumber */
	int has_ocsp;                  /* OCSP said "revoked" */
	int64_t first_seen_ocsp;       /* revocation.first_seen_ocsp */
	char ocsp_url[PW_STORE_MONITOR_MAX_URL + 1];
	int has_last_ocsp;             /* an OCSP answer was recorded at all */
	int64_t last_ocsp_at;          /* when the latest OCSP answer was fetched */
	int last_ocsp_status;          /* enum pw_ocsp_cert_status of it (cert.h) */
};

/* Records that the revocation of `sha256` was listed in the CRL fetched from
 * `url` at `at` (crl_number: PW_STORE_MONITOR_CRL_NUMBER_LEN padded octets,
 * NULL when the CRL had none). Only the first sighting counts: later calls
 * leave the time, URL and number alone. *out_first (may be NULL) is 1 when
 * this call recorded the first sighting. PW_ERR_NOTFOUND when the
 * certificate is not stored or not revoked. */
enum pw_status pw_store_monitor_seen_crl(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                         const char *url, const uint8_t *crl_number,
                                         int *out_first, struct pw_error *err) PW_WARN_UNUSED;

/* Records an OCSP answer for the revoked certificate `sha256` fetched from
 * `url` at `at` with cert status `status` (enum pw_ocsp_cert_status). When
 * the status is revoked and this is the first such answer, sets
 * first_seen_ocsp and the URL (*out_first 1). The latest answer (status,
 * time) is always kept. PW_ERR_NOTFOUND when the certificate is not stored
 * or not revoked. */
enum pw_status pw_store_monitor_seen_ocsp(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                          const char *url, int status, int *out_first,
                                          struct pw_error *err) PW_WARN_UNUSED;

/* Reads what was seen of the revocation of `sha256` (has_crl/has_ocsp 0 when
 * nothing yet). PW_ERR_NOTFOUND when the certificate is not revoked. */
enum pw_status pw_store_monitor_seen_get(struct pw_store *s, const uint8_t sha256[32],
                                         struct pw_store_monitor_seen *out,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* ---- Fetches ---- */

/* One fetch of a CRL or OCSP URL. */
struct pw_store_monitor_fetch {
	int64_t id;                    /* assigned by fetch_add */
	const char *url;
	const char *kind;              /* "crl" or "ocsp" */
	int64_t at;                    /* when it started */
	long http_status;              /* 0 when no HTTP response arrived */
	const char *content_type;      /* NULL when none */
	uint64_t bytes;                /* body bytes received */
	int64_t elapsed_ms;
	const char *outcome;           /* "ok" or the alert kind it produced */
	const char *detail;            /* human text; NULL = none */
	int has_body_sha256;
	uint8_t body_sha256[32];
};

typedef int (*pw_store_monitor_fetch_fn)(void *ctx, const struct pw_store_monitor_fetch *f);

/* Appends a fetch row (f->id ignored); *out_id (may be NULL) gets its id. */
enum pw_status pw_store_monitor_fetch_add(struct pw_store *s, const struct pw_store_monitor_fetch *f,
                                          int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn for the newest `limit` fetches (0 = all), newest first, of `url`
 * (NULL = every URL). fn returns 1 to continue, 0 to stop. */
enum pw_status pw_store_monitor_fetch_list(struct pw_store *s, const char *url, uint64_t limit,
                                           pw_store_monitor_fetch_fn fn, void *ctx,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* ---- CRL numbers per URL ---- */

/* One CRL seen at a URL. */
struct pw_store_monitor_crl {
	const char *url;
	uint8_t crl_number[PW_STORE_MONITOR_CRL_NUMBER_LEN]; /* padded big-endian */
	int64_t this_update;
	int has_next_update;
	int64_t next_update;
	uint64_t entries;              /* revokedCertificates entries */
	uint8_t crl_sha256[32];        /* SHA-256 of the CRL DER */
	int64_t first_seen, last_seen; /* set by the store */
};

typedef int (*pw_store_monitor_crl_fn)(void *ctx, const struct pw_store_monitor_crl *c);

/* Records that the CRL c (url, number, ...) was fetched at `at`: a new row
 * (first_seen = last_seen = at, *out_new 1) or last_seen moved forward on
 * the existing (url, number) row (*out_new 0). out_new may be NULL. */
enum pw_status pw_store_monitor_crl_seen(struct pw_store *s, const struct pw_store_monitor_crl *c,
                                         int64_t at, int *out_new,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* The highest CRL number ever seen at `url` into *out (url borrowed from the
 * argument). PW_ERR_NOTFOUND when no CRL was recorded for that URL. */
enum pw_status pw_store_monitor_crl_highest(struct pw_store *s, const char *url,
                                            struct pw_store_monitor_crl *out,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* Every CRL recorded for `url` (NULL = all URLs), URL then number order. */
enum pw_status pw_store_monitor_crl_list(struct pw_store *s, const char *url,
                                         pw_store_monitor_crl_fn fn, void *ctx,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* ---- Alerts ---- */

/* One alert. */
struct pw_store_monitor_alert {
	int64_t id;
	const char *kind;              /* monitor.h: PW_MONITOR_ALERT_* names */
	const char *subject;           /* "cert:<sha256 hex>" or "url:<url>" */
	const char *url;               /* the URL involved; NULL = none */
	const char *detail;            /* latest human explanation */
	int64_t first_seen, last_seen;
	uint64_t count;                /* times raised while open */
	int64_t resolved_at;           /* 0 = open */
};

typedef int (*pw_store_monitor_alert_fn)(void *ctx, const struct pw_store_monitor_alert *a);

/* Raises alert (kind, subject) at `at`: when one is open, moves its
 * last_seen, increments count and replaces detail/url (*out_new 0); else
 * opens a new one (*out_new 1). *out_id gets its id. out_id/out_new may be
 * NULL. a->id, first_seen, last_seen, count and resolved_at are ignored. */
enum pw_status pw_store_monitor_alert_raise(struct pw_store *s,
                                            const struct pw_store_monitor_alert *a, int64_t at,
                                            int64_t *out_id, int *out_new,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* Resolves open alert `id` at `at`. PW_ERR_NOTFOUND when no open alert has
 * that id. */
enum pw_status pw_store_monitor_alert_resolve(struct pw_store *s, int64_t id, int64_t at,
                                              struct pw_error *err) PW_WARN_UNUSED;

/* Which alerts a list returns (zeroed = all, newest first). */
struct pw_store_monitor_alert_filter {
	int open_only;                 /* only unresolved alerts */
	const char *kind;              /* NULL = any */
	const char *subject;           /* NULL = any */
	uint64_t limit;                /* 0 = no limit */
};

/* Calls fn for each alert matching f (NULL = all), by last_seen descending
 * then id descending. fn returns 1 to continue, 0 to stop. */
enum pw_status pw_store_monitor_alert_list(struct pw_store *s,
                                           const struct pw_store_monitor_alert_filter *f,
                                           pw_store_monitor_alert_fn fn, void *ctx,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Number of open alerts into *out. */
enum pw_status pw_store_monitor_alert_count_open(struct pw_store *s, uint64_t *out,
                                                 struct pw_error *err) PW_WARN_UNUSED;

#endif
