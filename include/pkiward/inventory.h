/* pkiward — CA certificate inventory, CCADB import, audit statements and
 * audit coverage (issue 8; docs/audit.md).
 *
 * Why: two intermediates were issued, judged unused, left out of the audit
 * and not revoked for eight months. CCADB Policy 5.1 requires every CA
 * certificate in the issuer's audit statements from the period it was
 * issued in until one statement after its revocation or expiry — unused is
 * no exemption — and 5.2 requires each statement within 92 days of its
 * period's end, listing the SHA-256 of every CA certificate in scope. This
 * module reconciles what the store knows (every CA certificate ingested or
 * imported from CCADB) with the audit statements recorded, and says what is
 * missing, citing the rule.
 *
 * Pieces:
 *   - an RFC 4180 CSV reader (CCADB's report format) with line/column errors;
 *   - CCADB imports (AllCertificatePEMsCSVFormat, AllCertificateRecordsCSVFormatV5),
 *     all-or-nothing in one transaction;
 *   - the inventory: CA certificates grouped by CA identity (subject + SPKI),
 *     cross-certificates and doppelgängers tied together, what each identity
 *     issued, status at a time, capabilities from EKUs along the chain;
 *   - audit statements: the JSON contract of `pkiward audit add`, and an
 *     extractor reading an audit letter's text the way CCADB's ALV does;
 *   - the coverage check (`pkiward audit check`).
 *
 * Times are Unix seconds (UTC); audit dates are days (00:00:00 UTC). */
#ifndef PKIWARD_INVENTORY_H
#define PKIWARD_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */
/* ------------------------------------------------------------------------ */

#define PW_INVENTORY_CSV_MAX_FIELD ((size_t)1 << 20) /* bytes in one CSV field */
#define PW_INVENTORY_CSV_MAX_COLUMNS 512             /* fields in one record */
#define PW_INVENTORY_CSV_MAX_RECORDS 10000000u       /* records in one file */
#define PW_INVENTORY_MAX_FILE ((size_t)1 << 30)      /* one CSV / JSON / letter file */
#define PW_INVENTORY_AUDIT_MAX_JSON ((size_t)16 << 20) /* one audit statement file */
#define PW_INVENTORY_AUDIT_MAX_FPS 100000            /* fingerprints in one statement */
#define PW_INVENTORY_AUDIT_MAX_TEXT 1024             /* auditor, url, ... */
#define PW_INVENTORY_MAX_CA_CERTS 10000000u          /* CA certificates an inventory holds */
/* CCADB Policy 5.2: statements are due 92 calendar days after the period. */
#define PW_INVENTORY_STATEMENT_DAYS 92
/* MRSP 3.1.3: period-of-time audits at least annually; a period may be a
 * year long, and a gap of one day or less between periods is no gap (a
 * period ends on day D and the next starts on D + 1). */
#define PW_INVENTORY_MAX_PERIOD_DAYS 366
#define PW_INVENTORY_DAY 86400

/* ------------------------------------------------------------------------ */
/* RFC 4180 CSV reader                                                       */
/* ------------------------------------------------------------------------ */

/* One field of the current record: bytes borrowed from the input (unquoted
 * fields) or from the reader's scratch (quoted fields, with "" unescaped);
 * valid until the next pw_inventory_csv_next. Never NUL-terminated. */
struct pw_inventory_csv_field {
	const uint8_t *p;
	size_t len;
};

/* A reader over a buffer the caller keeps alive. Records end with CRLF or
 * LF (a final record without one is accepted); quoted fields may hold
 * commas, quotes ("") and line breaks. A UTF-8 BOM at the very start is
 * skipped. Strict: a quote inside an unquoted field, text after a closing
 * quote, and an unterminated quoted field are errors. */
struct pw_inventory_csv {
	const uint8_t *buf;
	size_t len;
	size_t pos;                 /* next byte to read */
	size_t line;                /* 1-based line of `pos` */
	size_t record_line;         /* line where the current record starts */
	size_t record_offset;       /* byte offset where it starts */
	size_t n_records;           /* records returned so far (header included) */
	struct pw_inventory_csv_field *fields; /* current record (owned array) */
	size_t n_fields, cap_fields;
	uint8_t *scratch;           /* unescaped quoted fields (owned) */
	size_t scratch_len, scratch_cap;
};

