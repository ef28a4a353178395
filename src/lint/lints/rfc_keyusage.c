/* pkiward lints — keyUsage and extendedKeyUsage (RFC 5280 §4.2.1.3,
 * §4.2.1.9, §4.2.1.12), their agreement with the key type (RFC 3279 §2.3.1,
 * RFC 5480 §3, RFC 8813 §3) and the DER encoding of the keyUsage BIT STRING
 * (X.690 §11.2.2). */
#include <string.h>

#include "../lint_util.h"
#include "../rfc_util.h"

/* Bits a keyUsage BIT STRING may name (RFC 5280 §4.2.1.3: 0..8). */
#define KU_NAMED_BITS 9u

/* keyUsage as the nine named bits. */
static unsigned ku_bits(const struct pw_cert *c)
{
	return c->x.ku.bits & RFC_KU_NAMED_MASK;
}

static int applies_ku(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE) != NULL;
}

static int applies_ku_value(const struct pw_lint_ctx *ctx)
{
	const struct pw_ext *e = rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE);
	return e != NULL && e->value.len > 0;
}

static const char *const ku_names[KU_NAMED_BITS] = {
	"digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
};

/* Names the first bit of `bits`, for details texts. */
static const char *first_ku_name(unsigned bits)
{
	for (unsigned i = 0; i < KU_NAMED_BITS; i++)
		if (bits & (1u << i))
			return ku_names[i];
	return "?";
}

/* RFC 5280 §4.2.1.3 and §4.2.1.9: keyCertSign only with cA TRUE. */
static enum pw_lint_status check_cert_sign_without_ca(const struct pw_lint_ctx *ctx, char *details,
                                                      size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if ((ku_bits(c) & RFC_KU_KEY_CERT_SIGN) && !(c->x.bc.present && c->is_ca))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "keyCertSign is asserted but basicConstraints cA is not TRUE");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.3: when keyUsage is present, at least one bit MUST be
 * set. */
static enum pw_lint_status check_ku_without_bits(const struct pw_lint_ctx *ctx, char *details,
                                                 size_t len)
{
	if (ku_bits(ctx->cert) == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "keyUsage asserts no usage");
	return PW_LINT_PASS;
}

/* X.690 §11.2.2: a named bit list has its trailing 0 bits removed, so the
 * unused-bits count equals the trailing zero bits of the last octet and the
 * last octet is never zero. */
static enum pw_lint_status check_incorrect_ku_encoding(const struct pw_lint_ctx *ctx,
                                                       char *details, size_t len)
{
	const struct pw_der *v = &rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE)->value;
	if (v->len < 4)
		return pw_lint_fail(PW_LINT_FATAL, details, len,
		                    "keyUsage value is %zu octets; a BIT STRING with content needs 4",
		                    v->len);
	unsigned declared = v->p[2], actual = 0;
	size_t i = v->len;
	/* Trailing zero bits of the content read as one big-endian number (a
	 * zero number has none). */
	while (i > 3 && v->p[i - 1] == 0) {
		actual += 8;
		i--;
	}
	if (i == 3) {
		actual = 0;
	} else {
		uint8_t last = v->p[i - 1];
		while (!(last & 1)) {
			actual++;
			last >>= 1;
		}
	}
	if (declared != actual)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "keyUsage declares %u unused bits but its value ends in %u zero bits",
		                    declared, actual);
	return PW_LINT_PASS;
}

/* X.690 §11.2.2: no trailing zero octet in a named bit list. */
static enum pw_lint_status check_superfluous_ku(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	const struct pw_der *v = &rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE)->value;
	if (v->p[v->len - 1] == 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "keyUsage BIT STRING ends in a superfluous zero octet");
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.3: KeyUsage has nine named bits; none beyond
 * decipherOnly (8) may be set. */
static enum pw_lint_status check_ku_length(const struct pw_lint_ctx *ctx, char *details,
                                           size_t len)
{
	struct pw_der d = rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE)->value, bits;
	struct pw_error err;
	unsigned unused;
	if (!pw_der_get_bit_string(&d, &bits, &unused, &err) || pw_der_len(&d) != 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len, "keyUsage is not a valid BIT STRING");
	size_t n_bits = bits.len * 8 - unused;
	for (size_t i = KU_NAMED_BITS; i < n_bits; i++)
		if (bits.p[i / 8] & (0x80u >> (i % 8)))
			return pw_lint_fail(PW_LINT_ERROR, details, len,
			                    "keyUsage sets bit %zu, beyond the nine defined usages", i);
	return PW_LINT_PASS;
}

