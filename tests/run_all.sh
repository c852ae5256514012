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
# The run tests (tests/test_run.py) build a Debian image with debootstrap when a Docker engine
# is reachable; install debootstrap for them where we can (root with apt-get).
if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
   && .venv/bin/python -c "import docker; docker.from_env().ping()" >/dev/null 2>&1; then
  echo "installing debootstrap for the run tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
# run from tests/ so the installed package, not the source tree, is imported
cd tests && ../.venv/bin/python -m pytest -rs -q "$@"
