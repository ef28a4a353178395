/* pkiward — BR lints on the DNS names of subscriber certificates: .onion
 * names (BR Appendix B, formerly Appendix C), underscores (BR 7.1.4.2.1, ballot
 * SC12) and wildcards against the Public Suffix List (BR 3.2.2.6). */
#include <string.h>

#include "br2_defs.h"

/* Calls fn on every SAN dNSName, and on the subject commonName when
 * with_cn. Stops at the first non-zero return and passes it back. */
typedef int (*name_fn)(const uint8_t *p, size_t n, int is_cn, void *arg);

static int for_each_name(const struct pw_cert *c, int with_cn, name_fn fn, void *arg)
{
	const struct pw_general_names *g = &c->x.san.names;
	int r;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && (r = fn(g->v[i].value.p, g->v[i].value.len, 0, arg)) != 0)
			return r;
	if (with_cn) {
		char cn[BR2_TEXT_MAX];
		size_t len = br2_subject_cn(c, cn, sizeof cn);
		return fn((const uint8_t *)cn, len, 1, arg);
	}
	return 0;
}

static int has_dns_san(const struct pw_cert *c)
{
	const struct pw_general_names *g = &c->x.san.names;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS)
			return 1;
	return 0;
}

/* zlint DNSNamesExist: a commonName or a SAN dNSName. */
static int dns_names_exist(const struct pw_cert *c)
{
	char cn[BR2_TEXT_MAX];
	return br2_subject_cn(c, cn, sizeof cn) > 0 || has_dns_san(c);
}

/* ---- .onion (RFC 7686, BR Appendix B) ---- */

#define ONION_V2_LEN 16
#define ONION_V3_LEN 56

static int onion_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	(void)is_cn;
	(void)arg;
	return br2_has_suffix(p, n, ".onion");
}

/* A name of the certificate (SAN dNSName or commonName) ends in ".onion". */
static int has_onion(const struct pw_cert *c)
{
	return for_each_name(c, 1, onion_fn, NULL);
}

static int onion_applies(const struct pw_lint_ctx *x) { return has_onion(x->cert); }

struct onion_check {
	int ev;
	char *d;
	size_t l;
};

static int onion_invalid_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	struct onion_check *o = arg;
	size_t end, start;
	(void)is_cn;
	if (!br2_has_suffix(p, n, ".onion"))
		return 0;
	end = n - strlen(".onion");
	start = end;
	while (start > 0 && p[start - 1] != '.')
		start--;
	if (end - start == ONION_V2_LEN) {
		if (!o->ev) {
			br2_details(o->d, o->l, "%.*s is a v2 onion address in a non-EV certificate", (int)n, p);
			return 1;
		}
	} else if (end - start != ONION_V3_LEN) {
		br2_details(o->d, o->l, "%.*s is neither a v2 nor a v3 onion address", (int)n, p);
		return 1;
	}
	for (size_t i = start; i < end; i++) {
		uint8_t ch = p[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7'))) {
			br2_details(o->d, o->l, "%.*s has characters outside base32", (int)n, p);
			return 1;
		}
	}
	return 0;
}

static enum pw_lint_status onion_invalid(const struct pw_lint_ctx *x, char *d, size_t l)
{
	struct onion_check o = { br2_is_ev(x->cert), d, l };
	return for_each_name(x->cert, 1, onion_invalid_fn, &o) ? PW_LINT_ERROR : PW_LINT_PASS;
}

static int onion_not_ev_applies(const struct pw_lint_ctx *x)
{
	return x->cert->not_before < br2_date(2020, 3, 27) && pw_lint_is_subscriber(x) && has_onion(x->cert);
}

static enum pw_lint_status onion_not_ev(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (br2_is_ev(x->cert))
		return PW_LINT_PASS;
	br2_details(d, l, "certificate names a .onion domain but is not EV");
	return PW_LINT_ERROR;
}

/* ---- Underscores (BR 7.1.4.2.1; ballot SC12 sunset 2019-04-01) ---- */

static int subscriber_with_names(const struct pw_lint_ctx *x)
{
	return pw_lint_is_subscriber(x) && dns_names_exist(x->cert);
}

