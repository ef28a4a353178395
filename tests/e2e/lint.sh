#!/usr/bin/env bash
# End to end: pkiward lint through the real binary — formats, exit codes,
# directories with bad files, stdin, TBS linting, profiles, the catalogue.
source "$(dirname "$0")/lib.bash"
SEEDS="$PW_SOURCE_DIR/tests/fuzz/corpus/lint_cert_fuzz"
ZL="${PW_CORPUS_DIR:-$PW_SOURCE_DIR/../shared/corpus}/zlint/testdata"

# --- exit codes ---------------------------------------------------------------
expect_status 0 "a clean root certificate lints with exit 0" "$PKIWARD" lint "$SEEDS/root.der"
grep_out "profile root \[detected\]" "auto profile says what it detected"
expect_status 1 "a DV certificate with a locality is an error (BR 7.1.2.7.2)" \
  "$PKIWARD" lint "$ZL/domainValWithLocalPost200.pem"
grep_out "e_pkiward_dv_subject_attribute_not_allowed" "the DV allow-list finding is named"
expect_status 2 "a missing file is an input error" "$PKIWARD" lint "$TMP/nope.pem"
grep_err "nope.pem: cannot open" "the missing file is named"
expect_status 2 "an unknown profile is a usage error" "$PKIWARD" lint --profile gold "$SEEDS/root.der"
expect_status 2 "an unknown --only lint is a usage error" "$PKIWARD" lint --only e_nope "$SEEDS/root.der"

# --- a directory with junk does not stop the run ----------------------------------
mkdir -p "$TMP/d/sub"
cp "$SEEDS/root.der" "$SEEDS/crl.der" "$TMP/d/"
echo "not a certificate" >"$TMP/d/sub/junk.txt"
cp "$SEEDS/truncated.der" "$TMP/d/sub/"
cp "$SEEDS/dv_leaf_bundle.pem" "$TMP/d/sub/z_last.pem"
expect_status 1 "a directory with junk files: fatal verdicts, exit 1" "$PKIWARD" lint "$TMP/d"
grep_out "junk.txt: fatal: .*no \"-----BEGIN\"" "junk file gets its own verdict"
grep_out "truncated.der: fatal: byte [0-9]+" "truncated DER names the byte offset"
grep_out "z_last.pem: object 2" "files after the bad ones are still linted"
grep_out "4 objects in 5 inputs" "summary counts objects and inputs"

# --- JSON: one object alone is zlint's shape; several are JSON Lines ----------
expect_status 0 "--json on one certificate" "$PKIWARD" lint --json "$SEEDS/root.der"
check "single JSON object in zlint's shape" python3 - "$TMP/out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert "file" not in d
assert all(k[:2] in ("e_", "w_", "n_") for k in d), [k for k in d if k[:2] not in ("e_", "w_", "n_")]
assert all(v["result"] in ("pass", "info", "warn", "error", "fatal", "NA", "NE") for v in d.values())
assert d["e_pkiward_der_strict"]["result"] == "pass"
PY
expect_status 1 "--json on a directory" "$PKIWARD" lint --json "$TMP/d"
check "JSON Lines with file/object keys and error lines" python3 - "$TMP/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 6, len(rows)
errs = [r for r in rows if "error" in r]
assert len(errs) == 2 and all("file" in r for r in errs), errs
ok = [r for r in rows if "error" not in r]
assert all("file" in r and "object" in r and "profile" in r for r in ok)
assert {r["profile"] for r in ok} >= {"root", "dv"}
PY

# --- CSV --------------------------------------------------------------------------
expect_status 1 "--format csv" "$PKIWARD" lint --format csv "$ZL/domainValWithLocalPost200.pem"
grep_out "^file,object,type,profile,lint,result,citation,details$" "CSV header"
grep_out ",e_pkiward_dv_subject_attribute_not_allowed,error,BR 7.1.2.7.2," "CSV finding row"

# --- stdin, TBS, explicit profile -----------------------------------------------------
expect_status 0 "stdin" sh -c "cat '$SEEDS/root.der' | '$PKIWARD' lint -"
grep_out "<stdin>: object 1" "stdin is named <stdin>"
expect_status 0 "an unsigned TBS certificate lints before signing" "$PKIWARD" lint "$SEEDS/precert_tbs.der"
grep_out "object 1 \(tbs, profile dv" "the TBS is recognised and profiled"
expect_status 1 "the same TBS under --profile iv lacks the IV subject fields" \
  "$PKIWARD" lint --profile iv "$SEEDS/precert_tbs.der"
grep_out "e_pkiward_iv_subject_required_attribute_missing .*surname, givenName" "IV required fields named"
expect_status 1 "--tbs forces TBS parsing (a signed certificate then fails strict DER)" \
  "$PKIWARD" lint --tbs "$SEEDS/root.der"
grep_out "fatal +e_pkiward_der_strict" "strict DER failure is fatal"

# --- the catalogue ----------------------------------------------------------------
expect_status 0 "--list" "$PKIWARD" lint --list
grep_out "^e_pkiward_sub_cert_validity_exceeds_br_maximum +error +pkiward +certificate +2020-09-01" "catalogue row with dates"
expect_status 0 "--list --json" "$PKIWARD" lint --list --json
check "catalogue JSON" python3 -c "
import json,sys; d=json.load(open('$TMP/out'))
assert len(d) > 300 and all(x['citation'] for x in d)
assert any(x['name']=='e_pkiward_ct_poison_not_critical' for x in d)"
finish
