/* CRL parser (RFC 5280 §5.1). CRLs can be large (PW_CRL_MAX_DER); entries
 * are counted first and stored in one arena array. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

void pw_crl_init(struct pw_crl *l)
{
	memset(l, 0, sizeof *l);
}

void pw_crl_cleanup(struct pw_crl *l)
{
	if (l == NULL)
		return;
	pw_arena_free(l->arena_);
	memset(l, 0, sizeof *l);
}

/* The number of revoked certificates a CRL may list: bounded by the size
 * limit (an entry is at least 2 + 3 + 15 bytes). */
#define PW_CRL_MAX_ENTRIES (PW_CRL_MAX_DER / 20u)

/* Records why extension e failed to decode: de (the decoder's error, its
 * field defaulting to name) copied into the arena. */
static void mark_failed(struct pw_arena *a, struct pw_ext *e, struct pw_error *de,
                        const char *name)
{
	struct pw_error *kept;
	e->decoded_ok = 0;
	if (de->field[0] == '\0')
		snprintf(de->field, sizeof de->field, "%s", name);
	if ((kept = pw_arena_alloc(a, sizeof *kept)) != NULL)
		*kept = *de;
	e->decode_err = kept;
}

/* CRL entry extensions (RFC 5280 §5.3): reasonCode and invalidityDate. */
static void decode_entry_exts(struct pw_arena *a, struct pw_crl *l, struct pw_crl_entry *en)
{
	for (size_t i = 0; i < en->n_exts; i++) {
		struct pw_ext *e = &en->exts[i];
		struct pw_der d = e->value;
		struct pw_error de;
		pw_error_clear(&de);
		if (e->id == PW_OID_EXT_CRL_REASON && !en->has_reason) {
			/* CRLReason ::= ENUMERATED */
			if (!pw_der_get_enumerated(&d, &en->reason, &de) ||
			    !pw_der_done(&d, "reasonCode", &de))
				mark_failed(a, e, &de, "crlEntryExtensions.reasonCode");
			else
				en->has_reason = 1;
		} else if (e->id == PW_OID_EXT_INVALIDITY_DATE && !en->has_invalidity_date) {
			/* InvalidityDate ::= GeneralizedTime */
			uint32_t tag;
			int strict = 1, ok = 0;
			if (!pw_cert_get_time(&d, &tag, NULL, &en->invalidity_date, &strict, &ok,
			                      &de, "crlEntryExtensions.invalidityDate") ||
			    !pw_der_done(&d, "invalidityDate", &de)) {
				mark_failed(a, e, &de, "crlEntryExtensions.invalidityDate");
			} else if (tag != PW_DER_GENERALIZED_TIME || !ok) {
				pw_error_set(&de, PW_ERR_PARSE, 1, e->value.off,
				             "crlEntryExtensions.invalidityDate",
				             "invalidityDate is not a GeneralizedTime date");
				mark_failed(a, e, &de, "crlEntryExtensions.invalidityDate");
			} else {
				en->has_invalidity_date = 1;
				if (!strict)
					l->times_strict_ok = 0;
			}
		}
	}
}

