/* pkiward crl: generate the CRLs of every registered CA, inspect a CRL, and
 * print the CCADB disclosure (publish.h, docs/publication.md).
 *
 *   pkiward crl generate --store S --out DIR [--ca NAME] [--validity DUR]
 *       [--refresh DUR] [--invalidity-date] [--watch] [--json]
 *   pkiward crl show FILE [--all] [--json]
 *   pkiward crl json-array --store S [--ca NAME]
 *
 * Files: DIR/<ca-name>/full.crl and DIR/<ca-name>/<p>.crl (DER), so DIR can
 * be served as the CRL base URL as is.
 * Exit status: 0 ok; 1 a CRL was refused by the lints; 2 usage, input, key or
 * store error. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/publish.h"
#include "pkiward/store.h"

int pw_cli_crl(int argc, char **argv);

#define CRL_ACTOR_MAX 128
/* --watch: seconds before retrying a failed run when nothing changes. */
#define WATCH_RETRY_SECS 60
/* Entries `crl show` lists without --all. */
#define CRL_SHOW_ENTRIES 20

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward crl generate [--store S] --out DIR [--ca NAME] [--validity DUR]\n"
	        "           [--refresh DUR] [--invalidity-date] [--watch] [--json]\n"
	        "       pkiward crl show FILE [--all] [--json]\n"
	        "       pkiward crl json-array [--store S] [--ca NAME]\n"
	        "generate: writes DIR/<ca>/full.crl and DIR/<ca>/<p>.crl (DER) for every registered\n"
	        "  CA; every CRL is linted first and refused on an error-level finding (exit 1).\n"
	        "  --validity: nextUpdate - thisUpdate (default 7d, at most 10d: BR 7.2, MRSP 6)\n"
	        "  --refresh: with --watch, re-issue this often without revocations (default 1d,\n"
	        "    at most 4d: BR 4.9.7); --watch also re-issues within 1 s of any revocation.\n"
	        "  --invalidity-date: add invalidityDate entry extensions (BR 7.2.2: NOT RECOMMENDED)\n"
	        "  DUR: seconds, or a number with s, m, h or d.\n"
	        "json-array: the CCADB \"JSON Array of Partitioned CRLs\" of --ca, or an object\n"
	        "  mapping every registered CA name to its array.\n");
}

static const char *default_actor(char *buf, size_t n)
{
	const char *u = getenv("USER");
	snprintf(buf, n, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	return buf;
}

/* "3600", "90m", "24h", "7d" -> seconds. */
static int parse_duration(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t mul = 1;
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v <= 0 || v > 100000000LL)
		return 0;
	if (*end != '\0') {
		if (end[1] != '\0')
			return 0;
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return 0;
		}
	}
	*out = (int64_t)v * mul;
	return 1;
}

