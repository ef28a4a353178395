/* Certificate / precertificate / TBSCertificate parser (RFC 5280 §4.1). */
#include <string.h>

#include "internal.h"

void pw_cert_init(struct pw_cert *c)
{
	memset(c, 0, sizeof *c);
}

void pw_cert_cleanup(struct pw_cert *c)
{
	if (c == NULL)
		return;
	pw_arena_free(c->arena_);
	memset(c, 0, sizeof *c);
}

/* Clears every field but keeps the arena, rewound. */
static int begin(struct pw_cert *c, struct pw_arena **out_a, struct pw_error *err)
{
	struct pw_arena *a = c->arena_;
	memset(c, 0, sizeof *c);
	if (!pw_arena_reset(&a))
		return pw_cert_err_nomem(err, NULL);
	c->arena_ = a;
	*out_a = a;
	return 1;
}

/* TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber,
 * signature, issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID
 * [1] IMPLICIT OPTIONAL, subjectUniqueID [2] IMPLICIT OPTIONAL, extensions
 * [3] EXPLICIT OPTIONAL } */
static int parse_tbs(struct pw_arena *a, struct pw_cert *c, struct pw_der *d, unsigned flags,
                     struct pw_error *err)
{
	int ok = 0;
	struct pw_der tbs, tbs_contents, v, validity, ext_elem = { 0 }, ext_seq = { 0 };
	int present;

	if (!pw_cert_get_both(d, PW_DER_SEQUENCE, &tbs, &c->tbs, err))
		PW_CERT_FAIL("tbsCertificate");
	tbs_contents = tbs;
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(0), &v, &c->version_present, err))
		PW_CERT_FAIL("tbsCertificate.version");
	if (c->version_present) {
		if (!pw_der_get_uint64(&v, &c->version, err) || !pw_der_done(&v, "version", err))
			PW_CERT_FAIL("tbsCertificate.version");
	}
	if (!pw_der_get_integer(&tbs, &c->serial, err))
		PW_CERT_FAIL("tbsCertificate.serialNumber");
	if (!pw_cert_parse_algid(&tbs, &c->sig_alg_inner, err, "tbsCertificate.signature"))
		goto out;
	if (!pw_cert_parse_name(a, &tbs, &c->issuer, err, "tbsCertificate.issuer"))
		goto out;
	if (!pw_der_get(&tbs, PW_DER_SEQUENCE, &validity, err))
		PW_CERT_FAIL("tbsCertificate.validity");
	c->validity_strict_ok = 1;
	int nb_ok = 0, na_ok = 0;
	if (!pw_cert_get_time(&validity, &c->not_before_tag, &c->not_before_raw, &c->not_before,
	                      &c->validity_strict_ok, &nb_ok, err,
	                      "tbsCertificate.validity.notBefore"))
		goto out;
	if (!pw_cert_get_time(&validity, &c->not_after_tag, &c->not_after_raw, &c->not_after,
	                      &c->validity_strict_ok, &na_ok, err,
	                      "tbsCertificate.validity.notAfter"))
		goto out;
	c->validity_ok = nb_ok && na_ok;
	if (!pw_der_done(&validity, "validity", err))
		PW_CERT_FAIL("tbsCertificate.validity");
	if (!pw_cert_parse_name(a, &tbs, &c->subject, err, "tbsCertificate.subject"))
		goto out;
	if (!pw_cert_parse_spki_ex(&tbs, &c->spki, !(flags & PW_CERT_PARSE_NO_HASHES), err))
		goto out;
	if (!pw_der_get_optional(&tbs, PW_DER_CTX(1), &v, &c->has_issuer_uid, err))
		PW_CERT_FAIL("tbsCertificate.issuerUniqueID");
	if (c->has_issuer_uid) {
		unsigned unused;
		if (!pw_cert_bit_string_contents(&v, &c->issuer_uid, &unused, err))
			PW_CERT_FAIL("tbsCertificate.issuerUniqueID");
	}
	if (!pw_der_get_optional(&tbs, PW_DER_CTX(2), &v, &c->has_subject_uid, err))
		PW_CERT_FAIL("tbsCertificate.subjectUniqueID");
	if (c->has_subject_uid) {
		unsigned unused;
		if (!pw_cert_bit_string_contents(&v, &c->subject_uid, &unused, err))
			PW_CERT_FAIL("tbsCertificate.subjectUniqueID");
	}
	present = pw_der_peek_tag(&tbs, PW_DER_CTX_CONS(3));
	if (present) {
		c->has_ext_list = 1;
		if (!pw_cert_get_both(&tbs, PW_DER_CTX_CONS(3), &v, &ext_elem, err) ||
		    !pw_der_get(&v, PW_DER_SEQUENCE, &ext_seq, err) ||
		    !pw_der_done(&v, "extensions", err))
			PW_CERT_FAIL("tbsCertificate.extensions");
	}
	if (!pw_der_done(&tbs, "tbsCertificate", err))
		PW_CERT_FAIL("tbsCertificate");
	if (present && !pw_cert_parse_ext_list(a, &ext_seq, &c->exts, &c->n_exts, err,
	                                       "tbsCertificate.extensions"))
		goto out;
	int dup;
	pw_cert_decode_exts(a, c->exts, c->n_exts, &c->x, &dup, &c->has_unknown_critical);
	c->exts_unique_ok = !dup;
	c->is_ca = c->x.bc.present && c->x.bc.ca;
	c->is_self_issued = pw_der_equal(&c->issuer.raw, &c->subject.raw);
	if (!present)
		ext_elem.off = tbs_contents.off + tbs_contents.len;
	if (!(flags & PW_CERT_PARSE_NO_HASHES) && !pw_cert_link_sha256(a, c, &tbs_contents, &ext_elem, err))
		goto out;
	ok = 1;
