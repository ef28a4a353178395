#!/bin/sh
# Regenerates the certificate fixtures of tests/cert_test.c with the openssl
# CLI (OpenSSL 3). Outputs (checked in) go to tests/data/cert/; keys and the
# CA database live in a temporary directory and are thrown away, so every
# run gives new keys and serial-independent content: the tests assert the
# values fixed here (names, dates, extensions), and key-dependent values
# (hashes, key ids) against the files themselves.
#
# Usage: tests/data/make_cert_fixtures.sh   (from anywhere)
set -eu

out=$(cd "$(dirname "$0")" && pwd)/cert
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cd "$tmp"

mkdir db
: > db/index.txt
echo 1000 > db/serial
echo 01 > db/crlnumber

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = pw
[ pw ]
dir = .
database = db/index.txt
serial = db/serial
crlnumber = db/crlnumber
new_certs_dir = db
default_md = sha256
policy = anything
unique_subject = no
preserve = yes
copy_extensions = none
default_crl_days = 7
crl_extensions = crl_ext
[ anything ]
countryName = optional
organizationName = optional
commonName = optional
[ crl_ext ]
authorityKeyIdentifier = keyid:always
issuingDistributionPoint = critical,@idp
[ idp ]
fullname = URI:http://crl.example.com/ca.crl
onlyuser = TRUE
[ root ]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,excluded;DNS:bad.example.com
[ leaf_rsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:www.example.com,DNS:example.com,DNS:*.api.example.com,IP:192.0.2.7,email:ops@example.com
certificatePolicies = 2.23.140.1.2.2,@cps
authorityInfoAccess = OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/ca.crt
crlDistributionPoints = URI:http://crl.example.com/ca.crl
[ cps ]
policyIdentifier = 1.3.6.1.4.1.99999.1
CPS.1 = "http://cps.example.com/cps"
[ leaf_ec ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:ec.example.com
certificatePolicies = 2.23.140.1.2.1
[ precert ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:ct.example.com
1.3.6.1.4.1.11129.2.4.3 = critical,ASN1:NULL
authorityKeyIdentifier = keyid:always
[ final ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:ct.example.com
# A syntactically valid SignedCertificateTimestampList of two (fake) SCTs:
# list length 0x000a, then SCT lengths 3 and 3 (RFC 6962 §3.3 framing).
1.3.6.1.4.1.11129.2.4.2 = ASN1:FORMAT:HEX,OCTETSTRING:000A0003AABBCC0003DDEEFF
authorityKeyIdentifier = keyid:always
CNF

days() { # fixed validity so that the tests can assert the dates
	echo "-startdate 20250101000000Z -enddate $1"
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key 2>/dev/null
openssl req -new -key ca.key -subj "/C=US/O=Pkiward Test/CN=Pkiward Test Root" -out ca.csr
openssl ca -batch -config ca.cnf -selfsign -keyfile ca.key -in ca.csr -extensions root \
	$(days 20350101000000Z) -notext -out ca.pem 2>/dev/null

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl req -new -key rsa.key -subj "/C=US/O=Example Inc/CN=www.example.com" -out rsa.csr
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in rsa.csr -extensions leaf_rsa \
	$(days 20250401000000Z) -notext -out leaf_rsa.pem 2>/dev/null

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl req -new -key ec.key -subj "/CN=ec.example.com" -out ec.csr
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in ec.csr -extensions leaf_ec \
	$(days 20250401000000Z) -notext -out leaf_ec.pem 2>/dev/null

# Precertificate and its final certificate: same serial, subject, key,
# dates and extensions apart from poison / SCT list (RFC 6962 §3.2).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ct.key 2>/dev/null
openssl req -new -key ct.key -subj "/CN=ct.example.com" -out ct.csr
echo 2000 > db/serial
cp db/index.txt db/index.before
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in ct.csr -extensions precert \
	$(days 20250401000000Z) -notext -out precert.pem 2>/dev/null
# The CA database refuses a serial twice: forget the precertificate.
cp db/index.before db/index.txt
echo 2000 > db/serial
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in ct.csr -extensions final \
	$(days 20250401000000Z) -notext -out final.pem 2>/dev/null

# CSR with an extensionRequest attribute (PKCS#9).
openssl req -new -key rsa.key -subj "/C=DE/O=Beispiel GmbH/CN=csr.example.com" \
	-addext "subjectAltName=DNS:csr.example.com,DNS:www.csr.example.com" \
	-addext "keyUsage=critical,digitalSignature" -out csr.pem

# CRL listing the RSA leaf as revoked for keyCompromise, and the EC leaf
# for keyCompromise with an invalidity date (RFC 5280 §5.3.2).
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -revoke leaf_rsa.pem \
	-crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -revoke leaf_ec.pem \
	-crl_compromise 20250115000000Z 2>/dev/null
openssl ca -config ca.cnf -cert ca.pem -keyfile ca.key -gencrl -crl_lastupdate 20250201000000Z -crl_nextupdate 20250208000000Z -out crl.pem 2>/dev/null

for f in ca leaf_rsa leaf_ec precert final; do
	openssl x509 -in $f.pem -out "$out/$f.pem"
	openssl x509 -in $f.pem -outform DER -out "$out/$f.der"
done
openssl req -in csr.pem -out "$out/csr.pem"
openssl crl -in crl.pem -out "$out/crl.pem"
# A TBSCertificate alone (what a CA lints before signing): cut out of the
# leaf with asn1parse (offset 4 = the first element inside Certificate).
openssl asn1parse -in leaf_rsa.pem -strparse 4 -noout -out "$out/leaf_rsa_tbs.der"
# Bundle: text before, between and after blocks, as in the zlint corpus.
{
	echo "Bundle of two certificates (text before the first block)"
	cat "$out/leaf_ec.pem"
	echo "text between blocks"
	cat "$out/ca.pem"
	echo "trailing text"
} > "$out/bundle.pem"
cat "$out/leaf_ec.der" "$out/ca.der" > "$out/concat.der"
echo "fixtures written to $out"
