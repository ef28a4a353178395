/* incident/message.c: messages to reporters and Subscribers, rendered from
 * observed state only.
 *
 * DESIGN.md: "revoked" is told only once the CRL and OCSP that pkiward
 * publishes show it. A revocation row alone is "revocation recorded"; the
 * CRL and OCSP parts are claimed only from the monitor's first_seen_crl /
 * first_seen_ocsp observations, and each missing observation is said
 * ("not yet visible in OCSP"). A certificate is always named by SHA-256 and
 * serial, never by a name (the public incident where staff searched by FQDN
 * and told a reporter the wrong certificate was revoked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkiward/buf.h"
#include "pkiward/monitor.h"
#include "pkiward/report.h"
#include "pkiward/revoke.h"
#include "pkiward/store_monitor.h"
#include "pkiward/store_reports.h"
#include "report_internal.h"

struct obs_ctx {
	struct pw_report_observed *o;
};

static int obs_row(void *vctx, const struct pw_store_row *row)
{
	struct obs_ctx *c = vctx;
	c->o->stored = 1;
	snprintf(c->o->serial_hex, sizeof c->o->serial_hex, "%s",
	         row->serial_hex ? row->serial_hex : "");
	c->o->revoked = row->revoked;
	c->o->revoked_at = row->revoked_at;
	c->o->has_reason = row->has_reason;
	c->o->reason = row->reason;
	return 0;
}

enum pw_status pw_report_observe(struct pw_store *s, const uint8_t sha256[32],
                                 struct pw_report_observed *out, struct pw_error *err)
{
	struct obs_ctx c;
	struct pw_store_filter f;
	int revoked = 0;
	enum pw_status st;
	if (s == NULL || sha256 == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	memset(out, 0, sizeof *out);
	memcpy(out->sha256, sha256, 32);
	c.o = out;
	memset(&f, 0, sizeof f);
	f.has_sha256 = 1;
	memcpy(f.sha256, sha256, 32);
	f.limit = 1;
	if ((st = pw_store_find(s, &f, 0, obs_row, &c, err)) != PW_OK)
		return st;
	if (!out->stored || !out->revoked)
		return PW_OK;
	/* The monitor's record (times, and the CRL number it saw). */
	struct pw_store_monitor_seen *seen = malloc(sizeof *seen);
	if (seen == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	st = pw_store_monitor_seen_get(s, sha256, seen, err);
	if (st == PW_OK) {
		out->first_seen_crl = seen->has_crl ? seen->first_seen_crl : 0;
		out->first_seen_ocsp = seen->has_ocsp ? seen->first_seen_ocsp : 0;
		if (seen->has_crl && seen->has_crl_number) {
			out->has_crl_number = 1;
			pw_monitor_crl_number_text(seen->crl_number, out->crl_number,
			                           sizeof out->crl_number);
		}
		free(seen);
		return PW_OK;
	}
	free(seen);
	if (st == PW_ERR_NOTFOUND)
		return PW_OK; /* revoked in between? nothing observed then */
	/* A backend without the monitor's area: read the revocation row's
	 * columns directly (no CRL number then). */
	pw_error_clear(err);
	return pw_store_report_seen(s, sha256, &revoked, &out->first_seen_crl, &out->first_seen_ocsp,
	                            err);
}

static const char *reason_text(int has_reason, unsigned reason)
{
	return pw_revoke_reason_name(has_reason, reason);
}

