/* Extensions (RFC 5280 §4.1.2.9, §4.2): the raw list, then a decoder per
 * standard extension. A value that fails to decode marks that extension
 * (decoded_ok = 0, decode_err) and leaves the certificate parseable, so a
 * lint can report e.g. "SAN is not valid DER" instead of the file being
 * rejected. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

int pw_cert_parse_ext_list(struct pw_arena *a, const struct pw_der *seq_contents,
                           struct pw_ext **out, size_t *out_n, struct pw_error *err,
                           const char *field)
{
	/* One pass into an array sized for the most extensions these bytes can
	 * hold (each is at least PW_CERT_MIN_EXT_BYTES), capped by the limit. */
	size_t cap = seq_contents->len / PW_CERT_MIN_EXT_BYTES, n = 0;
	if (cap > PW_CERT_MAX_EXTENSIONS)
		cap = PW_CERT_MAX_EXTENSIONS;
	*out = NULL;
	*out_n = 0;
	struct pw_ext *v = NULL;
	if (cap > 0) {
		v = pw_arena_alloc(a, cap * sizeof *v);
		if (v == NULL)
			return pw_cert_err_nomem(err, field);
	}
	struct pw_der d = *seq_contents;
	while (pw_der_len(&d) > 0) {
		struct pw_ext e;
		struct pw_der seq;
		e.offset = pw_der_offset(&d);
		e.critical = 0;
		e.critical_present = 0;
		e.decoded_ok = 1;
		/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE,
		 * extnValue OCTET STRING }. An encoded FALSE breaks DER (X.690
		 * §11.5) but is recorded (critical_present) for a lint. */
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_oid_get(&seq, &e.oid, &e.id, err))
			goto fail;
		if (pw_der_peek_tag(&seq, PW_DER_BOOLEAN)) {
			e.critical_present = 1;
			if (!pw_der_get_bool(&seq, &e.critical, err))
				goto fail;
		}
		if (!pw_der_get(&seq, PW_DER_OCTET_STRING, &e.value, err) ||
		    !pw_der_done(&seq, "Extension", err))
			goto fail;
		if (n == cap) {
			pw_error_set(err, PW_ERR_LIMIT, 1, e.offset, field, "more than %d extensions",
			             PW_CERT_MAX_EXTENSIONS);
			return 0;
		}
		struct pw_ext *o = &v[n++];
		o->id = e.id;
		o->oid = e.oid;
		o->critical = e.critical;
		o->critical_present = e.critical_present;
		o->value = e.value;
		o->decoded_ok = e.decoded_ok;
		o->offset = e.offset;
		o->decode_err = NULL;
	}
	*out = n ? v : NULL;
	*out_n = n;
	return 1;
fail:
	pw_cert_err_field(err, field);
	return 0;
}

/* A cursor over an extension's value. */
static void value_cursor(const struct pw_ext *e, struct pw_der *d)
{
	*d = e->value;
}

static int decode_bc(const struct pw_ext *e, struct pw_cert_exts *x, struct pw_error *err)
{
	struct pw_der d, seq;
	value_cursor(e, &d);
	/* BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
	 * pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&d, "basicConstraints", err))
		return 0;
	/* cA is stored before pathLenConstraint is read so that a lint still
	 * sees a CA whose path length is invalid (e.g. negative). */
	if (pw_der_peek_tag(&seq, PW_DER_BOOLEAN)) {
		x->bc.ca_encoded = 1;
		if (!pw_der_get_bool(&seq, &x->bc.ca, err))
			return 0;
	}
	if (pw_der_peek_tag(&seq, PW_DER_INTEGER)) {
		x->bc.has_pathlen = 1;
		if (!pw_der_get_uint64(&seq, &x->bc.pathlen, err))
			return 0;
	}
	return pw_der_done(&seq, "basicConstraints", err);
}

static int decode_ku(const struct pw_ext *e, struct pw_cert_exts *x, struct pw_error *err)
{
	struct pw_der d, bits;
	unsigned unused;
	value_cursor(e, &d);
	if (!pw_der_get_bit_string(&d, &bits, &unused, err) || !pw_der_done(&d, "keyUsage", err))
		return 0;
	unsigned v = 0;
	size_t n_bits = bits.len * 8 - unused;
	for (size_t i = 0; i < n_bits && i < 32; i++)
		if (bits.p[i / 8] & (0x80u >> (i % 8)))
			v |= 1u << i;
	x->ku.bits = v;
	x->ku.n_bits = n_bits > 0xFFFFu ? 0xFFFFu : (unsigned)n_bits;
	return 1;
}

