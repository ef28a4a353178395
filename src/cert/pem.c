/* Input framing: PEM (RFC 7468) with text around blocks, or raw DER. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest PEM label kept (struct pw_object.label holds it NUL-terminated). */
#define PW_PEM_LABEL_MAX (sizeof(((struct pw_object *)0)->label) - 1)

static const char begin_marker[] = "-----BEGIN ";
static const char end_marker[] = "-----END ";
static const char dashes[] = "-----";

static enum pw_object_type label_type(const char *label)
{
	static const struct {
		const char *label;
		enum pw_object_type type;
	} map[] = {
		{ "CERTIFICATE", PW_OBJ_CERTIFICATE },
		{ "CERTIFICATE REQUEST", PW_OBJ_CSR },
		{ "NEW CERTIFICATE REQUEST", PW_OBJ_CSR },
		{ "X509 CRL", PW_OBJ_CRL },
		{ "TBS CERTIFICATE", PW_OBJ_TBS },
		{ "PUBLIC KEY", PW_OBJ_PUBLIC_KEY },
		{ "PRIVATE KEY", PW_OBJ_PRIVATE_KEY },
		{ "RSA PRIVATE KEY", PW_OBJ_PRIVATE_KEY },
		{ "EC PRIVATE KEY", PW_OBJ_PRIVATE_KEY },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(label, map[i].label) == 0)
			return map[i].type;
	return PW_OBJ_OTHER;
}

/* RFC 4648 §4 alphabet; -1 for anything else. */
static int b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

static int push_object(struct pw_objects *out, enum pw_object_type type, const char *label,
                       uint8_t *der, size_t der_len, size_t offset, size_t line,
                       struct pw_error *err)
{
	if (out->n == PW_OBJECTS_MAX) {
		pw_error_set(err, PW_ERR_LIMIT, 1, offset, "input", "more than %u objects",
		             (unsigned)PW_OBJECTS_MAX);
		return 0;
	}
	if ((out->n & (out->n - 1)) == 0) { /* grow at powers of two */
		size_t cap = out->n ? out->n * 2 : 1;
		struct pw_object *v = realloc(out->v, cap * sizeof *v);
		if (v == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, "input", "out of memory");
			return 0;
		}
		out->v = v;
	}
	struct pw_object *o = &out->v[out->n++];
	memset(o, 0, sizeof *o);
	o->type = type;
	snprintf(o->label, sizeof o->label, "%s", label);
	o->der = der;
	o->der_len = der_len;
	o->offset = offset;
	o->line = line;
	return 1;
}

/* Line iteration that keeps the 1-based line number and byte offsets. */
struct lines {
	const uint8_t *buf;
	size_t len, pos, line;
	/* current line */
	size_t start, end; /* [start, end) without the \n and a trailing \r */
};

static int next_line(struct lines *ls)
{
	if (ls->pos >= ls->len)
		return 0;
	ls->line++;
	ls->start = ls->pos;
	const uint8_t *nl = memchr(ls->buf + ls->pos, '\n', ls->len - ls->pos);
	size_t end = nl ? (size_t)(nl - ls->buf) : ls->len;
	ls->pos = nl ? end + 1 : ls->len;
	if (end > ls->start && ls->buf[end - 1] == '\r')
		end--;
	ls->end = end;
	return 1;
}

static int line_starts_with(const struct lines *ls, const char *s)
{
	size_t n = strlen(s);
	return ls->end - ls->start >= n && memcmp(ls->buf + ls->start, s, n) == 0;
}

/* Extracts the label of a "-----BEGIN x-----" / "-----END x-----" line
 * (trailing spaces and tabs tolerated, RFC 7468 §2). */
