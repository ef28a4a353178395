/* The in-memory key blocklist: a set of SHA-256 hashes sized for the
 * published Debian weak key lists (294,912 keys per RSA size, several
 * sizes) plus every key a CA has ever been told is compromised — tens of
 * millions of entries, looked up on every issuance (BR 6.1.1.3(4),(5)(i)).
 *
 * Layout: `main` is a sorted array of 32-byte hashes; `index[b]` is the
 * position of the first hash whose top PW_KEYS_BL_INDEX_BITS bits are >= b,
 * so a lookup binary-searches a bucket of about count/2^20 entries (a few
 * cache lines). Single adds (a new compromise report) go into a small sorted
 * `delta` array, merged into `main` when it grows past PW_KEYS_BL_DELTA_MAX,
 * so adding one key to a 10M list does not move 320 MB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define BL_BUCKETS (1u << PW_KEYS_BL_INDEX_BITS)
/* Longest line we accept in a list file (64 hex + "\r\n" + slack for comments). */
#define BL_LINE_MAX 4096u

typedef uint8_t hash_t[32];

struct pw_keys_blocklist {
	char name[PW_KEYS_BL_NAME_MAX];
	enum pw_keys_list_kind kind;
	hash_t *main;
	size_t n_main, cap_main;
	uint32_t *index; /* BL_BUCKETS + 1 entries, NULL while main is empty */
	hash_t *delta;
	size_t n_delta, cap_delta;
};

/* Arrays from this size up are 2 MiB-aligned and marked for transparent
 * huge pages: a lookup touches the index and one bucket at random, and
 * with 4 KiB pages each touch is also a TLB miss. */
#define BL_HUGE_MIN (4u << 20)
#define BL_HUGE_ALIGN (2u << 20)

