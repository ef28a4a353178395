/* pkiward report: certificate problem reports (report.h).
 *
 *   pkiward report import [--store S] [--smtp URL --from ADDR] FILE|MBOX|MAILDIR...
 *   pkiward report new    [--store S] --kind K [--reporter ADDR] [--title T] [--text T]
 *   pkiward report list   [--store S] [--open] [--overdue] [--json] [--now T]
 *   pkiward report show   [--store S] ID [--json] [--now T]
 *   pkiward report link   [--store S] ID (--sha256 HEX | --serial HEX [--issuer DN] | --name FQDN)
 *   pkiward report ack    [--store S] ID [--smtp URL --from ADDR] [--text T] [--print]
 *   pkiward report note   [--store S] ID --text T
 *   pkiward report send   [--store S] ID --findings T [--br-item N] [--to ADDR]
 *                         (--smtp URL --from ADDR | --print)
 *   pkiward report close  [--store S] ID (--revoked | --declined REASON) [--text T]
 *
 * Deadlines (BR 4.9.5: 24 hours to investigate and send a preliminary
 * report; BR 4.9.1.1: 24 hours or 5 days to revoke) are computed from the
 * stored facts and shown with a countdown; `list` exits 1 when any shown
 * report has an overdue deadline. Messages are rendered from observed state
 * only (message.c) and recorded, with their full text, as events. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store.h"

int pw_cli_report(int argc, char **argv);

#define ACTOR_MAX 128
#define RECIPIENTS_MAX 1024

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward report <sub-command> [--store PATH] ...\n"
	        "  import [--smtp URL --from ADDR] FILE|MBOX|MAILDIR...   email intake (RFC 5322)\n"
	        "  new --kind K [--reporter ADDR] [--title T] [--text T] [--br-item N]\n"
	        "  list [--open] [--overdue] [--json] [--now TIME]        exit 1 if any is overdue\n"
	        "  show ID [--json] [--now TIME]\n"
	        "  link ID (--sha256 HEX | --serial HEX [--issuer DN] | --name FQDN)\n"
	        "       (a name only lists candidates over the whole history; it links nothing)\n"
	        "  ack ID [--text T] [--smtp URL --from ADDR | --print]   acknowledge receipt\n"
	        "  note ID --text T\n"
	        "  send ID --findings T [--br-item N] [--to ADDR] (--smtp URL --from ADDR | --print)\n"
	        "       investigation findings + BR 4.9.5 preliminary report to reporter and Subscriber\n"
	        "  close ID (--revoked | --declined REASON) [--text T]\n"
	        "common: --actor NAME.  --smtp smtp://HOST:PORT (the CA's relay).\n");
}

struct opts {
	const char *store, *smtp, *from, *to, *text, *findings, *kind, *reporter, *title;
	const char *sha256, *serial, *issuer, *name, *declined, *actor;
	int json, open_only, overdue_only, print, revoked, br_item, has_br_item;
	int64_t now;
	int64_t id;
	char actor_buf[ACTOR_MAX];
};

static int parse_id(const char *verb, const char *s, int64_t *out)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v <= 0) {
		fprintf(stderr, "pkiward report %s: '%s' is not a report id\n", verb, s);
		return 0;
	}
	*out = v;
	return 1;
}

/* Parses options; positional: none, or exactly the report id (need_id). */
static int parse(const char *verb, int argc, char **argv, int need_id, int *n_pos,
                 char ***pos, struct opts *o)
{
	enum {
		O_SMTP = 256, O_FROM, O_TO, O_TEXT, O_FINDINGS, O_KIND, O_REPORTER, O_TITLE, O_SHA256,
		O_SERIAL, O_ISSUER, O_NAME, O_DECLINED, O_REVOKED, O_ACTOR, O_JSON, O_OPEN, O_OVERDUE,
		O_PRINT, O_NOW, O_BR_ITEM
	};
	static const struct option lo[] = {
		{"store", required_argument, NULL, 's'},   {"smtp", required_argument, NULL, O_SMTP},
		{"from", required_argument, NULL, O_FROM},   {"to", required_argument, NULL, O_TO},
		{"text", required_argument, NULL, O_TEXT},   {"findings", required_argument, NULL, O_FINDINGS},
		{"kind", required_argument, NULL, O_KIND},   {"reporter", required_argument, NULL, O_REPORTER},
		{"title", required_argument, NULL, O_TITLE}, {"sha256", required_argument, NULL, O_SHA256},
		{"serial", required_argument, NULL, O_SERIAL}, {"issuer", required_argument, NULL, O_ISSUER},
		{"name", required_argument, NULL, O_NAME},   {"declined", required_argument, NULL, O_DECLINED},
		{"revoked", no_argument, NULL, O_REVOKED},   {"actor", required_argument, NULL, O_ACTOR},
		{"json", no_argument, NULL, O_JSON},         {"open", no_argument, NULL, O_OPEN},
		{"overdue", no_argument, NULL, O_OVERDUE},   {"print", no_argument, NULL, O_PRINT},
		{"now", required_argument, NULL, O_NOW},     {"br-item", required_argument, NULL, O_BR_ITEM},
		{"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
	};
	int c;
	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->store = optarg; break;
		case O_SMTP: o->smtp = optarg; break;
		case O_FROM: o->from = optarg; break;
		case O_TO: o->to = optarg; break;
		case O_TEXT: o->text = optarg; break;
		case O_FINDINGS: o->findings = optarg; break;
		case O_KIND: o->kind = optarg; break;
		case O_REPORTER: o->reporter = optarg; break;
		case O_TITLE: o->title = optarg; break;
		case O_SHA256: o->sha256 = optarg; break;
		case O_SERIAL: o->serial = optarg; break;
		case O_ISSUER: o->issuer = optarg; break;
		case O_NAME: o->name = optarg; break;
		case O_DECLINED: o->declined = optarg; break;
		case O_REVOKED: o->revoked = 1; break;
		case O_ACTOR: o->actor = optarg; break;
		case O_JSON: o->json = 1; break;
		case O_OPEN: o->open_only = 1; break;
		case O_OVERDUE: o->overdue_only = 1; break;
		case O_PRINT: o->print = 1; break;
		case O_NOW:
			if (!pw_cli_parse_time(optarg, &o->now)) {
				fprintf(stderr, "pkiward report %s: --now: expected YYYY-MM-DD or RFC 3339\n",
				        verb);
				return 0;
			}
			break;
		case O_BR_ITEM: {
			char *end = NULL;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v < 1 || v > PW_REPORT_BR_ITEM_MAX) {
				fprintf(stderr, "pkiward report %s: --br-item: BR 4.9.1.1 item 1..%d\n", verb,
				        PW_REPORT_BR_ITEM_MAX);
				return 0;
			}
			o->br_item = (int)v;
			o->has_br_item = 1;
			break;
		}
		case 'h': usage(stdout); exit(PW_EXIT_OK);
		default: usage(stderr); return 0;
		}
	}
	*n_pos = argc - optind;
	*pos = argv + optind;
	if (need_id) {
		if (*n_pos != 1) {
			fprintf(stderr, "pkiward report %s: expected one report id\n", verb);
			return 0;
		}
		if (!parse_id(verb, (*pos)[0], &o->id))
			return 0;
	}
	if (o->actor == NULL) {
		const char *u = getenv("USER");
		snprintf(o->actor_buf, sizeof o->actor_buf, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
		o->actor = o->actor_buf;
	}
	if ((o->smtp != NULL) != (o->from != NULL)) {
		fprintf(stderr, "pkiward report %s: --smtp and --from go together\n", verb);
		return 0;
	}
	return 1;
}

