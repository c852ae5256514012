"""Load ../shared/oracle cases (format in its README)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    competition_id: str
    submission: Path
    expected: float | str | None
    note: str


def load_cases(oracle: Path, competition_id: str) -> tuple[Path, list[Case]]:
    folder = oracle / competition_id
    spec = json.loads((folder / "expected.json").read_text())
    cases = [Case(competition_id, folder / c["submission"], c["score"], c.get("note", "")) for c in spec["cases"]]
    return folder / spec["answers"], cases


def matches(expected: float | str | None, score: float | None) -> bool:
    if expected is None:
        return score is None
    if score is None:
        return False
    if expected == "NaN":
        return math.isnan(score)
    if expected in ("Infinity", "-Infinity"):
        return score == float(expected.replace("Infinity", "inf"))
    return not math.isnan(score) and abs(score - float(expected)) <= 1e-5
