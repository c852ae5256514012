"""mlebench-fast: a fast, faithful and secure implementation of MLE-bench.

from mlebench_fast import grade_csv, grade_many, metrics
report = grade_csv("submission.csv", "spaceship-titanic")
"""

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

__all__ = [
    "GRADER_VERSION",
    "Competition",
    "CompetitionReport",
    "Entry",
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
