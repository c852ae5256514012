"""kuzushiji-recognition: the gold submission of the held-out pages."""

from __future__ import annotations

from ..recipe import Context, RecipeError
from ..tables import write_csv


def _points(labels: str, image_id: str) -> str:
    """'code x y w h ...' -> 'code x+1 y+1 ...' (a point inside each box)."""
    parts = labels.split()
    if len(parts) % 5:
        raise RecipeError(f"the labels of {image_id} are not groups of 'code x y w h'")
    return " ".join(f"{c} {int(x) + 1} {int(y) + 1}" for c, x, y in zip(parts[0::5], parts[1::5], parts[2::5]))


def gold_submission(ctx: Context) -> None:
    """private/gold_submission.csv: the held-out rows with their labels turned into points.
    (A held-out page without characters has no labels: the reference fails on it too.)"""
    test = ctx.table("new_test")
    labels = []
    for image_id, text in zip(test.column("image_id"), test.column("labels")):
        if not isinstance(text, str):
            raise RecipeError(f"held-out page {image_id} has no labels: the reference cannot make its gold submission")
        labels.append(_points(text, image_id))
    write_csv(test.with_column("labels", labels), ctx.private / "gold_submission.csv")
