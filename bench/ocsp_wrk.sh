#!/usr/bin/env bash
# OCSP responder throughput under wrk on loopback (issue 5: >= 30,000
# responses/s, p99 < 10 ms on the 2-core reference machine).
#
#   bench/ocsp_wrk.sh [BUILD_DIR] [DURATION_SECONDS] [CONNECTIONS]
#
# Makes a small CA hierarchy with gen_corpus, registers its DV E1 CA, starts
# `pkiward ocsp serve` (2 pool threads), and runs wrk with a Lua script that
# POSTs DER requests (RFC 6960 Appendix A.1) for a rotating set of issued
# serials, then the same as RFC 5019 GETs. Then, if `openssl ocsp` can act
# as a responder, the same POST load against it as a baseline.
# PW_SERVER_THREADS (default 2) and PW_WRK_THREADS (default 2) set the
# server's pool and wrk's threads: with 1 and 1 each has a core of its own
# (on 2 cores, 2 + 2 busy threads preempt each other, which is most of a p99).
# Prints requests/s and the p99 latency of each run. The numbers are only
# meaningful on an otherwise idle machine: wrk and the server share the
# cores, and anything else running steals from both.
set -euo pipefail
BUILD=${1:-${PW_BUILD_DIR:-$(dirname "$0")/../build}}
DUR=${2:-10}
CONN=${3:-64}
PKIWARD=$BUILD/pkiward
GEN=$BUILD/gen_corpus
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 2; }
[ -x "$PKIWARD" ] && [ -x "$GEN" ] || { echo "build pkiward and gen_corpus in $BUILD first" >&2; exit 2; }
T=$(mktemp -d)
SPID= OPID=
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  if [ -n "$OPID" ]; then pkill -P "$OPID" 2>/dev/null; kill "$OPID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

