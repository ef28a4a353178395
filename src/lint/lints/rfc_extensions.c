/* pkiward lints — extensions: encoding, uniqueness, criticality and the
 * structural rules of basicConstraints, key identifiers, access
 * descriptions and CRL distribution points (RFC 5280 §4.1.2.8, §4.1.2.9,
 * §4.2, §4.2.1.1, §4.2.1.2, §4.2.1.8, §4.2.1.9, §4.2.1.13, §4.2.1.15,
 * §4.2.2.1, §4.2.2.2). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* tbsCertificate.version as encoded: v2 = 1, v3 = 2 (RFC 5280 §4.1.2.1). */
#define VERSION_V2 1u
#define VERSION_V3 2u

/* ---- criticality: one applies/check pair per extension ---- */

static enum pw_lint_status crit_result(const struct pw_cert *c, enum pw_oid id, int must_be,
                                       enum pw_lint_status sev, char *details, size_t len)
{
	const struct pw_ext *e = rfc_ext(c, id);
	if (e == NULL)
		return PW_LINT_NA;
	if ((e->critical != 0) != must_be)
		return pw_lint_fail(sev, details, len, "%s is %smarked critical", pw_oid_name(id),
		                    e->critical ? "" : "not ");
	return PW_LINT_PASS;
}

#define CRIT_LINT(fn, oid, must_be, sev)                                                          \
	static int applies_##fn(const struct pw_lint_ctx *ctx)                                    \
	{                                                                                         \
		return rfc_ext(ctx->cert, (oid)) != NULL;                                         \
	}                                                                                         \
	static enum pw_lint_status check_##fn(const struct pw_lint_ctx *ctx, char *details,       \
	                                      size_t len)                                         \
	{                                                                                         \
		return crit_result(ctx->cert, (oid), (must_be), (sev), details, len);             \
	}

CRIT_LINT(aia_crit, PW_OID_EXT_AIA, 0, PW_LINT_ERROR)
CRIT_LINT(aki_crit, PW_OID_EXT_AKI, 0, PW_LINT_ERROR)
CRIT_LINT(freshest_crit, PW_OID_EXT_FRESHEST_CRL, 0, PW_LINT_ERROR)
CRIT_LINT(sda_crit, PW_OID_EXT_SUBJECT_DIRECTORY_ATTRIBUTES, 0, PW_LINT_ERROR)
CRIT_LINT(ski_crit, PW_OID_EXT_SKI, 0, PW_LINT_ERROR)
CRIT_LINT(sia_crit, PW_OID_EXT_SIA, 0, PW_LINT_ERROR)
CRIT_LINT(crldp_crit, PW_OID_EXT_CRL_DISTRIBUTION_POINTS, 0, PW_LINT_WARN)
CRIT_LINT(nc_crit, PW_OID_EXT_NAME_CONSTRAINTS, 1, PW_LINT_ERROR)
CRIT_LINT(inhibit_crit, PW_OID_EXT_INHIBIT_ANY_POLICY, 1, PW_LINT_ERROR)
CRIT_LINT(pc_crit, PW_OID_EXT_POLICY_CONSTRAINTS, 1, PW_LINT_ERROR)
CRIT_LINT(ku_crit, PW_OID_EXT_KEY_USAGE, 1, PW_LINT_WARN)

/* RFC 5280 §4.2.1.9: in CA certificates basicConstraints MUST be critical. */
static int applies_ca_bc(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca && rfc_ext(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS) != NULL;
}

static enum pw_lint_status check_bc_crit(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return crit_result(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS, 1, PW_LINT_ERROR, details, len);
}

/* RFC 5280 §4.2.1.10: name constraints belong only in CA certificates. */
static enum pw_lint_status check_nc_in_ca(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!ctx->cert->is_ca)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "nameConstraints in a certificate that is not a CA");
	return PW_LINT_PASS;
}

/* ---- encoding ---- */

static int applies_bc(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS) != NULL;
}

/* X.690 §11.5: a DEFAULT value is never encoded, so cA FALSE must be
 * omitted; RFC 5280 §4.1 requires the signed data to be DER. */
