"""Reading grading reports: files, run groups, experiment ids, splits; the texts provenance of run groups."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from ..lfs import LfsPointerError, read_text
from .common import (
    DEFAULT_SPLIT,
    EXPERIMENTS_CSV,
    FLAGS,
    NOT_COMPARABLE,
    NOTE_NAMES,
    NUMBERS,
    REPORT_GLOB,
    SPLIT_NAMES,
    ReportError,
    _count,
    _join_names,
)


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
        notes.append(
            f"skipped {_count(len(skipped), 'folder')} of {runs_dir} without a {REPORT_GLOB} file: {_join_names(skipped, limit=NOTE_NAMES)}"
        )
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
    return any(
        isinstance(t, dict) and t.get("source") != "reference" for t in (texts.get("instructions"), texts.get("description"))
    )


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
    return (
        f"{who + ': ' if who else ''}{NOT_COMPARABLE}: {counts[0]} of {counts[1]} runs used mlebench-fast's own "
        "instructions or description, not the reference's (see `mlebench-fast texts`)"
    )


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
    from ..idlists import read_id_list
    from ..registry import split_ids

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
