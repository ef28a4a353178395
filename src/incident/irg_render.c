/* incident/irg_render.c: the CCADB Incident Reporting Guidelines v3.2
 * reports (Preliminary, Full, Closure) rendered from the store: Impact
 * counts from the linked `find` queries re-run at render time, the Timeline
 * from events, the Appendix CSV with IRG's columns in IRG's order (or the
 * crt.sh list at 10,000 certificates and more). A render is refused, with
 * the list of what is missing, when the template has an empty field
 * (IRG "Report Templates": "Fields that are not applicable MUST still be
 * included and marked 'N/A'"). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "incident_internal.h"
#include "pkiward/revoke.h"

/* Timeline rows of revocations: one per minute up to this many minutes,
 * then one per day (a bulk revocation over hours stays readable). */
#define IRG_REVOCATION_MINUTE_ROWS 20

/* IRG "Appendix": the standard CSV columns, in the order IRG lists them
 * ("the standard fields defined above MUST appear first and in the order
 * listed"). */
static const char *const appendix_columns[] = {
	"Precertificate SHA-256 hash", "Certificate SHA-256 hash", "Subject", "Issuer",
	"Not before", "Not after", "Serial #", "dNSNames", "Is revoked?", "Revocation date",
	"Revocation reason",
};
#define N_APPENDIX_COLUMNS (sizeof appendix_columns / sizeof appendix_columns[0])

/* ---- Missing-field list ---- */

void pw_incident_missing_cleanup(struct pw_incident_missing *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static void missing(struct pw_incident_missing *m, const char *fmt, ...) PW_PRINTF(2, 3);

static void missing(struct pw_incident_missing *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (m->n >= PW_INCIDENT_MAX_MISSING)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char **v = realloc(m->v, (m->n + 1) * sizeof *v);
	if (v == NULL)
		return;
	m->v = v;
	if ((v[m->n] = strdup(buf)) != NULL)
		m->n++;
}

static int filled(const char *v)
{
	if (v == NULL)
		return 0;
	for (; *v; v++)
		if (*v != ' ' && *v != '\t' && *v != '\n' && *v != '\r')
			return 1;
	return 0;
}

static int is_na(const char *v)
{
	return v != NULL && strcmp(v, "N/A") == 0;
}

/* ---- Impact ---- */

/* One affected certificate group (a precertificate and its certificate). */
struct acc {
	uint8_t link[32];
	int revoked;
	int64_t revoked_at;
	int64_t not_after;
	int has_cert;   /* the final certificate is stored */
	char profile;   /* 'd', 'o', 'i', 'e', or 0 */
	int written;    /* appendix row written */
	uint8_t crtsh[32]; /* the certificate's SHA-256 (the precertificate's when no certificate) */
};

struct collect {
	struct acc *v;
	size_t n, cap;
	int oom, limit;
};

static char profile_class(const char *p)
{
	if (p == NULL || strlen(p) != 2 || (p[1] | 0x20) != 'v')
		return 0;
	char c = (char)(p[0] | 0x20);
	return c == 'd' || c == 'o' || c == 'i' || c == 'e' ? c : 0;
}

static int collect_row(void *vctx, const struct pw_store_row *r)
{
	struct collect *c = vctx;
	if (c->n == c->cap) {
		if (c->cap >= PW_INCIDENT_MAX_CERTS) {
			c->limit = 1;
			return 0;
		}
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct acc *nv = realloc(c->v, ncap * sizeof *nv);
		if (nv == NULL) {
			c->oom = 1;
			return 0;
		}
		c->v = nv;
		c->cap = ncap;
	}
	struct acc *a = &c->v[c->n++];
	memset(a, 0, sizeof *a);
	memcpy(a->link, r->link_sha256, 32);
	a->revoked = r->revoked;
	a->revoked_at = r->revoked ? r->revoked_at : 0;
	a->not_after = r->not_after;
	a->has_cert = r->has_cert_sha256;
	memcpy(a->crtsh, r->has_cert_sha256 ? r->cert_sha256 : r->sha256, 32);
	a->profile = profile_class(r->profile);
	return 1;
}

static int acc_cmp(const void *a, const void *b)
{
	return memcmp(((const struct acc *)a)->link, ((const struct acc *)b)->link, 32);
}

/* Runs every linked query at `now` into c (deduplicated by link, sorted). */
static enum pw_status collect_all(struct pw_store *s, const struct pw_incident *inc, int64_t now,
                                  struct collect *c, struct pw_error *err)
{
	enum pw_status st = PW_OK;
	for (size_t i = 0; i < inc->n_queries && st == PW_OK; i++) {
		struct pw_store_filter f;
		void *owner = NULL;
		if ((st = pw_incident_filter_from_json(inc->queries[i].filter_json, &f, &owner, err)) !=
		    PW_OK)
			break;
		f.now = now;
		st = pw_store_find(s, &f, 0, collect_row, c, err);
		pw_incident_filter_release(owner);
		if (st == PW_OK && c->oom)
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		if (st == PW_OK && c->limit)
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "incident",
			                  "the linked queries select more than %zu certificates",
			                  PW_INCIDENT_MAX_CERTS);
	}
	if (st != PW_OK || c->n == 0)
		return st;
	qsort(c->v, c->n, sizeof c->v[0], acc_cmp);
	size_t w = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (w > 0 && memcmp(c->v[w - 1].link, c->v[i].link, 32) == 0) {
			struct acc *k = &c->v[w - 1];
			/* Twins: the final certificate names the group. */
			if (c->v[i].has_cert && !k->has_cert) {
				k->has_cert = 1;
				memcpy(k->crtsh, c->v[i].crtsh, 32);
			}
			if (c->v[i].revoked && (!k->revoked || c->v[i].revoked_at < k->revoked_at)) {
				k->revoked = 1;
				k->revoked_at = c->v[i].revoked_at;
			}
			if (k->profile == 0)
				k->profile = c->v[i].profile;
			continue;
		}
		c->v[w++] = c->v[i];
	}
	c->n = w;
	return PW_OK;
}