static enum pw_lint_status check_bc_der(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS);
	struct pw_der seq;
	if (!rfc_get_sequence(&e->value, &seq))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "basicConstraints is not a SEQUENCE");
	if (pw_der_len(&seq) >= 3 && seq.p[0] == 0x01 && seq.p[1] == 0x01 && seq.p[2] == 0x00)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "basicConstraints encodes cA FALSE (a DEFAULT value must be omitted)");
	return PW_LINT_PASS;
}

/* Extension ::= SEQUENCE { ..., critical BOOLEAN DEFAULT FALSE, ... }:
 * an encoded FALSE breaks DER (X.690 §11.5). */
static enum pw_lint_status check_ext_der(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->n_exts; i++)
		if (c->exts[i].critical_present && !c->exts[i].critical) {
			char oid[PW_DER_OID_TEXT_MAX];
			if (!pw_der_oid_to_text(&c->exts[i].oid, oid, sizeof oid))
				strcpy(oid, "?");
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "extension %s encodes critical FALSE (must be omitted)", oid);
		}
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.9: extensions appear only in v3 certificates. */
static enum pw_lint_status check_ext_version(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (c->n_exts > 0 && c->version != VERSION_V3)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "certificate has extensions but is version %u, not 3",
		                    (unsigned)(c->version + 1));
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.8: conforming CAs MUST NOT generate unique identifiers. */
static enum pw_lint_status check_unique_id(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (c->has_issuer_uid || c->has_subject_uid)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "certificate carries %s",
		                    c->has_issuer_uid ? "issuerUniqueID" : "subjectUniqueID");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.8: unique identifiers only exist in v2 and v3. */
static enum pw_lint_status check_unique_id_version(const struct pw_lint_ctx *ctx, char *details,
                                                   size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if ((c->has_issuer_uid || c->has_subject_uid) && c->version != VERSION_V2 &&
	    c->version != VERSION_V3)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "unique identifier in a version %u certificate",
		                    (unsigned)(c->version + 1));
	return PW_LINT_PASS;
}

static int applies_v3(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->version == VERSION_V3;
}

/* RFC 5280 §4.2: a certificate MUST NOT include more than one instance of
 * a particular extension. */
static enum pw_lint_status check_duplicate(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->n_exts; i++)
		for (size_t j = 0; j < i; j++)
			if (pw_der_equal(&c->exts[i].oid, &c->exts[j].oid)) {
				char oid[PW_DER_OID_TEXT_MAX];
				if (!pw_der_oid_to_text(&c->exts[i].oid, oid, sizeof oid))
					strcpy(oid, "?");
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "extension %s appears more than once", oid);
			}
	return PW_LINT_PASS;
}

/* Extensions defined as SEQUENCE SIZE (1..MAX) OF ... in RFC 5280. */
static int is_sequence_of_ext(enum pw_oid id)
{
	switch (id) {
	case PW_OID_EXT_CERTIFICATE_POLICIES:
	case PW_OID_EXT_POLICY_MAPPINGS:
	case PW_OID_EXT_SAN:
	case PW_OID_EXT_IAN:
	case PW_OID_EXT_SUBJECT_DIRECTORY_ATTRIBUTES:
	case PW_OID_EXT_EXT_KEY_USAGE:
	case PW_OID_EXT_CRL_DISTRIBUTION_POINTS:
	case PW_OID_EXT_AIA:
	case PW_OID_EXT_SIA:
	case PW_OID_EXT_FRESHEST_CRL:
		return 1;
	default:
		return 0;
	}
}

static enum pw_lint_status check_empty_sequence(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->n_exts; i++) {
		const struct pw_ext *e = &c->exts[i];
		struct pw_der seq;
		if (!is_sequence_of_ext(e->id))
			continue;
		if (!rfc_get_sequence(&e->value, &seq))
			return pw_lint_fail(PW_LINT_FATAL, details, len, "%s is not a SEQUENCE",
			                    pw_oid_name(e->id));
		if (seq.len == 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "%s is an empty SEQUENCE (at least one element is required)",
			                    pw_oid_name(e->id));
	}
	return PW_LINT_PASS;
}

/* ---- basicConstraints pathLenConstraint (RFC 5280 §4.2.1.9) ---- */

/* Reads basicConstraints as encoded: the optional cA BOOLEAN, then the
 * optional pathLenConstraint INTEGER contents. Returns 0 if malformed. */
