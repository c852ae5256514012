"""Aggregate grading reports into MLE-bench results: medal rates per split, mean ± SE over seeds.

Seeds are formed the way the reference's aggregation forms them, so the numbers match it:
grading report files are read in sorted path order, the reports of each file in file order;
the i-th report of a competition belongs to seed i. Only
competitions of the chosen split count. Without padding, a seed counts only when every
competition of the split has a report in it; with padding, a missing report counts as a
failed attempt (no submission, no medal). Per seed, each rate is ``count / total * 100``;
across seeds the mean is ``numpy.mean`` and the standard error ``std(ddof=1) / sqrt(n)``
(0 for one seed), with ``mean ∓ 1.96·SE`` as the 95% interval.

Outputs: ``report.json`` (machine-readable), ``report.md`` (tables to paste into a paper or
README) and ``report.png`` (rates with standard-error bars). ``--compare`` puts several agents
side by side with the leaderboard's Low / Medium / High / All columns.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import polars as pl

from . import texts
from .lfs import LfsPointerError, read_text

# Per-seed metrics: the reference's names and order; the count each one is a rate of.
RATE_FLAGS = {
    "submission_exists_percentage": "submission_exists",
    "valid_submissions_percentage": "valid_submission",
    "above_median_percentage": "above_median",
    "gold_medal_percentage": "gold_medal",
    "silver_medal_percentage": "silver_medal",
    "bronze_medal_percentage": "bronze_medal",
    "any_medal_percentage": "any_medal",
}
METRIC_NAMES = ("total_competitions", *RATE_FLAGS)
# Rows of the headline table, most quoted first.
HEADLINE = (
    ("any_medal_percentage", "Any medal"),
    ("gold_medal_percentage", "Gold"),
    ("silver_medal_percentage", "Silver"),
    ("bronze_medal_percentage", "Bronze"),
    ("above_median_percentage", "Above median"),
    ("valid_submissions_percentage", "Valid submission"),
    ("submission_exists_percentage", "Submission made"),
)
FLAGS = ("gold_medal", "silver_medal", "bronze_medal", "above_median", "submission_exists", "valid_submission")
NUMBERS = ("score", "gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold")
# The leaderboard's columns, in its order.
LEADERBOARD_SPLITS = (("low", "Low == Lite (%)"), ("medium", "Medium (%)"), ("high", "High (%)"), ("split75", "All (%)"))
SPLIT_NAMES = {"low": "low", "lite": "low", "medium": "medium", "high": "high", "split75": "split75", "all": "split75", "dev": "dev"}
DEFAULT_SPLIT = "split75"
REPORT_GLOB = "*grading_report*.json"
EXPERIMENTS_CSV = "run_group_experiments.csv"
NOTE_NAMES = 5  # competitions named in one note before "and N more"
Z_95 = 1.96
# Runs whose agent read mlebench-fast's own instructions or description, not the reference's
# (the run group's metadata.json says which), cannot be compared with the leaderboard.
NOT_COMPARABLE = texts.NOT_COMPARABLE
NOT_COMPARABLE_MARK = "†"


class ReportError(ValueError):
    """A problem with the inputs, worded as one line for the command line."""


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Source:
    """One grading report file; `agent` is the name given to it with `AGENT=`, `group` the
    name it gets otherwise under --compare (its experiment id or run group)."""

    path: str
    agent: str | None = None
    group: str | None = None

    @property
    def agent_name(self) -> str:
        return self.agent or self.group or Path(self.path).resolve().parent.name


def _split_label(text: str) -> tuple[str | None, str]:
    """`AGENT=VALUE` -> (AGENT, VALUE); a plain value (or a path containing `=`) -> (None, VALUE)."""
    label, sep, value = text.partition("=")
    if not sep or not label or "/" in label or Path(text).exists():
        return None, text
    return label, value


def sources_from_files(files: Iterable[str]) -> list[Source]:
    """Grading report paths as given, each optionally prefixed with `AGENT=`."""
    sources = []
    for text in files:
        agent, path = _split_label(text)
        if not Path(path).is_file():
            raise ReportError(f"grading report not found: {path}")
        sources.append(Source(path, agent))
    _check_unique(sources)
    return sources


def _check_unique(sources: list[Source]) -> None:
    # the same file twice would silently double its seeds
    seen: set[Path] = set()
    for s in sources:
        key = Path(s.path).resolve()
        if key in seen:
            raise ReportError(f"grading report given twice: {s.path}")
        seen.add(key)


def read_experiments_csv(table: Path) -> list[tuple[str, str]]:
    """(experiment id, run group) rows of the reference's `run_group_experiments.csv`: an
    `experiment_id,run_group` header, then one row per run group (the run group is everything
    after the first comma)."""
    try:
        text = read_text(table)
    except LfsPointerError as e:
        raise ReportError(str(e)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"cannot read {table}: {e}") from None
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("experiment_id"):
            continue
        experiment, sep, group = line.strip().partition(",")
        if sep and experiment.strip():
            rows.append((experiment.strip(), group.strip()))
    return rows


def _experiments(runs_dir: Path) -> dict[str, str]:
    """run group -> experiment id from the reference's `run_group_experiments.csv`, if present."""
    table = runs_dir / EXPERIMENTS_CSV
    if not table.is_file():
        return {}
    mapping: dict[str, str] = {}
    for experiment, group in read_experiments_csv(table):
        mapping.setdefault(group, experiment)
    return mapping


