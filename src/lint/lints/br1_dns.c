/* pkiward — BR lints on the DNS names a certificate asserts (subject
 * commonName and SAN dNSName): label syntax (BR 7.1.4.2.1 / 7.1.2.7.12,
 * RFC 1035 §2.3.4), wildcards (BR 1.6.1 "Wildcard Domain Name"), TLDs
 * (BR 3.2.2.4, 1.6.1 "Base Domain Name"), reverse zones (BR 4.2.2),
 * underscores (BR 7.1.4.2.1 since 1.6.2) and the Tor service descriptor
 * extension for .onion names (BR Appendix C, Ballots 201 and SC27). */
#include <string.h>

#include "br1_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* Onion names with more .onion subjects or descriptors than this are
 * checked against the first ones only (a certificate has few). */
#define ONION_MAX 64
/* A v2 onion address label: 16 base32 characters (80 bits, Tor rend-spec
 * v2); a v3 address label is 56. */
#define ONION_V2_LABEL 16

static int applies_subscriber_dns(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx) && br1_dns_names_exist(ctx->cert);
}

/* Walks the labels of a name: calls fn(label, len, index, arg); stops when
 * fn returns non-zero and returns that value. */
static int each_label(const uint8_t *p, size_t n,
                      int (*fn)(const uint8_t *l, size_t ln, size_t idx, void *arg), void *arg)
{
	size_t start = 0, i, idx = 0;
	int r;

	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '.') {
			r = fn(p + start, i - start, idx++, arg);
			if (r != 0)
				return r;
			start = i + 1;
		}
	}
	return 0;
}

/* ---- e_arpa_domain_not_allowed (BR 4.2.2) ---- */

static int applies_subscriber(const struct pw_lint_ctx *ctx)
{
	return pw_lint_is_subscriber(ctx);
}

static int is_reverse_zone(void *arg, const uint8_t *name, size_t len)
{
	(void)arg;
	return br1_iends_with(name, len, ".in-addr.arpa") || br1_iends_with(name, len, ".ip6.arpa");
}

