"""Property tests: `mlebench_fast.split` against scikit-learn, numpy and Python's `random`
on thousands of random arguments (same outputs, same order, same errors)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import train_test_split

from mlebench_fast import split

MANY = settings(max_examples=1500, deadline=None)
SOME = settings(max_examples=400, deadline=None)
seeds32 = st.integers(0, 2**32 - 1)
small_seeds = st.integers(0, 2**16)
sizes = st.one_of(
    st.none(),
    st.floats(-0.2, 1.2, allow_nan=False),
    st.integers(-2, 400),
    st.sampled_from([0.1, 0.19, 0.2, 0.25, 0.5, 0.9, 1e-9, 0.999999]),
)


def _same_outcome(ours, theirs):
    """Both raise ValueError, or both return equal arrays in the same order."""
    try:
        expected = theirs()
    except ValueError:
        with pytest.raises(ValueError):
            ours()
        return
    got = ours()
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


@MANY
@given(n=st.integers(1, 400), test_size=sizes, train_size=sizes, seed=seeds32)
def test_train_test_split_matches_sklearn(n, test_size, train_size, seed):
    _same_outcome(
        lambda: split.train_test_split_indices(n, test_size=test_size, train_size=train_size, random_state=seed),
        lambda: train_test_split(np.arange(n), test_size=test_size, train_size=train_size, random_state=seed),
    )


@MANY
@given(
    labels=st.lists(st.integers(0, 6), min_size=2, max_size=300),
    test_size=sizes,
    train_size=st.one_of(st.none(), st.floats(0.05, 0.9), st.integers(1, 300)),
    seed=small_seeds,
)
def test_stratified_split_matches_sklearn(labels, test_size, train_size, seed):
    n = len(labels)
    _same_outcome(
        lambda: split.train_test_split_indices(n, test_size=test_size, train_size=train_size, random_state=seed, stratify=labels),
        lambda: train_test_split(np.arange(n), test_size=test_size, train_size=train_size, random_state=seed, stratify=labels),
    )


@SOME
@given(labels=st.lists(st.sampled_from(["cat", "dog", "b", "B", "a b"]), min_size=4, max_size=120), seed=small_seeds)
def test_stratified_split_with_text_labels(labels, seed):
    n = len(labels)
    _same_outcome(
        lambda: split.train_test_split_indices(n, test_size=0.3, random_state=seed, stratify=labels),
        lambda: train_test_split(np.arange(n), test_size=0.3, random_state=seed, stratify=labels),
    )


def test_real_sizes_of_the_preparations():
    # the shapes the Lite preparations use: a fraction, an absolute count, a big n
    for n, size in [(17500, 0.19), (3662, 0.1), (1000, 9914 // 20), (200_000, 100_000 // 4)]:
        ours = split.train_test_split_indices(n, test_size=size, random_state=0)
        theirs = train_test_split(np.arange(n), test_size=size, random_state=0)
        np.testing.assert_array_equal(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[1], theirs[1])


def test_bad_arguments():
    with pytest.raises(ValueError):
        split.train_test_split_indices(10, test_size=True, random_state=0)
    with pytest.raises(ValueError):
        split.train_test_split_indices(10, test_size=0.2, random_state=2**32)
    with pytest.raises(TypeError):
        split.train_test_split_indices(10, test_size=0.2, random_state=1.5)


# ---- numpy legacy RandomState ------------------------------------------------------------


@MANY
@given(seed=seeds32, n=st.integers(0, 3000))
def test_legacy_permutation(seed, n):
    np.testing.assert_array_equal(split.RandomState(seed).permutation(n), np.random.RandomState(seed).permutation(n))


@SOME
@given(seed=seeds32, items=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=200))
def test_legacy_shuffle_and_permutation_of_arrays(seed, items):
    ours, theirs = list(items), list(items)
    split.RandomState(seed).shuffle(ours)
    np.random.RandomState(seed).shuffle(theirs)
    assert ours == theirs
    arr = np.array(items, dtype=np.int64)
    np.testing.assert_array_equal(split.RandomState(seed).permutation(arr), np.random.RandomState(seed).permutation(arr))


@MANY
@given(
    seed=seeds32,
    low=st.integers(-(2**62), 2**62),
    width=st.one_of(st.integers(1, 300), st.integers(1, 2**40), st.just(2**32), st.just(2**32 + 1)),
    size=st.integers(0, 50),
)
def test_legacy_randint(seed, low, width, size):
    np.testing.assert_array_equal(
        split.RandomState(seed).randint(low, low + width, size=size),
        np.random.RandomState(seed).randint(low, low + width, size=size),
    )


@SOME
@given(seed=seeds32, size=st.integers(0, 30), low=st.floats(-100, 100), high=st.floats(-100, 100))
def test_legacy_floats(seed, size, low, high):
    ours, theirs = split.RandomState(seed), np.random.RandomState(seed)
    np.testing.assert_array_equal(ours.random_sample(size), theirs.random_sample(size))
    np.testing.assert_array_equal(ours.uniform(low, high, size), theirs.uniform(low, high, size))
    assert ours.random_sample() == theirs.random_sample()


@st.composite
def weights(draw, min_size=1):
    n = draw(st.integers(min_size, 40))
    w = np.array(draw(st.lists(st.floats(0, 10), min_size=n, max_size=n)))
    if w.sum() == 0:
        w[0] = 1.0
    return w / w.sum()


@MANY
@given(seed=seeds32, n=st.integers(1, 500), data=st.data(), replace=st.booleans(), weighted=st.booleans())
def test_legacy_choice(seed, n, data, replace, weighted):
    p = data.draw(weights()) if weighted else None
    pop = len(p) if p is not None else n
    size = data.draw(st.one_of(st.none(), st.integers(0, pop + 2), st.tuples(st.integers(0, 4), st.integers(0, 4))))
    _same_outcome(
        lambda: [split.RandomState(seed).choice(pop, size=size, replace=replace, p=p)],
        lambda: [np.random.RandomState(seed).choice(pop, size=size, replace=replace, p=p)],
    )


def test_legacy_choice_of_values():
    a = np.array(["x", "y", "z", "w"])
    assert split.RandomState(3).choice(a) == np.random.RandomState(3).choice(a)
    np.testing.assert_array_equal(
        split.RandomState(3).choice(a, 3, replace=False), np.random.RandomState(3).choice(a, 3, replace=False)
    )


@MANY
@given(
    n_rows=st.integers(0, 500),
    frac=st.one_of(st.none(), st.floats(0, 1)),
    n=st.integers(0, 500),
    seed=seeds32,
)
def test_pandas_sample_positions(n_rows, frac, n, seed):
    df = pd.DataFrame({"x": np.arange(n_rows)})
    if frac is not None:
        kwargs = {"frac": frac}
    else:
        kwargs = {"n": n}
    _same_outcome(
        lambda: [split.pandas_sample_positions(n_rows, random_state=seed, **kwargs)],
        lambda: [df.sample(random_state=seed, **kwargs)["x"].to_numpy()],
    )


# ---- Python random.Random -----------------------------------------------------------------

any_seeds = st.one_of(st.integers(-(2**70), 2**70), st.integers(0, 100))


@MANY
@given(seed=any_seeds, items=st.lists(st.integers(), max_size=300))
def test_python_shuffle(seed, items):
    ours, theirs = list(items), list(items)
    split.Random(seed).shuffle(ours)
    random.Random(seed).shuffle(theirs)
    assert ours == theirs


@MANY
@given(seed=any_seeds, n=st.integers(0, 3000), data=st.data())
def test_python_sample(seed, n, data):
    k = data.draw(st.integers(0, n + 1))
    population = range(n)
    try:
        expected = random.Random(seed).sample(population, k)
    except ValueError:
        with pytest.raises(ValueError):
            split.Random(seed).sample(population, k)
        return
    assert split.Random(seed).sample(population, k) == expected


@MANY
@given(seed=any_seeds, a=st.integers(-(2**40), 2**40), width=st.integers(0, 2**45), k=st.integers(0, 64))
def test_python_scalar_draws(seed, a, width, k):
    ours, theirs = split.Random(seed), random.Random(seed)
    assert ours.random() == theirs.random()
    assert ours.randint(a, a + width) == theirs.randint(a, a + width)
    assert ours.randrange(a, a + width + 1) == theirs.randrange(a, a + width + 1)
    assert ours.getrandbits(k) == theirs.getrandbits(k)
    seq = list(range(width % 50 + 1))
    assert ours.choice(seq) == theirs.choice(seq)
    assert [ours.randint(0, 1009) for _ in range(5)] == [theirs.randint(0, 1009) for _ in range(5)]


# ---- numpy default_rng (PCG64) ------------------------------------------------------------

big_seeds = st.one_of(st.integers(0, 2**200), st.integers(0, 1000))


@MANY
@given(seed=big_seeds, size=st.integers(0, 40), low=st.floats(-1e6, 1e6), high=st.floats(-1e6, 1e6))
def test_generator_floats(seed, size, low, high):
    ours, theirs = split.default_rng(seed), np.random.default_rng(seed)
    np.testing.assert_array_equal(ours.random(size), theirs.random(size))
    _same_outcome(lambda: [ours.uniform(low, high, size)], lambda: [theirs.uniform(low, high, size)])
    assert ours.uniform(1, 100) == theirs.uniform(1, 100)


@MANY
@given(
    seed=big_seeds,
    low=st.integers(-(2**62), 2**62),
    width=st.one_of(st.integers(1, 300), st.integers(1, 2**40), st.just(2**32), st.just(2**32 + 1)),
    size=st.integers(0, 40),
)
def test_generator_integers(seed, low, width, size):
    ours, theirs = split.default_rng(seed), np.random.default_rng(seed)
    # alternate widths to exercise numpy's buffered 32-bit halves
    np.testing.assert_array_equal(ours.integers(low, low + width, size), theirs.integers(low, low + width, size))
    np.testing.assert_array_equal(ours.integers(0, 7, 3), theirs.integers(0, 7, 3))
    np.testing.assert_array_equal(ours.integers(low, low + width, size), theirs.integers(low, low + width, size))


@MANY
@given(seed=big_seeds, n=st.integers(0, 3000), items=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=100))
def test_generator_permutation_and_shuffle(seed, n, items):
    np.testing.assert_array_equal(split.default_rng(seed).permutation(n), np.random.default_rng(seed).permutation(n))
    ours, theirs = np.array(items, dtype=np.int64), np.array(items, dtype=np.int64)
    split.default_rng(seed).shuffle(ours)
    np.random.default_rng(seed).shuffle(theirs)
    np.testing.assert_array_equal(ours, theirs)


@MANY
@given(
    seed=big_seeds,
    n=st.one_of(st.integers(1, 500), st.integers(10_000, 40_000)),
    data=st.data(),
    replace=st.booleans(),
    weighted=st.booleans(),
    shuffle=st.booleans(),
)
def test_generator_choice(seed, n, data, replace, weighted, shuffle):
    p = data.draw(weights()) if weighted else None
    pop = len(p) if p is not None else n
    size = data.draw(st.one_of(st.none(), st.integers(0, min(pop + 2, 3000)), st.tuples(st.integers(0, 4), st.integers(0, 4))))
    _same_outcome(
        lambda: [split.default_rng(seed).choice(pop, size=size, replace=replace, p=p, shuffle=shuffle)],
        lambda: [np.random.default_rng(seed).choice(pop, size=size, replace=replace, p=p, shuffle=shuffle)],
    )


def test_generator_choice_of_labels_with_p():
    # the whale-categorization preparation's draw
    ours, theirs = split.default_rng(0), np.random.default_rng(0)
    for _ in range(50):
        args = (["train", "test"],)
        kwargs = {"replace": False, "p": [0.9, 0.1]}
        assert ours.choice(*args, **kwargs) == theirs.choice(*args, **kwargs)
