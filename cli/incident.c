/* pkiward incident: incidents and their CCADB incident reports (IRG v3.2).
 *
 *   pkiward incident new --title T [--tag TAG]... [--aware TIME] [--start TIME]
 *   pkiward incident list [--json]
 *   pkiward incident show ID [--json]
 *   pkiward incident set ID [--description T] [--aware TIME] ...
 *   pkiward incident tag ID (--add TAG | --remove TAG)...
 *   pkiward incident link ID [find filters] | --report N | --event N
 *   pkiward incident root-cause ID --title T --description T [--timeline T] ...
 *   pkiward incident lesson ID --kind well|wrong|lucky|other --text T
 *   pkiward incident action ID --description T --kind K --root-cause N ... --criteria T --due DATE
 *   pkiward incident action ID --item N [--status S] [...]   (change an action item)
 *   pkiward incident related ID --bug N --url URL --date DATE --description T
 *   pkiward incident question ID --text T [--at TIME]
 *   pkiward incident answer ID --question N [--at TIME]
 *   pkiward incident posted ID --report preliminary|full|update|closure [--at TIME]
 *   pkiward incident note ID --at TIME --text T
 *   pkiward incident render ID --report preliminary|full|closure [--appendix FILE]
 *   common: --store PATH, --actor NAME, --now TIME (the reference time)
 *
 * Exit status: 0 ok; 1 a render refused (missing fields listed) or `list`
 * found overdue deadlines; 2 usage, input or store error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "filter.h"
#include "pkiward/buf.h"
#include "pkiward/incident.h"
#include "pkiward/store.h"

int pw_cli_incident(int argc, char **argv);

/* Actor text built from $USER. */
#define INCIDENT_ACTOR_MAX 128
/* Repeated flags (--tag, --root-cause, --lesson) one command accepts. */
#define INCIDENT_MAX_REPEAT 32

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward incident <command> [--store PATH] [--actor NAME] [--now TIME] ...\n"
	        "commands:\n"
	        "  new --title T [--tag TAG]... [--aware TIME] [--start TIME]   prints the new id\n"
	        "  list [--json]                        incidents, next deadline, overdue flags\n"
	        "  show ID [--json]                     everything, live impact counts, deadlines\n"
	        "  set ID [FIELDS] [TIMES] [--clear NAME]\n"
	        "      fields: --ccadb-id A000000 --description (--summary) --policies --source\n"
	        "        ('Self Reported'|'Third Party Reported'|'Audit') --heuristic\n"
	        "        --issuance-stopped --analysis --additional --related-incidents\n"
	        "        --closure-description --closure-root-causes --remediation --commitments\n"
	        "      times: --aware --start --end --end-expected --next-update --revocation-planned\n"
	        "  tag ID --add TAG | --remove TAG      whiteboard tags, e.g. dv-misissuance\n"
	        "  link ID FILTERS | --report N | --event N\n"
	        "                                       FILTERS as for pkiward find (kept live)\n"
	        "  root-cause ID --title T --description T [--timeline T] [--detection T]\n"
	        "      [--interaction T] [--methodology T]\n"
	        "  lesson ID --kind well|wrong|lucky|other --text T\n"
	        "  action ID --description T --kind Prevent|Mitigate|Detect [--root-cause N]...\n"
	        "      [--lesson N]... --criteria T --due DATE [--status Ongoing|Complete|Delayed|Canceled]\n"
	        "  action ID --item N [same flags]      change action item N\n"
	        "  related ID --bug ID --url URL --date DATE --description T\n"
	        "  question ID --text T [--at TIME]     a question asked on the bug (7-day reply)\n"
	        "  answer ID --question N [--at TIME]\n"
	        "  posted ID --report preliminary|full|update|closure [--at TIME]\n"
	        "  note ID --at TIME --text T           a timeline entry (e.g. a software change)\n"
	        "  render ID --report preliminary|full|closure [--appendix FILE]\n"
	        "TIME: YYYY-MM-DD (00:00 UTC) or RFC 3339 (2026-11-20T14:03:00Z).\n"
	        "Tags:");
	for (const char *const *t = pw_incident_known_tags(); *t != NULL; t++)
		fprintf(out, " %s", *t);
	fprintf(out, "\n");
}

/* ---- Options shared by every command ---- */

enum {
	O_STORE = 0x200, O_ACTOR, O_NOW, O_JSON, O_HELP,
	/* command options */
	O_TITLE, O_TAG, O_ADD, O_REMOVE, O_REPORT, O_EVENT, O_APPENDIX, O_TEXT, O_KIND, O_AT,
	O_DESCRIPTION, O_TIMELINE, O_DETECTION, O_INTERACTION, O_METHODOLOGY, O_ROOT_CAUSE,
	O_LESSON, O_CRITERIA, O_DUE, O_STATUS, O_ITEM, O_BUG, O_URL, O_DATE, O_QUESTION, O_CLEAR,
	/* set: fields and times */
	O_FIELD_BASE = 0x400, /* + index in pw_incident_fields() */
	O_SUMMARY = 0x480,
	O_TIME_BASE = 0x500,  /* + enum pw_store_incident_time; END_EXPECTED below */
	O_END_EXPECTED = 0x540,
};

struct common {
	const char *store;
	const char *actor;
	char actor_buf[INCIDENT_ACTOR_MAX];
	int64_t now;
	int json;
	int help;
};

#define COMMON_OPTIONS                                       \
	{"store", required_argument, NULL, O_STORE},             \
	{"actor", required_argument, NULL, O_ACTOR},             \
	{"now", required_argument, NULL, O_NOW},                 \
	{"json", no_argument, NULL, O_JSON},                     \
	{"help", no_argument, NULL, O_HELP}

static int parse_time(const char *cmd, const char *flag, const char *v, int64_t *out)
{
	if (!pw_cli_parse_time(v, out)) {
		fprintf(stderr,
		        "pkiward incident %s: %s: expected YYYY-MM-DD or RFC 3339 "
		        "(2026-11-20T14:03:00Z), got '%s'\n",
		        cmd, flag, v);
		return 0;
	}
	return 1;
}

/* Returns 1 when c was a common option (handled), -1 on a bad value, 0 otherwise. */
static int common_opt(struct common *k, const char *cmd, int c, const char *arg)
{
	switch (c) {
	case O_STORE: k->store = arg; return 1;
	case O_ACTOR: k->actor = arg; return 1;
	case O_NOW: return parse_time(cmd, "--now", arg, &k->now) ? 1 : -1;
	case O_JSON: k->json = 1; return 1;
	case O_HELP: k->help = 1; return 1;
	}
	return 0;
}

static void common_init(struct common *k)
{
	memset(k, 0, sizeof *k);
}

static struct pw_incident_ctx ctx_of(struct common *k)
{
	struct pw_incident_ctx c = {.actor = k->actor, .now = k->now};
	if (c.actor == NULL) {
		const char *u = getenv("USER");
		snprintf(k->actor_buf, sizeof k->actor_buf, "cli:%s", u && *u ? u : "unknown");
		c.actor = k->actor_buf;
	}
	return c;
}

