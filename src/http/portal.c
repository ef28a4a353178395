/* http/portal.c: the public problem-report portal (web/) and its JSON API
 * under /api/ (issue 6 §3; BR 4.9.3: reports accepted around the clock).
 *
 *   POST /api/challenge  issue a key compromise challenge to sign
 *   POST /api/find       identify certificates (PEM, SHA-256, crt.sh link,
 *                        issuer + serial) or list every certificate with a
 *                        name, from the whole history, for the reporter to pick
 *   POST /api/report     report key compromise (proof file, or a signed
 *                        challenge), misissuance or anything else
 *   POST /api/status     a report's state and deadlines, by its private link
 *
 * Identity (DESIGN.md): a certificate is named by its bytes, its SHA-256 or
 * (issuer, serial); a name is only ever a search whose every result is
 * shown. A provable key compromise is answered at once with what was
 * revoked (recorded durably before the answer); anything else gets a report
 * id, a private status link and the BR deadlines that apply.
 *
 * Every value is bound as an SQL parameter by the store, never spliced;
 * every field is checked for type, length and control characters here. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "serve_internal.h"

/* Field limits of the report form. */
#define API_REPORTER_MAX 320u      /* an email address (RFC 5321 §4.5.3.1: 64 + 1 + 255) */
#define API_DESCRIPTION_MAX ((size_t)PW_REPORT_MAX_TEXT)
#define API_TITLE_MAX 200u
#define API_NAME_MAX 253u          /* RFC 1035 §2.3.4 */
#define API_FIND_MAX 1000u         /* certificates listed by one find */
#define API_SIGNATURE_MAX 2048u    /* bytes of a challenge signature (RSA-16384) */
/* Bytes of randomness in a status link token. */
#define API_LINK_BYTES 32u

/* ---- small helpers ---- */

/* Standard base64 (RFC 4648 §4), whitespace allowed between groups, padding
 * required: what browsers' FileReader and `base64` produce. */
static int b64_decode(const char *s, size_t len, uint8_t **out, size_t *out_len)
{
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t *o = malloc(len * 3 / 4 + 3);
	uint32_t acc = 0;
	unsigned nb = 0, pad = 0;
	size_t n = 0, chars = 0;
	if (o == NULL)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			chars++;
			continue;
		}
		const char *p = c ? memchr(A, c, 64) : NULL;
		if (p == NULL || pad > 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)(p - A);
		nb += 6;
		chars++;
		if (nb >= 8) {
			nb -= 8;
			o[n++] = (uint8_t)(acc >> nb);
		}
	}
	if (chars % 4 != 0 || pad > 2 || n == 0)
		goto bad;
	*out = o;
	*out_len = n;
	return 1;
bad:
	free(o);
	return 0;
}

/* A string member: absent -> NULL (ok); present must be a string of at most
 * max bytes, no NUL, no control characters except (when multiline) \n \r \t. */
static int get_text(json_t *o, const char *name, size_t max, int multiline, const char **out,
                    struct pw_http_response *resp)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 1;
	if (!json_is_string(v)) {
		pw_serve_json_error(resp, 400, name, "\"%s\" must be a string", name);
		return 0;
	}
	size_t n = json_string_length(v);
	const char *t = json_string_value(v);
	if (n > max) {
		pw_serve_json_error(resp, 400, name, "\"%s\" is longer than %zu bytes", name, max);
		return 0;
	}
	if (strlen(t) != n) {
		pw_serve_json_error(resp, 400, name, "\"%s\" holds a NUL character", name);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f) {
			pw_serve_json_error(resp, 400, name, "\"%s\" holds a control character at byte %zu", name, i);
			return 0;
		}
	}
	*out = n ? t : NULL;
	return 1;
}

/* Refuses members not in `allowed` (a typo must not be silently ignored). */
static int only_members(json_t *o, const char *const *allowed, size_t n, const char *where,
                        struct pw_http_response *resp)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		(void)v;
		size_t i = 0;
		while (i < n && strcmp(allowed[i], k) != 0)
			i++;
		if (i == n) {
			pw_serve_json_error(resp, 400, k, "unknown member \"%.40s\" in %s", k, where);
			return 0;
		}
	}
	return 1;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	pw_hex_encode(p, n, out);
}

/* ---- certificate identification ---- */

enum ident_kind { ID_NONE = 0, ID_PEM, ID_SHA256, ID_CRTSH_SHA256, ID_CRTSH_ID, ID_ISSUER_SERIAL, ID_NAME };

struct ident {
	enum ident_kind kind;
	uint8_t sha256[32];           /* PEM (hash of the bytes), SHA256, CRTSH_SHA256 */
	uint8_t *der;                 /* PEM: the certificate bytes (owned) */
	size_t der_len;
	char crtsh_id[24];
	const char *issuer;           /* DN text, or 64 hex = the CA certificate's SHA-256 */
	uint8_t serial[PW_STORE_MAX_SERIAL];
	size_t serial_len;
	const char *name;
	char how[32];                 /* PW_REPORT_LINK_* */
};

