#!/usr/bin/env bash
# Issue 9: "every store test runs against both backends". CTest runs the
# cmocka unit tests on SQLite (label unit); this runs every unit test that
# opens its bases through tests/support/test_store.h again, on one throwaway
# PostgreSQL cluster: PW_TEST_PG_URL makes each base a fresh database there
# (created per test, dropped after it). One line per test program, pass or
# fail with its count and time; any failure fails this test.
source "$(dirname "$0")/lib.bash"
# Hundreds of CREATE/DROP DATABASE: keep the cluster off a busy disk.
PG_TMPFS=1
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
export PW_TEST_PG_URL="$PW_PG_URL"
# Programs at once (CI has 2 cores; each program waits on the server half
# the time), and the budget of one program.
JOBS=${PW_PG_UNIT_JOBS:-2}
BIN_TIMEOUT=${PW_PG_UNIT_TIMEOUT:-600}

# The programs: tests/<name>_test.c that include the fixture header, longest
# source first (a rough proxy for run time, so the long ones start early).
mapfile -t NAMES < <(grep -l '^#include "test_store.h"' "$PW_SOURCE_DIR"/tests/*_test.c |
  xargs ls -S | xargs -n1 basename | sed 's/\.c$//')
check "test programs use the two-backend fixture (${#NAMES[@]})" [ "${#NAMES[@]}" -ge 10 ]

mkdir -p "$TMP/log"
run_one() { # name: runs it, leaves "rc seconds" in $TMP/log/name.rc
  local name=$1 start rc
  start=$(date +%s.%N)
  set +e
  timeout "$BIN_TIMEOUT" "$PW_BUILD_DIR/$name" >"$TMP/log/$name.log" 2>&1
  rc=$?
  set -e
  echo "$rc $(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")" \
    >"$TMP/log/$name.rc"
}

T0=$(date +%s)
running=0
for name in "${NAMES[@]}"; do
  if [ ! -x "$PW_BUILD_DIR/$name" ]; then
    not_ok "$name: not built ($PW_BUILD_DIR/$name)"
    continue
  fi
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  run_one "$name" &
  running=$((running + 1))
done
wait || true

TOTAL=0
for name in "${NAMES[@]}"; do
  [ -f "$TMP/log/$name.rc" ] || continue
  read -r rc secs <"$TMP/log/$name.rc"
  n=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' "$TMP/log/$name.log" | tail -1)
  passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$TMP/log/$name.log" | tail -1)
  skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:/\1/p' "$TMP/log/$name.log" | tail -1)
  if [ "$rc" = 0 ] && [ -n "$n" ] && [ "$((${passed:-0} + ${skipped:-0}))" = "$n" ]; then
    TOTAL=$((TOTAL + n))
    ok "$name on PostgreSQL: $passed of $n tests passed${skipped:+, $skipped skipped} (${secs}s)"
  else
    not_ok "$name on PostgreSQL: exit $rc (${secs}s)"
    grep -E '^\[  (ERROR|FAILED) |^\[   LINE   \]|ERROR:|error:|Sanitizer' "$TMP/log/$name.log" | head -40 | sed 's/^/    /'
    tail -5 "$TMP/log/$name.log" | sed 's/^/    | /'
  fi
done
echo "# $TOTAL unit tests on PostgreSQL in $(($(date +%s) - T0))s ($JOBS at a time)"

# Every database a test made was dropped again (the server keeps only its
# own and the one lib_pg.bash made).
left=$("$PG_BIN/psql" -X -qtA -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward \
  -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'pwt\_%'")
check "no test database left behind (found $left)" [ "$left" = 0 ]
finish
