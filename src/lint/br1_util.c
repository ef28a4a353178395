/* pkiward — private helpers of the br1_* lint families (see br1_util.h). */
#include "br1_util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- policies ---- */

int br1_is_reserved_tls_policy(enum pw_oid id)
{
	return id == PW_OID_CABF_DV || id == PW_OID_CABF_OV || id == PW_OID_CABF_IV ||
	       id == PW_OID_CABF_EV;
}

/* ---- names ---- */

int br1_attr_is_string(const struct pw_attr *a)
{
	switch (a->tag) {
	case PW_DER_UTF8_STRING: case PW_DER_PRINTABLE_STRING: case PW_DER_IA5_STRING:
	case PW_DER_T61_STRING: case PW_DER_BMP_STRING: case PW_DER_UNIVERSAL_STRING:
	case PW_DER_NUMERIC_STRING: case PW_DER_VISIBLE_STRING:
		return 1;
	default:
		return 0;
	}
}

int br1_subject_cn_bytes(const struct pw_cert *c, char *buf, size_t buflen, const uint8_t **out,
                         size_t *out_len)
{
	const struct pw_attr *a = NULL;
	size_t i = c->subject.n_attrs;

	*out = (const uint8_t *)"";
	*out_len = 0;
	while (i-- > 0) {
		if (c->subject.attrs[i].id == PW_OID_CN && br1_attr_is_string(&c->subject.attrs[i])) {
			a = &c->subject.attrs[i];
			break;
		}
	}
	if (a == NULL)
		return 0;
	if (a->tag == PW_DER_BMP_STRING || a->tag == PW_DER_UNIVERSAL_STRING) {
		*out_len = pw_der_string_to_utf8(a->tag, &a->value, buf, buflen);
		*out = (const uint8_t *)buf;
	} else {
		*out = a->value.p;
		*out_len = a->value.len;
	}
	return 1;
}

int br1_text_is_ip(const char *p, size_t n)
{
	char tmp[64];
	uint8_t out[16];
	size_t i;
	int colon = 0;

	if (n == 0 || n >= sizeof tmp)
		return 0;
	/* An address is digits and dots, or holds a ':' (IPv6): most names are
	 * neither, so skip the conversion for them. */
	for (i = 0; i < n; i++) {
		if (p[i] == ':')
			colon = 1;
		else if (!(p[i] == '.' || (p[i] >= '0' && p[i] <= '9')) && !colon &&
		         !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f'))
			return 0;
	}
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, out) == 1 || inet_pton(AF_INET6, tmp, out) == 1;
}

/* ---- DNS names ---- */

int br1_for_each_dns(const struct pw_cert *c, int with_cn,
                     int (*fn)(void *arg, const uint8_t *name, size_t len), void *arg)
{
	char buf[BR1_CN_BUF];
	const uint8_t *cn;
	size_t cn_len, i;
	int r;

	if (with_cn) {
		br1_subject_cn_bytes(c, buf, sizeof buf, &cn, &cn_len);
		if (cn_len > 0 && !br1_text_is_ip((const char *)cn, cn_len)) {
			r = fn(arg, cn, cn_len);
			if (r != 0)
				return r;
		}
	}
	for (i = 0; i < c->x.san.names.n; i++) {
		const struct pw_general_name *g = &c->x.san.names.v[i];
		if (g->type != PW_GN_DNS)
			continue;
		r = fn(arg, g->value.p, g->value.len);
		if (r != 0)
			return r;
	}
	return 0;
}

int br1_dns_names_exist(const struct pw_cert *c)
{
	const struct pw_attr *a;
	size_t i;

	/* zlint's DNSNamesExist: a non-empty commonName or any dNSName. */
	for (i = c->subject.n_attrs; i-- > 0;) {
		a = &c->subject.attrs[i];
		if (a->id == PW_OID_CN && br1_attr_is_string(a))
			return a->value.len > 0 ? 1 : br1_dns_in_san(c);
	}
	return br1_dns_in_san(c);
}

int br1_dns_in_san(const struct pw_cert *c)
{
	size_t i;

	for (i = 0; i < c->x.san.names.n; i++)
		if (c->x.san.names.v[i].type == PW_GN_DNS)
			return 1;
	return 0;
}

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

