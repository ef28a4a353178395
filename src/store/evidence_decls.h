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

/* Inserts or replaces the revocation of r->sha256. PW_ERR_NOTFOUND when no
 * such certificate is stored. */
enum pw_status pw_store_revocation_put(struct pw_store *s, const struct pw_store_revocation *r,
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
/* Marks the job finished. */
enum pw_status pw_store_revoke_job_finish(struct pw_store *s, int64_t job_id, int64_t at,
                                          struct pw_error *err) PW_WARN_UNUSED;
