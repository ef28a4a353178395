#!/usr/bin/env bash
# End-to-end: `pkiward serve` with real clients — certbot (ACME revokeCert
# with the certificate's key), openssl ocsp, curl and a small JWS builder
# (acme_jws.py) for every bad-input and security case of issue 6: forged
# and altered JWS, replayed nonces, wrong url, HS256 with an embedded oct
# key, alg none, mismatched keys, 413, slow clients, malformed forms, path
# traversal, admin 401/403, SQL metacharacters. Each is refused with the
# right status and nothing is revoked by it.
source "$(dirname "$0")/lib.bash"
for t in curl python3 openssl sqlite3; do command -v "$t" >/dev/null || { echo "$t needed"; exit 1; }; done
python3 -c 'import cryptography' 2>/dev/null || { echo "python3-cryptography needed"; exit 1; }
JWS="$PW_SOURCE_DIR/tests/e2e/acme_jws.py"
S="$TMP/store.db"
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT
cd "$TMP"

# ---- a CA, three certificates sharing one key, and two others ----
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj "/CN=Serve Test CA/O=pkiward tests" -days 60 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl genrsa -out shared.key 2048 2>/dev/null
openssl genrsa -out other.key 2048 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out ec.key
leaf() { # leaf NAME KEY SERIAL
  openssl req -new -key "$2" -subj "/CN=$1" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "$3" -days 30 -out "$1.pem" \
    -extfile <(printf "subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" "$1") 2>/dev/null
}
leaf a.example.com shared.key 4097
leaf b.example.com shared.key 4098
leaf c.example.com shared.key 4099
leaf other.example.com other.key 8193
leaf ec.example.com ec.key 8194
"$PKIWARD" init --store "$S" >/dev/null
expect_status 0 "ingest" "$PKIWARD" ingest --store "$S" ca.pem a.example.com.pem b.example.com.pem c.example.com.pem other.example.com.pem ec.example.com.pem
HAVE_OCSP=0
if "$PKIWARD" ca add --store "$S" --cert ca.pem --key ca.key --name test >/dev/null 2>&1; then HAVE_OCSP=1; fi
revoked() { "$PKIWARD" find --store "$S" --revoked --count; }
sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }

# A web directory with traps: a symlink out of it and a dot file.
cp -r "$PW_SOURCE_DIR/web" web
ln -s /etc/passwd web/evil.txt
echo secret > web/.secret

"$PKIWARD" serve --store "$S" --listen 127.0.0.1:0 --web-dir web --access-log access.log --timeout 2 2>serve.err &
SPID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.err | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SPID" 2>/dev/null || break
  sleep 0.1
done
check "serve started and printed its URL" test -n "$PORT"
[ -n "$PORT" ] || { cat serve.err; finish; exit 1; }
B="http://127.0.0.1:$PORT"
C=(curl -sS --max-time 10)
code() { "${C[@]}" -o "$TMP/body" -w '%{http_code}' "$@"; }

# ---- ACME directory and nonces (RFC 8555 §7.1.1, §7.2) ----
check "directory: 200 JSON with newNonce and revokeCert" \
  bash -c "[ \"\$(${C[*]} $B/acme/directory | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"newNonce\"], d[\"revokeCert\"])')\" = '$B/acme/new-nonce $B/acme/revoke-cert' ]"
"${C[@]}" -I "$B/acme/new-nonce" >h.txt
check "newNonce HEAD -> 200" grep -q '^HTTP/1.1 200' h.txt
check "... with Replay-Nonce" grep -qi '^Replay-Nonce: [A-Za-z0-9_-]\{43\}' h.txt
check "... and Cache-Control: no-store" grep -qi '^Cache-Control: no-store' h.txt
check "newNonce GET -> 204" test "$(code "$B/acme/new-nonce")" = 204
check "newNonce POST -> 405" test "$(code -X POST "$B/acme/new-nonce")" = 405

