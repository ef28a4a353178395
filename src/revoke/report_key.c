/* revoke/report_key.c: a report of key compromise, from proof to every
 * certificate with the key revoked (DESIGN.md, first incident: a CA was sent
 * a CSR signed by a compromised key, did not recognise the proof, looked at
 * one certificate instead of the key, and revoked after 5 days).
 *
 * Everything a report changes (report row, events, blocked key,
 * revocations) commits in one transaction: either it is all recorded, or
 * nothing is and the caller sees the error. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "internal.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"

/* Certificates collected per report before revoking (grows). */
#define PW_REVOKE_REPORT_INITIAL_ROWS 64

struct key_row {
	uint8_t sha256[32];
	uint8_t twin[32];
	int has_twin;
	int precert;
	int revoked_kc;
	int revoked;
	int64_t revoked_at;
	int has_reason;
	unsigned reason;
};

struct rows {
	struct key_row *v;
	size_t n, cap;
	int oom;
};

static int collect_row(void *vctx, const struct pw_store_row *r)
{
	struct rows *rs = vctx;
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : PW_REVOKE_REPORT_INITIAL_ROWS;
		struct key_row *nv = realloc(rs->v, ncap * sizeof *nv);
		if (nv == NULL) {
			rs->oom = 1;
			return 0;
		}
		rs->v = nv;
		rs->cap = ncap;
	}
	struct key_row *k = &rs->v[rs->n++];
	memset(k, 0, sizeof *k);
	memcpy(k->sha256, r->sha256, 32);
	k->precert = r->precert;
	if (r->precert && r->has_cert_sha256) {
		k->has_twin = 1;
		memcpy(k->twin, r->cert_sha256, 32);
	} else if (!r->precert && r->has_precert_sha256) {
		k->has_twin = 1;
		memcpy(k->twin, r->precert_sha256, 32);
	}
	k->revoked = r->revoked;
	k->revoked_at = r->revoked_at;
	k->has_reason = r->has_reason;
	k->reason = r->reason;
	k->revoked_kc = r->revoked && r->has_reason && r->reason == PW_REVOKE_KEY_COMPROMISE;
	return 1;
}

struct blocked_ctx {
	int found;
	int64_t at;
	int64_t report_id;
};

static int blocked_row(void *vctx, const struct pw_store_blocked_key *k)
{
	struct blocked_ctx *b = vctx;
	b->found = 1;
	b->at = k->at;
	b->report_id = k->report_id;
	return 0;
}

static enum pw_status event_json(struct pw_store *s, int64_t at, const char *kind,
                                 const char *subject, const char *actor, json_t *p,
                                 struct pw_error *err)
{
	char *txt = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (txt == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	enum pw_status st = pw_events_append(s, at, kind, subject, actor, txt, NULL, NULL, err);
	free(txt);
	return st;
}

/* A proof that does not verify is a finding about the proof, not a failure
 * of pkiward: only these statuses mean "not proven". */
static int is_proof_rejection(enum pw_status st)
{
	return st == PW_ERR_PARSE || st == PW_ERR_DER || st == PW_ERR_CRYPTO || st == PW_ERR_LIMIT ||
	       st == PW_ERR_USAGE;
}

void pw_revoke_key_report_result_cleanup(struct pw_revoke_key_report_result *r)
{
	if (r == NULL)
		return;
	free(r->items);
	r->items = NULL;
	r->n_items = 0;
}

enum pw_status pw_revoke_report_key(struct pw_store *s, const struct pw_revoke_key_report *rq,
                                    struct pw_revoke_key_report_result *out,
                                    struct pw_error *err)
{
	struct pw_keys_proof proof;
	struct pw_error perr;
	struct pw_store_filter f;
	struct rows rows = {0};
	struct blocked_ctx bc = {0};
	char rsubj[PW_EVENTS_SUBJECT_MAX], ksubj[PW_EVENTS_SUBJECT_MAX], hex[65], phex[65];
	uint8_t proof_hash[32];
	enum pw_status st, pst;
	int in_txn = 0;
	json_t *p;

