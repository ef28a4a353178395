/* Fuzz target: the CPS disclosure parser (pw_policy_disclosure_parse).
 * Checks the invariants a caller relies on: an accepted file has a version,
 * every window names a method the BR defines and ends after it starts; a
 * refused one leaves nothing behind and names where (a field, or an offset
 * inside the input). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_policy_disclosure d;
	struct pw_error err;
	pw_policy_disclosure_init(&d);
	memset(&err, 0, sizeof err);
	if (pw_policy_disclosure_parse(data, size, &d, &err) == PW_OK) {
		if (d.cps_version[0] == '\0')
			abort();
		for (size_t i = 0; i < d.n_dcv; i++) {
			if (pw_policy_br_method(d.dcv[i].section) == NULL)
				abort();
			if (d.dcv[i].has_until && d.dcv[i].until <= d.dcv[i].from)
				abort();
		}
	} else {
		if (d.n_dcv != 0 || d.dcv != NULL)
			abort();
		if (err.has_offset && err.offset > size)
			abort();
		if (err.msg[0] == '\0')
			abort();
	}
	pw_policy_disclosure_cleanup(&d);
	return 0;
}