static int64_t now_of(const struct common *k)
{
	return k->now ? k->now : (int64_t)time(NULL);
}

/* A positive decimal id, strictly. */
static int parse_id(const char *cmd, const char *what, const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long x = v ? strtoll(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end != '\0' || errno != 0 || x <= 0 || v[0] == '+' ||
	    v[0] == ' ') {
		fprintf(stderr, "pkiward incident %s: %s: expected a positive number, got '%s'\n", cmd,
		        what, v ? v : "(nothing)");
		return 0;
	}
	*out = x;
	return 1;
}

/* The incident id: the one positional argument. */
static int positional_id(const char *cmd, int argc, char **argv, int64_t *out)
{
	if (optind >= argc) {
		fprintf(stderr, "pkiward incident %s: the incident ID is missing\n", cmd);
		return 0;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "pkiward incident %s: unexpected argument '%s'\n", cmd, argv[optind + 1]);
		return 0;
	}
	return parse_id(cmd, "ID", argv[optind], out);
}

static int open_store(const char *cmd, const struct common *k, int readonly, struct pw_store **s)
{
	struct pw_error err;
	const char *path = pw_cli_store_path(k->store);
	pw_error_clear(&err);
	if (pw_store_open(path, readonly ? PW_STORE_READONLY : 0, s, &err) != PW_OK) {
		fprintf(stderr, "pkiward incident %s: ", cmd);
		pw_cli_print_error("incident", path, &err);
		return 0;
	}
	return 1;
}

static int fail(const char *cmd, const struct pw_error *err)
{
	char buf[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 64];
	fprintf(stderr, "pkiward incident %s: %s\n", cmd, pw_error_format(err, buf, sizeof buf));
	if (strcmp(err->field, "tag") == 0 && err->status == PW_ERR_USAGE) {
		fprintf(stderr, "known whiteboard tags:");
		for (const char *const *t = pw_incident_known_tags(); *t != NULL; t++)
			fprintf(stderr, " %s", *t);
		fprintf(stderr, "\n");
	}
	return PW_EXIT_USAGE;
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	printf("%s\n", t ? t : "null");
	free(t);
	json_decref(o);
}

static char *iso(int64_t t, char *buf, size_t n)
{
	if (t == 0) {
		snprintf(buf, n, "-");
		return buf;
	}
	return pw_cli_time_iso(t, buf, n);
}

/* "in 2d 3h" / "3h 5m ago". */
static void rel(int64_t d, char *buf, size_t n)
{
	int64_t a = d < 0 ? -d : d;
	if (a >= 86400)
		snprintf(buf, n, "%lldd %lldh", (long long)(a / 86400), (long long)(a % 86400 / 3600));
	else
		snprintf(buf, n, "%lldh %lldm", (long long)(a / 3600), (long long)(a % 3600 / 60));
}

/* ---- new ---- */

static int cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{"title", required_argument, NULL, O_TITLE},
		{"tag", required_argument, NULL, O_TAG},
		{"aware", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_AWARE},
		{"start", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_START},
		{NULL, 0, NULL, 0},
	};
	struct common k;
	const char *title = NULL, *tags[INCIDENT_MAX_REPEAT];
	size_t n_tags = 0;
	int64_t aware = 0, start = 0, id = 0;
	struct pw_store *s = NULL;
	struct pw_error err;
	int c, rc = PW_EXIT_USAGE;

	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = common_opt(&k, "new", c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		switch (c) {
		case O_TITLE: title = optarg; break;
		case O_TAG:
			if (n_tags == INCIDENT_MAX_REPEAT) {
				fprintf(stderr, "pkiward incident new: more than %d --tag\n", INCIDENT_MAX_REPEAT);
				goto out;
			}
			tags[n_tags++] = optarg;
			break;
		case O_TIME_BASE + PW_STORE_INCIDENT_AWARE:
			if (!parse_time("new", "--aware", optarg, &aware))
				goto out;
			break;
		case O_TIME_BASE + PW_STORE_INCIDENT_START:
			if (!parse_time("new", "--start", optarg, &start))
				goto out;
			break;
		default: usage(stderr); goto out;
		}
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (title == NULL || optind != argc) {
		fprintf(stderr, "pkiward incident new: %s\n",
		        title == NULL ? "--title is required" : "unexpected argument");
		goto out;
	}
	/* Tags are checked before the store is touched: nothing half-made. */
	for (size_t i = 0; i < n_tags; i++) {
		char norm[PW_INCIDENT_TAG_MAX];
		if (pw_incident_tag_parse(tags[i], norm, &err) != PW_OK) {
			rc = fail("new", &err);
			goto out;
		}
	}
	if (!open_store("new", &k, 0, &s))
		goto out;
	struct pw_incident_ctx cx = ctx_of(&k);
	if (pw_store_begin(s, &err) != PW_OK) {
		rc = fail("new", &err);
		goto out;
	}
	if (pw_incident_new(s, title, tags, n_tags, &cx, &id, &err) != PW_OK ||
	    (start && pw_incident_set_time(s, id, PW_STORE_INCIDENT_START, start, 0, &cx, &err) !=
	                  PW_OK) ||
	    (aware && pw_incident_set_time(s, id, PW_STORE_INCIDENT_AWARE, aware, 0, &cx, &err) !=
	                  PW_OK) ||
	    pw_store_commit(s, &err) != PW_OK) {
		pw_store_rollback(s);
		rc = fail("new", &err);
		goto out;
	}
	printf("%lld\n", (long long)id);
	rc = PW_EXIT_OK;
out:
	pw_store_close(s);
	return rc;
}

/* ---- set ---- */

