"""Property tests of the RLE, mask and box kernels against straightforward numpy /
scipy / scikit-learn formulations, on random masks and boxes with edge cases (empty masks
on both sides, masks covering every pixel, zero-area boxes, no positives)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import directed_hausdorff as scipy_directed_hausdorff

from mlebench_fast import metrics

SETTINGS = settings(max_examples=200, deadline=None)

shapes = st.tuples(st.integers(1, 12), st.integers(1, 12))


@st.composite
def mask_pairs(draw):
    """Two masks of one shape; sparse, dense, empty and full masks all occur."""
    shape = draw(shapes)

    def one():
        kind = draw(st.sampled_from(["random", "empty", "full", "sparse"]))
        if kind == "empty":
            return np.zeros(shape, bool)
        if kind == "full":
            return np.ones(shape, bool)
        p = 0.1 if kind == "sparse" else 0.5
        bits = draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
        return bits < p

    return one(), one()


# --- run-length encoding -----------------------------------------------------------------


def _numpy_rle(mask: np.ndarray, order: str) -> str:
    """1-based starts and lengths of the runs of ones along the flat order."""
    flat = np.concatenate([[0], mask.ravel(order=order).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(flat))
    starts, ends = edges[0::2], edges[1::2]
    return " ".join(f"{s + 1} {e - s}" for s, e in zip(starts, ends))


@SETTINGS
@given(mask_pairs(), st.sampled_from(["F", "C"]))
def test_rle_round_trip(pair, order):
    mask = pair[0]
    text = metrics.rle_encode(mask, order=order)
    assert text == _numpy_rle(mask, order)
    decoded = metrics.rle_decode(text, *mask.shape, order=order)
    assert decoded.dtype == bool and decoded.shape == mask.shape
    assert (decoded == mask).all()


def _reference_like_decode(tokens: list[int], n: int) -> np.ndarray | None:
    """What the reference's decoder yields for small positive-or-not integer tokens:
    None where it raises."""
    starts, lengths = tokens[0::2], tokens[1::2]
    if starts != sorted(starts) or any(x <= 0 for x in starts + lengths):
        return None
    if len(lengths) == 0:
        pairs = []
    elif len(starts) == len(lengths):
        pairs = list(zip(starts, lengths))
    elif len(lengths) == 1:
        pairs = [(s, lengths[0]) for s in starts]
    else:
        return None
    img = np.zeros(n, bool)
    for s, length in pairs:
        lo, hi = min(s - 1, n), min(s - 1 + length, n)
        if img[lo:hi].any():
            return None
        img[lo:hi] = True
    return img


@SETTINGS
@given(st.lists(st.integers(-2, 40), min_size=1, max_size=9), st.integers(0, 30))
def test_rle_decode_checks(tokens, n):
    text = " ".join(map(str, tokens))
    expected = _reference_like_decode(tokens, n)
    if expected is None:
        with pytest.raises(ValueError):
            metrics.rle_decode(text, 1, n)
    else:
        got = metrics.rle_decode(text, 1, n, order="C")
        assert (got.ravel() == expected).all()


def test_rle_decode_edge_cases():
    assert not metrics.rle_decode("", 3, 3).any()
    assert not metrics.rle_decode("  \t", 3, 3).any()
    assert not metrics.rle_decode("5", 3, 3).any()  # a lone start adds nothing
    assert metrics.rle_decode("8 100", 3, 3).sum() == 2  # cut at the image end
    assert metrics.rle_decode("1 1 5", 3, 3).sum() == 2  # one length for both starts
    for bad in ["1 2 5 1 9", "3 1 1 1", "2 2 3 1", "0 1", "1 0", "1.0 2", "x 1"]:
        with pytest.raises(ValueError):
            metrics.rle_decode(bad, 3, 3)


# --- mask metrics ------------------------------------------------------------------------


@SETTINGS
@given(mask_pairs())
def test_dice_iou_fbeta_against_numpy(pair):
    pred, truth = pair
    inter = np.logical_and(pred, truth).sum()
    sp, st_ = pred.sum(), truth.sum()
    if sp + st_ == 0:
        assert math.isnan(metrics.dice(pred, truth))
        assert metrics.dice(pred, truth, both_empty=1.0) == 1.0
        assert metrics.mask_iou(pred, truth, both_empty=1.0) == 1.0
    else:
        assert metrics.dice(pred, truth) == 2 * inter / (sp + st_)
        assert metrics.mask_iou(pred, truth) == inter / np.logical_or(pred, truth).sum()
    ref = skm.fbeta_score(truth.ravel(), pred.ravel(), beta=0.5, zero_division=0.0)
    assert metrics.fbeta_mask(truth, pred, beta=0.5) == pytest.approx(ref, abs=1e-15)


def _histogram_precision(truth: np.ndarray, pred: np.ndarray) -> float:
    """The TGS per-image score written with numpy histograms (two bins over each mask's
    own value range), which is where the reference's empty-prediction quirk comes from."""
    if truth.sum() == 0:
        return 1.0 if pred.sum() == 0 else 0.0
    inter = np.histogram2d(truth.ravel().astype(float), pred.ravel().astype(float), bins=2)[0]
    area_t = np.histogram(truth.astype(float), bins=2)[0][:, None]
    area_p = np.histogram(pred.astype(float), bins=2)[0][None, :]
    union = (area_t + area_p - inter)[1:, 1:]
    iou = inter[1:, 1:] / np.where(union == 0, 1e-9, union)
    hits = [float((iou > t).any()) for t in np.arange(0.5, 1.0, 0.05)]
    return float(np.mean(hits))


