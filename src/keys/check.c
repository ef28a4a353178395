/* Weak-key checks (BR 6.1.1.3, 6.1.5, 6.1.6; MRSP 5.1).
 *
 * Speed matters: a CA runs this on every CSR, and bulk jobs run it over a
 * whole certificate base, so the common case (a sound RSA-2048 key) must
 * cost tens of microseconds. The modulus is reduced once by a few 64-bit
 * products of small primes (BN_mod_word); those residues serve both the
 * small-factor check (BR 6.1.6) and the ROCA fingerprint. Fermat's method
 * costs one integer square root; its 100 rounds then advance residues of
 * a²−n modulo small numbers, and only a candidate that is a square modulo
 * all of them gets a full perfect-square test. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "internal.h"

/* ROCA (Nemec et al., "The Return of Coppersmith's Attack", CCS 2017):
 * an RSALib prime is p = k·M + (65537^a mod M), M the product of the first
 * 39, 71, 126 or 225 primes for keys of 512-960, 992-1952, 1984-3936 and
 * 3968-4096 bits. So n mod r lies in <65537> mod r for every prime r of M.
 * We test the odd primes of M for the key's size (up to 751, the end of the
 * residue table): 38 odd primes give a false-positive rate of 2^-27.8 for
 * random keys, the 125 of a 2048-bit key 2^-167. */
#define ROCA_ODD_PRIMES_SMALL 38u   /* keys below 992 bits */
#define ROCA_ODD_PRIMES_1024 70u    /* 992..1983 bits */
#define ROCA_ODD_PRIMES_2048 125u   /* 1984..3967 bits */
#define ROCA_MASK_WORDS 12u         /* bits 0..767: residues modulo primes up to 751 */
/* Moduli for the Fermat residue filter (2^6, 3^2·7, 5·13, 11, 17). */
#define FERMAT_N_FILTERS 5
/* Wiener: continued-fraction steps we allow (about 2·log2(n) suffice). */
#define WIENER_MAX_STEPS (4u * PW_KEYS_MAX_RSA_BITS)
/* Low-complexity modulus: repeated bytes (at distance 1 to 4) beyond
 * this fraction of the modulus length (random: ~4/256). */
#define PATTERN_MIN_REPEATS 24u
#define PATTERN_FRACTION_DIV 6u

static const uint32_t fermat_mod[FERMAT_N_FILTERS] = {64, 63, 65, 11, 17};

struct tables {
	uint16_t primes[160];      /* odd primes 3..751 */
	unsigned n_primes;
	uint64_t products[40];     /* products of consecutive primes, each < 2^64 */
	unsigned prod_first[41];   /* index of the first prime of each product */
	unsigned n_products;
	/* ROCA: bit x of roca_mask[i] set when x is in <65537> mod primes[i]. */
	uint64_t roca_mask[160][ROCA_MASK_WORDS];
	uint8_t sq[FERMAT_N_FILTERS][65]; /* quadratic residues mod fermat_mod[i] */
};

static struct tables T;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_tables(void)
{
	for (unsigned c = 3; c <= PW_KEYS_SMALL_PRIME_MAX; c += 2) {
		int prime = 1;
		for (unsigned d = 3; d * d <= c; d += 2)
			if (c % d == 0) {
				prime = 0;
				break;
			}
		if (prime)
			T.primes[T.n_primes++] = (uint16_t)c;
	}
	unsigned i = 0;
	while (i < T.n_primes) {
		unsigned __int128 prod = 1;
		T.prod_first[T.n_products] = i;
		while (i < T.n_primes && prod * T.primes[i] < ((unsigned __int128)1 << 64))
			prod *= T.primes[i++];
		T.products[T.n_products++] = (uint64_t)prod;
	}
	T.prod_first[T.n_products] = T.n_primes;
	for (unsigned j = 0; j < T.n_primes; j++) {
		unsigned r = T.primes[j];
		uint64_t g = 65537 % r, x = 1;
		do {
			T.roca_mask[j][x / 64] |= (uint64_t)1 << (x % 64);
			x = (x * g) % r;
		} while (x != 1);
	}
	for (unsigned f = 0; f < FERMAT_N_FILTERS; f++)
		for (uint32_t x = 0; x < fermat_mod[f]; x++)
			T.sq[f][(x * x) % fermat_mod[f]] = 1;
}

