/* store/: backend selection, the backend-neutral public functions, record
 * derivation (hashes, texts, name keys) and find query building.
 *
 * Query building follows one rule: the SQL text is assembled only from the
 * fixed fragments below, chosen by which filter members are set; every value
 * is bound to a "?" placeholder. The fragment bitmask identifies the text, so
 * backends cache one prepared statement per combination. */
/* Low-level SHA256_* are deprecated in OpenSSL 3, but unlike the one-shot
 * SHA256() (an algorithm fetch under a lock and an allocation per call) they
 * hash on the stack; cert/ makes the same choice (src/cert/arena.c). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "internal.h"
#include "postgres_internal.h"
#include "pkiward/buf.h"

/* ------------------------------------------------------------------------ */
/* Opening and thin wrappers                                                 */
/* ------------------------------------------------------------------------ */

enum pw_status pw_store_open(const char *location, int flags, struct pw_store **out,
                             struct pw_error *err)
{
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "no output handle");
	*out = NULL;
	if (location == NULL || location[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "empty store location");
	if ((flags & ~(PW_STORE_CREATE | PW_STORE_READONLY)) != 0 ||
	    ((flags & PW_STORE_CREATE) && (flags & PW_STORE_READONLY)))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "invalid open flags 0x%x",
		                    (unsigned)flags);
	if (strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0)
		return pw_store_pg_open(location, flags, out, err);
	return pw_store_sqlite_open(location, flags, out, err);
}

void pw_store_close(struct pw_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

const char *pw_store_backend(const struct pw_store *s)
{
	return s != NULL ? s->ops->name : "none";
}

enum pw_status pw_store_schema_version(struct pw_store *s, int *out, struct pw_error *err)
{
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->schema_version(s, out, err);
}

static enum pw_status require_writable(struct pw_store *s, struct pw_error *err)
{
	if (s->flags & PW_STORE_READONLY)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "store", "store opened read-only");
	return PW_OK;
}

enum pw_status pw_store_begin(struct pw_store *s, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	enum pw_status st = require_writable(s, err);
	if (st != PW_OK)
		return st;
	return s->ops->begin(s, err);
}

enum pw_status pw_store_commit(struct pw_store *s, struct pw_error *err)
{
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	return s->ops->commit(s, err);
}

void pw_store_rollback(struct pw_store *s)
{
	if (s != NULL)
		s->ops->rollback(s);
}

enum pw_status pw_store_put_cert(struct pw_store *s, const struct pw_cert *c, int64_t ingested_at,
                                 int *out_inserted, struct pw_error *err)
{
	struct pw_buf scratch;
	struct pw_store_rec_off ro;
	enum pw_status st;
	int own_txn = 0, inserted = 0;

	pw_buf_init(&scratch);
	if (out_inserted != NULL)
		*out_inserted = 0;
	if (s == NULL || c == NULL) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
		goto out;
	}
	if ((st = require_writable(s, err)) != PW_OK)
		goto out;
	if (c->kind != PW_KIND_CERT && c->kind != PW_KIND_PRECERT) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                  "only certificates and precertificates are stored");
		goto out;
	}
	if (!pw_store_rec_build_off(c, ingested_at, &ro, &scratch, err)) {
		st = err != NULL ? err->status : PW_ERR_PARSE;
		goto out;
	}
	pw_store_rec_rebase(&ro, scratch.data);
	if (!s->ops->in_txn(s)) {
		if ((st = s->ops->begin(s, err)) != PW_OK)
			goto out;
		own_txn = 1;
	}
	st = s->ops->put(s, &ro.r, &inserted, err);
	if (own_txn) {
		if (st == PW_OK)
			st = s->ops->commit(s, err);
		else
			s->ops->rollback(s);
	}
	if (st == PW_OK && out_inserted != NULL)
		*out_inserted = inserted;
out:
	pw_buf_cleanup(&scratch);
	return st;
}

enum pw_status pw_store_apply_metadata(struct pw_store *s, const struct pw_store_metadata *m,
                                       struct pw_error *err)
{
	enum pw_status st;
	int own_txn = 0;

	if (s == NULL || m == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if ((st = require_writable(s, err)) != PW_OK)
		return st;
	if (!s->ops->in_txn(s)) {
		if ((st = s->ops->begin(s, err)) != PW_OK)
			return st;
		own_txn = 1;
	}
	st = s->ops->apply_metadata(s, m, err);
	if (own_txn) {
		if (st == PW_OK)
			st = s->ops->commit(s, err);
		else
			s->ops->rollback(s);
	}
	return st;
}

enum pw_status pw_store_get_validations(struct pw_store *s, const uint8_t sha256[32],
                                        pw_store_validation_fn fn, void *ctx,
                                        struct pw_error *err)
{
	if (s == NULL || sha256 == NULL || fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return s->ops->validations(s, sha256, fn, ctx, err);
}

enum pw_status pw_store_stats(struct pw_store *s, struct pw_store_stats *out, struct pw_error *err)
{
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	return s->ops->stats(s, out, err);
}

/* ------------------------------------------------------------------------ */
/* Helpers: name keys, RFC 3339 times, DCV method ids                         */
/* ------------------------------------------------------------------------ */

int pw_store_name_key(const char *name, size_t len, char *out, size_t outlen)
{
	char low[PW_STORE_MAX_NAME + 1];

	if (name == NULL || out == NULL)
		return 0;
	if (len > 0 && name[len - 1] == '.')
		len--; /* absolute form "example.com." names the same domain */
	if (len == 0 || len > PW_STORE_MAX_NAME || outlen < len + 1)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch < 0x20 || ch == 0x7f)
			return 0;
		low[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
	}
	/* Write labels in reverse order: "www.example.com" -> "com.example.www",
	 * so every name under a domain shares the domain's key plus "." as a
	 * prefix and a subtree is one index range. */
	size_t o = 0, end = len;
	for (size_t i = len; i-- > 0;) {
		if (low[i] == '.') {
			memcpy(out + o, low + i + 1, end - i - 1);
			o += end - i - 1;
			out[o++] = '.';
			end = i;
		}
	}
	memcpy(out + o, low, end);
	o += end;
	out[o] = '\0';
	return 1;
}

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int pw_store_parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	size_t i;

