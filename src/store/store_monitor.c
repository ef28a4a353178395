/* store/store_monitor.c: the backend-neutral functions of the monitor area
 * (include/pkiward/store_monitor.h). Each checks its arguments, then runs the
 * backend's implementation inside the caller's transaction or, when none is
 * open, in its own. */
#include <string.h>

#include "monitor_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->monitor == NULL || s->ops->monitor->seen_crl == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no monitor tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

/* A text that must be present (required) and at most max bytes. */
static enum pw_status text_arg(const char *t, size_t max, int required, const char *field,
                               struct pw_error *err)
{
	if (t == NULL) {
		if (required)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, field, "missing");
		return PW_OK;
	}
	if (required && t[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, field, "empty");
	if (strlen(t) > max)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, field, "longer than %zu bytes", max);
	return PW_OK;
}

enum pw_status pw_store_monitor_seen_crl(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                         const char *url, const uint8_t *crl_number,
                                         int *out_first, struct pw_error *err)
{
	int own, first = 0;
	enum pw_status st = check(s, 1, err);
	if (out_first != NULL)
		*out_first = 0;
	if (st != PW_OK)
		return st;
	if (sha256 == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL sha256");
	if ((st = text_arg(url, PW_STORE_MONITOR_MAX_URL, 1, "url", err)) != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->seen_crl(s, sha256, at, url, crl_number, &first, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK && out_first != NULL)
		*out_first = first;
	return st;
}

enum pw_status pw_store_monitor_seen_ocsp(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                          const char *url, int status, int *out_first,
                                          struct pw_error *err)
{
	int own, first = 0;
	enum pw_status st = check(s, 1, err);
	if (out_first != NULL)
		*out_first = 0;
	if (st != PW_OK)
		return st;
	if (sha256 == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL sha256");
	if (status < PW_OCSP_GOOD || status > PW_OCSP_UNKNOWN)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "status",
		                    "%d is not a CertStatus (RFC 6960 §4.2.1)", status);
	if ((st = text_arg(url, PW_STORE_MONITOR_MAX_URL, 1, "url", err)) != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->seen_ocsp(s, sha256, at, url, status, &first, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK && out_first != NULL)
		*out_first = first;
	return st;
}

enum pw_status pw_store_monitor_seen_get(struct pw_store *s, const uint8_t sha256[32],
                                         struct pw_store_monitor_seen *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->monitor->seen_get(s, sha256, out, err);
}

enum pw_status pw_store_monitor_fetch_add(struct pw_store *s, const struct pw_store_monitor_fetch *f,
                                          int64_t *out_id, struct pw_error *err)
{
	int own;
	int64_t id = 0;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (f == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL fetch");
	if ((st = text_arg(f->url, PW_STORE_MONITOR_MAX_URL, 1, "fetch.url", err)) != PW_OK ||
	    (st = text_arg(f->kind, PW_STORE_MONITOR_MAX_KIND, 1, "fetch.kind", err)) != PW_OK ||
	    (st = text_arg(f->outcome, PW_STORE_MONITOR_MAX_KIND, 1, "fetch.outcome", err)) != PW_OK ||
	    (st = text_arg(f->detail, PW_STORE_MONITOR_MAX_DETAIL, 0, "fetch.detail", err)) != PW_OK ||
	    (st = text_arg(f->content_type, PW_STORE_MONITOR_MAX_CONTENT_TYPE, 0,
	                   "fetch.content_type", err)) != PW_OK)
		return st;
	if (f->bytes > INT64_MAX)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "fetch.bytes", "out of range");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->fetch_add(s, f, &id, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK && out_id != NULL)
		*out_id = id;
	return st;
}

enum pw_status pw_store_monitor_fetch_list(struct pw_store *s, const char *url, uint64_t limit,
                                           pw_store_monitor_fetch_fn fn, void *ctx,
                                           struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->monitor->fetch_list(s, url, limit, fn, ctx, err);
}

enum pw_status pw_store_monitor_crl_seen(struct pw_store *s, const struct pw_store_monitor_crl *c,
                                         int64_t at, int *out_new, struct pw_error *err)
{
	int own, is_new = 0;
	enum pw_status st = check(s, 1, err);
	if (out_new != NULL)
		*out_new = 0;
	if (st != PW_OK)
		return st;
	if (c == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL CRL");
	if ((st = text_arg(c->url, PW_STORE_MONITOR_MAX_URL, 1, "crl.url", err)) != PW_OK)
		return st;
	if (c->entries > INT64_MAX)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "crl.entries", "out of range");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->crl_seen(s, c, at, &is_new, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK && out_new != NULL)
		*out_new = is_new;
	return st;
}

enum pw_status pw_store_monitor_crl_highest(struct pw_store *s, const char *url,
                                            struct pw_store_monitor_crl *out,
                                            struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = text_arg(url, PW_STORE_MONITOR_MAX_URL, 1, "url", err)) != PW_OK)
		return st;
	return s->ops->monitor->crl_highest(s, url, out, err);
}

enum pw_status pw_store_monitor_crl_list(struct pw_store *s, const char *url,
                                         pw_store_monitor_crl_fn fn, void *ctx,
                                         struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->monitor->crl_list(s, url, fn, ctx, err);
}

enum pw_status pw_store_monitor_alert_raise(struct pw_store *s,
                                            const struct pw_store_monitor_alert *a, int64_t at,
                                            int64_t *out_id, int *out_new, struct pw_error *err)
{
	int own, is_new = 0;
	int64_t id = 0;
	enum pw_status st = check(s, 1, err);
	if (out_new != NULL)
		*out_new = 0;
	if (st != PW_OK)
		return st;
	if (a == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL alert");
	if ((st = text_arg(a->kind, PW_STORE_MONITOR_MAX_KIND, 1, "alert.kind", err)) != PW_OK ||
	    (st = text_arg(a->subject, PW_STORE_EVENT_MAX_TEXT, 1, "alert.subject", err)) != PW_OK ||
	    (st = text_arg(a->url, PW_STORE_MONITOR_MAX_URL, 0, "alert.url", err)) != PW_OK ||
	    (st = text_arg(a->detail, PW_STORE_MONITOR_MAX_DETAIL, 0, "alert.detail", err)) != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->alert_raise(s, a, at, &id, &is_new, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK) {
		if (out_id != NULL)
			*out_id = id;
		if (out_new != NULL)
			*out_new = is_new;
	}
	return st;
}

enum pw_status pw_store_monitor_alert_resolve(struct pw_store *s, int64_t id, int64_t at,
                                              struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->monitor->alert_resolve(s, id, at, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_monitor_alert_list(struct pw_store *s,
                                           const struct pw_store_monitor_alert_filter *f,
                                           pw_store_monitor_alert_fn fn, void *ctx,
                                           struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->monitor->alert_list(s, f, fn, ctx, err);
}

enum pw_status pw_store_monitor_alert_count_open(struct pw_store *s, uint64_t *out,
                                                 struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = 0;
	return s->ops->monitor->alert_count_open(s, out, err);
}
