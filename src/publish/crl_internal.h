/* publish/: helpers shared by ca.c and crl.c (not part of the public API). */
#ifndef PW_PUBLISH_CRL_INTERNAL_H
#define PW_PUBLISH_CRL_INTERNAL_H

#include "pkiward/publish.h"
#include "pkiward/store_publish.h"

/* Copies a registry row into an owned struct. Returns 1, or 0 on no memory
 * (then *out is empty). */
int pw_publish_ca_from_row(const struct pw_store_publish_ca *r, struct pw_publish_ca *out);

/* 1 when name is a valid CA name (publish.h). */
int pw_publish_name_ok(const char *name);

/* Sets err->field (NULL-safe). */
void pw_publish_set_field(struct pw_error *err, const char *field);

/* Prefixes err->msg with printf-formatted context ("CA x partition 3: ").
 * NULL-safe; the result is truncated to fit. */
void pw_publish_prefix_msg(struct pw_error *err, const char *fmt, ...) PW_PRINTF(2, 3);

/* The sorted order (pw_crl_revoked_cmp) of n records `stride` bytes apart,
 * each starting with a struct pw_crl_revoked: perm[k] is the index of the
 * k-th smallest. Returns 1, or 0 when memory runs out. */
int pw_crl_sort_perm(const void *base, size_t stride, size_t n, size_t *perm);

/* Largest signature a signer returns (signer.h: 1024 is always enough). */
#define PW_CRL_SIG_MAX 1024

/* Encodes t with signer's AlgorithmIdentifier, signs the TBS in place and
 * wraps it: the whole CertificateList is appended to out in one buffer
 * (no copy of the TBS). */
struct pw_buf;
struct pw_signer;
enum pw_status pw_crl_encode_sign(const struct pw_crl_tbs *t, struct pw_signer *signer,
                                  struct pw_buf *out, struct pw_error *err);

#endif
