/* pkiward — BR lints on Root and Subordinate CA certificates
 * (BR 7.1.2.1, 7.1.2.2 of BR 1.x; 7.1.2.10 of BR 2.x). */
#include <string.h>

#include "br2_defs.h"

static int is_root(const struct pw_lint_ctx *x) { return pw_lint_is_root(x); }
static int is_sub_ca(const struct pw_lint_ctx *x) { return pw_lint_is_subca(x); }
static int is_ca(const struct pw_lint_ctx *x) { return x->cert->is_ca; }
static int is_ca_not_root(const struct pw_lint_ctx *x) { return x->cert->is_ca && !pw_lint_is_root(x); }

/* An AIA / CRLDP URI of the given method starting with "http://". */
static int aia_has_http(const struct pw_cert *c, enum pw_oid method)
{
	for (size_t i = 0; i < c->x.aia.n; i++) {
		const struct pw_access_desc *a = &c->x.aia.v[i];
		if (a->method == method && a->location.type == PW_GN_URI &&
		    br2_has_prefix(a->location.value.p, a->location.value.len, "http://"))
			return 1;
	}
	return 0;
}

static int crldp_has_http(const struct pw_cert *c)
{
	for (size_t i = 0; i < c->x.crldp.n; i++) {
		const struct pw_general_names *g = &c->x.crldp.v[i].full_name;
		if (!c->x.crldp.v[i].has_full_name)
			continue;
		for (size_t j = 0; j < g->n; j++)
			if (g->v[j].type == PW_GN_URI &&
			    br2_has_prefix(g->v[j].value.p, g->v[j].value.len, "http://"))
				return 1;
	}
	return 0;
}

/* ---- Root CA (BR 7.1.2.1) ---- */

static enum pw_lint_status root_eku(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_EXT_KEY_USAGE)) {
		br2_details(d, l, "root CA certificate carries extendedKeyUsage");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int root_with_ku(const struct pw_lint_ctx *x)
{
	return pw_lint_is_root(x) && BR2_EXT(x->cert, EXT_KEY_USAGE) != NULL;
}

static enum pw_lint_status root_ku_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (!BR2_EXT(x->cert, EXT_KEY_USAGE)->critical) {
		br2_details(d, l, "keyUsage is not marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status root_ku_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_KEY_USAGE) == NULL) {
		br2_details(d, l, "root CA certificate lacks keyUsage");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int root_with_bc(const struct pw_lint_ctx *x)
{
	return pw_lint_is_root(x) && BR2_EXT(x->cert, EXT_BASIC_CONSTRAINTS) != NULL;
}

static enum pw_lint_status root_pathlen(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	if (!c->x.bc.has_pathlen)
		return PW_LINT_PASS;
	if (!c->x.bc.ca_encoded) {
		br2_details(d, l, "basicConstraints has pathLenConstraint but no cA field");
		return PW_LINT_FATAL;
	}
	br2_details(d, l, "root CA basicConstraints carries pathLenConstraint %llu",
	            (unsigned long long)c->x.bc.pathlen);
	return PW_LINT_WARN;
}

static enum pw_lint_status root_policies(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES)) {
		br2_details(d, l, "root CA certificate carries certificatePolicies");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* ---- Any CA ---- */

static int ca_with_ku(const struct pw_lint_ctx *x)
{
	return x->cert->is_ca && BR2_EXT(x->cert, EXT_KEY_USAGE) != NULL;
}

static enum pw_lint_status ca_digsig(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->x.ku.bits & 1u)
		return PW_LINT_PASS;
	br2_details(d, l, "CA key usage lacks digitalSignature: its key must not sign OCSP responses");
	return PW_LINT_NOTICE;
}

static enum pw_lint_status ca_ou(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_name_count_str(&x->cert->subject, PW_OID_OU) > 0) {
		br2_details(d, l, "subject organizationalUnitName is prohibited in CA certificates");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- Subordinate CA (BR 7.1.2.2 / 7.1.2.10) ---- */

static int sub_ca_with_aia(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subca(x) && BR2_EXT(x->cert, EXT_AIA) != NULL;
}

static enum pw_lint_status ext_not_critical_aia(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_AIA)->critical) {
		br2_details(d, l, "authorityInformationAccess is marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status aia_present_e(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_AIA) == NULL) {
		br2_details(d, l, "authorityInformationAccess is missing");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status aia_present_w(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return aia_present_e(x, d, l) == PW_LINT_PASS ? PW_LINT_PASS : PW_LINT_WARN;
}

static enum pw_lint_status policies_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES) == NULL) {
		br2_details(d, l, "certificatePolicies is missing");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int sub_ca_with_crldp(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subca(x) && BR2_EXT(x->cert, EXT_CRL_DISTRIBUTION_POINTS) != NULL;
}

static enum pw_lint_status crldp_url(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (crldp_has_http(x->cert))
		return PW_LINT_PASS;
	br2_details(d, l, "cRLDistributionPoints has no http:// URL");
	return PW_LINT_ERROR;
}

static enum pw_lint_status crldp_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CRL_DISTRIBUTION_POINTS)->critical) {
		br2_details(d, l, "cRLDistributionPoints is marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status crldp_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CRL_DISTRIBUTION_POINTS) == NULL) {
		br2_details(d, l, "cRLDistributionPoints is missing");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status aia_ca_issuers(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (aia_has_http(x->cert, PW_OID_AD_CA_ISSUERS))
		return PW_LINT_PASS;
	br2_details(d, l, "no http:// caIssuers URL in authorityInformationAccess");
	return PW_LINT_WARN;
}

static int sub_ca_with_policies(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subca(x) && BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES) != NULL;
}

static enum pw_lint_status policies_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES)->critical) {
		br2_details(d, l, "certificatePolicies is marked critical");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static int sub_ca_with_eku(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subca(x) && BR2_EXT(x->cert, EXT_EXT_KEY_USAGE) != NULL;
}

static enum pw_lint_status eku_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_EXT_KEY_USAGE)->critical) {
		br2_details(d, l, "extendedKeyUsage is marked critical");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static int sub_ca_with_nc(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subca(x) && BR2_EXT(x->cert, EXT_NAME_CONSTRAINTS) != NULL;
}

static enum pw_lint_status nc_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_NAME_CONSTRAINTS)->critical)
		return PW_LINT_PASS;
	br2_details(d, l, "nameConstraints is not marked critical");
	return PW_LINT_WARN;
}

