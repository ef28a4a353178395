/* Fuzzes proof-of-compromise verification: flattened JWS (JSON, base64url,
 * embedded JWK), CSRs and private keys arrive from the public. */
#include <stddef.h>
#include <stdint.h>

#include "pkiward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_keys_proof p;
	struct pw_error err;
	if (pw_keys_verify_proof(data, size, &p, &err) == PW_OK)
		pw_keys_proof_cleanup(&p);
	return 0;
}