/* ---- results ---- */

PW_PRINTF(5, 6)
static void add(struct pw_keys_result *r, const char *name, enum pw_keys_severity sev, const char *cite,
                const char *fmt, ...)
{
	if (r->n == PW_KEYS_MAX_FINDINGS) {
		r->truncated = 1;
		return;
	}
	struct pw_keys_finding *f = &r->v[r->n++];
	f->name = name;
	f->severity = sev;
	f->citation = cite;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
}

int pw_keys_result_has_error(const struct pw_keys_result *r)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (r->v[i].severity == PW_KEYS_SEV_ERROR)
			return 1;
	return 0;
}

const struct pw_keys_finding *pw_keys_result_get0(const struct pw_keys_result *r, const char *name)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

const char *pw_keys_severity_name(enum pw_keys_severity s)
{
	switch (s) {
	case PW_KEYS_SEV_NOTICE: return "notice";
	case PW_KEYS_SEV_WARN: return "warn";
	case PW_KEYS_SEV_ERROR: return "error";
	}
	return "unknown";
}

/* ---- bignum helpers ---- */

/* Integer square roots below this many bits start Newton from sqrtl();
 * larger ones from the root of their top half (recursively), so the
 * full-size divisions number about three instead of seven. */
#define ISQRT_DIRECT_BITS 124

int pw_keys_bn_isqrt(BIGNUM *out, const BIGNUM *a, BN_CTX *ctx)
{
	int ok = 0;
	BN_CTX_start(ctx);
	BIGNUM *x = BN_CTX_get(ctx), *y = BN_CTX_get(ctx), *t = BN_CTX_get(ctx);
	if (t == NULL)
		goto out;
	if (BN_is_zero(a) || BN_is_negative(a)) {
		BN_zero(out);
		ok = 1;
		goto out;
	}
	int bits = BN_num_bits(a);
	if (bits <= ISQRT_DIRECT_BITS) {
		/* Start just above sqrt(a) from its top 62 bits. */
		int s = bits > 62 ? bits - 62 : 0;
		s += s & 1;
		if (!BN_rshift(t, a, s))
			goto out;
		uint64_t est = (uint64_t)sqrtl((long double)BN_get_word(t)) + 2;
		if (!BN_set_word(x, est) || !BN_lshift(x, x, s / 2))
			goto out;
	} else {
		/* x0 = (isqrt(a >> 2k) + 1) << k >= sqrt(a), off by about 2^k. */
		int k = bits / 4;
		if (!BN_rshift(t, a, 2 * k) || !pw_keys_bn_isqrt(x, t, ctx) || !BN_add_word(x, 1) || !BN_lshift(x, x, k))
			goto out;
	}
	for (;;) {
		/* y = (x + a/x) / 2, decreasing until it stops. */
		if (!BN_div(y, NULL, a, x, ctx) || !BN_add(y, y, x) || !BN_rshift1(y, y))
			goto out;
		if (BN_cmp(y, x) >= 0)
			break;
		if (!BN_copy(x, y))
			goto out;
	}
	ok = BN_copy(out, x) != NULL;
out:
	BN_CTX_end(ctx);
	return ok;
}

/* 1 if a is a perfect square, 0 if not, -1 on error; *root gets the root. */
static int is_square(const BIGNUM *a, BIGNUM *root, BN_CTX *ctx)
{
	BN_CTX_start(ctx);
	BIGNUM *t = BN_CTX_get(ctx);
	int r = -1;
	if (t != NULL && pw_keys_bn_isqrt(root, a, ctx) && BN_sqr(t, root, ctx))
		r = BN_cmp(t, a) == 0;
	BN_CTX_end(ctx);
	return r;
}

