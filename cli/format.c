/* Output and argument helpers shared by verbs (cli/cli.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "pkiward/store.h"

char *pw_cli_time_iso(int64_t t, char *buf, size_t buflen)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, buflen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, buflen, "@%lld", (long long)t);
	return buf;
}

int pw_cli_parse_time(const char *s, int64_t *out)
{
	size_t len = strlen(s);
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		char full[32];
		snprintf(full, sizeof full, "%sT00:00:00Z", s);
		return pw_store_parse_rfc3339(full, strlen(full), out);
	}
	return pw_store_parse_rfc3339(s, len, out);
}

void pw_cli_csv_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

const char *pw_cli_reason_name(unsigned reason)
{
	/* RFC 5280 §5.3.1 CRLReason; value 7 is unused. */
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
		"superseded", "cessationOfOperation", "certificateHold", NULL,
		"removeFromCRL", "privilegeWithdrawn", "aACompromise",
	};
	static _Thread_local char other[24];
	if (reason < sizeof names / sizeof names[0] && names[reason] != NULL)
		return names[reason];
	snprintf(other, sizeof other, "reason-%u", reason);
	return other;
}
