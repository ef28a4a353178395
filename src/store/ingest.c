/* store/ingest.c: the ingest pipeline.
 *
 * Two stages. A worker thread reads input files, splits them into objects
 * (pw_objects_read), parses certificates (pw_cert_parse) and derives each
 * stored row (hashes, texts, name keys) into batches. The calling thread
 * takes each batch and writes it in one transaction, then reports. Parsing
 * and writing thus overlap on two cores, and the database is only touched
 * by the thread that opened it.
 *
 * Consistency: a batch is one transaction, so a SIGKILL loses at most the
 * batch being written; every write is idempotent (a stored SHA-256 is
 * "already present"), so re-running the same ingest completes it. Metadata
 * files are applied after every certificate batch has been committed, so a
 * line may name a certificate from the same run.
 *
 * Bad input never stops the run: each rejection is reported with its file,
 * line and byte offset, and the next object or file is read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pkiward/buf.h"

/* A batch is handed over once it holds this many bytes of row data, even
 * if it has fewer than batch_size certificates (bounds memory). */
#define PW_INGEST_BATCH_BYTES ((size_t)64 << 20)
/* Batches parsed ahead of the writer (bounds memory: 2 x 64 MiB). */
#define PW_INGEST_QUEUE_DEPTH 2
/* Directory entries read from one directory. */
#define PW_INGEST_MAX_DIR_ENTRIES 10000000
/* Metadata lines applied per transaction. */
#define PW_INGEST_META_BATCH 10000

/* ------------------------------------------------------------------------ */
/* Input list                                                                */
/* ------------------------------------------------------------------------ */

struct input {
	char *path;
	uint64_t size;  /* from stat; 0 for stdin/pipes */
	int metadata;   /* a .jsonl sidecar */
};

struct input_list {
	struct input *v;
	size_t n, cap;
};

/* Everything the calling thread reports before/after the worker runs. */
struct ictx {
	struct pw_store *s;
	const struct pw_store_ingest_opts *o;
	struct pw_store_ingest_summary *sum;
	int64_t now;
	size_t batch_size;
	uint64_t total_bytes;
};

static void report(struct ictx *ic, enum pw_store_report_kind kind, const char *path, size_t line,
                   int has_offset, size_t offset, const struct pw_error *err, const uint8_t *sha)
{
	struct pw_store_report r;

	if (kind == PW_STORE_REJECTED)
		ic->sum->rejected++;
	else if (kind == PW_STORE_SKIPPED)
		ic->sum->skipped++;
	else
		ic->sum->metadata_errors++;
	if (ic->o->report == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.path = path;
	r.line = line;
	r.has_offset = has_offset;
	r.offset = offset;
	r.err = err;
	if (sha != NULL) {
		r.has_sha256 = 1;
		memcpy(r.sha256, sha, 32);
	}
	ic->o->report(ic->o->ctx, &r);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int add_input(struct input_list *l, const char *path, uint64_t size)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct input *nv = realloc(l->v, cap * sizeof *nv);
		if (nv == NULL)
			return 0;
		l->v = nv;
		l->cap = cap;
	}
	char *p = strdup(path);
	if (p == NULL)
		return 0;
	l->v[l->n++] = (struct input){p, size, strcmp(path, "-") != 0 && ends_with(path, ".jsonl")};
	return 1;
}