# ---- every bad revokeCert is refused; nothing is revoked ----
acme_case() { # acme_case CASE "STATUS TYPE" [cert key other]
  local got
  got=$(python3 "$JWS" "$B" "$1" "${3:-a.example.com.pem}" "${4:-shared.key}" "${5:-other.key}")
  if [ "$got" = "$2" ]; then ok "revokeCert $1 -> $2"; else not_ok "revokeCert $1: got '$got', wanted '$2'"; fi
}
acme_case wrong-ctype "415 malformed"
acme_case forged-sig "400 malformed"
acme_case tampered "400 malformed"
acme_case forged-nonce "400 badNonce"
acme_case no-nonce "400 badNonce"
acme_case wrong-url "403 unauthorized"
acme_case hs256-oct "400 badSignatureAlgorithm"
acme_case rs256-oct "400 badSignatureAlgorithm"
acme_case alg-none "400 badSignatureAlgorithm"
acme_case alg-key-mismatch "400 badSignatureAlgorithm"
acme_case mismatched-key "403 unauthorized"
acme_case kid "400 accountDoesNotExist"
acme_case jwk-and-kid "400 malformed"
acme_case private-jwk "400 malformed"
acme_case dup-protected "400 malformed"
acme_case dup-member "400 malformed"
acme_case unprotected-header "400 malformed"
acme_case bad-reason "400 badRevocationReason"
acme_case superseded "400 badRevocationReason"
acme_case unknown-cert "404 malformed"
acme_case sql "400 malformed"
check "nothing revoked by refused requests" test "$(revoked)" -eq 0
BIG=$(head -c 200000 /dev/zero | tr '\0' 'A')
check "oversized revokeCert body -> 413" test "$(printf '%s' "$BIG" | code -X POST -H 'Content-Type: application/jose+json' --data-binary @- "$B/acme/revoke-cert")" = 413

# ---- a replayed nonce: the first use revokes, the replay is refused ----
acme_case replay "400 badNonce" other.example.com.pem other.key
check "the replay's first use revoked other.example.com (1 certificate)" test "$(revoked)" -eq 1

# ---- certbot: the real client, with the certificate's own key ----
if command -v certbot >/dev/null; then
  set +e
  timeout 120 certbot revoke --reason keycompromise --cert-path a.example.com.pem --key-path shared.key \
    --server "$B/acme/directory" --no-delete-after-revoke --non-interactive \
    --config-dir cb/c --work-dir cb/w --logs-dir cb/l >certbot.out 2>&1
  rc=$?
  set -e
  check "certbot revoke --reason keycompromise succeeds (exit $rc)" test "$rc" -eq 0
  grep -q "successfully revoked" certbot.out && ok "certbot says revoked" || not_ok "certbot output: $(tail -3 certbot.out)"
else
  echo "# certbot not installed: revoking with acme_jws.py instead"
  check "revokeCert signed with the certificate's key -> 200" test "$(python3 "$JWS" "$B" good a.example.com.pem shared.key)" = "200 -"
fi
for n in a b c; do
  check "$n.example.com (same key) is revoked with keyCompromise" \
    test "$(sqlite3 "$S" "SELECT r.reason FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = X'$(sha $n.example.com.pem)'")" = 1
done
check "the key is blocked" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM blocked_key")" -eq 2
check "ec.example.com (another key) is not revoked" \
  test "$(sqlite3 "$S" "SELECT COUNT(*) FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE c.sha256 = X'$(sha ec.example.com.pem)'")" -eq 0
acme_case good "400 alreadyRevoked" b.example.com.pem shared.key
check "ES256 revokeCert with an EC key -> 200" test "$(python3 "$JWS" "$B" good ec.example.com.pem ec.key)" = "200 -"

# ---- OCSP through serve says revoked ----
if [ "$HAVE_OCSP" = 1 ] && grep -q "/ocsp is not served" serve.err; then
  not_ok "a CA is registered but /ocsp is not served"
