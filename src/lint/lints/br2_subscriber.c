/* pkiward — BR lints on Subscriber (end-entity TLS) certificate extensions
 * and validity (BR 6.3.2, 7.1.2.3 of BR 1.x, 7.1.2.7 of BR 2.x). */
#include <string.h>

#include "br1_util.h"
#include "br2_defs.h"

static int not_ca(const struct pw_lint_ctx *x) { return !x->cert->is_ca; }
static int is_subscriber(const struct pw_lint_ctx *x) { return pw_lint_is_subscriber(x); }

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

/* ---- authorityInformationAccess (BR 7.1.2.3 c / 7.1.2.7.7) ---- */

static enum pw_lint_status aia_ocsp(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (aia_has_http(x->cert, PW_OID_AD_OCSP))
		return PW_LINT_PASS;
	br2_details(d, l, "no http:// OCSP URL in authorityInformationAccess");
	return PW_LINT_ERROR;
}

static int subscriber_with_aia(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && BR2_EXT(x->cert, EXT_AIA) != NULL;
}

static enum pw_lint_status aia_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_AIA)->critical) {
		br2_details(d, l, "authorityInformationAccess is marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status aia_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_AIA))
		return PW_LINT_PASS;
	br2_details(d, l, "authorityInformationAccess is missing");
	return PW_LINT_ERROR;
}

static enum pw_lint_status aia_issuer_url(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (aia_has_http(x->cert, PW_OID_AD_CA_ISSUERS))
		return PW_LINT_PASS;
	br2_details(d, l, "no http:// caIssuers URL in authorityInformationAccess");
	return PW_LINT_WARN;
}

/* A name under a TLD that is delegated in the root zone today. */
static int host_has_valid_tld(const uint8_t *h, size_t n, int64_t now)
{
	size_t i = n;
	const struct br1_tld *t;
	while (i > 0 && h[i - 1] != '.')
		i--;
	t = br1_tld_find(h + i, n - i);
	if (t == NULL)
		return 0;
	return now >= t->delegated && (!t->has_removed || now <= t->removed);
}

/* Host of an absolute URI ("scheme://[userinfo@]host[:port]/..."); 0 if the
 * URI has no authority. */
static int uri_host(const uint8_t *p, size_t n, const uint8_t **host, size_t *hlen, int *is_literal)
{
	size_t i = 0, start, end;
	while (i < n && p[i] != ':')
		i++;
	if (i + 2 >= n || p[i + 1] != '/' || p[i + 2] != '/')
		return 0;
	start = i + 3;
	end = start;
	while (end < n && p[end] != '/' && p[end] != '?' && p[end] != '#')
		end++;
	for (size_t k = end; k > start; k--)
		if (p[k - 1] == '@') {
			start = k;
			break;
		}
	*is_literal = 0;
	if (start < end && p[start] == '[') {
		*is_literal = 1;
		*host = p + start;
		*hlen = end - start;
		return 1;
	}
	{
		size_t k = end;
		while (k > start && p[k - 1] >= '0' && p[k - 1] <= '9')
			k--;
		if (k > start && p[k - 1] == ':')
			end = k - 1;
	}
	*host = p + start;
	*hlen = end - start;
	return 1;
}

static enum pw_lint_status aia_internal(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	int64_t now = x->now;
	for (size_t i = 0; i < c->x.aia.n; i++) {
		const struct pw_access_desc *a = &c->x.aia.v[i];
		const uint8_t *h;
		size_t hn;
		int literal;
		uint8_t ip[16];
		if ((a->method != PW_OID_AD_OCSP && a->method != PW_OID_AD_CA_ISSUERS) ||
		    a->location.type != PW_GN_URI)
			continue;
		if (!uri_host(a->location.value.p, a->location.value.len, &h, &hn, &literal))
			continue;
		if (literal || br2_parse_ip((const char *)h, hn, ip))
			continue;
		if (!host_has_valid_tld(h, hn, now)) {
			br2_details(d, l, "authorityInformationAccess URL host is not under a delegated TLD");
			return PW_LINT_WARN;
		}
	}
	return PW_LINT_PASS;
}

/* ---- basicConstraints, certificatePolicies, cRLDistributionPoints ---- */

static int subscriber_with_bc(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && BR2_EXT(x->cert, EXT_BASIC_CONSTRAINTS) != NULL;
}

static enum pw_lint_status bc_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_BASIC_CONSTRAINTS)->critical)
		return PW_LINT_PASS;
	br2_details(d, l, "basicConstraints is present and not marked critical");
	return PW_LINT_ERROR;
}

