/* pkiward lint — shared predicates (see lint_util.h for the semantics). */
#include "lint_util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- Dates ---- */

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : mdays[m - 1];
}

int pw_lint_parse_date(const char *ymd, int64_t *out)
{
	if (ymd == NULL || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-' ||
	    !is_digits(ymd, 4) || !is_digits(ymd + 5, 2) || !is_digits(ymd + 8, 2))
		return 0;
	int y = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 + (ymd[3] - '0');
	int m = (ymd[5] - '0') * 10 + (ymd[6] - '0');
	int d = (ymd[8] - '0') * 10 + (ymd[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return 0;
	*out = PW_LINT_YMD(y, m, d);
	return 1;
}

int64_t pw_lint_validity_seconds(const struct pw_cert *c)
{
	return c->not_after - c->not_before + 1;
}

int64_t pw_lint_validity_days(const struct pw_cert *c)
{
	int64_t s = pw_lint_validity_seconds(c);
	if (s <= 0)
		return s / PW_LINT_DAY_SECONDS;
	return (s + PW_LINT_DAY_SECONDS - 1) / PW_LINT_DAY_SECONDS;
}

/* ---- Roles ---- */

int pw_lint_is_ca(const struct pw_lint_ctx *ctx)
{
	return ctx->cert != NULL && ctx->cert->is_ca;
}

int pw_lint_is_self_signed(const struct pw_lint_ctx *ctx)
{
	return ctx->self_signed;
}

int pw_lint_is_root(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_ca(ctx) && ctx->self_signed;
}

int pw_lint_is_subca(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_ca(ctx) && !ctx->self_signed;
}

int pw_lint_is_subscriber(const struct pw_lint_ctx *ctx)
{
	return ctx->cert != NULL && !ctx->cert->is_ca && !ctx->self_signed;
}

int pw_lint_has_eku(const struct pw_cert *c, enum pw_oid eku)
{
	if (!c->x.eku.present)
		return 0;
	for (size_t i = 0; i < c->x.eku.n; i++)
		if (c->x.eku.ids[i] == eku)
			return 1;
	return 0;
}

int pw_lint_is_server_auth(const struct pw_cert *c)
{
	/* zlint IsServerAuthCert: no EKU at all means "any purpose". */
	if (!c->x.eku.present || c->x.eku.n == 0)
		return 1;
	for (size_t i = 0; i < c->x.eku.n; i++)
		if (c->x.eku.ids[i] == PW_OID_EKU_ANY || c->x.eku.ids[i] == PW_OID_EKU_SERVER_AUTH)
			return 1;
	/* A CABF TLS policy OID marks the certificate as a BR certificate even
	 * when its EKU does not say serverAuth (BR 7.1.6.1). */
	return pw_lint_has_policy(c, PW_OID_CABF_DV) || pw_lint_has_policy(c, PW_OID_CABF_OV) ||
	       pw_lint_has_policy(c, PW_OID_CABF_IV) || pw_lint_has_policy(c, PW_OID_CABF_EV);
}

int pw_lint_is_ocsp_responder(const struct pw_cert *c)
{
	return pw_lint_has_eku(c, PW_OID_EKU_OCSP_SIGNING);
}

/* Digest that goes with a signature algorithm; NULL with *ok = 1 for
 * algorithms that sign the message directly (Ed25519/Ed448). */
static const EVP_MD *sig_digest(enum pw_oid alg, int *ok)
{
	*ok = 1;
	switch (alg) {
	case PW_OID_MD5_WITH_RSA: return EVP_md5();
	case PW_OID_SHA1_WITH_RSA:
	case PW_OID_ECDSA_WITH_SHA1:
	case PW_OID_DSA_WITH_SHA1: return EVP_sha1();
	case PW_OID_SHA224_WITH_RSA:
	case PW_OID_ECDSA_WITH_SHA224: return EVP_sha224();
	case PW_OID_SHA256_WITH_RSA:
	case PW_OID_ECDSA_WITH_SHA256:
	case PW_OID_DSA_WITH_SHA256: return EVP_sha256();
	case PW_OID_SHA384_WITH_RSA:
	case PW_OID_ECDSA_WITH_SHA384: return EVP_sha384();
	case PW_OID_SHA512_WITH_RSA:
	case PW_OID_ECDSA_WITH_SHA512: return EVP_sha512();
	case PW_OID_ED25519:
	case PW_OID_ED448: return NULL;
	default: *ok = 0; return NULL;
	}
}

/* RSASSA-PSS carries its hash and salt in parameters: let OpenSSL decode
 * them. X509_verify also insists that the inner and outer algorithm
 * identifiers are equal, which zcrypto does not, so it is used only here. */
static int verify_with_x509(const struct pw_cert *c)
{
	const unsigned char *p = c->der.p;
	X509 *x = c->der.len <= LONG_MAX ? d2i_X509(NULL, &p, (long)c->der.len) : NULL;
	int ok = 0;
	if (x != NULL) {
		EVP_PKEY *pkey = X509_get0_pubkey(x);
		ok = pkey != NULL && X509_verify(x, pkey) == 1;
	}
	X509_free(x);
	return ok;
}

int pw_lint_compute_self_signed(const struct pw_cert *c)
{
	if (!c->is_self_issued)
		return 0;
	if (c->kind == PW_KIND_TBS)
		return 1; /* nothing to verify yet: judge by the names */
	int ok = 0, md_ok = 0;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *mctx = NULL;
	const EVP_MD *md = sig_digest(c->sig_alg_outer.id, &md_ok);
	const unsigned char *p = c->spki.raw.p;

	/* Only self-issued certificates get here (roots, some test
	 * certificates), so the OpenSSL cost never shows in bulk runs. Like
	 * zcrypto, the signature is checked with the outer signatureAlgorithm;
	 * an unverifiable signature means "not self-signed". */
	if (c->sig_alg_outer.id == PW_OID_RSASSA_PSS) {
		ok = verify_with_x509(c);
		goto out;
	}
	if (!md_ok || c->sig_unused_bits != 0 || c->spki.raw.len > LONG_MAX)
		goto out;
	pkey = d2i_PUBKEY(NULL, &p, (long)c->spki.raw.len);
	if (pkey == NULL)
		goto out;
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL || EVP_DigestVerifyInit(mctx, NULL, md, NULL, pkey) != 1)
		goto out;
	ok = EVP_DigestVerify(mctx, c->sig_value.p, c->sig_value.len, c->tbs.p, c->tbs.len) == 1;
out:
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return ok;
}

/* ---- Policies ---- */

int pw_lint_has_policy(const struct pw_cert *c, enum pw_oid id)
{
	if (!c->x.policies.present)
		return 0;
	for (size_t i = 0; i < c->x.policies.n; i++)
		if (c->x.policies.v[i].id == id)
			return 1;
	return 0;
}

int pw_lint_is_dv(const struct pw_cert *c) { return pw_lint_has_policy(c, PW_OID_CABF_DV); }
int pw_lint_is_ov(const struct pw_cert *c) { return pw_lint_has_policy(c, PW_OID_CABF_OV); }
int pw_lint_is_iv(const struct pw_cert *c) { return pw_lint_has_policy(c, PW_OID_CABF_IV); }

/* EV policy OIDs recognised as EV: the CABF OID plus CA-specific OIDs that
 * predate it (the same set zlint recognises, as data; these are public policy
 * identifiers from CA CPSes). */
static const char *const ev_policy_oids[] = {
	"2.23.140.1.1", "1.3.159.1.17.1", "1.3.6.1.4.1.34697.2.1", "1.3.6.1.4.1.34697.2.2",
	"1.3.6.1.4.1.34697.2.3", "1.3.6.1.4.1.34697.2.4", "1.2.40.0.17.1.22",
	"2.16.578.1.26.1.3.3", "1.3.6.1.4.1.17326.10.14.2.1.2", "1.3.6.1.4.1.17326.10.8.2.1.2",
	"1.3.6.1.4.1.6449.1.2.1.5.1", "2.16.840.1.114412.2.1", "2.16.840.1.114412.1.3.0.2",
	"2.16.528.1.1001.1.1.1.12.6.1.1.1", "2.16.792.3.0.4.1.1.4", "2.16.840.1.114028.10.1.2",
	"0.4.0.2042.1.4", "0.4.0.2042.1.5", "1.3.6.1.4.1.13177.10.1.3.10", "1.3.6.1.4.1.14370.1.6",
	"1.3.6.1.4.1.4146.1.1", "2.16.840.1.114413.1.7.23.3", "1.3.6.1.4.1.14777.6.1.1",
	"2.16.792.1.2.1.1.5.7.1.9", "1.3.6.1.4.1.782.1.2.1.8.1", "1.3.6.1.4.1.22234.2.5.2.3.1",
	"1.3.6.1.4.1.8024.0.2.100.1.2", "1.2.392.200091.100.721.1", "2.16.840.1.114414.1.7.23.3",
	"1.3.6.1.4.1.23223.2", "1.3.6.1.4.1.23223.1.1.1", "2.16.756.1.83.21.0",
	"2.16.756.1.89.1.2.1.1", "1.3.6.1.4.1.7879.13.24.1", "2.16.840.1.113733.1.7.48.1",
	"2.16.840.1.114404.1.1.2.4.1", "2.16.840.1.113733.1.7.23.6", "1.3.6.1.4.1.6334.1.100.1",
	"2.16.840.1.114171.500.9", "1.3.6.1.4.1.36305.2",
};

/* Writes the dotted form of OID contents into buf; 0 if it does not fit or
 * the encoding is bad (the parser already checked it). */
static int oid_to_dotted(const struct pw_der *oid, char *buf, size_t buflen)
{
	size_t pos = 0;
	uint64_t v = 0;
	int first = 1;
	if (oid->len == 0)
		return 0;
	for (size_t i = 0; i < oid->len; i++) {
		if (v > (UINT64_MAX >> 7))
			return 0;
		v = (v << 7) | (oid->p[i] & 0x7Fu);
		if (oid->p[i] & 0x80u)
			continue;
		int w;
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
			w = snprintf(buf + pos, buflen - pos, "%u.%llu", a,
			             (unsigned long long)(v - 40u * a));
			first = 0;
		} else {
			w = snprintf(buf + pos, buflen - pos, ".%llu", (unsigned long long)v);
		}
		if (w < 0 || (size_t)w >= buflen - pos)
			return 0;
		pos += (size_t)w;
		v = 0;
	}
	return 1;
}

