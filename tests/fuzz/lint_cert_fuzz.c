/* Fuzz target: the whole lint pipeline on untrusted bytes — the input is
 * linted as a certificate, as an unsigned TBSCertificate and as a CRL, and
 * the results are serialised to JSON. Any crash, leak, sanitizer report or
 * inconsistent result set is a bug: lints see every structure the strict
 * parser accepts, so each check must cope with unusual but well-formed
 * content. The result set is reused across calls, as callers do. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Evaluation time fixed so that runs are reproducible. */
#define FUZZ_NOW 1767225600 /* 2026-01-01 */

static void check_results(const struct pw_lint_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		/* Every result names a registered lint, has a valid status and a
		 * NUL-terminated details text. */
		if (r->v[i].def == NULL || pw_lint_find(r->v[i].def->name) != r->v[i].def ||
		    (unsigned)r->v[i].status > PW_LINT_FATAL ||
		    memchr(r->v[i].details, '\0', sizeof r->v[i].details) == NULL)
			abort();
	}
	char *json = pw_lint_results_to_json(r, "fuzz", 1);
	if (json == NULL)
		abort();
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pw_lint_results r; /* zero-initialised == results_init */
	struct pw_lint_opts opts;
	struct pw_error err;

	memset(&opts, 0, sizeof opts);
	opts.now = FUZZ_NOW;
	opts.include_na = size % 2; /* exercise both row-keeping modes */
	if (pw_lint_cert(data, size, &opts, &r, &err) == PW_OK)
		check_results(&r);
	opts.profile = (enum pw_lint_profile)(size % (PW_PROFILE_NON_TLS + 1));
	if (pw_lint_tbs(data, size, &opts, &r, &err) == PW_OK)
		check_results(&r);
	opts.profile = PW_PROFILE_AUTO;
	if (pw_lint_crl(data, size, &opts, &r, &err) == PW_OK)
		check_results(&r);
	/* Free between inputs so leak checkers see a clean state; the next call
	 * re-initialises from zero. */
	pw_lint_results_cleanup(&r);
	return 0;
}
