/* Fuzz target for the strict DER reader: walks the input as a tree of TLVs
 * (descending into constructed elements and into OCTET/BIT STRINGs, which
 * often encapsulate DER), runs every getter and content check on every
 * element, and aborts on any broken invariant of the der.h contract:
 *   - a failed getter leaves the cursor unchanged and reports PW_ERR_DER at
 *     an offset inside the cursor's window (or one past its end);
 *   - a successful getter consumes exactly one element;
 *   - results agree between the getters and the content checks;
 *   - OID text round-trips through pw_der_oid_from_text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/der.h"
#include "pkiward/oid.h"

/* Nesting deeper than this is not followed (real certificates stay < 20). */
#define DER_FUZZ_MAX_DEPTH 32
/* Elements visited per input, so that quadratic inputs stay fast. */
#define DER_FUZZ_MAX_ELEMENTS 4096

static unsigned fuzz_elements;

#define CHECK(cond)                                                                  \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static int same(const struct pw_der *a, const struct pw_der *b)
{
	return a->p == b->p && a->len == b->len && a->off == b->off;
}

/* After a getter on a copy of `before` returned `ok` and left `after`. */
static void check_outcome(int ok, const struct pw_der *before, const struct pw_der *after,
                          const struct pw_error *e, size_t elem_len)
{
	if (ok) {
		CHECK(after->len == before->len - elem_len);
		CHECK(after->p == before->p + elem_len);
		CHECK(after->off == before->off + elem_len);
	} else {
		CHECK(same(before, after));
		CHECK(e->status == PW_ERR_DER);
		CHECK(e->has_offset);
		CHECK(e->offset >= before->off && e->offset <= before->off + before->len);
		CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL && e->msg[0] != '\0');
	}
}

static void check_content_error(int ok, const struct pw_der *c, const struct pw_error *e)
{
	if (!ok) {
		CHECK(e->status == PW_ERR_DER);
		CHECK(e->offset >= c->off && e->offset <= c->off + c->len);
	}
}

/* A plain reading of X.690 §8.19.2, to hold the optimised check against. */
static int reference_oid_ok(const uint8_t *p, size_t n)
{
	size_t arcs = 1;
	if (n == 0 || (p[n - 1] & 0x80))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || !(p[i - 1] & 0x80)) && p[i] == 0x80)
			return 0;
		if (!(p[i] & 0x80))
			arcs++;
	}
	return arcs <= PW_DER_MAX_OID_ARCS;
}

static const uint32_t string_tags[] = {
	PW_DER_UTF8_STRING, PW_DER_NUMERIC_STRING, PW_DER_PRINTABLE_STRING, PW_DER_T61_STRING,
	PW_DER_IA5_STRING,  PW_DER_VISIBLE_STRING, PW_DER_UNIVERSAL_STRING, PW_DER_BMP_STRING,
};

/* Runs the content-level checks on arbitrary octets. */
static void fuzz_contents(const struct pw_der *c)
{
	struct pw_error e;
	char text[PW_DER_OID_TEXT_MAX];
	char small[7];

	check_content_error(pw_der_check_integer(c, &e), c, &e);

	int oid_ok = pw_der_check_oid(c, &e);
	check_content_error(oid_ok, c, &e);
	CHECK(oid_ok == reference_oid_ok(c->p, c->len));
	int text_ok = pw_der_oid_to_text(c, text, sizeof text);
	CHECK(!text_ok || oid_ok);
	if (text_ok) {
		size_t tl = strlen(text);
		CHECK(tl < sizeof text);
		uint8_t enc[PW_DER_OID_TEXT_MAX];
		size_t n = 0;
		/* Texts whose arcs fit 64 bits encode back to the same octets. */
		if (pw_der_oid_from_text(text, tl, enc, sizeof enc, &n))
			CHECK(n == c->len && memcmp(enc, c->p, n) == 0);
		(void)pw_oid_name(pw_oid_lookup(c));
	} else {
		CHECK(text[0] == '\0');
	}
	if (pw_der_oid_to_text(c, small, sizeof small))
		CHECK(strlen(small) < sizeof small);

	for (int strict = 0; strict <= 1; strict++) {
		int64_t t1 = 0, t2 = 0;
		unsigned forms = 0;
		int u = pw_der_parse_time_ex(PW_DER_UTC_TIME, c, strict, &t1, &forms, &e);
		check_content_error(u, c, &e);
		if (u && strict)
			CHECK(forms == 0);
		int g = pw_der_parse_time(PW_DER_GENERALIZED_TIME, c, strict, &t2, &e);
		check_content_error(g, c, &e);
		/* Strict success implies lax success with the same value. */
		if (strict && u) {
			int64_t t3 = 0;
			CHECK(pw_der_parse_time(PW_DER_UTC_TIME, c, 0, &t3, &e) && t3 == t1);
		}
	}

	for (size_t i = 0; i < sizeof string_tags / sizeof string_tags[0]; i++) {
		char buf[64];
		check_content_error(pw_der_check_string(string_tags[i], c, &e), c, &e);
		size_t n = pw_der_string_to_utf8(string_tags[i], c, buf, sizeof buf);
		CHECK(n < sizeof buf && buf[n] == '\0' && strlen(buf) == n);
		n = pw_der_string_to_utf8(string_tags[i], c, small, sizeof small);
		CHECK(n < sizeof small && small[n] == '\0');
	}
}

