#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from its
# checked-in seed corpus (copied, so the repository is not written to).
# Fails if any target finds a crash, leak or sanitizer report.
set -euo pipefail
build=${1:?build dir}
secs=${2:-5}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for bin in "$build"/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  mkdir -p "$work/$name"
  if [ -d "$src/tests/fuzz/corpus/$name" ]; then cp -r "$src/tests/fuzz/corpus/$name/." "$work/$name/"; fi
  echo "fuzz: $name for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix="$work/" "$work/$name" >"$work/$name.log" 2>&1 || {
      tail -50 "$work/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
  n=$((n + 1))
done
echo "fuzz: $n targets ran clean"
