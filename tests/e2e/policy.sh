#!/usr/bin/env bash
# The http-01 incident, reconstructed: a year of ACME http-01 (BR 3.2.2.4.19)
# issuance under a CPS that never listed 3.2.2.4.19. `policy check` must
# find every such certificate (compared with the issuing system's own
# metadata), cite the rule and exit 1; the affected set comes out as a find
# query, the CCADB IRG appendix CSV and a revocation plan; the plan is
# executed, killed with SIGKILL mid-way, executed again, and nothing is
# doubled or lost; every step is an event. Bad disclosure files are refused
# naming the field or line.
source "$PW_SOURCE_DIR/tests/e2e/lib.bash"
GEN="$PW_BUILD_DIR/gen_corpus"
[ -x "$GEN" ] || { echo "gen_corpus not built"; exit 1; }
command -v python3 >/dev/null || { echo "python3 needed"; exit 1; }
S="$TMP/s.db"

"$GEN" --count 1200 --out "$TMP/c" --seed 7 --end 2026-06-30 --span-days 365 --quiet --threads 2 \
  >"$TMP/gen.out" 2>&1 || { cat "$TMP/gen.out"; exit 1; }
expect_status 0 "init" "$PKIWARD" init --store "$S"
expect_status 0 "ingest corpus + metadata" "$PKIWARD" ingest --store "$S" "$TMP/c/ca/"*.pem \
  "$TMP/c/certs.der" "$TMP/c/metadata.jsonl"

# The CPS: DNS change and TLS-ALPN disclosed, http-01 (3.2.2.4.19) never.
cat >"$TMP/cps.json" <<'J'
{"cps_version": "2.7", "cps_date": "2024-06-01",
 "dcv_methods": [
   {"section": "3.2.2.4.7", "from": "2019-06-01", "until": null},
   {"section": "3.2.2.4.20", "from": "2021-01-01", "until": null},
   {"section": "3.2.2.4.2", "from": "2019-06-01", "until": "2025-07-15"},
   {"section": "3.2.2.4.4", "from": "2019-06-01"}],
 "profiles": ["dv", "ov", "ev", "iv"],
 "key_types": ["rsa-2048", "ecdsa-p256"],
 "caa_identifiers": ["pkiward.test"]}
J
# What the issuing system says: certificates with any .19 validation.
python3 - "$TMP/c/metadata.jsonl" >"$TMP/expected" <<'P'
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if any(v["method"] == "3.2.2.4.19" for v in m.get("validations", [])):
        print(m["sha256"].lower())
P
[ -s "$TMP/expected" ] || { echo "corpus has no 3.2.2.4.19 validations"; exit 1; }

expect_status 1 "policy check finds undisclosed 3.2.2.4.19 (exit 1)" "$PKIWARD" policy check \
  --store "$S" --disclosure "$TMP/cps.json" --at 2026-07-01 --irg-csv "$TMP/irg.csv" --list "$TMP/list"
grep_out "3\.2\.2\.4\.19 .*not-disclosed" "window of 3.2.2.4.19 reported as not disclosed"
grep_out "CPS 2\.7 does not list 3\.2\.2\.4\.19" "finding cites the CPS and the method"
grep_out "pkiward find --dcv-method 3\.2\.2\.4\.19" "affected set given as a find query"
# Every certificate named by SHA-256 on stdout, and exactly the expected set.
# Metadata names a certificate; its precertificate twin carries it too.
sort -u "$TMP/list" >"$TMP/got"
python3 - "$TMP/expected" "$TMP/got" "$TMP/out" <<'P' && ok "found set = metadata's 3.2.2.4.19 set (+ twins), each named on stdout" || not_ok "found set differs from metadata"
import sys
exp = set(open(sys.argv[1]).read().split())
got = set(open(sys.argv[2]).read().split())
out = open(sys.argv[3]).read()
assert exp <= got, ("missing", len(exp - got))
extra = got - exp
assert len(extra) <= len(exp) // 5, ("too many extra (twins?)", len(extra))
assert all(h in out for h in got), "a certificate is not named on stdout"
P
head -1 "$TMP/irg.csv" | grep -q '^Precertificate SHA-256,Certificate SHA-256,Subject,Issuer,Not Before,Not After,Serial #,dNSNames,Is revoked?,Revocation date,Revocation reason' \
  && ok "IRG appendix CSV header in CCADB order" || not_ok "IRG CSV header"
