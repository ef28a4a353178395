# e2e: pkiward monitor against real servers. An OpenSSL CA publishes its CRL
# through `python3 -m http.server` and answers OCSP with the real
# `openssl ocsp -index` responder, once directly and once behind nginx
# proxy_cache (the CDN of the incident in DESIGN.md). The test revokes with
# `pkiward revoke` (and in the OpenSSL CA's index, which is what those
# servers publish) and checks that the monitor records first sightings,
# raises the stale-good alert for the cached "good", and raises a clear
# alert for each broken URL (stale CRL, wrong key, HTML, truncated DER,
# timeout, wrong IDP, missing partition, CRL number going backwards) while it
# keeps going. When `pkiward crl generate` exists, its CRLs are checked too.
source "$PW_SOURCE_DIR/tests/e2e/lib.bash"
cd "$TMP"
export PKIWARD_STORE="$TMP/pw.db"
TO=20   # seconds any single wait may take
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
}
# wait_http URL: until something answers (any status) or $TO seconds pass.
wait_port() {
  local port=$1 i
  for i in $(seq 1 $((TO * 10))); do
    if python3 -c 'import socket,sys;socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.5).close()' "$port" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "port $port never opened" >&2; return 1
}
der() { openssl crl -in "$1" -outform DER -out "$2"; }

P_WWW=$(free_port); P_OCSP=$(free_port); P_NGX=$(free_port); P_HANG=$(free_port)
WWW="http://127.0.0.1:$P_WWW"
OCSP_DIRECT="http://127.0.0.1:$P_OCSP"
OCSP_CACHED="http://127.0.0.1:$P_NGX"
mkdir -p www ca/newcerts ngx/tmp ngx/cache
: >ca/index.txt
echo 1000 >ca/serial
echo 01 >ca/crlnumber

