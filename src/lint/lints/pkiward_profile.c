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

/* The extensions the tables name, as dense slots so that a rule lookup is
 * one switch and one array read (these lints run on every certificate). */
enum slot {
	S_AIA, S_AKI, S_CP, S_EKU, S_SAN, S_NC, S_KU, S_BC, S_CRLDP, S_SCT, S_SKI, S_NOCHECK,
	S_COUNT
};

static const enum pw_oid slot_oid[S_COUNT] = {
	[S_AIA] = PW_OID_EXT_AIA, [S_AKI] = PW_OID_EXT_AKI,
	[S_CP] = PW_OID_EXT_CERTIFICATE_POLICIES, [S_EKU] = PW_OID_EXT_EXT_KEY_USAGE,
	[S_SAN] = PW_OID_EXT_SAN, [S_NC] = PW_OID_EXT_NAME_CONSTRAINTS,
	[S_KU] = PW_OID_EXT_KEY_USAGE, [S_BC] = PW_OID_EXT_BASIC_CONSTRAINTS,
	[S_CRLDP] = PW_OID_EXT_CRL_DISTRIBUTION_POINTS, [S_SCT] = PW_OID_EXT_SCT_LIST,
	[S_SKI] = PW_OID_EXT_SKI, [S_NOCHECK] = PW_OID_EXT_OCSP_NOCHECK,
};

static int slot_of(enum pw_oid id)
{
	switch (id) {
	case PW_OID_EXT_AIA: return S_AIA;
	case PW_OID_EXT_AKI: return S_AKI;
	case PW_OID_EXT_CERTIFICATE_POLICIES: return S_CP;
	case PW_OID_EXT_EXT_KEY_USAGE: return S_EKU;
	case PW_OID_EXT_SAN: return S_SAN;
	case PW_OID_EXT_NAME_CONSTRAINTS: return S_NC;
	case PW_OID_EXT_KEY_USAGE: return S_KU;
	case PW_OID_EXT_BASIC_CONSTRAINTS: return S_BC;
	case PW_OID_EXT_CRL_DISTRIBUTION_POINTS: return S_CRLDP;
	case PW_OID_EXT_SCT_LIST: return S_SCT;
	case PW_OID_EXT_SKI: return S_SKI;
	case PW_OID_EXT_OCSP_NOCHECK: return S_NOCHECK;
	default: return -1;
	}
}

struct ext_rule {
	uint8_t presence; /* enum presence; 0 = not listed ("any other extension") */
	uint8_t crit;     /* enum crit */
};

struct ext_profile {
	enum pw_lint_profile profile;
	const char *section;
	struct ext_rule rules[S_COUNT];
};

#define R(p, c) {(p), (c)}

#define SUBSCRIBER_RULES \
	{[S_AIA] = R(P_MUST, C_NO), [S_AKI] = R(P_MUST, C_NO), [S_CP] = R(P_MUST, C_NO), \
	 [S_EKU] = R(P_MUST, C_NO), [S_SAN] = R(P_MUST, C_SAN), [S_NC] = R(P_MUST_NOT, C_ANY), \
	 [S_KU] = R(P_SHOULD, C_YES), [S_BC] = R(P_MAY, C_YES), [S_CRLDP] = R(P_COND, C_NO), \
	 [S_SCT] = R(P_MAY, C_NO), [S_SKI] = R(P_NOT_REC, C_NO)}

/* 7.1.2.4.1 and 7.1.2.6.1 are the same table. */
#define SUBCA_RULES \
	{[S_AKI] = R(P_MUST, C_NO), [S_BC] = R(P_MUST, C_YES), [S_CP] = R(P_MUST, C_NO), \
	 [S_CRLDP] = R(P_MUST, C_NO), [S_KU] = R(P_MUST, C_YES), [S_SKI] = R(P_MUST, C_NO), \
	 [S_EKU] = R(P_MUST, C_NO), [S_AIA] = R(P_SHOULD, C_NO), [S_NC] = R(P_MAY, C_ANY), \
	 [S_SCT] = R(P_MAY, C_NO)}

