/* pkiward — BR lints on certificate-wide fields: the version (BR 7.1.1),
 * subscriber EKU criticality (BR 7.1.2.7.6) and backdating of notBefore
 * against embedded SCTs (BR 7.1.2.7). */
#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* BR 7.1.2.7 (validity): notBefore is within 48 hours of signing. */
#define BACKDATE_MAX_MS ((int64_t)48 * 3600 * 1000)
/* SerializedSCT layout (RFC 6962 §3.2): version(1) || LogID(32) ||
 * timestamp(8, ms since the epoch) || ... */
#define SCT_TIMESTAMP_OFFSET 33
#define SCT_TIMESTAMP_END 41

/* BR 7.1.1: certificates are X.509 v3 (version field value 2). */
static enum pw_lint_status check_version(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->version != 2) {
		br1_detail(details, len, "certificate version is v%llu, not v3",
		           (unsigned long long)ctx->cert->version + 1);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_subscriber_eku(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && pw_lint_has_ext(ctx->cert, PW_OID_EXT_EXT_KEY_USAGE);
}

/* BR 7.1.2.7.6: extKeyUsage in Subscriber Certificates is not critical. */
static enum pw_lint_status check_eku_critical(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_ext *e = pw_cert_get0_ext(ctx->cert, PW_OID_EXT_EXT_KEY_USAGE);

	if (e != NULL && e->critical) {
		br1_detail(details, len, "extKeyUsage is marked critical");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_scts(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->x.scts.present && ctx->cert->x.scts.n_scts > 0;
}

/* An SCT's timestamp is when a log saw the (pre)certificate, so it bounds
 * the signing time from below: notBefore more than 48 hours earlier than
 * any SCT is excessive backdating (BR 7.1.2.7). */
static enum pw_lint_status check_backdated(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_der *list = &ctx->cert->x.scts.list;
	int64_t nb_ms = ctx->cert->not_before * 1000;
	size_t pos = 2;

	while (pos + 2 <= list->len) {
		size_t l = ((size_t)list->p[pos] << 8) | list->p[pos + 1];
		const uint8_t *sct = list->p + pos + 2;
		uint64_t ts = 0;
		size_t k;

		if (l > list->len - pos - 2)
			break;
		if (l >= SCT_TIMESTAMP_END) {
			for (k = SCT_TIMESTAMP_OFFSET; k < SCT_TIMESTAMP_END; k++)
				ts = (ts << 8) | sct[k];
			if (ts <= (uint64_t)INT64_MAX && (int64_t)ts - nb_ms > BACKDATE_MAX_MS) {
				br1_detail(details, len, "notBefore is more than 48 hours before an embedded "
				           "SCT's timestamp");
				return PW_LINT_ERROR;
			}
		}
		pos += 2 + l;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_eku_critical", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.7.6",
	 "The extKeyUsage extension of a subscriber certificate must not be critical.",
	 "2023-09-15", NULL, applies_subscriber_eku, check_eku_critical, 0},
	{"e_excessively backdated", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.7",
	 "notBefore must lie within 48 hours of signing; an embedded SCT timestamped more than "
	 "48 hours after notBefore shows excessive backdating.",
	 "2023-09-15", NULL, applies_scts, check_backdated, 0},
	{"e_invalid_certificate_version", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.1",
	 "Certificates must be X.509 version 3.",
	 "2015-04-16", NULL, NULL, check_version, 0},
};

const struct pw_lint_family pw_lint_family_br1_cert = {"br1_cert", defs,
                                                       sizeof defs / sizeof defs[0]};
