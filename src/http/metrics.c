/* http/metrics.c: /metrics in the Prometheus text exposition format
 * (version 0.0.4): requests by endpoint and status with a duration
 * histogram (counted by the server's observer), and, read from the store at
 * scrape time: revocation latency (report -> revoked -> first seen in the
 * CRL / in OCSP), open problem reports by deadline state, open monitor
 * alerts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkiward/buf.h"
#include "pkiward/report.h"
#include "pkiward/store_monitor.h"
#include "revsum.h"
#include "serve_internal.h"

/* Upper bounds of the request duration buckets (seconds). */
static const double DUR_BOUNDS[PW_SERVE_DURATION_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                             0.025,  0.05,  0.1,    0.5,   1.0};
/* Revocation latency buckets (seconds): minutes to the 5-day BR bound. */
static const double LAT_BOUNDS[] = {1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 5 * 24 * 3600};
#define N_LAT (sizeof LAT_BOUNDS / sizeof LAT_BOUNDS[0])

void pw_serve_metrics_observe(void *ctx, const struct pw_http_log_entry *e)
{
	struct pw_serve *sv = ctx;
	const char *route = e->route_name && e->route_name[0] ? e->route_name : "none";
	double secs = (double)e->duration_us / 1e6;
	pthread_mutex_lock(&sv->metrics_mu);
	struct pw_serve_metric_row *row = NULL;
	for (size_t i = 0; i < sv->n_metric_rows; i++)
		if (strcmp(sv->metric_rows[i].route, route) == 0)
			row = &sv->metric_rows[i];
	if (row == NULL && sv->n_metric_rows < PW_SERVE_METRIC_ROUTES) {
		row = &sv->metric_rows[sv->n_metric_rows++];
		memset(row, 0, sizeof *row);
		snprintf(row->route, sizeof row->route, "%s", route);
	}
	if (row != NULL) {
		size_t k = 0;
		while (k < row->n_codes && row->codes[k] != e->status)
			k++;
		if (k == row->n_codes && row->n_codes < PW_SERVE_METRIC_CODES)
			row->codes[row->n_codes++] = e->status;
		if (k < row->n_codes)
			row->counts[k]++;
		for (size_t b = 0; b < PW_SERVE_DURATION_BUCKETS; b++)
			if (secs <= DUR_BOUNDS[b]) {
				row->dur_buckets[b]++;
				break;
			}
		row->dur_count++;
		row->dur_sum += secs;
	}
	pthread_mutex_unlock(&sv->metrics_mu);
}

struct hist {
	uint64_t b[N_LAT];
	uint64_t count;
	double sum;
};

static void hist_add(struct hist *h, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	for (size_t i = 0; i < N_LAT; i++)
		if ((double)secs <= LAT_BOUNDS[i]) {
			h->b[i]++;
			break;
		}
	h->count++;
	h->sum += (double)secs;
}

static void hist_print(struct pw_buf *b, const char *stage, const struct hist *h)
{
	uint64_t cum = 0;
	for (size_t i = 0; i < N_LAT; i++) {
		cum += h->b[i];
		pw_buf_printf(b, "pkiward_revocation_latency_seconds_bucket{stage=\"%s\",le=\"%g\"} %llu\n", stage,
		              LAT_BOUNDS[i], (unsigned long long)cum);
	}
	pw_buf_printf(b, "pkiward_revocation_latency_seconds_bucket{stage=\"%s\",le=\"+Inf\"} %llu\n", stage,
	              (unsigned long long)h->count);
	pw_buf_printf(b, "pkiward_revocation_latency_seconds_sum{stage=\"%s\"} %.0f\n", stage, h->sum);
	pw_buf_printf(b, "pkiward_revocation_latency_seconds_count{stage=\"%s\"} %llu\n", stage,
	              (unsigned long long)h->count);
}

struct dl_counts {
	int64_t now;
	uint64_t by_state[5]; /* enum pw_report_deadline_state */
	uint64_t open;
};

static int report_row(void *ctx, const struct pw_report *r)
{
	struct dl_counts *c = ctx;
	struct pw_report_deadline d[PW_REPORT_N_DEADLINES];
	pw_report_deadlines(r, c->now, d);
	c->open++;
	/* A report is as urgent as its worst deadline. */
	enum pw_report_deadline_state worst = PW_REPORT_DL_NA;
	static const int rank[5] = {0, 2, 1, 3, 4}; /* n/a < met < pending < late < overdue */
	for (int i = 0; i < PW_REPORT_N_DEADLINES; i++)
		if (rank[d[i].state] > rank[worst])
			worst = d[i].state;
	c->by_state[worst]++;
	return 1;
}