	/* RFC 3339 §5.6: full-date "T" full-time; "T"/"Z" may be lowercase. */
	if (s == NULL || out == NULL || len < 20)
		return 0;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return 0;
	i = 19;
	if (i < len && s[i] == '.') {
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 9)
			return 0;
	}
	if (i >= len)
		return 0;
	int sign = 0;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '+' ? 1 : -1;
		if (len - i != 6 || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return 0;
		i += 6;
	} else {
		return 0;
	}
	if (i != len)
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int maxd = mdays[mo - 1] + (mo == 2 && leap);
	if (d > maxd)
		return 0;
	if (se == 60)
		se = 59; /* a leap second maps onto the preceding second in Unix time */
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= sign * (oh * 3600 + om * 60);
	*out = t;
	return 1;
}

int pw_store_method_ok(const char *method, size_t len)
{
	/* BR 3.2.2.4.N (domains) and 3.2.2.5.N (IP addresses). */
	if (method == NULL || len < 9 || len > 10)
		return 0;
	if (memcmp(method, "3.2.2.4.", 8) != 0 && memcmp(method, "3.2.2.5.", 8) != 0)
		return 0;
	const char *n = method + 8;
	size_t nl = len - 8;
	if (n[0] < '1' || n[0] > '9')
		return 0;
	if (nl == 2 && (n[1] < '0' || n[1] > '9'))
		return 0;
	return 1;
}

/* ------------------------------------------------------------------------ */
/* Record derivation                                                         */
/* ------------------------------------------------------------------------ */

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	SHA256_CTX ctx;
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, p, n);
	SHA256_Final(out, &ctx);
}

/* Issuer Names repeat across a whole ingest: remember the last one per
 * thread (ingest parses on its own thread) instead of re-hashing it. */
#define NAME_HASH_CACHE_MAX 1024
static _Thread_local struct {
	size_t len;
	uint8_t raw[NAME_HASH_CACHE_MAX];
	uint8_t hash[32];
} name_cache;

static void name_sha256(const struct pw_der *raw, uint8_t out[32])
{
	if (raw->len > 0 && raw->len == name_cache.len && memcmp(raw->p, name_cache.raw, raw->len) == 0) {
		memcpy(out, name_cache.hash, 32);
		return;
	}
	sha256(raw->p, raw->len, out);
	if (raw->len <= NAME_HASH_CACHE_MAX) {
		memcpy(name_cache.raw, raw->p, raw->len);
		name_cache.len = raw->len;
		memcpy(name_cache.hash, out, 32);
	}
}

static int put_bytes(struct pw_buf *b, const void *p, size_t n, size_t *off)
{
	*off = b->len;
	return n == 0 || pw_buf_append(b, p, n);
}

static int put_text(struct pw_buf *b, const char *s, size_t *off)
{
	*off = b->len;
	return pw_buf_append(b, s, strlen(s) + 1);
}

/* Appends one name entry unless its key is already in the list. */
static int add_name(struct pw_buf *b, size_t names_off, size_t *n_names, int kind,
                    const char *name, size_t len)
{
	char key[PW_STORE_MAX_NAME + 1];

	if (*n_names >= PW_STORE_MAX_INDEXED_NAMES)
		return 1;
	if (memchr(name, '\0', len) != NULL || !pw_store_name_key(name, len, key, sizeof key))
		return 1; /* not indexable (NUL, control characters, too long) */
	size_t klen = strlen(key);
	const char *p = (const char *)b->data + names_off;
	const char *end = (const char *)b->data + b->len;
	while (p < end) {
		size_t l = strlen(p + 1);
		if (l == klen && memcmp(p + 1, key, klen) == 0)
			return 1;
		p += l + 2;
	}
	char k = (char)kind;
	if (!pw_buf_append(b, &k, 1) || !pw_buf_append(b, key, klen + 1))
		return 0;
	(*n_names)++;
	return 1;
}

static int add_names(const struct pw_cert *c, struct pw_buf *b, size_t names_off,
                     size_t *n_names)
{
	const struct pw_general_names *san = &c->x.san.names;
	static const int order[] = {PW_GN_DNS, PW_GN_IP, PW_GN_RFC822};
	char text[PW_STORE_MAX_NAME + 1];

	if (c->x.san.present) {
		for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
			for (size_t i = 0; i < san->n; i++) {
				const struct pw_general_name *g = &san->v[i];
				if ((int)g->type != order[o])
					continue;
				if (g->type == PW_GN_IP) {
					int af = g->value.len == 4 ? AF_INET : g->value.len == 16 ? AF_INET6 : 0;
					if (af == 0 || inet_ntop(af, g->value.p, text, sizeof text) == NULL)
						continue;
					if (!add_name(b, names_off, n_names, PW_STORE_NAME_IP, text, strlen(text)))
						return 0;
				} else {
					int kind = g->type == PW_GN_DNS ? PW_STORE_NAME_DNS : PW_STORE_NAME_EMAIL;
					if (!add_name(b, names_off, n_names, kind, (const char *)g->value.p,
					              g->value.len))
						return 0;
				}
			}
		}
	}
	for (size_t i = 0; i < c->subject.n_attrs; i++) {
		const struct pw_attr *a = &c->subject.attrs[i];
		if (a->id != PW_OID_CN)
			continue;
		size_t n = pw_der_string_to_utf8(a->tag, &a->value, text, sizeof text);
		if (n == 0 || n >= sizeof text - 1)
			continue; /* unknown string type, or too long to be a name */
		if (!add_name(b, names_off, n_names, PW_STORE_NAME_CN, text, n))
			return 0;
	}
	return 1;
}

int pw_store_rec_build_off(const struct pw_cert *c, int64_t ingested_at,
                           struct pw_store_rec_off *ro, struct pw_buf *b, struct pw_error *err)
{
	char text[PW_STORE_MAX_DN_TEXT];
	struct pw_store_rec *r = &ro->r;