static uint32_t bn_mod_small(const BIGNUM *a, uint32_t m)
{
	return (uint32_t)BN_mod_word(a, m);
}

/* Primes 757..PW_KEYS_EXT_PRIME_MAX multiplied together, for one gcd
 * (built on first use). */
static BIGNUM *ext_product;
static pthread_once_t ext_once = PTHREAD_ONCE_INIT;

static void init_ext_product(void)
{
	BIGNUM *q = BN_new();
	if (q == NULL || !BN_one(q))
		goto fail;
	for (unsigned c = PW_KEYS_SMALL_PRIME_MAX + 1; c <= PW_KEYS_EXT_PRIME_MAX; c++) {
		int prime = c % 2 == 1;
		for (unsigned d = 3; prime && d * d <= c; d += 2)
			if (c % d == 0)
				prime = 0;
		if (prime && !BN_mul_word(q, c))
			goto fail;
	}
	ext_product = q;
	return;
fail:
	BN_free(q);
}

/* ---- RSA checks ---- */

struct rsa_ctx {
	const struct pw_keys_key *k;
	struct pw_keys_result *r;
	BN_CTX *bn;
	uint16_t res[160]; /* n mod primes[i] */
	uint64_t limbs[PW_KEYS_MAX_RSA_BITS / 64 + 1]; /* n, least significant first */
	size_t n_limbs;
};

/* n mod m for a 64-bit m over the limbs. OpenSSL's BN_mod_word duplicates
 * and frees (with cleansing) a BIGNUM for every m above 2^32, which made it
 * the single largest cost of a check; one hardware division per limb here. */
static uint64_t limbs_mod(const uint64_t *l, size_t n, uint64_t m)
{
	uint64_t r = 0;
	for (size_t i = n; i-- > 0;) {
#if defined(__x86_64__)
		uint64_t q;
		__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(l[i]), "d"(r), "r"(m) : "cc");
		(void)q;
#else
		r = (uint64_t)((((unsigned __int128)r << 64) | l[i]) % m);
#endif
	}
	return r;
}

static void to_limbs(struct rsa_ctx *c)
{
	uint8_t be[PW_KEYS_MAX_RSA_BITS / 8 + 8];
	int len = BN_num_bytes(c->k->n);
	size_t nl = ((size_t)len + 7) / 8;
	if (BN_bn2binpad(c->k->n, be, (int)(nl * 8)) < 0)
		nl = 0;
	for (size_t i = 0; i < nl; i++) {
		uint64_t v = 0;
		const uint8_t *p = be + (nl - 1 - i) * 8;
		for (int j = 0; j < 8; j++)
			v = v << 8 | p[j];
		c->limbs[i] = v;
	}
	c->n_limbs = nl;
}

/* 1 if a != w (a small prime equal to the modulus is not a "factor"). */
static int bn_ne_word(const BIGNUM *a, unsigned w)
{
	return !(BN_num_bits(a) <= 32 && BN_get_word(a) == w);
}

