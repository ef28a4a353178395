/* incident/mail_import.c: problem reports by email (report.h,
 * pw_report_import_path / pw_report_import_message).
 *
 * BR 4.9.3 requires a 24x7 way to accept Certificate Problem Reports and
 * their publication in CPS 1.5.2; most arrive by email, automated
 * key-compromise reporters included. Each message becomes one report:
 *   - identified by its Message-ID (or, without one, by the SHA-256 of its
 *     bytes), so importing the same mailbox twice changes nothing;
 *   - certificates it names by SHA-256, crt.sh link, serial (+ issuer) or
 *     attached PEM are linked only when the store resolves them; crt.sh ids
 *     and unknown fingerprints are recorded as unresolved; names (FQDNs)
 *     only produce candidates over the whole history (DESIGN.md: a name is
 *     a search term, never an identity);
 *   - an attached proof (CSR, private key, JWS) goes through
 *     pw_revoke_report_key(): the key is blocked and every certificate with
 *     it revoked, committed first ("revocation is recorded durably before
 *     anyone is told"); then the report's intake record is written in one
 *     transaction. If that second step fails, importing again finds the key
 *     handled (the same report, not adopted yet) and completes it.
 *   - everything else of a message is one transaction: a malformed message
 *     writes nothing, and the next one is imported. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include "pkiward/buf.h"
#include "pkiward/keys.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store_reports.h"
#include "report_internal.h"

/* Largest mailbox file read (each message within it is still capped at
 * PW_REPORT_MAIL_MAX_MESSAGE). */
#define MAIL_MAX_MBOX ((size_t)1 << 30)
/* Longest Maildir file name handled. */
#define MAIL_MAX_PATH 4096

/* Tolerated clock skew for a Date in the future. */
#define MAIL_FUTURE_SKEW_SECS ((int64_t)300)

static int row_found(void *ctx, const struct pw_store_row *row)
{
	(void)row;
	(*(size_t *)ctx)++;
	return 1;
}

struct serial_ctx {
	uint8_t sha256[8][32];
	uint8_t issuer[8][32];
	size_t n;
};

static int serial_row(void *vctx, const struct pw_store_row *row)
{
	struct serial_ctx *c = vctx;
	if (c->n < 8) {
		memcpy(c->sha256[c->n], row->sha256, 32);
		memcpy(c->issuer[c->n], row->issuer_name_sha256, 32);
	}
	c->n++;
	return c->n <= 8;
}

/* An issuer DN as reporters write it ("CN=X,O=Y,C=Z", "C = Z, O = Y, CN = X"
 * as openssl prints it, "/C=Z/O=Y/CN=X") -> the store's RFC 4514 text
 * ("CN=X, O=Y, C=Z"), in the order given (out[0]) and reversed (out[1]):
 * RFC 4514 §2.1 writes the last RDN first, other tools the first first.
 * Returns the number of variants (0 when the text has no attribute). */