def sources_from_experiments(runs_dir: Path, experiment_ids: list[str], notes: list[str]) -> list[Source]:
    """The grading reports of every run group of each experiment, as the reference's aggregation
    finds them with `--experiment-id`: run groups listed in `DIR/run_group_experiments.csv`, in
    sorted order; a run group folder that is missing or holds no report is skipped (with a note)."""
    runs_dir = Path(runs_dir)
    table = runs_dir / EXPERIMENTS_CSV
    if not table.is_file():
        raise ReportError(f"--experiment-id needs {table} (the reference's runs/{EXPERIMENTS_CSV}); pass --runs-dir")
    rows = read_experiments_csv(table)
    sources = []
    for experiment in dict.fromkeys(experiment_ids):
        groups = sorted(g for e, g in rows if e == experiment)
        if not groups:
            known = _join_names(sorted(dict.fromkeys(e for e, _ in rows)), limit=NOTE_NAMES)
            raise ReportError(f"experiment id `{experiment}` not found in {table} (known: {known or 'none'})")
        found = []
        for group in groups:
            if not (runs_dir / group).is_dir():
                notes.append(f"skipped run group {group} of experiment {experiment}: no folder {runs_dir / group}")
                continue
            report = _run_group_report(runs_dir / group, group, required=False, notes=notes)
            if report is None:
                notes.append(f"skipped run group {group} of experiment {experiment}: no {REPORT_GLOB} file")
            else:
                found.append(Source(str(report), experiment, experiment))
        if not found:
            raise ReportError(f"no grading report found for experiment id `{experiment}` in {runs_dir}")
        sources += found
    _check_unique(sources)
    return sources


def sources_from_runs_dir(runs_dir: Path, run_groups: list[str] | None, notes: list[str]) -> list[Source]:
    """One grading report per run group (`DIR/<run group>/*grading_report*.json`).

    Without `run_groups`, every sub-directory holding a report is a run group (others are
    skipped with a note); a named run group without exactly one report is an error. The agent
    of a run group is its `AGENT=` label, else its experiment id in `run_group_experiments.csv`,
    else the run group's own name.
    """
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        raise ReportError(f"runs dir not found: {runs_dir}")
    experiments = _experiments(runs_dir)
    named = run_groups is not None and len(run_groups) > 0
    if named:
        wanted = [_split_label(text) for text in run_groups]  # type: ignore[union-attr]
    else:
        wanted = [(None, p.name) for p in runs_dir.iterdir() if p.is_dir()]
    sources = []
    skipped: list[str] = []
    for label, group in sorted(wanted, key=lambda lg: lg[1]):
        report = _run_group_report(runs_dir / group, group, required=named, notes=notes)
        if report is not None:
            sources.append(Source(str(report), label, experiments.get(group, group)))
        else:
            skipped.append(group)
    if skipped:
        # one note, however many folders (the reference's runs/ has several without reports)
        notes.append(f"skipped {_count(len(skipped), 'folder')} of {runs_dir} without a {REPORT_GLOB} file: {_join_names(skipped, limit=NOTE_NAMES)}")
    if not sources:
        raise ReportError(f"no run group in {runs_dir} holds a {REPORT_GLOB} file")
    _check_unique(sources)
    return sources


