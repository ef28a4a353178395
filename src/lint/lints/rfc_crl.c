/* pkiward lints — CRL profile (RFC 5280 §5.1, §5.2, §5.3; RFC 4055 §5 for
 * the signature algorithm parameters). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* CRLReason values (RFC 5280 §5.3.1). */
#define CRL_REASON_UNSPECIFIED 0u
#define CRL_REASON_UNUSED_7 7u      /* value 7 is not used */
#define CRL_REASON_MAX 10u          /* aACompromise */

/* sha224/256/384/512WithRSAEncryption: 1.2.840.113549.1.1.{14,11,12,13}. */
static const uint8_t PKCS1_ARC[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01 };

/* Finds the revokedCertificates field as encoded: returns 1 and sets
 * *out_present (and *out_list to its contents) when the TBSCertList could
 * be walked up to it; 0 if it could not. */
static int find_revoked_list(const struct pw_crl *l, int *out_present, struct pw_der *out_list)
{
	struct pw_der d = l->tbs, tbs;
	struct pw_error err;
	*out_present = 0;
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &tbs, &err))
		return 0;
	if (pw_der_peek_tag(&tbs, PW_DER_INTEGER) && !pw_der_skip(&tbs, &err))
		return 0;
	/* signature, issuer, thisUpdate */
	for (int i = 0; i < 3; i++)
		if (!pw_der_skip(&tbs, &err))
			return 0;
	if ((pw_der_peek_tag(&tbs, PW_DER_UTC_TIME) || pw_der_peek_tag(&tbs, PW_DER_GENERALIZED_TIME)) &&
	    !pw_der_skip(&tbs, &err))
		return 0;
	if (pw_der_peek_tag(&tbs, PW_DER_SEQUENCE)) {
		if (!pw_der_get(&tbs, PW_DER_SEQUENCE, out_list, &err))
			return 0;
		*out_present = 1;
	}
	return 1;
}

/* RFC 5280 §5.1.2.6: revokedCertificates is SEQUENCE OF ... OPTIONAL and
 * is absent, not empty, when nothing is revoked. */
static enum pw_lint_status check_empty_revoked(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	int present;
	struct pw_der list;
	if (!find_revoked_list(ctx->crl, &present, &list))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "TBSCertList could not be read");
	if (present && list.len == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "revokedCertificates is present but empty");
	return PW_LINT_PASS;
}

static int applies_no_entries(const struct pw_lint_ctx *ctx)
{
	return ctx->crl->n_entries == 0;
}

static enum pw_lint_status check_revoked_field_absent(const struct pw_lint_ctx *ctx,
                                                      char *details, size_t len)
{
	int present;
	struct pw_der list;
	if (!find_revoked_list(ctx->crl, &present, &list))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "TBSCertList could not be read");
	if (present)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "no certificate is revoked but revokedCertificates is encoded");
	return PW_LINT_PASS;
}

static int has_crl_ext(const struct pw_crl *l, enum pw_oid id)
{
	for (size_t i = 0; i < l->n_exts; i++)
		if (l->exts[i].id == id)
			return 1;
	return 0;
}

/* RFC 5280 §5.2.1: conforming CRL issuers MUST include authorityKeyIdentifier. */
static enum pw_lint_status check_crl_aki(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!has_crl_ext(ctx->crl, PW_OID_EXT_AKI))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "CRL has no authorityKeyIdentifier");
	return PW_LINT_PASS;
}

/* RFC 5280 §5.2.3: conforming CRL issuers MUST include cRLNumber. */
static enum pw_lint_status check_crl_number(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	if (!has_crl_ext(ctx->crl, PW_OID_EXT_CRL_NUMBER))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "CRL has no cRLNumber");
	return PW_LINT_PASS;
}

/* RFC 5280 §5.1.2.5: conforming CRL issuers MUST include nextUpdate. */
static enum pw_lint_status check_next_update(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (!ctx->crl->has_next_update)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "CRL has no nextUpdate");
	return PW_LINT_PASS;
}

static int applies_entries(const struct pw_lint_ctx *ctx)
{
	return ctx->crl->n_entries > 0;
}

/* RFC 5280 §5.3.1: reasonCode unspecified (0) SHOULD be expressed by
 * omitting the extension; 7 is unused and values above 10 are undefined. */
