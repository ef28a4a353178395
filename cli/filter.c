/* pkiward command line: the certificate filter flags (cli/filter.h). */
#include <string.h>
#include <time.h>

#include "cli.h"
#include "filter.h"
#include "pkiward/buf.h"

enum {
	O_SHA = PW_CLI_FILTER_OPT_BASE, O_ISSUER, O_SERIAL, O_SPKI, O_NAME, O_DOMAIN, O_AFTER,
	O_BEFORE, O_VALID, O_DCV, O_PROFILE, O_REVOKED, O_UNREVOKED, O_EXPIRED, O_UNEXPIRED,
	O_PRECERT, O_CERT, O_CA, O_LEAF, O_LINT, O_NOW
};

const struct option pw_cli_filter_options[] = {
	{"sha256", required_argument, NULL, O_SHA},
	{"issuer", required_argument, NULL, O_ISSUER},
	{"serial", required_argument, NULL, O_SERIAL},
	{"spki", required_argument, NULL, O_SPKI},
	{"name", required_argument, NULL, O_NAME},
	{"domain", required_argument, NULL, O_DOMAIN},
	{"issued-after", required_argument, NULL, O_AFTER},
	{"issued-before", required_argument, NULL, O_BEFORE},
	{"valid-at", required_argument, NULL, O_VALID},
	{"dcv-method", required_argument, NULL, O_DCV},
	{"profile", required_argument, NULL, O_PROFILE},
	{"revoked", no_argument, NULL, O_REVOKED},
	{"unrevoked", no_argument, NULL, O_UNREVOKED},
	{"expired", no_argument, NULL, O_EXPIRED},
	{"unexpired", no_argument, NULL, O_UNEXPIRED},
	{"precert", no_argument, NULL, O_PRECERT},
	{"cert", no_argument, NULL, O_CERT},
	{"ca", no_argument, NULL, O_CA},
	{"leaf", no_argument, NULL, O_LEAF},
	{"lint", required_argument, NULL, O_LINT},
	{"now", required_argument, NULL, O_NOW},
	{NULL, 0, NULL, 0},
};

int pw_cli_filter_merge_options(const struct option *own, struct option *out, size_t cap)
{
	size_t n = 0;
	for (const struct option *o = pw_cli_filter_options; o->name != NULL; o++) {
		if (n + 1 >= cap)
			return 0;
		out[n++] = *o;
	}
	for (const struct option *o = own; o->name != NULL; o++) {
		if (n + 1 >= cap)
			return 0;
		out[n++] = *o;
	}
	memset(&out[n], 0, sizeof out[n]);
	return 1;
}

void pw_cli_filter_init(struct pw_cli_filter *cf)
{
	memset(cf, 0, sizeof *cf);
	cf->f.now = (int64_t)time(NULL);
}

static int parse_sha(const char *verb, const char *flag, const char *v, uint8_t out[32])
{
	if (!pw_hex_decode(v, out, 32)) {
		fprintf(stderr, "pkiward %s: %s: expected 64 hex digits, got '%s'\n", verb, flag, v);
		return 0;
	}
	return 1;
}

static int parse_date(const char *verb, const char *flag, const char *v, int64_t *out)
{
	if (!pw_cli_parse_time(v, out)) {
		fprintf(stderr, "pkiward %s: %s: expected YYYY-MM-DD or RFC 3339, got '%s'\n", verb,
		        flag, v);
		return 0;
	}
	return 1;
}

