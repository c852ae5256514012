"""rsna-breast-cancer-detection: 10% of the patients (with all their images) become the new
test set; the answers have one row per patient breast (prediction_id)."""

from __future__ import annotations

import math

import numpy as np

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv
from .raw_inputs import need, need_columns, need_files

TEST_COLUMNS = ["site_id", "patient_id", "image_id", "laterality", "view", "age", "implant", "machine_id"]


def _pandas_mean(values: list) -> float:
    """`Series.mean()`: NaN skipped, the rest summed as float64 by numpy (pairwise)."""
    arr = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(arr)
    if not keep.any():
        return math.nan
    return float(np.where(keep, arr, 0.0).sum() / keep.sum())


def prepare(ctx: Context) -> None:
    """train_test_split(patient_id.unique() in first-appearance order, test_size=0.1,
    random_state=42); rows keep raw order. prediction_id = '<patient_id>_<laterality>'; the
    answers take the first cancer value per prediction_id, sorted as text. The sample
    submission's cancer is the train mean (float repr)."""
    need(ctx, "train.csv", "train_images")
    old_train = read_csv(ctx.raw / "train.csv")
    need_columns(old_train, TEST_COLUMNS + ["cancer"], "train.csv")
    patients = old_train.column("patient_id")
    unique_patients = list(dict.fromkeys(patients))
    _, test_idx = train_test_split_indices(len(unique_patients), test_size=0.1, random_state=42)
    test_patients = {unique_patients[i] for i in test_idx}
    train_rows = [i for i, p in enumerate(patients) if p not in test_patients]
    test_rows = [i for i, p in enumerate(patients) if p in test_patients]
    new_train = old_train.take(train_rows)
    new_test = old_train.take(test_rows).select(TEST_COLUMNS)
    prediction_ids = [f"{p}_{lat}" for p, lat in zip(new_test.column("patient_id"), new_test.column("laterality"))]
    new_test = new_test.with_column("prediction_id", prediction_ids)
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.public / "test.csv")

    cancer = old_train.take(test_rows).column("cancer")
    first: dict[str, object] = {}
    for pid, value in zip(prediction_ids, cancer):
        if pid not in first or (isinstance(first[pid], float) and math.isnan(first[pid])):  # type: ignore[arg-type]
            first[pid] = value
    keys = sorted(first)
    if len(keys) == len(prediction_ids):
        raise RecipeError(
            "every test image has its own prediction_id; the reference expects several images per "
            "patient breast (is this the competition's download?)"
        )
    write_csv(Table.from_columns([("prediction_id", keys), ("cancer", [first[k] for k in keys])]), ctx.private / "answers.csv")
    mean = _pandas_mean(new_train.column("cancer"))
    write_csv(Table.from_columns([("prediction_id", keys), ("cancer", [mean] * len(keys))]), ctx.public / "sample_submission.csv")

    pairs = []
    for folder, table in (("train_images", new_train), ("test_images", new_test)):
        for patient, image in zip(table.column("patient_id"), table.column("image_id")):
            rel = f"{patient}/{image}.dcm"
            pairs.append((ctx.raw / "train_images" / rel, ctx.public / folder / rel))
    need_files([src for src, _ in pairs], "train DICOMs")
    copy_many(pairs, "Copying DICOMs")
