/* revoke/revoke.c: reasons (BR 7.2.2, MRSP 6.1.1), deadlines (BR 4.9.1.1),
 * and revoking one certificate with its precertificate twin (RFC 6962 §3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"

/* RFC 5280 §5.3.1 CRLReason names. */
static const char *const crl_reason_names[] = {
	[0] = "unspecified",          [1] = "keyCompromise",      [2] = "cACompromise",
	[3] = "affiliationChanged",   [4] = "superseded",         [5] = "cessationOfOperation",
	[6] = "certificateHold",      [8] = "removeFromCRL",      [9] = "privilegeWithdrawn",
	[10] = "aACompromise",
};
#define N_CRL_REASONS (sizeof crl_reason_names / sizeof crl_reason_names[0])

int pw_revoke_reason_allowed(int has_reason, unsigned reason)
{
	if (!has_reason)
		return 1; /* BR 7.2.2: unspecified is the omission of the reasonCode */
	switch (reason) {
	case PW_REVOKE_KEY_COMPROMISE:
	case PW_REVOKE_AFFILIATION_CHANGED:
	case PW_REVOKE_SUPERSEDED:
	case PW_REVOKE_CESSATION_OF_OPERATION:
	case PW_REVOKE_PRIVILEGE_WITHDRAWN:
		return 1;
	default:
		return 0;
	}
}

const char *pw_revoke_reason_name(int has_reason, unsigned reason)
{
	static _Thread_local char buf[PW_REVOKE_REASON_NAME_MAX];
	if (!has_reason)
		return "unspecified";
	if (reason < N_CRL_REASONS && crl_reason_names[reason] != NULL)
		return crl_reason_names[reason];
	snprintf(buf, sizeof buf, "reason-%u", reason);
	return buf;
}

enum pw_status pw_revoke_reason_parse(const char *name, int *out_has_reason, unsigned *out_reason,
                                      struct pw_error *err)
{
	if (name == NULL || out_has_reason == NULL || out_reason == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason", "NULL argument");
	*out_has_reason = 0;
	*out_reason = 0;
	if (strcmp(name, "unspecified") == 0)
		return PW_OK;
	for (unsigned i = 1; i < N_CRL_REASONS; i++) {
		if (crl_reason_names[i] == NULL || strcmp(name, crl_reason_names[i]) != 0)
			continue;
		if (!pw_revoke_reason_allowed(1, i))
			return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
			                    "CRLReason %s (%u) is not allowed for subscriber certificates "
			                    "(BR 7.2.2, MRSP 6.1.1: keyCompromise, affiliationChanged, "
			                    "superseded, cessationOfOperation, privilegeWithdrawn, or "
			                    "unspecified)",
			                    name, i);
		*out_has_reason = 1;
		*out_reason = i;
		return PW_OK;
	}
	return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
	                    "unknown reason '%.64s' (BR 7.2.2: keyCompromise, affiliationChanged, "
	                    "superseded, cessationOfOperation, privilegeWithdrawn, or unspecified)",
	                    name);
}

int64_t pw_revoke_deadline(int has_reason, unsigned reason, int64_t requested_at)
{
	/* BR 4.9.1.1 items 3, 4: key compromise within 24 hours; the remaining
	 * reasons within 5 days (items 6-16). */
	if (has_reason && reason == PW_REVOKE_KEY_COMPROMISE)
		return requested_at + PW_REVOKE_DEADLINE_URGENT_SECS;
	return requested_at + PW_REVOKE_DEADLINE_OTHER_SECS;
}

const char *pw_revoke_outcome_name(enum pw_revoke_outcome o)
{
	switch (o) {
	case PW_REVOKE_REVOKED: return "revoked";
	case PW_REVOKE_UPGRADED: return "upgraded";
	case PW_REVOKE_ALREADY: return "already-revoked";
	}
	return "unknown";
}

static void set_item(struct pw_revoke_item *it, const struct pw_store_revocation *r, int precert,
                     enum pw_revoke_outcome o)
{
	memcpy(it->sha256, r->sha256, 32);
	it->precert = precert;
	it->outcome = o;
	it->revoked_at = r->revoked_at;
	it->has_reason = r->has_reason;
	it->reason = r->reason;
	it->deadline = r->deadline;
	it->event_id = r->event_id;
}

/* 1 if t can be written into JSON as is (no escaping needed). */
static int json_plain(const char *t)
{
	size_t n = 0;
	for (; t[n] != '\0'; n++) {
		char c = t[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == ':' || c == '.' || c == '_' || c == '-' || c == '@'))
			return 0;
	}
	return n < PW_EVENTS_SUBJECT_MAX;
}

/* The event payload, keys in sorted order. Built with snprintf when every
 * text is plain (the bulk paths revoke thousands per second), else with
 * jansson. Returns malloc'd text or NULL. */
