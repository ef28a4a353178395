/* store/sqlite_inventory.c: the SQLite side of the inventory area (inventory_ops.h) and
 * schema migration 7: audit statements (CCADB Policy 5.2) with the SHA-256
 * fingerprints each lists (5.1), and the CCADB certificate records. */
#include <string.h>

#include "inventory_ops.h"
#include "pkiward/buf.h"
#include "sqlite_area.h"

/* Migration 7: reserved for the inventory area; appended to by the area's owner
 * until the first release, frozen after it.
 *
 * certificate_issuer_ca: an index on a migration-1 table (no column is
 * changed) so that "what did this CA identity issue" (leaf counts, unused CA
 * certificates) is an index range, not a scan of every certificate. */
const char pw_sqlite_migration_7[] =
	"CREATE TABLE audit_statement ("
	" id INTEGER PRIMARY KEY,"
	" digest BLOB NOT NULL UNIQUE,"
	" auditor TEXT NOT NULL,"
	" scheme TEXT NOT NULL,"
	" type TEXT NOT NULL,"
	" period_start INTEGER NOT NULL,"
	" period_end INTEGER NOT NULL,"
	" statement_date INTEGER NOT NULL,"
	" url TEXT,"
	" source TEXT NOT NULL,"
	" added_at INTEGER NOT NULL,"
	" CHECK (period_start <= period_end));"
	"CREATE TABLE audit_scope ("
	" statement_id INTEGER NOT NULL REFERENCES audit_statement (id),"
	" sha256 BLOB NOT NULL,"
	" PRIMARY KEY (statement_id, sha256)) WITHOUT ROWID;"
	"CREATE INDEX audit_scope_sha256 ON audit_scope (sha256);"
	"CREATE TABLE ccadb_record ("
	" sha256 BLOB PRIMARY KEY,"
	" parent_sha256 BLOB,"
	" name TEXT, owner TEXT, record_type TEXT, revocation_status TEXT, trust_bits TEXT,"
	" valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,"
	" technically_constrained INTEGER NOT NULL,"
	" imported_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX certificate_issuer_ca ON certificate (issuer_ca_id, is_ca, precert);";

enum {
	I_AUDIT_FIND,
	I_AUDIT_INS,
	I_SCOPE_INS,
	I_AUDIT_LIST,
	I_SCOPE_LIST,
	I_CCADB_PUT,
	I_CCADB_LIST,
	I_CA_LIST,
	I_ISSUED,
	I_COUNT_
};

static const char *const isql[I_COUNT_] = {
	[I_AUDIT_FIND] = "SELECT id FROM audit_statement WHERE digest = ?",
	[I_AUDIT_INS] = "INSERT INTO audit_statement (digest, auditor, scheme, type, period_start,"
	                " period_end, statement_date, url, source, added_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[I_SCOPE_INS] = "INSERT INTO audit_scope (statement_id, sha256) VALUES (?, ?)"
	                " ON CONFLICT DO NOTHING",
	[I_AUDIT_LIST] = "SELECT a.id, a.digest, a.auditor, a.scheme, a.type, a.period_start,"
	                 " a.period_end, a.statement_date, a.url, a.source, a.added_at,"
	                 " (SELECT COUNT(*) FROM audit_scope s WHERE s.statement_id = a.id)"
	                 " FROM audit_statement a ORDER BY a.type, a.period_start, a.id",
	[I_SCOPE_LIST] = "SELECT statement_id, sha256 FROM audit_scope ORDER BY statement_id",
	[I_CCADB_PUT] = "INSERT OR REPLACE INTO ccadb_record (sha256, parent_sha256, name, owner,"
	                " record_type, revocation_status, trust_bits, valid_from, valid_to,"
	                " technically_constrained, imported_at)"
	                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[I_CCADB_LIST] = "SELECT sha256, parent_sha256, name, owner, record_type, revocation_status,"
	                 " trust_bits, valid_from, valid_to, technically_constrained, imported_at"
	                 " FROM ccadb_record ORDER BY sha256",
	[I_CA_LIST] = "SELECT c.sha256, c.ca_id, COALESCE(c.issuer_ca_id, 0), a.subject_name_sha256,"
	              " c.spki_sha256, c.issuer_name_sha256, c.subject, c.issuer, c.serial,"
	              " c.not_before, c.not_after, r.revoked_at, d.der"
	              " FROM certificate c JOIN ca a ON a.id = c.ca_id"
	              " JOIN certificate_der d ON d.cert_id = c.id"
	              " LEFT JOIN revocation r ON r.cert_id = c.id"
	              " WHERE c.is_ca = 1 AND c.precert = 0 ORDER BY c.id",
	/* A self-signed CA certificate is issued by its own identity; it is not
	 * something that identity "used" its key for. */
	[I_ISSUED] = "SELECT issuer_ca_id, SUM(is_ca = 0 AND precert = 0), SUM(precert),"
	             " SUM(is_ca = 1 AND precert = 0 AND (ca_id IS NULL OR ca_id <> issuer_ca_id))"
	             " FROM certificate WHERE issuer_ca_id IS NOT NULL GROUP BY issuer_ca_id",
};

