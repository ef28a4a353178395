/* pkiward lints: the extension tables of the BR 2.x certificate profiles
 * (BR 7.1.2, ballot SC-62, effective 2023-09-15):
 *
 *   Root CA                        7.1.2.1.2
 *   Precertificate Signing CA      7.1.2.4.1
 *   TLS Subordinate CA             7.1.2.6.1
 *   Subscriber (DV/OV/IV/EV)       7.1.2.7.6
 *   OCSP Responder                 7.1.2.8.2
 *
 * Each table row is data: presence (MUST, SHOULD/RECOMMENDED, MAY,
 * NOT RECOMMENDED, SHOULD NOT, MUST NOT, or conditional) and criticality
 * (Y = must be critical, N = must not be, * = depends). "Any other
 * extension" is NOT RECOMMENDED in every table. The profile comes from
 * ctx->profile (detected, or stated with --profile), so a TBS certificate is
 * checked against the profile it is meant for. A precertificate is checked
 * as the certificate it promises (BR 7.1.2.9): its poison extension is not
 * counted as an "other" extension (pkiward_ct.c checks it). */
#include <stdio.h>

#include "lint_util.h"

enum presence {
	P_MUST = 1,       /* MUST */
	P_SHOULD,         /* SHOULD / RECOMMENDED */
	P_MAY,            /* MAY */
	P_COND,           /* "*": depends on other content (checked elsewhere) */
	P_NOT_REC,        /* NOT RECOMMENDED */
	P_SHOULD_NOT,     /* SHOULD NOT */
	P_MUST_NOT        /* MUST NOT */
};

enum crit { C_ANY = 0, C_YES, C_NO, C_SAN /* critical iff subject is empty (7.1.2.7.12) */ };

struct ext_rule {
	enum pw_oid id;
	enum presence presence;
	enum crit crit;
};

#define PROFILE_RULES_MAX 16

struct ext_profile {
	enum pw_lint_profile profile;
	const char *section;
	struct ext_rule rules[PROFILE_RULES_MAX];
};

#define SUBSCRIBER_RULES \
	{{PW_OID_EXT_AIA, P_MUST, C_NO}, {PW_OID_EXT_AKI, P_MUST, C_NO}, \
	 {PW_OID_EXT_CERTIFICATE_POLICIES, P_MUST, C_NO}, {PW_OID_EXT_EXT_KEY_USAGE, P_MUST, C_NO}, \
	 {PW_OID_EXT_SAN, P_MUST, C_SAN}, {PW_OID_EXT_NAME_CONSTRAINTS, P_MUST_NOT, C_ANY}, \
	 {PW_OID_EXT_KEY_USAGE, P_SHOULD, C_YES}, {PW_OID_EXT_BASIC_CONSTRAINTS, P_MAY, C_YES}, \
	 {PW_OID_EXT_CRL_DISTRIBUTION_POINTS, P_COND, C_NO}, {PW_OID_EXT_SCT_LIST, P_MAY, C_NO}, \
	 {PW_OID_EXT_SKI, P_NOT_REC, C_NO}}

#define SUBCA_RULES(eku) \
	{{PW_OID_EXT_AKI, P_MUST, C_NO}, {PW_OID_EXT_BASIC_CONSTRAINTS, P_MUST, C_YES}, \
	 {PW_OID_EXT_CERTIFICATE_POLICIES, P_MUST, C_NO}, \
	 {PW_OID_EXT_CRL_DISTRIBUTION_POINTS, P_MUST, C_NO}, {PW_OID_EXT_KEY_USAGE, P_MUST, C_YES}, \
	 {PW_OID_EXT_SKI, P_MUST, C_NO}, {PW_OID_EXT_EXT_KEY_USAGE, eku, C_NO}, \
	 {PW_OID_EXT_AIA, P_SHOULD, C_NO}, {PW_OID_EXT_NAME_CONSTRAINTS, P_MAY, C_ANY}, \
	 {PW_OID_EXT_SCT_LIST, P_MAY, C_NO}}

