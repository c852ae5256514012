"""Preparations that split a table of images (or scans) with one `train_test_split` and copy
each row's files into public/: plant-seedlings-classification, paddy-disease-classification,
plant-pathology-2021-fgvc8, imet-2020-fgvc7, petfinder-pawpularity-score, hotel-id-2021-fgvc8,
rsna-miccai-brain-tumor-radiogenomic-classification and invasive-species-monitoring.

All copies go through `copy_many` (parallel, progress line); the reference copies one file at
a time, the bytes are the same."""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import archive, tables
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, split_rows, write_csv
from ...split import default_rng


def _need(ctx: Context, name: str) -> Path:
    """raw/<name>, or a clear error when the download lacks it."""
    path = ctx.raw / name
    if not path.exists():
        raise RecipeError(f"this download has no {name}: is it the {ctx.competition_id} download?")
    return path


def _columns(table: Table, names: Sequence[str], what: str) -> None:
    missing = [n for n in names if n not in table.names]
    if missing:
        raise RecipeError(f"{what} has no column(s) {', '.join(missing)} (columns: {', '.join(table.names)})")


def _plain(value: Any) -> str:
    """A table cell used as a file or folder name (str() as the reference's f-strings do)."""
    text = str(value)
    if "/" in text or "\\" in text or text in ("", ".", ".."):
        raise RecipeError(f"{text!r} is not a plain file or folder name")
    return text


def _copy_rows(table: Table, columns: Sequence[str], src: Callable[..., Path], dst: Callable[..., Path], label: str) -> None:
    """Copy one file per row: src(*row values) -> dst(*row values)."""
    values = [table.column(c) for c in columns]
    pairs = []
    for row in zip(*values):
        names = [_plain(v) for v in row]
        pairs.append((src(*names), dst(*names)))
    copy_many(pairs, label)


def _constant(table: Table, column: str, value: Any) -> Table:
    return tables.constant(table, column, value)


def _split_flat_images(
    ctx: Context,
    *,
    csv_name: str,
    id_column: str,
    test_size: float,
    src_folder: str,
    train_folder: str,
    test_folder: str,
    suffix: str,
    target: str,
    sample_value: Any,
    answers: str,
    train_csv: str = "train.csv",
) -> tuple[Table, Table]:
    """train_test_split(csv, test_size, random_state=0); answers = test rows with all columns,
    sample = the same rows with `target` set to a constant; raw/<src>/<id><suffix> copied to
    public/<train_folder>/ or public/<test_folder>/."""
    old_train = read_csv(_need(ctx, csv_name))
    _columns(old_train, [id_column, target], csv_name)
    new_train, new_test = split_rows(old_train, test_size=test_size, random_state=0)
    write_csv(new_test, ctx.private / answers)
    write_csv(new_train, ctx.public / train_csv)
    write_csv(_constant(new_test, target, sample_value), ctx.public / "sample_submission.csv")
    source = _need(ctx, src_folder)
    for part, folder in ((new_train, train_folder), (new_test, test_folder)):
        out = ctx.public / folder
        out.mkdir(parents=True, exist_ok=True)
        _copy_rows(part, [id_column], lambda i: source / f"{i}{suffix}", lambda i: out / f"{i}{suffix}", f"Copying {folder}")
    return new_train, new_test


def plant_pathology_2021(ctx: Context) -> None:
    """20% of train.csv; sample labels "healthy"; images copied by their `image` file name."""
    _split_flat_images(
        ctx,
        csv_name="train.csv",
        id_column="image",
        test_size=0.2,
        src_folder="train_images",
        train_folder="train_images",
        test_folder="test_images",
        suffix="",
        target="labels",
        sample_value="healthy",
        answers="answers.csv",
    )


def imet_2020(ctx: Context) -> None:
    """15% of train.csv; sample attribute_ids "0 1 2"; labels.csv copied as is."""
    _split_flat_images(
        ctx,
        csv_name="train.csv",
        id_column="id",
        test_size=0.15,
        src_folder="train",
        train_folder="train",
        test_folder="test",
        suffix=".png",
        target="attribute_ids",
        sample_value="0 1 2",
        answers="answers.csv",
    )
    copy_many([(_need(ctx, "labels.csv"), ctx.public / "labels.csv")], "Copying labels.csv")


