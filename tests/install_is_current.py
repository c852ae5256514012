"""Exit 0 when the mlebench-fast installed in this Python was built from CHECKOUT and no source
of it changed since, else 1 (with the reason on stderr). `tests/run_all.sh` uses it so that the
README's first command and the test run do not each spend minutes building the same wheel.

    python tests/install_is_current.py CHECKOUT
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

# what the wheel is built from (pyproject.toml's maturin settings)
SOURCES = ("rust", "python", "competitions", "pyproject.toml", "Cargo.toml", "Cargo.lock")


def newest_source(checkout: Path) -> float:
    times = []
    for name in SOURCES:
        path = checkout / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        times += [p.stat().st_mtime for p in files]
    return max(times, default=0.0)


def why_not_current(checkout: Path) -> str | None:
    try:
        dist = metadata.distribution("mlebench-fast")
    except metadata.PackageNotFoundError:
        return "mlebench-fast is not installed"
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if direct.get("url") != checkout.resolve().as_uri():
        return f"the installed mlebench-fast comes from {direct.get('url') or 'an index'}, not {checkout.resolve().as_uri()}"
    if direct.get("dir_info", {}).get("editable"):
        return "the installed mlebench-fast is an editable install (its Rust core is not rebuilt on changes)"
    # RECORD is written when the package is installed: the install's time
    record = next((Path(f.locate()) for f in dist.files or [] if f.name == "RECORD"), None)
    if record is None or not record.is_file():
        return "the installed mlebench-fast has no RECORD"
    if newest_source(checkout) > record.stat().st_mtime:
        return "sources changed since mlebench-fast was installed"
    return None


if __name__ == "__main__":
    reason = why_not_current(Path(sys.argv[1]))
    if reason:
        print(reason, file=sys.stderr)
    sys.exit(1 if reason else 0)
