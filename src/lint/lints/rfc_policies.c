/* pkiward lints — certificate policies, policy mappings and policy
 * constraints (RFC 5280 §4.2.1.4, §4.2.1.5, §4.2.1.11; RFC 6818 §3 on
 * explicitText). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* RFC 5280 §4.2.1.4 / RFC 6818 §3: DisplayText SIZE (1..200). */
#define EXPLICIT_TEXT_MAX 200

static int applies_cp(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_CERTIFICATE_POLICIES) != NULL;
}

static int applies_any_policy(const struct pw_lint_ctx *ctx)
{
	return applies_cp(ctx) && pw_lint_has_policy(ctx->cert, PW_OID_ANY_POLICY);
}

/* RFC 5280 §4.2.1.4: with anyPolicy, qualifiers are limited to the CPS
 * pointer and the user notice. */
static enum pw_lint_status check_any_policy_qualifier(const struct pw_lint_ctx *ctx,
                                                      char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.policies.n; i++) {
		const struct pw_policy *p = &c->x.policies.v[i];
		if (p->id != PW_OID_ANY_POLICY)
			continue;
		for (size_t j = 0; j < p->n_q; j++)
			if (p->q[j].id != PW_OID_QT_CPS && p->q[j].id != PW_OID_QT_UNOTICE)
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "anyPolicy carries a qualifier other than CPS or user notice");
	}
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.4: a policy OID MUST NOT appear more than once. */
static enum pw_lint_status check_policy_duplicate(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.policies.n; i++)
		for (size_t j = 0; j < i; j++)
			if (pw_der_equal(&c->x.policies.v[i].oid, &c->x.policies.v[j].oid)) {
				char oid[PW_DER_OID_TEXT_MAX];
				if (!pw_der_oid_to_text(&c->x.policies.v[i].oid, oid, sizeof oid))
					strcpy(oid, "?");
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "policy %s appears more than once", oid);
			}
	return PW_LINT_PASS;
}

/* ---- user notices ---- */

/* Calls fn on every explicitText; returns the first non-PASS status. */
static enum pw_lint_status each_explicit_text(const struct pw_cert *c,
                                              enum pw_lint_status (*fn)(uint32_t tag,
                                                                        const struct pw_der *t,
                                                                        char *details,
                                                                        size_t len),
                                              char *details, size_t len)
{
	for (size_t i = 0; i < c->x.policies.n; i++) {
		const struct pw_policy *p = &c->x.policies.v[i];
		for (size_t j = 0; j < p->n_q; j++) {
			const struct pw_policy_qualifier *q = &p->q[j];
			if (q->id != PW_OID_QT_UNOTICE || q->text_tag == 0)
				continue;
			enum pw_lint_status st = fn(q->text_tag, &q->text, details, len);
			if (st != PW_LINT_PASS)
				return st;
		}
	}
	return PW_LINT_PASS;
}

static int applies_explicit_text(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.policies.n; i++)
		for (size_t j = 0; j < c->x.policies.v[i].n_q; j++)
			if (c->x.policies.v[i].q[j].id == PW_OID_QT_UNOTICE &&
			    c->x.policies.v[i].q[j].text_tag != 0)
				return 1;
	return 0;
}

/* RFC 6818 §3 (updating RFC 5280 §4.2.1.4): conforming CAs MUST NOT
 * encode explicitText as IA5String. */
static enum pw_lint_status text_not_ia5(uint32_t tag, const struct pw_der *t, char *details,
                                        size_t len)
{
	(void)t;
	if (tag == PW_DER_IA5_STRING)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "explicitText is an IA5String");
	return PW_LINT_PASS;
}

/* RFC 6818 §3: explicitText SHOULD be a UTF8String. */
static enum pw_lint_status text_utf8(uint32_t tag, const struct pw_der *t, char *details,
                                     size_t len)
{
	(void)t;
	if (tag != PW_DER_UTF8_STRING)
		return pw_lint_fail(PW_LINT_WARN, details, len, "explicitText is a %s, not UTF8String",
		                    pw_der_tag_name(tag));
	return PW_LINT_PASS;
}

/* RFC 6818 §3: explicitText SHOULD NOT include control characters
 * (U+0000..U+001F, U+007F..U+009F). */
static enum pw_lint_status text_control(uint32_t tag, const struct pw_der *t, char *details,
                                        size_t len)
{
	size_t i = 0;
	while (i < t->len) {
		uint32_t cp;
		if (tag == PW_DER_BMP_STRING) {
			if (i + 1 >= t->len)
				break;
			cp = (uint32_t)((t->p[i] << 8) | t->p[i + 1]);
			i += 2;
		} else if (tag == PW_DER_UTF8_STRING) {
			uint8_t b = t->p[i];
			if (b < 0x80) {
				cp = b;
				i++;
			} else if ((b >> 5) == 0x6 && i + 1 < t->len) {
				cp = ((uint32_t)(b & 0x1F) << 6) | (t->p[i + 1] & 0x3Fu);
				i += 2;
			} else {
				/* longer sequences are never C0/C1 controls */
				i++;
				while (i < t->len && (t->p[i] & 0xC0) == 0x80)
					i++;
				continue;
			}
		} else {
			cp = t->p[i++];
		}
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return pw_lint_fail(PW_LINT_WARN, details, len,
			                    "explicitText contains control character U+%04X", (unsigned)cp);
	}
	return PW_LINT_PASS;
}

