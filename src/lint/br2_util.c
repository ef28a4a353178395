/* pkiward — private helpers of the br2_* lint families (see br2_util.h). */
#include "br2_util.h"
#include "br1_util.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


/* Days since 1970-01-01 of a proleptic Gregorian date, and back (the
 * era-based civil calendar algorithms: pure integer arithmetic, no libc
 * time zone machinery, valid for any year an int64 of seconds can hold). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t br2_date(int year, int month, int day)
{
	return days_from_civil(year, month, day) * BR2_DAY;
}

int64_t br2_add_date(int64_t t, int years, int months, int days)
{
	int64_t z = floor_div(t, BR2_DAY), secs = t - z * BR2_DAY, y, m, d, mi;
	civil_from_days(z, &y, &m, &d);
	/* Months carry into years; a day past the month's end carries into the
	 * next month (Jan 31 + 1 month = Mar 2 or 3), as time libraries do. */
	mi = (m - 1) + months;
	y += years + floor_div(mi, 12);
	m = mi - floor_div(mi, 12) * 12 + 1;
	return (days_from_civil(y, m, 1) + (d - 1) + days) * BR2_DAY + secs;
}

int64_t br2_validity_seconds(const struct pw_cert *c)
{
	return c->not_after - c->not_before + 1;
}

static int oid_in_list(const struct pw_der *oid, const char *const *list, size_t n)
{
	char text[PW_DER_OID_TEXT_MAX];
	if (!pw_der_oid_to_text(oid, text, sizeof text))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(text, list[i]) == 0)
			return 1;
	return 0;
}

/* The EV policy OIDs as DER content octets (dotted form beside each;
 * lint_br2_test checks every entry against it). */
