/* store/: change notifications on PostgreSQL (postgres_notify.c), hooked
 * into postgres.c's open and ops table. */
#ifndef PW_STORE_POSTGRES_NOTIFY_H
#define PW_STORE_POSTGRES_NOTIFY_H

#include <stdint.h>

#include "internal.h"

/* The wait_change op (internal.h) of the PostgreSQL backend. */
enum pw_status pw_pg_wait_change(struct pw_store *s, int64_t timeout_ms, int *out_woken,
                                 struct pw_error *err);

/* Creates the notification trigger when the base lacks it (writable opens,
 * after the migrations). Never fails the open: a role that may not create
 * triggers keeps working, its waits poll. */
void pw_pg_notify_setup(struct pw_store *s);

#endif
