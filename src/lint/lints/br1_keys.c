/* pkiward — BR lints on subject public keys: allowed algorithms and
 * encodings (BR 6.1.5, 7.1.3.1), curves, legacy RSA sizes for old
 * certificates (BR 6.1.5 as of v1.0), DSA parameters while DSA was allowed
 * (BR 6.1.5/6.1.6 up to v1.7.0), and ECC key usages (BR 7.1.2.7.11).
 *
 * DSA arithmetic uses OpenSSL BIGNUMs and runs only for DSA keys. */
#include <string.h>

#include <openssl/bn.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

#define KU_DIGITAL_SIGNATURE (1u << 0)
#define KU_KEY_AGREEMENT (1u << 4)

/* BR 6.1.5 (v1.0): validity beginning before 2011 / ending before 2014. */
#define RSA1024_ROOT_CUTOFF 1293840000 /* 2011-01-01T00:00:00Z */
#define RSA1024_END_CUTOFF 1388534400  /* 2014-01-01T00:00:00Z */

/* BR 7.1.3.1.1: the only SubjectPublicKeyInfo AlgorithmIdentifier
 * encodings allowed, byte for byte. */
static const uint8_t alg_rsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                  0x01, 0x01, 0x01, 0x05, 0x00};
static const uint8_t alg_p256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                   0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t alg_p384[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                   0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
static const uint8_t alg_p521[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                   0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};

static int raw_is(const struct pw_der *raw, const uint8_t *want, size_t n)
{
	return raw->len == n && memcmp(raw->p, want, n) == 0;
}

static enum pw_lint_status check_alg_encoding(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	const struct pw_der *raw = &ctx->cert->spki.alg.raw;

	if (raw_is(raw, alg_rsa, sizeof alg_rsa) || raw_is(raw, alg_p256, sizeof alg_p256) ||
	    raw_is(raw, alg_p384, sizeof alg_p384) || raw_is(raw, alg_p521, sizeof alg_p521))
		return PW_LINT_PASS;
	br1_detail(details, len, "the SubjectPublicKeyInfo algorithm is not encoded as one of the "
	           "byte sequences BR 7.1.3.1.1 allows");
	return PW_LINT_ERROR;
}

/* DSA was removed from the allowed algorithms in BR 1.7.1. */
static enum pw_lint_status check_no_dsa(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->spki.alg.id == PW_OID_DSA) {
		br1_detail(details, len, "DSA public key");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* A decoded DSA public key: p, q, g from Dss-Parms (RFC 3279 §2.3.2) and
 * y from the subjectPublicKey INTEGER. Windows into the certificate. */
struct dsa_key {
	struct pw_der p, q, g, y;
};

static int dsa_decode(const struct pw_cert *c, struct dsa_key *k)
{
	struct pw_der d, seq, key;
	struct pw_error err;

	if (c->spki.alg.id != PW_OID_DSA || !c->spki.alg.params_present ||
	    c->spki.alg.params_tag != PW_DER_SEQUENCE || c->spki.key_unused_bits != 0)
		return 0;
	d = c->spki.alg.params;
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, &err) || !pw_der_get_integer(&seq, &k->p, &err) ||
	    !pw_der_get_integer(&seq, &k->q, &err) || !pw_der_get_integer(&seq, &k->g, &err) ||
	    pw_der_len(&seq) != 0)
		return 0;
	key = c->spki.key;
	if (!pw_der_get_integer(&key, &k->y, &err) || pw_der_len(&key) != 0)
		return 0;
	return 1;
}

/* Bit length of a non-negative INTEGER's contents. */
static unsigned int_bits(const struct pw_der *v)
{
	size_t i = 0;
	unsigned b;

	while (i < v->len && v->p[i] == 0)
		i++;
	if (i == v->len)
		return 0;
	if (v->p[i] & 0x80 && i == 0)
		return 0; /* negative: not a valid parameter */
	for (b = 8; b > 0 && !(v->p[i] & (1u << (b - 1))); b--)
		;
	return (unsigned)((v->len - i - 1) * 8) + b;
}

