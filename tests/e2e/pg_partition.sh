#!/usr/bin/env bash
# End to end: PostgreSQL's certificate_der partitioned by notAfter (issue 9,
# migration 12; docs/postgresql.md "Partitions"). On a throwaway cluster:
# - ingest (bulk COPY path for leaves, one-row path for CA certificates)
#   puts each certificate's DER in the partition of its notAfter's UTC year,
#   the first and last second of a year included, and a notAfter outside
#   the window (1999, 2150, 9999) in certificate_der_default;
# - every stored DER hashes to its certificate's SHA-256, and show / find
#   answer byte for byte as a SQLite base of the same input does;
# - a DER lookup reads one partition (run-time pruning) and a notAfter
#   range reads only its years (plan-time pruning);
# - a row that sits in DEFAULT inside the window (written without the
#   partition function) is moved when its year's partition is created;
# - `store copy` into PostgreSQL fills the year partitions, and back to
#   SQLite keeps every DER;
# - a version-11 base (one certificate_der table, rows present) migrates
#   to 12 with every DER kept (count and content hash).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed"; exit 77; fi
PSQL=("$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U pkiward)
newdb() { "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U pkiward "$1"; echo "postgresql://pkiward@127.0.0.1:$PG_PORT/$1"; }
pgq() { local db=$1; shift; "${PSQL[@]}" -d "$db" -c "$*"; }
PG=$(newdb part)
LITE="$TMP/a.db"
C="$TMP/c"
X="$TMP/x"
mkdir -p "$X"

# ---- input: a generated corpus (notAfter over three years) and
# ---- certificates with chosen notAfter values ----
"$PW_BUILD_DIR/gen_corpus" --count 150 --key-pool 25 --out "$C" --seed 9 --quiet --threads 1 \
  --end 2026-06-01 --span-days 700 >/dev/null
python3 - "$X" <<'PY'
import datetime as dt, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
out = sys.argv[1]
U = dt.timezone.utc
def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
def cert(cn, nb, na, key, issuer_cn, issuer_key, ca, serial):
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(issuer_cn))
         .public_key(key.public_key()).serial_number(serial)
         .not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())
def t(s):
    return dt.datetime.fromisoformat(s).replace(tzinfo=U)
root_key = ec.generate_private_key(ec.SECP256R1())
# RFC 5280 §4.1.2.5: 99991231235959Z, "no well-defined expiration date".
root = cert("Partition Test Root", t("2020-01-01T00:00:00"), t("9999-12-31T23:59:59"),
            root_key, "Partition Test Root", root_key, True, 1)
mid_key = ec.generate_private_key(ec.SECP256R1())
mid = cert("Partition Test CA 2040", t("2020-01-01T00:00:00"), t("2040-06-01T00:00:00"),
           mid_key, "Partition Test Root", root_key, True, 2)
open(f"{out}/ca.pem", "wb").write(root.public_bytes(serialization.Encoding.PEM) +
                                  mid.public_bytes(serialization.Encoding.PEM))
leaves = {
    "y2025": ("2025-01-01T00:00:00", "2025-06-30T12:00:00"),
    "last2026": ("2026-01-01T00:00:00", "2026-12-31T23:59:59"),
    "first2027": ("2026-06-01T00:00:00", "2027-01-01T00:00:00"),
    "old1999": ("1999-01-01T00:00:00", "1999-12-31T23:59:59"),
    "far2150": ("2025-01-01T00:00:00", "2150-01-01T00:00:00"),
    "a2089": ("2025-01-01T00:00:00", "2089-05-01T00:00:00"),
    "b2089": ("2025-01-01T00:00:00", "2089-07-01T00:00:00"),
}
for i, (tag, (nb, na)) in enumerate(sorted(leaves.items())):
    k = ec.generate_private_key(ec.SECP256R1())
    c = cert(f"{tag}.partition.test", t(nb), t(na), k, "Partition Test CA 2040", mid_key, False, 100 + i)
    open(f"{out}/{tag}.der", "wb").write(c.public_bytes(serialization.Encoding.DER))
PY
sha_of() { sha256sum "$X/$1.der" | cut -c1-64; }
# The partition holding a certificate's DER, by SHA-256.
part_of() {
  pgq part "SELECT d.tableoid::regclass FROM certificate_der d JOIN certificate c ON c.id = d.cert_id
            WHERE c.sha256 = '\\x$1'::bytea"
}

