/* publish/ca.c: the registry of issuing CAs (publish.h "Registry"): input
 * checks, key checks, events, partition and URL derivation, the CCADB JSON
 * array. Storage is store_publish.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "crl_internal.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"
#include "pkiward/signer.h"
#include "pkiward/store_notify.h"
#include "pkiward/store_publish.h"

/* RFC 5280 §4.2.1.3: keyUsage bit 6. */
#define KU_CRL_SIGN (1u << 6)

void pw_publish_ca_cleanup(struct pw_publish_ca *ca)
{
	if (ca == NULL)
		return;
	free(ca->cert_der);
	free(ca->key_ref);
	free(ca->crl_base_url);
	free(ca->ocsp_url);
	free(ca->responder_cert_der);
	free(ca->responder_key_ref);
	memset(ca, 0, sizeof *ca);
}

static char *dup_opt(const char *s, int *ok)
{
	char *d;
	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*ok = 0;
	return d;
}

static uint8_t *dup_blob(const uint8_t *p, size_t n, int *ok)
{
	uint8_t *d;
	if (p == NULL || n == 0)
		return NULL;
	if ((d = malloc(n)) == NULL) {
		*ok = 0;
		return NULL;
	}
	memcpy(d, p, n);
	return d;
}

int pw_publish_ca_from_row(const struct pw_store_publish_ca *r, struct pw_publish_ca *out)
{
	int ok = 1;
	memset(out, 0, sizeof *out);
	out->id = r->id;
	snprintf(out->name, sizeof out->name, "%s", r->name);
	memcpy(out->cert_sha256, r->cert_sha256, 32);
	memcpy(out->subject_name_sha256, r->subject_name_sha256, 32);
	memcpy(out->spki_sha256, r->spki_sha256, 32);
	out->cert_der = dup_blob(r->cert_der, r->cert_len, &ok);
	out->cert_len = r->cert_len;
	out->key_ref = dup_opt(r->key_ref, &ok);
	out->crl_base_url = dup_opt(r->crl_base_url, &ok);
	out->partitions = r->partitions;
	out->ocsp_url = dup_opt(r->ocsp_url, &ok);
	out->responder_cert_der = dup_blob(r->responder_cert_der, r->responder_cert_len, &ok);
	out->responder_cert_len = out->responder_cert_der ? r->responder_cert_len : 0;
	out->responder_key_ref = dup_opt(r->responder_key_ref, &ok);
	out->added_at = r->added_at;
	out->updated_at = r->updated_at;
	out->next_crl_number = r->next_crl_number;
	if (!ok)
		pw_publish_ca_cleanup(out);
	return ok;
}

/* ---- input checks ---- */

void pw_publish_prefix_msg(struct pw_error *err, const char *fmt, ...)
{
	char pre[PW_ERROR_MSG_MAX], all[2 * PW_ERROR_MSG_MAX + 4];
	va_list ap;
	size_t n;
	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	n = strlen(pre);
	memcpy(all, pre, n);
	memcpy(all + n, ": ", 2);
	memcpy(all + n + 2, err->msg, strnlen(err->msg, sizeof err->msg) + 1);
	all[sizeof all - 1] = '\0';
	memcpy(err->msg, all, sizeof err->msg - 1);
	err->msg[sizeof err->msg - 1] = '\0';
}

void pw_publish_set_field(struct pw_error *err, const char *field)
{
	if (err != NULL)
		snprintf(err->field, sizeof err->field, "%s", field);
}

int pw_publish_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > PW_PUBLISH_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.')))
			return 0;
	}
	return 1;
}

/* An http:// URL pkiward can place in certificates and IDPs byte for byte:
 * BR 7.1.2.11.2 (CRLDP) and 7.1.2.7.7 (AIA) name HTTP URLs; RFC 3986
 * characters only, so the same bytes are valid in an IA5String, in JSON and
 * in a file name without escaping. */
