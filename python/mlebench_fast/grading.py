"""Grading: submissions in, reports out, with the reference's report schema.

All the work (CSV parsing, validation, metric, rounding, medal ranking) happens in the
Rust core, in parallel and without the GIL; this module resolves competitions and paths,
reads the submission JSONL and assembles the reports.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from . import _core
from .lfs import LfsPointerError, read_text
from .registry import Competition, UnknownCompetition, default_data_dir, get_competition

logger = logging.getLogger("mlebench_fast")


@dataclass(frozen=True)
class CompetitionReport:
    """One graded submission; `to_dict` gives the reference's JSON fields plus `error`."""

    competition_id: str
    score: float | None
    gold_threshold: float | None
    silver_threshold: float | None
    bronze_threshold: float | None
    median_threshold: float | None
    any_medal: bool
    gold_medal: bool
    silver_medal: bool
    bronze_medal: bool
    above_median: bool
    submission_exists: bool
    valid_submission: bool
    is_lower_better: bool | None
    created_at: datetime
    submission_path: str
    error: str | None = None
    # True when the grader could not grade (answers missing or unreadable, unknown competition):
    # not the submission's fault, so grading reports keep it out of their totals
    grader_error: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "competition_id": self.competition_id,
            "score": self.score,
            "gold_threshold": self.gold_threshold,
            "silver_threshold": self.silver_threshold,
            "bronze_threshold": self.bronze_threshold,
            "median_threshold": self.median_threshold,
            "any_medal": self.any_medal,
            "gold_medal": self.gold_medal,
            "silver_medal": self.silver_medal,
            "bronze_medal": self.bronze_medal,
            "above_median": self.above_median,
            "submission_exists": self.submission_exists,
            "valid_submission": self.valid_submission,
            "is_lower_better": self.is_lower_better,
            "created_at": self.created_at.isoformat(),
            "submission_path": self.submission_path,
            "error": self.error,
        }


@dataclass(frozen=True)
class Entry:
    """One line of a submission JSONL."""

    competition_id: str
    submission_path: str | None
    # why the submission was refused before grading (e.g. a link out of its run group): invalid
    rejected: str | None = None


class JsonlError(ValueError):
    pass


