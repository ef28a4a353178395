/* store/postgres_schema.c: the PostgreSQL schema, migration for migration
 * the same tables, columns and indexes as the SQLite base (sqlite.c,
 * sqlite_events.c), with PostgreSQL types: BIGINT for times and ids, BYTEA
 * for hashes and DER. Version numbers match the SQLite list so that
 * `pw_store_schema_version` means the same on both. One deliberate
 * difference: certificate_der is partitioned by notAfter here and carries
 * the partition key as a column (migration 12). Feature areas whose
 * PostgreSQL side is not written yet (3-10) have no tables here; their ops
 * are NULL and their functions say so. */
#include "postgres_internal.h"

static const char pg_migration_1[] =
	"CREATE TABLE ca ("
	" id BIGSERIAL PRIMARY KEY,"
	" subject_name_sha256 BYTEA NOT NULL,"
	" spki_sha256 BYTEA NOT NULL,"
	" subject TEXT NOT NULL,"
	" ski BYTEA,"
	" UNIQUE (subject_name_sha256, spki_sha256));"
	"CREATE TABLE certificate ("
	" id BIGSERIAL PRIMARY KEY,"
	" sha256 BYTEA NOT NULL UNIQUE,"
	" link_sha256 BYTEA NOT NULL,"
	" issuer_name_sha256 BYTEA NOT NULL,"
	" issuer TEXT NOT NULL,"
	" serial BYTEA NOT NULL,"
	" spki_sha256 BYTEA NOT NULL,"
	" subject TEXT NOT NULL,"
	" not_before BIGINT NOT NULL,"
	" not_after BIGINT NOT NULL,"
	" precert INTEGER NOT NULL CHECK (precert IN (0, 1)),"
	" is_ca INTEGER NOT NULL CHECK (is_ca IN (0, 1)),"
	" aki BYTEA,"
	" ca_id BIGINT REFERENCES ca (id),"
	" issuer_ca_id BIGINT REFERENCES ca (id),"
	" profile TEXT,"
	" order_id TEXT,"
	" subscriber TEXT,"
	" ingested_at BIGINT NOT NULL,"
	" UNIQUE (issuer_name_sha256, serial, precert));"
	"CREATE INDEX certificate_spki ON certificate (spki_sha256);"
	"CREATE INDEX certificate_not_before ON certificate (not_before);"
	"CREATE INDEX certificate_not_after ON certificate (not_after);"
	"CREATE TABLE certificate_der ("
	" cert_id BIGINT PRIMARY KEY REFERENCES certificate (id),"
	" der BYTEA NOT NULL);"
	"CREATE TABLE issuer_name ("
	" name_sha256 BYTEA PRIMARY KEY,"
	" text TEXT NOT NULL);"
	"CREATE INDEX issuer_name_text ON issuer_name (text);"
	/* COLLATE "C": the subtree range [key".", key"/") of store.c relies on
	 * byte order, which SQLite's BINARY collation gives and a locale does not. */
	"CREATE TABLE name ("
	" rev TEXT COLLATE \"C\" NOT NULL,"
	" cert_id BIGINT NOT NULL REFERENCES certificate (id),"
	" kind INTEGER NOT NULL,"
	" PRIMARY KEY (rev, cert_id));"
	"CREATE TABLE validation ("
	" cert_id BIGINT NOT NULL REFERENCES certificate (id),"
	" name TEXT NOT NULL,"
	" method TEXT NOT NULL,"
	" at BIGINT NOT NULL,"
	" PRIMARY KEY (cert_id, method, name));"
	"CREATE INDEX validation_method ON validation (method, cert_id);"
	"CREATE TABLE event ("
	" id BIGSERIAL PRIMARY KEY,"
	" at BIGINT NOT NULL,"
	" kind TEXT NOT NULL,"
	" subject TEXT,"
	" actor TEXT,"
	" payload TEXT,"
	" prev_hash BYTEA,"
	" hash BYTEA NOT NULL UNIQUE);"
	"CREATE TABLE revocation ("
	" cert_id BIGINT PRIMARY KEY REFERENCES certificate (id),"
	" revoked_at BIGINT NOT NULL,"
	" reason INTEGER,"
	" event_id BIGINT REFERENCES event (id),"
	" first_seen_crl BIGINT,"
	" first_seen_ocsp BIGINT);"
	"CREATE TABLE blocked_key ("
	" spki_sha256 BYTEA PRIMARY KEY,"
	" why TEXT NOT NULL,"
	" proof BYTEA,"
	" at BIGINT NOT NULL);"
	"CREATE TABLE lint_finding ("
	" cert_id BIGINT NOT NULL REFERENCES certificate (id),"
	" lint TEXT NOT NULL,"
	" result TEXT NOT NULL,"
	" PRIMARY KEY (cert_id, lint));"
	"CREATE INDEX lint_finding_lint ON lint_finding (lint, cert_id);";

