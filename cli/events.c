/* pkiward events: the hash-chained event log (events.h).
 *
 *   pkiward events verify [--store PATH] [--json] [--anchor ID:HASH]
 *   pkiward events export [--store PATH] [--since ID] [--subject X] [--output FILE]
 *
 * verify walks the whole chain and compares its end with the recorded head;
 * it names the first event where the chain breaks and how (edited,
 * relinked = deleted/reordered/inserted, gap, truncated, head). With
 * --anchor (an id and hash kept from an earlier verify) the chain must also
 * pass through that event. Exit: 0 intact, 1 tampered, 2 error.
 *
 * export writes JSON Lines, one event per line, in id order: id, at (RFC
 * 3339 UTC), at_unix, kind, subject, actor, payload (the JSON object, or
 * payload_text when the stored text is not JSON), prev_hash, hash. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/events.h"
#include "pkiward/store.h"

int pw_cli_events(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward events verify [--store PATH] [--json] [--anchor ID:SHA256HEX]\n"
	        "       pkiward events export [--store PATH] [--since ID] [--subject X] [--output FILE]\n"
	        "verify: recompute every event hash and link; exit 0 intact, 1 tampered (the first\n"
	        "  broken event is named), 2 error. --anchor: the chain must pass through the\n"
	        "  event (id, hash) printed by an earlier verify.\n"
	        "export: JSON Lines, one event per line, in id order; --since ID exports events\n"
	        "  after ID; --subject X only events about X (\"report:3\", \"cert:<sha256>\").\n");
}

static int open_store(const char *flag, int readonly, struct pw_store **s)
{
	struct pw_error err;
	const char *path = pw_cli_store_path(flag);
	if (pw_store_open(path, readonly ? PW_STORE_READONLY : 0, s, &err) != PW_OK) {
		pw_cli_print_error("events", path, &err);
		return 0;
	}
	return 1;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"anchor", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL, *anchor = NULL;
	int json = 0, c, rc = PW_EXIT_USAGE;
	struct pw_store *s = NULL;
	struct pw_events_verify_result res;
	struct pw_error err;
	int64_t anchor_id = 0;
	uint8_t anchor_hash[32];
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'j': json = 1; break;
		case 'a': anchor = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward events verify: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	if (anchor != NULL) {
		const char *colon = strchr(anchor, ':');
		char *end = NULL;
		long long id = strtoll(anchor, &end, 10);
		if (colon == NULL || end != colon || id <= 0 || !pw_hex_decode(colon + 1, anchor_hash, 32)) {
			fprintf(stderr, "pkiward events verify: --anchor: expected ID:SHA256HEX (64 hex)\n");
			return PW_EXIT_USAGE;
		}
		anchor_id = id;
	}
	if (!open_store(store_flag, 1, &s))
		return PW_EXIT_USAGE;
	enum pw_status st = anchor ? pw_events_verify_from(s, anchor_id, anchor_hash, &res, &err)
	                           : pw_events_verify(s, &res, &err);
	if (st != PW_OK) {
		pw_cli_print_error("events verify", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	char hex[65];
	pw_hex_encode(res.last_hash, 32, hex);
	rc = res.broken == PW_EVENTS_INTACT ? PW_EXIT_OK : PW_EXIT_FINDINGS;
	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "intact", json_boolean(rc == PW_EXIT_OK));
		json_object_set_new(o, "events", json_integer((json_int_t)res.n_events));
		json_object_set_new(o, "last_id", json_integer(res.last_id));
		json_object_set_new(o, "last_hash", json_string(hex));
		if (rc != PW_EXIT_OK) {
			json_object_set_new(o, "broken", json_string(pw_events_break_name(res.broken)));
			json_object_set_new(o, "broken_id", json_integer(res.broken_id));
			json_object_set_new(o, "detail", json_string(res.detail));
		}
		char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
		printf("%s\n", t ? t : "null");
		free(t);
		json_decref(o);
	} else if (rc == PW_EXIT_OK) {
		printf("intact: %llu events; head %lld:%s\n", (unsigned long long)res.n_events,
		       (long long)res.last_id, hex);
	} else {
		if (res.broken_id > 0)
			printf("TAMPERED: event %lld: %s: %s\n", (long long)res.broken_id,
			       pw_events_break_name(res.broken), res.detail);
		else
			printf("TAMPERED: %s: %s\n", pw_events_break_name(res.broken), res.detail);
		printf("(%llu events walked)\n", (unsigned long long)res.n_events);
	}
out:
	pw_store_close(s);
	return rc;
}

struct export_ctx {
	FILE *out;
	int64_t since;
	uint64_t n;
	int failed;
};

static int export_row(void *vctx, const struct pw_store_event *e)
{
	struct export_ctx *c = vctx;
	char at[32], hex[65];
	if (e->id <= c->since)
		return 1;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "at", json_string(pw_cli_time_iso(e->at, at, sizeof at)));
	json_object_set_new(o, "at_unix", json_integer(e->at));
	json_object_set_new(o, "kind", e->kind ? json_string(e->kind) : json_null());
	json_object_set_new(o, "subject", e->subject ? json_string(e->subject) : json_null());
	json_object_set_new(o, "actor", e->actor ? json_string(e->actor) : json_null());
	if (e->payload != NULL) {
		json_t *p = json_loads(e->payload, JSON_REJECT_DUPLICATES, NULL);
		if (p != NULL)
			json_object_set_new(o, "payload", p);
		else
			json_object_set_new(o, "payload_text", json_string(e->payload));
	} else {
		json_object_set_new(o, "payload", json_null());
	}
	if (e->has_prev_hash) {
		pw_hex_encode(e->prev_hash, 32, hex);
		json_object_set_new(o, "prev_hash", json_string(hex));
	} else {
		json_object_set_new(o, "prev_hash", json_null());
	}
	pw_hex_encode(e->hash, 32, hex);
	json_object_set_new(o, "hash", json_string(hex));
	char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (t == NULL || fprintf(c->out, "%s\n", t) < 0) {
		free(t);
		c->failed = 1;
		return 0;
	}
	free(t);
	c->n++;
	return 1;
}

static int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"since", required_argument, NULL, 'i'},
		{"subject", required_argument, NULL, 'u'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL, *subject = NULL, *output = NULL;
	struct export_ctx ctx = {stdout, 0, 0, 0};
	struct pw_store *s = NULL;
	struct pw_error err;
	int c, rc = PW_EXIT_USAGE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case 'i': {
			char *end = NULL;
			long long v = strtoll(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v < 0) {
				fprintf(stderr, "pkiward events export: --since: expected an event id (>= 0)\n");
				return PW_EXIT_USAGE;
			}
			ctx.since = v;
			break;
		}
		case 'u': subject = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward events export: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	if (subject != NULL && (subject[0] == '\0' || strlen(subject) > PW_STORE_EVENT_MAX_TEXT)) {
		fprintf(stderr, "pkiward events export: --subject: 1..%d bytes\n",
		        PW_STORE_EVENT_MAX_TEXT);
		return PW_EXIT_USAGE;
	}
	if (!open_store(store_flag, 1, &s))
		return PW_EXIT_USAGE;
	if (output != NULL && (ctx.out = fopen(output, "w")) == NULL) {
		perror(output);
		goto out;
	}
	if (pw_events_list(s, subject, export_row, &ctx, &err) != PW_OK) {
		pw_cli_print_error("events export", pw_cli_store_path(store_flag), &err);
		goto out;
	}
	if (ctx.failed || fflush(ctx.out) != 0) {
		fprintf(stderr, "pkiward events export: %s: write error\n", output ? output : "stdout");
		goto out;
	}
	fprintf(stderr, "exported %llu events\n", (unsigned long long)ctx.n);
	rc = PW_EXIT_OK;
out:
	if (ctx.out != NULL && ctx.out != stdout && fclose(ctx.out) != 0 && rc == PW_EXIT_OK) {
		fprintf(stderr, "pkiward events export: %s: write error\n", output);
		rc = PW_EXIT_USAGE;
	}
	pw_store_close(s);
	return rc;
}

int pw_cli_events(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PW_EXIT_USAGE : PW_EXIT_OK;
	}
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	fprintf(stderr, "pkiward events: unknown sub-command '%s' (verify, export)\n", argv[1]);
	return PW_EXIT_USAGE;
}