static int cmd_set(int argc, char **argv)
{
	struct option opts[64];
	size_t n = 0;
	static const struct option base[] = {
		COMMON_OPTIONS,
		{"summary", required_argument, NULL, O_SUMMARY},
		{"clear", required_argument, NULL, O_CLEAR},
		{"aware", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_AWARE},
		{"start", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_START},
		{"end", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_END},
		{"end-expected", required_argument, NULL, O_END_EXPECTED},
		{"next-update", required_argument, NULL, O_TIME_BASE + PW_STORE_INCIDENT_NEXT_UPDATE},
		{"revocation-planned", required_argument, NULL,
		 O_TIME_BASE + PW_STORE_INCIDENT_REVOCATION_PLANNED},
	};
	const struct pw_incident_field_def *defs = pw_incident_fields();
	for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
		opts[n++] = base[i];
	for (size_t i = 0; defs[i].name != NULL && n + 1 < 64; i++)
		opts[n++] = (struct option){defs[i].name, required_argument, NULL, O_FIELD_BASE + (int)i};
	memset(&opts[n], 0, sizeof opts[n]);

	/* Changes are collected first, then applied in one transaction: a bad
	 * value later on the line leaves the incident untouched. */
	struct change {
		int is_time, clear;
		const char *name;
		const char *value;
		enum pw_store_incident_time which;
		int64_t t;
		int expected;
	} ch[64];
	size_t n_ch = 0;
	struct common k;
	struct pw_store *s = NULL;
	struct pw_error err;
	int64_t id;
	int c, rc = PW_EXIT_USAGE;

	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = common_opt(&k, "set", c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if (n_ch == 64) {
			fprintf(stderr, "pkiward incident set: too many changes in one command\n");
			goto out;
		}
		struct change *x = &ch[n_ch];
		memset(x, 0, sizeof *x);
		if (c >= O_FIELD_BASE && c < O_SUMMARY) {
			x->name = defs[c - O_FIELD_BASE].name;
			x->value = optarg;
		} else if (c == O_SUMMARY) {
			x->name = "description";
			x->value = optarg;
		} else if (c == O_CLEAR) {
			x->clear = 1;
			x->name = optarg;
			int found = pw_incident_field_find(optarg) != NULL;
			static const char *const tn[] = {"aware", "start", "end", "next-update",
			                                 "revocation-planned"};
			for (int i = 0; i < 5 && !found; i++)
				if (strcmp(optarg, tn[i]) == 0) {
					x->is_time = 1;
					x->which = (enum pw_store_incident_time)i;
					found = 1;
				}
			if (!found) {
				fprintf(stderr, "pkiward incident set: --clear: unknown field '%s'\n", optarg);
				goto out;
			}
		} else if (c >= O_TIME_BASE && c <= O_END_EXPECTED) {
			const struct option *o = NULL;
			for (size_t i = 0; i < n; i++)
				if (opts[i].val == c)
					o = &opts[i];
			char flag[48];
			snprintf(flag, sizeof flag, "--%s", o ? o->name : "time");
			x->is_time = 1;
			x->expected = c == O_END_EXPECTED;
			x->which = x->expected ? PW_STORE_INCIDENT_END
			                       : (enum pw_store_incident_time)(c - O_TIME_BASE);
			if (!parse_time("set", flag, optarg, &x->t))
				goto out;
		} else {
			usage(stderr);
			goto out;
		}
		n_ch++;
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id("set", argc, argv, &id))
		goto out;
	if (n_ch == 0) {
		fprintf(stderr, "pkiward incident set: nothing to set (see --help)\n");
		goto out;
	}
	if (!open_store("set", &k, 0, &s))
		goto out;
	struct pw_incident_ctx cx = ctx_of(&k);
	if (pw_store_begin(s, &err) != PW_OK) {
		rc = fail("set", &err);
		goto out;
	}
	for (size_t i = 0; i < n_ch; i++) {
		struct change *x = &ch[i];
		enum pw_status st =
			x->is_time ? pw_incident_set_time(s, id, x->which, x->clear ? 0 : x->t, x->expected,
			                                  &cx, &err)
			           : pw_incident_set_field(s, id, x->name, x->clear ? NULL : x->value, &cx,
			                                   &err);
		if (st != PW_OK) {
			pw_store_rollback(s);
			rc = fail("set", &err);
			goto out;
		}
	}
	if (pw_store_commit(s, &err) != PW_OK) {
		rc = fail("set", &err);
		goto out;
	}
	rc = PW_EXIT_OK;
out:
	pw_store_close(s);
	return rc;
}

/* ---- tag ---- */

