/* pkiward lints — nameConstraints content (RFC 5280 §4.2.1.10). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

#define NC_CITE "RFC 5280 §4.2.1.10"

static int applies_nc(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_NAME_CONSTRAINTS) != NULL;
}

/* Calls fn on every subtree, permitted then excluded; returns the first
 * non-PASS status. A value pkiward could not decode cannot be evaluated. */
static enum pw_lint_status each_subtree(const struct pw_cert *c,
                                        enum pw_lint_status (*fn)(const struct pw_subtree *s,
                                                                  int excluded, char *details,
                                                                  size_t len),
                                        char *details, size_t len)
{
	if (!rfc_ext(c, PW_OID_EXT_NAME_CONSTRAINTS)->decoded_ok)
		return pw_lint_fail(PW_LINT_FATAL, details, len, "nameConstraints is malformed");
	for (size_t i = 0; i < c->x.nc.n_permitted; i++) {
		enum pw_lint_status st = fn(&c->x.nc.permitted[i], 0, details, len);
		if (st != PW_LINT_PASS)
			return st;
	}
	for (size_t i = 0; i < c->x.nc.n_excluded; i++) {
		enum pw_lint_status st = fn(&c->x.nc.excluded[i], 1, details, len);
		if (st != PW_LINT_PASS)
			return st;
	}
	return PW_LINT_PASS;
}

static int applies_nc_sequence(const struct pw_lint_ctx *ctx)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_NAME_CONSTRAINTS);
	struct pw_der seq;
	return e != NULL && rfc_get_sequence(&e->value, &seq);
}

/* Either permittedSubtrees or excludedSubtrees MUST be present. */
static enum pw_lint_status check_nc_empty(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	struct pw_der seq;
	if (!rfc_get_sequence(&rfc_ext(ctx->cert, PW_OID_EXT_NAME_CONSTRAINTS)->value, &seq))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "nameConstraints is not a SEQUENCE");
	if (seq.len == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "nameConstraints has neither permitted nor excluded subtrees");
	return PW_LINT_PASS;
}

/* "the maximum field MUST be absent" in this profile. */
static enum pw_lint_status subtree_max(const struct pw_subtree *s, int excluded, char *details,
                                       size_t len)
{
	if (s->has_max)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s subtree has a maximum",
		                    excluded ? "excluded" : "permitted");
	return PW_LINT_PASS;
}

/* "the minimum MUST be zero" in this profile. */
static enum pw_lint_status subtree_min(const struct pw_subtree *s, int excluded, char *details,
                                       size_t len)
{
	if (s->has_min && s->min != 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "%s subtree has minimum %llu",
		                    excluded ? "excluded" : "permitted", (unsigned long long)s->min);
	return PW_LINT_PASS;
}

/* For URIs the constraint is a host as a fully qualified domain name, or a
 * domain when it starts with a period. */
static enum pw_lint_status subtree_uri_fqdn(const struct pw_subtree *s, int excluded,
                                            char *details, size_t len)
{
	const struct pw_der *v = &s->base.value;
	if (s->base.type != PW_GN_URI)
		return PW_LINT_PASS;
	const uint8_t *p = v->p;
	size_t n = v->len;
	if (n > 0 && p[0] == '.') {
		p++;
		n--;
	}
	if (!rfc_host_is_fqdn(p, n)) {
		char buf[96];
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "%s URI constraint \"%s\" is not a fully qualified domain name",
		                    excluded ? "excluded" : "permitted",
		                    pw_lint_der_to_cstr(v, buf, sizeof buf));
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status subtree_x400(const struct pw_subtree *s, int excluded, char *details,
                                        size_t len)
{
	(void)excluded;
	if (s->base.type == PW_GN_X400)
		return pw_lint_fail(PW_LINT_WARN, details, len, "constraint on x400Address");
	return PW_LINT_PASS;
}

static enum pw_lint_status subtree_edi(const struct pw_subtree *s, int excluded, char *details,
                                       size_t len)
{
	(void)excluded;
	if (s->base.type == PW_GN_EDI_PARTY)
		return pw_lint_fail(PW_LINT_WARN, details, len, "constraint on ediPartyName");
	return PW_LINT_PASS;
}

static enum pw_lint_status subtree_regid(const struct pw_subtree *s, int excluded, char *details,
                                         size_t len)
{
	(void)excluded;
	if (s->base.type == PW_GN_REGISTERED_ID)
		return pw_lint_fail(PW_LINT_WARN, details, len, "constraint on registeredID");
	return PW_LINT_PASS;
}

#define SUBTREE_LINT(fn)                                                                      \
	static enum pw_lint_status check_##fn(const struct pw_lint_ctx *ctx, char *details,   \
	                                      size_t len)                                     \
	{                                                                                     \
		return each_subtree(ctx->cert, subtree_##fn, details, len);                   \
	}

SUBTREE_LINT(max)
SUBTREE_LINT(min)
SUBTREE_LINT(uri_fqdn)
SUBTREE_LINT(x400)
SUBTREE_LINT(edi)
SUBTREE_LINT(regid)

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_name_constraint_empty", PW_LINT_ERROR, PW_SRC_RFC5280, NC_CITE,
	         "nameConstraints must contain permittedSubtrees or excludedSubtrees.",
	         "2008-05-01", applies_nc_sequence, check_nc_empty),
	RFC_CERT_ROW("e_name_constraint_maximum_not_absent", PW_LINT_ERROR, PW_SRC_RFC5280, NC_CITE,
	         "The maximum field of a GeneralSubtree must be absent.", "1999-01-01", applies_nc,
	         check_max),
	RFC_CERT_ROW("e_name_constraint_minimum_non_zero", PW_LINT_ERROR, PW_SRC_RFC5280, NC_CITE,
	         "The minimum field of a GeneralSubtree must be zero.", "1999-01-01", applies_nc,
	         check_min),
	RFC_CERT_ROW("e_name_constraint_not_fqdn", PW_LINT_ERROR, PW_SRC_RFC5280, NC_CITE,
	         "A URI name constraint must be a fully qualified domain name, optionally with a "
	         "leading period for a domain.",
	         "2008-05-01", applies_nc, check_uri_fqdn),
	RFC_CERT_ROW("w_name_constraint_on_edi_party_name", PW_LINT_WARN, PW_SRC_RFC5280, NC_CITE,
	         "Constraints on ediPartyName have no defined matching rules and should not be "
	         "used.",
	         "2008-05-01", applies_nc, check_edi),
	RFC_CERT_ROW("w_name_constraint_on_registered_id", PW_LINT_WARN, PW_SRC_RFC5280, NC_CITE,
	         "Constraints on registeredID have no defined matching rules and should not be "
	         "used.",
	         "2008-05-01", applies_nc, check_regid),
	RFC_CERT_ROW("w_name_constraint_on_x400", PW_LINT_WARN, PW_SRC_RFC5280, NC_CITE,
	         "Constraints on x400Address have no defined matching rules and should not be "
	         "used.",
	         "2008-05-01", applies_nc, check_x400),
};

const struct pw_lint_family pw_lint_family_rfc_nameconstraints = {
	"rfc_nameconstraints", defs, sizeof defs / sizeof defs[0],
};
