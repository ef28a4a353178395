#!/usr/bin/env bash
# End to end: the feature areas (issue 9) on PostgreSQL. The existing e2e
# tests of those features -- crl (CA registry, CRL numbers), ocsp, audit
# (inventory), incident, monitor, serve (tokens, nonces, challenges, ACME),
# report_email and report_key (problem reports) -- are run twice, unchanged
# except for the store location: once on SQLite as written, once with every
# store they create pointing at its own database of a throwaway PostgreSQL
# cluster. Their direct SQL checks (`sqlite3 STORE "SELECT ..."`) go through
# a shim that hands the same statement to psql when STORE is a postgresql://
# URL (X'..' blob literals become bytea, char() chr(), and booleans print
# as 1/0 as SQLite prints them). Both runs must pass every
# assertion, and the lists of assertions passed must be identical.
# Then a policy scenario (policy check, revoke plans) is compared output by
# output on both backends, and two concurrent `crl generate` runs against one
# PostgreSQL store must hand out distinct, increasing CRL numbers.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
E2E="$PW_SOURCE_DIR/tests/e2e"
PSQL=("$PG_BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward)
# Each sub-test's own run must not outlive the whole test's budget.
SUB_TIMEOUT=${PW_PG_SUB_TIMEOUT:-600}

# ---- the sqlite3 shim ----
mkdir -p "$TMP/shim"
REAL_SQLITE3=$(command -v sqlite3 || true)
cat >"$TMP/shim/sqlite3" <<EOF
#!/usr/bin/env bash
case "\${1:-}" in
postgresql://*|postgres://*)
  url=\$1; shift
  sql=\$(python3 -c 'import re, sys; print(re.sub(r"(?<![\w\x27])[Xx]\x27((?:[0-9a-fA-F]{2})+)\x27", lambda m: "\x27\\\\x" + m.group(1) + "\x27::bytea", sys.argv[1]).replace("char(10)", "chr(10)"))' "\$1")
  # SQLite prints a boolean expression as 1/0.
  set -o pipefail
  "$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 "\$url" -c "\$sql" | sed -e 's/^t\$/1/' -e 's/^f\$/0/' ;;
*) exec ${REAL_SQLITE3:-false} "\$@" ;;
esac
EOF
chmod +x "$TMP/shim/sqlite3"
X=$(printf 'ab' | sha256sum | cut -c1-64)
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward shimtest
check "the shim turns X'..' into bytea" test "$(PATH="$TMP/shim:$PATH" sqlite3 \
  "postgresql://pkiward@127.0.0.1:$PG_PORT/shimtest" "SELECT encode(X'$X', 'hex')")" = "$X"

