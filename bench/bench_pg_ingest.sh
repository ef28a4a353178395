#!/usr/bin/env bash
# Bulk ingest into PostgreSQL vs SQLite (issue 9: >= 30,000 certificates/s
# into PostgreSQL, with COPY).
#
#   PW_BUILD_DIR=build bench/bench_pg_ingest.sh [COUNT] [BATCH]
#
# Starts a throwaway PostgreSQL cluster (tests/e2e/lib_pg.bash: fsync=off, a
# loopback port, removed on exit), generates COUNT certificates with
# gen_corpus, and times `pkiward ingest` of the same file into an empty
# PostgreSQL database and an empty SQLite file, then once more into each
# (the re-ingest: every certificate already present).
# Prints, per run, wall time, the client's CPU time and, for PostgreSQL, the
# server backend's CPU time (the postmaster's reaped-children time, so it
# counts the ingest's backend once it disconnected), and certificates per
# second of wall and of CPU (client + server), then the PostgreSQL/SQLite
# ratios. On a shared machine wall time is noise; CPU time is the figure to
# compare.
set -euo pipefail
COUNT=${1:-20000}
BATCH=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
PW_BUILD_DIR=${PW_BUILD_DIR:-$HERE/../build}
PKIWARD=${PKIWARD:-$PW_BUILD_DIR/pkiward}
GEN=$PW_BUILD_DIR/gen_corpus
if [ ! -x "$PKIWARD" ] || [ ! -x "$GEN" ]; then echo "build pkiward and gen_corpus in $PW_BUILD_DIR first" >&2; exit 2; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=../tests/e2e/lib_pg.bash
source "$HERE/../tests/e2e/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed" >&2; exit 2; fi
PM_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
CLK=$(getconf CLK_TCK)

"$GEN" --count "$COUNT" --no-keys --quiet --out "$TMP/c" --seed 7 >/dev/null
"$PKIWARD" init --store "$PW_PG_URL" >/dev/null
EXTRA=()
[ -n "$BATCH" ] && EXTRA=(--batch "$BATCH")

# Reaped children's CPU seconds of the postmaster (fields 16-17 of /proc/PID/stat).
server_cpu() { awk -v clk="$CLK" '{ sub(/^.*\) /, ""); printf "%.3f", ($14 + $15) / clk }' "/proc/$PM_PID/stat"; }
# A backend's CPU time reaches the postmaster's only once it has been reaped:
# wait (at most 10 s) until the postmaster has no more children than before.
children() { ps -o pid= --ppid "$PM_PID" | wc -l; }
settle() { local _; for _ in $(seq 100); do [ "$(children)" -le "$1" ] && return 0; sleep 0.1; done; }

# run LABEL STORE: prints "LABEL wall user sys server"
run() {
  local label=$1 store=$2 s0 s1 t
  local base; base=$(children)
  s0=$(server_cpu)
  t=$( { TIMEFORMAT='%R %U %S'; time "$PKIWARD" ingest --quiet --store "$store" "${EXTRA[@]}" "$TMP/c/certs.der" >"$TMP/out.$label" 2>&1; } 2>&1 )
  settle "$base"
  s1=$(server_cpu)
  grep -q "ingested" "$TMP/out.$label" || { echo "$label: ingest failed:" >&2; cat "$TMP/out.$label" >&2; exit 1; }
  echo "$label $t $(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f", b - a }')"
}
{
  run pg "$PW_PG_URL"
  run sqlite "$TMP/base.db"
  run pg_again "$PW_PG_URL"
  run sqlite_again "$TMP/base.db"
} >"$TMP/times"
for l in pg sqlite pg_again sqlite_again; do sed -n 1p "$TMP/out.$l" | sed "s/^/$l: /"; done
awk -v n="$COUNT" '
  { wall[$1] = $2; cpu[$1] = $3 + $4 + $5
    printf "%-13s %6d certs  wall %7.2f s  client cpu %6.2f s  server cpu %6.2f s  %8.0f certs/s wall  %8.0f certs/s cpu\n",
      $1, n, $2, $3 + $4, $5, n / ($2 > 0 ? $2 : 0.001), n / (cpu[$1] > 0 ? cpu[$1] : 0.001) }
  END {
    printf "ratio PostgreSQL/SQLite (certs/s): first ingest wall %.2f, cpu %.2f; re-ingest wall %.2f, cpu %.2f\n",
      wall["sqlite"] / wall["pg"], cpu["sqlite"] / cpu["pg"], wall["sqlite_again"] / wall["pg_again"], cpu["sqlite_again"] / cpu["pg_again"]
  }' "$TMP/times"