static enum pw_lint_status check_reason_codes(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_crl *l = ctx->crl;
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct pw_crl_entry *e = &l->entries[i];
		if (!e->has_reason)
			continue;
		if (e->reason == CRL_REASON_UNSPECIFIED)
			return pw_lint_fail(PW_LINT_WARN, details, len,
			                    "entry %zu uses reasonCode unspecified instead of omitting it", i);
		if (e->reason == CRL_REASON_UNUSED_7 || e->reason > CRL_REASON_MAX)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "entry %zu has reasonCode %u, not defined by RFC 5280 §5.3.1", i,
			                    (unsigned)e->reason);
	}
	return PW_LINT_PASS;
}

/* RFC 5280 §5.1.2.4, §5.1.2.6: thisUpdate is when the CRL was issued, so
 * no revocation it lists can lie after it. */
static enum pw_lint_status check_revocation_time(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	const struct pw_crl *l = ctx->crl;
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].revocation_date > l->this_update) {
			char serial[2 * 20 + 4];
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "entry %zu (serial %s) is revoked after thisUpdate", i,
			                    pw_serial_to_hex(&l->entries[i].serial, serial, sizeof serial));
		}
	return PW_LINT_PASS;
}

/* RFC 4055 §5: sha{224,256,384,512}WithRSAEncryption parameters MUST be
 * NULL (present), in the CRL's signatureAlgorithm as anywhere else. */
static enum pw_lint_status check_sigalg_null(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_algid *a = &ctx->crl->sig_alg_outer;
	if (a->oid.len != sizeof PKCS1_ARC + 1 || memcmp(a->oid.p, PKCS1_ARC, sizeof PKCS1_ARC) != 0)
		return PW_LINT_PASS;
	uint8_t last = a->oid.p[sizeof PKCS1_ARC];
	if (last < 11 || last > 14)
		return PW_LINT_PASS;
	if (!a->params_present || a->params_tag != PW_DER_NULL)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "signatureAlgorithm %s lacks its NULL parameters", pw_oid_name(a->id));
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CRL_ROW("e_crl_empty_revoked_certificates", PW_LINT_ERROR, PW_SRC_RFC5280,
	        "RFC 5280 §5.1.2.6",
	        "revokedCertificates must be omitted rather than encoded as an empty list.",
	        "2008-05-01", NULL, check_empty_revoked),
	RFC_CRL_ROW("e_crl_revoked_certificates_field_must_be_empty", PW_LINT_ERROR, PW_SRC_RFC5280,
	        "RFC 5280 §5.1.2.6",
	        "When no certificate is revoked, the revokedCertificates field must be absent.",
	        "2008-05-01", applies_no_entries, check_revoked_field_absent),
	RFC_CRL_ROW("e_crl_has_authority_key_identifier", PW_LINT_ERROR, PW_SRC_RFC5280,
	        "RFC 5280 §5.2.1", "A CRL must carry the authorityKeyIdentifier extension.",
	        "2008-05-01", NULL, check_crl_aki),
	RFC_CRL_ROW("e_crl_missing_crl_number", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §5.2.3",
	        "A CRL must carry the cRLNumber extension.", "2008-05-01", NULL, check_crl_number),
	RFC_CRL_ROW("e_crl_has_next_update", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §5.1.2.5",
	        "A CRL must include the nextUpdate time.", "2008-05-01", NULL, check_next_update),
	RFC_CRL_ROW("e_crl_has_valid_reason_code", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §5.3.1",
	        "CRL entry reason codes must be values RFC 5280 defines; unspecified should be "
	        "expressed by omitting the extension.",
	        "2008-05-01", applies_entries, check_reason_codes),
	RFC_CRL_ROW("e_crl_revocation_time_after_this_update", PW_LINT_ERROR, PW_SRC_RFC5280,
	        "RFC 5280 §5.1.2.4, §5.1.2.6",
	        "No revocationDate of a CRL entry may be later than the CRL's thisUpdate.",
	        "2008-05-01", applies_entries, check_revocation_time),
	RFC_CRL_ROW("e_crl_sigalgo_missing_null_params", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 4055 §5",
	        "A CRL signed with SHA-2 RSA PKCS #1 v1.5 must encode NULL algorithm parameters.",
	        "2008-05-01", NULL, check_sigalg_null),
};

const struct pw_lint_family pw_lint_family_rfc_crl = {
	"rfc_crl", defs, sizeof defs / sizeof defs[0],
};
