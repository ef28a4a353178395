/* UTCTime and GeneralizedTime contents (include/pkiward/der.h).
 *
 * One grammar reads the superset that lints need to see (X.680 §46-47:
 * seconds optional, fractional seconds, ±hhmm offsets); strict mode then
 * refuses everything RFC 5280 §4.1.2.5.1/§4.1.2.5.2 and X.690 §11.7/§11.8
 * exclude, naming the offending part at its byte offset. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pkiward/der.h"

/* Quoted time text in messages is short: real times are <= 23 octets. */
#define DER_TIME_QUOTE_LEN 64

struct time_ctx {
	const uint8_t *s;
	size_t n;
	size_t base;
	const char *type;
	char quoted[DER_TIME_QUOTE_LEN];
	struct pw_error *err;
};

PW_DER_COLD static void time_error(struct time_ctx *t, size_t pos, const char *what)
{
	if (t->err == NULL)
		return;
	pw_der_int_quote(t->s, t->n, t->quoted, sizeof t->quoted);
	pw_der_int_error(t->err, t->base + pos, "%s '%s': %s", t->type, t->quoted, what);
}

/* time_error() as an expression worth 0 (see pw_der_int_fail). */
#define time_fail(t, pos, what) (time_error((t), (pos), (what)), 0)

