/* publish/crl.c: CRL generation for the registered CAs (publish.h "CRL
 * generation"): read the revocations of each CA, reserve CRL numbers,
 * build, sign, lint, write atomically, record.
 *
 * Order of durable steps, and why:
 *   1. the numbers of the run are reserved and committed first, so no
 *      number is ever used twice, even if the process dies after signing
 *      (BR 7.2.2: cRLNumber is a strictly increasing sequence);
 *   2. every CRL of the CA is built, signed and linted; one refused CRL
 *      stops the run before anything of that CA is published;
 *   3. the files are renamed into place (readers see the old or the new
 *      file, never a part);
 *   4. the publications, the expired entries now listed past their expiry,
 *      and the events are recorded in one transaction. A crash between 3
 *      and 4 only keeps expired entries one run longer (the safe side of
 *      BR 7.2's "at least one regularly scheduled CRL beyond the validity
 *      period"). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "crl_internal.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"
#include "pkiward/lint.h"
#include "pkiward/signer.h"

/* Longest output directory path (room for "/.<file>.tmp-<pid>" in 4096). */
#define CRL_DIR_MAX 3800

enum pw_status pw_publish_crl_policy_check(const struct pw_publish_crl_policy *p,
                                           struct pw_error *err)
{
	int64_t validity, refresh;
	if (p == NULL)
		return PW_OK;
	validity = p->validity ? p->validity : PW_PUBLISH_CRL_DEFAULT_VALIDITY;
	refresh = p->refresh ? p->refresh : PW_PUBLISH_CRL_DEFAULT_REFRESH;
	if (validity < PW_PUBLISH_CRL_MIN_VALIDITY || validity > PW_PUBLISH_CRL_MAX_VALIDITY)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "validity",
		                    "CRL validity of %llds is outside %lld..%llds (BR 7.2 / MRSP 6: "
		                    "nextUpdate at most 10 days after thisUpdate)", (long long)validity,
		                    (long long)PW_PUBLISH_CRL_MIN_VALIDITY,
		                    (long long)PW_PUBLISH_CRL_MAX_VALIDITY);
	if (refresh < 1 || refresh > PW_PUBLISH_CRL_MAX_REFRESH)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "refresh",
		                    "CRL refresh interval of %llds is outside 1..%llds (BR 4.9.7: a new "
		                    "CRL at least every 4 days without AIA OCSP pointers)",
		                    (long long)refresh, (long long)PW_PUBLISH_CRL_MAX_REFRESH);
	if (refresh >= validity)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "refresh",
		                    "the refresh interval (%llds) must be shorter than the validity "
		                    "(%llds), or relying parties hold expired CRLs", (long long)refresh,
		                    (long long)validity);
	return PW_OK;
}

/* ---- one CRL: encode, sign, lint ---- */

static enum pw_status lint_crl(const uint8_t *der, size_t len, const struct pw_cert *issuer,
                               int64_t now, struct pw_lint_results *res, struct pw_error *err)
{
	struct pw_lint_opts o;
	enum pw_status st;

	memset(&o, 0, sizeof o);
	o.now = now;
	o.issuer = issuer;
	if ((st = pw_lint_crl(der, len, &o, res, err)) != PW_OK)
		return st;
	if (res->parse_failed)
		return pw_error_set(err, PW_ERR_PARSE, res->parse_err.has_offset, res->parse_err.offset,
		                    "e_pkiward_crl_der_strict",
		                    "the CRL pkiward built does not parse: %s", res->parse_err.msg);
	for (size_t i = 0; i < res->n; i++)
		if (res->v[i].status >= PW_LINT_ERROR)
			return pw_error_set(err, PW_ERR_PARSE, 0, 0, res->v[i].def->name,
			                    "refused to publish: %s (%s) %s", res->v[i].def->name,
			                    res->v[i].def->citation, res->v[i].details);
	return PW_OK;
}