	memset(ro, 0, sizeof *ro);
	if (c->serial.len > PW_STORE_MAX_SERIAL) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "tbsCertificate.serialNumber",
		             "serial of %zu octets exceeds the %d stored", c->serial.len,
		             PW_STORE_MAX_SERIAL);
		return 0;
	}
	memcpy(r->sha256, c->sha256, 32);
	memcpy(r->link_sha256, c->link_sha256, 32);
	memcpy(r->spki_sha256, c->spki.sha256, 32);
	name_sha256(&c->issuer.raw, r->issuer_name_sha256);
	/* Only a CA's subject is an identity (table ca). */
	if (c->is_ca)
		sha256(c->subject.raw.p, c->subject.raw.len, r->subject_name_sha256);
	r->serial_len = c->serial.len;
	r->not_before = c->not_before;
	r->not_after = c->not_after;
	r->precert = c->kind == PW_KIND_PRECERT;
	r->is_ca = c->is_ca != 0;
	r->ingested_at = ingested_at;
	r->der_len = c->der.len;
	if (!put_bytes(b, c->serial.p, c->serial.len, &ro->serial_off))
		goto nomem;
	pw_name_to_text(&c->issuer, text, sizeof text);
	if (!put_text(b, text, &ro->issuer_off))
		goto nomem;
	pw_name_to_text(&c->subject, text, sizeof text);
	if (!put_text(b, text, &ro->subject_off))
		goto nomem;
	if (c->x.aki.present && c->x.aki.has_key_id) {
		r->aki_len = c->x.aki.key_id.len;
		if (!put_bytes(b, c->x.aki.key_id.p, r->aki_len, &ro->aki_off))
			goto nomem;
	}
	if (c->x.ski.present) {
		r->ski_len = c->x.ski.key_id.len;
		if (!put_bytes(b, c->x.ski.key_id.p, r->ski_len, &ro->ski_off))
			goto nomem;
	}
	if (!put_bytes(b, c->der.p, c->der.len, &ro->der_off))
		goto nomem;
	ro->names_off = b->len;
	if (!add_names(c, b, ro->names_off, &r->n_names))
		goto nomem;
	r->names_len = b->len - ro->names_off;
	return 1;
nomem:
	pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory building a certificate row");
	return 0;
}

void pw_store_rec_rebase(struct pw_store_rec_off *ro, const uint8_t *base)
{
	struct pw_store_rec *r = &ro->r;
	r->serial = base + ro->serial_off;
	r->issuer = (const char *)base + ro->issuer_off;
	r->subject = (const char *)base + ro->subject_off;
	r->aki = r->aki_len ? base + ro->aki_off : NULL;
	r->ski = r->ski_len ? base + ro->ski_off : NULL;
	r->der = base + ro->der_off;
	r->names = (const char *)base + ro->names_off;
	r->findings = r->has_findings ? (const char *)base + ro->findings_off : NULL;
}

int pw_store_rec_build(const struct pw_cert *c, int64_t ingested_at, struct pw_store_rec *r,
                       struct pw_buf *scratch, struct pw_error *err)
{
	struct pw_store_rec_off ro;
	if (!pw_store_rec_build_off(c, ingested_at, &ro, scratch, err))
		return 0;
	pw_store_rec_rebase(&ro, scratch->data);
	*r = ro.r;
	return 1;
}

/* ------------------------------------------------------------------------ */
/* Find                                                                      */
/* ------------------------------------------------------------------------ */

/* The fixed SELECT. The twin is the other half of a precertificate /
 * certificate pair: same issuer and serial (RFC 6962 §3.1: the precertificate
 * carries the serial of the certificate to be issued), opposite precert flag,
 * and the same link_sha256 (TBS without poison and SCTs, RFC 6962 §3.2). The
 * (issuer, serial, precert) unique index finds it, so link_sha256 needs no
 * index of its own. */
#define SQL_ROW_COLS                                                                     \
	"SELECT c.id, c.sha256, c.precert, c.is_ca, c.link_sha256, c.spki_sha256,"           \
	" c.issuer_name_sha256, c.subject, c.issuer, c.serial, c.not_before, c.not_after,"   \
	" c.profile, c.order_id, c.subscriber, c.ingested_at, r.revoked_at, r.reason,"       \
	" (SELECT t.sha256 FROM certificate t WHERE t.issuer_name_sha256 ="                   \
	" c.issuer_name_sha256 AND t.serial = c.serial AND t.precert <> c.precert"            \
	" AND t.link_sha256 = c.link_sha256)"
#define SQL_FROM " FROM certificate c LEFT JOIN revocation r ON r.cert_id = c.id"

/* WHERE fragments, in the order they are appended; bit i = fragment i. */
enum frag {
	F_SHA256,
	F_ISSUER_NAME,
	F_ISSUER_AKI,
	F_ISSUER_DN,
	F_SERIAL,
	F_SPKI,
	F_NAME,
	F_DOMAIN,
	F_ISSUED_AFTER,
	F_ISSUED_BEFORE,
	F_VALID_AT,
	F_DCV,
	F_DCV_PROBE,
	F_PROFILE,
	F_REVOKED,
	F_UNREVOKED,
	F_EXPIRED,
	F_UNEXPIRED,
	F_LINT,
	F_CA,
	F_NOT_CA,
	F_PRECERT,
	F_CERT,
	F_COUNT_
};

