"""Medal thresholds and ranking: the Rust progression rules reproduce the figures in
../shared/medal_thresholds.csv from the real leaderboards, and the configs embed them."""

from __future__ import annotations

import csv
import math

import pytest

from mlebench_fast import _core, get_competition

from conftest import shared_dir


def _thresholds_csv():
    path = shared_dir(".") / "medal_thresholds.csv"
    if not path.is_file():
        pytest.skip(f"SKIPPED: {path} is absent")
    with open(path) as f:
        return list(csv.DictReader(f))


def _leaderboard_scores(competition_id: str) -> list[float]:
    path = shared_dir("leaderboards") / f"{competition_id}.csv"
    with open(path) as f:
        return [float(row["score"]) if row["score"] not in ("", "nan") else math.nan for row in csv.DictReader(f)]


def test_thresholds_from_real_leaderboards_match_the_reference_figures() -> None:
    rows = _thresholds_csv()
    assert len(rows) == 81
    for row in rows:
        cid = row["competition_id"]
        scores = _leaderboard_scores(cid)
        assert len(scores) == int(row["num_teams"]), cid
        t = _core.leaderboard_thresholds(scores)
        assert t["lower_is_better"] == (row["lower_is_better"] == "True"), cid
        for key in ("gold", "silver", "bronze", "median"):
            assert t[key] == pytest.approx(float(row[f"{key}_threshold"]), rel=1e-12, abs=1e-12), (cid, key)


def test_configs_embed_the_reference_figures() -> None:
    for row in _thresholds_csv():
        medals = get_competition(row["competition_id"]).medals
        assert medals is not None
        assert medals.num_teams == int(row["num_teams"])
        assert medals.lower_is_better == (row["lower_is_better"] == "True")
        assert (medals.gold, medals.silver, medals.bronze, medals.median) == tuple(
            float(row[f"{k}_threshold"]) for k in ("gold", "silver", "bronze", "median")
        )


def test_ventilator_has_no_medals() -> None:
    assert get_competition("ventilator-pressure-prediction").medals is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.95, "gold"),
        (0.9, "gold"),
        (0.85, "silver"),
        (0.8, "silver"),
        (0.75, "bronze"),
        (0.7, "bronze"),
        (0.6, None),
        (None, None),
    ],
)
def test_higher_is_better_ranking(score, expected) -> None:
    r = _core.rank_score(score, 0.9, 0.8, 0.7, 0.6, False)
    got = next((m for m in ("gold", "silver", "bronze") if r[f"{m}_medal"]), None)
    assert got == expected
    assert r["any_medal"] == (expected is not None)
    assert r["above_median"] == (score is not None and score > 0.6)


def test_lower_is_better_ranking_and_strict_median() -> None:
    r = _core.rank_score(0.5, 0.1, 0.2, 0.3, 0.5, True)
    assert not r["any_medal"] and not r["above_median"]
    r = _core.rank_score(0.1, 0.1, 0.2, 0.3, 0.5, True)
    assert r["gold_medal"] and r["above_median"]
    assert not _core.rank_score(math.nan, 0.1, 0.2, 0.3, 0.5, True)["above_median"]
