"""Seeds and statistics: entries per seed, per-seed rates, mean and standard error, agents compared."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from .common import (
    FLAGS,
    LEADERBOARD_SPLITS,
    METRIC_NAMES,
    NOTE_NAMES,
    RATE_FLAGS,
    Z_95,
    ReportError,
    _count,
    _join_names,
)
from .inputs import (
    Source,
    load_reports,
    not_comparable_note,
    own_texts_runs,
    resolve_split,
)


@dataclass
class SplitResult:
    """The aggregate of one split: per-seed rates, their mean and spread, the grid of entries."""

    split: str
    competition_ids: list[str]
    entries: pl.DataFrame  # one row per (competition, seed) used; `padded` marks filled-in failures
    per_seed: list[dict[str, float | int]]
    metrics: dict[str, dict[str, float]]
    pad_missing: bool
    grading_reports: list[str]
    agent: str | None = None
    notes: list[str] = field(default_factory=list)
    own_texts: tuple[int, int] | None = None  # (runs with own texts, runs) of its run groups

    @property
    def num_seeds(self) -> int:
        return len(self.per_seed)

    @property
    def padded_entries(self) -> int:
        return int(self.entries["padded"].sum())


def _seeds(n: int) -> str:
    return _count(n, "seed")


def _seed_count(counts: dict[str, int], split: str, num_seeds: int | None, pad_missing: bool) -> int:
    """How many seeds to form: the reference's rule (min count, or max count with padding),
    capped by `num_seeds`, which may not ask for more than there are."""
    missing = [cid for cid, n in counts.items() if n == 0]
    if not pad_missing and missing:
        raise ReportError(
            f"no complete seed for split `{split}`: no report for {len(missing)} of its {len(counts)} "
            f"competitions: {_join_names(missing, limit=NOTE_NAMES)} (use --pad-missing to count them as failed attempts)"
        )
    available = max(counts.values()) if pad_missing else min(counts.values())
    if available == 0:
        raise ReportError(f"none of the {len(counts)} competitions of split `{split}` has a report")
    if num_seeds is not None and num_seeds > available:
        kind = "seeds" if pad_missing else "complete seeds"
        raise ReportError(f"requested {num_seeds} seeds for split `{split}`, but only {available} {kind} are available")
    return available if num_seeds is None else num_seeds


def build_entries(
    reports: pl.DataFrame, competition_ids: list[str], split: str, num_seeds: int | None = None, pad_missing: bool = False
) -> tuple[pl.DataFrame, list[str]]:
    """The (competition, seed) grid of a split, filled from the reports; and notes on what was
    left out or padded. Raises `ReportError` when no seed can be formed."""
    in_split = reports.filter(pl.col("competition_id").is_in(competition_ids))
    per_comp = dict(in_split.group_by("competition_id").len().iter_rows())
    counts = {cid: int(per_comp.get(cid, 0)) for cid in competition_ids}
    seeds = _seed_count(counts, split, num_seeds, pad_missing)
    grid = pl.DataFrame({"competition_id": competition_ids}).join(
        pl.DataFrame({"attempt": list(range(seeds))}, schema={"attempt": pl.Int64}), how="cross"
    )
    entries = grid.join(in_split, on=["competition_id", "attempt"], how="left")
    entries = entries.with_columns(padded=pl.col("source").is_null()).with_columns([pl.col(k).fill_null(False) for k in FLAGS])
    # the reference's any-medal is gold or silver or bronze (not the reports' own `any_medal`)
    entries = entries.with_columns(any_medal=pl.col("gold_medal") | pl.col("silver_medal") | pl.col("bronze_medal"))
    entries = entries.rename({"attempt": "seed"})
    return entries, _seed_notes(counts, seeds, len(reports) - len(in_split), split, entries)


def _seed_notes(counts: dict[str, int], seeds: int, outside: int, split: str, entries: pl.DataFrame) -> list[str]:
    notes = []
    if outside:
        notes.append(f"{_count(outside, 'report')} of competitions outside split `{split}` not used")
    extra = {cid: n for cid, n in counts.items() if n > seeds}
    if extra:
        listed = _join_names([f"{cid} ({n})" for cid, n in extra.items()], limit=NOTE_NAMES)
        unused = sum(n - seeds for n in extra.values())
        notes.append(f"{_count(unused, 'report')} beyond the {_seeds(seeds)} used not used: {listed}")
    padded = entries.filter(pl.col("padded"))
    if len(padded):
        by_comp = padded.group_by("competition_id", maintain_order=True).agg(pl.col("seed") + 1)
        listed = _join_names([f"{cid} (seed {', '.join(map(str, s))})" for cid, s in by_comp.iter_rows()], limit=NOTE_NAMES)
        notes.append(f"{_count(len(padded), 'missing report')} counted as failed attempts: {listed}")
    return notes


def seed_metrics(entries: pl.DataFrame) -> list[dict[str, float | int]]:
    """The reference's per-seed figures: the number of competitions and each rate in percent."""
    counts = entries.group_by("seed").agg(
        total_competitions=pl.len(), **{flag: pl.col(flag).sum() for flag in RATE_FLAGS.values()}
    )
    per_seed = []
    for row in counts.sort("seed").iter_rows(named=True):
        total = int(row["total_competitions"])
        # count / total * 100, in that order, so the floats equal the reference's
        rates = {name: int(row[flag]) / total * 100 for name, flag in RATE_FLAGS.items()}
        per_seed.append({"total_competitions": total, **rates})
    return per_seed


