"""`mlebench-fast report`: seeds, rates and their spread on synthetic grading reports whose
answers are worked out by hand, the three output files, --compare, and one-line CLI errors."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlebench_fast import report as rep
from mlebench_fast.registry import split_ids

# one letter per attempt: gold, silver, bronze, above median, valid, invalid, no submission
OUTCOMES = {
    "G": dict(gold_medal=True, above_median=True, valid_submission=True, submission_exists=True),
    "S": dict(silver_medal=True, above_median=True, valid_submission=True, submission_exists=True),
    "B": dict(bronze_medal=True, above_median=True, valid_submission=True, submission_exists=True),
    "M": dict(above_median=True, valid_submission=True, submission_exists=True),
    "V": dict(valid_submission=True, submission_exists=True),
    "X": dict(submission_exists=True),
    "-": dict(),
}
SCORES = {"G": 0.95, "S": 0.85, "B": 0.75, "M": 0.6, "V": 0.4, "X": None, "-": None}
SPLIT = ["comp-a", "comp-b", "comp-c", "comp-d"]


def competition_report(cid: str, outcome: str) -> dict:
    flags = {
        k: False for k in ("gold_medal", "silver_medal", "bronze_medal", "above_median", "valid_submission", "submission_exists")
    }
    flags.update(OUTCOMES[outcome])
    return {
        "competition_id": cid,
        "score": SCORES[outcome],
        "gold_threshold": 0.9,
        "silver_threshold": 0.8,
        "bronze_threshold": 0.7,
        "median_threshold": 0.5,
        "any_medal": flags["gold_medal"] or flags["silver_medal"] or flags["bronze_medal"],
        **flags,
        "is_lower_better": False,
        "created_at": "2024-09-19T20:07:15",
        "submission_path": f"/runs/{cid}/submission.csv",
        "error": None,
    }


def write_report(path: Path, attempts: list[tuple[str, str]]) -> str:
    """A grading report with one competition report per (competition, outcome letter)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"total_runs": len(attempts), "competition_reports": [competition_report(c, o) for c, o in attempts]})
    )
    return str(path)


def write_seed(path: Path, letters: str, comps: list[str] = SPLIT) -> str:
    """One seed: the i-th letter is the outcome on the i-th competition; `.` leaves it out."""
    return write_report(path, [(c, o) for c, o in zip(comps, letters) if o != "."])


def write_split(tmp: Path, comps: list[str] = SPLIT) -> str:
    path = tmp / "split.txt"
    path.write_text("\n".join(comps) + "\n")
    return str(path)


def se(values: list[float]) -> float:
    """Standard error of the mean worked out the long way (sample sd / sqrt(n))."""
    n = len(values)
    mean = sum(values) / n
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) / math.sqrt(n)


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", "report", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


def single(paths: list[str], split: str, **kw) -> rep.SplitResult:
    return rep.report_single(rep.sources_from_files(paths), split=split, **kw)


# Three seeds on four competitions, worked out by hand:
#   seed 1  G S V -   any 2/4  gold 1  silver 1  bronze 0  above 2  valid 3  exists 3
#   seed 2  B M X V   any 1/4  gold 0  silver 0  bronze 1  above 2  valid 3  exists 4
#   seed 3  G G B M   any 3/4  gold 2  silver 0  bronze 1  above 4  valid 4  exists 4
THREE_SEEDS = ["GSV-", "BMXV", "GGBM"]
EXPECTED_PER_SEED = {
    "any_medal_percentage": [50.0, 25.0, 75.0],
    "gold_medal_percentage": [25.0, 0.0, 50.0],
    "silver_medal_percentage": [25.0, 0.0, 0.0],
    "bronze_medal_percentage": [0.0, 25.0, 25.0],
    "above_median_percentage": [50.0, 50.0, 100.0],
    "valid_submissions_percentage": [75.0, 75.0, 100.0],
    "submission_exists_percentage": [75.0, 100.0, 100.0],
}


@pytest.fixture
def three_seeds(tmp_path: Path) -> tuple[list[str], str]:
    paths = [write_seed(tmp_path / f"run{i}" / "grading_report.json", s) for i, s in enumerate(THREE_SEEDS, 1)]
    return paths, write_split(tmp_path)