static int decode_idp(struct pw_arena *a, struct pw_crl *l, const struct pw_ext *e,
                      struct pw_error *err)
{
	struct pw_der d = e->value, seq, c;
	int present;
	/* IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0]
	 * OPTIONAL, onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE,
	 * onlyContainsCACerts [2] ..., onlySomeReasons [3] ReasonFlags OPTIONAL,
	 * indirectCRL [4] ..., onlyContainsAttributeCerts [5] ... } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
	    !pw_der_done(&d, "issuingDistributionPoint", err))
		return 0;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present && !pw_cert_parse_dp_name(a, &c, &l->idp_dp, err))
		return 0;
	int *flags[] = { NULL, &l->idp_only_user, &l->idp_only_ca, NULL, &l->idp_indirect,
		         &l->idp_only_attr };
	for (unsigned t = 1; t <= 5; t++) {
		if (!pw_der_get_optional(&seq, PW_DER_CTX(t), &c, &present, err))
			return 0;
		if (!present)
			continue;
		if (t == 3) {
			unsigned unused;
			l->idp_has_reasons = 1;
			if (!pw_cert_bit_string_contents(&c, &l->idp_dp.reasons, &unused, err))
				return 0;
			l->idp_dp.has_reasons = 1;
		} else if (!pw_cert_bool_contents(&c, flags[t], err)) {
			return 0;
		}
	}
	return pw_der_done(&seq, "issuingDistributionPoint", err);
}

static void decode_crl_exts(struct pw_arena *a, struct pw_crl *l)
{
	l->exts_unique_ok = 1;
	for (size_t i = 0; i < l->n_exts; i++) {
		struct pw_ext *e = &l->exts[i];
		struct pw_der d = e->value;
		struct pw_error de;
		int dup = 0;
		pw_error_clear(&de);
		for (size_t j = 0; j < i; j++)
			if (pw_der_equal(&l->exts[j].oid, &e->oid))
				dup = 1;
		if (dup) {
			l->exts_unique_ok = 0;
			continue;
		}
		switch (e->id) {
		case PW_OID_EXT_CRL_NUMBER:
			/* CRLNumber ::= INTEGER (0..MAX) (RFC 5280 §5.2.3) */
			if (!pw_der_get_integer(&d, &l->crl_number, &de) ||
			    !pw_der_done(&d, "cRLNumber", &de))
				mark_failed(a, e, &de, "crlExtensions.cRLNumber");
			else
				l->has_crl_number = 1;
			break;
		case PW_OID_EXT_AKI: {
			struct pw_der seq;
			int has = 0;
			if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, &de) ||
			    !pw_der_done(&d, "authorityKeyIdentifier", &de) ||
			    !pw_der_get_optional(&seq, PW_DER_CTX(0), &l->aki_key_id, &has,
			                         &de)) {
				mark_failed(a, e, &de, "crlExtensions.authorityKeyIdentifier");
				break;
			}
			l->has_aki = 1;
			if (!has)
				l->aki_key_id.len = 0;
			break;
		}
		case PW_OID_EXT_ISSUING_DISTRIBUTION_POINT:
			l->has_idp = 1;
			l->idp_decoded_ok = decode_idp(a, l, e, &de);
			if (!l->idp_decoded_ok)
				mark_failed(a, e, &de, "crlExtensions.issuingDistributionPoint");
			break;
		default:
			break;
		}
	}
}

/* crlEntryExtensions of one entry: the checks of pw_cert_parse_ext_list
 * (same errors, same order), but each Extension is decoded into small
 * locals and written once into its arena slot. The generic parser builds a
 * whole struct pw_ext (with its embedded error) on the stack and copies it;
 * for a CRL of a million entries that copy was a large part of linting the
 * CRL pkiward had just signed (issue 5: build, lint and sign in < 1 s). */