int br1_ieq(const uint8_t *a, size_t an, const char *b)
{
	size_t bn = strlen(b), i;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (lower(a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int br1_iends_with(const uint8_t *a, size_t an, const char *suffix)
{
	size_t sn = strlen(suffix);

	return an >= sn && br1_ieq(a + an - sn, sn, suffix);
}

int br1_istarts_with(const uint8_t *a, size_t an, const char *prefix)
{
	size_t pn = strlen(prefix);

	return an >= pn && br1_ieq(a, pn, prefix);
}

int br1_is_hex(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
}

int br1_uri_scheme(const uint8_t *p, size_t n, const uint8_t **out_scheme, size_t *out_len)
{
	size_t i;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (n == 0 || !((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < n; i++) {
		uint8_t ch = p[i];
		if (ch == ':') {
			*out_scheme = p;
			*out_len = i;
			return 1;
		}
		if (!(((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '+' || ch == '-' || ch == '.'))
			return 0;
	}
	return 0;
}

/* ---- data tables ---- */

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

/* Extends a right-to-left domain hash by one more label (to its left):
 * FNV-1a over "." + label, lowercased (br1_gen_data.py, dhash). */
static uint32_t hash_label(uint32_t h, const uint8_t *p, size_t n)
{
	size_t i;

	h ^= (uint32_t)'.';
	h *= FNV_PRIME;
	for (i = 0; i < n; i++) {
		h ^= (uint32_t)lower(p[i]);
		h *= FNV_PRIME;
	}
	return h;
}

/* 1 if entry == prefix || lower(p[0..n)). */
static int entry_eq(const char *entry, const char *prefix, const uint8_t *p, size_t n)
{
	size_t i;

	while (*prefix != '\0')
		if (*entry++ != *prefix++)
			return 0;
	for (i = 0; i < n; i++)
		if (entry[i] == '\0' || (unsigned char)entry[i] != lower(p[i]))
			return 0;
	return entry[n] == '\0';
}

const struct br1_tld *br1_tld_find(const uint8_t *label, size_t n)
{
	uint32_t h = hash_label(FNV_OFFSET, label, n);
	size_t j = h & (BR1_TLD_HASH_SIZE - 1), probes;

	for (probes = 0; probes < BR1_TLD_HASH_SIZE && br1_tld_hash[j] != 0; probes++) {
		const struct br1_tld *t = &br1_tlds[br1_tld_hash[j] - 1];
		if (entry_eq(t->name, "", label, n))
			return t;
		j = (j + 1) & (BR1_TLD_HASH_SIZE - 1);
	}
	return NULL;
}

/* Flags of the PSL key (prefix || p[0..n)) whose hash is h; 0 if absent. */
static unsigned psl_flags(uint32_t h, const char *prefix, const uint8_t *p, size_t n)
{
	size_t j = h & (BR1_PSL_HASH_SIZE - 1), probes;

	for (probes = 0; probes < BR1_PSL_HASH_SIZE && br1_psl_hash[j] != 0; probes++) {
		const struct br1_psl_key *k = &br1_psl_keys[br1_psl_hash[j] - 1];
		if (entry_eq(k->name, prefix, p, n))
			return k->flags;
		j = (j + 1) & (BR1_PSL_HASH_SIZE - 1);
	}
	return 0;
}

static int psl_sld_compute(const uint8_t *name, size_t n, const uint8_t **out_sld,
                           size_t *out_sld_len);

/* About ten lints ask for the registrable label of the same few names of
 * one certificate. The answer depends on the name's bytes alone, so each
 * thread remembers the last few answers by content (a pure-function memo:
 * nothing observable is kept; a name is compared in full). */
#define PSL_MEMO_SLOTS 8

struct psl_memo_entry {
	uint16_t len;            /* 0 = empty (an empty name is never asked twice) */
	uint8_t ok;              /* br1_psl_sld's return value */
	uint16_t sld_off, sld_len;
	uint8_t name[BR1_DNS_NAME_MAX];
};

static _Thread_local struct psl_memo_entry psl_memo[PSL_MEMO_SLOTS];
static _Thread_local unsigned psl_memo_next;

int br1_psl_sld(const uint8_t *name, size_t n, const uint8_t **out_sld, size_t *out_sld_len)
{
	const uint8_t *sld = NULL;
	size_t sld_len = 0;
	int ok;

	if (n == 0 || n > BR1_DNS_NAME_MAX)
		return psl_sld_compute(name, n, out_sld, out_sld_len);
	for (unsigned i = 0; i < PSL_MEMO_SLOTS; i++) {
		const struct psl_memo_entry *m = &psl_memo[i];
		if (m->len == n && memcmp(m->name, name, n) == 0) {
			if (m->ok) {
				*out_sld = name + m->sld_off;
				*out_sld_len = m->sld_len;
			}
			return m->ok;
		}
	}
	ok = psl_sld_compute(name, n, &sld, &sld_len);
	struct psl_memo_entry *m = &psl_memo[psl_memo_next++ % PSL_MEMO_SLOTS];
	m->len = (uint16_t)n;
	memcpy(m->name, name, n);
	m->ok = (uint8_t)ok;
	m->sld_off = ok ? (uint16_t)(sld - name) : 0;
	m->sld_len = ok ? (uint16_t)sld_len : 0;
	if (ok) {
		*out_sld = sld;
		*out_sld_len = sld_len;
	}
	return ok;
}

static int psl_sld_compute(const uint8_t *name, size_t n, const uint8_t **out_sld,
                           size_t *out_sld_len)
{
	uint32_t h = FNV_OFFSET, h_prev;
	size_t end = n, start, k, suffix_labels = 1, nl = 0, i;

	if (n == 0 || n > BR1_DNS_NAME_MAX || name[0] == '.' || name[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] == '.')
			nl++;
	nl++;
	/* Walk the labels right to left, extending the suffix one label at a
	 * time: the longest matching rule wins, an exception rule "!x" makes
	 * the public suffix one label shorter than x, and without any match
	 * the default rule "*" makes the last label the suffix. A suffix that
	 * is not part of any longer key ends the walk. */
	for (k = 1; k <= nl; k++) {
		unsigned f, wild;
		start = end;
		while (start > 0 && name[start - 1] != '.')
			start--;
		h_prev = h;
		h = hash_label(h, name + start, end - start);
		f = psl_flags(h, "", name + start, n - start);
		/* "*.<previous suffix>" covers this suffix. */
		wild = k > 1 ? psl_flags(hash_label(h_prev, (const uint8_t *)"*", 1), "*.",
		                         name + end + 1, n - end - 1)
		             : 0;
		if (f & BR1_PSL_EXCEPTION) {
			suffix_labels = k - 1;
			break;
		}
		if ((f & BR1_PSL_RULE) || (wild & BR1_PSL_RULE))
			suffix_labels = k;
		if (!(f & BR1_PSL_NODE))
			break;
		if (start == 0)
			break;
		end = start - 1;
	}
	if (suffix_labels >= nl)
		return 0; /* the name is itself a public suffix */
	/* The registrable label is the (suffix_labels + 1)-th from the right. */
	end = n;
	for (k = 0; k < suffix_labels; k++) {
		while (end > 0 && name[end - 1] != '.')
			end--;
		end--; /* the dot */
	}
	start = end;
	while (start > 0 && name[start - 1] != '.')
		start--;
	*out_sld = name + start;
	*out_sld_len = end - start;
	return 1;
}

int br1_is_iso_country(const uint8_t *p, size_t n)
{
	/* ISO 3166-1 alpha-2 codes (officially assigned), plus the user-assigned
	 * "XX" that BR 7.1.4.2.2 allows when no country applies. */
	static const char codes[] =
		"AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL "
		"BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW "
		"CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF "
		"GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ "
		"IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU "
		"LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC "
		"NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE "
		"RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD "
		"TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU "
		"WF WS YE YT ZA ZM ZW XX";
	size_t i;
	int a, b;

	if (n != 2)
		return 0;
	a = p[0] >= 'a' && p[0] <= 'z' ? p[0] - 32 : p[0];
	b = p[1] >= 'a' && p[1] <= 'z' ? p[1] - 32 : p[1];
	for (i = 0; i + 1 < sizeof codes; i += 3)
		if (codes[i] == a && codes[i + 1] == b)
			return 1;
	return 0;
}

/* IANA special-purpose and reserved address blocks (IPv4 and IPv6 Special-
 * Purpose Address Registries, the IPv4 and IPv6 Address Space registries):
 * the "Reserved IP Address" of BR 1.6.1. Prefix octets and prefix length. */
struct br1_net {
	uint8_t addr[16];
	unsigned bits;
	int v6;
};

#define V4(a, b, c, d, l) {{a, b, c, d}, l, 0}
#define V6(a, b, c, d, l) {{a, b, c, d}, l, 1}
static const struct br1_net reserved_nets[] = {
	V4(0, 0, 0, 0, 8),       /* "this network" (RFC 791) */
	V4(10, 0, 0, 0, 8),      /* private use (RFC 1918) */
	V4(100, 64, 0, 0, 10),   /* shared address space (RFC 6598) */
	V4(127, 0, 0, 0, 8),     /* loopback (RFC 1122) */
	V4(169, 254, 0, 0, 16),  /* link local (RFC 3927) */
	V4(172, 16, 0, 0, 12),   /* private use */
	V4(192, 0, 0, 0, 24),    /* IETF protocol assignments (RFC 6890) */
	V4(192, 0, 2, 0, 24),    /* documentation TEST-NET-1 (RFC 5737) */
	V4(192, 31, 196, 0, 24), /* AS112-v4 (RFC 7535) */
	V4(192, 52, 193, 0, 24), /* AMT (RFC 7450) */
	V4(192, 168, 0, 0, 16),  /* private use */
	V4(192, 175, 48, 0, 24), /* direct delegation AS112 (RFC 7534) */
	V4(198, 18, 0, 0, 15),   /* benchmarking (RFC 2544) */
	V4(198, 51, 100, 0, 24), /* TEST-NET-2 */
	V4(203, 0, 113, 0, 24),  /* TEST-NET-3 */
	V4(224, 0, 0, 0, 4),     /* multicast (RFC 5771) */
	V4(240, 0, 0, 0, 4),     /* reserved for future use, incl. broadcast (RFC 1112) */
	V6(0x00, 0x00, 0, 0, 8),    /* ::/8 reserved by IETF: unspecified, loopback, v4-mapped */
	V6(0x00, 0x64, 0xff, 0x9b, 32), /* 64:ff9b::/96 and 64:ff9b:1::/48 (RFC 6052/8215) */
	V6(0x01, 0x00, 0, 0, 8),    /* 100::/8 reserved (discard-only 100::/64, RFC 6666) */
	V6(0x02, 0x00, 0, 0, 7),    /* 200::/7 reserved */
	V6(0x04, 0x00, 0, 0, 6),    /* 400::/6 reserved */
	V6(0x08, 0x00, 0, 0, 5),    /* 800::/5 reserved */
	V6(0x10, 0x00, 0, 0, 4),    /* 1000::/4 reserved */
	V6(0x20, 0x01, 0x00, 0x00, 23), /* 2001::/23 IETF protocol assignments (RFC 2928) */
	V6(0x20, 0x01, 0x0d, 0xb8, 32), /* documentation (RFC 3849) */
	V6(0x20, 0x02, 0, 0, 16),   /* 6to4 (RFC 3056) */
	V6(0x26, 0x20, 0x00, 0x4f, 32), /* AS112-v6 2620:4f:8000::/48 (approximated below) */
	V6(0x40, 0x00, 0, 0, 3),    /* 4000::/3 reserved */
	V6(0x60, 0x00, 0, 0, 3),    /* 6000::/3 */
	V6(0x80, 0x00, 0, 0, 3),    /* 8000::/3 */
	V6(0xa0, 0x00, 0, 0, 3),    /* a000::/3 */
	V6(0xc0, 0x00, 0, 0, 3),    /* c000::/3 */
	V6(0xe0, 0x00, 0, 0, 4),    /* e000::/4 */
	V6(0xf0, 0x00, 0, 0, 5),    /* f000::/5 */
	V6(0xf8, 0x00, 0, 0, 6),    /* f800::/6 */
	V6(0xfc, 0x00, 0, 0, 7),    /* unique local (RFC 4193) */
	V6(0xfe, 0x00, 0, 0, 9),    /* fe00::/9 reserved */
	V6(0xfe, 0x80, 0, 0, 10),   /* link local (RFC 4291) */
	V6(0xfe, 0xc0, 0, 0, 10),   /* deprecated site local (RFC 3879) */
	V6(0xff, 0x00, 0, 0, 8),    /* multicast */
};
#undef V4
#undef V6

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rem = bits % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rem == 0)
		return 1;
	return ((a[full] ^ b[full]) & (uint8_t)(0xFF << (8 - rem))) == 0;
}

/* The AS112-v6 entry above is a /48 under 2620:4f::/32: refine it here. */
static int net_contains(const struct br1_net *r, const uint8_t *ip)
{
	static const uint8_t as112v6[6] = {0x26, 0x20, 0x00, 0x4f, 0x80, 0x00};

	if (r->v6 && r->addr[0] == 0x26 && r->addr[1] == 0x20)
		return memcmp(ip, as112v6, sizeof as112v6) == 0;
	return prefix_match(ip, r->addr, r->bits);
}

int br1_ip_is_reserved(const uint8_t *ip, size_t n)
{
	size_t i;
	int v6 = n == 16;

	if (n != 4 && n != 16)
		return 1;
	for (i = 0; i < sizeof reserved_nets / sizeof reserved_nets[0]; i++)
		if (reserved_nets[i].v6 == v6 && net_contains(&reserved_nets[i], ip))
			return 1;
	return 0;
}

int br1_net_intersects_reserved(const uint8_t *ipmask, size_t n)
{
	size_t len = n / 2, i;
	unsigned bits = 0;
	uint8_t net[16];
	int v6 = len == 16;

	if (n != 8 && n != 32)
		return 1;
	for (i = 0; i < len; i++) {
		uint8_t m = ipmask[len + i];
		net[i] = ipmask[i] & m;
		while (m & 0x80) {
			bits++;
			m = (uint8_t)(m << 1);
		}
	}
	if (br1_ip_is_reserved(net, len))
		return 1;
	/* The constraint contains a reserved block. */
	for (i = 0; i < sizeof reserved_nets / sizeof reserved_nets[0]; i++)
		if (reserved_nets[i].v6 == v6 && reserved_nets[i].bits >= bits &&
		    prefix_match(reserved_nets[i].addr, net, bits))
			return 1;
	return 0;
}

void br1_detail(char *details, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(details, len, fmt, ap);
	va_end(ap);
}
