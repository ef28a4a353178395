/* events/: the hash-chained event log over store/'s event rows
 * (include/pkiward/events.h documents the hash encoding). */
/* Low-level SHA256_* are deprecated in OpenSSL 3 but hash on the stack
 * without an algorithm fetch per call (store/ and cert/ do the same). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "pkiward/buf.h"
#include "pkiward/events.h"

static void put_u64(SHA256_CTX *c, uint64_t v)
{
	uint8_t b[8];
	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
	SHA256_Update(c, b, 8);
}

static void put_text(SHA256_CTX *c, const char *t)
{
	uint8_t present = t != NULL;
	SHA256_Update(c, &present, 1);
	if (t == NULL)
		return;
	size_t n = strlen(t);
	uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
	SHA256_Update(c, len, 4);
	SHA256_Update(c, t, n);
}

void pw_events_hash(const struct pw_store_event *e, uint8_t out[32])
{
	SHA256_CTX c;
	uint8_t has_prev = e->has_prev_hash ? 1 : 0;
	SHA256_Init(&c);
	SHA256_Update(&c, PW_EVENTS_HASH_DOMAIN, sizeof PW_EVENTS_HASH_DOMAIN); /* with its NUL */
	SHA256_Update(&c, &has_prev, 1);
	if (has_prev)
		SHA256_Update(&c, e->prev_hash, 32);
	put_u64(&c, (uint64_t)e->id);
	put_u64(&c, (uint64_t)e->at);
	put_text(&c, e->kind);
	put_text(&c, e->subject);
	put_text(&c, e->actor);
	put_text(&c, e->payload);
	SHA256_Final(out, &c);
}

static enum pw_status append(struct pw_store *s, int64_t at, const char *kind,
                             const char *subject, const char *actor, const char *payload,
                             int check_payload, int64_t *out_id, uint8_t out_hash[32],
                             struct pw_error *err)
{
	struct pw_store_event e;
	int64_t head;
	int own = 0;
	enum pw_status st;

	if (s == NULL || kind == NULL || kind[0] == '\0')
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "event.kind", "an event needs a kind");
	if (payload != NULL && check_payload) {
		json_error_t je;
		json_t *j = json_loads(payload, JSON_REJECT_DUPLICATES, &je);
		int ok = j != NULL && json_is_object(j);
		json_decref(j);
		if (!ok)
			return pw_error_set(err, PW_ERR_PARSE, j == NULL, j == NULL ? (size_t)je.position : 0,
			                    "event.payload", "%s",
			                    j == NULL ? je.text : "payload is not a JSON object");
	}
	memset(&e, 0, sizeof e);
	e.at = at != 0 ? at : (int64_t)time(NULL);
	e.kind = kind;
	e.subject = subject;
	e.actor = actor;
	e.payload = payload;
	/* Reading the head and inserting after it must not interleave with
	 * another writer: both happen inside one write transaction. */
	if (!pw_store_in_transaction(s)) {
		if ((st = pw_store_begin(s, err)) != PW_OK)
			return st;
		own = 1;
	}
	if ((st = pw_store_event_head(s, &head, e.prev_hash, err)) != PW_OK)
		goto out;
	e.id = head + 1;
	e.has_prev_hash = head > 0;
	pw_events_hash(&e, e.hash);
	if ((st = pw_store_event_insert(s, &e, err)) != PW_OK)
		goto out;
	if (out_id != NULL)
		*out_id = e.id;
	if (out_hash != NULL)
		memcpy(out_hash, e.hash, 32);
out:
	if (own) {
		if (st == PW_OK)
			st = pw_store_commit(s, err);
		else
			pw_store_rollback(s);
	}
	return st;
}

/* ---- Verification ---- */

struct walk {
	struct pw_events_verify_result *r;
	int64_t prev_id;
	int has_prev;
	uint8_t prev_hash[32];
	int has_anchor;
	int64_t anchor_id;
	uint8_t anchor_hash[32];
	int anchor_seen;
};

static int broken(struct walk *w, enum pw_events_break b, int64_t id, const char *fmt, ...)
	PW_PRINTF(4, 5);

static int broken(struct walk *w, enum pw_events_break b, int64_t id, const char *fmt, ...)
{
	va_list ap;
	w->r->broken = b;
	w->r->broken_id = id;
	va_start(ap, fmt);
	vsnprintf(w->r->detail, sizeof w->r->detail, fmt, ap);
	va_end(ap);
	return 0;
}