/* ---- generate ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct gen_ctx {
	int json;
};

static int gen_cb(void *ctx, const struct pw_publish_crl_info *i)
{
	struct gen_ctx *g = ctx;
	char hex[65], tu[32], nu[32];
	pw_hex_encode(i->sha256, 32, hex);
	pw_cli_time_iso(i->this_update, tu, sizeof tu);
	pw_cli_time_iso(i->next_update, nu, sizeof nu);
	if (g->json) {
		json_t *o = json_object();
		char *t;
		json_object_set_new(o, "ca", json_string(i->ca_name));
		json_object_set_new(o, "scope", json_string(i->partition < 0 ? "full" : "partition"));
		if (i->partition >= 0)
			json_object_set_new(o, "partition", json_integer(i->partition));
		json_object_set_new(o, "number", json_integer((json_int_t)i->number));
		json_object_set_new(o, "entries", json_integer((json_int_t)i->entries));
		json_object_set_new(o, "this_update", json_string(tu));
		json_object_set_new(o, "next_update", json_string(nu));
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "bytes", json_integer((json_int_t)i->der_len));
		json_object_set_new(o, "url", i->url ? json_string(i->url) : json_null());
		json_object_set_new(o, "path", i->path ? json_string(i->path) : json_null());
		t = json_dumps(o, JSON_COMPACT);
		if (t != NULL)
			printf("%s\n", t);
		free(t);
		json_decref(o);
	} else {
		printf("%s\t%s\tnumber=%llu\tentries=%llu\tbytes=%zu\tnext_update=%s\t%s\n", i->ca_name,
		       i->partition < 0 ? "full" : "partition", (unsigned long long)i->number,
		       (unsigned long long)i->entries, i->der_len, nu, i->path ? i->path : "");
	}
	fflush(stdout);
	return 1;
}

static int cmd_generate(int argc, char **argv)
{
	enum { O_OUT = 256, O_CA, O_VALIDITY, O_REFRESH, O_INVALIDITY, O_WATCH, O_JSON, O_ACTOR };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"out", required_argument, NULL, O_OUT},
		{"ca", required_argument, NULL, O_CA},
		{"validity", required_argument, NULL, O_VALIDITY},
		{"refresh", required_argument, NULL, O_REFRESH},
		{"invalidity-date", no_argument, NULL, O_INVALIDITY},
		{"watch", no_argument, NULL, O_WATCH},
		{"json", no_argument, NULL, O_JSON},
		{"actor", required_argument, NULL, O_ACTOR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_result res;
	struct pw_publish_ca ca;
	struct gen_ctx g = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *ca_name = NULL;
	char actor_buf[CRL_ACTOR_MAX];
	int c, watch = 0, rc = PW_EXIT_USAGE;
	enum pw_status st;

	memset(&o, 0, sizeof o);
	memset(&ca, 0, sizeof ca);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_OUT: o.out_dir = optarg; break;
		case O_CA: ca_name = optarg; break;
		case O_VALIDITY:
			if (!parse_duration(optarg, &o.policy.validity)) {
				fprintf(stderr, "pkiward crl generate: --validity: \"%s\" is not a duration\n",
				        optarg);
				return PW_EXIT_USAGE;
			}
			break;
		case O_REFRESH:
			if (!parse_duration(optarg, &o.policy.refresh)) {
				fprintf(stderr, "pkiward crl generate: --refresh: \"%s\" is not a duration\n",
				        optarg);
				return PW_EXIT_USAGE;
			}
			break;
		case O_INVALIDITY: o.policy.invalidity_date = 1; break;
		case O_WATCH: watch = 1; break;
		case O_JSON: g.json = 1; break;
		case O_ACTOR: o.actor = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc || o.out_dir == NULL) {
		fprintf(stderr, "pkiward crl generate: --out DIR is required\n");
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	if ((st = pw_publish_crl_policy_check(&o.policy, &err)) != PW_OK) {
		pw_cli_print_error("crl generate", NULL, &err);
		return PW_EXIT_USAGE;
	}
	if (o.actor == NULL)
		o.actor = default_actor(actor_buf, sizeof actor_buf);
	o.fn = gen_cb;
	o.ctx = &g;
	if ((st = pw_store_open(pw_cli_store_path(store_flag), 0, &s, &err)) != PW_OK) {
		pw_cli_print_error("crl generate", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	if (ca_name != NULL) {
		if ((st = pw_publish_ca_get_by_name(s, ca_name, &ca, &err)) != PW_OK) {
			pw_cli_print_error("crl generate", NULL, &err);
			goto out;
		}
		o.ca_id = ca.id;
	}
	if (watch) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	for (;;) {
		int64_t refresh = o.policy.refresh ? o.policy.refresh : PW_PUBLISH_CRL_DEFAULT_REFRESH;
		struct timespec t0, t1;
		uint64_t gen;
		int64_t next_in;
		o.now = 0;
		st = pw_publish_crls(s, &o, &res, &err);
		if (st != PW_OK) {
			pw_cli_print_error("crl generate", NULL, &err);
			if (!watch) {
				rc = st == PW_ERR_PARSE ? PW_EXIT_FINDINGS : PW_EXIT_USAGE;
				goto out;
			}
		} else if (!watch) {
			if (res.cas == 0)
				fprintf(stderr, "pkiward crl generate: no CA is registered (pkiward ca add)\n");
			else if (!g.json)
				fprintf(stderr, "pkiward crl generate: %llu CRLs for %llu CAs, %llu entries "
				        "(%llu expired kept once more, %llu expired dropped)\n",
				        (unsigned long long)res.crls, (unsigned long long)res.cas,
				        (unsigned long long)res.entries, (unsigned long long)res.expired_kept,
				        (unsigned long long)res.expired_dropped);
			rc = PW_EXIT_OK;
			goto out;
		}
		/* --watch: the next run comes at the first revocation change (polled
		 * every PW_PUBLISH_POLL_MS) or when the refresh interval is up; after
		 * a failure, at the next change or in a minute. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		gen = res.generation;
		next_in = st == PW_OK ? refresh : WATCH_RETRY_SECS;
		for (int outage = 0;;) {
			uint64_t now_gen;
			if (stop_flag) {
				rc = PW_EXIT_OK;
				goto out;
			}
			if ((st = pw_publish_wait_change(s, gen, 1000, &now_gen, &err)) != PW_OK) {
				/* The store is out of reach (a database restart, a network
				 * cut): said once, and the watch goes on; the next read
				 * reconnects, and a change made meanwhile is still seen,
				 * since the generation is compared, not notifications. */
				if (st == PW_ERR_USAGE) {
					pw_cli_print_error("crl generate", NULL, &err);
					goto out;
				}
				if (!outage)
					pw_cli_print_error("crl generate", NULL, &err);
				outage = 1;
				sleep(1);
				continue;
			}
			if (outage)
				fprintf(stderr, "pkiward crl generate: the store answers again\n");
			outage = 0;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (now_gen != gen || (int64_t)(t1.tv_sec - t0.tv_sec) >= next_in)
				break;
		}
	}
