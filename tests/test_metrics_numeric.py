"""Property tests of the regression and bespoke numeric kernels against scikit-learn,
scipy or a plain numpy formulation, on random inputs with ties, constants and NaN."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats
import sklearn.metrics as skm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics.pairwise import haversine_distances as sk_haversine

from mlebench_fast import metrics

SETTINGS = settings(max_examples=200, deadline=None)


def _close(a: float, b: float, tol: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(b))


# few distinct values -> ties and constants; occasionally NaN
small_values = st.sampled_from([0.0, 0.25, 0.5, 1.0, -2.0]) | st.floats(-1e3, 1e3)
maybe_nan = small_values | st.just(float("nan"))


def _pair(n_min: int = 1, n_max: int = 40, elements=small_values):
    return st.integers(n_min, n_max).flatmap(
        lambda n: st.tuples(arrays(np.float64, n, elements=elements), arrays(np.float64, n, elements=elements))
    )


@SETTINGS
@given(_pair(elements=maybe_nan))
def test_mae_matches_sklearn(pair):
    t, p = pair
    try:
        ref = skm.mean_absolute_error(t, p)
    except ValueError:
        with pytest.raises(ValueError):
            metrics.mae(t, p)
        return
    assert _close(metrics.mae(t, p), ref)


@SETTINGS
@given(_pair(n_min=2, elements=maybe_nan))
def test_pearson_matches_scipy(pair):
    x, y = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = float(scipy.stats.pearsonr(x, y)[0])
    assert _close(metrics.pearson(x, y), ref, 1e-9), (metrics.pearson(x, y), ref)


def test_pearson_edge_cases():
    assert math.isnan(metrics.pearson([1, 2, 3], [0, 0, 0]))
    assert metrics.pearson([1, 2], [3, 1]) == -1.0
    with pytest.raises(ValueError):
        metrics.pearson([1], [1])


@SETTINGS
@given(st.data())
def test_mcrmse_is_mean_of_column_rmse(data):
    n = data.draw(st.integers(1, 30))
    k = data.draw(st.integers(1, 5))
    t = data.draw(arrays(np.float64, (n, k), elements=small_values))
    p = data.draw(arrays(np.float64, (n, k), elements=small_values))
    ref = np.mean([skm.root_mean_squared_error(t[:, j], p[:, j]) for j in range(k)])
    assert _close(metrics.mcrmse(t, p), ref)


@SETTINGS
@given(st.data())
def test_log_mae_by_group_matches_pandas_groupby(data):
    n = data.draw(st.integers(1, 40))
    t = data.draw(arrays(np.float64, n, elements=small_values))
    p = data.draw(arrays(np.float64, n, elements=small_values))
    groups = data.draw(arrays(object, n, elements=st.sampled_from(["1JHC", "2JHH", "3JHN"])))
    frame = pd.DataFrame({"t": t, "p": p, "g": groups})
    with np.errstate(divide="ignore"):
        ref = np.mean([np.log(skm.mean_absolute_error(g["t"], g["p"])) for _, g in frame.groupby("g")])
    assert _close(metrics.mean_log_mae_by_group(t, p, groups), ref)


def _probability_rows(draw, n, k, zeros=True):
    raw = draw(arrays(np.float64, (n, k), elements=st.floats(0, 1) | st.just(0.0) if zeros else st.floats(0.01, 1)))
    raw[raw.sum(axis=1) == 0, 0] = 1.0
    return raw / raw.sum(axis=1, keepdims=True)


@SETTINGS
@given(st.data())
def test_kl_divergence_matches_numpy(data):
    n = data.draw(st.integers(1, 30))
    k = data.draw(st.integers(2, 6))
    t = _probability_rows(data.draw, n, k)
    p = _probability_rows(data.draw, n, k)
    if data.draw(st.booleans()):
        p[0, 0] = np.nan
    clipped = np.clip(p, 1e-15, 1 - 1e-15)
    with np.errstate(all="ignore"):
        terms = np.where(t != 0, t * np.log(t / clipped), 0.0)
    ref = np.mean(np.nansum(terms, axis=1))
    assert _close(metrics.kl_divergence(t, p), ref)


def test_kl_divergence_unclipped_zero_is_infinite():
    assert metrics.kl_divergence([[0.5, 0.5]], [[0.0, 1.0]], epsilon=None) == math.inf
    assert metrics.kl_divergence([[0.0, 1.0]], [[0.0, 1.0]], epsilon=None) == 0.0


@SETTINGS
@given(st.data())
def test_weighted_log_loss_with_equal_weights_is_sklearn_log_loss(data):
    n = data.draw(st.integers(1, 30))
    k = data.draw(st.integers(1, 8))
    t = data.draw(arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0])))
    p = data.draw(arrays(np.float64, (n, k), elements=st.floats(0.001, 0.999) | st.just(0.5)))
    ones = np.ones(k)
    ours = metrics.weighted_multilabel_log_loss(t, p, ones, ones)
    ref = skm.log_loss(t.ravel(), p.ravel(), labels=[0, 1])
    assert _close(ours, ref, 1e-10), (ours, ref)


@SETTINGS
@given(st.data())
def test_weighted_log_loss_matches_numpy(data):
    n = data.draw(st.integers(1, 30))
    t = data.draw(arrays(np.float64, (n, 8), elements=st.sampled_from([0.0, 1.0])))
    p = data.draw(arrays(np.float64, (n, 8), elements=st.floats(0, 1) | st.sampled_from([0.0, 1.0])))
    neg = np.array([7, 1, 1, 1, 1, 1, 1, 1], dtype=float)
    pos = 2 * neg
    q = np.clip(p, 1e-15, 1 - 1e-15)
    w = t * pos + (1 - t) * neg
    ref = np.mean((-(t * np.log(q) + (1 - t) * np.log(1 - q)) * w).sum(axis=1) / w.sum(axis=1))
    assert _close(metrics.weighted_multilabel_log_loss(t, p, neg, pos), ref, 1e-10)


@SETTINGS
@given(st.data())
def test_lrap_matches_sklearn(data):
    n = data.draw(st.integers(1, 20))
    k = data.draw(st.integers(2, 8))
    t = data.draw(arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 1.0])))
    # coarse scores -> many ties
    s = data.draw(arrays(np.float64, (n, k), elements=st.sampled_from([0.0, 0.1, 0.5, 1.0]) | st.floats(-5, 5)))
    weighted = data.draw(st.booleans())
    w = data.draw(arrays(np.float64, n, elements=st.integers(1, 5).map(float))) if weighted else None
    ref = skm.label_ranking_average_precision_score(t, s, sample_weight=w)
    assert _close(metrics.label_ranking_average_precision(t, s, w), ref)


def test_lrap_rejects_nan_and_non_binary_labels():
    with pytest.raises(ValueError):
        metrics.label_ranking_average_precision([[1, 0]], [[np.nan, 0.1]])
    with pytest.raises(ValueError):
        metrics.label_ranking_average_precision([[2, 0]], [[0.3, 0.1]])


def _pfbeta_numpy(labels, predictions, beta):
    clipped = np.clip(predictions, 0, 1)
    positive = labels != 0
    ctp = clipped[positive].sum()
    total = clipped.sum()
    with np.errstate(all="ignore"):
        precision = ctp / total
        recall = ctp / positive.sum()
    if precision > 0 and recall > 0:
        return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)
    return 0.0


@SETTINGS
@given(st.data())
def test_pfbeta_matches_numpy(data):
    n = data.draw(st.integers(2, 40))
    labels = data.draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])))
    labels[0] = 1.0
    predictions = data.draw(arrays(np.float64, n, elements=st.floats(-0.5, 1.5) | st.sampled_from([0.0, 1.0])))
    predictions[0] = 0.5  # keep one value inside [0, 1]: no Python ZeroDivisionError path
    beta = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
    assert _close(metrics.probabilistic_fbeta(labels, predictions, beta), _pfbeta_numpy(labels, predictions, beta), 1e-10)


def test_pfbeta_edge_cases():
    assert metrics.probabilistic_fbeta([1, 0], [0.5, np.nan]) == 0.0
    assert metrics.probabilistic_fbeta([1, 0], [0.0, 0.0]) == 0.0
    with pytest.raises(ValueError):
        metrics.probabilistic_fbeta([1, 0], [-1.0, -2.0])


angles = st.floats(-10, 10) | st.sampled_from([0.0, math.pi, math.pi / 2])


@SETTINGS
@given(st.data())
def test_mean_angular_error_matches_vector_formula(data):
    n = data.draw(st.integers(1, 30))
    az1, zen1, az2, zen2 = (data.draw(arrays(np.float64, n, elements=angles)) for _ in range(4))

    def unit(az, zen):
        return np.stack([np.sin(zen) * np.cos(az), np.sin(zen) * np.sin(az), np.cos(zen)], axis=1)

    cos = np.clip(np.einsum("ij,ij->i", unit(az1, zen1), unit(az2, zen2)), -1, 1)
    ref = np.mean(np.arccos(cos))
    # arccos is ill-conditioned near +-1, so compare loosely
    assert abs(metrics.mean_angular_error(az1, zen1, az2, zen2) - ref) < 1e-6


@SETTINGS
@given(st.data())
def test_haversine_matches_sklearn(data):
    n = data.draw(st.integers(1, 30))
    lat1, lat2 = (data.draw(arrays(np.float64, n, elements=st.floats(-89, 89))) for _ in range(2))
    lon1, lon2 = (data.draw(arrays(np.float64, n, elements=st.floats(-180, 180))) for _ in range(2))
    ours = metrics.haversine_distances(lat1, lon1, lat2, lon2)
    a = np.radians(np.stack([lat1, lon1], axis=1))
    b = np.radians(np.stack([lat2, lon2], axis=1))
    ref = np.diag(sk_haversine(a, b)) * 6_371_000
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-6)


@SETTINGS
@given(st.data())
def test_laplace_matches_numpy(data):
    n = data.draw(st.integers(1, 30))
    fvc = st.floats(500, 5000) | st.just(float("nan"))
    actual = data.draw(arrays(np.float64, n, elements=fvc))
    predicted = data.draw(arrays(np.float64, n, elements=fvc))
    confidence = data.draw(arrays(np.float64, n, elements=st.floats(0, 1000) | st.just(70.0)))
    sigma = np.maximum(confidence, 70)
    delta = np.minimum(np.abs(actual - predicted), 1000)
    ref = np.mean(-np.sqrt(2) * delta / sigma - np.log(np.sqrt(2) * sigma))
    assert _close(metrics.laplace_log_likelihood(actual, predicted, confidence), ref)


def _bias_auc_reference(labels, scores, groups, p, w):
    def auc(mask):
        return skm.roc_auc_score(labels[mask], scores[mask])

    kinds = [[], [], []]
    for g in groups.T:
        kinds[0].append(auc(g))
        kinds[1].append(auc((labels == 0) & g | (labels == 1) & ~g))
        kinds[2].append(auc((labels == 1) & g | (labels == 0) & ~g))
    means = [scipy.stats.pmean(np.array(k), p) for k in kinds]
    return w * auc(np.ones(len(labels), dtype=bool)) + sum(w * m for m in means)


@SETTINGS
@given(st.data())
def test_bias_auc_matches_sklearn_and_scipy_power_mean(data):
    n = data.draw(st.integers(8, 40))
    labels = data.draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])))
    scores = data.draw(arrays(np.float64, n, elements=st.sampled_from([0.0, 0.3, 0.7, 1.0]) | st.floats(0, 1)))
    groups = data.draw(arrays(bool, (n, data.draw(st.integers(1, 3))), elements=st.booleans()))
    try:
        ref = _bias_auc_reference(labels, scores, groups, -5, 0.25)
    except ValueError:
        with pytest.raises(ValueError):
            metrics.bias_auc(labels, scores, groups)
        return
    assume(np.isfinite(ref))
    assert _close(metrics.bias_auc(labels, scores, groups), ref, 1e-9)


def test_bias_auc_inverted_is_zero():
    labels = np.array([0, 1, 0, 1, 0, 1], dtype=float)
    groups = np.array([[1, 0], [1, 1], [0, 1], [0, 0], [1, 1], [1, 0]], dtype=bool)
    assert metrics.bias_auc(labels, 1 - labels, groups) == 0.0
    assert metrics.bias_auc(labels, labels, groups) == 1.0


@pytest.mark.parametrize("n", [8191, 8192, 8193, 16385, 24576 + 9, 131_072, 300_007])
def test_sums_follow_numpy_chunks_bit_for_bit(n: int) -> None:
    """numpy sums a long array in 8,192-item chunks (pairwise inside, chunk sums in order):
    the kernels' sums must be the same floats, not merely close, past the first chunk."""
    rng = np.random.default_rng(n)
    for scale in (1.0, 1e3, 1e-3):
        a, b = rng.standard_normal(n) * scale, rng.standard_normal(n) * scale
        expected = float(np.sqrt(np.mean((a - b) ** 2)))
        assert metrics.rmse(a, b) == expected
