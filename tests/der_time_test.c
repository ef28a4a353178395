/* Unit tests of UTCTime / GeneralizedTime parsing: the RFC 5280 §4.1.2.5
 * forms, calendar validation, the 1950/2049 UTCTime window, and lax mode. */
#include "der_test_util.h"

/* Parses `s` as `tag` contents; returns the pw_der_parse_time_ex result. */
static int parse(uint32_t tag, const char *s, int strict, int64_t *out, unsigned *forms, struct pw_error *e)
{
	struct pw_der c = scur(s);
	return pw_der_parse_time_ex(tag, &c, strict, out, forms, e);
}

static int64_t ok_time(uint32_t tag, const char *s, int strict)
{
	struct pw_error e;
	int64_t t = 0;
	unsigned forms = 99;
	if (!parse(tag, s, strict, &t, &forms, &e))
		fail_msg("'%s' rejected: %s", s, e.msg);
	if (strict)
		assert_int_equal(forms, 0);
	/* pw_der_parse_time agrees with the _ex form. */
	struct pw_der c = scur(s);
	int64_t t2 = 1;
	assert_true(pw_der_parse_time(tag, &c, strict, &t2, &e));
	assert_true(t == t2);
	return t;
}

#define UTC PW_DER_UTC_TIME
#define GEN PW_DER_GENERALIZED_TIME

static void test_utctime_window(void **state)
{
	(void)state;
	/* RFC 5280 §4.1.2.5.1: YY >= 50 -> 19YY, YY < 50 -> 20YY. */
	assert_true(ok_time(UTC, "500101000000Z", 1) == -631152000);
	assert_true(ok_time(UTC, "491231235959Z", 1) == 2524607999);
	assert_true(ok_time(UTC, "700101000000Z", 1) == 0);
	assert_true(ok_time(UTC, "691231235959Z", 1) == -1);
	assert_true(ok_time(UTC, "991231235959Z", 1) == 946684799);
	assert_true(ok_time(UTC, "000101000000Z", 1) == 946684800);
	assert_true(ok_time(UTC, "240101120000Z", 1) == 1704110400);
}

static void test_generalized_range(void **state)
{
	(void)state;
	assert_true(ok_time(GEN, "19700101000000Z", 1) == 0);
	assert_true(ok_time(GEN, "99991231235959Z", 1) == 253402300799);
	assert_true(ok_time(GEN, "20500101000000Z", 1) == 2524608000);
	assert_true(ok_time(GEN, "19491231235959Z", 1) == -631152001);
	/* Year 0000 is a valid (leap) year of the proleptic calendar. */
	assert_true(ok_time(GEN, "00000101000000Z", 1) == -62167219200);
	assert_true(ok_time(GEN, "00000229000000Z", 1) == -62167219200 + 59 * 86400);
}

static void test_leap_years(void **state)
{
	(void)state;
	struct pw_error e;
	int64_t t;
	assert_true(ok_time(UTC, "000229000000Z", 1) == 951782400);   /* 2000: divisible by 400 */
	assert_true(ok_time(UTC, "240229235959Z", 1) == 1709251199);  /* 2024 */
	assert_true(ok_time(GEN, "24000229000000Z", 1) > 0);          /* 2400 */
	/* 2023, 2100, 1900 have no Feb 29; the day digits are at contents+4 or +6. */
	expect_der_error(parse(UTC, "230229120000Z", 1, &t, NULL, &e), &e, T_BASE + 4,
	                 "day 29 is not valid in 2023-02 (which has 28 days)");
	expect_der_error(parse(GEN, "21000229000000Z", 1, &t, NULL, &e), &e, T_BASE + 6, "in 2100-02");
	expect_der_error(parse(GEN, "19000229000000Z", 1, &t, NULL, &e), &e, T_BASE + 6, "in 1900-02");
	/* Day of month limits. */
	assert_true(ok_time(UTC, "240131000000Z", 1) > 0);
	expect_der_error(parse(UTC, "240431000000Z", 1, &t, NULL, &e), &e, T_BASE + 4, "day 31");
	expect_der_error(parse(UTC, "240100000000Z", 1, &t, NULL, &e), &e, T_BASE + 4, "day 00");
	/* Lax mode does not relax the calendar. */
	expect_der_error(parse(UTC, "2302291200Z", 0, &t, NULL, &e), &e, T_BASE + 4, "day 29");
}