static int read_bc(const struct pw_ext *e, int *has_pathlen, struct pw_der *pathlen)
{
	struct pw_der seq;
	struct pw_error err;
	*has_pathlen = 0;
	if (!rfc_get_sequence(&e->value, &seq))
		return 0;
	if (pw_der_peek_tag(&seq, PW_DER_BOOLEAN) && !pw_der_skip(&seq, &err))
		return 0;
	if (pw_der_len(&seq) > 0) {
		if (!pw_der_get(&seq, PW_DER_INTEGER, pathlen, &err) || pathlen->len == 0)
			return 0;
		*has_pathlen = 1;
	}
	return 1;
}

/* pathLenConstraint is meaningful only with cA TRUE and keyCertSign. */
static enum pw_lint_status check_pathlen_included(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	const struct pw_cert *c = ctx->cert;
	int has;
	struct pw_der pl;
	if (!read_bc(rfc_ext(c, PW_OID_EXT_BASIC_CONSTRAINTS), &has, &pl))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "basicConstraints is malformed");
	if (!has)
		return PW_LINT_PASS;
	int ku = rfc_ext(c, PW_OID_EXT_KEY_USAGE) != NULL;
	if (!c->is_ca || !ku || !(c->x.ku.bits & RFC_KU_KEY_CERT_SIGN))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "pathLenConstraint present without cA TRUE and keyCertSign");
	return PW_LINT_PASS;
}

/* pathLenConstraint is INTEGER (0..MAX): never negative. */
static int applies_bc_parsed(const struct pw_lint_ctx *ctx)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS);
	int has;
	struct pw_der pl;
	return e != NULL && read_bc(e, &has, &pl);
}

static enum pw_lint_status check_pathlen_negative(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	int has;
	struct pw_der pl;
	if (!read_bc(rfc_ext(ctx->cert, PW_OID_EXT_BASIC_CONSTRAINTS), &has, &pl))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "basicConstraints is malformed");
	if (has && (pl.p[0] & 0x80))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "pathLenConstraint is negative");
	return PW_LINT_PASS;
}

/* ---- key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2) ---- */

/* The keyIdentifier field MUST be included in authorityKeyIdentifier of
 * every certificate except a self-signed CA certificate (which may omit
 * the extension altogether). */
static enum pw_lint_status check_aki_key_id(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (c->x.aki.present && c->x.aki.has_key_id)
		return PW_LINT_PASS;
	if (c->is_ca && pw_lint_is_self_signed(ctx))
		return PW_LINT_PASS;
	return pw_lint_fail(PW_LINT_ERROR, details, len,
	                    c->x.aki.present ? "authorityKeyIdentifier has no keyIdentifier"
	                                     : "no authorityKeyIdentifier keyIdentifier");
}

static int applies_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca;
}

static int applies_not_ca(const struct pw_lint_ctx *ctx)
{
	return !ctx->cert->is_ca;
}

static enum pw_lint_status check_ski_ca(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (rfc_ext(ctx->cert, PW_OID_EXT_SKI) == NULL)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "CA certificate has no subjectKeyIdentifier");
	return PW_LINT_PASS;
}

static enum pw_lint_status check_ski_sub(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (rfc_ext(ctx->cert, PW_OID_EXT_SKI) == NULL)
		return pw_lint_fail(PW_LINT_WARN, details, len,
		                    "end-entity certificate has no subjectKeyIdentifier");
	return PW_LINT_PASS;
}

/* ---- access locations ---- */

static int has_http_or_ldap(const struct pw_der *uri)
{
	return pw_lint_der_has_prefix_ci(uri, "http://") || pw_lint_der_has_prefix_ci(uri, "ldap://");
}

static int applies_aia_ca_issuers(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;
	if (rfc_ext(c, PW_OID_EXT_AIA) == NULL)
		return 0;
	for (size_t i = 0; i < c->x.aia.n; i++)
		if (c->x.aia.v[i].method == PW_OID_AD_CA_ISSUERS &&
		    c->x.aia.v[i].location.type == PW_GN_URI)
			return 1;
	return 0;
}