static void impact_of(const struct collect *c, int64_t now, struct pw_incident_impact *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < c->n; i++) {
		const struct acc *a = &c->v[i];
		out->total++;
		if (a->revoked) {
			out->revoked++;
			if (out->first_revoked_at == 0 || a->revoked_at < out->first_revoked_at)
				out->first_revoked_at = a->revoked_at;
			if (a->revoked_at > out->last_revoked_at)
				out->last_revoked_at = a->revoked_at;
		} else if (a->not_after < now) {
			out->expired++;
		} else {
			out->remaining_valid++;
		}
		switch (a->profile) {
		case 'd': out->dv++; break;
		case 'o': out->ov++; break;
		case 'i': out->iv++; break;
		case 'e': out->ev++; break;
		default: out->other++; break;
		}
		if (!a->has_cert)
			out->precert_only++;
	}
}

enum pw_status pw_incident_impact(struct pw_store *s, const struct pw_incident *inc, int64_t now,
                                  struct pw_incident_impact *out, struct pw_error *err)
{
	struct collect c = {0};
	if (now == 0)
		now = (int64_t)time(NULL);
	enum pw_status st = collect_all(s, inc, now, &c, err);
	if (st == PW_OK)
		impact_of(&c, now, out);
	free(c.v);
	return st;
}

/* ---- Timeline ---- */

void pw_incident_timeline_cleanup(struct pw_incident_timeline *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

struct tl {
	struct pw_incident_timeline *t;
	int oom;
};

static void tl_add(struct tl *tl, int64_t at, const char *fmt, ...) PW_PRINTF(3, 4);

static void tl_add(struct tl *tl, int64_t at, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	struct pw_incident_timeline_row *v = realloc(tl->t->v, (tl->t->n + 1) * sizeof *v);
	if (v == NULL) {
		tl->oom = 1;
		return;
	}
	tl->t->v = v;
	v[tl->t->n].at = at;
	if ((v[tl->t->n].text = strdup(buf)) == NULL) {
		tl->oom = 1;
		return;
	}
	tl->t->n++;
}

struct inc_events {
	struct tl *tl;
	int64_t times[PW_STORE_INCIDENT_TIME_COUNT_];
	int end_expected;
	int n_linked;
};

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int incident_event(void *vctx, const struct pw_store_event *e)
{
	struct inc_events *x = vctx;
	json_error_t je;
	json_t *p = e->payload ? json_loads(e->payload, 0, &je) : NULL;
	const char *k = e->kind;
	if (strcmp(k, "incident.time") == 0) {
		const char *w = json_string_value(json_object_get(p, "which"));
		for (int i = 0; w != NULL && i < PW_STORE_INCIDENT_TIME_COUNT_; i++)
			if (strcmp(w, pw_incident_time_name((enum pw_store_incident_time)i)) == 0) {
				x->times[i] = jint(p, "value");
				if (i == PW_STORE_INCIDENT_END)
					x->end_expected = json_is_true(json_object_get(p, "expected"));
			}
	} else if (strcmp(k, "incident.note") == 0) {
		const char *text = json_string_value(json_object_get(p, "text"));
		tl_add(x->tl, jint(p, "at"), "%s", text ? text : "");
	} else if (strcmp(k, "incident.posted") == 0) {
		enum pw_incident_report r = PW_INCIDENT_UPDATE;
		(void)pw_incident_report_parse(json_string_value(json_object_get(p, "report")), &r);
		static const char *const what[] = {
			"Preliminary Incident Report disclosed", "Full Incident Report disclosed",
			"Incident Closure Summary posted", "Incident report updated"};
		tl_add(x->tl, jint(p, "at"), "%s", what[r]);
	} else if (strcmp(k, "incident.linked") == 0) {
		const char *d = json_string_value(json_object_get(p, "describe"));
		long long n = (long long)jint(p, "count");
		if (x->n_linked++ == 0)
			tl_add(x->tl, e->at,
			       "Scope and impact of the incident concluded: %lld certificate(s) selected by "
			       "`pkiward find %s`",
			       n, d ? d : "");
		else
			tl_add(x->tl, e->at,
			       "Scope and impact of the incident updated: %lld more certificate(s) "
			       "selected by `pkiward find %s`",
			       n, d ? d : "");
	} else if (strcmp(k, "incident.action_changed") == 0) {
		const char *status = json_string_value(json_object_get(p, "status"));
		tl_add(x->tl, e->at, "Action item #%lld status: %s", (long long)jint(p, "seq"),
		       status ? status : "?");
	}
	json_decref(p);
	return !x->tl->oom;
}

struct report_events {
	struct tl *tl;
	int64_t id;
	int preliminary; /* a preliminary report on the findings was sent */
};

static int report_event(void *vctx, const struct pw_store_event *e)
{
	struct report_events *x = vctx;
	const char *k = e->kind;
	const char *step = strncmp(k, "report.", 7) == 0 ? k + 7 : k;
	/* Book-keeping steps of the intake (certificates resolved, candidates
	 * listed, internal notes) are not IRG timeline elements. */
	static const char *const skip[] = {"intake", "candidates", "cert_linked", "unresolved",
	                                   "note"};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcmp(step, skip[i]) == 0)
			return 1;
	/* IRG Timeline: "The time at which the CA Owner received a Certificate
	 * Problem Report" and "provided a preliminary report on its findings". */
	if (strcmp(step, "received") == 0)
		tl_add(x->tl, e->at, "Certificate Problem Report #%lld received", (long long)x->id);
	else if (strstr(step, "preliminary") != NULL) {
		x->preliminary = 1;
		tl_add(x->tl, e->at, "Preliminary report on the findings sent for problem report #%lld",
		       (long long)x->id);
	} else
		tl_add(x->tl, e->at, "Problem report #%lld: %s", (long long)x->id, step);
	return !x->tl->oom;
}

