"""`copy_many` over a lazily built list of (source, destination) pairs, a batch at a time, so
preparations that copy millions of files (herbarium-2021 has ~2.5M images) never hold every
pair's Path objects at once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..files import copy_many

BATCH = 50_000


def copy_in_batches(pairs: Iterable[tuple[Path, Path]], label: str, total: int | None = None, batch: int = BATCH) -> int:
    """Copy every pair (creating destination folders), `batch` pairs per `copy_many` call;
    returns the count. `total`, when known, only makes the progress labels say "k/total"."""
    done = 0
    chunk: list[tuple[Path, Path]] = []

    def flush() -> None:
        nonlocal done, chunk
        if not chunk:
            return
        end = done + len(chunk)
        suffix = f" ({end}/{total})" if total and total > batch else ""
        copy_many(chunk, f"{label}{suffix}")
        done, chunk = end, []

    for pair in pairs:
        chunk.append(pair)
        if len(chunk) >= batch:
            flush()
    flush()
    return done
