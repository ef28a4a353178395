#!/usr/bin/env bash
# Installs the Debian 12 packages pkiward needs to build, test and run, and
# nothing else. Installs only what is missing, so a ready machine pays nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev openssl           # crypto, keys, signing; the openssl CLI in tests
  libsqlite3-dev sqlite3       # the embedded certificate base
  libjansson-dev               # JSON
  libcmocka-dev                # unit tests
  libicu-dev                   # Unicode normalisation checks in lints
  clang-14 libclang-rt-14-dev  # libFuzzer targets
  python3 xxd                  # test-data scripts
  libmicrohttpd-dev            # HTTP server (OCSP, CRLs, ACME, portal, admin)
  libcurl4-openssl-dev         # HTTP client (monitor) and SMTP client (replies)
  libgmime-3.0-dev             # email intake (MIME)
  softhsm2 libengine-pkcs11-openssl opensc  # PKCS#11 signing, tested with SoftHSM2
  nginx wrk                    # caching-proxy e2e test; HTTP load benchmarks
  python3-aiosmtpd             # SMTP sink in e2e tests
  certbot                      # real ACME client in e2e tests
  libpq-dev postgresql-15      # PostgreSQL backend; a throwaway cluster in e2e tests
  chromium nodejs              # browser tests (playwright-core from npm drives Debian's chromium)
  curl sqlite3                 # e2e tests
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && command -v npm >/dev/null; then
  exit 0
fi
echo "install-deps: installing ${missing[*]:-npm}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# npm comes with nodejs from some repositories and as its own Debian package
# from others; install it only when the command is missing.
if ! command -v npm >/dev/null; then $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null; fi
