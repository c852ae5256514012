"""The command line as a user runs it: output, files written, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COMP = "spaceship-titanic"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def _data_dir(tmp: Path) -> Path:
    answers = tmp / "data" / COMP / "prepared" / "private" / "test.csv"
    answers.parent.mkdir(parents=True)
    answers.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n0003_01,True\n0004_01,False\n")
    return tmp / "data"


def test_help_on_every_command() -> None:
    for cmd in ([], ["grade"], ["grade-sample"], ["list"], ["demo"]):
        result = run(*cmd, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout


def test_grade_sample_prints_the_report(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    sub = tmp_path / "sub.csv"
    sub.write_text("PassengerId,Transported\n0002_01,False\n0001_01,True\n0003_01,False\n0004_01,False\n")
    result = run("grade-sample", str(sub), COMP, "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["score"] == 0.75 and report["valid_submission"] is True
    assert report["competition_id"] == COMP and report["submission_path"] == str(sub)
    for key in ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold", "is_lower_better", "created_at"):
        assert key in report


def test_grade_sample_errors_are_one_line(tmp_path: Path) -> None:
    result = run("grade-sample", str(tmp_path / "x.csv"), "no-such-competition", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "unknown competition" in result.stderr
    result = run("grade-sample", str(tmp_path / "x.csv"), COMP, "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 1 and "not prepared" in result.stderr


def test_grade_writes_the_reference_schema(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    sub = tmp_path / "sub.csv"
    sub.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n0003_01,True\n0004_01,False\n")
    jsonl = tmp_path / "subs.jsonl"
    jsonl.write_text(
        "# a comment\n\n// another\n"
        + json.dumps({"competition_id": COMP, "submission_path": str(sub)})
        + "\n"
        + json.dumps({"competition_id": COMP, "submission_path": None})
        + "\n"
    )
    out = tmp_path / "out"
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(out), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert list(report) == [
        "total_runs", "total_runs_with_submissions", "total_valid_submissions", "total_medals",
        "total_gold_medals", "total_silver_medals", "total_bronze_medals", "total_above_median",
        "competition_reports",
    ]
    assert report["total_runs"] == 2 and report["total_valid_submissions"] == 1
    first, second = report["competition_reports"]
    assert list(first)[:16] == [
        "competition_id", "score", "gold_threshold", "silver_threshold", "bronze_threshold",
        "median_threshold", "any_medal", "gold_medal", "silver_medal", "bronze_medal",
        "above_median", "submission_exists", "valid_submission", "is_lower_better",
        "created_at", "submission_path",
    ]
    assert first["score"] == 1.0 and first["gold_medal"] and first["any_medal"]
    assert second["submission_path"] == "None" and not second["submission_exists"]
    assert second["error"]


def test_grade_rejects_a_malformed_jsonl_in_one_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"competition_id": "x", "submission_path": "y"}\n{not json\n')
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(tmp_path / "o"))
    assert result.returncode == 1
    assert ":2:" in result.stderr and result.stderr.strip().count("\n") == 0


def test_list_shows_all_competitions() -> None:
    result = run("list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 82
    assert "spaceship-titanic" in {r["id"] for r in rows if "dev" in r["splits"]}
    assert sum("split75" in r["splits"] for r in rows) == 75
    lite = json.loads(run("list", "--split", "lite", "--json").stdout)
    assert len(lite) == 22
    assert run("list", "--split", "nope").returncode == 1


def test_demo_runs_offline_and_writes_a_report() -> None:
    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "Graded 300 submissions" in result.stdout
    report_line = [l for l in result.stdout.splitlines() if l.startswith("Report: ")][0]
    report = json.loads(Path(report_line.removeprefix("Report: ")).read_text())
    assert report["total_runs"] == 300
    assert 0 < report["total_valid_submissions"] < 300
