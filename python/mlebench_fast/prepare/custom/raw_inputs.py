"""Checks of a Kaggle download's files, shared by the competition-specific preparations: a
missing input gives a clear error naming it and the competition ("is it this competition's
download?"), not a bare KeyError or FileNotFoundError deep inside a copy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..recipe import Context, RecipeError


def need(ctx: Context, *names: str) -> list[Path]:
    """The raw paths of `names` (files or folders relative to the raw folder); a clear
    RecipeError when one is missing."""
    paths = [ctx.raw / name for name in names]
    for name, path in zip(names, paths):
        if not path.exists():
            raise RecipeError(f"this download has no {name}: is it the download of {ctx.competition_id}?")
    return paths


def need_columns(table, columns: Iterable[str], what: str) -> None:
    """`table` must have every one of `columns` (`what` names the file in the error)."""
    missing = [c for c in columns if c not in table.names]
    if missing:
        raise RecipeError(f"{what} has no column(s) {', '.join(missing)} (columns: {', '.join(table.names)})")


def need_files(paths: Iterable[Path], what: str) -> None:
    """Every path must be a file (checked before a batch copy starts)."""
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise RecipeError(f"{len(missing)} {what} missing from the download, e.g. {missing[0]}")
