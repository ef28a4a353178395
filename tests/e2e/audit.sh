#!/usr/bin/env bash
# End to end: the CA inventory and audit coverage (issue 8).
#  1. The incident: a root, one intermediate in use and two intermediates
#     issued, never used and left out of the audit statements. `audit check`
#     must find both, cite CCADB Policy 5.1, and plan their revocation.
#  2. The CCADB samples import cleanly (counts = CSV rows).
#  3. Bad CSV / bad statement JSON: errors naming the line / field; nothing
#     recorded.
#  4. The ALV-style extractor reads a letter into what `audit add` takes.
source "$(dirname "$0")/lib.bash"
command -v openssl >/dev/null || { echo "openssl missing"; exit 1; }
DB="$TMP/base.db"
export PKIWARD_STORE="$DB"
C="$TMP/pki"
mkdir -p "$C"

# --- a generated hierarchy ---------------------------------------------------
cat >"$C/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[sub]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = @san
[san]
DNS.1 = www.audit-e2e.test
EOF
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key "$C/root.key"
openssl req -new -x509 -key "$C/root.key" -subj "/C=US/O=Audit E2E/CN=Audit E2E Root" -days 3650 \
  -extensions root -config <(cat /etc/ssl/openssl.cnf "$C/ext.cnf") -out "$C/root.pem" 2>/dev/null
for i in used unused1 unused2; do
  key "$C/$i.key"
  openssl req -new -key "$C/$i.key" -subj "/C=US/O=Audit E2E/CN=Audit E2E Issuing CA $i" -out "$C/$i.csr" 2>/dev/null
  openssl x509 -req -in "$C/$i.csr" -CA "$C/root.pem" -CAkey "$C/root.key" -CAcreateserial -days 1825 \
    -extfile "$C/ext.cnf" -extensions sub -out "$C/$i.pem" 2>/dev/null
done
for n in 1 2 3; do
  key "$C/leaf$n.key"
  openssl req -new -key "$C/leaf$n.key" -subj "/CN=www.audit-e2e.test" -out "$C/leaf$n.csr" 2>/dev/null
  openssl x509 -req -in "$C/leaf$n.csr" -CA "$C/used.pem" -CAkey "$C/used.key" -CAcreateserial -days 90 \
    -extfile "$C/ext.cnf" -extensions leaf -out "$C/leaf$n.pem" 2>/dev/null
done
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g'; }
ROOT=$(fp "$C/root.pem"); USED=$(fp "$C/used.pem"); U1=$(fp "$C/unused1.pem"); U2=$(fp "$C/unused2.pem")
lc() { echo "$1" | tr 'A-F' 'a-f'; }
# Periods around today's issuance: this year's audit and the statement after it.
Y=$(date -u +%Y)
P1S="$Y-01-01"; P1E="$Y-12-31"; P1D="$((Y + 1))-02-15"
AT="$((Y + 1))-03-01"

expect_status 0 "init" "$PKIWARD" init
expect_status 0 "ingest the hierarchy and its leaves" "$PKIWARD" ingest "$C"/root.pem "$C"/used.pem \
  "$C"/unused1.pem "$C"/unused2.pem "$C"/leaf1.pem "$C"/leaf2.pem "$C"/leaf3.pem

expect_status 0 "inventory --json" "$PKIWARD" audit inventory --json
check "inventory: 4 CA certificates in 4 identities; leaves counted; capabilities from EKUs" python3 - "$TMP/out" "$ROOT" "$USED" "$U1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); root, used, u1 = (h.lower() for h in sys.argv[2:5])
assert d["ca_certificates"] == 4, d["ca_certificates"]
assert len(d["identities"]) == 4
by = {c["sha256"]: (i, c) for i in d["identities"] for c in i["certificates"]}
assert by[root][1]["role"] == "root" and by[root][0]["ca_certificates_issued"] == 3, by[root]
assert by[used][0]["leaves"] == 3 and by[used][1]["role"] == "subordinate", by[used]
assert by[u1][0]["leaves"] == 0
assert by[used][1]["capabilities"] == "server,client", by[used][1]
assert by[root][1]["capabilities"] == "server,client,email,code,timestamp"
assert all(c["status"] == "valid" for _, c in by.values())
assert len({i["spki_sha256"] for i in d["identities"]}) == 4  # four keys
PY

