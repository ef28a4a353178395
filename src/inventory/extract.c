/* inventory/extract.c: reading an audit letter's text the way CCADB's Audit
 * Letter Validation (ALV) does, per CCADB Policy 5.2.3 and
 * shared/reference/ccadb-audit-letter-validation.md:
 *   fingerprints — "no colons, no spaces, and no line feeds", "uppercase";
 *   dates — "Month DD, YYYY", "DD Month YYYY", "YYYY-MM-DD", English month
 *     names, "no extra text within the date, such as 7th or the";
 *   periods — "<date><space><splitter><space><date>" with splitter one of
 *     to, through, until, and, -, ~ ("it helps ALV for the audit period to be
 *     stated towards the top": the first one is taken).
 * What ALV would not find is noted with ALV's own finding names, so an
 * auditor's draft can be fixed before it is published. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pkiward/buf.h"

/* Notes kept per letter (more are counted, not listed). */
#define EXTRACT_MAX_NOTES 200
/* How far after a label ("Report date:") its date may start. */
#define EXTRACT_LABEL_REACH 80

static const char *const months[12] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

struct scan {
	const uint8_t *p;
	size_t n;
	struct pw_buf notes;
	size_t n_notes;
};

static size_t line_of(const struct scan *s, size_t pos);

/* pos: where in the text (SIZE_MAX: not about a place). The line number is
 * counted only for the notes that are listed. */
static void note(struct scan *s, size_t pos, const char *fmt, const char *arg)
{
	if (s->n_notes++ >= EXTRACT_MAX_NOTES)
		return;
	if (pos != SIZE_MAX)
		pw_buf_printf(&s->notes, "line %zu: ", line_of(s, pos));
	pw_buf_printf(&s->notes, fmt, arg);
	pw_buf_puts(&s->notes, "\n");
}

static int is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static size_t line_of(const struct scan *s, size_t pos)
{
	size_t line = 1;
	for (size_t i = 0; i < pos && i < s->n; i++)
		line += s->p[i] == '\n';
	return line;
}

/* Reads 1..max digits at *i. */
static int digits(const struct scan *s, size_t *i, int min, int max, int64_t *out)
{
	int k = 0;
	int64_t v = 0;
	while (*i < s->n && k < max && s->p[*i] >= '0' && s->p[*i] <= '9') {
		v = v * 10 + (s->p[*i] - '0');
		(*i)++;
		k++;
	}
	if (k < min || (*i < s->n && s->p[*i] >= '0' && s->p[*i] <= '9'))
		return 0;
	*out = v;
	return 1;
}

static int month_at(const struct scan *s, size_t *i, unsigned *out)
{
	for (unsigned m = 0; m < 12; m++) {
		size_t L = strlen(months[m]);
		if (*i + L <= s->n && strncasecmp((const char *)s->p + *i, months[m], L) == 0 &&
		    (*i + L == s->n || !is_alnum(s->p[*i + L]))) {
			*i += L;
			*out = m + 1;
			return 1;
		}
	}
	return 0;
}

static int spaces(const struct scan *s, size_t *i)
{
	size_t k = *i;
	while (*i < s->n && (s->p[*i] == ' ' || s->p[*i] == '\t' || s->p[*i] == '\n' ||
	                     s->p[*i] == '\r'))
		(*i)++;
	return *i > k;
}

/* A date at pos (which must start a word); *end gets the position after it. */
static int date_at(const struct scan *s, size_t pos, int64_t *out, size_t *end)
{
	size_t i = pos;
	int64_t y, d;
	unsigned m;
	if (pos > 0 && is_alnum(s->p[pos - 1]))
		return 0;
	/* YYYY-MM-DD */
	if (digits(s, &i, 4, 4, &y) && i < s->n && s->p[i] == '-') {
		int64_t mm;
		i++;
		if (digits(s, &i, 2, 2, &mm) && i < s->n && s->p[i] == '-') {
			i++;
			if (digits(s, &i, 2, 2, &d) && (i == s->n || !is_alnum(s->p[i])) &&
			    pw_inv_valid_day(y, (unsigned)mm, (unsigned)d)) {
				*out = pw_inv_days_from_civil(y, (unsigned)mm, (unsigned)d) * PW_INVENTORY_DAY;
				*end = i;
				return 1;
			}
		}
	}
	/* Month DD, YYYY */
	i = pos;
	if (month_at(s, &i, &m) && spaces(s, &i) && digits(s, &i, 1, 2, &d) && i < s->n &&
	    s->p[i] == ',') {
		i++;
		if (spaces(s, &i) && digits(s, &i, 4, 4, &y) && (i == s->n || !is_alnum(s->p[i])) &&
		    pw_inv_valid_day(y, m, (unsigned)d)) {
			*out = pw_inv_days_from_civil(y, m, (unsigned)d) * PW_INVENTORY_DAY;
			*end = i;
			return 1;
		}
	}
	/* DD Month YYYY */
	i = pos;
	if (digits(s, &i, 1, 2, &d) && spaces(s, &i) && month_at(s, &i, &m) && spaces(s, &i) &&
	    digits(s, &i, 4, 4, &y) && (i == s->n || !is_alnum(s->p[i])) &&
	    pw_inv_valid_day(y, m, (unsigned)d)) {
		*out = pw_inv_days_from_civil(y, m, (unsigned)d) * PW_INVENTORY_DAY;
		*end = i;
		return 1;
	}
	return 0;
}