struct linked_events {
	struct tl *tl;
	const struct pw_incident *inc;
};

static int linked_event(void *vctx, const struct pw_store_event *e)
{
	struct linked_events *x = vctx;
	for (size_t i = 0; i < x->inc->n_events; i++)
		if (x->inc->events[i] == e->id)
			tl_add(x->tl, e->at, "%s%s%s (event #%lld)", e->kind, e->subject ? " " : "",
			       e->subject ? e->subject : "", (long long)e->id);
	return !x->tl->oom;
}

static int i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* IRG Timeline: "The time(s) at which the CA Owner actually completed
 * revocation of affected certificates": from the revocation rows, each the
 * record of a "revocation" event. */
static void revocation_rows(struct tl *tl, const struct collect *c,
                            const struct pw_incident_impact *im)
{
	int64_t *ts = NULL;
	size_t n = 0;
	if (im->revoked == 0 || (ts = malloc(im->revoked * sizeof *ts)) == NULL) {
		if (im->revoked != 0)
			tl->oom = 1;
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].revoked)
			ts[n++] = c->v[i].revoked_at;
	qsort(ts, n, sizeof *ts, i64_cmp);
	size_t minutes = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ts[i] / 60 != ts[i - 1] / 60)
			minutes++;
	int64_t unit = minutes <= IRG_REVOCATION_MINUTE_ROWS ? 60 : 86400;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && ts[j] / unit == ts[i] / unit)
			j++;
		if (unit == 60)
			tl_add(tl, ts[i], "%zu affected certificate(s) revoked", j - i);
		else
			tl_add(tl, ts[i], "%zu affected certificate(s) revoked during this UTC day "
			       "(first at this time)", j - i);
		i = j;
	}
	if (im->remaining_valid == 0)
		tl_add(tl, ts[n - 1],
		       "Revocation completed: no affected certificate remains valid (%llu revoked, %llu "
		       "expired)",
		       (unsigned long long)im->revoked, (unsigned long long)im->expired);
	free(ts);
}

static int row_cmp(const void *a, const void *b)
{
	const struct pw_incident_timeline_row *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	/* Stable: the rows were added in source order; compare addresses
	 * would not survive qsort, so ties keep order via the index below. */
	return 0;
}

/* qsort is not stable: sort (at, index) pairs instead. */
struct idx_row {
	struct pw_incident_timeline_row r;
	size_t idx;
};

