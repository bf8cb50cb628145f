#!/usr/bin/env bash
# Opens the demo's report.html in headless Chromium (Debian's `chromium`, installed here if
# missing) and checks that every total the page shows equals summary.json.
#
#   crates/aidmatch-cli/tests/report-in-chromium.sh [path/to/aidmatch]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bin="${1:-$repo/target/release/aidmatch}"
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$bin" --quiet demo --out "$out/demo"
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --dump-dom "file://$out/demo/report.html" > "$out/dom.html" 2>"$out/chromium.log"
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --window-size=1200,2400 \
  --screenshot="$out/report.png" "file://$out/demo/report.html" >/dev/null 2>&1 || true
python3 - "$out/dom.html" "$out/demo/summary.json" <<'PY'
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
summary = json.load(open(sys.argv[2], encoding="utf-8"))
shown = dict(re.findall(r'data-total="([a-z_]+)">([^<]*)<', dom))
counts = summary["counts"]
expected = {k: str(counts[k]) for k in ("needs", "households", "resources", "assigned", "unmatched", "referrals")}
problems = [f"{k}: page shows {shown.get(k)!r}, summary.json has {v}" for k, v in expected.items() if shown.get(k) != v]
verified = "已验证" if summary["certificate"]["verified"] else "未通过"
if shown.get("verified") != verified:
    problems.append(f"certificate: page shows {shown.get('verified')!r}, summary.json says {verified}")
if "<svg" not in dom:
    problems.append("no chart rendered")
if problems:
    print("report.html disagrees with summary.json:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"report.html in Chromium: {len(expected) + 1} totals equal summary.json")
PY
