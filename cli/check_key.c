/* pkiward check-key: check keys for weakness and compromise before issuing
 * (BR 6.1.1.3). Meant to be called by a CA pipeline on every CSR.
 *
 *   pkiward check-key FILE... [--blocklist FILE]... [--debian-blocklist FILE]...
 *                     [--compromised FILE]... [--json] [--fast]
 *
 * FILE: a certificate, CSR, SPKI, PKCS#1 public key, private key (PEM or
 * DER), a JWK, or a bare hex RSA modulus; "-" is stdin. Blocklists are in the
 * Debian weak key list format (one lowercase hex SHA-256 a line).
 * --fast skips the primality test of RSA moduli (one full-size modular
 * exponentiation per key) for bulk runs.
 * Output: per file a line with the key and its findings; --json prints one
 * JSON object per file (JSON Lines).
 * Exit status: 0 every key clean (warnings and notices allowed), 1 some key
 * weak or blocked, 2 usage error or an input that could not be read/parsed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/keys.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"

int pw_cli_check_key(int argc, char **argv);

/* Blocklists one run may load. */
#define CHECK_KEY_MAX_LISTS 64

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward check-key FILE... [--blocklist FILE]... [--debian-blocklist FILE]...\n"
	        "                         [--compromised FILE]... [--store PATH] [--json] [--fast]\n"
	        "\n"
	        "--store: also refuse every key blocked in that certificate base (report-key).\n"
	        "Checks keys (certificate, CSR, public/private key PEM or DER, JWK, hex modulus)\n"
	        "for BR 6.1.1.3/6.1.5/6.1.6 weaknesses: sizes, exponents, small factors, Fermat,\n"
	        "ROCA, invalid EC points, patterned moduli, and blocklist membership.\n"
	        "Exit: 0 clean, 1 weak or blocked key, 2 unreadable input or usage error.\n");
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int load_list(struct pw_keys_blocklist **lists, size_t *n, const char *path, enum pw_keys_list_kind kind)
{
	struct pw_error err;
	if (*n == CHECK_KEY_MAX_LISTS) {
		fprintf(stderr, "pkiward check-key: more than %d blocklists\n", CHECK_KEY_MAX_LISTS);
		return 0;
	}
	struct pw_keys_blocklist *bl = pw_keys_blocklist_new(base_name(path), kind);
	if (bl == NULL) {
		fprintf(stderr, "pkiward check-key: out of memory\n");
		return 0;
	}
	if (pw_keys_blocklist_load_file(bl, path, NULL, &err) != PW_OK) {
		pw_cli_print_error("check-key", NULL, &err);
		pw_keys_blocklist_free(bl);
		return 0;
	}
	lists[(*n)++] = bl;
	return 1;
}

/* --store: the keys blocked in a certificate base (every proven key
 * compromise, BR 6.1.1.3(4)), loaded by revoke/ from its blocked_key table. */
static int load_store_list(struct pw_keys_blocklist **lists, size_t *n, const char *path)
{
	struct pw_error err;
	struct pw_store *s = NULL;
	if (*n == CHECK_KEY_MAX_LISTS) {
		fprintf(stderr, "pkiward check-key: more than %d blocklists\n", CHECK_KEY_MAX_LISTS);
		return 0;
	}
	struct pw_keys_blocklist *bl = pw_keys_blocklist_new("store-blocked", PW_KEYS_LIST_COMPROMISED);
	if (bl == NULL) {
		fprintf(stderr, "pkiward check-key: out of memory\n");
		return 0;
	}
	if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK ||
	    pw_revoke_blocklist_load(s, bl, NULL, &err) != PW_OK) {
		pw_cli_print_error("check-key", path, &err);
		pw_store_close(s);
		pw_keys_blocklist_free(bl);
		return 0;
	}
	pw_store_close(s);
	lists[(*n)++] = bl;
	return 1;
}

static void print_human(const char *file, const struct pw_keys_key *k, const struct pw_keys_result *r)
{
	uint8_t h[32];
	char hex[65] = "-";
	if (pw_keys_key_spki_sha256(k, h))
		pw_hex_encode(h, 32, hex);
	const char *curve = pw_keys_key_curve(k);
	printf("%s: %s %u bits%s%s (%s), spki sha256 %s: %s\n", file, pw_keys_type_name(pw_keys_key_type(k)),
	       pw_keys_key_bits(k), curve ? " " : "", curve ? curve : "", pw_keys_source_name(pw_keys_key_source(k)),
	       hex, pw_keys_result_has_error(r) ? "WEAK" : "ok");
	for (size_t i = 0; i < r->n; i++)
		printf("  %-6s %-44s %-34s %s\n", pw_keys_severity_name(r->v[i].severity), r->v[i].name,
		       r->v[i].citation, r->v[i].detail);
	if (r->truncated)
		printf("  (more findings not shown)\n");
}

