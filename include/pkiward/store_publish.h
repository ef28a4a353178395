/* pkiward/store_publish.h — storage primitives of the publish area (schema
 * migration 3): the registry of issuing CAs, CRL number counters, the
 * published-CRL log, expired entries already listed past their expiry, and
 * the revocation change counter. The rules (validation, events, CRL
 * building) live in publish/ (publish.h); these functions only store and
 * read. Each write runs inside the caller's transaction if one is open,
 * else in its own. Texts and blobs in callbacks are borrowed for the call. */
#ifndef PKIWARD_STORE_PUBLISH_H
#define PKIWARD_STORE_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* One registry row. */
struct pw_store_publish_ca {
	int64_t id;
	const char *name;
	uint8_t cert_sha256[32];
	const uint8_t *cert_der;
	size_t cert_len;
	uint8_t subject_name_sha256[32];
	uint8_t spki_sha256[32];
	const uint8_t *ski;            /* the CA certificate's SKI; NULL when absent */
	size_t ski_len;
	const char *key_ref;
	const char *crl_base_url;      /* NULL when none */
	unsigned partitions;
	const char *ocsp_url;          /* NULL when none */
	const uint8_t *responder_cert_der; /* NULL when none */
	size_t responder_cert_len;
	const char *responder_key_ref; /* NULL when none */
	int64_t added_at, updated_at;
	int64_t next_crl_number;       /* ignored by put */
};

typedef int (*pw_store_publish_ca_fn)(void *ctx, const struct pw_store_publish_ca *ca);

/* Inserts the CA (r->id ignored) or, when its cert_sha256 is registered and
 * `replace`, updates its settings (keeping id, added_at and the counter).
 * PW_ERR_EXISTS when registered and !replace, or when another CA has the
 * same name. *out_id gets the id, *out_updated (may be NULL) 1 on update. */
enum pw_status pw_store_publish_ca_put(struct pw_store *s, const struct pw_store_publish_ca *r,
                                       int replace, int64_t *out_id, int *out_updated,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Which CAs a list returns: all (every selector unset), or the one with id
 * (id > 0), name (non-NULL) or certificate hash (has_sha256). */
struct pw_store_publish_ca_sel {
	int64_t id;
	const char *name;
	int has_sha256;
	uint8_t sha256[32];
};

/* Calls fn for each selected CA in id order. sel NULL = all. */
enum pw_status pw_store_publish_ca_list(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
                                        pw_store_publish_ca_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Reserves n consecutive CRL numbers of CA id: *out_first gets the first,
 * and the counter moves past the last. Run it in a transaction of its own
 * and commit before using the numbers (never reused after a crash). */
enum pw_status pw_store_publish_reserve_numbers(struct pw_store *s, int64_t ca_id, uint64_t n,
                                                uint64_t *out_first,
                                                struct pw_error *err) PW_WARN_UNUSED;

/* One revoked certificate issued by a CA. */
struct pw_store_publish_revoked {
	int64_t cert_row;              /* the certificate's row id (for expired_seen) */
	const uint8_t *serial;         /* INTEGER contents as encoded */
	size_t serial_len;
	int64_t not_after;
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
	int64_t invalidity_date;       /* 0 when none recorded */
	int expired_seen;              /* already listed on a CRL past its notAfter */
};

typedef int (*pw_store_publish_revoked_fn)(void *ctx, const struct pw_store_publish_revoked *r);

/* Calls fn for every revoked certificate and precertificate whose issuer
 * Name hashes to issuer_name_sha256 and whose AKI is absent or equals ski
 * (ski NULL: any AKI). Unordered. */
enum pw_status pw_store_publish_revoked_list(struct pw_store *s, const uint8_t issuer_name_sha256[32],
                                             const uint8_t *ski, size_t ski_len,
                                             pw_store_publish_revoked_fn fn, void *ctx,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* Records that cert_row was listed on CRL `number` of ca_id published at
 * `at`, after its notAfter. Idempotent. */
enum pw_status pw_store_publish_expired_seen(struct pw_store *s, int64_t cert_row, int64_t ca_id,
                                             uint64_t number, int64_t at,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* One published CRL (partition -1 = full CRL). */
struct pw_store_publish_crl {
	int64_t ca_id;
	int partition;
	uint64_t number;
	int64_t this_update, next_update;
	uint64_t entries;
	uint8_t sha256[32];
	const char *url;               /* NULL when none */
	int64_t published_at;
};

/* Appends a published-CRL row. */
enum pw_status pw_store_publish_crl_add(struct pw_store *s, const struct pw_store_publish_crl *c,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* The newest published CRL (highest number) of (ca_id, partition).
 * PW_ERR_NOTFOUND when none. out->url is NULL. */
enum pw_status pw_store_publish_crl_last(struct pw_store *s, int64_t ca_id, int partition,
                                         struct pw_store_publish_crl *out,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* The change generation (publish.h). */
enum pw_status pw_store_publish_generation(struct pw_store *s, uint64_t *out,
                                           struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_publish_bump(struct pw_store *s, struct pw_error *err) PW_WARN_UNUSED;

typedef int (*pw_store_publish_change_fn)(void *ctx, uint64_t generation,
                                          const uint8_t sha256[32]);
/* Revocation changes with generation > since, in generation order. */
enum pw_status pw_store_publish_changes_since(struct pw_store *s, uint64_t since,
                                              pw_store_publish_change_fn fn, void *ctx,
                                              struct pw_error *err) PW_WARN_UNUSED;
/* The same changes as certificate rows with their current revocation state
 * (revoked or not, time, reason): one query for any number of changes, so
 * that a publisher following a bulk revocation reads each change once
 * instead of looking every certificate up, or re-reading every revoked
 * certificate of a CA. A certificate changed n times comes n times, the
 * rows in generation order; each carries the state at the time of reading.
 * `want` as pw_store_find (PW_STORE_WANT_DER, PW_STORE_WANT_NAMES). */
enum pw_status pw_store_publish_changed_rows(struct pw_store *s, uint64_t since, unsigned want,
                                             pw_store_row_fn fn, void *ctx,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* Records the invalidity date (RFC 5280 §5.3.2) of a revoked certificate:
 * the time the key is known or suspected to have been compromised.
 * PW_ERR_NOTFOUND when the certificate is not revoked. */
enum pw_status pw_store_publish_set_invalidity(struct pw_store *s, const uint8_t sha256[32],
                                               int64_t invalidity_date,
                                               struct pw_error *err) PW_WARN_UNUSED;

#endif
