/* monitor/verify.c: signature verification over the signed bytes the
 * parsers expose (CRL tbsCertList, OCSP ResponseData, TBSCertificate), with
 * OpenSSL EVP. The structure was already read strictly by cert/; OpenSSL
 * only does the key maths. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "pkiward/monitor.h"

/* The digest and key type a signature algorithm means (RFC 4055 §5, RFC
 * 5758 §3.2, RFC 8410 §6). md is NULL for Ed25519 (pure EdDSA). */
static int alg_params(enum pw_oid id, const EVP_MD **md, int *key_type)
{
	switch (id) {
	case PW_OID_SHA1_WITH_RSA:
		*md = EVP_sha1();
		*key_type = EVP_PKEY_RSA;
		return 1;
	case PW_OID_SHA256_WITH_RSA:
		*md = EVP_sha256();
		*key_type = EVP_PKEY_RSA;
		return 1;
	case PW_OID_SHA384_WITH_RSA:
		*md = EVP_sha384();
		*key_type = EVP_PKEY_RSA;
		return 1;
	case PW_OID_SHA512_WITH_RSA:
		*md = EVP_sha512();
		*key_type = EVP_PKEY_RSA;
		return 1;
	case PW_OID_ECDSA_WITH_SHA1:
		*md = EVP_sha1();
		*key_type = EVP_PKEY_EC;
		return 1;
	case PW_OID_ECDSA_WITH_SHA256:
		*md = EVP_sha256();
		*key_type = EVP_PKEY_EC;
		return 1;
	case PW_OID_ECDSA_WITH_SHA384:
		*md = EVP_sha384();
		*key_type = EVP_PKEY_EC;
		return 1;
	case PW_OID_ECDSA_WITH_SHA512:
		*md = EVP_sha512();
		*key_type = EVP_PKEY_EC;
		return 1;
	case PW_OID_ED25519:
		*md = NULL;
		*key_type = EVP_PKEY_ED25519;
		return 1;
	default:
		return 0;
	}
}

enum pw_status pw_monitor_verify_sig(const struct pw_algid *alg, const uint8_t *tbs,
                                     size_t tbs_len, const uint8_t *sig, size_t sig_len,
                                     const uint8_t *spki_der, size_t spki_len,
                                     struct pw_error *err)
{
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = NULL;
	int key_type = 0;
	enum pw_status ret = PW_OK;
	const unsigned char *p = spki_der;

	if (alg == NULL || tbs == NULL || sig == NULL || spki_der == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	if (!alg_params(alg->id, &md, &key_type)) {
		ret = pw_error_set(err, PW_ERR_USAGE, 0, 0, "signatureAlgorithm",
		                   "signature algorithm %s is not verified by pkiward",
		                   alg->id == PW_OID_RSASSA_PSS ? "RSASSA-PSS" : "(unknown OID)");
		goto out;
	}
	if ((pk = d2i_PUBKEY(NULL, &p, (long)spki_len)) == NULL ||
	    p != spki_der + spki_len) {
		ret = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "subjectPublicKeyInfo",
		                   "the issuer's public key does not load");
		goto out;
	}
	if (EVP_PKEY_get_base_id(pk) != key_type) {
		ret = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signatureAlgorithm",
		                   "the signature algorithm does not match the issuer's key type");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		ret = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pk) != 1 ||
	    (key_type == EVP_PKEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)) {
		ret = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, NULL, "cannot set up the verification");
		goto out;
	}
	if (EVP_DigestVerify(ctx, sig, sig_len, tbs, tbs_len) != 1)
		ret = pw_error_set(err, PW_ERR_CRYPTO, 0, 0, "signature",
		                   "the signature does not verify with the issuer's key");
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ret;
}