static int underscore_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	(void)is_cn;
	(void)arg;
	return br2_contains_byte(p, n, '_');
}

static enum pw_lint_status no_underscore(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (for_each_name(x->cert, 0, underscore_fn, NULL)) {
		br2_details(d, l, "a SAN dNSName contains '_'");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int underscore_replaced_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	uint8_t label[PW_LINT_DNS_LABEL_MAX + 2];
	size_t start = 0;
	(void)is_cn;
	(void)arg;
	for (size_t i = 0; i <= n; i++) {
		size_t len;
		if (i < n && p[i] != '.')
			continue;
		len = i - start;
		if (br2_contains_byte(p + start, len, '_') && !(len == 1 && p[start] == '*')) {
			if (len > PW_LINT_DNS_LABEL_MAX)
				return 1;
			for (size_t k = 0; k < len; k++)
				label[k] = p[start + k] == '_' ? '-' : p[start + k];
			if (!pw_lint_is_ldh_label(label, len))
				return 1;
		}
		start = i + 1;
	}
	return 0;
}

static enum pw_lint_status underscore_replaced(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (for_each_name(x->cert, 0, underscore_replaced_fn, NULL)) {
		br2_details(d, l, "a label with '_' is not a valid LDH label once '_' becomes '-'");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

#define UNDERSCORE_MAX_DAYS 30

static int underscore_long_applies(const struct pw_lint_ctx *x)
{
	return subscriber_with_names(x) &&
	       br2_add_date(x->cert->not_before, 0, 0, UNDERSCORE_MAX_DAYS) <= x->cert->not_after;
}

static enum pw_lint_status underscore_long(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (for_each_name(x->cert, 0, underscore_fn, NULL)) {
		br2_details(d, l, "a SAN dNSName contains '_' and the certificate is valid for 30 days or more");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- Public Suffix List based checks ---- */

/* Result of examining one name against the PSL: 0 nothing, 1 finding,
 * 2 the name does not parse (the lint is then NA, as zlint decides). */
enum { PSL_OK = 0, PSL_FOUND = 1, PSL_UNPARSED = 2 };

static int wildcard_sld_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	const uint8_t *sld;
	size_t sl, tl;
	int suffix;
	(void)arg;
	if (is_cn) {
		uint8_t ip[16];
		if (n == 0 || br2_parse_ip((const char *)p, n, ip))
			return PSL_OK;
	}
	if (!br2_psl_parse(p, n, &sld, &sl, &tl, &suffix))
		return PSL_UNPARSED;
	return sl == 1 && sld[0] == '*' ? PSL_FOUND : PSL_OK;
}

/* zlint examines the commonName first, then the SAN entries. */
static int psl_walk(const struct pw_cert *c, name_fn fn)
{
	char cn[BR2_TEXT_MAX];
	size_t len = br2_subject_cn(c, cn, sizeof cn);
	const struct pw_general_names *g = &c->x.san.names;
	int r = fn((const uint8_t *)cn, len, 1, NULL);
	if (r != PSL_OK)
		return r;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && (r = fn(g->v[i].value.p, g->v[i].value.len, 0, NULL)) != 0)
			return r;
	return PSL_OK;
}

static enum pw_lint_status wildcard_left_of_suffix(const struct pw_lint_ctx *x, char *d, size_t l)
{
	switch (psl_walk(x->cert, wildcard_sld_fn)) {
	case PSL_FOUND:
		br2_details(d, l, "a wildcard stands directly left of a public suffix");
		return PW_LINT_NOTICE;
	case PSL_UNPARSED:
		return PW_LINT_NA;
	default:
		return PW_LINT_PASS;
	}
}

static int underscore_trd_fn(const uint8_t *p, size_t n, int is_cn, void *arg)
{
	const uint8_t *sld;
	size_t sl, tl;
	int suffix;
	(void)arg;
	if (is_cn) {
		uint8_t ip[16];
		if (n == 0 || br2_parse_ip((const char *)p, n, ip))
			return PSL_OK;
	}
	if (!br2_psl_parse(p, n, &sld, &sl, &tl, &suffix))
		return PSL_UNPARSED;
	return br2_contains_byte(p, tl, '_') ? PSL_FOUND : PSL_OK;
}

static enum pw_lint_status underscore_in_trd(const struct pw_lint_ctx *x, char *d, size_t l)
{
	switch (psl_walk(x->cert, underscore_trd_fn)) {
	case PSL_FOUND:
		br2_details(d, l, "'_' appears left of the registrable domain");
		return PW_LINT_WARN;
	case PSL_UNPARSED:
		return PW_LINT_NA;
	default:
		return PW_LINT_PASS;
	}
}

static int has_san(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_SAN) != NULL;
}

static enum pw_lint_status san_bare_suffix(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_general_names *g = &x->cert->x.san.names;
	size_t bad = 0;
	for (size_t i = 0; i < g->n; i++) {
		const uint8_t *sld;
		size_t sl, tl;
		int suffix;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		if (!br2_psl_parse(g->v[i].value.p, g->v[i].value.len, &sld, &sl, &tl, &suffix) && suffix)
			bad++;
	}
	if (bad > 0) {
		br2_details(d, l, "%zu SAN dNSName(s) are bare public suffixes", bad);
		return PW_LINT_NOTICE;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_san_dns_name_onion_invalid", BR2_E, PW_SRC_CABF_BR, "BR Appendix B",
	         "A .onion name must have a label left of \"onion\" that is a v3 onion address (or a v2 "
	         "one in an EV certificate) written in base32.", "2015-05-01", NULL, onion_applies,
	         onion_invalid),
	BR2_CERT("e_san_dns_name_onion_not_ev_cert", BR2_E, PW_SRC_CABF_BR, "BR Appendix B",
	         "Before BR 1.6.9 a certificate naming a .onion domain had to be an EV certificate.",
	         "2015-05-01", NULL, onion_not_ev_applies, onion_not_ev),
	BR2_CERT("e_underscore_not_permissible_in_dnsname", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.1",
	         "Since 2019-04-01 SAN dNSNames must not contain underscores.",
	         "2019-04-01", NULL, subscriber_with_names, no_underscore),
	BR2_CERT("e_underscore_permissible_in_dnsname_if_valid_when_replaced", BR2_E, PW_SRC_CABF_BR,
	         "BR 7.1.4.2.1", "Until 2019-04-01 a dNSName label could contain '_' only if it became "
	         "a valid LDH label with '_' replaced by '-'.", "2018-12-10", "2019-04-01",
	         subscriber_with_names, underscore_replaced),
	BR2_CERT("e_underscore_present_with_too_long_validity", BR2_E, PW_SRC_CABF_BR, "BR 7.1.4.2.1",
	         "Until 2019-04-01 a dNSName with '_' was allowed only in certificates valid for less "
	         "than 30 days.", "2018-12-10", "2019-04-01", underscore_long_applies, underscore_long),
	BR2_CERT("n_dnsname_wildcard_left_of_public_suffix", BR2_N, PW_SRC_CABF_BR, "BR 3.2.2.6",
	         "A wildcard directly left of a public suffix (\"*.co.uk\") needs the CA to have checked "
	         "that the applicant controls the whole namespace.", "2012-07-01", NULL,
	         subscriber_with_names, wildcard_left_of_suffix),
	BR2_CERT("w_dnsname_underscore_in_trd", BR2_W, PW_SRC_CABF_BR, "BR 7.1.4.2.1",
	         "Labels left of the registrable domain should not contain underscores.",
	         "2008-05-01", NULL, subscriber_with_names, underscore_in_trd),
	BR2_CERT("n_san_iana_pub_suffix_empty", BR2_N, PW_SRC_COMMUNITY, "BR 3.2.2.6",
	         "A SAN dNSName that is itself a public suffix names no registrable domain.",
	         NULL, NULL, has_san, san_bare_suffix),
};

const struct pw_lint_family pw_lint_family_br2_names = { "br2_names", defs, sizeof defs / sizeof defs[0] };
