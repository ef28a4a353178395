/* Status names and error detail formatting (include/pkiward/status.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pkiward/status.h"

const char *pw_status_str(enum pw_status st)
{
	switch (st) {
	case PW_OK: return "ok";
	case PW_ERR_DER: return "der";
	case PW_ERR_PARSE: return "parse";
	case PW_ERR_IO: return "io";
	case PW_ERR_NOMEM: return "out of memory";
	case PW_ERR_STORE: return "store";
	case PW_ERR_USAGE: return "usage";
	case PW_ERR_NOTFOUND: return "not found";
	case PW_ERR_LIMIT: return "limit";
	case PW_ERR_CRYPTO: return "crypto";
	case PW_ERR_EXISTS: return "exists";
	}
	return "unknown";
}

void pw_error_clear(struct pw_error *err)
{
	if (err == NULL)
		return;
	err->status = PW_OK;
	err->has_offset = 0;
	err->offset = 0;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

enum pw_status pw_error_set(struct pw_error *err, enum pw_status st, int has_offset,
                            size_t offset, const char *field, const char *fmt, ...)
{
	if (err == NULL)
		return st;
	err->status = st;
	err->has_offset = has_offset;
	err->offset = has_offset ? offset : 0;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return st;
}

char *pw_error_format(const struct pw_error *err, char *buf, size_t buflen)
{
	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	if (err == NULL)
		return buf;
	size_t n = 0;
	if (err->has_offset)
		n += (size_t)snprintf(buf + n, buflen - n, "byte %zu: ", err->offset);
	if (n < buflen && err->field[0] != '\0')
		n += (size_t)snprintf(buf + n, buflen - n, "%s: ", err->field);
	if (n < buflen)
		snprintf(buf + n, buflen - n, "%s", err->msg[0] ? err->msg : pw_status_str(err->status));
	return buf;
}
