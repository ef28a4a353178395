/* pkiward — incidents and their CCADB incident reports (issue 7).
 *
 * An incident follows the CCADB Incident Reporting Guidelines v3.2 ("IRG",
 * /work/shared/reference/ccadb-incident-reporting-3.2.md):
 *   - whiteboard tags ([dv-misissuance], [leaf-revocation-delay], ...),
 *     validated against a fixed list;
 *   - the times IRG's Timeline and deadlines need (awareness, start, end,
 *     "Next update", revocation planned), each recorded by an event;
 *   - the template's text fields (IRG "Report Templates"), root causes
 *     (contributing factors), lessons, action items (kind Prevent / Mitigate /
 *     Detect, the root causes and lessons each answers, evaluation criteria,
 *     due date, status), related bugs, questions asked on the bug, and the
 *     times reports were posted;
 *   - linked problem reports (BR 4.9.5), linked events, and linked
 *     certificates as stored `find` filters, kept live: every render
 *     re-runs them, so certificates revoked or expired since are counted as
 *     they are now (a snapshot count at link time is kept for the record).
 *
 * Every change is an event (events.h) with subject "incident:<id>", written
 * in the same transaction as the change. The rendered Timeline is read from
 * those events, the linked reports' events and the revocations of the linked
 * certificates, never typed (DESIGN.md, "Rules of the domain").
 *
 * Times are Unix seconds, UTC; 0 means "not recorded". */
#ifndef PKIWARD_INCIDENT_H
#define PKIWARD_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/buf.h"
#include "pkiward/status.h"
#include "pkiward/store.h"
#include "pkiward/store_incident.h"

/* ---- Limits ---- */

/* Tags on one incident; items of one kind on one incident. */
#define PW_INCIDENT_MAX_TAGS 32
#define PW_INCIDENT_MAX_ITEMS 1000
/* Root causes / lessons one action item may name. */
#define PW_INCIDENT_MAX_REFS 32
/* Longest text of one field or item member (bytes). */
#define PW_INCIDENT_MAX_TEXT ((size_t)64 << 10)
/* Certificates a render collects (beyond: PW_ERR_LIMIT). */
#define PW_INCIDENT_MAX_CERTS ((size_t)50 << 20)
/* Missing-field messages a check collects. */
#define PW_INCIDENT_MAX_MISSING 256

/* ---- IRG v3.2 deadlines ("When are reports expected?" / "updated?") ---- */

/* A Preliminary or Full report within 72 hours of awareness. */
#define PW_INCIDENT_FIRST_REPORT_SECS ((int64_t)72 * 3600)
/* The Full report within 14 days of the initial disclosure. */
#define PW_INCIDENT_FULL_REPORT_SECS ((int64_t)14 * 86400)
/* Answers to comments and questions within 7 days. */
#define PW_INCIDENT_REPLY_SECS ((int64_t)7 * 86400)
/* An update within 7 days when no "Next update" date is recorded. */
#define PW_INCIDENT_UPDATE_SECS ((int64_t)7 * 86400)
/* An update within 3 days of an action item being changed, completed or delayed. */
#define PW_INCIDENT_ACTION_UPDATE_SECS ((int64_t)3 * 86400)
/* revocation-delay incidents: updates SHOULD come every 3 days, MUST every 7. */
#define PW_INCIDENT_DELAY_UPDATE_SHOULD_SECS ((int64_t)3 * 86400)
#define PW_INCIDENT_DELAY_UPDATE_MUST_SECS ((int64_t)7 * 86400)
/* IRG "Appendix": from this many certificates on, a list of crt.sh links may
 * replace the CSV. */
#define PW_INCIDENT_CRTSH_THRESHOLD 10000u

/* ---- Whiteboard tags ---- */

/* Longest tag, brackets included. */
#define PW_INCIDENT_TAG_MAX 40

/* Validates a whiteboard tag, given with or without its brackets
 * ("dv-misissuance" or "[dv-misissuance]"), and writes the bracketed form
 * into out. An unknown tag is PW_ERR_USAGE naming it and listing the known
 * ones. */
enum pw_status pw_incident_tag_parse(const char *tag, char out[PW_INCIDENT_TAG_MAX],
                                     struct pw_error *err) PW_WARN_UNUSED;

/* The known tags, bracketed, in a static NULL-terminated array. */
const char *const *pw_incident_known_tags(void);

/* 1 when the tag set makes this a revocation-delay incident (IRG "When are
 * reports updated?": the 3/7-day cadence; "Analysis" becomes required). */
int pw_incident_tags_revocation_delay(const char *const *tags, size_t n);

