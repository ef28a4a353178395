/* pkiward — revocation: reasons, deadlines, the twin rule, bulk plans and
 * the key compromise report flow (DESIGN.md, revoke/).
 *
 * Rules this module holds:
 *   - Revocation is recorded durably before anyone is told: every function
 *     here commits the revocation row and its event in one store transaction
 *     before it returns, and only then may a caller tell anyone.
 *   - Reasons (BR 7.2.2 "CRLReasons", MRSP 6.1.1): a subscriber certificate
 *     is revoked with keyCompromise (1), affiliationChanged (3),
 *     superseded (4), cessationOfOperation (5), privilegeWithdrawn (9), or
 *     no reasonCode at all ("unspecified"). Every other CRLReason is refused.
 *   - An earlier revocation is upgraded to keyCompromise when key compromise
 *     is proven, keeping its original revocation date (BR 7.2.2: "the CA
 *     SHOULD update the CRL entry to enter keyCompromise").
 *   - A precertificate and its certificate are one serial (RFC 6962 §3: the
 *     precertificate binds the serial of the certificate to be issued):
 *     revoking either revokes both.
 *   - Deadlines (BR 4.9.1.1): 24 hours for keyCompromise, 5 days otherwise,
 *     counted from when the revocation was requested / reported; problem
 *     reports are answered within 24 hours (BR 4.9.5). Both are stored.
 *   - Every change is an event (events.h) appended in the same transaction.
 *   - A proven key compromise revokes every unexpired certificate and
 *     precertificate with that key, whatever their issuer, and blocks the key
 *     for all future issuance (BR 6.1.1.3(4)). */
#ifndef PKIWARD_REVOKE_H
#define PKIWARD_REVOKE_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/keys.h"
#include "pkiward/status.h"
#include "pkiward/store.h"

/* ---- Reasons and deadlines ---- */

/* CRLReason values (RFC 5280 §5.3.1) that BR 7.2.2 / MRSP 6.1.1 allow. */
#define PW_REVOKE_KEY_COMPROMISE 1u
#define PW_REVOKE_AFFILIATION_CHANGED 3u
#define PW_REVOKE_SUPERSEDED 4u
#define PW_REVOKE_CESSATION_OF_OPERATION 5u
#define PW_REVOKE_PRIVILEGE_WITHDRAWN 9u

/* BR 4.9.1.1: revoke within 24 hours (key compromise) or 5 days. */
#define PW_REVOKE_DEADLINE_URGENT_SECS ((int64_t)24 * 3600)
#define PW_REVOKE_DEADLINE_OTHER_SECS ((int64_t)5 * 24 * 3600)
/* BR 4.9.5: a preliminary report on a problem report within 24 hours. */
#define PW_REVOKE_REPORT_DEADLINE_SECS ((int64_t)24 * 3600)

/* Longest reason name. */
#define PW_REVOKE_REASON_NAME_MAX 32

/* Parses a reason name as used on the command line: "keyCompromise",
 * "affiliationChanged", "superseded", "cessationOfOperation",
 * "privilegeWithdrawn", or "unspecified" (*out_has_reason 0: no reasonCode).
 * A CRLReason BR 7.2.2 does not allow (cACompromise, certificateHold,
 * removeFromCRL, aACompromise, an explicit unspecified(0) code) is
 * PW_ERR_USAGE with a message citing the rule; an unknown name too. */
