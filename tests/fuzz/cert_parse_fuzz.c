/* Fuzz target for cert/: the input is framed like a file given to pkiward
 * (PEM or DER), and every object is parsed as a certificate, TBS, CSR and
 * CRL whatever its label says, so each parser sees every shape. The raw
 * input is also parsed directly as DER. Objects are re-used across calls
 * as in the store's ingest loop (arena reuse is part of what is tested).
 * Invariants checked: a successful parse leaves every window inside the
 * input, and re-parsing gives the same hashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/cert.h"

static int inside(const struct pw_der *w, const uint8_t *p, size_t len)
{
	return w->len == 0 || (w->p >= p && w->p + w->len <= p + len);
}

static void check_cert(struct pw_cert *c, const uint8_t *p, size_t len, int tbs)
{
	struct pw_error err;
	enum pw_status st = tbs ? pw_cert_parse_tbs(c, p, len, &err) : pw_cert_parse(c, p, len, &err);
	if (st != PW_OK) {
		if (err.status != st)
			abort();
		return;
	}
	if (!inside(&c->tbs, p, len) || !inside(&c->serial, p, len) ||
	    !inside(&c->spki.raw, p, len) || !inside(&c->issuer.raw, p, len))
		abort();
	for (size_t i = 0; i < c->n_exts; i++)
		if (!inside(&c->exts[i].value, p, len))
			abort();
	for (size_t i = 0; i < c->x.san.names.n; i++)
		if (!inside(&c->x.san.names.v[i].value, p, len))
			abort();
	char buf[512];
	pw_name_to_text(&c->subject, buf, sizeof buf);
	pw_name_to_text(&c->issuer, buf, sizeof buf);
	pw_serial_to_hex(&c->serial, buf, sizeof buf);
	uint8_t link[32];
	memcpy(link, c->link_sha256, 32);
	st = tbs ? pw_cert_parse_tbs(c, p, len, &err) : pw_cert_parse(c, p, len, &err);
	if (st != PW_OK || memcmp(link, c->link_sha256, 32) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pw_cert c;
	static struct pw_csr r;
	static struct pw_crl l;
	struct pw_objects objs;
	struct pw_error err;

	check_cert(&c, data, size, 0);
	check_cert(&c, data, size, 1);
	if (pw_csr_parse(&r, data, size, &err) == PW_OK && !inside(&r.info, data, size))
		abort();
	if (pw_crl_parse(&l, data, size, &err) == PW_OK && !inside(&l.tbs, data, size))
		abort();
	(void)pw_der_sniff(data, size);

	enum pw_status st = pw_objects_read(data, size, &objs, &err);
	if (st != PW_OK && err.status != st)
		abort();
	for (size_t i = 0; i < objs.n; i++) {
		const struct pw_object *o = &objs.v[i];
		check_cert(&c, o->der, o->der_len, 0);
		check_cert(&c, o->der, o->der_len, 1);
		if (pw_csr_parse(&r, o->der, o->der_len, &err) != PW_OK && err.status == PW_OK)
			abort();
		if (pw_crl_parse(&l, o->der, o->der_len, &err) != PW_OK && err.status == PW_OK)
			abort();
	}
	pw_objects_free(&objs);
	return 0;
}
