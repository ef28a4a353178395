/* pkiward — BR lints on the subject distinguished name of TLS certificates
 * (BR 7.1.4.2 of BR 1.x, 7.1.2.7.2-4 and 7.1.4 of BR 2.x). */
#include <string.h>

#include "br2_defs.h"

static int is_subscriber(const struct pw_lint_ctx *x) { return pw_lint_is_subscriber(x); }
static int not_ca(const struct pw_lint_ctx *x) { return !x->cert->is_ca; }

/* Organisation or natural-person identity present (BR 7.1.4.2.2 (b)-(g)
 * condition the address fields on it). */
static int has_org_or_person(const struct pw_cert *c)
{
	return br2_name_count_str(&c->subject, PW_OID_O) > 0 ||
	       br2_name_count_str(&c->subject, PW_OID_GIVEN_NAME) > 0 ||
	       br2_name_count_str(&c->subject, PW_OID_SURNAME) > 0;
}

static size_t nstr(const struct pw_cert *c, enum pw_oid id)
{
	return br2_name_count_str(&c->subject, id);
}

static enum pw_lint_status country_must_appear(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (has_org_or_person(x->cert) && nstr(x->cert, PW_OID_C) == 0) {
		br2_details(d, l, "subject has an organisation or person name but no countryName");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status locality_must_appear(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	if (has_org_or_person(c) && nstr(c, PW_OID_ST) == 0 && nstr(c, PW_OID_L) == 0) {
		br2_details(d, l, "subject has an organisation or person name but neither localityName "
		                  "nor stateOrProvinceName");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status province_must_appear(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return locality_must_appear(x, d, l);
}

static enum pw_lint_status must_not_appear(const struct pw_cert *c, enum pw_oid id, char *d, size_t l)
{
	if (!has_org_or_person(c) && nstr(c, id) > 0) {
		br2_details(d, l, "subject %s is present without an organisation or person name",
		            pw_oid_name(id));
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status locality_must_not(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return must_not_appear(x->cert, PW_OID_L, d, l);
}

static enum pw_lint_status province_must_not(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return must_not_appear(x->cert, PW_OID_ST, d, l);
}

static enum pw_lint_status postal_must_not(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return must_not_appear(x->cert, PW_OID_POSTAL_CODE, d, l);
}

static enum pw_lint_status street_must_not(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return must_not_appear(x->cert, PW_OID_STREET, d, l);
}

static int subscriber_with_person(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) &&
	       (nstr(x->cert, PW_OID_GIVEN_NAME) > 0 || nstr(x->cert, PW_OID_SURNAME) > 0);
}

static enum pw_lint_status person_needs_iv(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_has_policy(x->cert, PW_OID_CABF_IV))
		return PW_LINT_PASS;
	br2_details(d, l, "givenName/surname present without the individual-validated policy 2.23.140.1.2.3");
	return PW_LINT_ERROR;
}

/* ---- commonName (BR 7.1.4.2.2 (a) / 7.1.4.3) ---- */

static int cn_matches_san(const struct pw_cert *c, const char *cn, size_t cn_len, int fold)
{
	const struct pw_general_names *g = &c->x.san.names;
	char ip[64];
	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i].type == PW_GN_DNS && g->v[i].value.len == cn_len) {
			if (!fold && memcmp(g->v[i].value.p, cn, cn_len) == 0)
				return 1;
			if (fold && pw_lint_der_eq_ci(&g->v[i].value, cn))
				return 1;
		}
	}
	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i].type != PW_GN_IP)
			continue;
		br2_format_ip(g->v[i].value.p, g->v[i].value.len, ip, sizeof ip);
		if (ip[0] != '\0' && strlen(ip) == cn_len && memcmp(ip, cn, cn_len) == 0)
			return 1;
	}
	return 0;
}

static int has_cn_not_ca(const struct pw_lint_ctx *x)
{
	return nstr(x->cert, PW_OID_CN) > 0 && !x->cert->is_ca;
}

