"""Preparations that split a folder of files rather than a table: dogs-vs-cats (images
renamed by class), the-icml-2013-whale-challenge (audio clips split by recording day)."""

from __future__ import annotations

import re
import shutil

from .. import archive, tables
from ..progress import track
from ..recipe import Context
from ...split import train_test_split_indices
from ..tables import write_csv


def dogs_vs_cats(ctx: Context) -> None:
    """train_test_split of the sorted train image paths; new train images renamed
    cat.<k>.jpg / dog.<k>.jpg, new test images 1.jpg, 2.jpg, ... (split order). The reference
    leaves both the folders and their zips in public/."""
    archive.extract(ctx.raw / "train.zip", ctx.raw)
    archive.extract(ctx.raw / "test.zip", ctx.raw)
    images = sorted((ctx.raw / "train").glob("*.jpg"))
    train_idx, test_idx = train_test_split_indices(len(images), test_size=0.1, random_state=0)
    train_images = [images[i] for i in train_idx]
    test_images = [images[i] for i in test_idx]
    counters = {"cat": 0, "dog": 0}
    (ctx.public / "train").mkdir(parents=True, exist_ok=True)
    for img in track(train_images, "Copying train images"):
        kind = "cat" if "cat" in img.name else "dog"
        shutil.copy(img, ctx.public / "train" / f"{kind}.{counters[kind]}.jpg")
        counters[kind] += 1
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    for i, img in enumerate(track(test_images, "Copying test images"), start=1):
        shutil.copy(img, ctx.public / "test" / f"{i}.jpg")
    archive.zip_folder(ctx.public / "train", ctx.public / "train.zip")
    archive.zip_folder(ctx.public / "test", ctx.public / "test.zip")
    ids = list(range(1, len(test_images) + 1))
    answers = tables.Table.from_columns([("id", ids), ("label", [int("dog" in img.name) for img in test_images])])
    write_csv(answers, ctx.private / "answers.csv")
    sample = tables.Table.from_columns([("id", ids), ("label", [0.5] * len(ids))])
    write_csv(sample, ctx.public / "sample_submission.csv")


def right_whale_redux(ctx: Context) -> None:
    """Clips grouped by recording day (file name before the first `_`): the two earliest
    days form the new train set, the two latest the new test set, each sorted by name.
    Train clips are renumbered TRAIN<i> (label suffix kept); test clips become
    <prefix>Test<i>.aif with their label moved to private/test.csv."""
    archive.extract(ctx.raw / "train2.zip", ctx.raw)
    by_day: dict[str, list] = {}
    for clip in (ctx.raw / "train2").iterdir():
        by_day.setdefault(clip.name.split("_")[0], []).append(clip)
    if len(by_day) != 4:
        raise ValueError(f"expected clips from 4 days in train2, found {len(by_day)}")
    days = sorted(by_day)
    new_train = sorted(by_day[days[0]] + by_day[days[1]])
    new_test = sorted(by_day[days[2]] + by_day[days[3]])
    (ctx.public / "train2").mkdir(parents=True, exist_ok=True)
    for i, clip in enumerate(track(new_train, "Copying train clips")):
        shutil.copy(clip, ctx.public / "train2" / re.sub(r"TRAIN\d+", f"TRAIN{i}", clip.name))
    (ctx.public / "test2").mkdir(parents=True, exist_ok=True)
    names, labels = [], []
    for i, clip in enumerate(track(new_test, "Copying test clips")):
        name = clip.name.split("TRAIN")[0] + f"Test{i}.aif"
        shutil.copy(clip, ctx.public / "test2" / name)
        names.append(name)
        labels.append(1 if clip.stem.endswith("_1") else 0)
    for folder in ("train2", "test2"):
        archive.zip_folder(ctx.public / folder, ctx.public / f"{folder}.zip", under_folder_name=True)
        shutil.rmtree(ctx.public / folder)
    write_csv(tables.Table.from_columns([("clip", names), ("probability", labels)]), ctx.private / "test.csv")
    write_csv(
        tables.Table.from_columns([("clip", names), ("probability", [0] * len(names))]), ctx.public / "sampleSubmission.csv"
    )
