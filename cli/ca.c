/* pkiward ca: the registry of issuing CAs pkiward publishes CRLs (and OCSP)
 * for (publish.h).
 *
 *   pkiward ca add --store S --cert CA.pem --key KEY.pem|pkcs11:URI [--name NAME]
 *       [--crl-base-url URL] [--partitions N] [--ocsp-url URL]
 *       [--ocsp-responder-cert C --ocsp-responder-key K] [--replace] [--json]
 *   pkiward ca list --store S [--json]
 *
 * Exit status: 0 ok; 2 usage, input, key or store error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/publish.h"
#include "pkiward/store.h"

int pw_cli_ca(int argc, char **argv);

/* A CA certificate file is small. */
#define CA_MAX_CERT_FILE ((size_t)1 << 20)
#define CA_ACTOR_MAX 128

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward ca add [--store S] --cert CA.pem --key KEY.pem|pkcs11:URI\n"
	        "         [--name NAME] [--crl-base-url URL] [--partitions N] [--ocsp-url URL]\n"
	        "         [--ocsp-responder-cert C.pem --ocsp-responder-key K.pem|pkcs11:URI]\n"
	        "         [--replace] [--json]\n"
	        "       pkiward ca list [--store S] [--json]\n"
	        "--name: URL path segment of the CA (default ca-<first 12 hex of its SHA-256>).\n"
	        "CRL URLs: <base>/<name>/full.crl and <base>/<name>/<p>.crl for p = 0..N-1, where a\n"
	        "  certificate's partition is serial mod N (docs/publication.md). Without\n"
	        "  --crl-base-url only the full CRL is generated.\n"
	        "PKCS#11: the PIN comes from pin-value in the URI or $PW_PKCS11_PIN; the module from\n"
	        "  module-path in the URI or $PW_PKCS11_MODULE.\n");
}

static const char *default_actor(char *buf, size_t n)
{
	const char *u = getenv("USER");
	snprintf(buf, n, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	return buf;
}

/* Reads exactly one certificate (PEM or DER) from path into *out. */
static enum pw_status read_cert(const char *path, const char *field, uint8_t **out, size_t *out_len,
                                struct pw_error *err)
{
	uint8_t *buf = NULL;
	size_t len = 0, found = 0;
	struct pw_objects objs = {0};
	enum pw_status st;

	*out = NULL;
	if ((st = pw_cli_read_file(path, CA_MAX_CERT_FILE, &buf, &len, err)) != PW_OK)
		goto out;
	if ((st = pw_objects_read(buf, len, &objs, err)) != PW_OK)
		goto out;
	for (size_t i = 0; i < objs.n; i++) {
		if (objs.v[i].type != PW_OBJ_CERTIFICATE)
			continue;
		if (found++ == 0) {
			if ((*out = malloc(objs.v[i].der_len)) == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, field, "out of memory");
				goto out;
			}
			memcpy(*out, objs.v[i].der, objs.v[i].der_len);
			*out_len = objs.v[i].der_len;
		}
	}
	if (found == 0) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, field, "holds no certificate");
		goto out;
	}
	if (found > 1) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, field,
		                  "holds %zu certificates; give exactly one", found);
		goto out;
	}
out:
	if (st != PW_OK) {
		free(*out);
		*out = NULL;
	}
	pw_objects_free(&objs);
	free(buf);
	return st;
}

/* Strict decimal in [lo, hi]. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;
	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

/* A key reference for display: a PKCS#11 pin-value is never printed. */
static void redact_key(const char *ref, char *out, size_t n)
{
	const char *pin = ref ? strstr(ref, "pin-value=") : NULL;
	if (ref == NULL) {
		snprintf(out, n, "-");
		return;
	}
	if (pin == NULL || strncmp(ref, "pkcs11:", 7) != 0) {
		snprintf(out, n, "%s", ref);
		return;
	}
	const char *rest = pin + strcspn(pin, ";?&");
	snprintf(out, n, "%.*spin-value=REDACTED%s", (int)(pin - ref), ref, rest);
}