# --- the audit statements leave the two unused intermediates out -------------
for t in CA BR NetSec; do
  cat >"$TMP/st-$t.json" <<EOF
{"auditor": "Example Audit LLP", "scheme": "WebTrust", "type": "$t",
 "period_start": "$P1S", "period_end": "$P1E", "statement_date": "$P1D",
 "fingerprints": ["$ROOT", "$(lc "$USED")"]}
EOF
done
expect_status 0 "audit add three statements" "$PKIWARD" audit add "$TMP/st-CA.json" "$TMP/st-BR.json" "$TMP/st-NetSec.json"
expect_status 0 "adding the same statement again changes nothing" "$PKIWARD" audit add "$TMP/st-BR.json"
grep_out "already recorded" "re-add is reported as already recorded"
expect_status 0 "audit list --json" "$PKIWARD" audit list --json
check "three statements, two fingerprints each" python3 -c "
import json; r=json.load(open('$TMP/out')); assert len(r)==3 and all(s['fingerprints']==2 for s in r), r"

expect_status 1 "audit check finds the uncovered intermediates (exit 1)" "$PKIWARD" audit check --at "$AT" --json
check "both unused intermediates: omitted from CA, BR and NetSec statements (CCADB Policy 5.1), unused and planned" \
  python3 - "$TMP/out" "$ROOT" "$USED" "$U1" "$U2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); root, used, u1, u2 = (h.lower() for h in sys.argv[2:6])
f = d["findings"]
errs = [x for x in f if x["severity"] == "error"]
for u in (u1, u2):
    miss = {x["audit_type"] for x in errs if x["sha256"] == u and x["kind"] == "not_in_statement"}
    assert miss == {"CA", "BR", "NetSec"}, (u, miss)
    assert all(x["rule"] == "CCADB Policy 5.1" for x in errs if x["sha256"] == u)
    unused = [x for x in f if x["sha256"] == u and x["kind"] == "unused_unrevoked"]
    assert len(unused) == 1 and "pkiward revoke --sha256 " + u in unused[0]["plan"], unused
    assert all(x["plan"] and u in x["plan"] for x in errs if x["sha256"] == u)
assert not [x for x in errs if x["sha256"] in (root, used)], [x for x in errs if x["sha256"] in (root, used)]
assert not [x for x in f if x["sha256"] == used and x["kind"] == "unused_unrevoked"]
assert d["uncovered"] == 2 and d["ca_certificates_checked"] == 4, d
# what is due next is said for the covered ones
assert [x for x in f if x["sha256"] == used and x["kind"] == "due_next"]
PY
expect_status 1 "human output names the SHA-256 and the rule" "$PKIWARD" audit check --at "$AT" --quiet
grep_out "not_in_statement +\[CCADB Policy 5.1\] $(lc "$U1") CA" "human finding line for the first"
grep_out "plan: .*pkiward revoke --sha256 $(lc "$U2")" "revocation plan for the second"

# --- eight months later, still not revoked: overdue next statement -----------
LATE="$((Y + 2))-05-01"
expect_status 1 "a year and more later nothing new: overdue" "$PKIWARD" audit check --at "$LATE" --json
check "overdue findings cite CCADB Policy 5.2 for every certificate" python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
od = {x["sha256"] for x in d["findings"] if x["kind"] == "overdue" and x["rule"] == "CCADB Policy 5.2"}
assert len(od) == 4, od
PY