static void test_field_ranges(void **state)
{
	(void)state;
	struct pw_error e;
	int64_t t;
	expect_der_error(parse(UTC, "241301000000Z", 1, &t, NULL, &e), &e, T_BASE + 2, "month 13 is not in 01..12");
	expect_der_error(parse(UTC, "240001000000Z", 1, &t, NULL, &e), &e, T_BASE + 2, "month 00");
	expect_der_error(parse(UTC, "240101240000Z", 1, &t, NULL, &e), &e, T_BASE + 6, "hour 24");
	expect_der_error(parse(GEN, "20240101236000Z", 1, &t, NULL, &e), &e, T_BASE + 10, "minutes 60");
	expect_der_error(parse(GEN, "20240101235960Z", 1, &t, NULL, &e), &e, T_BASE + 12, "seconds 60");
	assert_true(ok_time(GEN, "20240101235959Z", 1) == 1704153599);
}

static void test_strict_rejected_forms(void **state)
{
	(void)state;
	struct pw_error e;
	int64_t t;
	/* Seconds missing (X.680 allows it, RFC 5280 does not). */
	expect_der_error(parse(UTC, "2401011200Z", 1, &t, NULL, &e), &e, T_BASE + 10, "seconds missing");
	expect_der_error(parse(GEN, "202401011200Z", 1, &t, NULL, &e), &e, T_BASE + 12, "seconds missing");
	/* Fractional seconds. */
	expect_der_error(parse(GEN, "20240101120000.5Z", 1, &t, NULL, &e), &e, T_BASE + 14,
	                 "fractional seconds are not allowed");
	/* Offsets instead of Z. */
	expect_der_error(parse(UTC, "240101120000+0100", 1, &t, NULL, &e), &e, T_BASE + 12,
	                 "time zone offset instead of 'Z'");
	expect_der_error(parse(GEN, "20240101120000-0500", 1, &t, NULL, &e), &e, T_BASE + 14, "offset");
	/* No zone at all, lowercase z, junk after Z. */
	expect_der_error(parse(UTC, "240101120000", 1, &t, NULL, &e), &e, T_BASE + 12,
	                 "expected 'Z', found end of data");
	expect_der_error(parse(UTC, "240101120000z", 1, &t, NULL, &e), &e, T_BASE + 12,
	                 "expected 'Z', found 0x7A");
	expect_der_error(parse(UTC, "240101120000Z0", 1, &t, NULL, &e), &e, T_BASE + 13,
	                 "1 unexpected trailing octet after the time zone");
	/* UTCTime has no fractions, GeneralizedTime needs four year digits. */
	expect_der_error(parse(UTC, "240101120000.5Z", 1, &t, NULL, &e), &e, T_BASE + 12, "found 0x2E");
	expect_der_error(parse(GEN, "240101120000Z", 1, &t, NULL, &e), &e, T_BASE + 12, "seconds missing");
	/* Non-digits and truncation, at the offending octet. */
	expect_der_error(parse(UTC, "24O101120000Z", 1, &t, NULL, &e), &e, T_BASE + 2,
	                 "expected a digit of the month, found 0x4F");
	expect_der_error(parse(UTC, "2401", 1, &t, NULL, &e), &e, T_BASE + 4,
	                 "expected two digits of the day, found end of data");
	expect_der_error(parse(UTC, "", 1, &t, NULL, &e), &e, T_BASE, "of the year");
	expect_der_error(parse(UTC, " 40101120000Z", 1, &t, NULL, &e), &e, T_BASE, "found 0x20");
	/* The message quotes the (escaped) input. */
	expect_der_error(parse(UTC, "2401\x01\x02", 1, &t, NULL, &e), &e, T_BASE + 4, "UTCTime '2401\\x01\\x02'");
	/* Not a time tag. */
	expect_der_error(parse(PW_DER_IA5_STRING, "240101120000Z", 1, &t, NULL, &e), &e, T_BASE,
	                 "expected UTCTime or GeneralizedTime, found IA5String");
}

