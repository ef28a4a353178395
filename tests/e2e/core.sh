#!/usr/bin/env bash
# End to end through the real binary: init -> ingest -> find/show, every bad
# input the core issue names, and a SIGKILL in the middle of an ingest.
source "$(dirname "$0")/lib.bash"
GEN="$PW_BUILD_DIR/gen_corpus"
DB="$TMP/base.db"
export PKIWARD_STORE="$DB"

# --- a corpus with a CA hierarchy, precertificate twins and metadata --------
"$GEN" --count 400 --key-pool 100 --no-keys --quiet --out "$TMP/c" --seed 7 >/dev/null
N=$(python3 -c "import sys;print(sum(1 for _ in open('$TMP/c/metadata.jsonl')))")

expect_status 0 "init creates the base" "$PKIWARD" init
expect_status 0 "init again is harmless" "$PKIWARD" init
expect_status 0 "ingest the corpus, the CA certificates and the metadata" \
  "$PKIWARD" ingest "$TMP/c/certs.der" "$TMP/c"/ca/*.pem --metadata "$TMP/c/metadata.jsonl"
grep_out "ingested [0-9]+, already present 0, rejected 0" "summary counts"
"$PKIWARD" find --count >"$TMP/count1"
CAS=$(ls "$TMP/c/ca"/*.pem | wc -l)
check "find --count = certificates + CA certificates" test "$(cat "$TMP/count1")" -eq $((N + CAS))

expect_status 0 "ingest the same input again" "$PKIWARD" ingest "$TMP/c/certs.der" "$TMP/c"/ca/*.pem --metadata "$TMP/c/metadata.jsonl"
grep_out "ingested 0, already present $((N + CAS))" "second ingest changes nothing"
check "count unchanged after re-ingest" test "$("$PKIWARD" find --count)" -eq $((N + CAS))

# --- find: cross-check every filter against the metadata written by the generator
python3 - "$TMP/c/metadata.jsonl" >"$TMP/expect.env" <<'PY'
import json, sys, collections, datetime
rows = [json.loads(l) for l in open(sys.argv[1])]
first = rows[0]
name = first["validations"][0]["name"].lstrip("*.")
dom = ".".join(name.split(".")[-2:])
print("SHA=%s" % first["sha256"])
print("DOMAIN=%s" % dom)
print("NAME=%s" % first["validations"][0]["name"])
PY
source "$TMP/expect.env"

expect_status 0 "find --sha256 --json" "$PKIWARD" find --sha256 "$SHA" --json
check "exactly that certificate" python3 -c "
import json,sys; r=json.load(open('$TMP/out')); assert len(r)==1 and r[0]['sha256']=='$SHA', r"

expect_status 0 "find --domain --json" "$PKIWARD" find --domain "$DOMAIN" --json
check "every row has a name at or under the domain, and the count matches the corpus" python3 - <<PY
import json
rows = json.load(open("$TMP/out"))
assert rows, "no rows"
for r in rows:
    assert any(n == "$DOMAIN" or n.endswith(".$DOMAIN") for n in r["dns_names"]), r
# certificates and precertificates in the corpus with such a name (from the DER-derived JSON of find --json overall)
PY
"$PKIWARD" find --json >"$TMP/all.json"
check "--domain returns exactly the certificates with a name under the domain" python3 - <<PY
import json
allr = json.load(open("$TMP/all.json")); got = json.load(open("$TMP/out"))
want = {r["sha256"] for r in allr if any(n.lower() == "$DOMAIN" or n.lower().endswith(".$DOMAIN") for n in r["dns_names"])}
assert {r["sha256"] for r in got} == want, (len(want), len(got))
PY

expect_status 0 "find --name exact" "$PKIWARD" find --name "$NAME" --json
check "--name rows all carry the exact name" python3 -c "
import json; r=json.load(open('$TMP/out')); assert r and all('$NAME' in x['dns_names'] for x in r)"

# DCV method + issuance window, counted independently from the metadata + find --json dates
expect_status 0 "find --dcv-method --issued-after --issued-before --json" \
  "$PKIWARD" find --dcv-method 3.2.2.4.19 --issued-after 2025-01-01 --issued-before 2026-01-01 --json
check "dcv-method/date query matches the metadata" python3 - <<PY
import json
meta = {json.loads(l)["sha256"]: json.loads(l) for l in open("$TMP/c/metadata.jsonl")}
allr = {r["sha256"]: r for r in json.load(open("$TMP/all.json"))}
want = {s for s, m in meta.items()
        if any(v["method"] == "3.2.2.4.19" for v in m.get("validations", []))
        and "2025-01-01T00:00:00Z" <= allr[s]["not_before"] < "2026-01-01T00:00:00Z"}
got = {r["sha256"] for r in json.load(open("$TMP/out"))}
assert got == want, (len(got), len(want))
PY

# issuer + serial
ISS=$(openssl x509 -in "$(ls "$TMP/c/ca"/*.pem | grep -v root | head -1)" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
expect_status 0 "find --issuer CA-sha256" "$PKIWARD" find --issuer "$ISS" --json --limit 1
SER=$(python3 -c "import json;print(json.load(open('$TMP/out'))[0]['serial'])")
expect_status 0 "find --issuer --serial" "$PKIWARD" find --issuer "$ISS" --serial "$SER" --json
check "issuer+serial names one certificate (or its precertificate twin)" python3 -c "
import json; r=json.load(open('$TMP/out')); assert 1 <= len(r) <= 2 and all(x['serial']=='$SER' for x in r), r"

expect_status 0 "find --csv" "$PKIWARD" find --domain "$DOMAIN" --csv
check "CSV header is the CCADB incident report appendix" test "$(head -1 "$TMP/out")" = \
  "Precertificate SHA-256,Certificate SHA-256,Subject,Issuer,Not Before,Not After,Serial Number,dNSNames,Revoked,Revocation Date,Revocation Reason"

# precertificate twin
expect_status 0 "find --precert" "$PKIWARD" find --precert --json --limit 1
PRE=$(python3 -c "import json;r=json.load(open('$TMP/out'));print(r[0]['sha256'] if r else '')")
check "corpus has precertificates" test -n "$PRE"
expect_status 0 "show a precertificate" "$PKIWARD" show "$PRE"
grep_out "kind: precertificate" "show says precertificate"
grep_out "final certificate \(twin\): [0-9a-f]{64}" "show links the precertificate to its certificate"
grep_out "method BR 3\.2\.2\.[45]\.[0-9]+" "show lists validations"
expect_status 1 "show an unknown certificate" "$PKIWARD" show 0000000000000000000000000000000000000000000000000000000000000000
expect_status 2 "show with a malformed SHA-256" "$PKIWARD" show nothex
expect_status 2 "find with a bad date" "$PKIWARD" find --issued-after 2025-13-45
expect_status 2 "find with a bad method" "$PKIWARD" find --dcv-method "3.2.2.4.19' OR 1=1"
expect_status 0 "SQL metacharacters in --name are data" "$PKIWARD" find --name "x' OR '1'='1" --json
check "no rows for an injected name" test "$(tr -d '[:space:]' <"$TMP/out")" = "[]"

# --- bad inputs: each named, the rest of the batch still ingested -----------
BAD="$TMP/bad"; mkdir -p "$BAD/sub"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/k.pem" \
  -subj "/CN=good.example.org" -addext "subjectAltName=DNS:good.example.org" -days 30 -out "$BAD/good.pem" 2>/dev/null
openssl x509 -in "$BAD/good.pem" -outform DER -out "$TMP/good.der"
python3 - "$TMP/good.der" "$BAD" <<'PY'
import sys, os
der = open(sys.argv[1], "rb").read(); out = sys.argv[2]
open(os.path.join(out, "truncated.der"), "wb").write(der[:len(der) // 2])
open(os.path.join(out, "trailing.der"), "wb").write(der + b"\x00\x01junk")
# a long-form length where the short form fits (X.690 §10.1): first inner SEQUENCE
body = der[4:]  # outer is 30 82 LL LL
assert der[0] == 0x30 and der[1] == 0x82
open(os.path.join(out, "nonminimal.der"), "wb").write(bytes([0x30, 0x83, 0x00]) + der[2:4] + body)
open(os.path.join(out, "indefinite.der"), "wb").write(bytes([0x30, 0x80]) + body + b"\x00\x00")
pem = open(os.path.join(out, "good.pem")).read()
open(os.path.join(out, "wronglabel.pem"), "w").write(pem.replace("CERTIFICATE", "PRIVATE KEY"))
open(os.path.join(out, "junk.bin"), "wb").write(os.urandom(3000))
open(os.path.join(out, "sub", "empty.pem"), "wb").write(b"")
PY
ln -s "$TMP/does-not-exist" "$BAD/sub/unreadable.pem"
dd if=/dev/urandom of="$BAD/garbage-100mb.bin" bs=1M count=100 status=none
start=$(date +%s)
expect_status 1 "ingest a directory of bad inputs: exit 1" timeout 60 "$PKIWARD" ingest --store "$TMP/bad.db" "$BAD"
end=$(date +%s)
check "a 100 MB garbage file does not take long (< 20 s)" test $((end - start)) -lt 20
for f in truncated.der trailing.der nonminimal.der indefinite.der wronglabel.pem junk.bin empty.pem unreadable.pem garbage-100mb.bin; do
  grep_err "$f" "error names $f"
done
grep_err "trailing.der.*byte" "trailing bytes reported with an offset"
grep_err "nonminimal.der.*byte [0-9]+" "non-minimal length reported with an offset"
grep_err "indefinite.der.*byte [0-9]+" "indefinite length reported with an offset"
grep_out "ingested 1," "the good certificate in the same batch was ingested"

# --- metadata sidecar errors name file and line ------------------------------
GOODSHA=$(openssl dgst -sha256 -r "$TMP/good.der" | cut -d' ' -f1)
cat >"$TMP/meta.jsonl" <<J
{"sha256": "$GOODSHA", "profile": "dv", "validations": [{"name": "good.example.org", "method": "3.2.2.4.7", "at": "2025-01-02T03:04:05Z"}]}
this is not json
{"sha256": "1111111111111111111111111111111111111111111111111111111111111111", "profile": "dv"}
{"sha256": "$GOODSHA", "validations": [{"name": "good.example.org", "method": "3.2.2.9.1", "at": "2025-01-02T03:04:05Z"}]}
J
expect_status 1 "ingest metadata with bad lines: exit 1" "$PKIWARD" ingest --store "$TMP/bad.db" --metadata "$TMP/meta.jsonl"
grep_err "meta.jsonl: line 2" "non-JSON line named by line"
grep_err "meta.jsonl: line 3" "unknown certificate named by line"
grep_err "meta.jsonl: line 4.*method" "bad method named by line and field"
expect_status 0 "the good metadata line was applied" "$PKIWARD" find --store "$TMP/bad.db" --dcv-method 3.2.2.4.7 --json
check "one certificate validated by 3.2.2.4.7" python3 -c "import json; r=json.load(open('$TMP/out')); assert [x['sha256'] for x in r]==['$GOODSHA'], r"
expect_status 2 "missing input file is a usage error" "$PKIWARD" ingest --store "$TMP/x.db"
expect_status 0 "stdin input" sh -c "'$PKIWARD' ingest --store '$TMP/stdin.db' - < '$BAD/good.pem'"
grep_out "ingested 1," "certificate read from stdin"

# --- SIGKILL mid-ingest leaves a consistent base; a re-run completes it -------
"$GEN" --count 20000 --key-pool 100 --no-keys --quiet --out "$TMP/big" --seed 9 >/dev/null
BIGN=$(wc -l <"$TMP/big/metadata.jsonl")
"$PKIWARD" init --store "$TMP/kill.db" >/dev/null
"$PKIWARD" ingest --store "$TMP/kill.db" --batch 2000 --quiet "$TMP/big/certs.der" >/dev/null 2>&1 &
pid=$!
# Kill it once the first batches are committed, i.e. genuinely mid-run.
for _ in $(seq 1 2000); do
  n=$(sqlite3 "$TMP/kill.db" "select count(*) from certificate" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 4000 ] && break
  sleep 0.01
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
check "base is consistent after SIGKILL" test "$(sqlite3 "$TMP/kill.db" 'PRAGMA integrity_check;')" = "ok"
PART=$("$PKIWARD" find --store "$TMP/kill.db" --count)
echo "# after SIGKILL: $PART of $BIGN stored"
check "killed mid-run: some but not all certificates stored" test "$PART" -gt 0 -a "$PART" -lt "$BIGN"
check "a partial ingest holds whole batches only" test $((PART % 2000)) -eq 0
expect_status 0 "re-run after SIGKILL" "$PKIWARD" ingest --store "$TMP/kill.db" "$TMP/big/certs.der"
check "re-run completes the work: every certificate stored once" test "$("$PKIWARD" find --store "$TMP/kill.db" --count)" -eq "$BIGN"

finish
