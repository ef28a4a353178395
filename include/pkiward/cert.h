/* pkiward — certificate, precertificate, TBS, CSR and CRL model over der/.
 *
 * The model reads exactly what was signed: every field is a struct pw_der
 * window into the caller's DER buffer (zero-copy), plus decoded values.
 * Parsed objects borrow that buffer: it must outlive the object. Arrays
 * (names, extensions, SANs, ...) live in an arena owned by the object,
 * reused across parses, so re-parsing into the same object does not
 * allocate in the steady state (this is what makes ≥500k certs/s possible).
 *
 * Typical use:
 *   struct pw_cert c; pw_cert_init(&c);
 *   for each der: if (pw_cert_parse(&c, der, len, &err) != PW_OK) report(err);
 *   pw_cert_cleanup(&c);
 *
 * Strictness: structural DER errors (lengths, tags, minimal INTEGER, BOOLEAN,
 * trailing bytes) are fatal and reported with their offset. Content that is
 * well-formed DER but breaks a profile rule (e.g. a bad PrintableString
 * character, a UTCTime without seconds, an empty SAN) is NOT fatal here: it
 * is recorded so lints can report it (see the `*_ok` flags). OpenSSL is used
 * for hashes and key maths only, never for structure. */
#ifndef PKIWARD_CERT_H
#define PKIWARD_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/der.h"
#include "pkiward/oid.h"
#include "pkiward/status.h"

/* Named limits (inputs beyond them are rejected with PW_ERR_LIMIT). */
#define PW_CERT_MAX_DER (1u << 20)      /* a single certificate/CSR: 1 MiB */
#define PW_CRL_MAX_DER (256u << 20)     /* a CRL: 256 MiB */
#define PW_CERT_MAX_NAME_ATTRS 256      /* attributes in one Name */
#define PW_CERT_MAX_EXTENSIONS 256
#define PW_CERT_MAX_GENERAL_NAMES 10000 /* in one GeneralNames (SAN, ...) */
#define PW_CERT_MAX_POLICIES 64
#define PW_CERT_MAX_NESTING 32
#define PW_OBJECTS_MAX 1000000u         /* objects in one input (PEM bundle / DER stream) */

/* What an object is. A precertificate is a certificate carrying the critical
 * CT poison extension (RFC 6962 §3.1). */
enum pw_cert_kind {
	PW_KIND_CERT = 0,
	PW_KIND_PRECERT,
	PW_KIND_TBS, /* an unsigned TBSCertificate (linting before signing) */
	PW_KIND_CSR,
	PW_KIND_CRL
};

/* AlgorithmIdentifier (RFC 5280 §4.1.1.2). */
struct pw_algid {
	struct pw_der raw;       /* the whole SEQUENCE element (for byte comparisons) */
	struct pw_der oid;       /* OID contents */
	enum pw_oid id;          /* PW_OID_UNKNOWN if not in the table */
	int params_present;      /* 1 if a parameters element follows the OID */
	uint32_t params_tag;     /* its tag when present (PW_DER_NULL, PW_DER_OID, ...) */
	struct pw_der params;    /* the whole parameters element when present */
};

/* One AttributeTypeAndValue of a Name, in encoding order. */
struct pw_attr {
	enum pw_oid id;       /* PW_OID_UNKNOWN for types not in the table */
	struct pw_der oid;    /* OID contents */
	uint32_t tag;         /* the value's tag (PW_DER_PRINTABLE_STRING, ...) */
	struct pw_der value;  /* value contents (raw octets, never NUL-terminated) */
	unsigned rdn;         /* index of the RelativeDistinguishedName it sits in */
	int charset_ok;       /* value obeys its string type's character set */
	size_t offset;        /* absolute offset of the AttributeTypeAndValue */
};

/* A Name: a sequence of RDNs, each a SET of attributes (RFC 5280 §4.1.2.4). */
struct pw_name {
	struct pw_der raw;     /* the whole Name element (for comparisons/hashing) */
	struct pw_attr *attrs; /* arena-owned */
	size_t n_attrs;
	unsigned n_rdns;
	int set_order_ok;      /* every multi-valued RDN SET is in DER order (X.690 §11.6) */
};