int pw_cli_filter_option(struct pw_cli_filter *cf, const char *verb, int code, const char *arg)
{
	struct pw_store_filter *f = &cf->f;
	switch (code) {
	case O_SHA:
		if (!parse_sha(verb, "--sha256", arg, f->sha256))
			return -1;
		f->has_sha256 = 1;
		break;
	case O_ISSUER: cf->issuer = arg; break;
	case O_SERIAL:
		if (!pw_hex_decode_var(arg, f->serial, sizeof f->serial, &f->serial_len)) {
			fprintf(stderr, "pkiward %s: --serial: expected hex, got '%s'\n", verb, arg);
			return -1;
		}
		f->has_serial = 1;
		break;
	case O_SPKI:
		if (!parse_sha(verb, "--spki", arg, f->spki_sha256))
			return -1;
		f->has_spki = 1;
		break;
	case O_NAME: f->name = arg; break;
	case O_DOMAIN: f->domain = arg; break;
	case O_AFTER:
		if (!parse_date(verb, "--issued-after", arg, &f->issued_after))
			return -1;
		f->has_issued_after = 1;
		break;
	case O_BEFORE:
		if (!parse_date(verb, "--issued-before", arg, &f->issued_before))
			return -1;
		f->has_issued_before = 1;
		break;
	case O_VALID:
		if (!parse_date(verb, "--valid-at", arg, &f->valid_at))
			return -1;
		f->has_valid_at = 1;
		break;
	case O_NOW:
		if (!parse_date(verb, "--now", arg, &f->now))
			return -1;
		return 1; /* a reference time, not a condition */
	case O_DCV:
		if (!pw_store_method_ok(arg, strlen(arg))) {
			fprintf(stderr,
			        "pkiward %s: --dcv-method: expected a BR method id like 3.2.2.4.19, got '%s'\n",
			        verb, arg);
			return -1;
		}
		f->dcv_method = arg;
		break;
	case O_PROFILE: f->profile = arg; break;
	case O_REVOKED: f->revoked = PW_STORE_YES; break;
	case O_UNREVOKED: f->revoked = PW_STORE_NO; break;
	case O_EXPIRED: f->expired = PW_STORE_YES; break;
	case O_UNEXPIRED: f->expired = PW_STORE_NO; break;
	case O_PRECERT: f->kind = PW_STORE_KIND_PRECERT; break;
	case O_CERT: f->kind = PW_STORE_KIND_CERT; break;
	case O_CA: f->ca = PW_STORE_YES; break;
	case O_LEAF: f->ca = PW_STORE_NO; break;
	case O_LINT: f->lint = arg; break;
	default: return 0;
	}
	cf->n_conditions++;
	return 1;
}

void pw_cli_filter_finish(struct pw_cli_filter *cf)
{
	if (cf->issuer == NULL)
		return;
	/* 64 hex digits name the CA certificate; anything else is a DN. */
	if (strlen(cf->issuer) == 64 && pw_hex_decode(cf->issuer, cf->f.issuer_sha256, 32))
		cf->f.has_issuer_sha256 = 1;
	else
		cf->f.issuer_dn = cf->issuer;
}

void pw_cli_filter_usage(FILE *out)
{
	fprintf(out,
	        "  --sha256 HEX            this certificate\n"
	        "  --issuer SHA256|DN      the issuing CA (its certificate's SHA-256, or its subject DN)\n"
	        "  --serial HEX            serial number (with or without --issuer)\n"
	        "  --spki HEX              SHA-256 of the SubjectPublicKeyInfo\n"
	        "  --name NAME             exact dNSName / IP / email / CN\n"
	        "  --domain DOMAIN         the domain and every name under it (incl. wildcards)\n"
	        "  --issued-after DATE     notBefore >= DATE (YYYY-MM-DD or RFC 3339)\n"
	        "  --issued-before DATE    notBefore <  DATE\n"
	        "  --valid-at DATE         valid at that instant\n"
	        "  --dcv-method 3.2.2.4.N  validated with this BR method\n"
	        "  --profile P             recorded profile (dv, ov, iv, ev, ...)\n"
	        "  --revoked | --unrevoked\n"
	        "  --expired | --unexpired (relative to now, or --now DATE)\n"
	        "  --precert | --cert      only precertificates / only certificates\n"
	        "  --ca | --leaf           only CA / only non-CA certificates\n"
	        "  --lint NAME             has a stored finding of this lint (ingest --lint)\n");
}
