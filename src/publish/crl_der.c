/* publish/crl_der.c: a DER writer for CRLs (RFC 5280 §5.1). It computes
 * every length first and then writes each byte once into one buffer, so a
 * CRL of a million entries is one allocation and one pass, without building
 * a million library objects (OpenSSL's X509_REVOKED path allocates several
 * objects per entry and sorts and re-encodes them).
 *
 * Encodings follow RFC 5280 and BR 7.2: v2 CRLs (BR 7.2.1); times in
 * UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §5.1.2.4);
 * revokedCertificates absent when empty (RFC 5280 §5.1.2.6); reasonCode
 * non-critical and never unspecified(0) (BR 7.2.2); invalidityDate as
 * GeneralizedTime (RFC 5280 §5.3.2); crlExtensions authorityKeyIdentifier
 * (keyIdentifier only), cRLNumber, and for partitions a critical
 * issuingDistributionPoint naming one URI (BR 7.2.2.1). */
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "crl_internal.h"
#include "pkiward/publish.h"
#include "pkiward/signer.h"

/* Largest DER element this writer produces (4-octet lengths). */
#define DER_MAX_LEN ((size_t)0xffffffffu)
/* Times representable by UTCTime / GeneralizedTime without fractions. */
#define TIME_MIN ((int64_t)-631152000)    /* 1950-01-01T00:00:00Z */
#define TIME_MAX ((int64_t)253402300799)  /* 9999-12-31T23:59:59Z */
#define UTCTIME_END ((int64_t)2524608000) /* 2050-01-01T00:00:00Z */

static const uint8_t OID_REASON[] = {0x06, 0x03, 0x55, 0x1d, 0x15};
static const uint8_t OID_INVALIDITY[] = {0x06, 0x03, 0x55, 0x1d, 0x18};
static const uint8_t OID_AKI[] = {0x06, 0x03, 0x55, 0x1d, 0x23};
static const uint8_t OID_CRL_NUMBER[] = {0x06, 0x03, 0x55, 0x1d, 0x14};
static const uint8_t OID_IDP[] = {0x06, 0x03, 0x55, 0x1d, 0x1c};

static size_t len_len(size_t n)
{
	return n < 0x80 ? 1 : n <= 0xff ? 2 : n <= 0xffff ? 3 : n <= 0xffffff ? 4 : 5;
}

/* Size of a whole element with content length n. */
static size_t tlv(size_t n)
{
	return 1 + len_len(n) + n;
}

static uint8_t *put_hdr(uint8_t *p, uint8_t tag, size_t n)
{
	*p++ = tag;
	if (n < 0x80) {
		*p++ = (uint8_t)n;
	} else {
		size_t k = len_len(n) - 1;
		*p++ = (uint8_t)(0x80 | k);
		while (k-- > 0)
			*p++ = (uint8_t)(n >> (8 * k));
	}
	return p;
}

static uint8_t *put(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
 * days_from_civil inverse), without gmtime's locking and table lookups. */
static void civil(int64_t t, int *y, unsigned *mo, unsigned *d, unsigned *h, unsigned *mi,
                  unsigned *s)
{
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	*h = (unsigned)(rem / 3600);
	*mi = (unsigned)(rem / 60 % 60);
	*s = (unsigned)(rem % 60);
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*mo = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*mo <= 2));
}

static uint8_t *put2(uint8_t *p, unsigned v)
{
	*p++ = (uint8_t)('0' + v / 10 % 10);
	*p++ = (uint8_t)('0' + v % 10);
	return p;
}

/* Time (RFC 5280 §5.1.2.4): UTCTime before 2050, else GeneralizedTime. */
static size_t time_size(int64_t t, int force_generalized)
{
	return (force_generalized || t >= UTCTIME_END) ? 17 : 15;
}

static uint8_t *put_time(uint8_t *p, int64_t t, int force_generalized)
{
	int y;
	unsigned mo, d, h, mi, s;
	civil(t, &y, &mo, &d, &h, &mi, &s);
	if (force_generalized || t >= UTCTIME_END) {
		*p++ = 0x18;
		*p++ = 15;
		p = put2(p, (unsigned)y / 100);
	} else {
		*p++ = 0x17;
		*p++ = 13;
	}
	p = put2(p, (unsigned)y % 100);
	p = put2(p, mo);
	p = put2(p, d);
	p = put2(p, h);
	p = put2(p, mi);
	p = put2(p, s);
	*p++ = 'Z';
	return p;
}

/* Minimal positive INTEGER contents of v (with a leading 0 when the top bit
 * is set). */
