/* pkiward — BR lints on delegated OCSP responder certificates (BR 7.1.2.8,
 * BR 4.9.9). These run on every certificate with id-kp-OCSPSigning, even
 * one the TLS source gate would skip: a responder certificate has no
 * serverAuth purpose yet is governed by the BRs (PW_LINT_F_NO_SOURCE_GATE). */
#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

#define KU_DIGITAL_SIGNATURE (1u << 0)

static int applies_ocsp(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_ocsp_responder(ctx->cert);
}

/* 1 if a distribution point has a URI fullName (the pointer a relying party
 * would fetch). */
static int has_cdp_uri(const struct pw_cert *c)
{
	size_t i, j;

	for (i = 0; i < c->x.crldp.n; i++)
		for (j = 0; c->x.crldp.v[i].has_full_name && j < c->x.crldp.v[i].full_name.n; j++)
			if (c->x.crldp.v[i].full_name.v[j].type == PW_GN_URI)
				return 1;
	return 0;
}

/* BR 7.1.2.8.2: cRLDistributionPoints MUST NOT be present. */
static enum pw_lint_status check_cdp(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (has_cdp_uri(ctx->cert)) {
		br1_detail(details, len, "OCSP responder certificate carries CRL distribution points");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.8.2: certificatePolicies MUST NOT be present. */
static enum pw_lint_status check_cp(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->x.policies.n > 0) {
		br1_detail(details, len, "OCSP responder certificate carries certificate policies");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.8.7: digitalSignature is the only key usage allowed. */
static enum pw_lint_status check_ku(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->x.ku.bits & BR1_KU_DEFINED & ~KU_DIGITAL_SIGNATURE) {
		br1_detail(details, len, "keyUsage asserts bits other than digitalSignature");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 4.9.9 / RFC 6960 §4.2.2.2.1: a delegated responder certificate carries
 * id-pkix-ocsp-nocheck. */
static enum pw_lint_status check_nocheck(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!pw_lint_has_ext(ctx->cert, PW_OID_EXT_OCSP_NOCHECK)) {
		br1_detail(details, len, "OCSP responder certificate lacks id-pkix-ocsp-nocheck");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_ocsp_cert_cdp_forbidden", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.8.2",
	 "An OCSP responder certificate must not carry the cRLDistributionPoints extension.",
	 "2023-09-15", NULL, applies_ocsp, check_cdp, PW_LINT_F_NO_SOURCE_GATE},
	{"e_ocsp_cert_cp_forbidden", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.8.2",
	 "An OCSP responder certificate must not carry the certificatePolicies extension.",
	 "2023-09-15", NULL, applies_ocsp, check_cp, PW_LINT_F_NO_SOURCE_GATE},
	{"e_ocsp_cert_invalid_ku", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.8.7",
	 "An OCSP responder certificate's keyUsage may assert digitalSignature only.",
	 "2023-09-15", NULL, applies_ocsp, check_ku, PW_LINT_F_NO_SOURCE_GATE},
	{"e_ocsp_id_pkix_ocsp_nocheck_ext_not_included_server_auth", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 4.9.9",
	 "A delegated OCSP responder certificate must contain the id-pkix-ocsp-nocheck extension.",
	 "2012-07-01", NULL, applies_ocsp, check_nocheck, PW_LINT_F_NO_SOURCE_GATE},
};

const struct pw_lint_family pw_lint_family_br1_ocsp = {"br1_ocsp", defs,
                                                       sizeof defs / sizeof defs[0]};
