/*
 * gen_corpus: generate a large, realistic WebPKI certificate corpus fast.
 *
 * Output (in --out DIR):
 *   certs.der        every certificate, DER, concatenated (precertificate first,
 *                    then its final certificate, when a pair is emitted)
 *   metadata.jsonl   one JSON object per certificate, same order as certs.der:
 *                    sha256, profile, order, subscriber, validations[]
 *   ca/              root and intermediates: <id>.pem and <id>.key (PKCS#8)
 *   keys/            the subject key pool: p256.pem, rsa2048.pem (concatenated
 *                    PKCS#8) and index.tsv (spki_sha256, file, position, type),
 *                    for key-compromise demos
 *   pem/             with --pem: certs-NNNN.pem bundles of PEM_BUNDLE_CERTS
 *   corpus.json      the parameters and counts of this run
 *
 * Why it is fast: leaves are not built with X509_* (X509_set_pubkey re-encodes
 * the key and the whole structure is re-serialised on every call).  Instead the
 * TBSCertificate is written with a tiny DER writer from pre-encoded pieces:
 * each issuing CA's Name, AlgorithmIdentifier and AKI/AIA/CRLDP extensions, and
 * each pool key's SubjectPublicKeyInfo (taken once from i2d_PUBKEY) and SKI.
 * The TBS is hashed with SHA-256 and signed with EVP_PKEY_sign on a signing
 * context that each thread sets up once per CA.
 *
 * Content is deterministic for a given --seed: names, subjects, serials,
 * dates, profiles, issuers, which pool key a certificate uses, SCT bytes and
 * validation records.  Key material and signatures are not (OpenSSL draws them
 * from its own CSPRNG), so certificate fingerprints differ between runs.
 *
 * Profiles follow CA/B Forum BR 2.2.6 section 7.1.2 (root 7.1.2.1, TLS
 * subordinate CA 7.1.2.6, subscriber 7.1.2.7, precertificate 7.1.2.9) and the
 * EV Guidelines 7.1.4.2.  See docs/bench-corpus.md for the distributions.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* ---- limits and defaults (every limit a named constant) ---------------- */

enum {
  DEFAULT_COUNT = 1000000,
  MAX_COUNT = 200000000,
  DEFAULT_DOMAINS = 5000,
  MIN_DOMAINS = 16,
  MAX_DOMAINS = 10000000,
  /* Subject key pool: 1/POOL_RSA_DIVISOR RSA-2048, the rest P-256.  RSA-2048
   * generation costs ~0.7 s of CPU each on the 2-core build machine, which
   * is why the RSA share of the pool is small (see docs/bench-corpus.md). */
  DEFAULT_KEY_POOL = 2500,
  POOL_RSA_DIVISOR = 25,
  AUTO_EC_POOL_DIVISOR = 4,      /* automatic pool: at most count/4 EC keys */
  AUTO_RSA_POOL_DIVISOR = 10000, /* ... and count/10000 RSA keys (min 1) */
  AUTO_MIN_EC_POOL = 8,
  MAX_KEY_POOL = 1000000,
  MAX_THREADS = 64,
  BLOCK_ISSUANCES = 256,       /* issuances a worker generates per block */
  PEM_BUNDLE_CERTS = 10000,    /* certificates per --pem bundle file */
  PROGRESS_EVERY = 100000,     /* progress line to stderr every N certificates */
  MAX_SANS = 10,               /* dNSNames per leaf (brief: 1..10) */
  MAX_NAME_LEN = 253,          /* RFC 1035 presentation length */
  MAX_LABEL_LEN = 63,
  TBS_MAX = 8192,              /* bytes; a leaf TBS is ~1 KiB */
  CERT_MAX = TBS_MAX + 1024,
  MAX_SIG = 1024,
  DW_MAX_DEPTH = 16,
  SCT_LOGS = 6,
  CA_NAME_MAX = 512,
  EXT_MAX = 1024,
  URL_MAX = 256,
  PATH_MAX_LEN = 4096,
  META_LINE_MAX = 8192,
  IO_BUF = 1 << 20,
};

#define DEFAULT_SEED 1
#define DEFAULT_PRECERT_RATIO 0.05
#define DEFAULT_END "2026-11-01"
#define DEFAULT_SPAN_DAYS 730
#define DEFAULT_URL_BASE "http://pki.pkiward.test"

/* BR 6.3.2: validity ceilings change on these dates; BR 3.2.2.4.2 sunset. */
#define BR_DATE_200_DAYS "2026-03-15"
#define BR_DATE_SUNSET_4_2 "2025-07-15"

/* ---- small utilities --------------------------------------------------- */

static const char *g_prog = "gen_corpus";

static void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errmsg(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", g_prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static void ossl_err(const char *what) {
  unsigned long e = ERR_get_error();
  char buf[256];
  if (e != 0) {
    ERR_error_string_n(e, buf, sizeof(buf));
    errmsg("%s: %s", what, buf);
  } else {
    errmsg("%s failed", what);
  }
  ERR_clear_error();
}

/* Growing byte buffer: append-only, owned, freed with gbuf_cleanup. */
struct gbuf {
  uint8_t *p;
  size_t len, cap;
};

static int gbuf_reserve(struct gbuf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len) return 0;
  if (b->len + extra <= b->cap) return 1;
  size_t ncap = b->cap ? b->cap : 4096;
  while (ncap < b->len + extra) {
    if (ncap > SIZE_MAX / 2) return 0;
    ncap *= 2;
  }
  uint8_t *np = realloc(b->p, ncap);
  if (np == NULL) return 0;
  b->p = np;
  b->cap = ncap;
  return 1;
}

static int gbuf_add(struct gbuf *b, const void *d, size_t n) {
  if (!gbuf_reserve(b, n)) return 0;
  memcpy(b->p + b->len, d, n);
  b->len += n;
  return 1;
}

static void gbuf_cleanup(struct gbuf *b) {
  free(b->p);
  memset(b, 0, sizeof(*b));
}

/* ---- deterministic PRNG (xoshiro256**, seeded with splitmix64) --------- */

struct rng {
  uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* A stateless 64-bit mix of up to three values, for stable per-entity
 * choices (e.g. which pool key a subscriber uses this quarter). */
static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t x = a ^ 0x243F6A8885A308D3ULL;
  uint64_t h = splitmix64(&x);
  x ^= b;
  h ^= splitmix64(&x);
  x ^= c * 0x13198A2E03707344ULL;
  h ^= splitmix64(&x);
  return h;
}

