/* store/sqlite_slowlog.h: the opt-in slow-statement log (PKIWARD_SLOW_SQL_MS). */
#ifndef PW_STORE_SQLITE_SLOWLOG_H
#define PW_STORE_SQLITE_SLOWLOG_H

#include <sqlite3.h>

/* Installs the profile hook on db when PKIWARD_SLOW_SQL_MS is set.
 * threshold_ns must outlive db (it lives in the backend's state). */
void pw_sqlite_slowlog_install(sqlite3 *db, long long *threshold_ns);

#endif
