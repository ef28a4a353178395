/* STATUS: stable */
/* pkiward — the certificate base: storage interface, ingest pipeline, queries.
 *
 * A struct pw_store is an opened certificate base. The backend is picked from
 * the location given to pw_store_open(): a file path opens SQLite (the
 * embedded default: WAL, prepared statements only); a "postgresql://" URI
 * selects the PostgreSQL backend (same schema, same interface; reports "not
 * built" until that backend exists). Callers never see which backend runs:
 * every operation goes through the same functions below.
 *
 * Identity (DESIGN.md, "Rules of the domain"): a certificate is identified by
 * its SHA-256 fingerprint, or by (issuer, serial). Names and dates are search
 * terms, never identities, and a name search always covers the whole history:
 * there is no default date window anywhere in this API.
 *
 * Threading: a struct pw_store is used by one thread at a time. Several
 * processes may open the same SQLite base (WAL: readers do not block the
 * writer; writers wait up to PW_STORE_BUSY_TIMEOUT_MS for each other).
 *
 * Times are Unix seconds (int64_t, UTC). Hashes are raw 32-byte SHA-256.
 * Every function that can fail returns an enum pw_status (PW_OK = 0) and
 * fills the caller's struct pw_error (NULL allowed) with what and where. */
#ifndef PKIWARD_STORE_H
#define PKIWARD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/status.h"

/* ------------------------------------------------------------------------ */
/* Limits and constants                                                      */
/* ------------------------------------------------------------------------ */

/* Schema version this build creates and understands (the schema_version
 * table). Opening a base with a newer version fails with PW_ERR_STORE. */
#define PW_STORE_SCHEMA_VERSION 12

/* How long a writer waits for a lock held by another process. */
#define PW_STORE_BUSY_TIMEOUT_MS 10000

/* Largest input ingest reads into memory: stdin and pipes (and regular
 * files that cannot be mapped). Larger ones are rejected with PW_ERR_LIMIT
 * before they exhaust memory. Regular files are mapped instead, up to
 * PW_STORE_INGEST_MAX_MAPPED; a garbage file is then refused at its first
 * bytes, whatever its size. */
#define PW_STORE_INGEST_MAX_FILE ((size_t)64 << 20)

/* Largest regular file ingest maps (read-only, no heap copy): a corpus of
 * millions of certificates in one DER file or JSON Lines sidecar. */
#define PW_STORE_INGEST_MAX_MAPPED ((uint64_t)64 << 30)

/* Directory recursion depth limit (guards against symlink loops). */
#define PW_STORE_INGEST_MAX_DEPTH 32

/* Certificates per write transaction by default. A SIGKILL loses at most the
 * open transaction; everything committed before stays consistent. */
#define PW_STORE_INGEST_BATCH_DEFAULT 10000
#define PW_STORE_INGEST_BATCH_MAX 100000

/* Metadata sidecar limits (docs/metadata.md). */
#define PW_STORE_META_MAX_LINE ((size_t)1 << 20)  /* bytes in one JSON line */
#define PW_STORE_META_MAX_VALIDATIONS 1000        /* entries in "validations" */
#define PW_STORE_META_MAX_TEXT 256                /* bytes in order/subscriber */
#define PW_STORE_META_MAX_PROFILE 32              /* bytes in a profile token */
#define PW_STORE_META_MAX_METHOD 32               /* bytes in a DCV method id */

/* Longest name (dNSName/IP/email/CN) stored in the name index; longer ones
 * are not indexed (a dNSName is at most 253 octets, RFC 1035 §2.3.4; an
 * email address at most 320). */
#define PW_STORE_MAX_NAME 512

/* Longest serial number stored (RFC 5280 §4.1.2.2: at most 20 octets
 * conforming; longer non-conforming serials up to this size are still
 * stored so that they can be found and revoked). */
#define PW_STORE_MAX_SERIAL 64

/* Texts of issuer/subject DNs kept in rows (RFC 4514 form, truncated). */
#define PW_STORE_MAX_DN_TEXT 1024

/* dNSNames handed to a row callback (more are counted but not listed). */
#define PW_STORE_MAX_ROW_NAMES 1000

/* Flags for pw_store_open(). */
#define PW_STORE_CREATE 0x1   /* create the base (and migrate) if missing */
#define PW_STORE_READONLY 0x2 /* open read-only; no migration, no writes */

struct pw_store;

/* ------------------------------------------------------------------------ */
/* Opening, schema, transactions                                             */
/* ------------------------------------------------------------------------ */