static int open_store(const char *verb, const char *flag, int flags, struct pw_store **s)
{
	struct pw_error err;
	const char *path = pw_cli_store_path(flag);
	if (pw_store_open(path, flags, s, &err) != PW_OK) {
		char v[64];
		snprintf(v, sizeof v, "report %s", verb);
		pw_cli_print_error(v, path, &err);
		return 0;
	}
	return 1;
}

static void fail(const char *verb, const struct pw_error *err)
{
	char v[64];
	snprintf(v, sizeof v, "report %s", verb);
	pw_cli_print_error(v, NULL, err);
}

/* "in 3h12m" / "overdue by 1d2h" / "met" ... */
static void countdown(const struct pw_report_deadline *d, int64_t now, char *buf, size_t len)
{
	int64_t delta;
	const char *pre;
	switch (d->state) {
	case PW_REPORT_DL_NA:
		snprintf(buf, len, "n/a");
		return;
	case PW_REPORT_DL_MET:
		snprintf(buf, len, "met");
		return;
	case PW_REPORT_DL_LATE:
		delta = d->done_at - d->due;
		pre = "late by ";
		break;
	case PW_REPORT_DL_OVERDUE:
		delta = now - d->due;
		pre = "OVERDUE by ";
		break;
	default:
		delta = d->due - now;
		pre = "due in ";
		break;
	}
	if (delta < 0)
		delta = 0;
	long long dd = delta / 86400, hh = delta % 86400 / 3600, mm = delta % 3600 / 60;
	if (dd > 0)
		snprintf(buf, len, "%s%lldd%02lldh%02lldm", pre, dd, hh, mm);
	else
		snprintf(buf, len, "%s%lldh%02lldm", pre, hh, mm);
}