static void rng_seed(struct rng *r, uint64_t stream, uint64_t index) {
  uint64_t x = mix3(stream, index, 0x5EED);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(struct rng *r) {
  uint64_t *s = r->s;
  uint64_t res = rotl64(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64(s[3], 45);
  return res;
}

/* Uniform in [0, n). Lemire's multiply-shift; bias < 2^-32, fine here. */
static uint32_t rng_below(struct rng *r, uint32_t n) {
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static double rng_unit(struct rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

static void rng_bytes(struct rng *r, uint8_t *out, size_t n) {
  while (n > 0) {
    uint64_t v = rng_next(r);
    size_t k = n < 8 ? n : 8;
    memcpy(out, &v, k);
    out += k;
    n -= k;
  }
}

/* Pick an index from a cumulative weight table (last entry = total). */
static size_t pick_cdf(struct rng *r, const double *cdf, size_t n) {
  double u = rng_unit(r) * cdf[n - 1];
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* ---- civil time (proleptic Gregorian, UTC) ----------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

struct civil {
  int64_t y;
  unsigned mo, d, h, mi, s;
};

static struct civil civil_from_epoch(int64_t t) {
  struct civil c;
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t secs = t - days * 86400;
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = (unsigned)(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.d = doy - (153 * mp + 2) / 5 + 1;
  c.mo = mp < 10 ? mp + 3 : mp - 9;
  c.y = (int64_t)yoe + era * 400 + (c.mo <= 2);
  c.h = (unsigned)(secs / 3600);
  c.mi = (unsigned)(secs / 60 % 60);
  c.s = (unsigned)(secs % 60);
  return c;
}

/* Parse "YYYY-MM-DD" into epoch seconds at 00:00:00Z. */
static int parse_date(const char *s, int64_t *out) {
  unsigned y, m, d;
  char tail;
  if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3) return 0;
  if (strlen(s) != 10 || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
  *out = days_from_civil(y, m, d) * 86400;
  struct civil c = civil_from_epoch(*out);
  return c.mo == m && c.d == d; /* rejects 2026-02-30 */
}

static int64_t const_date(const char *s) {
  int64_t t = 0;
  if (!parse_date(s, &t)) abort(); /* programming error: constants are valid */
  return t;
}

/* RFC 3339 UTC timestamp; the buffer has room for any field width the
 * compiler can imagine, though real values always take 20 characters. */
enum { RFC3339_BUF = 64 };
static void rfc3339(int64_t t, char out[RFC3339_BUF]) {
  struct civil c = civil_from_epoch(t);
  snprintf(out, RFC3339_BUF, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)c.y, c.mo, c.d, c.h, c.mi, c.s);
}

/* ---- DER writer ---------------------------------------------------------
 * Writes into a fixed buffer; a constructed value is opened with a one-byte
 * length placeholder and closed by filling in the length, shifting the
 * contents when the long form is needed.  Any overflow latches w->err. */

struct dw {
  uint8_t *p;
  size_t len, cap;
  size_t stk[DW_MAX_DEPTH];
  int depth;
  int err;
};

static void dw_init(struct dw *w, uint8_t *buf, size_t cap) {
  w->p = buf;
  w->len = 0;
  w->cap = cap;
  w->depth = 0;
  w->err = 0;
}

static void dw_bytes(struct dw *w, const void *b, size_t n) {
  if (w->err || n > w->cap - w->len) {
    w->err = 1;
    return;
  }
  memcpy(w->p + w->len, b, n);
  w->len += n;
}

static void dw_byte(struct dw *w, uint8_t b) { dw_bytes(w, &b, 1); }

static void dw_open(struct dw *w, uint8_t tag) {
  if (w->depth >= DW_MAX_DEPTH) {
    w->err = 1;
    return;
  }
  dw_byte(w, tag);
  w->stk[w->depth++] = w->len;
  dw_byte(w, 0);
}

static void dw_close(struct dw *w) {
  if (w->err) return;
  if (w->depth <= 0) {
    w->err = 1;
    return;
  }
  size_t at = w->stk[--w->depth];
  size_t clen = w->len - at - 1;
  if (clen < 0x80) {
    w->p[at] = (uint8_t)clen;
    return;
  }
  size_t nlen = clen <= 0xff ? 1 : clen <= 0xffff ? 2 : 3;
  if (clen > 0xffffff || nlen > w->cap - w->len) {
    w->err = 1;
    return;
  }
  memmove(w->p + at + 1 + nlen, w->p + at + 1, clen);
  w->p[at] = (uint8_t)(0x80 | nlen);
  for (size_t i = 0; i < nlen; i++) w->p[at + 1 + i] = (uint8_t)(clen >> (8 * (nlen - 1 - i)));
  w->len += nlen;
}

static void dw_tlv(struct dw *w, uint8_t tag, const void *b, size_t n) {
  dw_open(w, tag);
  dw_bytes(w, b, n);
  dw_close(w);
}

/* DER TLVs of the OIDs used, filled from dotted strings at start-up so no
 * byte is hand-encoded. */
struct oidder {
  uint8_t b[32];
  size_t n;
};

enum oid_id {
  O_KU, O_EKU, O_BC, O_SKI, O_AKI, O_SAN, O_CP, O_CRLDP, O_AIA, O_AD_OCSP, O_AD_CAISSUERS,
  O_KP_SERVER, O_KP_CLIENT, O_SCTLIST, O_POISON, O_POL_DV, O_POL_OV, O_POL_EV, O_POL_CA_EV,
  O_AT_CN, O_AT_C, O_AT_L, O_AT_ST, O_AT_O, O_AT_SERIAL, O_AT_BUSCAT, O_AT_JUR_C, O_AT_JUR_ST,
  O_ECDSA_SHA256, O_RSA_SHA256,
  O_COUNT
};

static const char *const OID_TEXT[O_COUNT] = {
  [O_KU] = "2.5.29.15", [O_EKU] = "2.5.29.37", [O_BC] = "2.5.29.19", [O_SKI] = "2.5.29.14",
  [O_AKI] = "2.5.29.35", [O_SAN] = "2.5.29.17", [O_CP] = "2.5.29.32", [O_CRLDP] = "2.5.29.31",
  [O_AIA] = "1.3.6.1.5.5.7.1.1", [O_AD_OCSP] = "1.3.6.1.5.5.7.48.1",
  [O_AD_CAISSUERS] = "1.3.6.1.5.5.7.48.2", [O_KP_SERVER] = "1.3.6.1.5.5.7.3.1",
  [O_KP_CLIENT] = "1.3.6.1.5.5.7.3.2",
  /* RFC 6962 3.3 SCT list and 3.1 precertificate poison. */
  [O_SCTLIST] = "1.3.6.1.4.1.11129.2.4.2", [O_POISON] = "1.3.6.1.4.1.11129.2.4.3",
  /* BR 7.1.6.1 reserved policy identifiers. */
  [O_POL_DV] = "2.23.140.1.2.1", [O_POL_OV] = "2.23.140.1.2.2", [O_POL_EV] = "2.23.140.1.1",
  /* EVG 7.1.4.3: the issuer's own EV policy; 2.999 is the ITU-T example arc. */
  [O_POL_CA_EV] = "2.999.1.1",
  [O_AT_CN] = "2.5.4.3", [O_AT_C] = "2.5.4.6", [O_AT_L] = "2.5.4.7", [O_AT_ST] = "2.5.4.8",
  [O_AT_O] = "2.5.4.10", [O_AT_SERIAL] = "2.5.4.5", [O_AT_BUSCAT] = "2.5.4.15",
  /* EVG 7.1.4.2.4 jurisdiction attributes. */
  [O_AT_JUR_C] = "1.3.6.1.4.1.311.60.2.1.3", [O_AT_JUR_ST] = "1.3.6.1.4.1.311.60.2.1.2",
  [O_ECDSA_SHA256] = "1.2.840.10045.4.3.2", [O_RSA_SHA256] = "1.2.840.113549.1.1.11",
};

static struct oidder g_oid[O_COUNT];

static int init_oids(void) {
  for (int i = 0; i < O_COUNT; i++) {
    ASN1_OBJECT *o = OBJ_txt2obj(OID_TEXT[i], 1);
    if (o == NULL) {
      ossl_err(OID_TEXT[i]);
      return 0;
    }
    int n = i2d_ASN1_OBJECT(o, NULL);
    if (n <= 0 || (size_t)n > sizeof(g_oid[i].b)) {
      ASN1_OBJECT_free(o);
      errmsg("OID %s does not encode", OID_TEXT[i]);
      return 0;
    }
    uint8_t *q = g_oid[i].b;
    i2d_ASN1_OBJECT(o, &q);
    g_oid[i].n = (size_t)n;
    ASN1_OBJECT_free(o);
  }
  return 1;
}

static void dw_oid(struct dw *w, enum oid_id id) { dw_bytes(w, g_oid[id].b, g_oid[id].n); }

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
static void ext_open(struct dw *w, enum oid_id id, int critical) {
  static const uint8_t TRUE_DER[] = {0x01, 0x01, 0xff};
  dw_open(w, 0x30);
  dw_oid(w, id);
  if (critical) dw_bytes(w, TRUE_DER, sizeof(TRUE_DER));
  dw_open(w, 0x04);
}

static void ext_close(struct dw *w) {
  dw_close(w);
  dw_close(w);
}

static void dw_utctime(struct dw *w, int64_t t) {
  /* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
  struct civil c = civil_from_epoch(t);
  char s[20];
  if (c.y >= 1950 && c.y < 2050) {
    snprintf(s, sizeof(s), "%02u%02u%02u%02u%02u%02uZ", (unsigned)(c.y % 100), c.mo, c.d, c.h, c.mi, c.s);
    dw_tlv(w, 0x17, s, 13);
  } else {
    snprintf(s, sizeof(s), "%04u%02u%02u%02u%02u%02uZ", (unsigned)c.y, c.mo, c.d, c.h, c.mi, c.s);
    dw_tlv(w, 0x18, s, 15);
  }
}

/* One RDN with one attribute: SET { SEQUENCE { type, value } }. */
static void dw_rdn(struct dw *w, enum oid_id type, uint8_t strtag, const char *v) {
  dw_open(w, 0x31);
  dw_open(w, 0x30);
  dw_oid(w, type);
  dw_tlv(w, strtag, v, strlen(v));
  dw_close(w);
  dw_close(w);
}

enum { TAG_UTF8 = 0x0c, TAG_PRINTABLE = 0x13, TAG_IA5 = 0x16 };

/* ---- minimal DER reading (for our own SPKI bytes only) ---------------- */

/* Reads one TLV header at p[0..n); returns header length, sets *clen. */
static size_t der_hdr(const uint8_t *p, size_t n, uint8_t *tag, size_t *clen) {
  if (n < 2) return 0;
  *tag = p[0];
  if (p[1] < 0x80) {
    *clen = p[1];
    return 2 + *clen <= n ? 2 : 0;
  }
  size_t k = p[1] & 0x7f;
  if (k == 0 || k > 3 || n < 2 + k) return 0;
  size_t l = 0;
  for (size_t i = 0; i < k; i++) l = (l << 8) | p[2 + i];
  *clen = l;
  return 2 + k + l <= n ? 2 + k : 0;
}

/* ---- the domain model ------------------------------------------------- */

enum profile { P_DV, P_OV, P_EV, P_COUNT };
static const char *const PROFILE_NAME[P_COUNT] = {"dv", "ov", "ev"};
/* Share of issuances per profile (public CT data: DV dominates). */
static const double PROFILE_SHARE[P_COUNT] = {0.905, 0.075, 0.02};
/* Share of subscribers per profile class. */
static const double SUBSCRIBER_CLASS_SHARE[P_COUNT] = {0.85, 0.12, 0.03};
/* Share of leaves with an ECDSA P-256 key (rest RSA-2048), per profile. */
static const double EC_SHARE[P_COUNT] = {0.65, 0.5, 0.3};
/* Share of leaves with a commonName (= first SAN), per profile. */
static const double CN_SHARE[P_COUNT] = {0.7, 0.9, 0.6};
/* Share of orders that include a wildcard, per profile (EVG: none for EV). */
static const double WILDCARD_SHARE[P_COUNT] = {0.08, 0.12, 0.0};
/* Share of DV leaves valid 90 days (ACME style); all others get the BR max. */
#define DV_90_DAY_SHARE 0.8
#define SCT_SHARE 0.95    /* final certificates with an embedded SCT list */
#define CRLDP_SHARE 0.3   /* leaves with a CRL distribution point */
#define ZIPF_EXPONENT 0.9 /* subscriber issuance volume ~ 1/rank^s */

enum key_type { K_EC256, K_EC384, K_RSA2048 };

struct ca_spec {
  const char *id, *cn;
  enum key_type kt;
  int profile;    /* which subscriber profile it issues, -1 = root */
  double share;   /* share of its profile's leaves */
  int with_ski;   /* emit SKI in leaves (BR 7.1.2.7.6: NOT RECOMMENDED) */
};

/* The hierarchy.  ECDSA P-256 intermediates sign fastest, so they issue most
 * leaves; the RSA ones exist for realism (RSA-signed chains are common). */
static const struct ca_spec CA_SPECS[] = {
  {"root", "pkiward Bench Root X1", K_EC384, -1, 0, 1},
  {"e1", "pkiward Bench DV E1", K_EC256, P_DV, 0.48, 0},
  {"e2", "pkiward Bench DV E2", K_EC256, P_DV, 0.50, 1},
  {"r3", "pkiward Bench DV R3", K_RSA2048, P_DV, 0.02, 1},
  {"e4", "pkiward Bench OV E4", K_EC256, P_OV, 1.0, 1},
  {"r5", "pkiward Bench EV R5", K_RSA2048, P_EV, 1.0, 1},
};
enum { N_CA = sizeof(CA_SPECS) / sizeof(CA_SPECS[0]) };
#define CA_ORG "pkiward Benchmark PKI (NOT TRUSTED)"
#define CA_COUNTRY "US"

struct ca {
  const struct ca_spec *spec;
  EVP_PKEY *pkey;
  X509 *cert;
  uint8_t name[CA_NAME_MAX];
  size_t name_len;
  uint8_t sigalg[32];
  size_t sigalg_len;
  uint8_t aki_ext[64];
  size_t aki_len;
  uint8_t aia_ext[EXT_MAX];
  size_t aia_len;
  uint8_t crldp_ext[EXT_MAX];
  size_t crldp_len;
  size_t max_sig;
};

struct poolkey {
  int is_rsa;
  EVP_PKEY *pkey;
  uint8_t *spki;
  size_t spki_len;
  uint8_t ski[SHA_DIGEST_LENGTH];
  uint8_t spki_sha256[SHA256_DIGEST_LENGTH];
};

struct country {
  const char *c;
  const char *st[4];
  const char *l[4];
  const char *suffix[3];
  int jur_state; /* EVG 7.1.4.2.4: registry at state level → jurisdictionST */
  const char *regfmt; /* '#' = digit */
};

static const struct country COUNTRIES[] = {
  {"US", {"California", "New York", "Texas", "Delaware"}, {"San Francisco", "New York", "Austin", "Wilmington"}, {"Inc.", "LLC", "Corp."}, 1, "#######"},
  {"DE", {"Bayern", "Berlin", "Hamburg", "Hessen"}, {"München", "Berlin", "Hamburg", "Frankfurt am Main"}, {"GmbH", "AG", "GmbH"}, 0, "HRB ######"},
  {"GB", {"England", "Scotland", "England", "England"}, {"London", "Edinburgh", "Manchester", "Bristol"}, {"Ltd", "PLC", "Ltd"}, 0, "########"},
  {"FR", {"Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Île-de-France"}, {"Paris", "Lyon", "Toulouse", "Boulogne-Billancourt"}, {"SAS", "SA", "SARL"}, 0, "#########"},
  {"NL", {"Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant"}, {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"}, {"B.V.", "N.V.", "B.V."}, 0, "########"},
  {"JP", {"Tokyo", "Osaka", "Kanagawa", "Tokyo"}, {"Minato-ku", "Osaka", "Yokohama", "Shibuya-ku"}, {"K.K.", "Co., Ltd.", "K.K."}, 0, "#############"},
  {"CH", {"Zürich", "Genève", "Bern", "Basel-Stadt"}, {"Zürich", "Genève", "Bern", "Basel"}, {"AG", "SA", "GmbH"}, 0, "CHE-###.###.###"},
  {"BR", {"São Paulo", "Rio de Janeiro", "Minas Gerais", "Paraná"}, {"São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba"}, {"Ltda.", "S.A.", "Ltda."}, 0, "##############"},
  {"AU", {"New South Wales", "Victoria", "Queensland", "Western Australia"}, {"Sydney", "Melbourne", "Brisbane", "Perth"}, {"Pty Ltd", "Pty Ltd", "Limited"}, 0, "### ### ###"},
  {"CA", {"Ontario", "British Columbia", "Quebec", "Alberta"}, {"Toronto", "Vancouver", "Montréal", "Calgary"}, {"Inc.", "Ltd.", "Corp."}, 0, "#########"},
};
enum { N_COUNTRIES = sizeof(COUNTRIES) / sizeof(COUNTRIES[0]) };

static const char *const WORDS[] = {
  "blue", "river", "cloud", "stone", "north", "bright", "green", "swift", "silver", "red",
  "oak", "pine", "harbor", "peak", "sun", "star", "iron", "maple", "city", "metro", "data",
  "byte", "shop", "home", "craft", "forge", "lab", "works", "media", "net", "hub", "labs",
  "studio", "market", "point", "line", "wave", "field", "bridge", "garden", "coffee", "bakery",
  "travel", "health", "dental", "legal", "auto", "pet", "photo", "design", "code", "tech",
  "systems", "digital", "store", "events", "school", "club", "fox", "owl", "lake", "hill",
  "valley", "coast", "urban", "nova", "prime", "smart", "quick", "alpha", "delta", "orbit",
};
static const char *const SYLLABLES[] = {
  "ka", "lo", "mi", "ra", "ven", "tor", "bel", "dor", "sen", "lia", "mar", "no", "qui", "zen",
  "tal", "ri", "sa", "fen", "gal", "hu", "jo", "ke", "lum", "nex", "or", "pra", "sol", "tri",
  "ux", "vi", "wes", "yo", "ba", "cor", "di", "el", "fa", "gro", "ix", "ma",
};
static const char *const SECTORS[] = {
  "Logistics", "Analytics", "Software", "Consulting", "Holdings", "Retail", "Media",
  "Engineering", "Health", "Insurance", "Energy", "Foods", "Travel", "Networks", "Bank",
};
/* Registrable-domain suffixes with rough weights from public zone sizes. */
static const struct {
  const char *tld;
  double w;
} TLDS[] = {
  {"com", 46}, {"net", 6}, {"org", 6}, {"de", 6}, {"co.uk", 4}, {"io", 3}, {"fr", 2.5},
  {"nl", 2.5}, {"ru", 2}, {"com.br", 2}, {"it", 2}, {"co.jp", 1.5}, {"com.au", 1.5},
  {"es", 1.5}, {"pl", 1.5}, {"ca", 1.5}, {"dev", 1}, {"app", 1}, {"info", 1}, {"xyz", 1},
  {"ch", 1}, {"se", 1}, {"in", 1}, {"eu", 1}, {"us", 0.8}, {"online", 0.7}, {"shop", 0.5},
  {"cloud", 0.5}, {"me", 0.5}, {"tech", 0.5}, {"be", 0.8}, {"at", 0.8}, {"dk", 0.6},
  {"cz", 0.6}, {"co", 0.6}, {"org.uk", 0.5},
};
enum { N_TLDS = sizeof(TLDS) / sizeof(TLDS[0]) };
/* A few internationalised registrable domains (P-labels, BR 7.1.2.7.12). */
static const char *const IDN_DOMAINS[] = {"xn--mnchen-3ya.de", "xn--bcher-kva.ch", "xn--caf-dma.fr", "xn--ls8h.la"};
/* Host labels in front of registrable domains, most common first. */
static const char *const HOSTS[] = {
  "www", "api", "mail", "app", "shop", "blog", "cdn", "static", "img", "m", "dev", "staging",
  "portal", "auth", "login", "sso", "vpn", "git", "status", "docs", "support", "admin",
  "dashboard", "secure", "my", "webmail", "smtp", "imap", "autodiscover", "cpanel", "ftp",
  "remote", "owa", "intranet", "crm", "store", "pay", "checkout", "media", "assets", "files",
  "download", "news", "forum", "wiki", "ci", "grafana", "monitor", "ns1", "mx", "beta",
  "demo", "help", "go", "events", "careers", "partners", "api.eu", "api.us", "mail.corp",
  "test", "uat", "backend", "ws", "graphql", "s3", "analytics", "metrics", "jira", "confluence",
};
enum { N_HOSTS = sizeof(HOSTS) / sizeof(HOSTS[0]) };

struct org {
  char name[128];
  char serial[32];
  const struct country *country;
  unsigned loc; /* index into st/l */
};

struct subscriber {
  int profile;
  uint32_t *domains; /* owned, indexes into g.domains */
  uint32_t ndomains, cap;
  struct org *org;   /* OV/EV only; owned */
};

enum dcv_method { M_HTTP, M_DNS, M_ALPN, M_EMAIL_CONTACT, M_EMAIL_CONSTRUCTED, M_COUNT };
/* BR 3.2.2.4 method numbers. */
static const char *const METHOD_ID[M_COUNT] = {"3.2.2.4.19", "3.2.2.4.7", "3.2.2.4.20", "3.2.2.4.2", "3.2.2.4.4"};

/* ---- global configuration and tables (read-only once workers start) --- */

struct config {
  uint64_t count;
  const char *out;
  uint64_t seed;
  int threads;
  long key_pool; /* -1 = automatic */
  double precert_ratio;
  int pem;
  uint32_t ndomains;
  const char *url_base;
  int64_t end;
  int64_t span_days;
  int write_keys;
  int quiet;
  const char *keys_from;
};

struct gen {
  struct config cfg;
  struct ca ca[N_CA];
  struct poolkey *ec_keys, *rsa_keys;
  size_t n_ec, n_rsa;
  char **domains;
  uint32_t ndomains;
  struct subscriber *subs;
  uint32_t nsubs;
  uint32_t *class_subs[P_COUNT]; /* subscriber indexes per profile class */
  double *class_cdf[P_COUNT];
  uint32_t class_n[P_COUNT];
  double tld_cdf[N_TLDS];
  double profile_cdf[P_COUNT];
  uint8_t log_id[SCT_LOGS][32];
  int64_t start, end, date_200, date_sunset_4_2;
  double est_issuances;

  /* writer state, guarded by mu */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint64_t next_write_block;
  uint64_t written, precerts_written;
  uint64_t per_profile[P_COUNT];
  int done, failed;
  FILE *der_f, *meta_f, *pem_f;
  uint64_t pem_file_no;
  atomic_uint_fast64_t next_block;
};

static struct gen g;

/* ---- domain and subscriber tables ------------------------------------- */

static void append_str(char *dst, size_t cap, const char *s) {
  size_t n = strlen(dst);
  if (n + 1 < cap) snprintf(dst + n, cap - n, "%s", s);
}

static void make_label(struct rng *r, char *out, size_t cap) {
  out[0] = '\0';
  uint32_t pat = rng_below(r, 100);
  enum { NW = sizeof(WORDS) / sizeof(WORDS[0]), NS = sizeof(SYLLABLES) / sizeof(SYLLABLES[0]) };
  if (pat < 40) {
    append_str(out, cap, WORDS[rng_below(r, NW)]);
    append_str(out, cap, WORDS[rng_below(r, NW)]);
  } else if (pat < 55) {
    append_str(out, cap, WORDS[rng_below(r, NW)]);
    append_str(out, cap, "-");
    append_str(out, cap, WORDS[rng_below(r, NW)]);
  } else if (pat < 85) {
    uint32_t n = 2 + rng_below(r, 3);
    for (uint32_t i = 0; i < n; i++) append_str(out, cap, SYLLABLES[rng_below(r, NS)]);
  } else if (pat < 95) {
    char num[16];
    append_str(out, cap, WORDS[rng_below(r, NW)]);
    snprintf(num, sizeof(num), "%u", 1 + rng_below(r, 999));
    append_str(out, cap, num);
  } else {
    append_str(out, cap, SYLLABLES[rng_below(r, NS)]);
    append_str(out, cap, SYLLABLES[rng_below(r, NS)]);
    append_str(out, cap, WORDS[rng_below(r, NW)]);
  }
}

static uint64_t str_hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ULL;
  return h;
}

static int build_domains(void) {
  struct rng r;
  rng_seed(&r, g.cfg.seed, 0xD0A1);
  uint32_t n = g.cfg.ndomains;
  size_t hcap = 1;
  while (hcap < (size_t)n * 2) hcap <<= 1;
  uint32_t *set = calloc(hcap, sizeof(uint32_t)); /* 0 = empty, else index+1 */
  g.domains = calloc(n, sizeof(char *));
  if (set == NULL || g.domains == NULL) {
    free(set);
    errmsg("out of memory for %u domains", n);
    return 0;
  }
  double cdf_acc = 0;
  for (int i = 0; i < N_TLDS; i++) g.tld_cdf[i] = (cdf_acc += TLDS[i].w);
  enum { N_IDN = sizeof(IDN_DOMAINS) / sizeof(IDN_DOMAINS[0]) };
  for (uint32_t i = 0; i < n; i++) {
    char name[MAX_NAME_LEN + 1];
    for (int attempt = 0;; attempt++) {
      /* Spread the IDN names through the table, one per 997 domains. */
      if (i % 997 == 500 && i / 997 < N_IDN && attempt == 0) {
        snprintf(name, sizeof(name), "%s", IDN_DOMAINS[i / 997]);
      } else {
        char label[MAX_LABEL_LEN + 1];
        make_label(&r, label, sizeof(label));
        if (attempt > 8) {
          char num[16];
          snprintf(num, sizeof(num), "%d", attempt);
          append_str(label, sizeof(label), num);
        }
        size_t t = pick_cdf(&r, g.tld_cdf, N_TLDS);
        snprintf(name, sizeof(name), "%s.%s", label, TLDS[t].tld);
      }
      size_t h = (size_t)str_hash(name) & (hcap - 1);
      int dup = 0;
      while (set[h] != 0) {
        if (strcmp(g.domains[set[h] - 1], name) == 0) {
          dup = 1;
          break;
        }
        h = (h + 1) & (hcap - 1);
      }
      if (dup) continue;
      g.domains[i] = strdup(name);
      if (g.domains[i] == NULL) {
        free(set);
        errmsg("out of memory");
        return 0;
      }
      set[h] = i + 1;
      break;
    }
  }
  free(set);
  g.ndomains = n;
  return 1;
}

static void make_org(struct rng *r, struct org *o) {
  enum { NW = sizeof(WORDS) / sizeof(WORDS[0]), NSEC = sizeof(SECTORS) / sizeof(SECTORS[0]) };
  o->country = &COUNTRIES[rng_below(r, N_COUNTRIES)];
  o->loc = rng_below(r, 4);
  char w1[32], w2[32];
  snprintf(w1, sizeof(w1), "%s", WORDS[rng_below(r, NW)]);
  snprintf(w2, sizeof(w2), "%s", WORDS[rng_below(r, NW)]);
  w1[0] = (char)(w1[0] - 'a' + 'A');
  w2[0] = (char)(w2[0] - 'a' + 'A');
  snprintf(o->name, sizeof(o->name), "%s %s %s %s", w1, w2, SECTORS[rng_below(r, NSEC)],
           o->country->suffix[rng_below(r, 3)]);
  size_t k = 0;
  for (const char *f = o->country->regfmt; *f && k + 1 < sizeof(o->serial); f++)
    o->serial[k++] = *f == '#' ? (char)('0' + rng_below(r, 10)) : *f;
  o->serial[k] = '\0';
}

static int sub_add_domain(struct subscriber *s, uint32_t d) {
  if (s->ndomains == s->cap) {
    uint32_t nc = s->cap ? s->cap * 2 : 2;
    uint32_t *nd = realloc(s->domains, nc * sizeof(uint32_t));
    if (nd == NULL) return 0;
    s->domains = nd;
    s->cap = nc;
  }
  s->domains[s->ndomains++] = d;
  return 1;
}

static int build_subscribers(void) {
  struct rng r;
  rng_seed(&r, g.cfg.seed, 0x5B5C);
  uint32_t ns = (uint32_t)((double)g.ndomains * 0.6);
  if (ns < P_COUNT) ns = P_COUNT;
  g.nsubs = ns;
  g.subs = calloc(ns, sizeof(*g.subs));
  if (g.subs == NULL) goto oom;
  /* Class sizes; each class gets at least one subscriber. */
  uint32_t n_ev = (uint32_t)(ns * SUBSCRIBER_CLASS_SHARE[P_EV]);
  uint32_t n_ov = (uint32_t)(ns * SUBSCRIBER_CLASS_SHARE[P_OV]);
  if (n_ev < 1) n_ev = 1;
  if (n_ov < 1) n_ov = 1; /* ns >= MIN_DOMAINS * 0.6 > 2, so DV keeps >= 1 */
  for (int p = 0; p < P_COUNT; p++) {
    g.class_subs[p] = calloc(ns, sizeof(uint32_t));
    g.class_cdf[p] = calloc(ns, sizeof(double));
    if (g.class_subs[p] == NULL || g.class_cdf[p] == NULL) goto oom;
  }
  /* Classes by a seeded shuffle: exact class sizes, and sub-<k> numbers do
   * not reveal the class. */
  uint32_t *perm = calloc(ns, sizeof(uint32_t));
  if (perm == NULL) goto oom;
  for (uint32_t k = 0; k < ns; k++) perm[k] = k;
  for (uint32_t k = ns - 1; k > 0; k--) {
    uint32_t j = rng_below(&r, k + 1), t = perm[k];
    perm[k] = perm[j];
    perm[j] = t;
  }
  for (uint32_t k = 0; k < ns; k++) {
    uint32_t h = perm[k];
    int p = h < n_ev ? P_EV : h < n_ev + n_ov ? P_OV : P_DV;
    g.subs[k].profile = p;
    g.class_subs[p][g.class_n[p]++] = k;
    if (p != P_DV) {
      g.subs[k].org = calloc(1, sizeof(struct org));
      if (g.subs[k].org == NULL) goto oom;
      make_org(&r, g.subs[k].org);
    }
  }
  free(perm);
  for (int p = 0; p < P_COUNT; p++) {
    double acc = 0;
    for (uint32_t i = 0; i < g.class_n[p]; i++) {
      acc += 1.0 / pow((double)(i + 1), ZIPF_EXPONENT);
      g.class_cdf[p][i] = acc;
    }
  }
  /* Every subscriber owns at least one domain; the rest go to subscribers in
   * proportion to their issuance volume (hosting providers own many). */
  double *all_cdf = calloc(ns, sizeof(double));
  if (all_cdf == NULL) goto oom;
  double acc = 0;
  for (uint32_t k = 0; k < ns; k++) all_cdf[k] = (acc += 1.0 / pow((double)(k + 1), ZIPF_EXPONENT));
  for (uint32_t d = 0; d < g.ndomains; d++) {
    uint32_t owner = d < ns ? d : (uint32_t)pick_cdf(&r, all_cdf, ns);
    if (!sub_add_domain(&g.subs[owner], d)) {
      free(all_cdf);
      goto oom;
    }
  }
  free(all_cdf);
  double pacc = 0;
  for (int p = 0; p < P_COUNT; p++) g.profile_cdf[p] = (pacc += PROFILE_SHARE[p]);
  for (int i = 0; i < SCT_LOGS; i++) {
    char nm[64];
    snprintf(nm, sizeof(nm), "pkiward bench CT log %d", i);
    SHA256((const uint8_t *)nm, strlen(nm), g.log_id[i]);
  }
  return 1;
oom:
  errmsg("out of memory building %u subscribers", ns);
  return 0;
}

/* ---- keys -------------------------------------------------------------- */

/* RSA-2048 with e = 65537 from two BN_generate_prime_ex2 primes.  OpenSSL
 * 3.0's own RSA keygen for >= 2048 bits follows SP 800-56B and costs about
 * 2.5x more (constant-time gcds per candidate); these are throw-away test
 * keys, so the plain construction (RFC 8017 3.2, d = e^-1 mod lcm(p-1, q-1))
 * is enough. */
static EVP_PKEY *rsa2048_keygen(void) {
  enum { PRIME_BITS = 1024, E = 65537 };
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *kctx = NULL;
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  BN_CTX *ctx = BN_CTX_secure_new();
  BIGNUM *p = BN_secure_new(), *q = BN_secure_new(), *n = BN_new(), *e = BN_new();
  BIGNUM *d = BN_secure_new(), *dp = BN_secure_new(), *dq = BN_secure_new(), *qinv = BN_secure_new();
  BIGNUM *p1 = BN_secure_new(), *q1 = BN_secure_new(), *g1 = BN_secure_new(), *lcm = BN_secure_new();
  if (ctx == NULL || p == NULL || q == NULL || n == NULL || e == NULL || d == NULL || dp == NULL ||
      dq == NULL || qinv == NULL || p1 == NULL || q1 == NULL || g1 == NULL || lcm == NULL || !BN_set_word(e, E))
    goto out;
  do {
    do {
      if (!BN_generate_prime_ex2(p, PRIME_BITS, 0, NULL, NULL, NULL, ctx)) goto out;
    } while (BN_mod_word(p, E) == 1); /* gcd(e, p-1) = 1 since e is prime */
    do {
      if (!BN_generate_prime_ex2(q, PRIME_BITS, 0, NULL, NULL, NULL, ctx)) goto out;
    } while (BN_mod_word(q, E) == 1);
    if (!BN_mul(n, p, q, ctx)) goto out;
  } while (BN_cmp(p, q) == 0 || BN_num_bits(n) != 2 * PRIME_BITS);
  if (BN_cmp(p, q) < 0) BN_swap(p, q); /* convention: p > q */
  if (!BN_sub(p1, p, BN_value_one()) || !BN_sub(q1, q, BN_value_one()) || !BN_gcd(g1, p1, q1, ctx) ||
      !BN_mul(lcm, p1, q1, ctx) || !BN_div(lcm, NULL, lcm, g1, ctx) ||
      BN_mod_inverse(d, e, lcm, ctx) == NULL || !BN_mod(dp, d, p1, ctx) || !BN_mod(dq, d, q1, ctx) ||
      BN_mod_inverse(qinv, q, p, ctx) == NULL)
    goto out;
  bld = OSSL_PARAM_BLD_new();
  if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv) ||
      (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
    goto out;
  kctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (kctx == NULL || EVP_PKEY_fromdata_init(kctx) <= 0 ||
      EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0) {
    EVP_PKEY_free(pkey);
    pkey = NULL;
  }
out:
  EVP_PKEY_CTX_free(kctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_CTX_free(ctx);
  BN_clear_free(p);
  BN_clear_free(q);
  BN_free(n);
  BN_free(e);
  BN_clear_free(d);
  BN_clear_free(dp);
  BN_clear_free(dq);
  BN_clear_free(qinv);
  BN_clear_free(p1);
  BN_clear_free(q1);
  BN_clear_free(g1);
  BN_clear_free(lcm);
  return pkey;
}

static EVP_PKEY *keygen(enum key_type kt) {
  EVP_PKEY *k = NULL;
  switch (kt) {
  case K_EC256: k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); break;
  case K_EC384: k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"); break;
  case K_RSA2048: k = rsa2048_keygen(); break;
  }
  if (k == NULL) ossl_err("key generation");
  return k;
}

/* Fill SPKI DER, SKI (RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey
 * BIT STRING contents) and the SPKI SHA-256 of a generated key. */
static int poolkey_finish(struct poolkey *pk) {
  int n = i2d_PUBKEY(pk->pkey, &pk->spki);
  if (n <= 0) {
    ossl_err("i2d_PUBKEY");
    return 0;
  }
  pk->spki_len = (size_t)n;
  uint8_t tag;
  size_t clen, alen;
  size_t h = der_hdr(pk->spki, pk->spki_len, &tag, &clen);
  if (h == 0 || tag != 0x30) goto bad;
  const uint8_t *p = pk->spki + h;
  size_t rest = clen;
  size_t ah = der_hdr(p, rest, &tag, &alen);
  if (ah == 0 || tag != 0x30) goto bad;
  p += ah + alen;
  rest -= ah + alen;
  size_t bh = der_hdr(p, rest, &tag, &clen);
  if (bh == 0 || tag != 0x03 || clen < 1 || p[bh] != 0) goto bad;
  SHA1(p + bh + 1, clen - 1, pk->ski);
  SHA256(pk->spki, pk->spki_len, pk->spki_sha256);
  return 1;
bad:
  errmsg("unexpected SubjectPublicKeyInfo encoding from i2d_PUBKEY");
  return 0;
}

/* One key to generate: a CA key or a pool key. */
struct keygen_item {
  enum key_type kt;
  EVP_PKEY **out;
  struct poolkey *pk; /* NULL for CA keys */
};

struct keygen_job {
  struct keygen_item *items;
  size_t n;
  atomic_size_t next;
  atomic_int failed;
};

static void *keygen_thread(void *arg) {
  struct keygen_job *job = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&job->next, 1);
    if (i >= job->n || atomic_load(&job->failed)) break;
    struct keygen_item *it = &job->items[i];
    *it->out = keygen(it->kt);
    if (*it->out == NULL || (it->pk != NULL && !poolkey_finish(it->pk))) atomic_store(&job->failed, 1);
  }
  return NULL;
}

static int run_keygen(struct keygen_job *job) {
  pthread_t th[MAX_THREADS];
  int started = 0;
  for (int i = 0; i < g.cfg.threads; i++) {
    if (pthread_create(&th[i], NULL, keygen_thread, job) != 0) break;
    started++;
  }
  if (started == 0) keygen_thread(job);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  return !atomic_load(&job->failed);
}

/* Reads every private key of one type from a concatenated PEM file. */
static int load_pem_keys(const char *dir, const char *file, int rsa, struct poolkey **out_arr, size_t *out_n) {
  char path[PATH_MAX_LEN];
  size_t cap = 0;
  int ok = 0;
  if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
    errmsg("--keys-from: path too long");
    return 0;
  }
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    errmsg("--keys-from: %s: %s", path, strerror(errno));
    return 0;
  }
  for (;;) {
    int c;
    while ((c = fgetc(f)) == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == EOF) break;
    ungetc(c, f);
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    if (k == NULL) {
      errmsg("%s: key %zu: not a PEM private key", path, *out_n);
      ossl_err("PEM_read_PrivateKey");
      goto out;
    }
    int good = rsa ? EVP_PKEY_is_a(k, "RSA") && EVP_PKEY_get_bits(k) == 2048
                   : EVP_PKEY_is_a(k, "EC") && EVP_PKEY_get_bits(k) == 256;
    if (!good || *out_n >= MAX_KEY_POOL) {
      EVP_PKEY_free(k);
      errmsg("%s: key %zu is not %s (or more than %d keys)", path, *out_n, rsa ? "RSA-2048" : "P-256", MAX_KEY_POOL);
      goto out;
    }
    if (*out_n == cap) {
      size_t nc = cap ? cap * 2 : 64;
      struct poolkey *na = realloc(*out_arr, nc * sizeof(*na));
      if (na == NULL) {
        EVP_PKEY_free(k);
        errmsg("out of memory loading %s", path);
        goto out;
      }
      *out_arr = na;
      cap = nc;
    }
    struct poolkey *pk = &(*out_arr)[(*out_n)++];
    memset(pk, 0, sizeof(*pk));
    pk->is_rsa = rsa;
    pk->pkey = k;
    if (!poolkey_finish(pk)) goto out;
  }
  if (*out_n == 0) {
    errmsg("%s: no keys", path);
    goto out;
  }
  ok = 1;
out:
  fclose(f);
  return ok;
}

/* Loads the CA keys (DIR/ca/<id>.key) and the subject key pool
 * (DIR/keys/p256.pem, DIR/keys/rsa2048.pem) of an earlier run, so that a
 * re-run with the same seed reproduces every byte but the signatures, and
 * skips key generation. */
static int load_keys(const char *dir) {
  char sub[PATH_MAX_LEN], path[PATH_MAX_LEN];
  for (int i = 0; i < N_CA; i++) {
    snprintf(path, sizeof(path), "%s/ca/%s.key", dir, CA_SPECS[i].id);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
      errmsg("--keys-from: %s: %s", path, strerror(errno));
      return 0;
    }
    g.ca[i].pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (g.ca[i].pkey == NULL) {
      ossl_err(path);
      return 0;
    }
    const struct ca_spec *sp = &CA_SPECS[i];
    int good = sp->kt == K_RSA2048 ? EVP_PKEY_is_a(g.ca[i].pkey, "RSA") && EVP_PKEY_get_bits(g.ca[i].pkey) == 2048
                                   : EVP_PKEY_is_a(g.ca[i].pkey, "EC") &&
                                         EVP_PKEY_get_bits(g.ca[i].pkey) == (sp->kt == K_EC384 ? 384 : 256);
    if (!good) {
      errmsg("--keys-from: %s is not the key type CA %s uses", path, sp->id);
      return 0;
    }
  }
  if (snprintf(sub, sizeof(sub), "%s/keys", dir) >= (int)sizeof(sub)) {
    errmsg("--keys-from: path too long");
    return 0;
  }
  return load_pem_keys(sub, "p256.pem", 0, &g.ec_keys, &g.n_ec) &&
         load_pem_keys(sub, "rsa2048.pem", 1, &g.rsa_keys, &g.n_rsa);
}

/* Generates the CA keys and (unless --keys-from) the subject key pool, on
 * all threads, RSA first: an RSA-2048 key takes ~100x longer than P-256, so
 * starting them first lets the threads finish together. */
static int build_keys(void) {
  size_t n_ec = 0, n_rsa = 0;
  int ok = 0;
  struct keygen_job job;
  memset(&job, 0, sizeof(job));
  if (g.cfg.keys_from != NULL) return load_keys(g.cfg.keys_from);
  {
    if (g.cfg.key_pool >= 0) {
      size_t total = (size_t)g.cfg.key_pool;
      n_rsa = total / POOL_RSA_DIVISOR;
      n_ec = total - n_rsa;
    } else {
      /* Scaled down for small corpora so that a demo corpus of a few
       * thousand certificates is not dominated by key generation. */
      n_ec = DEFAULT_KEY_POOL - DEFAULT_KEY_POOL / POOL_RSA_DIVISOR;
      n_rsa = DEFAULT_KEY_POOL / POOL_RSA_DIVISOR;
      if (g.cfg.count / AUTO_EC_POOL_DIVISOR < n_ec) n_ec = g.cfg.count / AUTO_EC_POOL_DIVISOR;
      if (g.cfg.count / AUTO_RSA_POOL_DIVISOR < n_rsa) n_rsa = g.cfg.count / AUTO_RSA_POOL_DIVISOR;
      if (n_ec < AUTO_MIN_EC_POOL) n_ec = AUTO_MIN_EC_POOL;
    }
    if (n_ec < 1) n_ec = 1;
    if (n_rsa < 1) n_rsa = 1;
    g.n_ec = n_ec;
    g.n_rsa = n_rsa;
    g.ec_keys = calloc(n_ec, sizeof(struct poolkey));
    g.rsa_keys = calloc(n_rsa, sizeof(struct poolkey));
    if (g.ec_keys == NULL || g.rsa_keys == NULL) goto oom;
  }
  job.items = calloc(N_CA + n_ec + n_rsa, sizeof(*job.items));
  if (job.items == NULL) goto oom;
  for (int pass = 0; pass < 2; pass++) { /* pass 0: RSA, pass 1: EC */
    for (int i = 0; i < N_CA; i++)
      if ((CA_SPECS[i].kt == K_RSA2048) == (pass == 0))
        job.items[job.n++] = (struct keygen_item){CA_SPECS[i].kt, &g.ca[i].pkey, NULL};
    size_t np = pass == 0 ? n_rsa : n_ec;
    struct poolkey *arr = pass == 0 ? g.rsa_keys : g.ec_keys;
    for (size_t i = 0; i < np; i++) {
      arr[i].is_rsa = pass == 0;
      job.items[job.n++] = (struct keygen_item){pass == 0 ? K_RSA2048 : K_EC256, &arr[i].pkey, &arr[i]};
    }
  }
  atomic_init(&job.next, 0);
  atomic_init(&job.failed, 0);
  ok = run_keygen(&job);
  goto out;
oom:
  errmsg("out of memory for the key pool");
out:
  free(job.items);
  return ok;
}

/* ---- CA hierarchy (built with the X509 API: six certificates) ---------- */

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
  X509V3_CTX ctx;
  /* An empty config database: certificatePolicies is parsed by an r2i
   * method, which OpenSSL refuses to run without one. */
  CONF *conf = NCONF_new(NULL);
  if (conf == NULL) {
    ossl_err("NCONF_new");
    return 0;
  }
  X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
  X509V3_set_nconf(&ctx, conf);
  X509_EXTENSION *ex = X509V3_EXT_nconf_nid(conf, &ctx, nid, value);
  NCONF_free(conf);
  if (ex == NULL) {
    ossl_err(OBJ_nid2sn(nid));
    return 0;
  }
  int ok = X509_add_ext(cert, ex, -1);
  X509_EXTENSION_free(ex);
  if (!ok) ossl_err("X509_add_ext");
  return ok;
}

static int ca_serial(X509 *x, struct rng *r) {
  uint8_t b[16];
  rng_bytes(r, b, sizeof(b));
  b[0] = (uint8_t)((b[0] & 0x7f) | 0x01); /* positive, 16 octets, non-zero */
  BIGNUM *bn = BN_bin2bn(b, sizeof(b), NULL);
  int ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
  BN_free(bn);
  return ok;
}

static int build_ca(int i, struct rng *r) {
  struct ca *ca = &g.ca[i];
  const struct ca_spec *sp = &CA_SPECS[i];
  struct ca *root = &g.ca[0];
  int is_root = i == 0;
  int ok = 0;
  char url[URL_MAX], val[2 * URL_MAX];
  ca->spec = sp;
  ca->cert = X509_new();
  if (ca->pkey == NULL || ca->cert == NULL) goto out;
  X509 *x = ca->cert;
  X509 *issuer = is_root ? x : root->cert;
  X509_NAME *nm = X509_get_subject_name(x);
  /* BR 7.1.2.10.2: C, O and CN; no OU in root or TLS subordinate CAs. */
  if (!X509_set_version(x, 2) || !ca_serial(x, r) ||
      !X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)CA_COUNTRY, -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8, (const unsigned char *)CA_ORG, -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)sp->cn, -1, -1, 0) ||
      !X509_set_issuer_name(x, X509_get_subject_name(issuer)) || !X509_set_pubkey(x, ca->pkey)) {
    ossl_err("CA certificate fields");
    goto out;
  }
  /* BR 7.1.2.1.1: root validity 8..25 years; intermediates cover the whole
   * issuance window plus the longest leaf validity. */
  int64_t nb = is_root ? g.start - 400 * 86400LL : g.start - 60 * 86400LL;
  int64_t na = is_root ? nb + 9000 * 86400LL : g.end + 1461 * 86400LL;
  if (ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) == NULL ||
      ASN1_TIME_set(X509_getm_notAfter(x), (time_t)na) == NULL) {
    ossl_err("CA validity");
    goto out;
  }
  /* BR 7.1.2.1.2 / 7.1.2.6.1.  digitalSignature is asserted so that the
   * publish module may sign OCSP responses with these keys (BR 7.1.2.10.7
   * footnote). */
  if (!add_ext(x, issuer, NID_basic_constraints, is_root ? "critical,CA:TRUE" : "critical,CA:TRUE,pathlen:0") ||
      !add_ext(x, issuer, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign") ||
      !add_ext(x, issuer, NID_subject_key_identifier, "hash") ||
      !add_ext(x, issuer, NID_authority_key_identifier, "keyid:always"))
    goto out;
  if (!is_root) {
    const char *pol = sp->profile == P_DV ? "2.23.140.1.2.1" : sp->profile == P_OV ? "2.23.140.1.2.2" : "2.23.140.1.1,2.999.1.1";
    snprintf(val, sizeof(val), "caIssuers;URI:%s/ca/root.der,OCSP;URI:%s/ocsp", g.cfg.url_base, g.cfg.url_base);
    if (!add_ext(x, issuer, NID_ext_key_usage, "serverAuth,clientAuth") ||
        !add_ext(x, issuer, NID_certificate_policies, pol) ||
        !add_ext(x, issuer, NID_info_access, val))
      goto out;
    snprintf(val, sizeof(val), "URI:%s/crl/root.crl", g.cfg.url_base);
    if (!add_ext(x, issuer, NID_crl_distribution_points, val)) goto out;
  }
  EVP_PKEY *signer = is_root ? ca->pkey : root->pkey;
  if (X509_sign(x, signer, EVP_sha384()) <= 0) {
    ossl_err("signing CA certificate");
    goto out;
  }

  /* Pre-encoded pieces for leaves issued by this CA. */
  unsigned char *q = ca->name;
  int nlen = i2d_X509_NAME(X509_get_subject_name(x), NULL);
  if (nlen <= 0 || (size_t)nlen > sizeof(ca->name)) goto out;
  i2d_X509_NAME(X509_get_subject_name(x), &q);
  ca->name_len = (size_t)nlen;
  struct dw w;
  dw_init(&w, ca->sigalg, sizeof(ca->sigalg));
  dw_open(&w, 0x30);
  if (sp->kt == K_RSA2048) {
    static const uint8_t NULLP[] = {0x05, 0x00}; /* RFC 4055 2.1: NULL params */
    dw_oid(&w, O_RSA_SHA256);
    dw_bytes(&w, NULLP, 2);
  } else {
    dw_oid(&w, O_ECDSA_SHA256); /* RFC 5758 3.2: parameters absent */
  }
  dw_close(&w);
  ca->sigalg_len = w.len;
  const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
  if (ski == NULL || w.err) goto out;
  /* BR 7.1.2.11.1: keyIdentifier only. */
  dw_init(&w, ca->aki_ext, sizeof(ca->aki_ext));
  ext_open(&w, O_AKI, 0);
  dw_open(&w, 0x30);
  dw_tlv(&w, 0x80, ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski));
  dw_close(&w);
  ext_close(&w);
  ca->aki_len = w.len;
  if (w.err) goto out;
  /* BR 7.1.2.7.7: OCSP (MAY) and caIssuers (SHOULD), HTTP URLs. */
  dw_init(&w, ca->aia_ext, sizeof(ca->aia_ext));
  ext_open(&w, O_AIA, 0);
  dw_open(&w, 0x30);
  dw_open(&w, 0x30);
  dw_oid(&w, O_AD_OCSP);
  snprintf(url, sizeof(url), "%s/ocsp", g.cfg.url_base);
  dw_tlv(&w, 0x86, url, strlen(url));
  dw_close(&w);
  dw_open(&w, 0x30);
  dw_oid(&w, O_AD_CAISSUERS);
  snprintf(url, sizeof(url), "%s/ca/%s.der", g.cfg.url_base, sp->id);
  dw_tlv(&w, 0x86, url, strlen(url));
  dw_close(&w);
  dw_close(&w);
  ext_close(&w);
  ca->aia_len = w.len;
  /* BR 7.1.2.11.2: one DistributionPoint, fullName with one HTTP URI. */
  dw_init(&w, ca->crldp_ext, sizeof(ca->crldp_ext));
  ext_open(&w, O_CRLDP, 0);
  dw_open(&w, 0x30);
  dw_open(&w, 0x30);
  dw_open(&w, 0xa0);
  dw_open(&w, 0xa0);
  snprintf(url, sizeof(url), "%s/crl/%s.crl", g.cfg.url_base, sp->id);
  dw_tlv(&w, 0x86, url, strlen(url));
  dw_close(&w);
  dw_close(&w);
  dw_close(&w);
  dw_close(&w);
  ext_close(&w);
  ca->crldp_len = w.len;
  if (w.err) {
    errmsg("CA %s: pre-encoded extensions exceed %d bytes (--url-base too long?)", sp->id, EXT_MAX);
    goto out;
  }
  ca->max_sig = (size_t)EVP_PKEY_get_size(ca->pkey);
  ok = 1;
