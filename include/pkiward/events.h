/* pkiward — the append-only, hash-chained event log: the evidence trail
 * (DESIGN.md: "Every state change is an event; an incident's timeline is
 * read from events, not typed").
 *
 * Each event names the hash of the one before it, so editing, deleting or
 * reordering any stored event breaks the chain at that point, and the
 * recorded head (the newest id and hash, kept in its own row) exposes a log
 * whose newest events were deleted. pw_events_verify() walks the chain and
 * names the first broken link. Anyone who keeps a copy of the head (id,
 * hash) from an earlier verification can also detect the log being rewritten
 * wholesale: pass it to pw_events_verify_from().
 *
 * Hash (version 1). hash = SHA-256 over the concatenation of
 *   "pkiward-event-v1" and one 0x00 byte,
 *   u8 has_prev (0 for the first event, else 1), then prev_hash (32 bytes)
 *      when has_prev,
 *   id as an unsigned 64-bit big-endian integer,
 *   at (Unix seconds) as a 64-bit big-endian two's complement integer,
 *   kind, subject, actor, payload, each as: u8 present (0 = NULL, 1 = set),
 *      and when set a u32 big-endian byte length and the bytes (UTF-8, no NUL).
 * Every field is length-prefixed, so no two different events share an
 * encoding. `docs/revocation.md` repeats this with a worked example.
 *
 * State changes and their events go in ONE transaction: call
 * pw_events_append() between pw_store_begin() and pw_store_commit() together
 * with the change it records (it opens its own transaction when none is). */
#ifndef PKIWARD_EVENTS_H
#define PKIWARD_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Domain separation prefix of the version 1 hash (followed by one 0x00). */
#define PW_EVENTS_HASH_DOMAIN "pkiward-event-v1"

/* Room for a subject string such as "cert:<64 hex>" (NUL included). */
#define PW_EVENTS_SUBJECT_MAX 80

/* Computes the version 1 hash of e (id, at, texts, has_prev_hash/prev_hash;
 * e->hash is ignored) into out. */
void pw_events_hash(const struct pw_store_event *e, uint8_t out[32]);

/* Appends one event: kind (required, e.g. "revocation"), subject (what it is
 * about, see the pw_events_subject_* helpers; may be NULL), actor (who did
 * it: "cli:user@host", "report:12", ...; may be NULL) and payload (a JSON
 * object as text, or NULL). `at` is the event time (Unix seconds; 0 = now).
 * The payload must parse as a JSON object (PW_ERR_PARSE otherwise): the log
 * holds data, not free text. *out_id and out_hash (both may be NULL) receive
 * the new event's id and hash. Runs inside the caller's transaction when one
 * is open (so the change and its event commit together), else in its own. */
enum pw_status pw_events_append(struct pw_store *s, int64_t at, const char *kind,
                                const char *subject, const char *actor, const char *payload,
                                int64_t *out_id, uint8_t out_hash[32],
                                struct pw_error *err) PW_WARN_UNUSED;

/* As pw_events_append(), for a payload the caller's own code wrote as a JSON
 * object (fixed keys, escaped values): it is not parsed again. For the bulk
 * paths, which append thousands of events a second; text that came from
 * outside goes through pw_events_append(). */
enum pw_status pw_events_append_built(struct pw_store *s, int64_t at, const char *kind,
                                      const char *subject, const char *actor,
                                      const char *payload, int64_t *out_id,
                                      uint8_t out_hash[32], struct pw_error *err) PW_WARN_UNUSED;

/* How a chain broke. */
enum pw_events_break {
	PW_EVENTS_INTACT = 0,
	PW_EVENTS_EDITED,      /* a row's stored hash is not the hash of its contents */
	PW_EVENTS_RELINKED,    /* a row's prev_hash is not the previous row's hash
	                          (rows deleted, reordered or inserted) */
	PW_EVENTS_GAP,         /* ids are not 1, 2, 3, ... (a row was deleted) */
	PW_EVENTS_TRUNCATED,   /* the log ends before the recorded head */
	PW_EVENTS_HEAD,        /* the recorded head names a different hash/id than
	                          the last row, or the expected anchor was not found */
};

/* The outcome of a verification. */
struct pw_events_verify_result {
	uint64_t n_events;         /* rows walked */
	int64_t last_id;           /* id of the last row (0 if none) */
	uint8_t last_hash[32];     /* its stored hash */
	enum pw_events_break broken; /* PW_EVENTS_INTACT when the whole chain holds */
	int64_t broken_id;         /* the first row where it broke (0 for head issues) */
	char detail[PW_ERROR_MSG_MAX]; /* human explanation */
};

/* Walks the whole log in id order, recomputing every hash and link, and
 * compares the end with the recorded head. Returns PW_OK when the walk ran
 * (out->broken says whether the chain holds); a store error otherwise. */
enum pw_status pw_events_verify(struct pw_store *s, struct pw_events_verify_result *out,
                                struct pw_error *err) PW_WARN_UNUSED;

/* Same, and additionally requires the chain to pass through the event
 * (anchor_id, anchor_hash) kept from an earlier verification (detects a log
 * rewritten from that point on, recorded head included). */
enum pw_status pw_events_verify_from(struct pw_store *s, int64_t anchor_id,
                                     const uint8_t anchor_hash[32],
                                     struct pw_events_verify_result *out,
                                     struct pw_error *err) PW_WARN_UNUSED;

/* Static name of a break kind ("intact", "edited", ...). */
const char *pw_events_break_name(enum pw_events_break b);

/* Events about `subject` (or all when NULL) in id order; rows as in store.h. */
enum pw_status pw_events_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                              void *ctx, struct pw_error *err) PW_WARN_UNUSED;

/* Subject strings (written into out, PW_EVENTS_SUBJECT_MAX bytes; return out):
 * "cert:<sha256 hex>", "spki:<sha256 hex>", "report:<id>", "job:<id>". */
char *pw_events_subject_cert(const uint8_t sha256[32], char out[PW_EVENTS_SUBJECT_MAX]);
char *pw_events_subject_spki(const uint8_t spki_sha256[32], char out[PW_EVENTS_SUBJECT_MAX]);
char *pw_events_subject_report(int64_t id, char out[PW_EVENTS_SUBJECT_MAX]);
char *pw_events_subject_job(int64_t id, char out[PW_EVENTS_SUBJECT_MAX]);

#endif
