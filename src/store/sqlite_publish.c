/* store/sqlite_publish.c: the SQLite side of the publish area (publish_ops.h,
 * store_publish.h) and schema migration 3.
 *
 * The change generation is kept by triggers on the revocation table, so a
 * revocation written by any code path or process (revoke/, a bulk plan,
 * another pkiward) moves it in the same transaction; a publisher polling
 * publish_state sees it at its next poll. The UPDATE trigger names the
 * columns a CRL or OCSP response shows, so recording first_seen_crl /
 * first_seen_ocsp (monitor/) does not make publishers re-run. Every
 * statement is portable SQL (the PostgreSQL backend implements the same
 * triggers with plpgsql). */
#include <string.h>

#include "publish_ops.h"
#include "sqlite_area.h"

/* Migration 3. It adds revocation.invalidity_date (RFC 5280 §5.3.2) to the
 * evidence table of migration 2: the date belongs to the revocation. */
const char pw_sqlite_migration_3[] =
	"CREATE TABLE publish_ca ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" cert_sha256 BLOB NOT NULL UNIQUE,"
	" cert_der BLOB NOT NULL,"
	" subject_name_sha256 BLOB NOT NULL,"
	" spki_sha256 BLOB NOT NULL,"
	" ski BLOB,"
	" key_ref TEXT NOT NULL,"
	" crl_base_url TEXT,"
	" partitions INTEGER NOT NULL CHECK (partitions >= 1),"
	" ocsp_url TEXT,"
	" responder_cert_der BLOB,"
	" responder_key_ref TEXT,"
	" added_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" next_crl_number INTEGER NOT NULL CHECK (next_crl_number >= 1));"
	"CREATE TABLE publish_crl ("
	" ca_id INTEGER NOT NULL REFERENCES publish_ca (id),"
	" number INTEGER NOT NULL,"
	" partition INTEGER NOT NULL,"
	" this_update INTEGER NOT NULL,"
	" next_update INTEGER NOT NULL,"
	" entries INTEGER NOT NULL,"
	" sha256 BLOB NOT NULL,"
	" url TEXT,"
	" published_at INTEGER NOT NULL,"
	" PRIMARY KEY (ca_id, number));"
	"CREATE INDEX publish_crl_scope ON publish_crl (ca_id, partition, number);"
	"CREATE TABLE publish_expired_seen ("
	" cert_id INTEGER PRIMARY KEY REFERENCES certificate (id),"
	" ca_id INTEGER NOT NULL,"
	" crl_number INTEGER NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE TABLE publish_state ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" generation INTEGER NOT NULL);"
	"INSERT INTO publish_state (one, generation) VALUES (1, 0);"
	"CREATE TABLE publish_change ("
	" generation INTEGER PRIMARY KEY,"
	" cert_id INTEGER NOT NULL);"
	"ALTER TABLE revocation ADD COLUMN invalidity_date INTEGER;"
	"CREATE TRIGGER publish_revocation_insert AFTER INSERT ON revocation BEGIN"
	" UPDATE publish_state SET generation = generation + 1 WHERE one = 1;"
	" INSERT INTO publish_change (generation, cert_id)"
	"  SELECT generation, NEW.cert_id FROM publish_state WHERE one = 1;"
	" END;"
	"CREATE TRIGGER publish_revocation_update"
	" AFTER UPDATE OF revoked_at, reason, invalidity_date ON revocation BEGIN"
	" UPDATE publish_state SET generation = generation + 1 WHERE one = 1;"
	" INSERT INTO publish_change (generation, cert_id)"
	"  SELECT generation, NEW.cert_id FROM publish_state WHERE one = 1;"
	" END;"
	"CREATE TRIGGER publish_revocation_delete AFTER DELETE ON revocation BEGIN"
	" UPDATE publish_state SET generation = generation + 1 WHERE one = 1;"
	" INSERT INTO publish_change (generation, cert_id)"
	"  SELECT generation, OLD.cert_id FROM publish_state WHERE one = 1;"
	" END;";