static enum pw_status url_check(const char *url, const char *field, int allow_trailing_slash,
                                struct pw_error *err)
{
	size_t n = strlen(url);
	const char *host = url + 7;
	if (n > PW_PUBLISH_MAX_URL)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, field, "URL of %zu bytes (limit %d)", n,
		                    PW_PUBLISH_MAX_URL);
	if (strncmp(url, "http://", 7) != 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, field,
		                    "\"%.*s\" is not an http:// URL (BR 7.1.2.11.2 / 7.1.2.7.7: CRLs and "
		                    "OCSP are served over plain HTTP)", 100, url);
	if (*host == '\0' || *host == '/')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, field, "URL \"%.*s\" has no host", 100,
		                    url);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c >= 0x7f || strchr("\"\\<>`{}|^", c) != NULL)
			return pw_error_set(err, PW_ERR_USAGE, 1, i, field,
			                    "URL has a character that is not allowed at byte %zu "
			                    "(RFC 3986)", i);
		if (c == '?' || c == '#')
			return pw_error_set(err, PW_ERR_USAGE, 1, i, field,
			                    "a base URL cannot carry a query or fragment (byte %zu)", i);
	}
	if (!allow_trailing_slash && url[n - 1] == '/')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, field,
		                    "remove the trailing '/': partition URLs are <base>/<ca>/<n>.crl "
		                    "and must match the certificates byte for byte");
	return PW_OK;
}

static enum pw_status key_ref_check(const char *ref, const char *field, struct pw_error *err)
{
	size_t n = strlen(ref);
	if (n == 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, field, "empty key reference");
	if (n > PW_PUBLISH_MAX_KEY_REF)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, field, "key reference of %zu bytes "
		                    "(limit %d)", n, PW_PUBLISH_MAX_KEY_REF);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)ref[i] < 0x20)
			return pw_error_set(err, PW_ERR_USAGE, 1, i, field,
			                    "control character in the key reference at byte %zu", i);
	return PW_OK;
}

/* The responder certificate (RFC 6960 §4.2.2.2): issued by the CA (name
 * and signature), with id-kp-OCSPSigning. */
static enum pw_status responder_check(const struct pw_cert *ca, const uint8_t *der, size_t len,
                                      struct pw_error *err)
{
	struct pw_cert r;
	X509 *ca_x = NULL, *r_x = NULL;
	const unsigned char *p;
	enum pw_status st = PW_OK;
	int has_eku = 0;

	pw_cert_init(&r);
	if ((st = pw_cert_parse(&r, der, len, err)) != PW_OK) {
		pw_publish_set_field(err, "--ocsp-responder-cert");
		goto out;
	}
	if (!pw_der_equal(&r.issuer.raw, &ca->subject.raw)) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--ocsp-responder-cert",
		                  "the responder certificate was not issued by this CA (issuer name "
		                  "differs; RFC 6960 §4.2.2.2)");
		goto out;
	}
	for (size_t i = 0; r.x.eku.present && i < r.x.eku.n; i++)
		if (r.x.eku.ids[i] == PW_OID_EKU_OCSP_SIGNING)
			has_eku = 1;
	if (!has_eku) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--ocsp-responder-cert",
		                  "the responder certificate lacks id-kp-OCSPSigning (RFC 6960 "
		                  "§4.2.2.2)");
		goto out;
	}
	p = ca->der.p;
	ca_x = d2i_X509(NULL, &p, (long)ca->der.len);
	p = der;
	r_x = d2i_X509(NULL, &p, (long)len);
	if (ca_x == NULL || r_x == NULL || X509_verify(r_x, X509_get0_pubkey(ca_x)) != 1) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--ocsp-responder-cert",
		                  "the responder certificate's signature does not verify with this "
		                  "CA's key");
		goto out;
	}
out:
	X509_free(ca_x);
	X509_free(r_x);
	pw_cert_cleanup(&r);
	return st;
}

static enum pw_status key_check(const char *key, const uint8_t *der, size_t len, const char *field,
                                struct pw_error *err)
{
	struct pw_signer *sg = NULL;
	enum pw_status st = pw_signer_open(key, der, len, &sg, err);
	pw_signer_free(sg);
	if (st != PW_OK)
		pw_publish_set_field(err, field);
	return st;
}