static int marker_label(const struct lines *ls, size_t prefix, char *label, struct pw_error *err)
{
	size_t s = ls->start + prefix, e = ls->end;
	while (e > s && (ls->buf[e - 1] == ' ' || ls->buf[e - 1] == '\t'))
		e--;
	if (e - s < 5 || memcmp(ls->buf + e - 5, dashes, 5) != 0) {
		pw_error_set(err, PW_ERR_PARSE, 1, ls->start, "PEM",
		             "line %zu: encapsulation boundary does not end with \"-----\"", ls->line);
		return 0;
	}
	e -= 5;
	if (e - s > PW_PEM_LABEL_MAX) {
		pw_error_set(err, PW_ERR_LIMIT, 1, ls->start, "PEM",
		             "line %zu: label longer than %zu characters", ls->line, PW_PEM_LABEL_MAX);
		return 0;
	}
	for (size_t i = s; i < e; i++) {
		uint8_t ch = ls->buf[i];
		if (ch < 0x20 || ch > 0x7E || ch == '-') {
			pw_error_set(err, PW_ERR_PARSE, 1, i, "PEM",
			             "line %zu: invalid character in PEM label", ls->line);
			return 0;
		}
	}
	memcpy(label, ls->buf + s, e - s);
	label[e - s] = '\0';
	return 1;
}

/* Decodes the base64 body of a block that began at the current line, up to
 * and including its END line. Strict: only the RFC 4648 alphabet, padding
 * only at the end, a multiple of 4 characters, zero pad bits (§3.5);
 * trailing spaces/tabs on a line are tolerated. */
static int read_block(struct lines *ls, const char *label, size_t begin_off, size_t begin_line,
                      uint8_t **out, size_t *out_len, struct pw_error *err)
{
	uint8_t *der = NULL;
	size_t cap = 0, n = 0, chars = 0, pad = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	int ok = 0;
	char end_label[PW_PEM_LABEL_MAX + 1];

	for (;;) {
		if (!next_line(ls)) {
			pw_error_set(err, PW_ERR_PARSE, 1, begin_off, "PEM",
			             "line %zu: \"-----BEGIN %s-----\" has no END line", begin_line,
			             label);
			goto out;
		}
		if (line_starts_with(ls, end_marker)) {
			if (!marker_label(ls, sizeof end_marker - 1, end_label, err))
				goto out;
			if (strcmp(end_label, label) != 0) {
				pw_error_set(err, PW_ERR_PARSE, 1, ls->start, "PEM",
				             "line %zu: END label \"%s\" does not match BEGIN \"%s\" "
				             "(line %zu)",
				             ls->line, end_label, label, begin_line);
				goto out;
			}
			break;
		}
		size_t e = ls->end;
		while (e > ls->start && (ls->buf[e - 1] == ' ' || ls->buf[e - 1] == '\t'))
			e--;
		/* Worst case 3 bytes per 4 characters of this line. */
		size_t need = n + (e - ls->start) / 4 * 3 + 3;
		if (need > cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			while (ncap < need)
				ncap *= 2;
			if (ncap > (size_t)PW_CRL_MAX_DER + 4096) {
				pw_error_set(err, PW_ERR_LIMIT, 1, begin_off, "PEM",
				             "line %zu: PEM block larger than %u bytes", begin_line,
				             PW_CRL_MAX_DER);
				goto out;
			}
			uint8_t *nd = realloc(der, ncap);
			if (nd == NULL) {
				pw_error_set(err, PW_ERR_NOMEM, 0, 0, "PEM", "out of memory");
				goto out;
			}
			der = nd;
			cap = ncap;
		}
		for (size_t i = ls->start; i < e; i++) {
			uint8_t ch = ls->buf[i];
			if (ch == '=') {
				pad++;
				chars++;
				continue;
			}
			int v = b64_value(ch);
			if (v < 0 || pad > 0) {
				pw_error_set(err, PW_ERR_PARSE, 1, i, "PEM",
				             v < 0 ? "line %zu, column %zu: invalid base64 character"
				                   : "line %zu, column %zu: base64 data after padding",
				             ls->line, i - ls->start + 1);
				goto out;
			}
			chars++;
			acc = (acc << 6) | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				der[n++] = (uint8_t)(acc >> bits);
				acc &= (1u << bits) - 1u;
			}
		}
	}
	if (chars == 0) {
		pw_error_set(err, PW_ERR_PARSE, 1, begin_off, "PEM", "line %zu: empty PEM block",
		             begin_line);
		goto out;
	}
	if (chars % 4 != 0 || pad > 2) {
		pw_error_set(err, PW_ERR_PARSE, 1, begin_off, "PEM",
		             "line %zu: base64 body of %zu characters is not padded to a multiple "
		             "of 4",
		             begin_line, chars);
		goto out;
	}
	if (acc != 0) {
		pw_error_set(err, PW_ERR_PARSE, 1, begin_off, "PEM",
		             "line %zu: non-canonical base64 (non-zero pad bits, RFC 4648 §3.5)",
		             begin_line);
		goto out;
	}
	*out = der;
	*out_len = n;
	der = NULL;
	ok = 1;
