/* pkiward audit: CA certificate inventory and audit coverage (docs/audit.md).
 *
 *   pkiward audit add       [--store S] FILE.json...      record audit statements
 *   pkiward audit extract   [--auditor A] [--scheme S] [--type T] LETTER.txt
 *   pkiward audit import    [--store S] CCADB.csv...      CCADB CSV reports
 *   pkiward audit inventory [--store S] [--at DATE] [--json]
 *   pkiward audit list      [--store S] [--json]          recorded statements
 *   pkiward audit check     [--store S] [--at DATE] [--json] [--quiet]
 *
 * Exit status: 0 ok; 1 findings (check: a CA certificate is uncovered or a
 * statement breaks CCADB Policy 5.2; extract: something ALV needs is
 * missing); 2 usage, input or store error (nothing is recorded then). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/inventory.h"
#include "pkiward/store.h"
#include "pkiward/store_inventory.h"

int pw_cli_audit(int argc, char **argv);

#define AUDIT_ACTOR_MAX 128

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward audit add [--store S] [--actor A] FILE.json...\n"
	        "       pkiward audit extract [--auditor NAME] [--scheme WebTrust|ETSI] [--type T] LETTER.txt\n"
	        "       pkiward audit import [--store S] [--actor A] CCADB.csv...\n"
	        "       pkiward audit inventory [--store S] [--at DATE] [--json]\n"
	        "       pkiward audit list [--store S] [--json]\n"
	        "       pkiward audit check [--store S] [--at DATE] [--json] [--quiet]\n"
	        "statement file (add): {\"auditor\", \"scheme\": \"WebTrust\"|\"ETSI\", \"type\": "
	        "CA|BR|EV|NetSec|SMIME|CS,\n"
	        "  \"period_start\", \"period_end\", \"statement_date\": \"YYYY-MM-DD\", "
	        "\"fingerprints\": [SHA-256 hex...], \"url\"?}\n"
	        "import: CCADB AllCertificatePEMsCSVFormat or AllCertificateRecordsCSVFormatV5 "
	        "(all or nothing per file)\n"
	        "check: every CA certificate in every statement its capabilities require, from "
	        "issuance until one\n"
	        "  statement after revocation/expiry (CCADB Policy 5, 5.1, 5.2; MRSP 3.1.3); exit 1 "
	        "on any error finding\n");
}

static const char *default_actor(char *buf, size_t n)
{
	const char *u = getenv("USER");
	snprintf(buf, n, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	return buf;
}

struct opts {
	const char *store, *actor, *auditor, *scheme, *type;
	int json, quiet, has_at;
	int64_t at;
};

/* Parses the options every sub-command shares; returns the index of the
 * first operand, or -1 after printing a usage error. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_JSON = 256, O_AT, O_ACTOR, O_AUDITOR, O_SCHEME, O_TYPE, O_QUIET };
	static const struct option lo[] = {
		{"store", required_argument, NULL, 's'}, {"json", no_argument, NULL, O_JSON},
		{"at", required_argument, NULL, O_AT},   {"actor", required_argument, NULL, O_ACTOR},
		{"auditor", required_argument, NULL, O_AUDITOR},
		{"scheme", required_argument, NULL, O_SCHEME},
		{"type", required_argument, NULL, O_TYPE}, {"quiet", no_argument, NULL, O_QUIET},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	int c;
	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->store = optarg; break;
		case O_JSON: o->json = 1; break;
		case O_QUIET: o->quiet = 1; break;
		case O_ACTOR: o->actor = optarg; break;
		case O_AUDITOR: o->auditor = optarg; break;
		case O_SCHEME: o->scheme = optarg; break;
		case O_TYPE: o->type = optarg; break;
		case O_AT:
			if (!pw_cli_parse_time(optarg, &o->at)) {
				fprintf(stderr, "pkiward audit: --at: expected YYYY-MM-DD or RFC 3339, got '%s'\n",
				        optarg);
				return -1;
			}
			o->has_at = 1;
			break;
		case 'h': usage(stdout); exit(PW_EXIT_OK);
		default: usage(stderr); return -1;
		}
	}
	return optind;
}

static struct pw_store *open_store(const struct opts *o, int create)
{
	const char *path = pw_cli_store_path(o->store);
	struct pw_store *s = NULL;
	struct pw_error err;
	pw_error_clear(&err);
	if (pw_store_open(path, create ? PW_STORE_CREATE : 0, &s, &err) != PW_OK) {
		pw_cli_print_error("audit", path, &err);
		return NULL;
	}
	return s;
}

static int cmd_add(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o), rc = PW_EXIT_USAGE;
	struct pw_store *s = NULL;
	struct pw_inventory_audit *a = NULL;
	size_t n = 0;
	char actor[AUDIT_ACTOR_MAX];
	struct pw_error err;
	int began = 0;

	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	if (first >= argc) {
		fprintf(stderr, "pkiward audit add: name at least one statement file\n");
		return PW_EXIT_USAGE;
	}
	n = (size_t)(argc - first);
	if ((a = calloc(n, sizeof *a)) == NULL)
		return PW_EXIT_USAGE;
	/* Every file is read and checked before anything is written: one bad
	 * file records none of them. */
	for (size_t i = 0; i < n; i++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		const char *path = argv[first + (int)i];
		pw_inventory_audit_init(&a[i]);
		if (pw_cli_read_file(path, PW_INVENTORY_AUDIT_MAX_JSON, &buf, &len, &err) != PW_OK) {
			pw_cli_print_error("audit add", path, &err);
			goto out;
		}
		enum pw_status st = pw_inventory_audit_parse_json(buf, len, &a[i], &err);
		free(buf);
		if (st != PW_OK) {
			pw_cli_print_error("audit add", path, &err);
			goto out;
		}
	}
	if ((s = open_store(&o, 1)) == NULL)
		goto out;
	if (pw_store_begin(s, &err) != PW_OK) {
		pw_cli_print_error("audit add", NULL, &err);
		goto out;
	}
	began = 1;
	if (o.actor == NULL)
		o.actor = default_actor(actor, sizeof actor);
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		int inserted;
		const char *path = argv[first + (int)i];
		if (pw_inventory_audit_add(s, &a[i], path, o.actor, 0, &id, &inserted, &err) != PW_OK) {
			pw_cli_print_error("audit add", path, &err);
			goto out;
		}
		char d1[16], d2[16];
		printf("%s: statement %lld (%s %s, %s to %s, %zu fingerprints)%s\n", path, (long long)id,
		       a[i].scheme, a[i].type, pw_inventory_day_text(a[i].period_start, d1, sizeof d1),
		       pw_inventory_day_text(a[i].period_end, d2, sizeof d2), a[i].n_fingerprints,
		       inserted ? "" : " already recorded");
	}
	if (pw_store_commit(s, &err) != PW_OK) {
		pw_cli_print_error("audit add", NULL, &err);
		goto out;
	}
	began = 0;
	rc = PW_EXIT_OK;
