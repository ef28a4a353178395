/* pkiward show: one certificate in full — decoded fields, hashes, its
 * precertificate/certificate twin, revocation, validations. A certificate is
 * named by its SHA-256 or by issuer + serial (DESIGN.md: never by a name). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pkiward/buf.h"
#include "pkiward/cert.h"
#include "pkiward/events.h"
#include "pkiward/store.h"

int pw_cli_show(int argc, char **argv);

#define SHOW_TEXT_MAX 2048

static void show_usage(FILE *out)
{
	fprintf(out, "usage: pkiward show [--store PATH] (SHA256 | --sha256 HEX | --issuer SHA256|DN --serial HEX)\n"
	             "");
}

struct show_ctx {
	uint64_t matches;
	uint8_t sha256[32];
	struct pw_store *store;
};

static const char *tag_type(uint32_t tag)
{
	return pw_der_tag_name(tag);
}

static void print_name(const char *label, const struct pw_name *n)
{
	char text[SHOW_TEXT_MAX];
	printf("%s: %s\n", label, pw_name_to_text(n, text, sizeof text));
	for (size_t i = 0; i < n->n_attrs; i++) {
		const struct pw_attr *a = &n->attrs[i];
		char oid[PW_DER_OID_TEXT_MAX], val[SHOW_TEXT_MAX];
		if (!pw_der_oid_to_text(&a->oid, oid, sizeof oid))
			snprintf(oid, sizeof oid, "?");
		pw_der_string_to_utf8(a->tag, &a->value, val, sizeof val);
		printf("    RDN %u  %-26s (%s)  %-16s %s%s\n", a->rdn,
		       a->id != PW_OID_UNKNOWN ? pw_oid_name(a->id) : oid, oid, tag_type(a->tag), val,
		       a->charset_ok ? "" : "   [characters outside the string type]");
	}
}

static void print_gn(const struct pw_general_name *g)
{
	char buf[SHOW_TEXT_MAX];
	switch (g->type) {
	case PW_GN_DNS:
	case PW_GN_RFC822:
	case PW_GN_URI: {
		size_t n = g->value.len < sizeof buf - 1 ? g->value.len : sizeof buf - 1;
		for (size_t i = 0; i < n; i++)
			buf[i] = (g->value.p[i] >= 0x20 && g->value.p[i] < 0x7f) ? (char)g->value.p[i] : '?';
		buf[n] = '\0';
		printf("%s:%s", g->type == PW_GN_DNS ? "DNS" : g->type == PW_GN_URI ? "URI" : "email", buf);
		break;
	}
	case PW_GN_IP:
		if (g->value.len == 4) {
			printf("IP:%u.%u.%u.%u", g->value.p[0], g->value.p[1], g->value.p[2], g->value.p[3]);
		} else {
			pw_hex_encode(g->value.p, g->value.len < 64 ? g->value.len : 64, buf);
			printf("IP:%s", buf);
		}
		break;
	case PW_GN_DIRECTORY:
		printf("DirName:%s", pw_name_to_text(&g->dir, buf, sizeof buf));
		break;
	default:
		printf("[%d] (%zu bytes)", (int)g->type, g->value.len);
	}
}

static void print_gns(const struct pw_general_names *gns)
{
	for (size_t i = 0; i < gns->n; i++) {
		printf(i ? ", " : "");
		print_gn(&gns->v[i]);
	}
}

static void print_exts(const struct pw_cert *c)
{
	const struct pw_cert_exts *x = &c->x;
	printf("extensions (%zu):\n", c->n_exts);
	for (size_t i = 0; i < c->n_exts; i++) {
		const struct pw_ext *e = &c->exts[i];
		char oid[PW_DER_OID_TEXT_MAX];
		if (!pw_der_oid_to_text(&e->oid, oid, sizeof oid))
			snprintf(oid, sizeof oid, "?");
		printf("  %-34s %s%s  %zu bytes", e->id != PW_OID_UNKNOWN ? pw_oid_name(e->id) : oid,
		       oid, e->critical ? "  critical" : "", e->value.len);
		if (!e->decoded_ok) {
			char msg[512];
			printf("  [does not decode: %s]",
			       e->decode_err != NULL ? pw_error_format(e->decode_err, msg, sizeof msg)
			                             : "(no detail: out of memory)");
		}
		printf("\n    ");
		switch (e->id) {
		case PW_OID_EXT_SAN: print_gns(&x->san.names); break;
		case PW_OID_EXT_IAN: print_gns(&x->ian.names); break;
		case PW_OID_EXT_BASIC_CONSTRAINTS:
			printf("cA=%s", x->bc.ca ? "TRUE" : "FALSE");
			if (x->bc.has_pathlen)
				printf(" pathLenConstraint=%llu", (unsigned long long)x->bc.pathlen);
			break;
		case PW_OID_EXT_KEY_USAGE: {
			static const char *const ku[] = {"digitalSignature", "nonRepudiation",
				"keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign",
				"cRLSign", "encipherOnly", "decipherOnly"};
			int first = 1;
			for (unsigned b = 0; b < 9; b++)
				if (x->ku.bits & (1u << b)) {
					printf("%s%s", first ? "" : ", ", ku[b]);
					first = 0;
				}
			break;
		}
		case PW_OID_EXT_EXT_KEY_USAGE:
			for (size_t k = 0; k < x->eku.n; k++) {
				char t[PW_DER_OID_TEXT_MAX];
				pw_der_oid_to_text(&x->eku.oids[k], t, sizeof t);
				printf("%s%s", k ? ", " : "", x->eku.ids[k] != PW_OID_UNKNOWN ? pw_oid_name(x->eku.ids[k]) : t);
			}
			break;
		case PW_OID_EXT_CERTIFICATE_POLICIES:
			for (size_t k = 0; k < x->policies.n; k++) {
				char t[PW_DER_OID_TEXT_MAX];
				pw_der_oid_to_text(&x->policies.v[k].oid, t, sizeof t);
				printf("%s%s", k ? ", " : "", t);
				if (x->policies.v[k].id != PW_OID_UNKNOWN)
					printf(" (%s)", pw_oid_name(x->policies.v[k].id));
			}
			break;
		case PW_OID_EXT_SKI:
		case PW_OID_EXT_AKI: {
			const struct pw_der *kid = e->id == PW_OID_EXT_SKI ? &x->ski.key_id : &x->aki.key_id;
			char h[129];
			pw_hex_encode(kid->p, kid->len < 64 ? kid->len : 64, h);
			printf("keyIdentifier %s", h);
			break;
		}
		case PW_OID_EXT_AIA:
			for (size_t k = 0; k < x->aia.n; k++) {
				printf("%s%s ", k ? ", " : "", pw_oid_name(x->aia.v[k].method));
				print_gn(&x->aia.v[k].location);
			}
			break;
		case PW_OID_EXT_CRL_DISTRIBUTION_POINTS:
			for (size_t k = 0; k < x->crldp.n; k++) {
				printf(k ? "; " : "");
				print_gns(&x->crldp.v[k].full_name);
			}
			break;
		case PW_OID_EXT_CT_POISON: printf("precertificate poison (RFC 6962 §3.1)"); break;
		case PW_OID_EXT_SCT_LIST: printf("%zu SCTs", x->scts.n_scts); break;
		default: printf("(raw)"); break;
		}
		printf("\n");
	}
}

static void print_cert(const struct pw_cert *c)
{
	char h[129], t1[32], t2[32], oid[PW_DER_OID_TEXT_MAX];
	printf("kind: %s\n", c->kind == PW_KIND_PRECERT ? "precertificate (CT poison, RFC 6962 §3.1)"
	                                                : (c->is_ca ? "CA certificate" : "certificate"));
	printf("version: v%llu\n", (unsigned long long)c->version + 1);
	pw_serial_to_hex(&c->serial, h, sizeof h);
	printf("serial: %s (%zu octets)\n", h, c->serial.len);
	pw_der_oid_to_text(&c->sig_alg_inner.oid, oid, sizeof oid);
	printf("signature algorithm: %s (%s)\n", pw_oid_name(c->sig_alg_inner.id), oid);
	if (c->kind != PW_KIND_TBS && !pw_der_equal(&c->sig_alg_inner.raw, &c->sig_alg_outer.raw))
		printf("  outer signatureAlgorithm DIFFERS from tbsCertificate.signature (RFC 5280 §4.1.1.2)\n");
	print_name("issuer", &c->issuer);
	print_name("subject", &c->subject);
	printf("not before: %s (%s)\nnot after:  %s (%s)\n", pw_cli_time_iso(c->not_before, t1, sizeof t1),
	       pw_der_tag_name(c->not_before_tag), pw_cli_time_iso(c->not_after, t2, sizeof t2),
	       pw_der_tag_name(c->not_after_tag));
	printf("validity: %lld days\n", (long long)((c->not_after - c->not_before + 1 + 86399) / 86400));
	pw_der_oid_to_text(&c->spki.alg.oid, oid, sizeof oid);
	printf("public key: %s (%s)", pw_oid_name(c->spki.alg.id), oid);
	if (c->spki.alg.id == PW_OID_RSA_ENCRYPTION && c->spki.rsa_ok)
		printf(", %u bits, e=%llu", c->spki.rsa_bits, (unsigned long long)c->spki.rsa_e_u64);
	if (c->spki.alg.id == PW_OID_EC_PUBLIC_KEY)
		printf(", curve %s%s", c->spki.ec_explicit ? "explicit parameters" : pw_oid_name(c->spki.ec_curve), "");
	printf("\n");
	print_exts(c);
	pw_hex_encode(c->sha256, 32, h);
	printf("sha256: %s\n", h);
	pw_hex_encode(c->spki.sha256, 32, h);
	printf("spki sha256: %s\n", h);
	pw_hex_encode(c->link_sha256, 32, h);
	printf("precertificate link (TBS without poison/SCTs) sha256: %s\n", h);
}

static int on_validation(void *ctx, const struct pw_store_validation *v)
{
	char t[32];
	(void)ctx;
	printf("  %-40s method BR %s  at %s\n", v->name, v->method, pw_cli_time_iso(v->at, t, sizeof t));
	return 1;
}

static int on_event(void *ctx, const struct pw_store_event *e)
{
	char t[32];
	(*(unsigned *)ctx)++;
	printf("  #%lld  %s  %-20s  by %s  %s\n", (long long)e->id, pw_cli_time_iso(e->at, t, sizeof t),
	       e->kind, e->actor ? e->actor : "-", e->payload ? e->payload : "");
	return 1;
}

static int on_row(void *vctx, const struct pw_store_row *r)
{
	struct show_ctx *ctx = vctx;
	ctx->matches++;
	if (ctx->matches > 1) {
		char h[65];
		pw_hex_encode(r->sha256, 32, h);
		printf("\n(also matches %s)\n", h);
		return 1;
	}
	memcpy(ctx->sha256, r->sha256, 32);
	struct pw_cert c;
	struct pw_error err;
	pw_cert_init(&c);
	if (pw_cert_parse(&c, r->der, r->der_len, &err) != PW_OK) {
		pw_cli_print_error("show", "stored certificate", &err);
	} else {
		print_cert(&c);
	}
	pw_cert_cleanup(&c);
	char h[65], t[32];
	if (r->precert && r->has_cert_sha256) {
		pw_hex_encode(r->cert_sha256, 32, h);
		printf("final certificate (twin): %s\n", h);
	} else if (!r->precert && r->has_precert_sha256) {
		pw_hex_encode(r->precert_sha256, 32, h);
		printf("precertificate (twin): %s\n", h);
	} else {
		printf("twin: none stored\n");
	}
	printf("profile: %s   order: %s   subscriber: %s\n", r->profile ? r->profile : "-",
	       r->order ? r->order : "-", r->subscriber ? r->subscriber : "-");
	printf("ingested at: %s\n", pw_cli_time_iso(r->ingested_at, t, sizeof t));
	if (r->revoked) {
		struct pw_store_revocation rv;
		struct pw_error rerr;
		printf("revocation: revoked at %s, reason %s\n", pw_cli_time_iso(r->revoked_at, t, sizeof t),
		       r->has_reason ? pw_cli_reason_name(r->reason) : "unspecified");
		/* BR 4.9.1.1: the deadline computed when the revocation was requested. */
		if (pw_store_revocation_get(ctx->store, r->sha256, &rv, &rerr) == PW_OK && rv.deadline != 0) {
			char t2[32];
			printf("  requested at %s, deadline %s (BR 4.9.1.1), event %lld\n",
			       pw_cli_time_iso(rv.requested_at, t, sizeof t),
			       pw_cli_time_iso(rv.deadline, t2, sizeof t2), (long long)rv.event_id);
		}
	} else {
		printf("revocation: not revoked\n");
	}
	printf("validations:\n");
	struct pw_error verr;
	if (pw_store_get_validations(ctx->store, r->sha256, on_validation, NULL, &verr) != PW_OK)
		pw_cli_print_error("show", "validations", &verr);
	/* The evidence trail of this certificate (events.h). */
	char subj[PW_EVENTS_SUBJECT_MAX];
	printf("events:\n");
	unsigned n_events = 0;
	if (pw_events_list(ctx->store, pw_events_subject_cert(r->sha256, subj), on_event, &n_events,
	                   &verr) != PW_OK)
		pw_cli_print_error("show", "events", &verr);
	else if (n_events == 0)
		printf("  (none recorded)\n");
	return 1;
}

