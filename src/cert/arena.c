/* Per-object arena (see internal.h) and small shared helpers of cert/. */
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
 * but they are the only allocation-free and lock-free path (see
 * pw_cert_sha256 below); they exist in every OpenSSL 3.x. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "internal.h"

struct pw_arena_chunk {
	struct pw_arena_chunk *next;
	size_t cap;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct pw_arena {
	struct pw_arena_chunk *head; /* first chunk */
	struct pw_arena_chunk *cur;  /* chunk being filled */
	size_t total;                /* bytes of all chunks */
};

#define PW_ARENA_ALIGN (alignof(max_align_t))

int pw_arena_reset(struct pw_arena **a)
{
	if (*a == NULL) {
		*a = calloc(1, sizeof **a);
		if (*a == NULL)
			return 0;
	}
	for (struct pw_arena_chunk *ch = (*a)->head; ch != NULL; ch = ch->next)
		ch->used = 0;
	(*a)->cur = (*a)->head;
	return 1;
}

void *pw_arena_alloc(struct pw_arena *a, size_t n)
{
	if (a == NULL)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > PW_ARENA_MAX_TOTAL)
		return NULL;
	n = (n + PW_ARENA_ALIGN - 1) & ~(PW_ARENA_ALIGN - 1);
	/* Walk the kept chunks first: after a reset they are all empty. */
	while (a->cur != NULL) {
		if (a->cur->cap - a->cur->used >= n) {
			void *p = a->cur->data + a->cur->used;
			a->cur->used += n;
			return p;
		}
		if (a->cur->next == NULL)
			break;
		a->cur = a->cur->next;
	}
	size_t cap = a->cur ? a->cur->cap * 2 : PW_ARENA_FIRST_CHUNK;
	if (cap < n)
		cap = n;
	if (a->total + cap > PW_ARENA_MAX_TOTAL)
		return NULL;
	struct pw_arena_chunk *ch = malloc(sizeof *ch + cap);
	if (ch == NULL)
		return NULL;
	ch->next = NULL;
	ch->cap = cap;
	ch->used = n;
	a->total += cap;
	if (a->cur != NULL)
		a->cur->next = ch;
	else
		a->head = ch;
	a->cur = ch;
	return ch->data;
}