out:
	free(der);
	return ok;
}

static int read_pem(const uint8_t *buf, size_t len, struct pw_objects *out, struct pw_error *err)
{
	struct lines ls = { .buf = buf, .len = len };
	char label[PW_PEM_LABEL_MAX + 1];

	while (next_line(&ls)) {
		if (!line_starts_with(&ls, begin_marker))
			continue; /* explanatory text (RFC 7468 §2), e.g. openssl -text */
		size_t begin_off = ls.start, begin_line = ls.line;
		uint8_t *der = NULL;
		size_t der_len = 0;
		if (!marker_label(&ls, sizeof begin_marker - 1, label, err))
			return 0;
		if (!read_block(&ls, label, begin_off, begin_line, &der, &der_len, err))
			return 0;
		if (!push_object(out, label_type(label), label, der, der_len, begin_off, begin_line,
		                 err)) {
			free(der);
			return 0;
		}
	}
	if (out->n == 0) {
		pw_error_set(err, PW_ERR_PARSE, 1, 0, "input",
		             "neither DER nor PEM: no \"-----BEGIN\" line found");
		return 0;
	}
	return 1;
}

static int read_der(const uint8_t *buf, size_t len, struct pw_objects *out, struct pw_error *err)
{
	size_t pos = 0;
	while (pos < len) {
		struct pw_der d, el;
		pw_der_init(&d, buf, len);
		d.p += pos;
		d.len -= pos;
		d.off = pos;
		if (!pw_der_get_element(&d, PW_DER_SEQUENCE, &el, err)) {
			pw_cert_err_field(err, "DER object");
			return 0;
		}
		if (el.len > PW_CRL_MAX_DER) {
			pw_error_set(err, PW_ERR_LIMIT, 1, pos, "DER object",
			             "object of %zu bytes exceeds %u", el.len, PW_CRL_MAX_DER);
			return 0;
		}
		uint8_t *der = malloc(el.len);
		if (der == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, "input", "out of memory");
			return 0;
		}
		memcpy(der, el.p, el.len);
		if (!push_object(out, pw_der_sniff(der, el.len), "", der, el.len, pos, 0, err)) {
			free(der);
			return 0;
		}
		pos += el.len;
	}
	return 1;
}

/* Whether some line of buf starts with "-----BEGIN ". */
static int has_begin_line(const uint8_t *buf, size_t len)
{
	struct lines ls = { .buf = buf, .len = len };
	while (next_line(&ls))
		if (line_starts_with(&ls, begin_marker))
			return 1;
	return 0;
}