out:
  return ok;
}

/* ---- per-thread signing ------------------------------------------------ */

struct worker {
  int id;
  pthread_t th;
  EVP_PKEY_CTX *sctx[N_CA];
  struct gbuf der, meta, pem;
  /* per-block records */
  struct rec {
    size_t der_off, der_len, meta_off, meta_len, pem_off, pem_len;
    uint32_t issuance;  /* index within block */
    uint8_t is_pre, profile;
  } *recs;
  size_t nrecs, caprecs;
  uint8_t tbs[TBS_MAX];
  uint8_t cert[CERT_MAX];
};

static int worker_init_signers(struct worker *w) {
  for (int i = 1; i < N_CA; i++) {
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, g.ca[i].pkey, NULL);
    if (c == NULL || EVP_PKEY_sign_init(c) <= 0 ||
        (CA_SPECS[i].kt == K_RSA2048 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0) ||
        EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) <= 0) {
      EVP_PKEY_CTX_free(c);
      ossl_err("signing context");
      return 0;
    }
    w->sctx[i] = c;
  }
  return 1;
}

/* ---- one issuance ------------------------------------------------------ */

struct issuance {
  uint64_t idx;
  int profile, ca, ec, cn, sct, crldp, precert;
  uint32_t sub, dom;
  const struct poolkey *key;
  int64_t nb, na;
  uint8_t serial[16];
  char names[MAX_SANS][MAX_NAME_LEN + 1];
  int nnames;
  int method[MAX_SANS];
  int64_t at[MAX_SANS];
  uint8_t sct_list[3 * 128 + 2];
  size_t sct_len;
};

