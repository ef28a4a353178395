/* Fuzz target: what the monitor does with a fetched body before and after
 * the CRL parser (monitor.h): body classification, the truncation test, the
 * CRL-number normalisation, the IDP verdict against a fixed URL and the entry
 * lookup. Invariants: truncation is never claimed for a body that parses as
 * a CRL, and a normalised CRL number round-trips through its decimal text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char url[] = "http://crl.example.com/ca/0.crl";
	struct pw_crl crl;
	struct pw_error err;
	uint8_t num[PW_STORE_MONITOR_CRL_NUMBER_LEN];
	char detail[256], txt[64];
	int not_critical;

	(void)pw_monitor_classify_body(size > 0 && data[0] == 't' ? "text/html" : NULL, data, size);
	int truncated = pw_monitor_der_truncated(data, size);
	pw_crl_init(&crl);
	if (pw_crl_parse(&crl, data, size, &err) == PW_OK) {
		if (truncated)
			abort();
		(void)pw_monitor_idp_mismatch(&crl, url, strlen(url), &not_critical, detail,
		                              sizeof detail);
		if (crl.n_entries > 0 &&
		    !pw_monitor_crl_lists(&crl, crl.entries[0].serial.p, crl.entries[0].serial.len))
			abort();
		if (crl.has_crl_number &&
		    pw_monitor_crl_number_norm(crl.crl_number.p, crl.crl_number.len, num)) {
			pw_monitor_crl_number_text(num, txt, sizeof txt);
			if (txt[0] == '\0' || (txt[0] == '0' && txt[1] != '\0'))
				abort();
		}
	}
	pw_crl_cleanup(&crl);
	/* Raw bytes as a CRL number too. */
	if (pw_monitor_crl_number_norm(data, size, num))
		pw_monitor_crl_number_text(num, txt, sizeof txt);
	return 0;
}
