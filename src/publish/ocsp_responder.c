/* The OCSP responder (ocsp.h): an in-memory serial index per registered CA,
 * pre-signed responses cached per (CA, serial, CertID hash), and a refresher
 * thread that follows the store's revocation change counter.
 *
 * Why in memory: a store lookup costs ~80 µs, so 30,000 responses/s on two
 * cores cannot touch SQLite per request; the index costs a hash probe.
 *
 * Locking:
 *   - ca->lock (rwlock) guards the index table itself (insertions, growth);
 *     request threads hold it shared while probing.
 *   - entry status, its version and its cached responses are guarded by one
 *     of R_STRIPES mutexes chosen by the serial's hash, so two threads never
 *     disagree about an entry and a response signed for an old status is
 *     never installed (the version check in install()).
 *   - cached responses are reference-counted; a request holds a reference
 *     until the HTTP layer has sent the bytes.
 * Entries are never freed while the responder lives, so a pointer obtained
 * under the table lock stays valid after it is dropped. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/ocsp.h"
#include "pkiward/publish.h"
#include "pkiward/signer.h"
#include "pkiward/store.h"
#include "pkiward/store_publish.h"
#include "pkiward/store_notify.h"

/* Stripe locks for entries (power of two). */
#define R_STRIPES 256u
/* Initial index capacity (power of two); grows at half load. */
#define R_INITIAL_CAP 1024u
/* Seconds thisUpdate is set before the signing time, for relying parties
 * whose clocks run slightly slow (they would refuse a response "not yet
 * valid"); the validity interval is counted from this thisUpdate. */
#define R_BACKDATE_SECS 60
/* Largest signature buffer (signer.h: 1024 is always enough). */
#define R_SIG_MAX 1024u
/* Rows handled per new-certificate scan query page. */
#define R_SCAN_PAGE 100000u
/* CAs one responder serves: a fixed table of pointers, so that a CA
 * registered while it runs (`pkiward ca add`) is appended without moving
 * what request threads are reading. */
#define R_MAX_CAS 1024u

struct cached {
	atomic_int refs;
	int cert_status;
	int64_t this_update, next_update, produced_at;
	char etag[48];
	size_t len;
	uint8_t *certid;     /* copy of the CertID (unknown-cache key); inside the block */
	size_t certid_len;
	uint8_t der[];
};

struct entry {
	uint64_t version;    /* bumped on every status change (stripe lock) */
	int revoked;
	int has_reason;
	unsigned reason;
	int64_t revoked_at;
	struct cached *resp[PW_OCSP_N_HASHES];
	uint64_t hash;
	size_t serial_len;
	uint8_t serial[];
};

struct ca {
	struct pw_publish_ca reg;
	uint8_t name_hash[PW_OCSP_N_HASHES][32];
	uint8_t key_hash[PW_OCSP_N_HASHES][32];
	uint8_t responder_key_hash[20];
	struct pw_signer *signer;
	const uint8_t *resp_cert;   /* delegated responder certificate (in reg) */
	size_t resp_cert_len;
	char issuer_dn[PW_STORE_MAX_DN_TEXT];
	int use_dn;                 /* the CA certificate is not in the certificate table */
	pthread_rwlock_t lock;
	struct entry **tab;
	size_t cap, n;
	uint64_t rows_seen;
	pthread_mutex_t unk_lock;
	struct cached **unknown;    /* PW_OCSP_UNKNOWN_CACHE_SLOTS x PW_OCSP_N_HASHES */
};

struct pw_ocsp_responder {
	struct pw_ocsp_config cfg;
	struct pw_store *store;     /* refresher thread only (store.h: one thread) */
	struct ca **cas;            /* R_MAX_CAS slots; [0, n_cas) set up, never moved */
	atomic_size_t n_cas;        /* published with release after a CA is set up */
	int64_t last_ca_check;
	pthread_mutex_t stripes[R_STRIPES];
	uint64_t generation;
	int64_t last_scan;
	int presign_again;          /* a bulk change was applied without signing */
	atomic_int presigning;      /* the background pre-sign pass is under way */
	pthread_t thread;
	int thread_started;
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	int stop;
	struct {
		atomic_ullong requests, good, revoked, unknown, unauthorized, malformed,
			internal_error, signatures, cache_hits, serials, resigned;
	} st;
};

void pw_ocsp_config_init(struct pw_ocsp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_stale = PW_OCSP_DEFAULT_MAX_STALE;
	c->validity = PW_OCSP_DEFAULT_VALIDITY;
}

/* ---- Cached responses ---- */

static void cached_unref(struct cached *c)
{
	if (c && atomic_fetch_sub(&c->refs, 1) == 1)
		free(c);
}

static struct cached *cached_ref(struct cached *c)
{
	if (c)
		atomic_fetch_add(&c->refs, 1);
	return c;
}

void *pw_ocsp_answer_ref(const struct pw_ocsp_answer *a)
{
	return a ? cached_ref(a->ref_) : NULL;
}

void pw_ocsp_answer_unref(void *ref)
{
	cached_unref(ref);
}

void pw_ocsp_answer_release(struct pw_ocsp_answer *a)
{
	if (!a)
		return;
	cached_unref(a->ref_);
	a->ref_ = NULL;
	a->der = NULL;
	a->len = 0;
}

/* ---- The index ---- */

static uint64_t serial_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static pthread_mutex_t *stripe(struct pw_ocsp_responder *r, uint64_t h)
{
	return &r->stripes[(h >> 7) & (R_STRIPES - 1)];
}

/* Caller holds ca->lock (shared or exclusive). */
static struct entry *index_find(const struct ca *ca, const uint8_t *serial, size_t len, uint64_t h)
{
	size_t mask = ca->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct entry *e = ca->tab[i];
		if (!e)
			return NULL;
		if (e->hash == h && e->serial_len == len && memcmp(e->serial, serial, len) == 0)
			return e;
	}
}

/* Caller holds ca->lock exclusively. */
static int index_grow(struct ca *ca)
{
	size_t ncap = ca->cap ? ca->cap * 2 : R_INITIAL_CAP;
	struct entry **nt = calloc(ncap, sizeof(*nt));
	if (!nt)
		return 0;
	for (size_t i = 0; i < ca->cap; i++) {
		struct entry *e = ca->tab[i];
		if (!e)
			continue;
		size_t j = (size_t)e->hash & (ncap - 1);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = e;
	}
	free(ca->tab);
	ca->tab = nt;
	ca->cap = ncap;
	return 1;
}

