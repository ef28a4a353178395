/* monitor/compare.c: the comparison logic of the monitor (monitor.h, "The
 * comparison logic"): CRL numbers, the IDP rule, body classification and
 * the verdicts on one revocation. Pure functions: no I/O, no store. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/sha.h>

#include "pkiward/buf.h"
#include "pkiward/monitor.h"

#define PW_MONITOR_NAME_(id, name, what) name,
static const char *const alert_names[PW_MONITOR_ALERT_COUNT_] = {
	PW_MONITOR_ALERT_LIST(PW_MONITOR_NAME_)};
#undef PW_MONITOR_NAME_
#define PW_MONITOR_WHAT_(id, name, what) what,
static const char *const alert_whats[PW_MONITOR_ALERT_COUNT_] = {
	PW_MONITOR_ALERT_LIST(PW_MONITOR_WHAT_)};
#undef PW_MONITOR_WHAT_

const char *pw_monitor_alert_name(enum pw_monitor_alert_kind k)
{
	return (unsigned)k < PW_MONITOR_ALERT_COUNT_ ? alert_names[k] : "?";
}

const char *pw_monitor_alert_what(enum pw_monitor_alert_kind k)
{
	return (unsigned)k < PW_MONITOR_ALERT_COUNT_ ? alert_whats[k] : "?";
}

int pw_monitor_alert_from_name(const char *name, enum pw_monitor_alert_kind *out)
{
	if (name == NULL)
		return 0;
	for (unsigned i = 0; i < PW_MONITOR_ALERT_COUNT_; i++)
		if (strcmp(alert_names[i], name) == 0) {
			*out = (enum pw_monitor_alert_kind)i;
			return 1;
		}
	return 0;
}

int pw_monitor_crl_number_norm(const uint8_t *contents, size_t len,
                               uint8_t out[PW_STORE_MONITOR_CRL_NUMBER_LEN])
{
	/* CRLNumber ::= INTEGER (0..MAX), at most 20 octets (RFC 5280 §5.2.3).
	 * A leading 0x00 that only marks the value positive is not counted. */
	if (contents == NULL || len == 0 || (contents[0] & 0x80) != 0)
		return 0;
	while (len > 1 && contents[0] == 0x00) {
		contents++;
		len--;
	}
	if (len > PW_STORE_MONITOR_CRL_NUMBER_LEN)
		return 0;
	memset(out, 0, PW_STORE_MONITOR_CRL_NUMBER_LEN);
	memcpy(out + PW_STORE_MONITOR_CRL_NUMBER_LEN - len, contents, len);
	return 1;
}

int pw_monitor_crl_number_cmp(const uint8_t a[PW_STORE_MONITOR_CRL_NUMBER_LEN],
                              const uint8_t b[PW_STORE_MONITOR_CRL_NUMBER_LEN])
{
	return memcmp(a, b, PW_STORE_MONITOR_CRL_NUMBER_LEN);
}

char *pw_monitor_crl_number_text(const uint8_t n[PW_STORE_MONITOR_CRL_NUMBER_LEN], char *buf,
                                 size_t buflen)
{
	/* Repeated division by 10 of the big-endian number; 20 octets < 10^49. */
	uint8_t v[PW_STORE_MONITOR_CRL_NUMBER_LEN];
	char digits[52];
	size_t nd = 0;
	int zero;
	memcpy(v, n, sizeof v);
	do {
		unsigned rem = 0;
		zero = 1;
		for (size_t i = 0; i < sizeof v; i++) {
			unsigned cur = rem * 256u + v[i];
			v[i] = (uint8_t)(cur / 10u);
			rem = cur % 10u;
			if (v[i] != 0)
				zero = 0;
		}
		digits[nd++] = (char)('0' + rem);
	} while (!zero && nd < sizeof digits - 1);
	if (buflen == 0)
		return buf;
	size_t k = 0;
	while (nd > 0 && k + 1 < buflen)
		buf[k++] = digits[--nd];
	buf[k] = '\0';
	return buf;
}

