/* inventory/ccadb.c: importing CCADB's CSV reports — AllCertificatePEMsCSVFormat
 * (fingerprint + PEM of every disclosed CA certificate) and
 * AllCertificateRecordsCSVFormatV5 (one record per CA certificate, with its
 * audit statements per type). All or nothing: one transaction; the first
 * bad row rolls everything back and is named by line and column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"

/* CCADB report column names (the V5 header; corpus/ccadb/README.md). */
#define COL_SHA "SHA-256 Fingerprint"
#define COL_PEM "X.509 Certificate (PEM)"
#define COL_PARENT "Parent SHA-256 Fingerprint"
#define COL_FROM "Valid From (GMT)"
#define COL_TO "Valid To (GMT)"

/* The audit column groups of a V5 record and the canonical type each is
 * (CCADB Policy 5 table). */
static const struct {
	const char *prefix;
	const char *type;
} audit_groups[] = {
	{"Standard Audit", "CA"},      {"NetSec Audit", "NetSec"}, {"TLS BR Audit", "BR"},
	{"TLS EVG Audit", "EV"},       {"Code Signing Audit", "CS"}, {"S/MIME BR Audit", "SMIME"},
};
#define N_GROUPS (sizeof audit_groups / sizeof audit_groups[0])

/* A statement being gathered from the rows that name it. */
struct pending {
	char *scheme, *type, *auditor, *url;
	int64_t start, end, date;
	uint8_t *fps;
	size_t n, cap;
};

struct import {
	struct pw_store *s;
	struct pw_inventory_csv csv;
	char **header;
	size_t n_header;
	struct pending *pend;
	size_t n_pend, cap_pend;
	int64_t now;
	struct pw_inventory_import_summary sum;
};

static void pending_free(struct import *im)
{
	for (size_t i = 0; i < im->n_pend; i++) {
		free(im->pend[i].scheme);
		free(im->pend[i].type);
		free(im->pend[i].auditor);
		free(im->pend[i].url);
		free(im->pend[i].fps);
	}
	free(im->pend);
	im->pend = NULL;
	im->n_pend = im->cap_pend = 0;
}

static int col_index(const struct import *im, const char *name)
{
	for (size_t i = 0; i < im->n_header; i++)
		if (strcmp(im->header[i], name) == 0)
			return (int)i;
	return -1;
}

static enum pw_status row_err(const struct import *im, const char *col, struct pw_error *err,
                              const char *fmt, const char *arg)
{
	enum pw_status st = pw_error_set(err, PW_ERR_PARSE, 1, im->csv.record_offset, NULL, fmt, arg);
	if (err != NULL) {
		if (col != NULL)
			snprintf(err->field, sizeof err->field, "line %zu, column '%.60s'",
			         im->csv.record_line, col);
		else
			snprintf(err->field, sizeof err->field, "line %zu", im->csv.record_line);
	}
	return st;
}

static const struct pw_inventory_csv_field *field(const struct import *im, int idx)
{
	return idx >= 0 && (size_t)idx < im->csv.n_fields ? &im->csv.fields[idx] : NULL;
}