static int small_factors_and_roca(struct rsa_ctx *c, int *out_composite)
{
	const BIGNUM *n = c->k->n;
	char list[PW_KEYS_DETAIL_MAX] = "";
	size_t ll = 0;
	unsigned found = 0;
	for (unsigned p = 0; p < T.n_products; p++) {
		uint64_t m = limbs_mod(c->limbs, c->n_limbs, T.products[p]);
		for (unsigned i = T.prod_first[p]; i < T.prod_first[p + 1]; i++) {
			c->res[i] = (uint16_t)((uint64_t)m % T.primes[i]);
			if (c->res[i] == 0 && bn_ne_word(n, T.primes[i])) {
				found++;
				if (ll + 8 < sizeof list)
					ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%u", found > 1 ? ", " : "",
					                       T.primes[i]);
			}
		}
	}
	if (found) {
		*out_composite = 1;
		add(c->r, "e_rsa_mod_factors_smaller_than_752", PW_KEYS_SEV_ERROR, "BR 6.1.6",
		    "modulus is divisible by %s", list);
	}
	/* ROCA: n mod r in <65537> for every odd prime r of M. */
	unsigned bits = c->k->bits;
	unsigned n_roca = bits >= 3968 ? T.n_primes
	                  : bits >= 1984 ? ROCA_ODD_PRIMES_2048
	                  : bits >= 992  ? ROCA_ODD_PRIMES_1024
	                                 : ROCA_ODD_PRIMES_SMALL;
	if (n_roca > T.n_primes)
		n_roca = T.n_primes;
	unsigned hits = 0;
	for (unsigned i = 0; i < n_roca; i++) {
		unsigned x = c->res[i];
		if (x == 0 || !(T.roca_mask[i][x / 64] >> (x % 64) & 1))
			break;
		hits++;
	}
	if (hits == n_roca && !found)
		add(c->r, "e_key_roca", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(5)(ii), CVE-2017-15361",
		    "modulus has the ROCA fingerprint (Infineon RSALib): factorable by Coppersmith's method");
	return 1;
}

/* Fermat: n = a² − b² with a − sqrt(n) small when |p − q| is small. */
static int fermat(struct rsa_ctx *c)
{
	int ok = 0;
	BN_CTX_start(c->bn);
	BIGNUM *a = BN_CTX_get(c->bn), *b2 = BN_CTX_get(c->bn), *b = BN_CTX_get(c->bn),
	       *t = BN_CTX_get(c->bn);
	if (t == NULL || !pw_keys_bn_isqrt(a, c->k->n, c->bn) || !BN_sqr(b2, a, c->bn))
		goto out;
	if (BN_cmp(b2, c->k->n) == 0) {
		add(c->r, "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(5)(iii)",
		    "modulus is a perfect square (p = q)");
		ok = 1;
		goto out;
	}
	if (!BN_add_word(a, 1))
		goto out;
	uint32_t rb[FERMAT_N_FILTERS], ra[FERMAT_N_FILTERS];
	/* b2 = a² − n mod m, and the step 2a+1 mod m, tracked per filter. */
	uint32_t nmod[FERMAT_N_FILTERS];
	for (unsigned f = 0; f < FERMAT_N_FILTERS; f++) {
		uint32_t m = fermat_mod[f];
		uint32_t am = bn_mod_small(a, m);
		nmod[f] = bn_mod_small(c->k->n, m);
		rb[f] = (uint32_t)((am * am + m - nmod[f]) % m);
		ra[f] = (2 * am + 1) % m;
	}
	for (unsigned k = 0; k < PW_KEYS_FERMAT_ROUNDS; k++) {
		int cand = 1;
		for (unsigned f = 0; f < FERMAT_N_FILTERS && cand; f++)
			cand = T.sq[f][rb[f]];
		if (cand) {
			/* b2 = (a+k)² − n, then a full square test. */
			if (!BN_copy(t, a) || !BN_add_word(t, k) || !BN_sqr(b2, t, c->bn) || !BN_sub(b2, b2, c->k->n))
				goto out;
			int sq = is_square(b2, b, c->bn);
			if (sq < 0)
				goto out;
			if (sq) {
				add(c->r, "e_rsa_fermat_factorization", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(5)(iii)",
				    "factored by Fermat's method in round %u: the primes are too close", k + 1);
				break;
			}
		}
		for (unsigned f = 0; f < FERMAT_N_FILTERS; f++) {
			rb[f] = (rb[f] + ra[f]) % fermat_mod[f];
			ra[f] = (ra[f] + 2) % fermat_mod[f];
		}
	}
	ok = 1;
out:
	BN_CTX_end(c->bn);
	return ok;
}