static json_t *report_json(struct pw_store *s, const struct pw_report *r, int64_t now, int full)
{
	char t[32], hex[65], cd[64];
	struct pw_report_deadline dl[PW_REPORT_N_DEADLINES];
	int bad = pw_report_deadlines(r, now, dl);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "received_at", json_string(pw_cli_time_iso(r->received_at, t, sizeof t)));
	json_object_set_new(o, "kind", json_string(r->kind ? r->kind : ""));
	json_object_set_new(o, "reporter", r->reporter ? json_string(r->reporter) : json_null());
	json_object_set_new(o, "title", r->title ? json_string(r->title) : json_null());
	json_object_set_new(o, "source", json_string(r->source ? r->source : ""));
	json_object_set_new(o, "message_id", r->message_id ? json_string(r->message_id) : json_null());
	json_object_set_new(o, "state", json_string(pw_report_state_name(r->state)));
	json_object_set_new(o, "action", json_string(pw_report_action_name(r->action)));
	if (r->decline_reason)
		json_object_set_new(o, "decline_reason", json_string(r->decline_reason));
	json_object_set_new(o, "br_item", json_integer(r->br_item));
	json_object_set_new(o, "late_or_overdue", json_boolean(bad));
	json_t *da = json_array();
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++) {
		json_t *d = json_object();
		json_object_set_new(d, "name", json_string(dl[i].name));
		json_object_set_new(d, "citation", json_string(dl[i].citation));
		json_object_set_new(d, "state", json_string(pw_report_deadline_state_name(dl[i].state)));
		if (dl[i].due)
			json_object_set_new(d, "due", json_string(pw_cli_time_iso(dl[i].due, t, sizeof t)));
		if (dl[i].done_at)
			json_object_set_new(d, "done_at",
			                    json_string(pw_cli_time_iso(dl[i].done_at, t, sizeof t)));
		if (dl[i].state == PW_REPORT_DL_PENDING || dl[i].state == PW_REPORT_DL_OVERDUE)
			json_object_set_new(d, "seconds_left", json_integer(dl[i].due - now));
		countdown(&dl[i], now, cd, sizeof cd);
		json_object_set_new(d, "countdown", json_string(cd));
		json_array_append_new(da, d);
	}
	json_object_set_new(o, "deadlines", da);
	json_object_set_new(o, "certificates_linked", json_integer((json_int_t)r->n_certs));
	json_object_set_new(o, "candidates", json_integer((json_int_t)r->n_candidates));
	if (!full)
		return o;
	const struct {
		const char *k;
		int64_t v;
	} steps[] = {{"acknowledged_at", r->acknowledged_at}, {"investigated_at", r->investigated_at},
	             {"preliminary_at", r->preliminary_at},   {"action_at", r->action_at},
	             {"closed_at", r->closed_at}};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		json_object_set_new(o, steps[i].k,
		                    steps[i].v ? json_string(pw_cli_time_iso(steps[i].v, t, sizeof t))
		                               : json_null());
	json_object_set_new(o, "body", r->body ? json_string(r->body) : json_null());
	json_t *ca = json_array();
	for (size_t i = 0; i < r->n_certs; i++) {
		struct pw_report_observed ob;
		struct pw_error err;
		json_t *c = json_object();
		pw_hex_encode(r->certs[i].sha256, 32, hex);
		json_object_set_new(c, "sha256", json_string(hex));
		json_object_set_new(c, "how", json_string(r->certs[i].how));
		if (pw_report_observe(s, r->certs[i].sha256, &ob, &err) == PW_OK) {
			char *line = pw_report_render_cert_status(&ob);
			json_object_set_new(c, "serial", json_string(ob.serial_hex));
			json_object_set_new(c, "revoked", json_boolean(ob.revoked));
			if (ob.revoked) {
				json_object_set_new(c, "revoked_at",
				                    json_string(pw_cli_time_iso(ob.revoked_at, t, sizeof t)));
				json_object_set_new(c, "reason",
				                    json_string(pw_revoke_reason_name(ob.has_reason, ob.reason)));
				json_object_set_new(c, "first_seen_crl",
				                    ob.first_seen_crl ? json_string(pw_cli_time_iso(
				                                            ob.first_seen_crl, t, sizeof t))
				                                      : json_null());
				json_object_set_new(c, "first_seen_ocsp",
				                    ob.first_seen_ocsp ? json_string(pw_cli_time_iso(
				                                             ob.first_seen_ocsp, t, sizeof t))
				                                       : json_null());
			}
			if (line)
				json_object_set_new(c, "status", json_string(line));
			free(line);
		}
		json_array_append_new(ca, c);
	}
	json_object_set_new(o, "certificates", ca);
	json_t *cand = json_array();
	for (size_t i = 0; i < r->n_candidates; i++) {
		json_t *c = json_object();
		pw_hex_encode(r->candidates[i].sha256, 32, hex);
		json_object_set_new(c, "sha256", json_string(hex));
		json_object_set_new(c, "name", json_string(r->candidates[i].query));
		json_array_append_new(cand, c);
	}
	json_object_set_new(o, "candidate_certificates", cand);
	json_t *un = json_array();
	for (size_t i = 0; i < r->n_unresolved; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "ref", json_string(r->unresolved[i].ref));
		json_object_set_new(c, "why", json_string(r->unresolved[i].why));
		json_array_append_new(un, c);
	}
	json_object_set_new(o, "unresolved", un);
	json_t *ms = json_array();
	for (size_t i = 0; i < r->n_messages; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "at", json_string(pw_cli_time_iso(r->messages[i].at, t, sizeof t)));
		json_object_set_new(c, "kind", json_string(r->messages[i].kind));
		json_object_set_new(c, "to", json_string(r->messages[i].to ? r->messages[i].to : ""));
		json_object_set_new(c, "event_id", json_integer(r->messages[i].event_id));
		json_object_set_new(c, "text", json_string(r->messages[i].text ? r->messages[i].text : ""));
		json_array_append_new(ms, c);
	}
	json_object_set_new(o, "messages", ms);
	return o;
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	printf("%s\n", t ? t : "null");
	free(t);
	json_decref(o);
}