def _run_group_report(directory: Path, group: str, required: bool, notes: list[str]) -> Path | None:
    if not directory.is_dir():
        raise ReportError(f"run group not found: {directory}")
    reports = sorted(p for p in directory.glob(REPORT_GLOB) if p.is_file())
    if len(reports) > 1:
        # re-graded: the newest report is the one that counts (the reference's aggregation stops here)
        newest = newest_report(reports)
        older = ", ".join(p.name for p in reports if p != newest)
        notes.append(f"run group {group} has {len(reports)} grading reports: used the newest, {newest.name} (not {older})")
        return newest
    if not reports:
        if required:
            raise ReportError(f"run group {group} has no {REPORT_GLOB} file")
        return None
    return reports[0]


def _own_texts(run: Any, ours: bool) -> bool:
    texts = run.get("texts") if isinstance(run, dict) else None
    if not isinstance(texts, dict):
        # before runs recorded their texts, mlebench-fast always gave its own instructions
        return ours and isinstance(run, dict) and run.get("status", "pending") != "pending"
    return any(isinstance(t, dict) and t.get("source") != "reference" for t in (texts.get("instructions"), texts.get("description")))


def own_texts_runs(grading_reports: Iterable[str]) -> tuple[int, int] | None:
    """(runs that used mlebench-fast's own texts, runs) over the run groups the grading reports
    sit in (their `metadata.json`), or None when no report sits in a run group. Groups of the
    reference (no `settings`) used the reference's texts."""
    own = total = 0
    found = False
    for folder in sorted({Path(p).resolve().parent for p in grading_reports}):
        try:
            metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        runs = metadata.get("runs") if isinstance(metadata, dict) else None
        if not isinstance(runs, dict):
            continue
        found = True
        ours = "settings" in metadata
        own += sum(_own_texts(run, ours) for run in runs.values())
        total += len(runs)
    return (own, total) if found else None


def not_comparable_note(who: str | None, counts: tuple[int, int] | None) -> str | None:
    if counts is None or counts[0] == 0:
        return None
    return (f"{who + ': ' if who else ''}{NOT_COMPARABLE}: {counts[0]} of {counts[1]} runs used mlebench-fast's own "
            "instructions or description, not the reference's (see `mlebench-fast texts`)")


_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d)")


def newest_report(reports: list[Path]) -> Path:
    """The newest of a run group's grading reports: by the timestamp that starts their names
    (`grade` writes `<timestamp>_grading_report.json`, in GMT), else by modification time."""
    stamps = [_TIMESTAMP.match(p.name) for p in reports]
    if all(stamps):
        return max(reports, key=lambda p: (_TIMESTAMP.match(p.name).group(1), p.name))  # type: ignore[union-attr]
    return max(reports, key=lambda p: (p.stat().st_mtime, p.name))


