/* inventory/audit.c: audit statements — the `pkiward audit add` JSON
 * contract (docs/audit.md), canonical audit types, and storing a statement
 * with its event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"

void pw_inventory_audit_init(struct pw_inventory_audit *a)
{
	memset(a, 0, sizeof *a);
}

void pw_inventory_audit_cleanup(struct pw_inventory_audit *a)
{
	if (a == NULL)
		return;
	free(a->auditor);
	free(a->scheme);
	free(a->type);
	free(a->url);
	free(a->fingerprints);
	pw_inventory_audit_init(a);
}

/* The names CCADB (report columns, Policy 5 table), WebTrust and the
 * contract use for each audit type. */
static const struct {
	const char *name;
	const char *canonical;
} type_names[] = {
	{"CA", "CA"},
	{"Standard", "CA"},
	{"Standard Audit", "CA"},
	{"WebTrust for CAs", "CA"},
	{"BR", "BR"},
	{"TLS BR", "BR"},
	{"TLS BR Audit", "BR"},
	{"SSL Baseline", "BR"},
	{"TLS Baseline", "BR"},
	{"EV", "EV"},
	{"EVG", "EV"},
	{"TLS EVG", "EV"},
	{"TLS EVG Audit", "EV"},
	{"EV SSL", "EV"},
	{"NetSec", "NetSec"},
	{"NetSec Audit", "NetSec"},
	{"Network Security", "NetSec"},
	{"SMIME", "SMIME"},
	{"S/MIME", "SMIME"},
	{"S/MIME BR", "SMIME"},
	{"S/MIME BR Audit", "SMIME"},
	{"CS", "CS"},
	{"Code Signing", "CS"},
	{"Code Signing Audit", "CS"},
};

const char *pw_inventory_audit_type_canonical(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
		if (strcasecmp(name, type_names[i].name) == 0)
			return type_names[i].canonical;
	return NULL;
}

static int text_clean(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static enum pw_status get_text(json_t *root, const char *key, int required, char **out,
                               struct pw_error *err)
{
	json_t *v = json_object_get(root, key);
	if (v == NULL) {
		if (!required)
			return PW_OK;
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key, "missing (required)");
	}
	if (!json_is_string(v))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key, "must be a string");
	if (!text_clean(json_string_value(v), PW_INVENTORY_AUDIT_MAX_TEXT))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key,
		                    "must be 1..%d bytes without control characters",
		                    PW_INVENTORY_AUDIT_MAX_TEXT);
	if ((*out = strdup(json_string_value(v))) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, key, "out of memory");
	return PW_OK;
}

static enum pw_status get_day(json_t *root, const char *key, int64_t *out, struct pw_error *err)
{
	json_t *v = json_object_get(root, key);
	if (v == NULL)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key, "missing (required)");
	if (!json_is_string(v))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key, "must be a string \"YYYY-MM-DD\"");
	const char *t = json_string_value(v);
	if (!pw_inventory_parse_day(t, json_string_length(v), out))
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, key,
		                    "'%.40s' is not a calendar date in the form YYYY-MM-DD", t);
	return PW_OK;
}

enum pw_status pw_inventory_audit_parse_json(const uint8_t *buf, size_t len,
                                             struct pw_inventory_audit *out,
                                             struct pw_error *err)
{
	static const char *const known[] = {"auditor",    "scheme",         "type",
	                                    "period_start", "period_end", "statement_date",
	                                    "fingerprints", "url"};
	json_error_t jerr;
	json_t *root = NULL;
	enum pw_status st = PW_OK;
	const char *key;
	json_t *val;

