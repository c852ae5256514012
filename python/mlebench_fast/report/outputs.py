"""Writing the three outputs and the terminal summary."""

from __future__ import annotations

import json
from pathlib import Path

from .common import ReportError
from .figures import comparison_figure, split_figure
from .json_output import comparison_json, split_json
from .markdown import (
    _compare_legend,
    _describe,
    comparison_markdown,
    comparison_notes,
    headline_table,
    leaderboard_table,
    split_markdown,
)
from .stats import Comparison, SplitResult


def write_outputs(result: SplitResult | Comparison, output_dir: Path) -> list[Path]:
    """Write report.json, report.md and report.png; return their paths."""
    output_dir = Path(output_dir)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReportError(f"cannot create output dir {output_dir}: {e}") from None
    if isinstance(result, Comparison):
        data, text, fig = comparison_json(result), comparison_markdown(result), comparison_figure(result)
    else:
        data, text, fig = split_json(result), split_markdown(result), split_figure(result)
    paths = [output_dir / "report.json", output_dir / "report.md", output_dir / "report.png"]
    paths[0].write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    paths[1].write_text(text, encoding="utf-8")
    fig.savefig(paths[2], format="png")
    return paths


def terminal_summary(result: SplitResult | Comparison) -> str:
    """The headline table (or the leaderboard rows with --compare) and the notes."""
    if isinstance(result, Comparison):
        lines = [leaderboard_table(result), _compare_legend(result)]
        notes = comparison_notes(result)
    else:
        who = f"{result.agent}: " if result.agent else ""
        lines = [who + _describe(result), headline_table(result)]
        notes = result.notes
    return "\n".join(lines + [f"note: {n}" for n in notes])