static void ident_cleanup(struct ident *id)
{
	free(id->der);
	memset(id, 0, sizeof *id);
}

/* "certificate": {"pem" | "sha256" | "crtsh" | "issuer"+"serial" | "name"}:
 * exactly one way. `allow_name` only for /api/find. Returns 1, or 0 with
 * the answer set. An absent member leaves kind ID_NONE. */
static int parse_ident(json_t *root, int allow_name, struct ident *id, struct pw_http_response *resp)
{
	static const char *const members[] = {"pem", "sha256", "crtsh", "issuer", "serial", "name"};
	const char *pem, *sha, *crt, *iss, *ser, *name;
	memset(id, 0, sizeof *id);
	json_t *c = json_object_get(root, "certificate");
	if (c == NULL || json_is_null(c))
		return 1;
	if (!json_is_object(c)) {
		pw_serve_json_error(resp, 400, "certificate", "\"certificate\" must be an object");
		return 0;
	}
	if (!only_members(c, members, sizeof members / sizeof members[0], "certificate", resp) ||
	    !get_text(c, "pem", PW_KEYS_MAX_INPUT, 1, &pem, resp) || !get_text(c, "sha256", 128, 0, &sha, resp) ||
	    !get_text(c, "crtsh", 256, 0, &crt, resp) || !get_text(c, "issuer", PW_STORE_MAX_DN_TEXT, 0, &iss, resp) ||
	    !get_text(c, "serial", 2 * PW_STORE_MAX_SERIAL + 40, 0, &ser, resp) ||
	    !get_text(c, "name", API_NAME_MAX, 0, &name, resp))
		return 0;
	int ways = (pem != NULL) + (sha != NULL) + (crt != NULL) + (iss != NULL || ser != NULL) + (name != NULL);
	if (ways == 0)
		return 1;
	if (ways > 1) {
		pw_serve_json_error(resp, 400, "certificate",
		                    "identify the certificate one way: pem, sha256, crtsh, issuer+serial or name");
		return 0;
	}
	if (pem != NULL) {
		struct pw_objects objs = {0};
		struct pw_error e;
		size_t found = 0;
		if (pw_objects_read((const uint8_t *)pem, strlen(pem), &objs, &e) != PW_OK) {
			pw_objects_free(&objs);
			pw_serve_json_error(resp, 400, "certificate.pem", "not a PEM certificate: %s", e.msg);
			return 0;
		}
		for (size_t i = 0; i < objs.n; i++)
			if (objs.v[i].type == PW_OBJ_CERTIFICATE) {
				if (found++ == 0) {
					id->der = malloc(objs.v[i].der_len);
					if (id->der != NULL) {
						memcpy(id->der, objs.v[i].der, objs.v[i].der_len);
						id->der_len = objs.v[i].der_len;
					}
				}
			}
		pw_objects_free(&objs);
		if (found != 1 || id->der == NULL) {
			ident_cleanup(id);
			pw_serve_json_error(resp, 400, "certificate.pem",
			                    "exactly one PEM CERTIFICATE block was expected (found %zu)", found);
			return 0;
		}
		pw_serve_sha256(id->der, id->der_len, id->sha256);
		id->kind = ID_PEM;
		snprintf(id->how, sizeof id->how, "%s", PW_REPORT_LINK_PEM);
		return 1;
	}
	if (sha != NULL) {
		char buf[80];
		size_t j = 0;
		/* Accept the usual spellings: upper case, colons, spaces. */
		for (const char *p = sha; *p && j < sizeof buf - 1; p++)
			if (*p != ':' && *p != ' ')
				buf[j++] = *p;
		buf[j] = '\0';
		if (j != 64 || !pw_hex_decode(buf, id->sha256, 32)) {
			pw_serve_json_error(resp, 400, "certificate.sha256", "a SHA-256 is 64 hexadecimal digits");
			return 0;
		}
		id->kind = ID_SHA256;
		snprintf(id->how, sizeof id->how, "%s", PW_REPORT_LINK_SHA256);
		return 1;
	}
	if (crt != NULL) {
		/* "https://crt.sh/?sha256=<hex>", "https://crt.sh/?id=<n>" or a bare id. */
		const char *q = strstr(crt, "sha256=");
		if (q != NULL) {
			char buf[65];
			snprintf(buf, sizeof buf, "%.64s", q + 7);
			if (strlen(buf) != 64 || !pw_hex_decode(buf, id->sha256, 32)) {
				pw_serve_json_error(resp, 400, "certificate.crtsh", "the crt.sh sha256= value is not 64 hex digits");
				return 0;
			}
			id->kind = ID_CRTSH_SHA256;
			snprintf(id->how, sizeof id->how, "%s", PW_REPORT_LINK_CRTSH);
			return 1;
		}
		q = strstr(crt, "id=");
		q = q ? q + 3 : crt;
		size_t n = 0;
		while (isdigit((unsigned char)q[n]))
			n++;
		if (n == 0 || n > 19 || (q[n] != '\0' && q[n] != '&')) {
			pw_serve_json_error(resp, 400, "certificate.crtsh",
			                    "give a crt.sh ID (digits) or a crt.sh link with ?id= or ?sha256=");
			return 0;
		}
		memcpy(id->crtsh_id, q, n);
		id->crtsh_id[n] = '\0';
		id->kind = ID_CRTSH_ID;
		return 1;
	}
	if (iss != NULL || ser != NULL) {
		if (iss == NULL || ser == NULL) {
			pw_serve_json_error(resp, 400, iss == NULL ? "certificate.issuer" : "certificate.serial",
			                    "a serial number identifies a certificate only together with its issuer");
			return 0;
		}
		if (!pw_hex_decode_var(ser, id->serial, sizeof id->serial, &id->serial_len) || id->serial_len == 0) {
			pw_serve_json_error(resp, 400, "certificate.serial", "the serial number is hexadecimal (colons allowed)");
			return 0;
		}
		id->issuer = iss;
		id->kind = ID_ISSUER_SERIAL;
		snprintf(id->how, sizeof id->how, "%s", PW_REPORT_LINK_ISSUER_SERIAL);
		return 1;
	}
	if (!allow_name) {
		pw_serve_json_error(resp, 400, "certificate.name",
		                    "a name does not identify a certificate: search it with /api/find and pick one "
		                    "by its SHA-256");
		return 0;
	}
	id->name = name;
	id->kind = ID_NAME;
	return 1;
}

