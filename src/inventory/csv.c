/* inventory/csv.c: a strict RFC 4180 reader for CCADB's CSV reports.
 *
 * RFC 4180 §2: records end with a line break (CRLF; LF is accepted, as
 * CCADB's archived reports use it); fields are separated by commas; a field
 * holding commas, quotes or line breaks is enclosed in double quotes and a
 * quote inside it is doubled. Anything else (a quote in an unquoted field,
 * text after a closing quote, a quoted field that never ends) is an error
 * naming the line and column, because a half-read report would silently
 * import the wrong fingerprints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/inventory.h"

void pw_inventory_csv_init(struct pw_inventory_csv *c, const uint8_t *buf, size_t len)
{
	memset(c, 0, sizeof *c);
	c->buf = buf;
	c->len = len;
	c->line = 1;
	/* A UTF-8 byte order mark (spreadsheet exports) is not data. */
	if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		c->pos = 3;
}

void pw_inventory_csv_cleanup(struct pw_inventory_csv *c)
{
	if (c == NULL)
		return;
	free(c->fields);
	free(c->scratch);
	c->fields = NULL;
	c->scratch = NULL;
	c->n_fields = c->cap_fields = c->scratch_len = c->scratch_cap = 0;
}

static enum pw_status csv_err(struct pw_inventory_csv *c, size_t line, size_t col, size_t off,
                              struct pw_error *err, const char *msg)
{
	enum pw_status st = pw_error_set(err, PW_ERR_PARSE, 1, off, NULL, "%s", msg);
	if (err != NULL)
		snprintf(err->field, sizeof err->field, "line %zu, column %zu", line, col);
	(void)c;
	return st;
}

/* Appends a field; quoted ones record their scratch offset in p until the
 * record is complete (the scratch may move while it grows). */
static int push_field(struct pw_inventory_csv *c, const uint8_t *p, size_t len)
{
	if (c->n_fields == c->cap_fields) {
		size_t ncap = c->cap_fields ? c->cap_fields * 2 : 32;
		struct pw_inventory_csv_field *nf = realloc(c->fields, ncap * sizeof *nf);
		if (nf == NULL)
			return 0;
		c->fields = nf;
		c->cap_fields = ncap;
	}
	c->fields[c->n_fields].p = p;
	c->fields[c->n_fields].len = len;
	c->n_fields++;
	return 1;
}

static int scratch_put(struct pw_inventory_csv *c, const uint8_t *p, size_t n)
{
	if (n == 0)
		return 1;
	if (c->scratch_len + n > c->scratch_cap) {
		size_t ncap = c->scratch_cap ? c->scratch_cap : 4096;
		while (ncap < c->scratch_len + n)
			ncap *= 2;
		uint8_t *ns = realloc(c->scratch, ncap);
		if (ns == NULL)
			return 0;
		c->scratch = ns;
		c->scratch_cap = ncap;
	}
	memcpy(c->scratch + c->scratch_len, p, n);
	c->scratch_len += n;
	return 1;
}

/* Marker for "this field lives in scratch at offset (size_t)len_off". */
static const uint8_t scratch_tag;

enum pw_status pw_inventory_csv_next(struct pw_inventory_csv *c, int *out_has_record,
                                     struct pw_error *err)
{
	size_t *offs = NULL; /* scratch offsets of quoted fields, parallel to fields */
	size_t cap_offs = 0;
	enum pw_status st = PW_OK;

