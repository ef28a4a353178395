/* http/revsum.c: revocations with their observed publication (revsum.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/buf.h"
#include "pkiward/store_monitor.h"
#include "revsum.h"

struct collect {
	struct pw_serve_revsum *rs;
	size_t cap, max;
	int oom;
};

static int row(void *ctx, const struct pw_store_row *r)
{
	struct collect *c = ctx;
	if (c->rs->n == c->max) {
		c->rs->truncated = 1;
		return 0;
	}
	if (c->rs->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		struct pw_serve_rev *nv = realloc(c->rs->v, nc * sizeof *nv);
		if (nv == NULL) {
			c->oom = 1;
			return 0;
		}
		c->rs->v = nv;
		c->cap = nc;
	}
	struct pw_serve_rev *v = &c->rs->v[c->rs->n++];
	memset(v, 0, sizeof *v);
	memcpy(v->sha256, r->sha256, 32);
	snprintf(v->serial_hex, sizeof v->serial_hex, "%s", r->serial_hex ? r->serial_hex : "");
	v->precert = r->precert;
	v->revoked_at = r->revoked_at;
	v->has_reason = r->has_reason;
	v->reason = r->reason;
	return 1;
}

static int by_revoked_desc(const void *a, const void *b)
{
	const struct pw_serve_rev *x = a, *y = b;
	return x->revoked_at < y->revoked_at ? 1 : x->revoked_at > y->revoked_at ? -1 : 0;
}

enum pw_status pw_serve_revsum_collect(struct pw_store *s, size_t max, struct pw_serve_revsum *out,
                                       struct pw_error *err)
{
	struct pw_store_filter f;
	struct collect c = {out, 0, max, 0};
	memset(out, 0, sizeof *out);
	memset(&f, 0, sizeof f);
	f.revoked = PW_STORE_YES;
	enum pw_status st = pw_store_find(s, &f, 0, row, &c, err);
	if (st == PW_OK && c.oom)
		st = pw_error_set(err, PW_ERR_NOMEM, 0, 0, NULL, "out of memory");
	for (size_t i = 0; st == PW_OK && i < out->n; i++) {
		struct pw_serve_rev *v = &out->v[i];
		struct pw_store_revocation rv;
		struct pw_store_monitor_seen seen;
		struct pw_error e2;
		if (pw_store_revocation_get(s, v->sha256, &rv, &e2) == PW_OK) {
			v->requested_at = rv.requested_at ? rv.requested_at : rv.revoked_at;
			v->deadline = rv.deadline;
		} else {
			v->requested_at = v->revoked_at;
		}
		/* The monitor area may be absent (older base): then nothing is observed. */
		if (pw_store_monitor_seen_get(s, v->sha256, &seen, &e2) == PW_OK) {
			v->first_seen_crl = seen.has_crl ? seen.first_seen_crl : 0;
			v->first_seen_ocsp = seen.has_ocsp ? seen.first_seen_ocsp : 0;
		}
	}
	if (st != PW_OK) {
		pw_serve_revsum_cleanup(out);
		return st;
	}
	qsort(out->v, out->n, sizeof *out->v, by_revoked_desc);
	return PW_OK;
}

void pw_serve_revsum_cleanup(struct pw_serve_revsum *rs)
{
	if (rs == NULL)
		return;
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}