int pw_monitor_idp_mismatch(const struct pw_crl *crl, const char *url, size_t url_len,
                            int *out_not_critical, char *out_detail, size_t detail_len)
{
	const struct pw_ext *idp = NULL;
	*out_not_critical = 0;
	if (detail_len > 0)
		out_detail[0] = '\0';
	if (!crl->has_idp)
		return 0; /* a full CRL (BR 7.2.2.1: IDP not recommended there) */
	for (size_t i = 0; i < crl->n_exts; i++)
		if (crl->exts[i].id == PW_OID_EXT_ISSUING_DISTRIBUTION_POINT)
			idp = &crl->exts[i];
	/* RFC 5280 §5.2.5: "this extension MUST be critical". */
	if (idp != NULL && !idp->critical)
		*out_not_critical = 1;
	if (!crl->idp_decoded_ok) {
		snprintf(out_detail, detail_len, "the issuingDistributionPoint does not decode");
		return 1;
	}
	if (!crl->idp_dp.has_full_name) {
		/* MRSP 6.1.2: a partitioned CRL names its URL in the IDP's
		 * distributionPoint fullName. */
		snprintf(out_detail, detail_len,
		         "the issuingDistributionPoint has no distributionPoint fullName");
		return 1;
	}
	size_t n_uri = 0;
	for (size_t i = 0; i < crl->idp_dp.full_name.n; i++) {
		const struct pw_general_name *g = &crl->idp_dp.full_name.v[i];
		if (g->type != PW_GN_URI)
			continue;
		n_uri++;
		/* BR 7.2.2.1: byte-for-byte identical to the CRLDP URI, so no
		 * normalisation (case, trailing slash, percent-encoding) here. */
		if (g->value.len == url_len && memcmp(g->value.p, url, url_len) == 0)
			return 0;
	}
	if (n_uri == 0) {
		snprintf(out_detail, detail_len,
		         "the issuingDistributionPoint fullName has no URI");
		return 1;
	}
	/* Name the first URI so the operator sees what the CRL claims. */
	for (size_t i = 0; i < crl->idp_dp.full_name.n; i++) {
		const struct pw_general_name *g = &crl->idp_dp.full_name.v[i];
		if (g->type != PW_GN_URI)
			continue;
		char shown[256];
		size_t k = 0;
		for (size_t j = 0; j < g->value.len && k + 1 < sizeof shown; j++) {
			uint8_t ch = g->value.p[j];
			shown[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		shown[k] = '\0';
		snprintf(out_detail, detail_len,
		         "the issuingDistributionPoint names %s%s, not the URL fetched", shown,
		         n_uri > 1 ? " (and others)" : "");
		break;
	}
	return 1;
}

/* Serial comparison on INTEGER contents: the same bytes (DER is minimal,
 * so equal values have equal encodings). */
int pw_monitor_crl_lists(const struct pw_crl *crl, const uint8_t *serial, size_t serial_len)
{
	for (size_t i = 0; i < crl->n_entries; i++)
		if (crl->entries[i].serial.len == serial_len &&
		    memcmp(crl->entries[i].serial.p, serial, serial_len) == 0)
			return 1;
	return 0;
}

/* Case-insensitive prefix match of a media type (parameters ignored). */
static int media_is(const char *ct, const char *type)
{
	size_t n = strlen(type);
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

enum pw_monitor_body pw_monitor_classify_body(const char *content_type, const uint8_t *body,
                                              size_t len)
{
	if (content_type != NULL &&
	    (media_is(content_type, "text/html") || media_is(content_type, "application/xhtml+xml")))
		return PW_MONITOR_BODY_HTML;
	if (len == 0 || body == NULL)
		return PW_MONITOR_BODY_OTHER;
	if (body[0] == 0x30)
		return PW_MONITOR_BODY_DER;
	/* Skip leading whitespace before looking for markup or PEM armour. */
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i < len && body[i] == '<')
		return PW_MONITOR_BODY_HTML;
	if (len - i >= 10 && memcmp(body + i, "-----BEGIN", 10) == 0)
		return PW_MONITOR_BODY_PEM;
	return PW_MONITOR_BODY_OTHER;
}

int pw_monitor_der_truncated(const uint8_t *body, size_t len)
{
	/* X.690 §8.1.3: definite length, short or long form (at most 8 octets
	 * here; DER lengths beyond that cannot be real CRLs). */
	if (len < 2 || body[0] != 0x30)
		return 0;
	uint64_t total;
	size_t hdr;
	if ((body[1] & 0x80) == 0) {
		total = body[1];
		hdr = 2;
	} else {
		size_t n = body[1] & 0x7f;
		if (n == 0 || n > 8)
			return 0;
		if (len < 2 + n)
			return 1; /* the length octets themselves are cut off */
		total = 0;
		for (size_t i = 0; i < n; i++)
			total = (total << 8) | body[2 + i];
		hdr = 2 + n;
	}
	return total > (uint64_t)(len - hdr);
}

enum pw_monitor_verdict pw_monitor_crl_verdict(int listed, int64_t revoked_at, int64_t now,
                                               int64_t deadline)
{
	if (listed)
		return PW_MONITOR_VISIBLE;
	/* BR 4.9.7: a new CRL within 24 hours of recording the revocation. */
	return now - revoked_at > deadline ? PW_MONITOR_LATE : PW_MONITOR_PENDING;
}

enum pw_monitor_verdict pw_monitor_ocsp_verdict(int status, int64_t revoked_at, int64_t now,
                                                int64_t grace, int64_t deadline)
{
	int64_t age = now - revoked_at;
	switch (status) {
	case PW_OCSP_REVOKED:
		return PW_MONITOR_VISIBLE;
	case PW_OCSP_GOOD:
		if (age > grace)
			return PW_MONITOR_STALE_GOOD;
		return PW_MONITOR_PENDING;
	default:
		/* BR 4.9.9: "unknown" is not an authoritative answer for an issued
		 * certificate; tolerated only until the deadline. */
		return age > deadline ? PW_MONITOR_UNKNOWN_STATUS : PW_MONITOR_PENDING;
	}
}

char *pw_monitor_subject_url(const char *url, char out[PW_MONITOR_SUBJECT_MAX])
{
	size_t n = strlen(url);
	if (4 + n <= PW_STORE_EVENT_MAX_TEXT && 4 + n < PW_MONITOR_SUBJECT_MAX) {
		memcpy(out, "url:", 4);
		memcpy(out + 4, url, n + 1);
		return out;
	}
	uint8_t h[32];
	char hex[65];
	SHA256((const unsigned char *)url, n, h);
	pw_hex_encode(h, 32, hex);
	snprintf(out, PW_MONITOR_SUBJECT_MAX, "url-sha256:%s", hex);
	return out;
}
