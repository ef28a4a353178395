/* pkiward — community lints (awslabs certlint and others collected by
 * zlint): name hygiene that the BRs and RFC 5280 imply but do not spell out. */
#include <string.h>

#include "br2_defs.h"

/* ---- SAN / IAN dNSName hygiene (RFC 5280 §4.2.1.6, BR 7.1.4.2.1) ---- */

enum dns_rule { DNS_BARE_WILDCARD, DNS_NUL, DNS_LEADING_DOT, DNS_WILDCARD_NOT_FIRST, DNS_FEW_LABELS };

static int dns_breaks(const struct pw_der *v, enum dns_rule r)
{
	size_t dots = 0;
	switch (r) {
	case DNS_BARE_WILDCARD:
		return v->len > 0 && v->p[v->len - 1] == '*';
	case DNS_NUL:
		return br2_contains_byte(v->p, v->len, 0);
	case DNS_LEADING_DOT:
		return v->len > 0 && v->p[0] == '.';
	case DNS_WILDCARD_NOT_FIRST:
		return v->len > 1 && br2_contains_byte(v->p + 1, v->len - 1, '*');
	case DNS_FEW_LABELS:
		for (size_t i = 0; i < v->len; i++)
			dots += v->p[i] == '.';
		return dots < 2;
	}
	return 0;
}

static enum pw_lint_status check_names(const struct pw_general_names *g, enum dns_rule r,
                                       enum pw_lint_status sev, const char *what, char *d, size_t l)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && dns_breaks(&g->v[i].value, r)) {
			br2_details(d, l, "%s dNSName %zu %s", what, i,
			            r == DNS_BARE_WILDCARD ? "ends with a wildcard" :
			            r == DNS_NUL ? "contains a NUL byte" :
			            r == DNS_LEADING_DOT ? "starts with '.'" :
			            r == DNS_WILDCARD_NOT_FIRST ? "has '*' after its first character" :
			            "has fewer than three labels");
			return sev;
		}
	return PW_LINT_PASS;
}

static int has_san(const struct pw_lint_ctx *x) { return BR2_EXT(x->cert, EXT_SAN) != NULL; }
static int has_ian(const struct pw_lint_ctx *x) { return BR2_EXT(x->cert, EXT_IAN) != NULL; }

#define NAME_CHECK(fn, field, rule, sev, what) \
	static enum pw_lint_status fn(const struct pw_lint_ctx *x, char *d, size_t l) \
	{ return check_names(&x->cert->x.field.names, rule, sev, what, d, l); }
NAME_CHECK(san_bare_wildcard, san, DNS_BARE_WILDCARD, PW_LINT_ERROR, "SAN")
NAME_CHECK(san_nul, san, DNS_NUL, PW_LINT_ERROR, "SAN")
NAME_CHECK(san_dot, san, DNS_LEADING_DOT, PW_LINT_ERROR, "SAN")
NAME_CHECK(san_wildcard_first, san, DNS_WILDCARD_NOT_FIRST, PW_LINT_ERROR, "SAN")
NAME_CHECK(ian_bare_wildcard, ian, DNS_BARE_WILDCARD, PW_LINT_ERROR, "IAN")
NAME_CHECK(ian_nul, ian, DNS_NUL, PW_LINT_ERROR, "IAN")
NAME_CHECK(ian_dot, ian, DNS_LEADING_DOT, PW_LINT_ERROR, "IAN")
NAME_CHECK(ian_wildcard_first, ian, DNS_WILDCARD_NOT_FIRST, PW_LINT_ERROR, "IAN")
NAME_CHECK(ian_few_labels, ian, DNS_FEW_LABELS, PW_LINT_WARN, "IAN")
#undef NAME_CHECK

/* Open-addressing table for duplicate search: a power of two above twice
 * the most SAN entries a certificate may carry (PW_CERT_MAX_GENERAL_NAMES),
 * so the search stays linear even for hostile inputs. */
#define DUP_TABLE_SIZE 32768u
#define DUP_EMPTY 0xffffu
/* Up to this many entries, comparing pairs is cheaper than clearing the table. */
#define DUP_PAIRWISE_MAX 64