/* Trims spaces (CCADB cells are sometimes padded). */
static void trim(const uint8_t **p, size_t *n)
{
	while (*n && ((*p)[0] == ' ' || (*p)[0] == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

static int parse_fp(const struct pw_inventory_csv_field *f, uint8_t out[32])
{
	const uint8_t *p = f->p;
	size_t n = f->len;
	char hex[65];
	trim(&p, &n);
	if (n != 64)
		return 0;
	memcpy(hex, p, 64);
	hex[64] = '\0';
	return pw_hex_decode(hex, out, 32);
}

/* CCADB report dates: YYYY.MM.DD. Empty -> 0 (*present = 0). */
static int parse_dotted_day(const struct pw_inventory_csv_field *f, int64_t *out, int *present)
{
	const uint8_t *p = f->p;
	size_t n = f->len;
	char t[11];
	trim(&p, &n);
	*present = n != 0;
	*out = 0;
	if (n == 0)
		return 1;
	if (n != 10 || p[4] != '.' || p[7] != '.')
		return 0;
	memcpy(t, p, 10);
	t[4] = t[7] = '-';
	t[10] = '\0';
	return pw_inventory_parse_day(t, 10, out);
}

static char *field_text(const struct pw_inventory_csv_field *f)
{
	const uint8_t *p = f->p;
	size_t n = f->len;
	trim(&p, &n);
	if (n > PW_STORE_AUDIT_MAX_TEXT)
		n = PW_STORE_AUDIT_MAX_TEXT;
	return pw_inv_strndup(p, n);
}

static enum pw_status read_header(struct import *im, struct pw_error *err)
{
	int has = 0;
	enum pw_status st = pw_inventory_csv_next(&im->csv, &has, err);
	if (st != PW_OK)
		return st;
	if (!has)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "line 1", "empty file: no header row");
	im->n_header = im->csv.n_fields;
	if ((im->header = calloc(im->n_header, sizeof *im->header)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	for (size_t i = 0; i < im->n_header; i++) {
		const uint8_t *p = im->csv.fields[i].p;
		size_t n = im->csv.fields[i].len;
		trim(&p, &n);
		if ((im->header[i] = pw_inv_strndup(p, n)) == NULL)
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	}
	if (col_index(im, COL_SHA) < 0)
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "line 1",
		                    "no '" COL_SHA "' column: not a CCADB certificate report");
	if (col_index(im, COL_PEM) >= 0)
		im->sum.kind = PW_INVENTORY_CCADB_PEMS;
	else if (col_index(im, COL_PARENT) >= 0 && col_index(im, COL_FROM) >= 0 &&
	         col_index(im, COL_TO) >= 0)
		im->sum.kind = PW_INVENTORY_CCADB_RECORDS;
	else
		return pw_error_set(err, PW_ERR_PARSE, 0, 0, "line 1",
		                    "neither AllCertificatePEMsCSVFormat ('" COL_PEM
		                    "') nor AllCertificateRecordsCSVFormatV5 ('" COL_PARENT "', '" COL_FROM
		                    "', '" COL_TO "')");
	return PW_OK;
}

static enum pw_status pem_row(struct import *im, struct pw_cert *cert, struct pw_error *err)
{
	const struct pw_inventory_csv_field *fsha = field(im, col_index(im, COL_SHA));
	const struct pw_inventory_csv_field *fpem = field(im, col_index(im, COL_PEM));
	struct pw_objects objs = {0};
	struct pw_error perr;
	uint8_t want[32];
	enum pw_status st = PW_OK;
	int inserted = 0;
	char msg[PW_ERROR_MSG_MAX];

	if (!parse_fp(fsha, want))
		return row_err(im, COL_SHA, err, "%s", "not a SHA-256 fingerprint (64 hex digits)");
	pw_error_clear(&perr);
	if (pw_objects_read(fpem->p, fpem->len, &objs, &perr) != PW_OK) {
		pw_error_format(&perr, msg, sizeof msg);
		st = row_err(im, COL_PEM, err, "bad PEM: %s", msg);
		goto out;
	}
	if (objs.n != 1 || objs.v[0].type != PW_OBJ_CERTIFICATE) {
		st = row_err(im, COL_PEM, err, "%s", "must hold exactly one PEM CERTIFICATE");
		goto out;
	}
	if (pw_cert_parse(cert, objs.v[0].der, objs.v[0].der_len, &perr) != PW_OK) {
		pw_error_format(&perr, msg, sizeof msg);
		st = row_err(im, COL_PEM, err, "certificate does not parse: %s", msg);
		goto out;
	}
	if (memcmp(cert->sha256, want, 32) != 0) {
		st = row_err(im, COL_PEM, err, "%s",
		             "the certificate's SHA-256 is not the row's 'SHA-256 Fingerprint'");
		goto out;
	}
	if ((st = pw_store_put_cert(im->s, cert, im->now, &inserted, err)) != PW_OK) {
		char detail[PW_ERROR_MSG_MAX];
		pw_error_format(err, detail, sizeof detail);
		st = row_err(im, COL_PEM, err, "cannot store: %s", detail);
		goto out;
	}
	if (inserted)
		im->sum.certificates++;
	else
		im->sum.already_present++;
	if (!cert->is_ca)
		im->sum.not_ca++;
out:
	pw_objects_free(&objs);
	return st;
}

static int fp_push(struct pending *p, const uint8_t fp[32])
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		uint8_t *nf = realloc(p->fps, ncap * 32);
		if (nf == NULL)
			return 0;
		p->fps = nf;
		p->cap = ncap;
	}
	memcpy(p->fps + 32 * p->n++, fp, 32);
	return 1;
}

/* 1 if `word` (lowercase) occurs in s, ignoring ASCII case. */
static int has_word_ci(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (; *s; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Adds the row's fingerprint to the statement named by one audit group. */
static enum pw_status audit_group(struct import *im, size_t g, const uint8_t sha[32],
                                  struct pw_error *err)
{
	char cname[5][64];
	static const char *const suffix[5] = {"URL", "Type", "Statement Date", "Period Start Date",
	                                      "Period End Date"};
	const struct pw_inventory_csv_field *f[5];
	int64_t v[3];
	int present[3];
	char *scheme_txt = NULL, *auditor = NULL, *url = NULL;
	enum pw_status st = PW_OK;

	for (int i = 0; i < 5; i++) {
		snprintf(cname[i], sizeof cname[i], "%s %s", audit_groups[g].prefix, suffix[i]);
		f[i] = field(im, col_index(im, cname[i]));
	}
	if (f[3] == NULL || f[4] == NULL || f[2] == NULL)
		return PW_OK; /* this report has no such group */
	for (int i = 0; i < 3; i++)
		if (!parse_dotted_day(f[2 + i], &v[i], &present[i]))
			return row_err(im, cname[2 + i], err, "%s", "not a date in the form YYYY.MM.DD");
	if (!present[0] && !present[1] && !present[2])
		return PW_OK; /* no statement of this type on the record */
	for (int i = 0; i < 3; i++)
		if (!present[i])
			return row_err(im, cname[2 + i], err, "%s",
			               "empty while other dates of this audit are given");
	if (v[2] < v[1])
		return row_err(im, cname[4], err, "%s", "before the period start date");
	const char *scheme = NULL;
	if (f[1] != NULL && (scheme_txt = field_text(f[1])) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if (scheme_txt != NULL && strstr(scheme_txt, "ETSI") != NULL)
		scheme = "ETSI";
	else if (scheme_txt != NULL && has_word_ci(scheme_txt, "webtrust"))
		scheme = "WebTrust";
	else {
		st = row_err(im, cname[1], err, "'%.40s' is neither WebTrust nor ETSI (MRSP 3.1.1)",
		             scheme_txt ? scheme_txt : "");
		goto out;
	}
	const struct pw_inventory_csv_field *fa = field(im, col_index(im, "Auditor"));
	if ((auditor = fa && fa->len ? field_text(fa) : strdup("(not named in the CCADB record)")) == NULL ||
	    (f[0] && f[0]->len && (url = field_text(f[0])) == NULL)) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (auditor[0] == '\0') {
		free(auditor);
		if ((auditor = strdup("(not named in the CCADB record)")) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
	}
	if (url != NULL && url[0] == '\0') {
		free(url);
		url = NULL;
	}
	/* The same statement (URL, type, dates) named by many records. */
	struct pending *p = NULL;
	for (size_t i = 0; i < im->n_pend; i++) {
		struct pending *q = &im->pend[i];
		if (strcmp(q->type, audit_groups[g].type) == 0 && strcmp(q->scheme, scheme) == 0 &&
		    q->start == v[1] && q->end == v[2] && q->date == v[0] && same_text(q->url, url) &&
		    strcmp(q->auditor, auditor) == 0) {
			p = q;
			break;
		}
	}
	if (p == NULL) {
		if (im->n_pend == im->cap_pend) {
			size_t ncap = im->cap_pend ? im->cap_pend * 2 : 16;
			struct pending *np = realloc(im->pend, ncap * sizeof *np);
			if (np == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				goto out;
			}
			im->pend = np;
			im->cap_pend = ncap;
		}
		p = &im->pend[im->n_pend];
		memset(p, 0, sizeof *p);
		if ((p->scheme = strdup(scheme)) == NULL ||
		    (p->type = strdup(audit_groups[g].type)) == NULL) {
			free(p->scheme);
			free(p->type);
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		p->auditor = auditor;
		p->url = url;
		auditor = url = NULL;
		p->start = v[1];
		p->end = v[2];
		p->date = v[0];
		im->n_pend++;
	}
	if (!fp_push(p, sha))
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	im->sum.scope_entries++;
out:
	free(scheme_txt);
	free(auditor);
	free(url);
	return st;
}

static enum pw_status record_row(struct import *im, struct pw_error *err)
{
	struct pw_store_ccadb_record r;
	const struct pw_inventory_csv_field *f;
	char *texts[5] = {0};
	static const char *const text_cols[5] = {"Certificate Name", "CA Owner",
	                                         "Certificate Record Type", "Revocation Status",
	                                         "Derived Trust Bits"};
	int present;
	enum pw_status st = PW_OK;

	memset(&r, 0, sizeof r);
	if (!parse_fp(field(im, col_index(im, COL_SHA)), r.sha256))
		return row_err(im, COL_SHA, err, "%s", "not a SHA-256 fingerprint (64 hex digits)");
	f = field(im, col_index(im, COL_PARENT));
	if (f->len != 0) {
		if (!parse_fp(f, r.parent_sha256))
			return row_err(im, COL_PARENT, err, "%s",
			               "not a SHA-256 fingerprint (64 hex digits)");
		r.has_parent = 1;
	}
	if (!parse_dotted_day(field(im, col_index(im, COL_FROM)), &r.valid_from, &present))
		return row_err(im, COL_FROM, err, "%s", "not a date in the form YYYY.MM.DD");
	if (!parse_dotted_day(field(im, col_index(im, COL_TO)), &r.valid_to, &present))
		return row_err(im, COL_TO, err, "%s", "not a date in the form YYYY.MM.DD");
	for (int i = 0; i < 5; i++) {
		f = field(im, col_index(im, text_cols[i]));
		if (f != NULL && (texts[i] = field_text(f)) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
	}
	r.name = texts[0];
	r.owner = texts[1];
	r.record_type = texts[2];
	r.revocation_status = texts[3];
	r.trust_bits = texts[4];
	f = field(im, col_index(im, "Technically Constrained"));
	r.technically_constrained = f != NULL && f->len == 4 && strncasecmp((const char *)f->p, "true", 4) == 0;
	r.imported_at = im->now;
	if ((st = pw_store_ccadb_record_put(im->s, &r, err)) != PW_OK)
		goto out;
	im->sum.records++;
	for (size_t g = 0; g < N_GROUPS && st == PW_OK; g++)
		st = audit_group(im, g, r.sha256, err);
out:
	for (int i = 0; i < 5; i++)
		free(texts[i]);
	return st;
}

static enum pw_status flush_statements(struct import *im, const char *source, const char *actor,
                                       struct pw_error *err)
{
	char src[PW_STORE_AUDIT_MAX_TEXT];
	snprintf(src, sizeof src, "ccadb:%s", source);
	for (size_t i = 0; i < im->n_pend; i++) {
		struct pending *p = &im->pend[i];
		struct pw_inventory_audit a;
		int64_t id;
		int inserted;
		pw_inventory_audit_init(&a);
		a.auditor = p->auditor;
		a.scheme = p->scheme;
		a.type = p->type;
		a.url = p->url;
		a.period_start = p->start;
		a.period_end = p->end;
		a.statement_date = p->date;
		a.n_fingerprints = pw_inv_sort_unique(p->fps, p->n);
		a.fingerprints = p->fps;
		enum pw_status st = pw_inventory_audit_add(im->s, &a, src, actor, im->now, &id, &inserted, err);
		if (st != PW_OK)
			return st;
		im->sum.statements += (uint64_t)inserted;
	}
	return PW_OK;
}

enum pw_status pw_inventory_import_ccadb(struct pw_store *s, const uint8_t *buf, size_t len,
                                         const char *source, const char *actor, int64_t now,
                                         struct pw_inventory_import_summary *out,
                                         struct pw_error *err)
{
	struct import im;
	struct pw_cert cert;
	enum pw_status st;
	int began = 0, has;
	json_t *payload = NULL;
	char *ptxt = NULL;

	memset(&im, 0, sizeof im);
	pw_cert_init(&cert);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (s == NULL || (buf == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (len > PW_INVENTORY_MAX_FILE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "file over %zu bytes",
		                    PW_INVENTORY_MAX_FILE);
	im.s = s;
	im.now = now ? now : (int64_t)time(NULL);
	pw_inventory_csv_init(&im.csv, buf, len);
	if ((st = read_header(&im, err)) != PW_OK)
		goto out;
	if ((st = pw_store_begin(s, err)) != PW_OK)
		goto out;
	began = 1;
	for (;;) {
		if ((st = pw_inventory_csv_next(&im.csv, &has, err)) != PW_OK)
			goto out;
		if (!has)
			break;
		/* A blank line (one empty field) is not a row. */
		if (im.csv.n_fields == 1 && im.csv.fields[0].len == 0)
			continue;
		/* RFC 4180 §2.4: each line should contain the same number of fields. */
		if (im.csv.n_fields != im.n_header) {
			char msg[96];
			snprintf(msg, sizeof msg, "%zu columns, the header has %zu", im.csv.n_fields,
			         im.n_header);
			st = row_err(&im, NULL, err, "%s", msg);
			goto out;
		}
		im.sum.rows++;
		st = im.sum.kind == PW_INVENTORY_CCADB_PEMS ? pem_row(&im, &cert, err)
		                                            : record_row(&im, err);
		if (st != PW_OK)
			goto out;
	}
	if ((st = flush_statements(&im, source ? source : "-", actor, err)) != PW_OK)
		goto out;
	payload = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "source", source ? source : "-", "report",
	                    im.sum.kind == PW_INVENTORY_CCADB_PEMS ? "AllCertificatePEMsCSVFormat"
	                                                          : "AllCertificateRecordsCSVFormatV5",
	                    "rows", (json_int_t)im.sum.rows, "certificates_added",
	                    (json_int_t)im.sum.certificates, "already_present",
	                    (json_int_t)im.sum.already_present, "records", (json_int_t)im.sum.records,
	                    "statements_added", (json_int_t)im.sum.statements);
	if (payload == NULL || (ptxt = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if ((st = pw_events_append(s, im.now, "inventory.ccadb_import", NULL, actor, ptxt, NULL, NULL,
	                           err)) != PW_OK)
		goto out;
	st = pw_store_commit(s, err);
	began = 0;
out:
	if (began)
		pw_store_rollback(s);
	if (st == PW_OK && out != NULL)
		*out = im.sum;
	json_decref(payload);
	free(ptxt);
	pending_free(&im);
	for (size_t i = 0; i < im.n_header; i++)
		free(im.header[i]);
	free(im.header);
	pw_inventory_csv_cleanup(&im.csv);
	pw_cert_cleanup(&cert);
	return st;
}
