/* cli/: the lint hook of `pkiward ingest --lint` (ingest_lint.c). */
#ifndef PW_CLI_INGEST_LINT_H
#define PW_CLI_INGEST_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/lint.h"
#include "pkiward/status.h"

struct pw_buf;

struct pw_cli_ingest_lint {
	int64_t now;                     /* lint time; 0 = now */
	struct pw_lint_results results;  /* reused across certificates */
};

void pw_cli_ingest_lint_init(struct pw_cli_ingest_lint *l);
void pw_cli_ingest_lint_cleanup(struct pw_cli_ingest_lint *l);

/* A pw_store_findings_fn: ctx is a struct pw_cli_ingest_lint. */
int pw_cli_ingest_lint_findings(void *ctx, const struct pw_cert *c, struct pw_buf *out, size_t *n,
                                struct pw_error *err);

#endif