/* ---- Enumerations ---- */

/* The IRG report templates, and "update" (a comment updating the bug). */
enum pw_incident_report {
	PW_INCIDENT_PRELIMINARY = 0,
	PW_INCIDENT_FULL,
	PW_INCIDENT_CLOSURE,
	PW_INCIDENT_UPDATE,
	PW_INCIDENT_REPORT_COUNT_
};
/* "preliminary", "full", "closure", "update". */
const char *pw_incident_report_name(enum pw_incident_report r);
/* Parses one of those names; returns 1. */
int pw_incident_report_parse(const char *name, enum pw_incident_report *out);

/* IRG "Lessons Learned" categories. */
enum pw_incident_lesson_kind {
	PW_INCIDENT_WENT_WELL = 0,  /* "What went well" */
	PW_INCIDENT_WENT_WRONG,     /* "What didn't go well": each needs an action item */
	PW_INCIDENT_LUCKY,          /* "Where we got lucky" */
	PW_INCIDENT_OTHER,          /* "Additional" ("Other"): each needs an action item */
	PW_INCIDENT_LESSON_COUNT_
};
/* "well", "wrong", "lucky", "other" (CLI spelling) */
const char *pw_incident_lesson_name(enum pw_incident_lesson_kind k);
/* Accepts those and "went-well", "didnt-go-well", "got-lucky", "additional". */
int pw_incident_lesson_parse(const char *name, enum pw_incident_lesson_kind *out);

/* IRG "Action Items": Kind. */
enum pw_incident_action_kind { PW_INCIDENT_PREVENT = 0, PW_INCIDENT_MITIGATE, PW_INCIDENT_DETECT };
/* IRG "Action Items": Status. */
enum pw_incident_action_status {
	PW_INCIDENT_ONGOING = 0,
	PW_INCIDENT_COMPLETE,
	PW_INCIDENT_DELAYED,
	PW_INCIDENT_CANCELED
};
const char *pw_incident_action_kind_name(enum pw_incident_action_kind k);     /* "Prevent" */
int pw_incident_action_kind_parse(const char *s, enum pw_incident_action_kind *out);
const char *pw_incident_action_status_name(enum pw_incident_action_status s); /* "Ongoing" */
int pw_incident_action_status_parse(const char *s, enum pw_incident_action_status *out);

/* ---- Text fields ---- */

/* The named text fields (IRG templates). `name` is the CLI flag spelling.
 * required_in is a bit mask of (1 << enum pw_incident_report) where the
 * field must be filled (or "N/A"). */
struct pw_incident_field_def {
	const char *name;    /* "description" */
	const char *label;   /* "Incident description" (the template's label) */
	unsigned required_in;
};

/* The field table (static), terminated by an entry with name NULL. */
const struct pw_incident_field_def *pw_incident_fields(void);

/* The definition of field `name`, or NULL when unknown. */
const struct pw_incident_field_def *pw_incident_field_find(const char *name);

/* ---- The loaded incident ---- */

struct pw_incident_root_cause {
	int64_t seq;
	char *title, *description, *timeline, *detection, *interaction, *methodology; /* NULL = unset */
};

struct pw_incident_lesson {
	int64_t seq;
	enum pw_incident_lesson_kind kind;
	char *text;
};

struct pw_incident_action {
	int64_t seq;
	char *description;
	enum pw_incident_action_kind kind;
	int64_t root_causes[PW_INCIDENT_MAX_REFS];  /* root cause seqs */
	size_t n_root_causes;
	int64_t lessons[PW_INCIDENT_MAX_REFS];      /* lesson seqs it answers */
	size_t n_lessons;
	char *criteria;
	int64_t due;                                /* due date */
	enum pw_incident_action_status status;
	int64_t at, updated_at;                     /* added, last changed */
};

/* A stored `find` filter (kept live) and what it matched when linked. */
struct pw_incident_query {
	int64_t seq;
	char *filter_json;       /* pw_incident_filter_to_json() text */
	char *describe;          /* human form ("--domain example.com --unrevoked") */
	uint64_t snapshot_count; /* certificates it matched when linked */
	int64_t at;
};

struct pw_incident_related {
	int64_t seq;
	char *bug, *url, *date, *description;
};

struct pw_incident_question {
	int64_t seq;
	int64_t asked_at;
	char *text;
	int64_t answered_at;     /* 0 = open */
};

/* A report or update posted on the bug (drives the deadlines). */
struct pw_incident_post {
	int64_t seq;
	enum pw_incident_report kind;
	int64_t at;
};