static int decode_eku(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                      struct pw_error *err)
{
	struct pw_der d, seq;
	size_t n;
	value_cursor(e, &d);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&d, "extKeyUsage", err))
		return 0;
	if (!pw_cert_count_elements(&seq, PW_CERT_MAX_EXTENSIONS, &n, err, NULL))
		return 0;
	enum pw_oid *ids = n ? pw_arena_alloc(a, n * sizeof *ids) : NULL;
	struct pw_der *oids = n ? pw_arena_alloc(a, n * sizeof *oids) : NULL;
	if (n && (ids == NULL || oids == NULL))
		return pw_cert_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		if (!pw_oid_get(&seq, &oids[i], &ids[i], err))
			return 0;
	}
	x->eku.ids = ids;
	x->eku.oids = oids;
	x->eku.n = n;
	return 1;
}

static int decode_gns(struct pw_arena *a, const struct pw_ext *e, struct pw_general_names *out,
                      struct pw_error *err)
{
	struct pw_der d, seq;
	value_cursor(e, &d);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&d, "GeneralNames", err))
		return 0;
	return pw_cert_parse_general_names(a, &seq, out, err);
}

static int decode_qualifier(struct pw_der *d, struct pw_policy_qualifier *q, struct pw_error *err)
{
	struct pw_der seq;
	/* PolicyQualifierInfo ::= SEQUENCE { policyQualifierId, qualifier ANY } */
	if (!pw_cert_get_both(d, PW_DER_SEQUENCE, &seq, &q->value, err) ||
	    !pw_oid_get(&seq, &q->oid, &q->id, err))
		return 0;
	if (q->id == PW_OID_QT_CPS) {
		/* CPSuri ::= IA5String; another string type is recorded for a lint. */
		if (!pw_der_get_any(&seq, &q->text_tag, &q->text, NULL, err))
			return 0;
	} else if (q->id == PW_OID_QT_UNOTICE) {
		/* UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL,
		 * explicitText DisplayText OPTIONAL } */
		struct pw_der un;
		if (!pw_der_get(&seq, PW_DER_SEQUENCE, &un, err))
			return 0;
		if (pw_der_peek_tag(&un, PW_DER_SEQUENCE)) {
			q->has_notice_ref = 1;
			if (!pw_der_skip(&un, err))
				return 0;
		}
		if (pw_der_len(&un) > 0 && !pw_der_get_any(&un, &q->text_tag, &q->text, NULL, err))
			return 0;
		if (!pw_der_done(&un, "UserNotice", err))
			return 0;
	} else if (pw_der_len(&seq) > 0 && !pw_der_skip(&seq, err)) {
		return 0;
	}
	return pw_der_done(&seq, "PolicyQualifierInfo", err);
}

static int decode_policies(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                           struct pw_error *err)
{
	struct pw_der d, seq;
	size_t n;
	value_cursor(e, &d);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
	    !pw_der_done(&d, "certificatePolicies", err))
		return 0;
	if (!pw_cert_count_elements(&seq, PW_CERT_MAX_POLICIES, &n, err, NULL))
		return 0;
	struct pw_policy *v = n ? pw_arena_zalloc(a, n * sizeof *v) : NULL;
	if (n && v == NULL)
		return pw_cert_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		struct pw_der pi, qs;
		/* PolicyInformation ::= SEQUENCE { policyIdentifier,
		 * policyQualifiers SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL } */
		if (!pw_der_get(&seq, PW_DER_SEQUENCE, &pi, err) || !pw_oid_get(&pi, &v[i].oid, &v[i].id, err))
			return 0;
		if (pw_der_len(&pi) > 0) {
			size_t nq;
			if (!pw_der_get(&pi, PW_DER_SEQUENCE, &qs, err) ||
			    !pw_cert_count_elements(&qs, PW_CERT_MAX_POLICIES, &nq, err, NULL))
				return 0;
			v[i].q = nq ? pw_arena_zalloc(a, nq * sizeof *v[i].q) : NULL;
			if (nq && v[i].q == NULL)
				return pw_cert_err_nomem(err, NULL);
			for (size_t j = 0; j < nq; j++) {
				if (!decode_qualifier(&qs, &v[i].q[j], err))
					return 0;
				v[i].n_q = j + 1;
			}
		}
		if (!pw_der_done(&pi, "PolicyInformation", err))
			return 0;
	}
	x->policies.v = v;
	x->policies.n = n;
	return 1;
}