static void test_lax_forms(void **state)
{
	(void)state;
	struct pw_error e;
	int64_t t = 0;
	unsigned forms = 0;
	assert_true(parse(UTC, "2401011200Z", 0, &t, &forms, &e));
	assert_true(t == 1704110400);
	assert_int_equal(forms, PW_DER_TIME_NO_SECONDS);
	assert_true(parse(GEN, "20240101120000.999Z", 0, &t, &forms, &e));
	assert_true(t == 1704110400); /* fraction truncated */
	assert_int_equal(forms, PW_DER_TIME_FRACTION);
	assert_true(parse(GEN, "20240101120000,5Z", 0, &t, &forms, &e));
	assert_int_equal(forms, PW_DER_TIME_FRACTION);
	/* Local time 12:00 at +01:30 is 10:30Z; at -01:00 it is 13:00Z. */
	assert_true(parse(UTC, "240101120000+0130", 0, &t, &forms, &e));
	assert_true(t == 1704105000);
	assert_int_equal(forms, PW_DER_TIME_OFFSET);
	assert_true(parse(GEN, "20240101120000-0100", 0, &t, &forms, &e));
	assert_true(t == 1704114000);
	assert_true(parse(UTC, "2401011200+0100", 0, &t, &forms, &e));
	assert_int_equal(forms, PW_DER_TIME_NO_SECONDS | PW_DER_TIME_OFFSET);
	assert_true(t == 1704106800);
	assert_true(parse(GEN, "20240101120000Z", 0, &t, &forms, &e));
	assert_int_equal(forms, 0);

	/* Still refused in lax mode: no zone, empty fraction, bad offsets. */
	expect_der_error(parse(UTC, "240101120000", 0, &t, &forms, &e), &e, T_BASE + 12, "local time");
	expect_der_error(parse(GEN, "20240101120000.Z", 0, &t, &forms, &e), &e, T_BASE + 15,
	                 "expected digits after the decimal sign");
	expect_der_error(parse(UTC, "240101120000+2400", 0, &t, &forms, &e), &e, T_BASE + 12,
	                 "time zone offset out of range");
	expect_der_error(parse(UTC, "240101120000+01", 0, &t, &forms, &e), &e, T_BASE + 15,
	                 "offset minutes, found end of data");
	expect_der_error(parse(UTC, "240101120000X", 0, &t, &forms, &e), &e, T_BASE + 12,
	                 "expected 'Z' or an offset, found 0x58");
}

static void test_get_time(void **state)
{
	(void)state;
	struct pw_error e;
	int64_t t = 0;
	uint32_t tag = 0;
	static const uint8_t buf[] = { 0x17, 0x0D, '5', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z',
	                               0x18, 0x0F, '2', '0', '5', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0',
	                               '0', 'Z', 0x17, 0x0B, '5', '0', '0', '1', '0', '1', '0', '0', '0', '0', 'Z' };
	struct pw_der d = cur(buf, sizeof buf);
	assert_true(pw_der_get_time(&d, &t, &tag, &e));
	assert_true(t == -631152000);
	assert_int_equal(tag, PW_DER_UTC_TIME);
	assert_true(pw_der_get_time(&d, &t, &tag, &e));
	assert_true(t == 2524608000);
	assert_int_equal(tag, PW_DER_GENERALIZED_TIME);
	struct pw_der saved = d;
	expect_der_error(pw_der_get_time(&d, &t, &tag, &e), &e, T_BASE + 32 + 2 + 10, "seconds missing");
	expect_same_cursor(&d, &saved);

	d = cur(B(0x04, 0x00));
	expect_der_error(pw_der_get_time(&d, &t, &tag, &e), &e, T_BASE,
	                 "expected UTCTime or GeneralizedTime, found OCTET STRING");
	d = cur(B(0x17));
	expect_der_error(pw_der_get_time(&d, &t, &tag, &e), &e, T_BASE + 1, "expected a length octet");
	d.len = 0;
	expect_der_error(pw_der_get_time(&d, &t, &tag, &e), &e, T_BASE, "found end of data");
	/* out_tag may be NULL. */
	d = cur(buf, 15);
	assert_true(pw_der_get_time(&d, &t, NULL, &e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utctime_window),
		cmocka_unit_test(test_generalized_range),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_field_ranges),
		cmocka_unit_test(test_strict_rejected_forms),
		cmocka_unit_test(test_lax_forms),
		cmocka_unit_test(test_get_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
