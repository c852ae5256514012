"""Bit-exact randomness of the reference's dataset preparations, computed in the Rust core.

Each function or method returns exactly what its original returns for the same arguments:

- :func:`train_test_split_indices` = scikit-learn 1.5.2
  ``train_test_split(np.arange(n_samples), test_size=..., train_size=..., random_state=...,
  stratify=...)``;
- :class:`RandomState` = numpy's legacy ``np.random.RandomState(seed)`` (``permutation``,
  ``shuffle``, ``choice``, ``randint``, ``random_sample``, ``uniform``);
- :func:`pandas_sample_positions` = the row positions ``DataFrame.sample(n=..., frac=...,
  random_state=seed)`` picks;
- :class:`Random` = Python's ``random.Random(seed)`` (``random``, ``getrandbits``,
  ``randrange``, ``randint``, ``choice``, ``shuffle``, ``sample``);
- :func:`default_rng` = numpy's ``np.random.default_rng(seed)`` (``random``, ``uniform``,
  ``integers``, ``permutation``, ``shuffle``, ``choice``).

Seeds are integers (numpy legacy: 0 <= seed < 2**32; others: any non-negative int, Python's
``Random`` also negative ones). Other seed kinds (None, arrays, strings) are not supported:
they make a split that cannot be reproduced anyway.
"""

from __future__ import annotations

import numbers
from collections.abc import MutableSequence, Sequence
from typing import Any

import numpy as np

from . import _core

__all__ = ["Random", "RandomState", "default_rng", "pandas_sample_positions", "train_test_split_indices"]


def _words(n: int) -> list[int]:
    """The 32-bit words of a non-negative integer, least significant first ([0] for 0)."""
    words = []
    while n:
        words.append(n & 0xFFFFFFFF)
        n >>= 32
    return words or [0]


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    return int(value)


def _size_arg(value: Any, name: str) -> tuple[str, float] | None:
    """scikit-learn tells a fraction from a count by numpy's dtype kind ('f' or 'i')."""
    if value is None:
        return None
    kind = np.asarray(value).dtype.kind
    if kind == "f":
        return ("f", float(value))
    if kind in "iu":
        return ("i", float(int(value)))
    raise ValueError(f"Invalid value for {name}: {value}")


def train_test_split_indices(
    n_samples: int,
    *,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    random_state: int,
    stratify: Sequence[Any] | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(train_idx, test_idx)`` as scikit-learn's ``train_test_split(np.arange(n_samples), ...)``.

    Sizes follow scikit-learn: a float is a fraction of ``n_samples`` (test rounded up, train
    down), an int a count; with neither, ``test_size=0.25``. ``stratify`` holds one label per
    sample (1-d, or 2-d for multi-label rows). Errors are scikit-learn's ``ValueError``s.
    """
    n_samples = _int(n_samples, "n_samples")
    seed = _int(random_state, "random_state")
    if not 0 <= seed < 2**32:
        raise ValueError("Seed must be between 0 and 2**32 - 1")
    codes = None
    if stratify is not None:
        y = np.asarray(stratify)
        if y.ndim == 2:
            y = np.array([" ".join(row.astype("str")) for row in y])
        if len(y) != n_samples:
            raise ValueError(f"Found input variables with inconsistent numbers of samples: [{n_samples}, {len(y)}]")
        codes = np.unique(y, return_inverse=True)[1].ravel().tolist()
    train, test = _core.train_test_split_indices(
        n_samples, _size_arg(test_size, "test_size"), _size_arg(train_size, "train_size"), seed, codes
    )
    return np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)


def _count(size: Any) -> tuple[int, tuple[int, ...] | None]:
    if size is None:
        return 1, None
    shape = (int(size),) if isinstance(size, numbers.Integral) else tuple(int(s) for s in size)
    return int(np.prod(shape, dtype=np.int64)), shape


def _shaped(values: list, shape: tuple[int, ...] | None, dtype: Any) -> Any:
    arr = np.asarray(values, dtype=dtype)
    return arr[0] if shape is None else arr.reshape(shape)


def _population(a: Any) -> tuple[int, np.ndarray | None]:
    if isinstance(a, numbers.Integral) and not isinstance(a, bool):
        return int(a), None
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError("a must be 1-dimensional or an integer")
    return len(arr), arr


def _probabilities(p: Any, n: int) -> list[float] | None:
    if p is None:
        return None
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError("p must be 1-dimensional")
    if p.size != n:
        raise ValueError("a and p must have same size")
    return p.tolist()


def _check_range(low: float, high: float) -> None:
    if not np.isfinite(float(high) - float(low)):
        raise OverflowError("Range exceeds valid bounds")


def _apply_order(x: MutableSequence[Any] | np.ndarray, order: list[int]) -> None:
    if isinstance(x, np.ndarray):
        x[...] = x[np.asarray(order, dtype=np.intp)]
    else:
        x[:] = [x[i] for i in order]


class RandomState:
    """numpy's legacy ``np.random.RandomState(seed)`` for an integer seed."""

    def __init__(self, seed: int) -> None:
        seed = _int(seed, "seed")
        if not 0 <= seed < 2**32:
            raise ValueError("Seed must be between 0 and 2**32 - 1")
        self._rs = _core.LegacyRandomState(seed)

    def random_sample(self, size: Any = None) -> Any:
        n, shape = _count(size)
        return _shaped(self._rs.random_sample(n), shape, np.float64)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
        _check_range(low, high)
        n, shape = _count(size)
        return _shaped(self._rs.uniform(float(low), float(high), n), shape, np.float64)

    def randint(self, low: int, high: int | None = None, size: Any = None) -> Any:
        if high is None:
            low, high = 0, low
        n, shape = _count(size)
        return _shaped(self._rs.randint(int(low), int(high), n), shape, np.int64)

    def permutation(self, x: Any) -> np.ndarray:
        if isinstance(x, numbers.Integral) and not isinstance(x, bool):
            return np.asarray(self._rs.permutation(int(x)), dtype=np.int64)
        arr = np.array(x)
        if arr.ndim < 1:
            raise IndexError("x must be an integer or at least 1-dimensional")
        return arr[np.asarray(self._rs.permutation(len(arr)), dtype=np.intp)]

    def shuffle(self, x: MutableSequence[Any] | np.ndarray) -> None:
        # the shuffle draws are exactly those of permutation(len(x)) applied in place
        _apply_order(x, self._rs.permutation(len(x)))

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None) -> Any:
        n, arr = _population(a)
        count, shape = _count(size)
        idx = self._rs.choice(n, count, bool(replace), _probabilities(p, n))
        out = _shaped(idx, shape, np.int64)
        return out if arr is None else arr[out]