static int parse_entry_exts(struct pw_arena *a, const struct pw_der *list, struct pw_ext **out,
                            size_t *out_n, struct pw_error *err)
{
	static const char field[] = "tbsCertList.revokedCertificates.crlEntryExtensions";
	size_t cap = list->len / PW_CERT_MIN_EXT_BYTES, n = 0;
	struct pw_ext *v = NULL;
	struct pw_der d = *list;
	if (cap > PW_CERT_MAX_EXTENSIONS)
		cap = PW_CERT_MAX_EXTENSIONS;
	*out = NULL;
	*out_n = 0;
	if (cap > 0 && (v = pw_arena_alloc(a, cap * sizeof *v)) == NULL)
		return pw_cert_err_nomem(err, field);
	while (pw_der_len(&d) > 0) {
		struct pw_der seq, oid, value;
		int critical = 0, critical_present = 0;
		size_t off = pw_der_offset(&d);
		struct pw_ext *e;
		/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT
		 * FALSE, extnValue OCTET STRING } */
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_get_oid(&seq, &oid, err))
			goto fail;
		if (pw_der_peek_tag(&seq, PW_DER_BOOLEAN)) {
			critical_present = 1;
			if (!pw_der_get_bool(&seq, &critical, err))
				goto fail;
		}
		if (!pw_der_get(&seq, PW_DER_OCTET_STRING, &value, err) ||
		    !pw_der_done(&seq, "Extension", err))
			goto fail;
		if (n == cap) {
			pw_error_set(err, PW_ERR_LIMIT, 1, off, field, "more than %d extensions",
			             PW_CERT_MAX_EXTENSIONS);
			return 0;
		}
		e = &v[n++];
		e->id = pw_oid_lookup(&oid);
		e->oid = oid;
		e->critical = critical;
		e->critical_present = critical_present;
		e->value = value;
		e->decoded_ok = 1;
		e->offset = off;
		e->decode_err = NULL;
	}
	*out = n ? v : NULL;
	*out_n = n;
	return 1;
fail:
	pw_cert_err_field(err, field);
	return 0;
}

/* revokedCertificates SEQUENCE OF SEQUENCE { userCertificate INTEGER,
 * revocationDate Time, crlEntryExtensions Extensions OPTIONAL } */
static int parse_entries(struct pw_arena *a, struct pw_crl *l, const struct pw_der *list,
                         struct pw_error *err)
{
	size_t n;
	if (!pw_cert_count_elements(list, PW_CRL_MAX_ENTRIES, &n, err,
	                            "tbsCertList.revokedCertificates"))
		return 0;
	if (n == 0)
		return 1;
	l->entries = pw_arena_zalloc(a, n * sizeof *l->entries);
	if (l->entries == NULL)
		return pw_cert_err_nomem(err, "tbsCertList.revokedCertificates");
	struct pw_der d = *list;
	for (size_t i = 0; i < n; i++) {
		struct pw_crl_entry *en = &l->entries[i];
		struct pw_der seq;
		int ok = 1;
		en->offset = pw_der_offset(&d);
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
		    !pw_der_get_integer(&seq, &en->serial, err))
			goto fail;
		if (!pw_cert_get_time(&seq, &en->revocation_date_tag, NULL, &en->revocation_date,
		                      &l->times_strict_ok, &ok, err,
		                      "tbsCertList.revokedCertificates.revocationDate"))
			return 0;
		if (!ok)
			l->times_strict_ok = 0;
		en->ext_list.p = seq.p + seq.len;
		en->ext_list.off = seq.off + seq.len;
		if (pw_der_len(&seq) > 0) {
			if (!pw_der_get(&seq, PW_DER_SEQUENCE, &en->ext_list, err))
				goto fail;
			if (!parse_entry_exts(a, &en->ext_list, &en->exts, &en->n_exts, err))
				return 0;
		}
		if (!pw_der_done(&seq, "revokedCertificate", err))
			goto fail;
		l->n_entries = i + 1;
		decode_entry_exts(a, l, en);
	}
	return 1;
fail:
	pw_cert_err_field(err, "tbsCertList.revokedCertificates");
	return 0;
}

enum pw_status pw_crl_parse(struct pw_crl *l, const uint8_t *der, size_t len,
                            struct pw_error *err)
{
	return pw_crl_parse_ex(l, der, len, 0, err);
}

enum pw_status pw_crl_parse_ex(struct pw_crl *l, const uint8_t *der, size_t len, unsigned flags,
                               struct pw_error *err)
{
	struct pw_error local;
	struct pw_arena *a = l->arena_;
	struct pw_der d, crl, tbs, v;
	int present, ok = 1;

