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
expect_status 0 "re-ingest into PostgreSQL" "$PKIWARD" ingest --store "$PGS" "$TMP/c/certs.der" "$TMP/c"/ca/*.pem
grep_out "ingested 0, already present [1-9][0-9]*" "a second ingest changes nothing"

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
