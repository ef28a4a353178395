/* pkiward lints: per-profile subject allow-lists and required attributes
 * for Subscriber certificates (BR 7.1.2.7.2-7.1.2.7.5, EVG 7.1.4.2).
 *
 * zlint keys its subject lints on the policy OID found in the certificate.
 * These lints key on the profile instead (ctx->profile: detected from the
 * policy OID in auto mode, or stated with --profile), so a TBS certificate
 * can be checked against the profile it is about to be issued under — the
 * IV precertificates that were issued without the subject fields their
 * policy requires (DESIGN.md) fail here before signing.
 *
 * Each profile's table is data: for every attribute type, whether it is
 * allowed (MAY / NOT RECOMMENDED / MUST), forbidden (MUST NOT) or not
 * listed ("any other attribute": MUST NOT for DV, NOT RECOMMENDED for IV and
 * OV (BR 7.1.4.4), SHALL NOT for EV (EVG 7.1.4.2.9)). */
#include <stdio.h>
#include <string.h>

#include "lint_util.h"

enum attr_rule { ATTR_UNLISTED = 0, ATTR_ALLOWED, ATTR_FORBIDDEN };

/* Largest table: the EV list (EVG 7.1.4.2.1-7.1.4.2.8). */
#define SUBJECT_RULES_MAX 16

struct subject_profile {
	enum pw_lint_profile profile;
	const char *section;
	enum attr_rule unlisted;       /* what "any other attribute" is */
	struct { enum pw_oid id; enum attr_rule rule; } rules[SUBJECT_RULES_MAX];
	/* Required: every id in `all`, and at least one of `one_of` when set. */
	enum pw_oid all[8];
	enum pw_oid one_of[2];
};

static const struct subject_profile profiles[] = {
	{PW_PROFILE_DV, "BR 7.1.2.7.2", ATTR_FORBIDDEN,
	 {{PW_OID_C, ATTR_ALLOWED}, {PW_OID_CN, ATTR_ALLOWED}},
	 {PW_OID_UNKNOWN}, {PW_OID_UNKNOWN}},
	{PW_PROFILE_IV, "BR 7.1.2.7.3", ATTR_UNLISTED,
	 {{PW_OID_C, ATTR_ALLOWED}, {PW_OID_ST, ATTR_ALLOWED}, {PW_OID_L, ATTR_ALLOWED},
	  {PW_OID_POSTAL_CODE, ATTR_ALLOWED}, {PW_OID_STREET, ATTR_ALLOWED},
	  {PW_OID_O, ATTR_ALLOWED}, {PW_OID_SURNAME, ATTR_ALLOWED},
	  {PW_OID_GIVEN_NAME, ATTR_ALLOWED}, {PW_OID_OU, ATTR_FORBIDDEN},
	  {PW_OID_CN, ATTR_ALLOWED}},
	 {PW_OID_C, PW_OID_SURNAME, PW_OID_GIVEN_NAME}, {PW_OID_ST, PW_OID_L}},
	{PW_PROFILE_OV, "BR 7.1.2.7.4", ATTR_UNLISTED,
	 {{PW_OID_DOMAIN_COMPONENT, ATTR_ALLOWED}, {PW_OID_C, ATTR_ALLOWED},
	  {PW_OID_ST, ATTR_ALLOWED}, {PW_OID_L, ATTR_ALLOWED}, {PW_OID_POSTAL_CODE, ATTR_ALLOWED},
	  {PW_OID_STREET, ATTR_ALLOWED}, {PW_OID_O, ATTR_ALLOWED},
	  {PW_OID_SURNAME, ATTR_FORBIDDEN}, {PW_OID_GIVEN_NAME, ATTR_FORBIDDEN},
	  {PW_OID_OU, ATTR_FORBIDDEN}, {PW_OID_CN, ATTR_ALLOWED}},
	 {PW_OID_C, PW_OID_O}, {PW_OID_ST, PW_OID_L}},
	{PW_PROFILE_EV, "EVG 7.1.4.2", ATTR_FORBIDDEN,
	 {{PW_OID_O, ATTR_ALLOWED}, {PW_OID_CN, ATTR_ALLOWED},
	  {PW_OID_BUSINESS_CATEGORY, ATTR_ALLOWED}, {PW_OID_JURISDICTION_L, ATTR_ALLOWED},
	  {PW_OID_JURISDICTION_ST, ATTR_ALLOWED}, {PW_OID_JURISDICTION_C, ATTR_ALLOWED},
	  {PW_OID_SERIAL_NUMBER, ATTR_ALLOWED}, {PW_OID_STREET, ATTR_ALLOWED},
	  {PW_OID_L, ATTR_ALLOWED}, {PW_OID_ST, ATTR_ALLOWED}, {PW_OID_C, ATTR_ALLOWED},
	  {PW_OID_POSTAL_CODE, ATTR_ALLOWED}, {PW_OID_OU, ATTR_FORBIDDEN},
	  {PW_OID_ORGANIZATION_IDENTIFIER, ATTR_ALLOWED}},
	 {PW_OID_O, PW_OID_BUSINESS_CATEGORY, PW_OID_JURISDICTION_C, PW_OID_SERIAL_NUMBER,
	  PW_OID_C},
	 {PW_OID_ST, PW_OID_L}},
};