int pw_lint_is_ev_policy_oid(const struct pw_der *oid)
{
	char dotted[PW_DER_OID_TEXT_MAX];
	if (!oid_to_dotted(oid, dotted, sizeof dotted))
		return 0;
	for (size_t i = 0; i < sizeof ev_policy_oids / sizeof ev_policy_oids[0]; i++)
		if (strcmp(dotted, ev_policy_oids[i]) == 0)
			return 1;
	return 0;
}

int pw_lint_is_ev(const struct pw_cert *c)
{
	if (!c->x.policies.present)
		return 0;
	for (size_t i = 0; i < c->x.policies.n; i++) {
		const struct pw_policy *p = &c->x.policies.v[i];
		if (p->id == PW_OID_CABF_EV)
			return 1;
		/* Known table ids other than EV are never in the EV list. */
		if (p->id == PW_OID_UNKNOWN && pw_lint_is_ev_policy_oid(&p->oid))
			return 1;
	}
	return 0;
}

/* ---- Extensions and names ---- */

int pw_lint_has_ext(const struct pw_cert *c, enum pw_oid id)
{
	for (size_t i = 0; i < c->n_exts; i++)
		if (c->exts[i].id == id)
			return 1;
	return 0;
}

int pw_lint_has_ext_oid(const struct pw_cert *c, const uint8_t *oid, size_t oid_len)
{
	for (size_t i = 0; i < c->n_exts; i++)
		if (c->exts[i].oid.len == oid_len && memcmp(c->exts[i].oid.p, oid, oid_len) == 0)
			return 1;
	return 0;
}

