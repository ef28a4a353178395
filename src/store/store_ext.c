/* store/store_ext.c: the backend-neutral evidence functions (store.h,
 * "Evidence"). Each checks its arguments, then runs the backend's
 * implementation inside the caller's transaction or, when none is open, in
 * its own. */
#include <string.h>

#include "pkiward/buf.h"
#include "ext.h"
#include "internal.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->ext == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no evidence tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

/* Opens a transaction when none is open; *own says whether to close it. */
enum pw_status pw_store_txn_start(struct pw_store *s, int *own, struct pw_error *err)
{
	*own = 0;
	if (s->ops->in_txn(s))
		return PW_OK;
	enum pw_status st = s->ops->begin(s, err);
	if (st == PW_OK)
		*own = 1;
	return st;
}

enum pw_status pw_store_txn_end(struct pw_store *s, int own, enum pw_status st,
                                struct pw_error *err)
{
	if (!own)
		return st;
	if (st == PW_OK)
		return s->ops->commit(s, err);
	s->ops->rollback(s);
	return st;
}

int pw_store_in_transaction(struct pw_store *s)
{
	return s != NULL && s->ops->in_txn(s);
}

static int text_ok(const char *t, size_t max)
{
	return t == NULL || strlen(t) <= max;
}

enum pw_status pw_store_event_head(struct pw_store *s, int64_t *out_id, uint8_t out_hash[32],
                                   struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out_id == NULL || out_hash == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->ext->event_head(s, out_id, out_hash, err);
}

