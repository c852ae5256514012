"""denoising-dirty-documents: 20% of the train images (sorted by file name) become the new
test set; the answers are the cleaned test images' pixels, one row per pixel
(`<image>_<row>_<col>`, 1-based) with the gray level / 255 as a float, as Pillow and numpy
compute it."""

from __future__ import annotations

import shutil

import numpy as np

from ... import _core
from ...split import train_test_split_indices
from .. import archive
from ..progress import track
from ..recipe import Context
from ..tables import Table, write_csv


def _pixel_rows(path) -> tuple[list[str], list[float]]:
    height, width, pixels = _core.png_gray(str(path))
    values = (np.frombuffer(bytes(pixels), dtype=np.uint8) / 255.0).tolist()
    stem = path.stem
    ids = [f"{stem}_{r}_{c}" for r in range(1, height + 1) for c in range(1, width + 1)]
    return ids, values


def prepare(ctx: Context) -> None:
    archive.extract(ctx.raw / "train.zip", ctx.public)
    images = sorted((ctx.public / "train").glob("*.png"))
    _, test_idx = train_test_split_indices(len(images), test_size=0.2, random_state=0)
    test_names = {images[i].name for i in test_idx}
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    for path in list((ctx.public / "train").glob("*.png")):
        if path.name in test_names:
            shutil.move(path, ctx.public / "test" / path.name)
    archive.extract(ctx.raw / "train_cleaned.zip", ctx.public)
    cleaned = ctx.private / "train_cleaned"
    cleaned.mkdir(parents=True, exist_ok=True)
    for path in list((ctx.public / "train_cleaned").glob("*.png")):
        if path.name in test_names:
            shutil.move(path, cleaned / path.name)
    ids: list[str] = []
    values: list[float] = []
    for path in track(sorted(cleaned.glob("*.png")), "Reading cleaned test images"):
        i, v = _pixel_rows(path)
        ids.extend(i)
        values.extend(v)
    write_csv(Table.from_columns([("id", ids), ("value", values)]), ctx.private / "answers.csv")
    shutil.rmtree(cleaned)
    write_csv(Table.from_columns([("id", ids), ("value", [1] * len(ids))]), ctx.public / "sampleSubmission.csv")
