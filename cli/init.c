/* pkiward init: create (or migrate) a certificate base. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "pkiward/store.h"

int pw_cli_init(int argc, char **argv);

static void init_usage(FILE *out)
{
	fprintf(out, "usage: pkiward init [--store PATH]\n"
	             "  Creates the certificate base (default %s, or $PKIWARD_STORE)\n"
	             "  or applies pending schema migrations to an existing one.\n",
	             PW_CLI_DEFAULT_STORE);
}

int pw_cli_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'h': init_usage(stdout); return PW_EXIT_OK;
		default: init_usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		init_usage(stderr);
		return PW_EXIT_USAGE;
	}
	const char *path = pw_cli_store_path(store_flag);
	struct pw_error err;
	pw_error_clear(&err);
	struct pw_store *s = NULL;
	if (pw_store_open(path, PW_STORE_CREATE, &s, &err) != PW_OK) {
		pw_cli_print_error("init", path, &err);
		return PW_EXIT_USAGE;
	}
	int version = 0;
	if (pw_store_schema_version(s, &version, &err) != PW_OK) {
		pw_cli_print_error("init", path, &err);
		pw_store_close(s);
		return PW_EXIT_USAGE;
	}
	printf("%s: %s certificate base, schema version %d\n", path, pw_store_backend(s), version);
	pw_store_close(s);
	return PW_EXIT_OK;
}
