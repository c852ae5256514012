"""Copying the many files of a preparation: in parallel, with progress, never read into Python.

The reference copies each file with `shutil.copy`; the bytes are the same, only the order of
the work differs. `shutil.copyfile` spends its time in the kernel (sendfile / copy_file_range)
with the GIL released, so a small thread pool keeps both cores and the disk busy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .progress import Progress

# Enough threads to overlap file-system latency on two cores; copying is I/O, not Python.
COPY_THREADS = max(4, 2 * (os.cpu_count() or 1))


def copy_many(pairs: Iterable[tuple[Path, Path]], label: str = "Copying files") -> int:
    """Copy every (source, destination) file, creating destination folders; returns the count.

    A missing source raises FileNotFoundError naming it (after the copies already started end).
    """
    pairs = [(Path(src), Path(dst)) for src, dst in pairs]
    for parent in sorted({dst.parent for _, dst in pairs}):
        parent.mkdir(parents=True, exist_ok=True)
    bar = Progress(label, len(pairs)) if len(pairs) > 100 else None
    if len(pairs) <= 16:
        for src, dst in pairs:
            shutil.copyfile(src, dst)
        return len(pairs)
    with ThreadPoolExecutor(COPY_THREADS) as pool:
        for _ in pool.map(lambda p: shutil.copyfile(p[0], p[1]), pairs, chunksize=64):
            if bar is not None:
                bar.advance()
    if bar is not None:
        bar.close()
    return len(pairs)
