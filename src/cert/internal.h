/* pkiward cert/ — private helpers shared by the certificate, CSR and CRL
 * parsers. Not installed; see include/pkiward/cert.h for the contract. */
#ifndef PKIWARD_CERT_INTERNAL_H
#define PKIWARD_CERT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"

/* ---- arena (arena.c) ----
 * A chain of chunks owned by one parsed object. Reset rewinds every chunk
 * without freeing, so parsing the next object of similar size allocates
 * nothing (the steady state behind the ≥500k certificates/s target). */

/* Size of the first chunk; later chunks double, and a request larger than
 * that gets a chunk of its own size. */
#define PW_ARENA_FIRST_CHUNK (16u * 1024u)
/* A single arena never grows beyond this (bounds a hostile CRL). */
#define PW_ARENA_MAX_TOTAL ((size_t)1 << 31)

struct pw_arena;

/* Rewinds *a (creating it lazily on first use). Returns 1, or 0 on ENOMEM. */
int pw_arena_reset(struct pw_arena **a);
/* Returns n zeroed bytes aligned for any type, or NULL (ENOMEM / limit). */
void *pw_arena_zalloc(struct pw_arena *a, size_t n);
/* As above without zeroing (for scratch buffers that are fully written). */
void *pw_arena_alloc(struct pw_arena *a, size_t n);
/* Frees every chunk. NULL-safe. */
void pw_arena_free(struct pw_arena *a);
/* SHA-256 of p[0..n) into out; no allocation, no lock (arena.c). */
void pw_cert_sha256(const uint8_t *p, size_t n, uint8_t out[32]);

/* Smallest possible encodings, used to size arrays in one pass: an
 * AttributeTypeAndValue is SEQUENCE(2) + OID(3) + a value TLV(2); an
 * Extension is SEQUENCE(2) + OID(3) + OCTET STRING(2). */
#define PW_CERT_MIN_ATV_BYTES 7u
#define PW_CERT_MIN_EXT_BYTES 7u

/* ---- error helpers ---- */

/* Sets err->field to `field` (the structure path being read) when err holds
 * a failure, so a der/ error deep inside reads "tbsCertificate.issuer: ...". */
void pw_cert_err_field(struct pw_error *err, const char *field);
/* Fills *err with PW_ERR_NOMEM for an arena failure. Returns 0. */
int pw_cert_err_nomem(struct pw_error *err, const char *field);

/* Names the field of a failure in `err` and jumps to the function's `out`. */
#define PW_CERT_FAIL(field)                     \
	do {                                    \
		pw_cert_err_field(err, (field)); \
		goto out;                       \
	} while (0)

/* ---- small readers over der/ for IMPLICIT-tagged universal types ---- */

/* Contents of an IMPLICIT BIT STRING: unused-bit count 0..7 (0 when empty)
 * and zero padding, as X.690 §11.2.1 requires. */
int pw_cert_bit_string_contents(const struct pw_der *contents, struct pw_der *out_bits,
                                unsigned *out_unused, struct pw_error *err);
/* Contents of an IMPLICIT BOOLEAN: one octet 0x00 or 0xFF (X.690 §11.1). */
int pw_cert_bool_contents(const struct pw_der *contents, int *out, struct pw_error *err);
/* Contents of an IMPLICIT non-negative INTEGER that fits in 64 bits. */
int pw_cert_uint64_contents(const struct pw_der *contents, uint64_t *out, struct pw_error *err);

/* Reads the next element, which must carry `tag`, giving both its contents
 * and the whole element in one header read. */
int pw_cert_get_both(struct pw_der *d, uint32_t tag, struct pw_der *out_contents,
                     struct pw_der *out_element, struct pw_error *err);

/* ---- shared structures ---- */

/* AlgorithmIdentifier element -> *out (RFC 5280 §4.1.1.2). */
int pw_cert_parse_algid(struct pw_der *d, struct pw_algid *out, struct pw_error *err,
                        const char *field);

/* Name element (a SEQUENCE OF RDN) -> *out, attributes in the arena. */
int pw_cert_parse_name(struct pw_arena *a, struct pw_der *d, struct pw_name *out,
                       struct pw_error *err, const char *field);
/* Parses a Name from its contents window (used for directoryName). */
int pw_cert_parse_name_element(struct pw_arena *a, const struct pw_der *element,
                               const struct pw_der *contents, struct pw_name *out,
                               struct pw_error *err, const char *field);

/* One GeneralName from d (RFC 5280 §4.2.1.6). */
int pw_cert_parse_general_name(struct pw_arena *a, struct pw_der *d,
                               struct pw_general_name *out, struct pw_error *err);
/* GeneralNames from the contents of its SEQUENCE (or of an IMPLICIT tag). */
int pw_cert_parse_general_names(struct pw_arena *a, const struct pw_der *contents,
                                struct pw_general_names *out, struct pw_error *err);
/* DistributionPointName from the contents of the [0] element. */
int pw_cert_parse_dp_name(struct pw_arena *a, const struct pw_der *contents,
                          struct pw_dist_point *dp, struct pw_error *err);

/* SubjectPublicKeyInfo element -> *out, including its SHA-256. */
int pw_cert_parse_spki(struct pw_der *d, struct pw_spki *out, struct pw_error *err);
/* As above; the SHA-256 only when `hash` is non-zero (else left zero). */
int pw_cert_parse_spki_ex(struct pw_der *d, struct pw_spki *out, int hash, struct pw_error *err);

/* Extensions: the contents of the `Extensions` SEQUENCE -> arena array of raw
 * extensions (structure is fatal, values are not looked at). */
int pw_cert_parse_ext_list(struct pw_arena *a, const struct pw_der *seq_contents,
                           struct pw_ext **out, size_t *out_n, struct pw_error *err,
                           const char *field);
/* Decodes the value of every certificate/CSR extension it knows into *x,
 * setting each extension's decoded_ok/decode_err. Duplicates after the first
 * are left undecoded. Sets *out_dup / *out_unknown_critical. */
void pw_cert_decode_exts(struct pw_arena *a, struct pw_ext *exts, size_t n,
                         struct pw_cert_exts *x, int *out_dup, int *out_unknown_critical);

/* Reads a Time (UTCTime or GeneralizedTime) element. Structural problems
 * (another tag, bad DER header) fail; a value that breaks the RFC 5280
 * §4.1.2.5 forms but still reads as a date is accepted with *strict_ok = 0;
 * a value that is no date at all leaves *out_ok = 0 and *out_unix = 0. */
int pw_cert_get_time(struct pw_der *d, uint32_t *out_tag, struct pw_der *out_raw,
                     int64_t *out_unix, int *strict_ok, int *out_ok, struct pw_error *err,
                     const char *field);

/* Counts the elements of a SEQUENCE/SET OF given its contents; fails on
 * a malformed element or more than `limit`. */
int pw_cert_count_elements(const struct pw_der *contents, size_t limit, size_t *out_n,
                           struct pw_error *err, const char *field);

/* link_sha256 of RFC 6962 §3.2 (link.c). */
int pw_cert_link_sha256(struct pw_arena *a, struct pw_cert *c, const struct pw_der *tbs_contents,
                        const struct pw_der *ext_elem, struct pw_error *err);

/* DER length octets for n into out (at most 5 bytes). Returns the count. */
size_t pw_cert_put_length(uint8_t *out, size_t n);

#endif