enum pw_status pw_publish_ca_add(struct pw_store *s, const struct pw_publish_ca_spec *spec,
                                 int64_t *out_id, struct pw_error *err)
{
	struct pw_cert c;
	struct pw_store_publish_ca row;
	char name[PW_PUBLISH_MAX_NAME + 1], hex[65], subject[PW_EVENTS_SUBJECT_MAX];
	char payload[2 * PW_PUBLISH_MAX_URL + 512];
	int64_t id = 0, now;
	int updated = 0, began = 0;
	unsigned partitions;
	enum pw_status st = PW_OK;

	pw_cert_init(&c);
	if (s == NULL || spec == NULL) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
		goto out;
	}
	now = spec->now ? spec->now : (int64_t)time(NULL);
	if (spec->cert_der == NULL || spec->cert_len == 0) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--cert", "no CA certificate given");
		goto out;
	}
	if (spec->key_ref == NULL) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--key", "no key given");
		goto out;
	}
	if ((st = key_ref_check(spec->key_ref, "--key", err)) != PW_OK)
		goto out;
	partitions = spec->partitions ? spec->partitions : 1;
	if (partitions > PW_PUBLISH_MAX_PARTITIONS) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "--partitions",
		                  "%u partitions is more than the limit of %u (each partition is a "
		                  "signed CRL on every run)", partitions, PW_PUBLISH_MAX_PARTITIONS);
		goto out;
	}
	if (spec->crl_base_url != NULL &&
	    (st = url_check(spec->crl_base_url, "--crl-base-url", 0, err)) != PW_OK)
		goto out;
	if (spec->ocsp_url != NULL && (st = url_check(spec->ocsp_url, "--ocsp-url", 1, err)) != PW_OK)
		goto out;
	if ((spec->responder_cert_der == NULL) != (spec->responder_key_ref == NULL)) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--ocsp-responder-cert",
		                  "a delegated responder needs both its certificate and its key");
		goto out;
	}
	if (spec->responder_key_ref != NULL &&
	    (st = key_ref_check(spec->responder_key_ref, "--ocsp-responder-key", err)) != PW_OK)
		goto out;
	if ((st = pw_cert_parse(&c, spec->cert_der, spec->cert_len, err)) != PW_OK) {
		pw_publish_set_field(err, "--cert");
		goto out;
	}
	if (c.kind != PW_KIND_CERT || !c.is_ca) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--cert",
		                  "not a CA certificate (basicConstraints cA is not set)");
		goto out;
	}
	if (c.x.ku.present && !(c.x.ku.bits & KU_CRL_SIGN)) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--cert",
		                  "the CA certificate's keyUsage lacks cRLSign (RFC 5280 §4.2.1.3): "
		                  "its CRLs would not verify");
		goto out;
	}
	pw_hex_encode(c.sha256, 32, hex);
	if (spec->name != NULL) {
		if (!pw_publish_name_ok(spec->name)) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "--name",
			                  "\"%.*s\" is not a CA name: 1..%d characters of a-z 0-9 . _ -, "
			                  "starting with a letter or digit (it is a URL path segment)",
			                  80, spec->name, PW_PUBLISH_MAX_NAME);
			goto out;
		}
		snprintf(name, sizeof name, "%s", spec->name);
	} else {
		snprintf(name, sizeof name, "ca-%.12s", hex);
	}
	if (!spec->skip_key_check) {
		if ((st = key_check(spec->key_ref, spec->cert_der, spec->cert_len, "--key", err)) != PW_OK)
			goto out;
		if (spec->responder_cert_der != NULL) {
			if ((st = responder_check(&c, spec->responder_cert_der, spec->responder_cert_len,
			                          err)) != PW_OK)
				goto out;
			if ((st = key_check(spec->responder_key_ref, spec->responder_cert_der,
			                    spec->responder_cert_len, "--ocsp-responder-key", err)) != PW_OK)
				goto out;
		}
	}
	memset(&row, 0, sizeof row);
	row.name = name;
	memcpy(row.cert_sha256, c.sha256, 32);
	row.cert_der = spec->cert_der;
	row.cert_len = spec->cert_len;
	SHA256(c.subject.raw.p, c.subject.raw.len, row.subject_name_sha256);
	memcpy(row.spki_sha256, c.spki.sha256, 32);
	if (c.x.ski.present && c.x.ski.key_id.len > 0) {
		row.ski = c.x.ski.key_id.p;
		row.ski_len = c.x.ski.key_id.len;
	}
	row.key_ref = spec->key_ref;
	row.crl_base_url = spec->crl_base_url;
	row.partitions = partitions;
	row.ocsp_url = spec->ocsp_url;
	row.responder_cert_der = spec->responder_cert_der;
	row.responder_cert_len = spec->responder_cert_len;
	row.responder_key_ref = spec->responder_key_ref;
	row.added_at = row.updated_at = now;
	if ((st = pw_store_begin(s, err)) != PW_OK)
		goto out;
	began = 1;
	if ((st = pw_store_publish_ca_put(s, &row, spec->replace, &id, &updated, err)) != PW_OK)
		goto out;
	snprintf(subject, sizeof subject, "ca:%s", hex);
	snprintf(payload, sizeof payload,
	         "{\"id\":%lld,\"name\":\"%s\",\"cert_sha256\":\"%s\",\"key\":\"%s\","
	         "\"crl_base_url\":%s%s%s,\"partitions\":%u,\"ocsp_url\":%s%s%s,"
	         "\"delegated_responder\":%s}",
	         (long long)id, name, hex, strncmp(spec->key_ref, "pkcs11:", 7) == 0 ? "pkcs11" : "pem",
	         spec->crl_base_url ? "\"" : "", spec->crl_base_url ? spec->crl_base_url : "null",
	         spec->crl_base_url ? "\"" : "", partitions, spec->ocsp_url ? "\"" : "",
	         spec->ocsp_url ? spec->ocsp_url : "null", spec->ocsp_url ? "\"" : "",
	         spec->responder_cert_der ? "true" : "false");
	if ((st = pw_events_append(s, now, updated ? "ca.updated" : "ca.registered", subject,
	                           spec->actor ? spec->actor : "pkiward", payload, NULL, NULL,
	                           err)) != PW_OK)
		goto out;
	st = pw_store_commit(s, err);
	began = 0;
	if (st == PW_OK && out_id != NULL)
		*out_id = id;