# ---- An OpenSSL CA -------------------------------------------------------
cat >ca/ca.cnf <<EOF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $TMP/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 90
default_crl_days = 7
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
[ leaf_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:\$ENV::LEAF_DNS
crlDistributionPoints = URI:\$ENV::LEAF_CRL
authorityInfoAccess = OCSP;URI:\$ENV::LEAF_OCSP
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 2.23.140.1.2.1
[ crl_ext ]
authorityKeyIdentifier = keyid
[ crl_ext_idp ]
authorityKeyIdentifier = keyid
issuingDistributionPoint = critical, @idp
[ idp ]
fullname = URI:http://wrong.example/partition-7.crl
EOF
CNF=(-config ca/ca.cnf)
# openssl expands $ENV:: variables of every section, also for -gencrl.
export LEAF_DNS=unused.example.com LEAF_CRL="$WWW/ca.crl" LEAF_OCSP="$OCSP_DIRECT"
openssl ecparam -name prime256v1 -genkey -noout -out ca/ca.key 2>/dev/null
openssl req -x509 -new -key ca/ca.key -subj "/CN=pkiward monitor test CA" -days 365 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out ca/ca.pem 2>/dev/null
# Same name, another key: a CRL it signs must fail verification.
openssl ecparam -name prime256v1 -genkey -noout -out ca/evil.key 2>/dev/null
openssl req -x509 -new -key ca/evil.key -subj "/CN=pkiward monitor test CA" -days 365 \
  -out ca/evil.pem 2>/dev/null

# leaf NAME OCSP_URL [CRL_URL]
leaf() {
  openssl ecparam -name prime256v1 -genkey -noout -out "ca/$1.key" 2>/dev/null
  openssl req -new -key "ca/$1.key" -subj "/CN=$1.example.com" -out "ca/$1.csr" 2>/dev/null
  LEAF_DNS="$1.example.com" LEAF_OCSP="$2" LEAF_CRL="${3:-$WWW/ca.crl}" \
    openssl ca -batch "${CNF[@]}" -extensions leaf_ext -in "ca/$1.csr" -out "ca/$1.pem" -notext 2>/dev/null
}
# Ingest order matters: the first unrevoked leaf per responder is the one
# the monitor asks for liveness, so `cached1` warms nginx's cache with "good".
leaf cached1 "$OCSP_CACHED"
leaf direct1 "$OCSP_DIRECT"
leaf cached2 "$OCSP_CACHED"
leaf direct2 "$OCSP_DIRECT"
leaf orphan "$OCSP_DIRECT" "$WWW/partitions/missing-3.crl"
gencrl() { # gencrl OUT.der [openssl ca options]
  local out=$1; shift
  openssl ca -gencrl "${CNF[@]}" "$@" -out ca/tmp.crl 2>/dev/null && der ca/tmp.crl "$out"
}
gencrl www/ca.crl -crlexts crl_ext
# Stale: nextUpdate one second after thisUpdate. Made here, long before the
# pass that fetches it: the monitor's clock has whole seconds, so a CRL made
# just over a second before that pass was once still current.
# Its CRL number is put back so that ca.crl's numbers stay as asserted below.
cp ca/crlnumber ca/crlnumber.keep
gencrl www/stale.crl -crlexts crl_ext -crlsec 1
mv ca/crlnumber.keep ca/crlnumber

sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
S_CACHED1=$(sha ca/cached1.pem)
S_DIRECT1=$(sha ca/direct1.pem)

# ---- Servers ---------------------------------------------------------------
(cd www && exec timeout 600 python3 -m http.server "$P_WWW" --bind 127.0.0.1) >www.log 2>&1 &
PIDS="$PIDS $!"
timeout 600 openssl ocsp -index ca/index.txt -CA ca/ca.pem -rsigner ca/ca.pem -rkey ca/ca.key \
  -port "$P_OCSP" -nmin 60 -ignore_err >ocsp.log 2>&1 &
PIDS="$PIDS $!"
# A server that accepts connections and never answers.
timeout 600 python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
held = []
while True:
    c, _ = s.accept(); held.append(c)
' "$P_HANG" >/dev/null 2>&1 &
PIDS="$PIDS $!"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat >ngx/nginx.conf <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $TMP/ngx/nginx.pid;
error_log $TMP/ngx/error.log;
events { worker_connections 64; }
http {
  log_format cache '\$upstream_cache_status \$status \$request';
  access_log $TMP/ngx/access.log cache;
  client_body_temp_path $TMP/ngx/tmp/body;
  proxy_temp_path $TMP/ngx/tmp/proxy;
  fastcgi_temp_path $TMP/ngx/tmp/fastcgi;
  uwsgi_temp_path $TMP/ngx/tmp/uwsgi;
  scgi_temp_path $TMP/ngx/tmp/scgi;
  proxy_cache_path $TMP/ngx/cache levels=1 keys_zone=ocsp:1m max_size=10m inactive=1h;
  server {
    listen 127.0.0.1:$P_NGX;
    location / {
      proxy_pass $OCSP_DIRECT;
      proxy_cache ocsp;
      proxy_cache_valid 200 1h;
      proxy_ignore_headers Cache-Control Expires;
      add_header X-Cache \$upstream_cache_status;
    }
  }
}
EOF
timeout 600 nginx -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf" -e "$TMP/ngx/error.log" &
PIDS="$PIDS $!"
# No connect probe for openssl ocsp: a connection closed without a request
# leaves its responder loop stuck (OpenSSL 3.0), so wait for its banner.
for i in $(seq 1 $((TO * 10))); do grep -q "waiting for OCSP client" ocsp.log && break; sleep 0.1; done
for p in "$P_WWW" "$P_NGX" "$P_HANG"; do wait_port "$p"; done

# ---- Store ---------------------------------------------------------------
expect_status 0 "init" "$PKIWARD" init
expect_status 0 "ingest the CA and leaves" "$PKIWARD" ingest ca/ca.pem ca/cached1.pem ca/direct1.pem \
  ca/cached2.pem ca/direct2.pem ca/orphan.pem

# ---- 1. Before any revocation ------------------------------------------
# The orphan's CRL partition does not exist: a missing partition.
expect_status 1 "first pass: only the missing partition is alerted" \
  "$PKIWARD" monitor --once --timeout 5
grep_out 'ALERT +crl-missing +url:http://127.0.0.1:[0-9]+/partitions/missing-3.crl' \
  "missing partition (404 for a CRLDP URL) raises crl-missing"
check "no other alert on a healthy CA" bash -c "! grep -E 'ALERT' '$TMP/out' | grep -vq crl-missing"
check "nginx fetched and stored the 'good' for cached1" bash -c "grep -q '^MISS 200 GET /' '$TMP/ngx/access.log'"

# ---- 2. Revoke two certificates ----------------------------------------
# Times have one-second resolution: the cached "good" must be produced in an
# earlier second than the revocation for the monitor to call it a stale cache.
sleep 1.1
expect_status 0 "pkiward revoke cached1" "$PKIWARD" revoke --sha256 "$S_CACHED1" --reason keyCompromise
expect_status 0 "pkiward revoke direct1" "$PKIWARD" revoke --sha256 "$S_DIRECT1" --reason keyCompromise
# Before the CRL is regenerated: within the 24 h of BR 4.9.7, pending only.
expect_status 1 "pass with the old CRL still published" "$PKIWARD" monitor --once --timeout 5
check "old CRL within the deadline: no crl-deadline-missed" bash -c "! grep -q crl-deadline-missed '$TMP/out'"
grep_out 'pending .*not in the CRL yet' "old CRL: the revocation is reported pending"
# ... and past the deadline (the pass's clock moved 2 days on; --now).
expect_status 1 "pass two days later with the old CRL" "$PKIWARD" monitor --once --timeout 5 \
  --now "$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)" --no-lint
grep_out "ALERT +crl-deadline-missed +cert:$S_CACHED1" "old CRL past 24 h: crl-deadline-missed"
# What the OpenSSL CA publishes (index for OCSP, CRL) follows them.
openssl ca "${CNF[@]}" -revoke ca/cached1.pem -crl_reason keyCompromise 2>/dev/null
openssl ca "${CNF[@]}" -revoke ca/direct1.pem -crl_reason keyCompromise 2>/dev/null
gencrl www/ca.crl -crlexts crl_ext
# openssl ocsp re-reads a changed index before it waits for the next
# connection, so one throwaway request (straight to it, not through nginx)
# makes the following ones see the revocations.
sleep 1.1
timeout $TO openssl ocsp -issuer ca/ca.pem -cert ca/direct2.pem -url "$OCSP_DIRECT" -no_nonce >/dev/null 2>&1 || true

# The responder itself now says revoked; nginx still holds "good".
expect_status 1 "pass after revocation" "$PKIWARD" monitor --once --timeout 5
grep_out "seen-crl .*cert:$S_CACHED1" "cached1 first seen in the CRL"
grep_out "seen-crl .*cert:$S_DIRECT1" "direct1 first seen in the CRL"
grep_out "seen-ocsp .*cert:$S_DIRECT1" "direct1 first seen revoked in OCSP (direct responder)"
grep_out "ALERT +ocsp-stale-good +cert:$S_CACHED1 .*stale cache" \
  "nginx's cached good for revoked cached1 raises ocsp-stale-good"
check "that answer was a cache HIT at nginx" bash -c "grep -q '^HIT 200 GET /' '$TMP/ngx/access.log'"
check "the deadline alert from the replayed clock is resolved" \
  bash -c "grep -q 'resolved .*crl-deadline-missed' '$TMP/out'"
expect_status 0 "monitor seen cached1 --json" "$PKIWARD" monitor seen --sha256 "$S_CACHED1" --json
check "cached1: first_seen_crl set, first_seen_ocsp not, last OCSP answer good" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["first_seen_crl"] and d["crl_url"].endswith("/ca.crl"), d
assert d["crl_number"] == "2", d
assert d["first_seen_ocsp"] is None and d["last_ocsp_status"] == "good", d' "$TMP/out"
"$PKIWARD" monitor seen --sha256 "$S_CACHED1" --json >seen1.json
expect_status 0 "monitor seen direct1 --json" "$PKIWARD" monitor seen --sha256 "$S_DIRECT1" --json
check "direct1: both first sightings set" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["first_seen_crl"] and d["first_seen_ocsp"], d
assert d["ocsp_url"].startswith("http://127.0.0.1:"), d' "$TMP/out"
check "revocation row columns hold the same times (sqlite3)" bash -c \
  "command -v sqlite3 >/dev/null || exit 0; sqlite3 '$PKIWARD_STORE' 'SELECT COUNT(*) FROM revocation WHERE first_seen_crl IS NOT NULL' | grep -qx 2"

# A second pass: first sightings do not move; the stale-good alert repeats.
sleep 1
expect_status 1 "second pass" "$PKIWARD" monitor --once --timeout 5
"$PKIWARD" monitor seen --sha256 "$S_CACHED1" --json >seen2.json
check "first_seen_crl unchanged by later passes" python3 -c '
import json; a=json.load(open("seen1.json")); b=json.load(open("seen2.json"))
assert a["first_seen_crl"]==b["first_seen_crl"] and a["crl_number"]==b["crl_number"], (a, b)'
expect_status 1 "monitor alerts lists the open alerts (exit 1)" "$PKIWARD" monitor alerts --json
check "stale-good alert open with count 2" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
a=[x for x in d["alerts"] if x["kind"]=="ocsp-stale-good"]
assert len(a)==1 and a[0]["count"]>=2 and a[0]["resolved_at"] is None, d' "$TMP/out"
expect_status 0 "events verify after monitoring" "$PKIWARD" events verify
check "events recorded: monitor.seen.crl, monitor.seen.ocsp, monitor.alert, monitor.fetch" bash -c \
  "command -v sqlite3 >/dev/null || exit 0; for k in monitor.seen.crl monitor.seen.ocsp monitor.alert monitor.fetch monitor.run; do sqlite3 '$PKIWARD_STORE' \"SELECT COUNT(*) FROM event WHERE kind='\$k'\" | grep -qv '^0\$' || exit 1; done"

# ---- 3. Broken URLs: each a clear finding, and the pass goes on ---------
# Signed by another key under the CA's name.
# (No AKI, so only the signature tells the keys apart.)
openssl ca -gencrl "${CNF[@]}" -cert ca/evil.pem -keyfile ca/evil.key -out ca/tmp.crl 2>/dev/null
der ca/tmp.crl www/wrongkey.crl
# A partition whose IDP names another URL.
gencrl www/idp.crl -crlexts crl_ext_idp
# HTML where a CRL should be, once by Content-Type and once by content.
printf '<html><body>Not Found</body></html>\n' >www/page.html
printf '<!DOCTYPE html><html><body>maintenance</body></html>\n' >www/html.crl
# Truncated DER.
head -c 100 www/ca.crl >www/truncated.crl
# CRL number going backwards at one URL: 10 first, then 3 (the file is hex).
echo 0A >ca/crlnumber; gencrl www/back.crl -crlexts crl_ext
expect_status 1 "pass with back.crl at number 10" "$PKIWARD" monitor --once --timeout 5 --url "$WWW/back.crl"
echo 03 >ca/crlnumber; gencrl www/back.crl -crlexts crl_ext
sleep 1.2
expect_status 1 "pass with every broken URL" "$PKIWARD" monitor --once --timeout 2 \
  --url "$WWW/stale.crl" --url "$WWW/wrongkey.crl" --url "$WWW/idp.crl" \
  --url "$WWW/page.html" --url "$WWW/html.crl" --url "$WWW/truncated.crl" \
  --url "http://127.0.0.1:$P_HANG/never.crl" --url "$WWW/back.crl" --url "$WWW/absent.crl"
grep_out "ALERT +crl-stale +url:$WWW/stale.crl +nextUpdate" "stale CRL: crl-stale"
grep_out "ALERT +crl-bad-signature +url:$WWW/wrongkey.crl" "CRL signed by the wrong key: crl-bad-signature"
grep_out "ALERT +crl-idp-mismatch +url:$WWW/idp.crl .*wrong.example" "wrong IDP: crl-idp-mismatch naming the IDP URL"
grep_out "ALERT +content-type +url:$WWW/page.html +HTML" "text/html body: content-type"
grep_out "ALERT +content-type +url:$WWW/html.crl +HTML" "HTML served as a .crl: content-type"
grep_out "ALERT +crl-truncated +url:$WWW/truncated.crl" "truncated DER: crl-truncated"
grep_out "ALERT +timeout +url:http://127.0.0.1:$P_HANG/never.crl" "a server that never answers: timeout"
grep_out "ALERT +crl-number-backwards +url:$WWW/back.crl +CRL number 3 after 10" "CRL number 10 then 3: crl-number-backwards"
grep_out "ALERT +http-error +url:$WWW/absent.crl +HTTP 404" "configured URL 404: http-error"
grep_out "seen|fetch .*ca.crl|monitor: " "the pass went on after the broken URLs"
grep_out "ALERT +ocsp-stale-good" "the pass still checked OCSP after the broken URLs"
expect_status 0 "monitor fetches --json" "$PKIWARD" monitor fetches --json --limit 200
check "fetch rows record the HTML Content-Type and the timeout" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))["fetches"]
assert any(f["outcome"]=="content-type" and (f["content_type"] or "").startswith("text/html") for f in d), d
assert any(f["outcome"]=="timeout" and f["http_status"]==0 for f in d), d' "$TMP/out"

