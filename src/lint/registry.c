/* pkiward lint — the registry: every family the build generated
 * (pw_lint_families), flattened and sorted by lint name, with effective
 * dates parsed once. Built on first use under pthread_once; read-only after,
 * so concurrent lint calls share it without locks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lint_util.h"

static struct pw_lint_entry *g_entries;
static size_t g_n;
static char g_error[256];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int entry_cmp(const void *a, const void *b)
{
	const struct pw_lint_entry *x = a, *y = b;
	return strcmp(x->def->name, y->def->name);
}

/* zlint's zero date (0000-01-01) and an absent date both mean "no bound". */
static int parse_bound(const char *s, int64_t *out, uint8_t *has, const char *lint,
                       const char *what)
{
	*has = 0;
	if (s == NULL || s[0] == '\0' || strcmp(s, "0000-01-01") == 0)
		return 1;
	if (!pw_lint_parse_date(s, out)) {
		snprintf(g_error, sizeof g_error, "lint %s: bad %s date '%s' (want YYYY-MM-DD)", lint,
		         what, s);
		return 0;
	}
	*has = 1;
	return 1;
}

static void build(void)
{
	size_t total = 0, k = 0;
	struct pw_lint_entry *v = NULL;

	for (size_t f = 0; pw_lint_families[f] != NULL; f++) {
		total += pw_lint_families[f]->n;
		if (total > PW_LINT_MAX_LINTS) {
			snprintf(g_error, sizeof g_error, "more than %d lints registered",
			         PW_LINT_MAX_LINTS);
			return;
		}
	}
	v = calloc(total ? total : 1, sizeof *v);
	if (v == NULL) {
		snprintf(g_error, sizeof g_error, "out of memory building the lint registry");
		return;
	}
	for (size_t f = 0; pw_lint_families[f] != NULL; f++) {
		const struct pw_lint_family *fam = pw_lint_families[f];
		for (size_t i = 0; i < fam->n; i++) {
			const struct pw_lint_def *d = &fam->defs[i];
			struct pw_lint_entry *e = &v[k];
			if (d->name == NULL || d->check == NULL) {
				snprintf(g_error, sizeof g_error, "family %s: lint %zu has no %s",
				         fam->name, i, d->name == NULL ? "name" : "check");
				goto fail;
			}
			e->def = d;
			e->family = fam;
			e->applies = d->applies;
			e->check = d->check;
			e->target = (uint8_t)d->target;
			e->br_gated = d->source == PW_SRC_CABF_BR && !(d->flags & PW_LINT_F_NO_SOURCE_GATE);
			e->tls_source = (d->source == PW_SRC_CABF_BR || d->source == PW_SRC_CABF_EV ||
			                 d->source == PW_SRC_APPLE || d->source == PW_SRC_CHROME) &&
			                !(d->flags & PW_LINT_F_NO_SOURCE_GATE);
			e->needs_signature = (d->flags & PW_LINT_F_NEEDS_SIGNATURE) != 0;
			if (!parse_bound(d->effective, &e->effective, &e->has_effective, d->name,
			                 "effective") ||
			    !parse_bound(d->ineffective, &e->ineffective, &e->has_ineffective, d->name,
			                 "ineffective"))
				goto fail;
			k++;
		}
	}
	qsort(v, k, sizeof *v, entry_cmp);
	for (size_t i = 1; i < k; i++) {
		if (strcmp(v[i - 1].def->name, v[i].def->name) == 0) {
			snprintf(g_error, sizeof g_error, "lint %s is defined twice (families %s, %s)",
			         v[i].def->name, v[i - 1].family->name, v[i].family->name);
			goto fail;
		}
	}
	/* Number the distinct applies() functions: the engine asks each one
	 * once per object (many lints of a family share one, e.g. "subscriber
	 * certificate with DNS names"), since an applies-check reads only the
	 * context, which is fixed for the object. */
	for (size_t i = 0; i < k; i++) {
		v[i].applies_idx = (uint16_t)i;
		for (size_t j = 0; j < i; j++)
			if (v[j].applies == v[i].applies) {
				v[i].applies_idx = v[j].applies_idx;
				break;
			}
	}
	g_entries = v;
	g_n = k;
	return;
fail:
	free(v);
}

static void ensure(void)
{
	pthread_once(&g_once, build);
}