static const char *const frag_sql[F_COUNT_] = {
	[F_SHA256] = "c.sha256 = ?",
	[F_ISSUER_NAME] = "c.issuer_name_sha256 = ?",
	/* RFC 5280 §4.2.1.1: when both are present the AKI keyIdentifier of a
	 * certificate equals its issuer's SKI; tells a re-keyed CA apart. */
	[F_ISSUER_AKI] = "(c.aki IS NULL OR c.aki = ?)",
	[F_ISSUER_DN] = "c.issuer_name_sha256 IN (SELECT i.name_sha256 FROM issuer_name i"
	                " WHERE i.text = ?)",
	[F_SERIAL] = "c.serial = ?",
	[F_SPKI] = "c.spki_sha256 = ?",
	[F_NAME] = "c.id IN (SELECT n.cert_id FROM name n WHERE n.rev = ?)",
	/* The domain itself, then the range of keys starting with "<key>." ('/'
	 * is the character after '.', so [key".", key"/") is exactly that
	 * prefix; "badexample.com" -> "com.badexample" stays outside). */
	[F_DOMAIN] = "c.id IN (SELECT n.cert_id FROM name n WHERE n.rev = ?"
	             " UNION SELECT n2.cert_id FROM name n2 WHERE n2.rev >= ? AND n2.rev < ?)",
	[F_ISSUED_AFTER] = "c.not_before >= ?",
	[F_ISSUED_BEFORE] = "c.not_before < ?",
	[F_VALID_AT] = "c.not_before <= ? AND c.not_after >= ?",
	/* Two forms of one condition: alone, the method's certificates drive the
	 * query (an index range of validation); with a date window, the window
	 * drives (not_before index) and each certificate probes validation. */
	[F_DCV] = "c.id IN (SELECT v.cert_id FROM validation v WHERE v.method = ?)",
	[F_DCV_PROBE] = "EXISTS (SELECT 1 FROM validation v WHERE v.cert_id = c.id AND v.method = ?)",
	[F_PROFILE] = "c.profile = ?",
	[F_REVOKED] = "r.cert_id IS NOT NULL",
	[F_UNREVOKED] = "r.cert_id IS NULL",
	[F_EXPIRED] = "c.not_after < ?",
	[F_UNEXPIRED] = "c.not_after >= ?",
	[F_LINT] = "c.id IN (SELECT l.cert_id FROM lint_finding l WHERE l.lint = ?)",
	[F_CA] = "c.is_ca = 1",
	[F_NOT_CA] = "c.is_ca = 0",
	[F_PRECERT] = "c.precert = 1",
	[F_CERT] = "c.precert = 0",
};

#define KEY_WANT_DER (UINT64_C(1) << 40)
#define KEY_COUNT (UINT64_C(1) << 41)

struct qbuild {
	struct pw_store_query *q;
	uint64_t mask;
	/* Storage for derived values that binds point to. */
	uint8_t issuer_name[32];
	uint8_t ski[64];
	size_t ski_len;
	char name_key[PW_STORE_MAX_NAME + 1];
	char dom_key[PW_STORE_MAX_NAME + 1];
	char dom_lo[PW_STORE_MAX_NAME + 2];
	char dom_hi[PW_STORE_MAX_NAME + 2];
};

static void bind_blob(struct pw_store_query *q, const void *p, size_t n)
{
	q->binds[q->n_binds++] = (struct pw_store_bind){.type = PW_BIND_BLOB, .p = p, .len = n};
}

static void bind_text(struct pw_store_query *q, const char *p)
{
	q->binds[q->n_binds++] = (struct pw_store_bind){.type = PW_BIND_TEXT, .p = p, .len = strlen(p)};
}

static void bind_int(struct pw_store_query *q, int64_t v)
{
	q->binds[q->n_binds++] = (struct pw_store_bind){.type = PW_BIND_INT, .i = v};
}

static enum pw_status name_key_or_usage(const char *what, const char *name, char *out,
                                        struct pw_error *err)
{
	if (!pw_store_name_key(name, strlen(name), out, PW_STORE_MAX_NAME + 1))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, what,
		                    "not a searchable name (empty, control characters or over %d bytes)",
		                    PW_STORE_MAX_NAME);
	return PW_OK;
}

/* Builds the query for filter f. q->sql is malloc'd text the caller frees
 * after the query ran (sqlbuf is only the builder). */
static enum pw_status build_query(struct pw_store *s, const struct pw_store_filter *f,
                                  unsigned want, int count_only, struct qbuild *qb,
                                  struct pw_buf *sqlbuf, struct pw_error *err)
{
	struct pw_store_query *q = qb->q;
	enum pw_status st;
	uint64_t m = 0;