def petfinder_pawpularity(ctx: Context) -> None:
    """10% of train.csv; public test.csv without Pawpularity; the sample's Pawpularity is
    `np.random.default_rng(0).uniform(1, 100, n_test).round(2)` in test-row order."""
    old_train = read_csv(_need(ctx, "train.csv"))
    _columns(old_train, ["Id", "Pawpularity"], "train.csv")
    new_train, new_test = split_rows(old_train, test_size=0.1, random_state=0)
    draws = np.round(default_rng(0).uniform(1, 100, len(new_test)), 2)
    sample = new_test.select(["Id", "Pawpularity"]).with_column("Pawpularity", [float(x) for x in draws])
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(new_test, ctx.private / "test.csv")
    write_csv(new_test.drop(["Pawpularity"]), ctx.public / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    source = _need(ctx, "train")
    for part, folder in ((new_train, "train"), (new_test, "test")):
        out = ctx.public / folder
        out.mkdir(parents=True, exist_ok=True)
        _copy_rows(part, ["Id"], lambda i: source / f"{i}.jpg", lambda i: out / f"{i}.jpg", f"Copying {folder} images")


def hotel_id_2021(ctx: Context) -> None:
    """Every row of ce27d36c9147cc19.jpg (listed twice in Kaggle's train.csv) is dropped, then
    10% of the rest is the new test; train images keep their chain folder, test images are
    flat. The sample's hotel_id is the constant "36363 53586 18807 64314 60181"."""
    old_train = read_csv(_need(ctx, "train.csv"))
    _columns(old_train, ["image", "chain", "hotel_id"], "train.csv")
    keep = [i for i, image in enumerate(old_train.column("image")) if image != "ce27d36c9147cc19.jpg"]
    old_train = old_train.take(keep)
    new_train, new_test = split_rows(old_train, test_size=0.1, random_state=0)
    sample = _constant(new_test.select(["image", "hotel_id"]), "hotel_id", "36363 53586 18807 64314 60181")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    write_csv(new_test, ctx.private / "test.csv")
    source = _need(ctx, "train_images")
    (ctx.public / "train_images").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test_images").mkdir(parents=True, exist_ok=True)
    _copy_rows(
        new_train,
        ["image", "chain"],
        lambda image, chain: source / chain / image,
        lambda image, chain: ctx.public / "train_images" / chain / image,
        "Copying train images",
    )
    _copy_rows(
        new_test,
        ["image", "chain"],
        lambda image, chain: source / chain / image,
        lambda image, chain: ctx.public / "test_images" / image,
        "Copying test images",
    )


def paddy_disease(ctx: Context) -> None:
    """75% of train.csv stays train (train_size=0.75); the sample's label is an empty string
    (written as an empty field); images move from train_images/<label>/ to
    public/train_images/<label>/ or flat public/test_images/."""
    old_train = read_csv(_need(ctx, "train.csv"))
    _columns(old_train, ["image_id", "label"], "train.csv")
    sample_columns = tables.header(_need(ctx, "sample_submission.csv"))
    if set(sample_columns) != {"image_id", "label"}:
        raise RecipeError(f"sample_submission.csv has columns {sample_columns}, expected image_id and label")
    new_train, new_test = split_rows(old_train, test_size=None, train_size=0.75, random_state=0)
    sample = _constant(new_test.select(["image_id", "label"]), "label", "")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    write_csv(new_test, ctx.private / "test.csv")
    # the reference refuses to copy onto an existing file: an image id twice in a part
    for part, what in ((new_train, "train"), (new_test, "test")):
        ids = part.column("image_id") if what == "test" else list(zip(part.column("label"), part.column("image_id")))
        if len(set(ids)) != len(ids):
            raise RecipeError(f"train.csv lists an image twice in the new {what} set")
    source = _need(ctx, "train_images")
    _copy_rows(
        new_train,
        ["label", "image_id"],
        lambda label, image: source / label / image,
        lambda label, image: ctx.public / "train_images" / label / image,
        "Copying train images",
    )
    _copy_rows(
        new_test,
        ["label", "image_id"],
        lambda label, image: source / label / image,
        lambda label, image: ctx.public / "test_images" / image,
        "Copying test images",
    )


def plant_seedlings(ctx: Context) -> None:
    """The table is the folder tree raw/train/<species>/<file>.png (species folders, then
    .png names, each in sorted str order), columns file,species; 14% of it is the new test.
    Only answers and sample (species "Sugar beet") are written; no train CSV."""
    train_dir = _need(ctx, "train")
    files: list[str] = []
    species: list[str] = []
    for label in sorted(os.listdir(train_dir)):
        if (train_dir / label).is_dir():
            for name in sorted(os.listdir(train_dir / label)):
                if name.endswith(".png"):
                    files.append(name)
                    species.append(label)
    if not files:
        raise RecipeError("raw/train has no <species>/<file>.png images: is it the plant-seedlings download?")
    old_train = Table.from_columns([("file", files), ("species", species)])
    new_train, new_test = split_rows(old_train, test_size=0.14, random_state=0)
    write_csv(new_test, ctx.private / "answers.csv")
    write_csv(_constant(new_test, "species", "Sugar beet"), ctx.public / "sample_submission.csv")
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    (ctx.public / "train").mkdir(parents=True, exist_ok=True)
    _copy_rows(
        new_train,
        ["species", "file"],
        lambda s, f: train_dir / s / f,
        lambda s, f: ctx.public / "train" / s / f,
        "Copying train images",
    )
    _copy_rows(
        new_test,
        ["species", "file"],
        lambda s, f: train_dir / s / f,
        lambda s, f: ctx.public / "test" / f,
        "Copying test images",
    )


def _read_with_text_column(path: Path, column: str) -> Table:
    """`pd.read_csv(path, dtype={column: str})`: `column` keeps its text (zero padding), the
    other columns get pandas' inferred types."""
    table = read_csv(path)
    _columns(table, [column], path.name)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        at = header.index(column)
        texts: list[Any] = [row[at] if row[at] != "" else float("nan") for row in reader if row]
    if len(texts) != len(table):
        raise RecipeError(f"{path.name}: {len(texts)} rows read as text, {len(table)} as a table")
    return table.with_column(column, texts)


def rsna_miccai(ctx: Context) -> None:
    """train_labels.csv read with BraTS21ID as text (zero-padded ids stay padded) and
    MGMT_value as int; 10% is the new test; each case folder raw/train/<id>/ is copied whole
    to public/train/<id>/ or public/test/<id>/. Sample MGMT_value 0.5."""
    labels = _need(ctx, "train_labels.csv")
    old_train = _read_with_text_column(labels, "BraTS21ID")
    _columns(old_train, ["MGMT_value"], "train_labels.csv")
    if old_train.dtype("MGMT_value") != "int64":
        raise RecipeError(f"train_labels.csv: MGMT_value must be integers (read as {old_train.dtype('MGMT_value')})")
    new_train, new_test = split_rows(old_train, test_size=0.1, random_state=0)
    source = _need(ctx, "train")
    for part, folder in ((new_train, "train"), (new_test, "test")):
        pairs = []
        for case in part.column("BraTS21ID"):
            case_dir = source / _plain(case)
            if not case_dir.is_dir():
                raise RecipeError(f"raw/train has no folder for case {case}")
            out_dir = ctx.public / folder / case
            for root, dirs, names in os.walk(case_dir):
                rel = Path(root).relative_to(case_dir)
                (out_dir / rel).mkdir(parents=True, exist_ok=True)  # copytree keeps empty folders too
                pairs.extend((Path(root) / n, out_dir / rel / n) for n in names)
        (ctx.public / folder).mkdir(parents=True, exist_ok=True)
        copy_many(pairs, f"Copying {folder} cases")
    write_csv(new_train, ctx.public / "train_labels.csv")
    write_csv(new_test, ctx.private / "test.csv")
    write_csv(_constant(new_test, "MGMT_value", 0.5), ctx.public / "sample_submission.csv")


def invasive_species(ctx: Context) -> None:
    """20% of train_labels.csv (from train_labels.csv.zip) is the new test. The public CSVs
    are shipped only zipped (one deflated member each). The reference's public train.7z and
    test.7z hold no images: py7zr's write() of a folder stores just the folder's own entry,
    and the copied images are then deleted; the same empty archives are written here (the
    images are only checked to exist, not copied)."""
    archive.extract(_need(ctx, "train.7z"), ctx.raw)
    archive.extract(_need(ctx, "train_labels.csv.zip"), ctx.raw)
    old_train = read_csv(_need(ctx, "train_labels.csv"))
    _columns(old_train, ["name", "invasive"], "train_labels.csv")
    new_train, answers = split_rows(old_train, test_size=0.2, random_state=0)
    for part in (new_train, answers):
        names = part.column("name")
        if len(set(names)) != len(names):
            raise RecipeError("train_labels.csv lists an image name twice")
        missing = [n for n in names if not (ctx.raw / "train" / f"{_plain(n)}.jpg").is_file()]
        if missing:
            raise RecipeError(f"train.7z has no image for {len(missing)} names, e.g. {missing[0]}.jpg")
    sample = _constant(answers, "invasive", 0.5)
    write_csv(answers, ctx.private / "answers.csv")
    write_csv(sample, ctx.private / "sample_submission.csv")
    for table, name in ((sample, "sample_submission.csv"), (new_train, "train_labels.csv")):
        write_csv(table, ctx.public / name)
        archive.zip_file(ctx.public / name, ctx.public / f"{name}.zip", compression=zipfile.ZIP_DEFLATED)
        (ctx.public / name).unlink()
    try:
        import py7zr
    except ImportError:
        raise RecipeError(
            "invasive-species-monitoring writes .7z archives: pip install 'mlebench-fast[prepare]' (py7zr)"
        ) from None
    for folder in ("train", "test"):
        empty = ctx.public / folder
        empty.mkdir()
        with py7zr.SevenZipFile(ctx.public / f"{folder}.7z", "w") as sz:
            sz.write(empty, arcname=folder)
        empty.rmdir()