/* A timeline entry that no pkiward event records by itself (IRG Timeline:
 * "All policy, process, and software changes that contributed to the Root
 * Cause(s)", issuance ceased/resumed): recorded as an event all the same. */
struct pw_incident_note {
	int64_t seq;
	int64_t occurred_at;
	char *text;
};

struct pw_incident_field {
	char *name;
	char *value;
};

/* Everything stored about one incident. Owned by whoever loaded it
 * (pw_incident_free). Arrays are in seq order. */
struct pw_incident {
	int64_t id;
	char *title;
	int64_t created_at;
	int64_t aware_at, start_at, end_at, next_update_at, revocation_planned_at, closed_at;
	int end_expected;                       /* end_at is an expected end */
	char **tags;                            /* bracketed */
	size_t n_tags;
	struct pw_incident_field *fields;
	size_t n_fields;
	struct pw_incident_root_cause *root_causes;
	size_t n_root_causes;
	struct pw_incident_lesson *lessons;
	size_t n_lessons;
	struct pw_incident_action *actions;
	size_t n_actions;
	struct pw_incident_query *queries;
	size_t n_queries;
	int64_t *reports;                       /* linked problem report ids */
	size_t n_reports;
	int64_t *events;                        /* linked event ids */
	size_t n_events;
	struct pw_incident_related *related;
	size_t n_related;
	struct pw_incident_question *questions;
	size_t n_questions;
	struct pw_incident_post *posts;
	size_t n_posts;
	struct pw_incident_note *notes;
	size_t n_notes;
};

/* Loads incident `id` (*out owned by the caller). PW_ERR_NOTFOUND for an
 * unknown id. */
enum pw_status pw_incident_load(struct pw_store *s, int64_t id, struct pw_incident **out,
                                struct pw_error *err) PW_WARN_UNUSED;

/* Frees an incident. NULL-safe. */
void pw_incident_free(struct pw_incident *inc);

/* The value of field `name` (borrowed), or NULL. */
const char *pw_incident_get0_field(const struct pw_incident *inc, const char *name);

/* Ids of every incident, in order (*out malloc'd, caller frees). */
enum pw_status pw_incident_ids(struct pw_store *s, int64_t **out, size_t *out_n,
                               struct pw_error *err) PW_WARN_UNUSED;

/* ---- Changes (each one transaction with its event) ---- */

/* Who and when, for every change. actor NULL = "pkiward"; now 0 = current time. */
struct pw_incident_ctx {
	const char *actor;
	int64_t now;
};

/* Creates an incident with a title and tags (validated first: an unknown
 * tag creates nothing). *out_id gets its id. Event "incident.created". */
enum pw_status pw_incident_new(struct pw_store *s, const char *title, const char *const *tags,
                               size_t n_tags, const struct pw_incident_ctx *c, int64_t *out_id,
                               struct pw_error *err) PW_WARN_UNUSED;

/* Adds or removes a tag. Event "incident.tagged" / "incident.untagged". */
enum pw_status pw_incident_tag(struct pw_store *s, int64_t id, const char *tag, int add,
                               const struct pw_incident_ctx *c,
                               struct pw_error *err) PW_WARN_UNUSED;

/* Records a time (0 clears it). Checked: the start is not after awareness,
 * the end not before the start, nothing but "Next update", the planned
 * revocation and an expected end lies in the future. Event "incident.time". */
