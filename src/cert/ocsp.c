/* OCSP response parser (RFC 6960 §4.2.1). pkiward lints the responses it
 * signs and the ones `monitor` fetches, so this reads the structure strictly
 * (DER, offsets in errors) and keeps every field as a window. */
#include <string.h>

#include "internal.h"

void pw_ocsp_resp_init(struct pw_ocsp_resp *r)
{
	memset(r, 0, sizeof *r);
}

void pw_ocsp_resp_cleanup(struct pw_ocsp_resp *r)
{
	if (r == NULL)
		return;
	pw_arena_free(r->arena_);
	memset(r, 0, sizeof *r);
}

/* A GeneralizedTime element (RFC 6960 uses no UTCTime). */
static int get_gtime(struct pw_der *d, int64_t *out, struct pw_error *err, const char *field)
{
	uint32_t tag;
	int strict = 1, ok = 0;
	size_t off = pw_der_offset(d);
	if (!pw_cert_get_time(d, &tag, NULL, out, &strict, &ok, err, field))
		return 0;
	if (tag != PW_DER_GENERALIZED_TIME || !ok) {
		pw_error_set(err, PW_ERR_PARSE, 1, off, field,
		             "expected a GeneralizedTime date (RFC 6960 §4.2.1)");
		return 0;
	}
	return 1;
}

/* SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus,
 *   thisUpdate GeneralizedTime, nextUpdate [0] EXPLICIT GeneralizedTime
 *   OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL } */
static int parse_single(struct pw_der *d, struct pw_ocsp_single *s, struct pw_error *err)
{
	struct pw_der seq, certid, c;
	uint32_t tag;
	int present;
	if (!pw_der_get(d, PW_DER_SEQUENCE, &seq, err))
		return 0;
	/* CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING,
	 *   issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber } */
	if (!pw_der_get(&seq, PW_DER_SEQUENCE, &certid, err) ||
	    !pw_cert_parse_algid(&certid, &s->hash_alg, err, "certID.hashAlgorithm") ||
	    !pw_der_get(&certid, PW_DER_OCTET_STRING, &s->issuer_name_hash, err) ||
	    !pw_der_get(&certid, PW_DER_OCTET_STRING, &s->issuer_key_hash, err) ||
	    !pw_der_get_integer(&certid, &s->serial, err) || !pw_der_done(&certid, "certID", err)) {
		pw_cert_err_field(err, "singleResponse.certID");
		return 0;
	}
	/* CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT
	 *   RevokedInfo, unknown [2] IMPLICIT UnknownInfo (NULL) } */
	if (!pw_der_get_any(&seq, &tag, &c, NULL, err)) {
		pw_cert_err_field(err, "singleResponse.certStatus");
		return 0;
	}
	if (tag == PW_DER_CTX(0) || tag == PW_DER_CTX(2)) {
		if (c.len != 0) {
			pw_error_set(err, PW_ERR_DER, 1, c.off, "singleResponse.certStatus",
			             "good/unknown must be an empty NULL");
			return 0;
		}
		s->status = tag == PW_DER_CTX(0) ? PW_OCSP_GOOD : PW_OCSP_UNKNOWN;
	} else if (tag == PW_DER_CTX_CONS(1)) {
		/* RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime,
		 *   revocationReason [0] EXPLICIT CRLReason OPTIONAL } */
		struct pw_der reason;
		s->status = PW_OCSP_REVOKED;
		if (!get_gtime(&c, &s->revocation_time, err, "revokedInfo.revocationTime") ||
		    !pw_der_get_optional(&c, PW_DER_CTX_CONS(0), &reason, &present, err))
			return 0;
		if (present) {
			if (!pw_der_get_enumerated(&reason, &s->reason, err) ||
			    !pw_der_done(&reason, "revocationReason", err))
				return 0;
			s->has_reason = 1;
		}
		if (!pw_der_done(&c, "revokedInfo", err))
			return 0;
	} else {
		pw_error_set(err, PW_ERR_PARSE, 1, c.off, "singleResponse.certStatus",
		             "expected [0] good, [1] revoked or [2] unknown, found %s",
		             pw_der_tag_name(tag));
		return 0;
	}
	if (!get_gtime(&seq, &s->this_update, err, "singleResponse.thisUpdate") ||
	    !pw_der_get_optional(&seq, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present) {
		if (!get_gtime(&c, &s->next_update, err, "singleResponse.nextUpdate") ||
		    !pw_der_done(&c, "nextUpdate", err))
			return 0;
		s->has_next_update = 1;
	}
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(1), &c, &present, err))
		return 0;
	if (present && (!pw_der_get(&c, PW_DER_SEQUENCE, &s->ext_list, err) ||
	                !pw_der_done(&c, "singleExtensions", err)))
		return 0;
	return pw_der_done(&seq, "singleResponse", err);
}

/* BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData,
 *   signatureAlgorithm AlgorithmIdentifier, signature BIT STRING,
 *   certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL } */
