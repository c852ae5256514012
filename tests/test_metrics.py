"""Property tests: the Rust metric kernels against scikit-learn on random inputs, including
ties, constant predictions, single-class answers and extreme probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlebench_fast import metrics

SETTINGS = settings(max_examples=300, deadline=None)
# scikit-learn warns about single-label confusion matrices on some random draws
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _raises_like(fn_ours, fn_ref):
    """Either both raise ValueError or both return the same value."""
    try:
        ref = fn_ref()
    except ValueError:
        with pytest.raises(ValueError):
            fn_ours()
        return None, None
    return fn_ours(), ref


def _close(a: float, b: float, tol: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(b))


labels01 = st.integers(1, 60).flatmap(lambda n: arrays(np.int64, n, elements=st.integers(0, 1)))


@SETTINGS
@given(st.data())
def test_roc_auc_matches_sklearn(data):
    y = data.draw(labels01)
    # few distinct values -> many ties
    scores = data.draw(arrays(np.float64, len(y), elements=st.sampled_from([0.0, 0.1, 0.5, 0.5, 0.9, 1.0]) | st.floats(0, 1)))
    ours, ref = _raises_like(lambda: metrics.roc_auc(y, scores), lambda: skm.roc_auc_score(y, scores))
    if ref is not None:
        assert _close(ours, ref), (ours, ref)


def test_roc_auc_edge_cases():
    assert metrics.roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    with pytest.raises(ValueError):
        metrics.roc_auc([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError):
        metrics.roc_auc([0, 1], [np.nan, 0.2])


@SETTINGS
@given(st.data())
def test_accuracy_matches_sklearn(data):
    n = data.draw(st.integers(1, 50))
    y = data.draw(arrays(np.int64, n, elements=st.integers(0, 4)))
    p = data.draw(arrays(np.int64, n, elements=st.integers(0, 4)))
    assert metrics.accuracy(y, p) == skm.accuracy_score(y, p)


@SETTINGS
@given(st.data())
def test_binary_log_loss_matches_sklearn(data):
    y = data.draw(labels01)
    p = data.draw(arrays(np.float64, len(y), elements=st.sampled_from([0.0, 1.0, 0.5]) | st.floats(0, 1)))
    ours, ref = _raises_like(lambda: metrics.log_loss(y, p), lambda: skm.log_loss(y, p))
    if ref is not None:
        assert _close(ours, ref), (ours, ref)


@SETTINGS
@given(st.data())
def test_multiclass_log_loss_matches_sklearn(data):
    n = data.draw(st.integers(1, 40))
    k = data.draw(st.integers(2, 6))
    label = data.draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    onehot = np.eye(k)[label]
    raw = data.draw(arrays(np.float64, (n, k), elements=st.floats(0, 1) | st.just(0.0)))
    raw[raw.sum(axis=1) == 0, 0] = 1.0
    p = raw / raw.sum(axis=1, keepdims=True)
    ours = metrics.log_loss(onehot, p)
    ref = skm.log_loss(onehot, p)
    assert _close(ours, ref), (ours, ref)


@SETTINGS
@given(st.data())
def test_rmse_and_rmsle_match_sklearn(data):
    n = data.draw(st.integers(1, 50))
    t = data.draw(arrays(np.float64, n, elements=st.floats(-1e3, 1e3)))
    p = data.draw(arrays(np.float64, n, elements=st.floats(-1e3, 1e3)))
    assert _close(metrics.rmse(t, p), skm.root_mean_squared_error(t, p))
    ours, ref = _raises_like(lambda: metrics.rmsle(t, p), lambda: skm.root_mean_squared_log_error(t, p))
    if ref is not None:
        assert _close(ours, ref)


@SETTINGS
@given(st.data())
def test_quadratic_weighted_kappa_matches_sklearn(data):
    n = data.draw(st.integers(1, 50))
    a = data.draw(arrays(np.int64, n, elements=st.integers(0, 5)))
    b = data.draw(arrays(np.int64, n, elements=st.integers(0, 5)))
    with np.errstate(all="ignore"):
        ref = skm.cohen_kappa_score(a, b, weights="quadratic")
    assert _close(metrics.quadratic_weighted_kappa(a, b), ref)


def test_kappa_constant_prediction_is_zero():
    assert metrics.quadratic_weighted_kappa([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
