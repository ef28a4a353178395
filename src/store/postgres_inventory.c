/* store/postgres_inventory.c: the PostgreSQL side of the inventory area
 * (inventory_ops.h) and schema migration 7: audit statements (CCADB Policy
 * 5.2) with the SHA-256 fingerprints each lists (5.1), and the CCADB
 * certificate records. Same tables and indexes as sqlite_inventory.c,
 * including certificate_issuer_ca on migration 1's certificate table (an
 * index only, no column changed). Text ordering uses COLLATE "C" (byte
 * order, as SQLite's BINARY collation), so listings match on both
 * backends. */
#include <string.h>

#include "inventory_ops.h"
#include "pkiward/buf.h"
#include "postgres_internal.h"

const char pw_pg_migration_inventory[] =
	"CREATE TABLE audit_statement ("
	" id BIGSERIAL PRIMARY KEY,"
	" digest BYTEA NOT NULL UNIQUE,"
	" auditor TEXT NOT NULL,"
	" scheme TEXT NOT NULL,"
	" type TEXT COLLATE \"C\" NOT NULL,"
	" period_start BIGINT NOT NULL,"
	" period_end BIGINT NOT NULL,"
	" statement_date BIGINT NOT NULL,"
	" url TEXT,"
	" source TEXT NOT NULL,"
	" added_at BIGINT NOT NULL,"
	" CHECK (period_start <= period_end));"
	"CREATE TABLE audit_scope ("
	" statement_id BIGINT NOT NULL REFERENCES audit_statement (id),"
	" sha256 BYTEA NOT NULL,"
	" PRIMARY KEY (statement_id, sha256));"
	"CREATE INDEX audit_scope_sha256 ON audit_scope (sha256);"
	"CREATE TABLE ccadb_record ("
	" sha256 BYTEA PRIMARY KEY,"
	" parent_sha256 BYTEA,"
	" name TEXT, owner TEXT, record_type TEXT, revocation_status TEXT, trust_bits TEXT,"
	" valid_from BIGINT NOT NULL, valid_to BIGINT NOT NULL,"
	" technically_constrained BIGINT NOT NULL,"
	" imported_at BIGINT NOT NULL);"
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

static const char *const SQL[I_COUNT_] = {
	[I_AUDIT_FIND] = "SELECT id FROM audit_statement WHERE digest = $1",
	[I_AUDIT_INS] = "INSERT INTO audit_statement (digest, auditor, scheme, type, period_start,"
	                " period_end, statement_date, url, source, added_at)"
	                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
	/* The fingerprints travel as one bytea array: one round trip per
	 * statement, however many CA certificates it lists. */
	[I_SCOPE_INS] = "INSERT INTO audit_scope (statement_id, sha256)"
	                " SELECT $1, substring($2 FROM 1 + 32 * i FOR 32)"
	                " FROM generate_series(0, $3::integer - 1) AS i ORDER BY i"
	                " ON CONFLICT DO NOTHING",
	[I_AUDIT_LIST] = "SELECT a.id, a.digest, a.auditor, a.scheme, a.type, a.period_start,"
	                 " a.period_end, a.statement_date, a.url, a.source, a.added_at,"
	                 " (SELECT COUNT(*) FROM audit_scope s WHERE s.statement_id = a.id)"
	                 " FROM audit_statement a ORDER BY a.type, a.period_start, a.id",
	/* SQLite returns equal statement ids in primary-key order. */
	[I_SCOPE_LIST] = "SELECT statement_id, sha256 FROM audit_scope ORDER BY statement_id, sha256",
	/* INSERT OR REPLACE on SQLite. */
	[I_CCADB_PUT] = "INSERT INTO ccadb_record (sha256, parent_sha256, name, owner,"
	                " record_type, revocation_status, trust_bits, valid_from, valid_to,"
	                " technically_constrained, imported_at)"
	                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
	                " ON CONFLICT (sha256) DO UPDATE SET parent_sha256 = EXCLUDED.parent_sha256,"
	                " name = EXCLUDED.name, owner = EXCLUDED.owner,"
	                " record_type = EXCLUDED.record_type,"
	                " revocation_status = EXCLUDED.revocation_status,"
	                " trust_bits = EXCLUDED.trust_bits, valid_from = EXCLUDED.valid_from,"
	                " valid_to = EXCLUDED.valid_to,"
	                " technically_constrained = EXCLUDED.technically_constrained,"
	                " imported_at = EXCLUDED.imported_at",
	[I_CCADB_LIST] = "SELECT sha256, parent_sha256, name, owner, record_type, revocation_status,"
	                 " trust_bits, valid_from, valid_to, technically_constrained, imported_at"
	                 " FROM ccadb_record ORDER BY sha256",
	[I_CA_LIST] = "SELECT c.sha256, c.ca_id, COALESCE(c.issuer_ca_id, 0), a.subject_name_sha256,"
	              " c.spki_sha256, c.issuer_name_sha256, c.subject, c.issuer, c.serial,"
	              " c.not_before, c.not_after, r.revoked_at, d.der"
	              " FROM certificate c JOIN ca a ON a.id = c.ca_id"
	              /* not_after: certificate_der's partition key (migration 12) */
	              " JOIN certificate_der d ON d.cert_id = c.id AND d.not_after = c.not_after"
	              " LEFT JOIN revocation r ON r.cert_id = c.id"
	              " WHERE c.is_ca = 1 AND c.precert = 0 ORDER BY c.id",
	/* A self-signed CA certificate is issued by its own identity; it is not
	 * something that identity "used" its key for. */
	[I_ISSUED] = "SELECT issuer_ca_id, COUNT(*) FILTER (WHERE is_ca = 0 AND precert = 0),"
	             " COUNT(*) FILTER (WHERE precert = 1),"
	             " COUNT(*) FILTER (WHERE is_ca = 1 AND precert = 0"
	             " AND (ca_id IS NULL OR ca_id <> issuer_ca_id))"
	             " FROM certificate WHERE issuer_ca_id IS NOT NULL GROUP BY issuer_ca_id"
	             " ORDER BY issuer_ca_id",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_INVENTORY, SQL, I_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                         \
	pw_pg_area_cmd(s, PW_STORE_AREA_INVENTORY, SQL, I_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

/* Fingerprints of one statement at most (one bytea parameter). */
#define SCOPE_MAX ((size_t)1 << 20)

static void inv_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_INVENTORY);
}