# --- revised statements list them: covered ------------------------------------
for t in CA BR NetSec; do
  cat >"$TMP/rv-$t.json" <<EOF
{"auditor": "Example Audit LLP", "scheme": "WebTrust", "type": "$t",
 "period_start": "$P1S", "period_end": "$P1E", "statement_date": "$P1D",
 "fingerprints": ["$ROOT", "$USED", "$U1", "$U2"], "url": "https://audits.example/$t-revised.pdf"}
EOF
done
expect_status 0 "add the revised statements" "$PKIWARD" audit add "$TMP"/rv-*.json
expect_status 0 "check passes once they are listed (exit 0)" "$PKIWARD" audit check --at "$AT" --json
check "no errors; the unused warnings remain" python3 -c "
import json; d=json.load(open('$TMP/out')); assert d['errors']==0, d['errors']
assert sum(1 for x in d['findings'] if x['kind']=='unused_unrevoked')==2"

# --- the plan carried out: revoking an unused intermediate ----------------------
expect_status 0 "revoke the first unused intermediate as planned" "$PKIWARD" revoke --sha256 "$U1" --reason cessationOfOperation
expect_status 0 "check after the revocation" "$PKIWARD" audit check --at "$AT" --json
check "only the other one is still unused; the revoked one is done: the statement of the period it was revoked in lists it" \
  python3 - "$TMP/out" "$U1" "$U2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); u1, u2 = sys.argv[2].lower(), sys.argv[3].lower()
unused = [x["sha256"] for x in d["findings"] if x["kind"] == "unused_unrevoked"]
assert unused == [u2], unused
assert not [x for x in d["findings"] if x["sha256"] == u1], [x for x in d["findings"] if x["sha256"] == u1]
assert [x for x in d["findings"] if x["sha256"] == u2 and x["kind"] == "due_next"]
PY
expect_status 0 "inventory shows it revoked" "$PKIWARD" audit inventory --json
check "status revoked" python3 -c "
import json; d=json.load(open('$TMP/out'))
st={c['sha256']:c['status'] for i in d['identities'] for c in i['certificates']}
assert st['$(lc "$U1")']=='revoked' and st['$(lc "$U2")']=='valid', st"

# --- late statement and a gap between periods ----------------------------------
cat >"$TMP/late.json" <<EOF
{"auditor": "Example Audit LLP", "scheme": "WebTrust", "type": "BR",
 "period_start": "$((Y + 1))-02-01", "period_end": "$((Y + 1))-12-31", "statement_date": "$((Y + 2))-06-30",
 "fingerprints": ["$ROOT", "$USED", "$U1", "$U2"]}
EOF
expect_status 0 "add a late statement after a one-month gap" "$PKIWARD" audit add "$TMP/late.json"
expect_status 1 "late statement and gap are errors" "$PKIWARD" audit check --at "$((Y + 2))-07-01" --json
check "statement_late (CCADB Policy 5.2) and period_gap (MRSP 3.1.3)" python3 - "$TMP/out" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
late = [x for x in f if x["kind"] == "statement_late"]
gap = [x for x in f if x["kind"] == "period_gap"]
assert len(late) == 1 and late[0]["rule"] == "CCADB Policy 5.2" and late[0]["audit_type"] == "BR", late
assert len(gap) == 1 and gap[0]["rule"] == "MRSP 3.1.3" and gap[0]["from"].endswith("-01-01"), gap
unc = [x for x in f if x["kind"] == "uncovered" and x["audit_type"] == "BR"]
# the revoked intermediate's life ended inside the first period: no gap for it
assert len(unc) == 3 and all(x["from"].endswith("-01-01") and x["until"].endswith("-01-31") for x in unc), unc
PY