static char *revocation_payload(const struct pw_store_revocation *nr, int precert, int upgraded,
                                const struct pw_store_revocation *cur, const uint8_t *twin,
                                const char *cause)
{
	char hex[65];
	if (twin != NULL)
		pw_hex_encode(twin, 32, hex);
	if (cause == NULL || json_plain(cause)) {
		char buf[512];
		char causebuf[PW_EVENTS_SUBJECT_MAX + 16] = "", prevbuf[64] = "", twinbuf[80] = "";
		if (cause != NULL)
			snprintf(causebuf, sizeof causebuf, "\"cause\":\"%s\",", cause);
		if (upgraded)
			snprintf(prevbuf, sizeof prevbuf, "\"previous_reason\":\"%s\",",
			         pw_revoke_reason_name(cur->has_reason, cur->reason));
		if (twin != NULL)
			snprintf(twinbuf, sizeof twinbuf, ",\"twin\":\"%s\"", hex);
		int n = snprintf(buf, sizeof buf,
		                 "{%s\"deadline\":%lld,\"precertificate\":%s,%s\"reason\":\"%s\","
		                 "\"requested_at\":%lld,\"revoked_at\":%lld%s}",
		                 causebuf, (long long)nr->deadline, precert ? "true" : "false", prevbuf,
		                 pw_revoke_reason_name(nr->has_reason, nr->reason),
		                 (long long)nr->requested_at, (long long)nr->revoked_at, twinbuf);
		if (n > 0 && (size_t)n < sizeof buf)
			return strdup(buf);
	}
	json_t *p = json_object();
	json_object_set_new(p, "reason", json_string(pw_revoke_reason_name(nr->has_reason, nr->reason)));
	json_object_set_new(p, "revoked_at", json_integer(nr->revoked_at));
	json_object_set_new(p, "requested_at", json_integer(nr->requested_at));
	json_object_set_new(p, "deadline", json_integer(nr->deadline));
	json_object_set_new(p, "precertificate", json_boolean(precert));
	if (upgraded)
		json_object_set_new(p, "previous_reason",
		                    json_string(pw_revoke_reason_name(cur->has_reason, cur->reason)));
	if (twin != NULL)
		json_object_set_new(p, "twin", json_string(hex));
	if (cause != NULL)
		json_object_set_new(p, "cause", json_string(cause));
	char *out = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	return out;
}

int pw_revoke_one(struct pw_store *s, const uint8_t sha256[32], int precert, const uint8_t *twin,
                  const struct pw_revoke_request *req, const struct pw_revoke_known *known,
                  struct pw_revoke_item *out, enum pw_status *stp, struct pw_error *err)
{
	struct pw_store_revocation cur, nr;
	enum pw_revoke_outcome outcome;
	enum pw_status st;
	char subject[PW_EVENTS_SUBJECT_MAX];
	char *payload = NULL;
	int ok = 0;

	if (known != NULL) {
		cur = known->rv;
		memcpy(cur.sha256, sha256, 32);
		st = known->revoked ? PW_OK : PW_ERR_NOTFOUND;
	} else {
		st = pw_store_revocation_get(s, sha256, &cur, err);
	}
	if (st == PW_OK) {
		/* BR 7.2.2: a later proof of key compromise updates the reason; the
		 * revocation date stays the date the certificate was revoked. */
		if (!(req->has_reason && req->reason == PW_REVOKE_KEY_COMPROMISE) ||
		    (cur.has_reason && cur.reason == PW_REVOKE_KEY_COMPROMISE)) {
			set_item(out, &cur, precert, PW_REVOKE_ALREADY);
			ok = 1;
			goto out;
		}
		outcome = PW_REVOKE_UPGRADED;
		nr = cur;
		nr.has_reason = 1;
		nr.reason = PW_REVOKE_KEY_COMPROMISE;
	} else if (st == PW_ERR_NOTFOUND) {
		outcome = PW_REVOKE_REVOKED;
		memset(&nr, 0, sizeof nr);
		memcpy(nr.sha256, sha256, 32);
		nr.revoked_at = req->at;
		nr.has_reason = req->has_reason;
		nr.reason = req->reason;
	} else {
		goto out;
	}
	nr.requested_at = req->requested_at;
	nr.deadline = pw_revoke_deadline(nr.has_reason, nr.reason, req->requested_at);