/* One Fermat probable-prime test base 2, confirmed by OpenSSL's full test. */
static int primality(struct rsa_ctx *c)
{
	int ok = 0;
	BN_CTX_start(c->bn);
	BIGNUM *e = BN_CTX_get(c->bn), *r = BN_CTX_get(c->bn);
	if (r == NULL || !BN_sub(e, c->k->n, BN_value_one()))
		goto out;
	if (!BN_mod_exp_mont_word(r, 2, e, c->k->n, c->bn, NULL))
		goto out;
	if (BN_is_one(r)) {
		int pr = BN_check_prime(c->k->n, c->bn, NULL);
		if (pr < 0)
			goto out;
		if (pr == 1)
			add(c->r, "e_rsa_modulus_prime", PW_KEYS_SEV_ERROR, "BR 6.1.6, RFC 8017 §3.1",
			    "modulus is prime: the private exponent follows from n − 1");
	}
	ok = 1;
out:
	BN_CTX_end(c->bn);
	return ok;
}

/* Wiener (1990): if d < n^(1/4)/3, d is the denominator of a convergent of e/n. */
static int wiener(struct rsa_ctx *c)
{
	int ok = 0;
	const BIGNUM *n = c->k->n, *e = c->k->e;
	BN_CTX_start(c->bn);
	BIGNUM *num = BN_CTX_get(c->bn), *den = BN_CTX_get(c->bn), *q = BN_CTX_get(c->bn),
	       *rem = BN_CTX_get(c->bn), *h0 = BN_CTX_get(c->bn), *h1 = BN_CTX_get(c->bn),
	       *k0 = BN_CTX_get(c->bn), *k1 = BN_CTX_get(c->bn), *t = BN_CTX_get(c->bn),
	       *phi = BN_CTX_get(c->bn), *s = BN_CTX_get(c->bn), *root = BN_CTX_get(c->bn);
	if (root == NULL || !BN_copy(num, e) || !BN_copy(den, n))
		goto out;
	/* Convergents h/k of e/n: h_i = q_i·h_{i−1} + h_{i−2}, same for k. */
	BN_zero(h0);
	BN_one(h1);
	BN_one(k0);
	BN_zero(k1);
	int dmax_bits = BN_num_bits(n) / 4 + 8;
	for (unsigned step = 0; step < WIENER_MAX_STEPS && !BN_is_zero(den); step++) {
		if (!BN_div(q, rem, num, den, c->bn))
			goto out;
		if (!BN_copy(num, den) || !BN_copy(den, rem))
			goto out;
		/* (h0,h1) <- (h1, q·h1 + h0) */
		if (!BN_mul(t, q, h1, c->bn) || !BN_add(t, t, h0) || !BN_copy(h0, h1) || !BN_copy(h1, t))
			goto out;
		if (!BN_mul(t, q, k1, c->bn) || !BN_add(t, t, k0) || !BN_copy(k0, k1) || !BN_copy(k1, t))
			goto out;
		/* Candidate k = h1, d = k1. */
		if (BN_num_bits(k1) > dmax_bits)
			break;
		if (BN_is_zero(h1))
			continue;
		if (!BN_mul(t, e, k1, c->bn) || !BN_sub_word(t, 1) || !BN_div(phi, rem, t, h1, c->bn))
			goto out;
		if (!BN_is_zero(rem))
			continue;
		/* s = n − phi + 1 = p + q; p, q real iff s² − 4n is a square. */
		if (!BN_sub(s, n, phi) || !BN_add_word(s, 1) || !BN_sqr(t, s, c->bn) || !BN_sub(t, t, n) ||
		    !BN_sub(t, t, n) || !BN_sub(t, t, n) || !BN_sub(t, t, n))
			goto out;
		if (BN_is_negative(t) || BN_is_zero(s))
			continue;
		int sq = is_square(t, root, c->bn);
		if (sq < 0)
			goto out;
		if (sq) {
			add(c->r, "e_rsa_small_private_exponent", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(3)",
			    "private exponent of %d bits recovered from e/n (Wiener's attack)", BN_num_bits(k1));
			break;
		}
	}
	ok = 1;
out:
	BN_CTX_end(c->bn);
	return ok;
}

