/* store/store_notify.c: pw_store_wait_change (store_notify.h), the
 * backend-neutral side: a backend with a wait_change op (PostgreSQL,
 * postgres_notify.c) blocks on its notifications; every other case — SQLite,
 * a base without the trigger, a connection that just failed — sleeps one
 * poll interval and reports "woken" so that the caller re-reads. */
#include <errno.h>
#include <time.h>

#include "internal.h"
#include "pkiward/store_notify.h"

static int64_t mono_secs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static void nap_ms(int64_t ms)
{
	struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

int pw_store_notifies(struct pw_store *s)
{
	return s != NULL && s->ops->wait_change != NULL &&
	       (s->notify_retry_at == 0 || mono_secs() >= s->notify_retry_at);
}

enum pw_status pw_store_wait_change(struct pw_store *s, int64_t timeout_ms, int *out_woken,
                                    struct pw_error *err)
{
	int woken = 0;
	if (out_woken != NULL)
		*out_woken = 0;
	if (s == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL store");
	if (timeout_ms < 0 || timeout_ms > PW_STORE_CHANGE_MAX_WAIT_MS)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "timeout", "0..%d ms",
		                    PW_STORE_CHANGE_MAX_WAIT_MS);
	if (pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "waiting inside a transaction would never see a change");
	if (pw_store_notifies(s)) {
		struct pw_error e2;
		enum pw_status st = s->ops->wait_change(s, timeout_ms, &woken, &e2);
		if (st == PW_OK) {
			s->notify_retry_at = 0;
			if (out_woken != NULL)
				*out_woken = woken;
			return PW_OK;
		}
		/* No trigger: poll until it may have been created. A lost
		 * connection: the caller's next statement reconnects (or says
		 * why it cannot); meanwhile this wait is one poll interval. */
		if (st == PW_ERR_NOTFOUND)
			s->notify_retry_at = mono_secs() + PW_STORE_NOTIFY_RETRY_SECS;
	}
	nap_ms(timeout_ms < PW_STORE_CHANGE_POLL_MS ? timeout_ms : PW_STORE_CHANGE_POLL_MS);
	if (out_woken != NULL)
		*out_woken = 1;
	return PW_OK;
}
