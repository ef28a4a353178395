/* store/postgres_reports.c: the PostgreSQL side of the reports area
 * (reports_ops.h) and schema migration 10: the BR 4.9.5 lifecycle of each
 * problem report, the certificates it names, what could not be resolved and
 * the messages sent. Same tables and keys as sqlite_reports_area.c (BIGINT
 * epoch seconds). report_cert has one more column, `seq`, because SQLite
 * lists a report's certificates in insertion order (rowid) and PostgreSQL
 * rows have no such order of their own. */
#include <string.h>

#include "postgres_internal.h"
#include "reports_ops.h"

const char pw_pg_migration_reports[] =
	"CREATE TABLE report_life ("
	" report_id BIGINT PRIMARY KEY REFERENCES report (id),"
	" state TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" decline_reason TEXT,"
	" br_item BIGINT NOT NULL,"
	" title TEXT,"
	" body TEXT,"
	" source TEXT NOT NULL,"
	" message_id TEXT UNIQUE,"
	" subscriber TEXT,"
	" acknowledged_at BIGINT,"
	" investigated_at BIGINT,"
	" preliminary_at BIGINT,"
	" action_at BIGINT,"
	" closed_at BIGINT,"
	" key_report BIGINT NOT NULL,"
	" processed_at BIGINT);"
	"CREATE TABLE report_cert ("
	" seq BIGSERIAL NOT NULL,"
	" report_id BIGINT NOT NULL REFERENCES report (id),"
	" candidate BIGINT NOT NULL,"
	" sha256 BYTEA NOT NULL,"
	" how TEXT NOT NULL,"
	" PRIMARY KEY (report_id, candidate, sha256, how));"
	"CREATE TABLE report_unresolved ("
	" id BIGSERIAL PRIMARY KEY,"
	" report_id BIGINT NOT NULL REFERENCES report (id),"
	" ref TEXT NOT NULL,"
	" why TEXT NOT NULL,"
	" UNIQUE (report_id, ref));"
	"CREATE TABLE report_message ("
	" id BIGSERIAL PRIMARY KEY,"
	" report_id BIGINT NOT NULL REFERENCES report (id),"
	" at BIGINT NOT NULL,"
	" kind TEXT NOT NULL,"
	" recipients TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" event_id BIGINT NOT NULL);"
	"CREATE INDEX report_message_report ON report_message (report_id, id);";

enum {
	R_LIFE_PUT,
	R_LIFE_GET,
	R_BY_MID,
	R_MID_OTHER,
	R_IDS,
	R_REPORT_EXISTS,
	R_CERT_PUT,
	R_CERT_LIST,
	R_UNRES_PUT,
	R_UNRES_LIST,
	R_MSG_PUT,
	R_MSG_LIST,
	R_SEEN,
	R_COUNT_
};

static const char *const SQL[R_COUNT_] = {
	[R_LIFE_PUT] = "INSERT INTO report_life (report_id, state, action, decline_reason, br_item,"
	               " title, body, source, message_id, subscriber, acknowledged_at,"
	               " investigated_at, preliminary_at, action_at, closed_at, key_report,"
	               " processed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
	               " $13, $14, $15, $16, $17)"
	               " ON CONFLICT (report_id) DO UPDATE SET state = EXCLUDED.state,"
	               " action = EXCLUDED.action, decline_reason = EXCLUDED.decline_reason,"
	               " br_item = EXCLUDED.br_item, title = EXCLUDED.title, body = EXCLUDED.body,"
	               " source = EXCLUDED.source, message_id = EXCLUDED.message_id,"
	               " subscriber = EXCLUDED.subscriber, acknowledged_at = EXCLUDED.acknowledged_at,"
	               " investigated_at = EXCLUDED.investigated_at,"
	               " preliminary_at = EXCLUDED.preliminary_at, action_at = EXCLUDED.action_at,"
	               " closed_at = EXCLUDED.closed_at, key_report = EXCLUDED.key_report,"
	               " processed_at = EXCLUDED.processed_at",
	[R_LIFE_GET] = "SELECT report_id, state, action, decline_reason, br_item, title, body,"
	               " source, message_id, subscriber, acknowledged_at, investigated_at,"
	               " preliminary_at, action_at, closed_at, key_report, processed_at"
	               " FROM report_life WHERE report_id = $1",
	[R_BY_MID] = "SELECT report_id FROM report_life WHERE message_id = $1",
	/* A unique violation would abort the whole transaction on PostgreSQL
	 * (SQLite fails only the statement): asked first. */
	[R_MID_OTHER] = "SELECT 1 FROM report_life WHERE message_id = $1 AND report_id <> $2",
	[R_IDS] = "SELECT id FROM report WHERE id > $1 ORDER BY id LIMIT $2",
	[R_REPORT_EXISTS] = "SELECT 1 FROM report WHERE id = $1",
	[R_CERT_PUT] = "INSERT INTO report_cert (report_id, candidate, sha256, how)"
	               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	[R_CERT_LIST] = "SELECT sha256, how FROM report_cert WHERE report_id = $1 AND candidate = $2"
	                " ORDER BY seq",
	[R_UNRES_PUT] = "INSERT INTO report_unresolved (report_id, ref, why) VALUES ($1, $2, $3)"
	                " ON CONFLICT DO NOTHING",
	[R_UNRES_LIST] = "SELECT ref, why FROM report_unresolved WHERE report_id = $1 ORDER BY id",
	[R_MSG_PUT] = "INSERT INTO report_message (report_id, at, kind, recipients, text, event_id)"
	              " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	[R_MSG_LIST] = "SELECT id, report_id, at, kind, recipients, text, event_id"
	               " FROM report_message WHERE report_id = $1 ORDER BY id",
	[R_SEEN] = "SELECT r.first_seen_crl, r.first_seen_ocsp FROM revocation r"
	           " JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = $1",
};

