#!/usr/bin/env bash
# Fuzz smoke: builds the seven fuzz targets of fuzz/ and runs each for FUZZ_SECONDS
# (default 20) from its seed corpus. Fails on any crash, panic, timeout or OOM.
# Installs cargo-fuzz when missing; uses the nightly toolchain when there is one, else the
# stable compiler with RUSTC_BOOTSTRAP=1 (see fuzz/README.md). Built without a sanitizer
# (-s none) to stay short: 3 min 36 s in all on a quiet 2-core machine (build included).
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
if ! command -v cargo-fuzz > /dev/null 2>&1; then
  echo "fuzz-smoke: installing cargo-fuzz from crates.io"
  cargo install cargo-fuzz --version 0.13.2 --locked
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
