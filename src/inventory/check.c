/* inventory/check.c: audit coverage of every CA certificate.
 *
 * Rules (shared/reference/):
 *   CCADB Policy 5 (table): a CA certificate capable of server or client
 *     authentication needs Standard, NetSec and TLS BR audits (and TLS EVG
 *     when it may issue EV); code signing / time stamping: Standard, NetSec,
 *     Code Signing; secure email: Standard, NetSec, S/MIME BR.
 *   CCADB Policy 5.1: a CA certificate appears in the issuer's statements
 *     from the period it was issued in until one statement after its
 *     revocation or expiry. Unused is no exemption (the incident).
 *   CCADB Policy 5.2: a statement within 92 days of its period's end;
 *     periods consecutive.
 *   MRSP 3.1.3: period-of-time audits at least annually, contiguous.
 *   MRSP 3.1.2.2: an ETSI EN 319 411 audit with the right policies is the
 *     one audit for the trust bit, so an ETSI BR/EV/S/MIME/CS statement
 *     stands for the Standard and NetSec audits too (and EVCP for BR).
 *   MRSP 5.3.1 / ALV notes: technically constrained CA certificates are not
 *     required in audits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "pkiward/buf.h"

#define DAY PW_INVENTORY_DAY

static const char *const rule_scope = "CCADB Policy 5.1";
static const char *const rule_content = "CCADB Policy 5.2";
static const char *const rule_params = "MRSP 3.1.3";
static const char *const rule_purposes = "CCADB Policy 5";

/* Canonical audit types in report order. */
static const char *const types[] = {"CA", "NetSec", "BR", "EV", "SMIME", "CS"};
#define N_TYPES (sizeof types / sizeof types[0])
enum { T_CA, T_NETSEC, T_BR, T_EV, T_SMIME, T_CS };

static int type_index(const char *t)
{
	for (size_t i = 0; i < N_TYPES; i++)
		if (t != NULL && strcmp(t, types[i]) == 0)
			return (int)i;
	return -1;
}

/* Audit types a certificate's capabilities require (CCADB Policy 5 table). */
static unsigned required_types(const struct pw_inventory_cert *c)
{
	unsigned req = 0;
	if (c->technically_constrained)
		return 0;
	if (c->caps & (PW_INVENTORY_CAP_SERVER | PW_INVENTORY_CAP_CLIENT)) {
		req |= 1u << T_CA | 1u << T_NETSEC | 1u << T_BR;
		if (c->ev_capable && (c->caps & PW_INVENTORY_CAP_SERVER))
			req |= 1u << T_EV;
	}
	if (c->caps & (PW_INVENTORY_CAP_CODE | PW_INVENTORY_CAP_TIMESTAMP))
		req |= 1u << T_CA | 1u << T_NETSEC | 1u << T_CS;
	if (c->caps & PW_INVENTORY_CAP_EMAIL)
		req |= 1u << T_CA | 1u << T_NETSEC | 1u << T_SMIME;
	return req;
}

/* Which required types a statement satisfies. */
static unsigned satisfies(const struct pw_inventory_statement *s)
{
	int t = type_index(s->type);
	if (t < 0)
		return 0;
	unsigned m = 1u << t;
	if (s->scheme != NULL && strcmp(s->scheme, "ETSI") == 0 && t != T_CA && t != T_NETSEC) {
		m |= 1u << T_CA | 1u << T_NETSEC;
		if (t == T_EV)
			m |= 1u << T_BR;
	}
	return m;
}

static int lists(const struct pw_inventory_statement *s, const uint8_t sha[32])
{
	return s->n_scope && bsearch(sha, s->scope, s->n_scope, 32, pw_inv_cmp32) != NULL;
}

struct ctx {
	const struct pw_inventory *inv;
	const struct pw_inventory_statement *st;
	size_t n_st;
	unsigned *st_sat;         /* per statement: satisfied types */
	uint8_t *st_ids;          /* per statement: bitmap of identities it lists a cert of */
	size_t id_bytes;
	struct pw_inventory_check *out;
	size_t cap;
	struct pw_error *err;
	int64_t at;
};

