/* The BasicOCSPResponse DER writer (RFC 6960 §4.2.1), written by hand so
 * that the responder controls every byte it signs and never needs
 * OpenSSL's ASN.1 templates on the hot path.
 *
 * Construction: elements are opened on a small stack inside a pw_buf and
 * closed by inserting the definite-length header in front of the content
 * (X.690 §10.1: minimal length octets). Responses are a few hundred bytes,
 * so the memmove of closing is noise next to a signature. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pkiward/buf.h"
#include "pkiward/ocsp.h"
#include "pkiward/oid.h"

/* Deepest nesting the writer builds (OCSPResponse > responseBytes >
 * OCTET STRING > BasicOCSPResponse > ResponseData > responses > Single >
 * RevokedInfo > reason), with room to spare. */
#define OCSP_W_MAX_DEPTH 16

struct w {
	struct pw_buf *b;
	size_t open[OCSP_W_MAX_DEPTH];
	uint8_t tags[OCSP_W_MAX_DEPTH];
	size_t depth;
	int failed;
};

static void w_bytes(struct w *w, const void *p, size_t n)
{
	if (!w->failed && !pw_buf_append(w->b, p, n))
		w->failed = 1;
}

static void w_open(struct w *w, uint8_t tag)
{
	if (w->failed)
		return;
	if (w->depth >= OCSP_W_MAX_DEPTH) {
		w->failed = 1;
		return;
	}
	w->tags[w->depth] = tag;
	w->open[w->depth++] = w->b->len;
}

static size_t hdr(uint8_t tag, size_t n, uint8_t out[6])
{
	size_t k = 0;
	out[k++] = tag;
	if (n < 0x80) {
		out[k++] = (uint8_t)n;
	} else if (n <= 0xff) {
		out[k++] = 0x81;
		out[k++] = (uint8_t)n;
	} else if (n <= 0xffff) {
		out[k++] = 0x82;
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	} else if (n <= 0xffffff) {
		out[k++] = 0x83;
		out[k++] = (uint8_t)(n >> 16);
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	} else {
		out[k++] = 0x84;
		out[k++] = (uint8_t)(n >> 24);
		out[k++] = (uint8_t)(n >> 16);
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	}
	return k;
}

static void w_close(struct w *w)
{
	uint8_t h[6];
	size_t start, n, k;
	if (w->failed)
		return;
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	w->depth--;
	start = w->open[w->depth];
	n = w->b->len - start;
	k = hdr(w->tags[w->depth], n, h);
	/* Grow by k, shift the content right, write the header. */
	if (!pw_buf_append(w->b, h, k)) {
		w->failed = 1;
		return;
	}
	memmove(w->b->data + start + k, w->b->data + start, n);
	memcpy(w->b->data + start, h, k);
}

static void w_tlv(struct w *w, uint8_t tag, const void *p, size_t n)
{
	uint8_t h[6];
	size_t k = hdr(tag, n, h);
	w_bytes(w, h, k);
	w_bytes(w, p, n);
}

/* GeneralizedTime YYYYMMDDHHMMSSZ (RFC 6960 §4.2.2.1 via RFC 5280
 * §4.1.2.5.2: no fractional seconds, Zulu). */
static void w_gtime(struct w *w, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[32];
	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		w->failed = 1;
		return;
	}
	snprintf(s, sizeof(s), "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	w_tlv(w, 0x18, s, 15);
}

#define TAG_SEQ 0x30
#define TAG_OCTET 0x04
#define TAG_OID 0x06
#define TAG_ENUM 0x0a
#define TAG_BIT 0x03

