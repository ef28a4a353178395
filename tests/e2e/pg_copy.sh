#!/usr/bin/env bash
# End to end: `pkiward store copy` (issue 9) between SQLite and PostgreSQL on
# a throwaway cluster. A base with certificates, names, metadata, lint
# findings, revocations, a blocked key, the event log and a registered CA
# with a published CRL is copied SQLite -> PostgreSQL -> a new SQLite file;
# find / show / events verify answer byte for byte the same on all three and
# the per-table counts and content hashes agree. Bad input: a target that is
# not empty, an unreachable server, a missing source, the same base twice, a
# database of another application, a value the target cannot hold (all or
# nothing: the target stays empty and a later copy succeeds), a tampered
# event log (copied faithfully, reported as not verifying).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
PSQL=("$PG_BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward)
newdb() { "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward "$1"; echo "postgresql://pkiward@127.0.0.1:$PG_PORT/$1"; }
LITE="$TMP/a.db"
LITE2="$TMP/b.db"
C="$TMP/c"

# ---- a base with something in every kind of table ----
"$PW_BUILD_DIR/gen_corpus" --count 200 --key-pool 40 --out "$C" --seed 21 --quiet --threads 1 >/dev/null
expect_status 0 "ingest (lint findings, metadata, CAs)" "$PKIWARD" ingest --store "$LITE" --quiet --lint \
  "$C/certs.der" "$C"/ca/*.pem --metadata "$C/metadata.jsonl"
mapfile -t SHAS < <("$PKIWARD" find --store "$LITE" --limit 3 --json | python3 -c \
  'import json,sys; [print(r["sha256"]) for r in json.load(sys.stdin)]')
expect_status 0 "revoke one (keyCompromise)" "$PKIWARD" revoke --store "$LITE" --sha256 "${SHAS[0]}" --reason keyCompromise
expect_status 0 "revoke another (superseded)" "$PKIWARD" revoke --store "$LITE" --sha256 "${SHAS[1]}" --reason superseded
CA_PEM=$(ls "$C"/ca/*.pem | head -1)
CA_KEY="${CA_PEM%.pem}.key"
if [ -f "$CA_KEY" ] && "$PKIWARD" ca add --store "$LITE" --cert "$CA_PEM" --key "$CA_KEY" --name copyca >/dev/null 2>&1; then
  mkdir -p "$TMP/crl"
  expect_status 0 "publish a CRL (publish area rows)" "$PKIWARD" crl generate --store "$LITE" --out "$TMP/crl"
fi
expect_status 0 "events verify on the source" "$PKIWARD" events verify --store "$LITE"

# Tables with rows in the source that this PostgreSQL schema lacks (feature
# areas not yet on PostgreSQL): the copy must refuse them unless told to
# leave them out, and then leave out exactly those.
PG1=$(newdb copy1)
"$PKIWARD" init --store "$PG1" >/dev/null
"$PKIWARD" store hash --store "$LITE" --json >"$TMP/h_lite.json"
"$PKIWARD" store hash --store "$PG1" --json >"$TMP/h_pg_empty.json"
MISSING=$(python3 - "$TMP/h_lite.json" "$TMP/h_pg_empty.json" <<'PY'
import json, sys
a = {t["name"]: t for t in json.load(open(sys.argv[1]))["tables"]}
b = {t["name"] for t in json.load(open(sys.argv[2]))["tables"]}
print(" ".join(sorted(n for n, t in a.items() if n not in b and t["rows_store"] > 0)))
PY
)
ALLOW=()
if [ -n "$MISSING" ]; then
  echo "# PostgreSQL lacks tables with rows: $MISSING"
  expect_status 2 "copy refuses to drop tables the target lacks" "$PKIWARD" store copy --from "$LITE" --to "$PG1" --quiet
  grep_err "has no table (${MISSING// /|}), which holds" "... naming the table"
  ALLOW=(--allow-missing)
fi

# ---- SQLite -> PostgreSQL ----
expect_status 0 "copy SQLite -> PostgreSQL" "$PKIWARD" store copy --from "$LITE" --to "$PG1" --batch 50 --quiet "${ALLOW[@]}"
grep_out "^verified: every table" "... verified by counts and hashes"
grep_out "event log on the target: [0-9]+ events, chain intact" "... and the copied event log verifies"
grep_out "^certificate +206 +206 +[0-9a-f]{16} [0-9a-f]{16} ok" "... certificate table: 206 rows (200 + 6 CAs), same hash"
"$PKIWARD" store copy --from "$LITE" --to "$(newdb copyjson)" --quiet --json "${ALLOW[@]}" >"$TMP/copy.json"
check "--json: every copied table matches, with full hashes on both sides" python3 - "$TMP/copy.json" "$MISSING" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
missing = set(sys.argv[2].split())
ok = j["verified"] and j["mismatches"] == 0 and j["events"]["intact"]
for t in j["tables"]:
    if t["name"] in missing:
        ok = ok and t["left_out"] and not t["match"]
    elif t["rows_source"] is not None and t["rows_target"] is not None:
        ok = ok and t["match"] and t["sha256_source"] == t["sha256_target"] and len(t["sha256_source"]) == 64
sys.exit(0 if ok and j["rows_copied"] > 200 else 1)
PY

# ---- PostgreSQL -> a new SQLite base ----
expect_status 0 "copy PostgreSQL -> new SQLite" "$PKIWARD" store copy --from "$PG1" --to "$LITE2" --quiet
grep_out "^verified: every table" "... verified"

# ---- the three bases answer alike ----
"$PKIWARD" find --store "$LITE" --json --limit 100000 >"$TMP/find.lite"
"$PKIWARD" find --store "$PG1" --json --limit 100000 >"$TMP/find.pg"
"$PKIWARD" find --store "$LITE2" --json --limit 100000 >"$TMP/find.lite2"
check "find --json: identical on SQLite, PostgreSQL and the copy back" bash -c \
  "cmp -s '$TMP/find.lite' '$TMP/find.pg' && cmp -s '$TMP/find.lite' '$TMP/find.lite2' && test -s '$TMP/find.lite'"
check "find --revoked --json: identical" bash -c \
  "diff <('$PKIWARD' find --store '$LITE' --revoked --json) <('$PKIWARD' find --store '$PG1' --revoked --json) >/dev/null &&
   diff <('$PKIWARD' find --store '$LITE' --revoked --json) <('$PKIWARD' find --store '$LITE2' --revoked --json) >/dev/null"
for sha in "${SHAS[@]}"; do
  check "show ${sha:0:12}: identical on all three" bash -c \
    "diff <('$PKIWARD' show --store '$LITE' --sha256 $sha) <('$PKIWARD' show --store '$PG1' --sha256 $sha) >/dev/null &&
     diff <('$PKIWARD' show --store '$LITE' --sha256 $sha) <('$PKIWARD' show --store '$LITE2' --sha256 $sha) >/dev/null"
done
for S in "$LITE" "$PG1" "$LITE2"; do "$PKIWARD" events verify --store "$S" --json; done >"$TMP/ev.json" 2>&1
check "events verify: intact, same count and head on all three" python3 - "$TMP/ev.json" <<'PY'
import json, sys
docs, buf = [], ""
for line in open(sys.argv[1]):
    buf += line
    if line.startswith("}"):
        docs.append(json.loads(buf)); buf = ""
heads = {(d["events"], d["last_id"], d["last_hash"]) for d in docs}
sys.exit(0 if len(docs) == 3 and all(d["intact"] for d in docs) and len(heads) == 1 and docs[0]["events"] > 2 else 1)
PY
"$PKIWARD" store hash --store "$PG1" --json >"$TMP/h_pg.json"
"$PKIWARD" store hash --store "$LITE2" --json >"$TMP/h_lite2.json"
# (A table whose columns differ between the backends hashes differently on
# its own; `store verify` compares such tables over their shared columns.)
check "store hash: each table with the same columns on both backends has the same rows and hash" python3 - \
  "$TMP/h_lite.json" "$TMP/h_pg.json" "$TMP/h_lite2.json" <<'PY'
import json, sys
a, p, b = ({t["name"]: t for t in json.load(open(f))["tables"]} for f in sys.argv[1:4])
ok = True
for n, t in p.items():
    if n in a and n in b and a[n]["columns"] == t["columns"]:
        same = a[n]["rows_store"] == t["rows_store"] == b[n]["rows_store"] and \
               a[n]["sha256_store"] == t["sha256_store"] == b[n]["sha256_store"]
        if not same:
            print("differs:", n, file=sys.stderr); ok = False
sys.exit(0 if ok and p["certificate"]["rows_store"] == 206 else 1)
PY
if [ -z "$MISSING" ]; then
  expect_status 0 "store verify: the round trip equals the original" "$PKIWARD" store verify --a "$LITE" --b "$LITE2"
else
  expect_status 1 "store verify: the round trip differs only in the tables left out" "$PKIWARD" store verify --a "$LITE" --b "$LITE2"
  check "... exactly those: $MISSING" test "$(grep -c DIFFERS "$TMP/out")" = "$(wc -w <<<"$MISSING")"
fi
expect_status 0 "store verify SQLite vs PostgreSQL: equal over shared tables" "$PKIWARD" store verify --a "$PG1" --b "$LITE2"
# New rows on the copy do not collide with copied ids (sequences moved on).
"$PW_BUILD_DIR/gen_corpus" --count 5 --out "$TMP/c2" --seed 99 --quiet --threads 1 --no-keys >/dev/null
expect_status 0 "ingest more into the PostgreSQL copy" "$PKIWARD" ingest --store "$PG1" --quiet "$TMP/c2/certs.der"
expect_status 0 "revoke on the PostgreSQL copy (new event id)" "$PKIWARD" revoke --store "$PG1" --sha256 "${SHAS[2]}" --reason cessationOfOperation
expect_status 0 "events verify after writing to the copy" "$PKIWARD" events verify --store "$PG1"
expect_status 1 "store verify now sees the difference" "$PKIWARD" store verify --a "$PG1" --b "$LITE2"
grep_out "^certificate .* DIFFERS" "... in the certificate table"

# ---- bad input ----
expect_status 2 "copy into a base that is not empty" "$PKIWARD" store copy --from "$LITE" --to "$PG1" --quiet "${ALLOW[@]}"
grep_err "target: not empty: table [a-z_]+ holds [0-9]+ rows" "... names a table and its rows"
grep_err "nothing was written" "... and says nothing was written"
expect_status 2 "copy into an existing SQLite base with rows" "$PKIWARD" store copy --from "$PG1" --to "$LITE" --quiet
grep_err "not empty" "... refused"
DEAD_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_status 2 "copy to an unreachable server" "$PKIWARD" store copy --from "$LITE" --to "postgresql://pkiward:secret@127.0.0.1:$DEAD_PORT/x" --quiet
grep_err "target: .*(refused|failed)" "... says the target cannot be reached"
check "... without echoing the password" bash -c "! grep -q secret '$TMP/err'"
expect_status 2 "copy from a missing file" "$PKIWARD" store copy --from "$TMP/none.db" --to "$TMP/x.db" --quiet
grep_err "source: .*none.db: No such file" "... names the source"
expect_status 2 "copy a base onto itself" "$PKIWARD" store copy --from "$LITE" --to "$TMP/../$(basename "$TMP")/a.db" --quiet
grep_err "same base" "... refused"
expect_status 2 "copy with a malformed URI" "$PKIWARD" store copy --from "$LITE" --to "postgresql://[bad" --quiet
grep_err "target" "... names the target"
OTHER=$(newdb other)
"${PSQL[@]}" other -c "CREATE TABLE payroll (id int)"
expect_status 2 "copy into another application's database" "$PKIWARD" store copy --from "$LITE" --to "$OTHER" --quiet
grep_err "not a pkiward store" "... refused"
expect_status 2 "copy without --to" "$PKIWARD" store copy --from "$LITE"
expect_status 2 "--batch 0" "$PKIWARD" store copy --from "$LITE" --to "$TMP/y.db" --batch 0

# A target whose schema lacks a table or a column holding data: refused
# unless leaving it out is allowed, and then reported as left out.
PG4=$(newdb copy4)
"$PKIWARD" init --store "$PG4" >/dev/null
"${PSQL[@]}" copy4 -c "DROP TABLE lint_finding"
expect_status 2 "copy refuses to leave out a table that holds rows" "$PKIWARD" store copy --from "$LITE" --to "$PG4" --quiet
grep_err "target: has no table lint_finding, which holds 650 rows in the source" "... naming the table and its rows"
check "... and wrote nothing" test "$("${PSQL[@]}" copy4 -c 'SELECT COUNT(*) FROM certificate')" = 0
expect_status 1 "--allow-missing copies the rest, exit 1 (not everything copied)" \
  "$PKIWARD" store copy --from "$LITE" --to "$PG4" --quiet --allow-missing
grep_out "^lint_finding +650 +- .*LEFT OUT" "... and reports the table left out"
grep_out "^certificate +206 +206 .* ok$" "... while the rest is verified"
PG5=$(newdb copy5)
"$PKIWARD" init --store "$PG5" >/dev/null
"${PSQL[@]}" copy5 -c "ALTER TABLE certificate DROP COLUMN subscriber"
expect_status 2 "copy refuses to leave out a column that holds values" "$PKIWARD" store copy --from "$LITE" --to "$PG5" --quiet
grep_err "table certificate has no column subscriber, which holds 200 values" "... naming table, column and count"

# All or nothing: a value the target column cannot hold stops the copy late
# (after other tables were written) and the target is left empty.
cp "$LITE" "$TMP/bad.db"
sqlite3 "$TMP/bad.db" "UPDATE validation SET at = 'yesterday' WHERE rowid = (SELECT MAX(rowid) FROM validation)" 2>/dev/null ||
  sqlite3 "$TMP/bad.db" "UPDATE validation SET at = 'yesterday' WHERE cert_id = (SELECT MAX(cert_id) FROM validation)"
PG3=$(newdb copy3)
expect_status 2 "copy stops at a text value in an integer column" "$PKIWARD" store copy --from "$TMP/bad.db" --to "$PG3" --quiet "${ALLOW[@]}"
grep_err "table validation, row [0-9]+, column at: text or bytes where the target column is integer" \
  "... naming table, row and column"
check "... and the target holds no certificate" test "$("${PSQL[@]}" copy3 -c 'SELECT COUNT(*) FROM certificate')" = 0
expect_status 0 "... a later copy into the same target succeeds" "$PKIWARD" store copy --from "$LITE" --to "$PG3" --quiet "${ALLOW[@]}"

# A tampered event log is copied faithfully and reported.
cp "$LITE" "$TMP/tampered.db"
sqlite3 "$TMP/tampered.db" "UPDATE event SET actor = 'mallory' WHERE id = 2"
expect_status 1 "copy of a tampered log: copied, but does not verify" "$PKIWARD" store copy --from "$TMP/tampered.db" --to "$TMP/t2.db" --quiet "${ALLOW[@]}"
grep_out "NOT VERIFIED: the copied event log" "... says the log does not verify"
grep_err "source's event log is broken too" "... and that the source's was already broken"
finish