elif [ "$HAVE_OCSP" = 1 ]; then
  ocsp_status=""
  for _ in $(seq 50); do # the responder applies store changes every poll interval
    ocsp_status=$(openssl ocsp -issuer ca.pem -cert b.example.com.pem -url "$B/ocsp" -noverify -timeout 5 2>/dev/null | sed -n 's/^b.example.com.pem: //p' | head -1)
    [ "$ocsp_status" = revoked ] && break
    sleep 0.2
  done
  check "openssl ocsp via /ocsp: b.example.com is revoked ($ocsp_status)" test "$ocsp_status" = revoked
else
  echo "# pkiward ca add unavailable: OCSP not checked"
fi

# ---- portal pages and static files ----
check "portal page 200" test "$(code "$B/")" = 200
check "... with a Content-Security-Policy" bash -c "${C[*]} -I $B/ | grep -qi '^Content-Security-Policy: default-src .self.'"
check "portal script 200" test "$(code "$B/portal.js")" = 200
check "dashboard 200" test "$(code "$B/admin/")" = 200
for p in '/../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' '/admin/../../etc/passwd' '/admin/..%2f..%2f..%2fetc%2fpasswd' \
         '/evil.txt' '/.secret' '/%2esecret' '/web/../index.html' '//etc/passwd' '/index.html%00.js' '/nonexistent.html'; do
  c=$(code --path-as-is "$B$p")
  if [ "$c" = 404 ] || [ "$c" = 400 ]; then ok "static $p refused ($c)"; else not_ok "static $p: $c"; fi
  if grep -q 'root:' "$TMP/body" || grep -q secret "$TMP/body"; then not_ok "static $p leaked a file"; fi
done

# ---- portal JSON API: malformed forms ----
api() { code -X POST -H 'Content-Type: application/json' --data-binary "$2" "$B/api/$1"; }
check "report: wrong content type -> 415" test "$(code -X POST -H 'Content-Type: text/plain' -d '{}' "$B/api/report")" = 415
check "report: not JSON -> 400" test "$(api report '{"kind":')" = 400
check "report: duplicate member -> 400" test "$(api report '{"kind":"other","kind":"misissuance"}')" = 400
check "report: array -> 400" test "$(api report '[1,2]')" = 400
check "report: unknown member -> 400" test "$(api report '{"kind":"other","bogus":1}')" = 400
check "report: bad kind -> 400" test "$(api report '{"kind":"complaint"}')" = 400
check "report: NUL in a field -> 400" test "$(api report '{"kind":"other","reporter":"a\u0000b"}')" = 400
check "report: control character -> 400" test "$(api report '{"kind":"other","reporter":"a\u0007b"}')" = 400
check "report: number for a string -> 400" test "$(api report '{"kind":"other","description":5}')" = 400
check "report: a name alone does not identify -> 400" test "$(api report '{"kind":"misissuance","certificate":{"name":"a.example.com"}}')" = 400
check "report: two identifications -> 400" test "$(api report "{\"kind\":\"misissuance\",\"certificate\":{\"sha256\":\"$(sha a.example.com.pem)\",\"crtsh\":\"123\"}}")" = 400
check "report: serial without issuer -> 400" test "$(api report '{"kind":"misissuance","certificate":{"serial":"1001"}}')" = 400
check "report: bad SHA-256 -> 400" test "$(api report '{"kind":"misissuance","certificate":{"sha256":"abc"}}')" = 400
check "report: garbage PEM -> 400" test "$(api report '{"kind":"misissuance","certificate":{"pem":"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"}}')" = 400
check "report: proof not base64 -> 400" test "$(api report '{"kind":"key-compromise","proof":{"file":"***"}}')" = 400
check "report: proof on a misissuance report -> 400" test "$(api report '{"kind":"misissuance","proof":{"text":"x"}}')" = 400
check "report: challenge without signature -> 400" test "$(api report '{"kind":"key-compromise","proof":{"challenge":"x"}}')" = 400
LONG=$(head -c 400 /dev/zero | tr '\0' 'a')
check "report: over-long reporter -> 400" test "$(api report "{\"kind\":\"other\",\"reporter\":\"$LONG\"}")" = 400
check "report: oversized body -> 413" test "$(head -c 3000000 /dev/zero | tr '\0' 'A' | code -X POST -H 'Content-Type: application/json' --data-binary @- "$B/api/report")" = 413
check "api: GET -> 405" test "$(code "$B/api/report")" = 405
check "api: unknown endpoint -> 404" test "$(api nothing '{}')" = 404
check "find: crt.sh id cannot be resolved offline -> 422" test "$(api find '{"certificate":{"crtsh":"https://crt.sh/?id=12345"}}')" = 422
check "nothing revoked by malformed forms" test "$(revoked)" -eq 5

