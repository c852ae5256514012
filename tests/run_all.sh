#!/usr/bin/env bash
# The whole test suite: Rust core tests, then the Python suite against an installed build.
# Creates .venv (Python 3.11+) on first use; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet ".[test]"
cargo test --manifest-path rust/Cargo.toml
# run from tests/ so the installed package, not the source tree, is imported
cd tests && ../.venv/bin/python -m pytest -rs -q "$@"
