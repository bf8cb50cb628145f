#!/usr/bin/env bash
# Benchmark smoke: builds the bench binary in release, makes sure the peers (numpy, scipy,
# lap, OR-tools) are in the repository's .venv, and runs `benches/compare.py --quick`:
# aidmatch against scipy, lap and OR-tools on small instances, with every objective
# cross-checked (a mismatch or an unverified certificate fails this script). It prints the
# ratio table; timing figures from a shared CI machine are indicative only.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

target="${CARGO_TARGET_DIR:-target}"
echo "==> building aidmatch-bench (release)"
cargo build --release --locked -p aidmatch-benches --bin aidmatch-bench
bin="$target/release/aidmatch-bench"

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
  echo "==> creating $venv"
  python3 -m venv "$venv"
fi
py="$venv/bin/python"
# package name on PyPI : module name
for spec in numpy:numpy scipy:scipy lap:lap ortools:ortools; do
  pkg="${spec%%:*}" mod="${spec##*:}"
  if ! "$py" -c "import $mod" 2>/dev/null; then
    echo "==> installing $pkg into $venv"
    if ! "$py" -m pip install -q "$pkg"; then
      echo "NOTE: $pkg did not install; compare.py will report it as missing and go on without it"
    fi
  fi
done

echo "==> compare.py --quick"
mkdir -p bench-results
"$py" benches/compare.py --quick --bin "$bin" --json bench-results/quick.json
echo "bench smoke finished in $(( $(date +%s) - start )) s"