/* GeneralName (RFC 5280 §4.2.1.6): `type` is its context tag number. */
enum pw_gn_type {
	PW_GN_OTHER_NAME = 0,
	PW_GN_RFC822 = 1,
	PW_GN_DNS = 2,
	PW_GN_X400 = 3,
	PW_GN_DIRECTORY = 4,
	PW_GN_EDI_PARTY = 5,
	PW_GN_URI = 6,
	PW_GN_IP = 7,
	PW_GN_REGISTERED_ID = 8
};

struct pw_general_name {
	enum pw_gn_type type;
	/* RFC822/DNS/URI: the IA5String octets; IP: 4 or 16 octets (or 8/32 in
	 * name constraints); directoryName: the contents of the [4] element (a
	 * Name element); otherName: the contents (type-id OID + [0] value);
	 * registeredID: OID contents. */
	struct pw_der value;
	int ia5_ok;           /* for RFC822/DNS/URI: octets are IA5 (0x00-0x7F) */
	struct pw_name dir;   /* parsed directoryName when type == PW_GN_DIRECTORY */
	struct pw_der other_oid; /* otherName type-id when type == PW_GN_OTHER_NAME */
};

struct pw_general_names {
	struct pw_general_name *v; /* arena-owned */
	size_t n;
};

/* One extension as encoded (RFC 5280 §4.1.2.9). */
struct pw_ext {
	enum pw_oid id;
	struct pw_der oid;     /* OID contents */
	int critical;          /* value of the critical BOOLEAN (0 if absent) */
	int critical_present;  /* the BOOLEAN was encoded (DER forbids encoding FALSE) */
	struct pw_der value;   /* contents of extnValue OCTET STRING */
	int decoded_ok;        /* 1 if pkiward decoded it (or does not decode this type),
	                          0 if its value failed to decode (see decode_err) */
	/* Why the value failed to decode: arena-owned, NULL while decoded_ok
	 * (and if memory ran out while recording it). A pointer, not an
	 * embedded struct pw_error: that made every extension 416 bytes, and a
	 * 1M-entry CRL's reasonCodes alone 333 MB to fault in. */
	const struct pw_error *decode_err;
	size_t offset;         /* absolute offset of the Extension element */
};

struct pw_policy_qualifier {
	enum pw_oid id;          /* PW_OID_QT_CPS, PW_OID_QT_UNOTICE or other */
	struct pw_der oid;
	struct pw_der value;     /* whole qualifier element */
	uint32_t text_tag;       /* CPS: IA5String tag; unotice: explicitText tag (0 if none) */
	struct pw_der text;      /* CPS URI octets, or explicitText contents */
	int has_notice_ref;      /* unotice carries a noticeRef */
};

struct pw_policy {
	enum pw_oid id;
	struct pw_der oid;
	struct pw_policy_qualifier *q; /* arena-owned */
	size_t n_q;
};

struct pw_access_desc {
	enum pw_oid method;    /* PW_OID_AD_OCSP, PW_OID_AD_CA_ISSUERS, ... */
	struct pw_der method_oid;
	struct pw_general_name location;
};

struct pw_dist_point {
	int has_full_name;
	struct pw_general_names full_name;
	int has_relative_name;
	int has_reasons;
	struct pw_der reasons;  /* BIT STRING octets */
	int has_crl_issuer;
	struct pw_general_names crl_issuer;
};

struct pw_subtree {
	struct pw_general_name base;
	int has_min, has_max;
	uint64_t min, max;
};

/* SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 3279, RFC 5480). */
struct pw_spki {
	struct pw_der raw;           /* the whole SPKI element */
	struct pw_algid alg;
	struct pw_der key;           /* subjectPublicKey BIT STRING octets */
	unsigned key_unused_bits;
	/* RSA (alg.id == PW_OID_RSA_ENCRYPTION) */
	int rsa_ok;                  /* RSAPublicKey decoded */
	struct pw_der rsa_n, rsa_e;  /* INTEGER contents as encoded */
	unsigned rsa_bits;           /* bit length of the modulus */
	uint64_t rsa_e_u64;          /* exponent if it fits in 64 bits, else 0 */
	/* EC (alg.id == PW_OID_EC_PUBLIC_KEY) */
	enum pw_oid ec_curve;        /* named curve from the parameters, or UNKNOWN */
	int ec_explicit;             /* parameters were explicit (specifiedCurve) */
	struct pw_der ec_point;      /* the point octets (== key) */
	uint8_t sha256[32];          /* SHA-256 of the whole SPKI element */
};

/* Decoded standard extensions (present == 0 when absent). */
struct pw_cert_exts {
	struct { int present, critical, ca, has_pathlen; uint64_t pathlen;
	         int ca_encoded; /* cA was encoded (FALSE breaks DER, X.690 §11.5) */ } bc;
	struct { int present, critical; unsigned bits; unsigned n_bits; } ku; /* bit 0 = digitalSignature ... bit 8 = decipherOnly (RFC 5280 §4.2.1.3) */
	struct { int present, critical; enum pw_oid *ids; struct pw_der *oids; size_t n; } eku;
	struct { int present, critical; struct pw_general_names names; } san;
	struct { int present, critical; struct pw_general_names names; } ian;
	struct { int present, critical; struct pw_policy *v; size_t n; } policies;
	struct { int present, critical, has_key_id; struct pw_der key_id;
	         int has_issuer, has_serial; } aki;
	struct { int present, critical; struct pw_der key_id; } ski;
	struct { int present, critical; struct pw_access_desc *v; size_t n; } aia;
	struct { int present, critical; struct pw_dist_point *v; size_t n; } crldp;
	struct { int present, critical; struct pw_subtree *permitted; size_t n_permitted;
	         struct pw_subtree *excluded; size_t n_excluded; } nc;
	struct { int present, critical, value_is_null; } ct_poison;     /* RFC 6962 §3.1 */
	struct { int present, critical; struct pw_der list; size_t n_scts; } scts; /* RFC 6962 §3.3 */
};

/* A certificate, precertificate or unsigned TBSCertificate. */
struct pw_cert {
	enum pw_cert_kind kind;
	struct pw_der der;            /* the whole input object */
	struct pw_der tbs;            /* the TBSCertificate element */
	int version_present;          /* [0] EXPLICIT version was encoded */
	uint64_t version;             /* 0 = v1, 1 = v2, 2 = v3 (as encoded) */
	struct pw_der serial;         /* INTEGER contents (two's complement, as encoded) */
	struct pw_algid sig_alg_inner; /* tbsCertificate.signature */
	struct pw_algid sig_alg_outer; /* Certificate.signatureAlgorithm (absent for TBS) */
	struct pw_name issuer, subject;
	uint32_t not_before_tag, not_after_tag;
	struct pw_der not_before_raw, not_after_raw; /* time contents */
	int64_t not_before, not_after;  /* Unix seconds */
	int validity_strict_ok;        /* both times in the strict DER forms */
	struct pw_spki spki;
	int has_issuer_uid, has_subject_uid;
	struct pw_ext *exts;           /* arena-owned, in encoding order */
	size_t n_exts;
	int has_ext_list;              /* [3] extensions was encoded */
	struct pw_cert_exts x;         /* decoded extensions */
	struct pw_der sig_value;       /* signature BIT STRING octets (absent for TBS) */
	unsigned sig_unused_bits;
	/* Computed. */
	uint8_t sha256[32];            /* SHA-256 of `der` */
	uint8_t link_sha256[32];       /* SHA-256 of the TBS with the CT poison and SCT
	                                  list extensions removed: equal for a
	                                  precertificate and its certificate (RFC 6962 §3.2) */
	int is_ca;                     /* basicConstraints cA = TRUE */
	int is_self_issued;            /* issuer == subject (byte-equal) */
	/* Content-level findings recorded for lints (added after v0). */
	int validity_ok;               /* both times read as calendar dates (even in a
	                                  lax form); 0 leaves the unreadable one at 0 */
	int exts_unique_ok;            /* no extension OID appears twice (RFC 5280 §4.2) */
	int has_unknown_critical;      /* a critical extension whose OID is not in oid.h */
	struct pw_der issuer_uid, subject_uid; /* BIT STRING octets when present */
	void *arena_;                  /* private */
};

