# Shared by e2e tests that need PostgreSQL: starts a throwaway cluster on a
# free loopback port in $TMP (as the postgres user when run as root, since
# initdb refuses root), exports PW_PG_URL, and stops it on exit.
# Needs lib.bash sourced first ($TMP, the trap list). Sets PG_SKIP=1 when the
# server binaries are absent. With PG_TMPFS=1 the cluster's files live on
# /dev/shm when it has PG_TMPFS_MIN_MB free (creating and dropping many
# databases is file churn that a loaded disk makes seconds per database).
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_SKIP=0
pg_start() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then PG_SKIP=1; return 0; fi
  PG_DIR="$TMP/pg"
  PG_SHM=""
  if [ "${PG_TMPFS:-0}" = 1 ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
     [ "$(df -Pm /dev/shm | awk 'NR == 2 { print $4 }')" -ge "${PG_TMPFS_MIN_MB:-1024}" ]; then
    PG_SHM=$(mktemp -d /dev/shm/pw_pg.XXXXXX)
    chmod 755 "$PG_SHM"
    PG_DIR="$PG_SHM/pg"
  fi
  mkdir -p "$PG_DIR"
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$PG_DIR"
    chmod 755 "$TMP"
    run=(runuser -u postgres --)
  fi
  PG_RUN=("${run[@]}")
  trap 'pg_stop' EXIT
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${run[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U pkiward --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward
  export PW_PG_URL="postgresql://pkiward@127.0.0.1:$PG_PORT/pkiward"
}
pg_stop() {
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
  if [ -n "${PG_SHM:-}" ]; then rm -rf "$PG_SHM"; fi
}