/* Inserts (or finds) the entry of a serial. Caller holds ca->lock
 * exclusively. *out_new says whether it was added. */
static struct entry *index_insert(struct ca *ca, const uint8_t *serial, size_t len, int *out_new)
{
	uint64_t h = serial_hash(serial, len);
	struct entry *e;
	*out_new = 0;
	if (ca->cap && (e = index_find(ca, serial, len, h)))
		return e;
	if ((ca->n + 1) * 2 > ca->cap && !index_grow(ca))
		return NULL;
	e = calloc(1, sizeof(*e) + len);
	if (!e)
		return NULL;
	e->hash = h;
	e->serial_len = len;
	memcpy(e->serial, serial, len);
	size_t j = (size_t)h & (ca->cap - 1);
	while (ca->tab[j])
		j = (j + 1) & (ca->cap - 1);
	ca->tab[j] = e;
	ca->n++;
	*out_new = 1;
	return e;
}

/* ---- Signing ---- */

/* Signs one response for ca. certid: the CertID element to echo. */
static struct cached *sign_one(struct pw_ocsp_responder *r, struct ca *ca,
                               const struct pw_ocsp_single_spec *singles, size_t n_singles,
                               const uint8_t *nonce, size_t nonce_len, int64_t now,
                               struct pw_error *err)
{
	struct pw_buf tbs, out;
	struct pw_ocsp_tbs_spec t;
	uint8_t sig[R_SIG_MAX];
	size_t sig_len = 0, alg_len = 0;
	const uint8_t *alg;
	struct cached *c = NULL;
	uint8_t digest[32];
	const uint8_t *certs[1];
	size_t cert_lens[1];

	pw_buf_init(&tbs);
	pw_buf_init(&out);
	memset(&t, 0, sizeof(t));
	t.responder_key_hash = ca->responder_key_hash;
	t.produced_at = now;
	t.singles = singles;
	t.n_singles = n_singles;
	t.nonce = nonce;
	t.nonce_len = nonce_len;
	if (!pw_ocsp_encode_tbs(&t, &tbs, err))
		goto out;
	if (pw_signer_sign(ca->signer, tbs.data, tbs.len, sig, sizeof(sig), &sig_len, err) != PW_OK)
		goto out;
	alg = pw_signer_get0_alg(ca->signer, &alg_len);
	certs[0] = ca->resp_cert;
	cert_lens[0] = ca->resp_cert_len;
	if (!pw_ocsp_encode_response(tbs.data, tbs.len, alg, alg_len, sig, sig_len, certs,
	                             cert_lens, ca->resp_cert ? 1 : 0, &out, err))
		goto out;
	c = malloc(sizeof(*c) + out.len + singles[0].certid_len);
	if (!c) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	atomic_init(&c->refs, 1);
	c->cert_status = singles[0].status;
	c->this_update = singles[0].this_update;
	c->next_update = singles[0].next_update;
	c->produced_at = now;
	c->len = out.len;
	memcpy(c->der, out.data, out.len);
	c->certid = c->der + out.len;
	c->certid_len = singles[0].certid_len;
	memcpy(c->certid, singles[0].certid, singles[0].certid_len);
	/* ETag (RFC 5019 §6.2): a digest of the bytes, so that every
	 * re-signing (new status, new thisUpdate) changes it. */
	SHA256(out.data, out.len, digest);
	c->etag[0] = '"';
	pw_hex_encode(digest, 16, c->etag + 1);
	c->etag[33] = '"';
	c->etag[34] = '\0';
	atomic_fetch_add(&r->st.signatures, 1);
out:
	pw_buf_cleanup(&tbs);
	pw_buf_cleanup(&out);
	return c;
}

/* The single-response spec of an entry state at time now. */
static void fill_single(const struct pw_ocsp_responder *r, struct pw_ocsp_single_spec *s,
                        const uint8_t *certid, size_t certid_len, int status, int64_t revoked_at,
                        int has_reason, unsigned reason, int64_t now)
{
	memset(s, 0, sizeof(*s));
	s->certid = certid;
	s->certid_len = certid_len;
	s->status = status;
	s->revoked_at = revoked_at;
	s->has_reason = has_reason;
	s->reason = reason;
	s->this_update = now - R_BACKDATE_SECS;
	s->next_update = s->this_update + r->cfg.validity;
}

/* Builds the CertID element for (ca, hash, serial): what a client sends,
 * so that pre-signed responses can be made before any request. */
static int make_certid(const struct ca *ca, enum pw_ocsp_hash h, const uint8_t *serial,
                       size_t serial_len, struct pw_buf *b)
{
	static const uint8_t sha1_alg[] = { 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
	                                    0x03, 0x02, 0x1a, 0x05, 0x00 };
	static const uint8_t sha256_alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	                                      0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00 };
	size_t hl = h == PW_OCSP_HASH_SHA1 ? 20 : 32;
	const uint8_t *alg = h == PW_OCSP_HASH_SHA1 ? sha1_alg : sha256_alg;
	size_t alg_len = h == PW_OCSP_HASH_SHA1 ? sizeof(sha1_alg) : sizeof(sha256_alg);
	size_t content = alg_len + 2 * (2 + hl) + 2 + serial_len;
	uint8_t hdr[4];
	size_t k = 0;
	if (serial_len > 127 || content > 0xffff)
		return 0;
	hdr[k++] = 0x30;
	if (content < 0x80) {
		hdr[k++] = (uint8_t)content;
	} else {
		hdr[k++] = 0x81;
		hdr[k++] = (uint8_t)content;
	}
	uint8_t t[2];
	pw_buf_append(b, hdr, k);
	pw_buf_append(b, alg, alg_len);
	t[0] = 0x04;
	t[1] = (uint8_t)hl;
	pw_buf_append(b, t, 2);
	pw_buf_append(b, ca->name_hash[h], hl);
	pw_buf_append(b, t, 2);
	pw_buf_append(b, ca->key_hash[h], hl);
	t[0] = 0x02;
	t[1] = (uint8_t)serial_len;
	pw_buf_append(b, t, 2);
	pw_buf_append(b, serial, serial_len);
	return !b->failed;
}

/* Re-signs the response of an entry for hash h (the refresher's eager path
 * after a revocation, and pre-signing). Installs it unless the entry
 * changed meanwhile. */