static sqlite3_stmt *ist(struct pw_store *s, int id, struct pw_error *err)
{
	return pw_sqlite_area_stmt(s, PW_STORE_AREA_INVENTORY, isql, I_COUNT_, (size_t)id, err);
}

static void inv_close(struct pw_store *s)
{
	pw_sqlite_area_close(s, PW_STORE_AREA_INVENTORY);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int col_hash(sqlite3_stmt *st, int i, uint8_t out[32])
{
	if (sqlite3_column_type(st, i) != SQLITE_BLOB || sqlite3_column_bytes(st, i) != 32)
		return 0;
	memcpy(out, sqlite3_column_blob(st, i), 32);
	return 1;
}

static enum pw_status audit_put(struct pw_store *s, const struct pw_store_audit_statement *a,
                                const uint8_t *fps, size_t n, int64_t *out_id, int *out_inserted,
                                struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_AUDIT_FIND, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, a->digest, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return PW_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pw_sqlite_xerr(s, err, "audit_statement");
	if ((st = ist(s, I_AUDIT_INS, err)) == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, a->digest, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->auditor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->scheme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, a->period_start);
	sqlite3_bind_int64(st, 6, a->period_end);
	sqlite3_bind_int64(st, 7, a->statement_date);
	pw_sqlite_bind_text_opt(st, 8, a->url);
	sqlite3_bind_text(st, 9, a->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, a->added_at);
	enum pw_status ret = pw_sqlite_xrun(s, st, "audit_statement", err);
	if (ret != PW_OK)
		return ret;
	*out_id = sqlite3_last_insert_rowid(pw_store_sqlite_get0_db(s));
	for (size_t i = 0; i < n; i++) {
		if ((st = ist(s, I_SCOPE_INS, err)) == NULL)
			return PW_ERR_STORE;
		sqlite3_bind_int64(st, 1, *out_id);
		sqlite3_bind_blob(st, 2, fps + 32 * i, 32, SQLITE_STATIC);
		if ((ret = pw_sqlite_xrun(s, st, "audit_scope", err)) != PW_OK)
			return ret;
	}
	*out_inserted = 1;
	return PW_OK;
}

static enum pw_status audit_list(struct pw_store *s, pw_store_audit_fn fn, void *ctx,
                                 struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_AUDIT_LIST, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_audit_statement a;
		memset(&a, 0, sizeof a);
		a.id = sqlite3_column_int64(st, 0);
		col_hash(st, 1, a.digest);
		a.auditor = col_text(st, 2);
		a.scheme = col_text(st, 3);
		a.type = col_text(st, 4);
		a.period_start = sqlite3_column_int64(st, 5);
		a.period_end = sqlite3_column_int64(st, 6);
		a.statement_date = sqlite3_column_int64(st, 7);
		a.url = col_text(st, 8);
		a.source = col_text(st, 9);
		a.added_at = sqlite3_column_int64(st, 10);
		a.n_scope = (uint64_t)sqlite3_column_int64(st, 11);
		if (!fn(ctx, &a)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "audit_statement");
}

static enum pw_status audit_scope_list(struct pw_store *s, pw_store_audit_scope_fn fn, void *ctx,
                                       struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_SCOPE_LIST, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t h[32];
		if (!col_hash(st, 1, h))
			continue;
		if (!fn(ctx, sqlite3_column_int64(st, 0), h)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "audit_scope");
}

static enum pw_status ccadb_record_put(struct pw_store *s, const struct pw_store_ccadb_record *r,
                                       struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_CCADB_PUT, err);
	if (st == NULL)
		return PW_ERR_STORE;
	sqlite3_bind_blob(st, 1, r->sha256, 32, SQLITE_STATIC);
	pw_sqlite_bind_blob_opt(st, 2, r->has_parent ? r->parent_sha256 : NULL, 32);
	pw_sqlite_bind_text_opt(st, 3, r->name);
	pw_sqlite_bind_text_opt(st, 4, r->owner);
	pw_sqlite_bind_text_opt(st, 5, r->record_type);
	pw_sqlite_bind_text_opt(st, 6, r->revocation_status);
	pw_sqlite_bind_text_opt(st, 7, r->trust_bits);
	sqlite3_bind_int64(st, 8, r->valid_from);
	sqlite3_bind_int64(st, 9, r->valid_to);
	sqlite3_bind_int(st, 10, r->technically_constrained != 0);
	sqlite3_bind_int64(st, 11, r->imported_at);
	return pw_sqlite_xrun(s, st, "ccadb_record", err);
}