static struct pw_inventory_finding *add(struct ctx *c, enum pw_inventory_finding_kind k,
                                        enum pw_inventory_severity sev, const char *rule,
                                        const struct pw_inventory_cert *cert, const char *type)
{
	struct pw_inventory_check *o = c->out;
	if (o->n_findings == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct pw_inventory_finding *nf = realloc(o->findings, ncap * sizeof *nf);
		if (nf == NULL)
			return NULL;
		o->findings = nf;
		c->cap = ncap;
	}
	struct pw_inventory_finding *f = &o->findings[o->n_findings++];
	memset(f, 0, sizeof *f);
	f->kind = k;
	f->severity = sev;
	f->rule = rule;
	f->audit_type = type;
	if (cert != NULL) {
		f->has_cert = 1;
		memcpy(f->sha256, cert->sha256, 32);
	}
	if (sev == PW_INVENTORY_ERROR)
		o->n_errors++;
	else if (sev == PW_INVENTORY_WARNING)
		o->n_warnings++;
	return f;
}

static int id_bit(const struct ctx *c, size_t st, size_t id)
{
	return id != PW_INVENTORY_NONE && (c->st_ids[st * c->id_bytes + id / 8] >> (id % 8)) & 1;
}

/* 1 if another statement satisfying type t for exactly the same period as
 * statement s lists sha. */
static int revised_lists(const struct ctx *c, size_t s, int t, const uint8_t sha[32])
{
	const struct pw_inventory_statement *S = &c->st[s];
	for (size_t u = 0; u < c->n_st; u++) {
		const struct pw_inventory_statement *U = &c->st[u];
		if (u != s && (c->st_sat[u] & (1u << t)) && U->period_start == S->period_start &&
		    U->period_end == S->period_end && lists(U, sha))
			return 1;
	}
	return 0;
}

/* The plan the ALV notes give for a certificate missing from statements:
 * a revised statement listing it plus an incident report, or revocation. */
static void uncovered_plan(char *plan, size_t n, const char *hex)
{
	snprintf(plan, n,
	         "have the auditor issue a revised statement listing %.16s... and file an incident "
	         "report (CCADB ALV remediation), or revoke it: pkiward revoke --sha256 %s "
	         "--reason cessationOfOperation",
	         hex, hex);
}

/* Interval [a, b] in days (inclusive, Unix seconds at 00:00). */
struct iv {
	int64_t a, b;
};

static int cmp_iv(const void *x, const void *y)
{
	const struct iv *p = x, *q = y;
	return p->a < q->a ? -1 : p->a > q->a;
}

/* Sorts and merges intervals (adjacent days join: MRSP 3.1.3 contiguity is
 * period N ending on day D and period N+1 starting on D + 1). */
static size_t merge(struct iv *v, size_t n)
{
	size_t w = 0;
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_iv);
	for (size_t i = 1; i < n; i++) {
		if (v[i].a <= v[w].b + DAY) {
			if (v[i].b > v[w].b)
				v[w].b = v[i].b;
		} else
			v[++w] = v[i];
	}
	return w + 1;
}

static int64_t day_floor(int64_t t)
{
	return t >= 0 ? t - t % DAY : t - ((t % DAY) + DAY) % DAY;
}

