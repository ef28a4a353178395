/* Helpers shared by the verbs (cli/cli.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *pw_cli_store_path(const char *flag_value)
{
	if (flag_value != NULL && flag_value[0] != '\0')
		return flag_value;
	const char *env = getenv("PKIWARD_STORE");
	if (env != NULL && env[0] != '\0')
		return env;
	return PW_CLI_DEFAULT_STORE;
}

enum pw_status pw_cli_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len,
                                struct pw_error *err)
{
	enum pw_status st = PW_OK;
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	*out = NULL;
	*out_len = 0;
	if (f == NULL)
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "cannot open: %s", strerror(errno));
	struct stat sb;
	if (!is_stdin && fstat(fileno(f), &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			st = pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "is a directory");
			goto out;
		}
		if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > max) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
			                  "file is %lld bytes, more than the %zu-byte limit",
			                  (long long)sb.st_size, max);
			goto out;
		}
	}
	for (;;) {
		if (len == cap) {
			if (cap >= max + 1) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
				                  "input is more than the %zu-byte limit", max);
				goto out;
			}
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max + 1)
				ncap = max + 1;
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory reading input");
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0) {
			if (ferror(f)) {
				st = pw_error_set(err, PW_ERR_IO, 1, len, NULL, "read error: %s", strerror(errno));
				goto out;
			}
			break;
		}
		len += n;
	}
	*out = buf;
	*out_len = len;
	buf = NULL;
out:
	free(buf);
	if (!is_stdin && f != NULL)
		fclose(f);
	return st;
}

void pw_cli_print_error(const char *verb, const char *path, const struct pw_error *err)
{
	char msg[512];
	pw_error_format(err, msg, sizeof msg);
	if (path != NULL)
		fprintf(stderr, "pkiward %s: %s: %s\n", verb, path, msg);
	else
		fprintf(stderr, "pkiward %s: %s\n", verb, msg);
}

int pw_cli_stderr_is_tty(void)
{
	return isatty(STDERR_FILENO);
}

static struct {
	int drawn;
	struct timespec last, start;
} progress_state;

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

void pw_cli_progress(const char *label, uint64_t done, uint64_t total)
{
	if (!pw_cli_stderr_is_tty())
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!progress_state.drawn)
		progress_state.start = now;
	else if (ts_diff(&now, &progress_state.last) < 0.1 && done != total)
		return;
	progress_state.last = now;
	progress_state.drawn = 1;
	double secs = ts_diff(&now, &progress_state.start);
	double rate = secs > 0 ? (double)done / secs : 0;
	char bar[31];
	if (total > 0) {
		size_t filled = (size_t)(30.0 * (double)done / (double)total);
		if (filled > 30)
			filled = 30;
		memset(bar, '#', filled);
		memset(bar + filled, '.', 30 - filled);
		bar[30] = '\0';
		fprintf(stderr, "\r%s %llu/%llu [%s] %5.1f%% %.0f/s ", label, (unsigned long long)done,
		        (unsigned long long)total, bar, 100.0 * (double)done / (double)total, rate);
	} else {
		fprintf(stderr, "\r%s %llu %.0f/s ", label, (unsigned long long)done, rate);
	}
	fflush(stderr);
}

void pw_cli_progress_end(void)
{
	if (progress_state.drawn)
		fputc('\n', stderr);
	progress_state.drawn = 0;
}
