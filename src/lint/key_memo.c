/* pkiward lint — bounded memo of key-only lint results (key_memo.h). */
#include "key_memo.h"

#include <stdlib.h>
#include <string.h>

struct pw_lint_key_memo_slot {
	uint64_t h;          /* hash of (id, key); 0 = empty slot */
	uint8_t *key;        /* owned copy of the key bytes */
	size_t key_len, key_cap;
	char *details;       /* owned, NULL when the check left details empty */
	uint8_t id;          /* enum pw_lint_key_memo_id */
	uint8_t status;      /* enum pw_lint_status */
};

void pw_lint_key_memo_cleanup(struct pw_lint_key_memo *m)
{
	if (m == NULL || m->slots == NULL)
		return;
	for (size_t i = 0; i < PW_LINT_KEY_MEMO_SLOTS; i++) {
		free(m->slots[i].key);
		free(m->slots[i].details);
	}
	free(m->slots);
	m->slots = NULL;
}

/* A 64-bit mix of the key bytes (words multiplied in, then finalised as
 * in splitmix64). Only for choosing a slot: equality is a full compare. */
static uint64_t key_hash(unsigned id, const uint8_t *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)id << 56) ^ (uint64_t)n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x94d049bb133111ebull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	return h != 0 ? h : 1;
}

/* Copies the result into the slot; 0 when memory runs out (the slot is
 * then left empty, so it is merely not remembered). */
static int remember(struct pw_lint_key_memo_slot *s, uint64_t h, enum pw_lint_key_memo_id id,
                    const uint8_t *key, size_t key_len, enum pw_lint_status st,
                    const char *details)
{
	size_t dl = strlen(details);
	s->h = 0;
	free(s->details);
	s->details = NULL;
	if (key_len > s->key_cap) {
		uint8_t *k = realloc(s->key, key_len);
		if (k == NULL)
			return 0;
		s->key = k;
		s->key_cap = key_len;
	}
	if (dl > 0) {
		if ((s->details = malloc(dl + 1)) == NULL)
			return 0;
		memcpy(s->details, details, dl + 1);
	}
	memcpy(s->key, key, key_len);
	s->key_len = key_len;
	s->id = (uint8_t)id;
	s->status = (uint8_t)st;
	s->h = h;
	return 1;
}

enum pw_lint_status pw_lint_key_memo_run(const struct pw_lint_ctx *ctx, enum pw_lint_key_memo_id id,
                                         const uint8_t *key, size_t key_len,
                                         enum pw_lint_status (*compute)(const struct pw_lint_ctx *,
                                                                        char *, size_t),
                                         char *details, size_t details_len)
{
	struct pw_lint_key_memo *m = ctx->memo_;
	struct pw_lint_key_memo_slot *s;
	enum pw_lint_status st;
	uint64_t h;

	if (m == NULL || key_len > PW_LINT_KEY_MEMO_KEY_MAX || details_len == 0)
		return compute(ctx, details, details_len);
	if (m->slots == NULL) {
		m->slots = calloc(PW_LINT_KEY_MEMO_SLOTS, sizeof *m->slots);
		if (m->slots == NULL)
			return compute(ctx, details, details_len);
	}
	h = key_hash(id, key, key_len);
	s = &m->slots[h & (PW_LINT_KEY_MEMO_SLOTS - 1)];
	if (s->h == h && s->id == (uint8_t)id && s->key_len == key_len &&
	    memcmp(s->key, key, key_len) == 0) {
		const char *d = s->details != NULL ? s->details : "";
		size_t dl = strlen(d);
		if (dl < details_len) {
			memcpy(details, d, dl + 1);
			m->hits++;
			return (enum pw_lint_status)s->status;
		}
	}
	m->misses++;
	details[0] = '\0';
	st = compute(ctx, details, details_len);
	/* FATAL means the check could not run (e.g. OpenSSL ran out of
	 * memory): try again next time rather than remember a failure. */
	if (st != PW_LINT_FATAL)
		(void)remember(s, h, id, key, key_len, st, details);
	return st;
}
