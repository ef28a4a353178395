/* pkiward report-key: a report of key compromise, from proof to revocation.
 *
 *   pkiward report-key --proof FILE [--reporter EMAIL] [--cert FILE]
 *   pkiward report-key --challenge FILE --signature FILE --cert FILE [--reporter EMAIL]
 *   pkiward report-key --new-challenge [--json]
 *   common: [--store PATH] [--json] [--actor NAME]
 *
 * The proof (a private key, a CSR signed by the key, a pwnedkeys JWS; keys.h)
 * is verified; a valid one blocks the key and revokes every unexpired
 * certificate and precertificate with it, from every issuer, with
 * keyCompromise, committed before anything is printed. A proof that does not
 * verify is kept as a problem report for a person (BR 4.9.5: 24 hours).
 * A challenge must be one this base issued (--new-challenge, or the portal),
 * unexpired and unused: challenges are single-use (serve.h).
 * Exit status: 0 proof accepted (also "already handled" and "no
 * certificates"); 1 proof not accepted (report recorded for review);
 * 2 usage, input or store error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/keys.h"
#include "pkiward/revoke.h"
#include "pkiward/serve.h"
#include "pkiward/store.h"

int pw_cli_report_key(int argc, char **argv);

#define REPORT_ACTOR_MAX 128

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: pkiward report-key [--store PATH] --proof FILE [--reporter EMAIL] [--cert FILE]\n"
	        "       pkiward report-key [--store PATH] --challenge FILE --signature FILE --cert FILE\n"
	        "       pkiward report-key [--store PATH] --new-challenge [--json]\n"
	        "options: --json  --actor NAME\n"
	        "--proof: the private key, a CSR signed by it, or a pwnedkeys JWS (PEM/DER/JSON).\n"
	        "--cert: the certificate (or public key) reported; required for a JWS without jwk\n"
	        "  and for a signed challenge (openssl dgst -sha256 -sign key.pem -out sig challenge).\n"
	        "--new-challenge: issue a challenge (live 24 hours, single-use) to sign with the key.\n"
	        "A proven key is blocked for all future issuance and every unexpired certificate\n"
	        "and precertificate with it is revoked with keyCompromise (BR 4.9.1.1: 24 hours).\n"
	        "A proof that does not verify is recorded as a problem report (BR 4.9.5).\n"
	        "Exit: 0 proof accepted, 1 proof not accepted (report recorded), 2 error.\n");
}

static int read_input(const char *path, uint8_t **out, size_t *len)
{
	struct pw_error err;
	if (pw_cli_read_file(path, PW_KEYS_MAX_INPUT, out, len, &err) != PW_OK) {
		pw_cli_print_error("report-key", path, &err);
		return 0;
	}
	return 1;
}

static void print_json(json_t *o)
{
	char *t = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	printf("%s\n", t ? t : "null");
	free(t);
	json_decref(o);
}

int pw_cli_report_key(int argc, char **argv)
{
	enum { O_PROOF = 256, O_REPORTER, O_CERT, O_CHALLENGE, O_SIGNATURE, O_JSON, O_ACTOR, O_NEW_CHALLENGE };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"proof", required_argument, NULL, O_PROOF},
		{"reporter", required_argument, NULL, O_REPORTER},
		{"cert", required_argument, NULL, O_CERT},
		{"challenge", required_argument, NULL, O_CHALLENGE},
		{"signature", required_argument, NULL, O_SIGNATURE},
		{"json", no_argument, NULL, O_JSON},
		{"actor", required_argument, NULL, O_ACTOR},
		{"new-challenge", no_argument, NULL, O_NEW_CHALLENGE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL, *proof_path = NULL, *reporter = NULL, *cert_path = NULL;
	const char *ch_path = NULL, *sig_path = NULL, *actor = NULL;
	uint8_t *proof = NULL, *cert = NULL, *ch = NULL, *sig = NULL;
	size_t proof_len = 0, cert_len = 0, ch_len = 0, sig_len = 0;
	struct pw_keys_challenge challenge;
	struct pw_revoke_key_report_result res;
	struct pw_store *s = NULL;
	struct pw_error err;
	char actor_buf[REPORT_ACTOR_MAX];
	int json = 0, new_challenge = 0, c, rc = PW_EXIT_USAGE;

	memset(&res, 0, sizeof res);
	pw_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_PROOF: proof_path = optarg; break;
		case O_REPORTER: reporter = optarg; break;
		case O_CERT: cert_path = optarg; break;
		case O_CHALLENGE: ch_path = optarg; break;
		case O_SIGNATURE: sig_path = optarg; break;
		case O_JSON: json = 1; break;
		case O_ACTOR: actor = optarg; break;
		case O_NEW_CHALLENGE: new_challenge = 1; break;
		case 'h': usage(stdout); return PW_EXIT_OK;
		default: usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "pkiward report-key: unexpected argument '%s'\n", argv[optind]);
		return PW_EXIT_USAGE;
	}
	if (new_challenge) {
		struct pw_keys_challenge nc;
		int64_t exp = 0;
		char when[32];
		if (proof_path != NULL || ch_path != NULL) {
			fprintf(stderr, "pkiward report-key: --new-challenge stands alone\n");
			return PW_EXIT_USAGE;
		}
		const char *path = pw_cli_store_path(store_flag);
		if (pw_store_open(path, 0, &s, &err) != PW_OK ||
		    pw_serve_challenge_issue(s, 0, 0, &nc, &exp, &err) != PW_OK) {
			pw_cli_print_error("report-key", path, &err);
			goto out;
		}
		pw_cli_time_iso(exp, when, sizeof when);
		if (json)
			printf("{\"challenge\": \"%s\", \"expires_at\": \"%s\"}\n", nc.text, when);
		else {
			printf("%s\n", nc.text);
			fprintf(stderr, "challenge valid until %s, once. Sign exactly the text (no newline):\n"
			                "  printf '%%s' '%s' > challenge.txt\n"
			                "  openssl dgst -sha256 -sign key.pem -out sig.bin challenge.txt\n"
			                "  pkiward report-key --challenge challenge.txt --signature sig.bin --cert cert.pem\n",
			        when, nc.text);
		}
		rc = PW_EXIT_OK;
		goto out;
	}
	if ((proof_path != NULL) == (ch_path != NULL)) {
		fprintf(stderr, "pkiward report-key: give --proof FILE, or --challenge FILE with "
		                "--signature FILE and --cert FILE\n");
		return PW_EXIT_USAGE;
	}
	if (ch_path != NULL && (sig_path == NULL || cert_path == NULL)) {
		fprintf(stderr, "pkiward report-key: --challenge needs --signature and --cert\n");
		return PW_EXIT_USAGE;
	}
	if (reporter != NULL && strlen(reporter) > PW_STORE_EVENT_MAX_TEXT) {
		fprintf(stderr, "pkiward report-key: --reporter: longer than %d bytes\n",
		        PW_STORE_EVENT_MAX_TEXT);
		return PW_EXIT_USAGE;
	}
	if (actor == NULL) {
		const char *u = getenv("USER");
		snprintf(actor_buf, sizeof actor_buf, "cli:%.100s", u != NULL && u[0] ? u : "unknown");
		actor = actor_buf;
	}
	if (proof_path != NULL && !read_input(proof_path, &proof, &proof_len))
		goto out;
	if (cert_path != NULL && !read_input(cert_path, &cert, &cert_len))
		goto out;
	memset(&challenge, 0, sizeof challenge);
	if (ch_path != NULL) {
		if (!read_input(ch_path, &ch, &ch_len) || !read_input(sig_path, &sig, &sig_len))
			goto out;
		if (ch_len == 0 || ch_len >= sizeof challenge.text || memchr(ch, '\0', ch_len) != NULL) {
			fprintf(stderr, "pkiward report-key: %s: a challenge is 1..%zu bytes of text\n",
			        ch_path, sizeof challenge.text - 1);
			goto out;
		}
		memcpy(challenge.text, ch, ch_len);
	}

	const char *path = pw_cli_store_path(store_flag);
	if (pw_store_open(path, 0, &s, &err) != PW_OK) {
		pw_cli_print_error("report-key", path, &err);
		goto out;
	}
	if (ch_path != NULL) {
		/* Only a live challenge this base issued (serve.h): a signature over
		 * any other text proves nothing about when it was made. */
		enum pw_store_serve_challenge_state cs;
		if (pw_serve_challenge_take(s, &challenge, 0, actor, &cs, &err) != PW_OK) {
			pw_cli_print_error("report-key", path, &err);
			goto out;
		}
		if (cs != PW_STORE_CHALLENGE_LIVE) {
			fprintf(stderr,
			        "pkiward report-key: %s: the challenge is %s (%s); get a new one with --new-challenge\n",
			        ch_path, pw_store_serve_challenge_state_name(cs),
			        cs == PW_STORE_CHALLENGE_UNKNOWN ? "not issued by this store"
			        : cs == PW_STORE_CHALLENGE_EXPIRED ? "past its lifetime"
			                                           : "challenges are single-use");
			goto out;
		}
	}
	struct pw_revoke_key_report rq = {
		.proof = proof, .proof_len = proof_len,
		.key_input = cert, .key_input_len = cert_len,
		.challenge = ch_path ? &challenge : NULL,
		.signature = sig, .signature_len = sig_len,
		.reporter = reporter, .actor = actor,
	};
	if (pw_revoke_report_key(s, &rq, &res, &err) != PW_OK) {
		pw_cli_print_error("report-key", path, &err);
		goto out;
	}

	char recv[32], rdl[32], kdl[32], blk[32], spki[65], perr[PW_ERROR_MSG_MAX + PW_ERROR_FIELD_MAX + 32];
	pw_cli_time_iso(res.received_at, recv, sizeof recv);
	pw_cli_time_iso(res.report_deadline, rdl, sizeof rdl);
	pw_cli_time_iso(res.revoke_deadline, kdl, sizeof kdl);
	pw_cli_time_iso(res.blocked_at, blk, sizeof blk);
	pw_hex_encode(res.spki_sha256, 32, spki);
	pw_error_format(&res.proof_error, perr, sizeof perr);
	rc = res.proven ? PW_EXIT_OK : PW_EXIT_FINDINGS;

	if (json) {
		json_t *o = json_object();
		json_object_set_new(o, "report", json_integer(res.report_id));
		json_object_set_new(o, "received_at", json_string(recv));
		json_object_set_new(o, "proven", json_boolean(res.proven));
		json_object_set_new(o, "changed", json_boolean(res.changed));
		if (res.proven) {
			json_object_set_new(o, "proof_type", json_string(res.proof_type));
			json_object_set_new(o, "spki_sha256", json_string(spki));
			json_object_set_new(o, "key_blocked_at", json_string(blk));
			json_object_set_new(o, "revocation_deadline", json_string(kdl));
			json_object_set_new(o, "certificates", json_integer((json_int_t)res.n_certs));
			json_object_set_new(o, "revoked", json_integer((json_int_t)res.n_revoked));
			json_object_set_new(o, "upgraded", json_integer((json_int_t)res.n_upgraded));
			json_object_set_new(o, "already_revoked", json_integer((json_int_t)res.n_already));
			json_t *arr = json_array();
			for (size_t i = 0; i < res.n_items; i++) {
				char hex[65], at[32];
				const struct pw_revoke_item *it = &res.items[i];
				pw_hex_encode(it->sha256, 32, hex);
				pw_cli_time_iso(it->revoked_at, at, sizeof at);
				json_t *e = json_object();
				json_object_set_new(e, "sha256", json_string(hex));
				json_object_set_new(e, "precertificate", json_boolean(it->precert));
				json_object_set_new(e, "outcome", json_string(pw_revoke_outcome_name(it->outcome)));
				json_object_set_new(e, "revocation_date", json_string(at));
				json_object_set_new(e, "reason", json_string(pw_revoke_reason_name(it->has_reason, it->reason)));
				json_array_append_new(arr, e);
			}
			json_object_set_new(o, "items", arr);
		} else {
			json_object_set_new(o, "status", json_string("needs-review"));
			json_object_set_new(o, "proof_error", json_string(perr));
			json_object_set_new(o, "report_deadline", json_string(rdl));
		}
		print_json(o);
		goto out;
	}
	if (!res.proven) {
		fprintf(stderr,
		        "pkiward report-key: the proof was not accepted: %s\n"
		        "recorded as problem report %lld for a person to review; answer due by %s "
		        "(BR 4.9.5: 24 hours)\n",
		        perr, (long long)res.report_id, rdl);
		goto out;
	}
	if (!res.changed) {
		printf("this key was reported and handled already (report %lld, key blocked since %s): "
		       "%llu unexpired certificate%s with it, all revoked for keyCompromise; nothing "
		       "changed\n",
		       (long long)res.report_id, blk, (unsigned long long)res.n_certs,
		       res.n_certs == 1 ? "" : "s");
		goto out;
	}
	printf("report %lld received %s%s%s: proof accepted (%s: %s)\n", (long long)res.report_id,
	       recv, reporter ? " from " : "", reporter ? reporter : "", res.proof_type,
	       res.proof_detail);
	printf("key spki sha256 %s %s\n", spki,
	       res.key_newly_blocked ? "blocked for all future issuance"
	                             : "was blocked already (since then)");
	if (res.n_certs == 0) {
		printf("no certificates in the store use this key; nothing to revoke\n");
		goto out;
	}
	printf("revoked (keyCompromise, deadline %s, BR 4.9.1.1): %llu newly, %llu upgraded to "
	       "keyCompromise keeping their date, %llu already\n",
	       kdl, (unsigned long long)res.n_revoked, (unsigned long long)res.n_upgraded,
	       (unsigned long long)res.n_already);
	for (size_t i = 0; i < res.n_items; i++) {
		char hex[65], at[32];
		const struct pw_revoke_item *it = &res.items[i];
		pw_hex_encode(it->sha256, 32, hex);
		pw_cli_time_iso(it->revoked_at, at, sizeof at);
		printf("  %s  %-14s  %-15s  %s\n", hex, it->precert ? "precertificate" : "certificate",
		       pw_revoke_outcome_name(it->outcome), at);
	}
out:
	pw_revoke_key_report_result_cleanup(&res);
	pw_store_close(s);
	free(proof);
	free(cert);
	free(ch);
	free(sig);
	return rc;
}
