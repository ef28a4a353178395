/* incident/mail.c: one RFC 5322 message -> what a problem report needs
 * (report.h, pw_report_mail_parse): received time, Message-ID, From,
 * Subject, text, the certificates it names and the proofs it attaches.
 *
 * MIME is GMime's (RFC 2045-2049: multiparts, transfer encodings, charsets
 * converted to UTF-8). Before GMime sees the bytes, the header section is
 * checked here (RFC 5322 §2.2, §3.5): GMime accepts anything, and a file
 * that is not a message must be refused with the line where it stops being
 * one, not turned into an empty report.
 *
 * Received time (documented in docs/reports.md): the Date header (RFC 5322
 * §3.6.1, the originator's time); when it is missing or unparsable, the date
 * after the last ';' of the first (topmost) Received header (RFC 5321
 * §4.4, added by the CA's own mail server); neither is an error. A time
 * later than now is replaced by now by the importer (a report cannot be
 * received after it was read; a forged future Date must not push a
 * deadline back). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <openssl/evp.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/report.h"
#include "report_internal.h"

/* Header section limits (RFC 5322 §2.1.1 allows 998 octets a line; real
 * mail sometimes folds badly, so a little more is tolerated). */
#define MAIL_MAX_HEADER_BYTES ((size_t)256 << 10)
#define MAIL_MAX_HEADER_LINE 4096u
/* Longest field name accepted (RFC 5322 §3.6.8: ftext; real ones are short). */
#define MAIL_MAX_FIELD_NAME 128u
/* Distinct names (FQDNs) one message may name. */
#define MAIL_MAX_NAMES 32u
/* Text scanned for references (subject + text parts). */
#define MAIL_MAX_SCAN ((size_t)4 << 20)

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

void pw_report_mail_cleanup(struct pw_report_mail *m)
{
	if (m == NULL)
		return;
	free(m->message_id);
	free(m->from);
	free(m->subject);
	free(m->body);
	free(m->refs);
	for (size_t i = 0; i < m->n_proofs; i++)
		free(m->proofs[i].data);
	free(m->proofs);
	memset(m, 0, sizeof *m);
}

/* ---- header section check ---- */

static enum pw_status check_headers(const uint8_t *msg, size_t len, struct pw_error *err)
{
	size_t off = 0, line = 1, fields = 0;
	while (off < len) {
		const uint8_t *nl = memchr(msg + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - msg) : len;
		size_t ll = end - off;
		if (ll > 0 && msg[end - 1] == '\r')
			ll--;
		if (ll == 0)
			break; /* the empty line ending the header section */
		if (off > MAIL_MAX_HEADER_BYTES)
			return pw_error_set(err, PW_ERR_LIMIT, 1, off, "header",
			                    "header line %zu: header section over %zu bytes", line,
			                    MAIL_MAX_HEADER_BYTES);
		if (ll > MAIL_MAX_HEADER_LINE)
			return pw_error_set(err, PW_ERR_PARSE, 1, off, "header",
			                    "header line %zu: %zu bytes (at most %u)", line, ll,
			                    MAIL_MAX_HEADER_LINE);
		if (msg[off] == ' ' || msg[off] == '\t') {
			if (fields == 0)
				return pw_error_set(err, PW_ERR_PARSE, 1, off, "header",
				                    "header line %zu: a continuation line before any header field"
				                    " (not an RFC 5322 message)", line);
		} else {
			/* field-name = 1*ftext (printable US-ASCII except ':'), then ':' */
			size_t i = 0;
			while (i < ll && i <= MAIL_MAX_FIELD_NAME && msg[off + i] >= 33 &&
			       msg[off + i] <= 126 && msg[off + i] != ':')
				i++;
			/* Tolerate whitespace before the colon (RFC 5322 §4.5.1 obs-optional). */
			size_t j = i;
			while (j < ll && (msg[off + j] == ' ' || msg[off + j] == '\t'))
				j++;
			if (i == 0 || i > MAIL_MAX_FIELD_NAME || j >= ll || msg[off + j] != ':')
				return pw_error_set(err, PW_ERR_PARSE, 1, off, "header",
				                    "header line %zu: not a header field (\"Name: value\") — not an"
				                    " RFC 5322 message", line);
			fields++;
		}
		if (nl == NULL)
			break;
		off = end + 1;
		line++;
	}
	if (fields == 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, 0, "header",
		                    "line 1: no header fields (not an RFC 5322 message)");
	return PW_OK;
}

