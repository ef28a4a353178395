/* pkiward — key and signature algorithm lints: BR 6.1.5 / 6.1.6 / 7.1.3,
 * Mozilla Root Store Policy 5.1 / 5.2, and the community RSA checks. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bn.h>

#include "br2_defs.h"
#include "key_memo.h"

/* ---- RSA public keys (BR 6.1.6, NIST SP 800-89 §5.3.3) ---- */

static int is_rsa_alg(const struct pw_cert *c)
{
	return c->spki.alg.id == PW_OID_RSA_ENCRYPTION;
}

/* The RSA key decoded and both numbers are positive, as RSA software needs. */
static int rsa_parsed(const struct pw_cert *c)
{
	const struct pw_spki *k = &c->spki;
	return is_rsa_alg(c) && k->rsa_ok && k->rsa_n.len > 0 && !(k->rsa_n.p[0] & 0x80) &&
	       k->rsa_e.len > 0;
}

static int rsa_applies(const struct pw_lint_ctx *x) { return rsa_parsed(x->cert); }
static int rsa_alg_applies(const struct pw_lint_ctx *x) { return is_rsa_alg(x->cert); }
static int rsa_decoded(const struct pw_lint_ctx *x) { return is_rsa_alg(x->cert) && x->cert->spki.rsa_ok; }

/* Significant octets of a non-negative INTEGER (leading zero octets dropped). */
static void int_strip(const struct pw_der *v, const uint8_t **p, size_t *n)
{
	*p = v->p;
	*n = v->len;
	while (*n > 0 && **p == 0) {
		(*p)++;
		(*n)--;
	}
}

static int int_is_negative(const struct pw_der *v)
{
	return v->len > 0 && (v->p[0] & 0x80);
}

/* Compares a non-negative INTEGER with a small value: -1, 0, 1. */
static int int_cmp_u64(const struct pw_der *v, uint64_t w)
{
	const uint8_t *p;
	size_t n;
	uint64_t x = 0;
	if (int_is_negative(v))
		return -1;
	int_strip(v, &p, &n);
	if (n > 8)
		return 1;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | p[i];
	return x < w ? -1 : x > w;
}

static unsigned int_bits(const struct pw_der *v)
{
	const uint8_t *p;
	size_t n;
	unsigned b = 0;
	int_strip(v, &p, &n);
	if (n == 0)
		return 0;
	for (uint8_t t = p[0]; t; t >>= 1)
		b++;
	return (unsigned)((n - 1) * 8) + b;
}

static int int_is_odd(const struct pw_der *v)
{
	return v->len > 0 && (v->p[v->len - 1] & 1);
}

static int rsa_len_applies(const struct pw_lint_ctx *x)
{
	return rsa_parsed(x->cert) && x->cert->not_after >= br2_date(2014, 1, 1);
}

