/* pkiward — the "policy" store area (schema migration 8): set-based queries
 * over the validation records for the CPS disclosure check (policy.h), and
 * stored bulk revocation plans (revoke_plan.h).
 *
 * Disclosure check. The check never walks certificates one by one in C: it
 * fills a per-connection scratch set of "hits" (validation rows that fall in
 * a window the rules forbid) with one INSERT ... SELECT per (method, window),
 * each an index range over validation (method, at), then reads the affected
 * certificates once, grouped. The scratch set is a TEMP table: it lives on
 * this handle only (other processes never see it) and is emptied by
 * pw_store_policy_hits_reset(). It works on a read-only handle.
 *
 * Plans. A plan is a fixed list of certificates (items, in order) with the
 * reason, deadline and batch size to revoke them with; executing it is a
 * bulk revocation job (revoke.h), so the job tables hold its progress.
 *
 * All functions follow store.h's conventions (enum pw_status, struct
 * pw_error, Unix seconds, raw 32-byte hashes). */
#ifndef PKIWARD_STORE_POLICY_H
#define PKIWARD_STORE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest text kept in a plan row (source, deadline rule, notes). */
#define PW_STORE_PLAN_MAX_TEXT 1024

/* ---- Disclosure check: validation methods and the hit set ---- */

/* One distinct DCV method recorded in the base and its number of
 * validation rows. `method` is borrowed for the call. Return 1 to go on. */
typedef int (*pw_store_policy_method_fn)(void *ctx, const char *method, uint64_t validations);

/* Calls fn for every distinct method in the validation table (an index
 * skip over validation (method, ...); the count is an index range count
 * when want_counts, else 0). */
