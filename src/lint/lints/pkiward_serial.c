/* pkiward lints: certificate serial numbers (BR 7.1.2.1, 7.1.2.4, 7.1.2.6,
 * 7.1.2.7, 7.1.2.8: "a non-sequential number greater than zero (0) and less
 * than 2^159 containing at least 64 bits of output from a CSPRNG").
 *
 * The range rule is exact: a DER INTEGER (minimal two's complement) is in
 * (0, 2^159) exactly when it is positive and at most 20 octets long.
 * Entropy cannot be measured on one serial, but its length bounds it: a
 * serial whose magnitude has fewer than 64 significant bits cannot contain
 * 64 random bits unless the draw happened to start with zeros. Below 32
 * significant bits that chance is at most 2^-32: an error. Below 64 it is a
 * warning (a CA that draws exactly 64 bits sees one in two serials there,
 * which is why CAs should draw more than 64 bits, e.g. 128). */
#include "lint_util.h"

/* Significant bits of a DER INTEGER's magnitude (positive values). */
static unsigned serial_bits(const struct pw_der *s)
{
	size_t i = 0;
	while (i < s->len && s->p[i] == 0)
		i++;
	if (i == s->len)
		return 0;
	unsigned bits = (unsigned)(s->len - i - 1) * 8u;
	for (uint8_t b = s->p[i]; b != 0; b >>= 1)
		bits++;
	return bits;
}

static int is_positive(const struct pw_der *s)
{
	if (s->len == 0 || (s->p[0] & 0x80u))
		return 0;
	for (size_t i = 0; i < s->len; i++)
		if (s->p[i] != 0)
			return 1;
	return 0;
}

/* BR rules bind TLS certificates: every profile but non-tls. */
static int applies_tls(const struct pw_lint_ctx *ctx)
{
	return ctx->cert != NULL && ctx->profile != PW_PROFILE_NON_TLS;
}

static int applies_tls_positive(const struct pw_lint_ctx *ctx)
{
	return applies_tls(ctx) && is_positive(&ctx->cert->serial);
}

#define SERIAL_MAX_OCTETS 20  /* < 2^159 for a positive minimal INTEGER */
#define SERIAL_ENTROPY_BITS 64
#define SERIAL_MIN_BITS_ERROR 32

static enum pw_lint_status check_range(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_der *s = &ctx->cert->serial;
	if (!is_positive(s))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "serial number is %s, must be greater than zero",
		                    s->len > 0 && (s->p[0] & 0x80u) ? "negative" : "zero");
	if (s->len > SERIAL_MAX_OCTETS)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "serial number is %zu octets, must be below 2^159 (at most %d "
		                    "octets)",
		                    s->len, SERIAL_MAX_OCTETS);
	return PW_LINT_PASS;
}

static enum pw_lint_status check_entropy(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	unsigned bits = serial_bits(&ctx->cert->serial);
	if (bits < SERIAL_MIN_BITS_ERROR)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "serial number has %u significant bits; it cannot hold %d bits of "
		                    "CSPRNG output",
		                    bits, SERIAL_ENTROPY_BITS);
	return PW_LINT_PASS;
}

static enum pw_lint_status check_short(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	unsigned bits = serial_bits(&ctx->cert->serial);
	if (bits < SERIAL_ENTROPY_BITS)
		return pw_lint_fail(PW_LINT_WARN, details, len,
		                    "serial number has %u significant bits, fewer than the %d bits of "
		                    "CSPRNG output it must contain",
		                    bits, SERIAL_ENTROPY_BITS);
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_pkiward_serial_number_out_of_range", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "BR 7.1.2.7; BR 7.1.2.10",
	 "The serial number must be greater than zero and less than 2^159 (a positive INTEGER of "
	 "at most 20 octets).",
	 "2023-09-15", NULL, applies_tls, check_range, 0},
	{"e_pkiward_serial_number_low_entropy", PW_LINT_ERROR, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "BR 7.1.2.7",
	 "The serial number must contain at least 64 bits of CSPRNG output; one with fewer than "
	 "32 significant bits cannot (except with probability 2^-32).",
	 "2016-09-30", NULL, applies_tls_positive, check_entropy, 0},
	{"w_pkiward_serial_number_short", PW_LINT_WARN, PW_SRC_PKIWARD, PW_TARGET_CERT,
	 "BR 7.1.2.7",
	 "A serial number with fewer than 64 significant bits is unlikely to contain 64 bits of "
	 "CSPRNG output; draw more than 64 bits.",
	 "2016-09-30", NULL, applies_tls_positive, check_short, 0},
};

const struct pw_lint_family pw_lint_family_pkiward_serial = {
	"pkiward_serial", defs, sizeof defs / sizeof defs[0],
};