/* Prepares an empty object (no allocation). */
void pw_cert_init(struct pw_cert *c);

/* Parses a DER Certificate into *c (re-using its arena). The kind becomes
 * PW_KIND_PRECERT when the CT poison extension is present. On failure *err
 * names the offset and field; *c is left in an unspecified but
 * cleanup-safe state. `der` must outlive every use of *c. */
enum pw_status pw_cert_parse(struct pw_cert *c, const uint8_t *der, size_t len,
                             struct pw_error *err) PW_WARN_UNUSED;

/* Flags for pw_cert_parse_ex. */
#define PW_CERT_PARSE_NO_HASHES 0x1u /* skip sha256, spki.sha256 and link_sha256
                                        (left all zero): for callers that only read
                                        the structure, and to measure how much of a
                                        parse is SHA-256 (bench/bench_parse.c) */

/* pw_cert_parse with flags (PW_CERT_PARSE_*; 0 = pw_cert_parse). The
 * structure is checked exactly as strictly whatever the flags. */
enum pw_status pw_cert_parse_ex(struct pw_cert *c, const uint8_t *der, size_t len, unsigned flags,
                                struct pw_error *err) PW_WARN_UNUSED;

/* Parses a DER TBSCertificate (unsigned) into *c; kind PW_KIND_TBS. */
enum pw_status pw_cert_parse_tbs(struct pw_cert *c, const uint8_t *der, size_t len,
                                 struct pw_error *err) PW_WARN_UNUSED;

/* Frees the arena. NULL-safe; *c may be re-initialised afterwards. */
void pw_cert_cleanup(struct pw_cert *c);

/* Finds the first extension with the given id; NULL if absent. Borrowed. */
const struct pw_ext *pw_cert_get0_ext(const struct pw_cert *c, enum pw_oid id);

/* Counts extensions with the given id (for duplicate checks). */
size_t pw_cert_count_ext(const struct pw_cert *c, enum pw_oid id);

/* Human-readable one-line form of a Name in RFC 4514 order
 * ("CN=a.example.com, O=Example, C=US" — most specific first), written into
 * buf (NUL-terminated, truncated to fit). Returns buf. For display and for
 * the `find --issuer DN` search; never an identity. */
char *pw_name_to_text(const struct pw_name *n, char *buf, size_t buflen);

/* Serial as lowercase hex of the encoded octets (leading 00 kept as encoded). */
char *pw_serial_to_hex(const struct pw_der *serial, char *buf, size_t buflen);

/* ---- CSR (PKCS#10, RFC 2986) ---- */
struct pw_csr {
	struct pw_der der;
	struct pw_der info;            /* CertificationRequestInfo element (signed bytes) */
	uint64_t version;
	struct pw_name subject;
	struct pw_spki spki;
	struct pw_der attributes;      /* contents of the [0] attributes */
	struct pw_ext *exts;           /* from an extensionRequest attribute, arena-owned */
	size_t n_exts;
	struct pw_cert_exts x;
	struct pw_algid sig_alg;
	struct pw_der sig_value;
	unsigned sig_unused_bits;
	uint8_t sha256[32];
	/* Added after v0. */
	int has_attributes;            /* the [0] attributes field was encoded */
	int has_ext_request;           /* an extensionRequest attribute was found */
	int exts_unique_ok;            /* no extension OID appears twice */
	int has_unknown_critical;      /* a critical extension not in oid.h */
	void *arena_;
};

void pw_csr_init(struct pw_csr *r);
enum pw_status pw_csr_parse(struct pw_csr *r, const uint8_t *der, size_t len,
                            struct pw_error *err) PW_WARN_UNUSED;
void pw_csr_cleanup(struct pw_csr *r);

