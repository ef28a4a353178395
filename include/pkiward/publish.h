/* pkiward/publish.h — publication of revocation status (DESIGN.md publish/):
 * the registry of issuing CAs pkiward publishes for, the revocation change
 * counter long-running publishers poll, and CRL generation (full and
 * partitioned, RFC 5280 §5, BR 4.9.7 / 7.2, MRSP 6 and 6.1.2).
 *
 * Registry. Each registered CA has a short URL-safe name (the "ca-id" of
 * the URLs below), its certificate (DER, kept in the store), a reference to
 * its private key (a PEM file path or a "pkcs11:" URI, opened with
 * signer.h), an optional CRL base URL and number of partitions, an optional
 * OCSP URL and an optional delegated OCSP responder (certificate + key
 * reference). Stored in the "publish" store area (schema migration 3).
 *
 * URLs and files (docs/publication.md). With base URL B and CA name N:
 *   full CRL          B/N/full.crl      file <out>/N/full.crl
 *   partition p       B/N/p.crl         file <out>/N/p.crl   (p = 0 .. partitions-1)
 * A certificate belongs to partition  p = serial mod partitions, where
 * serial is the certificate's serialNumber INTEGER content octets read as
 * an unsigned big-endian number (for a conforming positive serial, simply
 * its value, RFC 5280 §4.1.2.2). The issuing side puts exactly
 * pw_publish_partition_url() into the certificate's CRLDP; each partition
 * carries a critical IssuingDistributionPoint whose fullName URI is the same
 * bytes (BR 7.2.2.1, MRSP 6.1.2), and `pkiward crl json-array` lists the
 * partition URLs for the CCADB "JSON Array of Partitioned CRLs" (CCADB
 * policy 6.2). The full CRL carries no IDP (BR 7.2.2.1: NOT RECOMMENDED
 * for full and complete CRLs). A CA registered without a base URL gets only
 * the full CRL (a partition cannot name itself without a URL).
 *
 * CRL numbers (BR 7.2.2: strictly increasing): one counter per registered
 * CA shared by its full CRL and all partitions, so the numbers of every
 * scope increase. The numbers of a run are reserved in a committed
 * transaction BEFORE any CRL is signed or written, so a crash can waste
 * numbers but never reuse one.
 *
 * Expired entries (BR 7.2 revokedCertificates): a revoked certificate whose
 * notAfter has passed stays on the CRLs until it has appeared on a full CRL
 * and on its partition whose thisUpdate is after its notAfter; that
 * appearance is recorded, and later CRLs leave it out.
 *
 * Every publication is an event "crl.published" (subject "ca:<sha256 hex>"),
 * recorded after the file is in place; registry changes are "ca.registered"
 * / "ca.updated". All functions take a struct pw_store used by one thread at
 * a time (store.h). */
#ifndef PKIWARD_PUBLISH_H
#define PKIWARD_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* ---- Limits ---- */

/* Longest CA name (URL path segment: [a-z0-9._-], starting alphanumeric). */
#define PW_PUBLISH_MAX_NAME 64
/* Longest URL (base URL, OCSP URL) and key reference kept in the registry. */
#define PW_PUBLISH_MAX_URL 1024
#define PW_PUBLISH_MAX_KEY_REF 4096
/* Partitions per CA: 1 .. PW_PUBLISH_MAX_PARTITIONS. Every partition is a
 * signed CRL per run; beyond a few thousand the run cost is signatures. */
#define PW_PUBLISH_MAX_PARTITIONS 4096u
/* Registered CAs. */
#define PW_PUBLISH_MAX_CAS 10000u
/* Entries one CRL may hold (a CRL of this size is ~60 MB of DER; the
 * parser refuses CRLs over PW_CRL_MAX_DER). */
#define PW_PUBLISH_MAX_CRL_ENTRIES ((size_t)4 << 20)

/* CRL timing policy limits (seconds). */
/* BR 7.2 (nextUpdate row) and MRSP 6: for CRLs covering Subscriber
 * Certificates nextUpdate is at most 10 days after thisUpdate. */