def read_submission_jsonl(path: Path) -> list[Entry]:
    """Entries of a submission JSONL; blank lines and lines starting with `#` or `//` are
    skipped. A malformed line is an error naming its line number."""
    entries = []
    try:
        text = read_text(path)
    except LfsPointerError as e:  # the reference's runs/ keeps its JSONL in Git LFS
        raise JsonlError(str(e)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise JsonlError(f"cannot read {path}: {e}") from None
    usual = _core.usual_jsonl_entries(text)  # the usual file, read in the core at once
    if usual is not None:
        return [Entry(*fields) for fields in usual]
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise JsonlError(f"{path}:{number}: not valid JSON ({e.msg})") from None
        if not isinstance(obj, dict) or "competition_id" not in obj:
            raise JsonlError(f"{path}:{number}: each line needs `competition_id` and `submission_path`")
        entries.append(_entry_of(obj))
    return entries


def _entry_of(obj: dict[str, Any]) -> Entry:
    sub, rejected = obj.get("submission_path"), obj.get("submission_error")
    return Entry(str(obj["competition_id"]), None if sub is None else str(sub), None if rejected is None else str(rejected))


def _report_path_text(submission_path: str | None) -> str:
    # the reference stores str(Path(...)), which normalises the text ("None" for null)
    text = str(submission_path)
    if _unchanged_by_path(text):  # most are: a bulk job then builds no Path per submission
        return text
    return str(Path(text))


def _unchanged_by_path(text: str) -> bool:
    """True when `str(Path(text)) == text` for sure: no empty or `.` part for Path to drop."""
    return bool(text) and "//" not in text and "/./" not in text and not text.startswith("./") and not text.endswith(("/", "/."))


def default_cache_dir() -> Path:
    """Where the CLI keeps its results cache: `<user cache dir>/mlebench-fast/results`."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir()) / "mlebench-fast" / "results"


@dataclass(frozen=True)
class GradeStats:
    """How many submissions were graded and how many came from the results cache."""

    graded: int
    from_cache: int


def grade_many(
    entries: Iterable[Entry | tuple[str, str | None] | dict[str, Any]],
    data_dir: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = False,
    cache_dir: Path | str | None = None,
    allow_missing_answers: bool = False,
) -> list[CompetitionReport]:
    """Grade many submissions in parallel; reports come back in input order.

    Bad input never raises here: a missing file or a malformed CSV gives an invalid report
    with the reason in `error`. When the grader cannot grade a competition (unknown id, its
    answers missing or unreadable) its submissions are not graded: their reports have
    `grader_error` set and the fix in `error` (`allow_missing_answers=True` grades them as
    invalid submissions instead, for a data dir holding only some competitions). With
    `cache_dir`, results are remembered there (keyed by the submission's and the answers'
    content and the grader) and re-used by later calls.
    """
    return grade_many_with_stats(entries, data_dir, jobs, progress, cache_dir, allow_missing_answers)[0]


def grader_fault(
    competition_id: str, comp: Competition | None, data_dir: Path, allow_missing_answers: bool = False
) -> str | None:
    """Why the grader cannot grade this competition at all (None when it can)."""
    if comp is None:
        return str(UnknownCompetition(competition_id))
    if allow_missing_answers or not comp.supported:
        return None
    answers = comp.answers_path(data_dir)
    fix = f"prepare it with `mlebench-fast prepare -c {competition_id}` or pass --data-dir"
    if not answers.exists():
        return f"answers not found at {answers}: {fix}"
    try:
        with answers.open("rb") as f:
            f.read(1)
    except OSError as e:
        return f"cannot read the answers {answers} ({e.strerror or e}): {fix}"
    return None


def grade_many_with_stats(
    entries: Iterable[Entry | tuple[str, str | None] | dict[str, Any]],
    data_dir: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = False,
    cache_dir: Path | str | None = None,
    allow_missing_answers: bool = False,
) -> tuple[list[CompetitionReport], GradeStats]:
    """`grade_many`, also returning how much was graded and how much came from the cache."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    normalised: list[Entry] = []
    for e in entries:
        if isinstance(e, Entry):
            normalised.append(e)
        elif isinstance(e, dict):
            normalised.append(_entry_of(e))
        else:
            normalised.append(Entry(str(e[0]), None if e[1] is None else str(e[1])))

    competitions: dict[str, Competition] = {}
    for e in normalised:
        if e.competition_id not in competitions:
            try:
                competitions[e.competition_id] = get_competition(e.competition_id)
            except UnknownCompetition:
                pass
    # checked here, once per competition, so that the grader's faults never pass for bad submissions
    faults = {
        cid: fault
        for cid in dict.fromkeys(e.competition_id for e in normalised)
        if (fault := grader_fault(cid, competitions.get(cid), data_dir, allow_missing_answers)) is not None
    }
    for comp in competitions.values():
        if comp.medals is None and comp.id not in faults:
            logger.warning("%s has no leaderboard figures yet: no medals are awarded", comp.id)
    path_texts = [_report_path_text(e.submission_path) for e in normalised]
    core_jobs = [
        (e.competition_id, None if e.submission_path is None else text)
        for e, text in zip(normalised, path_texts)
        if e.competition_id not in faults and e.rejected is None
    ]
    core_outcomes, stats = _core.grade_many(
        core_jobs,
        [c for c in competitions.values() if c.id not in faults],
        os.fspath(Path(data_dir).resolve()),
        threads=jobs,
        progress=progress,
        cache_dir=None if cache_dir is None else os.fspath(cache_dir),
    )
    by_position = iter(core_outcomes)
    outcomes = [
        _not_graded(e, faults[e.competition_id])
        if e.competition_id in faults
        else (_refused(e.rejected) if e.rejected is not None else next(by_position))
        for e in normalised
    ]
    now = datetime.now()
    reports = []
    for e, o, path_text in zip(normalised, outcomes, path_texts):
        comp = competitions.get(e.competition_id)
        medals = comp.medals if comp else None
        reports.append(
            CompetitionReport(
                competition_id=e.competition_id,
                score=o["score"],
                gold_threshold=medals.gold if medals else None,
                silver_threshold=medals.silver if medals else None,
                bronze_threshold=medals.bronze if medals else None,
                median_threshold=medals.median if medals else None,
                any_medal=o["any_medal"],
                gold_medal=o["gold_medal"],
                silver_medal=o["silver_medal"],
                bronze_medal=o["bronze_medal"],
                above_median=o["above_median"],
                submission_exists=o["submission_exists"],
                valid_submission=o["valid_submission"],
                is_lower_better=medals.lower_is_better if medals else None,
                created_at=now,
                submission_path=path_text,
                error=o["error"],
                grader_error=o.get("grader_error", False),
            )
        )
    return reports, GradeStats(stats["graded"], stats["from_cache"])


# what an outcome that was never graded says of every medal and of validity
_UNGRADED_FLAGS = ("any_medal", "gold_medal", "silver_medal", "bronze_medal", "above_median", "valid_submission")


def _not_graded(entry: Entry, fault: str) -> dict[str, Any]:
    """The outcome of a submission the grader could not grade."""
    exists = entry.submission_path is not None and Path(entry.submission_path).is_file()
    return {
        "score": None,
        **{k: False for k in _UNGRADED_FLAGS},
        "submission_exists": exists,
        "error": fault,
        "grader_error": True,
    }


def _refused(reason: str) -> dict[str, Any]:
    """The outcome of a submission refused before grading: invalid, with the reason."""
    return {"score": None, **{k: False for k in _UNGRADED_FLAGS}, "submission_exists": False, "error": reason}


def grade_csv(path: Path | str, competition_id: str, data_dir: Path | str | None = None) -> CompetitionReport:
    """Grade one submission CSV. Raises `UnknownCompetition` for an unknown id and
    `FileNotFoundError` when the competition's answers are not prepared; any problem with
    the submission itself gives an invalid report instead."""
    comp = get_competition(competition_id)
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    answers = comp.answers_path(data_dir)
    if comp.supported and not answers.is_file():
        raise FileNotFoundError(
            f"the answers of `{competition_id}` are not prepared: {answers} is missing "
            f"(run `mlebench-fast prepare -c {competition_id}` or pass --data-dir)"
        )
    return grade_many([Entry(competition_id, str(path))], data_dir=data_dir, jobs=1)[0]


def aggregate_reports(reports: list[CompetitionReport]) -> dict[str, Any]:
    """The reference's summary: totals, then every competition report in input order.

    Submissions the grader could not grade are kept out of both and listed under
    `grader_errors` (a key the reference does not have, present only when there are some)."""
    not_graded = [r for r in reports if r.grader_error]
    reports = [r for r in reports if not r.grader_error]
    gold = sum(r.gold_medal for r in reports)
    silver = sum(r.silver_medal for r in reports)
    bronze = sum(r.bronze_medal for r in reports)
    return {
        "total_runs": len(reports),
        "total_runs_with_submissions": sum(r.submission_exists for r in reports),
        "total_valid_submissions": sum(r.valid_submission for r in reports),
        "total_medals": gold + silver + bronze,
        "total_gold_medals": gold,
        "total_silver_medals": silver,
        "total_bronze_medals": bronze,
        "total_above_median": sum(r.above_median for r in reports),
        "competition_reports": [r.to_dict() for r in reports],
    } | (
        {
            "grader_errors": [
                {"competition_id": r.competition_id, "submission_path": r.submission_path, "error": r.error} for r in not_graded
            ]
        }
        if not_graded
        else {}
    )


def timestamp() -> str:
    """The reference's report timestamp, e.g. `2024-09-19T20-07-15-GMT`."""
    return time.strftime("%Y-%m-%dT%H-%M-%S-%Z", time.gmtime())


def report_text(reports: list[CompetitionReport]) -> str:
    """The grading report's JSON text, as Python's `json` writes it (the reference's layout)."""
    return json.dumps(aggregate_reports(reports), indent=2, allow_nan=True)


def write_report(reports: list[CompetitionReport], output_dir: Path) -> Path:
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{timestamp()}_grading_report.json"
    tmp = path.with_suffix(".json.tmp")
    # the core writes report_text's bytes (Python's indenting encoder takes seconds for 100,000
    # reports); it declines, writing nothing, a field value it does not write (e.g. a lone surrogate)
    if not _core.write_grading_report(os.fspath(tmp), list(reports)):
        tmp.write_text(report_text(reports), encoding="ascii")
    tmp.replace(path)
    return path


def grade_jsonl(
    submission_jsonl: Path,
    output_dir: Path,
    data_dir: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = False,
    cache_dir: Path | str | None = None,
    allow_missing_answers: bool = False,
) -> tuple[Path, list[CompetitionReport], GradeStats]:
    """Grade every line of a submission JSONL and write `<timestamp>_grading_report.json`."""
    entries = read_submission_jsonl(submission_jsonl)
    reports, stats = grade_many_with_stats(entries, data_dir, jobs, progress, cache_dir, allow_missing_answers)
    return write_report(reports, output_dir), reports, stats
