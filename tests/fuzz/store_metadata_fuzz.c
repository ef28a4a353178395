/* Fuzz target: the metadata sidecar line parser (docs/metadata.md).
 * Besides not crashing, a parsed record must satisfy every promise of
 * pw_store_metadata_parse_line: a valid method id, lowercase profile token,
 * bounded counts, names indexable by pw_store_name_key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_store_metadata m;
	struct pw_error err;
	char key[PW_STORE_MAX_NAME + 1];

	pw_store_metadata_init(&m);
	if (pw_store_metadata_parse_line(data, size, &m, &err) == PW_OK) {
		if (m.n_validations > PW_STORE_META_MAX_VALIDATIONS)
			abort();
		for (size_t i = 0; i < m.n_validations; i++) {
			const struct pw_store_validation *v = &m.validations[i];
			if (!pw_store_method_ok(v->method, strlen(v->method)))
				abort();
			if (!pw_store_name_key(v->name, strlen(v->name), key, sizeof key))
				abort();
		}
		if (m.profile != NULL) {
			if (strlen(m.profile) == 0 || strlen(m.profile) > PW_STORE_META_MAX_PROFILE)
				abort();
			for (const char *p = m.profile; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
					abort();
		}
		if (m.order != NULL && strlen(m.order) > PW_STORE_META_MAX_TEXT)
			abort();
	} else if (err.status == PW_OK || (m.profile != NULL || m.n_validations != 0)) {
		abort(); /* a failure must say why and leave nothing behind */
	}
	pw_store_metadata_cleanup(&m);
	return 0;
}
