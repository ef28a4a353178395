/* pkiward — the table of WebPKI object identifiers, by name.
 *
 * Every OID pkiward reasons about has an enum pw_oid value so code can
 * `switch` on it instead of comparing bytes. The list is an X-macro:
 * PW_OID_LIST(X) expands X(ID, "short name", "dotted") for each entry.
 * Append new entries at the end of their group; never reorder (values are
 * not stored anywhere, but keeping the list stable keeps diffs readable). */
#ifndef PKIWARD_OID_H
#define PKIWARD_OID_H

#include <stddef.h>
#include <stdint.h>

#include "pkiward/der.h"

#define PW_OID_LIST(X) \
	/* Attribute types in names (X.520, RFC 5280 Appendix A, EVG 9.2) */ \
	X(CN, "commonName", "2.5.4.3") \
	X(SURNAME, "surname", "2.5.4.4") \
	X(SERIAL_NUMBER, "serialNumber", "2.5.4.5") \
	X(C, "countryName", "2.5.4.6") \
	X(L, "localityName", "2.5.4.7") \
	X(ST, "stateOrProvinceName", "2.5.4.8") \
	X(STREET, "streetAddress", "2.5.4.9") \
	X(O, "organizationName", "2.5.4.10") \
	X(OU, "organizationalUnitName", "2.5.4.11") \
	X(TITLE, "title", "2.5.4.12") \
	X(DESCRIPTION, "description", "2.5.4.13") \
	X(BUSINESS_CATEGORY, "businessCategory", "2.5.4.15") \
	X(POSTAL_ADDRESS, "postalAddress", "2.5.4.16") \
	X(POSTAL_CODE, "postalCode", "2.5.4.17") \
	X(POST_OFFICE_BOX, "postOfficeBox", "2.5.4.18") \
	X(TELEPHONE_NUMBER, "telephoneNumber", "2.5.4.20") \
	X(NAME, "name", "2.5.4.41") \
	X(GIVEN_NAME, "givenName", "2.5.4.42") \
	X(INITIALS, "initials", "2.5.4.43") \
	X(GENERATION_QUALIFIER, "generationQualifier", "2.5.4.44") \
	X(X500_UNIQUE_ID, "x500UniqueIdentifier", "2.5.4.45") \
	X(DN_QUALIFIER, "dnQualifier", "2.5.4.46") \
	X(PSEUDONYM, "pseudonym", "2.5.4.65") \
	X(ORGANIZATION_IDENTIFIER, "organizationIdentifier", "2.5.4.97") \
	X(DOMAIN_COMPONENT, "domainComponent", "0.9.2342.19200300.100.1.25") \
	X(UID, "userId", "0.9.2342.19200300.100.1.1") \
	X(EMAIL_ADDRESS, "emailAddress", "1.2.840.113549.1.9.1") \
	X(UNSTRUCTURED_NAME, "unstructuredName", "1.2.840.113549.1.9.2") \
	X(UNSTRUCTURED_ADDRESS, "unstructuredAddress", "1.2.840.113549.1.9.8") \
	X(JURISDICTION_L, "jurisdictionLocalityName", "1.3.6.1.4.1.311.60.2.1.1") \
	X(JURISDICTION_ST, "jurisdictionStateOrProvinceName", "1.3.6.1.4.1.311.60.2.1.2") \
	X(JURISDICTION_C, "jurisdictionCountryName", "1.3.6.1.4.1.311.60.2.1.3") \
	/* Public key algorithms and curves (RFC 3279, RFC 5480, RFC 8410) */ \
	X(RSA_ENCRYPTION, "rsaEncryption", "1.2.840.113549.1.1.1") \
	X(RSASSA_PSS, "RSASSA-PSS", "1.2.840.113549.1.1.10") \
	X(EC_PUBLIC_KEY, "id-ecPublicKey", "1.2.840.10045.2.1") \
	X(DSA, "id-dsa", "1.2.840.10040.4.1") \
	X(ED25519, "id-Ed25519", "1.3.101.112") \
	X(ED448, "id-Ed448", "1.3.101.113") \
	X(X25519, "id-X25519", "1.3.101.110") \
	X(SECP256R1, "secp256r1", "1.2.840.10045.3.1.7") \
	X(SECP384R1, "secp384r1", "1.3.132.0.34") \
	X(SECP521R1, "secp521r1", "1.3.132.0.35") \
	X(SECP224R1, "secp224r1", "1.3.132.0.33") \
	X(SECP256K1, "secp256k1", "1.3.132.0.10") \
	/* Signature and hash algorithms */ \
	X(MD2_WITH_RSA, "md2WithRSAEncryption", "1.2.840.113549.1.1.2") \
	X(MD5_WITH_RSA, "md5WithRSAEncryption", "1.2.840.113549.1.1.4") \
	X(SHA1_WITH_RSA, "sha1WithRSAEncryption", "1.2.840.113549.1.1.5") \
	X(SHA256_WITH_RSA, "sha256WithRSAEncryption", "1.2.840.113549.1.1.11") \
	X(SHA384_WITH_RSA, "sha384WithRSAEncryption", "1.2.840.113549.1.1.12") \
	X(SHA512_WITH_RSA, "sha512WithRSAEncryption", "1.2.840.113549.1.1.13") \
	X(SHA224_WITH_RSA, "sha224WithRSAEncryption", "1.2.840.113549.1.1.14") \
	X(ECDSA_WITH_SHA1, "ecdsa-with-SHA1", "1.2.840.10045.4.1") \
	X(ECDSA_WITH_SHA224, "ecdsa-with-SHA224", "1.2.840.10045.4.3.1") \
	X(ECDSA_WITH_SHA256, "ecdsa-with-SHA256", "1.2.840.10045.4.3.2") \
	X(ECDSA_WITH_SHA384, "ecdsa-with-SHA384", "1.2.840.10045.4.3.3") \
	X(ECDSA_WITH_SHA512, "ecdsa-with-SHA512", "1.2.840.10045.4.3.4") \
	X(DSA_WITH_SHA1, "dsa-with-sha1", "1.2.840.10040.4.3") \
	X(DSA_WITH_SHA256, "dsa-with-sha256", "2.16.840.1.101.3.4.3.2") \
	X(SHA1, "sha1", "1.3.14.3.2.26") \
	X(SHA256, "sha256", "2.16.840.1.101.3.4.2.1") \
	X(SHA384, "sha384", "2.16.840.1.101.3.4.2.2") \
	X(SHA512, "sha512", "2.16.840.1.101.3.4.2.3") \
	X(SHA224, "sha224", "2.16.840.1.101.3.4.2.4") \
	X(MGF1, "mgf1", "1.2.840.113549.1.1.8") \
	/* Certificate extensions (RFC 5280 §4.2, RFC 6962, others) */ \
	X(EXT_SUBJECT_DIRECTORY_ATTRIBUTES, "subjectDirectoryAttributes", "2.5.29.9") \
	X(EXT_SKI, "subjectKeyIdentifier", "2.5.29.14") \
	X(EXT_KEY_USAGE, "keyUsage", "2.5.29.15") \
	X(EXT_PRIVATE_KEY_USAGE_PERIOD, "privateKeyUsagePeriod", "2.5.29.16") \
	X(EXT_SAN, "subjectAltName", "2.5.29.17") \
	X(EXT_IAN, "issuerAltName", "2.5.29.18") \
	X(EXT_BASIC_CONSTRAINTS, "basicConstraints", "2.5.29.19") \
	X(EXT_CRL_NUMBER, "cRLNumber", "2.5.29.20") \
	X(EXT_CRL_REASON, "cRLReason", "2.5.29.21") \
	X(EXT_INVALIDITY_DATE, "invalidityDate", "2.5.29.24") \
	X(EXT_DELTA_CRL_INDICATOR, "deltaCRLIndicator", "2.5.29.27") \
	X(EXT_ISSUING_DISTRIBUTION_POINT, "issuingDistributionPoint", "2.5.29.28") \
	X(EXT_CERTIFICATE_ISSUER, "certificateIssuer", "2.5.29.29") \
	X(EXT_NAME_CONSTRAINTS, "nameConstraints", "2.5.29.30") \
	X(EXT_CRL_DISTRIBUTION_POINTS, "cRLDistributionPoints", "2.5.29.31") \
	X(EXT_CERTIFICATE_POLICIES, "certificatePolicies", "2.5.29.32") \
	X(EXT_POLICY_MAPPINGS, "policyMappings", "2.5.29.33") \
	X(EXT_AKI, "authorityKeyIdentifier", "2.5.29.35") \
	X(EXT_POLICY_CONSTRAINTS, "policyConstraints", "2.5.29.36") \
	X(EXT_EXT_KEY_USAGE, "extKeyUsage", "2.5.29.37") \
	X(EXT_FRESHEST_CRL, "freshestCRL", "2.5.29.46") \
	X(EXT_INHIBIT_ANY_POLICY, "inhibitAnyPolicy", "2.5.29.54") \
	X(EXT_AIA, "authorityInfoAccess", "1.3.6.1.5.5.7.1.1") \
	X(EXT_SIA, "subjectInfoAccess", "1.3.6.1.5.5.7.1.11") \
	X(EXT_QC_STATEMENTS, "qcStatements", "1.3.6.1.5.5.7.1.3") \
	X(EXT_TLS_FEATURE, "tlsFeature", "1.3.6.1.5.5.7.1.24") \
	X(EXT_OCSP_NOCHECK, "id-pkix-ocsp-nocheck", "1.3.6.1.5.5.7.48.1.5") \
	X(EXT_CT_POISON, "ctPoison", "1.3.6.1.4.1.11129.2.4.3") \
	X(EXT_SCT_LIST, "signedCertificateTimestampList", "1.3.6.1.4.1.11129.2.4.2") \
	X(EXT_CT_PRECERT_SIGNING, "ctPrecertificateSigning", "1.3.6.1.4.1.11129.2.4.4") \
	X(EXT_NETSCAPE_CERT_TYPE, "netscapeCertType", "2.16.840.1.113730.1.1") \
	X(EXT_NETSCAPE_COMMENT, "netscapeComment", "2.16.840.1.113730.1.13") \
	X(EXT_MS_CERT_TEMPLATE_NAME, "msCertificateTemplateName", "1.3.6.1.4.1.311.20.2") \
	X(EXT_MS_CERT_TEMPLATE, "msCertificateTemplate", "1.3.6.1.4.1.311.21.7") \
	X(EXT_MS_APPLICATION_POLICIES, "msApplicationPolicies", "1.3.6.1.4.1.311.21.10") \
	X(EXT_MS_CA_VERSION, "msCAVersion", "1.3.6.1.4.1.311.21.1") \
	X(EXT_CABF_ORGANIZATION_ID, "cabfOrganizationIdentifier", "2.23.140.3.1") \
	X(EXT_TOR_SERVICE_DESCRIPTOR, "torServiceDescriptor", "2.23.140.1.31") \
	X(EXT_NO_SECURITY_AFFORDED, "noSecurityAfforded", "1.3.6.1.5.5.7.1.23") /* id-pe-nsa, RFC 7169 */ \
	/* Extended key usages (RFC 5280 §4.2.1.12, others) */ \
	X(EKU_ANY, "anyExtendedKeyUsage", "2.5.29.37.0") \
	X(EKU_SERVER_AUTH, "serverAuth", "1.3.6.1.5.5.7.3.1") \
	X(EKU_CLIENT_AUTH, "clientAuth", "1.3.6.1.5.5.7.3.2") \
	X(EKU_CODE_SIGNING, "codeSigning", "1.3.6.1.5.5.7.3.3") \
	X(EKU_EMAIL_PROTECTION, "emailProtection", "1.3.6.1.5.5.7.3.4") \
	X(EKU_IPSEC_END_SYSTEM, "ipsecEndSystem", "1.3.6.1.5.5.7.3.5") \
	X(EKU_IPSEC_TUNNEL, "ipsecTunnel", "1.3.6.1.5.5.7.3.6") \
	X(EKU_IPSEC_USER, "ipsecUser", "1.3.6.1.5.5.7.3.7") \
	X(EKU_TIME_STAMPING, "timeStamping", "1.3.6.1.5.5.7.3.8") \
	X(EKU_OCSP_SIGNING, "OCSPSigning", "1.3.6.1.5.5.7.3.9") \
	X(EKU_MS_SGC, "msSGC", "1.3.6.1.4.1.311.10.3.3") \
	X(EKU_NS_SGC, "nsSGC", "2.16.840.1.113730.4.1") \
	X(EKU_MS_DOCUMENT_SIGNING, "msDocumentSigning", "1.3.6.1.4.1.311.10.3.12") \
	X(EKU_MS_EFS, "msEFS", "1.3.6.1.4.1.311.10.3.4") \
	X(EKU_MS_SMARTCARD_LOGON, "msSmartcardLogon", "1.3.6.1.4.1.311.20.2.2") \
	/* Access methods (RFC 5280 §4.2.2.1) */ \
	X(AD_OCSP, "id-ad-ocsp", "1.3.6.1.5.5.7.48.1") \
	X(AD_CA_ISSUERS, "id-ad-caIssuers", "1.3.6.1.5.5.7.48.2") \
	X(AD_CA_REPOSITORY, "id-ad-caRepository", "1.3.6.1.5.5.7.48.5") \
	/* Policy qualifiers and policies (RFC 5280 §4.2.1.4, BR 7.1.6.1, EVG 9.3.2) */ \
	X(QT_CPS, "id-qt-cps", "1.3.6.1.5.5.7.2.1") \
	X(QT_UNOTICE, "id-qt-unotice", "1.3.6.1.5.5.7.2.2") \
	X(ANY_POLICY, "anyPolicy", "2.5.29.32.0") \
	X(CABF_EV, "cabf-ev", "2.23.140.1.1") \
	X(CABF_DV, "cabf-domain-validated", "2.23.140.1.2.1") \
	X(CABF_OV, "cabf-organization-validated", "2.23.140.1.2.2") \
	X(CABF_IV, "cabf-individual-validated", "2.23.140.1.2.3") \
	X(CABF_EV_CODE_SIGNING, "cabf-ev-code-signing", "2.23.140.1.3") \
	X(CABF_CODE_SIGNING, "cabf-code-signing", "2.23.140.1.4.1") \
	X(CABF_TEST_CERT, "cabf-test-certificate", "2.23.140.2.1") \
	X(CABF_SMIME_MV_LEGACY, "cabf-smime-mailbox-legacy", "2.23.140.1.5.1.1") \
	X(CABF_SMIME_MV_MULTIPURPOSE, "cabf-smime-mailbox-multipurpose", "2.23.140.1.5.1.2") \
	X(CABF_SMIME_MV_STRICT, "cabf-smime-mailbox-strict", "2.23.140.1.5.1.3") \
	X(CABF_SMIME_OV_LEGACY, "cabf-smime-org-legacy", "2.23.140.1.5.2.1") \
	X(CABF_SMIME_OV_MULTIPURPOSE, "cabf-smime-org-multipurpose", "2.23.140.1.5.2.2") \
	X(CABF_SMIME_OV_STRICT, "cabf-smime-org-strict", "2.23.140.1.5.2.3") \
	X(CABF_SMIME_SV_LEGACY, "cabf-smime-sponsor-legacy", "2.23.140.1.5.3.1") \
	X(CABF_SMIME_SV_MULTIPURPOSE, "cabf-smime-sponsor-multipurpose", "2.23.140.1.5.3.2") \
	X(CABF_SMIME_SV_STRICT, "cabf-smime-sponsor-strict", "2.23.140.1.5.3.3") \
	X(CABF_SMIME_IV_LEGACY, "cabf-smime-individual-legacy", "2.23.140.1.5.4.1") \
	X(CABF_SMIME_IV_MULTIPURPOSE, "cabf-smime-individual-multipurpose", "2.23.140.1.5.4.2") \
	X(CABF_SMIME_IV_STRICT, "cabf-smime-individual-strict", "2.23.140.1.5.4.3") \
	/* PKCS#9 / PKCS#10 / CMS */ \
	X(PKCS9_EXTENSION_REQUEST, "extensionRequest", "1.2.840.113549.1.9.14") \
	X(PKCS9_CHALLENGE_PASSWORD, "challengePassword", "1.2.840.113549.1.9.7") \
	/* OCSP (RFC 6960 §4.2.1) */ \
	X(OCSP_BASIC, "id-pkix-ocsp-basic", "1.3.6.1.5.5.7.48.1.1") \
	X(OCSP_NONCE, "id-pkix-ocsp-nonce", "1.3.6.1.5.5.7.48.1.2")