static void free_inputs(struct input_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds `path` (a file, or a directory walked in name order). Returns 0 only
 * when memory runs out; unreadable entries are reported and skipped. */
static int collect(struct ictx *ic, struct input_list *l, const char *path, int depth,
                   int explicit_arg)
{
	struct stat sb;
	struct pw_error e;

	if (strcmp(path, "-") == 0)
		return add_input(l, path, 0);
	if (stat(path, &sb) != 0) {
		pw_error_set(&e, PW_ERR_IO, 0, 0, NULL, "%s", strerror(errno));
		report(ic, PW_STORE_REJECTED, path, 0, 0, 0, &e, NULL);
		return 1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (!S_ISREG(sb.st_mode) && !explicit_arg) {
			pw_error_set(&e, PW_ERR_IO, 0, 0, NULL, "not a regular file; skipped");
			report(ic, PW_STORE_REJECTED, path, 0, 0, 0, &e, NULL);
			return 1;
		}
		return add_input(l, path, S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0);
	}
	if (depth >= PW_STORE_INGEST_MAX_DEPTH) {
		pw_error_set(&e, PW_ERR_LIMIT, 0, 0, NULL,
		             "directory nesting deeper than %d (symlink loop?); not entered",
		             PW_STORE_INGEST_MAX_DEPTH);
		report(ic, PW_STORE_REJECTED, path, 0, 0, 0, &e, NULL);
		return 1;
	}
	DIR *d = opendir(path);
	if (d == NULL) {
		pw_error_set(&e, PW_ERR_IO, 0, 0, NULL, "%s", strerror(errno));
		report(ic, PW_STORE_REJECTED, path, 0, 0, 0, &e, NULL);
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ok = 1;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", hidden files (editor backups, .git) */
		if (n >= PW_INGEST_MAX_DIR_ENTRIES)
			break;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **nn = realloc(names, nc * sizeof *nn);
			if (nn == NULL) {
				ok = 0;
				break;
			}
			names = nn;
			cap = nc;
		}
		size_t plen = strlen(path), nlen = strlen(de->d_name);
		char *child = malloc(plen + nlen + 2);
		if (child == NULL) {
			ok = 0;
			break;
		}
		memcpy(child, path, plen);
		size_t o = plen;
		if (plen == 0 || path[plen - 1] != '/')
			child[o++] = '/';
		memcpy(child + o, de->d_name, nlen + 1);
		names[n++] = child;
	}
	closedir(d);
	if (ok)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (ok)
			ok = collect(ic, l, names[i], depth + 1, 0);
		free(names[i]);
	}
	free(names);
	return ok;
}

/* An input's bytes: a read-only mapping for regular files (a 1 GB corpus
 * costs page cache, not a heap copy), a heap buffer for pipes and stdin. */
struct input_bytes {
	uint8_t *p;
	size_t len;
	int mapped;
};

static void input_bytes_free(struct input_bytes *b)
{
	if (b->p != NULL) {
		if (b->mapped)
			munmap(b->p, b->len);
		else
			free(b->p);
	}
	memset(b, 0, sizeof *b);
}

/* Reads a whole input: regular files of at most PW_STORE_INGEST_MAX_MAPPED
 * bytes are mapped; other inputs (stdin, pipes) are read into memory up to
 * PW_STORE_INGEST_MAX_FILE bytes. */
static enum pw_status read_input(const char *path, struct input_bytes *out, struct pw_error *err)
{
	int fd = -1;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	enum pw_status st = PW_OK;
	struct stat sb;

	memset(out, 0, sizeof *out);
	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > PW_STORE_INGEST_MAX_MAPPED) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
			                  "file of %llu bytes exceeds the %llu-byte input limit"
			                  " (PW_STORE_INGEST_MAX_MAPPED); split it",
			                  (unsigned long long)sb.st_size,
			                  (unsigned long long)PW_STORE_INGEST_MAX_MAPPED);
			goto out;
		}
		if (sb.st_size == 0) {
			st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "empty file");
			goto out;
		}
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
			out->p = m;
			out->len = (size_t)sb.st_size;
			out->mapped = 1;
			goto out;
		}
		/* Not mappable (some special file systems): read it instead. */
		if ((uint64_t)sb.st_size > PW_STORE_INGEST_MAX_FILE) {
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
			                  "file of %llu bytes cannot be mapped and exceeds the %zu-byte"
			                  " read limit (PW_STORE_INGEST_MAX_FILE)",
			                  (unsigned long long)sb.st_size, (size_t)PW_STORE_INGEST_MAX_FILE);
			goto out;
		}
		cap = (size_t)sb.st_size + 1; /* +1 detects growth while reading */
		if ((buf = malloc(cap)) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory reading input");
			goto out;
		}
	}
	for (;;) {
		if (len == cap) {
			if (cap > PW_STORE_INGEST_MAX_FILE) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
				                  "input exceeds the %zu-byte limit (PW_STORE_INGEST_MAX_FILE)",
				                  (size_t)PW_STORE_INGEST_MAX_FILE);
				goto out;
			}
			size_t nc = cap ? cap * 2 : 65536;
			if (nc > PW_STORE_INGEST_MAX_FILE + 1)
				nc = PW_STORE_INGEST_MAX_FILE + 1;
			uint8_t *nb = realloc(buf, nc);
			if (nb == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory reading input");
				goto out;
			}
			buf = nb;
			cap = nc;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			st = pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "read failed: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len == 0) {
		st = pw_error_set(err, PW_ERR_PARSE, 0, 0, NULL, "empty file");
		goto out;
	}
	out->p = buf;
	out->len = len;
	buf = NULL;
