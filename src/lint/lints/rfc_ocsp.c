/* RFC 6960 lints on OCSP responses (pkiward signs responses and `monitor`
 * fetches other responders' responses; both are linted). */
#include <stdio.h>

#include "pkiward/lint.h"

/* RFC 6960 §2.4: thisUpdate is "the most recent time at which the status
 * being indicated is known by the responder to have been correct", and
 * producedAt is when the responder signed the response. A status cannot be
 * known correct at a moment after the response was signed, so every
 * SingleResponse's thisUpdate must be at or before producedAt. */
static int applies_basic(const struct pw_lint_ctx *ctx)
{
	return ctx->ocsp != NULL && ctx->ocsp->has_basic && ctx->ocsp->n_responses > 0;
}

static enum pw_lint_status check_this_update(const struct pw_lint_ctx *ctx, char *details,
                                             size_t details_len)
{
	const struct pw_ocsp_resp *r = ctx->ocsp;
	for (size_t i = 0; i < r->n_responses; i++) {
		if (r->responses[i].this_update > r->produced_at) {
			snprintf(details, details_len,
			         "response %zu: thisUpdate is %lld s after producedAt", i + 1,
			         (long long)(r->responses[i].this_update - r->produced_at));
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{
		.name = "e_this_update_not_after_produced_at",
		.severity = PW_LINT_ERROR,
		.source = PW_SRC_RFC6960,
		.target = PW_TARGET_OCSP,
		.citation = "RFC 6960 §2.4",
		.description = "Each single response's thisUpdate must not be later than the "
		               "response's producedAt: a responder cannot vouch for a status at a "
		               "time after it signed the response.",
		.effective = "2013-06-01",
		.applies = applies_basic,
		.check = check_this_update,
	},
};

const struct pw_lint_family pw_lint_family_rfc_ocsp = {
	"rfc_ocsp", defs, sizeof defs / sizeof defs[0],
};
