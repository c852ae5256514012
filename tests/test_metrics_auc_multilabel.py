"""Property tests of the column-wise ROC AUC, the TPR-band weighted ROC AUC and the
multi-label micro F1 kernels against scikit-learn (or, for the weighted AUC, an independent
exact integration over scikit-learn's ROC curve), with ties, constant predictions,
single-class columns and empty label sets."""

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

# few distinct values -> many ties; exact 0 and 1 included
scores = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(0, 1)


def _close(a: float, b: float, tol: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(b))


def _indicator(draw_data, n: int, k: int) -> np.ndarray:
    return draw_data.draw(arrays(np.int64, (n, k), elements=st.integers(0, 1)))


@SETTINGS
@given(st.data())
def test_mean_columnwise_roc_auc_matches_sklearn_macro(data):
    n = data.draw(st.integers(1, 40))
    k = data.draw(st.integers(2, 5))
    y = _indicator(data, n, k)
    s = data.draw(arrays(np.float64, (n, k), elements=scores))
    try:
        ref = skm.roc_auc_score(y, s, average="macro")
    except ValueError:
        # a column with a single class: scikit-learn raises, so must we
        with pytest.raises(ValueError):
            metrics.mean_columnwise_roc_auc(y, s)
        return
    assert _close(metrics.mean_columnwise_roc_auc(y, s), ref)


def test_mean_columnwise_roc_auc_edge_cases():
    y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
    # column 0 perfect, column 1 constant
    s = np.array([[0.1, 0.3], [0.9, 0.3], [0.8, 0.3], [0.2, 0.3]])
    assert metrics.mean_columnwise_roc_auc(y, s) == 0.75
    with pytest.raises(ValueError):
        metrics.mean_columnwise_roc_auc(np.array([[0, 1], [0, 0]]), np.array([[0.1, 0.2], [0.3, 0.4]]))
    with pytest.raises(ValueError):
        metrics.mean_columnwise_roc_auc(y, np.where(s > 0.5, np.nan, s))
    with pytest.raises(ValueError):
        metrics.mean_columnwise_roc_auc(np.zeros((0, 2)), np.zeros((0, 2)))


def _band_area(fpr: np.ndarray, tpr: np.ndarray, lo: float, hi: float) -> float:
    """Exact area between the ROC polyline and the line fpr = 1 for tpr in [lo, hi]."""
    area = 0.0
    for (x0, t0), (x1, t1) in zip(zip(fpr[:-1], tpr[:-1]), zip(fpr[1:], tpr[1:])):
        a, b = max(t0, lo), min(t1, hi)
        if t1 <= t0 or a >= b:
            continue
        xa = x0 + (x1 - x0) * (a - t0) / (t1 - t0)
        xb = x0 + (x1 - x0) * (b - t0) / (t1 - t0)
        area += (b - a) * (1 - (xa + xb) / 2)
    return area


def _weighted_auc_by_integration(y, s, edges, weights) -> float:
    y = np.asarray(y)
    if not (y == 1).any():
        return 0.0  # every band is empty
    if (y == 1).all():
        return math.nan  # false positive rates undefined
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fpr, tpr, _ = skm.roc_curve(y, s, pos_label=1)
    total = sum(w * _band_area(fpr, tpr, lo, hi) for lo, hi, w in zip(edges[:-1], edges[1:], weights))
    return total / sum((hi - lo) * w for lo, hi, w in zip(edges[:-1], edges[1:], weights))


@SETTINGS
@given(st.data())
def test_weighted_roc_auc_matches_exact_band_integration(data):
    n = data.draw(st.integers(1, 60))
    y = data.draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    s = data.draw(arrays(np.float64, n, elements=scores | st.floats(-5, 5)))
    edges, weights = data.draw(
        st.sampled_from([((0.0, 0.4, 1.0), (2.0, 1.0)), ((0.0, 0.25, 0.5, 1.0), (3.0, 1.0, 0.5)), ((0.0, 1.0), (1.0,))])
    )
    ours = metrics.weighted_roc_auc(y, s, edges, weights)
    assert _close(ours, _weighted_auc_by_integration(y, s, edges, weights), 1e-9), ours


@SETTINGS
@given(st.data())
def test_weighted_roc_auc_with_one_band_is_roc_auc(data):
    n = data.draw(st.integers(2, 60))
    y = data.draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    s = data.draw(arrays(np.float64, n, elements=scores))
    if len(set(y)) < 2:
        return
    assert _close(metrics.weighted_roc_auc(y, s, (0.0, 1.0), (1.0,)), skm.roc_auc_score(y, s), 1e-12)


def test_weighted_roc_auc_edge_cases():
    y = [0, 0, 1, 1, 1]
    assert metrics.weighted_roc_auc(y, [0.1, 0.2, 0.7, 0.8, 0.9]) == 1.0
    assert metrics.weighted_roc_auc(y, [0.9, 0.8, 0.3, 0.2, 0.1]) == 0.0
    # a constant score is the diagonal: (0.32 * 2 + 0.18) / 1.4, not 0.5
    assert abs(metrics.weighted_roc_auc(y, [0.5] * 5) - 0.82 / 1.4) < 1e-15
    assert metrics.weighted_roc_auc([0, 0], [0.1, 0.2]) == 0.0
    assert math.isnan(metrics.weighted_roc_auc([1, 1], [0.1, 0.2]))
    # labels other than 1 are negatives; non-integer labels and NaN scores raise
    assert metrics.weighted_roc_auc([2, 1], [0.1, 0.2]) == 1.0
    with pytest.raises(ValueError):
        metrics.weighted_roc_auc([0.5, 1], [0.1, 0.2])
    with pytest.raises(ValueError):
        metrics.weighted_roc_auc([0, 1], [np.nan, 0.2])


@SETTINGS
@given(st.data())
def test_multilabel_micro_f1_matches_sklearn(data):
    n = data.draw(st.integers(1, 30))
    k = data.draw(st.integers(2, 6))
    y = _indicator(data, n, k)
    # sparse predictions often, so that empty rows and zero denominators occur
    p = data.draw(arrays(np.int64, (n, k), elements=st.sampled_from([0, 0, 0, 1])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skm.f1_score(y, p, average="micro")
    assert metrics.multilabel_micro_f1(y, p) == ref


def test_multilabel_micro_f1_edge_cases():
    zeros = np.zeros((3, 4), dtype=int)
    assert metrics.multilabel_micro_f1(zeros, zeros) == 0.0
    y = np.eye(4, dtype=int)[:3]
    assert metrics.multilabel_micro_f1(y, zeros) == 0.0
    assert metrics.multilabel_micro_f1(y, y) == 1.0
    with pytest.raises(ValueError):
        metrics.multilabel_micro_f1(np.ones((2, 1)), np.ones((2, 1)))
    with pytest.raises(ValueError):
        metrics.multilabel_micro_f1(y, y[:, :3])
    with pytest.raises(ValueError):
        metrics.multilabel_micro_f1(y * 2, y)
    with pytest.raises(ValueError):
        metrics.multilabel_micro_f1(np.zeros((0, 3)), np.zeros((0, 3)))