static int check_cert_type(struct ctx *c, size_t ci, int t, struct iv *buf, struct iv *rbuf)
{
	const struct pw_inventory_cert *x = &c->inv->certs[ci];
	char hex[65], d1[16], d2[16], d3[16];
	size_t n_listed = 0, n_req = 0;
	int64_t life_a = day_floor(x->not_before), end;
	int64_t last_listed = INT64_MIN, family_last = INT64_MIN;
	int ended;

	pw_hex_encode(x->sha256, 32, hex);
	/* Coverage runs until revocation or expiry (CCADB Policy 5.1). A
	 * revocation known only from CCADB's status has no date: coverage then
	 * runs to the end of validity. */
	end = x->not_after;
	if (x->revoked && x->revoked_at != 0 && x->revoked_at < end)
		end = x->revoked_at;
	end = day_floor(end);
	ended = end < c->at;
	for (size_t s = 0; s < c->n_st; s++) {
		const struct pw_inventory_statement *S = &c->st[s];
		if (!(c->st_sat[s] & (1u << t)))
			continue;
		int listed = lists(S, x->sha256);
		/* The issuer's statements (5.1: "the Issuer's annual audit
		 * statement"): those listing a certificate of the issuing
		 * identity, or of this identity (roots, cross-signed keys). */
		int family = listed || id_bit(c, s, x->issuer_identity) || id_bit(c, s, x->identity);
		if (!family)
			continue;
		if (S->period_end > family_last)
			family_last = S->period_end;
		if (listed) {
			buf[n_listed].a = S->period_start;
			buf[n_listed].b = S->period_end;
			n_listed++;
			if (S->period_end > last_listed)
				last_listed = S->period_end;
			continue;
		}
		/* Point-in-time statements do not replace period-of-time audits
		 * (MRSP 3.1.3), but an omission from them is still an omission. */
		if (S->period_end < life_a || S->period_start > end)
			continue;
		/* A revised statement for the same period (CCADB Policy 5.2 item
		 * 11: "revised or corrected versions ... scope and audit period
		 * ... unchanged") that lists it covers the omission. */
		if (revised_lists(c, s, t, x->sha256))
			continue;
		rbuf[n_req].a = S->period_start;
		rbuf[n_req].b = S->period_end;
		n_req++;
		struct pw_inventory_finding *f =
			add(c, PW_INVENTORY_NOT_IN_STATEMENT, PW_INVENTORY_ERROR, rule_scope, x, types[t]);
		if (f == NULL)
			return 0;
		f->statement_id = S->id;
		f->from = S->period_start;
		f->until = S->period_end;
		snprintf(f->text, sizeof f->text,
		         "%s statement %lld (%s scheme, period %s to %s) omits this CA certificate, "
		         "which was valid during that period (issued %s); every CA certificate MUST "
		         "appear from its issuance until a statement after its revocation or expiry",
		         types[t], (long long)S->id, S->scheme,
		         pw_inventory_day_text(S->period_start, d1, sizeof d1),
		         pw_inventory_day_text(S->period_end, d2, sizeof d2),
		         pw_inventory_day_text(x->not_before, d3, sizeof d3));
		uncovered_plan(f->plan, sizeof f->plan, hex);
	}
	/* Parts of the certificate's life that no statement of this type
	 * covers, up to the latest audited period of the issuer (later time is
	 * not yet due; see OVERDUE below), excluding what NOT_IN_STATEMENT
	 * findings already name. */
	int64_t upto = end < family_last ? end : family_last;
	if (family_last != INT64_MIN && upto >= life_a) {
		size_t n = merge(buf, n_listed);
		size_t nr = merge(rbuf, n_req);
		int64_t cur = life_a;
		for (size_t i = 0; i <= n && cur <= upto; i++) {
			int64_t gap_end = i < n ? buf[i].a - DAY : upto;
			if (gap_end > upto)
				gap_end = upto;
			/* Subtract the periods already reported as omissions. */
			int64_t g = cur;
			for (size_t r = 0; r <= nr && g <= gap_end; r++) {
				int64_t seg_end = r < nr ? rbuf[r].a - DAY : gap_end;
				if (seg_end > gap_end)
					seg_end = gap_end;
				if (r < nr && rbuf[r].b < g)
					continue;
				if (seg_end >= g) {
					struct pw_inventory_finding *f =
						add(c, PW_INVENTORY_UNCOVERED, PW_INVENTORY_ERROR, rule_params, x,
						    types[t]);
					if (f == NULL)
						return 0;
					f->from = g;
					f->until = seg_end;
					snprintf(f->text, sizeof f->text,
					         "no %s audit period covers %s to %s of this CA certificate's life: "
					         "audits MUST be contiguous from issuance (MRSP 3.1.3; CCADB "
					         "Policy 5.1)",
					         types[t], pw_inventory_day_text(g, d1, sizeof d1),
					         pw_inventory_day_text(seg_end, d2, sizeof d2));
					uncovered_plan(f->plan, sizeof f->plan, hex);
				}
				if (r < nr)
					g = rbuf[r].b + DAY;
			}
			if (i < n)
				cur = buf[i].b + DAY;
		}
	}
	/* What is due next: the period after the last one listing it ends at
	 * most a year later (MRSP 3.1.3, annual), and its statement 92 days
	 * after that (CCADB Policy 5.2). A certificate issued after the latest
	 * period is due in the next periodic audit (CCADB Policy 5, exceptions). */
	int64_t covered_until = last_listed;
	if (covered_until != INT64_MIN && covered_until >= end)
		return 1; /* covered through its end: the last statement follows it */
	int64_t base = covered_until != INT64_MIN ? covered_until : family_last;
	if (base == INT64_MIN || base < life_a - DAY)
		base = life_a - DAY;
	int64_t period_due = base + (int64_t)365 * DAY;
	int64_t statement_due = period_due + (int64_t)PW_INVENTORY_STATEMENT_DAYS * DAY;
	if (c->at > statement_due) {
		struct pw_inventory_finding *f =
			add(c, ended ? PW_INVENTORY_NO_FINAL_AUDIT : PW_INVENTORY_OVERDUE, PW_INVENTORY_ERROR,
			    ended ? rule_scope : rule_content, x, types[t]);
		if (f == NULL)
			return 0;
		f->from = base + DAY;
		f->until = statement_due;
		if (ended)
			snprintf(f->text, sizeof f->text,
			         "%s on %s, but no %s statement after that lists it (last listed: %s); it "
			         "MUST appear on at least one statement following revocation or expiry, due "
			         "by %s",
			         x->revoked ? "revoked" : "expired", pw_inventory_day_text(end, d1, sizeof d1),
			         types[t],
			         covered_until != INT64_MIN
			                 ? pw_inventory_day_text(covered_until, d2, sizeof d2)
			                 : "never",
			         pw_inventory_day_text(statement_due, d3, sizeof d3));
		else
			snprintf(f->text, sizeof f->text,
			         "no %s statement lists it for the period after %s: the next period had to "
			         "end by %s and its statement be published within 92 days, by %s (MRSP "
			         "3.1.3 annual audits; CCADB Policy 5.2)",
			         types[t], pw_inventory_day_text(base, d1, sizeof d1),
			         pw_inventory_day_text(period_due, d2, sizeof d2),
			         pw_inventory_day_text(statement_due, d3, sizeof d3));
		uncovered_plan(f->plan, sizeof f->plan, hex);
	} else {
		struct pw_inventory_finding *f =
			add(c, PW_INVENTORY_DUE_NEXT, PW_INVENTORY_INFO, rule_params, x, types[t]);
		if (f == NULL)
			return 0;
		f->from = base + DAY;
		f->until = statement_due;
		snprintf(f->text, sizeof f->text,
		         "must be listed in the next %s statement: period ending by %s, statement due by "
		         "%s%s",
		         types[t], pw_inventory_day_text(period_due, d1, sizeof d1),
		         pw_inventory_day_text(statement_due, d2, sizeof d2),
		         ended ? " (the one statement it needs after its revocation/expiry)" : "");
	}
	return 1;
}