/* ---- keyUsage vs extendedKeyUsage (RFC 5280 §4.2.1.12) ---- */

/* The keyUsage combinations §4.2.1.12 lists as consistent with an EKU.
 * Returns the number written to out (0 when the EKU has no such list). */
static size_t eku_ku_sets(enum pw_oid eku, unsigned out[11])
{
	const unsigned DS = RFC_KU_DIGITAL_SIGNATURE, CC = RFC_KU_CONTENT_COMMITMENT,
	               KE = RFC_KU_KEY_ENCIPHERMENT, KA = RFC_KU_KEY_AGREEMENT;
	size_t n = 0;
	switch (eku) {
	case PW_OID_EKU_SERVER_AUTH: /* digitalSignature, keyEncipherment or keyAgreement */
		out[n++] = DS;
		out[n++] = KE;
		out[n++] = KA;
		out[n++] = DS | KE;
		out[n++] = DS | KA;
		break;
	case PW_OID_EKU_CLIENT_AUTH: /* digitalSignature and/or keyAgreement */
		out[n++] = DS;
		out[n++] = KA;
		out[n++] = DS | KA;
		break;
	case PW_OID_EKU_CODE_SIGNING: /* digitalSignature */
		out[n++] = DS;
		break;
	case PW_OID_EKU_EMAIL_PROTECTION: /* DS, nonRepudiation, and/or (KE or KA) */
		out[n++] = DS;
		out[n++] = CC;
		out[n++] = KE;
		out[n++] = KA;
		out[n++] = DS | CC;
		out[n++] = DS | KE;
		out[n++] = DS | KA;
		out[n++] = DS | CC | KE;
		out[n++] = DS | CC | KA;
		out[n++] = CC | KE;
		out[n++] = CC | KA;
		break;
	case PW_OID_EKU_TIME_STAMPING: /* digitalSignature and/or nonRepudiation */
	case PW_OID_EKU_OCSP_SIGNING:
		out[n++] = DS;
		out[n++] = CC;
		out[n++] = DS | CC;
		break;
	default:
		break;
	}
	return n;
}

static int applies_ku_eku(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && rfc_ext(ctx->cert, PW_OID_EXT_EXT_KEY_USAGE) != NULL &&
	       rfc_ext(ctx->cert, PW_OID_EXT_KEY_USAGE) != NULL;
}

/* With one purpose the keyUsage must be one of that purpose's listed
 * combinations; with several, every asserted bit must be consistent with
 * at least one of the purposes (a purpose §4.2.1.12 says nothing about
 * makes the combination unconstrained). */
static enum pw_lint_status check_ku_eku(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	unsigned ku = ku_bits(c), sets[11];
	size_t known = 0;
	for (size_t i = 0; i < c->x.eku.n; i++)
		known += c->x.eku.ids[i] != PW_OID_UNKNOWN;
	if (known <= 1) {
		for (size_t i = 0; i < c->x.eku.n; i++) {
			size_t n = eku_ku_sets(c->x.eku.ids[i], sets), j;
			if (n == 0)
				continue;
			for (j = 0; j < n && sets[j] != ku; j++)
				;
			if (j == n)
				return pw_lint_fail(PW_LINT_ERROR, details, len,
				                    "keyUsage 0x%03x is inconsistent with extKeyUsage %s", ku,
				                    pw_oid_name(c->x.eku.ids[i]));
		}
		return PW_LINT_PASS;
	}
	unsigned allowed = 0;
	for (size_t i = 0; i < c->x.eku.n; i++) {
		if (c->x.eku.ids[i] == PW_OID_UNKNOWN)
			continue;
		size_t n = eku_ku_sets(c->x.eku.ids[i], sets);
		if (n == 0)
			return PW_LINT_PASS;
		for (size_t j = 0; j < n; j++)
			allowed |= sets[j];
	}
	if (ku == 0 || (ku & ~allowed) != 0)
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "keyUsage %s is inconsistent with every extKeyUsage purpose",
		                    first_ku_name(ku & ~allowed));
	return PW_LINT_PASS;
}

/* RFC 5280 §4.2.1.12: anyExtendedKeyUsage SHOULD NOT be in a critical
 * extKeyUsage. */
static int applies_eku(const struct pw_lint_ctx *ctx)
{
	return rfc_ext(ctx->cert, PW_OID_EXT_EXT_KEY_USAGE) != NULL;
}