static int add_name(struct issuance *is, const char *host, const char *domain) {
  char nm[MAX_NAME_LEN + 2];
  int n = host ? snprintf(nm, sizeof(nm), "%s.%s", host, domain) : snprintf(nm, sizeof(nm), "%s", domain);
  if (n < 0 || n > MAX_NAME_LEN) return 0;
  for (int i = 0; i < is->nnames; i++)
    if (strcmp(is->names[i], nm) == 0) return 0;
  if (is->nnames >= MAX_SANS) return 0;
  memcpy(is->names[is->nnames++], nm, (size_t)n + 1);
  return 1;
}

/* Pick a host label: common ones much more often, sometimes numbered nodes. */
static void pick_host(struct rng *r, char *out, size_t cap) {
  uint32_t u = rng_below(r, 100);
  if (u < 8) {
    static const char *const NODE[] = {"node", "srv", "web", "edge", "lb", "k8s"};
    snprintf(out, cap, "%s%u", NODE[rng_below(r, 6)], 1 + rng_below(r, 40));
  } else {
    /* Square of a uniform favours the front of HOSTS. */
    double x = rng_unit(r);
    snprintf(out, cap, "%s", HOSTS[(uint32_t)(x * x * N_HOSTS)]);
  }
}

static int pick_method(struct rng *r, int64_t nb) {
  /* BR 3.2.2.4: http-01 (.19) ~55%, DNS (.7) ~35%, tls-alpn-01 (.20) ~5%,
   * email ~5%: .2 only for certificates issued before its 2025-07-15 sunset,
   * .4 otherwise. */
  uint32_t u = rng_below(r, 1000);
  if (u < 550) return M_HTTP;
  if (u < 900) return M_DNS;
  if (u < 950) return M_ALPN;
  if (nb < g.date_sunset_4_2 && rng_below(r, 2) == 0) return M_EMAIL_CONTACT;
  return M_EMAIL_CONSTRUCTED;
}