/* Per-statement findings: late statements and gaps between consecutive
 * periods of statements that share certificates. */
static int check_statements(struct ctx *c)
{
	char d1[16], d2[16], d3[16];
	for (size_t s = 0; s < c->n_st; s++) {
		const struct pw_inventory_statement *S = &c->st[s];
		int64_t due = S->period_end + (int64_t)PW_INVENTORY_STATEMENT_DAYS * DAY;
		if (S->statement_date > due) {
			struct pw_inventory_finding *f =
				add(c, PW_INVENTORY_STATEMENT_LATE, PW_INVENTORY_ERROR, rule_content, NULL,
				    types[type_index(S->type) < 0 ? 0 : type_index(S->type)]);
			if (f == NULL)
				return 0;
			f->statement_id = S->id;
			f->from = S->period_end;
			f->until = S->statement_date;
			snprintf(f->text, sizeof f->text,
			         "%s statement %lld for the period ending %s is dated %s, %lld days later; "
			         "it was due within %d days (by %s)",
			         S->type, (long long)S->id,
			         pw_inventory_day_text(S->period_end, d1, sizeof d1),
			         pw_inventory_day_text(S->statement_date, d2, sizeof d2),
			         (long long)((S->statement_date - S->period_end) / DAY),
			         PW_INVENTORY_STATEMENT_DAYS, pw_inventory_day_text(due, d3, sizeof d3));
		}
		/* The next statement of the same type and scheme sharing a
		 * certificate with this one. */
		size_t next = SIZE_MAX;
		for (size_t u = 0; u < c->n_st; u++) {
			const struct pw_inventory_statement *U = &c->st[u];
			if (u == s || strcmp(U->type, S->type) != 0 || U->period_start <= S->period_start)
				continue;
			if (next != SIZE_MAX && c->st[next].period_start <= U->period_start)
				continue;
			int shared = 0;
			for (size_t i = 0, j = 0; i < S->n_scope && j < U->n_scope && !shared;) {
				int r = memcmp(S->scope + 32 * i, U->scope + 32 * j, 32);
				if (r == 0)
					shared = 1;
				else if (r < 0)
					i++;
				else
					j++;
			}
			if (shared)
				next = u;
		}
		/* Versions of one statement (revised, same period) share the gap:
		 * report it once. */
		int seen = 0;
		for (size_t k = 0; next != SIZE_MAX && k < c->out->n_findings && !seen; k++) {
			const struct pw_inventory_finding *g = &c->out->findings[k];
			seen = g->kind == PW_INVENTORY_PERIOD_GAP && g->from == S->period_end + DAY &&
			       g->until == c->st[next].period_start - DAY &&
			       strcmp(g->audit_type, types[type_index(S->type) < 0 ? 0 : type_index(S->type)]) == 0;
		}
		if (!seen && next != SIZE_MAX && c->st[next].period_start > S->period_end + DAY) {
			const struct pw_inventory_statement *N = &c->st[next];
			struct pw_inventory_finding *f =
				add(c, PW_INVENTORY_PERIOD_GAP, PW_INVENTORY_ERROR, rule_params, NULL,
				    types[type_index(S->type) < 0 ? 0 : type_index(S->type)]);
			if (f == NULL)
				return 0;
			f->statement_id = N->id;
			f->from = S->period_end + DAY;
			f->until = N->period_start - DAY;
			snprintf(f->text, sizeof f->text,
			         "%s periods are not contiguous: statement %lld ends %s, the next (statement "
			         "%lld) starts %s; successive period-of-time audits MUST have no gaps (MRSP "
			         "3.1.3; CCADB Policy 5.2 warns on non-consecutive periods)",
			         S->type, (long long)S->id,
			         pw_inventory_day_text(S->period_end, d1, sizeof d1), (long long)N->id,
			         pw_inventory_day_text(N->period_start, d2, sizeof d2));
		}
	}
	return 1;
}

