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
    "average_precision",
    "bias_auc",
    "box3d_iou",
    "box_iou",
    "coco_box_iou",
    "dice",
    "directed_hausdorff",
    "exact_match_accuracy",
    "f1_score",
    "fbeta_mask",
    "haversine_distances",
    "iou_threshold_precision",
    "kendall_tau_ordering",
    "kl_divergence",
    "label_ranking_average_precision",
    "laplace_log_likelihood",
    "levenshtein",
    "log_loss",
    "mae",
    "map_at_k",
    "mask_iou",
    "matthews_corrcoef",
    "mcrmse",
    "mean_angular_error",
    "mean_columnwise_roc_auc",
    "mean_levenshtein",
    "mean_log_mae_by_group",
    "mean_word_jaccard",
    "micro_f1",
    "micro_f1_label_sets",
    "multilabel_micro_f1",
    "pearson",
    "probabilistic_fbeta",
    "quadratic_weighted_kappa",
    "rle_decode",
    "rle_encode",
    "rmse",
    "rmsle",
    "roc_auc",
    "spearman",
    "split_on_space",
    "split_words",
    "weighted_multilabel_log_loss",
    "weighted_roc_auc",
    "word_jaccard",
]


def _f64(a: ArrayLike, ndim: int = 1) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(a, dtype=np.float64))
    if arr.ndim != ndim:
        raise ValueError(f"expected a {ndim}-D array, got {arr.ndim}-D")
    return arr


def _int_labels(a: ArrayLike) -> np.ndarray | None:
    """A 1-D array of integer or boolean labels as contiguous int64 (no copy when it
    already is), or None for anything else (floats, text, uint64, other shapes)."""
    arr = np.asarray(a)
    if arr.ndim != 1 or not (arr.dtype.kind in "bi" or (arr.dtype.kind == "u" and arr.dtype.itemsize < 8)):
        return None
    return np.ascontiguousarray(arr, dtype=np.int64)


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
    t, p = _int_labels(y_true), _int_labels(y_pred)
    if t is not None and p is not None:
        # integer labels compared as float64 without converting the arrays
        return _core.accuracy_int(t, p)
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


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error, like ``sklearn.metrics.mean_absolute_error``.

    Edge cases: NaN or infinity raise; empty inputs raise; different lengths raise.
    """
    return _core.mae(_f64(y_true), _f64(y_pred))


def mean_log_mae_by_group(y_true: ArrayLike, y_pred: ArrayLike, groups: ArrayLike) -> float:
    """Mean over groups of ``log(MAE)`` within each group (the CHAMPS scalar coupling
    metric). ``groups`` holds one label per row; groups are taken in sorted label order.

    Edge cases: a group predicted exactly has log-MAE ``-inf``, so the result is ``-inf``
    (no floor); NaN or infinity raise; different lengths raise.
    """
    labels, index = np.unique(np.asarray(groups), return_inverse=True)
    return _core.mean_log_mae_by_group(
        _f64(y_true), _f64(y_pred), np.ascontiguousarray(index.ravel(), dtype=np.int64), len(labels)
    )


def mcrmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean column-wise RMSE of two ``(n_samples, n_columns)`` arrays:
    ``np.mean([root_mean_squared_error(t, p) for each column])``.

    Edge cases: NaN or infinity raise; shapes that differ raise; no rows raise.
    """
    return _core.mcrmse(_f64(y_true, 2), _f64(y_pred, 2))


def pearson(x: ArrayLike, y: ArrayLike) -> float:
    """Pearson's correlation coefficient, like ``scipy.stats.pearsonr(x, y).statistic``.

    Edge cases: a constant input gives NaN (scipy warns); NaN or infinity give NaN; fewer
    than two values or different lengths raise; with two values the result is -1, 0 or 1.
    """
    return _core.pearson(_f64(x), _f64(y))


def kl_divergence(y_true: ArrayLike, y_pred: ArrayLike, epsilon: float | None = 1e-15) -> float:
    """KL divergence of ``(n_samples, n_classes)`` probability rows, micro-averaged, like
    Kaggle's ``kullback-leibler-divergence`` metric: mean over rows of
    ``sum_j t_j * ln(t_j / p_j)``.

    Predictions are clipped to ``[epsilon, 1 - epsilon]`` first (``None``: no clip, so a 0
    under a positive target gives ``inf``). Terms where ``t_j == 0`` count 0; NaN terms are
    skipped in the row sums (pandas semantics). No input checks on row sums: Kaggle's
    probability checks are the grader's business.
    """
    pred = _f64(y_pred, 2)
    if epsilon is not None:
        pred = np.ascontiguousarray(np.clip(pred, epsilon, 1 - epsilon))
    return _core.kl_divergence(_f64(y_true, 2), pred)


