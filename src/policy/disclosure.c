/* policy/disclosure.c: the machine-readable CPS disclosure file
 * (docs/policy.md). Untrusted JSON: every member is checked, unknown and
 * duplicate members are errors (a misspelt "dcv_method" must not silently
 * disclose nothing), and each error names the member path
 * ("dcv_methods[3].until") or, for malformed JSON, the line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pkiward/policy.h"

void pw_policy_disclosure_init(struct pw_policy_disclosure *d)
{
	memset(d, 0, sizeof *d);
}

void pw_policy_disclosure_cleanup(struct pw_policy_disclosure *d)
{
	if (d == NULL)
		return;
	free(d->dcv);
	free(d->profiles);
	free(d->key_types);
	free(d->caa);
	pw_policy_disclosure_init(d);
}

/* Writes "<a><b>" into out (PW_ERROR_FIELD_MAX bytes), truncating. */
static void path_join(char *out, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na > PW_ERROR_FIELD_MAX - 1)
		na = PW_ERROR_FIELD_MAX - 1;
	memcpy(out, a, na);
	if (nb > PW_ERROR_FIELD_MAX - 1 - na)
		nb = PW_ERROR_FIELD_MAX - 1 - na;
	memcpy(out + na, b, nb);
	out[na + nb] = '\0';
}

static enum pw_status bad(struct pw_error *err, const char *field, const char *fmt, const char *a)
{
	return pw_error_set(err, PW_ERR_PARSE, 0, 0, field, fmt, a);
}

/* A date member: "YYYY-MM-DD". */
static int get_date(json_t *v, const char *field, int64_t *out, struct pw_error *err)
{
	if (!json_is_string(v)) {
		bad(err, field, "must be a date string \"YYYY-MM-DD\"%s", "");
		return 0;
	}
	if (!pw_policy_parse_date(json_string_value(v), json_string_length(v), out)) {
		bad(err, field, "'%.40s' is not a calendar date \"YYYY-MM-DD\" (1970 or later)",
		    json_string_value(v));
		return 0;
	}
	return 1;
}