static int parse_basic(struct pw_arena *a, struct pw_ocsp_resp *r, const struct pw_der *bytes,
                       struct pw_error *err)
{
	struct pw_der d = *bytes, basic, tbs, c;
	int present;
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &basic, err) || !pw_der_done(&d, "BasicOCSPResponse", err))
		return 0;
	if (!pw_cert_get_both(&basic, PW_DER_SEQUENCE, &tbs, &r->tbs, err))
		return 0;
	/* ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
	 *   responderID ResponderID, producedAt GeneralizedTime,
	 *   responses SEQUENCE OF SingleResponse,
	 *   responseExtensions [1] EXPLICIT Extensions OPTIONAL } */
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present && (!pw_der_get_uint64(&c, &r->version, err) || !pw_der_done(&c, "version", err)))
		return 0;
	uint32_t tag;
	struct pw_der rid;
	if (!pw_der_get_any(&tbs, &tag, &rid, NULL, err))
		return 0;
	if (tag == PW_DER_CTX_CONS(1)) {
		r->responder_by_name = 1;
		if (!pw_cert_parse_name(a, &rid, &r->responder_name, err, "responderID.byName") ||
		    !pw_der_done(&rid, "responderID", err))
			return 0;
	} else if (tag == PW_DER_CTX_CONS(2)) {
		if (!pw_der_get(&rid, PW_DER_OCTET_STRING, &r->responder_key_hash, err) ||
		    !pw_der_done(&rid, "responderID", err))
			return 0;
	} else {
		pw_error_set(err, PW_ERR_PARSE, 1, rid.off, "responderID",
		             "expected [1] byName or [2] byKey, found %s", pw_der_tag_name(tag));
		return 0;
	}
	struct pw_der list;
	size_t n = 0;
	if (!get_gtime(&tbs, &r->produced_at, err, "producedAt") ||
	    !pw_der_get(&tbs, PW_DER_SEQUENCE, &list, err) ||
	    !pw_cert_count_elements(&list, PW_OCSP_MAX_SINGLE_RESPONSES, &n, err, "responses"))
		return 0;
	r->responses = pw_arena_zalloc(a, (n ? n : 1) * sizeof *r->responses);
	if (r->responses == NULL)
		return pw_cert_err_nomem(err, "responses");
	for (size_t i = 0; i < n; i++)
		if (!parse_single(&list, &r->responses[i], err))
			return 0;
	r->n_responses = n;
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(1), &c, &present, err))
		return 0;
	if (present && (!pw_der_get(&c, PW_DER_SEQUENCE, &r->response_ext_list, err) ||
	                !pw_der_done(&c, "responseExtensions", err)))
		return 0;
	if (!pw_der_done(&tbs, "tbsResponseData", err) ||
	    !pw_cert_parse_algid(&basic, &r->sig_alg, err, "signatureAlgorithm") ||
	    !pw_der_get_bit_string(&basic, &r->sig_value, &r->sig_unused_bits, err) ||
	    !pw_der_get_optional(&basic, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present && (!pw_der_get(&c, PW_DER_SEQUENCE, &r->certs, err) || !pw_der_done(&c, "certs", err)))
		return 0;
	return pw_der_done(&basic, "BasicOCSPResponse", err);
}

enum pw_status pw_ocsp_resp_parse(struct pw_ocsp_resp *r, const uint8_t *der, size_t len,
                                  struct pw_error *err)
{
	void *arena = r->arena_;
	memset(r, 0, sizeof *r);
	r->arena_ = arena;
	pw_error_clear(err);
	if (len > PW_OCSP_MAX_DER)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "OCSPResponse",
		                    "response is %zu bytes, more than the %u-byte limit", len,
		                    PW_OCSP_MAX_DER);
	if (!pw_arena_reset((struct pw_arena **)&r->arena_))
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, "OCSPResponse", "out of memory");
	struct pw_arena *a = r->arena_;
	struct pw_der in, resp, c;
	int present;
	pw_der_init(&in, der, len);
	/* OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus,
	 *   responseBytes [0] EXPLICIT ResponseBytes OPTIONAL } */
	if (!pw_cert_get_both(&in, PW_DER_SEQUENCE, &resp, &r->der, err) ||
	    !pw_der_done(&in, "OCSPResponse", err) ||
	    !pw_der_get_enumerated(&resp, &r->status, err) ||
	    !pw_der_get_optional(&resp, PW_DER_CTX_CONS(0), &c, &present, err))
		goto fail;
	if (present) {
		/* ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING } */
		struct pw_der rb, type, bytes;
		if (!pw_der_get(&c, PW_DER_SEQUENCE, &rb, err) || !pw_der_done(&c, "responseBytes", err) ||
		    !pw_der_get_oid(&rb, &type, err) ||
		    !pw_der_get(&rb, PW_DER_OCTET_STRING, &bytes, err) ||
		    !pw_der_done(&rb, "responseBytes", err))
			goto fail;
		if (pw_oid_lookup(&type) == PW_OID_OCSP_BASIC) {
			if (!parse_basic(a, r, &bytes, err))
				goto fail;
			r->has_basic = 1;
		}
	}
	if (!pw_der_done(&resp, "OCSPResponse", err))
		goto fail;
	pw_cert_sha256(der, len, r->sha256);
	return PW_OK;
fail:
	if (err != NULL && err->status == PW_OK)
		err->status = PW_ERR_PARSE;
	return err != NULL ? err->status : PW_ERR_PARSE;
}
