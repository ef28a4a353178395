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
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