static enum pw_lint_status check_eku_critical(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_cert *c = ctx->cert;
	if (rfc_ext(c, PW_OID_EXT_EXT_KEY_USAGE)->critical && pw_lint_has_eku(c, PW_OID_EKU_ANY))
		return pw_lint_fail(PW_LINT_WARN, details, len,
		                    "extKeyUsage is critical and contains anyExtendedKeyUsage");
	return PW_LINT_PASS;
}

/* ---- key type (RFC 3279 §2.3.1, RFC 5480 §3, RFC 8813 §3) ---- */

static int is_rsa(const struct pw_cert *c)
{
	return c->spki.alg.id == PW_OID_RSA_ENCRYPTION;
}

static int is_ec(const struct pw_cert *c)
{
	return c->spki.alg.id == PW_OID_EC_PUBLIC_KEY;
}

static int applies_rsa_ca(const struct pw_lint_ctx *ctx)
{
	return is_rsa(ctx->cert) && applies_ku(ctx) && ctx->cert->is_ca;
}

static int applies_rsa_ee(const struct pw_lint_ctx *ctx)
{
	return is_rsa(ctx->cert) && applies_ku(ctx) && pw_lint_is_subscriber(ctx);
}

static enum pw_lint_status forbid_bits(const struct pw_cert *c, unsigned forbidden,
                                       enum pw_lint_status sev, const char *who, char *details,
                                       size_t len)
{
	unsigned bad = ku_bits(c) & forbidden;
	if (bad)
		return pw_lint_fail(sev, details, len, "%s asserts %s", who, first_ku_name(bad));
	return PW_LINT_PASS;
}

/* RFC 3279 §2.3.1: an RSA key may be used for signatures, key transport
 * and certificate/CRL signing; keyAgreement, encipherOnly and decipherOnly
 * do not apply to RSA. */
static enum pw_lint_status check_rsa_ku_ca(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return forbid_bits(ctx->cert,
	                   RFC_KU_KEY_AGREEMENT | RFC_KU_ENCIPHER_ONLY | RFC_KU_DECIPHER_ONLY,
	                   PW_LINT_ERROR, "CA certificate with an RSA key", details, len);
}

static enum pw_lint_status check_rsa_ku_ee(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return forbid_bits(ctx->cert,
	                   RFC_KU_KEY_AGREEMENT | RFC_KU_KEY_CERT_SIGN | RFC_KU_CRL_SIGN |
	                           RFC_KU_ENCIPHER_ONLY | RFC_KU_DECIPHER_ONLY,
	                   PW_LINT_ERROR, "end-entity certificate with an RSA key", details, len);
}

/* RFC 3279 §2.3.1: with keyCertSign or cRLSign, keyEncipherment and
 * dataEncipherment should not be asserted for the same RSA key. */
static enum pw_lint_status check_rsa_ku_no_enc_ca(const struct pw_lint_ctx *ctx, char *details,
                                                  size_t len)
{
	unsigned ku = ku_bits(ctx->cert);
	if ((ku & (RFC_KU_KEY_CERT_SIGN | RFC_KU_CRL_SIGN)) &&
	    (ku & (RFC_KU_KEY_ENCIPHERMENT | RFC_KU_DATA_ENCIPHERMENT)))
		return pw_lint_fail(PW_LINT_ERROR, details, len,
		                    "RSA CA key asserts certificate/CRL signing together with encipherment");
	return PW_LINT_PASS;
}

static int applies_ec_ku(const struct pw_lint_ctx *ctx)
{
	return is_ec(ctx->cert) && applies_ku(ctx);
}

/* RFC 8813 §3: keyEncipherment and dataEncipherment MUST NOT be present
 * with id-ecPublicKey. */
static enum pw_lint_status check_ecdsa_ku(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return forbid_bits(ctx->cert, RFC_KU_KEY_ENCIPHERMENT | RFC_KU_DATA_ENCIPHERMENT,
	                   PW_LINT_ERROR, "certificate with an EC key", details, len);
}

static int applies_ec_ee_ku(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && applies_ec_ku(ctx);
}

/* RFC 5480 §3: an EC end-entity key may assert digitalSignature,
 * nonRepudiation and keyAgreement. */
static enum pw_lint_status check_ecdsa_ee_ku(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	return forbid_bits(ctx->cert,
	                   RFC_KU_NAMED_MASK & ~(RFC_KU_DIGITAL_SIGNATURE | RFC_KU_CONTENT_COMMITMENT |
	                                         RFC_KU_KEY_AGREEMENT),
	                   PW_LINT_NOTICE, "end-entity certificate with an EC key", details, len);
}

