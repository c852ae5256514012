"""champs-scalar-coupling: the new test set is 10% of the molecules of train.csv; the
structure and additional-data CSVs and the .xyz files keep only the new-train molecules."""

from __future__ import annotations

import numpy as np

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, constant, read_csv, rows_where_isin, write_csv

EXTRA_CSVS = (
    "structures.csv",
    "dipole_moments.csv",
    "magnetic_shielding_tensors.csv",
    "mulliken_charges.csv",
    "potential_energy.csv",
    "scalar_coupling_contributions.csv",
)


def _split_groups(table: Table, column: str) -> tuple[list[int], list[int]]:
    """`train_test_split(list(df.groupby(column)), test_size=0.1, random_state=0)`: the groups
    (sorted by key) are split, and each part is its groups concatenated in split order, rows in
    file order within a group. Returns the row positions of both parts."""
    codes = np.asarray(table.codes(column), dtype=np.int64)
    if len(codes) == 0:
        raise RecipeError("train.csv has no rows")
    firsts = np.unique(codes, return_index=True)[1]
    keys = table.take(firsts.tolist()).column(column)
    if any(not isinstance(k, str) for k in keys):
        raise RecipeError(f"train.csv: every {column} must be a name (text)")
    by_key = sorted(range(len(keys)), key=lambda c: keys[c])  # groupby's sorted group order
    order = np.argsort(codes, kind="stable")  # rows grouped by code, file order within a group
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes))])
    rows_of = [order[bounds[c] : bounds[c + 1]] for c in by_key]
    train_idx, test_idx = train_test_split_indices(len(rows_of), test_size=0.1, random_state=0)

    def rows(groups: np.ndarray) -> list[int]:
        return np.concatenate([rows_of[g] for g in groups]).tolist() if len(groups) else []

    return rows(train_idx), rows(test_idx)


def prepare(ctx: Context) -> None:
    """Split train.csv by molecule, write train/test/answers/sample submission, filter the
    other CSVs to the new-train molecules and copy their .xyz structures."""
    for name in ("train.csv", *EXTRA_CSVS):
        if not (ctx.raw / name).is_file():
            raise RecipeError(f"this download has no {name}: is it the champs-scalar-coupling download?")
    old_train = read_csv(ctx.raw / "train.csv")
    expected = ["id", "molecule_name", "atom_index_0", "atom_index_1", "type", "scalar_coupling_constant"]
    if old_train.names != expected:
        raise RecipeError(f"train.csv has columns {old_train.names}, expected {expected}")
    train_rows, test_rows = _split_groups(old_train, "molecule_name")
    new_train, answers = old_train.take(train_rows), old_train.take(test_rows)
    del old_train
    new_test = answers.drop(["scalar_coupling_constant"])
    sample = constant(new_test.select(["id"]), "scalar_coupling_constant", 0)
    write_csv(answers, ctx.private / "answers.csv")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.public / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")

    molecules = list(dict.fromkeys(new_train.column("molecule_name")))  # unique(), in order
    wanted = set(molecules)
    for name in EXTRA_CSVS:
        table = rows_where_isin(read_csv(ctx.raw / name), "molecule_name", molecules)
        if set(table.column("molecule_name")) != wanted:
            raise RecipeError(f"{name} does not cover exactly the new-train molecules (the reference asserts it does)")
        write_csv(table, ctx.public / name)
        del table
    copy_many(
        [(ctx.raw / "structures" / f"{m}.xyz", ctx.public / "structures" / f"{m}.xyz") for m in molecules],
        "Copying molecule structures",
    )
