"""`checksums.yaml` in the reference's layout, with MD5s computed by the Rust core.

zip: <md5 of the downloaded zip>
public: {<file>: <md5>, ...}    # files directly in prepared/public with a data extension
private: {<file>: <md5>, ...}   # same for prepared/private
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    import yaml  # only `--overwrite-checksums` writes YAML; reading is the core's

    return yaml.safe_dump(checksums, default_flow_style=False)


def differing_files(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """One line per prepared file whose md5 differs from the expected one, or that only one side
    has (`public/train.csv: md5 X, expected Y`)."""
    lines = []
    for part in ("public", "private"):
        got, want = actual.get(part) or {}, expected.get(part) or {}
        for name in sorted(set(got) | set(want)):
            if name not in want:
                lines.append(f"{part}/{name}: not in the expected checksums (md5 {got[name]})")
            elif name not in got:
                lines.append(f"{part}/{name}: missing (expected md5 {want[name]})")
            elif got[name] != want[name]:
                lines.append(f"{part}/{name}: md5 {got[name]}, expected {want[name]}")
    return lines
