"""hms-harmful-brain-activity-classification: the distinct spectrogram ids of train.csv are
split 90/10 (train_test_split, rows keep file order); the answers are the six expert vote
counts divided by their row sum. Each row's EEG and spectrogram parquet files follow it."""

from __future__ import annotations

import math

import numpy as np

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, split_by_values, write_csv

VOTES = ["seizure_vote", "lpd_vote", "gpd_vote", "lrda_vote", "grda_vote", "other_vote"]
N_COLUMNS = 15


def _distinct(table: Table, column: str) -> list:
    """`table[column].unique()` without turning the whole column into Python objects."""
    codes = np.asarray(table.codes(column), dtype=np.int64)
    if len(codes) == 0:
        return []
    _, first_rows = np.unique(codes, return_index=True)
    return table.take(first_rows.tolist()).column(column)


def _share(vote: float, total: float) -> float:
    """numpy's float division, 0/0 = NaN and x/0 = inf included."""
    if total == 0:
        return math.nan if vote == 0 or math.isnan(vote) else math.copysign(math.inf, vote)
    return float(vote) / float(total)


def prepare(ctx: Context) -> None:
    path = ctx.raw / "train.csv"
    if not path.is_file():
        raise RecipeError("this download has no train.csv: is it hms-harmful-brain-activity-classification's download?")
    old_train = read_csv(path)
    missing = [c for c in ["eeg_id", "spectrogram_id", "patient_id", *VOTES] if c not in old_train.names]
    if missing or len(old_train.names) != N_COLUMNS:
        raise RecipeError(
            f"train.csv should have {N_COLUMNS} columns incl. eeg_id, spectrogram_id, patient_id and the votes; missing {missing}"
        )
    new_train, new_test = split_by_values(old_train, "spectrogram_id", unique=True, test_size=0.1, random_state=0)
    train_eegs, test_eegs = _distinct(new_train, "eeg_id"), _distinct(new_test, "eeg_id")
    if not set(train_eegs).isdisjoint(test_eegs):
        raise RecipeError("some eeg_id has rows under spectrograms of both the new train and test sets")

    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.private / "test.csv")
    write_csv(new_test.select(["spectrogram_id", "eeg_id", "patient_id"]), ctx.public / "test.csv")

    votes = [new_test.column(c) for c in VOTES]
    totals = [sum(row) for row in zip(*votes)]  # pandas sums the six columns left to right
    gold = [("eeg_id", new_test.column("eeg_id"))]
    gold += [(c, [_share(v, t) for v, t in zip(col, totals)]) for c, col in zip(VOTES, votes)]
    write_csv(Table.from_columns(gold), ctx.private / "gold_submission.csv")
    sample = [("eeg_id", new_test.column("eeg_id"))] + [(c, [1 / len(VOTES)] * len(new_test)) for c in VOTES]
    write_csv(Table.from_columns(sample), ctx.public / "sample_submission.csv")

    figures = ctx.raw / "example_figures"
    if not figures.is_dir():
        raise RecipeError("this download has no example_figures/ folder")
    pairs = [(f, ctx.public / f.relative_to(ctx.raw)) for f in sorted(figures.rglob("*")) if f.is_file()]
    for side, eegs, spectrograms in (
        ("train", train_eegs, _distinct(new_train, "spectrogram_id")),
        ("test", test_eegs, _distinct(new_test, "spectrogram_id")),
    ):
        for kind, ids in (("eegs", eegs), ("spectrograms", spectrograms)):
            (ctx.public / f"{side}_{kind}").mkdir(parents=True, exist_ok=True)
            for i in ids:
                src = ctx.raw / f"train_{kind}" / f"{i}.parquet"
                if not src.is_file():
                    raise RecipeError(f"this download has no train_{kind}/{i}.parquet")
                pairs.append((src, ctx.public / f"{side}_{kind}" / src.name))
    copy_many(pairs, "Copying EEGs and spectrograms")