enum {
	P_CA_FIND_SHA,
	P_CA_FIND_NAME,
	P_CA_INS,
	P_CA_UPD,
	P_CA_ALL,
	P_CA_BY_ID,
	P_CA_BY_NAME,
	P_CA_BY_SHA,
	P_NUM_GET,
	P_NUM_SET,
	P_REVOKED,
	P_REVOKED_ANY_AKI,
	P_EXPIRED_SEEN,
	P_CRL_ADD,
	P_CRL_LAST,
	P_GEN,
	P_BUMP,
	P_CHANGES,
	P_INVALIDITY,
	P_COUNT_
};

#define CA_COLS                                                                              \
	"id, name, cert_sha256, cert_der, subject_name_sha256, spki_sha256, ski, key_ref,"       \
	" crl_base_url, partitions, ocsp_url, responder_cert_der, responder_key_ref, added_at," \
	" updated_at, next_crl_number FROM publish_ca"

static const char *const sql[P_COUNT_] = {
	[P_CA_FIND_SHA] = "SELECT id FROM publish_ca WHERE cert_sha256 = ?",
	[P_CA_FIND_NAME] = "SELECT id FROM publish_ca WHERE name = ?",
	[P_CA_INS] = "INSERT INTO publish_ca (name, cert_sha256, cert_der, subject_name_sha256,"
	             " spki_sha256, ski, key_ref, crl_base_url, partitions, ocsp_url,"
	             " responder_cert_der, responder_key_ref, added_at, updated_at, next_crl_number)"
	             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 1)",
	[P_CA_UPD] = "UPDATE publish_ca SET name = ?1, cert_der = ?3, subject_name_sha256 = ?4,"
	             " spki_sha256 = ?5, ski = ?6, key_ref = ?7, crl_base_url = ?8,"
	             " partitions = ?9, ocsp_url = ?10, responder_cert_der = ?11,"
	             " responder_key_ref = ?12, updated_at = ?13 WHERE cert_sha256 = ?2",
	[P_CA_ALL] = "SELECT " CA_COLS " ORDER BY id",
	[P_CA_BY_ID] = "SELECT " CA_COLS " WHERE id = ?",
	[P_CA_BY_NAME] = "SELECT " CA_COLS " WHERE name = ?",
	[P_CA_BY_SHA] = "SELECT " CA_COLS " WHERE cert_sha256 = ?",
	[P_NUM_GET] = "SELECT next_crl_number FROM publish_ca WHERE id = ?",
	[P_NUM_SET] = "UPDATE publish_ca SET next_crl_number = ?2 WHERE id = ?1",
	[P_REVOKED] = "SELECT c.id, c.serial, c.not_after, r.revoked_at, r.reason,"
	              " r.invalidity_date, e.cert_id IS NOT NULL"
	              " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	              " LEFT JOIN publish_expired_seen e ON e.cert_id = c.id"
	              " WHERE c.issuer_name_sha256 = ?1 AND (c.aki IS NULL OR c.aki = ?2)",
	[P_REVOKED_ANY_AKI] = "SELECT c.id, c.serial, c.not_after, r.revoked_at, r.reason,"
	                      " r.invalidity_date, e.cert_id IS NOT NULL"
	                      " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	                      " LEFT JOIN publish_expired_seen e ON e.cert_id = c.id"
	                      " WHERE c.issuer_name_sha256 = ?1",
	[P_EXPIRED_SEEN] = "INSERT INTO publish_expired_seen (cert_id, ca_id, crl_number, at)"
	                   " VALUES (?, ?, ?, ?) ON CONFLICT (cert_id) DO NOTHING",
	[P_CRL_ADD] = "INSERT INTO publish_crl (ca_id, number, partition, this_update, next_update,"
	              " entries, sha256, url, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[P_CRL_LAST] = "SELECT number, this_update, next_update, entries, sha256, published_at"
	               " FROM publish_crl WHERE ca_id = ? AND partition = ?"
	               " ORDER BY number DESC LIMIT 1",
	[P_GEN] = "SELECT generation FROM publish_state WHERE one = 1",
	[P_BUMP] = "UPDATE publish_state SET generation = generation + 1 WHERE one = 1",
	[P_CHANGES] = "SELECT p.generation, c.sha256 FROM publish_change p"
	              " JOIN certificate c ON c.id = p.cert_id"
	              " WHERE p.generation > ? ORDER BY p.generation",
	[P_INVALIDITY] = "UPDATE revocation SET invalidity_date = ?2"
	                 " WHERE cert_id = (SELECT id FROM certificate WHERE sha256 = ?1)",
};