# ---- each feature test on both backends ----
# rewrite SRC DST DBPREFIX: DST is SRC with every `VAR="$TMP/name.db"` store
# (and `export PKIWARD_STORE=...`) pointing at a new database DBPREFIX_<n>.
rewrite() {
  python3 - "$1" "$2" "$3" "$E2E" "$PG_PORT" <<'PY'
import re, subprocess, sys
src, dst, prefix, e2e, port = sys.argv[1:]
text = open(src).read()
n = 0
def repl(m):
    global n
    n += 1
    db = "%s_%d" % (prefix, n)
    print(db)
    return '%s="postgresql://pkiward@127.0.0.1:%s/%s"' % (m.group(1), port, db)
text = re.sub(r'^((?:export )?[A-Z_]+)="\$TMP/[A-Za-z0-9_]+\.db"$', repl, text, flags=re.M)
text = text.replace('$(dirname "$0")', e2e)
open(dst, "w").write(text)
PY
}
run_both() { # run_both NAME
  local t=$1 db
  rewrite "$E2E/$t.sh" "$TMP/pg_$t.sh" "$t" >"$TMP/$t.dbs"
  if [ ! -s "$TMP/$t.dbs" ]; then not_ok "$t.sh: no store location found to rewrite"; return; fi
  while read -r db; do "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward "$db"; done <"$TMP/$t.dbs"
  set +e
  timeout "$SUB_TIMEOUT" env PATH="$TMP/shim:$PATH" bash "$E2E/$t.sh" >"$TMP/$t.lite.log" 2>&1
  local lite=$?
  timeout "$SUB_TIMEOUT" env PATH="$TMP/shim:$PATH" bash "$TMP/pg_$t.sh" >"$TMP/$t.pg.log" 2>&1
  local pg=$?
  set -e
  # The assertions passed, without numbers that differ run to run.
  grep '^ok - ' "$TMP/$t.lite.log" | sed -E 's/[0-9]+/N/g' >"$TMP/$t.lite.ok" || true
  grep '^ok - ' "$TMP/$t.pg.log" | sed -E 's/[0-9]+/N/g' >"$TMP/$t.pg.ok" || true
  local n
  n=$(wc -l <"$TMP/$t.pg.ok")
  if [ "$pg" -eq 0 ] && [ "$lite" -eq 0 ] && cmp -s "$TMP/$t.lite.ok" "$TMP/$t.pg.ok"; then
    ok "$t.sh on PostgreSQL: all $n assertions pass, the same as on SQLite"
  else
    not_ok "$t.sh: SQLite exit $lite, PostgreSQL exit $pg"
    local side
    for side in lite pg; do # the failing lines of both runs, so either can be diagnosed
      { grep -E -A3 '^not ok' "$TMP/$t.$side.log" || tail -5 "$TMP/$t.$side.log"; } | head -30 |
        sed "s/^/    $side: /"
    done
    { diff "$TMP/$t.lite.ok" "$TMP/$t.pg.ok" || true; } | head -10 | sed 's/^/    diff: /'
  fi
}
# The default set keeps CI within its time budget: the areas the other
# PostgreSQL tests do not reach (publish, inventory, incident, monitor).
# serve and ocsp run on PostgreSQL in pg_nodes.sh and pg_outage.sh; the full
# list is PW_PG_AREA_TESTS="crl ocsp audit incident monitor serve
# report_email report_key" (about 15 minutes on two cores).
for t in ${PW_PG_AREA_TESTS:-crl audit incident monitor}; do
  run_both "$t"
done

# ---- policy: the same outputs from both backends ----
GEN="$PW_BUILD_DIR/gen_corpus"
"$GEN" --count 300 --out "$TMP/pc" --seed 7 --end 2026-06-30 --span-days 365 --quiet --threads 2 \
  --no-keys >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward policy
cat >"$TMP/cps.json" <<'J'
{"cps_version": "2.7", "cps_date": "2024-06-01",
 "dcv_methods": [
   {"section": "3.2.2.4.7", "from": "2019-06-01", "until": null},
   {"section": "3.2.2.4.20", "from": "2021-01-01", "until": null},
   {"section": "3.2.2.4.2", "from": "2019-06-01", "until": "2025-07-15"}],
 "profiles": ["dv", "ov"],
 "key_types": ["rsa-2048"]}
J
declare -A STORE=([lite]="$TMP/policy.db" [pg]="postgresql://pkiward@127.0.0.1:$PG_PORT/policy")
for k in lite pg; do
  S=${STORE[$k]}
  "$PKIWARD" init --store "$S" >/dev/null
  "$PKIWARD" ingest --store "$S" --quiet "$TMP/pc/ca/"*.pem "$TMP/pc/certs.der" \
    "$TMP/pc/metadata.jsonl" >/dev/null
  set +e
  "$PKIWARD" policy check --store "$S" --disclosure "$TMP/cps.json" --at 2026-07-01 \
    --irg-csv "$TMP/irg.$k.csv" --list "$TMP/list.$k" >"$TMP/policy.$k.txt" 2>&1
  echo $? >"$TMP/policy.$k.rc"
  "$PKIWARD" policy check --store "$S" --disclosure "$TMP/cps.json" --at 2026-07-01 --json \
    >"$TMP/policy.$k.json" 2>&1
  "$PKIWARD" revoke --plan --store "$S" --from-policy "$TMP/cps.json" --at 2026-07-01 \
    --include-expired --batch 10 --out "$TMP/plan.$k.json" >"$TMP/plan.$k.txt" 2>&1
  echo $? >"$TMP/plan.$k.rc"
  set -e
