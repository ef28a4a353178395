/* incident/incident.c: incidents — tags, fields, items, loading, and every
 * change as one transaction with its event (include/pkiward/incident.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "incident_internal.h"
#include "pkiward/events.h"

/* ---- Tags ---- */

/* The whiteboard tags of Bugzilla's "CA Certificate Compliance" component,
 * which IRG v3.2 refers to ("the Whiteboard field contains
 * 'revocation-delay'"). Bracketed, as they appear on the bug. */
static const char *const known_tags[] = {
	"[leaf-revocation-delay]", "[ca-revocation-delay]", "[dv-misissuance]",
	"[ov-misissuance]",        "[ev-misissuance]",      "[iv-misissuance]",
	"[smime-misissuance]",     "[ca-misissuance]",      "[audit-finding]",
	"[audit-failure]",         "[audit-delay]",         "[policy-failure]",
	"[disclosure-failure]",    "[crl-failure]",         "[ocsp-failure]",
	"[uncategorized]",         NULL,
};

const char *const *pw_incident_known_tags(void)
{
	return known_tags;
}

enum pw_status pw_incident_tag_parse(const char *tag, char out[PW_INCIDENT_TAG_MAX],
                                     struct pw_error *err)
{
	char want[PW_INCIDENT_TAG_MAX];
	size_t n = tag ? strlen(tag) : 0;
	if (n == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "tag", "empty tag");
	if (n + 2 < sizeof want) {
		if (tag[0] == '[')
			snprintf(want, sizeof want, "%s", tag);
		else
			snprintf(want, sizeof want, "[%s]", tag);
		for (const char *const *k = known_tags; *k != NULL; k++)
			if (strcmp(*k, want) == 0) {
				snprintf(out, PW_INCIDENT_TAG_MAX, "%s", *k);
				return PW_OK;
			}
	}
	return pw_error_set(err, PW_ERR_USAGE, 0, 0, "tag",
	                    "unknown whiteboard tag '%.40s' (pkiward incident --help lists the known "
	                    "tags)",
	                    tag);
}

int pw_incident_tags_revocation_delay(const char *const *tags, size_t n)
{
	/* IRG "When are reports updated?": "a Whiteboard field of 'revocation-delay'". */
	for (size_t i = 0; i < n; i++)
		if (strstr(tags[i], "revocation-delay") != NULL)
			return 1;
	return 0;
}

/* ---- Enumerations ---- */

static const char *const report_names[PW_INCIDENT_REPORT_COUNT_] = {
	"preliminary", "full", "closure", "update"};

const char *pw_incident_report_name(enum pw_incident_report r)
{
	return (unsigned)r < PW_INCIDENT_REPORT_COUNT_ ? report_names[r] : "?";
}

int pw_incident_report_parse(const char *name, enum pw_incident_report *out)
{
	for (int i = 0; i < PW_INCIDENT_REPORT_COUNT_; i++)
		if (name != NULL && strcmp(name, report_names[i]) == 0) {
			*out = (enum pw_incident_report)i;
			return 1;
		}
	return 0;
}

static const char *const lesson_names[PW_INCIDENT_LESSON_COUNT_] = {"well", "wrong", "lucky",
                                                                     "other"};
static const char *const lesson_alias[PW_INCIDENT_LESSON_COUNT_] = {
	"went-well", "didnt-go-well", "got-lucky", "additional"};

const char *pw_incident_lesson_name(enum pw_incident_lesson_kind k)
{
	return (unsigned)k < PW_INCIDENT_LESSON_COUNT_ ? lesson_names[k] : "?";
}

int pw_incident_lesson_parse(const char *name, enum pw_incident_lesson_kind *out)
{
	for (int i = 0; i < PW_INCIDENT_LESSON_COUNT_; i++)
		if (name != NULL && (strcmp(name, lesson_names[i]) == 0 ||
		                     strcmp(name, lesson_alias[i]) == 0)) {
			*out = (enum pw_incident_lesson_kind)i;
			return 1;
		}
	return 0;
}

static const char *const kind_names[] = {"Prevent", "Mitigate", "Detect"};
static const char *const status_names[] = {"Ongoing", "Complete", "Delayed", "Canceled"};

const char *pw_incident_action_kind_name(enum pw_incident_action_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "?";
}

const char *pw_incident_action_status_name(enum pw_incident_action_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "?";
}

/* IRG spells these capitalised; accept any case on input. */
int pw_incident_action_kind_parse(const char *s, enum pw_incident_action_kind *out)
{
	for (int i = 0; i < 3 && s != NULL; i++)
		if (strcasecmp(s, kind_names[i]) == 0) {
			*out = (enum pw_incident_action_kind)i;
			return 1;
		}
	return 0;
}

int pw_incident_action_status_parse(const char *s, enum pw_incident_action_status *out)
{
	for (int i = 0; i < 4 && s != NULL; i++)
		if (strcasecmp(s, status_names[i]) == 0) {
			*out = (enum pw_incident_action_status)i;
			return 1;
		}
	return 0;
}

/* ---- Fields ---- */

#define P (1u << PW_INCIDENT_PRELIMINARY)
#define F (1u << PW_INCIDENT_FULL)
#define C (1u << PW_INCIDENT_CLOSURE)

/* IRG "Report Templates" and "Report field definitions and expectations".
 * Fields marked * there are not required from third-party reporters; a CA
 * Owner files every field, so they are required here. "analysis" is
 * required only for revocation-delay incidents, "additional" is optional,
 * "related-incidents" replaces the table rows when no related incident is
 * listed (render.c handles those three). */
