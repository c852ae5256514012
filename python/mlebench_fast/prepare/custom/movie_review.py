"""movie-review-sentiment-analysis-kernels-only: 30% of train.tsv becomes the new test set.
The data are tab-separated (pandas `read_csv(sep="\\t")` / `to_csv(sep="\\t")`), which the
Rust `Table` does not speak, so the TSV is translated to and from the CSV form field by
field with Python's `csv` module (the writer pandas itself uses)."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

from .. import archive
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, split_rows, write_csv
from .raw_inputs import need


def read_tsv(path: Path) -> Table:
    """`pd.read_csv(path, sep="\\t")`: the fields are re-quoted as CSV (streamed through a
    temporary file) and typed by `Table.read_csv`, so inference, missing values and the
    skipping of blank lines are pandas' own rules."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / (Path(path).stem + ".csv")
        with open(path, newline="", encoding="utf-8") as src, open(csv_path, "w", newline="", encoding="utf-8") as dst:
            writer = csv.writer(dst, lineterminator="\n")
            for row in csv.reader(src, delimiter="\t"):
                if row:
                    writer.writerow(row)
        return read_csv(csv_path)


def write_tsv(table: Table, path: Path) -> None:
    """`df.to_csv(path, sep="\\t", index=False)`: pandas formats every cell to text, then
    hands the rows to `csv.writer`; the cells are taken from the CSV text of the table."""
    text = table.to_csv_string("minimal")
    with open(path, "w", newline="", encoding="utf-8") as dst:
        writer = csv.writer(dst, delimiter="\t", lineterminator="\n")
        writer.writerows(csv.reader(io.StringIO(text, newline="")))


def prepare(ctx: Context) -> None:
    (train_zip,) = need(ctx, "train.tsv.zip")
    archive.extract(train_zip, ctx.raw)
    (train_tsv,) = need(ctx, "train.tsv")
    old_train = read_tsv(train_tsv)
    columns = ["PhraseId", "SentenceId", "Phrase", "Sentiment"]
    if old_train.names != columns:
        raise RecipeError(f"train.tsv has the columns {old_train.names}, expected {columns}")
    ids = old_train.column("PhraseId")
    if len(set(ids)) != len(ids):
        raise RecipeError("train.tsv repeats a PhraseId")
    new_train, answers = split_rows(old_train, test_size=0.3, random_state=0)
    new_test = answers.drop(["Sentiment"])
    sample = answers.select(["PhraseId"]).with_column("Sentiment", [2] * len(answers))
    write_csv(answers, ctx.private / "answers.csv")
    write_csv(sample, ctx.public / "sampleSubmission.csv")
    for name, table in (("train.tsv", new_train), ("test.tsv", new_test)):
        path = ctx.public / name
        write_tsv(table, path)
        archive.zip_file(path, ctx.public / f"{name}.zip", compression=zipfile.ZIP_DEFLATED)
        path.unlink()
