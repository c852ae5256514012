"""Constants and the error type every part of the report shares."""

from __future__ import annotations

from .. import texts

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
SPLIT_NAMES = {
    "low": "low",
    "lite": "low",
    "medium": "medium",
    "high": "high",
    "split75": "split75",
    "all": "split75",
    "dev": "dev",
}
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


def _join_names(names: list[str], limit: int | None = None) -> str:
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