static enum pw_lint_status policy_not_empty(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES) && x->cert->x.policies.n > 0)
		return PW_LINT_PASS;
	br2_details(d, l, "certificatePolicies is missing or lists no policy");
	return PW_LINT_ERROR;
}

static enum pw_lint_status policies_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES))
		return PW_LINT_PASS;
	br2_details(d, l, "certificatePolicies is missing");
	return PW_LINT_ERROR;
}

static int has_policies(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES) != NULL;
}

static enum pw_lint_status policies_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (!BR2_EXT(x->cert, EXT_CERTIFICATE_POLICIES)->critical)
		return PW_LINT_PASS;
	br2_details(d, l, "certificatePolicies is marked critical");
	return PW_LINT_WARN;
}

static int has_crldp(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_CRL_DISTRIBUTION_POINTS) != NULL;
}

static enum pw_lint_status crldp_url(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	for (size_t i = 0; i < c->x.crldp.n; i++) {
		const struct pw_general_names *g = &c->x.crldp.v[i].full_name;
		if (!c->x.crldp.v[i].has_full_name)
			continue;
		for (size_t j = 0; j < g->n; j++)
			if (g->v[j].type == PW_GN_URI &&
			    br2_has_prefix(g->v[j].value.p, g->v[j].value.len, "http://"))
				return PW_LINT_PASS;
	}
	br2_details(d, l, "cRLDistributionPoints has no http:// URL");
	return PW_LINT_ERROR;
}

static enum pw_lint_status crldp_not_critical(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (!BR2_EXT(x->cert, EXT_CRL_DISTRIBUTION_POINTS)->critical)
		return PW_LINT_PASS;
	br2_details(d, l, "cRLDistributionPoints is marked critical");
	return PW_LINT_ERROR;
}

static enum pw_lint_status ski_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_SKI) == NULL)
		return PW_LINT_PASS;
	br2_details(d, l, "subjectKeyIdentifier is NOT RECOMMENDED in subscriber certificates");
	return PW_LINT_WARN;
}

/* ---- extKeyUsage (BR 7.1.2.3 f / 7.1.2.7.10) ---- */

static int subscriber_with_eku(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && BR2_EXT(x->cert, EXT_EXT_KEY_USAGE) != NULL;
}

static enum pw_lint_status eku_check(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	int server = 0, client = 0;
	size_t known = 0, unknown = 0;
	for (size_t i = 0; i < c->x.eku.n; i++) {
		enum pw_oid id = c->x.eku.ids[i];
		if (!br2_eku_is_known(c, i)) {
			unknown++;
			continue;
		}
		known++;
		switch (id) {
		case PW_OID_EKU_SERVER_AUTH:
			server = 1;
			break;
		case PW_OID_EKU_CLIENT_AUTH:
			client = 1;
			break;
		case PW_OID_EKU_ANY: case PW_OID_EKU_CODE_SIGNING: case PW_OID_EKU_TIME_STAMPING:
		case PW_OID_EKU_OCSP_SIGNING: case PW_OID_EKU_EMAIL_PROTECTION:
			br2_details(d, l, "%s must not be present", pw_oid_name(id));
			return PW_LINT_ERROR;
		default:
			break;
		}
	}
	if (!server) {
		br2_details(d, l, "id-kp-serverAuth must be present");
		return PW_LINT_ERROR;
	}
	if (pw_lint_has_eku(c, PW_OID_EXT_CT_PRECERT_SIGNING)) {
		br2_details(d, l, "the Precertificate Signing Certificate purpose must not be present");
		return PW_LINT_ERROR;
	}
	if ((known > 2 && !client) || unknown > 0) {
		br2_details(d, l, "purposes other than serverAuth and clientAuth are NOT RECOMMENDED");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status eku_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_EXT_KEY_USAGE))
		return PW_LINT_PASS;
	br2_details(d, l, "extKeyUsage is missing");
	return PW_LINT_ERROR;
}