# ---- SQL metacharacters in every field: data, never SQL ----
Q="x' OR '1'='1'; DROP TABLE certificate; --"
check "find by a name with SQL metacharacters -> 200, 0 results" \
  bash -c "[ \"\$(${C[*]} -X POST -H 'Content-Type: application/json' --data-binary '{\"certificate\":{\"name\":\"x'\\'' OR 1=1 --\"}}' $B/api/find | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"count\"])')\" = 0 ]"
check "find by issuer+serial with SQL metacharacters -> 200" test "$(api find "{\"certificate\":{\"issuer\":\"$Q\",\"serial\":\"01\"}}")" = 200
check "report with SQL metacharacters everywhere -> 202" \
  test "$(api report "{\"kind\":\"other\",\"reporter\":\"$Q\",\"title\":\"$Q\",\"description\":\"$Q\",\"certificate\":{\"issuer\":\"$Q\",\"serial\":\"0a\"}}")" = 202
check "... stored verbatim" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM report WHERE reporter = '$(printf '%s' "$Q" | sed "s/'/''/g")'")" -eq 1
check "... and the tables are intact" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM certificate")" -eq 6

# ---- portal: non-key reports get a report id, a status link and deadlines ----
api report "{\"kind\":\"misissuance\",\"reporter\":\"r@example.org\",\"description\":\"wrong SAN\",\"certificate\":{\"sha256\":\"$(sha ec.example.com.pem)\"}}" >/dev/null
cp body report.json
check "misissuance report -> report id, status URL, three deadlines" \
  python3 -c "import json; d=json.load(open('report.json')); assert d['report']>0 and '/status.html#' in d['status_url'] and [x['name'] for x in d['deadlines']]==['investigate','preliminary','revoke'] and d['linked']"
TOKEN=$(python3 -c "import json; print(json.load(open('report.json'))['status_url'].split('#')[1])")
check "status by token -> 200 with the linked certificate" \
  bash -c "[ \"\$(${C[*]} -X POST -H 'Content-Type: application/json' -d '{\"token\":\"$TOKEN\"}' $B/api/status | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"kind\"], len(d[\"certificates\"]))')\" = 'misissuance 1' ]"
check "status with a wrong token -> 404" test "$(api status '{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}')" = 404
check "the status token is not stored in clear" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM serve_status_link WHERE sha256 = X'$(printf '%s' "$TOKEN" | sha256sum | cut -c1-64)'")" -eq 1
check "name search lists every certificate with the name" \
  bash -c "[ \"\$(${C[*]} -X POST -H 'Content-Type: application/json' -d '{\"certificate\":{\"name\":\"a.example.com\"}}' $B/api/find | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"count\"], d[\"whole_history\"])')\" = '1 True' ]"