def weighted_multilabel_log_loss(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    negative_weights: ArrayLike,
    positive_weights: ArrayLike,
    eps: float = 1e-15,
) -> float:
    """Weighted binary log loss over ``(n_samples, n_labels)`` arrays (RSNA 2022 cervical
    spine): label ``j`` weighs ``positive_weights[j]`` where the truth is 1 and
    ``negative_weights[j]`` where it is 0; each row's weighted loss is divided by the row's
    total weight and rows are averaged.

    Edge cases: predictions clipped to ``[eps, 1 - eps]`` (a hard miss costs about 34.5 with
    the default); NaN predictions give NaN; shapes that disagree raise.
    """
    return _core.weighted_multilabel_log_loss(
        _f64(y_true, 2), _f64(y_pred, 2), _f64(negative_weights), _f64(positive_weights), eps
    )


def label_ranking_average_precision(y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
    """Label ranking average precision, like
    ``sklearn.metrics.label_ranking_average_precision_score`` on dense 0/1 labels.

    Ties are counted pessimistically (rank "max"); a row with no relevant label or only
    relevant labels scores 1. The label-weighted LRAP of Freesound 2019 is this with rows
    without labels dropped and ``sample_weight`` = number of labels per row.
    Edge cases: labels other than 0/1, NaN or infinite scores, and empty inputs raise.
    """
    w = None if sample_weight is None else _f64(sample_weight)
    return _core.label_ranking_average_precision(_f64(y_true, 2), _f64(y_score, 2), w)


def probabilistic_fbeta(labels: ArrayLike, predictions: ArrayLike, beta: float = 1.0) -> float:
    """Probabilistic F-beta (Kaggle's ``pfbeta``, RSNA breast cancer detection): precision
    and recall from summed probabilities, predictions clipped to ``[0, 1]``; a non-zero
    label is a positive.

    Edge cases: a NaN prediction gives 0; precision or recall of 0 gives 0. Raises when the
    reference raises ``ZeroDivisionError``: every prediction outside ``[0, 1]`` with all
    clipped values 0, or no positive label while no positive prediction lies in ``[0, 1]``.
    """
    return _core.probabilistic_fbeta(_f64(labels), _f64(predictions), beta)


def mean_angular_error(az_true: ArrayLike, zen_true: ArrayLike, az_pred: ArrayLike, zen_pred: ArrayLike) -> float:
    """Mean angle (radians) between true and predicted directions given by azimuth and
    zenith in radians (IceCube's ``angular_dist_score``).

    Edge cases: angles outside their usual ranges are fine; NaN propagates; different
    lengths raise; empty inputs give NaN.
    """
    return _core.mean_angular_error(_f64(az_true), _f64(zen_true), _f64(az_pred), _f64(zen_pred))


def haversine_distances(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> np.ndarray:
    """Great-circle distances in meters between points in degrees, on a sphere of radius
    6,371,000 m (the Smartphone Decimeter 2022 formula). Returns one distance per pair.

    Edge cases: NaN gives a NaN distance; different lengths raise.
    """
    return _core.haversine_distances(_f64(lat1), _f64(lon1), _f64(lat2), _f64(lon2))


def laplace_log_likelihood(
    actual: ArrayLike,
    predicted: ArrayLike,
    confidence: ArrayLike,
    sigma_floor: float = 70.0,
    delta_cap: float = 1000.0,
) -> float:
    """Modified Laplace log-likelihood (OSIC pulmonary fibrosis), higher is better: mean of
    ``-sqrt(2) * delta / sigma - ln(sqrt(2) * sigma)`` with
    ``sigma = max(confidence, sigma_floor)`` and ``delta = min(|actual - predicted|, delta_cap)``.

    Edge cases: NaN anywhere gives NaN; different lengths raise; empty inputs give NaN.
    """
    return _core.laplace_log_likelihood(_f64(actual), _f64(predicted), _f64(confidence), sigma_floor, delta_cap)


def bias_auc(
    labels: ArrayLike,
    scores: ArrayLike,
    subgroups: ArrayLike,
    power: float = -5.0,
    weight: float = 0.25,
) -> float:
    """Jigsaw Unintended Bias score: ``weight * overall_auc`` plus ``weight`` times the power
    mean (exponent ``power``) of each bias AUC kind over the identity subgroups: subgroup
    AUC, BPSN (non-toxic in the subgroup vs toxic outside) and BNSP (toxic in the subgroup vs
    non-toxic outside).

    ``labels`` are 0/1, ``scores`` the predictions (the competition's grader cuts them at 0.5
    first), ``subgroups`` a boolean ``(n_samples, n_identities)`` array.
    Edge cases: a row set with a single class raises (as ``roc_auc_score`` does); an AUC of
    0 makes its power mean 0 for a negative ``power``.
    """
    groups = np.asarray(subgroups, dtype=bool)
    if groups.ndim != 2:
        raise ValueError(f"expected a 2-D subgroups array, got {groups.ndim}-D")
    return _core.bias_auc(_f64(labels), _f64(scores), np.ascontiguousarray(groups.T), power, weight)


# ---- text, ranking and label-set metrics ----


def _texts(values: Sequence[str], name: str) -> list[str]:
    out = list(values)
    if not all(isinstance(v, str) for v in out):
        raise TypeError(f"{name} must hold only str")
    return out


def _text_lists(rows: Sequence[Sequence[str]], name: str) -> list[list[str]]:
    return [_texts(r, name) for r in rows]


def levenshtein(a: str | Sequence[int], b: str | Sequence[int]) -> int:
    """Levenshtein distance (unit insert, delete and substitute costs), like
    ``Levenshtein.distance``.

    Two strings are compared by Unicode code point (not bytes, not grapheme clusters: an
    accented letter and a letter plus combining accent differ). Two sequences of integers
    (each within int64) are compared element by element.
    Edge cases: the distance to an empty input is the other's length; case matters.
    """
    if isinstance(a, str) and isinstance(b, str):
        return _core.levenshtein(a, b)
    if isinstance(a, str) or isinstance(b, str):
        raise TypeError("compare two strings or two integer sequences, not a mix")
    return _core.levenshtein_tokens([int(x) for x in a], [int(x) for x in b])


def mean_levenshtein(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Mean Levenshtein distance over paired strings (by code point), computed in parallel.

    Edge cases: empty inputs give NaN (numpy's mean of nothing); different lengths raise.
    """
    return _core.mean_levenshtein(_texts(y_true, "y_true"), _texts(y_pred, "y_pred"))


def word_jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the word sets ``set(text.lower().split())`` of two texts.

    Words are split on Python's whitespace (``str.split()``), lower-cased with full Unicode
    case mapping, repeated words count once, punctuation is part of a word.
    Edge cases: raises ``ValueError`` when neither text has a word (0/0, the Kaggle formula
    raises ``ZeroDivisionError``); one empty side gives 0.
    """
    score = _core.word_jaccard(a, b)
    if score is None:
        raise ValueError("neither text has a word: the Jaccard similarity is 0/0")
    return score


def mean_word_jaccard(y_true: Sequence[str], y_pred: Sequence[str], both_empty: float | None = None) -> float:
    """Mean of :func:`word_jaccard` over paired texts (numpy's pairwise mean).

    ``both_empty`` is the score of a pair where neither text has a word: ``None`` raises
    ``ValueError`` (Kaggle's formula), ``0.0`` matches
    ``sklearn.metrics.jaccard_score(average="samples")`` on binarised word sets.
    Edge cases: empty inputs give NaN; different lengths raise.
    """
    return _core.mean_word_jaccard(_texts(y_true, "y_true"), _texts(y_pred, "y_pred"), both_empty)


def exact_match_accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Share of identical strings, like ``sklearn.metrics.accuracy_score`` on text labels.

    Edge cases: comparison is exact (case, whitespace and Unicode normalisation matter);
    empty inputs give NaN; different lengths raise.
    """
    return _core.exact_match_accuracy(_texts(y_true, "y_true"), _texts(y_pred, "y_pred"))


def micro_f1_label_sets(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> float:
    """Micro F1 of multi-label predictions given as label lists per sample, like
    ``f1_score(average="micro")`` on ``MultiLabelBinarizer(classes=<labels of y_true>)``.

    Edge cases: predicted labels absent from ``y_true`` are ignored (no false positive);
    repeated labels count once; no predicted and no true label gives 0.0; fewer than two
    distinct labels in ``y_true`` raises (scikit-learn refuses such indicator matrices).
    """
    return _core.micro_f1_label_sets(_text_lists(y_true, "y_true"), _text_lists(y_pred, "y_pred"))


def micro_f1(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Micro F1 of single-label integer predictions, like
    ``f1_score(y_true, y_pred, average="micro")``: it equals accuracy.

    Edge cases: empty inputs give 0.0 (zero division); different lengths raise.
    """
    t = [int(v) for v in np.asarray(y_true).ravel()]
    p = [int(v) for v in np.asarray(y_pred).ravel()]
    return _core.micro_f1_labels(t, p)


def kendall_tau_ordering(ground_truth: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]) -> float:
    """Kendall-tau ordering score of Kaggle's AI4Code: each predicted order is mapped to
    ranks in its true order, inversions are summed over all groups, and the score is
    ``1 - 4 * inversions / sum(n * (n - 1))``.

    Edge cases: 1 for perfect orders, -1 for reversed ones; groups are pooled, not
    averaged; a predicted item missing from its true order raises; repeated items rank at
    their first occurrence in the true order (ties are not inversions); raises when no
    group has two items (0/0).
    """
    return _core.kendall_tau_ordering(_text_lists(ground_truth, "ground_truth"), _text_lists(predictions, "predictions"))


def map_at_k(actual: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], k: int) -> float:
    """Mean average precision at ``k`` in the ``ml_metrics`` formulation: per sample, the
    precision at each new hit among the first ``k`` predictions, summed and divided by
    ``min(len(set(actual)), k)``.

    Edge cases: a repeated prediction never hits twice but still uses a slot; an empty
    ``actual`` gives 0 for that sample; empty inputs give NaN; different lengths raise.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    return _core.map_at_k(_text_lists(actual, "actual"), _text_lists(predicted, "predicted"), k)


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Spearman's rank correlation, like ``scipy.stats.spearmanr(x, y).correlation``.

    Ties take average ranks. Edge cases (NaN, as SciPy): fewer than two values, a constant
    input, any NaN; infinities rank as extremes; different lengths raise.
    """
    return _core.spearman(_f64(x), _f64(y))


def split_words(text: str) -> list[str]:
    """``text.split()``: words separated by runs of Python whitespace (including U+001C to
    U+001F, which Unicode does not call whitespace); no empty words."""
    return _core.split_words(text)


def split_on_space(text: str) -> list[str]:
    """``text.split(" ")``: every single space separates, so doubled spaces give empty
    tokens and an empty text gives ``[""]``."""
    return _core.split_on_space(text)


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


# --- masks and run-length encoding -------------------------------------------------------


def _order(order: str) -> str:
    if order not in ("F", "C"):
        raise ValueError(f"order must be 'F' (column-major) or 'C' (row-major), got {order!r}")
    return order


def _flat_mask(mask: ArrayLike) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(mask, dtype=bool).ravel())


def rle_decode(rle: str, height: int, width: int, order: str = "F") -> np.ndarray:
    """Decode run-length encoded text into a ``(height, width)`` boolean mask, with the
    checks of MLE-bench's ``rle_decode``.

    Pixels are numbered from 1 in ``order``: ``"F"`` top to bottom then left to right (the
    reference's default), ``"C"`` left to right then top to bottom (Vesuvius).
    Edge cases: empty or whitespace-only text is the empty mask; starts must be sorted and
    starts and lengths positive, else ``ValueError``; overlapping runs raise; a run past the
    image end is cut there silently; a lone start without a length adds nothing and two
    starts with one length both get that length (numpy broadcasting), other odd token
    counts raise; tokens follow Python's ``int()`` (``"1.0"`` raises).
    """
    flat = _core.rle_decode(rle, int(height) * int(width))
    return flat.reshape((int(height), int(width)), order=_order(order))


def rle_encode(mask: ArrayLike, order: str = "F") -> str:
    """Run-length encode a 2-D boolean mask (the inverse of :func:`rle_decode`):
    ``"start length start length ..."`` with 1-based starts; the empty mask gives ``""``."""
    m = np.asarray(mask, dtype=bool)
    if m.ndim != 2:
        raise ValueError(f"expected a 2-D mask, got {m.ndim}-D")
    return _core.rle_encode(np.ascontiguousarray(m.ravel(order=_order(order))))


def _pair(pred: ArrayLike, truth: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    p, t = np.asarray(pred), np.asarray(truth)
    if p.shape != t.shape:
        raise ValueError(f"mask shapes differ: {p.shape} and {t.shape}")
    return _flat_mask(p), _flat_mask(t)


def dice(pred: ArrayLike, truth: ArrayLike, both_empty: float = float("nan")) -> float:
    """Dice coefficient ``2 |P & T| / (|P| + |T|)`` of two boolean masks of the same shape
    (``mlebench.metrics.dice_coefficient``).

    Edge cases: both masks empty gives ``both_empty`` (NaN by default); one empty mask gives
    0.0; different shapes raise.
    """
    p, t = _pair(pred, truth)
    return _core.dice(p, t, float(both_empty))


def mask_iou(pred: ArrayLike, truth: ArrayLike, both_empty: float = float("nan")) -> float:
    """Intersection over union of two boolean masks; both empty gives ``both_empty``."""
    p, t = _pair(pred, truth)
    return _core.mask_iou(p, t, float(both_empty))


def fbeta_mask(truth: ArrayLike, pred: ArrayLike, beta: float = 0.5) -> float:
    """``sklearn.metrics.fbeta_score(truth.ravel(), pred.ravel(), beta=beta)`` of boolean
    masks: ``(1 + beta^2) tp / (beta^2 |T| + |P|)``.

    Edge cases: both masks empty gives 0.0 (scikit-learn's ``zero_division`` default); an
    empty prediction gives 0.0.
    """
    p, t = _pair(pred, truth)
    return _core.fbeta_mask(t, p, float(beta))


def iou_threshold_precision(truth: ArrayLike, pred: ArrayLike) -> float:
    """TGS Salt per-image score: the share of IoU thresholds ``0.5, 0.55, ..., 0.95`` that
    the predicted mask (one object) beats, as MLE-bench's ``iou_metric`` computes it.

    Edge cases: both empty gives 1.0; an empty truth with a non-empty prediction gives 0.0.
    Reference quirk: an empty prediction against a non-empty truth is scored with IoU
    ``|T| / n_pixels`` (numpy's histogram binning), so it earns credit on mostly-salt images.
    """
    p, t = _pair(pred, truth)
    return _core.iou_threshold_precision(t, p)


def directed_hausdorff(u: ArrayLike, v: ArrayLike) -> float:
    """The distance ``scipy.spatial.distance.directed_hausdorff(u, v)[0]`` returns: the
    largest Euclidean distance from a point of ``u`` (rows of an ``(n, d)`` array) to its
    nearest point of ``v``, computed with a k-d tree (same value, much faster on large sets).

    Edge cases: an empty ``u`` gives 0.0, an empty ``v`` gives infinity (as scipy);
    different dimensions raise.
    """
    a = np.ascontiguousarray(np.asarray(u, dtype=np.float64))
    b = np.ascontiguousarray(np.asarray(v, dtype=np.float64))
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError("u and v must be 2-D arrays of points")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"u and v have {a.shape[1]} and {b.shape[1]} dimensions")
    if len(a) == 0:
        return 0.0
    if len(b) == 0:
        return float("inf")
    return _core.directed_hausdorff(a, b)


# --- boxes and detection ----------------------------------------------------------------


def box_iou(a: ArrayLike, b: ArrayLike) -> float:
    """IoU of two ``[xmin, ymin, xmax, ymax]`` boxes (the SIIM-COVID19 grader's arithmetic).

    Edge cases: touching or disjoint boxes give 0.0; zero-area boxes (union not positive)
    give 0.0.
    """
    return _core.box_iou_corners(_f64(a), _f64(b))


def coco_box_iou(dt: ArrayLike, gt: ArrayLike) -> float:
    """pycocotools' ``maskUtils.iou`` of one detection and one (non-crowd) ground truth,
    both ``[x, y, width, height]``.

    Edge cases: no overlap gives 0.0; zero-area boxes give 0.0.
    """
    return _core.coco_box_iou(_f64(dt), _f64(gt))


def box3d_iou(pred: ArrayLike, truth: ArrayLike) -> float:
    """3D IoU of two Lyft boxes ``[x, y, z, width, length, height, yaw]`` (a ground
    rectangle rotated by ``yaw`` about z, extruded along z), clipped to ``[0, 1]``, as the
    Lyft evaluation script computes it.

    Edge cases: NaN values, a size that is not positive and non-finite boxes raise
    ``ValueError`` (the reference's ``Box3D`` refuses them); boxes apart in height give 0.0.
    """
    return _core.box3d_iou(_f64(pred), _f64(truth))


def average_precision(y_true: ArrayLike, y_score: ArrayLike) -> float:
    """``sklearn.metrics.average_precision_score`` for binary 0/1 labels.

    Edge cases: tied scores form one threshold; no positive label gives -0.0 (scikit-learn
    warns); NaN or infinite scores raise; labels other than 0 and 1 raise.
    """
    t = _f64(y_true)
    if not np.isin(t, (0.0, 1.0)).all():
        raise ValueError("y_true must hold 0/1 labels")
    return _core.average_precision(t, _f64(y_score))


def _paired_labels(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays, checked to be 1-D and of one length (scikit-learn's message)."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or p.ndim != 1:
        raise ValueError("y_true and y_pred must be 1-D label arrays")
    if len(t) != len(p):
        raise ValueError(f"Found input variables with inconsistent numbers of samples: [{len(t)}, {len(p)}]")
    return t, p


def _label_codes(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays as int64 positions in their sorted union (labels of one kind:
    numbers or text)."""
    t, p = _paired_labels(y_true, y_pred)
    both = np.concatenate([t, p])
    if both.dtype.kind == "f" and np.isnan(both).any():
        raise ValueError("Input contains NaN.")
    _, codes = np.unique(both, return_inverse=True)
    codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)
    return codes[: len(t)].copy(), codes[len(t) :].copy()


def _binary_f1_labels(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Labels for ``average="binary"`` (``pos_label=1``) as int64, refusing what
    scikit-learn refuses: NaN, non-integer numbers, and text (label 1 cannot be one of them:
    two text labels raise, a single one scores 0)."""
    t, p = _paired_labels(y_true, y_pred)
    if t.dtype.kind in "fiub" and p.dtype.kind in "fiub":
        both = np.concatenate([t, p])
        if both.dtype.kind == "f":
            if np.isnan(both).any():
                raise ValueError("Input contains NaN.")
            if not (np.isfinite(both).all() and (both == np.floor(both)).all()):
                raise ValueError("Classification metrics can't handle continuous targets")
        return t.astype(np.int64), p.astype(np.int64)
    labels = sorted(set(t.tolist()) | set(p.tolist()), key=str)
    if not all(isinstance(v, str) for v in labels):
        raise ValueError("average='binary' needs numeric labels or text labels, not a mix")
    if len(labels) > 2:
        raise ValueError("Target is multiclass but average='binary'.")
    if 1 not in labels and len(labels) == 2:
        raise ValueError(f"pos_label=1 is not a valid label. It should be one of {labels}")
    # label 1 absent: no sample is true or predicted 1, so F1 is 0 (zero division)
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def f1_score(y_true: ArrayLike, y_pred: ArrayLike, average: str = "macro") -> float:
    """F1 score of single-label targets, like
    ``sklearn.metrics.f1_score(y_true, y_pred, average=average)`` with the default labels
    and ``zero_division``; ``average`` is ``"binary"`` (the F1 of label 1, scikit-learn's
    default ``pos_label``), ``"micro"`` or ``"macro"``.

    The labels are every label seen in ``y_true`` or ``y_pred``, sorted.
    Edge cases: a label that is only predicted counts in the macro average with F1 = 0, and
    so does one that is only true; micro F1 over all labels equals accuracy; empty inputs
    give NaN (macro) or 0.0 (micro, binary); NaN labels and different lengths raise. With
    ``"binary"``, more than two labels raise, as do two labels neither of which is 1; a
    single label other than 1 gives 0.0.
    """
    ti, pi = _int_labels(y_true), _int_labels(y_pred)
    if average == "binary" and (ti is None or pi is None):
        ti, pi = _binary_f1_labels(y_true, y_pred)
    if ti is not None and pi is not None:
        # integer labels are counted directly (no sort, no label codes)
        return _core.f1_score(ti, pi, average)
    t, p = _label_codes(y_true, y_pred)
    return _core.f1_score(t, p, average)


def matthews_corrcoef(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Matthews correlation coefficient, like ``sklearn.metrics.matthews_corrcoef``, for
    binary or multiclass labels.

    Edge cases: a constant ``y_true`` or ``y_pred`` gives 0.0 (not NaN), as do empty inputs;
    a perfect inversion of binary labels gives -1.0; NaN labels and different lengths raise.
    """
    ti, pi = _int_labels(y_true), _int_labels(y_pred)
    if ti is not None and pi is not None:
        return _core.matthews_corrcoef(ti, pi)
    t, p = _label_codes(y_true, y_pred)
    return _core.matthews_corrcoef(t, p)
