/* monitor/ internals: the HTTP client (fetch.c) and OCSP request building
 * (ocsp_req.c) that monitor.c drives. */
#ifndef PW_MONITOR_INTERNAL_H
#define PW_MONITOR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/monitor.h"

/* What went wrong with a transfer before any body could be judged. */
enum pw_monitor_transport {
	PW_MT_OK = 0,      /* a complete HTTP response arrived (any status) */
	PW_MT_TIMEOUT,     /* no complete answer within the timeout */
	PW_MT_CONNECT,     /* DNS, connection refused, TLS, unsupported scheme */
	PW_MT_TOO_LARGE,   /* the body exceeded the cap (announced or received) */
	PW_MT_OTHER        /* anything else libcurl reports (reset mid-body, ...) */
};

/* Longest Content-Type text kept (longer ones are cut). */
#define PW_MONITOR_MAX_CT 128

/* One HTTP exchange. body is malloc'd (pw_monitor_http_cleanup frees it). */
struct pw_monitor_http {
	enum pw_monitor_transport transport;
	long status;                     /* HTTP status; 0 when none */
	char content_type[PW_MONITOR_MAX_CT];
	int has_content_type;
	uint8_t *body;
	size_t len;
	int64_t elapsed_ms;
	char detail[256];                /* libcurl's explanation on failure */
};

struct pw_monitor_client;

/* A reusable client (one libcurl easy handle: connections are kept alive
 * between requests to the same host). Returns NULL when libcurl fails. */
struct pw_monitor_client *pw_monitor_client_new(long timeout_ms, long connect_timeout_ms);
void pw_monitor_client_free(struct pw_monitor_client *c);

/* GET url (post == NULL) or POST post/post_len with Content-Type post_ct.
 * At most max_body bytes are accepted. Fills *out (call
 * pw_monitor_http_cleanup afterwards, also on failure). Returns 1 when the
 * exchange was attempted (out->transport says how it went), 0 when memory
 * ran out. */
int pw_monitor_http_fetch(struct pw_monitor_client *c, const char *url, const uint8_t *post,
                          size_t post_len, const char *post_ct, size_t max_body,
                          struct pw_monitor_http *out);
void pw_monitor_http_cleanup(struct pw_monitor_http *h);

/* An OCSP request for one certificate (RFC 6960 §4.1.1, SHA-1 CertID, no
 * nonce so that caches can answer it as they would a relying party) and the
 * CertID parts a response must echo. */
struct pw_monitor_ocsp_req {
	uint8_t *der;                    /* OCSPRequest DER (OPENSSL_malloc'd) */
	size_t len;
	uint8_t name_hash[20];           /* SHA-1 of the issuer Name DER */
	uint8_t key_hash[20];            /* SHA-1 of the issuer subjectPublicKey bits */
};

/* Builds the request for the certificate cert_der issued by ca_der. Returns
 * 1, or 0 with *err. */
int pw_monitor_ocsp_req_build(const uint8_t *cert_der, size_t cert_len, const uint8_t *ca_der,
                              size_t ca_len, struct pw_monitor_ocsp_req *out,
                              struct pw_error *err);
void pw_monitor_ocsp_req_cleanup(struct pw_monitor_ocsp_req *r);

/* The RFC 5019 §5 GET URL: base, "/" unless base ends with one, then the
 * URL-encoded base64 of der. malloc'd; NULL on allocation failure. */
char *pw_monitor_ocsp_get_url(const char *base, const uint8_t *der, size_t len);

#endif