out:
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Batches                                                                   */
/* ------------------------------------------------------------------------ */

enum item_type { IT_CERT, IT_REPORT };

struct item {
	enum item_type type;
	int is_object;
	size_t path_off; /* NUL-terminated path in the batch data */
	size_t line;
	int has_offset;
	size_t offset;
	struct pw_store_rec_off ro; /* IT_CERT */
	enum pw_store_report_kind kind; /* IT_REPORT */
	struct pw_error err;
	int has_sha256;
	uint8_t sha256[32];
};

struct batch {
	struct item *items;
	size_t n, cap;
	size_t n_certs;
	struct pw_buf data;
	uint64_t bytes_done;   /* input bytes fully read when the batch closed */
	uint64_t files;
	struct batch *next;
};

static struct batch *batch_new(void)
{
	struct batch *b = calloc(1, sizeof *b);
	if (b != NULL)
		pw_buf_init(&b->data);
	return b;
}

static void batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	free(b->items);
	pw_buf_cleanup(&b->data);
	free(b);
}

static struct item *batch_add(struct batch *b)
{
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 1024;
		struct item *ni = realloc(b->items, nc * sizeof *ni);
		if (ni == NULL)
			return NULL;
		b->items = ni;
		b->cap = nc;
	}
	struct item *it = &b->items[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

/* The hand-over between the parsing worker and the writing thread. */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail;
	size_t depth;
	struct batch *spare;  /* written batches handed back for reuse */
	size_t n_spare;
	int done;     /* the worker finished (or gave up) */
	int stop;     /* the writer failed: the worker should stop */
};

/* ------------------------------------------------------------------------ */
/* Worker: read, split, parse, derive                                         */
/* ------------------------------------------------------------------------ */

struct worker {
	const struct input_list *inputs;
	int64_t now;
	size_t batch_size;
	struct queue *q;         /* NULL in single-thread mode */
	struct ictx *ic;         /* single-thread mode: write each batch directly */
	int (*consume)(struct ictx *ic, struct batch *b, struct pw_error *err);
	struct pw_error fatal;     /* worker's own failure (out of memory) */
	int failed;
	struct pw_error write_err; /* the writer's failure (written by the writer only) */
	int stopped;               /* the writer failed; the worker stopped */
	struct batch *cur;
	struct batch *spare;       /* single-thread mode: the batch to reuse */
	uint64_t bytes_done;
	uint64_t files;
};

static int emit(struct worker *w)
{
	struct batch *b = w->cur;
	w->cur = NULL;
	if (b == NULL)
		return 1;
	b->bytes_done = w->bytes_done;
	b->files = w->files;
	w->files = 0;
	if (w->q == NULL) {
		int ok = w->consume(w->ic, b, &w->write_err);
		batch_free(w->spare);
		w->spare = b;
		if (!ok)
			w->stopped = 1;
		return ok;
	}
	pthread_mutex_lock(&w->q->mu);
	while (w->q->depth >= PW_INGEST_QUEUE_DEPTH && !w->q->stop)
		pthread_cond_wait(&w->q->cv, &w->q->mu);
	if (w->q->stop) {
		pthread_mutex_unlock(&w->q->mu);
		batch_free(b);
		w->stopped = 1;
		return 0;
	}
	if (w->q->tail != NULL)
		w->q->tail->next = b;
	else
		w->q->head = b;
	w->q->tail = b;
	w->q->depth++;
	pthread_cond_broadcast(&w->q->cv);
	pthread_mutex_unlock(&w->q->mu);
	return 1;
}

/* Empties a batch for reuse: its buffers stay allocated (and their pages
 * mapped), so steady-state ingest does not fault in fresh memory per batch. */
static void batch_reset(struct batch *b)
{
	b->n = 0;
	b->n_certs = 0;
	b->data.len = 0;
	b->data.failed = 0;
	b->bytes_done = 0;
	b->files = 0;
	b->next = NULL;
}

static struct batch *cur_batch(struct worker *w)
{
	if (w->cur != NULL)
		return w->cur;
	if (w->spare != NULL) {
		w->cur = w->spare;
		w->spare = NULL;
	} else if (w->q != NULL) {
		pthread_mutex_lock(&w->q->mu);
		if (w->q->spare != NULL) {
			w->cur = w->q->spare;
			w->q->spare = w->cur->next;
			w->q->n_spare--;
		}
		pthread_mutex_unlock(&w->q->mu);
	}
	if (w->cur != NULL)
		batch_reset(w->cur);
	else
		w->cur = batch_new();
	return w->cur;
}

