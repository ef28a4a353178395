/* pkiward lint — JSON serialisation of results and of the catalogue
 * (lint.h "Serialisation"). jansson builds the documents so that strings
 * from certificates (details quote names, URIs ...) are always escaped
 * correctly, whatever bytes they hold. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

const char *pw_lint_target_str(enum pw_lint_target t)
{
	return t == PW_TARGET_CRL ? "crl" : t == PW_TARGET_OCSP ? "ocsp" : "certificate";
}

/* json_object_set_new that reports failure (it frees `v` on failure). */
static int put(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0;
}

/* Details texts are built by snprintf from certificate bytes that lints
 * sanitise, but a truncated multi-byte sequence would make jansson refuse
 * the string: fall back to a lossy ASCII copy. */
static json_t *text(const char *s)
{
	json_t *v = json_string(s);
	if (v != NULL)
		return v;
	char buf[PW_LINT_DETAILS_MAX];
	size_t i = 0;
	for (; s[i] != '\0' && i + 1 < sizeof buf; i++)
		buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

static char *dump(json_t *doc)
{
	char *s = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return s;
}

char *pw_lint_results_to_json(const struct pw_lint_results *r, const char *file, size_t object)
{
	json_t *doc = json_object();
	if (doc == NULL || r == NULL)
		goto fail;
	if (file != NULL) {
		if (!put(doc, "file", text(file)) || !put(doc, "object", json_integer((json_int_t)object)) ||
		    !put(doc, "profile", json_string(pw_lint_profile_str(r->profile))))
			goto fail;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct pw_lint_result *res = &r->v[i];
		json_t *one = json_object();
		if (one == NULL)
			goto fail;
		if (!put(one, "result", json_string(pw_lint_status_str(res->status))) ||
		    (res->details[0] != '\0' && !put(one, "details", text(res->details)))) {
			json_decref(one);
			goto fail;
		}
		if (!put(doc, res->def->name, one)) /* consumed `one` either way */
			goto fail;
	}
	return dump(doc);
fail:
	json_decref(doc);
	return NULL;
}

static json_t *opt_str(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

char *pw_lint_catalog_to_json(void)
{
	size_t n = 0;
	const struct pw_lint_entry *reg = pw_lint_registry_get0(&n);
	json_t *arr = json_array();
	if (arr == NULL || reg == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct pw_lint_def *d = reg[i].def;
		json_t *o = json_object();
		if (o == NULL)
			goto fail;
		if (!put(o, "name", json_string(d->name)) ||
		    !put(o, "severity", json_string(pw_lint_status_str(d->severity))) ||
		    !put(o, "source", json_string(pw_lint_source_str(d->source))) ||
		    !put(o, "target", json_string(pw_lint_target_str(d->target))) ||
		    !put(o, "citation", opt_str(d->citation)) ||
		    !put(o, "effective", opt_str(reg[i].has_effective ? d->effective : NULL)) ||
		    !put(o, "ineffective", opt_str(reg[i].has_ineffective ? d->ineffective : NULL)) ||
		    !put(o, "description", opt_str(d->description))) {
			json_decref(o);
			goto fail;
		}
		if (json_array_append_new(arr, o) != 0) /* consumed `o` either way */
			goto fail;
	}
	return dump(arr);
fail:
	json_decref(arr);
	return NULL;
}