static size_t uint_bytes(uint64_t v, uint8_t out[9])
{
	uint8_t tmp[9];
	size_t n = 0;
	do {
		tmp[n++] = (uint8_t)v;
		v >>= 8;
	} while (v != 0);
	if (tmp[n - 1] & 0x80)
		tmp[n++] = 0;
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* ---- entries ---- */

/* reasonCode extension: SEQUENCE { OID, OCTET STRING { ENUMERATED } } */
#define REASON_EXT_SIZE 12
/* invalidityDate extension: SEQUENCE { OID, OCTET STRING { GeneralizedTime } } */
#define INVALIDITY_EXT_SIZE 26

static int entry_has_reason(const struct pw_crl_revoked *e)
{
	/* BR 7.2.2: unspecified (0) is expressed by omitting reasonCode. */
	return e->has_reason && e->reason != 0;
}

static size_t entry_exts_content(const struct pw_crl_revoked *e)
{
	return (entry_has_reason(e) ? REASON_EXT_SIZE : 0) +
	       (e->invalidity_date != 0 ? INVALIDITY_EXT_SIZE : 0);
}

static size_t entry_content(const struct pw_crl_revoked *e)
{
	size_t x = entry_exts_content(e);
	return tlv(e->serial_len) + time_size(e->revoked_at, 0) + (x ? tlv(x) : 0);
}

static uint8_t *put_entry(uint8_t *p, const struct pw_crl_revoked *e)
{
	size_t x = entry_exts_content(e);
	p = put_hdr(p, 0x30, entry_content(e));
	p = put_hdr(p, 0x02, e->serial_len);
	p = put(p, e->serial, e->serial_len);
	p = put_time(p, e->revoked_at, 0);
	if (x == 0)
		return p;
	p = put_hdr(p, 0x30, x);
	if (entry_has_reason(e)) {
		p = put_hdr(p, 0x30, 10);
		p = put(p, OID_REASON, sizeof OID_REASON);
		p = put_hdr(p, 0x04, 3);
		p = put_hdr(p, 0x0a, 1);
		*p++ = (uint8_t)e->reason;
	}
	if (e->invalidity_date != 0) {
		p = put_hdr(p, 0x30, 24);
		p = put(p, OID_INVALIDITY, sizeof OID_INVALIDITY);
		p = put_hdr(p, 0x04, 17);
		p = put_time(p, e->invalidity_date, 1);
	}
	return p;
}

static int check_entry(const struct pw_crl_revoked *e, size_t i, struct pw_error *err)
{
	if (e->serial == NULL || e->serial_len == 0 || e->serial_len > PW_STORE_MAX_SERIAL) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "entries", "entry %zu: serial of %zu octets "
		             "(1..%d)", i, e->serial_len, PW_STORE_MAX_SERIAL);
		return 0;
	}
	if (e->revoked_at < TIME_MIN || e->revoked_at > TIME_MAX ||
	    (e->invalidity_date != 0 && (e->invalidity_date < TIME_MIN ||
	                                 e->invalidity_date > TIME_MAX))) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "entries", "entry %zu: a date outside "
		             "1950..9999", i);
		return 0;
	}
	if (e->has_reason && e->reason > 10) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "entries", "entry %zu: CRLReason %u is not "
		             "defined (RFC 5280 §5.3.1)", i, e->reason);
		return 0;
	}
	return 1;
}

int pw_crl_revoked_cmp(const void *a, const void *b)
{
	const struct pw_crl_revoked *x = a, *y = b;
	const uint8_t *p = x->serial, *q = y->serial;
	size_t n = x->serial_len, m = y->serial_len;
	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	while (m > 1 && q[0] == 0) {
		q++;
		m--;
	}
	if (n != m)
		return n < m ? -1 : 1;
	return memcmp(p, q, n);
}

/* ---- sorting ----
 * A CRL of a million entries spends most of its build time sorting if the
 * sort compares serials through a callback. Each serial becomes a 64-bit
 * key (minimal length, then its first 7 octets: the order of
 * pw_crl_revoked_cmp on those bits), sorted by an LSD radix sort over
 * 16-bit digits (passes whose digit is the same in every key are skipped);
 * runs of equal keys, rare with random serials (BR 7.1: 64 bits of CSPRNG
 * output), are finished with an insertion sort by pw_crl_revoked_cmp. */

struct sort_key {
	uint64_t k;
	size_t i;
};

