/* http/mount_publication.c: OCSP (http/ocsp.c) and CRL downloads under
 * `pkiward serve`. The responder answers for every CA registered in the
 * store (publish.h); a store without one serves no OCSP, and says so. CRLs
 * are the files `pkiward crl generate --out DIR` wrote into crl_dir, served
 * under /crl/ by http/crl.c. */
#include <stdio.h>

#include "ocsp.h"
#include "serve_internal.h"

enum pw_status pw_serve_mount_publication(struct pw_serve *sv, struct pw_http_server *srv,
                                          struct pw_error *err);

enum pw_status pw_serve_mount_publication(struct pw_serve *sv, struct pw_http_server *srv,
                                          struct pw_error *err)
{
	struct pw_ocsp_config oc;
	struct pw_error e2;
	enum pw_status st;
	pw_ocsp_config_init(&oc);
	pw_error_clear(&e2);
	st = pw_ocsp_responder_new(sv->cfg.store, &oc, &sv->ocsp, &e2);
	if (st == PW_ERR_NOTFOUND) {
		fprintf(stderr, "pkiward serve: no CA registered for publication (pkiward ca add): /ocsp is not served\n");
	} else if (st != PW_OK) {
		*err = e2;
		return st;
	} else if ((st = pw_http_ocsp_mount(srv, "/ocsp", sv->ocsp, err)) != PW_OK) {
		return st;
	}
	if (sv->cfg.crl_dir != NULL)
		return pw_http_crl_mount(srv, "/crl/", sv->cfg.crl_dir, &sv->crl, err);
	return PW_OK;
}
