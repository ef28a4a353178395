/* Fuzzes key input parsing (PEM, DER, JWK, hex modulus) and the checks run
 * on whatever parses (pkiward check-key reads untrusted CSRs and keys). */
#include <stddef.h>
#include <stdint.h>

#include "pkiward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_keys_key *k = NULL;
	struct pw_error err;
	if (pw_keys_key_parse(data, size, &k, &err) != PW_OK)
		return 0;
	struct pw_keys_result res;
	uint8_t h[32];
	size_t len = 0;
	(void)pw_keys_key_get0_spki(k, &len);
	(void)pw_keys_key_spki_sha256(k, h);
	(void)pw_keys_key_badkeys_sha256(k, h);
	/* The primality test is a full-size exponentiation: too slow for fuzzing. */
	if (pw_keys_check(k, NULL, 0, PW_KEYS_CHECK_WIENER, &res, &err) == PW_OK)
		(void)pw_keys_result_has_error(&res);
	pw_keys_key_free(k);
	return 0;
}
