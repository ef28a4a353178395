#!/bin/sh
# Regenerates the seed corpus of lint_cert_fuzz (tests/fuzz/corpus/lint_cert_fuzz/):
# a root, a DV subscriber certificate, a precertificate (CT poison), its TBS,
# a CRL, and a few damaged inputs. Needs the openssl command and python3.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/lint_cert_fuzz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl ecparam -name prime256v1 -genkey -noout -out root.key
openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
openssl req -x509 -new -key root.key -subj "/C=US/O=Seed CA/CN=Seed Root" -days 3650 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-out root.pem
cat > leaf.ext <<'X'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
certificatePolicies=2.23.140.1.2.1
subjectAltName=DNS:www.example.com
authorityInfoAccess=OCSP;URI:http://ocsp.example.com,caIssuers;URI:http://ca.example.com/ca.der
authorityKeyIdentifier=keyid:always
X
cp leaf.ext precert.ext
echo "1.3.6.1.4.1.11129.2.4.3=critical,DER:0500" >> precert.ext
openssl req -new -key leaf.key -subj "/CN=www.example.com" -out leaf.csr
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 0x5a1399012233445566778899aabbccdd \
	-days 90 -extfile leaf.ext -out leaf.pem
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 0x5a1399012233445566778899aabbccde \
	-days 90 -extfile precert.ext -out precert.pem
mkdir -p ca && : > ca/index.txt && echo 01 > ca/crlnumber
cat > ca.cnf <<'X'
[ca]
default_ca = d
[d]
database = ca/index.txt
crlnumber = ca/crlnumber
default_md = sha256
default_crl_days = 7
X
openssl ca -config ca.cnf -gencrl -keyfile root.key -cert root.pem -out crl.pem 2>/dev/null
openssl x509 -in root.pem -outform DER -out "$out/root.der"
openssl x509 -in leaf.pem -outform DER -out "$out/dv_leaf.der"
openssl x509 -in precert.pem -outform DER -out "$out/precert.der"
openssl crl -in crl.pem -outform DER -out "$out/crl.der"
cp leaf.pem "$out/dv_leaf_bundle.pem"
cat root.pem >> "$out/dv_leaf_bundle.pem"
python3 - "$out" <<'X'
import sys, os
out = sys.argv[1]
d = open(os.path.join(out, "precert.der"), "rb").read()
def tlv(b, o):
    l = b[o + 1]; h = 2
    if l & 0x80:
        n = l & 0x7f; l = int.from_bytes(b[o + 2:o + 2 + n], "big"); h = 2 + n
    return o + h, l
o, _ = tlv(d, 0)          # inside Certificate
o2, l2 = tlv(d, o)        # TBSCertificate header
open(os.path.join(out, "precert_tbs.der"), "wb").write(d[o:o2 + l2])
open(os.path.join(out, "truncated.der"), "wb").write(d[:len(d) // 2])
open(os.path.join(out, "huge_length.bin"), "wb").write(b"\x30\x84\xff\xff\xff\xff\x02\x01\x01")
open(os.path.join(out, "empty.bin"), "wb").write(b"")
X
