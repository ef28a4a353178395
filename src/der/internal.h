/* pkiward der/ — private helpers shared by the DER reader's source files. */
#ifndef PKIWARD_DER_INTERNAL_H
#define PKIWARD_DER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/der.h"
#include "pkiward/status.h"

#if defined(__GNUC__)
#define PW_DER_LIKELY(x) __builtin_expect(!!(x), 1)
#define PW_DER_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PW_DER_COLD __attribute__((cold, noinline))
#else
#define PW_DER_LIKELY(x) (x)
#define PW_DER_UNLIKELY(x) (x)
#define PW_DER_COLD
#endif

/* Longest excerpt of untrusted content quoted in an error message. */
#define PW_DER_QUOTE_MAX 40

/* Fills *err (NULL-safe) with PW_ERR_DER at absolute byte `off`. Kept out
 * of line and cold so the success paths of the getters stay small. */
void pw_der_int_error(struct pw_error *err, size_t off, const char *fmt, ...) PW_PRINTF(3, 4) PW_DER_COLD;

/* pw_der_int_error() as an expression worth 0, so a getter can write
 * `return pw_der_int_fail(...)` and the compiler sees the constant result. */
#define pw_der_int_fail(...) (pw_der_int_error(__VA_ARGS__), 0)

/* Renders untrusted bytes for an error message: printable ASCII as is,
 * everything else (and quotes/backslashes) as \xNN; at most
 * PW_DER_QUOTE_MAX input bytes, "..." when cut. Always NUL-terminates. */
void pw_der_int_quote(const uint8_t *p, size_t n, char *out, size_t outlen);

/* Decodes one UTF-8 sequence at p[0..n) under RFC 3629 §4 (no overlongs, no
 * surrogates, nothing above U+10FFFF). Returns the sequence length (1..4) and
 * sets *out_cp, or returns 0 and sets *out_why to a static reason. n > 0. */
size_t pw_der_int_utf8_decode(const uint8_t *p, size_t n, uint32_t *out_cp, const char **out_why);

#endif
