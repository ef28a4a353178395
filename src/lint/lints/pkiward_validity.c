/* pkiward lints: maximum Subscriber certificate validity, BR 6.3.2 as
 * amended by ballot SC-081 (BR 2.2.6 table):
 *
 *   issued (notBefore)           MUST NOT exceed   SHOULD NOT exceed
 *   before 2026-03-15            398 days          397 days
 *   2026-03-15 .. 2027-03-15     200 days          199 days
 *   2027-03-15 .. 2029-03-15     100 days           99 days
 *   from 2029-03-15               47 days           46 days
 *
 * "A day is measured as 86,400 seconds. Any amount of time greater than
 * this, including fractional seconds and/or leap seconds, shall represent an
 * additional day": the validity period is notAfter - notBefore + 1 second
 * (both ends inclusive, BR 1.6.1 "Validity Period"), rounded up to days.
 * The 398-day row took effect on 2020-09-01 (ballot SC-31); the lints are
 * not effective before that date. zlint splits this table into one lint
 * per milestone; these lints apply the whole table and say which row bound
 * the certificate. */
#include "lint_util.h"

struct milestone {
	int64_t from;          /* notBefore on or after (0 = no lower bound) */
	int64_t max_days;      /* MUST NOT exceed */
	int64_t rec_days;      /* SHOULD NOT exceed */
	const char *label;
};

static const struct milestone milestones[] = {
	{PW_DATE_SC081_THIRD, 47, 46, "issued on or after 2029-03-15"},
	{PW_DATE_SC081_SECOND, 100, 99, "issued 2027-03-15 to 2029-03-14"},
	{PW_DATE_SC081_FIRST, 200, 199, "issued 2026-03-15 to 2027-03-14"},
	{0, 398, 397, "issued before 2026-03-15"},
};

static const struct milestone *milestone_for(int64_t not_before)
{
	for (size_t i = 0; i + 1 < sizeof milestones / sizeof milestones[0]; i++)
		if (not_before >= milestones[i].from)
			return &milestones[i];
	return &milestones[sizeof milestones / sizeof milestones[0] - 1];
}

static int applies_subscriber(const struct pw_lint_ctx *ctx)
{
	switch (ctx->profile) {
	case PW_PROFILE_DV:
	case PW_PROFILE_OV:
	case PW_PROFILE_IV:
	case PW_PROFILE_EV:
	case PW_PROFILE_SUBSCRIBER:
		return ctx->cert != NULL && ctx->cert->validity_ok;
	default:
		return 0;
	}
}

static enum pw_lint_status check(const struct pw_lint_ctx *ctx, char *details, size_t len,
                                 int strict)
{
	const struct milestone *m = milestone_for(ctx->cert->not_before);
	int64_t secs = pw_lint_validity_seconds(ctx->cert);
	int64_t days = pw_lint_validity_days(ctx->cert);
	int64_t limit = strict ? m->max_days : m->rec_days;
	if (days > limit)
		return pw_lint_fail(strict ? PW_LINT_ERROR : PW_LINT_WARN, details, len,
		                    "validity period is %lld s (%lld days counted as BR 6.3.2 does); "
		                    "a certificate %s %s have more than %lld days",
		                    (long long)secs, (long long)days, m->label,
		                    strict ? "MUST NOT" : "SHOULD NOT", (long long)limit);
	return PW_LINT_PASS;
}

static enum pw_lint_status check_max(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return check(ctx, details, len, 1);
}

static enum pw_lint_status check_rec(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return check(ctx, details, len, 0);
}

static const struct pw_lint_def defs[] = {
	{"e_pkiward_sub_cert_validity_exceeds_br_maximum", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 6.3.2 (ballot SC-081)",
	 "A Subscriber certificate's validity period must not exceed the maximum for its issuance "
	 "date: 398 days, 200 days from 2026-03-15, 100 days from 2027-03-15, 47 days from "
	 "2029-03-15.",
	 "2020-09-01", NULL, applies_subscriber, check_max, 0},
	{"w_pkiward_sub_cert_validity_exceeds_br_recommended", PW_LINT_WARN, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 6.3.2 (ballot SC-081)",
	 "A Subscriber certificate's validity period should stay one day below the maximum: 397, "
	 "199, 99 or 46 days depending on its issuance date.",
	 "2020-09-01", NULL, applies_subscriber, check_rec, 0},
};

const struct pw_lint_family pw_lint_family_pkiward_validity = {
	"pkiward_validity", defs, sizeof defs / sizeof defs[0],
};
