/* pkiward lints — subjectAltName and issuerAltName (RFC 5280 §4.2.1.6,
 * §4.2.1.7) and the DNS names they carry (RFC 1034 §3.5, RFC 1035 §2.3.4). */
#include <string.h>

#include "../br1_util.h"
#include "../lint_util.h"
#include "../rfc_util.h"

/* RFC 1035 §2.3.4: a name is at most 255 octets on the wire, 253 in text. */
#define DNS_NAME_TEXT_MAX 253
#define DNS_LABEL_MAX 63

static int applies_san(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_SAN) != NULL;
}

static int applies_ian(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_IAN) != NULL;
}

/* ---- raw GeneralNames walks (the value as encoded, even when pkiward's
 * decoder rejected part of it) ---- */

/* Status of a raw walk: every element of the SEQUENCE is passed to fn
 * (tag, contents); the first non-PASS result is returned. A value that is
 * not one SEQUENCE of TLVs is FATAL: it cannot be evaluated. */
static enum pw_lint_status walk_general_names(const struct pw_ext *e,
                                              enum pw_lint_status (*fn)(uint32_t tag,
                                                                        const struct pw_der *v,
                                                                        char *details,
                                                                        size_t len),
                                              char *details, size_t len)
{
	struct pw_der seq;
	struct pw_error err;
	if (!rfc_get_sequence(&e->value, &seq))
		return pw_lint_fail(PW_LINT_FATAL, details, len,
		                    "%s value is not a DER SEQUENCE", pw_oid_name(e->id));
	while (pw_der_len(&seq) > 0) {
		uint32_t tag;
		struct pw_der v;
		if (!pw_der_get_any(&seq, &tag, &v, NULL, &err))
			return pw_lint_fail(PW_LINT_FATAL, details, len, "%s: malformed GeneralName at byte %zu",
			                    pw_oid_name(e->id), err.offset);
		enum pw_lint_status st = fn(tag, &v, details, len);
		if (st != PW_LINT_PASS)
			return st;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status gn_not_empty(uint32_t tag, const struct pw_der *v, char *details,
                                        size_t len)
{
	if (v->len == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "GeneralName [%u] is empty",
		                    (unsigned)PW_DER_TAG_NUMBER(tag));
	return PW_LINT_PASS;
}

static enum pw_lint_status gn_dns_ia5(uint32_t tag, const struct pw_der *v, char *details,
                                      size_t len)
{
	if (PW_DER_TAG_NUMBER(tag) == PW_GN_DNS && !rfc_is_ascii(v->p, v->len))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "dNSName contains octets outside IA5String");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.6: GeneralNames is SIZE (1..MAX); an empty sequence (or
 * a value too short to be one) has no entries. */
static enum pw_lint_status no_entries(const struct pw_ext *e, char *details, size_t len)
{
	if (e->value.len < 2 || (e->value.len == 2 && e->value.p[0] == 0x30 && e->value.p[1] == 0))
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s has no entries",
		                    pw_oid_name(e->id));
	return PW_LINT_PASS;
}

/* ---- checks on decoded names, shared by SAN and IAN ---- */

/* rfc822Name is a bare addr-spec (RFC 5280 §4.2.1.6): no display name
 * ("<...>"), no comment ("(...)"), no spaces. */
static enum pw_lint_status names_rfc822(const struct pw_general_names *g, char *details, size_t len)
{
	for (size_t i = 0; i < g->n; i++) {
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_RFC822 || v->len == 0)
			continue;
		if (memchr(v->p, ' ', v->len) != NULL || v->p[0] == '<' || v->p[v->len - 1] == ')')
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "rfc822Name %zu is not a plain addr-spec", i);
	}
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.6: " " (a single space) is not a valid dNSName. */
static enum pw_lint_status names_space_dns(const struct pw_general_names *g, char *details,
                                           size_t len)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && g->v[i].value.len == 1 && g->v[i].value.p[0] == ' ')
			return pw_lint_fail(PW_LINT_ERROR, details, len, "dNSName %zu is a single space", i);
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.6: a URI name is an absolute URI (RFC 3986) with a
 * scheme and a scheme-specific part. */