/* ---- CRL (RFC 5280 §5) ---- */
struct pw_crl_entry {
	struct pw_der serial;          /* INTEGER contents */
	int64_t revocation_date;
	uint32_t revocation_date_tag;
	struct pw_der ext_list;        /* contents of crlEntryExtensions (empty if none) */
	int has_reason;
	uint32_t reason;               /* CRLReason (RFC 5280 §5.3.1) */
	int has_invalidity_date;
	int64_t invalidity_date;
	struct pw_ext *exts;           /* arena-owned */
	size_t n_exts;
	size_t offset;
};

struct pw_crl {
	struct pw_der der;
	struct pw_der tbs;
	int version_present;
	uint64_t version;
	struct pw_algid sig_alg_inner, sig_alg_outer;
	struct pw_name issuer;
	int64_t this_update, next_update;
	uint32_t this_update_tag, next_update_tag;
	int has_next_update;
	struct pw_crl_entry *entries;  /* arena-owned */
	size_t n_entries;
	struct pw_ext *exts;           /* crlExtensions, arena-owned */
	size_t n_exts;
	int has_crl_number;
	struct pw_der crl_number;      /* INTEGER contents */
	int has_aki;
	struct pw_der aki_key_id;
	int has_idp;
	struct pw_dist_point idp_dp;   /* distributionPoint of the IDP when present */
	int idp_only_user, idp_only_ca, idp_indirect, idp_only_attr, idp_has_reasons;
	struct pw_der sig_value;
	unsigned sig_unused_bits;
	uint8_t sha256[32];
	/* Added after v0. */
	int times_strict_ok;           /* thisUpdate/nextUpdate and every revocationDate in
	                                  the RFC 5280 §5.1.2.4 DER forms */
	int idp_decoded_ok;            /* the IDP value decoded (when has_idp) */
	int exts_unique_ok;            /* no crlExtensions OID appears twice */
	void *arena_;
};

void pw_crl_init(struct pw_crl *l);
enum pw_status pw_crl_parse(struct pw_crl *l, const uint8_t *der, size_t len,
                            struct pw_error *err) PW_WARN_UNUSED;
/* pw_crl_parse with flags: PW_CERT_PARSE_NO_HASHES leaves l->sha256 all zero
 * (the linter reads only the structure; hashing a 1M-entry CRL of 46 MB is
 * a fifth of building, signing and linting it). Structure checks are the
 * same whatever the flags. */
enum pw_status pw_crl_parse_ex(struct pw_crl *l, const uint8_t *der, size_t len, unsigned flags,
                               struct pw_error *err) PW_WARN_UNUSED;
void pw_crl_cleanup(struct pw_crl *l);

/* ---- PEM and input framing ---- */

/* What a PEM block or DER object holds (from its label or its structure). */
enum pw_object_type {
	PW_OBJ_UNKNOWN = 0,
	PW_OBJ_CERTIFICATE,      /* "CERTIFICATE" */
	PW_OBJ_CSR,              /* "CERTIFICATE REQUEST" / "NEW CERTIFICATE REQUEST" */
	PW_OBJ_CRL,              /* "X509 CRL" */
	PW_OBJ_TBS,              /* "TBS CERTIFICATE" (pkiward's label) */
	PW_OBJ_PUBLIC_KEY,       /* "PUBLIC KEY" */
	PW_OBJ_PRIVATE_KEY,      /* "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" */
	PW_OBJ_OTHER             /* a PEM label pkiward does not handle */
};

/* One object found in an input: decoded DER bytes plus where it came from. */
struct pw_object {
	enum pw_object_type type;
	char label[64];          /* PEM label ("" for raw DER) */
	uint8_t *der;            /* owned by the enclosing pw_objects */
	size_t der_len;
	size_t offset;           /* byte offset of the PEM "-----BEGIN" line or DER start */
	size_t line;             /* 1-based line of the BEGIN line (0 for DER) */
};

struct pw_objects {
	struct pw_object *v;
	size_t n;
};

