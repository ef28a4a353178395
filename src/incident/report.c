/* incident/report.c: the problem report lifecycle (report.h): steps, each
 * with its event in the same transaction, and the BR 4.9.5 / 4.9.1.1
 * deadlines computed from stored facts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store_reports.h"
#include "report_internal.h"

/* ---- names ---- */

static const char *const state_names[] = {
	[PW_REPORT_RECEIVED] = "received",
	[PW_REPORT_ACKNOWLEDGED] = "acknowledged",
	[PW_REPORT_INVESTIGATED] = "investigated",
	[PW_REPORT_PRELIMINARY_SENT] = "preliminary-sent",
	[PW_REPORT_ACTION_TAKEN] = "action-taken",
	[PW_REPORT_CLOSED] = "closed",
};

const char *pw_report_state_name(enum pw_report_state st)
{
	if ((unsigned)st >= sizeof state_names / sizeof state_names[0])
		return "unknown";
	return state_names[st];
}

const char *pw_report_action_name(enum pw_report_action a)
{
	switch (a) {
	case PW_REPORT_ACTION_REVOKED:
		return "revoked";
	case PW_REPORT_ACTION_DECLINED:
		return "declined";
	default:
		return "none";
	}
}

static enum pw_report_action action_parse(const char *t)
{
	if (t != NULL && strcmp(t, "revoked") == 0)
		return PW_REPORT_ACTION_REVOKED;
	if (t != NULL && strcmp(t, "declined") == 0)
		return PW_REPORT_ACTION_DECLINED;
	return PW_REPORT_ACTION_NONE;
}

const char *pw_report_deadline_state_name(enum pw_report_deadline_state st)
{
	switch (st) {
	case PW_REPORT_DL_PENDING:
		return "pending";
	case PW_REPORT_DL_MET:
		return "met";
	case PW_REPORT_DL_LATE:
		return "late";
	case PW_REPORT_DL_OVERDUE:
		return "overdue";
	default:
		return "n/a";
	}
}

/* ---- deadlines ---- */

int64_t pw_report_revoke_window(int br_item)
{
	/* BR 4.9.1.1: items 1-5 "SHALL revoke ... within 24 hours"; items 6-16
	 * "MUST revoke ... within 5 days". Undetermined: the stricter bound. */
	if (br_item >= 6 && br_item <= PW_REPORT_BR_ITEM_MAX)
		return PW_REPORT_REVOKE_OTHER_SECS;
	return PW_REPORT_REVOKE_URGENT_SECS;
}

static void deadline(struct pw_report_deadline *d, const char *name, const char *cite,
                     int64_t due, int64_t done_at, int64_t now)
{
	d->name = name;
	d->citation = cite;
	d->due = due;
	d->done_at = done_at;
	if (done_at != 0)
		d->state = done_at <= due ? PW_REPORT_DL_MET : PW_REPORT_DL_LATE;
	else
		d->state = now > due ? PW_REPORT_DL_OVERDUE : PW_REPORT_DL_PENDING;
}

int pw_report_deadlines(const struct pw_report *r, int64_t now,
                        struct pw_report_deadline out[PW_REPORT_N_DEADLINES])
{
	int bad = 0;
	/* BR 4.9.5: "Within 24 hours after receiving a Certificate Problem
	 * Report, the CA SHALL investigate ... and provide a preliminary report
	 * ... to both the Subscriber and the entity who filed" it. */
	deadline(&out[0], "investigate", "BR 4.9.5", r->received_at + PW_REPORT_INVESTIGATE_SECS,
	         r->investigated_at, now);
	deadline(&out[1], "preliminary", "BR 4.9.5", r->received_at + PW_REPORT_INVESTIGATE_SECS,
	         r->preliminary_at, now);
	/* BR 4.9.5: receipt to revocation within the 4.9.1.1 time frame. */
	if (r->action == PW_REPORT_ACTION_DECLINED) {
		memset(&out[2], 0, sizeof out[2]);
		out[2].name = "revoke";
		out[2].citation = "BR 4.9.1.1";
		out[2].state = PW_REPORT_DL_NA;
	} else {
		deadline(&out[2], "revoke", "BR 4.9.1.1",
		         r->received_at + pw_report_revoke_window(r->br_item), r->revoke_done_at, now);
	}
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++)
		bad |= out[i].state == PW_REPORT_DL_OVERDUE || out[i].state == PW_REPORT_DL_LATE;
	return bad;
}

/* ---- reading ---- */

void pw_report_free(struct pw_report *r)
{
	if (r == NULL)
		return;
	free(r->reporter);
	free(r->kind);
	free(r->title);
	free(r->body);
	free(r->source);
	free(r->message_id);
	free(r->subscriber);
	free(r->decline_reason);
	free(r->certs);
	free(r->candidates);
	free(r->unresolved);
	for (size_t i = 0; i < r->n_messages; i++) {
		free(r->messages[i].to);
		free(r->messages[i].text);
	}
	free(r->messages);
	free(r);
}

