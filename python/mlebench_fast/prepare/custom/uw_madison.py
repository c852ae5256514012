"""uw-madison-gi-tract-image-segmentation: whole cases are split, then the days after the
4th of each train case with more than 4 days also become test days (as in the competition's
hidden test set)."""

from __future__ import annotations

from pathlib import Path

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv
from .raw_inputs import need, need_columns

SAMPLE_MASK = "1 1 5 2"


def _day_number(day: str) -> int:
    return int(day[len("day") :])


def _slice_sizes(scans: Path, cache: dict[Path, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Slice token -> names of the scans/ PNGs `slice_<token>_*.png` (one listing per folder)."""
    if scans not in cache:
        found: dict[str, list[str]] = {}
        if scans.is_dir():
            for p in scans.iterdir():
                parts = p.name.split("_")
                if p.name.startswith("slice_") and p.name.endswith(".png") and len(parts) >= 3:
                    found.setdefault(parts[1], []).append(p.name)
        cache[scans] = found
    return cache[scans]


def prepare(ctx: Context) -> None:
    """train_test_split(unique cases in first-appearance order, test_size=0.1, random_state=42).
    Case folders are copied whole to public/train or public/test; a train case's moved days go
    to public/test/<case>/<case>_<day>/. CSVs keep raw row order; private test.csv adds
    image_width/image_height from the scan's file name (slice_<n>_<width>_<height>_...),
    written as floats as the reference's per-row `.loc` assignment leaves them."""
    need(ctx, "train.csv", "train")
    old_train = read_csv(ctx.raw / "train.csv")
    need_columns(old_train, ["id", "class", "segmentation"], "train.csv")
    ids = [str(i) for i in old_train.column("id")]
    cases = [i.split("_")[0] for i in ids]
    days = [i.split("_")[1] if "_" in i else "" for i in ids]
    slices = [i.split("_")[-1] for i in ids]
    if any("_" not in i for i in ids):
        raise RecipeError("train.csv ids should look like case<N>_day<M>_slice_<K>")

    unique_cases = list(dict.fromkeys(cases))
    _, test_idx = train_test_split_indices(len(unique_cases), test_size=0.1, random_state=42)
    test_cases = {unique_cases[i] for i in test_idx}
    is_test = [c in test_cases for c in cases]

    train_days: dict[str, set[str]] = {}
    for case, day, test in zip(cases, days, is_test):
        if not test:
            train_days.setdefault(case, set()).add(day)
    moved: set[tuple[str, str]] = set()
    for case, case_days in train_days.items():
        if len(case_days) > 4:
            moved.update((case, d) for d in sorted(case_days, key=_day_number)[4:])
    is_test = [t or (c, d) in moved for t, c, d in zip(is_test, cases, days)]

    for case, day in dict.fromkeys(zip(cases, days)):
        if not (ctx.raw / "train" / case / f"{case}_{day}").is_dir():
            raise RecipeError(f"train.csv lists {case} {day} but the download has no train/{case}/{case}_{day}/ folder")
    moved_folders = {(case, f"{case}_{day}") for case, day in moved}
    pairs = []
    for case in unique_cases:
        src = ctx.raw / "train" / case
        for p in sorted(src.rglob("*")):
            if not p.is_file():
                continue
            rel = p.relative_to(src)
            to_test = case in test_cases or (len(rel.parts) > 1 and (case, rel.parts[0]) in moved_folders)
            pairs.append((p, ctx.public / ("test" if to_test else "train") / case / rel))
    (ctx.public / "train").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    copy_many(pairs, "Copying cases")

    train_rows = [i for i, t in enumerate(is_test) if not t]
    test_rows = [i for i, t in enumerate(is_test) if t]
    widths, heights = [], []
    cache: dict[Path, dict[str, list[str]]] = {}
    for r in test_rows:
        scans = ctx.raw / "train" / cases[r] / f"{cases[r]}_{days[r]}" / "scans"
        names = _slice_sizes(scans, cache).get(slices[r], [])
        if len(names) != 1:
            raise RecipeError(f"expected one scan slice_{slices[r]}_*.png in {scans}, found {len(names)}")
        parts = Path(names[0]).stem.split("_")
        widths.append(float(int(parts[2])))
        heights.append(float(int(parts[3])))

    new_train = old_train.take(train_rows).select(["id", "class", "segmentation"])
    new_test = old_train.take(test_rows)
    test_ids, test_classes = new_test.column("id"), new_test.column("class")
    write_csv(
        Table.from_columns([("id", test_ids), ("class", test_classes), ("predicted", [SAMPLE_MASK] * len(test_rows))]),
        ctx.public / "sample_submission.csv",
    )
    answers = Table.from_columns(
        [
            ("id", test_ids),
            ("class", test_classes),
            ("predicted", new_test.column("segmentation")),
            ("image_width", widths),
            ("image_height", heights),
        ]
    )
    write_csv(answers, ctx.private / "test.csv")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(Table.from_columns([("id", test_ids), ("class", test_classes)]), ctx.public / "test.csv")