enum pw_status pw_crl_build(const struct pw_crl_tbs *t, struct pw_signer *signer,
                            const struct pw_cert *issuer, int64_t now,
                            struct pw_lint_results *lint, uint8_t **out_der, size_t *out_len,
                            struct pw_error *err)
{
	struct pw_buf crl;
	size_t len;
	enum pw_status st;

	pw_buf_init(&crl);
	if (t == NULL || signer == NULL || out_der == NULL || out_len == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out_der = NULL;
	*out_len = 0;
	if ((st = pw_crl_encode_sign(t, signer, &crl, err)) != PW_OK)
		goto out;
	if (lint != NULL && (st = lint_crl(crl.data, crl.len, issuer, now, lint, err)) != PW_OK)
		goto out;
	if ((*out_der = pw_buf_finish(&crl, &len)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	*out_len = len;
out:
	pw_buf_cleanup(&crl);
	return st;
}

/* ---- files ---- */

static enum pw_status mkdir_one(const char *path, struct pw_error *err)
{
	struct stat sb;
	if (mkdir(path, 0755) == 0 || (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return PW_OK;
	return pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "%s: %s", path,
	                    errno == EEXIST ? "exists and is not a directory" : strerror(errno));
}

static enum pw_status fsync_dir(const char *dir, struct pw_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "%s: %s", dir, strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL) {
		close(fd);
		return pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "fsync %s: %s", dir, strerror(errno));
	}
	close(fd);
	return PW_OK;
}

/* Writes data to dir/.name.tmp-<pid> and fsyncs it; *tmp gets that path.
 * commit_files() renames every temp file of a CA into place and fsyncs the
 * directory once, so a reader (a web server, `pkiward serve`) never sees a
 * partial CRL, and a CA's CRLs change together. */
static enum pw_status write_tmp(const char *dir, const char *name, const uint8_t *data, size_t len,
                                char *tmp, size_t tmp_len, struct pw_error *err)
{
	int fd = -1;
	size_t off = 0;
	enum pw_status st = PW_OK;

	if ((size_t)snprintf(tmp, tmp_len, "%s/.%s.tmp-%ld", dir, name, (long)getpid()) >= tmp_len)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "--out", "output path too long");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "%s: %s", tmp, strerror(errno));
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			st = pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "%s: %s", tmp,
			                  w < 0 ? strerror(errno) : "short write");
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "fsync %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (st != PW_OK)
		unlink(tmp);
	return st;
}

/* The file names of one CA's CRLs: "full.crl" then "<p>.crl". */
static void crl_file_name(int part, char *buf, size_t n)
{
	if (part < 0)
		snprintf(buf, n, "full.crl");
	else
		snprintf(buf, n, "%d.crl", part);
}

static void tmp_name(const char *dir, int part, char *buf, size_t n)
{
	char f[32];
	crl_file_name(part, f, sizeof f);
	snprintf(buf, n, "%s/.%s.tmp-%ld", dir, f, (long)getpid());
}

static enum pw_status commit_files(const char *dir, size_t nb, struct pw_error *err)
{
	char tmp[4096], path[4096], f[32];
	for (size_t k = 0; k < nb; k++) {
		tmp_name(dir, (int)k - 1, tmp, sizeof tmp);
		crl_file_name((int)k - 1, f, sizeof f);
		snprintf(path, sizeof path, "%s/%s", dir, f);
		if (rename(tmp, path) != 0)
			return pw_error_set(err, PW_ERR_IO, 0, 0, "--out", "rename %s: %s", path,
			                    strerror(errno));
	}
	return fsync_dir(dir, err);
}

static void remove_tmp_files(const char *dir, size_t nb)
{
	char tmp[4096];
	for (size_t k = 0; k < nb; k++) {
		tmp_name(dir, (int)k - 1, tmp, sizeof tmp);
		unlink(tmp);
	}
}

/* ---- one CA ---- */

struct entry {
	struct pw_crl_revoked r;
	size_t serial_off;      /* into the serial pool while collecting */
	int64_t row, twin_row;  /* certificate rows (twin_row 0 when none) */
	int expired;            /* listed although notAfter < thisUpdate */
	unsigned part;
};

