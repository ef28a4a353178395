/* pkiward lint — certificate profile detection (BR 7.1.2, EVG 9).
 *
 * The BRs define the profile of a certificate by what it is, not by what it
 * claims: a CA certificate is a Root (7.1.2.1) when self-signed, otherwise a
 * Subordinate CA (7.1.2.2-7.1.2.6), of which a Precertificate Signing CA
 * (7.1.2.4) carries the CT precertificate-signing EKU; a non-CA certificate
 * with only id-kp-OCSPSigning is an OCSP responder (7.1.2.8); every other
 * TLS certificate is a Subscriber certificate (7.1.2.7) whose validation
 * type comes from its reserved policy OID (7.1.6.1): EV 2.23.140.1.1,
 * OV .2.2, IV .2.3, DV .2.1. A certificate zlint would not treat as a
 * server-auth certificate (an EKU without serverAuth/any, no CABF TLS
 * policy) is not TLS at all. */
#include "internal.h"
#include "lint_util.h"

static enum pw_lint_profile detect(const struct pw_cert *c, int self_signed)
{
	if (c->is_ca) {
		if (self_signed)
			return PW_PROFILE_ROOT;
		if (pw_lint_has_eku(c, PW_OID_EXT_CT_PRECERT_SIGNING))
			return PW_PROFILE_PRECERT_SIGNING_CA;
		return pw_lint_is_server_auth(c) ? PW_PROFILE_SUBORDINATE_CA : PW_PROFILE_NON_TLS;
	}
	if (pw_lint_is_ocsp_responder(c) && !pw_lint_has_eku(c, PW_OID_EKU_SERVER_AUTH))
		return PW_PROFILE_OCSP_RESPONDER;
	if (!pw_lint_is_server_auth(c))
		return PW_PROFILE_NON_TLS;
	if (pw_lint_is_ev(c))
		return PW_PROFILE_EV;
	if (pw_lint_is_iv(c))
		return PW_PROFILE_IV;
	if (pw_lint_is_ov(c))
		return PW_PROFILE_OV;
	if (pw_lint_is_dv(c))
		return PW_PROFILE_DV;
	return PW_PROFILE_SUBSCRIBER;
}

enum pw_lint_profile pw_lint_detect_profile(const struct pw_cert *c)
{
	if (c == NULL)
		return PW_PROFILE_NON_TLS;
	return detect(c, pw_lint_compute_self_signed(c));
}

enum pw_lint_profile pw_lint_detect_profile_ss_(const struct pw_cert *c, int self_signed)
{
	return detect(c, self_signed);
}