static sqlite3_stmt *stmt(struct pw_store *s, int id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_PUBLISH, sql, P_COUNT_, (size_t)id, err);
}

static void publish_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_PUBLISH);
}

/* A 1-column integer lookup: *found 0 when no row. */
static enum pw_status lookup_id(struct pw_store *s, int id, const void *p, size_t n, int text,
                                int64_t *out, int *found, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, id, err);
	enum pw_status ret = PW_OK;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	if (text)
		sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
	else
		sqlite3_bind_blob(st, 1, p, (int)n, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "publish_ca");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status ca_put(struct pw_store *s, const struct pw_store_publish_ca *r, int replace,
                             int64_t *out_id, int *out_updated, struct pw_error *err)
{
	int64_t id = 0, other = 0;
	int found, name_found;
	enum pw_status ret;
	sqlite3_stmt *st;

	if ((ret = lookup_id(s, P_CA_FIND_SHA, r->cert_sha256, 32, 0, &id, &found, err)) != PW_OK)
		return ret;
	if ((ret = lookup_id(s, P_CA_FIND_NAME, r->name, 0, 1, &other, &name_found, err)) != PW_OK)
		return ret;
	if (found && !replace)
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "cert",
		                    "this CA certificate is already registered (id %lld); use --replace "
		                    "to change its settings", (long long)id);
	if (name_found && (!found || other != id))
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "name",
		                    "another registered CA (id %lld) is named \"%s\"", (long long)other,
		                    r->name);
	if ((st = stmt(s, found ? P_CA_UPD : P_CA_INS, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->cert_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, r->cert_der, (int)r->cert_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, r->subject_name_sha256, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, r->spki_sha256, 32, SQLITE_STATIC);
	pw_sqlite_bind_blob_opt(st, 6, r->ski, r->ski_len);
	sqlite3_bind_text(st, 7, r->key_ref, -1, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 8, r->crl_base_url);
	sqlite3_bind_int64(st, 9, (int64_t)r->partitions);
	pw_sqlite_bind_text_opt(st, 10, r->ocsp_url);
	pw_sqlite_bind_blob_opt(st, 11, r->responder_cert_der, r->responder_cert_len);
	pw_sqlite_bind_text_opt(st, 12, r->responder_key_ref);
	sqlite3_bind_int64(st, 13, found ? r->updated_at : r->added_at);
	if ((ret = pw_sqlite_xrun(s, st, "publish_ca", err)) != PW_OK)
		return ret;
	if (!found)
		id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	*out_id = id;
	if (out_updated != NULL)
		*out_updated = found;
	return PW_OK;
}

static const void *col_blob(sqlite3_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(st, i);
	*n = (size_t)sqlite3_column_bytes(st, i);
	return p;
}

static void col_hash(sqlite3_stmt *st, int i, uint8_t out[32])
{
	size_t n;
	const void *p = col_blob(st, i, &n);
	memset(out, 0, 32);
	if (p != NULL && n == 32)
		memcpy(out, p, 32);
}

static enum pw_status ca_list(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
                              pw_store_publish_ca_fn fn, void *ctx, struct pw_error *err)
{
	int id = P_CA_ALL;
	sqlite3_stmt *st;
	enum pw_status ret = PW_OK;
	int rc;

	if (sel != NULL && sel->id > 0)
		id = P_CA_BY_ID;
	else if (sel != NULL && sel->name != NULL)
		id = P_CA_BY_NAME;
	else if (sel != NULL && sel->has_sha256)
		id = P_CA_BY_SHA;
	if ((st = stmt(s, id, err)) == NULL)
		return PW_ERR_STORE;
	if (id == P_CA_BY_ID)
		sqlite3_bind_int64(st, 1, sel->id);
	else if (id == P_CA_BY_NAME)
		sqlite3_bind_text(st, 1, sel->name, -1, SQLITE_STATIC);
	else if (id == P_CA_BY_SHA)
		sqlite3_bind_blob(st, 1, sel->sha256, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_publish_ca r;
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		r.name = (const char *)sqlite3_column_text(st, 1);
		col_hash(st, 2, r.cert_sha256);
		r.cert_der = col_blob(st, 3, &r.cert_len);
		col_hash(st, 4, r.subject_name_sha256);
		col_hash(st, 5, r.spki_sha256);
		r.ski = col_blob(st, 6, &r.ski_len);
		r.key_ref = (const char *)sqlite3_column_text(st, 7);
		r.crl_base_url = (const char *)sqlite3_column_text(st, 8);
		r.partitions = (unsigned)sqlite3_column_int64(st, 9);
		r.ocsp_url = (const char *)sqlite3_column_text(st, 10);
		r.responder_cert_der = col_blob(st, 11, &r.responder_cert_len);
		r.responder_key_ref = (const char *)sqlite3_column_text(st, 12);
		r.added_at = sqlite3_column_int64(st, 13);
		r.updated_at = sqlite3_column_int64(st, 14);
		r.next_crl_number = sqlite3_column_int64(st, 15);
		if (r.name == NULL || r.key_ref == NULL || r.cert_der == NULL) {
			ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "publish_ca",
			                   "registry row %lld is incomplete", (long long)r.id);
			break;
		}
		if (!fn(ctx, &r))
			break;
	}
	if (ret == PW_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "publish_ca");
	sqlite3_reset(st);
	return ret;
}