/* RFC 6818 §3: UTF8String explicitText SHOULD be in NFC (the reference for
 * normalisation is RFC 5198). */
static enum pw_lint_status text_nfc(uint32_t tag, const struct pw_der *t, char *details,
                                    size_t len)
{
	int r;
	if (tag == PW_DER_UTF8_STRING)
		r = rfc_is_nfc_utf8(t->p, t->len);
	else if (tag == PW_DER_BMP_STRING)
		r = rfc_is_nfc_utf16be(t->p, t->len);
	else
		return PW_LINT_PASS;
	if (r < 0)
		return pw_lint_fail(PW_LINT_FATAL, details, len,
		                    "Unicode normalization is unavailable (built without ICU)");
	if (r == 0)
		return pw_lint_fail(PW_LINT_WARN, details, len, "explicitText is not in NFC");
	return PW_LINT_PASS;
}

/* RFC 6818 §3: explicitText is at most 200 characters. */
static enum pw_lint_status text_length(uint32_t tag, const struct pw_der *t, char *details,
                                       size_t len)
{
	size_t n = rfc_char_count(tag, t);
	if (n > EXPLICIT_TEXT_MAX)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "explicitText has %zu characters (limit %d)", n, EXPLICIT_TEXT_MAX);
	return PW_LINT_PASS;
}

#define TEXT_LINT(fn)                                                                         \
	static enum pw_lint_status check_##fn(const struct pw_lint_ctx *ctx, char *details,   \
	                                      size_t len)                                     \
	{                                                                                     \
		return each_explicit_text(ctx->cert, fn, details, len);                       \
	}

TEXT_LINT(text_not_ia5)
TEXT_LINT(text_utf8)
TEXT_LINT(text_control)
TEXT_LINT(text_nfc)
TEXT_LINT(text_length)

/* RFC 5280 §4.2.1.4: conforming CAs SHOULD NOT use noticeRef. */
static enum pw_lint_status check_notice_ref(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	const struct pw_cert *c = ctx->cert;
	for (size_t i = 0; i < c->x.policies.n; i++)
		for (size_t j = 0; j < c->x.policies.v[i].n_q; j++)
			if (c->x.policies.v[i].q[j].has_notice_ref)
				return pw_lint_fail(PW_LINT_WARN, details, len,
				                    "a user notice carries a noticeRef");
	return PW_LINT_PASS;
}

/* ---- policyConstraints (RFC 5280 §4.2.1.11) ---- */

static int applies_pc_sequence(const struct pw_lint_ctx *ctx)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_POLICY_CONSTRAINTS);
	struct pw_der seq;
	return e != NULL && rfc_get_sequence(&e->value, &seq);
}

/* "Conforming CAs MUST NOT issue certificates where policy constraints is
 * an empty sequence." */
static enum pw_lint_status check_pc_empty(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	struct pw_der seq;
	if (!rfc_get_sequence(&rfc_ext(ctx->cert, PW_OID_EXT_POLICY_CONSTRAINTS)->value, &seq))
		return pw_lint_fail(PW_LINT_FATAL, details, len, "policyConstraints is not a SEQUENCE");
	if (seq.len == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "policyConstraints is empty");
	return PW_LINT_PASS;
}

/* ---- policyMappings (RFC 5280 §4.2.1.5) ---- */

static int applies_pm(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_POLICY_MAPPINGS) != NULL;
}

/* PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
 * issuerDomainPolicy, subjectDomainPolicy }. Calls fn on each pair. */