static char *dup_opt(const char *t, int *oom)
{
	if (t == NULL)
		return NULL;
	char *d = strdup(t);
	if (d == NULL)
		*oom = 1;
	return d;
}

struct get_ctx {
	struct pw_report *r;
	int oom;
	int have_life;
	char status[PW_STORE_EVENT_MAX_TEXT + 1];
};

static int base_row(void *vctx, const struct pw_store_problem_report *p)
{
	struct get_ctx *c = vctx;
	c->r->id = p->id;
	c->r->received_at = p->received_at;
	c->r->reporter = dup_opt(p->reporter, &c->oom);
	c->r->kind = dup_opt(p->kind, &c->oom);
	snprintf(c->status, sizeof c->status, "%s", p->status ? p->status : "");
	return 1;
}

/* The state is the furthest step taken (steps may happen in another order:
 * an automated revocation precedes the acknowledgement). */
static enum pw_report_state derive_state(const struct pw_report *r)
{
	if (r->closed_at)
		return PW_REPORT_CLOSED;
	if (r->action != PW_REPORT_ACTION_NONE)
		return PW_REPORT_ACTION_TAKEN;
	if (r->preliminary_at)
		return PW_REPORT_PRELIMINARY_SENT;
	if (r->investigated_at)
		return PW_REPORT_INVESTIGATED;
	if (r->acknowledged_at)
		return PW_REPORT_ACKNOWLEDGED;
	return PW_REPORT_RECEIVED;
}

static int life_row(void *vctx, const struct pw_store_report_life *l)
{
	struct get_ctx *c = vctx;
	struct pw_report *r = c->r;
	c->have_life = 1;
	r->action = action_parse(l->action);
	r->decline_reason = dup_opt(l->decline_reason, &c->oom);
	r->br_item = l->br_item;
	r->title = dup_opt(l->title, &c->oom);
	r->body = dup_opt(l->body, &c->oom);
	r->source = dup_opt(l->source, &c->oom);
	r->message_id = dup_opt(l->message_id, &c->oom);
	r->subscriber = dup_opt(l->subscriber, &c->oom);
	r->acknowledged_at = l->acknowledged_at;
	r->investigated_at = l->investigated_at;
	r->preliminary_at = l->preliminary_at;
	r->action_at = l->action_at;
	r->closed_at = l->closed_at;
	r->key_report_id = l->key_report ? r->id : 0;
	r->processed_at = l->processed_at;
	return 1;
}

static int cert_row(void *vctx, const uint8_t sha256[32], const char *how)
{
	struct get_ctx *c = vctx;
	struct pw_report *r = c->r;
	if (r->n_certs >= PW_REPORT_MAX_CERTS)
		return 0;
	void *n = realloc(r->certs, (r->n_certs + 1) * sizeof *r->certs);
	if (n == NULL) {
		c->oom = 1;
		return 0;
	}
	r->certs = n;
	memcpy(r->certs[r->n_certs].sha256, sha256, 32);
	snprintf(r->certs[r->n_certs].how, sizeof r->certs[0].how, "%s", how ? how : "");
	r->n_certs++;
	return 1;
}

static int cand_row(void *vctx, const uint8_t sha256[32], const char *query)
{
	struct get_ctx *c = vctx;
	struct pw_report *r = c->r;
	if (r->n_candidates >= PW_REPORT_MAX_CANDIDATES)
		return 0;
	void *n = realloc(r->candidates, (r->n_candidates + 1) * sizeof *r->candidates);
	if (n == NULL) {
		c->oom = 1;
		return 0;
	}
	r->candidates = n;
	memcpy(r->candidates[r->n_candidates].sha256, sha256, 32);
	snprintf(r->candidates[r->n_candidates].query, sizeof r->candidates[0].query, "%s",
	         query ? query : "");
	r->n_candidates++;
	return 1;
}

static int unres_row(void *vctx, const char *ref, const char *why)
{
	struct get_ctx *c = vctx;
	struct pw_report *r = c->r;
	void *n = realloc(r->unresolved, (r->n_unresolved + 1) * sizeof *r->unresolved);
	if (n == NULL) {
		c->oom = 1;
		return 0;
	}
	r->unresolved = n;
	snprintf(r->unresolved[r->n_unresolved].ref, sizeof r->unresolved[0].ref, "%s",
	         ref ? ref : "");
	snprintf(r->unresolved[r->n_unresolved].why, sizeof r->unresolved[0].why, "%s",
	         why ? why : "");
	r->n_unresolved++;
	return 1;
}