enum pw_status pw_store_policy_methods(struct pw_store *s, int want_counts,
                                       pw_store_policy_method_fn fn, void *ctx,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Creates (first use) or empties the handle's hit set. */
enum pw_status pw_store_policy_hits_reset(struct pw_store *s, struct pw_error *err) PW_WARN_UNUSED;

/* Adds to the hit set every validation with this method performed in
 * [from, until) and before `cutoff` (only validations the check is about),
 * tagged with `kind` (a bit, see policy.h). *out_n gets the rows added. */
enum pw_status pw_store_policy_hits_add_window(struct pw_store *s, const char *method,
                                               int64_t from, int64_t until, int64_t cutoff,
                                               unsigned kind, uint64_t *out_n,
                                               struct pw_error *err) PW_WARN_UNUSED;

/* Adds every validation with this method performed before `sunset` whose
 * certificate was issued (notBefore) on or after `sunset` and before
 * `cutoff`: issuance that relied on validations the BR said must no longer
 * be used. Tagged `kind`; *out_n gets the rows added. */
enum pw_status pw_store_policy_hits_add_reuse(struct pw_store *s, const char *method,
                                              int64_t sunset, int64_t cutoff, unsigned kind,
                                              uint64_t *out_n,
                                              struct pw_error *err) PW_WARN_UNUSED;

/* One affected certificate (all its hits grouped). Pointers are borrowed for
 * the callback. */
struct pw_store_policy_hit {
	int64_t cert_id;
	uint8_t sha256[32];
	int precert;
	int has_twin;
	uint8_t twin_sha256[32];       /* the precertificate/certificate twin */
	const char *subject, *issuer;
	const char *serial_hex;        /* lowercase hex of the INTEGER octets */
	int64_t not_before, not_after;
	const char *profile, *order, *subscriber; /* NULL when not recorded */
	int revoked;
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
	unsigned kinds;                /* OR of the kinds of its hits */
	uint64_t n_hits;               /* validations of it that were hit */
	const char *method;            /* the earliest hit: its method and time */
	int64_t validated_at;
};

typedef int (*pw_store_policy_hit_fn)(void *ctx, const struct pw_store_policy_hit *h);

/* Calls fn for each certificate in the hit set, in ingest order. */
enum pw_status pw_store_policy_hits_list(struct pw_store *s, pw_store_policy_hit_fn fn,
                                         void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* Totals of the hit set: distinct certificates, and of them those neither
 * expired at `now` nor revoked ("remaining valid", CCADB IRG). Also the
 * earliest and latest notBefore of the affected certificates (0 when none). */
struct pw_store_policy_totals {
	uint64_t certificates;
	uint64_t precertificates;
	uint64_t remaining_valid;
	uint64_t revoked;
	uint64_t expired;
	int64_t first_not_before, last_not_before;
};

enum pw_status pw_store_policy_hits_totals(struct pw_store *s, int64_t now,
                                           struct pw_store_policy_totals *out,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Per method in the hit set: distinct certificates and notBefore range. */
typedef int (*pw_store_policy_hit_method_fn)(void *ctx, const char *method, uint64_t certificates,
                                             int64_t first_not_before, int64_t last_not_before);
enum pw_status pw_store_policy_hits_by_method(struct pw_store *s,
                                              pw_store_policy_hit_method_fn fn, void *ctx,
                                              struct pw_error *err) PW_WARN_UNUSED;

/* ---- Profiles and keys issued ---- */

/* Calls fn for each recorded profile (NULL = none recorded) with its number
 * of certificates and notBefore range (one GROUP BY over certificate). */
typedef int (*pw_store_policy_profile_fn)(void *ctx, const char *profile, uint64_t certificates,
                                          int64_t first_not_before, int64_t last_not_before);
enum pw_status pw_store_policy_profiles(struct pw_store *s, int64_t cutoff,
                                        pw_store_policy_profile_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Certificates of `profile` issued (notBefore) in [from, until). */
enum pw_status pw_store_policy_profile_count(struct pw_store *s, const char *profile,
                                             int64_t from, int64_t until, uint64_t *out,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn once per distinct subject key (SPKI SHA-256) of non-CA
 * certificates issued before `cutoff`, with the DER of one certificate
 * holding it (borrowed for the call) and the number of certificates with it. */
typedef int (*pw_store_policy_key_fn)(void *ctx, const uint8_t spki_sha256[32],
                                      const uint8_t *der, size_t der_len, uint64_t certificates,
                                      int64_t first_not_before, int64_t last_not_before);
enum pw_status pw_store_policy_keys(struct pw_store *s, int64_t cutoff, pw_store_policy_key_fn fn,
                                    void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Stored revocation plans ---- */

struct pw_store_revoke_plan {
	int64_t id;
	int64_t created_at;
	int64_t aware_at;          /* when the CA became aware (deadline base) */
	int64_t deadline;          /* BR 4.9.1.1 deadline */
	const char *deadline_rule; /* "BR 4.9.1.1(12): 5 days" */
	const char *source;        /* what selected the items */
	const char *actor;
	int has_reason;
	unsigned reason;
	uint64_t batch;            /* items per transaction when executed */
	uint64_t total;
	int64_t job_id;            /* the bulk revocation job once executed; 0 = not yet */
	int64_t started_at, finished_at; /* 0 = not yet */
};

/* Records a plan (p->id, job_id, started/finished ignored) and its n items
 * (sha256s: n × 32 bytes, in order). *out_id gets its id. */
enum pw_status pw_store_revoke_plan_create(struct pw_store *s, const struct pw_store_revoke_plan *p,
                                           const uint8_t *sha256s, size_t n, int64_t *out_id,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Reads plan `id` (texts copied into buf, bufsize bytes; truncated to fit).
 * PW_ERR_NOTFOUND for an unknown id. */
enum pw_status pw_store_revoke_plan_get(struct pw_store *s, int64_t id,
                                        struct pw_store_revoke_plan *out, char *buf,
                                        size_t bufsize, struct pw_error *err) PW_WARN_UNUSED;

/* The plan's items in order: *out (n × 32 bytes, malloc'd; caller frees). */
enum pw_status pw_store_revoke_plan_items(struct pw_store *s, int64_t id, uint8_t **out,
                                          size_t *out_n, struct pw_error *err) PW_WARN_UNUSED;

/* Items grouped by subscriber (NULL = none recorded): certificates,
 * precertificates, distinct orders, latest notAfter; order of the groups:
 * most certificates first. */
struct pw_store_plan_group {
	const char *subscriber;
	uint64_t certificates, precertificates, orders, not_in_store, already_revoked;
	int64_t last_not_after;
};
typedef int (*pw_store_plan_group_fn)(void *ctx, const struct pw_store_plan_group *g);
enum pw_status pw_store_revoke_plan_groups(struct pw_store *s, int64_t id,
                                           pw_store_plan_group_fn fn, void *ctx,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Records that the plan's execution started (the first start time is kept
 * when a run resumes) and, when job_id is not 0, its bulk job. */
enum pw_status pw_store_revoke_plan_started(struct pw_store *s, int64_t id, int64_t job_id,
                                            int64_t at, struct pw_error *err) PW_WARN_UNUSED;
/* Records that the plan finished. */
enum pw_status pw_store_revoke_plan_finished(struct pw_store *s, int64_t id, int64_t at,
                                             struct pw_error *err) PW_WARN_UNUSED;

#endif
