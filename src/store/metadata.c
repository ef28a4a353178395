/* store/metadata.c: the JSON Lines metadata sidecar parser (docs/metadata.md).
 *
 * Each line is untrusted input from the issuing system's export: every field
 * is checked for type, length and form, unknown members are refused (a typo
 * such as "validation" must not silently drop DCV records that an incident
 * query depends on), and errors name the member ("validations[2].method"). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "pkiward/buf.h"

void pw_store_metadata_init(struct pw_store_metadata *m)
{
	if (m != NULL)
		memset(m, 0, sizeof *m);
}

void pw_store_metadata_cleanup(struct pw_store_metadata *m)
{
	if (m == NULL)
		return;
	free(m->profile);
	free(m->order);
	free(m->subscriber);
	for (size_t i = 0; i < m->n_validations; i++)
		free(m->validations[i].name);
	free(m->validations);
	memset(m, 0, sizeof *m);
}

static enum pw_status bad(struct pw_error *err, const char *field, const char *msg)
{
	return pw_error_set(err, PW_ERR_PARSE, 0, 0, field, "%s", msg);
}

/* A JSON string member as a fresh C string, refusing control characters
 * (which includes the NUL jansson would otherwise let through with
 * JSON_ALLOW_NUL, not used here) and anything over `max` bytes. */
static enum pw_status get_text(json_t *v, const char *field, size_t max, char **out,
                               struct pw_error *err)
{
	if (!json_is_string(v))
		return bad(err, field, "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0)
		return bad(err, field, "must not be empty");
	if (n > max)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, field, "longer than %zu bytes", max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return bad(err, field, "contains a control character");
	}
	*out = strdup(s);
	if (*out == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, field, "out of memory");
	return PW_OK;
}

static int profile_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* A validated name: a DNS name (LDH labels, an optional leading "*." for a
 * wildcard, RFC 1035 §2.3.1 / BR 1.6.1 "Wildcard Domain Name") or an IP
 * address (BR 3.2.2.5). Lowercased in place. */