enum pw_status pw_inventory_check_compute(const struct pw_inventory *inv,
                                          const struct pw_inventory_statement *stmts,
                                          size_t n_stmts, int64_t at,
                                          struct pw_inventory_check **out, struct pw_error *err)
{
	struct ctx c;
	struct iv *buf = NULL, *rbuf = NULL;
	enum pw_status st = PW_OK;
	char hex[65], d1[16];

	memset(&c, 0, sizeof c);
	if (inv == NULL || out == NULL || (n_stmts > 0 && stmts == NULL))
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	c.inv = inv;
	c.st = stmts;
	c.n_st = n_stmts;
	c.err = err;
	c.at = at ? at : (int64_t)time(NULL);
	if ((c.out = calloc(1, sizeof *c.out)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	c.out->at = c.at;
	c.out->statements = n_stmts;
	c.id_bytes = inv->n_identities / 8 + 1;
	if ((c.st_sat = calloc(n_stmts + 1, sizeof *c.st_sat)) == NULL ||
	    (c.st_ids = calloc((n_stmts + 1) * c.id_bytes, 1)) == NULL ||
	    (buf = calloc(n_stmts + 1, sizeof *buf)) == NULL ||
	    (rbuf = calloc(n_stmts + 1, sizeof *rbuf)) == NULL)
		goto nomem;
	/* Which identities each statement lists a certificate of. */
	for (size_t i = 0; i < inv->n_certs; i++) {
		size_t id = inv->certs[i].identity;
		if (id == PW_INVENTORY_NONE)
			continue;
		for (size_t s = 0; s < n_stmts; s++)
			if (lists(&stmts[s], inv->certs[i].sha256))
				c.st_ids[s * c.id_bytes + id / 8] |= (uint8_t)(1u << (id % 8));
	}
	for (size_t s = 0; s < n_stmts; s++)
		c.st_sat[s] = satisfies(&stmts[s]);
	if (!check_statements(&c))
		goto nomem;
	for (size_t i = 0; i < inv->n_certs; i++) {
		const struct pw_inventory_cert *x = &inv->certs[i];
		unsigned req = required_types(x);
		if (req == 0)
			continue;
		/* A certificate that expired or was revoked before any audit rule
		 * could apply to it still needs its one final statement; one that
		 * is not valid yet is due in the next periodic audit. */
		c.out->certs_checked++;
		size_t before = c.out->n_errors;
		for (int t = 0; t < (int)N_TYPES; t++)
			if ((req & (1u << t)) && !check_cert_type(&c, i, t, buf, rbuf))
				goto nomem;
		if (c.out->n_errors > before)
			c.out->certs_uncovered++;
		/* Unused but unrevoked (the incident): no exemption from audits,
		 * and a key kept alive for nothing. */
		if (x->identity != PW_INVENTORY_NONE) {
			const struct pw_inventory_identity *id = &inv->identities[x->identity];
			enum pw_inventory_status sst = pw_inventory_cert_status(x, c.at);
			if (id->leaves == 0 && id->precerts == 0 && id->ca_certs == 0 &&
			    (sst == PW_INVENTORY_VALID || sst == PW_INVENTORY_NOT_YET_VALID)) {
				struct pw_inventory_finding *f =
					add(&c, PW_INVENTORY_UNUSED, PW_INVENTORY_WARNING, rule_scope, x, NULL);
				if (f == NULL)
					goto nomem;
				pw_hex_encode(x->sha256, 32, hex);
				f->from = x->not_before;
				f->until = x->not_after;
				snprintf(f->text, sizeof f->text,
				         "CA certificate never used (its key issued no certificate in the "
				         "store) and not revoked, valid until %s: unused is no exemption, it "
				         "MUST stay in every audit statement until one after its revocation or "
				         "expiry",
				         pw_inventory_day_text(x->not_after, d1, sizeof d1));
				snprintf(f->plan, sizeof f->plan,
				         "revoke it (then list it once more in the next statements): pkiward "
				         "revoke --sha256 %s --reason cessationOfOperation; or keep it and list it "
				         "in every statement",
				         hex);
			}
		}
	}
	(void)rule_purposes;
	*out = c.out;
	c.out = NULL;
	goto out;
nomem:
	st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
out:
	pw_inventory_check_free(c.out);
	free(c.st_sat);
	free(c.st_ids);
	free(buf);
	free(rbuf);
	return st;
}

void pw_inventory_check_free(struct pw_inventory_check *c)
{
	if (c == NULL)
		return;
	free(c->findings);
	free(c);
}

/* Statements loaded from the store (owned copies). */
struct loaded {
	struct pw_inventory_statement *v;
	char **texts;             /* 2 per statement: scheme, type */
	uint8_t **scopes;
	size_t n, cap;
	enum pw_status st;
	struct pw_error *err;
	size_t cur;               /* scope loading: statement being filled */
	size_t *scope_cap;
};

static size_t find_stmt(const struct loaded *L, int64_t id)
{
	size_t lo = 0, hi = L->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (L->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < L->n && L->v[lo].id == id ? lo : SIZE_MAX;
}

static int on_stmt(void *vctx, const struct pw_store_audit_statement *a)
{
	struct loaded *L = vctx;
	if (L->n == L->cap) {
		size_t ncap = L->cap ? L->cap * 2 : 16;
		struct pw_inventory_statement *nv = realloc(L->v, ncap * sizeof *nv);
		if (nv == NULL)
			goto nomem;
		L->v = nv;
		char **nt = realloc(L->texts, 2 * ncap * sizeof *nt);
		if (nt == NULL)
			goto nomem;
		L->texts = nt;
		uint8_t **ns = realloc(L->scopes, ncap * sizeof *ns);
		if (ns == NULL)
			goto nomem;
		L->scopes = ns;
		size_t *nc = realloc(L->scope_cap, ncap * sizeof *nc);
		if (nc == NULL)
			goto nomem;
		L->scope_cap = nc;
		L->cap = ncap;
	}
	struct pw_inventory_statement *s = &L->v[L->n];
	memset(s, 0, sizeof *s);
	L->texts[2 * L->n] = strdup(a->scheme);
	L->texts[2 * L->n + 1] = strdup(a->type);
	L->scopes[L->n] = NULL;
	L->scope_cap[L->n] = 0;
	L->n++;
	if (L->texts[2 * L->n - 2] == NULL || L->texts[2 * L->n - 1] == NULL)
		goto nomem;
	s->id = a->id;
	s->scheme = L->texts[2 * L->n - 2];
	s->type = L->texts[2 * L->n - 1];
	s->period_start = a->period_start;
	s->period_end = a->period_end;
	s->statement_date = a->statement_date;
	return 1;
nomem:
	L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	return 0;
}

static int on_scope(void *vctx, int64_t statement_id, const uint8_t sha256[32])
{
	struct loaded *L = vctx;
	size_t i = L->cur < L->n && L->v[L->cur].id == statement_id ? L->cur
	                                                            : find_stmt(L, statement_id);
	if (i == SIZE_MAX)
		return 1;
	L->cur = i;
	struct pw_inventory_statement *s = &L->v[i];
	if (s->n_scope == L->scope_cap[i]) {
		size_t ncap = L->scope_cap[i] ? L->scope_cap[i] * 2 : 64;
		uint8_t *ns = realloc(L->scopes[i], ncap * 32);
		if (ns == NULL) {
			L->st = pw_error_set(L->err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return 0;
		}
		L->scopes[i] = ns;
		L->scope_cap[i] = ncap;
	}
	memcpy(L->scopes[i] + 32 * s->n_scope, sha256, 32);
	s->n_scope++;
	s->scope = L->scopes[i];
	return 1;
}

static int cmp_stmt_id(const void *a, const void *b)
{
	const struct pw_inventory_statement *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

enum pw_status pw_inventory_check_run(struct pw_store *s, int64_t at,
                                      struct pw_inventory_check **out, struct pw_error *err)
{
	struct pw_inventory *inv = NULL;
	struct loaded L;
	enum pw_status st;

	memset(&L, 0, sizeof L);
	L.err = err;
	if (out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if ((st = pw_inventory_load(s, &inv, err)) != PW_OK)
		goto out;
	st = pw_store_audit_list(s, on_stmt, &L, err);
	if (st == PW_OK)
		st = L.st;
	if (st != PW_OK)
		goto out;
	/* Ids ascending for the scope lookup; texts move with their rows. */
	qsort(L.v, L.n, sizeof *L.v, cmp_stmt_id);
	st = pw_store_audit_scope_list(s, on_scope, &L, err);
	if (st == PW_OK)
		st = L.st;
	if (st != PW_OK)
		goto out;
	for (size_t i = 0; i < L.n; i++)
		if (L.v[i].n_scope)
			qsort((void *)L.v[i].scope, L.v[i].n_scope, 32, pw_inv_cmp32);
	st = pw_inventory_check_compute(inv, L.v, L.n, at, out, err);
out:
	pw_inventory_free(inv);
	for (size_t i = 0; i < L.n; i++) {
		free(L.texts[2 * i]);
		free(L.texts[2 * i + 1]);
		free(L.scopes[i]);
	}
	free(L.texts);
	free(L.scopes);
	free(L.scope_cap);
	free(L.v);
	return st;
}

const char *pw_inventory_finding_kind_name(enum pw_inventory_finding_kind k)
{
	switch (k) {
	case PW_INVENTORY_NOT_IN_STATEMENT: return "not_in_statement";
	case PW_INVENTORY_UNCOVERED: return "uncovered";
	case PW_INVENTORY_OVERDUE: return "overdue";
	case PW_INVENTORY_NO_FINAL_AUDIT: return "no_final_audit";
	case PW_INVENTORY_STATEMENT_LATE: return "statement_late";
	case PW_INVENTORY_PERIOD_GAP: return "period_gap";
	case PW_INVENTORY_UNUSED: return "unused_unrevoked";
	case PW_INVENTORY_DUE_NEXT: return "due_next";
	}
	return "?";
}

const char *pw_inventory_severity_name(enum pw_inventory_severity s)
{
	switch (s) {
	case PW_INVENTORY_ERROR: return "error";
	case PW_INVENTORY_WARNING: return "warning";
	case PW_INVENTORY_INFO: return "info";
	}
	return "?";
}
