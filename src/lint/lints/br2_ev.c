/* pkiward — EV Guidelines lints (EVG 7.1.4.2 subject fields, 6.3.2
 * validity, 7.1.2 extensions) and the .onion validity limit (formerly EVG
 * Appendix F, now BR Appendix B). */
#include <string.h>

#include "br2_defs.h"

static int ev(const struct pw_lint_ctx *x) { return br2_is_ev(x->cert); }
static int ev_subscriber(const struct pw_lint_ctx *x)
{
	return br2_is_ev(x->cert) && pw_lint_is_subscriber(x);
}

static enum pw_lint_status need_attr(const struct pw_cert *c, enum pw_oid id, char *d, size_t l)
{
	if (pw_lint_name_has(&c->subject, id))
		return PW_LINT_PASS;
	br2_details(d, l, "EV subject lacks %s", pw_oid_name(id));
	return PW_LINT_ERROR;
}

static enum pw_lint_status biz_missing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return need_attr(x->cert, PW_OID_BUSINESS_CATEGORY, d, l);
}

static enum pw_lint_status country_missing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return need_attr(x->cert, PW_OID_C, d, l);
}

static enum pw_lint_status org_missing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return need_attr(x->cert, PW_OID_O, d, l);
}

static enum pw_lint_status serial_missing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_name_count_str(&x->cert->subject, PW_OID_SERIAL_NUMBER) > 0)
		return PW_LINT_PASS;
	br2_details(d, l, "EV subject lacks serialNumber");
	return PW_LINT_ERROR;
}

/* EVG 7.1.4.2.9 (ballot SC16): only these subject attributes are allowed. */
static int ev_attr_allowed(enum pw_oid id)
{
	switch (id) {
	case PW_OID_JURISDICTION_L: case PW_OID_JURISDICTION_ST: case PW_OID_JURISDICTION_C:
	case PW_OID_CN: case PW_OID_SERIAL_NUMBER: case PW_OID_C: case PW_OID_L: case PW_OID_ST:
	case PW_OID_STREET: case PW_OID_O: case PW_OID_OU: case PW_OID_BUSINESS_CATEGORY:
	case PW_OID_POSTAL_CODE: case PW_OID_ORGANIZATION_IDENTIFIER:
		return 1;
	default:
		return 0;
	}
}

