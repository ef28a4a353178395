/* pkiward — storage of the reports area (schema migration 10): the lifecycle
 * of problem reports (report.h), the certificates, candidates and
 * unresolved references each names, and the messages sent about them.
 *
 * The report rows themselves are migration 2's problem_report rows
 * (store.h); this area adds one lifecycle row per report and its lists.
 * These are storage primitives: the rules (BR 4.9.5 deadlines, the order of
 * steps, identity by SHA-256 only) live in incident/report*.c. Every write
 * runs inside the caller's transaction if one is open, else in its own.
 * Texts are borrowed for the call (input) or the callback (output). */
#ifndef PKIWARD_STORE_REPORTS_H
#define PKIWARD_STORE_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest text column of this area (bodies, notes, messages). */
#define PW_STORE_REPORT_MAX_TEXT ((size_t)1 << 20)
/* Longest short column (state, action, how, message id, query, ...). */
#define PW_STORE_REPORT_MAX_SHORT 1024

/* The lifecycle of one report. */
struct pw_store_report_life {
	int64_t report_id;
	const char *state;            /* report.h state name */
	const char *action;           /* "none", "revoked", "declined" */
	const char *decline_reason;   /* NULL unless declined */
	int br_item;                  /* BR 4.9.1.1 item, 0 = undetermined */
	const char *title;            /* NULL = none */
	const char *body;
	const char *source;           /* required */
	const char *message_id;       /* NULL = none; unique */
	const char *subscriber;
	int64_t acknowledged_at, investigated_at, preliminary_at, action_at, closed_at; /* 0 = not yet */
	int key_report;               /* recorded by pw_revoke_report_key() */
	int64_t processed_at;         /* when pkiward processed the intake (0 = at receipt) */
};

typedef int (*pw_store_report_life_fn)(void *ctx, const struct pw_store_report_life *l);

/* Inserts or replaces the lifecycle row of l->report_id (which must be a
 * stored report: PW_ERR_NOTFOUND). A message_id used by another report is
 * PW_ERR_EXISTS. */
enum pw_status pw_store_report_life_put(struct pw_store *s, const struct pw_store_report_life *l,
                                        struct pw_error *err) PW_WARN_UNUSED;
/* Calls fn with the lifecycle row of report id; PW_ERR_NOTFOUND if none. */
enum pw_status pw_store_report_life_get(struct pw_store *s, int64_t id,
                                        pw_store_report_life_fn fn, void *ctx,
                                        struct pw_error *err) PW_WARN_UNUSED;
/* The report whose lifecycle row carries message_id; PW_ERR_NOTFOUND. */
enum pw_status pw_store_report_by_message_id(struct pw_store *s, const char *message_id,
                                             int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;
/* Up to max report ids (every problem_report row) greater than after_id, in
 * id order, into out (*out_n of them). */
enum pw_status pw_store_report_ids(struct pw_store *s, int64_t after_id, size_t max,
                                   int64_t *out, size_t *out_n,
                                   struct pw_error *err) PW_WARN_UNUSED;

/* A certificate linked to a report (how: report.h PW_REPORT_LINK_*), or a
 * candidate (how = the name searched). */
typedef int (*pw_store_report_cert_fn)(void *ctx, const uint8_t sha256[32], const char *how);

/* Links / lists linked certificates; linking again changes nothing
 * (*out_inserted 0; may be NULL). */
enum pw_status pw_store_report_cert_put(struct pw_store *s, int64_t id, const uint8_t sha256[32],
                                        const char *how, int *out_inserted,
                                        struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_report_cert_list(struct pw_store *s, int64_t id,
                                         pw_store_report_cert_fn fn, void *ctx,
                                         struct pw_error *err) PW_WARN_UNUSED;
/* Candidates found by a name search (never linked). */
enum pw_status pw_store_report_candidate_put(struct pw_store *s, int64_t id,
                                             const uint8_t sha256[32], const char *query,
                                             int *out_inserted,
                                             struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_report_candidate_list(struct pw_store *s, int64_t id,
                                              pw_store_report_cert_fn fn, void *ctx,
                                              struct pw_error *err) PW_WARN_UNUSED;

/* References that could not be resolved. */
typedef int (*pw_store_report_unresolved_fn)(void *ctx, const char *ref, const char *why);
enum pw_status pw_store_report_unresolved_put(struct pw_store *s, int64_t id, const char *ref,
                                              const char *why,
                                              struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_report_unresolved_list(struct pw_store *s, int64_t id,
                                               pw_store_report_unresolved_fn fn, void *ctx,
                                               struct pw_error *err) PW_WARN_UNUSED;

/* A message sent about a report. */
struct pw_store_report_message {
	int64_t id;                   /* assigned */
	int64_t report_id;
	int64_t at;
	const char *kind;             /* "acknowledgement", "preliminary", ... */
	const char *recipients;       /* comma separated */
	const char *text;             /* the message as sent */
	int64_t event_id;
};

typedef int (*pw_store_report_message_fn)(void *ctx, const struct pw_store_report_message *m);

enum pw_status pw_store_report_message_put(struct pw_store *s,
                                           const struct pw_store_report_message *m,
                                           int64_t *out_id, struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_store_report_message_list(struct pw_store *s, int64_t id,
                                            pw_store_report_message_fn fn, void *ctx,
                                            struct pw_error *err) PW_WARN_UNUSED;

/* What the monitor recorded on the revocation row of a certificate
 * (first_seen_crl / first_seen_ocsp, 0 = not observed). *out_revoked 0 and
 * both 0 when the certificate is not revoked. A small read of the columns
 * monitor/ fills, kept here so messages work before store_monitor.h exists. */
enum pw_status pw_store_report_seen(struct pw_store *s, const uint8_t sha256[32],
                                    int *out_revoked, int64_t *out_first_seen_crl,
                                    int64_t *out_first_seen_ocsp,
                                    struct pw_error *err) PW_WARN_UNUSED;

#endif
