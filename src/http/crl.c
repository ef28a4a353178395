/* pkiward http/crl.c — serving the published CRL files (crl.h).
 *
 * Names are checked against the exact shapes publish/ writes (publish.h:
 * "<name>/full.crl", "<name>/<p>.crl", name [a-z0-9._-] starting
 * alphanumeric) before any file system call, then opened with openat and
 * O_NOFOLLOW below a directory descriptor taken at mount time: no path
 * from a client is ever handed to open(2) as a path. Files are replaced by
 * rename (publish.h), so an open descriptor always reads one whole CRL. */
#include "crl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkiward/publish.h"

struct pw_http_crl {
	int dirfd;
};

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > PW_PUBLISH_MAX_NAME)
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int file_ok(const char *s, size_t n)
{
	if (n > PW_HTTP_CRL_MAX_FILE || n < 5 || memcmp(s + n - 4, ".crl", 4) != 0)
		return 0;
	if (n == 8 && memcmp(s, "full", 4) == 0)
		return 1;
	/* A partition number: decimal without leading zeros, below the limit. */
	if (n - 4 > 4 || (s[0] == '0' && n - 4 > 1))
		return 0;
	unsigned v = 0;
	for (size_t i = 0; i < n - 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v < PW_PUBLISH_MAX_PARTITIONS;
}

static void handler(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_http_crl *c = ctx;
	const char *sub = req->subpath, *slash = strchr(sub, '/');
	char name[PW_PUBLISH_MAX_NAME + 1], file[PW_HTTP_CRL_MAX_FILE + 1], etag[96], date[40],
		cc[96];
	int nfd = -1, fd = -1;
	struct stat st;
	const char *inm;

	if (!slash || !name_ok(sub, (size_t)(slash - sub)) || !file_ok(slash + 1, strlen(slash + 1))) {
		pw_http_response_text(resp, 404, "no such CRL\n");
		return;
	}
	memcpy(name, sub, (size_t)(slash - sub));
	name[slash - sub] = '\0';
	snprintf(file, sizeof(file), "%s", slash + 1);
	nfd = openat(c->dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd >= 0)
		fd = openat(nfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd >= 0)
		close(nfd);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		pw_http_response_text(resp, 404, "no such CRL\n");
		return;
	}
	/* A validator that changes with every regeneration (rename gives a new
	 * inode; mtime and size change too). */
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"", (unsigned long long)st.st_ino,
	         (unsigned long long)st.st_size, (unsigned long long)st.st_mtime);
	pw_http_response_set(resp, 200, PW_HTTP_CRL_TYPE);
	snprintf(cc, sizeof(cc), "max-age=%d, public, no-transform, must-revalidate",
	         PW_HTTP_CRL_MAX_AGE);
	pw_http_response_add_header(resp, "Cache-Control", cc);
	pw_http_response_add_header(resp, "ETag", etag);
	pw_http_response_add_header(resp, "Last-Modified",
	                            pw_http_date((int64_t)st.st_mtime, date, sizeof(date)));
	inm = pw_http_request_header(req, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		resp->status = 304;
		resp->content_type[0] = '\0';
		return;
	}
	pw_http_response_body_fd(resp, fd, (uint64_t)st.st_size);
}

enum pw_status pw_http_crl_mount(struct pw_http_server *srv, const char *prefix, const char *dir,
                                 struct pw_http_crl **out, struct pw_error *err)
{
	struct pw_http_crl *c;
	enum pw_status st;
	*out = NULL;
	if (!prefix || !*prefix || prefix[strlen(prefix) - 1] != '/')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "prefix", "must end in '/'");
	c = calloc(1, sizeof(*c));
	if (!c)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "crl dir", "%s: %s", dir, strerror(errno));
		free(c);
		return st;
	}
	struct pw_http_route rt = {
		.name = "crl", .method = "GET", .prefix = prefix, .fn = handler, .ctx = c,
	};
	if ((st = pw_http_server_add_route(srv, &rt, err)) != PW_OK) {
		pw_http_crl_free(c);
		return st;
	}
	*out = c;
	return PW_OK;
}

void pw_http_crl_free(struct pw_http_crl *c)
{
	if (!c)
		return;
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c);
}
