"""report.png: medal rates with standard-error bars (matplotlib, imported only here)."""

from __future__ import annotations

import math

import numpy as np

from .common import HEADLINE, ReportError, _count
from .stats import Comparison, SplitResult, _seeds

MEDAL_COLOURS = {
    "any_medal_percentage": "#3b4cc0",
    "gold_medal_percentage": "#d4af37",
    "silver_medal_percentage": "#a8a9ad",
    "bronze_medal_percentage": "#cd7f32",
    "above_median_percentage": "#6a9fb5",
    "valid_submissions_percentage": "#8fbc8f",
    "submission_exists_percentage": "#b0b0b0",
}


def _new_figure(width: float, height: float):
    # A bare Figure needs no GUI backend or pyplot state: it renders with Agg when saved,
    # so this works headless and leaves a caller's matplotlib settings alone.
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ReportError("report.png needs matplotlib: pip install matplotlib") from None
    return Figure(figsize=(width, height), dpi=150, layout="constrained")


def _style_axes(ax, ylabel: str) -> None:
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def split_figure(result: SplitResult):
    fig = _new_figure(8, 4.5)
    ax = fig.add_subplot()
    names = [name for name, _ in HEADLINE]
    means = [result.metrics[n]["mean"] for n in names]
    errors = [result.metrics[n]["standard_error"] for n in names]
    labels = [label.replace(" ", "\n") for _, label in HEADLINE]
    bars = ax.bar(labels, means, yerr=errors, capsize=4, color=[MEDAL_COLOURS[n] for n in names])
    ax.bar_label(bars, labels=[f"{m:.1f}" for m in means], padding=3, fontsize=8)
    _style_axes(ax, "% of competitions")
    who = f"{result.agent} — " if result.agent else ""
    ax.set_title(
        f"{who}split {result.split}: {_count(len(result.competition_ids), 'competition')}, {_seeds(result.num_seeds)}; error bars ±1 SE",
        fontsize=10,
    )
    ax.tick_params(axis="x", labelsize=8)
    return fig


def comparison_figure(comparison: Comparison):
    agents = comparison.agents
    fig = _new_figure(max(7.0, 3 + len(comparison.columns) * (0.5 + 0.3 * len(agents))), 4.8)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(agents))
    x = np.arange(len(comparison.columns))
    for i, a in enumerate(agents):
        results = [a.splits[s] for s, _ in comparison.columns]
        means = [r.metrics["any_medal_percentage"]["mean"] if isinstance(r, SplitResult) else np.nan for r in results]
        errors = [r.metrics["any_medal_percentage"]["standard_error"] if isinstance(r, SplitResult) else 0.0 for r in results]
        bars = ax.bar(x + (i - (len(agents) - 1) / 2) * width, means, width * 0.95, yerr=errors, capsize=3, label=a.agent)
        ax.bar_label(bars, labels=["" if math.isnan(m) else f"{m:.1f}" for m in means], padding=2, fontsize=7)
    ax.set_xticks(x, [title.replace(" (%)", "") for _, title in comparison.columns])
    _style_axes(ax, "Any medal (% of competitions)")
    ax.set_title("Any-medal rate per split; error bars ±1 SE over seeds", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
