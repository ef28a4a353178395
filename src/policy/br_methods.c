/* policy/br_methods.c: the Baseline Requirements history of every domain
 * (BR 3.2.2.4.N) and IP address (BR 3.2.2.5.N) validation method.
 *
 * Sources: the revision table (BR 2.2.6 §1.2.1: ballot, version, effective
 * date) and relevant-dates table (§1.2.2) of ../shared/reference/
 * cabf-br-2.2.6.md; for dates the current text no longer carries (methods
 * retired long ago), the BR versions themselves as published in the
 * CA/Browser Forum's servercert repository (docs/BR.md at versions 1.4.2,
 * 1.5.2, 1.5.6, 1.6.3, 1.6.4, 1.6.6, 1.6.8, 1.7.2, 1.7.4, 1.8.5, 2.1.2,
 * 2.2.1, 2.2.2). docs/policy.md lists them with the exact wording.
 *
 * How numbering came about (why `from` differs between methods): Ballot 169
 * (BR 1.4.1) introduced 3.2.2.4.1-.10 with an effective date of 2017-03-01,
 * but Ballot 181 (BR 1.4.2, effective 2017-01-07) replaced that text before
 * it took effect, keeping only .5, .6, .10 and ".11 Other Methods"; Ballot
 * 190 (BR 1.5.2, effective 2017-10-19) brought back .1-.4 and .7-.9 and
 * dropped .11. Before those dates a validation recorded under a 3.2.2.4.N
 * number names a method the BR did not define under that number. */
#include <string.h>

#include "pkiward/policy.h"

#define B181 "Ballot 181 (BR 1.4.2), effective 2017-01-07"
#define B190 "Ballot 190 (BR 1.5.2), effective 2017-10-19"
#define B218 "Ballot 218 (BR 1.5.6 §3.2.2.4.1, §3.2.2.4.5, §4.2.1): no validation with this method and no re-use of earlier ones on or after 2018-08-01"
#define SC007 "Ballot SC007 (BR 1.6.4), effective 2019-03-16"
#define SC025 "Ballot SC025 (BR 1.6.8), effective 2020-03-03"
#define SC033 "Ballot SC033 (BR 1.7.2), effective 2020-09-22"
#define SC056 "Ballot SC056 (BR 1.8.5, effective 2022-11-30): retired; prior validations SHALL NOT be used to issue certificates"
#define SC080 "Ballot SC080 (BR 2.1.2; BR 2.2.6 §1.2.2): MUST NOT rely on it from 2025-07-15, prior validations included"
#define SC090_26 "Ballot SC090 (BR 2.2.2; BR 2.2.6 §1.2.2): MUST NOT rely on it from 2026-03-15, prior validations included"
#define SC090_27 "Ballot SC090 (BR 2.2.2; BR 2.2.6 §1.2.2): MUST NOT rely on it from 2027-03-15, prior validations included"
#define SC090_28 "Ballot SC090 (BR 2.2.2; BR 2.2.6 §1.2.2): MUST NOT rely on it from 2028-03-15, prior validations included"