enum pw_status pw_revoke_reason_parse(const char *name, int *out_has_reason, unsigned *out_reason,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* 1 when (has_reason, reason) is allowed for a subscriber certificate. */
int pw_revoke_reason_allowed(int has_reason, unsigned reason);

/* "keyCompromise", ..., "unspecified" when !has_reason, "reason-N" for
 * values without a name (thread-local buffer then). */
const char *pw_revoke_reason_name(int has_reason, unsigned reason);

/* The BR 4.9.1.1 deadline of a revocation requested at requested_at. */
int64_t pw_revoke_deadline(int has_reason, unsigned reason, int64_t requested_at);

/* ---- Revoking one certificate (and its twin) ---- */

struct pw_revoke_request {
	int has_reason;         /* 0: no reasonCode ("unspecified") */
	unsigned reason;
	int64_t at;             /* revocation date; 0 = now */
	int64_t requested_at;   /* when it was requested/reported; 0 = at */
	const char *actor;      /* recorded in the events; NULL = "pkiward" */
	const char *cause;      /* what caused it ("report:12", "job:3"); may be NULL */
};

enum pw_revoke_outcome {
	PW_REVOKE_REVOKED = 1,  /* newly revoked */
	PW_REVOKE_UPGRADED,     /* was revoked; reason upgraded to keyCompromise, date kept */
	PW_REVOKE_ALREADY       /* was revoked already; nothing changed */
};

/* "revoked", "upgraded", "already-revoked". */
const char *pw_revoke_outcome_name(enum pw_revoke_outcome o);

/* One certificate a request touched, and its state afterwards. */
struct pw_revoke_item {
	uint8_t sha256[32];
	int precert;
	enum pw_revoke_outcome outcome;
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
	int64_t deadline;       /* stored BR 4.9.1.1 deadline */
	int64_t event_id;       /* the event of this change (the earlier one if ALREADY) */
};

/* The certificate asked for and its twin (when stored). */
struct pw_revoke_result {
	struct pw_revoke_item v[2];
	size_t n;
};

/* Revokes the certificate or precertificate `sha256` and its twin, with the
 * rules above. Idempotent: revoking again changes nothing (outcome
 * ALREADY) unless it upgrades to keyCompromise. PW_ERR_NOTFOUND when the
 * certificate is not stored; PW_ERR_USAGE for a reason BR 7.2.2 refuses.
 * Runs in the caller's transaction if one is open, else in its own (then it
 * has committed when this returns PW_OK). */
enum pw_status pw_revoke_cert(struct pw_store *s, const uint8_t sha256[32],
                              const struct pw_revoke_request *req, struct pw_revoke_result *out,
                              struct pw_error *err) PW_WARN_UNUSED;

/* ---- Bulk revocation plans ---- */

/* Items revoked per transaction by default / at most. */
#define PW_REVOKE_BULK_BATCH_DEFAULT 1000u
#define PW_REVOKE_BULK_BATCH_MAX 100000u
/* Items one plan may hold. */
#define PW_REVOKE_BULK_MAX_ITEMS ((size_t)100 << 20)

typedef void (*pw_revoke_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct pw_revoke_bulk {
	const uint8_t *sha256s;   /* n × 32 bytes, in the order given */
	size_t n;
	const char *source;       /* shown and recorded ("csv:list.csv", "find") */
	int has_reason;
	unsigned reason;
	const char *actor;        /* NULL = "pkiward" */
	int64_t now;              /* 0 = current time */
	size_t batch;             /* 0 = PW_REVOKE_BULK_BATCH_DEFAULT */
	pw_revoke_progress_fn progress; /* may be NULL */
	void *ctx;
};

struct pw_revoke_bulk_result {
	int64_t job_id;
	int resumed;              /* an earlier run of this plan existed */
	int was_finished;         /* ... and had finished: nothing was done now */
	uint64_t total;           /* items in the plan */
	uint64_t done_before;     /* items done by earlier runs */
	uint64_t revoked;         /* items newly revoked by this run */
	uint64_t upgraded;        /* items upgraded to keyCompromise */
	uint64_t already;         /* items that were revoked already */
	uint64_t missing;         /* items not in the store */
	uint64_t twins;           /* twins revoked along with an item */
};

/* Runs a bulk revocation as a durable plan: the first run records the plan
 * (a job row and one row per item, keyed by the SHA-256 of reason and list,
 * with an event), then revokes items `batch` per transaction, marking each
 * item done in the same transaction. A run killed at any point loses at most
 * the open batch; running the same list and reason again resumes the plan:
 * done items are skipped, nothing is revoked or recorded twice. Deadlines
 * count from the plan's creation. Items that are not stored are marked
 * "missing" and counted (not an error). */
enum pw_status pw_revoke_bulk_run(struct pw_store *s, const struct pw_revoke_bulk *b,
                                  struct pw_revoke_bulk_result *out,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* ---- Key compromise reports ---- */

struct pw_revoke_key_report {
	const uint8_t *proof;     /* private key, CSR or JWS (keys.h); NULL with a challenge */
	size_t proof_len;
	const uint8_t *key_input; /* optional: the certificate/key reported (--cert) */
	size_t key_input_len;
	/* Signed-challenge form (keys.h): challenge and signature, key_input required. */
	const struct pw_keys_challenge *challenge;
	const uint8_t *signature;
	size_t signature_len;
	const char *reporter;     /* e.g. an email address; NULL = anonymous */
	const char *actor;        /* NULL = "pkiward" */
	int64_t now;              /* 0 = current time (when the report was received) */
	/* A proof the caller verified itself (an ACME revokeCert JWS, RFC 8555
	 * §7.6, signed by the certificate's key over a nonce pkiward issued:
	 * http/acme.c). Borrowed; when set, proof/proof_len are the evidence
	 * bytes recorded (the JWS as received) and no other verification runs. */
	const struct pw_keys_proof *verified;
};

struct pw_revoke_key_report_result {
	int proven;               /* the proof verified */
	int changed;              /* 0: already handled (key blocked, nothing to revoke); no rows written */
	int64_t report_id;        /* the report recorded (the earlier one when !changed) */
	int64_t received_at;
	int64_t report_deadline;  /* BR 4.9.5 */
	int64_t revoke_deadline;  /* BR 4.9.1.1, 24 hours */
	struct pw_error proof_error; /* why the proof was refused (when !proven) */
	char proof_type[PW_REVOKE_REASON_NAME_MAX];
	char proof_detail[PW_KEYS_DETAIL_MAX];
	uint8_t spki_sha256[32];  /* the proven key (when proven) */
	int key_newly_blocked;
	int64_t blocked_at;       /* when the key was (first) blocked */
	uint64_t n_certs;         /* unexpired certificates/precertificates with the key */
	uint64_t n_revoked, n_upgraded, n_already;
	struct pw_revoke_item *items; /* each of the n_certs, owned */
	size_t n_items;
};

/* Handles a report of key compromise:
 *   1. verifies the proof (pw_keys_verify_proof / _with_key / challenge);
 *   2. records the report (a report row with its BR 4.9.5 deadline) and each
 *      step as an event;
 *   3. without a valid proof: leaves the report open for a person
 *      (status "needs-review"), out->proven 0, and returns PW_OK — a report is
 *      never dropped;
 *   4. with one: blocks the key (blocked_key: SPKI and badkeys hashes, the
 *      proof, why, when) and revokes every unexpired certificate and
 *      precertificate with that SPKI, from every issuer, with keyCompromise
 *      (upgrading earlier revocations, keeping their dates), all in one
 *      transaction committed before this returns.
 * The same proof again, once everything is done, changes nothing
 * (out->changed 0, out->report_id the earlier report). Call
 * pw_revoke_key_report_result_cleanup() afterwards. */
enum pw_status pw_revoke_report_key(struct pw_store *s, const struct pw_revoke_key_report *rq,
                                    struct pw_revoke_key_report_result *out,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* Frees what a result owns (NULL-safe). */
void pw_revoke_key_report_result_cleanup(struct pw_revoke_key_report_result *r);

/* Adds every key blocked in the store (both identities) to bl, e.g. a list
 * made with pw_keys_blocklist_new("compromised", PW_KEYS_LIST_COMPROMISED),
 * so pw_keys_check() refuses them. *out_keys (may be NULL) gets the number of
 * blocked keys read. */
enum pw_status pw_revoke_blocklist_load(struct pw_store *s, struct pw_keys_blocklist *bl,
                                        size_t *out_keys, struct pw_error *err) PW_WARN_UNUSED;

#endif