static void *big_alloc(size_t bytes)
{
	if (bytes < BL_HUGE_MIN)
		return malloc(bytes ? bytes : 1);
	void *p = NULL;
	if (posix_memalign(&p, BL_HUGE_ALIGN, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, (bytes + BL_HUGE_ALIGN - 1) / BL_HUGE_ALIGN * BL_HUGE_ALIGN, MADV_HUGEPAGE);
#endif
	return p;
}

static uint32_t bucket_of(const uint8_t *h)
{
	return ((uint32_t)h[0] << 12 | (uint32_t)h[1] << 4 | (uint32_t)h[2] >> 4) >> (20 - PW_KEYS_BL_INDEX_BITS);
}

struct pw_keys_blocklist *pw_keys_blocklist_new(const char *name, enum pw_keys_list_kind kind)
{
	struct pw_keys_blocklist *bl = calloc(1, sizeof *bl);
	if (bl == NULL)
		return NULL;
	snprintf(bl->name, sizeof bl->name, "%s", name ? name : "");
	bl->kind = kind;
	return bl;
}

void pw_keys_blocklist_free(struct pw_keys_blocklist *bl)
{
	if (bl == NULL)
		return;
	free(bl->main);
	free(bl->index);
	free(bl->delta);
	free(bl);
}

const char *pw_keys_blocklist_name(const struct pw_keys_blocklist *bl)
{
	return bl ? bl->name : "";
}

enum pw_keys_list_kind pw_keys_blocklist_kind(const struct pw_keys_blocklist *bl)
{
	return bl ? bl->kind : PW_KEYS_LIST_OTHER;
}

size_t pw_keys_blocklist_count(const struct pw_keys_blocklist *bl)
{
	return bl ? bl->n_main + bl->n_delta : 0;
}

size_t pw_keys_blocklist_memory(const struct pw_keys_blocklist *bl)
{
	if (bl == NULL)
		return 0;
	return sizeof *bl + bl->cap_main * sizeof(hash_t) + (bl->index ? (BL_BUCKETS + 1) * sizeof(uint32_t) : 0) +
	       bl->cap_delta * sizeof(hash_t);
}

/* Binary search in a sorted range; returns 1 if found, *pos = insert point. */
static int search(const hash_t *v, size_t lo, size_t hi, const uint8_t *h, size_t *pos)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(v[mid], h, 32);
		if (c == 0) {
			if (pos)
				*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return 0;
}

int pw_keys_blocklist_contains(const struct pw_keys_blocklist *bl, const uint8_t hash[32])
{
	if (bl == NULL || hash == NULL)
		return 0;
	if (bl->index != NULL) {
		uint32_t b = bucket_of(hash);
		if (search((const hash_t *)bl->main, bl->index[b], bl->index[b + 1], hash, NULL))
			return 1;
	}
	return bl->n_delta > 0 && search((const hash_t *)bl->delta, 0, bl->n_delta, hash, NULL);
}

int pw_keys_blocklist_match_key(const struct pw_keys_blocklist *bl, const struct pw_keys_key *k)
{
	if (bl == NULL || k == NULL)
		return 0;
	if (k->spki != NULL && pw_keys_blocklist_contains(bl, k->spki_sha256))
		return 1;
	return k->has_badkeys && pw_keys_blocklist_contains(bl, k->badkeys_sha256);
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Rebuilds main from main + delta + extra (n_extra hashes, any order):
 * a counting sort on the bucket, then each small bucket sorted, duplicates
 * dropped, index rebuilt. O(n) apart from the per-bucket sorts. */
static enum pw_status rebuild(struct pw_keys_blocklist *bl, const uint8_t *extra, size_t n_extra,
                              struct pw_error *err)
{
	enum pw_status st = PW_OK;
	size_t total = bl->n_main + bl->n_delta + n_extra;
	hash_t *out = NULL;
	uint32_t *idx = NULL;
	if (total > PW_KEYS_BL_MAX_ENTRIES)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "blocklist",
		                    "%zu hashes exceed the %u-entry limit", total, PW_KEYS_BL_MAX_ENTRIES);
	out = big_alloc(total * sizeof(hash_t));
	idx = big_alloc((BL_BUCKETS + 1) * sizeof(uint32_t));
	if (idx != NULL)
		memset(idx, 0, (BL_BUCKETS + 1) * sizeof(uint32_t));
	if (out == NULL || idx == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "blocklist", "out of memory for %zu hashes", total);
		goto out;
	}
	/* Count per bucket (idx[b+1]), prefix-sum to starts, scatter. */
	for (size_t i = 0; i < bl->n_main; i++)
		idx[bucket_of(bl->main[i]) + 1]++;
	for (size_t i = 0; i < bl->n_delta; i++)
		idx[bucket_of(bl->delta[i]) + 1]++;
	for (size_t i = 0; i < n_extra; i++)
		idx[bucket_of(extra + 32 * i) + 1]++;
	for (uint32_t b = 0; b < BL_BUCKETS; b++)
		idx[b + 1] += idx[b];
	{
		uint32_t *fill = malloc(BL_BUCKETS * sizeof(uint32_t));
		if (fill == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "blocklist", "out of memory");
			goto out;
		}
		memcpy(fill, idx, BL_BUCKETS * sizeof(uint32_t));
		for (size_t i = 0; i < bl->n_main; i++)
			memcpy(out[fill[bucket_of(bl->main[i])]++], bl->main[i], 32);
		for (size_t i = 0; i < bl->n_delta; i++)
			memcpy(out[fill[bucket_of(bl->delta[i])]++], bl->delta[i], 32);
		for (size_t i = 0; i < n_extra; i++)
			memcpy(out[fill[bucket_of(extra + 32 * i)]++], extra + 32 * i, 32);
		free(fill);
	}
	/* Sort each bucket and compact out duplicates, rewriting the index. */
	size_t w = 0;
	uint32_t start = 0;
	for (uint32_t b = 0; b < BL_BUCKETS; b++) {
		uint32_t end = idx[b + 1];
		size_t nb = end - start;
		if (nb > 1)
			qsort(out[start], nb, sizeof(hash_t), cmp_hash);
		idx[b] = (uint32_t)w;
		for (uint32_t i = start; i < end; i++) {
			if (w > idx[b] && memcmp(out[w - 1], out[i], 32) == 0)
				continue;
			if (w != i)
				memcpy(out[w], out[i], 32);
			w++;
		}
		start = end;
	}
	idx[BL_BUCKETS] = (uint32_t)w;
	free(bl->main);
	free(bl->index);
	free(bl->delta);
	bl->main = out; /* not shrunk: duplicates are rare and realloc would lose the alignment */
	bl->n_main = w;
	bl->cap_main = total;
	bl->index = idx;
	bl->delta = NULL;
	bl->n_delta = bl->cap_delta = 0;
	out = NULL;
	idx = NULL;
