#!/usr/bin/env bash
# End-to-end: `pkiward ocsp serve` and `pkiward ocsp respond` against real
# clients (openssl ocsp for POST, curl for RFC 5019 GET), for a CA signing
# its own responses and a CA with a delegated responder (id-kp-OCSPSigning,
# id-pkix-ocsp-nocheck); a revocation shows within 1 s; bad requests get
# malformedRequest / unauthorized / 413 and never crash the server.
source "$PW_SOURCE_DIR/tests/e2e/lib.bash"
cd "$TMP"
S="$TMP/s.db"
TO=5 # seconds for any single client call

# ---- A test PKI made with openssl (P-256 CA, RSA CA with a delegated responder) ----
cat >ext.cnf <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:leaf.example.com
authorityKeyIdentifier = keyid
[responder]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
authorityKeyIdentifier = keyid
EOF
mkca() { # name keyspec
  openssl genpkey $2 -out "$1.key" 2>/dev/null
  openssl req -new -x509 -key "$1.key" -subj "/C=US/O=pkiward e2e/CN=$1" -days 3650 \
    -config ext.cnf -extensions ca -out "$1.pem" 2>/dev/null
}
mkleaf() { # ca name serial [ext]
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2.key" 2>/dev/null
  openssl req -new -key "$2.key" -subj "/CN=$2.example.com" -out "$2.csr" 2>/dev/null
  openssl x509 -req -in "$2.csr" -CA "$1.pem" -CAkey "$1.key" -set_serial "$3" -days 90 \
    -extfile ext.cnf -extensions "${4:-leaf}" -out "$2.pem" 2>/dev/null
}
mkca ca1 "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
mkca ca2 "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"
mkca other "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
mkleaf ca1 good1 0x1001
mkleaf ca1 rev1 0x1002
mkleaf ca2 good2 0x2001
mkleaf ca2 resp2 0x2fff responder
mkleaf other stranger 0x1001
# Never ingested: the same CA, a serial it never issued (BR 4.9.9).
mkleaf ca1 notissued 0x1003
check "test PKI made" test -s good1.pem -a -s resp2.pem -a -s notissued.pem

expect_status 0 "init" "$PKIWARD" init --store "$S"
expect_status 0 "ingest CAs and leaves" "$PKIWARD" ingest --store "$S" ca1.pem ca2.pem good1.pem rev1.pem good2.pem resp2.pem
expect_status 0 "ca add ca1 (CA-signed responses)" "$PKIWARD" ca add --store "$S" --cert ca1.pem --key ca1.key --name ca1
expect_status 0 "ca add ca2 (delegated responder)" "$PKIWARD" ca add --store "$S" --cert ca2.pem --key ca2.key --name ca2 \
  --ocsp-responder-cert resp2.pem --ocsp-responder-key resp2.key

# ---- one-shot respond ----
openssl ocsp -no_nonce -issuer ca1.pem -cert good1.pem -reqout req_good1.der 2>/dev/null
expect_status 0 "ocsp respond good" "$PKIWARD" ocsp respond --store "$S" --request req_good1.der --out resp.der
check "respond output verifies and says good" bash -c \
  "openssl ocsp -respin resp.der -issuer ca1.pem -cert good1.pem -VAfile ca1.pem 2>&1 | grep -q 'good1.pem: good'"
printf '\x30\x03\x02\x01' >trunc.der
expect_status 1 "ocsp respond truncated request -> exit 1" "$PKIWARD" ocsp respond --store "$S" --request trunc.der --out resp_bad.der
grep_err "malformedRequest" "respond names malformedRequest"
check "respond wrote a malformedRequest response" cmp -s resp_bad.der <(printf '\x30\x03\x0a\x01\x01')
expect_status 2 "respond without --request is a usage error" "$PKIWARD" ocsp respond --store "$S"

# ---- the server ----
mkdir crls
expect_status 0 "crl generate" "$PKIWARD" crl generate --store "$S" --out crls
"$PKIWARD" ocsp serve --store "$S" --listen 127.0.0.1:0 --max-stale 60 --access-log "$TMP/access.log" --crl-dir crls \
  >serve.out 2>serve.err &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' serve.out)
check "server listening" test -n "$PORT"
URL="http://127.0.0.1:$PORT/"