static enum pw_lint_status extra_attribs(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	for (size_t i = 0; i < n->n_attrs; i++) {
		if (!ev_attr_allowed(n->attrs[i].id)) {
			char oid[PW_DER_OID_TEXT_MAX];
			if (!pw_der_oid_to_text(&n->attrs[i].oid, oid, sizeof oid))
				strcpy(oid, "?");
			br2_details(d, l, "subject attribute %s is not allowed in EV certificates", oid);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status business_category(const struct pw_lint_ctx *x, char *d, size_t l)
{
	static const char *const ok[] = { "Private Organization", "Government Entity", "Business Entity",
		                          "Non-Commercial Entity" };
	const struct pw_name *n = &x->cert->subject;
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		char v[BR2_TEXT_MAX];
		if (a->id != PW_OID_BUSINESS_CATEGORY)
			continue;
		if (br2_attr_is_string(a)) {
			br2_attr_text(a, v, sizeof v);
			for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
				if (strcmp(v, ok[k]) == 0)
					return PW_LINT_PASS;
		}
		br2_details(d, l, "businessCategory is not one of the four EVG 7.1.4.2.3 values");
		return PW_LINT_ERROR;
	}
	/* No businessCategory: another lint reports its absence. */
	return PW_LINT_NA;
}

static int ev_subscriber_with_orgid(const struct pw_lint_ctx *x)
{
	return ev_subscriber(x) && br2_name_count_str(&x->cert->subject, PW_OID_ORGANIZATION_IDENTIFIER) > 0;
}

static enum pw_lint_status orgid_scheme(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_attr *a = br2_name_first(&x->cert->subject, PW_OID_ORGANIZATION_IDENTIFIER);
	char v[BR2_TEXT_MAX];
	size_t n = br2_attr_text(a, v, sizeof v);
	/* Three characters (code points) for the scheme. */
	if (n < 3 || (unsigned char)v[0] >= 0x80 || (unsigned char)v[1] >= 0x80 || (unsigned char)v[2] >= 0x80) {
		if (n >= 3) {
			br2_details(d, l, "organizationIdentifier scheme is not NTR, VAT or PSD");
			return PW_LINT_ERROR;
		}
		br2_details(d, l, "organizationIdentifier is too short to carry a registration scheme");
		return PW_LINT_ERROR;
	}
	if (strncmp(v, "NTR", 3) != 0 && strncmp(v, "VAT", 3) != 0 && strncmp(v, "PSD", 3) != 0) {
		br2_details(d, l, "organizationIdentifier scheme '%.3s' is not allowed in EV certificates", v);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- cabfOrganizationIdentifier extension (EVG 7.1.2.2) ---- */

struct orgid {
	char scheme[8], country[8], state[8];
	char reference[BR2_TEXT_MAX];
};

static void copy_str(char *dst, size_t cap, const struct pw_der *v)
{
	size_t n = v->len < cap - 1 ? v->len : cap - 1;
	memcpy(dst, v->p, n);
	dst[n] = '\0';
}

/* CABFOrganizationIdentifier ::= SEQUENCE { registrationSchemeIdentifier
 * PrintableString (SIZE(3)), registrationCountry PrintableString (SIZE(2)),
 * registrationStateOrProvince [0] IMPLICIT PrintableString OPTIONAL,
 * registrationReference UTF8String }. Returns 1 when it decodes. */
static int parse_orgid_ext(const struct pw_cert *c, struct orgid *o)
{
	const struct pw_ext *e = BR2_EXT(c, EXT_CABF_ORGANIZATION_ID);
	struct pw_der in, seq, v;
	struct pw_error err;
	int present;
	memset(o, 0, sizeof *o);
	if (e == NULL)
		return 0;
	in = e->value;
	if (!pw_der_get(&in, PW_DER_SEQUENCE, &seq, &err))
		return 0;
	if (!pw_der_get(&seq, PW_DER_PRINTABLE_STRING, &v, &err))
		return 0;
	copy_str(o->scheme, sizeof o->scheme, &v);
	if (!pw_der_get(&seq, PW_DER_PRINTABLE_STRING, &v, &err))
		return 0;
	copy_str(o->country, sizeof o->country, &v);
	if (!pw_der_get_optional(&seq, PW_DER_CTX(0), &v, &present, &err))
		return 0;
	if (present)
		copy_str(o->state, sizeof o->state, &v);
	if (!pw_der_get(&seq, PW_DER_UTF8_STRING, &v, &err))
		return 0;
	copy_str(o->reference, sizeof o->reference, &v);
	return 1;
}

static int psd_vat_applies(const struct pw_lint_ctx *x)
{
	struct orgid o;
	if (!parse_orgid_ext(x->cert, &o))
		return 0;
	return strcmp(o.scheme, "PSD") == 0 || strcmp(o.scheme, "VAT") == 0;
}

static enum pw_lint_status psd_vat_state(const struct pw_lint_ctx *x, char *d, size_t l)
{
	struct orgid o;
	parse_orgid_ext(x->cert, &o);
	if (o.state[0] == '\0')
		return PW_LINT_PASS;
	br2_details(d, l, "registrationStateOrProvince must be absent for scheme %s", o.scheme);
	return PW_LINT_ERROR;
}

static int ev_with_orgid(const struct pw_lint_ctx *x)
{
	return br2_is_ev(x->cert) && br2_name_count_str(&x->cert->subject, PW_OID_ORGANIZATION_IDENTIFIER) > 0;
}

static enum pw_lint_status orgid_ext_missing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_CABF_ORGANIZATION_ID))
		return PW_LINT_PASS;
	br2_details(d, l, "subject organizationIdentifier present but the cabfOrganizationIdentifier "
	                  "extension is missing");
	return PW_LINT_ERROR;
}

static int ev_with_orgid_and_ext(const struct pw_lint_ctx *x)
{
	return ev_with_orgid(x) && BR2_EXT(x->cert, EXT_CABF_ORGANIZATION_ID) != NULL;
}

static int is_upper(char ch) { return ch >= 'A' && ch <= 'Z'; }

/* Parses the EVG 7.1.4.2.8 form "SSSCC[+PP]-reference" (psd = 1: the PSD form
 * "SSSCC[+PP]-NCA-reference", NCA being [A-Z]*). */
static int parse_orgid_subject(const char *v, size_t n, int psd, struct orgid *o)
{
	size_t i = 5;
	memset(o, 0, sizeof *o);
	if (n < 6)
		return 0;
	for (size_t k = 0; k < 5; k++)
		if (!is_upper(v[k]))
			return 0;
	memcpy(o->scheme, v, 3);
	memcpy(o->country, v + 3, 2);
	if (v[i] == '+') {
		if (n < i + 4 || !is_upper(v[i + 1]) || !is_upper(v[i + 2]))
			return 0;
		memcpy(o->state, v + i + 1, 2);
		i += 3;
	}
	if (i >= n || v[i] != '-')
		return 0;
	i++;
	if (psd) {
		while (i < n && is_upper(v[i]))
			i++;
		if (i >= n || v[i] != '-')
			return 0;
		i++;
	}
	if (i >= n)
		return 0;
	copy_str(o->reference, sizeof o->reference, &(struct pw_der){ (const uint8_t *)v + i, n - i, 0 });
	return 1;
}

static int orgid_equal(const struct orgid *a, const struct orgid *b)
{
	return strcmp(a->scheme, b->scheme) == 0 && strcmp(a->country, b->country) == 0 &&
	       strcmp(a->state, b->state) == 0 && strcmp(a->reference, b->reference) == 0;
}

static enum pw_lint_status orgid_consistent(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_attr *a = br2_name_first(&x->cert->subject, PW_OID_ORGANIZATION_IDENTIFIER);
	struct orgid ext, subj;
	char v[BR2_TEXT_MAX];
	size_t n = br2_attr_text(a, v, sizeof v);
	parse_orgid_ext(x->cert, &ext);
	if (!parse_orgid_subject(v, n, 0, &subj)) {
		br2_details(d, l, "subject organizationIdentifier does not have the EVG 7.1.4.2.8 form");
		return PW_LINT_ERROR;
	}
	if (orgid_equal(&ext, &subj))
		return PW_LINT_PASS;
	if (strcmp(subj.scheme, "PSD") == 0) {
		if (!parse_orgid_subject(v, n, 1, &subj)) {
			br2_details(d, l, "subject organizationIdentifier does not have the EVG 7.1.4.2.8 PSD form");
			return PW_LINT_ERROR;
		}
		if (orgid_equal(&ext, &subj))
			return PW_LINT_PASS;
	}
	br2_details(d, l, "cabfOrganizationIdentifier disagrees with the subject organizationIdentifier");
	return PW_LINT_ERROR;
}

/* ---- Names and validity ---- */

static int wildcard_fn(const uint8_t *p, size_t n)
{
	const uint8_t *sld;
	size_t sl, tl;
	int suffix;
	/* Names that do not parse against the PSL are left to other lints. */
	if (!br2_contains_byte(p, n, '*') || br2_has_suffix(p, n, ".onion"))
		return 0;
	return br2_psl_parse(p, n, &sld, &sl, &tl, &suffix);
}

static enum pw_lint_status not_wildcard(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	char cn[BR2_TEXT_MAX];
	size_t len;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && wildcard_fn(g->v[i].value.p, g->v[i].value.len)) {
			br2_details(d, l, "SAN %zu is a wildcard name", i);
			return PW_LINT_ERROR;
		}
	len = br2_subject_cn(x->cert, cn, sizeof cn);
	if (wildcard_fn((const uint8_t *)cn, len)) {
		br2_details(d, l, "commonName is a wildcard name");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status no_san_ip(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_san_count(x->cert, PW_GN_IP) > 0) {
		br2_details(d, l, "EV certificate has an iPAddress SAN");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int ev_old_applies(const struct pw_lint_ctx *x)
{
	return x->cert->not_before < br2_date(2018, 3, 2) && pw_lint_is_subscriber(x) && br2_is_ev(x->cert);
}

static enum pw_lint_status ev_27_months(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_add_date(x->cert->not_before, 0, 27, 0) < x->cert->not_after) {
		br2_details(d, l, "EV validity exceeds 27 months");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int onion_name(const struct pw_cert *c)
{
	const struct pw_general_names *g = &c->x.san.names;
	char cn[BR2_TEXT_MAX];
	size_t len;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && br2_has_suffix(g->v[i].value.p, g->v[i].value.len, ".onion"))
			return 1;
	len = br2_subject_cn(c, cn, sizeof cn);
	return br2_has_suffix((const uint8_t *)cn, len, ".onion");
}

static int onion_subscriber(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && onion_name(x->cert);
}

#define ONION_MAX_MONTHS 15

static enum pw_lint_status onion_validity(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_add_date(x->cert->not_before, 0, ONION_MAX_MONTHS, 0) < x->cert->not_after) {
		br2_details(d, l, "certificate with .onion names is valid for more than %d months", ONION_MAX_MONTHS);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_ev_business_category_missing", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.3",
	         "An EV subscriber subject must contain businessCategory.", NULL, NULL, ev_subscriber,
	         biz_missing),
	BR2_CERT("e_ev_country_name_missing", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.6",
	         "An EV subscriber subject must contain countryName.", NULL, NULL, ev_subscriber,
	         country_missing),
	BR2_CERT("e_ev_organization_name_missing", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.1",
	         "An EV subscriber subject must contain organizationName.", NULL, NULL, ev_subscriber,
	         org_missing),
	BR2_CERT("e_ev_serial_number_missing", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.5",
	         "An EV subscriber subject must contain the registration serialNumber.", NULL, NULL,
	         ev_subscriber, serial_missing),
	BR2_CERT("e_ev_extra_subject_attribs", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.9",
	         "An EV subject may only hold the attributes EVG 7.1.4.2 lists.", "2019-04-16", NULL,
	         ev_subscriber, extra_attribs),
	BR2_CERT("e_ev_invalid_business_category", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.3",
	         "businessCategory must be \"Private Organization\", \"Government Entity\", \"Business "
	         "Entity\" or \"Non-Commercial Entity\".", NULL, NULL, ev_subscriber, business_category),
	BR2_CERT("e_ev_invalid_orgid_reg_scheme", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.4.2.8",
	         "An EV organizationIdentifier must use the NTR, VAT or PSD registration scheme.",
	         "2020-01-31", NULL, ev_subscriber_with_orgid, orgid_scheme),
	BR2_CERT("e_cabf_org_identifier_psd_vat_has_state", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.2.2",
	         "With the VAT or PSD scheme, cabfOrganizationIdentifier must not carry "
	         "registrationStateOrProvince.", "2019-06-21", NULL, psd_vat_applies, psd_vat_state),
	BR2_CERT("e_ev_organization_id_missing", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.2.2",
	         "An EV certificate with a subject organizationIdentifier must carry the "
	         "cabfOrganizationIdentifier extension.", "2020-01-31", NULL, ev_with_orgid,
	         orgid_ext_missing),
	BR2_CERT("e_ev_orgid_inconsistent_subj_and_ext", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.2.2",
	         "cabfOrganizationIdentifier must hold the same scheme, country, state and reference as "
	         "the subject organizationIdentifier.", "2020-01-31", NULL, ev_with_orgid_and_ext,
	         orgid_consistent),
	BR2_CERT("e_ev_not_wildcard", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.2.1",
	         "EV certificates must not contain wildcard names (except .onion names).",
	         "2015-05-01", NULL, ev, not_wildcard),
	BR2_CERT("e_ev_san_ip_address_present", BR2_E, PW_SRC_CABF_EV, "EVG 7.1.2.1",
	         "EV certificates must not contain iPAddress subjectAltNames.", NULL, NULL, ev, no_san_ip),
	BR2_CERT("e_ev_valid_time_too_long", BR2_E, PW_SRC_CABF_EV, "EVG 6.3.2",
	         "EV certificates issued before 2018-03-02 could be valid for at most 27 months.",
	         NULL, NULL, ev_old_applies, ev_27_months),
	BR2_CERT("e_onion_subject_validity_time_too_large", BR2_E, PW_SRC_CABF_EV, "BR Appendix B",
	         "Certificates for .onion names may be valid for at most 15 months.",
	         "2015-05-01", NULL, onion_subscriber, onion_validity),
};

const struct pw_lint_family pw_lint_family_br2_ev = { "br2_ev", defs, sizeof defs / sizeof defs[0] };
