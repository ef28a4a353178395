/* incident/: helpers shared by report*.c, mail*.c and message*.c. */
#ifndef PW_INCIDENT_REPORT_INTERNAL_H
#define PW_INCIDENT_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pkiward/report.h"

/* Actor recorded when the caller names none. */
#define PW_REPORT_DEFAULT_ACTOR "pkiward"

/* Opens a transaction unless one is open (*own says whether it did). */
enum pw_status pw_report_txn_begin(struct pw_store *s, int *own, struct pw_error *err);
/* Commits (st PW_OK) or rolls back a transaction opened by txn_begin. */
enum pw_status pw_report_txn_end(struct pw_store *s, int own, enum pw_status st,
                                 struct pw_error *err);

/* Appends event `kind` about report id with payload (consumed, may not be
 * NULL). */
enum pw_status pw_report_event(struct pw_store *s, int64_t id, int64_t at, const char *kind,
                               const char *actor, json_t *payload, int64_t *out_event_id,
                               struct pw_error *err);

/* Sets o[key] = t when t is non-NULL; bytes that are not UTF-8 become
 * U+FFFD so nothing is silently dropped from the evidence. */
void pw_report_json_str(json_t *o, const char *key, const char *t);

/* Saves the lifecycle row of r (its derived state included). */
enum pw_status pw_report_save_life(struct pw_store *s, const struct pw_report *r,
                                   struct pw_error *err);

/* A malloc'd copy of n bytes as valid UTF-8 (invalid sequences -> U+FFFD,
 * NUL and control characters other than \t \n \r -> U+FFFD). NULL on OOM. */
char *pw_report_utf8_clean(const char *p, size_t n);

/* Formats t as "2021-03-13 10:00:00 UTC" into buf (for messages). */
char *pw_report_time_text(int64_t t, char *buf, size_t len);

#endif