/* A period splitter after a date (CCADB Policy 5.2.3). */
static int splitter_at(const struct scan *s, size_t *i)
{
	static const char *const words[] = {"to", "through", "until", "and"};
	if (*i < s->n && (s->p[*i] == '-' || s->p[*i] == '~')) {
		(*i)++;
		return 1;
	}
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		size_t L = strlen(words[k]);
		if (*i + L < s->n && strncasecmp((const char *)s->p + *i, words[k], L) == 0 &&
		    !is_alnum(s->p[*i + L])) {
			*i += L;
			return 1;
		}
	}
	return 0;
}

static size_t find_ci(const struct scan *s, size_t from, const char *needle)
{
	size_t L = strlen(needle);
	for (size_t i = from; i + L <= s->n; i++)
		if (strncasecmp((const char *)s->p + i, needle, L) == 0)
			return i;
	return SIZE_MAX;
}

static int push_fp(struct pw_inventory_audit *a, size_t *cap, const uint8_t fp[32])
{
	if (a->n_fingerprints == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		uint8_t *nf = realloc(a->fingerprints, ncap * 32);
		if (nf == NULL)
			return 0;
		a->fingerprints = nf;
		*cap = ncap;
	}
	memcpy(a->fingerprints + 32 * a->n_fingerprints++, fp, 32);
	return 1;
}

