"""vesuvius-challenge-ink-detection: train fragment 3 becomes the hidden test fragment 'a'."""

from __future__ import annotations

import struct
from pathlib import Path

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv
from .raw_inputs import need, need_columns

HIDDEN = ("inklabels.png", "inklabels_rle.csv", "ir.png")
ALLOWED_SUFFIXES = (".png", ".csv", ".tif")


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG from its IHDR chunk: what PIL's `Image.open(path).size` says."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise RecipeError(f"{path} is not a PNG image")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _tree_pairs(src: Path, dst: Path) -> list[tuple[Path, Path]]:
    return [(p, dst / p.relative_to(src)) for p in sorted(src.rglob("*")) if p.is_file()]


def prepare(ctx: Context) -> None:
    """Fragments 1 and 2 are copied whole (copytree) to public/train; fragment 3's files
    except its labels and ir.png go to public/test/a (the reference insists every file of it
    is a .png/.csv/.tif). Its single RLE row is renamed Id 'a' in place and gets the ir.png
    width/height as columns (private answers; the gold submission lacks them). The sample
    submission is the fixed row (a, '1 1 5 1')."""
    need(ctx, "train/1", "train/2", "train/3/inklabels_rle.csv", "train/3/ir.png")
    fragment = ctx.raw / "train" / "3"
    labels = read_csv(fragment / "inklabels_rle.csv")
    need_columns(labels, ["Id", "Predicted"], "train/3/inklabels_rle.csv")
    if len(labels) != 1:
        raise RecipeError(f"train/3/inklabels_rle.csv should hold a single row, it has {len(labels)}")
    width, height = png_size(fragment / "ir.png")
    answers = labels.with_column("width", [width]).with_column("height", [height]).with_column("Id", ["a"])
    write_csv(answers, ctx.private / "inklabels_rle.csv")
    write_csv(answers.drop(["width", "height"]), ctx.private / "gold_submission.csv")

    pairs = _tree_pairs(ctx.raw / "train" / "1", ctx.public / "train" / "1")
    pairs += _tree_pairs(ctx.raw / "train" / "2", ctx.public / "train" / "2")
    for src, dst in _tree_pairs(fragment, ctx.public / "test" / "a"):
        if src.suffix not in ALLOWED_SUFFIXES:
            raise RecipeError(f"train/3 holds {src.relative_to(fragment)}: expected only .png, .csv and .tif files")
        if src.name not in HIDDEN:
            pairs.append((src, dst))
    copy_many(pairs, "Copying fragments")
    sample = Table.from_columns([("Id", ["a"]), ("Predicted", ["1 1 5 1"])])
    write_csv(sample, ctx.public / "sample_submission.csv")