void *pw_arena_zalloc(struct pw_arena *a, size_t n)
{
	void *p = pw_arena_alloc(a, n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void pw_arena_free(struct pw_arena *a)
{
	if (a == NULL)
		return;
	struct pw_arena_chunk *ch = a->head;
	while (ch != NULL) {
		struct pw_arena_chunk *next = ch->next;
		free(ch);
		ch = next;
	}
	free(a);
}

void pw_cert_err_field(struct pw_error *err, const char *field)
{
	if (err == NULL || err->status == PW_OK || field == NULL)
		return;
	snprintf(err->field, sizeof err->field, "%s", field);
}

int pw_cert_err_nomem(struct pw_error *err, const char *field)
{
	pw_error_set(err, PW_ERR_NOMEM, 0, 0, field, "out of memory");
	return 0;
}

int pw_cert_bit_string_contents(const struct pw_der *contents, struct pw_der *out_bits,
                                unsigned *out_unused, struct pw_error *err)
{
	if (contents->len == 0) {
		pw_error_set(err, PW_ERR_DER, 1, contents->off, NULL,
		             "BIT STRING without its unused-bits octet (X.690 §8.6.2)");
		return 0;
	}
	unsigned unused = contents->p[0];
	if (unused > 7 || (contents->len == 1 && unused != 0)) {
		pw_error_set(err, PW_ERR_DER, 1, contents->off, NULL,
		             "BIT STRING unused-bits count %u invalid (X.690 §8.6.2.2)", unused);
		return 0;
	}
	if (unused != 0 && (contents->p[contents->len - 1] & ((1u << unused) - 1u)) != 0) {
		pw_error_set(err, PW_ERR_DER, 1, contents->off + contents->len - 1, NULL,
		             "BIT STRING unused bits not zero (X.690 §11.2.1)");
		return 0;
	}
	out_bits->p = contents->p + 1;
	out_bits->len = contents->len - 1;
	out_bits->off = contents->off + 1;
	*out_unused = unused;
	return 1;
}

int pw_cert_bool_contents(const struct pw_der *contents, int *out, struct pw_error *err)
{
	if (contents->len != 1 || (contents->p[0] != 0x00 && contents->p[0] != 0xFF)) {
		pw_error_set(err, PW_ERR_DER, 1, contents->off, NULL,
		             "BOOLEAN must be one octet 0x00 or 0xFF (X.690 §11.1)");
		return 0;
	}
	*out = contents->p[0] == 0xFF;
	return 1;
}

int pw_cert_uint64_contents(const struct pw_der *contents, uint64_t *out, struct pw_error *err)
{
	if (!pw_der_check_integer(contents, err))
		return 0;
	if (contents->p[0] & 0x80) {
		pw_error_set(err, PW_ERR_PARSE, 1, contents->off, NULL, "INTEGER is negative");
		return 0;
	}
	size_t i = 0;
	if (contents->p[0] == 0)
		i = 1;
	if (contents->len - i > 8) {
		pw_error_set(err, PW_ERR_PARSE, 1, contents->off, NULL, "INTEGER exceeds 64 bits");
		return 0;
	}
	uint64_t v = 0;
	for (; i < contents->len; i++)
		v = (v << 8) | contents->p[i];
	*out = v;
	return 1;
}

int pw_cert_count_elements(const struct pw_der *contents, size_t limit, size_t *out_n,
                           struct pw_error *err, const char *field)
{
	struct pw_der d = *contents;
	size_t n = 0;
	while (pw_der_len(&d) > 0) {
		if (n == limit) {
			pw_error_set(err, PW_ERR_LIMIT, 1, pw_der_offset(&d), field,
			             "more than %zu elements", limit);
			return 0;
		}
		if (!pw_der_skip(&d, err)) {
			pw_cert_err_field(err, field);
			return 0;
		}
		n++;
	}
	*out_n = n;
	return 1;
}

size_t pw_cert_put_length(uint8_t *out, size_t n)
{
	if (n < 0x80) {
		out[0] = (uint8_t)n;
		return 1;
	}
	size_t k = 0;
	for (size_t v = n; v != 0; v >>= 8)
		k++;
	out[0] = (uint8_t)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		out[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
	return 1 + k;
}

int pw_cert_get_time(struct pw_der *d, uint32_t *out_tag, struct pw_der *out_raw,
                     int64_t *out_unix, int *strict_ok, int *out_ok, struct pw_error *err,
                     const char *field)
{
	uint32_t tag;
	struct pw_der contents;
	struct pw_error tmp;
	if (!pw_der_get_any(d, &tag, &contents, NULL, err)) {
		pw_cert_err_field(err, field);
		return 0;
	}
	if (tag != PW_DER_UTC_TIME && tag != PW_DER_GENERALIZED_TIME) {
		pw_error_set(err, PW_ERR_PARSE, 1, contents.off, field,
		             "expected UTCTime or GeneralizedTime, found %s", pw_der_tag_name(tag));
		return 0;
	}
	*out_tag = tag;
	if (out_raw != NULL)
		*out_raw = contents;
	*out_ok = 1;
	if (pw_der_parse_time(tag, &contents, 1, out_unix, &tmp))
		return 1;
	/* RFC 5280 §4.1.2.5 form violations are lint findings, not parse errors. */
	*strict_ok = 0;
	if (!pw_der_parse_time(tag, &contents, 0, out_unix, &tmp)) {
		*out_ok = 0;
		*out_unix = 0;
	}
	return 1;
}

int pw_cert_get_both(struct pw_der *d, uint32_t tag, struct pw_der *out_contents,
                     struct pw_der *out_element, struct pw_error *err)
{
	struct pw_der save = *d;
	uint32_t got;
	if (!pw_der_get_any(d, &got, out_contents, out_element, err))
		return 0;
	if (got != tag) {
		*d = save;
		pw_error_set(err, PW_ERR_PARSE, 1, pw_der_offset(&save), NULL, "expected %s, found %s",
		             pw_der_tag_name(tag), pw_der_tag_name(got));
		return 0;
	}
	return 1;
}

/* OpenSSL 3's one-shot SHA256() goes through EVP_Q_digest, which fetches
 * the algorithm from the provider (a locked lookup) and allocates a context
 * on every call; EVP_DigestInit_ex2 on a kept context still allocates the
 * provider context each time. Both would break "no allocation per
 * certificate" and cost more than hashing a small SPKI. The low-level
 * functions hash on the stack with the same assembly (SHA-NI when present). */
void pw_cert_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	SHA256_CTX ctx;
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, p, n);
	SHA256_Final(out, &ctx);
}