/* Migration 2: the evidence tables (sqlite_events.c). */
static const char pg_migration_2[] =
	"ALTER TABLE revocation ADD COLUMN requested_at BIGINT;"
	"ALTER TABLE revocation ADD COLUMN deadline BIGINT;"
	"ALTER TABLE blocked_key ADD COLUMN badkeys_sha256 BYTEA;"
	"ALTER TABLE blocked_key ADD COLUMN proof_type TEXT;"
	"ALTER TABLE blocked_key ADD COLUMN report_id BIGINT;"
	"CREATE INDEX blocked_key_badkeys ON blocked_key (badkeys_sha256);"
	"CREATE INDEX event_subject ON event (subject, id);"
	"CREATE TABLE event_head ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" id BIGINT NOT NULL,"
	" hash BYTEA NOT NULL);"
	"CREATE TABLE report ("
	" id BIGSERIAL PRIMARY KEY,"
	" received_at BIGINT NOT NULL,"
	" reporter TEXT,"
	" kind TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" deadline BIGINT NOT NULL,"
	" subject TEXT,"
	" payload TEXT);"
	"CREATE INDEX report_status ON report (status, deadline);"
	"CREATE TABLE revoke_job ("
	" id BIGSERIAL PRIMARY KEY,"
	" job_key BYTEA NOT NULL UNIQUE,"
	" created_at BIGINT NOT NULL,"
	" source TEXT NOT NULL,"
	" reason INTEGER,"
	" total BIGINT NOT NULL,"
	" done BIGINT NOT NULL,"
	" finished_at BIGINT);"
	"CREATE TABLE revoke_job_item ("
	" job_id BIGINT NOT NULL REFERENCES revoke_job (id),"
	" seq BIGINT NOT NULL,"
	" sha256 BYTEA NOT NULL,"
	" done_at BIGINT,"
	" outcome TEXT,"
	" PRIMARY KEY (job_id, seq));";

/* Migrations 3-10 are the feature areas' (postgres_<area>.c), in the
 * order of sqlite.c's list. */
/* Migration 11: certificates by profile (see sqlite.c's migration 11). */
static const char pg_migration_11[] =
	"CREATE INDEX certificate_profile ON certificate (profile, is_ca, not_before);";

#define PG_STR_(x) #x
#define PG_STR(x) PG_STR_(x)

/* Migration 12: the certificate bytes partitioned by notAfter (issue 9).
 *
 * Why certificate_der and not certificate: certificate carries the global
 * unique keys ingest deduplicates on (sha256; issuer Name + serial + kind,
 * BR 7.1) with ON CONFLICT, and the targets of seven foreign keys;
 * PostgreSQL enforces a unique index on a partitioned table only when it
 * includes the partition key, which would make both keys per year. The DER
 * is ~1.1 KB of the ~1.7 KB a certificate takes and is what a large base
 * is made of, so partitioning it alone lets an operator move, archive or
 * drop the bytes of certificates expired years ago partition by partition
 * (DETACH PARTITION; VACUUM and index rebuilds per year) while every
 * constraint stays global.
 *
 * Layout: certificate_der (cert_id, not_after, der), PARTITION BY RANGE
 * (not_after), primary key (cert_id, not_after); not_after repeats
 * certificate.not_after (unix seconds). One partition per UTC calendar year
 * in [PW_PG_DER_YEAR_FIRST, PW_PG_DER_YEAR_LAST], certificate_der_y<year>,
 * created when the first row of that year is written
 * (pw_certificate_der_partition, called by ingest before its rows are
 * copied), plus certificate_der_default for every other notAfter. The window
 * is fixed, not relative to today, so the rows of a year inside it are never
 * in DEFAULT when its partition is created (PostgreSQL refuses to create a
 * partition whose range DEFAULT holds rows); should they be (a row written
 * without the function), the function moves them into the new partition.
 *
 * Creating a partition locks certificate_der (and certificate, for the
 * foreign key's triggers) to the end of the creating transaction: once per
 * year of notAfter in a base, under an advisory lock so that two nodes do
 * not race on one name. */