struct found {
	json_t *arr;                  /* rows as JSON (may be NULL) */
	size_t n;
	uint8_t first_sha256[32];
	uint8_t *first_der;           /* owned copy when wanted */
	size_t first_der_len;
	int want_der;
};

static int found_row(void *ctx, const struct pw_store_row *r)
{
	struct found *f = ctx;
	if (f->n == 0) {
		memcpy(f->first_sha256, r->sha256, 32);
		if (f->want_der && r->der != NULL && (f->first_der = malloc(r->der_len)) != NULL) {
			memcpy(f->first_der, r->der, r->der_len);
			f->first_der_len = r->der_len;
		}
	}
	f->n++;
	if (f->arr != NULL && json_array_size(f->arr) < API_FIND_MAX) {
		char h[65], nb[32], na[32], ra[32];
		json_t *o = json_object();
		hex(r->sha256, 32, h);
		json_object_set_new(o, "sha256", json_string(h));
		json_object_set_new(o, "precertificate", json_boolean(r->precert));
		json_object_set_new(o, "serial", json_string(r->serial_hex ? r->serial_hex : ""));
		json_object_set_new(o, "issuer", json_string(r->issuer ? r->issuer : ""));
		json_object_set_new(o, "subject", json_string(r->subject ? r->subject : ""));
		json_object_set_new(o, "not_before", json_string(pw_serve_iso(r->not_before, nb, sizeof nb)));
		json_object_set_new(o, "not_after", json_string(pw_serve_iso(r->not_after, na, sizeof na)));
		json_object_set_new(o, "revoked", json_boolean(r->revoked));
		if (r->revoked)
			json_object_set_new(o, "revoked_at", json_string(pw_serve_iso(r->revoked_at, ra, sizeof ra)));
		json_t *names = json_array();
		for (size_t i = 0; i < r->n_dns_names && i < 20; i++)
			json_array_append_new(names, json_string(r->dns_names[i]));
		json_object_set_new(o, "names", names);
		json_array_append_new(f->arr, o);
	}
	return 1;
}

/* Looks the identified certificate(s) up. Returns the store status. */
static enum pw_status lookup(struct pw_store *s, const struct ident *id, struct found *f,
                             struct pw_error *err)
{
	struct pw_store_filter flt;
	memset(&flt, 0, sizeof flt);
	switch (id->kind) {
	case ID_PEM:
	case ID_SHA256:
	case ID_CRTSH_SHA256:
		flt.has_sha256 = 1;
		memcpy(flt.sha256, id->sha256, 32);
		break;
	case ID_ISSUER_SERIAL: {
		uint8_t ih[32];
		if (strlen(id->issuer) == 64 && pw_hex_decode(id->issuer, ih, 32)) {
			flt.has_issuer_sha256 = 1;
			memcpy(flt.issuer_sha256, ih, 32);
		} else {
			flt.issuer_dn = id->issuer;
		}
		flt.has_serial = 1;
		memcpy(flt.serial, id->serial, id->serial_len);
		flt.serial_len = id->serial_len;
		break;
	}
	case ID_NAME:
		/* The whole history: no date window (DESIGN.md). */
		flt.name = id->name;
		break;
	default:
		return PW_OK;
	}
	enum pw_status st = pw_store_find(s, &flt, PW_STORE_WANT_NAMES | (f->want_der ? PW_STORE_WANT_DER : 0),
	                                  found_row, f, err);
	/* An issuer that is no stored CA finds nothing; that is an answer. */
	return st == PW_ERR_NOTFOUND ? PW_OK : st;
}

