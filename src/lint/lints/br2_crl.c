/* pkiward — community lints on CRLs (RFC 5280 §5): duplicates and
 * impossible revocation dates. */
#include <stdlib.h>
#include <string.h>

#include "br2_defs.h"

/* Extension list holds the same OID twice (RFC 5280 §4.2 / §5.2, §5.3:
 * "a CRL MUST NOT include more than one instance of a particular
 * extension"). Lists are short: pairwise comparison. */
static int dup_ext(const struct pw_ext *e, size_t n, size_t *out_i)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (pw_der_equal(&e[i].oid, &e[j].oid)) {
				*out_i = i;
				return 1;
			}
	return 0;
}

static int has_crl_exts(const struct pw_lint_ctx *x) { return x->crl->n_exts > 0; }

static enum pw_lint_status no_dup_exts(const struct pw_lint_ctx *x, char *d, size_t l)
{
	size_t i;
	if (dup_ext(x->crl->exts, x->crl->n_exts, &i)) {
		char oid[PW_DER_OID_TEXT_MAX];
		if (!pw_der_oid_to_text(&x->crl->exts[i].oid, oid, sizeof oid))
			strcpy(oid, "?");
		br2_details(d, l, "crlExtensions repeat %s", oid);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static enum pw_lint_status no_dup_entry_exts(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_crl *c = x->crl;
	for (size_t k = 0; k < c->n_entries; k++) {
		size_t i;
		if (dup_ext(c->entries[k].exts, c->entries[k].n_exts, &i)) {
			br2_details(d, l, "revoked entry %zu repeats an entry extension", k);
			return PW_LINT_ERROR;
		}
	}
	return PW_LINT_PASS;
}

static int has_entries(const struct pw_lint_ctx *x) { return x->crl->n_entries > 0; }

static enum pw_lint_status revocation_too_early(const struct pw_lint_ctx *x, char *d, size_t l)
{
	/* No CRL profile existed before RFC 2459 (January 1999): an earlier
	 * date is a zero value that was never set. */
	int64_t rfc2459 = br2_date(1999, 1, 1);
	const struct pw_crl *c = x->crl;
	for (size_t k = 0; k < c->n_entries; k++)
		if (c->entries[k].revocation_date < rfc2459) {
			br2_details(d, l, "revoked entry %zu has a revocationDate before 1999", k);
			return PW_LINT_ERROR;
		}
	return PW_LINT_PASS;
}

/* Serial numbers as minimal DER INTEGER contents: equal numbers have equal
 * octets, so octet order finds duplicates. */
static int cmp_serial_der(const struct pw_der *x, const struct pw_der *y)
{
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->p, y->p, x->len);
}

static int cmp_serial(const void *a, const void *b)
{
	return cmp_serial_der(*(const struct pw_der *const *)a, *(const struct pw_der *const *)b);
}

/* Below this many entries pairwise comparison beats sorting. */
#define CRL_SMALL_ENTRIES 32

static enum pw_lint_status unique_serials(const struct pw_lint_ctx *x, char *d, size_t l)
{
	const struct pw_crl *c = x->crl;
	const struct pw_der **v;
	int dup = 0;
	if (c->n_entries < CRL_SMALL_ENTRIES) {
		for (size_t i = 1; i < c->n_entries && !dup; i++)
			for (size_t j = 0; j < i && !dup; j++)
				dup = pw_der_equal(&c->entries[i].serial, &c->entries[j].serial);
	} else {
		/* A CRL listed in ascending serial order (pkiward writes them so,
		 * as most CAs do) is checked in one pass: strictly increasing
		 * means no two are equal. Otherwise sort a copy. */
		size_t k = 1;
		while (k < c->n_entries &&
		       cmp_serial_der(&c->entries[k - 1].serial, &c->entries[k].serial) < 0)
			k++;
		if (k == c->n_entries)
			goto out;
		v = malloc(c->n_entries * sizeof *v);
		if (v == NULL) {
			br2_details(d, l, "out of memory");
			return PW_LINT_FATAL;
		}
		for (size_t i = 0; i < c->n_entries; i++)
			v[i] = &c->entries[i].serial;
		qsort(v, c->n_entries, sizeof *v, cmp_serial);
		for (size_t i = 1; i < c->n_entries && !dup; i++)
			dup = cmp_serial(&v[i - 1], &v[i]) == 0;
		free(v);
	}
out:
	if (dup) {
		br2_details(d, l, "a serial number is listed more than once");
		return PW_LINT_WARN;
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	BR2_CRL("e_crl_no_duplicate_extensions", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §5.2",
	        "A CRL must not include two instances of the same extension.",
	        NULL, NULL, has_crl_exts, no_dup_exts),
	BR2_CRL("e_crl_revoked_certificate_crl_entry_has_no_duplicate_extensions", BR2_E,
	        PW_SRC_COMMUNITY, "RFC 5280 §5.3",
	        "A revoked-certificate entry must not include two instances of the same entry extension.",
	        NULL, NULL, NULL, no_dup_entry_exts),
	BR2_CRL("e_crl_revocation_date_too_early", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §5.1.2.6",
	        "A revocation date before 1999 (RFC 2459) is an unset value, not a real date.",
	        NULL, NULL, has_entries, revocation_too_early),
	/* Severity follows the e_ name; the finding itself is reported as a
	 * warning, as zlint does. */
	BR2_CRL("e_crl_unique_revoked_certificate", BR2_E, PW_SRC_COMMUNITY, "RFC 5280 §5.1.2.6",
	        "Each certificate serial number should be listed once in a CRL.",
	        NULL, NULL, NULL, unique_serials),
};

const struct pw_lint_family pw_lint_family_br2_crl = { "br2_crl", defs, sizeof defs / sizeof defs[0] };
