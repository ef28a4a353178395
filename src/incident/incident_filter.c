/* incident/incident_filter.c: a `find` filter kept as JSON, so an incident's
 * certificates are re-selected at every render (incident.h, "Stored
 * filters"). The member names are the `find` flags, so a stored filter
 * reads as the command that linked it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "incident_internal.h"
#include "pkiward/buf.h"

static void set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
	char hex[2 * PW_STORE_MAX_SERIAL + 1];
	pw_hex_encode(p, n, hex);
	json_object_set_new(o, k, json_string(hex));
}

static const char *tri_name(enum pw_store_tri t)
{
	return t == PW_STORE_YES ? "yes" : "no";
}

char *pw_incident_filter_to_json(const struct pw_store_filter *f)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	if (f->has_sha256)
		set_hex(o, "sha256", f->sha256, 32);
	if (f->has_issuer_sha256)
		set_hex(o, "issuer-sha256", f->issuer_sha256, 32);
	if (f->issuer_dn != NULL)
		json_object_set_new(o, "issuer-dn", json_string(f->issuer_dn));
	if (f->has_serial)
		set_hex(o, "serial", f->serial, f->serial_len);
	if (f->has_spki)
		set_hex(o, "spki", f->spki_sha256, 32);
	if (f->name != NULL)
		json_object_set_new(o, "name", json_string(f->name));
	if (f->domain != NULL)
		json_object_set_new(o, "domain", json_string(f->domain));
	if (f->has_issued_after)
		json_object_set_new(o, "issued-after", json_integer(f->issued_after));
	if (f->has_issued_before)
		json_object_set_new(o, "issued-before", json_integer(f->issued_before));
	if (f->has_valid_at)
		json_object_set_new(o, "valid-at", json_integer(f->valid_at));
	if (f->dcv_method != NULL)
		json_object_set_new(o, "dcv-method", json_string(f->dcv_method));
	if (f->profile != NULL)
		json_object_set_new(o, "profile", json_string(f->profile));
	if (f->revoked != PW_STORE_ANY)
		json_object_set_new(o, "revoked", json_string(tri_name(f->revoked)));
	if (f->expired != PW_STORE_ANY)
		json_object_set_new(o, "expired", json_string(tri_name(f->expired)));
	if (f->lint != NULL)
		json_object_set_new(o, "lint", json_string(f->lint));
	if (f->ca != PW_STORE_ANY)
		json_object_set_new(o, "ca", json_string(tri_name(f->ca)));
	if (f->kind != PW_STORE_KIND_ANY)
		json_object_set_new(o, "kind",
		                    json_string(f->kind == PW_STORE_KIND_CERT ? "cert" : "precert"));
	char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return t;
}

static int get_hex(json_t *v, uint8_t *out, size_t n)
{
	const char *s = json_string_value(v);
	return s != NULL && pw_hex_decode(s, out, n);
}

static int get_tri(json_t *v, enum pw_store_tri *out)
{
	const char *s = json_string_value(v);
	if (s == NULL)
		return 0;
	if (strcmp(s, "yes") == 0)
		*out = PW_STORE_YES;
	else if (strcmp(s, "no") == 0)
		*out = PW_STORE_NO;
	else
		return 0;
	return 1;
}

static int get_int(json_t *v, int64_t *out, int *has)
{
	if (!json_is_integer(v))
		return 0;
	*out = (int64_t)json_integer_value(v);
	*has = 1;
	return 1;
}

enum pw_status pw_incident_filter_from_json(const char *json, struct pw_store_filter *f,
                                            void **owner, struct pw_error *err)
{
	json_error_t je;
	const char *k;
	json_t *v;
	*owner = NULL;
	memset(f, 0, sizeof *f);
	json_t *o = json ? json_loads(json, 0, &je) : NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "filter", "stored filter is not a JSON object");
	}
	json_object_foreach(o, k, v)
	{
		int ok;
		if (strcmp(k, "sha256") == 0)
			ok = f->has_sha256 = get_hex(v, f->sha256, 32);
		else if (strcmp(k, "issuer-sha256") == 0)
			ok = f->has_issuer_sha256 = get_hex(v, f->issuer_sha256, 32);
		else if (strcmp(k, "issuer-dn") == 0)
			ok = (f->issuer_dn = json_string_value(v)) != NULL;
		else if (strcmp(k, "serial") == 0) {
			const char *s = json_string_value(v);
			ok = f->has_serial = s != NULL && pw_hex_decode_var(s, f->serial, sizeof f->serial,
			                                                    &f->serial_len);
		} else if (strcmp(k, "spki") == 0)
			ok = f->has_spki = get_hex(v, f->spki_sha256, 32);
		else if (strcmp(k, "name") == 0)
			ok = (f->name = json_string_value(v)) != NULL;
		else if (strcmp(k, "domain") == 0)
			ok = (f->domain = json_string_value(v)) != NULL;
		else if (strcmp(k, "issued-after") == 0)
			ok = get_int(v, &f->issued_after, &f->has_issued_after);
		else if (strcmp(k, "issued-before") == 0)
			ok = get_int(v, &f->issued_before, &f->has_issued_before);
		else if (strcmp(k, "valid-at") == 0)
			ok = get_int(v, &f->valid_at, &f->has_valid_at);
		else if (strcmp(k, "dcv-method") == 0)
			ok = (f->dcv_method = json_string_value(v)) != NULL;
		else if (strcmp(k, "profile") == 0)
			ok = (f->profile = json_string_value(v)) != NULL;
		else if (strcmp(k, "revoked") == 0)
			ok = get_tri(v, &f->revoked);
		else if (strcmp(k, "expired") == 0)
			ok = get_tri(v, &f->expired);
		else if (strcmp(k, "lint") == 0)
			ok = (f->lint = json_string_value(v)) != NULL;
		else if (strcmp(k, "ca") == 0)
			ok = get_tri(v, &f->ca);
		else if (strcmp(k, "kind") == 0) {
			const char *s = json_string_value(v);
			ok = s != NULL && (strcmp(s, "cert") == 0 || strcmp(s, "precert") == 0);
			if (ok)
				f->kind = s[0] == 'c' ? PW_STORE_KIND_CERT : PW_STORE_KIND_PRECERT;
		} else {
			/* k lives in o: format before releasing it. */
			enum pw_status st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "filter",
			                                 "stored filter has an unknown member '%.40s'", k);
			json_decref(o);
			return st;
		}
		if (!ok) {
			/* k lives in o: format before releasing it. */
			enum pw_status st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "filter",
			                                 "stored filter member '%.40s' is malformed", k);
			json_decref(o);
			return st;
		}
	}
	f->now = (int64_t)time(NULL);
	*owner = o;
	return PW_OK;
}