	memset(q, 0, sizeof *q);
	q->count_only = count_only;
	q->want = want;
	if (f->has_issuer_sha256 && f->issuer_dn != NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "issuer",
		                    "give the issuer as a CA certificate SHA-256 or as a DN, not both");
	if (f->has_serial && (f->serial_len == 0 || f->serial_len > PW_STORE_MAX_SERIAL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "serial", "serial of %zu octets",
		                    f->serial_len);

	/* Values in fragment order. */
	if (f->has_sha256) {
		m |= 1u << F_SHA256;
	}
	if (f->has_issuer_sha256) {
		st = s->ops->issuer_of_ca_cert(s, f->issuer_sha256, qb->issuer_name, qb->ski,
		                               sizeof qb->ski, &qb->ski_len, err);
		if (st != PW_OK)
			return st;
		m |= 1u << F_ISSUER_NAME;
		if (qb->ski_len > 0)
			m |= 1u << F_ISSUER_AKI;
	}
	if (f->issuer_dn != NULL)
		m |= 1u << F_ISSUER_DN;
	if (f->has_serial)
		m |= 1u << F_SERIAL;
	if (f->has_spki)
		m |= 1u << F_SPKI;
	if (f->name != NULL) {
		if ((st = name_key_or_usage("name", f->name, qb->name_key, err)) != PW_OK)
			return st;
		m |= 1u << F_NAME;
	}
	if (f->domain != NULL) {
		const char *d = f->domain;
		if (d[0] == '*' && d[1] == '.')
			d += 2; /* "*.example.com" asks for the same subtree */
		if ((st = name_key_or_usage("domain", d, qb->dom_key, err)) != PW_OK)
			return st;
		snprintf(qb->dom_lo, sizeof qb->dom_lo, "%s.", qb->dom_key);
		snprintf(qb->dom_hi, sizeof qb->dom_hi, "%s/", qb->dom_key);
		m |= 1u << F_DOMAIN;
	}
	if (f->has_issued_after)
		m |= 1u << F_ISSUED_AFTER;
	if (f->has_issued_before)
		m |= 1u << F_ISSUED_BEFORE;
	if (f->has_valid_at)
		m |= 1u << F_VALID_AT;
	if (f->dcv_method != NULL)
		m |= 1u << ((f->has_issued_after || f->has_issued_before || f->has_valid_at) ? F_DCV_PROBE
		                                                                           : F_DCV);
	if (f->profile != NULL)
		m |= 1u << F_PROFILE;
	if (f->revoked == PW_STORE_YES)
		m |= 1u << F_REVOKED;
	else if (f->revoked == PW_STORE_NO)
		m |= 1u << F_UNREVOKED;
	if (f->expired == PW_STORE_YES)
		m |= 1u << F_EXPIRED;
	else if (f->expired == PW_STORE_NO)
		m |= 1u << F_UNEXPIRED;
	if (f->lint != NULL)
		m |= 1u << F_LINT;
	if (f->ca == PW_STORE_YES)
		m |= 1u << F_CA;
	else if (f->ca == PW_STORE_NO)
		m |= 1u << F_NOT_CA;
	if (f->kind == PW_STORE_KIND_PRECERT)
		m |= 1u << F_PRECERT;
	else if (f->kind == PW_STORE_KIND_CERT)
		m |= 1u << F_CERT;

	/* With conditions, the rows are chosen by an inner query that reads
	 * only ids (often from an index alone: certificate_not_before,
	 * validation_method) and sorts them into ingest order; the outer query
	 * then reads each chosen certificate once, by rowid, in that order.
	 * Sorting whole result rows instead made SQLite copy every row, DER
	 * included, through its sorter: ~3x the CPU of the incident query
	 * `find --dcv-method X --issued-after A --issued-before B` (issue 2). */
	int wrap = !count_only && m != 0;
	/* The revocation join only where a condition reads it: a count or the
	 * id-choosing inner query otherwise probes revocation once per
	 * candidate row for nothing (SQLite keeps a LEFT JOIN it could drop). */
	const char *from =
		(m & ((1u << F_REVOKED) | (1u << F_UNREVOKED))) ? SQL_FROM : " FROM certificate c";
	if (count_only) {
		pw_buf_puts(sqlbuf, "SELECT COUNT(*)");
		pw_buf_puts(sqlbuf, from);
	} else if (want & (PW_STORE_WANT_DER | PW_STORE_WANT_NAMES))
		pw_buf_puts(sqlbuf, SQL_ROW_COLS ", d.der" SQL_FROM PW_STORE_SQL_DER_JOIN);
	else
		pw_buf_puts(sqlbuf, SQL_ROW_COLS SQL_FROM);
	if (wrap) {
		pw_buf_puts(sqlbuf, " WHERE c.id IN (SELECT c.id");
		pw_buf_puts(sqlbuf, from);
	}
	pw_buf_puts(sqlbuf, " WHERE 1 = 1");
	for (int i = 0; i < F_COUNT_; i++) {
		if (!(m & (1u << i)))
			continue;
		pw_buf_puts(sqlbuf, " AND ");
		pw_buf_puts(sqlbuf, frag_sql[i]);
		switch (i) {
		case F_SHA256: bind_blob(q, f->sha256, 32); break;
		case F_ISSUER_NAME: bind_blob(q, qb->issuer_name, 32); break;
		case F_ISSUER_AKI: bind_blob(q, qb->ski, qb->ski_len); break;
		case F_ISSUER_DN: bind_text(q, f->issuer_dn); break;
		case F_SERIAL: bind_blob(q, f->serial, f->serial_len); break;
		case F_SPKI: bind_blob(q, f->spki_sha256, 32); break;
		case F_NAME: bind_text(q, qb->name_key); break;
		case F_DOMAIN:
			bind_text(q, qb->dom_key);
			bind_text(q, qb->dom_lo);
			bind_text(q, qb->dom_hi);
			break;
		case F_ISSUED_AFTER: bind_int(q, f->issued_after); break;
		case F_ISSUED_BEFORE: bind_int(q, f->issued_before); break;
		case F_VALID_AT:
			bind_int(q, f->valid_at);
			bind_int(q, f->valid_at);
			break;
		case F_DCV:
		case F_DCV_PROBE: bind_text(q, f->dcv_method); break;
		case F_PROFILE: bind_text(q, f->profile); break;
		case F_EXPIRED:
		case F_UNEXPIRED: bind_int(q, f->now); break;
		case F_LINT: bind_text(q, f->lint); break;
		default: break;
		}
	}
	if (!count_only) {
		pw_buf_puts(sqlbuf, " ORDER BY c.id LIMIT ? OFFSET ?");
		bind_int(q, f->limit == 0 || f->limit > INT64_MAX ? INT64_MAX : (int64_t)f->limit);
		bind_int(q, f->offset > INT64_MAX ? INT64_MAX : (int64_t)f->offset);
	}
	if (wrap)
		pw_buf_puts(sqlbuf, ") ORDER BY c.id");
	size_t sql_len;
	uint8_t *sql = pw_buf_finish(sqlbuf, &sql_len);
	if (sql == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory building a query");
	q->sql = (const char *)sql; /* the caller frees it */
	q->key = m | (count_only ? KEY_COUNT
	                         : ((want & (PW_STORE_WANT_DER | PW_STORE_WANT_NAMES)) ? KEY_WANT_DER : 0));
	qb->mask = m;
	return PW_OK;
}

/* Adds dNSNames (parsed from the DER) to rows when asked. */
struct names_ctx {
	pw_store_row_fn fn;
	void *ctx;
	unsigned want;
	struct pw_cert cert;
	struct pw_buf text;
	size_t offs[PW_STORE_MAX_ROW_NAMES];
	const char *ptrs[PW_STORE_MAX_ROW_NAMES];
};

static int names_row(void *vctx, const struct pw_store_row *row)
{
	struct names_ctx *nc = vctx;
	struct pw_store_row r = *row;
	struct pw_error perr;
	size_t n = 0, total = 0;

	nc->text.len = 0;
	if ((nc->want & PW_STORE_WANT_NAMES) && row->der != NULL &&
	    pw_cert_parse_ex(&nc->cert, row->der, row->der_len, PW_CERT_PARSE_NO_HASHES, &perr) ==
	        PW_OK &&
	    nc->cert.x.san.present) {
		const struct pw_general_names *san = &nc->cert.x.san.names;
		for (size_t i = 0; i < san->n; i++) {
			if (san->v[i].type != PW_GN_DNS)
				continue;
			total++;
			if (n >= PW_STORE_MAX_ROW_NAMES)
				continue;
			nc->offs[n++] = nc->text.len;
			pw_buf_append(&nc->text, san->v[i].value.p, san->v[i].value.len);
			pw_buf_append(&nc->text, "", 1);
		}
		if (nc->text.failed)
			n = 0;
		for (size_t i = 0; i < n; i++)
			nc->ptrs[i] = (const char *)nc->text.data + nc->offs[i];
	}
	r.dns_names = n > 0 ? nc->ptrs : NULL;
	r.n_dns_names = n;
	r.n_dns_names_total = total;
	if (!(nc->want & PW_STORE_WANT_DER)) {
		r.der = NULL;
		r.der_len = 0;
	}
	return nc->fn(nc->ctx, &r);
}

enum pw_status pw_store_run_query(struct pw_store *s, const struct pw_store_query *q,
                                  pw_store_row_fn fn, void *ctx, uint64_t *out_count,
                                  struct pw_error *err)
{
	if (q->count_only || !(q->want & PW_STORE_WANT_NAMES))
		return s->ops->query(s, q, fn, ctx, out_count, err);
	struct names_ctx *nc = calloc(1, sizeof *nc);
	if (nc == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	nc->fn = fn;
	nc->ctx = ctx;
	nc->want = q->want;
	pw_cert_init(&nc->cert);
	pw_buf_init(&nc->text);
	enum pw_status st = s->ops->query(s, q, names_row, nc, out_count, err);
	pw_cert_cleanup(&nc->cert);
	pw_buf_cleanup(&nc->text);
	free(nc);
	return st;
}

static enum pw_status find_common(struct pw_store *s, const struct pw_store_filter *f,
                                  unsigned want, int count_only, pw_store_row_fn fn, void *ctx,
                                  uint64_t *out_count, struct pw_error *err)
{
	struct pw_store_query q;
	struct qbuild qb;
	struct pw_buf sql;
	enum pw_status st;

	if (s == NULL || f == NULL || (!count_only && fn == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&qb, 0, sizeof qb);
	qb.q = &q;
	pw_buf_init(&sql);
	q.sql = NULL;
	st = build_query(s, f, want, count_only, &qb, &sql, err);
	if (st == PW_OK)
		st = pw_store_run_query(s, &q, fn, ctx, out_count, err);
	free((void *)q.sql);
	pw_buf_cleanup(&sql);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Point lookups                                                             */
/* ------------------------------------------------------------------------ */

/* One fixed statement per key form, each with and without the DER column
 * (issue 2: a lookup on 1M certificates in well under 100 µs). Built from the
 * same column list and joins as the find query, so rows are the same; what
 * they save is building and allocating the SQL text for every call, the
 * IN (subquery) of the name and issuer-DN forms (an ephemeral table per
 * execution; a join reads the name/issuer index directly, in cert_id order),
 * and a LIMIT/OFFSET. Placeholders are plain "?" in binding order, so the
 * PostgreSQL backend prepares them like any find statement. */
enum lookup_form {
	LK_SHA256,
	LK_SPKI,
	LK_ISSUER_DN,       /* ?: issuer DN text, ?: serial */
	LK_ISSUER_NAME,     /* ?: issuer Name hash, ?: serial */
	LK_ISSUER_NAME_AKI, /* ?: issuer Name hash, ?: issuer SKI, ?: serial */
	LK_NAME,            /* ?: name key */
	LK_CHANGED,         /* ?: publish generation (rows changed after it) */
	LK_COUNT_
};

#define SQL_LK_DER_COLS SQL_ROW_COLS ", d.der"
#define SQL_LK_REV " LEFT JOIN revocation r ON r.cert_id = c.id"
#define SQL_LK_DER PW_STORE_SQL_DER_JOIN
#define SQL_LK_ISSUER_DN_FROM " FROM issuer_name i JOIN certificate c ON c.issuer_name_sha256 = i.name_sha256"
#define SQL_LK_ISSUER_DN_WHERE " WHERE i.text = ? AND c.serial = ? ORDER BY c.id"
#define SQL_LK_ISSUER_NAME_WHERE " WHERE c.issuer_name_sha256 = ? AND c.serial = ? ORDER BY c.id"
/* RFC 5280 §4.2.1.1, as F_ISSUER_AKI. */
#define SQL_LK_ISSUER_AKI_WHERE                                                          \
	" WHERE c.issuer_name_sha256 = ? AND (c.aki IS NULL OR c.aki = ?) AND c.serial = ?" \
	" ORDER BY c.id"
#define SQL_LK_NAME_FROM " FROM name n JOIN certificate c ON c.id = n.cert_id"
/* name's primary key (rev, cert_id) yields one rev's rows in cert_id order. */
#define SQL_LK_NAME_WHERE " WHERE n.rev = ? ORDER BY n.cert_id"
/* The publish area's change list (one row per revocation insert, update or
 * delete; its primary key is the generation): a certificate changed twice
 * comes twice, in the order of its changes, so the last row is its state. */
#define SQL_LK_CHANGED_FROM " FROM publish_change p JOIN certificate c ON c.id = p.cert_id"
#define SQL_LK_CHANGED_WHERE " WHERE p.generation > ? ORDER BY p.generation"

static const char *const lookup_sql[LK_COUNT_][2] = {
	[LK_SHA256] = {SQL_ROW_COLS SQL_FROM " WHERE c.sha256 = ?",
	               SQL_LK_DER_COLS SQL_FROM SQL_LK_DER " WHERE c.sha256 = ?"},
	[LK_SPKI] = {SQL_ROW_COLS SQL_FROM " WHERE c.spki_sha256 = ? ORDER BY c.id",
	             SQL_LK_DER_COLS SQL_FROM SQL_LK_DER " WHERE c.spki_sha256 = ? ORDER BY c.id"},
	[LK_ISSUER_DN] = {SQL_ROW_COLS SQL_LK_ISSUER_DN_FROM SQL_LK_REV SQL_LK_ISSUER_DN_WHERE,
	                  SQL_LK_DER_COLS SQL_LK_ISSUER_DN_FROM SQL_LK_REV SQL_LK_DER
	                      SQL_LK_ISSUER_DN_WHERE},
	[LK_ISSUER_NAME] = {SQL_ROW_COLS SQL_FROM SQL_LK_ISSUER_NAME_WHERE,
	                    SQL_LK_DER_COLS SQL_FROM SQL_LK_DER SQL_LK_ISSUER_NAME_WHERE},
	[LK_ISSUER_NAME_AKI] = {SQL_ROW_COLS SQL_FROM SQL_LK_ISSUER_AKI_WHERE,
	                        SQL_LK_DER_COLS SQL_FROM SQL_LK_DER SQL_LK_ISSUER_AKI_WHERE},
	[LK_NAME] = {SQL_ROW_COLS SQL_LK_NAME_FROM SQL_LK_REV SQL_LK_NAME_WHERE,
	             SQL_LK_DER_COLS SQL_LK_NAME_FROM SQL_LK_REV SQL_LK_DER SQL_LK_NAME_WHERE},
	[LK_CHANGED] = {SQL_ROW_COLS SQL_LK_CHANGED_FROM SQL_LK_REV SQL_LK_CHANGED_WHERE,
	                SQL_LK_DER_COLS SQL_LK_CHANGED_FROM SQL_LK_REV SQL_LK_DER
	                    SQL_LK_CHANGED_WHERE},
};

/* Statement cache keys of the lookups: apart from every find key (fragment
 * bits below 40, KEY_WANT_DER, KEY_COUNT). */
#define KEY_LOOKUP (UINT64_C(1) << 42)

/* Runs lookup form `lk` with the binds already in q. */
static enum pw_status lookup_run(struct pw_store *s, struct pw_store_query *q, enum lookup_form lk,
                                 unsigned want, pw_store_row_fn fn, void *ctx,
                                 struct pw_error *err)
{
	int der = (want & (PW_STORE_WANT_DER | PW_STORE_WANT_NAMES)) != 0;
	q->sql = lookup_sql[lk][der];
	q->key = KEY_LOOKUP | ((uint64_t)lk << 1) | (uint64_t)der;
	q->want = want;
	q->count_only = 0;
	return pw_store_run_query(s, q, fn, ctx, NULL, err);
}

/* The issuer+serial lookup, shared by pw_store_lookup and the find fast path
 * (the issuer as a CA certificate needs its Name hash and SKI first, as
 * build_query does). */
static enum pw_status lookup_issuer_serial(struct pw_store *s, const uint8_t *issuer_sha256,
                                           const char *issuer_dn, const uint8_t *serial,
                                           size_t serial_len, unsigned want, pw_store_row_fn fn,
                                           void *ctx, struct pw_error *err)
{
	struct pw_store_query q;
	uint8_t name[32], ski[64];
	size_t ski_len = 0;
	enum lookup_form lk = LK_ISSUER_DN;
	enum pw_status st;

	memset(&q, 0, sizeof q);
	if (issuer_sha256 != NULL) {
		st = s->ops->issuer_of_ca_cert(s, issuer_sha256, name, ski, sizeof ski, &ski_len, err);
		if (st != PW_OK)
			return st;
		bind_blob(&q, name, 32);
		lk = LK_ISSUER_NAME;
		if (ski_len > 0) {
			bind_blob(&q, ski, ski_len);
			lk = LK_ISSUER_NAME_AKI;
		}
	} else {
		bind_text(&q, issuer_dn);
	}
	bind_blob(&q, serial, serial_len);
	return lookup_run(s, &q, lk, want, fn, ctx, err);
}

enum pw_status pw_store_lookup_changed(struct pw_store *s, uint64_t since, unsigned want,
                                       pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_query q;
	if (since > (uint64_t)INT64_MAX)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "generation", "generation out of range");
	memset(&q, 0, sizeof q);
	bind_int(&q, (int64_t)since);
	return lookup_run(s, &q, LK_CHANGED, want, fn, ctx, err);
}

enum pw_status pw_store_lookup(struct pw_store *s, const struct pw_store_key *k, unsigned want,
                               pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_query q;
	char name_key[PW_STORE_MAX_NAME + 1];

	if (s == NULL || k == NULL || fn == NULL || (k->bytes == NULL && k->len > 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&q, 0, sizeof q);
	switch (k->kind) {
	case PW_STORE_KEY_SHA256:
	case PW_STORE_KEY_SPKI:
		if (k->len != 32)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0,
			                    k->kind == PW_STORE_KEY_SHA256 ? "sha256" : "spki_sha256",
			                    "a SHA-256 is 32 bytes, not %zu", k->len);
		bind_blob(&q, k->bytes, 32);
		return lookup_run(s, &q, k->kind == PW_STORE_KEY_SHA256 ? LK_SHA256 : LK_SPKI, want,
		                  fn, ctx, err);
	case PW_STORE_KEY_ISSUER_SERIAL:
		if ((k->issuer_sha256 == NULL) == (k->issuer_dn == NULL))
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "issuer",
			                    "give exactly one of issuer certificate SHA-256 and issuer DN");
		if (k->len == 0 || k->len > PW_STORE_MAX_SERIAL)
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "serial", "serial of %zu octets",
			                    k->len);
		return lookup_issuer_serial(s, k->issuer_sha256, k->issuer_dn, k->bytes, k->len, want,
		                            fn, ctx, err);
	case PW_STORE_KEY_NAME:
		if (!pw_store_name_key((const char *)k->bytes, k->len, name_key, sizeof name_key))
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "name",
			                    "not a searchable name (empty, control characters or over %d "
			                    "bytes)",
			                    PW_STORE_MAX_NAME);
		bind_text(&q, name_key);
		return lookup_run(s, &q, LK_NAME, want, fn, ctx, err);
	}
	return pw_error_set(err, PW_ERR_USAGE, 0, 0, "kind", "unknown lookup key kind %d",
	                    (int)k->kind);
}

/* The find fast path: a filter holding one key condition and nothing else
 * (no limit or offset) is a point lookup. Recognised by rebuilding the
 * filter from its key members alone and comparing the bytes, so a filter
 * member added later and set by a caller falls back to the general query
 * instead of being ignored. */
static int find_as_lookup(struct pw_store *s, const struct pw_store_filter *f, unsigned want,
                          pw_store_row_fn fn, void *ctx, enum pw_status *out,
                          struct pw_error *err)
{
	struct pw_store_filter g;
	struct pw_store_key k;

