/* pkiward — certificate problem reports: lifecycle, deadlines, certificates
 * named, email intake, and the messages sent about them (issue 7).
 *
 * A problem report (BR 1.6.1 "Certificate Problem Report") moves through
 *
 *   received -> acknowledged -> investigated -> preliminary report sent
 *            -> action (revoked, or declined with a reason) -> closed
 *
 * Each step is a function below; each appends an event (subject
 * "report:<id>", events.h) in the same store transaction as the state
 * change, so the incident timeline is read from the log. Event kinds:
 * report.received, report.intake, report.acknowledged, report.investigated,
 * report.preliminary_sent, report.action (payload "action": "revoked" or
 * "declined"), report.closed, report.note, report.cert_linked,
 * report.candidates, report.unresolved, report.message_sent (payload "text":
 * the message as sent); docs/reports.md lists their payloads.
 * Each step happens once (again is PW_ERR_USAGE naming when it happened);
 * an action may precede the acknowledgement (a proof is acted on at
 * intake), so the state is the furthest step taken. Closing needs an
 * action; after closing only notes are accepted.
 *
 * Deadlines are computed from the received time and stored facts, never
 * typed:
 *   - BR 4.9.5: within 24 hours of receipt, investigate and send a preliminary
 *     report to the Subscriber and the reporter ("investigate" and
 *     "preliminary" deadlines);
 *   - BR 4.9.1.1 / 4.9.5: from receipt to published revocation at most 24
 *     hours (items 1-5: e.g. key compromise) or 5 days (items 6-16)
 *     ("revoke" deadline). While the item is not determined the 24-hour
 *     bound is used (the conservative reading); a declined report has no
 *     revoke deadline.
 * A deadline is "pending", "met", "late" (done after it), "overdue" (not done
 * and past it) or "n/a".
 *
 * Identity (DESIGN.md): a report is linked to certificates only by SHA-256
 * or (issuer, serial) resolved to a SHA-256, or by the key a proof proved.
 * A name (FQDN) in a report is a search over the whole history: it yields a
 * list of candidates that a person must choose from; it never links one.
 *
 * The report rows are the store's problem_report rows (store.h, the same ids
 * pw_revoke_report_key() records); this module keeps its lifecycle in the
 * "reports" store area (migration 10). Threading: as struct pw_store. */
#ifndef PKIWARD_REPORT_H
#define PKIWARD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* ---- Limits ---- */

/* BR 4.9.5: investigation and preliminary report within 24 hours. */
#define PW_REPORT_INVESTIGATE_SECS ((int64_t)24 * 3600)
/* BR 4.9.1.1: revoke within 24 hours (items 1-5) or 5 days (items 6-16). */
#define PW_REPORT_REVOKE_URGENT_SECS ((int64_t)24 * 3600)
#define PW_REPORT_REVOKE_OTHER_SECS ((int64_t)5 * 24 * 3600)
/* Highest BR 4.9.1.1 item number. */
#define PW_REPORT_BR_ITEM_MAX 16

/* Longest text of a note, decline reason, title or message body stored. */
#define PW_REPORT_MAX_TEXT ((size_t)64 << 10)
/* Longest reporter address / Message-ID / short texts. */
#define PW_REPORT_MAX_SHORT 512
/* Certificates, candidates and unresolved references one report may hold. */
#define PW_REPORT_MAX_CERTS 100000u
#define PW_REPORT_MAX_CANDIDATES 10000u

/* ---- States ---- */

enum pw_report_state {
	PW_REPORT_RECEIVED = 0,
	PW_REPORT_ACKNOWLEDGED,
	PW_REPORT_INVESTIGATED,
	PW_REPORT_PRELIMINARY_SENT,
	PW_REPORT_ACTION_TAKEN,    /* see struct pw_report.action */
	PW_REPORT_CLOSED,
};

/* The action a report ended in (BR 4.9.5: "whether or not the certificate
 * will be revoked"). */
enum pw_report_action {
	PW_REPORT_ACTION_NONE = 0, /* not decided yet */
	PW_REPORT_ACTION_REVOKED,
	PW_REPORT_ACTION_DECLINED, /* with a reason */
};

/* Static names: "received", "acknowledged", "investigated",
 * "preliminary-sent", "action-taken", "closed" / "none", "revoked",
 * "declined". */
const char *pw_report_state_name(enum pw_report_state st);
const char *pw_report_action_name(enum pw_report_action a);

/* ---- A report as read ---- */

