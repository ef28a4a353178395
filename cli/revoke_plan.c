/* pkiward revoke --plan / --execute-plan: planned bulk revocation
 * (revoke_plan.h; issue 8 item 5).
 *
 *   pkiward revoke --plan [--store S] (FILTERS... | --from-policy FILE.json [--at DATE])
 *                  [--reason R] [--batch N] [--aware-at DATE] [--urgent]
 *                  [--out PLAN.json] [--json]
 *   pkiward revoke --execute-plan ID [--store S] [--crl-dir DIR]
 *                  [--republish-interval MS] [--json]
 *
 * A plan records what will be revoked, why, by when (BR 4.9.1.1) and in which
 * batches, with counts and a notice text per subscriber. Executing it is
 * resumable: kill it at any point and run the same command again. After each
 * batch (at most every --republish-interval ms, and at the end) the CRLs of
 * every registered CA are regenerated (publish.h; OCSP responders follow the
 * revocation change counter). Exit: 0 done, 1 nothing selected / items not in
 * the store, 2 usage, input or store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "filter.h"
#include "pkiward/buf.h"
#include "pkiward/policy.h"
#include "pkiward/publish.h"
#include "pkiward/revoke.h"
#include "pkiward/revoke_plan.h"
#include "pkiward/store.h"

int pw_cli_revoke_plan(int argc, char **argv);

#define PLAN_ACTOR_MAX 128
#define PLAN_SOURCE_MAX 512

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward revoke --plan [--store S] (FILTERS... | --from-policy FILE.json [--at DATE])\n"
	        "                      [--reason R] [--batch N] [--aware-at DATE] [--urgent]\n"
	        "                      [--out PLAN.json] [--json] [--include-expired] [--now DATE]\n"
	        "       pkiward revoke --execute-plan ID [--store S] [--crl-dir DIR]\n"
	        "                      [--republish-interval MS] [--json]\n"
	        "--plan records the plan (id printed) with the BR 4.9.1.1 deadline counted from\n"
	        "  --aware-at (default now): 5 days, or 24 hours with --urgent, with reason\n"
	        "  keyCompromise, or when the policy check finds methods the BR did not allow\n"
	        "  (4.9.1.1(5)); default reason superseded (BR 4.9.1.1 items 5 and 12).\n"
	        "--execute-plan revokes in batches, resumable after a kill, republishing CRLs.\n"
	        "FILTERS (as for pkiward find):\n");
	pw_cli_filter_usage(out);
}

struct list {
	uint8_t *v;
	size_t n, cap;
};

static int list_push(struct list *l, const uint8_t h[32])
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4096;
		uint8_t *nv = realloc(l->v, ncap * 32);
		if (nv == NULL)
			return 0;
		l->v = nv;
		l->cap = ncap;
	}
	memcpy(l->v + 32 * l->n++, h, 32);
	return 1;
}

static int collect_row(void *ctx, const struct pw_store_row *r)
{
	return list_push(ctx, r->sha256);
}

/* Affected certificates from a policy check: expired ones need no
 * revocation (they are listed in the IRG appendix as "N/A") unless asked. */
struct hit_ctx {
	struct list *l;
	int64_t now;
	int include_expired;
	uint64_t skipped_expired;
};

static int collect_hit(void *vctx, const struct pw_store_policy_hit *h)
{
	struct hit_ctx *c = vctx;
	if (!c->include_expired && h->not_after < c->now) {
		c->skipped_expired++;
		return 1;
	}
	return list_push(c->l, h->sha256);
}

static const char *default_actor(char *buf, size_t n)
{
	const char *u = getenv("USER");
	snprintf(buf, n, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
	return buf;
}

static void print_json(json_t *o, FILE *f)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	fprintf(f, "%s\n", t ? t : "null");
	free(t);
}

struct groups_ctx {
	const struct pw_store_revoke_plan *p;
	json_t *arr;
	int print;
	size_t shown;
};