int pw_lint_name_has(const struct pw_name *n, enum pw_oid id)
{
	return pw_lint_name_get0(n, id) != NULL;
}

size_t pw_lint_name_count(const struct pw_name *n, enum pw_oid id)
{
	size_t k = 0;
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id)
			k++;
	return k;
}

const struct pw_attr *pw_lint_name_get0(const struct pw_name *n, enum pw_oid id)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id)
			return &n->attrs[i];
	return NULL;
}

size_t pw_lint_san_count(const struct pw_cert *c, enum pw_gn_type type)
{
	size_t k = 0;
	if (!c->x.san.present)
		return 0;
	for (size_t i = 0; i < c->x.san.names.n; i++)
		if (c->x.san.names.v[i].type == type)
			k++;
	return k;
}

/* ---- Byte strings ---- */

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static int mem_eq_ci(const uint8_t *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int pw_lint_der_eq(const struct pw_der *d, const char *s)
{
	size_t n = strlen(s);
	return d->len == n && (n == 0 || memcmp(d->p, s, n) == 0);
}

int pw_lint_der_eq_ci(const struct pw_der *d, const char *s)
{
	size_t n = strlen(s);
	return d->len == n && mem_eq_ci(d->p, s, n);
}

int pw_lint_der_has_prefix_ci(const struct pw_der *d, const char *prefix)
{
	size_t n = strlen(prefix);
	return d->len >= n && mem_eq_ci(d->p, prefix, n);
}

int pw_lint_der_has_suffix_ci(const struct pw_der *d, const char *suffix)
{
	size_t n = strlen(suffix);
	return d->len >= n && mem_eq_ci(d->p + d->len - n, suffix, n);
}

char *pw_lint_der_to_cstr(const struct pw_der *d, char *buf, size_t buflen)
{
	size_t i = 0;
	if (buflen == 0)
		return buf;
	for (; i < d->len && i + 1 < buflen; i++)
		buf[i] = d->p[i] >= 0x20 && d->p[i] < 0x7F ? (char)d->p[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* ---- DNS ---- */

int pw_lint_has_reserved_label_prefix(const uint8_t *p, size_t n)
{
	return n >= 4 && p[2] == '-' && p[3] == '-';
}

int pw_lint_has_xn_label_prefix(const uint8_t *p, size_t n)
{
	return n >= 4 && lower(p[0]) == 'x' && lower(p[1]) == 'n' && p[2] == '-' && p[3] == '-';
}

static int is_ldh_char(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-';
}

int pw_lint_is_ldh_label(const uint8_t *p, size_t n)
{
	if (n == 0 || n > PW_LINT_DNS_LABEL_MAX || p[0] == '-' || p[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_ldh_char(p[i]))
			return 0;
	return !pw_lint_has_reserved_label_prefix(p, n) || pw_lint_has_xn_label_prefix(p, n);
}

int pw_lint_for_each_label(const struct pw_der *name,
                           int (*fn)(const uint8_t *label, size_t len, void *arg), void *arg)
{
	size_t start = 0;
	for (size_t i = 0; i <= name->len; i++) {
		if (i == name->len || name->p[i] == '.') {
			if (!fn(name->p + start, i - start, arg))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

int pw_lint_is_valid_dns_name(const struct pw_der *name, int allow_wildcard)
{
	size_t start = 0;
	if (name->len == 0 || name->len > PW_LINT_DNS_NAME_MAX)
		return 0;
	if (allow_wildcard && name->len >= 2 && name->p[0] == '*' && name->p[1] == '.')
		start = 2;
	for (size_t i = start; i <= name->len; i++) {
		if (i == name->len || name->p[i] == '.') {
			size_t n = i - start;
			if (n == 0 || n > PW_LINT_DNS_LABEL_MAX || name->p[start] == '-' ||
			    name->p[i - 1] == '-')
				return 0;
			for (size_t j = start; j < i; j++)
				if (!is_ldh_char(name->p[j]))
					return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* ---- Results ---- */

enum pw_lint_status pw_lint_fail(enum pw_lint_status status, char *details, size_t details_len,
                                 const char *fmt, ...)
{
	if (details != NULL && details_len > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(details, details_len, fmt, ap);
		va_end(ap);
	}
	return status;
}