struct collect {
	struct entry *v;
	size_t n, cap;
	struct pw_buf serials;
	int64_t this_update;
	int invalidity;
	uint64_t dropped;
	int nomem, too_many;
	int64_t bad_row;        /* a row whose serial cannot be listed */
};

static int collect_cb(void *ctx, const struct pw_store_publish_revoked *r)
{
	struct collect *c = ctx;
	struct entry *e;
	if (r->not_after < c->this_update && r->expired_seen) {
		/* BR 7.2: listed on a CRL past its validity already; may leave. */
		c->dropped++;
		return 1;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct entry *v;
		if (cap > PW_PUBLISH_MAX_CRL_ENTRIES * 2) {
			c->too_many = 1;
			return 0;
		}
		if ((v = realloc(c->v, cap * sizeof *v)) == NULL) {
			c->nomem = 1;
			return 0;
		}
		c->v = v;
		c->cap = cap;
	}
	if (r->serial_len > PW_STORE_MAX_SERIAL) {
		c->bad_row = r->cert_row;
		return 0;
	}
	e = &c->v[c->n++];
	memset(e, 0, sizeof *e);
	e->serial_off = c->serials.len;
	e->r.serial_len = r->serial_len;
	e->r.revoked_at = r->revoked_at;
	e->r.has_reason = r->has_reason;
	e->r.reason = r->reason;
	e->r.invalidity_date = c->invalidity ? r->invalidity_date : 0;
	e->row = r->cert_row;
	e->expired = r->not_after < c->this_update;
	if (!pw_buf_append(&c->serials, r->serial, r->serial_len)) {
		c->nomem = 1;
		return 0;
	}
	return 1;
}

/* A precertificate and its certificate are one serial (RFC 6962 §3): one
 * entry, with the stronger reason (BR 7.2.2: keyCompromise is entered when
 * proven) and the earlier date. */
static size_t merge_twins(struct entry *v, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (o > 0 && pw_crl_revoked_cmp(&v[o - 1].r, &v[i].r) == 0) {
			struct entry *k = &v[o - 1];
			if (v[i].r.has_reason && v[i].r.reason == 1 && !(k->r.has_reason && k->r.reason == 1)) {
				k->r.has_reason = 1;
				k->r.reason = 1;
			}
			if (v[i].r.revoked_at < k->r.revoked_at)
				k->r.revoked_at = v[i].r.revoked_at;
			if (k->r.invalidity_date == 0)
				k->r.invalidity_date = v[i].r.invalidity_date;
			k->twin_row = v[i].row;
			k->expired |= v[i].expired;
			continue;
		}
		v[o++] = v[i];
	}
	return o;
}

/* What the record step needs of each CRL built. */
struct built {
	int partition;
	uint64_t number;
	uint64_t entries;
	uint8_t sha256[32];
	char url[PW_PUBLISH_URL_BUF];
	int has_url;
};

