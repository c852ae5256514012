"""tests/run_all.sh rebuilds mlebench-fast only when the installed one is not this checkout's
current sources (tests/install_is_current.py), so that the README's two commands build the
wheel once. Checked on fake installs: a dist-info folder put first on the path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "install_is_current.py"


def _checkout(tmp: Path) -> Path:
    root = tmp / "checkout"
    for name in (
        "rust/src/lib.rs",
        "python/mlebench_fast/__init__.py",
        "competitions/a/config.yaml",
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def _install(tmp: Path, url: str, editable: bool = False) -> Path:
    site = tmp / "site"
    info = site / "mlebench_fast-0.1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mlebench-fast\nVersion: 0.1.0\n")
    (info / "direct_url.json").write_text(json.dumps({"url": url, "dir_info": {"editable": True} if editable else {}}))
    (info / "RECORD").write_text("mlebench_fast-0.1.0.dist-info/METADATA,,\nmlebench_fast-0.1.0.dist-info/RECORD,,\n")
    return site


def _check(site: Path, checkout: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(checkout)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(site)},
    )


def _age(root: Path, seconds: float) -> None:
    then = time.time() - seconds
    for p in root.rglob("*"):
        os.utime(p, (then, then))


def test_an_install_of_this_checkout_newer_than_its_sources_is_kept(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    _age(checkout, 100)
    site = _install(tmp_path, checkout.resolve().as_uri())
    result = _check(site, checkout)
    assert result.returncode == 0, result.stderr


def test_a_source_changed_after_the_install_means_a_rebuild(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    _age(checkout, 100)
    site = _install(tmp_path, checkout.resolve().as_uri())
    record = site / "mlebench_fast-0.1.0.dist-info" / "RECORD"
    os.utime(record, (time.time() - 50, time.time() - 50))
    (checkout / "rust" / "src" / "lib.rs").write_text("changed\n")
    result = _check(site, checkout)
    assert result.returncode == 1 and "sources changed" in result.stderr


def test_an_install_from_elsewhere_or_editable_means_a_rebuild(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    _age(checkout, 100)
    other = _check(_install(tmp_path / "a", (tmp_path / "other").resolve().as_uri()), checkout)
    assert other.returncode == 1 and "not " + checkout.resolve().as_uri() in other.stderr
    editable = _check(_install(tmp_path / "b", checkout.resolve().as_uri(), editable=True), checkout)
    assert editable.returncode == 1 and "editable" in editable.stderr


def test_run_all_builds_only_when_the_install_is_not_current() -> None:
    text = (SCRIPT.parent / "run_all.sh").read_text()
    install = [line.strip() for line in text.splitlines() if "pip install" in line and ".[test]" in line]
    # the one build of the package is behind the check
    assert len(install) == 1 and text.index("install_is_current.py") < text.index(install[0])