	memset(&proof, 0, sizeof proof);
	if (s == NULL || rq == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	if (rq->challenge != NULL ? (rq->signature == NULL || rq->key_input == NULL)
	                          : (rq->proof == NULL || rq->proof_len == 0))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, "proof",
		                    "a report needs a proof, or a challenge, its signature and the key");
	const char *actor = rq->actor ? rq->actor : PW_REVOKE_DEFAULT_ACTOR;
	out->received_at = rq->now ? rq->now : (int64_t)time(NULL);
	out->report_deadline = out->received_at + PW_REVOKE_REPORT_DEADLINE_SECS;
	out->revoke_deadline = pw_revoke_deadline(1, PW_REVOKE_KEY_COMPROMISE, out->received_at);

	/* 1. The proof. */
	pw_error_clear(&perr);
	if (rq->verified != NULL) {
		/* Verified by the caller (revoke.h): take a copy the cleanup may free. */
		pst = PW_OK;
		proof = *rq->verified;
		proof.spki_der = NULL;
		if (rq->verified->spki_der != NULL) {
			proof.spki_der = malloc(rq->verified->spki_len);
			if (proof.spki_der == NULL) {
				st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
				goto out;
			}
			memcpy(proof.spki_der, rq->verified->spki_der, rq->verified->spki_len);
		}
	} else if (rq->challenge != NULL)
		pst = pw_keys_verify_challenge(rq->challenge, rq->signature, rq->signature_len,
		                               rq->key_input, rq->key_input_len, &proof, &perr);
	else if (rq->key_input != NULL)
		pst = pw_keys_verify_proof_with_key(rq->proof, rq->proof_len, rq->key_input,
		                                    rq->key_input_len, &proof, &perr);
	else
		pst = pw_keys_verify_proof(rq->proof, rq->proof_len, &proof, &perr);
	if (pst != PW_OK && !is_proof_rejection(pst)) {
		st = pw_error_set(err, pst, 0, 0, "proof", "verifying the proof: %s", perr.msg);
		goto out;
	}
	out->proven = pst == PW_OK;
	if (out->proven) {
		snprintf(out->proof_type, sizeof out->proof_type, "%s",
		         pw_keys_proof_type_name(proof.type));
		snprintf(out->proof_detail, sizeof out->proof_detail, "%s", proof.detail);
		memcpy(out->spki_sha256, proof.spki_sha256, 32);
	} else {
		out->proof_error = perr;
	}
	const uint8_t *evidence = rq->challenge != NULL ? rq->signature : rq->proof;
	size_t evidence_len = rq->challenge != NULL ? rq->signature_len : rq->proof_len;
	SHA256(evidence, evidence_len, proof_hash);
	pw_hex_encode(proof_hash, 32, phex);

	if ((st = pw_store_begin(s, err)) != PW_OK)
		goto out;
	in_txn = 1;

	/* 2. What the key already has: blocked? which certificates? */
	if (out->proven) {
		if ((st = pw_store_blocked_key_list(s, proof.spki_sha256, blocked_row, &bc, err)) != PW_OK)
			goto out;
		memset(&f, 0, sizeof f);
		f.has_spki = 1;
		memcpy(f.spki_sha256, proof.spki_sha256, 32);
		/* Expired certificates are no longer trusted anywhere; BR 4.9.1.1
		 * concerns the unexpired ones. */
		f.expired = PW_STORE_NO;
		f.now = out->received_at;
		if ((st = pw_store_find(s, &f, 0, collect_row, &rows, err)) != PW_OK)
			goto out;
		if (rows.oom) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		out->n_certs = rows.n;
		out->items = calloc(rows.n ? rows.n : 1, sizeof *out->items);
		if (out->items == NULL) {
			st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			goto out;
		}
		size_t pending = 0;
		for (size_t i = 0; i < rows.n; i++)
			pending += !rows.v[i].revoked_kc;
		if (bc.found && pending == 0) {
			/* Handled before: key blocked, every certificate revoked for key
			 * compromise. Nothing to record. */
			pw_store_rollback(s);
			in_txn = 0;
			out->changed = 0;
			out->report_id = bc.report_id;
			out->blocked_at = bc.at;
			for (size_t i = 0; i < rows.n; i++) {
				struct pw_revoke_item *it = &out->items[out->n_items++];
				memcpy(it->sha256, rows.v[i].sha256, 32);
				it->precert = rows.v[i].precert;
				it->outcome = PW_REVOKE_ALREADY;
				it->revoked_at = rows.v[i].revoked_at;
				it->has_reason = rows.v[i].has_reason;
				it->reason = rows.v[i].reason;
				out->n_already++;
			}
			st = PW_OK;
			goto out;
		}
	}
	out->changed = 1;