/* Hands the batch over when full. Returns 0 to stop. */
static int maybe_emit(struct worker *w)
{
	struct batch *b = w->cur;
	if (b != NULL && (b->n_certs >= w->batch_size || b->data.len >= PW_INGEST_BATCH_BYTES ||
	                  b->n >= 4 * w->batch_size))
		return emit(w);
	return 1;
}

static int add_report(struct worker *w, size_t path_off, enum pw_store_report_kind kind,
                      int is_object, size_t line, int has_offset, size_t offset,
                      const struct pw_error *e, const uint8_t *sha)
{
	struct item *it = batch_add(w->cur);
	if (it == NULL)
		return 0;
	it->type = IT_REPORT;
	it->is_object = is_object;
	it->path_off = path_off;
	it->kind = kind;
	it->line = line;
	it->has_offset = has_offset;
	it->offset = offset;
	it->err = *e;
	if (sha != NULL) {
		it->has_sha256 = 1;
		memcpy(it->sha256, sha, 32);
	}
	return 1;
}

static const char *skip_what(enum pw_object_type t)
{
	switch (t) {
	case PW_OBJ_CRL: return "CRL";
	case PW_OBJ_CSR: return "CSR";
	case PW_OBJ_TBS: return "TBS certificate";
	case PW_OBJ_PUBLIC_KEY: return "public key";
	case PW_OBJ_PRIVATE_KEY: return "private key";
	default: return NULL;
	}
}

/* Handles one object of a file. Returns 0 only on out-of-memory. */
static int do_object(struct worker *w, struct pw_cert *c, const struct pw_object *ob,
                     size_t path_off)
{
	struct pw_error e;
	struct batch *b = w->cur;
	enum pw_object_type t = ob->type;

	if (t == PW_OBJ_UNKNOWN && ob->label[0] == '\0')
		t = pw_der_sniff(ob->der, ob->der_len);
	const char *skip = skip_what(t);
	if (skip != NULL) {
		pw_error_set(&e, PW_ERR_PARSE, 0, 0, NULL, "not a certificate (%s); skipped", skip);
		return add_report(w, path_off, PW_STORE_SKIPPED, 1, ob->line, 1, ob->offset, &e, NULL);
	}
	if (t == PW_OBJ_OTHER) {
		pw_error_set(&e, PW_ERR_PARSE, 0, 0, "PEM label",
		             "wrong PEM label \"%.60s\" (expected CERTIFICATE)", ob->label);
		return add_report(w, path_off, PW_STORE_REJECTED, 1, ob->line, 1, ob->offset, &e, NULL);
	}
	if (t != PW_OBJ_CERTIFICATE && t != PW_OBJ_UNKNOWN) {
		pw_error_set(&e, PW_ERR_PARSE, 0, 0, NULL, "not a certificate");
		return add_report(w, path_off, PW_STORE_REJECTED, 1, ob->line, 1, ob->offset, &e, NULL);
	}
	pw_error_clear(&e);
	if (pw_cert_parse(c, ob->der, ob->der_len, &e) != PW_OK) {
		if (e.status == PW_OK)
			e.status = PW_ERR_PARSE;
		return add_report(w, path_off, PW_STORE_REJECTED, 1, ob->line, 1, ob->offset, &e, NULL);
	}
	if (c->kind != PW_KIND_CERT && c->kind != PW_KIND_PRECERT) {
		pw_error_set(&e, PW_ERR_PARSE, 0, 0, NULL, "not a certificate");
		return add_report(w, path_off, PW_STORE_REJECTED, 1, ob->line, 1, ob->offset, &e, NULL);
	}
	struct item *it = batch_add(b);
	if (it == NULL)
		return 0;
	if (!pw_store_rec_build_off(c, w->now, &it->ro, &b->data, &e)) {
		if (e.status == PW_ERR_NOMEM)
			return 0;
		it->type = IT_REPORT;
		it->is_object = 1;
		it->kind = PW_STORE_REJECTED;
		it->path_off = path_off;
		it->line = ob->line;
		it->has_offset = 1;
		it->offset = ob->offset;
		it->err = e;
		it->has_sha256 = 1;
		memcpy(it->sha256, c->sha256, 32);
		return 1;
	}
	if (w->ic->o->findings != NULL) {
		/* Linted here, on the parsing thread, from the model already built:
		 * the findings travel in the batch and are stored in the same
		 * transaction as the certificate. */
		size_t off = b->data.len, nf = 0;
		pw_error_clear(&e);
		if (!w->ic->o->findings(w->ic->o->findings_ctx, c, &b->data, &nf, &e)) {
			w->fatal = e;
			if (w->fatal.status == PW_OK)
				w->fatal.status = PW_ERR_USAGE;
			w->failed = 1;
			b->n--; /* the item is not complete */
			return 0;
		}
		if (b->data.failed)
			return 0;
		it->ro.r.has_findings = 1;
		it->ro.r.n_findings = nf;
		it->ro.findings_off = off;
	}
	it->type = IT_CERT;
	it->is_object = 1;
	it->path_off = path_off;
	it->line = ob->line;
	it->has_offset = 1;
	it->offset = ob->offset;
	b->n_certs++;
	return 1;
}

