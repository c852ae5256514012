"""pandas idioms the reference's preparations use that the shared table helpers do not
cover (candidates for promotion to `tables.py`)."""

from __future__ import annotations

from typing import Any

from ... import _core
from ..recipe import RecipeError
from ..tables import Table


def sort_by_text(table: Table, column: str) -> Table:
    """`df.sort_values(by=column)` on a text column: numpy's unstable quicksort order for equal
    keys, missing values last (as pandas sorts)."""
    values = table.column(column)
    cells: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            cells.append(None)
        elif isinstance(v, str):
            cells.append(v)
        else:
            raise RecipeError(f"sorting by {column!r}: expected text values, found {v!r}")
    return table.take(list(_core.sort_values_order(cells)))


def inner_merge(left: Table, right: Table, on: str, columns: list[str]) -> Table:
    """`left.merge(right[[on, *columns]], on=on)`: inner join in left row order, a left row
    repeated once per matching right row (in right order)."""
    positions: dict[Any, list[int]] = {}
    for j, key in enumerate(right.column(on)):
        positions.setdefault(key, []).append(j)
    left_rows, right_rows = [], []
    for i, key in enumerate(left.column(on)):
        for j in positions.get(key, []):
            left_rows.append(i)
            right_rows.append(j)
    kept, matched = left.take(left_rows), right.take(right_rows)
    return Table.from_columns(
        [(name, kept.column(name)) for name in kept.names] + [(name, matched.column(name)) for name in columns]
    )