	pw_inventory_audit_cleanup(out);
	if (len > PW_INVENTORY_AUDIT_MAX_JSON)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "statement file over %zu bytes",
		                    PW_INVENTORY_AUDIT_MAX_JSON);
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 1, (size_t)jerr.position, NULL,
		                  "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "the statement must be a JSON object");
		goto out;
	}
	/* A misspelt member ("period_ends") must not be silently ignored. */
	json_object_foreach(root, key, val)
	{
		size_t i;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0]) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "unknown member '%.60s'", key);
			goto out;
		}
	}
	if ((st = get_text(root, "auditor", 1, &out->auditor, err)) != PW_OK ||
	    (st = get_text(root, "scheme", 1, &out->scheme, err)) != PW_OK ||
	    (st = get_text(root, "type", 1, &out->type, err)) != PW_OK ||
	    (st = get_text(root, "url", 0, &out->url, err)) != PW_OK)
		goto out;
	/* MRSP 3.1.1: the accepted criteria are WebTrust's and ETSI's. */
	if (strcasecmp(out->scheme, "WebTrust") == 0)
		strcpy(out->scheme, "WebTrust");
	else if (strcasecmp(out->scheme, "ETSI") == 0)
		strcpy(out->scheme, "ETSI");
	else {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "scheme",
		                  "'%.40s' is not \"WebTrust\" or \"ETSI\" (MRSP 3.1.1)", out->scheme);
		goto out;
	}
	const char *canon = pw_inventory_audit_type_canonical(out->type);
	if (canon == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "type",
		                  "'%.40s' is not an audit type (CA, BR, EV, NetSec, SMIME, CS)",
		                  out->type);
		goto out;
	}
	free(out->type);
	if ((out->type = strdup(canon)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if ((st = get_day(root, "period_start", &out->period_start, err)) != PW_OK ||
	    (st = get_day(root, "period_end", &out->period_end, err)) != PW_OK ||
	    (st = get_day(root, "statement_date", &out->statement_date, err)) != PW_OK)
		goto out;
	if (out->period_end < out->period_start) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "period_end", "before period_start");
		goto out;
	}
	/* CCADB Policy 5.2 item 11: the issuing date of the report, which cannot
	 * precede the end of the period it reports on. */
	if (out->statement_date < out->period_end) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "statement_date",
		                  "before period_end (a statement is issued after its period)");
		goto out;
	}
	json_t *fps = json_object_get(root, "fingerprints");
	if (fps == NULL) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "fingerprints", "missing (required)");
		goto out;
	}
	if (!json_is_array(fps)) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, "fingerprints", "must be an array");
		goto out;
	}
	size_t n = json_array_size(fps);
	if (n > PW_INVENTORY_AUDIT_MAX_FPS) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "fingerprints",
		                  "%zu entries, at most %d", n, PW_INVENTORY_AUDIT_MAX_FPS);
		goto out;
	}
	if (n > 0 && (out->fingerprints = malloc(32 * n)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(fps, i);
		char field[48];
		snprintf(field, sizeof field, "fingerprints[%zu]", i);
		/* CCADB Policy 5.2 item 5 / 5.2.3: a SHA-256 fingerprint, 64 hex
		 * digits without separators. */
		if (!json_is_string(f) || json_string_length(f) != 64 ||
		    !pw_hex_decode(json_string_value(f), out->fingerprints + 32 * i, 32)) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, field,
			                  "not a SHA-256 fingerprint (64 hex digits, no colons or spaces)%s%.70s%s",
			                  json_is_string(f) ? ": '" : "",
			                  json_is_string(f) ? json_string_value(f) : "",
			                  json_is_string(f) ? "'" : "");
			goto out;
		}
	}
	out->n_fingerprints = pw_inv_sort_unique(out->fingerprints, n);
out:
	json_decref(root);
	if (st != PW_OK)
		pw_inventory_audit_cleanup(out);
	return st;
}

