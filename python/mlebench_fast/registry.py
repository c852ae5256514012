"""The competition registry: one ``competitions/<id>/config.yaml`` per competition.

A config names the competition, where its answers and sample submission live under the
data dir (the reference's layout, so existing prepared data works unchanged), the
reference's metric name, the declarative grader the Rust core executes (``null`` while
not implemented), the medal figures of its Kaggle leaderboard and its split membership.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_cache_dir

from . import _core

SPLITS = ("low", "medium", "high", "split75", "dev")
SPLIT_ALIASES = {"lite": "low", "all": "split75"}


def default_data_dir() -> Path:
    """The reference's default: ``<user cache dir>/mle-bench/data``."""
    return (Path(user_cache_dir()) / "mle-bench" / "data").resolve()


# Set to a folder of <id>/config.yaml to use configs from disk instead of the built-in ones
# (handy while editing configs without rebuilding the extension).
CONFIGS_ENV = "MLEBENCH_FAST_COMPETITIONS_DIR"


@dataclass(frozen=True)
class Medals:
    num_teams: int
    lower_is_better: bool
    gold: float
    silver: float
    bronze: float
    median: float


@dataclass(frozen=True)
class Competition:
    id: str
    name: str
    answers: str
    sample_submission: str
    metric: str
    splits: tuple[str, ...]
    grader: dict[str, Any] | None
    medals: Medals | None

    @property
    def supported(self) -> bool:
        """True when mlebench-fast implements this competition's grader."""
        return self.grader is not None

    def answers_path(self, data_dir: Path) -> Path:
        return Path(data_dir) / self.answers

    def sample_submission_path(self, data_dir: Path) -> Path:
        return Path(data_dir) / self.sample_submission

    def core_spec(self, data_dir: Path) -> dict[str, Any]:
        """What the Rust core needs to grade this competition."""
        medals = None
        if self.medals is not None:
            m = self.medals
            medals = {
                "gold": m.gold,
                "silver": m.silver,
                "bronze": m.bronze,
                "median": m.median,
                "lower_is_better": m.lower_is_better,
            }
        return {
            "id": self.id,
            "answers_path": str(self.answers_path(Path(data_dir).resolve())),
            "grader": self.grader,
            "medals": medals,
        }


class UnknownCompetition(KeyError):
    def __str__(self) -> str:
        return f"unknown competition id `{self.args[0]}` (see `mlebench-fast list`)"


def _parse(text: str) -> Competition:
    raw = yaml.safe_load(text)
    medals = raw.get("medals")
    return Competition(
        id=raw["id"],
        name=raw["name"],
        answers=raw["answers"],
        sample_submission=raw["sample_submission"],
        metric=raw["metric"],
        splits=tuple(raw.get("splits") or ()),
        grader=raw.get("grader"),
        medals=Medals(**medals) if medals else None,
    )


@lru_cache(maxsize=1)
def _all() -> dict[str, Competition]:
    override = os.environ.get(CONFIGS_ENV)
    if override:
        texts = [p.read_text() for p in sorted(Path(override).glob("*/config.yaml"))]
    else:
        texts = [text for _, text in _core.builtin_configs()]
    comps = {}
    for text in texts:
        comp = _parse(text)
        comps[comp.id] = comp
    return dict(sorted(comps.items(), key=lambda kv: kv[0].lower()))


def competition_ids() -> list[str]:
    return list(_all())


def all_competitions() -> list[Competition]:
    return list(_all().values())


def get_competition(competition_id: str) -> Competition:
    try:
        return _all()[competition_id]
    except KeyError:
        raise UnknownCompetition(competition_id) from None


def split_ids(split: str) -> list[str]:
    """Competition ids of a split (`low`/`lite`, `medium`, `high`, `split75`/`all`, `dev`)."""
    name = SPLIT_ALIASES.get(split, split)
    if name not in SPLITS:
        raise ValueError(f"unknown split `{split}`; choose one of {', '.join(SPLITS)}")
    return [c.id for c in _all().values() if name in c.splits]


def core_specs_json(competitions: list[Competition], data_dir: Path) -> str:
    return json.dumps([c.core_spec(data_dir) for c in competitions])
