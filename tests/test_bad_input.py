"""Bad input never crashes a bulk job: each bad submission gets valid_submission false with
a clear error, and the other rows are still graded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlebench_fast import grade_many

COMP = "aerial-cactus-identification"
N = 30


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    answers = tmp_path / "data" / COMP / "prepared" / "private" / "test.csv"
    answers.parent.mkdir(parents=True)
    rows = "".join(f"img{i}.jpg,{i % 2}\n" for i in range(N))
    answers.write_text("id,has_cactus\n" + rows)
    return tmp_path / "data"


def _good(i: int) -> str:
    return f"img{i}.jpg,{0.9 if i % 2 else 0.1}\n"


def _write(path: Path, content: str | bytes) -> str:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


def _bad_submissions(tmp: Path) -> dict[str, tuple[str | None, str]]:
    """name -> (path or None, a word the error must contain)"""
    good_body = "".join(_good(i) for i in range(N))
    d = tmp / "subs"
    d.mkdir()
    (d / "a_directory.csv").mkdir()
    return {
        "missing file": (str(d / "nope.csv"), "not found"),
        "directory": (str(d / "a_directory.csv"), "directory"),
        "not csv": (_write(d / "sub.txt", "id,has_cactus\n" + good_body), ".csv"),
        "null path": (None, "no submission path"),
        "empty file": (_write(d / "empty.csv", ""), "empty"),
        "header only": (_write(d / "header.csv", "id,has_cactus\n"), "rows"),
        "binary": (_write(d / "binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "UTF-8"),
        # valid UTF-8 full of NULs: pandas reads one unnamed column, so the columns are wrong
        "nul_bytes": (_write(d / "nul_bytes.csv", b"\x00" * 4096), "Unnamed: 0"),
        "not utf-8": (_write(d / "latin1.csv", "id,has_cactus\nimg\xe9.jpg,0.5\n".encode("latin-1")), "UTF-8"),
        "unbalanced quotes": (_write(d / "quotes.csv", 'id,has_cactus\n"img0.jpg,0.5\n'), "EOF inside string"),
        "2 MB line": (_write(d / "long.csv", "id,has_cactus\n" + "x" * 2_000_000 + ",0.5\n"), "rows"),
        "20000 columns": (_write(d / "wide.csv", ",".join(f"c{i}" for i in range(20_000)) + "\n"), "columns"),
        "renamed column": (_write(d / "renamed.csv", "id,label\n" + good_body), "has_cactus"),
        "missing id column": (_write(d / "noid.csv", "has_cactus\n" + "0.5\n" * N), "`id`"),
        "duplicate ids": (
            _write(d / "dup.csv", "id,has_cactus\n" + _good(0) * 2 + "".join(_good(i) for i in range(2, N))),
            "do not match",
        ),
        "wrong row count": (_write(d / "short.csv", "id,has_cactus\n" + "".join(_good(i) for i in range(N - 3))), "rows"),
        "NaN prediction": (
            _write(d / "nan.csv", "id,has_cactus\n" + "".join(_good(i) for i in range(N - 1)) + f"img{N - 1}.jpg,\n"),
            "NaN",
        ),
        "non-numeric prediction": (
            _write(d / "text.csv", "id,has_cactus\n" + "".join(_good(i) for i in range(N - 1)) + f"img{N - 1}.jpg,yes\n"),
            "numeric",
        ),
        "too many fields": (_write(d / "fields.csv", "id,has_cactus\n" + _good(0) + "img1.jpg,0.5,extra,more\n"), "fields"),
    }


def test_bad_inputs_are_invalid_with_a_reason_and_the_job_goes_on(tmp_path: Path, data_dir: Path) -> None:
    bad = _bad_submissions(tmp_path)
    good = _write(tmp_path / "good.csv", "id,has_cactus\n" + "".join(_good(i) for i in range(N)))
    entries = []
    for path, _ in bad.values():
        entries += [(COMP, good), (COMP, path)]
    entries.append(("no-such-competition", good))
    reports = grade_many(entries, data_dir=data_dir)
    assert len(reports) == len(entries)
    for (name, (_, word)), good_report, bad_report in zip(bad.items(), reports[0::2], reports[1::2]):
        assert good_report.valid_submission and good_report.score == 1.0, name
        assert not bad_report.valid_submission, name
        assert bad_report.score is None, name
        assert word in (bad_report.error or ""), f"{name}: {bad_report.error}"
    unknown = reports[-1]
    assert not unknown.valid_submission and "unknown competition" in unknown.error


def test_submission_exists_flag_follows_the_reference(tmp_path: Path, data_dir: Path) -> None:
    bad = _bad_submissions(tmp_path)
    reports = grade_many([(COMP, p) for p, _ in bad.values()], data_dir=data_dir)
    exists = {name: r.submission_exists for name, r in zip(bad, reports)}
    for name in ("missing file", "directory", "not csv", "null path"):
        assert not exists[name], name
    for name in ("empty file", "binary", "20000 columns", "NaN prediction"):
        assert exists[name], name


def test_unprepared_competition_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    sub = _write(tmp_path / "s.csv", "id,has_cactus\nimg0.jpg,0.5\n")
    (report,) = grade_many([(COMP, sub)], data_dir=tmp_path / "empty-data-dir")
    assert not report.valid_submission
    assert "prepared" in report.error


def test_a_competition_without_grader_is_reported_not_crashed(tmp_path: Path) -> None:
    """A config with `grader: null` grades as invalid with an error naming the competition."""
    configs = tmp_path / "configs" / "toy-competition"
    configs.mkdir(parents=True)
    (configs / "config.yaml").write_text(
        textwrap.dedent(
            """\
            id: toy-competition
            name: Toy
            answers: toy-competition/prepared/private/test.csv
            sample_submission: toy-competition/prepared/public/sample_submission.csv
            metric: something
            splits: []
            grader: null
            medals: null
            """
        )
    )
    sub = tmp_path / "s.csv"
    sub.write_text("id,y\n1,2\n")
    code = (
        "import json, mlebench_fast as m;"
        f"r = m.grade_many([('toy-competition', {str(sub)!r})], data_dir={str(tmp_path)!r})[0];"
        "print(json.dumps(r.to_dict()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "MLEBENCH_FAST_COMPETITIONS_DIR": str(tmp_path / "configs")},
        check=True,
    )
    report = json.loads(out.stdout)
    assert report["score"] is None and report["valid_submission"] is False and report["submission_exists"]
    assert "toy-competition" in report["error"] and "not implemented" in report["error"]
    assert report["gold_threshold"] is None
    assert "no leaderboard figures" in out.stderr