static int token_ok(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* Key types as disclosure files name them (pw_policy_key_type). */
static int key_type_ok(const char *s, size_t n)
{
	if (strcmp(s, "ecdsa-p256") == 0 || strcmp(s, "ecdsa-p384") == 0 ||
	    strcmp(s, "ecdsa-p521") == 0)
		return 1;
	if (n < 8 || n > 9 || strncmp(s, "rsa-", 4) != 0)
		return 0;
	unsigned bits = 0;
	for (size_t i = 4; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		bits = bits * 10 + (unsigned)(s[i] - '0');
	}
	/* BR 6.1.5: RSA moduli of at least 2048 bits, divisible by 8. */
	return bits >= 2048 && bits <= 16384 && bits % 8 == 0;
}

static int caa_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

enum list_kind { L_DCV, L_IP, L_PROFILE, L_KEY };

/* One window: {"section"|"name": ..., "from": ..., "until": ...} or (for
 * profiles and key types) a bare string. */
static int parse_window(json_t *v, enum list_kind kind, const char *path,
                        struct pw_policy_window *w, struct pw_error *err)
{
	char field[PW_ERROR_FIELD_MAX];
	const char *name_key = (kind == L_DCV || kind == L_IP) ? "section" : "name";
	json_t *name = NULL, *from = NULL, *until = NULL;
	memset(w, 0, sizeof *w);
	w->from = INT64_MIN;
	if (json_is_string(v) && (kind == L_PROFILE || kind == L_KEY)) {
		name = v;
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			if (strcmp(k, name_key) == 0)
				name = x;
			else if (strcmp(k, "from") == 0)
				from = x;
			else if (strcmp(k, "until") == 0)
				until = x;
			else {
				char sub[PW_ERROR_FIELD_MAX];
				path_join(sub, ".", k);
				path_join(field, path, sub);
				bad(err, field, "unknown member (expected %s)",
				    kind == L_DCV || kind == L_IP ? "section, from, until"
				                                  : "name, from, until");
				return 0;
			}
		}
	} else {
		bad(err, path, "must be an object%s",
		    kind == L_PROFILE || kind == L_KEY ? " or a string" : "");
		return 0;
	}
	path_join(field, path, name == v ? "" : (kind == L_DCV || kind == L_IP ? ".section" : ".name"));
	if (name == NULL) {
		bad(err, field, "missing (required)%s", "");
		return 0;
	}
	if (!json_is_string(name)) {
		bad(err, field, "must be a string%s", "");
		return 0;
	}
	const char *s = json_string_value(name);
	size_t n = json_string_length(name);
	if (kind == L_DCV || kind == L_IP) {
		const char *prefix = kind == L_DCV ? "3.2.2.4." : "3.2.2.5.";
		if (n >= sizeof w->section || !pw_store_method_ok(s, n)) {
			bad(err, field, "'%.40s' is not a BR method id \"3.2.2.4.N\" or \"3.2.2.5.N\"", s);
			return 0;
		}
		if (pw_policy_br_method(s) == NULL) {
			bad(err, field,
			    "unknown method '%.40s': the Baseline Requirements define no such section "
			    "(3.2.2.4.1-22, 3.2.2.5.1-8)",
			    s);
			return 0;
		}
		if (strncmp(s, prefix, 8) != 0) {
			bad(err, field,
			    kind == L_DCV ? "'%.40s' is an IP address method (BR 3.2.2.5): list it under ip_methods"
			                  : "'%.40s' is a domain method (BR 3.2.2.4): list it under dcv_methods",
			    s);
			return 0;
		}
	} else if (kind == L_PROFILE) {
		if (!token_ok(s, n, PW_STORE_META_MAX_PROFILE)) {
			bad(err, field, "'%.40s' is not a profile token ([a-z0-9-], at most 32 bytes)", s);
			return 0;
		}
	} else if (!key_type_ok(s, n)) {
		bad(err, field,
		    "'%.40s' is not a key type (rsa-<bits> with bits >= 2048 and divisible by 8, "
		    "ecdsa-p256, ecdsa-p384, ecdsa-p521)",
		    s);
		return 0;
	}
	memcpy(w->section, s, n);
	w->section[n] = '\0';
	if (from != NULL && !json_is_null(from)) {
		path_join(field, path, ".from");
		if (!get_date(from, field, &w->from, err))
			return 0;
	} else if (kind == L_DCV || kind == L_IP) {
		path_join(field, path, ".from");
		bad(err, field, "missing: the date the CPS first listed the method%s", "");
		return 0;
	}
	if (until != NULL && !json_is_null(until)) {
		path_join(field, path, ".until");
		if (!get_date(until, field, &w->until, err))
			return 0;
		w->has_until = 1;
		if (w->until <= w->from) {
			bad(err, field, "must be after \"from\" (a window is [from, until))%s", "");
			return 0;
		}
	}
	return 1;
}

/* Appends the windows of array `a` (member `name`) to *v (*n entries). */
static int parse_windows(json_t *a, const char *name, enum list_kind kind, size_t max,
                         struct pw_policy_window **v, size_t *n, struct pw_error *err)
{
	char path[PW_ERROR_FIELD_MAX];
	if (!json_is_array(a)) {
		bad(err, name, "must be an array%s", "");
		return 0;
	}
	size_t k = json_array_size(a);
	if (*n + k > max) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, name, "%zu entries, at most %zu", *n + k, max);
		return 0;
	}
	if (k == 0)
		return 1;
	struct pw_policy_window *nv = realloc(*v, (*n + k) * sizeof **v);
	if (nv == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, name, "out of memory");
		return 0;
	}
	*v = nv;
	for (size_t i = 0; i < k; i++) {
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		if (!parse_window(json_array_get(a, i), kind, path, &nv[*n], err))
			return 0;
		(*n)++;
	}
	return 1;
}

enum pw_status pw_policy_disclosure_parse(const uint8_t *buf, size_t len,
                                          struct pw_policy_disclosure *d, struct pw_error *err)
{
	json_error_t jerr;
	json_t *root = NULL, *dcv = NULL;
	enum pw_status st = PW_ERR_PARSE;
	const char *k;
	json_t *v;
	int have_version = 0;

