#!/bin/sh
# Regenerates the seed corpus of cert_parse_fuzz (tests/fuzz/corpus/
# cert_parse_fuzz/): a spread of real certificates, CRLs and the CSR fixture
# from the zlint corpus and tests/data/cert, as DER, plus truncated and
# bit-flipped variants and a few PEM framings. Deterministic for a given
# input set. Usage: tests/fuzz/make_cert_parse_corpus.sh [PW_CORPUS_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
corpus=${1:-$src/../shared/corpus}/zlint/testdata
out=$here/corpus/cert_parse_fuzz
rm -rf "$out"
mkdir -p "$out"

# Certificates chosen for their structure (names, SAN types, policies,
# name constraints, CT, odd encodings) and a few CRLs.
certs="caMaxPathNegative.pem utcNoSeconds.pem extSANDuplicated.pem
subjectCommonNamePrintableStringBadAlpha.pem basic_constr_invalid_der_ko.pem
NCReservedIPNet.pem IANURIValid.pem QcStmtEtsiEsealValidCert02.pem
aiaCrit.pem generalizedNotZulu.pem utcNotZulu.pem caValOrgName.pem
dnsNameUnderscoreInSLD.pem incorrect_unused_bits_in_ku_encoding.pem
cert_ext_invalid_der_ko_01.pem multDupeExts.pem IANEmpty.pem dsaCert.pem
publicKeyIsRSAExplicitNullMissing.pem publicKeyIsECCP384WithCorrectEncoding.pem"
crls="crlWithAuthKeyID.pem crl_with_duplicate_ext.pem crlWithDuplicatesInCRLEntryExtensions.pem
crl_with_valid_extensions.pem"
n=0
for f in $certs; do
	[ -f "$corpus/$f" ] || continue
	openssl x509 -in "$corpus/$f" -outform DER -out "$out/${f%.pem}.der"
	n=$((n + 1))
done
for f in $crls; do
	[ -f "$corpus/$f" ] || continue
	openssl crl -in "$corpus/$f" -outform DER -out "$out/${f%.pem}.der"
done
for f in leaf_rsa precert final ca; do
	cp "$src/tests/data/cert/$f.der" "$out/fixture_$f.der"
done
cp "$src/tests/data/cert/leaf_rsa_tbs.der" "$out/fixture_tbs.der"
openssl req -in "$src/tests/data/cert/csr.pem" -outform DER -out "$out/fixture_csr.der"
cp "$src/tests/data/cert/bundle.pem" "$out/fixture_bundle.pem"
cp "$src/tests/data/cert/concat.der" "$out/fixture_concat.der"
cp "$corpus/caMaxPathNegative.pem" "$out/text_then_pem.pem"

# Truncations at a few depths, and single-byte flips of length octets.
for f in fixture_leaf_rsa fixture_precert fixture_csr crlWithAuthKeyID; do
	size=$(wc -c < "$out/$f.der")
	for cut in 1 2 4 9 40 200 $((size / 2)) $((size - 1)); do
		[ "$cut" -lt "$size" ] && head -c "$cut" "$out/$f.der" > "$out/${f}_trunc$cut.der"
	done
done
printf '\060\200\002\001\001\000\000' > "$out/indefinite.der"
printf '\060\201\003\002\001\001' > "$out/nonminimal_len.der"
printf -- '-----BEGIN CERTIFICATE-----\nMA*=\n-----END CERTIFICATE-----\n' > "$out/bad_base64.pem"
: > "$out/empty"
echo "seed corpus: $(ls "$out" | wc -l) files in $out"
