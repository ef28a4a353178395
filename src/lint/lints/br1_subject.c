/* pkiward — BR lints on Subscriber Certificate subjects: what the DV, OV and
 * IV profiles require and forbid (BR 7.1.2.7.2-7.1.2.7.4; the older
 * BR 7.1.6.4 wording for certificates before BR 2.0.0), attribute
 * uniqueness and order (BR 7.1.4.1, 7.1.4.2) and organizationalUnitName
 * (BR 7.1.4.2.2 (i)). */
#include <string.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

static int applies_dv_not_ca(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_DV) && !ctx->cert->is_ca;
}

static int applies_ov_not_ca(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_OV) && !ctx->cert->is_ca;
}

static int applies_iv_not_ca(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_IV) && !ctx->cert->is_ca;
}

static int applies_dv_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_DV) && pw_lint_is_subscriber(ctx);
}

static int applies_ov_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_OV) && pw_lint_is_subscriber(ctx);
}

static int applies_iv_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_policy(ctx->cert, PW_OID_CABF_IV) && pw_lint_is_subscriber(ctx);
}

static enum pw_lint_status forbid(const struct pw_lint_ctx *ctx, enum pw_oid id, char *details,
                                  size_t len)
{
	if (pw_lint_name_has(&ctx->cert->subject, id)) {
		br1_detail(details, len, "a domain-validated certificate's subject contains %s",
		           pw_oid_name(id));
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status require(const struct pw_lint_ctx *ctx, enum pw_oid id, const char *why,
                                   char *details, size_t len)
{
	if (!pw_lint_name_has(&ctx->cert->subject, id)) {
		br1_detail(details, len, "%s certificate's subject lacks %s", why, pw_oid_name(id));
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.6.4 (before BR 2.0.0): DV certificates carry no verified subject
 * identity, so organizationName, streetAddress, localityName,
 * stateOrProvinceName and postalCode are forbidden. */
static enum pw_lint_status check_dv_locality(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid(ctx, PW_OID_L, d, n);
}
static enum pw_lint_status check_dv_org(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid(ctx, PW_OID_O, d, n);
}
static enum pw_lint_status check_dv_postal(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid(ctx, PW_OID_POSTAL_CODE, d, n);
}
static enum pw_lint_status check_dv_province(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid(ctx, PW_OID_ST, d, n);
}
static enum pw_lint_status check_dv_street(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid(ctx, PW_OID_STREET, d, n);
}

/* BR 7.1.2.7.2: a DV subject holds at most countryName and commonName. */
static enum pw_lint_status check_dv_subject(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	size_t i;

	for (i = 0; i < n->n_attrs; i++) {
		if (n->attrs[i].id == PW_OID_CN || n->attrs[i].id == PW_OID_C)
			continue;
		br1_detail(details, len, "a domain-validated subject may only hold countryName and "
		           "commonName; found %s", n->attrs[i].id != PW_OID_UNKNOWN
		           ? pw_oid_name(n->attrs[i].id) : "an unknown attribute");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.6.4 (before BR 2.0.0): an IV subject names either an organization
 * or a person (givenName and surname). */
static enum pw_lint_status check_iv_personal(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;

	if (pw_lint_name_has(n, PW_OID_O) ||
	    (pw_lint_name_has(n, PW_OID_GIVEN_NAME) && pw_lint_name_has(n, PW_OID_SURNAME)))
		return PW_LINT_PASS;
	br1_detail(details, len, "an individual-validated subject needs organizationName or both "
	           "givenName and surname");
	return PW_LINT_ERROR;
}

/* BR 7.1.2.7.3: an IV subject names the person: givenName and surname. */
static enum pw_lint_status check_iv_personal_strict(const struct pw_lint_ctx *ctx, char *details,
                                                    size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;

	if (pw_lint_name_has(n, PW_OID_GIVEN_NAME) && pw_lint_name_has(n, PW_OID_SURNAME))
		return PW_LINT_PASS;
	br1_detail(details, len, "an individual-validated subject needs both givenName and surname");
	return PW_LINT_ERROR;
}

/* BR 7.1.2.7.4: organizationName is required in OV certificates. */
static enum pw_lint_status check_ov_org(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return require(ctx, PW_OID_O, "an organization-validated", d, n);
}

/* BR 7.1.2.7.3 / 7.1.2.7.4: countryName is required in IV and OV. */
static enum pw_lint_status check_iv_country(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return require(ctx, PW_OID_C, "an individual-validated", d, n);
}
static enum pw_lint_status check_ov_country(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return require(ctx, PW_OID_C, "an organization-validated", d, n);
}

/* BR 7.1.6.4 / 7.1.4.2.2 (e, f): localityName or stateOrProvinceName. */
static enum pw_lint_status require_l_or_st(const struct pw_lint_ctx *ctx, const char *why,
                                           char *details, size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;

	if (pw_lint_name_has(n, PW_OID_L) || pw_lint_name_has(n, PW_OID_ST))
		return PW_LINT_PASS;
	br1_detail(details, len, "%s subject needs localityName or stateOrProvinceName", why);
	return PW_LINT_ERROR;
}
static enum pw_lint_status check_iv_l_or_st(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return require_l_or_st(ctx, "an individual-validated", d, n);
}
static enum pw_lint_status check_ov_l_or_st(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return require_l_or_st(ctx, "an organization-validated", d, n);
}

/* BR 7.1.4.1: a Name must not contain more than one instance of these
 * attribute types across all its RDNs. */
static int single_instance_type(enum pw_oid id)
{
	switch (id) {
	case PW_OID_JURISDICTION_L: case PW_OID_JURISDICTION_ST: case PW_OID_JURISDICTION_C:
	case PW_OID_CN: case PW_OID_SURNAME: case PW_OID_SERIAL_NUMBER: case PW_OID_C:
	case PW_OID_L: case PW_OID_ST: case PW_OID_O: case PW_OID_BUSINESS_CATEGORY:
	case PW_OID_GIVEN_NAME: case PW_OID_ORGANIZATION_IDENTIFIER:
		return 1;
	default:
		return 0;
	}
}

static enum pw_lint_status check_duplicate_attrs(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	size_t i, j;

	for (i = 0; i < n->n_attrs; i++) {
		if (!single_instance_type(n->attrs[i].id))
			continue;
		for (j = 0; j < i; j++) {
			if (n->attrs[j].id == n->attrs[i].id) {
				br1_detail(details, len, "subject holds more than one %s",
				           pw_oid_name(n->attrs[i].id));
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

static int applies_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx);
}

/* BR 7.1.4.2: the subject attributes that appear are encoded in the order
 * domainComponent, countryName, stateOrProvinceName, localityName,
 * postalCode, streetAddress, organizationName, surname, givenName,
 * organizationalUnitName, commonName; other types are not ordered. */
static int rdn_rank(enum pw_oid id)
{
	switch (id) {
	case PW_OID_DOMAIN_COMPONENT: return 0;
	case PW_OID_C: return 1;
	case PW_OID_ST: return 2;
	case PW_OID_L: return 3;
	case PW_OID_POSTAL_CODE: return 4;
	case PW_OID_STREET: return 5;
	case PW_OID_O: return 6;
	case PW_OID_SURNAME: return 7;
	case PW_OID_GIVEN_NAME: return 8;
	case PW_OID_OU: return 9;
	case PW_OID_CN: return 10;
	default: return -1;
	}
}

static enum pw_lint_status check_rdn_order(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	int prev = 0;
	size_t i;

	for (i = 0; i < n->n_attrs; i++) {
		int r = rdn_rank(n->attrs[i].id);
		if (r < 0)
			continue;
		if (r < prev) {
			br1_detail(details, len, "subject attribute %s is out of the order BR 7.1.4.2 "
			           "requires", pw_oid_name(n->attrs[i].id));
			return PW_LINT_ERROR;
		}
		prev = r;
	}
	return PW_LINT_PASS;
}

static int applies_not_ca(const struct pw_lint_ctx *ctx)
{
	return !ctx->cert->is_ca;
}

/* BR 7.1.4.2.2 (i): organizationalUnitName is prohibited in certificates
 * issued on or after 2022-09-01. */
static enum pw_lint_status check_ou(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	size_t i;

	for (i = 0; i < n->n_attrs; i++) {
		if (n->attrs[i].id == PW_OID_OU && br1_attr_is_string(&n->attrs[i])) {
			br1_detail(details, len, "subject contains organizationalUnitName");
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

#define DV_CONFLICT(nm, what, fn)                                                                  \
	{nm, PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.6.4",                          \
	 "A certificate asserting the domain-validated policy (2.23.140.1.2.1) must not include " \
	 what " in its subject.",                                                                  \
	 "2012-07-01", "2023-09-15", applies_dv_not_ca, fn, 0}

static const struct pw_lint_def defs[] = {
	DV_CONFLICT("e_cab_dv_conflicts_with_locality", "localityName", check_dv_locality),
	DV_CONFLICT("e_cab_dv_conflicts_with_org", "organizationName", check_dv_org),
	DV_CONFLICT("e_cab_dv_conflicts_with_postal", "postalCode", check_dv_postal),
	DV_CONFLICT("e_cab_dv_conflicts_with_province", "stateOrProvinceName", check_dv_province),
	DV_CONFLICT("e_cab_dv_conflicts_with_street", "streetAddress", check_dv_street),
	{"e_cab_dv_subject_invalid_values", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.2",
	 "The subject of a domain-validated subscriber certificate may contain only countryName "
	 "and commonName.",
	 "2023-09-15", NULL, applies_dv_subscriber, check_dv_subject, 0},
	{"e_cab_iv_requires_personal_name", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.6.4",
	 "A certificate asserting the individual-validated policy (2.23.140.1.2.3) must name an "
	 "organization or a person (givenName and surname) in its subject.",
	 "2015-09-28", "2023-09-15", applies_iv_not_ca, check_iv_personal, 0},
	{"e_cab_iv_requires_personal_name_strict", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.3",
	 "A certificate asserting the individual-validated policy (2.23.140.1.2.3) must include "
	 "both givenName and surname in its subject.",
	 "2023-09-15", NULL, applies_iv_not_ca, check_iv_personal_strict, 0},
	{"e_cab_ov_requires_org", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.7.4",
	 "A certificate asserting the organization-validated policy (2.23.140.1.2.2) must include "
	 "organizationName in its subject.",
	 "2012-07-01", NULL, applies_ov_not_ca, check_ov_org, 0},
	{"e_cert_policy_iv_requires_country", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.3",
	 "A certificate asserting the individual-validated policy must include countryName in its "
	 "subject.",
	 "2015-09-28", NULL, applies_iv_not_ca, check_iv_country, 0},
	{"e_cert_policy_iv_requires_province_or_locality", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 7.1.6.4",
	 "A subscriber certificate asserting the individual-validated policy must include "
	 "localityName or stateOrProvinceName in its subject.",
	 "2015-09-28", NULL, applies_iv_subscriber, check_iv_l_or_st, 0},
	{"e_cert_policy_ov_requires_country", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.4",
	 "A certificate asserting the organization-validated policy must include countryName in "
	 "its subject.",
	 "2012-07-01", NULL, applies_ov_not_ca, check_ov_country, 0},
	{"e_cert_policy_ov_requires_province_or_locality", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 7.1.6.4",
	 "A subscriber certificate asserting the organization-validated policy must include "
	 "localityName or stateOrProvinceName in its subject.",
	 "2012-07-01", NULL, applies_ov_subscriber, check_ov_l_or_st, 0},
	{"e_duplicate_subject_attribs", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.1",
	 "A subject must not repeat single-instance attribute types (commonName, countryName, "
	 "organizationName, serialNumber, jurisdiction fields, ...) across its RDNs.",
	 "2023-09-15", NULL, NULL, check_duplicate_attrs, 0},
	{"e_invalid_subject_rdn_order", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.2",
	 "The subject attributes of a subscriber certificate must appear in the order the BRs "
	 "prescribe (domainComponent, country, state, locality, postal code, street, "
	 "organization, surname, given name, organizational unit, common name).",
	 "2023-09-15", NULL, applies_subscriber, check_rdn_order, 0},
	{"e_organizational_unit_name_prohibited", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.4.2.2 (i)",
	 "Subscriber certificates issued from 2022-09-01 must not contain organizationalUnitName.",
	 "2022-09-01", NULL, applies_not_ca, check_ou, 0},
};

const struct pw_lint_family pw_lint_family_br1_subject = {"br1_subject", defs,
                                                          sizeof defs / sizeof defs[0]};