/* Serial: 16 octets from SHA-256(seed, index) — unpredictable without the
 * seed (BR 7.1.2.7: >= 64 bits of CSPRNG output) yet reproducible. */
static void make_serial(uint64_t idx, uint8_t out[16]) {
  uint8_t in[24], md[SHA256_DIGEST_LENGTH];
  memcpy(in, &g.cfg.seed, 8);
  memcpy(in + 8, &idx, 8);
  memcpy(in + 16, "serial\0\0", 8);
  SHA256(in, sizeof(in), md);
  memcpy(out, md, 16);
  out[0] &= 0x7f; /* positive */
  if (out[0] == 0) out[0] = 0x01; /* keep 16 octets minimal in DER */
}

static void make_scts(struct rng *r, struct issuance *is) {
  /* RFC 6962 3.2/3.3: SignedCertificateTimestampList of v1 SCTs.  The log IDs
   * and signatures are synthetic (no real log signed them). */
  int n = 2 + (int)rng_below(r, 2);
  int used[SCT_LOGS] = {0};
  uint8_t *p = is->sct_list + 2;
  for (int i = 0; i < n; i++) {
    int log;
    do log = (int)rng_below(r, SCT_LOGS);
    while (used[log]);
    used[log] = 1;
    uint8_t *sct = p + 2;
    uint8_t *q = sct;
    *q++ = 0; /* v1 */
    memcpy(q, g.log_id[log], 32);
    q += 32;
    uint64_t ts = (uint64_t)(is->nb + 3600) * 1000 + rng_below(r, 120000);
    for (int b = 7; b >= 0; b--) *q++ = (uint8_t)(ts >> (8 * b));
    *q++ = 0; /* no extensions */
    *q++ = 0;
    *q++ = 4; /* sha256 */
    *q++ = 3; /* ecdsa */
    uint8_t rr[32], ss[32];
    rng_bytes(r, rr, 32);
    rng_bytes(r, ss, 32);
    rr[0] = (uint8_t)((rr[0] & 0x7f) | 0x01);
    ss[0] = (uint8_t)((ss[0] & 0x7f) | 0x01);
    const uint8_t sig_len = 2 + 34 + 34;
    *q++ = 0;
    *q++ = sig_len;
    *q++ = 0x30;
    *q++ = 68;
    *q++ = 0x02;
    *q++ = 32;
    memcpy(q, rr, 32);
    q += 32;
    *q++ = 0x02;
    *q++ = 32;
    memcpy(q, ss, 32);
    q += 32;
    size_t slen = (size_t)(q - sct);
    p[0] = (uint8_t)(slen >> 8);
    p[1] = (uint8_t)slen;
    p = q;
  }
  size_t total = (size_t)(p - is->sct_list) - 2;
  is->sct_list[0] = (uint8_t)(total >> 8);
  is->sct_list[1] = (uint8_t)total;
  is->sct_len = total + 2;
}

