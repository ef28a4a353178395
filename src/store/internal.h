/* store/ internals: the backend interface (ops table) and the backend-neutral
 * records the common layer hands to a backend. A backend (sqlite.c, later
 * postgres.c) implements struct pw_store_ops; store.c, ingest.c and query
 * building never know which one runs. */
#ifndef PW_STORE_INTERNAL_H
#define PW_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/status.h"
#include "pkiward/store.h"

/* Kinds of indexed names (name.kind). */
enum pw_store_name_kind {
	PW_STORE_NAME_DNS = 1,
	PW_STORE_NAME_IP = 2,
	PW_STORE_NAME_EMAIL = 3,
	PW_STORE_NAME_CN = 4
};

/* Names indexed per certificate beyond which the rest are not indexed (a
 * certificate with more SANs is still stored; BR-conforming certificates
 * carry far fewer). */
#define PW_STORE_MAX_INDEXED_NAMES 4096

/* One certificate as the backend stores it: every value already derived
 * (hashes, texts, name keys), pointers borrowed for the call.
 * `names` is a packed list of n_names entries, each one kind byte followed
 * by a NUL-terminated reversed-label key (pw_store_name_key); keys are
 * distinct within one certificate. */
struct pw_store_rec {
	uint8_t sha256[32];
	uint8_t link_sha256[32];
	uint8_t issuer_name_sha256[32];
	uint8_t subject_name_sha256[32]; /* set only when is_ca */
	uint8_t spki_sha256[32];
	const uint8_t *serial;
	size_t serial_len;
	const char *issuer;
	const char *subject;
	int64_t not_before, not_after;
	int precert, is_ca;
	const uint8_t *aki; /* AKI keyIdentifier, NULL if absent */
	size_t aki_len;
	const uint8_t *ski; /* SKI, NULL if absent */
	size_t ski_len;
	const uint8_t *der;
	size_t der_len;
	const char *names;
	size_t names_len; /* bytes of the packed list */
	size_t n_names;
	int64_t ingested_at;
	/* Lint findings to store with it (replacing earlier ones) when
	 * has_findings: packed "lint NUL result NUL" pairs. */
	int has_findings;
	const char *findings;
	size_t n_findings;
};

/* Query building: a find becomes a fixed SELECT plus a subset of fixed WHERE
 * fragments (identified by a bitmask, the statement cache key) and values
 * bound to "?" placeholders in order. No value is ever spliced into text. */
enum pw_store_bind_type { PW_BIND_INT, PW_BIND_BLOB, PW_BIND_TEXT };

struct pw_store_bind {
	enum pw_store_bind_type type;
	int64_t i;
	const void *p; /* blob or text (borrowed) */
	size_t len;
};

#define PW_STORE_MAX_BINDS 32

struct pw_store_query {
	uint64_t key;       /* identifies the SQL text (fragments + variant) */
	const char *sql;    /* the SQL text (owned by the caller) */
	struct pw_store_bind binds[PW_STORE_MAX_BINDS];
	size_t n_binds;
	int count_only;     /* the SELECT returns one COUNT(*) column */
	unsigned want;      /* PW_STORE_WANT_* (WANT_DER selects the der column) */
};

/* Column order of the row SELECT (store.c builds it, backends read it). */
enum pw_store_col {
	PW_COL_ID = 0,
	PW_COL_SHA256,
	PW_COL_PRECERT,
	PW_COL_IS_CA,
	PW_COL_LINK,
	PW_COL_SPKI,
	PW_COL_ISSUER_NAME_SHA256,
	PW_COL_SUBJECT,
	PW_COL_ISSUER,
	PW_COL_SERIAL,
	PW_COL_NOT_BEFORE,
	PW_COL_NOT_AFTER,
	PW_COL_PROFILE,
	PW_COL_ORDER,
	PW_COL_SUBSCRIBER,
	PW_COL_INGESTED_AT,
	PW_COL_REVOKED_AT,
	PW_COL_REASON,
	PW_COL_TWIN,
	PW_COL_DER /* present only with PW_STORE_WANT_DER */
};