static int has_known_eku(const struct pw_lint_ctx *x)
{
	return br2_eku_known_count(x->cert) > 0;
}

static enum pw_lint_status eku_server_or_client(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_has_eku(x->cert, PW_OID_EKU_SERVER_AUTH) || pw_lint_has_eku(x->cert, PW_OID_EKU_CLIENT_AUTH))
		return PW_LINT_PASS;
	br2_details(d, l, "extKeyUsage has neither serverAuth nor clientAuth");
	return PW_LINT_ERROR;
}

static int subscriber_with_known_eku(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && br2_eku_known_count(x->cert) > 0;
}

static enum pw_lint_status eku_extra(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	for (size_t i = 0; i < c->x.eku.n; i++) {
		enum pw_oid id = c->x.eku.ids[i];
		if (!br2_eku_is_known(c, i) || id == PW_OID_EKU_SERVER_AUTH || id == PW_OID_EKU_CLIENT_AUTH ||
		    id == PW_OID_EKU_EMAIL_PROTECTION)
			continue;
		br2_details(d, l, "extKeyUsage purpose %zu is neither serverAuth, clientAuth nor emailProtection", i);
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* ---- keyUsage (BR 7.1.2.3 e / 7.1.2.7.11) ---- */

#define KU_KEY_AGREEMENT (1u << 4)
#define KU_CERT_SIGN (1u << 5)
#define KU_CRL_SIGN (1u << 6)

static int ku_not_ca(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_KEY_USAGE) != NULL && !x->cert->is_ca;
}

static enum pw_lint_status ku_cert_sign(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->x.ku.bits & KU_CERT_SIGN) {
		br2_details(d, l, "keyUsage asserts keyCertSign");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status ku_crl_sign(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->x.ku.bits & KU_CRL_SIGN) {
		br2_details(d, l, "keyUsage asserts cRLSign");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int not_ca_applies(const struct pw_lint_ctx *x)
{
	const struct pw_cert *c = x->cert;
	return BR2_EXT(c, EXT_KEY_USAGE) != NULL && !(c->x.ku.bits & KU_CERT_SIGN) &&
	       BR2_EXT(c, EXT_BASIC_CONSTRAINTS) != NULL;
}

static enum pw_lint_status not_is_ca(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->x.bc.ca) {
		br2_details(d, l, "basicConstraints cA is TRUE but keyUsage lacks keyCertSign");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int ecc_subscriber_with_ku(const struct pw_lint_ctx *x)
{
	return x->cert->spki.alg.id == PW_OID_EC_PUBLIC_KEY && BR2_EXT(x->cert, EXT_KEY_USAGE) != NULL &&
	       pw_lint_is_subscriber(x);
}

static enum pw_lint_status ecc_key_agreement(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->x.ku.bits & KU_KEY_AGREEMENT) {
		br2_details(d, l, "keyAgreement is NOT RECOMMENDED for ECC subscriber keys");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* ---- Validity (BR 6.3.2, Apple and Chrome root programs) ---- */

static enum pw_lint_status validity_months(const struct pw_cert *c, int months, char *d, size_t l)
{
	if (br2_add_date(c->not_before, 0, months, 0) < c->not_after) {
		br2_details(d, l, "validity period exceeds %d months", months);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status valid_39_months(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return validity_months(x->cert, 39, d, l);
}

static enum pw_lint_status valid_825_days(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_add_date(x->cert->not_before, 0, 0, 825) < x->cert->not_after) {
		br2_details(d, l, "validity period exceeds 825 days");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int server_not_ca(const struct pw_lint_ctx *x)
{
	return pw_lint_is_server_auth(x->cert) && !x->cert->is_ca;
}

static enum pw_lint_status longer_than(const struct pw_cert *c, int64_t days, enum pw_lint_status sev,
                                       char *d, size_t l)
{
	int64_t v = br2_validity_seconds(c);
	if (v > days * BR2_DAY) {
		br2_details(d, l, "validity period of %lld days exceeds %lld days",
		            (long long)((v + BR2_DAY - 1) / BR2_DAY), (long long)days);
		return sev;
	}
	return PW_LINT_PASS;
}

#define LONGER(fn, days, sev) \
	static enum pw_lint_status fn(const struct pw_lint_ctx *x, char *d, size_t l) \
	{ return longer_than(x->cert, days, sev, d, l); }
LONGER(longer_47, 47, PW_LINT_ERROR)
LONGER(longer_46, 46, PW_LINT_WARN)
LONGER(longer_100, 100, PW_LINT_ERROR)
LONGER(longer_99, 99, PW_LINT_WARN)
LONGER(longer_200, 200, PW_LINT_ERROR)
LONGER(longer_199, 199, PW_LINT_WARN)
LONGER(longer_398, 398, PW_LINT_ERROR)
LONGER(longer_397, 397, PW_LINT_WARN)
#undef LONGER

static int server_subscriber(const struct pw_lint_ctx *x)
{
	return pw_lint_is_server_auth(x->cert) && pw_lint_is_subscriber(x);
}

static enum pw_lint_status no_client_auth(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_has_eku(x->cert, PW_OID_EKU_CLIENT_AUTH)) {
		br2_details(d, l, "the Chrome Root Program forbids clientAuth in TLS server certificates");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- SHA-1 (BR 7.1.3) ---- */

static enum pw_oid sig_alg(const struct pw_cert *c)
{
	return c->kind == PW_KIND_TBS ? c->sig_alg_inner.id : c->sig_alg_outer.id;
}

static int is_sha1_sig(const struct pw_cert *c)
{
	enum pw_oid a = sig_alg(c);
	return a == PW_OID_SHA1_WITH_RSA || a == PW_OID_DSA_WITH_SHA1 || a == PW_OID_ECDSA_WITH_SHA1;
}

static enum pw_lint_status no_sha1(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (is_sha1_sig(x->cert)) {
		br2_details(d, l, "signed with a SHA-1 based algorithm");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int sha1_not_ca(const struct pw_lint_ctx *x)
{
	return !x->cert->is_ca && is_sha1_sig(x->cert);
}

static enum pw_lint_status sha1_expiry(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->not_after > br2_date(2017, 1, 1)) {
		br2_details(d, l, "SHA-1 signed subscriber certificate expires after 2017-01-01");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_sub_cert_aia_does_not_contain_ocsp_url", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.3 (v1.8.7)",
	         "A subscriber certificate's authorityInformationAccess must give the HTTP URL of the "
	         "issuing CA's OCSP responder.", "2012-07-01", "2023-09-15", not_ca, aia_ocsp),
	BR2_CERT("e_sub_cert_aia_marked_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A subscriber certificate's authorityInformationAccess must not be critical.",
	         "2012-07-01", NULL, subscriber_with_aia, aia_not_critical),
	BR2_CERT("e_sub_cert_aia_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A subscriber certificate must contain authorityInformationAccess.",
	         "2012-07-01", NULL, not_ca, aia_present),
	BR2_CERT("w_sub_cert_aia_does_not_contain_issuing_ca_url", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.7.7",
	         "A subscriber certificate's authorityInformationAccess should give the HTTP URL of the "
	         "issuing CA's certificate.", "2012-07-01", NULL, is_subscriber, aia_issuer_url),
	BR2_CERT("w_sub_cert_aia_contains_internal_names", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.10.3",
	         "The OCSP and caIssuers URLs of a subscriber certificate should name hosts under a "
	         "delegated public TLD, not internal names.", "2012-07-01", NULL, subscriber_with_aia,
	         aia_internal),
	BR2_CERT("e_sub_cert_basic_constraints_not_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "When a subscriber certificate contains basicConstraints it must be marked critical.",
	         "2023-09-15", NULL, subscriber_with_bc, bc_critical),
	BR2_CERT("e_sub_cert_cert_policy_empty", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.9",
	         "A subscriber certificate's certificatePolicies must list at least one policy.",
	         "2012-07-01", NULL, not_ca, policy_not_empty),
	BR2_CERT("e_sub_cert_certificate_policies_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A subscriber certificate must contain certificatePolicies.",
	         "2012-07-01", NULL, not_ca, policies_present),
	BR2_CERT("w_sub_cert_certificate_policies_marked_critical", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A subscriber certificate's certificatePolicies should not be critical.",
	         "2012-07-01", NULL, has_policies, policies_not_critical),
	BR2_CERT("e_sub_cert_crl_distribution_points_does_not_contain_url", BR2_E, PW_SRC_CABF_BR,
	         "BR 7.1.2.11.2", "A cRLDistributionPoints extension must give the HTTP URL of the CA's CRL.",
	         "2012-07-01", NULL, has_crldp, crldp_url),
	BR2_CERT("e_sub_cert_crl_distribution_points_marked_critical", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A cRLDistributionPoints extension must not be critical.",
	         "2012-07-01", NULL, has_crldp, crldp_not_critical),
	BR2_CERT("w_ext_subject_key_identifier_not_recommended_subscriber", BR2_W, PW_SRC_CABF_BR,
	         "BR 7.1.2.7.6", "subjectKeyIdentifier is NOT RECOMMENDED in subscriber certificates.",
	         "2023-09-15", NULL, is_subscriber, ski_present),
	BR2_CERT("e_sub_cert_eku_check", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.10",
	         "A subscriber certificate's extKeyUsage must include serverAuth, must not include "
	         "anyExtendedKeyUsage, codeSigning, timeStamping, OCSPSigning, emailProtection or the "
	         "precertificate-signing purpose, and should include nothing beyond clientAuth.",
	         "2023-09-15", NULL, subscriber_with_eku, eku_check),
	BR2_CERT("e_sub_cert_eku_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.6",
	         "A subscriber certificate must contain extKeyUsage.",
	         "2012-07-01", NULL, not_ca, eku_present),
	BR2_CERT("e_sub_cert_eku_server_auth_client_auth_missing", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.3 (v1.8.7)",
	         "A subscriber certificate's extKeyUsage must include serverAuth or clientAuth.",
	         "2012-07-01", "2023-09-15", has_known_eku, eku_server_or_client),
	BR2_CERT("w_sub_cert_eku_extra_values", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.3 (v1.8.7)",
	         "A subscriber certificate's extKeyUsage should hold only serverAuth, clientAuth and "
	         "emailProtection.", "2012-07-01", "2023-09-15", subscriber_with_known_eku, eku_extra),
	BR2_CERT("e_sub_cert_key_usage_cert_sign_bit_set", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.11",
	         "A subscriber certificate's keyUsage must not assert keyCertSign.",
	         "2012-07-01", NULL, ku_not_ca, ku_cert_sign),
	BR2_CERT("e_sub_cert_key_usage_crl_sign_bit_set", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.11",
	         "A subscriber certificate's keyUsage must not assert cRLSign.",
	         "2012-07-01", NULL, ku_not_ca, ku_crl_sign),
	BR2_CERT("e_sub_cert_not_is_ca", BR2_E, PW_SRC_CABF_BR, "BR 7.1.2.7.8",
	         "A certificate whose keyUsage lacks keyCertSign must not assert cA in basicConstraints.",
	         "2012-07-01", NULL, not_ca_applies, not_is_ca),
	BR2_CERT("w_cabf_ecc_ku_keyagreement_present", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.7.11",
	         "keyAgreement is permitted but NOT RECOMMENDED in the keyUsage of ECC subscriber certificates.",
	         "2023-09-15", NULL, ecc_subscriber_with_ku, ecc_key_agreement),
	BR2_CERT("e_sub_cert_valid_time_longer_than_39_months", BR2_E, PW_SRC_CABF_BR, "BR 6.3.2",
	         "Subscriber certificates issued after 2016-07-01 may be valid for at most 39 months.",
	         "2016-07-02", NULL, is_subscriber, valid_39_months),
	BR2_CERT("e_sub_cert_valid_time_longer_than_825_days", BR2_E, PW_SRC_CABF_BR, "BR 6.3.2",
	         "Subscriber certificates issued after 2018-03-01 may be valid for at most 825 days.",
	         "2018-03-02", NULL, is_subscriber, valid_825_days),
	BR2_CERT("e_server_cert_valid_time_longer_than_200_days", BR2_E, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2026-03-15 to 2027-03-14 must not be valid for "
	         "more than 200 days.", "2026-03-15", "2027-03-15", server_not_ca, longer_200),
	BR2_CERT("w_server_cert_valid_time_longer_than_199_days", BR2_W, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2026-03-15 to 2027-03-14 should not be valid for "
	         "more than 199 days.", "2026-03-15", "2027-03-15", server_not_ca, longer_199),
	BR2_CERT("e_server_cert_valid_time_longer_than_100_days", BR2_E, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2027-03-15 to 2029-03-14 must not be valid for "
	         "more than 100 days.", "2027-03-15", "2029-03-15", server_not_ca, longer_100),
	BR2_CERT("w_server_cert_valid_time_longer_than_99_days", BR2_W, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2027-03-15 to 2029-03-14 should not be valid for "
	         "more than 99 days.", "2027-03-15", "2029-03-15", server_not_ca, longer_99),
	BR2_CERT("e_server_cert_valid_time_longer_than_47_days", BR2_E, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2029-03-15 must not be valid for more than 47 days.",
	         "2029-03-15", NULL, server_not_ca, longer_47),
	BR2_CERT("w_server_cert_valid_time_longer_than_46_days", BR2_W, PW_SRC_CABF_BR, "BR 6.3.2",
	         "TLS subscriber certificates issued from 2029-03-15 should not be valid for more than 46 days.",
	         "2029-03-15", NULL, server_not_ca, longer_46),
	BR2_CERT("e_tls_server_cert_valid_time_longer_than_398_days", BR2_E, PW_SRC_APPLE,
	         "Apple Root Certificate Program, TLS validity",
	         "Apple trusts TLS server certificates issued from 2020-09-01 only if they are valid for "
	         "at most 398 days.", "2020-09-01", NULL, server_not_ca, longer_398),
	BR2_CERT("w_tls_server_cert_valid_time_longer_than_397_days", BR2_W, PW_SRC_APPLE,
	         "Apple Root Certificate Program, TLS validity",
	         "Apple recommends at most 397 days of validity for TLS server certificates issued from "
	         "2020-09-01.", "2020-09-01", NULL, server_not_ca, longer_397),
	BR2_CERT("e_client_auth_not_allowed", BR2_E, PW_SRC_CHROME, "Chrome Root Program Policy 1.8 §1.3.2",
	         "From 2027-03-15 Chrome-trusted TLS server certificates must not include the clientAuth "
	         "purpose.", "2027-03-15", NULL, server_subscriber, no_client_auth),
	BR2_CERT("e_sub_cert_or_sub_ca_using_sha1", BR2_E, PW_SRC_CABF_BR, "BR 7.1.3",
	         "Certificates issued from 2016 must not be signed with a SHA-1 based algorithm.",
	         "2016-01-01", NULL, NULL, no_sha1),
	BR2_CERT("w_sub_cert_sha1_expiration_too_long", BR2_W, PW_SRC_CABF_BR, "BR 7.1.3",
	         "SHA-1 signed subscriber certificates should not expire after 2017-01-01.",
	         "2015-01-16", NULL, sha1_not_ca, sha1_expiry),
};

const struct pw_lint_family pw_lint_family_br2_subscriber = {
	"br2_subscriber", defs, sizeof defs / sizeof defs[0]
};