static const struct ext_profile profiles[] = {
	{PW_PROFILE_ROOT, "BR 7.1.2.1.2",
	 {[S_AKI] = R(P_SHOULD, C_NO), [S_BC] = R(P_MUST, C_YES), [S_KU] = R(P_MUST, C_YES),
	  [S_SKI] = R(P_MUST, C_NO), [S_EKU] = R(P_MUST_NOT, C_ANY), [S_CP] = R(P_NOT_REC, C_NO),
	  [S_SCT] = R(P_MAY, C_NO)}},
	{PW_PROFILE_PRECERT_SIGNING_CA, "BR 7.1.2.4.1", SUBCA_RULES},
	{PW_PROFILE_SUBORDINATE_CA, "BR 7.1.2.6.1", SUBCA_RULES},
	{PW_PROFILE_DV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_OV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_IV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_EV, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_SUBSCRIBER, "BR 7.1.2.7.6", SUBSCRIBER_RULES},
	{PW_PROFILE_OCSP_RESPONDER, "BR 7.1.2.8.2",
	 {[S_AKI] = R(P_MUST, C_NO), [S_EKU] = R(P_MUST, C_ANY), [S_NOCHECK] = R(P_MUST, C_NO),
	  [S_KU] = R(P_MUST, C_YES), [S_BC] = R(P_MAY, C_YES), [S_NC] = R(P_MUST_NOT, C_ANY),
	  [S_SAN] = R(P_MUST_NOT, C_ANY), [S_SKI] = R(P_SHOULD, C_NO), [S_AIA] = R(P_NOT_REC, C_NO),
	  [S_CP] = R(P_SHOULD_NOT, C_NO), [S_CRLDP] = R(P_MUST_NOT, C_NO),
	  [S_SCT] = R(P_MAY, C_NO)}},
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

static int applies(const struct pw_lint_ctx *ctx)
{
	return profile_of(ctx) != NULL;
}

static const char *ext_name(const struct pw_ext *e)
{
	return e->id != PW_OID_UNKNOWN ? pw_oid_name(e->id) : "an unknown extension";
}

/* Missing extensions whose presence is `want`: one pass over the
 * extensions builds the set of slots present. */
static enum pw_lint_status missing(const struct pw_lint_ctx *ctx, enum presence want,
                                   enum pw_lint_status fail, char *details, size_t len)
{
	const struct ext_profile *p = profile_of(ctx);
	unsigned have = 0;
	for (size_t i = 0; i < ctx->cert->n_exts; i++) {
		int sl = slot_of(ctx->cert->exts[i].id);
		if (sl >= 0)
			have |= 1u << sl;
	}
	for (int sl = 0; sl < S_COUNT; sl++) {
		if (p->rules[sl].presence != want || (have & (1u << sl)))
			continue;
		return pw_lint_fail(fail, details, len, "%s is %s in the %s profile (%s)",
		                    pw_oid_name(slot_oid[sl]),
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
		int sl = slot_of(e->id);
		enum presence pr = sl >= 0 && p->rules[sl].presence ? (enum presence)p->rules[sl].presence
		                                                    : P_NOT_REC;
		int listed = sl >= 0 && p->rules[sl].presence;
		if (!listed && e->id == PW_OID_EXT_CT_POISON)
			continue; /* precertificates are linted as their certificate */
		if (pr != want)
			continue;
		return pw_lint_fail(fail, details, len, "%s (byte %zu) is %s in the %s profile (%s)",
		                    ext_name(e), e->offset,
		                    want == P_MUST_NOT     ? "forbidden"
		                    : want == P_SHOULD_NOT ? "discouraged (SHOULD NOT)"
		                    : !listed              ? "not listed (any other extension: NOT RECOMMENDED)"
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
		int sl = slot_of(e->id);
		if (sl < 0 || p->rules[sl].presence == 0 || p->rules[sl].crit == C_ANY)
			continue;
		int want = p->rules[sl].crit == C_YES ||
		           (p->rules[sl].crit == C_SAN && ctx->cert->subject.n_attrs == 0);
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
