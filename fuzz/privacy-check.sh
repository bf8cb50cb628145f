#!/usr/bin/env bash
# Privacy check across the command line and the C ABI (the engine is covered by the Rust
# test crates/aidmatch/tests/integration/hostile_inputs.rs): the spec example with extra
# columns / keys carrying an ID-card-like number (18 digits, also with a final X), a
# phone-like number (11 digits 1xxxxxxxxxx) and a name. Fails if any of them appears in
# any output file, in stdout or in stderr of `aidmatch match`, `explain` and `validate`
# (on a list with a bad cell), or in the result of aidmatch_match_json.
# Usage: fuzz/privacy-check.sh   (builds the CLI and libaidmatch into $CARGO_TARGET_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-/work/target-fuzz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ID=610103199001011234; IDX=61010319900101123X; PHONE=13912345678; NAME=张三
spec=$root/crates/aidmatch/tests/data/spec-example
awk -v id=$ID -v idx=$IDX -v ph=$PHONE -v nm=$NAME 'NR==1{print $0",id_card,phone,姓名"; next}
  {print $0","(NR%2?id:idx)","ph","nm}' "$spec/needs.csv" > "$work/needs.csv"
sed 's/,orphan,/,not-a-status,/' "$work/needs.csv" > "$work/bad-needs.csv"
cp "$spec/supply.csv" "$spec/exclusions.csv" "$work/"

(cd "$root" && CARGO_TARGET_DIR=$target cargo build -q --release -p aidmatch-cli -p aidmatch-capi)
bin=$target/release/aidmatch
fail=0
check() { # name, files...
  local name=$1; shift
  for s in $ID $IDX $PHONE $NAME; do
    if grep -rqF -- "$s" "$@"; then echo "LEAK: $s in $name"; fail=1; fi
  done
}
"$bin" match --needs "$work/needs.csv" --supply "$work/supply.csv" --exclusions "$work/exclusions.csv" \
  --as-of 2024-09-10 --out "$work/out" > "$work/match.stdout" 2> "$work/match.stderr"
check "match outputs" "$work/out" "$work/match.stdout" "$work/match.stderr"
"$bin" explain --need N001 --needs "$work/needs.csv" --supply "$work/supply.csv" --as-of 2024-09-10 \
  > "$work/explain.stdout" 2> "$work/explain.stderr" || true
check "explain" "$work/explain.stdout" "$work/explain.stderr"
if "$bin" validate --needs "$work/bad-needs.csv" --supply "$work/supply.csv" > "$work/validate.stdout" 2> "$work/validate.stderr"; then
  echo "validate accepted a bad list"; fail=1
fi
grep -q not-a-status "$work/validate.stdout" "$work/validate.stderr" || { echo "validate did not name the bad cell"; fail=1; }
check "validate" "$work/validate.stdout" "$work/validate.stderr"
test -s "$work/out/assignments.csv" || { echo "no assignments written"; fail=1; }

# The C ABI: JSON lists with extra keys.
python3 - "$work" $ID $PHONE $NAME <<'PY'
import csv, json, sys
w, idc, ph, nm = sys.argv[1:]
rows = list(csv.DictReader(open(f"{w}/needs.csv", encoding="utf-8")))
json.dump(rows, open(f"{w}/needs.json", "w"), ensure_ascii=False)
for k in ["supply", "exclusions"]:
    json.dump(list(csv.DictReader(open(f"{w}/{k}.csv", encoding="utf-8"))), open(f"{w}/{k}.json", "w"), ensure_ascii=False)
PY
cat > "$work/p.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "aidmatch.h"
static char *slurp(const char *p) { FILE *f = fopen(p, "rb"); if (!f) exit(2); fseek(f, 0, SEEK_END);
  long n = ftell(f); rewind(f); char *b = malloc(n + 1); if (fread(b, 1, n, f) != (size_t)n) exit(2); b[n] = 0; fclose(f); return b; }
int main(int argc, char **argv) {
  (void)argc; aidmatch_error *err = aidmatch_error_new(); char *out = NULL;
  aidmatch_status s = aidmatch_match_json(slurp(argv[1]), slurp(argv[2]), slurp(argv[3]), NULL, "2024-09-10", NULL, &out, err);
  if (s != AIDMATCH_STATUS_OK) { fprintf(stderr, "status %d: %s\n", (int)s, aidmatch_error_message(err)); return 1; }
  fputs(out, stdout); aidmatch_string_free(out); aidmatch_error_free(err); return 0; }
C
gcc -std=c99 -I"$root/bindings/c/include" "$work/p.c" -L"$target/release" -laidmatch -o "$work/p"
LD_LIBRARY_PATH=$target/release "$work/p" "$work/needs.json" "$work/supply.json" "$work/exclusions.json" \
  > "$work/c.stdout" 2> "$work/c.stderr"
grep -q '"assignments"' "$work/c.stdout" || { echo "C ABI gave no result"; fail=1; }
check "C ABI" "$work/c.stdout" "$work/c.stderr"
[ $fail = 0 ] && echo "privacy-check: no ID-card, phone or name value in any output (CLI match/explain/validate, C ABI)"
exit $fail