	/* 3. The report, never dropped (BR 4.9.5: answered within 24 hours). */
	p = json_object();
	json_object_set_new(p, "proof_sha256", json_string(phex));
	json_object_set_new(p, "proof_bytes", json_integer((json_int_t)evidence_len));
	json_object_set_new(p, "with_certificate", json_boolean(rq->key_input != NULL));
	if (rq->challenge != NULL)
		json_object_set_new(p, "challenge", json_string(rq->challenge->text));
	if (out->proven) {
		json_object_set_new(p, "proof_type", json_string(out->proof_type));
		json_object_set_new(p, "proof_detail", json_string(out->proof_detail));
		pw_hex_encode(proof.spki_sha256, 32, hex);
		json_object_set_new(p, "spki_sha256", json_string(hex));
	} else {
		char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
		pw_error_format(&perr, msg, sizeof msg);
		json_object_set_new(p, "proof_error", json_string(msg));
	}
	if (rq->reporter != NULL)
		json_object_set_new(p, "reporter", json_string(rq->reporter));
	char *payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(p);
	if (payload == NULL) {
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL,
		                  "out of memory (or a reporter that is not UTF-8)");
		goto out;
	}
	struct pw_store_problem_report rep = {
		.received_at = out->received_at,
		.reporter = rq->reporter,
		.kind = "key-compromise",
		.status = out->proven ? "revoking" : "needs-review",
		.deadline = out->report_deadline,
		.subject = out->proven ? pw_events_subject_spki(proof.spki_sha256, ksubj) : NULL,
		.payload = payload,
	};
	st = pw_store_problem_report_add(s, &rep, &out->report_id, err);
	if (st == PW_OK)
		st = pw_events_append(s, out->received_at, "report.received",
		                      pw_events_subject_report(out->report_id, rsubj), actor, payload,
		                      NULL, NULL, err);
	free(payload);
	if (st != PW_OK)
		goto out;

	if (!out->proven) {
		char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
		p = json_object();
		pw_error_format(&perr, msg, sizeof msg);
		json_object_set_new(p, "error", json_string(msg));
		json_object_set_new(p, "status", json_string("needs-review"));
		json_object_set_new(p, "deadline", json_integer(out->report_deadline));
		if ((st = event_json(s, out->received_at, "report.proof_rejected", rsubj, actor, p,
		                     err)) != PW_OK)
			goto out;
		st = pw_store_commit(s, err);
		in_txn = 0;
		goto out;
	}

	/* 4. Proven: record it, block the key (BR 6.1.1.3(4)), revoke. */
	pw_hex_encode(proof.spki_sha256, 32, hex);
	p = json_object();
	json_object_set_new(p, "proof_type", json_string(out->proof_type));
	json_object_set_new(p, "proof_detail", json_string(out->proof_detail));
	json_object_set_new(p, "spki_sha256", json_string(hex));
	json_object_set_new(p, "certificates", json_integer((json_int_t)rows.n));
	if ((st = event_json(s, out->received_at, "report.proof_verified", rsubj, actor, p, err)) !=
	    PW_OK)
		goto out;
	if (!bc.found) {
		char why[160];
		snprintf(why, sizeof why, "key compromise proven by %s in report %lld", out->proof_type,
		         (long long)out->report_id);
		struct pw_store_blocked_key bk = {
			.has_badkeys_sha256 = proof.has_badkeys_sha256,
			.why = why,
			.proof_type = out->proof_type,
			.proof = evidence,
			.proof_len = evidence_len,
			.report_id = out->report_id,
			.at = out->received_at,
		};
		memcpy(bk.spki_sha256, proof.spki_sha256, 32);
		memcpy(bk.badkeys_sha256, proof.badkeys_sha256, 32);
		if ((st = pw_store_blocked_key_put(s, &bk, &out->key_newly_blocked, err)) != PW_OK)
			goto out;
		p = json_object();
		json_object_set_new(p, "report", json_integer(out->report_id));
		json_object_set_new(p, "proof_type", json_string(out->proof_type));
		if (proof.has_badkeys_sha256) {
			char bhex[65];
			pw_hex_encode(proof.badkeys_sha256, 32, bhex);
			json_object_set_new(p, "badkeys_sha256", json_string(bhex));
		}
		if ((st = event_json(s, out->received_at, "key.blocked", ksubj, actor, p, err)) != PW_OK)
			goto out;
		out->blocked_at = out->received_at;
	} else {
		out->blocked_at = bc.at;
	}