const struct pw_lint_entry *pw_lint_registry_get0(size_t *out_n)
{
	ensure();
	*out_n = g_n;
	return g_entries;
}

const char *pw_lint_registry_error(void)
{
	ensure();
	return g_error;
}

size_t pw_lint_registry_index(const struct pw_lint_def *def)
{
	ensure();
	if (def == NULL || g_entries == NULL)
		return (size_t)-1;
	size_t lo = 0, hi = g_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g_entries[mid].def->name, def->name);
		if (c == 0)
			return g_entries[mid].def == def ? mid : (size_t)-1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

size_t pw_lint_count(void)
{
	ensure();
	return g_n;
}

const struct pw_lint_def *pw_lint_get0(size_t i)
{
	ensure();
	return i < g_n ? g_entries[i].def : NULL;
}

const struct pw_lint_def *pw_lint_find(const char *name)
{
	ensure();
	if (name == NULL || g_entries == NULL)
		return NULL;
	size_t lo = 0, hi = g_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(g_entries[mid].def->name, name);
		if (c == 0)
			return g_entries[mid].def;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *pw_lint_status_str(enum pw_lint_status s)
{
	switch (s) {
	case PW_LINT_NA: return "NA";
	case PW_LINT_NE: return "NE";
	case PW_LINT_PASS: return "pass";
	case PW_LINT_NOTICE: return "info";
	case PW_LINT_WARN: return "warn";
	case PW_LINT_ERROR: return "error";
	case PW_LINT_FATAL: return "fatal";
	}
	return "unknown";
}

static const char *const source_names[PW_SRC_COUNT_] = {
	[PW_SRC_CABF_BR] = "CABFBaselineRequirements",
	[PW_SRC_CABF_EV] = "CABFEVGuidelines",
	[PW_SRC_RFC5280] = "RFC5280",
	[PW_SRC_RFC3279] = "RFC3279",
	[PW_SRC_RFC5480] = "RFC5480",
	[PW_SRC_RFC5891] = "RFC5891",
	[PW_SRC_RFC6960] = "RFC6960",
	[PW_SRC_RFC6962] = "RFC6962",
	[PW_SRC_RFC8813] = "RFC8813",
	[PW_SRC_COMMUNITY] = "Community",
	[PW_SRC_MOZILLA] = "MozillaRootStorePolicy",
	[PW_SRC_APPLE] = "AppleRootStorePolicy",
	[PW_SRC_CHROME] = "ChromeRootStorePolicy",
	[PW_SRC_PKIWARD] = "pkiward",
};

const char *pw_lint_source_str(enum pw_lint_source s)
{
	if ((unsigned)s >= PW_SRC_COUNT_ || source_names[s] == NULL)
		return "unknown";
	return source_names[s];
}

/* CLI spellings, in enum order. */
static const char *const profile_names[] = {
	[PW_PROFILE_AUTO] = "auto",
	[PW_PROFILE_DV] = "dv",
	[PW_PROFILE_OV] = "ov",
	[PW_PROFILE_IV] = "iv",
	[PW_PROFILE_EV] = "ev",
	[PW_PROFILE_SUBSCRIBER] = "subscriber",
	[PW_PROFILE_SUBORDINATE_CA] = "subordinate-ca",
	[PW_PROFILE_ROOT] = "root",
	[PW_PROFILE_PRECERT_SIGNING_CA] = "precert-signing-ca",
	[PW_PROFILE_OCSP_RESPONDER] = "ocsp-responder",
	[PW_PROFILE_NON_TLS] = "non-tls",
};

const char *pw_lint_profile_str(enum pw_lint_profile p)
{
	if ((size_t)p >= sizeof profile_names / sizeof profile_names[0])
		return "unknown";
	return profile_names[p];
}

int pw_lint_profile_parse(const char *s, enum pw_lint_profile *out)
{
	if (s == NULL)
		return 0;
	for (size_t i = 0; i < sizeof profile_names / sizeof profile_names[0]; i++) {
		if (strcmp(s, profile_names[i]) == 0) {
			*out = (enum pw_lint_profile)i;
			return 1;
		}
	}
	/* Accepted aliases. */
	if (strcmp(s, "subca") == 0 || strcmp(s, "sub-ca") == 0 || strcmp(s, "intermediate") == 0) {
		*out = PW_PROFILE_SUBORDINATE_CA;
		return 1;
	}
	return 0;
}