#define BR2_EV_OID_MAX 14
static const struct {
	size_t len;
	uint8_t der[BR2_EV_OID_MAX];
} ev_oids[] = {
	{ 5, { 0x67, 0x81, 0x0c, 0x01, 0x01 } }, /* 2.23.140.1.1 */
	{ 6, { 0x2b, 0x81, 0x1f, 0x01, 0x11, 0x01 } }, /* 1.3.159.1.17.1 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x8f, 0x09, 0x02, 0x01 } }, /* 1.3.6.1.4.1.34697.2.1 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x8f, 0x09, 0x02, 0x02 } }, /* 1.3.6.1.4.1.34697.2.2 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x8f, 0x09, 0x02, 0x03 } }, /* 1.3.6.1.4.1.34697.2.3 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x8f, 0x09, 0x02, 0x04 } }, /* 1.3.6.1.4.1.34697.2.4 */
	{ 6, { 0x2a, 0x28, 0x00, 0x11, 0x01, 0x16 } }, /* 1.2.40.0.17.1.22 */
	{ 8, { 0x60, 0x84, 0x42, 0x01, 0x1a, 0x01, 0x03, 0x03 } }, /* 2.16.578.1.26.1.3.3 */
	{ 13, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0x87, 0x2e, 0x0a, 0x0e, 0x02, 0x01, 0x02 } }, /* 1.3.6.1.4.1.17326.10.14.2.1.2 */
	{ 13, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0x87, 0x2e, 0x0a, 0x08, 0x02, 0x01, 0x02 } }, /* 1.3.6.1.4.1.17326.10.8.2.1.2 */
	{ 12, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xb2, 0x31, 0x01, 0x02, 0x01, 0x05, 0x01 } }, /* 1.3.6.1.4.1.6449.1.2.1.5.1 */
	{ 9, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfd, 0x6c, 0x02, 0x01 } }, /* 2.16.840.1.114412.2.1 */
	{ 11, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfd, 0x6c, 0x01, 0x03, 0x00, 0x02 } }, /* 2.16.840.1.114412.1.3.0.2 */
	{ 14, { 0x60, 0x84, 0x10, 0x01, 0x87, 0x69, 0x01, 0x01, 0x01, 0x0c, 0x06, 0x01, 0x01, 0x01 } }, /* 2.16.528.1.1001.1.1.1.12.6.1.1.1 */
	{ 9, { 0x60, 0x86, 0x18, 0x03, 0x00, 0x04, 0x01, 0x01, 0x04 } }, /* 2.16.792.3.0.4.1.1.4 */
	{ 10, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfa, 0x6c, 0x0a, 0x01, 0x02 } }, /* 2.16.840.1.114028.10.1.2 */
	{ 6, { 0x04, 0x00, 0x8f, 0x7a, 0x01, 0x04 } }, /* 0.4.0.2042.1.4 */
	{ 6, { 0x04, 0x00, 0x8f, 0x7a, 0x01, 0x05 } }, /* 0.4.0.2042.1.5 */
	{ 11, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xe6, 0x79, 0x0a, 0x01, 0x03, 0x0a } }, /* 1.3.6.1.4.1.13177.10.1.3.10 */
	{ 9, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xf0, 0x22, 0x01, 0x06 } }, /* 1.3.6.1.4.1.14370.1.6 */
	{ 9, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xa0, 0x32, 0x01, 0x01 } }, /* 1.3.6.1.4.1.4146.1.1 */
	{ 11, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfd, 0x6d, 0x01, 0x07, 0x17, 0x03 } }, /* 2.16.840.1.114413.1.7.23.3 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xf3, 0x39, 0x06, 0x01, 0x01 } }, /* 1.3.6.1.4.1.14777.6.1.1 */
	{ 11, { 0x60, 0x86, 0x18, 0x01, 0x02, 0x01, 0x01, 0x05, 0x07, 0x01, 0x09 } }, /* 2.16.792.1.2.1.1.5.7.1.9 */
	{ 12, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x0e, 0x01, 0x02, 0x01, 0x08, 0x01 } }, /* 1.3.6.1.4.1.782.1.2.1.8.1 */
	{ 13, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xad, 0x5a, 0x02, 0x05, 0x02, 0x03, 0x01 } }, /* 1.3.6.1.4.1.22234.2.5.2.3.1 */
	{ 12, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbe, 0x58, 0x00, 0x02, 0x64, 0x01, 0x02 } }, /* 1.3.6.1.4.1.8024.0.2.100.1.2 */
	{ 10, { 0x2a, 0x83, 0x08, 0x8c, 0x9b, 0x1b, 0x64, 0x85, 0x51, 0x01 } }, /* 1.2.392.200091.100.721.1 */
	{ 11, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfd, 0x6e, 0x01, 0x07, 0x17, 0x03 } }, /* 2.16.840.1.114414.1.7.23.3 */
	{ 9, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xb5, 0x37, 0x02 } }, /* 1.3.6.1.4.1.23223.2 */
	{ 11, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xb5, 0x37, 0x01, 0x01, 0x01 } }, /* 1.3.6.1.4.1.23223.1.1.1 */
	{ 7, { 0x60, 0x85, 0x74, 0x01, 0x53, 0x15, 0x00 } }, /* 2.16.756.1.83.21.0 */
	{ 9, { 0x60, 0x85, 0x74, 0x01, 0x59, 0x01, 0x02, 0x01, 0x01 } }, /* 2.16.756.1.89.1.2.1.1 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbd, 0x47, 0x0d, 0x18, 0x01 } }, /* 1.3.6.1.4.1.7879.13.24.1 */
	{ 11, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x45, 0x01, 0x07, 0x30, 0x01 } }, /* 2.16.840.1.113733.1.7.48.1 */
	{ 12, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfd, 0x64, 0x01, 0x01, 0x02, 0x04, 0x01 } }, /* 2.16.840.1.114404.1.1.2.4.1 */
	{ 11, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x45, 0x01, 0x07, 0x17, 0x06 } }, /* 2.16.840.1.113733.1.7.23.6 */
	{ 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xb1, 0x3e, 0x01, 0x64, 0x01 } }, /* 1.3.6.1.4.1.6334.1.100.1 */
	{ 10, { 0x60, 0x86, 0x48, 0x01, 0x86, 0xfb, 0x7b, 0x83, 0x74, 0x09 } }, /* 2.16.840.1.114171.500.9 */
	{ 9, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x9b, 0x51, 0x02 } }, /* 1.3.6.1.4.1.36305.2 */
};

