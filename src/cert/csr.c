/* PKCS#10 certification request parser (RFC 2986 §4). */
#include <string.h>

#include "internal.h"

void pw_csr_init(struct pw_csr *r)
{
	memset(r, 0, sizeof *r);
}

void pw_csr_cleanup(struct pw_csr *r)
{
	if (r == NULL)
		return;
	pw_arena_free(r->arena_);
	memset(r, 0, sizeof *r);
}

/* Attribute ::= SEQUENCE { type OID, values SET SIZE(1..MAX) OF ANY }; the
 * extensionRequest attribute (PKCS#9, RFC 2985 §5.4.2) holds one Extensions
 * SEQUENCE. Only the first extensionRequest is taken. */
static int parse_attributes(struct pw_arena *a, struct pw_csr *r, struct pw_error *err)
{
	struct pw_der d = r->attributes;
	while (pw_der_len(&d) > 0) {
		struct pw_der attr, oid, values;
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &attr, err) || !pw_der_get_oid(&attr, &oid, err) ||
		    !pw_der_get(&attr, PW_DER_SET, &values, err) ||
		    !pw_der_done(&attr, "Attribute", err))
			return 0;
		if (pw_oid_lookup(&oid) != PW_OID_PKCS9_EXTENSION_REQUEST || r->has_ext_request)
			continue;
		struct pw_der exts;
		r->has_ext_request = 1;
		if (!pw_der_get(&values, PW_DER_SEQUENCE, &exts, err) ||
		    !pw_der_done(&values, "extensionRequest", err))
			return 0;
		if (!pw_cert_parse_ext_list(a, &exts, &r->exts, &r->n_exts, err,
		                            "certificationRequestInfo.attributes.extensionRequest"))
			return 0;
	}
	return 1;
}

enum pw_status pw_csr_parse(struct pw_csr *r, const uint8_t *der, size_t len,
                            struct pw_error *err)
{
	struct pw_error local;
	struct pw_arena *a = r->arena_;
	struct pw_der d, req, info;

	if (err == NULL)
		err = &local;
	pw_error_clear(err);
	memset(r, 0, sizeof *r);
	r->arena_ = a;
	if (!pw_arena_reset(&a)) {
		pw_cert_err_nomem(err, NULL);
		goto out;
	}
	r->arena_ = a;
	if (der == NULL && len != 0) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL input");
		goto out;
	}
	if (len > PW_CERT_MAX_DER) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "certificationRequest",
		             "%zu bytes exceed the %u-byte limit", len, PW_CERT_MAX_DER);
		goto out;
	}
	pw_der_init(&d, der, len);
	r->der = d;
	/* CertificationRequest ::= SEQUENCE { certificationRequestInfo,
	 * signatureAlgorithm, signature BIT STRING } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &req, err) ||
	    !pw_der_done(&d, "certificationRequest", err))
		PW_CERT_FAIL("certificationRequest");
	/* CertificationRequestInfo ::= SEQUENCE { version INTEGER, subject
	 * Name, subjectPKInfo, attributes [0] IMPLICIT Attributes } */
	if (!pw_cert_get_both(&req, PW_DER_SEQUENCE, &info, &r->info, err))
		PW_CERT_FAIL("certificationRequestInfo");
	if (!pw_der_get_uint64(&info, &r->version, err))
		PW_CERT_FAIL("certificationRequestInfo.version");
	if (!pw_cert_parse_name(a, &info, &r->subject, err, "certificationRequestInfo.subject"))
		goto out;
	if (!pw_cert_parse_spki(&info, &r->spki, err))
		goto out;
	/* The [0] is mandatory in RFC 2986, but some requesters omit it when
	 * empty; that is a lint finding (has_attributes = 0), not a parse error. */
	if (!pw_der_get_optional(&info, PW_DER_CTX_CONS(0), &r->attributes, &r->has_attributes, err))
		PW_CERT_FAIL("certificationRequestInfo.attributes");
	if (!pw_der_done(&info, "certificationRequestInfo", err))
		PW_CERT_FAIL("certificationRequestInfo");
	if (!parse_attributes(a, r, err))
		PW_CERT_FAIL("certificationRequestInfo.attributes");
	int dup;
	pw_cert_decode_exts(a, r->exts, r->n_exts, &r->x, &dup, &r->has_unknown_critical);
	r->exts_unique_ok = !dup;
	if (!pw_cert_parse_algid(&req, &r->sig_alg, err, "signatureAlgorithm"))
		goto out;
	if (!pw_der_get_bit_string(&req, &r->sig_value, &r->sig_unused_bits, err))
		PW_CERT_FAIL("signature");
	if (!pw_der_done(&req, "certificationRequest", err))
		PW_CERT_FAIL("certificationRequest");
	pw_cert_sha256(der, len, r->sha256);
	return PW_OK;
out:
	if (err->status == PW_OK)
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "certificationRequest", "parse failed");
	return err->status;
}
