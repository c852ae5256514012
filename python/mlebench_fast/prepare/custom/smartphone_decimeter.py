"""smartphone-decimeter-2022: drives (the folders of train/) are grouped by their date (the
first three '-' parts, month and day zero-padded); the sorted dates are split 90/10 with
train_test_split and each drive follows its date. Drive folders are copied as they are, except
the test drives' ground_truth.csv files, which become the answers (tripId '<drive>-<phone>')."""

from __future__ import annotations

from pathlib import Path

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv
from .pandas_floats import read_csv_default_floats

ANSWER_COLUMNS = ["UnixTimeMillis", "LatitudeDegrees", "LongitudeDegrees"]
SAMPLE_LATITUDE = 37.904611315634504
SAMPLE_LONGITUDE = -86.48107806249548


def drive_date(drive: str) -> str:
    """'2021-4-8-US-MTV-1' -> '2021-04-08' (the reference's checks as clear errors)."""
    parts = drive.split("-")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[:3]):
        raise RecipeError(f"drive folder {drive!r} does not start with a YYYY-MM-DD date")
    year, month, day = parts[:3]
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}"


def _tree(src: Path, dst: Path, skip_name: str | None = None) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Files and folders of `shutil.copytree(src, dst)` (minus files named `skip_name`)."""
    pairs, folders = [], [dst]
    for p in sorted(src.rglob("*")):
        target = dst / p.relative_to(src)
        if p.is_dir():
            folders.append(target)
        elif p.name != skip_name:
            pairs.append((p, target))
    return pairs, folders


def prepare(ctx: Context) -> None:
    train_root = ctx.raw / "train"
    if not train_root.is_dir():
        raise RecipeError("this download has no train/ folder: is it smartphone-decimeter-2022's download?")
    drives = sorted(p.name for p in train_root.iterdir() if p.is_dir())
    dates = sorted({drive_date(d) for d in drives})
    train_idx, test_idx = train_test_split_indices(len(dates), test_size=0.1, random_state=0)
    test_dates = {dates[i] for i in test_idx}
    train_drives = [d for d in drives if drive_date(d) not in test_dates]
    test_drives = [d for d in drives if drive_date(d) in test_dates]

    pairs: list[tuple[Path, Path]] = []
    folders: list[Path] = [ctx.public / "train", ctx.public / "test"]
    for side, side_drives in (("train", train_drives), ("test", test_drives)):
        for drive in side_drives:
            p, f = _tree(train_root / drive, ctx.public / side / drive, "ground_truth.csv" if side == "test" else None)
            pairs += p
            folders += f
    metadata = ctx.raw / "metadata"
    if not metadata.is_dir():
        raise RecipeError("this download has no metadata/ folder")
    p, f = _tree(metadata, ctx.public / "metadata")
    pairs += p
    folders += f
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    copy_many(pairs, "Copying drives")

    # the reference reads public/test/**/ground_truth.csv in sorted Path order (part by part)
    truths = []
    for drive in test_drives:
        truths += [p for p in (train_root / drive).rglob("ground_truth.csv") if p.is_file()]
    truths.sort(key=lambda p: p.relative_to(train_root).parts)
    columns: dict[str, list] = {"tripId": [], **{c: [] for c in ANSWER_COLUMNS}}
    for path in truths:
        table = read_csv_default_floats(path)
        missing = [c for c in ANSWER_COLUMNS if c not in table.names]
        if missing:
            raise RecipeError(f"{path.relative_to(ctx.raw)} has no {', '.join(missing)} column")
        columns["tripId"] += [f"{path.parent.parent.name}-{path.parent.name}"] * len(table)
        for c in ANSWER_COLUMNS:
            columns[c] += table.column(c)
    if not truths:
        raise RecipeError("the new test drives have no ground_truth.csv")
    trips = {"-".join(t.split("-")[:-1]) for t in columns["tripId"]}
    if len(trips) != len(test_drives):
        raise RecipeError(f"the answers cover {len(trips)} drives, the new test set has {len(test_drives)}")
    write_csv(Table.from_columns(list(columns.items())), ctx.private / "test.csv")
    n = len(columns["tripId"])
    sample = dict(columns, LatitudeDegrees=[SAMPLE_LATITUDE] * n, LongitudeDegrees=[SAMPLE_LONGITUDE] * n)
    write_csv(Table.from_columns(list(sample.items())), ctx.public / "sample_submission.csv")