def test_complete_seeds_match_the_hand_computation(three_seeds) -> None:
    paths, split = three_seeds
    result = single(paths, split)
    assert result.num_seeds == 3 and result.padded_entries == 0
    for name, values in EXPECTED_PER_SEED.items():
        assert [s[name] for s in result.per_seed] == values
        m = result.metrics[name]
        assert m["mean"] == pytest.approx(sum(values) / 3, abs=1e-12)
        assert m["standard_error"] == pytest.approx(se(values), abs=1e-12)
        assert m["ci_lower"] == pytest.approx(m["mean"] - 1.96 * se(values), abs=1e-12)
        assert m["ci_upper"] == pytest.approx(m["mean"] + 1.96 * se(values), abs=1e-12)
    # any medal: 50, 25, 75 -> 50 ± 25/sqrt(3)
    assert result.metrics["any_medal_percentage"]["mean"] == 50.0
    assert result.metrics["any_medal_percentage"]["standard_error"] == pytest.approx(25 / math.sqrt(3), abs=1e-12)
    assert result.metrics["total_competitions"] == {"mean": 4.0, "standard_error": 0.0, "ci_lower": 4.0, "ci_upper": 4.0}
    assert all(s["total_competitions"] == 4 for s in result.per_seed)


def test_statistics_equal_the_references_numpy_and_scipy_calls(three_seeds) -> None:
    result = single(*three_seeds)
    for name in rep.RATE_FLAGS:
        values = [s[name] for s in result.per_seed]
        assert result.metrics[name]["mean"] == float(np.mean(values))
        assert result.metrics[name]["standard_error"] == float(stats.sem(values, ddof=1))


def test_rates_are_count_over_total_times_100(tmp_path: Path) -> None:
    # 1/3*100 and 100/3 differ in the last bit; the reference computes the former
    comps = ["comp-a", "comp-b", "comp-c"]
    paths = [write_seed(tmp_path / "r1.json", "GVV", comps)]
    result = single(paths, write_split(tmp_path, comps))
    assert result.per_seed[0]["any_medal_percentage"] == 1 / 3 * 100
    assert result.per_seed[0]["valid_submissions_percentage"] == 3 / 3 * 100


def test_files_are_read_in_sorted_order_whatever_the_order_given(three_seeds) -> None:
    paths, split = three_seeds
    backwards = single(list(reversed(paths)), split)
    assert [s["any_medal_percentage"] for s in backwards.per_seed] == [50.0, 25.0, 75.0]


def test_several_seeds_in_one_file_keep_the_file_order(tmp_path: Path) -> None:
    # like the reference's early run groups: seed i is the i-th report of each competition,
    # whatever order the competitions are listed in
    attempts = [("comp-b", "V"), ("comp-a", "G"), ("comp-a", "V"), ("comp-b", "S"), ("comp-a", "B")]
    path = write_report(tmp_path / "r.json", attempts)
    result = single([path], write_split(tmp_path, ["comp-a", "comp-b"]))
    # seed 1 = a:G b:V, seed 2 = a:V b:S; a's third report has no partner
    assert [s["any_medal_percentage"] for s in result.per_seed] == [50.0, 50.0]
    assert [s["gold_medal_percentage"] for s in result.per_seed] == [50.0, 0.0]
    assert any("1 report beyond the 2 seeds used" in n and "comp-a (3)" in n for n in result.notes)


def test_incomplete_seeds_are_dropped_without_padding(tmp_path: Path) -> None:
    # seed 3 lacks comp-d: only seeds 1 and 2 are complete
    seeds = ["GSV-", "BMXV", "GGB."]
    paths = [write_seed(tmp_path / f"r{i}.json", s) for i, s in enumerate(seeds, 1)]
    result = single(paths, write_split(tmp_path))
    assert result.num_seeds == 2
    assert [s["any_medal_percentage"] for s in result.per_seed] == [50.0, 25.0]
    assert result.metrics["any_medal_percentage"]["mean"] == 37.5
    # two values: SE = |a - b| / 2
    assert result.metrics["any_medal_percentage"]["standard_error"] == pytest.approx(12.5, abs=1e-12)


