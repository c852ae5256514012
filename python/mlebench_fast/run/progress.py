"""The live progress of a run group: a table redrawn in place on a terminal, one line per
event otherwise (logs, CI)."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from typing import Any, TextIO

from .rungroup import FAILED, FINISHED, INTERRUPTED, PENDING, RUNNING, SUCCEEDED, TIMED_OUT, RunGroup

_ORDER = {RUNNING: 0, FAILED: 1, TIMED_OUT: 2, INTERRUPTED: 3, SUCCEEDED: 4, PENDING: 5}


def _fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    def __init__(self, group: RunGroup, out: TextIO | None = None, live: bool | None = None):
        self.group = group
        self.out = out or sys.stdout
        self.live = self.out.isatty() if live is None else live
        self._started: dict[str, float] = {}
        self._lock = threading.Lock()
        self._t0 = time.monotonic()
        self._display: Any = None

    # events come from worker threads
    def event(self, run_id: str, status: str) -> None:
        with self._lock:
            if status == RUNNING:
                self._started[run_id] = time.monotonic()
        if not self.live:
            run = self.group.runs[run_id]
            took = ""
            if status != RUNNING and run.get("duration_seconds") is not None:
                took = f" in {_fmt_seconds(run['duration_seconds'])}"
            why = f" ({run['error']})" if status in (FAILED, INTERRUPTED) and run.get("error") else ""
            self.out.write(
                f"{datetime.now():%H:%M:%S} [{self.summary()}] {run['competition_id']} seed {run['seed']}: "
                f"{status.replace('_', ' ')}{took}{why}  ({run_id})\n"
            )
            self.out.flush()

    def elapsed(self, run_id: str) -> float | None:
        run = self.group.runs[run_id]
        if run.get("status") == RUNNING and run_id in self._started:
            return time.monotonic() - self._started[run_id]
        return run.get("duration_seconds")

    def summary(self, final: bool = False) -> str:
        """Counts by status; `final` (the workers are done): a run not finished is counted as
        unfinished, whatever metadata.json last said of it, never as running or pending."""
        runs = list(self.group.runs.values())
        n = {s: sum(r.get("status") == s for r in runs) for s in (RUNNING, FAILED, TIMED_OUT, SUCCEEDED, PENDING)}
        done = sum(r.get("status") in FINISHED for r in runs)
        interrupted = sum(r.get("status") == INTERRUPTED for r in runs)
        counts = [f"{done}/{len(runs)} done"]
        counts += [] if final else [f"{n[RUNNING]} running"]
        counts += [f"{n[SUCCEEDED]} succeeded", f"{n[FAILED]} failed", f"{n[TIMED_OUT]} timed out"]
        if final and done < len(runs):
            counts.append(f"{len(runs) - done} unfinished" + (f" ({interrupted} interrupted)" if interrupted else ""))
        elif interrupted:
            counts.append(f"{interrupted} interrupted")
        return ", ".join(counts)

    def table(self, max_rows: int | None = None):
        from rich.table import Table

        table = Table(
            title=f"{self.group.name} — {self.summary()} — {_fmt_seconds(time.monotonic() - self._t0)}", title_justify="left"
        )
        for col in ("run", "competition", "seed", "status", "elapsed"):
            table.add_column(col, justify="right" if col in ("seed", "elapsed") else "left")
        styles = {RUNNING: "cyan", SUCCEEDED: "green", FAILED: "red", TIMED_OUT: "yellow", INTERRUPTED: "magenta"}
        rows = sorted(self.group.runs.items(), key=lambda kv: _ORDER.get(kv[1].get("status", PENDING), 9))
        pending = [r for r in rows if r[1].get("status", PENDING) == PENDING]
        rows = [r for r in rows if r[1].get("status", PENDING) != PENDING]
        if max_rows is not None and len(rows) > max_rows:
            rows = rows[:max_rows]
        for run_id, run in rows:
            status = run.get("status", PENDING)
            table.add_row(
                run_id.split("_", 1)[-1][:8],
                run["competition_id"],
                str(run["seed"]),
                f"[{styles.get(status, '')}]{status.replace('_', ' ')}[/]",
                _fmt_seconds(self.elapsed(run_id)),
            )
        if pending:
            table.caption = f"{len(pending)} pending"
        return table

    def __enter__(self) -> "Progress":
        if self.live:
            from rich.console import Console
            from rich.live import Live

            console = Console(file=self.out)
            self._display = Live(
                get_renderable=lambda: self.table(max(5, console.size.height - 8)),
                console=console,
                refresh_per_second=2,
                transient=False,
            )
            self._display.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._display is not None:
            self._display.__exit__(*exc)
            self._display = None
        self.out.write(f"{self.summary(final=True)}\n")
        self.out.flush()