static void plan_issuance(uint64_t idx, struct issuance *is) {
  struct rng r;
  rng_seed(&r, g.cfg.seed, idx);
  memset(is, 0, sizeof(*is));
  is->idx = idx;
  is->profile = (int)pick_cdf(&r, g.profile_cdf, P_COUNT);
  int p = is->profile;
  is->sub = g.class_subs[p][pick_cdf(&r, g.class_cdf[p], g.class_n[p])];
  const struct subscriber *s = &g.subs[is->sub];
  is->dom = s->domains[rng_below(&r, s->ndomains)];

  /* Issuer: the CAs serving this profile, by share. */
  double u = rng_unit(&r), acc = 0;
  is->ca = -1;
  for (int i = 1; i < N_CA; i++) {
    if (CA_SPECS[i].profile != p) continue;
    acc += CA_SPECS[i].share;
    is->ca = i;
    if (u < acc) break;
  }

  /* Time: issuance order follows time, spread over the window, jittered. */
  double frac = (double)idx / g.est_issuances;
  if (frac > 1) frac = 1;
  int64_t span = g.end - g.start;
  is->nb = g.start + (int64_t)(frac * (double)span) + (int64_t)rng_below(&r, 7200) - 3600;
  if (is->nb < g.start) is->nb = g.start;
  if (is->nb > g.end) is->nb = g.end;
  /* BR 6.3.2: use the SHOULD ceiling (397 / 199 days), never the maximum. */
  int64_t long_days = is->nb < g.date_200 ? 397 : 199;
  int64_t days = (p == P_DV && rng_unit(&r) < DV_90_DAY_SHARE) ? 90 : long_days;
  is->na = is->nb + days * 86400 - 1; /* RFC 5280: validity is inclusive */

  /* Key: a subscriber keeps one key per quarter, from the pool. */
  is->ec = rng_unit(&r) < EC_SHARE[p];
  uint64_t quarter = (uint64_t)(is->nb / (86400 * 91));
  uint64_t kh = mix3(g.cfg.seed ^ 0x4B45, is->sub, quarter * 2 + (uint64_t)is->ec);
  is->key = is->ec ? &g.ec_keys[kh % g.n_ec] : &g.rsa_keys[kh % g.n_rsa];

  /* Names. */
  const char *dom = g.domains[is->dom];
  uint32_t nn_u = rng_below(&r, 100);
  int want = nn_u < 22 ? 1 : nn_u < 65 ? 2 : nn_u < 77 ? 3 : nn_u < 85 ? 4 : nn_u < 90 ? 5 : 6 + (int)rng_below(&r, 5);
  int wildcard = rng_unit(&r) < WILDCARD_SHARE[p];
  char host[64];
  if (wildcard) {
    if (rng_below(&r, 5) == 0) {
      pick_host(&r, host, sizeof(host));
      char sub[MAX_NAME_LEN + 1];
      snprintf(sub, sizeof(sub), "%s.%s", host, dom);
      add_name(is, "*", sub);
    } else {
      add_name(is, "*", dom);
    }
    add_name(is, NULL, dom);
  } else if (rng_below(&r, 2) == 0) {
    add_name(is, NULL, dom);
    if (want >= 2) add_name(is, "www", dom);
  } else {
    pick_host(&r, host, sizeof(host));
    add_name(is, host, dom);
  }
  for (int tries = 0; is->nnames < want && tries < 4 * MAX_SANS; tries++) {
    if (s->ndomains > 1 && rng_below(&r, 7) == 0) {
      const char *other = g.domains[s->domains[rng_below(&r, s->ndomains)]];
      if (rng_below(&r, 2) == 0) add_name(is, NULL, other);
      else add_name(is, "www", other);
    } else {
      pick_host(&r, host, sizeof(host));
      add_name(is, host, dom);
    }
  }

  /* Validation records (BR 3.2.2.4), one per name; wildcards only by methods
   * suitable for Wildcard Domain Names (DNS change or constructed email). */
  int base = pick_method(&r, is->nb);
  for (int i = 0; i < is->nnames; i++) {
    int m = rng_below(&r, 10) == 0 ? pick_method(&r, is->nb) : base;
    if (is->names[i][0] == '*' && (m == M_HTTP || m == M_ALPN)) m = M_DNS;
    is->method[i] = m;
    uint32_t b = rng_below(&r, 100);
    int64_t before = b < 55 ? 30 + (int64_t)rng_below(&r, 6 * 3600)
                   : b < 90 ? 6 * 3600 + (int64_t)rng_below(&r, 6 * 86400)
                            : 7 * 86400 + (int64_t)rng_below(&r, 23 * 86400);
    is->at[i] = is->nb - before;
  }

  is->cn = rng_unit(&r) < CN_SHARE[p];
  if (p == P_EV && is->names[0][0] == '*') is->cn = 0; /* EVG 7.1.4.2.2 */
  is->precert = rng_unit(&r) < g.cfg.precert_ratio;
  is->sct = is->precert || rng_unit(&r) < SCT_SHARE;
  is->crldp = rng_unit(&r) < CRLDP_SHARE;
  make_serial(idx, is->serial);
  if (is->sct) make_scts(&r, is);
}

static void write_subject(struct dw *w, const struct issuance *is) {
  const struct subscriber *s = &g.subs[is->sub];
  const struct org *o = s->org;
  dw_open(w, 0x30);
  if (is->profile == P_EV && o != NULL) {
    /* EVG 7.1.4.2.3-6. */
    dw_rdn(w, O_AT_BUSCAT, TAG_UTF8, "Private Organization");
    dw_rdn(w, O_AT_JUR_C, TAG_PRINTABLE, o->country->c);
    if (o->country->jur_state) dw_rdn(w, O_AT_JUR_ST, TAG_UTF8, o->country->st[o->loc]);
    dw_rdn(w, O_AT_SERIAL, TAG_PRINTABLE, o->serial);
  }
  if (is->profile != P_DV && o != NULL) {
    /* BR 7.1.2.7.4: C, ST/L, O (RFC 5280: C is PrintableString). */
    dw_rdn(w, O_AT_C, TAG_PRINTABLE, o->country->c);
    dw_rdn(w, O_AT_ST, TAG_UTF8, o->country->st[o->loc]);
    dw_rdn(w, O_AT_L, TAG_UTF8, o->country->l[o->loc]);
    dw_rdn(w, O_AT_O, TAG_UTF8, o->name);
  }
  /* BR 7.1.4.3: CN is a character-for-character copy of a SAN entry. */
  if (is->cn) dw_rdn(w, O_AT_CN, TAG_UTF8, is->names[0]);
  dw_close(w);
}

static int subject_empty(const struct issuance *is) { return is->profile == P_DV && !is->cn; }

/* Build the TBSCertificate.  precert: add the poison (RFC 6962 3.1) instead
 * of the SCT list, in the same position, so that removing either yields
 * identical extensions (BR 7.1.2.9.1). */
static size_t build_tbs(struct worker *wk, const struct issuance *is, int precert) {
  static const uint8_t V3[] = {0xa0, 0x03, 0x02, 0x01, 0x02};
  static const uint8_t KU_EC[] = {0x03, 0x02, 0x07, 0x80};   /* digitalSignature */
  static const uint8_t KU_RSA[] = {0x03, 0x02, 0x05, 0xa0};  /* + keyEncipherment */
  static const uint8_t EMPTY_SEQ[] = {0x30, 0x00};           /* cA FALSE (DEFAULT) */
  static const uint8_t ASN1_NULL[] = {0x05, 0x00};
  const struct ca *ca = &g.ca[is->ca];
  struct dw w;
  dw_init(&w, wk->tbs, sizeof(wk->tbs));
  dw_open(&w, 0x30);
  dw_bytes(&w, V3, sizeof(V3));
  dw_tlv(&w, 0x02, is->serial, sizeof(is->serial));
  dw_bytes(&w, ca->sigalg, ca->sigalg_len);
  dw_bytes(&w, ca->name, ca->name_len);
  dw_open(&w, 0x30);
  dw_utctime(&w, is->nb);
  dw_utctime(&w, is->na);
  dw_close(&w);
  write_subject(&w, is);
  dw_bytes(&w, is->key->spki, is->key->spki_len);
  dw_open(&w, 0xa3);
  dw_open(&w, 0x30);
  /* BR 7.1.2.7.11 */
  ext_open(&w, O_KU, 1);
  if (is->key->is_rsa) dw_bytes(&w, KU_RSA, sizeof(KU_RSA));
  else dw_bytes(&w, KU_EC, sizeof(KU_EC));
  ext_close(&w);
  /* BR 7.1.2.7.10 */
  ext_open(&w, O_EKU, 0);
  dw_open(&w, 0x30);
  dw_oid(&w, O_KP_SERVER);
  dw_oid(&w, O_KP_CLIENT);
  dw_close(&w);
  ext_close(&w);
  /* BR 7.1.2.7.8 */
  ext_open(&w, O_BC, 1);
  dw_bytes(&w, EMPTY_SEQ, sizeof(EMPTY_SEQ));
  ext_close(&w);
  if (ca->spec->with_ski) {
    ext_open(&w, O_SKI, 0);
    dw_tlv(&w, 0x04, is->key->ski, sizeof(is->key->ski));
    ext_close(&w);
  }
  dw_bytes(&w, ca->aki_ext, ca->aki_len);
  dw_bytes(&w, ca->aia_ext, ca->aia_len);
  /* BR 7.1.2.7.12: critical exactly when the subject is empty. */
  ext_open(&w, O_SAN, subject_empty(is));
  dw_open(&w, 0x30);
  for (int i = 0; i < is->nnames; i++) dw_tlv(&w, 0x82, is->names[i], strlen(is->names[i]));
  dw_close(&w);
  ext_close(&w);
  /* BR 7.1.2.7.9: the reserved identifier first. */
  ext_open(&w, O_CP, 0);
  dw_open(&w, 0x30);
  dw_open(&w, 0x30);
  dw_oid(&w, is->profile == P_DV ? O_POL_DV : is->profile == P_OV ? O_POL_OV : O_POL_EV);
  dw_close(&w);
  if (is->profile == P_EV) { /* EVG 7.1.4.3 (2): the issuer's EV policy too */
    dw_open(&w, 0x30);
    dw_oid(&w, O_POL_CA_EV);
    dw_close(&w);
  }
  dw_close(&w);
  ext_close(&w);
  if (is->crldp) dw_bytes(&w, ca->crldp_ext, ca->crldp_len);
  if (precert) {
    ext_open(&w, O_POISON, 1);
    dw_bytes(&w, ASN1_NULL, sizeof(ASN1_NULL));
    ext_close(&w);
  } else if (is->sct) {
    ext_open(&w, O_SCTLIST, 0);
    dw_tlv(&w, 0x04, is->sct_list, is->sct_len);
    ext_close(&w);
  }
  dw_close(&w);
  dw_close(&w);
  dw_close(&w);
  if (w.err || w.depth != 0) return 0;
  return w.len;
}

static int sign_cert(struct worker *wk, const struct issuance *is, size_t tbs_len, size_t *out_len) {
  const struct ca *ca = &g.ca[is->ca];
  uint8_t md[SHA256_DIGEST_LENGTH];
  uint8_t sig[MAX_SIG + 1];
  size_t siglen = MAX_SIG;
  SHA256(wk->tbs, tbs_len, md);
  if (ca->max_sig > MAX_SIG || EVP_PKEY_sign(wk->sctx[is->ca], sig + 1, &siglen, md, sizeof(md)) <= 0) {
    ossl_err("EVP_PKEY_sign");
    return 0;
  }
  sig[0] = 0; /* BIT STRING: no unused bits */
  struct dw w;
  dw_init(&w, wk->cert, sizeof(wk->cert));
  dw_open(&w, 0x30);
  dw_bytes(&w, wk->tbs, tbs_len);
  dw_bytes(&w, ca->sigalg, ca->sigalg_len);
  dw_tlv(&w, 0x03, sig, siglen + 1);
  dw_close(&w);
  if (w.err) {
    errmsg("certificate exceeds %d bytes", CERT_MAX);
    return 0;
  }
  *out_len = w.len;
  return 1;
}