static uint64_t serial_key(const uint8_t *p, size_t n)
{
	uint64_t k;
	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	k = (uint64_t)(n > 255 ? 255 : n) << 56;
	for (size_t j = 0; j < 7 && j < n; j++)
		k |= (uint64_t)p[j] << (48 - 8 * j);
	return k;
}

/* The entry at index i of an array of records `stride` bytes apart, each
 * starting with a struct pw_crl_revoked. */
#define REC(base, stride, i) ((const struct pw_crl_revoked *)((const char *)(base) + (i) * (stride)))

int pw_crl_sort_perm(const void *base, size_t stride, size_t n, size_t *perm)
{
	struct sort_key *a = NULL, *b = NULL;
	size_t *count = NULL;
	int ok = 0;

	if (n == 0)
		return 1;
	a = malloc(n * sizeof *a);
	b = malloc(n * sizeof *b);
	count = malloc(65536 * sizeof *count);
	if (a == NULL || b == NULL || count == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct pw_crl_revoked *r = REC(base, stride, i);
		a[i].k = serial_key(r->serial, r->serial_len);
		a[i].i = i;
	}
	for (unsigned shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;
		unsigned d0 = (unsigned)(a[0].k >> shift) & 0xffff;
		int one_bucket = 1;
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned)(a[i].k >> shift) & 0xffff;
			count[d]++;
			one_bucket &= d == d0;
		}
		if (one_bucket)
			continue;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i].k >> shift) & 0xffff]++] = a[i];
		struct sort_key *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++)
		perm[i] = a[i].i;
	/* Equal keys: the serials agree on length and first 7 octets (the radix
	 * sort is stable, so ties come in input order); finish by comparison. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && a[j].k == a[i].k)
			j++;
		for (size_t x = i + 1; x < j; x++) {
			size_t v = perm[x], y = x;
			while (y > i && pw_crl_revoked_cmp(REC(base, stride, perm[y - 1]),
			                                   REC(base, stride, v)) > 0) {
				perm[y] = perm[y - 1];
				y--;
			}
			perm[y] = v;
		}
		i = j;
	}
	ok = 1;
out:
	free(a);
	free(b);
	free(count);
	return ok;
}

int pw_crl_revoked_sort(struct pw_crl_revoked *v, size_t n)
{
	size_t *perm;
	struct pw_crl_revoked *tmp;
	int ok = 0;
	if (n < 2)
		return 1;
	perm = malloc(n * sizeof *perm);
	tmp = malloc(n * sizeof *tmp);
	if (perm != NULL && tmp != NULL && pw_crl_sort_perm(v, sizeof *v, n, perm)) {
		for (size_t i = 0; i < n; i++)
			tmp[i] = v[perm[i]];
		memcpy(v, tmp, n * sizeof *v);
		ok = 1;
	}
	free(perm);
	free(tmp);
	return ok;
}

/* Grows b so that n more bytes fit; returns the write position or NULL. */
static uint8_t *reserve(struct pw_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->cap - b->len < n + 1) {
		size_t cap = b->len + n + 1;
		uint8_t *d = realloc(b->data, cap);
		if (d == NULL) {
			b->failed = 1;
			return NULL;
		}
		b->data = d;
		b->cap = cap;
	}
	return b->data + b->len;
}

/* Lengths of a TBSCertList, computed once and then written. */
struct tbs_layout {
	size_t revoked, exts, aki_ext, num_ext, idp_ext, idp_url_len, content, total, num_len;
	uint8_t num[9];
};