/* ---- references in text ---- */

static int add_ref(struct pw_report_mail *m, const struct pw_report_ref *r)
{
	for (size_t i = 0; i < m->n_refs; i++) {
		const struct pw_report_ref *o = &m->refs[i];
		if (o->type != r->type)
			continue;
		if ((r->type == PW_REPORT_REF_SHA256 || r->type == PW_REPORT_REF_CRTSH_SHA256 ||
		     r->type == PW_REPORT_REF_PEM_CERT) &&
		    memcmp(o->sha256, r->sha256, 32) == 0)
			return 1;
		if (r->type == PW_REPORT_REF_SERIAL && o->serial_len == r->serial_len &&
		    memcmp(o->serial, r->serial, r->serial_len) == 0 && strcmp(o->text, r->text) == 0)
			return 1;
		if ((r->type == PW_REPORT_REF_CRTSH_ID || r->type == PW_REPORT_REF_NAME) &&
		    strcmp(o->text, r->text) == 0)
			return 1;
	}
	if (m->n_refs >= PW_REPORT_MAIL_MAX_REFS)
		return 0;
	void *n = realloc(m->refs, (m->n_refs + 1) * sizeof *m->refs);
	if (n == NULL)
		return 0;
	m->refs = n;
	m->refs[m->n_refs++] = *r;
	return 1;
}

static int is_hex(int c)
{
	return isxdigit((unsigned char)c);
}

static int is_word(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* 64 hex digits at t[i] bounded by non-word characters. */
static int hex64_at(const char *t, size_t n, size_t i)
{
	if (i + 64 > n || (i > 0 && is_word(t[i - 1])) || (i + 64 < n && is_word(t[i + 64])))
		return 0;
	for (size_t k = 0; k < 64; k++)
		if (!is_hex(t[i + k]))
			return 0;
	return 1;
}

/* "AB:CD:...": 32 colon-separated pairs (how browsers show a fingerprint). */
static int colon_fp_at(const char *t, size_t n, size_t i, uint8_t out[32])
{
	char hex[65];
	if (i + 95 > n || (i > 0 && (is_word(t[i - 1]) || t[i - 1] == ':')) ||
	    (i + 95 < n && (is_word(t[i + 95]) || t[i + 95] == ':')))
		return 0;
	for (size_t k = 0; k < 32; k++) {
		const char *p = t + i + 3 * k;
		if (!is_hex(p[0]) || !is_hex(p[1]) || (k < 31 && p[2] != ':'))
			return 0;
		hex[2 * k] = p[0];
		hex[2 * k + 1] = p[1];
	}
	hex[64] = '\0';
	return pw_hex_decode(hex, out, 32);
}

static int ci_prefix(const char *t, size_t n, size_t i, const char *w)
{
	size_t l = strlen(w);
	return i + l <= n && strncasecmp(t + i, w, l) == 0;
}

/* crt.sh links: ?sha256=<hex>, ?q=<hex> (a SHA-256), ?id=<n>. */
static size_t crtsh_at(struct pw_report_mail *m, const char *t, size_t n, size_t i)
{
	struct pw_report_ref r;
	size_t p = i + strlen("crt.sh/?");
	memset(&r, 0, sizeof r);
	for (;;) {
		if (ci_prefix(t, n, p, "sha256=") && hex64_at(t, n, p + 7)) {
			char hex[65];
			memcpy(hex, t + p + 7, 64);
			hex[64] = '\0';
			r.type = PW_REPORT_REF_CRTSH_SHA256;
			pw_hex_decode(hex, r.sha256, 32);
			snprintf(r.text, sizeof r.text, "https://crt.sh/?sha256=%s", hex);
			add_ref(m, &r);
			return p + 7 + 64;
		}
		if (ci_prefix(t, n, p, "q=") && hex64_at(t, n, p + 2)) {
			char hex[65];
			memcpy(hex, t + p + 2, 64);
			hex[64] = '\0';
			r.type = PW_REPORT_REF_CRTSH_SHA256;
			pw_hex_decode(hex, r.sha256, 32);
			snprintf(r.text, sizeof r.text, "https://crt.sh/?q=%s", hex);
			add_ref(m, &r);
			return p + 2 + 64;
		}
		if (ci_prefix(t, n, p, "id=")) {
			size_t d = p + 3, k = d;
			while (k < n && k - d < 20 && isdigit((unsigned char)t[k]))
				k++;
			if (k > d && (k == n || !is_word(t[k]))) {
				r.type = PW_REPORT_REF_CRTSH_ID;
				snprintf(r.text, sizeof r.text, "https://crt.sh/?id=%.*s", (int)(k - d), t + d);
				add_ref(m, &r);
				return k;
			}
		}
		/* Skip to the next parameter of the query string. */
		while (p < n && t[p] != '&' && t[p] != ' ' && t[p] != '\n' && t[p] != '>' && t[p] != '"')
			p++;
		if (p >= n || t[p] != '&')
			return p;
		p++;
	}
}

/* A DNS name token: LDH labels, at least two, an alphabetic TLD, optional
 * leading "*." (RFC 1035 §2.3.1; BR 1.6.1 "Wildcard Domain Name"). Returns
 * its length or 0. */
static size_t fqdn_at(const char *t, size_t n, size_t i)
{
	size_t p = i, labels = 0, last_start = i;
	if (ci_prefix(t, n, p, "*."))
		p += 2;
	for (;;) {
		size_t s = p;
		while (p < n && p - s < 64 && (isalnum((unsigned char)t[p]) || t[p] == '-'))
			p++;
		if (p == s || t[s] == '-' || t[p - 1] == '-' || p - s > 63)
			return 0;
		labels++;
		last_start = s;
		if (p + 1 < n && t[p] == '.' && (isalnum((unsigned char)t[p + 1])))
			p++;
		else
			break;
	}
	if (labels < 2 || p - i > 253)
		return 0;
	for (size_t k = last_start; k < p; k++)
		if (!isalpha((unsigned char)t[k]))
			return 0;
	if (p - last_start < 2)
		return 0;
	return p - i;
}

static void scan_names(struct pw_report_mail *m, const char *t, size_t n, size_t *n_names)
{
	for (size_t i = 0; i < n && *n_names < MAIL_MAX_NAMES;) {
		if (!(isalnum((unsigned char)t[i]) || t[i] == '*') ||
		    (i > 0 && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '-' || t[i - 1] == '.' ||
		               t[i - 1] == '_'))) {
			i++;
			continue;
		}
		size_t l = fqdn_at(t, n, i);
		if (l == 0) {
			i++;
			continue;
		}
		/* Not an email address (before or after '@'), not a URL's host
		 * (crt.sh links are parsed on their own), not a file name. */
		int skip = (i > 0 && t[i - 1] == '@') || (i + l < n && t[i + l] == '@') ||
		           (i >= 3 && memcmp(t + i - 3, "://", 3) == 0) ||
		           (i + l < n && t[i + l] == '/');
		if (!skip) {
			struct pw_report_ref r;
			memset(&r, 0, sizeof r);
			r.type = PW_REPORT_REF_NAME;
			for (size_t k = 0; k < l && k + 1 < sizeof r.text; k++)
				r.text[k] = (char)tolower((unsigned char)t[i + k]);
			size_t before = m->n_refs;
			add_ref(m, &r);
			*n_names += m->n_refs > before;
		}
		i += l;
	}
}