/* ---- /api/challenge ---- */

static void api_challenge(struct pw_serve *sv, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_keys_challenge ch;
	struct pw_error err;
	int64_t exp = 0, now = (int64_t)time(NULL);
	char when[32];
	(void)req;
	struct pw_store *s = pw_serve_store_get(sv);
	enum pw_status st = pw_serve_challenge_issue(s, now, sv->cfg.challenge_ttl, &ch, &exp, &err);
	pw_serve_store_put(sv, s);
	if (st == PW_ERR_LIMIT) {
		pw_http_response_add_header(resp, "Retry-After", "600");
		pw_serve_json_error(resp, 503, "challenge", "too many challenges outstanding; try again later");
		return;
	}
	if (st != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "could not issue a challenge");
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "challenge", json_string(ch.text));
	json_object_set_new(o, "expires_at", json_string(pw_serve_iso(exp, when, sizeof when)));
	json_object_set_new(o, "sign",
	                    json_string("printf '%s' 'CHALLENGE' > challenge.txt; openssl dgst -sha256 -sign key.pem "
	                                "-out sig.bin challenge.txt; base64 -w0 sig.bin"));
	pw_serve_json(resp, 201, o);
}

/* ---- /api/find ---- */

static void api_find(struct pw_serve *sv, const struct pw_http_request *req, struct pw_http_response *resp)
{
	static const char *const members[] = {"certificate"};
	struct ident id;
	struct found f = {0};
	struct pw_error err;
	json_t *body = pw_serve_json_body(req, resp);
	if (body == NULL)
		return;
	if (!only_members(body, members, 1, "the request", resp) || !parse_ident(body, 1, &id, resp)) {
		json_decref(body);
		return;
	}
	if (id.kind == ID_NONE) {
		pw_serve_json_error(resp, 400, "certificate", "give \"certificate\": {pem | sha256 | crtsh | issuer+serial | name}");
		goto out;
	}
	if (id.kind == ID_CRTSH_ID) {
		pw_serve_json_error(resp, 422, "certificate.crtsh",
		                    "crt.sh IDs are crt.sh's own database keys and cannot be looked up here; open "
		                    "https://crt.sh/?id=%s and give its SHA-256 (or the certificate itself), or send "
		                    "the ID with your report for a person to resolve",
		                    id.crtsh_id);
		goto out;
	}
	f.arr = json_array();
	struct pw_store *s = pw_serve_store_get(sv);
	enum pw_status st = lookup(s, &id, &f, &err);
	pw_serve_store_put(sv, s);
	if (st == PW_ERR_USAGE) {
		pw_serve_json_error(resp, 400, "certificate", "%s", err.msg);
		goto out;
	}
	if (st != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "the search failed");
		goto out;
	}
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer((json_int_t)f.n));
	json_object_set_new(o, "truncated", json_boolean(f.n > API_FIND_MAX));
	json_object_set_new(o, "whole_history", json_boolean(id.kind == ID_NAME));
	json_object_set_new(o, "certificates", f.arr);
	f.arr = NULL;
	pw_serve_json(resp, 200, o);
out:
	json_decref(f.arr);
	free(f.first_der);
	ident_cleanup(&id);
	json_decref(body);
}

/* ---- reports ---- */

/* A new private status link for report `id`: random token, stored hashed. */
static int new_status_link(struct pw_store *s, int64_t report_id, char *token, size_t cap, struct pw_error *err)
{
	uint8_t rnd[API_LINK_BYTES], h[32];
	if (cap < 2 * API_LINK_BYTES || RAND_bytes(rnd, sizeof rnd) != 1)
		return 0;
	pw_keys_b64url_encode_into(rnd, sizeof rnd, token);
	pw_serve_sha256(token, strlen(token), h);
	return pw_store_serve_status_link_put(s, report_id, h, (int64_t)time(NULL), err) == PW_OK;
}

static json_t *deadlines_json(struct pw_store *s, int64_t report_id, int64_t now)
{
	struct pw_report *r = NULL;
	struct pw_error err;
	json_t *arr = json_array();
	if (pw_report_get(s, report_id, &r, &err) != PW_OK)
		return arr;
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	pw_report_deadlines(r, now, d);
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++) {
		char due[32];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(d[i].name));
		json_object_set_new(o, "citation", json_string(d[i].citation));
		json_object_set_new(o, "due", d[i].due ? json_string(pw_serve_iso(d[i].due, due, sizeof due)) : json_null());
		json_object_set_new(o, "state", json_string(pw_report_deadline_state_name(d[i].state)));
		json_array_append_new(arr, o);
	}
	pw_report_free(r);
	return arr;
}