/* How a certificate came to be linked to a report. */
#define PW_REPORT_LINK_SHA256 "sha256"         /* named by its SHA-256 */
#define PW_REPORT_LINK_ISSUER_SERIAL "issuer+serial"
#define PW_REPORT_LINK_PEM "pem"               /* attached certificate */
#define PW_REPORT_LINK_CRTSH "crt.sh-sha256"   /* https://crt.sh/?sha256=... */
#define PW_REPORT_LINK_KEY "key"               /* has the key a proof proved */
#define PW_REPORT_LINK_SERIAL "serial"         /* serial alone, unique in store */

struct pw_report_cert {
	uint8_t sha256[32];
	char how[32];              /* PW_REPORT_LINK_* */
};

/* A certificate a name search found: for a person to choose, never linked. */
struct pw_report_candidate {
	uint8_t sha256[32];
	char query[PW_REPORT_MAX_SHORT]; /* the name searched */
};

/* A reference the store could not resolve (a crt.sh ?id=N link: crt.sh ids
 * are crt.sh's own database keys and cannot be resolved offline; a SHA-256
 * or serial not in the store). */
struct pw_report_unresolved {
	char ref[PW_REPORT_MAX_SHORT];
	char why[128];
};

/* A message recorded as sent (or received) about a report. */
struct pw_report_message {
	int64_t id;
	int64_t at;
	char kind[32];            /* "acknowledgement", "preliminary", "final", ... */
	char *to;                 /* recipients, comma separated (owned) */
	char *text;               /* the full message as sent (owned) */
	int64_t event_id;         /* the event that records it */
};

struct pw_report {
	int64_t id;
	int64_t received_at;       /* from the message (email), or entry time */
	char *reporter;            /* NULL = anonymous (owned) */
	char *kind;                /* "key-compromise", "misissuance", ... (owned) */
	char *title;               /* subject line; NULL = none (owned) */
	char *body;                /* the report text; NULL = none (owned) */
	char *source;              /* "email:<file>", "cli", "portal", "report-key" (owned) */
	char *message_id;          /* RFC 5322 Message-ID; NULL = none (owned) */
	char *subscriber;          /* Subscriber contact; NULL = unknown (owned) */
	enum pw_report_state state;
	enum pw_report_action action;
	char *decline_reason;      /* when action DECLINED (owned) */
	int br_item;               /* BR 4.9.1.1 item 1..16; 0 = undetermined */
	int64_t acknowledged_at, investigated_at, preliminary_at, action_at, closed_at; /* 0 = not yet */
	int64_t revoke_done_at;    /* latest revocation of a linked cert; 0 = none/not all */
	int64_t key_report_id;     /* 0, or itself when it came through pw_revoke_report_key */
	int64_t processed_at;      /* when pkiward processed it (import time); 0 = at receipt.
	                              A revocation counts as done no earlier than this: the
	                              automated path dates revocations at receipt (BR 7.2.2
	                              note), the deadline is measured by when it happened. */
	struct pw_report_cert *certs;           size_t n_certs;
	struct pw_report_candidate *candidates; size_t n_candidates;
	struct pw_report_unresolved *unresolved; size_t n_unresolved;
	struct pw_report_message *messages;     size_t n_messages;
};

/* Frees a report from pw_report_get() (NULL-safe). */
void pw_report_free(struct pw_report *r);

/* ---- Deadlines ---- */

enum pw_report_deadline_state {
	PW_REPORT_DL_NA = 0,     /* does not apply (e.g. revoke after a decline) */
	PW_REPORT_DL_PENDING,    /* not done, not due yet */
	PW_REPORT_DL_MET,        /* done on time */
	PW_REPORT_DL_LATE,       /* done after the deadline */
	PW_REPORT_DL_OVERDUE,    /* not done and past the deadline */
};

/* "n/a", "pending", "met", "late", "overdue". */
const char *pw_report_deadline_state_name(enum pw_report_deadline_state st);

#define PW_REPORT_N_DEADLINES 3

struct pw_report_deadline {
	const char *name;        /* "investigate", "preliminary", "revoke" (static) */
	const char *citation;    /* "BR 4.9.5", "BR 4.9.1.1" (static) */
	int64_t due;             /* 0 when n/a */
	int64_t done_at;         /* 0 = not done */
	enum pw_report_deadline_state state;
};

/* Computes the report's deadlines at time `now` into out[0..2] (investigate,
 * preliminary, revoke). Returns 1 if any is overdue or late. */
int pw_report_deadlines(const struct pw_report *r, int64_t now,
                        struct pw_report_deadline out[PW_REPORT_N_DEADLINES]);