#define RUN(id, what, ...) \
	pw_pg_area_run(s, PW_STORE_AREA_REPORTS, SQL, R_COUNT_, (id), (what), err, __VA_ARGS__)
#define CMD(id, what, changes, ...)                                                       \
	pw_pg_area_cmd(s, PW_STORE_AREA_REPORTS, SQL, R_COUNT_, (id), (what), (changes), err, \
	               __VA_ARGS__)

/* A time parameter: 0 (not yet) is SQL NULL, as on SQLite. */
#define T(t) (int)((t) != 0), (int64_t)(t)

/* 1 when the statement returned a row, 0 when not, -1 on error (err). */
static int has_row(PGresult *r)
{
	if (r == NULL)
		return -1;
	int n = PQntuples(r) > 0;
	PQclear(r);
	return n;
}

static enum pw_status report_exists(struct pw_store *s, int64_t id, struct pw_error *err)
{
	int n = has_row(RUN(R_REPORT_EXISTS, "report", "i", id));
	if (n < 0)
		return PW_ERR_STORE;
	if (n == 0)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report", "no report %lld",
		                    (long long)id);
	return PW_OK;
}

static enum pw_status life_put(struct pw_store *s, const struct pw_store_report_life *l,
                               struct pw_error *err)
{
	enum pw_status ret = report_exists(s, l->report_id, err);
	if (ret != PW_OK)
		return ret;
	if (l->message_id != NULL) {
		int n = has_row(RUN(R_MID_OTHER, "report_life", "ti", l->message_id, l->report_id));
		if (n < 0)
			return PW_ERR_STORE;
		if (n > 0)
			return pw_error_set(err, PW_ERR_EXISTS, 0, 0, "report.message_id",
			                    "Message-ID <%s> belongs to another report", l->message_id);
	}
	return CMD(R_LIFE_PUT, "report_life", NULL, "itttittttt" "ooooo" "io", l->report_id,
	           l->state, l->action, l->decline_reason, (int64_t)l->br_item, l->title, l->body,
	           l->source, l->message_id, l->subscriber, T(l->acknowledged_at),
	           T(l->investigated_at), T(l->preliminary_at), T(l->action_at), T(l->closed_at),
	           (int64_t)(l->key_report != 0), T(l->processed_at));
}

static enum pw_status life_get(struct pw_store *s, int64_t id, pw_store_report_life_fn fn,
                               void *ctx, struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(R_LIFE_GET, "report_life", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		struct pw_store_report_life l;
		memset(&l, 0, sizeof l);
		l.report_id = pw_pg_int(r, 0, 0);
		l.state = pw_pg_text(r, 0, 1);
		l.action = pw_pg_text(r, 0, 2);
		l.decline_reason = pw_pg_text(r, 0, 3);
		l.br_item = (int)pw_pg_int(r, 0, 4);
		l.title = pw_pg_text(r, 0, 5);
		l.body = pw_pg_text(r, 0, 6);
		l.source = pw_pg_text(r, 0, 7);
		l.message_id = pw_pg_text(r, 0, 8);
		l.subscriber = pw_pg_text(r, 0, 9);
		l.acknowledged_at = pw_pg_int(r, 0, 10);
		l.investigated_at = pw_pg_int(r, 0, 11);
		l.preliminary_at = pw_pg_int(r, 0, 12);
		l.action_at = pw_pg_int(r, 0, 13);
		l.closed_at = pw_pg_int(r, 0, 14);
		l.key_report = (int)pw_pg_int(r, 0, 15);
		l.processed_at = pw_pg_int(r, 0, 16);
		fn(ctx, &l);
	} else {
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "report",
		                   "no lifecycle recorded for report %lld", (long long)id);
	}
	PQclear(r);
	return ret;
}

static enum pw_status by_message_id(struct pw_store *s, const char *mid, int64_t *out_id,
                                    struct pw_error *err)
{
	enum pw_status ret = PW_OK;
	PGresult *r = RUN(R_BY_MID, "report_life", "t", mid);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0)
		*out_id = pw_pg_int(r, 0, 0);
	else
		ret = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "message_id",
		                   "no report has Message-ID <%s>", mid);
	PQclear(r);
	return ret;
}

