#!/usr/bin/env bash
# Sanity check of bench/gen_corpus with the openssl CLI as an independent
# judge: chains verify, precertificates carry the CT poison and pair with
# their final certificates (BR 7.1.2.9), metadata.jsonl matches certs.der
# line for line, and a re-run from the same keys and seed reproduces every
# TBSCertificate.
set -euo pipefail

: "${PW_BUILD_DIR:?PW_BUILD_DIR must name the build directory}"
GEN="$PW_BUILD_DIR/gen_corpus"
COUNT=500
SAMPLE=40   # final certificates checked field by field and verified
MAX_PRE=10  # precertificates checked

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

[ -x "$GEN" ] || fail "$GEN is not built"
command -v openssl >/dev/null || fail "openssl CLI not found"
command -v python3 >/dev/null || fail "python3 not found"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$GEN" --count "$COUNT" --out "$tmp/c" --seed 11 --precert-ratio 0.1 >"$tmp/gen.out" 2>"$tmp/gen.err" ||
  { cat "$tmp/gen.err" >&2; fail "gen_corpus exited with status $?"; }
grep -Eq "^gen_corpus: $COUNT certificates .* certificates/s" "$tmp/gen.out" ||
  fail "no summary line with a rate on stdout: $(cat "$tmp/gen.out")"
pass "gen_corpus --count $COUNT"

for f in certs.der metadata.jsonl corpus.json ca/root.pem ca/root.key keys/index.tsv keys/p256.pem keys/rsa2048.pem; do
  [ -s "$tmp/c/$f" ] || fail "missing or empty output $f"
