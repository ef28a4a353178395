/* pkiward — planned bulk revocation (issue 8 item 5; BR 4.9.1.1).
 *
 * A plan fixes, before anything is revoked, which certificates will be
 * revoked, with which CRLReason, by when (the BR 4.9.1.1 deadline counted
 * from when the CA became aware), in batches of how many; it groups them by
 * subscriber (metadata "subscriber"/"order", docs/metadata.md) so that each
 * subscriber can be told what will happen and by when. It is stored (store
 * area "policy", store_policy.h) and recorded as an event.
 *
 * Executing a plan is a bulk revocation job (revoke.h, pw_revoke_bulk_run):
 * batches commit their revocations, events and "done" marks together, so a
 * run killed at any point loses at most the open batch and running the plan
 * again resumes it; nothing is revoked or recorded twice. After each batch
 * the caller's hook may republish CRLs/OCSP (the CLI calls publish.h), and
 * each batch, the start and the end are events (subject "revoke_plan:<id>"),
 * so the incident timeline is read from the log. */
#ifndef PKIWARD_REVOKE_PLAN_H
#define PKIWARD_REVOKE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/revoke.h"
#include "pkiward/status.h"
#include "pkiward/store.h"
#include "pkiward/store_policy.h"

/* Default items per batch of a plan. */
#define PW_REVOKE_PLAN_BATCH_DEFAULT 10000u
/* Room for a notice text to one subscriber. */
#define PW_REVOKE_PLAN_NOTICE_MAX 2048
/* Default minimum time between two republications during execution. */
#define PW_REVOKE_PLAN_REPUBLISH_MS_DEFAULT 2000
/* The interval stretches so that republishing takes at most this share of
 * a job's time (the wait is at least 4x the last republication's cost). */
#define PW_REVOKE_PLAN_REPUBLISH_SHARE_PCT 20

/* How urgent the plan is (BR 4.9.1.1). */
enum pw_revoke_plan_urgency {
	/* 4.9.1.1 items 6-16 (e.g. (12) "not issued in accordance with ... the
	 * CA's CP or CPS"): revoke within 5 days. */
	PW_REVOKE_PLAN_5_DAYS = 0,
	/* 4.9.1.1 items 1-5 (e.g. (5) "the validation of domain authorization
	 * or control ... should not be relied upon", (3) key compromise):
	 * revoke within 24 hours. */
	PW_REVOKE_PLAN_24_HOURS
};

struct pw_revoke_plan_spec {
	const uint8_t *sha256s;   /* n × 32 bytes, in the order to revoke */
	size_t n;
	const char *source;       /* what selected them (shown in notices and events) */
	int has_reason;           /* CRLReason (revoke.h; BR 7.2.2) */
	unsigned reason;
	enum pw_revoke_plan_urgency urgency;
	const char *rule;         /* deadline rule text; NULL = derived from urgency */
	int64_t aware_at;         /* when the CA became aware; 0 = now */
	size_t batch;             /* 0 = PW_REVOKE_PLAN_BATCH_DEFAULT */
	const char *actor;        /* NULL = "pkiward" */
	int64_t now;              /* 0 = current time */
};

/* Records a plan and its items with the event "revoke_plan.created" (counts,
 * deadline, rule) in one transaction. n may not be 0. *out_id gets the
 * plan id. */
enum pw_status pw_revoke_plan_create(struct pw_store *s, const struct pw_revoke_plan_spec *spec,
                                     int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* The notice to one subscriber group of plan p (plain text, into buf of
 * buflen bytes; returns buf). */
char *pw_revoke_plan_notice(const struct pw_store_revoke_plan *p,
                            const struct pw_store_plan_group *g, char *buf, size_t buflen);

/* Called after each committed batch (and once at the end, final = 1),
 * outside any transaction: republish CRLs/OCSP here. Return PW_OK, or an
 * error to record (execution goes on: the revocations are durable, and the
 * next batch or run republishes). *out_note (may stay NULL) is a short text
 * recorded in the batch event ("3 CRLs"). */
typedef enum pw_status (*pw_revoke_plan_batch_fn)(void *ctx, int final, uint64_t done,
                                                  uint64_t total, char *note, size_t note_len,
                                                  struct pw_error *err);

struct pw_revoke_plan_exec {
	int64_t plan_id;
	const char *actor;                 /* NULL = "pkiward" */
	int64_t now;                       /* 0 = current time */
	pw_revoke_progress_fn progress;    /* after each batch (may be NULL) */
	pw_revoke_plan_batch_fn republish; /* may be NULL */
	int64_t republish_interval_ms;     /* 0 = PW_REVOKE_PLAN_REPUBLISH_MS_DEFAULT; < 0: every batch */
	void *ctx;                         /* passed to progress and republish */
};

struct pw_revoke_plan_result {
	struct pw_revoke_bulk_result bulk; /* what the job did (revoke.h) */
	int64_t deadline;
	int late;                          /* finished after the deadline */
	uint64_t republications;           /* republish calls that succeeded */
	uint64_t republish_errors;
	struct pw_error last_republish_error;
};

/* Executes (or resumes) plan `id`. PW_ERR_NOTFOUND for an unknown plan.
 * Must not be called inside a transaction. */
enum pw_status pw_revoke_plan_execute(struct pw_store *s, const struct pw_revoke_plan_exec *x,
                                      struct pw_revoke_plan_result *out,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Subject string "revoke_plan:<id>" of a plan's events (out has
 * PW_EVENTS_SUBJECT_MAX bytes; returns out). */
char *pw_revoke_plan_subject(int64_t id, char *out);

#endif
