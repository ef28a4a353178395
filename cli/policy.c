/* pkiward policy: CPS disclosure vs practice (policy.h, docs/policy.md).
 *
 *   pkiward policy check --store S --disclosure FILE.json [--at DATE] [--now DATE]
 *                        [--json] [--irg-csv FILE] [--list FILE] [--summary]
 *                        [--count-methods] [--no-profiles] [--no-key-types]
 *   pkiward policy validate FILE.json      (parse and show a disclosure file)
 *   pkiward policy methods [--json]        (the BR method table with its dates)
 *
 * Exit status: 0 nothing found; 1 findings (certificates validated by a
 * method not disclosed or not allowed at the time, or profiles / key types
 * issued but not disclosed); 2 usage, input or store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/policy.h"
#include "pkiward/store.h"

int pw_cli_policy(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward policy check [--store PATH] --disclosure FILE.json [--at DATE]\n"
	        "                            [--now DATE] [--json] [--irg-csv FILE] [--list FILE]\n"
	        "                            [--summary] [--count-methods] [--no-profiles]\n"
	        "                            [--no-key-types]\n"
	        "       pkiward policy validate FILE.json\n"
	        "       pkiward policy methods [--json]\n"
	        "check: every recorded validation (ingest metadata) must use a method the CPS\n"
	        "  disclosed at that time and the Baseline Requirements allowed at that time\n"
	        "  (BR 3.2.2.4 / 3.2.2.5); profiles and key types issued must be disclosed.\n"
	        "  --at DATE      judge validations and issuance before DATE only (default: now)\n"
	        "  --now DATE     reference time for 'expired' (default: --at)\n"
	        "  --irg-csv FILE the affected certificates as the CCADB incident report appendix\n"
	        "  --list FILE    their SHA-256s, one per line (input of revoke --csv)\n"
	        "  --summary      do not list every affected certificate on stdout\n"
	        "Exit status: 0 nothing found, 1 findings, 2 error.\n");
}

static int load_disclosure(const char *path, struct pw_policy_disclosure *d)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct pw_error err;
	int ok = 0;
	pw_error_clear(&err);
	if (pw_cli_read_file(path, PW_POLICY_MAX_FILE, &buf, &len, &err) != PW_OK) {
		pw_cli_print_error("policy", path, &err);
		return 0;
	}
	if (pw_policy_disclosure_parse(buf, len, d, &err) != PW_OK) {
		if (err.field[0])
			fprintf(stderr, "pkiward policy: %s: %s: %s\n", path, err.field, err.msg);
		else
			fprintf(stderr, "pkiward policy: %s: %s\n", path, err.msg);
		goto out;
	}
	ok = 1;
out:
	free(buf);
	return ok;
}

static const char *day_or(int has, int64_t t, char *buf, size_t n, const char *none)
{
	if (!has)
		return none;
	pw_cli_time_iso(t, buf, n);
	buf[10] = '\0';
	return buf;
}

/* ---- policy methods ---- */

static int cmd_methods(int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	size_t n;
	const struct pw_policy_br_method *m = pw_policy_br_methods(&n);
	json_t *arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "section", json_string(m[i].section));
			json_object_set_new(o, "title", json_string(m[i].title));
			json_object_set_new(o, "from", json_string(m[i].from));
			json_object_set_new(o, "from_cite", json_string(m[i].from_cite));
			json_object_set_new(o, "until", m[i].until ? json_string(m[i].until) : json_null());
			json_object_set_new(o, "until_cite",
			                    m[i].until_cite ? json_string(m[i].until_cite) : json_null());
			json_object_set_new(o, "reuse_until",
			                    m[i].reuse_until ? json_string(m[i].reuse_until) : json_null());
			json_object_set_new(o, "reuse_cite",
			                    m[i].reuse_cite ? json_string(m[i].reuse_cite) : json_null());
			json_array_append_new(arr, o);
		} else {
			printf("%-11s %-10s .. %-10s  %s\n            from: %s\n", m[i].section, m[i].from,
			       m[i].until ? m[i].until : "", m[i].title, m[i].from_cite);
			if (m[i].until)
				printf("            until: %s\n", m[i].until_cite);
			if (m[i].reuse_until && (!m[i].until || strcmp(m[i].reuse_until, m[i].until) != 0 ||
			                         strcmp(m[i].reuse_cite, m[i].until_cite) != 0))
				printf("            no re-use from %s: %s\n", m[i].reuse_until, m[i].reuse_cite);
		}
	}
	if (json) {
		char *t = json_dumps(arr, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		printf("%s\n", t ? t : "[]");
		free(t);
		json_decref(arr);
	}
	return PW_EXIT_OK;
}