static enum pw_lint_status names_uri_format(const struct pw_general_names *g, char *details,
                                            size_t len)
{
	for (size_t i = 0; i < g->n; i++) {
		struct rfc_uri u;
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_URI)
			continue;
		if (!rfc_uri_parse(v->p, v->len, &u))
			return pw_lint_fail(PW_LINT_ERROR, details, len, "URI %zu is malformed", i);
		if (u.scheme.len == 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len, "URI %zu has no scheme", i);
		if (u.host.len == 0 && !u.has_userinfo && u.opaque.len == 0 && u.path.len == 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "URI %zu has no scheme-specific part", i);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status names_uri_relative(const struct pw_general_names *g, char *details,
                                              size_t len)
{
	for (size_t i = 0; i < g->n; i++) {
		struct rfc_uri u;
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_URI)
			continue;
		if (!rfc_uri_parse(v->p, v->len, &u))
			return pw_lint_fail(PW_LINT_ERROR, details, len, "URI %zu is malformed", i);
		if (u.scheme.len == 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "URI %zu is a relative reference (no scheme)", i);
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status names_uri_ia5(const struct pw_general_names *g, char *details,
                                         size_t len)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_URI && !rfc_is_ascii(g->v[i].value.p, g->v[i].value.len))
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "URI %zu contains octets outside IA5String", i);
	return PW_LINT_PASS;
}

/* The host of an authority "userinfo@host:port" without userinfo and port. */
static struct pw_der authority_host(const struct pw_der *host_port)
{
	struct pw_der h = *host_port;
	if (h.len > 0 && h.p[0] == '[') {
		const uint8_t *close = memchr(h.p, ']', h.len);
		if (close != NULL)
			h.len = (size_t)(close - h.p) + 1;
		return h;
	}
	const uint8_t *colon = h.len ? memchr(h.p, ':', h.len) : NULL;
	if (colon != NULL)
		h.len = (size_t)(colon - h.p);
	return h;
}

/* RFC 5280 §4.2.1.6: when a URI has an authority, its host is a fully
 * qualified domain name or an IP address. `need_authority` (IAN): a URI
 * without a host fails too. */
static enum pw_lint_status names_uri_host(const struct pw_general_names *g, int need_authority,
                                          char *details, size_t len)
{
	for (size_t i = 0; i < g->n; i++) {
		struct rfc_uri u;
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_URI || v->len == 0)
			continue;
		if (!rfc_uri_parse(v->p, v->len, &u))
			return pw_lint_fail(PW_LINT_ERROR, details, len, "URI %zu is malformed", i);
		if (!need_authority && u.opaque.len > 0)
			continue; /* no authority: nothing to check */
		struct pw_der h = need_authority ? authority_host(&u.host) : u.host;
		if (h.len == 0)
			return pw_lint_fail(PW_LINT_ERROR, details, len, "URI %zu has no host", i);
		if (!rfc_host_is_fqdn(h.p, h.len) &&
		    !(h.len > 2 && h.p[0] == '[' && rfc_text_is_ip(h.p + 1, h.len - 2)))
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "URI %zu host is neither a fully qualified domain name nor an IP address",
			                    i);
	}
	return PW_LINT_PASS;
}

/* ---- SAN ---- */

static int applies_san_dns(const struct pw_lint_ctx *ctx)
{
	return applies_san(ctx) && pw_lint_san_count(ctx->cert, PW_GN_DNS) > 0;
}

static enum pw_lint_status check_san_dns_too_long(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].type == PW_GN_DNS && g->v[i].value.len > DNS_NAME_TEXT_MAX)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "dNSName %zu is %zu octets long (limit %d)", i, g->v[i].value.len,
			                    DNS_NAME_TEXT_MAX);
	return PW_LINT_PASS;
}

static enum pw_lint_status check_san_dns_ia5(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return walk_general_names(rfc_ext(ctx->cert, PW_OID_EXT_SAN), gn_dns_ia5, details, len);
}

static enum pw_lint_status check_san_empty_name(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return walk_general_names(rfc_ext(ctx->cert, PW_OID_EXT_SAN), gn_not_empty, details, len);
}

static enum pw_lint_status check_san_no_entries(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return no_entries(rfc_ext(ctx->cert, PW_OID_EXT_SAN), details, len);
}

