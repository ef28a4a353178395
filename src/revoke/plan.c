/* revoke/plan.c: planned bulk revocation (revoke_plan.h).
 *
 * The incident this answers: 369,922 certificates to revoke were handled by
 * a one-off script. A plan is recorded first (who, what, by when, in which
 * batches, what each subscriber is told), then executed as a durable bulk
 * job (bulk.c) that a kill cannot double or lose, republishing status as it
 * goes; every step is an event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "pkiward/events.h"
#include "pkiward/revoke_plan.h"

char *pw_revoke_plan_subject(int64_t id, char *out)
{
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "revoke_plan:%lld", (long long)id);
	return out;
}

static void iso(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

static enum pw_status event(struct pw_store *s, int64_t at, const char *kind, const char *subject,
                            const char *actor, json_t *p, struct pw_error *err)
{
	char *txt = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_events_append(s, at, kind, subject, actor, txt, NULL, NULL, err);
	free(txt);
	return st;
}

enum pw_status pw_revoke_plan_create(struct pw_store *s, const struct pw_revoke_plan_spec *spec,
                                     int64_t *out_id, struct pw_error *err)
{
	struct pw_store_revoke_plan p;
	char subject[PW_EVENTS_SUBJECT_MAX], dl[32], rule[PW_STORE_PLAN_MAX_TEXT];
	enum pw_status st;
	int64_t id = 0;

	if (s == NULL || spec == NULL || out_id == NULL || (spec->n > 0 && spec->sha256s == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (spec->n == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "items", "a plan needs at least one certificate");
	if (spec->n > PW_REVOKE_BULK_MAX_ITEMS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "items", "%zu items, at most %zu", spec->n,
		                    (size_t)PW_REVOKE_BULK_MAX_ITEMS);
	if (!pw_revoke_reason_allowed(spec->has_reason, spec->reason))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
		                    "CRLReason %s is not allowed for subscriber certificates (BR 7.2.2, "
		                    "MRSP 6.1.1)",
		                    pw_revoke_reason_name(spec->has_reason, spec->reason));
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "a plan is created in its own transaction");
	int64_t now = spec->now ? spec->now : (int64_t)time(NULL);
	memset(&p, 0, sizeof p);
	p.created_at = now;
	p.aware_at = spec->aware_at ? spec->aware_at : now;
	int urgent = spec->urgency == PW_REVOKE_PLAN_24_HOURS ||
	             (spec->has_reason && spec->reason == PW_REVOKE_KEY_COMPROMISE);
	p.deadline = p.aware_at + (urgent ? PW_REVOKE_DEADLINE_URGENT_SECS : PW_REVOKE_DEADLINE_OTHER_SECS);
	if (spec->rule != NULL)
		snprintf(rule, sizeof rule, "%s", spec->rule);
	else if (urgent)
		snprintf(rule, sizeof rule, "BR 4.9.1.1 (items 1-5): revoke within 24 hours");
	else
		snprintf(rule, sizeof rule, "BR 4.9.1.1 (items 6-16, e.g. 12: not issued in accordance "
		                            "with the BR or the CPS): revoke within 5 days");
	p.deadline_rule = rule;
	p.source = spec->source ? spec->source : "list";
	p.actor = spec->actor ? spec->actor : PW_REVOKE_DEFAULT_ACTOR;
	p.has_reason = spec->has_reason;
	p.reason = spec->reason;
	p.batch = spec->batch ? spec->batch : PW_REVOKE_PLAN_BATCH_DEFAULT;
	if (p.batch > PW_REVOKE_BULK_BATCH_MAX)
		p.batch = PW_REVOKE_BULK_BATCH_MAX;
	p.total = spec->n;
	if ((st = pw_store_begin(s, err)) != PW_OK)
		return st;
	if ((st = pw_store_revoke_plan_create(s, &p, spec->sha256s, spec->n, &id, err)) != PW_OK)
		goto out;
	json_t *o = json_object();
	iso(p.deadline, dl, sizeof dl);
	json_object_set_new(o, "plan", json_integer(id));
	json_object_set_new(o, "items", json_integer((json_int_t)spec->n));
	json_object_set_new(o, "source", json_string(p.source));
	json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(p.has_reason, p.reason)));
	json_object_set_new(o, "deadline", json_string(dl));
	json_object_set_new(o, "rule", json_string(rule));
	json_object_set_new(o, "batch", json_integer((json_int_t)p.batch));
	st = event(s, now, "revoke_plan.created", pw_revoke_plan_subject(id, subject), p.actor, o, err);
out:
	if (st == PW_OK)
		st = pw_store_commit(s, err);
	else
		pw_store_rollback(s);
	if (st == PW_OK)
		*out_id = id;
	return st;
}

char *pw_revoke_plan_notice(const struct pw_store_revoke_plan *p,
                            const struct pw_store_plan_group *g, char *buf, size_t buflen)
{
	char dl[32], exp[32];
	iso(p->deadline, dl, sizeof dl);
	iso(g->last_not_after, exp, sizeof exp);
	snprintf(buf, buflen,
	         "Subject: %llu of your certificates will be revoked by %s\n\n"
	         "Account: %s\n"
	         "We found that %llu certificate(s)%s from %llu order(s) of your account were issued "
	         "in a way that does not meet our published practices (%s). The CA/Browser Forum "
	         "Baseline Requirements (%s) oblige us to revoke them no later than %s "
	         "(CRLReason: %s). The latest of them would otherwise expire %s.\n"
	         "Please request replacement certificates now and install them before that time; "
	         "new issuance is validated with a method our CPS discloses. Replacing them early "
	         "avoids an outage when the revocation takes effect.\n",
	         (unsigned long long)g->certificates, dl, g->subscriber ? g->subscriber : "(not recorded)",
	         (unsigned long long)g->certificates,
	         g->precertificates ? " (and their precertificates)" : "",
	         (unsigned long long)g->orders, p->source ? p->source : "see the incident report",
	         p->deadline_rule ? p->deadline_rule : "BR 4.9.1.1", dl,
	         pw_revoke_reason_name(p->has_reason, p->reason), exp);
	return buf;
}

struct exec_ctx {
	struct pw_store *s;
	const struct pw_revoke_plan_exec *x;
	struct pw_revoke_plan_result *out;
	const char *subject;
	const char *actor;
	int64_t interval_ms;
	int64_t last_cost_ms; /* how long the last republication took */
	struct timespec last;
	int published_once;
	uint64_t batches;
};