static enum pw_status ccadb_record_list(struct pw_store *s, pw_store_ccadb_record_fn fn,
                                        void *ctx, struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_CCADB_LIST, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_ccadb_record r;
		memset(&r, 0, sizeof r);
		if (!col_hash(st, 0, r.sha256))
			continue;
		r.has_parent = col_hash(st, 1, r.parent_sha256);
		r.name = col_text(st, 2);
		r.owner = col_text(st, 3);
		r.record_type = col_text(st, 4);
		r.revocation_status = col_text(st, 5);
		r.trust_bits = col_text(st, 6);
		r.valid_from = sqlite3_column_int64(st, 7);
		r.valid_to = sqlite3_column_int64(st, 8);
		r.technically_constrained = sqlite3_column_int(st, 9);
		r.imported_at = sqlite3_column_int64(st, 10);
		if (!fn(ctx, &r)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "ccadb_record");
}

static enum pw_status ca_cert_list(struct pw_store *s, pw_store_ca_cert_fn fn, void *ctx,
                                   struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_CA_LIST, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_store_ca_cert c;
		char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
		memset(&c, 0, sizeof c);
		col_hash(st, 0, c.sha256);
		c.ca_id = sqlite3_column_int64(st, 1);
		c.issuer_ca_id = sqlite3_column_int64(st, 2);
		col_hash(st, 3, c.subject_name_sha256);
		col_hash(st, 4, c.spki_sha256);
		col_hash(st, 5, c.issuer_name_sha256);
		c.subject = col_text(st, 6);
		c.issuer = col_text(st, 7);
		size_t sl = (size_t)sqlite3_column_bytes(st, 8);
		if (sl > PW_STORE_MAX_SERIAL)
			sl = PW_STORE_MAX_SERIAL;
		pw_hex_encode(sqlite3_column_blob(st, 8), sl, serial_hex);
		c.serial_hex = serial_hex;
		c.not_before = sqlite3_column_int64(st, 9);
		c.not_after = sqlite3_column_int64(st, 10);
		c.revoked = sqlite3_column_type(st, 11) != SQLITE_NULL;
		c.revoked_at = c.revoked ? sqlite3_column_int64(st, 11) : 0;
		c.der = sqlite3_column_blob(st, 12);
		c.der_len = (size_t)sqlite3_column_bytes(st, 12);
		if (!fn(ctx, &c)) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "certificate");
}

static enum pw_status issued_counts(struct pw_store *s, pw_store_issued_fn fn, void *ctx,
                                    struct pw_error *err)
{
	sqlite3_stmt *st = ist(s, I_ISSUED, err);
	int rc;
	if (st == NULL)
		return PW_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!fn(ctx, sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
		        (uint64_t)sqlite3_column_int64(st, 2), (uint64_t)sqlite3_column_int64(st, 3))) {
			sqlite3_reset(st);
			return PW_OK;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PW_OK : pw_sqlite_xerr(s, err, "certificate");
}

const struct pw_store_inventory_ops pw_sqlite_inventory_ops = {
	.close = inv_close,
	.audit_put = audit_put,
	.audit_list = audit_list,
	.audit_scope_list = audit_scope_list,
	.ccadb_record_put = ccadb_record_put,
	.ccadb_record_list = ccadb_record_list,
	.ca_cert_list = ca_cert_list,
	.issued_counts = issued_counts,
};
