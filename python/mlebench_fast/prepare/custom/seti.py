"""seti-breakthrough-listen: the new test set is 10% of train_labels.csv; each cadence's .npy
sits in a subfolder named by the first character of its id."""

from __future__ import annotations

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import constant, read_csv, split_rows, write_csv
from .trees import copy_tree


def prepare(ctx: Context) -> None:
    """`train_test_split(train_labels, test_size=0.1, random_state=0)` (shuffled order), the
    .npy files copied from train/<c>/ to public/train/<c>/ or public/test/<c>/, old_leaky_data/
    copied whole, sample submission = test ids with target 0.5."""
    if not (ctx.raw / "train_labels.csv").is_file():
        raise RecipeError("this download has no train_labels.csv: is it the seti-breakthrough-listen download?")
    if not (ctx.raw / "old_leaky_data").is_dir():
        raise RecipeError("this download has no old_leaky_data/ folder: is it the seti-breakthrough-listen download?")
    labels = read_csv(ctx.raw / "train_labels.csv")
    new_train, new_test = split_rows(labels, test_size=0.1, random_state=0)
    write_csv(new_train, ctx.public / "train_labels.csv")
    write_csv(new_test, ctx.private / "test.csv")
    copy_tree(ctx.raw / "old_leaky_data", ctx.public / "old_leaky_data", "Copying old_leaky_data")
    for part, table in (("train", new_train), ("test", new_test)):
        pairs = []
        for file_id in table.column("id"):
            if not isinstance(file_id, str) or not file_id or "/" in file_id:
                raise RecipeError(f"train_labels.csv: id {file_id!r} is not a cadence file name")
            pairs.append((ctx.raw / "train" / file_id[0] / f"{file_id}.npy", ctx.public / part / file_id[0] / f"{file_id}.npy"))
        copy_many(pairs, f"Copying {part} cadences")
    write_csv(constant(new_test, "target", 0.5), ctx.public / "sample_submission.csv")