/* "serial: 0a:1b..." / "serial number = 0x0A1B" on a line; "issuer: DN". */
static void scan_lines(struct pw_report_mail *m, const char *t, size_t n)
{
	char issuer[PW_REPORT_MAX_SHORT] = "";
	size_t first_serial = m->n_refs;
	for (size_t off = 0; off < n;) {
		const char *nl = memchr(t + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - t) : n, p = off;
		while (p < end && (t[p] == ' ' || t[p] == '\t' || t[p] == '>' || t[p] == '-' || t[p] == '*'))
			p++;
		int is_serial = ci_prefix(t, end, p, "serial number") || ci_prefix(t, end, p, "serial");
		int is_issuer = ci_prefix(t, end, p, "issuer");
		if (is_serial || is_issuer) {
			p += is_serial ? (ci_prefix(t, end, p, "serial number") ? 13 : 6) : 6;
			while (p < end && (t[p] == ' ' || t[p] == '\t'))
				p++;
			if (p < end && (t[p] == ':' || t[p] == '=')) {
				p++;
				while (p < end && (t[p] == ' ' || t[p] == '\t'))
					p++;
				size_t e = end;
				while (e > p && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t'))
					e--;
				if (is_issuer) {
					snprintf(issuer, sizeof issuer, "%.*s", (int)(e - p), t + p);
				} else if (e > p && e - p < 3 * PW_STORE_MAX_SERIAL) {
					char buf[3 * PW_STORE_MAX_SERIAL + 1];
					struct pw_report_ref r;
					memset(&r, 0, sizeof r);
					snprintf(buf, sizeof buf, "%.*s", (int)(e - p), t + p);
					/* Decimal serials are ambiguous with hex; only hex
					 * (with 0x, colons, or an even number of digits) is read. */
					if (pw_hex_decode_var(buf, r.serial, sizeof r.serial, &r.serial_len) &&
					    r.serial_len > 0) {
						r.type = PW_REPORT_REF_SERIAL;
						add_ref(m, &r);
					}
				}
			}
		}
		off = end + 1;
	}
	/* One issuer line names the issuer of the serials listed with it. */
	if (issuer[0] != '\0')
		for (size_t i = first_serial; i < m->n_refs; i++)
			if (m->refs[i].type == PW_REPORT_REF_SERIAL && m->refs[i].text[0] == '\0')
				snprintf(m->refs[i].text, sizeof m->refs[i].text, "%s", issuer);
}

/* Every reference in one text (subject or a text part). */
static void scan_text(struct pw_report_mail *m, const char *t, size_t n, size_t *n_names)
{
	for (size_t i = 0; i < n;) {
		struct pw_report_ref r;
		if (ci_prefix(t, n, i, "crt.sh/?")) {
			i = crtsh_at(m, t, n, i);
			continue;
		}
		if (is_hex(t[i]) && hex64_at(t, n, i)) {
			char hex[65];
			memset(&r, 0, sizeof r);
			memcpy(hex, t + i, 64);
			hex[64] = '\0';
			r.type = PW_REPORT_REF_SHA256;
			pw_hex_decode(hex, r.sha256, 32);
			snprintf(r.text, sizeof r.text, "%s", hex);
			add_ref(m, &r);
			i += 64;
			continue;
		}
		if (is_hex(t[i])) {
			memset(&r, 0, sizeof r);
			if (colon_fp_at(t, n, i, r.sha256)) {
				r.type = PW_REPORT_REF_SHA256;
				snprintf(r.text, sizeof r.text, "%.95s", t + i);
				add_ref(m, &r);
				i += 95;
				continue;
			}
		}
		i++;
	}
	scan_lines(m, t, n);
	scan_names(m, t, n, n_names);
}

/* ---- PEM objects and proofs ---- */

/* 1 when needle occurs in p[0..n) (memmem is a GNU extension). */
static int contains(const uint8_t *p, size_t n, const char *needle)
{
	size_t l = strlen(needle);
	for (size_t i = 0; l > 0 && i + l <= n; i++)
		if (p[i] == (uint8_t)needle[0] && memcmp(p + i, needle, l) == 0)
			return 1;
	return 0;
}

static enum pw_status add_proof(struct pw_report_mail *m, const uint8_t *p, size_t n,
                                const char *name, struct pw_error *err)
{
	if (m->n_proofs >= PW_REPORT_MAIL_MAX_PARTS)
		return PW_OK;
	void *nv = realloc(m->proofs, (m->n_proofs + 1) * sizeof *m->proofs);
	if (nv == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	m->proofs = nv;
	struct pw_report_proof *pr = &m->proofs[m->n_proofs];
	memset(pr, 0, sizeof *pr);
	if ((pr->data = malloc(n ? n : 1)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	memcpy(pr->data, p, n);
	pr->len = n;
	snprintf(pr->name, sizeof pr->name, "%s", name ? name : "");
	m->n_proofs++;
	return PW_OK;
}

/* Looks for certificates (references) and CSRs / private keys (proofs) in
 * the bytes of a part or text: PEM anywhere in it, or the part as DER. */
static enum pw_status scan_objects(struct pw_report_mail *m, const uint8_t *p, size_t n,
                                   const char *name, int whole_part, struct pw_error *err)
{
	struct pw_objects objs = {0};
	struct pw_error oerr;
	enum pw_status st = PW_OK;
	if (n == 0)
		return PW_OK;
	int pem = contains(p, n, "-----BEGIN ");
	if (!pem && !(whole_part && p[0] == 0x30))
		return PW_OK;
	/* Errors in armour are the reporter's; what parsed is still used. */
	if (pw_objects_read(p, n, &objs, &oerr) != PW_OK && objs.n == 0) {
		pw_objects_free(&objs);
		return PW_OK;
	}
	for (size_t i = 0; i < objs.n && st == PW_OK; i++) {
		const struct pw_object *o = &objs.v[i];
		if (o->type == PW_OBJ_CERTIFICATE) {
			struct pw_report_ref r;
			memset(&r, 0, sizeof r);
			r.type = PW_REPORT_REF_PEM_CERT;
			if (!EVP_Digest(o->der, o->der_len, r.sha256, NULL, EVP_sha256(), NULL))
				continue;
			snprintf(r.text, sizeof r.text, "%s certificate #%zu", name ? name : "attached",
			         i + 1);
			add_ref(m, &r);
		} else if (o->type == PW_OBJ_CSR || o->type == PW_OBJ_PRIVATE_KEY) {
			st = add_proof(m, o->der, o->der_len, name, err);
		}
	}
	pw_objects_free(&objs);
	return st;
}

/* A pwnedkeys-style flattened JWS (RFC 7515 §7.2.2) in a part. */
static int looks_like_jws(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && isspace(p[i]))
		i++;
	return i < n && p[i] == '{' && contains(p, n, "\"protected\"") &&
	       contains(p, n, "\"signature\"");
}

/* ---- GMime walk ---- */

struct walk {
	struct pw_report_mail *m;
	struct pw_buf body;
	size_t n_parts, n_names;
	enum pw_status st;
	struct pw_error *err;
};

static GByteArray *part_bytes(GMimePart *part, GMimeStream **keep)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	if (w == NULL)
		return NULL;
	GMimeStream *mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) < 0) {
		g_object_unref(mem);
		return NULL;
	}
	*keep = mem;
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
}

