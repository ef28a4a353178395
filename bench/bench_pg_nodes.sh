#!/usr/bin/env bash
# Two pkiward nodes on one base: how long after node A answers a revocation
# does node B's OCSP say `revoked` and node B's CRL list it (issue 9: within
# 1 s; LISTEN/NOTIFY instead of a polling loop).
#
#   PW_BUILD_DIR=build bench/bench_pg_nodes.sh [N]
#
# Starts a throwaway PostgreSQL cluster (tests/e2e/lib_pg.bash), a CA and N
# leaves with their own keys, and two nodes (each `pkiward serve` + `crl
# generate --watch`). N revocations by ACME revokeCert on node A are timed
# from A's 200 to B's first `revoked` OCSP answer and to B's CRL listing the
# serial, polled every 5 ms (tests/e2e/acme_jws.py's client), in three runs:
#   notify   PostgreSQL with its change notification trigger (the default);
#   poll     the same base with the trigger disabled: nodes wait out their
#            poll interval (PW_PUBLISH_POLL_MS) — the behaviour before it;
#   sqlite   the base copied to SQLite (`store copy`), nodes on that file.
# Prints median, p90 and max per run. Latency is wall time, so a loaded
# machine inflates every run alike; compare runs of one invocation.
set -euo pipefail
N=${1:-20}
HERE=$(cd "$(dirname "$0")" && pwd)
PW_BUILD_DIR=${PW_BUILD_DIR:-$HERE/../build}
PKIWARD=${PKIWARD:-$PW_BUILD_DIR/pkiward}
export PW_SOURCE_DIR=${PW_SOURCE_DIR:-$HERE/..}
if [ ! -x "$PKIWARD" ]; then echo "build pkiward in $PW_BUILD_DIR first" >&2; exit 2; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=../tests/e2e/lib_pg.bash
source "$HERE/../tests/e2e/lib_pg.bash"
pg_start
if [ "$PG_SKIP" = 1 ]; then echo "PostgreSQL server binaries not installed" >&2; exit 2; fi
PIDS=()
stop_nodes() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_nodes; pg_stop' EXIT
cd "$TMP"
PSQL=("$PG_BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PG_PORT" -U pkiward pkiward)

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
openssl req -new -x509 -key ca.key -subj "/O=pkiward bench/CN=Nodes CA" -days 60 -out ca.pem \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
RUNS=(notify poll sqlite)
for r in "${RUNS[@]}"; do
  for i in $(seq 1 "$N"); do
    n="${r}_$i"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$n.key" 2>/dev/null
    openssl req -new -key "$n.key" -subj "/CN=$n.example.com" -out "$n.csr" 2>/dev/null
    openssl x509 -req -in "$n.csr" -CA ca.pem -CAkey ca.key -set_serial "$((RANDOM * 32768 + RANDOM + 4096))" \
      -days 30 -out "$n.pem" -extfile <(printf "subjectAltName=DNS:%s.example.com\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nauthorityKeyIdentifier=keyid\n" "$n") 2>/dev/null
    echo "$n.pem $n.key" >>"$r.list"
  done
done
"$PKIWARD" init --store "$PW_PG_URL" >/dev/null
"$PKIWARD" ingest --store "$PW_PG_URL" --quiet ca.pem ./*_*.pem >/dev/null
"$PKIWARD" ca add --store "$PW_PG_URL" --cert ca.pem --key ca.key --name nodes >/dev/null

start_nodes() { # start_nodes STORE
  local port
  for x in a b; do
    rm -rf "crl_$x"
    mkdir -p "crl_$x"
    "$PKIWARD" serve --store "$1" --listen 127.0.0.1:0 --crl-dir "crl_$x" --timeout 5 2>"serve_$x.err" &
    PIDS+=($!)
    "$PKIWARD" crl generate --store "$1" --out "crl_$x" --watch --refresh 1h >/dev/null 2>"crl_$x.err" &
    PIDS+=($!)
    port=""
    for _ in $(seq 150); do
      port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "serve_$x.err" | head -1)
      [ -n "$port" ] && break
      sleep 0.1
    done
    [ -n "$port" ] || { cat "serve_$x.err"; exit 2; }
    printf -v "PORT_$x" '%s' "$port"
  done
  for _ in $(seq 100); do [ -s crl_b/nodes/full.crl ] && break; sleep 0.1; done
}

measure() { # measure RUN
  python3 - "http://127.0.0.1:$PORT_a" "http://127.0.0.1:$PORT_b" "$1.list" ca.pem "$1" <<'PY'
import os, sys, time, urllib.request
sys.path.insert(0, os.path.join(os.environ["PW_SOURCE_DIR"], "tests", "e2e"))
import acme_jws as j
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
A, B, lst, capath, run = sys.argv[1:6]
ca = x509.load_pem_x509_certificate(open(capath, "rb").read())
def get(url, body=None, ctype=None):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype} if ctype else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.read()
res = {"ocsp": [], "crl": [], "ack": []}
for line in open(lst):
    cert, keyf = line.split()
    leaf = x509.load_pem_x509_certificate(open(cert, "rb").read())
    req = ocsp.OCSPRequestBuilder().add_certificate(leaf, ca, hashes.SHA1()).build().public_bytes(
        serialization.Encoding.DER)
    t0 = time.perf_counter()
    url, body = j.build(A, "good", j.cert_der(cert), j.load_key(keyf), None)
    st, _, _ = j.request(url, "POST", body, "application/jose+json")
    if st != 200:
        sys.exit("revokeCert: status %d" % st)
    t1 = time.perf_counter()
    res["ack"].append((t1 - t0) * 1000)
    o = c = None
    while (o is None or c is None) and time.perf_counter() - t1 < 10:
        if o is None and ocsp.load_der_ocsp_response(get(B + "/ocsp", req, "application/ocsp-request")).certificate_status == ocsp.OCSPCertStatus.REVOKED:
            o = (time.perf_counter() - t1) * 1000
        if c is None and x509.load_der_x509_crl(get(B + "/crl/nodes/full.crl")).get_revoked_certificate_by_serial_number(leaf.serial_number) is not None:
            c = (time.perf_counter() - t1) * 1000
        time.sleep(0.005)
    res["ocsp"].append(o if o is not None else float("inf"))
    res["crl"].append(c if c is not None else float("inf"))
for k, name in (("ocsp", "A's 200 -> B's OCSP revoked"), ("crl", "A's 200 -> in B's CRL"), ("ack", "revokeCert on A")):
    v = sorted(res[k])
    print("%-7s %-30s n %3d  median %7.1f ms  p90 %7.1f ms  max %7.1f ms" % (
        run, name, len(v), v[len(v) // 2], v[min(len(v) - 1, int(0.9 * len(v)))], v[-1]))
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start_nodes "$PW_PG_URL"
measure notify
"${PSQL[@]}" -c "ALTER TABLE publish_state DISABLE TRIGGER pkiward_notify_change"
measure poll
"${PSQL[@]}" -c "ALTER TABLE publish_state ENABLE TRIGGER pkiward_notify_change"
stop_nodes
"$PKIWARD" store copy --from "$PW_PG_URL" --to "$TMP/base.db" --quiet >/dev/null
start_nodes "$TMP/base.db"
measure sqlite
stop_nodes
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