static int idx_cmp(const void *a, const void *b)
{
	const struct idx_row *x = a, *y = b;
	int c = row_cmp(&x->r, &y->r);
	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static enum pw_status timeline_of(struct pw_store *s, const struct pw_incident *inc,
                                  const struct collect *c, const struct pw_incident_impact *im,
                                  struct pw_incident_timeline *out, int *out_prelim_missing,
                                  struct pw_error *err)
{
	struct tl tl = {.t = out};
	struct inc_events ie = {.tl = &tl};
	char subject[PW_EVENTS_SUBJECT_MAX];
	enum pw_status st;

	memset(out, 0, sizeof *out);
	if (out_prelim_missing != NULL)
		*out_prelim_missing = 0;
	if ((st = pw_events_list(s, pw_incident_subject(inc->id, subject), incident_event, &ie,
	                         err)) != PW_OK)
		goto out;
	/* IRG Timeline: when the incident began, when the CA Owner became
	 * aware, when it ended, when revocation is expected to complete. */
	if (ie.times[PW_STORE_INCIDENT_START])
		tl_add(&tl, ie.times[PW_STORE_INCIDENT_START], "Incident began (non-compliance start)");
	if (ie.times[PW_STORE_INCIDENT_AWARE])
		tl_add(&tl, ie.times[PW_STORE_INCIDENT_AWARE], "CA Owner became aware of the incident");
	if (ie.times[PW_STORE_INCIDENT_REVOCATION_PLANNED])
		tl_add(&tl, ie.times[PW_STORE_INCIDENT_REVOCATION_PLANNED],
		       "Revocation of the affected certificates expected to be complete (planned)");
	if (ie.times[PW_STORE_INCIDENT_END])
		tl_add(&tl, ie.times[PW_STORE_INCIDENT_END],
		       ie.end_expected ? "Incident expected to end (non-compliance end, expected)"
		                       : "Incident ended (non-compliance end)");
	for (size_t i = 0; i < inc->n_reports && st == PW_OK && !tl.oom; i++) {
		struct report_events re = {.tl = &tl, .id = inc->reports[i]};
		st = pw_events_list(s, pw_events_subject_report(inc->reports[i], subject), report_event,
		                    &re, err);
		if (!re.preliminary && out_prelim_missing != NULL)
			*out_prelim_missing = 1;
	}
	if (st != PW_OK)
		goto out;
	if (inc->n_events > 0) {
		struct linked_events le = {.tl = &tl, .inc = inc};
		if ((st = pw_events_list(s, NULL, linked_event, &le, err)) != PW_OK)
			goto out;
	}
	revocation_rows(&tl, c, im);
	if (tl.oom) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (out->n > 1) {
		struct idx_row *ix = malloc(out->n * sizeof *ix);
		if (ix == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < out->n; i++) {
			ix[i].r = out->v[i];
			ix[i].idx = i;
		}
		qsort(ix, out->n, sizeof *ix, idx_cmp);
		for (size_t i = 0; i < out->n; i++)
			out->v[i] = ix[i].r;
		free(ix);
	}
out:
	if (st != PW_OK)
		pw_incident_timeline_cleanup(out);
	return st;
}

enum pw_status pw_incident_timeline(struct pw_store *s, const struct pw_incident *inc,
                                    int64_t now, struct pw_incident_timeline *out,
                                    struct pw_error *err)
{
	struct collect c = {0};
	struct pw_incident_impact im;
	if (now == 0)
		now = (int64_t)time(NULL);
	enum pw_status st = collect_all(s, inc, now, &c, err);
	if (st == PW_OK) {
		impact_of(&c, now, &im);
		st = timeline_of(s, inc, &c, &im, out, NULL, err);
	}
	free(c.v);
	return st;
}

/* ---- Checks ---- */

static const char *label_of(const char *name)
{
	const struct pw_incident_field_def *d = pw_incident_field_find(name);
	return d ? d->label : name;
}

static void need_field(const struct pw_incident *inc, struct pw_incident_missing *m,
                       const char *section, const char *name)
{
	if (!filled(pw_incident_get0_field(inc, name)))
		missing(m, "%s: %s is empty (incident set --%s TEXT, or N/A)", section, label_of(name),
		        name);
}

static int action_answers(const struct pw_incident *inc, int root_cause, int64_t seq)
{
	for (size_t i = 0; i < inc->n_actions; i++) {
		const struct pw_incident_action *a = &inc->actions[i];
		const int64_t *v = root_cause ? a->root_causes : a->lessons;
		size_t n = root_cause ? a->n_root_causes : a->n_lessons;
		for (size_t j = 0; j < n; j++)
			if (v[j] == seq)
				return 1;
	}
	return 0;
}

static const char *const lesson_labels[PW_INCIDENT_LESSON_COUNT_] = {
	"What went well", "What didn\u2019t go well", "Where we got lucky", "Additional"};

static void check_full(const struct pw_incident *inc, const struct pw_incident_impact *im,
                       int has_appendix_file, int prelim_missing, struct pw_incident_missing *m)
{
	int delay = pw_incident_tags_revocation_delay((const char *const *)inc->tags, inc->n_tags);
	need_field(inc, m, "Summary", "ccadb-id");
	need_field(inc, m, "Summary", "description");
	if (inc->start_at == 0)
		missing(m, "Summary: Timeline summary: Non-compliance start date is not recorded "
		           "(incident set --start TIME)");
	if (inc->aware_at == 0)
		missing(m, "Summary: Timeline summary: Non-compliance identified date is not recorded "
		           "(incident set --aware TIME)");
	if (inc->end_at == 0)
		missing(m, "Summary: Timeline summary: Non-compliance end date is not recorded "
		           "(incident set --end TIME, or --end-expected TIME)");
	need_field(inc, m, "Summary", "policies");
	need_field(inc, m, "Summary", "source");
	need_field(inc, m, "Impact", "heuristic");
	need_field(inc, m, "Impact", "issuance-stopped");
	/* IRG Impact "Analysis": "Required when the Whiteboard field contains
	 * 'revocation-delay'". */
	if (delay && (!filled(pw_incident_get0_field(inc, "analysis")) ||
	              is_na(pw_incident_get0_field(inc, "analysis"))))
		missing(m, "Impact: Analysis is required for a revocation-delay incident, and not N/A "
		           "(incident set --analysis TEXT)");
	/* IRG Timeline: expected revocation time "required when Whiteboard field
	 * contains 'revocation-delay'". */
	if (delay && inc->revocation_planned_at == 0)
		missing(m, "Timeline: the time revocation is expected to complete is required for a "
		           "revocation-delay incident (incident set --revocation-planned TIME)");
	if (prelim_missing)
		missing(m, "Timeline: a linked problem report has no preliminary report on the "
		           "findings in the event log (BR 4.9.5; pkiward report send)");
	if (inc->n_related == 0 && !filled(pw_incident_get0_field(inc, "related-incidents")))
		missing(m, "Related Incidents: none listed (incident related ID --bug ... , or incident "
		           "set --related-incidents N/A after searching the last two years)");
	if (inc->n_root_causes == 0)
		missing(m, "Root Cause Analysis: no contributing factor (incident root-cause ID ...)");
	for (size_t i = 0; i < inc->n_root_causes; i++) {
		const struct pw_incident_root_cause *r = &inc->root_causes[i];
		const char *names[] = {"Description", "Timeline", "Detection",
		                       "Interaction with other factors"};
		const char *vals[] = {r->description, r->timeline, r->detection, r->interaction};
		for (size_t j = 0; j < 4; j++)
			if (!filled(vals[j]))
				missing(m, "Root Cause Analysis: Contributing Factor #%lld: %s is empty",
				        (long long)r->seq, names[j]);
		/* IRG Action Items: "each problem/issue identified in the Root
		 * Cause Analysis ... MUST be mapped to at least one specific action
		 * item". */
		if (!action_answers(inc, 1, r->seq))
			missing(m, "Action Items: no action item answers Contributing Factor #%lld (%s)",
			        (long long)r->seq, r->title ? r->title : "");
	}
	for (int k = 0; k < PW_INCIDENT_LESSON_COUNT_; k++) {
		int any = 0;
		for (size_t i = 0; i < inc->n_lessons; i++)
			any |= inc->lessons[i].kind == (enum pw_incident_lesson_kind)k;
		if (!any)
			missing(m, "Lessons Learned: %s is empty (incident lesson ID --kind %s --text TEXT, "
			           "or N/A)",
			        lesson_labels[k], pw_incident_lesson_name((enum pw_incident_lesson_kind)k));
	}
	/* IRG Lessons Learned: "What didn't go well?" — "Each item here MUST
	 * have at least one corresponding Action Item"; "Other" likewise. */
	for (size_t i = 0; i < inc->n_lessons; i++) {
		const struct pw_incident_lesson *l = &inc->lessons[i];
		if ((l->kind == PW_INCIDENT_WENT_WRONG || l->kind == PW_INCIDENT_OTHER) &&
		    !is_na(l->text) && !action_answers(inc, 0, l->seq))
			missing(m, "Action Items: no action item answers lesson #%lld (%s: %.80s)",
			        (long long)l->seq, lesson_labels[l->kind], l->text ? l->text : "");
	}
	if (inc->n_actions == 0)
		missing(m, "Action Items: none (incident action ID ...)");
	if (im->total >= PW_INCIDENT_CRTSH_THRESHOLD && !has_appendix_file)
		missing(m, "Appendix: %llu certificates: the crt.sh list needs a file (--appendix FILE)",
		        (unsigned long long)im->total);
}

static void check(const struct pw_incident *inc, const struct pw_incident_impact *im,
                  const struct pw_incident_render_opts *o, int prelim_missing,
                  struct pw_incident_missing *m)
{
	switch (o->report) {
	case PW_INCIDENT_PRELIMINARY:
		need_field(inc, m, "Summary", "description");
		need_field(inc, m, "Summary", "policies");
		need_field(inc, m, "Summary", "source");
		break;
	case PW_INCIDENT_FULL:
		check_full(inc, im, o->appendix != NULL, prelim_missing, m);
		break;
	case PW_INCIDENT_CLOSURE:
		need_field(inc, m, "Report Closure Summary", "closure-description");
		need_field(inc, m, "Report Closure Summary", "closure-root-causes");
		need_field(inc, m, "Report Closure Summary", "remediation");
		need_field(inc, m, "Report Closure Summary", "commitments");
		/* The template asserts "All Action Items disclosed in this report
		 * have been completed as described" (IRG "How are reports closed?"). */
		if (inc->n_actions == 0)
			missing(m, "Action Items: none recorded; a closure needs the completed action items");
		for (size_t i = 0; i < inc->n_actions; i++)
			if (inc->actions[i].status != PW_INCIDENT_COMPLETE)
				missing(m, "Action Items: #%lld is %s; the closure states every action item is "
				           "complete",
				        (long long)inc->actions[i].seq,
				        pw_incident_action_status_name(inc->actions[i].status));
		for (size_t i = 0; i < inc->n_questions; i++)
			if (inc->questions[i].answered_at == 0)
				missing(m, "Questions: #%lld is unanswered (IRG: no outstanding questions at "
				           "closure)",
				        (long long)inc->questions[i].seq);
		break;
	default:
		missing(m, "report: unknown template");
	}
}

/* ---- Markdown ---- */

/* A field value in a list item: continuation lines indented under it. */
static void md_value(struct pw_buf *b, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\r')
			continue;
		pw_buf_append(b, p, 1);
		if (*p == '\n' && p[1] != '\0')
			pw_buf_puts(b, "  ");
	}
}