static int64_t ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (int64_t)(b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* After each batch: republish (throttled) and record the step. Errors
 * cannot stop the job from here; they are counted and recorded. */
static void after_batch(struct exec_ctx *c, int final, uint64_t done, uint64_t total)
{
	char note[128] = "";
	struct pw_error e;
	int republished = 0;
	pw_error_clear(&e);
	/* A full CRL grows with the job (a 370,000-entry CRL is rebuilt, signed
	 * and linted each time), so the wait between republications stretches
	 * to keep publishing to at most PW_REVOKE_PLAN_REPUBLISH_SHARE_PCT of
	 * the time: otherwise a large job spends most of its time republishing
	 * and finishes later, which delays the final, complete CRL. */
	int64_t wait_ms = c->interval_ms;
	int64_t adaptive = c->last_cost_ms * (100 - PW_REVOKE_PLAN_REPUBLISH_SHARE_PCT) /
	                   PW_REVOKE_PLAN_REPUBLISH_SHARE_PCT;
	if (wait_ms >= 0 && adaptive > wait_ms)
		wait_ms = adaptive;
	if (c->x->republish != NULL &&
	    (final || wait_ms < 0 || !c->published_once || ms_since(&c->last) >= wait_ms)) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (c->x->republish(c->x->ctx, final, done, total, note, sizeof note, &e) == PW_OK) {
			c->out->republications++;
			republished = 1;
		} else {
			c->out->republish_errors++;
			c->out->last_republish_error = e;
		}
		c->last_cost_ms = ms_since(&t0);
		clock_gettime(CLOCK_MONOTONIC, &c->last);
		c->published_once = 1;
	}
	if (final)
		return; /* the finishing event says it */
	c->batches++;
	json_t *o = json_object();
	json_object_set_new(o, "done", json_integer((json_int_t)done));
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "republished", json_boolean(republished));
	if (note[0])
		json_object_set_new(o, "publication", json_string(note));
	if (!republished && c->out->republish_errors && e.msg[0])
		json_object_set_new(o, "republish_error", json_string(e.msg));
	struct pw_error e2;
	if (event(c->s, 0, "revoke_plan.batch", c->subject, c->actor, o, &e2) != PW_OK) {
		c->out->republish_errors++;
		c->out->last_republish_error = e2;
	}
}

static void exec_progress(void *vctx, uint64_t done, uint64_t total)
{
	struct exec_ctx *c = vctx;
	after_batch(c, 0, done, total);
	if (c->x->progress != NULL)
		c->x->progress(c->x->ctx, done, total);
}

