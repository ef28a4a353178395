/* Fuzz target: the OCSP request parser (pw_ocsp_request_parse) and the
 * RFC 5019 GET decoder (pw_ocsp_get_decode), the two functions that read
 * bytes from anyone on the Internet. Checks that every accepted request's
 * windows lie inside the input, that errors point inside it (offset at most
 * its length), and that every accepted request can be answered by the DER
 * writer and read back by pkiward's own response parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/ocsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in_bounds(const struct pw_der *w, const uint8_t *data, size_t size)
{
	if (w->len > 0 && (w->p < data || w->p + w->len > data + size))
		abort();
}

static void roundtrip(const struct pw_ocsp_request *r)
{
	struct pw_ocsp_single_spec s[PW_OCSP_MAX_REQUESTS];
	struct pw_ocsp_tbs_spec t;
	struct pw_buf tbs, out;
	struct pw_error err;
	struct pw_ocsp_resp pr;
	static const uint8_t alg[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	                               0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
	static const uint8_t sig[] = { 0x01, 0x02, 0x03 };
	uint8_t kh[20] = { 0 };
	memset(s, 0, sizeof(s));
	for (size_t i = 0; i < r->n_ids; i++) {
		s[i].certid = r->ids[i].element.p;
		s[i].certid_len = r->ids[i].element.len;
		s[i].status = (int)(i % 3);
		s[i].revoked_at = 1700000000;
		s[i].has_reason = 1;
		s[i].reason = 1;
		s[i].this_update = 1700000000;
		s[i].next_update = 1700028800;
	}
	memset(&t, 0, sizeof(t));
	t.responder_key_hash = kh;
	t.produced_at = 1700000001;
	t.singles = s;
	t.n_singles = r->n_ids;
	t.nonce = r->has_nonce ? r->nonce.p : NULL;
	t.nonce_len = r->has_nonce ? r->nonce.len : 0;
	pw_buf_init(&tbs);
	pw_buf_init(&out);
	if (!pw_ocsp_encode_tbs(&t, &tbs, &err) ||
	    !pw_ocsp_encode_response(tbs.data, tbs.len, alg, sizeof(alg), sig, sizeof(sig), NULL,
	                             NULL, 0, &out, &err))
		abort();
	pw_ocsp_resp_init(&pr);
	/* The CertIDs were accepted by a strict parser, so the response made
	 * of them must parse strictly too. */
	if (pw_ocsp_resp_parse(&pr, out.data, out.len, &err) != PW_OK || pr.n_responses != r->n_ids)
		abort();
	pw_ocsp_resp_cleanup(&pr);
	pw_buf_cleanup(&tbs);
	pw_buf_cleanup(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_ocsp_request r;
	struct pw_error err;
	uint8_t dec[PW_OCSP_MAX_REQUEST_DER];
	size_t dec_len;

	if (pw_ocsp_request_parse(data, size, &r, &err) == PW_OK) {
		if (r.n_ids == 0 || r.n_ids > PW_OCSP_MAX_REQUESTS)
			abort();
		for (size_t i = 0; i < r.n_ids; i++) {
			in_bounds(&r.ids[i].element, data, size);
			in_bounds(&r.ids[i].serial, data, size);
			in_bounds(&r.ids[i].issuer_name_hash, data, size);
			if (r.ids[i].issuer_key_hash.len != (r.ids[i].hash == PW_OCSP_HASH_SHA1 ? 20u : 32u))
				abort();
		}
		if (r.has_nonce)
			in_bounds(&r.nonce, data, size);
		roundtrip(&r);
	} else if (!err.has_offset || (err.offset > size && size <= PW_OCSP_MAX_REQUEST_DER)) {
		abort(); /* every refusal says where */
	}
	/* The same bytes as the path of a GET request. */
	if (pw_ocsp_get_decode((const char *)data, size, dec, sizeof(dec), &dec_len, &err) == PW_OK) {
		if (dec_len > size)
			abort(); /* base64 never expands when decoded */
		if (pw_ocsp_request_parse(dec, dec_len, &r, &err) == PW_OK)
			roundtrip(&r);
	} else if (err.has_offset && err.offset > size) {
		abort();
	}
	return 0;
}