static int cmd_tag(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{"add", required_argument, NULL, O_ADD},
		{"remove", required_argument, NULL, O_REMOVE},
		{NULL, 0, NULL, 0},
	};
	struct {
		const char *tag;
		int add;
	} t[INCIDENT_MAX_REPEAT];
	size_t n = 0;
	struct common k;
	struct pw_store *s = NULL;
	struct pw_error err;
	int64_t id;
	int c, rc = PW_EXIT_USAGE;

	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = common_opt(&k, "tag", c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if ((c != O_ADD && c != O_REMOVE) || n == INCIDENT_MAX_REPEAT) {
			usage(stderr);
			goto out;
		}
		t[n].tag = optarg;
		t[n++].add = c == O_ADD;
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id("tag", argc, argv, &id))
		goto out;
	if (n == 0) {
		fprintf(stderr, "pkiward incident tag: give --add TAG or --remove TAG\n");
		goto out;
	}
	if (!open_store("tag", &k, 0, &s))
		goto out;
	struct pw_incident_ctx cx = ctx_of(&k);
	if (pw_store_begin(s, &err) != PW_OK) {
		rc = fail("tag", &err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (pw_incident_tag(s, id, t[i].tag, t[i].add, &cx, &err) != PW_OK) {
			pw_store_rollback(s);
			rc = fail("tag", &err);
			goto out;
		}
	if (pw_store_commit(s, &err) != PW_OK) {
		rc = fail("tag", &err);
		goto out;
	}
	rc = PW_EXIT_OK;
out:
	pw_store_close(s);
	return rc;
}

/* ---- link ---- */

static int cmd_link(int argc, char **argv)
{
	static const struct option own[] = {
		COMMON_OPTIONS,
		{"report", required_argument, NULL, O_REPORT},
		{"event", required_argument, NULL, O_EVENT},
		{NULL, 0, NULL, 0},
	};
	struct option opts[PW_CLI_MAX_OPTIONS];
	struct pw_cli_filter cf;
	struct common k;
	struct pw_store *s = NULL;
	struct pw_error err;
	int64_t id, report = 0, ev = 0;
	uint64_t count = 0;
	int c, rc = PW_EXIT_USAGE;

	common_init(&k);
	pw_error_clear(&err);
	pw_cli_filter_init(&cf);
	if (!pw_cli_filter_merge_options(own, opts, PW_CLI_MAX_OPTIONS)) {
		fprintf(stderr, "pkiward incident link: internal error: too many options\n");
		return PW_EXIT_USAGE;
	}
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int fr = pw_cli_filter_option(&cf, "incident link", c, optarg);
		if (fr < 0)
			goto out;
		if (fr > 0)
			continue;
		int r = common_opt(&k, "link", c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		switch (c) {
		case O_REPORT:
			if (!parse_id("link", "--report", optarg, &report))
				goto out;
			break;
		case O_EVENT:
			if (!parse_id("link", "--event", optarg, &ev))
				goto out;
			break;
		default: usage(stderr); goto out;
		}
	}
	if (k.help) {
		usage(stdout);
		pw_cli_filter_usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id("link", argc, argv, &id))
		goto out;
	pw_cli_filter_finish(&cf);
	if (cf.n_conditions == 0 && report == 0 && ev == 0) {
		fprintf(stderr, "pkiward incident link: give find filters (e.g. --domain example.com), "
		                "--report N or --event N\n");
		goto out;
	}
	if (!open_store("link", &k, 0, &s))
		goto out;
	struct pw_incident_ctx cx = ctx_of(&k);
	if (k.now)
		cf.f.now = k.now;
	if (pw_store_begin(s, &err) != PW_OK) {
		rc = fail("link", &err);
		goto out;
	}
	if ((cf.n_conditions > 0 && pw_incident_link_query(s, id, &cf.f, &cx, &count, &err) != PW_OK) ||
	    (report && pw_incident_link_report(s, id, report, &cx, &err) != PW_OK) ||
	    (ev && pw_incident_link_event(s, id, ev, &cx, &err) != PW_OK) ||
	    pw_store_commit(s, &err) != PW_OK) {
		pw_store_rollback(s);
		rc = fail("link", &err);
		goto out;
	}
	if (cf.n_conditions > 0) {
		if (k.json) {
			json_t *o = json_object();
			json_object_set_new(o, "incident", json_integer(id));
			json_object_set_new(o, "certificates", json_integer((json_int_t)count));
			print_json(o);
		} else {
			printf("incident %lld: linked %llu certificate(s) (query kept live)\n", (long long)id,
			       (unsigned long long)count);
		}
	}
	rc = PW_EXIT_OK;
out:
	pw_store_close(s);
	return rc;
}

/* ---- root-cause, lesson, related, note, question, answer, posted ---- */

/* One generic parser for the item commands: fills these from the flags. */
struct item_args {
	const char *title, *description, *timeline, *detection, *interaction, *methodology;
	const char *text, *kind, *criteria, *status, *bug, *url, *date, *report;
	int64_t at, due, item, question;
	int64_t root_causes[PW_INCIDENT_MAX_REFS], lessons[PW_INCIDENT_MAX_REFS];
	size_t n_root_causes, n_lessons;
	int has_due;
};

static const struct option item_opts[] = {
	COMMON_OPTIONS,
	{"title", required_argument, NULL, O_TITLE},
	{"description", required_argument, NULL, O_DESCRIPTION},
	{"timeline", required_argument, NULL, O_TIMELINE},
	{"detection", required_argument, NULL, O_DETECTION},
	{"interaction", required_argument, NULL, O_INTERACTION},
	{"methodology", required_argument, NULL, O_METHODOLOGY},
	{"text", required_argument, NULL, O_TEXT},
	{"kind", required_argument, NULL, O_KIND},
	{"criteria", required_argument, NULL, O_CRITERIA},
	{"status", required_argument, NULL, O_STATUS},
	{"due", required_argument, NULL, O_DUE},
	{"root-cause", required_argument, NULL, O_ROOT_CAUSE},
	{"lesson", required_argument, NULL, O_LESSON},
	{"item", required_argument, NULL, O_ITEM},
	{"bug", required_argument, NULL, O_BUG},
	{"url", required_argument, NULL, O_URL},
	{"date", required_argument, NULL, O_DATE},
	{"at", required_argument, NULL, O_AT},
	{"question", required_argument, NULL, O_QUESTION},
	{"report", required_argument, NULL, O_REPORT},
	{NULL, 0, NULL, 0},
};

/* Which item flags each command takes (a flag for another command is a
 * usage error, so a typo is not silently ignored). */
struct item_cmd {
	const char *name;
	const int *allowed; /* terminated by 0 */
};

static int allowed(const int *list, int c)
{
	for (; *list; list++)
		if (*list == c)
			return 1;
	return 0;
}

static int parse_items(const char *cmd, const int *ok, int argc, char **argv, struct common *k,
                       struct item_args *a)
{
	int c;
	memset(a, 0, sizeof *a);
	while ((c = getopt_long(argc, argv, "", item_opts, NULL)) != -1) {
		int r = common_opt(k, cmd, c, optarg);
		if (r < 0)
			return 0;
		if (r > 0)
			continue;
		if (c == '?' || !allowed(ok, c)) {
			if (c != '?')
				fprintf(stderr, "pkiward incident %s: '%s' does not take that option\n", cmd,
				        cmd);
			return 0;
		}
		switch (c) {
		case O_TITLE: a->title = optarg; break;
		case O_DESCRIPTION: a->description = optarg; break;
		case O_TIMELINE: a->timeline = optarg; break;
		case O_DETECTION: a->detection = optarg; break;
		case O_INTERACTION: a->interaction = optarg; break;
		case O_METHODOLOGY: a->methodology = optarg; break;
		case O_TEXT: a->text = optarg; break;
		case O_KIND: a->kind = optarg; break;
		case O_CRITERIA: a->criteria = optarg; break;
		case O_STATUS: a->status = optarg; break;
		case O_BUG: a->bug = optarg; break;
		case O_URL: a->url = optarg; break;
		case O_DATE: a->date = optarg; break;
		case O_REPORT: a->report = optarg; break;
		case O_DUE:
			if (!parse_time(cmd, "--due", optarg, &a->due))
				return 0;
			a->has_due = 1;
			break;
		case O_AT:
			if (!parse_time(cmd, "--at", optarg, &a->at))
				return 0;
			break;
		case O_ITEM:
			if (!parse_id(cmd, "--item", optarg, &a->item))
				return 0;
			break;
		case O_QUESTION:
			if (!parse_id(cmd, "--question", optarg, &a->question))
				return 0;
			break;
		case O_ROOT_CAUSE:
		case O_LESSON: {
			int rcause = c == O_ROOT_CAUSE;
			size_t *n = rcause ? &a->n_root_causes : &a->n_lessons;
			int64_t *v = rcause ? a->root_causes : a->lessons;
			if (*n == PW_INCIDENT_MAX_REFS) {
				fprintf(stderr, "pkiward incident %s: too many --%s\n", cmd,
				        rcause ? "root-cause" : "lesson");
				return 0;
			}
			if (!parse_id(cmd, rcause ? "--root-cause" : "--lesson", optarg, &v[*n]))
				return 0;
			(*n)++;
			break;
		}
		}
	}
	return 1;
}

static int need(const char *cmd, const char *flag, const void *v)
{
	if (v == NULL)
		fprintf(stderr, "pkiward incident %s: %s is required\n", cmd, flag);
	return v != NULL;
}

static int cmd_item(int argc, char **argv)
{
	static const int rc_ok[] = {O_TITLE, O_DESCRIPTION, O_TIMELINE, O_DETECTION, O_INTERACTION,
	                            O_METHODOLOGY, 0};
	static const int lesson_ok[] = {O_KIND, O_TEXT, 0};
	static const int action_ok[] = {O_DESCRIPTION, O_KIND, O_ROOT_CAUSE, O_LESSON, O_CRITERIA,
	                                O_DUE, O_STATUS, O_ITEM, 0};
	static const int related_ok[] = {O_BUG, O_URL, O_DATE, O_DESCRIPTION, 0};
	static const int question_ok[] = {O_TEXT, O_AT, 0};
	static const int answer_ok[] = {O_QUESTION, O_AT, O_TEXT, 0};
	static const int posted_ok[] = {O_REPORT, O_AT, 0};
	static const int note_ok[] = {O_AT, O_TEXT, 0};
	static const struct item_cmd cmds[] = {
		{"root-cause", rc_ok}, {"lesson", lesson_ok}, {"action", action_ok},
		{"related", related_ok}, {"question", question_ok}, {"answer", answer_ok},
		{"posted", posted_ok}, {"note", note_ok},
	};
	const char *cmd = argv[0];
	const struct item_cmd *ic = NULL;
	struct item_args a;
	struct common k;
	struct pw_store *s = NULL;
	struct pw_incident *inc = NULL;
	struct pw_error err;
	int64_t id, seq = 0;
	int rc = PW_EXIT_USAGE;
	enum pw_status st = PW_OK;

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmds[i].name, cmd) == 0)
			ic = &cmds[i];
	common_init(&k);
	pw_error_clear(&err);
	if (ic == NULL || !parse_items(cmd, ic->allowed, argc, argv, &k, &a))
		goto out;
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id(cmd, argc, argv, &id))
		goto out;
	/* Enumerated values are checked before the store is opened. */
	enum pw_incident_lesson_kind lk = PW_INCIDENT_OTHER;
	enum pw_incident_action_kind ak = PW_INCIDENT_PREVENT;
	enum pw_incident_action_status as = PW_INCIDENT_ONGOING;
	enum pw_incident_report rk = PW_INCIDENT_UPDATE;
	if (strcmp(cmd, "lesson") == 0 && a.kind != NULL && !pw_incident_lesson_parse(a.kind, &lk)) {
		fprintf(stderr, "pkiward incident lesson: --kind: expected well, wrong, lucky or other "
		                "(IRG Lessons Learned), got '%s'\n", a.kind);
		goto out;
	}
	if (strcmp(cmd, "action") == 0) {
		if (a.kind != NULL && !pw_incident_action_kind_parse(a.kind, &ak)) {
			fprintf(stderr, "pkiward incident action: --kind: expected Prevent, Mitigate or Detect "
			                "(IRG Action Items), got '%s'\n", a.kind);
			goto out;
		}
		if (a.status != NULL && !pw_incident_action_status_parse(a.status, &as)) {
			fprintf(stderr, "pkiward incident action: --status: expected Ongoing, Complete, "
			                "Delayed or Canceled (IRG Action Items), got '%s'\n", a.status);
			goto out;
		}
	}
	if (strcmp(cmd, "posted") == 0 &&
	    (!need(cmd, "--report", a.report) || !pw_incident_report_parse(a.report, &rk))) {
		if (a.report != NULL)
			fprintf(stderr, "pkiward incident posted: --report: expected preliminary, full, "
			                "update or closure, got '%s'\n", a.report);
		goto out;
	}
	if (!open_store(cmd, &k, 0, &s))
		goto out;
	struct pw_incident_ctx cx = ctx_of(&k);
	if (strcmp(cmd, "root-cause") == 0) {
		if (!need(cmd, "--title", a.title) || !need(cmd, "--description", a.description))
			goto out;
		struct pw_incident_root_cause r = {
			.title = (char *)a.title, .description = (char *)a.description,
			.timeline = (char *)a.timeline, .detection = (char *)a.detection,
			.interaction = (char *)a.interaction, .methodology = (char *)a.methodology};
		st = pw_incident_add_root_cause(s, id, &r, &cx, &seq, &err);
	} else if (strcmp(cmd, "lesson") == 0) {
		if (!need(cmd, "--kind", a.kind) || !need(cmd, "--text", a.text))
			goto out;
		st = pw_incident_add_lesson(s, id, lk, a.text, &cx, &seq, &err);
	} else if (strcmp(cmd, "action") == 0) {
		struct pw_incident_action x;
		memset(&x, 0, sizeof x);
		if (a.item != 0) {
			/* A change: start from the stored item, override what is given. */
			if ((st = pw_incident_load(s, id, &inc, &err)) != PW_OK)
				goto done;
			const struct pw_incident_action *cur = NULL;
			for (size_t i = 0; i < inc->n_actions; i++)
				if (inc->actions[i].seq == a.item)
					cur = &inc->actions[i];
			if (cur == NULL) {
				st = pw_error_set(&err, PW_ERR_NOTFOUND, 0, 0, "--item",
				                  "incident %lld has no action item #%lld", (long long)id,
				                  (long long)a.item);
				goto done;
			}
			x = *cur;
		}
		if (a.description)
			x.description = (char *)a.description;
		if (a.kind)
			x.kind = ak;
		if (a.criteria)
			x.criteria = (char *)a.criteria;
		if (a.has_due)
			x.due = a.due;
		if (a.status)
			x.status = as;
		if (a.n_root_causes) {
			memcpy(x.root_causes, a.root_causes, sizeof a.root_causes);
			x.n_root_causes = a.n_root_causes;
		}
		if (a.n_lessons) {
			memcpy(x.lessons, a.lessons, sizeof a.lessons);
			x.n_lessons = a.n_lessons;
		}
		if (a.item == 0 && (!need(cmd, "--description", a.description) ||
		                    !need(cmd, "--kind", a.kind) || !need(cmd, "--criteria", a.criteria) ||
		                    !need(cmd, "--due", a.has_due ? "" : NULL)))
			goto out;
		st = pw_incident_put_action(s, id, a.item, &x, &cx, &seq, &err);
	} else if (strcmp(cmd, "related") == 0) {
		struct pw_incident_related r = {.bug = (char *)a.bug, .url = (char *)a.url,
		                                .date = (char *)a.date,
		                                .description = (char *)a.description};
		st = pw_incident_add_related(s, id, &r, &cx, &seq, &err);
	} else if (strcmp(cmd, "question") == 0) {
		if (!need(cmd, "--text", a.text))
			goto out;
		st = pw_incident_question(s, id, 0, a.at, a.text, &cx, &seq, &err);
	} else if (strcmp(cmd, "answer") == 0) {
		if (!need(cmd, "--question", a.question ? "" : NULL))
			goto out;
		st = pw_incident_question(s, id, a.question, a.at, a.text, &cx, &seq, &err);
	} else if (strcmp(cmd, "posted") == 0) {
		st = pw_incident_posted(s, id, rk, a.at, &cx, &err);
	} else if (strcmp(cmd, "note") == 0) {
		if (!need(cmd, "--at", a.at ? "" : NULL) || !need(cmd, "--text", a.text))
			goto out;
		st = pw_incident_add_note(s, id, a.at, a.text, &cx, &seq, &err);
	}
