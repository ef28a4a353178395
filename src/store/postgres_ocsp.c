/* store/postgres_ocsp.c: the PostgreSQL side of the ocsp area (ocsp_ops.h)
 * and schema migration 4. The area keeps no tables on either backend yet
 * (sqlite_ocsp.c's migration 4 is empty): the OCSP responder reads the
 * publish area's registry and the revocation table. The migration is
 * recorded so that both backends count the same schema version. */
#include "ocsp_ops.h"
#include "postgres_internal.h"

const char pw_pg_migration_ocsp[] = "SELECT 1";

const struct pw_store_ocsp_ops pw_pg_ocsp_ops = {
	.close = NULL,
};