#define DN_MAX_RDNS 32
static int issuer_variants(const char *in, char out[2][PW_REPORT_MAX_SHORT])
{
	char buf[PW_REPORT_MAX_SHORT], *parts[DN_MAX_RDNS];
	size_t n = 0;
	int slash = in[0] == '/';
	snprintf(buf, sizeof buf, "%s", in + slash);
	char *p = buf;
	while (*p && n < DN_MAX_RDNS) {
		char *start = p;
		/* Split on an unescaped separator. */
		while (*p && *p != (slash ? '/' : ',')) {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		if (*p)
			*p++ = '\0';
		/* Trim and drop spaces around '='. */
		while (*start == ' ')
			start++;
		char *e = start + strlen(start);
		while (e > start && e[-1] == ' ')
			*--e = '\0';
		char *eq = strchr(start, '=');
		if (eq == NULL)
			return 0;
		char *k = eq;
		while (k > start && k[-1] == ' ')
			k--;
		char *v = eq + 1;
		while (*v == ' ')
			v++;
		memmove(k + 1, v, strlen(v) + 1);
		*k = '=';
		parts[n++] = start;
	}
	if (n == 0)
		return 0;
	for (int dir = 0; dir < 2; dir++) {
		size_t o = 0;
		out[dir][0] = '\0';
		for (size_t i = 0; i < n; i++) {
			const char *part = parts[(dir == 0) != slash ? i : n - 1 - i];
			int w = snprintf(out[dir] + o, PW_REPORT_MAX_SHORT - o, "%s%s", i ? ", " : "", part);
			if (w < 0 || (size_t)w >= PW_REPORT_MAX_SHORT - o)
				return 0;
			o += (size_t)w;
		}
	}
	return 2;
}

/* Resolves one reference against the store inside the open transaction. */
static enum pw_status resolve_ref(struct pw_store *s, int64_t id, const struct pw_report_ref *r,
                                  const char *actor, struct pw_report_import_item *it,
                                  struct pw_error *err)
{
	enum pw_status st;
	char hex[2 * PW_STORE_MAX_SERIAL + 1], ref[PW_REPORT_MAX_SHORT + 2 * PW_STORE_MAX_SERIAL + 32];
	struct pw_store_filter f;
	size_t n = 0;
	switch (r->type) {
	case PW_REPORT_REF_SHA256:
	case PW_REPORT_REF_CRTSH_SHA256:
	case PW_REPORT_REF_PEM_CERT: {
		const char *how = r->type == PW_REPORT_REF_SHA256       ? PW_REPORT_LINK_SHA256
		                  : r->type == PW_REPORT_REF_CRTSH_SHA256 ? PW_REPORT_LINK_CRTSH
		                                                          : PW_REPORT_LINK_PEM;
		st = pw_report_link_cert(s, id, r->sha256, how, actor, err);
		if (st == PW_OK) {
			it->n_linked++;
			return PW_OK;
		}
		if (st != PW_ERR_NOTFOUND)
			return st;
		pw_error_clear(err);
		pw_hex_encode(r->sha256, 32, hex);
		snprintf(ref, sizeof ref, "sha256:%s", hex);
		it->n_unresolved++;
		return pw_report_add_unresolved(s, id, ref, "no certificate with this SHA-256 was issued"
		                                            " by this CA (not in the store)",
		                                actor, err);
	}
	case PW_REPORT_REF_CRTSH_ID:
		it->n_unresolved++;
		/* crt.sh ids are keys of crt.sh's own database: resolving one needs
		 * crt.sh, and pkiward works offline. The reporter is asked for the
		 * SHA-256 (the acknowledgement lists this). */
		return pw_report_add_unresolved(s, id, r->text,
		                                "crt.sh id: not resolvable offline; the SHA-256 is needed",
		                                actor, err);
	case PW_REPORT_REF_SERIAL: {
		struct serial_ctx sc;
		memset(&sc, 0, sizeof sc);
		pw_hex_encode(r->serial, r->serial_len, hex);
		char dn[2][PW_REPORT_MAX_SHORT];
		int n_dn = r->text[0] != '\0' ? issuer_variants(r->text, dn) : 0;
		for (int v = 0; v < (r->text[0] != '\0' ? n_dn : 1) && sc.n == 0; v++) {
			memset(&f, 0, sizeof f);
			f.has_serial = 1;
			memcpy(f.serial, r->serial, r->serial_len);
			f.serial_len = r->serial_len;
			if (r->text[0] != '\0')
				f.issuer_dn = dn[v];
			f.limit = 9;
			if ((st = pw_store_find(s, &f, 0, serial_row, &sc, err)) != PW_OK) {
				if (st != PW_ERR_NOTFOUND && st != PW_ERR_USAGE)
					return st;
				pw_error_clear(err);
				sc.n = 0;
			}
		}
		/* One (issuer, serial) is one identity: a certificate and its
		 * precertificate (RFC 6962 §3). Several issuers: not an identity. */
		int one_issuer = sc.n > 0 && sc.n <= 8;
		for (size_t i = 1; one_issuer && i < sc.n; i++)
			one_issuer = memcmp(sc.issuer[i], sc.issuer[0], 32) == 0;
		if (one_issuer) {
			for (size_t i = 0; i < sc.n; i++) {
				st = pw_report_link_cert(s, id, sc.sha256[i],
				                         r->text[0] ? PW_REPORT_LINK_ISSUER_SERIAL
				                                    : PW_REPORT_LINK_SERIAL,
				                         actor, err);
				if (st != PW_OK)
					return st;
				it->n_linked++;
			}
			return PW_OK;
		}
		snprintf(ref, sizeof ref, "serial:%s%s%s", hex, r->text[0] ? " issuer:" : "", r->text);
		it->n_unresolved++;
		return pw_report_add_unresolved(s, id, ref,
		                                sc.n == 0 ? "no certificate with this serial (and issuer)"
		                                          : "this serial exists under several issuers;"
		                                            " the issuer is needed",
		                                actor, err);
	}
	case PW_REPORT_REF_NAME:
		memset(&f, 0, sizeof f);
		f.name = r->text;
		f.limit = 1;
		if ((st = pw_store_find(s, &f, 0, row_found, &n, err)) != PW_OK) {
			if (st != PW_ERR_USAGE)
				return st;
			pw_error_clear(err); /* not a name the index holds */
			return PW_OK;
		}
		if (n == 0)
			return PW_OK; /* prose that looked like a name */
		st = pw_report_add_candidates(s, id, r->text, actor, &n, err);
		it->n_candidates += n;
		return st;
	}
	return PW_OK;
}

static char *message_id_or_hash(const struct pw_report_mail *m, const uint8_t *msg, size_t len)
{
	uint8_t h[32];
	char hex[65], *out;
	if (m->message_id != NULL)
		return strdup(m->message_id);
	/* No Message-ID: the message's own bytes identify it for idempotence. */
	if (!EVP_Digest(msg, len, h, NULL, EVP_sha256(), NULL))
		return NULL;
	pw_hex_encode(h, 32, hex);
	if ((out = malloc(100)) != NULL)
		snprintf(out, 100, "sha256-%s@pkiward.invalid", hex);
	return out;
}

struct life_probe {
	int found;
};

static int life_probe(void *ctx, const struct pw_store_report_life *l)
{
	(void)l;
	((struct life_probe *)ctx)->found = 1;
	return 1;
}

/* The proof to use: the first that verifies, else the first one (its
 * failure is then recorded for a person). */
static size_t pick_proof(const struct pw_report_mail *m)
{
	for (size_t i = 0; i < m->n_proofs; i++) {
		struct pw_keys_proof p;
		struct pw_error e;
		memset(&p, 0, sizeof p);
		if (pw_keys_verify_proof(m->proofs[i].data, m->proofs[i].len, &p, &e) == PW_OK) {
			pw_keys_proof_cleanup(&p);
			return i;
		}
		pw_keys_proof_cleanup(&p);
	}
	return 0;
}

static char *title_of(const struct pw_report_mail *m)
{
	return m->subject ? m->subject : NULL;
}

enum pw_status pw_report_import_message(struct pw_store *s, const uint8_t *msg, size_t len,
                                        const char *file, const char *actor,
                                        struct pw_report_import_item *out,
                                        struct pw_error *err)
{
	struct pw_report_mail m;
	struct pw_revoke_key_report_result kr;
	char *mid = NULL, *source = NULL, *body = NULL;
	int own = 0, have_kr = 0;
	int64_t id = 0, now = (int64_t)time(NULL);
	enum pw_status st;
	memset(&kr, 0, sizeof kr);
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	out->file = file;
	if ((st = pw_report_mail_parse(msg, len, &m, err)) != PW_OK)
		return st;
	if (actor == NULL)
		actor = "email";
	if ((mid = message_id_or_hash(&m, msg, len)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	st = pw_report_find_message_id(s, mid, &id, err);
	if (st == PW_OK) {
		out->duplicate = 1;
		out->report_id = id;
		goto out;
	}
	if (st != PW_ERR_NOTFOUND)
		goto out;
	pw_error_clear(err);
	int64_t received = m.received_at > now + MAIL_FUTURE_SKEW_SECS ? now : m.received_at;
	size_t sl = strlen(file ? file : "-") + 8;
	if ((source = malloc(sl)) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	snprintf(source, sl, "email:%s", file ? file : "-");
	/* Keep the body within the stored limit, saying so. */
	if (m.body != NULL && strlen(m.body) > PW_REPORT_MAX_TEXT - 64) {
		size_t keep = PW_REPORT_MAX_TEXT - 64;
		while (keep > 0 && ((unsigned char)m.body[keep] & 0xc0) == 0x80)
			keep--;
		if ((body = malloc(keep + 64)) == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		snprintf(body, keep + 64, "%.*s\n[truncated: %zu bytes in the message]", (int)keep,
		         m.body, strlen(m.body));
	}
	struct pw_report_new rn = {
		.received_at = received,
		.reporter = m.from,
		.kind = m.n_proofs > 0 ? "key-compromise" : "problem-report",
		.title = title_of(&m),
		.body = body ? body : m.body,
		.source = source,
		.message_id = mid,
		.br_item = m.n_proofs > 0 ? 3 : 0, /* BR 4.9.1.1 (3) */
		.actor = actor,
		.processed_at = now,
	};

	if (m.n_proofs > 0) {
		const struct pw_report_proof *pf = &m.proofs[pick_proof(&m)];
		struct pw_revoke_key_report rq = {
			.proof = pf->data,
			.proof_len = pf->len,
			.reporter = m.from,
			.actor = actor,
			.now = received,
		};
		if ((st = pw_revoke_report_key(s, &rq, &kr, err)) != PW_OK)
			goto out;
		have_kr = 1;
		out->proven = kr.proven;
		out->n_revoked = kr.n_revoked + kr.n_upgraded;
	}
	if ((st = pw_report_txn_begin(s, &own, err)) != PW_OK)
		goto out;
	int adopt = 0;
	if (have_kr && kr.report_id != 0) {
		struct life_probe lp = {0};
		st = pw_store_report_life_get(s, kr.report_id, life_probe, &lp, err);
		if (st != PW_OK && st != PW_ERR_NOTFOUND)
			goto out;
		pw_error_clear(err);
		adopt = !lp.found; /* recorded by this import (or an interrupted one) */
	}
	if (adopt) {
		id = kr.report_id;
		st = pw_report_adopt(s, id, &rn, err);
	} else {
		st = pw_report_create(s, &rn, &id, err);
	}
	if (st != PW_OK)
		goto out;
	if (have_kr && !kr.changed && !adopt && kr.report_id != 0) {
		char note[160];
		snprintf(note, sizeof note, "key already blocked and its certificates revoked by report %lld",
		         (long long)kr.report_id);
		if ((st = pw_report_note(s, id, 0, actor, note, err)) != PW_OK)
			goto out;
	}
	if (have_kr && kr.proven) {
		for (size_t i = 0; i < kr.n_items; i++) {
			if ((st = pw_report_link_cert(s, id, kr.items[i].sha256, PW_REPORT_LINK_KEY, actor,
			                              err)) != PW_OK)
				goto out;
			out->n_linked++;
		}
	} else if (have_kr) {
		char why[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
		pw_error_format(&kr.proof_error, why, sizeof why);
		if (strlen(why) > 120)
			why[120] = '\0';
		out->n_unresolved++;
		if ((st = pw_report_add_unresolved(s, id, "attached proof", why, actor, err)) != PW_OK)
			goto out;
	}
	for (size_t i = 0; i < m.n_refs; i++)
		if ((st = resolve_ref(s, id, &m.refs[i], actor, out, err)) != PW_OK)
			goto out;
	/* The automated path revoked every certificate with the key: that is
	 * the action (BR 4.9.5), taken from stored revocations. */
	if (have_kr && kr.proven && kr.n_items > 0) {
		struct pw_report *r = NULL;
		int all = 1;
		if ((st = pw_report_get(s, id, &r, err)) != PW_OK)
			goto out;
		for (size_t i = 0; i < r->n_certs && all; i++) {
			struct pw_store_revocation rv;
			enum pw_status rs = pw_store_revocation_get(s, r->certs[i].sha256, &rv, err);
			if (rs == PW_ERR_NOTFOUND)
				all = 0;
			else if (rs != PW_OK) {
				pw_report_free(r);
				st = rs;
				goto out;
			}
		}
		pw_error_clear(err);
		int none = r->action == PW_REPORT_ACTION_NONE;
		pw_report_free(r);
		if (all && none && (st = pw_report_action_revoked(s, id, now < received ? received : now,
		                                                  actor, err)) != PW_OK)
			goto out;
	}
	out->report_id = id;
out:
	st = pw_report_txn_end(s, own, st, err);
	if (st != PW_OK)
		out->report_id = 0;
	if (have_kr)
		pw_revoke_key_report_result_cleanup(&kr);
	pw_report_mail_cleanup(&m);
	free(mid);
	free(source);
	free(body);
	return st;
}

/* ---- sources ---- */

struct import_run {
	struct pw_store *s;
	const char *actor;
	pw_report_import_fn fn;
	void *ctx;
	size_t ok, failed;
};

static void one(struct import_run *run, const uint8_t *msg, size_t len, const char *file,
                uint64_t offset, uint64_t line)
{
	struct pw_report_import_item it;
	struct pw_error e;
	pw_error_clear(&e);
	enum pw_status st = pw_report_import_message(run->s, msg, len, file, run->actor, &it, &e);
	it.file = file;
	it.offset = offset;
	it.line = line;
	it.status = st;
	it.error = e;
	if (st == PW_OK) {
		run->ok++;
	} else {
		run->failed++;
		/* Offsets in the error are within the message: make them the file's. */
		if (it.error.has_offset)
			it.error.offset += (size_t)offset;
	}
	if (run->fn != NULL)
		run->fn(run->ctx, &it);
}

/* mboxrd (the "From " line starts each message; body lines ">From ",
 * ">>From " ... lose one '>'): splits and unescapes each message. */
static enum pw_status import_mbox(struct import_run *run, const uint8_t *p, size_t n,
                                  const char *file, struct pw_error *err)
{
	size_t off = 0, line = 1;
	struct pw_buf b;
	while (off < n) {
		/* off is at a "From " line: the message starts after it. */
		size_t start_off = off, start_line = line;
		const uint8_t *nl = memchr(p + off, '\n', n - off);
		if (nl == NULL)
			break;
		off = (size_t)(nl - p) + 1;
		line++;
		pw_buf_init(&b);
		int over = 0;
		while (off < n) {
			nl = memchr(p + off, '\n', n - off);
			size_t end = nl ? (size_t)(nl - p) + 1 : n;
			if (end - off >= 5 && memcmp(p + off, "From ", 5) == 0)
				break;
			size_t q = off;
			while (q < end && p[q] == '>')
				q++;
			size_t skip = q > off && end - q >= 5 && memcmp(p + q, "From ", 5) == 0 ? 1 : 0;
			if (b.len + (end - off) > PW_REPORT_MAIL_MAX_MESSAGE)
				over = 1;
			else
				pw_buf_append(&b, p + off + skip, end - off - skip);
			off = end;
			line++;
		}
		if (b.failed) {
			pw_buf_cleanup(&b);
			return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		}
		if (over) {
			struct pw_report_import_item it;
			memset(&it, 0, sizeof it);
			it.file = file;
			it.offset = start_off;
			it.line = start_line;
			it.status = pw_error_set(&it.error, PW_ERR_LIMIT, 1, start_off, "message",
			                         "message over %zu bytes", PW_REPORT_MAIL_MAX_MESSAGE);
			run->failed++;
			if (run->fn)
				run->fn(run->ctx, &it);
		} else {
			/* The message's bytes start on the line after "From ". */
			size_t mlen;
			uint8_t *msg = pw_buf_finish(&b, &mlen);
			const uint8_t *fl = memchr(p + start_off, '\n', n - start_off);
			size_t body_off = fl ? (size_t)(fl - p) + 1 : n;
			one(run, msg ? msg : (const uint8_t *)"", msg ? mlen : 0, file, body_off,
			    start_line + 1);
			free(msg);
		}
		pw_buf_cleanup(&b);
	}
	return PW_OK;
}

static enum pw_status read_all(const char *path, size_t max, uint8_t **out, size_t *out_len,
                               struct pw_error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	*out = NULL;
	*out_len = 0;
	if (f == NULL)
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: not a regular file", path);
	}
	if ((uint64_t)sb.st_size > max) {
		fclose(f);
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "%s: %lld bytes, over the %zu-byte limit",
		                    path, (long long)sb.st_size, max);
	}
	uint8_t *buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL) {
		fclose(f);
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	}
	size_t n = fread(buf, 1, (size_t)sb.st_size, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: read error", path);
	}
	*out = buf;
	*out_len = n;
	return PW_OK;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Maildir (cur/ and new/, one message per file; tmp/ is mail in delivery). */
static enum pw_status import_maildir(struct import_run *run, const char *dir,
                                     struct pw_error *err)
{
	static const char *const subs[] = {"cur", "new"};
	char path[MAIL_MAX_PATH];
	enum pw_status st = PW_OK;
	int any = 0;
	for (size_t k = 0; k < 2 && st == PW_OK; k++) {
		char **names = NULL;
		size_t n = 0, cap = 0;
		snprintf(path, sizeof path, "%s/%s", dir, subs[k]);
		DIR *d = opendir(path);
		if (d == NULL)
			continue;
		any = 1;
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (n >= PW_REPORT_MAIL_MAX_FILES) {
				st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL, "%s: more than %u files", path,
				                  PW_REPORT_MAIL_MAX_FILES);
				break;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				char **nn = realloc(names, cap * sizeof *names);
				if (nn == NULL) {
					st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
					break;
				}
				names = nn;
			}
			if ((names[n] = strdup(de->d_name)) == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				break;
			}
			n++;
		}
		closedir(d);
		if (st == PW_OK && n > 0)
			qsort(names, n, sizeof *names, name_cmp);
		for (size_t i = 0; i < n && st == PW_OK; i++) {
			char fp[MAIL_MAX_PATH];
			uint8_t *buf;
			size_t len;
			struct pw_error fe;
			snprintf(fp, sizeof fp, "%s/%s/%s", dir, subs[k], names[i]);
			if (read_all(fp, PW_REPORT_MAIL_MAX_MESSAGE, &buf, &len, &fe) != PW_OK) {
				struct pw_report_import_item it;
				memset(&it, 0, sizeof it);
				it.file = fp;
				it.status = fe.status;
				it.error = fe;
				run->failed++;
				if (run->fn)
					run->fn(run->ctx, &it);
				continue;
			}
			one(run, buf, len, fp, 0, 1);
			free(buf);
		}
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	if (st == PW_OK && !any)
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                  "%s: a directory without cur/ or new/ is not a Maildir", dir);
	return st;
}

enum pw_status pw_report_import_path(struct pw_store *s, const char *path, const char *actor,
                                     pw_report_import_fn fn, void *ctx, size_t *out_ok,
                                     size_t *out_failed, struct pw_error *err)
{
	struct import_run run = {s, actor, fn, ctx, 0, 0};
	struct stat sb;
	enum pw_status st;
	uint8_t *buf = NULL;
	size_t len = 0;
	if (out_ok)
		*out_ok = 0;
	if (out_failed)
		*out_failed = 0;
	if (s == NULL || path == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (stat(path, &sb) != 0)
		return pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "%s: %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		st = import_maildir(&run, path, err);
	} else {
		if ((st = read_all(path, MAIL_MAX_MBOX, &buf, &len, err)) != PW_OK)
			return st;
		if (len >= 5 && memcmp(buf, "From ", 5) == 0)
			st = import_mbox(&run, buf, len, path, err);
		else if (len > PW_REPORT_MAIL_MAX_MESSAGE)
			st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, NULL,
			                  "%s: a single message of %zu bytes, over the %zu-byte limit"
			                  " (an mbox starts with a \"From \" line)",
			                  path, len, PW_REPORT_MAIL_MAX_MESSAGE);
		else
			one(&run, buf, len, path, 0, 1);
		free(buf);
	}
	if (out_ok)
		*out_ok = run.ok;
	if (out_failed)
		*out_failed = run.failed;
	return st;
}
