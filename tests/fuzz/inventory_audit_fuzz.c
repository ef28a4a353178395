/* Fuzz target: the `audit add` JSON contract and the ALV-style letter
 * extractor (inventory/audit.c, inventory/extract.c) on the same bytes.
 * A parsed statement must keep every promise of the contract: text fields
 * set and bounded, scheme and type canonical, period_start <= period_end <=
 * statement_date, fingerprints sorted and unique; what to_json prints parses
 * back to the same statement. A failure names its field and leaves nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sorted(const struct pw_inventory_audit *a)
{
	for (size_t i = 1; i < a->n_fingerprints; i++)
		if (memcmp(a->fingerprints + 32 * (i - 1), a->fingerprints + 32 * i, 32) >= 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_inventory_audit a, b;
	struct pw_inventory_extract_notes n = {0};
	struct pw_error err;

	pw_inventory_audit_init(&a);
	pw_inventory_audit_init(&b);
	if (pw_inventory_audit_parse_json(data, size, &a, &err) == PW_OK) {
		if (a.auditor == NULL || a.scheme == NULL || a.type == NULL ||
		    strlen(a.auditor) > PW_INVENTORY_AUDIT_MAX_TEXT ||
		    pw_inventory_audit_type_canonical(a.type) == NULL ||
		    strcmp(pw_inventory_audit_type_canonical(a.type), a.type) != 0 ||
		    (strcmp(a.scheme, "WebTrust") != 0 && strcmp(a.scheme, "ETSI") != 0) ||
		    a.period_start > a.period_end || a.period_end > a.statement_date)
			abort();
		check_sorted(&a);
		char *txt = pw_inventory_audit_to_json(&a, 0);
		if (txt == NULL || pw_inventory_audit_parse_json((const uint8_t *)txt, strlen(txt), &b,
		                                                 &err) != PW_OK ||
		    b.n_fingerprints != a.n_fingerprints ||
		    (a.n_fingerprints && memcmp(a.fingerprints, b.fingerprints, 32 * a.n_fingerprints)) ||
		    b.period_start != a.period_start || b.statement_date != a.statement_date)
			abort();
		free(txt);
	} else if (err.status == PW_OK || a.auditor != NULL || a.fingerprints != NULL) {
		abort();
	}
	pw_inventory_audit_cleanup(&a);
	pw_inventory_audit_cleanup(&b);
	if (pw_inventory_audit_extract(data, size, &a, &n, &err) != PW_OK)
		abort();
	check_sorted(&a);
	if (n.found_period && a.period_start > a.period_end)
		abort();
	pw_inventory_audit_cleanup(&a);
	pw_inventory_extract_notes_cleanup(&n);
	return 0;
}
