/* The OID table (include/pkiward/oid.h), built from the PW_OID_LIST X-macro.
 *
 * Names and dotted strings are static arrays. The DER content octets and the
 * lookup hash are computed once, on first use, from the dotted strings (so
 * appending to PW_OID_LIST is the only edit a new OID needs); pthread_once
 * makes that first use thread-safe, and an acquire-load flag keeps the
 * steady-state cost of pw_oid_lookup() to one load and one branch. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "pkiward/der.h"
#include "pkiward/oid.h"

/* Longest content encoding of a table entry; every listed OID is far below
 * (checked when the table is built: an entry that does not fit stays unknown,
 * which the unit tests catch). */
#define OID_DER_MAX 32
/* Open-addressing hash of 2^OID_HASH_BITS slots, kept at most half full so
 * that unsuccessful lookups (unknown OIDs are common in real certificates)
 * end after a probe or two. */
#define OID_HASH_BITS 9
#define OID_HASH_SLOTS (1u << OID_HASH_BITS)

_Static_assert(PW_OID_COUNT_ * 2 <= OID_HASH_SLOTS, "OID hash table too small for PW_OID_LIST");
_Static_assert(PW_OID_COUNT_ <= UINT16_MAX, "OID ids must fit the hash slots");

static const char *const oid_names[PW_OID_COUNT_] = {
	"unknown",
#define PW_OID_NAME_(id, name, dotted) name,
	PW_OID_LIST(PW_OID_NAME_)
#undef PW_OID_NAME_
};

static const char *const oid_dotted[PW_OID_COUNT_] = {
	"",
#define PW_OID_DOTTED_(id, name, dotted) dotted,
	PW_OID_LIST(PW_OID_DOTTED_)
#undef PW_OID_DOTTED_
};

static uint8_t oid_der[PW_OID_COUNT_][OID_DER_MAX];
static uint8_t oid_der_len[PW_OID_COUNT_];
static uint16_t oid_slots[OID_HASH_SLOTS]; /* 0 = empty, else an enum pw_oid */
/* Direct index of the three-octet OIDs 2.5.4.n (55 04 n: name attributes,
 * X.520) and 2.5.29.n (55 1D n: certificate extensions, RFC 5280 §4.2),
 * n < 128: most OIDs of a certificate, found with one load instead of a
 * hash probe. 0 = not in the table. */
static uint16_t oid_x500[2][128];
static pthread_once_t oid_once = PTHREAD_ONCE_INIT;
static atomic_int oid_ready;

/* Hash of OID content octets. Two (possibly overlapping) word loads cover
 * every octet of contents up to 16 octets, which is every OID in the table;
 * longer inputs fold in 8 octets at a time. */
static inline uint32_t oid_hash(const uint8_t *p, size_t n)
{
	uint64_t a, b, h = n * 0x9E3779B97F4A7C15ull;
	if (n >= 8) {
		size_t i = 0;
		for (; i + 8 < n; i += 8) {
			memcpy(&a, p + i, 8);
			h = (h ^ a) * 0xBF58476D1CE4E5B9ull;
		}
		memcpy(&b, p + n - 8, 8);
		h ^= b;
	} else if (n >= 4) {
		uint32_t x, y;
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		h ^= (uint64_t)x << 32 | y;
	} else if (n > 0) {
		h ^= (uint64_t)p[0] << 16 | (uint64_t)p[n / 2] << 8 | p[n - 1];
	}
	h *= 0x94D049BB133111EBull;
	h ^= h >> 31;
	return (uint32_t)(h >> (64 - OID_HASH_BITS));
}

/* Equality of n <= OID_DER_MAX octets; `entry` is a table row (all
 * OID_DER_MAX octets readable). Word compares for the common 4..16 octets
 * avoid a call to memcmp on every lookup. */