static enum pw_status ids(struct pw_store *s, int64_t after_id, size_t max, int64_t *out,
                          size_t *out_n, struct pw_error *err)
{
	*out_n = 0;
	PGresult *r = RUN(R_IDS, "report", "ii", after_id,
	                  (int64_t)(max > (size_t)INT64_MAX ? INT64_MAX : (int64_t)max));
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r) && *out_n < max; i++)
		out[(*out_n)++] = pw_pg_int(r, i, 0);
	PQclear(r);
	return PW_OK;
}

static enum pw_status cert_put(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                               const char *how, int candidate, int *out_inserted,
                               struct pw_error *err)
{
	uint64_t changes = 0;
	enum pw_status ret = report_exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	if ((ret = CMD(R_CERT_PUT, "report_cert", &changes, "iiht", id, (int64_t)candidate, sha256,
	               how)) != PW_OK)
		return ret;
	if (out_inserted != NULL)
		*out_inserted = changes > 0;
	return PW_OK;
}

static enum pw_status cert_list(struct pw_store *s, int64_t id, int candidate,
                                pw_store_report_cert_fn fn, void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(R_CERT_LIST, "report_cert", "ii", id, (int64_t)candidate);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		uint8_t h[32];
		if (!pw_pg_hash(r, i, 0, h))
			continue;
		if (!fn(ctx, h, pw_pg_text(r, i, 1)))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status unresolved_put(struct pw_store *s, int64_t id, const char *ref,
                                     const char *why, struct pw_error *err)
{
	enum pw_status ret = report_exists(s, id, err);
	if (ret != PW_OK)
		return ret;
	return CMD(R_UNRES_PUT, "report_unresolved", NULL, "itt", id, ref, why);
}

static enum pw_status unresolved_list(struct pw_store *s, int64_t id,
                                      pw_store_report_unresolved_fn fn, void *ctx,
                                      struct pw_error *err)
{
	PGresult *r = RUN(R_UNRES_LIST, "report_unresolved", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++)
		if (!fn(ctx, pw_pg_text(r, i, 0), pw_pg_text(r, i, 1)))
			break;
	PQclear(r);
	return PW_OK;
}

static enum pw_status message_put(struct pw_store *s, const struct pw_store_report_message *m,
                                  int64_t *out_id, struct pw_error *err)
{
	enum pw_status ret = report_exists(s, m->report_id, err);
	PGresult *r;
	if (ret != PW_OK)
		return ret;
	if ((r = RUN(R_MSG_PUT, "report_message", "iittti", m->report_id, m->at, m->kind,
	             m->recipients, m->text, m->event_id)) == NULL)
		return PW_ERR_STORE;
	if (out_id != NULL)
		*out_id = PQntuples(r) > 0 ? pw_pg_int(r, 0, 0) : 0;
	PQclear(r);
	return PW_OK;
}

static enum pw_status message_list(struct pw_store *s, int64_t id, pw_store_report_message_fn fn,
                                   void *ctx, struct pw_error *err)
{
	PGresult *r = RUN(R_MSG_LIST, "report_message", "i", id);
	if (r == NULL)
		return PW_ERR_STORE;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pw_store_report_message m;
		m.id = pw_pg_int(r, i, 0);
		m.report_id = pw_pg_int(r, i, 1);
		m.at = pw_pg_int(r, i, 2);
		m.kind = pw_pg_text(r, i, 3);
		m.recipients = pw_pg_text(r, i, 4);
		m.text = pw_pg_text(r, i, 5);
		m.event_id = pw_pg_int(r, i, 6);
		if (!fn(ctx, &m))
			break;
	}
	PQclear(r);
	return PW_OK;
}

static enum pw_status seen(struct pw_store *s, const uint8_t sha256[32], int *out_revoked,
                           int64_t *out_crl, int64_t *out_ocsp, struct pw_error *err)
{
	*out_revoked = 0;
	*out_crl = *out_ocsp = 0;
	PGresult *r = RUN(R_SEEN, "revocation", "h", sha256);
	if (r == NULL)
		return PW_ERR_STORE;
	if (PQntuples(r) > 0) {
		*out_revoked = 1;
		*out_crl = pw_pg_int(r, 0, 0);
		*out_ocsp = pw_pg_int(r, 0, 1);
	}
	PQclear(r);
	return PW_OK;
}

static void reports_close(struct pw_store *s)
{
	pw_pg_area_close(s, PW_STORE_AREA_REPORTS);
}

const struct pw_store_reports_ops pw_pg_reports_ops = {
	.close = reports_close,
	.life_put = life_put,
	.life_get = life_get,
	.by_message_id = by_message_id,
	.ids = ids,
	.cert_put = cert_put,
	.cert_list = cert_list,
	.unresolved_put = unresolved_put,
	.unresolved_list = unresolved_list,
	.message_put = message_put,
	.message_list = message_list,
	.seen = seen,
};