static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static int dns_equal_ci(const struct pw_der *a, const struct pw_der *b)
{
	if (a->len != b->len)
		return 0;
	for (size_t k = 0; k < a->len; k++)
		if (ascii_lower(a->p[k]) != ascii_lower(b->p[k]))
			return 0;
	return 1;
}

static enum pw_lint_status san_duplicate(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	uint16_t table[DUP_TABLE_SIZE];
	if (g->n <= DUP_PAIRWISE_MAX) {
		for (size_t i = 1; i < g->n; i++)
			for (size_t j = 0; j < i; j++)
				if (g->v[i].type == PW_GN_DNS && g->v[j].type == PW_GN_DNS &&
				    dns_equal_ci(&g->v[i].value, &g->v[j].value)) {
					br2_details(d, l, "SAN dNSName %zu repeats entry %zu", i, j);
					return PW_LINT_NOTICE;
				}
		return PW_LINT_PASS;
	}
	if (g->n >= DUP_TABLE_SIZE / 2) {
		br2_details(d, l, "too many SAN entries to examine");
		return PW_LINT_FATAL;
	}
	memset(table, 0xff, sizeof table);
	for (size_t i = 0; i < g->n; i++) {
		uint32_t h = 2166136261u;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		for (size_t k = 0; k < g->v[i].value.len; k++)
			h = (h ^ ascii_lower(g->v[i].value.p[k])) * 16777619u;
		for (uint32_t s = h & (DUP_TABLE_SIZE - 1);; s = (s + 1) & (DUP_TABLE_SIZE - 1)) {
			if (table[s] == DUP_EMPTY) {
				table[s] = (uint16_t)i;
				break;
			}
			if (dns_equal_ci(&g->v[i].value, &g->v[table[s]].value)) {
				br2_details(d, l, "SAN dNSName %zu repeats entry %u", i, (unsigned)table[s]);
				return PW_LINT_NOTICE;
			}
		}
	}
	return PW_LINT_PASS;
}

static int redacted(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == '*' && p[1] == '.') {
		p += 2;
		n -= 2;
	}
	return n >= 2 && p[0] == '?' && p[1] == '.';
}

static int is_subscriber(const struct pw_lint_ctx *x) { return pw_lint_is_subscriber(x); }

static enum pw_lint_status redacted_name(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	char cn[BR2_TEXT_MAX];
	size_t len = br2_subject_cn(x->cert, cn, sizeof cn);
	if (redacted((const uint8_t *)cn, len)) {
		br2_details(d, l, "commonName is a redacted name ('?.' label)");
		return PW_LINT_NOTICE;
	}
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && redacted(g->v[i].value.p, g->v[i].value.len)) {
			br2_details(d, l, "SAN dNSName %zu is a redacted name ('?.' label)", i);
			return PW_LINT_NOTICE;
		}
	return PW_LINT_PASS;
}

/* ---- Subject text ---- */

/* The subject fields examined for encoding accidents (first value of each). */
static const enum pw_oid text_fields[] = {
	PW_OID_GIVEN_NAME, PW_OID_SURNAME, PW_OID_CN, PW_OID_OU, PW_OID_O, PW_OID_L, PW_OID_ST,
	PW_OID_STREET, PW_OID_POSTAL_CODE, PW_OID_ORGANIZATION_IDENTIFIER, PW_OID_JURISDICTION_L,
	PW_OID_JURISDICTION_ST,
};

static int is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* "&name;" or "&#123;": a character reference left in by a web form. */
static int has_html_entity(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = i + 1, start;
		if (s[i] != '&')
			continue;
		if (k < n && s[k] == '#')
			k++;
		start = k;
		while (k < n && is_alnum(s[k]))
			k++;
		if (k > start && k < n && s[k] == ';')
			return 1;
	}
	return 0;
}

/* UTF-8 text of Latin-1 letters decoded as Windows-1252 and re-encoded: "Ã"
 * followed by the cp1252 character of the letter's second UTF-8 octet. */
