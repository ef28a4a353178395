#!/usr/bin/env bash
# Lints every real CA certificate of the CCADB samples (issue 3, "Numbers"):
# extracts the PEM column of CCADB's AllCertificatePEMsCSVFormat reports,
# runs `pkiward lint --format csv` once over all of them, and prints the time
# (wall and CPU) and the error/warning findings per lint and per certificate.
# usage: bench/ccadb_lint.sh [PKIWARD] [CORPUS_DIR]
set -euo pipefail
PKIWARD=${1:-build/pkiward}
CORPUS=${2:-../shared/corpus}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$CORPUS/ccadb" "$TMP/all.pem" <<'PY'
import csv, glob, sys
csv.field_size_limit(1 << 24)
n = 0
with open(sys.argv[2], "w") as out:
    for path in sorted(glob.glob(sys.argv[1] + "/AllCertificatePEMsCSVFormat_*")):
        for row in csv.DictReader(open(path, newline="")):
            out.write(row["X.509 Certificate (PEM)"].strip() + "\n")
            n += 1
print(f"{n} CA certificates from CCADB reports")
PY
status=0
/usr/bin/time -f "lint: %e s wall, %U s user, %S s sys" \
  "$PKIWARD" lint --format csv "$TMP/all.pem" >"$TMP/out.csv" 2>"$TMP/time" || status=$?
tail -1 "$TMP/time"
echo "pkiward lint exit status: $status (1 = findings)"
python3 - "$TMP/out.csv" <<'PY'
import collections, csv, sys
by_lint = collections.Counter()
certs = collections.defaultdict(set)
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["result"] in ("fatal", "error", "warn"):
        by_lint[(r["result"], r["lint"])] += 1
        certs[r["result"]].add(r["object"])
for k in ("fatal", "error", "warn"):
    print(f"{k}: {sum(v for (s, _), v in by_lint.items() if s == k)} findings "
          f"on {len(certs[k])} certificates")
for (s, lint), v in by_lint.most_common(20):
    print(f"  {v:5d} {s:5s} {lint}")
PY
