"""ventilator-pressure-prediction: whole breaths go to the new test set. The reference lists
the groups of `groupby("breath_id")` (ascending breath_id, rows in file order), splits that
list with `train_test_split(test_size=0.1, random_state=0)`, concatenates each part's groups
in shuffled order, renumbers `id` from 1 and writes every CSV with float_format "%.10g".
train.csv is ~6M rows on the real data: it is read with polars into numpy columns and
written in row blocks (the Rust Table has no float_format)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...split import train_test_split_indices
from ..progress import Progress
from ..recipe import Context, RecipeError
from .raw_inputs import need

INT_COLUMNS = ["id", "breath_id", "R", "C", "u_out"]
FLOAT_COLUMNS = ["time_step", "u_in", "pressure"]
ROWS_PER_BLOCK = 200_000


def _read(path: Path) -> dict[str, np.ndarray]:
    """train.csv with the reference's dtypes (ints, float64 parsed exactly), in file order."""
    import polars as pl

    names = pl.read_csv(path, n_rows=0).columns
    if sorted(names) != sorted(INT_COLUMNS + FLOAT_COLUMNS):
        raise RecipeError(f"train.csv has the columns {names}, expected {INT_COLUMNS + FLOAT_COLUMNS}")
    schema = {c: (pl.Int64 if c in INT_COLUMNS else pl.Float64) for c in names}
    frame = pl.read_csv(path, schema=schema)
    for c in INT_COLUMNS:
        if frame[c].null_count():
            raise RecipeError(f"train.csv has missing values in the integer column {c}")
    return {c: frame[c].to_numpy() for c in names}


def _cells(column: str, values: np.ndarray) -> list[str]:
    """The cells of a block: ints as digits, floats with "%.10g" (NaN empty)."""
    if column in INT_COLUMNS:
        return list(map(str, values.tolist()))
    cells = list(map("%.10g".__mod__, values.tolist()))
    for i in np.flatnonzero(np.isnan(values)).tolist():
        cells[i] = ""
    return cells


def _write(
    path: Path, columns: dict[str, np.ndarray], rows: np.ndarray, names: list[str], label: str, zero: str | None = None
) -> None:
    """`df.loc[rows, names].to_csv(path, index=False, float_format="%.10g")` with `id`
    replaced by 1..n (and the column `zero` set to the int 0); no cell needs quoting."""
    bar = Progress(label, len(rows), unit="rows")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(names) + "\n")
        for start in range(0, len(rows), ROWS_PER_BLOCK):
            block = rows[start : start + ROWS_PER_BLOCK]
            cells = []
            for name in names:
                if name == "id":
                    cells.append(list(map(str, range(start + 1, start + 1 + len(block)))))
                elif name == zero:
                    cells.append(["0"] * len(block))
                else:
                    cells.append(_cells(name, columns[name][block]))
            f.write("\n".join(map(",".join, zip(*cells))) + "\n")
            bar.advance(len(block))
    bar.close()


def prepare(ctx: Context) -> None:
    (train_csv,) = need(ctx, "train.csv")
    columns = _read(train_csv)
    names = list(columns)
    keys, codes = np.unique(columns["breath_id"], return_inverse=True)
    by_group = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))])
    train_groups, test_groups = train_test_split_indices(len(keys), test_size=0.1, random_state=0)

    def rows_of(groups: np.ndarray) -> np.ndarray:
        parts = [by_group[bounds[g] : bounds[g + 1]] for g in groups.tolist()]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    train_rows, test_rows = rows_of(train_groups), rows_of(test_groups)
    public_test = [n for n in names if n != "pressure"]
    _write(ctx.public / "train.csv", columns, train_rows, names, "Writing train.csv")
    _write(ctx.public / "test.csv", columns, test_rows, public_test, "Writing test.csv")
    _write(
        ctx.public / "sample_submission.csv",
        columns,
        test_rows,
        ["id", "pressure"],
        "Writing sample_submission.csv",
        zero="pressure",
    )
    _write(ctx.private / "test.csv", columns, test_rows, names, "Writing private test.csv")