static const struct pw_incident_field_def field_defs[] = {
	{"ccadb-id", "CA Owner CCADB unique ID", F},
	{"description", "Incident description", P | F},
	{"policies", "Relevant policies", P | F},
	{"source", "Source of incident disclosure", P | F},
	{"heuristic", "Incident heuristic", F},
	{"issuance-stopped", "Was issuance stopped in response to this incident, and why or why not?",
	 F},
	{"analysis", "Analysis", 0},
	{"additional", "Additional considerations", 0},
	{"related-incidents", "Related Incidents", 0},
	{"closure-description", "Incident description", C},
	{"closure-root-causes", "Incident Root Cause(s)", C},
	{"remediation", "Remediation description", C},
	{"commitments", "Commitment summary", C},
	{NULL, NULL, 0},
};

#undef P
#undef F
#undef C

const struct pw_incident_field_def *pw_incident_fields(void)
{
	return field_defs;
}

const struct pw_incident_field_def *pw_incident_field_find(const char *name)
{
	for (const struct pw_incident_field_def *d = field_defs; d->name != NULL; d++)
		if (name != NULL && strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

const char *pw_incident_get0_field(const struct pw_incident *inc, const char *name)
{
	for (size_t i = 0; i < inc->n_fields; i++)
		if (strcmp(inc->fields[i].name, name) == 0)
			return inc->fields[i].value;
	return NULL;
}

/* IRG field definitions: the value set of constrained fields. */
static enum pw_status field_value_ok(const char *name, const char *v, struct pw_error *err)
{
	if (strcmp(v, "N/A") == 0)
		return strcmp(name, "source") == 0
		           ? pw_error_set(err, PW_ERR_USAGE, 0, 0, name,
		                          "IRG: the source is \"Self Reported\", \"Third Party "
		                          "Reported\" or \"Audit\", not N/A")
		           : PW_OK;
	if (strcmp(name, "source") == 0 && strcmp(v, "Self Reported") != 0 &&
	    strcmp(v, "Third Party Reported") != 0 && strcmp(v, "Audit") != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, name,
		                    "IRG: choice of \"Self Reported\", \"Third Party Reported\", or "
		                    "\"Audit\", got '%.60s'",
		                    v);
	if (strcmp(name, "ccadb-id") == 0) {
		/* IRG: "begins with "A" followed by a six-digit number". */
		int ok = strlen(v) == 7 && v[0] == 'A';
		for (size_t i = 1; ok && i < 7; i++)
			ok = v[i] >= '0' && v[i] <= '9';
		if (!ok)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, name,
			                    "IRG: \"A\" followed by six digits (e.g. A000123), got '%.60s'",
			                    v);
	}
	return PW_OK;
}

/* ---- Helpers ---- */

static int64_t now_of(const struct pw_incident_ctx *c)
{
	return c != NULL && c->now != 0 ? c->now : (int64_t)time(NULL);
}

static const char *actor_of(const struct pw_incident_ctx *c)
{
	return c != NULL && c->actor != NULL ? c->actor : "pkiward";
}

/* A member text: present, bounded, no NUL (the JSON layer refuses
 * invalid UTF-8 itself). */
static enum pw_status text_arg(const char *t, const char *what, struct pw_error *err)
{
	if (t == NULL || t[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, what, "required, and empty");
	if (strlen(t) > PW_INCIDENT_MAX_TEXT)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, what, "longer than %zu bytes",
		                    PW_INCIDENT_MAX_TEXT);
	return PW_OK;
}

char *pw_incident_subject(int64_t id, char out[PW_EVENTS_SUBJECT_MAX])
{
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "incident:%lld", (long long)id);
	return out;
}

