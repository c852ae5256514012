"""Metric kernels of the Rust core on numpy arrays.

Each function computes what the named scikit-learn function computes, with the same order
of floating-point operations where that can move the fifth decimal, and releases the GIL
while it runs. Inputs are converted to contiguous float64 (or int64) arrays first. Every
function raises ``ValueError`` where scikit-learn raises.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import _core

__all__ = [
    "accuracy",
    "log_loss",
    "mean_columnwise_roc_auc",
    "multilabel_micro_f1",
    "quadratic_weighted_kappa",
    "rmse",
    "rmsle",
    "roc_auc",
    "weighted_roc_auc",
]


def _f64(a: ArrayLike, ndim: int = 1) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(a, dtype=np.float64))
    if arr.ndim != ndim:
        raise ValueError(f"expected a {ndim}-D array, got {arr.ndim}-D")
    return arr


def roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Binary ROC AUC, like ``sklearn.metrics.roc_auc_score``.

    ``y_true`` holds two distinct labels; the larger one is the positive class.
    Edge cases: tied scores form one threshold (a constant ``y_score`` gives 0.5);
    a single class in ``y_true`` raises; NaN or infinite values raise.
    """
    return _core.roc_auc(_f64(y_true), _f64(y_score))


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Share of equal labels, like ``sklearn.metrics.accuracy_score`` on numeric labels.

    Edge cases: labels compare as float64 numbers (``2 == 2.0``); NaN never matches;
    empty inputs give NaN; different lengths raise.
    """
    return _core.accuracy(_f64(y_true), _f64(y_pred))


def log_loss(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Cross-entropy, like ``sklearn.metrics.log_loss`` (scikit-learn 1.5).

    Two forms: 1-D binary labels with a 1-D probability of the larger label, or a 2-D
    one-hot ``y_true`` with a 2-D probability matrix of the same shape.
    Edge cases: predictions are clipped to ``[eps, 1 - eps]`` with float64 machine epsilon
    (a zero on the true class costs about 36.04); rows are not renormalised; a single class
    in binary ``y_true`` raises.
    """
    t = np.asarray(y_true)
    if t.ndim == 2:
        return _core.log_loss_onehot(_f64(t, 2), _f64(y_pred, 2))
    return _core.log_loss_binary(_f64(t), _f64(y_pred))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error, like ``sklearn.metrics.root_mean_squared_error``.

    Edge cases: NaN or infinity raise; empty inputs raise; different lengths raise.
    """
    return _core.rmse(_f64(y_true), _f64(y_pred))


def rmsle(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared log error (RMSE of ``log1p``), like
    ``sklearn.metrics.root_mean_squared_log_error``.

    Edge cases: any negative value on either side raises; NaN or infinity raise.
    """
    return _core.rmsle(_f64(y_true), _f64(y_pred))


def quadratic_weighted_kappa(y1: ArrayLike, y2: ArrayLike) -> float:
    """Cohen's kappa with quadratic weights, like
    ``sklearn.metrics.cohen_kappa_score(y1, y2, weights="quadratic")``, on integer labels.

    Weights use the position of each label in the sorted set of labels seen on either side.
    Edge cases: a constant prediction gives 0.0; identical constant labels on both sides
    give NaN (0/0), as scikit-learn does.
    """
    a = np.ascontiguousarray(np.asarray(y1), dtype=np.int64)
    b = np.ascontiguousarray(np.asarray(y2), dtype=np.int64)
    return _core.quadratic_weighted_kappa(a, b)


def mean_columnwise_roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """Column-wise mean ROC AUC of a label-indicator matrix, like
    ``sklearn.metrics.roc_auc_score(y_true, y_score, average="macro")`` on multi-label
    targets: the binary ROC AUC of each column, then their unweighted mean.

    ``y_true`` and ``y_score`` are 2-D arrays of the same shape ``(n_samples, n_columns)``.
    Edge cases: a column of ``y_true`` with a single class raises (it is not skipped); tied
    scores count half; NaN or infinite values raise; no rows raises.
    """
    return _core.mean_columnwise_roc_auc(_f64(y_true, 2), _f64(y_score, 2))


def weighted_roc_auc(
    y_true: ArrayLike,
    y_score: ArrayLike,
    tpr_thresholds: Sequence[float] = (0.0, 0.4, 1.0),
    weights: Sequence[float] = (2.0, 1.0),
) -> float:
    """ROC AUC with the area cut into horizontal bands of true positive rate, each band
    weighted (ALASKA2's metric as MLE-bench computes it; the defaults are its bands).

    The curve is ``roc_curve(y_true, y_score, pos_label=1)``: samples labelled 1 are
    positive, every other label is negative. The band edges ``tpr_thresholds`` (ascending)
    are inserted into the curve by linear interpolation; band ``k`` spans
    ``tpr_thresholds[k]..tpr_thresholds[k + 1]`` and its area, up to ``fpr = 1``, is weighted
    by ``weights[k]``; the sum is divided by ``sum(band height * weight)``.
    Edge cases: a constant score does not give 0.5 (0.585714... with the default bands); no
    positive sample gives 0.0; no negative sample gives NaN; non-integer labels, NaN or
    infinite values raise.
    """
    return _core.weighted_roc_auc(_f64(y_true), _f64(y_score), list(map(float, tpr_thresholds)), list(map(float, weights)))


def _indicator(a: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D label-indicator matrix, got {arr.ndim}-D")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1 (a label-indicator matrix)")
    return np.ascontiguousarray(arr, dtype=np.uint8)


def multilabel_micro_f1(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Micro-averaged F1 of multi-label indicator matrices, like
    ``sklearn.metrics.f1_score(y_true, y_pred, average="micro")``: ``2 * TP / (n_true +
    n_pred)`` with every sample and label pooled.

    ``y_true`` and ``y_pred`` are 0/1 arrays of shape ``(n_samples, n_labels)``.
    Edge cases: no true and no predicted label at all gives 0.0 (scikit-learn warns);
    fewer than two labels raises (not a multi-label target), as do no samples, different
    shapes and values other than 0 and 1.
    """
    return _core.multilabel_micro_f1(_indicator(y_true, "y_true"), _indicator(y_pred, "y_pred"))
