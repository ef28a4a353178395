/* monitor/ocsp_req.c: the request side of OCSP (RFC 6960 §4.1.1) for the
 * monitor, with OpenSSL's OCSP API: one Request with a SHA-1 CertID (what
 * RFC 5019 §2.1.1 clients send, and so what caches key on), no nonce and no
 * signature, sent as GET when it fits (RFC 5019 §5). */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "internal.h"

int pw_monitor_ocsp_req_build(const uint8_t *cert_der, size_t cert_len, const uint8_t *ca_der,
                              size_t ca_len, struct pw_monitor_ocsp_req *out,
                              struct pw_error *err)
{
	X509 *leaf = NULL, *ca = NULL;
	OCSP_CERTID *id = NULL;
	OCSP_REQUEST *req = NULL;
	ASN1_OCTET_STRING *nh = NULL, *kh = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	int len, ok = 0;

	memset(out, 0, sizeof *out);
	p = cert_der;
	if ((leaf = d2i_X509(NULL, &p, (long)cert_len)) == NULL) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "certificate", "OpenSSL cannot read the certificate");
		goto out;
	}
	p = ca_der;
	if ((ca = d2i_X509(NULL, &p, (long)ca_len)) == NULL) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "issuer", "OpenSSL cannot read the CA certificate");
		goto out;
	}
	if ((id = OCSP_cert_to_id(EVP_sha1(), leaf, ca)) == NULL ||
	    !OCSP_id_get0_info(&nh, NULL, &kh, NULL, id) || nh == NULL || kh == NULL ||
	    ASN1_STRING_length(nh) != 20 || ASN1_STRING_length(kh) != 20) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "CertID", "cannot build the CertID");
		goto out;
	}
	memcpy(out->name_hash, ASN1_STRING_get0_data(nh), 20);
	memcpy(out->key_hash, ASN1_STRING_get0_data(kh), 20);
	if ((req = OCSP_REQUEST_new()) == NULL || OCSP_request_add0_id(req, id) == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	id = NULL; /* owned by req now */
	if ((len = i2d_OCSP_REQUEST(req, &der)) <= 0) {
		pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "OCSPRequest", "cannot encode the request");
		goto out;
	}
	out->der = der;
	out->len = (size_t)len;
	der = NULL;
	ok = 1;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	X509_free(leaf);
	X509_free(ca);
	return ok;
}

void pw_monitor_ocsp_req_cleanup(struct pw_monitor_ocsp_req *r)
{
	if (r == NULL)
		return;
	OPENSSL_free(r->der);
	r->der = NULL;
	r->len = 0;
}

char *pw_monitor_ocsp_get_url(const char *base, const uint8_t *der, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t blen = strlen(base);
	/* Base64 is 4/3 the size; '+', '/' and '=' each become 3 bytes. */
	size_t cap = blen + 2 + ((len + 2) / 3) * 4 * 3 + 1;
	char *u = malloc(cap), *w;
	if (u == NULL)
		return NULL;
	memcpy(u, base, blen);
	w = u + blen;
	if (blen == 0 || base[blen - 1] != '/')
		*w++ = '/';
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)der[i] << 16;
		size_t n = len - i;
		if (n > 1)
			v |= (uint32_t)der[i + 1] << 8;
		if (n > 2)
			v |= der[i + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
		             n > 1 ? b64[(v >> 6) & 63] : '=', n > 2 ? b64[v & 63] : '='};
		for (int k = 0; k < 4; k++) {
			/* RFC 5019 §5: the base64 is URL-encoded (RFC 3986 §2.1). */
			if (q[k] == '+')
				memcpy(w, "%2B", 3), w += 3;
			else if (q[k] == '/')
				memcpy(w, "%2F", 3), w += 3;
			else if (q[k] == '=')
				memcpy(w, "%3D", 3), w += 3;
			else
				*w++ = q[k];
		}
	}
	*w = '\0';
	return u;
}