/* Appends the incident's event; takes ownership of payload. */
static enum pw_status event(struct pw_store *s, int64_t id, const char *kind, json_t *payload,
                            const struct pw_incident_ctx *c, struct pw_error *err)
{
	char subject[PW_EVENTS_SUBJECT_MAX];
	if (payload == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	json_object_set_new(payload, "incident", json_integer(id));
	char *txt = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(payload);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_events_append(s, now_of(c), kind, pw_incident_subject(id, subject),
	                                     actor_of(c), txt, NULL, NULL, err);
	free(txt);
	return st;
}

/* A write: opens a transaction when the caller has none. */
static enum pw_status begin(struct pw_store *s, int *own, struct pw_error *err)
{
	*own = 0;
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (pw_store_in_transaction(s))
		return PW_OK;
	enum pw_status st = pw_store_begin(s, err);
	if (st == PW_OK)
		*own = 1;
	return st;
}

static enum pw_status end(struct pw_store *s, int own, enum pw_status st, struct pw_error *err)
{
	if (!own)
		return st;
	if (st == PW_OK)
		return pw_store_commit(s, err);
	pw_store_rollback(s);
	return st;
}

/* Adds an item whose data is the JSON object d (taken). */
static enum pw_status add_item(struct pw_store *s, int64_t id, const char *kind, json_t *d,
                               int64_t at, int64_t *out_seq, struct pw_error *err)
{
	if (d == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	char *txt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_store_incident_item_add(s, id, kind, at, txt, out_seq, err);
	free(txt);
	if (st == PW_OK && *out_seq > PW_INCIDENT_MAX_ITEMS)
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, kind, "more than %d %s items",
		                  PW_INCIDENT_MAX_ITEMS, kind);
	return st;
}

/* ---- Loading ---- */

/* A string member, duplicated; NULL when absent. *ok cleared on OOM. */
static char *jstr(json_t *o, const char *k, int *ok)
{
	const char *v = json_string_value(json_object_get(o, k));
	if (v == NULL)
		return NULL;
	char *d = strdup(v);
	if (d == NULL)
		*ok = 0;
	return d;
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static size_t jrefs(json_t *o, const char *k, int64_t *out, size_t cap)
{
	json_t *a = json_object_get(o, k), *v;
	size_t i, n = 0;
	json_array_foreach(a, i, v)
	{
		if (json_is_integer(v) && n < cap)
			out[n++] = (int64_t)json_integer_value(v);
	}
	return n;
}

struct load_ctx {
	struct pw_incident *inc;
	int ok;
	struct pw_error *err;
};

static int load_row(void *vctx, const struct pw_store_incident *r)
{
	struct load_ctx *l = vctx;
	struct pw_incident *inc = l->inc;
	inc->id = r->id;
	inc->title = strdup(r->title ? r->title : "");
	inc->created_at = r->created_at;
	inc->aware_at = r->times[PW_STORE_INCIDENT_AWARE];
	inc->start_at = r->times[PW_STORE_INCIDENT_START];
	inc->end_at = r->times[PW_STORE_INCIDENT_END];
	inc->end_expected = r->end_expected;
	inc->next_update_at = r->times[PW_STORE_INCIDENT_NEXT_UPDATE];
	inc->revocation_planned_at = r->times[PW_STORE_INCIDENT_REVOCATION_PLANNED];
	inc->closed_at = r->times[PW_STORE_INCIDENT_CLOSED];
	if (inc->title == NULL)
		l->ok = 0;
	return 1;
}

static int load_tag(void *vctx, const char *name, const char *value)
{
	struct load_ctx *l = vctx;
	(void)value;
	char **v = realloc(l->inc->tags, (l->inc->n_tags + 1) * sizeof *v);
	if (v == NULL || (v[l->inc->n_tags] = strdup(name)) == NULL) {
		if (v != NULL)
			l->inc->tags = v;
		l->ok = 0;
		return 0;
	}
	l->inc->tags = v;
	l->inc->n_tags++;
	return 1;
}

static int load_field(void *vctx, const char *name, const char *value)
{
	struct load_ctx *l = vctx;
	struct pw_incident_field *v =
		realloc(l->inc->fields, (l->inc->n_fields + 1) * sizeof *v);
	if (v == NULL) {
		l->ok = 0;
		return 0;
	}
	l->inc->fields = v;
	v[l->inc->n_fields].name = strdup(name);
	v[l->inc->n_fields].value = strdup(value ? value : "");
	l->inc->n_fields++;
	if (v[l->inc->n_fields - 1].name == NULL || v[l->inc->n_fields - 1].value == NULL)
		l->ok = 0;
	return l->ok;
}

/* Grows *arr (element size sz) by one zeroed element; returns it or NULL. */
static void *grow(void *arr_p, size_t *n, size_t sz)
{
	void **arr = arr_p;
	uint8_t *v = realloc(*arr, (*n + 1) * sz);
	if (v == NULL)
		return NULL;
	*arr = v;
	memset(v + *n * sz, 0, sz);
	return v + (*n)++ * sz;
}

static int load_item(void *vctx, const struct pw_store_incident_item *r)
{
	struct load_ctx *l = vctx;
	struct pw_incident *inc = l->inc;
	json_error_t je;
	json_t *o = json_loads(r->data, 0, &je);
	int ok = 1;
	if (!json_is_object(o)) {
		json_decref(o);
		pw_error_set(l->err, PW_ERR_PARSE, 0, 0, r->kind,
		             "incident %lld: stored %s #%lld is not a JSON object",
		             (long long)r->incident_id, r->kind, (long long)r->seq);
		l->ok = 0;
		return 0;
	}
	if (strcmp(r->kind, PW_INCIDENT_ITEM_ROOT_CAUSE) == 0) {
		struct pw_incident_root_cause *x = grow(&inc->root_causes, &inc->n_root_causes, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			x->title = jstr(o, "title", &ok);
			x->description = jstr(o, "description", &ok);
			x->timeline = jstr(o, "timeline", &ok);
			x->detection = jstr(o, "detection", &ok);
			x->interaction = jstr(o, "interaction", &ok);
			x->methodology = jstr(o, "methodology", &ok);
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_LESSON) == 0) {
		struct pw_incident_lesson *x = grow(&inc->lessons, &inc->n_lessons, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			if (!pw_incident_lesson_parse(json_string_value(json_object_get(o, "kind")),
			                              &x->kind))
				x->kind = PW_INCIDENT_OTHER;
			x->text = jstr(o, "text", &ok);
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_ACTION) == 0) {
		struct pw_incident_action *x = grow(&inc->actions, &inc->n_actions, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			x->description = jstr(o, "description", &ok);
			if (!pw_incident_action_kind_parse(json_string_value(json_object_get(o, "kind")),
			                                   &x->kind))
				x->kind = PW_INCIDENT_PREVENT;
			x->n_root_causes = jrefs(o, "root_causes", x->root_causes, PW_INCIDENT_MAX_REFS);
			x->n_lessons = jrefs(o, "lessons", x->lessons, PW_INCIDENT_MAX_REFS);
			x->criteria = jstr(o, "criteria", &ok);
			x->due = jint(o, "due");
			if (!pw_incident_action_status_parse(
				    json_string_value(json_object_get(o, "status")), &x->status))
				x->status = PW_INCIDENT_ONGOING;
			x->at = r->at;
			x->updated_at = r->updated_at;
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_QUERY) == 0) {
		struct pw_incident_query *x = grow(&inc->queries, &inc->n_queries, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			json_t *f = json_object_get(o, "filter");
			x->filter_json = f ? json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
			x->describe = jstr(o, "describe", &ok);
			x->snapshot_count = (uint64_t)jint(o, "count");
			x->at = r->at;
			if (x->filter_json == NULL)
				ok = 0;
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_REPORT) == 0 ||
	           strcmp(r->kind, PW_INCIDENT_ITEM_EVENT) == 0) {
		int rep = r->kind[0] == 'r';
		int64_t *x = rep ? grow(&inc->reports, &inc->n_reports, sizeof *x)
		                 : grow(&inc->events, &inc->n_events, sizeof *x);
		if ((ok = x != NULL))
			*x = jint(o, "id");
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_RELATED) == 0) {
		struct pw_incident_related *x = grow(&inc->related, &inc->n_related, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			x->bug = jstr(o, "bug", &ok);
			x->url = jstr(o, "url", &ok);
			x->date = jstr(o, "date", &ok);
			x->description = jstr(o, "description", &ok);
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_QUESTION) == 0) {
		struct pw_incident_question *x = grow(&inc->questions, &inc->n_questions, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			x->asked_at = jint(o, "asked_at");
			x->answered_at = jint(o, "answered_at");
			x->text = jstr(o, "text", &ok);
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_POST) == 0) {
		struct pw_incident_post *x = grow(&inc->posts, &inc->n_posts, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			if (!pw_incident_report_parse(json_string_value(json_object_get(o, "report")),
			                              &x->kind))
				x->kind = PW_INCIDENT_UPDATE;
			x->at = jint(o, "at");
		}
	} else if (strcmp(r->kind, PW_INCIDENT_ITEM_NOTE) == 0) {
		struct pw_incident_note *x = grow(&inc->notes, &inc->n_notes, sizeof *x);
		if ((ok = x != NULL)) {
			x->seq = r->seq;
			x->occurred_at = jint(o, "at");
			x->text = jstr(o, "text", &ok);
		}
	}
	/* Other kinds are a newer build's: ignored, never lost. */
	json_decref(o);
	if (!ok) {
		pw_error_set(l->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		l->ok = 0;
	}
	return ok;
}

enum pw_status pw_incident_load(struct pw_store *s, int64_t id, struct pw_incident **out,
                                struct pw_error *err)
{
	struct pw_incident *inc = NULL;
	enum pw_status st;
	struct load_ctx l = {.ok = 1, .err = err};

	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if ((inc = calloc(1, sizeof *inc)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	l.inc = inc;
	if ((st = pw_store_incident_get(s, id, load_row, &l, err)) != PW_OK ||
	    (st = pw_store_incident_tags(s, id, load_tag, &l, err)) != PW_OK ||
	    (st = pw_store_incident_fields(s, id, load_field, &l, err)) != PW_OK ||
	    (st = pw_store_incident_items(s, id, NULL, load_item, &l, err)) != PW_OK)
		goto out;
	if (!l.ok) {
		st = err && err->status != PW_OK ? err->status
		                                 : pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL,
		                                                "out of memory");
		goto out;
	}
	*out = inc;
	inc = NULL;
out:
	pw_incident_free(inc);
	return st;
}

void pw_incident_free(struct pw_incident *inc)
{
	if (inc == NULL)
		return;
	free(inc->title);
	for (size_t i = 0; i < inc->n_tags; i++)
		free(inc->tags[i]);
	free(inc->tags);
	for (size_t i = 0; i < inc->n_fields; i++) {
		free(inc->fields[i].name);
		free(inc->fields[i].value);
	}
	free(inc->fields);
	for (size_t i = 0; i < inc->n_root_causes; i++) {
		struct pw_incident_root_cause *x = &inc->root_causes[i];
		free(x->title);
		free(x->description);
		free(x->timeline);
		free(x->detection);
		free(x->interaction);
		free(x->methodology);
	}
	free(inc->root_causes);
	for (size_t i = 0; i < inc->n_lessons; i++)
		free(inc->lessons[i].text);
	free(inc->lessons);
	for (size_t i = 0; i < inc->n_actions; i++) {
		free(inc->actions[i].description);
		free(inc->actions[i].criteria);
	}
	free(inc->actions);
	for (size_t i = 0; i < inc->n_queries; i++) {
		free(inc->queries[i].filter_json);
		free(inc->queries[i].describe);
	}
	free(inc->queries);
	free(inc->reports);
	free(inc->events);
	for (size_t i = 0; i < inc->n_related; i++) {
		free(inc->related[i].bug);
		free(inc->related[i].url);
		free(inc->related[i].date);
		free(inc->related[i].description);
	}
	free(inc->related);
	for (size_t i = 0; i < inc->n_questions; i++)
		free(inc->questions[i].text);
	free(inc->questions);
	free(inc->posts);
	for (size_t i = 0; i < inc->n_notes; i++)
		free(inc->notes[i].text);
	free(inc->notes);
	free(inc);
}

struct ids_ctx {
	int64_t *v;
	size_t n;
	int ok;
};

static int id_row(void *vctx, const struct pw_store_incident *r)
{
	struct ids_ctx *c = vctx;
	int64_t *x = grow(&c->v, &c->n, sizeof *x);
	if (x == NULL) {
		c->ok = 0;
		return 0;
	}
	*x = r->id;
	return 1;
}

enum pw_status pw_incident_ids(struct pw_store *s, int64_t **out, size_t *out_n,
                               struct pw_error *err)
{
	struct ids_ctx c = {.ok = 1};
	enum pw_status st = pw_store_incident_list(s, id_row, &c, err);
	if (st == PW_OK && !c.ok)
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if (st != PW_OK) {
		free(c.v);
		return st;
	}
	*out = c.v;
	*out_n = c.n;
	return PW_OK;
}

/* ---- Changes ---- */

enum pw_status pw_incident_new(struct pw_store *s, const char *title, const char *const *tags,
                               size_t n_tags, const struct pw_incident_ctx *c, int64_t *out_id,
                               struct pw_error *err)
{
	char norm[PW_INCIDENT_MAX_TAGS][PW_INCIDENT_TAG_MAX];
	enum pw_status st;
	int own = 0;
	int64_t id = 0;

	if (out_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (n_tags > PW_INCIDENT_MAX_TAGS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "tag", "more than %d tags",
		                    PW_INCIDENT_MAX_TAGS);
	/* Every tag is checked before anything is written. */
	for (size_t i = 0; i < n_tags; i++)
		if ((st = pw_incident_tag_parse(tags[i], norm[i], err)) != PW_OK)
			return st;
	if ((st = text_arg(title, "title", err)) != PW_OK)
		return st;
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	int64_t now = now_of(c);
	if ((st = pw_store_incident_add(s, title, now, &id, err)) != PW_OK)
		goto out;
	json_t *jt = json_array();
	for (size_t i = 0; i < n_tags && st == PW_OK; i++) {
		st = pw_store_incident_tag(s, id, norm[i], 1, NULL, err);
		json_array_append_new(jt, json_string(norm[i]));
	}
	if (st != PW_OK) {
		json_decref(jt);
		goto out;
	}
	json_t *p = json_object();
	json_object_set_new(p, "title", json_string(title));
	json_object_set_new(p, "tags", jt);
	st = event(s, id, "incident.created", p, c, err);
out:
	st = end(s, own, st, err);
	if (st == PW_OK)
		*out_id = id;
	return st;
}

enum pw_status pw_incident_tag(struct pw_store *s, int64_t id, const char *tag, int add,
                               const struct pw_incident_ctx *c, struct pw_error *err)
{
	char norm[PW_INCIDENT_TAG_MAX];
	enum pw_status st;
	int own, changed = 0;
	if ((st = pw_incident_tag_parse(tag, norm, err)) != PW_OK)
		return st;
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_store_incident_tag(s, id, norm, add, &changed, err)) == PW_OK && changed) {
		json_t *p = json_object();
		json_object_set_new(p, "tag", json_string(norm));
		st = event(s, id, add ? "incident.tagged" : "incident.untagged", p, c, err);
	}
	return end(s, own, st, err);
}

static const char *const time_names[PW_STORE_INCIDENT_TIME_COUNT_] = {
	"aware", "start", "end", "next_update", "revocation_planned", "closed"};

const char *pw_incident_time_name(enum pw_store_incident_time w)
{
	return (unsigned)w < PW_STORE_INCIDENT_TIME_COUNT_ ? time_names[w] : "?";
}

static int get_row(void *vctx, const struct pw_store_incident *r)
{
	struct pw_store_incident *o = vctx;
	*o = *r;
	o->title = NULL; /* borrowed only for the callback */
	return 1;
}

enum pw_status pw_incident_set_time(struct pw_store *s, int64_t id,
                                    enum pw_store_incident_time which, int64_t t,
                                    int end_expected, const struct pw_incident_ctx *c,
                                    struct pw_error *err)
{
	struct pw_store_incident cur;
	enum pw_status st;
	int own;
	char a[32], b[32];
	int64_t now = now_of(c);

	if ((unsigned)which >= PW_STORE_INCIDENT_TIME_COUNT_)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "unknown incident time");
	if (t < 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, time_names[which], "time before 1970");
	/* Facts cannot lie in the future; plans and expectations can. */
	int future_ok = which == PW_STORE_INCIDENT_NEXT_UPDATE ||
	                which == PW_STORE_INCIDENT_REVOCATION_PLANNED ||
	                (which == PW_STORE_INCIDENT_END && end_expected);
	if (t > now && !future_ok)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, time_names[which],
		                    "%s lies in the future (now is %s)",
		                    pw_incident_fmt_minute(t, a, sizeof a),
		                    pw_incident_fmt_minute(now, b, sizeof b));
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_store_incident_get(s, id, get_row, &cur, err)) != PW_OK)
		goto out;
	cur.times[which] = t;
	if (which == PW_STORE_INCIDENT_END)
		cur.end_expected = end_expected;
	int64_t start = cur.times[PW_STORE_INCIDENT_START], aware = cur.times[PW_STORE_INCIDENT_AWARE],
		fin = cur.times[PW_STORE_INCIDENT_END];
	/* IRG Timeline: the incident begins, the CA becomes aware, it ends. */
	if (start && aware && aware < start) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, time_names[which],
		                  "awareness (%s) before the incident start (%s)",
		                  pw_incident_fmt_minute(aware, a, sizeof a),
		                  pw_incident_fmt_minute(start, b, sizeof b));
		goto out;
	}
	if (start && fin && fin < start) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, time_names[which],
		                  "end (%s) before the incident start (%s)",
		                  pw_incident_fmt_minute(fin, a, sizeof a),
		                  pw_incident_fmt_minute(start, b, sizeof b));
		goto out;
	}
	if ((st = pw_store_incident_set_time(s, id, which, t, end_expected, err)) != PW_OK)
		goto out;
	json_t *p = json_object();
	json_object_set_new(p, "which", json_string(time_names[which]));
	json_object_set_new(p, "value", t ? json_integer(t) : json_null());
	if (which == PW_STORE_INCIDENT_END)
		json_object_set_new(p, "expected", json_boolean(end_expected));
	st = event(s, id, "incident.time", p, c, err);