ocsp_post() { # issuer cert [extra openssl args]: prints openssl's status lines
  local iss=$1 cert=$2; shift 2
  timeout $TO openssl ocsp -issuer "$iss" -cert "$cert" -url "$URL" -resp_text "$@" 2>&1 || true
}
out=$(ocsp_post ca1.pem good1.pem -VAfile ca1.pem)
check "POST good (SHA-1 CertID), signature verifies" bash -c 'grep -q "good1.pem: good" <<<"$0" && grep -q "Response verify OK" <<<"$0"' "$out"
# (openssl wants the digest option before -cert.)
out=$(timeout $TO openssl ocsp -sha256 -issuer ca1.pem -cert good1.pem -url "$URL" -VAfile ca1.pem -resp_text 2>&1 || true)
check "POST good (SHA-256 CertID)" bash -c 'grep -q "good1.pem: good" <<<"$0" && grep -q "Hash Algorithm: sha256" <<<"$0"' "$out"
out=$(ocsp_post ca1.pem notissued.pem -VAfile ca1.pem)
check "serial never issued -> unknown, never good (BR 4.9.9)" bash -c 'grep -q "notissued.pem: unknown" <<<"$0"' "$out"
out=$(ocsp_post other.pem stranger.pem -VAfile other.pem)
check "issuer not served -> unauthorized (RFC 6960 §2.3)" bash -c 'grep -q "unauthorized (6)" <<<"$0"' "$out"
out=$(timeout $TO openssl ocsp -issuer ca2.pem -cert good2.pem -url "$URL" -CAfile ca2.pem -resp_text 2>&1 || true)
check "delegated responder: verifies against the CA, good" bash -c 'grep -q "good2.pem: good" <<<"$0" && grep -q "Response verify OK" <<<"$0"' "$out"
check "delegated responder certificate included in certs" bash -c 'grep -q "CN *= *resp2.example.com" <<<"$0"' "$out"

# GET (RFC 5019 §5): plain base64 and percent-encoded base64 give the same bytes.
openssl ocsp -no_nonce -issuer ca1.pem -cert rev1.pem -reqout req_rev1.der 2>/dev/null
B64=$(base64 -w0 req_rev1.der)
ENC=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$B64")
curl -sS -m $TO -D get.hdr -o get1.der "${URL}${B64}"
curl -sS -m $TO -o get2.der "${URL}${ENC}"
check "GET: response parses and says good" bash -c \
  "openssl ocsp -respin get1.der -issuer ca1.pem -cert rev1.pem -VAfile ca1.pem 2>&1 | grep -q 'rev1.pem: good'"
check "GET: percent-encoded base64 gives the same response" cmp -s get1.der get2.der
check "GET: Content-Type application/ocsp-response" grep -qi '^content-type: application/ocsp-response' get.hdr
maxage=$(sed -n 's/^[Cc]ache-[Cc]ontrol: max-age=\([0-9]*\).*/\1/p' get.hdr)
check "GET: max-age within the --max-stale bound (got $maxage, bound 60)" test -n "$maxage" -a "$maxage" -le 58 -a "$maxage" -gt 0
check "GET: must-revalidate, ETag, Expires, Last-Modified" bash -c \
  "grep -qi 'must-revalidate' get.hdr && grep -qi '^etag: \"' get.hdr && grep -qi '^expires: ' get.hdr && grep -qi '^last-modified: ' get.hdr"
ETAG=$(sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p' get.hdr)
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "${URL}${B64}")
check "GET with If-None-Match of the current ETag -> 304 (got $code)" test "$code" = 304

