"""cassava-leaf-disease-classification: the split is over the TFRecord files (the CSV does
not say which file holds which image); the test files' image names pick the test rows."""

from __future__ import annotations

import shutil

from ... import _core
from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import constant, read_csv, rows_where_isin, write_csv


def cassava_leaf_disease(ctx: Context) -> None:
    """`train_test_split` (test_size=0.1, random_state=0) of the sorted train_tfrecords/*.tfrec
    files; rows of train.csv whose image_id is an `image_name` of a test file form the test set
    (both parts keep train.csv's order). TFRecords are renamed by their position in the split
    lists: ld_train{i:02d}-{N}.tfrec / ld_test{i:02d}-{N}.tfrec, N after the "-" of the stem."""
    folder = ctx.raw / "train_tfrecords"
    if not folder.is_dir() or not (ctx.raw / "train.csv").is_file():
        raise RecipeError("this download has no train_tfrecords/ or train.csv: is it cassava-leaf-disease-classification's?")
    records = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix == ".tfrec"]
    if not records:
        raise RecipeError(f"{folder} holds no .tfrec files")
    train_idx, test_idx = train_test_split_indices(len(records), test_size=0.1, random_state=0)
    train_records = [records[i] for i in train_idx.tolist()]
    test_records = [records[i] for i in test_idx.tolist()]
    test_ids: list[str] = []
    for path in test_records:
        test_ids.extend(_core.tfrecord_ids(str(path), "image_name"))

    old_train = read_csv(ctx.raw / "train.csv")
    if old_train.names != ["image_id", "label"]:
        raise RecipeError(f"train.csv should have the columns image_id, label, not {old_train.names}")
    test_set = set(test_ids)
    image_ids = old_train.column("image_id")
    new_train = old_train.take([r for r, v in enumerate(image_ids) if v not in test_set])
    new_test = rows_where_isin(old_train, "image_id", test_ids)
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.private / "test.csv")
    write_csv(constant(new_test, "label", 4), ctx.public / "sample_submission.csv")

    pairs = []
    for kind, paths in (("train", train_records), ("test", test_records)):
        for i, path in enumerate(paths):
            parts = path.stem.split("-")
            if len(parts) < 2:
                raise RecipeError(f"TFRecord {path.name} is not named <name>-<count>.tfrec")
            pairs.append((path, ctx.public / f"{kind}_tfrecords" / f"ld_{kind}{i:02d}-{parts[1]}.tfrec"))
    copy_many(pairs, "Copying TFRecords")
    (ctx.public / "train_tfrecords").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test_tfrecords").mkdir(parents=True, exist_ok=True)
    images = ctx.raw / "train_images"
    copy_many(
        [(images / v, ctx.public / "train_images" / v) for v in new_train.column("image_id")]
        + [(images / v, ctx.public / "test_images" / v) for v in new_test.column("image_id")],
        "Copying images",
    )
    (ctx.public / "train_images").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test_images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ctx.raw / "label_num_to_disease_map.json", ctx.public / "label_num_to_disease_map.json")
