/* pkiward lints — subject and issuer names (RFC 5280 §4.1.2.4, §4.1.2.6,
 * Appendix A upper bounds, Appendix B PrintableString alphabet). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* Upper bounds of RFC 5280 Appendix A.1 (ub-*), in characters. */
#define UB_COMMON_NAME 64
#define UB_LOCALITY_NAME 128
#define UB_STATE_NAME 128
#define UB_ORGANIZATION_NAME 64
#define UB_ORGANIZATIONAL_UNIT_NAME 64
#define UB_POSTAL_CODE 16
#define UB_SERIAL_NUMBER 64
#define UB_EMAIL_ADDRESS 255
#define UB_NAME 32768 /* ub-name: surname, givenName */
/* X.520 (02/2001) UpperBounds: ub-street-address. */
#define UB_STREET_ADDRESS 128
/* X.411 Annex B: ub-given-name 16 / ub-surname 40 as MTS parameters; the
 * X.520 recommendation for interoperable names is 64 characters. */
#define RECOMMENDED_PERSONAL_NAME 64

static int applies_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->is_ca;
}

/* RFC 5280 §4.1.2.6: a CA certificate's subject MUST be a non-empty
 * distinguished name (it is matched against the issuer of what it signs). */
static enum pw_lint_status check_ca_subject_empty(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	if (ctx->cert->subject.n_attrs == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "CA certificate has an empty subject");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.4: the issuer field MUST contain a non-empty DN. */
static enum pw_lint_status check_issuer_empty(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	if (ctx->cert->issuer.n_attrs == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "issuer name is empty");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.6: the subject is a distinguished name (an RDNSequence).
 * The strict parser only accepts a Name here, so reaching the check means
 * the subject is one. */
static enum pw_lint_status check_subject_is_dn(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	(void)details;
	(void)len;
	return ctx->cert->subject.raw.len > 0 ? PW_LINT_PASS : PW_LINT_ERROR;
}

/* RFC 5280 §4.2.1.6: when the subject is an empty sequence the identity is
 * carried by subjectAltName, which MUST then be present. */
static enum pw_lint_status check_empty_without_san(const struct pw_lint_ctx *ctx, char *details,
                                                   size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (c->subject.n_attrs == 0 && rfc_ext(c, PW_OID_EXT_SAN) == NULL)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "subject is empty and there is no subjectAltName extension");
	return PW_LINT_PASS;
}

/* ---- attribute encodings (RFC 5280 Appendix A) ---- */

static enum pw_lint_status require_printable(const struct pw_name *n, enum pw_oid id,
                                             const char *what, char *details, size_t len)
{
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		if (a->id == id && a->tag != PW_DER_PRINTABLE_STRING)
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "%s is encoded as %s, not PrintableString", what,
			                    pw_der_tag_name(a->tag));
	}
	return PW_LINT_PASS;
}

static int applies_issuer_country(const struct pw_lint_ctx *ctx)
{
	return rfc_name_count_strings(&ctx->cert->issuer, PW_OID_C) > 0;
}

static enum pw_lint_status check_issuer_country(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return require_printable(&ctx->cert->issuer, PW_OID_C, "issuer countryName", details, len);
}

static int applies_subject_country(const struct pw_lint_ctx *ctx)
{
	return rfc_name_count_strings(&ctx->cert->subject, PW_OID_C) > 0;
}

static enum pw_lint_status check_subject_country(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	return require_printable(&ctx->cert->subject, PW_OID_C, "subject countryName", details,
	                         len);
}

/* Single-valued attributes (commonName, serialNumber) are read as their
 * last string value, as X.509 libraries do; an empty one is no value. */
static int last_string_nonempty(const struct pw_name *n, enum pw_oid id)
{
	const struct pw_attr *last = NULL;
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id && rfc_tag_is_string(n->attrs[i].tag))
			last = &n->attrs[i];
	return last != NULL && last->value.len > 0;
}

static int applies_subject_serial(const struct pw_lint_ctx *ctx)
{
	return last_string_nonempty(&ctx->cert->subject, PW_OID_SERIAL_NUMBER);
}

