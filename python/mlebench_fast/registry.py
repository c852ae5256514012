"""The competition registry, a view of the Rust core's.

Each ``competitions/<id>/`` folder (``config.yaml``, ``prepare.yaml``, ``checksums.yaml``) is
parsed once, in Rust, into a typed ``Competition``: its name, where its answers and sample
submission live under the data dir (the reference's layout, so existing prepared data works
unchanged), the reference's metric name, the declarative grader the core executes, the medal
figures of its Kaggle leaderboard, its splits, its preparation recipe and checksums. The
folders are compiled into the extension; ``MLEBENCH_FAST_COMPETITIONS_DIR`` points at a
folder of the same layout to use instead (handy while editing configs without rebuilding).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir

from . import _core

Competition = _core.Competition
Medals = _core.Medals
SPLITS: tuple[str, ...] = tuple(_core.SPLITS)
SPLIT_ALIASES = {"lite": "low", "all": "split75"}
CONFIGS_ENV = "MLEBENCH_FAST_COMPETITIONS_DIR"


def default_data_dir() -> Path:
    """The reference's default: ``<user cache dir>/mle-bench/data``."""
    return (Path(user_cache_dir()) / "mle-bench" / "data").resolve()


class UnknownCompetition(KeyError):
    def __str__(self) -> str:
        return f"unknown competition id `{self.args[0]}` (see `mlebench-fast list`)"


@lru_cache(maxsize=1)
def _all() -> dict[str, Competition]:
    override = os.environ.get(CONFIGS_ENV)
    reg = _core.Registry.from_dir(Path(override)) if override else _core.Registry.builtin()
    return {c.id: c for c in reg.competitions()}


def competition_ids() -> list[str]:
    return list(_all())


def all_competitions() -> list[Competition]:
    return list(_all().values())


def get_competition(competition_id: str) -> Competition:
    try:
        return _all()[competition_id]
    except KeyError:
        raise UnknownCompetition(competition_id) from None


def prepare_status(competition_id: str) -> str:
    """'yes', or why `prepare` cannot prepare this competition (for `list`)."""
    reason = get_competition(competition_id).unpreparable_reason
    return "yes" if reason is None else f"no: {reason}"


def split_ids(split: str) -> list[str]:
    """Competition ids of a split (`low`/`lite`, `medium`, `high`, `split75`/`all`, `dev`)."""
    name = SPLIT_ALIASES.get(split, split)
    if name not in SPLITS:
        raise ValueError(f"unknown split `{split}`; choose one of {', '.join(SPLITS)}")
    return [c.id for c in _all().values() if name in c.splits]