static void presign(struct pw_ocsp_responder *r, struct ca *ca, struct entry *e,
                    enum pw_ocsp_hash h, int64_t now)
{
	struct pw_buf cid;
	struct pw_ocsp_single_spec s;
	pthread_mutex_t *m = stripe(r, e->hash);
	uint64_t version;
	int revoked, has_reason;
	unsigned reason;
	int64_t revoked_at;
	struct cached *c, *old = NULL;

	pthread_mutex_lock(m);
	version = e->version;
	revoked = e->revoked;
	has_reason = e->has_reason;
	reason = e->reason;
	revoked_at = e->revoked_at;
	pthread_mutex_unlock(m);
	pw_buf_init(&cid);
	if (!make_certid(ca, h, e->serial, e->serial_len, &cid)) {
		pw_buf_cleanup(&cid);
		return;
	}
	fill_single(r, &s, cid.data, cid.len, revoked ? PW_OCSP_REVOKED : PW_OCSP_GOOD,
	            revoked_at, has_reason, reason, now);
	c = sign_one(r, ca, &s, 1, NULL, 0, now, NULL);
	pw_buf_cleanup(&cid);
	if (!c)
		return;
	pthread_mutex_lock(m);
	if (e->version == version) {
		old = e->resp[h];
		e->resp[h] = c;
		c = NULL;
	}
	pthread_mutex_unlock(m);
	cached_unref(old);
	cached_unref(c);
}

/* Sets an entry's status; drops its cached responses when it changed.
 * Returns 1 when the status changed. */
static int entry_set(struct pw_ocsp_responder *r, struct entry *e, int revoked,
                     int64_t revoked_at, int has_reason, unsigned reason)
{
	pthread_mutex_t *m = stripe(r, e->hash);
	struct cached *old[PW_OCSP_N_HASHES] = { NULL };
	int changed;
	pthread_mutex_lock(m);
	changed = e->revoked != revoked ||
	          (revoked && (e->revoked_at != revoked_at || e->has_reason != has_reason ||
	                       (has_reason && e->reason != reason)));
	if (changed) {
		e->revoked = revoked;
		e->revoked_at = revoked ? revoked_at : 0;
		e->has_reason = revoked ? has_reason : 0;
		e->reason = revoked ? reason : 0;
		e->version++;
		for (int h = 0; h < PW_OCSP_N_HASHES; h++) {
			old[h] = e->resp[h];
			e->resp[h] = NULL;
		}
	}
	pthread_mutex_unlock(m);
	for (int h = 0; h < PW_OCSP_N_HASHES; h++)
		cached_unref(old[h]);
	return changed;
}

/* ---- Loading CAs and the index ---- */

struct load_ctx {
	struct pw_ocsp_responder *r;
	struct ca *ca;
	uint64_t rows;
	int failed;
};

static int load_row(void *vctx, const struct pw_store_row *row)
{
	struct load_ctx *lc = vctx;
	struct entry *e;
	int is_new;
	lc->rows++;
	if (row->serial_len == 0 || row->serial_len > PW_OCSP_MAX_SERIAL)
		return 1; /* not answerable by any CertID we accept */
	pthread_rwlock_wrlock(&lc->ca->lock);
	e = index_insert(lc->ca, row->serial, row->serial_len, &is_new);
	pthread_rwlock_unlock(&lc->ca->lock);
	if (!e) {
		lc->failed = 1;
		return 0;
	}
	if (is_new)
		atomic_fetch_add(&lc->r->st.serials, 1);
	/* A precertificate and its certificate share the serial (RFC 6962
	 * §3); either row being revoked revokes the serial. */
	if (row->revoked)
		entry_set(lc->r, e, 1, row->revoked_at, row->has_reason, row->reason);
	return 1;
}

/* Reads the certificates of ca stored after the first ca->rows_seen. */
static enum pw_status scan_new(struct pw_ocsp_responder *r, struct ca *ca, struct pw_error *err)
{
	struct pw_store_filter f;
	struct load_ctx lc = { .r = r, .ca = ca };
	enum pw_status st;
	memset(&f, 0, sizeof(f));
	if (ca->use_dn) {
		f.issuer_dn = ca->issuer_dn;
	} else {
		f.has_issuer_sha256 = 1;
		memcpy(f.issuer_sha256, ca->reg.cert_sha256, 32);
	}
	f.offset = ca->rows_seen;
	st = pw_store_find(r->store, &f, 0, load_row, &lc, err);
	if (st == PW_ERR_NOTFOUND && !ca->use_dn) {
		/* The CA certificate was registered but never ingested: find
		 * its certificates by issuer DN instead. */
		ca->use_dn = 1;
		f.has_issuer_sha256 = 0;
		f.issuer_dn = ca->issuer_dn;
		pw_error_clear(err);
		st = pw_store_find(r->store, &f, 0, load_row, &lc, err);
	}
	if (st == PW_OK && lc.failed)
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, "ocsp index", "out of memory");
	ca->rows_seen += lc.rows;
	return st;
}

static int sha_into(enum pw_ocsp_hash h, const uint8_t *p, size_t n, uint8_t *out)
{
	if (h == PW_OCSP_HASH_SHA1)
		return SHA1(p, n, out) != NULL;
	return SHA256(p, n, out) != NULL;
}