static enum pw_lint_status check_subject_serial_printable(const struct pw_lint_ctx *ctx,
                                                          char *details, size_t len)
{
	return require_printable(&ctx->cert->subject, PW_OID_SERIAL_NUMBER, "subject serialNumber",
	                         details, len);
}

/* Next code point of a value read as its string type (invalid sequences
 * yield U+FFFD and advance one unit). Returns the octets consumed. */
static size_t next_code_point(uint32_t tag, const uint8_t *p, size_t n, uint32_t *out)
{
	if (tag == PW_DER_BMP_STRING) {
		if (n < 2) {
			*out = 0xFFFD;
			return n;
		}
		*out = (uint32_t)((p[0] << 8) | p[1]);
		return 2;
	}
	if (tag == PW_DER_UNIVERSAL_STRING) {
		if (n < 4) {
			*out = 0xFFFD;
			return n;
		}
		*out = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
		return 4;
	}
	if (tag == PW_DER_T61_STRING) {
		*out = p[0]; /* read as Latin-1, as most implementations do */
		return 1;
	}
	uint8_t c = p[0];
	size_t k = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
	if (k == 0 || k > n) {
		*out = c < 0x80 ? c : 0xFFFD;
		return 1;
	}
	uint32_t v = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
	for (size_t j = 1; j < k; j++) {
		if ((p[j] & 0xC0) != 0x80) {
			*out = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (p[j] & 0x3Fu);
	}
	*out = v;
	return k;
}

/* RFC 5280 Appendix A / X.520: directory strings are text; C0 and C1
 * control characters (and DEL) have no place in a distinguished name and
 * are a known way to make names display differently from how they match. */
static enum pw_lint_status check_dn_not_printable(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		size_t pos = 0;
		while (pos < a->value.len) {
			uint32_t cp;
			pos += next_code_point(a->tag, a->value.p + pos, a->value.len - pos, &cp);
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "subject %s contains control character U+%04X",
				                    pw_oid_name(a->id), (unsigned)cp);
		}
	}
	return PW_LINT_PASS;
}

/* ---- upper bounds (RFC 5280 Appendix A.1) ---- */

/* Any string-valued attribute of type id longer than max characters. */
static enum pw_lint_status max_length(const struct pw_name *n, enum pw_oid id, size_t max,
                                      enum pw_lint_status sev, char *details, size_t len)
{
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		if (a->id != id || !rfc_tag_is_string(a->tag))
			continue;
		size_t chars = rfc_char_count(a->tag, &a->value);
		if (chars > max)
			return pw_lint_fail(sev, details, len, "subject %s is %zu characters long (limit %zu)",
			                    pw_oid_name(id), chars, max);
	}
	return PW_LINT_PASS;
}

/* Multi-valued attributes apply when present; commonName and serialNumber
 * when their (last) value is non-empty. */
#define MAX_LENGTH_LINT(fn, oid, max, sev)                                                        \
	static int applies_##fn(const struct pw_lint_ctx *ctx)                                    \
	{                                                                                         \
		if ((oid) == PW_OID_CN || (oid) == PW_OID_SERIAL_NUMBER)                          \
			return last_string_nonempty(&ctx->cert->subject, (oid));                  \
		return rfc_name_count_strings(&ctx->cert->subject, (oid)) > 0;                    \
	}                                                                                         \
	static enum pw_lint_status check_##fn(const struct pw_lint_ctx *ctx, char *details,       \
	                                      size_t len)                                         \
	{                                                                                         \
		return max_length(&ctx->cert->subject, (oid), (max), (sev), details, len);        \
	}