done
ncapem=$(ls "$tmp/c/ca"/*.pem | wc -l)
ncakey=$(ls "$tmp/c/ca"/*.key | wc -l)
[ "$ncapem" -ge 5 ] || fail "expected a root and >= 4 intermediates in ca/, found $ncapem certificates"
[ "$ncakey" -eq "$ncapem" ] || fail "ca/ has $ncapem certificates but $ncakey keys"
[ "$(stat -c %a "$tmp/c/ca/root.key")" = 600 ] || fail "ca/root.key is not mode 0600"
pass "output files ($ncapem CA certificates with keys)"

# --- split certs.der into one file per certificate, list precertificates ----
python3 - "$tmp/c/certs.der" "$tmp/split" >/dev/null <<'PY'
import os, sys
data = open(sys.argv[1], "rb").read()
os.makedirs(sys.argv[2])
i = n = 0
while i < len(data):
    if data[i] != 0x30:
        sys.exit(f"certs.der: byte offset {i}: expected SEQUENCE (0x30), got {data[i]:#04x}")
    l = data[i + 1]
    if l < 0x80:
        size = 2 + l
    else:
        k = l & 0x7F
        size = 2 + k + int.from_bytes(data[i + 2:i + 2 + k], "big")
    if i + size > len(data):
        sys.exit(f"certs.der: certificate {n} at byte offset {i} runs past the end")
    with open(os.path.join(sys.argv[2], f"{n:05d}.der"), "wb") as f:
        f.write(data[i:i + size])
    i += size
    n += 1
print(n)
PY
ncert=$(ls "$tmp/split" | wc -l)
[ "$ncert" -eq "$COUNT" ] || fail "certs.der holds $ncert certificates, expected $COUNT"
pass "certs.der holds $COUNT DER certificates"

# --- metadata: one line per certificate, sha256 of each DER ------------------
nmeta=$(wc -l <"$tmp/c/metadata.jsonl")
[ "$nmeta" -eq "$COUNT" ] || fail "metadata.jsonl has $nmeta lines, expected $COUNT"
python3 - "$tmp/c/metadata.jsonl" "$tmp/meta.sha" <<'PY'
import json, re, sys
methods = {"3.2.2.4.19", "3.2.2.4.7", "3.2.2.4.20", "3.2.2.4.2", "3.2.2.4.4"}
with open(sys.argv[2], "w") as out:
    for n, line in enumerate(open(sys.argv[1]), 1):
        r = json.loads(line)
        if set(r) != {"sha256", "profile", "order", "subscriber", "validations"}:
            sys.exit(f"metadata.jsonl:{n}: fields {sorted(r)}")
        if not re.fullmatch(r"[0-9a-f]{64}", r["sha256"]):
            sys.exit(f"metadata.jsonl:{n}: sha256 {r['sha256']!r}")
        if r["profile"] not in ("dv", "ov", "ev"):
            sys.exit(f"metadata.jsonl:{n}: profile {r['profile']!r}")
        if not re.fullmatch(r"order-[0-9]+", r["order"]) or not re.fullmatch(r"sub-[0-9]+", r["subscriber"]):
            sys.exit(f"metadata.jsonl:{n}: order/subscriber {r['order']!r} {r['subscriber']!r}")
        v = r["validations"]
        if not 1 <= len(v) <= 10:
            sys.exit(f"metadata.jsonl:{n}: {len(v)} validations")
        for x in v:
            if x["method"] not in methods:
                sys.exit(f"metadata.jsonl:{n}: method {x['method']!r}")
            if x["name"].startswith("*.") and x["method"] in ("3.2.2.4.19", "3.2.2.4.20"):
                sys.exit(f"metadata.jsonl:{n}: wildcard {x['name']} validated by {x['method']} (BR 3.2.2.4.19/.20 forbid)")
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", x["at"]):
                sys.exit(f"metadata.jsonl:{n}: at {x['at']!r}")
        out.write(r["sha256"] + "\n")
PY
# One openssl process for all files: "<hex> *<path>" lines, in file order.
(cd "$tmp/split" && openssl dgst -sha256 -r ./*.der) | cut -d' ' -f1 >"$tmp/dgst.sha"
[ "$(wc -l <"$tmp/dgst.sha")" -eq "$COUNT" ] || fail "openssl dgst did not hash $COUNT files"
if ! cmp -s "$tmp/meta.sha" "$tmp/dgst.sha"; then
  line=$(cmp "$tmp/meta.sha" "$tmp/dgst.sha" | sed -n 's/.* line \([0-9]*\).*/\1/p')
  fail "metadata.jsonl line $line: sha256 differs from openssl dgst -sha256 of certificate $((line - 1))"
fi
pass "metadata.jsonl: $COUNT lines, every sha256 equals openssl dgst -sha256 of the DER"

# --- chains: final certificates verify; precertificates are refused ----------
cat "$tmp/c/ca"/*.pem | openssl crl2pkcs7 -nocrl -certfile /dev/stdin >/dev/null ||
  fail "CA PEM files do not parse"
ls "$tmp/c/ca"/*.pem | grep -v '/root.pem$' | xargs cat >"$tmp/intermediates.pem"
for c in "$tmp/c/ca"/*.pem; do
  openssl x509 -in "$c" -noout -text >"$tmp/ca.txt"
  grep -A1 "Basic Constraints: critical" "$tmp/ca.txt" | grep -q "CA:TRUE" || fail "$c: basicConstraints not critical CA:TRUE"
  grep -A1 "Key Usage: critical" "$tmp/ca.txt" | grep -q "Certificate Sign, CRL Sign" || fail "$c: keyUsage lacks keyCertSign/cRLSign"
  grep -q "Subject Key Identifier" "$tmp/ca.txt" || fail "$c: no SKI"
  grep -q "Authority Key Identifier" "$tmp/ca.txt" || fail "$c: no AKI"
  case "$c" in
    */root.pem) ;;
    *) grep -q "Policy: 2.23.140.1" "$tmp/ca.txt" || fail "$c: no CA/B Forum policy OID" ;;
  esac
