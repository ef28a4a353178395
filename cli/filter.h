/* pkiward command line: the certificate filter flags shared by `find` and
 * `revoke --from-find` (one parser, so both verbs select exactly the same
 * certificates for the same flags). */
#ifndef PKIWARD_CLI_FILTER_H
#define PKIWARD_CLI_FILTER_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "pkiward/store.h"

/* getopt_long codes of the filter flags start here (verbs use codes below). */
#define PW_CLI_FILTER_OPT_BASE 0x1000

/* Most options one verb merges with the filter flags. */
#define PW_CLI_MAX_OPTIONS 96

struct pw_cli_filter {
	struct pw_store_filter f;
	const char *issuer; /* --issuer as given (resolved by _finish) */
	int n_conditions;   /* filter flags given (not counting --now) */
};

/* The filter flags, terminated by an all-zero entry. */
extern const struct option pw_cli_filter_options[];

/* Writes the filter flags then the verb's own options (`own`, terminated by
 * an all-zero entry) into out (cap entries, terminator included). Returns 1,
 * or 0 when cap is too small. */
int pw_cli_filter_merge_options(const struct option *own, struct option *out, size_t cap);

/* Starts an empty filter (matches everything) with now = the current time. */
void pw_cli_filter_init(struct pw_cli_filter *cf);

/* Handles one getopt_long result. Returns 1 when it was a filter flag and
 * its value is good, 0 when `code` is not a filter flag, -1 when the value
 * is bad (a message naming the verb, the flag and the value is printed). */
int pw_cli_filter_option(struct pw_cli_filter *cf, const char *verb, int code, const char *arg);

/* Resolves --issuer (64 hex digits: the CA certificate's SHA-256; anything
 * else: its subject DN). Call once after option parsing. */
void pw_cli_filter_finish(struct pw_cli_filter *cf);

/* Prints the filter flag help lines. */
void pw_cli_filter_usage(FILE *out);

#endif