MAX_LENGTH_LINT(cn_len, PW_OID_CN, UB_COMMON_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(serial_len, PW_OID_SERIAL_NUMBER, UB_SERIAL_NUMBER, PW_LINT_ERROR)
MAX_LENGTH_LINT(email_len, PW_OID_EMAIL_ADDRESS, UB_EMAIL_ADDRESS, PW_LINT_ERROR)
MAX_LENGTH_LINT(given_len, PW_OID_GIVEN_NAME, UB_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(surname_len, PW_OID_SURNAME, UB_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(locality_len, PW_OID_L, UB_LOCALITY_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(state_len, PW_OID_ST, UB_STATE_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(org_len, PW_OID_O, UB_ORGANIZATION_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(ou_len, PW_OID_OU, UB_ORGANIZATIONAL_UNIT_NAME, PW_LINT_ERROR)
MAX_LENGTH_LINT(postal_len, PW_OID_POSTAL_CODE, UB_POSTAL_CODE, PW_LINT_ERROR)
MAX_LENGTH_LINT(street_len, PW_OID_STREET, UB_STREET_ADDRESS, PW_LINT_ERROR)
MAX_LENGTH_LINT(given_rec, PW_OID_GIVEN_NAME, RECOMMENDED_PERSONAL_NAME, PW_LINT_WARN)
MAX_LENGTH_LINT(surname_rec, PW_OID_SURNAME, RECOMMENDED_PERSONAL_NAME, PW_LINT_WARN)

/* RFC 5280 Appendix B: PrintableString holds only A-Z a-z 0-9 and
 * ' ( ) + , - . / : = ? and space. */
static int printable_ok(const struct pw_der *v)
{
	for (size_t i = 0; i < v->len; i++) {
		uint8_t c = v->p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (c != '\0' && strchr(" '()+,-./:=?", c) != NULL)
			continue;
		return 0;
	}
	return 1;
}

static enum pw_lint_status check_printable_badalpha(const struct pw_lint_ctx *ctx, char *details,
                                                    size_t len)
{
	const struct pw_name *n = &ctx->cert->subject;
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		if (a->tag == PW_DER_PRINTABLE_STRING && !printable_ok(&a->value))
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "subject %s PrintableString has a character outside its alphabet",
			                    pw_oid_name(a->id));
	}
	return PW_LINT_PASS;
}

/* RFC 5280 §4.1.2.6: an email address in the subject (legacy emailAddress
 * attribute) must also be in subjectAltName as an rfc822Name. */
static int applies_subject_email(const struct pw_lint_ctx *ctx)
{
	return rfc_name_count_strings(&ctx->cert->subject, PW_OID_EMAIL_ADDRESS) > 0;
}

static enum pw_lint_status check_email_in_san(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_cert *c = ctx->cert;
	const struct pw_general_names *g = &c->x.san.names;
	for (size_t i = 0; i < c->subject.n_attrs; i++) {
		const struct pw_attr *a = &c->subject.attrs[i];
		if (a->id != PW_OID_EMAIL_ADDRESS || !rfc_tag_is_string(a->tag))
			continue;
		int found = 0;
		for (size_t j = 0; j < g->n && !found; j++)
			found = g->v[j].type == PW_GN_RFC822 && pw_der_equal(&g->v[j].value, &a->value);
		if (!found) {
			char buf[96];
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "subject emailAddress \"%s\" is not an rfc822Name of subjectAltName",
			                    pw_lint_der_to_cstr(&a->value, buf, sizeof buf));
		}
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_ca_subject_field_empty", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.6",
	         "A CA certificate must have a non-empty subject distinguished name.", "1999-01-01",
	         applies_ca, check_ca_subject_empty),
	RFC_CERT_ROW("e_issuer_field_empty", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.4",
	         "The issuer field must hold a non-empty distinguished name.", "1999-01-01", NULL,
	         check_issuer_empty),
	RFC_CERT_ROW("e_subject_not_dn", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.6",
	         "The subject field must be an X.501 distinguished name (RDNSequence).",
	         "1999-01-01", NULL, check_subject_is_dn),
	RFC_CERT_ROW("e_subject_empty_without_san", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2, §4.2.1.6",
	         "A certificate whose subject is empty must carry a subjectAltName extension.",
	         "1999-01-01", NULL, check_empty_without_san),
	RFC_CERT_ROW("e_issuer_dn_country_not_printable_string", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A",
	         "countryName in the issuer name must be encoded as a PrintableString.",
	         "0000-01-01", applies_issuer_country, check_issuer_country),
	RFC_CERT_ROW("e_subject_dn_country_not_printable_string", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A",
	         "countryName in the subject name must be encoded as a PrintableString.",
	         "0000-01-01", applies_subject_country, check_subject_country),
	RFC_CERT_ROW("e_subject_dn_not_printable_characters", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A",
	         "Subject attribute values must not contain C0 or C1 control characters.",
	         "0000-01-01", NULL, check_dn_not_printable),
	RFC_CERT_ROW("e_subject_dn_serial_number_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject serialNumber attribute is limited to 64 characters (ub-serial-number).",
	         "0000-01-01", applies_serial_len, check_serial_len),
	RFC_CERT_ROW("e_subject_dn_serial_number_not_printable_string", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A",
	         "The subject serialNumber attribute must be encoded as a PrintableString.",
	         "0000-01-01", applies_subject_serial, check_subject_serial_printable),
	RFC_CERT_ROW("e_subject_common_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject commonName is limited to 64 characters (ub-common-name).",
	         "1999-01-01", applies_cn_len, check_cn_len),
	RFC_CERT_ROW("e_subject_email_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject emailAddress attribute is limited to 255 characters "
	         "(ub-emailaddress-length).",
	         "1999-01-01", applies_email_len, check_email_len),
	RFC_CERT_ROW("e_subject_given_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject givenName is limited to 32768 characters (ub-name).", "1999-01-01",
	         applies_given_len, check_given_len),
	RFC_CERT_ROW("e_subject_locality_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject localityName is limited to 128 characters (ub-locality-name).",
	         "1999-01-01", applies_locality_len, check_locality_len),
	RFC_CERT_ROW("e_subject_organization_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject organizationName is limited to 64 characters "
	         "(ub-organization-name).",
	         "1999-01-01", applies_org_len, check_org_len),
	RFC_CERT_ROW("e_subject_organizational_unit_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject organizationalUnitName is limited to 64 characters "
	         "(ub-organizational-unit-name).",
	         "1999-01-01", applies_ou_len, check_ou_len),
	RFC_CERT_ROW("e_subject_postal_code_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject postalCode is limited to 16 characters (ub-postal-code).",
	         "1999-01-01", applies_postal_len, check_postal_len),
	RFC_CERT_ROW("e_subject_state_name_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject stateOrProvinceName is limited to 128 characters (ub-state-name).",
	         "1999-01-01", applies_state_len, check_state_len),
	RFC_CERT_ROW("e_subject_street_address_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "X.520 (02/2001) UpperBounds",
	         "The subject streetAddress is limited to 128 characters (ub-street-address).",
	         "1999-01-01", applies_street_len, check_street_len),
	RFC_CERT_ROW("e_subject_surname_max_length", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix A.1",
	         "The subject surname is limited to 32768 characters (ub-name).", "1999-01-01",
	         applies_surname_len, check_surname_len),
	RFC_CERT_ROW("e_subject_printable_string_badalpha", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 Appendix B",
	         "A PrintableString in the subject may only use letters, digits, space and "
	         "' ( ) + , - . / : = ?.",
	         "1999-01-01", NULL, check_printable_badalpha),
	RFC_CERT_ROW("e_subj_email_not_in_san", PW_LINT_ERROR, PW_SRC_RFC5280, "RFC 5280 §4.1.2.6",
	         "Every email address in the subject must also appear as an rfc822Name in "
	         "subjectAltName.",
	         "1999-01-01", applies_subject_email, check_email_in_san),
	RFC_CERT_ROW("w_subject_given_name_recommended_max_length", PW_LINT_WARN, PW_SRC_RFC5280,
	         "X.411 (11/1988) Annex B; X.520",
	         "The subject givenName should not exceed 64 characters so that it fits "
	         "common directory and messaging limits.",
	         "1999-01-01", applies_given_rec, check_given_rec),
	RFC_CERT_ROW("w_subject_surname_recommended_max_length", PW_LINT_WARN, PW_SRC_RFC5280,
	         "X.411 (11/1988) Annex B; X.520",
	         "The subject surname should not exceed 64 characters so that it fits common "
	         "directory and messaging limits.",
	         "1999-01-01", applies_surname_rec, check_surname_rec),
};

const struct pw_lint_family pw_lint_family_rfc_subject = {
	"rfc_subject", defs, sizeof defs / sizeof defs[0],
};
