#!/usr/bin/env bash
# Fuzz smoke: builds the seven fuzz targets of fuzz/ and runs each for FUZZ_SECONDS
# (default 20) from its seed corpus. Fails on any crash, panic, timeout or OOM.
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; without nightly
# it builds with the stable compiler and RUSTC_BOOTSTRAP=1 (see fuzz/README.md).
# About 3 min of fuzzing plus the build (about 5 min cold on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-20}
target=${CARGO_TARGET_DIR:-$root/fuzz/target}
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  build=(cargo +nightly fuzz build)
else
  export RUSTC_BOOTSTRAP=1
  build=(cargo fuzz build)
fi
cd "$root/fuzz"
"${build[@]}" -s none --target-dir "$target"
bin=$target/x86_64-unknown-linux-gnu/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in parse_lists parse_policy dense sparse engine capi_json capi_loop; do
  mkdir -p "$work/$t"
  if ! "$bin/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
       -artifact_prefix="$work/$t-" "$work/$t" "seeds/$t" > "$work/$t.log" 2>&1; then
    tail -40 "$work/$t.log"
    echo "fuzz-smoke: $t failed; the input is in the artifact named above" >&2
    exit 1
  fi
  echo "fuzz-smoke: $t ok ($(grep -o 'Done [0-9]* runs' "$work/$t.log"))"
done