/* RFC 5280 §4.2.1.6: with an empty subject, subjectAltName MUST be critical. */
static enum pw_lint_status check_san_crit_no_subject(const struct pw_lint_ctx *ctx, char *details,
                                                     size_t len)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_SAN);
	if (ctx->cert->subject.n_attrs == 0 && !e->critical)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "subject is empty but subjectAltName is not critical");
	return PW_LINT_PASS;
}

static enum pw_lint_status check_san_rfc822(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	return names_rfc822(&ctx->cert->x.san.names, details, len);
}

static enum pw_lint_status check_san_space(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return names_space_dns(&ctx->cert->x.san.names, details, len);
}

static enum pw_lint_status check_san_uri_format(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return names_uri_format(&ctx->cert->x.san.names, details, len);
}

static enum pw_lint_status check_san_uri_host(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	return names_uri_host(&ctx->cert->x.san.names, 0, details, len);
}

static enum pw_lint_status check_san_uri_ia5(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return names_uri_ia5(&ctx->cert->x.san.names, details, len);
}

static enum pw_lint_status check_san_uri_relative(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	return names_uri_relative(&ctx->cert->x.san.names, details, len);
}

/* ---- IAN ---- */

static enum pw_lint_status check_ian_dns_ia5(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return walk_general_names(rfc_ext(ctx->cert, PW_OID_EXT_IAN), gn_dns_ia5, details, len);
}

static enum pw_lint_status check_ian_empty_name(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return walk_general_names(rfc_ext(ctx->cert, PW_OID_EXT_IAN), gn_not_empty, details, len);
}

static enum pw_lint_status check_ian_no_entries(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return no_entries(rfc_ext(ctx->cert, PW_OID_EXT_IAN), details, len);
}

static enum pw_lint_status check_ian_rfc822(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	return names_rfc822(&ctx->cert->x.ian.names, details, len);
}

static enum pw_lint_status check_ian_space(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return names_space_dns(&ctx->cert->x.ian.names, details, len);
}

static enum pw_lint_status check_ian_uri_format(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return names_uri_format(&ctx->cert->x.ian.names, details, len);
}

static enum pw_lint_status check_ian_uri_host(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	return names_uri_host(&ctx->cert->x.ian.names, 1, details, len);
}

static enum pw_lint_status check_ian_uri_ia5(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return names_uri_ia5(&ctx->cert->x.ian.names, details, len);
}

static enum pw_lint_status check_ian_uri_relative(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	return names_uri_relative(&ctx->cert->x.ian.names, details, len);
}

/* RFC 5280 §4.2.1.7: issuerAltName SHOULD NOT be marked critical. */
static enum pw_lint_status check_ian_critical(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	if (rfc_ext(ctx->cert, PW_OID_EXT_IAN)->critical)
		return pw_lint_fail(PW_LINT_WARN, details, len, "issuerAltName is marked critical");
	return PW_LINT_PASS;
}

/* ---- DNS names of subscriber certificates (RFC 5280 §4.2.1.6 refers to
 * the preferred name syntax of RFC 1034 §3.5) ---- */

static int applies_subscriber_dns(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && br1_dns_names_exist(ctx->cert);
}

static enum pw_lint_status check_empty_label(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++) {
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		size_t start = 0;
		for (size_t k = 0; k <= v->len; k++) {
			if (k < v->len && v->p[k] != '.')
				continue;
			if (k == start)
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "dNSName %zu has an empty label", i);
			start = k + 1;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_label_too_long(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++) {
		const struct pw_der *v = &g->v[i].value;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		size_t start = 0;
		for (size_t k = 0; k <= v->len; k++) {
			if (k < v->len && v->p[k] != '.')
				continue;
			if (k - start > DNS_LABEL_MAX)
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "dNSName %zu has a label of %zu octets (limit %d)", i,
				                    k - start, DNS_LABEL_MAX);
			start = k + 1;
		}
	}
	return PW_LINT_PASS;
}

/* What a registrable-domain check looks at. */
enum sld_test { SLD_HYPHEN_EDGE, SLD_UNDERSCORE, TRD_UNDERSCORE };

/* Splits each SAN dNSName at its registrable label (Public Suffix List,
 * ICANN section) and tests it. A name that has no registrable label (it is
 * a public suffix, or malformed) makes the lint not applicable, as the
 * split it is about does not exist. */