/* A value in a table cell: no raw pipes or line breaks. */
static void md_cell(struct pw_buf *b, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '|')
			pw_buf_puts(b, "\\|");
		else if (*p == '\n')
			pw_buf_puts(b, "<br>");
		else if (*p != '\r')
			pw_buf_append(b, p, 1);
	}
}

static void md_item(struct pw_buf *b, const char *indent, const char *label, const char *v)
{
	pw_buf_printf(b, "%s- **%s:** ", indent, label);
	md_value(b, filled(v) ? v : "N/A");
	pw_buf_puts(b, "\n");
}

static void md_field(struct pw_buf *b, const struct pw_incident *inc, const char *name)
{
	md_item(b, "", label_of(name), pw_incident_get0_field(inc, name));
}

static const char *minute(int64_t t, char *buf, size_t n)
{
	return pw_incident_fmt_minute(t, buf, n);
}

static void render_preliminary(struct pw_buf *b, const struct pw_incident *inc)
{
	pw_buf_puts(b, "## Preliminary Incident Report\n\n### Summary\n");
	md_field(b, inc, "description");
	md_field(b, inc, "policies");
	md_field(b, inc, "source");
}

static void csv_field(struct pw_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		pw_buf_puts(b, s);
		return;
	}
	pw_buf_puts(b, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			pw_buf_puts(b, "\"\"");
		else
			pw_buf_append(b, p, 1);
	}
	pw_buf_puts(b, "\"");
}

