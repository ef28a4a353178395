/* Fuzz target: the RFC 4180 reader of CCADB reports (inventory/csv.c).
 * Besides not crashing, every record must keep the reader's promises: fields
 * lie inside the input or the reader's scratch, at most
 * PW_INVENTORY_CSV_MAX_COLUMNS of them, each at most
 * PW_INVENTORY_CSV_MAX_FIELD bytes; lines only move forward; an unquoted
 * field never holds a quote, comma or line break; a failure names the line
 * and column and sets a byte offset inside the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	return n == 0 || (p >= base && p + n <= base + len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_inventory_csv c;
	struct pw_error err;
	int has = 1;
	size_t last_line = 0;
	enum pw_status st = PW_OK;

	pw_error_clear(&err);
	pw_inventory_csv_init(&c, data, size);
	while (has) {
		st = pw_inventory_csv_next(&c, &has, &err);
		if (st != PW_OK)
			break;
		if (!has)
			break;
		if (c.record_line < last_line || c.n_fields == 0 ||
		    c.n_fields > PW_INVENTORY_CSV_MAX_COLUMNS || c.pos > size)
			abort();
		last_line = c.record_line;
		for (size_t i = 0; i < c.n_fields; i++) {
			const struct pw_inventory_csv_field *f = &c.fields[i];
			if (f->len > PW_INVENTORY_CSV_MAX_FIELD)
				abort();
			if (inside(f->p, f->len, data, size)) {
				/* Unquoted: no separators inside. */
				for (size_t k = 0; k < f->len; k++)
					if (f->p[k] == ',' || f->p[k] == '\n' || f->p[k] == '"')
						abort();
			} else if (!inside(f->p, f->len, c.scratch, c.scratch_len)) {
				abort();
			}
		}
	}
	if (st != PW_OK &&
	    (err.status == PW_OK || (st == PW_ERR_PARSE && (strncmp(err.field, "line ", 5) != 0 ||
	                                                    !err.has_offset || err.offset > size))))
		abort();
	pw_inventory_csv_cleanup(&c);
	return 0;
}