def resolve_split(split: str | None) -> tuple[str, list[str]]:
    """(display name, competition ids) of a split name (`low`/`lite`, `medium`, `high`,
    `split75`/`all`, `dev`) or of a text file with one competition id per line."""
    from .idlists import read_id_list
    from .registry import split_ids

    split = split or DEFAULT_SPLIT
    if split in SPLIT_NAMES:
        return SPLIT_NAMES[split], split_ids(SPLIT_NAMES[split])
    path = Path(split)
    if not path.is_file():
        names = ", ".join(dict.fromkeys(SPLIT_NAMES.values()))
        raise ReportError(f"unknown split `{split}`: not one of {names}, and no such file")
    try:
        ids = read_id_list(path)
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"cannot read split file {path}: {e}") from None
    if not ids:
        raise ReportError(f"split file {path} lists no competition")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ReportError(f"split file {path} lists {', '.join(repeated)} more than once")
    return split, ids


def _flag(value: Any, where: str, key: str) -> bool:
    # the reference applies bool(); null is false there too
    if value is None or isinstance(value, bool):
        return bool(value)
    raise ReportError(f"{where}: `{key}` must be true, false or null, not {value!r}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _rows_of_file(path: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(read_text(path))
    except LfsPointerError as e:
        raise ReportError(str(e)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReportError(f"cannot read grading report {path}: {e}") from None
    reports = data.get("competition_reports") if isinstance(data, dict) else None
    if not isinstance(reports, list):
        raise ReportError(f"{path} is not a grading report: it has no `competition_reports` list")
    rows = []
    for number, report in enumerate(reports, start=1):
        where = f"{path}: competition report {number}"
        if not isinstance(report, dict) or "competition_id" not in report:
            raise ReportError(f"{where} has no `competition_id`")
        missing = [k for k in FLAGS if k not in report]
        if missing:
            raise ReportError(f"{where} (`{report['competition_id']}`) lacks {', '.join(missing)}")
        row: dict[str, Any] = {"competition_id": str(report["competition_id"]), "source": path}
        row.update({k: _flag(report[k], where, k) for k in FLAGS})
        row.update({k: _number(report.get(k)) for k in NUMBERS})
        lower = report.get("is_lower_better")
        row["is_lower_better"] = lower if isinstance(lower, bool) else None
        rows.append(row)
    # The reference also sorts a file's reports by competition id; that sort is stable, so
    # it leaves each competition's own order, all the seeds depend on, unchanged.
    return rows


REPORT_SCHEMA = {
    "competition_id": pl.String,
    "source": pl.String,
    **{k: pl.Boolean for k in FLAGS},
    **{k: pl.Float64 for k in NUMBERS},
    "is_lower_better": pl.Boolean,
}


def load_reports(paths: Iterable[str]) -> pl.DataFrame:
    """Every competition report of the files, files in sorted path order (the reference's
    order), with `attempt` = how many reports of the same competition came before."""
    rows = [row for path in sorted(paths) for row in _rows_of_file(path)]
    frame = pl.DataFrame(rows, schema=REPORT_SCHEMA)
    return frame.with_columns(attempt=pl.int_range(pl.len()).over("competition_id"))


# ---------------------------------------------------------------- seeds and statistics


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


def _join_names(names: list[str], limit: int | None = None) -> str:
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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


def build_entries(reports: pl.DataFrame, competition_ids: list[str], split: str, num_seeds: int | None = None, pad_missing: bool = False) -> tuple[pl.DataFrame, list[str]]:
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
    entries = entries.with_columns(padded=pl.col("source").is_null()).with_columns(
        [pl.col(k).fill_null(False) for k in FLAGS]
    )
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


def report_single(sources: list[Source], split: str | None = None, num_seeds: int | None = None, pad_missing: bool = False) -> SplitResult:
    """All sources pooled as one agent's seeds, on one split."""
    num_seeds = _check_count(num_seeds)
    agents = {s.agent for s in sources if s.agent}
    if len(agents) > 1:
        raise ReportError(f"the reports name {len(agents)} agents ({_join_names(sorted(agents))}); add --compare to put them side by side")
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


def report_compare(sources: list[Source], split: str | None = None, num_seeds: int | None = None, pad_missing: bool = False) -> Comparison:
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


# ---------------------------------------------------------------- JSON


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


MEDAL_CODES = (("gold_medal", "G"), ("silver_medal", "S"), ("bronze_medal", "B"), ("above_median", "M"), ("valid_submission", "V"), ("submission_exists", "X"))


def entry_code(row: dict[str, Any]) -> str:
    """One letter per attempt: G/S/B medal, M above median, V valid, X invalid, - no
    submission, ? missing report (padded)."""
    if row["padded"]:
        return "?"
    return next((code for key, code in MEDAL_CODES if row[key]), "-")


def _direction(cid: str, rows: list[dict[str, Any]]) -> bool | None:
    lower = next((r["is_lower_better"] for r in rows if r["is_lower_better"] is not None), None)
    if lower is None:
        medals = _registry_medals(cid)
        lower = medals.lower_is_better if medals else None
    return lower


def _registry_medals(cid: str):
    from .registry import UnknownCompetition, get_competition

    try:
        return get_competition(cid).medals
    except UnknownCompetition:
        return None


def _thresholds(cid: str, rows: list[dict[str, Any]]) -> dict[str, float | None]:
    keys = ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold")
    found = {k: next((r[k] for r in rows if r[k] is not None), None) for k in keys}
    if all(v is None for v in found.values()):
        medals = _registry_medals(cid)
        if medals is not None:
            found = dict(zip(keys, (medals.gold, medals.silver, medals.bronze, medals.median)))
    return {k: _finite(v) for k, v in found.items()}


def competition_rows(result: SplitResult) -> list[dict[str, Any]]:
    """Per competition: the outcome of each seed, medal count, best score and thresholds."""
    out = []
    by_comp = result.entries.partition_by("competition_id", as_dict=True, maintain_order=True)
    for cid in result.competition_ids:
        rows = by_comp[(cid,)].sort("seed").to_dicts()
        scores = [r["score"] for r in rows if r["valid_submission"] and _finite(r["score"]) is not None]
        lower = _direction(cid, rows)
        best = None if not scores or lower is None else (min(scores) if lower else max(scores))
        out.append(
            {
                "competition_id": cid,
                "seeds": "".join(entry_code(r) for r in rows),
                "scores": [_finite(r["score"]) for r in rows],
                "medals": sum(r["any_medal"] for r in rows),
                "best_score": best,
                "is_lower_better": lower,
                **_thresholds(cid, rows),
            }
        )
    return out


def split_json(result: SplitResult) -> dict[str, Any]:
    return {
        "num_seeds_averaged": result.num_seeds,
        "num_competitions_per_seed": len(result.competition_ids),
        "split": result.split,
        "per_seed": result.per_seed,
        "metrics": result.metrics,
        "agent": result.agent,
        "pad_missing": result.pad_missing,
        "padded_entries": result.padded_entries,
        "grading_reports": result.grading_reports,
        "competitions": competition_rows(result),
        "comparable_with_leaderboard": _comparable(result.own_texts),
        "runs_with_own_texts": result.own_texts[0] if result.own_texts else None,
        "notes": result.notes,
    }


def _comparable(counts: tuple[int, int] | None) -> bool | None:
    return None if counts is None else counts[0] == 0


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "compare": True,
        "columns": [name for name, _ in comparison.columns],
        "pad_missing": comparison.pad_missing,
        "agents": [
            {
                "agent": a.agent,
                "grading_reports": a.grading_reports,
                "comparable_with_leaderboard": _comparable(a.own_texts),
                "runs_with_own_texts": a.own_texts[0] if a.own_texts else None,
                "splits": {s: split_json(r) if isinstance(r, SplitResult) else {"error": r} for s, r in a.splits.items()},
            }
            for a in comparison.agents
        ],
        "notes": comparison.notes,
    }


# ---------------------------------------------------------------- Markdown


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


# ---------------------------------------------------------------- PNG


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
    ax.set_title(f"{who}split {result.split}: {_count(len(result.competition_ids), 'competition')}, {_seeds(result.num_seeds)}; error bars ±1 SE", fontsize=10)
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


# ---------------------------------------------------------------- outputs


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