/* Opens the base at `location`:
 *   - "postgresql://..." or "postgres://..." → PostgreSQL (PW_ERR_STORE "not
 *     built" in this build);
 *   - anything else is a file path → SQLite.
 * Without PW_STORE_CREATE a missing base, or a file that is not an
 * initialised pkiward base, is PW_ERR_NOTFOUND. With it, the file is created
 * (an existing database holding other applications' tables is refused).
 * Unless PW_STORE_READONLY, pending schema migrations are
 * applied (each in its own transaction, so a crash leaves a valid version).
 * A read-only open of a base whose schema is older than this build's is
 * allowed (queries may fail); a newer schema is PW_ERR_STORE.
 * On success *out owns the handle (pw_store_close it); on failure *out is
 * NULL. */
enum pw_status pw_store_open(const char *location, int flags, struct pw_store **out,
                             struct pw_error *err) PW_WARN_UNUSED;

/* Closes the handle (rolls back an open transaction). NULL-safe. */
void pw_store_close(struct pw_store *s);

/* Name of the backend ("sqlite", "postgresql"). Static string. */
const char *pw_store_backend(const struct pw_store *s);

/* The schema version recorded in the base (*out). */
enum pw_status pw_store_schema_version(struct pw_store *s, int *out,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Explicit write transactions for callers that group several writes.
 * pw_store_ingest() manages its own transactions: do not call it inside one. */
enum pw_status pw_store_begin(struct pw_store *s, struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_commit(struct pw_store *s, struct pw_error *err) PW_WARN_UNUSED;
/* Rolls back; never fails visibly (a failed rollback is logged into nothing:
 * the backend discards the transaction when the handle closes). */
void pw_store_rollback(struct pw_store *s);

/* ------------------------------------------------------------------------ */
/* Writing one certificate                                                   */
/* ------------------------------------------------------------------------ */

/* Stores one parsed certificate or precertificate (kind PW_KIND_CERT or
 * PW_KIND_PRECERT) with its names, its CA identity when it is a CA
 * certificate, and its link to its issuer's identity when that is known.
 * `ingested_at` is recorded (Unix seconds). Idempotent: a certificate whose
 * SHA-256 is already stored changes nothing and sets *out_inserted = 0 (1
 * when it was added). A different certificate with the same (issuer, serial,
 * precert) — a serial reuse, which BR 7.1 forbids — is refused with
 * PW_ERR_EXISTS naming the serial. Runs inside the caller's transaction if
 * one is open, else in its own. out_inserted may be NULL. */
enum pw_status pw_store_put_cert(struct pw_store *s, const struct pw_cert *c,
                                 int64_t ingested_at, int *out_inserted,
                                 struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* Metadata sidecar (docs/metadata.md)                                       */
/* ------------------------------------------------------------------------ */

/* One domain control validation record (BR 3.2.2.4 / 3.2.2.5). */
struct pw_store_validation {
	char *name;      /* the validated name, lowercased (owned by the metadata) */
	char method[PW_STORE_META_MAX_METHOD + 1]; /* "3.2.2.4.19" */
	int64_t at;      /* when the validation was performed */
};

/* One parsed metadata line:
 *   {"sha256": "<64 hex>", "profile": "dv", "order": "...", "subscriber":
 *    "...", "validations": [{"name": "...", "method": "3.2.2.4.19",
 *    "at": "2021-03-13T10:00:00Z"}]}
 * Only sha256 is required; absent fields leave the stored values alone. */
struct pw_store_metadata {
	uint8_t sha256[32];
	char *profile;     /* NULL if absent; lowercase token [a-z0-9-]+ */
	char *order;       /* NULL if absent */
	char *subscriber;  /* NULL if absent */
	struct pw_store_validation *validations; /* owned array */
	size_t n_validations;
};

/* Prepares an empty record (no allocation). */
void pw_store_metadata_init(struct pw_store_metadata *m);

/* Parses one JSON Lines line (`line`, `len` bytes, no newline needed; bytes
 * are untrusted and need not be NUL-terminated) into *m, replacing what it
 * held. Every field is validated: sha256 is exactly 64 hex digits; profile a
 * token of at most PW_STORE_META_MAX_PROFILE bytes; order/subscriber strings
 * of at most PW_STORE_META_MAX_TEXT bytes without control characters;
 * validations an array (at most PW_STORE_META_MAX_VALIDATIONS) of objects
 * with name (a DNS name or IP address), method ("3.2.2.4.N" or "3.2.2.5.N")
 * and at (RFC 3339 date-time, e.g. "2021-03-13T10:00:00Z" or with an offset);
 * unknown members are errors (a typo must not be silently ignored).
 * On failure err->field names the member ("validations[2].method") and
 * err->msg says what is wrong; *m is left cleanup-safe. */
enum pw_status pw_store_metadata_parse_line(const uint8_t *line, size_t len,
                                            struct pw_store_metadata *m,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* Frees what *m owns and re-initialises it. NULL-safe. */
void pw_store_metadata_cleanup(struct pw_store_metadata *m);

/* Applies one metadata record to the stored certificate it names: sets
 * profile/order/subscriber when present and adds the validations
 * (idempotent: applying the same record twice changes nothing).
 * PW_ERR_NOTFOUND if no certificate with that SHA-256 is stored. Runs
 * inside the caller's transaction if one is open, else in its own. */
enum pw_status pw_store_apply_metadata(struct pw_store *s, const struct pw_store_metadata *m,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* Ingest pipeline                                                           */
/* ------------------------------------------------------------------------ */

/* What a per-object/per-file report is about. */
enum pw_store_report_kind {
	PW_STORE_REJECTED = 1,   /* input rejected (unreadable, junk, bad DER, ...) */
	PW_STORE_SKIPPED,        /* not a certificate (CRL, CSR, key, TBS): skipped */
	PW_STORE_META_ERROR      /* a metadata line was refused */
};

/* A report handed to the callback. Everything is borrowed for the duration
 * of the call. `path` is the input file ("-" for stdin). `line` is 1-based
 * (0 when not applicable, e.g. raw DER); `offset` is the byte offset within
 * the file when has_offset. `err` holds the detail (status, field, msg);
 * err->has_offset/offset are relative to the object where it failed, while
 * `offset` here is the absolute file offset where the object starts.
 * `sha256` is set (has_sha256) when the object parsed far enough to hash. */
struct pw_store_report {
	enum pw_store_report_kind kind;
	const char *path;
	size_t line;
	int has_offset;
	size_t offset;
	const struct pw_error *err;
	int has_sha256;
	uint8_t sha256[32];
};

/* Counts of what an ingest did. */
struct pw_store_ingest_summary {
	uint64_t files;             /* input files read (incl. metadata files) */
	uint64_t bytes;             /* input bytes read */
	uint64_t objects;           /* objects (PEM blocks / DER objects) found */
	uint64_t ingested;          /* certificates/precertificates newly stored */
	uint64_t already_present;   /* certificates that were already stored */
	uint64_t rejected;          /* objects or files rejected (see reports) */
	uint64_t skipped;           /* non-certificates skipped (CRL, CSR, ...) */
	uint64_t metadata_lines;    /* non-empty metadata lines read */
	uint64_t metadata_applied;  /* metadata lines applied */
	uint64_t metadata_errors;   /* metadata lines refused (see reports) */
	uint64_t findings;          /* lint findings stored (ingest --lint) */
	uint64_t linted;            /* certificates whose findings were (re)stored */
};

/* A per-certificate findings producer (`pkiward ingest --lint`): the store
 * cannot lint (lint/ sits beside it, not below), so the caller passes one.
 * Called on the parsing thread with each parsed certificate; appends zero or
 * more findings to *out, each "<lint name> NUL <result> NUL" (result: "error",
 * "warn", "notice", "fatal"...), and sets *n to their number. Returns 1, or 0
 * with *err set to stop the ingest. The findings replace the certificate's
 * earlier ones in the same transaction that stores it, so re-ingesting with a
 * newer lint set re-lints the base. */
/* What one committed ingest batch did (pw_store_batch_fn). */
struct pw_store_batch_info {
	uint64_t ingested, already_present, linted, findings;
	uint8_t first_sha256[32], last_sha256[32]; /* of the certificates handled (if any) */
	int has_certs;
};

/* Called inside each batch's transaction, just before it commits, so the
 * caller can record the batch as an event in the same transaction (events/
 * sits above store/): returning anything but PW_OK rolls the batch back and
 * stops the ingest with *err. */
typedef enum pw_status (*pw_store_batch_fn)(void *ctx, struct pw_store *s,
                                            const struct pw_store_batch_info *b,
                                            struct pw_error *err);

struct pw_buf;
typedef int (*pw_store_findings_fn)(void *ctx, const struct pw_cert *c, struct pw_buf *out,
                                    size_t *n, struct pw_error *err);

/* Progress: bytes of input processed so far out of the total (total is the
 * sum of file sizes found before starting; 0 if unknown, e.g. stdin), and
 * certificates handled so far (stored + already present). Called at most a
 * few times per batch. */
typedef void (*pw_store_progress_fn)(void *ctx, uint64_t done_bytes, uint64_t total_bytes,
                                     uint64_t done_objects);

/* Called once per rejection, skipped object and metadata error. */
typedef void (*pw_store_report_fn)(void *ctx, const struct pw_store_report *r);

struct pw_store_ingest_opts {
	/* JSON Lines metadata files, applied after every certificate input has
	 * been committed (so a line may name a certificate from this same ingest).
	 * Inputs whose name ends in ".jsonl" are treated as metadata too. */
	const char *const *metadata_paths;
	size_t n_metadata_paths;
	size_t batch_size;          /* certificates per transaction; 0 = default */
	int64_t now;                /* ingested_at to record; 0 = current time */
	int single_thread;          /* 1 = parse on the calling thread (no worker) */
	pw_store_progress_fn progress;  /* may be NULL */
	pw_store_report_fn report;      /* may be NULL */
	void *ctx;                      /* passed to both callbacks */
	pw_store_findings_fn findings;  /* may be NULL: no lint findings stored */
	void *findings_ctx;             /* passed to findings */
	pw_store_batch_fn on_batch;     /* may be NULL */
	void *batch_ctx;                /* passed to on_batch */
};

/* Ingests `inputs`: file paths, directories (recursively, in name order;
 * hidden entries starting with '.' are skipped) and "-" for stdin. Each file
 * is split with pw_objects_read (PEM with any text around blocks, or raw
 * DER) and each certificate/precertificate parsed with pw_cert_parse and
 * stored, PW_STORE_INGEST_BATCH_DEFAULT per transaction. Bad inputs never
 * abort the run: each is reported (callback + summary) and ingest goes on.
 * A run killed at any point leaves a consistent base; running it again
 * completes it (already stored certificates count as already_present).
 * Returns PW_OK when every input was handled, even if some were rejected;
 * an error only when the base itself fails (disk full, locked beyond the
 * busy timeout, ...), after rolling back the open batch. `opts` and `out`
 * may be NULL. */
enum pw_status pw_store_ingest(struct pw_store *s, const char *const *inputs, size_t n_inputs,
                               const struct pw_store_ingest_opts *opts,
                               struct pw_store_ingest_summary *out,
                               struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* Queries                                                                   */
/* ------------------------------------------------------------------------ */

/* One certificate as a query result: everything the CCADB incident report
 * appendix needs, and more. All pointers are borrowed and valid only during
 * the callback. */
struct pw_store_row {
	uint8_t sha256[32];          /* this object's SHA-256 */
	int precert;                 /* 1 if this is a precertificate */
	int is_ca;
	/* The CCADB appendix columns: the precertificate's and the certificate's
	 * SHA-256. One of them is this row (sha256); the other is its twin
	 * (same link_sha256, RFC 6962 §3.2) when that is stored. */
	int has_precert_sha256;
	uint8_t precert_sha256[32];
	int has_cert_sha256;
	uint8_t cert_sha256[32];
	uint8_t link_sha256[32];
	uint8_t spki_sha256[32];
	uint8_t issuer_name_sha256[32]; /* SHA-256 of the issuer Name DER */
	const char *subject;         /* RFC 4514 text (display only) */
	const char *issuer;          /* RFC 4514 text (display only) */
	const uint8_t *serial;       /* INTEGER contents as encoded */
	size_t serial_len;
	const char *serial_hex;      /* lowercase hex of those octets */
	int64_t not_before, not_after;
	const char *profile;         /* NULL if none recorded */
	const char *order;           /* NULL if none recorded */
	const char *subscriber;      /* NULL if none recorded */
	int64_t ingested_at;
	int revoked;
	int64_t revoked_at;          /* when revoked */
	int has_reason;
	unsigned reason;             /* CRLReason (RFC 5280 §5.3.1) when has_reason */
	/* With PW_STORE_WANT_NAMES: the dNSNames of the SAN (as encoded, at most
	 * PW_STORE_MAX_ROW_NAMES; n_dns_names_total counts all). */
	const char *const *dns_names;
	size_t n_dns_names;
	size_t n_dns_names_total;
	/* With PW_STORE_WANT_DER: the certificate bytes. */
	const uint8_t *der;
	size_t der_len;
};

/* Row callback. Return 1 to continue, 0 to stop early (the query then
 * returns PW_OK). */
typedef int (*pw_store_row_fn)(void *ctx, const struct pw_store_row *row);

/* What a row carries beyond the columns (bitmask for the `want` argument). */
#define PW_STORE_WANT_DER 0x1    /* der/der_len */
#define PW_STORE_WANT_NAMES 0x2  /* dns_names (parsed from the DER) */

/* Three-way switches for filters. */
enum pw_store_tri {
	PW_STORE_ANY = 0,
	PW_STORE_YES,
	PW_STORE_NO
};

/* Which objects a find returns. */
enum pw_store_kind_sel {
	PW_STORE_KIND_ANY = 0,
	PW_STORE_KIND_CERT,     /* certificates only */
	PW_STORE_KIND_PRECERT   /* precertificates only */
};

/* A find: every set member is a condition, all ANDed. A zeroed struct
 * (memset 0 or = {0}) matches everything. Strings are NUL-terminated and
 * borrowed for the call; they are bound as parameters, never spliced into
 * SQL, so any bytes are data. Names are compared lowercased. */
struct pw_store_filter {
	int has_sha256;
	uint8_t sha256[32];          /* this certificate */

	/* Issuer: the CA certificate's SHA-256 (its subject Name, and its SKI
	 * against the AKI when both exist) or the issuer DN text (RFC 4514 form
	 * as printed by pw_name_to_text, exact). At most one of the two. */
	int has_issuer_sha256;
	uint8_t issuer_sha256[32];
	const char *issuer_dn;       /* NULL = any */
	int has_serial;              /* serial: INTEGER contents as encoded */
	uint8_t serial[PW_STORE_MAX_SERIAL];
	size_t serial_len;

	int has_spki;
	uint8_t spki_sha256[32];     /* certificates with this key */

	const char *name;            /* exact name (dNSName/IP/email/CN); NULL = any */
	const char *domain;          /* the name and every name under it, incl.
	                                wildcards: "example.com" matches example.com,
	                                www.example.com, *.example.com,
	                                a.b.example.com, not badexample.com */

	int has_issued_after;        /* notBefore >= issued_after */
	int64_t issued_after;
	int has_issued_before;       /* notBefore < issued_before */
	int64_t issued_before;
	int has_valid_at;            /* notBefore <= valid_at <= notAfter
	                                (RFC 5280 §4.1.2.5: both inclusive) */
	int64_t valid_at;

	const char *dcv_method;      /* a validation with this method ("3.2.2.4.19") */
	const char *profile;         /* recorded profile ("dv"); NULL = any */
	enum pw_store_tri revoked;   /* has a revocation row */
	enum pw_store_tri expired;   /* YES: notAfter < now; NO: notAfter >= now */
	int64_t now;                 /* reference time for `expired` */
	const char *lint;            /* has a lint_finding row for this lint name */
	enum pw_store_tri ca;        /* basicConstraints cA */
	enum pw_store_kind_sel kind;

	uint64_t limit;              /* 0 = no limit */
	uint64_t offset;             /* rows to skip (ordered by ingest order) */
};

/* Runs a find. Rows come in ingest order. Returns PW_OK (also when nothing
 * matched: count rows in the callback); PW_ERR_USAGE for an inconsistent
 * filter (both issuer forms, an empty name/domain, a serial over
 * PW_STORE_MAX_SERIAL octets; a serial without an issuer is allowed but
 * is not an index lookup); PW_ERR_NOTFOUND when issuer_sha256 names no
 * stored CA certificate; or a store error. `want` is a PW_STORE_WANT_* mask.
 * Every combination of members is one prepared statement, cached per handle. */
enum pw_status pw_store_find(struct pw_store *s, const struct pw_store_filter *f,
                             unsigned want, pw_store_row_fn fn, void *ctx,
                             struct pw_error *err) PW_WARN_UNUSED;

/* Counts the certificates a find would return (ignores limit/offset). */
enum pw_status pw_store_count(struct pw_store *s, const struct pw_store_filter *f,
                              uint64_t *out, struct pw_error *err) PW_WARN_UNUSED;

/* Convenience lookups (each a pw_store_find with one condition, rows as
 * above). pw_store_get_by_sha256 returns PW_ERR_NOTFOUND when no such
 * certificate is stored and always includes der and names. */
enum pw_status pw_store_get_by_sha256(struct pw_store *s, const uint8_t sha256[32],
                                      pw_store_row_fn fn, void *ctx,
                                      struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_find_by_spki(struct pw_store *s, const uint8_t spki_sha256[32],
                                     pw_store_row_fn fn, void *ctx,
                                     struct pw_error *err) PW_WARN_UNUSED;
/* Issuer given as a CA certificate SHA-256 (issuer_sha256 non-NULL) or as
 * DN text (issuer_dn non-NULL); exactly one of them. */
enum pw_status pw_store_find_by_issuer_serial(struct pw_store *s, const uint8_t *issuer_sha256,
                                              const char *issuer_dn, const uint8_t *serial,
                                              size_t serial_len, pw_store_row_fn fn, void *ctx,
                                              struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_find_by_name(struct pw_store *s, const char *name, pw_store_row_fn fn,
                                     void *ctx, struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_find_by_domain(struct pw_store *s, const char *domain,
                                       pw_store_row_fn fn, void *ctx,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Point lookups: one identity or search key, one fixed prepared statement per
 * key kind (no query building), and only the columns `want` asks for. The
 * rows are exactly those pw_store_find returns for the same single-condition
 * filter, in the same (ingest) order, twins included; pw_store_find itself
 * takes this path when its filter is such a single key. */
enum pw_store_key_kind {
	PW_STORE_KEY_SHA256 = 1,    /* bytes: the certificate's SHA-256 (32 bytes) */
	PW_STORE_KEY_SPKI,          /* bytes: the SHA-256 of its SubjectPublicKeyInfo (32) */
	PW_STORE_KEY_ISSUER_SERIAL, /* bytes: the serial (INTEGER contents as encoded,
	                               1..PW_STORE_MAX_SERIAL octets) of issuer_sha256
	                               or issuer_dn (exactly one) */
	PW_STORE_KEY_NAME           /* bytes: an exact name (dNSName/IP/email/CN, not
	                               NUL-terminated; compared lowercased) */
};

/* A lookup key. Everything is borrowed for the call. */
struct pw_store_key {
	enum pw_store_key_kind kind;
	const uint8_t *bytes;
	size_t len;
	const uint8_t *issuer_sha256; /* ISSUER_SERIAL: the CA certificate's SHA-256 (32 bytes) */
	const char *issuer_dn;        /* ISSUER_SERIAL: the issuer DN text (RFC 4514, exact) */
};

/* Calls fn for each certificate matching key k (none: PW_OK and no call).
 * `want` is a PW_STORE_WANT_* mask: 0 reads neither the DER nor the names.
 * PW_ERR_USAGE for a malformed key (unknown kind, a hash that is not 32
 * bytes, a serial of 0 or over PW_STORE_MAX_SERIAL octets, both or neither
 * issuer forms, a name that cannot be searched); PW_ERR_NOTFOUND when
 * issuer_sha256 names no stored CA certificate; or a store error. */
enum pw_status pw_store_lookup(struct pw_store *s, const struct pw_store_key *k, unsigned want,
                               pw_store_row_fn fn, void *ctx,
                               struct pw_error *err) PW_WARN_UNUSED;

/* The validations recorded for one certificate (for `show`). The record's
 * name is borrowed for the call. Return 1 to continue, 0 to stop. */
typedef int (*pw_store_validation_fn)(void *ctx, const struct pw_store_validation *v);
enum pw_status pw_store_get_validations(struct pw_store *s, const uint8_t sha256[32],
                                        pw_store_validation_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* Size of the base, for "bytes per certificate". */
struct pw_store_stats {
	uint64_t certificates;     /* rows in certificate (certs + precerts) */
	uint64_t precertificates;
	uint64_t names;            /* rows in the name index */
	uint64_t validations;
	uint64_t cas;              /* CA identities */
	uint64_t db_bytes;         /* bytes the base occupies (file + WAL) */
};

enum pw_status pw_store_stats(struct pw_store *s, struct pw_store_stats *out,
                              struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* Helpers shared with the CLI                                               */
/* ------------------------------------------------------------------------ */

/* Normalises a name for the index: lowercases ASCII, drops one trailing dot,
 * and writes the reversed-label form ("www.example.com" → "com.example.www")
 * into out (size outlen). Returns 1, or 0 if the name is empty, longer than
 * PW_STORE_MAX_NAME, or holds a NUL or control character. */
int pw_store_name_key(const char *name, size_t len, char *out, size_t outlen);

/* Parses an RFC 3339 date-time ("2021-03-13T10:00:00Z", fractional seconds
 * and "+hh:mm" offsets accepted) into Unix seconds. Returns 1 on success. */
int pw_store_parse_rfc3339(const char *s, size_t len, int64_t *out);

/* Returns 1 if `method` is a BR DCV method id: "3.2.2.4.N" or "3.2.2.5.N"
 * with N a decimal number 1..99 without leading zeros. */
int pw_store_method_ok(const char *method, size_t len);

/* ------------------------------------------------------------------------ */
/* Evidence: event log rows, revocations, blocked keys, problem reports,     */
/* bulk revocation jobs (schema migration 2)                                 */
/* ------------------------------------------------------------------------ */

/* These are storage primitives. The rules (hash chain, reasons, deadlines,
 * twins, idempotence) live in events/ and revoke/, which call them inside
 * one transaction per state change. Each runs inside the caller's
 * transaction if one is open, else in its own. */

/* 1 when a write transaction (pw_store_begin) is open on this handle. */
int pw_store_in_transaction(struct pw_store *s);

/* Longest kind/subject/actor text of an event, status/kind of a report. */
#define PW_STORE_EVENT_MAX_TEXT 256
/* Longest event or report payload (JSON text). */
#define PW_STORE_EVENT_MAX_PAYLOAD ((size_t)1 << 20)
/* Longest proof stored with a blocked key. */
#define PW_STORE_MAX_PROOF ((size_t)1 << 20)

/* One event row. Texts are borrowed (for the call / the callback). */
struct pw_store_event {
	int64_t id;            /* 1, 2, 3, ... in append order */
	int64_t at;            /* Unix seconds */
	const char *kind;      /* "revocation", "report.received", ... */
	const char *subject;   /* what it is about ("cert:<sha256 hex>"); NULL = none */
	const char *actor;     /* who caused it; NULL = none */
	const char *payload;   /* JSON text; NULL = none */
	int has_prev_hash;     /* 0 only for the first event */
	uint8_t prev_hash[32];
	uint8_t hash[32];
};

/* Event callback: return 1 to continue, 0 to stop. */
typedef int (*pw_store_event_fn)(void *ctx, const struct pw_store_event *e);

/* The recorded head of the log: the last event's id and hash (*out_id 0 and
 * a zero hash when the log is empty). Kept in its own row (event_head), so a
 * log whose newest rows were deleted no longer matches it. */
enum pw_status pw_store_event_head(struct pw_store *s, int64_t *out_id, uint8_t out_hash[32],
                                   struct pw_error *err) PW_WARN_UNUSED;

/* Inserts one event row as given (id must be head + 1) and moves the head.
 * The log is append-only: no function updates or deletes event rows. */
enum pw_status pw_store_event_insert(struct pw_store *s, const struct pw_store_event *e,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn for each event in id order: all of them (subject NULL) or those
 * about `subject`. */
enum pw_status pw_store_event_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                                   void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* One revocation row. */
struct pw_store_revocation {
	uint8_t sha256[32];    /* the certificate or precertificate */
	int64_t revoked_at;    /* revocationDate */
	int has_reason;        /* 0: no reasonCode (BR 7.2.2 "unspecified") */
	unsigned reason;       /* CRLReason (RFC 5280 §5.3.1) */
	int64_t event_id;      /* the event that recorded it (0 = none) */
	int64_t requested_at;  /* when the revocation was asked for / reported */
	int64_t deadline;      /* BR 4.9.1.1 deadline computed from requested_at */
};

/* Reads the revocation of a certificate. PW_ERR_NOTFOUND when it is not
 * revoked (or not stored). */
enum pw_status pw_store_revocation_get(struct pw_store *s, const uint8_t sha256[32],
                                       struct pw_store_revocation *out,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* What revoking one object needs to know, read in one query: whether it is
 * a precertificate, its RFC 6962 twin (same issuer and serial, opposite
 * precert flag, same TBS without poison and SCTs) and the revocation of
 * each. The bulk paths call this once per certificate. */
struct pw_store_cert_state {
	int precert;
	int revoked;                    /* rv is set */
	struct pw_store_revocation rv;
	int has_twin;                   /* twin, twin_revoked and twin_rv are set */
	uint8_t twin[32];
	int twin_revoked;
	struct pw_store_revocation twin_rv;
	/* The backend's row ids of the object and of its twin when it knows them
	 * (0 = not known). Handed back to pw_store_revocation_put_many so that it
	 * need not look the SHA-256 up a second time. */
	int64_t row;
	int64_t twin_row;
};

/* Fills *out for the certificate or precertificate with this SHA-256.
 * PW_ERR_NOTFOUND when none is stored. */
enum pw_status pw_store_cert_state(struct pw_store *s, const uint8_t sha256[32],
                                   struct pw_store_cert_state *out,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* Inserts or replaces the revocation of r->sha256. PW_ERR_NOTFOUND when no
 * such certificate is stored. */
enum pw_status pw_store_revocation_put(struct pw_store *s, const struct pw_store_revocation *r,
                                       struct pw_error *err) PW_WARN_UNUSED;

/* Writes n revocations exactly as n calls of pw_store_revocation_put would,
 * in order, inside the caller's transaction (or its own when none is open;
 * on failure nothing of it stays). rows (may be NULL) gives, for each v[i],
 * the row id pw_store_cert_state reported (0 = not known); a backend may
 * find the certificate by it, and still checks that the SHA-256 matches.
 * The bulk paths write a batch of revocations with a few statements.
 * PW_ERR_NOTFOUND when one of the certificates is not stored. */
enum pw_status pw_store_revocation_put_many(struct pw_store *s,
                                            const struct pw_store_revocation *v,
                                            const int64_t *rows, size_t n,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* A key blocked for all future issuance (BR 6.1.1.3(4)). */
struct pw_store_blocked_key {
	uint8_t spki_sha256[32];
	int has_badkeys_sha256;
	uint8_t badkeys_sha256[32];  /* keys.h: modulus / x-coordinate hash */
	const char *why;             /* human text */
	const char *proof_type;      /* "private-key", "csr", ...; NULL = none */
	const uint8_t *proof;        /* the proof bytes as received; NULL = none */
	size_t proof_len;
	int64_t report_id;           /* the problem report that proved it; 0 = none */
	int64_t at;
};

typedef int (*pw_store_blocked_key_fn)(void *ctx, const struct pw_store_blocked_key *k);

/* Records a blocked key; an already blocked spki_sha256 changes nothing
 * (*out_inserted 0). out_inserted may be NULL. */
enum pw_status pw_store_blocked_key_put(struct pw_store *s, const struct pw_store_blocked_key *k,
                                        int *out_inserted, struct pw_error *err) PW_WARN_UNUSED;

/* Calls fn for every blocked key (spki_sha256 NULL) or for that one. */
enum pw_status pw_store_blocked_key_list(struct pw_store *s, const uint8_t *spki_sha256,
                                         pw_store_blocked_key_fn fn, void *ctx,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* A problem report (BR 4.9.5: investigated and answered within 24 hours). */
struct pw_store_problem_report {
	int64_t id;
	int64_t received_at;
	const char *reporter;  /* NULL = anonymous */
	const char *kind;      /* "key-compromise", ... */
	const char *status;    /* "open", "resolved", ... */
	int64_t deadline;
	const char *subject;   /* what it is about; NULL = unknown */
	const char *payload;   /* JSON text */
};

typedef int (*pw_store_problem_report_fn)(void *ctx, const struct pw_store_problem_report *r);

/* Adds a report (r->id ignored); *out_id gets its id. */
enum pw_status pw_store_problem_report_add(struct pw_store *s,
                                           const struct pw_store_problem_report *r,
                                           int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;
/* Sets a report's status. PW_ERR_NOTFOUND for an unknown id. */
enum pw_status pw_store_problem_report_set_status(struct pw_store *s, int64_t id,
                                                  const char *status,
                                                  struct pw_error *err) PW_WARN_UNUSED;
/* Calls fn with report `id`. PW_ERR_NOTFOUND for an unknown id. */
enum pw_status pw_store_problem_report_get(struct pw_store *s, int64_t id,
                                           pw_store_problem_report_fn fn, void *ctx,
                                           struct pw_error *err) PW_WARN_UNUSED;

/* A bulk revocation plan: its items are fixed when it is created, and each
 * item is marked done in the transaction that revokes it, so a run killed
 * at any point resumes where it stopped. */
struct pw_store_revoke_job {
	int64_t id;
	uint8_t key[32];       /* identifies the plan (revoke/ derives it) */
	int64_t created_at;
	const char *source;    /* what the list came from (display) */
	int has_reason;
	unsigned reason;
	uint64_t total;        /* items */
	uint64_t done;         /* items done */
	int64_t finished_at;   /* 0 = not finished */
};

struct pw_store_job_item {
	int64_t seq;           /* 1..total, input order */
	uint8_t sha256[32];
};

/* Finds the job with this key. PW_ERR_NOTFOUND when there is none. The
 * returned source is NULL (not kept). */
enum pw_status pw_store_revoke_job_find(struct pw_store *s, const uint8_t key[32],
                                        struct pw_store_revoke_job *out,
                                        struct pw_error *err) PW_WARN_UNUSED;
/* Creates the job and its n items (sha256s: n × 32 bytes). */
enum pw_status pw_store_revoke_job_create(struct pw_store *s, const struct pw_store_revoke_job *j,
                                          const uint8_t *sha256s, size_t n, int64_t *out_id,
                                          struct pw_error *err) PW_WARN_UNUSED;
/* Up to `max` items not done yet with seq > after_seq, in seq order. */
enum pw_status pw_store_revoke_job_pending(struct pw_store *s, int64_t job_id, int64_t after_seq,
                                           size_t max, struct pw_store_job_item *out,
                                           size_t *out_n, struct pw_error *err) PW_WARN_UNUSED;
/* Marks one item done with its outcome ("revoked", "upgraded", ...). */
enum pw_status pw_store_revoke_job_mark(struct pw_store *s, int64_t job_id, int64_t seq,
                                        const char *outcome, int64_t at,
                                        struct pw_error *err) PW_WARN_UNUSED;
/* The longest seq range pw_store_revoke_job_mark_range takes. */
#define PW_STORE_JOB_MARK_RANGE_MAX 100000
/* Marks every item of the job with first_seq <= seq <= last_seq that is not
 * done yet with this outcome, and counts them into the job's done total:
 * the same as pw_store_revoke_job_mark on each seq of the range, in a few
 * statements. At most PW_STORE_JOB_MARK_RANGE_MAX seqs. */
enum pw_status pw_store_revoke_job_mark_range(struct pw_store *s, int64_t job_id,
                                              int64_t first_seq, int64_t last_seq,
                                              const char *outcome, int64_t at,
                                              struct pw_error *err) PW_WARN_UNUSED;
/* Marks the job finished. */
enum pw_status pw_store_revoke_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                          struct pw_error *err) PW_WARN_UNUSED;

#endif