/* PW_OID_UNKNOWN is 0 so a zero-initialised struct reads "unknown". */
enum pw_oid {
	PW_OID_UNKNOWN = 0,
#define PW_OID_ENUM_(id, name, dotted) PW_OID_##id,
	PW_OID_LIST(PW_OID_ENUM_)
#undef PW_OID_ENUM_
	PW_OID_COUNT_
};

/* Maps OID content octets to their enum value; PW_OID_UNKNOWN if not in the
 * table. O(1) expected (hash of the content octets); thread-safe. */
enum pw_oid pw_oid_lookup(const struct pw_der *oid);

/* Reads an OBJECT IDENTIFIER element at *d (as pw_der_get_oid: contents
 * into *out, the same X.690 §8.19 rules and error offsets) and looks it up
 * into *out_id in the same step. The encoding check runs only for OIDs not
 * in the table: a table entry's octets were encoded from its dotted text,
 * so input equal to them is valid by construction. Returns 1, or 0 with
 * *err set and *d unchanged. */
int pw_oid_get(struct pw_der *d, struct pw_der *out, enum pw_oid *out_id,
               struct pw_error *err) PW_WARN_UNUSED;

/* Short name ("commonName") / dotted text ("2.5.4.3") of a known OID;
 * static strings; "unknown" / "" for PW_OID_UNKNOWN or out-of-range values. */
const char *pw_oid_name(enum pw_oid id);
const char *pw_oid_dotted(enum pw_oid id);

/* DER content octets of a known OID (static storage), for building DER and
 * for comparisons. *out_len gets their length; NULL for unknown ids. */
const uint8_t *pw_oid_der(enum pw_oid id, size_t *out_len);

#endif