/* CRL numbers stay far below 2^63 (and BR 7.2.2's 2^159). */
#define NUMBER_MAX ((int64_t)1 << 62)

static enum pw_status reserve_numbers(struct pw_store *s, int64_t ca_id, uint64_t n,
                                      uint64_t *out_first, struct pw_error *err)
{
	int64_t next = 0;
	int rc;
	enum pw_status ret = PW_OK;
	sqlite3_stmt *st = stmt(s, P_NUM_GET, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, ca_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		next = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "ca", "no registered CA with id %lld",
		                   (long long)ca_id);
	else
		ret = pw_sqlite_xerr(s, err, "publish_ca");
	sqlite3_reset(st);
	if (ret != PW_OK)
		return ret;
	if (next < 1 || n > (uint64_t)(NUMBER_MAX - next))
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "crl_number",
		                    "CRL number counter of CA %lld is exhausted", (long long)ca_id);
	if ((st = stmt(s, P_NUM_SET, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, ca_id);
	sqlite3_bind_int64(st, 2, next + (int64_t)n);
	if ((ret = pw_sqlite_xrun(s, st, "publish_ca", err)) != PW_OK)
		return ret;
	*out_first = (uint64_t)next;
	return PW_OK;
}

static enum pw_status revoked_list(struct pw_store *s, const uint8_t issuer_name_sha256[32],
                                   const uint8_t *ski, size_t ski_len,
                                   pw_store_publish_revoked_fn fn, void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, ski != NULL ? P_REVOKED : P_REVOKED_ANY_AKI, err);
	enum pw_status ret = PW_OK;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, issuer_name_sha256, 32, SQLITE_STATIC);
	if (ski != NULL)
		sqlite3_bind_blob(st, 2, ski, (int)ski_len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_publish_revoked r;
		memset(&r, 0, sizeof r);
		r.cert_row = sqlite3_column_int64(st, 0);
		r.serial = col_blob(st, 1, &r.serial_len);
		r.not_after = sqlite3_column_int64(st, 2);
		r.revoked_at = sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
			r.has_reason = 1;
			r.reason = (unsigned)sqlite3_column_int(st, 4);
		}
		r.invalidity_date = sqlite3_column_int64(st, 5);
		r.expired_seen = sqlite3_column_int(st, 6);
		if (r.serial == NULL || r.serial_len == 0) {
			ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "certificate.serial",
			                   "certificate row %lld has an empty serial",
			                   (long long)r.cert_row);
			break;
		}
		if (!fn(ctx, &r))
			break;
	}
	if (ret == PW_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "revocation");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status expired_seen(struct pw_store *s, int64_t cert_row, int64_t ca_id,
                                   uint64_t number, int64_t at, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_EXPIRED_SEEN, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, cert_row);
	sqlite3_bind_int64(st, 2, ca_id);
	sqlite3_bind_int64(st, 3, (int64_t)number);
	sqlite3_bind_int64(st, 4, at);
	return pw_sqlite_xrun(s, st, "publish_expired_seen", err);
}