static int walk_row(void *ctx, const struct pw_store_event *e)
{
	struct walk *w = ctx;
	uint8_t h[32];

	w->r->n_events++;
	if (e->id != w->prev_id + 1)
		return broken(w, PW_EVENTS_GAP, e->id,
		              "event %lld follows event %lld: the events between were deleted",
		              (long long)e->id, (long long)w->prev_id);
	if (e->has_prev_hash != w->has_prev ||
	    (w->has_prev && memcmp(e->prev_hash, w->prev_hash, 32) != 0))
		return broken(w, PW_EVENTS_RELINKED, e->id,
		              "event %lld does not name the hash of event %lld before it (events "
		              "deleted, reordered or inserted)",
		              (long long)e->id, (long long)w->prev_id);
	pw_events_hash(e, h);
	if (memcmp(h, e->hash, 32) != 0)
		return broken(w, PW_EVENTS_EDITED, e->id,
		              "event %lld was changed after it was recorded (its hash no longer "
		              "matches its contents)",
		              (long long)e->id);
	if (w->has_anchor && e->id == w->anchor_id) {
		if (memcmp(e->hash, w->anchor_hash, 32) != 0)
			return broken(w, PW_EVENTS_HEAD, e->id,
			              "event %lld is not the event the anchor names: the log was "
			              "rewritten from there on",
			              (long long)e->id);
		w->anchor_seen = 1;
	}
	w->prev_id = e->id;
	w->has_prev = 1;
	memcpy(w->prev_hash, e->hash, 32);
	w->r->last_id = e->id;
	memcpy(w->r->last_hash, e->hash, 32);
	return 1;
}

static enum pw_status verify(struct pw_store *s, struct walk *w, struct pw_error *err)
{
	struct pw_events_verify_result *r = w->r;
	int64_t head;
	uint8_t head_hash[32];
	enum pw_status st;

	if ((st = pw_store_event_head(s, &head, head_hash, err)) != PW_OK)
		return st;
	if ((st = pw_store_event_list(s, NULL, walk_row, w, err)) != PW_OK)
		return st;
	if (r->broken != PW_EVENTS_INTACT)
		return PW_OK;
	if (r->last_id < head)
		broken(w, PW_EVENTS_TRUNCATED, r->last_id + 1,
		       "the log ends at event %lld but its recorded head is event %lld: the newest "
		       "events were deleted",
		       (long long)r->last_id, (long long)head);
	else if (r->last_id != head || (head > 0 && memcmp(head_hash, r->last_hash, 32) != 0))
		broken(w, PW_EVENTS_HEAD, 0,
		       "the recorded head (event %lld) does not match the last event (%lld)",
		       (long long)head, (long long)r->last_id);
	else if (w->has_anchor && !w->anchor_seen)
		broken(w, PW_EVENTS_HEAD, 0,
		       "the anchor event %lld is not in the log (which ends at event %lld)",
		       (long long)w->anchor_id, (long long)r->last_id);
	return PW_OK;
}

enum pw_status pw_events_verify(struct pw_store *s, struct pw_events_verify_result *out,
                                struct pw_error *err)
{
	struct walk w;
	if (s == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.r = out;
	return verify(s, &w, err);
}

enum pw_status pw_events_verify_from(struct pw_store *s, int64_t anchor_id,
                                     const uint8_t anchor_hash[32],
                                     struct pw_events_verify_result *out, struct pw_error *err)
{
	struct walk w;
	if (s == NULL || out == NULL || anchor_hash == NULL || anchor_id <= 0)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "an anchor needs an id and a hash");
	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	w.r = out;
	w.has_anchor = 1;
	w.anchor_id = anchor_id;
	memcpy(w.anchor_hash, anchor_hash, 32);
	return verify(s, &w, err);
}

const char *pw_events_break_name(enum pw_events_break b)
{
	switch (b) {
	case PW_EVENTS_INTACT: return "intact";
	case PW_EVENTS_EDITED: return "edited";
	case PW_EVENTS_RELINKED: return "relinked";
	case PW_EVENTS_GAP: return "gap";
	case PW_EVENTS_TRUNCATED: return "truncated";
	case PW_EVENTS_HEAD: return "head";
	}
	return "unknown";
}

enum pw_status pw_events_list(struct pw_store *s, const char *subject, pw_store_event_fn fn,
                              void *ctx, struct pw_error *err)
{
	return pw_store_event_list(s, subject, fn, ctx, err);
}

char *pw_events_subject_cert(const uint8_t sha256[32], char out[PW_EVENTS_SUBJECT_MAX])
{
	char hex[65];
	pw_hex_encode(sha256, 32, hex);
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "cert:%s", hex);
	return out;
}

char *pw_events_subject_spki(const uint8_t spki_sha256[32], char out[PW_EVENTS_SUBJECT_MAX])
{
	char hex[65];
	pw_hex_encode(spki_sha256, 32, hex);
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "spki:%s", hex);
	return out;
}

char *pw_events_subject_report(int64_t id, char out[PW_EVENTS_SUBJECT_MAX])
{
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "report:%lld", (long long)id);
	return out;
}

char *pw_events_subject_job(int64_t id, char out[PW_EVENTS_SUBJECT_MAX])
{
	snprintf(out, PW_EVENTS_SUBJECT_MAX, "job:%lld", (long long)id);
	return out;
}

enum pw_status pw_events_append(struct pw_store *s, int64_t at, const char *kind,
                                const char *subject, const char *actor, const char *payload,
                                int64_t *out_id, uint8_t out_hash[32], struct pw_error *err)
{
	return append(s, at, kind, subject, actor, payload, 1, out_id, out_hash, err);
}

enum pw_status pw_events_append_built(struct pw_store *s, int64_t at, const char *kind,
                                      const char *subject, const char *actor,
                                      const char *payload, int64_t *out_id,
                                      uint8_t out_hash[32], struct pw_error *err)
{
	return append(s, at, kind, subject, actor, payload, 0, out_id, out_hash, err);
}
