/* store/postgres_publish.c: the PostgreSQL side of the publish area
 * (publish_ops.h, store_publish.h) and schema migration 3: the CA registry,
 * CRL numbers, published CRLs and the change generation publishers poll.
 *
 * Same tables, columns and indexes as sqlite_publish.c (integers are
 * BIGINT epoch seconds, blobs BYTEA). The change generation is kept by
 * plpgsql triggers on the revocation table, as SQLite's triggers do, so a
 * revocation written by any node moves it in the same transaction.
 *
 * CRL numbers: several nodes may publish for one CA. A reservation is one
 * UPDATE ... RETURNING on the CA's row, which holds the row lock to the end
 * of the reserving transaction: a second node's reservation waits and then
 * reads the first one's committed counter, so no number is handed out twice
 * and every later reservation is higher (RFC 5280 §5.2.3: monotonically
 * increasing; BR 7.2.2). The (ca_id, number) primary key of publish_crl
 * would refuse a duplicate even so. */
#include <string.h>

#include "postgres_internal.h"
#include "publish_ops.h"

const char pw_pg_migration_publish[] =
	"CREATE TABLE publish_ca ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" cert_sha256 BYTEA NOT NULL UNIQUE,"
	" cert_der BYTEA NOT NULL,"
	" subject_name_sha256 BYTEA NOT NULL,"
	" spki_sha256 BYTEA NOT NULL,"
	" ski BYTEA,"
	" key_ref TEXT NOT NULL,"
	" crl_base_url TEXT,"
	" partitions BIGINT NOT NULL CHECK (partitions >= 1),"
	" ocsp_url TEXT,"
	" responder_cert_der BYTEA,"
	" responder_key_ref TEXT,"
	" added_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" next_crl_number BIGINT NOT NULL CHECK (next_crl_number >= 1));"
	"CREATE TABLE publish_crl ("
	" ca_id BIGINT NOT NULL REFERENCES publish_ca (id),"
	" number BIGINT NOT NULL,"
	" partition BIGINT NOT NULL,"
	" this_update BIGINT NOT NULL,"
	" next_update BIGINT NOT NULL,"
	" entries BIGINT NOT NULL,"
	" sha256 BYTEA NOT NULL,"
	" url TEXT,"
	" published_at BIGINT NOT NULL,"
	" PRIMARY KEY (ca_id, number));"
	"CREATE INDEX publish_crl_scope ON publish_crl (ca_id, partition, number);"
	"CREATE TABLE publish_expired_seen ("
	" cert_id BIGINT PRIMARY KEY REFERENCES certificate (id),"
	" ca_id BIGINT NOT NULL,"
	" crl_number BIGINT NOT NULL,"
	" at BIGINT NOT NULL);"
	"CREATE TABLE publish_state ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" generation BIGINT NOT NULL);"
	"INSERT INTO publish_state (one, generation) VALUES (1, 0);"
	"CREATE TABLE publish_change ("
	" generation BIGINT PRIMARY KEY,"
	" cert_id BIGINT NOT NULL);"
	/* RFC 5280 §5.3.2: the invalidity date belongs to the revocation (the
	 * lead's table of migration 2, as on SQLite). */
	"ALTER TABLE revocation ADD COLUMN invalidity_date BIGINT;"
	/* The generation row is updated first: its row lock orders concurrent
	 * revocations of several nodes, so generations are handed out once. */
	"CREATE FUNCTION publish_revocation_changed() RETURNS trigger LANGUAGE plpgsql AS $f$"
	" BEGIN"
	"  UPDATE publish_state SET generation = generation + 1 WHERE one = 1;"
	"  INSERT INTO publish_change (generation, cert_id)"
	"   SELECT generation, CASE WHEN TG_OP = 'DELETE' THEN OLD.cert_id ELSE NEW.cert_id END"
	"   FROM publish_state WHERE one = 1;"
	"  RETURN NULL;"
	" END $f$;"
	"CREATE TRIGGER publish_revocation_insert AFTER INSERT ON revocation"
	" FOR EACH ROW EXECUTE FUNCTION publish_revocation_changed();"
	"CREATE TRIGGER publish_revocation_update"
	" AFTER UPDATE OF revoked_at, reason, invalidity_date ON revocation"
	" FOR EACH ROW EXECUTE FUNCTION publish_revocation_changed();"
	"CREATE TRIGGER publish_revocation_delete AFTER DELETE ON revocation"
	" FOR EACH ROW EXECUTE FUNCTION publish_revocation_changed();";