[ "$(($(wc -l <"$TMP/irg.csv") - 1))" -eq "$(wc -l <"$TMP/got")" ] && ok "IRG CSV has one row per certificate" || not_ok "IRG CSV row count"
expect_status 1 "json output" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/cps.json" --at 2026-07-01 --json --summary
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["certificates_affected"]>0 and d["find_queries"][0]["method"]=="3.2.2.4.19"' "$TMP/out" \
  && ok "json: counts and find queries" || not_ok "json output"

# A disclosure that lists 3.2.2.4.19 from before the first issuance: clean.
sed 's/"dcv_methods": \[/"dcv_methods": [{"section": "3.2.2.4.19", "from": "2020-03-03"},/' "$TMP/cps.json" >"$TMP/cps-ok.json"
expect_status 0 "with 3.2.2.4.19 disclosed nothing is found" "$PKIWARD" policy check --store "$S" \
  --disclosure "$TMP/cps-ok.json" --at 2026-07-01 --summary

# Publication: the CAs of the corpus are registered, so execution republishes CRLs.
for ca in "$TMP/c/ca/"*.pem; do
  k="${ca%.pem}.key"
  "$PKIWARD" ca add --store "$S" --cert "$ca" --key "$k" --name "$(basename "${ca%.pem}")" >/dev/null 2>&1 || true
done

expect_status 0 "plan from the policy finding" "$PKIWARD" revoke --plan --store "$S" \
  --from-policy "$TMP/cps.json" --at 2026-07-01 --include-expired --batch 10 --out "$TMP/plan.json"
grep_out "deadline .*BR 4\.9\.1\.1\(12\)" "plan deadline cites BR 4.9.1.1(12) (5 days)"
PLAN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"])' "$TMP/plan.json")
python3 - "$TMP/plan.json" "$TMP/got" <<'P' && ok "plan: items, batches, subscribers with notices" || not_ok "plan document"
import json, sys
p = json.load(open(sys.argv[1]))
n = len(open(sys.argv[2]).read().split())
assert p["items"] == n, (p["items"], n)
assert len(p["batches"]) == (n + 9) // 10
assert p["reason"] == "superseded"
subs = p["subscribers"]
assert sum(s["certificates"] + s["precertificates"] + s["not_in_store"] for s in subs) == n
assert all("revoked by" in s["notice"] and "4.9.1.1" in s["notice"] for s in subs)
P

# Execute, kill -9 mid-way, execute again.
"$PKIWARD" revoke --execute-plan "$PLAN" --store "$S" --crl-dir "$TMP/crl" --republish-interval 0 \
  >"$TMP/exec1.out" 2>&1 &
PID=$!
python3 - "$S" <<'P' || true
import sqlite3, sys, time
deadline = time.time() + 60
while time.time() < deadline:
    try:
        db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=1)
        r = db.execute("SELECT done FROM revoke_job ORDER BY id DESC LIMIT 1").fetchone()
        db.close()
        if r and r[0] >= 30:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.02)