def summarise(values: list[float]) -> dict[str, float]:
    """Mean, standard error of the mean (ddof=1; 0 for one value) and the 95% interval."""
    array = np.asarray(values, dtype=np.float64)
    mean = float(np.mean(array))
    se = float(np.std(array, ddof=1) / np.sqrt(len(array))) if len(array) > 1 else 0.0
    return {"mean": mean, "standard_error": se, "ci_lower": mean - Z_95 * se, "ci_upper": mean + Z_95 * se}


def aggregate(per_seed: list[dict[str, float | int]]) -> dict[str, dict[str, float]]:
    return {name: summarise([float(seed[name]) for seed in per_seed]) for name in METRIC_NAMES}


def report_split(
    reports: pl.DataFrame,
    split: str,
    competition_ids: list[str],
    grading_reports: list[str],
    num_seeds: int | None = None,
    pad_missing: bool = False,
    agent: str | None = None,
) -> SplitResult:
    entries, notes = build_entries(reports, competition_ids, split, num_seeds, pad_missing)
    per_seed = seed_metrics(entries)
    return SplitResult(
        split=split,
        competition_ids=list(competition_ids),
        entries=entries,
        per_seed=per_seed,
        metrics=aggregate(per_seed),
        pad_missing=pad_missing,
        grading_reports=sorted(grading_reports),
        agent=agent,
        notes=notes,
    )


def group_by_agent(sources: list[Source]) -> dict[str, list[str]]:
    """Agent -> its grading report paths, agents in order of first appearance. A source with no
    name of its own is named after its run group (its directory, in the reference's layout)."""
    groups: dict[str, list[str]] = {}
    for s in sources:
        groups.setdefault(s.agent_name, []).append(s.path)
    return groups


def _check_count(num_seeds: int | None) -> int | None:
    if num_seeds is None or num_seeds == -1:  # -1 means all, as in the reference
        return None
    if num_seeds < 1:
        raise ReportError(f"--num-seeds must be a positive number (or -1 for all), not {num_seeds}")
    return num_seeds


def report_single(
    sources: list[Source], split: str | None = None, num_seeds: int | None = None, pad_missing: bool = False
) -> SplitResult:
    """All sources pooled as one agent's seeds, on one split."""
    num_seeds = _check_count(num_seeds)
    agents = {s.agent for s in sources if s.agent}
    if len(agents) > 1:
        raise ReportError(
            f"the reports name {len(agents)} agents ({_join_names(sorted(agents))}); add --compare to put them side by side"
        )
    name, ids = resolve_split(split)
    paths = [s.path for s in sources]
    result = report_split(load_reports(paths), name, ids, paths, num_seeds, pad_missing, agent=next(iter(agents), None))
    result.own_texts = own_texts_runs(paths)
    note = not_comparable_note(None, result.own_texts)
    if note:
        result.notes.append(note)
    experiments = sorted({s.group for s in sources if s.group and s.group != Path(s.path).parent.name})
    if len(experiments) > 1:
        result.notes.append(
            f"the run groups belong to {len(experiments)} experiments ({_join_names(experiments)}) and were pooled; "
            "use --run-groups to pick one, or --compare"
        )
    return result


@dataclass
class AgentResult:
    agent: str
    grading_reports: list[str]
    splits: dict[str, SplitResult | str]  # split -> result, or why there is none
    own_texts: tuple[int, int] | None = None  # (runs with own texts, runs) of its run groups

    @property
    def comparable(self) -> bool:
        return not (self.own_texts and self.own_texts[0])


@dataclass
class Comparison:
    columns: list[tuple[str, str]]  # (split, column title)
    agents: list[AgentResult]
    pad_missing: bool
    notes: list[str] = field(default_factory=list)


def report_compare(
    sources: list[Source], split: str | None = None, num_seeds: int | None = None, pad_missing: bool = False
) -> Comparison:
    """One row per agent on the leaderboard's splits (plus `split` when it is another one);
    a split an agent cannot form a seed for gets no number, with the reason kept."""
    num_seeds = _check_count(num_seeds)
    columns = [(name, title, resolve_split(name)[1]) for name, title in LEADERBOARD_SPLITS]
    if split is not None:
        name, ids = resolve_split(split)
        if name not in dict(LEADERBOARD_SPLITS):
            columns.append((name, f"{name} (%)", ids))
    agents = []
    for agent, paths in group_by_agent(sources).items():
        reports = load_reports(paths)
        results: dict[str, SplitResult | str] = {}
        for name, _, ids in columns:
            try:
                results[name] = report_split(reports, name, ids, paths, num_seeds, pad_missing, agent=agent)
            except ReportError as e:
                results[name] = str(e)
        agents.append(AgentResult(agent, sorted(paths), results, own_texts_runs(paths)))
    if all(isinstance(r, str) for a in agents for r in a.splits.values()):
        first = next(iter(agents[0].splits.values()))
        raise ReportError(f"no agent has a complete seed on any split; for example {agents[0].agent}: {first}")
    agents.sort(key=_sort_key)
    return Comparison([(n, t) for n, t, _ in columns], agents, pad_missing)


def _sort_key(agent: AgentResult) -> tuple[float, str]:
    # the leaderboard's order: best `All` first; agents without that number last
    result = agent.splits.get("split75")
    mean = result.metrics["any_medal_percentage"]["mean"] if isinstance(result, SplitResult) else -1.0
    return (-mean, agent.agent)
