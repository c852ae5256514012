"""jigsaw-toxic-comment's grader on submissions with duplicated ids: the reference indexes
both files by id, sorts them with pandas (numpy's unstable quicksort, so the order among
equal ids is numpy's), drops the answers rows labelled -1 by id lookup and then pairs rows
by position. Our grade must equal that pandas + scikit-learn formulation on random files."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlebench_fast import get_competition, grade_many

COMP = "jigsaw-toxic-comment-classification-challenge"
CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def _expected(sub: pd.DataFrame, answers: pd.DataFrame) -> float | None:
    """The reference's semantics, written directly with pandas and scikit-learn."""
    sub = sub.set_index("id").sort_index()
    answers = answers.set_index("id").sort_index()
    scored = answers[CLASSES].sum(axis=1) >= 0
    try:
        kept_sub = sub[scored]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            score = skm.roc_auc_score(answers[scored].to_numpy(), kept_sub.to_numpy(), average="macro")
    except Exception:  # noqa: BLE001 - any failure makes the submission invalid
        return None
    return round(score, 5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_duplicated_ids_pair_like_pandas(tmp_path: Path, data) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    n = data.draw(st.integers(20, 80))
    ids = [f"{i:04x}{rng.integers(1 << 16):04x}" for i in range(n)]
    labels = rng.integers(0, 2, size=(n, 6))
    labels[rng.random(n) < 0.3] = -1
    labels[:2] = [[0] * 6, [1] * 6]  # both classes in every column
    answers = pd.DataFrame(labels, columns=CLASSES)
    answers.insert(0, "id", ids)
    sub_ids = list(ids)
    for _ in range(data.draw(st.integers(1, 6))):
        sub_ids[rng.integers(n)] = sub_ids[rng.integers(n)]
    sub = pd.DataFrame(np.round(rng.random((n, 6)), 1), columns=CLASSES)
    sub.insert(0, "id", sub_ids)
    sub = sub.sample(frac=1, random_state=int(rng.integers(1 << 31)))

    case = tmp_path / str(rng.integers(1 << 62))
    dest = get_competition(COMP).answers_path(case)
    dest.parent.mkdir(parents=True)
    answers.to_csv(dest, index=False)
    sub_path = case / "submission.csv"
    sub.to_csv(sub_path, index=False)
    report = grade_many([(COMP, str(sub_path))], data_dir=case)[0]

    expected = _expected(pd.read_csv(sub_path), pd.read_csv(dest))
    if expected is None:
        assert report.score is None, report
    else:
        assert report.score is not None and math.isclose(report.score, expected, abs_tol=1e-5), (report, expected)
