/* SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RSA RFC 3279 §2.3.1; EC RFC 5480
 * §2). The key's algorithm-specific contents are decoded for the weak-key and
 * key-size lints; failing to decode them is recorded (rsa_ok = 0), not fatal,
 * because the certificate itself is still well-formed DER. */
#include <string.h>

#include "internal.h"

static void decode_rsa(struct pw_spki *s)
{
	struct pw_error tmp;
	struct pw_der d, seq;
	pw_der_init(&d, s->key.p, s->key.len);
	d.off = s->key.off;
	/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, &tmp) || !pw_der_done(&d, "RSAPublicKey", &tmp) ||
	    !pw_der_get_integer(&seq, &s->rsa_n, &tmp) || !pw_der_get_integer(&seq, &s->rsa_e, &tmp) ||
	    !pw_der_done(&seq, "RSAPublicKey", &tmp))
		return;
	s->rsa_ok = 1;
	const uint8_t *p = s->rsa_n.p;
	size_t n = s->rsa_n.len;
	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	if (n > 0) {
		unsigned bits = (unsigned)(n - 1) * 8;
		for (uint8_t top = *p; top != 0; top >>= 1)
			bits++;
		s->rsa_bits = bits;
	}
	p = s->rsa_e.p;
	n = s->rsa_e.len;
	if ((*p & 0x80) == 0) {
		while (n > 0 && *p == 0) {
			p++;
			n--;
		}
		if (n <= 8) {
			uint64_t e = 0;
			for (size_t i = 0; i < n; i++)
				e = (e << 8) | p[i];
			s->rsa_e_u64 = e;
		}
	}
}

int pw_cert_parse_spki(struct pw_der *d, struct pw_spki *out, struct pw_error *err)
{
	return pw_cert_parse_spki_ex(d, out, 1, err);
}

int pw_cert_parse_spki_ex(struct pw_der *d, struct pw_spki *out, int hash, struct pw_error *err)
{
	struct pw_der seq;
	memset(out, 0, sizeof *out);
	if (!pw_cert_get_both(d, PW_DER_SEQUENCE, &seq, &out->raw, err))
		goto fail;
	if (!pw_cert_parse_algid(&seq, &out->alg, err, "subjectPublicKeyInfo.algorithm"))
		return 0;
	if (!pw_der_get_bit_string(&seq, &out->key, &out->key_unused_bits, err))
		goto fail;
	if (!pw_der_done(&seq, "subjectPublicKeyInfo", err))
		goto fail;
	if (out->alg.id == PW_OID_RSA_ENCRYPTION && out->key_unused_bits == 0) {
		decode_rsa(out);
	} else if (out->alg.id == PW_OID_EC_PUBLIC_KEY) {
		out->ec_point = out->key;
		if (out->alg.params_present && out->alg.params_tag == PW_DER_OID) {
			struct pw_der p = out->alg.params, oid;
			struct pw_error tmp;
			if (pw_der_get_oid(&p, &oid, &tmp))
				out->ec_curve = pw_oid_lookup(&oid);
		} else if (out->alg.params_present && out->alg.params_tag == PW_DER_SEQUENCE) {
			out->ec_explicit = 1;
		}
	}
	if (hash)
		pw_cert_sha256(out->raw.p, out->raw.len, out->sha256);
	return 1;
fail:
	pw_cert_err_field(err, "subjectPublicKeyInfo");
	return 0;
}
