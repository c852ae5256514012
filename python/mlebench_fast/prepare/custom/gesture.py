"""multi-modal-gesture-recognition: no split of rows; the samples of training4.tar.gz become the
new test set (the tar is shipped as public/test.tar.gz) and their sequences the answers."""

from __future__ import annotations

import csv
import shutil
import tarfile
from pathlib import Path, PurePosixPath

from ...split import Random
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv

# pandas' default NA strings: read_csv(dtype=str) still turns these into NaN
PANDAS_NA = {
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
}  # fmt: skip
COPIED = (
    "training1.tar.gz", "training2.tar.gz", "training3.tar.gz",
    "validation1.tar.gz", "validation2.tar.gz", "validation3.tar.gz",
    "devel01-40.7z", "valid_all_files_combined.7z", "sample_code_mmrgc.zip",
)  # fmt: skip


def _read_text_csv(path: Path) -> Table:
    """`pd.read_csv(path, dtype=str)`: every cell kept as written (zero-padded ids stay),
    pandas' NA strings and short rows' missing cells become NaN, blank lines are skipped."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row]
    if not rows:
        raise RecipeError(f"{path.name} is empty")
    names, body = rows[0], rows[1:]
    columns: list[list] = [[] for _ in names]
    for n, row in enumerate(body, start=2):
        if len(row) > len(names):
            raise RecipeError(f"{path.name} line {n}: {len(row)} fields, the header names {len(names)}")
        for i, column in enumerate(columns):
            cell = row[i] if i < len(row) else ""
            column.append(float("nan") if cell in PANDAS_NA else cell)
    return Table.from_columns(list(zip(names, columns)))


def _test_ids(tar_path: Path) -> list[str]:
    """The ids the reference finds after unpacking the tar: the last 4 characters of the stem
    of every top-level entry named *.zip, sorted as text. The tar is listed, not unpacked."""
    top: set[str] = set()
    with tarfile.open(tar_path, "r:*") as tf:
        for member in tf:
            parts = [p for p in PurePosixPath(member.name).parts if p not in ("/", ".")]
            if parts:
                top.add(parts[0])
    return sorted(PurePosixPath(name).stem[-4:] for name in top if PurePosixPath(name).match("*.zip"))


def prepare(ctx: Context) -> None:
    """training.csv rows of training4's samples go to private/test.csv, the others to
    public/training.csv; public/randomPredictions.csv = `random.seed(0)` then one
    `random.sample(range(1, 21), 20)` per test id; the tars and archives are copied."""
    for name in ("training.csv", "training4.tar.gz", *COPIED):
        if not (ctx.raw / name).is_file():
            raise RecipeError(f"this download has no {name}: is it the multi-modal-gesture-recognition download?")
    test_ids = _test_ids(ctx.raw / "training4.tar.gz")
    training = _read_text_csv(ctx.raw / "training.csv")
    if "Id" not in training.names:
        raise RecipeError("training.csv has no Id column")
    wanted = set(test_ids)
    is_test = [isinstance(i, str) and i in wanted for i in training.column("Id")]
    new_training = training.take([r for r, t in enumerate(is_test) if not t])
    answers = training.take([r for r, t in enumerate(is_test) if t])
    if len(answers) != len(test_ids) or len(new_training) != len(training) - len(test_ids):
        raise RecipeError(
            f"training.csv has {len(answers)} rows for the {len(test_ids)} samples of training4.tar.gz "
            "(the reference expects exactly one each)"
        )
    write_csv(new_training, ctx.public / "training.csv")
    write_csv(answers, ctx.private / "test.csv")
    write_csv(Table.from_columns([("Id", test_ids)]), ctx.public / "test.csv")
    rng = Random(0)
    predictions = [" ".join(str(x) for x in rng.sample(range(1, 21), 20)) for _ in test_ids]
    write_csv(Table.from_columns([("Id", test_ids), ("Sequence", predictions)]), ctx.public / "randomPredictions.csv")
    shutil.copyfile(ctx.raw / "training4.tar.gz", ctx.public / "test.tar.gz")
    for name in COPIED:
        shutil.copyfile(ctx.raw / name, ctx.public / name)
