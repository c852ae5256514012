"""Property tests of the label metrics (F1 micro/macro, Matthews correlation) against
scikit-learn on random labels, including ties, constant predictions, single-class answers,
labels seen only in the predictions and text labels."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlebench_fast import metrics

SETTINGS = settings(max_examples=300, deadline=None)


def _same(ours: float, ref: float) -> bool:
    if math.isnan(ref):
        return math.isnan(ours)
    return abs(ours - ref) <= 1e-12 * max(1.0, abs(ref))


def _sklearn(fn, *args, **kwargs) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division and single-label warnings
        return float(fn(*args, **kwargs))


@st.composite
def label_pairs(draw, max_label: int = 6, min_size: int = 1):
    """(y_true, y_pred): few labels, so ties and absent classes are common; sometimes a
    constant side, sometimes prediction labels the answers never use."""
    n = draw(st.integers(min_size, 60))
    true_hi = draw(st.integers(0, max_label))
    y_true = draw(arrays(np.int64, n, elements=st.integers(0, true_hi)))
    style = draw(st.sampled_from(["random", "constant", "copy_with_noise", "unseen"]))
    if style == "constant":
        y_pred = np.full(n, draw(st.integers(0, max_label + 2)), dtype=np.int64)
    elif style == "copy_with_noise":
        y_pred = y_true.copy()
        flips = draw(arrays(np.bool_, n))
        y_pred[flips] = draw(st.integers(0, max_label))
    elif style == "unseen":
        y_pred = draw(arrays(np.int64, n, elements=st.integers(true_hi + 1, true_hi + 4)))
    else:
        y_pred = draw(arrays(np.int64, n, elements=st.integers(0, max_label)))
    return y_true, y_pred


@SETTINGS
@given(label_pairs(), st.sampled_from(["micro", "macro"]))
def test_f1_matches_sklearn(pair, average):
    y_true, y_pred = pair
    ref = _sklearn(skm.f1_score, y_true, y_pred, average=average)
    assert _same(metrics.f1_score(y_true, y_pred, average=average), ref)


@SETTINGS
@given(label_pairs())
def test_micro_f1_is_accuracy(pair):
    y_true, y_pred = pair
    assert _same(metrics.f1_score(y_true, y_pred, average="micro"), skm.accuracy_score(y_true, y_pred))


@SETTINGS
@given(label_pairs(), st.sampled_from(["micro", "macro"]))
def test_f1_on_text_labels_matches_sklearn(pair, average):
    names = np.array(["ash", "Oak", "elm", "fir", "yew", "box", "bay", "fig", "lime", "pine", "teak"])
    y_true, y_pred = (names[pair[0]], names[pair[1]])
    ref = _sklearn(skm.f1_score, y_true, y_pred, average=average)
    assert _same(metrics.f1_score(y_true, y_pred, average=average), ref)


@SETTINGS
@given(label_pairs(max_label=1))
def test_mcc_binary_matches_sklearn(pair):
    y_true, y_pred = pair
    ref = _sklearn(skm.matthews_corrcoef, y_true, y_pred)
    assert _same(metrics.matthews_corrcoef(y_true, y_pred), ref)


@SETTINGS
@given(label_pairs(max_label=5))
def test_mcc_multiclass_matches_sklearn(pair):
    y_true, y_pred = pair
    ref = _sklearn(skm.matthews_corrcoef, y_true, y_pred)
    assert _same(metrics.matthews_corrcoef(y_true, y_pred), ref)


def test_edge_cases():
    # constant sides: MCC is 0.0, not NaN
    assert metrics.matthews_corrcoef([0, 1, 1], [1, 1, 1]) == 0.0
    assert metrics.matthews_corrcoef([1, 1], [1, 1]) == 0.0
    assert metrics.matthews_corrcoef([0, 1, 1, 0], [1, 0, 0, 1]) == -1.0
    # a label only predicted dilutes the macro average
    assert metrics.f1_score([0, 0, 1, 1], [0, 0, 1, 2], average="macro") == pytest.approx(
        skm.f1_score([0, 0, 1, 1], [0, 0, 1, 2], average="macro")
    )
    assert math.isnan(metrics.f1_score([], [], average="macro"))
    assert metrics.f1_score([], [], average="micro") == 0.0
    with pytest.raises(ValueError):
        metrics.f1_score([0, 1], [0], average="macro")
    with pytest.raises(ValueError):
        metrics.f1_score([0, 1], [0, 1], average="weighted")
    with pytest.raises(ValueError):
        metrics.matthews_corrcoef([0.0, np.nan], [0.0, 1.0])


@SETTINGS
@given(label_pairs(max_label=2), st.booleans())
def test_binary_f1_matches_sklearn(pair, as_float):
    y_true, y_pred = pair
    if as_float:
        y_true, y_pred = y_true.astype(np.float64), y_pred.astype(np.float64)
    try:
        ref = _sklearn(skm.f1_score, y_true, y_pred)
    except ValueError:
        with pytest.raises(ValueError):
            metrics.f1_score(y_true, y_pred, average="binary")
        return
    assert metrics.f1_score(y_true, y_pred, average="binary") == ref


def test_binary_f1_edge_cases():
    assert metrics.f1_score([0, 0], [0, 0], average="binary") == 0.0
    assert metrics.f1_score(["a", "a"], ["a", "a"], average="binary") == 0.0
    for bad in (([0, 2], [2, 2]), ([0, 1, 2], [0, 1, 1]), (["a", "b"], ["a", "b"]), ([0.5, 1.0], [1.0, 1.0])):
        with pytest.raises(ValueError):
            metrics.f1_score(*bad, average="binary")
