#!/usr/bin/env bash
# End to end: the PostgreSQL backend (issue 9, first part) through the real
# binary on a throwaway cluster. The same corpus is ingested into SQLite and
# PostgreSQL and every find filter must answer identically on both; bad
# locations and foreign databases fail clearly.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
GEN="$PW_BUILD_DIR/gen_corpus"
LITE="$TMP/base.db"
PGS="$PW_PG_URL"

"$GEN" --count 300 --key-pool 60 --no-keys --quiet --out "$TMP/c" --seed 11 >/dev/null

expect_status 0 "init on PostgreSQL" "$PKIWARD" init --store "$PGS"
expect_status 0 "init again is harmless" "$PKIWARD" init --store "$PGS"
for S in "$LITE" "$PGS"; do
  expect_status 0 "ingest corpus, CAs and metadata into ${S%%:*}" "$PKIWARD" ingest --store "$S" --quiet \
    --lint "$TMP/c/certs.der" "$TMP/c"/ca/*.pem --metadata "$TMP/c/metadata.jsonl"
done
expect_status 0 "re-ingest into PostgreSQL (linted again)" "$PKIWARD" ingest --store "$PGS" --lint "$TMP/c/certs.der" "$TMP/c"/ca/*.pem
grep_out "ingested 0, already present [1-9][0-9]*" "a second ingest changes nothing"
check "re-linting replaced the findings: as many as on SQLite" test \
  "$(sqlite3 "$LITE" 'SELECT COUNT(*) FROM lint_finding')" = \
  "$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward -c 'SELECT COUNT(*) FROM lint_finding')"

# Same answers from both backends, filter by filter.
read -r DOMAIN METHOD PROFILE SPKI_SHA < <(python3 - "$TMP/c/metadata.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r = rows[0]
v = r["validations"][0]
name = v["name"].lstrip("*.")
print(".".join(name.split(".")[-2:]), v["method"], r.get("profile", "DV"), "x")
PY
)
filters=(
  ""
  "--domain $DOMAIN"
  "--dcv-method $METHOD"
  "--dcv-method $METHOD --issued-after 2020-01-01 --issued-before 2030-01-01"
  "--profile $PROFILE"
  "--precert"
  "--ca"
  "--unexpired --now 2026-01-01"
  "--lint w_subject_common_name_included"
)
for f in "${filters[@]}"; do
  # shellcheck disable=SC2086
  "$PKIWARD" find --store "$LITE" $f --json --limit 100000 >"$TMP/lite.json"
  # shellcheck disable=SC2086
  "$PKIWARD" find --store "$PGS" $f --json --limit 100000 >"$TMP/pg.json"
  nl=$(wc -l <"$TMP/lite.json")
  if [ "$nl" -gt 0 ] && python3 - "$TMP/lite.json" "$TMP/pg.json" <<'PY'
import json, sys
def load(p):
    rows = json.load(open(p))
    for r in rows:
        r.pop("ingested_at", None)
    return sorted(json.dumps(r, sort_keys=True) for r in rows)
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
  then ok "find ${f:-(all)}: $nl rows, identical on both backends"
  else not_ok "find ${f:-(all)}: SQLite and PostgreSQL differ (or no rows: $nl)"; diff <(sort "$TMP/lite.json") <(sort "$TMP/pg.json") | head -5; fi
done

SHA=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["sha256"])' "$TMP/lite.json")

# Revocation on PostgreSQL: durable, visible to find, an event, idempotent.
expect_status 0 "revoke on PostgreSQL" "$PKIWARD" revoke --store "$PGS" --sha256 "$SHA" --reason keyCompromise
check "find --revoked on PostgreSQL lists it" test "$("$PKIWARD" find --store "$PGS" --revoked --count)" -ge 1
"$PKIWARD" find --store "$PGS" --revoked --json >"$TMP/rev.json"
check "the revoked certificate is the one asked for" grep -q "$SHA" "$TMP/rev.json"
"$PKIWARD" revoke --store "$PGS" --sha256 "$SHA" --reason keyCompromise >"$TMP/out" 2>&1 || true
check "revoking again records no second revocation" test \
  "$("$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward -c "SELECT COUNT(*) FROM revocation")" = 1

# The event log on PostgreSQL: ingest batches are chained events; verify them.
expect_status 0 "events verify on PostgreSQL" "$PKIWARD" events verify --store "$PGS"
grep_out "intact" "the chain is intact"
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward -c "UPDATE event SET payload = '{}' WHERE id = 1"
expect_status 1 "an edited event is detected on PostgreSQL" "$PKIWARD" events verify --store "$PGS"

expect_status 0 "show by SHA-256 on PostgreSQL" "$PKIWARD" show --store "$PGS" "$SHA"
grep_out "$SHA" "show names the certificate"

# Bulk ingest (COPY into staging tables, issue 9): the cases where a batch
# written at once could differ from one certificate after the other. Each
# case runs on a fresh SQLite file and a fresh PostgreSQL database, and the
# ingest summaries and reports (stdout and stderr) must be identical.
pgq() { "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward "$1" -c "$2"; }
B="$TMP/bulk"; mkdir -p "$B"
for name in dup conflict ca_after; do "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward "$name"; done
# A CA and leaves it signed; leaves a and b share serial 0x1234 (a BR 7.1 conflict).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$B/ca.key" \
  -subj "/O=Bulk Test/CN=Bulk Test CA" -days 30 -out "$B/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
for n in a b c d; do
  case $n in a|b) ser=0x1234;; c) ser=0x5678;; d) ser=0x9abc;; esac
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$B/$n.key" \
    -subj "/CN=$n.bulk.example" -out "$B/$n.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s.bulk.example\nbasicConstraints=critical,CA:FALSE\n' "$n" >"$B/$n.ext"
  openssl x509 -req -in "$B/$n.csr" -CA "$B/ca.pem" -CAkey "$B/ca.key" -set_serial "$ser" \
    -days 10 -extfile "$B/$n.ext" -out "$B/$n.pem" 2>/dev/null
done
cat "$B/a.pem" "$B/c.pem" "$B/a.pem" "$B/d.pem" "$B/c.pem" >"$B/dup.pem"   # repeats in one input
cat "$B/a.pem" "$B/b.pem" "$B/c.pem" >"$B/conflict.pem"                   # b has a's serial
cat "$B/c.pem" "$B/d.pem" "$B/ca.pem" "$B/a.pem" >"$B/ca_after.pem"       # the CA after two of its leaves
check "bulk test certificates made" test -s "$B/d.pem" -a -s "$B/ca.pem"

# same_ingest NAME ARGS...: one ingest into SQLite ($B/NAME.db) and PostgreSQL
# (database NAME); exit status and output must be the same.
same_ingest() {
  local name=$1; shift
  local sl=0 sp=0
  "$PKIWARD" ingest --store "$B/$name.db" "$@" >"$B/$name.lite.out" 2>&1 || sl=$?
  "$PKIWARD" ingest --store "postgresql://pkiward@127.0.0.1:$PG_PORT/$name" "$@" >"$B/$name.pg.out" 2>&1 || sp=$?
  if [ "$sl" = "$sp" ] && cmp -s "$B/$name.lite.out" "$B/$name.pg.out"; then
    ok "ingest into $name: same exit status ($sl) and output on both backends"
  else
    not_ok "ingest into $name: SQLite exit $sl, PostgreSQL exit $sp, or their outputs differ"
    diff "$B/$name.lite.out" "$B/$name.pg.out" | head -10
  fi
  cp "$B/$name.pg.out" "$TMP/out"
}

same_ingest dup "$B/dup.pem"
grep_out "ingested 3, already present 2, rejected 0" "a certificate twice in one input: stored once, then already present"
same_ingest dup "$B/dup.pem"
grep_out "ingested 0, already present 5, rejected 0" "re-ingest: every copy already present"
check "no duplicate rows on PostgreSQL (certificate/name/der)" test \
  "$(pgq dup 'SELECT COUNT(*) FROM certificate')/$(pgq dup 'SELECT COUNT(*) FROM name')/$(pgq dup 'SELECT COUNT(*) FROM certificate_der')" = "3/3/3"

same_ingest conflict "$B/conflict.pem"
grep_out "ingested 2, already present 0, rejected 1" "an issuer+serial conflict within one batch is rejected"
check "the rejection cites the serial (BR 7.1: unique per issuer)" grep -q "already has serial 1234" "$B/conflict.pg.out"
same_ingest conflict "$B/b.pem" "$B/a.pem"
grep_out "ingested 0, already present 1, rejected 1" "across batches: the stored one is present, the other conflicts"

same_ingest ca_after "$B/ca_after.pem"
grep_out "ingested 4, already present 0, rejected 0" "a CA after its leaves in one input"
"$PKIWARD" find --store "$B/ca_after.db" --ca --json >"$TMP/lite.json"
"$PKIWARD" find --store "postgresql://pkiward@127.0.0.1:$PG_PORT/ca_after" --ca --json >"$TMP/pg.json"
check "find --ca: the same CA certificate on both backends" python3 - "$TMP/lite.json" "$TMP/pg.json" <<'PY'
import json, sys
a, b = ([r["sha256"] for r in json.load(open(p))] for p in sys.argv[1:])
sys.exit(0 if len(a) == 1 and a == b else 1)
PY
# Issuer linking (certificate.issuer_ca_id; the CLI does not print it): every
# leaf, before and after the CA in the input, points at the CA on both.
LINK_SQL="SELECT lower(hex(c.sha256)) || ' ' || a.subject FROM certificate c JOIN ca a ON a.id = c.issuer_ca_id WHERE c.is_ca = 0 ORDER BY 1"
sqlite3 "$B/ca_after.db" "$LINK_SQL" >"$B/link.lite"
pgq ca_after "SELECT encode(c.sha256, 'hex') || ' ' || a.subject FROM certificate c JOIN ca a ON a.id = c.issuer_ca_id WHERE c.is_ca = 0 ORDER BY 1" >"$B/link.pg"
check "issuer linking: the 3 leaves point at the CA on SQLite" test "$(wc -l <"$B/link.lite")" = 3
check "issuer linking: identical on PostgreSQL" cmp -s "$B/link.lite" "$B/link.pg"
for n in c a; do
  SHA_N=$(openssl x509 -in "$B/$n.pem" -outform DER | sha256sum | cut -c1-64)
  expect_status 0 "show $n.bulk.example on PostgreSQL" "$PKIWARD" show --store "postgresql://pkiward@127.0.0.1:$PG_PORT/ca_after" "$SHA_N"
  grep_out "Bulk Test CA" "show names its issuer"
done

# Small batches: many transactions, CA certificates between runs of leaves.
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward batches
same_ingest batches --batch 7 --lint "$TMP/c"/ca/*.pem "$TMP/c/certs.der" "$TMP/c"/ca/*.pem
"$PKIWARD" find --store "$B/batches.db" --json --limit 100000 >"$TMP/lite.json"
"$PKIWARD" find --store "postgresql://pkiward@127.0.0.1:$PG_PORT/batches" --json --limit 100000 >"$TMP/pg.json"
check "batches of 7: every row identical on both backends" python3 - "$TMP/lite.json" "$TMP/pg.json" <<'PY'
import json, sys
def load(p):
    rows = json.load(open(p))
    for r in rows:
        r.pop("ingested_at", None)
    return sorted(json.dumps(r, sort_keys=True) for r in rows)
a, b = load(sys.argv[1]), load(sys.argv[2])
sys.exit(0 if a and a == b else 1)
PY
check "batches of 7: as many lint findings as on SQLite" test \
  "$(sqlite3 "$B/batches.db" 'SELECT COUNT(*) FROM lint_finding')" = "$(pgq batches 'SELECT COUNT(*) FROM lint_finding')"

# Bad locations and foreign databases.
expect_status 2 "an unreachable server is a clear error" \
  "$PKIWARD" find --store "postgresql://pkiward@127.0.0.1:1/none?connect_timeout=3" --count
grep_err "postgresql: .*(refused|connect)" "the error says why"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward other
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U pkiward other -c "CREATE TABLE payroll (id int)"
expect_status 2 "a database holding other tables is refused" \
  "$PKIWARD" init --store "postgresql://pkiward@127.0.0.1:$PG_PORT/other"
grep_err "not a pkiward store" "and said so"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward empty
expect_status 2 "a database never initialised is not created by find" \
  "$PKIWARD" find --store "postgresql://pkiward@127.0.0.1:$PG_PORT/empty" --count
grep_err "pkiward init" "and the error says what to run"
finish
