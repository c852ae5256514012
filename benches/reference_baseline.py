"""The baseline of benches/bulk_grade.py: grades a submission JSONL the way the reference
does, one submission at a time: pandas `read_csv` of the submission and of the answers,
sort both by id, the scikit-learn metric, round to 5 decimals. Prints the scores as JSON.

    python benches/reference_baseline.py SUBMISSIONS.jsonl DATA_DIR

Only the grader kinds the bulk benchmark generates are covered; any exception makes the
submission invalid (None), as in the reference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from mlebench_fast import get_competition


def _sorted(sub: pd.DataFrame, ans: pd.DataFrame, id_col: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if len(sub) != len(ans):
        raise ValueError("length mismatch")
    sub, ans = sub.sort_values(id_col), ans.sort_values(id_col)
    if (sub[id_col].values != ans[id_col].values).any():
        raise ValueError("ids differ")
    return sub, ans


def grade(kind: dict, sub: pd.DataFrame, ans: pd.DataFrame) -> float:
    k = kind["kind"]
    if k in (
        "roc_auc",
        "binary_log_loss",
        "accuracy",
        "exact_match_accuracy",
        "quadratic_weighted_kappa",
        "sorted_rmse",
        "matched_id_rmse",
    ):
        s, a = _sorted(sub, ans, kind["id_column"])
        t = kind["target_column"]
        y_true, y_pred = a[t].to_numpy(), s[t].to_numpy()
        if k == "roc_auc":
            return skm.roc_auc_score(y_true, y_pred)
        if k == "binary_log_loss":
            return skm.log_loss(y_true, y_pred)
        if k == "accuracy":
            return skm.accuracy_score(y_true, y_pred)
        if k == "exact_match_accuracy":
            return float(np.mean(y_true == y_pred))
        if k == "quadratic_weighted_kappa":
            return skm.cohen_kappa_score(y_pred, y_true, weights="quadratic")
        return skm.root_mean_squared_error(y_true, y_pred)
    if k in ("columnwise_roc_auc", "positional_multilabel_roc_auc"):
        cols = kind.get("target_columns") or kind["class_columns"]
        s, a = _sorted(sub, ans, kind["id_column"])
        return float(np.mean([skm.roc_auc_score(a[c].to_numpy(), s[c].to_numpy()) for c in cols]))
    if k == "multiclass_log_loss":
        idc = kind["id_column"]
        classes = [c for c in ans.columns if c != idc]
        s, a = _sorted(sub, ans, idc)
        return skm.log_loss(a[classes].to_numpy(), s[classes].to_numpy())
    if k == "mean_columnwise_rmsle":
        if len(sub) != len(ans):
            raise ValueError("length mismatch")
        cols = kind["target_columns"]
        return float(np.mean([skm.root_mean_squared_log_error(ans[c], sub[c]) for c in cols]))
    raise ValueError(f"no baseline for {k}")


def main() -> None:
    jsonl, data_dir = Path(sys.argv[1]), Path(sys.argv[2])
    scores = []
    for line in jsonl.read_text().splitlines():
        entry = json.loads(line)
        comp = get_competition(entry["competition_id"])
        try:
            sub = pd.read_csv(entry["submission_path"], float_precision="round_trip")
            ans = pd.read_csv(comp.answers_path(data_dir), float_precision="round_trip")
            scores.append(round(float(grade(comp.grader, sub, ans)), 5))
        except Exception:
            scores.append(None)
    print(json.dumps(scores))


if __name__ == "__main__":
    main()