/* Prepares one registered CA: hashes, signer, delegated responder. */
static enum pw_status ca_setup(struct ca *ca, int64_t now, struct pw_error *err)
{
	struct pw_cert cert, rc;
	enum pw_status st = PW_OK;
	const char *key_ref;
	const uint8_t *sign_cert;
	size_t sign_cert_len;
	pw_cert_init(&cert);
	pw_cert_init(&rc);
	if ((st = pw_cert_parse(&cert, ca->reg.cert_der, ca->reg.cert_len, err)) != PW_OK)
		goto out;
	/* RFC 6960 §4.1.1: issuerNameHash is the hash of the issuer's DN (the
	 * CA's subject Name DER); issuerKeyHash of the value of its
	 * subjectPublicKey BIT STRING, without tag, length and unused bits. */
	for (int h = 0; h < PW_OCSP_N_HASHES; h++) {
		if (!sha_into((enum pw_ocsp_hash)h, cert.subject.raw.p, cert.subject.raw.len,
		              ca->name_hash[h]) ||
		    !sha_into((enum pw_ocsp_hash)h, cert.spki.key.p, cert.spki.key.len, ca->key_hash[h])) {
			st = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "ca", "hashing failed");
			goto out;
		}
	}
	pw_name_to_text(&cert.subject, ca->issuer_dn, sizeof(ca->issuer_dn));
	key_ref = ca->reg.key_ref;
	sign_cert = ca->reg.cert_der;
	sign_cert_len = ca->reg.cert_len;
	SHA1(cert.spki.key.p, cert.spki.key.len, ca->responder_key_hash);
	if (ca->reg.responder_cert_der && ca->reg.responder_key_ref) {
		/* BR 7.1.2.8 / RFC 6960 §4.2.2.2: a delegated responder carries
		 * id-kp-OCSPSigning, is issued by this CA, and carries
		 * id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1) so that clients
		 * do not ask about the responder itself. */
		int eku = 0;
		if ((st = pw_cert_parse(&rc, ca->reg.responder_cert_der, ca->reg.responder_cert_len,
		                        err)) != PW_OK)
			goto out;
		for (size_t i = 0; rc.x.eku.present && i < rc.x.eku.n; i++)
			if (rc.x.eku.ids[i] == PW_OID_EKU_OCSP_SIGNING)
				eku = 1;
		if (!eku) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "responder certificate",
			                  "CA %s: no id-kp-OCSPSigning EKU (RFC 6960 §4.2.2.2)",
			                  ca->reg.name);
			goto out;
		}
		if (!pw_cert_get0_ext(&rc, PW_OID_EXT_OCSP_NOCHECK)) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "responder certificate",
			                  "CA %s: no id-pkix-ocsp-nocheck (BR 7.1.2.8.2)", ca->reg.name);
			goto out;
		}
		if (!pw_der_equal(&rc.issuer.raw, &cert.subject.raw)) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "responder certificate",
			                  "CA %s: responder certificate not issued by the CA",
			                  ca->reg.name);
			goto out;
		}
		if (rc.not_after < now || rc.not_before > now) {
			st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "responder certificate",
			                  "CA %s: responder certificate not valid now", ca->reg.name);
			goto out;
		}
		SHA1(rc.spki.key.p, rc.spki.key.len, ca->responder_key_hash);
		key_ref = ca->reg.responder_key_ref;
		sign_cert = ca->reg.responder_cert_der;
		sign_cert_len = ca->reg.responder_cert_len;
		ca->resp_cert = ca->reg.responder_cert_der;
		ca->resp_cert_len = ca->reg.responder_cert_len;
	}
	if ((st = pw_signer_open(key_ref, sign_cert, sign_cert_len, &ca->signer, err)) != PW_OK)
		goto out;
	ca->unknown = calloc((size_t)PW_OCSP_UNKNOWN_CACHE_SLOTS * PW_OCSP_N_HASHES,
	                     sizeof(*ca->unknown));
	if (!ca->unknown)
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
out:
	pw_cert_cleanup(&cert);
	pw_cert_cleanup(&rc);
	return st;
}

/* Frees a CA and its index and cached responses. NULL-safe. */
static void ca_free(struct ca *ca)
{
	if (!ca)
		return;
	for (size_t j = 0; j < ca->cap; j++) {
		struct entry *e = ca->tab[j];
		if (!e)
			continue;
		for (int h = 0; h < PW_OCSP_N_HASHES; h++)
			cached_unref(e->resp[h]);
		free(e);
	}
	free(ca->tab);
	if (ca->unknown)
		for (size_t j = 0; j < (size_t)PW_OCSP_UNKNOWN_CACHE_SLOTS * PW_OCSP_N_HASHES; j++)
			cached_unref(ca->unknown[j]);
	free(ca->unknown);
	pw_signer_free(ca->signer);
	pw_publish_ca_cleanup(&ca->reg);
	pthread_rwlock_destroy(&ca->lock);
	pthread_mutex_destroy(&ca->unk_lock);
	free(ca);
}

/* A deep copy of a registry row (reg is borrowed by the list callback) as a
 * CA not set up yet; NULL when out of memory. */
static struct ca *ca_from_reg(const struct pw_publish_ca *reg)
{
	struct ca *ca = calloc(1, sizeof(*ca));
	if (!ca)
		return NULL;
	ca->reg = *reg;
	ca->reg.cert_der = malloc(reg->cert_len);
	ca->reg.key_ref = reg->key_ref ? strdup(reg->key_ref) : NULL;
	ca->reg.crl_base_url = NULL;
	ca->reg.ocsp_url = NULL;
	ca->reg.responder_cert_der = reg->responder_cert_der ? malloc(reg->responder_cert_len) : NULL;
	ca->reg.responder_key_ref = reg->responder_key_ref ? strdup(reg->responder_key_ref) : NULL;
	pthread_rwlock_init(&ca->lock, NULL);
	pthread_mutex_init(&ca->unk_lock, NULL);
	if (!ca->reg.cert_der || !ca->reg.key_ref ||
	    (reg->responder_cert_der && !ca->reg.responder_cert_der) ||
	    (reg->responder_key_ref && !ca->reg.responder_key_ref)) {
		ca_free(ca);
		return NULL;
	}
	memcpy(ca->reg.cert_der, reg->cert_der, reg->cert_len);
	if (reg->responder_cert_der)
		memcpy(ca->reg.responder_cert_der, reg->responder_cert_der, reg->responder_cert_len);
	return ca;
}

struct list_ctx {
	struct pw_ocsp_responder *r;
	struct ca *found[R_MAX_CAS];   /* registered CAs this responder does not serve yet */
	size_t n_found;
	int failed, too_many;
};

static int served(struct pw_ocsp_responder *r, int64_t id)
{
	size_t n = atomic_load_explicit(&r->n_cas, memory_order_relaxed); /* refresher's own */
	for (size_t i = 0; i < n; i++)
		if (r->cas[i]->reg.id == id)
			return 1;
	return 0;
}

static int list_ca(void *vctx, const struct pw_publish_ca *reg)
{
	struct list_ctx *lc = vctx;
	struct ca *ca;
	if (served(lc->r, reg->id))
		return 1;
	if (atomic_load_explicit(&lc->r->n_cas, memory_order_relaxed) + lc->n_found >= R_MAX_CAS) {
		lc->too_many = 1;
		return 0;
	}
	if ((ca = ca_from_reg(reg)) == NULL) {
		lc->failed = 1;
		return 0;
	}
	lc->found[lc->n_found++] = ca;
	return 1;
}

/* Lists the registry and sets up every CA not served yet, appending each
 * to r->cas once its signer and index are ready. At start-up every
 * registered CA is new; later (the refresher) it picks up `ca add`. A CA
 * whose registration changes (`ca add` again with another key or
 * responder) keeps its old set-up until the responder restarts. */