/* Fingerprints, and the forms ALV does not read. */
static int scan_fps(struct scan *s, struct pw_inventory_audit *a)
{
	size_t cap = 0;
	for (size_t i = 0; i < s->n;) {
		if (!is_hex(s->p[i]) || (i > 0 && is_alnum(s->p[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		int lower = 0;
		while (j < s->n && is_hex(s->p[j])) {
			lower |= s->p[j] >= 'a' && s->p[j] <= 'f';
			j++;
		}
		size_t run = j - i;
		int bounded = j == s->n || !is_alnum(s->p[j]);
		if (run == 64 && bounded) {
			if (lower) {
				note(s, i,
				     "fingerprint in lowercase not read (ALV: 'Thumbprint not found'; "
				     "CCADB Policy 5.2.3 requires uppercase)%s",
				     "");
			} else {
				char hex[65];
				uint8_t fp[32];
				memcpy(hex, s->p + i, 64);
				hex[64] = '\0';
				if (!pw_hex_decode(hex, fp, 32) || !push_fp(a, &cap, fp))
					return 0;
			}
		} else if (run == 2 && j < s->n && (s->p[j] == ':' || s->p[j] == ' ')) {
			/* 32 pairs separated by colons or spaces. */
			size_t k = i, pairs = 0;
			while (k + 2 <= s->n && is_hex(s->p[k]) && is_hex(s->p[k + 1])) {
				pairs++;
				k += 2;
				if (pairs == 32 || k >= s->n || (s->p[k] != ':' && s->p[k] != ' ') ||
				    s->p[k] != s->p[i + 2])
					break;
				k++;
			}
			if (pairs == 32 && (k == s->n || !is_alnum(s->p[k]))) {
				note(s, i,
				     "fingerprint with %s between bytes not read (CCADB Policy 5.2.3: no "
				     "colons, no spaces)",
				     s->p[i + 2] == ':' ? "colons" : "spaces");
				j = k;
			}
		} else if (run >= 8 && run < 64 && bounded && j < s->n &&
		           (s->p[j] == '\n' || s->p[j] == '\r')) {
			/* A fingerprint broken across lines. */
			size_t k = j;
			while (k < s->n && (s->p[k] == '\n' || s->p[k] == '\r'))
				k++;
			size_t m = k;
			while (m < s->n && is_hex(s->p[m]))
				m++;
			if (run + (m - k) == 64 && (m == s->n || !is_alnum(s->p[m]))) {
				note(s, i,
				     "fingerprint split across lines not read (CCADB Policy 5.2.3: no line "
				     "feeds)%s",
				     "");
				j = m;
			}
		}
		i = j;
	}
	return 1;
}

/* The first period, then the statement date. */
static void scan_dates(struct scan *s, struct pw_inventory_audit *a,
                       struct pw_inventory_extract_notes *notes)
{
	static const char *const labels[] = {"report date",  "issuing date", "date of issue",
	                                     "statement date", "date of report", "issued on",
	                                     "dated"};
	size_t period_pos = SIZE_MAX, period_end_pos = 0;
	for (size_t i = 0; i < s->n && period_pos == SIZE_MAX; i++) {
		int64_t d1, d2;
		size_t e1, k, e2;
		if (!date_at(s, i, &d1, &e1))
			continue;
		k = e1;
		if (spaces(s, &k) && splitter_at(s, &k) && spaces(s, &k) && date_at(s, k, &d2, &e2)) {
			if (d2 < d1) {
				note(s, i, "a period ends before it starts; not taken%s", "");
				continue;
			}
			a->period_start = d1;
			a->period_end = d2;
			period_pos = i;
			period_end_pos = e2;
			notes->found_period = 1;
		}
	}
	if (!notes->found_period)
		note(s, SIZE_MAX, "Audit Period Not Found: no '<date> <to|through|until|and|-|~> <date>'%s", "");
	/* Statement date: after a label... */
	for (size_t l = 0; l < sizeof labels / sizeof labels[0] && !notes->found_statement_date; l++) {
		for (size_t at = find_ci(s, 0, labels[l]); at != SIZE_MAX && !notes->found_statement_date;
		     at = find_ci(s, at + 1, labels[l])) {
			size_t stop = at + strlen(labels[l]) + EXTRACT_LABEL_REACH;
			for (size_t i = at + strlen(labels[l]); i < s->n && i < stop; i++) {
				int64_t d;
				size_t e;
				if (i >= period_pos && i < period_end_pos)
					continue;
				if (date_at(s, i, &d, &e)) {
					a->statement_date = d;
					notes->found_statement_date = 1;
					break;
				}
			}
		}
	}
	/* ...else the latest date after the period that is not part of it. */
	if (!notes->found_statement_date && notes->found_period) {
		for (size_t i = 0; i < s->n; i++) {
			int64_t d;
			size_t e;
			if (i >= period_pos && i < period_end_pos)
				continue;
			if (date_at(s, i, &d, &e) && d >= a->period_end && d > a->statement_date) {
				a->statement_date = d;
				notes->found_statement_date = 1;
			}
		}
	}
	if (!notes->found_statement_date)
		note(s, SIZE_MAX, "Statement Date Not Found: no dated report date after the period%s", "");
}

static int set_text(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst != NULL;
}

/* Scheme and type from the criteria the letter names. */
static int scan_criteria(struct scan *s, struct pw_inventory_audit *a,
                         struct pw_inventory_extract_notes *notes)
{
	static const struct {
		const char *phrase;
		const char *type;
	} webtrust[] = {
		{"Network Security", "NetSec"},    {"Extended Validation", "EV"}, {"EV SSL", "EV"},
		{"S/MIME", "SMIME"},               {"Code Signing", "CS"},        {"SSL Baseline", "BR"},
		{"TLS Baseline", "BR"},            {"Baseline Requirements", "BR"},
		{"Certification Authorities", "CA"},
	}, etsi[] = {
		{"EVCP", "EV"}, {"QCP-w", "BR"}, {"OVCP", "BR"}, {"DVCP", "BR"}, {"IVCP", "BR"},
		{"119 411-6", "SMIME"},
	};
	size_t w = find_ci(s, 0, "WebTrust"), e = find_ci(s, 0, "ETSI EN 319 41");
	if (w == SIZE_MAX && e == SIZE_MAX) {
		note(s, SIZE_MAX, "no audit criteria found (neither 'WebTrust' nor 'ETSI EN 319 411')%s", "");
		return 1;
	}
	int is_etsi = w == SIZE_MAX || (e != SIZE_MAX && e < w);
	if (!set_text(&a->scheme, is_etsi ? "ETSI" : "WebTrust"))
		return 0;
	notes->found_scheme = 1;
	/* The criteria named first (the report's title) decide the type. */
	size_t best = SIZE_MAX;
	const char *type = is_etsi ? "CA" : NULL;
	if (is_etsi) {
		for (size_t i = 0; i < sizeof etsi / sizeof etsi[0]; i++)
			if (find_ci(s, 0, etsi[i].phrase) != SIZE_MAX) {
				type = etsi[i].type;
				break;
			}
	} else {
		/* "Principles and Criteria for Certification Authorities" opens
		 * every WebTrust title; the specific criteria after it decide, and
		 * only without any of them is it the WebTrust for CAs audit. The
		 * last entry of the table is that fallback. */
		size_t n_specific = sizeof webtrust / sizeof webtrust[0] - 1;
		for (size_t i = 0; i < n_specific; i++) {
			size_t at = find_ci(s, 0, webtrust[i].phrase);
			if (at < best) {
				best = at;
				type = webtrust[i].type;
			}
		}
		if (type == NULL && find_ci(s, 0, webtrust[n_specific].phrase) != SIZE_MAX)
			type = webtrust[n_specific].type;
	}
	if (type == NULL) {
		note(s, SIZE_MAX, "no WebTrust criteria named; audit type not found%s", "");
		return 1;
	}
	notes->found_type = 1;
	return set_text(&a->type, type);
}

static int scan_auditor(struct scan *s, struct pw_inventory_audit *a,
                        struct pw_inventory_extract_notes *notes)
{
	static const char *const labels[] = {"Auditor:", "Conformity Assessment Body:",
	                                     "Audit firm:", "Auditor name:"};
	for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
		size_t at = find_ci(s, 0, labels[l]);
		if (at == SIZE_MAX)
			continue;
		size_t i = at + strlen(labels[l]), e;
		while (i < s->n && (s->p[i] == ' ' || s->p[i] == '\t'))
			i++;
		e = i;
		while (e < s->n && s->p[e] != '\n' && s->p[e] != '\r')
			e++;
		while (e > i && (s->p[e - 1] == ' ' || s->p[e - 1] == '\t'))
			e--;
		if (e == i)
			continue;
		size_t len = e - i < PW_INVENTORY_AUDIT_MAX_TEXT ? e - i : PW_INVENTORY_AUDIT_MAX_TEXT;
		for (size_t k = 0; k < len; k++)
			if (s->p[i + k] < 0x20)
				return 1;
		free(a->auditor);
		if ((a->auditor = pw_inv_strndup(s->p + i, len)) == NULL)
			return 0;
		notes->found_auditor = 1;
		return 1;
	}
	note(s, SIZE_MAX, "Auditor Not Found: no 'Auditor:' line (pass --auditor)%s", "");
	return 1;
}

void pw_inventory_extract_notes_cleanup(struct pw_inventory_extract_notes *n)
{
	if (n == NULL)
		return;
	free(n->text);
	memset(n, 0, sizeof *n);
}

enum pw_status pw_inventory_audit_extract(const uint8_t *text, size_t len,
                                          struct pw_inventory_audit *out,
                                          struct pw_inventory_extract_notes *notes,
                                          struct pw_error *err)
{
	struct scan s;
	enum pw_status st = PW_OK;
	if (out == NULL || notes == NULL || (text == NULL && len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	pw_inventory_audit_cleanup(out);
	pw_inventory_extract_notes_cleanup(notes);
	if (len > PW_INVENTORY_MAX_FILE)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "letter over %zu bytes",
		                    PW_INVENTORY_MAX_FILE);
	memset(&s, 0, sizeof s);
	s.p = text;
	s.n = len;
	pw_buf_init(&s.notes);
	if (!scan_fps(&s, out) || !scan_criteria(&s, out, notes) || !scan_auditor(&s, out, notes)) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	out->n_fingerprints = pw_inv_sort_unique(out->fingerprints, out->n_fingerprints);
	if (out->n_fingerprints == 0)
		note(&s, SIZE_MAX, "Thumbprint not found: no SHA-256 fingerprint in ALV form%s", "");
	scan_dates(&s, out, notes);
	if (s.n_notes > EXTRACT_MAX_NOTES)
		pw_buf_printf(&s.notes, "(%zu more notes)\n", s.n_notes - EXTRACT_MAX_NOTES);
	notes->n = s.n_notes;
	if (s.notes.len) {
		size_t n;
		if ((notes->text = (char *)pw_buf_finish(&s.notes, &n)) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
	}
out:
	pw_buf_cleanup(&s.notes);
	if (st != PW_OK) {
		pw_inventory_audit_cleanup(out);
		pw_inventory_extract_notes_cleanup(notes);
	}
	return st;
}