out:
	if (began)
		pw_store_rollback(s);
	pw_cert_cleanup(&c);
	return st;
}

/* ---- reading ---- */

struct get_ctx {
	struct pw_publish_ca *out;
	int found, nomem;
};

static int get_cb(void *ctx, const struct pw_store_publish_ca *r)
{
	struct get_ctx *g = ctx;
	if (!pw_publish_ca_from_row(r, g->out))
		g->nomem = 1;
	else
		g->found = 1;
	return 0;
}

static enum pw_status get_sel(struct pw_store *s, const struct pw_store_publish_ca_sel *sel,
                              const char *what, struct pw_publish_ca *out, struct pw_error *err)
{
	struct get_ctx g = {out, 0, 0};
	enum pw_status st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if ((st = pw_store_publish_ca_list(s, sel, get_cb, &g, err)) != PW_OK)
		return st;
	if (g.nomem)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if (!g.found)
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "ca", "no registered CA %s", what);
	return PW_OK;
}

enum pw_status pw_publish_ca_get(struct pw_store *s, int64_t id, struct pw_publish_ca *out,
                                 struct pw_error *err)
{
	struct pw_store_publish_ca_sel sel = {0};
	char what[40];
	if (id <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "id", "registry ids are positive");
	sel.id = id;
	snprintf(what, sizeof what, "with id %lld", (long long)id);
	return get_sel(s, &sel, what, out, err);
}

enum pw_status pw_publish_ca_get_by_name(struct pw_store *s, const char *name,
                                         struct pw_publish_ca *out, struct pw_error *err)
{
	struct pw_store_publish_ca_sel sel = {0};
	char what[PW_PUBLISH_MAX_NAME + 16];
	if (name == NULL || !pw_publish_name_ok(name))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "name", "not a CA name");
	sel.name = name;
	snprintf(what, sizeof what, "named \"%s\"", name);
	return get_sel(s, &sel, what, out, err);
}