static enum pw_status crl_add(struct pw_store *s, const struct pw_store_publish_crl *c,
                              struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_CRL_ADD, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, c->ca_id);
	sqlite3_bind_int64(st, 2, (int64_t)c->number);
	sqlite3_bind_int(st, 3, c->partition);
	sqlite3_bind_int64(st, 4, c->this_update);
	sqlite3_bind_int64(st, 5, c->next_update);
	sqlite3_bind_int64(st, 6, (int64_t)c->entries);
	sqlite3_bind_blob(st, 7, c->sha256, 32, SQLITE_STATIC);
	pw_sqlite_bind_text_opt(st, 8, c->url);
	sqlite3_bind_int64(st, 9, c->published_at);
	return pw_sqlite_xrun(s, st, "publish_crl", err);
}

static enum pw_status crl_last(struct pw_store *s, int64_t ca_id, int partition,
                               struct pw_store_publish_crl *out, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_CRL_LAST, err);
	enum pw_status ret = PW_OK;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(st, 1, ca_id);
	sqlite3_bind_int(st, 2, partition);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->ca_id = ca_id;
		out->partition = partition;
		out->number = (uint64_t)sqlite3_column_int64(st, 0);
		out->this_update = sqlite3_column_int64(st, 1);
		out->next_update = sqlite3_column_int64(st, 2);
		out->entries = (uint64_t)sqlite3_column_int64(st, 3);
		col_hash(st, 4, out->sha256);
		out->published_at = sqlite3_column_int64(st, 5);
	} else if (rc == SQLITE_DONE) {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "crl",
		                   "no CRL of CA %lld partition %d was published", (long long)ca_id,
		                   partition);
	} else {
		ret = pw_sqlite_xerr(s, err, "publish_crl");
	}
	sqlite3_reset(st);
	return ret;
}

static enum pw_status generation(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_GEN, err);
	enum pw_status ret = PW_OK;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "publish_state", "the state row is missing");
	else
		ret = pw_sqlite_xerr(s, err, "publish_state");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status bump(struct pw_store *s, struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_BUMP, err);
	if (st == NULL)
		return PW_ERR_STORE;
	return pw_sqlite_xrun(s, st, "publish_state", err);
}

static enum pw_status changes_since(struct pw_store *s, uint64_t since,
                                    pw_store_publish_change_fn fn, void *ctx,
                                    struct pw_error *err)
{
	sqlite3_stmt *st = stmt(s, P_CHANGES, err);
	enum pw_status ret = PW_OK;
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_int64(st, 1, (int64_t)since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t h[32];
		col_hash(st, 1, h);
		if (!fn(ctx, (uint64_t)sqlite3_column_int64(st, 0), h))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = pw_sqlite_xerr(s, err, "publish_change");
	sqlite3_reset(st);
	return ret;
}

static enum pw_status set_invalidity(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                     struct pw_error *err)
{
	enum pw_status ret;
	sqlite3_stmt *st = stmt(s, P_INVALIDITY, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	if ((ret = pw_sqlite_xrun(s, st, "revocation", err)) != PW_OK)
		return ret;
	if (sqlite3_changes(pw_store_sqlite_get0_db(s)) == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "the certificate is not stored or not revoked");
	return PW_OK;
}

const struct pw_store_publish_ops pw_sqlite_publish_ops = {
	.close = publish_close,
	.ca_put = ca_put,
	.ca_list = ca_list,
	.reserve_numbers = reserve_numbers,
	.revoked_list = revoked_list,
	.expired_seen = expired_seen,
	.crl_add = crl_add,
	.crl_last = crl_last,
	.generation = generation,
	.bump = bump,
	.changes_since = changes_since,
	.set_invalidity = set_invalidity,
};