out:
	pw_publish_ca_cleanup(&ca);
	pw_store_close(s);
	return rc;
}

/* ---- show ---- */

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static char *hex_of(const uint8_t *p, size_t n, char *buf, size_t buflen)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 3 <= buflen; i++)
		o += (size_t)snprintf(buf + o, buflen - o, "%02x", p[i]);
	if (buflen)
		buf[o < buflen ? o : buflen - 1] = '\0';
	return buf;
}

static void show_one(const struct pw_crl *l, const char *path, int all, int json)
{
	char issuer[1024], tu[32], nu[32], num[128], aki[160], when[32];
	size_t shown = all ? l->n_entries : (l->n_entries < CRL_SHOW_ENTRIES ? l->n_entries
	                                                                      : CRL_SHOW_ENTRIES);
	pw_name_to_text(&l->issuer, issuer, sizeof issuer);
	pw_cli_time_iso(l->this_update, tu, sizeof tu);
	if (l->has_next_update)
		pw_cli_time_iso(l->next_update, nu, sizeof nu);
	else
		snprintf(nu, sizeof nu, "-");
	hex_of(l->crl_number.p, l->has_crl_number ? l->crl_number.len : 0, num, sizeof num);
	hex_of(l->aki_key_id.p, l->has_aki ? l->aki_key_id.len : 0, aki, sizeof aki);
	if (json) {
		json_t *o = json_object(), *idp = json_array(), *ents = json_array();
		char hex[65], *t;
		pw_hex_encode(l->sha256, 32, hex);
		json_object_set_new(o, "file", json_string(path));
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "issuer", json_string(issuer));
		json_object_set_new(o, "signature_algorithm",
		                    json_string(pw_oid_name(l->sig_alg_outer.id)));
		json_object_set_new(o, "crl_number_hex", l->has_crl_number ? json_string(num) : json_null());
		json_object_set_new(o, "this_update", json_string(tu));
		json_object_set_new(o, "next_update", l->has_next_update ? json_string(nu) : json_null());
		json_object_set_new(o, "aki", l->has_aki ? json_string(aki) : json_null());
		for (size_t i = 0; l->has_idp && l->idp_dp.has_full_name && i < l->idp_dp.full_name.n; i++) {
			const struct pw_general_name *gn = &l->idp_dp.full_name.v[i];
			if (gn->type == PW_GN_URI)
				json_array_append_new(idp, json_stringn((const char *)gn->value.p, gn->value.len));
		}
		json_object_set_new(o, "idp_uris", idp);
		json_object_set_new(o, "entries", json_integer((json_int_t)l->n_entries));
		for (size_t i = 0; i < shown; i++) {
			const struct pw_crl_entry *e = &l->entries[i];
			json_t *je = json_object();
			char ser[2 * PW_STORE_MAX_SERIAL + 8];
			hex_of(e->serial.p, e->serial.len, ser, sizeof ser);
			pw_cli_time_iso(e->revocation_date, when, sizeof when);
			json_object_set_new(je, "serial", json_string(ser));
			json_object_set_new(je, "revocation_date", json_string(when));
			json_object_set_new(je, "reason", json_string(e->has_reason ? pw_cli_reason_name(e->reason)
			                                                            : "unspecified"));
			if (e->has_invalidity_date) {
				pw_cli_time_iso(e->invalidity_date, when, sizeof when);
				json_object_set_new(je, "invalidity_date", json_string(when));
			}
			json_array_append_new(ents, je);
		}
		json_object_set_new(o, "listed", ents);
		t = json_dumps(o, JSON_COMPACT);
		if (t != NULL)
			printf("%s\n", t);
		free(t);
		json_decref(o);
		return;
	}
	printf("%s:\n", path);
	printf("  issuer:        %s\n", issuer);
	printf("  signature:     %s\n", pw_oid_name(l->sig_alg_outer.id));
	printf("  crl number:    %s%s\n", l->has_crl_number ? "0x" : "", l->has_crl_number ? num : "-");
	printf("  this update:   %s\n", tu);
	printf("  next update:   %s\n", nu);
	printf("  aki:           %s\n", l->has_aki ? aki : "-");
	if (l->has_idp) {
		printf("  idp:          ");
		for (size_t i = 0; l->idp_dp.has_full_name && i < l->idp_dp.full_name.n; i++) {
			const struct pw_general_name *gn = &l->idp_dp.full_name.v[i];
			if (gn->type == PW_GN_URI)
				printf(" %.*s", (int)gn->value.len, (const char *)gn->value.p);
		}
		printf("\n");
	} else {
		printf("  idp:           - (full CRL)\n");
	}
	printf("  sha256:        ");
	print_hex(stdout, l->sha256, 32);
	printf("\n  entries:       %zu\n", l->n_entries);
	for (size_t i = 0; i < shown; i++) {
		const struct pw_crl_entry *e = &l->entries[i];
		char ser[2 * PW_STORE_MAX_SERIAL + 8];
		hex_of(e->serial.p, e->serial.len, ser, sizeof ser);
		pw_cli_time_iso(e->revocation_date, when, sizeof when);
		printf("    %s  %s  %s", ser, when,
		       e->has_reason ? pw_cli_reason_name(e->reason) : "unspecified");
		if (e->has_invalidity_date) {
			pw_cli_time_iso(e->invalidity_date, when, sizeof when);
			printf("  invalidity %s", when);
		}
		printf("\n");
	}
	if (shown < l->n_entries)
		printf("    ... %zu more (--all)\n", l->n_entries - shown);
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pw_objects objs = {0};
	struct pw_crl l;
	struct pw_error err;
	uint8_t *buf = NULL;
	size_t len = 0, n_crl = 0;
	int c, all = 0, json = 0, rc = PW_EXIT_USAGE;
	const char *path;

	pw_crl_init(&l);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "pkiward crl show: give one CRL file\n");
		return PW_EXIT_USAGE;
	}
	path = argv[optind];
	if (pw_cli_read_file(path, PW_CRL_MAX_DER, &buf, &len, &err) != PW_OK ||
	    pw_objects_read(buf, len, &objs, &err) != PW_OK) {
		pw_cli_print_error("crl show", path, &err);
		goto out;
	}
	for (size_t i = 0; i < objs.n; i++) {
		if (objs.v[i].type != PW_OBJ_CRL)
			continue;
		n_crl++;
		if (pw_crl_parse(&l, objs.v[i].der, objs.v[i].der_len, &err) != PW_OK) {
			pw_cli_print_error("crl show", path, &err);
			goto out;
		}
		show_one(&l, path, all, json);
	}
	if (n_crl == 0) {
		pw_error_set(&err, PW_ERR_PARSE, 0, 0, NULL, "no CRL found (DER or PEM \"X509 CRL\")");
		pw_cli_print_error("crl show", path, &err);
		goto out;
	}
	rc = PW_EXIT_OK;