# --- bad statement files: the field is named, nothing is recorded ---------------
N_BEFORE=$("$PKIWARD" audit list --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
sed "s/\"$U1\"/\"$(echo "$U1" | sed 's/../&:/g; s/:$//')\"/" "$TMP/rv-CA.json" | sed 's/revised/bad/' >"$TMP/bad-fp.json"
expect_status 2 "a colon-separated fingerprint is refused" "$PKIWARD" audit add "$TMP/st-CA.json" "$TMP/bad-fp.json"
grep_err "bad-fp.json: fingerprints\[2\]: not a SHA-256 fingerprint" "error names fingerprints[2]"
sed "s/\"period_end\": \"$P1E\"/\"period_end\": \"31.12.$Y\"/" "$TMP/rv-BR.json" | sed 's/revised/bad2/' >"$TMP/bad-date.json"
expect_status 2 "a date in the wrong form is refused" "$PKIWARD" audit add "$TMP/bad-date.json"
grep_err "period_end: '31.12.$Y' is not a calendar date in the form YYYY-MM-DD" "error names period_end"
echo '{"auditor": "A", "scheme": "WebTrust", "type": "BR", "period_start": "2025-02-30", "period_end": "2025-12-31", "statement_date": "2026-01-10", "fingerprints": []}' >"$TMP/bad-day.json"
expect_status 2 "February 30th is refused" "$PKIWARD" audit add "$TMP/bad-day.json"
grep_err "period_start" "error names period_start"
echo '{"auditor": "A", "scheme": "WebTrust", "type": "BR", "period_start": "2025-01-01", "period_end": "2025-12-31", "statement_date": "2026-01-10", "fingerprint": []}' >"$TMP/bad-member.json"
expect_status 2 "a misspelt member is refused" "$PKIWARD" audit add "$TMP/bad-member.json"
grep_err "unknown member 'fingerprint'" "error names the unknown member"
check "nothing recorded by the refused files" test "$("$PKIWARD" audit list --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" -eq "$N_BEFORE"

# --- the extractor ----------------------------------------------------------------
cat >"$TMP/letter.txt" <<EOF
INDEPENDENT ASSURANCE REPORT
To the management of Audit E2E CA:
We have examined management's assertion that for the period November 1, $Y to October 31, $((Y + 1))
Audit E2E CA maintained effective controls, based on the WebTrust Principles and Criteria for
Certification Authorities - SSL Baseline with Network Security, Version 2.9.
Auditor: Example Audit LLP, 1 Main Street, Springfield
Report date: 15 January $((Y + 2))

Appendix A - CA certificates in scope
Root      $ROOT
Issuing   $USED
Old       $(lc "$U1")
Split     ${U2:0:32}
${U2:32}
EOF
expect_status 0 "extract reads the letter and notes what ALV would not find" \
  "$PKIWARD" audit extract "$TMP/letter.txt"
check "extract: period, statement date, scheme, type, auditor, two ALV-form fingerprints" python3 - "$TMP/out" "$ROOT" "$USED" "$Y" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); y = int(sys.argv[4])
assert d["period_start"] == "%d-11-01" % y and d["period_end"] == "%d-10-31" % (y + 1), d
assert d["statement_date"] == "%d-01-15" % (y + 2), d
assert d["scheme"] == "WebTrust" and d["type"] == "BR" and d["auditor"].startswith("Example Audit LLP"), d
assert sorted(d["fingerprints"]) == sorted([sys.argv[2], sys.argv[3]]), d["fingerprints"]
PY
grep_err "line 12: fingerprint in lowercase not read" "lowercase fingerprint noted with its line"
grep_err "line 13: fingerprint split across lines not read" "split fingerprint noted with its line"
cp "$TMP/out" "$TMP/extracted.json"
expect_status 0 "what extract prints is what audit add takes" "$PKIWARD" audit add "$TMP/extracted.json"

