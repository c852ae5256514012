"""Checks on the Kaggle download shared by helper h7's preparations (medical imaging and
segmentation competitions): a missing input gives a clear error naming it, not a bare
KeyError or FileNotFoundError deep inside a copy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..recipe import Context, RecipeError


def need(ctx: Context, *names: str) -> None:
    """Every `names` (a file or folder relative to the raw folder) must exist."""
    for name in names:
        if not (ctx.raw / name).exists():
            raise RecipeError(
                f"this download has no {name}: is it the download of {ctx.competition_id}?"
            )


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