static const char *const mojibake[] = {
	"\xc3\x83\xe2\x82\xac", "\xc3\x83\xe2\x80\x9a", "\xc3\x83\xc6\x92", "\xc3\x83\xe2\x80\x9e",
	"\xc3\x83\xe2\x80\xa6", "\xc3\x83\xe2\x80\xa0", "\xc3\x83\xe2\x80\xa1", "\xc3\x83\xcb\x86",
	"\xc3\x83\xe2\x80\xb0", "\xc3\x83\xc5\xa0", "\xc3\x83\xe2\x80\xb9", "\xc3\x83\xc5\x92",
	"\xc3\x83\xc5\xbd", "\xc3\x83\xe2\x80\x98", "\xc3\x83\xe2\x80\x99", "\xc3\x83\xe2\x80\x9c",
	"\xc3\x83\xe2\x80\x9d", "\xc3\x83\xe2\x80\xa2", "\xc3\x83\xe2\x80\x93", "\xc3\x83\xe2\x80\x94",
	"\xc3\x83\xcb\x9c", "\xc3\x83\xe2\x84\xa2", "\xc3\x83\xc5\xa1", "\xc3\x83\xe2\x80\xba",
	"\xc3\x83\xc5\x93", "\xc3\x83\xc5\xbe", "\xc3\x83\xc5\xb8", "\xc3\x83\xc2\xa1",
	"\xc3\x83\xc2\xa2", "\xc3\x83\xc2\xa3", "\xc3\x83\xc2\xa4", "\xc3\x83\xc2\xa5",
	"\xc3\x83\xc2\xa6", "\xc3\x83\xc2\xa7", "\xc3\x83\xc2\xa8", "\xc3\x83\xc2\xa9",
	"\xc3\x83\xc2\xaa", "\xc3\x83\xc2\xab", "\xc3\x83\xc2\xac", "\xc3\x83\xc2\xae",
	"\xc3\x83\xc2\xaf", "\xc3\x83\xc2\xb0", "\xc3\x83\xc2\xb1", "\xc3\x83\xc2\xb2",
	"\xc3\x83\xc2\xb3", "\xc3\x83\xc2\xb4", "\xc3\x83\xc2\xb5", "\xc3\x83\xc2\xb6",
	"\xc3\x83\xc2\xb7", "\xc3\x83\xc2\xb8", "\xc3\x83\xc2\xb9", "\xc3\x83\xc2\xba",
	"\xc3\x83\xc2\xbb", "\xc3\x83\xc2\xbc", "\xc3\x83\xc2\xbd", "\xc3\x83\xc2\xbe",
	"\xc3\x83\xc2\xbf",
};

static int has_mojibake(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if ((unsigned char)s[i] != 0xc3 || (unsigned char)s[i + 1] != 0x83)
			continue;
		for (size_t k = 0; k < sizeof mojibake / sizeof mojibake[0]; k++) {
			size_t m = strlen(mojibake[k]);
			if (i + m <= n && memcmp(s + i, mojibake[k], m) == 0)
				return 1;
		}
	}
	return 0;
}