static int cmd_add(int argc, char **argv)
{
	enum { O_CERT = 256, O_KEY, O_NAME, O_BASE, O_PARTS, O_OCSP, O_RCERT, O_RKEY, O_REPLACE,
	       O_JSON, O_ACTOR };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"cert", required_argument, NULL, O_CERT},
		{"key", required_argument, NULL, O_KEY},
		{"name", required_argument, NULL, O_NAME},
		{"crl-base-url", required_argument, NULL, O_BASE},
		{"partitions", required_argument, NULL, O_PARTS},
		{"ocsp-url", required_argument, NULL, O_OCSP},
		{"ocsp-responder-cert", required_argument, NULL, O_RCERT},
		{"ocsp-responder-key", required_argument, NULL, O_RKEY},
		{"replace", no_argument, NULL, O_REPLACE},
		{"json", no_argument, NULL, O_JSON},
		{"actor", required_argument, NULL, O_ACTOR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct pw_publish_ca_spec spec;
	struct pw_publish_ca ca;
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL, *cert_path = NULL, *rcert_path = NULL, *parts = NULL;
	uint8_t *cert = NULL, *rcert = NULL;
	size_t cert_len = 0, rcert_len = 0;
	char actor_buf[CA_ACTOR_MAX], url[PW_PUBLISH_URL_BUF], hex[65];
	char key_abs[PATH_MAX], rkey_abs[PATH_MAX];
	int c, json = 0, rc = PW_EXIT_USAGE;
	int64_t id = 0;
	enum pw_status st;

	memset(&spec, 0, sizeof spec);
	memset(&ca, 0, sizeof ca);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_CERT: cert_path = optarg; break;
		case O_KEY: spec.key_ref = optarg; break;
		case O_NAME: spec.name = optarg; break;
		case O_BASE: spec.crl_base_url = optarg; break;
		case O_PARTS: parts = optarg; break;
		case O_OCSP: spec.ocsp_url = optarg; break;
		case O_RCERT: rcert_path = optarg; break;
		case O_RKEY: spec.responder_key_ref = optarg; break;
		case O_REPLACE: spec.replace = 1; break;
		case O_JSON: json = 1; break;
		case O_ACTOR: spec.actor = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc || cert_path == NULL || spec.key_ref == NULL) {
		fprintf(stderr, "pkiward ca add: --cert and --key are required%s\n",
		        optind != argc ? " (and no positional arguments)" : "");
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	if (parts != NULL) {
		unsigned long v;
		if (!parse_uint(parts, 1, PW_PUBLISH_MAX_PARTITIONS, &v)) {
			fprintf(stderr, "pkiward ca add: --partitions: \"%s\" is not a number of "
			        "partitions from 1 to %u\n", parts, PW_PUBLISH_MAX_PARTITIONS);
			return PW_EXIT_USAGE;
		}
		spec.partitions = (unsigned)v;
	}
	if (spec.actor == NULL)
		spec.actor = default_actor(actor_buf, sizeof actor_buf);
	/* The registry outlives this working directory: key files are kept by
	 * absolute path (a missing file is reported by the key check). */
	if (strncmp(spec.key_ref, "pkcs11:", 7) != 0 && realpath(spec.key_ref, key_abs) != NULL)
		spec.key_ref = key_abs;
	if (spec.responder_key_ref != NULL && strncmp(spec.responder_key_ref, "pkcs11:", 7) != 0 &&
	    realpath(spec.responder_key_ref, rkey_abs) != NULL)
		spec.responder_key_ref = rkey_abs;
	if ((st = read_cert(cert_path, "--cert", &cert, &cert_len, &err)) != PW_OK) {
		pw_cli_print_error("ca add", cert_path, &err);
		goto out;
	}
	spec.cert_der = cert;
	spec.cert_len = cert_len;
	if (rcert_path != NULL) {
		if ((st = read_cert(rcert_path, "--ocsp-responder-cert", &rcert, &rcert_len, &err)) !=
		    PW_OK) {
			pw_cli_print_error("ca add", rcert_path, &err);
			goto out;
		}
		spec.responder_cert_der = rcert;
		spec.responder_cert_len = rcert_len;
	}
	if ((st = pw_store_open(pw_cli_store_path(store_flag), 0, &s, &err)) != PW_OK) {
		pw_cli_print_error("ca add", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	if ((st = pw_publish_ca_add(s, &spec, &id, &err)) != PW_OK) {
		pw_cli_print_error("ca add", NULL, &err);
		goto out;
	}
	if ((st = pw_publish_ca_get(s, id, &ca, &err)) != PW_OK) {
		pw_cli_print_error("ca add", NULL, &err);
		goto out;
	}
	pw_hex_encode(ca.cert_sha256, 32, hex);
	if (json) {
		printf("{\"id\":%lld,\"name\":\"%s\",\"cert_sha256\":\"%s\",\"partitions\":%u,"
		       "\"full_crl_url\":", (long long)ca.id, ca.name, hex, ca.partitions);
		if (pw_publish_full_url(&ca, url, sizeof url))
			printf("\"%s\"", url);
		else
			printf("null");
		printf(",\"crl_partition_url_template\":");
		if (ca.crl_base_url != NULL)
			printf("\"%s/%s/{serial mod %u}.crl\"}\n", ca.crl_base_url, ca.name, ca.partitions);
		else
			printf("null}\n");
	} else {
		printf("%s CA %lld \"%s\" (%s)\n", spec.replace ? "updated" : "registered",
		       (long long)ca.id, ca.name, hex);
		if (pw_publish_full_url(&ca, url, sizeof url)) {
			printf("  full CRL:   %s\n", url);
			printf("  partitions: %u, certificate CRLDP = %s/%s/<serial mod %u>.crl\n",
			       ca.partitions, ca.crl_base_url, ca.name, ca.partitions);
		} else {
			printf("  no --crl-base-url: only the full CRL is generated (<out>/%s/full.crl)\n",
			       ca.name);
		}
		if (ca.ocsp_url != NULL)
			printf("  OCSP:       %s%s\n", ca.ocsp_url,
			       ca.responder_cert_der ? " (delegated responder)" : "");
	}
	rc = PW_EXIT_OK;
out:
	pw_publish_ca_cleanup(&ca);
	pw_store_close(s);
	free(cert);
	free(rcert);
	return rc;
}

struct list_ctx {
	int json;
	json_t *arr;
	size_t n;
};

static int list_cb(void *ctx, const struct pw_publish_ca *ca)
{
	struct list_ctx *l = ctx;
	char hex[65], key[PW_PUBLISH_MAX_KEY_REF + 32], url[PW_PUBLISH_URL_BUF];
	pw_hex_encode(ca->cert_sha256, 32, hex);
	redact_key(ca->key_ref, key, sizeof key);
	l->n++;
	if (l->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(ca->id));
		json_object_set_new(o, "name", json_string(ca->name));
		json_object_set_new(o, "cert_sha256", json_string(hex));
		json_object_set_new(o, "key", json_string(key));
		json_object_set_new(o, "crl_base_url",
		                    ca->crl_base_url ? json_string(ca->crl_base_url) : json_null());
		json_object_set_new(o, "partitions", json_integer(ca->partitions));
		json_object_set_new(o, "full_crl_url", pw_publish_full_url(ca, url, sizeof url)
		                                           ? json_string(url) : json_null());
		json_object_set_new(o, "ocsp_url", ca->ocsp_url ? json_string(ca->ocsp_url) : json_null());
		json_object_set_new(o, "delegated_responder", json_boolean(ca->responder_cert_der != NULL));
		json_object_set_new(o, "next_crl_number", json_integer(ca->next_crl_number));
		json_array_append_new(l->arr, o);
	} else {
		printf("%lld\t%s\t%s\tkey=%s\tcrl=%s\tpartitions=%u\tocsp=%s%s\tnext_crl_number=%lld\n",
		       (long long)ca->id, ca->name, hex, key,
		       ca->crl_base_url ? ca->crl_base_url : "-", ca->partitions,
		       ca->ocsp_url ? ca->ocsp_url : "-", ca->responder_cert_der ? " (delegated)" : "",
		       (long long)ca->next_crl_number);
	}
	return 1;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_ctx l = {0, NULL, 0};
	struct pw_store *s = NULL;
	struct pw_error err;
	const char *store_flag = NULL;
	int c, rc = PW_EXIT_USAGE;

	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'j': l.json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return PW_EXIT_USAGE;
	}
	if (pw_store_open(pw_cli_store_path(store_flag), PW_STORE_READONLY, &s, &err) != PW_OK) {
		pw_cli_print_error("ca list", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	if (l.json && (l.arr = json_array()) == NULL)
		goto out;
	if (pw_publish_ca_list(s, list_cb, &l, &err) != PW_OK) {
		pw_cli_print_error("ca list", NULL, &err);
		goto out;
	}
	if (l.json) {
		char *t = json_dumps(l.arr, JSON_COMPACT);
		if (t == NULL)
			goto out;
		printf("%s\n", t);
		free(t);
	} else if (l.n == 0) {
		fprintf(stderr, "pkiward ca list: no CA is registered (pkiward ca add)\n");
	}
	rc = PW_EXIT_OK;
out:
	json_decref(l.arr);
	pw_store_close(s);
	return rc;
}

int pw_cli_ca(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	fprintf(stderr, "pkiward ca: unknown sub-command \"%s\"\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