int pw_ocsp_encode_tbs(const struct pw_ocsp_tbs_spec *t, struct pw_buf *b, struct pw_error *err)
{
	struct w w = { .b = b };
	size_t oid_len;
	const uint8_t *oid;
	if (!t || !t->responder_key_hash || !t->singles || t->n_singles == 0 ||
	    t->n_singles > PW_OCSP_MAX_REQUESTS || (t->nonce && t->nonce_len == 0)) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "ResponseData", "bad arguments");
		return 0;
	}
	/* ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1 (omitted,
	 *   DER), responderID, producedAt, responses, responseExtensions [1] } */
	w_open(&w, TAG_SEQ);
	/* ResponderID byKey [2] EXPLICIT KeyHash: RFC 5019 §2.2.3 recommends
	 * byKey (shorter, and stable across renamed responder certificates). */
	w_open(&w, 0xa2);
	w_tlv(&w, TAG_OCTET, t->responder_key_hash, 20);
	w_close(&w);
	w_gtime(&w, t->produced_at);
	w_open(&w, TAG_SEQ);
	for (size_t i = 0; i < t->n_singles; i++) {
		const struct pw_ocsp_single_spec *s = &t->singles[i];
		if (!s->certid || s->certid_len == 0) {
			pw_error_set(err, PW_ERR_USAGE, 0, 0, "SingleResponse.certID", "missing");
			return 0;
		}
		w_open(&w, TAG_SEQ);
		w_bytes(&w, s->certid, s->certid_len);
		switch (s->status) {
		case PW_OCSP_GOOD:
			w_bytes(&w, "\x80\x00", 2);
			break;
		case PW_OCSP_UNKNOWN:
			w_bytes(&w, "\x82\x00", 2);
			break;
		case PW_OCSP_REVOKED:
			/* revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE {
			 *   revocationTime GeneralizedTime,
			 *   revocationReason [0] EXPLICIT CRLReason OPTIONAL } */
			w_open(&w, 0xa1);
			w_gtime(&w, s->revoked_at);
			if (s->has_reason) {
				uint8_t r[5] = { 0xa0, 0x03, TAG_ENUM, 0x01, (uint8_t)s->reason };
				if (s->reason > 10) {
					pw_error_set(err, PW_ERR_USAGE, 0, 0, "revocationReason",
					             "CRLReason %u out of range", s->reason);
					return 0;
				}
				w_bytes(&w, r, sizeof(r));
			}
			w_close(&w);
			break;
		default:
			pw_error_set(err, PW_ERR_USAGE, 0, 0, "certStatus", "bad status %d", s->status);
			return 0;
		}
		w_gtime(&w, s->this_update);
		if (s->next_update) {
			w_open(&w, 0xa0);
			w_gtime(&w, s->next_update);
			w_close(&w);
		}
		w_close(&w);
	}
	w_close(&w);
	if (t->nonce) {
		/* responseExtensions [1] EXPLICIT Extensions: the nonce echoed
		 * (RFC 6960 §4.4.1, RFC 8954). Only for freshly signed answers:
		 * cached ones cannot carry a per-request nonce (RFC 5019 §4). */
		oid = pw_oid_der(PW_OID_OCSP_NONCE, &oid_len);
		w_open(&w, 0xa1);
		w_open(&w, TAG_SEQ);
		w_open(&w, TAG_SEQ);
		w_tlv(&w, TAG_OID, oid, oid_len);
		w_tlv(&w, TAG_OCTET, t->nonce, t->nonce_len);
		w_close(&w);
		w_close(&w);
		w_close(&w);
	}
	w_close(&w);
	if (w.failed || w.depth != 0 || b->failed) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, "ResponseData", "encoding failed");
		return 0;
	}
	return 1;
}

int pw_ocsp_encode_response(const uint8_t *tbs, size_t tbs_len, const uint8_t *sig_alg,
                            size_t sig_alg_len, const uint8_t *sig, size_t sig_len,
                            const uint8_t *const *certs, const size_t *cert_lens,
                            size_t n_certs, struct pw_buf *b, struct pw_error *err)
{
	struct w w = { .b = b };
	size_t oid_len;
	const uint8_t *oid = pw_oid_der(PW_OID_OCSP_BASIC, &oid_len);
	if (!tbs || !tbs_len || !sig_alg || !sig_alg_len || !sig || !sig_len ||
	    (n_certs && (!certs || !cert_lens))) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "BasicOCSPResponse", "bad arguments");
		return 0;
	}
	/* OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
	 *   responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } */
	w_open(&w, TAG_SEQ);
	w_bytes(&w, "\x0a\x01\x00", 3);
	w_open(&w, 0xa0);
	/* ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING } */
	w_open(&w, TAG_SEQ);
	w_tlv(&w, TAG_OID, oid, oid_len);
	w_open(&w, TAG_OCTET);
	/* BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm,
	 *   signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL } */
	w_open(&w, TAG_SEQ);
	w_bytes(&w, tbs, tbs_len);
	w_bytes(&w, sig_alg, sig_alg_len);
	w_open(&w, TAG_BIT);
	w_bytes(&w, "\x00", 1);
	w_bytes(&w, sig, sig_len);
	w_close(&w);
	if (n_certs) {
		w_open(&w, 0xa0);
		w_open(&w, TAG_SEQ);
		for (size_t i = 0; i < n_certs; i++)
			w_bytes(&w, certs[i], cert_lens[i]);
		w_close(&w);
		w_close(&w);
	}
	w_close(&w);
	w_close(&w);
	w_close(&w);
	w_close(&w);
	w_close(&w);
	if (w.failed || w.depth != 0 || b->failed) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, "OCSPResponse", "encoding failed");
		return 0;
	}
	return 1;
}

/* RFC 6960 §4.2.1: unsuccessful responses carry the status only. */
static const uint8_t resp_malformed[] = { 0x30, 0x03, 0x0a, 0x01, 0x01 };
static const uint8_t resp_internal[] = { 0x30, 0x03, 0x0a, 0x01, 0x02 };
static const uint8_t resp_try_later[] = { 0x30, 0x03, 0x0a, 0x01, 0x03 };
static const uint8_t resp_sig_required[] = { 0x30, 0x03, 0x0a, 0x01, 0x05 };
static const uint8_t resp_unauthorized[] = { 0x30, 0x03, 0x0a, 0x01, 0x06 };

const uint8_t *pw_ocsp_error_response(enum pw_ocsp_status st, size_t *out_len)
{
	*out_len = 5;
	switch (st) {
	case PW_OCSP_MALFORMED_REQUEST: return resp_malformed;
	case PW_OCSP_TRY_LATER: return resp_try_later;
	case PW_OCSP_SIG_REQUIRED: return resp_sig_required;
	case PW_OCSP_UNAUTHORIZED: return resp_unauthorized;
	case PW_OCSP_INTERNAL_ERROR:
	default: return resp_internal;
	}
}
