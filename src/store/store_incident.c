/* store/store_incident.c: the backend-neutral incident functions
 * (include/pkiward/store_incident.h). Each checks its arguments, then runs
 * the backend's implementation inside the caller's transaction or, when
 * none is open, in its own. */
#include <string.h>

#include "incident_ops.h"
#include "internal.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->incident == NULL || s->ops->incident->add == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no incident tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

/* A text argument: present, within max bytes, without control characters
 * other than tab/newline (values are shown in Markdown and terminals). */
static enum pw_status text_ok(const char *t, size_t max, int multiline, const char *what,
                              struct pw_error *err)
{
	if (t == NULL || t[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, what, "empty");
	size_t n = strlen(t);
	if (n > max)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, what, "%zu bytes, at most %zu", n, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))))
			return pw_error_set(err, PW_ERR_USAGE, 1, i, what,
			                    "control character 0x%02x at byte %zu", c, i);
	}
	return PW_OK;
}

#define RUN_WRITE(call)                                                  \
	do {                                                                 \
		int own_;                                                        \
		if ((st = pw_store_txn_start(s, &own_, err)) != PW_OK)           \
			return st;                                                   \
		st = (call);                                                     \
		return pw_store_txn_end(s, own_, st, err);                       \
	} while (0)

enum pw_status pw_store_incident_add(struct pw_store *s, const char *title, int64_t created_at,
                                     int64_t *out_id, struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (out_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_ok(title, PW_STORE_INCIDENT_MAX_TITLE, 0, "title", err)) != PW_OK)
		return st;
	RUN_WRITE(s->ops->incident->add(s, title, created_at, out_id, err));
}

enum pw_status pw_store_incident_get(struct pw_store *s, int64_t id, pw_store_incident_fn fn,
                                     void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->incident->get(s, id, fn, ctx, err);
}

enum pw_status pw_store_incident_list(struct pw_store *s, pw_store_incident_fn fn, void *ctx,
                                      struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->incident->list(s, fn, ctx, err);
}

enum pw_status pw_store_incident_set_time(struct pw_store *s, int64_t id,
                                          enum pw_store_incident_time which, int64_t value,
                                          int end_expected, struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((int)which < 0 || which >= PW_STORE_INCIDENT_TIME_COUNT_)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "unknown incident time %d",
		                    (int)which);
	RUN_WRITE(s->ops->incident->set_time(s, id, which, value, end_expected, err));
}

enum pw_status pw_store_incident_tag(struct pw_store *s, int64_t id, const char *tag, int add,
                                     int *out_changed, struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = text_ok(tag, PW_STORE_INCIDENT_MAX_NAME, 0, "tag", err)) != PW_OK)
		return st;
	RUN_WRITE(s->ops->incident->tag(s, id, tag, add, out_changed, err));
}

enum pw_status pw_store_incident_field_set(struct pw_store *s, int64_t id, const char *name,
                                           const char *value, struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = text_ok(name, PW_STORE_INCIDENT_MAX_NAME, 0, "field", err)) != PW_OK)
		return st;
	if (value != NULL &&
	    (st = text_ok(value, PW_STORE_INCIDENT_MAX_VALUE, 1, name, err)) != PW_OK)
		return st;
	RUN_WRITE(s->ops->incident->field_set(s, id, name, value, err));
}

enum pw_status pw_store_incident_tags(struct pw_store *s, int64_t id, pw_store_incident_kv_fn fn,
                                      void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->incident->tags(s, id, fn, ctx, err);
}

enum pw_status pw_store_incident_fields(struct pw_store *s, int64_t id,
                                        pw_store_incident_kv_fn fn, void *ctx,
                                        struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->incident->fields(s, id, fn, ctx, err);
}

enum pw_status pw_store_incident_item_add(struct pw_store *s, int64_t id, const char *kind,
                                          int64_t at, const char *data, int64_t *out_seq,
                                          struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (out_seq == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_ok(kind, PW_STORE_INCIDENT_MAX_NAME, 0, "item.kind", err)) != PW_OK ||
	    (st = text_ok(data, PW_STORE_INCIDENT_MAX_VALUE, 1, "item.data", err)) != PW_OK)
		return st;
	RUN_WRITE(s->ops->incident->item_add(s, id, kind, at, data, out_seq, err));
}

enum pw_status pw_store_incident_item_update(struct pw_store *s, int64_t id, const char *kind,
                                             int64_t seq, int64_t at, const char *data,
                                             struct pw_error *err)
{
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = text_ok(kind, PW_STORE_INCIDENT_MAX_NAME, 0, "item.kind", err)) != PW_OK ||
	    (st = text_ok(data, PW_STORE_INCIDENT_MAX_VALUE, 1, "item.data", err)) != PW_OK)
		return st;
	RUN_WRITE(s->ops->incident->item_update(s, id, kind, seq, at, data, err));
}

enum pw_status pw_store_incident_items(struct pw_store *s, int64_t id, const char *kind,
                                       pw_store_incident_item_fn fn, void *ctx,
                                       struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->incident->items(s, id, kind, fn, ctx, err);
}