/* Low-complexity moduli (vanity and patterned keys, badkeys "pattern"):
 * many bytes that repeat one of the four before them. */
static void pattern(struct rsa_ctx *c)
{
	const uint8_t *p = c->k->n_der;
	size_t len = c->k->n_der_len;
	uint8_t tmp[PW_KEYS_MAX_RSA_BITS / 8 + 1];
	if (p == NULL) {
		int l = BN_bn2bin(c->k->n, tmp);
		p = tmp;
		len = (size_t)l;
	}
	size_t rep = 0;
	for (size_t i = 4; i < len; i++)
		if (p[i] == p[i - 1] || p[i] == p[i - 2] || p[i] == p[i - 3] || p[i] == p[i - 4])
			rep++;
	size_t lim = len / PATTERN_FRACTION_DIV;
	if (lim < PATTERN_MIN_REPEATS)
		lim = PATTERN_MIN_REPEATS;
	if (rep > lim)
		add(c->r, "e_rsa_modulus_low_complexity", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(2)",
		    "modulus is patterned: %zu of %zu bytes repeat a nearby byte (random: about 1.6%%)", rep, len);
}

/* Factors above 751 and below 2^16 (badkeys' "smallfactors" range): one
 * gcd of n with the product of those primes; trial division only on a hit. */
static int larger_factors(struct rsa_ctx *c)
{
	int ok = 0;
	pthread_once(&ext_once, init_ext_product);
	if (ext_product == NULL)
		return 0;
	BN_CTX_start(c->bn);
	BIGNUM *r = BN_CTX_get(c->bn), *g = BN_CTX_get(c->bn);
	/* Euclid with BN_mod: n is public, so OpenSSL's constant-time BN_gcd
	 * (about 10 ms at 2048 bits) buys nothing here. */
	if (g == NULL || !BN_mod(r, ext_product, c->k->n, c->bn) || !BN_copy(g, c->k->n))
		goto out;
	while (!BN_is_zero(r)) {
		if (!BN_mod(g, g, r, c->bn))
			goto out;
		BIGNUM *t = g;
		g = r;
		r = t;
	}
	if (!BN_is_one(g)) {
		char list[PW_KEYS_DETAIL_MAX] = "";
		size_t ll = 0;
		unsigned found = 0;
		for (unsigned p = PW_KEYS_SMALL_PRIME_MAX + 2; p <= PW_KEYS_EXT_PRIME_MAX; p += 2) {
			if (BN_mod_word(g, p) == 0 && bn_ne_word(c->k->n, p)) {
				found++;
				if (ll + 8 < sizeof list)
					ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%u", found > 1 ? ", " : "", p);
			}
		}
		if (found)
			add(c->r, "e_rsa_modulus_small_factor", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(3)",
			    "modulus is divisible by %s (trivially factored)", list);
	}
	ok = 1;
out:
	BN_CTX_end(c->bn);
	return ok;
}

static int check_private_rsa(struct rsa_ctx *c)
{
	const struct pw_keys_key *k = c->k;
	int ok = 0;
	BN_CTX_start(c->bn);
	BIGNUM *t = BN_CTX_get(c->bn);
	if (t == NULL)
		goto out;
	if (k->rsa_p != NULL && k->rsa_q != NULL) {
		if (!BN_mul(t, k->rsa_p, k->rsa_q, c->bn))
			goto out;
		if (BN_cmp(t, k->n) != 0)
			add(c->r, "e_rsa_private_key_inconsistent", PW_KEYS_SEV_ERROR, "RFC 8017 §3.2",
			    "the private key's primes do not multiply to the modulus (p·q ≠ n)");
	}
	if (k->rsa_d != NULL && !BN_is_zero(k->rsa_d) &&
	    (unsigned)BN_num_bits(k->rsa_d) * 4 < k->bits)
		add(c->r, "e_rsa_small_private_exponent", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(3)",
		    "private exponent has only %d bits (< n^(1/4): Wiener's attack)", BN_num_bits(k->rsa_d));
	ok = 1;
out:
	BN_CTX_end(c->bn);
	return ok;
}