/* BR 4.2.2: no Domain Name ending in an IP Reverse Zone Suffix. */
static enum pw_lint_status check_arpa(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (br1_for_each_dns(ctx->cert, 0, is_reverse_zone, NULL)) {
		br1_detail(details, len, "a dNSName ends in an IP reverse zone suffix (.arpa)");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_dnsname_bad_character_in_label (BR 7.1.4.2) ---- */

static int label_char_ok(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '*' || ch == '_' || ch == '-';
}

/* The name is an optional "*." then any "?." redaction labels, then labels
 * of letters, digits, '-', '_' and '*' (the last may be empty). */
static int bad_characters(void *arg, const uint8_t *p, size_t n)
{
	size_t i = 0;

	(void)arg;
	if (n >= 2 && p[0] == '*' && p[1] == '.')
		i = 2;
	while (i + 1 < n && p[i] == '?' && p[i + 1] == '.')
		i += 2;
	for (; i < n; i++) {
		if (p[i] == '.') {
			if (i == 0 || p[i - 1] == '.')
				return 1; /* an empty label before a dot */
			continue;
		}
		if (!label_char_ok(p[i]))
			return 1;
	}
	return 0;
}

static enum pw_lint_status check_bad_chars(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (br1_for_each_dns(ctx->cert, 1, bad_characters, NULL)) {
		br1_detail(details, len, "a DNS name has a character outside letters, digits, '-', "
		           "'_' and '*'");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_dnsname_contains_bare_iana_suffix (BR 1.6.1) ---- */

static int is_bare_tld(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	return br1_tld_find(p, n) != NULL;
}

/* A DNS name that is only a TLD has no Base Domain Name to validate. */
static enum pw_lint_status check_bare_suffix(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (br1_for_each_dns(ctx->cert, 1, is_bare_tld, NULL)) {
		br1_detail(details, len, "a DNS name is a bare top-level domain");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_dnsname_contains_prohibited_reserved_label (BR 7.1.4.2.1) ---- */

static int reserved_label(const uint8_t *l, size_t n, size_t idx, void *arg)
{
	(void)idx;
	(void)arg;
	return n >= 4 && l[2] == '-' && l[3] == '-' && !br1_istarts_with(l, n, "xn--");
}

static int has_reserved_label(void *arg, const uint8_t *p, size_t n)
{
	return each_label(p, n, reserved_label, arg);
}

/* Labels whose third and fourth characters are "--" are reserved (RFC 5890
 * R-LDH); only "xn--" (P-Labels) may appear in an FQDN. */
static enum pw_lint_status check_reserved_label(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	if (br1_for_each_dns(ctx->cert, 0, has_reserved_label, NULL)) {
		br1_detail(details, len, "a dNSName has a reserved label (third and fourth characters \"--\", not xn--)");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_dnsname_empty_label / e_dnsname_label_too_long ---- */

static int empty_label(const uint8_t *l, size_t n, size_t idx, void *arg)
{
	(void)l;
	(void)idx;
	(void)arg;
	return n == 0;
}

static int has_empty_label(void *arg, const uint8_t *p, size_t n)
{
	return each_label(p, n, empty_label, arg);
}

static enum pw_lint_status check_empty_label(const struct pw_lint_ctx *ctx, char *details,
                                             size_t len)
{
	if (br1_for_each_dns(ctx->cert, 1, has_empty_label, NULL)) {
		br1_detail(details, len, "a DNS name has an empty label");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int long_label(const uint8_t *l, size_t n, size_t idx, void *arg)
{
	(void)l;
	(void)idx;
	(void)arg;
	return n > BR1_DNS_LABEL_MAX;
}

static int has_long_label(void *arg, const uint8_t *p, size_t n)
{
	return each_label(p, n, long_label, arg);
}

static enum pw_lint_status check_label_length(const struct pw_lint_ctx *ctx, char *details,
                                              size_t len)
{
	if (br1_for_each_dns(ctx->cert, 1, has_long_label, NULL)) {
		br1_detail(details, len, "a DNS name has a label longer than 63 octets");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- registrable-label checks (hyphen / underscore in the "SLD") ---- */

/* Returns 1 when a name's registrable label breaks the rule, 2 when the
 * name has no registrable label (the lint cannot judge it: NA). */
enum { SLD_OK = 0, SLD_BAD = 1, SLD_UNPARSED = 2 };

static int sld_hyphen(void *arg, const uint8_t *p, size_t n)
{
	const uint8_t *s;
	size_t sl;

	(void)arg;
	if (!br1_psl_sld(p, n, &s, &sl))
		return SLD_UNPARSED;
	return sl > 0 && (s[0] == '-' || s[sl - 1] == '-') ? SLD_BAD : SLD_OK;
}

static int sld_underscore(void *arg, const uint8_t *p, size_t n)
{
	const uint8_t *s;
	size_t sl;

	(void)arg;
	if (!br1_psl_sld(p, n, &s, &sl))
		return SLD_UNPARSED;
	return memchr(s, '_', sl) != NULL ? SLD_BAD : SLD_OK;
}

static enum pw_lint_status sld_verdict(int r, const char *what, char *details, size_t len)
{
	if (r == SLD_UNPARSED)
		return PW_LINT_NA;
	if (r == SLD_BAD) {
		br1_detail(details, len, "the registrable label of a DNS name %s", what);
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* BR 7.1.4.2.1 (LDH labels, RFC 1034 §3.5): a label neither starts nor
 * ends with a hyphen; checked on the label left of the public suffix. */
static enum pw_lint_status check_hyphen_sld(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	return sld_verdict(br1_for_each_dns(ctx->cert, 1, sld_hyphen, NULL),
	                   "starts or ends with a hyphen", details, len);
}

/* BR 7.1.4.2.1: underscores are not allowed in the registrable label. */
static enum pw_lint_status check_underscore_sld(const struct pw_lint_ctx *ctx, char *details,
                                                size_t len)
{
	return sld_verdict(br1_for_each_dns(ctx->cert, 1, sld_underscore, NULL),
	                   "contains an underscore", details, len);
}

/* ---- wildcards (BR 1.6.1) ---- */

/* All names, including a commonName that is empty or an IP address (they
 * cannot hold a '*' anyway). */
static int for_all_names(const struct pw_cert *c,
                         int (*fn)(void *arg, const uint8_t *name, size_t len), void *arg)
{
	char buf[BR1_CN_BUF];
	const uint8_t *cn;
	size_t cn_len, i;
	int r;

	br1_subject_cn_bytes(c, buf, sizeof buf, &cn, &cn_len);
	r = fn(arg, cn, cn_len);
	if (r != 0)
		return r;
	for (i = 0; i < c->x.san.names.n; i++) {
		if (c->x.san.names.v[i].type != PW_GN_DNS)
			continue;
		r = fn(arg, c->x.san.names.v[i].value.p, c->x.san.names.v[i].value.len);
		if (r != 0)
			return r;
	}
	return 0;
}

/* A wildcard label is exactly "*" (BR 1.6.1 "Wildcard Domain Name": "*."
 * prepended to an FQDN). */
static int bad_left_wildcard(void *arg, const uint8_t *p, size_t n)
{
	size_t i = 0;

	(void)arg;
	while (i < n && p[i] != '.')
		i++;
	return memchr(p, '*', i) != NULL && !(i == 1 && p[0] == '*');
}

static enum pw_lint_status check_left_wildcard(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	if (for_all_names(ctx->cert, bad_left_wildcard, NULL)) {
		br1_detail(details, len, "a wildcard left label is not exactly \"*\"");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

static int wildcard_beyond_left(void *arg, const uint8_t *p, size_t n)
{
	const uint8_t *dot;

	(void)arg;
	dot = memchr(p, '.', n);
	if (dot == NULL)
		return 0;
	return memchr(dot + 1, '*', n - (size_t)(dot + 1 - p)) != NULL;
}

static enum pw_lint_status check_wildcard_left_only(const struct pw_lint_ctx *ctx, char *details,
                                                    size_t len)
{
	if (for_all_names(ctx->cert, wildcard_beyond_left, NULL)) {
		br1_detail(details, len, "a '*' appears outside the left-most label");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_dnsname_not_valid_tld (BR 3.2.2.4) ---- */

static int invalid_tld(void *arg, const uint8_t *p, size_t n)
{
	const struct pw_cert *c = arg;
	const struct br1_tld *t;
	size_t i = n;

	while (i > 0 && p[i - 1] != '.')
		i--;
	t = br1_tld_find(p + i, n - i);
	if (t == NULL)
		return 1;
	/* The TLD must have been delegated in the root zone when the
	 * certificate became valid. */
	if (c->not_before < t->delegated)
		return 1;
	if (t->has_removed && c->not_before > t->removed)
		return 1;
	return 0;
}

static enum pw_lint_status check_valid_tld(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	if (br1_for_each_dns(ctx->cert, 1, invalid_tld, (void *)ctx->cert)) {
		br1_detail(details, len, "a DNS name's TLD was not delegated at notBefore");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_no_underscores_before_1_6_2 ---- */

static int has_underscore(void *arg, const uint8_t *p, size_t n)
{
	(void)arg;
	return memchr(p, '_', n) != NULL;
}

/* Before BR 1.6.2, RFC 5280's preferred name syntax applied: no '_'. */
static enum pw_lint_status check_no_underscore(const struct pw_lint_ctx *ctx, char *details,
                                               size_t len)
{
	if (br1_for_each_dns(ctx->cert, 0, has_underscore, NULL)) {
		br1_detail(details, len, "a dNSName contains an underscore");
		return PW_LINT_ERROR;
	}
	return PW_LINT_PASS;
}

/* ---- e_ext_tor_service_descriptor_hash_invalid (BR Appendix C) ---- */

/* All subject names (SAN dNSNames, then the commonName, even when empty). */
struct name_list {
	const uint8_t *p[ONION_MAX];
	size_t n[ONION_MAX];
	size_t count;
};

static void collect_names(const struct pw_cert *c, struct name_list *out, char *cn, size_t cn_cap)
{
	size_t i, cn_len;

	out->count = 0;
	for (i = 0; i < c->x.san.names.n && out->count < ONION_MAX - 1; i++) {
		if (c->x.san.names.v[i].type != PW_GN_DNS)
			continue;
		out->p[out->count] = c->x.san.names.v[i].value.p;
		out->n[out->count++] = c->x.san.names.v[i].value.len;
	}
	br1_subject_cn_bytes(c, cn, cn_cap, &out->p[out->count], &cn_len);
	out->n[out->count++] = cn_len;
}

static int base32_char(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7');
}

/* A v2 onion name: ends with "onion", has at least two labels, and its
 * first label is 16 lowercase base32 characters. */
static int is_onion_v2(const uint8_t *p, size_t n)
{
	size_t i;

	if (n < 5 || memcmp(p + n - 5, "onion", 5) != 0 || memchr(p, '.', n) == NULL)
		return 0;
	for (i = 0; i < n && p[i] != '.'; i++)
		if (!base32_char(p[i]))
			return 0;
	return i == ONION_V2_LABEL;
}

static int ends_with_dot_onion(const uint8_t *p, size_t n)
{
	return n >= 6 && memcmp(p + n - 6, ".onion", 6) == 0;
}

static int has_ev_policy(const struct pw_cert *c)
{
	return pw_lint_is_ev(c);
}

static int applies_tor(const struct pw_lint_ctx *ctx)
{
	const struct pw_cert *c = ctx->cert;
	struct name_list names;
	char cn[BR1_CN_BUF];
	int in_onion = 0, v2 = 0;
	size_t i;

	if (pw_lint_has_ext(c, PW_OID_EXT_TOR_SERVICE_DESCRIPTOR))
		return 1;
	if (!pw_lint_is_subscriber(ctx))
		return 0;
	collect_names(c, &names, cn, sizeof cn);
	for (i = 0; i < names.count; i++) {
		if (ends_with_dot_onion(names.p[i], names.n[i]))
			in_onion = 1;
		if (is_onion_v2(names.p[i], names.n[i]))
			v2 = 1;
	}
	/* The EV policy test (dotted OID comparisons) only when it matters. */
	return in_onion && v2 && has_ev_policy(c);
}

/* One TorServiceDescriptorHash (BR Appendix C): onionURI UTF8String,
 * algorithm AlgorithmIdentifier, subjectPublicKeyHash BIT STRING. */
struct tor_desc {
	struct pw_der uri, host;
	enum pw_oid alg;
	size_t hash_bits;
};

/* Whether a URI reads as one: no control characters, no space, no bytes
 * outside ASCII (an IRI is not a URI), well-formed %-escapes (RFC 3986). */
static int url_like(const struct pw_der *u)
{
	size_t i;

	for (i = 0; i < u->len; i++) {
		uint8_t ch = u->p[i];
		if (ch <= 0x20 || ch >= 0x7F)
			return 0;
		if (ch == '%' && (i + 2 >= u->len || !br1_is_hex(u->p[i + 1]) ||
		                  !br1_is_hex(u->p[i + 2])))
			return 0;
	}
	return 1;
}

/* Splits "scheme://host[:port]/..." into its host; returns 0 when the URI
 * has no authority or an empty host. */
static int uri_host(const struct pw_der *u, struct pw_der *host, int *https)
{
	const uint8_t *s;
	size_t sl, i, start;

	*https = 0;
	if (!br1_uri_scheme(u->p, u->len, &s, &sl))
		return 0;
	*https = br1_ieq(s, sl, "https");
	start = sl + 1;
	if (u->len - start < 2 || u->p[start] != '/' || u->p[start + 1] != '/')
		return 0;
	start += 2;
	for (i = start; i < u->len; i++)
		if (u->p[i] == '/' || u->p[i] == '?' || u->p[i] == '#')
			break;
	host->p = u->p + start;
	host->len = i - start;
	host->off = 0;
	/* userinfo@ and :port are not part of the hostname. */
	for (i = host->len; i > 0; i--)
		if (host->p[i - 1] == '@') {
			host->p += i;
			host->len -= i;
			break;
		}
	for (i = 0; i < host->len; i++)
		if (host->p[i] == ':') {
			host->len = i;
			break;
		}
	return host->len > 0;
}

static size_t decode_tor_descs(const struct pw_ext *e, struct tor_desc *out, size_t max, int *ok)
{
	struct pw_der d = e->value, seq, item, alg_seq, alg_oid, bits;
	struct pw_error err;
	unsigned unused;
	size_t n = 0;

	*ok = 0;
	if (!pw_der_get(&d, PW_DER_SEQUENCE, &seq, &err) || pw_der_len(&d) != 0)
		return 0;
	while (pw_der_len(&seq) > 0) {
		struct tor_desc t;
		if (!pw_der_get(&seq, PW_DER_SEQUENCE, &item, &err) ||
		    !pw_der_get(&item, PW_DER_UTF8_STRING, &t.uri, &err) ||
		    !pw_der_get(&item, PW_DER_SEQUENCE, &alg_seq, &err) ||
		    !pw_der_get_oid(&alg_seq, &alg_oid, &err) ||
		    !pw_der_get_bit_string(&item, &bits, &unused, &err) || pw_der_len(&item) != 0)
			return n;
		t.alg = pw_oid_lookup(&alg_oid);
		t.hash_bits = bits.len * 8 - unused;
		if (n < max)
			out[n] = t;
		n++;
	}
	*ok = 1;
	return n > max ? max : n;
}

static size_t expected_hash_bits(enum pw_oid alg)
{
	switch (alg) {
	case PW_OID_SHA256: return 256;
	case PW_OID_SHA384: return 384;
	case PW_OID_SHA512: return 512;
	default: return 0;
	}
}

/* The last two labels of an onion name (its ".onion" eTLD+1). */
static int onion_etld1(const uint8_t *p, size_t n, struct pw_der *out)
{
	size_t i = n, dots = 0;

	while (i > 0) {
		if (p[i - 1] == '.' && ++dots == 2)
			break;
		i--;
	}
	if (dots == 0)
		return 0;
	out->p = p + i;
	out->len = n - i;
	out->off = 0;
	return 1;
}

/* BR Appendix C: a certificate for a .onion name carries the
 * TorServiceDescriptor extension, each descriptor an https onion URI with a
 * SHA-256/384/512 hash of the full length, one per onion host, each host a
 * subject name; for EV, every onion subject has its descriptor. */
static enum pw_lint_status check_tor(const struct pw_lint_ctx *ctx, char *details, size_t len)
{
	const struct pw_cert *c = ctx->cert;
	const struct pw_ext *e = pw_cert_get0_ext(c, PW_OID_EXT_TOR_SERVICE_DESCRIPTOR);
	struct tor_desc descs[ONION_MAX];
	struct pw_der etld1[ONION_MAX];
	struct name_list names;
	char cn[BR1_CN_BUF];
	size_t n_desc, n_etld = 0, i, j;
	int ok;

	if (e == NULL) {
		br1_detail(details, len, "a .onion name without the TorServiceDescriptor extension");
		return PW_LINT_ERROR;
	}
	n_desc = decode_tor_descs(e, descs, ONION_MAX, &ok);
	if (!ok || n_desc == 0) {
		br1_detail(details, len, "the TorServiceDescriptor extension holds no descriptor");
		return PW_LINT_ERROR;
	}
	collect_names(c, &names, cn, sizeof cn);
	for (i = 0; i < names.count; i++) {
		if (!ends_with_dot_onion(names.p[i], names.n[i]))
			continue;
		if (!onion_etld1(names.p[i], names.n[i], &etld1[n_etld])) {
			br1_detail(details, len, "a .onion name with too few labels");
			return PW_LINT_ERROR;
		}
		n_etld++;
	}
	for (i = 0; i < n_desc; i++) {
		struct tor_desc *t = &descs[i];
		int https, found = 0;
		if (!url_like(&t->uri) || !uri_host(&t->uri, &t->host, &https)) {
			br1_detail(details, len, "descriptor %zu has an onion URI without a host", i);
			return PW_LINT_ERROR;
		}
		if (!https) {
			br1_detail(details, len, "descriptor %zu has a non-https onion URI", i);
			return PW_LINT_ERROR;
		}
		if (expected_hash_bits(t->alg) == 0) {
			br1_detail(details, len, "descriptor %zu uses an unknown hash algorithm", i);
			return PW_LINT_ERROR;
		}
		if (expected_hash_bits(t->alg) != t->hash_bits) {
			br1_detail(details, len, "descriptor %zu has a %zu-bit hash for %s", i,
			           t->hash_bits, pw_oid_name(t->alg));
			return PW_LINT_ERROR;
		}
		for (j = 0; j < i; j++) {
			if (pw_der_equal(&descs[j].host, &t->host)) {
				br1_detail(details, len, "two descriptors for the same onion host");
				return PW_LINT_ERROR;
			}
		}
		for (j = 0; j < n_etld; j++)
			if (pw_der_equal(&etld1[j], &t->host))
				found = 1;
		if (!found) {
			br1_detail(details, len, "descriptor %zu names a host that is not a subject name", i);
			return PW_LINT_ERROR;
		}
	}
	if (has_ev_policy(c)) {
		for (j = 0; j < n_etld; j++) {
			int found = 0;
			for (i = 0; i < n_desc; i++)
				if (pw_der_equal(&etld1[j], &descs[i].host))
					found = 1;
			if (!found) {
				br1_detail(details, len, "an onion subject name has no service descriptor");
				return PW_LINT_ERROR;
			}
		}
	}
	return PW_LINT_PASS;
}

static const struct pw_lint_def defs[] = {
	{"e_arpa_domain_not_allowed", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 4.2.2",
	 "Subscriber certificates must not contain domain names under an IP reverse zone "
	 "(in-addr.arpa, ip6.arpa).",
	 "2026-03-15", NULL, applies_subscriber, check_arpa, 0},
	{"e_dnsname_bad_character_in_label", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.4.2",
	 "DNS names may only use letters, digits, hyphens, underscores and wildcard asterisks in "
	 "their labels.",
	 "2012-07-01", NULL, applies_subscriber_dns, check_bad_chars, 0},
	{"e_dnsname_contains_bare_iana_suffix", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 1.6.1",
	 "A DNS name must not consist of a bare IANA top-level domain.",
	 "2012-07-01", NULL, applies_subscriber_dns, check_bare_suffix, 0},
	{"e_dnsname_contains_prohibited_reserved_label", PW_LINT_ERROR, PW_SRC_CABF_BR,
	 PW_TARGET_CERT, "BR 7.1.4.2.1",
	 "FQDN labels must be P-Labels or non-reserved LDH labels: a label with \"--\" in positions 3-4 must be an "
	 "\"xn--\" label.",
	 "2021-10-01", NULL, applies_subscriber_dns, check_reserved_label, 0},
	{"e_dnsname_empty_label", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.2",
	 "DNS names must not contain empty labels.",
	 "2012-07-01", NULL, applies_subscriber_dns, check_empty_label, 0},
	{"e_dnsname_hyphen_in_sld", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 7.1.4.2",
	 "The registrable label of a DNS name must not begin or end with a hyphen.",
	 "2008-05-01", NULL, applies_subscriber_dns, check_hyphen_sld, 0},
	{"e_dnsname_label_too_long", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "RFC 1035",
	 "DNS name labels must be at most 63 octets long.",
	 "2012-07-01", NULL, applies_subscriber_dns, check_label_length, 0},
	{"e_dnsname_left_label_wildcard_correct", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 1.6.1",
	 "A wildcard in the left-most label must be the whole label \"*\".",
	 "2012-07-01", NULL, NULL, check_left_wildcard, 0},
	{"e_dnsname_not_valid_tld", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT, "BR 3.2.2.4",
	 "DNS names must end in a top-level domain that was delegated in the root zone at the "
	 "certificate's notBefore.",
	 "2012-07-01", NULL, applies_subscriber_dns, check_valid_tld, 0},
	{"e_dnsname_underscore_in_sld", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.4.2.1",
	 "The registrable label of a DNS name must not contain an underscore.",
	 "2008-05-01", NULL, applies_subscriber_dns, check_underscore_sld, 0},
	{"e_dnsname_wildcard_only_in_left_label", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 1.6.1",
	 "Wildcard asterisks may only appear in the left-most label of a DNS name.",
	 "2012-07-01", NULL, NULL, check_wildcard_left_only, 0},
	{"e_ext_tor_service_descriptor_hash_invalid", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR Ballot 201, Ballot SC27",
	 "Certificates for version 2 .onion names must carry valid Tor service descriptors: https "
	 "onion URIs of subject names with full-length SHA-2 hashes.",
	 "2017-07-28", NULL, applies_tor, check_tor, 0},
	{"e_no_underscores_before_1_6_2", PW_LINT_ERROR, PW_SRC_CABF_BR, PW_TARGET_CERT,
	 "BR 7.1.4.2.1",
	 "Before BR 1.6.2, dNSNames must not contain underscores (RFC 5280 preferred name "
	 "syntax).",
	 "0000-01-01", "2018-12-10", applies_subscriber_dns, check_no_underscore, 0},
};

const struct pw_lint_family pw_lint_family_br1_dns = {"br1_dns", defs, sizeof defs / sizeof defs[0]};
