/* pkiward — profile-aware linter for certificates, precertificates, unsigned
 * TBS certificates and CRLs.
 *
 * Lints are data (STYLE.md "Lints are data"): each lint is one struct
 * pw_lint_def row — name, severity, source, citation, effective dates, what
 * it applies to — plus an applies-check and a check function. Lint families
 * live in src/lint/lints/<family>.c, each defining
 *
 *     const struct pw_lint_family pw_lint_family_<family> = { "<family>", defs, n };
 *
 * and the build generates the registry from the file names (CMakeLists.txt),
 * so adding a family never edits a shared list. Results go into a per-call
 * struct pw_lint_results; there is no global state besides the read-only
 * registry. Lint names follow zlint's where zlint has the same rule. */
#ifndef PKIWARD_LINT_H
#define PKIWARD_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/cert.h"
#include "pkiward/status.h"

/* Results, in zlint's vocabulary (its JSON "result" strings in comments). */
enum pw_lint_status {
	PW_LINT_NA = 0,  /* "NA": the lint does not apply */
	PW_LINT_NE,      /* "NE": notBefore outside [effective, ineffective) */
	PW_LINT_PASS,    /* "pass" */
	PW_LINT_NOTICE,  /* "info" */
	PW_LINT_WARN,    /* "warn" */
	PW_LINT_ERROR,   /* "error" */
	PW_LINT_FATAL    /* "fatal": could not be evaluated (e.g. strict DER failure) */
};

/* Where a rule comes from (zlint's source names in comments). */
enum pw_lint_source {
	PW_SRC_CABF_BR = 0,   /* CABFBaselineRequirements */
	PW_SRC_CABF_EV,       /* CABFEVGuidelines */
	PW_SRC_RFC5280,
	PW_SRC_RFC3279,
	PW_SRC_RFC5480,
	PW_SRC_RFC5891,
	PW_SRC_RFC6960,
	PW_SRC_RFC6962,
	PW_SRC_RFC8813,
	PW_SRC_COMMUNITY,     /* Community */
	PW_SRC_MOZILLA,       /* MozillaRootStorePolicy */
	PW_SRC_APPLE,         /* AppleRootStorePolicy */
	PW_SRC_CHROME,        /* ChromeRootStorePolicy */
	PW_SRC_PKIWARD,       /* rules zlint lacks, added by pkiward */
	PW_SRC_COUNT_
};

/* What a lint examines. */
enum pw_lint_target {
	PW_TARGET_CERT = 0,   /* certificates, precertificates and TBS certificates */
	PW_TARGET_CRL,
	PW_TARGET_OCSP        /* OCSP responses (RFC 6960) */
};

/* Certificate profiles (BR 7.1.2, EVG 9). PW_PROFILE_AUTO detects from policy
 * OIDs, EKU and basicConstraints. */
enum pw_lint_profile {
	PW_PROFILE_AUTO = 0,
	PW_PROFILE_DV,
	PW_PROFILE_OV,
	PW_PROFILE_IV,
	PW_PROFILE_EV,
	PW_PROFILE_SUBSCRIBER,      /* a TLS subscriber certificate of unknown validation type */
	PW_PROFILE_SUBORDINATE_CA,
	PW_PROFILE_ROOT,
	PW_PROFILE_PRECERT_SIGNING_CA,
	PW_PROFILE_OCSP_RESPONDER,
	PW_PROFILE_NON_TLS          /* not a TLS certificate: TLS lints are NA */
};

/* Maximum length of a finding's details text. */
#define PW_LINT_DETAILS_MAX 256

/* What a check function sees. Exactly one of cert / crl is non-NULL. */
struct pw_lint_ctx {
	const struct pw_cert *cert;
	const struct pw_crl *crl;
	enum pw_lint_profile profile;   /* resolved (never AUTO) */
	int64_t now;                    /* evaluation time (Unix seconds) */
	const struct pw_cert *issuer;   /* issuing CA certificate if known, else NULL */
	/* Added after v0: computed once per call by the engine. */
	int self_signed;                /* zcrypto's SelfSigned: subject == issuer and the
	                                   signature verifies with the own key (for a TBS:
	                                   self-issued). Read via src/lint/lint_util.h. */
	int server_auth;                /* zlint IsServerAuthCert (the BR source gate) */
	const struct pw_ocsp_resp *ocsp; /* set (alone) for PW_TARGET_OCSP lints */
	/* Added in wave 3: engine-private memo of results that depend on the
	 * key alone (src/lint/key_memo.h), owned by the result set. NULL when a
	 * check runs outside the engine; checks then compute directly. */
	void *memo_;
};

/* One lint. `check` writes a short explanation into details (may leave it
 * empty on pass) and returns PASS or the lint's failing severity. */
struct pw_lint_def {
	const char *name;               /* e.g. "e_sub_cert_aia_missing" */
	enum pw_lint_status severity;   /* NOTICE / WARN / ERROR when the rule is broken */
	enum pw_lint_source source;
	enum pw_lint_target target;
	const char *citation;           /* e.g. "BR 7.1.2.7.7", "RFC 5280 §4.2.1.6" */
	const char *description;        /* pkiward's own words */
	const char *effective;          /* "YYYY-MM-DD" or NULL (always) */
	const char *ineffective;        /* "YYYY-MM-DD" or NULL (never) */
	/* Returns 1 if the lint applies (else the result is NA). NULL = always. */
	int (*applies)(const struct pw_lint_ctx *ctx);
	enum pw_lint_status (*check)(const struct pw_lint_ctx *ctx, char *details, size_t details_len);
	/* Added after v0 (zero = default behaviour). */
	unsigned flags;                 /* PW_LINT_F_* */
};

