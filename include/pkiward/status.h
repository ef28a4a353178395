/* pkiward — status codes and error details shared by every module.
 *
 * Public functions return an enum pw_status (0 = PW_OK) and, when they fail,
 * fill a caller-provided struct pw_error with what failed and where, so a
 * command can print "file.pem: byte 412: tbsCertificate.validity: ...".
 * Internal helpers return 1 (success) / 0 (failure) so they chain with
 * OpenSSL calls; they still fill the struct pw_error they are given. */
#ifndef PKIWARD_STATUS_H
#define PKIWARD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define PW_WARN_UNUSED __attribute__((warn_unused_result))
#define PW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PW_WARN_UNUSED
#define PW_PRINTF(a, b)
#endif

enum pw_status {
	PW_OK = 0,
	PW_ERR_DER,      /* strict DER violation (offset is meaningful) */
	PW_ERR_PARSE,    /* well-formed DER/PEM/JSON but not the structure expected */
	PW_ERR_IO,       /* file or stream error (errno text in msg) */
	PW_ERR_NOMEM,    /* allocation failed */
	PW_ERR_STORE,    /* storage backend error */
	PW_ERR_USAGE,    /* caller passed invalid arguments */
	PW_ERR_NOTFOUND, /* the thing asked for does not exist */
	PW_ERR_LIMIT,    /* a named size/count/depth limit was exceeded */
	PW_ERR_CRYPTO,   /* OpenSSL failure */
	PW_ERR_EXISTS    /* already present (not always an error) */
};

/* Size limits of struct pw_error's text fields. */
#define PW_ERROR_FIELD_MAX 96
#define PW_ERROR_MSG_MAX 224

/* What failed and where. `offset` is a byte offset into the input that was
 * being parsed when has_offset is non-zero; `field` names the structure
 * (e.g. "tbsCertificate.validity.notBefore"), may be empty. */
struct pw_error {
	enum pw_status status;
	int has_offset;
	size_t offset;
	char field[PW_ERROR_FIELD_MAX];
	char msg[PW_ERROR_MSG_MAX];
};

/* Returns a static, human-readable name of a status ("der", "io", ...). */
const char *pw_status_str(enum pw_status st);

/* Clears *err to PW_OK with empty texts. NULL-safe. */
void pw_error_clear(struct pw_error *err);

/* Fills *err (NULL-safe) and returns `st`, so `return pw_error_set(...)` works.
 * `field` may be NULL. Pass has_offset = 0 when no byte offset applies. */
enum pw_status pw_error_set(struct pw_error *err, enum pw_status st, int has_offset,
                            size_t offset, const char *field, const char *fmt, ...)
	PW_PRINTF(6, 7);

/* Formats "byte N: field: msg" (parts present only when set) into buf.
 * Always NUL-terminates when buflen > 0. Returns buf. */
char *pw_error_format(const struct pw_error *err, char *buf, size_t buflen);

#endif