enum pw_status pw_publish_ca_get_by_sha256(struct pw_store *s, const uint8_t cert_sha256[32],
                                           struct pw_publish_ca *out, struct pw_error *err)
{
	struct pw_store_publish_ca_sel sel = {0};
	char hex[65], what[90];
	if (cert_sha256 == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	sel.has_sha256 = 1;
	memcpy(sel.sha256, cert_sha256, 32);
	pw_hex_encode(cert_sha256, 32, hex);
	snprintf(what, sizeof what, "with SHA-256 %s", hex);
	return get_sel(s, &sel, what, out, err);
}

struct list_ctx {
	pw_publish_ca_fn fn;
	void *ctx;
	int nomem;
};

static int list_cb(void *ctx, const struct pw_store_publish_ca *r)
{
	struct list_ctx *l = ctx;
	struct pw_publish_ca ca;
	int more;
	if (!pw_publish_ca_from_row(r, &ca)) {
		l->nomem = 1;
		return 0;
	}
	more = l->fn(l->ctx, &ca);
	pw_publish_ca_cleanup(&ca);
	return more;
}

enum pw_status pw_publish_ca_list(struct pw_store *s, pw_publish_ca_fn fn, void *ctx,
                                  struct pw_error *err)
{
	struct list_ctx l = {fn, ctx, 0};
	enum pw_status st;
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	if ((st = pw_store_publish_ca_list(s, NULL, list_cb, &l, err)) != PW_OK)
		return st;
	if (l.nomem)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	return PW_OK;
}

/* ---- partitions and URLs ---- */

unsigned pw_publish_partition_of(const uint8_t *serial, size_t serial_len, unsigned partitions)
{
	uint64_t r = 0;
	if (partitions <= 1)
		return 0;
	/* Horner's rule mod N over the big-endian octets. */
	for (size_t i = 0; i < serial_len; i++)
		r = ((r << 8) | serial[i]) % partitions;
	return (unsigned)r;
}

int pw_publish_partition_url(const struct pw_publish_ca *ca, unsigned p, char *buf, size_t buflen)
{
	int n;
	if (ca == NULL || ca->crl_base_url == NULL || p >= ca->partitions || buf == NULL)
		return 0;
	n = snprintf(buf, buflen, "%s/%s/%u.crl", ca->crl_base_url, ca->name, p);
	return n > 0 && (size_t)n < buflen;
}

int pw_publish_full_url(const struct pw_publish_ca *ca, char *buf, size_t buflen)
{
	int n;
	if (ca == NULL || ca->crl_base_url == NULL || buf == NULL)
		return 0;
	n = snprintf(buf, buflen, "%s/%s/full.crl", ca->crl_base_url, ca->name);
	return n > 0 && (size_t)n < buflen;
}

char *pw_publish_ccadb_json_array(const struct pw_publish_ca *ca)
{
	struct pw_buf b;
	char url[PW_PUBLISH_URL_BUF];
	size_t len;
	pw_buf_init(&b);
	if (ca == NULL || ca->crl_base_url == NULL) {
		pw_buf_puts(&b, "[\"\"]");
		return (char *)pw_buf_finish(&b, &len);
	}
	pw_buf_puts(&b, "[");
	for (unsigned p = 0; p < ca->partitions; p++) {
		if (!pw_publish_partition_url(ca, p, url, sizeof url)) {
			pw_buf_cleanup(&b);
			return NULL;
		}
		/* url_check admitted no '"', '\\' or control characters. */
		pw_buf_printf(&b, "%s\"%s\"", p ? "," : "", url);
	}
	pw_buf_puts(&b, "]");
	return (char *)pw_buf_finish(&b, &len);
}

/* ---- change counter ---- */

enum pw_status pw_publish_generation(struct pw_store *s, uint64_t *out, struct pw_error *err)
{
	return pw_store_publish_generation(s, out, err);
}

enum pw_status pw_publish_bump(struct pw_store *s, struct pw_error *err)
{
	return pw_store_publish_bump(s, err);
}

enum pw_status pw_publish_wait_change(struct pw_store *s, uint64_t since, int64_t timeout_ms,
                                      uint64_t *out, struct pw_error *err)
{
	struct timespec start, now;
	enum pw_status st;
	uint64_t g = since;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "waiting inside a transaction would never see a change");
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int64_t elapsed;
		if ((st = pw_store_publish_generation(s, &g, err)) != PW_OK)
			return st;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (int64_t)(now.tv_sec - start.tv_sec) * 1000 +
		          (now.tv_nsec - start.tv_nsec) / 1000000;
		if (g != since || elapsed >= timeout_ms)
			break;
		/* PostgreSQL: woken by the NOTIFY another node's change sends;
		 * SQLite: a sleep of one poll interval (store_notify.h). The
		 * counter is still read every PW_PUBLISH_POLL_MS, so a base whose
		 * notifications are off (trigger disabled) is never slower than
		 * polling. */
		int64_t left = timeout_ms - elapsed;
		if (left > PW_PUBLISH_POLL_MS)
			left = PW_PUBLISH_POLL_MS;
		if ((st = pw_store_wait_change(s, left, NULL, err)) != PW_OK)
			return st;
	}
	*out = g;
	return PW_OK;
}

struct changes_ctx {
	pw_publish_change_fn fn;
	void *ctx;
};

static int changes_cb(void *ctx, uint64_t generation, const uint8_t sha256[32])
{
	struct changes_ctx *c = ctx;
	struct pw_publish_change ch;
	ch.generation = generation;
	memcpy(ch.sha256, sha256, 32);
	return c->fn(c->ctx, &ch);
}

enum pw_status pw_publish_changes_since(struct pw_store *s, uint64_t since,
                                        pw_publish_change_fn fn, void *ctx, struct pw_error *err)
{
	struct changes_ctx c = {fn, ctx};
	if (fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL callback");
	return pw_store_publish_changes_since(s, since, changes_cb, &c, err);
}