/* The BR 4.9.1.1 revocation window for item 1..16 (0: undetermined, the
 * 24-hour bound). */
int64_t pw_report_revoke_window(int br_item);

/* ---- Creating and reading ---- */

struct pw_report_new {
	int64_t received_at;       /* 0 = now */
	const char *reporter;      /* may be NULL */
	const char *kind;          /* required: "key-compromise", "misissuance", "other", ... */
	const char *title;         /* may be NULL */
	const char *body;          /* may be NULL */
	const char *source;        /* required: "cli", "portal", "email:<file>" */
	const char *message_id;    /* may be NULL; unique among reports when set */
	const char *subscriber;    /* may be NULL */
	int br_item;               /* 0..16 */
	const char *actor;         /* NULL = "pkiward" */
	int64_t processed_at;      /* when pkiward processed it (import time); 0 = at receipt */
};

/* Records a new report (state received) with event "report.received".
 * A message_id already recorded is PW_ERR_EXISTS with *out_id the earlier
 * report (nothing written): imports are idempotent. Runs in the caller's
 * transaction when one is open. */
enum pw_status pw_report_create(struct pw_store *s, const struct pw_report_new *rn,
                                int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Attaches lifecycle data to a report that pw_revoke_report_key() recorded
 * (state received, key_report_id = id): source, message_id, title, body. */
enum pw_status pw_report_adopt(struct pw_store *s, int64_t id, const struct pw_report_new *rn,
                               struct pw_error *err) PW_WARN_UNUSED;

/* The report whose Message-ID is `message_id`: *out_id, or PW_ERR_NOTFOUND. */
enum pw_status pw_report_find_message_id(struct pw_store *s, const char *message_id,
                                         int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;

/* Reads report `id` with its certificates, candidates, unresolved references
 * and messages. *out owns it (pw_report_free). PW_ERR_NOTFOUND. */
enum pw_status pw_report_get(struct pw_store *s, int64_t id, struct pw_report **out,
                             struct pw_error *err) PW_WARN_UNUSED;

/* Which reports a list returns. */
struct pw_report_filter {
	int open_only;             /* state before closed */
	int overdue_only;          /* some deadline overdue at `now` */
	int64_t now;               /* 0 = current time */
};

/* Calls fn for each report (id order) with the report read as by
 * pw_report_get() (borrowed for the call). Return 1 to go on, 0 to stop. */
typedef int (*pw_report_fn)(void *ctx, const struct pw_report *r);
enum pw_status pw_report_list(struct pw_store *s, const struct pw_report_filter *f,
                              pw_report_fn fn, void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Lifecycle steps (each: state change + event, one transaction) ---- */

/* `at` 0 = now; actor NULL = "pkiward"; text may be NULL unless stated. */
enum pw_status pw_report_ack(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                             const char *text, struct pw_error *err) PW_WARN_UNUSED;
/* Findings of the investigation (text required); br_item 1..16 sets the
 * 4.9.1.1 item (0 keeps the current one). */
enum pw_status pw_report_investigated(struct pw_store *s, int64_t id, int64_t at,
                                      const char *actor, const char *text, int br_item,
                                      struct pw_error *err) PW_WARN_UNUSED;
/* Records that the preliminary report (text required, as sent) went to
 * `to` (the reporter and the Subscriber). */
enum pw_status pw_report_preliminary_sent(struct pw_store *s, int64_t id, int64_t at,
                                          const char *actor, const char *to, const char *text,
                                          struct pw_error *err) PW_WARN_UNUSED;
/* Action: revoked. Every linked certificate must be revoked in the store
 * (PW_ERR_USAGE naming the first that is not: "revoked" is told only from
 * stored facts). */
enum pw_status pw_report_action_revoked(struct pw_store *s, int64_t id, int64_t at,
                                        const char *actor, struct pw_error *err) PW_WARN_UNUSED;
/* Action: declined, with a reason (required). */
enum pw_status pw_report_action_declined(struct pw_store *s, int64_t id, int64_t at,
                                         const char *actor, const char *reason,
                                         struct pw_error *err) PW_WARN_UNUSED;
/* Closes the report (an action must have been taken). */
enum pw_status pw_report_close(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                               const char *text, struct pw_error *err) PW_WARN_UNUSED;
/* A free note (event "report.note"); no state change. */
enum pw_status pw_report_note(struct pw_store *s, int64_t id, int64_t at, const char *actor,
                              const char *text, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Certificates named ---- */

/* Links certificate sha256 (must be stored: PW_ERR_NOTFOUND) with `how`
 * (PW_REPORT_LINK_*); linking again changes nothing. Event "report.cert_linked". */
enum pw_status pw_report_link_cert(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                                   const char *how, const char *actor,
                                   struct pw_error *err) PW_WARN_UNUSED;
/* Records every certificate whose names match `name` (exact, whole
 * history, no date window) as a candidate; *out_n gets how many. Event
 * "report.candidates". Nothing is linked. */
enum pw_status pw_report_add_candidates(struct pw_store *s, int64_t id, const char *name,
                                        const char *actor, size_t *out_n,
                                        struct pw_error *err) PW_WARN_UNUSED;
/* Records a reference that could not be resolved. Event "report.unresolved". */
enum pw_status pw_report_add_unresolved(struct pw_store *s, int64_t id, const char *ref,
                                        const char *why, const char *actor,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* ---- Messages (message*.c, mail_send*.c) ---- */

/* Records a message sent about a report (kind "acknowledgement",
 * "preliminary", ...; `text` the full message as sent) with event
 * "report.message_sent" whose payload holds the text. *out_event_id may be
 * NULL. */
enum pw_status pw_report_message_record(struct pw_store *s, int64_t id, int64_t at,
                                        const char *kind, const char *to, const char *text,
                                        const char *actor, int64_t *out_event_id,
                                        struct pw_error *err) PW_WARN_UNUSED;

/* What the store and the monitor observed about one certificate: the only
 * source of what a message may claim (DESIGN.md: "revoked" is told only once
 * the CRL and OCSP show it). */
struct pw_report_observed {
	uint8_t sha256[32];
	char serial_hex[2 * PW_STORE_MAX_SERIAL + 1];
	int stored;                /* the certificate is in the store */
	int revoked;               /* a revocation row exists */
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
	int64_t first_seen_crl;    /* 0 = not (yet) observed in a CRL */
	int has_crl_number;
	char crl_number[50];       /* the CRL number it was first seen in (decimal; RFC
	                              5280 §5.2.3 allows 20 octets, more than 64 bits) */
	int64_t first_seen_ocsp;   /* 0 = OCSP not (yet) observed answering revoked */
};

/* Reads the observed state of certificate sha256: the store's certificate
 * and revocation rows and the monitor's observations (store_monitor.h). */
enum pw_status pw_report_observe(struct pw_store *s, const uint8_t sha256[32],
                                 struct pw_report_observed *out,
                                 struct pw_error *err) PW_WARN_UNUSED;

/* Renders the status sentence of one certificate from observed state only,
 * e.g. "Certificate SHA-256 <hex>, serial <hex>: revoked at T (keyCompromise);
 * listed in CRL number N since T2; OCSP answers revoked since T3." or
 * "...: revocation recorded at T (keyCompromise); not yet visible in the CRL;
 * not yet visible in OCSP." Returns a malloc'd string (NULL on OOM). */
char *pw_report_render_cert_status(const struct pw_report_observed *o);

/* Which message to render. */
enum pw_report_message_kind {
	PW_REPORT_MSG_ACK = 0,       /* acknowledgement of receipt */
	PW_REPORT_MSG_PRELIMINARY,   /* BR 4.9.5 preliminary report */
};

/* Renders the full RFC 5322 message (headers From/To/Subject/Date/
 * Message-ID/In-Reply-To and a text/plain body) for report r, reading the
 * observed state of each linked certificate from s. `findings` (preliminary
 * only; may be NULL) is the investigator's text. *out is malloc'd. */
enum pw_status pw_report_render_message(struct pw_store *s, const struct pw_report *r,
                                        enum pw_report_message_kind kind, const char *from,
                                        const char *to, const char *findings, int64_t now,
                                        char **out, struct pw_error *err) PW_WARN_UNUSED;

/* SMTP relay to send through (libcurl). */
struct pw_report_smtp {
	const char *url;           /* "smtp://127.0.0.1:2525" */
	const char *from;          /* envelope and header From */
	long timeout_secs;         /* 0 = PW_REPORT_SMTP_TIMEOUT_SECS */
};
#define PW_REPORT_SMTP_TIMEOUT_SECS 30L

/* Sends `message` (a full RFC 5322 text with CRLF or LF line ends) to the
 * comma-separated recipients `to` through the relay. Nothing is recorded
 * here: record with pw_report_message_record() after a successful send. */
enum pw_status pw_report_smtp_send(const struct pw_report_smtp *smtp, const char *to,
                                   const char *message, struct pw_error *err) PW_WARN_UNUSED;

/* ---- Email intake (mail*.c) ---- */

/* Largest single message (and largest attachment) accepted. */
#define PW_REPORT_MAIL_MAX_MESSAGE ((size_t)16 << 20)
#define PW_REPORT_MAIL_MAX_ATTACHMENT ((size_t)1 << 20)
/* MIME parts and certificate references considered in one message. */
#define PW_REPORT_MAIL_MAX_PARTS 64u
#define PW_REPORT_MAIL_MAX_REFS 256u
/* Files read from one Maildir. */
#define PW_REPORT_MAIL_MAX_FILES 100000u

/* A certificate reference found in a message. */
enum pw_report_ref_type {
	PW_REPORT_REF_SHA256 = 1,  /* 64 hex digits */
	PW_REPORT_REF_SERIAL,      /* "serial: <hex>" (issuer with "issuer:" if given) */
	PW_REPORT_REF_CRTSH_SHA256,
	PW_REPORT_REF_CRTSH_ID,    /* unresolvable offline */
	PW_REPORT_REF_PEM_CERT,    /* an attached or inline certificate */
	PW_REPORT_REF_NAME,        /* "domain: <fqdn>" / "fqdn:" — candidates only */
};

struct pw_report_ref {
	enum pw_report_ref_type type;
	uint8_t sha256[32];        /* SHA256, CRTSH_SHA256, PEM_CERT */
	uint8_t serial[PW_STORE_MAX_SERIAL]; size_t serial_len; /* SERIAL */
	char text[PW_REPORT_MAX_SHORT]; /* the reference as written (crt.sh id, issuer DN, name) */
};

/* An attachment that may prove a key compromise (keys.h proof formats). */
struct pw_report_proof {
	uint8_t *data;             /* owned */
	size_t len;
	char name[128];            /* filename or content type */
};

/* Everything taken from one message. */
struct pw_report_mail {
	int64_t received_at;       /* Date header; else the first Received header's date */
	const char *time_source;   /* "date", "received" (static) */
	char *message_id;          /* without <>; NULL when absent (owned) */
	char *from;                /* the From address (owned) */
	char *subject;             /* owned; may be NULL */
	char *body;                /* text/plain parts joined (owned; may be NULL) */
	struct pw_report_ref *refs; size_t n_refs;
	struct pw_report_proof *proofs; size_t n_proofs;
};

/* Parses one RFC 5322 message (len bytes) into *out (pw_report_mail_cleanup).
 * Requires From and a date (Date or Received); PW_ERR_PARSE naming the
 * header otherwise; PW_ERR_LIMIT for an attachment over
 * PW_REPORT_MAIL_MAX_ATTACHMENT naming the part. Pure: no store. */
enum pw_status pw_report_mail_parse(const uint8_t *msg, size_t len, struct pw_report_mail *out,
                                    struct pw_error *err) PW_WARN_UNUSED;
void pw_report_mail_cleanup(struct pw_report_mail *m);

/* The outcome of importing one message. */
struct pw_report_import_item {
	const char *file;          /* the file it came from (borrowed) */
	uint64_t offset;           /* byte offset of the message in the file */
	uint64_t line;             /* line of the message start (1-based) */
	enum pw_status status;     /* PW_OK, or why it was refused */
	struct pw_error error;
	int duplicate;             /* Message-ID already imported: nothing done */
	int64_t report_id;
	int proven;                /* an attached proof verified */
	uint64_t n_revoked;        /* certificates revoked by the proof */
	size_t n_linked, n_candidates, n_unresolved;
};

typedef void (*pw_report_import_fn)(void *ctx, const struct pw_report_import_item *it);

/* Imports every message of `path`: a single message, an mbox ("From "
 * separated) or a Maildir (cur/ and new/). Each message is one transaction
 * (a proof's revocations commit first, through pw_revoke_report_key(), then
 * the report record: a retry finds the key handled and completes it);
 * a malformed message is reported through fn and the rest continue. Returns
 * PW_OK when the source could be read (look at the items), an I/O or store
 * error otherwise. *out_ok / *out_failed count messages (may be NULL). */
enum pw_status pw_report_import_path(struct pw_store *s, const char *path, const char *actor,
                                     pw_report_import_fn fn, void *ctx, size_t *out_ok,
                                     size_t *out_failed, struct pw_error *err) PW_WARN_UNUSED;

/* Imports one message held in memory (file/offset are for messages). */
enum pw_status pw_report_import_message(struct pw_store *s, const uint8_t *msg, size_t len,
                                        const char *file, const char *actor,
                                        struct pw_report_import_item *out,
                                        struct pw_error *err) PW_WARN_UNUSED;

#endif