int br2_is_ev_policy_oid(const struct pw_der *oid)
{
	for (size_t i = 0; i < sizeof ev_oids / sizeof ev_oids[0]; i++)
		if (oid->len == ev_oids[i].len && memcmp(oid->p, ev_oids[i].der, oid->len) == 0)
			return 1;
	return 0;
}

int br2_is_ev(const struct pw_cert *c)
{
	for (size_t i = 0; i < c->x.policies.n; i++) {
		const struct pw_policy *p = &c->x.policies.v[i];
		if (p->id == PW_OID_CABF_EV || (p->id == PW_OID_UNKNOWN && br2_is_ev_policy_oid(&p->oid)))
			return 1;
	}
	return 0;
}

/* Purposes registered by the IETF (RFC 5280, 3161, 4945, 5055, 6187, 7299),
 * Microsoft, Apple, Adobe and Netscape that certificate software knows by name. */
static const char *const known_ekus[] = {
	"1.2.840.113635.100.4.1", "1.2.840.113635.100.4.1.1", "1.2.840.113635.100.4.1.2",
	"1.2.840.113635.100.4.1.3", "1.2.840.113635.100.4.1.4", "1.2.840.113635.100.4.2",
	"1.2.840.113635.100.4.3", "1.2.840.113635.100.4.4", "1.2.840.113635.100.4.5",
	"1.2.840.113635.100.4.5.1", "1.2.840.113635.100.4.5.2", "1.2.840.113635.100.4.5.3",
	"1.2.840.113635.100.4.5.4", "1.2.840.113635.100.4.6", "1.2.840.113635.100.4.6.1",
	"1.2.840.113635.100.4.6.2", "1.2.840.113635.100.4.6.3", "1.2.840.113635.100.4.6.4",
	"1.2.840.113583.1.1.5", "1.3.6.1.4.1.311.10.3.1", "1.3.6.1.4.1.311.10.3.10",
	"1.3.6.1.4.1.311.10.3.11", "1.3.6.1.4.1.311.10.3.12", "1.3.6.1.4.1.311.10.3.13",
	"1.3.6.1.4.1.311.10.3.14", "1.3.6.1.4.1.311.10.3.15", "1.3.6.1.4.1.311.10.3.16",
	"1.3.6.1.4.1.311.10.3.2", "1.3.6.1.4.1.311.10.3.3", "1.3.6.1.4.1.311.10.3.3.1",
	"1.3.6.1.4.1.311.10.3.4", "1.3.6.1.4.1.311.10.3.4.1", "1.3.6.1.4.1.311.10.3.5",
	"1.3.6.1.4.1.311.10.3.6", "1.3.6.1.4.1.311.10.3.7", "1.3.6.1.4.1.311.10.3.8",
	"1.3.6.1.4.1.311.10.3.9", "1.3.6.1.4.1.311.10.5.1", "1.3.6.1.4.1.311.10.5.2",
	"1.3.6.1.4.1.311.10.5.3", "1.3.6.1.4.1.311.10.5.4", "1.3.6.1.4.1.311.20.2.1",
	"1.3.6.1.4.1.311.20.2.2", "1.3.6.1.4.1.311.21.5", "1.3.6.1.4.1.311.21.6",
	"1.3.6.1.4.1.311.47.1.1", "1.3.6.1.4.1.311.47.1.3", "1.3.6.1.4.1.311.61.1.1",
	"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.10", "1.3.6.1.5.5.7.3.11", "1.3.6.1.5.5.7.3.13",
	"1.3.6.1.5.5.7.3.14", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4",
	"1.3.6.1.5.5.7.3.5", "1.3.6.1.5.5.7.3.6", "1.3.6.1.5.5.7.3.7", "1.3.6.1.5.5.7.3.8",
	"1.3.6.1.5.5.7.3.9", "1.3.6.1.5.5.8.2.2", "2.16.840.1.113730.4.1", "2.5.29.37.0",
};

