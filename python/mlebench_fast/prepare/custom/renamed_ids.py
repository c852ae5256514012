"""Preparations that split train.csv and give the rows new ids, moving each row's files to
its new name: plant-pathology-2020-fgvc7 (images) and nomad2018 (geometry files)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..progress import track
from ..recipe import Context
from ..tables import read_csv, split_rows, write_csv
from .. import archive, tables


def plant_pathology(ctx: Context) -> None:
    """New train rows get image ids Train_0, Train_1, ..., new test rows Test_0, ... (in split
    order); the renaming is simultaneous (pandas `Series.replace(dict)`), though old and new
    names overlap, and every raw train image is copied under its new name."""
    old_train = read_csv(ctx.raw / "train.csv")
    new_train, answers = split_rows(old_train, test_size=0.1, random_state=0)
    to_new: dict[str, str] = {}
    for prefix, part in (("Train", new_train), ("Test", answers)):
        for i, old in enumerate(dict.fromkeys(part.column("image_id"))):
            to_new[old] = f"{prefix}_{i}"
    rename = lambda t: t.with_column("image_id", [to_new.get(v, v) for v in t.column("image_id")])  # noqa: E731
    new_train, answers = rename(new_train), rename(answers)
    new_test = answers.select(["image_id"])
    sample = new_test
    for label in ("healthy", "multiple_diseases", "rust", "scab"):
        sample = tables.constant(sample, label, 0.25)
    (ctx.public / "images").mkdir(parents=True, exist_ok=True)
    for old in track(old_train.column("image_id"), "Copying images"):
        if not str(old).startswith("Train_"):
            raise ValueError(f"train image id {old!r} does not start with Train_")
        shutil.copyfile(ctx.raw / "images" / f"{old}.jpg", ctx.public / "images" / f"{to_new.get(old, old)}.jpg")
    write_csv(answers, ctx.private / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    write_csv(new_test, ctx.public / "test.csv")
    write_csv(new_train, ctx.public / "train.csv")


def nomad2018(ctx: Context) -> None:
    """Ids renumbered 1..n separately for the new train and test rows (split order); each
    row's geometry file follows it to public/{train,test}/<new id>/geometry.xyz."""
    for name in ("train", "train.csv", "test", "test.csv"):
        archive.extract(ctx.raw / f"{name}.zip", ctx.raw / name)
    old_train = read_csv(ctx.raw / "train.csv" / "train.csv")
    new_train, new_test = split_rows(old_train, test_size=0.1, random_state=0)
    maps = []
    renamed = []
    for part in (new_train, new_test):
        mapping = {old: new for new, old in enumerate(part.column("id"), start=1)}
        maps.append(mapping)
        renamed.append(part.with_column("id", [mapping[v] for v in part.column("id")]))
    new_train, new_test = renamed
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.private / "test.csv")
    write_csv(new_test.drop(["formation_energy_ev_natom", "bandgap_energy_ev"]), ctx.public / "test.csv")
    # the reference's glob("train/train/**/*.xyz") without recursive=True: one folder level
    geometry = sorted(str(p) for p in (ctx.raw / "train" / "train").glob("*/*.xyz"))
    for folder, mapping in (("train", maps[0]), ("test", maps[1])):
        for src in track(geometry, f"Copying {folder} geometry"):
            old_id = int(Path(src).parts[-2])
            if old_id in mapping:
                dst = ctx.public / folder / str(mapping[old_id]) / "geometry.xyz"
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(src, dst)
    sample = tables.Table.from_columns([("id", new_test.column("id"))])
    sample = tables.constant(sample, "formation_energy_ev_natom", 0.1779)
    sample = tables.constant(sample, "bandgap_energy_ev", 1.8892)
    write_csv(sample, ctx.public / "sample_submission.csv")
