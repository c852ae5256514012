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
def mae(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def mean_log_mae_by_group(
    y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64], group: npt.NDArray[np.int64], n_groups: int
) -> float: ...
def mcrmse(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def pearson(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float: ...
def kl_divergence(y_true: npt.NDArray[np.float64], y_pred: npt.NDArray[np.float64]) -> float: ...
def weighted_multilabel_log_loss(
    y_true: npt.NDArray[np.float64],
    y_pred: npt.NDArray[np.float64],
    negative_weights: npt.NDArray[np.float64],
    positive_weights: npt.NDArray[np.float64],
    eps: float,
) -> float: ...
def label_ranking_average_precision(
    y_true: npt.NDArray[np.float64],
    y_score: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> float: ...
def probabilistic_fbeta(labels: npt.NDArray[np.float64], predictions: npt.NDArray[np.float64], beta: float) -> float: ...
def mean_angular_error(
    az_true: npt.NDArray[np.float64],
    zen_true: npt.NDArray[np.float64],
    az_pred: npt.NDArray[np.float64],
    zen_pred: npt.NDArray[np.float64],
) -> float: ...
def haversine_distances(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]: ...
def laplace_log_likelihood(
    actual: npt.NDArray[np.float64],
    predicted: npt.NDArray[np.float64],
    confidence: npt.NDArray[np.float64],
    sigma_floor: float,
    delta_cap: float,
) -> float: ...
def bias_auc(
    labels: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
    subgroups: npt.NDArray[np.bool_],
    power: float,
    weight: float,
) -> float:
    """`subgroups` is (n_identities, n_samples)."""
def levenshtein(a: str, b: str) -> int: ...
def levenshtein_tokens(a: list[int], b: list[int]) -> int: ...
def mean_levenshtein(y_true: list[str], y_pred: list[str]) -> float: ...
def word_jaccard(a: str, b: str) -> float | None:
    """None when neither text has a word."""
def mean_word_jaccard(y_true: list[str], y_pred: list[str], both_empty: float | None = None) -> float: ...
def exact_match_accuracy(y_true: list[str], y_pred: list[str]) -> float: ...
def micro_f1_label_sets(y_true: list[list[str]], y_pred: list[list[str]]) -> float: ...
def micro_f1_labels(y_true: list[int], y_pred: list[int]) -> float: ...
def kendall_tau_ordering(ground_truth: list[list[str]], predictions: list[list[str]]) -> float: ...
def map_at_k(actual: list[list[str]], predicted: list[list[str]], k: int) -> float: ...
def spearman(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float: ...
def split_words(s: str) -> list[str]: ...
def split_on_space(s: str) -> list[str]: ...
def _float_repr(x: float) -> str:
    """Python's str() of a float as the graders render numeric cells (testing aid)."""
def _int_hash(s: str) -> int | None:
    """hash(int(s)), or None where int(s) raises (testing aid)."""
def _sort_order(values: list[str | None]) -> list[int]:
    """Row order of sort_values on a text column, None = missing (testing aid)."""
def _sort_order_bool(values: list[bool]) -> list[int]:
    """Row order of sort_values on a boolean column (testing aid)."""
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