out:
	return end(s, own, st, err);
}

enum pw_status pw_incident_set_field(struct pw_store *s, int64_t id, const char *name,
                                     const char *value, const struct pw_incident_ctx *c,
                                     struct pw_error *err)
{
	enum pw_status st;
	int own;
	if (pw_incident_field_find(name) == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "field", "unknown incident field '%.60s'",
		                    name ? name : "");
	if (value != NULL && ((st = text_arg(value, name, err)) != PW_OK ||
	                      (st = field_value_ok(name, value, err)) != PW_OK))
		return st;
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_store_incident_field_set(s, id, name, value, err)) == PW_OK) {
		json_t *p = json_object();
		json_object_set_new(p, "field", json_string(name));
		json_object_set_new(p, "value", value ? json_string(value) : json_null());
		st = event(s, id, "incident.field", p, c, err);
	}
	return end(s, own, st, err);
}

/* Fails with NOTFOUND unless incident id exists (checked before counting a
 * query, which may take a while). */
static enum pw_status must_exist(struct pw_store *s, int64_t id, struct pw_error *err)
{
	struct pw_store_incident cur;
	return pw_store_incident_get(s, id, get_row, &cur, err);
}

static int filter_has_condition(const struct pw_store_filter *f)
{
	return f->has_sha256 || f->has_issuer_sha256 || f->issuer_dn || f->has_serial ||
	       f->has_spki || f->name || f->domain || f->has_issued_after ||
	       f->has_issued_before || f->has_valid_at || f->dcv_method || f->profile ||
	       f->revoked != PW_STORE_ANY || f->expired != PW_STORE_ANY || f->lint ||
	       f->ca != PW_STORE_ANY || f->kind != PW_STORE_KIND_ANY;
}