/* ---- policy validate ---- */

static int cmd_validate(int argc, char **argv)
{
	struct pw_policy_disclosure d;
	char a[32], b[32];
	if (argc != 2) {
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	pw_policy_disclosure_init(&d);
	if (!load_disclosure(argv[1], &d))
		return PW_EXIT_USAGE;
	printf("CPS %s%s%s: %zu method window(s), %zu profile(s), %zu key type(s), %zu CAA "
	       "identifier(s)\n",
	       d.cps_version, d.has_cps_date ? " of " : "",
	       day_or(d.has_cps_date, d.cps_date, a, sizeof a, ""), d.n_dcv, d.n_profiles,
	       d.n_key_types, d.n_caa);
	for (size_t i = 0; i < d.n_dcv; i++)
		printf("  %-11s %s .. %s\n", d.dcv[i].section,
		       day_or(1, d.dcv[i].from, a, sizeof a, ""),
		       day_or(d.dcv[i].has_until, d.dcv[i].until, b, sizeof b, "(still listed)"));
	pw_policy_disclosure_cleanup(&d);
	return PW_EXIT_OK;
}

/* ---- policy check ---- */

struct out_ctx {
	struct pw_store *s;
	int json, summary;
	char *names;      /* dNSNames of the current row, space-separated */
	size_t names_cap;
	json_t *arr;
	FILE *csv, *list;
	uint64_t n;
	int io_error;
};

/* Collects a certificate's SAN dNSNames (IRG appendix "dNSNames"). */
static int names_row(void *vctx, const struct pw_store_row *r)
{
	struct out_ctx *c = vctx;
	size_t k = 0;
	for (size_t i = 0; i < r->n_dns_names; i++) {
		size_t n = strlen(r->dns_names[i]);
		if (k + n + 2 > c->names_cap) {
			size_t ncap = (k + n + 2) * 2;
			char *nv = realloc(c->names, ncap);
			if (nv == NULL) {
				c->io_error = 1;
				return 0;
			}
			c->names = nv;
			c->names_cap = ncap;
		}
		if (k)
			c->names[k++] = ' ';
		memcpy(c->names + k, r->dns_names[i], n);
		k += n;
	}
	if (c->names != NULL)
		c->names[k] = '\0';
	return 0;
}

static int affected_row(void *vctx, const struct pw_store_policy_hit *h)
{
	struct out_ctx *c = vctx;
	char hex[65], twin[65] = "", kinds[96], at[32], nb[32], na[32], rv[32];
	pw_hex_encode(h->sha256, 32, hex);
	if (h->has_twin)
		pw_hex_encode(h->twin_sha256, 32, twin);
	pw_policy_kinds_text(h->kinds, kinds, sizeof kinds);
	pw_cli_time_iso(h->validated_at, at, sizeof at);
	c->n++;
	if (c->list != NULL && fprintf(c->list, "%s\n", hex) < 0)
		c->io_error = 1;
	if (c->csv != NULL) {
		/* CCADB IRG 3.2 appendix columns, in order, then ours. */
		const char *pre = h->precert ? hex : twin, *crt = h->precert ? twin : hex;
		pw_cli_time_iso(h->not_before, nb, sizeof nb);
		pw_cli_time_iso(h->not_after, na, sizeof na);
		pw_cli_csv_field(c->csv, pre);
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, crt);
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, h->subject ? h->subject : "");
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, h->issuer ? h->issuer : "");
		fprintf(c->csv, ",%s,%s,", nb, na);
		pw_cli_csv_field(c->csv, h->serial_hex ? h->serial_hex : "");
		fputc(',', c->csv);
		struct pw_store_filter f;
		struct pw_error e;
		memset(&f, 0, sizeof f);
		f.has_sha256 = 1;
		memcpy(f.sha256, h->sha256, 32);
		if (c->names != NULL)
			c->names[0] = '\0';
		if (pw_store_find(c->s, &f, PW_STORE_WANT_NAMES, names_row, c, &e) != PW_OK) {
			pw_cli_print_error("policy", "dNSNames", &e);
			c->io_error = 1;
			return 0;
		}
		pw_cli_csv_field(c->csv, c->names ? c->names : "");
		if (h->revoked) {
			pw_cli_time_iso(h->revoked_at, rv, sizeof rv);
			fprintf(c->csv, ",Yes,%s,%s", rv, h->has_reason ? pw_cli_reason_name(h->reason)
			                                               : "unspecified");
		} else {
			fprintf(c->csv, ",%s,N/A,N/A", h->not_after < time(NULL) ? "N/A" : "Planned");
		}
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, h->method ? h->method : "");
		fprintf(c->csv, ",%s,", at);
		pw_cli_csv_field(c->csv, kinds);
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, h->subscriber ? h->subscriber : "");
		fputc(',', c->csv);
		pw_cli_csv_field(c->csv, h->order ? h->order : "");
		if (fputc('\n', c->csv) == EOF)
			c->io_error = 1;
	}
	if (c->json && !c->summary) {
		json_t *o = json_object();
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "precertificate", json_boolean(h->precert));
		json_object_set_new(o, "twin", twin[0] ? json_string(twin) : json_null());
		json_object_set_new(o, "method", json_string(h->method ? h->method : ""));
		json_object_set_new(o, "validated_at", json_string(at));
		json_object_set_new(o, "findings", json_string(kinds));
		json_object_set_new(o, "subscriber", h->subscriber ? json_string(h->subscriber) : json_null());
		json_object_set_new(o, "order", h->order ? json_string(h->order) : json_null());
		json_object_set_new(o, "revoked", json_boolean(h->revoked));
		json_array_append_new(c->arr, o);
	} else if (!c->json && !c->summary) {
		printf("%s  %-14s  %-10s  validated %s  %s%s%s\n", hex,
		       h->precert ? "precertificate" : "certificate", h->method ? h->method : "", at, kinds,
		       h->subscriber ? "  subscriber " : "", h->subscriber ? h->subscriber : "");
	}
	return !c->io_error;
}