expect_status 0 "init PostgreSQL base (schema 12)" "$PKIWARD" init --store "$PG"
grep_out "schema version 12" "... at schema version 12"
for S in "$PG" "$LITE"; do
  "$PKIWARD" ingest --store "$S" --quiet "$C/certs.der" "$C"/ca/*.pem "$X/ca.pem" \
    "$X"/y2025.der "$X"/last2026.der "$X"/first2027.der "$X"/old1999.der "$X"/far2150.der \
    "$X"/a2089.der >"$TMP/ingest.out" 2>&1 ||
    { not_ok "ingest into $S"; cat "$TMP/ingest.out"; }
done
check "same certificate count on both backends" test \
  "$(pgq part 'SELECT COUNT(*) FROM certificate')" = "$(sqlite3 "$LITE" 'SELECT COUNT(*) FROM certificate')"

# ---- every row in the partition of its notAfter's year ----
check "one DER row per certificate, not_after = the certificate's" test \
  "$(pgq part 'SELECT COUNT(*) FROM certificate_der d JOIN certificate c ON c.id = d.cert_id AND c.not_after = d.not_after')/$(pgq part 'SELECT COUNT(*) FROM certificate')" = \
  "$(pgq part 'SELECT COUNT(*) FROM certificate')/$(pgq part 'SELECT COUNT(*) FROM certificate_der')"
# Expected partition per certificate, computed here from find --json's notAfter.
"$PKIWARD" find --store "$PG" --json --limit 100000 >"$TMP/find.pg"
pgq part "SELECT encode(c.sha256, 'hex'), d.tableoid::regclass FROM certificate_der d
          JOIN certificate c ON c.id = d.cert_id" >"$TMP/parts"
check "each DER in certificate_der_y<notAfter year> (2000-2099), else DEFAULT" python3 - \
  "$TMP/find.pg" "$TMP/parts" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
got = dict(l.strip().split("|") for l in open(sys.argv[2]) if l.strip())
bad = 0
years = set()
for r in rows:
    y = int(r["not_after"][:4])
    want = f"certificate_der_y{y}" if 2000 <= y <= 2099 else "certificate_der_default"
    years.add(want)
    if got.get(r["sha256"]) != want:
        bad += 1
        print(f"    {r['sha256'][:12]} notAfter {r['not_after']}: in {got.get(r['sha256'])}, want {want}")
sys.exit(0 if bad == 0 and len(rows) == len(got) and len(years) >= 5 else 1)
PY
check "gen_corpus leaves span at least two year partitions" test \
  "$(pgq part "SELECT COUNT(DISTINCT d.tableoid) FROM certificate_der d JOIN certificate c ON c.id = d.cert_id WHERE c.issuer LIKE '%pkiward Bench%'")" -ge 2
check "last second of 2026 -> certificate_der_y2026" test "$(part_of "$(sha_of last2026)")" = certificate_der_y2026
check "first second of 2027 -> certificate_der_y2027" test "$(part_of "$(sha_of first2027)")" = certificate_der_y2027
check "leaf expiring 2150 (bulk path) -> DEFAULT" test "$(part_of "$(sha_of far2150)")" = certificate_der_default
check "leaf expiring 1999 -> DEFAULT" test "$(part_of "$(sha_of old1999)")" = certificate_der_default
ROOT_SHA=$(openssl x509 -in "$X/ca.pem" -outform DER | sha256sum | cut -c1-64)
check "root expiring 9999-12-31 (one-row CA path) -> DEFAULT" test "$(part_of "$ROOT_SHA")" = certificate_der_default
check "CA expiring 2040 (one-row CA path) -> certificate_der_y2040" test \
  "$(pgq part "SELECT COUNT(*) FROM certificate_der_y2040")" = 1
check "no partition outside the window" test \
  "$(pgq part "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class k ON k.oid = i.inhrelid
               WHERE p.relname = 'certificate_der' AND k.relname <> 'certificate_der_default'
               AND substr(k.relname, 18)::int NOT BETWEEN 2000 AND 2099")" = 0

# ---- the bytes ----
check "every stored DER hashes to its certificate's SHA-256" test \
  "$(pgq part 'SELECT COUNT(*) FROM certificate_der d JOIN certificate c ON c.id = d.cert_id WHERE sha256(d.der) <> c.sha256')" = 0
"$PKIWARD" find --store "$LITE" --json --limit 100000 >"$TMP/find.lite"
check "find --json (names parsed from the DER): identical on SQLite and PostgreSQL" \
  bash -c "cmp -s '$TMP/find.lite' '$TMP/find.pg' && test -s '$TMP/find.pg'"
for tag in y2025 last2026 first2027 far2150 old1999; do
  sha=$(sha_of "$tag")
  # (All but the ingest time: each base was written at its own second.)
  check "show $tag: identical on both backends" bash -c \
    "diff <('$PKIWARD' show --store '$LITE' --sha256 $sha | grep -v '^ingested at:') \
          <('$PKIWARD' show --store '$PG' --sha256 $sha | grep -v '^ingested at:') >/dev/null &&
     '$PKIWARD' show --store '$PG' --sha256 $sha | grep -q '^sha256: $sha'"
done
check "find --name (DER read through the lookup): the 2150 leaf" bash -c \
  "'$PKIWARD' find --store '$PG' --name far2150.partition.test --json | grep -q '\"not_after\":\"2150-01-01T00:00:00Z\"'"

# ---- partition pruning ----
SHA26=$(sha_of last2026)
pgq part "SET plan_cache_mode = force_generic_plan;
          PREPARE l(bytea) AS SELECT d.der FROM certificate c JOIN certificate_der d
            ON d.cert_id = c.id AND d.not_after = c.not_after WHERE c.sha256 = \$1;
          EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE l('\\x$SHA26'::bytea)" >"$TMP/plan1"
NPART=$(pgq part "SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'certificate_der'")
check "a DER lookup ($NPART partitions) executes one partition's scan (run-time pruning)" python3 - "$TMP/plan1" "$NPART" <<'PY'
import re, sys
plan = open(sys.argv[1]).read()
n = int(sys.argv[2])
scans = re.findall(r"Scan (?:using \S+ )?on (certificate_der_\w+)[^\n]*\(([^)]*)\)", plan)
ran = [p for p, a in scans if "never executed" not in a]
removed = sum(int(x) for x in re.findall(r"Subplans Removed: (\d+)", plan))
ok = ran == ["certificate_der_y2026"] and len(scans) + removed == n
if not ok:
    print(plan)
sys.exit(0 if ok else 1)
PY
pgq part "EXPLAIN (COSTS OFF) SELECT COUNT(*) FROM certificate_der
          WHERE not_after >= 1767225600 AND not_after < 1798761600" >"$TMP/plan2"
check "certificates expiring in 2026 (a notAfter range): only certificate_der_y2026 is planned" bash -c \
  "grep -q 'certificate_der_y2026' '$TMP/plan2' && test \"\$(grep -c 'on certificate_der_' '$TMP/plan2')\" = 1"

# ---- a row in DEFAULT inside the window moves to its new partition ----
# As if written without pw_certificate_der_partition: the 2089 partition
# is dropped and its row re-inserted through the parent (routed to DEFAULT).
A89=$(sha_of a2089)
pgq part "BEGIN;
          CREATE TEMP TABLE keep AS SELECT * FROM certificate_der_y2089;
          DROP TABLE certificate_der_y2089;
          INSERT INTO certificate_der SELECT * FROM keep;
          COMMIT" >/dev/null
check "(setup) the 2089 row sits in DEFAULT" test "$(part_of "$A89")" = certificate_der_default
expect_status 0 "ingest another certificate expiring in 2089" "$PKIWARD" ingest --store "$PG" "$X/b2089.der"
grep_out "ingested 1," "... stored"
check "... its year's partition was created and the DEFAULT row moved into it" test \
  "$(part_of "$A89")/$(part_of "$(sha_of b2089)")" = certificate_der_y2089/certificate_der_y2089
check "... the moved DER is intact" test \
  "$(pgq part "SELECT COUNT(*) FROM certificate_der_y2089 d JOIN certificate c ON c.id = d.cert_id AND sha256(d.der) = c.sha256")" = 2
"$PKIWARD" ingest --store "$LITE" --quiet "$X/b2089.der" >/dev/null

# ---- store copy: into a new PostgreSQL base (year partitions filled
# ---- before the DER is copied), to SQLite and back ----
PG2=$(newdb part2)
expect_status 0 "store copy PostgreSQL -> PostgreSQL" "$PKIWARD" store copy --from "$PG" --to "$PG2" --quiet
grep_out "^verified: every table" "... verified"
check "... the copy's DER rows are in the same partitions as the source's" test \
  "$(pgq part "SELECT string_agg(t || ':' || n, ',' ORDER BY t) FROM (SELECT tableoid::regclass::text t, COUNT(*) n FROM certificate_der GROUP BY 1) x")" = \
  "$(pgq part2 "SELECT string_agg(t || ':' || n, ',' ORDER BY t) FROM (SELECT tableoid::regclass::text t, COUNT(*) n FROM certificate_der GROUP BY 1) x")"
LITE2="$TMP/b.db"
expect_status 0 "store copy SQLite -> a new PostgreSQL base" "$PKIWARD" store copy --from "$LITE" --to "$(newdb part3)" --quiet
grep_out "^verified: every table" "... verified (not_after derived from certificate on the SQLite side)"
check "... DEFAULT holds only the rows outside the window" test \
  "$(pgq part3 "SELECT COUNT(*) FROM certificate_der_default")" = "$(pgq part "SELECT COUNT(*) FROM certificate_der_default")"
expect_status 0 "store copy PostgreSQL -> new SQLite" "$PKIWARD" store copy --from "$PG" --to "$LITE2" --quiet
grep_out "^verified: every table" "... verified"
check "... every DER kept" test \
  "$(sqlite3 "$LITE2" 'SELECT COUNT(*) FROM certificate_der')" = "$(pgq part 'SELECT COUNT(*) FROM certificate_der')"
expect_status 0 "store verify: SQLite copy and PostgreSQL base agree" "$PKIWARD" store verify --a "$LITE2" --b "$PG" --quiet

# ---- migration 11 -> 12 with rows present ----
# A version-11 base: certificate_der as migration 1 made it, no partition
# functions, schema_version at 11 (a base written by the previous release).
PG4=$(newdb part4)
"$PKIWARD" init --store "$PG4" >/dev/null
"$PKIWARD" ingest --store "$PG4" --quiet "$C/certs.der" "$C"/ca/*.pem "$X/ca.pem" "$X"/*.der >/dev/null
pgq part4 "BEGIN;
           CREATE TABLE der11 (cert_id BIGINT PRIMARY KEY REFERENCES certificate (id), der BYTEA NOT NULL);
           INSERT INTO der11 SELECT cert_id, der FROM certificate_der;
           DROP TABLE certificate_der;
           ALTER TABLE der11 RENAME TO certificate_der;
           ALTER INDEX der11_pkey RENAME TO certificate_der_pkey;
           DROP FUNCTION pw_certificate_der_partitions();
           DROP FUNCTION pw_certificate_der_partition(integer);
           DELETE FROM schema_version WHERE version = 12;
           COMMIT" >/dev/null
DIGEST="SELECT COUNT(*) || ':' || md5(string_agg(encode(sha256(der), 'hex'), ',' ORDER BY cert_id)) FROM certificate_der"
BEFORE=$(pgq part4 "$DIGEST")
check "(setup) a version-11 base with one plain certificate_der table" test \
  "$(pgq part4 "SELECT MAX(version) FROM schema_version")/$(pgq part4 "SELECT relkind FROM pg_class WHERE relname = 'certificate_der'")" = "11/r"
expect_status 2 "read-only open of the version-11 base asks for a migration" "$PKIWARD" find --store "$PG4" --limit 1
grep_err "needs migrating" "... saying so"
expect_status 0 "init migrates 11 -> 12" "$PKIWARD" init --store "$PG4"
grep_out "schema version 12" "... now at 12"
check "... every DER kept (count and content hash)" test "$(pgq part4 "$DIGEST")" = "$BEFORE"
check "... certificate_der is partitioned, rows in their year partitions" test \
  "$(pgq part4 "SELECT relkind FROM pg_class WHERE relname = 'certificate_der'")/$(pgq part4 "SELECT COUNT(*) FROM certificate_der d JOIN certificate c ON c.id = d.cert_id WHERE d.tableoid::regclass::text <> CASE WHEN EXTRACT(YEAR FROM to_timestamp(c.not_after) AT TIME ZONE 'UTC') BETWEEN 2000 AND 2099 THEN 'certificate_der_y' || EXTRACT(YEAR FROM to_timestamp(c.not_after) AT TIME ZONE 'UTC') ELSE 'certificate_der_default' END")" = "p/0"
"$PKIWARD" find --store "$PG" --json --limit 100000 >"$TMP/find.pg"
"$PKIWARD" find --store "$PG4" --json --limit 100000 >"$TMP/find.pg4"
check "... the migrated base answers find like the one written at 12 (same rows, DER-parsed names)" \
  python3 -c 'import json, sys; a, b = (sorted(json.dumps(r, sort_keys=True) for r in json.load(open(f))) for f in sys.argv[1:]); sys.exit(0 if a == b and len(a) > 150 else 1)' \
  "$TMP/find.pg" "$TMP/find.pg4"
expect_status 0 "... and takes new certificates" "$PKIWARD" ingest --store "$PG4" "$C/certs.der"
grep_out "already present 1[0-9][0-9]" "... (the corpus again: already present)"

finish
