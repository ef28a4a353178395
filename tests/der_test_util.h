/* Shared helpers of the der/ unit tests (tests/der_*test.c). */
#ifndef PKIWARD_DER_TEST_UTIL_H
#define PKIWARD_DER_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pkiward/der.h"
#include "pkiward/status.h"

/* Cursors in the tests start at this absolute offset, so every asserted
 * error offset also proves that offsets are absolute, not relative. */
#define T_BASE 1000u

/* A byte-array literal and its length, for cur(). */
#define B(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static inline struct pw_der cur(const uint8_t *p, size_t n)
{
	struct pw_der d = { p, n, T_BASE };
	return d;
}

/* A cursor over a C string's bytes (no NUL), for time and string contents. */
static inline struct pw_der scur(const char *s)
{
	struct pw_der d = { (const uint8_t *)s, strlen(s), T_BASE };
	return d;
}

/* Asserts that a call failed with PW_ERR_DER at absolute offset `off` and a
 * message containing `needle` (NULL: any). */
static inline void expect_der_error(int ok, const struct pw_error *e, size_t off, const char *needle)
{
	if (ok != 0)
		fail_msg("expected failure, call succeeded");
	assert_int_equal(e->status, PW_ERR_DER);
	assert_true(e->has_offset);
	if (e->offset != off)
		fail_msg("error offset %zu, expected %zu (msg: %s)", e->offset, off, e->msg);
	if (needle != NULL && strstr(e->msg, needle) == NULL)
		fail_msg("error message \"%s\" lacks \"%s\"", e->msg, needle);
}

/* Asserts two cursors are identical (a failed getter must not move one). */
static inline void expect_same_cursor(const struct pw_der *a, const struct pw_der *b)
{
	assert_ptr_equal(a->p, b->p);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->off, b->off);
}

#endif