static int applies_dsa(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->spki.alg.id == PW_OID_DSA;
}

static int applies_dsa_decoded(const struct pw_lint_ctx *ctx)
{
	struct dsa_key k;

	return dsa_decode(ctx->cert, &k);
}

/* BR 6.1.6 (v1.7.0): the public value y has order q in the subgroup:
 * y^q mod p == 1. */
static enum pw_lint_status check_dsa_order(const struct pw_lint_ctx *ctx, char *details,
                                           size_t len)
{
	enum pw_lint_status st = PW_LINT_FATAL;
	struct dsa_key k;
	BIGNUM *p = NULL, *q = NULL, *y = NULL, *r = NULL;
	BN_CTX *bn = NULL;

	if (!dsa_decode(ctx->cert, &k))
		return PW_LINT_NA;
	bn = BN_CTX_new();
	p = BN_bin2bn(k.p.p, (int)k.p.len, NULL);
	q = BN_bin2bn(k.q.p, (int)k.q.len, NULL);
	y = BN_bin2bn(k.y.p, (int)k.y.len, NULL);
	r = BN_new();
	if (bn == NULL || p == NULL || q == NULL || y == NULL || r == NULL || BN_is_zero(p) ||
	    !BN_mod_exp(r, y, q, p, bn)) {
		br1_detail(details, len, "could not evaluate the DSA key");
		goto out;
	}
	if (BN_is_one(r)) {
		st = PW_LINT_PASS;
	} else {
		br1_detail(details, len, "y^q mod p != 1: the key is not in the order-q subgroup");
		st = PW_LINT_ERROR;
	}
out:
	BN_free(r);
	BN_free(y);
	BN_free(q);
	BN_free(p);
	BN_CTX_free(bn);
	return st;
}

/* BR 6.1.5 (v1.7.0): L = 2048 with N = 224 or 256, or L = 3072 with N = 256. */
static enum pw_lint_status check_dsa_sizes(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	struct dsa_key k;
	unsigned L, N;

	if (!dsa_decode(ctx->cert, &k))
		return PW_LINT_NA;
	L = int_bits(&k.p);
	N = int_bits(&k.q);
	if ((L == 2048 && (N == 224 || N == 256)) || (L == 3072 && N == 256))
		return PW_LINT_PASS;
	br1_detail(details, len, "DSA L=%u N=%u is not an allowed size", L, N);
	return PW_LINT_ERROR;
}

/* BR 6.1.6 (v1.7.0): the domain parameters are all present. */
static enum pw_lint_status check_dsa_params(const struct pw_lint_ctx *ctx, char *details,
                                            size_t len)
{
	struct dsa_key k;

	if (!dsa_decode(ctx->cert, &k) || int_bits(&k.p) == 0 || int_bits(&k.q) == 0 ||
	    int_bits(&k.g) == 0) {
		br1_detail(details, len, "DSA domain parameters p, q, g are not all present");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 6.1.5 (v1.7.0): at least 2048-bit modulus (and a matching divisor). */
static enum pw_lint_status check_dsa_short(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	struct dsa_key k;
	unsigned L, N;

	if (!dsa_decode(ctx->cert, &k))
		return PW_LINT_NA;
	L = int_bits(&k.p);
	N = int_bits(&k.q);
	/* zlint compares N against 244, a typo for 224 kept for agreement: no
	 * 2048-bit DSA key with N between 224 and 243 exists in practice. */
	if (L >= 2048 && N >= 244)
		return PW_LINT_PASS;
	br1_detail(details, len, "DSA modulus of %u bits (divisor %u bits) is too short", L, N);
	return PW_LINT_ERROR;
}

/* BR 6.1.6 (v1.7.0): 2 <= y <= p - 2. */
static enum pw_lint_status check_dsa_repr(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	enum pw_lint_status st = PW_LINT_FATAL;
	struct dsa_key k;
	BIGNUM *p = NULL, *y = NULL;

	if (!dsa_decode(ctx->cert, &k))
		return PW_LINT_NA;
	p = BN_bin2bn(k.p.p, (int)k.p.len, NULL);
	y = BN_bin2bn(k.y.p, (int)k.y.len, NULL);
	if (p == NULL || y == NULL || !BN_sub_word(p, 2)) {
		br1_detail(details, len, "could not evaluate the DSA key");
		goto out;
	}
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, p) > 0) {
		br1_detail(details, len, "DSA y is outside [2, p-2]");
		st = PW_LINT_ERROR;
	} else {
		st = PW_LINT_PASS;
	}
out:
	BN_free(y);
	BN_free(p);
	return st;
}