void pw_incident_filter_release(void *owner)
{
	json_decref(owner);
}

static void date_arg(struct pw_buf *b, const char *flag, int64_t t)
{
	char d[32];
	struct tm tm;
	time_t tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(d, sizeof d, "@%lld", (long long)t);
	pw_buf_printf(b, " %s %s", flag, d);
}

/* Quotes a value for the shell form when it has spaces or quotes. */
static void str_arg(struct pw_buf *b, const char *flag, const char *v)
{
	if (strpbrk(v, " \t'\"\\$`") == NULL) {
		pw_buf_printf(b, " %s %s", flag, v);
		return;
	}
	pw_buf_printf(b, " %s '", flag);
	for (const char *p = v; *p; p++) {
		if (*p == '\'')
			pw_buf_puts(b, "'\\''");
		else
			pw_buf_append(b, p, 1);
	}
	pw_buf_puts(b, "'");
}

char *pw_incident_filter_describe(const struct pw_store_filter *f)
{
	struct pw_buf b;
	char hex[2 * PW_STORE_MAX_SERIAL + 1];
	pw_buf_init(&b);
	if (f->has_sha256) {
		pw_hex_encode(f->sha256, 32, hex);
		pw_buf_printf(&b, " --sha256 %s", hex);
	}
	if (f->has_issuer_sha256) {
		pw_hex_encode(f->issuer_sha256, 32, hex);
		pw_buf_printf(&b, " --issuer %s", hex);
	}
	if (f->issuer_dn != NULL)
		str_arg(&b, "--issuer", f->issuer_dn);
	if (f->has_serial) {
		pw_hex_encode(f->serial, f->serial_len, hex);
		pw_buf_printf(&b, " --serial %s", hex);
	}
	if (f->has_spki) {
		pw_hex_encode(f->spki_sha256, 32, hex);
		pw_buf_printf(&b, " --spki %s", hex);
	}
	if (f->name != NULL)
		str_arg(&b, "--name", f->name);
	if (f->domain != NULL)
		str_arg(&b, "--domain", f->domain);
	if (f->has_issued_after)
		date_arg(&b, "--issued-after", f->issued_after);
	if (f->has_issued_before)
		date_arg(&b, "--issued-before", f->issued_before);
	if (f->has_valid_at)
		date_arg(&b, "--valid-at", f->valid_at);
	if (f->dcv_method != NULL)
		str_arg(&b, "--dcv-method", f->dcv_method);
	if (f->profile != NULL)
		str_arg(&b, "--profile", f->profile);
	if (f->revoked != PW_STORE_ANY)
		pw_buf_puts(&b, f->revoked == PW_STORE_YES ? " --revoked" : " --unrevoked");
	if (f->expired != PW_STORE_ANY)
		pw_buf_puts(&b, f->expired == PW_STORE_YES ? " --expired" : " --unexpired");
	if (f->lint != NULL)
		str_arg(&b, "--lint", f->lint);
	if (f->ca != PW_STORE_ANY)
		pw_buf_puts(&b, f->ca == PW_STORE_YES ? " --ca" : " --leaf");
	if (f->kind != PW_STORE_KIND_ANY)
		pw_buf_puts(&b, f->kind == PW_STORE_KIND_CERT ? " --cert" : " --precert");
	size_t n;
	uint8_t *t = pw_buf_finish(&b, &n);
	if (t == NULL)
		return NULL;
	if (n > 0 && t[0] == ' ')
		memmove(t, t + 1, n); /* moves the NUL too */
	return (char *)t;
}
