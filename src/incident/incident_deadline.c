/* incident/incident_deadline.c: IRG v3.2 reporting deadlines, computed from
 * what the store records (incident.h, "Deadlines"). A pure function of the
 * loaded incident and `now`, so the CLI, the admin API and the tests all see
 * the same dates. */
#include <stdio.h>
#include <string.h>

#include "incident_internal.h"

static const char *const RULE_EXPECTED = "IRG 3.2 \"When are reports expected?\"";
static const char *const RULE_UPDATED = "IRG 3.2 \"When are reports updated?\"";

const char *pw_incident_deadline_name(enum pw_incident_deadline_kind k)
{
	switch (k) {
	case PW_INCIDENT_DL_FIRST_REPORT: return "first-report";
	case PW_INCIDENT_DL_FULL_REPORT: return "full-report";
	case PW_INCIDENT_DL_REPLY: return "reply";
	case PW_INCIDENT_DL_NEXT_UPDATE: return "next-update";
	case PW_INCIDENT_DL_ACTION_UPDATE: return "action-update";
	case PW_INCIDENT_DL_DELAY_UPDATE: return "revocation-delay-update";
	}
	return "?";
}

/* Earliest post of one of the kinds in mask at or after `after` (0 = none). */
static int64_t first_post(const struct pw_incident *inc, unsigned mask, int64_t after)
{
	int64_t best = 0;
	for (size_t i = 0; i < inc->n_posts; i++) {
		const struct pw_incident_post *p = &inc->posts[i];
		if (!(mask & (1u << p->kind)) || p->at < after)
			continue;
		if (best == 0 || p->at < best)
			best = p->at;
	}
	return best;
}

static int64_t last_post(const struct pw_incident *inc, unsigned mask)
{
	int64_t best = 0;
	for (size_t i = 0; i < inc->n_posts; i++)
		if ((mask & (1u << inc->posts[i].kind)) && inc->posts[i].at > best)
			best = inc->posts[i].at;
	return best;
}

static void add(struct pw_incident_deadline *out, size_t cap, size_t *n,
                enum pw_incident_deadline_kind kind, int64_t due, int64_t soft_due, int64_t met,
                int64_t now, const char *rule, const char *what)
{
	if (*n >= cap)
		return;
	struct pw_incident_deadline *d = &out[(*n)++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->due = due;
	d->soft_due = soft_due;
	d->met_at = met;
	d->overdue = met ? met > due : now > due;
	d->rule = rule;
	snprintf(d->what, sizeof d->what, "%s", what);
}

#define M_PRELIM (1u << PW_INCIDENT_PRELIMINARY)
#define M_FULL (1u << PW_INCIDENT_FULL)
#define M_UPDATE (1u << PW_INCIDENT_UPDATE)

void pw_incident_deadlines(const struct pw_incident *inc, int64_t now,
                           struct pw_incident_deadline *out, size_t cap, size_t *out_n)
{
	size_t n = 0;
	char what[PW_INCIDENT_DEADLINE_TEXT];
	int closed = inc->closed_at != 0;

	if (!closed) {
		/* "Within 72 hours of a CA Owner becoming aware of an incident ... MUST
		 * disclose a Preliminary or Full Incident Report". */
		int64_t first = first_post(inc, M_PRELIM | M_FULL, 0);
		if (inc->aware_at != 0)
			add(out, cap, &n, PW_INCIDENT_DL_FIRST_REPORT,
			    inc->aware_at + PW_INCIDENT_FIRST_REPORT_SECS, 0, first, now, RULE_EXPECTED,
			    "Preliminary or Full Incident Report within 72 hours of awareness");
		/* "Full Incident Reports ... MUST be posted within 14 days of the
		 * incident's initial disclosure". Before any disclosure the latest
		 * allowed one (awareness + 72 h) is the base: the deadline can only
		 * move earlier once the first report is posted. */
		int64_t base = first;
		if (base == 0 && inc->aware_at != 0)
			base = inc->aware_at + PW_INCIDENT_FIRST_REPORT_SECS;
		if (base != 0)
			add(out, cap, &n, PW_INCIDENT_DL_FULL_REPORT, base + PW_INCIDENT_FULL_REPORT_SECS, 0,
			    first_post(inc, M_FULL, 0), now, RULE_EXPECTED,
			    "Full Incident Report within 14 days of the initial disclosure");

		/* Updates are owed once the report is open on the bug. */
		int64_t last = last_post(inc, M_PRELIM | M_FULL | M_UPDATE);
		if (last != 0) {
			/* "on or before the "Next update" date ...; within 7 days, if a
			 * "Next update" date is not recorded". A Next update date older
			 * than the last post has been answered by it. */
			if (inc->next_update_at != 0 && inc->next_update_at >= last)
				add(out, cap, &n, PW_INCIDENT_DL_NEXT_UPDATE, inc->next_update_at, 0, 0, now,
				    RULE_UPDATED, "Update on or before the \"Next update\" date");
			else
				add(out, cap, &n, PW_INCIDENT_DL_NEXT_UPDATE, last + PW_INCIDENT_UPDATE_SECS, 0,
				    0, now, RULE_UPDATED,
				    "Update within 7 days of the last one (no \"Next update\" date)");
			/* "within 3 days of an Action Item being changed, completed, or delayed". */
			int64_t changed = 0;
			int64_t changed_seq = 0;
			for (size_t i = 0; i < inc->n_actions; i++)
				if (inc->actions[i].updated_at > inc->actions[i].at &&
				    inc->actions[i].updated_at > changed) {
					changed = inc->actions[i].updated_at;
					changed_seq = inc->actions[i].seq;
				}
			if (changed != 0) {
				snprintf(what, sizeof what,
				         "Update within 3 days of the change to action item #%lld",
				         (long long)changed_seq);
				add(out, cap, &n, PW_INCIDENT_DL_ACTION_UPDATE,
				    changed + PW_INCIDENT_ACTION_UPDATE_SECS, 0,
				    first_post(inc, M_PRELIM | M_FULL | M_UPDATE, changed), now, RULE_UPDATED,
				    what);
			}
			/* revocation-delay: "SHOULD be updated every 3 days and MUST be
			 * updated no less frequently than every 7 days". */
			if (pw_incident_tags_revocation_delay((const char *const *)inc->tags, inc->n_tags))
				add(out, cap, &n, PW_INCIDENT_DL_DELAY_UPDATE,
				    last + PW_INCIDENT_DELAY_UPDATE_MUST_SECS,
				    last + PW_INCIDENT_DELAY_UPDATE_SHOULD_SECS, 0, now, RULE_UPDATED,
				    "revocation-delay update (revoked / not yet revoked / expired counts, "
				    "estimate): every 3 days, at most 7");
		}
	}
	/* "MUST respond within 7 days" to comments and questions — after closure too. */
	for (size_t i = 0; i < inc->n_questions; i++) {
		const struct pw_incident_question *q = &inc->questions[i];
		if (closed && q->answered_at != 0)
			continue;
		snprintf(what, sizeof what, "Answer to question #%lld within 7 days", (long long)q->seq);
		add(out, cap, &n, PW_INCIDENT_DL_REPLY, q->asked_at + PW_INCIDENT_REPLY_SECS, 0,
		    q->answered_at, now, RULE_UPDATED, what);
	}
	*out_n = n;
}
