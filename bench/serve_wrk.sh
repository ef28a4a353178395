#!/usr/bin/env bash
# bench/serve_wrk.sh: `pkiward serve` under load on loopback.
#   - wrk, 100 connections: OCSP GET (RFC 5019 §5) through serve's /ocsp,
#     the portal page (/), the ACME directory;
#   - ACME revokeCert end to end: request -> 200 -> "revoked" in OCSP, one
#     key per request, each key shared by several certificates (all revoked).
# Usage: bench/serve_wrk.sh BUILD_DIR [SECONDS] [KEYS] [CERTS_PER_KEY]
# Wall-clock numbers on a shared machine are noise: run it alone; the
# script prints the CPU time serve used (from /proc) beside each figure.
set -euo pipefail
BUILD=${1:?usage: serve_wrk.sh BUILD_DIR [SECONDS] [KEYS] [CERTS_PER_KEY]}
SECS=${2:-10}
KEYS=${3:-20}
PER=${4:-5}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PKIWARD="$BUILD/pkiward"
for t in wrk openssl python3 curl; do command -v "$t" >/dev/null || { echo "$t needed"; exit 2; }; done
W=$(mktemp -d)
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$W"' EXIT
cd "$W"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj "/CN=Bench CA" -days 60 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
: > list.txt
serial=1000
for k in $(seq "$KEYS"); do
  openssl ecparam -name prime256v1 -genkey -noout -out "k$k.pem"
  for c in $(seq "$PER"); do
    serial=$((serial + 1))
    openssl req -new -key "k$k.pem" -subj "/CN=h$k-$c.example.com" -out r.csr 2>/dev/null
    openssl x509 -req -in r.csr -CA ca.pem -CAkey ca.key -set_serial "$serial" -days 30 -out "c$k-$c.pem" \
      -extfile <(printf "subjectAltName=DNS:h%s-%s.example.com\n" "$k" "$c") 2>/dev/null
  done
  echo "c$k-1.pem k$k.pem" >> list.txt
done
"$PKIWARD" init --store s.db >/dev/null
"$PKIWARD" ingest --store s.db ca.pem c*.pem >/dev/null
"$PKIWARD" ca add --store s.db --cert ca.pem --key ca.key --name bench >/dev/null
"$PKIWARD" serve --store s.db --listen 127.0.0.1:0 --web-dir "$SRC/web" --threads 2 2>serve.err &
SPID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.err | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat serve.err; exit 1; }
B="http://127.0.0.1:$PORT"
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$SPID/stat"; } # utime+stime, seconds (USER_HZ 100)
# An OCSP GET URL (RFC 5019 §5: base64 of the DER request, URL-encoded).
openssl ocsp -issuer ca.pem -cert c1-2.pem -no_nonce -reqout req.der >/dev/null 2>&1
REQ=$(base64 -w0 req.der | sed 's|+|%2B|g; s|/|%2F|g; s|=|%3D|g')
check=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$B/ocsp/$REQ")
echo "OCSP GET check: $check"
run() { # run NAME URL
  local c0 c1
  c0=$(cpu)
  wrk -t2 -c100 -d"${SECS}s" --latency "$2" > "wrk_$1.txt"
  c1=$(cpu)
  printf '%-16s %10s req/s  p50 %-9s p99 %-9s  serve CPU %.1f s\n' "$1" \
    "$(awk '/Requests\/sec/ {print $2}' "wrk_$1.txt")" \
    "$(awk '$1 == "50%" {print $2}' "wrk_$1.txt")" "$(awk '$1 == "99%" {print $2}' "wrk_$1.txt")" \
    "$(echo "$c1 - $c0" | bc -l)"
  grep -q 'Non-2xx' "wrk_$1.txt" && grep 'Non-2xx' "wrk_$1.txt" || true
}
echo "wrk: 2 threads, 100 connections, ${SECS}s each; serve with 2 worker threads ($(nproc) cores, shared)"
run ocsp-get "$B/ocsp/$REQ"
run portal "$B/"
run acme-directory "$B/acme/directory"
echo "ACME revokeCert end to end: $KEYS keys x $PER certificates each (one request per key)"
python3 "$SRC/tests/e2e/acme_jws.py" "$B" bench list.txt ca.pem
echo "revoked: $("$PKIWARD" find --store s.db --revoked --count) of $((KEYS * PER)) (expected all)"