enum {
	P_CA_FIND_SHA,
	P_CA_FIND_NAME,
	P_CA_INS,
	P_CA_UPD,
	P_CA_ALL,
	P_CA_BY_ID,
	P_CA_BY_NAME,
	P_CA_BY_SHA,
	P_NUM_TAKE,
	P_NUM_GET,
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

/* CRL numbers stay far below 2^63 (and BR 7.2.2's 2^159), as on SQLite. */
#define NUMBER_MAX ((int64_t)1 << 62)

static const char *const SQL[P_COUNT_] = {
	[P_CA_FIND_SHA] = "SELECT id FROM publish_ca WHERE cert_sha256 = $1",
	[P_CA_FIND_NAME] = "SELECT id FROM publish_ca WHERE name = $1",
	[P_CA_INS] = "INSERT INTO publish_ca (name, cert_sha256, cert_der, subject_name_sha256,"
	             " spki_sha256, ski, key_ref, crl_base_url, partitions, ocsp_url,"
	             " responder_cert_der, responder_key_ref, added_at, updated_at, next_crl_number)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1)"
	             " RETURNING id",
	[P_CA_UPD] = "UPDATE publish_ca SET name = $1, cert_der = $3, subject_name_sha256 = $4,"
	             " spki_sha256 = $5, ski = $6, key_ref = $7, crl_base_url = $8,"
	             " partitions = $9, ocsp_url = $10, responder_cert_der = $11,"
	             " responder_key_ref = $12, updated_at = $13 WHERE cert_sha256 = $2"
	             " RETURNING id",
	[P_CA_ALL] = "SELECT " CA_COLS " ORDER BY id",
	[P_CA_BY_ID] = "SELECT " CA_COLS " WHERE id = $1",
	[P_CA_BY_NAME] = "SELECT " CA_COLS " WHERE name = $1",
	[P_CA_BY_SHA] = "SELECT " CA_COLS " WHERE cert_sha256 = $1",
	/* One statement, one row lock held to commit (see the top of file). */
	[P_NUM_TAKE] = "UPDATE publish_ca SET next_crl_number = next_crl_number + $2"
	               " WHERE id = $1 AND next_crl_number >= 1 AND next_crl_number <= $3 - $2"
	               " RETURNING next_crl_number - $2",
	[P_NUM_GET] = "SELECT next_crl_number FROM publish_ca WHERE id = $1",
	[P_REVOKED] = "SELECT c.id, c.serial, c.not_after, r.revoked_at, r.reason,"
	              " r.invalidity_date, e.cert_id IS NOT NULL"
	              " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	              " LEFT JOIN publish_expired_seen e ON e.cert_id = c.id"
	              " WHERE c.issuer_name_sha256 = $1 AND (c.aki IS NULL OR c.aki = $2)",
	[P_REVOKED_ANY_AKI] = "SELECT c.id, c.serial, c.not_after, r.revoked_at, r.reason,"
	                      " r.invalidity_date, e.cert_id IS NOT NULL"
	                      " FROM revocation r JOIN certificate c ON c.id = r.cert_id"
	                      " LEFT JOIN publish_expired_seen e ON e.cert_id = c.id"
	                      " WHERE c.issuer_name_sha256 = $1",
	[P_EXPIRED_SEEN] = "INSERT INTO publish_expired_seen (cert_id, ca_id, crl_number, at)"
	                   " VALUES ($1, $2, $3, $4) ON CONFLICT (cert_id) DO NOTHING",
	[P_CRL_ADD] = "INSERT INTO publish_crl (ca_id, number, partition, this_update, next_update,"
	              " entries, sha256, url, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
	              " $9)",
	[P_CRL_LAST] = "SELECT number, this_update, next_update, entries, sha256, published_at"
	               " FROM publish_crl WHERE ca_id = $1 AND partition = $2"
	               " ORDER BY number DESC LIMIT 1",
	[P_GEN] = "SELECT generation FROM publish_state WHERE one = 1",
	[P_BUMP] = "UPDATE publish_state SET generation = generation + 1 WHERE one = 1",
	[P_CHANGES] = "SELECT p.generation, c.sha256 FROM publish_change p"
	              " JOIN certificate c ON c.id = p.cert_id"
	              " WHERE p.generation > $1 ORDER BY p.generation",
	[P_INVALIDITY] = "UPDATE revocation SET invalidity_date = $2"
	                 " WHERE cert_id = (SELECT id FROM certificate WHERE sha256 = $1)",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_PUBLISH, SQL, P_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                       \
	pw_pg_area_cmd(s, PW_STORE_AREA_PUBLISH, SQL, P_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

static void publish_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_PUBLISH);
}

/* A one-column id lookup: *found 0 when no row. */
static enum pw_status lookup_id(PGresult *r, int64_t *out, int *found)
{
	if (r == NULL)
		return PW_ERR_STORE;
	*found = PQntuples(r) > 0;
	*out = *found ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status ca_put(struct pw_store *s, const struct pw_store_publish_ca *r, int replace,
                             int64_t *out_id, int *out_updated, struct pw_error *err)
{
	int64_t id = 0, other = 0;
	int found, name_found;
	enum pw_status ret;
	PGresult *res;

	if ((ret = lookup_id(RUN(P_CA_FIND_SHA, "publish_ca", "h", r->cert_sha256), &id,
	                     &found)) != PW_OK ||
	    (ret = lookup_id(RUN(P_CA_FIND_NAME, "publish_ca", "t", r->name), &other,
	                     &name_found)) != PW_OK)
		return ret;
	if (found && !replace)
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "cert",
		                    "this CA certificate is already registered (id %lld); use --replace "
		                    "to change its settings", (long long)id);
	if (name_found && (!found || other != id))
		return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "name",
		                    "another registered CA (id %lld) is named \"%s\"", (long long)other,
		                    r->name);
	res = RUN(found ? P_CA_UPD : P_CA_INS, "publish_ca", "thbhhbttitbti", r->name,
	          r->cert_sha256, (const void *)r->cert_der, r->cert_len, r->subject_name_sha256,
	          r->spki_sha256, (const void *)r->ski, r->ski_len, r->key_ref, r->crl_base_url,
	          (int64_t)r->partitions, r->ocsp_url, (const void *)r->responder_cert_der,
	          r->responder_cert_len, r->responder_key_ref,
	          (int64_t)(found ? r->updated_at : r->added_at));
	if (res == NULL)
		return PW_ERR_STORE;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "publish_ca",
		                    "the registry row vanished while being written");
	}
	*out_id = pw_pg_int(res, 0, 0);
	PQclear(res);
	if (out_updated != NULL)
		*out_updated = found;
	return PW_OK;
}