enum pw_status pw_incident_link_query(struct pw_store *s, int64_t id,
                                      const struct pw_store_filter *f,
                                      const struct pw_incident_ctx *c, uint64_t *out_count,
                                      struct pw_error *err)
{
	enum pw_status st;
	int own;
	uint64_t n = 0;
	int64_t seq;
	char *fj = NULL, *desc = NULL;
	json_t *jf = NULL;

	if (f == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL filter");
	if (!filter_has_condition(f))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "filter",
		                    "a filter without any condition would link every certificate; "
		                    "give at least one find filter");
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = must_exist(s, id, err)) != PW_OK)
		goto out;
	/* The count as the filter's `now` sees it; renders re-run it later. */
	struct pw_store_filter g = *f;
	g.limit = 0;
	g.offset = 0;
	g.now = now_of(c);
	if ((st = pw_store_count(s, &g, &n, err)) != PW_OK)
		goto out;
	fj = pw_incident_filter_to_json(&g);
	desc = pw_incident_filter_describe(&g);
	json_error_t je;
	if (fj == NULL || desc == NULL || (jf = json_loads(fj, 0, &je)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	json_t *d = json_object();
	json_object_set(d, "filter", jf);
	json_object_set_new(d, "describe", json_string(desc));
	json_object_set_new(d, "count", json_integer((json_int_t)n));
	if ((st = add_item(s, id, PW_INCIDENT_ITEM_QUERY, d, now_of(c), &seq, err)) != PW_OK)
		goto out;
	json_t *p = json_object();
	json_object_set_new(p, "query", json_integer(seq));
	json_object_set(p, "filter", jf);
	json_object_set_new(p, "describe", json_string(desc));
	json_object_set_new(p, "count", json_integer((json_int_t)n));
	st = event(s, id, "incident.linked", p, c, err);
out:
	json_decref(jf);
	free(fj);
	free(desc);
	st = end(s, own, st, err);
	if (st == PW_OK && out_count != NULL)
		*out_count = n;
	return st;
}

struct has_id_ctx {
	int64_t id;
	int found;
};

static int has_id_item(void *vctx, const struct pw_store_incident_item *r)
{
	struct has_id_ctx *h = vctx;
	json_error_t je;
	json_t *o = json_loads(r->data, 0, &je);
	if (jint(o, "id") == h->id)
		h->found = 1;
	json_decref(o);
	return !h->found;
}

static int report_found(void *ctx, const struct pw_store_problem_report *r)
{
	(void)r;
	*(int *)ctx = 1;
	return 0;
}

static enum pw_status link_id(struct pw_store *s, int64_t id, const char *kind, int64_t ref,
                              const struct pw_incident_ctx *c, struct pw_error *err)
{
	enum pw_status st;
	int own;
	int64_t seq;
	struct has_id_ctx h = {.id = ref};
	int is_report = strcmp(kind, PW_INCIDENT_ITEM_REPORT) == 0;

	if (ref <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, kind, "%s id must be positive", kind);
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = must_exist(s, id, err)) != PW_OK)
		goto out;
	if (is_report) {
		int found = 0;
		if ((st = pw_store_problem_report_get(s, ref, report_found, &found, err)) != PW_OK)
			goto out;
	} else {
		/* Event ids are 1..head without gaps (events.h). */
		int64_t head;
		uint8_t hh[32];
		if ((st = pw_store_event_head(s, &head, hh, err)) != PW_OK)
			goto out;
		if (ref > head) {
			st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "event",
			                  "no event %lld (the log ends at event %lld)", (long long)ref,
			                  (long long)head);
			goto out;
		}
	}
	if ((st = pw_store_incident_items(s, id, kind, has_id_item, &h, err)) != PW_OK || h.found)
		goto out; /* already linked: nothing changes */
	json_t *d = json_object();
	json_object_set_new(d, "id", json_integer(ref));
	if ((st = add_item(s, id, kind, d, now_of(c), &seq, err)) != PW_OK)
		goto out;
	json_t *p = json_object();
	json_object_set_new(p, kind, json_integer(ref));
	st = event(s, id, is_report ? "incident.report_linked" : "incident.event_linked", p, c, err);
