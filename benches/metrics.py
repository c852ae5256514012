"""Each Rust metric kernel against its scikit-learn/scipy counterpart, 1e3 to 1e7 rows.

    python benches/metrics.py [--sizes 1000,100000,1000000] [--repeat 3] [--only roc_auc,...]

Prints one line per (kernel, size): best-of-N time of each and the speed-up, and checks the
two agree. Run it against an installed build (`pip install .`): a debug build is much slower.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import sklearn.metrics as skm

from mlebench_fast import metrics

Case = tuple[str, Callable[[int, np.random.Generator], tuple], Callable, Callable]


def _binary(n, rng):
    return rng.integers(0, 2, n), rng.random(n)


def _labels(n, rng):
    return rng.integers(0, 5, n), rng.integers(0, 5, n)


def _binary_labels(n, rng):
    return rng.integers(0, 2, n), rng.integers(0, 2, n)


def _onehot(n, rng):
    k = 10
    y = np.eye(k)[rng.integers(0, k, n)]
    p = rng.random((n, k))
    return y, p / p.sum(axis=1, keepdims=True)


def _regression(n, rng):
    return rng.random(n) * 100, rng.random(n) * 100


CASES: list[Case] = [
    ("roc_auc", _binary, metrics.roc_auc, skm.roc_auc_score),
    ("log_loss (binary)", _binary, metrics.log_loss, skm.log_loss),
    ("log_loss (10 classes)", _onehot, metrics.log_loss, skm.log_loss),
    ("accuracy", _labels, metrics.accuracy, skm.accuracy_score),
    ("f1 (binary)", _binary_labels, lambda a, b: metrics.f1_score(a, b, average="binary"), skm.f1_score),
    (
        "f1 (macro, 5 classes)",
        _labels,
        lambda a, b: metrics.f1_score(a, b, average="macro"),
        lambda a, b: skm.f1_score(a, b, average="macro"),
    ),
    ("matthews_corrcoef", _labels, metrics.matthews_corrcoef, skm.matthews_corrcoef),
    ("rmse", _regression, metrics.rmse, skm.root_mean_squared_error),
    ("rmsle", _regression, metrics.rmsle, skm.root_mean_squared_log_error),
    (
        "quadratic_weighted_kappa",
        _labels,
        metrics.quadratic_weighted_kappa,
        lambda a, b: skm.cohen_kappa_score(a, b, weights="quadratic"),
    ),
]


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000,10000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated kernel names")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    only = {s for s in args.only.split(",") if s}
    rng = np.random.default_rng(0)
    print(f"{'kernel':<28}{'rows':>10}{'rust ms':>10}{'sklearn ms':>12}{'speed-up':>10}  agree")
    for name, make, ours, theirs in CASES:
        if only and name.split()[0] not in only:
            continue
        for n in sizes:
            a, b = make(n, rng)
            t_ours, v_ours = best_of(lambda: ours(a, b), args.repeat)
            t_ref, v_ref = best_of(lambda: theirs(a, b), max(1, args.repeat if n <= 1_000_000 else 1))
            agree = abs(float(v_ours) - float(v_ref)) <= 1e-9 * max(1.0, abs(float(v_ref)))
            print(
                f"{name:<28}{n:>10}{t_ours * 1e3:>10.2f}{t_ref * 1e3:>12.2f}{t_ref / t_ours:>9.1f}x  {'yes' if agree else 'NO'}"
            )


if __name__ == "__main__":
    main()