done
check "policy check: exit 1 (findings) on both backends" test \
  "$(cat "$TMP/policy.lite.rc") $(cat "$TMP/policy.pg.rc") $(cat "$TMP/plan.lite.rc") $(cat "$TMP/plan.pg.rc")" = "1 1 0 0"
check "policy check found certificates to compare ($(wc -l <"$TMP/list.pg") listed)" test -s "$TMP/list.pg"
# Outputs name the store and the plan file; plans' deadlines count from now.
normalize() { # normalize KIND FILE: the comparable form on stdout
  python3 - "$1" "$2" "${STORE[$1]}" "$TMP/plan.$1.json" <<'P'
import json, re, sys
kind, path, store, plan = sys.argv[1:]
text = open(path).read().replace(store, "STORE").replace(plan, "PLAN")
try:
    d = json.load(open(plan))
    for k in ("deadline", "created_at", "aware_at"):
        v = d.get(k)
        if isinstance(v, str) and v:
            text = text.replace(v, k.upper())
except (OSError, ValueError):
    pass
sys.stdout.write(text)
P
}
for f in policy.%s.txt policy.%s.json list.%s irg.%s.csv plan.%s.txt plan.%s.json; do
  normalize lite "$TMP/$(printf "$f" lite)" >"$TMP/a.cmp"
  normalize pg "$TMP/$(printf "$f" pg)" >"$TMP/b.cmp"
  if [ -s "$TMP/a.cmp" ] && cmp -s "$TMP/a.cmp" "$TMP/b.cmp"; then
    ok "${f//.%s/}: identical on SQLite and PostgreSQL ($(wc -l <"$TMP/a.cmp") lines)"
  else not_ok "${f//.%s/}: SQLite and PostgreSQL differ"; { diff "$TMP/a.cmp" "$TMP/b.cmp" || true; } | head -8 | cut -c1-200; fi
done

# ---- CRL numbers from two nodes at once ----
C="$TMP/pc"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward crlnum
CS="postgresql://pkiward@127.0.0.1:$PG_PORT/crlnum"
"$PKIWARD" init --store "$CS" >/dev/null
"$PKIWARD" ingest --store "$CS" --quiet "$C"/ca/*.pem >/dev/null
expect_status 0 "ca add on PostgreSQL" "$PKIWARD" ca add --store "$CS" --cert "$C/ca/r3.pem" --key "$C/ca/r3.key"
mkdir -p "$TMP/n1" "$TMP/n2"
pids=()
for node in n1 n2; do
  ( for _ in 1 2 3 4 5; do
      "$PKIWARD" crl generate --store "$CS" --out "$TMP/$node" >>"$TMP/$node.log" 2>&1 || echo FAIL >>"$TMP/$node.log"
    done ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
check "ten concurrent CRL generations all succeeded" bash -c "! grep -q FAIL '$TMP/n1.log' '$TMP/n2.log'"
NUMS=$("${PSQL[@]}" crlnum -c "SELECT string_agg(number::text, ' ' ORDER BY number) FROM publish_crl")
DISTINCT=$("${PSQL[@]}" crlnum -c "SELECT COUNT(DISTINCT number) = COUNT(*) AND COUNT(*) >= 10 FROM publish_crl")
check "CRL numbers from two nodes are distinct ($NUMS)" test "$DISTINCT" = t
NEXT=$("${PSQL[@]}" crlnum -c "SELECT next_crl_number > (SELECT MAX(number) FROM publish_crl) FROM publish_ca")
check "the counter is past every number handed out" test "$NEXT" = t
EVN=$("${PSQL[@]}" crlnum -c "SELECT COUNT(*) FROM event WHERE kind = 'crl.numbers.reserved'")
check "every reservation is an event ($EVN)" test "$EVN" -ge 10
expect_status 0 "events verify: the chain of two nodes' events is intact" "$PKIWARD" events verify --store "$CS"

finish
