/* pkiward lints — encoding of the validity times (RFC 5280 §4.1.2.5,
 * §4.1.2.5.1 UTCTime, §4.1.2.5.2 GeneralizedTime). The checks read the time
 * contents as encoded (pw_cert.not_before_raw / not_after_raw). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* YYMMDDHHMMSSZ (13) and YYMMDDHHMMSS+hhmm (17): the UTCTime lengths that
 * carry seconds. */
#define UTC_WITH_SECONDS_Z 13u
#define UTC_WITH_SECONDS_OFFSET 17u
/* Digits of YYYYMMDDHHMMSS in a GeneralizedTime. */
#define GENERALIZED_DIGITS_WITH_SECONDS 14u
/* A time-zone offset suffix: "+hhmm" / "-hhmm". */
#define ZONE_OFFSET_LEN 5u
/* RFC 5280 §4.1.2.5: dates through 2049 MUST be UTCTime. */
#define GENERALIZED_TIME_FROM PW_LINT_YMD(2050, 1, 1)

static int applies_utc(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->not_before_tag == PW_DER_UTC_TIME ||
	       ctx->cert->not_after_tag == PW_DER_UTC_TIME;
}

static int applies_generalized(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->not_before_tag == PW_DER_GENERALIZED_TIME ||
	       ctx->cert->not_after_tag == PW_DER_GENERALIZED_TIME;
}

/* Calls fn on each validity time of the given tag, notBefore first. */
static enum pw_lint_status each_time(const struct pw_cert *c, uint32_t tag,
                                     enum pw_lint_status (*fn)(const struct pw_der *t,
                                                               const char *which, char *details,
                                                               size_t len),
                                     char *details, size_t len)
{
	enum pw_lint_status st = PW_LINT_PASS;
	if (c->not_before_tag == tag)
		st = fn(&c->not_before_raw, "notBefore", details, len);
	if (st == PW_LINT_PASS && c->not_after_tag == tag)
		st = fn(&c->not_after_raw, "notAfter", details, len);
	return st;
}

static enum pw_lint_status zulu(const struct pw_der *t, const char *which, char *details,
                                size_t len)
{
	if (t->len == 0 || t->p[t->len - 1] != 'Z')
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s is not expressed in UTC (\"Z\")",
		                    which);
	return PW_LINT_PASS;
}

static enum pw_lint_status utc_seconds(const struct pw_der *t, const char *which, char *details,
                                       size_t len)
{
	if (t->len != UTC_WITH_SECONDS_Z && t->len != UTC_WITH_SECONDS_OFFSET)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s UTCTime omits the seconds", which);
	return PW_LINT_PASS;
}

/* Length of the date-time part of a GeneralizedTime (zone suffix removed). */
static size_t generalized_body(const struct pw_der *t)
{
	if (t->len > 0 && t->p[t->len - 1] == 'Z')
		return t->len - 1;
	if (t->len >= ZONE_OFFSET_LEN &&
	    (t->p[t->len - ZONE_OFFSET_LEN] == '+' || t->p[t->len - ZONE_OFFSET_LEN] == '-'))
		return t->len - ZONE_OFFSET_LEN;
	return t->len;
}

static enum pw_lint_status generalized_seconds(const struct pw_der *t, const char *which,
                                               char *details, size_t len)
{
	size_t body = generalized_body(t), digits = 0;
	while (digits < body && t->p[digits] >= '0' && t->p[digits] <= '9')
		digits++;
	if (digits < GENERALIZED_DIGITS_WITH_SECONDS)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s GeneralizedTime omits the seconds",
		                    which);
	return PW_LINT_PASS;
}

static enum pw_lint_status generalized_fraction(const struct pw_der *t, const char *which,
                                                char *details, size_t len)
{
	size_t body = generalized_body(t);
	if (memchr(t->p, '.', body) != NULL || memchr(t->p, ',', body) != NULL ||
	    body > GENERALIZED_DIGITS_WITH_SECONDS)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "%s GeneralizedTime has fractional seconds", which);
	return PW_LINT_PASS;
}

static enum pw_lint_status check_utc_zulu(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return each_time(ctx->cert, PW_DER_UTC_TIME, zulu, details, len);
}

static enum pw_lint_status check_utc_seconds(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return each_time(ctx->cert, PW_DER_UTC_TIME, utc_seconds, details, len);
}

static enum pw_lint_status check_gen_zulu(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return each_time(ctx->cert, PW_DER_GENERALIZED_TIME, zulu, details, len);
}

static enum pw_lint_status check_gen_seconds(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return each_time(ctx->cert, PW_DER_GENERALIZED_TIME, generalized_seconds, details, len);
}

static enum pw_lint_status check_gen_fraction(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	return each_time(ctx->cert, PW_DER_GENERALIZED_TIME, generalized_fraction, details, len);
}

/* RFC 5280 §4.1.2.5: validity dates through 2049 MUST be UTCTime;
 * GeneralizedTime is for 2050 and later. */
static enum pw_lint_status check_pre2050(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	int nb = c->not_before_tag == PW_DER_GENERALIZED_TIME;
	int na = c->not_after_tag == PW_DER_GENERALIZED_TIME;
	if ((nb || na) && !c->validity_ok)
		return pw_lint_fail(PW_LINT_FATAL, details, len, "a validity time could not be read");
	if (nb && c->not_before < GENERALIZED_TIME_FROM)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "notBefore is before 2050 but encoded as GeneralizedTime");
	if (na && c->not_after < GENERALIZED_TIME_FROM)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "notAfter is before 2050 but encoded as GeneralizedTime");
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_utc_time_not_in_zulu", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.5.1",
	         "UTCTime validity values must be expressed in UTC, ending in \"Z\".",
	         "1999-01-01", applies_utc, check_utc_zulu),
	RFC_CERT_ROW("e_utc_time_does_not_include_seconds", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.5.1",
	         "UTCTime validity values must include seconds (YYMMDDHHMMSSZ).", "1999-01-01",
	         applies_utc, check_utc_seconds),
	RFC_CERT_ROW("e_generalized_time_not_in_zulu", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.5.2",
	         "GeneralizedTime validity values must be expressed in UTC, ending in \"Z\".",
	         "1999-01-01", applies_generalized, check_gen_zulu),
	RFC_CERT_ROW("e_generalized_time_does_not_include_seconds", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.5.2",
	         "GeneralizedTime validity values must include seconds (YYYYMMDDHHMMSSZ).",
	         "1999-01-01", applies_generalized, check_gen_seconds),
	RFC_CERT_ROW("e_generalized_time_includes_fraction_seconds", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.5.2",
	         "GeneralizedTime validity values must not include fractional seconds.",
	         "1999-01-01", applies_generalized, check_gen_fraction),
	RFC_CERT_ROW("e_wrong_time_format_pre2050", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.5",
	         "Validity dates before 2050 must be encoded as UTCTime, not GeneralizedTime.",
	         "1999-01-01", NULL, check_pre2050),
};

const struct pw_lint_family pw_lint_family_rfc_time = {
	"rfc_time", defs, sizeof defs / sizeof defs[0],
};