enum pw_status pw_incident_set_time(struct pw_store *s, int64_t id,
                                    enum pw_store_incident_time which, int64_t t,
                                    int end_expected, const struct pw_incident_ctx *c,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* Sets a text field (value NULL clears it; "N/A" is a value). Unknown names
 * are PW_ERR_USAGE; "source" must be one of IRG's three choices and
 * "ccadb-id" an "A" and six digits (or "N/A"). Event "incident.field". */
enum pw_status pw_incident_set_field(struct pw_store *s, int64_t id, const char *name,
                                     const char *value, const struct pw_incident_ctx *c,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Links the certificates filter f selects, as a live query (the filter is
 * stored, not the list). *out_count (may be NULL) gets how many it matches
 * now. A filter with no condition (it would link the whole base) is
 * PW_ERR_USAGE. Event "incident.linked" with the filter and count. */
enum pw_status pw_incident_link_query(struct pw_store *s, int64_t id,
                                      const struct pw_store_filter *f,
                                      const struct pw_incident_ctx *c, uint64_t *out_count,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Links a problem report (must exist) / an event (must exist in the log).
 * Linking twice is a no-op. Events "incident.report_linked" /
 * "incident.event_linked". */
enum pw_status pw_incident_link_report(struct pw_store *s, int64_t id, int64_t report_id,
                                       const struct pw_incident_ctx *c,
                                       struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_incident_link_event(struct pw_store *s, int64_t id, int64_t event_id,
                                      const struct pw_incident_ctx *c,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Adds a root cause (title and description required). */
enum pw_status pw_incident_add_root_cause(struct pw_store *s, int64_t id,
                                          const struct pw_incident_root_cause *rc,
                                          const struct pw_incident_ctx *c, int64_t *out_seq,
                                          struct pw_error *err) PW_WARN_UNUSED;

/* Adds a lesson. */
enum pw_status pw_incident_add_lesson(struct pw_store *s, int64_t id,
                                      enum pw_incident_lesson_kind kind, const char *text,
                                      const struct pw_incident_ctx *c, int64_t *out_seq,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Adds an action item (a->seq ignored) or, with seq != 0, replaces action
 * item `seq` with *a (its `at` kept). Every root cause and lesson it names
 * must exist. A change restarts the 3-day update deadline. Events
 * "incident.action_added" / "incident.action_changed". */
enum pw_status pw_incident_put_action(struct pw_store *s, int64_t id, int64_t seq,
                                      const struct pw_incident_action *a,
                                      const struct pw_incident_ctx *c, int64_t *out_seq,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Adds a related incident (bug id, URL, opened date and description required). */
enum pw_status pw_incident_add_related(struct pw_store *s, int64_t id,
                                       const struct pw_incident_related *r,
                                       const struct pw_incident_ctx *c, int64_t *out_seq,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Records a question asked on the bug (asked_at) or, with seq != 0, its
 * answer (answered_at). */
enum pw_status pw_incident_question(struct pw_store *s, int64_t id, int64_t seq, int64_t at,
                                    const char *text, const struct pw_incident_ctx *c,
                                    int64_t *out_seq, struct pw_error *err) PW_WARN_UNUSED;

/* Records that a report or update was posted at `at` (0 = now). */
enum pw_status pw_incident_posted(struct pw_store *s, int64_t id, enum pw_incident_report kind,
                                  int64_t at, const struct pw_incident_ctx *c,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* Adds a timeline note (something that happened at occurred_at). */
enum pw_status pw_incident_add_note(struct pw_store *s, int64_t id, int64_t occurred_at,
                                    const char *text, const struct pw_incident_ctx *c,
                                    int64_t *out_seq, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Stored filters ---- */

/* The filter as a JSON object (malloc'd text; NULL when out of memory).
 * Times are integers, hashes and serials hex, switches "yes"/"no"; limit,
 * offset and now are not kept (a live query always runs at the render's
 * time). */
char *pw_incident_filter_to_json(const struct pw_store_filter *f);

/* A filter parsed back from that JSON into *f; its strings point into
 * *owner (json_t *, released with pw_incident_filter_release). Unknown or
 * malformed members are PW_ERR_PARSE naming them. */
enum pw_status pw_incident_filter_from_json(const char *json, struct pw_store_filter *f,
                                            void **owner, struct pw_error *err) PW_WARN_UNUSED;
void pw_incident_filter_release(void *owner);

/* The filter in `find` flag form ("--domain example.com --unrevoked"),
 * malloc'd. */
char *pw_incident_filter_describe(const struct pw_store_filter *f);

/* ---- Deadlines (IRG v3.2 "When are reports expected?", "... updated?") ---- */

enum pw_incident_deadline_kind {
	PW_INCIDENT_DL_FIRST_REPORT = 0, /* 72 h after awareness */
	PW_INCIDENT_DL_FULL_REPORT,      /* 14 d after the initial disclosure */
	PW_INCIDENT_DL_REPLY,            /* 7 d after a question (one per open question) */
	PW_INCIDENT_DL_NEXT_UPDATE,      /* the "Next update" date, else 7 d after the last post */
	PW_INCIDENT_DL_ACTION_UPDATE,    /* 3 d after an action item changed */
	PW_INCIDENT_DL_DELAY_UPDATE,     /* revocation-delay: 3 d (SHOULD) / 7 d (MUST) */
};

/* Longest deadline description. */
#define PW_INCIDENT_DEADLINE_TEXT 160
/* Most deadlines one incident yields (questions included). */
#define PW_INCIDENT_MAX_DEADLINES (8 + PW_INCIDENT_MAX_ITEMS)

struct pw_incident_deadline {
	enum pw_incident_deadline_kind kind;
	int64_t due;        /* when it falls due */
	int64_t soft_due;   /* a SHOULD date before `due` (revocation-delay: 3 d); 0 = none */
	int64_t met_at;     /* when it was met (0 = open) */
	int overdue;        /* open and due < now, or met after due */
	const char *rule;   /* static citation, "IRG 3.2 \"When are reports expected?\"" */
	char what[PW_INCIDENT_DEADLINE_TEXT]; /* "Full Incident Report" */
};

/* Computes the deadlines of inc at `now` from its times, posts, questions
 * and action items (a pure function: no store). Writes at most cap entries
 * into out and their number into *out_n. A closed incident (closed_at set)
 * yields only its open questions' deadlines (IRG: after a Closure Summary,
 * updates are due only when questions are asked). */
void pw_incident_deadlines(const struct pw_incident *inc, int64_t now,
                           struct pw_incident_deadline *out, size_t cap, size_t *out_n);

/* Name of a deadline kind ("first-report", ...). */
const char *pw_incident_deadline_name(enum pw_incident_deadline_kind k);

/* ---- Impact (IRG "Impact"), from the store ---- */

struct pw_incident_impact {
	uint64_t total;           /* certificates (a precertificate and its certificate count once) */
	uint64_t remaining_valid; /* total minus expired and revoked */
	uint64_t revoked;
	uint64_t expired;         /* expired and not revoked */
	uint64_t dv, ov, iv, ev, other; /* by the recorded profile column */
	uint64_t precert_only;    /* groups whose final certificate is not stored */
	int64_t first_revoked_at, last_revoked_at; /* 0 when none */
};

/* One affected certificate for the Appendix (borrowed during the callback). */
struct pw_incident_cert {
	int has_precert_sha256, has_cert_sha256;
	uint8_t precert_sha256[32], cert_sha256[32];
	const char *subject, *issuer, *serial_hex, *profile;
	int64_t not_before, not_after;
	const char *const *dns_names;
	size_t n_dns_names;
	int revoked;
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
};

/* Re-runs the incident's linked queries at `now` and counts (deduplicated
 * by certificate). */
enum pw_status pw_incident_impact(struct pw_store *s, const struct pw_incident *inc, int64_t now,
                                  struct pw_incident_impact *out,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* ---- IRG report rendering ---- */

/* Why a render was refused: one line per missing or inconsistent field,
 * "Section: Field: what is wrong". */
struct pw_incident_missing {
	char **v;
	size_t n;
};
void pw_incident_missing_cleanup(struct pw_incident_missing *m);

struct pw_incident_render_opts {
	enum pw_incident_report report;  /* PRELIMINARY, FULL or CLOSURE */
	int64_t now;                     /* 0 = current time */
	/* Where the Appendix file goes: when non-NULL, the CSV (fewer than
	 * PW_INCIDENT_CRTSH_THRESHOLD certificates) or the crt.sh list is
	 * appended to *appendix and the Markdown names appendix_name. When NULL
	 * the CSV is inlined below the Appendix heading (a crt.sh-sized list is
	 * refused: it needs a file). */
	struct pw_buf *appendix;
	const char *appendix_name;
};

/* Checks that every field the chosen template requires is filled (or
 * "N/A") and consistent (IRG "Report field definitions and expectations":
 * every root cause, "didn't go well" and "other" lesson answered by an
 * action item; revocation-delay needs Analysis and a revocation plan; a
 * Closure needs every action item Complete), then renders the report as
 * IRG v3.2 Markdown into *md. When something is missing nothing is
 * rendered: *missing lists it and PW_ERR_USAGE is returned. Store errors
 * are returned as such. */
enum pw_status pw_incident_render(struct pw_store *s, const struct pw_incident *inc,
                                  const struct pw_incident_render_opts *o, struct pw_buf *md,
                                  struct pw_incident_missing *missing,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* One timeline row (for tests and the admin API). */
struct pw_incident_timeline_row {
	int64_t at;
	char *text;
};
struct pw_incident_timeline {
	struct pw_incident_timeline_row *v;
	size_t n;
};
void pw_incident_timeline_cleanup(struct pw_incident_timeline *t);

/* Builds the Timeline: the incident's events (times recorded, notes, posts,
 * links, action changes, questions), its linked reports' and events' rows,
 * and the revocations of the linked certificates aggregated per minute;
 * sorted by time (stable). */
enum pw_status pw_incident_timeline(struct pw_store *s, const struct pw_incident *inc,
                                    int64_t now, struct pw_incident_timeline *out,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* Formats t as "YYYY-MM-DD HH:MM UTC" (IRG: UTC, minute granularity). */
char *pw_incident_fmt_minute(int64_t t, char *buf, size_t n);

#endif
