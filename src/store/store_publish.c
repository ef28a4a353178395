/* store/store_publish.c: the backend-neutral functions of the publish area
 * (store_publish.h): check arguments, then run the backend's implementation
 * inside the caller's transaction or, when none is open, in its own. */
#include <string.h>

#include "internal.h"
#include "publish_ops.h"

static enum pw_status check(struct pw_store *s, int write, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (s->ops->publish == NULL || s->ops->publish->ca_put == NULL)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "store",
		                    "the %s backend has no publication tables", s->ops->name);
	if (write && (s->flags & PW_STORE_READONLY))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

enum pw_status pw_store_publish_ca_put(struct pw_store *s, const struct pw_store_publish_ca *r,
                                       int replace, int64_t *out_id, int *out_updated,
                                       struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (r == NULL || out_id == NULL || r->name == NULL || r->key_ref == NULL ||
	    r->cert_der == NULL || r->cert_len == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "a registered CA needs a name, a certificate and a key");
	if (r->partitions < 1)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "partitions", "at least 1 partition");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->ca_put(s, r, replace, out_id, out_updated, err);
	if (st == PW_OK)
		st = s->ops->publish->bump(s, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_publish_ca_list(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
                                        pw_store_publish_ca_fn fn, void *ctx,
                                        struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->publish->ca_list(s, sel, fn, ctx, err);
}

enum pw_status pw_store_publish_reserve_numbers(struct pw_store *s, int64_t ca_id, uint64_t n,
                                                uint64_t *out_first, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (out_first == NULL || n == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "reserve at least one number");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->reserve_numbers(s, ca_id, n, out_first, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_publish_revoked_list(struct pw_store *s, const uint8_t issuer_name_sha256[32],
                                             const uint8_t *ski, size_t ski_len,
                                             pw_store_publish_revoked_fn fn, void *ctx,
                                             struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (issuer_name_sha256 == NULL || fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->publish->revoked_list(s, issuer_name_sha256, ski, ski_len, fn, ctx, err);
}

enum pw_status pw_store_publish_expired_seen(struct pw_store *s, int64_t cert_row, int64_t ca_id,
                                             uint64_t number, int64_t at, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->expired_seen(s, cert_row, ca_id, number, at, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_publish_crl_add(struct pw_store *s, const struct pw_store_publish_crl *c,
                                        struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (c == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->crl_add(s, c, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_publish_crl_last(struct pw_store *s, int64_t ca_id, int partition,
                                         struct pw_store_publish_crl *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->publish->crl_last(s, ca_id, partition, out, err);
}

enum pw_status pw_store_publish_generation(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->publish->generation(s, out, err);
}

enum pw_status pw_store_publish_bump(struct pw_store *s, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->bump(s, err);
	return pw_store_txn_end(s, own, st, err);
}

enum pw_status pw_store_publish_changes_since(struct pw_store *s, uint64_t since,
                                              pw_store_publish_change_fn fn, void *ctx,
                                              struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return s->ops->publish->changes_since(s, since, fn, ctx, err);
}

enum pw_status pw_store_publish_changed_rows(struct pw_store *s, uint64_t since, unsigned want,
                                             pw_store_row_fn fn, void *ctx,
                                             struct pw_error *err)
{
	enum pw_status st = check(s, 0, err);
	if (st != PW_OK)
		return st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return pw_store_lookup_changed(s, since, want, fn, ctx, err);
}

enum pw_status pw_store_publish_set_invalidity(struct pw_store *s, const uint8_t sha256[32],
                                               int64_t invalidity_date, struct pw_error *err)
{
	int own;
	enum pw_status st = check(s, 1, err);
	if (st != PW_OK)
		return st;
	if (sha256 == NULL || invalidity_date <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "invalidity_date",
		                    "an invalidity date is a positive Unix time");
	if ((st = pw_store_txn_start(s, &own, err)) != PW_OK)
		return st;
	st = s->ops->publish->set_invalidity(s, sha256, invalidity_date, err);
	return pw_store_txn_end(s, own, st, err);
}
