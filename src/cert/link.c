/* link_sha256: the hash that ties a precertificate to its certificate.
 *
 * RFC 6962 §3.2: the log signs the precertificate's TBSCertificate with the
 * poison extension removed, and the final certificate is that same
 * TBSCertificate plus the SCT list extension. Removing both extensions and
 * re-encoding the lengths therefore gives the same bytes for the pair, and
 * their SHA-256 finds one from the other in the store. When no extension is
 * left, the [3] field is omitted (Extensions is SIZE (1..MAX), RFC 5280
 * §4.1). Precertificates signed by a dedicated Precertificate Signing
 * Certificate (RFC 6962 §3.1, issuer rewritten by the log) do not match
 * their certificate's issuer and are out of scope here.
 *
 * Cost: this is a third SHA-256 pass (after the certificate's and the
 * SPKI's), over about the TBS's length. It cannot be derived from the other
 * two: the certificate hash covers SEQUENCE-header || TBS || signature, and
 * SHA-256 state after a prefix cannot be re-based onto the TBS's own header
 * (which differs) nor shared, since the TBS starts mid-block. Nor can it be
 * skipped when a certificate carries no CT extension: it is then SHA-256 of
 * the TBS as encoded, which nothing else computes, and its twin (a
 * precertificate logged while the final certificate carries no SCTs) still
 * needs it. The one saving taken is the copy: with no CT extension the TBS
 * is hashed in place. bench/bench_parse reports how much of a parse the
 * three hashes are (PW_CERT_PARSE_NO_HASHES vs a full parse). */
#include <string.h>

#include "internal.h"

static int is_ct_ext(enum pw_oid id)
{
	return id == PW_OID_EXT_CT_POISON || id == PW_OID_EXT_SCT_LIST;
}

int pw_cert_link_sha256(struct pw_arena *a, struct pw_cert *c, const struct pw_der *tbs_contents,
                        const struct pw_der *ext_elem, struct pw_error *err)
{
	size_t drop = 0, kept = 0, n_kept = 0;
	/* Offsets are absolute within the parsed buffer: recover its start. */
	const uint8_t *base = c->tbs.p - c->tbs.off;

	for (size_t i = 0; i < c->n_exts; i++) {
		const struct pw_ext *e = &c->exts[i];
		size_t el_len = e->value.off + e->value.len - e->offset;
		if (is_ct_ext(e->id)) {
			drop++;
		} else {
			kept += el_len;
			n_kept++;
		}
	}
	if (drop == 0) {
		pw_cert_sha256(c->tbs.p, c->tbs.len, c->link_sha256);
		return 1;
	}
	size_t prefix = ext_elem->off - tbs_contents->off;
	uint8_t hdr[3][6];
	size_t hl_seq = 0, hl_a3 = 0, ext_total = 0;
	if (n_kept > 0) {
		hdr[0][0] = 0x30;
		hl_seq = 1 + pw_cert_put_length(&hdr[0][1], kept);
		hdr[1][0] = 0xA3;
		hl_a3 = 1 + pw_cert_put_length(&hdr[1][1], hl_seq + kept);
		ext_total = hl_a3 + hl_seq + kept;
	}
	size_t contents_len = prefix + ext_total;
	hdr[2][0] = 0x30;
	size_t hl_tbs = 1 + pw_cert_put_length(&hdr[2][1], contents_len);

	uint8_t *buf = pw_arena_alloc(a, hl_tbs + contents_len);
	if (buf == NULL)
		return pw_cert_err_nomem(err, "link_sha256");
	uint8_t *w = buf;
	memcpy(w, hdr[2], hl_tbs);
	w += hl_tbs;
	memcpy(w, tbs_contents->p, prefix);
	w += prefix;
	if (n_kept > 0) {
		memcpy(w, hdr[1], hl_a3);
		w += hl_a3;
		memcpy(w, hdr[0], hl_seq);
		w += hl_seq;
		for (size_t i = 0; i < c->n_exts; i++) {
			const struct pw_ext *e = &c->exts[i];
			if (is_ct_ext(e->id))
				continue;
			size_t el_len = e->value.off + e->value.len - e->offset;
			memcpy(w, base + e->offset, el_len);
			w += el_len;
		}
	}
	pw_cert_sha256(buf, (size_t)(w - buf), c->link_sha256);
	return 1;
}
