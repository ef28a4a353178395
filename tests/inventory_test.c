/* Unit tests of inventory/: the RFC 4180 reader, days, the audit statement
 * contract, the ALV-style extractor, the coverage rules on synthetic
 * inventories, and CCADB imports into a real store (all or nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkiward/buf.h"
#include "pkiward/inventory.h"
#include "pkiward/store.h"
#include "pkiward/store_inventory.h"
#include "test_store.h"

#define DAY PW_INVENTORY_DAY

static int64_t day(const char *s)
{
	int64_t t = 0;
	assert_true(pw_inventory_parse_day(s, strlen(s), &t));
	return t;
}

static int field_is(const struct pw_inventory_csv *c, size_t i, const char *want)
{
	return i < c->n_fields && c->fields[i].len == strlen(want) &&
	       memcmp(c->fields[i].p, want, c->fields[i].len) == 0;
}

/* ---- CSV ------------------------------------------------------------------ */

static void test_csv_records(void **state)
{
	(void)state;
	static const char in[] = "\xEF\xBB\xBF"
	                         "a,b,c\r\n"
	                         "1,\"two, with comma\",\"three \"\"quoted\"\"\nand a newline\"\n"
	                         ",,\n"
	                         "\n"
	                         "last,\"\",x";
	struct pw_inventory_csv c;
	struct pw_error err;
	int has;
	pw_inventory_csv_init(&c, (const uint8_t *)in, sizeof in - 1);
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_true(has);
	assert_int_equal(c.n_fields, 3);
	assert_true(field_is(&c, 0, "a") && field_is(&c, 2, "c"));
	assert_int_equal(c.record_line, 1);
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_int_equal(c.record_line, 2);
	assert_int_equal(c.n_fields, 3);
	assert_true(field_is(&c, 1, "two, with comma"));
	assert_true(field_is(&c, 2, "three \"quoted\"\nand a newline"));
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_int_equal(c.record_line, 4); /* the quoted newline counted */
	assert_int_equal(c.n_fields, 3);
	assert_int_equal(c.fields[0].len + c.fields[1].len + c.fields[2].len, 0);
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_int_equal(c.n_fields, 1); /* blank line: one empty field */
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_true(has);
	assert_true(field_is(&c, 0, "last") && field_is(&c, 1, "") && field_is(&c, 2, "x"));
	assert_int_equal(c.record_line, 6);
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_false(has);
	pw_inventory_csv_cleanup(&c);
}

/* Found by fuzzing: many unquoted fields before a quoted one (the offsets of
 * quoted fields must grow to cover the field's index). */
static void test_csv_wide(void **state)
{
	(void)state;
	char in[512] = "";
	for (int i = 0; i < 100; i++)
		strcat(in, ",");
	strcat(in, "\"q\"\"\",\"\"\n");
	struct pw_inventory_csv c;
	struct pw_error err;
	int has;
	pw_inventory_csv_init(&c, (const uint8_t *)in, strlen(in));
	assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	assert_int_equal(c.n_fields, 102);
	assert_true(field_is(&c, 100, "q\"") && field_is(&c, 101, "") && field_is(&c, 0, ""));
	pw_inventory_csv_cleanup(&c);
}

static void expect_csv_error(const char *in, const char *field, const char *msg_part)
{
	struct pw_inventory_csv c;
	struct pw_error err;
	enum pw_status st = PW_OK;
	int has = 1;
	pw_error_clear(&err);
	pw_inventory_csv_init(&c, (const uint8_t *)in, strlen(in));
	while (st == PW_OK && has)
		st = pw_inventory_csv_next(&c, &has, &err);
	assert_int_equal(st, PW_ERR_PARSE);
	assert_string_equal(err.field, field);
	assert_non_null(strstr(err.msg, msg_part));
	assert_true(err.has_offset);
	pw_inventory_csv_cleanup(&c);
}

static void test_csv_errors(void **state)
{
	(void)state;
	expect_csv_error("a,b\n1,\"open\n\nstill open", "line 2, column 2", "never closed");
	expect_csv_error("a,b\nx,y\n1,\"q\"z\n", "line 3, column 2", "after the closing quote");
	expect_csv_error("a,b\nab\"c,d\n", "line 2, column 1", "inside an unquoted field");
	expect_csv_error("a,b\r\nx\ry\n", "line 2, column 1", "carriage return");
}