struct pw_store_ext_ops;
struct pw_store_publish_ops;
struct pw_store_ocsp_ops;
struct pw_store_monitor_ops;
struct pw_store_incident_ops;
struct pw_store_inventory_ops;
struct pw_store_policy_ops;
struct pw_store_serve_ops;
struct pw_store_reports_ops;

/* The feature areas whose tables come after the evidence tables, one
 * <area>_ops.h, sqlite_<area>.c and store_<area>.c each; a handle keeps one
 * state pointer per area (its prepared statements). */
enum pw_store_area {
	PW_STORE_AREA_PUBLISH,
	PW_STORE_AREA_OCSP,
	PW_STORE_AREA_MONITOR,
	PW_STORE_AREA_INCIDENT,
	PW_STORE_AREA_INVENTORY,
	PW_STORE_AREA_POLICY,
	PW_STORE_AREA_SERVE,
	PW_STORE_AREA_REPORTS,
	PW_STORE_AREA_COUNT_
};

/* A backend. Every function fills *err on failure. The row callback of
 * `query` receives rows without dns_names (store.c adds them). */
struct pw_store_ops {
	const char *name;
	void (*close)(struct pw_store *s);
	enum pw_status (*schema_version)(struct pw_store *s, int *out, struct pw_error *err);
	enum pw_status (*begin)(struct pw_store *s, struct pw_error *err);
	enum pw_status (*commit)(struct pw_store *s, struct pw_error *err);
	void (*rollback)(struct pw_store *s);
	int (*in_txn)(struct pw_store *s);
	/* Inserts the record unless its SHA-256 is stored (*out_inserted). */
	enum pw_status (*put)(struct pw_store *s, const struct pw_store_rec *r, int *out_inserted,
	                      struct pw_error *err);
	/* Optional (NULL: ingest calls put per record). Writes recs[0..n) in
	 * order, exactly as n calls of put would, inside the caller's open
	 * transaction: inserted[i] is 1 (stored now), 0 (its SHA-256 was already
	 * stored, or appeared earlier in recs; its lint findings replace the
	 * stored ones) or -1 (another certificate of its issuer and kind holds
	 * its serial, BR 7.1: errs[i] says so, as put's PW_ERR_EXISTS would).
	 * Any other failure returns the error (*err); the caller rolls back. */
	enum pw_status (*put_batch)(struct pw_store *s, const struct pw_store_rec *const *recs,
	                            size_t n, int *inserted, struct pw_error *errs,
	                            struct pw_error *err);
	enum pw_status (*apply_metadata)(struct pw_store *s, const struct pw_store_metadata *m,
	                                 struct pw_error *err);
	/* Finds the CA identity of a stored CA certificate: its subject Name hash
	 * and SKI (*ski_len 0 when none). PW_ERR_NOTFOUND if not stored / not a CA. */
	enum pw_status (*issuer_of_ca_cert)(struct pw_store *s, const uint8_t sha256[32],
	                                    uint8_t name_sha256[32], uint8_t *ski, size_t ski_max,
	                                    size_t *ski_len, struct pw_error *err);
	enum pw_status (*query)(struct pw_store *s, const struct pw_store_query *q,
	                        pw_store_row_fn fn, void *ctx, uint64_t *out_count,
	                        struct pw_error *err);
	enum pw_status (*validations)(struct pw_store *s, const uint8_t sha256[32],
	                              pw_store_validation_fn fn, void *ctx, struct pw_error *err);
	enum pw_status (*stats)(struct pw_store *s, struct pw_store_stats *out, struct pw_error *err);
	/* Evidence tables (events, revocations, blocked keys, reports, jobs):
	 * ext.h. NULL when the backend has none. */
	const struct pw_store_ext_ops *ext;
	/* Feature areas (<area>_ops.h); NULL when the backend has none. */
	const struct pw_store_publish_ops *publish;
	const struct pw_store_ocsp_ops *ocsp;
	const struct pw_store_monitor_ops *monitor;
	const struct pw_store_incident_ops *incident;
	const struct pw_store_inventory_ops *inventory;
	const struct pw_store_policy_ops *policy;
	const struct pw_store_serve_ops *serve;
	const struct pw_store_reports_ops *reports;
	/* Optional (NULL: pw_store_wait_change polls; store_notify.h). Waits up
	 * to timeout_ms for another connection to commit a change of the
	 * publication state (a revocation, a registry change). *out_woken is 1
	 * when told, or when a change may have been missed (the first call, a
	 * reconnect); 0 after a quiet timeout. PW_ERR_NOTFOUND when this base
	 * cannot notify (the caller polls); other errors: the connection. */
	enum pw_status (*wait_change)(struct pw_store *s, int64_t timeout_ms, int *out_woken,
	                              struct pw_error *err);
};

