/* pkiward lint — a bounded memo of lint results that depend on the public
 * key alone (the RSA Fermat and small-factor searches, BR 6.1.1.3(5)(iii)
 * and BR 6.1.6). A CA's certificate base reuses keys (renewals, one key
 * per subscriber across many certificates), so re-linting it pays the
 * big-number work once per key instead of once per certificate.
 *
 * The memo is keyed by the exact key bytes a check reads (compared in
 * full, never by hash alone), so a memoised result is the result the
 * check would compute: strictness cannot change. It lives in a result set
 * (one per thread, lint.h) and reaches checks through pw_lint_ctx.memo_;
 * there is no global state. */
#ifndef PW_LINT_KEY_MEMO_H
#define PW_LINT_KEY_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/lint.h"

/* Slots (a power of two): direct-mapped, a collision replaces the older
 * entry. 1024 slots are ~40 KB plus the remembered key bytes. */
#define PW_LINT_KEY_MEMO_SLOTS 1024u
/* Keys longer than this are not remembered (a 16384-bit modulus is 2049
 * octets; anything larger is computed every time). */
#define PW_LINT_KEY_MEMO_KEY_MAX 2064u

/* Which memoised lint a slot belongs to (part of the key). */
enum pw_lint_key_memo_id {
	PW_LINT_KEY_MEMO_RSA_FERMAT = 1,
	PW_LINT_KEY_MEMO_RSA_SMALL_FACTORS = 2
};

struct pw_lint_key_memo_slot;

struct pw_lint_key_memo {
	struct pw_lint_key_memo_slot *slots; /* PW_LINT_KEY_MEMO_SLOTS, allocated on first use */
	uint64_t hits, misses;               /* for benchmarks */
};

/* Frees the memo's memory (the struct itself belongs to the caller). */
void pw_lint_key_memo_cleanup(struct pw_lint_key_memo *m);

/* A check that depends only on `key[0..key_len)`: returns the remembered
 * status and details for (id, key) when present, else runs compute(ctx,
 * details, details_len) and remembers what it returned (a FATAL result,
 * an out-of-memory or an over-long key is never remembered). With
 * ctx->memo_ NULL it simply computes. */
enum pw_lint_status pw_lint_key_memo_run(const struct pw_lint_ctx *ctx, enum pw_lint_key_memo_id id,
                                         const uint8_t *key, size_t key_len,
                                         enum pw_lint_status (*compute)(const struct pw_lint_ctx *,
                                                                        char *, size_t),
                                         char *details, size_t details_len);

#endif
