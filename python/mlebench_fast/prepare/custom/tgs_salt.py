"""tgs-salt-identification-challenge: a quarter of the labelled train images becomes the new
test set; the CSVs are written sorted by id and the images/masks are copied unchanged."""

from __future__ import annotations

from pathlib import Path

from .. import archive, tables
from ..files import copy_many
from ..recipe import Context, RecipeError
from ...split import train_test_split_indices


def _need(path: Path) -> Path:
    if not path.exists():
        raise RecipeError(f"this download has no {path.name}: is it tgs-salt-identification-challenge's download?")
    return path


def _sorted_by(table: tables.Table, column: str) -> tables.Table:
    """`df.sort_values(by=column)` for a column of distinct ids (so the sort's stability does not matter)."""
    values = table.column(column)
    return table.take(sorted(range(len(values)), key=values.__getitem__))


def prepare(ctx: Context) -> None:
    """train_test_split(train.csv, test_size=0.25, random_state=0); empty masks (NaN) stay
    empty cells; sample_submission's masks are all '1 1'; depths.csv keeps the train ids."""
    archive.extract(_need(ctx.raw / "competition_data.zip"), ctx.raw)
    data = ctx.raw / "competition_data"
    old_train = tables.read_csv(_need(data / "train.csv"))
    images = data / "train" / "images"
    masks = data / "train" / "masks"
    n_images = len(list(_need(images).glob("*.png")))
    if n_images != len(old_train):
        raise RecipeError(f"competition_data has {n_images} train images for {len(old_train)} rows of train.csv")

    train_idx, test_idx = train_test_split_indices(len(old_train), test_size=0.25, random_state=0)
    new_train = old_train.take(train_idx.tolist())
    new_test = old_train.take(test_idx.tolist())
    # the ids are read as text (hex names); str() guards an all-digit id column
    train_ids = [str(i) for i in new_train.column("id")]
    test_ids = [str(i) for i in new_test.column("id")]

    tables.write_csv(_sorted_by(new_train, "id"), ctx.public / "train.csv")
    tables.write_csv(_sorted_by(new_test, "id"), ctx.private / "test.csv")
    sample = tables.constant(new_test.select(["id"]), "rle_mask", "1 1")
    tables.write_csv(_sorted_by(sample, "id"), ctx.public / "sample_submission.csv")

    depths = tables.read_csv(_need(ctx.raw / "depths.csv"))
    depths = tables.rows_where_isin(depths, "id", new_train.column("id"))
    tables.write_csv(_sorted_by(depths, "id"), ctx.public / "depths.csv")

    pairs = []
    for i in train_ids:
        pairs.append((images / f"{i}.png", ctx.public / "train" / "images" / f"{i}.png"))
        pairs.append((masks / f"{i}.png", ctx.public / "train" / "masks" / f"{i}.png"))
    pairs += [(images / f"{i}.png", ctx.public / "test" / "images" / f"{i}.png") for i in test_ids]
    copy_many(pairs, "Copying train and test images")
