/* pkiward lints: strict DER. The engine reports a certificate, TBS or CRL
 * that pkiward's strict DER reader rejects (X.690 §10/§11: definite minimal
 * lengths, minimal INTEGERs, BOOLEAN 0x00/0xFF, no trailing bytes ...) as a
 * single fatal result of these lints, with the byte offset and the field;
 * nothing else can be evaluated on such an input. RFC 5280 §4.1 requires
 * the signed data to be DER. When the input parsed, they pass. */
#include "internal.h"
#include "lint_util.h"

static enum pw_lint_status check_parsed(const struct pw_lint_ctx *ctx, char *details,
                                        size_t details_len)
{
	(void)ctx;
	(void)details;
	(void)details_len;
	/* Reaching a check means the strict parser accepted the input. */
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{
		.name = PW_LINT_NAME_DER_STRICT,
		.severity = PW_LINT_FATAL,
		.source = PW_SRC_PKIWARD,
		.target = PW_TARGET_CERT,
		.citation = "RFC 5280 §4.1; X.690 §10",
		.description = "The certificate (or TBSCertificate) must be strict DER; otherwise "
		               "it cannot be evaluated and is reported with the failing byte offset.",
		.check = check_parsed,
	},
	{
		.name = PW_LINT_NAME_CRL_DER_STRICT,
		.severity = PW_LINT_FATAL,
		.source = PW_SRC_PKIWARD,
		.target = PW_TARGET_CRL,
		.citation = "RFC 5280 §5.1; X.690 §10",
		.description = "The CRL must be strict DER; otherwise it cannot be evaluated and is "
		               "reported with the failing byte offset.",
		.check = check_parsed,
	},
	{
		.name = PW_LINT_NAME_OCSP_DER_STRICT,
		.severity = PW_LINT_FATAL,
		.source = PW_SRC_PKIWARD,
		.target = PW_TARGET_OCSP,
		.citation = "RFC 6960 §4.2.1; X.690 §10",
		.description = "The OCSP response must be strict DER; otherwise it cannot be "
		               "evaluated and is reported with the failing byte offset.",
		.check = check_parsed,
	},
};

const struct pw_lint_family pw_lint_family_pkiward_der = {
	"pkiward_der", defs, sizeof defs / sizeof defs[0],
};
