#!/usr/bin/env bash
# Tests of the C ABI as a host sees it, on a fresh Debian machine with the Rust toolchain:
#   1. builds libaidmatch (release) with cargo;
#   2. compiles tests/test_aidmatch.c with gcc -std=c99 -Wall -Wextra -Werror -pedantic
#      against include/aidmatch.h, linked to the shared library and to the static one, and
#      runs both under valgrind (any error or definite/indirect leak fails);
#   3. runs the test's fork case (a match in a child forked after the library's threads
#      started) without valgrind, then compiles and runs README's example
#      (examples/minimal.c) and the closed loop's timing example (examples/loop_timing.c,
#      under valgrind, on the test data);
#   4. compiles and runs tests/java/AidmatchTest.java (Java 17, JNA).
# Installs gcc, valgrind, a JDK and libjna-java with apt-get when they are missing.
# Honours CARGO_TARGET_DIR. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
capi="$(dirname "$here")"
root="$(cd "$capi/../.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
missing=()
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

step "the C test calls every function of the header"
uncovered=0
for fn in $(grep -oE '\baidmatch_[a-z0-9_]+\(' "$capi/include/aidmatch.h" | tr -d '(' | sort -u); do
  if ! grep -q "\b$fn(" "$here/test_aidmatch.c"; then
    echo "not exercised by tests/test_aidmatch.c: $fn"
    uncovered=1
  fi
done
[ "$uncovered" -eq 0 ]

step "cargo build -p aidmatch-capi --release"
cargo build -p aidmatch-capi --release
lib_dir="${CARGO_TARGET_DIR:-$root/target}/release"
case "$lib_dir" in /*) ;; *) lib_dir="$root/$lib_dir" ;; esac
ls -l "$lib_dir/libaidmatch.so" "$lib_dir/libaidmatch.a"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -g -I "$capi/include")
valgrind_flags=(--error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect)

step "C test, shared library (-laidmatch with rpath), under valgrind"
gcc "${cflags[@]}" "$here/test_aidmatch.c" -L "$lib_dir" -laidmatch -Wl,-rpath,"$lib_dir" \
  -o "$work/test_shared"
valgrind "${valgrind_flags[@]}" "$work/test_shared" "$here/data"

step "C test, static library (libaidmatch.a -lpthread -ldl -lm), under valgrind"
gcc "${cflags[@]}" "$here/test_aidmatch.c" "$lib_dir/libaidmatch.a" -lpthread -ldl -lm \
  -o "$work/test_static"
valgrind "${valgrind_flags[@]}" "$work/test_static" "$here/data"

step "C test, a forked child (not under valgrind, see test_aidmatch.c)"
timeout 300 "$work/test_shared" "$here/data" fork

step "README's minimal example (examples/minimal.c)"
gcc "${cflags[@]}" "$capi/examples/minimal.c" -L "$lib_dir" -laidmatch -Wl,-rpath,"$lib_dir" \
  -o "$work/minimal"
"$work/minimal" | tee "$work/minimal.out"
grep -qx "household 1 -> offer 0" "$work/minimal.out"

step "the closed loop's timing example (examples/loop_timing.c) on the test data"
gcc "${cflags[@]}" "$capi/examples/loop_timing.c" -L "$lib_dir" -laidmatch -Wl,-rpath,"$lib_dir" \
  -o "$work/loop_timing"
for mode in json round; do
  valgrind "${valgrind_flags[@]}" -q --show-possibly-lost=no "$work/loop_timing" "$here/data" "$here/data/outcomes.json" \
    N2 2024-10-01 2024-10-08 "$mode"
done

step "Java 17 test through JNA"
javac -encoding UTF-8 -Xlint:all -Werror -cp /usr/share/java/jna.jar -d "$work/java" "$here/java/AidmatchTest.java"
java -cp "/usr/share/java/jna.jar:$work/java" -Djna.library.path="$lib_dir" AidmatchTest "$here/data"

step "C ABI tests passed"