static inline int oid_equal(const uint8_t *entry, const uint8_t *p, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t a1, b1, a2, b2;
		memcpy(&a1, entry, 8);
		memcpy(&b1, p, 8);
		memcpy(&a2, entry + n - 8, 8);
		memcpy(&b2, p + n - 8, 8);
		return ((a1 ^ b1) | (a2 ^ b2)) == 0;
	}
	if (n >= 4 && n < 8) {
		uint32_t a1, b1, a2, b2;
		memcpy(&a1, entry, 4);
		memcpy(&b1, p, 4);
		memcpy(&a2, entry + n - 4, 4);
		memcpy(&b2, p + n - 4, 4);
		return ((a1 ^ b1) | (a2 ^ b2)) == 0;
	}
	if (n < 4) {
		unsigned diff = 0;
		for (size_t i = 0; i < n; i++)
			diff |= (unsigned)(entry[i] ^ p[i]);
		return diff == 0;
	}
	return memcmp(entry, p, n) == 0;
}

static void oid_build(void)
{
	for (unsigned id = 1; id < PW_OID_COUNT_; id++) {
		size_t n = 0;
		if (!pw_der_oid_from_text(oid_dotted[id], strlen(oid_dotted[id]), oid_der[id], OID_DER_MAX, &n))
			continue;
		oid_der_len[id] = (uint8_t)n;
		if (n == 3 && oid_der[id][0] == 0x55 && (oid_der[id][1] == 0x04 || oid_der[id][1] == 0x1D) &&
		    oid_der[id][2] < 0x80 && oid_x500[oid_der[id][1] == 0x1D][oid_der[id][2]] == 0)
			oid_x500[oid_der[id][1] == 0x1D][oid_der[id][2]] = (uint16_t)id;
		/* The first entry with given octets wins, so an OID listed twice
		 * under two names resolves to the earlier one. */
		uint32_t h = oid_hash(oid_der[id], n);
		for (;; h = (h + 1) & (OID_HASH_SLOTS - 1)) {
			unsigned other = oid_slots[h];
			if (other == 0) {
				oid_slots[h] = (uint16_t)id;
				break;
			}
			if (oid_der_len[other] == n && memcmp(oid_der[other], oid_der[id], n) == 0)
				break;
		}
	}
	atomic_store_explicit(&oid_ready, 1, memory_order_release);
}

static inline void oid_init(void)
{
	if (!atomic_load_explicit(&oid_ready, memory_order_acquire))
		pthread_once(&oid_once, oid_build);
}

enum pw_oid pw_oid_lookup(const struct pw_der *oid)
{
	size_t n = oid->len;
	if (n == 0 || n > OID_DER_MAX)
		return PW_OID_UNKNOWN;
	oid_init();
	const uint8_t *p = oid->p;
	if (n == 3 && p[0] == 0x55 && (p[1] == 0x04 || p[1] == 0x1D) && p[2] < 0x80)
		return (enum pw_oid)oid_x500[p[1] == 0x1D][p[2]];
	for (uint32_t h = oid_hash(oid->p, n);; h = (h + 1) & (OID_HASH_SLOTS - 1)) {
		unsigned id = oid_slots[h];
		if (id == 0)
			return PW_OID_UNKNOWN;
		if (oid_der_len[id] == n && oid_equal(oid_der[id], oid->p, n))
			return (enum pw_oid)id;
	}
}

const char *pw_oid_name(enum pw_oid id)
{
	if ((unsigned)id >= PW_OID_COUNT_)
		return oid_names[PW_OID_UNKNOWN];
	return oid_names[id];
}

const char *pw_oid_dotted(enum pw_oid id)
{
	if ((unsigned)id >= PW_OID_COUNT_)
		return oid_dotted[PW_OID_UNKNOWN];
	return oid_dotted[id];
}

const uint8_t *pw_oid_der(enum pw_oid id, size_t *out_len)
{
	if (id == PW_OID_UNKNOWN || (unsigned)id >= PW_OID_COUNT_) {
		*out_len = 0;
		return NULL;
	}
	oid_init();
	if (oid_der_len[id] == 0) {
		*out_len = 0;
		return NULL;
	}
	*out_len = oid_der_len[id];
	return oid_der[id];
}

int pw_oid_get(struct pw_der *d, struct pw_der *out, enum pw_oid *out_id, struct pw_error *err)
{
	struct pw_der t = *d, c;
	if (!pw_der_get(&t, PW_DER_OID, &c, err))
		return 0;
	enum pw_oid id = pw_oid_lookup(&c);
	if (id == PW_OID_UNKNOWN && !pw_der_check_oid(&c, err))
		return 0;
	*out = c;
	*out_id = id;
	*d = t;
	return 1;
}
