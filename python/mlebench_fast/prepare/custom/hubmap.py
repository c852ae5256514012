"""hubmap-kidney-segmentation: 12 of the 15 train images stay train, 3 become the new test
set; each image travels with its two JSON annotation files."""

from __future__ import annotations

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, rows_where_isin, split_rows, write_csv
from .frames import inner_merge
from .raw_inputs import need, need_columns, need_files

INFO = "HuBMAP-20-dataset_information.csv"


def prepare(ctx: Context) -> None:
    """train_test_split(train.csv, train_size=12, test_size=3, random_state=0); the reference
    asserts the two parts cover every row (true only for the 15-row download). The dataset
    information keeps its own row order, filtered to the train.csv ids (image_file without
    '.tiff'); the test answers get width/height by an inner merge. The sample submission's
    empty 'predicted' column is written as empty cells and also copied into public/test/."""
    need(ctx, "train.csv", INFO, "train")
    old_train = read_csv(ctx.raw / "train.csv")
    info = read_csv(ctx.raw / INFO)
    need_columns(old_train, ["id", "encoding"], "train.csv")
    need_columns(info, ["image_file", "width_pixels", "height_pixels"], INFO)
    new_train, new_test = split_rows(old_train, train_size=12, test_size=3, random_state=0)
    if len(new_train) + len(new_test) != len(old_train):
        raise RecipeError(
            f"train.csv has {len(old_train)} rows; the reference's 12/3 split needs exactly 15 "
            "(is this the competition's download?)"
        )
    info = info.with_column("id", [str(f).replace(".tiff", "") for f in info.column("image_file")])
    info = rows_where_isin(info, "id", old_train.column("id"))
    answers = inner_merge(new_test, info, "id", ["width_pixels", "height_pixels"])
    write_csv(info.drop(["id"]), ctx.public / INFO)
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(answers, ctx.private / "test.csv")
    ids = answers.column("id")
    write_csv(Table.from_columns([("id", ids), ("predicted", [""] * len(ids))]), ctx.public / "sample_submission.csv")
    write_csv(
        Table.from_columns([("id", ids), ("predicted", answers.column("encoding"))]),
        ctx.private / "gold_submission.csv",
    )
    pairs = []
    for part, table in (("train", new_train), ("test", new_test)):
        for image_id in table.column("id"):
            for suffix in (".tiff", ".json", "-anatomical-structure.json"):
                pairs.append((ctx.raw / "train" / f"{image_id}{suffix}", ctx.public / part / f"{image_id}{suffix}"))
    need_files([src for src, _ in pairs], "train image files")
    copy_many(pairs, "Copying images")
    copy_many([(ctx.public / "sample_submission.csv", ctx.public / "test" / "sample_submission.csv")])
