#!/usr/bin/env bash
# Opens the demo's report.html in headless Chromium (Debian's `chromium`, installed here if
# missing) and checks that every total the page shows equals summary.json; then the page
# of a re-match of the sample county (first pair accepted, second declined) against
# rematch.json.
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

# A re-match's page: its changes and feedback as rematch.json counts them.
data="$repo/examples/data"
"$bin" --quiet match --needs "$data/needs.csv" --supply "$data/supply.csv" \
  --exclusions "$data/exclusions.csv" --as-of 2024-10-01 --snapshot --out "$out/r1"
python3 - "$out/r1/assignments.csv" "$out/outcomes.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["need_id", "resource_id", "status", "at", "note", "declined_by", "reason"])
    w.writerow([rows[0]["need_id"], rows[0]["resource_id"], "accepted", "2024-10-03", "", "", ""])
    w.writerow([rows[1]["need_id"], rows[1]["resource_id"], "declined", "2024-10-03", "", "recipient", "other"])
PY
"$bin" --quiet rematch --previous "$out/r1" --outcomes "$out/outcomes.csv" --as-of 2024-10-08 --out "$out/r2"
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --dump-dom "file://$out/r2/report.html" > "$out/dom2.html" 2>>"$out/chromium.log"
python3 - "$out/dom2.html" "$out/r2/rematch.json" "$out/r2/summary.json" <<'PY'
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
rematch = json.load(open(sys.argv[2], encoding="utf-8"))
summary = json.load(open(sys.argv[3], encoding="utf-8"))
shown = dict(re.findall(r'data-total="([a-z_]+)">([^<]*)<', dom))
expected = {f"changes_{k}": str(v) for k, v in rematch["changes"].items()}
expected["outcomes"] = str(rematch["outcomes"]["rows"])
expected.update({k: str(summary["counts"][k]) for k in ("needs", "assigned", "unmatched")})
problems = [f"{k}: page shows {shown.get(k)!r}, the JSON has {v}" for k, v in expected.items() if shown.get(k) != v]
if rematch["changes"]["kept"] != 1 or rematch["outcomes"]["rows"] != 2:
    problems.append(f"the feedback did not apply as written: {rematch['changes']}, {rematch['outcomes']}")
if problems:
    print("the re-match's report.html disagrees with rematch.json / summary.json:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"re-match report.html in Chromium: {len(expected)} totals equal rematch.json and summary.json")
PY