def test_padding_counts_missing_reports_as_failed_attempts(tmp_path: Path) -> None:
    seeds = ["GSV-", "BMXV", "GGB."]
    paths = [write_seed(tmp_path / f"r{i}.json", s) for i, s in enumerate(seeds, 1)]
    result = single(paths, write_split(tmp_path), pad_missing=True)
    assert result.num_seeds == 3 and result.padded_entries == 1
    # seed 3 = G G B + a failed comp-d: any 3/4, above 3/4, valid 3/4, exists 3/4
    assert result.per_seed[2]["any_medal_percentage"] == 75.0
    assert result.per_seed[2]["above_median_percentage"] == 75.0
    assert result.per_seed[2]["submission_exists_percentage"] == 75.0
    values = [50.0, 25.0, 75.0]
    assert result.metrics["any_medal_percentage"]["mean"] == 50.0
    assert result.metrics["any_medal_percentage"]["standard_error"] == pytest.approx(se(values), abs=1e-12)
    assert any("comp-d (seed 3)" in n for n in result.notes)


def test_a_competition_without_any_report(tmp_path: Path) -> None:
    paths = [write_seed(tmp_path / f"r{i}.json", s) for i, s in enumerate(["GS.V", "BM.V"], 1)]
    split = write_split(tmp_path)
    with pytest.raises(rep.ReportError, match=r"no complete seed .*comp-c"):
        single(paths, split)
    padded = single(paths, split, pad_missing=True)
    assert padded.padded_entries == 2
    assert [s["any_medal_percentage"] for s in padded.per_seed] == [50.0, 25.0]
    assert [s["valid_submissions_percentage"] for s in padded.per_seed] == [75.0, 75.0]


def test_one_seed_has_zero_standard_error(tmp_path: Path) -> None:
    result = single([write_seed(tmp_path / "r.json", "GSV-")], write_split(tmp_path))
    m = result.metrics["any_medal_percentage"]
    assert result.num_seeds == 1
    assert m == {"mean": 50.0, "standard_error": 0.0, "ci_lower": 50.0, "ci_upper": 50.0}


def test_num_seeds_takes_the_first_seeds(three_seeds) -> None:
    result = single(*three_seeds, num_seeds=2)
    assert [s["any_medal_percentage"] for s in result.per_seed] == [50.0, 25.0]
    assert single(*three_seeds, num_seeds=-1).num_seeds == 3
    with pytest.raises(rep.ReportError, match="requested 4 seeds .* only 3 complete seeds"):
        single(*three_seeds, num_seeds=4)
    with pytest.raises(rep.ReportError, match="--num-seeds"):
        single(*three_seeds, num_seeds=0)


def test_reports_outside_the_split_do_not_count(tmp_path: Path) -> None:
    path = write_report(tmp_path / "r.json", [("comp-a", "G"), ("comp-b", "V"), ("other", "G")])
    result = single([path], write_split(tmp_path, ["comp-a", "comp-b"]))
    assert result.per_seed[0]["any_medal_percentage"] == 50.0 and result.per_seed[0]["total_competitions"] == 2
    assert any("1 report of competitions outside" in n for n in result.notes)


def test_any_medal_comes_from_the_medal_flags(tmp_path: Path) -> None:
    # like the reference, a report's own `any_medal` field is not what counts
    report = competition_report("comp-a", "V")
    report["any_medal"] = True
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"competition_reports": [report]}))
    result = single([str(path)], write_split(tmp_path, ["comp-a"]))
    assert result.per_seed[0]["any_medal_percentage"] == 0.0


def test_named_splits_come_from_the_registry(tmp_path: Path) -> None:
    dev = split_ids("dev")
    path = write_report(tmp_path / "r.json", [(c, "G" if i < 2 else "V") for i, c in enumerate(dev)])
    result = single([path], "dev")
    assert result.split == "dev" and len(result.competition_ids) == len(dev) == 7
    assert result.per_seed[0]["any_medal_percentage"] == 2 / 7 * 100
    assert rep.resolve_split("lite")[1] == split_ids("low")
    assert rep.resolve_split(None) == ("split75", split_ids("split75"))


def test_split_file_problems(tmp_path: Path) -> None:
    with pytest.raises(rep.ReportError, match="unknown split `nope`"):
        rep.resolve_split("nope")
    twice = tmp_path / "twice.txt"
    twice.write_text("comp-a\ncomp-b\ncomp-a\n")
    with pytest.raises(rep.ReportError, match="comp-a more than once"):
        rep.resolve_split(str(twice))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n")
    with pytest.raises(rep.ReportError, match="lists no competition"):
        rep.resolve_split(str(empty))


