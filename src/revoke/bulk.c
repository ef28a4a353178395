/* revoke/bulk.c: bulk revocation as a durable, resumable plan.
 *
 * The incident this answers: a CA had to revoke 369,922 certificates with
 * "a one-off script". Here a bulk run first records its plan (job + items)
 * in one transaction, then revokes in batches, each batch committing its
 * revocations, their events and the items' "done" marks together. A kill -9
 * loses at most the open batch, and a re-run of the same list and reason
 * finds the plan by its key and continues with the items not done. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"

/* The plan key: SHA-256 over a domain string, the reason and the list. */
static void job_key(const struct pw_revoke_bulk *b, uint8_t out[32])
{
	SHA256_CTX c;
	uint8_t hdr[2 + 8];
	uint64_t n = b->n;
	hdr[0] = (uint8_t)(b->has_reason != 0);
	hdr[1] = (uint8_t)(b->has_reason ? b->reason : 0);
	for (int i = 9; i >= 2; i--) {
		hdr[i] = (uint8_t)n;
		n >>= 8;
	}
	SHA256_Init(&c);
	SHA256_Update(&c, "pkiward-revoke-plan-v1", sizeof "pkiward-revoke-plan-v1");
	SHA256_Update(&c, hdr, sizeof hdr);
	SHA256_Update(&c, b->sha256s, b->n * 32);
	SHA256_Final(out, &c);
}

static enum pw_status append_json_event(struct pw_store *s, int64_t at, const char *kind,
                                        const char *subject, const char *actor, json_t *p,
                                        struct pw_error *err)
{
	char *txt = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_events_append(s, at, kind, subject, actor, txt, NULL, NULL, err);
	free(txt);
	return st;
}

enum pw_status pw_revoke_bulk_run(struct pw_store *s, const struct pw_revoke_bulk *b,
                                  struct pw_revoke_bulk_result *out, struct pw_error *err)
{
	struct pw_store_revoke_job job;
	struct pw_store_job_item *items = NULL;
	struct pw_revoke_defer *defer = NULL;
	struct pw_revoke_request req;
	struct pw_revoke_result rr;
	uint8_t key[32];
	char subject[PW_EVENTS_SUBJECT_MAX];
	enum pw_status st;
	int in_txn = 0;

	if (s == NULL || b == NULL || out == NULL || (b->n > 0 && b->sha256s == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "a bulk revocation manages its own transactions");
	if (b->n > PW_REVOKE_BULK_MAX_ITEMS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "items",
		                    "%zu items, more than the %zu one plan may hold", b->n,
		                    (size_t)PW_REVOKE_BULK_MAX_ITEMS);
	if (!pw_revoke_reason_allowed(b->has_reason, b->reason))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
		                    "CRLReason %s is not allowed for subscriber certificates (BR 7.2.2, "
		                    "MRSP 6.1.1)",
		                    pw_revoke_reason_name(b->has_reason, b->reason));
	size_t batch = b->batch ? b->batch : PW_REVOKE_BULK_BATCH_DEFAULT;
	if (batch > PW_REVOKE_BULK_BATCH_MAX)
		batch = PW_REVOKE_BULK_BATCH_MAX;
	int64_t now = b->now ? b->now : (int64_t)time(NULL);
	const char *actor = b->actor ? b->actor : PW_REVOKE_DEFAULT_ACTOR;
	job_key(b, key);

	/* Find or create the plan, atomically with its event. */
	if ((st = pw_store_begin(s, err)) != PW_OK)
		goto out;
	in_txn = 1;
	st = pw_store_revoke_job_find(s, key, &job, err);
	if (st == PW_OK) {
		out->resumed = 1;
		out->was_finished = job.finished_at != 0;
		out->done_before = job.done;
	} else if (st == PW_ERR_NOTFOUND) {
		memset(&job, 0, sizeof job);
		memcpy(job.key, key, 32);
		job.created_at = now;
		job.source = b->source ? b->source : "list";
		job.has_reason = b->has_reason;
		job.reason = b->reason;
		job.total = b->n;
		if ((st = pw_store_revoke_job_create(s, &job, b->sha256s, b->n, &job.id, err)) != PW_OK)
			goto out;
		json_t *p = json_object();
		json_object_set_new(p, "source", json_string(job.source));
		json_object_set_new(p, "items", json_integer((json_int_t)b->n));
		json_object_set_new(p, "reason", json_string(pw_revoke_reason_name(b->has_reason, b->reason)));
		char khex[65];
		pw_hex_encode(key, 32, khex);
		json_object_set_new(p, "plan", json_string(khex));
		if ((st = append_json_event(s, now, "revoke_job.created",
		                            pw_events_subject_job(job.id, subject), actor, p, err)) != PW_OK)
			goto out;
		job.total = b->n;
	} else {
		goto out;
	}
	if ((st = pw_store_commit(s, err)) != PW_OK) {
		in_txn = 0;
		goto out;
	}
	in_txn = 0;
	out->job_id = job.id;
	out->total = job.total;
	if (out->was_finished)
		goto out;

