#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS_PER_TARGET (default 600) seconds, from its
# seed corpus (seeds/<target>) into its growing corpus (corpus/<target>), without
# rebuilding. Logs go to logs/<target>.log; a crash stops that target only.
# Usage: fuzz/run-all.sh [seconds] [target...]
set -u
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=${*:-"parse_lists parse_policy dense sparse engine capi_json capi_loop"}
bin=${CARGO_TARGET_DIR:-/work/target-fuzz}/x86_64-unknown-linux-gnu/release
mkdir -p logs artifacts
for t in $targets; do
  mkdir -p "corpus/$t" "artifacts/$t"
  echo "== $t start $(date -u +%FT%TZ) for ${secs}s" | tee -a logs/summary.txt
  "$bin/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "corpus/$t" "seeds/$t" > "logs/$t.log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$')
  echo "== $t end $(date -u +%FT%TZ) rc=$rc execs=${execs:-?}" | tee -a logs/summary.txt
done