	memset(&g, 0, sizeof g);
	memset(&k, 0, sizeof k);
	g.now = f->now; /* only read with `expired` */
	if (f->has_sha256) {
		g.has_sha256 = 1;
		memcpy(g.sha256, f->sha256, 32);
		k.kind = PW_STORE_KEY_SHA256;
		k.bytes = f->sha256;
		k.len = 32;
	} else if (f->has_spki) {
		g.has_spki = 1;
		memcpy(g.spki_sha256, f->spki_sha256, 32);
		k.kind = PW_STORE_KEY_SPKI;
		k.bytes = f->spki_sha256;
		k.len = 32;
	} else if (f->has_serial && f->serial_len > 0 && f->serial_len <= PW_STORE_MAX_SERIAL &&
	           (f->has_issuer_sha256 != 0) != (f->issuer_dn != NULL)) {
		g.has_serial = f->has_serial;
		memcpy(g.serial, f->serial, sizeof g.serial);
		g.serial_len = f->serial_len;
		g.has_issuer_sha256 = f->has_issuer_sha256;
		memcpy(g.issuer_sha256, f->issuer_sha256, 32);
		g.issuer_dn = f->issuer_dn;
		k.kind = PW_STORE_KEY_ISSUER_SERIAL;
		k.bytes = f->serial;
		k.len = f->serial_len;
		k.issuer_sha256 = f->has_issuer_sha256 ? f->issuer_sha256 : NULL;
		k.issuer_dn = f->issuer_dn;
	} else if (f->name != NULL) {
		g.name = f->name;
		k.kind = PW_STORE_KEY_NAME;
		k.bytes = (const uint8_t *)f->name;
		k.len = strlen(f->name);
	} else {
		return 0;
	}
	/* Arrays of an unset key are compared too: copy them as given. */
	if (!g.has_sha256)
		memcpy(g.sha256, f->sha256, 32);
	if (!g.has_spki)
		memcpy(g.spki_sha256, f->spki_sha256, 32);
	if (!g.has_serial) {
		memcpy(g.serial, f->serial, sizeof g.serial);
		g.serial_len = f->serial_len;
	}
	if (!g.has_issuer_sha256)
		memcpy(g.issuer_sha256, f->issuer_sha256, 32);
	if (memcmp(&g, f, sizeof g) != 0)
		return 0;
	*out = pw_store_lookup(s, &k, want, fn, ctx, err);
	return 1;
}

enum pw_status pw_store_find(struct pw_store *s, const struct pw_store_filter *f, unsigned want,
                             pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	enum pw_status st;
	if (s != NULL && f != NULL && fn != NULL && find_as_lookup(s, f, want, fn, ctx, &st, err))
		return st;
	return find_common(s, f, want, 0, fn, ctx, NULL, err);
}

enum pw_status pw_store_count(struct pw_store *s, const struct pw_store_filter *f, uint64_t *out,
                              struct pw_error *err)
{
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = 0;
	return find_common(s, f, 0, 1, NULL, NULL, out, err);
}

struct found_ctx {
	pw_store_row_fn fn;
	void *ctx;
	int found;
};

static int found_row(void *vctx, const struct pw_store_row *row)
{
	struct found_ctx *fc = vctx;
	fc->found = 1;
	return fc->fn(fc->ctx, row);
}

enum pw_status pw_store_get_by_sha256(struct pw_store *s, const uint8_t sha256[32],
                                      pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_filter f;
	struct found_ctx fc = {fn, ctx, 0};
	char hex[65];

	if (sha256 == NULL || fn == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&f, 0, sizeof f);
	f.has_sha256 = 1;
	memcpy(f.sha256, sha256, 32);
	enum pw_status st = pw_store_find(s, &f, PW_STORE_WANT_DER | PW_STORE_WANT_NAMES, found_row,
	                                  &fc, err);
	if (st == PW_OK && !fc.found) {
		pw_hex_encode(sha256, 32, hex);
		return pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "sha256",
		                    "no certificate with SHA-256 %s in the store", hex);
	}
	return st;
}