char *pw_report_render_cert_status(const struct pw_report_observed *o)
{
	struct pw_buf b;
	char hex[65], t1[40], t2[40], t3[40];
	if (o == NULL)
		return NULL;
	pw_buf_init(&b);
	pw_hex_encode(o->sha256, 32, hex);
	if (!o->stored) {
		pw_buf_printf(&b, "Certificate SHA-256 %s: not found among the certificates this CA"
		                  " has issued.", hex);
		return (char *)pw_buf_finish(&b, NULL);
	}
	pw_buf_printf(&b, "Certificate SHA-256 %s, serial %s: ", hex, o->serial_hex);
	if (!o->revoked) {
		pw_buf_puts(&b, "not revoked.");
		return (char *)pw_buf_finish(&b, NULL);
	}
	pw_report_time_text(o->revoked_at, t1, sizeof t1);
	int crl = o->first_seen_crl != 0, ocsp = o->first_seen_ocsp != 0;
	/* "revoked" only when both publication channels show it. */
	pw_buf_printf(&b, "%s %s (%s); ", crl && ocsp ? "revoked at" : "revocation recorded at", t1,
	              reason_text(o->has_reason, o->reason));
	if (crl) {
		pw_report_time_text(o->first_seen_crl, t2, sizeof t2);
		if (o->has_crl_number)
			pw_buf_printf(&b, "listed in CRL number %s since %s; ", o->crl_number, t2);
		else
			pw_buf_printf(&b, "listed in the CRL since %s; ", t2);
	} else {
		pw_buf_puts(&b, "not yet visible in the CRL; ");
	}
	if (ocsp) {
		pw_report_time_text(o->first_seen_ocsp, t3, sizeof t3);
		pw_buf_printf(&b, "OCSP answers revoked since %s.", t3);
	} else {
		pw_buf_puts(&b, "not yet visible in OCSP.");
	}
	return (char *)pw_buf_finish(&b, NULL);
}

/* Header values are ASCII without line breaks: anything else from the
 * incoming message (its Subject, its Message-ID) cannot inject headers. */
static void header_value(struct pw_buf *b, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; p && *p; p++)
		pw_buf_append(b, *p >= 0x20 && *p < 0x7f ? (const char *)p : "?", 1);
}

static const char *msg_kind_name(enum pw_report_message_kind k)
{
	return k == PW_REPORT_MSG_PRELIMINARY ? "preliminary" : "acknowledgement";
}

static void cert_lines(struct pw_store *s, const struct pw_report *r, struct pw_buf *b,
                       enum pw_status *st, struct pw_error *err)
{
	for (size_t i = 0; i < r->n_certs && *st == PW_OK; i++) {
		struct pw_report_observed o;
		if ((*st = pw_report_observe(s, r->certs[i].sha256, &o, err)) != PW_OK)
			return;
		char *line = pw_report_render_cert_status(&o);
		if (line == NULL) {
			*st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
			return;
		}
		pw_buf_printf(b, "  - %s\n", line);
		free(line);
	}
}