static int applies_ec(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->spki.alg.id == PW_OID_EC_PUBLIC_KEY;
}

/* BR 6.1.5: ECDSA keys are on NIST P-256, P-384 or P-521. */
static enum pw_lint_status check_ec_curve(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	enum pw_oid curve = ctx->cert->spki.ec_curve;

	if (!ctx->cert->spki.ec_explicit &&
	    (curve == PW_OID_SECP256R1 || curve == PW_OID_SECP384R1 || curve == PW_OID_SECP521R1))
		return PW_LINT_PASS;
	br1_detail(details, len, "EC key on %s, not P-256, P-384 or P-521",
	           ctx->cert->spki.ec_explicit ? "explicit parameters"
	           : curve != PW_OID_UNKNOWN ? pw_oid_name(curve) : "an unknown curve");
	return PW_LINT_ERROR;
}

static int applies_old_root_rsa(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;

	return c->spki.rsa_ok && pw_lint_is_root(ctx) && c->not_before < RSA1024_ROOT_CUTOFF;
}

static enum pw_lint_status check_rsa_2048(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->spki.rsa_bits < 2048) {
		br1_detail(details, len, "RSA modulus of %u bits", ctx->cert->spki.rsa_bits);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status check_rsa_1024(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (ctx->cert->spki.rsa_bits < 1024) {
		br1_detail(details, len, "RSA modulus of %u bits", ctx->cert->spki.rsa_bits);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int applies_old_sub_ca_rsa(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;

	return c->spki.rsa_ok && pw_lint_is_subca(ctx) && c->not_before < RSA1024_ROOT_CUTOFF &&
	       c->not_after < RSA1024_END_CUTOFF;
}

static int applies_old_sub_cert_rsa(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;

	return c->spki.rsa_ok && !c->is_ca && c->not_after < RSA1024_END_CUTOFF;
}

/* BR 6.1.5: subject keys are RSA or ECDSA (DSA, allowed until BR 1.7.1, is
 * left to e_br_prohibit_dsa_usage). */
static enum pw_lint_status check_key_type(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	enum pw_oid id = ctx->cert->spki.alg.id;

	if (id == PW_OID_RSA_ENCRYPTION || id == PW_OID_EC_PUBLIC_KEY || id == PW_OID_DSA)
		return PW_LINT_PASS;
	br1_detail(details, len, "public key algorithm %s is not allowed",
	           id != PW_OID_UNKNOWN ? pw_oid_name(id) : "(unknown)");
	return PW_LINT_ERROR;
}

static int applies_ec_subscriber_ku(const struct pw_lint_ctx *ctx)
{
	return ctx->cert->spki.alg.id == PW_OID_EC_PUBLIC_KEY &&
	       pw_lint_has_ext(ctx->cert, PW_OID_EXT_KEY_USAGE) && pw_lint_is_subscriber(ctx);
}

/* BR 7.1.2.7.11: for ECC subscriber keys digitalSignature MUST be set and
 * only keyAgreement may accompany it. */
static enum pw_lint_status check_ecc_ku(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	unsigned bits = ctx->cert->x.ku.bits & BR1_KU_DEFINED;

	if (!(bits & KU_DIGITAL_SIGNATURE)) {
		br1_detail(details, len, "ECC key without digitalSignature key usage");
		return PW_LINT_ERROR;
	}
	if (bits & ~(KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT)) {
		br1_detail(details, len, "ECC key usage beyond digitalSignature and keyAgreement");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_algorithm_identifier_improper_encoding", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.3.1",
	 "The SubjectPublicKeyInfo AlgorithmIdentifier must be encoded exactly as one of the byte "
	 "sequences the BRs list (RSA with NULL parameters, or P-256/P-384/P-521 named curves).",
	 "2020-08-20", NULL, NULL, check_alg_encoding, 0},
	{"e_br_prohibit_dsa_usage", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR v1.7.1",
	 "DSA subject keys are not allowed since BR 1.7.1.",
	 "2020-08-20", NULL, NULL, check_no_dsa, 0},
	{"e_cabf_ecc_allowed_key_usages", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.2.7.11",
	 "A subscriber certificate with an ECC key must assert digitalSignature and may add only "
	 "keyAgreement.",
	 "2023-09-15", NULL, applies_ec_subscriber_ku, check_ecc_ku, 0},
	{"e_dsa_correct_order_in_subgroup", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 6.1.6 (v1.7.0)",
	 "A DSA public value must lie in the subgroup of order q (y^q mod p = 1).",
	 "2012-07-01", "2020-08-20", applies_dsa_decoded, check_dsa_order, 0},
	{"e_dsa_improper_modulus_or_divisor_size", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 6.1.5 (v1.7.0)",
	 "DSA keys must use L=2048 with N=224 or 256, or L=3072 with N=256.",
	 "0000-01-01", NULL, applies_dsa, check_dsa_sizes, 0},
	{"e_dsa_params_missing", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 6.1.6 (v1.7.0)",
	 "A DSA key must carry all of its domain parameters p, q and g.",
	 "2012-07-01", "2020-08-20", applies_dsa, check_dsa_params, 0},
	{"e_dsa_shorter_than_2048_bits", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 6.1.5 (v1.7.0)",
	 "DSA moduli must be at least 2048 bits.",
	 "0000-01-01", "2020-08-20", applies_dsa, check_dsa_short, 0},
	{"e_dsa_unique_correct_representation", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 6.1.6 (v1.7.0)",
	 "A DSA public value y must satisfy 2 <= y <= p-2.",
	 "2012-07-01", "2020-08-20", applies_dsa, check_dsa_repr, 0},
	{"e_ec_improper_curves", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 6.1.5",
	 "ECDSA keys must be on NIST P-256, P-384 or P-521.",
	 "0000-01-01", NULL, applies_ec, check_ec_curve, 0},
	{"e_old_root_ca_rsa_mod_less_than_2048_bits", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 6.1.5",
	 "Root CA certificates whose validity began before 2011 must still use RSA moduli of at "
	 "least 2048 bits.",
	 "0000-01-01", NULL, applies_old_root_rsa, check_rsa_2048, 0},
	{"e_old_sub_ca_rsa_mod_less_than_1024_bits", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 6.1.5",
	 "Subordinate CA certificates valid from before 2011 until before 2014 must use RSA moduli "
	 "of at least 1024 bits.",
	 "0000-01-01", NULL, applies_old_sub_ca_rsa, check_rsa_1024, 0},
	{"e_old_sub_cert_rsa_mod_less_than_1024_bits", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 6.1.5",
	 "Subscriber certificates expiring before 2014 must use RSA moduli of at least 1024 bits.",
	 "0000-01-01", NULL, applies_old_sub_cert_rsa, check_rsa_1024, 0},
	{"e_public_key_type_not_allowed", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 6.1.5",
	 "Subject public keys must be RSA or ECDSA (DSA only where still allowed).",
	 "2012-07-01", NULL, NULL, check_key_type, 0},
};

const struct pw_lint_family pw_lint_family_br1_keys = {"br1_keys", defs,
                                                       sizeof defs / sizeof defs[0]};