static enum pw_lint_status scan_text_fields(const struct pw_cert *c, int (*bad)(const char *, size_t),
                                            const char *what, char *d, size_t l)
{
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const struct pw_attr *a = br2_name_first(&c->subject, text_fields[i]);
		size_t n;
		if (a == NULL)
			continue;
		n = br2_attr_text(a, v, sizeof v);
		if (bad(v, n)) {
			br2_details(d, l, "subject %s %s", pw_oid_name(text_fields[i]), what);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status html_entities(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return scan_text_fields(x->cert, has_html_entity, "contains an HTML character reference", d, l);
}

static enum pw_lint_status latin1_mixup(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return scan_text_fields(x->cert, has_mojibake,
	                        "contains UTF-8 text mis-decoded as Latin-1 (e.g. \"\xc3\x83\xc2\xa9\")", d, l);
}

static enum pw_lint_status country_upper(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_name *n = &x->cert->subject;
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len, k;
		if (n->attrs[i].id != PW_OID_C || !br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], v, sizeof v);
		for (k = 0; k < len && v[k] >= 'A' && v[k] <= 'Z'; k++)
			;
		if (len == 0 || k != len) {
			br2_details(d, l, "countryName '%.10s' is not upper-case A-Z", v);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status validity_positive(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->not_before > x->cert->not_after) {
		br2_details(d, l, "notBefore is later than notAfter");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- Names: multi-valued RDNs and whitespace ---- */

static int multi_valued_rdn(const struct pw_name *n)
{
	for (size_t i = 1; i < n->n_attrs; i++)
		if (n->attrs[i].rdn == n->attrs[i - 1].rdn)
			return 1;
	return 0;
}

static enum pw_lint_status subject_multi_rdn(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (multi_valued_rdn(&x->cert->subject)) {
		br2_details(d, l, "subject has an RDN with more than one attribute");
		return PW_LINT_NOTICE;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status issuer_multi_rdn(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (multi_valued_rdn(&x->cert->issuer)) {
		br2_details(d, l, "issuer has an RDN with more than one attribute");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* The X.520 name attributes (id-at 3-12, 17, 41-44, 46) whose values are
 * free text. */
static int is_x520_name_attr(enum pw_oid id)
{
	switch (id) {
	case PW_OID_CN: case PW_OID_SURNAME: case PW_OID_SERIAL_NUMBER: case PW_OID_C: case PW_OID_L:
	case PW_OID_ST: case PW_OID_STREET: case PW_OID_O: case PW_OID_OU: case PW_OID_TITLE:
	case PW_OID_POSTAL_CODE: case PW_OID_NAME: case PW_OID_GIVEN_NAME: case PW_OID_INITIALS:
	case PW_OID_GENERATION_QUALIFIER: case PW_OID_DN_QUALIFIER:
		return 1;
	default:
		return 0;
	}
}

/* Unicode White_Space code point. */
static int is_space_cp(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* Decodes one UTF-8 sequence at s[0..n); returns its length (0 if invalid). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

static int leading_space(const char *s, size_t n)
{
	uint32_t cp;
	return utf8_decode((const unsigned char *)s, n, &cp) > 0 && is_space_cp(cp);
}

static int trailing_space(const char *s, size_t n)
{
	uint32_t cp;
	size_t start = n;
	if (n == 0)
		return 0;
	while (start > 0 && n - start < 4) {
		start--;
		if (((unsigned char)s[start] & 0xc0) != 0x80)
			break;
	}
	return utf8_decode((const unsigned char *)s + start, n - start, &cp) == n - start && is_space_cp(cp);
}

static enum pw_lint_status whitespace(const struct pw_name *n, int (*test)(const char *, size_t),
                                      const char *what, char *d, size_t l)
{
	char v[BR2_TEXT_MAX];
	for (size_t i = 0; i < n->n_attrs; i++) {
		size_t len;
		if (!is_x520_name_attr(n->attrs[i].id) || !br2_attr_is_string(&n->attrs[i]))
			continue;
		len = br2_attr_text(&n->attrs[i], v, sizeof v);
		if (test(v, len)) {
			br2_details(d, l, "%s %s", pw_oid_name(n->attrs[i].id), what);
			return PW_LINT_WARN;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status subject_leading(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return whitespace(&x->cert->subject, leading_space, "in the subject starts with whitespace", d, l);
}

static enum pw_lint_status subject_trailing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return whitespace(&x->cert->subject, trailing_space, "in the subject ends with whitespace", d, l);
}

static enum pw_lint_status issuer_leading(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return whitespace(&x->cert->issuer, leading_space, "in the issuer starts with whitespace", d, l);
}

static enum pw_lint_status issuer_trailing(const struct pw_lint_ctx *x, char *d, size_t l)
{
	return whitespace(&x->cert->issuer, trailing_space, "in the issuer ends with whitespace", d, l);
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_san_bare_wildcard", BR2_E, PW_SRC_COMMUNITY, "RFC 6125 §6.4.3",
	         "A SAN dNSName must not end with a bare wildcard.", NULL, NULL, has_san, san_bare_wildcard),
	BR2_CERT("e_san_dns_name_includes_null_char", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.6",
	         "A SAN dNSName must not contain a NUL byte.", NULL, NULL, has_san, san_nul),
	BR2_CERT("e_san_dns_name_starts_with_period", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.6",
	         "A SAN dNSName must not start with a period.", NULL, NULL, has_san, san_dot),
	BR2_CERT("e_san_wildcard_not_first", BR2_E, PW_SRC_COMMUNITY, "RFC 6125 §6.4.3",
	         "A wildcard may only be the first character of a SAN dNSName.", NULL, NULL, has_san,
	         san_wildcard_first),
	BR2_CERT("n_san_dns_name_duplicate", BR2_N, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.6",
	         "The same dNSName (ignoring case) appears twice in subjectAltName.", NULL, NULL, has_san,
	         san_duplicate),
	BR2_CERT("e_ian_bare_wildcard", BR2_E, PW_SRC_COMMUNITY, "RFC 6125 §6.4.3",
	         "An IAN dNSName must not end with a bare wildcard.", NULL, NULL, has_ian, ian_bare_wildcard),
	BR2_CERT("e_ian_dns_name_includes_null_char", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.7",
	         "An IAN dNSName must not contain a NUL byte.", NULL, NULL, has_ian, ian_nul),
	BR2_CERT("e_ian_dns_name_starts_with_period", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.7",
	         "An IAN dNSName must not start with a period.", NULL, NULL, has_ian, ian_dot),
	BR2_CERT("e_ian_wildcard_not_first", BR2_E, PW_SRC_COMMUNITY, "RFC 6125 §6.4.3",
	         "A wildcard may only be the first character of an IAN dNSName.", NULL, NULL, has_ian,
	         ian_wildcard_first),
	BR2_CERT("w_ian_iana_pub_suffix_empty", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.2.1.7",
	         "An IAN dNSName with fewer than three labels likely names only a public suffix.",
	         NULL, NULL, has_ian, ian_few_labels),
	BR2_CERT("n_contains_redacted_dnsname", BR2_N, PW_SRC_COMMUNITY, "draft-ietf-trans-redaction",
	         "A name with a leading \"?\" label is a redacted CT name.", NULL, NULL, is_subscriber,
	         redacted_name),
	BR2_CERT("e_subj_contains_html_entities", BR2_E, PW_SRC_COMMUNITY, "BR 7.1.4.2.2",
	         "Subject values must not contain HTML character references such as \"&amp;\".",
	         NULL, NULL, NULL, html_entities),
	BR2_CERT("e_utf8_latin1_mixup", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.6",
	         "Subject values must not contain UTF-8 text that was mis-decoded as Latin-1 and "
	         "re-encoded.", NULL, NULL, NULL, latin1_mixup),
	BR2_CERT("e_subj_country_not_uppercase", BR2_E, PW_SRC_COMMUNITY, "ISO 3166-1 §5.1",
	         "Country codes are written in upper-case letters A-Z.", NULL, NULL, NULL, country_upper),
	BR2_CERT("e_validity_time_not_positive", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.5",
	         "notBefore must not be later than notAfter.", NULL, NULL, NULL, validity_positive),
	BR2_CERT("n_multiple_subject_rdn", BR2_N, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.4",
	         "A subject RDN holding several attributes is unusual and often mishandled.",
	         NULL, NULL, NULL, subject_multi_rdn),
	BR2_CERT("w_multiple_issuer_rdn", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.4",
	         "An issuer RDN holding several attributes is unusual and often mishandled.",
	         NULL, NULL, NULL, issuer_multi_rdn),
	BR2_CERT("w_subject_dn_leading_whitespace", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.6",
	         "Subject attribute values should not start with whitespace.", NULL, NULL, NULL,
	         subject_leading),
	BR2_CERT("w_subject_dn_trailing_whitespace", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.6",
	         "Subject attribute values should not end with whitespace.", NULL, NULL, NULL,
	         subject_trailing),
	BR2_CERT("w_issuer_dn_leading_whitespace", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.4",
	         "Issuer attribute values should not start with whitespace.", NULL, NULL, NULL,
	         issuer_leading),
	BR2_CERT("w_issuer_dn_trailing_whitespace", BR2_W, PW_SRC_COMMUNITY, "RFC 5280 §4.1.2.4",
	         "Issuer attribute values should not end with whitespace.", NULL, NULL, NULL,
	         issuer_trailing),
};

const struct pw_lint_family pw_lint_family_br2_community = {
	"br2_community", defs, sizeof defs / sizeof defs[0]
};