/* Makes sure the current batch holds the file's path (a file's objects may
 * span batches); path_batch and path_off say where it is. Returns 0 on OOM. */
static int ensure_path(struct worker *w, const char *path, struct batch **path_batch,
                       size_t *path_off)
{
	if (cur_batch(w) == NULL)
		return 0;
	if (*path_batch == w->cur)
		return 1;
	*path_off = w->cur->data.len;
	if (!pw_buf_append(&w->cur->data, path, strlen(path) + 1))
		return 0;
	*path_batch = w->cur;
	return 1;
}

static int do_file(struct worker *w, struct pw_cert *c, const struct input *in)
{
	struct input_bytes ib = {NULL, 0, 0};
	size_t path_off = 0;
	struct batch *path_batch = NULL;
	struct pw_objects objs = {NULL, 0};
	struct pw_error e;
	enum pw_status st;
	int ok = 1;

	w->files++;
	pw_error_clear(&e);
	if (read_input(in->path, &ib, &e) != PW_OK) {
		ok = e.status != PW_ERR_NOMEM && ensure_path(w, in->path, &path_batch, &path_off) &&
		     add_report(w, path_off, PW_STORE_REJECTED, 0, 0, 0, 0, &e, NULL);
		goto out;
	}
	pw_error_clear(&e);
	st = pw_objects_read(ib.p, ib.len, &objs, &e);
	for (size_t i = 0; ok && i < objs.n; i++) {
		ok = ensure_path(w, in->path, &path_batch, &path_off) &&
		     do_object(w, c, &objs.v[i], path_off);
		if (ok && w->cur->n_certs >= w->batch_size)
			ok = maybe_emit(w); /* a full batch is handed over between objects */
	}
	if (!ok)
		goto out;
	if (st != PW_OK) {
		/* Framing failed after objs.n good objects (kept above). The error
		 * says where (byte offset; for PEM the message names the line). */
		if (e.status == PW_OK)
			e.status = PW_ERR_PARSE;
		ok = ensure_path(w, in->path, &path_batch, &path_off) &&
		     add_report(w, path_off, PW_STORE_REJECTED, 0, 0, e.has_offset, e.offset, &e, NULL);
	} else if (objs.n == 0) {
		pw_error_set(&e, PW_ERR_PARSE, 0, 0, NULL,
		             "no certificate found (neither a PEM block nor DER)");
		ok = ensure_path(w, in->path, &path_batch, &path_off) &&
		     add_report(w, path_off, PW_STORE_REJECTED, 0, 0, 0, 0, &e, NULL);
	}
out:
	pw_objects_free(&objs);
	w->bytes_done += in->size ? in->size : ib.len;
	input_bytes_free(&ib);
	if (ok)
		ok = maybe_emit(w);
	return ok;
}

