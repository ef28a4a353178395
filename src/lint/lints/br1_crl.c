/* pkiward — BR lints on CRLs: the CRL profile of BR 7.2.2 (extensions,
 * CRL number, authorityKeyIdentifier, reason codes) and the nextUpdate
 * limit of BR 4.9.7. */
#include <string.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* BR 4.9.7: for the status of Subscriber Certificates, nextUpdate is at
 * most ten days after thisUpdate. */
#define CRL_SUBSCRIBER_MAX_SECONDS (10 * 86400)
/* BR 7.2.2: cRLNumber is below 2^159, i.e. at most 20 octets with the top
 * bit of a 20-octet value clear. */
#define CRL_NUMBER_MAX_OCTETS 20

static int applies_has_entries(const struct pw_lint_ctx *ctx)
{
	return ctx->crl->n_entries > 0;
}

static const struct pw_ext *entry_ext(const struct pw_crl_entry *e, enum pw_oid id)
{
	size_t i;

	for (i = 0; i < e->n_exts; i++)
		if (e->exts[i].id == id)
			return &e->exts[i];
	return NULL;
}

/* BR 7.2.2: the reasonCode entry extension, when present, is one of
 * keyCompromise (1), affiliationChanged (3), superseded (4),
 * cessationOfOperation (5) or privilegeWithdrawn (9); unspecified (0) is
 * expressed by leaving the extension out. */
