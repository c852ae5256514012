"""Copying whole folders as the reference's `shutil.copytree(src, dst, dirs_exist_ok=True)`
does (every file and every folder, empty ones included), through the parallel `copy_many`."""

from __future__ import annotations

import os
from pathlib import Path

from ..files import copy_many


def copy_tree(src: Path, dst: Path, label: str = "Copying files") -> int:
    """Copy the tree below `src` into `dst` (merging into an existing `dst`); returns the
    number of files copied."""
    src, dst = Path(src), Path(dst)
    if not src.is_dir():
        raise FileNotFoundError(f"{src} is not a folder")
    pairs = []
    for root, _dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        pairs.extend((Path(root) / name, dst / rel / name) for name in files)
    return copy_many(pairs, label)
