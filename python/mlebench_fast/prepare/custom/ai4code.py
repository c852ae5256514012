"""AI4Code: the new test set is 20,000 notebooks chosen whole ancestor groups at a time, so
no test notebook has a relative (same `ancestor_id`) in the new train set."""

from __future__ import annotations

import json

import numpy as np

from ...split import pandas_sample_positions
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv

TEST_NOTEBOOKS = 20_000


def _greedy_groups(group_codes: list[int], capacity: int) -> np.ndarray:
    """The reference's split: groups (codes in order of first appearance) walked in that
    order; a whole group goes to test while it still fits in the remaining capacity, else to
    train, so a later smaller group can still fill the space a large one left. Returns a
    boolean test mask over the rows."""
    codes = np.asarray(group_codes, dtype=np.int64)
    sizes = np.bincount(codes) if len(codes) else np.zeros(0, dtype=np.int64)
    in_test = np.zeros(len(sizes), dtype=bool)
    taken = 0
    for code, size in enumerate(sizes.tolist()):
        if taken + size <= capacity:
            in_test[code] = True
            taken += size
    if taken != capacity:
        raise RecipeError(
            f"the ancestor groups fill only {taken} of the {capacity} test notebooks the reference requires "
            "(train_ancestors.csv has too few notebooks for this competition's split)"
        )
    return in_test[codes]


def prepare(ctx: Context) -> None:
    """Shuffle train_ancestors.csv with `DataFrame.sample(frac=1, random_state=0)`, split it
    by ancestor groups (order of first appearance in the shuffled frame), copy the notebook
    JSONs, filter train_orders.csv (its own row order) and build the sample submission from
    the key order of each test notebook's `cell_type` object."""
    for name in ("train_ancestors.csv", "train_orders.csv"):
        if not (ctx.raw / name).is_file():
            raise RecipeError(f"this download has no {name}: is it the AI4Code download?")
    if not (ctx.raw / "train").is_dir():
        raise RecipeError("this download has no train/ folder of notebooks: is it the AI4Code download?")
    ancestors = read_csv(ctx.raw / "train_ancestors.csv")
    shuffled = ancestors.take(pandas_sample_positions(len(ancestors), frac=1, random_state=0).tolist())
    test_mask = _greedy_groups(shuffled.codes("ancestor_id"), TEST_NOTEBOOKS)
    ids = shuffled.column("id")
    train_ids = [i for i, t in zip(ids, test_mask.tolist()) if not t]
    test_ids = [i for i, t in zip(ids, test_mask.tolist()) if t]
    test_set = set(test_ids)

    src = ctx.raw / "train"
    copy_many([(src / f"{i}.json", ctx.public / "train" / f"{i}.json") for i in train_ids], "Copying train notebooks")
    copy_many([(src / f"{i}.json", ctx.public / "test" / f"{i}.json") for i in test_ids], "Copying test notebooks")

    orders = read_csv(ctx.raw / "train_orders.csv")
    train_set = set(train_ids)
    order_ids = orders.column("id")
    train_orders = orders.take([r for r, i in enumerate(order_ids) if i in train_set])
    test_orders = orders.take([r for r, i in enumerate(order_ids) if i in test_set])
    write_csv(train_orders, ctx.public / "train_orders.csv")
    write_csv(test_orders, ctx.private / "test_orders.csv")
    write_csv(shuffled.take([r for r, t in enumerate(test_mask.tolist()) if not t]), ctx.public / "train_ancestors.csv")

    sample_ids = test_orders.column("id")
    cell_orders = []
    for notebook in sample_ids:
        with open(ctx.public / "test" / f"{notebook}.json") as f:
            cell_orders.append(" ".join(json.load(f)["cell_type"].keys()))
    write_csv(Table.from_columns([("id", sample_ids), ("cell_order", cell_orders)]), ctx.public / "sample_submission.csv")
    if len(sample_ids) != len(test_ids):
        raise RecipeError(
            f"train_orders.csv lists {len(sample_ids)} of the {len(test_ids)} test notebooks: the sample submission "
            "would not cover the test set"
        )