static enum pw_status ca_list(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
                              pw_store_publish_ca_fn fn, void *ctx, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *res;

	if (sel != NULL && sel->id > 0)
		res = RUN(P_CA_BY_ID, "publish_ca", "i", (int64_t)sel->id);
	else if (sel != NULL && sel->name != NULL)
		res = RUN(P_CA_BY_NAME, "publish_ca", "t", sel->name);
	else if (sel != NULL && sel->has_sha256)
		res = RUN(P_CA_BY_SHA, "publish_ca", "h", sel->sha256);
	else
		res = RUN(P_CA_ALL, "publish_ca", "");
	if (res == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(res); i++) {
		struct pw_store_publish_ca r;
		memset(&r, 0, sizeof r);
		r.id = pw_pg_int(res, i, 0);
		r.name = pw_pg_text(res, i, 1);
		pw_pg_hash(res, i, 2, r.cert_sha256);
		r.cert_der = pw_pg_blob(res, i, 3, &r.cert_len);
		pw_pg_hash(res, i, 4, r.subject_name_sha256);
		pw_pg_hash(res, i, 5, r.spki_sha256);
		r.ski = pw_pg_blob(res, i, 6, &r.ski_len);
		r.key_ref = pw_pg_text(res, i, 7);
		r.crl_base_url = pw_pg_text(res, i, 8);
		r.partitions = (unsigned)pw_pg_int(res, i, 9);
		r.ocsp_url = pw_pg_text(res, i, 10);
		r.responder_cert_der = pw_pg_blob(res, i, 11, &r.responder_cert_len);
		r.responder_key_ref = pw_pg_text(res, i, 12);
		r.added_at = pw_pg_int(res, i, 13);
		r.updated_at = pw_pg_int(res, i, 14);
		r.next_crl_number = pw_pg_int(res, i, 15);
		if (r.name == NULL || r.key_ref == NULL || r.cert_der == NULL) {
			ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "publish_ca",
			                   "registry row %lld is incomplete", (long long)r.id);
			break;
		}
		if (!fn(ctx, &r))
			break;
	}
	PQclear(res);
	return ret;
}

static enum pw_status reserve_numbers(struct pw_store *s, int64_t ca_id, uint64_t n,
                                      uint64_t *out_first, struct pw_error *err)
{
	int64_t first = 0, next = 0;
	int found;
	enum pw_status ret;
	if (n > (uint64_t)NUMBER_MAX)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "crl_number",
		                    "CRL number counter of CA %lld is exhausted", (long long)ca_id);
	ret = lookup_id(RUN(P_NUM_TAKE, "publish_ca", "iii", ca_id, (int64_t)n, NUMBER_MAX), &first,
	                &found);
	if (ret != PW_OK)
		return ret;
	if (found) {
		*out_first = (uint64_t)first;
		return PW_OK;
	}
	/* Nothing updated: no such CA, or the counter would pass NUMBER_MAX. */
	if ((ret = lookup_id(RUN(P_NUM_GET, "publish_ca", "i", ca_id), &next, &found)) != PW_OK)
		return ret;
	if (!found)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "ca", "no registered CA with id %lld",
		                    (long long)ca_id);
	return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "crl_number",
	                    "CRL number counter of CA %lld is exhausted", (long long)ca_id);
}

