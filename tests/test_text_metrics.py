"""Property tests of the text, ranking and label-set kernels against straightforward
numpy/scipy/scikit-learn formulations on random inputs: empty strings, Unicode (accents,
combining marks, astral characters, Python-only whitespace), repeated tokens, ties, NaN."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats
import sklearn.metrics as skm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.preprocessing import MultiLabelBinarizer

from mlebench_fast import _core, metrics

SETTINGS = settings(max_examples=300, deadline=None)

# a small alphabet makes matches likely; the rest covers Unicode corners
ALPHABET = st.sampled_from(
    list("abcAB ") + ["é", "e", "\u0301", "ß", "İ", "Σ", "ς", "😀", "\u00a0", "\u001f", "\t", "\n", "\u3000", "\u200b", "ப", "்"]
)
texts = st.text(ALPHABET, max_size=40)
words = st.sampled_from(["a", "b", "c", "dd", "É", "é", "x!", "ப்", ""])


def naive_levenshtein(a, b) -> int:
    """The textbook dynamic programme with a numpy row."""
    prev = np.arange(len(b) + 1)
    for i, x in enumerate(a, start=1):
        cur = np.empty_like(prev)
        cur[0] = i
        for j, y in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return int(prev[-1])


@SETTINGS
@given(texts, texts)
def test_levenshtein_matches_dynamic_programming(a, b):
    assert metrics.levenshtein(a, b) == naive_levenshtein(a, b)


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("ab"), min_size=60, max_size=150), st.text(st.sampled_from("abc"), max_size=150))
def test_levenshtein_long_strings_cross_word_boundaries(a, b):
    assert metrics.levenshtein(a, b) == naive_levenshtein(a, b)


@SETTINGS
@given(st.lists(st.integers(-3, 3), max_size=30), st.lists(st.integers(-3, 3), max_size=30))
def test_levenshtein_tokens(a, b):
    assert metrics.levenshtein(a, b) == naive_levenshtein(a, b)


@SETTINGS
@given(st.lists(st.tuples(texts, texts), max_size=10))
def test_mean_levenshtein(pairs):
    t = [p[0] for p in pairs]
    p = [p[1] for p in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.mean([naive_levenshtein(a, b) for a, b in zip(t, p)])
    got = metrics.mean_levenshtein(t, p)
    assert (math.isnan(got) and math.isnan(ref)) or got == ref


def test_levenshtein_edge_cases():
    assert metrics.levenshtein("", "") == 0
    assert metrics.levenshtein("é", "e\u0301") == 2  # code points, not graphemes
    assert metrics.levenshtein("😀", "") == 1  # one code point, four UTF-8 bytes
    with pytest.raises(ValueError):
        metrics.mean_levenshtein(["a"], [])
    with pytest.raises(TypeError):
        metrics.levenshtein("a", [1])


def kaggle_jaccard(a: str, b: str) -> float:
    sa, sb = set(a.lower().split()), set(b.lower().split())
    c = sa & sb
    return len(c) / (len(sa) + len(sb) - len(c))


@SETTINGS
@given(texts, texts)
def test_split_like_python(a, b):
    assert metrics.split_words(a) == a.split()
    assert metrics.split_on_space(a) == a.split(" ")


@SETTINGS
@given(texts, texts)
def test_word_jaccard_matches_kaggle_formula(a, b):
    try:
        ref = kaggle_jaccard(a, b)
    except ZeroDivisionError:
        with pytest.raises(ValueError):
            metrics.word_jaccard(a, b)
        return
    assert metrics.word_jaccard(a, b) == ref


@SETTINGS
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=12))
def test_mean_word_jaccard_matches_sklearn_samples(pairs):
    t = [p[0] for p in pairs]
    p = [p[1] for p in pairs]
    sets_t = [set(x.lower().split()) for x in t]
    sets_p = [set(x.lower().split()) for x in p]
    vocabulary = sorted(set().union(*sets_t, *sets_p))
    if len(vocabulary) < 2:
        # scikit-learn refuses one- or zero-column indicator matrices; our grader does too
        return
    mlb = MultiLabelBinarizer(classes=vocabulary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skm.jaccard_score(mlb.fit_transform(sets_t), mlb.transform(sets_p), average="samples")
    assert metrics.mean_word_jaccard(t, p, both_empty=0.0) == pytest.approx(ref, abs=1e-15)


@SETTINGS
@given(st.lists(st.tuples(texts, texts), max_size=12))
def test_mean_word_jaccard_kaggle_mean(pairs):
    t = [p[0] for p in pairs]
    p = [p[1] for p in pairs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = float(np.mean([kaggle_jaccard(a, b) for a, b in zip(t, p)]))
    except ZeroDivisionError:
        with pytest.raises(ValueError):
            metrics.mean_word_jaccard(t, p)
        return
    got = metrics.mean_word_jaccard(t, p)
    assert (math.isnan(got) and math.isnan(ref)) or got == ref


@SETTINGS
@given(st.lists(st.tuples(words, words), max_size=30))
def test_exact_match_accuracy_matches_sklearn(pairs):
    assume(pairs)
    t = np.array([p[0] for p in pairs], dtype=object)
    p = np.array([p[1] for p in pairs], dtype=object)
    assert metrics.exact_match_accuracy(list(t), list(p)) == skm.accuracy_score(t, p)


label_rows = st.lists(st.lists(words, max_size=5), min_size=1, max_size=12)


@SETTINGS
@given(label_rows, st.data())
def test_micro_f1_label_sets_matches_sklearn(y_true, data):
    y_pred = data.draw(st.lists(st.lists(words | st.just("unknown"), max_size=6), min_size=len(y_true), max_size=len(y_true)))
    classes = sorted({w for row in y_true for w in row})
    if len(classes) < 2:
        with pytest.raises(ValueError):
            metrics.micro_f1_label_sets(y_true, y_pred)
        return
    mlb = MultiLabelBinarizer(classes=classes, sparse_output=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skm.f1_score(mlb.fit_transform(y_true), mlb.transform(y_pred), average="micro")
    assert metrics.micro_f1_label_sets(y_true, y_pred) == ref


@SETTINGS
@given(
    st.integers(0, 40).flatmap(
        lambda n: st.tuples(arrays(np.int64, n, elements=st.integers(0, 2)), arrays(np.int64, n, elements=st.integers(0, 2)))
    )
)
def test_micro_f1_labels_matches_sklearn(arrs):
    t, p = arrs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skm.f1_score(t, p, average="micro")
    assert metrics.micro_f1(t, p) == ref


def naive_kendall(ground_truth, predictions) -> float:
    inversions = total = 0
    for gt, pred in zip(ground_truth, predictions):
        ranks = [gt.index(x) for x in pred]
        inversions += sum(ranks[i] > ranks[j] for i in range(len(ranks)) for j in range(i + 1, len(ranks)))
        total += len(gt) * (len(gt) - 1)
    return 1 - 4 * inversions / total


@SETTINGS
@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=8), min_size=1, max_size=6), st.randoms())
def test_kendall_tau_ordering_matches_naive(groups, rnd):
    truth = [list(g) for g in groups]
    preds = [rnd.sample(g, len(g)) for g in truth]  # permutations, repeats allowed
    try:
        ref = naive_kendall(truth, preds)
    except ZeroDivisionError:
        with pytest.raises(ValueError):
            metrics.kendall_tau_ordering(truth, preds)
        return
    assert metrics.kendall_tau_ordering(truth, preds) == ref


@SETTINGS
@given(st.integers(2, 30), st.randoms())
def test_kendall_tau_is_scipy_tau_for_one_permutation(n, rnd):
    truth = [f"c{i}" for i in range(n)]
    pred = rnd.sample(truth, n)
    ref = scipy.stats.kendalltau(range(n), [truth.index(x) for x in pred]).statistic
    assert metrics.kendall_tau_ordering([truth], [pred]) == pytest.approx(ref, abs=1e-12)


def test_kendall_unknown_item_raises():
    with pytest.raises(ValueError):
        metrics.kendall_tau_ordering([["a", "b"]], [["a", "z"]])


def naive_ap_at_k(actual: set, predicted: list, k: int) -> float:
    if not actual:
        return 0.0
    predicted = predicted[:k]
    score, hits = 0.0, 0.0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    return score / min(len(actual), k)


@SETTINGS
@given(st.lists(st.tuples(st.lists(words, max_size=4), st.lists(words, max_size=8)), max_size=10), st.integers(1, 6))
def test_map_at_k_matches_naive(pairs, k):
    actual = [a for a, _ in pairs]
    predicted = [p for _, p in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.mean([naive_ap_at_k(set(a), p, k) for a, p in zip(actual, predicted)])
    got = metrics.map_at_k(actual, predicted, k)
    assert (math.isnan(got) and math.isnan(ref)) or got == ref


floats_with_ties = st.sampled_from([0.0, 0.5, 1.0, -1.0, np.inf, -np.inf, np.nan]) | st.floats(-1e6, 1e6)


@SETTINGS
@given(
    st.integers(0, 25).flatmap(
        lambda n: st.tuples(arrays(np.float64, n, elements=floats_with_ties), arrays(np.float64, n, elements=floats_with_ties))
    )
)
def test_spearman_matches_scipy(arrs):
    x, y = arrs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = scipy.stats.spearmanr(x, y).correlation
    got = metrics.spearman(x, y)
    if math.isnan(ref):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(ref, abs=1e-12)


def test_spearman_edge_cases():
    assert math.isnan(metrics.spearman([1, 1, 1], [1, 2, 3]))
    assert math.isnan(metrics.spearman([1, np.nan, 3], [1, 2, 3]))
    assert metrics.spearman([1, 2, 2], [3, 4, 4]) == 1.0
    with pytest.raises(ValueError):
        metrics.spearman([1, 2], [1])


@SETTINGS
@given(st.integers(-(2**70), 2**70) | st.sampled_from([-1, -2, 0, 2**61 - 1, 2**61, -(2**61) + 1]))
def test_int_hash_is_python_hash(v):
    assert _core._testing.int_hash(str(v)) == hash(v)
    assert _core._testing.int_hash(f" {v:_} ") == hash(v)


@SETTINGS
@given(st.text(st.sampled_from("0123456789_+- .e\u0663\uff10x"), max_size=8))
def test_int_parsing_accepts_what_python_accepts(s):
    try:
        ref = hash(int(s))
    except ValueError:
        ref = None
    assert _core._testing.int_hash(s) == ref


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "é", None]), max_size=600))
def test_text_sort_order_is_pandas_sort_values(values):
    """Equal keys (duplicated ids) come out in numpy's unstable quicksort order."""
    import pandas as pd

    ref = pd.DataFrame({"k": pd.Series(values, dtype=object)}).sort_values("k").index.tolist()
    assert _core.sort_values_order(values) == ref


@settings(max_examples=150, deadline=None)
@given(st.lists(st.booleans(), max_size=600))
def test_bool_sort_order_is_pandas_sort_values(values):
    import pandas as pd

    ref = pd.DataFrame({"k": values}).sort_values("k").index.tolist()
    assert _core._testing.sort_order_bool(values) == ref