out:
	if (began)
		pw_store_rollback(s);
	for (size_t i = 0; a != NULL && i < n; i++)
		pw_inventory_audit_cleanup(&a[i]);
	free(a);
	pw_store_close(s);
	return rc;
}

static int cmd_extract(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o), rc = PW_EXIT_USAGE;
	struct pw_inventory_audit a;
	struct pw_inventory_extract_notes notes = {0};
	struct pw_error err;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *txt = NULL;

	pw_inventory_audit_init(&a);
	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	if (first != argc - 1) {
		fprintf(stderr, "pkiward audit extract: name one letter (text, e.g. from pdftotext)\n");
		return PW_EXIT_USAGE;
	}
	if (o.scheme && strcmp(o.scheme, "WebTrust") != 0 && strcmp(o.scheme, "ETSI") != 0) {
		fprintf(stderr, "pkiward audit extract: --scheme: WebTrust or ETSI\n");
		return PW_EXIT_USAGE;
	}
	if (o.type && pw_inventory_audit_type_canonical(o.type) == NULL) {
		fprintf(stderr, "pkiward audit extract: --type: CA, BR, EV, NetSec, SMIME or CS\n");
		return PW_EXIT_USAGE;
	}
	if (pw_cli_read_file(argv[first], PW_INVENTORY_MAX_FILE, &buf, &len, &err) != PW_OK ||
	    pw_inventory_audit_extract(buf, len, &a, &notes, &err) != PW_OK) {
		pw_cli_print_error("audit extract", argv[first], &err);
		goto out;
	}
	/* What the operator knows better than the text overrides it. */
	if (o.auditor) {
		free(a.auditor);
		a.auditor = strdup(o.auditor);
		notes.found_auditor = a.auditor != NULL;
	}
	if (o.scheme) {
		free(a.scheme);
		a.scheme = strdup(o.scheme);
		notes.found_scheme = a.scheme != NULL;
	}
	if (o.type) {
		free(a.type);
		a.type = strdup(pw_inventory_audit_type_canonical(o.type));
		notes.found_type = a.type != NULL;
	}
	if (notes.text != NULL)
		fprintf(stderr, "%s", notes.text);
	if ((txt = pw_inventory_audit_to_json(&a, 1)) == NULL) {
		fprintf(stderr, "pkiward audit extract: out of memory\n");
		goto out;
	}
	printf("%s\n", txt);
	int complete = notes.found_period && notes.found_statement_date && notes.found_scheme &&
	               notes.found_type && notes.found_auditor && a.n_fingerprints > 0;
	if (!complete)
		fprintf(stderr, "pkiward audit extract: %s: incomplete (see above); fix the letter or "
		                "pass --auditor/--scheme/--type\n",
		        argv[first]);
	rc = complete ? PW_EXIT_OK : PW_EXIT_FINDINGS;
