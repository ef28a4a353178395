/* Name (RFC 5280 §4.1.2.4) and AlgorithmIdentifier (§4.1.1.2) readers. */
#include <string.h>

#include "internal.h"

int pw_cert_parse_algid(struct pw_der *d, struct pw_algid *out, struct pw_error *err,
                        const char *field)
{
	struct pw_der seq;
	memset(out, 0, sizeof *out);
	if (!pw_cert_get_both(d, PW_DER_SEQUENCE, &seq, &out->raw, err))
		goto fail;
	if (!pw_oid_get(&seq, &out->oid, &out->id, err))
		goto fail;
	if (pw_der_len(&seq) > 0) {
		struct pw_der contents;
		out->params_present = 1;
		if (!pw_der_get_any(&seq, &out->params_tag, &contents, &out->params, err))
			goto fail;
	}
	if (!pw_der_done(&seq, "AlgorithmIdentifier", err))
		goto fail;
	return 1;
fail:
	pw_cert_err_field(err, field);
	return 0;
}

/* Universal string types whose character set der/ can check. */
static int is_string_tag(uint32_t tag)
{
	switch (tag) {
	case PW_DER_UTF8_STRING:
	case PW_DER_NUMERIC_STRING:
	case PW_DER_PRINTABLE_STRING:
	case PW_DER_T61_STRING:
	case PW_DER_IA5_STRING:
	case PW_DER_VISIBLE_STRING:
	case PW_DER_UNIVERSAL_STRING:
	case PW_DER_BMP_STRING:
		return 1;
	default:
		return 0;
	}
}

/* X.690 §11.6: the elements of a SET OF are in ascending order of their
 * encodings, the shorter padded with trailing zero octets. */
static int der_set_less_or_equal(const struct pw_der *a, const struct pw_der *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);
	if (c != 0)
		return c < 0;
	const struct pw_der *longer = a->len > b->len ? a : b;
	for (size_t i = n; i < longer->len; i++)
		if (longer->p[i] != 0)
			return longer == b;
	return 1;
}

int pw_cert_parse_name_element(struct pw_arena *a, const struct pw_der *element,
                               const struct pw_der *contents, struct pw_name *out,
                               struct pw_error *err, const char *field)
{
	struct pw_der rdns = *contents;
	size_t n_attrs = 0;
	unsigned n_rdns = 0;

	memset(out, 0, sizeof *out);
	out->raw = *element;
	out->set_order_ok = 1;

	/* One pass: the array is sized for the most attributes these bytes
	 * can hold (each is at least PW_CERT_MIN_ATV_BYTES), not counted first. */
	size_t cap = contents->len / PW_CERT_MIN_ATV_BYTES;
	if (cap > PW_CERT_MAX_NAME_ATTRS)
		cap = PW_CERT_MAX_NAME_ATTRS;
	if (cap > 0) {
		out->attrs = pw_arena_alloc(a, cap * sizeof *out->attrs);
		if (out->attrs == NULL)
			return pw_cert_err_nomem(err, field);
	}
	while (pw_der_len(&rdns) > 0) {
		struct pw_der set, prev = { 0 };
		if (!pw_der_get(&rdns, PW_DER_SET, &set, err))
			goto fail;
		int first = 1;
		while (pw_der_len(&set) > 0) {
			struct pw_attr at;
			struct pw_der atv_el, atv;
			at.offset = pw_der_offset(&set);
			at.rdn = n_rdns;
			if (!pw_cert_get_both(&set, PW_DER_SEQUENCE, &atv, &atv_el, err))
				goto fail;
			if (!first && !der_set_less_or_equal(&prev, &atv_el))
				out->set_order_ok = 0;
			prev = atv_el;
			first = 0;
			if (!pw_oid_get(&atv, &at.oid, &at.id, err))
				goto fail;
			if (!pw_der_get_any(&atv, &at.tag, &at.value, NULL, err))
				goto fail;
			if (!pw_der_done(&atv, "AttributeTypeAndValue", err))
				goto fail;
			at.charset_ok = 1;
			if (is_string_tag(at.tag)) {
				struct pw_error tmp;
				at.charset_ok = pw_der_check_string(at.tag, &at.value, &tmp);
			}
			/* Only the count limit can be hit: valid attributes
			 * always fit the size-derived capacity. */
			if (n_attrs == cap) {
				pw_error_set(err, PW_ERR_LIMIT, 1, at.offset, field,
				             "more than %d attributes in a Name",
				             PW_CERT_MAX_NAME_ATTRS);
				return 0;
			}
			out->attrs[n_attrs++] = at;
		}
		n_rdns++;
	}
	out->n_rdns = n_rdns;
	out->n_attrs = n_attrs;
	if (n_attrs == 0)
		out->attrs = NULL;
	return 1;
fail:
	pw_cert_err_field(err, field);
	return 0;
}

int pw_cert_parse_name(struct pw_arena *a, struct pw_der *d, struct pw_name *out,
                       struct pw_error *err, const char *field)
{
	struct pw_der el, contents;
	if (!pw_cert_get_both(d, PW_DER_SEQUENCE, &contents, &el, err)) {
		pw_cert_err_field(err, field);
		memset(out, 0, sizeof *out);
		return 0;
	}
	return pw_cert_parse_name_element(a, &el, &contents, out, err, field);
}
