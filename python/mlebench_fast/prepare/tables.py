"""Table helpers shared by the declarative recipes and the few competition-specific
preparations: each mirrors one pandas/scikit-learn idiom of the reference's preparations
and produces the same rows, columns and types."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import _core
from ..split import train_test_split_indices

Table = _core.Table


def read_csv(path: Path) -> Table:
    """`pd.read_csv(path, float_precision="round_trip")` (the reference's `read_csv`)."""
    path = Path(path)
    if not path.is_file():
        # FileNotFoundError names the file; prepare turns it into "this download has no ..."
        raise FileNotFoundError(2, "No such file", str(path))
    return Table.read_csv(path)


def write_csv(table: Table, path: Path, quoting: str = "minimal") -> None:
    """`df.to_csv(path, index=False)` (`quoting="nonnumeric"` for `csv.QUOTE_NONNUMERIC`)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(Path(path), quoting)


def split_rows(table: Table, *, test_size: Any, random_state: int, train_size: Any = None) -> tuple[Table, Table]:
    """`train_test_split(df, ...)`: both parts in the shuffled order scikit-learn returns."""
    train, test = train_test_split_indices(len(table), test_size=test_size, train_size=train_size, random_state=random_state)
    return table.take(train.tolist()), table.take(test.tolist())


def split_by_values(
    table: Table, column: str, *, unique: bool, test_size: Any, random_state: int, train_size: Any = None
) -> tuple[Table, Table]:
    """Split the values of `column` (all of them, or its distinct values in order of first
    appearance), then keep the rows whose value falls in each part, in the table's order
    (`df[df[column].isin(part)]`)."""
    codes = np.asarray(table.codes(column), dtype=np.int64)
    if unique:
        n = int(codes.max()) + 1 if len(codes) else 0
        train, test = train_test_split_indices(n, test_size=test_size, train_size=train_size, random_state=random_state)
        train_codes, test_codes = train, test
    else:
        train, test = train_test_split_indices(len(codes), test_size=test_size, train_size=train_size, random_state=random_state)
        train_codes, test_codes = codes[train], codes[test]
    in_train = np.isin(codes, train_codes)
    in_test = np.isin(codes, test_codes)
    return table.take(np.flatnonzero(in_train).tolist()), table.take(np.flatnonzero(in_test).tolist())


def rows_where_isin(table: Table, column: str, values: Sequence[Any]) -> Table:
    """`df[df[column].isin(values)]` for hashable scalars (NaN matches NaN, as pandas does)."""
    wanted = {_key(v) for v in values}
    keep = [i for i, v in enumerate(table.column(column)) if _key(v) in wanted]
    return table.take(keep)


def _key(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return ("nan",)
    return v


def constant(table: Table, column: str, value: Any) -> Table:
    """`df[column] = value` for a scalar: an int, float, bool or str column."""
    if not isinstance(value, (bool, int, float, str)):
        raise TypeError(f"constant for {column!r} must be a number, bool or text, not {value!r}")
    return table.with_column(column, [value] * len(table))


def one_hot(table: Table, id_column: str, target_column: str, classes: Sequence[str]) -> Table:
    """The reference's `df_to_one_hot`: `id_column`, then one int 0/1 column per class, in
    `classes` order. A label outside `classes` becomes a new last column (1.0 on its rows,
    NaN elsewhere) as pandas' `.loc` enlargement does."""
    ids = table.column(id_column)
    labels = table.column(target_column)
    columns: dict[str, list[Any]] = {id_column: ids}
    for c in classes:
        columns[c] = [0] * len(ids)
    for row, label in enumerate(labels):
        key = label if isinstance(label, str) else str(label)
        if key not in columns:
            columns[key] = [math.nan] * len(ids)
        columns[key][row] = 1 if key in classes else 1.0
    return Table.from_columns(list(columns.items()))


def rename(table: Table, old: str, new: str) -> Table:
    """`df.rename(columns={old: new})`: same position, same values."""
    return table.rename(old, new)


def renumber(table: Table, column: str, start: int) -> Table:
    """Replace `column` by start, start+1, ... in row order."""
    return table.with_column(column, list(range(start, start + len(table))))


def header(path: Path) -> list[str]:
    """The column names of a CSV (as pandas names them)."""
    return read_csv(path).names