enum pw_status pw_revoke_plan_execute(struct pw_store *s, const struct pw_revoke_plan_exec *x,
                                      struct pw_revoke_plan_result *out, struct pw_error *err)
{
	struct pw_store_revoke_plan p;
	char textbuf[4 * PW_STORE_PLAN_MAX_TEXT], subject[PW_EVENTS_SUBJECT_MAX], source[64], dl[32];
	uint8_t *items = NULL;
	size_t n = 0;
	enum pw_status st;

	if (s == NULL || x == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "a plan's execution manages its own transactions");
	if ((st = pw_store_revoke_plan_get(s, x->plan_id, &p, textbuf, sizeof textbuf, err)) != PW_OK)
		return st;
	const char *actor = x->actor ? x->actor : PW_REVOKE_DEFAULT_ACTOR;
	int64_t now = x->now ? x->now : (int64_t)time(NULL);
	pw_revoke_plan_subject(p.id, subject);
	out->deadline = p.deadline;
	if ((st = pw_store_revoke_plan_items(s, p.id, &items, &n, err)) != PW_OK)
		goto out;
	if (p.finished_at == 0) {
		/* The start (or a resumption) is a step of the timeline too. */
		json_t *o = json_object();
		json_object_set_new(o, "plan", json_integer(p.id));
		json_object_set_new(o, "items", json_integer((json_int_t)n));
		json_object_set_new(o, "resumed", json_boolean(p.started_at != 0));
		if ((st = pw_store_begin(s, err)) != PW_OK)
			goto out;
		if ((st = pw_store_revoke_plan_started(s, p.id, 0, now, err)) != PW_OK ||
		    (st = event(s, now, p.started_at ? "revoke_plan.resumed" : "revoke_plan.started",
		                subject, actor, o, err)) != PW_OK) {
			pw_store_rollback(s);
			goto out;
		}
		if ((st = pw_store_commit(s, err)) != PW_OK)
			goto out;
	}
	struct exec_ctx c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.x = x;
	c.out = out;
	c.subject = subject;
	c.actor = actor;
	c.interval_ms = x->republish_interval_ms ? x->republish_interval_ms
	                                         : PW_REVOKE_PLAN_REPUBLISH_MS_DEFAULT;
	snprintf(source, sizeof source, "plan:%lld", (long long)p.id);
	struct pw_revoke_bulk b = {
		.sha256s = items, .n = n, .source = source, .has_reason = p.has_reason,
		.reason = p.reason, .actor = actor, .now = x->now, .batch = (size_t)p.batch,
		.progress = exec_progress, .ctx = &c,
	};
	if ((st = pw_revoke_bulk_run(s, &b, &out->bulk, err)) != PW_OK)
		goto out;
	if (out->bulk.was_finished && p.finished_at != 0)
		goto out; /* ran to the end before: nothing to do or to record */
	after_batch(&c, 1, out->bulk.total, out->bulk.total);
	int64_t end = (int64_t)time(NULL);
	if (x->now)
		end = x->now;
	out->late = end > p.deadline;
	json_t *o = json_object();
	iso(p.deadline, dl, sizeof dl);
	json_object_set_new(o, "plan", json_integer(p.id));
	json_object_set_new(o, "job", json_integer(out->bulk.job_id));
	json_object_set_new(o, "items", json_integer((json_int_t)out->bulk.total));
	json_object_set_new(o, "revoked", json_integer((json_int_t)out->bulk.revoked));
	json_object_set_new(o, "already_revoked", json_integer((json_int_t)out->bulk.already));
	json_object_set_new(o, "not_in_store", json_integer((json_int_t)out->bulk.missing));
	json_object_set_new(o, "twins", json_integer((json_int_t)out->bulk.twins));
	json_object_set_new(o, "republications", json_integer((json_int_t)out->republications));
	json_object_set_new(o, "republish_errors", json_integer((json_int_t)out->republish_errors));
	json_object_set_new(o, "deadline", json_string(dl));
	json_object_set_new(o, "late", json_boolean(out->late));
	if ((st = pw_store_begin(s, err)) != PW_OK) {
		json_decref(o);
		goto out;
	}
	if ((st = pw_store_revoke_plan_started(s, p.id, out->bulk.job_id, now, err)) != PW_OK ||
	    (st = pw_store_revoke_plan_finished(s, p.id, end, err)) != PW_OK ||
	    (st = event(s, end, "revoke_plan.finished", subject, actor, o, err)) != PW_OK) {
		pw_store_rollback(s);
		goto out;
	}
	st = pw_store_commit(s, err);
out:
	free(items);
	return st;
}