static void iso(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "@%lld", (long long)t);
}

struct appendix_ctx {
	struct pw_buf *b;
	struct collect *c;
	int64_t now;
	int64_t planned;  /* revocation planned (0 = none) */
	int delay;        /* revocation-delay incident */
};

/* IRG Appendix "Is revoked?": "Yes", "Planned", "Delayed", or "N/A" (for
 * expired); "Revocation date": actual date, planned date, or "N/A". */
static int appendix_row(void *vctx, const struct pw_store_row *r)
{
	struct appendix_ctx *x = vctx;
	struct acc key;
	char hex[65], d1[32], d2[32];
	memcpy(key.link, r->link_sha256, 32);
	struct acc *a = bsearch(&key, x->c->v, x->c->n, sizeof key, acc_cmp);
	if (a == NULL || a->written)
		return 1;
	a->written = 1;
	struct pw_buf *b = x->b;
	if (r->has_precert_sha256) {
		pw_hex_encode(r->precert_sha256, 32, hex);
		pw_buf_puts(b, hex);
	} else if (r->precert) {
		pw_hex_encode(r->sha256, 32, hex);
		pw_buf_puts(b, hex);
	}
	pw_buf_puts(b, ",");
	if (r->has_cert_sha256) {
		pw_hex_encode(r->cert_sha256, 32, hex);
		pw_buf_puts(b, hex);
	} else if (!r->precert) {
		pw_hex_encode(r->sha256, 32, hex);
		pw_buf_puts(b, hex);
	}
	pw_buf_puts(b, ",");
	csv_field(b, r->subject ? r->subject : "");
	pw_buf_puts(b, ",");
	csv_field(b, r->issuer ? r->issuer : "");
	iso(r->not_before, d1, sizeof d1);
	iso(r->not_after, d2, sizeof d2);
	pw_buf_printf(b, ",%s,%s,%s,", d1, d2, r->serial_hex ? r->serial_hex : "");
	struct pw_buf names;
	pw_buf_init(&names);
	for (size_t i = 0; i < r->n_dns_names; i++)
		pw_buf_printf(&names, "%s%s", i ? " " : "", r->dns_names[i]);
	uint8_t *nm = pw_buf_finish(&names, NULL);
	csv_field(b, nm ? (const char *)nm : "");
	free(nm);
	if (a->revoked) {
		iso(a->revoked_at, d1, sizeof d1);
		pw_buf_printf(b, ",Yes,%s,%s\n", d1, pw_revoke_reason_name(r->has_reason, r->reason));
	} else if (a->not_after < x->now) {
		pw_buf_puts(b, ",N/A,N/A,N/A\n");
	} else {
		int late = x->delay || (x->planned != 0 && x->planned < x->now);
		if (x->planned != 0)
			iso(x->planned, d1, sizeof d1);
		pw_buf_printf(b, ",%s,%s,N/A\n", late ? "Delayed" : "Planned",
		              x->planned != 0 ? d1 : "N/A");
	}
	return 1;
}

static enum pw_status appendix_csv(struct pw_store *s, const struct pw_incident *inc,
                                   struct collect *c, int64_t now, struct pw_buf *b,
                                   struct pw_error *err)
{
	struct appendix_ctx x = {
		.b = b, .c = c, .now = now, .planned = inc->revocation_planned_at,
		.delay = pw_incident_tags_revocation_delay((const char *const *)inc->tags, inc->n_tags)};
	enum pw_status st = PW_OK;
	for (size_t i = 0; i < N_APPENDIX_COLUMNS; i++)
		pw_buf_printf(b, "%s%s", i ? "," : "", appendix_columns[i]);
	pw_buf_puts(b, "\n");
	for (size_t i = 0; i < c->n; i++)
		c->v[i].written = 0;
	for (size_t i = 0; i < inc->n_queries && st == PW_OK; i++) {
		struct pw_store_filter f;
		void *owner = NULL;
		if ((st = pw_incident_filter_from_json(inc->queries[i].filter_json, &f, &owner, err)) !=
		    PW_OK)
			break;
		f.now = now;
		st = pw_store_find(s, &f, PW_STORE_WANT_NAMES, appendix_row, &x, err);
		pw_incident_filter_release(owner);
	}
	return st;
}

static void appendix_crtsh(const struct collect *c, struct pw_buf *b)
{
	char hex[65];
	for (size_t i = 0; i < c->n; i++) {
		pw_hex_encode(c->v[i].crtsh, 32, hex);
		pw_buf_printf(b, "https://crt.sh/?sha256=%s\n", hex);
	}
}

static void types_text(struct pw_buf *b, const struct pw_incident_impact *im)
{
	const char *names[] = {"DV", "OV", "IV", "EV"};
	uint64_t counts[] = {im->dv, im->ov, im->iv, im->ev};
	size_t k = 0, kinds = 0;
	for (size_t i = 0; i < 4; i++)
		kinds += counts[i] != 0;
	if (kinds == 0) {
		pw_buf_puts(b, im->total ? "No DV, OV, IV or EV profile is recorded for the affected "
		                           "certificates"
		                         : "N/A (no certificate affected)");
	} else {
		pw_buf_puts(b, "This incident affects ");
		for (size_t i = 0; i < 4; i++) {
			if (counts[i] == 0)
				continue;
			k++;
			pw_buf_printf(b, "%s%s (%llu)", k == 1 ? "" : (k == kinds ? " and " : ", "),
			              names[i], (unsigned long long)counts[i]);
		}
		pw_buf_puts(b, " certificates");
	}
	if (im->other != 0 && kinds != 0)
		pw_buf_printf(b, "; %llu without a recorded DV/OV/IV/EV profile",
		              (unsigned long long)im->other);
	pw_buf_puts(b, ".");
}

