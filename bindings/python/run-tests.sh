#!/usr/bin/env bash
# Builds the aidmatch Python module into a virtualenv and runs its tests.
#
#   bindings/python/run-tests.sh [extra pytest arguments]
#
# Environment:
#   VENV               virtualenv to create or reuse (default: <repo>/.venv)
#   PYTHON             interpreter that creates it (default: python3; CPython >= 3.9)
#   CARGO_TARGET_DIR   cargo's target directory (default: <repo>/target); the command
#                      line built there is what test_loop.py compares the loop with
#
# Steps: pip-install the test tools (OR-tools is an oracle of the matching tests), build
# a release wheel of bindings/python with maturin and install it (so the tests see
# exactly what users get), then run pytest: warnings are errors, strict xfail, a
# per-test timeout; the suite includes mypy.stubtest on the compiled module's .pyi and
# mypy --strict on the package.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${VENV:-$repo/.venv}"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
    echo "run-tests: creating virtualenv $venv"
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"

echo "run-tests: installing test tools into $venv"
"$py" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.9.4,<2" pytest pytest-timeout numpy pandas scipy mypy ortools

wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
echo "run-tests: building the wheel (maturin, release)"
# maturin picks the venv's interpreter; abi3 makes the wheel valid for CPython >= 3.9.
(cd "$here" && "$venv/bin/maturin" build --release --quiet --interpreter "$py" --out "$wheels")
"$py" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/*.whl

echo "run-tests: building the aidmatch command line (test_loop.py compares with it)"
(cd "$repo" && cargo build --release --locked --quiet -p aidmatch-cli)
export AIDMATCH_CLI="${CARGO_TARGET_DIR:-$repo/target}/release/aidmatch"

echo "run-tests: pytest"
# Run from the tests directory so that `import aidmatch` is the installed wheel,
# not the source tree.
(cd "$here/tests" && "$py" -m pytest -c "$here/pyproject.toml" --rootdir "$here" "$here/tests" "$@")
echo "run-tests: ok"