static void status_url(struct pw_serve *sv, const struct pw_http_request *req, const char *token, char *out,
                       size_t cap)
{
	char base[PW_SERVE_URL_MAX + 64];
	if (!pw_serve_base_url(sv, req, base, sizeof base))
		base[0] = '\0';
	/* The token travels in the fragment: browsers never send it, so it
	 * stays out of access logs and Referer headers. */
	snprintf(out, cap, "%s/status.html#%s", base, token);
}

struct report_form {
	const char *kind, *reporter, *title, *description;
	struct ident id;
	uint8_t *proof;
	size_t proof_len;
	const char *challenge;
	uint8_t *sig;
	size_t sig_len;
};

static void form_cleanup(struct report_form *f)
{
	ident_cleanup(&f->id);
	free(f->proof);
	free(f->sig);
}

static int parse_report(json_t *body, struct report_form *f, struct pw_http_response *resp)
{
	static const char *const members[] = {"kind", "reporter", "title", "description", "certificate", "proof"};
	memset(f, 0, sizeof *f);
	if (!only_members(body, members, sizeof members / sizeof members[0], "the report", resp) ||
	    !get_text(body, "kind", 32, 0, &f->kind, resp) ||
	    !get_text(body, "reporter", API_REPORTER_MAX, 0, &f->reporter, resp) ||
	    !get_text(body, "title", API_TITLE_MAX, 0, &f->title, resp) ||
	    !get_text(body, "description", API_DESCRIPTION_MAX, 1, &f->description, resp))
		return 0;
	if (f->kind == NULL ||
	    (strcmp(f->kind, "key-compromise") != 0 && strcmp(f->kind, "misissuance") != 0 && strcmp(f->kind, "other") != 0)) {
		pw_serve_json_error(resp, 400, "kind", "\"kind\" is key-compromise, misissuance or other");
		return 0;
	}
	if (!parse_ident(body, 0, &f->id, resp))
		return 0;
	json_t *p = json_object_get(body, "proof");
	if (p != NULL && !json_is_null(p)) {
		static const char *const pm[] = {"file", "text", "challenge", "signature"};
		const char *file, *text, *sig;
		if (strcmp(f->kind, "key-compromise") != 0) {
			pw_serve_json_error(resp, 400, "proof", "a proof belongs to a key-compromise report");
			return 0;
		}
		if (!json_is_object(p)) {
			pw_serve_json_error(resp, 400, "proof", "\"proof\" must be an object");
			return 0;
		}
		if (!only_members(p, pm, 4, "proof", resp) ||
		    !get_text(p, "file", PW_KEYS_MAX_INPUT / 3 * 4 + 8, 1, &file, resp) ||
		    !get_text(p, "text", PW_KEYS_MAX_INPUT, 1, &text, resp) ||
		    !get_text(p, "challenge", PW_KEYS_CHALLENGE_TEXT_MAX - 2, 0, &f->challenge, resp) ||
		    !get_text(p, "signature", API_SIGNATURE_MAX / 3 * 4 + 8, 1, &sig, resp))
			return 0;
		int ways = (file != NULL) + (text != NULL) + (f->challenge != NULL || sig != NULL);
		if (ways != 1) {
			pw_serve_json_error(resp, 400, "proof",
			                    "give one proof: \"file\" (base64 of a key, CSR or JWS), \"text\" (pasted), or "
			                    "\"challenge\" with \"signature\"");
			return 0;
		}
		if (file != NULL && !b64_decode(file, strlen(file), &f->proof, &f->proof_len)) {
			pw_serve_json_error(resp, 400, "proof.file", "\"file\" is not base64 (RFC 4648 §4)");
			return 0;
		}
		if (text != NULL) {
			f->proof_len = strlen(text);
			if ((f->proof = malloc(f->proof_len)) == NULL) {
				pw_serve_json_error(resp, 500, NULL, "out of memory");
				return 0;
			}
			memcpy(f->proof, text, f->proof_len);
		}
		if (f->challenge != NULL || sig != NULL) {
			if (f->challenge == NULL || sig == NULL) {
				pw_serve_json_error(resp, 400, "proof", "a signed challenge needs \"challenge\" and \"signature\"");
				return 0;
			}
			if (!b64_decode(sig, strlen(sig), &f->sig, &f->sig_len) || f->sig_len > API_SIGNATURE_MAX) {
				pw_serve_json_error(resp, 400, "proof.signature", "\"signature\" is not base64 of a signature");
				return 0;
			}
			if (f->id.kind != ID_PEM && f->id.kind != ID_SHA256 && f->id.kind != ID_CRTSH_SHA256 &&
			    f->id.kind != ID_ISSUER_SERIAL) {
				pw_serve_json_error(resp, 400, "certificate",
				                    "a signed challenge is checked against the certificate: identify it by PEM, "
				                    "SHA-256 or issuer+serial");
				return 0;
			}
		}
	}
	return 1;
}