/* Splits an input file's bytes into objects: PEM (any number of blocks, text
 * before/between/after blocks skipped, as in the zlint corpus files; base64
 * errors reported with the line) or raw DER (one or several concatenated
 * top-level SEQUENCEs). A PEM block whose label is not one pkiward handles is
 * returned as PW_OBJ_OTHER so callers can report "wrong PEM label". Fails with
 * *err (offset/line) on malformed PEM armour or DER framing; objects found
 * before the error are kept in *out (the caller may ingest them). */
enum pw_status pw_objects_read(const uint8_t *buf, size_t len, struct pw_objects *out,
                               struct pw_error *err) PW_WARN_UNUSED;

/* Frees the objects. NULL-safe. */
void pw_objects_free(struct pw_objects *objs);

/* For a raw DER object, tells certificate / CRL / CSR / TBS apart by
 * structure (no full parse). */
enum pw_object_type pw_der_sniff(const uint8_t *der, size_t len);

/* ---- OCSP response (RFC 6960 §4.2.1) ---- */

/* Limits for OCSP responses. */
#define PW_OCSP_MAX_DER (1u << 20)       /* a response: 1 MiB */
#define PW_OCSP_MAX_SINGLE_RESPONSES 1024

/* OCSPResponseStatus (RFC 6960 §4.2.1). */
enum pw_ocsp_status {
	PW_OCSP_SUCCESSFUL = 0,
	PW_OCSP_MALFORMED_REQUEST = 1,
	PW_OCSP_INTERNAL_ERROR = 2,
	PW_OCSP_TRY_LATER = 3,
	PW_OCSP_SIG_REQUIRED = 5,
	PW_OCSP_UNAUTHORIZED = 6
};

/* CertStatus choice (RFC 6960 §4.2.1). */
enum pw_ocsp_cert_status {
	PW_OCSP_GOOD = 0,
	PW_OCSP_REVOKED = 1,
	PW_OCSP_UNKNOWN = 2
};

/* One SingleResponse. */
struct pw_ocsp_single {
	struct pw_algid hash_alg;        /* CertID.hashAlgorithm */
	struct pw_der issuer_name_hash;  /* OCTET STRING contents */
	struct pw_der issuer_key_hash;
	struct pw_der serial;            /* INTEGER contents */
	enum pw_ocsp_cert_status status;
	int64_t revocation_time;         /* when status == PW_OCSP_REVOKED */
	int has_reason;
	uint32_t reason;                 /* CRLReason when has_reason */
	int64_t this_update;
	int has_next_update;
	int64_t next_update;
	struct pw_der ext_list;          /* contents of singleExtensions (empty if none) */
};

/* An OCSPResponse. Only id-pkix-ocsp-basic responseBytes are decoded; for
 * any other status than successful, has_basic is 0. */
struct pw_ocsp_resp {
	struct pw_der der;
	uint32_t status;                 /* enum pw_ocsp_status value as encoded */
	int has_basic;
	struct pw_der tbs;               /* ResponseData element (the signed bytes) */
	uint64_t version;                /* 0 = v1 */
	int responder_by_name;           /* ResponderID byName (else byKey) */
	struct pw_name responder_name;
	struct pw_der responder_key_hash;
	int64_t produced_at;
	struct pw_ocsp_single *responses; /* arena-owned */
	size_t n_responses;
	struct pw_der response_ext_list; /* contents of responseExtensions (empty if none) */
	struct pw_algid sig_alg;
	struct pw_der sig_value;
	unsigned sig_unused_bits;
	struct pw_der certs;             /* contents of the [0] certs SEQUENCE (empty if none) */
	uint8_t sha256[32];
	void *arena_;
};

void pw_ocsp_resp_init(struct pw_ocsp_resp *r);
/* Parses a DER OCSPResponse; strict DER, errors with offsets as for
 * certificates. `der` must outlive *r. */
enum pw_status pw_ocsp_resp_parse(struct pw_ocsp_resp *r, const uint8_t *der, size_t len,
                                  struct pw_error *err) PW_WARN_UNUSED;
void pw_ocsp_resp_cleanup(struct pw_ocsp_resp *r);

#endif