# ---- 4. Resolution: fix the URLs, the alerts resolve -------------------
cp www/ca.crl www/idp.crl
expect_status 1 "pass after fixing idp.crl" "$PKIWARD" monitor --once --timeout 2 --url "$WWW/idp.crl"
grep_out "resolved +crl-idp-mismatch +url:$WWW/idp.crl" "fixed IDP: the alert resolves"
expect_status 1 "alerts --all includes resolved alerts" "$PKIWARD" monitor alerts --all --json
check "a resolved crl-idp-mismatch is listed with resolved_at" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert any(a["kind"]=="crl-idp-mismatch" and a["resolved_at"] for a in d["alerts"]), d' "$TMP/out"

# ---- 5. POST and the JSON report -----------------------------------------
expect_status 1 "--post --json pass" "$PKIWARD" monitor --once --post --json --timeout 5
check "JSON summary counts revocations and lists open alerts" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["summary"]["revocations_checked"]==2, d["summary"]
assert d["summary"]["alerts_open"]>=1 and d["open_alerts"], d
assert not any(a["kind"]=="ocsp-stale-good" for a in d["open_alerts"]), "POST bypasses the cache: no stale good"' "$TMP/out"

# ---- 6. Usage errors -----------------------------------------------------
expect_status 2 "--url that is not http(s)" "$PKIWARD" monitor --once --url ldap://x/y
expect_status 2 "--interval 0" "$PKIWARD" monitor --interval 0
expect_status 2 "alerts --kind unknown" "$PKIWARD" monitor alerts --kind nope

