/* Unit tests of the strict DER reader: headers (tags, lengths), the cursor
 * API and the primitive getters. Each X.690 rule has a passing and a failing
 * case; failures assert the absolute byte offset and the message. */
#include "der_test_util.h"

#include <stdlib.h>

/* ---- lengths (X.690 §8.1.3, §10.1) ---- */

static void test_length_short_form(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der c, el;
	struct pw_der d = cur(B(0x04, 0x02, 0xAA, 0xBB, 0x05, 0x00));
	assert_true(pw_der_get_any(&d, &tag, &c, &el, &e));
	assert_int_equal(tag, PW_DER_OCTET_STRING);
	assert_int_equal(c.len, 2);
	assert_int_equal(c.off, T_BASE + 2);
	assert_int_equal(c.p[0], 0xAA);
	assert_int_equal(el.len, 4);
	assert_int_equal(el.off, T_BASE);
	assert_int_equal(pw_der_len(&d), 2);
	assert_int_equal(pw_der_offset(&d), T_BASE + 4);
}

static void test_length_long_form(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c;
	static uint8_t buf[3 + 200];
	buf[0] = 0x04;
	buf[1] = 0x81;
	buf[2] = 200;
	struct pw_der d = cur(buf, sizeof buf);
	assert_true(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e));
	assert_int_equal(c.len, 200);
	assert_int_equal(c.off, T_BASE + 3);
	assert_int_equal(pw_der_len(&d), 0);

	static uint8_t big[4 + 300];
	big[0] = 0x04;
	big[1] = 0x82;
	big[2] = 0x01;
	big[3] = 0x2C;
	d = cur(big, sizeof big);
	assert_true(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e));
	assert_int_equal(c.len, 300);
	assert_int_equal(c.off, T_BASE + 4);
}

static void test_length_long_form_below_128(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c;
	struct pw_der d = cur(B(0x04, 0x81, 0x05, 1, 2, 3, 4, 5)), saved = d;
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1, NULL);
	assert_string_equal(e.msg, "length 0x81 0x05: long form for a length < 128 (X.690 §10.1)");
	expect_same_cursor(&d, &saved);
}

static void test_length_leading_zero(void **state)
{
	(void)state;
	struct pw_error e;
	static uint8_t buf[4 + 200] = { 0x04, 0x82, 0x00, 200 };
	struct pw_der d = cur(buf, sizeof buf), c;
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1,
	                 "length 0x82 0x00 0xC8: leading zero length octet");
}

static void test_length_indefinite(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00)), c;
	expect_der_error(pw_der_get(&d, PW_DER_SEQUENCE, &c, &e), &e, T_BASE + 1, "indefinite length");
}

static void test_length_reserved_ff(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x04, 0xFF, 0x00)), c;
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1, "reserved");
}

static void test_length_too_many_octets(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00)), c;
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1,
	                 "5 length octets, more than the 4 supported");
}

static void test_length_exceeds_data(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c;
	/* 4 GiB - 1: must not wrap around when added to the header size. */
	struct pw_der d = cur(B(0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00));
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1,
	                 "length 4294967295 of OCTET STRING exceeds the 1 bytes left");
	d = cur(B(0x30, 0x03, 0x05, 0x00));
	expect_der_error(pw_der_get(&d, PW_DER_SEQUENCE, &c, &e), &e, T_BASE + 1,
	                 "exceeds the 2 bytes left");
	/* Exactly fitting is fine. */
	d = cur(B(0x30, 0x02, 0x05, 0x00));
	assert_true(pw_der_get(&d, PW_DER_SEQUENCE, &c, &e));
}

static void test_length_octets_truncated(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c;
	struct pw_der d = cur(B(0x04, 0x82, 0x01));
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1,
	                 "expected 2 length octets, found 1");
	d = cur(B(0x04));
	expect_der_error(pw_der_get(&d, PW_DER_OCTET_STRING, &c, &e), &e, T_BASE + 1,
	                 "expected a length octet after OCTET STRING, found end of data");
}

/* ---- tags (X.690 §8.1.2) ---- */