static void walk_part(GMimeObject *parent, GMimeObject *obj, gpointer data)
{
	struct walk *w = data;
	GMimeStream *keep = NULL;
	(void)parent;
	if (w->st != PW_OK || !GMIME_IS_PART(obj))
		return;
	if (++w->n_parts > PW_REPORT_MAIL_MAX_PARTS) {
		w->st = pw_error_set(w->err, PW_ERR_LIMIT, 0, 0, "mime",
		                     "more than %u MIME parts", PW_REPORT_MAIL_MAX_PARTS);
		return;
	}
	GMimePart *part = GMIME_PART(obj);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *fname = g_mime_part_get_filename(part);
	int is_text = ct != NULL && g_mime_content_type_is_type(ct, "text", "plain") && fname == NULL;
	char label[128];
	snprintf(label, sizeof label, "part %zu%s%s%s", w->n_parts, fname ? " (" : "",
	         fname ? fname : "", fname ? ")" : "");
	GByteArray *ba = part_bytes(part, &keep);
	if (ba == NULL) {
		w->st = pw_error_set(w->err, PW_ERR_PARSE, 0, 0, "mime", "%s: cannot decode", label);
		goto out;
	}
	if (!is_text && ba->len > PW_REPORT_MAIL_MAX_ATTACHMENT) {
		w->st = pw_error_set(w->err, PW_ERR_LIMIT, 0, 0, "attachment",
		                     "%s: %u bytes, over the %zu-byte attachment limit", label,
		                     (unsigned)ba->len, PW_REPORT_MAIL_MAX_ATTACHMENT);
		goto out;
	}
	if (is_text && GMIME_IS_TEXT_PART(obj)) {
		/* Converted to UTF-8 from the part's charset. */
		char *txt = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
		if (txt != NULL) {
			size_t tl = strlen(txt);
			if (w->body.len + tl > MAIL_MAX_SCAN) {
				g_free(txt);
				w->st = pw_error_set(w->err, PW_ERR_LIMIT, 0, 0, "text",
				                     "%s: message text over %zu bytes", label,
				                     MAIL_MAX_SCAN);
				goto out;
			}
			if (w->body.len > 0)
				pw_buf_puts(&w->body, "\n");
			pw_buf_append(&w->body, txt, tl);
			g_free(txt);
		}
		if ((w->st = scan_objects(w->m, ba->data, ba->len, "message text", 0, w->err)) != PW_OK)
			goto out;
		if (looks_like_jws(ba->data, ba->len))
			w->st = add_proof(w->m, ba->data, ba->len, "message text (JWS)", w->err);
		goto out;
	}
	if (looks_like_jws(ba->data, ba->len)) {
		w->st = add_proof(w->m, ba->data, ba->len, label, w->err);
		goto out;
	}
	w->st = scan_objects(w->m, ba->data, ba->len, label, 1, w->err);
	if (w->st == PW_OK && ct != NULL && g_mime_content_type_is_type(ct, "text", "*") &&
	    ba->len <= MAIL_MAX_SCAN) {
		/* A text attachment (a .txt list of fingerprints). */
		char *clean = pw_report_utf8_clean((const char *)ba->data, ba->len);
		if (clean == NULL) {
			w->st = pw_error_set(w->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		scan_text(w->m, clean, strlen(clean), &w->n_names);
		free(clean);
	}
out:
	if (keep != NULL)
		g_object_unref(keep);
}

static int64_t gdate_unix(GDateTime *d)
{
	return d ? (int64_t)g_date_time_to_unix(d) : 0;
}

static char *dup_clean(const char *t)
{
	return t ? pw_report_utf8_clean(t, strlen(t)) : NULL;
}

enum pw_status pw_report_mail_parse(const uint8_t *msg, size_t len, struct pw_report_mail *out,
                                    struct pw_error *err)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *gm = NULL;
	struct walk w;
	enum pw_status st;
	if (out == NULL || (msg == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	pw_buf_init(&w.body);
	if (len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, 0, "message", "empty message");
	if (len > PW_REPORT_MAIL_MAX_MESSAGE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "message",
		                    "message of %zu bytes, over the %zu-byte limit", len,
		                    PW_REPORT_MAIL_MAX_MESSAGE);
	if ((st = check_headers(msg, len, err)) != PW_OK)
		return st;
	pthread_once(&gmime_once, gmime_start);
	stream = g_mime_stream_mem_new_with_buffer((const char *)msg, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	gm = g_mime_parser_construct_message(parser, NULL);
	if (gm == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, 0, "message", "not an RFC 5322 message");
		goto out;
	}

	/* From (RFC 5322 §3.6.2: required). */
	InternetAddressList *from = g_mime_message_get_from(gm);
	for (int i = 0; from && i < internet_address_list_length(from); i++) {
		InternetAddress *a = internet_address_list_get_address(from, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
			const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
			if (addr != NULL && addr[0] != '\0' && strlen(addr) <= PW_REPORT_MAX_SHORT) {
				out->from = dup_clean(addr);
				break;
			}
		}
	}
	if (out->from == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "From",
		                  "no From address (RFC 5322 §3.6.2 requires one)");
		goto out;
	}

	/* Received time: Date, else the topmost Received header's date. */
	out->received_at = gdate_unix(g_mime_message_get_date(gm));
	out->time_source = "date";
	if (out->received_at == 0) {
		GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(gm));
		GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, "Received") : NULL;
		const char *v = h ? g_mime_header_get_value(h) : NULL;
		const char *semi = v ? strrchr(v, ';') : NULL;
		if (semi != NULL) {
			GDateTime *d = g_mime_utils_header_decode_date(semi + 1);
			out->received_at = gdate_unix(d);
			if (d != NULL)
				g_date_time_unref(d);
			out->time_source = "received";
		}
	}
	if (out->received_at <= 0) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "Date",
		                  "no usable Date header and no dated Received header: the time"
		                  " the report was received is unknown");
		goto out;
	}

	const char *mid = g_mime_message_get_message_id(gm);
	if (mid != NULL && mid[0] != '\0' && strlen(mid) <= PW_REPORT_MAX_SHORT)
		out->message_id = dup_clean(mid);
	out->subject = dup_clean(g_mime_message_get_subject(gm));

	w.m = out;
	w.err = err;
	g_mime_message_foreach(gm, walk_part, &w);
	if (w.st == PW_OK && g_mime_message_get_mime_part(gm) != NULL &&
	    GMIME_IS_PART(g_mime_message_get_mime_part(gm)) && w.n_parts == 0)
		walk_part(NULL, g_mime_message_get_mime_part(gm), &w);
	if ((st = w.st) != PW_OK)
		goto out;
	if (w.body.failed) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (out->subject != NULL)
		scan_text(out, out->subject, strlen(out->subject), &w.n_names);
	if (w.body.len > 0) {
		size_t bl;
		char *raw = (char *)pw_buf_finish(&w.body, &bl);
		if (raw == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		out->body = pw_report_utf8_clean(raw, bl);
		free(raw);
		if (out->body == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		scan_text(out, out->body, strlen(out->body), &w.n_names);
	}
	st = PW_OK;
out:
	pw_buf_cleanup(&w.body);
	if (gm != NULL)
		g_object_unref(gm);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	if (st != PW_OK)
		pw_report_mail_cleanup(out);
	return st;
}
