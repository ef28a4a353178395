/* pkiward ingest --lint: the findings producer the store calls for each
 * parsed certificate (store.h, pw_store_findings_fn). Runs the full lint set
 * on the model the ingest already built (no second parse) and keeps only
 * the results a compliance engineer searches for: notice, warn, error and
 * fatal (BR 4.3.1.2 asks CAs to lint; `find --lint NAME` reads them back). */
#include <string.h>

#include "cli.h"
#include "ingest_lint.h"
#include "pkiward/buf.h"
#include "pkiward/lint.h"

void pw_cli_ingest_lint_init(struct pw_cli_ingest_lint *l)
{
	memset(l, 0, sizeof *l);
	pw_lint_results_init(&l->results);
}

void pw_cli_ingest_lint_cleanup(struct pw_cli_ingest_lint *l)
{
	pw_lint_results_cleanup(&l->results);
}

int pw_cli_ingest_lint_findings(void *ctx, const struct pw_cert *c, struct pw_buf *out, size_t *n,
                                struct pw_error *err)
{
	struct pw_cli_ingest_lint *l = ctx;
	struct pw_lint_opts o = {0};
	*n = 0;
	o.now = l->now;
	/* One parsing thread calls this, so one result set is reused. */
	if (pw_lint_parsed_cert(c, &o, &l->results, err) != PW_OK)
		return 0;
	for (size_t i = 0; i < l->results.n; i++) {
		const struct pw_lint_result *r = &l->results.v[i];
		if (r->status < PW_LINT_NOTICE)
			continue;
		pw_buf_puts(out, r->def->name);
		pw_buf_append(out, "", 1);
		pw_buf_puts(out, pw_lint_status_str(r->status));
		pw_buf_append(out, "", 1);
		(*n)++;
	}
	return !out->failed;
}