static int check_rsa(const struct pw_keys_key *k, unsigned flags, struct pw_keys_result *r, BN_CTX *bn)
{
	struct rsa_ctx c = {.k = k, .r = r, .bn = bn};
	int composite = 0;
	to_limbs(&c);
	if (k->n_negative) {
		add(r, "e_rsa_modulus_negative", PW_KEYS_SEV_ERROR, "RFC 8017 §3.1", "modulus is negative");
		return 1;
	}
	if (BN_is_zero(k->n)) {
		add(r, "e_rsa_modulus_zero", PW_KEYS_SEV_ERROR, "RFC 8017 §3.1", "modulus is zero");
		return 1;
	}
	if (k->bits < 2048)
		add(r, "e_rsa_mod_less_than_2048_bits", PW_KEYS_SEV_ERROR, "BR 6.1.5, MRSP 5.1",
		    "modulus is %u bits; at least 2048 are required", k->bits);
	if (k->bits % 8 != 0)
		add(r, "e_rsa_mod_not_multiple_of_8_bits", PW_KEYS_SEV_ERROR, "BR 6.1.5, MRSP 5.1",
		    "modulus is %u bits, not a multiple of 8", k->bits);
	if (k->has_e) {
		if (k->e_negative) {
			add(r, "e_rsa_exp_negative", PW_KEYS_SEV_ERROR, "BR 6.1.6", "public exponent is negative");
		} else {
			if (!BN_is_odd(k->e))
				add(r, "e_rsa_public_exponent_not_odd", PW_KEYS_SEV_ERROR, "BR 6.1.6",
				    "public exponent is even");
			if (BN_num_bits(k->e) < 2 || (BN_num_bits(k->e) == 2 && BN_get_word(k->e) < 3))
				add(r, "e_rsa_public_exponent_too_small", PW_KEYS_SEV_ERROR, "BR 6.1.6",
				    "public exponent is %lu; it must be 3 or more", (unsigned long)BN_get_word(k->e));
			if (BN_cmp(k->e, k->n) >= 0)
				add(r, "e_rsa_public_exponent_not_less_than_modulus", PW_KEYS_SEV_ERROR, "RFC 8017 §3.1",
				    "public exponent (%d bits) is not less than the modulus", BN_num_bits(k->e));
			/* SHOULD be in [2^16 + 1, 2^256 − 1]. */
			int eb = BN_num_bits(k->e);
			if (eb < 17 || (eb == 17 && BN_get_word(k->e) < 65537) || eb > 256)
				add(r, "w_rsa_public_exponent_not_in_range", PW_KEYS_SEV_WARN, "BR 6.1.6",
				    eb > 256 ? "public exponent has %d bits (above 2^256 − 1)"
				             : "public exponent has %d bits (below 2^16 + 1)", eb);
		}
	}
	if (!BN_is_odd(k->n)) {
		add(r, "e_rsa_modulus_even", PW_KEYS_SEV_ERROR, "BR 6.1.6", "modulus is even (divisible by 2)");
		composite = 1;
	}
	if (!small_factors_and_roca(&c, &composite))
		return 0;
	if (!fermat(&c))
		return 0;
	pattern(&c);
	if ((flags & PW_KEYS_CHECK_LARGER_FACTORS) && !composite && k->bits > 32 && !larger_factors(&c))
		return 0;
	if ((flags & PW_KEYS_CHECK_PRIMALITY) && !composite && k->bits > 32 && !pw_keys_result_get0(c.r, "e_rsa_modulus_small_factor") && !primality(&c))
		return 0;
	if ((flags & PW_KEYS_CHECK_WIENER) && k->has_e && !k->e_negative &&
	    (unsigned)BN_num_bits(k->e) * 2 > k->bits && !wiener(&c))
		return 0;
	if (k->priv != NULL && !check_private_rsa(&c))
		return 0;
	return 1;
}