static int tbs_layout(const struct pw_crl_tbs *t, struct tbs_layout *L, struct pw_error *err)
{
	size_t revoked = 0, exts = 0, aki_ext = 0, num_ext = 0, idp_ext = 0, idp_url_len = 0;
	size_t content, total, i;
	uint8_t num[9];
	size_t num_len;

	if (t == NULL || t->sig_alg == NULL || t->sig_alg_len == 0 ||
	    t->issuer == NULL || t->issuer_len == 0 || (t->n_entries > 0 && t->entries == NULL)) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "incomplete CRL");
		return 0;
	}
	if (t->this_update < TIME_MIN || t->this_update > TIME_MAX ||
	    t->next_update <= t->this_update || t->next_update > TIME_MAX) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, "nextUpdate",
		             "thisUpdate/nextUpdate out of range or not in order");
		return 0;
	}
	/* BR 7.2.2: 0 <= cRLNumber < 2^159; a uint64 always fits. */
	num_len = uint_bytes(t->number, num);
	for (i = 0; i < t->n_entries; i++) {
		if (!check_entry(&t->entries[i], i, err))
			return 0;
		revoked += tlv(entry_content(&t->entries[i]));
		if (revoked > DER_MAX_LEN / 2) {
			pw_error_set(err, PW_ERR_LIMIT, 0, 0, "entries", "CRL too large");
			return 0;
		}
	}
	if (t->aki != NULL) {
		if (t->aki_len == 0 || t->aki_len > 64) {
			pw_error_set(err, PW_ERR_USAGE, 0, 0, "aki", "keyIdentifier of %zu octets",
			             t->aki_len);
			return 0;
		}
		/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING } */
		aki_ext = tlv(sizeof OID_AKI + tlv(tlv(tlv(t->aki_len))));
	}
	num_ext = tlv(sizeof OID_CRL_NUMBER + tlv(tlv(num_len)));
	if (t->idp_url != NULL) {
		idp_url_len = strlen(t->idp_url);
		if (idp_url_len == 0 || idp_url_len > PW_PUBLISH_URL_BUF) {
			pw_error_set(err, PW_ERR_USAGE, 0, 0, "idp", "IDP URL of %zu bytes", idp_url_len);
			return 0;
		}
		/* IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0]
		 * DistributionPointName { fullName [0] GeneralNames { [6] URI } } },
		 * critical (BOOLEAN TRUE = 01 01 ff). */
		idp_ext = tlv(sizeof OID_IDP + 3 + tlv(tlv(tlv(tlv(tlv(idp_url_len))))));
	}
	exts = aki_ext + num_ext + idp_ext;
	content = 3 /* version INTEGER 1 */ + t->sig_alg_len + t->issuer_len +
	          time_size(t->this_update, 0) + time_size(t->next_update, 0) +
	          (t->n_entries ? tlv(revoked) : 0) + tlv(tlv(exts));
	total = tlv(content);
	L->revoked = revoked;
	L->exts = exts;
	L->aki_ext = aki_ext;
	L->num_ext = num_ext;
	L->idp_ext = idp_ext;
	L->idp_url_len = idp_url_len;
	L->content = content;
	L->total = total;
	L->num_len = num_len;
	memcpy(L->num, num, sizeof num);
	return 1;
}

/* Writes the TBS laid out by tbs_layout at the end of b. */
static int encode_layout(const struct pw_crl_tbs *t, const struct tbs_layout *Lp, struct pw_buf *b,
                         struct pw_error *err)
{
	struct tbs_layout L = *Lp;
	size_t revoked, exts, idp_url_len, content, total, i, num_len;
	const uint8_t *num;
	uint8_t *p, *start;

	revoked = L.revoked;
	exts = L.exts;
	idp_url_len = L.idp_url_len;
	content = L.content;
	total = L.total;
	num = L.num;
	num_len = L.num_len;
	if ((start = p = reserve(b, total)) == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory (CRL of %zu bytes)", total);
		return 0;
	}
	p = put_hdr(p, 0x30, content);
	p = put_hdr(p, 0x02, 1);
	*p++ = 1; /* v2 (BR 7.2.1) */
	p = put(p, t->sig_alg, t->sig_alg_len);
	p = put(p, t->issuer, t->issuer_len);
	p = put_time(p, t->this_update, 0);
	p = put_time(p, t->next_update, 0);
	if (t->n_entries) {
		p = put_hdr(p, 0x30, revoked);
		for (i = 0; i < t->n_entries; i++)
			p = put_entry(p, &t->entries[i]);
	}
	p = put_hdr(p, 0xa0, tlv(exts));
	p = put_hdr(p, 0x30, exts);
	if (t->aki != NULL) {
		p = put_hdr(p, 0x30, sizeof OID_AKI + tlv(tlv(tlv(t->aki_len))));
		p = put(p, OID_AKI, sizeof OID_AKI);
		p = put_hdr(p, 0x04, tlv(tlv(t->aki_len)));
		p = put_hdr(p, 0x30, tlv(t->aki_len));
		p = put_hdr(p, 0x80, t->aki_len);
		p = put(p, t->aki, t->aki_len);
	}
	p = put_hdr(p, 0x30, sizeof OID_CRL_NUMBER + tlv(tlv(num_len)));
	p = put(p, OID_CRL_NUMBER, sizeof OID_CRL_NUMBER);
	p = put_hdr(p, 0x04, tlv(num_len));
	p = put_hdr(p, 0x02, num_len);
	p = put(p, num, num_len);
	if (t->idp_url != NULL) {
		p = put_hdr(p, 0x30, sizeof OID_IDP + 3 + tlv(tlv(tlv(tlv(tlv(idp_url_len))))));
		p = put(p, OID_IDP, sizeof OID_IDP);
		*p++ = 0x01;
		*p++ = 0x01;
		*p++ = 0xff;
		p = put_hdr(p, 0x04, tlv(tlv(tlv(tlv(idp_url_len)))));
		p = put_hdr(p, 0x30, tlv(tlv(tlv(idp_url_len))));
		p = put_hdr(p, 0xa0, tlv(tlv(idp_url_len)));
		p = put_hdr(p, 0xa0, tlv(idp_url_len));
		p = put_hdr(p, 0x86, idp_url_len);
		p = put(p, t->idp_url, idp_url_len);
	}
	if ((size_t)(p - start) != total) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "internal: CRL length mismatch");
		return 0;
	}
	b->len += total;
	return 1;
}

