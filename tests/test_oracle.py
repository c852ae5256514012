"""Oracle conformance: every case of ../shared/oracle for every supported competition must
get the reference's score (within 1e-5 after rounding) and the same validity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlebench_fast import all_competitions, get_competition, grade_many
from oracle_cases import load_cases, matches

from conftest import shared_dir

SUPPORTED = [c.id for c in all_competitions() if c.supported]


def _data_dir_with_answers(tmp: Path, oracle: Path, competition_id: str) -> Path:
    answers_src, _ = load_cases(oracle, competition_id)
    dest = get_competition(competition_id).answers_path(tmp)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(answers_src, dest)
    return tmp


@pytest.mark.parametrize("competition_id", SUPPORTED)
def test_oracle_cases(competition_id: str, tmp_path: Path) -> None:
    oracle = shared_dir("oracle")
    if not (oracle / competition_id).is_dir():
        pytest.fail(f"{competition_id} is marked supported but has no oracle folder")
    data_dir = _data_dir_with_answers(tmp_path, oracle, competition_id)
    _, cases = load_cases(oracle, competition_id)
    reports = grade_many([(c.competition_id, str(c.submission)) for c in cases], data_dir=data_dir)
    failures = []
    for case, report in zip(cases, reports):
        valid_expected = case.expected is not None
        if report.valid_submission != valid_expected or not matches(case.expected, report.score):
            failures.append(
                f"{case.submission.name}: expected {case.expected}, got {report.score} (error: {report.error}) -- {case.note}"
            )
    assert not failures, "\n".join(failures)


def test_every_oracle_competition_is_registered() -> None:
    oracle = shared_dir("oracle")
    registered = {c.id for c in all_competitions()}
    folders = {p.name for p in oracle.iterdir() if p.is_dir()}
    assert folders <= registered