static enum pw_status record(struct pw_store *s, const struct pw_publish_ca *ca,
                             const struct built *b, size_t nb, const struct entry *v, size_t n,
                             int64_t this_update, int64_t next_update, int64_t now,
                             const char *actor, struct pw_error *err)
{
	char subject[PW_EVENTS_SUBJECT_MAX], hex[65], crl_hex[65];
	char payload[PW_PUBLISH_URL_BUF + 512];
	enum pw_status st;
	int began = 0;

	pw_hex_encode(ca->cert_sha256, 32, hex);
	snprintf(subject, sizeof subject, "ca:%s", hex);
	if ((st = pw_store_begin(s, err)) != PW_OK)
		goto out;
	began = 1;
	for (size_t i = 0; i < nb; i++) {
		struct pw_store_publish_crl row;
		memset(&row, 0, sizeof row);
		row.ca_id = ca->id;
		row.partition = b[i].partition;
		row.number = b[i].number;
		row.this_update = this_update;
		row.next_update = next_update;
		row.entries = b[i].entries;
		memcpy(row.sha256, b[i].sha256, 32);
		row.url = b[i].has_url ? b[i].url : NULL;
		row.published_at = now;
		if ((st = pw_store_publish_crl_add(s, &row, err)) != PW_OK)
			goto out;
		pw_hex_encode(b[i].sha256, 32, crl_hex);
		if (b[i].partition < 0)
			snprintf(payload, sizeof payload,
			         "{\"ca\":\"%s\",\"ca_id\":%lld,\"scope\":\"full\",\"number\":%llu,"
			         "\"entries\":%llu,\"this_update\":%lld,\"next_update\":%lld,"
			         "\"sha256\":\"%s\",\"url\":%s%s%s}",
			         ca->name, (long long)ca->id, (unsigned long long)b[i].number,
			         (unsigned long long)b[i].entries, (long long)this_update,
			         (long long)next_update, crl_hex, b[i].has_url ? "\"" : "",
			         b[i].has_url ? b[i].url : "null", b[i].has_url ? "\"" : "");
		else
			snprintf(payload, sizeof payload,
			         "{\"ca\":\"%s\",\"ca_id\":%lld,\"scope\":\"partition\",\"partition\":%d,"
			         "\"number\":%llu,\"entries\":%llu,\"this_update\":%lld,"
			         "\"next_update\":%lld,\"sha256\":\"%s\",\"url\":\"%s\"}",
			         ca->name, (long long)ca->id, b[i].partition,
			         (unsigned long long)b[i].number, (unsigned long long)b[i].entries,
			         (long long)this_update, (long long)next_update, crl_hex, b[i].url);
		if ((st = pw_events_append(s, now, "crl.published", subject, actor, payload, NULL, NULL,
		                           err)) != PW_OK)
			goto out;
	}
	/* Every CRL of the CA (the full one and each partition) listed these
	 * expired entries with a thisUpdate past their notAfter. */
	for (size_t i = 0; i < n; i++) {
		if (!v[i].expired)
			continue;
		if ((st = pw_store_publish_expired_seen(s, v[i].row, ca->id, b[0].number, this_update,
		                                        err)) != PW_OK)
			goto out;
		if (v[i].twin_row != 0 &&
		    (st = pw_store_publish_expired_seen(s, v[i].twin_row, ca->id, b[0].number,
		                                        this_update, err)) != PW_OK)
			goto out;
	}
	st = pw_store_commit(s, err);
	began = 0;
out:
	if (began)
		pw_store_rollback(s);
	return st;
}

static enum pw_status reserve(struct pw_store *s, const struct pw_publish_ca *ca, uint64_t n,
                              uint64_t *first, int64_t now, const char *actor,
                              struct pw_error *err)
{
	char subject[PW_EVENTS_SUBJECT_MAX], hex[65], payload[256];
	enum pw_status st;
	if ((st = pw_store_begin(s, err)) != PW_OK)
		return st;
	if ((st = pw_store_publish_reserve_numbers(s, ca->id, n, first, err)) == PW_OK) {
		pw_hex_encode(ca->cert_sha256, 32, hex);
		snprintf(subject, sizeof subject, "ca:%s", hex);
		snprintf(payload, sizeof payload,
		         "{\"ca\":\"%s\",\"ca_id\":%lld,\"first\":%llu,\"last\":%llu}", ca->name,
		         (long long)ca->id, (unsigned long long)*first,
		         (unsigned long long)(*first + n - 1));
		st = pw_events_append(s, now, "crl.numbers.reserved", subject, actor, payload, NULL,
		                      NULL, err);
	}
	if (st != PW_OK) {
		pw_store_rollback(s);
		return st;
	}
	return pw_store_commit(s, err);
}