# ---- 7. pkiward's own publication, when this build has it ---------------
if "$PKIWARD" crl --help >/dev/null 2>&1 && "$PKIWARD" ca --help >/dev/null 2>&1; then
  expect_status 0 "pkiward ca add" "$PKIWARD" ca add --cert ca/ca.pem --key ca/ca.key --name mon \
    --crl-base-url "$WWW/pw" --partitions 2
  expect_status 0 "pkiward crl generate" "$PKIWARD" crl generate --out www/pw
  expect_status 1 "monitor pkiward's own full CRL and partitions" "$PKIWARD" monitor --once --timeout 5 \
    --url "$WWW/pw/mon/full.crl" --url "$WWW/pw/mon/0.crl" --url "$WWW/pw/mon/1.crl"
  check "pkiward's CRLs verify (no bad signature / IDP / lint alert for them)" bash -c \
    "! grep -E 'ALERT +(crl-bad-signature|crl-idp|crl-lint|crl-malformed|crl-unknown-issuer) +url:$WWW/pw/' '$TMP/out'"
else
  echo "# pkiward crl/ca not in this build: skipped pkiward's own CRLs"
fi
if "$PKIWARD" ocsp --help >/dev/null 2>&1 && "$PKIWARD" ca list >/dev/null 2>&1; then
  # pkiward's own responder for the registered CA: it must show both
  # revocations at once, including cached1 that nginx still hides.
  P_PW=$(free_port)
  "$PKIWARD" ca list | grep -q mon || "$PKIWARD" ca add --cert ca/ca.pem --key ca/ca.key --name mon >/dev/null
  timeout 600 "$PKIWARD" ocsp serve --listen "127.0.0.1:$P_PW" >pwocsp.log 2>&1 &
  PIDS="$PIDS $!"
  wait_port "$P_PW"
  expect_status 1 "monitor asks pkiward ocsp serve (--ocsp-url)" "$PKIWARD" monitor --once --timeout 5 \
    --no-cert-urls --ocsp-url "http://127.0.0.1:$P_PW"
  grep_out "fetch +ok +cert:$S_CACHED1 +http://127.0.0.1:$P_PW +revoked" "pkiward's OCSP says revoked for cached1 (nginx still says good)"
  grep_out "fetch +ok +cert:$S_DIRECT1 +http://127.0.0.1:$P_PW +revoked" "pkiward's OCSP says revoked for direct1"
  check "no alert about pkiward's responder" bash -c "! grep -E 'ALERT .*url:http://127.0.0.1:$P_PW' '$TMP/out'"
  # A revocation pkiward alone knows: its responder says so on the next pass.
  S_DIRECT2=$(sha ca/direct2.pem)
  expect_status 0 "pkiward revoke direct2" "$PKIWARD" revoke --sha256 "$S_DIRECT2" --reason keyCompromise
  sleep 1.2
  expect_status 1 "monitor after revoking direct2" "$PKIWARD" monitor --once --timeout 5 \
    --no-cert-urls --ocsp-url "http://127.0.0.1:$P_PW"
  grep_out "seen-ocsp .*cert:$S_DIRECT2 .*127.0.0.1:$P_PW" "direct2 first seen revoked in pkiward's OCSP"
else
  echo "# pkiward ocsp not in this build: OCSP checked against openssl ocsp only"
fi
finish