static const struct ext_profile profiles[] = {
	{PW_PROFILE_ROOT, "BR 7.1.2.1.2",
	 {{PW_OID_EXT_AKI, P_SHOULD, C_NO}, {PW_OID_EXT_BASIC_CONSTRAINTS, P_MUST, C_YES},
	  {PW_OID_EXT_KEY_USAGE, P_MUST, C_YES}, {PW_OID_EXT_SKI, P_MUST, C_NO},
	  {PW_OID_EXT_EXT_KEY_USAGE, P_MUST_NOT, C_ANY},
	  {PW_OID_EXT_CERTIFICATE_POLICIES, P_NOT_REC, C_NO}, {PW_OID_EXT_SCT_LIST, P_MAY, C_NO}}},
	{PW_PROFILE_PRECERT_SIGNING_CA, "BR 7.1.2.4.1", SUBCA_RULES(P_MUST)},
	{PW_PROFILE_SUBORDINATE_CA, "BR 7.1.2.6.1", SUBCA_RULES(P_MUST)},
	{PW_PROFILE_DV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_OV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_IV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_EV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_SUBSCRIBER, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_OCSP_RESPONDER, "BR 7.1.2.8.2",
	 {{PW_OID_EXT_AKI, P_MUST, C_NO}, {PW_OID_EXT_EXT_KEY_USAGE, P_MUST, C_ANY},
	  {PW_OID_EXT_OCSP_NOCHECK, P_MUST, C_NO}, {PW_OID_EXT_KEY_USAGE, P_MUST, C_YES},
	  {PW_OID_EXT_BASIC_CONSTRAINTS, P_MAY, C_YES}, {PW_OID_EXT_NAME_CONSTRAINTS, P_MUST_NOT, C_ANY},
	  {PW_OID_EXT_SAN, P_MUST_NOT, C_ANY}, {PW_OID_EXT_SKI, P_SHOULD, C_NO},
	  {PW_OID_EXT_AIA, P_NOT_REC, C_NO}, {PW_OID_EXT_CERTIFICATE_POLICIES, P_SHOULD_NOT, C_NO},
	  {PW_OID_EXT_CRL_DISTRIBUTION_POINTS, P_MUST_NOT, C_NO}, {PW_OID_EXT_SCT_LIST, P_MAY, C_NO}}},
};