out:
	free(txt);
	free(buf);
	pw_inventory_audit_cleanup(&a);
	pw_inventory_extract_notes_cleanup(&notes);
	return rc;
}

static int cmd_import(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o), rc = PW_EXIT_OK;
	struct pw_store *s = NULL;
	char actor[AUDIT_ACTOR_MAX];
	struct pw_error err;

	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	if (first >= argc) {
		fprintf(stderr, "pkiward audit import: name at least one CCADB CSV file\n");
		return PW_EXIT_USAGE;
	}
	if ((s = open_store(&o, 1)) == NULL)
		return PW_EXIT_USAGE;
	if (o.actor == NULL)
		o.actor = default_actor(actor, sizeof actor);
	for (int i = first; i < argc; i++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		struct pw_inventory_import_summary sum;
		if (pw_cli_read_file(argv[i], PW_INVENTORY_MAX_FILE, &buf, &len, &err) != PW_OK ||
		    pw_inventory_import_ccadb(s, buf, len, argv[i], o.actor, 0, &sum, &err) != PW_OK) {
			pw_cli_print_error("audit import", argv[i], &err);
			fprintf(stderr, "pkiward audit import: %s: nothing imported from this file\n",
			        argv[i]);
			free(buf);
			rc = PW_EXIT_USAGE;
			continue;
		}
		free(buf);
		if (sum.kind == PW_INVENTORY_CCADB_PEMS)
			printf("%s: AllCertificatePEMsCSVFormat: rows %llu, certificates added %llu, already "
			       "present %llu, not CA %llu\n",
			       argv[i], (unsigned long long)sum.rows, (unsigned long long)sum.certificates,
			       (unsigned long long)sum.already_present, (unsigned long long)sum.not_ca);
		else
			printf("%s: AllCertificateRecordsCSVFormatV5: rows %llu, records %llu, audit "
			       "statements added %llu (%llu listings)\n",
			       argv[i], (unsigned long long)sum.rows, (unsigned long long)sum.records,
			       (unsigned long long)sum.statements, (unsigned long long)sum.scope_entries);
	}
	pw_store_close(s);
	return rc;
}