/* Runs every typed getter on the element at the front of d. */
static void fuzz_getters(const struct pw_der *d, size_t elem_len)
{
	struct pw_error e;
	struct pw_der t, out;
	int b;
	uint64_t u64;
	uint32_t u32, tag;
	unsigned unused;
	int64_t tm;

	t = *d;
	check_outcome(pw_der_get_bool(&t, &b, &e), d, &t, &e, elem_len);
	t = *d;
	check_outcome(pw_der_get_integer(&t, &out, &e), d, &t, &e, elem_len);
	t = *d;
	int got = pw_der_get_uint64(&t, &u64, &e);
	check_outcome(got, d, &t, &e, elem_len);
	if (got) {
		struct pw_der t2 = *d;
		CHECK(pw_der_get_integer(&t2, &out, &e));
	}
	t = *d;
	check_outcome(pw_der_get_enumerated(&t, &u32, &e), d, &t, &e, elem_len);
	t = *d;
	if (pw_der_get_enumerated(&t, &u32, &e))
		CHECK(u32 <= INT32_MAX);
	t = *d;
	got = pw_der_get_bit_string(&t, &out, &unused, &e);
	check_outcome(got, d, &t, &e, elem_len);
	if (got)
		CHECK(unused <= 7 && (out.len > 0 || unused == 0));
	t = *d;
	check_outcome(pw_der_get_null(&t, &e), d, &t, &e, elem_len);
	t = *d;
	got = pw_der_get_oid(&t, &out, &e);
	check_outcome(got, d, &t, &e, elem_len);
	if (got)
		CHECK(pw_der_check_oid(&out, &e));
	t = *d;
	got = pw_der_get_time(&t, &tm, &tag, &e);
	check_outcome(got, d, &t, &e, elem_len);
	if (got)
		CHECK(tag == PW_DER_UTC_TIME || tag == PW_DER_GENERALIZED_TIME);

	/* Generic getters against the element's own tag and a wrong one. */
	struct pw_der probe = *d, el;
	CHECK(pw_der_get_any(&probe, &tag, NULL, &el, &e));
	CHECK(pw_der_peek_tag(d, tag));
	(void)pw_der_tag_name(tag);
	t = *d;
	CHECK(pw_der_get(&t, tag, &out, &e));
	check_outcome(1, d, &t, &e, elem_len);
	CHECK(out.off + out.len == d->off + elem_len);
	t = *d;
	CHECK(pw_der_get_element(&t, tag, &out, &e));
	CHECK(pw_der_equal(&out, &el) && out.off == d->off);
	uint32_t other = tag ^ PW_DER_CONSTRUCTED;
	t = *d;
	got = pw_der_get(&t, other, &out, &e);
	CHECK(!got);
	check_outcome(got, d, &t, &e, elem_len);
	int present = -1;
	t = *d;
	CHECK(pw_der_get_optional(&t, other, &out, &present, &e) && present == 0 && same(&t, d));
	t = *d;
	CHECK(pw_der_get_optional(&t, tag, &out, &present, &e) && present == 1);
}

static void walk(struct pw_der d, unsigned depth)
{
	struct pw_error e;
	while (pw_der_len(&d) > 0 && fuzz_elements < DER_FUZZ_MAX_ELEMENTS) {
		struct pw_der before = d, contents, element;
		uint32_t tag;
		fuzz_elements++;
		if (!pw_der_get_any(&d, &tag, &contents, &element, &e)) {
			check_outcome(0, &before, &d, &e, 0);
			struct pw_der s = before;
			CHECK(!pw_der_skip(&s, &e) && same(&s, &before));
			CHECK(!pw_der_done(&before, "input", &e));
			return;
		}
		CHECK(element.off == before.off && element.p == before.p);
		CHECK(contents.p + contents.len == element.p + element.len);
		CHECK(contents.off - element.off == (size_t)(contents.p - element.p));
		fuzz_getters(&before, element.len);
		fuzz_contents(&contents);
		if (depth < DER_FUZZ_MAX_DEPTH &&
		    (PW_DER_TAG_IS_CONSTRUCTED(tag) || tag == PW_DER_OCTET_STRING))
			walk(contents, depth + 1);
		else if (depth < DER_FUZZ_MAX_DEPTH && tag == PW_DER_BIT_STRING && contents.len > 1) {
			struct pw_der inner = { contents.p + 1, contents.len - 1, contents.off + 1 };
			walk(inner, depth + 1);
		}
	}
	struct pw_error e2;
	CHECK(pw_der_len(&d) != 0 || pw_der_done(&d, "input", &e2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_der d;
	fuzz_elements = 0;
	pw_der_init(&d, data, size);
	walk(d, 0);
	/* The whole input as raw contents, too (OIDs, times, strings). */
	fuzz_contents(&d);
	return 0;
}