/* ---- days ----------------------------------------------------------------- */

static void test_days(void **state)
{
	(void)state;
	char buf[16];
	int64_t t;
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("2024-02-29"), 19782 * DAY);
	assert_string_equal(pw_inventory_day_text(day("2024-02-29"), buf, sizeof buf), "2024-02-29");
	assert_string_equal(pw_inventory_day_text(day("2000-12-31") + 3600, buf, sizeof buf),
	                    "2000-12-31");
	assert_false(pw_inventory_parse_day("2023-02-29", 10, &t));
	assert_false(pw_inventory_parse_day("2024-13-01", 10, &t));
	assert_false(pw_inventory_parse_day("2024-1-01", 9, &t));
	assert_false(pw_inventory_parse_day("2024/01/01", 10, &t));
	assert_false(pw_inventory_parse_day("2024-01-01T", 11, &t));
}

/* ---- the audit add contract ---------------------------------------------- */

#define FP_A "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90"
#define FP_B "0000000000000000000000000000000000000000000000000000000000000001"

static enum pw_status parse(const char *json, struct pw_inventory_audit *a, struct pw_error *err)
{
	pw_error_clear(err);
	return pw_inventory_audit_parse_json((const uint8_t *)json, strlen(json), a, err);
}

static void test_audit_json(void **state)
{
	(void)state;
	struct pw_inventory_audit a;
	struct pw_error err;
	pw_inventory_audit_init(&a);
	assert_int_equal(parse("{\"auditor\":\"X LLP\",\"scheme\":\"webtrust\",\"type\":\"TLS BR\","
	                       "\"period_start\":\"2024-01-01\",\"period_end\":\"2024-12-31\","
	                       "\"statement_date\":\"2025-03-01\",\"fingerprints\":[\"" FP_A "\",\""
	                       FP_B "\",\"" FP_A "\"]}",
	                       &a, &err),
	                 PW_OK);
	assert_string_equal(a.scheme, "WebTrust");
	assert_string_equal(a.type, "BR");
	assert_int_equal(a.n_fingerprints, 2); /* duplicates removed, sorted */
	assert_int_equal(a.fingerprints[31], 1);
	assert_int_equal(a.period_end, day("2024-12-31"));
	char *txt = pw_inventory_audit_to_json(&a, 0);
	assert_non_null(txt);
	assert_non_null(strstr(txt, FP_A)); /* uppercase out (CCADB Policy 5.2.3) */
	/* What to_json prints parses back to the same statement. */
	struct pw_inventory_audit b;
	pw_inventory_audit_init(&b);
	assert_int_equal(parse(txt, &b, &err), PW_OK);
	assert_int_equal(b.n_fingerprints, 2);
	assert_memory_equal(a.fingerprints, b.fingerprints, 64);
	free(txt);
	pw_inventory_audit_cleanup(&b);

	static const struct {
		const char *json, *field, *msg;
	} bad[] = {
		{"{\"auditor\":\"X\",\"scheme\":\"WebTrust\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[\"" FP_A
		 "\",\"A1:B2\"]}",
		 "fingerprints[1]", "not a SHA-256"},
		{"{\"auditor\":\"X\",\"scheme\":\"WebTrust\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[7]}",
		 "fingerprints[0]", "not a SHA-256"},
		{"{\"auditor\":\"X\",\"scheme\":\"WebTrust\",\"type\":\"BR\",\"period_start\":\"01/01/2024\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[]}",
		 "period_start", "YYYY-MM-DD"},
		{"{\"auditor\":\"X\",\"scheme\":\"WebTrust\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2024-12-30\",\"fingerprints\":[]}",
		 "statement_date", "before period_end"},
		{"{\"auditor\":\"X\",\"scheme\":\"WebTrust\",\"type\":\"BR\",\"period_start\":\"2025-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[]}",
		 "period_end", "before period_start"},
		{"{\"auditor\":\"X\",\"scheme\":\"AICPA\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[]}",
		 "scheme", "MRSP 3.1.1"},
		{"{\"auditor\":\"X\",\"scheme\":\"ETSI\",\"type\":\"Gold\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[]}",
		 "type", "not an audit type"},
		{"{\"scheme\":\"ETSI\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\",\"fingerprints\":[]}",
		 "auditor", "missing"},
		{"{\"auditor\":\"X\",\"scheme\":\"ETSI\",\"type\":\"BR\",\"period_start\":\"2024-01-01\","
		 "\"period_end\":\"2024-12-31\",\"statement_date\":\"2025-03-01\"}",
		 "fingerprints", "missing"},
		{"{\"auditor\":\"X\",\"auditor\":\"Y\"}", "", "line 1"},
		{"[1]", "", "JSON object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_not_equal(parse(bad[i].json, &a, &err), PW_OK);
		assert_string_equal(err.field, bad[i].field);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
		assert_null(a.auditor); /* nothing half-parsed is left */
	}
	pw_inventory_audit_cleanup(&a);
}

/* ---- the extractor -------------------------------------------------------- */

static void extract(const char *text, struct pw_inventory_audit *a,
                    struct pw_inventory_extract_notes *n)
{
	struct pw_error err;
	assert_int_equal(pw_inventory_audit_extract((const uint8_t *)text, strlen(text), a, n, &err),
	                 PW_OK);
}

static void test_extract(void **state)
{
	(void)state;
	struct pw_inventory_audit a;
	struct pw_inventory_extract_notes n = {0};
	pw_inventory_audit_init(&a);
	/* "DD Month YYYY" with "through", ETSI EVCP, statement date label. */
	extract("Audit Attestation for ETSI EN 319 411-1, policies EVCP and OVCP\n"
	        "Conformity Assessment Body: TUV Example GmbH\n"
	        "Audit period: 7 May 2023 through 6 May 2024\n"
	        "Date of issue: 2024-07-01\n" FP_A "\n",
	        &a, &n);
	assert_true(n.found_period && n.found_statement_date && n.found_scheme && n.found_type &&
	            n.found_auditor);
	assert_int_equal(a.period_start, day("2023-05-07"));
	assert_int_equal(a.period_end, day("2024-05-06"));
	assert_int_equal(a.statement_date, day("2024-07-01"));
	assert_string_equal(a.scheme, "ETSI");
	assert_string_equal(a.type, "EV");
	assert_string_equal(a.auditor, "TUV Example GmbH");
	assert_int_equal(a.n_fingerprints, 1);
	pw_inventory_extract_notes_cleanup(&n);

	/* Splitters "-" and "~"; ordinals are not ALV dates; no label: the
	 * latest date after the period. */
	extract("WebTrust for CAs - Network Security\nfrom 2023-04-01 - 2024-03-31.\n"
	        "Signed June 30, 2024. Also 7th May 2024 is no date.\n",
	        &a, &n);
	assert_int_equal(a.period_start, day("2023-04-01"));
	assert_int_equal(a.statement_date, day("2024-06-30"));
	assert_string_equal(a.type, "NetSec");
	assert_false(n.found_auditor);
	assert_non_null(strstr(n.text, "Auditor Not Found"));
	assert_non_null(strstr(n.text, "Thumbprint not found"));
	pw_inventory_extract_notes_cleanup(&n);
	extract("period: January 1, 2024 ~ December 31, 2024; dated 2025-02-01", &a, &n);
	assert_int_equal(a.period_end, day("2024-12-31"));
	assert_int_equal(a.statement_date, day("2025-02-01"));
	pw_inventory_extract_notes_cleanup(&n);

	/* Forms ALV does not read are noted with their line, not taken. */
	char text[1024];
	char lower[65];
	snprintf(lower, sizeof lower, "%s", FP_A);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	char colons[100] = "";
	for (int i = 0; i < 32; i++)
		snprintf(colons + 3 * i, sizeof colons - 3 * (size_t)i, "%.2s%s", FP_B + 2 * i,
		         i < 31 ? ":" : "");
	snprintf(text, sizeof text, "x\n%s\n%s\nApril 31, 2024 to May 1, 2024\n", lower, colons);
	extract(text, &a, &n);
	assert_int_equal(a.n_fingerprints, 0);
	assert_false(n.found_period); /* April 31st is no date */
	assert_non_null(strstr(n.text, "line 2: fingerprint in lowercase"));
	assert_non_null(strstr(n.text, "line 3: fingerprint with colons"));
	assert_non_null(strstr(n.text, "Audit Period Not Found"));
	pw_inventory_extract_notes_cleanup(&n);
	pw_inventory_audit_cleanup(&a);
}

/* ---- coverage rules on a synthetic inventory ------------------------------ */

struct synth {
	struct pw_inventory inv;
	struct pw_inventory_cert certs[4];
	struct pw_inventory_identity ids[4];
	size_t members[4];
};

/* Root R (identity 0) issues A (identity 1, used: 10 leaves) and B
 * (identity 2, unused); all capable of TLS. */
static void synth_init(struct synth *s)
{
	memset(s, 0, sizeof *s);
	const char *names[3] = {"R", "A", "B"};
	for (size_t i = 0; i < 3; i++) {
		struct pw_inventory_cert *c = &s->certs[i];
		memset(c->sha256, (int)(0x10 * (i + 1)), 32);
		c->identity = i;
		c->issuer_identity = i == 0 ? 0 : 0;
		c->role = i == 0 ? PW_INVENTORY_ROOT : PW_INVENTORY_SUBORDINATE;
		c->subject = c->issuer = c->serial_hex = (char *)names[i];
		c->not_before = day("2022-03-01");
		c->not_after = day("2030-03-01");
		c->own_caps = c->caps = PW_INVENTORY_CAP_SERVER | PW_INVENTORY_CAP_CLIENT;
		s->members[i] = i;
		s->ids[i].ca_id = (int64_t)i + 1;
		s->ids[i].certs = &s->members[i];
		s->ids[i].n_certs = 1;
		s->ids[i].subject = (char *)names[i];
	}
	s->ids[0].ca_certs = 2;
	s->ids[1].leaves = 10;
	s->inv.certs = s->certs;
	s->inv.n_certs = 3;
	s->inv.identities = s->ids;
	s->inv.n_identities = 3;
}

static size_t count(const struct pw_inventory_check *c, enum pw_inventory_finding_kind k,
                    uint8_t cert_byte, const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_findings; i++) {
		const struct pw_inventory_finding *f = &c->findings[i];
		if (f->kind != k)
			continue;
		if (cert_byte && (!f->has_cert || f->sha256[0] != cert_byte))
			continue;
		if (type && (f->audit_type == NULL || strcmp(f->audit_type, type) != 0))
			continue;
		n++;
	}
	return n;
}