static int decode_aki(const struct pw_ext *e, struct pw_cert_exts *x, struct pw_error *err)
{
	struct pw_der d, seq;
	int present;
	value_cursor(e, &d);
	/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT
	 * OCTET STRING OPTIONAL, authorityCertIssuer [1] GeneralNames OPTIONAL,
	 * authorityCertSerialNumber [2] INTEGER OPTIONAL } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
	    !pw_der_done(&d, "authorityKeyIdentifier", err))
		return 0;
	if (!pw_der_get_optional(&seq, PW_DER_CTX(0), &x->aki.key_id, &x->aki.has_key_id, err))
		return 0;
	struct pw_der tmp;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(1), &tmp, &x->aki.has_issuer, err))
		return 0;
	if (!pw_der_get_optional(&seq, PW_DER_CTX(2), &tmp, &present, err))
		return 0;
	if (present && !pw_der_check_integer(&tmp, err))
		return 0;
	x->aki.has_serial = present;
	return pw_der_done(&seq, "authorityKeyIdentifier", err);
}

static int decode_ski(const struct pw_ext *e, struct pw_cert_exts *x, struct pw_error *err)
{
	struct pw_der d;
	value_cursor(e, &d);
	return pw_der_get(&d, PW_DER_OCTET_STRING, &x->ski.key_id, err) &&
	       pw_der_done(&d, "subjectKeyIdentifier", err);
}

static int decode_aia(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                      struct pw_error *err)
{
	struct pw_der d, seq;
	size_t n;
	value_cursor(e, &d);
	/* AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
	    !pw_der_done(&d, "authorityInfoAccess", err))
		return 0;
	if (!pw_cert_count_elements(&seq, PW_CERT_MAX_GENERAL_NAMES, &n, err, NULL))
		return 0;
	struct pw_access_desc *v = n ? pw_arena_alloc(a, n * sizeof *v) : NULL;
	if (n && v == NULL)
		return pw_cert_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++) {
		struct pw_der ad;
		if (!pw_der_get(&seq, PW_DER_SEQUENCE, &ad, err) ||
		    !pw_oid_get(&ad, &v[i].method_oid, &v[i].method, err))
			return 0;
		if (!pw_cert_parse_general_name(a, &ad, &v[i].location, err) ||
		    !pw_der_done(&ad, "AccessDescription", err))
			return 0;
	}
	x->aia.v = v;
	x->aia.n = n;
	return 1;
}

/* DistributionPoint ::= SEQUENCE { distributionPoint [0] OPTIONAL,
 * reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL } */
static int decode_dist_point(struct pw_arena *a, struct pw_der *seq, struct pw_dist_point *dp,
                             struct pw_error *err)
{
	struct pw_der dps, c;
	int present;
	memset(dp, 0, sizeof *dp);
	if (!pw_der_get(seq, PW_DER_SEQUENCE, &dps, err))
		return 0;
	if (!pw_der_get_optional(&dps, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present && !pw_cert_parse_dp_name(a, &c, dp, err))
		return 0;
	if (!pw_der_get_optional(&dps, PW_DER_CTX(1), &c, &dp->has_reasons, err))
		return 0;
	if (dp->has_reasons) {
		unsigned unused;
		if (!pw_cert_bit_string_contents(&c, &dp->reasons, &unused, err))
			return 0;
	}
	if (!pw_der_get_optional(&dps, PW_DER_CTX_CONS(2), &c, &dp->has_crl_issuer, err))
		return 0;
	if (dp->has_crl_issuer && !pw_cert_parse_general_names(a, &c, &dp->crl_issuer, err))
		return 0;
	return pw_der_done(&dps, "DistributionPoint", err);
}

static int decode_crldp(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                        struct pw_error *err)
{
	struct pw_der d, seq;
	size_t n;
	value_cursor(e, &d);
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) ||
	    !pw_der_done(&d, "cRLDistributionPoints", err))
		return 0;
	if (!pw_cert_count_elements(&seq, PW_CERT_MAX_GENERAL_NAMES, &n, err, NULL))
		return 0;
	struct pw_dist_point *v = n ? pw_arena_alloc(a, n * sizeof *v) : NULL;
	if (n && v == NULL)
		return pw_cert_err_nomem(err, NULL);
	for (size_t i = 0; i < n; i++)
		if (!decode_dist_point(a, &seq, &v[i], err))
			return 0;
	x->crldp.v = v;
	x->crldp.n = n;
	return 1;
}