static enum pw_status add_new_cas(struct pw_ocsp_responder *r, int64_t now, struct pw_error *err)
{
	struct list_ctx *lc = calloc(1, sizeof(*lc));
	enum pw_status st = PW_OK;
	size_t i = 0;
	if (!lc)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	lc->r = r;
	if ((st = pw_publish_ca_list(r->store, list_ca, lc, err)) != PW_OK)
		goto out;
	if (lc->failed) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (lc->too_many) {
		st = pw_error_set(err, PW_ERR_LIMIT, 0, 0, "store",
		                  "more than %u CAs registered for publication", R_MAX_CAS);
		goto out;
	}
	for (; i < lc->n_found; i++) {
		struct ca *ca = lc->found[i];
		size_t n = atomic_load_explicit(&r->n_cas, memory_order_relaxed);
		if ((st = ca_setup(ca, now, err)) != PW_OK || (st = scan_new(r, ca, err)) != PW_OK)
			goto out;
		r->cas[n] = ca;
		lc->found[i] = NULL;
		/* Request threads see the slot only after it is complete. */
		atomic_store_explicit(&r->n_cas, n + 1, memory_order_release);
	}
out:
	for (size_t j = i; j < lc->n_found; j++)
		ca_free(lc->found[j]);
	free(lc);
	return st;
}

static void *refresher(void *arg);

enum pw_status pw_ocsp_responder_new(const char *store_location, const struct pw_ocsp_config *c,
                                     struct pw_ocsp_responder **out, struct pw_error *err)
{
	struct pw_ocsp_responder *r = NULL;
	enum pw_status st;
	int64_t now = (int64_t)time(NULL);

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	pw_ocsp_config_init(&r->cfg);
	if (c)
		r->cfg = *c;
	if (!r->cfg.max_stale)
		r->cfg.max_stale = PW_OCSP_DEFAULT_MAX_STALE;
	if (!r->cfg.validity)
		r->cfg.validity = PW_OCSP_DEFAULT_VALIDITY;
	if (!r->cfg.refresh)
		r->cfg.refresh = r->cfg.validity / 4;
	for (size_t i = 0; i < R_STRIPES; i++)
		pthread_mutex_init(&r->stripes[i], NULL);
	pthread_mutex_init(&r->stop_lock, NULL);
	pthread_cond_init(&r->stop_cond, NULL);
	if (r->cfg.max_stale < PW_OCSP_MIN_MAX_STALE) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "max-stale",
		                  "at least %lld seconds (poll interval + 1 s of HTTP rounding + "
		                  "1 s of max-age)", (long long)PW_OCSP_MIN_MAX_STALE);
		goto fail;
	}
	if (r->cfg.validity < PW_OCSP_MIN_VALIDITY || r->cfg.validity > PW_OCSP_MAX_VALIDITY) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "validity",
		                  "must be 8 hours .. 10 days (BR 4.9.9)");
		goto fail;
	}
	/* BR 4.9.9: an updated response before half the validity (under 16 h)
	 * or at least 8 hours before nextUpdate and within 4 days. */
	if (r->cfg.refresh <= 0 || r->cfg.refresh >= r->cfg.validity / 2 ||
	    (r->cfg.validity >= 16 * 3600 &&
	     (r->cfg.refresh > r->cfg.validity - 8 * 3600 || r->cfg.refresh > 4 * 86400))) {
		st = pw_error_set(err, PW_ERR_USAGE, 0, 0, "refresh",
		                  "must be below half the validity and within BR 4.9.9's limits");
		goto fail;
	}
	if ((st = pw_store_open(store_location, PW_STORE_READONLY, &r->store, err)) != PW_OK)
		goto fail;
	if ((r->cas = calloc(R_MAX_CAS, sizeof(*r->cas))) == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto fail;
	}
	/* Read the generation before the index: a change racing with the
	 * load is then applied again by the first refresh (idempotent). */
	if ((st = pw_publish_generation(r->store, &r->generation, err)) != PW_OK)
		goto fail;
	if ((st = add_new_cas(r, now, err)) != PW_OK)
		goto fail;
	if (atomic_load(&r->n_cas) == 0) {
		st = pw_error_set(err, PW_ERR_NOTFOUND, 0, 0, "store",
		                  "no CA is registered for publication (pkiward ca add)");
		goto fail;
	}
	r->last_scan = now;
	r->last_ca_check = now;
	if (!r->cfg.no_thread) {
		if (pthread_create(&r->thread, NULL, refresher, r) != 0) {
			st = pw_error_set(err, PW_ERR_IO, 0, 0, NULL, "cannot start the refresher");
			goto fail;
		}
		r->thread_started = 1;
	}
	*out = r;
	return PW_OK;
fail:
	pw_ocsp_responder_free(r);
	return st;
}

void pw_ocsp_responder_free(struct pw_ocsp_responder *r)
{
	if (!r)
		return;
	if (r->thread_started) {
		pthread_mutex_lock(&r->stop_lock);
		r->stop = 1;
		pthread_cond_broadcast(&r->stop_cond);
		pthread_mutex_unlock(&r->stop_lock);
		pthread_join(r->thread, NULL);
	}
	if (r->cas)
		for (size_t i = 0; i < atomic_load(&r->n_cas); i++)
			ca_free(r->cas[i]);
	free(r->cas);
	pw_store_close(r->store);
	for (size_t i = 0; i < R_STRIPES; i++)
		pthread_mutex_destroy(&r->stripes[i]);
	pthread_mutex_destroy(&r->stop_lock);
	pthread_cond_destroy(&r->stop_cond);
	free(r);
}

/* ---- Applying changes ---- */

struct apply_ctx {
	struct pw_ocsp_responder *r;
	int64_t now;
	uint64_t changed;
	int presign_now; /* re-sign each changed entry while applying it */
};

/* Up to this many changes in one poll are re-signed while they are applied
 * (both CertID hashes), so the next request finds its response ready. A
 * larger change (a bulk revocation: 10,000 per batch) is applied first,
 * all of it, so that every request answers the new status within one poll
 * (signed on request until then), and its SHA-1 responses are re-signed by
 * the background pre-sign pass a slice at a time between polls: signing
 * 10,000 responses takes seconds (ECDSA P-256 ~8,600 signatures/s/core on
 * the benchmark machine), and status must not wait for it. */
#define R_PRESIGN_INLINE_MAX 512u

/* Applies one certificate row to every CA with that issuer name (a
 * re-keyed CA shares its name; the serial decides). */