static void test_check_rules(void **state)
{
	(void)state;
	struct synth s;
	synth_init(&s);
	uint8_t scope_rab[96], scope_ra[64];
	memcpy(scope_ra, s.certs[0].sha256, 32);
	memcpy(scope_ra + 32, s.certs[1].sha256, 32);
	memcpy(scope_rab, scope_ra, 64);
	memcpy(scope_rab + 64, s.certs[2].sha256, 32);
	/* ETSI BR statements stand for CA and NetSec too (MRSP 3.1.2.2).
	 * 2022: lists R, A, B. 2023: omits B (the incident). 2024 starts a
	 * month late (gap) and is published 120 days after its end (late). */
	struct pw_inventory_statement st[3] = {
		{1, "ETSI", "BR", day("2022-01-01"), day("2022-12-31"), day("2023-02-01"), scope_rab, 3},
		{2, "ETSI", "BR", day("2023-01-01"), day("2023-12-31"), day("2024-02-01"), scope_ra, 2},
		{3, "ETSI", "BR", day("2024-02-01"), day("2024-12-31"), day("2025-04-30"), scope_rab, 3},
	};
	struct pw_inventory_check *c = NULL;
	struct pw_error err;
	assert_int_equal(pw_inventory_check_compute(&s.inv, st, 3, day("2025-05-01"), &c, &err),
	                 PW_OK);
	/* B is missing from 2023 for each of CA, NetSec, BR. */
	assert_int_equal(count(c, PW_INVENTORY_NOT_IN_STATEMENT, 0x30, NULL), 3);
	assert_int_equal(count(c, PW_INVENTORY_NOT_IN_STATEMENT, 0x20, NULL), 0);
	/* January 2024 uncovered for every certificate and type. */
	assert_int_equal(count(c, PW_INVENTORY_UNCOVERED, 0, NULL), 9);
	for (size_t i = 0; i < c->n_findings; i++)
		if (c->findings[i].kind == PW_INVENTORY_UNCOVERED) {
			assert_int_equal(c->findings[i].from, day("2024-01-01"));
			assert_int_equal(c->findings[i].until, day("2024-01-31"));
			assert_string_equal(c->findings[i].rule, "MRSP 3.1.3");
		}
	assert_int_equal(count(c, PW_INVENTORY_PERIOD_GAP, 0, "BR"), 1);
	assert_int_equal(count(c, PW_INVENTORY_STATEMENT_LATE, 0, "BR"), 1);
	/* B issued nothing and is valid: unused, with a plan. */
	assert_int_equal(count(c, PW_INVENTORY_UNUSED, 0x30, NULL), 1);
	assert_int_equal(count(c, PW_INVENTORY_UNUSED, 0x20, NULL), 0);
	/* Not EV capable: no EV requirement. */
	assert_int_equal(count(c, PW_INVENTORY_DUE_NEXT, 0, "EV"), 0);
	assert_int_equal(count(c, PW_INVENTORY_DUE_NEXT, 0x20, "BR"), 1);
	assert_int_equal(c->certs_checked, 3);
	assert_int_equal(c->certs_uncovered, 3);
	pw_inventory_check_free(c);

	/* Two years on with nothing new: every certificate is overdue
	 * (CCADB Policy 5.2), and an expired one needs its final statement. */
	s.certs[1].not_after = day("2025-06-30");
	assert_int_equal(pw_inventory_check_compute(&s.inv, st, 3, day("2026-05-01"), &c, &err),
	                 PW_OK);
	assert_int_equal(count(c, PW_INVENTORY_OVERDUE, 0x10, "BR"), 1);
	assert_int_equal(count(c, PW_INVENTORY_NO_FINAL_AUDIT, 0x20, "BR"), 1);
	pw_inventory_check_free(c);

	/* A WebTrust BR statement does not stand for the CA/NetSec audits. */
	st[0].scheme = st[1].scheme = st[2].scheme = "WebTrust";
	s.certs[1].not_after = day("2030-03-01");
	assert_int_equal(pw_inventory_check_compute(&s.inv, st, 3, day("2025-05-01"), &c, &err),
	                 PW_OK);
	assert_int_equal(count(c, PW_INVENTORY_NOT_IN_STATEMENT, 0, NULL), 1);
	assert_true(count(c, PW_INVENTORY_OVERDUE, 0x20, "CA") == 1);
	pw_inventory_check_free(c);

	/* Technically constrained / no TLS capability: nothing required. */
	s.certs[2].technically_constrained = 1;
	s.certs[0].caps = 0;
	s.certs[1].caps = PW_INVENTORY_CAP_EMAIL;
	assert_int_equal(pw_inventory_check_compute(&s.inv, NULL, 0, day("2025-05-01"), &c, &err),
	                 PW_OK);
	assert_int_equal(c->certs_checked, 1);
	assert_int_equal(count(c, PW_INVENTORY_OVERDUE, 0x20, "SMIME"), 1);
	assert_int_equal(count(c, PW_INVENTORY_OVERDUE, 0x20, "BR"), 0);
	pw_inventory_check_free(c);
}

