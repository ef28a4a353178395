/* pkiward — CPS disclosure vs practice (DESIGN.md policy/; issue 8 items 3-4).
 *
 * The incident this answers: a CA validated domains with ACME http-01 (BR
 * 3.2.2.4.19) for 17 months while its CPS did not list that method, and
 * needed "a large query that must run for several days" to find the 369,922
 * certificates affected. Here the CPS's disclosures are a machine-readable
 * file (docs/policy.md), and `pw_policy_check()` compares every recorded
 * validation (store.h, docs/metadata.md: method + time per certificate and
 * name) with two rules at the time of that validation:
 *
 *   1. the method was disclosed in the CPS then (a window of the file);
 *   2. the Baseline Requirements allowed the method then: it existed (the
 *      ballot that defined it was in force) and was not yet retired; and a
 *      certificate issued after a sunset that also forbids re-using earlier
 *      validations did not rely on such a validation.
 *
 * The BR history of every method (3.2.2.4.1-22, 3.2.2.5.1-8) is a table in
 * this module (pw_policy_br_methods()), each date cited by ballot and BR
 * version. The check is set-based: for each method it computes the time
 * windows the rules forbid and selects the validations inside them with one
 * indexed range query per window (store_policy.h), so its cost follows the
 * number of windows and affected rows, not a loop over certificates in C.
 *
 * Times are Unix seconds (UTC). Dates in the file are "YYYY-MM-DD" (00:00:00
 * UTC of that day); a window [from, until) includes `from` and excludes
 * `until` (the day the CPS version without the method took effect). */
#ifndef PKIWARD_POLICY_H
#define PKIWARD_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/status.h"
#include "pkiward/store.h"

/* ---- Limits ---- */

/* Largest disclosure file read. */
#define PW_POLICY_MAX_FILE ((size_t)4 << 20)
/* Entries in dcv_methods + ip_methods, profiles, key_types, caa_identifiers. */
#define PW_POLICY_MAX_WINDOWS 512
#define PW_POLICY_MAX_PROFILES 128
#define PW_POLICY_MAX_KEY_TYPES 64
#define PW_POLICY_MAX_CAA 64
/* Longest text member (cps_version, CAA identifier, ...). */
#define PW_POLICY_MAX_TEXT 256
/* Room for a method id ("3.2.2.4.22") and a key type ("ecdsa-p384"). */
#define PW_POLICY_METHOD_MAX 16
#define PW_POLICY_KEY_TYPE_MAX 24
/* Room for a window's name: a method id, key type or profile token
 * (PW_STORE_META_MAX_PROFILE bytes). */
#define PW_POLICY_NAME_MAX (PW_STORE_META_MAX_PROFILE + 1)

/* ---- The BR history of each method ---- */

/* One method of BR 3.2.2.4 (domains) or 3.2.2.5 (IP addresses). Dates are
 * "YYYY-MM-DD" UTC; citations name the ballot, BR version and section. */
struct pw_policy_br_method {
	const char *section;     /* "3.2.2.4.19" */
	const char *title;       /* "Agreed-Upon Change to Website - ACME" */
	const char *from;        /* first day the BR defined the method under this number */
	const char *from_cite;
	const char *until;       /* first day new validations are forbidden; NULL = none */
	const char *until_cite;
	const char *reuse_until; /* first day no certificate may rely on an earlier
	                            validation by it; NULL = BR 4.2.1 reuse periods apply */
	const char *reuse_cite;
};

/* The table (n entries, in section order). Static. */
const struct pw_policy_br_method *pw_policy_br_methods(size_t *n);

/* The entry of `section` ("3.2.2.4.19"); NULL when the BR never defined it. */
const struct pw_policy_br_method *pw_policy_br_method(const char *section);

/* Midnight UTC of "YYYY-MM-DD" (exactly 10 characters, a real calendar
 * date) into *out. Returns 1, or 0 when it is not such a date. */
int pw_policy_parse_date(const char *s, size_t len, int64_t *out);

/* ---- The disclosure file ---- */

/* A period in which the CPS disclosed something: [from, until). */
struct pw_policy_window {
	char section[PW_POLICY_NAME_MAX]; /* method id, profile token or key type */
	int64_t from;
	int has_until;
	int64_t until;
};

struct pw_policy_disclosure {
	char cps_version[PW_POLICY_MAX_TEXT + 1];
	int has_cps_date;
	int64_t cps_date;
	struct pw_policy_window *dcv;     /* dcv_methods then ip_methods (owned) */
	size_t n_dcv;
	struct pw_policy_window *profiles; /* profile tokens (owned); NULL = not disclosed */
	size_t n_profiles;
	int has_profiles;
	struct pw_policy_window *key_types; /* "rsa-2048", "ecdsa-p256", ... (owned) */
	size_t n_key_types;
	int has_key_types;
	char (*caa)[PW_POLICY_MAX_TEXT + 1]; /* CAA issuer domain names (owned) */
	size_t n_caa;
};

/* Prepares an empty disclosure (no allocation). */
void pw_policy_disclosure_init(struct pw_policy_disclosure *d);

/* Parses a disclosure file (`buf`, `len` bytes of untrusted JSON):
 *   {"cps_version": "4.2", "cps_date": "2024-05-01",
 *    "dcv_methods": [{"section": "3.2.2.4.7", "from": "2019-01-01", "until": null}, ...],
 *    "ip_methods": [{"section": "3.2.2.5.7", "from": "...", "until": "..."}],
 *    "profiles": [{"name": "dv", "from": "...", "until": null}] or ["dv", "ov"],
 *    "key_types": [{"name": "rsa-2048", ...}] or ["rsa-2048", "ecdsa-p256"],
 *    "caa_identifiers": ["ca.example"]}
 * cps_version and dcv_methods are required; the rest optional. A section
 * must be one the BR defines (pw_policy_br_method), under dcv_methods a
 * 3.2.2.4.N and under ip_methods a 3.2.2.5.N; dates are "YYYY-MM-DD"; until
 * (null or absent = still disclosed) after from. Unknown members, duplicate
 * members, limits exceeded: errors. On failure err->field names the member
 * ("dcv_methods[3].section"), err->msg what is wrong (with the line and
 * column for malformed JSON), and *d is cleanup-safe. */
