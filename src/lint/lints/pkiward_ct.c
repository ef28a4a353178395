/* pkiward lints: the CT precertificate poison (RFC 6962 §3.1, BR 7.1.2.9).
 *
 * A precertificate is a certificate with the critical poison extension
 * (1.3.6.1.4.1.11129.2.4.3) whose extnValue is exactly the DER of ASN.1
 * NULL (05 00), so that no RFC 5280 client accepts it; it must not carry
 * the SCT list, which only the final certificate may hold (RFC 6962 §3.3,
 * BR 7.1.2.9.1). pkiward lints a precertificate as the certificate it
 * promises (BR 7.1.2.9: it must conform as if it were that certificate);
 * these lints check what is specific to the precertificate itself. */
#include <string.h>

#include "lint_util.h"

static int has_poison(const struct pw_lint_ctx *ctx)
{
	return ctx->cert != NULL && pw_lint_has_ext(ctx->cert, PW_OID_EXT_CT_POISON);
}

static enum pw_lint_status check_critical(const struct pw_lint_ctx *ctx, char *details,
                                          size_t len)
{
	for (size_t i = 0; i < ctx->cert->n_exts; i++) {
		const struct pw_ext *e = &ctx->cert->exts[i];
		if (e->id == PW_OID_EXT_CT_POISON && !e->critical)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "CT poison extension at byte %zu is not critical", e->offset);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_null(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	static const uint8_t asn1_null[2] = {0x05, 0x00};
	for (size_t i = 0; i < ctx->cert->n_exts; i++) {
		const struct pw_ext *e = &ctx->cert->exts[i];
		if (e->id != PW_OID_EXT_CT_POISON)
			continue;
		if (e->value.len != sizeof asn1_null || memcmp(e->value.p, asn1_null, 2) != 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "CT poison extension at byte %zu: extnValue is %zu octet(s), "
			                    "not the ASN.1 NULL 05 00",
			                    e->offset, e->value.len);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_no_sct(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (pw_lint_has_ext(ctx->cert, PW_OID_EXT_SCT_LIST))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "precertificate (CT poison present) also carries an SCT list");
	return PW_LINT_PASS;
}

static enum pw_lint_status check_once(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	size_t n = pw_cert_count_ext(ctx->cert, PW_OID_EXT_CT_POISON);
	if (n > 1)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "CT poison extension appears %zu times", n);
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_pkiward_ct_poison_not_critical", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "RFC 6962 §3.1; BR 7.1.2.9.1",
	 "The precertificate poison extension must be marked critical so that no client accepts "
	 "a precertificate as a certificate.",
	 "2013-06-01", NULL, has_poison, check_critical, 0},
	{"e_pkiward_ct_poison_value_not_null", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "RFC 6962 §3.1; BR 7.1.2.9.3",
	 "The precertificate poison extension's value must be exactly the DER encoding of ASN.1 "
	 "NULL (05 00).",
	 "2013-06-01", NULL, has_poison, check_null, 0},
	{"e_pkiward_ct_poison_with_sct_list", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "RFC 6962 §3.1; BR 7.1.2.9.1",
	 "A precertificate must not carry a Signed Certificate Timestamp list; only the final "
	 "certificate may.",
	 "2013-06-01", NULL, has_poison, check_no_sct, 0},
	{"e_pkiward_ct_poison_duplicated", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "RFC 5280 §4.2; RFC 6962 §3.1",
	 "The precertificate poison extension must appear exactly once.",
	 "2013-06-01", NULL, has_poison, check_once, 0},
};

const struct pw_lint_family pw_lint_family_pkiward_ct = {
	"pkiward_ct", defs, sizeof defs / sizeof defs[0],
};