static enum pw_lint_status each_mapping(const struct pw_cert *c,
                                        enum pw_lint_status (*fn)(const struct pw_cert *c,
                                                                  const struct pw_der *issuer,
                                                                  const struct pw_der *subject,
                                                                  char *details, size_t len),
                                        char *details, size_t len)
{
	struct pw_der seq;
	struct pw_error err;
	if (!rfc_get_sequence(&rfc_ext(c, PW_OID_EXT_POLICY_MAPPINGS)->value, &seq) || seq.len == 0)
		return pw_lint_fail(PW_LINT_FATAL, details, len, "policyMappings is malformed");
	while (pw_der_len(&seq) > 0) {
		struct pw_der pair, a, b;
		if (!pw_der_get(&seq, PW_DER_SEQUENCE, &pair, &err) || !pw_der_get_oid(&pair, &a, &err) ||
		    !pw_der_get_oid(&pair, &b, &err) || pw_der_len(&pair) != 0)
			return pw_lint_fail(PW_LINT_FATAL, details, len, "policyMappings is malformed");
		enum pw_lint_status st = fn(c, &a, &b, details, len);
		if (st != PW_LINT_PASS)
			return st;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status mapping_any(const struct pw_cert *c, const struct pw_der *issuer,
                                       const struct pw_der *subject, char *details, size_t len)
{
	(void)c;
	if (pw_oid_lookup(issuer) == PW_OID_ANY_POLICY || pw_oid_lookup(subject) == PW_OID_ANY_POLICY)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "anyPolicy appears in policyMappings");
	return PW_LINT_PASS;
}

static enum pw_lint_status mapping_in_policies(const struct pw_cert *c,
                                               const struct pw_der *issuer,
                                               const struct pw_der *subject, char *details,
                                               size_t len)
{
	(void)subject;
	for (size_t i = 0; i < c->x.policies.n; i++)
		if (pw_der_equal(&c->x.policies.v[i].oid, issuer))
			return PW_LINT_PASS;
	return pw_lint_fail(PW_LINT_WARN, details, len,
	                    "a mapped issuerDomainPolicy is not among the certificate's policies");
}

static enum pw_lint_status check_pm_any(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return each_mapping(ctx->cert, mapping_any, details, len);
}

static enum pw_lint_status check_pm_in_cp(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return each_mapping(ctx->cert, mapping_in_policies, details, len);
}

/* RFC 5280 §4.2.1.5: conforming CAs SHOULD mark policyMappings critical. */
static enum pw_lint_status check_pm_crit(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (!rfc_ext(ctx->cert, PW_OID_EXT_POLICY_MAPPINGS)->critical)
		return pw_lint_fail(PW_LINT_WARN, details, len, "policyMappings is not critical");
	return PW_LINT_PASS;
}

#define CP_CITE "RFC 5280 §4.2.1.4"
#define TEXT_CITE "RFC 6818 §3"

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_ext_cert_policy_disallowed_any_policy_qualifier", PW_LINT_ERROR, PW_SRC_RFC5280,
	         CP_CITE,
	         "When anyPolicy is asserted, its only qualifiers may be a CPS pointer or a user "
	         "notice.",
	         "2002-04-01", applies_any_policy, check_any_policy_qualifier),
	RFC_CERT_ROW("e_ext_cert_policy_duplicate", PW_LINT_ERROR, PW_SRC_RFC5280, CP_CITE,
	         "A policy identifier must not appear twice in certificatePolicies.", "2008-05-01",
	         applies_cp, check_policy_duplicate),
	RFC_CERT_ROW("e_ext_cert_policy_explicit_text_ia5_string", PW_LINT_ERROR, PW_SRC_RFC5280,
	         TEXT_CITE, "A user notice explicitText must not be encoded as IA5String.",
	         "2013-01-01", applies_explicit_text, check_text_not_ia5),
	RFC_CERT_ROW("e_ext_cert_policy_explicit_text_too_long", PW_LINT_ERROR, PW_SRC_RFC5280,
	         TEXT_CITE, "A user notice explicitText is limited to 200 characters.",
	         "2013-01-01", applies_explicit_text, check_text_length),
	RFC_CERT_ROW("w_ext_cert_policy_explicit_text_includes_control", PW_LINT_WARN, PW_SRC_RFC5280,
	         TEXT_CITE, "A user notice explicitText should not contain control characters.",
	         "2013-01-01", applies_explicit_text, check_text_control),
	RFC_CERT_ROW("w_ext_cert_policy_explicit_text_not_nfc", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 6818 §3; RFC 5198",
	         "A Unicode user notice explicitText should be in Normalization Form C.",
	         "2013-01-01", applies_explicit_text, check_text_nfc),
	RFC_CERT_ROW("w_ext_cert_policy_explicit_text_not_utf8", PW_LINT_WARN, PW_SRC_RFC5280, TEXT_CITE,
	         "A user notice explicitText should be encoded as UTF8String.", "2013-01-01",
	         applies_explicit_text, check_text_utf8),
	RFC_CERT_ROW("w_ext_cert_policy_contains_noticeref", PW_LINT_WARN, PW_SRC_RFC5280, CP_CITE,
	         "User notices should not use the noticeRef option.", "2008-05-01", applies_cp,
	         check_notice_ref),
	RFC_CERT_ROW("e_ext_policy_constraints_empty", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.11",
	         "policyConstraints must contain requireExplicitPolicy or inhibitPolicyMapping.",
	         "1999-01-01", applies_pc_sequence, check_pc_empty),
	RFC_CERT_ROW("e_ext_policy_map_any_policy", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.2.1.5",
	         "anyPolicy must not be mapped to or from another policy.", "2002-04-01",
	         applies_pm, check_pm_any),
	RFC_CERT_ROW("w_ext_policy_map_not_critical", PW_LINT_WARN, PW_SRC_RFC5280, "RFC 5280 §4.2.1.5",
	         "policyMappings should be marked critical.", "1999-01-01", applies_pm,
	         check_pm_crit),
	RFC_CERT_ROW("w_ext_policy_map_not_in_cert_policy", PW_LINT_WARN, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.5",
	         "Each issuerDomainPolicy of policyMappings should also be asserted in "
	         "certificatePolicies.",
	         "2002-04-01", applies_pm, check_pm_in_cp),
};

const struct pw_lint_family pw_lint_family_rfc_policies = {
	"rfc_policies", defs, sizeof defs / sizeof defs[0],
};
