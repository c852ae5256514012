"""bms-molecular-translation: a plain 20% row split whose 2.4 million images sit in a
three-level folder tree named by the first three characters of their id."""

from __future__ import annotations

import shutil
from pathlib import PurePosixPath

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import constant, read_csv, split_rows, write_csv

SAMPLE_INCHI = "InChI=1S/H2O/h1H2"


def _image_subpath(image_id: object) -> PurePosixPath:
    text = str(image_id)
    if len(text) < 3 or "/" in text or text.startswith("."):
        raise RecipeError(f"image id {text!r} cannot name a train/<a>/<b>/<c>/<id>.png image")
    return PurePosixPath(text[0], text[1], text[2], f"{text}.png")


def bms_molecular_translation(ctx: Context) -> None:
    """`train_test_split(train_labels.csv, test_size=0.2, random_state=0)`; both CSVs in split
    order; every image keeps its <id[0]>/<id[1]>/<id[2]>/<id>.png place under public/train
    or public/test."""
    labels_csv = ctx.raw / "train_labels.csv"
    if not labels_csv.is_file():
        raise RecipeError("this download has no train_labels.csv: is it bms-molecular-translation's?")
    old_train = read_csv(labels_csv)
    if "image_id" not in old_train.names or "InChI" not in old_train.names:
        raise RecipeError(f"train_labels.csv should have image_id and InChI columns, not {old_train.names}")
    new_train, new_test = split_rows(old_train, test_size=0.2, random_state=0)
    write_csv(new_train, ctx.public / "train_labels.csv")
    write_csv(new_test, ctx.private / "test.csv")
    pairs = []
    for part, table in (("train", new_train), ("test", new_test)):
        for image_id in table.column("image_id"):
            sub = _image_subpath(image_id)
            pairs.append((ctx.raw / "train" / sub, ctx.public / part / sub))
    copy_many(pairs, "Copying images")
    write_csv(constant(new_test, "InChI", SAMPLE_INCHI), ctx.public / "sample_submission.csv")
    shutil.copyfile(ctx.raw / "extra_approved_InChIs.csv", ctx.public / "extra_approved_InChIs.csv")