static void test_tag_high_number(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der c;
	struct pw_der d = cur(B(0x9F, 0x1F, 0x00));
	assert_true(pw_der_get_any(&d, &tag, &c, NULL, &e));
	assert_int_equal(tag, PW_DER_CTX(31));
	assert_int_equal(c.off, T_BASE + 3);
	/* The largest supported number, 0x1FFFFF, in three octets, constructed
	 * application class. */
	d = cur(B(0x7F, 0xFF, 0xFF, 0x7F, 0x01, 0x00));
	assert_true(pw_der_get_any(&d, &tag, &c, NULL, &e));
	assert_int_equal(tag, PW_DER_TAG(PW_DER_CLASS_APPLICATION, 1, 0x1FFFFF));
	assert_int_equal(c.len, 1);
	d = cur(B(0xDF, 0x81, 0x00, 0x00));
	assert_true(pw_der_get(&d, PW_DER_TAG(PW_DER_CLASS_PRIVATE, 0, 128), &c, &e));
}

static void test_tag_high_form_for_low_number(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der d = cur(B(0x9F, 0x1E, 0x00)), c;
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE,
	                 "tag number 30 in high-tag-number form");
}

static void test_tag_leading_0x80(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der c;
	struct pw_der d = cur(B(0x05, 0x00, 0x9F, 0x80, 0x1F, 0x00));
	assert_true(pw_der_get_null(&d, &e));
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE + 3, "leading zero");
}

static void test_tag_too_large(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der c;
	/* 0x200000 = one more than PW_DER_MAX_TAG_NUMBER. */
	struct pw_der d = cur(B(0xBF, 0x81, 0x80, 0x80, 0x00, 0x00));
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE, "exceeds the supported maximum");
	/* An endless run of continuation octets is cut off the same way. */
	d = cur(B(0xBF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00));
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE, "exceeds the supported maximum");
}

static void test_tag_truncated(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t tag;
	struct pw_der d = cur(B(0x9F, 0x81)), c;
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE + 2,
	                 "expected another tag number octet, found end of data");
	d = cur(NULL, 0);
	d.p = (const uint8_t *)"";
	expect_der_error(pw_der_get_any(&d, &tag, &c, NULL, &e), &e, T_BASE,
	                 "expected an element, found end of data");
	expect_der_error(pw_der_get(&d, PW_DER_SEQUENCE, &c, &e), &e, T_BASE,
	                 "expected SEQUENCE, found end of data");
}

static void test_tag_universal_zero(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x00, 0x00));
	expect_der_error(pw_der_skip(&d, &e), &e, T_BASE, "end-of-contents");
}

static void test_tag_universal_form(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x24, 0x03, 0x04, 0x01, 0x41));
	expect_der_error(pw_der_skip(&d, &e), &e, T_BASE,
	                 "OCTET STRING must use the primitive form in DER");
	d = cur(B(0x10, 0x00));
	expect_der_error(pw_der_skip(&d, &e), &e, T_BASE, "SEQUENCE must use the constructed form in DER");
	d = cur(B(0x31, 0x00, 0x30, 0x00, 0x0C, 0x00, 0xA0, 0x00, 0x80, 0x00));
	for (int i = 0; i < 5; i++)
		assert_true(pw_der_skip(&d, &e));
	assert_true(pw_der_done(&d, "test", &e));
}

static void test_get_tag_mismatch(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c;
	struct pw_der d = cur(B(0x05, 0x00, 0xA3, 0x00)), saved;
	assert_true(pw_der_get_null(&d, &e));
	saved = d;
	expect_der_error(pw_der_get(&d, PW_DER_SEQUENCE, &c, &e), &e, T_BASE + 2, NULL);
	assert_string_equal(e.msg, "expected SEQUENCE, found [3] cons");
	expect_same_cursor(&d, &saved);
	/* A high-tag number wanted but a different one found. */
	d = cur(B(0x9F, 0x20, 0x00));
	expect_der_error(pw_der_get(&d, PW_DER_CTX(31), &c, &e), &e, T_BASE, "expected [31], found [32]");
}

/* ---- cursor API ---- */