int br2_eku_is_known(const struct pw_cert *c, size_t i)
{
	switch (c->x.eku.ids[i]) {
	case PW_OID_EKU_ANY: case PW_OID_EKU_SERVER_AUTH: case PW_OID_EKU_CLIENT_AUTH:
	case PW_OID_EKU_CODE_SIGNING: case PW_OID_EKU_EMAIL_PROTECTION:
	case PW_OID_EKU_IPSEC_END_SYSTEM: case PW_OID_EKU_IPSEC_TUNNEL: case PW_OID_EKU_IPSEC_USER:
	case PW_OID_EKU_TIME_STAMPING: case PW_OID_EKU_OCSP_SIGNING: case PW_OID_EKU_MS_SGC:
	case PW_OID_EKU_NS_SGC:
		return 1;
	default:
		return oid_in_list(&c->x.eku.oids[i], known_ekus, sizeof known_ekus / sizeof known_ekus[0]);
	}
}

size_t br2_eku_known_count(const struct pw_cert *c)
{
	size_t n = 0;
	if (!c->x.eku.present)
		return 0;
	for (size_t i = 0; i < c->x.eku.n; i++)
		n += (size_t)br2_eku_is_known(c, i);
	return n;
}

int br2_attr_is_string(const struct pw_attr *a)
{
	switch (a->tag) {
	case PW_DER_PRINTABLE_STRING: case PW_DER_UTF8_STRING: case PW_DER_IA5_STRING:
	case PW_DER_T61_STRING: case PW_DER_BMP_STRING: case PW_DER_NUMERIC_STRING:
	case PW_DER_UNIVERSAL_STRING: case PW_DER_VISIBLE_STRING:
		return 1;
	default:
		return 0;
	}
}

size_t br2_name_count_str(const struct pw_name *n, enum pw_oid id)
{
	size_t k = 0;
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id && br2_attr_is_string(&n->attrs[i]))
			k++;
	return k;
}

int br2_name_has(const struct pw_name *n, enum pw_oid id)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id)
			return 1;
	return 0;
}

const struct pw_attr *br2_name_first(const struct pw_name *n, enum pw_oid id)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (n->attrs[i].id == id && br2_attr_is_string(&n->attrs[i]))
			return &n->attrs[i];
	return NULL;
}

const struct pw_attr *br2_name_last(const struct pw_name *n, enum pw_oid id)
{
	for (size_t i = n->n_attrs; i > 0; i--)
		if (n->attrs[i - 1].id == id && br2_attr_is_string(&n->attrs[i - 1]))
			return &n->attrs[i - 1];
	return NULL;
}

size_t br2_attr_text(const struct pw_attr *a, char *buf, size_t buflen)
{
	size_t n;
	if (buflen == 0)
		return 0;
	if (a->tag == PW_DER_BMP_STRING || a->tag == PW_DER_UNIVERSAL_STRING)
		return pw_der_string_to_utf8(a->tag, &a->value, buf, buflen);
	n = a->value.len < buflen - 1 ? a->value.len : buflen - 1;
	if (n > 0)
		memcpy(buf, a->value.p, n);
	buf[n] = '\0';
	return n;
}

size_t br2_subject_cn(const struct pw_cert *c, char *buf, size_t buflen)
{
	const struct pw_attr *a = br2_name_last(&c->subject, PW_OID_CN);
	if (a == NULL) {
		if (buflen > 0)
			buf[0] = '\0';
		return 0;
	}
	return br2_attr_text(a, buf, buflen);
}

