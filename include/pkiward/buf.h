/* pkiward — a growing byte buffer for building output (STYLE.md: _init /
 * _finish hands ownership / _cleanup). Not for untrusted parsing. */
#ifndef PKIWARD_BUF_H
#define PKIWARD_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"

struct pw_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int failed; /* set once an allocation failed; later appends are no-ops */
};

/* Starts an empty buffer (no allocation until the first append). */
void pw_buf_init(struct pw_buf *b);

/* Appends bytes / a NUL-terminated string / printf output. Return 1, or 0
 * (and mark the buffer failed) when memory runs out. */
int pw_buf_append(struct pw_buf *b, const void *p, size_t n);
int pw_buf_puts(struct pw_buf *b, const char *s);
int pw_buf_printf(struct pw_buf *b, const char *fmt, ...) PW_PRINTF(2, 3);

/* Hands the bytes to the caller (NUL-terminated; *out_len excludes the NUL;
 * free() them). Returns NULL if any append failed. The buffer is left empty. */
uint8_t *pw_buf_finish(struct pw_buf *b, size_t *out_len);

/* Frees whatever the buffer holds. NULL-safe, idempotent. */
void pw_buf_cleanup(struct pw_buf *b);

/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void pw_hex_encode(const uint8_t *p, size_t n, char *out);

/* Parses exactly `n` bytes of hex (2n characters, either case) from s.
 * Returns 1, or 0 if s is not exactly that. */
int pw_hex_decode(const char *s, uint8_t *out, size_t n);

/* Parses an even-length hex string of at most max bytes (for serials; an
 * optional "0x" prefix and ':' separators are accepted). *out_len gets the
 * byte count. Returns 1 on success. */
int pw_hex_decode_var(const char *s, uint8_t *out, size_t max, size_t *out_len);

#endif