enum pw_status pw_objects_read(const uint8_t *buf, size_t len, struct pw_objects *out,
                               struct pw_error *err)
{
	struct pw_error local;
	if (err == NULL)
		err = &local;
	pw_error_clear(err);
	if (out == NULL || (buf == NULL && len != 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	out->v = NULL;
	out->n = 0;
	if (len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, 0, "input", "empty input");
	/* Every object pkiward reads is a SEQUENCE (0x30). 0x30 is also the
	 * character '0', so text before a PEM block could start with it: when
	 * DER framing fails and the input holds a BEGIN line, read it as PEM. */
	if (buf[0] == 0x30) {
		struct pw_error derr;
		pw_error_clear(&derr);
		if (read_der(buf, len, out, &derr))
			return PW_OK;
		if (!has_begin_line(buf, len)) {
			*err = derr;
			return err->status;
		}
		pw_objects_free(out);
	}
	if (!read_pem(buf, len, out, err))
		return err->status;
	return PW_OK;
}

void pw_objects_free(struct pw_objects *objs)
{
	if (objs == NULL)
		return;
	for (size_t i = 0; i < objs->n; i++)
		free(objs->v[i].der);
	free(objs->v);
	objs->v = NULL;
	objs->n = 0;
}

/* Skips one element in d (any tag); returns its tag or 0 on failure. */
static uint32_t next_tag(struct pw_der *d, struct pw_der *contents)
{
	struct pw_error tmp;
	uint32_t tag;
	struct pw_der c;
	if (!pw_der_get_any(d, &tag, contents ? contents : &c, NULL, &tmp))
		return 0;
	return tag;
}

static int is_time_tag(uint32_t t)
{
	return t == PW_DER_UTC_TIME || t == PW_DER_GENERALIZED_TIME;
}

/* Classifies the body of a TBSCertificate / TBSCertList /
 * CertificationRequestInfo by the tags of its first elements. */
static enum pw_object_type sniff_tbs(const struct pw_der *body)
{
	struct pw_der d = *body;
	uint32_t t[4] = { 0 };
	for (int i = 0; i < 4; i++)
		t[i] = next_tag(&d, NULL);
	if (t[0] == PW_DER_CTX_CONS(0))
		return PW_OBJ_CERTIFICATE; /* [0] version */
	if (t[0] == PW_DER_SEQUENCE && t[1] == PW_DER_SEQUENCE && is_time_tag(t[2]))
		return PW_OBJ_CRL; /* v1 CRL: signature, issuer, thisUpdate */
	if (t[0] == PW_DER_INTEGER) {
		if (t[1] == PW_DER_SEQUENCE && t[2] == PW_DER_SEQUENCE && is_time_tag(t[3]))
			return PW_OBJ_CRL;
		if (t[1] == PW_DER_SEQUENCE && t[2] == PW_DER_SEQUENCE && t[3] == PW_DER_SEQUENCE)
			return PW_OBJ_CERTIFICATE; /* v1 certificate: serial, sig, issuer, validity */
		if (t[1] == PW_DER_SEQUENCE && t[2] == PW_DER_SEQUENCE &&
		    (t[3] == PW_DER_CTX_CONS(0) || t[3] == 0))
			return PW_OBJ_CSR;
	}
	return PW_OBJ_UNKNOWN;
}

enum pw_object_type pw_der_sniff(const uint8_t *der, size_t len)
{
	struct pw_der d, outer, first;
	struct pw_error tmp;
	if (der == NULL)
		return PW_OBJ_UNKNOWN;
	pw_der_init(&d, der, len);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &outer, &tmp) || pw_der_len(&d) != 0)
		return PW_OBJ_UNKNOWN;
	struct pw_der o = outer;
	uint32_t t0 = next_tag(&o, &first);
	uint32_t t1 = next_tag(&o, NULL);
	uint32_t t2 = next_tag(&o, NULL);
	int signed_shape = t0 == PW_DER_SEQUENCE && t1 == PW_DER_SEQUENCE &&
	                   t2 == PW_DER_BIT_STRING && pw_der_len(&o) == 0;
	if (signed_shape) {
		enum pw_object_type t = sniff_tbs(&first);
		if (t != PW_OBJ_UNKNOWN)
			return t;
	}
	/* An unsigned TBSCertificate: [0] version, serial, signature, issuer. */
	if (sniff_tbs(&outer) == PW_OBJ_CERTIFICATE)
		return PW_OBJ_TBS;
	return PW_OBJ_UNKNOWN;
}
