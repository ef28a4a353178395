/* pkiward http/ocsp.h — the OCSP endpoint (RFC 6960 Appendix A, RFC 5019
 * §5): POST <prefix> with a DER body, GET <prefix>/<url-encoded base64>.
 * Mounted at "/" by `pkiward ocsp serve` and at "/ocsp" by `pkiward serve`. */
#ifndef PKIWARD_HTTP_OCSP_H
#define PKIWARD_HTTP_OCSP_H

#include "pkiward/ocsp.h"
#include "pkiward/status.h"
#include "server.h"

/* Media types (RFC 6960 Appendix A.1 / A.2). */
#define PW_HTTP_OCSP_REQUEST_TYPE "application/ocsp-request"
#define PW_HTTP_OCSP_RESPONSE_TYPE "application/ocsp-response"

/* Adds the OCSP routes under `prefix` ("/" or "/ocsp"): POST and GET (HEAD
 * follows GET). The responder is borrowed and must outlive the server.
 * Bodies up to PW_HTTP_OCSP_MAX_BODY are read and a request over
 * PW_OCSP_MAX_REQUEST_DER is answered malformedRequest (an OCSP client
 * understands that); larger bodies are refused with HTTP 413 before they
 * are read. */
#define PW_HTTP_OCSP_MAX_BODY PW_HTTP_MAX_BODY_DEFAULT
enum pw_status pw_http_ocsp_mount(struct pw_http_server *srv, const char *prefix,
                                  struct pw_ocsp_responder *r,
                                  struct pw_error *err) PW_WARN_UNUSED;

/* The handler itself, for callers that route on their own (ctx is the
 * struct pw_ocsp_responder). */
void pw_http_ocsp_handler(void *ctx, const struct pw_http_request *req,
                          struct pw_http_response *resp);

#endif