static int stop_requested(struct worker *w)
{
	if (w->q == NULL)
		return w->stopped;
	pthread_mutex_lock(&w->q->mu);
	int stop = w->q->stop;
	pthread_mutex_unlock(&w->q->mu);
	return stop;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pw_cert c;
	int ok = 1;

	pw_cert_init(&c);
	for (size_t i = 0; ok && i < w->inputs->n; i++) {
		if (w->inputs->v[i].metadata)
			continue;
		if (stop_requested(w))
			break;
		ok = do_file(w, &c, &w->inputs->v[i]);
	}
	if (ok)
		ok = emit(w);
	/* Failing without a stop request from the writer means memory ran out. */
	if (!ok && !w->stopped && !w->failed) {
		pw_error_set(&w->fatal, PW_ERR_NOMEM, 0, 0, NULL, "out of memory while parsing");
		w->failed = 1;
	}
	batch_free(w->cur);
	w->cur = NULL;
	batch_free(w->spare);
	w->spare = NULL;
	pw_cert_cleanup(&c);
	if (w->q != NULL) {
		pthread_mutex_lock(&w->q->mu);
		w->q->done = 1;
		pthread_cond_broadcast(&w->q->cv);
		pthread_mutex_unlock(&w->q->mu);
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

/* Writes one batch in one transaction and reports its items. Returns 0 on
 * a fatal store error (*err set, batch rolled back). */
static int consume(struct ictx *ic, struct batch *b, struct pw_error *err)
{
	struct pw_store *s = ic->s;
	enum pw_status st;
	struct pw_error e;
	uint64_t ingested = 0, present = 0, findings = 0, linted = 0;
	struct pw_store_batch_info bi;
	/* With a backend that writes a whole batch at once (put_batch), the
	 * outcome of every certificate is known before the reports are made;
	 * the items are then reported in the same order and the same way as
	 * with one put per record. */
	const struct pw_store_rec **recs = NULL;
	int *outcome = NULL;
	struct pw_error *errs = NULL;
	size_t k = 0;
	int ok = 0;
	memset(&bi, 0, sizeof bi);

	if (b->n_certs > 0 && (st = s->ops->begin(s, err)) != PW_OK)
		return 0;
	if (b->n_certs > 0 && s->ops->put_batch != NULL) {
		/* b->n bounds the certificate items (n_certs of them). */
		recs = malloc(b->n * sizeof *recs);
		outcome = calloc(b->n, sizeof *outcome);
		errs = calloc(b->n, sizeof *errs);
		if (recs == NULL || outcome == NULL || errs == NULL) {
			pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < b->n; i++) {
			struct item *it = &b->items[i];
			if (it->type == IT_REPORT)
				continue;
			pw_store_rec_rebase(&it->ro, b->data.data);
			recs[k++] = &it->ro.r;
		}
		pw_error_clear(&e);
		if ((st = s->ops->put_batch(s, recs, k, outcome, errs, &e)) != PW_OK) {
			*err = e;
			if (err->status == PW_OK)
				err->status = st;
			goto fail;
		}
		k = 0;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];
		const char *path = (const char *)b->data.data + it->path_off;
		if (it->is_object)
			ic->sum->objects++;
		if (it->type == IT_REPORT) {
			report(ic, it->kind, path, it->line, it->has_offset, it->offset, &it->err,
			       it->has_sha256 ? it->sha256 : NULL);
			continue;
		}
		int inserted = 0;
		const struct pw_error *rej = &e;
		if (outcome != NULL) {
			inserted = outcome[k];
			rej = &errs[k++];
			st = inserted < 0 ? PW_ERR_EXISTS : PW_OK;
		} else {
			pw_store_rec_rebase(&it->ro, b->data.data);
			pw_error_clear(&e);
			st = s->ops->put(s, &it->ro.r, &inserted, &e);
		}
		if (st == PW_ERR_EXISTS) {
			report(ic, PW_STORE_REJECTED, path, it->line, it->has_offset, it->offset, rej,
			       it->ro.r.sha256);
			continue;
		}
		if (st != PW_OK) {
			*err = e;
			goto fail;
		}
		if (inserted)
			ingested++;
		else
			present++;
		if (!bi.has_certs)
			memcpy(bi.first_sha256, it->ro.r.sha256, 32);
		memcpy(bi.last_sha256, it->ro.r.sha256, 32);
		bi.has_certs = 1;
		if (it->ro.r.has_findings) {
			findings += it->ro.r.n_findings;
			linted++;
		}
	}
	if (b->n_certs > 0 && ic->o->on_batch != NULL) {
		bi.ingested = ingested;
		bi.already_present = present;
		bi.linted = linted;
		bi.findings = findings;
		pw_error_clear(&e);
		if ((st = ic->o->on_batch(ic->o->batch_ctx, s, &bi, &e)) != PW_OK) {
			*err = e;
			if (err->status == PW_OK)
				err->status = st;
			goto fail;
		}
	}
	if (b->n_certs > 0 && (st = s->ops->commit(s, err)) != PW_OK)
		goto out;
	/* Counted only once the batch is durable. */
	ic->sum->ingested += ingested;
	ic->sum->already_present += present;
	ic->sum->findings += findings;
	ic->sum->linted += linted;
	ic->sum->files += b->files;
	ic->sum->bytes = b->bytes_done;
	if (ic->o->progress != NULL)
		ic->o->progress(ic->o->ctx, b->bytes_done, ic->total_bytes,
		                ic->sum->ingested + ic->sum->already_present);
	ok = 1;
	goto out;
fail:
	s->ops->rollback(s);
out:
	free(recs);
	free(outcome);
	free(errs);
	return ok;
}

/* ------------------------------------------------------------------------ */
/* Metadata files                                                            */
/* ------------------------------------------------------------------------ */

static enum pw_status ingest_metadata(struct ictx *ic, const char *path, struct pw_error *err)
{
	struct pw_store *s = ic->s;
	struct pw_store_metadata m;
	struct pw_error e;
	struct input_bytes ib = {NULL, 0, 0};
	size_t lineno = 0, in_txn = 0;
	enum pw_status st = PW_OK;

	pw_store_metadata_init(&m);
	ic->sum->files++;
	pw_error_clear(&e);
	if (read_input(path, &ib, &e) != PW_OK) {
		if (e.status == PW_ERR_NOMEM) {
			*err = e;
			return PW_ERR_NOMEM;
		}
		report(ic, PW_STORE_REJECTED, path, 0, 0, 0, &e, NULL);
		return PW_OK;
	}
	const uint8_t *buf = ib.p;
	size_t len = ib.len;
	ic->sum->bytes += len;
	size_t pos = 0;
	while (pos < len) {
		size_t start = pos;
		const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - buf) : len;
		pos = nl != NULL ? end + 1 : len;
		lineno++;
		size_t l = end - start;
		if (l > 0 && buf[start + l - 1] == '\r')
			l--;
		size_t k = 0;
		while (k < l && (buf[start + k] == ' ' || buf[start + k] == '\t'))
			k++;
		if (k == l)
			continue; /* blank line */
		ic->sum->metadata_lines++;
		pw_error_clear(&e);
		if (pw_store_metadata_parse_line(buf + start, l, &m, &e) != PW_OK) {
			report(ic, PW_STORE_META_ERROR, path, lineno, 1, start, &e, NULL);
			continue;
		}
		if (in_txn == 0 && (st = s->ops->begin(s, err)) != PW_OK)
			goto out;
		in_txn++;
		pw_error_clear(&e);
		st = s->ops->apply_metadata(s, &m, &e);
		if (st == PW_ERR_NOTFOUND) {
			report(ic, PW_STORE_META_ERROR, path, lineno, 1, start, &e, m.sha256);
			st = PW_OK;
		} else if (st != PW_OK) {
			*err = e;
			s->ops->rollback(s);
			in_txn = 0;
			goto out;
		} else {
			ic->sum->metadata_applied++;
		}
		if (in_txn >= PW_INGEST_META_BATCH) {
			if ((st = s->ops->commit(s, err)) != PW_OK)
				goto out;
			in_txn = 0;
		}
	}
	if (in_txn > 0)
		st = s->ops->commit(s, err);
out:
	pw_store_metadata_cleanup(&m);
	input_bytes_free(&ib);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */
/* ------------------------------------------------------------------------ */

enum pw_status pw_store_ingest(struct pw_store *s, const char *const *inputs, size_t n_inputs,
                               const struct pw_store_ingest_opts *opts,
                               struct pw_store_ingest_summary *out, struct pw_error *err)
{
	static const struct pw_store_ingest_opts no_opts;
	struct pw_store_ingest_summary sum;
	struct input_list list = {NULL, 0, 0};
	struct queue q;
	struct worker w;
	struct ictx ic;
	enum pw_status st = PW_OK;
	int q_init = 0, started = 0;
	pthread_t th;

	memset(&sum, 0, sizeof sum);
	memset(&w, 0, sizeof w);
	if (opts == NULL)
		opts = &no_opts;
	if (s == NULL || (inputs == NULL && n_inputs > 0)) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
		goto out;
	}
	if (s->flags & PW_STORE_READONLY) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
		goto out;
	}
	if (s->ops->in_txn(s)) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "store",
		                  "ingest manages its own transactions; commit first");
		goto out;
	}
	if (opts->batch_size > PW_STORE_INGEST_BATCH_MAX) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "batch_size", "batch size over %d",
		                  PW_STORE_INGEST_BATCH_MAX);
		goto out;
	}
	ic.s = s;
	ic.o = opts;
	ic.sum = &sum;
	ic.now = opts->now != 0 ? opts->now : (int64_t)time(NULL);
	ic.batch_size = opts->batch_size ? opts->batch_size : PW_STORE_INGEST_BATCH_DEFAULT;

	for (size_t i = 0; i < n_inputs; i++) {
		if (inputs[i] == NULL || !collect(&ic, &list, inputs[i], 0, 1)) {
			st = pw_error_set(err, inputs[i] == NULL ? PW_ERR_USAGE : PW_ERR_NOMEM, 0, 0, NULL,
			                  inputs[i] == NULL ? "NULL input path"
			                                    : "out of memory listing inputs");
			goto out;
		}
	}
	for (size_t i = 0; i < opts->n_metadata_paths; i++) {
		if (opts->metadata_paths[i] == NULL || !add_input(&list, opts->metadata_paths[i], 0)) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory listing inputs");
			goto out;
		}
		list.v[list.n - 1].metadata = 1;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < list.n; i++)
		if (!list.v[i].metadata)
			total += list.v[i].size;
	ic.total_bytes = total;
	if (opts->progress != NULL)
		opts->progress(opts->ctx, 0, total, 0);

	w.inputs = &list;
	w.now = ic.now;
	w.batch_size = ic.batch_size;
	w.ic = &ic;
	w.consume = consume;
	if (opts->single_thread) {
		worker_main(&w);
		if (w.stopped || w.failed) {
			const struct pw_error *fe = w.stopped ? &w.write_err : &w.fatal;
			if (err != NULL)
				*err = *fe;
			st = fe->status != PW_OK ? fe->status : PW_ERR_STORE;
			goto out;
		}
	} else {
		memset(&q, 0, sizeof q);
		pthread_mutex_init(&q.mu, NULL);
		pthread_cond_init(&q.cv, NULL);
		q_init = 1;
		w.q = &q;
		if (pthread_create(&th, NULL, worker_main, &w) != 0) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "cannot start the parser thread");
			goto out;
		}
		started = 1;
		int failed = 0;
		for (;;) {
			pthread_mutex_lock(&q.mu);
			while (q.head == NULL && !q.done)
				pthread_cond_wait(&q.cv, &q.mu);
			struct batch *b = q.head;
			if (b != NULL) {
				q.head = b->next;
				if (q.head == NULL)
					q.tail = NULL;
				q.depth--;
				pthread_cond_broadcast(&q.cv);
			}
			pthread_mutex_unlock(&q.mu);
			if (b == NULL)
				break;
			if (!failed && !consume(&ic, b, &w.write_err)) {
				failed = 1;
				pthread_mutex_lock(&q.mu);
				q.stop = 1;
				pthread_cond_broadcast(&q.cv);
				pthread_mutex_unlock(&q.mu);
			}
			pthread_mutex_lock(&q.mu);
			if (!failed && q.n_spare < PW_INGEST_QUEUE_DEPTH) {
				b->next = q.spare;
				q.spare = b;
				q.n_spare++;
				b = NULL;
			}
			pthread_mutex_unlock(&q.mu);
			batch_free(b);
		}
		pthread_join(th, NULL);
		started = 0;
		if (failed || w.failed) {
			const struct pw_error *fe = failed ? &w.write_err : &w.fatal;
			if (err != NULL)
				*err = *fe;
			st = fe->status != PW_OK ? fe->status : PW_ERR_STORE;
			goto out;
		}
	}
	if (opts->progress != NULL)
		opts->progress(opts->ctx, total, total, sum.ingested + sum.already_present);
	for (size_t i = 0; i < list.n; i++) {
		if (!list.v[i].metadata)
			continue;
		if ((st = ingest_metadata(&ic, list.v[i].path, err)) != PW_OK)
			goto out;
	}
out:
	if (started)
		pthread_join(th, NULL);
	if (q_init) {
		while (q.head != NULL) {
			struct batch *b = q.head;
			q.head = b->next;
			batch_free(b);
		}
		while (q.spare != NULL) {
			struct batch *b = q.spare;
			q.spare = b->next;
			batch_free(b);
		}
		pthread_mutex_destroy(&q.mu);
		pthread_cond_destroy(&q.cv);
	}
	free_inputs(&list);
	if (out != NULL)
		*out = sum;
	return st;
}
