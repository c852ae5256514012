"""The results cache: re-runs grade only what changed, and a killed job resumes where it
stopped without grading anything twice."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mlebench_fast import grade_many_with_stats

COMP = "aerial-cactus-identification"
N_KILLED = 150


def _workload(tmp: Path, n_subs: int, n_rows: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    data = tmp / "data"
    answers = data / COMP / "prepared" / "private" / "test.csv"
    answers.parent.mkdir(parents=True)
    ids = [f"{i:06d}.jpg" for i in range(n_rows)]
    y = rng.integers(0, 2, n_rows)
    answers.write_text("id,has_cactus\n" + "".join(f"{a},{b}\n" for a, b in zip(ids, y)))
    lines = []
    for s in range(n_subs):
        p = np.clip(y * 0.3 + rng.random(n_rows) * 0.7, 0, 1)
        path = tmp / f"sub{s:04d}.csv"
        path.write_text("id,has_cactus\n" + "".join(f"{a},{b:.6f}\n" for a, b in zip(ids, p)))
        lines.append(json.dumps({"competition_id": COMP, "submission_path": str(path)}))
    jsonl = tmp / "subs.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    return data, jsonl


def _scores(report_dir: Path) -> list:
    (path,) = sorted(report_dir.glob("*_grading_report.json"))[-1:]
    return [(r["score"], r["valid_submission"]) for r in json.loads(path.read_text())["competition_reports"]]


def _journal_lines(cache: Path) -> int:
    return sum(p.read_text().count("\n") for p in cache.glob("*.jsonl"))


def test_second_run_comes_from_the_cache_and_edits_are_regraded(tmp_path: Path) -> None:
    data, jsonl = _workload(tmp_path, 6, 50)
    entries = [json.loads(l) for l in jsonl.read_text().splitlines()]
    cache = tmp_path / "cache"
    first, s1 = grade_many_with_stats(entries, data_dir=data, cache_dir=cache)
    assert (s1.graded, s1.from_cache) == (6, 0)
    second, s2 = grade_many_with_stats(entries, data_dir=data, cache_dir=cache)
    assert (s2.graded, s2.from_cache) == (0, 6)
    assert [r.score for r in first] == [r.score for r in second]
    # an edited submission is graded again, the others are not
    Path(entries[0]["submission_path"]).write_text("id,has_cactus\n000000.jpg,0.5\n")
    third, s3 = grade_many_with_stats(entries, data_dir=data, cache_dir=cache)
    assert (s3.graded, s3.from_cache) == (1, 5)
    assert not third[0].valid_submission
    # new answers invalidate everything
    answers = data / COMP / "prepared" / "private" / "test.csv"
    answers.write_text(answers.read_text().replace(",1\n", ",0\n", 1))
    _, s4 = grade_many_with_stats(entries, data_dir=data, cache_dir=cache)
    assert s4.from_cache == 0


def test_killed_job_resumes_without_regrading(tmp_path: Path) -> None:
    # big enough that even a release build takes seconds, so the kill lands half-way
    data, jsonl = _workload(tmp_path, N_KILLED, 20_000)
    cache = tmp_path / "cache"
    cmd = [sys.executable, "-m", "mlebench_fast.cli", "grade", "--submission", str(jsonl), "--data-dir", str(data), "--jobs", "1"]
    proc = subprocess.Popen(
        [*cmd, "--output-dir", str(tmp_path / "killed"), "--cache-dir", str(cache)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _journal_lines(cache) < 30 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _journal_lines(cache)
    assert 30 <= done_before < N_KILLED, "the job should have been killed half-way"
    assert not list((tmp_path / "killed").glob("*.json")), "a killed job writes no report"

    resumed = subprocess.run(
        [*cmd, "--output-dir", str(tmp_path / "resumed"), "--cache-dir", str(cache)], capture_output=True, text=True, check=True
    )
    graded, from_cache = map(int, re.search(r"(\d+) graded, (\d+) from the results cache", resumed.stdout).groups())
    assert from_cache == done_before and graded == N_KILLED - done_before
    clean = subprocess.run(
        [*cmd, "--output-dir", str(tmp_path / "clean"), "--no-cache"], capture_output=True, text=True, check=True
    )
    assert "from the results cache" not in clean.stdout
    assert _scores(tmp_path / "resumed") == _scores(tmp_path / "clean")