static const struct subject_profile *profile_of(const struct pw_lint_ctx *ctx)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (profiles[i].profile == ctx->profile)
			return &profiles[i];
	return NULL;
}

static enum attr_rule rule_for(const struct subject_profile *p, enum pw_oid id)
{
	if (id != PW_OID_UNKNOWN)
		for (size_t i = 0; i < SUBJECT_RULES_MAX && p->rules[i].id != PW_OID_UNKNOWN; i++)
			if (p->rules[i].id == id)
				return p->rules[i].rule;
	return p->unlisted;
}

/* Names an attribute type for details: its short name, or its dotted OID. */
static const char *attr_name(const struct pw_attr *a, char *buf, size_t len)
{
	if (a->id != PW_OID_UNKNOWN)
		return pw_oid_name(a->id);
	/* Unknown types: print the OID content octets in hex, bounded. */
	size_t pos = 0;
	pos += (size_t)snprintf(buf, len, "OID ");
	for (size_t i = 0; i < a->oid.len && pos + 3 < len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%02x", a->oid.p[i]);
	return buf;
}

static int applies_profile(const struct pw_lint_ctx *ctx, enum pw_lint_profile want)
{
	return ctx->cert != NULL && ctx->profile == want;
}

static int applies_dv(const struct pw_lint_ctx *ctx) { return applies_profile(ctx, PW_PROFILE_DV); }
static int applies_iv(const struct pw_lint_ctx *ctx) { return applies_profile(ctx, PW_PROFILE_IV); }
static int applies_ov(const struct pw_lint_ctx *ctx) { return applies_profile(ctx, PW_PROFILE_OV); }
static int applies_ev(const struct pw_lint_ctx *ctx) { return applies_profile(ctx, PW_PROFILE_EV); }

/* Reports the first attribute whose rule is `want`. */
static enum pw_lint_status find_rule(const struct pw_lint_ctx *ctx, enum attr_rule want,
                                     enum pw_lint_status fail, const char *what, char *details,
                                     size_t len)
{
	const struct subject_profile *p = profile_of(ctx);
	const struct pw_name *n = &ctx->cert->subject;
	char tmp[80];
	if (p == NULL)
		return PW_LINT_NA;
	for (size_t i = 0; i < n->n_attrs; i++) {
		if (rule_for(p, n->attrs[i].id) == want)
			return pw_lint_fail(fail, details, len,
			                    "subject %s (RDN %u) is %s in the %s profile (%s)",
			                    attr_name(&n->attrs[i], tmp, sizeof tmp), n->attrs[i].rdn + 1,
			                    what, pw_lint_profile_str(p->profile), p->section);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_forbidden(const struct pw_lint_ctx *ctx, char *details,
                                           size_t len)
{
	return find_rule(ctx, ATTR_FORBIDDEN, PW_LINT_ERROR, "not allowed", details, len);
}

static enum pw_lint_status check_unlisted(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return find_rule(ctx, ATTR_UNLISTED, PW_LINT_WARN,
	                 "not in the profile's table (NOT RECOMMENDED; BR 7.1.4.4 applies)", details,
	                 len);
}

static enum pw_lint_status check_required(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct subject_profile *p = profile_of(ctx);
	const struct pw_name *n = &ctx->cert->subject;
	char missing[PW_LINT_DETAILS_MAX];
	size_t pos = 0;
	missing[0] = '\0';
	if (p == NULL)
		return PW_LINT_NA;
	/* Name every missing attribute: the operator fixes them all at once. */
	for (size_t i = 0; i < sizeof p->all / sizeof p->all[0] && p->all[i] != PW_OID_UNKNOWN; i++) {
		if (pw_lint_name_has(n, p->all[i]))
			continue;
		int w = snprintf(missing + pos, sizeof missing - pos, "%s%s", pos ? ", " : "",
		                 pw_oid_name(p->all[i]));
		if (w > 0 && (size_t)w < sizeof missing - pos)
			pos += (size_t)w;
	}
	if (p->one_of[0] != PW_OID_UNKNOWN && !pw_lint_name_has(n, p->one_of[0]) &&
	    !pw_lint_name_has(n, p->one_of[1])) {
		int w = snprintf(missing + pos, sizeof missing - pos, "%s%s or %s", pos ? ", " : "",
		                 pw_oid_name(p->one_of[0]), pw_oid_name(p->one_of[1]));
		if (w > 0 && (size_t)w < sizeof missing - pos)
			pos += (size_t)w;
	}
	if (pos > 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "subject lacks %s, required in the %s profile (%s)", missing,
		                    pw_lint_profile_str(p->profile), p->section);
	return PW_LINT_PASS;
}

/* BR 7.1.2.7.3-7.1.2.7.5: values that only say "absent" ('.', '-', ' '). */
static enum pw_lint_status check_metadata_only(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	char tmp[80];
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_der *v = &n->attrs[i].value;
		size_t k = 0;
		/* BMPString / UniversalString carry wider code units: skip them
		 * rather than misread the zero octets as metadata. */
		if (n->attrs[i].tag == PW_DER_BMP_STRING || n->attrs[i].tag == PW_DER_UNIVERSAL_STRING)
			continue;
		for (; k < v->len; k++)
			if (v->p[k] != '.' && v->p[k] != '-' && v->p[k] != ' ')
				break;
		if (k == v->len)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "subject %s holds only metadata characters ('%.*s')",
			                    attr_name(&n->attrs[i], tmp, sizeof tmp),
			                    (int)(v->len > 16 ? 16 : v->len), (const char *)v->p);
	}
	return PW_LINT_PASS;
}

static int applies_iv_ov_ev(const struct pw_lint_ctx *ctx)
{
	return applies_iv(ctx) || applies_ov(ctx) || applies_ev(ctx);
}

#define SUBJ_EFFECTIVE "2023-09-15" /* BR 2.0.0 (ballot SC-62) profile tables */

static const struct pw_lint_def defs[] = {
	{"e_pkiward_dv_subject_attribute_not_allowed", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.2",
	 "A Domain Validated certificate's subject may hold only countryName and commonName; "
	 "any other attribute is forbidden.",
	 SUBJ_EFFECTIVE, NULL, applies_dv, check_forbidden, 0},
	{"e_pkiward_iv_subject_attribute_not_allowed", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.3",
	 "An Individual Validated certificate's subject must not hold organizationalUnitName.",
	 SUBJ_EFFECTIVE, NULL, applies_iv, check_forbidden, 0},
	{"w_pkiward_iv_subject_attribute_not_listed", PW_LINT_WARN, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "BR 7.1.2.7.3; BR 7.1.4.4",
	 "An attribute outside the Individual Validated table is NOT RECOMMENDED and needs a "
	 "documented, CA-verified basis.",
	 SUBJ_EFFECTIVE, NULL, applies_iv, check_unlisted, 0},
	{"e_pkiward_iv_subject_required_attribute_missing", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.3",
	 "An Individual Validated certificate's subject must carry countryName, givenName, surname "
	 "and stateOrProvinceName or localityName.",
	 SUBJ_EFFECTIVE, NULL, applies_iv, check_required, 0},
	{"e_pkiward_ov_subject_attribute_not_allowed", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.4",
	 "An Organization Validated certificate's subject must not hold surname, givenName or "
	 "organizationalUnitName.",
	 SUBJ_EFFECTIVE, NULL, applies_ov, check_forbidden, 0},
	{"w_pkiward_ov_subject_attribute_not_listed", PW_LINT_WARN, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "BR 7.1.2.7.4; BR 7.1.4.4",
	 "An attribute outside the Organization Validated table is NOT RECOMMENDED and needs a "
	 "documented, CA-verified basis.",
	 SUBJ_EFFECTIVE, NULL, applies_ov, check_unlisted, 0},
	{"e_pkiward_ov_subject_required_attribute_missing", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.4",
	 "An Organization Validated certificate's subject must carry countryName, "
	 "organizationName and stateOrProvinceName or localityName.",
	 SUBJ_EFFECTIVE, NULL, applies_ov, check_required, 0},
	{"e_pkiward_ev_subject_attribute_not_allowed", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "EVG 7.1.4.2.7; EVG 7.1.4.2.9",
	 "An EV certificate's subject may hold only the attributes the EV Guidelines list; "
	 "organizationalUnitName and every unlisted attribute are forbidden.",
	 NULL, NULL, applies_ev, check_forbidden, 0},
	{"e_pkiward_ev_subject_required_attribute_missing", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "EVG 7.1.4.2",
	 "An EV certificate's subject must carry organizationName, businessCategory, "
	 "jurisdictionCountryName, serialNumber, countryName and stateOrProvinceName or "
	 "localityName.",
	 NULL, NULL, applies_ev, check_required, 0},
	{"e_pkiward_subject_attribute_metadata_only", PW_LINT_ERROR, PW_SRC_PKIWARD,
	 PW_TARGET_CERT, "BR 7.1.2.7.3; BR 7.1.2.7.4; BR 7.1.2.7.5",
	 "IV, OV and EV subject attributes must not consist only of metadata such as '.', '-' "
	 "or spaces.",
	 SUBJ_EFFECTIVE, NULL, applies_iv_ov_ev, check_metadata_only, 0},
};

const struct pw_lint_family pw_lint_family_pkiward_subject = {
	"pkiward_subject", defs, sizeof defs / sizeof defs[0],
};