/* Starts reading buf (len bytes; untrusted, need not be NUL-terminated). */
void pw_inventory_csv_init(struct pw_inventory_csv *c, const uint8_t *buf, size_t len);

/* Reads the next record into c->fields. *out_has_record is 1 when one was
 * read, 0 at the end of the input (PW_OK either way). An empty line is a
 * record with one empty field. On failure err names "line L, column C",
 * the byte offset and what is wrong. */
enum pw_status pw_inventory_csv_next(struct pw_inventory_csv *c, int *out_has_record,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Frees what the reader owns. NULL-safe. */
void pw_inventory_csv_cleanup(struct pw_inventory_csv *c);

/* ------------------------------------------------------------------------ */
/* CCADB imports                                                             */
/* ------------------------------------------------------------------------ */

/* Which CCADB report a CSV file is (from its header row). */
enum pw_inventory_ccadb_kind {
	PW_INVENTORY_CCADB_UNKNOWN = 0,
	PW_INVENTORY_CCADB_PEMS,    /* AllCertificatePEMsCSVFormat:
	                               "SHA-256 Fingerprint","X.509 Certificate (PEM)" */
	PW_INVENTORY_CCADB_RECORDS  /* AllCertificateRecordsCSVFormatV5 */
};

/* What an import did. */
struct pw_inventory_import_summary {
	enum pw_inventory_ccadb_kind kind;
	uint64_t rows;             /* data rows (header excluded) */
	uint64_t certificates;     /* PEMS: certificates newly stored */
	uint64_t already_present;  /* PEMS: certificates that were stored already */
	uint64_t not_ca;           /* PEMS: rows whose certificate is not a CA (basicConstraints) */
	uint64_t records;          /* RECORDS: records stored */
	uint64_t statements;       /* RECORDS: audit statements newly stored */
	uint64_t scope_entries;    /* RECORDS: (statement, certificate) pairs read */
};

/* Imports one CCADB CSV report (kind from its header) into the store, all
 * or nothing: one transaction, rolled back on the first bad row, with an
 * "inventory.ccadb_import" event in it. PEMS rows: the PEM must hold exactly
 * one certificate whose SHA-256 equals the row's fingerprint column; it is
 * stored as if ingested. RECORDS rows: the record (fingerprints, validity
 * `YYYY.MM.DD`, revocation status, derived trust bits) is kept, and each
 * audit column group (Standard, NetSec, TLS BR, TLS EVG, Code Signing,
 * S/MIME BR) with a period becomes an audit statement listing the row's
 * fingerprint (statements with the same URL, type and dates merge).
 * `source` names the input in events and statements. Errors name the line
 * and column ("line 12, column 'Valid From (GMT)'"). `now` = 0: current
 * time. `out` may be NULL. */
enum pw_status pw_inventory_import_ccadb(struct pw_store *s, const uint8_t *buf, size_t len,
                                         const char *source, const char *actor, int64_t now,
                                         struct pw_inventory_import_summary *out,
                                         struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* The inventory                                                             */
/* ------------------------------------------------------------------------ */

/* Capabilities (CCADB Policy 5 table, "Derived Trust Bits"): a CA
 * certificate is capable of a purpose when every certificate on its chain
 * either has no EKU, anyExtendedKeyUsage, or that purpose's EKU. */
#define PW_INVENTORY_CAP_SERVER 0x01    /* id-kp-serverAuth */
#define PW_INVENTORY_CAP_CLIENT 0x02    /* id-kp-clientAuth */
#define PW_INVENTORY_CAP_EMAIL 0x04     /* id-kp-emailProtection (S/MIME) */
#define PW_INVENTORY_CAP_CODE 0x08      /* id-kp-codeSigning */
#define PW_INVENTORY_CAP_TIMESTAMP 0x10 /* id-kp-timeStamping */
#define PW_INVENTORY_CAP_ALL 0x1f

/* Status of a CA certificate at a time. */
enum pw_inventory_status {
	PW_INVENTORY_VALID = 0,
	PW_INVENTORY_NOT_YET_VALID,
	PW_INVENTORY_EXPIRED,
	PW_INVENTORY_REVOKED
};

/* How a certificate relates to its CA identity. */
enum pw_inventory_role {
	PW_INVENTORY_ROOT = 0,      /* self-signed (issuer identity = its own) */
	PW_INVENTORY_SUBORDINATE,   /* issued by another identity */
	PW_INVENTORY_CROSS,         /* issued by another identity while the same identity
	                               also has a certificate from a different issuer
	                               (a cross-certificate, CCADB Policy 5.1) */
	PW_INVENTORY_RECORD_ONLY    /* known from a CCADB record only (no certificate bytes) */
};

#define PW_INVENTORY_NONE ((size_t)-1)

/* One CA certificate. Strings are owned by the inventory. */
struct pw_inventory_cert {
	uint8_t sha256[32];
	size_t identity;           /* index into identities; NONE for record-only */
	size_t issuer_identity;    /* index; NONE when the issuer is not stored */
	enum pw_inventory_role role;
	int doppelganger;          /* another certificate of the same identity has the same
	                              issuer identity (same subject and key, other serial) */
	char *subject, *issuer, *serial_hex;
	uint8_t subject_name_sha256[32]; /* zero for record-only certificates */
	uint8_t spki_sha256[32];         /* zero for record-only certificates */
	int64_t not_before, not_after;
	int revoked;               /* recorded revocation, or CCADB says revoked */
	int64_t revoked_at;        /* 0 when only CCADB's status says revoked */
	unsigned own_caps;         /* from its own EKU (no EKU / anyEKU = ALL) */
	unsigned caps;             /* along the chain (own ∩ union over its issuer's certs) */
	int ev_capable;            /* certificatePolicies hold CA/B EV (2.23.140.1.1) or anyPolicy */
	int technically_constrained; /* CCADB record says so, or EKU without serverAuth/anyEKU
	                              and a permitted dNSName nameConstraint (MRSP 5.3.1) */
	int has_record;            /* a CCADB record exists for it */
	char *trust_bits;          /* the record's Derived Trust Bits (NULL if none) */
};

/* One CA identity (subject Name + SPKI): every certificate for the same key
 * and name — the root, its cross-certificates, re-issued doppelgängers. */
struct pw_inventory_identity {
	int64_t ca_id;             /* the store's identity id */
	uint8_t subject_name_sha256[32];
	uint8_t spki_sha256[32];
	char *subject;
	size_t *certs;             /* indexes into certs (owned) */
	size_t n_certs;
	uint64_t leaves;           /* end-entity certificates issued under it */
	uint64_t precerts;
	uint64_t ca_certs;         /* CA certificates issued (self-signed excluded) */
};

struct pw_inventory {
	struct pw_inventory_cert *certs;
	size_t n_certs;
	struct pw_inventory_identity *identities;
	size_t n_identities;
};

/* Builds the inventory of every CA certificate in the store plus the CCADB
 * records without certificate bytes. *out is owned by the caller
 * (pw_inventory_free). */
enum pw_status pw_inventory_load(struct pw_store *s, struct pw_inventory **out,
                                 struct pw_error *err) PW_WARN_UNUSED;

/* Frees an inventory. NULL-safe. */
void pw_inventory_free(struct pw_inventory *inv);

/* Status of c at time `at` (revocation wins over expiry). */
enum pw_inventory_status pw_inventory_cert_status(const struct pw_inventory_cert *c, int64_t at);

/* Static names: "valid", "not-yet-valid", "expired", "revoked"; "root",
 * "subordinate", "cross", "record-only". */
const char *pw_inventory_status_name(enum pw_inventory_status st);
const char *pw_inventory_role_name(enum pw_inventory_role r);

/* "server,client,email,code,timestamp" (or "none") into buf. Returns buf. */
char *pw_inventory_caps_text(unsigned caps, char *buf, size_t buflen);

/* ------------------------------------------------------------------------ */
/* Audit statements                                                          */
/* ------------------------------------------------------------------------ */

/* A parsed audit statement (owned strings). Canonical types: "CA"
 * (Standard / WebTrust for CAs / ETSI EN 319 411), "BR" (TLS Baseline),
 * "EV" (TLS EVG), "NetSec", "SMIME", "CS" (Code Signing). */
struct pw_inventory_audit {
	char *auditor;
	char *scheme;              /* "WebTrust" or "ETSI" */
	char *type;
	char *url;                 /* NULL when not given */
	int64_t period_start, period_end, statement_date;
	uint8_t *fingerprints;     /* n_fingerprints × 32 bytes, duplicates removed */
	size_t n_fingerprints;
};

/* Prepares an empty statement (no allocation). */
void pw_inventory_audit_init(struct pw_inventory_audit *a);
/* Frees what *a owns and re-initialises it. NULL-safe. */
void pw_inventory_audit_cleanup(struct pw_inventory_audit *a);

/* Parses the `pkiward audit add` file (docs/audit.md):
 *   {"auditor": "...", "scheme": "WebTrust" | "ETSI", "type": "BR", ...,
 *    "period_start": "YYYY-MM-DD", "period_end": "YYYY-MM-DD",
 *    "statement_date": "YYYY-MM-DD", "fingerprints": ["<64 hex>", ...],
 *    "url": "..." (optional)}
 * Unknown members are errors. Dates are exactly YYYY-MM-DD (real calendar
 * days); period_start <= period_end <= statement_date. Fingerprints are 64
 * hex digits (either case; no colons or spaces). On failure err->field
 * names the member ("fingerprints[3]", "period_end") and err->msg what is
 * wrong. */
enum pw_status pw_inventory_audit_parse_json(const uint8_t *buf, size_t len,
                                             struct pw_inventory_audit *out,
                                             struct pw_error *err) PW_WARN_UNUSED;

/* The statement as the JSON `audit add` reads (malloc'd text, caller frees;
 * NULL when memory runs out). Pretty-printed when pretty. */
char *pw_inventory_audit_to_json(const struct pw_inventory_audit *a, int pretty);

/* Canonical type for a name ("TLS BR", "Standard", "S/MIME BR", ...); NULL
 * when unknown. Static string. */
const char *pw_inventory_audit_type_canonical(const char *name);

/* Stores a statement and its scope with an "audit.statement_added" event in
 * one transaction. Adding the same statement again (same content) changes
 * nothing (*out_inserted 0, no event). `source` names where it came from. */
enum pw_status pw_inventory_audit_add(struct pw_store *s, const struct pw_inventory_audit *a,
                                      const char *source, const char *actor, int64_t now,
                                      int64_t *out_id, int *out_inserted,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* Extractor notes: what ALV would stumble on, one line each. */
struct pw_inventory_extract_notes {
	char *text;                /* owned, '\n'-separated lines; NULL when none */
	size_t n;                  /* lines */
	int found_period, found_statement_date, found_scheme, found_type, found_auditor;
};

void pw_inventory_extract_notes_cleanup(struct pw_inventory_extract_notes *n);

/* Reads an audit letter's text (e.g. pdftotext output) the way ALV does
 * (CCADB Policy 5.2.3, ccadb-audit-letter-validation.md):
 *   - fingerprints: 64 hexadecimal characters in uppercase with no colons,
 *     spaces or line feeds; lowercase or separated forms are not taken but
 *     noted ("Thumbprint not found" in ALV);
 *   - dates: "Month DD, YYYY", "DD Month YYYY", "YYYY-MM-DD", English month
 *     names, no ordinals;
 *   - the audit period: the first "<date> <splitter> <date>" with splitter
 *     to / through / until / and / - / ~;
 *   - the statement date: a date after a label ("report date", "issuing
 *     date", "date of issue", "statement date", "dated"), else the latest
 *     date after the period end not part of a period;
 *   - scheme (WebTrust / ETSI) and type from the criteria named;
 *   - auditor from an "Auditor:" / "Conformity Assessment Body:" label.
 * Whatever is not found stays empty (NULL / 0) and is noted. Returns PW_OK
 * when the text was read (check notes->found_*), PW_ERR_LIMIT for text over
 * PW_INVENTORY_MAX_FILE. */
enum pw_status pw_inventory_audit_extract(const uint8_t *text, size_t len,
                                          struct pw_inventory_audit *out,
                                          struct pw_inventory_extract_notes *notes,
                                          struct pw_error *err) PW_WARN_UNUSED;

/* ------------------------------------------------------------------------ */
/* Coverage check                                                            */
/* ------------------------------------------------------------------------ */

enum pw_inventory_severity {
	PW_INVENTORY_ERROR = 0,    /* a rule is broken (makes `audit check` exit 1) */
	PW_INVENTORY_WARNING,      /* a risk the CA must act on (unused, unrevoked) */
	PW_INVENTORY_INFO          /* what is due next */
};

/* Kinds of finding. */
enum pw_inventory_finding_kind {
	PW_INVENTORY_NOT_IN_STATEMENT = 0, /* a statement of a required type whose period
	                                      overlaps the certificate's life omits it */
	PW_INVENTORY_UNCOVERED,      /* part of the certificate's life is in no statement
	                                of a required type (listing it) */
	PW_INVENTORY_OVERDUE,        /* the next statement for it is past due */
	PW_INVENTORY_NO_FINAL_AUDIT, /* revoked/expired, but no statement after that lists it */
	PW_INVENTORY_STATEMENT_LATE, /* statement dated > 92 days after its period */
	PW_INVENTORY_PERIOD_GAP,     /* consecutive periods of one type are not contiguous */
	PW_INVENTORY_UNUSED,         /* CA certificate never used, not revoked */
	PW_INVENTORY_DUE_NEXT        /* the next statement it must appear in */
};

struct pw_inventory_finding {
	enum pw_inventory_finding_kind kind;
	enum pw_inventory_severity severity;
	const char *rule;          /* static: "CCADB Policy 5.1", "MRSP 3.1.3", ... */
	int has_cert;
	uint8_t sha256[32];        /* the CA certificate */
	const char *audit_type;    /* static canonical type, NULL when not about one */
	int64_t statement_id;      /* 0 when not about one statement */
	int64_t from, until;       /* the interval concerned (days), or due date in until */
	char text[512];            /* human explanation */
	char plan[512];            /* what to do ("" when nothing) */
};

struct pw_inventory_check {
	int64_t at;
	struct pw_inventory_finding *findings; /* owned */
	size_t n_findings;
	size_t n_errors, n_warnings;
	size_t certs_checked;      /* CA certificates needing at least one audit type */
	size_t certs_uncovered;    /* of those, with at least one error */
	size_t statements;
};

/* Runs the coverage check at time `at` (0 = now) over the inventory and the
 * stored statements, per CCADB Policy 5 (required audit types per purpose),
 * 5.1 (scope from issuance until one statement after revocation/expiry),
 * 5.2 (92 days; consecutive periods) and MRSP 3.1 / 3.1.2 / 3.1.3 (annual,
 * contiguous; ETSI audits covering Standard+NetSec+BR). *out owned by the
 * caller (pw_inventory_check_free). */
enum pw_status pw_inventory_check_run(struct pw_store *s, int64_t at,
                                      struct pw_inventory_check **out,
                                      struct pw_error *err) PW_WARN_UNUSED;

/* The same over an inventory already loaded and the statements given
 * (ids, fields and scopes as stored); for callers that hold both. */
struct pw_inventory_statement {
	int64_t id;
	const char *scheme;        /* borrowed */
	const char *type;          /* canonical type, borrowed */
	int64_t period_start, period_end, statement_date;
	const uint8_t *scope;      /* n_scope × 32 bytes, sorted ascending (memcmp) */
	size_t n_scope;
};
enum pw_status pw_inventory_check_compute(const struct pw_inventory *inv,
                                          const struct pw_inventory_statement *stmts,
                                          size_t n_stmts, int64_t at,
                                          struct pw_inventory_check **out,
                                          struct pw_error *err) PW_WARN_UNUSED;

void pw_inventory_check_free(struct pw_inventory_check *c);

/* Static names: "not_in_statement", "uncovered", ...; "error", "warning", "info". */
const char *pw_inventory_finding_kind_name(enum pw_inventory_finding_kind k);
const char *pw_inventory_severity_name(enum pw_inventory_severity s);

/* Formats a day (Unix seconds) as YYYY-MM-DD into buf (>= 11 bytes). */
char *pw_inventory_day_text(int64_t t, char *buf, size_t buflen);

/* Parses exactly "YYYY-MM-DD" (a real calendar day) into Unix seconds at
 * 00:00:00 UTC. Returns 1, or 0. */
int pw_inventory_parse_day(const char *s, size_t len, int64_t *out);

#endif