	items = malloc(batch * sizeof *items);
	defer = malloc(sizeof *defer);
	if (items == NULL || defer == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	memset(&req, 0, sizeof req);
	req.has_reason = b->has_reason;
	req.reason = b->reason;
	req.at = now;
	/* BR 4.9.1.1 deadlines run from when the plan was made, however many
	 * times it had to be resumed. */
	req.requested_at = job.created_at;
	req.actor = actor;
	req.cause = subject;
	pw_events_subject_job(job.id, subject);
	uint64_t done = out->done_before;
	int64_t after = 0;
	for (;;) {
		size_t n = 0;
		if ((st = pw_store_begin(s, err)) != PW_OK)
			goto out;
		in_txn = 1;
		if ((st = pw_store_revoke_job_pending(s, job.id, after, batch, items, &n, err)) != PW_OK)
			goto out;
		if (n == 0)
			break; /* the finishing transaction stays open */
		/* Items are marked done per run of equal outcomes: the pending items
		 * come in seq order and every seq between two of them is done
		 * already, so a seq range names exactly the run. */
		const char *run_outcome = NULL;
		int64_t run_first = 0, run_last = 0;
		defer->n = 0;
		for (size_t i = 0; i < n; i++) {
			const char *outcome;
			st = pw_revoke_cert_deferred(s, items[i].sha256, &req, &rr, defer, err);
			if (st == PW_ERR_NOTFOUND) {
				out->missing++;
				outcome = "missing";
			} else if (st != PW_OK) {
				goto out;
			} else {
				outcome = pw_revoke_outcome_name(rr.v[0].outcome);
				if (rr.v[0].outcome == PW_REVOKE_REVOKED)
					out->revoked++;
				else if (rr.v[0].outcome == PW_REVOKE_UPGRADED)
					out->upgraded++;
				else
					out->already++;
				if (rr.n == 2 && rr.v[1].outcome != PW_REVOKE_ALREADY)
					out->twins++;
			}
			if (run_outcome != NULL && strcmp(run_outcome, outcome) != 0) {
				if ((st = pw_store_revoke_job_mark_range(s, job.id, run_first, run_last,
				                                         run_outcome, now, err)) != PW_OK)
					goto out;
				run_outcome = NULL;
			}
			if (run_outcome == NULL) {
				run_outcome = outcome;
				run_first = items[i].seq;
			}
			run_last = items[i].seq;
			after = items[i].seq;
		}
		if ((st = pw_revoke_defer_flush(s, defer, err)) != PW_OK ||
		    (st = pw_store_revoke_job_mark_range(s, job.id, run_first, run_last, run_outcome,
		                                         now, err)) != PW_OK)
			goto out;
		if ((st = pw_store_commit(s, err)) != PW_OK) {
			in_txn = 0;
			goto out;
		}
		in_txn = 0;
		done += n;
		if (b->progress != NULL)
			b->progress(b->ctx, done, out->total);
	}
	{
		json_t *p = json_object();
		json_object_set_new(p, "items", json_integer((json_int_t)out->total));
		json_object_set_new(p, "revoked", json_integer((json_int_t)out->revoked));
		json_object_set_new(p, "upgraded", json_integer((json_int_t)out->upgraded));
		json_object_set_new(p, "already_revoked", json_integer((json_int_t)out->already));
		json_object_set_new(p, "missing", json_integer((json_int_t)out->missing));
		json_object_set_new(p, "twins", json_integer((json_int_t)out->twins));
		json_object_set_new(p, "resumed", json_boolean(out->resumed));
		if ((st = pw_store_revoke_job_finish(s, job.id, now, err)) != PW_OK ||
		    (st = append_json_event(s, now, "revoke_job.finished", subject, actor, p, err)) !=
		            PW_OK)
			goto out;
		st = pw_store_commit(s, err);
		in_txn = 0;
	}
out:
	if (in_txn)
		pw_store_rollback(s);
	free(items);
	free(defer);
	return st;
}
