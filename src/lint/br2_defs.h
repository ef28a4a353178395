/* pkiward — shorthands shared by the br2_* lint family files. */
#ifndef PKIWARD_LINT_BR2_DEFS_H
#define PKIWARD_LINT_BR2_DEFS_H

#include "br2_util.h"
#include "lint_util.h"
#include "pkiward/lint.h"

/* One certificate lint row: severity from the name prefix (e_/w_/n_). */
#define BR2_CERT(name, sev, src, cit, desc, eff, ineff, app, chk) \
	{ name, sev, src, PW_TARGET_CERT, cit, desc, eff, ineff, app, chk, 0 }
/* A certificate lint row with PW_LINT_F_* flags. */
#define BR2_CERT_F(name, sev, src, cit, desc, eff, ineff, app, chk, flags) \
	{ name, sev, src, PW_TARGET_CERT, cit, desc, eff, ineff, app, chk, flags }
#define BR2_CRL(name, sev, src, cit, desc, eff, ineff, app, chk) \
	{ name, sev, src, PW_TARGET_CRL, cit, desc, eff, ineff, app, chk, 0 }

#define BR2_E PW_LINT_ERROR
#define BR2_W PW_LINT_WARN
#define BR2_N PW_LINT_NOTICE

/* Extension by id, NULL when absent. */
#define BR2_EXT(c, id) pw_cert_get0_ext((c), PW_OID_##id)

#define BR2_UNUSED_DETAILS(d, l) ((void)(d), (void)(l))

#endif