static const char *json_day(int64_t t, char *buf, size_t n)
{
	return pw_inventory_day_text(t, buf, n);
}

static int cmd_inventory(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o);
	struct pw_store *s = NULL;
	struct pw_inventory *inv = NULL;
	struct pw_error err;
	int rc = PW_EXIT_USAGE;

	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	if (first != argc) {
		fprintf(stderr, "pkiward audit inventory: unexpected argument '%s'\n", argv[first]);
		return PW_EXIT_USAGE;
	}
	if ((s = open_store(&o, 0)) == NULL)
		return PW_EXIT_USAGE;
	if (pw_inventory_load(s, &inv, &err) != PW_OK) {
		pw_cli_print_error("audit inventory", NULL, &err);
		goto out;
	}
	int64_t at = o.has_at ? o.at : (int64_t)time(NULL);
	json_t *root = o.json ? json_object() : NULL, *ids = o.json ? json_array() : NULL;
	for (size_t d = 0; d <= inv->n_identities; d++) {
		/* The last round lists the record-only certificates (no identity). */
		const struct pw_inventory_identity *id = d < inv->n_identities ? &inv->identities[d] : NULL;
		size_t n = id ? id->n_certs : 0;
		if (id == NULL)
			for (size_t i = 0; i < inv->n_certs; i++)
				n += inv->certs[i].identity == PW_INVENTORY_NONE;
		if (n == 0)
			continue;
		json_t *jid = NULL, *jcerts = NULL;
		char hex[65], caps[64], d1[16], d2[16];
		if (o.json) {
			jid = json_object();
			jcerts = json_array();
			if (id) {
				pw_hex_encode(id->spki_sha256, 32, hex);
				json_object_set_new(jid, "subject", json_string(id->subject));
				json_object_set_new(jid, "spki_sha256", json_string(hex));
				json_object_set_new(jid, "leaves", json_integer((json_int_t)id->leaves));
				json_object_set_new(jid, "precertificates", json_integer((json_int_t)id->precerts));
				json_object_set_new(jid, "ca_certificates_issued",
				                    json_integer((json_int_t)id->ca_certs));
			} else
				json_object_set_new(jid, "subject", json_null());
			json_object_set_new(jid, "certificates", jcerts);
			json_array_append_new(ids, jid);
		} else if (id) {
			pw_hex_encode(id->spki_sha256, 32, hex);
			printf("identity %s\n  key (SPKI SHA-256) %s\n  issued: %llu leaves, %llu "
			       "precertificates, %llu CA certificates\n",
			       id->subject, hex, (unsigned long long)id->leaves,
			       (unsigned long long)id->precerts, (unsigned long long)id->ca_certs);
		}
		else
			printf("known from CCADB records only (no certificate bytes)\n");
		for (size_t k = 0, i = 0; k < n; i++) {
			size_t ci = id ? id->certs[k] : i;
			if (!id && inv->certs[ci].identity != PW_INVENTORY_NONE)
				continue;
			k++;
			const struct pw_inventory_cert *x = &inv->certs[ci];
			pw_hex_encode(x->sha256, 32, hex);
			pw_inventory_caps_text(x->caps, caps, sizeof caps);
			const char *issuer = x->issuer_identity != PW_INVENTORY_NONE
			                             ? inv->identities[x->issuer_identity].subject
			                             : x->issuer;
			const char *status = pw_inventory_status_name(pw_inventory_cert_status(x, at));
			if (o.json) {
				json_t *jc = json_object();
				json_object_set_new(jc, "sha256", json_string(hex));
				json_object_set_new(jc, "role", json_string(pw_inventory_role_name(x->role)));
				json_object_set_new(jc, "doppelganger", json_boolean(x->doppelganger));
				json_object_set_new(jc, "issuer", json_string(issuer));
				json_object_set_new(jc, "serial", json_string(x->serial_hex));
				json_object_set_new(jc, "not_before", json_string(json_day(x->not_before, d1, sizeof d1)));
				json_object_set_new(jc, "not_after", json_string(json_day(x->not_after, d2, sizeof d2)));
				json_object_set_new(jc, "status", json_string(status));
				json_object_set_new(jc, "capabilities", json_string(caps));
				json_object_set_new(jc, "ev_capable", json_boolean(x->ev_capable));
				json_object_set_new(jc, "technically_constrained",
				                    json_boolean(x->technically_constrained));
				json_object_set_new(jc, "ccadb_record", json_boolean(x->has_record));
				json_array_append_new(jcerts, jc);
			} else
				printf("  %s  %-11s %-8s %s..%s  caps=%s%s%s\n    issuer: %s\n", hex,
				       pw_inventory_role_name(x->role), status,
				       json_day(x->not_before, d1, sizeof d1), json_day(x->not_after, d2, sizeof d2),
				       caps, x->doppelganger ? " doppelganger" : "",
				       x->technically_constrained ? " technically-constrained" : "", issuer);
		}
	}
	if (o.json) {
		json_object_set_new(root, "identities", ids);
		json_object_set_new(root, "ca_certificates", json_integer((json_int_t)inv->n_certs));
		char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", txt ? txt : "null");
		free(txt);
		json_decref(root);
	} else
		fprintf(stderr, "%zu CA certificates, %zu identities\n", inv->n_certs, inv->n_identities);
	rc = PW_EXIT_OK;