	*out_has_record = 0;
	c->n_fields = 0;
	c->scratch_len = 0;
	if (c->pos >= c->len)
		return PW_OK;
	if (c->n_records >= PW_INVENTORY_CSV_MAX_RECORDS)
		return pw_error_set(err, PW_ERR_LIMIT, 1, c->pos, NULL, "more than %u records",
		                    PW_INVENTORY_CSV_MAX_RECORDS);
	c->record_line = c->line;
	c->record_offset = c->pos;
	for (;;) {
		size_t col = c->n_fields + 1;
		if (c->n_fields >= PW_INVENTORY_CSV_MAX_COLUMNS) {
			st = pw_error_set(err, PW_ERR_LIMIT, 1, c->pos, NULL,
			                  "line %zu: more than %d columns", c->record_line,
			                  PW_INVENTORY_CSV_MAX_COLUMNS);
			goto out;
		}
		if (c->pos < c->len && c->buf[c->pos] == '"') {
			size_t open_line = c->line, open_off = c->pos, start = c->scratch_len;
			c->pos++;
			for (;;) {
				if (c->pos >= c->len) {
					st = csv_err(c, open_line, col, open_off, err,
					             "quoted field never closed (missing '\"')");
					goto out;
				}
				/* Copy the run up to the next quote in one go. */
				const uint8_t *q = memchr(c->buf + c->pos, '"', c->len - c->pos);
				size_t run = q ? (size_t)(q - (c->buf + c->pos)) : c->len - c->pos;
				for (size_t i = 0; i < run; i++)
					if (c->buf[c->pos + i] == '\n')
						c->line++;
				if (!scratch_put(c, c->buf + c->pos, run)) {
					st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
					goto out;
				}
				c->pos += run;
				if (c->scratch_len - start > PW_INVENTORY_CSV_MAX_FIELD) {
					st = pw_error_set(err, PW_ERR_LIMIT, 1, open_off, NULL,
					                  "line %zu, column %zu: field over %zu bytes", open_line,
					                  col, PW_INVENTORY_CSV_MAX_FIELD);
					goto out;
				}
				if (q == NULL)
					continue; /* reports "never closed" above */
				c->pos++; /* the quote */
				if (c->pos < c->len && c->buf[c->pos] == '"') {
					if (!scratch_put(c, (const uint8_t *)"\"", 1)) {
						st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
						goto out;
					}
					c->pos++;
					continue;
				}
				break;
			}
			if (c->n_fields >= cap_offs) {
				/* Fields before this one may all have been unquoted:
				 * grow to cover its index, not just one doubling. */
				size_t ncap = cap_offs ? cap_offs : 32;
				while (ncap <= c->n_fields)
					ncap *= 2;
				size_t *no = realloc(offs, ncap * sizeof *no);
				if (no == NULL) {
					st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
					goto out;
				}
				for (size_t i = cap_offs; i < ncap; i++)
					no[i] = SIZE_MAX;
				offs = no;
				cap_offs = ncap;
			}
			offs[c->n_fields] = start;
			if (!push_field(c, &scratch_tag, c->scratch_len - start)) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				goto out;
			}
			if (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\n' &&
			    c->buf[c->pos] != '\r') {
				st = csv_err(c, c->line, col, c->pos, err,
				             "text after the closing quote of a quoted field");
				goto out;
			}
		} else {
			size_t start = c->pos;
			while (c->pos < c->len && c->buf[c->pos] != ',' && c->buf[c->pos] != '\n' &&
			       c->buf[c->pos] != '\r') {
				if (c->buf[c->pos] == '"') {
					st = csv_err(c, c->line, col, c->pos, err,
					             "'\"' inside an unquoted field (RFC 4180 §2.5)");
					goto out;
				}
				c->pos++;
			}
			if (c->pos - start > PW_INVENTORY_CSV_MAX_FIELD) {
				st = pw_error_set(err, PW_ERR_LIMIT, 1, start, NULL,
				                  "line %zu, column %zu: field over %zu bytes", c->line, col,
				                  PW_INVENTORY_CSV_MAX_FIELD);
				goto out;
			}
			if (!push_field(c, c->buf + start, c->pos - start)) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				goto out;
			}
		}
		if (c->pos >= c->len)
			break;
		if (c->buf[c->pos] == ',') {
			c->pos++;
			continue;
		}
		if (c->buf[c->pos] == '\r') {
			if (c->pos + 1 >= c->len || c->buf[c->pos + 1] != '\n') {
				st = csv_err(c, c->line, col, c->pos, err,
				             "carriage return not followed by a line feed");
				goto out;
			}
			c->pos++;
		}
		c->pos++; /* '\n' */
		c->line++;
		break;
	}
	/* Quoted fields point into the scratch, now that it stopped moving. */
	for (size_t i = 0; i < c->n_fields && i < cap_offs; i++)
		if (offs[i] != SIZE_MAX && c->fields[i].p == &scratch_tag)
			c->fields[i].p = c->fields[i].len ? c->scratch + offs[i] : (const uint8_t *)"";
	c->n_records++;
	*out_has_record = 1;
out:
	free(offs);
	if (st != PW_OK)
		c->n_fields = 0;
	return st;
}
