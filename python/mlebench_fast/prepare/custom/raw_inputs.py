"""Checks of a Kaggle download's files, shared by the preparations of helper h2's
competitions: a missing file is named with the competition, not a bare FileNotFoundError."""

from __future__ import annotations

from pathlib import Path

from ..recipe import Context, RecipeError


def need(ctx: Context, *names: str) -> list[Path]:
    """The raw paths of `names`; a clear RecipeError when one is missing."""
    paths = [ctx.raw / name for name in names]
    for name, path in zip(names, paths):
        if not path.exists():
            raise RecipeError(
                f"this download has no {name}: is it the download of {ctx.competition_id}?"
            )
    return paths