static enum pw_status publish_ca(struct pw_store *s, const struct pw_publish_ca *ca,
                                 const struct pw_publish_crl_opts *o, int64_t validity,
                                 struct pw_publish_crl_result *res, struct pw_error *err)
{
	struct pw_cert cert;
	struct pw_signer *signer = NULL;
	struct collect c;
	struct pw_crl_revoked *rv = NULL, *pv = NULL;
	size_t *start = NULL;
	struct built *b = NULL;
	uint8_t *der = NULL;
	size_t der_len = 0, nb, n;
	uint64_t first = 0;
	char dir[CRL_DIR_MAX], path[4096];
	const char *actor = o->actor ? o->actor : "pkiward";
	int64_t now = o->now, next_update = o->now + validity;
	unsigned parts = ca->crl_base_url != NULL ? ca->partitions : 0;
	size_t wrote = 0;  /* temp files written and not yet renamed */
	struct pw_lint_results lint; /* one per CA: its parse arena is reused */
	uint8_t key_id[SHA_DIGEST_LENGTH];
	enum pw_status st;

	pw_cert_init(&cert);
	pw_lint_results_init(&lint);
	memset(&c, 0, sizeof c);
	pw_buf_init(&c.serials);
	c.this_update = now;
	c.invalidity = o->policy.invalidity_date;
	if ((st = pw_cert_parse(&cert, ca->cert_der, ca->cert_len, err)) != PW_OK)
		goto out;
	if ((st = pw_signer_open(ca->key_ref, ca->cert_der, ca->cert_len, &signer, err)) != PW_OK) {
		pw_publish_prefix_msg(err, "CA %s", ca->name);
		goto out;
	}
	{
		uint8_t name_sha[32];
		const uint8_t *ski = cert.x.ski.present && cert.x.ski.key_id.len ? cert.x.ski.key_id.p
		                                                                   : NULL;
		SHA256(cert.subject.raw.p, cert.subject.raw.len, name_sha);
		st = pw_store_publish_revoked_list(s, name_sha, ski, ski ? cert.x.ski.key_id.len : 0,
		                                   collect_cb, &c, err);
		if (st != PW_OK)
			goto out;
	}
	if (c.bad_row != 0) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "serial", "certificate row %lld has a "
		                  "serial over %d octets", (long long)c.bad_row, PW_STORE_MAX_SERIAL);
		goto out;
	}
	if (c.nomem || c.serials.failed) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c.n; i++)
		c.v[i].r.serial = c.serials.data + c.v[i].serial_off;
	if (c.n > 1) {
		/* struct entry starts with its pw_crl_revoked: sort by permutation. */
		size_t *perm = malloc(c.n * sizeof *perm);
		struct entry *sorted = malloc(c.n * sizeof *sorted);
		if (perm == NULL || sorted == NULL || !pw_crl_sort_perm(c.v, sizeof *c.v, c.n, perm)) {
			free(perm);
			free(sorted);
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < c.n; i++)
			sorted[i] = c.v[perm[i]];
		free(perm);
		free(c.v);
		c.v = sorted;
	}
	n = merge_twins(c.v, c.n);
	if (c.too_many || n > PW_PUBLISH_MAX_CRL_ENTRIES) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "entries", "CA %s has more than %zu "
		                  "revoked certificates to list", ca->name, PW_PUBLISH_MAX_CRL_ENTRIES);
		goto out;
	}
	res->expired_dropped += c.dropped;
	if ((rv = malloc((n ? n : 1) * sizeof *rv)) == NULL ||
	    (pv = malloc((n ? n : 1) * sizeof *pv)) == NULL ||
	    (start = calloc((size_t)parts + 2, sizeof *start)) == NULL ||
	    (b = calloc((size_t)parts + 1, sizeof *b)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		rv[i] = c.v[i].r;
		if (c.v[i].expired)
			res->expired_kept++;
		if (parts) {
			c.v[i].part = pw_publish_partition_of(rv[i].serial, rv[i].serial_len, parts);
			start[c.v[i].part + 1]++;
		}
	}
	/* Counting sort by partition keeps serial order inside each partition. */
	for (unsigned p = 0; p < parts; p++)
		start[p + 1] += start[p];
	if (parts) {
		size_t *pos = calloc(parts, sizeof *pos);
		if (pos == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		for (unsigned p = 0; p < parts; p++)
			pos[p] = start[p];
		for (size_t i = 0; i < n; i++)
			pv[pos[c.v[i].part]++] = rv[i];
		free(pos);
	}
	nb = 1 + parts;
	if ((st = reserve(s, ca, nb, &first, now, actor, err)) != PW_OK)
		goto out;
	if (o->out_dir != NULL) {
		if ((st = mkdir_one(o->out_dir, err)) != PW_OK)
			goto out;
		if ((size_t)snprintf(dir, sizeof dir, "%s/%s", o->out_dir, ca->name) >= sizeof dir) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "--out", "output path too long");
			goto out;
		}
		if ((st = mkdir_one(dir, err)) != PW_OK)
			goto out;
	}
	for (size_t k = 0; k < nb; k++) {
		struct pw_crl_tbs t;
		struct pw_publish_crl_info info;
		char fname[32];
		int part = (int)k - 1;

		memset(&t, 0, sizeof t);
		t.issuer = cert.subject.raw.p;
		t.issuer_len = cert.subject.raw.len;
		t.this_update = now;
		t.next_update = next_update;
		t.number = first + k;
		/* BR 7.2.2 / 7.1.2.11.1: the AKI keyIdentifier is the CA's SKI;
		 * a CA certificate without one gets RFC 5280 §4.2.1.2 method (1),
		 * the SHA-1 of its subjectPublicKey. */
		if (cert.x.ski.present && cert.x.ski.key_id.len > 0) {
			t.aki = cert.x.ski.key_id.p;
			t.aki_len = cert.x.ski.key_id.len;
		} else {
			SHA1(cert.spki.key.p, cert.spki.key.len, key_id);
			t.aki = key_id;
			t.aki_len = sizeof key_id;
		}
		b[k].partition = part;
		b[k].number = t.number;
		if (part < 0) {
			t.entries = rv;
			t.n_entries = n;
			b[k].has_url = pw_publish_full_url(ca, b[k].url, sizeof b[k].url);
		} else {
			t.entries = pv + start[part];
			t.n_entries = start[part + 1] - start[part];
			if (!pw_publish_partition_url(ca, (unsigned)part, b[k].url, sizeof b[k].url)) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "url", "partition URL too long");
				goto out;
			}
			b[k].has_url = 1;
			/* BR 7.2.2.1 / MRSP 6.1.2: the partition names its own URL,
			 * the same bytes as the certificates' CRLDP. */
			t.idp_url = b[k].url;
		}
		b[k].entries = t.n_entries;
		if ((st = pw_crl_build(&t, signer, &cert, now, o->no_lint ? NULL : &lint, &der,
		                       &der_len, err)) != PW_OK) {
			pw_publish_prefix_msg(err, "CA %s %s CRL %llu", ca->name,
			                      part < 0 ? "full" : "partition", (unsigned long long)t.number);
			goto out;
		}
		SHA256(der, der_len, b[k].sha256);
		memset(&info, 0, sizeof info);
		info.ca_id = ca->id;
		info.ca_name = ca->name;
		info.partition = part;
		info.number = t.number;
		info.this_update = now;
		info.next_update = next_update;
		info.entries = t.n_entries;
		memcpy(info.sha256, b[k].sha256, 32);
		info.url = b[k].has_url ? b[k].url : NULL;
		info.der = der;
		info.der_len = der_len;
		if (o->out_dir != NULL) {
			char tmp[4096];
			crl_file_name(part, fname, sizeof fname);
			if ((st = write_tmp(dir, fname, der, der_len, tmp, sizeof tmp, err)) != PW_OK)
				goto out;
			wrote = k + 1;
			snprintf(path, sizeof path, "%s/%s", dir, fname);
			info.path = path; /* in place once the CA's run commits */
		}
		res->crls++;
		if (part < 0)
			res->entries += n;
		if (o->fn != NULL && !o->fn(o->ctx, &info)) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "stopped by the callback");
			goto out;
		}
		free(der);
		der = NULL;
	}
	if (o->out_dir != NULL) {
		if ((st = commit_files(dir, nb, err)) != PW_OK)
			goto out;
		wrote = 0;
	}
	st = record(s, ca, b, nb, c.v, n, now, next_update, now, actor, err);
	if (st == PW_OK)
		res->cas++;