enum pw_status pw_store_event_insert(struct pw_store *s, const struct pw_store_event *e,
                                     struct pw_error *err)
{
	int64_t head;
	uint8_t head_hash[32];
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (e == NULL || e->kind == NULL || e->kind[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "event.kind", "an event needs a kind");
	if (!text_ok(e->kind, PW_STORE_EVENT_MAX_TEXT) ||
	    !text_ok(e->subject, PW_STORE_EVENT_MAX_TEXT) ||
	    !text_ok(e->actor, PW_STORE_EVENT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "event",
		                    "kind, subject and actor are limited to %d bytes",
		                    PW_STORE_EVENT_MAX_TEXT);
	if (!text_ok(e->payload, PW_STORE_EVENT_MAX_PAYLOAD))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "event.payload",
		                    "payload over %zu bytes", PW_STORE_EVENT_MAX_PAYLOAD);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	/* Append-only and gap-free: the new row must follow the recorded head
	 * and name its hash, or the chain would not verify. */
	st = s->ops->ext->event_head(s, &head, head_hash, err);
	if (st == PW_OK && (e->id != head + 1 || e->has_prev_hash != (head > 0) ||
	                    (head > 0 && memcmp(e->prev_hash, head_hash, 32) != 0)))
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "event.id",
		                  "event %lld does not follow the head of the log (event %lld)",
		                  (long long)e->id, (long long)head);
	if (st == PW_OK)
		st = s->ops->ext->event_insert(s, e, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_event_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                                   void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->ext->event_list(s, subject, fn, ctx, err);
}

enum pw_status pw_store_revocation_get(struct pw_store *s, const uint8_t sha256[32],
                                       struct pw_store_revocation *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->ext->revocation_get(s, sha256, out, err);
}

enum pw_status pw_store_revocation_put(struct pw_store *s, const struct pw_store_revocation *r,
                                       struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (r == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (r->has_reason && r->reason > 10)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
		                    "CRLReason %u is not defined (RFC 5280 §5.3.1)", r->reason);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->revocation_put(s, r, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_revocation_put_many(struct pw_store *s,
                                            const struct pw_store_revocation *v,
                                            const int64_t *rows, size_t n,
                                            struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (n > 0 && v == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	for (size_t i = 0; i < n; i++)
		if (v[i].has_reason && v[i].reason > 10)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
			                    "CRLReason %u is not defined (RFC 5280 §5.3.1)", v[i].reason);
	if (n == 0)
		return PW_OK;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	if (s->ops->ext->revocation_put_many != NULL) {
		st = s->ops->ext->revocation_put_many(s, v, rows, n, err);
	} else {
		for (size_t i = 0; i < n && st == PW_OK; i++)
			st = s->ops->ext->revocation_put(s, &v[i], err);
	}
	return pw_store_txn_end(s, own, st, err);
}

struct cert_state_ctx {
	int found;
	struct pw_store_cert_state *out;
};

static int cert_state_row(void *vctx, const struct pw_store_row *r)
{
	struct cert_state_ctx *c = vctx;
	c->found = 1;
	c->out->precert = r->precert;
	if (r->precert && r->has_cert_sha256) {
		c->out->has_twin = 1;
		memcpy(c->out->twin, r->cert_sha256, 32);
	} else if (!r->precert && r->has_precert_sha256) {
		c->out->has_twin = 1;
		memcpy(c->out->twin, r->precert_sha256, 32);
	}
	return 0;
}

/* One object's revocation, PW_ERR_NOTFOUND mapped to *revoked = 0. */
static enum pw_status read_revocation(struct pw_store *s, const uint8_t sha256[32], int *revoked,
                                      struct pw_store_revocation *rv, struct pw_error *err)
{
	enum pw_status st = s->ops->ext->revocation_get(s, sha256, rv, err);
	*revoked = st == PW_OK;
	if (st == PW_ERR_NOTFOUND) {
		memset(rv, 0, sizeof *rv);
		memcpy(rv->sha256, sha256, 32);
		pw_error_clear(err);
		st = PW_OK;
	}
	return st;
}

enum pw_status pw_store_cert_state(struct pw_store *s, const uint8_t sha256[32],
                                   struct pw_store_cert_state *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if (s->ops->ext->cert_state != NULL)
		return s->ops->ext->cert_state(s, sha256, out, err);
	/* Backends without the one-query form: the same answer in three. */
	struct pw_store_filter f;
	struct cert_state_ctx c = {0, out};
	memset(&f, 0, sizeof f);
	f.has_sha256 = 1;
	memcpy(f.sha256, sha256, 32);
	if ((st = pw_store_find(s, &f, 0, cert_state_row, &c, err)) != PW_OK)
		return st;
	if (!c.found) {
		char hex[65];
		pw_hex_encode(sha256, 32, hex);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "no certificate with SHA-256 %s in the store", hex);
	}
	if ((st = read_revocation(s, sha256, &out->revoked, &out->rv, err)) != PW_OK)
		return st;
	if (out->has_twin)
		st = read_revocation(s, out->twin, &out->twin_revoked, &out->twin_rv, err);
	return st;
}

enum pw_status pw_store_blocked_key_put(struct pw_store *s, const struct pw_store_blocked_key *k,
                                        int *out_inserted, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (out_inserted != NULL)
		*out_inserted = 0;
	if (st != PW_OK)
		return st;
	if (k == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (k->proof_len > PW_STORE_MAX_PROOF)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "proof", "proof over %zu bytes",
		                    PW_STORE_MAX_PROOF);
	if (!text_ok(k->why, PW_STORE_EVENT_MAX_PAYLOAD) ||
	    !text_ok(k->proof_type, PW_STORE_EVENT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "blocked_key", "text too long");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->blocked_key_put(s, k, out_inserted, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_blocked_key_list(struct pw_store *s, const uint8_t *spki_sha256,
                                         pw_store_blocked_key_fn fn, void *ctx,
                                         struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->ext->blocked_key_list(s, spki_sha256, fn, ctx, err);
}

enum pw_status pw_store_problem_report_add(struct pw_store *s,
                                           const struct pw_store_problem_report *r,
                                           int64_t *out_id, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (r == NULL || out_id == NULL || r->kind == NULL || r->status == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "a report needs a kind and a status");
	if (!text_ok(r->kind, PW_STORE_EVENT_MAX_TEXT) || !text_ok(r->status, PW_STORE_EVENT_MAX_TEXT) ||
	    !text_ok(r->reporter, PW_STORE_EVENT_MAX_TEXT) ||
	    !text_ok(r->subject, PW_STORE_EVENT_MAX_TEXT) ||
	    !text_ok(r->payload, PW_STORE_EVENT_MAX_PAYLOAD))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report", "a report field is too long");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->problem_report_add(s, r, out_id, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_problem_report_set_status(struct pw_store *s, int64_t id,
                                                  const char *status, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (status == NULL || !text_ok(status, PW_STORE_EVENT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "status", "missing or too long status");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->problem_report_set_status(s, id, status, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_problem_report_get(struct pw_store *s, int64_t id,
                                           pw_store_problem_report_fn fn, void *ctx,
                                           struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->ext->problem_report_get(s, id, fn, ctx, err);
}

enum pw_status pw_store_revoke_job_find(struct pw_store *s, const uint8_t key[32],
                                        struct pw_store_revoke_job *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (key == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->ext->job_find(s, key, out, err);
}

enum pw_status pw_store_revoke_job_create(struct pw_store *s, const struct pw_store_revoke_job *j,
                                          const uint8_t *sha256s, size_t n, int64_t *out_id,
                                          struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (j == NULL || out_id == NULL || (n > 0 && sha256s == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->job_create(s, j, sha256s, n, out_id, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_revoke_job_pending(struct pw_store *s, int64_t job_id, int64_t after_seq,
                                           size_t max, struct pw_store_job_item *out,
                                           size_t *out_n, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL || out_n == NULL || max == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->ext->job_pending(s, job_id, after_seq, max, out, out_n, err);
}

enum pw_status pw_store_revoke_job_mark(struct pw_store *s, int64_t job_id, int64_t seq,
                                        const char *outcome, int64_t at, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (outcome == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL outcome");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->job_mark(s, job_id, seq, outcome, at, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_revoke_job_mark_range(struct pw_store *s, int64_t job_id,
                                              int64_t first_seq, int64_t last_seq,
                                              const char *outcome, int64_t at,
                                              struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (outcome == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL outcome");
	if (first_seq < 1 || last_seq < first_seq ||
	    last_seq - first_seq >= PW_STORE_JOB_MARK_RANGE_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "seq",
		                    "seq range %lld..%lld is empty or longer than %d", (long long)first_seq,
		                    (long long)last_seq, PW_STORE_JOB_MARK_RANGE_MAX);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	if (s->ops->ext->job_mark_range != NULL) {
		st = s->ops->ext->job_mark_range(s, job_id, first_seq, last_seq, outcome, at, err);
	} else {
		for (int64_t seq = first_seq; seq <= last_seq && st == PW_OK; seq++)
			st = s->ops->ext->job_mark(s, job_id, seq, outcome, at, err);
	}
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_revoke_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                          struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->ext->job_finish(s, job_id, at, err);
	return pw_store_txn_end(s, own, st, err);
}