out:
	pw_crl_cleanup(&l);
	pw_objects_free(&objs);
	free(buf);
	return rc;
}

/* ---- json-array ---- */

struct ja_ctx {
	json_t *obj;
	int failed;
};

static int ja_cb(void *ctx, const struct pw_publish_ca *ca)
{
	struct ja_ctx *j = ctx;
	char *t = pw_publish_ccadb_json_array(ca);
	json_t *arr = t ? json_loads(t, 0, NULL) : NULL;
	free(t);
	if (arr == NULL || json_object_set_new(j->obj, ca->name, arr) != 0) {
		j->failed = 1;
		return 0;
	}
	return 1;
}

static int cmd_json_array(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"ca", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pw_publish_ca ca;
	struct ja_ctx j = {NULL, 0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *name = NULL;
	int c, rc = PW_EXIT_USAGE;
	char *t = NULL;

	memset(&ca, 0, sizeof ca);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'c': name = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	if (pw_store_open(pw_cli_store_path(store_flag), PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("crl json-array", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	if (name != NULL) {
		if (pw_publish_ca_get_by_name(s, name, &ca, &err) != PW_OK) {
			pw_cli_print_error("crl json-array", NULL, &err);
			goto out;
		}
		t = pw_publish_ccadb_json_array(&ca);
	} else {
		if ((j.obj = json_object()) == NULL)
			goto out;
		if (pw_publish_ca_list(s, ja_cb, &j, &err) != PW_OK) {
			pw_cli_print_error("crl json-array", NULL, &err);
			goto out;
		}
		if (!j.failed)
			t = json_dumps(j.obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	}
	if (t == NULL) {
		fprintf(stderr, "pkiward crl json-array: out of memory\n");
		goto out;
	}
	printf("%s\n", t);
	rc = PW_EXIT_OK;
out:
	free(t);
	json_decref(j.obj);
	pw_publish_ca_cleanup(&ca);
	pw_store_close(s);
	return rc;
}

int pw_cli_crl(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "generate") == 0)
		return cmd_generate(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "json-array") == 0)
		return cmd_json_array(argc - 1, argv + 1);
	fprintf(stderr, "pkiward crl: unknown sub-command \"%s\"\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
