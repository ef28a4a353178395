/* pkiward token: admin API tokens (serve.h).
 *
 *   pkiward token add --store S --role operator|read-only [--label TEXT] [--json]
 *   pkiward token list --store S [--json]
 *   pkiward token revoke --store S --id N
 *
 * `add` prints the new token once: only its SHA-256 is stored, so it cannot
 * be shown again (make a new one instead). Exit: 0 ok, 2 usage/store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "pkiward/serve.h"
#include "pkiward/store_serve.h"

int pw_cli_token(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out, "usage: pkiward token add --store PATH --role operator|read-only [--label TEXT] [--json]\n"
	             "       pkiward token list --store PATH [--json]\n"
	             "       pkiward token revoke --store PATH --id N\n"
	             "A token is printed once by `add`; only its SHA-256 is stored.\n"
	             "read-only tokens read the admin API and dashboard; operator tokens may also act.\n");
}

struct list_ctx {
	int json;
	json_t *arr;
};

static int list_row(void *vctx, const struct pw_store_serve_token *t)
{
	struct list_ctx *lc = vctx;
	char created[32], revoked[32];
	pw_cli_time_iso(t->created_at, created, sizeof created);
	if (t->revoked_at)
		pw_cli_time_iso(t->revoked_at, revoked, sizeof revoked);
	if (lc->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(t->id));
		json_object_set_new(o, "role", json_string(pw_store_serve_role_name(t->role)));
		json_object_set_new(o, "label", t->label ? json_string(t->label) : json_null());
		json_object_set_new(o, "created_at", json_string(created));
		json_object_set_new(o, "revoked_at", t->revoked_at ? json_string(revoked) : json_null());
		json_array_append_new(lc->arr, o);
	} else {
		printf("%-5lld %-9s %-20s %-20s %s\n", (long long)t->id, pw_store_serve_role_name(t->role), created,
		       t->revoked_at ? revoked : "-", t->label ? t->label : "");
	}
	return 1;
}

int pw_cli_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"role", required_argument, NULL, 'r'},
		{"label", required_argument, NULL, 'L'},
		{"id", required_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL, *role_s = NULL, *label = NULL, *id_s = NULL;
	struct pw_store *s = NULL;
	struct pw_error err;
	int json = 0, c, rc = PW_EXIT_USAGE;
	char actor[128];

	pw_error_clear(&err);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	const char *sub = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'r': role_s = optarg; break;
		case 'L': label = optarg; break;
		case 'i': id_s = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward token: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	const char *u = getenv("USER");
	snprintf(actor, sizeof actor, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	const char *path = pw_cli_store_path(store_flag);
	if (strcmp(sub, "add") == 0) {
		enum pw_store_serve_role role = pw_store_serve_role_parse(role_s);
		if (role == PW_STORE_ROLE_NONE) {
			fprintf(stderr, "pkiward token add: --role operator or --role read-only is required\n");
			return PW_EXIT_USAGE;
		}
		char text[PW_SERVE_TOKEN_TEXT_MAX];
		int64_t id = 0;
		if (pw_store_open(path, 0, &s, &err) != PW_OK ||
		    pw_serve_token_create(s, role, label, actor, text, &id, &err) != PW_OK) {
			pw_cli_print_error("token", path, &err);
			goto out;
		}
		if (json) {
			printf("{\"id\": %lld, \"role\": \"%s\", \"token\": \"%s\"}\n", (long long)id,
			       pw_store_serve_role_name(role), text);
		} else {
			printf("%s\n", text);
			fprintf(stderr, "token %lld (%s) created; it is shown only now: send it as "
			                "\"Authorization: Bearer <token>\"\n",
			        (long long)id, pw_store_serve_role_name(role));
		}
		OPENSSL_cleanse(text, sizeof text);
		rc = PW_EXIT_OK;
	} else if (strcmp(sub, "list") == 0) {
		struct list_ctx lc = {json, json ? json_array() : NULL};
		if (pw_store_open(path, PW_STORE_READONLY, &s, &err) != PW_OK ||
		    pw_store_serve_token_list(s, list_row, &lc, &err) != PW_OK) {
			pw_cli_print_error("token", path, &err);
			json_decref(lc.arr);
			goto out;
		}
		if (json) {
			char *t = json_dumps(lc.arr, JSON_INDENT(2));
			printf("%s\n", t ? t : "[]");
			free(t);
			json_decref(lc.arr);
		}
		rc = PW_EXIT_OK;
	} else if (strcmp(sub, "revoke") == 0) {
		char *end = NULL;
		long long id = id_s ? strtoll(id_s, &end, 10) : 0;
		if (id_s == NULL || *end != '\0' || id <= 0) {
			fprintf(stderr, "pkiward token revoke: --id N (a token id from `token list`) is required\n");
			return PW_EXIT_USAGE;
		}
		if (pw_store_open(path, 0, &s, &err) != PW_OK || pw_serve_token_revoke(s, id, actor, &err) != PW_OK) {
			pw_cli_print_error("token", path, &err);
			goto out;
		}
		printf("token %lld revoked\n", id);
		rc = PW_EXIT_OK;
	} else {
		fprintf(stderr, "pkiward token: unknown sub-command '%s'\n", sub);
		usage(stderr);
	}
out:
	pw_store_close(s);
	return rc;
}