static int msg_row(void *vctx, const struct pw_store_report_message *m)
{
	struct get_ctx *c = vctx;
	struct pw_report *r = c->r;
	void *n = realloc(r->messages, (r->n_messages + 1) * sizeof *r->messages);
	if (n == NULL) {
		c->oom = 1;
		return 0;
	}
	r->messages = n;
	struct pw_report_message *o = &r->messages[r->n_messages++];
	memset(o, 0, sizeof *o);
	o->id = m->id;
	o->at = m->at;
	snprintf(o->kind, sizeof o->kind, "%s", m->kind ? m->kind : "");
	o->to = dup_opt(m->recipients, &c->oom);
	o->text = dup_opt(m->text, &c->oom);
	o->event_id = m->event_id;
	return 1;
}

/* The revocation time the revoke deadline is measured by: the latest
 * revocation of the linked certificates once all of them are revoked. */
static enum pw_status revoke_done(struct pw_store *s, struct pw_report *r, struct pw_error *err)
{
	int64_t latest = 0;
	r->revoke_done_at = 0;
	if (r->n_certs == 0)
		return PW_OK;
	for (size_t i = 0; i < r->n_certs; i++) {
		struct pw_store_revocation rv;
		enum pw_status st = pw_store_revocation_get(s, r->certs[i].sha256, &rv, err);
		if (st == PW_ERR_NOTFOUND)
			return PW_OK;
		if (st != PW_OK)
			return st;
		/* A certificate revoked before the report arrived meets the
		 * deadline at receipt. */
		int64_t t = rv.revoked_at < r->received_at ? r->received_at : rv.revoked_at;
		if (t < r->processed_at)
			t = r->processed_at;
		if (t > latest)
			latest = t;
	}
	r->revoke_done_at = latest;
	return PW_OK;
}

