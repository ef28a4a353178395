/* pkiward lints — the certificate serial number (RFC 5280 §4.1.2.2). The
 * strict parser keeps the INTEGER contents minimal (X.690 §8.3.2), so their
 * length is the DER length of the number. */
#include "../lint_util.h"
#include "../rfc_util.h"

/* RFC 5280 §4.1.2.2: serialNumber values up to 20 octets. */
#define SERIAL_MAX_OCTETS 20

/* Conforming CAs MUST NOT use serialNumber values longer than 20 octets
 * (counting the sign octet a positive number with its top bit set needs). */
static enum pw_lint_status check_serial_length(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	size_t n = ctx->cert->serial.len;
	if (n > SERIAL_MAX_OCTETS)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "serialNumber is %zu octets in DER (limit %d)", n, SERIAL_MAX_OCTETS);
	return PW_LINT_PASS;
}

/* The serial number MUST be a positive integer. */
static enum pw_lint_status check_serial_positive(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	const struct pw_der *s = &ctx->cert->serial;
	if (s->len == 0 || (s->p[0] & 0x80))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "serialNumber is negative");
	for (size_t i = 0; i < s->len; i++)
		if (s->p[i] != 0)
			return PW_LINT_PASS;
	return pw_lint_fail(PW_LINT_ERROR, details, len, "serialNumber is zero");
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_serial_number_longer_than_20_octets", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.2",
	         "The DER-encoded serial number must not exceed 20 octets.", "2002-04-01", NULL,
	         check_serial_length),
	RFC_CERT_ROW("e_serial_number_not_positive", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.2",
	         "The serial number must be a positive integer (not zero, not negative).",
	         "2002-04-01", NULL, check_serial_positive),
};

const struct pw_lint_family pw_lint_family_rfc_serial = {
	"rfc_serial", defs, sizeof defs / sizeof defs[0],
};
