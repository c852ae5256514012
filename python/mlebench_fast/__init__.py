"""mlebench-fast: a fast, faithful and secure implementation of MLE-bench.

from mlebench_fast import grade_csv, grade_many, metrics
report = grade_csv("submission.csv", "spaceship-titanic")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The public names are loaded on first use (PEP 562), so that `import mlebench_fast` and the
# command line's start-up import only what they use: `metrics` pulls in numpy.
_WHERE = {
    "GRADER_VERSION": "._core",
    "Competition": ".registry",
    "CompetitionReport": ".grading",
    "Entry": ".grading",
    "GradeStats": ".grading",
    "aggregate_reports": ".grading",
    "all_competitions": ".registry",
    "default_data_dir": ".registry",
    "get_competition": ".registry",
    "grade_csv": ".grading",
    "grade_jsonl": ".grading",
    "grade_many": ".grading",
    "grade_many_with_stats": ".grading",
    "metrics": None,  # the module itself
    "split_ids": ".registry",
}

__all__ = [
    "Competition",
    "CompetitionReport",
    "Entry",
    "GRADER_VERSION",
    "GradeStats",
    "aggregate_reports",
    "all_competitions",
    "default_data_dir",
    "get_competition",
    "grade_csv",
    "grade_jsonl",
    "grade_many",
    "grade_many_with_stats",
    "metrics",
    "split_ids",
]

if TYPE_CHECKING:
    from . import metrics
    from ._core import GRADER_VERSION
    from .grading import (
        CompetitionReport,
        Entry,
        GradeStats,
        aggregate_reports,
        grade_csv,
        grade_jsonl,
        grade_many,
        grade_many_with_stats,
    )
    from .registry import Competition, all_competitions, default_data_dir, get_competition, split_ids


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = _WHERE[name]
    value = importlib.import_module(f".{name}" if module is None else module, __name__)
    if module is not None:
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