# ---- challenges: issued, stored, single-use, only ours ----
printf '%s' 'pkiward key compromise challenge 0000000000000000000000000000000000000000000000000000000000000000' > forged.txt
openssl dgst -sha256 -sign ec.key -out forged.sig forged.txt
expect_status 2 "report-key refuses a challenge pkiward did not issue" "$PKIWARD" report-key --store "$S" --challenge forged.txt --signature forged.sig --cert ec.example.com.pem
grep_err "not issued by this store" "... and says why"
"$PKIWARD" report-key --store "$S" --new-challenge >ch.txt 2>/dev/null
tr -d '\n' <ch.txt >ch1.txt
openssl dgst -sha256 -sign ec.key -out ch1.sig ch1.txt
expect_status 0 "report-key accepts a live challenge signed by the key" "$PKIWARD" report-key --store "$S" --challenge ch1.txt --signature ch1.sig --cert ec.example.com.pem
expect_status 2 "... but not twice (single-use)" "$PKIWARD" report-key --store "$S" --challenge ch1.txt --signature ch1.sig --cert ec.example.com.pem
grep_err "used" "... and says it was used"
check "portal: an unknown challenge -> 400" test "$(api report "{\"kind\":\"key-compromise\",\"certificate\":{\"sha256\":\"$(sha ec.example.com.pem)\"},\"proof\":{\"challenge\":\"$(cat forged.txt)\",\"signature\":\"$(base64 -w0 forged.sig)\"}}")" = 400
check "portal: challenge issued -> 201" test "$(api challenge '{}')" = 201

# ---- portal: a private key proof gets an instant answer ----
leaf d.example.com other.key 8195
"$PKIWARD" ingest --store "$S" d.example.com.pem >/dev/null
check "portal: proof file (the private key) -> 200 proven" \
  test "$(api report "{\"kind\":\"key-compromise\",\"reporter\":\"finder@example.net\",\"proof\":{\"file\":\"$(base64 -w0 other.key)\"}}")" = 200
cp "$TMP/body" proof.json
check "... says what was revoked" python3 -c "import json; d=json.load(open('proof.json')); assert d['proven'] and d['revoked']==1 and any(i['sha256']=='$(sha d.example.com.pem)' and i['outcome']=='revoked' for i in d['items'])"
check "portal: an invalid proof -> 202, recorded for review" test "$(api report '{"kind":"key-compromise","proof":{"text":"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"}}')" = 202
check "... with the deadlines" python3 -c "import json; d=json.load(open('$TMP/body')); assert not d['proven'] and d['report']>0 and d['deadlines']"

# ---- admin API: 401 / 403 ----
OP=$("$PKIWARD" token add --store "$S" --role operator 2>/dev/null)
RO=$("$PKIWARD" token add --store "$S" --role read-only --label ci 2>/dev/null)
check "token add prints a token" bash -c "[[ '$OP' == pwt_* ]]"
check "tokens are stored hashed only" test "$(sqlite3 "$S" "SELECT COUNT(*) FROM serve_token WHERE sha256 = X'$(printf '%s' "$OP" | sha256sum | cut -c1-64)'")" -eq 1
check "admin without a token -> 401" test "$(code "$B/admin/api/reports")" = 401
check "... with WWW-Authenticate" bash -c "${C[*]} -i $B/admin/api/reports | grep -qi '^WWW-Authenticate: Bearer'"
check "admin with a wrong token -> 401" test "$(code -H 'Authorization: Bearer pwt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' "$B/admin/api/reports")" = 401
check "admin with SQL in the token -> 401" test "$(code -H "Authorization: Bearer pwt_' OR 1=1 --" "$B/admin/api/reports")" = 401
check "read-only token reads reports -> 200" test "$(code -H "Authorization: Bearer $RO" "$B/admin/api/reports")" = 200
check "read-only token acts -> 403" test "$(code -X POST -H "Authorization: Bearer $RO" "$B/admin/api/reports/1/ack")" = 403
check "operator token acts -> 200" test "$(code -X POST -H "Authorization: Bearer $OP" "$B/admin/api/reports/2/ack")" = 200
for p in revocations alerts 'certificates?revoked=yes' timeline.svg histogram.svg "lint?sha256=$(sha a.example.com.pem)"; do
  check "admin GET $p -> 200" test "$(code -H "Authorization: Bearer $RO" "$B/admin/api/$p")" = 200