static enum pw_status revoked_list(struct pw_store *s, const uint8_t issuer_name_sha256[32],
                                   const uint8_t *ski, size_t ski_len,
                                   pw_store_publish_revoked_fn fn, void *ctx, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *res = ski != NULL ? RUN(P_REVOKED, "revocation", "hb", issuer_name_sha256,
	                                  (const void *)ski, ski_len)
	                            : RUN(P_REVOKED_ANY_AKI, "revocation", "h", issuer_name_sha256);
	if (res == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(res); i++) {
		struct pw_store_publish_revoked r;
		memset(&r, 0, sizeof r);
		r.cert_row = pw_pg_int(res, i, 0);
		r.serial = pw_pg_blob(res, i, 1, &r.serial_len);
		r.not_after = pw_pg_int(res, i, 2);
		r.revoked_at = pw_pg_int(res, i, 3);
		if (!pw_pg_null(res, i, 4)) {
			r.has_reason = 1;
			r.reason = (unsigned)pw_pg_int(res, i, 4);
		}
		r.invalidity_date = pw_pg_int(res, i, 5);
		r.expired_seen = (int)pw_pg_int(res, i, 6);
		if (r.serial == NULL || r.serial_len == 0) {
			ret = pw_error_set(err, PW_ERR_STORE, 0, 0, "certificate.serial",
			                   "certificate row %lld has an empty serial",
			                   (long long)r.cert_row);
			break;
		}
		if (!fn(ctx, &r))
			break;
	}
	PQclear(res);
	return ret;
}

static enum pw_status expired_seen(struct pw_store *s, int64_t cert_row, int64_t ca_id,
                                   uint64_t number, int64_t at, struct pw_error *err)
{
	return CMD(P_EXPIRED_SEEN, "publish_expired_seen", NULL, "iiii", cert_row, ca_id,
	           (int64_t)number, at);
}

static enum pw_status crl_add(struct pw_store *s, const struct pw_store_publish_crl *c,
                              struct pw_error *err)
{
	return CMD(P_CRL_ADD, "publish_crl", NULL, "iiiiiihti", c->ca_id, (int64_t)c->number,
	           (int64_t)c->partition, c->this_update, c->next_update, (int64_t)c->entries,
	           c->sha256, c->url, c->published_at);
}

static enum pw_status crl_last(struct pw_store *s, int64_t ca_id, int partition,
                               struct pw_store_publish_crl *out, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *res = RUN(P_CRL_LAST, "publish_crl", "ii", ca_id, (int64_t)partition);
	if (res == NULL)
		return PW_ERR_STORE;
	memset(out, 0, sizeof *out);
	if (PQntuples(res) > 0) {
		out->ca_id = ca_id;
		out->partition = partition;
		out->number = (uint64_t)pw_pg_int(res, 0, 0);
		out->this_update = pw_pg_int(res, 0, 1);
		out->next_update = pw_pg_int(res, 0, 2);
		out->entries = (uint64_t)pw_pg_int(res, 0, 3);
		pw_pg_hash(res, 0, 4, out->sha256);
		out->published_at = pw_pg_int(res, 0, 5);
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "crl",
		                   "no CRL of CA %lld partition %d was published", (long long)ca_id,
		                   partition);
	}
	PQclear(res);
	return ret;
}

static enum pw_status generation(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	int64_t g = 0;
	int found;
	enum pw_status ret = lookup_id(RUN(P_GEN, "publish_state", ""), &g, &found);
	if (ret != PW_OK)
		return ret;
	if (!found)
		return pw_error_set(err, PW_ERR_STORE, 0, 0, "publish_state", "the state row is missing");
	*out = (uint64_t)g;
	return PW_OK;
}

static enum pw_status bump(struct pw_store *s, struct pw_error *err)
{
	return CMD(P_BUMP, "publish_state", NULL, "");
}

static enum pw_status changes_since(struct pw_store *s, uint64_t since,
                                    pw_store_publish_change_fn fn, void *ctx,
                                    struct pw_error *err)
{
	PGresult *res = RUN(P_CHANGES, "publish_change", "i", (int64_t)since);
	if (res == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(res); i++) {
		uint8_t h[32];
		pw_pg_hash(res, i, 1, h);
		if (!fn(ctx, (uint64_t)pw_pg_int(res, i, 0), h))
			break;
	}
	PQclear(res);
	return PW_OK;
}

static enum pw_status set_invalidity(struct pw_store *s, const uint8_t sha256[32], int64_t at,
                                     struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = CMD(P_INVALIDITY, "revocation", &changes, "hi", sha256, at);
	if (ret != PW_OK)
		return ret;
	if (changes == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "the certificate is not stored or not revoked");
	return PW_OK;
}

const struct pw_store_publish_ops pw_pg_publish_ops = {
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