static enum pw_lint_status check_reason_codes(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_crl *l = ctx->crl;
	size_t i;

	for (i = 0; i < l->n_entries; i++) {
		const struct pw_crl_entry *e = &l->entries[i];
		if (!e->has_reason)
			continue;
		switch (e->reason) {
		case 1: case 3: case 4: case 5: case 9:
			break;
		case 0:
			br1_detail(details, len, "entry %zu uses reasonCode unspecified (0); the extension "
			           "must be omitted instead", i);
			return PW_LINT_ERROR;
		default:
			br1_detail(details, len, "entry %zu has reasonCode %u, which BR 7.2.2 does not "
			           "allow", i, (unsigned)e->reason);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

/* BR 7.2.2: the reasonCode entry extension is not critical. */
static enum pw_lint_status check_reason_not_critical(const struct pw_lint_ctx *ctx, char *details,
                                                     size_t len)
{
	const struct pw_crl *l = ctx->crl;
	size_t i;

	for (i = 0; i < l->n_entries; i++) {
		const struct pw_ext *x = entry_ext(&l->entries[i], PW_OID_EXT_CRL_REASON);
		if (x != NULL && x->critical) {
			br1_detail(details, len, "entry %zu marks reasonCode critical", i);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

/* BR 7.2.2: the CRL's authorityKeyIdentifier holds keyIdentifier and
 * neither authorityCertIssuer nor authorityCertSerialNumber. Read from the
 * extension's bytes so that the forbidden fields are seen. */
static enum pw_lint_status check_aki_keyid_only(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_crl *l = ctx->crl;
	struct pw_error err;
	size_t i;

	for (i = 0; i < l->n_exts; i++) {
		struct pw_der d, seq, field;
		int has_kid = 0, has_other = 0;
		uint32_t tag;

		if (l->exts[i].id != PW_OID_EXT_AKI)
			continue;
		d = l->exts[i].value;
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, &err) || pw_der_len(&d) != 0) {
			br1_detail(details, len, "authorityKeyIdentifier does not decode");
			return PW_LINT_ERROR;
		}
		while (pw_der_len(&seq) > 0) {
			if (!pw_der_get_any(&seq, &tag, &field, NULL, &err)) {
				br1_detail(details, len, "authorityKeyIdentifier does not decode");
				return PW_LINT_ERROR;
			}
			if (tag == PW_DER_CTX(0))
				has_kid = 1;
			else
				has_other = 1;
		}
		if (!has_kid) {
			br1_detail(details, len, "authorityKeyIdentifier lacks keyIdentifier");
			return PW_LINT_ERROR;
		}
		if (has_other) {
			br1_detail(details, len, "authorityKeyIdentifier carries authorityCertIssuer or "
			           "authorityCertSerialNumber");
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

/* BR 7.2.2: crlExtensions are cRLNumber (not critical),
 * authorityKeyIdentifier (not critical) and, when present,
 * issuingDistributionPoint (critical); other extensions are NOT
 * RECOMMENDED. */
static enum pw_lint_status check_crl_extensions(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_crl *l = ctx->crl;
	char oid[PW_DER_OID_TEXT_MAX];
	size_t i;

	for (i = 0; i < l->n_exts; i++) {
		enum pw_oid id = l->exts[i].id;
		if (id == PW_OID_EXT_CRL_NUMBER || id == PW_OID_EXT_AKI ||
		    id == PW_OID_EXT_ISSUING_DISTRIBUTION_POINT)
			continue;
		if (!pw_der_oid_to_text(&l->exts[i].oid, oid, sizeof oid))
			strcpy(oid, "?");
		br1_detail(details, len, "CRL extension %s is not recommended", oid);
		return PW_LINT_WARN;
	}
	for (i = 0; i < l->n_exts; i++) {
		enum pw_oid id = l->exts[i].id;
		int want = id == PW_OID_EXT_ISSUING_DISTRIBUTION_POINT;
		if ((l->exts[i].critical != 0) != want) {
			br1_detail(details, len, "CRL extension %s must%s be critical", pw_oid_name(id),
			           want ? "" : " not");
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int applies_next_update(const struct pw_lint_ctx *ctx)
{
	return ctx->crl->has_next_update;
}

/* BR 4.9.7 / 7.2: a CRL for Subscriber Certificates has nextUpdate at most
 * ten days after thisUpdate. */
static enum pw_lint_status check_next_update(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_crl *l = ctx->crl;

	if (l->next_update > l->this_update + CRL_SUBSCRIBER_MAX_SECONDS) {
		br1_detail(details, len, "nextUpdate is more than 10 days after thisUpdate");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.2.2: cRLNumber is present, and 0 <= cRLNumber < 2^159. */
static enum pw_lint_status check_crl_number(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	const struct pw_crl *l = ctx->crl;
	const uint8_t *p = l->crl_number.p;
	size_t n = l->crl_number.len;

	if (!l->has_crl_number || n == 0) {
		br1_detail(details, len, "the CRL has no cRLNumber");
		return PW_LINT_ERROR;
	}
	if (p[0] & 0x80) {
		br1_detail(details, len, "cRLNumber is negative");
		return PW_LINT_ERROR;
	}
	while (n > 1 && p[0] == 0x00) {
		p++;
		n--;
	}
	if (n > CRL_NUMBER_MAX_OCTETS || (n == CRL_NUMBER_MAX_OCTETS && (p[0] & 0x80))) {
		br1_detail(details, len, "cRLNumber is 2^159 or larger");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_cab_crl_has_valid_reason_code", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL,
	 "BR 7.2.2",
	 "CRL entry reason codes are limited to keyCompromise, affiliationChanged, superseded, "
	 "cessationOfOperation and privilegeWithdrawn; unspecified is expressed by omission.",
	 "2023-07-15", NULL, applies_has_entries, check_reason_codes, 0},
	{"e_cab_crl_reason_code_not_critical", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL,
	 "BR 7.2.2",
	 "The reasonCode CRL entry extension must not be marked critical.",
	 "2012-07-01", NULL, applies_has_entries, check_reason_not_critical, 0},
	{"e_crl_auth_key_id_only_contains_keyid", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL,
	 "BR 7.2.2",
	 "A CRL's authorityKeyIdentifier must contain keyIdentifier and nothing else.",
	 "2024-03-15", NULL, NULL, check_aki_keyid_only, 0},
	{"e_crl_extensions_validity", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL, "BR 7.2.2",
	 "A CRL should only carry cRLNumber and authorityKeyIdentifier (both non-critical) and "
	 "issuingDistributionPoint (critical); wrong criticality is an error, other extensions "
	 "a warning.",
	 NULL, NULL, NULL, check_crl_extensions, 0},
	{"e_crl_next_update_invalid", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL, "BR 4.9.7, 7.2",
	 "A CRL covering subscriber certificates must set nextUpdate no more than ten days after "
	 "thisUpdate.",
	 "2023-07-15", NULL, applies_next_update, check_next_update, 0},
	{"e_crl_number_out_of_range", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CRL, "BR 7.2.2",
	 "A CRL must carry a cRLNumber that is non-negative and below 2^159.",
	 NULL, NULL, NULL, check_crl_number, 0},
};

const struct pw_lint_family pw_lint_family_br1_crl = {"br1_crl", defs, sizeof defs / sizeof defs[0]};
