/* store/store_inventory.c: the backend-neutral functions of the inventory area
 * (include/pkiward/store_inventory.h). Each checks its arguments, then runs
 * the backend's implementation inside the caller's transaction or, when none
 * is open, in its own. */
#include <string.h>

#include "inventory_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->inventory == NULL || s->ops->inventory->audit_put == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no inventory tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

static int text_ok(const char *t, int required)
{
	if (t == NULL)
		return !required;
	return (!required || t[0] != '\0') && strlen(t) <= PW_STORE_AUDIT_MAX_TEXT;
}

enum pw_status pw_store_audit_put(struct pw_store *s, const struct pw_store_audit_statement *a,
                                  const uint8_t *fingerprints, size_t n, int64_t *out_id,
                                  int *out_inserted, struct pw_error *err)
{
	int own, inserted = 0;
	int64_t id = 0;
	enum pw_status st = check(s, 1, err);
	if (out_inserted != NULL)
		*out_inserted = 0;
	if (st != PW_OK)
		return st;
	if (a == NULL || out_id == NULL || (n > 0 && fingerprints == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (n > PW_STORE_AUDIT_MAX_SCOPE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "fingerprints",
		                    "%zu fingerprints, at most %d per statement", n,
		                    PW_STORE_AUDIT_MAX_SCOPE);
	if (!text_ok(a->auditor, 1) || !text_ok(a->scheme, 1) || !text_ok(a->type, 1) ||
	    !text_ok(a->source, 1) || !text_ok(a->url, 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "statement",
		                    "auditor, scheme, type and source are required, each at most %d bytes",
		                    PW_STORE_AUDIT_MAX_TEXT);
	if (a->period_start > a->period_end)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "period_start",
		                    "the period starts after it ends");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->inventory->audit_put(s, a, fingerprints, n, &id, &inserted, err);
	st = pw_store_txn_end(s, own, st, err);
	if (st == PW_OK) {
		*out_id = id;
		if (out_inserted != NULL)
			*out_inserted = inserted;
	}
	return st;
}

enum pw_status pw_store_audit_list(struct pw_store *s, pw_store_audit_fn fn, void *ctx,
                                   struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->inventory->audit_list(s, fn, ctx, err);
}

enum pw_status pw_store_audit_scope_list(struct pw_store *s, pw_store_audit_scope_fn fn,
                                         void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->inventory->audit_scope_list(s, fn, ctx, err);
}

enum pw_status pw_store_ccadb_record_put(struct pw_store *s, const struct pw_store_ccadb_record *r,
                                         struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (r == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!text_ok(r->name, 0) || !text_ok(r->owner, 0) || !text_ok(r->record_type, 0) ||
	    !text_ok(r->revocation_status, 0) || !text_ok(r->trust_bits, 0))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "ccadb_record",
		                    "a text column is over %d bytes", PW_STORE_AUDIT_MAX_TEXT);
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->inventory->ccadb_record_put(s, r, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_ccadb_record_list(struct pw_store *s, pw_store_ccadb_record_fn fn,
                                          void *ctx, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->inventory->ccadb_record_list(s, fn, ctx, err);
}

enum pw_status pw_store_ca_cert_list(struct pw_store *s, pw_store_ca_cert_fn fn, void *ctx,
                                     struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->inventory->ca_cert_list(s, fn, ctx, err);
}

enum pw_status pw_store_issued_counts(struct pw_store *s, pw_store_issued_fn fn, void *ctx,
                                      struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->inventory->issued_counts(s, fn, ctx, err);
}