static json_t *items_json(struct pw_store *s, const struct pw_revoke_key_report_result *res)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < res->n_items; i++) {
		const struct pw_revoke_item *it = &res->items[i];
		struct pw_report_observed ob;
		struct pw_error err;
		char h[65], at[32];
		json_t *o = json_object();
		hex(it->sha256, 32, h);
		json_object_set_new(o, "sha256", json_string(h));
		json_object_set_new(o, "precertificate", json_boolean(it->precert));
		json_object_set_new(o, "outcome", json_string(pw_revoke_outcome_name(it->outcome)));
		json_object_set_new(o, "revocation_date", json_string(pw_serve_iso(it->revoked_at, at, sizeof at)));
		json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(it->has_reason, it->reason)));
		/* What relying parties see is told from observation only. */
		if (pw_report_observe(s, it->sha256, &ob, &err) == PW_OK) {
			char *sent = pw_report_render_cert_status(&ob);
			if (sent != NULL)
				json_object_set_new(o, "status", json_string(sent));
			free(sent);
			json_object_set_new(o, "serial", json_string(ob.serial_hex));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static void api_report(struct pw_serve *sv, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct report_form f;
	struct found fd = {.want_der = 1};
	struct pw_revoke_key_report_result res;
	struct pw_error err;
	struct pw_store *s = NULL;
	char token[2 * API_LINK_BYTES], url[PW_SERVE_URL_MAX + 128], actor[PW_HTTP_MAX_ADDR + 16], h[65];
	int64_t now = (int64_t)time(NULL), report_id = 0;
	int in_txn = 0;
	memset(&res, 0, sizeof res);
	memset(&f, 0, sizeof f);
	pw_error_clear(&err);
	json_t *body = pw_serve_json_body(req, resp);
	if (body == NULL)
		return;
	if (!parse_report(body, &f, resp))
		goto out;
	snprintf(actor, sizeof actor, "portal:%s", req->remote_addr ? req->remote_addr : "?");
	s = pw_serve_store_get(sv);
	if (f.id.kind != ID_NONE && f.id.kind != ID_CRTSH_ID) {
		enum pw_status st = lookup(s, &f.id, &fd, &err);
		if (st == PW_ERR_USAGE) {
			pw_serve_json_error(resp, 400, "certificate", "%s", err.msg);
			goto out;
		}
		if (st != PW_OK) {
			pw_serve_json_error(resp, 500, NULL, "looking the certificate up failed");
			goto out;
		}
		if (fd.n > 1) {
			pw_serve_json_error(resp, 409, "certificate",
			                    "%zu certificates match; identify one by its SHA-256", fd.n);
			goto out;
		}
	}
	/* The certificate bytes a challenge signature is checked against. */
	const uint8_t *cert_der = f.id.der ? f.id.der : fd.first_der;
	size_t cert_der_len = f.id.der ? f.id.der_len : fd.first_der_len;

	if (strcmp(f.kind, "key-compromise") == 0 && (f.proof != NULL || f.challenge != NULL)) {
		struct pw_keys_challenge ch;
		memset(&ch, 0, sizeof ch);
		if (f.challenge != NULL) {
			enum pw_store_serve_challenge_state cs;
			if (cert_der == NULL) {
				pw_serve_json_error(resp, 404, "certificate",
				                    "the certificate is not in this CA's records; paste it as PEM instead");
				goto out;
			}
			snprintf(ch.text, sizeof ch.text, "%s", f.challenge);
			if (pw_serve_challenge_take(s, &ch, now, actor, &cs, &err) != PW_OK) {
				pw_serve_json_error(resp, 500, NULL, "checking the challenge failed");
				goto out;
			}
			if (cs != PW_STORE_CHALLENGE_LIVE) {
				pw_serve_json_error(resp, 400, "proof.challenge",
				                    "this challenge is %s: ask for a new one, sign it and send it within its "
				                    "lifetime (challenges are single-use)",
				                    cs == PW_STORE_CHALLENGE_UNKNOWN ? "not one this CA issued"
				                    : cs == PW_STORE_CHALLENGE_EXPIRED ? "expired"
				                                                       : "already used");
				goto out;
			}
			/* `echo CHALLENGE > file` signs a trailing newline too: accept
			 * that form of the same text. */
			struct pw_keys_proof pp;
			struct pw_keys_challenge nl = ch;
			size_t tl = strlen(nl.text);
			if (pw_keys_verify_challenge(&ch, f.sig, f.sig_len, cert_der, cert_der_len, &pp, &err) == PW_OK) {
				pw_keys_proof_cleanup(&pp);
			} else if (tl + 1 < sizeof nl.text) {
				nl.text[tl] = '\n';
				nl.text[tl + 1] = '\0';
				if (pw_keys_verify_challenge(&nl, f.sig, f.sig_len, cert_der, cert_der_len, &pp, &err) == PW_OK) {
					pw_keys_proof_cleanup(&pp);
					ch = nl;
				}
			}
		}
		struct pw_revoke_key_report rq = {
			.proof = f.proof,
			.proof_len = f.proof_len,
			.key_input = f.challenge != NULL ? cert_der : NULL,
			.key_input_len = f.challenge != NULL ? cert_der_len : 0,
			.challenge = f.challenge != NULL ? &ch : NULL,
			.signature = f.sig,
			.signature_len = f.sig_len,
			.reporter = f.reporter,
			.actor = actor,
			.now = now,
		};
		/* A proof file for a key may name the certificate too: it must match. */
		if (f.proof != NULL && cert_der != NULL) {
			rq.key_input = cert_der;
			rq.key_input_len = cert_der_len;
		}
		if (pw_revoke_report_key(s, &rq, &res, &err) != PW_OK) {
			pw_serve_json_error(resp, 500, NULL, "recording the report failed: %s", err.msg);
			goto out;
		}
		report_id = res.report_id;
		json_t *o = json_object();
		json_object_set_new(o, "report", json_integer(report_id));
		json_object_set_new(o, "proven", json_boolean(res.proven));
		json_object_set_new(o, "changed", json_boolean(res.changed));
		if (res.changed) {
			struct pw_report_new rn = {.received_at = now, .reporter = f.reporter, .kind = "key-compromise",
			                           .title = f.title, .body = f.description, .source = "portal", .actor = actor};
			if (pw_report_adopt(s, report_id, &rn, &err) == PW_OK && new_status_link(s, report_id, token, sizeof token, &err)) {
				status_url(sv, req, token, url, sizeof url);
				json_object_set_new(o, "status_url", json_string(url));
			}
		}
		if (res.proven) {
			hex(res.spki_sha256, 32, h);
			json_object_set_new(o, "proof_type", json_string(res.proof_type));
			json_object_set_new(o, "proof_detail", json_string(res.proof_detail));
			json_object_set_new(o, "spki_sha256", json_string(h));
			json_object_set_new(o, "key_blocked", json_true());
			json_object_set_new(o, "certificates", json_integer((json_int_t)res.n_certs));
			json_object_set_new(o, "revoked", json_integer((json_int_t)res.n_revoked));
			json_object_set_new(o, "upgraded", json_integer((json_int_t)res.n_upgraded));
			json_object_set_new(o, "already_revoked", json_integer((json_int_t)res.n_already));
			json_object_set_new(o, "items", items_json(s, &res));
			json_object_set_new(o, "message",
			                    json_string(res.changed ? "Proof verified. The key is blocked and every unexpired "
			                                              "certificate with it is revoked (keyCompromise); the "
			                                              "revocations are recorded and are being published."
			                                            : "This key was reported and handled before: it is blocked "
			                                              "and every certificate with it is revoked."));
			pw_serve_json(resp, 200, o);
		} else {
			char perr[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
			pw_error_format(&res.proof_error, perr, sizeof perr);
			json_object_set_new(o, "proof_error", json_string(perr));
			json_object_set_new(o, "deadlines", deadlines_json(s, report_id, now));
			json_object_set_new(o, "message", json_string("The proof did not verify; your report is recorded "
			                                              "and a person will review it within the deadlines."));
			pw_serve_json(resp, 202, o);
		}
		goto out;
	}

	/* Anything else: a report for a person (BR 4.9.5). */
	if (pw_store_begin(s, &err) != PW_OK) {
		pw_serve_json_error(resp, 503, NULL, "the store is busy; try again");
		goto out;
	}
	in_txn = 1;
	struct pw_report_new rn = {
		.received_at = now, .reporter = f.reporter, .kind = f.kind, .title = f.title,
		.body = f.description, .source = "portal", .actor = actor,
		/* BR 4.9.1.1: key compromise is an item of the 24-hour list. */
		.br_item = 0,
	};
	if (pw_report_create(s, &rn, &report_id, &err) != PW_OK) {
		pw_serve_json_error(resp, 400, err.field[0] ? err.field : NULL, "%s", err.msg);
		goto out;
	}
	if (f.id.kind == ID_CRTSH_ID) {
		char ref[48];
		snprintf(ref, sizeof ref, "crt.sh id %s", f.id.crtsh_id);
		if (pw_report_add_unresolved(s, report_id, ref, "crt.sh IDs are crt.sh's database keys; resolve by hand",
		                             actor, &err) != PW_OK)
			goto store_fail;
	} else if (f.id.kind != ID_NONE && fd.n == 1) {
		if (pw_report_link_cert(s, report_id, fd.first_sha256, f.id.how, actor, &err) != PW_OK)
			goto store_fail;
	} else if (f.id.kind != ID_NONE) {
		char ref[PW_STORE_MAX_DN_TEXT + 2 * PW_STORE_MAX_SERIAL + 64];
		if (f.id.kind == ID_ISSUER_SERIAL) {
			char sh[2 * PW_STORE_MAX_SERIAL + 1];
			hex(f.id.serial, f.id.serial_len, sh);
			snprintf(ref, sizeof ref, "issuer %.300s serial %s", f.id.issuer, sh);
		} else {
			hex(f.id.sha256, 32, h);
			snprintf(ref, sizeof ref, "sha256 %s", h);
		}
		if (pw_report_add_unresolved(s, report_id, ref, "no such certificate in the store", actor, &err) != PW_OK)
			goto store_fail;
	}
	if (!new_status_link(s, report_id, token, sizeof token, &err))
		goto store_fail;
	if (pw_store_commit(s, &err) != PW_OK)
		goto store_fail;
	in_txn = 0;
	status_url(sv, req, token, url, sizeof url);
	json_t *o = json_object();
	json_object_set_new(o, "report", json_integer(report_id));
	json_object_set_new(o, "status_url", json_string(url));
	json_object_set_new(o, "linked", json_boolean(fd.n == 1));
	json_object_set_new(o, "deadlines", deadlines_json(s, report_id, now));
	json_object_set_new(o, "message", json_string("Your report is recorded. Keep the status link: it is the only "
	                                              "way to see its progress."));
	pw_serve_json(resp, 202, o);
	goto out;
store_fail:
	pw_serve_json_error(resp, 500, NULL, "recording the report failed: %s", err.msg);
out:
	if (in_txn)
		pw_store_rollback(s);
	pw_serve_store_put(sv, s);
	pw_revoke_key_report_result_cleanup(&res);
	free(fd.first_der);
	form_cleanup(&f);
	json_decref(body);
}

/* ---- /api/status ---- */

static void api_status(struct pw_serve *sv, const struct pw_http_request *req, struct pw_http_response *resp)
{
	static const char *const members[] = {"token"};
	const char *token;
	struct pw_error err;
	struct pw_report *r = NULL;
	uint8_t hsh[32];
	int64_t id = 0, now = (int64_t)time(NULL);
	json_t *body = pw_serve_json_body(req, resp);
	if (body == NULL)
		return;
	if (!only_members(body, members, 1, "the request", resp) || !get_text(body, "token", 64, 0, &token, resp)) {
		json_decref(body);
		return;
	}
	if (token == NULL) {
		json_decref(body);
		pw_serve_json_error(resp, 400, "token", "give the status link's token");
		return;
	}
	pw_serve_sha256(token, strlen(token), hsh);
	json_decref(body);
	struct pw_store *s = pw_serve_store_get(sv);
	enum pw_status st = pw_store_serve_status_link_find(s, hsh, &id, &err);
	if (st == PW_OK)
		st = pw_report_get(s, id, &r, &err);
	if (st == PW_ERR_NOTFOUND) {
		pw_serve_json_error(resp, 404, "token", "no report has this status link");
		goto out;
	}
	if (st != PW_OK) {
		pw_serve_json_error(resp, 500, NULL, "reading the report failed");
		goto out;
	}
	char when[32];
	json_t *o = json_object();
	json_object_set_new(o, "report", json_integer(r->id));
	json_object_set_new(o, "kind", json_string(r->kind ? r->kind : ""));
	json_object_set_new(o, "received_at", json_string(pw_serve_iso(r->received_at, when, sizeof when)));
	json_object_set_new(o, "state", json_string(pw_report_state_name(r->state)));
	json_object_set_new(o, "action", json_string(pw_report_action_name(r->action)));
	json_object_set_new(o, "deadlines", deadlines_json(s, r->id, now));
	json_t *certs = json_array();
	for (size_t i = 0; i < r->n_certs; i++) {
		struct pw_report_observed ob;
		char h[65];
		json_t *c = json_object();
		hex(r->certs[i].sha256, 32, h);
		json_object_set_new(c, "sha256", json_string(h));
		if (pw_report_observe(s, r->certs[i].sha256, &ob, &err) == PW_OK) {
			char *sent = pw_report_render_cert_status(&ob);
			json_object_set_new(c, "status", sent ? json_string(sent) : json_null());
			free(sent);
		}
		json_array_append_new(certs, c);
	}
	json_object_set_new(o, "certificates", certs);
	pw_serve_json(resp, 200, o);
out:
	pw_report_free(r);
	pw_serve_store_put(sv, s);
}

/* ---- dispatch ---- */

void pw_serve_api(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	static const struct {
		const char *path;
		void (*fn)(struct pw_serve *, const struct pw_http_request *, struct pw_http_response *);
	} api[] = {
		{"challenge", api_challenge},
		{"find", api_find},
		{"report", api_report},
		{"status", api_status},
	};
	for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
		if (strcmp(req->subpath, api[i].path) != 0)
			continue;
		if (strcmp(req->method, "POST") != 0) {
			pw_http_response_add_header(resp, "Allow", "POST");
			pw_serve_json_error(resp, 405, NULL, "use POST");
			return;
		}
		api[i].fn(sv, req, resp);
		return;
	}
	pw_serve_json_error(resp, 404, NULL, "no such API endpoint");
}

void pw_serve_portal(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	const char *rel = req->subpath;
	if (rel[0] == '\0')
		rel = "index.html";
	pw_serve_static(sv, rel, resp);
}