	struct pw_revoke_request req = {
		.has_reason = 1,
		.reason = PW_REVOKE_KEY_COMPROMISE,
		.at = out->received_at,
		.requested_at = out->received_at,
		.actor = actor,
		.cause = rsubj,
	};
	for (size_t i = 0; i < rows.n; i++) {
		struct pw_revoke_item *it = &out->items[out->n_items];
		struct pw_revoke_known known;
		memset(&known, 0, sizeof known);
		known.revoked = rows.v[i].revoked;
		known.rv.revoked_at = rows.v[i].revoked_at;
		known.rv.has_reason = rows.v[i].has_reason;
		known.rv.reason = rows.v[i].reason;
		if (!pw_revoke_one(s, rows.v[i].sha256, rows.v[i].precert,
		                   rows.v[i].has_twin ? rows.v[i].twin : NULL, &req, &known, it, &st, err))
			goto out;
		out->n_items++;
		if (it->outcome == PW_REVOKE_REVOKED)
			out->n_revoked++;
		else if (it->outcome == PW_REVOKE_UPGRADED)
			out->n_upgraded++;
		else
			out->n_already++;
	}
	const char *status = rows.n == 0 ? "no-certificates" : "revoked";
	p = json_object();
	json_object_set_new(p, "status", json_string(status));
	json_object_set_new(p, "certificates", json_integer((json_int_t)rows.n));
	json_object_set_new(p, "revoked", json_integer((json_int_t)out->n_revoked));
	json_object_set_new(p, "upgraded", json_integer((json_int_t)out->n_upgraded));
	json_object_set_new(p, "already_revoked", json_integer((json_int_t)out->n_already));
	json_object_set_new(p, "deadline", json_integer(out->revoke_deadline));
	if ((st = pw_store_problem_report_set_status(s, out->report_id, status, err)) != PW_OK ||
	    (st = event_json(s, out->received_at, "report.resolved", rsubj, actor, p, err)) != PW_OK)
		goto out;
	/* Durable before anyone is told (DESIGN.md). */
	st = pw_store_commit(s, err);
	in_txn = 0;
out:
	if (in_txn)
		pw_store_rollback(s);
	if (st != PW_OK) {
		free(out->items);
		out->items = NULL;
		out->n_items = 0;
	}
	free(rows.v);
	pw_keys_proof_cleanup(&proof);
	return st;
}

/* ---- Loading the blocklist ---- */

struct load_ctx {
	struct pw_keys_blocklist *bl;
	uint8_t *hashes;
	size_t n, cap, keys;
	int oom;
};

static int push_hash(struct load_ctx *c, const uint8_t h[32])
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		uint8_t *nh = realloc(c->hashes, ncap * 32);
		if (nh == NULL) {
			c->oom = 1;
			return 0;
		}
		c->hashes = nh;
		c->cap = ncap;
	}
	memcpy(c->hashes + 32 * c->n++, h, 32);
	return 1;
}

static int load_row(void *vctx, const struct pw_store_blocked_key *k)
{
	struct load_ctx *c = vctx;
	c->keys++;
	if (!push_hash(c, k->spki_sha256))
		return 0;
	if (k->has_badkeys_sha256 && !push_hash(c, k->badkeys_sha256))
		return 0;
	return 1;
}

enum pw_status pw_revoke_blocklist_load(struct pw_store *s, struct pw_keys_blocklist *bl,
                                        size_t *out_keys, struct pw_error *err)
{
	struct load_ctx c = {0};
	enum pw_status st;
	if (out_keys != NULL)
		*out_keys = 0;
	if (s == NULL || bl == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	c.bl = bl;
	st = pw_store_blocked_key_list(s, NULL, load_row, &c, err);
	if (st == PW_OK && c.oom)
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	if (st == PW_OK && c.n > 0)
		st = pw_keys_blocklist_add_many(bl, c.hashes, c.n, err);
	if (st == PW_OK && out_keys != NULL)
		*out_keys = c.keys;
	free(c.hashes);
	return st;
}
