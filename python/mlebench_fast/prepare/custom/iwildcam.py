"""iwildcam-2019-fgvc6 and iwildcam-2020-fgvc7: camera-trap images split by camera location,
so no location has images on both sides."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ...split import train_test_split_indices
from ..progress import Progress
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv

_COPY_CHUNK = 1 << 20


def _rezip(src: zipfile.ZipFile, names: Iterable[str], dst: Path, label: str) -> None:
    """A new zip (deflated, as `shutil.make_archive`) of members of `src` under the same flat
    names, streamed member to member: the reference extracts the whole archive, copies the
    chosen files to a folder and zips that folder; the members are the same bytes."""
    names = list(dict.fromkeys(names))
    bar = Progress(label, len(names))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=src.getinfo(name).date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with src.open(name) as fin, out.open(info, "w", force_zip64=True) as fout:
                shutil.copyfileobj(fin, fout, _COPY_CHUNK)
            bar.advance()
    bar.close()


def iwildcam_2019(ctx: Context) -> None:
    """The distinct train.csv locations (first-appearance order) go through
    `train_test_split(test_size=0.1, random_state=8)`; all outputs keep train.csv's row order.
    The sample submission is written with pandas' index (an unnamed first column of the
    original row numbers), then Id and Category=0."""
    csv, images_zip = ctx.raw / "train.csv", ctx.raw / "train_images.zip"
    for path in (csv, images_zip):
        if not path.is_file():
            raise RecipeError(f"this download has no {path.name}: is it iwildcam-2019-fgvc6's?")
    old = read_csv(csv)
    for column in ("id", "location", "category_id"):
        if column not in old.names:
            raise RecipeError(f"train.csv has no {column} column")
    codes = np.asarray(old.codes("location"), dtype=np.int64)
    n_locations = int(codes.max()) + 1 if len(codes) else 0
    _, test_codes = train_test_split_indices(n_locations, test_size=0.1, random_state=8)
    in_test = np.isin(codes, test_codes)
    train_rows = np.flatnonzero(~in_test).tolist()
    test_rows = np.flatnonzero(in_test).tolist()
    new_train, answers = old.take(train_rows), old.take(test_rows)
    new_test = answers.drop(["category_id"])
    test_ids = answers.column("id")
    gold = Table.from_columns([("Id", test_ids), ("Category", answers.column("category_id"))])
    sample = Table.from_columns([("", test_rows), ("Id", test_ids), ("Category", [0] * len(test_ids))])

    with zipfile.ZipFile(images_zip) as images:
        members = {name for name in images.namelist() if "/" not in name and name.endswith(".jpg")}
        n_ids = len(set(old.column("id")))
        if len(members) != n_ids:
            raise RecipeError(f"train_images.zip holds {len(members)} images for {n_ids} distinct train.csv ids")
        for part, ids in (("train", new_train.column("id")), ("test", test_ids)):
            missing = [i for i in ids if f"{i}.jpg" not in members]
            if missing:
                raise RecipeError(f"train_images.zip has no image {missing[0]}.jpg ({len(missing)} {part} images missing)")
        write_csv(answers, ctx.private / "test.csv")
        write_csv(gold, ctx.private / "answers.csv")
        write_csv(new_train, ctx.public / "train.csv")
        write_csv(new_test, ctx.public / "test.csv")
        write_csv(sample, ctx.public / "sample_submission.csv")
        _rezip(images, (f"{i}.jpg" for i in new_train.column("id")), ctx.public / "train_images.zip", "Zipping train images")
        _rezip(images, (f"{i}.jpg" for i in test_ids), ctx.public / "test_images.zip", "Zipping test images")