done:
	if (st != PW_OK) {
		rc = fail(cmd, &err);
		goto out;
	}
	if (seq != 0)
		printf("%lld\n", (long long)seq);
	rc = PW_EXIT_OK;
out:
	pw_incident_free(inc);
	pw_store_close(s);
	return rc;
}

/* ---- show, list ---- */

static json_t *deadlines_json(const struct pw_incident_deadline *d, size_t n, int64_t now)
{
	json_t *a = json_array();
	char t[32];
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(pw_incident_deadline_name(d[i].kind)));
		json_object_set_new(o, "what", json_string(d[i].what));
		json_object_set_new(o, "rule", json_string(d[i].rule));
		json_object_set_new(o, "due", json_string(iso(d[i].due, t, sizeof t)));
		json_object_set_new(o, "due_unix", json_integer(d[i].due));
		if (d[i].soft_due)
			json_object_set_new(o, "should_by", json_string(iso(d[i].soft_due, t, sizeof t)));
		json_object_set_new(o, "met", d[i].met_at ? json_string(iso(d[i].met_at, t, sizeof t))
		                                          : json_null());
		json_object_set_new(o, "overdue", json_boolean(d[i].overdue));
		json_object_set_new(o, "state",
		                    json_string(d[i].met_at ? (d[i].overdue ? "late" : "met")
		                                            : (d[i].overdue ? "overdue" : "pending")));
		(void)now;
		json_array_append_new(a, o);
	}
	return a;
}