#define PW_PUBLISH_CRL_MAX_VALIDITY ((int64_t)10 * 86400)
/* BR 4.9.7: a new CRL at least every 4 days (7 when every certificate has
 * an AIA OCSP pointer; MRSP 6: 7 days). pkiward enforces the stricter 4. */
#define PW_PUBLISH_CRL_MAX_REFRESH ((int64_t)4 * 86400)
/* Defaults: valid 7 days, re-issued every day. */
#define PW_PUBLISH_CRL_DEFAULT_VALIDITY ((int64_t)7 * 86400)
#define PW_PUBLISH_CRL_DEFAULT_REFRESH ((int64_t)86400)
/* Shortest validity accepted (a CRL must outlive its refresh interval). */
#define PW_PUBLISH_CRL_MIN_VALIDITY ((int64_t)3600)

/* How often publish waiters poll the change counter (the 1-second bound
 * of issue 5 needs a poll well below 1 s). */
#define PW_PUBLISH_POLL_MS 100

/* ---- Registry ---- */

/* A registered issuing CA. Everything is owned by the struct
 * (pw_publish_ca_cleanup frees it). */
struct pw_publish_ca {
	int64_t id;                       /* registry id (stable in this store) */
	char name[PW_PUBLISH_MAX_NAME + 1];
	uint8_t cert_sha256[32];
	uint8_t *cert_der;                /* the CA certificate */
	size_t cert_len;
	uint8_t subject_name_sha256[32];  /* SHA-256 of its subject Name DER */
	uint8_t spki_sha256[32];          /* SHA-256 of its SubjectPublicKeyInfo */
	char *key_ref;                    /* PEM path or "pkcs11:" URI */
	char *crl_base_url;               /* NULL: full CRL only */
	unsigned partitions;              /* >= 1 (ignored without a base URL) */
	char *ocsp_url;                   /* NULL when none */
	uint8_t *responder_cert_der;      /* delegated OCSP responder; NULL when none */
	size_t responder_cert_len;
	char *responder_key_ref;          /* its key; NULL when none */
	int64_t added_at, updated_at;
	int64_t next_crl_number;          /* the next number a run will reserve */
};

/* Frees what *ca owns and zeroes it. NULL-safe. */
void pw_publish_ca_cleanup(struct pw_publish_ca *ca);

/* What `ca add` registers. Pointers are borrowed for the call. */
struct pw_publish_ca_spec {
	const char *name;                 /* NULL: "ca-" + first 12 hex digits of the cert SHA-256 */
	const uint8_t *cert_der;          /* required: DER CA certificate */
	size_t cert_len;
	const char *key_ref;              /* required */
	const char *crl_base_url;         /* NULL: none; "http://..." without a trailing '/',
	                                     query or fragment (BR 7.1.2.11.2: HTTP) */
	unsigned partitions;              /* 0 = 1 (only a spec default; stored value >= 1) */
	const char *ocsp_url;             /* NULL: none; "http://..." */
	const uint8_t *responder_cert_der; /* NULL: none; with responder_key_ref */
	size_t responder_cert_len;
	const char *responder_key_ref;
	int replace;                      /* 1: update the CA with the same certificate */
	int skip_key_check;               /* 1: do not open the keys (tests only) */
	const char *actor;                /* event actor; NULL = "pkiward" */
	int64_t now;                      /* 0 = time(NULL) */
};

/* Registers a CA: checks that the certificate is a CA certificate
 * (basicConstraints cA) whose keyUsage, when present, allows cRLSign (RFC
 * 5280 §4.2.1.3), that the key opens and matches the certificate
 * (pw_signer_open), that the responder certificate was issued by this CA's
 * key, carries id-kp-OCSPSigning (RFC 6960 §4.2.2.2) and matches its key;
 * and the name/URL/partition limits. A certificate already registered is
 * PW_ERR_EXISTS unless spec->replace (then its settings are replaced; the
 * id and the CRL number counter stay). Records "ca.registered" or
 * "ca.updated" in the same transaction and bumps the change counter.
 * *out_id (may be NULL) gets the registry id. Errors name the field
 * ("--key", "partitions", ...). */