static void check_ec(const struct pw_keys_key *k, struct pw_keys_result *r)
{
	if (k->ec_explicit) {
		add(r, "e_ec_explicit_curve_parameters", PW_KEYS_SEV_ERROR, "BR 7.1.3.1.2, RFC 5480 §2.1.1",
		    "curve given by explicit parameters; only the namedCurve form is allowed");
		return;
	}
	if (k->ec_params_missing) {
		add(r, "e_ec_missing_curve", PW_KEYS_SEV_ERROR, "RFC 5480 §2.1.1",
		    "id-ecPublicKey without a named curve");
		return;
	}
	if (k->curve != PW_OID_SECP256R1 && k->curve != PW_OID_SECP384R1 && k->curve != PW_OID_SECP521R1)
		add(r, "e_ec_curve_not_allowed", PW_KEYS_SEV_ERROR, "BR 6.1.5, MRSP 5.1",
		    "curve %s is not P-256, P-384 or P-521", pw_keys_key_curve(k));
	if (k->ec_nid != 0 && !k->ec_point_ok)
		add(r, "e_ec_invalid_public_key", PW_KEYS_SEV_ERROR, "BR 6.1.6, SP 800-56A 5.6.2.3.3", "%s",
		    k->ec_error);
	if (k->ec_point_ok && k->ec_compressed)
		add(r, "n_ec_point_compressed", PW_KEYS_SEV_NOTICE, "RFC 5480 §2.2",
		    "point given in compressed form (normalised to uncompressed for identity)");
}

enum pw_status pw_keys_check(const struct pw_keys_key *k, const struct pw_keys_blocklist *const *lists,
                             size_t n_lists, unsigned flags, struct pw_keys_result *out,
                             struct pw_error *err)
{
	BN_CTX *bn = NULL;
	enum pw_status st = PW_OK;
	pw_error_clear(err);
	if (k == NULL || out == NULL || (lists == NULL && n_lists > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	pthread_once(&tables_once, init_tables);
	out->n = 0;
	out->truncated = 0;
	/* Blocklists first: a known-compromised key is the most important news. */
	for (size_t i = 0; i < n_lists; i++) {
		if (lists[i] == NULL || !pw_keys_blocklist_match_key(lists[i], k))
			continue;
		const char *name = pw_keys_blocklist_name(lists[i]);
		switch (pw_keys_blocklist_kind(lists[i])) {
		case PW_KEYS_LIST_DEBIAN_WEAK:
			add(out, "e_key_blocklisted_debian", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(5)(i), CVE-2008-0166",
			    "key is on the Debian weak key list \"%s\"", name);
			break;
		case PW_KEYS_LIST_COMPROMISED:
			add(out, "e_key_compromised", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(4), BR 4.9.1.1",
			    "key was reported compromised (list \"%s\")", name);
			break;
		default:
			add(out, "e_key_blocklisted", PW_KEYS_SEV_ERROR, "BR 6.1.1.3(3)",
			    "key is on the blocklist \"%s\"", name);
			break;
		}
	}
	switch (k->type) {
	case PW_KEYS_TYPE_RSA:
		bn = BN_CTX_new();
		if (bn == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		if (!check_rsa(k, flags, out, bn)) {
			ERR_clear_error();
			st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "bignum arithmetic failed");
			goto out;
		}
		break;
	case PW_KEYS_TYPE_EC:
		check_ec(k, out);
		break;
	case PW_KEYS_TYPE_ED25519:
		add(out, "e_key_algorithm_not_allowed", PW_KEYS_SEV_ERROR, "BR 6.1.5, MRSP 5.1",
		    "Ed25519 keys are not allowed in the WebPKI (RSA and ECDSA P-256/P-384/P-521 only)");
		break;
	default:
		add(out, "e_key_algorithm_not_allowed", PW_KEYS_SEV_ERROR, "BR 6.1.5, MRSP 5.1",
		    "key algorithm is not RSA or ECDSA");
		break;
	}
out:
	BN_CTX_free(bn);
	return st;
}