done
check "admin search with SQL metacharacters -> 0 results" \
  bash -c "[ \"\$(${C[*]} -G -H 'Authorization: Bearer $RO' --data-urlencode \"name=x' OR 1=1 --\" $B/admin/api/certificates | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])')\" = 0 ]"
# Incidents with their IRG deadlines (issue 7 item 7): one made with the CLI
# while serve runs, aware 4 days ago, so its 72-hour first report is overdue.
"$PKIWARD" incident new --store "$S" --title "Serve test incident" --tag dv-misissuance \
  --aware "$(date -u -d '4 days ago' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
code -H "Authorization: Bearer $RO" "$B/admin/api/incidents" >/dev/null
check "admin incidents lists the incident with its deadlines" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
i = [x for x in d["incidents"] if x["title"] == "Serve test incident"][0]
kinds = {x["kind"] for x in i["deadlines"]}
assert "[dv-misissuance]" in i["tags"], i
assert "first-report" in kinds, kinds
assert i["overdue"] is True, i
' "$TMP/body"
check "admin incidents without a token -> 401" test "$(code "$B/admin/api/incidents")" = 401
code -H "Authorization: Bearer $RO" "$B/admin/api/timeline.svg" >/dev/null
check "timeline is SVG" grep -q '<svg.*id="deadline-timeline"' "$TMP/body"
RO_ID=$(sqlite3 "$S" "SELECT id FROM serve_token WHERE label = 'ci'")
"$PKIWARD" token revoke --store "$S" --id "$RO_ID" >/dev/null
check "a revoked token -> 401" test "$(code -H "Authorization: Bearer $RO" "$B/admin/api/reports")" = 401

# ---- a slow client is cut off and does not stop the others ----
python3 - "$PORT" >slow.out <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
s.sendall(b"POST /api/report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"kind\"")
t0 = time.time()
try:
    d = s.recv(100)
except Exception as e:
    d = b""
print("closed" if d == b"" or d.startswith(b"HTTP/1.1 4") or d.startswith(b"HTTP/1.1 5") else "open", round(time.time() - t0, 1))
PY
SLOW=$!
check "other requests are served while a client stalls" test "$(code "$B/acme/directory")" = 200
wait "$SLOW"
check "the stalled connection is closed by the timeout ($(cat slow.out))" grep -q '^closed' slow.out

# ---- metrics ----
"${C[@]}" "$B/metrics" >metrics.txt
check "metrics: revokeCert 200s counted" grep -q '^pkiward_http_requests_total{endpoint="acme-revoke-cert",code="200"} [1-9]' metrics.txt
check "metrics: refused revokeCerts counted" grep -q '^pkiward_http_requests_total{endpoint="acme-revoke-cert",code="400"} [1-9]' metrics.txt
check "metrics: revocation latency histogram" grep -q '^pkiward_revocation_latency_seconds_count{stage="revoked"} [1-9]' metrics.txt
check "metrics: open reports by deadline state" grep -q '^pkiward_reports_open{deadline_state="pending"} [0-9]' metrics.txt
check "metrics: monitor alerts" grep -q '^pkiward_monitor_alerts_open [0-9]' metrics.txt
check "access log is JSON lines" python3 -c "import json; [json.loads(l) for l in open('$TMP/access.log')]"

# ---- graceful stop ----
kill -TERM "$SPID"
for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
set +e; wait "$SPID"; rc=$?; set -e
SPID=""
check "SIGTERM stops serve cleanly (exit $rc)" test "$rc" -eq 0
check "the event chain is intact" "$PKIWARD" events verify --store "$S"
finish
