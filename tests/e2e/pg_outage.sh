#!/usr/bin/env bash
# End to end: PostgreSQL going away mid-request (issue 9, "Bad input and
# faults"). A bulk revocation of a few thousand certificates is running when
# the server is stopped with `pg_ctl stop -m fast`; the client must fail
# with a clear error (no crash), a run while the server is down must fail
# the same way, and after a restart the same command resumes: in the end
# every certificate is revoked exactly once -- as many revocations and
# revocation events as an uninterrupted run on SQLite gives -- and the event
# chain verifies. A long-running process (`pkiward ocsp serve`) keeps
# running across the restart and answers from the database again once it
# is back (it reconnects).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
PGS="$PW_PG_URL"
LITE="$TMP/lite.db"
PSQL=("$PG_BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward)
TO=20
# Certificates in the bulk run: enough that it is still running when the
# server stops.
N=${PW_PG_OUTAGE_COUNT:-3000}

pg_ctl_as() { "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" "$@"; }
pg_restart() {
  pg_ctl_as -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
}

"$PW_BUILD_DIR/gen_corpus" --count "$N" --out "$TMP/c" --seed 31 --quiet --threads 2 --no-keys >/dev/null
for S in "$LITE" "$PGS"; do
  "$PKIWARD" init --store "$S" >/dev/null
  "$PKIWARD" ingest --store "$S" --quiet "$TMP/c/ca/"*.pem "$TMP/c/certs.der" >/dev/null
done
"$PKIWARD" find --store "$LITE" --csv --limit 1000000 >"$TMP/all.csv"
# Leaves only (revoking a CA certificate is another matter).
"$PKIWARD" find --store "$LITE" --ca --csv --limit 1000000 | cut -d, -f2 | tail -n +2 >"$TMP/ca.sha"
grep -v -F -f "$TMP/ca.sha" "$TMP/all.csv" >"$TMP/list.csv"
ITEMS=$(($(wc -l <"$TMP/list.csv") - 1))
check "a list of $ITEMS certificates to revoke" test "$ITEMS" -ge $((N / 2))

# The reference: one uninterrupted run on SQLite.
expect_status 0 "bulk revoke on SQLite, uninterrupted" "$PKIWARD" revoke --store "$LITE" \
  --csv "$TMP/list.csv" --reason superseded --batch 20
REF_REV=$("$PKIWARD" find --store "$LITE" --revoked --count)

# ---- the server stops mid-run ----
"$PKIWARD" revoke --store "$PGS" --csv "$TMP/list.csv" --reason superseded --batch 20 \
  >"$TMP/run1.out" 2>"$TMP/run1.err" &
RPID=$!
# Wait for the first committed batches, then stop the server under it.
started=0
for _ in $(seq 1 600); do
  n=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM revocation" 2>/dev/null || echo 0)
  if [ "${n:-0}" -ge 40 ]; then started=1; break; fi
  kill -0 "$RPID" 2>/dev/null || break
  sleep 0.05
done
pg_ctl_as -m fast -w -t 60 stop >/dev/null
set +e
for _ in $(seq 1 $((TO * 10))); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$RPID" 2>/dev/null; then kill -9 "$RPID"; RC1=hung; else wait "$RPID"; RC1=$?; fi
set -e
check "the revocation was running when the server stopped" test "$started" = 1
check "the interrupted run failed cleanly (exit $RC1: 2, not a crash or a hang)" test "$RC1" = 2
check "... saying the connection was lost" grep -Eqi "connection|server closed|terminating" "$TMP/run1.err"
sed 's/^/    run1: /' "$TMP/run1.err" | head -3

# ---- while it is down ----
expect_status 2 "a run while the server is down fails" "$PKIWARD" revoke --store "$PGS" \
  --csv "$TMP/list.csv" --reason superseded --batch 20
grep_err "postgresql|connect" "... with an error naming the database connection"

# ---- back again: the same command resumes ----
pg_restart
DONE_BEFORE=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM revocation")
check "some but not all were revoked before the stop ($DONE_BEFORE)" \
  test "$DONE_BEFORE" -gt 0 -a "$DONE_BEFORE" -lt "$REF_REV"
expect_status 0 "the same command after the restart completes the job" "$PKIWARD" revoke \
  --store "$PGS" --csv "$TMP/list.csv" --reason superseded --batch 20
grep_out "resumed" "... as a resumed job"
PG_REV=$("$PKIWARD" find --store "$PGS" --revoked --count)
check "revoked on PostgreSQL = on SQLite ($PG_REV = $REF_REV)" test "$PG_REV" = "$REF_REV"
ROWS=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM revocation")
check "one revocation row per revoked certificate ($ROWS)" test "$ROWS" = "$REF_REV"
EV_PG=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM event WHERE kind LIKE 'revocation%' OR kind LIKE 'revoke.%'")
EV_LITE=$(sqlite3 "$LITE" "SELECT COUNT(*) FROM event WHERE kind LIKE 'revocation%' OR kind LIKE 'revoke.%'")
check "revocation events: none lost, none doubled ($EV_PG = $EV_LITE)" test "$EV_PG" = "$EV_LITE"
PEND=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM revoke_job_item WHERE done_at IS NULL")
check "no job item left pending ($PEND)" test "$PEND" = 0
JOBS=$("${PSQL[@]}" -c "SELECT COUNT(*) || ' ' || SUM(done) || ' ' || SUM(total) FROM revoke_job")
check "one job, done = total ($JOBS)" test "$JOBS" = "1 $ITEMS $ITEMS"
expect_status 0 "events verify on PostgreSQL after the outage" "$PKIWARD" events verify --store "$PGS"
expect_status 0 "a third run changes nothing" "$PKIWARD" revoke --store "$PGS" \
  --csv "$TMP/list.csv" --reason superseded --batch 20
grep_out "revoked already|nothing changed" "... and says so"

# ---- a long-running process across a restart ----
C="$TMP/c"
# The first certificate of the list, as PEM (from the corpus' DER stream),
# and the CA certificate that issued it.
LEAF=$(sed -n 2p "$TMP/list.csv" | tr ',' '\n' | grep -Em1 '^[0-9a-f]{64}$')
python3 - "$C/certs.der" "$LEAF" "$TMP/leaf.der" <<'P'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
i = 0
while i < len(data):
    n = data[i + 1]
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(data[i + 2:i + 2 + k], "big")
        hdr = 2 + k
    else:
        hdr = 2
    der = data[i:i + hdr + n]
    if hashlib.sha256(der).hexdigest() == sys.argv[2]:
        open(sys.argv[3], "wb").write(der)
        break
    i += hdr + n
P
openssl x509 -inform DER -in "$TMP/leaf.der" -out "$TMP/leaf.pem" 2>/dev/null || true
ISSUER=$(openssl x509 -in "$TMP/leaf.pem" -noout -issuer -nameopt RFC2253 2>/dev/null | sed 's/^issuer=//')
CA_PEM=
for ca in "$C/ca/"*.pem; do
  if [ "$(openssl x509 -in "$ca" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" = "$ISSUER" ]; then
    CA_PEM=$ca; break
  fi
done
if [ -n "$CA_PEM" ]; then
  expect_status 0 "ca add (the leaf's issuer) on PostgreSQL" "$PKIWARD" ca add --store "$PGS" \
    --cert "$CA_PEM" --key "${CA_PEM%.pem}.key"
fi
"$PKIWARD" ocsp serve --store "$PGS" --listen 127.0.0.1:0 --max-stale 60 >"$TMP/serve.out" 2>"$TMP/serve.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null || true; pg_stop' EXIT
for _ in $(seq 1 100); do grep -q listening "$TMP/serve.out" 2>/dev/null && break; sleep 0.1; done
SPORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/serve.out" | head -1)
URL=${SPORT:+http://127.0.0.1:$SPORT/}
ask() { timeout $TO openssl ocsp -issuer "$CA_PEM" -cert "$TMP/leaf.pem" -url "$URL" -noverify 2>&1 || true; }
if [ -z "$URL" ] || [ -z "$CA_PEM" ]; then
  not_ok "ocsp serve on PostgreSQL did not start (url '$URL', issuer '$CA_PEM')"
  sed 's/^/    serve: /' "$TMP/serve.err" | head -5
else
  check "ocsp serve on PostgreSQL: the leaf is revoked" bash -c 'grep -q "revoked" <<<"$0"' "$(ask)"
  pg_ctl_as -m fast -w -t 60 stop >/dev/null
  ask >"$TMP/down.txt"
  check "while the database is down the responder stays up" kill -0 "$SPID"
  pg_restart
  got=
  for _ in $(seq 1 20); do
    got=$(ask)
    grep -q "revoked" <<<"$got" && break
    sleep 0.5
  done
  check "after the restart it answers from the database again (reconnected)" \
    bash -c 'grep -q "revoked" <<<"$0"' "$got"
  # A certificate it has never seen, issued and revoked after the restart:
  # only a responder that reads the database again can know either.
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/new.key" \
    -subj "/CN=new.e2e.test" -out "$TMP/new.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:new.e2e.test\nauthorityKeyIdentifier=keyid\n' \
    >"$TMP/new.ext"
  openssl x509 -req -in "$TMP/new.csr" -CA "$CA_PEM" -CAkey "${CA_PEM%.pem}.key" \
    -set_serial 0x5a5a5a5a5a5a5a5a -days 30 -sha256 -extfile "$TMP/new.ext" -out "$TMP/new.pem" 2>/dev/null
  expect_status 0 "ingest a new leaf after the restart" "$PKIWARD" ingest --store "$PGS" "$TMP/new.pem"
  ask_new() { timeout $TO openssl ocsp -issuer "$CA_PEM" -cert "$TMP/new.pem" -url "$URL" -noverify 2>&1 || true; }
  got=
  for _ in $(seq 1 20); do
    got=$(ask_new)
    grep -q "new.pem: good" <<<"$got" && break
    sleep 0.25
  done
  check "the responder answers good for it" bash -c 'grep -q "new.pem: good" <<<"$0"' "$got"
  grep -q "new.pem: good" <<<"$got" || sed 's/^/    ocsp: /' <<<"$got" | head -5
  expect_status 0 "revoke it through another process" "$PKIWARD" revoke --store "$PGS" \
    --sha256 "$(openssl x509 -in "$TMP/new.pem" -outform DER | sha256sum | cut -c1-64)" --reason keyCompromise
  got=
  for _ in $(seq 1 20); do
    got=$(ask_new)
    grep -q "new.pem: revoked" <<<"$got" && break
    sleep 0.25
  done
  check "... and then revoked" bash -c 'grep -q "new.pem: revoked" <<<"$0"' "$got"
fi
finish
