/* pkiward — BR lints on the pointers a certificate carries: authority
 * information access (BR 7.1.2.7.7 for subscribers, BR 7.1.2.10.3 for CAs),
 * CRL distribution points (BR 7.1.2.11.2) and certificate policy qualifiers
 * (BR 7.1.2.7.9, 7.1.2.10.5). */
#include <string.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* Short-lived Subscriber Certificates (BR 1.6.1): validity of at most 10
 * days when issued before 2026-03-15, at most 7 days from then on. */
#define SHORT_LIVED_CUTOVER 1773532800 /* 2026-03-15T00:00:00Z */
#define SHORT_LIVED_OLD_MAX (10 * 86400)
#define SHORT_LIVED_NEW_MAX (7 * 86400)

/* The i-th access description if it is a URI location of `method` (only
 * URI-typed locations are pointers a client can follow), else NULL. */
static const struct pw_der *aia_uri_at(const struct pw_cert *c, size_t i, enum pw_oid method)
{
	const struct pw_access_desc *a = &c->x.aia.v[i];

	return a->method == method && a->location.type == PW_GN_URI ? &a->location.value : NULL;
}

static int has_aia_uri(const struct pw_cert *c, enum pw_oid method)
{
	size_t i;

	for (i = 0; i < c->x.aia.n; i++)
		if (aia_uri_at(c, i, method) != NULL)
			return 1;
	return 0;
}

/* Whether a URL reads as a URL at all: no control characters or spaces,
 * well-formed percent-escapes (RFC 3986 §2.1), and not starting with ':'. */
static int url_parses(const struct pw_der *u)
{
	size_t i;

	if (u->len > 0 && u->p[0] == ':')
		return 0;
	for (i = 0; i < u->len; i++) {
		uint8_t ch = u->p[i];
		if (ch < 0x20 || ch == 0x7F)
			return 0;
		if (ch == '%') {
			if (i + 2 >= u->len || !br1_is_hex(u->p[i + 1]) || !br1_is_hex(u->p[i + 2]))
				return 0;
		}
	}
	return 1;
}

/* 1 if the URL's scheme (case-insensitive, RFC 3986 §3.1) equals `want`. */
static int scheme_is(const struct pw_der *u, const char *want)
{
	const uint8_t *s;
	size_t sl;

	return br1_uri_scheme(u->p, u->len, &s, &sl) && br1_ieq(s, sl, want);
}

static int print_len(const struct pw_der *u)
{
	return (int)(u->len > 80 ? 80 : u->len);
}