static void print_deadlines(const struct pw_incident_deadline *d, size_t n, int64_t now)
{
	char t[32], r[32];
	if (n == 0) {
		printf("  (none)\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *state;
		if (d[i].met_at) {
			state = d[i].overdue ? "LATE" : "met";
			rel(d[i].met_at - d[i].due, r, sizeof r);
		} else if (d[i].overdue) {
			state = "OVERDUE";
			rel(now - d[i].due, r, sizeof r);
		} else {
			state = "due in";
			rel(d[i].due - now, r, sizeof r);
		}
		printf("  %-24s %-20s %-8s %-8s %s", pw_incident_deadline_name(d[i].kind),
		       iso(d[i].due, t, sizeof t), state, d[i].met_at && !d[i].overdue ? "" : r,
		       d[i].what);
		if (d[i].soft_due && !d[i].met_at)
			printf(" (SHOULD by %s)", iso(d[i].soft_due, t, sizeof t));
		printf(" [%s]\n", d[i].rule);
	}
}

static size_t count_overdue(const struct pw_incident_deadline *d, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += d[i].overdue && d[i].met_at == 0;
	return k;
}

static json_t *incident_json(const struct pw_incident *inc, const struct pw_incident_impact *im,
                             const struct pw_incident_deadline *d, size_t nd, int64_t now)
{
	char t[32];
	json_t *o = json_object(), *a;
	json_object_set_new(o, "id", json_integer(inc->id));
	json_object_set_new(o, "title", json_string(inc->title));
	json_object_set_new(o, "status", json_string(inc->closed_at ? "closed" : "open"));
	a = json_array();
	for (size_t i = 0; i < inc->n_tags; i++)
		json_array_append_new(a, json_string(inc->tags[i]));
	json_object_set_new(o, "tags", a);
	struct {
		const char *k;
		int64_t v;
	} times[] = {{"created", inc->created_at},         {"aware", inc->aware_at},
	             {"start", inc->start_at},             {"end", inc->end_at},
	             {"next_update", inc->next_update_at}, {"revocation_planned", inc->revocation_planned_at},
	             {"closed", inc->closed_at}};
	json_t *tj = json_object();
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		json_object_set_new(tj, times[i].k,
		                    times[i].v ? json_string(iso(times[i].v, t, sizeof t)) : json_null());
	json_object_set_new(tj, "end_expected", json_boolean(inc->end_expected));
	json_object_set_new(o, "times", tj);
	json_t *f = json_object();
	for (size_t i = 0; i < inc->n_fields; i++)
		json_object_set_new(f, inc->fields[i].name, json_string(inc->fields[i].value));
	json_object_set_new(o, "fields", f);
	if (im != NULL) {
		json_t *m = json_object();
		json_object_set_new(m, "total", json_integer((json_int_t)im->total));
		json_object_set_new(m, "remaining_valid", json_integer((json_int_t)im->remaining_valid));
		json_object_set_new(m, "revoked", json_integer((json_int_t)im->revoked));
		json_object_set_new(m, "expired", json_integer((json_int_t)im->expired));
		json_object_set_new(m, "dv", json_integer((json_int_t)im->dv));
		json_object_set_new(m, "ov", json_integer((json_int_t)im->ov));
		json_object_set_new(m, "iv", json_integer((json_int_t)im->iv));
		json_object_set_new(m, "ev", json_integer((json_int_t)im->ev));
		json_object_set_new(m, "other", json_integer((json_int_t)im->other));
		json_object_set_new(o, "impact", m);
	}
	a = json_array();
	for (size_t i = 0; i < inc->n_queries; i++) {
		json_t *q = json_object();
		json_object_set_new(q, "seq", json_integer(inc->queries[i].seq));
		json_object_set_new(q, "find", json_string(inc->queries[i].describe ? inc->queries[i].describe : ""));
		json_object_set_new(q, "count_when_linked",
		                    json_integer((json_int_t)inc->queries[i].snapshot_count));
		json_object_set_new(q, "linked_at", json_string(iso(inc->queries[i].at, t, sizeof t)));
		json_array_append_new(a, q);
	}
	json_object_set_new(o, "queries", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_reports; i++)
		json_array_append_new(a, json_integer(inc->reports[i]));
	json_object_set_new(o, "reports", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_events; i++)
		json_array_append_new(a, json_integer(inc->events[i]));
	json_object_set_new(o, "events", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_root_causes; i++) {
		const struct pw_incident_root_cause *r = &inc->root_causes[i];
		json_t *x = json_object();
		json_object_set_new(x, "seq", json_integer(r->seq));
		json_object_set_new(x, "title", json_string(r->title ? r->title : ""));
		json_object_set_new(x, "description", json_string(r->description ? r->description : ""));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "root_causes", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_lessons; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "seq", json_integer(inc->lessons[i].seq));
		json_object_set_new(x, "kind", json_string(pw_incident_lesson_name(inc->lessons[i].kind)));
		json_object_set_new(x, "text", json_string(inc->lessons[i].text ? inc->lessons[i].text : ""));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "lessons", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_actions; i++) {
		const struct pw_incident_action *x = &inc->actions[i];
		json_t *j = json_object(), *rcs = json_array(), *ls = json_array();
		for (size_t k = 0; k < x->n_root_causes; k++)
			json_array_append_new(rcs, json_integer(x->root_causes[k]));
		for (size_t k = 0; k < x->n_lessons; k++)
			json_array_append_new(ls, json_integer(x->lessons[k]));
		json_object_set_new(j, "seq", json_integer(x->seq));
		json_object_set_new(j, "description", json_string(x->description ? x->description : ""));
		json_object_set_new(j, "kind", json_string(pw_incident_action_kind_name(x->kind)));
		json_object_set_new(j, "root_causes", rcs);
		json_object_set_new(j, "lessons", ls);
		json_object_set_new(j, "criteria", json_string(x->criteria ? x->criteria : ""));
		json_object_set_new(j, "due", json_string(iso(x->due, t, sizeof t)));
		json_object_set_new(j, "status", json_string(pw_incident_action_status_name(x->status)));
		json_array_append_new(a, j);
	}
	json_object_set_new(o, "actions", a);
	a = json_array();
	for (size_t i = 0; i < inc->n_posts; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "report", json_string(pw_incident_report_name(inc->posts[i].kind)));
		json_object_set_new(x, "at", json_string(iso(inc->posts[i].at, t, sizeof t)));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "posted", a);
	json_object_set_new(o, "deadlines", deadlines_json(d, nd, now));
	json_object_set_new(o, "overdue", json_integer((json_int_t)count_overdue(d, nd)));
	return o;
}