enum pw_status pw_policy_disclosure_parse(const uint8_t *buf, size_t len,
                                          struct pw_policy_disclosure *d,
                                          struct pw_error *err) PW_WARN_UNUSED;

/* Frees what *d owns and re-initialises it. NULL-safe. */
void pw_policy_disclosure_cleanup(struct pw_policy_disclosure *d);

/* 1 when `section` was disclosed (a dcv window holds t). */
int pw_policy_disclosed_at(const struct pw_policy_disclosure *d, const char *section, int64_t t);

/* ---- The check ---- */

/* What is wrong with a validation (bits; a certificate's findings OR them). */
#define PW_POLICY_NOT_DISCLOSED 0x1u  /* CPS did not list the method then */
#define PW_POLICY_BR_UNDEFINED 0x2u   /* the BR did not (yet) define the method then */
#define PW_POLICY_BR_RETIRED 0x4u     /* the BR had retired the method then */
#define PW_POLICY_BR_REUSED 0x8u      /* issued after a sunset that forbids re-use */

/* Short names of the bits ("not-disclosed", "br-undefined", "br-retired",
 * "br-reuse-after-sunset") joined by ',' into buf (returns buf). */
char *pw_policy_kinds_text(unsigned kinds, char *buf, size_t buflen);

/* One forbidden window of one method and what it caught. */
struct pw_policy_window_finding {
	char method[PW_POLICY_METHOD_MAX];
	int has_from;            /* 0: since ever */
	int64_t from;
	int has_until;           /* 0: up to the check's cutoff */
	int64_t until;
	unsigned kinds;
	uint64_t validations;    /* validations caught */
	char cite[PW_ERROR_MSG_MAX]; /* the rule(s), e.g. "BR 3.2.2.4.6: retired 2020-06-03 ..." */
};

/* A method used, with what the check found. */
struct pw_policy_method_summary {
	char method[PW_POLICY_METHOD_MAX];
	uint64_t validations;    /* rows with this method (0 when not counted) */
	uint64_t affected_certificates;
	int64_t first_not_before, last_not_before; /* of the affected certificates */
	int known;               /* the BR defines it */
};

/* Profiles / key types issued vs disclosed. */
struct pw_policy_issued_finding {
	char name[PW_POLICY_MAX_TEXT + 1]; /* profile token ("(none)" when unrecorded) or key type */
	uint64_t certificates;   /* certificates outside every disclosed window */
	uint64_t keys;           /* distinct keys (key types only) */
	int64_t first_not_before, last_not_before;
	int never_disclosed;     /* 1: no window at all; 0: issued outside its windows */
};

struct pw_policy_check_opts {
	int64_t at;              /* consider validations and issuance before this; 0 = now */
	int64_t now;             /* reference for "expired"; 0 = at */
	int count_methods;       /* count every method's validations (one range count each) */
	int skip_profiles;       /* do not compare profiles */
	int skip_key_types;      /* do not compare key types (one DER parse per distinct key) */
};

struct pw_policy_report {
	struct pw_policy_window_finding *windows;  /* owned */
	size_t n_windows;
	struct pw_policy_method_summary *methods;  /* owned */
	size_t n_methods;
	struct pw_policy_issued_finding *profiles; /* owned: undisclosed profiles */
	size_t n_profiles;
	struct pw_policy_issued_finding *key_types; /* owned: undisclosed key types */
	size_t n_key_types;
	uint64_t validations_hit;  /* validation rows caught (over all windows) */
	uint64_t certificates;     /* distinct certificates affected (incl. precertificates) */
	uint64_t precertificates;
	uint64_t remaining_valid;  /* neither expired nor revoked (CCADB IRG) */
	uint64_t revoked, expired;
	int64_t first_not_before, last_not_before;
	int64_t at, now;
};

/* Runs the check over the store. Afterwards the affected certificates can
 * be read with pw_policy_affected() on the same handle (they are kept in
 * the handle's hit set until the next check). Read-only handles work.
 * Returns PW_OK whether or not something was found (see out->certificates,
 * n_profiles, n_key_types); an error only for a store failure or bad
 * arguments. Call pw_policy_report_cleanup() afterwards. */
enum pw_status pw_policy_check(struct pw_store *s, const struct pw_policy_disclosure *d,
                               const struct pw_policy_check_opts *opts,
                               struct pw_policy_report *out,
                               struct pw_error *err) PW_WARN_UNUSED;

/* Frees what *r owns. NULL-safe. */
void pw_policy_report_cleanup(struct pw_policy_report *r);

/* Calls fn for every certificate the last pw_policy_check() on this handle
 * found, in ingest order (rows as in store_policy.h). */
#include "pkiward/store_policy.h"
enum pw_status pw_policy_affected(struct pw_store *s, pw_store_policy_hit_fn fn, void *ctx,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* The key type of a certificate's SubjectPublicKeyInfo as disclosure files
 * name them: "rsa-<bits>", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521",
 * "ed25519", or "other" (written into out, PW_POLICY_KEY_TYPE_MAX bytes).
 * Returns 1, or 0 when the DER does not parse. */
int pw_policy_key_type(const uint8_t *der, size_t len, char out[PW_POLICY_KEY_TYPE_MAX]);

#endif