	if (err == NULL)
		err = &local;
	pw_error_clear(err);
	memset(l, 0, sizeof *l);
	l->arena_ = a;
	if (!pw_arena_reset(&a)) {
		pw_cert_err_nomem(err, NULL);
		goto out;
	}
	l->arena_ = a;
	if (der == NULL && len != 0) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL input");
		goto out;
	}
	if (len > PW_CRL_MAX_DER) {
		pw_error_set(err, PW_ERR_LIMIT, 0, 0, "certificateList",
		             "%zu bytes exceed the %u-byte CRL limit", len, PW_CRL_MAX_DER);
		goto out;
	}
	pw_der_init(&d, der, len);
	l->der = d;
	l->times_strict_ok = 1;
	/* CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm,
	 * signatureValue BIT STRING } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &crl, err) || !pw_der_done(&d, "certificateList", err))
		PW_CERT_FAIL("certificateList");
	/* TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature,
	 * issuer, thisUpdate, nextUpdate OPTIONAL, revokedCertificates
	 * OPTIONAL, crlExtensions [0] EXPLICIT OPTIONAL } */
	if (!pw_cert_get_both(&crl, PW_DER_SEQUENCE, &tbs, &l->tbs, err))
		PW_CERT_FAIL("tbsCertList");
	if (pw_der_peek_tag(&tbs, PW_DER_INTEGER)) {
		l->version_present = 1;
		if (!pw_der_get_uint64(&tbs, &l->version, err))
			PW_CERT_FAIL("tbsCertList.version");
	}
	if (!pw_cert_parse_algid(&tbs, &l->sig_alg_inner, err, "tbsCertList.signature"))
		goto out;
	if (!pw_cert_parse_name(a, &tbs, &l->issuer, err, "tbsCertList.issuer"))
		goto out;
	if (!pw_cert_get_time(&tbs, &l->this_update_tag, NULL, &l->this_update, &l->times_strict_ok,
	                      &ok, err, "tbsCertList.thisUpdate"))
		goto out;
	if (!ok)
		l->times_strict_ok = 0;
	if (pw_der_peek_tag(&tbs, PW_DER_UTC_TIME) || pw_der_peek_tag(&tbs, PW_DER_GENERALIZED_TIME)) {
		l->has_next_update = 1;
		if (!pw_cert_get_time(&tbs, &l->next_update_tag, NULL, &l->next_update,
		                      &l->times_strict_ok, &ok, err, "tbsCertList.nextUpdate"))
			goto out;
		if (!ok)
			l->times_strict_ok = 0;
	}
	if (!pw_der_get_optional(&tbs, PW_DER_SEQUENCE, &v, &present, err))
		PW_CERT_FAIL("tbsCertList.revokedCertificates");
	if (present && !parse_entries(a, l, &v, err))
		goto out;
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(0), &v, &present, err))
		PW_CERT_FAIL("tbsCertList.crlExtensions");
	if (present) {
		struct pw_der seq;
		if (!pw_der_get(&v, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&v, "crlExtensions", err))
			PW_CERT_FAIL("tbsCertList.crlExtensions");
		if (!pw_cert_parse_ext_list(a, &seq, &l->exts, &l->n_exts, err,
		                            "tbsCertList.crlExtensions"))
			goto out;
	}
	if (!pw_der_done(&tbs, "tbsCertList", err))
		PW_CERT_FAIL("tbsCertList");
	decode_crl_exts(a, l);
	if (!pw_cert_parse_algid(&crl, &l->sig_alg_outer, err, "signatureAlgorithm"))
		goto out;
	if (!pw_der_get_bit_string(&crl, &l->sig_value, &l->sig_unused_bits, err))
		PW_CERT_FAIL("signatureValue");
	if (!pw_der_done(&crl, "certificateList", err))
		PW_CERT_FAIL("certificateList");
	if (!(flags & PW_CERT_PARSE_NO_HASHES))
		pw_cert_sha256(der, len, l->sha256);
	return PW_OK;
out:
	if (err->status == PW_OK)
		pw_error_set(err, PW_ERR_PARSE, 0, 0, "certificateList", "parse failed");
	return err->status;
}
