#!/usr/bin/env bash
# All of aidmatch's tests, on a fresh Debian machine with the Rust toolchain and CPython:
# formatting and lints, the Rust test suites, the Python module (in a venv) and the C ABI
# (C under valgrind, and Java through JNA). This is README's "run all tests" command.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Debian packages (valgrind, JNA, JDK)"
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests"
cargo test --locked

step "Python module"
bash bindings/python/run-tests.sh

step "Example notebook (executed)"
bash .ci/notebook.sh

step "CLI report in headless Chromium"
cargo build --release --locked -p aidmatch-cli
bash crates/aidmatch-cli/tests/report-in-chromium.sh target/release/aidmatch

step "C ABI (C under valgrind, Java through JNA)"
bash bindings/c/tests/run.sh
