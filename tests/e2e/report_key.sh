#!/usr/bin/env bash
# End-to-end: key compromise reports and bulk revocation through the real
# binary. One subscriber key is shared by certificates of several issuers and
# by precertificates (gen_corpus with a small key pool); proofs are the
# private key itself and CSRs made with the openssl command line. Then a bulk
# revocation of a few thousand certificates is killed with SIGKILL and run
# again: nothing may be lost or doubled (rows and events counted with the
# sqlite3 command line).
source "$(dirname "$0")/lib.bash"
command -v sqlite3 >/dev/null || { echo "sqlite3 command line needed"; exit 1; }

S="$TMP/store.db"
C="$TMP/c"
"$PW_BUILD_DIR/gen_corpus" --count 4000 --key-pool 25 --end "$(date -u +%F)" --span-days 30 \
  --out "$C" --seed 11 --quiet --threads 2
"$PKIWARD" init --store "$S" >/dev/null
expect_status 0 "ingest the corpus" "$PKIWARD" ingest --store "$S" "$C/certs.der" "$C"/ca/*.pem "$C/metadata.jsonl"

# The n-th key of the pool (keys/index.tsv: spki_sha256 file position type).
key_line() { grep -v '^#' "$C/keys/index.tsv" | awk -v t="$2" '$4 == t' | sed -n "$1p"; }
extract_key() { # extract_key FILE POSITION OUT
  awk -v want="$2" 'BEGIN{n=-1} /BEGIN PRIVATE KEY/{n++} n==want{print} /END PRIVATE KEY/{if(n==want) exit}' "$C/keys/$1" >"$3"
}
count() { "$PKIWARD" find --store "$S" "$@" --count; }
sql() { sqlite3 "$S" "$1"; }
# jfield NAME: a top-level scalar of the last command's JSON output (pkiward
# prints one member per line with --json), without needing jq.
jfield() { sed -n "s/^  \"$1\": \(.*[^,]\),\{0,1\}\$/\1/p" "$TMP/out" | head -1; }

# ---- 1. private key proof: every certificate with the key, all issuers ----
read -r SPKI0 FILE0 POS0 _ <<<"$(key_line 1 p256)"
extract_key "$FILE0" "$POS0" "$TMP/k0.pem"
N0=$(count --spki "$SPKI0" --unexpired)
ISSUERS0=$(sql "SELECT COUNT(DISTINCT issuer_name_sha256) FROM certificate WHERE spki_sha256 = X'$SPKI0'")
PRE0=$(count --spki "$SPKI0" --unexpired --precert)
check "the key is used by several certificates ($N0)" test "$N0" -ge 10
check "... from several issuers ($ISSUERS0)" test "$ISSUERS0" -ge 2
check "... including precertificates ($PRE0)" test "$PRE0" -ge 1
OTHERS_BEFORE=$(count --revoked)

expect_status 0 "report-key with the private key" "$PKIWARD" report-key --store "$S" --proof "$TMP/k0.pem" --reporter reporter@example.com
grep_out "proof accepted \(private-key" "says the proof was accepted"
grep_out "blocked for all future issuance" "says the key is blocked"
grep_out "$N0 newly" "says how many were revoked"
check "every unexpired certificate with the key is revoked" test "$(count --spki "$SPKI0" --unexpired --unrevoked)" -eq 0
check "... with keyCompromise" test "$(sql "SELECT COUNT(*) FROM revocation r JOIN certificate c ON c.id = r.cert_id WHERE c.spki_sha256 = X'$SPKI0' AND r.reason = 1")" -eq "$N0"
check "nothing else was revoked" test "$(count --revoked)" -eq "$((OTHERS_BEFORE + N0))"
check "revocation deadline stored: 24 hours" test "$(sql "SELECT MIN(deadline - requested_at) || ' ' || MAX(deadline - requested_at) FROM revocation")" = "86400 86400"
check "the key is in blocked_key" test "$(sql "SELECT COUNT(*) FROM blocked_key WHERE spki_sha256 = X'$SPKI0'")" -eq 1
check "report recorded as revoked" test "$(sql "SELECT status FROM report WHERE id = 1")" = "revoked"
EVENTS=$(sql "SELECT COUNT(*) FROM event WHERE kind <> 'ingest.batch'")
check "one event per revocation plus the report's steps" test "$EVENTS" -eq "$((N0 + 4))"

# ---- 2. the same proof again: nothing changes ----
expect_status 0 "the same proof again" "$PKIWARD" report-key --store "$S" --proof "$TMP/k0.pem"
grep_out "nothing changed" "says nothing changed"
check "no new events" test "$(sql "SELECT COUNT(*) FROM event WHERE kind <> 'ingest.batch'")" -eq "$EVENTS"
check "no new report" test "$(sql "SELECT COUNT(*) FROM report")" -eq 1

# ---- 3. a CSR signed by another key (any subject: the signature is the proof) ----
read -r SPKI1 FILE1 POS1 _ <<<"$(key_line 2 p256)"
extract_key "$FILE1" "$POS1" "$TMP/k1.pem"
openssl req -new -key "$TMP/k1.pem" -subj "/CN=this key is compromised" -out "$TMP/k1.csr"
N1=$(count --spki "$SPKI1" --unexpired --unrevoked)
expect_status 0 "report-key with a CSR proof" "$PKIWARD" report-key --store "$S" --proof "$TMP/k1.csr" --json
check "JSON says proven and counts the revocations" test "$(jfield proven) $(jfield revoked)" = "true $N1"
check "every certificate with the CSR's key is revoked" test "$(count --spki "$SPKI1" --unexpired --unrevoked)" -eq 0

# ---- 4. a tampered CSR is refused and kept as a problem report ----
read -r SPKI2 FILE2 POS2 _ <<<"$(key_line 3 p256)"
extract_key "$FILE2" "$POS2" "$TMP/k2.pem"
openssl req -new -key "$TMP/k2.pem" -subj "/CN=compromised key report" -outform DER -out "$TMP/k2.der"
# Change one byte of the subject (inside the signed CertificationRequestInfo).
OFF=$(grep -abo "compromised" "$TMP/k2.der" | head -1 | cut -d: -f1)
printf 'X' | dd of="$TMP/k2.der" bs=1 seek="$OFF" conv=notrunc 2>/dev/null
N2=$(count --spki "$SPKI2" --unexpired --unrevoked)
expect_status 1 "report-key with a tampered CSR" "$PKIWARD" report-key --store "$S" --proof "$TMP/k2.der" --reporter someone@example.org
grep_err "not accepted" "says the proof was not accepted"
grep_err "problem report [0-9]+" "names the report id"
grep_err "answer due by [0-9]{4}-[0-9]{2}-[0-9]{2}T" "gives the deadline"
check "nothing revoked for the tampered proof" test "$(count --spki "$SPKI2" --unexpired --unrevoked)" -eq "$N2"
check "key not blocked" test "$(sql "SELECT COUNT(*) FROM blocked_key WHERE spki_sha256 = X'$SPKI2'")" -eq 0
check "report kept for review with a 24-hour deadline" test "$(sql "SELECT status || ' ' || (deadline - received_at) FROM report WHERE reporter = 'someone@example.org'")" = "needs-review 86400"

# ---- 5. garbage instead of a proof ----
echo "please revoke my certificate" >"$TMP/garbage.txt"
expect_status 1 "report-key without a proof" "$PKIWARD" report-key --store "$S" --proof "$TMP/garbage.txt"
grep_err "problem report [0-9]+" "garbage is recorded as a problem report"

# ---- 6. a key no certificate uses ----
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/unused.pem"
expect_status 0 "report-key for an unused key" "$PKIWARD" report-key --store "$S" --proof "$TMP/unused.pem"
grep_out "no certificates" "says no certificates"
check "unused key blocked anyway" test "$(sql "SELECT COUNT(*) FROM blocked_key")" -eq 3

# ---- 7. check-key refuses blocked keys (when the flag is built) ----
if "$PKIWARD" check-key --help 2>&1 | grep -q -- "--store"; then
  expect_status 1 "check-key --store refuses the reported key" "$PKIWARD" check-key --store "$S" "$TMP/k0.pem"
  expect_status 0 "check-key --store accepts another key" "$PKIWARD" check-key --store "$S" "$TMP/k2.pem"
fi

# ---- 8. the event chain holds ----
check "event ids are 1..n without gaps" test "$(sql "SELECT MAX(id) - COUNT(*) FROM event")" -eq 0

# ---- 8b. revoke --from-find: the find filter flags select the certificates ----
expect_status 0 "revoke --from-find --dry-run" "$PKIWARD" revoke --store "$S" --from-find --spki "$SPKI2" --unexpired --reason keyCompromise --dry-run --json
check "dry run lists every certificate with the key ($N2)" test "$(jfield would_revoke)" -eq "$N2"
check "dry run revoked nothing" test "$(count --spki "$SPKI2" --unexpired --unrevoked)" -eq "$N2"
expect_status 0 "revoke --from-find" "$PKIWARD" revoke --store "$S" --from-find --spki "$SPKI2" --unexpired --reason keyCompromise --json
check "from-find revoked them all" test "$(count --spki "$SPKI2" --unexpired --unrevoked)" -eq 0
SHA1=$("$PKIWARD" find --store "$S" --spki "$SPKI2" --precert --limit 1 --csv | sed -n 2p | cut -d, -f1)
if [ -n "$SHA1" ]; then
  expect_status 0 "show a revoked precertificate" "$PKIWARD" show --store "$S" "$SHA1"
  grep_out "deadline .*BR 4.9.1.1" "show prints the revocation deadline"
  grep_out "^events:" "show has an events section"
  grep_out "revocation .*keyCompromise" "show lists the revocation event"
fi
expect_status 0 "revoke --sha256 of a revoked certificate" "$PKIWARD" revoke --store "$S" --sha256 "$("$PKIWARD" find --store "$S" --spki "$SPKI2" --cert --limit 1 --csv | sed -n 2p | cut -d, -f2)" --reason keyCompromise
grep_out "already-revoked" "single revoke is idempotent"

# ---- 9. bulk revocation killed with SIGKILL, then resumed ----
"$PKIWARD" find --store "$S" --unexpired --unrevoked --leaf --csv | cut -d, -f1,2 >"$TMP/list.csv"
NL=$(($(wc -l <"$TMP/list.csv") - 1))
check "a few thousand to revoke ($NL)" test "$NL" -ge 2000
REV_BEFORE=$(sql "SELECT COUNT(*) FROM revocation")
EV_BEFORE=$(sql "SELECT COUNT(*) FROM event WHERE kind = 'revocation'")
expect_status 0 "dry run" "$PKIWARD" revoke --store "$S" --csv "$TMP/list.csv" --reason superseded --dry-run
check "dry run changed nothing" test "$(sql "SELECT COUNT(*) FROM revocation")" -eq "$REV_BEFORE"
"$PKIWARD" revoke --store "$S" --csv "$TMP/list.csv" --reason superseded --batch 20 >/dev/null 2>&1 &
PID=$!
for _ in $(seq 1 400); do
  D=$(sqlite3 "$S" "SELECT COALESCE(MAX(done), 0) FROM revoke_job WHERE source LIKE 'csv:%'" 2>/dev/null || echo 0)
  [ "${D:-0}" -gt 0 ] && break
  sleep 0.02
done
kill -9 "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
DONE1=$(sql "SELECT COALESCE(MAX(done), 0) FROM revoke_job WHERE source LIKE 'csv:%'")
check "the killed run had committed part of the plan ($DONE1 of $NL)" test "$DONE1" -gt 0 -a "$DONE1" -lt "$NL"
expect_status 0 "re-run the same command" "$PKIWARD" revoke --store "$S" --csv "$TMP/list.csv" --reason superseded --batch 20 --json
check "re-run resumed the plan" test "$(jfield resumed)" = "true"
check "re-run skipped what was done ($(jfield done_before))" test "$(jfield done_before)" -ge "$DONE1"
REV_AFTER=$(sql "SELECT COUNT(*) FROM revocation")
EV_AFTER=$(sql "SELECT COUNT(*) FROM event WHERE kind = 'revocation'")
check "nothing lost: every listed certificate and its twin revoked" test "$(count --unexpired --unrevoked --leaf)" -eq 0
check "nothing doubled: one event per new revocation row" test "$((REV_AFTER - REV_BEFORE))" -eq "$((EV_AFTER - EV_BEFORE))"
check "nothing doubled: rows = listed certificates" test "$((REV_AFTER - REV_BEFORE))" -eq "$NL"
check "all plan items done" test "$(sql "SELECT COUNT(*) FROM revoke_job_item WHERE done_at IS NULL")" -eq 0
check "one plan for the list, not two" test "$(sql "SELECT COUNT(*) FROM revoke_job WHERE source LIKE 'csv:%'")" -eq 1
expect_status 0 "a third run" "$PKIWARD" revoke --store "$S" --csv "$TMP/list.csv" --reason superseded
grep_out "nothing changed" "third run changes nothing"
check "event ids still 1..n without gaps" test "$(sql "SELECT MAX(id) - COUNT(*) FROM event")" -eq 0

# ---- 10. bad input ----
printf '%s\nnot-a-hash\n' "$(head -c 64 /dev/zero | tr '\0' 'a')" >"$TMP/bad.csv"
expect_status 2 "a malformed CSV" "$PKIWARD" revoke --store "$S" --csv "$TMP/bad.csv"
grep_err "line 2" "the error names the line"
expect_status 2 "a reason BR 7.2.2 refuses" "$PKIWARD" revoke --store "$S" --sha256 "$SPKI0" --reason certificateHold
grep_err "BR 7.2.2" "the error cites the rule"
expect_status 2 "--from-find without a filter" "$PKIWARD" revoke --store "$S" --from-find
finish
