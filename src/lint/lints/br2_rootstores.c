/* pkiward — root program lints not tied to one BR section: Mozilla Root
 * Store Policy 5.3 (intermediate EKUs) and Apple's CT policy (SCT counts). */
#include <string.h>

#include "br2_defs.h"

static int is_sub_ca(const struct pw_lint_ctx *x) { return pw_lint_is_subca(x); }

static enum pw_lint_status mp_allowed_eku(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	if (br2_eku_known_count(c) == 0) {
		br2_details(d, l, "intermediate has no extendedKeyUsage (allowed only for cross-certificates)");
		return PW_LINT_NOTICE;
	}
	if (pw_lint_has_eku(c, PW_OID_EKU_ANY)) {
		br2_details(d, l, "intermediate asserts anyExtendedKeyUsage");
		return PW_LINT_NOTICE;
	}
	if (pw_lint_has_eku(c, PW_OID_EKU_SERVER_AUTH) && pw_lint_has_eku(c, PW_OID_EKU_EMAIL_PROTECTION)) {
		br2_details(d, l, "intermediate asserts both serverAuth and emailProtection");
		return PW_LINT_NOTICE;
	}
	return PW_LINT_PASS;
}

/* ---- Apple CT policy: embedded SCTs by validity period ---- */

#define SCT_LOG_ID_LEN 32
#define SCT_MAX_COUNTED 64

static int subscriber_not_precert(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && BR2_EXT(x->cert, EXT_CT_POISON) == NULL;
}

/* SCTs required: fewer than 15 months 2, 15-27 months 3, 27-39 months 4,
 * more 5 (Apple's policy for certificates issued from 2018-10-15). */
static size_t expected_scts(const struct pw_cert *c)
{
	static const int months[] = { 15, 27, 39 };
	for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
		if (c->not_after < br2_add_date(c->not_before, 0, months[i], 0))
			return 2 + i;
	return 5;
}

/* Counts distinct log IDs among the SCTs of the RFC 6962 §3.3 list. */
static size_t distinct_logs(const struct pw_cert *c)
{
	const uint8_t *ids[SCT_MAX_COUNTED];
	size_t n = 0, pos = 2;
	const struct pw_der *list = &c->x.scts.list;
	if (!c->x.scts.present || list->len < 2)
		return 0;
	while (pos + 2 <= list->len && n < SCT_MAX_COUNTED) {
		size_t len = (size_t)list->p[pos] << 8 | list->p[pos + 1];
		const uint8_t *sct = list->p + pos + 2;
		size_t k;
		if (len > list->len - pos - 2)
			break;
		pos += 2 + len;
		/* SCT: version (1 octet), then the 32-octet LogID. */
		if (len < 1 + SCT_LOG_ID_LEN)
			continue;
		for (k = 0; k < n; k++)
			if (memcmp(ids[k], sct + 1, SCT_LOG_ID_LEN) == 0)
				break;
		if (k == n)
			ids[n++] = sct + 1;
	}
	return n;
}

static enum pw_lint_status sct_count(const struct pw_lint_ctx *x, char *d, size_t l)
{
	size_t want = expected_scts(x->cert), have = distinct_logs(x->cert);
	if (have >= want)
		return PW_LINT_PASS;
	br2_details(d, l, "%zu embedded SCTs from distinct logs; browser policy may require %zu", have, want);
	return PW_LINT_NOTICE;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("n_mp_allowed_eku", BR2_N, PW_SRC_MOZILLA, "MRSP 5.3",
	         "Intermediates issued from 2019 must have an EKU without anyExtendedKeyUsage and without "
	         "both serverAuth and emailProtection (cross-certificates sharing a root key excepted).",
	         "2019-01-01", NULL, is_sub_ca, mp_allowed_eku),
	BR2_CERT("w_ct_sct_policy_count_unsatisfied", BR2_W, PW_SRC_APPLE, "Apple CT Policy",
	         "A subscriber certificate should embed SCTs from enough distinct logs for its validity "
	         "period (2 to 5) to be trusted by browsers enforcing Certificate Transparency.",
	         "2018-10-15", NULL, subscriber_not_precert, sct_count),
};

const struct pw_lint_family pw_lint_family_br2_rootstores = {
	"br2_rootstores", defs, sizeof defs / sizeof defs[0]
};