P
kill -9 "$PID" 2>/dev/null && KILLED=1 || KILLED=0
wait "$PID" 2>/dev/null || true
DONE1=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT done FROM revoke_job ORDER BY id DESC LIMIT 1").fetchone()[0])' "$S")
TOTAL=$(wc -l <"$TMP/got")
if [ "$KILLED" = 1 ] && [ "$DONE1" -lt "$TOTAL" ]; then ok "execution killed mid-way ($DONE1/$TOTAL done)"; else not_ok "could not interrupt the execution (killed=$KILLED, done $DONE1/$TOTAL)"; fi
expect_status 0 "execution resumed and finished" "$PKIWARD" revoke --execute-plan "$PLAN" --store "$S" --crl-dir "$TMP/crl"
grep_out "resumed" "second run says it resumed"
python3 - "$S" "$TMP/got" <<'P' && ok "every planned certificate revoked exactly once; events once each" || not_ok "revocations doubled or lost"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
want = set(bytes.fromhex(h) for h in open(sys.argv[2]).read().split())
rev = set(r[0] for r in db.execute("SELECT c.sha256 FROM revocation r JOIN certificate c ON c.id = r.cert_id"))
assert want <= rev, ("lost", len(want - rev))
n_rev = db.execute("SELECT COUNT(*) FROM revocation").fetchone()[0]
n_ev = db.execute("SELECT COUNT(*) FROM event WHERE kind = 'revocation'").fetchone()[0]
assert n_ev == n_rev, (n_ev, n_rev)
kinds = dict(db.execute("SELECT kind, COUNT(*) FROM event GROUP BY kind").fetchall())
for k in ("revoke_plan.created", "revoke_plan.started", "revoke_plan.resumed", "revoke_plan.finished", "revoke_job.created", "revoke_job.finished"):
    assert kinds.get(k) == 1, (k, kinds.get(k))
assert kinds.get("revoke_plan.batch", 0) >= 1
assert kinds.get("crl.published", 0) >= 1, "no CRL republished"
fin = db.execute("SELECT finished_at FROM revoke_plan WHERE id = (SELECT MAX(id) FROM revoke_plan)").fetchone()[0]
assert fin
P
ls "$TMP/crl/"*/full.crl >/dev/null 2>&1 && ok "CRLs written during execution" || not_ok "no CRL files"
expect_status 0 "third run changes nothing" "$PKIWARD" revoke --execute-plan "$PLAN" --store "$S"
grep_out "already executed" "third run reports the plan as done"

# Bad input.
printf '{"cps_version":"1","dcv_methods":[{"section":"3.2.2.4.7","from":"2019-01-01"},{"section":"3.2.2.4.25","from":"2019-01-01"}]}' >"$TMP/b1.json"
expect_status 2 "unknown method refused" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/b1.json"
grep_err "dcv_methods\[1\]\.section: unknown method '3\.2\.2\.4\.25'" "error names the entry and the method"
printf '{"cps_version":"1","dcv_methods":[{"section":"3.2.2.4.7","from":"2019-13-01"}]}' >"$TMP/b2.json"
expect_status 2 "bad date refused" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/b2.json"
grep_err "dcv_methods\[0\]\.from: '2019-13-01' is not a calendar date" "error names the date field"
printf '{"cps_version":"1","dcv_methods":[{"section":"3.2.2.4.7","from":"2020-01-01","until":"2019-01-01"}]}' >"$TMP/b3.json"
expect_status 2 "until before from refused" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/b3.json"
grep_err "dcv_methods\[0\]\.until" "error names until"
printf '{"cps_version": "1",\n "dcv_methods": [\n   {"section": "3.2.2.4.7", "from": "2019-01-01"\n ]}\n' >"$TMP/b4.json"
expect_status 2 "malformed JSON refused" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/b4.json"
grep_err "line 4, column [0-9]+: malformed JSON" "error names the line"
printf '{"cps_version":"1","dcv_methods":[],"ip_methods":[{"section":"3.2.2.4.19","from":"2020-01-01"}]}' >"$TMP/b5.json"
expect_status 2 "domain method under ip_methods refused" "$PKIWARD" policy check --store "$S" --disclosure "$TMP/b5.json"
grep_err "ip_methods\[0\]\.section" "error names ip_methods[0]"
expect_status 2 "--plan without a selection refused" "$PKIWARD" revoke --plan --store "$S"
expect_status 2 "unknown plan id" "$PKIWARD" revoke --execute-plan 999 --store "$S"
finish