static const char pg_migration_12[] =
	"ALTER TABLE certificate_der RENAME TO certificate_der_v11;"
	"ALTER INDEX certificate_der_pkey RENAME TO certificate_der_v11_pkey;"
	"CREATE TABLE certificate_der ("
	" cert_id BIGINT NOT NULL REFERENCES certificate (id),"
	" not_after BIGINT NOT NULL,"
	" der BYTEA NOT NULL,"
	" PRIMARY KEY (cert_id, not_after)) PARTITION BY RANGE (not_after);"
	"CREATE TABLE certificate_der_default PARTITION OF certificate_der DEFAULT;"
	/* The partition of year y (a no-op outside the window or when it
	 * exists). Year bounds are UTC midnights of 1 January. */
	"CREATE FUNCTION pw_certificate_der_partition(y integer) RETURNS void"
	" LANGUAGE plpgsql AS $f$"
	" DECLARE"
	"  part text := 'certificate_der_y' || y;"
	"  lo bigint;"
	"  hi bigint;"
	" BEGIN"
	"  IF y < " PG_STR(PW_PG_DER_YEAR_FIRST) " OR y > " PG_STR(PW_PG_DER_YEAR_LAST)
	"     OR to_regclass(part) IS NOT NULL THEN"
	"   RETURN;"
	"  END IF;"
	"  PERFORM pg_advisory_xact_lock(" PG_STR(PW_PG_DER_LOCK_KEY) ");"
	"  IF to_regclass(part) IS NOT NULL THEN"
	"   RETURN;" /* another node created it while we waited */
	"  END IF;"
	"  lo := EXTRACT(EPOCH FROM make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC'))::bigint;"
	"  hi := EXTRACT(EPOCH FROM make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC'))::bigint;"
	"  IF EXISTS (SELECT 1 FROM certificate_der_default"
	"             WHERE not_after >= lo AND not_after < hi) THEN"
	"   EXECUTE 'CREATE TEMP TABLE pw_der_move (LIKE certificate_der) ON COMMIT DROP';"
	"   EXECUTE 'WITH m AS (DELETE FROM certificate_der_default WHERE not_after >= $1"
	" AND not_after < $2 RETURNING cert_id, not_after, der)"
	" INSERT INTO pw_der_move (cert_id, not_after, der) SELECT * FROM m'"
	"     USING lo, hi;"
	"   EXECUTE format('CREATE TABLE %I PARTITION OF certificate_der"
	" FOR VALUES FROM (%s) TO (%s)', part, lo, hi);"
	"   EXECUTE 'INSERT INTO certificate_der (cert_id, not_after, der)"
	" SELECT cert_id, not_after, der FROM pw_der_move';"
	"   EXECUTE 'DROP TABLE pw_der_move';"
	"  ELSE"
	"   EXECUTE format('CREATE TABLE %I PARTITION OF certificate_der"
	" FOR VALUES FROM (%s) TO (%s)', part, lo, hi);"
	"  END IF;"
	" END $f$;"
	/* The partitions of every year the certificate table holds: one
	 * probe of certificate_not_after per year of the window. Used here and
	 * by `store copy` before it copies certificate_der into a base. */
	"CREATE FUNCTION pw_certificate_der_partitions() RETURNS void"
	" LANGUAGE plpgsql AS $f$"
	" BEGIN"
	"  FOR y IN " PG_STR(PW_PG_DER_YEAR_FIRST) " .. " PG_STR(PW_PG_DER_YEAR_LAST) " LOOP"
	"   IF EXISTS (SELECT 1 FROM certificate WHERE not_after"
	"      >= EXTRACT(EPOCH FROM make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC'))::bigint"
	"      AND not_after"
	"      < EXTRACT(EPOCH FROM make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC'))::bigint) THEN"
	"    PERFORM pw_certificate_der_partition(y);"
	"   END IF;"
	"  END LOOP;"
	" END $f$;"
	"SELECT pw_certificate_der_partitions();"
	"INSERT INTO certificate_der (cert_id, not_after, der)"
	" SELECT d.cert_id, c.not_after, d.der FROM certificate_der_v11 d"
	" JOIN certificate c ON c.id = d.cert_id;"
	"DROP TABLE certificate_der_v11;";

const char *const pw_pg_migrations[PW_PG_N_MIGRATIONS] = {
	pg_migration_1,           pg_migration_2,            pw_pg_migration_publish,
	pw_pg_migration_ocsp,     pw_pg_migration_monitor,   pw_pg_migration_incident,
	pw_pg_migration_inventory, pw_pg_migration_policy,   pw_pg_migration_serve,
	pw_pg_migration_reports,  pg_migration_11,           pg_migration_12,
};

_Static_assert(PW_PG_N_MIGRATIONS == PW_STORE_SCHEMA_VERSION,
               "the PostgreSQL schema must have as many migrations as the SQLite one");