/* Reads two digits at *pos as a number, naming `field` when they are not. */
static int two_digits(struct time_ctx *t, size_t *pos, const char *field, int *out)
{
	size_t i = *pos;
	for (size_t k = 0; k < 2; k++) {
		if (i + k >= t->n) {
			char msg[96];
			snprintf(msg, sizeof msg, "expected two digits of %s, found end of data", field);
			return time_fail(t, i + k, msg);
		}
		if (t->s[i + k] < '0' || t->s[i + k] > '9') {
			char msg[96];
			snprintf(msg, sizeof msg, "expected a digit of %s, found 0x%02X", field, t->s[i + k]);
			return time_fail(t, i + k, msg);
		}
	}
	*out = (t->s[i] - '0') * 10 + (t->s[i + 1] - '0');
	*pos = i + 2;
	return 1;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const uint8_t dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the
 * era-based method: 400-year eras of 146097 days, years starting in March). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int pw_der_parse_time_ex(uint32_t tag, const struct pw_der *contents, int strict, int64_t *out_unix,
                         unsigned *out_forms, struct pw_error *err)
{
	struct time_ctx t = { contents->p, contents->len, contents->off, NULL, "", err };
	int utc, yy, cc = 0, mon, day, hour, min, sec = 0;
	size_t pos = 0, pmon, pday, phour, pmin, psec = 0;
	unsigned forms = 0;
	int64_t offset = 0;
	char msg[128];

	if (tag == PW_DER_UTC_TIME) {
		utc = 1;
		t.type = "UTCTime";
	} else if (tag == PW_DER_GENERALIZED_TIME) {
		utc = 0;
		t.type = "GeneralizedTime";
	} else {
		return pw_der_int_fail(err, contents->off, "expected UTCTime or GeneralizedTime, found %s",
		                       pw_der_tag_name(tag));
	}

	if (!utc && !two_digits(&t, &pos, "the year", &cc))
		return 0;
	if (!two_digits(&t, &pos, "the year", &yy))
		return 0;
	pmon = pos;
	if (!two_digits(&t, &pos, "the month", &mon))
		return 0;
	pday = pos;
	if (!two_digits(&t, &pos, "the day", &day))
		return 0;
	phour = pos;
	if (!two_digits(&t, &pos, "the hour", &hour))
		return 0;
	pmin = pos;
	if (!two_digits(&t, &pos, "the minutes", &min))
		return 0;

	/* Seconds: required by RFC 5280 §4.1.2.5.1 (UTCTime) and §4.1.2.5.2. */
	if (pos < t.n && t.s[pos] >= '0' && t.s[pos] <= '9') {
		psec = pos;
		if (!two_digits(&t, &pos, "the seconds", &sec))
			return 0;
	} else {
		if (strict)
			return time_fail(&t, pos,
			                 utc ? "seconds missing, expected YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1)"
			                     : "seconds missing, expected YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.2)");
		forms |= PW_DER_TIME_NO_SECONDS;
	}

	/* Fractional seconds exist only in GeneralizedTime (X.680 §46.2). */
	if (!utc && psec != 0 && pos < t.n && (t.s[pos] == '.' || t.s[pos] == ',')) {
		if (strict)
			return time_fail(&t, pos, "fractional seconds are not allowed (RFC 5280 §4.1.2.5.2)");
		size_t f = ++pos;
		while (pos < t.n && t.s[pos] >= '0' && t.s[pos] <= '9')
			pos++;
		if (pos == f)
			return time_fail(&t, pos, "expected digits after the decimal sign");
		forms |= PW_DER_TIME_FRACTION;
	}

	/* Time zone: DER requires 'Z' (X.690 §11.7.1, §11.8.1). */
	if (pos >= t.n)
		return time_fail(&t, pos, "expected 'Z', found end of data (local time without a zone)");
	if (t.s[pos] == 'Z') {
		pos++;
	} else if (t.s[pos] == '+' || t.s[pos] == '-') {
		size_t poff = pos;
		int oh, om, neg = t.s[pos] == '-';
		if (strict)
			return time_fail(&t, pos, "time zone offset instead of 'Z' (RFC 5280 §4.1.2.5)");
		pos++;
		if (!two_digits(&t, &pos, "the offset hours", &oh) ||
		    !two_digits(&t, &pos, "the offset minutes", &om))
			return 0;
		if (oh > 23 || om > 59)
			return time_fail(&t, poff, "time zone offset out of range");
		offset = (neg ? -1 : 1) * ((int64_t)oh * 3600 + (int64_t)om * 60);
		forms |= PW_DER_TIME_OFFSET;
	} else {
		snprintf(msg, sizeof msg, "expected 'Z'%s, found 0x%02X", strict ? "" : " or an offset",
		         t.s[pos]);
		return time_fail(&t, pos, msg);
	}
	if (pos != t.n) {
		snprintf(msg, sizeof msg, "%zu unexpected trailing octet%s after the time zone", t.n - pos,
		         t.n - pos == 1 ? "" : "s");
		return time_fail(&t, pos, msg);
	}

	/* RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, YY < 50 is 20YY. */
	int64_t year = utc ? (yy >= 50 ? 1900 + yy : 2000 + yy) : cc * 100 + yy;
	if (mon < 1 || mon > 12) {
		snprintf(msg, sizeof msg, "month %02d is not in 01..12", mon);
		return time_fail(&t, pmon, msg);
	}
	if (day < 1 || day > days_in_month(year, mon)) {
		snprintf(msg, sizeof msg, "day %02d is not valid in %04lld-%02d (which has %d days)", day,
		         (long long)year, mon, days_in_month(year, mon));
		return time_fail(&t, pday, msg);
	}
	if (hour > 23) {
		snprintf(msg, sizeof msg, "hour %02d is not in 00..23", hour);
		return time_fail(&t, phour, msg);
	}
	if (min > 59) {
		snprintf(msg, sizeof msg, "minutes %02d are not in 00..59", min);
		return time_fail(&t, pmin, msg);
	}
	if (sec > 59) {
		snprintf(msg, sizeof msg, "seconds %02d are not in 00..59", sec);
		return time_fail(&t, psec, msg);
	}

	*out_unix = days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
	if (out_forms != NULL)
		*out_forms = forms;
	return 1;
}

int pw_der_parse_time(uint32_t tag, const struct pw_der *contents, int strict, int64_t *out_unix,
                      struct pw_error *err)
{
	return pw_der_parse_time_ex(tag, contents, strict, out_unix, NULL, err);
}