static void test_get_element_and_optional(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der c, el;
	int present = -1;
	struct pw_der d = cur(B(0xA0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x07));
	assert_true(pw_der_peek_tag(&d, PW_DER_CTX_CONS(0)));
	assert_false(pw_der_peek_tag(&d, PW_DER_CTX(0)));
	assert_true(pw_der_get_optional(&d, PW_DER_CTX_CONS(0), &c, &present, &e));
	assert_int_equal(present, 1);
	assert_int_equal(c.len, 3);
	assert_int_equal(c.off, T_BASE + 2);
	assert_true(pw_der_get_optional(&d, PW_DER_CTX_CONS(1), &c, &present, &e));
	assert_int_equal(present, 0);
	assert_int_equal(pw_der_offset(&d), T_BASE + 5);
	assert_true(pw_der_get_element(&d, PW_DER_INTEGER, &el, &e));
	assert_int_equal(el.len, 3);
	assert_int_equal(el.off, T_BASE + 5);
	assert_int_equal(el.p[0], 0x02);
	/* At the end an optional element is simply absent. */
	assert_true(pw_der_get_optional(&d, PW_DER_CTX_CONS(0), &c, &present, &e));
	assert_int_equal(present, 0);
	assert_true(pw_der_done(&d, "test", &e));

	/* Present but malformed: the optional read fails, cursor kept. */
	d = cur(B(0xA0, 0x81, 0x01, 0x00));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_optional(&d, PW_DER_CTX_CONS(0), &c, &present, &e), &e, T_BASE + 1,
	                 "long form for a length < 128");
	expect_same_cursor(&d, &saved);
}

static void test_descend_in_place(void **state)
{
	(void)state;
	struct pw_error e;
	uint64_t v = 0;
	/* SEQUENCE { INTEGER 7 }: reading the SEQUENCE into the cursor itself
	 * descends into it. */
	struct pw_der d = cur(B(0x30, 0x03, 0x02, 0x01, 0x07));
	assert_true(pw_der_get(&d, PW_DER_SEQUENCE, &d, &e));
	assert_int_equal(d.len, 3);
	assert_int_equal(d.off, T_BASE + 2);
	assert_true(pw_der_get_uint64(&d, &v, &e));
	assert_true(v == 7);
	assert_true(pw_der_done(&d, "SEQUENCE", &e));
	/* Every output of pw_der_get_any is optional. */
	d = cur(B(0x30, 0x03, 0x02, 0x01, 0x07));
	assert_true(pw_der_get_any(&d, NULL, NULL, NULL, NULL));
	assert_int_equal(d.len, 0);
	assert_int_equal(d.off, T_BASE + 5);
}

static void test_done_trailing(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x05, 0x00, 0x00, 0x01));
	assert_true(pw_der_skip(&d, &e));
	expect_der_error(pw_der_done(&d, "certificate", &e), &e, T_BASE + 2,
	                 "expected end of certificate, found 2 trailing bytes");
	/* NULL error pointer is allowed everywhere. */
	assert_false(pw_der_done(&d, NULL, NULL));
}

static void test_init_and_equal(void **state)
{
	(void)state;
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 3 }, c[] = { 1, 2, 4 };
	struct pw_der x, y, z, empty1, empty2;
	pw_der_init(&x, a, sizeof a);
	pw_der_init(&y, b, sizeof b);
	pw_der_init(&z, c, sizeof c);
	assert_int_equal(pw_der_offset(&x), 0);
	assert_int_equal(pw_der_len(&x), 3);
	assert_true(pw_der_equal(&x, &y));
	assert_false(pw_der_equal(&x, &z));
	pw_der_init(&empty1, NULL, 0);
	pw_der_init(&empty2, a, 0);
	assert_true(pw_der_equal(&empty1, &empty2));
	assert_false(pw_der_equal(&empty1, &x));
}

/* ---- BOOLEAN (X.690 §11.1) ---- */

