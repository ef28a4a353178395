#!/usr/bin/env bash
# Browser tests (tests/browser/portal.test.js) against a real `pkiward serve`:
# a key-compromise report through the form, a name search and report, the
# dashboard. Screenshots are kept in $PW_BUILD_DIR/artefacts/browser/.
# Skipped (exit 77, CTest SKIP_RETURN_CODE) only when node, chromium or the
# npm packages are missing: install with `npm ci` in tests/browser.
source "$(dirname "$0")/lib.bash"
BR="$PW_SOURCE_DIR/tests/browser"
if ! command -v node >/dev/null || [ ! -x /usr/bin/chromium ]; then
  echo "SKIP: node or /usr/bin/chromium missing"; exit 77; fi
if [ ! -d "$BR/node_modules/playwright-core" ]; then
  echo "SKIP: run 'npm ci' in tests/browser (playwright-core)"; exit 77; fi
command -v openssl >/dev/null || { echo "openssl needed"; exit 1; }
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT
cd "$TMP"
S="$TMP/store.db"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj "/CN=Browser Test CA" -days 60 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl genrsa -out leaked.key 2048 2>/dev/null
openssl genrsa -out fine.key 2048 2>/dev/null
leaf() {
  openssl req -new -key "$2" -subj "/CN=$1" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "$3" -days 30 -out "$1.pem" \
    -extfile <(printf "subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\n" "$1") 2>/dev/null
}
leaf one.example.com leaked.key 101
leaf two.example.com leaked.key 102
leaf fine.example.com fine.key 103
"$PKIWARD" init --store "$S" >/dev/null
"$PKIWARD" ingest --store "$S" ca.pem one.example.com.pem two.example.com.pem fine.example.com.pem >/dev/null
"$PKIWARD" report --help >/dev/null 2>&1 || true
TOKEN=$("$PKIWARD" token add --store "$S" --role read-only 2>/dev/null)
sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
"$PKIWARD" serve --store "$S" --listen 127.0.0.1:0 --web-dir "$PW_SOURCE_DIR/web" 2>serve.err &
SPID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.err | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { cat serve.err; echo "not ok - serve did not start"; exit 1; }
ART="$PW_BUILD_DIR/artefacts/browser"
mkdir -p "$ART"
set +e
PW_BASE="http://127.0.0.1:$PORT" PW_TOKEN="$TOKEN" PW_PROOF="$TMP/leaked.key" \
  PW_REVOKED="$(sha one.example.com.pem) $(sha two.example.com.pem)" PW_NAME=fine.example.com PW_ARTEFACTS="$ART" \
  timeout 180 node "$BR/portal.test.js"
rc=$?
set -e
[ "$rc" -eq 0 ] || exit 1
check "fine.example.com (another key) is not revoked" test "$("$PKIWARD" find --store "$S" --revoked --count)" -eq 2
check "screenshots kept in $ART" test -s "$ART/portal.png" -a -s "$ART/dashboard.png"
finish