out:
	free(out);
	free(idx);
	return st;
}

enum pw_status pw_keys_blocklist_add(struct pw_keys_blocklist *bl, const uint8_t hash[32],
                                     struct pw_error *err)
{
	size_t pos = 0;
	pw_error_clear(err);
	if (bl == NULL || hash == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (bl->index != NULL) {
		uint32_t b = bucket_of(hash);
		if (search((const hash_t *)bl->main, bl->index[b], bl->index[b + 1], hash, NULL))
			return PW_ERR_EXISTS;
	}
	if (search((const hash_t *)bl->delta, 0, bl->n_delta, hash, &pos))
		return PW_ERR_EXISTS;
	if (pw_keys_blocklist_count(bl) >= PW_KEYS_BL_MAX_ENTRIES)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "blocklist", "blocklist is full (%u entries)",
		                    PW_KEYS_BL_MAX_ENTRIES);
	if (bl->n_delta == bl->cap_delta) {
		size_t nc = bl->cap_delta ? bl->cap_delta * 2 : 64;
		hash_t *nd = realloc(bl->delta, nc * sizeof(hash_t));
		if (nd == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "blocklist", "out of memory");
		bl->delta = nd;
		bl->cap_delta = nc;
	}
	memmove(bl->delta[pos + 1], bl->delta[pos], (bl->n_delta - pos) * sizeof(hash_t));
	memcpy(bl->delta[pos], hash, 32);
	bl->n_delta++;
	if (bl->n_delta > PW_KEYS_BL_DELTA_MAX)
		return rebuild(bl, NULL, 0, err);
	return PW_OK;
}