static int add_pem(struct gbuf *b, const uint8_t *der, size_t n) {
  static const char BEGIN[] = "-----BEGIN CERTIFICATE-----\n";
  static const char END[] = "-----END CERTIFICATE-----\n";
  if (!gbuf_reserve(b, sizeof(BEGIN) + sizeof(END) + (n + 2) / 3 * 4 + n / 48 + 2)) return 0;
  gbuf_add(b, BEGIN, sizeof(BEGIN) - 1);
  for (size_t off = 0; off < n; off += 48) {
    size_t k = n - off < 48 ? n - off : 48;
    int m = EVP_EncodeBlock(b->p + b->len, der + off, (int)k);
    b->len += (size_t)m;
    b->p[b->len++] = '\n';
  }
  gbuf_add(b, END, sizeof(END) - 1);
  return 1;
}

static int add_meta(struct gbuf *b, const uint8_t *der, size_t n, const struct issuance *is) {
  uint8_t md[SHA256_DIGEST_LENGTH];
  char line[META_LINE_MAX];
  static const char HEX[] = "0123456789abcdef";
  SHA256(der, n, md);
  char hex[2 * SHA256_DIGEST_LENGTH + 1];
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
    hex[2 * i] = HEX[md[i] >> 4];
    hex[2 * i + 1] = HEX[md[i] & 15];
  }
  hex[64] = '\0';
  /* Names are LDH labels, "*." and dots only: no JSON escaping is needed. */
  int k = snprintf(line, sizeof(line),
                   "{\"sha256\":\"%s\",\"profile\":\"%s\",\"order\":\"order-%" PRIu64 "\",\"subscriber\":\"sub-%u\",\"validations\":[",
                   hex, PROFILE_NAME[is->profile], is->idx + 1, is->sub + 1);
  for (int i = 0; i < is->nnames && k > 0 && (size_t)k < sizeof(line); i++) {
    char at[RFC3339_BUF];
    rfc3339(is->at[i], at);
    k += snprintf(line + k, sizeof(line) - (size_t)k, "%s{\"name\":\"%s\",\"method\":\"%s\",\"at\":\"%s\"}",
                  i ? "," : "", is->names[i], METHOD_ID[is->method[i]], at);
  }
  if (k > 0 && (size_t)k < sizeof(line)) k += snprintf(line + k, sizeof(line) - (size_t)k, "]}\n");
  if (k <= 0 || (size_t)k >= sizeof(line)) {
    errmsg("metadata line for order-%" PRIu64 " exceeds %d bytes", is->idx + 1, META_LINE_MAX);
    return 0;
  }
  return gbuf_add(b, line, (size_t)k);
}

static int emit(struct worker *wk, const struct issuance *is, int precert, uint32_t issuance_no) {
  size_t tbs_len = build_tbs(wk, is, precert);
  if (tbs_len == 0) {
    errmsg("order-%" PRIu64 ": TBSCertificate exceeds %d bytes", is->idx + 1, TBS_MAX);
    return 0;
  }
  size_t clen;
  if (!sign_cert(wk, is, tbs_len, &clen)) return 0;
  if (wk->nrecs == wk->caprecs) {
    size_t nc = wk->caprecs ? wk->caprecs * 2 : 2 * BLOCK_ISSUANCES;
    struct rec *nr = realloc(wk->recs, nc * sizeof(*nr));
    if (nr == NULL) return 0;
    wk->recs = nr;
    wk->caprecs = nc;
  }
  struct rec *r = &wk->recs[wk->nrecs++];
  r->issuance = issuance_no;
  r->is_pre = (uint8_t)precert;
  r->profile = (uint8_t)is->profile;
  r->der_off = wk->der.len;
  r->der_len = clen;
  r->meta_off = wk->meta.len;
  r->pem_off = wk->pem.len;
  if (!gbuf_add(&wk->der, wk->cert, clen) || !add_meta(&wk->meta, wk->cert, clen, is) ||
      (g.cfg.pem && !add_pem(&wk->pem, wk->cert, clen))) {
    errmsg("out of memory");
    return 0;
  }
  r->meta_len = wk->meta.len - r->meta_off;
  r->pem_len = wk->pem.len - r->pem_off;
  return 1;
}

/* ---- writer (called with g.mu held, in block order) -------------------- */

static int open_pem_file(void) {
  char path[PATH_MAX_LEN];
  if (g.pem_f != NULL && fclose(g.pem_f) != 0) {
    errmsg("closing PEM bundle: %s", strerror(errno));
    g.pem_f = NULL;
    return 0;
  }
  snprintf(path, sizeof(path), "%s/pem/certs-%04" PRIu64 ".pem", g.cfg.out, g.pem_file_no++);
  g.pem_f = fopen(path, "wb");
  if (g.pem_f == NULL) {
    errmsg("%s: %s", path, strerror(errno));
    return 0;
  }
  return 1;
}

static int write_rec(const struct worker *wk, const struct rec *r) {
  if (g.cfg.pem && g.written % PEM_BUNDLE_CERTS == 0 && !open_pem_file()) return 0;
  if (fwrite(wk->der.p + r->der_off, 1, r->der_len, g.der_f) != r->der_len ||
      fwrite(wk->meta.p + r->meta_off, 1, r->meta_len, g.meta_f) != r->meta_len ||
      (g.cfg.pem && fwrite(wk->pem.p + r->pem_off, 1, r->pem_len, g.pem_f) != r->pem_len)) {
    errmsg("writing output: %s", strerror(errno));
    return 0;
  }
  g.written++;
  if (!g.cfg.quiet && g.written % PROGRESS_EVERY == 0)
    fprintf(stderr, "%s: %" PRIu64 " / %" PRIu64 "\n", g_prog, g.written, g.cfg.count);
  g.per_profile[r->profile]++;
  if (r->is_pre) g.precerts_written++;
  return 1;
}

static int write_block(const struct worker *wk) {
  for (size_t i = 0; i < wk->nrecs && g.written < g.cfg.count; i++) {
    const struct rec *r = &wk->recs[i];
    /* A precertificate is only written if its final certificate fits too. */
    if (r->is_pre && g.written + 2 > g.cfg.count) continue;
    if (!write_rec(wk, r)) return 0;
  }
  if (g.written >= g.cfg.count) g.done = 1;
  return 1;
}

static void *worker_main(void *arg) {
  struct worker *wk = arg;
  struct issuance is;
  for (;;) {
    uint64_t b = atomic_fetch_add(&g.next_block, 1);
    pthread_mutex_lock(&g.mu);
    int stop = g.done;
    pthread_mutex_unlock(&g.mu);
    if (stop) break;
    wk->der.len = wk->meta.len = wk->pem.len = 0;
    wk->nrecs = 0;
    int ok = 1;
    for (uint32_t i = 0; i < BLOCK_ISSUANCES && ok; i++) {
      plan_issuance(b * BLOCK_ISSUANCES + i, &is);
      if (is.precert) ok = emit(wk, &is, 1, i);
      if (ok) ok = emit(wk, &is, 0, i);
    }
    pthread_mutex_lock(&g.mu);
    while (ok && g.next_write_block != b && !g.done) pthread_cond_wait(&g.cv, &g.mu);
    if (!ok) {
      g.failed = 1;
      g.done = 1;
    } else if (!g.done) {
      if (!write_block(wk)) {
        g.failed = 1;
        g.done = 1;
      }
      g.next_write_block = b + 1;
    }
    pthread_cond_broadcast(&g.cv);
    stop = g.done;
    pthread_mutex_unlock(&g.mu);
    if (stop) break;
  }
  return NULL;
}

/* ---- files ------------------------------------------------------------- */

static int mkdir_p(const char *path) {
  char tmp[PATH_MAX_LEN];
  if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
    errmsg("path too long: %s", path);
    return 0;
  }
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
      errmsg("mkdir %s: %s", tmp, strerror(errno));
      return 0;
    }
    *p = '/';
  }
  if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
    errmsg("mkdir %s: %s", tmp, strerror(errno));
    return 0;
  }
  return 1;
}

static FILE *open_out(const char *dir, const char *name, int private_file) {
  char path[PATH_MAX_LEN];
  if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
    errmsg("path too long: %s/%s", dir, name);
    return NULL;
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    errmsg("%s: %s", path, strerror(errno));
    return NULL;
  }
  if (private_file) fchmod(fileno(f), 0600);
  return f;
}

static int close_out(FILE *f, const char *what) {
  if (f == NULL) return 1;
  if (fclose(f) != 0) {
    errmsg("writing %s: %s", what, strerror(errno));
    return 0;
  }
  return 1;
}

/* ca/<id>.pem (certificate) and ca/<id>.key (PKCS#8 private key, mode 0600,
 * for signing CRLs and OCSP responses later).  Each CA certificate appears
 * exactly once, so that ingesting ca/ sees no duplicates. */
static int write_ca_files(void) {
  char dir[PATH_MAX_LEN], name[64];
  snprintf(dir, sizeof(dir), "%s/ca", g.cfg.out);
  if (!mkdir_p(dir)) return 0;
  int ok = 1;
  for (int i = 0; i < N_CA && ok; i++) {
    snprintf(name, sizeof(name), "%s.pem", CA_SPECS[i].id);
    FILE *f = open_out(dir, name, 0);
    ok = f != NULL && PEM_write_X509(f, g.ca[i].cert);
    ok = close_out(f, name) && ok;
    snprintf(name, sizeof(name), "%s.key", CA_SPECS[i].id);
    f = open_out(dir, name, 1);
    ok = ok && f != NULL && PEM_write_PrivateKey(f, g.ca[i].pkey, NULL, NULL, 0, NULL, NULL);
    ok = close_out(f, name) && ok;
  }
  if (!ok) ossl_err("writing ca/");
  return ok;
}

/* keys/p256.pem and keys/rsa2048.pem hold the pool's private keys (PKCS#8
 * PEM, concatenated: one file per type, since thousands of tiny files cost
 * more to create than the keys do to encode); keys/index.tsv maps each
 * SPKI SHA-256 to its file and 0-based position there. */
static int write_key_pool(void) {
  char dir[PATH_MAX_LEN];
  static const char HEX[] = "0123456789abcdef";
  snprintf(dir, sizeof(dir), "%s/keys", g.cfg.out);
  if (!mkdir_p(dir)) return 0;
  FILE *idx = open_out(dir, "index.tsv", 0);
  FILE *fec = open_out(dir, "p256.pem", 1);
  FILE *frsa = open_out(dir, "rsa2048.pem", 1);
  int ok = idx != NULL && fec != NULL && frsa != NULL && fprintf(idx, "# spki_sha256\tfile\tposition\ttype\n") > 0;
  for (size_t i = 0; i < g.n_ec + g.n_rsa && ok; i++) {
    int rsa = i >= g.n_ec;
    size_t pos = rsa ? i - g.n_ec : i;
    const struct poolkey *pk = rsa ? &g.rsa_keys[pos] : &g.ec_keys[pos];
    ok = PEM_write_PrivateKey(rsa ? frsa : fec, pk->pkey, NULL, NULL, 0, NULL, NULL);
    char hex[65];
    for (int j = 0; j < 32; j++) {
      hex[2 * j] = HEX[pk->spki_sha256[j] >> 4];
      hex[2 * j + 1] = HEX[pk->spki_sha256[j] & 15];
    }
    hex[64] = '\0';
    ok = ok && fprintf(idx, "%s\t%s\t%zu\t%s\n", hex, rsa ? "rsa2048.pem" : "p256.pem", pos, rsa ? "rsa2048" : "p256") > 0;
  }
  ok = close_out(idx, "keys/index.tsv") && ok;
  ok = close_out(fec, "keys/p256.pem") && ok;
  ok = close_out(frsa, "keys/rsa2048.pem") && ok;
  if (!ok) ossl_err("writing keys/");
  return ok;
}

static int write_summary(double gen_secs, double cpu_secs_used) {
  FILE *f = open_out(g.cfg.out, "corpus.json", 0);
  if (f == NULL) return 0;
  char end[RFC3339_BUF], start[RFC3339_BUF];
  rfc3339(g.start, start);
  rfc3339(g.end, end);
  fprintf(f,
          "{\"generator\":\"gen_corpus\",\"seed\":%" PRIu64 ",\"count\":%" PRIu64 ",\"precertificates\":%" PRIu64
          ",\"profiles\":{\"dv\":%" PRIu64 ",\"ov\":%" PRIu64 ",\"ev\":%" PRIu64 "},"
          "\"not_before_from\":\"%s\",\"not_before_to\":\"%s\",\"domains\":%u,\"subscribers\":%u,"
          "\"key_pool\":{\"p256\":%zu,\"rsa2048\":%zu},\"precert_ratio\":%.4f,\"url_base\":\"%s\",\"threads\":%d,"
          "\"seconds\":%.3f,\"cpu_seconds\":%.3f}\n",
          g.cfg.seed, g.written, g.precerts_written, g.per_profile[P_DV], g.per_profile[P_OV], g.per_profile[P_EV],
          start, end, g.ndomains, g.nsubs, g.n_ec, g.n_rsa, g.cfg.precert_ratio, g.cfg.url_base, g.cfg.threads,
          gen_secs, cpu_secs_used);
  return close_out(f, "corpus.json");
}

