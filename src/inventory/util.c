/* inventory/util.c: days, digests and small helpers shared by the module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"

/* Howard Hinnant's civil-from-days algorithm, inverted: exact for the
 * proleptic Gregorian calendar, no time zone or libc state involved. */
int64_t pw_inv_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (int64_t)(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int pw_inv_valid_day(int64_t y, unsigned m, unsigned d)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	unsigned lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	return d <= lim;
}

int pw_inventory_parse_day(const char *s, size_t len, int64_t *out)
{
	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (!pw_inv_valid_day(y, m, d))
		return 0;
	*out = pw_inv_days_from_civil(y, m, d) * PW_INVENTORY_DAY;
	return 1;
}

char *pw_inventory_day_text(int64_t t, char *buf, size_t buflen)
{
	/* civil_from_days (Hinnant), floor division for times before 1970. */
	int64_t z = (t >= 0 ? t / PW_INVENTORY_DAY : -((-t + PW_INVENTORY_DAY - 1) / PW_INVENTORY_DAY));
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	const int64_t d = doy - (153 * mp + 2) / 5 + 1;
	const int64_t m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	if (buflen > 0)
		snprintf(buf, buflen, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
	return buf;
}

int pw_inv_cmp32(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

size_t pw_inv_sort_unique(uint8_t *fps, size_t n)
{
	size_t w = 0;
	if (n == 0)
		return 0;
	qsort(fps, n, 32, pw_inv_cmp32);
	for (size_t i = 1; i < n; i++)
		if (memcmp(fps + 32 * w, fps + 32 * i, 32) != 0) {
			w++;
			if (w != i)
				memcpy(fps + 32 * w, fps + 32 * i, 32);
		}
	return w + 1;
}

char *pw_inv_strndup(const void *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s == NULL)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static int put_text(EVP_MD_CTX *md, const char *t)
{
	uint8_t hdr[5] = {0};
	size_t n = t ? strlen(t) : 0;
	hdr[0] = t != NULL;
	hdr[1] = (uint8_t)(n >> 24);
	hdr[2] = (uint8_t)(n >> 16);
	hdr[3] = (uint8_t)(n >> 8);
	hdr[4] = (uint8_t)n;
	return EVP_DigestUpdate(md, hdr, sizeof hdr) && (n == 0 || EVP_DigestUpdate(md, t, n));
}

static int put_i64(EVP_MD_CTX *md, int64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	return EVP_DigestUpdate(md, b, 8);
}

int pw_inv_statement_digest(const char *scheme, const char *type, const char *auditor,
                            int64_t period_start, int64_t period_end, int64_t statement_date,
                            const char *url, const uint8_t *fps, size_t n, uint8_t out[32])
{
	static const char domain[] = "pkiward-audit-statement-v1";
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
	         EVP_DigestUpdate(md, domain, sizeof domain) && put_text(md, scheme) &&
	         put_text(md, type) && put_text(md, auditor) && put_i64(md, period_start) &&
	         put_i64(md, period_end) && put_i64(md, statement_date) && put_text(md, url) &&
	         put_i64(md, (int64_t)n) && (n == 0 || EVP_DigestUpdate(md, fps, 32 * n)) &&
	         EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
	return ok;
}