def pandas_sample_positions(
    n_rows: int, *, n: int | None = None, frac: float | None = None, replace: bool = False, random_state: int
) -> np.ndarray:
    """Row positions picked by ``DataFrame.sample(n=n, frac=frac, replace=replace,
    random_state=random_state)`` on a frame of ``n_rows`` rows (no weights)."""
    if n is not None and frac is not None:
        raise ValueError("Please enter a value for `frac` OR `n`, not both")
    if frac is not None:
        if frac < 0:
            raise ValueError("A negative number of rows requested. Please provide `frac` >= 0.")
        if frac > 1 and not replace:
            raise ValueError("Replace has to be set to `True` when upsampling the population `frac` > 1.")
        size = round(frac * n_rows)
    else:
        size = 1 if n is None else _int(n, "n")
        if size < 0:
            raise ValueError("A negative number of rows requested. Please provide `n` >= 0.")
    return RandomState(random_state).choice(n_rows, size=size, replace=replace).astype(np.intp)


class Random:
    """Python's ``random.Random(seed)`` for an integer seed."""

    def __init__(self, seed: int) -> None:
        self._r = _core.PyRandom(_words(abs(_int(seed, "seed"))))

    def random(self) -> float:
        return self._r.random()

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        return self._r.getrandbits(k)

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return self._r.randrange(_int(start, "start"), _int(stop, "stop"))

    def randint(self, a: int, b: int) -> int:
        return self._r.randint(_int(a, "a"), _int(b, "b"))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self._r.choice(len(seq))]

    def shuffle(self, x: MutableSequence[Any]) -> None:
        _apply_order(x, self._r.shuffle_order(len(x)))

    def sample(self, population: Sequence[Any], k: int) -> list[Any]:
        if not isinstance(population, Sequence) and not isinstance(population, range):
            raise TypeError("Population must be a sequence.  For dicts or sets, use sorted(d).")
        if k < 0:
            raise ValueError("Sample larger than population or is negative")
        return [population[i] for i in self._r.sample(len(population), k)]


class Generator:
    """numpy's ``np.random.default_rng(seed)`` (PCG64) for an integer seed."""

    def __init__(self, seed: int) -> None:
        seed = _int(seed, "seed")
        if seed < 0:
            raise ValueError("expected non-negative integer")
        self._g = _core.Pcg64Generator(_words(seed))

    def random(self, size: Any = None) -> Any:
        n, shape = _count(size)
        return _shaped(self._g.random(n), shape, np.float64)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
        _check_range(low, high)
        if high - low < 0:
            raise ValueError("high - low < 0")
        n, shape = _count(size)
        return _shaped(self._g.uniform(float(low), float(high), n), shape, np.float64)

    def integers(self, low: int, high: int | None = None, size: Any = None, endpoint: bool = False) -> Any:
        if high is None:
            low, high = 0, low
        high = int(high) + (1 if endpoint else 0)
        n, shape = _count(size)
        return _shaped(self._g.integers(int(low), high, n), shape, np.int64)

    def permutation(self, x: Any) -> np.ndarray:
        if isinstance(x, numbers.Integral) and not isinstance(x, bool):
            return np.asarray(self._g.permutation(int(x)), dtype=np.int64)
        arr = np.array(x)
        return arr[np.asarray(self._g.permutation(len(arr)), dtype=np.intp)]

    def shuffle(self, x: MutableSequence[Any] | np.ndarray) -> None:
        _apply_order(x, self._g.permutation(len(x)))

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None, shuffle: bool = True) -> Any:
        n, arr = _population(a)
        count, shape = _count(size)
        idx = self._g.choice(n, count, bool(replace), _probabilities(p, n), bool(shuffle))
        out = _shaped(idx, shape, np.int64)
        return out if arr is None else arr[out]


def default_rng(seed: int) -> Generator:
    """``np.random.default_rng(seed)`` for an integer seed."""
    return Generator(seed)
