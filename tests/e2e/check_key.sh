#!/usr/bin/env bash
# pkiward check-key through the real binary: exit codes (0 clean, 1 weak or
# blocked, 2 unreadable/malformed), messages, blocklists, --json.
source "$(dirname "$0")/lib.bash"
: "${PW_CORPUS_DIR:?}"
B="$PW_CORPUS_DIR/badkeys"

expect_status 0 "negative control rsa-ok.key is clean" "$PKIWARD" check-key "$B/rsa-ok.key"
grep_out "rsa-ok.key: RSA 2048 bits .*: ok" "human output names the key and says ok"
expect_status 0 "negative control as JWK is clean" "$PKIWARD" check-key "$B/jwk-rsa-ok.json"

for f in rsa-roca.key rsa-fermat.crt rsa-fermat.csr rsa-fermat-pkcs1.key rsa-fermat-pkcs8.key \
         rsa-fermat-hexmodulus.txt rsa-smallfactors-valid.key rsa-smallfactors-corrupt.key rsa-e1.key \
         rsa-e-larger-n.key rsa-small-d.key rsa-nprime.key rsazerozero.key rsanzero.key rsa-pattern.key \
         rsa-vanity.key rsapoly32.key rsapoly128.key ecdsa-explicit-pub.key ed25519-rfc-example.key; do
  expect_status 1 "$f is refused" "$PKIWARD" check-key "$B/$f"
done
expect_status 1 "ROCA names CVE-2017-15361" "$PKIWARD" check-key "$B/rsa-roca.key"
grep_out "e_key_roca .*CVE-2017-15361" "ROCA finding with citation"
expect_status 1 "Fermat cites BR 6.1.1.3" "$PKIWARD" check-key "$B/rsa-fermat.crt"
grep_out "e_rsa_fermat_factorization +BR 6.1.1.3\(5\)\(iii\)" "Fermat finding with citation"
expect_status 0 "large e is only a warning (BR 6.1.6 SHOULD)" "$PKIWARD" check-key "$B/rsa-large-e.key"
grep_out "w_rsa_public_exponent_not_in_range" "large e warning shown"

# Malformed inputs: exit 2 with a clear message.
expect_status 2 "DH key with zeros is unreadable" "$PKIWARD" check-key "$B/defect/dh0.key"
grep_err "dh0.key: .*private key" "DH error names the file"
expect_status 2 "certificate with version 111" "$PKIWARD" check-key "$B/defect/invalidver.crt"
grep_err "version is 111" "bad version reported"
expect_status 2 "truncated public key" "$PKIWARD" check-key "$B/defect/public-fragment.key"
grep_err "line 3" "fragment error names the line"
expect_status 2 "unknown JWK curve" "$PKIWARD" check-key "$B/jwk-curvename-invalid.json"
grep_err "unsupported EC curve \"_INVALID_\"" "JWK curve error"
expect_status 2 "missing file" "$PKIWARD" check-key "$TMP/nonexistent.pem"
expect_status 2 "no arguments" "$PKIWARD" check-key

# Debian weak key via a blocklist in the published format (SHA-256 of the modulus).
openssl rsa -RSAPublicKey_in -in "$B/rsa-debianweak.key" -noout -modulus | sed 's/^Modulus=//' |
  xxd -r -p | sha256sum | cut -c1-64 > "$TMP/debian.txt"
expect_status 0 "Debian weak key passes without the list" "$PKIWARD" check-key "$B/rsa-debianweak.key"
expect_status 1 "Debian weak key refused with the list" "$PKIWARD" check-key --debian-blocklist "$TMP/debian.txt" "$B/rsa-debianweak.key"
grep_out "e_key_blocklisted_debian .*CVE-2008-0166" "Debian finding"
expect_status 0 "control is not on the Debian list" "$PKIWARD" check-key --debian-blocklist "$TMP/debian.txt" "$B/rsa-ok.key"
printf 'not-a-hash\n' > "$TMP/bad.txt"
expect_status 2 "malformed blocklist" "$PKIWARD" check-key --blocklist "$TMP/bad.txt" "$B/rsa-ok.key"
grep_err "line 1" "blocklist error names the line"

# A compromised key in another encoding (DER SPKI) is still matched.
"$PKIWARD" check-key --json "$B/rsa-ok.key" > "$TMP/ok.json"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["spki_sha256"])' "$TMP/ok.json" > "$TMP/comp.txt"
openssl rsa -RSAPublicKey_in -in "$B/rsa-ok.key" -pubout -outform DER -out "$TMP/ok.der" 2>/dev/null
expect_status 1 "compromised key found in DER form" "$PKIWARD" check-key --compromised "$TMP/comp.txt" "$TMP/ok.der"
grep_out "e_key_compromised" "compromised finding"

# JSON Lines, one per file; a mixed run exits 2 when some input is unreadable.
expect_status 1 "--json over two files" "$PKIWARD" check-key --json "$B/rsa-ok.key" "$B/rsa-roca.key"
check "two JSON lines with results" bash -c "[ \$(grep -c '\"result\"' '$TMP/out') -eq 2 ]"
grep_out '"name":"e_key_roca","severity":"error","citation":"BR 6.1.1.3\(5\)\(ii\), CVE-2017-15361"' "JSON finding fields"
expect_status 2 "mixed run with a bad input" "$PKIWARD" check-key "$B/rsa-ok.key" "$B/defect/dh0.key"
# stdin
expect_status 1 "stdin" bash -c "'$PKIWARD' check-key - < '$B/rsa-roca.key'"
finish