#define KU_CITE "RFC 5280 §4.2.1.3"

static const struct pw_lint_def defs[] = {
	RFC_CERT_ROW("e_ext_key_usage_cert_sign_without_ca", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.3, §4.2.1.9",
	         "keyCertSign may only be asserted when basicConstraints has cA TRUE.",
	         "2002-04-01", applies_ku, check_cert_sign_without_ca),
	RFC_CERT_ROW("e_ext_key_usage_without_bits", PW_LINT_ERROR, PW_SRC_RFC5280, KU_CITE,
	         "A keyUsage extension must assert at least one usage.", "2008-05-01", applies_ku,
	         check_ku_without_bits),
	RFC_CERT_ROW("e_incorrect_ku_encoding", PW_LINT_ERROR, PW_SRC_RFC5280, "X.690 §11.2.2",
	         "The keyUsage BIT STRING's unused-bits count must equal its trailing zero bits "
	         "(trailing zeros removed).",
	         "0000-01-01", applies_ku_value, check_incorrect_ku_encoding),
	RFC_CERT_ROW("e_superfluous_ku_encoding", PW_LINT_ERROR, PW_SRC_RFC5280, "X.690 §11.2.2",
	         "The keyUsage BIT STRING must not end with a zero octet.", "0000-01-01",
	         applies_ku_value, check_superfluous_ku),
	RFC_CERT_ROW("e_key_usage_incorrect_length", PW_LINT_ERROR, PW_SRC_RFC5280, KU_CITE,
	         "keyUsage has nine defined bits; no bit past decipherOnly may be set.",
	         "2008-05-01", applies_ku, check_ku_length),
	RFC_CERT_ROW("e_key_usage_and_extended_key_usage_inconsistent", PW_LINT_ERROR, PW_SRC_RFC5280,
	         "RFC 5280 §4.2.1.12",
	         "keyUsage must be consistent with the purposes listed in extKeyUsage.",
	         "2008-05-01", applies_ku_eku, check_ku_eku),
	RFC_CERT_ROW("w_eku_critical_improperly", PW_LINT_WARN, PW_SRC_RFC5280, "RFC 5280 §4.2.1.12",
	         "A critical extKeyUsage should not contain anyExtendedKeyUsage.", "2002-04-01",
	         applies_eku, check_eku_critical),
	RFC_CERT_ROW("e_rsa_allowed_ku_ca", PW_LINT_ERROR, PW_SRC_RFC3279, "RFC 3279 §2.3.1",
	         "A CA certificate with an RSA key must not assert keyAgreement, encipherOnly or "
	         "decipherOnly.",
	         "2002-04-01", applies_rsa_ca, check_rsa_ku_ca),
	RFC_CERT_ROW("e_rsa_allowed_ku_ee", PW_LINT_ERROR, PW_SRC_RFC3279, "RFC 3279 §2.3.1",
	         "An end-entity certificate with an RSA key must not assert keyAgreement, "
	         "keyCertSign, cRLSign, encipherOnly or decipherOnly.",
	         "2002-04-01", applies_rsa_ee, check_rsa_ku_ee),
	RFC_CERT_ROW("e_rsa_allowed_ku_no_encipherment_ca", PW_LINT_ERROR, PW_SRC_RFC3279,
	         "RFC 3279 §2.3.1",
	         "An RSA CA key used for certificate or CRL signing must not also assert "
	         "keyEncipherment or dataEncipherment.",
	         "2002-04-01", applies_rsa_ca, check_rsa_ku_no_enc_ca),
	RFC_CERT_ROW("e_ecdsa_allowed_ku", PW_LINT_ERROR, PW_SRC_RFC8813, "RFC 8813 §3",
	         "A certificate for an id-ecPublicKey key must not assert keyEncipherment or "
	         "dataEncipherment.",
	         "2020-08-01", applies_ec_ku, check_ecdsa_ku),
	RFC_CERT_ROW("n_ecdsa_ee_invalid_ku", PW_LINT_NOTICE, PW_SRC_RFC5480, "RFC 5480 §3",
	         "An end-entity EC key is expected to assert only digitalSignature, "
	         "nonRepudiation and keyAgreement.",
	         "2012-07-01", applies_ec_ee_ku, check_ecdsa_ee_ku),
};

const struct pw_lint_family pw_lint_family_rfc_keyusage = {
	"rfc_keyusage", defs, sizeof defs / sizeof defs[0],
};
