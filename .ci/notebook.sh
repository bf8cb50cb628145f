#!/usr/bin/env bash
# Executes examples/notebook.ipynb (the analyst's walk-through) in the venv where
# bindings/python/run-tests.sh installed the module, so the notebook stays runnable.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$repo/.venv}"
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check nbclient nbformat ipykernel matplotlib
cd "$repo/examples"
"$py" - <<'PY'
import nbformat
from nbclient import NotebookClient

nb = nbformat.read("notebook.ipynb", as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
cells = sum(1 for c in nb.cells if c.cell_type == "code")
print(f"examples/notebook.ipynb: {cells} code cells executed without error")
PY
