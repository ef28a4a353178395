#!/usr/bin/env bash
# The README's first command ends here: a demo CA hierarchy and a few thousand
# realistic certificates (with issuance metadata) in the embedded SQLite base,
# then the questions a CA compliance engineer asks in an incident.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
pw="$here/$build/pkiward"
demo=${PKIWARD_DEMO_DIR:-$here/demo}
export PKIWARD_STORE=${PKIWARD_STORE:-$demo/pkiward.db}
count=${PKIWARD_DEMO_COUNT:-5000}

say() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

rm -rf "$demo" && mkdir -p "$demo"
say "Generate a demo CA (root + intermediates) and $count certificates with metadata" \
    "gen_corpus --count $count --out $demo/data"
"$here/$build/gen_corpus" --count "$count" --out "$demo/data" --seed 2026 | tail -1

say "Create the certificate base" "pkiward init"
"$pw" init

say "Ingest certificates, CA certificates and issuance metadata" \
    "pkiward ingest $demo/data/ca/*.pem $demo/data/certs.der --metadata $demo/data/metadata.jsonl"
"$pw" ingest "$demo"/data/ca/*.pem "$demo/data/certs.der" --metadata "$demo/data/metadata.jsonl"

# The busiest registrable .com domain in the issuance records.
domain=$(python3 -c "
import json, collections
c = collections.Counter()
for line in open('$demo/data/metadata.jsonl'):
    doms = {'.'.join(v['name'].lstrip('*.').split('.')[-2:]) for v in json.loads(line).get('validations', [])}
    c.update(d for d in doms if d.endswith('.com'))
print(c.most_common(1)[0][0])
")
say "Every certificate ever issued for $domain and its subdomains (no date window)" \
    "pkiward find --domain $domain"
"$pw" find --domain "$domain" --limit 12 2>&1 | cut -c1-160

say "How many certificates were validated with ACME http-01 (BR 3.2.2.4.19) in 2025?" \
    "pkiward find --dcv-method 3.2.2.4.19 --issued-after 2025-01-01 --issued-before 2026-01-01 --count"
"$pw" find --dcv-method 3.2.2.4.19 --issued-after 2025-01-01 --issued-before 2026-01-01 --count

say "The same set as the CCADB incident report appendix (CSV, first rows)" \
    "pkiward find --dcv-method 3.2.2.4.19 --issued-after 2025-01-01 --issued-before 2026-01-01 --csv"
"$pw" find --dcv-method 3.2.2.4.19 --issued-after 2025-01-01 --issued-before 2026-01-01 --csv --limit 3 | cut -c1-200

pre=$("$pw" find --precert --limit 1 --json | python3 -c "import json,sys;print(json.load(sys.stdin)[0]['sha256'])")
say "One precertificate in full, with its final certificate (twin)" "pkiward show $pre"
"$pw" show "$pre"

port=${PKIWARD_DEMO_PORT:-8080}
url="http://127.0.0.1:$port"
say "Register the issuing CAs for CRL and OCSP publication" \
    "pkiward ca add --cert ca/<ca>.pem --key ca/<ca>.key --name <ca> --crl-base-url $url/crl --partitions 4 --ocsp-url $url/ocsp"
for c in "$demo"/data/ca/*.pem; do
  name=$(basename "$c" .pem)
  [ "$name" = root ] && continue
  "$pw" ca add --cert "$c" --key "${c%.pem}.key" --name "$name" --crl-base-url "$url/crl" \
    --partitions 4 --ocsp-url "$url/ocsp" >/dev/null
done
"$pw" ca list

say "Publish every CA's full and partitioned CRLs" "pkiward crl generate --out $demo/crl"
"$pw" crl generate --out "$demo/crl" | tail -3

token=$("$pw" token add --role operator --label demo)
printf '\nThe base is %s; try: PKIWARD_STORE=%s %s find --help\n' "$PKIWARD_STORE" "$PKIWARD_STORE" "$pw"
[ "${PKIWARD_DEMO_NO_SERVE:-0}" = 1 ] && exit 0
say "Serve OCSP, CRLs, ACME revokeCert, the problem-report portal and the dashboard" \
    "pkiward serve --listen 127.0.0.1:$port --crl-dir $demo/crl"
printf 'Open %s/ (portal) and %s/admin/ (dashboard; operator token: %s). Ctrl-C stops.\n' \
  "$url" "$url" "$token"
exec "$pw" serve --listen "127.0.0.1:$port" --crl-dir "$demo/crl" --web-dir "$here/web"
