"""A dependency-free progress line on stderr (only on a terminal, so logs and CI stay clean)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Counts steps of a long operation and redraws one line at most 5 times a second."""

    def __init__(self, label: str, total: int | None, unit: str = "files") -> None:
        self.label, self.total, self.unit = label, total, unit
        self.done = 0
        self.enabled = sys.stderr.isatty()
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            self._draw()

    def _draw(self) -> None:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        rate = self.done / elapsed
        if self.total:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            eta = (self.total - self.done) / rate if rate > 0 else 0.0
            text = f"\r{self.label}: [{bar}] {self.done}/{self.total} {self.unit} {rate:,.0f} {self.unit}/s ETA {_clock(eta)}"
        else:
            text = f"\r{self.label}: {self.done} {self.unit} {rate:,.0f} {self.unit}/s"
        sys.stderr.write(text)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self._draw()
            sys.stderr.write("\n")
            sys.stderr.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def track(items: Iterable[T], label: str, total: int | None = None, unit: str = "files") -> Iterator[T]:
    """Yield from `items`, showing progress for collections of more than 100 items."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if total is not None and total <= 100:
        yield from items
        return
    bar = Progress(label, total, unit)
    try:
        for item in items:
            yield item
            bar.advance()
    finally:
        bar.close()