static void render_full(struct pw_buf *b, const struct pw_incident *inc,
                        const struct pw_incident_impact *im,
                        const struct pw_incident_timeline *tl, const char *appendix_name,
                        const uint8_t *inline_csv, int64_t now)
{
	char t[40];
	pw_buf_puts(b, "## Full Incident Report\n\n### Summary\n\n");
	md_field(b, inc, "ccadb-id");
	md_field(b, inc, "description");
	pw_buf_puts(b, "- **Timeline summary:**\n");
	md_item(b, "   ", "Non-compliance start date", minute(inc->start_at, t, sizeof t));
	md_item(b, "   ", "Non-compliance identified date", minute(inc->aware_at, t, sizeof t));
	if (inc->end_expected) {
		char e[64];
		snprintf(e, sizeof e, "Ongoing; expected %s", minute(inc->end_at, t, sizeof t));
		md_item(b, "   ", "Non-compliance end date", e);
	} else {
		md_item(b, "   ", "Non-compliance end date", minute(inc->end_at, t, sizeof t));
	}
	md_field(b, inc, "policies");
	md_field(b, inc, "source");

	pw_buf_puts(b, "\n### Impact\n\n");
	pw_buf_printf(b, "- **Total number of certificates:** %llu\n", (unsigned long long)im->total);
	pw_buf_printf(b, "- **Total number of \"remaining valid\" certificates:** %llu\n",
	              (unsigned long long)im->remaining_valid);
	pw_buf_puts(b, "- **Affected certificate types:** ");
	types_text(b, im);
	pw_buf_puts(b, "\n");
	md_field(b, inc, "heuristic");
	md_field(b, inc, "issuance-stopped");
	md_field(b, inc, "analysis");
	md_field(b, inc, "additional");

	pw_buf_puts(b, "\n### Timeline\n\n");
	for (size_t i = 0; i < tl->n; i++) {
		pw_buf_printf(b, "- **%s** \u2014 ", minute(tl->v[i].at, t, sizeof t));
		md_value(b, tl->v[i].text);
		pw_buf_puts(b, "\n");
	}

	pw_buf_puts(b, "\n### Related Incidents\n\n");
	pw_buf_puts(b, "| Bug | Date | Description |\n|-----|------|-------------|\n");
	for (size_t i = 0; i < inc->n_related; i++) {
		const struct pw_incident_related *r = &inc->related[i];
		pw_buf_puts(b, "| [");
		md_cell(b, r->bug);
		pw_buf_printf(b, "](%s) | ", r->url);
		md_cell(b, r->date);
		pw_buf_puts(b, " | ");
		md_cell(b, r->description);
		pw_buf_puts(b, " |\n");
	}
	if (inc->n_related == 0) {
		pw_buf_puts(b, "| N/A | N/A | ");
		md_cell(b, pw_incident_get0_field(inc, "related-incidents"));
		pw_buf_puts(b, " |\n");
	}

	pw_buf_puts(b, "\n### Root Cause Analysis\n");
	for (size_t i = 0; i < inc->n_root_causes; i++) {
		const struct pw_incident_root_cause *r = &inc->root_causes[i];
		pw_buf_printf(b, "\n**Contributing Factor #%lld: ", (long long)r->seq);
		md_value(b, r->title ? r->title : "");
		pw_buf_puts(b, "**\n");
		md_item(b, "", "Description", r->description);
		md_item(b, "", "Timeline", r->timeline);
		md_item(b, "", "Detection", r->detection);
		md_item(b, "", "Interaction with other factors", r->interaction);
		md_item(b, "", "Root Cause Analysis methodology used", r->methodology);
	}

	pw_buf_puts(b, "\n### Lessons Learned\n\n");
	static const char *const labels[PW_INCIDENT_LESSON_COUNT_] = {
		"What went well", "What didn\u2019t go well", "Where we got lucky", "Additional"};
	for (int k = 0; k < PW_INCIDENT_LESSON_COUNT_; k++) {
		pw_buf_printf(b, "- **%s:**", labels[k]);
		size_t n = 0;
		for (size_t i = 0; i < inc->n_lessons; i++) {
			const struct pw_incident_lesson *l = &inc->lessons[i];
			if (l->kind != (enum pw_incident_lesson_kind)k)
				continue;
			pw_buf_printf(b, "\n  - (#%lld) ", (long long)l->seq);
			md_value(b, l->text);
			n++;
		}
		pw_buf_puts(b, n ? "\n" : " N/A\n");
	}

	pw_buf_puts(b, "\n### Action Items\n\n");
	pw_buf_puts(b, "| Action Item | Kind | Corresponding Root Cause(s) | Evaluation Criteria | "
	               "Due Date | Status |\n");
	pw_buf_puts(b, "| ----------- | ---- | --------------------------- | ------------------- | "
	               "-----------| ------ |\n");
	for (size_t i = 0; i < inc->n_actions; i++) {
		const struct pw_incident_action *a = &inc->actions[i];
		char due[16];
		struct tm tm;
		time_t tt = (time_t)a->due;
		if (gmtime_r(&tt, &tm) == NULL || strftime(due, sizeof due, "%Y-%m-%d", &tm) == 0)
			snprintf(due, sizeof due, "?");
		pw_buf_printf(b, "| #%lld ", (long long)a->seq);
		md_cell(b, a->description);
		pw_buf_printf(b, " | %s | ", pw_incident_action_kind_name(a->kind));
		for (size_t j = 0; j < a->n_root_causes; j++)
			pw_buf_printf(b, "%sRoot Cause # %lld", j ? ", " : "", (long long)a->root_causes[j]);
		for (size_t j = 0; j < a->n_lessons; j++)
			pw_buf_printf(b, "%sLesson #%lld", (j || a->n_root_causes) ? ", " : "",
			              (long long)a->lessons[j]);
		if (a->n_root_causes + a->n_lessons == 0)
			pw_buf_puts(b, "N/A");
		pw_buf_puts(b, " | ");
		md_cell(b, a->criteria);
		pw_buf_printf(b, " | %s | %s |\n", due, pw_incident_action_status_name(a->status));
	}

	pw_buf_puts(b, "\n### Appendix\n\n");
	if (im->total == 0) {
		pw_buf_puts(b, "N/A (no certificate is linked to this incident)\n");
		return;
	}
	pw_buf_printf(b, "Affected certificates: %llu (%llu remaining valid, %llu revoked, %llu "
	                 "expired), as of %s, selected by:\n\n",
	              (unsigned long long)im->total, (unsigned long long)im->remaining_valid,
	              (unsigned long long)im->revoked, (unsigned long long)im->expired,
	              minute(now, t, sizeof t));
	for (size_t i = 0; i < inc->n_queries; i++)
		pw_buf_printf(b, "- `pkiward find %s`\n", inc->queries[i].describe
		                                              ? inc->queries[i].describe
		                                              : "");
	pw_buf_puts(b, "\n");
	if (appendix_name != NULL) {
		if (im->total >= PW_INCIDENT_CRTSH_THRESHOLD)
			pw_buf_printf(b, "Attached: `%s`, one https://crt.sh/?sha256= link per certificate.\n",
			              appendix_name);
		else
			pw_buf_printf(b, "Attached: `%s`, comma separated, with the IRG columns in order.\n",
			              appendix_name);
	} else if (inline_csv != NULL) {
		pw_buf_printf(b, "```csv\n%s```\n", (const char *)inline_csv);
	}
}