/* Subscriber groups shown on the terminal (all go into the JSON). */
#define PLAN_GROUPS_SHOWN 20

static int group_cb(void *vctx, const struct pw_store_plan_group *g)
{
	struct groups_ctx *c = vctx;
	char notice[PW_REVOKE_PLAN_NOTICE_MAX], na[32];
	pw_revoke_plan_notice(c->p, g, notice, sizeof notice);
	json_t *o = json_object();
	json_object_set_new(o, "subscriber", g->subscriber ? json_string(g->subscriber) : json_null());
	json_object_set_new(o, "certificates", json_integer((json_int_t)g->certificates));
	json_object_set_new(o, "precertificates", json_integer((json_int_t)g->precertificates));
	json_object_set_new(o, "orders", json_integer((json_int_t)g->orders));
	json_object_set_new(o, "already_revoked", json_integer((json_int_t)g->already_revoked));
	json_object_set_new(o, "not_in_store", json_integer((json_int_t)g->not_in_store));
	json_object_set_new(o, "last_not_after", json_string(pw_cli_time_iso(g->last_not_after, na, sizeof na)));
	json_object_set_new(o, "notice", json_string(notice));
	json_array_append_new(c->arr, o);
	if (c->print && c->shown++ < PLAN_GROUPS_SHOWN)
		printf("  subscriber %-24s %8llu certificates %6llu precertificates %6llu orders\n",
		       g->subscriber ? g->subscriber : "(none)", (unsigned long long)g->certificates,
		       (unsigned long long)g->precertificates, (unsigned long long)g->orders);
	return 1;
}

/* The plan as a document: what, why, by when, batches, subscribers + notices. */
static int describe(struct pw_store *s, int64_t id, int json, const char *out_path)
{
	struct pw_store_revoke_plan p;
	struct pw_error err;
	char buf[4 * PW_STORE_PLAN_MAX_TEXT], a[32], b[32];
	if (pw_store_revoke_plan_get(s, id, &p, buf, sizeof buf, &err) != PW_OK) {
		pw_cli_print_error("revoke", "plan", &err);
		return 0;
	}
	json_t *o = json_object(), *batches = json_array();
	struct groups_ctx gc = {&p, json_array(), !json, 0};
	json_object_set_new(o, "plan", json_integer(p.id));
	json_object_set_new(o, "created_at", json_string(pw_cli_time_iso(p.created_at, a, sizeof a)));
	json_object_set_new(o, "aware_at", json_string(pw_cli_time_iso(p.aware_at, a, sizeof a)));
	json_object_set_new(o, "deadline", json_string(pw_cli_time_iso(p.deadline, b, sizeof b)));
	json_object_set_new(o, "deadline_rule", json_string(p.deadline_rule ? p.deadline_rule : ""));
	json_object_set_new(o, "source", json_string(p.source ? p.source : ""));
	json_object_set_new(o, "reason", json_string(pw_revoke_reason_name(p.has_reason, p.reason)));
	json_object_set_new(o, "items", json_integer((json_int_t)p.total));
	json_object_set_new(o, "batch_size", json_integer((json_int_t)p.batch));
	for (uint64_t first = 1; first <= p.total; first += p.batch) {
		json_t *bt = json_object();
		uint64_t last = first + p.batch - 1 < p.total ? first + p.batch - 1 : p.total;
		json_object_set_new(bt, "first_item", json_integer((json_int_t)first));
		json_object_set_new(bt, "last_item", json_integer((json_int_t)last));
		json_array_append_new(batches, bt);
	}
	json_object_set_new(o, "batches", batches);
	json_object_set_new(o, "execute", json_string("pkiward revoke --execute-plan <plan> --store <store>"));
	if (!json)
		printf("plan %lld: %llu items, reason %s, deadline %s (%s)\n  source: %s\n  %llu batch(es) "
		       "of up to %llu\n",
		       (long long)p.id, (unsigned long long)p.total,
		       pw_revoke_reason_name(p.has_reason, p.reason), b, p.deadline_rule, p.source,
		       (unsigned long long)json_array_size(batches), (unsigned long long)p.batch);
	if (pw_store_revoke_plan_groups(s, id, group_cb, &gc, &err) != PW_OK) {
		pw_cli_print_error("revoke", "plan", &err);
		json_decref(o);
		json_decref(gc.arr);
		return 0;
	}
	if (!json && gc.shown > PLAN_GROUPS_SHOWN)
		printf("  ... %zu subscriber groups in all (see --out)\n", gc.shown);
	json_object_set_new(o, "subscribers", gc.arr);
	int ok = 1;
	if (out_path != NULL) {
		FILE *f = fopen(out_path, "w");
		if (f == NULL) {
			fprintf(stderr, "pkiward revoke: %s: cannot write\n", out_path);
			ok = 0;
		} else {
			print_json(o, f);
			if (fclose(f) != 0) {
				fprintf(stderr, "pkiward revoke: %s: write error\n", out_path);
				ok = 0;
			}
		}
	}
	if (json)
		print_json(o, stdout);
	else
		printf("execute: pkiward revoke --execute-plan %lld%s%s%s\n", (long long)p.id,
		       out_path ? "   (plan written to " : "", out_path ? out_path : "",
		       out_path ? ")" : "");
	json_decref(o);
	return ok;
}

