/* Fuzz target: the OCSP response parser (pw_ocsp_resp_parse). Checks that
 * every accepted response's windows lie inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "pkiward/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in_bounds(const struct pw_der *w, const uint8_t *data, size_t size)
{
	if (w->len > 0 && (w->p < data || w->p + w->len > data + size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_ocsp_resp r;
	struct pw_error err;
	pw_ocsp_resp_init(&r);
	if (pw_ocsp_resp_parse(&r, data, size, &err) == PW_OK) {
		in_bounds(&r.tbs, data, size);
		for (size_t i = 0; i < r.n_responses; i++) {
			in_bounds(&r.responses[i].serial, data, size);
			in_bounds(&r.responses[i].issuer_key_hash, data, size);
		}
	} else if (err.has_offset && err.offset > size) {
		abort(); /* an error must point inside the input */
	}
	pw_ocsp_resp_cleanup(&r);
	return 0;
}