out:
	if (wrote > 0)
		remove_tmp_files(dir, wrote);
	free(der);
	free(b);
	free(start);
	free(pv);
	free(rv);
	free(c.v);
	pw_buf_cleanup(&c.serials);
	pw_signer_free(signer);
	pw_lint_results_cleanup(&lint);
	pw_cert_cleanup(&cert);
	return st;
}

/* ---- the run ---- */

struct cas {
	struct pw_publish_ca *v;
	size_t n, cap;
	int nomem;
};

static int cas_cb(void *ctx, const struct pw_store_publish_ca *r)
{
	struct cas *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct pw_publish_ca *v = cap <= PW_PUBLISH_MAX_CAS ? realloc(c->v, cap * sizeof *v) : NULL;
		if (v == NULL) {
			c->nomem = 1;
			return 0;
		}
		c->v = v;
		c->cap = cap;
	}
	if (!pw_publish_ca_from_row(r, &c->v[c->n])) {
		c->nomem = 1;
		return 0;
	}
	c->n++;
	return 1;
}

enum pw_status pw_publish_crls(struct pw_store *s, const struct pw_publish_crl_opts *opts,
                               struct pw_publish_crl_result *out, struct pw_error *err)
{
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_result res;
	struct pw_store_publish_ca_sel sel;
	struct cas cas;
	int64_t validity;
	enum pw_status st;

