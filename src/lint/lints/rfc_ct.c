/* pkiward lints — Certificate Transparency (RFC 6962 §3.1, §3.3). */
#include "../lint_util.h"
#include "../rfc_util.h"

/* TLS encoding: SignedCertificateTimestampList starts with a 2-octet length. */
#define SCT_LIST_LENGTH_OCTETS 2u

static int applies_final_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && rfc_ext(ctx->cert, PW_OID_EXT_CT_POISON) == NULL;
}

/* RFC 6962 §3.3: the SCT list holds at least one SCT (list<1..2^16-1>). */
static enum pw_lint_status check_empty_sct_list(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_SCT_LIST);
	struct pw_der d, list;
	struct pw_error err;
	if (e == NULL)
		return PW_LINT_PASS;
	d = e->value;
	if (!pw_der_get(&d, PW_DER_OCTET_STRING, &list, &err))
		return pw_lint_fail(PW_LINT_FATAL, details, len,
		                    "SCT list extension value is not an OCTET STRING");
	if (list.len < SCT_LIST_LENGTH_OCTETS)
		return pw_lint_fail(PW_LINT_FATAL, details, len, "SCT list lacks its length field");
	if (list.p[0] == 0 && list.p[1] == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "SCT list is empty");
	return PW_LINT_PASS;
}

static int applies_precert(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_CT_POISON) != NULL;
}

/* RFC 6962 §3.3: SCTs are embedded in the final certificate; a
 * precertificate (it carries the poison, §3.1) must not carry them. */
static enum pw_lint_status check_precert_sct(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (rfc_ext(ctx->cert, PW_OID_EXT_SCT_LIST) != NULL)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "precertificate carries a signedCertificateTimestampList");
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_empty_sct_list", PW_LINT_ERROR, PW_SRC_RFC6962, "RFC 6962 §3.3",
	         "An embedded signedCertificateTimestampList must contain at least one SCT.",
	         "2013-06-01", applies_final_subscriber, check_empty_sct_list),
	RFC_CERT_ROW("e_precert_with_sct_list", PW_LINT_ERROR, PW_SRC_RFC6962, "RFC 6962 §3.3",
	         "A precertificate must not contain the signedCertificateTimestampList extension.",
	         "2013-06-01", applies_precert, check_precert_sct),
};

const struct pw_lint_family pw_lint_family_rfc_ct = {
	"rfc_ct", defs, sizeof defs / sizeof defs[0],
};