enum pw_status pw_report_get(struct pw_store *s, int64_t id, struct pw_report **out,
                             struct pw_error *err)
{
	struct get_ctx c;
	enum pw_status st;
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	memset(&c, 0, sizeof c);
	if ((c.r = calloc(1, sizeof *c.r)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if ((st = pw_store_problem_report_get(s, id, base_row, &c, err)) != PW_OK)
		goto out;
	st = pw_store_report_life_get(s, id, life_row, &c, err);
	if (st == PW_ERR_NOTFOUND) {
		/* Recorded by pw_revoke_report_key() (pkiward report-key) before
		 * any lifecycle step: read what its status says. */
		pw_error_clear(err);
		int key = c.r->kind != NULL && strcmp(c.r->kind, "key-compromise") == 0;
		c.r->source = dup_opt(key ? "report-key" : "unknown", &c.oom);
		c.r->key_report_id = key ? id : 0;
		if (key) {
			c.r->br_item = 3; /* BR 4.9.1.1 (3): key compromise */
			if (strcmp(c.status, "revoked") == 0) {
				c.r->action = PW_REPORT_ACTION_REVOKED;
				c.r->action_at = c.r->received_at;
			}
		}
		st = PW_OK;
	}
	if (st != PW_OK)
		goto out;
	if ((st = pw_store_report_cert_list(s, id, cert_row, &c, err)) != PW_OK ||
	    (st = pw_store_report_candidate_list(s, id, cand_row, &c, err)) != PW_OK ||
	    (st = pw_store_report_unresolved_list(s, id, unres_row, &c, err)) != PW_OK ||
	    (st = pw_store_report_message_list(s, id, msg_row, &c, err)) != PW_OK)
		goto out;
	if (c.oom) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	c.r->state = derive_state(c.r);
	if ((st = revoke_done(s, c.r, err)) != PW_OK)
		goto out;
	*out = c.r;
	c.r = NULL;
out:
	pw_report_free(c.r);
	return st;
}

#define LIST_PAGE 256

enum pw_status pw_report_list(struct pw_store *s, const struct pw_report_filter *f,
                              pw_report_fn fn, void *ctx, struct pw_error *err)
{
	int64_t ids[LIST_PAGE], after = 0;
	size_t n;
	enum pw_status st;
	if (s == NULL || fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	int64_t now = f && f->now ? f->now : (int64_t)time(NULL);
	for (;;) {
		if ((st = pw_store_report_ids(s, after, LIST_PAGE, ids, &n, err)) != PW_OK)
			return st;
		if (n == 0)
			return PW_OK;
		for (size_t i = 0; i < n; i++) {
			struct pw_report *r;
			struct pw_report_deadline dl[PW_REPORT_N_DEADLINES];
			after = ids[i];
			if ((st = pw_report_get(s, ids[i], &r, err)) != PW_OK)
				return st;
			int keep = 1;
			if (f != NULL && f->open_only && r->state == PW_REPORT_CLOSED)
				keep = 0;
			if (keep && f != NULL && f->overdue_only) {
				pw_report_deadlines(r, now, dl);
				keep = 0;
				for (int k = 0; k < PW_REPORT_N_DEADLINES; k++)
					keep |= dl[k].state == PW_REPORT_DL_OVERDUE;
			}
			int go = keep ? fn(ctx, r) : 1;
			pw_report_free(r);
			if (!go)
				return PW_OK;
		}
	}
}

/* ---- writing ---- */

static int text_len_ok(const char *t, size_t max)
{
	return t == NULL || strlen(t) <= max;
}

enum pw_status pw_report_txn_begin(struct pw_store *s, int *own, struct pw_error *err)
{
	*own = 0;
	if (pw_store_in_transaction(s))
		return PW_OK;
	enum pw_status st = pw_store_begin(s, err);
	if (st == PW_OK)
		*own = 1;
	return st;
}

enum pw_status pw_report_txn_end(struct pw_store *s, int own, enum pw_status st,
                                 struct pw_error *err)
{
	if (!own)
		return st;
	if (st == PW_OK)
		return pw_store_commit(s, err);
	pw_store_rollback(s);
	return st;
}

enum pw_status pw_report_event(struct pw_store *s, int64_t id, int64_t at, const char *kind,
                               const char *actor, json_t *payload, int64_t *out_event_id,
                               struct pw_error *err)
{
	char subj[PW_EVENTS_SUBJECT_MAX];
	char *txt = NULL;
	if (payload == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	txt = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(payload);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "event.payload",
		                    "event payload is not valid UTF-8 text (or out of memory)");
	enum pw_status st = pw_events_append(s, at, kind, pw_events_subject_report(id, subj),
	                                     actor ? actor : PW_REPORT_DEFAULT_ACTOR, txt,
	                                     out_event_id, NULL, err);
	free(txt);
	return st;
}

/* Adds a string member when t is set; jansson refuses invalid UTF-8, which
 * then surfaces as an error from pw_report_event(). */
void pw_report_json_str(json_t *o, const char *key, const char *t)
{
	if (t == NULL || o == NULL)
		return;
	json_t *v = json_string(t);
	if (v == NULL) {
		char *clean = pw_report_utf8_clean(t, strlen(t));
		v = clean ? json_string(clean) : NULL;
		free(clean);
	}
	/* With no memory left the member is missing; json_dumps of the payload
	 * then fails the same way and the step is refused, not half-recorded. */
	if (v != NULL)
		json_object_set_new(o, key, v);
}

static void life_from_report(const struct pw_report *r, struct pw_store_report_life *l)
{
	memset(l, 0, sizeof *l);
	l->report_id = r->id;
	l->state = pw_report_state_name(derive_state(r));
	l->action = pw_report_action_name(r->action);
	l->decline_reason = r->decline_reason;
	l->br_item = r->br_item;
	l->title = r->title;
	l->body = r->body;
	l->source = r->source ? r->source : "unknown";
	l->message_id = r->message_id;
	l->subscriber = r->subscriber;
	l->acknowledged_at = r->acknowledged_at;
	l->investigated_at = r->investigated_at;
	l->preliminary_at = r->preliminary_at;
	l->action_at = r->action_at;
	l->closed_at = r->closed_at;
	l->key_report = r->key_report_id != 0;
	l->processed_at = r->processed_at;
}

enum pw_status pw_report_save_life(struct pw_store *s, const struct pw_report *r,
                                   struct pw_error *err)
{
	struct pw_store_report_life l;
	life_from_report(r, &l);
	return pw_store_report_life_put(s, &l, err);
}

enum pw_status pw_report_create(struct pw_store *s, const struct pw_report_new *rn,
                                int64_t *out_id, struct pw_error *err)
{
	int own = 0;
	int64_t id = 0, existing;
	enum pw_status st;
	json_t *p;
	if (s == NULL || rn == NULL || out_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_id = 0;
	if (rn->kind == NULL || rn->kind[0] == '\0' || rn->source == NULL || rn->source[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "report", "a report needs a kind and a source");
	if (rn->br_item < 0 || rn->br_item > PW_REPORT_BR_ITEM_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "br_item",
		                    "BR 4.9.1.1 has items 1 to %d (0 = undetermined), not %d",
		                    PW_REPORT_BR_ITEM_MAX, rn->br_item);
	if (!text_len_ok(rn->reporter, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->message_id, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->subscriber, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->kind, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->source, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->title, PW_REPORT_MAX_TEXT) || !text_len_ok(rn->body, PW_REPORT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report",
		                    "a report field is too long (texts %zu bytes, addresses %d)",
		                    PW_REPORT_MAX_TEXT, PW_REPORT_MAX_SHORT);
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	if (rn->message_id != NULL) {
		st = pw_store_report_by_message_id(s, rn->message_id, &existing, err);
		if (st == PW_OK) {
			*out_id = existing;
			st = pw_error_set(err, PW_ERR_EXISTS, 0, 0, "message_id",
			                  "Message-ID <%s> was imported already as report %lld",
			                  rn->message_id, (long long)existing);
			goto out;
		}
		if (st != PW_ERR_NOTFOUND)
			goto out;
		pw_error_clear(err);
	}
	int64_t at = rn->received_at ? rn->received_at : (int64_t)time(NULL);
	/* The migration-2 row keeps the BR 4.9.5 deadline for tools that read
	 * only it; the lifecycle row holds the rest. */
	p = json_object();
	pw_report_json_str(p, "source", rn->source);
	pw_report_json_str(p, "message_id", rn->message_id);
	pw_report_json_str(p, "title", rn->title);
	char *payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (payload == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "report",
		                  "a report text is not valid UTF-8 (or out of memory)");
		goto out;
	}
	struct pw_store_problem_report row = {
		.received_at = at,
		.reporter = rn->reporter,
		.kind = rn->kind,
		.status = "open",
		.deadline = at + PW_REPORT_INVESTIGATE_SECS,
		.subject = NULL,
		.payload = payload,
	};
	st = pw_store_problem_report_add(s, &row, &id, err);
	free(payload);
	if (st != PW_OK)
		goto out;
	struct pw_store_report_life l = {
		.report_id = id,
		.state = "received",
		.action = "none",
		.br_item = rn->br_item,
		.title = rn->title,
		.body = rn->body,
		.source = rn->source,
		.message_id = rn->message_id,
		.subscriber = rn->subscriber,
		.processed_at = rn->processed_at,
	};
	if ((st = pw_store_report_life_put(s, &l, err)) != PW_OK)
		goto out;
	p = json_object();
	pw_report_json_str(p, "kind", rn->kind);
	pw_report_json_str(p, "reporter", rn->reporter);
	pw_report_json_str(p, "source", rn->source);
	pw_report_json_str(p, "message_id", rn->message_id);
	pw_report_json_str(p, "title", rn->title);
	json_object_set_new(p, "br_item", json_integer(rn->br_item));
	json_object_set_new(p, "deadline", json_integer(at + PW_REPORT_INVESTIGATE_SECS));
	if ((st = pw_report_event(s, id, at, "report.received", rn->actor, p, NULL, err)) != PW_OK)
		goto out;
	*out_id = id;
out:
	return pw_report_txn_end(s, own, st, err);
}

enum pw_status pw_report_adopt(struct pw_store *s, int64_t id, const struct pw_report_new *rn,
                               struct pw_error *err)
{
	int own = 0;
	struct pw_report *r = NULL;
	enum pw_status st;
	json_t *p;
	if (s == NULL || rn == NULL || rn->source == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!text_len_ok(rn->message_id, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->source, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->subscriber, PW_REPORT_MAX_SHORT) ||
	    !text_len_ok(rn->title, PW_REPORT_MAX_TEXT) || !text_len_ok(rn->body, PW_REPORT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report", "a report field is too long");
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_report_get(s, id, &r, err)) != PW_OK)
		goto out;
	int replace_str = 0;
#define SET_STR(field, val)                                                                        \
	do {                                                                                       \
		if ((val) != NULL) {                                                               \
			free(r->field);                                                            \
			if ((r->field = strdup(val)) == NULL)                                      \
				replace_str = 1;                                                   \
		}                                                                                  \
	} while (0)
	SET_STR(source, rn->source);
	SET_STR(message_id, rn->message_id);
	SET_STR(title, rn->title);
	SET_STR(body, rn->body);
	SET_STR(subscriber, rn->subscriber);
#undef SET_STR
	if (replace_str) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (rn->br_item > 0 && rn->br_item <= PW_REPORT_BR_ITEM_MAX)
		r->br_item = rn->br_item;
	if (rn->processed_at != 0)
		r->processed_at = rn->processed_at;
	r->key_report_id = id;
	if ((st = pw_report_save_life(s, r, err)) != PW_OK)
		goto out;
	p = json_object();
	pw_report_json_str(p, "source", rn->source);
	pw_report_json_str(p, "message_id", rn->message_id);
	pw_report_json_str(p, "title", rn->title);
	pw_report_json_str(p, "action", pw_report_action_name(r->action));
	st = pw_report_event(s, id, rn->received_at ? rn->received_at : r->received_at,
	                     "report.intake", rn->actor, p, NULL, err);
out:
	pw_report_free(r);
	return pw_report_txn_end(s, own, st, err);
}

enum pw_status pw_report_find_message_id(struct pw_store *s, const char *message_id,
                                         int64_t *out_id, struct pw_error *err)
{
	return pw_store_report_by_message_id(s, message_id, out_id, err);
}

/* One lifecycle step: loads the report, lets `apply` check and change it,
 * saves the lifecycle row and appends the event, all in one transaction. */
typedef enum pw_status (*step_fn)(struct pw_store *s, struct pw_report *r, int64_t at,
                                  void *arg, json_t *payload, struct pw_error *err);

static enum pw_status step(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                           const char *kind, step_fn apply, void *arg, const char *text,
                           struct pw_error *err)
{
	int own = 0;
	struct pw_report *r = NULL;
	json_t *p = NULL;
	enum pw_status st;
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (!text_len_ok(text, PW_REPORT_MAX_TEXT) || !text_len_ok(actor, PW_STORE_EVENT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "text", "text over %zu bytes",
		                    PW_REPORT_MAX_TEXT);
	if (at == 0)
		at = (int64_t)time(NULL);
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_report_get(s, id, &r, err)) != PW_OK)
		goto out;
	if (at < r->received_at) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "at",
		                  "report %lld was received at %lld; a step cannot precede it",
		                  (long long)id, (long long)r->received_at);
		goto out;
	}
	if (r->state == PW_REPORT_CLOSED && strcmp(kind, "report.note") != 0) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "state", "report %lld is closed",
		                  (long long)id);
		goto out;
	}
	if ((p = json_object()) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	pw_report_json_str(p, "text", text);
	if ((st = apply(s, r, at, arg, p, err)) != PW_OK)
		goto out;
	json_object_set_new(p, "state", json_string(pw_report_state_name(derive_state(r))));
	if ((st = pw_report_save_life(s, r, err)) != PW_OK)
		goto out;
	st = pw_report_event(s, id, at, kind, actor, p, NULL, err);
	p = NULL;
out:
	json_decref(p);
	pw_report_free(r);
	return pw_report_txn_end(s, own, st, err);
}

static enum pw_status once(const struct pw_report *r, int64_t done, const char *what,
                           struct pw_error *err)
{
	if (done != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "state", "report %lld was %s already at %lld",
		                    (long long)r->id, what, (long long)done);
	return PW_OK;
}

static enum pw_status apply_ack(struct pw_store *s, struct pw_report *r, int64_t at, void *arg,
                                json_t *p, struct pw_error *err)
{
	(void)s, (void)arg, (void)p;
	enum pw_status st = once(r, r->acknowledged_at, "acknowledged", err);
	if (st == PW_OK)
		r->acknowledged_at = at;
	return st;
}

enum pw_status pw_report_ack(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                             const char *text, struct pw_error *err)
{
	return step(s, id, at, actor, "report.acknowledged", apply_ack, NULL, text, err);
}

static enum pw_status apply_investigated(struct pw_store *s, struct pw_report *r, int64_t at,
                                         void *arg, json_t *p, struct pw_error *err)
{
	(void)s;
	int item = *(const int *)arg;
	enum pw_status st = once(r, r->investigated_at, "investigated", err);
	if (st != PW_OK)
		return st;
	r->investigated_at = at;
	if (item > 0)
		r->br_item = item;
	json_object_set_new(p, "br_item", json_integer(r->br_item));
	json_object_set_new(p, "revoke_deadline",
	                    json_integer(r->received_at + pw_report_revoke_window(r->br_item)));
	return PW_OK;
}

enum pw_status pw_report_investigated(struct pw_store *s, int64_t id, int64_t at,
                                      const char *actor, const char *text, int br_item,
                                      struct pw_error *err)
{
	if (text == NULL || text[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "findings",
		                    "an investigation records its findings (BR 4.9.5)");
	if (br_item < 0 || br_item > PW_REPORT_BR_ITEM_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "br_item",
		                    "BR 4.9.1.1 has items 1 to %d, not %d", PW_REPORT_BR_ITEM_MAX,
		                    br_item);
	return step(s, id, at, actor, "report.investigated", apply_investigated, &br_item, text,
	            err);
}

struct prelim_arg {
	const char *to;
};

static enum pw_status apply_preliminary(struct pw_store *s, struct pw_report *r, int64_t at,
                                        void *arg, json_t *p, struct pw_error *err)
{
	(void)s;
	const struct prelim_arg *a = arg;
	enum pw_status st = once(r, r->preliminary_at, "answered with a preliminary report", err);
	if (st != PW_OK)
		return st;
	r->preliminary_at = at;
	pw_report_json_str(p, "to", a->to);
	return PW_OK;
}

enum pw_status pw_report_preliminary_sent(struct pw_store *s, int64_t id, int64_t at,
                                          const char *actor, const char *to, const char *text,
                                          struct pw_error *err)
{
	struct prelim_arg a = {to};
	if (text == NULL || text[0] == '\0' || to == NULL || to[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "preliminary",
		                    "a preliminary report needs its text and its recipients");
	if (!text_len_ok(to, PW_REPORT_MAX_SHORT))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "to", "recipients over %d bytes",
		                    PW_REPORT_MAX_SHORT);
	return step(s, id, at, actor, "report.preliminary_sent", apply_preliminary, &a, text, err);
}

static enum pw_status apply_revoked(struct pw_store *s, struct pw_report *r, int64_t at,
                                    void *arg, json_t *p, struct pw_error *err)
{
	(void)arg;
	char hex[65];
	if (r->action != PW_REPORT_ACTION_NONE)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "state", "report %lld: action already %s",
		                    (long long)r->id, pw_report_action_name(r->action));
	if (r->n_certs == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "certificates",
		                    "report %lld names no certificate (link one by SHA-256 or issuer+serial"
		                    " first; candidates from a name search are not linked)",
		                    (long long)r->id);
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_certs; i++) {
		struct pw_store_revocation rv;
		enum pw_status st = pw_store_revocation_get(s, r->certs[i].sha256, &rv, err);
		pw_hex_encode(r->certs[i].sha256, 32, hex);
		if (st == PW_ERR_NOTFOUND) {
			json_decref(arr);
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "certificates",
			                    "certificate %s is not revoked in the store; revoke it first"
			                    " (pkiward revoke) — a report is marked revoked only from"
			                    " stored revocations", hex);
		}
		if (st != PW_OK) {
			json_decref(arr);
			return st;
		}
		json_t *o = json_object();
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "revoked_at", json_integer(rv.revoked_at));
		json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(rv.has_reason,
		                                                       rv.reason)));
		json_array_append_new(arr, o);
	}
	json_object_set_new(p, "certificates", arr);
	json_object_set_new(p, "action", json_string("revoked"));
	r->action = PW_REPORT_ACTION_REVOKED;
	r->action_at = at;
	return PW_OK;
}