/* Every backend handle starts with this. */
struct pw_store {
	const struct pw_store_ops *ops;
	int flags;
	void *ext; /* the backend's state for the evidence functions (ext.h); NULL until used */
	void *area[PW_STORE_AREA_COUNT_]; /* per-area state (<area>_ops.h); NULL until used */
	/* Change notifications (store_notify.c, postgres_notify.c): the
	 * connection epoch + 1 under which this handle listens (0: not yet),
	 * and when to look again for a base that could not notify (0: never
	 * failed; CLOCK_MONOTONIC seconds). */
	uint64_t notify_epoch;
	int64_t notify_retry_at;
};

/* Runs area and evidence functions inside the caller's transaction or, when
 * none is open, in their own: txn_start opens one when needed (*own says so),
 * txn_end commits it on PW_OK and rolls it back otherwise, returning st or
 * the commit's error. */
enum pw_status pw_store_txn_start(struct pw_store *s, int *own, struct pw_error *err);
enum pw_status pw_store_txn_end(struct pw_store *s, int own, enum pw_status st,
                                struct pw_error *err);

/* Backend constructors. */
enum pw_status pw_store_sqlite_open(const char *path, int flags, struct pw_store **out,
                                    struct pw_error *err);

/* Derives everything a backend stores from a parsed certificate. Owned text
 * and the packed name list go into *scratch (a pw_buf the caller cleans up);
 * r's pointers point into *c's buffer and *scratch, so *scratch must not be
 * appended to while r is in use. Returns 1, or 0 (err) on failure. */
struct pw_buf;
int pw_store_rec_build(const struct pw_cert *c, int64_t ingested_at, struct pw_store_rec *r,
                       struct pw_buf *scratch, struct pw_error *err);

/* The same, but records offsets relative to scratch->data in the pointer
 * fields' place (for batches that grow while being filled); see
 * pw_store_rec_rebase. Returns 1/0. */
struct pw_store_rec_off {
	struct pw_store_rec r; /* hashes, ints; pointer fields unused */
	size_t serial_off, issuer_off, subject_off, aki_off, ski_off, der_off, names_off;
	size_t findings_off; /* when r.has_findings */
};
int pw_store_rec_build_off(const struct pw_cert *c, int64_t ingested_at,
                           struct pw_store_rec_off *ro, struct pw_buf *scratch,
                           struct pw_error *err);
/* Fills ro->r's pointers from base (the scratch bytes once they stopped moving). */
void pw_store_rec_rebase(struct pw_store_rec_off *ro, const uint8_t *base);

/* The rows of the certificates whose revocation changed after publish
 * generation `since`, once per change in generation order (the publish
 * area's change list; store_publish.c checks the area exists). */
enum pw_status pw_store_lookup_changed(struct pw_store *s, uint64_t since, unsigned want,
                                       pw_store_row_fn fn, void *ctx, struct pw_error *err);

/* Runs a backend query and adds dns_names to each row when asked. */
enum pw_status pw_store_run_query(struct pw_store *s, const struct pw_store_query *q,
                                  pw_store_row_fn fn, void *ctx, uint64_t *out_count,
                                  struct pw_error *err);

/* The join of a certificate row (alias c) to its DER (alias d) in the
 * queries both backends run (store.c). The PostgreSQL backend adds
 * "AND d.not_after = c.not_after" where it prepares them (postgres.c,
 * to_dollar): certificate_der is partitioned by notAfter there (migration
 * 12), and with the key each row's DER is read from its one partition
 * (run-time partition pruning) instead of probing every year's index. */
#define PW_STORE_SQL_DER_JOIN " JOIN certificate_der d ON d.cert_id = c.id"

#endif