int pw_crl_encode_tbs(const struct pw_crl_tbs *t, struct pw_buf *b, struct pw_error *err)
{
	struct tbs_layout L;
	if (b == NULL) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL buffer");
		return 0;
	}
	if (!tbs_layout(t, &L, err))
		return 0;
	return encode_layout(t, &L, b, err);
}

enum pw_status pw_crl_encode_sign(const struct pw_crl_tbs *t, struct pw_signer *signer,
                                  struct pw_buf *out, struct pw_error *err)
{
	struct pw_crl_tbs tt;
	struct tbs_layout L;
	uint8_t sig[PW_CRL_SIG_MAX];
	size_t sig_len = 0, max_sig, content_max, hdr, content, hdr2;
	uint8_t *p;
	enum pw_status st;

	tt = *t;
	tt.sig_alg = pw_signer_get0_alg(signer, &tt.sig_alg_len);
	max_sig = pw_signer_max_sig_len(signer);
	if (max_sig > sizeof sig)
		return pw_error_set(err, PW_ERR_LIMIT, 0, 0, "signature", "signatures of %zu bytes",
		                    max_sig);
	if (!tbs_layout(&tt, &L, err))
		return err != NULL ? err->status : PW_ERR_USAGE;
	/* The CertificateList header goes in front of the TBS, which is signed
	 * in place: its size is known up to the signature's (ECDSA signatures
	 * vary by a few octets), so room for the largest header is kept. */
	content_max = L.total + tt.sig_alg_len + tlv(max_sig + 1);
	hdr = 1 + len_len(content_max);
	if (reserve(out, hdr + content_max) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory (CRL of %zu bytes)",
		                    hdr + content_max);
	out->len += hdr;
	if (!encode_layout(&tt, &L, out, err))
		return err != NULL ? err->status : PW_ERR_USAGE;
	st = pw_signer_sign(signer, out->data + out->len - L.total, L.total, sig, sizeof sig,
	                    &sig_len, err);
	if (st != PW_OK)
		return st;
	p = out->data + out->len;
	p = put(p, tt.sig_alg, tt.sig_alg_len);
	p = put_hdr(p, 0x03, sig_len + 1);
	*p++ = 0;
	p = put(p, sig, sig_len);
	out->len = (size_t)(p - out->data);
	content = L.total + tt.sig_alg_len + tlv(sig_len + 1);
	hdr2 = 1 + len_len(content);
	if (hdr2 != hdr) {
		/* A shorter header after all (the content crossed a length-octet
		 * boundary): move once. */
		memmove(out->data + hdr2, out->data + hdr, content);
		out->len = hdr2 + content;
	}
	put_hdr(out->data, 0x30, content);
	return PW_OK;
}

int pw_crl_encode_signed(const uint8_t *tbs, size_t tbs_len, const uint8_t *sig_alg,
                         size_t sig_alg_len, const uint8_t *sig, size_t sig_len,
                         struct pw_buf *b, struct pw_error *err)
{
	size_t content = tbs_len + sig_alg_len + tlv(sig_len + 1);
	size_t total = tlv(content);
	uint8_t *p, *start;
	if (tbs == NULL || sig_alg == NULL || sig == NULL) {
		pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
		return 0;
	}
	if ((start = p = reserve(b, total)) == NULL) {
		pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory (CRL of %zu bytes)", total);
		return 0;
	}
	p = put_hdr(p, 0x30, content);
	p = put(p, tbs, tbs_len);
	p = put(p, sig_alg, sig_alg_len);
	p = put_hdr(p, 0x03, sig_len + 1);
	*p++ = 0;
	p = put(p, sig, sig_len);
	b->len += (size_t)(p - start);
	return 1;
}
