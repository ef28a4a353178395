#!/usr/bin/env bash
# End-to-end: CRL publication with the real binary and the real openssl CLI.
# A CA hierarchy from gen_corpus; leaves made with `openssl x509 -req` whose
# CRLDP names their partition URL (<base>/<ca>/<serial mod N>.crl); one is
# revoked with `pkiward revoke --reason keyCompromise`, then:
#   - `openssl crl -verify` verifies every CRL written;
#   - `openssl verify -crl_check` rejects the revoked leaf and accepts the
#     other one, with the full CRL and with the leaf's partition CRL (whose
#     IDP must match the leaf's CRLDP, or OpenSSL ignores the CRL);
#   - CRL numbers increase run over run; json-array lists the partitions;
#   - `crl generate --watch` re-issues within ~1 s of a revocation;
#   - a CA key in SoftHSM2 through PKCS#11 signs a CRL that verifies;
#   - bad input (wrong key, unreadable key, bad URI, 0 or absurd partitions,
#     non-HTTP URL) is refused with exit 2 and a message naming the problem.
source "$(dirname "$0")/lib.bash"

S="$TMP/store.db"
C="$TMP/c"
OUT="$TMP/crls"
BASE="http://crl.e2e.test"
PARTS=4
"$PW_BUILD_DIR/gen_corpus" --count 50 --out "$C" --seed 5 --quiet --threads 1 --no-keys
"$PKIWARD" init --store "$S" >/dev/null
expect_status 0 "ingest the CA certificates" "$PKIWARD" ingest --store "$S" "$C"/ca/*.pem

# ---- leaves with their partition's CRLDP ----
make_leaf() { # make_leaf NAME SERIAL_HEX (16 hex digits, < 2^63)
  local n=$1 ser=$2 p
  p=$(( 0x$ser % PARTS ))
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/$n.key" \
    -subj "/CN=$n.e2e.test" -out "$TMP/$n.csr" 2>/dev/null
  cat >"$TMP/$n.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$n.e2e.test
authorityKeyIdentifier=keyid
crlDistributionPoints=URI:$BASE/r3/$p.crl
EOF
  openssl x509 -req -in "$TMP/$n.csr" -CA "$C/ca/r3.pem" -CAkey "$C/ca/r3.key" \
    -set_serial "0x$ser" -days 30 -sha256 -extfile "$TMP/$n.ext" -out "$TMP/$n.pem" 2>/dev/null
  echo "$p"
}
P_BAD=$(make_leaf bad 4a3b2c1d5e6f7081)
P_GOOD=$(make_leaf good 1b2c3d4e5f607182)
expect_status 0 "ingest two leaves" "$PKIWARD" ingest --store "$S" "$TMP/bad.pem" "$TMP/good.pem"
sha_of() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }

# ---- bad input to ca add ----
expect_status 2 "ca add: wrong key for the certificate" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "$C/ca/e1.key"
grep_err "does not match the certificate" "... says the key does not match"
expect_status 2 "ca add: unreadable key" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "$TMP/missing.key"
grep_err "missing.key: No such file" "... names the key file"
expect_status 2 "ca add: PKCS#11 URI without an object" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "pkcs11:token=nothing"
grep_err "RFC 7512" "... says the URI names no key"
expect_status 2 "ca add: 0 partitions" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "$C/ca/r3.key" --partitions 0
grep_err "partitions" "... names --partitions"
expect_status 2 "ca add: absurd partitions" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "$C/ca/r3.key" --partitions 1000000
expect_status 2 "ca add: https base URL" \
  "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" --key "$C/ca/r3.key" --crl-base-url https://x.test
grep_err "http://" "... explains that CRLs are served over HTTP"
expect_status 2 "ca add: a leaf is not a CA" \
  "$PKIWARD" ca add --store "$S" --cert "$TMP/bad.pem" --key "$TMP/bad.key"
grep_err "not a CA certificate" "... says it is not a CA certificate"

# ---- register, revoke, generate ----
expect_status 0 "ca add r3 with $PARTS partitions" "$PKIWARD" ca add --store "$S" --cert "$C/ca/r3.pem" \
  --key "$C/ca/r3.key" --name r3 --crl-base-url "$BASE" --partitions "$PARTS"
expect_status 2 "ca add: the same CA again without --replace" "$PKIWARD" ca add --store "$S" \
  --cert "$C/ca/r3.pem" --key "$C/ca/r3.key" --name r3
expect_status 0 "ca list" "$PKIWARD" ca list --store "$S" --json
grep_out '"name":"r3"' "... lists r3"
expect_status 0 "revoke the bad leaf (keyCompromise)" \
  "$PKIWARD" revoke --store "$S" --sha256 "$(sha_of "$TMP/bad.pem")" --reason keyCompromise
expect_status 0 "crl generate" "$PKIWARD" crl generate --store "$S" --out "$OUT" --json
for f in full $(seq 0 $((PARTS - 1))); do
  check "openssl crl -verify $f.crl" sh -c "openssl crl -inform DER -in '$OUT/r3/$f.crl' -CAfile '$C/ca/r3.pem' -noout -verify 2>&1 | grep -q 'verify OK'"
done
pem() { openssl crl -inform DER -in "$1" -out "$2"; }
pem "$OUT/r3/full.crl" "$TMP/full.pem"
pem "$OUT/r3/$P_BAD.crl" "$TMP/pbad.pem"
pem "$OUT/r3/$P_GOOD.crl" "$TMP/pgood.pem"
verify() { openssl verify -crl_check -CAfile "$C/ca/root.pem" -untrusted "$C/ca/r3.pem" -CRLfile "$1" "$2"; }
expect_status 2 "openssl verify -crl_check rejects the revoked leaf (full CRL)" verify "$TMP/full.pem" "$TMP/bad.pem"
grep_err "certificate revoked" "... because it is revoked"
expect_status 0 "openssl verify -crl_check accepts the unrevoked leaf (full CRL)" verify "$TMP/full.pem" "$TMP/good.pem"
expect_status 2 "openssl verify -crl_check rejects the revoked leaf (its partition)" verify "$TMP/pbad.pem" "$TMP/bad.pem"
grep_err "certificate revoked" "... because it is revoked"
expect_status 0 "openssl verify -crl_check accepts the unrevoked leaf (its partition)" verify "$TMP/pgood.pem" "$TMP/good.pem"
IDP=$(openssl crl -inform DER -in "$OUT/r3/$P_BAD.crl" -noout -text | sed -n 's/^ *URI://p')
CRLDP=$(openssl x509 -in "$TMP/bad.pem" -noout -ext crlDistributionPoints | sed -n 's/^ *URI://p')
check "partition IDP URI equals the leaf's CRLDP ($CRLDP)" test "$IDP" = "$CRLDP"
check "the partition IDP is critical" sh -c "openssl crl -inform DER -in '$OUT/r3/$P_BAD.crl' -noout -text | grep -q 'Issuing Distribution Point: critical'"
check "the revoked leaf carries reasonCode keyCompromise" sh -c "openssl crl -in '$TMP/full.pem' -noout -text | grep -q 'Key Compromise'"
expect_status 0 "crl show" "$PKIWARD" crl show "$OUT/r3/full.crl"
grep_out "4a3b2c1d5e6f7081" "... lists the revoked serial"
N1=$("$PKIWARD" crl show --json "$OUT/r3/full.crl" | sed -n 's/.*"crl_number_hex":"\([0-9a-f]*\)".*/\1/p')
"$PKIWARD" crl generate --store "$S" --out "$OUT" >/dev/null 2>&1
N2=$("$PKIWARD" crl show --json "$OUT/r3/full.crl" | sed -n 's/.*"crl_number_hex":"\([0-9a-f]*\)".*/\1/p')
check "CRL numbers increase ($N1 -> $N2)" test $((16#$N2)) -gt $((16#$N1))
expect_status 0 "crl json-array --ca r3" "$PKIWARD" crl json-array --store "$S" --ca r3
check "json-array lists the $PARTS partition URLs" grep -qx "\[\"$BASE/r3/0.crl\",\"$BASE/r3/1.crl\",\"$BASE/r3/2.crl\",\"$BASE/r3/3.crl\"\]" "$TMP/out"
expect_status 2 "crl show: not a CRL" "$PKIWARD" crl show "$TMP/good.pem"
expect_status 2 "crl generate: validity over 10 days" "$PKIWARD" crl generate --store "$S" --out "$OUT" --validity 11d
grep_err "BR 7.2" "... cites BR 7.2"

# ---- --watch: re-issued within about a second of a revocation ----
"$PKIWARD" crl generate --store "$S" --out "$TMP/watch" --watch >"$TMP/watch.log" 2>&1 &
WPID=$!
trap 'kill $WPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/watch/r3/full.crl" ] && break; sleep 0.1; done
BEFORE=$(openssl crl -inform DER -in "$TMP/watch/r3/full.crl" -noout -text | grep -c "Serial Number" || true)
T0=$(date +%s%N)
"$PKIWARD" revoke --store "$S" --sha256 "$(sha_of "$TMP/good.pem")" --reason superseded >/dev/null
AFTER=$BEFORE
for _ in $(seq 100); do
  AFTER=$(openssl crl -inform DER -in "$TMP/watch/r3/full.crl" -noout -text 2>/dev/null | grep -c "Serial Number" || true)
  [ "$AFTER" -gt "$BEFORE" ] && break
  sleep 0.05
done
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
check "--watch re-issued the CRL after a revocation ($BEFORE -> $AFTER entries, ${MS} ms)" test "$AFTER" -gt "$BEFORE"
echo "# revocation -> new CRL on disk: ${MS} ms (machine is shared; target < 1000)"
kill "$WPID"; wait "$WPID" 2>/dev/null || true

# ---- PKCS#11: the same CA key in SoftHSM2 ----
MODULE=/usr/lib/softhsm/libsofthsm2.so
if command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null && [ -f "$MODULE" ]; then
  mkdir -p "$TMP/hsm/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$TMP/hsm/tokens" >"$TMP/hsm/softhsm2.conf"
  export SOFTHSM2_CONF="$TMP/hsm/softhsm2.conf"
  softhsm2-util --init-token --free --label pwe2e --so-pin 1234 --pin 5678 >/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$C/ca/e1.key" -outform DER -out "$TMP/e1.p8"
  pkcs11-tool --module "$MODULE" --token-label pwe2e --login --pin 5678 --write-object "$TMP/e1.p8" \
    --type privkey --id 01 --label e1key >/dev/null 2>&1
  openssl x509 -in "$C/ca/e1.pem" -outform DER -out "$TMP/e1.der"
  pkcs11-tool --module "$MODULE" --token-label pwe2e --login --pin 5678 --write-object "$TMP/e1.der" \
    --type cert --id 01 --label e1key >/dev/null 2>&1
  openssl x509 -in "$C/ca/e1.pem" -pubkey -noout | openssl pkey -pubin -outform DER -out "$TMP/e1.pub"
  pkcs11-tool --module "$MODULE" --token-label pwe2e --login --pin 5678 --write-object "$TMP/e1.pub" \
    --type pubkey --id 01 --label e1key >/dev/null 2>&1
  URI="pkcs11:token=pwe2e;object=e1key;type=private"
  export PW_PKCS11_MODULE="$MODULE"
  expect_status 2 "PKCS#11: wrong PIN is refused" env PW_PKCS11_PIN=0000 \
    "$PKIWARD" ca add --store "$S" --cert "$C/ca/e1.pem" --key "$URI" --name e1
  grep_err "no private key found" "... with a clear message"
  expect_status 0 "PKCS#11: ca add e1 with a SoftHSM2 key" env PW_PKCS11_PIN=5678 \
    "$PKIWARD" ca add --store "$S" --cert "$C/ca/e1.pem" --key "$URI" --name e1 --crl-base-url "$BASE" --partitions 2
  expect_status 0 "PKCS#11: crl generate" env PW_PKCS11_PIN=5678 "$PKIWARD" crl generate --store "$S" --out "$TMP/hsmout"
  for f in full 0 1; do
    check "PKCS#11-signed e1/$f.crl verifies (openssl crl -verify)" sh -c "openssl crl -inform DER -in '$TMP/hsmout/e1/$f.crl' -CAfile '$C/ca/e1.pem' -noout -verify 2>&1 | grep -q 'verify OK'"
  done
  expect_status 2 "PKCS#11: without a PIN nothing is prompted, a clear error" env -u PW_PKCS11_PIN \
    "$PKIWARD" crl generate --store "$S" --out "$TMP/hsmout2"
  grep_err "PW_PKCS11_PIN" "... says where the PIN comes from"
else
  not_ok "SoftHSM2 / pkcs11-tool not installed (softhsm2, opensc)"
fi
finish