@SETTINGS
@given(mask_pairs())
def test_iou_threshold_precision_against_histograms(pair):
    pred, truth = pair
    assert metrics.iou_threshold_precision(truth, pred) == _histogram_precision(truth, pred)


def test_iou_threshold_precision_quirk():
    truth = np.zeros((10, 10), bool)
    truth[:7] = True  # 70% salt
    assert metrics.iou_threshold_precision(truth, np.zeros_like(truth)) == 0.4
    assert metrics.iou_threshold_precision(np.ones((3, 3), bool), np.zeros((3, 3), bool)) == 1.0


points = st.integers(1, 40).flatmap(
    lambda n: arrays(np.float64, (n, 3), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(-5, 5))
)


@SETTINGS
@given(points, points)
def test_directed_hausdorff_against_scipy(u, v):
    assert metrics.directed_hausdorff(u, v) == scipy_directed_hausdorff(u, v)[0]


# --- boxes ----------------------------------------------------------------------------------

coords = st.sampled_from([0.0, 1.0, 2.0, 5.0]) | st.floats(-50, 50)
boxes = st.tuples(coords, coords, coords, coords)


def _corner_iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@SETTINGS
@given(boxes, boxes)
def test_box_iou_against_formula(a, b):
    assert metrics.box_iou(a, b) == _corner_iou(a, b)