	memset(&res, 0, sizeof res);
	memset(&cas, 0, sizeof cas);
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "CRL numbers must be committed before signing: call outside a "
		                    "transaction");
	if (opts != NULL)
		o = *opts;
	else
		memset(&o, 0, sizeof o);
	if ((st = pw_publish_crl_policy_check(&o.policy, err)) != PW_OK)
		return st;
	validity = o.policy.validity ? o.policy.validity : PW_PUBLISH_CRL_DEFAULT_VALIDITY;
	if (o.now == 0)
		o.now = (int64_t)time(NULL);
	if ((st = pw_store_publish_generation(s, &res.generation, err)) != PW_OK)
		return st;
	memset(&sel, 0, sizeof sel);
	sel.id = o.ca_id;
	if ((st = pw_store_publish_ca_list(s, &sel, cas_cb, &cas, err)) != PW_OK)
		goto out;
	if (cas.nomem) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (o.ca_id > 0 && cas.n == 0) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "ca", "no registered CA with id %lld",
		                  (long long)o.ca_id);
		goto out;
	}
	/* One CA that cannot publish (a key offline, a lint refusal) does not
	 * hold back the others; the first failure is returned. */
	for (size_t i = 0; i < cas.n; i++) {
		struct pw_error e1;
		enum pw_status s1;
		pw_error_clear(&e1);
		s1 = publish_ca(s, &cas.v[i], &o, validity, &res, &e1);
		if (s1 != PW_OK && st == PW_OK) {
			st = s1;
			if (err != NULL)
				*err = e1;
		}
	}
out:
	for (size_t i = 0; i < cas.n; i++)
		pw_publish_ca_cleanup(&cas.v[i]);
	free(cas.v);
	if (out != NULL)
		*out = res;
	return st;
}

enum pw_status pw_publish_crl_last(struct pw_store *s, int64_t ca_id, int partition,
                                   struct pw_publish_crl_info *out, struct pw_error *err)
{
	struct pw_store_publish_crl row;
	enum pw_status st;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if ((st = pw_store_publish_crl_last(s, ca_id, partition, &row, err)) != PW_OK)
		return st;
	out->ca_id = ca_id;
	out->partition = partition;
	out->number = row.number;
	out->this_update = row.this_update;
	out->next_update = row.next_update;
	out->entries = row.entries;
	memcpy(out->sha256, row.sha256, 32);
	return PW_OK;
}