# --- CCADB samples: import cleanly, counts checked against the CSV rows ---------------
CC="$PW_CORPUS_DIR/ccadb"
DB2="$TMP/ccadb.db"
read -r R24 R25 RV <<<"$(python3 - "$CC" <<'PY'
import csv, sys
d = sys.argv[1]
n = lambda f: sum(1 for _ in csv.DictReader(open(f"{d}/{f}", newline="", encoding="utf-8")))
print(n("AllCertificatePEMsCSVFormat_NotBeforeYear_2024"), n("AllCertificatePEMsCSVFormat_NotBeforeYear_2025"),
      n("AllCertificateRecordsCSVFormatV5.sample.csv"))
PY
)"
expect_status 0 "import the CCADB PEM and record reports" "$PKIWARD" audit import --store "$DB2" \
  "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_2024" "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_2025" \
  "$CC/AllCertificateRecordsCSVFormatV5.sample.csv"
grep_out "2024: AllCertificatePEMsCSVFormat: rows $R24, certificates added $R24," "2024: every row imported ($R24)"
grep_out "2025: AllCertificatePEMsCSVFormat: rows $R25, certificates added $R25," "2025: every row imported ($R25)"
grep_out "V5.sample.csv: AllCertificateRecordsCSVFormatV5: rows $RV, records $RV" "records: every row ($RV)"
check "the store holds exactly those certificates" test "$("$PKIWARD" find --store "$DB2" --count)" -eq $((R24 + R25))
expect_status 0 "inventory of the CCADB corpus" "$PKIWARD" audit inventory --store "$DB2" --json
check "every imported certificate is in the inventory (+ the record-only row)" python3 -c "
import json; d=json.load(open('$TMP/out')); assert d['ca_certificates']==$R24+$R25+$RV-1 or d['ca_certificates']==$R24+$R25+$RV, d['ca_certificates']"
expect_status 0 "importing again adds nothing" "$PKIWARD" audit import --store "$DB2" "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_2024"
grep_out "certificates added 0, already present $R24" "second import: all already present"

# --- bad CSV: the line is named and nothing is imported -------------------------
DB3="$TMP/bad.db"
python3 - "$CC/AllCertificatePEMsCSVFormat_NotBeforeYear_2024" "$TMP" <<'PY'
import sys
src = open(sys.argv[1], newline="").read()
rows = src.split('-----END CERTIFICATE-----"\n')
# rows[0] holds the header and the first record; cut the 5th record's PEM column off
head = '-----END CERTIFICATE-----"\n'.join(rows[:4]) + '-----END CERTIFICATE-----"\n'
fifth_fp = rows[4].split(",", 1)[0]
open(sys.argv[2] + "/missing-col.csv", "w", newline="").write(head + fifth_fp + "\n")
open(sys.argv[2] + "/bad-quote.csv", "w", newline="").write(head + fifth_fp + ',"-----BEGIN CERTIFICATE-----\nAAAA\n')
open(sys.argv[2] + "/stray-quote.csv", "w", newline="").write(head + fifth_fp + 'x"y,z\n')
PY
LINE=$(( $(python3 -c "import sys; print(open('$TMP/missing-col.csv').read().count(chr(10)))") ))
expect_status 2 "a row with a missing column is refused" "$PKIWARD" audit import --store "$DB3" "$TMP/missing-col.csv"
grep_err "missing-col.csv: .*line $LINE: 1 columns, the header has 2" "error names line $LINE"
grep_err "nothing imported from this file" "says nothing was imported"
check "no certificate stored from the refused file" test "$("$PKIWARD" find --store "$DB3" --count)" -eq 0
expect_status 2 "an unterminated quoted field is refused" "$PKIWARD" audit import --store "$DB3" "$TMP/bad-quote.csv"
grep_err "line $LINE, column 2: quoted field never closed" "error names the line and column where the quote opened"
expect_status 2 "a quote inside an unquoted field is refused" "$PKIWARD" audit import --store "$DB3" "$TMP/stray-quote.csv"
grep_err "line $LINE, column 1: '\"' inside an unquoted field" "error names line and column"
check "still nothing stored" test "$("$PKIWARD" find --store "$DB3" --count)" -eq 0

finish