static enum pw_lint_status http_only(const struct pw_cert *c, enum pw_oid method, const char *what,
                                     char *details, size_t len)
{
	const struct pw_der *u;
	size_t i;

	for (i = 0; i < c->x.aia.n; i++) {
		u = aia_uri_at(c, i, method);
		if (u != NULL && (!url_parses(u) || !scheme_is(u, "http"))) {
			br1_detail(details, len, "%s URL \"%.*s\" is not an http URL", what, print_len(u),
			           (const char *)u->p);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int applies_subscriber_ca_issuers(const struct pw_lint_ctx *ctx)
{
	return has_aia_uri(ctx->cert, PW_OID_AD_CA_ISSUERS) && pw_lint_is_subscriber(ctx);
}

static int applies_subscriber_ocsp(const struct pw_lint_ctx *ctx)
{
	return has_aia_uri(ctx->cert, PW_OID_AD_OCSP) && pw_lint_is_subscriber(ctx);
}

/* BR 7.1.2.7.7: id-ad-caIssuers, when present, is an HTTP URL of the
 * issuing CA's certificate. */
static enum pw_lint_status check_ca_issuers_http(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return http_only(ctx->cert, PW_OID_AD_CA_ISSUERS, "caIssuers", d, n);
}

/* BR 7.1.2.7.7: id-ad-ocsp is an HTTP URL of the issuing CA's OCSP
 * responder. */
static enum pw_lint_status check_ocsp_http(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return http_only(ctx->cert, PW_OID_AD_OCSP, "OCSP", d, n);
}

static int applies_subscriber_aia(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && pw_lint_has_ext(ctx->cert, PW_OID_EXT_AIA);
}

/* BR 7.1.2.7.7: only id-ad-ocsp and id-ad-caIssuers, each location a
 * uniformResourceIdentifier. */
static enum pw_lint_status check_aia_methods(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i;

	for (i = 0; i < c->x.aia.n; i++) {
		const struct pw_access_desc *a = &c->x.aia.v[i];
		if (a->location.type != PW_GN_URI) {
			br1_detail(details, len, "accessLocation %zu is a GeneralName of tag [%u], not a URI",
			           i, (unsigned)a->location.type);
			return PW_LINT_ERROR;
		}
		if (a->method != PW_OID_AD_OCSP && a->method != PW_OID_AD_CA_ISSUERS) {
			char oid[PW_DER_OID_TEXT_MAX];
			if (!pw_der_oid_to_text(&a->method_oid, oid, sizeof oid))
				strcpy(oid, "?");
			br1_detail(details, len, "accessMethod %s is not permitted", oid);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int applies_subscriber_any_aia_uri(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && (has_aia_uri(ctx->cert, PW_OID_AD_CA_ISSUERS) ||
	                                        has_aia_uri(ctx->cert, PW_OID_AD_OCSP));
}

static int same_ci(const struct pw_der *a, const struct pw_der *b)
{
	size_t i;

	if (a->len != b->len)
		return 0;
	for (i = 0; i < a->len; i++) {
		uint8_t x = a->p[i], y = b->p[i];
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return 0;
	}
	return 1;
}

static int duplicate_in(const struct pw_cert *c, enum pw_oid method, const char *what,
                        char *details, size_t len)
{
	const struct pw_der *u, *v;
	size_t i, j;

	for (i = 0; i < c->x.aia.n; i++) {
		if ((u = aia_uri_at(c, i, method)) == NULL)
			continue;
		for (j = 0; j < i; j++) {
			if ((v = aia_uri_at(c, j, method)) != NULL && same_ci(u, v)) {
				br1_detail(details, len, "%s location \"%.*s\" appears more than once", what,
				           print_len(u), (const char *)u->p);
				return 1;
			}
		}
	}
	return 0;
}

/* BR 7.1.2.7.7: AccessDescriptions sharing an accessMethod have unique
 * accessLocations (compared case-insensitively). */
static enum pw_lint_status check_aia_unique(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (duplicate_in(ctx->cert, PW_OID_AD_OCSP, "OCSP", details, len) ||
	    duplicate_in(ctx->cert, PW_OID_AD_CA_ISSUERS, "caIssuers", details, len))
		return PW_LINT_ERROR;
	return PW_LINT_PASS;
}

static int applies_sub_ca_aia(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subca(ctx) && (has_aia_uri(ctx->cert, PW_OID_AD_CA_ISSUERS) ||
	                                    has_aia_uri(ctx->cert, PW_OID_AD_OCSP));
}

/* BR 7.1.2.10.3: in CA certificates, both caIssuers and OCSP locations are
 * HTTP URLs. */
static enum pw_lint_status check_ca_aia_http(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	static const enum pw_oid methods[2] = {PW_OID_AD_CA_ISSUERS, PW_OID_AD_OCSP};
	const struct pw_der *u;
	size_t m, i;

	for (m = 0; m < 2; m++) {
		for (i = 0; i < ctx->cert->x.aia.n; i++) {
			u = aia_uri_at(ctx->cert, i, methods[m]);
			if (u != NULL && !br1_istarts_with(u->p, u->len, "http://")) {
				br1_detail(details, len, "%s location \"%.*s\" is not an http:// URL",
				           m == 0 ? "caIssuers" : "OCSP", print_len(u), (const char *)u->p);
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

/* URIs among the fullNames of the CRL distribution points. */
static int has_cdp_uri(const struct pw_cert *c)
{
	size_t i, j;

	for (i = 0; i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		if (!dp->has_full_name)
			continue;
		for (j = 0; j < dp->full_name.n; j++)
			if (dp->full_name.v[j].type == PW_GN_URI)
				return 1;
	}
	return 0;
}

static int applies_cdp_uri(const struct pw_lint_ctx *ctx)
{
	return has_cdp_uri(ctx->cert);
}

/* BR 7.1.2.11.2: each distribution point's URI uses the "http" scheme. */
static enum pw_lint_status check_cdp_http(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i, j;

	for (i = 0; i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		if (!dp->has_full_name)
			continue;
		for (j = 0; j < dp->full_name.n; j++) {
			const struct pw_general_name *g = &dp->full_name.v[j];
			if (g->type != PW_GN_URI)
				continue;
			if (g->value.len < 5 || memcmp(g->value.p, "http:", 5) != 0) {
				br1_detail(details, len, "CRL distribution point \"%.*s\" is not http",
				           print_len(&g->value), (const char *)g->value.p);
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.11.2: the reasons and cRLIssuer fields are not present. */
static enum pw_lint_status check_cdp_no_issuer(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i;

	for (i = 0; i < c->x.crldp.n; i++) {
		const struct pw_dist_point *dp = &c->x.crldp.v[i];
		if ((dp->has_crl_issuer && dp->crl_issuer.n > 0) ||
		    (dp->has_reasons && dp->reasons.len > 0)) {
			br1_detail(details, len, "distribution point %zu carries %s", i,
			           dp->has_crl_issuer ? "cRLIssuer" : "reasons");
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int is_short_lived(const struct pw_cert *c)
{
	int64_t period = c->not_after - c->not_before;

	if (c->not_before < SHORT_LIVED_CUTOVER)
		return period <= SHORT_LIVED_OLD_MAX;
	return period <= SHORT_LIVED_NEW_MAX;
}

static int applies_subscriber_not_short_lived(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && !is_short_lived(ctx->cert);
}

/* BR 7.1.2.11.2: CRL distribution points are required in Subscriber
 * Certificates that are not short-lived, unless an OCSP pointer exists. */
static enum pw_lint_status check_cdp_missing(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (!has_cdp_uri(ctx->cert) && !has_aia_uri(ctx->cert, PW_OID_AD_OCSP)) {
		br1_detail(details, len, "neither a CRL distribution point nor an OCSP URL");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_policies(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_ext(ctx->cert, PW_OID_EXT_CERTIFICATE_POLICIES);
}

/* BR 7.1.2.7.9, 7.1.2.10.5 (and the other profiles): a CPS qualifier holds
 * an HTTP or HTTPS URL of the CPS. */
static enum pw_lint_status check_cps_uri(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i, j;

	for (i = 0; i < c->x.policies.n; i++) {
		for (j = 0; j < c->x.policies.v[i].n_q; j++) {
			const struct pw_policy_qualifier *q = &c->x.policies.v[i].q[j];
			if (q->id != PW_OID_QT_CPS)
				continue;
			if (!url_parses(&q->text) ||
			    !(scheme_is(&q->text, "http") || scheme_is(&q->text, "https"))) {
				br1_detail(details, len, "CPS URI \"%.*s\" is not an http or https URL",
				           print_len(&q->text), (const char *)q->text.p);
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

/* BR 7.1.2.7.9 (and 7.1.2.10.5): id-qt-cps is the only qualifier allowed. */
static enum pw_lint_status check_qualifiers_cps_only(const struct pw_lint_ctx *ctx, char *details,
                                                     size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i, j;

	for (i = 0; i < c->x.policies.n; i++) {
		for (j = 0; j < c->x.policies.v[i].n_q; j++) {
			if (c->x.policies.v[i].q[j].id != PW_OID_QT_CPS) {
				br1_detail(details, len, "policy %zu carries a qualifier other than id-qt-cps", i);
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_aia_ca_issuers_must_have_http_only", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.7",
	 "In a subscriber certificate, every id-ad-caIssuers location must be an http URL of the "
	 "issuing CA's certificate.",
	 "2023-09-15", NULL, applies_subscriber_ca_issuers, check_ca_issuers_http, 0},
	{"e_aia_must_contain_permitted_access_method", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.7",
	 "A subscriber certificate's AIA may only use the id-ad-ocsp and id-ad-caIssuers access "
	 "methods, each with a uniformResourceIdentifier location.",
	 "2023-09-15", NULL, applies_subscriber_aia, check_aia_methods, 0},
	{"e_aia_ocsp_must_have_http_only", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.7",
	 "In a subscriber certificate, every id-ad-ocsp location must be an http URL of the "
	 "issuing CA's OCSP responder.",
	 "2023-09-15", NULL, applies_subscriber_ocsp, check_ocsp_http, 0},
	{"e_aia_unique_access_locations", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.7",
	 "AIA entries that share an access method must point to distinct locations.",
	 "2023-09-15", NULL, applies_subscriber_any_aia_uri, check_aia_unique, 0},
	{"e_ca_aia_non_http_url", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2.10.3",
	 "In a subordinate CA certificate, the caIssuers and OCSP locations of the AIA must be "
	 "http URLs.",
	 "2023-09-15", NULL, applies_sub_ca_aia, check_ca_aia_http, 0},
	{"e_crl_distrib_points_not_http", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.11.2",
	 "Every CRL distribution point URI must use the http scheme.",
	 "2023-09-15", NULL, applies_cdp_uri, check_cdp_http, 0},
	{"e_crlissuer_must_not_be_present_in_cdp", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.11.2",
	 "CRL distribution points must not carry the reasons or cRLIssuer fields.",
	 "2023-09-15", NULL, applies_cdp_uri, check_cdp_no_issuer, 0},
	{"e_missing_crl_distrib_point", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.11.2",
	 "A subscriber certificate that is not short-lived must carry a CRL distribution point "
	 "unless it carries an OCSP URL.",
	 "2024-03-15", NULL, applies_subscriber_not_short_lived, check_cdp_missing, 0},
	{"e_invalid_cps_uri", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.2",
	 "A CPS URI policy qualifier must hold an http or https URL.",
	 "2023-09-15", NULL, applies_policies, check_cps_uri, 0},
	{"e_policy_qualifiers_other_than_cps_not_permitted", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 7.1.2.7.9",
	 "Certificate policies may only carry the id-qt-cps qualifier.",
	 "2023-09-15", NULL, applies_policies, check_qualifiers_cps_only, 0},
};

const struct pw_lint_family pw_lint_family_br1_aia = {"br1_aia", defs, sizeof defs / sizeof defs[0]};
