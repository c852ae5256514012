"""google-research-identify-contrails-reduce-global-warming: as many train records as the
validation set holds become the new test set; the validation set is passed through."""

from __future__ import annotations

import json

import numpy as np

from ...split import Random, train_test_split_indices
from ..files import copy_many
from ..progress import track
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv
from .raw_inputs import need, need_files

BANDS = [f"band_{i:02}.npy" for i in range(8, 17)]
MASKS = ["human_individual_masks.npy", "human_pixel_masks.npy"]
SAMPLE_CHOICES = ["1 3 10 5", "-"]


def rle_text(mask: np.ndarray) -> str:
    """The reference's `rle_encode` joined by spaces ('-' when empty): runs of pixels equal to
    1 in `mask.T.flatten()` order (column-major for a (height, width[, 1]) mask), as 1-based
    start / length pairs."""
    dots = np.flatnonzero(mask.T.flatten() == 1)
    if dots.size == 0:
        return "-"
    breaks = np.flatnonzero(np.diff(dots) > 1)
    starts = np.concatenate(([dots[0]], dots[breaks + 1]))
    ends = np.concatenate((dots[breaks], [dots[-1]]))
    pairs = np.stack((starts + 1, ends - starts + 1), axis=1).ravel()
    return " ".join(str(int(v)) for v in pairs)


def _load_json(path) -> list:
    with open(path, "r") as f:
        records = json.load(f)
    if not isinstance(records, list):
        raise RecipeError(f"{path.name} should hold a list of records")
    return records


def prepare(ctx: Context) -> None:
    """train_test_split(train_metadata records, test_size=len(validation records),
    random_state=0). Answers (test order): RLE of human_pixel_masks.npy, height/width from
    band_08.npy's shape. Train records keep all 9 bands and both masks, test records only
    the bands. public/train_metadata.json is `json.dumps` of the train records; the sample
    submission draws random.choice(['1 3 10 5', '-']) per test record after random.seed(0)."""
    need(ctx, "train_metadata.json", "validation_metadata.json", "train")
    train_meta = _load_json(ctx.raw / "train_metadata.json")
    validation_meta = _load_json(ctx.raw / "validation_metadata.json")
    train_idx, test_idx = train_test_split_indices(len(train_meta), test_size=len(validation_meta), random_state=0)
    new_train = [train_meta[i] for i in train_idx]
    new_test = [train_meta[i] for i in test_idx]

    pairs = []
    for part, records, names in (("train", new_train, BANDS + MASKS), ("test", new_test, BANDS)):
        for record in records:
            rid = str(record["record_id"])
            pairs += [(ctx.raw / "train" / rid / n, ctx.public / part / rid / n) for n in names]
    need_files([src for src, _ in pairs], "train record files")

    ids, rles, heights, widths = [], [], [], []
    for record in track(new_test, "Encoding test masks"):
        rid = record["record_id"]
        folder = ctx.raw / "train" / str(rid)
        rles.append(rle_text(np.load(folder / "human_pixel_masks.npy")))
        shape = np.load(folder / "band_08.npy", mmap_mode="r").shape
        if len(shape) != 3:
            raise RecipeError(f"{folder}/band_08.npy should be height x width x time, its shape is {shape}")
        ids.append(rid)
        heights.append(int(shape[0]))
        widths.append(int(shape[1]))

    copy_many(pairs, "Copying records")
    validation = ctx.raw / "validation"
    (ctx.public / "validation").mkdir(parents=True, exist_ok=True)
    if validation.is_dir():
        copy_many(
            [(p, ctx.public / "validation" / p.relative_to(validation)) for p in sorted(validation.rglob("*")) if p.is_file()],
            "Copying validation",
        )
    copy_many([(ctx.raw / "validation_metadata.json", ctx.public / "validation_metadata.json")])
    with open(ctx.public / "train_metadata.json", "w") as f:
        f.write(json.dumps(new_train))
    write_csv(
        Table.from_columns([("record_id", ids), ("encoded_pixels", rles), ("height", heights), ("width", widths)]),
        ctx.private / "answers.csv",
    )
    rng = Random(0)
    sample = [rng.choice(SAMPLE_CHOICES) for _ in ids]
    write_csv(
        Table.from_columns([("record_id", ids), ("encoded_pixels", sample), ("height", heights), ("width", widths)]),
        ctx.public / "sample_submission.csv",
    )
