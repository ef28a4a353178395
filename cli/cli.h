/* pkiward command line: shared declarations. Each verb lives in
 * cli/<verb>.c and exports `int pw_cli_<verb>(int argc, char **argv)`, where
 * argv[0] is the verb name. Exit status (DESIGN.md): 0 ok, 1 findings (lint
 * errors, rejected inputs, uncovered certificates...), 2 usage or fatal error. */
#ifndef PKIWARD_CLI_H
#define PKIWARD_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pkiward/status.h"

#define PW_EXIT_OK 0
#define PW_EXIT_FINDINGS 1
#define PW_EXIT_USAGE 2

/* Default store when neither --store nor $PKIWARD_STORE is given. */
#define PW_CLI_DEFAULT_STORE "./pkiward.db"

/* Largest file a verb reads whole into memory (larger inputs are refused
 * with a clear error instead of exhausting memory). */
#define PW_CLI_MAX_INPUT_FILE ((size_t)1 << 30)

/* Returns the store location: `flag_value` if non-NULL, else $PKIWARD_STORE,
 * else PW_CLI_DEFAULT_STORE. Borrowed string. */
const char *pw_cli_store_path(const char *flag_value);

/* Reads a whole file ("-" = stdin) into a malloc'd buffer (*out, *out_len;
 * caller frees). Refuses files over `max` bytes. Fills *err naming the file. */
enum pw_status pw_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len,
                                struct pw_error *err) PW_WARN_UNUSED;

/* Prints "pkiward <verb>: <path>: <formatted error>" to stderr. path may be NULL. */
void pw_cli_print_error(const char *verb, const char *path, const struct pw_error *err);

/* Returns 1 if stderr is a terminal (progress bars are drawn only then). */
int pw_cli_stderr_is_tty(void);

/* Draws/updates a one-line progress bar on stderr ("label  12,345/1,000,000
 * [####....] 1.2%  54,321/s"). total may be 0 when unknown. Rate-limited
 * internally to ~10 redraws/s; call pw_cli_progress_end() to finish the line. */
void pw_cli_progress(const char *label, uint64_t done, uint64_t total);
void pw_cli_progress_end(void);

/* Formats Unix seconds as "2021-03-13T10:00:00Z" into buf (>= 21 bytes). */
char *pw_cli_time_iso(int64_t t, char *buf, size_t buflen);

/* Parses "YYYY-MM-DD" (midnight UTC) or an RFC 3339 date-time. Returns 1. */
int pw_cli_parse_time(const char *s, int64_t *out);

/* Writes one CSV field (RFC 4180 quoting when needed) to out. */
void pw_cli_csv_field(FILE *out, const char *s);

/* CRLReason name (RFC 5280 §5.3.1), e.g. "keyCompromise"; "unspecified"
 * for 0; "reason-N" for values without a name. Static or thread-local. */
const char *pw_cli_reason_name(unsigned reason);

#endif