static void test_bool(void **state)
{
	(void)state;
	struct pw_error e;
	int v = -1;
	struct pw_der d = cur(B(0x01, 0x01, 0xFF, 0x01, 0x01, 0x00));
	assert_true(pw_der_get_bool(&d, &v, &e));
	assert_int_equal(v, 1);
	assert_true(pw_der_get_bool(&d, &v, &e));
	assert_int_equal(v, 0);

	d = cur(B(0x01, 0x01, 0x01));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_bool(&d, &v, &e), &e, T_BASE + 2, "BOOLEAN value 0x01, expected 0x00 or 0xFF");
	expect_same_cursor(&d, &saved);
	d = cur(B(0x01, 0x02, 0x00, 0x00));
	expect_der_error(pw_der_get_bool(&d, &v, &e), &e, T_BASE + 2, "BOOLEAN with 2 content octets");
	d = cur(B(0x01, 0x00));
	expect_der_error(pw_der_get_bool(&d, &v, &e), &e, T_BASE + 2, "BOOLEAN with 0 content octets");
	d = cur(B(0x02, 0x01, 0x00));
	expect_der_error(pw_der_get_bool(&d, &v, &e), &e, T_BASE, "expected BOOLEAN, found INTEGER");
}

/* ---- INTEGER (X.690 §8.3) ---- */

static void test_integer(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der v;
	struct pw_der d = cur(B(0x02, 0x01, 0x00, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0xFF, 0x7F, 0x02, 0x01,
	                        0x80));
	assert_true(pw_der_get_integer(&d, &v, &e));
	assert_int_equal(v.len, 1);
	assert_true(pw_der_get_integer(&d, &v, &e));
	assert_int_equal(v.len, 2);
	assert_int_equal(v.off, T_BASE + 5);
	assert_true(pw_der_get_integer(&d, &v, &e));
	assert_true(pw_der_get_integer(&d, &v, &e));
	assert_true(pw_der_done(&d, "test", &e));

	d = cur(B(0x02, 0x02, 0x00, 0x7F));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_integer(&d, &v, &e), &e, T_BASE + 2, "redundant leading octet");
	expect_same_cursor(&d, &saved);
	d = cur(B(0x02, 0x03, 0xFF, 0x80, 0x00));
	expect_der_error(pw_der_get_integer(&d, &v, &e), &e, T_BASE + 2, "INTEGER 0xFF 0x80...: redundant");
	d = cur(B(0x02, 0x00));
	expect_der_error(pw_der_get_integer(&d, &v, &e), &e, T_BASE + 2, "INTEGER with no content octets");

	/* pw_der_check_integer on extracted contents. */
	struct pw_der c = cur(B(0x00, 0x01));
	expect_der_error(pw_der_check_integer(&c, &e), &e, T_BASE, "not minimal");
	c = cur(B(0x00, 0x81));
	assert_true(pw_der_check_integer(&c, &e));
}