out:
	return end(s, own, st, err);
}

enum pw_status pw_incident_link_report(struct pw_store *s, int64_t id, int64_t report_id,
                                       const struct pw_incident_ctx *c, struct pw_error *err)
{
	return link_id(s, id, PW_INCIDENT_ITEM_REPORT, report_id, c, err);
}

enum pw_status pw_incident_link_event(struct pw_store *s, int64_t id, int64_t event_id,
                                      const struct pw_incident_ctx *c, struct pw_error *err)
{
	return link_id(s, id, PW_INCIDENT_ITEM_EVENT, event_id, c, err);
}

/* Adds item d (taken) and its event "incident.<what>" carrying seq and d. */
static enum pw_status add_with_event(struct pw_store *s, int64_t id, const char *kind,
                                     const char *ev, json_t *d, const struct pw_incident_ctx *c,
                                     int64_t *out_seq, struct pw_error *err)
{
	enum pw_status st;
	int own;
	int64_t seq = 0;
	if (d == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if ((st = begin(s, &own, err)) != PW_OK) {
		json_decref(d);
		return st;
	}
	json_t *p = json_deep_copy(d);
	if ((st = add_item(s, id, kind, d, now_of(c), &seq, err)) != PW_OK) {
		json_decref(p);
		goto out;
	}
	json_object_set_new(p, "seq", json_integer(seq));
	st = event(s, id, ev, p, c, err);
out:
	st = end(s, own, st, err);
	if (st == PW_OK && out_seq != NULL)
		*out_seq = seq;
	return st;
}

static void set_opt(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

enum pw_status pw_incident_add_root_cause(struct pw_store *s, int64_t id,
                                          const struct pw_incident_root_cause *rc,
                                          const struct pw_incident_ctx *c, int64_t *out_seq,
                                          struct pw_error *err)
{
	enum pw_status st;
	if (rc == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_arg(rc->title, "root-cause.title", err)) != PW_OK ||
	    (st = text_arg(rc->description, "root-cause.description", err)) != PW_OK)
		return st;
	const char *opt[] = {rc->timeline, rc->detection, rc->interaction, rc->methodology};
	for (size_t i = 0; i < 4; i++)
		if (opt[i] != NULL && (st = text_arg(opt[i], "root-cause", err)) != PW_OK)
			return st;
	json_t *d = json_object();
	set_opt(d, "title", rc->title);
	set_opt(d, "description", rc->description);
	set_opt(d, "timeline", rc->timeline);
	set_opt(d, "detection", rc->detection);
	set_opt(d, "interaction", rc->interaction);
	set_opt(d, "methodology", rc->methodology);
	return add_with_event(s, id, PW_INCIDENT_ITEM_ROOT_CAUSE, "incident.root_cause", d, c,
	                      out_seq, err);
}

enum pw_status pw_incident_add_lesson(struct pw_store *s, int64_t id,
                                      enum pw_incident_lesson_kind kind, const char *text,
                                      const struct pw_incident_ctx *c, int64_t *out_seq,
                                      struct pw_error *err)
{
	enum pw_status st;
	if ((unsigned)kind >= PW_INCIDENT_LESSON_COUNT_)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "lesson.kind", "unknown lesson kind");
	if ((st = text_arg(text, "lesson.text", err)) != PW_OK)
		return st;
	json_t *d = json_object();
	json_object_set_new(d, "kind", json_string(lesson_names[kind]));
	json_object_set_new(d, "text", json_string(text));
	return add_with_event(s, id, PW_INCIDENT_ITEM_LESSON, "incident.lesson", d, c, out_seq, err);
}