static enum pw_status audit_put(struct pw_store *s, const struct pw_store_audit_statement *a,
                                const uint8_t *fps, size_t n, int64_t *out_id, int *out_inserted,
                                struct pw_error *err)
{
	enum pw_status ret;
	PGresult *r = RUN(I_AUDIT_FIND, "audit_statement", "h", a->digest);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		*out_id = pw_pg_int(r, 0, 0);
		PQclear(r);
		return PW_OK;
	}
	PQclear(r);
	if (n > SCOPE_MAX)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "scope",
		                    "%zu fingerprints in one statement (limit %zu)", n, SCOPE_MAX);
	if ((r = RUN(I_AUDIT_INS, "audit_statement", "htttiiitti", a->digest, a->auditor, a->scheme,
	             a->type, a->period_start, a->period_end, a->statement_date, a->url, a->source,
	             a->added_at)) == NULL)
		return PW_ERR_STORE;
	*out_id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	if (n > 0 &&
	    (ret = CMD(I_SCOPE_INS, "audit_scope", NULL, "ibi", *out_id, (const void *)fps, 32 * n,
	               (int64_t)n)) != PW_OK)
		return ret;
	*out_inserted = 1;
	return PW_OK;
}

static enum pw_status audit_list(struct pw_store *s, pw_store_audit_fn fn, void *ctx,
                                 struct pw_error *err)
{
	PGresult *r = RUN(I_AUDIT_LIST, "audit_statement", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_audit_statement a;
		memset(&a, 0, sizeof a);
		a.id = pw_pg_int(r, i, 0);
		pw_pg_hash(r, i, 1, a.digest);
		a.auditor = pw_pg_text(r, i, 2);
		a.scheme = pw_pg_text(r, i, 3);
		a.type = pw_pg_text(r, i, 4);
		a.period_start = pw_pg_int(r, i, 5);
		a.period_end = pw_pg_int(r, i, 6);
		a.statement_date = pw_pg_int(r, i, 7);
		a.url = pw_pg_text(r, i, 8);
		a.source = pw_pg_text(r, i, 9);
		a.added_at = pw_pg_int(r, i, 10);
		a.n_scope = (uint64_t)pw_pg_int(r, i, 11);
		if (!fn(ctx, &a))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status audit_scope_list(struct pw_store *s, pw_store_audit_scope_fn fn, void *ctx,
                                       struct pw_error *err)
{
	PGresult *r = RUN(I_SCOPE_LIST, "audit_scope", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		uint8_t h[32];
		if (!pw_pg_hash(r, i, 1, h))
			continue;
		if (!fn(ctx, pw_pg_int(r, i, 0), h))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status ccadb_record_put(struct pw_store *s, const struct pw_store_ccadb_record *r,
                                       struct pw_error *err)
{
	return CMD(I_CCADB_PUT, "ccadb_record", NULL, "hbtttttiiii", r->sha256,
	           (const void *)(r->has_parent ? r->parent_sha256 : NULL), (size_t)32, r->name,
	           r->owner, r->record_type, r->revocation_status, r->trust_bits, r->valid_from,
	           r->valid_to, (int64_t)(r->technically_constrained != 0), r->imported_at);
}

static enum pw_status ccadb_record_list(struct pw_store *s, pw_store_ccadb_record_fn fn,
                                        void *ctx, struct pw_error *err)
{
	PGresult *res = RUN(I_CCADB_LIST, "ccadb_record", "");
	if (res == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(res); i++) {
		struct pw_store_ccadb_record r;
		memset(&r, 0, sizeof r);
		if (!pw_pg_hash(res, i, 0, r.sha256))
			continue;
		r.has_parent = pw_pg_hash(res, i, 1, r.parent_sha256);
		r.name = pw_pg_text(res, i, 2);
		r.owner = pw_pg_text(res, i, 3);
		r.record_type = pw_pg_text(res, i, 4);
		r.revocation_status = pw_pg_text(res, i, 5);
		r.trust_bits = pw_pg_text(res, i, 6);
		r.valid_from = pw_pg_int(res, i, 7);
		r.valid_to = pw_pg_int(res, i, 8);
		r.technically_constrained = (int)pw_pg_int(res, i, 9);
		r.imported_at = pw_pg_int(res, i, 10);
		if (!fn(ctx, &r))
			break;
	}
	PQclear(res);
	return PW_OK;
}

static enum pw_status ca_cert_list(struct pw_store *s, pw_store_ca_cert_fn fn, void *ctx,
                                   struct pw_error *err)
{
	PGresult *r = RUN(I_CA_LIST, "certificate", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_ca_cert c;
		char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
		size_t sl;
		memset(&c, 0, sizeof c);
		pw_pg_hash(r, i, 0, c.sha256);
		c.ca_id = pw_pg_int(r, i, 1);
		c.issuer_ca_id = pw_pg_int(r, i, 2);
		pw_pg_hash(r, i, 3, c.subject_name_sha256);
		pw_pg_hash(r, i, 4, c.spki_sha256);
		pw_pg_hash(r, i, 5, c.issuer_name_sha256);
		c.subject = pw_pg_text(r, i, 6);
		c.issuer = pw_pg_text(r, i, 7);
		const void *serial = pw_pg_blob(r, i, 8, &sl);
		if (sl > PW_STORE_MAX_SERIAL)
			sl = PW_STORE_MAX_SERIAL;
		pw_hex_encode(serial, sl, serial_hex);
		c.serial_hex = serial_hex;
		c.not_before = pw_pg_int(r, i, 9);
		c.not_after = pw_pg_int(r, i, 10);
		c.revoked = !pw_pg_null(r, i, 11);
		c.revoked_at = c.revoked ? pw_pg_int(r, i, 11) : 0;
		c.der = pw_pg_blob(r, i, 12, &c.der_len);
		if (!fn(ctx, &c))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status issued_counts(struct pw_store *s, pw_store_issued_fn fn, void *ctx,
                                    struct pw_error *err)
{
	PGresult *r = RUN(I_ISSUED, "certificate", "");
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++)
		if (!fn(ctx, pw_pg_int(r, i, 0), (uint64_t)pw_pg_int(r, i, 1),
		        (uint64_t)pw_pg_int(r, i, 2), (uint64_t)pw_pg_int(r, i, 3)))
			break;
	PQclear(r);
	return PW_OK;
}

const struct pw_store_inventory_ops pw_pg_inventory_ops = {
	.close = inv_close,
	.audit_put = audit_put,
	.audit_list = audit_list,
	.audit_scope_list = audit_scope_list,
	.ccadb_record_put = ccadb_record_put,
	.ccadb_record_list = ccadb_record_list,
	.ca_cert_list = ca_cert_list,
	.issued_counts = issued_counts,
};