static enum pw_lint_status registrable_check(const struct pw_lint_ctx *ctx, enum sld_test test,
                                             enum pw_lint_status sev, char *details, size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	for (size_t i = 0; i < g->n; i++) {
		const struct pw_der *v = &g->v[i].value;
		const uint8_t *sld;
		size_t sld_len;
		if (g->v[i].type != PW_GN_DNS)
			continue;
		if (!br1_psl_sld(v->p, v->len, &sld, &sld_len))
			return pw_lint_fail(PW_LINT_NA, details, len,
			                    "dNSName %zu has no registrable domain", i);
		switch (test) {
		case SLD_HYPHEN_EDGE:
			if (sld_len > 0 && (sld[0] == '-' || sld[sld_len - 1] == '-'))
				return pw_lint_fail(sev, details, len,
				                    "dNSName %zu: registrable label starts or ends with '-'", i);
			break;
		case SLD_UNDERSCORE:
			if (sld_len > 0 && memchr(sld, '_', sld_len) != NULL)
				return pw_lint_fail(sev, details, len,
				                    "dNSName %zu: registrable label contains '_'", i);
			break;
		case TRD_UNDERSCORE: {
			size_t trd_len = (size_t)(sld - v->p);
			if (trd_len > 0 && memchr(v->p, '_', trd_len) != NULL)
				return pw_lint_fail(sev, details, len,
				                    "dNSName %zu: a subdomain label contains '_'", i);
			break;
		}
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_hyphen_sld(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	return registrable_check(ctx, SLD_HYPHEN_EDGE, PW_LINT_ERROR, details, len);
}

static enum pw_lint_status check_underscore_sld(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return registrable_check(ctx, SLD_UNDERSCORE, PW_LINT_ERROR, details, len);
}

static enum pw_lint_status check_underscore_trd(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return registrable_check(ctx, TRD_UNDERSCORE, PW_LINT_WARN, details, len);
}

#define SAN_CITE "RFC 5280 §4.2.1.6"
#define IAN_CITE "RFC 5280 §4.2.1.7"
/* issuerAltName is encoded as subjectAltName is (§4.2.1.7 refers to §4.2.1.6). */
#define IAN_SAN_CITE "RFC 5280 §4.2.1.7, §4.2.1.6"

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_ext_san_dns_name_too_long", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.6; RFC 1035 §2.3.4",
	         "A dNSName in subjectAltName must not exceed 253 octets.", "2008-05-01",
	         applies_san_dns, check_san_dns_too_long),
	RFC_CERT_ROW("e_ext_san_dns_not_ia5_string", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "dNSName entries of subjectAltName are IA5String: only 7-bit octets.",
	         "1999-01-01", applies_san, check_san_dns_ia5),
	RFC_CERT_ROW("e_ext_san_empty_name", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "No GeneralName in subjectAltName may be empty.", "1999-01-01", applies_san,
	         check_san_empty_name),
	RFC_CERT_ROW("e_ext_san_no_entries", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "A subjectAltName extension must contain at least one name.", "1999-01-01",
	         applies_san, check_san_no_entries),
	RFC_CERT_ROW("e_ext_san_not_critical_without_subject", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "When the subject is empty, subjectAltName must be marked critical.", "1999-01-01",
	         applies_san, check_san_crit_no_subject),
	RFC_CERT_ROW("e_ext_san_rfc822_format_invalid", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "rfc822Name entries of subjectAltName must be bare addr-specs (no display name, "
	         "comment or spaces).",
	         "1999-01-01", applies_san, check_san_rfc822),
	RFC_CERT_ROW("e_ext_san_space_dns_name", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "A dNSName of subjectAltName must not be a single space.", "1999-01-01",
	         applies_san, check_san_space),
	RFC_CERT_ROW("e_ext_san_uri_format_invalid", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "URIs in subjectAltName must be well-formed, with a scheme and a "
	         "scheme-specific part.",
	         "2008-05-01", applies_san, check_san_uri_format),
	RFC_CERT_ROW("e_ext_san_uri_host_not_fqdn_or_ip", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "The host of a URI with an authority in subjectAltName must be a fully "
	         "qualified domain name or an IP address.",
	         "2008-05-01", applies_san, check_san_uri_host),
	RFC_CERT_ROW("e_ext_san_uri_not_ia5", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "URIs in subjectAltName are IA5String: only 7-bit octets.", "2008-05-01",
	         applies_san, check_san_uri_ia5),
	RFC_CERT_ROW("e_ext_san_uri_relative", PW_LINT_ERROR, PW_SRC_RFC5280, SAN_CITE,
	         "URIs in subjectAltName must be absolute (carry a scheme), not relative "
	         "references.",
	         "2008-05-01", applies_san, check_san_uri_relative),
	RFC_CERT_ROW("e_ext_ian_dns_not_ia5_string", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "dNSName entries of issuerAltName are IA5String: only 7-bit octets.",
	         "1999-01-01", applies_ian, check_ian_dns_ia5),
	RFC_CERT_ROW("e_ext_ian_empty_name", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "No GeneralName in issuerAltName may be empty.", "1999-01-01", applies_ian,
	         check_ian_empty_name),
	RFC_CERT_ROW("e_ext_ian_no_entries", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "An issuerAltName extension must contain at least one name.", "1999-01-01",
	         applies_ian, check_ian_no_entries),
	RFC_CERT_ROW("e_ext_ian_rfc822_format_invalid", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "rfc822Name entries of issuerAltName must be bare addr-specs (no display name, "
	         "comment or spaces).",
	         "1999-01-01", applies_ian, check_ian_rfc822),
	RFC_CERT_ROW("e_ext_ian_space_dns_name", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_SAN_CITE,
	         "A dNSName of issuerAltName must not be a single space.", "1999-01-01",
	         applies_ian, check_ian_space),
	RFC_CERT_ROW("e_ext_ian_uri_format_invalid", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_SAN_CITE,
	         "URIs in issuerAltName must be well-formed, with a scheme and a scheme-specific "
	         "part.",
	         "2008-05-01", applies_ian, check_ian_uri_format),
	RFC_CERT_ROW("e_ext_ian_uri_host_not_fqdn_or_ip", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_SAN_CITE,
	         "URIs in issuerAltName must name their host as a fully qualified domain name "
	         "or an IP address.",
	         "2008-05-01", applies_ian, check_ian_uri_host),
	RFC_CERT_ROW("e_ext_ian_uri_not_ia5", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "URIs in issuerAltName are IA5String: only 7-bit octets.", "2008-05-01",
	         applies_ian, check_ian_uri_ia5),
	RFC_CERT_ROW("e_ext_ian_uri_relative", PW_LINT_ERROR, PW_SRC_RFC5280, IAN_CITE,
	         "URIs in issuerAltName must be absolute (carry a scheme).", "2008-05-01",
	         applies_ian, check_ian_uri_relative),
	RFC_CERT_ROW("w_ext_ian_critical", PW_LINT_WARN, PW_SRC_RFC5280, IAN_CITE,
	         "issuerAltName should be marked non-critical.", "1999-01-01", applies_ian,
	         check_ian_critical),
	RFC_CERT_ROW("e_rfc_dnsname_empty_label", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.6; RFC 1034 §3.5",
	         "dNSNames of subscriber certificates must not contain empty labels.",
	         "2008-05-01", applies_subscriber_dns, check_empty_label),
	RFC_CERT_ROW("e_rfc_dnsname_hyphen_in_sld", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.6; RFC 1034 §3.5",
	         "The registrable label of a dNSName must not start or end with a hyphen.",
	         "2008-05-01", applies_subscriber_dns, check_hyphen_sld),
	RFC_CERT_ROW("e_rfc_dnsname_label_too_long", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.6; RFC 1035 §2.3.4",
	         "Each label of a dNSName is at most 63 octets.", "2008-05-01",
	         applies_subscriber_dns, check_label_too_long),
	RFC_CERT_ROW("e_rfc_dnsname_underscore_in_sld", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.6; RFC 1034 §3.5",
	         "The registrable label of a dNSName must not contain an underscore.",
	         "2008-05-01", applies_subscriber_dns, check_underscore_sld),
	RFC_CERT_ROW("w_rfc_dnsname_underscore_in_trd", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.1.2.6; RFC 1034 §3.5",
	         "Labels below the registrable domain of a dNSName should not contain "
	         "underscores.",
	         "2008-05-01", applies_subscriber_dns, check_underscore_trd),
};

const struct pw_lint_family pw_lint_family_rfc_altnames = {
	"rfc_altnames", defs, sizeof defs / sizeof defs[0],
};
