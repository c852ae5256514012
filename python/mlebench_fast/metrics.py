"""Metric kernels of the Rust core on numpy arrays.

Each function computes what the named scikit-learn function computes, with the same order
of floating-point operations where that can move the fifth decimal, and releases the GIL
while it runs. Inputs are converted to contiguous float64 (or int64) arrays first. Every
function raises ``ValueError`` where scikit-learn raises.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _core

__all__ = [
    "accuracy",
    "log_loss",
    "quadratic_weighted_kappa",
    "rmse",
    "rmsle",
    "roc_auc",
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