static int decode_subtrees(struct pw_arena *a, const struct pw_der *contents,
                           struct pw_subtree **out, size_t *out_n, struct pw_error *err)
{
	size_t n;
	if (!pw_cert_count_elements(contents, PW_CERT_MAX_GENERAL_NAMES, &n, err, NULL))
		return 0;
	struct pw_subtree *v = n ? pw_arena_alloc(a, n * sizeof *v) : NULL;
	if (n && v == NULL)
		return pw_cert_err_nomem(err, NULL);
	struct pw_der d = *contents;
	for (size_t i = 0; i < n; i++) {
		struct pw_der st, c;
		/* GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0]
		 * BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL } */
		if (!pw_der_get(&d, PW_DER_SEQUENCE, &st, err) ||
		    !pw_cert_parse_general_name(a, &st, &v[i].base, err))
			return 0;
		v[i].min = v[i].max = 0;
		if (!pw_der_get_optional(&st, PW_DER_CTX(0), &c, &v[i].has_min, err))
			return 0;
		if (v[i].has_min && !pw_cert_uint64_contents(&c, &v[i].min, err))
			return 0;
		if (!pw_der_get_optional(&st, PW_DER_CTX(1), &c, &v[i].has_max, err))
			return 0;
		if (v[i].has_max && !pw_cert_uint64_contents(&c, &v[i].max, err))
			return 0;
		if (!pw_der_done(&st, "GeneralSubtree", err))
			return 0;
	}
	*out = v;
	*out_n = n;
	return 1;
}

static int decode_nc(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                     struct pw_error *err)
{
	struct pw_der d, seq, c;
	int present;
	value_cursor(e, &d);
	/* NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees
	 * OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, err) || !pw_der_done(&d, "nameConstraints", err))
		return 0;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(0), &c, &present, err))
		return 0;
	if (present && !decode_subtrees(a, &c, &x->nc.permitted, &x->nc.n_permitted, err))
		return 0;
	if (!pw_der_get_optional(&seq, PW_DER_CTX_CONS(1), &c, &present, err))
		return 0;
	if (present && !decode_subtrees(a, &c, &x->nc.excluded, &x->nc.n_excluded, err))
		return 0;
	return pw_der_done(&seq, "nameConstraints", err);
}

static int decode_sct_list(const struct pw_ext *e, struct pw_cert_exts *x, struct pw_error *err)
{
	struct pw_der d, list;
	value_cursor(e, &d);
	/* RFC 6962 §3.3: the extnValue is an OCTET STRING holding the TLS
	 * encoding of SignedCertificateTimestampList: opaque
	 * SerializedSCT<1..2^16-1> list<1..2^16-1>. */
	if (!pw_der_get(&d, PW_DER_OCTET_STRING, &list, err) ||
	    !pw_der_done(&d, "signedCertificateTimestampList", err))
		return 0;
	x->scts.list = list;
	if (list.len < 2) {
		pw_error_set(err, PW_ERR_PARSE, 1, list.off, NULL, "SCT list shorter than its length");
		return 0;
	}
	size_t total = ((size_t)list.p[0] << 8) | list.p[1];
	if (total != list.len - 2) {
		pw_error_set(err, PW_ERR_PARSE, 1, list.off, NULL,
		             "SCT list length %zu does not match the %zu bytes present", total,
		             list.len - 2);
		return 0;
	}
	size_t pos = 2, n = 0;
	while (pos < list.len) {
		if (list.len - pos < 2) {
			pw_error_set(err, PW_ERR_PARSE, 1, list.off + pos, NULL, "truncated SCT length");
			return 0;
		}
		size_t l = ((size_t)list.p[pos] << 8) | list.p[pos + 1];
		if (l == 0 || l > list.len - pos - 2) {
			pw_error_set(err, PW_ERR_PARSE, 1, list.off + pos, NULL,
			             "SCT length %zu invalid", l);
			return 0;
		}
		pos += 2 + l;
		n++;
	}
	x->scts.n_scts = n;
	return 1;
}

/* Decodes one extension into x. Returns 1 for success or for a type
 * pkiward does not decode. *known = whether the type is decoded here. */
