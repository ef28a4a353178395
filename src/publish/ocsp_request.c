/* OCSP request parsing (RFC 6960 §4.1.1) and the RFC 5019 §5 GET encoding.
 *
 * Requests come from anyone on the Internet, so this reads them the strict
 * way the rest of pkiward reads DER: every element checked, errors carry
 * the field and the absolute byte offset, and nothing is copied. */
#include <stddef.h>
#include <string.h>

#include "pkiward/ocsp.h"
#include "pkiward/oid.h"

/* Sets the field of an error a der.h getter filled (keeps its offset). */
static int fail_field(struct pw_error *err, const char *field)
{
	if (err && field) {
		size_t n = strlen(field);
		if (n >= sizeof(err->field))
			n = sizeof(err->field) - 1;
		memcpy(err->field, field, n);
		err->field[n] = '\0';
	}
	return 0;
}

static int fail(struct pw_error *err, enum pw_status st, size_t off, const char *field,
                const char *msg)
{
	pw_error_set(err, st, 1, off, field, "%s", msg);
	return 0;
}

/* CertID hashAlgorithm: SHA-1 or SHA-256, parameters absent or NULL
 * (RFC 5754 §2: both forms occur; OpenSSL sends NULL). */
static int parse_hash_alg(struct pw_der *certid, enum pw_ocsp_hash *out, struct pw_error *err)
{
	struct pw_der alg, oid;
	size_t off = pw_der_offset(certid);
	if (!pw_der_get(certid, PW_DER_SEQUENCE, &alg, err))
		return fail_field(err, "certID.hashAlgorithm");
	if (!pw_der_get_oid(&alg, &oid, err))
		return fail_field(err, "certID.hashAlgorithm.algorithm");
	switch (pw_oid_lookup(&oid)) {
	case PW_OID_SHA1:
		*out = PW_OCSP_HASH_SHA1;
		break;
	case PW_OID_SHA256:
		*out = PW_OCSP_HASH_SHA256;
		break;
	default: {
		char txt[PW_DER_OID_TEXT_MAX];
		if (!pw_der_oid_to_text(&oid, txt, sizeof(txt)))
			strcpy(txt, "?");
		pw_error_set(err, PW_ERR_PARSE, 1, off, "certID.hashAlgorithm",
		             "hash algorithm %s is not served (SHA-1 or SHA-256, RFC 5019 §2.1.1)",
		             txt);
		return 0;
	}
	}
	if (pw_der_len(&alg) != 0) {
		size_t poff = pw_der_offset(&alg);
		if (!pw_der_get_null(&alg, err))
			return fail_field(err, "certID.hashAlgorithm.parameters");
		if (pw_der_len(&alg) != 0)
			return fail(err, PW_ERR_PARSE, poff, "certID.hashAlgorithm",
			            "trailing data after the parameters");
	}
	return 1;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension. Picks the nonce out;
 * refuses unknown critical extensions (RFC 6960 §4.4 and RFC 5280 §4.2:
 * a critical extension that is not understood must not be ignored). */
static int parse_extensions(struct pw_der *exts_outer, struct pw_ocsp_request *r, int allow_nonce,
                            struct pw_error *err, const char *field)
{
	struct pw_der exts;
	size_t n = 0, off = pw_der_offset(exts_outer);
	if (!pw_der_get(exts_outer, PW_DER_SEQUENCE, &exts, err) ||
	    !pw_der_done(exts_outer, field, err))
		return fail_field(err, field);
	if (pw_der_len(&exts) == 0)
		return fail(err, PW_ERR_PARSE, off, field, "empty Extensions (SIZE (1..MAX))");
	while (pw_der_len(&exts) > 0) {
		struct pw_der ext, oid, val;
		int critical = 0;
		size_t eoff = pw_der_offset(&exts);
		if (++n > PW_OCSP_MAX_EXTENSIONS)
			return fail(err, PW_ERR_LIMIT, eoff, field, "too many extensions");
		if (!pw_der_get(&exts, PW_DER_SEQUENCE, &ext, err) || !pw_der_get_oid(&ext, &oid, err))
			return fail_field(err, field);
		if (pw_der_peek_tag(&ext, PW_DER_BOOLEAN)) {
			size_t boff = pw_der_offset(&ext);
			if (!pw_der_get_bool(&ext, &critical, err))
				return fail_field(err, field);
			if (!critical) /* X.690 §11.5: DEFAULT FALSE is not encoded */
				return fail(err, PW_ERR_DER, boff, field,
				            "critical FALSE encoded (DER omits DEFAULT values)");
		}
		if (!pw_der_get(&ext, PW_DER_OCTET_STRING, &val, err) ||
		    !pw_der_done(&ext, "extension", err))
			return fail_field(err, field);
		if (pw_oid_lookup(&oid) == PW_OID_OCSP_NONCE && allow_nonce) {
			/* RFC 8954 §2.1: the nonce is an OCTET STRING inside
			 * extnValue; RFC 6960 clients also sent raw octets, so
			 * the whole extnValue contents are echoed as received. */
			if (r->has_nonce)
				return fail(err, PW_ERR_PARSE, eoff, field, "two nonce extensions");
			if (val.len == 0 || val.len > PW_OCSP_MAX_NONCE + 2)
				return fail(err, PW_ERR_LIMIT, eoff, field,
				            "nonce must be 1..32 octets (RFC 8954 §2.1)");
			r->has_nonce = 1;
			r->nonce = val;
		} else if (critical) {
			return fail(err, PW_ERR_PARSE, eoff, field,
			            "unknown critical extension (RFC 6960 §4.4)");
		}
	}
	return 1;
}

/* CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash
 *   OCTET STRING, issuerKeyHash OCTET STRING, serialNumber
 *   CertificateSerialNumber } */
static int parse_certid(struct pw_der *req, struct pw_ocsp_certid *id, struct pw_error *err)
{
	struct pw_der c;
	size_t want, off;
	if (!pw_der_get_element(req, PW_DER_SEQUENCE, &id->element, err))
		return fail_field(err, "reqCert");
	c = id->element;
	if (!pw_der_get(&c, PW_DER_SEQUENCE, &c, err))
		return fail_field(err, "reqCert");
	if (!parse_hash_alg(&c, &id->hash, err))
		return 0;
	want = id->hash == PW_OCSP_HASH_SHA1 ? 20 : 32;
	off = pw_der_offset(&c);
	if (!pw_der_get(&c, PW_DER_OCTET_STRING, &id->issuer_name_hash, err))
		return fail_field(err, "certID.issuerNameHash");
	if (id->issuer_name_hash.len != want)
		return fail(err, PW_ERR_PARSE, off, "certID.issuerNameHash",
		            "length does not match the hash algorithm");
	off = pw_der_offset(&c);
	if (!pw_der_get(&c, PW_DER_OCTET_STRING, &id->issuer_key_hash, err))
		return fail_field(err, "certID.issuerKeyHash");
	if (id->issuer_key_hash.len != want)
		return fail(err, PW_ERR_PARSE, off, "certID.issuerKeyHash",
		            "length does not match the hash algorithm");
	off = pw_der_offset(&c);
	if (!pw_der_get_integer(&c, &id->serial, err))
		return fail_field(err, "certID.serialNumber");
	if (id->serial.len > PW_OCSP_MAX_SERIAL)
		return fail(err, PW_ERR_LIMIT, off, "certID.serialNumber",
		            "serial longer than 64 octets");
	if (!pw_der_done(&c, "certID", err))
		return fail_field(err, "certID");
	return 1;
}

enum pw_status pw_ocsp_request_parse(const uint8_t *der, size_t len, struct pw_ocsp_request *r,
                                     struct pw_error *err)
{
	struct pw_der in, req, tbs, list, x;
	int present;

	/* Everything but ids[]: only ids[0..n_ids) are defined, each filled
	 * whole by parse_certid (zeroing 16 CertIDs per request showed in
	 * the responder's profile). */
	memset(r, 0, offsetof(struct pw_ocsp_request, ids));
	r->n_ids = 0;
	r->has_nonce = 0;
	memset(&r->nonce, 0, sizeof(r->nonce));
	r->is_signed = 0;
	pw_error_clear(err);
	if (len > PW_OCSP_MAX_REQUEST_DER)
		return pw_error_set(err, PW_ERR_LIMIT, 1, PW_OCSP_MAX_REQUEST_DER, "OCSPRequest",
		                    "request of %zu bytes exceeds %zu (PW_OCSP_MAX_REQUEST_DER)",
		                    len, PW_OCSP_MAX_REQUEST_DER);
	if (len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, 0, "OCSPRequest", "empty request");
	pw_der_init(&in, der, len);
	r->der = in;
	/* OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest,
	 *   optionalSignature [0] EXPLICIT Signature OPTIONAL } */
	if (!pw_der_get(&in, PW_DER_SEQUENCE, &req, err) || !pw_der_done(&in, "OCSPRequest", err)) {
		fail_field(err, "OCSPRequest");
		goto bad;
	}
	/* TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
	 *   requestorName [1] EXPLICIT GeneralName OPTIONAL,
	 *   requestList SEQUENCE OF Request,
	 *   requestExtensions [2] EXPLICIT Extensions OPTIONAL } */
	if (!pw_der_get(&req, PW_DER_SEQUENCE, &tbs, err)) {
		fail_field(err, "tbsRequest");
		goto bad;
	}
	if (pw_der_peek_tag(&tbs, PW_DER_CTX_CONS(0))) {
		uint64_t v;
		size_t off = pw_der_offset(&tbs);
		if (!pw_der_get(&tbs, PW_DER_CTX_CONS(0), &x, err) || !pw_der_get_uint64(&x, &v, err) ||
		    !pw_der_done(&x, "version", err)) {
			fail_field(err, "tbsRequest.version");
			goto bad;
		}
		if (v != 0)
			pw_error_set(err, PW_ERR_PARSE, 1, off, "tbsRequest.version",
			             "version %llu is not v1 (RFC 6960 §4.1.1)", (unsigned long long)v);
		else
			pw_error_set(err, PW_ERR_DER, 1, off, "tbsRequest.version",
			             "v1 encoded explicitly (DER omits DEFAULT values, X.690 §11.5)");
		goto bad;
	}
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(1), &x, &present, err)) {
		fail_field(err, "tbsRequest.requestorName");
		goto bad;
	}
	if (present) {
		/* A GeneralName; nothing depends on it. It must be one element. */
		if (!pw_der_skip(&x, err) || !pw_der_done(&x, "requestorName", err)) {
			fail_field(err, "tbsRequest.requestorName");
			goto bad;
		}
		r->has_requestor_name = 1;
	}
	{
		size_t loff = pw_der_offset(&tbs);
		if (!pw_der_get(&tbs, PW_DER_SEQUENCE, &list, err)) {
			fail_field(err, "tbsRequest.requestList");
			goto bad;
		}
		if (pw_der_len(&list) == 0) {
			pw_error_set(err, PW_ERR_PARSE, 1, loff, "tbsRequest.requestList",
			             "no request in the list");
			goto bad;
		}
	}
	while (pw_der_len(&list) > 0) {
		struct pw_der one;
		size_t off = pw_der_offset(&list);
		if (r->n_ids >= PW_OCSP_MAX_REQUESTS) {
			pw_error_set(err, PW_ERR_LIMIT, 1, off, "tbsRequest.requestList",
			             "more than %u requests (PW_OCSP_MAX_REQUESTS)",
			             PW_OCSP_MAX_REQUESTS);
			goto bad;
		}
		/* Request ::= SEQUENCE { reqCert CertID,
		 *   singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL } */
		if (!pw_der_get(&list, PW_DER_SEQUENCE, &one, err)) {
			fail_field(err, "requestList.Request");
			goto bad;
		}
		if (!parse_certid(&one, &r->ids[r->n_ids], err))
			goto bad;
		if (!pw_der_get_optional(&one, PW_DER_CTX_CONS(0), &x, &present, err)) {
			fail_field(err, "singleRequestExtensions");
			goto bad;
		}
		if (present && !parse_extensions(&x, r, 0, err, "singleRequestExtensions"))
			goto bad;
		if (!pw_der_done(&one, "Request", err)) {
			fail_field(err, "requestList.Request");
			goto bad;
		}
		r->n_ids++;
	}
	if (!pw_der_get_optional(&tbs, PW_DER_CTX_CONS(2), &x, &present, err)) {
		fail_field(err, "tbsRequest.requestExtensions");
		goto bad;
	}
	if (present && !parse_extensions(&x, r, 1, err, "requestExtensions"))
		goto bad;
	if (!pw_der_done(&tbs, "tbsRequest", err)) {
		fail_field(err, "tbsRequest");
		goto bad;
	}
	if (!pw_der_get_optional(&req, PW_DER_CTX_CONS(0), &x, &present, err)) {
		fail_field(err, "optionalSignature");
		goto bad;
	}
	if (present) {
		/* Signature ::= SEQUENCE { signatureAlgorithm, signature BIT
		 *   STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }:
		 * checked for shape only (RFC 6960 §4.1.2: the responder need
		 * not verify; pkiward answers everyone the same). */
		struct pw_der sig, bits;
		unsigned unused;
		if (!pw_der_get(&x, PW_DER_SEQUENCE, &sig, err) || !pw_der_done(&x, "optionalSignature", err) ||
		    !pw_der_skip(&sig, err) || !pw_der_get_bit_string(&sig, &bits, &unused, err) ||
		    !pw_der_get_optional(&sig, PW_DER_CTX_CONS(0), &x, &present, err) ||
		    !pw_der_done(&sig, "Signature", err)) {
			fail_field(err, "optionalSignature");
			goto bad;
		}
		r->is_signed = 1;
	}
	if (!pw_der_done(&req, "OCSPRequest", err)) {
		fail_field(err, "OCSPRequest");
		goto bad;
	}
	return PW_OK;