/* 1 when every id in refs is the seq of an item of that kind. */
static int refs_exist(const int64_t *refs, size_t n, const int64_t *seqs, size_t n_seqs,
                      int64_t *bad)
{
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t j = 0; j < n_seqs && !found; j++)
			found = seqs[j] == refs[i];
		if (!found) {
			*bad = refs[i];
			return 0;
		}
	}
	return 1;
}

enum pw_status pw_incident_put_action(struct pw_store *s, int64_t id, int64_t seq,
                                      const struct pw_incident_action *a,
                                      const struct pw_incident_ctx *c, int64_t *out_seq,
                                      struct pw_error *err)
{
	struct pw_incident *inc = NULL;
	enum pw_status st;
	int own;
	int64_t bad, *seqs = NULL;
	char *txt = NULL;

	if (a == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_arg(a->description, "action.description", err)) != PW_OK ||
	    (st = text_arg(a->criteria, "action.criteria", err)) != PW_OK)
		return st;
	if ((unsigned)a->kind > PW_INCIDENT_DETECT || (unsigned)a->status > PW_INCIDENT_CANCELED)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "action", "unknown kind or status");
	if (a->due <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "action.due",
		                    "IRG Action Items: a due date is required");
	if (a->n_root_causes > PW_INCIDENT_MAX_REFS || a->n_lessons > PW_INCIDENT_MAX_REFS)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "action", "more than %d references",
		                    PW_INCIDENT_MAX_REFS);
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = pw_incident_load(s, id, &inc, err)) != PW_OK)
		goto out;
	size_t n = inc->n_root_causes > inc->n_lessons ? inc->n_root_causes : inc->n_lessons;
	if ((seqs = calloc(n + 1, sizeof *seqs)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < inc->n_root_causes; i++)
		seqs[i] = inc->root_causes[i].seq;
	if (!refs_exist(a->root_causes, a->n_root_causes, seqs, inc->n_root_causes, &bad)) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "action.root-cause",
		                  "incident %lld has no root cause #%lld", (long long)id,
		                  (long long)bad);
		goto out;
	}
	for (size_t i = 0; i < inc->n_lessons; i++)
		seqs[i] = inc->lessons[i].seq;
	if (!refs_exist(a->lessons, a->n_lessons, seqs, inc->n_lessons, &bad)) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "action.lesson",
		                  "incident %lld has no lesson #%lld", (long long)id, (long long)bad);
		goto out;
	}
	const struct pw_incident_action *prev = NULL;
	for (size_t i = 0; i < inc->n_actions && seq != 0; i++)
		if (inc->actions[i].seq == seq)
			prev = &inc->actions[i];
	if (seq != 0 && prev == NULL) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "action",
		                  "incident %lld has no action item #%lld", (long long)id,
		                  (long long)seq);
		goto out;
	}
	json_t *d = json_object(), *rcs = json_array(), *ls = json_array();
	for (size_t i = 0; i < a->n_root_causes; i++)
		json_array_append_new(rcs, json_integer(a->root_causes[i]));
	for (size_t i = 0; i < a->n_lessons; i++)
		json_array_append_new(ls, json_integer(a->lessons[i]));
	json_object_set_new(d, "description", json_string(a->description));
	json_object_set_new(d, "kind", json_string(kind_names[a->kind]));
	json_object_set_new(d, "root_causes", rcs);
	json_object_set_new(d, "lessons", ls);
	json_object_set_new(d, "criteria", json_string(a->criteria));
	json_object_set_new(d, "due", json_integer(a->due));
	json_object_set_new(d, "status", json_string(status_names[a->status]));
	if (seq == 0) {
		st = add_with_event(s, id, PW_INCIDENT_ITEM_ACTION, "incident.action_added", d, c, &seq,
		                    err);
		goto out;
	}
	txt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	if (txt == NULL) {
		json_decref(d);
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if ((st = pw_store_incident_item_update(s, id, PW_INCIDENT_ITEM_ACTION, seq, now_of(c), txt,
	                                        err)) != PW_OK) {
		json_decref(d);
		goto out;
	}
	json_object_set_new(d, "seq", json_integer(seq));
	json_object_set_new(d, "previous_status", json_string(status_names[prev->status]));
	st = event(s, id, "incident.action_changed", d, c, err);
out:
	free(txt);
	free(seqs);
	pw_incident_free(inc);
	st = end(s, own, st, err);
	if (st == PW_OK && out_seq != NULL)
		*out_seq = seq;
	return st;
}