# ------------------------------------------------------------ a model of the reference's rules


def model_per_seed(files: list[list[tuple[str, str]]], comps: list[str], pad: bool) -> list[list[float]] | None:
    """The reference's seed rule restated plainly: per competition, its reports in (sorted
    file, competition id) order; seed i takes report i of every competition."""
    by_comp: dict[str, list[str]] = defaultdict(list)
    for attempts in files:  # files are written in sorted name order
        for cid, outcome in sorted(attempts, key=lambda a: a[0]):
            by_comp[cid].append(outcome)
    counts = [len(by_comp[c]) for c in comps]
    n = max(counts) if pad else min(counts)
    if n == 0:
        return None
    seeds = []
    for i in range(n):
        letters = [by_comp[c][i] if i < len(by_comp[c]) else "-" for c in comps]
        any_medal = sum(letter in "GSB" for letter in letters)
        valid = sum(letter in "GSBMV" for letter in letters)
        seeds.append([any_medal / len(comps) * 100, valid / len(comps) * 100])
    return seeds


attempt_lists = st.lists(
    st.lists(st.tuples(st.sampled_from(SPLIT + ["other"]), st.sampled_from(sorted(OUTCOMES))), max_size=8),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(files=attempt_lists, pad=st.booleans())
def test_seeds_and_statistics_follow_the_reference_rules(tmp_path_factory, files, pad) -> None:
    tmp = tmp_path_factory.mktemp("model")
    paths = [write_report(tmp / f"r{i:02d}.json", attempts) for i, attempts in enumerate(files)]
    expected = model_per_seed(files, SPLIT, pad)
    if expected is None:
        with pytest.raises(rep.ReportError):
            single(paths, write_split(tmp), pad_missing=pad)
        return
    result = single(paths, write_split(tmp), pad_missing=pad)
    got = [[s["any_medal_percentage"], s["valid_submissions_percentage"]] for s in result.per_seed]
    assert got == expected
    any_medal = [row[0] for row in expected]
    assert result.metrics["any_medal_percentage"]["mean"] == float(np.mean(any_medal))
    sem = float(stats.sem(any_medal, ddof=1)) if len(any_medal) > 1 else 0.0
    assert result.metrics["any_medal_percentage"]["standard_error"] == sem


# ------------------------------------------------------------ outputs


def test_the_three_outputs(three_seeds, tmp_path: Path) -> None:
    paths, split = three_seeds
    out = tmp_path / "out"
    written = rep.write_outputs(single(paths, split), out)
    assert [p.name for p in written] == ["report.json", "report.md", "report.png"]
    data = json.loads((out / "report.json").read_text())
    assert list(data)[:5] == ["num_seeds_averaged", "num_competitions_per_seed", "split", "per_seed", "metrics"]
    assert data["num_seeds_averaged"] == 3 and data["num_competitions_per_seed"] == 4 and data["split"] == split
    assert list(data["per_seed"][0]) == list(rep.METRIC_NAMES)
    assert list(data["metrics"]) == list(rep.METRIC_NAMES)
    assert list(data["metrics"]["any_medal_percentage"]) == ["mean", "standard_error", "ci_lower", "ci_upper"]
    comps = {c["competition_id"]: c for c in data["competitions"]}
    assert comps["comp-a"]["seeds"] == "GBG" and comps["comp-a"]["medals"] == 3
    assert comps["comp-a"]["best_score"] == 0.95 and comps["comp-a"]["gold_threshold"] == 0.9
    assert comps["comp-c"]["seeds"] == "VXB" and comps["comp-c"]["best_score"] == 0.75
    assert comps["comp-d"]["seeds"] == "-VM" and comps["comp-d"]["best_score"] == 0.6

    md = (out / "report.md").read_text()
    assert cells(md, "Any medal")[:2] == ["50.00 ± 14.43", "[21.71, 78.29]"]
    assert cells(md, "Gold")[:1] == ["25.00 ± 14.43"]
    assert cells(md, "comp-a") == ["`GBG`", "3/3", "0.95", "0.9", "0.8", "0.7", "0.5"]
    assert "## Per seed" in md and "## Per competition" in md
    assert_png(out / "report.png")


def cells(markdown: str, first: str) -> list[str]:
    """The other cells of the first table row whose first cell is `first`."""
    for line in markdown.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if line.startswith("|") and parts[0] == first:
            return parts[1:]
    raise AssertionError(f"no row {first!r} in\n{markdown}")


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    from matplotlib.image import imread

    image = imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 200
    assert image.std() > 0  # not a blank canvas


# ------------------------------------------------------------ --compare


def leaderboard_fixture(tmp: Path) -> list[str]:
    """Agent A, 2 seeds: medals on every low competition, then on its first 11.
    Agent B, 1 seed: medals on every high competition. Agent C: only low competitions."""
    low, high, everything = split_ids("low"), split_ids("high"), split_ids("split75")
    a1 = [(c, "G" if c in low else "V") for c in everything]
    a2 = [(c, "S" if c in low[:11] else "V") for c in everything]
    b1 = [(c, "B" if c in high else "X") for c in everything]
    c1 = [(c, "G") for c in low]
    return [
        "A=" + write_report(tmp / "a" / "seed1" / "grading_report.json", a1),
        "A=" + write_report(tmp / "a" / "seed2" / "grading_report.json", a2),
        "B=" + write_report(tmp / "b" / "grading_report.json", b1),
        "C=" + write_report(tmp / "c" / "grading_report.json", c1),
    ]


def test_compare_matches_the_hand_computation(tmp_path: Path) -> None:
    comparison = rep.report_compare(rep.sources_from_files(leaderboard_fixture(tmp_path)))
    assert [a.agent for a in comparison.agents] == ["A", "B", "C"]  # best All first
    a, b, c = comparison.agents

    def any_medal(agent, split):
        return agent.splits[split].metrics["any_medal_percentage"]

    # A: low 100, 50 -> 75 ± 25; medium and high 0; all 22/75 and 11/75 -> 22 ± (11/75*100)/2
    assert any_medal(a, "low")["mean"] == 75.0 and any_medal(a, "low")["standard_error"] == pytest.approx(25.0, abs=1e-12)
    assert any_medal(a, "medium")["mean"] == 0.0 and any_medal(a, "high")["mean"] == 0.0
    assert any_medal(a, "split75")["mean"] == pytest.approx(22.0, abs=1e-12)
    assert any_medal(a, "split75")["standard_error"] == pytest.approx(11 / 75 * 100 / 2, abs=1e-12)
    # B: one seed, 15 high medals out of 75
    assert any_medal(b, "high") == {"mean": 100.0, "standard_error": 0.0, "ci_lower": 100.0, "ci_upper": 100.0}
    assert any_medal(b, "split75")["mean"] == 20.0 and any_medal(b, "low")["mean"] == 0.0
    assert b.splits["split75"].metrics["valid_submissions_percentage"]["mean"] == 20.0
    # C: low only; the other splits have no complete seed
    assert any_medal(c, "low")["mean"] == 100.0
    assert all(isinstance(c.splits[s], str) and "no complete seed" in c.splits[s] for s in ("medium", "high", "split75"))

    out = tmp_path / "out"
    rep.write_outputs(comparison, out)
    md = (out / "report.md").read_text()
    assert cells(md, "A") == ["75.00 ± 25.00", "0.00 ± 0.00", "0.00 ± 0.00", "22.00 ± 7.33", "2"]
    assert cells(md, "B") == ["0.00 ± 0.00", "0.00 ± 0.00", "100.00 ± 0.00", "20.00 ± 0.00", "1"]
    assert cells(md, "C") == ["100.00 ± 0.00", "–", "–", "–", "1/–/–/–"]
    assert "Low == Lite (%)" in md and "All (%)" in md
    data = json.loads((out / "report.json").read_text())
    assert data["columns"] == ["low", "medium", "high", "split75"]
    assert [x["agent"] for x in data["agents"]] == ["A", "B", "C"]
    assert data["agents"][0]["splits"]["low"]["metrics"]["any_medal_percentage"]["mean"] == 75.0
    assert "error" in data["agents"][2]["splits"]["high"]
    assert_png(out / "report.png")


def test_compare_with_padding_marks_padded_cells(tmp_path: Path) -> None:
    comparison = rep.report_compare(rep.sources_from_files(leaderboard_fixture(tmp_path)), pad_missing=True)
    c = next(a for a in comparison.agents if a.agent == "C")
    # C's 22 low medals, the other 53 competitions padded as failures
    assert c.splits["split75"].metrics["any_medal_percentage"]["mean"] == 22 / 75 * 100
    assert c.splits["split75"].padded_entries == 53
    # as in the reference, padding needs at least one report in the split
    assert "has a report" in c.splits["high"]
    table = rep.leaderboard_table(comparison)
    assert cells(table, "C") == ["100.00 ± 0.00", "–", "–", "29.33 ± 0.00*", "1/–/–/1"]
    assert cells(table, "A")[:4] == ["75.00 ± 25.00", "0.00 ± 0.00", "0.00 ± 0.00", "22.00 ± 7.33"]
    assert "* Computed by padding" in rep._compare_legend(comparison)


def test_compare_adds_a_column_for_another_split(tmp_path: Path) -> None:
    sources = rep.sources_from_files(leaderboard_fixture(tmp_path))
    comparison = rep.report_compare(sources, split="dev")
    assert [name for name, _ in comparison.columns] == ["low", "medium", "high", "split75", "dev"]


def test_agents_need_compare(tmp_path: Path) -> None:
    with pytest.raises(rep.ReportError, match="--compare"):
        rep.report_single(rep.sources_from_files(leaderboard_fixture(tmp_path)))


# ------------------------------------------------------------ runs dir


def make_runs(tmp: Path) -> Path:
    runs = tmp / "runs"
    for group, letters in zip(("g1", "g2", "g3"), THREE_SEEDS):
        write_seed(runs / f"{group}_aide" / "2024-09-19T20-07-15-GMT_grading_report.json", letters)
    write_seed(runs / "x1_mlab" / "2024-09-20T20-07-15-GMT_grading_report.json", "VVVV")
    (runs / "notes").mkdir()
    (runs / "run_group_experiments.csv").write_text(
        "experiment_id,run_group\naide-exp,g1_aide\naide-exp,g2_aide\naide-exp,g3_aide\nmlab-exp,x1_mlab\n"
    )
    return runs


def test_runs_dir_with_run_groups(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    notes: list[str] = []
    sources = rep.sources_from_runs_dir(runs, ["g3_aide", "g1_aide", "g2_aide"], notes)
    result = rep.report_single(sources, split=write_split(tmp_path))
    assert [s["any_medal_percentage"] for s in result.per_seed] == [50.0, 25.0, 75.0]


def test_runs_dir_compare_groups_by_experiment(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    notes: list[str] = []
    sources = rep.sources_from_runs_dir(runs, None, notes)
    assert any("skipped" in n and "notes" in n for n in notes)
    comparison = rep.report_compare(sources, split=write_split(tmp_path))
    extra = comparison.columns[-1][0]
    by_agent = {a.agent: a.splits[extra] for a in comparison.agents}
    assert set(by_agent) == {"aide-exp", "mlab-exp"}
    assert by_agent["aide-exp"].num_seeds == 3 and by_agent["mlab-exp"].num_seeds == 1
    # pooled without --compare, with a note that two experiments were mixed
    pooled = rep.report_single(sources, split=write_split(tmp_path))
    assert pooled.num_seeds == 4 and any("2 experiments" in n for n in pooled.notes)


def test_runs_dir_problems(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    with pytest.raises(rep.ReportError, match="run group not found"):
        rep.sources_from_runs_dir(runs, ["nope"], [])
    with pytest.raises(rep.ReportError, match="has no"):
        rep.sources_from_runs_dir(runs, ["notes"], [])


def test_a_regraded_run_group_uses_its_newest_report_and_says_so(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    # g1_aide graded again later ("GSV-" before, "GGGG" now)
    newer = write_seed(runs / "g1_aide" / "2024-09-21T08-00-00-GMT_grading_report.json", "GGGG")
    notes: list[str] = []
    (source,) = rep.sources_from_runs_dir(runs, ["g1_aide"], notes)
    assert source.path == newer
    assert notes == [
        "run group g1_aide has 2 grading reports: used the newest, 2024-09-21T08-00-00-GMT_grading_report.json "
        "(not 2024-09-19T20-07-15-GMT_grading_report.json)"
    ]
    result = rep.report_single([source], split=write_split(tmp_path))
    assert result.per_seed[0]["gold_medal_percentage"] == 100.0
    # names without a timestamp: the last modified one
    other = runs / "g2_aide" / "regraded_grading_report.json"
    write_seed(other, "GGGG")
    os.utime(other, (2e9, 2e9))
    (source,) = rep.sources_from_runs_dir(runs, ["g2_aide"], [])
    assert source.path == str(other)
    # and on the command line, with --runs-dir over every group
    result = run(
        "--runs-dir", str(runs), "--run-groups", "g1_aide", "--split", write_split(tmp_path), "--output-dir", str(tmp_path / "o")
    )
    assert result.returncode == 0, result.stderr
    assert "note: run group g1_aide has 2 grading reports: used the newest" in result.stdout


# ------------------------------------------------------------ command line


def test_cli_writes_the_outputs_and_prints_the_headline(three_seeds, tmp_path: Path) -> None:
    paths, split = three_seeds
    out = tmp_path / "out"
    # several files after one flag, as with the reference's aggregation
    result = run("--grading-reports", *paths, "--split", split, "--output-dir", str(out))
    assert result.returncode == 0, result.stderr
    assert re.search(r"\| Any medal\s+\|\s+50\.00 ± 14\.43 \|", result.stdout)
    assert "3 seeds averaged" in result.stdout
    for name in ("report.json", "report.md", "report.png"):
        assert (out / name).stat().st_size > 0
    assert json.loads((out / "report.json").read_text())["metrics"]["any_medal_percentage"]["mean"] == 50.0


def test_cli_png_needs_no_display(three_seeds, tmp_path: Path) -> None:
    # a GUI backend asked for by the environment, and no display: the PNG is still drawn
    paths, split = three_seeds
    env = {"MPLBACKEND": "TkAgg", "DISPLAY": ""}
    result = run("--grading-reports", *paths, "--split", split, "--output-dir", str(tmp_path / "o"), env=env)
    assert result.returncode == 0, result.stderr
    assert_png(tmp_path / "o" / "report.png")


def test_cli_runs_dir_compare(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    out = tmp_path / "out"
    result = run(
        "--runs-dir", str(runs), "--compare", "--split", write_split(tmp_path), "--pad-missing", "--output-dir", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "aide-exp" in result.stdout and "mlab-exp" in result.stdout and "Low == Lite (%)" in result.stdout
    assert (out / "report.png").stat().st_size > 0


def test_cli_run_groups_several_after_one_flag(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    result = run(
        "--runs-dir",
        str(runs),
        "--run-groups",
        "g1_aide",
        "g2_aide",
        "--split",
        write_split(tmp_path),
        "--output-dir",
        str(tmp_path / "o"),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "o" / "report.json").read_text())["num_seeds_averaged"] == 2


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give either --grading-reports"),
        (["--grading-reports", "{r}", "--runs-dir", "{tmp}"], "give either --grading-reports"),
        (["--grading-reports", "{tmp}/missing.json"], "grading report not found"),
        (["--grading-reports", "{r}", "--split", "nope"], "unknown split `nope`"),
        (["--grading-reports", "{r}", "--split", "{split}", "--num-seeds", "0"], "--num-seeds must be"),
        (["--grading-reports", "{r}", "--split", "{split}", "--num-seeds", "2"], "requested 2 seeds"),
        (["--grading-reports", "{r}", "--split", "{split2}"], "no complete seed for split .*comp-x, comp-y"),
        (["--grading-reports", "{bad}", "--split", "{split}"], "cannot read grading report"),
        (["--grading-reports", "{r}", "{r}", "--split", "{split}"], "given twice"),
        (["--run-groups", "g1"], "--run-groups needs --runs-dir"),
        (["--runs-dir", "{tmp}/none"], "runs dir not found"),
        (["stray"], "unexpected argument `stray`"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    good = write_seed(tmp_path / "r.json", "GSVV")
    bad = tmp_path / "bad_grading_report.json"
    bad.write_text("{not json")
    split = write_split(tmp_path)
    split2 = tmp_path / "split2.txt"
    split2.write_text("comp-a\ncomp-x\ncomp-y\n")
    fill = dict(r=good, tmp=tmp_path, split=split, split2=split2, bad=bad)
    result = run(*(a.format(**fill) for a in args), "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("error: ") and re.search(message, line), line
    assert not (tmp_path / "out" / "report.json").exists()


def test_cli_help() -> None:
    result = run("--help")
    assert result.returncode == 0 and "Usage" in result.stdout
    for flag in (
        "--grading-reports",
        "--runs-dir",
        "--run-groups",
        "--split",
        "--num-seeds",
        "--pad-missing",
        "--compare",
        "--output-dir",
    ):
        assert flag in result.stdout


# ------------------------------------------------------------ the reference's habits


def test_experiment_id_reads_run_group_experiments_csv_like_the_reference(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    split = write_split(tmp_path)
    # listed run groups that are absent or hold no report are skipped, as the reference does
    (runs / "g4_aide").mkdir()
    with (runs / "run_group_experiments.csv").open("a") as f:
        f.write("aide-exp,g4_aide\naide-exp,g5_gone\n\n")
    notes: list[str] = []
    sources = rep.sources_from_experiments(runs, ["aide-exp"], notes)
    assert [Path(s.path).parent.name for s in sources] == ["g1_aide", "g2_aide", "g3_aide"]
    assert any("g4_aide" in n and "no *grading_report*.json" in n for n in notes)
    assert any("g5_gone" in n and "no folder" in n for n in notes)
    # the command line: --runs-dir defaults to ./runs, as the reference's runs/
    result = run("--experiment-id", "aide-exp", "--split", split, "--output-dir", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "o" / "report.json").read_text())
    assert data["agent"] == "aide-exp" and data["num_seeds_averaged"] == 3
    assert [s["any_medal_percentage"] for s in data["per_seed"]] == [50.0, 25.0, 75.0]
    # several experiments side by side
    result = run(
        "--experiment-id",
        "aide-exp",
        "--experiment-id",
        "mlab-exp",
        "--runs-dir",
        str(runs),
        "--compare",
        "--split",
        split,
        "--pad-missing",
        "--output-dir",
        str(tmp_path / "c"),
    )
    assert result.returncode == 0, result.stderr
    assert {a["agent"] for a in json.loads((tmp_path / "c" / "report.json").read_text())["agents"]} == {"aide-exp", "mlab-exp"}
    # unknown experiment: one line naming the known ones
    result = run("--experiment-id", "nope", "--runs-dir", str(runs), "--output-dir", str(tmp_path / "x"))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: experiment id `nope` not found in {runs / 'run_group_experiments.csv'} (known: aide-exp, mlab-exp)"
    )
    result = run(
        "--experiment-id", "aide-exp", "--grading-reports", str(tmp_path / "r.json"), "--output-dir", str(tmp_path / "x")
    )
    assert result.returncode == 1 and "--experiment-id picks the run groups itself" in result.stderr


LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:1b523544054e852ff877ac24562629f2a1a4a07911ecfeb78da524116ff53040\nsize 5432\n"


def test_git_lfs_pointers_are_named_with_the_fix(tmp_path: Path) -> None:
    runs = make_runs(tmp_path)
    report_file = next((runs / "g1_aide").glob("*grading_report*.json"))
    report_file.write_text(LFS_POINTER)
    result = run("--runs-dir", str(runs), "--split", write_split(tmp_path), "--output-dir", str(tmp_path / "o"))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: {report_file} is a Git LFS pointer, not the file itself: run `git lfs pull` in its repository"
    )
    table = runs / "run_group_experiments.csv"
    table.write_text(LFS_POINTER)
    for args in (["--experiment-id", "aide-exp", "--runs-dir", str(runs)], ["--runs-dir", str(runs)]):
        result = run(*args, "--output-dir", str(tmp_path / "o"))
        assert result.returncode == 1
        assert (
            result.stderr.strip()
            == f"error: {table} is a Git LFS pointer, not the file itself: run `git lfs pull` in its repository"
        )


def test_notes_give_a_count_and_the_first_few_names(tmp_path: Path) -> None:
    # an agent run on the Lite competitions only, compared on every split: the other splits
    # have no complete seed, and their notes must not list dozens of competitions
    lite = split_ids("low")
    path = write_report(tmp_path / "lite" / "grading_report.json", [(c, "V") for c in lite])
    result = run("--grading-reports", f"A={path}", "--compare", "--output-dir", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: ")]
    assert notes, result.stdout
    every = set(split_ids("split75")) | set(split_ids("dev"))
    for line in notes:
        named = [w for w in re.split(r"[ ,():]+", line) if w in every]
        assert len(named) <= rep.NOTE_NAMES, line
        assert re.search(r"no report for \d+ of its \d+ competitions: .* and \d+ more", line), line