int pw_cli_show(int argc, char **argv)
{
	enum { O_SHA = 256, O_ISSUER, O_SERIAL, O_PEM };
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"sha256", required_argument, NULL, O_SHA},
		{"issuer", required_argument, NULL, O_ISSUER},
		{"serial", required_argument, NULL, O_SERIAL},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *store_flag = NULL, *sha = NULL, *issuer = NULL, *serial = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': store_flag = optarg; break;
		case O_SHA: sha = optarg; break;
		case O_ISSUER: issuer = optarg; break;
		case O_SERIAL: serial = optarg; break;
		case 'h': show_usage(stdout); return PW_EXIT_OK;
		default: show_usage(stderr); return PW_EXIT_USAGE;
		}
	}
	if (sha == NULL && optind < argc)
		sha = argv[optind++];
	if (optind != argc || (sha == NULL && (issuer == NULL || serial == NULL)) ||
	    (sha != NULL && (issuer != NULL || serial != NULL))) {
		show_usage(stderr);
		return PW_EXIT_USAGE;
	}
	uint8_t sha_bin[32], issuer_bin[32], serial_bin[PW_STORE_MAX_SERIAL];
	size_t serial_len = 0;
	if (sha != NULL && !pw_hex_decode(sha, sha_bin, 32)) {
		fprintf(stderr, "pkiward show: expected a SHA-256 (64 hex digits), got '%s'\n", sha);
		return PW_EXIT_USAGE;
	}
	if (serial != NULL && !pw_hex_decode_var(serial, serial_bin, sizeof serial_bin, &serial_len)) {
		fprintf(stderr, "pkiward show: --serial: expected hex, got '%s'\n", serial);
		return PW_EXIT_USAGE;
	}
	int issuer_is_sha = issuer != NULL && strlen(issuer) == 64 && pw_hex_decode(issuer, issuer_bin, 32);

	const char *path = pw_cli_store_path(store_flag);
	struct pw_error err;
	pw_error_clear(&err);
	struct show_ctx ctx = {0};
	if (pw_store_open(path, PW_STORE_READONLY, &ctx.store, &err) != PW_OK) {
		pw_cli_print_error("show", path, &err);
		return PW_EXIT_USAGE;
	}
	enum pw_status st;
	if (sha != NULL) {
		st = pw_store_get_by_sha256(ctx.store, sha_bin, on_row, &ctx, &err);
	} else {
		struct pw_store_filter f;
		memset(&f, 0, sizeof f);
		if (issuer_is_sha) {
			f.has_issuer_sha256 = 1;
			memcpy(f.issuer_sha256, issuer_bin, 32);
		} else {
			f.issuer_dn = issuer;
		}
		f.has_serial = 1;
		memcpy(f.serial, serial_bin, serial_len);
		f.serial_len = serial_len;
		st = pw_store_find(ctx.store, &f, PW_STORE_WANT_DER | PW_STORE_WANT_NAMES, on_row, &ctx, &err);
		if (st == PW_OK && ctx.matches == 0)
			st = pw_error_set(&err, PW_ERR_NOTFOUND, 0, 0, NULL, "no certificate with that issuer and serial");
	}
	pw_store_close(ctx.store);
	if (st != PW_OK) {
		pw_cli_print_error("show", path, &err);
		return st == PW_ERR_NOTFOUND ? PW_EXIT_FINDINGS : PW_EXIT_USAGE;
	}
	return PW_EXIT_OK;
}