bad:
	r->n_ids = 0;
	return err ? (err->status != PW_OK ? err->status : PW_ERR_PARSE) : PW_ERR_PARSE;
}

/* ---- RFC 5019 §5 GET: URL-encoded base64 of the DER request ---- */

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum pw_status pw_ocsp_get_decode(const char *path, size_t path_len, uint8_t *out, size_t cap,
                                  size_t *out_len, struct pw_error *err)
{
	uint32_t acc = 0;
	unsigned nbits = 0, nchars = 0, npad = 0;
	size_t o = 0;
	*out_len = 0;
	if (path_len == 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, 0, "base64", "empty request");
	if (path_len > PW_OCSP_MAX_GET_BASE64 * 3)
		return pw_error_set(err, PW_ERR_LIMIT, 1, 0, "base64",
		                    "GET request longer than %zu characters",
		                    (size_t)PW_OCSP_MAX_GET_BASE64);
	for (size_t i = 0; i < path_len; i++) {
		unsigned char c = (unsigned char)path[i];
		size_t at = i;
		int v;
		if (c == '%') {
			int h, l;
			if (i + 2 >= path_len || (h = hexv((unsigned char)path[i + 1])) < 0 ||
			    (l = hexv((unsigned char)path[i + 2])) < 0)
				return pw_error_set(err, PW_ERR_PARSE, 1, at, "base64",
				                    "bad percent-escape");
			c = (unsigned char)(h * 16 + l);
			i += 2;
		}
		if (c == '=') {
			npad++;
			if (npad > 2)
				return pw_error_set(err, PW_ERR_PARSE, 1, at, "base64", "too much padding");
			continue;
		}
		v = b64val(c);
		if (v < 0)
			return pw_error_set(err, PW_ERR_PARSE, 1, at, "base64",
			                    "character 0x%02x is not base64", c);
		if (npad)
			return pw_error_set(err, PW_ERR_PARSE, 1, at, "base64", "data after padding");
		acc = (acc << 6) | (uint32_t)v;
		nbits += 6;
		nchars++;
		if (nbits >= 8) {
			nbits -= 8;
			if (o >= cap)
				return pw_error_set(err, PW_ERR_LIMIT, 1, at, "base64",
				                    "request longer than %zu bytes", cap);
			out[o++] = (uint8_t)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	/* RFC 4648 §4: a final quantum of 1 character cannot happen; the
	 * unused low bits of the last character must be zero (§3.5, canonical
	 * encoding); padding, when present, must complete the quantum. */
	if (nchars % 4 == 1)
		return pw_error_set(err, PW_ERR_PARSE, 1, path_len, "base64", "truncated base64");
	if (acc != 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, path_len, "base64",
		                    "non-zero trailing bits (not canonical base64)");
	if (npad && (nchars + npad) % 4 != 0)
		return pw_error_set(err, PW_ERR_PARSE, 1, path_len, "base64", "wrong padding");
	*out_len = o;
	return PW_OK;
}
