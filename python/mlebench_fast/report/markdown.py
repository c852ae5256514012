"""report.md and the terminal tables."""

from __future__ import annotations

from .common import HEADLINE, NOT_COMPARABLE, NOT_COMPARABLE_MARK, _count
from .inputs import not_comparable_note
from .json_output import competition_rows
from .stats import AgentResult, Comparison, SplitResult, _seeds


def _pct(x: float) -> str:
    return f"{x:.2f}"


def _mean_se(metric: dict[str, float]) -> str:
    return f"{_pct(metric['mean'])} ± {_pct(metric['standard_error'])}"


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return f"{round(x, 5):.5f}".rstrip("0").rstrip(".")
    return f"{x:.5g}"


def markdown_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A Markdown table padded to line up on a terminal too."""
    right = right if right is not None else set(range(1, len(header)))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _describe(result: SplitResult) -> str:
    padded = result.padded_entries
    padding = f"; {_count(padded, 'missing report')} counted as failed attempts" if padded else ""
    return (
        f"Split `{result.split}`: {_count(len(result.competition_ids), 'competition')}, "
        f"{_seeds(result.num_seeds)} averaged{padding}."
    )


def headline_table(result: SplitResult) -> str:
    """One row per metric: mean ± standard error and the 95% interval, in percent."""
    rows = []
    for name, label in HEADLINE:
        m = result.metrics[name]
        rows.append([label, _mean_se(m), f"[{_pct(m['ci_lower'])}, {_pct(m['ci_upper'])}]"])
    return markdown_table(["Metric", "Mean ± SE (%)", "95% CI (%)"], rows)


def per_seed_table(result: SplitResult) -> str:
    header = ["Seed", *(label for _, label in HEADLINE)]
    rows = [[str(i), *(_pct(seed[name]) for name, _ in HEADLINE)] for i, seed in enumerate(result.per_seed, start=1)]
    return markdown_table(header, rows)


def competition_table(result: SplitResult) -> str:
    header = ["Competition", "Seeds", "Medals", "Best score", "Gold", "Silver", "Bronze", "Median"]
    rows = [
        [
            f"{c['competition_id']}",
            f"`{c['seeds']}`",
            f"{c['medals']}/{result.num_seeds}",
            _num(c["best_score"]),
            *(_num(c[k]) for k in ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold")),
        ]
        for c in competition_rows(result)
    ]
    return markdown_table(header, rows, right={2, 3, 4, 5, 6, 7})


SEED_LEGEND = (
    "Seeds: one letter per seed — G gold, S silver, B bronze, M above median, V valid, "
    "X invalid submission, - no submission, ? missing report counted as a failed attempt. "
    "Thresholds are the medal and median scores of the competition's leaderboard."
)


def _stat_note(result: SplitResult) -> str:
    return (
        f"Percent of the {_count(len(result.competition_ids), 'competition')} of the split, averaged over "
        f"{_seeds(result.num_seeds)}; SE = standard error of the mean "
        "over seeds (ddof=1, 0 for one seed); 95% CI = mean ± 1.96·SE."
    )


def split_markdown(result: SplitResult) -> str:
    title = f"# MLE-bench results{f': {result.agent}' if result.agent else ''}"
    parts = [title, _describe(result), headline_table(result), _stat_note(result)]
    parts += ["## Per seed", per_seed_table(result)]
    parts += ["## Per competition", competition_table(result), SEED_LEGEND]
    parts += _notes_markdown(result.notes)
    parts += ["## Grading reports", "\n".join(f"- `{p}`" for p in result.grading_reports)]
    return "\n\n".join(parts) + "\n"


def _notes_markdown(notes: list[str]) -> list[str]:
    return ["## Notes", "\n".join(f"- {n}" for n in notes)] if notes else []


PADDED_MARK = "*"


def leaderboard_table(comparison: Comparison) -> str:
    """Any-medal rate, mean ± SE, one row per agent, the leaderboard's columns."""
    header = ["Agent", *(title for _, title in comparison.columns), "Seeds"]
    rows = []
    for a in comparison.agents:
        cells, seeds = [], []
        for name, _ in comparison.columns:
            r = a.splits[name]
            if isinstance(r, SplitResult):
                mark = PADDED_MARK if r.padded_entries else ""
                cells.append(_mean_se(r.metrics["any_medal_percentage"]) + mark)
                seeds.append(str(r.num_seeds))
            else:
                cells.append("–")
                seeds.append("–")
        name = a.agent if a.comparable else f"{a.agent} {NOT_COMPARABLE_MARK}"
        rows.append([name, *cells, seeds[0] if len(set(seeds)) == 1 else "/".join(seeds)])
    return markdown_table(header, rows)


def _compare_legend(comparison: Comparison) -> str:
    text = (
        "Any medal (%), mean ± standard error over seeds (ddof=1). Seeds: the number averaged "
        "(per column when they differ). – : no complete seed (see the notes)."
    )
    if any(isinstance(r, SplitResult) and r.padded_entries for a in comparison.agents for r in a.splits.values()):
        text += f" {PADDED_MARK} Computed by padding incomplete seeds with failed attempts."
    if not all(a.comparable for a in comparison.agents):
        text += f" {NOT_COMPARABLE_MARK} {NOT_COMPARABLE}: some of the agent's runs used mlebench-fast's own texts."
    return text


def agent_table(comparison: Comparison, agent: AgentResult) -> str:
    """Every metric of one agent, one column per split."""
    header = ["Metric", *(title.replace(" (%)", "") for _, title in comparison.columns)]
    rows = []
    for name, label in HEADLINE:
        cells = [
            _mean_se(r.metrics[name]) if isinstance(r, SplitResult) else "–"
            for r in (agent.splits[s] for s, _ in comparison.columns)
        ]
        rows.append([label, *cells])
    return markdown_table(header, rows)


def comparison_notes(comparison: Comparison) -> list[str]:
    notes = list(comparison.notes)
    for a in comparison.agents:
        note = not_comparable_note(a.agent, a.own_texts)
        if note:
            notes.append(note)
        for split, r in a.splits.items():
            if isinstance(r, str):
                notes.append(f"{a.agent}, `{split}`: {r}")
    return notes


def comparison_markdown(comparison: Comparison) -> str:
    parts = ["# MLE-bench results: comparison", leaderboard_table(comparison), _compare_legend(comparison)]
    for a in comparison.agents:
        parts += [f"## {a.agent}", agent_table(comparison, a), "Mean ± SE (%) per split."]
        parts.append("Grading reports: " + ", ".join(f"`{p}`" for p in a.grading_reports))
    parts += _notes_markdown(comparison_notes(comparison))
    return "\n\n".join(parts) + "\n"