"$GEN" --count 2000 --out corpus --quiet --threads 2 --no-keys >/dev/null
"$PKIWARD" init --store s.db >/dev/null
"$PKIWARD" ingest --store s.db corpus/ca/*.pem corpus/certs.der >/dev/null
"$PKIWARD" ca add --store s.db --cert corpus/ca/e1.pem --key corpus/ca/e1.key --name e1 >/dev/null
CA_SHA=$(openssl x509 -in corpus/ca/e1.pem -outform DER | sha256sum | cut -c1-64)
"$PKIWARD" find --store s.db --issuer "$CA_SHA" --cert --limit 64 --json |
  python3 -c 'import json,sys;[print(r["serial"]) for r in json.load(sys.stdin)]' >serials.txt
n=0
while read -r sn; do
  openssl ocsp -no_nonce -issuer corpus/ca/e1.pem -serial "0x$sn" -reqout "req$n.der" 2>/dev/null
  n=$((n + 1))
done <serials.txt
echo "requests for $n issued serials of CA e1"

# wrk Lua: rotate through the DER request files, one per request.
cat >post.lua <<EOF
local bodies = {}
for i = 0, $((n - 1)) do
  local f = assert(io.open("$T/req" .. i .. ".der", "rb"))
  bodies[#bodies + 1] = f:read("*a")
  f:close()
end
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/ocsp-request"}, bodies[i])
end
EOF
python3 - "$n" >get.lua <<'PY'
import base64, sys, urllib.parse
n = int(sys.argv[1])
paths = ["/" + urllib.parse.quote(base64.b64encode(open(f"req{i}.der", "rb").read()).decode(), safe="") for i in range(n)]
print("local paths = {" + ",".join('"%s"' % p for p in paths) + "}")
print("local i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend")
PY

start_wait() { # file: waits for "listening on" and prints the port
  for _ in $(seq 100); do grep -q listening "$1" 2>/dev/null && break; sleep 0.1; done
  sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_tree() { # ticks of a process and its children (openssl -multi forks)
  local t=0 p
  for p in $1 $(pgrep -P "$1" || true); do t=$((t + $(cpu_ticks "$p"))); done
  echo "$t"
}
HZ=$(getconf CLK_TCK)
report() { # label wrk-output-file [server-cpu-ticks]
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$2")
  p99=$(awk '$1 == "99%" {print $2}' "$2")
  local errs; errs=$(grep -E 'Non-2xx|Socket errors' "$2" || true)
  local total per_cpu=""
  total=$(awk '/requests in/ {print $1}' "$2")
  if [ -n "${3:-}" ] && [ "${3:-0}" -gt 0 ] && [ -n "$total" ]; then
    per_cpu=$(python3 -c "print('%.0f req per server CPU-s' % ($total / ($3 / $HZ)))")
  fi
  printf '%-30s %10s req/s  p99 %8s  %s %s\n' "$1" "$rps" "$p99" "$per_cpu" "$errs"
}

ST=${PW_SERVER_THREADS:-2}
WT=${PW_WRK_THREADS:-2}
"$PKIWARD" ocsp serve --store s.db --listen 127.0.0.1:0 --threads "$ST" --per-ip-limit 100000 \
  --max-connections 100000 >serve.out 2>serve.err &
SPID=$!
PORT=$(start_wait serve.out)
[ -n "$PORT" ] || { cat serve.err >&2; exit 1; }
sleep 1 # let the pre-signing of the index finish
# Sanity: one real client answer before measuring.
openssl ocsp -issuer corpus/ca/e1.pem -serial "0x$(head -1 serials.txt)" -url "http://127.0.0.1:$PORT/" \
  -VAfile corpus/ca/e1.pem 2>&1 | grep -q ': good' || { echo "responder does not answer good" >&2; exit 1; }
echo "wrk -t$WT -c$CONN -d${DUR}s (server: $ST threads; wrk and server share the machine)"
c0=$(cpu_ticks "$SPID")
wrk -t"$WT" -c"$CONN" -d"${DUR}s" --latency -s post.lua "http://127.0.0.1:$PORT/" >wrk_post.txt
c1=$(cpu_ticks "$SPID")
report "pkiward ocsp serve, POST" wrk_post.txt $((c1 - c0))
wrk -t"$WT" -c"$CONN" -d"${DUR}s" --latency -s get.lua "http://127.0.0.1:$PORT/" >wrk_get.txt
c2=$(cpu_ticks "$SPID")
report "pkiward ocsp serve, GET" wrk_get.txt $((c2 - c1))
CPU=$(ps -o cputime= -p "$SPID" | tr -d ' ')
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null || true; SPID=
echo "server CPU time over both runs: $CPU ($(tail -1 serve.err | sed 's/^pkiward ocsp: //'))"

# Baseline: the openssl ocsp responder (index file, signs every response).
exp=$(date -u -d '+90 days' +%y%m%d%H%M%SZ)
while read -r sn; do printf 'V\t%s\t\t%s\tunknown\t/CN=x\n' "$exp" "${sn^^}"; done <serials.txt >index.txt
echo 'unique_subject = no' >index.txt.attr # every entry has the same placeholder subject
OPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
openssl ocsp -index index.txt -port "$OPORT" -rsigner corpus/ca/e1.pem -rkey corpus/ca/e1.key \
  -CA corpus/ca/e1.pem -nmin 60 -multi 2 >ossl.out 2>&1 &
OPID=$!
ok=0
for _ in $(seq 100); do
  if openssl ocsp -issuer corpus/ca/e1.pem -serial "0x$(head -1 serials.txt)" -url "http://127.0.0.1:$OPORT/" \
    -noverify 2>/dev/null | grep -q ': good'; then ok=1; break; fi
  sleep 0.2
done
[ "$ok" = 1 ] || { echo "openssl ocsp responder did not come up:" >&2; cat ossl.out >&2; exit 1; }
c0=$(cpu_tree "$OPID")
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s post.lua "http://127.0.0.1:$OPORT/" >wrk_ossl.txt || true
c1=$(cpu_tree "$OPID")
report "openssl ocsp -multi 2, POST" wrk_ossl.txt $((c1 - c0))