enum pw_status pw_publish_ca_add(struct pw_store *s, const struct pw_publish_ca_spec *spec,
                                 int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Callback of pw_publish_ca_list: ca is borrowed for the call. Return 1 to
 * continue, 0 to stop. */
typedef int (*pw_publish_ca_fn)(void *ctx, const struct pw_publish_ca *ca);

/* Calls fn for every registered CA in id order. */
enum pw_status pw_publish_ca_list(struct pw_store *s, pw_publish_ca_fn fn, void *ctx,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* Reads one registered CA by id / by its name / by its certificate's
 * SHA-256 into *out (caller cleans up). PW_ERR_NOTFOUND when none. */
enum pw_status pw_publish_ca_get(struct pw_store *s, int64_t id, struct pw_publish_ca *out,
                                 struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_publish_ca_get_by_name(struct pw_store *s, const char *name,
                                         struct pw_publish_ca *out,
                                         struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_publish_ca_get_by_sha256(struct pw_store *s, const uint8_t cert_sha256[32],
                                           struct pw_publish_ca *out,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* The partition of a serial (INTEGER content octets as encoded):
 * serial mod partitions, the octets read as an unsigned big-endian number.
 * partitions 0 is treated as 1. */
unsigned pw_publish_partition_of(const uint8_t *serial, size_t serial_len, unsigned partitions);

/* The URL of partition p of ca ("<base>/<name>/<p>.crl") / of its full CRL
 * ("<base>/<name>/full.crl") into buf (NUL-terminated). Returns 1, or 0
 * when the CA has no base URL, p is out of range or buf is too small.
 * PW_PUBLISH_URL_BUF is always enough. */
#define PW_PUBLISH_URL_BUF (PW_PUBLISH_MAX_URL + PW_PUBLISH_MAX_NAME + 32)
int pw_publish_partition_url(const struct pw_publish_ca *ca, unsigned p, char *buf, size_t buflen);
int pw_publish_full_url(const struct pw_publish_ca *ca, char *buf, size_t buflen);

/* The CCADB "JSON Array of Partitioned CRLs" of ca (CCADB policy 6.2): a
 * JSON array of its partition URLs in partition order; [""] for a CA
 * without a base URL (the value CCADB asks for while no URL exists).
 * malloc'd NUL-terminated text (free() it), NULL when memory runs out. */
char *pw_publish_ccadb_json_array(const struct pw_publish_ca *ca);

/* ---- Revocation change counter ---- */

/* The change generation: a counter the store increases in the same
 * transaction as every insert/update/delete of a revocation row (database
 * triggers, so changes made by any code path or process count) and every
 * registry change. Reading it is one indexed single-row read, cheap enough
 * to poll every PW_PUBLISH_POLL_MS. */
enum pw_status pw_publish_generation(struct pw_store *s, uint64_t *out,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Waits until the generation differs from `since` or timeout_ms passes
 * (woken by another node's change notification on PostgreSQL, polling
 * every PW_PUBLISH_POLL_MS on SQLite: store_notify.h); *out gets the current generation
 * (== since on timeout). The store must not be inside a transaction. */
enum pw_status pw_publish_wait_change(struct pw_store *s, uint64_t since, int64_t timeout_ms,
                                      uint64_t *out, struct pw_error *err) PW_WARN_UNUSED;

/* One changed revocation: the certificate (or precertificate) whose
 * revocation row changed at generation `generation`. */
struct pw_publish_change {
	uint64_t generation;
	uint8_t sha256[32];
};
typedef int (*pw_publish_change_fn)(void *ctx, const struct pw_publish_change *c);

/* Calls fn for each revocation change with generation > since, in
 * generation order (an OCSP cache re-signs exactly these). Registry changes
 * bump the generation without a row here. */
enum pw_status pw_publish_changes_since(struct pw_store *s, uint64_t since,
                                        pw_publish_change_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Bumps the generation (a caller that wants publishers to re-run, e.g.
 * after a policy change). */
enum pw_status pw_publish_bump(struct pw_store *s, struct pw_error *err) PW_WARN_UNUSED;

/* ---- CRL generation ---- */

/* Timing policy (seconds; 0 = default). thisUpdate is the generation time;
 * nextUpdate = thisUpdate + validity. refresh is when a scheduled run
 * (`crl generate --watch`) issues the next CRL without a revocation. */
struct pw_publish_crl_policy {
	int64_t validity;       /* default PW_PUBLISH_CRL_DEFAULT_VALIDITY, at most
	                           PW_PUBLISH_CRL_MAX_VALIDITY, at least ..._MIN_VALIDITY */
	int64_t refresh;        /* default PW_PUBLISH_CRL_DEFAULT_REFRESH, at most
	                           PW_PUBLISH_CRL_MAX_REFRESH and below validity */
	int invalidity_date;    /* 1: add the invalidityDate entry extension when one is
	                           recorded (RFC 5280 §5.3.2; BR 7.2.2 lists it as NOT
	                           RECOMMENDED, so off by default) */
};

/* Checks a policy against the limits above (err names the member). */
enum pw_status pw_publish_crl_policy_check(const struct pw_publish_crl_policy *p,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* What a CRL of a run is. partition < 0 is the full CRL. */
struct pw_publish_crl_info {
	int64_t ca_id;
	const char *ca_name;
	int partition;          /* -1 = full CRL, else 0 .. partitions-1 */
	uint64_t number;        /* cRLNumber */
	int64_t this_update, next_update;
	uint64_t entries;
	uint8_t sha256[32];     /* SHA-256 of the DER CRL */
	const char *url;        /* its URL; NULL without a base URL (full CRL only) */
	const char *path;       /* file written; NULL when not writing files */
	const uint8_t *der;     /* the signed CRL (borrowed for the callback) */
	size_t der_len;
};

/* Called for each CRL after it was signed and linted (with out_dir: written
 * to a temp file; a CA's files are renamed into place together after its
 * last CRL, then the publication is recorded). Return 1 to continue, 0 to
 * abort the run (PW_ERR_USAGE "stopped"; nothing of that CA is published). */
typedef int (*pw_publish_crl_fn)(void *ctx, const struct pw_publish_crl_info *info);

struct pw_publish_crl_opts {
	const char *out_dir;    /* write <out_dir>/<name>/{full,N}.crl atomically
	                           (temp files + fsync, then rename all + fsync the
	                           directory); NULL = memory only */
	int64_t now;            /* thisUpdate; 0 = time(NULL) */
	struct pw_publish_crl_policy policy;
	int64_t ca_id;          /* 0 = every registered CA */
	pw_publish_crl_fn fn;   /* may be NULL */
	void *ctx;
	const char *actor;      /* event actor; NULL = "pkiward" */
	int no_lint;            /* benchmarks only: skip pw_lint_crl */
};

/* Totals of a run. */
struct pw_publish_crl_result {
	uint64_t cas;           /* CAs published */
	uint64_t crls;          /* CRLs written / handed to fn */
	uint64_t entries;       /* entries over all full CRLs */
	uint64_t expired_kept;  /* expired entries still listed (first time past expiry) */
	uint64_t expired_dropped; /* expired entries left out (already listed past expiry) */
	uint64_t generation;    /* change generation the run read its revocations at */
};

/* Generates, for every registered CA (or opts->ca_id), its full CRL and one
 * CRL per partition from the revocations in the store: reserves the CRL
 * numbers (committed), builds each TBSCertList with the DER writer, signs
 * it with the CA key (signer.h), lints it with pw_lint_crl and refuses to
 * publish it (PW_ERR_PARSE naming the lint) when any finding is error level
 * or worse, writes it, then records the publication rows, the expired
 * entries seen, and the events in one transaction. A CA that fails (key
 * offline, lint refusal) publishes nothing but does not stop the other CAs;
 * the first failure is returned. Must not be called inside a transaction.
 * out may be NULL. */
enum pw_status pw_publish_crls(struct pw_store *s, const struct pw_publish_crl_opts *opts,
                               struct pw_publish_crl_result *out,
                               struct pw_error *err) PW_WARN_UNUSED;

/* The last published CRL of (ca_id, partition) (-1 = full): number,
 * times, entries, sha256. PW_ERR_NOTFOUND when none was published. url and
 * path are NULL and der is not kept. */
enum pw_status pw_publish_crl_last(struct pw_store *s, int64_t ca_id, int partition,
                                   struct pw_publish_crl_info *out,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* ---- The DER writer (exposed for benchmarks, tests and OCSP) ---- */

/* One revoked certificate. */
struct pw_crl_revoked {
	const uint8_t *serial;  /* INTEGER content octets as in the certificate */
	size_t serial_len;      /* 1 .. PW_STORE_MAX_SERIAL */
	int64_t revoked_at;
	int has_reason;         /* 0: no reasonCode (BR 7.2.2 "unspecified") */
	unsigned reason;
	int64_t invalidity_date; /* 0: none */
};

/* A CRL to encode. Pointers are borrowed. */
struct pw_crl_tbs {
	const uint8_t *sig_alg; size_t sig_alg_len;   /* AlgorithmIdentifier DER */
	const uint8_t *issuer; size_t issuer_len;     /* Name DER (the CA's subject bytes) */
	int64_t this_update, next_update;
	const struct pw_crl_revoked *entries;         /* sorted by pw_crl_revoked_cmp */
	size_t n_entries;
	uint64_t number;
	const uint8_t *aki; size_t aki_len;           /* keyIdentifier octets; NULL = no AKI */
	const char *idp_url;                          /* NULL: no IDP */
};

/* Orders entries by serial (as unsigned numbers: length of the minimal
 * form, then bytes). For qsort. */
int pw_crl_revoked_cmp(const void *a, const void *b);

/* Sorts entries into pw_crl_revoked_cmp order, much faster than qsort for
 * large CRLs (radix sort on a 64-bit serial prefix). Returns 1, or 0 when
 * memory runs out (v unchanged). */
int pw_crl_revoked_sort(struct pw_crl_revoked *v, size_t n);

/* Encodes the TBSCertList (RFC 5280 §5.1) into b (appended). Times in
 * UTCTime up to 2049 and GeneralizedTime from 2050 (RFC 5280 §5.1.2.4).
 * Returns 1, or 0 (err) on a bad argument or no memory. */
struct pw_buf;
int pw_crl_encode_tbs(const struct pw_crl_tbs *t, struct pw_buf *b, struct pw_error *err);

/* Wraps a TBS and signature into a CertificateList (appended to b). */
int pw_crl_encode_signed(const uint8_t *tbs, size_t tbs_len, const uint8_t *sig_alg,
                         size_t sig_alg_len, const uint8_t *sig, size_t sig_len,
                         struct pw_buf *b, struct pw_error *err);

/* Encodes t (its sig_alg is replaced by the signer's), signs it with
 * signer (the TBS is signed in place in the output buffer) and, when lint
 * is non-NULL, lints the signed CRL with pw_lint_crl at `now` (issuer: the
 * parsed CA certificate, may be NULL) into *lint (a caller-owned results
 * set, reused across calls so its parse arena is too). A finding of error
 * level or worse refuses the CRL: PW_ERR_PARSE with err->field the lint name
 * and err->msg its citation and details. On success *out_der (malloc'd,
 * free() it) holds the CertificateList. */
struct pw_signer;
struct pw_cert;
struct pw_lint_results;
enum pw_status pw_crl_build(const struct pw_crl_tbs *t, struct pw_signer *signer,
                            const struct pw_cert *issuer, int64_t now,
                            struct pw_lint_results *lint, uint8_t **out_der, size_t *out_len,
                            struct pw_error *err) PW_WARN_UNUSED;

#endif
