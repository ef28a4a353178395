/* pkiward http/crl.h — CRL downloads: GET <prefix><ca-name>/full.crl and
 * <prefix><ca-name>/<p>.crl, served from the directory `pkiward crl
 * generate --out DIR` (publish.h: pw_publish_crls with out_dir) writes.
 * Mounted at "/crl/" by `pkiward serve`. */
#ifndef PKIWARD_HTTP_CRL_H
#define PKIWARD_HTTP_CRL_H

#include "pkiward/status.h"
#include "server.h"

/* Media type of a DER CRL (RFC 2585 §4.2). */
#define PW_HTTP_CRL_TYPE "application/pkix-crl"
/* max-age of CRL responses, seconds. CRLs are regenerated within a second
 * of a revocation (issue 5), so an HTTP cache must not hold one for long:
 * the stale window of a CRL is this plus the generation delay. */
#define PW_HTTP_CRL_MAX_AGE 60
/* Longest file name served ("4095.crl", "full.crl"). */
#define PW_HTTP_CRL_MAX_FILE 16

struct pw_http_crl;

/* Opens the CRL directory (kept open; files are looked up below it with
 * O_NOFOLLOW at each request, so a symlink or ".." can never leave it) and
 * adds the GET route at `prefix` (must end in '/'). *out (the handler
 * context) must outlive the server; free it with pw_http_crl_free. */
enum pw_status pw_http_crl_mount(struct pw_http_server *srv, const char *prefix, const char *dir,
                                 struct pw_http_crl **out, struct pw_error *err) PW_WARN_UNUSED;

void pw_http_crl_free(struct pw_http_crl *c);

#endif