static void test_uint64(void **state)
{
	(void)state;
	struct pw_error e;
	uint64_t v = 0;
	struct pw_der d = cur(B(0x02, 0x01, 0x05));
	assert_true(pw_der_get_uint64(&d, &v, &e));
	assert_int_equal(v, 5);
	d = cur(B(0x02, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
	assert_true(pw_der_get_uint64(&d, &v, &e));
	assert_true(v == UINT64_MAX);
	d = cur(B(0x02, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
	assert_true(pw_der_get_uint64(&d, &v, &e));
	assert_true(v == (uint64_t)INT64_MAX);

	d = cur(B(0x02, 0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_uint64(&d, &v, &e), &e, T_BASE + 2, "INTEGER of 9 octets is too large");
	expect_same_cursor(&d, &saved);
	d = cur(B(0x02, 0x01, 0xFF));
	expect_der_error(pw_der_get_uint64(&d, &v, &e), &e, T_BASE + 2, "INTEGER is negative");
	d = cur(B(0x02, 0x02, 0x00, 0x05));
	expect_der_error(pw_der_get_uint64(&d, &v, &e), &e, T_BASE + 2, "not minimal");
}

static void test_enumerated(void **state)
{
	(void)state;
	struct pw_error e;
	uint32_t v = 99;
	struct pw_der d = cur(B(0x0A, 0x01, 0x03, 0x0A, 0x04, 0x7F, 0xFF, 0xFF, 0xFF));
	assert_true(pw_der_get_enumerated(&d, &v, &e));
	assert_int_equal(v, 3);
	assert_true(pw_der_get_enumerated(&d, &v, &e));
	assert_int_equal(v, INT32_MAX);

	d = cur(B(0x0A, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00));
	expect_der_error(pw_der_get_enumerated(&d, &v, &e), &e, T_BASE + 2, "ENUMERATED of 5 octets is too large");
	d = cur(B(0x0A, 0x01, 0x80));
	expect_der_error(pw_der_get_enumerated(&d, &v, &e), &e, T_BASE + 2, "ENUMERATED is negative");
	d = cur(B(0x0A, 0x02, 0x00, 0x01));
	expect_der_error(pw_der_get_enumerated(&d, &v, &e), &e, T_BASE + 2, "not minimal");
	d = cur(B(0x02, 0x01, 0x01));
	expect_der_error(pw_der_get_enumerated(&d, &v, &e), &e, T_BASE, "expected ENUMERATED, found INTEGER");
}

/* ---- BIT STRING (X.690 §8.6, §11.2) ---- */

static void test_bit_string(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der bits;
	unsigned unused = 99;
	struct pw_der d = cur(B(0x03, 0x01, 0x00, 0x03, 0x02, 0x01, 0x02, 0x03, 0x03, 0x07, 0xFF, 0x80));
	assert_true(pw_der_get_bit_string(&d, &bits, &unused, &e));
	assert_int_equal(bits.len, 0);
	assert_int_equal(unused, 0);
	assert_true(pw_der_get_bit_string(&d, &bits, &unused, &e));
	assert_int_equal(unused, 1);
	assert_int_equal(bits.len, 1);
	assert_int_equal(bits.off, T_BASE + 6);
	assert_int_equal(bits.p[0], 0x02);
	assert_true(pw_der_get_bit_string(&d, &bits, &unused, &e));
	assert_int_equal(unused, 7);
	assert_int_equal(bits.len, 2);

	d = cur(B(0x03, 0x02, 0x01, 0x01));
	struct pw_der saved = d;
	expect_der_error(pw_der_get_bit_string(&d, &bits, &unused, &e), &e, T_BASE + 3,
	                 "last octet 0x01 has non-zero bits in its 1 unused bits");
	expect_same_cursor(&d, &saved);
	d = cur(B(0x03, 0x02, 0x08, 0x00));
	expect_der_error(pw_der_get_bit_string(&d, &bits, &unused, &e), &e, T_BASE + 2,
	                 "unused-bits count 8, expected 0..7");
	d = cur(B(0x03, 0x01, 0x03));
	expect_der_error(pw_der_get_bit_string(&d, &bits, &unused, &e), &e, T_BASE + 2,
	                 "empty BIT STRING with unused-bits count 3");
	d = cur(B(0x03, 0x00));
	expect_der_error(pw_der_get_bit_string(&d, &bits, &unused, &e), &e, T_BASE + 2,
	                 "BIT STRING with no content octets");
}

/* ---- NULL (X.690 §8.8) ---- */

static void test_null(void **state)
{
	(void)state;
	struct pw_error e;
	struct pw_der d = cur(B(0x05, 0x00));
	assert_true(pw_der_get_null(&d, &e));
	assert_int_equal(pw_der_len(&d), 0);
	d = cur(B(0x05, 0x01, 0x00));
	expect_der_error(pw_der_get_null(&d, &e), &e, T_BASE + 2, "NULL with 1 content octets, expected none");
}

/* ---- tag names ---- */

static void test_tag_names(void **state)
{
	(void)state;
	assert_string_equal(pw_der_tag_name(PW_DER_SEQUENCE), "SEQUENCE");
	assert_string_equal(pw_der_tag_name(PW_DER_TAG(0, 0, 16)), "SEQUENCE prim");
	assert_string_equal(pw_der_tag_name(PW_DER_SET), "SET");
	assert_string_equal(pw_der_tag_name(PW_DER_UTF8_STRING), "UTF8String");
	assert_string_equal(pw_der_tag_name(PW_DER_TAG(0, 1, 4)), "OCTET STRING cons");
	assert_string_equal(pw_der_tag_name(PW_DER_OID), "OBJECT IDENTIFIER");
	assert_string_equal(pw_der_tag_name(PW_DER_CTX_CONS(3)), "[3] cons");
	assert_string_equal(pw_der_tag_name(PW_DER_CTX(0)), "[0]");
	assert_string_equal(pw_der_tag_name(PW_DER_CTX(30)), "[30]");
	assert_string_equal(pw_der_tag_name(PW_DER_TAG(PW_DER_CLASS_APPLICATION, 1, 5)), "[APPLICATION 5] cons");
	assert_string_equal(pw_der_tag_name(PW_DER_TAG(PW_DER_CLASS_PRIVATE, 0, 2)), "[PRIVATE 2]");
	/* High tag numbers: several in one expression stay distinct. */
	const char *a = pw_der_tag_name(PW_DER_CTX(31));
	const char *b = pw_der_tag_name(PW_DER_TAG(PW_DER_CLASS_APPLICATION, 1, 1000));
	const char *c = pw_der_tag_name(PW_DER_TAG(PW_DER_CLASS_UNIVERSAL, 0, 0x1FFFFF));
	assert_string_equal(a, "[31]");
	assert_string_equal(b, "[APPLICATION 1000] cons");
	assert_string_equal(c, "[UNIVERSAL 2097151]");
}

/* ---- a realistic nested structure ---- */

static void test_nested_offsets(void **state)
{
	(void)state;
	struct pw_error e;
	/* SEQUENCE { SEQUENCE { OID 2.5.4.3, UTF8String "ab" }, BOOLEAN 0x01 } */
	static const uint8_t buf[] = { 0x30, 0x10, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C,
	                               0x02, 'a', 'b', 0x01, 0x01, 0x01, 0x05, 0x00 };
	struct pw_der d, outer, inner, oid, str;
	pw_der_init(&d, buf, sizeof buf);
	assert_true(pw_der_get(&d, PW_DER_SEQUENCE, &outer, &e));
	assert_true(pw_der_done(&d, "input", &e));
	assert_true(pw_der_get(&outer, PW_DER_SEQUENCE, &inner, &e));
	assert_true(pw_der_get_oid(&inner, &oid, &e));
	assert_int_equal(oid.off, 6);
	assert_true(pw_der_get(&inner, PW_DER_UTF8_STRING, &str, &e));
	assert_int_equal(str.off, 11);
	assert_true(pw_der_done(&inner, "AttributeTypeAndValue", &e));
	int v;
	/* The error deep inside reports the offset in the whole buffer. */
	expect_der_error(pw_der_get_bool(&outer, &v, &e), &e, 15, "BOOLEAN value 0x01");
	assert_int_equal(pw_der_offset(&outer), 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_short_form),
		cmocka_unit_test(test_length_long_form),
		cmocka_unit_test(test_length_long_form_below_128),
		cmocka_unit_test(test_length_leading_zero),
		cmocka_unit_test(test_length_indefinite),
		cmocka_unit_test(test_length_reserved_ff),
		cmocka_unit_test(test_length_too_many_octets),
		cmocka_unit_test(test_length_exceeds_data),
		cmocka_unit_test(test_length_octets_truncated),
		cmocka_unit_test(test_tag_high_number),
		cmocka_unit_test(test_tag_high_form_for_low_number),
		cmocka_unit_test(test_tag_leading_0x80),
		cmocka_unit_test(test_tag_too_large),
		cmocka_unit_test(test_tag_truncated),
		cmocka_unit_test(test_tag_universal_zero),
		cmocka_unit_test(test_tag_universal_form),
		cmocka_unit_test(test_get_tag_mismatch),
		cmocka_unit_test(test_get_element_and_optional),
		cmocka_unit_test(test_descend_in_place),
		cmocka_unit_test(test_done_trailing),
		cmocka_unit_test(test_init_and_equal),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_integer),
		cmocka_unit_test(test_uint64),
		cmocka_unit_test(test_enumerated),
		cmocka_unit_test(test_bit_string),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_tag_names),
		cmocka_unit_test(test_nested_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
