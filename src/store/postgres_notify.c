/* store/postgres_notify.c: change notifications between pkiward nodes on
 * one PostgreSQL base (store_notify.h; issue 9: "a revocation through one
 * is answered revoked by the other's OCSP ... within 1 s", LISTEN/NOTIFY).
 *
 * The sender is a statement trigger on publish_state, the row that holds
 * the publication change generation (postgres_publish.c): every revocation
 * insert/update/delete (its row triggers bump the generation) and every
 * explicit bump (a registry change) updates that row, so this one trigger
 * covers every code path and every process, with no edit to them. NOTIFY
 * is transactional: it is delivered when the writing transaction commits
 * and dropped when it rolls back, so a woken node always finds the change
 * committed. The payload is empty on purpose: PostgreSQL folds identical
 * notifications of one transaction into one (a bulk revocation of 10,000
 * certificates sends one), and the receiver re-reads the generation anyway.
 *
 * The trigger is created outside the numbered migrations, idempotently, by
 * every writable open that finds it missing (serialised with migrations by
 * their advisory lock), so bases created before it existed gain it the next
 * time any node opens them writable, and a base copied by `pkiward store
 * copy` has it from its first open.
 *
 * The receiver LISTENs on the handle's own connection (the one thread that
 * uses the handle is the one that waits): notifications arriving while it
 * runs other statements are queued by libpq and seen by the next wait. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "postgres_internal.h"
#include "postgres_notify.h"

#define NOTIFY_CHANNEL "pkiward_change"
/* The migrations' advisory lock key (postgres.c): trigger creation and
 * migrations never run at once. */
#define NOTIFY_LOCK_KEY "7070707"

static const char notify_present_sql[] =
	"SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
	" WHERE t.tgname = 'pkiward_notify_change' AND c.relname = 'publish_state'"
	" AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

static const char notify_create_sql[] =
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(" NOTIFY_LOCK_KEY ");"
	"CREATE OR REPLACE FUNCTION pkiward_notify_change() RETURNS trigger LANGUAGE plpgsql AS $f$"
	" BEGIN PERFORM pg_notify('" NOTIFY_CHANNEL "', ''); RETURN NULL; END $f$;"
	"CREATE OR REPLACE TRIGGER pkiward_notify_change"
	" AFTER INSERT OR UPDATE OR DELETE ON publish_state"
	" FOR EACH STATEMENT EXECUTE FUNCTION pkiward_notify_change();"
	"COMMIT";

/* 1 present, 0 absent, -1 error. */
static int trigger_present(PGconn *c)
{
	PGresult *r = PQexec(c, notify_present_sql);
	int v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtol(PQgetvalue(r, 0, 0), NULL, 10) > 0;
	PQclear(r);
	return v;
}

void pw_pg_notify_setup(struct pw_store *s)
{
	PGconn *c = pw_store_pg_get0_conn(s);
	if (c == NULL || PQtransactionStatus(c) != PQTRANS_IDLE || trigger_present(c) != 0)
		return;
	PGresult *r = PQexec(c, notify_create_sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok && PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
}

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Consumes every queued notification; 1 when there was one. */
static int drain(PGconn *c)
{
	PGnotify *n;
	int got = 0;
	while ((n = PQnotifies(c)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

enum pw_status pw_pg_wait_change(struct pw_store *s, int64_t timeout_ms, int *out_woken,
                                 struct pw_error *err)
{
	enum pw_status st;
	PGconn *c;
	*out_woken = 0;
	if ((st = pw_store_pg_live(s, err)) != PW_OK)
		return st;
	c = pw_store_pg_get0_conn(s);
	uint64_t epoch = pw_store_pg_epoch(s) + 1;
	if (s->notify_epoch != epoch) {
		/* A new session (first wait, or reconnected): listen, then have
		 * the caller re-read, since a change committed before LISTEN took
		 * effect was announced to nobody here. */
		int present = trigger_present(c);
		if (present < 0)
			return pw_store_pg_error(s, NULL, "notify", err);
		if (present == 0)
			return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "notify",
			                    "postgresql: the base has no change notification trigger "
			                    "(open it writable once to create it)");
		PGresult *r = PQexec(c, "LISTEN " NOTIFY_CHANNEL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		st = ok ? PW_OK : pw_store_pg_error(s, r, "notify", err);
		PQclear(r);
		if (st != PW_OK)
			return st;
		s->notify_epoch = epoch;
		drain(c);
		*out_woken = 1;
		return PW_OK;
	}
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		if (drain(c)) {
			*out_woken = 1;
			return PW_OK;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return PW_OK;
		struct pollfd p = {PQsocket(c), POLLIN, 0};
		if (p.fd < 0)
			return pw_store_pg_error(s, NULL, "notify", err);
		int rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno != EINTR)
			return pw_error_set(err, PW_ERR_IO, 0, 0, "notify", "poll: %s", strerror(errno));
		/* Readable: a notification, or some other message (a parameter
		 * status, the server closing the connection). */
		if (rc > 0 && !PQconsumeInput(c))
			return pw_store_pg_error(s, NULL, "notify", err);
	}
}
