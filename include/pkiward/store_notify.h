/* pkiward/store_notify.h — waking up on changes made by other nodes.
 *
 * Several pkiward processes (`pkiward serve`, `ocsp serve`, `crl generate
 * --watch`) may share one PostgreSQL base. Each follows the publication
 * change generation (store_publish.h) and re-reads it when it may have
 * moved. On PostgreSQL the generation's row carries a trigger that sends a
 * NOTIFY in the same transaction as every change (delivered when it
 * commits, never for a rolled-back one), so a waiting node wakes within
 * milliseconds instead of at its next poll. On SQLite (one host; no
 * notification channel) waiting is a sleep of at most
 * PW_STORE_CHANGE_POLL_MS. Either way the caller re-reads the generation
 * after every wake-up: a notification says "look", the counter says what
 * changed, so a missed or merged notification never loses a change. */
#ifndef PKIWARD_STORE_NOTIFY_H
#define PKIWARD_STORE_NOTIFY_H

#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* Longest sleep of one wait where the base cannot notify (SQLite, or a
 * PostgreSQL base whose notification trigger is missing). */
#define PW_STORE_CHANGE_POLL_MS 100

/* Seconds before a handle whose base could not notify looks again for the
 * trigger (it is created by the next writable open of the base). */
#define PW_STORE_NOTIFY_RETRY_SECS 60

/* Longest single wait (a caller wanting longer loops). */
#define PW_STORE_CHANGE_MAX_WAIT_MS 3600000

/* Waits until another connection commits a change of the publication state
 * or timeout_ms (0..PW_STORE_CHANGE_MAX_WAIT_MS) passes; on a base without
 * notifications, at most PW_STORE_CHANGE_POLL_MS. *out_woken (may be NULL)
 * is 1 when a change was announced or may have been missed (the first wait
 * on a handle, a reconnect, a poll), 0 after a quiet timeout. A lost
 * connection is not an error here: the wait ends (woken) and the caller's
 * next read reconnects or reports it. The handle must not be inside a
 * transaction (notifications arrive between transactions). Returns PW_OK,
 * or PW_ERR_USAGE. */
enum pw_status pw_store_wait_change(struct pw_store *s, int64_t timeout_ms, int *out_woken,
                                    struct pw_error *err) PW_WARN_UNUSED;

/* 1 when waits on this handle are woken by notifications (PostgreSQL with
 * its trigger, as far as known: before the first wait, when the backend
 * supports them), 0 when they are sleeps. */
int pw_store_notifies(struct pw_store *s);

#endif