struct exec_cli {
	struct pw_store *s;
	const char *crl_dir;
	const char *actor;
	int tty;
};

static void exec_progress(void *vctx, uint64_t done, uint64_t total)
{
	(void)vctx;
	pw_cli_progress("revoking", done, total);
}

/* Republication after a batch: every registered CA's CRLs (publish.h); OCSP
 * responders re-sign from the revocation change counter, which the store
 * bumps with every revocation row. */
static enum pw_status republish(void *vctx, int final, uint64_t done, uint64_t total, char *note,
                                size_t note_len, struct pw_error *err)
{
	struct exec_cli *c = vctx;
	struct pw_publish_crl_opts o;
	struct pw_publish_crl_result r;
	(void)final;
	(void)done;
	(void)total;
	memset(&o, 0, sizeof o);
	o.out_dir = c->crl_dir;
	o.actor = c->actor;
	enum pw_status st = pw_publish_crls(c->s, &o, &r, err);
	if (st != PW_OK)
		return st;
	snprintf(note, note_len, "%llu CRL(s) for %llu CA(s), %llu entries, generation %llu",
	         (unsigned long long)r.crls, (unsigned long long)r.cas, (unsigned long long)r.entries,
	         (unsigned long long)r.generation);
	return PW_OK;
}

int pw_cli_revoke_plan(int argc, char **argv)
{
	enum {
		O_PLAN = 256, O_EXEC, O_FROM_POLICY, O_AT, O_REASON, O_BATCH, O_AWARE, O_URGENT, O_OUT,
		O_JSON, O_CRL_DIR, O_INTERVAL, O_ACTOR, O_INCL_EXPIRED
	};
	static const struct option own[] = {
		{"store", required_argument, NULL, 's'},
		{"plan", no_argument, NULL, O_PLAN},
		{"execute-plan", required_argument, NULL, O_EXEC},
		{"from-policy", required_argument, NULL, O_FROM_POLICY},
		{"at", required_argument, NULL, O_AT},
		{"reason", required_argument, NULL, O_REASON},
		{"batch", required_argument, NULL, O_BATCH},
		{"aware-at", required_argument, NULL, O_AWARE},
		{"urgent", no_argument, NULL, O_URGENT},
		{"out", required_argument, NULL, O_OUT},
		{"json", no_argument, NULL, O_JSON},
		{"crl-dir", required_argument, NULL, O_CRL_DIR},
		{"republish-interval", required_argument, NULL, O_INTERVAL},
		{"actor", required_argument, NULL, O_ACTOR},
		{"include-expired", no_argument, NULL, O_INCL_EXPIRED},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct option opts[PW_CLI_MAX_OPTIONS];
	struct pw_cli_filter cf;
	struct list l = {0};
	struct pw_store *s = NULL;
	struct pw_error err;
	struct pw_policy_disclosure d;
	struct pw_policy_report rep;
	const char *store_flag = NULL, *policy_path = NULL, *reason = "superseded", *out_path = NULL;
	const char *crl_dir = NULL, *actor = NULL;
	char actor_buf[PLAN_ACTOR_MAX], source[PLAN_SOURCE_MAX];
	int plan = 0, json = 0, urgent = 0, include_expired = 0, c, rc = PW_EXIT_USAGE, has_reason = 0;
	unsigned reason_code = 0;
	int64_t exec_id = 0, at = 0, aware = 0, interval = 0;
	size_t batch = 0;

	pw_error_clear(&err);
	pw_cli_filter_init(&cf);
	pw_policy_disclosure_init(&d);
	memset(&rep, 0, sizeof rep);
	if (!pw_cli_filter_merge_options(own, opts, PW_CLI_MAX_OPTIONS)) {
		fprintf(stderr, "pkiward revoke: internal error: too many options\n");
		return PW_EXIT_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		int fr = pw_cli_filter_option(&cf, "revoke", c, optarg);
		if (fr < 0)
			goto out;
		if (fr > 0)
			continue;
		char *end = NULL;
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_PLAN: plan = 1; break;
		case O_EXEC: {
			long long v = strtoll(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v <= 0) {
				fprintf(stderr, "pkiward revoke: --execute-plan: expected a plan id, got '%s'\n",
				        optarg);
				goto out;
			}
			exec_id = (int64_t)v;
			break;
		}
		case O_FROM_POLICY: policy_path = optarg; break;
		case O_AT:
		case O_AWARE:
			if (!pw_cli_parse_time(optarg, c == O_AT ? &at : &aware)) {
				fprintf(stderr, "pkiward revoke: --%s: expected YYYY-MM-DD or RFC 3339, got '%s'\n",
				        c == O_AT ? "at" : "aware-at", optarg);
				goto out;
			}
			break;
		case O_REASON: reason = optarg; break;
		case O_BATCH: {
			unsigned long long v = strtoull(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v == 0 || v > PW_REVOKE_BULK_BATCH_MAX) {
				fprintf(stderr, "pkiward revoke: --batch: expected 1..%u, got '%s'\n",
				        PW_REVOKE_BULK_BATCH_MAX, optarg);
				goto out;
			}
			batch = (size_t)v;
			break;
		}
		case O_URGENT: urgent = 1; break;
		case O_OUT: out_path = optarg; break;
		case O_JSON: json = 1; break;
		case O_CRL_DIR: crl_dir = optarg; break;
		case O_INTERVAL: {
			long long v = strtoll(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v < -1 || v > 3600000) {
				fprintf(stderr, "pkiward revoke: --republish-interval: expected -1..3600000 ms, "
				                "got '%s'\n", optarg);
				goto out;
			}
			interval = v == 0 ? -1 : (int64_t)v;
			break;
		}
		case O_ACTOR: actor = optarg; break;
		case O_INCL_EXPIRED: include_expired = 1; break;
		case 'h': usage(stdout); rc = PW_EXIT_OK; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward revoke: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	pw_cli_filter_finish(&cf);
	if (plan == (exec_id != 0)) {
		fprintf(stderr, "pkiward revoke: give either --plan or --execute-plan ID\n");
		goto out;
	}
	if (actor == NULL)
		actor = default_actor(actor_buf, sizeof actor_buf);
	const char *path = pw_cli_store_path(store_flag);

	if (exec_id != 0) {
		if (cf.n_conditions > 0 || policy_path != NULL || batch != 0) {
			fprintf(stderr, "pkiward revoke: --execute-plan takes the plan as recorded (no filters, "
			                "--from-policy or --batch)\n");
			goto out;
		}
		if (pw_store_open(path, 0, &s, &err) != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			goto out;
		}
		struct exec_cli ec = {s, crl_dir, actor, pw_cli_stderr_is_tty()};
		struct pw_revoke_plan_exec x = {
			.plan_id = exec_id, .actor = actor, .progress = json ? NULL : exec_progress,
			.republish = republish, .republish_interval_ms = interval, .ctx = &ec,
		};
		struct pw_revoke_plan_result res;
		enum pw_status st = pw_revoke_plan_execute(s, &x, &res, &err);
		pw_cli_progress_end();
		if (st != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			goto out;
		}
		char dl[32];
		pw_cli_time_iso(res.deadline, dl, sizeof dl);
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "plan", json_integer(exec_id));
			json_object_set_new(o, "job", json_integer(res.bulk.job_id));
			json_object_set_new(o, "resumed", json_boolean(res.bulk.resumed));
			json_object_set_new(o, "already_finished", json_boolean(res.bulk.was_finished));
			json_object_set_new(o, "total", json_integer((json_int_t)res.bulk.total));
			json_object_set_new(o, "done_before", json_integer((json_int_t)res.bulk.done_before));
			json_object_set_new(o, "revoked", json_integer((json_int_t)res.bulk.revoked));
			json_object_set_new(o, "already_revoked", json_integer((json_int_t)res.bulk.already));
			json_object_set_new(o, "not_in_store", json_integer((json_int_t)res.bulk.missing));
			json_object_set_new(o, "twins", json_integer((json_int_t)res.bulk.twins));
			json_object_set_new(o, "republications", json_integer((json_int_t)res.republications));
			json_object_set_new(o, "republish_errors", json_integer((json_int_t)res.republish_errors));
			json_object_set_new(o, "deadline", json_string(dl));
			json_object_set_new(o, "late", json_boolean(res.late));
			print_json(o, stdout);
			json_decref(o);
		} else if (res.bulk.was_finished) {
			printf("plan %lld: already executed (job %lld, %llu items); nothing changed\n",
			       (long long)exec_id, (long long)res.bulk.job_id,
			       (unsigned long long)res.bulk.total);
		} else {
			printf("plan %lld (job %lld%s): %llu items: %llu revoked, %llu already revoked, %llu "
			       "not in the store, %llu twins with them; %llu republication(s)%s; deadline %s%s\n",
			       (long long)exec_id, (long long)res.bulk.job_id,
			       res.bulk.resumed ? ", resumed" : "", (unsigned long long)res.bulk.total,
			       (unsigned long long)res.bulk.revoked, (unsigned long long)res.bulk.already,
			       (unsigned long long)res.bulk.missing, (unsigned long long)res.bulk.twins,
			       (unsigned long long)res.republications,
			       res.republish_errors ? " (some failed, see the events)" : "", dl,
			       res.late ? " (LATE)" : "");
		}
		if (res.republish_errors)
			fprintf(stderr, "pkiward revoke: republication failed %llu time(s): %s\n",
			        (unsigned long long)res.republish_errors, res.last_republish_error.msg);
		rc = res.bulk.missing > 0 ? PW_EXIT_FINDINGS : PW_EXIT_OK;
		goto out;
	}

	/* --plan */
	if ((policy_path != NULL) == (cf.n_conditions > 0)) {
		fprintf(stderr, "pkiward revoke: --plan needs find filters or --from-policy FILE.json "
		                "(one of them)\n");
		goto out;
	}
	if (pw_revoke_reason_parse(reason, &has_reason, &reason_code, &err) != PW_OK) {
		pw_cli_print_error("revoke", "--reason", &err);
		goto out;
	}
	if (pw_store_open(path, 0, &s, &err) != PW_OK) {
		pw_cli_print_error("revoke", path, &err);
		goto out;
	}
	enum pw_revoke_plan_urgency urg = urgent ? PW_REVOKE_PLAN_24_HOURS : PW_REVOKE_PLAN_5_DAYS;
	const char *rule = NULL;
	if (policy_path != NULL) {
		uint8_t *buf = NULL;
		size_t len = 0;
		if (pw_cli_read_file(policy_path, PW_POLICY_MAX_FILE, &buf, &len, &err) != PW_OK) {
			pw_cli_print_error("revoke", policy_path, &err);
			goto out;
		}
		enum pw_status pst = pw_policy_disclosure_parse(buf, len, &d, &err);
		free(buf);
		if (pst != PW_OK) {
			fprintf(stderr, "pkiward revoke: %s: %s%s%s\n", policy_path, err.field,
			        err.field[0] ? ": " : "", err.msg);
			goto out;
		}
		struct pw_policy_check_opts co = {.at = at, .skip_profiles = 1, .skip_key_types = 1};
		struct hit_ctx hc = {&l, cf.f.now, include_expired, 0};
		if (pw_policy_check(s, &d, &co, &rep, &err) != PW_OK ||
		    pw_policy_affected(s, collect_hit, &hc, &err) != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			goto out;
		}
		if (hc.skipped_expired > 0 && !json)
			fprintf(stderr, "pkiward revoke: %llu affected certificate(s) already expired are "
			                "not in the plan (--include-expired to add them)\n",
			        (unsigned long long)hc.skipped_expired);
		unsigned kinds = 0;
		size_t k = 0;
		k += (size_t)snprintf(source, sizeof source, "policy check of CPS %.60s (%.100s): ",
		                      d.cps_version, policy_path);
		for (size_t i = 0; i < rep.n_windows; i++) {
			char kt[96];
			kinds |= rep.windows[i].kinds;
			if (k < sizeof source - 1)
				k += (size_t)snprintf(source + k, sizeof source - k, "%s%s %s", i ? "; " : "",
				                      rep.windows[i].method,
				                      pw_policy_kinds_text(rep.windows[i].kinds, kt, sizeof kt));
		}
		if (kinds & (PW_POLICY_BR_UNDEFINED | PW_POLICY_BR_RETIRED | PW_POLICY_BR_REUSED)) {
			urg = PW_REVOKE_PLAN_24_HOURS;
			rule = "BR 4.9.1.1(5): validation that should not be relied upon (method not "
			       "allowed by the BR at the time): revoke within 24 hours";
		} else if (!urgent) {
			rule = "BR 4.9.1.1(12): not issued in accordance with the CA's CPS (validation "
			       "method not disclosed): revoke within 5 days";
		}
	} else {
		if (pw_store_find(s, &cf.f, 0, collect_row, &l, &err) != PW_OK) {
			pw_cli_print_error("revoke", path, &err);
			goto out;
		}
		snprintf(source, sizeof source, "find query (%d filter condition(s))", cf.n_conditions);
	}
	if (l.n == 0) {
		fprintf(stderr, "pkiward revoke: nothing selected: no plan recorded\n");
		rc = PW_EXIT_FINDINGS;
		goto out;
	}
	struct pw_revoke_plan_spec spec = {
		.sha256s = l.v, .n = l.n, .source = source, .has_reason = has_reason,
		.reason = reason_code, .urgency = urg, .rule = rule, .aware_at = aware, .batch = batch,
		.actor = actor,
	};
	int64_t id = 0;
	if (pw_revoke_plan_create(s, &spec, &id, &err) != PW_OK) {
		pw_cli_print_error("revoke", path, &err);
		goto out;
	}
	rc = describe(s, id, json, out_path) ? PW_EXIT_OK : PW_EXIT_USAGE;
out:
	pw_policy_report_cleanup(&rep);
	pw_policy_disclosure_cleanup(&d);
	pw_store_close(s);
	free(l.v);
	return rc;
}