static void render_closure(struct pw_buf *b, const struct pw_incident *inc)
{
	pw_buf_puts(b, "\n### Report Closure Summary\n\n");
	md_item(b, "", "Incident description", pw_incident_get0_field(inc, "closure-description"));
	md_item(b, "", "Incident Root Cause(s)", pw_incident_get0_field(inc, "closure-root-causes"));
	md_item(b, "", "Remediation description", pw_incident_get0_field(inc, "remediation"));
	md_item(b, "", "Commitment summary", pw_incident_get0_field(inc, "commitments"));
	pw_buf_puts(b, "\nAll Action Items disclosed in this report have been completed as described, "
	               "and we request its closure.\n");
}

enum pw_status pw_incident_render(struct pw_store *s, const struct pw_incident *inc,
                                  const struct pw_incident_render_opts *o, struct pw_buf *md,
                                  struct pw_incident_missing *miss, struct pw_error *err)
{
	struct collect c = {0};
	struct pw_incident_impact im;
	struct pw_incident_timeline tl = {0};
	struct pw_buf csv;
	uint8_t *inline_csv = NULL;
	enum pw_status st = PW_OK;
	int prelim_missing = 0;

	pw_buf_init(&csv);
	if (s == NULL || inc == NULL || o == NULL || md == NULL || miss == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((unsigned)o->report > PW_INCIDENT_CLOSURE)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "report",
		                    "render preliminary, full or closure");
	int64_t now = o->now ? o->now : (int64_t)time(NULL);
	memset(&im, 0, sizeof im);
	if (o->report == PW_INCIDENT_FULL) {
		if ((st = collect_all(s, inc, now, &c, err)) != PW_OK)
			goto out;
		impact_of(&c, now, &im);
		if ((st = timeline_of(s, inc, &c, &im, &tl, &prelim_missing, err)) != PW_OK)
			goto out;
	}
	check(inc, &im, o, prelim_missing, miss);
	if (miss->n > 0) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "report",
		                  "%zu required field(s) of the %s report missing", miss->n,
		                  pw_incident_report_name(o->report));
		goto out;
	}
	switch (o->report) {
	case PW_INCIDENT_PRELIMINARY: render_preliminary(md, inc); break;
	case PW_INCIDENT_CLOSURE: render_closure(md, inc); break;
	default:
		if (im.total > 0 && im.total < PW_INCIDENT_CRTSH_THRESHOLD) {
			if ((st = appendix_csv(s, inc, &c, now, o->appendix ? o->appendix : &csv, err)) !=
			    PW_OK)
				goto out;
		} else if (im.total > 0 && o->appendix != NULL) {
			appendix_crtsh(&c, o->appendix);
		}
		if (o->appendix == NULL && im.total > 0 &&
		    (inline_csv = pw_buf_finish(&csv, NULL)) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		render_full(md, inc, &im, &tl, o->appendix ? (o->appendix_name ? o->appendix_name
		                                                               : "appendix")
		                                           : NULL,
		            inline_csv, now);
		break;
	}
	if (md->failed || (o->appendix != NULL && o->appendix->failed))
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
out:
	pw_buf_cleanup(&csv);
	free(inline_csv);
	free(c.v);
	pw_incident_timeline_cleanup(&tl);
	return st;
}