static void apply_row(struct apply_ctx *ac, const struct pw_store_row *row)
{
	struct pw_ocsp_responder *r = ac->r;
	size_t n = atomic_load_explicit(&r->n_cas, memory_order_relaxed); /* refresher's own */
	for (size_t i = 0; i < n; i++) {
		struct ca *ca = r->cas[i];
		struct entry *e;
		int is_new = 0;
		if (memcmp(ca->reg.subject_name_sha256, row->issuer_name_sha256, 32) != 0 ||
		    row->serial_len == 0 || row->serial_len > PW_OCSP_MAX_SERIAL)
			continue;
		pthread_rwlock_rdlock(&ca->lock);
		e = index_find(ca, row->serial, row->serial_len,
		               serial_hash(row->serial, row->serial_len));
		pthread_rwlock_unlock(&ca->lock);
		if (!e) {
			/* A certificate stored since the last scan: index it now
			 * (the scan would find it again; insertion is idempotent). */
			pthread_rwlock_wrlock(&ca->lock);
			e = index_insert(ca, row->serial, row->serial_len, &is_new);
			pthread_rwlock_unlock(&ca->lock);
			if (!e)
				continue;
			if (is_new)
				atomic_fetch_add(&r->st.serials, 1);
		}
		if (entry_set(r, e, row->revoked, row->revoked_at, row->has_reason, row->reason)) {
			ac->changed++;
			/* Re-sign at once (issue 5): the next request for this
			 * serial, and every cache that asks, gets the new status
			 * without paying for a signature on the request path. */
			if (!r->cfg.no_presign && ac->presign_now)
				for (int h = 0; h < PW_OCSP_N_HASHES; h++)
					presign(r, ca, e, (enum pw_ocsp_hash)h, ac->now);
			else if (!r->cfg.no_presign)
				r->presign_again = 1;
			atomic_fetch_add(&r->st.resigned, 1);
		}
	}
}

static int apply_row_cb(void *vctx, const struct pw_store_row *row)
{
	apply_row(vctx, row);
	return 1;
}

enum pw_status pw_ocsp_responder_refresh(struct pw_ocsp_responder *r, struct pw_error *err)
{
	uint64_t g;
	enum pw_status st;
	struct apply_ctx ac = { .r = r, .now = (int64_t)time(NULL) };
	if ((st = pw_publish_generation(r->store, &g, err)) != PW_OK)
		return st;
	if (g != r->generation) {
		/* One query over the change list, however many changed: each
		 * change is read once, with the certificate's state now (also
		 * un-revocations). A bulk revocation of 370,000 certificates in
		 * batches of 10,000 costs this thread 370,000 row reads in all,
		 * not a re-read of every revoked certificate per batch. Changes
		 * made after g are read too, and again at the next poll:
		 * applying a state twice changes nothing. The generation
		 * moves once per change (and per registry change), so its
		 * distance counts them before reading. */
		ac.presign_now = g - r->generation <= R_PRESIGN_INLINE_MAX;
		st = pw_store_publish_changed_rows(r->store, r->generation, 0, apply_row_cb, &ac, err);
		if (st != PW_OK && st != PW_ERR_NOTFOUND)
			return st;
		r->generation = g;
	}
	if (ac.now - r->last_scan >= PW_OCSP_NEW_CERT_SCAN_SECS) {
		size_t n = atomic_load_explicit(&r->n_cas, memory_order_relaxed);
		for (size_t i = 0; i < n; i++)
			if ((st = scan_new(r, r->cas[i], err)) != PW_OK)
				goto out;
		r->last_scan = ac.now;
	}
	/* A CA registered since start-up (`pkiward ca add`) is served from
	 * the next check on, without a restart. */
	if (ac.now - r->last_ca_check >= PW_OCSP_NEW_CA_CHECK_SECS) {
		/* Marked before trying: a CA that cannot be set up (say, its key
		 * is unreadable) is retried at the next check, not every poll. */
		r->last_ca_check = ac.now;
		if ((st = add_new_cas(r, ac.now, err)) != PW_OK)
			goto out;
	}
	st = PW_OK;
out:
	return st;
}

/* Pre-signs the SHA-1 response (RFC 5019 §2.1.1: what lightweight clients
 * ask for) of every entry that has none, a slice at a time so that change
 * polling is never delayed by more than one slice. Returns 1 when there
 * may be more to do. */
#define R_PRESIGN_SLICE 256u
static int presign_slice(struct pw_ocsp_responder *r, size_t *ca_i, size_t *slot)
{
	size_t done = 0;
	int64_t now = (int64_t)time(NULL);
	while (*ca_i < atomic_load_explicit(&r->n_cas, memory_order_relaxed)) {
		struct ca *ca = r->cas[*ca_i];
		while (done < R_PRESIGN_SLICE) {
			struct entry *e = NULL;
			int need = 0;
			pthread_rwlock_rdlock(&ca->lock);
			if (*slot < ca->cap)
				e = ca->tab[*slot];
			int end = *slot >= ca->cap;
			pthread_rwlock_unlock(&ca->lock);
			if (end)
				break;
			(*slot)++;
			if (!e)
				continue;
			pthread_mutex_lock(stripe(r, e->hash));
			need = e->resp[PW_OCSP_HASH_SHA1] == NULL;
			pthread_mutex_unlock(stripe(r, e->hash));
			if (need) {
				presign(r, ca, e, PW_OCSP_HASH_SHA1, now);
				done++;
			}
		}
		if (done >= R_PRESIGN_SLICE)
			return 1;
		(*ca_i)++;
		*slot = 0;
	}
	return 0;
}

/* Waits for the next poll; returns 1 when the refresher must stop. On a
 * base that notifies (PostgreSQL, store_notify.h) the wait ends as soon as
 * another node commits a revocation, so it is answered here within
 * milliseconds rather than at the next poll; a stop request is then seen
 * within one poll interval. Otherwise (SQLite) it is the poll interval on
 * the stop condition. */