/* RFC 5280 §4.2.2.1: caIssuers locations are reached by HTTP or LDAP. */
static enum pw_lint_status check_aia_location(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.aia.n; i++) {
		const struct pw_access_desc *a = &c->x.aia.v[i];
		if (a->method == PW_OID_AD_CA_ISSUERS && a->location.type == PW_GN_URI &&
		    has_http_or_ldap(&a->location.value))
			return PW_LINT_PASS;
	}
	return pw_lint_fail(PW_LINT_WARN, details, len, "no caIssuers location is an HTTP or LDAP URI");
}

static int applies_crldp(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_CRL_DISTRIBUTION_POINTS) != NULL;
}

/* RFC 5280 §4.2.1.13: distribution point URIs should be HTTP or LDAP. */
static enum pw_lint_status check_crldp_location(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		for (size_t j = 0; dp->has_full_name && j < dp->full_name.n; j++)
			if (dp->full_name.v[j].type == PW_GN_URI &&
			    has_http_or_ldap(&dp->full_name.v[j].value))
				return PW_LINT_PASS;
	}
	return pw_lint_fail(PW_LINT_WARN, details, len,
	                    "no CRL distribution point is an HTTP or LDAP URI");
}

/* RFC 5280 §4.2.1.13: a DistributionPoint MUST NOT consist of only the
 * reasons field; distributionPoint or cRLIssuer must be present. */
