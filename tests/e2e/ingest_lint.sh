#!/usr/bin/env bash
# End to end: `pkiward ingest --lint` stores findings and `pkiward find --lint`
# answers "which certificates break rule X" (issue 3, item 6), on real zlint
# corpus certificates whose expected results are known.
source "$(dirname "$0")/lib.bash"
ZL="${PW_CORPUS_DIR:-$PW_SOURCE_DIR/../shared/corpus}/zlint/testdata"
S="$TMP/s.db"

# Two certificates zlint expects to fail different rules, one clean root.
mkdir -p "$TMP/in"
cp "$ZL/domainValWithLocalPost200.pem" "$TMP/in/dv_locality.pem"
cp "$PW_SOURCE_DIR/tests/fuzz/corpus/lint_cert_fuzz/root.der" "$TMP/in/root.der"

expect_status 0 "ingest without --lint stores no findings" "$PKIWARD" ingest --store "$S" --quiet "$TMP/in"
n=$(sqlite3 "$S" "SELECT COUNT(*) FROM lint_finding")
check "no findings without --lint (got $n)" test "$n" = 0

expect_status 0 "ingest --lint of already stored certificates re-lints them" \
  "$PKIWARD" ingest --store "$S" --quiet --lint --json "$TMP/in"
grep_out '"already_present": 2' "both certificates were already present"
grep_out '"linted": 2' "both were linted"

expect_status 0 "find --lint names the DV certificate with a locality" \
  "$PKIWARD" find --store "$S" --lint e_pkiward_dv_subject_attribute_not_allowed --json
dv_sha=$(openssl x509 -in "$TMP/in/dv_locality.pem" -outform DER | sha256sum | cut -c1-64)
grep_out "$dv_sha" "the finding is on the DV certificate's SHA-256"
root_sha=$(sha256sum "$TMP/in/root.der" | cut -c1-64)
if grep -q "$root_sha" "$TMP/out"; then not_ok "the clean root is not listed"; else ok "the clean root is not listed"; fi

expect_status 0 "find --lint --count" "$PKIWARD" find --store "$S" --lint e_pkiward_dv_subject_attribute_not_allowed --count
grep_out "^1$" "exactly one certificate has that finding"

# Findings are replaced, not accumulated: a stale row planted by hand goes away.
sqlite3 "$S" "INSERT INTO lint_finding (cert_id, lint, result) SELECT id, 'e_stale_lint', 'error' FROM certificate LIMIT 1"
expect_status 0 "re-ingest --lint" "$PKIWARD" ingest --store "$S" --quiet --lint "$TMP/in"
n=$(sqlite3 "$S" "SELECT COUNT(*) FROM lint_finding WHERE lint = 'e_stale_lint'")
check "a re-lint replaces earlier findings (stale rows: $n)" test "$n" = 0

# Every committed batch is an event carrying the counts.
n=$(sqlite3 "$S" "SELECT COUNT(*) FROM event WHERE kind = 'ingest.batch' AND payload LIKE '%\"linted\": 2%'")
check "ingest batches are events with their lint counts ($n)" test "$n" -ge 2

# A rejected object does not stop linting the rest.
printf 'garbage' >"$TMP/in/junk.der"
expect_status 1 "junk among certificates: exit 1, the rest linted" \
  "$PKIWARD" ingest --store "$S" --lint --json "$TMP/in"
grep_out '"linted": 2' "the two certificates were still linted"
finish