void pw_serve_metrics(void *ctx, const struct pw_http_request *req, struct pw_http_response *resp)
{
	struct pw_serve *sv = ctx;
	struct pw_buf b;
	struct pw_error err;
	(void)req;
	pw_buf_init(&b);
	pw_error_clear(&err);
	pw_buf_puts(&b, "# HELP pkiward_http_requests_total HTTP requests by endpoint and status.\n"
	                "# TYPE pkiward_http_requests_total counter\n");
	pthread_mutex_lock(&sv->metrics_mu);
	size_t nrows = sv->n_metric_rows;
	struct pw_serve_metric_row *rows = malloc((nrows ? nrows : 1) * sizeof *rows);
	if (rows != NULL)
		memcpy(rows, sv->metric_rows, nrows * sizeof *rows);
	pthread_mutex_unlock(&sv->metrics_mu);
	if (rows == NULL) {
		pw_http_response_text(resp, 500, "out of memory\n");
		return;
	}
	for (size_t i = 0; i < nrows; i++)
		for (size_t k = 0; k < rows[i].n_codes; k++)
			pw_buf_printf(&b, "pkiward_http_requests_total{endpoint=\"%s\",code=\"%u\"} %llu\n", rows[i].route,
			              rows[i].codes[k], (unsigned long long)rows[i].counts[k]);
	pw_buf_puts(&b, "# HELP pkiward_http_request_duration_seconds Time to answer, by endpoint.\n"
	                "# TYPE pkiward_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nrows; i++) {
		uint64_t cum = 0;
		for (size_t k = 0; k < PW_SERVE_DURATION_BUCKETS; k++) {
			cum += rows[i].dur_buckets[k];
			pw_buf_printf(&b, "pkiward_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
			              rows[i].route, DUR_BOUNDS[k], (unsigned long long)cum);
		}
		pw_buf_printf(&b, "pkiward_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
		              rows[i].route, (unsigned long long)rows[i].dur_count);
		pw_buf_printf(&b, "pkiward_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", rows[i].route,
		              rows[i].dur_sum);
		pw_buf_printf(&b, "pkiward_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n", rows[i].route,
		              (unsigned long long)rows[i].dur_count);
	}
	free(rows);

	struct pw_store *s = pw_serve_store_get(sv);
	int64_t now = (int64_t)time(NULL);
	/* Revocation latency, read from the store: report (requested) ->
	 * revoked -> first seen in a CRL / in OCSP (the monitor's observations). */
	struct pw_serve_revsum rs;
	struct hist h_rev = {0}, h_crl = {0}, h_ocsp = {0};
	uint64_t unseen_crl = 0, unseen_ocsp = 0;
	if (pw_serve_revsum_collect(s, PW_SERVE_REVSUM_MAX, &rs, &err) == PW_OK) {
		for (size_t i = 0; i < rs.n; i++) {
			const struct pw_serve_rev *r = &rs.v[i];
			hist_add(&h_rev, r->revoked_at - r->requested_at);
			if (r->first_seen_crl)
				hist_add(&h_crl, r->first_seen_crl - r->requested_at);
			else
				unseen_crl++;
			if (r->first_seen_ocsp)
				hist_add(&h_ocsp, r->first_seen_ocsp - r->requested_at);
			else
				unseen_ocsp++;
		}
		pw_serve_revsum_cleanup(&rs);
	}
	pw_buf_puts(&b, "# HELP pkiward_revocation_latency_seconds From the request/report to the revocation "
	                "being recorded (stage=revoked) and first observed in the CRL (crl) and OCSP (ocsp).\n"
	                "# TYPE pkiward_revocation_latency_seconds histogram\n");
	hist_print(&b, "revoked", &h_rev);
	hist_print(&b, "crl", &h_crl);
	hist_print(&b, "ocsp", &h_ocsp);
	pw_buf_printf(&b, "# HELP pkiward_revocations_unobserved Revocations not yet seen in the CRL/OCSP.\n"
	                  "# TYPE pkiward_revocations_unobserved gauge\n"
	                  "pkiward_revocations_unobserved{channel=\"crl\"} %llu\n"
	                  "pkiward_revocations_unobserved{channel=\"ocsp\"} %llu\n",
	              (unsigned long long)unseen_crl, (unsigned long long)unseen_ocsp);

	struct dl_counts dc = {.now = now};
	struct pw_report_filter rf = {.open_only = 1, .now = now};
	pw_buf_puts(&b, "# HELP pkiward_reports_open Open problem reports by the state of their most urgent "
	                "deadline (BR 4.9.5, 4.9.1.1).\n# TYPE pkiward_reports_open gauge\n");
	if (pw_report_list(s, &rf, report_row, &dc, &err) == PW_OK)
		for (int st = 0; st < 5; st++)
			pw_buf_printf(&b, "pkiward_reports_open{deadline_state=\"%s\"} %llu\n",
			              pw_report_deadline_state_name((enum pw_report_deadline_state)st),
			              (unsigned long long)dc.by_state[st]);
	uint64_t alerts = 0;
	pw_buf_puts(&b, "# HELP pkiward_monitor_alerts_open Open monitor alerts (CRL/OCSP publication).\n"
	                "# TYPE pkiward_monitor_alerts_open gauge\n");
	if (pw_store_monitor_alert_count_open(s, &alerts, &err) == PW_OK)
		pw_buf_printf(&b, "pkiward_monitor_alerts_open %llu\n", (unsigned long long)alerts);
	pw_serve_store_put(sv, s);
	pw_buf_printf(&b, "# HELP pkiward_start_time_seconds When this process started.\n"
	                  "# TYPE pkiward_start_time_seconds gauge\npkiward_start_time_seconds %lld\n",
	              (long long)sv->started_at);
	size_t len = 0;
	uint8_t *out = pw_buf_finish(&b, &len);
	if (out == NULL) {
		pw_http_response_text(resp, 500, "out of memory\n");
		return;
	}
	pw_http_response_set(resp, 200, "text/plain; version=0.0.4; charset=utf-8");
	pw_http_response_add_header(resp, "Cache-Control", "no-store");
	pw_http_response_body_take(resp, out, len);
}