static enum pw_lint_status cn_exactly_from_san(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	char cn[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len;
		if (n->attrs[i].id != PW_OID_CN || !br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], cn, sizeof cn);
		if (!cn_matches_san(x->cert, cn, len, 0)) {
			br2_details(d, l, "commonName '%.100s' is not a subjectAltName entry", cn);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int nonempty_cn_not_ca(const struct pw_lint_ctx *x)
{
	char cn[BR2_TEXT_MAX];
	return !x->cert->is_ca && br2_subject_cn(x->cert, cn, sizeof cn) > 0;
}

static enum pw_lint_status cn_from_san(const struct pw_lint_ctx *x, char *d, size_t l)
{
	char cn[BR2_TEXT_MAX];
	size_t len = br2_subject_cn(x->cert, cn, sizeof cn);
	if (cn_matches_san(x->cert, cn, len, 1))
		return PW_LINT_PASS;
	br2_details(d, l, "commonName '%.100s' is not a subjectAltName entry", cn);
	return PW_LINT_ERROR;
}

static enum pw_lint_status cn_included_n(const struct pw_lint_ctx *x, char *d, size_t l)
{
	char cn[BR2_TEXT_MAX];
	if (br2_subject_cn(x->cert, cn, sizeof cn) == 0)
		return PW_LINT_PASS;
	br2_details(d, l, "subject commonName is deprecated");
	return PW_LINT_NOTICE;
}

static enum pw_lint_status cn_included_w(const struct pw_lint_ctx *x, char *d, size_t l)
{
	char cn[BR2_TEXT_MAX];
	if (br2_subject_cn(x->cert, cn, sizeof cn) == 0)
		return PW_LINT_PASS;
	br2_details(d, l, "subject commonName is NOT RECOMMENDED");
	return PW_LINT_WARN;
}

static enum pw_lint_status extra_cns(const struct pw_lint_ctx *x, char *d, size_t l)
{
	size_t n = nstr(x->cert, PW_OID_CN);
	if (n > 1) {
		br2_details(d, l, "subject has %zu commonName attributes", n);
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static int reserved_ip_applies(const struct pw_lint_ctx *x)
{
	return x->cert->not_after > br2_date(2015, 11, 1);
}

static enum pw_lint_status cn_reserved_ip(const struct pw_lint_ctx *x, char *d, size_t l)
{
	char cn[BR2_TEXT_MAX];
	uint8_t ip[16];
	size_t len = br2_subject_cn(x->cert, cn, sizeof cn);
	if (br2_parse_ip(cn, len, ip) && br2_ip_is_reserved(ip)) {
		br2_details(d, l, "commonName %.60s is a reserved IP address", cn);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- Other attributes ---- */

static enum pw_lint_status noninformational(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len, k;
		if (!br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], v, sizeof v);
		for (k = 0; k < len; k++) {
			unsigned char ch = (unsigned char)v[k];
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			    ch > 127)
				break;
		}
		if (k == len) {
			br2_details(d, l, "subject %s holds only metadata ('%.40s')", pw_oid_name(n->attrs[i].id), v);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int has_ou(const struct pw_lint_ctx *x)
{
	return pw_lint_name_has(&x->cert->subject, PW_OID_OU);
}

static enum pw_lint_status ou_needs_o(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (pw_lint_name_has(&x->cert->subject, PW_OID_O))
		return PW_LINT_PASS;
	br2_details(d, l, "subject organizationalUnitName is prohibited without organizationName");
	return PW_LINT_ERROR;
}

static enum pw_lint_status country_iso(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len;
		if (n->attrs[i].id != PW_OID_C || !br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], v, sizeof v);
		if (!br2_is_iso_country((const uint8_t *)v, len)) {
			br2_details(d, l, "subject countryName '%.20s' is not an ISO 3166-1 code", v);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status st_l_control(const struct pw_lint_ctx *x, char *d, size_t l)
{
	static const char bad[] = "=:{};\"|\\[]";
	const struct pw_name *n = &x->cert->subject;
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len;
		if ((n->attrs[i].id != PW_OID_ST && n->attrs[i].id != PW_OID_L) || !br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], v, sizeof v);
		for (size_t k = 0; k < len; k++)
			if (v[k] != '\0' && strchr(bad, v[k]) != NULL) {
				br2_details(d, l, "subject %s contains the character '%c'",
				            pw_oid_name(n->attrs[i].id), v[k]);
				return PW_LINT_ERROR;
			}
	}
	return PW_LINT_PASS;
}

/* BR 7.1.4 tables: which string types each attribute may use. */
enum { ENC_PRINTABLE = 1, ENC_PRINTABLE_UTF8, ENC_IA5 };

static int required_encoding(enum pw_oid id)
{
	switch (id) {
	case PW_OID_DOMAIN_COMPONENT:
		return ENC_IA5;
	case PW_OID_C: case PW_OID_JURISDICTION_C: case PW_OID_SERIAL_NUMBER:
		return ENC_PRINTABLE;
	case PW_OID_ST: case PW_OID_L: case PW_OID_POSTAL_CODE: case PW_OID_STREET: case PW_OID_O:
	case PW_OID_SURNAME: case PW_OID_GIVEN_NAME: case PW_OID_OU: case PW_OID_CN:
	case PW_OID_BUSINESS_CATEGORY: case PW_OID_JURISDICTION_ST: case PW_OID_JURISDICTION_L:
	case PW_OID_ORGANIZATION_IDENTIFIER:
		return ENC_PRINTABLE_UTF8;
	default:
		return 0;
	}
}

static enum pw_lint_status rdn_encoding(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	for (size_t i = 0; i < n->n_attrs; i++) {
		uint32_t t = n->attrs[i].tag;
		int ok;
		switch (required_encoding(n->attrs[i].id)) {
		case ENC_IA5: ok = t == PW_DER_IA5_STRING; break;
		case ENC_PRINTABLE: ok = t == PW_DER_PRINTABLE_STRING; break;
		case ENC_PRINTABLE_UTF8: ok = t == PW_DER_PRINTABLE_STRING || t == PW_DER_UTF8_STRING; break;
		default: ok = 1; break;
		}
		if (!ok) {
			br2_details(d, l, "subject %s is encoded as %s", pw_oid_name(n->attrs[i].id),
			            pw_der_tag_name(t));
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int has_san(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_SAN) != NULL;
}

static enum pw_lint_status san_critical_with_dn(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (BR2_EXT(x->cert, EXT_SAN)->critical && x->cert->subject.n_attrs > 0) {
		br2_details(d, l, "subjectAltName is critical although the subject is not empty");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* ---- Reverse-DNS names under .arpa (BR 7.1.4.2.1, RFC 3596 §2.5) ---- */

#define ARPA_V4_LABELS 4
#define ARPA_V6_LABELS 32

static int arpa_kind(const uint8_t *p, size_t n)
{
	if (br2_has_suffix_ci(p, n, ".in-addr.arpa"))
		return 4;
	if (br2_has_suffix_ci(p, n, ".ip6.arpa"))
		return 6;
	return 0;
}

static int arpa_applies(const struct pw_lint_ctx *x)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	char cn[BR2_TEXT_MAX];
	size_t len = br2_subject_cn(x->cert, cn, sizeof cn);
	if (arpa_kind((const uint8_t *)cn, len))
		return 1;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && arpa_kind(g->v[i].value.p, g->v[i].value.len))
			return 1;
	return 0;
}

/* Reads the labels left of the .arpa zone into the forward address text.
 * Returns -1 on a wrong label count, 0 when they do not form an address,
 * 1 with out[16] filled (and *family 4 or 6). */
static int arpa_address(const uint8_t *p, size_t n, int kind, uint8_t out[16], int *family)
{
	size_t zone = kind == 4 ? strlen(".in-addr.arpa") : strlen(".ip6.arpa");
	size_t body = n - zone, want = kind == 4 ? ARPA_V4_LABELS : ARPA_V6_LABELS;
	const uint8_t *lab[ARPA_V6_LABELS];
	size_t lablen[ARPA_V6_LABELS], count = 0, start = 0;
	char text[512];
	size_t t = 0;
	for (size_t i = 0; i <= body; i++) {
		if (i == body || p[i] == '.') {
			if (count < want) {
				lab[count] = p + start;
				lablen[count] = i - start;
			}
			count++;
			start = i + 1;
		}
	}
	if (count != want)
		return -1;
	for (size_t i = want; i > 0; i--) {
		if (t + lablen[i - 1] + 2 >= sizeof text)
			return 0;
		for (size_t k = 0; k < lablen[i - 1]; k++) {
			uint8_t ch = lab[i - 1][k];
			text[t++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		if (kind == 4 && i > 1)
			text[t++] = '.';
		if (kind == 6 && (i - 1) % 4 == 0 && i > 1)
			text[t++] = ':';
	}
	*family = br2_parse_ip(text, t, out);
	return *family != 0;
}

static int is_v4_mapped(const uint8_t ip[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(ip, prefix, 12) == 0;
}

static enum pw_lint_status arpa_reserved(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++) {
		uint8_t ip[16];
		int kind, family = 0;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		kind = arpa_kind(g->v[i].value.p, g->v[i].value.len);
		if (kind == 0 || arpa_address(g->v[i].value.p, g->v[i].value.len, kind, ip, &family) != 1)
			continue;
		if (kind == 6 && is_v4_mapped(ip)) {
			br2_details(d, l, "SAN %zu: ip6.arpa name encodes an IPv4 address", i);
			return PW_LINT_ERROR;
		}
		if (br2_ip_is_reserved(ip)) {
			br2_details(d, l, "SAN %zu: reverse-DNS name of a reserved IP address", i);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status arpa_malformed(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++) {
		uint8_t ip[16];
		int kind, family = 0, r;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		kind = arpa_kind(g->v[i].value.p, g->v[i].value.len);
		if (kind == 0)
			continue;
		r = arpa_address(g->v[i].value.p, g->v[i].value.len, kind, ip, &family);
		if (r == -1) {
			br2_details(d, l, "SAN %zu: wrong number of labels for a reverse-DNS name", i);
			return PW_LINT_WARN;
		}
		if (r == 0) {
			br2_details(d, l, "SAN %zu: labels do not form a reversed IP address", i);
			return PW_LINT_WARN;
		}
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_sub_cert_country_name_must_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "countryName is required when the subject names an organisation or a person.",
	         "2016-09-07", NULL, is_subscriber, country_must_appear),
	BR2_CERT("e_sub_cert_locality_name_must_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "localityName is required when the subject names an organisation or a person and has "
	         "no stateOrProvinceName.", "2016-09-07", NULL, is_subscriber, locality_must_appear),
	BR2_CERT("e_sub_cert_province_must_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "stateOrProvinceName is required when the subject names an organisation or a person "
	         "and has no localityName.", "2016-09-07", NULL, is_subscriber, province_must_appear),
	BR2_CERT("e_sub_cert_locality_name_must_not_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "localityName is prohibited when the subject names neither an organisation nor a person.",
	         "2016-09-07", NULL, is_subscriber, locality_must_not),
	BR2_CERT("e_sub_cert_province_must_not_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "stateOrProvinceName is prohibited when the subject names neither an organisation nor "
	         "a person.", "2016-09-07", NULL, is_subscriber, province_must_not),
	BR2_CERT("e_sub_cert_postal_code_must_not_appear", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "postalCode is prohibited when the subject names neither an organisation nor a person.",
	         "2016-09-07", NULL, is_subscriber, postal_must_not),
	BR2_CERT("e_sub_cert_street_address_should_not_exist", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "streetAddress is prohibited when the subject names neither an organisation nor a person.",
	         "2016-09-07", NULL, is_subscriber, street_must_not),
	BR2_CERT("e_sub_cert_given_name_surname_contains_correct_policy", BR2_E, PW_SRC_CABF_BR,
	         "BR 7.1.4.2.2", "A subject with givenName or surname must be individual-validated "
	         "(policy 2.23.140.1.2.3).", "2016-09-07", NULL, subscriber_with_person, person_needs_iv),
	BR2_CERT("e_subject_common_name_not_exactly_from_san", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "Every subject commonName must be a character-for-character copy of a dNSName or the "
	         "text of an iPAddress in subjectAltName.", "2021-08-25", NULL, has_cn_not_ca,
	         cn_exactly_from_san),
	BR2_CERT("e_subject_common_name_not_from_san", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "The subject commonName must be one of the subjectAltName values.",
	         "2012-07-01", "2021-08-25", nonempty_cn_not_ca, cn_from_san),
	BR2_CERT("n_subject_common_name_included", BR2_N, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "The subject commonName of a subscriber certificate is deprecated.",
	         "2012-07-01", "2023-09-15", not_ca, cn_included_n),
	BR2_CERT("w_subject_common_name_included", BR2_W, PW_SRC_CABF_BR, "BR 7.1.2.7.1",
	         "The subject commonName of a subscriber certificate is NOT RECOMMENDED.",
	         "2023-09-15", NULL, is_subscriber, cn_included_w),
	BR2_CERT("w_extra_subject_common_names", BR2_W, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "A subscriber subject should hold at most one commonName.",
	         "2012-07-01", NULL, is_subscriber, extra_cns),
	BR2_CERT("e_subject_contains_reserved_ip", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.1",
	         "Certificates expiring after 2015-11-01 must not name a reserved IP address in the "
	         "subject commonName.", "2012-07-01", NULL, reserved_ip_applies, cn_reserved_ip),
	BR2_CERT("e_subject_contains_noninformational_value", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "Subject attributes must carry verified information, not placeholders made only of "
	         "punctuation or spaces.", "2012-07-01", NULL, NULL, noninformational),
	BR2_CERT("e_subject_contains_organizational_unit_name_and_no_organization_name", BR2_E,
	         PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "subject organizationalUnitName is prohibited when organizationName is absent.",
	         "2021-08-16", NULL, has_ou, ou_needs_o),
	BR2_CERT("e_subject_country_not_iso", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.2",
	         "subject countryName must be an ISO 3166-1 two-letter code.",
	         "2012-07-01", NULL, NULL, country_iso),
	BR2_CERT("e_state_or_province_name_must_not_contain_control_characters", BR2_E, PW_SRC_CABF_BR,
	         "BR 3.2.2.1", "stateOrProvinceName and localityName must not contain the characters "
	         "= : { } ; \" | \\ [ ].", "2012-07-01", NULL, NULL, st_l_control),
	BR2_CERT("e_subject_rdns_correct_encoding", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4",
	         "Subject attributes must use the string types BR 7.1.4 assigns (PrintableString for "
	         "country and serial numbers, IA5String for domainComponent, PrintableString or "
	         "UTF8String for the others).", "2023-09-15", NULL, NULL, rdn_encoding),
	BR2_CERT("w_ext_san_critical_with_subject_dn", BR2_W, PW_SRC_CABF_BR, "RFC 5280 §4.2.1.6",
	         "subjectAltName should not be critical when the subject name is not empty.",
	         "2008-05-01", NULL, has_san, san_critical_with_dn),
	BR2_CERT("e_subject_contains_reserved_arpa_ip", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.1",
	         "A reverse-DNS name under in-addr.arpa or ip6.arpa must not stand for a reserved IP address.",
	         "2012-07-01", NULL, arpa_applies, arpa_reserved),
	BR2_CERT("w_subject_contains_malformed_arpa_ip", BR2_W, PW_SRC_CABF_BR, "BR 3.2.2.6",
	         "A name under in-addr.arpa or ip6.arpa should have the right number of labels and "
	         "encode a valid reversed IP address.", "2012-07-01", NULL, arpa_applies, arpa_malformed),
};

const struct pw_lint_family pw_lint_family_br2_subject = {
	"br2_subject", defs, sizeof defs / sizeof defs[0]
};
