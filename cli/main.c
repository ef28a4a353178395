/* pkiward: the command. Dispatches to one function per verb (cli/<verb>.c).
 * Verbs are referenced weakly so the command links while a verb's module is
 * still being written; a missing verb says so instead of failing the build. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define PW_CLI_VERB_LIST(X) \
	X(init, "create or migrate a certificate base") \
	X(ingest, "read certificates (PEM, DER, directories, stdin) into the base") \
	X(find, "search the base (names, keys, issuers, dates, DCV methods...)") \
	X(show, "print one certificate in full") \
	X(lint, "lint certificates, precertificates, TBS certificates and CRLs") \
	X(check_key, "check a key for weakness and compromise") \
	X(report_key, "verify a proof of key compromise and revoke every certificate with the key") \
	X(revoke, "revoke certificates (single, bulk, planned)") \
	X(ca, "register issuing CAs for publication") \
	X(crl, "generate and inspect CRLs") \
	X(ocsp, "OCSP responder") \
	X(monitor, "check published CRLs and OCSP from outside") \
	X(audit, "audit statements and coverage") \
	X(policy, "CPS disclosure vs practice") \
	X(report, "problem reports: import, list, acknowledge, answer, close") \
	X(incident, "incidents and their IRG reports") \
	X(events, "verify and export the event log") \
	X(token, "admin API tokens") \
	X(serve, "the HTTP service") \
	X(demo, "build a demo CA and certificate base") \
	X(store, "copy a base between backends")

#define PW_CLI_DECLARE_(name, help) int pw_cli_##name(int argc, char **argv) __attribute__((weak));
PW_CLI_VERB_LIST(PW_CLI_DECLARE_)

struct verb {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
};

static void usage(FILE *out, const struct verb *verbs, size_t n)
{
	fprintf(out, "usage: pkiward <verb> [options]   (pkiward <verb> --help)\n\nverbs:\n");
	for (size_t i = 0; i < n; i++)
		if (verbs[i].fn != NULL)
			fprintf(out, "  %-11s %s\n", verbs[i].name, verbs[i].help);
}

int main(int argc, char **argv)
{
#define PW_CLI_ENTRY_(name, help) {#name, pw_cli_##name, help},
	struct verb verbs[] = {PW_CLI_VERB_LIST(PW_CLI_ENTRY_)};
	size_t n = sizeof verbs / sizeof verbs[0];
	/* "check_key" is spelt check-key on the command line. */
	for (size_t i = 0; i < n; i++) {
		static char names[32][16];
		if (strchr(verbs[i].name, '_') != NULL && i < 32) {
			snprintf(names[i], sizeof names[i], "%s", verbs[i].name);
			for (char *p = names[i]; *p; p++)
				if (*p == '_')
					*p = '-';
			verbs[i].name = names[i];
		}
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout, verbs, n);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("pkiward 0.1.0\n");
		return PW_EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		if (verbs[i].fn == NULL) {
			fprintf(stderr, "pkiward: '%s' is not available in this build\n", argv[1]);
			return PW_EXIT_USAGE;
		}
		return verbs[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "pkiward: unknown verb '%s'\n", argv[1]);
	usage(stderr, verbs, n);
	return PW_EXIT_USAGE;
}