char *pw_inventory_audit_to_json(const struct pw_inventory_audit *a, int pretty)
{
	char d1[16], d2[16], d3[16], hex[65];
	json_t *o = json_object(), *fps = json_array();
	char *txt = NULL;
	if (o == NULL || fps == NULL)
		goto out;
	json_object_set_new(o, "auditor", a->auditor ? json_string(a->auditor) : json_null());
	json_object_set_new(o, "scheme", a->scheme ? json_string(a->scheme) : json_null());
	json_object_set_new(o, "type", a->type ? json_string(a->type) : json_null());
	json_object_set_new(o, "period_start", a->period_start || a->period_end
	                    ? json_string(pw_inventory_day_text(a->period_start, d1, sizeof d1))
	                    : json_null());
	json_object_set_new(o, "period_end", a->period_start || a->period_end
	                    ? json_string(pw_inventory_day_text(a->period_end, d2, sizeof d2))
	                    : json_null());
	json_object_set_new(o, "statement_date", a->statement_date
	                    ? json_string(pw_inventory_day_text(a->statement_date, d3, sizeof d3))
	                    : json_null());
	for (size_t i = 0; i < a->n_fingerprints; i++) {
		pw_hex_encode(a->fingerprints + 32 * i, 32, hex);
		/* CCADB Policy 5.2.3: uppercase. */
		for (char *p = hex; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
		json_array_append_new(fps, json_string(hex));
	}
	json_object_set(o, "fingerprints", fps);
	if (a->url)
		json_object_set_new(o, "url", json_string(a->url));
	txt = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
out:
	json_decref(fps);
	json_decref(o);
	return txt;
}

enum pw_status pw_inventory_audit_add(struct pw_store *s, const struct pw_inventory_audit *a,
                                      const char *source, const char *actor, int64_t now,
                                      int64_t *out_id, int *out_inserted, struct pw_error *err)
{
	struct pw_store_audit_statement row;
	char d1[16], d2[16], d3[16], subject[PW_EVENTS_SUBJECT_MAX];
	json_t *payload = NULL;
	char *ptxt = NULL;
	int inserted = 0, began = 0;
	int64_t id = 0;
	enum pw_status st;

	if (out_inserted != NULL)
		*out_inserted = 0;
	if (s == NULL || a == NULL || out_id == NULL || a->auditor == NULL || a->scheme == NULL ||
	    a->type == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "incomplete statement");
	if (now == 0)
		now = (int64_t)time(NULL);
	memset(&row, 0, sizeof row);
	row.auditor = a->auditor;
	row.scheme = a->scheme;
	row.type = a->type;
	row.period_start = a->period_start;
	row.period_end = a->period_end;
	row.statement_date = a->statement_date;
	row.url = a->url;
	row.source = source ? source : "api";
	row.added_at = now;
	if (!pw_inv_statement_digest(a->scheme, a->type, a->auditor, a->period_start, a->period_end,
	                             a->statement_date, a->url, a->fingerprints, a->n_fingerprints,
	                             row.digest))
		return pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "SHA-256 failed");
	if (!pw_store_in_transaction(s)) {
		if ((st = pw_store_begin(s, err)) != PW_OK)
			return st;
		began = 1;
	}
	st = pw_store_audit_put(s, &row, a->fingerprints, a->n_fingerprints, &id, &inserted, err);
	if (st == PW_OK && inserted) {
		payload = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "statement_id", (json_int_t)id,
		                    "auditor", a->auditor, "scheme", a->scheme, "type", a->type,
		                    "period_start", pw_inventory_day_text(a->period_start, d1, sizeof d1),
		                    "period_end", pw_inventory_day_text(a->period_end, d2, sizeof d2),
		                    "statement_date",
		                    pw_inventory_day_text(a->statement_date, d3, sizeof d3),
		                    "fingerprints", (json_int_t)a->n_fingerprints, "source", row.source);
		ptxt = payload ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (ptxt == NULL)
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		else {
			snprintf(subject, sizeof subject, "audit:%lld", (long long)id);
			st = pw_events_append(s, now, "audit.statement_added", subject, actor, ptxt, NULL,
			                      NULL, err);
		}
	}
	if (began) {
		if (st == PW_OK)
			st = pw_store_commit(s, err);
		else
			pw_store_rollback(s);
	}
	if (st == PW_OK) {
		*out_id = id;
		if (out_inserted != NULL)
			*out_inserted = inserted;
	}
	json_decref(payload);
	free(ptxt);
	return st;
}