static void print_text(const char *label, const char *v)
{
	printf("  %-22s %s\n", label, v ? v : "-");
}

static void show_text(const struct pw_incident *inc, const struct pw_incident_impact *im,
                      const struct pw_incident_deadline *d, size_t nd, int64_t now)
{
	char t[32];
	printf("incident %lld: %s\n", (long long)inc->id, inc->title);
	printf("  %-22s %s\n", "status", inc->closed_at ? "closed" : "open");
	printf("  %-22s", "tags");
	for (size_t i = 0; i < inc->n_tags; i++)
		printf(" %s", inc->tags[i]);
	printf("%s\n", inc->n_tags ? "" : " -");
	printf("times (UTC):\n");
	printf("  %-22s %s\n", "created", iso(inc->created_at, t, sizeof t));
	printf("  %-22s %s\n", "incident start", iso(inc->start_at, t, sizeof t));
	printf("  %-22s %s\n", "aware", iso(inc->aware_at, t, sizeof t));
	printf("  %-22s %s%s\n", "end", iso(inc->end_at, t, sizeof t),
	       inc->end_expected ? " (expected)" : "");
	printf("  %-22s %s\n", "next update", iso(inc->next_update_at, t, sizeof t));
	printf("  %-22s %s\n", "revocation planned", iso(inc->revocation_planned_at, t, sizeof t));
	printf("fields:\n");
	for (const struct pw_incident_field_def *f = pw_incident_fields(); f->name != NULL; f++)
		print_text(f->name, pw_incident_get0_field(inc, f->name));
	printf("impact (live, %s):\n", iso(now, t, sizeof t));
	printf("  total %llu, remaining valid %llu, revoked %llu, expired %llu; DV %llu OV %llu IV "
	       "%llu EV %llu other %llu\n",
	       (unsigned long long)im->total, (unsigned long long)im->remaining_valid,
	       (unsigned long long)im->revoked, (unsigned long long)im->expired,
	       (unsigned long long)im->dv, (unsigned long long)im->ov, (unsigned long long)im->iv,
	       (unsigned long long)im->ev, (unsigned long long)im->other);
	for (size_t i = 0; i < inc->n_queries; i++)
		printf("  query #%lld: find %s (%llu when linked %s)\n", (long long)inc->queries[i].seq,
		       inc->queries[i].describe ? inc->queries[i].describe : "",
		       (unsigned long long)inc->queries[i].snapshot_count,
		       iso(inc->queries[i].at, t, sizeof t));
	for (size_t i = 0; i < inc->n_reports; i++)
		printf("  problem report #%lld\n", (long long)inc->reports[i]);
	for (size_t i = 0; i < inc->n_events; i++)
		printf("  event #%lld\n", (long long)inc->events[i]);
	printf("root causes:\n");
	for (size_t i = 0; i < inc->n_root_causes; i++)
		printf("  #%lld %s\n", (long long)inc->root_causes[i].seq, inc->root_causes[i].title);
	printf("lessons:\n");
	for (size_t i = 0; i < inc->n_lessons; i++)
		printf("  #%lld [%s] %s\n", (long long)inc->lessons[i].seq,
		       pw_incident_lesson_name(inc->lessons[i].kind), inc->lessons[i].text);
	printf("action items:\n");
	for (size_t i = 0; i < inc->n_actions; i++) {
		const struct pw_incident_action *a = &inc->actions[i];
		printf("  #%lld %-8s %-8s due %s  %s\n", (long long)a->seq,
		       pw_incident_action_kind_name(a->kind), pw_incident_action_status_name(a->status),
		       iso(a->due, t, sizeof t), a->description);
	}
	printf("posted:\n");
	for (size_t i = 0; i < inc->n_posts; i++)
		printf("  %-12s %s\n", pw_incident_report_name(inc->posts[i].kind),
		       iso(inc->posts[i].at, t, sizeof t));
	printf("deadlines (now %s):\n", iso(now, t, sizeof t));
	print_deadlines(d, nd, now);
}

static int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct common k;
	struct pw_store *s = NULL;
	struct pw_incident *inc = NULL;
	struct pw_incident_deadline *d = NULL;
	struct pw_incident_impact im;
	struct pw_error err;
	int64_t id;
	size_t nd = 0;
	int c, rc = PW_EXIT_USAGE;

	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (common_opt(&k, "show", c, optarg) <= 0) {
			usage(stderr);
			goto out;
		}
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id("show", argc, argv, &id) || !open_store("show", &k, 1, &s))
		goto out;
	int64_t now = now_of(&k);
	if (pw_incident_load(s, id, &inc, &err) != PW_OK ||
	    pw_incident_impact(s, inc, now, &im, &err) != PW_OK) {
		rc = fail("show", &err);
		goto out;
	}
	if ((d = calloc(PW_INCIDENT_MAX_DEADLINES, sizeof *d)) == NULL) {
		fprintf(stderr, "pkiward incident show: out of memory\n");
		goto out;
	}
	pw_incident_deadlines(inc, now, d, PW_INCIDENT_MAX_DEADLINES, &nd);
	if (k.json)
		print_json(incident_json(inc, &im, d, nd, now));
	else
		show_text(inc, &im, d, nd, now);
	rc = PW_EXIT_OK;
