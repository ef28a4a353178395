# Shared helpers for end-to-end tests (sourced, not run).
set -euo pipefail
: "${PKIWARD:?PKIWARD must name the pkiward binary}"
: "${PW_BUILD_DIR:?}"
: "${PW_SOURCE_DIR:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { # check "description" command...
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# expect_status N "description" command... : runs command, checks exit status.
expect_status() {
  local want=$1 d=$2; shift 2
  set +e; "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?; set -e
  if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else
    not_ok "$d: exit $got, wanted $want"; sed 's/^/    stdout: /' "$TMP/out" | head -20; sed 's/^/    stderr: /' "$TMP/err" | head -20; fi
}
# grep_err PATTERN "description": the last command's stderr matches.
grep_err() { if grep -Eq -- "$1" "$TMP/err"; then ok "$2"; else not_ok "$2: stderr lacks /$1/"; sed 's/^/    stderr: /' "$TMP/err" | head -20; fi; }
grep_out() { if grep -Eq -- "$1" "$TMP/out"; then ok "$2"; else not_ok "$2: stdout lacks /$1/"; sed 's/^/    stdout: /' "$TMP/out" | head -20; fi; }
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