def _xywh_iou(d, g) -> float:
    w = min(d[0] + d[2], g[0] + g[2]) - max(d[0], g[0])
    h = min(d[1] + d[3], g[1] + g[3]) - max(d[1], g[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = np.float64(w) * h
    with np.errstate(all="ignore"):  # underflow to 0/0 gives NaN, as in C
        return float(inter / (np.float64(d[2]) * d[3] + np.float64(g[2]) * g[3] - inter))


@SETTINGS
@given(boxes, boxes)
def test_coco_box_iou_against_formula(d, g):
    assume(all(x >= 0 for x in d[2:] + g[2:]))
    got, ref = metrics.coco_box_iou(d, g), _xywh_iou(d, g)
    assert (math.isnan(got) and math.isnan(ref)) or got == pytest.approx(ref, rel=1e-12, abs=1e-300)


def test_zero_area_boxes():
    assert metrics.box_iou([1, 1, 1, 1], [1, 1, 1, 1]) == 0.0
    assert metrics.coco_box_iou([1, 1, 0, 0], [1, 1, 0, 0]) == 0.0
    with pytest.raises(ValueError):
        metrics.box3d_iou([0, 0, 0, 0, 1, 1, 0], [0, 0, 0, 1, 1, 1, 0])


sizes = st.floats(0.1, 10)
centres = st.floats(-20, 20)


@SETTINGS
@given(
    centres,
    centres,
    centres,
    sizes,
    sizes,
    sizes,
    centres,
    centres,
    centres,
    sizes,
    sizes,
    sizes,
    st.sampled_from([0.0, math.pi / 2, math.pi, -math.pi / 2]),
)
def test_box3d_iou_axis_aligned(x1, y1, z1, w1, l1, h1, x2, y2, z2, w2, l2, h2, yaw):
    """With yaws that are multiples of 90 degrees the ground rectangles are axis-aligned."""

    def extent(x, y, w, length):
        # yaw 0: length along x, width along y; a quarter turn swaps them
        if abs(math.sin(yaw)) > 0.5:
            return (x - w / 2, x + w / 2), (y - length / 2, y + length / 2)
        return (x - length / 2, x + length / 2), (y - w / 2, y + w / 2)

    (ax, ay), (bx, by) = extent(x1, y1, w1, l1), extent(x2, y2, w2, l2)
    ox = max(0.0, min(ax[1], bx[1]) - max(ax[0], bx[0]))
    oy = max(0.0, min(ay[1], by[1]) - max(ay[0], by[0]))
    oz = max(0.0, min(z1 + h1 / 2, z2 + h2 / 2) - max(z1 - h1 / 2, z2 - h2 / 2))
    inter = ox * oy * oz
    expected = min(1.0, max(0.0, inter / (w1 * l1 * h1 + w2 * l2 * h2 - inter)))
    got = metrics.box3d_iou([x1, y1, z1, w1, l1, h1, yaw], [x2, y2, z2, w2, l2, h2, yaw])
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@SETTINGS
@given(centres, centres, sizes, sizes, st.floats(-3.2, 3.2), centres, centres, sizes, sizes, st.floats(-3.2, 3.2))
def test_box3d_iou_against_shapely(x1, y1, w1, l1, yaw1, x2, y2, w2, l2, yaw2):
    """Rotated ground rectangles against GEOS (the reference's geometry), when available."""
    shapely = pytest.importorskip("shapely.geometry")

    def polygon(x, y, w, length, yaw):
        c, s = math.cos(yaw), math.sin(yaw)
        pts = [
            (x + sl * length / 2 * c - sw * w / 2 * s, y + sl * length / 2 * s + sw * w / 2 * c)
            for sl, sw in [(1, -1), (1, 1), (-1, 1), (-1, -1)]
        ]
        return shapely.Polygon(pts)

    area = polygon(x1, y1, w1, l1, yaw1).intersection(polygon(x2, y2, w2, l2, yaw2)).area
    expected = min(1.0, area / (w1 * l1 + w2 * l2 - area))  # equal heights, same z
    got = metrics.box3d_iou([x1, y1, 0, w1, l1, 1, yaw1], [x2, y2, 0, w2, l2, 1, yaw2])
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


# --- average precision ---------------------------------------------------------------------

labels01 = st.integers(1, 50).flatmap(lambda n: arrays(np.int64, n, elements=st.integers(0, 1)))


@SETTINGS
@given(st.data())
def test_average_precision_matches_sklearn(data):
    y = data.draw(labels01)
    scores = data.draw(arrays(np.float64, len(y), elements=st.sampled_from([0.0, 0.2, 0.5, 0.5, 1.0]) | st.floats(0, 1)))
    with np.errstate(all="ignore"), pytest.warns() if y.sum() == 0 else _nothing():
        ref = skm.average_precision_score(y, scores)
    got = metrics.average_precision(y, scores)
    assert got == pytest.approx(ref, abs=1e-15) and math.copysign(1, got) == math.copysign(1, ref)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_average_precision_edge_cases():
    with pytest.raises(ValueError):
        metrics.average_precision([0, 1], [np.nan, 0.5])
    with pytest.raises(ValueError):
        metrics.average_precision([0, 2], [0.1, 0.5])
    assert metrics.average_precision([1, 0, 0, 0], [0.5] * 4) == 0.25


# --- sort orders the reference's graders depend on ----------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([0.1, 0.5, 0.5, 0.9, float("nan")]) | st.floats(0, 1), max_size=300))
def test_python_sort_order_with_nan_keys(keys):
    """Confidence ties keep input order; NaN confidences land where CPython's sort puts them."""
    from mlebench_fast import _core

    expected = sorted(range(len(keys)), key=lambda i: keys[i], reverse=True)
    assert _core._testing.python_sorted_desc(keys) == expected
