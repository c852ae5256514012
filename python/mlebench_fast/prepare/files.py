"""Copying the many files of a preparation: in parallel, with progress, never read into Python.

The reference copies each file with `shutil.copy`; the bytes are the same, only the order of
the work differs. `shutil.copyfile` spends its time in the kernel (sendfile / copy_file_range)
with the GIL released, so a small thread pool keeps both cores and the disk busy.

Most copies of a preparation come out of the extracted download, which is deleted once the
preparation is done (unless --keep-raw). Inside `linking_from(raw)`, such a copy is a hard
link instead: the same bytes under a second name, without writing them again (creating and
filling a file costs the kernel several times what a link does). Once raw/ is deleted the
link is an ordinary file, exactly what a copy would have left. A kept raw/ is never linked,
so nothing agents see shares a file with it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .progress import Progress

# Enough threads to overlap file-system latency on two cores; copying is I/O, not Python.
COPY_THREADS = max(4, 2 * (os.cpu_count() or 1))
# pairs per task of the pool: one task per file would cost more in futures than the link
BATCH = 64

_link_root: ContextVar[str | None] = ContextVar("_link_root", default=None)


@contextmanager
def linking_from(root: Path) -> Iterator[None]:
    """Within: `copy_many` hard-links files found below `root`, a folder deleted afterwards."""
    token = _link_root.set(os.path.join(os.path.abspath(root), ""))
    try:
        yield
    finally:
        _link_root.reset(token)


def _link(src: str, dst: str) -> None:
    """Make dst the file src, as a hard link where the file system allows it."""
    try:
        os.link(src, dst)
        return
    except FileExistsError:
        # an earlier copy's destination: replaced as copyfile would replace it, but a
        # destination that is a link is removed first, so no other name's bytes change
        if os.path.samefile(src, dst):
            return
        if os.stat(dst).st_nlink > 1:
            os.unlink(dst)
            return _link(src, dst)
    except FileNotFoundError:
        raise
    except OSError:
        pass  # no hard links here (EPERM, EXDEV, EMLINK, ...): a copy gives the same bytes
    shutil.copyfile(src, dst)


def copy_many(pairs: Iterable[tuple[Path, Path]], label: str = "Copying files") -> int:
    """Copy every (source, destination) file, creating destination folders; returns the count.

    A missing source raises FileNotFoundError naming it (after the copies already started end).
    """
    pairs = [(os.fspath(src), os.fspath(dst)) for src, dst in pairs]
    for parent in sorted({os.path.dirname(dst) for _, dst in pairs} - {""}):
        os.makedirs(parent, exist_ok=True)
    root = _link_root.get()

    def one(src: str, dst: str) -> None:
        if root is not None and os.path.abspath(src).startswith(root):
            _link(src, dst)
        else:
            shutil.copyfile(src, dst)

    if len(pairs) <= 16:
        for src, dst in pairs:
            one(src, dst)
        return len(pairs)
    bar = Progress(label, len(pairs)) if len(pairs) > 100 else None

    def batch(chunk: list[tuple[str, str]]) -> int:
        for src, dst in chunk:
            one(src, dst)
        return len(chunk)

    chunks = [pairs[i : i + BATCH] for i in range(0, len(pairs), BATCH)]
    with ThreadPoolExecutor(COPY_THREADS) as pool:
        for done in pool.map(batch, chunks):
            if bar is not None:
                bar.advance(done)
    if bar is not None:
        bar.close()
    return len(pairs)
