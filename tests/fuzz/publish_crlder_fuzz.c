/* Fuzz target: the CRL DER writer (publish/crl_der.c) round trip. The input
 * is read as a list of entries (serial length and octets, a revocation time,
 * a reason, an invalidity date) plus a CRL number and an IDP URL; whatever
 * the writer accepts must parse back with pkiward's strict DER CRL parser
 * (pw_crl_parse) with the same entries in the same order, and the sort must
 * order them. Entries the writer refuses (bad lengths, dates) are an error
 * return, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/publish.h"

#define FUZZ_MAX_ENTRIES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take(const uint8_t **p, size_t *n, size_t k)
{
	uint64_t v = 0;
	for (size_t i = 0; i < k; i++) {
		v = (v << 8) | (*n ? **p : 0);
		if (*n) {
			(*p)++;
			(*n)--;
		}
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Name ::= SEQUENCE { SET { SEQUENCE { OID CN, UTF8String "x" } } } */
	static const uint8_t issuer[] = {0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03,
	                                 0x55, 0x04, 0x03, 0x0c, 0x01, 0x78};
	static const uint8_t alg[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
	                              0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
	static const uint8_t sig[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
	struct pw_crl_revoked e[FUZZ_MAX_ENTRIES];
	struct pw_crl_tbs t;
	struct pw_buf tbs, crl;
	struct pw_crl l;
	struct pw_error err;
	char url[64];
	const uint8_t *p = data;
	size_t n = size, k = 0;

	memset(&t, 0, sizeof t);
	t.number = take(&p, &n, 8);
	if (take(&p, &n, 1) & 1) {
		size_t ul = (size_t)(take(&p, &n, 1) % 40);
		memcpy(url, "http://a/", 9);
		for (size_t i = 0; i < ul; i++)
			url[9 + i] = (char)('a' + take(&p, &n, 1) % 26);
		url[9 + ul] = '\0';
		t.idp_url = url;
	}
	while (n > 0 && k < FUZZ_MAX_ENTRIES) {
		size_t sl = (size_t)take(&p, &n, 1) % 24;
		memset(&e[k], 0, sizeof e[k]);
		e[k].serial_len = sl > n ? n : sl;
		e[k].serial = p;
		p += e[k].serial_len;
		n -= e[k].serial_len;
		e[k].revoked_at = (int64_t)(take(&p, &n, 5) % 4000000000ULL) - 600000000;
		e[k].reason = (unsigned)take(&p, &n, 1) % 12;
		e[k].has_reason = e[k].reason != 11;
		if (take(&p, &n, 1) & 1)
			e[k].invalidity_date = (int64_t)(take(&p, &n, 4)) + 1;
		k++;
	}
	/* The writer takes minimal positive serials; skip others (the store
	 * only holds serials as certificates encode them). */
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		const struct pw_crl_revoked *x = &e[i];
		if (x->serial_len == 0 || (x->serial[0] & 0x80) ||
		    (x->serial_len > 1 && x->serial[0] == 0 && !(x->serial[1] & 0x80)))
			continue;
		e[m++] = e[i];
	}
	if (!pw_crl_revoked_sort(e, m))
		return 0;
	for (size_t i = 1; i < m; i++)
		if (pw_crl_revoked_cmp(&e[i - 1], &e[i]) > 0)
			abort();
	t.sig_alg = alg;
	t.sig_alg_len = sizeof alg;
	t.issuer = issuer;
	t.issuer_len = sizeof issuer;
	t.this_update = 1700000000;
	t.next_update = 1700600000;
	t.entries = e;
	t.n_entries = m;
	pw_buf_init(&tbs);
	pw_buf_init(&crl);
	pw_crl_init(&l);
	if (!pw_crl_encode_tbs(&t, &tbs, &err))
		goto out;
	if (!pw_crl_encode_signed(tbs.data, tbs.len, alg, sizeof alg, sig, sizeof sig, &crl, &err))
		abort();
	if (pw_crl_parse(&l, crl.data, crl.len, &err) != PW_OK)
		abort(); /* everything the writer makes is strict DER */
	if (l.n_entries != m || !l.has_crl_number || l.has_idp != (t.idp_url != NULL))
		abort();
	for (size_t i = 0; i < m; i++) {
		const struct pw_crl_entry *ce = &l.entries[i];
		if (ce->serial.len != e[i].serial_len ||
		    memcmp(ce->serial.p, e[i].serial, ce->serial.len) != 0 ||
		    ce->revocation_date != e[i].revoked_at ||
		    ce->has_reason != (e[i].has_reason && e[i].reason != 0) ||
		    (ce->has_reason && ce->reason != e[i].reason) ||
		    ce->has_invalidity_date != (e[i].invalidity_date != 0))
			abort();
	}
out:
	pw_crl_cleanup(&l);
	pw_buf_cleanup(&tbs);
	pw_buf_cleanup(&crl);
	return 0;
}
