/* pkiward — storage primitives of the incident area (schema migration 6).
 *
 * These are rows only. The rules (tags, required fields, the IRG v3.2
 * templates, deadlines) and the events that record every change live in
 * incident/ (include/pkiward/incident.h), which calls these inside one
 * transaction per change. Each function runs inside the caller's
 * transaction when one is open (pw_store_begin), else in its own.
 *
 * An incident is one row of times (Unix seconds; 0 = not recorded), its
 * whiteboard tags, its named text fields, and typed "items": numbered
 * children (root causes, lessons, action items, linked queries, reports and
 * events, related bugs, questions, postings, timeline notes) whose data is
 * a JSON object validated by incident/ before it is written. Items are
 * numbered 1, 2, 3... per incident and kind, never deleted, only updated. */
#ifndef PKIWARD_STORE_INCIDENT_H
#define PKIWARD_STORE_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest title, tag, field name, item kind, and field value / item data. */
#define PW_STORE_INCIDENT_MAX_TITLE 512
#define PW_STORE_INCIDENT_MAX_NAME 64
#define PW_STORE_INCIDENT_MAX_VALUE ((size_t)1 << 20)

/* The recorded times of an incident (columns of the incident row). */
enum pw_store_incident_time {
	PW_STORE_INCIDENT_AWARE = 0,         /* the CA Owner became aware */
	PW_STORE_INCIDENT_START,             /* the non-compliance began */
	PW_STORE_INCIDENT_END,               /* the non-compliance ended (or is expected to) */
	PW_STORE_INCIDENT_NEXT_UPDATE,       /* the "Next update" whiteboard date */
	PW_STORE_INCIDENT_REVOCATION_PLANNED,/* revocation of the affected certificates expected */
	PW_STORE_INCIDENT_CLOSED,            /* closed */
	PW_STORE_INCIDENT_TIME_COUNT_
};

/* One incident row; texts borrowed for the callback. */
struct pw_store_incident {
	int64_t id;
	const char *title;
	int64_t created_at;
	int64_t times[PW_STORE_INCIDENT_TIME_COUNT_]; /* 0 = not recorded */
	int end_expected;    /* times[END] is an expected end, not an actual one */
};

/* One item row; texts borrowed for the callback. */
struct pw_store_incident_item {
	int64_t incident_id;
	const char *kind;    /* "root_cause", "action", ... */
	int64_t seq;         /* 1, 2, 3... per incident and kind */
	int64_t at;          /* when it was added */
	int64_t updated_at;  /* when it last changed */
	const char *data;    /* JSON object text */
};

typedef int (*pw_store_incident_fn)(void *ctx, const struct pw_store_incident *r);
typedef int (*pw_store_incident_item_fn)(void *ctx, const struct pw_store_incident_item *r);
/* Tags and fields: value is NULL for tags. */
typedef int (*pw_store_incident_kv_fn)(void *ctx, const char *name, const char *value);

/* Adds an incident (no tags, no times); *out_id gets its id. */
enum pw_status pw_store_incident_add(struct pw_store *s, const char *title, int64_t created_at,
                                     int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn with incident `id`; PW_ERR_NOTFOUND for an unknown id. */
enum pw_status pw_store_incident_get(struct pw_store *s, int64_t id, pw_store_incident_fn fn,
                                     void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn for every incident in id order. */
enum pw_status pw_store_incident_list(struct pw_store *s, pw_store_incident_fn fn, void *ctx,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Sets (value != 0) or clears (value 0) one time of incident `id`;
 * end_expected is stored with PW_STORE_INCIDENT_END only. PW_ERR_NOTFOUND
 * for an unknown id. */
enum pw_status pw_store_incident_set_time(struct pw_store *s, int64_t id,
                                          enum pw_store_incident_time which, int64_t value,
                                          int end_expected, struct pw_error *err) PW_WARN_UNUSED;

/* Adds (add 1) or removes (add 0) a tag; *out_changed (may be NULL) says
 * whether the set changed. */
enum pw_status pw_store_incident_tag(struct pw_store *s, int64_t id, const char *tag, int add,
                                     int *out_changed, struct pw_error *err) PW_WARN_UNUSED;

/* Sets a named field (value NULL removes it). */
enum pw_status pw_store_incident_field_set(struct pw_store *s, int64_t id, const char *name,
                                           const char *value,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* Tags (value NULL) or fields of incident `id`, in name order. */
enum pw_status pw_store_incident_tags(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn,
                                      void *ctx, struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_incident_fields(struct pw_store *s, int64_t id,
                                        pw_store_incident_kv_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Adds an item of `kind` numbered after the last one; *out_seq gets it. */
enum pw_status pw_store_incident_item_add(struct pw_store *s, int64_t id, const char *kind,
                                          int64_t at, const char *data, int64_t *out_seq,
                                          struct pw_error *err) PW_WARN_UNUSED;

/* Replaces the data of item (kind, seq) and sets its updated_at.
 * PW_ERR_NOTFOUND when there is no such item. */
enum pw_status pw_store_incident_item_update(struct pw_store *s, int64_t id, const char *kind,
                                             int64_t seq, int64_t at, const char *data,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* Items of incident `id` (of `kind`, or all kinds when NULL) in (kind, seq)
 * order. */
enum pw_status pw_store_incident_items(struct pw_store *s, int64_t id, const char *kind,
                                       pw_store_incident_item_fn fn, void *ctx,
                                       struct pw_error *err) PW_WARN_UNUSED;

#endif