static const struct pw_policy_br_method methods[] = {
	{"3.2.2.4.1", "Validating the Applicant as a Domain Contact", "2017-10-19", B190,
	 "2018-08-01", B218, "2018-08-01", B218},
	{"3.2.2.4.2", "Email, Fax, SMS, or Postal Mail to Domain Contact", "2017-10-19", B190,
	 "2025-07-15", SC080, "2025-07-15", SC080},
	{"3.2.2.4.3", "Phone Contact with Domain Contact", "2017-10-19", B190, "2019-06-01",
	 "Ballot SC014 (BR 1.6.4 §3.2.2.4.3, §1.2.2): no validations after 2019-05-31",
	 "2022-11-30", SC056},
	{"3.2.2.4.4", "Email to a Constructed Address", "2017-10-19", B190, "2028-03-15", SC090_28,
	 "2028-03-15", SC090_28},
	{"3.2.2.4.5", "Domain Authorization Document", "2017-01-07", B181, "2018-08-01", B218,
	 "2018-08-01", B218},
	{"3.2.2.4.6", "Agreed-Upon Change to Website", "2017-01-07", B181, "2020-06-03",
	 "Ballot SC025 (BR 1.6.8 §1.2.2; BR 1.7.4 §3.2.2.4.6): no validations after 2020-06-03",
	 "2022-11-30", SC056},
	{"3.2.2.4.7", "DNS Change", "2017-10-19", B190, NULL, NULL, NULL, NULL},
	{"3.2.2.4.8", "IP Address", "2017-10-19", B190, "2026-03-15", SC090_26, "2026-03-15",
	 SC090_26},
	{"3.2.2.4.9", "Test Certificate", "2017-10-19", B190, "2019-03-16",
	 "Ballot SC015 (BR 1.6.4), effective 2019-03-16: retired; prior validations SHALL NOT be used",
	 "2019-03-16",
	 "Ballot SC015 (BR 1.6.4), effective 2019-03-16: retired; prior validations SHALL NOT be used"},
	{"3.2.2.4.10", "TLS Using a Random Number", "2017-01-07", B181, "2020-09-22",
	 "Ballot SC033 (BR 1.7.2), effective 2020-09-22: retired; prior validations SHALL NOT be used",
	 "2020-09-22",
	 "Ballot SC033 (BR 1.7.2), effective 2020-09-22: retired; prior validations SHALL NOT be used"},
	{"3.2.2.4.11", "Any Other Method", "2017-01-07", B181, "2017-10-19",
	 "Ballot 190 (BR 1.5.2), effective 2017-10-19: removed; BR 1.5.6 marks it retired", NULL,
	 NULL},
	{"3.2.2.4.12", "Validating Applicant as a Domain Contact", "2018-03-09",
	 "Ballot 218 (BR 1.5.6), effective 2018-03-09", NULL, NULL, NULL, NULL},
	{"3.2.2.4.13", "Email to DNS CAA Contact", "2019-02-01",
	 "Ballot SC013 (BR 1.6.3), effective 2019-02-01", "2028-03-15", SC090_28, "2028-03-15",
	 SC090_28},
	{"3.2.2.4.14", "Email to DNS TXT Contact", "2019-02-01",
	 "Ballot SC013 (BR 1.6.3), effective 2019-02-01", "2028-03-15", SC090_28, "2028-03-15",
	 SC090_28},
	{"3.2.2.4.15", "Phone Contact with Domain Contact", "2019-03-16",
	 "Ballot SC014 (BR 1.6.4), effective 2019-03-16", "2025-07-15", SC080, "2025-07-15", SC080},
	{"3.2.2.4.16", "Phone Contact with DNS TXT Record Phone Contact", "2019-03-16",
	 "Ballot SC014 (BR 1.6.4), effective 2019-03-16", "2027-03-15", SC090_27, "2027-03-15",
	 SC090_27},
	{"3.2.2.4.17", "Phone Contact with DNS CAA Phone Contact", "2019-09-09",
	 "Ballot SC019 (BR 1.6.6), effective 2019-09-09", "2027-03-15", SC090_27, "2027-03-15",
	 SC090_27},
	{"3.2.2.4.18", "Agreed-Upon Change to Website v2", "2020-03-03", SC025, NULL, NULL, NULL,
	 NULL},
	{"3.2.2.4.19", "Agreed-Upon Change to Website - ACME", "2020-03-03", SC025, NULL, NULL,
	 NULL, NULL},
	{"3.2.2.4.20", "TLS Using ALPN", "2020-09-22", SC033, NULL, NULL, NULL, NULL},
	{"3.2.2.4.21", "DNS Labeled with Account ID - ACME", "2025-03-01",
	 "Ballot SC084 (BR 2.1.4), effective 2025-03-01", NULL, NULL, NULL, NULL},
	{"3.2.2.4.22", "DNS TXT Record with Persistent Value", "2025-11-10",
	 "Ballot SC088 (BR 2.1.9), effective 2025-11-10", NULL, NULL, NULL, NULL},
	{"3.2.2.5.1", "Agreed-Upon Change to Website (IP)", "2019-03-16", SC007, NULL, NULL, NULL,
	 NULL},
	{"3.2.2.5.2", "Email, Fax, SMS, or Postal Mail to IP Address Contact", "2019-03-16", SC007,
	 "2027-03-15", SC090_27, "2027-03-15", SC090_27},
	{"3.2.2.5.3", "Reverse Address Lookup", "2019-03-16", SC007, "2027-03-15",
	 "Ballot SC091 (BR 2.2.1; BR 2.2.6 §1.2.2, §3.2.2.5.3): MUST NOT rely on it from 2027-03-15, prior validations included",
	 "2027-03-15",
	 "Ballot SC091 (BR 2.2.1; BR 2.2.6 §1.2.2, §3.2.2.5.3): MUST NOT rely on it from 2027-03-15, prior validations included"},
	{"3.2.2.5.4", "Any Other Method (IP)", "2019-03-16", SC007, "2019-08-01",
	 "Ballot SC007 (BR 1.6.4 §1.2.2, §3.2.2.5.4): no validations after 2019-07-31",
	 "2019-08-01",
	 "Ballot SC007 (BR 1.6.4 §3.2.2.5.4): completed validations not re-used for issuance after 2019-07-31"},
	{"3.2.2.5.5", "Phone Contact with IP Address Contact", "2019-03-16", SC007, "2027-03-15",
	 SC090_27, "2027-03-15", SC090_27},
	{"3.2.2.5.6", "ACME \"http-01\" method for IP Addresses", "2019-03-16", SC007, NULL, NULL,
	 NULL, NULL},
	{"3.2.2.5.7", "ACME \"tls-alpn-01\" method for IP Addresses", "2019-03-16", SC007, NULL,
	 NULL, NULL, NULL},
	{"3.2.2.5.8", "DNS TXT Record with Persistent Value in the Reverse Namespace", "2025-12-16",
	 "Ballot SC091 (BR 2.2.1; BR 2.2.6 §1.2.1), effective 2025-12-16", NULL, NULL, NULL, NULL},
};

const struct pw_policy_br_method *pw_policy_br_methods(size_t *n)
{
	if (n != NULL)
		*n = sizeof methods / sizeof methods[0];
	return methods;
}

const struct pw_policy_br_method *pw_policy_br_method(const char *section)
{
	if (section == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(methods[i].section, section) == 0)
			return &methods[i];
	return NULL;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int pw_policy_parse_date(const char *s, size_t len, int64_t *out)
{
	static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned v[8];
	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0, k = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v[k++] = (unsigned)(s[i] - '0');
	}
	unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	unsigned m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return 0;
	*out = days_from_civil((int64_t)y, m, d) * 86400;
	return 1;
}
