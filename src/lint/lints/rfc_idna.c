/* pkiward lints — internationalised DNS names in subjectAltName (RFC 5280
 * §7.2 and RFC 8399: A-labels are Punycode, RFC 3492; RFC 5891 §5.3 / §5.4:
 * U-labels are in Normalization Form C). */
#include "../lint_util.h"
#include "../rfc_util.h"

/* Most code points a label can decode to: each needs at least one octet,
 * and labels are at most 63 octets (RFC 1035 §2.3.4); longer labels are
 * decoded up to this many. */
#define ULABEL_MAX 256

static int applies_san(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_SAN) != NULL;
}

enum idna_test { IDNA_DECODES, IDNA_NFC };

/* Decodes every "xn--" label of every SAN dNSName. */
static enum pw_lint_status each_alabel(const struct pw_cert *c, enum idna_test test, char *details,
                                       size_t len)
{
	const struct pw_general_names *g = &c->x.san.names;
	uint32_t cp[ULABEL_MAX];
	for (size_t i = 0; i < g->n; i++) {
		const struct pw_der *v = &g->v[i].value;
		size_t start = 0;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		for (size_t k = 0; k <= v->len; k++) {
			if (k < v->len && v->p[k] != '.')
				continue;
			const uint8_t *label = v->p + start;
			size_t n = k - start;
			start = k + 1;
			if (!pw_lint_has_xn_label_prefix(label, n))
				continue;
			long m = rfc_punycode_decode(label + 4, n - 4, cp, ULABEL_MAX);
			if (m < 0) {
				if (test == IDNA_DECODES)
					return pw_lint_fail(PW_LINT_ERROR, details, len,
					                    "dNSName %zu has an A-label that is not valid Punycode", i);
				return pw_lint_fail(PW_LINT_NA, details, len,
				                    "dNSName %zu has an undecodable A-label", i);
			}
			if (test == IDNA_NFC) {
				int r = rfc_is_nfc_u32(cp, (size_t)m);
				if (r < 0)
					return pw_lint_fail(PW_LINT_FATAL, details, len,
					                    "Unicode normalization is unavailable (built without ICU)");
				if (r == 0)
					return pw_lint_fail(PW_LINT_ERROR, details, len,
					                    "dNSName %zu has a label whose Unicode form is not NFC", i);
			}
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_idn_unicode(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return each_alabel(ctx->cert, IDNA_DECODES, details, len);
}

static enum pw_lint_status check_idn_nfc(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return each_alabel(ctx->cert, IDNA_NFC, details, len);
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_international_dns_name_not_unicode", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §7.2; RFC 3492",
	         "Every A-label (\"xn--\") of a dNSName must be valid Punycode.", "2003-03-01",
	         applies_san, check_idn_unicode),
	RFC_CERT_ROW("e_international_dns_name_not_nfc", PW_LINT_ERROR, PW_SRC_RFC5891,
	         "RFC 5891 §5.3; RFC 8399",
	         "The Unicode form of every A-label of a dNSName must be in Normalization Form C.",
	         "2018-05-01", applies_san, check_idn_nfc),
};

const struct pw_lint_family pw_lint_family_rfc_idna = {
	"rfc_idna", defs, sizeof defs / sizeof defs[0],
};