static const struct ext_profile *profile_of(const struct pw_lint_ctx *ctx)
{
	if (ctx->cert == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (profiles[i].profile == ctx->profile)
			return &profiles[i];
	return NULL;
}

static const struct ext_rule *rule_for(const struct ext_profile *p, enum pw_oid id)
{
	if (id == PW_OID_UNKNOWN)
		return NULL;
	for (size_t i = 0; i < PROFILE_RULES_MAX && p->rules[i].id != PW_OID_UNKNOWN; i++)
		if (p->rules[i].id == id)
			return &p->rules[i];
	return NULL;
}

static int applies(const struct pw_lint_ctx *ctx)
{
	return profile_of(ctx) != NULL;
}

static const char *ext_name(const struct pw_ext *e)
{
	return e->id != PW_OID_UNKNOWN ? pw_oid_name(e->id) : "an unknown extension";
}

/* Missing extensions whose presence is `want`. */
static enum pw_lint_status missing(const struct pw_lint_ctx *ctx, enum presence want,
                                   enum pw_lint_status fail, char *details, size_t len)
{
	const struct ext_profile *p = profile_of(ctx);
	for (size_t i = 0; i < PROFILE_RULES_MAX && p->rules[i].id != PW_OID_UNKNOWN; i++) {
		if (p->rules[i].presence != want || pw_lint_has_ext(ctx->cert, p->rules[i].id))
			continue;
		return pw_lint_fail(fail, details, len, "%s is %s in the %s profile (%s)",
		                    pw_oid_name(p->rules[i].id),
		                    want == P_MUST ? "required" : "recommended",
		                    pw_lint_profile_str(p->profile), p->section);
	}
	return PW_LINT_PASS;
}

/* Present extensions whose presence is `want` (P_NOT_REC also covers
 * extensions the table does not list). */
static enum pw_lint_status present(const struct pw_lint_ctx *ctx, enum presence want,
                                   enum pw_lint_status fail, char *details, size_t len)
{
	const struct ext_profile *p = profile_of(ctx);
	for (size_t i = 0; i < ctx->cert->n_exts; i++) {
		const struct pw_ext *e = &ctx->cert->exts[i];
		const struct ext_rule *r = rule_for(p, e->id);
		enum presence pr = r != NULL ? r->presence : P_NOT_REC;
		if (r == NULL && e->id == PW_OID_EXT_CT_POISON)
			continue; /* precertificates are linted as their certificate */
		if (pr != want)
			continue;
		return pw_lint_fail(fail, details, len, "%s (byte %zu) is %s in the %s profile (%s)",
		                    ext_name(e), e->offset,
		                    want == P_MUST_NOT     ? "forbidden"
		                    : want == P_SHOULD_NOT ? "discouraged (SHOULD NOT)"
		                    : r == NULL            ? "not listed (any other extension: NOT RECOMMENDED)"
		                                           : "NOT RECOMMENDED",
		                    pw_lint_profile_str(p->profile), p->section);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_required(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return missing(ctx, P_MUST, PW_LINT_ERROR, d, n);
}

static enum pw_lint_status check_recommended(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return missing(ctx, P_SHOULD, PW_LINT_WARN, d, n);
}

static enum pw_lint_status check_forbidden(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return present(ctx, P_MUST_NOT, PW_LINT_ERROR, d, n);
}

static enum pw_lint_status check_should_not(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return present(ctx, P_SHOULD_NOT, PW_LINT_WARN, d, n);
}

static enum pw_lint_status check_not_recommended(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return present(ctx, P_NOT_REC, PW_LINT_NOTICE, d, n);
}

static enum pw_lint_status check_criticality(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	const struct ext_profile *p = profile_of(ctx);
	for (size_t i = 0; i < ctx->cert->n_exts; i++) {
		const struct pw_ext *e = &ctx->cert->exts[i];
		const struct ext_rule *r = rule_for(p, e->id);
		if (r == NULL || r->crit == C_ANY)
			continue;
		int want = r->crit == C_YES || (r->crit == C_SAN && ctx->cert->subject.n_attrs == 0);
		if (e->critical != want)
			return pw_lint_fail(PW_LINT_ERROR, d, n,
			                    "%s (byte %zu) is %scritical; the %s profile requires it %s "
			                    "(%s)",
			                    ext_name(e), e->offset, e->critical ? "" : "not ",
			                    pw_lint_profile_str(p->profile),
			                    want ? "critical" : "non-critical", p->section);
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.4 / section 1.2.2: from 2026-03-15 the Precertificate Signing CA
 * profile MUST NOT be used. */
static int applies_precert_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert != NULL && ctx->cert->is_ca &&
	       pw_lint_has_eku(ctx->cert, PW_OID_EXT_CT_PRECERT_SIGNING);
}

static enum pw_lint_status check_precert_ca(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	(void)ctx;
	return pw_lint_fail(PW_LINT_ERROR, d, n,
	                    "CA certificate with the Precertificate Signing EKU issued on or after "
	                    "2026-03-15");
}

#define PROFILE_EFFECTIVE "2023-09-15" /* BR 2.0.0, ballot SC-62 */
#define PROFILE_CITATION "BR 7.1.2.1.2; 7.1.2.4.1; 7.1.2.6.1; 7.1.2.7.6; 7.1.2.8.2"

static const struct pw_lint_def defs[] = {
	{"e_pkiward_profile_required_extension_missing", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, PROFILE_CITATION,
	 "Every extension the certificate's BR profile marks MUST must be present.",
	 PROFILE_EFFECTIVE, NULL, applies, check_required, 0},
	{"w_pkiward_profile_recommended_extension_missing", PW_LINT_WARN, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, PROFILE_CITATION,
	 "Extensions the certificate's BR profile marks SHOULD or RECOMMENDED should be present.",
	 PROFILE_EFFECTIVE, NULL, applies, check_recommended, 0},
	{"e_pkiward_profile_forbidden_extension_present", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, PROFILE_CITATION,
	 "Extensions the certificate's BR profile marks MUST NOT must be absent.",
	 PROFILE_EFFECTIVE, NULL, applies, check_forbidden, 0},
	{"w_pkiward_profile_discouraged_extension_present", PW_LINT_WARN, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, PROFILE_CITATION,
	 "Extensions the certificate's BR profile marks SHOULD NOT should be absent.",
	 PROFILE_EFFECTIVE, NULL, applies, check_should_not, 0},
	{"n_pkiward_profile_not_recommended_extension_present", PW_LINT_NOTICE, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, PROFILE_CITATION "; 7.1.2.11.5",
	 "The certificate carries an extension its BR profile marks NOT RECOMMENDED, or one the "
	 "profile does not list.",
	 PROFILE_EFFECTIVE, NULL, applies, check_not_recommended, 0},
	{"e_pkiward_profile_extension_criticality", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 PROFILE_CITATION "; 7.1.2.7.12",
	 "Each extension must be critical or non-critical as the certificate's BR profile "
	 "requires.",
	 PROFILE_EFFECTIVE, NULL, applies, check_criticality, 0},
	{"e_pkiward_precert_signing_ca_after_sunset", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.4; BR 1.2.2",
	 "From 2026-03-15 CAs must not issue Precertificate Signing CA certificates.",
	 "2026-03-15", NULL, applies_precert_ca, check_precert_ca, 0},
};

const struct pw_lint_family pw_lint_family_pkiward_profile = {
	"pkiward_profile", defs, sizeof defs / sizeof defs[0],
};