# ---- revocation shows within 1 s ----
REV_SHA=$(openssl x509 -in rev1.pem -outform DER | sha256sum | cut -c1-64)
expect_status 0 "revoke rev1 keyCompromise" "$PKIWARD" revoke --store "$S" --sha256 "$REV_SHA" --reason keyCompromise
t0=$(date +%s%N)
seen=0
# Poll with one light client call (the ETag changes with the status); the
# status itself is checked with openssl right after.
for _ in $(seq 100); do
  tag=$(curl -sS -m $TO -D - -o get3.der "${URL}${B64}" | sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p')
  if [ -n "$tag" ] && [ "$tag" != "$ETAG" ]; then seen=1; break; fi
  sleep 0.02
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "GET response changed ${ms} ms after the revoke command returned (< 1000)" test "$seen" = 1 -a "$ms" -lt 1000
check "... and it says revoked" bash -c \
  "openssl ocsp -respin get3.der -issuer ca1.pem -cert rev1.pem -VAfile ca1.pem 2>/dev/null | grep -q 'rev1.pem: revoked'"
out=$(ocsp_post ca1.pem rev1.pem -VAfile ca1.pem)
check "POST (openssl ocsp) says revoked, reason keyCompromise" bash -c \
  'grep -q "rev1.pem: revoked" <<<"$0" && grep -q "Reason: keyCompromise" <<<"$0"' "$out"
check "the GET ETag changed with the status" bash -c "! curl -sS -m $TO -D - -o /dev/null '${URL}${B64}' | grep -qF '$ETAG'"

# ---- bad inputs: OCSP errors, never a crash ----
is_malformed() { cmp -s "$1" <(printf '\x30\x03\x0a\x01\x01'); }
head -c 30 req_good1.der >trunc_req.der
curl -sS -m $TO -o bad1.der --data-binary @trunc_req.der -H 'Content-Type: application/ocsp-request' "$URL"
check "POST truncated request -> malformedRequest" is_malformed bad1.der
curl -sS -m $TO -o bad2.der "${URL}not*base64!"
check "GET bad base64 -> malformedRequest" is_malformed bad2.der
curl -sS -m $TO -o bad2b.der "${URL}${B64:0:10}"
check "GET truncated base64 -> malformedRequest" is_malformed bad2b.der
# Wrong version: tbsRequest with an explicit [0] version 1 (v2) inserted.
python3 - req_good1.der >badver.der <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
def tlv(tag, body):
    n = len(body)
    if n < 128: return bytes([tag, n]) + body
    if n < 256: return bytes([tag, 0x81, n]) + body
    return bytes([tag, 0x82, n >> 8, n & 255]) + body
def parse(b):  # (tag, body, rest) of the first element
    t, l = b[0], b[1]; i = 2
    if l & 0x80:
        k = l & 0x7f; l = int.from_bytes(b[2:2 + k], 'big'); i = 2 + k
    return t, b[i:i + l], b[i + l:]
_, req, _ = parse(d)
_, tbs, rest = parse(req)
tbs2 = tlv(0xa0, bytes([2, 1, 1])) + tbs
sys.stdout.buffer.write(tlv(0x30, tlv(0x30, tbs2) + rest))
PY
curl -sS -m $TO -o bad3.der --data-binary @badver.der "$URL"
check "wrong version -> malformedRequest" is_malformed bad3.der
# Unknown hash algorithm: the SHA-1 OID 1.3.14.3.2.26 changed to 1.3.14.3.2.27.
python3 -c 'import sys;d=open(sys.argv[1],"rb").read();sys.stdout.buffer.write(d.replace(bytes.fromhex("06052b0e03021a"),bytes.fromhex("06052b0e03021b"),1))' req_good1.der >badhash.der
curl -sS -m $TO -o bad4.der --data-binary @badhash.der "$URL"
check "unknown hash algorithm -> malformedRequest" is_malformed bad4.der
head -c 20000 /dev/urandom >big.der
curl -sS -m $TO -o bad5.der --data-binary @big.der "$URL"
check "20 KB body (over the OCSP request limit) -> malformedRequest" is_malformed bad5.der
head -c 1048576 /dev/zero >huge.der
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' --data-binary @huge.der "$URL" || true)
check "1 MB body -> HTTP 413 (got $code)" test "$code" = 413
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' -X PUT --data-binary @req_good1.der "$URL" || true)
check "PUT -> 405 (got $code)" test "$code" = 405
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' "${URL}%zz" || true)
check "bad percent-escape in the path -> 400 (got $code)" test "$code" = 400
out=$(ocsp_post ca1.pem good1.pem -VAfile ca1.pem)
check "server still answers after the bad inputs" bash -c 'grep -q "good1.pem: good" <<<"$0"' "$out"
check "access log is JSON lines with status and path" bash -c \
  "python3 -c 'import json,sys;[json.loads(l) for l in open(sys.argv[1])]' access.log && grep -q '\"status\":413' access.log"

# ---- CRL downloads under /crl/ (http/crl.c) ----
code=$(curl -sS -m $TO -D crl.hdr -o full.crl -w '%{http_code}' "${URL}crl/ca1/full.crl" || true)
check "GET /crl/ca1/full.crl -> 200 (got $code)" test "$code" = 200
check "the CRL verifies against ca1" bash -c "openssl crl -inform DER -in full.crl -CAfile ca1.pem -noout 2>&1 | grep -q 'verify OK'"
check "CRL Content-Type application/pkix-crl" grep -qi '^content-type: application/pkix-crl' crl.hdr
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' "${URL}crl/ca1/..%2f..%2fs.db" || true)
check "path traversal under /crl/ -> 404 (got $code)" test "$code" = 404
code=$(curl -sS -m $TO -o /dev/null -w '%{http_code}' "${URL}crl/nosuch/full.crl" || true)
check "unknown CA under /crl/ -> 404 (got $code)" test "$code" = 404

# ---- a CA registered while the server runs: served without a restart ----
expect_status 0 "ingest another CA and its leaf while the server runs" "$PKIWARD" ingest --store "$S" other.pem stranger.pem
expect_status 0 "ca add other while the server runs" "$PKIWARD" ca add --store "$S" --cert other.pem --key other.key --name other
seen=0
for _ in $(seq 150); do # the responder looks for new CAs every 5 s
  out=$(ocsp_post other.pem stranger.pem -VAfile other.pem)
  if grep -q "stranger.pem: good" <<<"$out"; then seen=1; break; fi
  sleep 0.1
done
check "the CA added at run time is served (stranger good, was unauthorized)" test "$seen" = 1
check "... with a signature that verifies against it" bash -c 'grep -q "Response verify OK" <<<"$0"' "$out"
out=$(ocsp_post ca1.pem good1.pem -VAfile ca1.pem)
check "the CAs served before still answer" bash -c 'grep -q "good1.pem: good" <<<"$0"' "$out"

# ---- graceful shutdown ----
kill -TERM $SPID
for _ in $(seq 50); do kill -0 $SPID 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops the server" bash -c "! kill -0 $SPID 2>/dev/null"
wait $SPID 2>/dev/null && st=0 || st=$?
check "exit status 0 after SIGTERM (got $st)" test "$st" = 0
grep_err_file() { grep -q "$1" serve.err; }
check "stop summary printed" grep_err_file "requests ("
finish