static int cmd_check(int argc, char **argv)
{
	enum { O_DISC = 256, O_AT, O_NOW, O_JSON, O_CSV, O_LIST, O_SUMMARY, O_COUNT, O_NOPROF, O_NOKEY };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"disclosure", required_argument, NULL, O_DISC},
		{"at", required_argument, NULL, O_AT},
		{"now", required_argument, NULL, O_NOW},
		{"json", no_argument, NULL, O_JSON},
		{"irg-csv", required_argument, NULL, O_CSV},
		{"list", required_argument, NULL, O_LIST},
		{"summary", no_argument, NULL, O_SUMMARY},
		{"count-methods", no_argument, NULL, O_COUNT},
		{"no-profiles", no_argument, NULL, O_NOPROF},
		{"no-key-types", no_argument, NULL, O_NOKEY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pw_policy_disclosure d;
	struct pw_policy_report r;
	struct pw_policy_check_opts co;
	struct pw_store *s = NULL;
	struct pw_error err;
	struct out_ctx oc;
	const char *store_flag = NULL, *disc = NULL, *csv_path = NULL, *list_path = NULL;
	int c, rc = PW_EXIT_USAGE, json = 0, summary = 0;
	json_t *root = NULL;

	pw_error_clear(&err);
	pw_policy_disclosure_init(&d);
	memset(&r, 0, sizeof r);
	memset(&co, 0, sizeof co);
	memset(&oc, 0, sizeof oc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_DISC: disc = optarg; break;
		case O_AT:
		case O_NOW:
			if (!pw_cli_parse_time(optarg, c == O_AT ? &co.at : &co.now)) {
				fprintf(stderr, "pkiward policy: --%s: expected YYYY-MM-DD or RFC 3339, got '%s'\n",
				        c == O_AT ? "at" : "now", optarg);
				goto out;
			}
			break;
		case O_JSON: json = 1; break;
		case O_CSV: csv_path = optarg; break;
		case O_LIST: list_path = optarg; break;
		case O_SUMMARY: summary = 1; break;
		case O_COUNT: co.count_methods = 1; break;
		case O_NOPROF: co.skip_profiles = 1; break;
		case O_NOKEY: co.skip_key_types = 1; break;
		case 'h': usage(stdout); rc = PW_EXIT_OK; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward policy check: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (disc == NULL) {
		fprintf(stderr, "pkiward policy check: --disclosure FILE.json is required\n");
		goto out;
	}
	if (!load_disclosure(disc, &d))
		goto out;
	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("policy", path, &err);
		goto out;
	}
	if (pw_policy_check(s, &d, &co, &r, &err) != PW_OK) {
		pw_cli_print_error("policy", path, &err);
		goto out;
	}
	oc.s = s;
	oc.json = json;
	oc.summary = summary;
	if (csv_path != NULL) {
		if ((oc.csv = fopen(csv_path, "w")) == NULL) {
			fprintf(stderr, "pkiward policy: %s: cannot write\n", csv_path);
			goto out;
		}
		fprintf(oc.csv, "Precertificate SHA-256,Certificate SHA-256,Subject,Issuer,Not Before,"
		                "Not After,Serial #,dNSNames,Is revoked?,Revocation date,Revocation reason,"
		                "DCV method,Validated at,Findings,Subscriber,Order\n");
	}
	if (list_path != NULL && (oc.list = fopen(list_path, "w")) == NULL) {
		fprintf(stderr, "pkiward policy: %s: cannot write\n", list_path);
		goto out;
	}
	char a[32], b[32];
	if (json) {
		root = json_object();
		oc.arr = json_array();
	} else {
		printf("policy check: CPS %s against %s (validations before %s)\n", d.cps_version, path,
		       pw_cli_time_iso(r.at, a, sizeof a));
		for (size_t i = 0; i < r.n_windows; i++) {
			const struct pw_policy_window_finding *w = &r.windows[i];
			char kinds[96];
			printf("  %-11s %s .. %s  %llu validation(s)  [%s]\n    %s\n", w->method,
			       day_or(w->has_from, w->from, a, sizeof a, "ever"),
			       day_or(w->has_until, w->until, b, sizeof b, "now"),
			       (unsigned long long)w->validations,
			       pw_policy_kinds_text(w->kinds, kinds, sizeof kinds), w->cite);
		}
	}
	if (r.certificates > 0 || csv_path != NULL || list_path != NULL || (json && !summary)) {
		/* dNSNames for the IRG appendix come from the certificate itself. */
		if (pw_policy_affected(s, affected_row, &oc, &err) != PW_OK) {
			pw_cli_print_error("policy", path, &err);
			goto out;
		}
		if (oc.io_error) {
			fprintf(stderr, "pkiward policy: write error\n");
			goto out;
		}
	}
	/* The affected set as `find` queries (one per method). find has no
	 * validation-time filter, so the query bounds notBefore; it is exact when
	 * it selects as many certificates as the check found. */
	json_t *queries = json ? json_array() : NULL;
	for (size_t i = 0; i < r.n_methods; i++) {
		const struct pw_policy_method_summary *m = &r.methods[i];
		char q[512];
		uint64_t cnt = 0;
		if (m->affected_certificates == 0)
			continue;
		struct pw_store_filter f;
		memset(&f, 0, sizeof f);
		f.dcv_method = m->method;
		f.has_issued_after = 1;
		f.issued_after = m->first_not_before;
		f.has_issued_before = 1;
		f.issued_before = m->last_not_before + 1;
		if (pw_store_count(s, &f, &cnt, &err) != PW_OK) {
			pw_cli_print_error("policy", path, &err);
			goto out;
		}
		snprintf(q, sizeof q, "pkiward find --dcv-method %s --issued-after %s --issued-before %s",
		         m->method, pw_cli_time_iso(f.issued_after, a, sizeof a),
		         pw_cli_time_iso(f.issued_before, b, sizeof b));
		int exact = cnt == m->affected_certificates;
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "method", json_string(m->method));
			json_object_set_new(o, "query", json_string(q));
			json_object_set_new(o, "affected", json_integer((json_int_t)m->affected_certificates));
			json_object_set_new(o, "query_selects", json_integer((json_int_t)cnt));
			json_object_set_new(o, "exact", json_boolean(exact));
			json_array_append_new(queries, o);
		} else {
			printf("  find: %s\n        (%llu affected; the query selects %llu%s)\n", q,
			       (unsigned long long)m->affected_certificates, (unsigned long long)cnt,
			       exact ? ": exact" : ": a superset, validation time is not a find filter");
		}
	}
	if (json) {
		json_t *w = json_array(), *ms = json_array(), *pf = json_array(), *kt = json_array();
		for (size_t i = 0; i < r.n_windows; i++) {
			char kinds[96];
			json_t *o = json_object();
			json_object_set_new(o, "method", json_string(r.windows[i].method));
			json_object_set_new(o, "from", r.windows[i].has_from ? json_string(day_or(1, r.windows[i].from, a, sizeof a, "")) : json_null());
			json_object_set_new(o, "until", r.windows[i].has_until ? json_string(day_or(1, r.windows[i].until, b, sizeof b, "")) : json_null());
			json_object_set_new(o, "findings", json_string(pw_policy_kinds_text(r.windows[i].kinds, kinds, sizeof kinds)));
			json_object_set_new(o, "validations", json_integer((json_int_t)r.windows[i].validations));
			json_object_set_new(o, "cite", json_string(r.windows[i].cite));
			json_array_append_new(w, o);
		}
		for (size_t i = 0; i < r.n_methods; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "method", json_string(r.methods[i].method));
			json_object_set_new(o, "known", json_boolean(r.methods[i].known));
			if (co.count_methods)
				json_object_set_new(o, "validations", json_integer((json_int_t)r.methods[i].validations));
			json_object_set_new(o, "affected_certificates", json_integer((json_int_t)r.methods[i].affected_certificates));
			json_array_append_new(ms, o);
		}
		for (int k = 0; k < 2; k++) {
			const struct pw_policy_issued_finding *v = k ? r.key_types : r.profiles;
			size_t n = k ? r.n_key_types : r.n_profiles;
			for (size_t i = 0; i < n; i++) {
				json_t *o = json_object();
				json_object_set_new(o, "name", json_string(v[i].name));
				json_object_set_new(o, "certificates", json_integer((json_int_t)v[i].certificates));
				if (k)
					json_object_set_new(o, "keys", json_integer((json_int_t)v[i].keys));
				json_object_set_new(o, "never_disclosed", json_boolean(v[i].never_disclosed));
				json_object_set_new(o, "first_issued", json_string(pw_cli_time_iso(v[i].first_not_before, a, sizeof a)));
				json_object_set_new(o, "last_issued", json_string(pw_cli_time_iso(v[i].last_not_before, b, sizeof b)));
				json_array_append_new(k ? kt : pf, o);
			}
		}
		json_object_set_new(root, "cps_version", json_string(d.cps_version));
		json_object_set_new(root, "at", json_string(pw_cli_time_iso(r.at, a, sizeof a)));
		json_object_set_new(root, "windows", w);
		json_object_set_new(root, "methods", ms);
		json_object_set_new(root, "undisclosed_profiles", pf);
		json_object_set_new(root, "undisclosed_key_types", kt);
		json_object_set_new(root, "certificates_affected", json_integer((json_int_t)r.certificates));
		json_object_set_new(root, "precertificates", json_integer((json_int_t)r.precertificates));
		json_object_set_new(root, "remaining_valid", json_integer((json_int_t)r.remaining_valid));
		json_object_set_new(root, "revoked", json_integer((json_int_t)r.revoked));
		json_object_set_new(root, "expired", json_integer((json_int_t)r.expired));
		json_object_set_new(root, "validations_hit", json_integer((json_int_t)r.validations_hit));
		json_object_set_new(root, "find_queries", queries);
		json_object_set_new(root, "certificates", oc.arr);
		oc.arr = NULL;
		char *t = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		printf("%s\n", t ? t : "{}");
		free(t);
	} else {
		for (size_t i = 0; i < r.n_profiles; i++)
			printf("  profile %s: %llu certificate(s) issued %s .. %s %s\n", r.profiles[i].name,
			       (unsigned long long)r.profiles[i].certificates,
			       pw_cli_time_iso(r.profiles[i].first_not_before, a, sizeof a),
			       pw_cli_time_iso(r.profiles[i].last_not_before, b, sizeof b),
			       r.profiles[i].never_disclosed ? "but the CPS never lists this profile"
			                                     : "outside the periods the CPS lists it");
		for (size_t i = 0; i < r.n_key_types; i++)
			printf("  key type %s: %llu certificate(s), %llu key(s), issued %s .. %s %s\n",
			       r.key_types[i].name, (unsigned long long)r.key_types[i].certificates,
			       (unsigned long long)r.key_types[i].keys,
			       pw_cli_time_iso(r.key_types[i].first_not_before, a, sizeof a),
			       pw_cli_time_iso(r.key_types[i].last_not_before, b, sizeof b),
			       r.key_types[i].never_disclosed ? "but the CPS never lists this key type"
			                                      : "outside the periods the CPS lists it");
		printf("%llu certificate(s) affected (%llu precertificates), %llu remaining valid, %llu "
		       "revoked, %llu expired; %llu validation(s) outside what was disclosed and allowed\n",
		       (unsigned long long)r.certificates, (unsigned long long)r.precertificates,
		       (unsigned long long)r.remaining_valid, (unsigned long long)r.revoked,
		       (unsigned long long)r.expired, (unsigned long long)r.validations_hit);
		if (r.certificates > 0)
			printf("plan their revocation: pkiward revoke --plan --store %s --from-policy %s\n",
			       path, disc);
	}
	rc = (r.certificates > 0 || r.n_profiles > 0 || r.n_key_types > 0) ? PW_EXIT_FINDINGS
	                                                                   : PW_EXIT_OK;
out:
	if (oc.csv != NULL && fclose(oc.csv) != 0) {
		fprintf(stderr, "pkiward policy: %s: write error\n", csv_path);
		rc = PW_EXIT_USAGE;
	}
	if (oc.list != NULL && fclose(oc.list) != 0) {
		fprintf(stderr, "pkiward policy: %s: write error\n", list_path);
		rc = PW_EXIT_USAGE;
	}
	json_decref(oc.arr);
	json_decref(root);
	free(oc.names);
	pw_policy_report_cleanup(&r);
	pw_policy_disclosure_cleanup(&d);
	pw_store_close(s);
	return rc;
}

int pw_cli_policy(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "methods") == 0)
		return cmd_methods(argc - 1, argv + 1);
	fprintf(stderr, "pkiward policy: unknown sub-command '%s'\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