/* pw_lint_def.flags. */
/* Skip the engine's source gate (zlint OverrideFrameworkFilter): a
 * CABF_BR lint that must also run on certificates zlint does not consider
 * server-auth (e.g. OCSP responder certificates, BR 7.1.2.8). */
#define PW_LINT_F_NO_SOURCE_GATE 0x1u
/* The lint reads the outer signature (signatureAlgorithm / signatureValue):
 * NA for an unsigned TBSCertificate. */
#define PW_LINT_F_NEEDS_SIGNATURE 0x2u

/* A family of lints (one source file). */
struct pw_lint_family {
	const char *name;
	const struct pw_lint_def *defs;
	size_t n;
};

/* One result. */
struct pw_lint_result {
	const struct pw_lint_def *def;  /* borrowed from the registry (static) */
	enum pw_lint_status status;
	char details[PW_LINT_DETAILS_MAX];
};

/* A per-call result set (caller-owned; reusable across calls). */
struct pw_lint_results {
	struct pw_lint_result *v;
	size_t n, cap;
	enum pw_lint_profile profile;   /* the profile used (detected when AUTO was asked) */
	int fatal;                      /* a fatal result is present */
	struct pw_error parse_err;      /* when the input failed to parse: where and why */
	/* Added after v0. */
	int parse_failed;               /* the input did not parse (parse_err says why) */
	enum pw_cert_kind kind;         /* what was linted: CERT, PRECERT, TBS or CRL */
	void *cache_;                   /* private: parse objects reused across calls */
};

/* Options for a lint run. Zero-initialise, then set what you need. */
struct pw_lint_opts {
	enum pw_lint_profile profile;   /* AUTO by default */
	int64_t now;                    /* 0 = time(NULL) */
	const char *const *only;        /* NULL, or a NULL-terminated list of lint names to run */
	const struct pw_cert *issuer;   /* optional issuing CA certificate */
	int include_na;                 /* keep NA / NE rows in the results (default: drop) */
};

void pw_lint_results_init(struct pw_lint_results *r);
void pw_lint_results_cleanup(struct pw_lint_results *r);

/* Lints a DER certificate or precertificate. Structural parse failures become
 * one fatal result ("e_pkiward_der_strict" / details with the byte offset)
 * instead of an error return; the return value is PW_OK unless memory runs
 * out or arguments are invalid. */
enum pw_status pw_lint_cert(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                            struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Lints an unsigned DER TBSCertificate (before signing). */
enum pw_status pw_lint_tbs(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                           struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Lints a DER CRL. */
enum pw_status pw_lint_crl(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                           struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Lints a DER OCSPResponse (RFC 6960 §4.2.1). A response that is not strict
 * DER becomes one fatal "e_pkiward_ocsp_der_strict" result. */
enum pw_status pw_lint_ocsp(const uint8_t *der, size_t len, const struct pw_lint_opts *opts,
                            struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Lints an already parsed OCSP response. */
enum pw_status pw_lint_parsed_ocsp(const struct pw_ocsp_resp *r, const struct pw_lint_opts *opts,
                                   struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Lints an already parsed certificate / CRL (no parsing cost). */
enum pw_status pw_lint_parsed_cert(const struct pw_cert *c, const struct pw_lint_opts *opts,
                                   struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;
enum pw_status pw_lint_parsed_crl(const struct pw_crl *l, const struct pw_lint_opts *opts,
                                  struct pw_lint_results *out, struct pw_error *err) PW_WARN_UNUSED;

/* Detects the profile of a certificate (policy OIDs, EKU, basicConstraints). */
enum pw_lint_profile pw_lint_detect_profile(const struct pw_cert *c);

/* The registry: every lint, in a stable order. Borrowed, static. */
size_t pw_lint_count(void);
const struct pw_lint_def *pw_lint_get0(size_t i);
const struct pw_lint_def *pw_lint_find(const char *name);

/* Names: "pass", "info", "warn", "error", "fatal", "NA", "NE" (zlint JSON);
 * source names as zlint spells them ("CABFBaselineRequirements", ...);
 * profile names as the CLI spells them ("dv", "subordinate-ca", ...). */
const char *pw_lint_status_str(enum pw_lint_status s);
const char *pw_lint_source_str(enum pw_lint_source s);
const char *pw_lint_profile_str(enum pw_lint_profile p);
int pw_lint_profile_parse(const char *s, enum pw_lint_profile *out);

/* ---- Serialisation (added after v0) ----
 *
 * JSON in zlint's shape: an object whose keys are lint names, each
 * {"result": "pass|info|warn|error|fatal|NA|NE", "details": "..."} ("details"
 * omitted when empty), keys in registry (name) order. With `file` non-NULL
 * the object also carries "file", "object" (1-based index of the object in
 * that file) and "profile" keys — the JSON Lines form `pkiward lint --json`
 * prints when it lints more than one object; lint names never collide with
 * these keys (they start with e_, w_ or n_). Returns a malloc'd,
 * NUL-terminated single-line string (free() it), or NULL when memory runs
 * out. */
char *pw_lint_results_to_json(const struct pw_lint_results *r, const char *file, size_t object);

/* The catalogue as a JSON array: one object per lint with "name",
 * "severity", "source", "target" ("certificate"/"crl"), "citation",
 * "effective", "ineffective" (null when unbounded) and "description".
 * malloc'd single-line string, NULL when memory runs out. */
char *pw_lint_catalog_to_json(void);

/* "certificate"/"crl" for a lint target. */
const char *pw_lint_target_str(enum pw_lint_target t);

#endif