enum pw_status pw_report_action_revoked(struct pw_store *s, int64_t id, int64_t at,
                                        const char *actor, struct pw_error *err)
{
	return step(s, id, at, actor, "report.action", apply_revoked, NULL, NULL, err);
}

static enum pw_status apply_declined(struct pw_store *s, struct pw_report *r, int64_t at,
                                     void *arg, json_t *p, struct pw_error *err)
{
	(void)s;
	if (r->action != PW_REPORT_ACTION_NONE)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "state", "report %lld: action already %s",
		                    (long long)r->id, pw_report_action_name(r->action));
	free(r->decline_reason);
	if ((r->decline_reason = strdup(arg)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	r->action = PW_REPORT_ACTION_DECLINED;
	r->action_at = at;
	json_object_set_new(p, "action", json_string("declined"));
	pw_report_json_str(p, "reason", arg);
	return PW_OK;
}

enum pw_status pw_report_action_declined(struct pw_store *s, int64_t id, int64_t at,
                                         const char *actor, const char *reason,
                                         struct pw_error *err)
{
	if (reason == NULL || reason[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
		                    "declining to revoke needs a reason (BR 4.9.5)");
	return step(s, id, at, actor, "report.action", apply_declined, (void *)reason, NULL, err);
}

static enum pw_status apply_close(struct pw_store *s, struct pw_report *r, int64_t at,
                                  void *arg, json_t *p, struct pw_error *err)
{
	(void)s, (void)arg, (void)p;
	if (r->action == PW_REPORT_ACTION_NONE)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "state",
		                    "report %lld has no action yet (revoked, or declined with a reason)",
		                    (long long)r->id);
	r->closed_at = at;
	return PW_OK;
}

enum pw_status pw_report_close(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                               const char *text, struct pw_error *err)
{
	return step(s, id, at, actor, "report.closed", apply_close, NULL, text, err);
}

static enum pw_status apply_note(struct pw_store *s, struct pw_report *r, int64_t at, void *arg,
                                 json_t *p, struct pw_error *err)
{
	(void)s, (void)r, (void)at, (void)arg, (void)p, (void)err;
	return PW_OK;
}

enum pw_status pw_report_note(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                              const char *text, struct pw_error *err)
{
	if (text == NULL || text[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "text", "a note needs a text");
	return step(s, id, at, actor, "report.note", apply_note, NULL, text, err);
}

/* ---- certificates ---- */

static int exists_row(void *ctx, const struct pw_store_row *row)
{
	(void)row;
	*(int *)ctx = 1;
	return 0;
}

enum pw_status pw_report_link_cert(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                                   const char *how, const char *actor, struct pw_error *err)
{
	int own = 0, found = 0, inserted = 0;
	char hex[65];
	enum pw_status st;
	struct pw_store_filter f;
	if (s == NULL || sha256 == NULL || how == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	memset(&f, 0, sizeof f);
	f.has_sha256 = 1;
	memcpy(f.sha256, sha256, 32);
	f.limit = 1;
	if ((st = pw_store_find(s, &f, 0, exists_row, &found, err)) != PW_OK)
		goto out;
	pw_hex_encode(sha256, 32, hex);
	if (!found) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256", "certificate %s is not stored",
		                  hex);
		goto out;
	}
	if ((st = pw_store_report_cert_put(s, id, sha256, how, &inserted, err)) != PW_OK ||
	    !inserted)
		goto out;
	json_t *p = json_object();
	json_object_set_new(p, "sha256", json_string(hex));
	json_object_set_new(p, "how", json_string(how));
	st = pw_report_event(s, id, 0, "report.cert_linked", actor, p, NULL, err);
out:
	return pw_report_txn_end(s, own, st, err);
}

struct cand_ctx {
	struct pw_store *s;
	int64_t id;
	const char *name;
	size_t n;
	json_t *arr;
	enum pw_status st;
	struct pw_error *err;
};

static int cand_found(void *vctx, const struct pw_store_row *row)
{
	struct cand_ctx *c = vctx;
	char hex[65];
	int ins = 0;
	if (c->n >= PW_REPORT_MAX_CANDIDATES) {
		c->st = pw_error_set(c->err, PW_ERR_LIMIT, 0, 0, "candidates",
		                     "more than %u certificates carry %s; narrow the report",
		                     PW_REPORT_MAX_CANDIDATES, c->name);
		return 0;
	}
	if ((c->st = pw_store_report_candidate_put(c->s, c->id, row->sha256, c->name, &ins,
	                                           c->err)) != PW_OK)
		return 0;
	c->n++;
	pw_hex_encode(row->sha256, 32, hex);
	json_array_append_new(c->arr, json_string(hex));
	return 1;
}

enum pw_status pw_report_add_candidates(struct pw_store *s, int64_t id, const char *name,
                                        const char *actor, size_t *out_n, struct pw_error *err)
{
	int own = 0;
	enum pw_status st;
	struct cand_ctx c = {s, id, name, 0, NULL, PW_OK, err};
	if (out_n != NULL)
		*out_n = 0;
	if (s == NULL || name == NULL || name[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "name", "empty name");
	if (strlen(name) > PW_STORE_MAX_NAME)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "name", "name over %d bytes",
		                    PW_STORE_MAX_NAME);
	if ((c.arr = json_array()) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK) {
		json_decref(c.arr);
		return st;
	}
	/* DESIGN.md: a name search covers the whole history (no date window),
	 * and its results are search results, never an identity. */
	st = pw_store_find_by_name(s, name, cand_found, &c, err);
	if (st == PW_OK)
		st = c.st;
	if (st == PW_OK) {
		json_t *p = json_object();
		json_object_set_new(p, "name", json_string(name));
		json_object_set_new(p, "count", json_integer((json_int_t)c.n));
		json_object_set_new(p, "candidates", c.arr);
		c.arr = NULL;
		st = pw_report_event(s, id, 0, "report.candidates", actor, p, NULL, err);
	}
	json_decref(c.arr);
	if (st == PW_OK && out_n != NULL)
		*out_n = c.n;
	return pw_report_txn_end(s, own, st, err);
}

enum pw_status pw_report_add_unresolved(struct pw_store *s, int64_t id, const char *ref,
                                        const char *why, const char *actor,
                                        struct pw_error *err)
{
	int own = 0;
	enum pw_status st;
	if (s == NULL || ref == NULL || why == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_store_report_unresolved_put(s, id, ref, why, err)) == PW_OK) {
		json_t *p = json_object();
		json_object_set_new(p, "ref", json_string(ref));
		json_object_set_new(p, "why", json_string(why));
		st = pw_report_event(s, id, 0, "report.unresolved", actor, p, NULL, err);
	}
	return pw_report_txn_end(s, own, st, err);
}

enum pw_status pw_report_message_record(struct pw_store *s, int64_t id, int64_t at,
                                        const char *kind, const char *to, const char *text,
                                        const char *actor, int64_t *out_event_id,
                                        struct pw_error *err)
{
	int own = 0;
	int64_t ev = 0;
	enum pw_status st;
	if (s == NULL || kind == NULL || to == NULL || text == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "a message needs kind, to and text");
	if (at == 0)
		at = (int64_t)time(NULL);
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		return st;
	json_t *p = json_object();
	json_object_set_new(p, "kind", json_string(kind));
	pw_report_json_str(p, "to", to);
	pw_report_json_str(p, "text", text);
	if ((st = pw_report_event(s, id, at, "report.message_sent", actor, p, &ev, err)) != PW_OK)
		goto out;
	struct pw_store_report_message m = {
		.report_id = id, .at = at, .kind = kind, .recipients = to, .text = text, .event_id = ev,
	};
	if ((st = pw_store_report_message_put(s, &m, NULL, err)) != PW_OK)
		goto out;
	if (out_event_id != NULL)
		*out_event_id = ev;
out:
	return pw_report_txn_end(s, own, st, err);
}