/* ---- list ---- */

struct list_ctx {
	struct pw_store *s;
	int64_t now;
	int json;
	json_t *arr;
	size_t n, overdue;
};

static int list_row(void *vctx, const struct pw_report *r)
{
	struct list_ctx *c = vctx;
	struct pw_report_deadline dl[PW_REPORT_N_DEADLINES];
	char t[32], cd[3][64];
	pw_report_deadlines(r, c->now, dl);
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++)
		if (dl[i].state == PW_REPORT_DL_OVERDUE) {
			c->overdue++;
			break;
		}
	c->n++;
	if (c->json) {
		json_array_append_new(c->arr, report_json(c->s, r, c->now, 0));
		return 1;
	}
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++)
		countdown(&dl[i], c->now, cd[i], sizeof cd[i]);
	printf("%-5lld %-16s %-20s %-15s %-28.28s prelim: %-20s revoke: %s\n", (long long)r->id,
	       pw_report_state_name(r->state), pw_cli_time_iso(r->received_at, t, sizeof t),
	       r->kind ? r->kind : "", r->reporter ? r->reporter : "(anonymous)", cd[1], cd[2]);
	return 1;
}

static int cmd_list(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_error err;
	if (!parse("list", argc, argv, 0, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (n_pos != 0) {
		fprintf(stderr, "pkiward report list: unexpected argument '%s'\n", pos[0]);
		return PW_EXIT_USAGE;
	}
	if (!open_store("list", o.store, PW_STORE_READONLY, &s))
		return PW_EXIT_USAGE;
	struct list_ctx c = {s, o.now ? o.now : (int64_t)time(NULL), o.json, NULL, 0, 0};
	struct pw_report_filter f = {o.open_only, o.overdue_only, c.now};
	if (o.json)
		c.arr = json_array();
	else
		printf("%-5s %-16s %-20s %-15s %-28s %s\n", "ID", "STATE", "RECEIVED", "KIND", "REPORTER",
		       "DEADLINES (BR 4.9.5 preliminary report; BR 4.9.1.1 revocation)");
	if (pw_report_list(s, &f, list_row, &c, &err) != PW_OK) {
		fail("list", &err);
		json_decref(c.arr);
		goto out;
	}
	if (o.json)
		print_json(c.arr);
	else
		printf("%zu report(s), %zu with an overdue deadline\n", c.n, c.overdue);
	rc = c.overdue ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	pw_store_close(s);
	return rc;
}

/* ---- show ---- */

static void show_text(struct pw_store *s, const struct pw_report *r, int64_t now)
{
	char t[32], cd[64], hex[65];
	struct pw_report_deadline dl[PW_REPORT_N_DEADLINES];
	pw_report_deadlines(r, now, dl);
	printf("report %lld\n", (long long)r->id);
	printf("  received:   %s (%s)\n", pw_cli_time_iso(r->received_at, t, sizeof t),
	       r->source ? r->source : "");
	printf("  reporter:   %s\n", r->reporter ? r->reporter : "(anonymous)");
	printf("  kind:       %s\n", r->kind ? r->kind : "");
	if (r->br_item)
		printf("  br item:    4.9.1.1 (%d)\n", r->br_item);
	if (r->title)
		printf("  subject:    %s\n", r->title);
	if (r->message_id)
		printf("  message-id: <%s>\n", r->message_id);
	printf("  state:      %s; action: %s%s%s\n", pw_report_state_name(r->state),
	       pw_report_action_name(r->action), r->decline_reason ? " — " : "",
	       r->decline_reason ? r->decline_reason : "");
	printf("  deadlines:\n");
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++) {
		countdown(&dl[i], now, cd, sizeof cd);
		printf("    %-12s %-10s %-8s due %s  %s\n", dl[i].name, dl[i].citation,
		       pw_report_deadline_state_name(dl[i].state),
		       dl[i].due ? pw_cli_time_iso(dl[i].due, t, sizeof t) : "-", cd);
	}
	printf("  certificates (%zu):\n", r->n_certs);
	for (size_t i = 0; i < r->n_certs; i++) {
		struct pw_report_observed ob;
		struct pw_error err;
		if (pw_report_observe(s, r->certs[i].sha256, &ob, &err) == PW_OK) {
			char *line = pw_report_render_cert_status(&ob);
			printf("    [%s] %s\n", r->certs[i].how, line ? line : "");
			free(line);
		}
	}
	if (r->n_candidates > 0) {
		printf("  candidates from a name search (NOT linked; confirm by SHA-256):\n");
		for (size_t i = 0; i < r->n_candidates; i++) {
			pw_hex_encode(r->candidates[i].sha256, 32, hex);
			printf("    %s  %s\n", hex, r->candidates[i].query);
		}
	}
	if (r->n_unresolved > 0) {
		printf("  unresolved:\n");
		for (size_t i = 0; i < r->n_unresolved; i++)
			printf("    %s: %s\n", r->unresolved[i].ref, r->unresolved[i].why);
	}
	if (r->n_messages > 0) {
		printf("  messages sent:\n");
		for (size_t i = 0; i < r->n_messages; i++)
			printf("    %s %s to %s (event %lld)\n",
			       pw_cli_time_iso(r->messages[i].at, t, sizeof t), r->messages[i].kind,
			       r->messages[i].to ? r->messages[i].to : "", (long long)r->messages[i].event_id);
	}
}

static int cmd_show(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_report *r = NULL;
	struct pw_error err;
	if (!parse("show", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (!open_store("show", o.store, PW_STORE_READONLY, &s))
		return PW_EXIT_USAGE;
	int64_t now = o.now ? o.now : (int64_t)time(NULL);
	if (pw_report_get(s, o.id, &r, &err) != PW_OK) {
		fail("show", &err);
		goto out;
	}
	if (o.json)
		print_json(report_json(s, r, now, 1));
	else
		show_text(s, r, now);
	rc = PW_EXIT_OK;
out:
	pw_report_free(r);
	pw_store_close(s);
	return rc;
}

/* ---- import ---- */

struct import_ctx {
	struct pw_store *s;
	const struct opts *o;
	size_t acked, ack_failed;
};

static int send_and_record(struct pw_store *s, const struct opts *o, const struct pw_report *r,
                           enum pw_report_message_kind kind, const char *to,
                           const char *findings, const char *verb);

static void import_item(void *vctx, const struct pw_report_import_item *it)
{
	struct import_ctx *c = vctx;
	char msg[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 64];
	if (it->status != PW_OK) {
		pw_error_format(&it->error, msg, sizeof msg);
		fprintf(stderr, "pkiward report import: %s: message at line %llu (byte %llu): %s\n",
		        it->file ? it->file : "-", (unsigned long long)it->line,
		        (unsigned long long)it->offset, msg);
		return;
	}
	if (it->duplicate) {
		printf("%s: line %llu: already imported as report %lld (same Message-ID)\n", it->file,
		       (unsigned long long)it->line, (long long)it->report_id);
		return;
	}
	printf("%s: line %llu: report %lld: %zu certificate(s) linked, %zu candidate(s), %zu"
	       " unresolved%s",
	       it->file, (unsigned long long)it->line, (long long)it->report_id, it->n_linked,
	       it->n_candidates, it->n_unresolved, it->proven ? "; key compromise proven" : "");
	if (it->proven)
		printf(", %llu certificate(s) revoked", (unsigned long long)it->n_revoked);
	printf("\n");
	if (c->o->smtp != NULL) {
		struct pw_report *r = NULL;
		struct pw_error err;
		if (pw_report_get(c->s, it->report_id, &r, &err) != PW_OK) {
			fail("import", &err);
			c->ack_failed++;
			return;
		}
		if (r->reporter == NULL) {
			printf("  report %lld: anonymous, no acknowledgement sent\n", (long long)r->id);
		} else if (send_and_record(c->s, c->o, r, PW_REPORT_MSG_ACK, r->reporter, NULL, "import")) {
			c->acked++;
		} else {
			c->ack_failed++;
		}
		pw_report_free(r);
	}
}

static int cmd_import(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_error err;
	size_t ok_total = 0, failed_total = 0;
	if (!parse("import", argc, argv, 0, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (n_pos == 0) {
		fprintf(stderr, "pkiward report import: give a message file, an mbox or a Maildir\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("import", o.store, 0, &s))
		return PW_EXIT_USAGE;
	struct import_ctx c = {s, &o, 0, 0};
	for (int i = 0; i < n_pos; i++) {
		size_t ok = 0, failed = 0;
		if (pw_report_import_path(s, pos[i], o.actor, import_item, &c, &ok, &failed, &err) !=
		    PW_OK) {
			fail("import", &err);
			failed_total++;
		}
		ok_total += ok;
		failed_total += failed;
	}
	printf("%zu message(s) imported, %zu refused", ok_total, failed_total);
	if (o.smtp)
		printf(", %zu acknowledgement(s) sent, %zu failed", c.acked, c.ack_failed);
	printf("\n");
	rc = failed_total || c.ack_failed ? PW_EXIT_FINDINGS : PW_EXIT_OK;
	if (ok_total == 0 && failed_total > 0)
		rc = PW_EXIT_USAGE;
	pw_store_close(s);
	return rc;
}

/* ---- new, link, note, close ---- */

static int cmd_new(int argc, char **argv)
{
	struct opts o;
	int n_pos;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_error err;
	int64_t id;
	if (!parse("new", argc, argv, 0, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (n_pos != 0 || o.kind == NULL) {
		fprintf(stderr, "pkiward report new: --kind is required (e.g. misissuance,"
		                " key-compromise, other)\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("new", o.store, 0, &s))
		return PW_EXIT_USAGE;
	struct pw_report_new rn = {
		.reporter = o.reporter, .kind = o.kind, .title = o.title, .body = o.text,
		.source = "cli", .br_item = o.br_item, .actor = o.actor,
	};
	int rc = PW_EXIT_OK;
	if (pw_report_create(s, &rn, &id, &err) != PW_OK) {
		fail("new", &err);
		rc = PW_EXIT_USAGE;
	} else {
		printf("%lld\n", (long long)id);
	}
	pw_store_close(s);
	return rc;
}

/* (issuer, serial) matches: a certificate and its precertificate at most;
 * more would be a serial reuse (BR 7.1). */
struct serial_found {
	uint8_t sha[8][32];
	size_t n;
};

static int collect(void *ctx, const struct pw_store_row *row)
{
	struct serial_found *f = ctx;
	if (f->n < 8)
		memcpy(f->sha[f->n], row->sha256, 32);
	f->n++;
	return f->n <= 8;
}

static int cmd_link(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_error err;
	uint8_t sha[32], serial[PW_STORE_MAX_SERIAL];
	size_t serial_len = 0;
	if (!parse("link", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if ((o.sha256 != NULL) + (o.serial != NULL) + (o.name != NULL) != 1) {
		fprintf(stderr, "pkiward report link: give one of --sha256, --serial (with --issuer),"
		                " --name\n");
		return PW_EXIT_USAGE;
	}
	if (o.sha256 && !pw_hex_decode(o.sha256, sha, 32)) {
		fprintf(stderr, "pkiward report link: --sha256: expected 64 hex digits\n");
		return PW_EXIT_USAGE;
	}
	if (o.serial && !pw_hex_decode_var(o.serial, serial, sizeof serial, &serial_len)) {
		fprintf(stderr, "pkiward report link: --serial: expected hex (at most %d octets)\n",
		        PW_STORE_MAX_SERIAL);
		return PW_EXIT_USAGE;
	}
	if (o.serial && o.issuer == NULL) {
		fprintf(stderr, "pkiward report link: --serial needs --issuer DN: a serial is unique"
		                " only per issuer\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("link", o.store, 0, &s))
		return PW_EXIT_USAGE;
	if (o.sha256) {
		if (pw_report_link_cert(s, o.id, sha, PW_REPORT_LINK_SHA256, o.actor, &err) != PW_OK)
			goto fail;
		printf("report %lld: linked %s\n", (long long)o.id, o.sha256);
	} else if (o.serial) {
		struct serial_found found;
		memset(&found, 0, sizeof found);
		struct pw_store_filter f;
		memset(&f, 0, sizeof f);
		f.has_serial = 1;
		memcpy(f.serial, serial, serial_len);
		f.serial_len = serial_len;
		f.issuer_dn = o.issuer;
		if (pw_store_find(s, &f, 0, collect, &found, &err) != PW_OK)
			goto fail;
		if (found.n == 0 || found.n > 8) {
			fprintf(stderr, "pkiward report link: no certificate with serial %s from %s\n",
			        o.serial, o.issuer);
			rc = PW_EXIT_FINDINGS;
			goto out;
		}
		for (size_t i = 0; i < found.n; i++) {
			char hex[65];
			if (pw_report_link_cert(s, o.id, found.sha[i], PW_REPORT_LINK_ISSUER_SERIAL, o.actor,
			                        &err) != PW_OK)
				goto fail;
			pw_hex_encode(found.sha[i], 32, hex);
			printf("report %lld: linked %s\n", (long long)o.id, hex);
		}
	} else {
		size_t n = 0;
		if (pw_report_add_candidates(s, o.id, o.name, o.actor, &n, &err) != PW_OK)
			goto fail;
		printf("report %lld: %zu candidate(s) for %s over the whole history; none linked"
		       " (link one with --sha256)\n",
		       (long long)o.id, n, o.name);
	}
	rc = PW_EXIT_OK;
	goto out;
fail:
	fail("link", &err);
	rc = err.status == PW_ERR_NOTFOUND ? PW_EXIT_FINDINGS : PW_EXIT_USAGE;
out:
	pw_store_close(s);
	return rc;
}

static int cmd_note(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_OK;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_error err;
	if (!parse("note", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (o.text == NULL) {
		fprintf(stderr, "pkiward report note: --text is required\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("note", o.store, 0, &s))
		return PW_EXIT_USAGE;
	if (pw_report_note(s, o.id, 0, o.actor, o.text, &err) != PW_OK) {
		fail("note", &err);
		rc = PW_EXIT_USAGE;
	}
	pw_store_close(s);
	return rc;
}

static int cmd_close(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_report *r = NULL;
	struct pw_error err;
	if (!parse("close", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (o.revoked && o.declined) {
		fprintf(stderr, "pkiward report close: --revoked or --declined, not both\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("close", o.store, 0, &s))
		return PW_EXIT_USAGE;
	if (pw_store_begin(s, &err) != PW_OK)
		goto fail;
	if (pw_report_get(s, o.id, &r, &err) != PW_OK)
		goto fail_rb;
	if (r->action == PW_REPORT_ACTION_NONE) {
		if (!o.revoked && !o.declined) {
			fprintf(stderr, "pkiward report close: report %lld has no action yet: give --revoked"
			                " or --declined REASON\n", (long long)o.id);
			pw_store_rollback(s);
			goto out;
		}
		enum pw_status st = o.revoked ? pw_report_action_revoked(s, o.id, 0, o.actor, &err)
		                              : pw_report_action_declined(s, o.id, 0, o.actor, o.declined,
		                                                          &err);
		if (st != PW_OK)
			goto fail_rb;
	}
	if (pw_report_close(s, o.id, 0, o.actor, o.text, &err) != PW_OK)
		goto fail_rb;
	if (pw_store_commit(s, &err) != PW_OK)
		goto fail;
	printf("report %lld closed\n", (long long)o.id);
	rc = PW_EXIT_OK;
	goto out;
fail_rb:
	pw_store_rollback(s);
fail:
	fail("close", &err);
out:
	pw_report_free(r);
	pw_store_close(s);
	return rc;
}

/* ---- messages: ack, send ---- */

/* Renders, sends (or prints) and records one message. Sending happens
 * before recording: a message is recorded as sent only once the relay
 * accepted it. Returns 1 on success. */
static int send_and_record(struct pw_store *s, const struct opts *o, const struct pw_report *r,
                           enum pw_report_message_kind kind, const char *to,
                           const char *findings, const char *verb)
{
	struct pw_error err;
	char *text = NULL;
	int ok = 0;
	int64_t now = (int64_t)time(NULL);
	const char *from = o->from ? o->from : "problem-reports@pkiward.invalid";
	if (pw_report_render_message(s, r, kind, from, to, findings, now, &text, &err) != PW_OK) {
		fail(verb, &err);
		return 0;
	}
	if (o->print || o->smtp == NULL) {
		fputs(text, stdout);
		free(text);
		return 1;
	}
	struct pw_report_smtp smtp = {o->smtp, o->from, 0};
	if (pw_report_smtp_send(&smtp, to, text, &err) != PW_OK) {
		fail(verb, &err);
		goto out;
	}
	if (pw_store_begin(s, &err) != PW_OK)
		goto fail;
	const char *mk = kind == PW_REPORT_MSG_ACK ? "acknowledgement" : "preliminary";
	if (pw_report_message_record(s, r->id, now, mk, to, text, o->actor, NULL, &err) != PW_OK)
		goto fail_rb;
	enum pw_status st = kind == PW_REPORT_MSG_ACK
	                        ? (r->acknowledged_at ? PW_OK
	                                              : pw_report_ack(s, r->id, now, o->actor, o->text, &err))
	                        : pw_report_preliminary_sent(s, r->id, now, o->actor, to, text, &err);
	if (st != PW_OK)
		goto fail_rb;
	if (pw_store_commit(s, &err) != PW_OK)
		goto fail;
	printf("report %lld: %s sent to %s\n", (long long)r->id, mk, to);
	ok = 1;
	goto out;
fail_rb:
	pw_store_rollback(s);
fail:
	fprintf(stderr, "pkiward report %s: the message WAS sent but could not be recorded:\n", verb);
	fail(verb, &err);
out:
	free(text);
	return ok;
}

static int cmd_ack(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_report *r = NULL;
	struct pw_error err;
	if (!parse("ack", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (!open_store("ack", o.store, 0, &s))
		return PW_EXIT_USAGE;
	if (pw_report_get(s, o.id, &r, &err) != PW_OK) {
		fail("ack", &err);
		goto out;
	}
	if (o.smtp != NULL || o.print) {
		const char *to = o.to ? o.to : r->reporter;
		if (to == NULL) {
			fprintf(stderr, "pkiward report ack: report %lld is anonymous: give --to\n",
			        (long long)o.id);
			goto out;
		}
		if (!send_and_record(s, &o, r, PW_REPORT_MSG_ACK, to, NULL, "ack"))
			goto out;
		if (o.print && r->acknowledged_at == 0 &&
		    pw_report_ack(s, o.id, 0, o.actor, o.text, &err) != PW_OK) {
			fail("ack", &err);
			goto out;
		}
	} else if (pw_report_ack(s, o.id, 0, o.actor, o.text, &err) != PW_OK) {
		fail("ack", &err);
		goto out;
	} else {
		printf("report %lld acknowledged\n", (long long)o.id);
	}
	rc = PW_EXIT_OK;
out:
	pw_report_free(r);
	pw_store_close(s);
	return rc;
}

static int cmd_send(int argc, char **argv)
{
	struct opts o;
	int n_pos, rc = PW_EXIT_USAGE;
	char **pos;
	struct pw_store *s = NULL;
	struct pw_report *r = NULL;
	struct pw_error err;
	char to[RECIPIENTS_MAX];
	if (!parse("send", argc, argv, 1, &n_pos, &pos, &o))
		return PW_EXIT_USAGE;
	if (o.findings == NULL || o.findings[0] == '\0') {
		fprintf(stderr, "pkiward report send: --findings is required (BR 4.9.5: a preliminary"
		                " report on the findings)\n");
		return PW_EXIT_USAGE;
	}
	if (o.smtp == NULL && !o.print) {
		fprintf(stderr, "pkiward report send: give --smtp URL --from ADDR, or --print\n");
		return PW_EXIT_USAGE;
	}
	if (!open_store("send", o.store, 0, &s))
		return PW_EXIT_USAGE;
	if (pw_report_get(s, o.id, &r, &err) != PW_OK) {
		fail("send", &err);
		goto out;
	}
	/* BR 4.9.5: to both the Subscriber and the entity who filed the report. */
	snprintf(to, sizeof to, "%s%s%s%s%s", r->reporter ? r->reporter : "",
	         r->reporter && (r->subscriber || o.to) ? "," : "", r->subscriber ? r->subscriber : "",
	         r->subscriber && o.to ? "," : "", o.to ? o.to : "");
	if (to[0] == '\0') {
		fprintf(stderr, "pkiward report send: no recipient: the report is anonymous and no"
		                " Subscriber contact is known; give --to\n");
		goto out;
	}
	if (r->investigated_at == 0 && !o.print) {
		if (pw_report_investigated(s, o.id, 0, o.actor, o.findings, o.br_item, &err) != PW_OK) {
			fail("send", &err);
			goto out;
		}
		pw_report_free(r);
		r = NULL;
		if (pw_report_get(s, o.id, &r, &err) != PW_OK) {
			fail("send", &err);
			goto out;
		}
	}
	if (!send_and_record(s, &o, r, PW_REPORT_MSG_PRELIMINARY, to, o.findings, "send"))
		goto out;
	rc = PW_EXIT_OK;
out:
	pw_report_free(r);
	pw_store_close(s);
	return rc;
}

int pw_cli_report(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"import", cmd_import}, {"new", cmd_new},   {"list", cmd_list},   {"show", cmd_show},
		{"link", cmd_link},     {"ack", cmd_ack},   {"note", cmd_note},   {"send", cmd_send},
		{"close", cmd_close},
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pkiward report: unknown sub-command '%s'\n", argv[1]);
	usage(stderr);
	return PW_EXIT_USAGE;
}
