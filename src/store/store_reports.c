/* store/store_reports.c: the backend-neutral functions of the reports area
 * (include/pkiward/store_reports.h): check arguments, then run the backend
 * inside the caller's transaction or, when none is open, in its own. */
#include <string.h>

#include "internal.h"
#include "reports_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->reports == NULL || s->ops->reports->life_put == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no problem report tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

static int short_ok(const char *t)
{
	return t == NULL || strlen(t) <= PW_STORE_REPORT_MAX_SHORT;
}

static int long_ok(const char *t)
{
	return t == NULL || strlen(t) <= PW_STORE_REPORT_MAX_TEXT;
}

enum pw_status pw_store_report_life_put(struct pw_store *s, const struct pw_store_report_life *l,
                                        struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (l == NULL || l->state == NULL || l->action == NULL || l->source == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "report",
		                    "a lifecycle row needs a state, an action and a source");
	if (!short_ok(l->state) || !short_ok(l->action) || !short_ok(l->source) ||
	    !short_ok(l->message_id) || !short_ok(l->subscriber) || !long_ok(l->title) ||
	    !long_ok(l->body) || !long_ok(l->decline_reason))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report", "a report field is too long");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->reports->life_put(s, l, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_report_life_get(struct pw_store *s, int64_t id,
                                        pw_store_report_life_fn fn, void *ctx,
                                        struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->reports->life_get(s, id, fn, ctx, err);
}

enum pw_status pw_store_report_by_message_id(struct pw_store *s, const char *message_id,
                                             int64_t *out_id, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (message_id == NULL || out_id == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->reports->by_message_id(s, message_id, out_id, err);
}

enum pw_status pw_store_report_ids(struct pw_store *s, int64_t after_id, size_t max,
                                   int64_t *out, size_t *out_n, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL || out_n == NULL || max == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->reports->ids(s, after_id, max, out, out_n, err);
}

static enum pw_status cert_put(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                               const char *how, int candidate, int *out_inserted,
                               struct pw_error *err)
{
	int own, ins = 0;
	enum pw_status st = check(s, 1, err);
	if (out_inserted != NULL)
		*out_inserted = 0;
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || how == NULL || how[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!short_ok(how))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report_cert", "text over %d bytes",
		                    (int)PW_STORE_REPORT_MAX_SHORT);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->reports->cert_put(s, id, sha256, how, candidate, &ins, err);
	if (out_inserted != NULL)
		*out_inserted = ins;
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_report_cert_put(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                                        const char *how, int *out_inserted, struct pw_error *err)
{
	return cert_put(s, id, sha256, how, 0, out_inserted, err);
}

enum pw_status pw_store_report_candidate_put(struct pw_store *s, int64_t id,
                                             const uint8_t sha256[32], const char *query,
                                             int *out_inserted, struct pw_error *err)
{
	return cert_put(s, id, sha256, query, 1, out_inserted, err);
}

static enum pw_status cert_list(struct pw_store *s, int64_t id, int candidate,
                                pw_store_report_cert_fn fn, void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->reports->cert_list(s, id, candidate, fn, ctx, err);
}

enum pw_status pw_store_report_cert_list(struct pw_store *s, int64_t id,
                                         pw_store_report_cert_fn fn, void *ctx,
                                         struct pw_error *err)
{
	return cert_list(s, id, 0, fn, ctx, err);
}

enum pw_status pw_store_report_candidate_list(struct pw_store *s, int64_t id,
                                              pw_store_report_cert_fn fn, void *ctx,
                                              struct pw_error *err)
{
	return cert_list(s, id, 1, fn, ctx, err);
}

enum pw_status pw_store_report_unresolved_put(struct pw_store *s, int64_t id, const char *ref,
                                              const char *why, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (ref == NULL || why == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!short_ok(ref) || !short_ok(why))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report_unresolved",
		                    "text over %d bytes", (int)PW_STORE_REPORT_MAX_SHORT);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->reports->unresolved_put(s, id, ref, why, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_report_unresolved_list(struct pw_store *s, int64_t id,
                                               pw_store_report_unresolved_fn fn, void *ctx,
                                               struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->reports->unresolved_list(s, id, fn, ctx, err);
}

enum pw_status pw_store_report_message_put(struct pw_store *s,
                                           const struct pw_store_report_message *m,
                                           int64_t *out_id, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (m == NULL || m->kind == NULL || m->recipients == NULL || m->text == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "report_message",
		                    "a message needs a kind, recipients and a text");
	if (!short_ok(m->kind) || !short_ok(m->recipients) || !long_ok(m->text))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "report_message", "a field is too long");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->reports->message_put(s, m, out_id, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_report_message_list(struct pw_store *s, int64_t id,
                                            pw_store_report_message_fn fn, void *ctx,
                                            struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->reports->message_list(s, id, fn, ctx, err);
}

enum pw_status pw_store_report_seen(struct pw_store *s, const uint8_t sha256[32],
                                    int *out_revoked, int64_t *out_first_seen_crl,
                                    int64_t *out_first_seen_ocsp, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || out_revoked == NULL || out_first_seen_crl == NULL ||
	    out_first_seen_ocsp == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->reports->seen(s, sha256, out_revoked, out_first_seen_crl,
	                             out_first_seen_ocsp, err);
}