out:
	free(d);
	pw_incident_free(inc);
	pw_store_close(s);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {COMMON_OPTIONS, {NULL, 0, NULL, 0}};
	struct common k;
	struct pw_store *s = NULL;
	struct pw_incident_deadline *d = NULL;
	struct pw_error err;
	int64_t *ids = NULL;
	size_t n = 0, total_overdue = 0;
	int c, rc = PW_EXIT_USAGE;
	json_t *arr = NULL;

	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (common_opt(&k, "list", c, optarg) <= 0) {
			usage(stderr);
			goto out;
		}
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward incident list: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	if (!open_store("list", &k, 1, &s))
		goto out;
	if (pw_incident_ids(s, &ids, &n, &err) != PW_OK) {
		rc = fail("list", &err);
		goto out;
	}
	if ((d = calloc(PW_INCIDENT_MAX_DEADLINES, sizeof *d)) == NULL) {
		fprintf(stderr, "pkiward incident list: out of memory\n");
		goto out;
	}
	int64_t now = now_of(&k);
	if (k.json)
		arr = json_array();
	else
		printf("%-5s %-6s %-7s %-20s %-24s %s\n", "ID", "STATE", "OVERDUE", "NEXT DUE (UTC)",
		       "NEXT DEADLINE", "TITLE / TAGS");
	for (size_t i = 0; i < n; i++) {
		struct pw_incident *inc = NULL;
		size_t nd = 0;
		if (pw_incident_load(s, ids[i], &inc, &err) != PW_OK) {
			rc = fail("list", &err);
			goto out;
		}
		pw_incident_deadlines(inc, now, d, PW_INCIDENT_MAX_DEADLINES, &nd);
		size_t od = count_overdue(d, nd);
		total_overdue += od;
		if (k.json) {
			json_array_append_new(arr, incident_json(inc, NULL, d, nd, now));
		} else {
			const struct pw_incident_deadline *next = NULL;
			for (size_t j = 0; j < nd; j++)
				if (d[j].met_at == 0 && (next == NULL || d[j].due < next->due))
					next = &d[j];
			char t[32];
			printf("%-5lld %-6s %-7s %-20s %-24s %s", (long long)inc->id,
			       inc->closed_at ? "closed" : "open", od ? "YES" : "no",
			       next ? iso(next->due, t, sizeof t) : "-",
			       next ? pw_incident_deadline_name(next->kind) : "-", inc->title);
			for (size_t j = 0; j < inc->n_tags; j++)
				printf(" %s", inc->tags[j]);
			printf("\n");
		}
		pw_incident_free(inc);
	}
	if (k.json) {
		print_json(arr);
		arr = NULL;
	}
	rc = total_overdue ? PW_EXIT_FINDINGS : PW_EXIT_OK;
out:
	json_decref(arr);
	free(d);
	free(ids);
	pw_store_close(s);
	return rc;
}

/* ---- render ---- */

/* Writes data to path through a temporary file renamed into place, so a
 * failed run never leaves a truncated appendix. */
static int write_file(const char *path, const uint8_t *data, size_t len)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp) {
		fprintf(stderr, "pkiward incident render: --appendix: path too long\n");
		return 0;
	}
	FILE *f = fopen(tmp, "wb");
	if (f == NULL) {
		fprintf(stderr, "pkiward incident render: %s: %s\n", tmp, strerror(errno));
		return 0;
	}
	int ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "pkiward incident render: %s: %s\n", path, strerror(errno));
		remove(tmp);
		return 0;
	}
	return 1;
}

static int cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTIONS,
		{"report", required_argument, NULL, O_REPORT},
		{"appendix", required_argument, NULL, O_APPENDIX},
		{NULL, 0, NULL, 0},
	};
	struct common k;
	struct pw_store *s = NULL;
	struct pw_incident *inc = NULL;
	struct pw_incident_missing miss = {0};
	struct pw_buf md, app;
	struct pw_error err;
	const char *report = NULL, *appendix = NULL;
	uint8_t *mdt = NULL, *appt = NULL;
	size_t mdl = 0, appl = 0;
	int64_t id;
	int c, rc = PW_EXIT_USAGE;
	enum pw_incident_report rk;

	pw_buf_init(&md);
	pw_buf_init(&app);
	common_init(&k);
	pw_error_clear(&err);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = common_opt(&k, "render", c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if (c == O_REPORT)
			report = optarg;
		else if (c == O_APPENDIX)
			appendix = optarg;
		else {
			usage(stderr);
			goto out;
		}
	}
	if (k.help) {
		usage(stdout);
		rc = PW_EXIT_OK;
		goto out;
	}
	if (!positional_id("render", argc, argv, &id))
		goto out;
	if (report == NULL || !pw_incident_report_parse(report, &rk) || rk == PW_INCIDENT_UPDATE) {
		fprintf(stderr, "pkiward incident render: --report: expected preliminary, full or "
		                "closure, got '%s'\n", report ? report : "(nothing)");
		goto out;
	}
	if (appendix != NULL && rk != PW_INCIDENT_FULL) {
		fprintf(stderr, "pkiward incident render: --appendix belongs to the full report\n");
		goto out;
	}
	if (!open_store("render", &k, 1, &s))
		goto out;
	if (pw_incident_load(s, id, &inc, &err) != PW_OK) {
		rc = fail("render", &err);
		goto out;
	}
	const char *base = appendix ? strrchr(appendix, '/') : NULL;
	struct pw_incident_render_opts o = {
		.report = rk, .now = now_of(&k), .appendix = appendix ? &app : NULL,
		.appendix_name = appendix ? (base ? base + 1 : appendix) : NULL};
	enum pw_status st = pw_incident_render(s, inc, &o, &md, &miss, &err);
	if (st != PW_OK && miss.n > 0) {
		fprintf(stderr,
		        "pkiward incident render: the %s report of incident %lld is incomplete; "
		        "missing (%zu):\n",
		        report, (long long)id, miss.n);
		for (size_t i = 0; i < miss.n; i++)
			fprintf(stderr, "  - %s\n", miss.v[i]);
		rc = PW_EXIT_FINDINGS;
		goto out;
	}
	if (st != PW_OK) {
		rc = fail("render", &err);
		goto out;
	}
	if ((mdt = pw_buf_finish(&md, &mdl)) == NULL ||
	    (appendix && (appt = pw_buf_finish(&app, &appl)) == NULL)) {
		fprintf(stderr, "pkiward incident render: out of memory\n");
		goto out;
	}
	if (appendix != NULL && !write_file(appendix, appt, appl))
		goto out;
	if (fwrite(mdt, 1, mdl, stdout) != mdl || fflush(stdout) != 0) {
		fprintf(stderr, "pkiward incident render: writing stdout: %s\n", strerror(errno));
		goto out;
	}
	rc = PW_EXIT_OK;
out:
	free(mdt);
	free(appt);
	pw_buf_cleanup(&md);
	pw_buf_cleanup(&app);
	pw_incident_missing_cleanup(&miss);
	pw_incident_free(inc);
	pw_store_close(s);
	return rc;
}

/* ---- dispatch ---- */

int pw_cli_incident(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"new", cmd_new},         {"list", cmd_list},         {"show", cmd_show},
		{"set", cmd_set},         {"tag", cmd_tag},           {"link", cmd_link},
		{"root-cause", cmd_item}, {"lesson", cmd_item},       {"action", cmd_item},
		{"related", cmd_item},    {"question", cmd_item},     {"answer", cmd_item},
		{"posted", cmd_item},     {"note", cmd_item},         {"render", cmd_render},
	};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0) {
			optind = 1;
			opterr = 1;
			return cmds[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "pkiward incident: unknown command '%s' (see pkiward incident --help)\n",
	        argv[1]);
	return PW_EXIT_USAGE;
}