enum pw_status pw_report_render_message(struct pw_store *s, const struct pw_report *r,
                                        enum pw_report_message_kind kind, const char *from,
                                        const char *to, const char *findings, int64_t now,
                                        char **out, struct pw_error *err)
{
	struct pw_buf b;
	char t[40], date[64], hex[65];
	enum pw_status st = PW_OK;
	struct pw_report_deadline dl[PW_REPORT_N_DEADLINES];
	if (s == NULL || r == NULL || from == NULL || to == NULL || out == NULL)
		return pw_error_set(err, PW_ERR_USAGE, 0, 0, NULL, "NULL argument");
	*out = NULL;
	if (now == 0)
		now = (int64_t)time(NULL);
	pw_report_deadlines(r, now, dl);
	pw_buf_init(&b);

	/* RFC 5322 §3.3 date, in UTC. */
	struct tm tm;
	time_t tt = (time_t)now;
	gmtime_r(&tt, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* The Message-ID's right side: the From domain's hostname characters. */
	char dom[256] = "pkiward.invalid";
	const char *at = strchr(from, '@');
	if (at != NULL) {
		size_t n = 0;
		for (const char *p = at + 1; *p && n + 1 < sizeof dom; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-')
				dom[n++] = *p;
		dom[n] = '\0';
		if (n == 0)
			snprintf(dom, sizeof dom, "pkiward.invalid");
	}
	pw_buf_puts(&b, "From: ");
	header_value(&b, from);
	pw_buf_puts(&b, "\nTo: ");
	header_value(&b, to);
	pw_buf_printf(&b, "\nSubject: [problem report %lld] %s", (long long)r->id,
	              kind == PW_REPORT_MSG_PRELIMINARY ? "Preliminary report" : "Received");
	if (r->title != NULL) {
		pw_buf_puts(&b, ": ");
		header_value(&b, r->title);
	}
	pw_buf_printf(&b, "\nDate: %s\nMessage-ID: <pkiward.report%lld.%s.%lld@%s>\n", date,
	              (long long)r->id, msg_kind_name(kind), (long long)now, dom);
	if (r->message_id != NULL) {
		pw_buf_puts(&b, "In-Reply-To: <");
		header_value(&b, r->message_id);
		pw_buf_puts(&b, ">\nReferences: <");
		header_value(&b, r->message_id);
		pw_buf_puts(&b, ">\n");
	}
	pw_buf_puts(&b, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	                "Content-Transfer-Encoding: 8bit\n\n");

	pw_report_time_text(r->received_at, t, sizeof t);
	if (kind == PW_REPORT_MSG_ACK) {
		pw_buf_printf(&b, "We received your certificate problem report at %s; it is"
		                  " recorded as report %lld.\n\n",
		              t, (long long)r->id);
		pw_report_time_text(dl[1].due, t, sizeof t);
		/* BR 4.9.5: investigate and answer within 24 hours. */
		pw_buf_printf(&b, "We will investigate it and send a preliminary report to you and"
		                  " to the Subscriber by %s (BR 4.9.5).\n",
		              t);
	} else {
		pw_buf_printf(&b, "Preliminary report on certificate problem report %lld, received"
		                  " at %s (BR 4.9.5).\n",
		              (long long)r->id, t);
		if (findings != NULL && findings[0] != '\0')
			pw_buf_printf(&b, "\nFindings:\n%s\n", findings);
	}

	if (r->n_certs > 0) {
		pw_buf_puts(&b, "\nCertificates this report concerns, as our records and our"
		                " published CRL and OCSP show them now:\n");
		cert_lines(s, r, &b, &st, err);
		if (st != PW_OK)
			goto out;
	} else {
		pw_buf_puts(&b, "\nYour report does not identify a certificate by its SHA-256"
		                " fingerprint or by issuer and serial number.\n");
	}
	if (r->n_candidates > 0) {
		pw_buf_printf(&b, "\nA name search over every certificate we have issued found %zu"
		                  " certificate(s); none is assumed to be the one you mean. Please"
		                  " confirm by SHA-256:\n",
		              r->n_candidates);
		for (size_t i = 0; i < r->n_candidates; i++) {
			pw_hex_encode(r->candidates[i].sha256, 32, hex);
			pw_buf_printf(&b, "  - %s (name %s)\n", hex, r->candidates[i].query);
		}
	}
	if (r->n_unresolved > 0) {
		pw_buf_puts(&b, "\nReferences we could not resolve:\n");
		for (size_t i = 0; i < r->n_unresolved; i++)
			pw_buf_printf(&b, "  - %s: %s\n", r->unresolved[i].ref, r->unresolved[i].why);
	}
	if (kind == PW_REPORT_MSG_PRELIMINARY) {
		if (r->action == PW_REPORT_ACTION_DECLINED) {
			pw_buf_printf(&b, "\nDecision: the certificate(s) will not be revoked. Reason: %s\n",
			              r->decline_reason ? r->decline_reason : "");
		} else if (dl[2].state == PW_REPORT_DL_PENDING || dl[2].state == PW_REPORT_DL_OVERDUE) {
			pw_report_time_text(dl[2].due, t, sizeof t);
			pw_buf_printf(&b, "\nWhere revocation is warranted it is due by %s (BR 4.9.1.1).\n",
			              t);
		}
	}
	pw_buf_printf(&b, "\n-- \nReport %lld. Statuses above are read from our records and from"
	                  " what our monitor observed in the published CRL and OCSP responses.\n",
	              (long long)r->id);
out:
	if (st != PW_OK) {
		pw_buf_cleanup(&b);
		return st;
	}
	if ((*out = (char *)pw_buf_finish(&b, NULL)) == NULL)
		return pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	return PW_OK;
}