static int vname_ok(char *s)
{
	size_t n = strlen(s);
	unsigned char tmp[16];
	if (n == 0 || n > 253)
		return 0;
	for (char *q = s; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, tmp) == 1;
	if (inet_pton(AF_INET, s, tmp) == 1)
		return 1;
	char *p = s;
	if (p[0] == '*' && p[1] == '.')
		p += 2;
	size_t label = 0;
	for (; *p; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			*p = c = (char)(c + 32);
		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && p[-1] != '-';
}

static enum pw_status parse_validation(json_t *o, size_t idx, struct pw_store_validation *v,
                                       struct pw_error *err)
{
	char field[PW_ERROR_FIELD_MAX];
	const char *key;
	json_t *val;
	int have_name = 0, have_method = 0, have_at = 0;
	enum pw_status st;

	snprintf(field, sizeof field, "validations[%zu]", idx);
	if (!json_is_object(o))
		return bad(err, field, "must be an object {name, method, at}");
	json_object_foreach(o, key, val) {
		snprintf(field, sizeof field, "validations[%zu].%.40s", idx, key);
		if (strcmp(key, "name") == 0) {
			if ((st = get_text(val, field, PW_STORE_MAX_NAME, &v->name, err)) != PW_OK)
				return st;
			if (!vname_ok(v->name))
				return bad(err, field, "not a DNS name or IP address");
			have_name = 1;
		} else if (strcmp(key, "method") == 0) {
			if (!json_is_string(val))
				return bad(err, field, "must be a string");
			const char *m = json_string_value(val);
			size_t ml = json_string_length(val);
			if (ml > PW_STORE_META_MAX_METHOD || !pw_store_method_ok(m, ml))
				return bad(err, field,
				           "must be a BR method id \"3.2.2.4.N\" or \"3.2.2.5.N\"");
			memcpy(v->method, m, ml + 1);
			have_method = 1;
		} else if (strcmp(key, "at") == 0) {
			if (!json_is_string(val) ||
			    !pw_store_parse_rfc3339(json_string_value(val), json_string_length(val), &v->at))
				return bad(err, field,
				           "must be an RFC 3339 date-time such as \"2021-03-13T10:00:00Z\"");
			have_at = 1;
		} else {
			return bad(err, field, "unknown member (expected name, method, at)");
		}
	}
	snprintf(field, sizeof field, "validations[%zu]", idx);
	if (!have_name)
		return bad(err, field, "missing \"name\"");
	if (!have_method)
		return bad(err, field, "missing \"method\"");
	if (!have_at)
		return bad(err, field, "missing \"at\"");
	return PW_OK;
}

enum pw_status pw_store_metadata_parse_line(const uint8_t *line, size_t len,
                                            struct pw_store_metadata *m, struct pw_error *err)
{
	json_t *root = NULL;
	json_error_t jerr;
	enum pw_status st = PW_OK;
	const char *key;
	json_t *val;
	int have_sha = 0;

	if (m == NULL || (line == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	pw_store_metadata_cleanup(m);
	if (len > PW_STORE_META_MAX_LINE) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "line longer than %zu bytes",
		                  (size_t)PW_STORE_META_MAX_LINE);
		goto out;
	}
	root = json_loadb((const char *)line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, (size_t)(jerr.position > 0 ? jerr.position : 0),
		                  NULL, "invalid JSON: %s", jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		st = bad(err, NULL, "a metadata line must be a JSON object");
		goto out;
	}
	json_object_foreach(root, key, val) {
		if (strcmp(key, "sha256") == 0) {
			if (!json_is_string(val) || json_string_length(val) != 64 ||
			    !pw_hex_decode(json_string_value(val), m->sha256, 32)) {
				st = bad(err, "sha256", "must be 64 hex digits (the certificate's SHA-256)");
				goto out;
			}
			have_sha = 1;
		} else if (strcmp(key, "profile") == 0) {
			if ((st = get_text(val, "profile", PW_STORE_META_MAX_PROFILE, &m->profile, err)) !=
			    PW_OK)
				goto out;
			for (char *p = m->profile; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p + 32);
			if (!profile_ok(m->profile)) {
				st = bad(err, "profile", "must be a token of letters, digits and '-' (\"dv\")");
				goto out;
			}
		} else if (strcmp(key, "order") == 0) {
			if ((st = get_text(val, "order", PW_STORE_META_MAX_TEXT, &m->order, err)) != PW_OK)
				goto out;
		} else if (strcmp(key, "subscriber") == 0) {
			if ((st = get_text(val, "subscriber", PW_STORE_META_MAX_TEXT, &m->subscriber, err)) !=
			    PW_OK)
				goto out;
		} else if (strcmp(key, "validations") == 0) {
			if (!json_is_array(val)) {
				st = bad(err, "validations", "must be an array");
				goto out;
			}
			size_t n = json_array_size(val);
			if (n > PW_STORE_META_MAX_VALIDATIONS) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "validations",
				                  "more than %d entries", PW_STORE_META_MAX_VALIDATIONS);
				goto out;
			}
			if (n > 0) {
				m->validations = calloc(n, sizeof *m->validations);
				if (m->validations == NULL) {
					st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "validations", "out of memory");
					goto out;
				}
			}
			for (size_t i = 0; i < n; i++) {
				m->n_validations = i + 1; /* so cleanup frees a partial entry */
				st = parse_validation(json_array_get(val, i), i, &m->validations[i], err);
				if (st != PW_OK)
					goto out;
			}
		} else {
			char field[PW_ERROR_FIELD_MAX];
			snprintf(field, sizeof field, "%.60s", key);
			st = bad(err, field,
			         "unknown member (expected sha256, profile, order, subscriber, validations)");
			goto out;
		}
	}
	if (!have_sha)
		st = bad(err, "sha256", "missing \"sha256\"");
out:
	json_decref(root);
	if (st != PW_OK)
		pw_store_metadata_cleanup(m);
	return st;
}