out:
	pw_inventory_free(inv);
	pw_store_close(s);
	return rc;
}

struct list_ctx {
	int json;
	json_t *arr;
};

static int on_stmt(void *vctx, const struct pw_store_audit_statement *a)
{
	struct list_ctx *c = vctx;
	char d1[16], d2[16], d3[16];
	pw_inventory_day_text(a->period_start, d1, sizeof d1);
	pw_inventory_day_text(a->period_end, d2, sizeof d2);
	pw_inventory_day_text(a->statement_date, d3, sizeof d3);
	if (c->json)
		json_array_append_new(c->arr,
		                      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s?,s:s}", "id",
		                                (json_int_t)a->id, "auditor", a->auditor, "scheme",
		                                a->scheme, "type", a->type, "period_start", d1,
		                                "period_end", d2, "statement_date", d3, "fingerprints",
		                                (json_int_t)a->n_scope, "url", a->url, "source", a->source));
	else
		printf("%4lld  %-8s %-6s %s..%s  dated %s  %4llu fingerprints  %s\n", (long long)a->id,
		       a->scheme, a->type, d1, d2, d3, (unsigned long long)a->n_scope, a->auditor);
	return 1;
}

static int cmd_list(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o);
	struct pw_error err;
	struct list_ctx c = {0, NULL};
	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	struct pw_store *s = open_store(&o, 0);
	if (s == NULL)
		return PW_EXIT_USAGE;
	c.json = o.json;
	c.arr = json_array();
	enum pw_status st = pw_store_audit_list(s, on_stmt, &c, &err);
	if (st == PW_OK && o.json) {
		char *txt = json_dumps(c.arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", txt ? txt : "null");
		free(txt);
	}
	json_decref(c.arr);
	pw_store_close(s);
	if (st != PW_OK) {
		pw_cli_print_error("audit list", NULL, &err);
		return PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}

static int cmd_check(int argc, char **argv)
{
	struct opts o;
	int first = parse_opts(argc, argv, &o), rc = PW_EXIT_USAGE;
	struct pw_store *s = NULL;
	struct pw_inventory_check *chk = NULL;
	struct pw_error err;

	pw_error_clear(&err);
	if (first < 0)
		return PW_EXIT_USAGE;
	if (first != argc) {
		fprintf(stderr, "pkiward audit check: unexpected argument '%s'\n", argv[first]);
		return PW_EXIT_USAGE;
	}
	if ((s = open_store(&o, 0)) == NULL)
		return PW_EXIT_USAGE;
	if (pw_inventory_check_run(s, o.has_at ? o.at : 0, &chk, &err) != PW_OK) {
		pw_cli_print_error("audit check", NULL, &err);
		goto out;
	}
	json_t *arr = o.json ? json_array() : NULL;
	for (size_t i = 0; i < chk->n_findings; i++) {
		const struct pw_inventory_finding *f = &chk->findings[i];
		char hex[65] = "", d1[16], d2[16];
		if (o.quiet && f->severity == PW_INVENTORY_INFO)
			continue;
		if (f->has_cert)
			pw_hex_encode(f->sha256, 32, hex);
		if (o.json) {
			json_t *j = json_object();
			json_object_set_new(j, "kind", json_string(pw_inventory_finding_kind_name(f->kind)));
			json_object_set_new(j, "severity", json_string(pw_inventory_severity_name(f->severity)));
			json_object_set_new(j, "rule", json_string(f->rule));
			json_object_set_new(j, "sha256", f->has_cert ? json_string(hex) : json_null());
			json_object_set_new(j, "audit_type", f->audit_type ? json_string(f->audit_type) : json_null());
			json_object_set_new(j, "statement_id",
			                    f->statement_id ? json_integer((json_int_t)f->statement_id) : json_null());
			json_object_set_new(j, "from", f->from ? json_string(json_day(f->from, d1, sizeof d1)) : json_null());
			json_object_set_new(j, "until", f->until ? json_string(json_day(f->until, d2, sizeof d2)) : json_null());
			json_object_set_new(j, "text", json_string(f->text));
			json_object_set_new(j, "plan", f->plan[0] ? json_string(f->plan) : json_null());
			json_array_append_new(arr, j);
		} else {
			printf("%-7s %-16s [%s]%s%s%s%s\n  %s\n", pw_inventory_severity_name(f->severity),
			       pw_inventory_finding_kind_name(f->kind), f->rule, f->has_cert ? " " : "", hex,
			       f->audit_type ? " " : "", f->audit_type ? f->audit_type : "", f->text);
			if (f->plan[0])
				printf("  plan: %s\n", f->plan);
		}
	}
	if (o.json) {
		char d1[16];
		json_t *root = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "at",
		                         json_day(chk->at, d1, sizeof d1), "ca_certificates_checked",
		                         (json_int_t)chk->certs_checked, "uncovered",
		                         (json_int_t)chk->certs_uncovered, "statements",
		                         (json_int_t)chk->statements, "errors", (json_int_t)chk->n_errors,
		                         "warnings", (json_int_t)chk->n_warnings, "findings", arr);
		char *txt = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		printf("%s\n", txt ? txt : "null");
		free(txt);
		json_decref(root);
	}
	fprintf(stderr,
	        "audit check: %zu CA certificates need audits, %zu uncovered; %zu statements; %zu "
	        "errors, %zu warnings\n",
	        chk->certs_checked, chk->certs_uncovered, chk->statements, chk->n_errors,
	        chk->n_warnings);
	rc = chk->n_errors ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	pw_inventory_check_free(chk);
	pw_store_close(s);
	return rc;
}

int pw_cli_audit(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{"add", cmd_add},         {"extract", cmd_extract}, {"import", cmd_import},
		{"inventory", cmd_inventory}, {"list", cmd_list}, {"check", cmd_check},
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pkiward audit: unknown sub-command '%s'\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
