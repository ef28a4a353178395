/* pkiward — BR lints on CA certificates: subject fields (BR 7.1.2.10.2),
 * key usage (BR 7.1.2.10.7, RFC 5280 §4.2.1.3), basicConstraints
 * (BR 7.1.2.10.4), EKU (BR 7.1.2.10.6) and certificate policies
 * (BR 7.1.2.10.5). */
#include <string.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

#define KU_DIGITAL_SIGNATURE (1u << 0)
#define KU_KEY_CERT_SIGN (1u << 5)
#define KU_CRL_SIGN (1u << 6)

static int applies_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca;
}

static int applies_ca_with_ku(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca && pw_lint_has_ext(ctx->cert, PW_OID_EXT_KEY_USAGE);
}

/* BR 7.1.2.10.2: commonName is a MUST in CA certificate subjects. The
 * commonName read is the last string-valued one, and an empty value does
 * not count as present. */
static enum pw_lint_status check_ca_cn(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	char buf[BR1_CN_BUF];
	const uint8_t *cn;
	size_t cn_len;

	br1_subject_cn_bytes(ctx->cert, buf, sizeof buf, &cn, &cn_len);
	if (cn_len == 0) {
		br1_detail(details, len, "CA certificate subject has no (non-empty) commonName");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_ca_with_country(const struct pw_lint_ctx *ctx)
{
	const struct pw_name *n = &ctx->cert->subject;
	size_t i;

	if (!ctx->cert->is_ca)
		return 0;
	for (i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == PW_OID_C && br1_attr_is_string(&n->attrs[i]))
			return 1;
	return 0;
}

/* BR 7.1.2.10.2: countryName holds the ISO 3166-1 two-letter code of the
 * country of the CA's place of business. */
static enum pw_lint_status check_ca_country_invalid(const struct pw_lint_ctx *ctx, char *details,
                                                    size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	size_t i;

	for (i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		if (a->id != PW_OID_C || !br1_attr_is_string(a))
			continue;
		if (!br1_is_iso_country(a->value.p, a->value.len)) {
			br1_detail(details, len, "countryName \"%.*s\" is not an ISO 3166-1 code",
			           (int)(a->value.len > 16 ? 16 : a->value.len), (const char *)a->value.p);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

/* The first string value of an attribute type is present and non-empty. */
static int first_value_nonempty(const struct pw_name *n, enum pw_oid id)
{
	size_t i;

	for (i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id && br1_attr_is_string(&n->attrs[i]))
			return n->attrs[i].value.len > 0;
	return 0;
}

static enum pw_lint_status check_ca_country_missing(const struct pw_lint_ctx *ctx, char *details,
                                                    size_t len)
{
	if (!first_value_nonempty(&ctx->cert->subject, PW_OID_C)) {
		br1_detail(details, len, "CA certificate subject has no (non-empty) countryName");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_ca_org_missing(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	if (!first_value_nonempty(&ctx->cert->subject, PW_OID_O)) {
		br1_detail(details, len, "CA certificate subject has no (non-empty) organizationName");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.10.7: cRLSign MUST be set in CA certificates. */
static enum pw_lint_status check_crl_sign(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!(ctx->cert->x.ku.bits & KU_CRL_SIGN)) {
		br1_detail(details, len, "keyUsage lacks cRLSign");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.10.7: keyCertSign MUST be set in CA certificates. */
static enum pw_lint_status check_cert_sign(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!(ctx->cert->x.ku.bits & KU_KEY_CERT_SIGN)) {
		br1_detail(details, len, "keyUsage lacks keyCertSign");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.10.7 / RFC 5280 §4.2.1.3: a CA certificate carries keyUsage
 * (with at least one bit asserted). */
static enum pw_lint_status check_ku_missing(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!ctx->cert->x.ku.present || (ctx->cert->x.ku.bits & BR1_KU_DEFINED) == 0) {
		br1_detail(details, len, "CA certificate without keyUsage bits");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.10.7: keyUsage MUST be critical in CA certificates. */
static enum pw_lint_status check_ku_critical(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_ext *e = pw_cert_get0_ext(ctx->cert, PW_OID_EXT_KEY_USAGE);

	if (e != NULL && !e->critical) {
		br1_detail(details, len, "keyUsage is not marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* keyCertSign asserted with basicConstraints present: the certificate is
 * meant to issue certificates, so cA must be TRUE (BR 7.1.2.10.4). */
static int applies_is_ca(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;

	return c->x.ku.present && (c->x.ku.bits & KU_KEY_CERT_SIGN) && c->x.bc.present;
}

static enum pw_lint_status check_is_ca(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!ctx->cert->x.bc.ca) {
		br1_detail(details, len, "keyCertSign is set but basicConstraints cA is not TRUE");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* Number of EKU purposes pkiward recognises. */
static size_t known_eku_count(const struct pw_cert *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->x.eku.n; i++)
		if (c->x.eku.ids[i] != PW_OID_UNKNOWN)
			n++;
	return n;
}

static int applies_sub_ca_with_eku(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subca(ctx) && known_eku_count(ctx->cert) != 0;
}

/* BR 7.1.2.10.6 (CA certificate EKU): anyExtendedKeyUsage stands alone,
 * and emailProtection, codeSigning, timeStamping and OCSPSigning are
 * prohibited in a TLS CA. */
static enum pw_lint_status check_ca_eku(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i;

	if (pw_lint_has_eku(c, PW_OID_EKU_ANY) && known_eku_count(c) > 1) {
		br1_detail(details, len, "anyExtendedKeyUsage is combined with other purposes");
		return PW_LINT_ERROR;
	}
	for (i = 0; i < c->x.eku.n; i++) {
		switch (c->x.eku.ids[i]) {
		case PW_OID_EKU_EMAIL_PROTECTION:
		case PW_OID_EKU_CODE_SIGNING:
		case PW_OID_EKU_TIME_STAMPING:
		case PW_OID_EKU_OCSP_SIGNING:
			br1_detail(details, len, "%s is prohibited in a TLS CA certificate",
			           pw_oid_name(c->x.eku.ids[i]));
			return PW_LINT_ERROR;
		default:
			break;
		}
	}
	return PW_LINT_PASS;
}

/* A policy-restricted subordinate CA (no anyPolicy; BR 7.1.2.10.5). */
static int applies_policy_restricted_sub_ca(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subca(ctx) && !pw_lint_has_policy(ctx->cert, PW_OID_ANY_POLICY);
}

/* BR 7.1.2.10.5: a policy-restricted CA includes exactly one reserved
 * policy identifier of BR 7.1.6.1. */
static enum pw_lint_status check_multiple_reserved(const struct pw_lint_ctx *ctx, char *details,
                                                   size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i, n = 0;

	for (i = 0; i < c->x.policies.n; i++)
		if (br1_is_reserved_tls_policy(c->x.policies.v[i].id))
			n++;
	if (n > 1) {
		br1_detail(details, len, "%zu reserved policy identifiers; exactly one is allowed", n);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_non_root_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca && !pw_lint_is_root(ctx);
}

/* BR 7.1.2.10.5: certificatePolicies is required in subordinate CA
 * certificates; anyPolicy (unrestricted CA) stands alone, otherwise at
 * least one reserved TLS policy identifier is present. */
static enum pw_lint_status check_ca_policies(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_cert *c = ctx->cert;
	int any = 0, reserved = 0;
	size_t i;

	if (!pw_lint_has_ext(c, PW_OID_EXT_CERTIFICATE_POLICIES)) {
		br1_detail(details, len, "subordinate CA certificate without certificatePolicies");
		return PW_LINT_ERROR;
	}
	for (i = 0; i < c->x.policies.n; i++) {
		if (c->x.policies.v[i].id == PW_OID_ANY_POLICY)
			any = 1;
		if (br1_is_reserved_tls_policy(c->x.policies.v[i].id))
			reserved = 1;
	}
	if (any) {
		if (c->x.policies.n > 1) {
			br1_detail(details, len, "anyPolicy is accompanied by other policy identifiers");
			return PW_LINT_ERROR;
		}
		return PW_LINT_PASS;
	}
	if (!reserved) {
		br1_detail(details, len, "policy-restricted CA without a reserved TLS policy identifier");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_ca_common_name_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.2",
	 "A CA certificate's subject must carry a commonName identifying the CA.",
	 "2017-06-08", NULL, applies_ca, check_ca_cn, 0},
	{"e_ca_country_name_invalid", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.2",
	 "Every countryName in a CA certificate's subject must be an ISO 3166-1 alpha-2 code.",
	 "2012-07-01", NULL, applies_ca_with_country, check_ca_country_invalid, 0},
	{"e_ca_country_name_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.2",
	 "A CA certificate's subject must carry a non-empty countryName.",
	 "2012-07-01", NULL, applies_ca, check_ca_country_missing, 0},
	{"e_ca_crl_sign_not_set", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.7",
	 "The keyUsage of a CA certificate must assert cRLSign.",
	 "2012-07-01", NULL, applies_ca_with_ku, check_crl_sign, 0},
	{"e_ca_invalid_eku", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2",
	 "A subordinate CA's extKeyUsage must not pair anyExtendedKeyUsage with other purposes, "
	 "nor list emailProtection, codeSigning, timeStamping or OCSPSigning.",
	 "2020-08-20", NULL, applies_sub_ca_with_eku, check_ca_eku, 0},
	{"e_ca_is_ca", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.1.4, 7.1.2.10.4",
	 "A certificate asserting keyCertSign with basicConstraints must set cA to TRUE.",
	 "2012-07-01", NULL, applies_is_ca, check_is_ca, 0},
	{"e_ca_key_cert_sign_not_set", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.7",
	 "The keyUsage of a CA certificate must assert keyCertSign.",
	 "2012-07-01", NULL, applies_ca_with_ku, check_cert_sign, 0},
	{"e_ca_key_usage_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.1, RFC 5280 §4.2.1.3",
	 "A CA certificate must contain the keyUsage extension (RFC 5280 §4.2.1.3).",
	 "2002-04-01", NULL, applies_ca, check_ku_missing, 0},
	{"e_ca_key_usage_not_critical", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.1",
	 "The keyUsage extension of a CA certificate must be marked critical.",
	 "2012-07-01", NULL, applies_ca_with_ku, check_ku_critical, 0},
	{"e_ca_multiple_reserved_policy_oids", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.10.5",
	 "A policy-restricted subordinate CA must include exactly one CA/B Forum reserved "
	 "certificate policy identifier, not several.",
	 "2023-09-15", NULL, applies_policy_restricted_sub_ca, check_multiple_reserved, 0},
	{"e_ca_organization_name_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.10.2",
	 "A CA certificate's subject must carry a non-empty organizationName.",
	 "2012-07-01", NULL, applies_ca, check_ca_org_missing, 0},
	{"e_invalid_ca_certificate_policies", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.10.5",
	 "A subordinate CA certificate must carry certificatePolicies holding either anyPolicy "
	 "alone or at least one CA/B Forum reserved policy identifier.",
	 "2023-09-15", NULL, applies_non_root_ca, check_ca_policies, 0},
};

const struct pw_lint_family pw_lint_family_br1_ca = {"br1_ca", defs, sizeof defs / sizeof defs[0]};
