/* pkiward serve: the HTTP service (include/pkiward/serve.h, docs/serve.md).
 *
 *   pkiward serve --store S --listen ADDR:PORT [--config FILE] [--base-url URL]
 *                 [--web-dir DIR] [--crl-dir DIR] [--threads N] [--access-log FILE|-]
 *
 * Settings come from the config file first; flags override them. Runs until
 * SIGINT/SIGTERM, then stops gracefully. Exit: 0 after a clean stop, 2 for a
 * usage, configuration, store or bind error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "pkiward/serve.h"

int pw_cli_serve(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward serve --store PATH --listen ADDR:PORT [--config FILE]\n"
	        "         [--base-url URL] [--web-dir DIR] [--crl-dir DIR] [--threads N]\n"
	        "         [--access-log FILE|-] [--max-body BYTES] [--timeout SECS]\n"
	        "Serves ACME revokeCert (/acme/directory), OCSP (/ocsp), CRLs (/crl/), the\n"
	        "problem-report portal (/, /api/), the admin dashboard and API (/admin/,\n"
	        "/admin/api/: tokens from `pkiward token add`) and /metrics.\n"
	        "Plain HTTP: terminate TLS in a reverse proxy and set --base-url to the public\n"
	        "https URL (docs/serve.md). Config file: `key = value` lines (docs/serve.md).\n");
}

/* The asset directory when neither web_dir nor $PKIWARD_WEB_DIR names it:
 * web/ beside the build directory the binary is in (a source build), then
 * the installed location. Writes into buf; returns NULL when none exists. */
static const char *find_web_dir(char *buf, size_t cap)
{
	char exe[4096];
	struct stat sb;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			const char *rel[] = {"/../web", "/../../web", "/../share/pkiward/web"};
			for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
				snprintf(buf, cap, "%s%s/index.html", exe, rel[i]);
				if (stat(buf, &sb) == 0) {
					snprintf(buf, cap, "%s%s", exe, rel[i]);
					return buf;
				}
			}
		}
	}
	return NULL;
}

static void started(void *ctx, uint16_t port)
{
	const struct pw_serve_config *c = ctx;
	char host[256];
	const char *colon = strrchr(c->listen, ':');
	size_t hl = colon ? (size_t)(colon - c->listen) : strlen(c->listen);
	if (hl >= sizeof host)
		hl = sizeof host - 1;
	memcpy(host, c->listen, hl);
	host[hl] = '\0';
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	fprintf(stderr, "pkiward serve: listening on http://%s:%u/  (portal /, dashboard /admin/, ACME "
	                "/acme/directory, OCSP /ocsp, metrics /metrics)\n",
	        host, (unsigned)port);
	if (c->base_url != NULL)
		fprintf(stderr, "pkiward serve: public URL %s\n", c->base_url);
	fflush(stderr);
}

int pw_cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"listen", required_argument, NULL, 'l'},
		{"config", required_argument, NULL, 'c'},
		{"base-url", required_argument, NULL, 'b'},
		{"web-dir", required_argument, NULL, 'w'},
		{"crl-dir", required_argument, NULL, 'C'},
		{"threads", required_argument, NULL, 't'},
		{"access-log", required_argument, NULL, 'a'},
		{"max-body", required_argument, NULL, 'm'},
		{"timeout", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* Flags are applied after the file, whatever their order. */
	const char *keys[16], *vals[16];
	size_t n = 0;
	const char *config = NULL;
	struct pw_serve_config cfg;
	struct pw_serve *sv = NULL;
	struct pw_error err;
	int c, rc = PW_EXIT_USAGE;

	pw_serve_config_init(&cfg);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *k = NULL;
		switch (c) {
		case 's': k = "store"; break;
		case 'l': k = "listen"; break;
		case 'b': k = "base_url"; break;
		case 'w': k = "web_dir"; break;
		case 'C': k = "crl_dir"; break;
		case 't': k = "threads"; break;
		case 'a': k = "access_log"; break;
		case 'm': k = "max_body"; break;
		case 'T': k = "timeout"; break;
		case 'c': config = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
		if (k != NULL && n < sizeof keys / sizeof keys[0]) {
			keys[n] = k;
			vals[n++] = optarg;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward serve: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (config != NULL && pw_serve_config_load(&cfg, config, &err) != PW_OK) {
		pw_cli_print_error("serve", NULL, &err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (pw_serve_config_set(&cfg, keys[i], vals[i], &err) != PW_OK) {
			fprintf(stderr, "pkiward serve: --%s: %s\n", keys[i], err.msg);
			goto out;
		}
	if (cfg.store == NULL) {
		const char *p = pw_cli_store_path(NULL);
		if (pw_serve_config_set(&cfg, "store", p, &err) != PW_OK) {
			pw_cli_print_error("serve", p, &err);
			goto out;
		}
	}
	if (cfg.listen == NULL) {
		fprintf(stderr, "pkiward serve: --listen ADDR:PORT is required (or listen = in the config file)\n");
		goto out;
	}
	if (cfg.web_dir == NULL && getenv("PKIWARD_WEB_DIR") != NULL &&
	    pw_serve_config_set(&cfg, "web_dir", getenv("PKIWARD_WEB_DIR"), &err) != PW_OK) {
		fprintf(stderr, "pkiward serve: PKIWARD_WEB_DIR: %s\n", err.msg);
		goto out;
	}
	char webbuf[4200];
	const char *web = cfg.web_dir == NULL ? find_web_dir(webbuf, sizeof webbuf) : NULL;
	if (web != NULL && pw_serve_config_set(&cfg, "web_dir", web, &err) != PW_OK) {
		fprintf(stderr, "pkiward serve: %s: %s\n", web, err.msg);
		goto out;
	}
	if (pw_serve_new(&cfg, &sv, &err) != PW_OK) {
		pw_cli_print_error("serve", cfg.store, &err);
		goto out;
	}
	if (pw_serve_run(sv, started, &cfg, &err) != PW_OK) {
		pw_cli_print_error("serve", cfg.listen, &err);
		goto out;
	}
	fprintf(stderr, "pkiward serve: stopped\n");
	rc = PW_EXIT_OK;
out:
	pw_serve_free(sv);
	pw_serve_config_cleanup(&cfg);
	return rc;
}