static enum pw_lint_status check_dp_incomplete(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	const struct pw_cert *c = ctx->cert;
	const struct pw_ext *e = rfc_ext(c, PW_OID_EXT_CRL_DISTRIBUTION_POINTS);
	if (!e->decoded_ok)
		return pw_lint_fail(PW_LINT_FATAL, details, len, "cRLDistributionPoints is malformed");
	for (size_t i = 0; i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		int has_name = (dp->has_full_name && dp->full_name.n > 0) || dp->has_relative_name;
		if (dp->has_reasons && dp->reasons.len > 0 && !has_name && !dp->has_crl_issuer)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "distribution point %zu has only the reasons field", i);
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_basic_constr_invalid_der", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1; X.690 §11.5",
	         "basicConstraints must not encode the DEFAULT value cA FALSE.", "1999-01-01",
	         applies_bc, check_bc_der),
	RFC_CERT_ROW("e_basic_constraints_not_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.9",
	         "In a CA certificate the basicConstraints extension must be critical.",
	         "1999-01-01", applies_ca_bc, check_bc_crit),
	RFC_CERT_ROW("e_cert_contains_unique_identifier", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.8",
	         "Certificates must not carry issuerUniqueID or subjectUniqueID.", "2008-05-01",
	         NULL, check_unique_id),
	RFC_CERT_ROW("e_cert_ext_invalid_der", PW_LINT_ERROR, PW_SRC_RFC5280,
	             "RFC 5280 §4.2; X.690 §11.5",
	         "An extension's critical flag must be omitted, not encoded, when it is FALSE.",
	         "2008-05-01", NULL, check_ext_der),
	RFC_CERT_ROW("e_cert_extensions_version_not_3", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.9", "A certificate with extensions must be version 3.",
	         "1999-01-01", NULL, check_ext_version),
	RFC_CERT_ROW("e_cert_unique_identifier_version_not_2_or_3", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.8",
	         "Unique identifiers may only appear in version 2 or 3 certificates.",
	         "2008-05-01", NULL, check_unique_id_version),
	RFC_CERT_ROW("e_ext_duplicate_extension", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.2",
	         "No extension may appear more than once in a certificate.", "1999-01-01",
	         applies_v3, check_duplicate),
	RFC_CERT_ROW("e_ext_cannot_be_empty_sequence", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.2",
	         "Extensions defined as SEQUENCE SIZE (1..MAX) must hold at least one element.",
	         "1999-01-01", NULL, check_empty_sequence),
	RFC_CERT_ROW("e_ext_aia_marked_critical", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.2.2.1",
	         "authorityInfoAccess must be marked non-critical.", "1999-01-01", applies_aia_crit,
	         check_aia_crit),
	RFC_CERT_ROW("e_ext_authority_key_identifier_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.1", "authorityKeyIdentifier must be marked non-critical.",
	         "1999-01-01", applies_aki_crit, check_aki_crit),
	RFC_CERT_ROW("e_ext_authority_key_identifier_no_key_identifier", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.1",
	         "Except in self-signed CA certificates, authorityKeyIdentifier must be present "
	         "with its keyIdentifier field.",
	         "1999-01-01", NULL, check_aki_key_id),
	RFC_CERT_ROW("e_ext_freshest_crl_marked_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.15", "freshestCRL must be marked non-critical.", "2002-04-01",
	         applies_freshest_crit, check_freshest_crit),
	RFC_CERT_ROW("e_ext_subject_directory_attr_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.8", "subjectDirectoryAttributes must be marked non-critical.",
	         "1999-01-01", applies_sda_crit, check_sda_crit),
	RFC_CERT_ROW("e_ext_subject_key_identifier_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.2", "subjectKeyIdentifier must be marked non-critical.",
	         "1999-01-01", applies_ski_crit, check_ski_crit),
	RFC_CERT_ROW("e_ext_subject_key_identifier_missing_ca", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2, §4.2.1.2",
	         "CA certificates must include subjectKeyIdentifier.", "1999-01-01", applies_ca,
	         check_ski_ca),
	RFC_CERT_ROW("w_ext_subject_key_identifier_missing_sub_cert", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.2, §4.2.1.2",
	         "End-entity certificates should include subjectKeyIdentifier.", "1999-01-01",
	         applies_not_ca, check_ski_sub),
	RFC_CERT_ROW("e_subject_info_access_marked_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.2.2", "subjectInfoAccess must be marked non-critical.",
	         "2002-04-01", applies_sia_crit, check_sia_crit),
	RFC_CERT_ROW("w_ext_crl_distribution_marked_critical", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.13", "cRLDistributionPoints should be marked non-critical.",
	         "1999-01-01", applies_crldp_crit, check_crldp_crit),
	RFC_CERT_ROW("e_ext_name_constraints_not_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.10", "nameConstraints must be marked critical.", "1999-01-01",
	         applies_nc_crit, check_nc_crit),
	RFC_CERT_ROW("e_ext_name_constraints_not_in_ca", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.10", "nameConstraints may only appear in CA certificates.",
	         "1999-01-01", applies_nc_crit, check_nc_in_ca),
	RFC_CERT_ROW("e_inhibit_any_policy_not_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.14", "inhibitAnyPolicy must be marked critical.", "2002-04-01",
	         applies_inhibit_crit, check_inhibit_crit),
	RFC_CERT_ROW("e_ext_policy_constraints_not_critical", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.11", "policyConstraints must be marked critical.", "2008-05-01",
	         applies_pc_crit, check_pc_crit),
	RFC_CERT_ROW("w_ext_key_usage_not_critical", PW_LINT_WARN, PW_SRC_RFC5280, "RFC 5280 §4.2.1.3",
	         "keyUsage should be marked critical.", "1999-01-01", applies_ku_crit,
	         check_ku_crit),
	RFC_CERT_ROW("e_path_len_constraint_improperly_included", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.9",
	         "pathLenConstraint may only be present when cA is TRUE and keyUsage asserts "
	         "keyCertSign.",
	         "2002-04-01", applies_bc, check_pathlen_included),
	RFC_CERT_ROW("e_path_len_constraint_zero_or_less", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.9", "pathLenConstraint must not be negative.", "1999-01-01",
	         applies_bc_parsed, check_pathlen_negative),
	RFC_CERT_ROW("w_ext_aia_access_location_missing", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.2.1",
	         "At least one caIssuers access location should be an HTTP or LDAP URI.",
	         "2008-05-01", applies_aia_ca_issuers, check_aia_location),
	RFC_CERT_ROW("w_distribution_point_missing_ldap_or_uri", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.13",
	         "At least one CRL distribution point should be an HTTP or LDAP URI.",
	         "2008-05-01", applies_crldp, check_crldp_location),
	RFC_CERT_ROW("e_distribution_point_incomplete", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.13",
	         "A distribution point must not consist of the reasons field alone.", "2002-04-01",
	         applies_crldp, check_dp_incomplete),
};

const struct pw_lint_family pw_lint_family_rfc_extensions = {
	"rfc_extensions", defs, sizeof defs / sizeof defs[0],
};