static enum pw_lint_status sub_ca_eku_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_EXT_KEY_USAGE))
		return PW_LINT_PASS;
	br2_details(d, l, "subordinate CA certificate has no extendedKeyUsage");
	return PW_LINT_NOTICE;
}

static enum pw_lint_status sub_ca_eku_tls(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_has_eku(x->cert, PW_OID_EKU_SERVER_AUTH) || pw_lint_has_eku(x->cert, PW_OID_EKU_CLIENT_AUTH))
		return PW_LINT_PASS;
	br2_details(d, l, "extendedKeyUsage has neither serverAuth nor clientAuth");
	return PW_LINT_NOTICE;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_root_ca_extended_key_usage_present", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.1.2",
	         "A Root CA certificate must not contain the extendedKeyUsage extension.",
	         "2012-07-01", NULL, is_root, root_eku),
	BR2_CERT("e_root_ca_key_usage_must_be_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.1.2",
	         "In a Root CA certificate the keyUsage extension must be marked critical.",
	         "1999-01-01", NULL, root_with_ku, root_ku_critical),
	BR2_CERT("e_root_ca_key_usage_present", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.1.2",
	         "A Root CA certificate must contain the keyUsage extension.",
	         "1999-01-01", NULL, is_root, root_ku_present),
	BR2_CERT("w_root_ca_basic_constraints_path_len_constraint_field_present", BR2_W, PW_SRC_CABF_BR,
	         "BR 7.1.2.1.4", "A Root CA certificate's basicConstraints should not set pathLenConstraint.",
	         "2012-07-01", NULL, root_with_bc, root_pathlen),
	BR2_CERT("w_root_ca_contains_cert_policy", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.1.2",
	         "A Root CA certificate should not contain the certificatePolicies extension.",
	         "2012-07-01", NULL, is_root, root_policies),
	BR2_CERT("n_ca_digital_signature_not_set", BR2_N, PW_SRC_CABF_BR, "BR 7.1.2.10.7",
	         "A CA certificate without the digitalSignature key usage may not be used to sign OCSP "
	         "responses; noted so the operator knows.",
	         "2012-07-01", NULL, ca_with_ku, ca_digsig),
	BR2_CERT("e_subj_orgunit_in_ca_cert", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.10.2",
	         "Root and TLS CA certificates must not include organizationalUnitName in the subject.",
	         "2023-09-15", NULL, is_ca, ca_ou),
	BR2_CERT("e_sub_ca_aia_marked_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.10.3",
	         "In a Subordinate CA certificate the authorityInformationAccess extension must not be critical.",
	         NULL, NULL, sub_ca_with_aia, ext_not_critical_aia),
	BR2_CERT("e_sub_ca_aia_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.2 (v1.7.0)",
	         "Before BR 1.7.1 a Subordinate CA certificate had to contain authorityInformationAccess.",
	         "2012-07-01", "2020-08-20", is_ca_not_root, aia_present_e),
	BR2_CERT("w_sub_ca_aia_missing", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.10.3",
	         "A Subordinate CA certificate should contain authorityInformationAccess.",
	         "2020-08-20", NULL, is_ca_not_root, aia_present_w),
	BR2_CERT("e_sub_ca_certificate_policies_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.10.5",
	         "A Subordinate CA certificate must contain the certificatePolicies extension.",
	         "2012-07-01", NULL, is_sub_ca, policies_present),
	BR2_CERT("e_sub_ca_crl_distribution_points_does_not_contain_url", BR2_E, PW_SRC_CABF_BR,
	         "BR 7.1.2.6.1", "A Subordinate CA's cRLDistributionPoints must give the HTTP URL of the CRL.",
	         "2012-07-01", NULL, sub_ca_with_crldp, crldp_url),
	BR2_CERT("e_sub_ca_crl_distribution_points_marked_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.6.1",
	         "A Subordinate CA's cRLDistributionPoints extension must not be critical.",
	         "2012-07-01", NULL, sub_ca_with_crldp, crldp_not_critical),
	BR2_CERT("e_sub_ca_crl_distribution_points_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.6.1",
	         "A Subordinate CA certificate must contain cRLDistributionPoints.",
	         "2012-07-01", NULL, is_sub_ca, crldp_present),
	BR2_CERT("w_sub_ca_aia_does_not_contain_issuing_ca_url", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.2 (v1.8.7)",
	         "A Subordinate CA's authorityInformationAccess should give the HTTP URL of the issuing "
	         "CA's certificate (id-ad-caIssuers).",
	         "2012-07-01", "2023-09-15", is_ca_not_root, aia_ca_issuers),
	BR2_CERT("w_sub_ca_certificate_policies_marked_critical", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.10.5",
	         "A Subordinate CA's certificatePolicies extension should not be critical.",
	         "2012-07-01", NULL, sub_ca_with_policies, policies_not_critical),
	BR2_CERT("w_sub_ca_eku_critical", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.10.6",
	         "A Subordinate CA's extendedKeyUsage extension should not be critical.",
	         "2013-07-29", NULL, sub_ca_with_eku, eku_not_critical),
	BR2_CERT("w_sub_ca_name_constraints_not_critical", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.10.8",
	         "A Subordinate CA's nameConstraints extension should be critical.",
	         "2012-06-08", NULL, sub_ca_with_nc, nc_critical),
	BR2_CERT("n_sub_ca_eku_missing", BR2_N, PW_SRC_CABF_BR, "BR 7.1.5",
	         "A Subordinate CA certificate without extendedKeyUsage is not technically constrained.",
	         "2012-07-01", NULL, is_sub_ca, sub_ca_eku_present),
	BR2_CERT("n_sub_ca_eku_not_technically_constrained", BR2_N, PW_SRC_CABF_BR, "BR 7.1.2.10.6",
	         "A technically constrained Subordinate CA's extendedKeyUsage includes serverAuth or clientAuth.",
	         "2013-07-29", NULL, sub_ca_with_eku, sub_ca_eku_tls),
};

const struct pw_lint_family pw_lint_family_br2_ca = { "br2_ca", defs, sizeof defs / sizeof defs[0] };
