/* pkiward lints — algorithm identifiers (RFC 5280 §4.1.1.2, RFC 4055 §1.2
 * and §5 / RFC 3279 §2.2.1, §2.3.1: the RSA PKCS #1 v1.5 identifiers carry
 * an explicit NULL parameter). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* The PKCS #1 arc 1.2.840.113549.1.1 (content octets); RSA identifiers
 * with NULL parameters are 1.1, 1.2, 1.4, 1.5 and 1.11-1.14. */
static const uint8_t PKCS1_ARC[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01 };
/* SEQUENCE (13) { OID (9) ..., NULL } */
#define RSA_ALGID_DER_LEN 15u

/* 1 if the OID is an RSA PKCS #1 v1.5 identifier whose parameters are NULL. */
static int is_rsa_null_param_oid(const struct pw_der *oid)
{
	if (oid->len != sizeof PKCS1_ARC + 1 || memcmp(oid->p, PKCS1_ARC, sizeof PKCS1_ARC) != 0)
		return 0;
	switch (oid->p[sizeof PKCS1_ARC]) {
	case 1: case 2: case 4: case 5: case 11: case 12: case 13: case 14:
		return 1;
	default:
		return 0;
	}
}

/* 1 if `raw` is exactly SEQUENCE { oid, NULL }. */
static int is_oid_with_null(const struct pw_der *raw, const struct pw_der *oid)
{
	return raw->len == RSA_ALGID_DER_LEN && raw->p[0] == 0x30 && raw->p[1] == 0x0d &&
	       raw->p[2] == 0x06 && raw->p[3] == oid->len && memcmp(raw->p + 4, oid->p, oid->len) == 0 &&
	       raw->p[13] == 0x05 && raw->p[14] == 0x00;
}

static const char *param_problem(const struct pw_algid *a)
{
	if (!a->params_present)
		return "has no parameters (NULL is required)";
	if (a->params_tag != PW_DER_NULL)
		return "has parameters that are not NULL";
	return "is not encoded as SEQUENCE { OID, NULL }";
}

/* RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same algorithm
 * identifier as tbsCertificate.signature (compared as encoded). */
static enum pw_lint_status check_sig_alg_match(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (!pw_der_equal(&c->sig_alg_inner.raw, &c->sig_alg_outer.raw))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "signatureAlgorithm differs from tbsCertificate.signature");
	return PW_LINT_PASS;
}

static int applies_spki_rsa(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->spki.alg.id == PW_OID_RSA_ENCRYPTION;
}

/* RFC 4055 §1.2 / RFC 3279 §2.3.1: rsaEncryption parameters MUST be NULL. */
static enum pw_lint_status check_spki_rsa_null(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	const struct pw_algid *a = &ctx->cert->spki.alg;
	if (!is_oid_with_null(&a->raw, &a->oid))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "subjectPublicKeyInfo rsaEncryption %s",
		                    param_problem(a));
	return PW_LINT_PASS;
}

/* The algorithm the certificate says it is signed with (the outer
 * signatureAlgorithm; for an unsigned TBS, its signature field). */
static const struct pw_algid *signing_alg(const struct pw_cert *c)
{
	return c->kind == PW_KIND_TBS ? &c->sig_alg_inner : &c->sig_alg_outer;
}

static int applies_rsa_sig(const struct pw_lint_ctx *ctx)
{
	return is_rsa_null_param_oid(&signing_alg(ctx->cert)->oid);
}

/* RFC 4055 §5 / RFC 3279 §2.2.1: the PKCS #1 v1.5 signature identifiers
 * carry NULL parameters, in tbsCertificate.signature too. */
static enum pw_lint_status check_tbs_sig_rsa_null(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	const struct pw_cert *c = ctx->cert;
	const struct pw_algid *a = &c->sig_alg_inner;
	if (!is_oid_with_null(&a->raw, &signing_alg(c)->oid))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "tbsCertificate.signature %s",
		                    pw_der_equal(&a->oid, &signing_alg(c)->oid)
		                            ? param_problem(a)
		                            : "names another algorithm than signatureAlgorithm");
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW_F("e_cert_sig_alg_not_match_tbs_sig_alg", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.1.2",
	         "signatureAlgorithm must be byte-for-byte the same AlgorithmIdentifier as "
	         "tbsCertificate.signature.",
	         "2008-05-01", NULL, check_sig_alg_match, PW_LINT_F_NEEDS_SIGNATURE),
	RFC_CERT_ROW_F("e_spki_rsa_encryption_parameter_not_null", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 4055 §1.2; RFC 3279 §2.3.1",
	         "An rsaEncryption subjectPublicKeyInfo algorithm must carry NULL parameters.",
	         "2008-05-01", applies_spki_rsa, check_spki_rsa_null, 0),
	RFC_CERT_ROW_F("e_tbs_signature_rsa_encryption_parameter_not_null", PW_LINT_ERROR,
	         PW_SRC_RFC5280, "RFC 4055 §5; RFC 3279 §2.2.1",
	         "An RSA PKCS #1 v1.5 signature algorithm in tbsCertificate.signature must carry "
	         "NULL parameters.",
	         "2008-05-01", applies_rsa_sig, check_tbs_sig_rsa_null, 0),
};

const struct pw_lint_family pw_lint_family_rfc_algorithms = {
	"rfc_algorithms", defs, sizeof defs / sizeof defs[0],
};
