"""Typed stubs of the Rust extension module (see `rust/src/python.rs`)."""

from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt

GRADER_VERSION: str

def roc_auc(y_true: npt.NDArray[np.float64], y_score: npt.NDArray[np.float64]) -> float: ...
def accuracy(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def log_loss_binary(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def log_loss_onehot(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def rmse(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def rmsle(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def quadratic_weighted_kappa(y1: npt.NDArray[np.int64], y2: npt.NDArray[np.int64]) -> float: ...
def mean_columnwise_roc_auc(y_true: npt.NDArray[np.float64], y_score: npt.NDArray[np.float64]) -> float: ...
def weighted_roc_auc(
    y_true: npt.NDArray[np.float64],
    y_score: npt.NDArray[np.float64],
    tpr_thresholds: list[float],
    weights: list[float],
) -> float: ...
def multilabel_micro_f1(y_true: npt.NDArray[np.uint8], y_pred: npt.NDArray[np.uint8]) -> float: ...
def read_csv(path: str | PathLike[str]) -> list[tuple[str, str, list[Any]]]:
    """Parse a CSV as the graders see it: (column name, pandas dtype name, values)."""
def leaderboard_thresholds(scores: list[float]) -> dict[str, Any]:
    """Medal thresholds (gold, silver, bronze, median, lower_is_better) of a leaderboard
    whose scores are listed best first."""
def rank_score(
    score: float | None, gold: float, silver: float, bronze: float, median: float, lower_is_better: bool
) -> dict[str, bool]: ...
def grade_many(
    jobs: list[tuple[str, str | None]],
    competitions_json: str,
    threads: int | None = None,
    progress: bool = False,
    cache_dir: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Grade (competition_id, submission path) pairs in parallel, in order; also returns
    {"graded": n, "from_cache": m}."""
def builtin_configs() -> list[tuple[str, str]]:
    """(competition id, config.yaml text) of every built-in competition."""