enum pw_status pw_store_find_by_spki(struct pw_store *s, const uint8_t spki_sha256[32],
                                     pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_filter f;
	if (spki_sha256 == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&f, 0, sizeof f);
	f.has_spki = 1;
	memcpy(f.spki_sha256, spki_sha256, 32);
	return pw_store_find(s, &f, PW_STORE_WANT_NAMES, fn, ctx, err);
}

enum pw_status pw_store_find_by_issuer_serial(struct pw_store *s, const uint8_t *issuer_sha256,
                                              const char *issuer_dn, const uint8_t *serial,
                                              size_t serial_len, pw_store_row_fn fn, void *ctx,
                                              struct pw_error *err)
{
	struct pw_store_filter f;
	if ((issuer_sha256 == NULL) == (issuer_dn == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "issuer",
		                    "give exactly one of issuer certificate SHA-256 and issuer DN");
	if (serial == NULL || serial_len == 0 || serial_len > PW_STORE_MAX_SERIAL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "serial", "serial of %zu octets",
		                    serial_len);
	memset(&f, 0, sizeof f);
	if (issuer_sha256 != NULL) {
		f.has_issuer_sha256 = 1;
		memcpy(f.issuer_sha256, issuer_sha256, 32);
	}
	f.issuer_dn = issuer_dn;
	f.has_serial = 1;
	memcpy(f.serial, serial, serial_len);
	f.serial_len = serial_len;
	return pw_store_find(s, &f, PW_STORE_WANT_NAMES, fn, ctx, err);
}

enum pw_status pw_store_find_by_name(struct pw_store *s, const char *name, pw_store_row_fn fn,
                                     void *ctx, struct pw_error *err)
{
	struct pw_store_filter f;
	if (name == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&f, 0, sizeof f);
	f.name = name;
	return pw_store_find(s, &f, PW_STORE_WANT_NAMES, fn, ctx, err);
}

enum pw_status pw_store_find_by_domain(struct pw_store *s, const char *domain,
                                       pw_store_row_fn fn, void *ctx, struct pw_error *err)
{
	struct pw_store_filter f;
	if (domain == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(&f, 0, sizeof f);
	f.domain = domain;
	return pw_store_find(s, &f, PW_STORE_WANT_NAMES, fn, ctx, err);
}