int br2_parse_ip(const char *s, size_t len, uint8_t out[16])
{
	char tmp[64];
	uint8_t v4[4];
	if (len == 0 || len >= sizeof tmp || memchr(s, '\0', len) != NULL)
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return 4;
	}
	if (strchr(tmp, '%') == NULL && inet_pton(AF_INET6, tmp, out) == 1)
		return 6;
	return 0;
}

static int is_v4_mapped(const uint8_t ip[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(ip, prefix, 12) == 0;
}

void br2_format_ip(const uint8_t *ip, size_t len, char *buf, size_t buflen)
{
	char tmp[INET6_ADDRSTRLEN];
	if (buflen == 0)
		return;
	buf[0] = '\0';
	if (len == 4) {
		if (inet_ntop(AF_INET, ip, tmp, sizeof tmp) != NULL)
			snprintf(buf, buflen, "%s", tmp);
	} else if (len == 16) {
		if (is_v4_mapped(ip)) {
			if (inet_ntop(AF_INET, ip + 12, tmp, sizeof tmp) != NULL)
				snprintf(buf, buflen, "%s", tmp);
		} else if (inet_ntop(AF_INET6, ip, tmp, sizeof tmp) != NULL) {
			snprintf(buf, buflen, "%s", tmp);
		}
	}
}

/* IANA IPv4 / IPv6 special-purpose registries and the IPv6 address space
 * registry's reserved blocks (BR 1.6.1 "Reserved IP Address"). IPv4 entries
 * are written as IPv4-mapped IPv6 prefixes (96 + n bits). */
struct br2_net {
	uint8_t p[16];
	unsigned bits;
};
#define V4(a, b, c, d, n) { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d }, 96 + (n) }
#define V6(a, b, c, d, e, f, n) { { (a) >> 8, (a) & 0xff, (b) >> 8, (b) & 0xff, (c) >> 8, (c) & 0xff, \
                                    (d) >> 8, (d) & 0xff, (e) >> 8, (e) & 0xff, (f) >> 8, (f) & 0xff }, (n) }
static const struct br2_net reserved_nets[] = {
	V4(10, 0, 0, 0, 8), V4(172, 16, 0, 0, 12), V4(192, 168, 0, 0, 16), V4(100, 64, 0, 0, 10),
	V4(198, 18, 0, 0, 15), V4(192, 0, 2, 0, 24), V4(198, 51, 100, 0, 24), V4(203, 0, 113, 0, 24),
	V4(240, 0, 0, 0, 4), V4(192, 0, 0, 0, 24), V4(192, 31, 196, 0, 24), V4(192, 175, 48, 0, 24),
	V4(192, 52, 193, 0, 24), V4(0, 0, 0, 0, 8), V4(255, 255, 255, 255, 32), V4(169, 254, 0, 0, 16),
	V4(224, 0, 0, 0, 4), V4(127, 0, 0, 0, 8),
	V6(0x2001, 0x0002, 0, 0, 0, 0, 48), V6(0x2001, 0x0db8, 0, 0, 0, 0, 32),
	V6(0x0400, 0, 0, 0, 0, 0, 6), V6(0x0800, 0, 0, 0, 0, 0, 5), V6(0x1000, 0, 0, 0, 0, 0, 4),
	V6(0x4000, 0, 0, 0, 0, 0, 3), V6(0x6000, 0, 0, 0, 0, 0, 3), V6(0x8000, 0, 0, 0, 0, 0, 3),
	V6(0xa000, 0, 0, 0, 0, 0, 3), V6(0xc000, 0, 0, 0, 0, 0, 3), V6(0xe000, 0, 0, 0, 0, 0, 4),
	V6(0xf000, 0, 0, 0, 0, 0, 5), V6(0xf800, 0, 0, 0, 0, 0, 6), V6(0xfe00, 0, 0, 0, 0, 0, 9),
	V6(0x2001, 0, 0, 0, 0, 0, 23), V6(0x2001, 0x0004, 0x0112, 0, 0, 0, 48),
	V6(0x2620, 0x004f, 0x8000, 0, 0, 0, 48), V6(0x2001, 0x0003, 0, 0, 0, 0, 32),
	V6(0x2001, 0x0020, 0, 0, 0, 0, 28), V6(0x2002, 0, 0, 0, 0, 0, 16),
	V6(0x0064, 0xff9b, 0, 0, 0, 0, 96), V6(0x0064, 0xff9b, 0x0001, 0, 0, 0, 48),
	V6(0x0100, 0, 0, 0, 0, 0, 64), V6(0xfc00, 0, 0, 0, 0, 0, 7), V6(0xfe80, 0, 0, 0, 0, 0, 10),
	V6(0xff00, 0, 0, 0, 0, 0, 8),
};
#undef V4
#undef V6

