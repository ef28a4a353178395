/* pkiward/signer.h: the CA private-key signer CRLs and OCSP responses are
 * signed with (publish/). A key is a PEM file for the embedded default or a
 * PKCS#11 URI (RFC 7512, "pkcs11:...") for a real CA, used through OpenSSL
 * (the libp11 pkcs11 engine from Debian; tested with SoftHSM2).
 *
 * The signer computes the signature over bytes the caller encoded (a
 * TBSCertList, an OCSP ResponseData) and returns the AlgorithmIdentifier the
 * caller must place in front of it, so the DER writers never touch a key. */
#ifndef PKIWARD_SIGNER_H
#define PKIWARD_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"

struct pw_signer;

/* Opens the key named by `key` (a PEM file path or a "pkcs11:" URI; for PKCS#11
 * the PIN comes from the URI's pin-value/pin-source or PW_PKCS11_PIN) and
 * checks that it matches the public key of the DER certificate cert_der.
 * The signature algorithm follows the key: RSA -> sha256WithRSAEncryption,
 * P-256 -> ecdsa-with-SHA256, P-384 -> ecdsa-with-SHA384. *out is owned by
 * the caller (pw_signer_free). */
enum pw_status pw_signer_open(const char *key, const uint8_t *cert_der, size_t cert_len,
                              struct pw_signer **out, struct pw_error *err) PW_WARN_UNUSED;

void pw_signer_free(struct pw_signer *s);

/* The DER AlgorithmIdentifier (SEQUENCE) of the signatures this signer makes. */
const uint8_t *pw_signer_get0_alg(const struct pw_signer *s, size_t *out_len);

/* The largest signature value this signer produces, in bytes (added by
 * publish/: lets a DER writer reserve room before signing). */
size_t pw_signer_max_sig_len(const struct pw_signer *s);

/* Signs tbs; the signature value (the BIT STRING's content without its
 * unused-bits octet) goes to sig (at most sig_max bytes; 1024 is always
 * enough), its length to *sig_len. Thread-safe for PEM keys. */
enum pw_status pw_signer_sign(struct pw_signer *s, const uint8_t *tbs, size_t tbs_len,
                              uint8_t *sig, size_t sig_max, size_t *sig_len,
                              struct pw_error *err) PW_WARN_UNUSED;

#endif
