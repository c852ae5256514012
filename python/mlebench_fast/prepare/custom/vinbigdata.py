"""vinbigdata-chest-xray-abnormalities-detection: 10% of the images (not of the box rows)
become the new test set; the several radiologists' boxes of a test finding are reduced to one
"consensus" row."""

from __future__ import annotations

import math
from typing import Any

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv
from .raw_inputs import need, need_columns, need_files

TRAIN_IMAGES, TEST_IMAGES = 13500, 1500
BOX = ["x_min", "y_min", "x_max", "y_max"]
NO_FINDING = 14


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def consensus(rows: Table) -> Table:
    """`rows.groupby(["image_id", "class_id"]).first().reset_index().fillna(0)` with x_max and
    y_max set to 1.0 on class 14 (no finding) rows: one row per (image, class) in key order,
    each other column its first non-missing value in the group; image_id, class_id first."""
    keys = list(zip(rows.column("image_id"), rows.column("class_id")))
    others = [n for n in rows.names if n not in ("image_id", "class_id")]
    values = {n: rows.column(n) for n in others}
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, key in enumerate(keys):
        if _missing(key[0]) or _missing(key[1]):
            continue  # groupby drops missing keys
        groups.setdefault(key, []).append(i)
    ordered = sorted(groups)
    out: dict[str, list[Any]] = {"image_id": [k[0] for k in ordered], "class_id": [k[1] for k in ordered]}
    for name in others:
        text = rows.dtype(name) == "object"
        column = values[name]
        filled = []
        for key in ordered:
            first = next((column[i] for i in groups[key] if not _missing(column[i])), None)
            if first is None:
                first = "0" if text else 0.0  # fillna(0): written "0" either way
            filled.append(first)
        out[name] = filled
    for name in ("x_max", "y_max"):
        out[name] = [1.0 if c == NO_FINDING else v for c, v in zip(out["class_id"], out[name])]
    return Table.from_columns(list(out.items()))


def gold_strings(answers: Table) -> Table:
    """One row per image (sorted): its findings' '<class_id> 1.0 <x_min> <y_min> <x_max> <y_max>'
    joined by spaces, the numbers formatted by Python's str as the reference's f-string does."""
    columns = [answers.column(n) for n in ["image_id", "class_id", *BOX]]
    by_image: dict[Any, list[str]] = {}
    for image, cls, *box in zip(*columns):
        by_image.setdefault(image, []).append(" ".join([str(cls), "1.0", *(str(v) for v in box)]))
    images = sorted(by_image)
    return Table.from_columns([("image_id", images), ("PredictionString", [" ".join(by_image[i]) for i in images])])


def prepare(ctx: Context) -> None:
    """train_test_split(train.csv image_id.unique(), test_size=0.1, random_state=0): the
    reference asserts 13,500 / 1,500 images. Train rows keep raw order; the sample submission
    lists the test images in split order with '14 1 0 0 1 1'."""
    need(ctx, "train.csv", "train")
    old_train = read_csv(ctx.raw / "train.csv")
    need_columns(old_train, ["image_id", "class_id", *BOX], "train.csv")
    codes = old_train.codes("image_id")
    image_ids = [None] * (max(codes) + 1 if codes else 0)
    for code, image in zip(codes, old_train.column("image_id")):
        image_ids[code] = image
    train_idx, test_idx = train_test_split_indices(len(image_ids), test_size=0.1, random_state=0)
    train_ids = [image_ids[i] for i in train_idx]
    test_ids = [image_ids[i] for i in test_idx]
    if (len(train_ids), len(test_ids)) != (TRAIN_IMAGES, TEST_IMAGES):
        raise RecipeError(
            f"train.csv names {len(image_ids)} images, split {len(train_ids)} / {len(test_ids)}; the reference "
            f"expects {TRAIN_IMAGES} / {TEST_IMAGES} (15,000 images): is this the competition's download?"
        )
    test_codes = set(test_idx.tolist())
    new_train = old_train.take([i for i, c in enumerate(codes) if c not in test_codes])
    test_rows = old_train.take([i for i, c in enumerate(codes) if c in test_codes])
    answers = consensus(test_rows)
    write_csv(new_train, ctx.public / "train.csv")
    sample = Table.from_columns([("image_id", test_ids), ("PredictionString", ["14 1 0 0 1 1"] * len(test_ids))])
    write_csv(sample, ctx.public / "sample_submission.csv")
    write_csv(answers, ctx.private / "answers.csv")
    write_csv(gold_strings(answers), ctx.private / "gold_submission.csv")
    pairs = [(ctx.raw / "train" / f"{i}.dicom", ctx.public / "train" / f"{i}.dicom") for i in train_ids]
    pairs += [(ctx.raw / "train" / f"{i}.dicom", ctx.public / "test" / f"{i}.dicom") for i in test_ids]
    need_files([src for src, _ in pairs], "train DICOMs")
    copy_many(pairs, "Copying DICOMs")
