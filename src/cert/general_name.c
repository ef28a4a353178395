/* GeneralName / GeneralNames (RFC 5280 §4.2.1.6) and DistributionPointName
 * (§4.2.1.13). */
#include <string.h>

#include "internal.h"

static int all_ia5(const struct pw_der *v)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->p[i] & 0x80)
			return 0;
	return 1;
}

int pw_cert_parse_general_name(struct pw_arena *a, struct pw_der *d,
                               struct pw_general_name *out, struct pw_error *err)
{
	uint32_t tag;
	struct pw_der contents;
	size_t off = pw_der_offset(d);

	memset(out, 0, sizeof *out);
	if (!pw_der_get_any(d, &tag, &contents, NULL, err))
		return 0;
	unsigned num = PW_DER_TAG_NUMBER(tag);
	if (PW_DER_TAG_CLASS(tag) != PW_DER_CLASS_CONTEXT || num > PW_GN_REGISTERED_ID) {
		pw_error_set(err, PW_ERR_PARSE, 1, off, "GeneralName",
		             "%s is not a GeneralName choice", pw_der_tag_name(tag));
		return 0;
	}
	/* otherName and directoryName are constructed and the string/OCTET
	 * types primitive (IMPLICIT tags, RFC 5280 Appendix A.2). x400Address
	 * and ediPartyName are kept as opaque octets, never interpreted, so
	 * their form is not checked: real name constraints carry a primitive
	 * [3] (e.g. the zlint corpus), and refusing the whole extension for a
	 * name type nobody evaluates would hide its other subtrees from lints. */
	int want_cons = num == PW_GN_OTHER_NAME || num == PW_GN_DIRECTORY;
	int opaque = num == PW_GN_X400 || num == PW_GN_EDI_PARTY;
	if (!opaque && PW_DER_TAG_IS_CONSTRUCTED(tag) != want_cons) {
		pw_error_set(err, PW_ERR_PARSE, 1, off, "GeneralName",
		             "GeneralName [%u] must be %s", num, want_cons ? "constructed" : "primitive");
		return 0;
	}
	out->type = (enum pw_gn_type)num;
	out->value = contents;
	switch (out->type) {
	case PW_GN_RFC822:
	case PW_GN_DNS:
	case PW_GN_URI:
		out->ia5_ok = all_ia5(&contents);
		break;
	case PW_GN_OTHER_NAME: {
		/* OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } */
		struct pw_der c = contents, val;
		if (!pw_der_get_oid(&c, &out->other_oid, err) ||
		    !pw_der_get(&c, PW_DER_CTX_CONS(0), &val, err) ||
		    !pw_der_done(&c, "otherName", err)) {
			pw_cert_err_field(err, "GeneralName.otherName");
			return 0;
		}
		break;
	}
	case PW_GN_DIRECTORY: {
		/* [4] is EXPLICIT because Name is a CHOICE (X.680 §31.2.7). */
		struct pw_der c = contents, nc, nel;
		if (!pw_cert_get_both(&c, PW_DER_SEQUENCE, &nc, &nel, err) ||
		    !pw_der_done(&c, "directoryName", err)) {
			pw_cert_err_field(err, "GeneralName.directoryName");
			return 0;
		}
		if (!pw_cert_parse_name_element(a, &nel, &nc, &out->dir, err,
		                                "GeneralName.directoryName"))
			return 0;
		break;
	}
	case PW_GN_REGISTERED_ID:
		if (!pw_der_check_oid(&contents, err)) {
			pw_cert_err_field(err, "GeneralName.registeredID");
			return 0;
		}
		break;
	default:
		break;
	}
	return 1;
}

int pw_cert_parse_general_names(struct pw_arena *a, const struct pw_der *contents,
                                struct pw_general_names *out, struct pw_error *err)
{
	/* One pass into an array sized for the most names these bytes can
	 * hold (a GeneralName is at least 2 bytes), capped by the limit. */
	size_t cap = contents->len / 2, n = 0;
	if (cap > PW_CERT_MAX_GENERAL_NAMES)
		cap = PW_CERT_MAX_GENERAL_NAMES;
	out->v = NULL;
	out->n = 0;
	if (cap == 0)
		return 1;
	struct pw_general_name *v = pw_arena_alloc(a, cap * sizeof *v);
	if (v == NULL)
		return pw_cert_err_nomem(err, "GeneralNames");
	struct pw_der d = *contents;
	while (pw_der_len(&d) > 0) {
		if (n == cap) {
			pw_error_set(err, PW_ERR_LIMIT, 1, pw_der_offset(&d), "GeneralNames",
			             "more than %d names", PW_CERT_MAX_GENERAL_NAMES);
			return 0;
		}
		if (!pw_cert_parse_general_name(a, &d, &v[n], err))
			return 0;
		n++;
	}
	out->v = n ? v : NULL;
	out->n = n;
	return 1;
}

int pw_cert_parse_dp_name(struct pw_arena *a, const struct pw_der *contents,
                          struct pw_dist_point *dp, struct pw_error *err)
{
	/* DistributionPointName ::= CHOICE { fullName [0] GeneralNames,
	 * nameRelativeToCRLIssuer [1] RelativeDistinguishedName }; the [0] of
	 * the enclosing field is EXPLICIT since the type is a CHOICE. */
	struct pw_der d = *contents, inner;
	uint32_t tag;
	if (!pw_der_get_any(&d, &tag, &inner, NULL, err))
		return 0;
	if (tag == PW_DER_CTX_CONS(0)) {
		dp->has_full_name = 1;
		if (!pw_cert_parse_general_names(a, &inner, &dp->full_name, err))
			return 0;
	} else if (tag == PW_DER_CTX_CONS(1)) {
		dp->has_relative_name = 1;
	} else {
		pw_error_set(err, PW_ERR_PARSE, 1, contents->off, "DistributionPointName",
		             "%s is not a DistributionPointName choice", pw_der_tag_name(tag));
		return 0;
	}
	if (!pw_der_done(&d, "DistributionPointName", err))
		return 0;
	return 1;
}
