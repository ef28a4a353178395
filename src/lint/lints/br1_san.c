/* pkiward — BR lints on subjectAltName and iPAddress name constraints:
 * a TLS certificate names only dNSName and iPAddress (BR 7.1.2.7.12,
 * formerly 7.1.4.2.1), never a Reserved IP Address (BR 1.6.1, 7.1.2.7.12),
 * and a technically constrained CA's permitted IP ranges do not cover
 * reserved space (BR 7.1.2.10.8). */
#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* Certificates expiring after this date may not name Reserved IP
 * Addresses (BR 1.0 §11.1.4: such certificates were to be revoked by
 * 2015-10-01; zlint keys on 2015-11-01). */
#define NO_RESERVED_IP_AFTER 1446336000 /* 2015-11-01T00:00:00Z */

static int applies_san(const struct pw_lint_ctx *ctx)
{
	return pw_lint_has_ext(ctx->cert, PW_OID_EXT_SAN);
}

static enum pw_lint_status forbid_type(const struct pw_lint_ctx *ctx, enum pw_gn_type type,
                                       const char *what, char *details, size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->v[i].type == type) {
			br1_detail(details, len, "subjectAltName entry %zu is a %s; only dNSName and "
			           "iPAddress are allowed", i, what);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_dirname(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_DIRECTORY, "directoryName", d, n);
}
static enum pw_lint_status check_edi(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_EDI_PARTY, "ediPartyName", d, n);
}
static enum pw_lint_status check_other(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_OTHER_NAME, "otherName", d, n);
}
static enum pw_lint_status check_regid(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_REGISTERED_ID, "registeredID", d, n);
}
static enum pw_lint_status check_rfc822(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_RFC822, "rfc822Name", d, n);
}
static enum pw_lint_status check_uri(const struct pw_lint_ctx *ctx, char *d, size_t n)
{
	return forbid_type(ctx, PW_GN_URI, "uniformResourceIdentifier", d, n);
}

static int applies_not_ca(const struct pw_lint_ctx *ctx)
{
	return !ctx->cert->is_ca;
}

/* BR 7.1.2.7.12: subscriber certificates carry subjectAltName. */
static enum pw_lint_status check_san_missing(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (!pw_lint_has_ext(ctx->cert, PW_OID_EXT_SAN)) {
		br1_detail(details, len, "no subjectAltName extension");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_after_reserved_ip_cutoff(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->not_after > NO_RESERVED_IP_AFTER;
}

/* BR 7.1.2.7.12: no iPAddress in subjectAltName is a Reserved IP
 * Address. */
static enum pw_lint_status check_san_reserved_ip(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	const struct pw_general_names *g = &ctx->cert->x.san.names;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->v[i].type != PW_GN_IP || (g->v[i].value.len != 4 && g->v[i].value.len != 16))
			continue;
		if (br1_ip_is_reserved(g->v[i].value.p, g->v[i].value.len)) {
			br1_detail(details, len, "subjectAltName entry %zu is a reserved IP address", i);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int applies_nc(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->not_after > NO_RESERVED_IP_AFTER &&
	       pw_lint_has_ext(ctx->cert, PW_OID_EXT_NAME_CONSTRAINTS);
}

/* BR 7.1.2.10.8 / 7.1.2.7.12: a permitted iPAddress subtree must not
 * overlap reserved address space. */
static enum pw_lint_status check_nc_reserved(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	const struct pw_cert *c = ctx->cert;
	size_t i;

	for (i = 0; i < c->x.nc.n_permitted; i++) {
		const struct pw_general_name *b = &c->x.nc.permitted[i].base;
		if (b->type != PW_GN_IP || (b->value.len != 8 && b->value.len != 32))
			continue;
		if (br1_net_intersects_reserved(b->value.p, b->value.len)) {
			br1_detail(details, len, "permitted iPAddress subtree %zu intersects reserved "
			           "address space", i);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

#define SAN_ONLY(nm, fn)                                                                        \
	{nm, PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.2.1",                     \
	 "A subjectAltName in a TLS certificate may contain only dNSName and iPAddress entries.", \
	 "2012-07-01", NULL, applies_san, fn, 0}

static const struct pw_lint_def defs[] = {
	{"e_ext_nc_intersects_reserved_ip", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.5, 7.1.4.2.1",
	 "Permitted iPAddress name constraints must not overlap IANA reserved address space.",
	 "2012-07-01", NULL, applies_nc, check_nc_reserved, 0},
	{"e_ext_san_contains_reserved_ip", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.4.2.1",
	 "A subjectAltName iPAddress must not be a Reserved IP Address (IANA special-purpose or "
	 "reserved ranges).",
	 "2012-07-01", NULL, applies_after_reserved_ip_cutoff, check_san_reserved_ip, 0},
	SAN_ONLY("e_ext_san_directory_name_present", check_dirname),
	SAN_ONLY("e_ext_san_edi_party_name_present", check_edi),
	{"e_ext_san_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.2.1",
	 "A subscriber certificate must contain the subjectAltName extension.",
	 "2012-07-01", NULL, applies_not_ca, check_san_missing, 0},
	SAN_ONLY("e_ext_san_other_name_present", check_other),
	SAN_ONLY("e_ext_san_registered_id_present", check_regid),
	SAN_ONLY("e_ext_san_rfc822_name_present", check_rfc822),
	SAN_ONLY("e_ext_san_uniform_resource_identifier_present", check_uri),
};

const struct pw_lint_family pw_lint_family_br1_san = {"br1_san", defs, sizeof defs / sizeof defs[0]};