static enum pw_lint_status rsa_2048(const struct pw_lint_ctx *x, char *d, size_t l)
{
	unsigned bits = int_bits(&x->cert->spki.rsa_n);
	if (bits < 2048) {
		br2_details(d, l, "RSA modulus is %u bits", bits);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status rsa_exp_odd(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (int_is_odd(&x->cert->spki.rsa_e))
		return PW_LINT_PASS;
	br2_details(d, l, "RSA public exponent is even");
	return PW_LINT_ERROR;
}

static enum pw_lint_status rsa_exp_small(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (int_cmp_u64(&x->cert->spki.rsa_e, 3) >= 0)
		return PW_LINT_PASS;
	br2_details(d, l, "RSA public exponent is below 3");
	return PW_LINT_ERROR;
}

static enum pw_lint_status rsa_exp_range(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *e = &x->cert->spki.rsa_e;
	if (int_cmp_u64(e, 65537) >= 0 && int_bits(e) <= 256)
		return PW_LINT_PASS;
	br2_details(d, l, "RSA public exponent is outside [2^16+1, 2^256-1]");
	return PW_LINT_WARN;
}

static enum pw_lint_status rsa_mod_odd(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (int_is_odd(&x->cert->spki.rsa_n))
		return PW_LINT_PASS;
	br2_details(d, l, "RSA modulus is even");
	return PW_LINT_WARN;
}

/* The primes below 752 (NIST SP 800-89 §5.3.3 via BR 6.1.6). */
static const unsigned short small_primes[] = {
	2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
	89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179,
	181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277,
	281, 283, 293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389,
	397, 401, 409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499,
	503, 509, 521, 523, 541, 547, 557, 563, 569, 571, 577, 587, 593, 599, 601, 607, 613, 617,
	619, 631, 641, 643, 647, 653, 659, 661, 673, 677, 683, 691, 701, 709, 719, 727, 733, 739,
	743, 751,
};
#define N_SMALL_PRIMES (sizeof small_primes / sizeof small_primes[0])

/* Products of consecutive small primes stay below 2^32, so a remainder
 * and one 32-bit input chunk fit in 64 bits. */
#define SMALL_GROUP_LIMIT (1ull << 32)

/* x mod m for x < 2^64, m < 2^32, with inv = floor((2^64 - 1) / m):
 * Barrett reduction, a multiplication instead of a slow 64-bit division. */
static uint64_t mod_barrett(uint64_t x, uint64_t m, uint64_t inv)
{
	uint64_t q = (uint64_t)(((unsigned __int128)x * inv) >> 64);
	uint64_t r = x - q * m;
	while (r >= m)
		r -= m;
	return r;
}

/* Number of prime groups whose products stay below 2^32 (133 primes). */
#define SMALL_GROUPS_MAX 48

/* First small prime dividing the big-endian integer p[0..n), or 0. The
 * integer is reduced modulo products of 2-9 consecutive primes (below
 * 2^32) in 32-bit chunks, all groups side by side in one pass so the
 * independent reductions overlap in the pipeline; each prime of a group
 * then divides that group's small remainder. */
static unsigned small_factor(const uint8_t *p, size_t n)
{
	uint64_t m[SMALL_GROUPS_MAX], inv[SMALL_GROUPS_MAX], r[SMALL_GROUPS_MAX];
	size_t first[SMALL_GROUPS_MAX + 1], ng = 0, i = 0, head = n % 4, k;
	while (i < N_SMALL_PRIMES && ng < SMALL_GROUPS_MAX) {
		m[ng] = 1;
		first[ng] = i;
		while (i < N_SMALL_PRIMES && m[ng] * small_primes[i] < SMALL_GROUP_LIMIT)
			m[ng] *= small_primes[i++];
		inv[ng] = UINT64_MAX / m[ng];
		ng++;
	}
	first[ng] = i;
	{
		uint64_t h = 0;
		for (k = 0; k < head; k++)
			h = h << 8 | p[k];
		for (size_t g = 0; g < ng; g++)
			r[g] = h % m[g];
	}
	for (k = head; k < n; k += 4) {
		uint64_t chunk = (uint64_t)p[k] << 24 | (uint64_t)p[k + 1] << 16 | (uint64_t)p[k + 2] << 8 | p[k + 3];
		for (size_t g = 0; g < ng; g++)
			r[g] = mod_barrett(r[g] << 32 | chunk, m[g], inv[g]);
	}
	for (size_t g = 0; g < ng; g++)
		for (size_t j = first[g]; j < first[g + 1]; j++)
			if (r[g] % small_primes[j] == 0)
				return small_primes[j];
	return 0;
}

static enum pw_lint_status rsa_small_factors_compute(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const uint8_t *p;
	size_t n;
	unsigned f;
	int_strip(&x->cert->spki.rsa_n, &p, &n);
	f = small_factor(p, n);
	if (f != 0) {
		br2_details(d, l, "RSA modulus is divisible by %u", f);
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

/* The result depends on the modulus alone: a key seen before (renewals, a
 * CA base re-linted) is answered from the result set's memo. */
static enum pw_lint_status rsa_small_factors(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *nd = &x->cert->spki.rsa_n;
	return pw_lint_key_memo_run(x, PW_LINT_KEY_MEMO_RSA_SMALL_FACTORS, nd->p, nd->len,
	                            rsa_small_factors_compute, d, l);
}

static enum pw_lint_status rsa_exp_negative(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (int_is_negative(&x->cert->spki.rsa_e)) {
		br2_details(d, l, "RSA public exponent is negative");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status rsa_key_present(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (rsa_parsed(x->cert))
		return PW_LINT_PASS;
	br2_details(d, l, "rsaEncryption key does not decode as an RSAPublicKey with positive numbers");
	return PW_LINT_ERROR;
}

/* Fermat's method (a^2 - n = b^2 with a from ceil(sqrt(n))) finds the
 * factors quickly when p and q are close; keys generated with a broken RNG
 * have been found this way (https://fermatattack.secvuln.info/). */
#define FERMAT_ROUNDS 100
/* Moduli above this size are not searched (the big-number work grows with
 * the square of the size; no WebPKI software accepts such keys, and other
 * lints report their size). */
#define FERMAT_MAX_BITS 16384

static int fermat_applies(const struct pw_lint_ctx *x)
{
	return rsa_parsed(x->cert) && int_bits(&x->cert->spki.rsa_n) <= FERMAT_MAX_BITS;
}

/* Moduli of the quadratic-residue filter: a square is a square modulo
 * each, and together they let through about one non-square in 30,000, so
 * the exact square root almost never runs. */
static const unsigned qr_mod[] = { 64, 63, 65, 11, 17, 19, 23, 29, 31, 37, 41, 43, 47 };
#define N_QR_MOD (sizeof qr_mod / sizeof qr_mod[0])
#define QR_MOD_MAX 65
/* The filter moduli grouped into products below 2^32 (64*63*65*11*17*19
 * and 23*29*31*37*41*43, then 47), so the residues of a big number come
 * from three passes over its bytes instead of one BN_mod_word (a division
 * per limb) per modulus. qr_group[m] is the product that qr_mod[m] divides. */
static const uint32_t qr_products[] = { 931170240u, 1348781387u, 47u };
#define N_QR_PRODUCTS (sizeof qr_products / sizeof qr_products[0])
static const unsigned char qr_group[N_QR_MOD] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2 };

/* qr_table[m][r] = 1 when r is a square modulo qr_mod[m]; built once. */
static unsigned char qr_table[N_QR_MOD][QR_MOD_MAX];
static pthread_once_t qr_once = PTHREAD_ONCE_INIT;

static void qr_init(void)
{
	for (size_t m = 0; m < N_QR_MOD; m++)
		for (unsigned i = 0; i < qr_mod[m]; i++)
			qr_table[m][(i * i) % qr_mod[m]] = 1;
}

/* Residues of the non-negative BIGNUM v modulo every qr_mod. 0 on failure. */
static int qr_residues(const BIGNUM *v, unsigned out[N_QR_MOD])
{
	unsigned char be[FERMAT_MAX_BITS / 8 + 16];
	uint64_t r[N_QR_PRODUCTS] = { 0 };
	int len = BN_num_bytes(v);
	if (len < 0 || (size_t)len > sizeof be || BN_bn2bin(v, be) != len)
		return 0;
	for (int i = 0; i < len; i++)
		for (size_t g = 0; g < N_QR_PRODUCTS; g++)
			r[g] = ((r[g] << 8) | be[i]) % qr_products[g];
	for (size_t m = 0; m < N_QR_MOD; m++)
		out[m] = (unsigned)(r[qr_group[m]] % qr_mod[m]);
	return 1;
}

/* Below this many bits the square root comes from floating point (52-bit
 * mantissa: exact after a +-1 correction). */
#define ISQRT_DIRECT_BITS 52
/* Corrections tried after the Newton step before falling back to the
 * plain iteration (the step lands within a few units of the root). */
#define ISQRT_MAX_FIXUPS 8

/* r = floor(sqrt(v)) with Newton's iteration from above (slow path). */
static int bn_isqrt_newton(BIGNUM *r, const BIGNUM *v, BIGNUM *x, BIGNUM *y, BN_CTX *ctx)
{
	for (;;) {
		if (!BN_div(y, NULL, v, x, ctx) || !BN_add(y, y, x) || !BN_rshift1(y, y))
			return 0;
		if (BN_cmp(y, x) >= 0)
			break;
		if (!BN_copy(x, y))
			return 0;
	}
	return BN_copy(r, x) != NULL;
}

/* r = floor(sqrt(v)) by precision doubling: the root of the top half of v
 * (recursively) gives a start with about a quarter of the bits right; one
 * Newton step from it lands a few units above the root, which squaring
 * (cheaper than dividing) then corrects. Depth is log2(bits / 52). */
static int bn_isqrt(BIGNUM *r, const BIGNUM *v, BN_CTX *ctx)
{
	BIGNUM *x, *y;
	int ok = 0, bits = BN_num_bits(v), t, i;
	if (bits <= ISQRT_DIRECT_BITS) {
		uint64_t w = BN_get_word(v), q = (uint64_t)sqrt((double)w);
		while (q > 0 && q * q > w)
			q--;
		while ((q + 1) * (q + 1) <= w)
			q++;
		return BN_set_word(r, (BN_ULONG)q);
	}
	BN_CTX_start(ctx);
	x = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	if (y == NULL)
		goto out;
	t = (bits / 2) & ~1;
	if (!BN_rshift(x, v, t) || !bn_isqrt(x, x, ctx) || !BN_add_word(x, 1) || !BN_lshift(x, x, t / 2))
		goto out;
	/* x >= sqrt(v) now; one Newton step keeps it above the root. */
	if (!BN_div(y, NULL, v, x, ctx) || !BN_add(x, x, y) || !BN_rshift1(x, x))
		goto out;
	for (i = 0; i < ISQRT_MAX_FIXUPS; i++) {
		if (!BN_sqr(y, x, ctx))
			goto out;
		if (BN_cmp(y, v) <= 0)
			break;
		if (!BN_sub_word(x, 1))
			goto out;
	}
	if (i == ISQRT_MAX_FIXUPS) {
		ok = bn_isqrt_newton(r, v, x, y, ctx);
		goto out;
	}
	ok = BN_copy(r, x) != NULL;
out:
	BN_CTX_end(ctx);
	return ok;
}

static enum pw_lint_status rsa_fermat_compute(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *nd = &x->cert->spki.rsa_n;
	BN_CTX *ctx;
	BIGNUM *n, *a, *b2, *b, *t;
	unsigned ra[N_QR_MOD], rb[N_QR_MOD];
	enum pw_lint_status st = PW_LINT_FATAL;
	if (pthread_once(&qr_once, qr_init) != 0 || (ctx = BN_CTX_new()) == NULL)
		return PW_LINT_FATAL;
	BN_CTX_start(ctx);
	n = BN_CTX_get(ctx);
	a = BN_CTX_get(ctx);
	b2 = BN_CTX_get(ctx);
	b = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	if (t == NULL || BN_bin2bn(nd->p, (int)nd->len, n) == NULL || BN_is_zero(n))
		goto out;
	if (!bn_isqrt(a, n, ctx) || !BN_sqr(t, a, ctx))
		goto out;
	/* p = q: the square root factors it (zlint's search starts above it). */
	if (BN_cmp(t, n) == 0) {
		br2_details(d, l, "RSA modulus is a perfect square");
		st = PW_LINT_ERROR;
		goto out;
	}
	/* a = isqrt(n) + 1, b2 = a^2 - n > 0. */
	if (!BN_add_word(a, 1) || !BN_sqr(b2, a, ctx) || !BN_sub(b2, b2, n))
		goto out;
	if (!qr_residues(a, ra) || !qr_residues(b2, rb))
		goto out;
	st = PW_LINT_PASS;
	for (unsigned i = 0; i < FERMAT_ROUNDS; i++) {
		size_t m = 0;
		while (m < N_QR_MOD && qr_table[m][rb[m]])
			m++;
		if (m == N_QR_MOD) {
			/* Round i: (a+i)^2 - n = b2 + 2ia + i^2. */
			if (!BN_copy(t, a) || !BN_mul_word(t, 2 * i) || !BN_add(t, t, b2) ||
			    !BN_add_word(t, (BN_ULONG)i * i) || !bn_isqrt(b, t, ctx) || !BN_sqr(b, b, ctx)) {
				st = PW_LINT_FATAL;
				goto out;
			}
			if (BN_cmp(b, t) == 0) {
				br2_details(d, l, "RSA modulus factors by Fermat's method within %u rounds: "
				                  "its primes are too close", i + 1);
				st = PW_LINT_ERROR;
				goto out;
			}
		}
		/* The residues of (a+1)^2 - n = b2 + 2a + 1 and of a + 1. */
		for (m = 0; m < N_QR_MOD; m++) {
			unsigned q = qr_mod[m], v = rb[m] + 2 * ra[m] + 1; /* < 3q */
			v = v >= q ? v - q : v;
			rb[m] = v >= q ? v - q : v;
			ra[m] = ra[m] + 1 == q ? 0 : ra[m] + 1;
		}
	}
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return st;
}

/* Depends on the modulus alone: memoised per key (key_memo.h). */
static enum pw_lint_status rsa_fermat(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *nd = &x->cert->spki.rsa_n;
	return pw_lint_key_memo_run(x, PW_LINT_KEY_MEMO_RSA_FERMAT, nd->p, nd->len,
	                            rsa_fermat_compute, d, l);
}

/* ---- Mozilla Root Store Policy 5.1 / 5.2 ---- */

static enum pw_lint_status mp_exp_one(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (!rsa_parsed(x->cert)) {
		br2_details(d, l, "RSA public key could not be decoded");
		return PW_LINT_FATAL;
	}
	if (int_cmp_u64(&x->cert->spki.rsa_e, 1) == 0) {
		br2_details(d, l, "RSA public exponent is 1");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status mp_mod_2048(const struct pw_lint_ctx *x, char *d, size_t l)
{
	unsigned bits;
	if (!rsa_parsed(x->cert)) {
		br2_details(d, l, "RSA public key could not be decoded");
		return PW_LINT_FATAL;
	}
	bits = int_bits(&x->cert->spki.rsa_n);
	if (bits < 2048) {
		br2_details(d, l, "RSA modulus is %u bits", bits);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status mp_mod_8(const struct pw_lint_ctx *x, char *d, size_t l)
{
	unsigned bits;
	if (!rsa_parsed(x->cert)) {
		br2_details(d, l, "RSA public key could not be decoded");
		return PW_LINT_FATAL;
	}
	bits = int_bits(&x->cert->spki.rsa_n);
	if (bits % 8 != 0) {
		br2_details(d, l, "RSA modulus is %u bits, not a multiple of 8", bits);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status mp_pss_spki(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->spki.alg.id == PW_OID_RSASSA_PSS) {
		br2_details(d, l, "subjectPublicKeyInfo uses id-RSASSA-PSS");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* The exact AlgorithmIdentifier encodings MRSP 5.1.1 / 5.1.2 allow. */
static const uint8_t pss_sha256[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0,
	0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
	0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03,
	0x02, 0x01, 0x20,
};
static const uint8_t pss_sha384[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0,
	0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
	0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0xa2, 0x03,
	0x02, 0x01, 0x30,
};
static const uint8_t pss_sha512[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34, 0xa0,
	0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
	0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0xa2, 0x03,
	0x02, 0x01, 0x40,
};
static const uint8_t ec_p256_spki[] = {
	0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x03, 0x01, 0x07,
};
static const uint8_t ec_p384_spki[] = {
	0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
	0x00, 0x22,
};
static const uint8_t ec_p521_spki[] = {
	0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04,
	0x00, 0x23,
};
static const uint8_t ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t ecdsa_sha384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const uint8_t ecdsa_sha512[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 };

static int der_is(const struct pw_der *v, const uint8_t *b, size_t n)
{
	return v->len == n && memcmp(v->p, b, n) == 0;
}

static int outer_is_pss(const struct pw_lint_ctx *x)
{
	const struct pw_cert *c = x->cert;
	return (c->kind == PW_KIND_TBS ? c->sig_alg_inner.id : c->sig_alg_outer.id) == PW_OID_RSASSA_PSS;
}

static enum pw_lint_status mp_pss_params(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *a = &x->cert->sig_alg_inner.raw;
	if (der_is(a, pss_sha256, sizeof pss_sha256) || der_is(a, pss_sha384, sizeof pss_sha384) ||
	    der_is(a, pss_sha512, sizeof pss_sha512))
		return PW_LINT_PASS;
	br2_details(d, l, "RSASSA-PSS AlgorithmIdentifier is not one of the three encodings MRSP 5.1.1 allows");
	return PW_LINT_ERROR;
}

static int ec_key(const struct pw_lint_ctx *x)
{
	return x->cert->spki.alg.id == PW_OID_EC_PUBLIC_KEY;
}

static enum pw_lint_status mp_ec_spki(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *a = &x->cert->spki.alg.raw;
	if (der_is(a, ec_p256_spki, sizeof ec_p256_spki) || der_is(a, ec_p384_spki, sizeof ec_p384_spki) ||
	    der_is(a, ec_p521_spki, sizeof ec_p521_spki))
		return PW_LINT_PASS;
	br2_details(d, l, "EC public key AlgorithmIdentifier is not the named-curve P-256/P-384/P-521 encoding");
	return PW_LINT_ERROR;
}

static enum pw_oid outer_alg(const struct pw_cert *c)
{
	return c->kind == PW_KIND_TBS ? c->sig_alg_inner.id : c->sig_alg_outer.id;
}

static int ecdsa_signed(const struct pw_lint_ctx *x)
{
	switch (outer_alg(x->cert)) {
	case PW_OID_ECDSA_WITH_SHA1: case PW_OID_ECDSA_WITH_SHA224: case PW_OID_ECDSA_WITH_SHA256:
	case PW_OID_ECDSA_WITH_SHA384: case PW_OID_ECDSA_WITH_SHA512:
		return 1;
	default:
		return 0;
	}
}

/* The largest DER ECDSA-Sig-Value for each curve size (two INTEGERs of the
 * order's size plus a leading zero, in a SEQUENCE) tells which key signed. */
#define ECDSA_P256_SIG_MAX 72
#define ECDSA_P384_SIG_MAX 104
#define ECDSA_P521_SIG_MAX 140

static enum pw_lint_status mp_ecdsa_sig(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_der *a = &x->cert->sig_alg_inner.raw;
	size_t n = x->cert->sig_value.len;
	const uint8_t *want;
	size_t want_len;
	const char *curve;
	if (n <= ECDSA_P256_SIG_MAX) {
		want = ecdsa_sha256, want_len = sizeof ecdsa_sha256, curve = "P-256";
	} else if (n <= ECDSA_P384_SIG_MAX) {
		want = ecdsa_sha384, want_len = sizeof ecdsa_sha384, curve = "P-384";
	} else if (n <= ECDSA_P521_SIG_MAX) {
		want = ecdsa_sha512, want_len = sizeof ecdsa_sha512, curve = "P-521";
	} else {
		br2_details(d, l, "ECDSA signature of %zu octets matches no allowed curve", n);
		return PW_LINT_ERROR;
	}
	if (der_is(a, want, want_len))
		return PW_LINT_PASS;
	br2_details(d, l, "signature AlgorithmIdentifier does not match a %s signing key", curve);
	return PW_LINT_ERROR;
}

static enum pw_lint_status no_dsa(const struct pw_lint_ctx *x, char *d, size_t l)
{
	if (x->cert->spki.alg.id == PW_OID_DSA) {
		br2_details(d, l, "DSA public key");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int has_aki(const struct pw_lint_ctx *x)
{
	return BR2_EXT(x->cert, EXT_AKI) != NULL;
}

static enum pw_lint_status mp_aki(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	if (c->x.aki.has_key_id && c->x.aki.key_id.len > 0 && c->x.aki.has_issuer) {
		br2_details(d, l, "authorityKeyIdentifier has both keyIdentifier and authorityCertIssuer");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- Signature algorithms (BR 6.1.5 / 7.1.3.2) ---- */

/* Reads an AlgorithmIdentifier SEQUENCE: OID and whether its parameters are
 * absent or NULL. */
static int read_algid(struct pw_der *in, struct pw_der *oid, int *params_null_or_absent)
{
	struct pw_der seq, p;
	struct pw_error e;
	uint32_t tag;
	if (!pw_der_get(in, PW_DER_SEQUENCE, &seq, &e) || !pw_der_get_oid(&seq, oid, &e))
		return 0;
	*params_null_or_absent = 1;
	if (pw_der_len(&seq) > 0) {
		if (!pw_der_get_any(&seq, &tag, &p, NULL, &e))
			return 0;
		*params_null_or_absent = tag == PW_DER_NULL && p.len == 0;
	}
	return pw_der_len(&seq) == 0;
}

/* The hash of an RSASSA-PSS signature when its parameters are one of the
 * consistent forms (MGF1 with the same hash, salt = hash length, trailer 1),
 * else PW_OID_UNKNOWN. */
static enum pw_oid pss_hash(const struct pw_algid *alg)
{
	struct pw_der params, seq, inner, hoid, moid, mh, mhoid, v;
	struct pw_error e;
	int hnull = 1, mnull = 1, mhnull = 1, present;
	enum pw_oid h = PW_OID_SHA1, mgf = PW_OID_MGF1, mgfh = PW_OID_SHA1;
	uint64_t salt = 20, trailer = 1;
	if (!alg->params_present || alg->params_tag != PW_DER_SEQUENCE)
		return PW_OID_UNKNOWN;
	params = alg->params;
	if (!pw_der_get(&params, PW_DER_SEQUENCE, &seq, &e))
		return PW_OID_UNKNOWN;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(0), &inner, &present, &e))
		return PW_OID_UNKNOWN;
	if (present) {
		if (!read_algid(&inner, &hoid, &hnull))
			return PW_OID_UNKNOWN;
		h = pw_oid_lookup(&hoid);
	}
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(1), &inner, &present, &e))
		return PW_OID_UNKNOWN;
	if (present) {
		struct pw_der ms;
		if (!pw_der_get(&inner, PW_DER_SEQUENCE, &ms, &e) || !pw_der_get_oid(&ms, &moid, &e))
			return PW_OID_UNKNOWN;
		mgf = pw_oid_lookup(&moid);
		mh = ms;
		if (!read_algid(&mh, &mhoid, &mhnull))
			return PW_OID_UNKNOWN;
		mgfh = pw_oid_lookup(&mhoid);
		(void)mnull;
	}
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(2), &inner, &present, &e))
		return PW_OID_UNKNOWN;
	if (present && !pw_der_get_uint64(&inner, &salt, &e))
		return PW_OID_UNKNOWN;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(3), &v, &present, &e))
		return PW_OID_UNKNOWN;
	if (present && !pw_der_get_uint64(&v, &trailer, &e))
		return PW_OID_UNKNOWN;
	if (!hnull || mgf != PW_OID_MGF1 || mgfh != h || !mhnull || trailer != 1)
		return PW_OID_UNKNOWN;
	if ((h == PW_OID_SHA256 && salt == 32) || (h == PW_OID_SHA384 && salt == 48) ||
	    (h == PW_OID_SHA512 && salt == 64))
		return h;
	return PW_OID_UNKNOWN;
}

static enum pw_lint_status sig_alg_supported(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_cert *c = x->cert;
	const struct pw_algid *a = c->kind == PW_KIND_TBS ? &c->sig_alg_inner : &c->sig_alg_outer;
	switch (a->id) {
	case PW_OID_SHA256_WITH_RSA: case PW_OID_SHA384_WITH_RSA: case PW_OID_SHA512_WITH_RSA:
	case PW_OID_DSA_WITH_SHA256: case PW_OID_ECDSA_WITH_SHA256: case PW_OID_ECDSA_WITH_SHA384:
	case PW_OID_ECDSA_WITH_SHA512: case PW_OID_SHA1_WITH_RSA: case PW_OID_DSA_WITH_SHA1:
	case PW_OID_ECDSA_WITH_SHA1:
		return PW_LINT_PASS;
	case PW_OID_RSASSA_PSS:
		if (pss_hash(a) != PW_OID_UNKNOWN) {
			br2_details(d, l, "RSASSA-PSS signatures are not supported by all relying parties");
			return PW_LINT_WARN;
		}
		break;
	default:
		break;
	}
	br2_details(d, l, "signature algorithm %s is not allowed", pw_oid_name(a->id));
	return PW_LINT_ERROR;
}

static const struct pw_lint_def defs[] = {
	BR2_CERT("e_rsa_mod_less_than_2048_bits", BR2_E, PW_SRC_CABF_BR, "BR 6.1.5",
	         "RSA keys of certificates valid in or after 2014 must have a modulus of at least 2048 bits.",
	         NULL, NULL, rsa_len_applies, rsa_2048),
	BR2_CERT("e_rsa_public_exponent_not_odd", BR2_E, PW_SRC_CABF_BR, "BR 6.1.6",
	         "An RSA public exponent must be odd.", "2013-02-21", NULL, rsa_applies, rsa_exp_odd),
	BR2_CERT("e_rsa_public_exponent_too_small", BR2_E, PW_SRC_CABF_BR, "BR 6.1.6",
	         "An RSA public exponent must be 3 or more.", "2013-02-21", NULL, rsa_applies, rsa_exp_small),
	BR2_CERT("w_rsa_public_exponent_not_in_range", BR2_W, PW_SRC_CABF_BR, "BR 6.1.6",
	         "An RSA public exponent should lie between 2^16+1 and 2^256-1.",
	         "2013-02-21", NULL, rsa_applies, rsa_exp_range),
	BR2_CERT("w_rsa_mod_not_odd", BR2_W, PW_SRC_CABF_BR, "BR 6.1.6",
	         "An RSA modulus should be odd.", "2013-02-21", NULL, rsa_applies, rsa_mod_odd),
	BR2_CERT("w_rsa_mod_factors_smaller_than_752", BR2_W, PW_SRC_CABF_BR, "BR 6.1.6",
	         "An RSA modulus should have no prime factor below 752.",
	         "2013-02-21", NULL, rsa_applies, rsa_small_factors),
	BR2_CERT("e_rsa_exp_negative", BR2_E, PW_SRC_COMMUNITY, "RFC 8017 §3.1",
	         "An RSA public exponent must be a positive integer.", NULL, NULL, rsa_decoded,
	         rsa_exp_negative),
	BR2_CERT("e_rsa_no_public_key", BR2_E, PW_SRC_COMMUNITY, "RFC 3279 §2.3.1",
	         "An rsaEncryption subjectPublicKeyInfo must hold a decodable RSAPublicKey.",
	         NULL, NULL, rsa_alg_applies, rsa_key_present),
	BR2_CERT("e_rsa_fermat_factorization", BR2_E, PW_SRC_COMMUNITY, "Fermat factorization",
	         "An RSA modulus must not be factorable by 100 rounds of Fermat's method, which happens "
	         "when its two primes are too close together.", NULL, NULL, fermat_applies, rsa_fermat),
	BR2_CERT("e_signature_algorithm_not_supported", BR2_E, PW_SRC_CABF_BR, "BR 6.1.5",
	         "The certificate must be signed with one of the RSA PKCS#1 v1.5, DSA or ECDSA algorithms "
	         "the BRs allow; RSASSA-PSS is reported as a warning.", NULL, NULL, NULL, sig_alg_supported),
	BR2_CERT("e_mp_exponent_cannot_be_one", BR2_E, PW_SRC_MOZILLA, "MRSP 5.2",
	         "RSA public exponent 1 makes an invalid key.", "2017-02-28", NULL, rsa_alg_applies, mp_exp_one),
	BR2_CERT("e_mp_modulus_must_be_2048_bits_or_more", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1",
	         "RSA moduli must be at least 2048 bits.", "2017-02-28", NULL, rsa_alg_applies, mp_mod_2048),
	BR2_CERT("e_mp_modulus_must_be_divisible_by_8", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1",
	         "RSA modulus sizes must be a multiple of 8 bits.", "2017-02-28", NULL, rsa_alg_applies,
	         mp_mod_8),
	BR2_CERT("e_mp_rsassa-pss_in_spki", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1.1",
	         "RSA keys must not be identified by id-RSASSA-PSS in subjectPublicKeyInfo.",
	         "2020-01-01", NULL, NULL, mp_pss_spki),
	BR2_CERT("e_mp_rsassa-pss_parameters_encoding_in_signature_algorithm_correct", BR2_E,
	         PW_SRC_MOZILLA, "MRSP 5.1.1",
	         "An RSASSA-PSS signature AlgorithmIdentifier must be byte-for-byte one of the SHA-256, "
	         "SHA-384 or SHA-512 encodings the policy lists.", "2020-01-01", NULL, outer_is_pss,
	         mp_pss_params),
	BR2_CERT("e_mp_ecdsa_pub_key_encoding_correct", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1.2",
	         "An EC public key's AlgorithmIdentifier must be the exact named-curve encoding for "
	         "P-256, P-384 or P-521.", "2025-03-15", NULL, ec_key, mp_ec_spki),
	/* The signing curve is read off the signature's length: needs a signature. */
	BR2_CERT_F("e_mp_ecdsa_signature_encoding_correct", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1.2",
	           "An ECDSA signature must use the hash matching the signing curve (P-256/SHA-256, "
	           "P-384/SHA-384, P-521/SHA-512), encoded without parameters.", "2025-03-15", NULL,
	           ecdsa_signed, mp_ecdsa_sig, PW_LINT_F_NEEDS_SIGNATURE),
	BR2_CERT("e_prohibit_dsa_usage", BR2_E, PW_SRC_MOZILLA, "MRSP 5.1",
	         "DSA keys are not allowed.", "2017-03-31", NULL, NULL, no_dsa),
	BR2_CERT("e_mp_authority_key_identifier_correct", BR2_E, PW_SRC_MOZILLA, "MRSP 5.2",
	         "authorityKeyIdentifier must not contain both a key identifier and the issuer's issuer "
	         "name and serial number.", "2013-07-26", NULL, has_aki, mp_aki),
};

const struct pw_lint_family pw_lint_family_br2_keys = { "br2_keys", defs, sizeof defs / sizeof defs[0] };