static int in_net(const uint8_t ip[16], const struct br2_net *n)
{
	unsigned full = n->bits / 8, rem = n->bits % 8;
	if (memcmp(ip, n->p, full) != 0)
		return 0;
	if (rem == 0)
		return 1;
	return ((ip[full] ^ n->p[full]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

int br2_ip_is_reserved(const uint8_t ip[16])
{
	static const uint8_t zero[16];
	static const uint8_t loop6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	/* Not global unicast: unspecified and loopback (v4 ones are in the table). */
	if (memcmp(ip, zero, 16) == 0 || memcmp(ip, loop6, 16) == 0)
		return 1;
	for (size_t i = 0; i < sizeof reserved_nets / sizeof reserved_nets[0]; i++)
		if (in_net(ip, &reserved_nets[i]))
			return 1;
	return 0;
}

/* ISO 3166-1 alpha-2 codes, plus AN (withdrawn Netherlands Antilles, still
 * in older certificates) and XX (BR 7.1.4.2.2 for "no country"). */
static const char iso_countries[] =
	"AD AE AF AG AI AL AM AN AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
	"BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK "
	"DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR "
	"GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM "
	"KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP "
	"MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL "
	"PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST "
	"SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG "
	"VI VN VU WF WS YE YT ZA ZM ZW XX";

int br2_is_iso_country(const uint8_t *s, size_t len)
{
	char a, b;
	if (len != 2)
		return 0;
	a = (char)(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 32 : s[0]);
	b = (char)(s[1] >= 'a' && s[1] <= 'z' ? s[1] - 32 : s[1]);
	for (size_t i = 0; i + 1 < sizeof iso_countries; i += 3)
		if (iso_countries[i] == a && iso_countries[i + 1] == b)
			return 1;
	return 0;
}

int br2_has_prefix(const uint8_t *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(p, prefix, k) == 0;
}

int br2_has_suffix(const uint8_t *p, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(p + n - k, suffix, k) == 0;
}

int br2_has_suffix_ci(const uint8_t *p, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		uint8_t x = p[n - k + i];
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (x != (uint8_t)suffix[i])
			return 0;
	}
	return 1;
}

int br2_contains_byte(const uint8_t *p, size_t n, uint8_t b)
{
	return n > 0 && memchr(p, b, n) != NULL;
}

void br2_details(char *details, size_t len, const char *fmt, ...)
{
	va_list ap;
	if (details == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(details, len, fmt, ap);
	va_end(ap);
}

int br2_psl_parse(const uint8_t *name, size_t n, const uint8_t **sld, size_t *sld_len,
                  size_t *trd_len, int *out_is_suffix)
{
	*out_is_suffix = 0;
	if (n == 0 || name[0] == '.')
		return 0;
	if (!br1_psl_sld(name, n, sld, sld_len)) {
		/* br1_psl_sld also refuses empty labels: only a well-formed name
		 * that failed is "a suffix". */
		int empty_label = name[n - 1] == '.';
		for (size_t i = 1; i < n && !empty_label; i++)
			empty_label = name[i] == '.' && name[i - 1] == '.';
		*out_is_suffix = !empty_label;
		return 0;
	}
	*trd_len = *sld > name ? (size_t)(*sld - name) - 1 : 0;
	return 1;
}
