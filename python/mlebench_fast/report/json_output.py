"""report.json: the machine-readable results."""

from __future__ import annotations

import math
from typing import Any

from .stats import Comparison, SplitResult


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


MEDAL_CODES = (
    ("gold_medal", "G"),
    ("silver_medal", "S"),
    ("bronze_medal", "B"),
    ("above_median", "M"),
    ("valid_submission", "V"),
    ("submission_exists", "X"),
)


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
    from ..registry import UnknownCompetition, get_competition

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