enum pw_status pw_incident_add_related(struct pw_store *s, int64_t id,
                                       const struct pw_incident_related *r,
                                       const struct pw_incident_ctx *c, int64_t *out_seq,
                                       struct pw_error *err)
{
	enum pw_status st;
	if (r == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_arg(r->bug, "related.bug", err)) != PW_OK ||
	    (st = text_arg(r->url, "related.url", err)) != PW_OK ||
	    (st = text_arg(r->date, "related.date", err)) != PW_OK ||
	    (st = text_arg(r->description, "related.description", err)) != PW_OK)
		return st;
	if (strncmp(r->url, "https://", 8) != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "related.url",
		                    "expected an https:// URL, got '%.60s'", r->url);
	json_t *d = json_object();
	set_opt(d, "bug", r->bug);
	set_opt(d, "url", r->url);
	set_opt(d, "date", r->date);
	set_opt(d, "description", r->description);
	return add_with_event(s, id, PW_INCIDENT_ITEM_RELATED, "incident.related", d, c, out_seq,
	                      err);
}

struct find_item_ctx {
	int64_t seq;
	json_t *data;
};

static int find_item(void *vctx, const struct pw_store_incident_item *r)
{
	struct find_item_ctx *f = vctx;
	if (r->seq != f->seq)
		return 1;
	json_error_t je;
	f->data = json_loads(r->data, 0, &je);
	return 0;
}

enum pw_status pw_incident_question(struct pw_store *s, int64_t id, int64_t seq, int64_t at,
                                    const char *text, const struct pw_incident_ctx *c,
                                    int64_t *out_seq, struct pw_error *err)
{
	enum pw_status st;
	int own;
	char *txt = NULL;
	struct find_item_ctx f = {.seq = seq};
	if (at == 0)
		at = now_of(c);
	if (at > now_of(c))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "question.at", "lies in the future");
	if (seq == 0) {
		if ((st = text_arg(text, "question.text", err)) != PW_OK)
			return st;
		json_t *d = json_object();
		json_object_set_new(d, "asked_at", json_integer(at));
		json_object_set_new(d, "text", json_string(text));
		return add_with_event(s, id, PW_INCIDENT_ITEM_QUESTION, "incident.question", d, c,
		                      out_seq, err);
	}
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	if ((st = must_exist(s, id, err)) != PW_OK ||
	    (st = pw_store_incident_items(s, id, PW_INCIDENT_ITEM_QUESTION, find_item, &f, err)) !=
	        PW_OK)
		goto out;
	if (!json_is_object(f.data)) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "question",
		                  "incident %lld has no question #%lld", (long long)id, (long long)seq);
		goto out;
	}
	if (at < jint(f.data, "asked_at")) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "answer.at",
		                  "the answer comes before question #%lld was asked", (long long)seq);
		goto out;
	}
	json_object_set_new(f.data, "answered_at", json_integer(at));
	if (text != NULL)
		json_object_set_new(f.data, "answer", json_string(text));
	if ((txt = json_dumps(f.data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if ((st = pw_store_incident_item_update(s, id, PW_INCIDENT_ITEM_QUESTION, seq, now_of(c),
	                                        txt, err)) != PW_OK)
		goto out;
	json_t *p = json_object();
	json_object_set_new(p, "seq", json_integer(seq));
	json_object_set_new(p, "answered_at", json_integer(at));
	st = event(s, id, "incident.answer", p, c, err);
	if (st == PW_OK && out_seq != NULL)
		*out_seq = seq;
out:
	json_decref(f.data);
	free(txt);
	return end(s, own, st, err);
}

enum pw_status pw_incident_posted(struct pw_store *s, int64_t id, enum pw_incident_report kind,
                                  int64_t at, const struct pw_incident_ctx *c,
                                  struct pw_error *err)
{
	enum pw_status st;
	int own;
	int64_t seq;
	if ((unsigned)kind >= PW_INCIDENT_REPORT_COUNT_)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "report", "unknown report kind");
	if (at == 0)
		at = now_of(c);
	if (at > now_of(c))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "posted.at", "lies in the future");
	if ((st = begin(s, &own, err)) != PW_OK)
		return st;
	json_t *d = json_object();
	json_object_set_new(d, "report", json_string(report_names[kind]));
	json_object_set_new(d, "at", json_integer(at));
	if ((st = add_with_event(s, id, PW_INCIDENT_ITEM_POST, "incident.posted", d, c, &seq, err)) !=
	    PW_OK)
		goto out;
	/* A posted Closure Summary closes the incident (IRG "How are reports closed?"). */
	if (kind == PW_INCIDENT_CLOSURE)
		st = pw_incident_set_time(s, id, PW_STORE_INCIDENT_CLOSED, at, 0, c, err);
out:
	return end(s, own, st, err);
}

enum pw_status pw_incident_add_note(struct pw_store *s, int64_t id, int64_t occurred_at,
                                    const char *text, const struct pw_incident_ctx *c,
                                    int64_t *out_seq, struct pw_error *err)
{
	enum pw_status st;
	if ((st = text_arg(text, "note.text", err)) != PW_OK)
		return st;
	if (occurred_at <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "note.at", "a time is required");
	if (occurred_at > now_of(c))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "note.at", "lies in the future");
	json_t *d = json_object();
	json_object_set_new(d, "at", json_integer(occurred_at));
	json_object_set_new(d, "text", json_string(text));
	return add_with_event(s, id, PW_INCIDENT_ITEM_NOTE, "incident.note", d, c, out_seq, err);
}

char *pw_incident_fmt_minute(int64_t t, char *buf, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, n, "@%lld", (long long)t);
	return buf;
}