static int refresher_wait(struct pw_ocsp_responder *r, int presigning)
{
	struct timespec ts;
	int stop;
	if (!presigning && pw_store_notifies(r->store)) {
		pthread_mutex_lock(&r->stop_lock);
		stop = r->stop;
		pthread_mutex_unlock(&r->stop_lock);
		if (stop)
			return 1;
		/* A lost connection ends the wait (the next refresh reconnects or
		 * reports it); only misuse fails, and then the timed wait below
		 * keeps the loop from spinning. */
		if (pw_store_wait_change(r->store, PW_PUBLISH_POLL_MS, NULL, NULL) == PW_OK) {
			pthread_mutex_lock(&r->stop_lock);
			stop = r->stop;
			pthread_mutex_unlock(&r->stop_lock);
			return stop;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)PW_PUBLISH_POLL_MS * 1000000L;
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->stop_lock);
	if (!r->stop && !presigning)
		pthread_cond_timedwait(&r->stop_cond, &r->stop_lock, &ts);
	stop = r->stop;
	pthread_mutex_unlock(&r->stop_lock);
	return stop;
}

static void *refresher(void *arg)
{
	struct pw_ocsp_responder *r = arg;
	size_t ca_i = 0, slot = 0;
	int presigning = !r->cfg.no_presign;
	for (;;) {
		struct pw_error err;
		if (pw_ocsp_responder_refresh(r, &err) != PW_OK) {
			/* Keep serving what is known; the next poll retries. A
			 * store that stays broken shows in the stats (generation
			 * no longer moves), not as a crash. */
		}
		if (r->presign_again) {
			/* A bulk change dropped responses unsigned: a new pass
			 * from the start signs them (and skips the rest). */
			r->presign_again = 0;
			ca_i = 0;
			slot = 0;
			presigning = !r->cfg.no_presign;
		}
		if (presigning)
			presigning = presign_slice(r, &ca_i, &slot);
		atomic_store(&r->presigning, presigning);
		if (refresher_wait(r, presigning))
			break;
	}
	return NULL;
}

void pw_ocsp_responder_stats(struct pw_ocsp_responder *r, struct pw_ocsp_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->requests = atomic_load(&r->st.requests);
	out->good = atomic_load(&r->st.good);
	out->revoked = atomic_load(&r->st.revoked);
	out->unknown = atomic_load(&r->st.unknown);
	out->unauthorized = atomic_load(&r->st.unauthorized);
	out->malformed = atomic_load(&r->st.malformed);
	out->internal_error = atomic_load(&r->st.internal_error);
	out->signatures = atomic_load(&r->st.signatures);
	out->cache_hits = atomic_load(&r->st.cache_hits);
	out->serials = atomic_load(&r->st.serials);
	out->resigned_on_change = atomic_load(&r->st.resigned);
	out->presigning = atomic_load(&r->presigning);
	out->generation = r->generation;
}

/* ---- Answering ---- */

static struct ca *find_ca(struct pw_ocsp_responder *r, const struct pw_ocsp_certid *id)
{
	size_t hl = id->hash == PW_OCSP_HASH_SHA1 ? 20 : 32;
	/* Acquire: pairs with add_new_cas's release, so that every slot below
	 * n is a CA whose set-up this thread sees complete. */
	size_t n = atomic_load_explicit(&r->n_cas, memory_order_acquire);
	for (size_t i = 0; i < n; i++) {
		struct ca *ca = r->cas[i];
		if (memcmp(ca->name_hash[id->hash], id->issuer_name_hash.p, hl) == 0 &&
		    memcmp(ca->key_hash[id->hash], id->issuer_key_hash.p, hl) == 0)
			return ca;
	}
	return NULL;
}

static void answer_error(struct pw_ocsp_responder *r, struct pw_ocsp_answer *out,
                         enum pw_ocsp_status st)
{
	out->status = st;
	out->der = pw_ocsp_error_response(st, &out->len);
	out->ref_ = NULL;
	switch (st) {
	case PW_OCSP_MALFORMED_REQUEST: atomic_fetch_add(&r->st.malformed, 1); break;
	case PW_OCSP_UNAUTHORIZED: atomic_fetch_add(&r->st.unauthorized, 1); break;
	default: atomic_fetch_add(&r->st.internal_error, 1); break;
	}
}

static void answer_cached(struct pw_ocsp_responder *r, struct pw_ocsp_answer *out,
                          struct cached *c)
{
	out->status = PW_OCSP_SUCCESSFUL;
	out->cert_status = c->cert_status;
	out->der = c->der;
	out->len = c->len;
	out->this_update = c->this_update;
	out->next_update = c->next_update;
	out->produced_at = c->produced_at;
	memcpy(out->etag, c->etag, sizeof(out->etag));
	out->ref_ = c;
	switch (c->cert_status) {
	case PW_OCSP_GOOD: atomic_fetch_add(&r->st.good, 1); break;
	case PW_OCSP_REVOKED: atomic_fetch_add(&r->st.revoked, 1); break;
	default: atomic_fetch_add(&r->st.unknown, 1); break;
	}
}

static int fresh(const struct pw_ocsp_responder *r, const struct cached *c, int64_t now)
{
	return c && now < c->this_update + R_BACKDATE_SECS + r->cfg.refresh && now >= c->this_update;
}

/* The status of one CertID: fills *s (certid borrowed from the request),
 * returns the entry (NULL = unknown). */
static struct entry *lookup(struct pw_ocsp_responder *r, struct ca *ca,
                            const struct pw_ocsp_certid *id, uint64_t *out_version,
                            struct cached **out_cached, struct pw_ocsp_single_spec *s, int64_t now)
{
	uint64_t h = serial_hash(id->serial.p, id->serial.len);
	struct entry *e;
	pthread_rwlock_rdlock(&ca->lock);
	e = ca->cap ? index_find(ca, id->serial.p, id->serial.len, h) : NULL;
	pthread_rwlock_unlock(&ca->lock);
	*out_cached = NULL;
	if (!e) {
		fill_single(r, s, id->element.p, id->element.len, PW_OCSP_UNKNOWN, 0, 0, 0, now);
		return NULL;
	}
	pthread_mutex_t *m = stripe(r, e->hash);
	pthread_mutex_lock(m);
	*out_version = e->version;
	fill_single(r, s, id->element.p, id->element.len, e->revoked ? PW_OCSP_REVOKED : PW_OCSP_GOOD,
	            e->revoked_at, e->has_reason, e->reason, now);
	if (fresh(r, e->resp[id->hash], now))
		*out_cached = cached_ref(e->resp[id->hash]);
	pthread_mutex_unlock(m);
	return e;
}

/* The cached response's CertID must be the request's byte for byte (a
 * client compares the CertID it sent with the one answered, RFC 6960
 * §4.2.2.3); the pre-signed ones use NULL hash parameters like OpenSSL. */
static int certid_matches(const struct cached *c, const struct pw_ocsp_certid *id)
{
	return c->certid_len == id->element.len &&
	       memcmp(c->certid, id->element.p, id->element.len) == 0;
}

