"""whale-categorization-playground: a split that keeps every whale Id with two or more
images on both sides, then splits what is left."""

from __future__ import annotations

from ...split import default_rng, pandas_sample_positions, train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import read_csv, write_csv

SAMPLE_GUESS = "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"


def whale_categorization(ctx: Context) -> None:
    """Per Id (first-appearance order): 2+ images -> `DataFrame.sample(2, random_state=0)`
    of its rows, first to train, second to test; one image -> one draw of a single shared
    `default_rng(0).choice(["train", "test"], p=[0.9, 0.1])`. The undecided rest is
    `train_test_split(test_size=0.1, random_state=0)`. Rows keep train.csv's order; a test Id
    missing from the new train set becomes new_whale."""
    csv = ctx.raw / "train.csv"
    if not csv.is_file():
        raise RecipeError("this download has no train.csv: is it whale-categorization-playground's?")
    old = read_csv(csv)
    if old.names != ["Image", "Id"]:
        raise RecipeError(f"train.csv should have the columns Image, Id, not {old.names}")
    images, ids = old.column("Image"), old.column("Id")
    rows_of: dict[object, list[int]] = {}
    for row, whale in enumerate(ids):
        rows_of.setdefault(whale, []).append(row)
    side = ["undecided"] * len(ids)
    rng = default_rng(0)
    for rows in rows_of.values():
        if len(rows) >= 2:
            first, second = pandas_sample_positions(len(rows), n=2, random_state=0).tolist()
            side[rows[first]], side[rows[second]] = "train", "test"
        else:
            side[rows[0]] = str(rng.choice(["train", "test"], replace=False, p=[0.9, 0.1]))
    rest = [row for row, s in enumerate(side) if s == "undecided"]
    train_idx, test_idx = train_test_split_indices(len(rest), test_size=0.1, random_state=0)
    for i in train_idx.tolist():
        side[rest[i]] = "train"
    for i in test_idx.tolist():
        side[rest[i]] = "test"

    train_rows = [r for r, s in enumerate(side) if s == "train"]
    test_rows = [r for r, s in enumerate(side) if s == "test"]
    new_train, answers = old.take(train_rows), old.take(test_rows)
    train_ids = set(new_train.column("Id"))
    answers = answers.with_column("Id", [w if w in train_ids else "new_whale" for w in answers.column("Id")])
    if "new_whale" not in answers.column("Id"):
        raise RecipeError("the new test set has no new_whale Id (the reference asserts it has some)")
    sample = answers.with_column("Id", [SAMPLE_GUESS] * len(answers))

    write_csv(answers, ctx.private / "test.csv")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    (ctx.public / "train").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    copy_many(((ctx.raw / "train" / images[r], ctx.public / "train" / images[r]) for r in train_rows), "Copying train images")
    copy_many(((ctx.raw / "train" / images[r], ctx.public / "test" / images[r]) for r in test_rows), "Copying test images")