done
openssl verify -CAfile "$tmp/c/ca/root.pem" -no_check_time "$tmp/intermediates.pem" >/dev/null ||
  fail "intermediates do not verify against the root"
pass "CA certificates: BR CA profile fields, intermediates chain to the root"

# Which certificates to look at: every (COUNT/SAMPLE)-th one, and the first
# MAX_PRE whose DER contains the poison OID bytes (openssl -text then decides
# what each one is). Few processes: openssl start-up dominates this test.
python3 - "$tmp/split" "$COUNT" "$SAMPLE" "$MAX_PRE" >"$tmp/look" <<'PY'
import sys
poison = bytes.fromhex("060a2b06010401d679020403")  # 1.3.6.1.4.1.11129.2.4.3
d, count, sample, max_pre = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
step, npre = max(1, count // sample), 0
for i in range(count):
    der = open(f"{d}/{i:05d}.der", "rb").read()
    if poison in der and npre < max_pre:
        npre += 1
        print(i)
    elif i % step == 0 and poison not in der:
        print(i)
PY
: >"$tmp/finals" && : >"$tmp/pres"
while read -r i; do
  f=$(printf '%s/split/%05d' "$tmp" "$i")
  openssl x509 -inform DER -in "$f.der" -out "$f.pem" 2>/dev/null || fail "certificate $i does not parse with openssl x509"
  text=$(openssl x509 -in "$f.pem" -noout -text)
  if grep -q "CT Precertificate Poison: critical" <<<"$text"; then
    echo "$f.pem" >>"$tmp/pres"
    # RFC 6962 3.1: poison value is ASN.1 NULL; BR 7.1.2.9: the final
    # certificate follows with the same serial and no poison.
    grep -A1 "CT Precertificate Poison: critical" <<<"$text" | grep -q "NULL" || fail "certificate $i: poison is not NULL"
    if grep -q "CT Precertificate SCTs" <<<"$text"; then fail "certificate $i: precertificate carries an SCT list"; fi
    nf=$(printf '%s/split/%05d.der' "$tmp" $((i + 1)))
    [ -f "$nf" ] || fail "precertificate $i is the last certificate; its final certificate is missing"
    s1=$(openssl x509 -in "$f.pem" -noout -serial -subject -ext subjectAltName)
    s2=$(openssl x509 -inform DER -in "$nf" -noout -serial -subject -ext subjectAltName)
    [ "$s1" = "$s2" ] || fail "precertificate $i and certificate $((i + 1)) differ in serial/subject/SAN"
    t2=$(openssl x509 -inform DER -in "$nf" -noout -text)
    if grep -q "CT Precertificate Poison" <<<"$t2"; then fail "certificate $((i + 1)) after precertificate $i is poisoned too"; fi
    grep -q "CT Precertificate SCTs" <<<"$t2" || fail "certificate $((i + 1)) after precertificate $i has no SCT list"
  else
    echo "$f.pem" >>"$tmp/finals"
    grep -q "Policy: 2.23.140.1" <<<"$text" || fail "certificate $i: no CA/B Forum policy OID"
    grep -q "TLS Web Server Authentication" <<<"$text" || fail "certificate $i: no serverAuth EKU"
    grep -A1 "Basic Constraints: critical" <<<"$text" | grep -q "CA:FALSE" || fail "certificate $i: basicConstraints"
    grep -q "OCSP - URI:http://" <<<"$text" || fail "certificate $i: no OCSP URL"
    grep -q "CA Issuers - URI:http://" <<<"$text" || fail "certificate $i: no caIssuers URL"
    serial=$(grep -A1 "Serial Number:" <<<"$text" | tail -1 | tr -d ' :')
    [ ${#serial} -eq 32 ] || fail "certificate $i: serial $serial is not 16 octets"
  fi
done <"$tmp/look"
nverified=$(wc -l <"$tmp/finals")
npre=$(wc -l <"$tmp/pres")
[ "$nverified" -ge $((SAMPLE / 2)) ] || fail "only $nverified certificates were sampled"
[ "$npre" -ge 1 ] || fail "no precertificate in $COUNT certificates at --precert-ratio 0.1"
# -no_check_time: notBefore spans two years, most leaves have expired.
# shellcheck disable=SC2046
openssl verify -CAfile "$tmp/c/ca/root.pem" -untrusted "$tmp/intermediates.pem" -no_check_time \
  -purpose sslserver $(cat "$tmp/finals") >"$tmp/v.out" 2>&1 || fail "verification failed: $(grep -v ': OK$' "$tmp/v.out")"
[ "$(grep -c ': OK$' "$tmp/v.out")" -eq "$nverified" ] || fail "not every sampled certificate verified: $(cat "$tmp/v.out")"
# A precertificate must not be accepted as a certificate (RFC 6962 3.1).
# shellcheck disable=SC2046
if openssl verify -CAfile "$tmp/c/ca/root.pem" -untrusted "$tmp/intermediates.pem" -no_check_time \
  $(cat "$tmp/pres") >"$tmp/v.out" 2>&1; then fail "precertificates verified as certificates"; fi
[ "$(grep -c 'unhandled critical extension' "$tmp/v.out")" -eq "$npre" ] ||
  fail "not every precertificate was refused for its critical poison: $(cat "$tmp/v.out")"
[ "$(grep -c ': OK$' "$tmp/v.out" || true)" -eq 0 ] || fail "a precertificate verified: $(cat "$tmp/v.out")"
pass "$nverified sampled certificates verify; $npre precertificates poisoned, paired and refused by openssl verify"

# --- determinism: same keys + same seed => same TBSCertificate bytes --------
"$GEN" --count 200 --out "$tmp/r1" --seed 5 --quiet >/dev/null
"$GEN" --count 200 --out "$tmp/r2" --seed 5 --keys-from "$tmp/r1" --threads 1 --quiet >/dev/null
python3 - "$tmp/r1/certs.der" "$tmp/r2/certs.der" <<'PY'
import sys
def certs(p):
    d = open(p, "rb").read(); i = 0
    while i < len(d):
        l = d[i + 1]; h = 2 if l < 0x80 else 2 + (l & 0x7F)
        n = h + (l if l < 0x80 else int.from_bytes(d[i + 2:i + h], "big"))
        c = d[i:i + n]; i += n
        t = c[h:]; tl = t[1]; th = 2 if tl < 0x80 else 2 + (tl & 0x7F)
        yield t[:th + (tl if tl < 0x80 else int.from_bytes(t[2:th], "big"))]
a, b = list(certs(sys.argv[1])), list(certs(sys.argv[2]))
if len(a) != 200 or a != b:
    sys.exit(f"TBSCertificates differ ({len(a)} vs {len(b)} certificates, {sum(x != y for x, y in zip(a, b))} differ)")
PY
cmp -s <(cut -c77- "$tmp/r1/metadata.jsonl") <(cut -c77- "$tmp/r2/metadata.jsonl") ||
  fail "metadata (apart from sha256) differs between runs with the same seed"
pass "same seed and keys reproduce every TBSCertificate and metadata record"

# --- bad input is refused with a usage error ---------------------------------
for args in "--count 0" "--count x" "--precert-ratio 2" "--end 2026-02-30" "--url-base ftp://x" "--threads 0" "--bogus"; do
  st=0
  # shellcheck disable=SC2086
  "$GEN" $args --out "$tmp/bad" >/dev/null 2>"$tmp/bad.err" || st=$?
  [ "$st" -ne 0 ] || fail "accepted $args"
  [ "$st" -eq 2 ] || fail "$args: exit status $st, expected 2"
  [ -s "$tmp/bad.err" ] || fail "$args: no error message"
done
pass "bad arguments exit 2 with a message"
echo "gen_corpus e2e: all checks passed"