enum pw_status pw_keys_blocklist_add_key(struct pw_keys_blocklist *bl, const struct pw_keys_key *k,
                                         struct pw_error *err)
{
	pw_error_clear(err);
	if (bl == NULL || k == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	int added = 0, tried = 0;
	if (k->spki != NULL) {
		tried++;
		enum pw_status st = pw_keys_blocklist_add(bl, k->spki_sha256, err);
		if (st == PW_OK)
			added++;
		else if (st != PW_ERR_EXISTS)
			return st;
	}
	if (k->has_badkeys) {
		tried++;
		enum pw_status st = pw_keys_blocklist_add(bl, k->badkeys_sha256, err);
		if (st == PW_OK)
			added++;
		else if (st != PW_ERR_EXISTS)
			return st;
	}
	pw_error_clear(err);
	if (tried == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "key has no identity to block");
	return added ? PW_OK : PW_ERR_EXISTS;
}

enum pw_status pw_keys_blocklist_add_many(struct pw_keys_blocklist *bl, const uint8_t *hashes, size_t n,
                                          struct pw_error *err)
{
	pw_error_clear(err);
	if (bl == NULL || (hashes == NULL && n > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (n == 0)
		return PW_OK;
	return rebuild(bl, hashes, n, err);
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum pw_status pw_keys_blocklist_load(struct pw_keys_blocklist *bl, const uint8_t *text, size_t len,
                                      size_t *out_added, struct pw_error *err)
{
	uint8_t *hashes = NULL;
	size_t n = 0, cap = 0, line = 0, pos = 0;
	enum pw_status st = PW_OK;
	pw_error_clear(err);
	if (out_added)
		*out_added = 0;
	if (bl == NULL || (text == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	while (pos < len) {
		size_t s = pos, e;
		const uint8_t *nl = memchr(text + pos, '\n', len - pos);
		e = nl ? (size_t)(nl - text) : len;
		pos = nl ? e + 1 : len;
		line++;
		size_t l = e - s;
		if (l > 0 && text[e - 1] == '\r')
			l--;
		if (l == 0 || text[s] == '#')
			continue;
		if (l != 64) {
			st = pw_error_set(err, PW_ERR_PARSE, 1, s, "line",
			                  "line %zu: expected 64 lowercase hex digits (a SHA-256), got %zu characters",
			                  line, l);
			goto out;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			if (nc > PW_KEYS_BL_MAX_ENTRIES)
				nc = PW_KEYS_BL_MAX_ENTRIES;
			if (n >= nc) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "line", "line %zu: more than %u hashes", line,
				                  PW_KEYS_BL_MAX_ENTRIES);
				goto out;
			}
			uint8_t *nh = realloc(hashes, nc * 32);
			if (nh == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory at line %zu", line);
				goto out;
			}
			hashes = nh;
			cap = nc;
		}
		for (size_t i = 0; i < 32; i++) {
			int hi = hexval(text[s + 2 * i]), lo = hexval(text[s + 2 * i + 1]);
			if (hi < 0 || lo < 0) {
				size_t col = s + 2 * i + (hi < 0 ? 0 : 1);
				st = pw_error_set(err, PW_ERR_PARSE, 1, col, "line",
				                  "line %zu, column %zu: not a lowercase hex digit", line, col - s + 1);
				goto out;
			}
			hashes[32 * n + i] = (uint8_t)(hi << 4 | lo);
		}
		n++;
	}
	size_t before = pw_keys_blocklist_count(bl);
	st = pw_keys_blocklist_add_many(bl, hashes, n, err);
	if (st == PW_OK && out_added)
		*out_added = pw_keys_blocklist_count(bl) - before;
out:
	free(hashes);
	return st;
}

enum pw_status pw_keys_blocklist_load_file(struct pw_keys_blocklist *bl, const char *path,
                                           size_t *out_added, struct pw_error *err)
{
	FILE *f = NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	enum pw_status st = PW_OK;
	pw_error_clear(err);
	if (bl == NULL || path == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	f = fopen(path, "rb");
	if (f == NULL) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, nc);
			if (nb == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap = nc;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: read error", path);
		goto out;
	}
	st = pw_keys_blocklist_load(bl, buf, len, out_added, err);
	if (st != PW_OK && err != NULL) {
		char tmp[PW_ERROR_MSG_MAX];
		memcpy(tmp, err->msg, sizeof tmp);
		int pl = (int)strnlen(path, 100);
		snprintf(err->msg, sizeof err->msg, "%.*s: %.*s", pl, path, (int)(sizeof err->msg) - pl - 3, tmp);
	}
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return st;
}

int pw_keys_blocklist_iterate(const struct pw_keys_blocklist *bl,
                              int (*fn)(const uint8_t hash[32], void *arg), void *arg)
{
	size_t i = 0, j = 0;
	if (bl == NULL || fn == NULL)
		return 0;
	/* Merge main and delta in ascending order. */
	while (i < bl->n_main || j < bl->n_delta) {
		const uint8_t *h;
		if (j == bl->n_delta || (i < bl->n_main && memcmp(bl->main[i], bl->delta[j], 32) < 0))
			h = bl->main[i++];
		else
			h = bl->delta[j++];
		int r = fn(h, arg);
		if (r != 0)
			return r;
	}
	return 0;
}

static int export_one(const uint8_t hash[32], void *arg)
{
	char hex[65];
	pw_hex_encode(hash, 32, hex);
	hex[64] = '\n';
	return pw_buf_append(arg, hex, 65) ? 0 : 1;
}

enum pw_status pw_keys_blocklist_export(const struct pw_keys_blocklist *bl, struct pw_buf *out,
                                        struct pw_error *err)
{
	pw_error_clear(err);
	if (bl == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (pw_keys_blocklist_iterate(bl, export_one, out) != 0)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	return PW_OK;
}