/* ---- command line ------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f,
          "usage: %s [options]\n"
          "  --count N          certificates to write (default %d; precertificates count)\n"
          "  --out DIR          output directory (required; created if missing)\n"
          "  --seed S           content seed (default %d)\n"
          "  --threads T        worker threads (default: online CPUs, max %d)\n"
          "  --key-pool N       subject keys in the pool, 1/%d of them RSA-2048, the rest P-256\n"
          "                     (default %d, scaled down for small counts)\n"
          "  --keys-from DIR    reuse the CA and pool keys of an earlier run's --out DIR\n"
          "                     (no key generation; same seed gives the same bytes but signatures)\n"
          "  --precert-ratio F  share of issuances that also emit a precertificate (default %.2f)\n"
          "  --pem              also write pem/certs-NNNN.pem bundles of %d\n"
          "  --domains N        registrable domains (default %d)\n"
          "  --end YYYY-MM-DD   latest notBefore (default %s)\n"
          "  --span-days D      notBefore window length in days (default %d)\n"
          "  --url-base URL     base of AIA/CRL URLs (default %s)\n"
          "  --no-keys          do not write the subject key pool to keys/\n"
          "  --quiet            no progress output\n",
          g_prog, DEFAULT_COUNT, DEFAULT_SEED, MAX_THREADS, POOL_RSA_DIVISOR, DEFAULT_KEY_POOL,
          DEFAULT_PRECERT_RATIO, PEM_BUNDLE_CERTS, DEFAULT_DOMAINS, DEFAULT_END, DEFAULT_SPAN_DAYS, DEFAULT_URL_BASE);
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  char *end = NULL;
  errno = 0;
  if (s[0] == '-' || s[0] == '\0') goto bad;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) goto bad;
  *out = v;
  return 1;
bad:
  errmsg("%s: expected an integer in [%" PRIu64 ", %" PRIu64 "], got '%s'", opt, lo, hi, s);
  return 0;
}

static int parse_args(int argc, char **argv) {
  enum { OPT_COUNT = 256, OPT_OUT, OPT_SEED, OPT_THREADS, OPT_POOL, OPT_PRE, OPT_PEM, OPT_DOMAINS,
         OPT_END, OPT_SPAN, OPT_URL, OPT_NOKEYS, OPT_QUIET, OPT_HELP, OPT_KEYSFROM };
  static const struct option OPTS[] = {
    {"count", required_argument, NULL, OPT_COUNT}, {"out", required_argument, NULL, OPT_OUT},
    {"seed", required_argument, NULL, OPT_SEED}, {"threads", required_argument, NULL, OPT_THREADS},
    {"key-pool", required_argument, NULL, OPT_POOL}, {"precert-ratio", required_argument, NULL, OPT_PRE},
    {"pem", no_argument, NULL, OPT_PEM}, {"domains", required_argument, NULL, OPT_DOMAINS},
    {"end", required_argument, NULL, OPT_END}, {"span-days", required_argument, NULL, OPT_SPAN},
    {"url-base", required_argument, NULL, OPT_URL}, {"no-keys", no_argument, NULL, OPT_NOKEYS},
    {"keys-from", required_argument, NULL, OPT_KEYSFROM},
    {"quiet", no_argument, NULL, OPT_QUIET}, {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
  };
  struct config *c = &g.cfg;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  c->count = DEFAULT_COUNT;
  c->seed = DEFAULT_SEED;
  c->threads = ncpu < 1 ? 1 : ncpu > MAX_THREADS ? MAX_THREADS : (int)ncpu;
  c->key_pool = -1;
  c->precert_ratio = DEFAULT_PRECERT_RATIO;
  c->ndomains = DEFAULT_DOMAINS;
  c->url_base = DEFAULT_URL_BASE;
  c->span_days = DEFAULT_SPAN_DAYS;
  c->write_keys = 1;
  if (!parse_date(DEFAULT_END, &c->end)) return 0;
  uint64_t v;
  int o;
  while ((o = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
    switch (o) {
    case OPT_COUNT:
      if (!parse_u64("--count", optarg, 1, MAX_COUNT, &c->count)) return 0;
      break;
    case OPT_OUT: c->out = optarg; break;
    case OPT_SEED:
      if (!parse_u64("--seed", optarg, 0, UINT64_MAX, &c->seed)) return 0;
      break;
    case OPT_THREADS:
      if (!parse_u64("--threads", optarg, 1, MAX_THREADS, &v)) return 0;
      c->threads = (int)v;
      break;
    case OPT_POOL:
      if (!parse_u64("--key-pool", optarg, POOL_RSA_DIVISOR, MAX_KEY_POOL, &v)) return 0;
      c->key_pool = (long)v;
      break;
    case OPT_PRE: {
      char *end = NULL;
      errno = 0;
      double f = strtod(optarg, &end);
      if (errno != 0 || end == optarg || *end != '\0' || !(f >= 0.0 && f <= 1.0)) {
        errmsg("--precert-ratio: expected a number in [0, 1], got '%s'", optarg);
        return 0;
      }
      c->precert_ratio = f;
      break;
    }
    case OPT_PEM: c->pem = 1; break;
    case OPT_DOMAINS:
      if (!parse_u64("--domains", optarg, MIN_DOMAINS, MAX_DOMAINS, &v)) return 0;
      c->ndomains = (uint32_t)v;
      break;
    case OPT_END:
      if (!parse_date(optarg, &c->end)) {
        errmsg("--end: expected a date YYYY-MM-DD, got '%s'", optarg);
        return 0;
      }
      break;
    case OPT_SPAN:
      if (!parse_u64("--span-days", optarg, 1, 3650, &v)) return 0;
      c->span_days = (int64_t)v;
      break;
    case OPT_URL: {
      size_t n = strlen(optarg);
      if (n == 0 || n > URL_MAX - 32 || strncmp(optarg, "http://", 7) != 0 || optarg[n - 1] == '/') {
        errmsg("--url-base: expected an http:// URL without a trailing slash, at most %d characters (BR 7.1.2.11.2 requires http)",
               URL_MAX - 32);
        return 0;
      }
      for (size_t i = 0; i < n; i++)
        if (optarg[i] <= 0x20 || optarg[i] >= 0x7f || optarg[i] == '"' || optarg[i] == '\\') {
          errmsg("--url-base: character %zu is not allowed in a URI", i);
          return 0;
        }
      c->url_base = optarg;
      break;
    }
    case OPT_NOKEYS: c->write_keys = 0; break;
    case OPT_KEYSFROM: c->keys_from = optarg; break;
    case OPT_QUIET: c->quiet = 1; break;
    case OPT_HELP: usage(stdout); exit(0);
    default: usage(stderr); return 0;
    }
  }
  if (optind != argc) {
    errmsg("unexpected argument '%s'", argv[optind]);
    return 0;
  }
  if (c->out == NULL) {
    errmsg("--out DIR is required");
    usage(stderr);
    return 0;
  }
  return 1;
}

static double clock_secs(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_secs(void) { return clock_secs(CLOCK_MONOTONIC); }

/* CPU time of all threads: on a shared machine wall-clock rates say more
 * about the neighbours than about this program. */
static double cpu_secs(void) { return clock_secs(CLOCK_PROCESS_CPUTIME_ID); }

static void free_all(struct worker *wk, int nw) {
  for (int i = 0; i < nw; i++) {
    for (int j = 0; j < N_CA; j++) EVP_PKEY_CTX_free(wk[i].sctx[j]);
    gbuf_cleanup(&wk[i].der);
    gbuf_cleanup(&wk[i].meta);
    gbuf_cleanup(&wk[i].pem);
    free(wk[i].recs);
  }
  for (int i = 0; i < N_CA; i++) {
    EVP_PKEY_free(g.ca[i].pkey);
    X509_free(g.ca[i].cert);
  }
  for (size_t i = 0; g.ec_keys && i < g.n_ec; i++) {
    EVP_PKEY_free(g.ec_keys[i].pkey);
    OPENSSL_free(g.ec_keys[i].spki);
  }
  for (size_t i = 0; g.rsa_keys && i < g.n_rsa; i++) {
    EVP_PKEY_free(g.rsa_keys[i].pkey);
    OPENSSL_free(g.rsa_keys[i].spki);
  }
  free(g.ec_keys);
  free(g.rsa_keys);
  for (uint32_t i = 0; g.domains && i < g.ndomains; i++) free(g.domains[i]);
  free(g.domains);
  for (uint32_t i = 0; g.subs && i < g.nsubs; i++) {
    free(g.subs[i].domains);
    free(g.subs[i].org);
  }
  free(g.subs);
  for (int p = 0; p < P_COUNT; p++) {
    free(g.class_subs[p]);
    free(g.class_cdf[p]);
  }
}

int main(int argc, char **argv) {
  int rc = 2;
  struct worker *wk = NULL;
  int nw = 0;
  char path[PATH_MAX_LEN];
  char *der_buf = NULL, *meta_buf = NULL;
  pthread_mutex_init(&g.mu, NULL);
  pthread_cond_init(&g.cv, NULL);
  atomic_init(&g.next_block, 0);
  if (!parse_args(argc, argv)) goto out;
  rc = 1;
  double t0 = now_secs();
  g.end = g.cfg.end;
  g.start = g.end - g.cfg.span_days * 86400;
  g.date_200 = const_date(BR_DATE_200_DAYS);
  g.date_sunset_4_2 = const_date(BR_DATE_SUNSET_4_2);
  g.est_issuances = (double)g.cfg.count / (1.0 + g.cfg.precert_ratio);
  if (!mkdir_p(g.cfg.out) || !init_oids() || !build_domains() || !build_subscribers()) goto out;
  struct rng car;
  rng_seed(&car, g.cfg.seed, 0xCA);
  if (!build_keys()) goto out;
  for (int i = 0; i < N_CA; i++)
    if (!build_ca(i, &car)) {
      errmsg("building CA %s failed", CA_SPECS[i].id);
      goto out;
    }
  double t_keys = now_secs();
  if (!write_ca_files()) goto out;
  if (g.cfg.write_keys && !write_key_pool()) goto out;
  if (g.cfg.pem) {
    snprintf(path, sizeof(path), "%s/pem", g.cfg.out);
    if (!mkdir_p(path)) goto out;
  }
  g.der_f = open_out(g.cfg.out, "certs.der", 0);
  g.meta_f = open_out(g.cfg.out, "metadata.jsonl", 0);
  der_buf = malloc(IO_BUF);
  meta_buf = malloc(IO_BUF);
  if (g.der_f == NULL || g.meta_f == NULL || der_buf == NULL || meta_buf == NULL) goto out;
  setvbuf(g.der_f, der_buf, _IOFBF, IO_BUF);
  setvbuf(g.meta_f, meta_buf, _IOFBF, IO_BUF);

  nw = g.cfg.threads;
  wk = calloc((size_t)nw, sizeof(*wk));
  if (wk == NULL) goto out;
  for (int i = 0; i < nw; i++) {
    wk[i].id = i;
    if (!worker_init_signers(&wk[i])) goto out;
  }
  double t1 = now_secs(), c1 = cpu_secs();
  int started = 0;
  for (int i = 0; i < nw; i++) {
    if (pthread_create(&wk[i].th, NULL, worker_main, &wk[i]) != 0) {
      errmsg("pthread_create failed");
      pthread_mutex_lock(&g.mu);
      g.done = g.failed = 1;
      pthread_cond_broadcast(&g.cv);
      pthread_mutex_unlock(&g.mu);
      break;
    }
    started++;
  }
  for (int i = 0; i < started; i++) pthread_join(wk[i].th, NULL);
  double t2 = now_secs(), c2 = cpu_secs();
  if (g.failed || g.written != g.cfg.count) {
    errmsg("generation failed after %" PRIu64 " certificates", g.written);
    goto out;
  }
  int ok = close_out(g.der_f, "certs.der");
  ok = close_out(g.meta_f, "metadata.jsonl") && ok;
  ok = close_out(g.pem_f, "PEM bundle") && ok;
  g.der_f = g.meta_f = g.pem_f = NULL;
  if (!ok || !write_summary(t2 - t1, c2 - c1)) goto out;
  if (!g.cfg.quiet) {
    double gen = t2 - t1, cpu = c2 - c1;
    printf("%s: %" PRIu64 " certificates (%" PRIu64 " precertificates; dv %" PRIu64 ", ov %" PRIu64 ", ev %" PRIu64
           ") in %.2f s with %d threads: %.0f certificates/s (%.2f CPU-s: %.0f certificates per CPU-second;"
           " setup %.2f s: %zu P-256 + %zu RSA pool keys)\n",
           g_prog, g.written, g.precerts_written, g.per_profile[P_DV], g.per_profile[P_OV], g.per_profile[P_EV], gen,
           nw, gen > 0 ? (double)g.written / gen : 0.0, cpu, cpu > 0 ? (double)g.written / cpu : 0.0, t_keys - t0,
           g.n_ec, g.n_rsa);
  }
  rc = 0;
out:
  if (g.der_f) fclose(g.der_f);
  if (g.meta_f) fclose(g.meta_f);
  if (g.pem_f) fclose(g.pem_f);
  free(der_buf);
  free(meta_buf);
  free_all(wk, nw);
  free(wk);
  return rc;
}