static void print_json(const char *file, const struct pw_keys_key *k, const struct pw_keys_result *r,
                       const char *error)
{
	json_t *o = json_object();
	uint8_t h[32];
	char hex[65];
	json_object_set_new(o, "file", json_string(file));
	if (error != NULL) {
		json_object_set_new(o, "error", json_string(error));
	} else {
		json_object_set_new(o, "type", json_string(pw_keys_type_name(pw_keys_key_type(k))));
		json_object_set_new(o, "bits", json_integer(pw_keys_key_bits(k)));
		if (pw_keys_key_curve(k))
			json_object_set_new(o, "curve", json_string(pw_keys_key_curve(k)));
		json_object_set_new(o, "source", json_string(pw_keys_source_name(pw_keys_key_source(k))));
		if (pw_keys_key_spki_sha256(k, h)) {
			pw_hex_encode(h, 32, hex);
			json_object_set_new(o, "spki_sha256", json_string(hex));
		}
		if (pw_keys_key_badkeys_sha256(k, h)) {
			pw_hex_encode(h, 32, hex);
			json_object_set_new(o, "badkeys_sha256", json_string(hex));
		}
		json_object_set_new(o, "result", json_string(pw_keys_result_has_error(r) ? "weak" : "ok"));
		json_t *a = json_array();
		for (size_t i = 0; i < r->n; i++) {
			json_t *f = json_object();
			json_object_set_new(f, "name", json_string(r->v[i].name));
			json_object_set_new(f, "severity", json_string(pw_keys_severity_name(r->v[i].severity)));
			json_object_set_new(f, "citation", json_string(r->v[i].citation));
			json_object_set_new(f, "detail", json_string(r->v[i].detail));
			json_array_append_new(a, f);
		}
		json_object_set_new(o, "findings", a);
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

int pw_cli_check_key(int argc, char **argv)
{
	struct pw_keys_blocklist *lists[CHECK_KEY_MAX_LISTS];
	size_t n_lists = 0;
	int json = 0, fast = 0, rc = PW_EXIT_OK, any_weak = 0, any_input = 0;
	static const struct option opts[] = {
		{"blocklist", required_argument, NULL, 'b'},
		{"debian-blocklist", required_argument, NULL, 'd'},
		{"compromised", required_argument, NULL, 'c'},
		{"store", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"fast", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, "b:d:c:s:jfh", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
		case 'd':
		case 'c':
			if (!load_list(lists, &n_lists, optarg,
			               ch == 'b' ? PW_KEYS_LIST_OTHER : ch == 'd' ? PW_KEYS_LIST_DEBIAN_WEAK
			                                                        : PW_KEYS_LIST_COMPROMISED)) {
				rc = PW_EXIT_USAGE;
				goto out;
			}
			break;
		case 's':
			if (!load_store_list(lists, &n_lists, optarg)) {
				rc = PW_EXIT_USAGE;
				goto out;
			}
			break;
		case 'j': json = 1; break;
		case 'f': fast = 1; break;
		case 'h':
			usage(stdout);
			goto out;
		default:
			usage(stderr);
			rc = PW_EXIT_USAGE;
			goto out;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "pkiward check-key: no input files\n");
		usage(stderr);
		rc = PW_EXIT_USAGE;
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		const char *file = argv[i];
		uint8_t *buf = NULL;
		size_t len = 0;
		struct pw_error err;
		struct pw_keys_key *k = NULL;
		struct pw_keys_result res;
		if (pw_cli_read_file(file, PW_KEYS_MAX_INPUT, &buf, &len, &err) != PW_OK ||
		    pw_keys_key_parse(buf, len, &k, &err) != PW_OK ||
		    pw_keys_check(k, (const struct pw_keys_blocklist *const *)lists, n_lists,
		                  fast ? PW_KEYS_CHECK_FAST : PW_KEYS_CHECK_ALL, &res, &err) != PW_OK) {
			char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
			any_input = 1;
			if (json)
				print_json(file, NULL, NULL, pw_error_format(&err, msg, sizeof msg));
			pw_cli_print_error("check-key", file, &err);
		} else {
			if (pw_keys_result_has_error(&res))
				any_weak = 1;
			if (json)
				print_json(file, k, &res, NULL);
			else
				print_human(file, k, &res);
		}
		pw_keys_key_free(k);
		free(buf);
	}
	rc = any_input ? PW_EXIT_USAGE : any_weak ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	for (size_t i = 0; i < n_lists; i++)
		pw_keys_blocklist_free(lists[i]);
	return rc;
}