	payload = revocation_payload(&nr, precert, outcome == PW_REVOKE_UPGRADED, &cur, twin,
	                             req->cause);
	if (payload == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	/* revocation_payload() writes a JSON object (plain values by snprintf,
	 * anything else through jansson), so it is not parsed again. */
	st = pw_events_append_built(
	    s, req->at, outcome == PW_REVOKE_REVOKED ? "revocation" : "revocation.upgraded",
	    pw_events_subject_cert(sha256, subject), req->actor ? req->actor : PW_REVOKE_DEFAULT_ACTOR,
	    payload, &nr.event_id, NULL, err);
	if (st != PW_OK)
		goto out;
	if (known != NULL && known->defer != NULL) {
		struct pw_revoke_defer *d = known->defer;
		if (d->n == PW_REVOKE_DEFER_MAX && (st = pw_revoke_defer_flush(s, d, err)) != PW_OK)
			goto out;
		d->v[d->n] = nr;
		d->rows[d->n] = known->row;
		memcpy(&d->prefix[d->n], sha256, sizeof d->prefix[0]);
		d->n++;
	} else if ((st = pw_store_revocation_put(s, &nr, err)) != PW_OK) {
		goto out;
	}
	set_item(out, &nr, precert, outcome);
	ok = 1;
out:
	free(payload);
	*stp = ok ? PW_OK : st;
	return ok;
}

enum pw_status pw_revoke_defer_flush(struct pw_store *s, struct pw_revoke_defer *d,
                                     struct pw_error *err)
{
	enum pw_status st = pw_store_revocation_put_many(s, d->v, d->rows, d->n, err);
	d->n = 0;
	/* Every held row's certificate was read in this transaction: one that is
	 * gone now is a store fault, never a "missing" item of the caller's. */
	if (st == PW_ERR_NOTFOUND) {
		char why[PW_ERROR_MSG_MAX];
		snprintf(why, sizeof why, "%s", err != NULL ? err->msg : "");
		st = pw_error_set(err, PW_ERR_STORE, 0, 0, "revocation",
		                  "writing held-back revocations: %.160s", why);
	}
	return st;
}

/* 1 if a revocation of sha256 is held back in d. */
static int defer_has(const struct pw_revoke_defer *d, const uint8_t sha256[32])
{
	uint64_t p;
	memcpy(&p, sha256, sizeof p);
	for (size_t i = 0; i < d->n; i++)
		if (d->prefix[i] == p && memcmp(d->v[i].sha256, sha256, 32) == 0)
			return 1;
	return 0;
}

static enum pw_status revoke_cert(struct pw_store *s, const uint8_t sha256[32],
                                  const struct pw_revoke_request *req,
                                  struct pw_revoke_result *out, struct pw_revoke_defer *d,
                                  struct pw_error *err)
{
	struct pw_revoke_request r;
	struct pw_store_cert_state cs;
	struct pw_revoke_known known;
	enum pw_status st;
	int own = 0;

	if (s == NULL || sha256 == NULL || req == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (d != NULL && !pw_store_in_transaction(s))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL,
		                    "held-back revocations need the caller's transaction");
	memset(out, 0, sizeof *out);
	if (!pw_revoke_reason_allowed(req->has_reason, req->reason))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "reason",
		                    "CRLReason %s is not allowed for subscriber certificates (BR 7.2.2, "
		                    "MRSP 6.1.1)",
		                    pw_revoke_reason_name(req->has_reason, req->reason));
	r = *req;
	if (r.at == 0)
		r.at = (int64_t)time(NULL);
	if (r.requested_at == 0)
		r.requested_at = r.at;

	if (!pw_store_in_transaction(s)) {
		if ((st = pw_store_begin(s, err)) != PW_OK)
			return st;
		own = 1;
	}
	/* One query for the object, its twin and both revocations. */
	if ((st = pw_store_cert_state(s, sha256, &cs, err)) != PW_OK)
		goto out;
	/* A revocation of either still held back is not in what was read: write
	 * the held rows, then read again (a list naming a certificate and its
	 * precertificate, or one certificate twice, is revoked once). */
	if (d != NULL && d->n > 0 &&
	    (defer_has(d, sha256) || (cs.has_twin && defer_has(d, cs.twin)))) {
		if ((st = pw_revoke_defer_flush(s, d, err)) != PW_OK ||
		    (st = pw_store_cert_state(s, sha256, &cs, err)) != PW_OK)
			goto out;
	}
	memset(&known, 0, sizeof known);
	known.defer = d;
	known.revoked = cs.revoked;
	known.rv = cs.rv;
	known.row = cs.row;
	if (!pw_revoke_one(s, sha256, cs.precert, cs.has_twin ? cs.twin : NULL, &r, &known,
	                   &out->v[0], &st, err))
		goto out;
	out->n = 1;
	/* RFC 6962 §3: the precertificate and the certificate share the serial;
	 * revoking one revokes the serial, so both. */
	if (cs.has_twin) {
		known.revoked = cs.twin_revoked;
		known.rv = cs.twin_rv;
		known.row = cs.twin_row;
		if (!pw_revoke_one(s, cs.twin, !cs.precert, sha256, &r, &known, &out->v[1], &st, err))
			goto out;
		out->n = 2;
	}
out:
	if (own) {
		if (st == PW_OK)
			st = pw_store_commit(s, err);
		else
			pw_store_rollback(s);
	}
	if (st != PW_OK)
		memset(out, 0, sizeof *out);
	return st;
}

enum pw_status pw_revoke_cert(struct pw_store *s, const uint8_t sha256[32],
                              const struct pw_revoke_request *req, struct pw_revoke_result *out,
                              struct pw_error *err)
{
	return revoke_cert(s, sha256, req, out, NULL, err);
}

enum pw_status pw_revoke_cert_deferred(struct pw_store *s, const uint8_t sha256[32],
                                       const struct pw_revoke_request *req,
                                       struct pw_revoke_result *out, struct pw_revoke_defer *d,
                                       struct pw_error *err)
{
	if (d == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	return revoke_cert(s, sha256, req, out, d, err);
}
