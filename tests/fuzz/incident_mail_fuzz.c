/* Fuzz target: message -> report extraction (pw_report_mail_parse): the
 * header check, GMime's MIME walk, reference scanning (SHA-256, colon
 * fingerprints, crt.sh links, serial/issuer lines, names) and the PEM/DER
 * objects and proofs found in parts. Invariants checked on success: a From
 * address and a positive received time, limits held, every reference
 * typed, texts NUL-terminated within their buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_report_mail m;
	struct pw_error err;
	if (pw_report_mail_parse(data, size, &m, &err) != PW_OK) {
		if (err.status == PW_OK)
			abort(); /* a failure always says why */
		return 0;
	}
	if (m.from == NULL || m.from[0] == '\0' || m.received_at <= 0 || m.time_source == NULL)
		abort();
	if (m.n_refs > PW_REPORT_MAIL_MAX_REFS || m.n_proofs > PW_REPORT_MAIL_MAX_PARTS)
		abort();
	for (size_t i = 0; i < m.n_refs; i++) {
		if (m.refs[i].type < PW_REPORT_REF_SHA256 || m.refs[i].type > PW_REPORT_REF_NAME)
			abort();
		if (memchr(m.refs[i].text, '\0', sizeof m.refs[i].text) == NULL)
			abort();
		if (m.refs[i].serial_len > sizeof m.refs[i].serial)
			abort();
	}
	for (size_t i = 0; i < m.n_proofs; i++)
		if (m.proofs[i].data == NULL || m.proofs[i].len > PW_REPORT_MAIL_MAX_MESSAGE)
			abort();
	pw_report_mail_cleanup(&m);
	return 0;
}
