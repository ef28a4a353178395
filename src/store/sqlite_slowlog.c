/* store/sqlite_slowlog.c: an opt-in slow-statement log for the SQLite
 * backend. With PKIWARD_SLOW_SQL_MS=N in the environment, every statement
 * that runs N milliseconds or longer is written to stderr with its time and
 * expanded SQL. Operators use it to find a query the planner got wrong on
 * their data (a table scan where an index was expected) without a debugger. */
#include <stdio.h>
#include <stdlib.h>

#include "sqlite_slowlog.h"

/* The longest SQL text printed; statements longer than this are cut. */
#define PW_SLOWLOG_SQL_MAX 4000

static int slowlog_cb(unsigned type, void *ctx, void *p, void *x)
{
	const long long *threshold_ns = ctx;
	sqlite3_stmt *stmt = p;
	long long ns = *(const long long *)x;

	if (type != SQLITE_TRACE_PROFILE || ns < *threshold_ns)
		return 0;
	char *sql = sqlite3_expanded_sql(stmt);
	/* Full-scan steps say "the planner scanned a table" at a glance. */
	fprintf(stderr, "pkiward: slow SQL %.3f ms (full-scan steps %d, sorts %d, VM steps %d): %.*s\n",
	        (double)ns / 1e6, sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0),
	        sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_SORT, 0),
	        sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 0), PW_SLOWLOG_SQL_MAX,
	        sql != NULL ? sql : sqlite3_sql(stmt));
	sqlite3_free(sql);
	return 0;
}

void pw_sqlite_slowlog_install(sqlite3 *db, long long *threshold_ns)
{
	const char *v = getenv("PKIWARD_SLOW_SQL_MS");
	if (v == NULL || *v == '\0')
		return;
	char *end;
	double ms = strtod(v, &end);
	if (*end != '\0' || ms < 0) {
		fprintf(stderr, "pkiward: PKIWARD_SLOW_SQL_MS=%s is not a number of milliseconds; "
		                "slow-statement log off\n", v);
		return;
	}
	*threshold_ns = (long long)(ms * 1e6);
	sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, slowlog_cb, threshold_ns);
}