/* Attempts at answering one CertID when its status keeps changing while a
 * response is being signed (each attempt sees a newer status). */
#define R_MAX_ATTEMPTS 4

static void respond_one(struct pw_ocsp_responder *r, const struct pw_ocsp_request *req,
                        int64_t now, struct pw_ocsp_answer *out, int attempt)
{
	const struct pw_ocsp_certid *id = &req->ids[0];
	struct ca *ca = find_ca(r, id);
	struct pw_ocsp_single_spec s;
	struct cached *c = NULL, *old = NULL;
	struct entry *e;
	uint64_t version = 0;
	struct pw_error err;

	if (!ca) {
		/* RFC 6960 §2.3: "unauthorized" when the responder is not
		 * authoritative for the issuer. */
		pw_error_set(&out->err, PW_ERR_NOTFOUND, 0, 0, "certID",
		             "issuer not served by this responder");
		answer_error(r, out, PW_OCSP_UNAUTHORIZED);
		return;
	}
	e = lookup(r, ca, id, &version, &c, &s, now);
	if (c && certid_matches(c, id)) {
		atomic_fetch_add(&r->st.cache_hits, 1);
		answer_cached(r, out, c);
		return;
	}
	cached_unref(c);
	c = NULL;
	if (!e) {
		/* Unknown serial: a bounded cache keyed by the CertID bytes. */
		size_t slot = (size_t)(serial_hash(id->element.p, id->element.len) %
		                       PW_OCSP_UNKNOWN_CACHE_SLOTS) * PW_OCSP_N_HASHES + id->hash;
		pthread_mutex_lock(&ca->unk_lock);
		if (fresh(r, ca->unknown[slot], now) && certid_matches(ca->unknown[slot], id))
			c = cached_ref(ca->unknown[slot]);
		pthread_mutex_unlock(&ca->unk_lock);
		if (c) {
			atomic_fetch_add(&r->st.cache_hits, 1);
			answer_cached(r, out, c);
			return;
		}
		c = sign_one(r, ca, &s, 1, NULL, 0, now, &err);
		if (!c) {
			out->err = err;
			answer_error(r, out, PW_OCSP_INTERNAL_ERROR);
			return;
		}
		pthread_mutex_lock(&ca->unk_lock);
		old = ca->unknown[slot];
		ca->unknown[slot] = cached_ref(c);
		pthread_mutex_unlock(&ca->unk_lock);
		cached_unref(old);
		answer_cached(r, out, c);
		return;
	}
	c = sign_one(r, ca, &s, 1, NULL, 0, now, &err);
	if (!c) {
		out->err = err;
		answer_error(r, out, PW_OCSP_INTERNAL_ERROR);
		return;
	}
	{
		pthread_mutex_t *m = stripe(r, e->hash);
		int stale = 0;
		pthread_mutex_lock(m);
		if (e->version == version) {
			old = e->resp[id->hash];
			e->resp[id->hash] = cached_ref(c);
		} else {
			stale = 1; /* the status changed while we signed */
		}
		pthread_mutex_unlock(m);
		cached_unref(old);
		if (stale && attempt + 1 < R_MAX_ATTEMPTS) {
			cached_unref(c);
			respond_one(r, req, now, out, attempt + 1);
			return;
		}
		if (stale) {
			/* Never hand out a status known to be outdated. */
			cached_unref(c);
			pw_error_set(&out->err, PW_ERR_EXISTS, 0, 0, "certID",
			             "status changed during every attempt");
			answer_error(r, out, PW_OCSP_TRY_LATER);
			return;
		}
	}
	answer_cached(r, out, c);
}

/* Several CertIDs (RFC 6960 allows it; RFC 5019 clients never send it):
 * one freshly signed response, nonce echoed. All must name the same CA. */
static void respond_many(struct pw_ocsp_responder *r, const struct pw_ocsp_request *req,
                         int64_t now, struct pw_ocsp_answer *out)
{
	struct pw_ocsp_single_spec s[PW_OCSP_MAX_REQUESTS];
	struct ca *ca = NULL;
	struct cached *c;
	struct pw_error err;
	for (size_t i = 0; i < req->n_ids; i++) {
		struct ca *x = find_ca(r, &req->ids[i]);
		struct cached *ign = NULL;
		uint64_t v;
		if (!x || (ca && x != ca)) {
			pw_error_set(&out->err, PW_ERR_NOTFOUND, 0, 0, "certID",
			             x ? "requests for several issuers in one request"
			               : "issuer not served by this responder");
			answer_error(r, out, PW_OCSP_UNAUTHORIZED);
			return;
		}
		ca = x;
		lookup(r, ca, &req->ids[i], &v, &ign, &s[i], now);
		cached_unref(ign);
	}
	c = sign_one(r, ca, s, req->n_ids, req->has_nonce ? req->nonce.p : NULL,
	             req->has_nonce ? req->nonce.len : 0, now, &err);
	if (!c) {
		out->err = err;
		answer_error(r, out, PW_OCSP_INTERNAL_ERROR);
		return;
	}
	answer_cached(r, out, c);
}

void pw_ocsp_respond(struct pw_ocsp_responder *r, const uint8_t *req, size_t len, int64_t now,
                     struct pw_ocsp_answer *out)
{
	struct pw_ocsp_request q;
	memset(out, 0, sizeof(*out));
	atomic_fetch_add(&r->st.requests, 1);
	if (!now)
		now = (int64_t)time(NULL);
	if (pw_ocsp_request_parse(req, len, &q, &out->err) != PW_OK) {
		answer_error(r, out, PW_OCSP_MALFORMED_REQUEST);
		return;
	}
	if (q.n_ids == 1)
		respond_one(r, &q, now, out, 0);
	else
		respond_many(r, &q, now, out);
}

int64_t pw_ocsp_answer_max_age(const struct pw_ocsp_responder *r, const struct pw_ocsp_answer *a,
                               int64_t now)
{
	/* M = B - ceil(P) - 1 (ocsp.h, docs/ocsp.md), never past nextUpdate
	 * (RFC 5019 §6.2). */
	int64_t poll = (PW_PUBLISH_POLL_MS + 999) / 1000;
	int64_t m = r->cfg.max_stale - poll - 1;
	if (a->status != PW_OCSP_SUCCESSFUL)
		return 0;
	if (a->next_update && a->next_update - now < m)
		m = a->next_update - now;
	return m > 0 ? m : 0;
}
