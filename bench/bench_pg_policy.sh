#!/usr/bin/env bash
# policy check and point lookups on PostgreSQL (issue 9: `policy check` over
# 10,000,000 certificates < 60 s; lookups p99 < 1 ms).
#
#   PW_BUILD_DIR=build bench/bench_pg_policy.sh [N] [REPS] [LOOKUPS] [CLUSTER_DIR]
#
# Starts a PostgreSQL cluster (the Debian server binaries; loopback port,
# fsync=off since nothing here is about durability, shared_buffers 2 GB and
# work_mem 256 MB, which is what a server sized for a large certificate base
# has), creates an empty store with `pkiward init`, and runs bench_policy
# against it: the base of N synthetic certificates built with bulk SQL, REPS
# repetitions of the check plus listing the affected certificates, then
# LOOKUPS point lookups of each kind. With CLUSTER_DIR the cluster's files
# are kept there and a base of N certificates found in it is reused (a 10M
# base takes many minutes to build); without it they are removed at exit.
set -euo pipefail
N=${1:-1000000}
REPS=${2:-3}
LOOKUPS=${3:-2000}
KEEP_DIR=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
PW_BUILD_DIR=${PW_BUILD_DIR:-$HERE/../build}
BENCH=$PW_BUILD_DIR/bench_policy
[ -x "$BENCH" ] || { echo "build bench_policy in $PW_BUILD_DIR first" >&2; exit 2; }
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL server binaries not installed" >&2; exit 2; }
if [ -n "$KEEP_DIR" ]; then D=$KEEP_DIR; mkdir -p "$D"; else D=$(mktemp -d); fi
RUN=()
if [ "$(id -u)" = 0 ]; then chown postgres "$D"; chmod 755 "$D"; RUN=(runuser -u postgres --); fi
stop() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$D/data" -m fast stop >/dev/null 2>&1 || true
  [ -n "$KEEP_DIR" ] || rm -rf "$D"
}
trap stop EXIT
if [ ! -f "$D/data/PG_VERSION" ]; then
  "${RUN[@]}" "$PG_BIN/initdb" -D "$D/data" -U pkiward --auth=trust -E UTF8 --no-locale >"$D/initdb.log" 2>&1 ||
    { cat "$D/initdb.log"; exit 1; }
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${RUN[@]}" "$PG_BIN/pg_ctl" -D "$D/data" -l "$D/server.log" -w -t 120 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $D -c fsync=off -c shared_buffers=2GB -c work_mem=256MB -c max_wal_size=8GB" \
  start >/dev/null || { cat "$D/server.log"; exit 1; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U pkiward pkiward 2>/dev/null || true
URL="postgresql://pkiward@127.0.0.1:$PORT/pkiward"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $URL (files in $D)"
"$BENCH" --store "$URL" --n "$N" --keep --reps "$REPS" --lookups "$LOOKUPS"