/* ---- a real store: statements, CCADB imports ----------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		*len = (size_t)n;
	}
	return b;
}

static int count_stmt(void *ctx, const struct pw_store_audit_statement *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 1;
}

static void test_store(void **state)
{
	(void)state;
	struct pw_test_store *t = pw_test_store_new("inventory_test");
	struct pw_store *s = pw_test_store_open(t, "t", PW_STORE_CREATE);
	struct pw_error err;

	/* Statements: stored once, then idempotent. */
	struct pw_inventory_audit a;
	pw_inventory_audit_init(&a);
	assert_int_equal(parse("{\"auditor\":\"X\",\"scheme\":\"ETSI\",\"type\":\"BR\","
	                       "\"period_start\":\"2024-01-01\",\"period_end\":\"2024-12-31\","
	                       "\"statement_date\":\"2025-03-01\",\"fingerprints\":[\"" FP_A "\"]}",
	                       &a, &err),
	                 PW_OK);
	int64_t id1, id2;
	int ins;
	assert_int_equal(pw_inventory_audit_add(s, &a, "t.json", "test", 0, &id1, &ins, &err), PW_OK);
	assert_true(ins);
	assert_int_equal(pw_inventory_audit_add(s, &a, "t.json", "test", 0, &id2, &ins, &err), PW_OK);
	assert_false(ins);
	assert_int_equal(id1, id2);
	int n = 0;
	assert_int_equal(pw_store_audit_list(s, count_stmt, &n, &err), PW_OK);
	assert_int_equal(n, 1);
	pw_inventory_audit_cleanup(&a);

	/* A CCADB PEM report built from the corpus: the first 3 rows import;
	 * the same with a broken 4th row imports nothing and names line. */
	size_t len = 0;
	char *src = read_all(PW_CORPUS_DIR "/ccadb/AllCertificatePEMsCSVFormat_NotBeforeYear_2024", &len);
	if (src == NULL) {
		pw_store_close(s);
		pw_test_store_free(t);
		skip();
	}
	struct pw_inventory_csv c;
	int has;
	pw_inventory_csv_init(&c, (const uint8_t *)src, len);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pw_inventory_csv_next(&c, &has, &err), PW_OK);
	size_t good_len = c.pos, bad_line = c.line;
	pw_inventory_csv_cleanup(&c);
	struct pw_inventory_import_summary sum;
	assert_int_equal(pw_inventory_import_ccadb(s, (const uint8_t *)src, good_len, "t.csv", "test",
	                                           0, &sum, &err),
	                 PW_OK);
	assert_int_equal(sum.kind, PW_INVENTORY_CCADB_PEMS);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.certificates, 3);
	struct pw_inventory *inv = NULL;
	assert_int_equal(pw_inventory_load(s, &inv, &err), PW_OK);
	assert_int_equal(inv->n_certs, 3);
	pw_inventory_free(inv);

	/* The same three rows followed by a row with one column: nothing. */
	char *bad = malloc(good_len + 16);
	assert_non_null(bad);
	memcpy(bad, src, good_len);
	memcpy(bad + good_len, "ABCDEF\n", 7);
	struct pw_store *s2 = pw_test_store_open(t, "t2", PW_STORE_CREATE);
	pw_error_clear(&err);
	assert_int_equal(pw_inventory_import_ccadb(s2, (const uint8_t *)bad, good_len + 7, "bad.csv",
	                                           "test", 0, &sum, &err),
	                 PW_ERR_PARSE);
	char want[32];
	snprintf(want, sizeof want, "line %zu", bad_line);
	assert_string_equal(err.field, want);
	assert_non_null(strstr(err.msg, "1 columns, the header has 2"));
	struct pw_store_stats stats;
	assert_int_equal(pw_store_stats(s2, &stats, &err), PW_OK);
	assert_int_equal(stats.certificates, 0);
	/* A fingerprint column that does not match its certificate (row 1). */
	size_t fp_at = strlen("SHA-256 Fingerprint,X.509 Certificate (PEM)\n");
	bad[fp_at] = bad[fp_at] == 'A' ? 'B' : 'A';
	assert_int_equal(pw_inventory_import_ccadb(s2, (const uint8_t *)bad, good_len, "bad.csv",
	                                           "test", 0, &sum, &err),
	                 PW_ERR_PARSE);
	assert_string_equal(err.field, "line 2, column 'X.509 Certificate (PEM)'");
	assert_non_null(strstr(err.msg, "is not the row's 'SHA-256 Fingerprint'"));
	assert_int_equal(pw_store_stats(s2, &stats, &err), PW_OK);
	assert_int_equal(stats.certificates, 0);
	free(bad);
	pw_store_close(s2);
	free(src);
	pw_store_close(s);
	pw_test_store_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_records), cmocka_unit_test(test_csv_wide),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_days),        cmocka_unit_test(test_audit_json),
		cmocka_unit_test(test_extract),     cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