out:
	return ok;
}

enum pw_status pw_cert_parse(struct pw_cert *c, const uint8_t *der, size_t len,
                             struct pw_error *err)
{
	return pw_cert_parse_ex(c, der, len, 0, err);
}

enum pw_status pw_cert_parse_ex(struct pw_cert *c, const uint8_t *der, size_t len, unsigned flags,
                                struct pw_error *err)
{
	struct pw_arena *a = NULL;
	struct pw_der d, cert;
	struct pw_error local;

	if (err == NULL)
		err = &local;
	pw_error_clear(err);
	if (!begin(c, &a, err))
		goto out;
	if (der == NULL && len != 0) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL input");
		goto out;
	}
	if (len > PW_CERT_MAX_DER) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "certificate",
		             "%zu bytes exceed the %u-byte certificate limit", len, PW_CERT_MAX_DER);
		goto out;
	}
	pw_der_init(&d, der, len);
	c->der = d;
	/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
	 * signatureValue BIT STRING } (RFC 5280 §4.1) */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &cert, err))
		PW_CERT_FAIL("certificate");
	if (!pw_der_done(&d, "certificate", err))
		PW_CERT_FAIL("certificate");
	if (!parse_tbs(a, c, &cert, flags, err))
		goto out;
	if (!pw_cert_parse_algid(&cert, &c->sig_alg_outer, err, "signatureAlgorithm"))
		goto out;
	if (!pw_der_get_bit_string(&cert, &c->sig_value, &c->sig_unused_bits, err))
		PW_CERT_FAIL("signatureValue");
	if (!pw_der_done(&cert, "Certificate", err))
		PW_CERT_FAIL("certificate");
	c->kind = c->x.ct_poison.present ? PW_KIND_PRECERT : PW_KIND_CERT;
	if (!(flags & PW_CERT_PARSE_NO_HASHES))
		pw_cert_sha256(der, len, c->sha256);
	return PW_OK;
out:
	if (err->status == PW_OK)
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "certificate", "parse failed");
	return err->status;
}

enum pw_status pw_cert_parse_tbs(struct pw_cert *c, const uint8_t *der, size_t len,
                                 struct pw_error *err)
{
	struct pw_arena *a = NULL;
	struct pw_der d;
	struct pw_error local;

	if (err == NULL)
		err = &local;
	pw_error_clear(err);
	if (!begin(c, &a, err))
		goto out;
	if (der == NULL && len != 0) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL input");
		goto out;
	}
	if (len > PW_CERT_MAX_DER) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "tbsCertificate",
		             "%zu bytes exceed the %u-byte certificate limit", len, PW_CERT_MAX_DER);
		goto out;
	}
	pw_der_init(&d, der, len);
	c->der = d;
	if (!parse_tbs(a, c, &d, 0, err))
		goto out;
	if (!pw_der_done(&d, "tbsCertificate", err))
		PW_CERT_FAIL("tbsCertificate");
	c->kind = PW_KIND_TBS;
	pw_cert_sha256(der, len, c->sha256);
	return PW_OK;
out:
	if (err->status == PW_OK)
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "tbsCertificate", "parse failed");
	return err->status;
}

const struct pw_ext *pw_cert_get0_ext(const struct pw_cert *c, enum pw_oid id)
{
	for (size_t i = 0; i < c->n_exts; i++)
		if (c->exts[i].id == id)
			return &c->exts[i];
	return NULL;
}

size_t pw_cert_count_ext(const struct pw_cert *c, enum pw_oid id)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_exts; i++)
		n += c->exts[i].id == id;
	return n;
}
