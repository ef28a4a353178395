/* pkiward — storage of the inventory area (schema migration 7): audit
 * statements and their scopes, CCADB certificate records, and the read-outs
 * inventory/ builds the CA inventory from (every CA certificate, its CA
 * identity, its issuer identity, what each identity issued).
 *
 * These are storage primitives; the rules (CCADB Policy 5.1/5.2, MRSP 3.1)
 * live in inventory/ (include/pkiward/inventory.h). Every write runs inside
 * the caller's transaction if one is open, else in its own. Times are Unix
 * seconds; hashes raw 32-byte SHA-256. */
#ifndef PKIWARD_STORE_INVENTORY_H
#define PKIWARD_STORE_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest auditor / URL / source / CCADB text column kept. */
#define PW_STORE_AUDIT_MAX_TEXT 1024
/* Most fingerprints one statement may list (the largest real statements list
 * a few hundred CA certificates). */
#define PW_STORE_AUDIT_MAX_SCOPE 100000

/* One audit statement (CCADB Policy 5.2). Texts are borrowed for the call
 * (on input) or for the callback (on output). */
struct pw_store_audit_statement {
	int64_t id;              /* assigned by the store */
	const char *auditor;     /* "Example Audit LLP" */
	const char *scheme;      /* "WebTrust" or "ETSI" */
	const char *type;        /* canonical type: "CA", "BR", "EV", "NetSec", "SMIME", "CS" */
	int64_t period_start;    /* first day of the audited period (00:00:00 UTC) */
	int64_t period_end;      /* last day of the audited period (00:00:00 UTC) */
	int64_t statement_date;  /* the report's issuing date (00:00:00 UTC) */
	const char *url;         /* where it is published; NULL = not given */
	const char *source;      /* what it was read from ("file.json", "ccadb:<file>") */
	uint8_t digest[32];      /* identity of the statement's content (inventory/ derives
	                            it): adding the same statement twice changes nothing */
	int64_t added_at;
	uint64_t n_scope;        /* on output: fingerprints listed */
};

/* Adds a statement and its n fingerprints (n × 32 bytes). A statement whose
 * digest is already stored changes nothing: *out_inserted = 0 and *out_id is
 * the stored one. out_inserted may be NULL. PW_ERR_LIMIT beyond
 * PW_STORE_AUDIT_MAX_SCOPE fingerprints or over-long texts. */
enum pw_status pw_store_audit_put(struct pw_store *s, const struct pw_store_audit_statement *a,
                                  const uint8_t *fingerprints, size_t n, int64_t *out_id,
                                  int *out_inserted, struct pw_error *err) PW_WARN_UNUSED;

/* Statement callback: return 1 to continue, 0 to stop. */
typedef int (*pw_store_audit_fn)(void *ctx, const struct pw_store_audit_statement *a);

/* Calls fn for every statement, ordered by type, period_start, id. */
enum pw_status pw_store_audit_list(struct pw_store *s, pw_store_audit_fn fn, void *ctx,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* Scope callback: one (statement id, fingerprint) pair. Return 1/0. */
typedef int (*pw_store_audit_scope_fn)(void *ctx, int64_t statement_id,
                                       const uint8_t sha256[32]);

/* Calls fn for every fingerprint of every statement, ordered by statement. */
enum pw_status pw_store_audit_scope_list(struct pw_store *s, pw_store_audit_scope_fn fn,
                                         void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* One row of CCADB's AllCertificateRecordsCSVFormatV5 report, as kept. */
struct pw_store_ccadb_record {
	uint8_t sha256[32];
	int has_parent;
	uint8_t parent_sha256[32];
	const char *name;              /* "Certificate Name" */
	const char *owner;             /* "CA Owner" */
	const char *record_type;       /* "Root Certificate" / "Intermediate Certificate" */
	const char *revocation_status; /* "Not Revoked", "Revoked", "Parent Cert Revoked", ... */
	const char *trust_bits;        /* "Derived Trust Bits", ';'-separated */
	int64_t valid_from, valid_to;  /* 0 when the column was empty */
	int technically_constrained;
	int64_t imported_at;
};

/* Inserts or replaces the record for r->sha256 (the newest report wins). */
enum pw_status pw_store_ccadb_record_put(struct pw_store *s, const struct pw_store_ccadb_record *r,
                                         struct pw_error *err) PW_WARN_UNUSED;

typedef int (*pw_store_ccadb_record_fn)(void *ctx, const struct pw_store_ccadb_record *r);

/* Calls fn for every stored CCADB record, in fingerprint order. */
enum pw_status pw_store_ccadb_record_list(struct pw_store *s, pw_store_ccadb_record_fn fn,
                                          void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* One CA certificate of the certificate table with its identities. */
struct pw_store_ca_cert {
	uint8_t sha256[32];
	int64_t ca_id;               /* its CA identity (subject + SPKI), the ca table */
	int64_t issuer_ca_id;        /* the identity that issued it; 0 = not stored */
	uint8_t subject_name_sha256[32];
	uint8_t spki_sha256[32];
	uint8_t issuer_name_sha256[32];
	const char *subject;         /* RFC 4514 text (display) */
	const char *issuer;
	const char *serial_hex;
	int64_t not_before, not_after;
	int revoked;
	int64_t revoked_at;
	const uint8_t *der;          /* the certificate (for EKUs, policies, constraints) */
	size_t der_len;
};

typedef int (*pw_store_ca_cert_fn)(void *ctx, const struct pw_store_ca_cert *c);

/* Calls fn for every stored CA certificate (not precertificates), in ingest
 * order. Everything in *c is borrowed for the call. */
enum pw_status pw_store_ca_cert_list(struct pw_store *s, pw_store_ca_cert_fn fn, void *ctx,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* What one CA identity issued: end-entity certificates (leaves),
 * precertificates, and CA certificates other than its own self-signed ones.
 * Return 1 to continue, 0 to stop. */
typedef int (*pw_store_issued_fn)(void *ctx, int64_t issuer_ca_id, uint64_t leaves,
                                  uint64_t precerts, uint64_t ca_certs);

/* Calls fn once per CA identity that issued anything stored. */
enum pw_status pw_store_issued_counts(struct pw_store *s, pw_store_issued_fn fn, void *ctx,
                                      struct pw_error *err) PW_WARN_UNUSED;

#endif