static int decode_one(struct pw_arena *a, const struct pw_ext *e, struct pw_cert_exts *x,
                      int *known, struct pw_error *err)
{
	*known = 1;
	switch (e->id) {
	case PW_OID_EXT_BASIC_CONSTRAINTS:
		x->bc.present = 1;
		x->bc.critical = e->critical;
		return decode_bc(e, x, err);
	case PW_OID_EXT_KEY_USAGE:
		x->ku.present = 1;
		x->ku.critical = e->critical;
		return decode_ku(e, x, err);
	case PW_OID_EXT_EXT_KEY_USAGE:
		x->eku.present = 1;
		x->eku.critical = e->critical;
		return decode_eku(a, e, x, err);
	case PW_OID_EXT_SAN:
		x->san.present = 1;
		x->san.critical = e->critical;
		return decode_gns(a, e, &x->san.names, err);
	case PW_OID_EXT_IAN:
		x->ian.present = 1;
		x->ian.critical = e->critical;
		return decode_gns(a, e, &x->ian.names, err);
	case PW_OID_EXT_CERTIFICATE_POLICIES:
		x->policies.present = 1;
		x->policies.critical = e->critical;
		return decode_policies(a, e, x, err);
	case PW_OID_EXT_AKI:
		x->aki.present = 1;
		x->aki.critical = e->critical;
		return decode_aki(e, x, err);
	case PW_OID_EXT_SKI:
		x->ski.present = 1;
		x->ski.critical = e->critical;
		return decode_ski(e, x, err);
	case PW_OID_EXT_AIA:
		x->aia.present = 1;
		x->aia.critical = e->critical;
		return decode_aia(a, e, x, err);
	case PW_OID_EXT_CRL_DISTRIBUTION_POINTS:
		x->crldp.present = 1;
		x->crldp.critical = e->critical;
		return decode_crldp(a, e, x, err);
	case PW_OID_EXT_NAME_CONSTRAINTS:
		x->nc.present = 1;
		x->nc.critical = e->critical;
		return decode_nc(a, e, x, err);
	case PW_OID_EXT_CT_POISON:
		/* RFC 6962 §3.1: extnValue is an ASN.1 NULL (05 00). */
		x->ct_poison.present = 1;
		x->ct_poison.critical = e->critical;
		x->ct_poison.value_is_null = e->value.len == 2 && e->value.p[0] == 0x05 &&
		                             e->value.p[1] == 0x00;
		if (!x->ct_poison.value_is_null) {
			pw_error_set(err, PW_ERR_PARSE, 1, e->value.off, NULL,
			             "CT poison value is not NULL (RFC 6962 §3.1)");
			return 0;
		}
		return 1;
	case PW_OID_EXT_SCT_LIST:
		x->scts.present = 1;
		x->scts.critical = e->critical;
		return decode_sct_list(e, x, err);
	default:
		*known = 0;
		return 1;
	}
}

/* Whether the extension type is one whose semantics pkiward recognises even
 * without decoding it (so a critical instance is not "unknown critical"). */
static int is_recognised(enum pw_oid id)
{
	return id != PW_OID_UNKNOWN;
}

void pw_cert_decode_exts(struct pw_arena *a, struct pw_ext *exts, size_t n,
                         struct pw_cert_exts *x, int *out_dup, int *out_unknown_critical)
{
	int dup = 0, unknown_crit = 0;
	for (size_t i = 0; i < n; i++) {
		struct pw_ext *e = &exts[i];
		int seen = 0, known;
		for (size_t j = 0; j < i; j++) {
			if (exts[j].oid.len == e->oid.len &&
			    memcmp(exts[j].oid.p, e->oid.p, e->oid.len) == 0) {
				seen = 1;
				break;
			}
		}
		if (e->critical && !is_recognised(e->id))
			unknown_crit = 1;
		if (seen) {
			/* RFC 5280 §4.2: at most one instance; the first one is
			 * the one decoded, the duplicate is reported by lints. */
			dup = 1;
			continue;
		}
		struct pw_error de;
		pw_error_clear(&de);
		if (!decode_one(a, e, x, &known, &de)) {
			struct pw_error *kept;
			e->decoded_ok = 0;
			if (de.field[0] == '\0')
				snprintf(de.field, sizeof de.field, "extension %s", pw_oid_name(e->id));
			if ((kept = pw_arena_alloc(a, sizeof *kept)) != NULL)
				*kept = de;
			e->decode_err = kept;
		}
	}
	*out_dup = dup;
	*out_unknown_critical = unknown_crit;
}
