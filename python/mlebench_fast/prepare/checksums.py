"""`checksums.yaml` in the reference's layout, with MD5s computed by the Rust core.

    zip: <md5 of the downloaded zip>
    public: {<file>: <md5>, ...}    # files directly in prepared/public with a data extension
    private: {<file>: <md5>, ...}   # same for prepared/private
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from .. import _core

# the reference checksums only these kinds of files, and only at the top of each folder
CHECKSUM_EXTENSIONS = ("csv", "json", "jsonl", "parquet", "bson")


def md5(path: Path, label: str | None = None) -> str:
    return _core.md5_files([str(path)], label)[0]


def folder_checksums(folder: Path) -> dict[str, str]:
    """MD5 of each data file directly in `folder` (parallel, streamed)."""
    paths = [p for ext in CHECKSUM_EXTENSIONS for p in sorted(Path(folder).glob(f"*.{ext}")) if p.is_file()]
    sums = _core.md5_files([str(p) for p in paths], f"Hashing {Path(folder).name}")
    return {p.name: s for p, s in zip(paths, sums)}


def all_checksums(zip_md5: str | None, public: Path, private: Path) -> dict[str, Any]:
    return {"zip": zip_md5, "public": folder_checksums(public), "private": folder_checksums(private)}


def dump(checksums: dict[str, Any]) -> str:
    return yaml.safe_dump(checksums, default_flow_style=False)


def diff(actual: dict[str, Any], expected: dict[str, Any]) -> str:
    lines = difflib.unified_diff(
        dump(expected).splitlines(), dump(actual).splitlines(), "expected_checksums", "actual_checksums", lineterm=""
    )
    return "\n".join(lines)
