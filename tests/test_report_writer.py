"""The grading report written by the core is byte for byte what Python's `json` writes
(`grading.report_text`, the reference's layout), for a varied set of results."""

import itertools
import json
import math
from datetime import datetime, timezone
from pathlib import Path

from mlebench_fast import _core
from mlebench_fast.grading import CompetitionReport, report_text, write_report

STAMP = datetime(2026, 12, 2, 13, 5, 7, 123456)
SCORES = [None, 0.0, -0.0, 1.0, 0.94373, 1e-05, 1.5e16, 123456789.125, math.nan, math.inf, -math.inf, 3, -7, 2**62]
TEXTS = [
    "plain/path.csv",
    "/tmp/ünïcödé/提交.csv",
    "emoji 😀 and \u007f del",
    'quote " backslash \\ slash /',
    "controls \n\r\t\b\f \x00\x01\x1f",
    "",
]


def varied_reports() -> list[CompetitionReport]:
    reports = []
    for i, (score, text) in enumerate(zip(itertools.cycle(SCORES), itertools.chain(TEXTS * 6))):
        flags = [bool((i >> k) & 1) for k in range(7)]
        medals = i % 3 != 0
        reports.append(
            CompetitionReport(
                competition_id=["spaceship-titanic", "ünï-comp", "x"][i % 3],
                score=score,
                gold_threshold=0.99 if medals else None,
                silver_threshold=0.98 if medals else None,
                bronze_threshold=0.5 if medals else None,
                median_threshold=math.nan if i % 7 == 0 else (0.25 if medals else None),
                any_medal=flags[0],
                gold_medal=flags[1],
                silver_medal=flags[2],
                bronze_medal=flags[3],
                above_median=flags[4],
                submission_exists=flags[5],
                valid_submission=flags[6],
                is_lower_better=[None, True, False][i % 3],
                # most share one stamp (as in a bulk job); some carry their own, one a time zone
                created_at=STAMP if i % 5 else datetime(2025, 1, i % 28 + 1, tzinfo=timezone.utc if i % 2 else None),
                submission_path=text,
                error=None if i % 4 == 0 else f"invalid submission: {text}",
                grader_error=i % 11 == 5,
            )
        )
    return reports


def core_bytes(tmp_path: Path, reports: list[CompetitionReport]) -> bytes | None:
    out = tmp_path / "core.json"
    return out.read_bytes() if _core.write_grading_report(str(out), reports) else None


def test_core_writes_the_same_bytes_as_python_json(tmp_path: Path) -> None:
    reports = varied_reports()
    assert any(r.grader_error for r in reports) and any(not r.grader_error for r in reports)
    assert core_bytes(tmp_path, reports) == report_text(reports).encode("ascii")


def test_edge_shapes_match(tmp_path: Path) -> None:
    reports = varied_reports()
    for subset in ([], reports[:1], [r for r in reports if r.grader_error], [r for r in reports if not r.grader_error]):
        assert core_bytes(tmp_path, subset) == report_text(subset).encode("ascii")


def test_values_the_core_does_not_write_fall_back_to_python(tmp_path: Path) -> None:
    base = varied_reports()[1]
    odd = [
        CompetitionReport(**{**base.__dict__, "submission_path": "lone \udc80 surrogate"}),
        CompetitionReport(**{**base.__dict__, "score": 10**30}),
        CompetitionReport(**{**base.__dict__, "score": True}),
    ]
    for report in odd:
        assert core_bytes(tmp_path, [report]) is None
        path = write_report([report], tmp_path / "out")
        assert path.read_text(encoding="ascii") == report_text([report])
        path.unlink()


def test_write_report_output_reads_back_as_the_summary(tmp_path: Path) -> None:
    from mlebench_fast import aggregate_reports

    reports = varied_reports()
    path = write_report(reports, tmp_path)
    assert path.read_bytes() == report_text(reports).encode("ascii")
    loaded = json.loads(path.read_text())
    assert loaded.keys() == aggregate_reports(reports).keys()
    assert not list(tmp_path.glob("*.tmp"))


def test_report_paths_are_normalised_as_pathlib_does() -> None:
    from mlebench_fast.grading import _report_path_text

    tricky = ["a/b.csv", "/a/b.csv", "a//b", "//a/b", "///a", "./a", "a/./b", "a/.", "a/", ".", "./", "", "..", "a/../b"]
    tricky += ["a/.b", ".a/b", "a.", "a/b/", "ü/提交.csv", "a\\b", " a / b ", "~/x.csv"]
    for text in tricky:
        assert _report_path_text(text) == str(Path(text)), text
    assert _report_path_text(None) == "None"