	if (d == NULL || (buf == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	pw_policy_disclosure_cleanup(d);
	if (len > PW_POLICY_MAX_FILE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "%zu bytes, at most %zu", len,
		                    PW_POLICY_MAX_FILE);
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, (size_t)(jerr.position > 0 ? jerr.position : 0),
		                  NULL, "line %d, column %d: malformed JSON: %s", jerr.line,
		                  jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		st = bad(err, NULL, "the disclosure must be a JSON object%s", "");
		goto out;
	}
	json_object_foreach(root, k, v) {
		if (strcmp(k, "cps_version") == 0) {
			if (!json_is_string(v) || json_string_length(v) == 0 ||
			    json_string_length(v) > PW_POLICY_MAX_TEXT) {
				st = bad(err, "cps_version", "must be a non-empty string of at most 256 bytes%s",
				         "");
				goto out;
			}
			for (const char *p = json_string_value(v); *p; p++)
				if ((unsigned char)*p < 0x20) {
					st = bad(err, "cps_version", "control character%s", "");
					goto out;
				}
			snprintf(d->cps_version, sizeof d->cps_version, "%s", json_string_value(v));
			have_version = 1;
		} else if (strcmp(k, "cps_date") == 0) {
			if (!get_date(v, "cps_date", &d->cps_date, err))
				goto out;
			d->has_cps_date = 1;
		} else if (strcmp(k, "dcv_methods") == 0) {
			dcv = v;
			if (!parse_windows(v, "dcv_methods", L_DCV, PW_POLICY_MAX_WINDOWS, &d->dcv, &d->n_dcv,
			                   err))
				goto out;
		} else if (strcmp(k, "ip_methods") == 0) {
			if (!parse_windows(v, "ip_methods", L_IP, PW_POLICY_MAX_WINDOWS, &d->dcv, &d->n_dcv,
			                   err))
				goto out;
		} else if (strcmp(k, "profiles") == 0) {
			d->has_profiles = 1;
			if (!parse_windows(v, "profiles", L_PROFILE, PW_POLICY_MAX_PROFILES, &d->profiles,
			                   &d->n_profiles, err))
				goto out;
		} else if (strcmp(k, "key_types") == 0) {
			d->has_key_types = 1;
			if (!parse_windows(v, "key_types", L_KEY, PW_POLICY_MAX_KEY_TYPES, &d->key_types,
			                   &d->n_key_types, err))
				goto out;
		} else if (strcmp(k, "caa_identifiers") == 0) {
			if (!json_is_array(v)) {
				st = bad(err, "caa_identifiers", "must be an array of domain names%s", "");
				goto out;
			}
			size_t n = json_array_size(v);
			if (n > PW_POLICY_MAX_CAA) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "caa_identifiers",
				                  "%zu entries, at most %d", n, PW_POLICY_MAX_CAA);
				goto out;
			}
			d->caa = n ? calloc(n, sizeof *d->caa) : NULL;
			if (n && d->caa == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				goto out;
			}
			for (size_t i = 0; i < n; i++) {
				char field[PW_ERROR_FIELD_MAX];
				json_t *e = json_array_get(v, i);
				snprintf(field, sizeof field, "caa_identifiers[%zu]", i);
				/* RFC 8659 §4.2: an issuer-domain-name, compared in lower case. */
				if (!json_is_string(e) || !caa_ok(json_string_value(e), json_string_length(e))) {
					st = bad(err, field,
					         "must be a lowercase issuer domain name (RFC 8659 §4.2)%s", "");
					goto out;
				}
				snprintf(d->caa[i], sizeof d->caa[i], "%s", json_string_value(e));
				d->n_caa++;
			}
		} else {
			char field[PW_ERROR_FIELD_MAX];
			path_join(field, k, "");
			st = bad(err, field,
			         "unknown member (expected cps_version, cps_date, dcv_methods, ip_methods, "
			         "profiles, key_types, caa_identifiers)%s",
			         "");
			goto out;
		}
	}
	if (!have_version) {
		st = bad(err, "cps_version", "missing (required)%s", "");
		goto out;
	}
	if (dcv == NULL) {
		st = bad(err, "dcv_methods", "missing (required): the domain validation methods the CPS "
		                              "lists, with dates%s",
		         "");
		goto out;
	}
	st = PW_OK;
out:
	json_decref(root);
	if (st != PW_OK)
		pw_policy_disclosure_cleanup(d);
	return st;
}

int pw_policy_disclosed_at(const struct pw_policy_disclosure *d, const char *section, int64_t t)
{
	for (size_t i = 0; i < d->n_dcv; i++) {
		const struct pw_policy_window *w = &d->dcv[i];
		if (strcmp(w->section, section) == 0 && t >= w->from && (!w->has_until || t < w->until))
			return 1;
	}
	return 0;
}
