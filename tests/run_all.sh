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
# Build and install mlebench-fast only when the installed one is not this checkout's current
# sources: the README's first command already built it, and every `pip install .` compiles the
# Rust core again (minutes). Otherwise only the test extra's packages are installed.
if reason=$(.venv/bin/python tests/install_is_current.py . 2>&1); then
  echo "== mlebench-fast is installed from this checkout and up to date: not rebuilt; installing the test extra"
  .venv/bin/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['test']))" \
    > .venv/test-requirements.txt
  .venv/bin/pip install --quiet -r .venv/test-requirements.txt
else
  echo "== building and installing mlebench-fast with its test extra ($reason); cargo's lines follow"
  .venv/bin/pip install -v ".[test]" 2>&1 | grep -v -e "^  Link requires a different Python" -e "^  Skipping link"
fi
echo "== lint (ruff check: unused and undefined names; ruff format --check: the project's layout)"
.venv/bin/python -m ruff check python tests benches
.venv/bin/python -m ruff format --check python tests benches
echo "== Rust layout and lints (cargo fmt --check; cargo clippy -D warnings, bindings included)"
cargo fmt --manifest-path rust/Cargo.toml --check
cargo clippy --manifest-path rust/Cargo.toml --all-targets --features python --quiet -- -D warnings
echo "== stubs (mypy stubtest: _core.pyi against the built extension)"
(cd tests && ../.venv/bin/python -m mypy.stubtest mlebench_fast._core --allowlist stubtest_allowlist.txt)
echo "== Rust core tests (cargo test: a debug build of its own)"
cargo test --manifest-path rust/Cargo.toml
# The run tests (tests/test_run.py) build a Debian image with debootstrap when a Docker engine
# is reachable; install debootstrap for them where we can (root with apt-get).
if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
   && .venv/bin/python -c "import docker; docker.from_env().ping()" >/dev/null 2>&1; then
  echo "installing debootstrap for the run tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
# run from tests/ so the installed package, not the source tree, is imported
echo "== Python test suite"
cd tests && ../.venv/bin/python -m pytest -rs -q "$@"
