"""h-and-m-personalized-fashion-recommendations: no randomness, the last 8 calendar days of
transactions_train.csv (t_dat >= max(t_dat) - 7 days) are the test period.

transactions_train.csv is 3.5 GB (31M rows) on Kaggle, so it is streamed in chunks of lines,
each parsed by the Rust `Table` (pandas' types) and written back as pandas writes the whole
frame. A chunk read infers the same column types as a whole-file read as long as every chunk
infers the same ones; when they do not (or a chunk's lines are not one row each, e.g. quoted
newlines), the file is read whole instead so the bytes stay pandas'."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..progress import track
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv
from .trees import copy_tree

CHUNK_LINES = 1_000_000
COLUMNS = ["t_dat", "customer_id", "article_id", "price", "sales_channel_id"]


class _Irregular(Exception):
    """The chunked read cannot stand for a whole-file read of this CSV."""


def _line_chunks(path: Path, lines: int) -> Iterator[tuple[bytes, list[bytes]]]:
    with open(path, "rb") as f:
        header = f.readline()
        while True:
            chunk = list(itertools.islice(f, lines))
            if not chunk:
                return
            yield header, chunk


def _table_chunks(path: Path, scratch: Path, lines: int = CHUNK_LINES) -> Iterator[Table]:
    """The CSV as consecutive Tables of `lines` rows, each with the column types of the first."""
    dtypes = None
    part = scratch / "chunk.csv"
    for header, chunk in _line_chunks(path, lines):
        with open(part, "wb") as f:
            f.write(header)
            f.writelines(chunk)
            if not chunk[-1].endswith(b"\n"):
                f.write(b"\n")
        table = Table.read_csv(part)
        if len(table) != len(chunk):
            raise _Irregular
        kinds = [table.dtype(n) for n in table.names]
        if dtypes is None:
            dtypes = kinds
        elif kinds != dtypes:
            raise _Irregular
        yield table
    part.unlink(missing_ok=True)


def _day(text: object, cache: dict) -> dt.datetime:
    try:
        return cache[text]
    except KeyError:
        pass
    try:
        day = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise RecipeError(f"transactions_train.csv: t_dat {text!r} is not an ISO date (YYYY-MM-DD)") from None
    cache[text] = day
    return day


def _max_day(path: Path, cache: dict) -> dt.datetime:
    """The latest t_dat, from a polars scan of that one column (kept as text)."""
    import polars as pl

    try:
        days = pl.scan_csv(path, infer_schema_length=0).select(pl.col("t_dat").unique()).collect().to_series().to_list()
    except (pl.exceptions.ColumnNotFoundError, pl.exceptions.ComputeError) as e:
        raise RecipeError(f"transactions_train.csv cannot be read as this competition's file (no t_dat column?): {e}") from None
    parsed = [_day(v, cache) for v in days if v is not None]
    if not parsed:
        raise RecipeError("transactions_train.csv has no transactions")
    return max(parsed)


class _Split:
    """Accumulates the new train CSV (written as it goes) and the test rows' (customer,
    article) pairs."""

    def __init__(self, out: Path, threshold: dt.datetime, cache: dict) -> None:
        self.out, self.threshold, self.cache = out, threshold, cache
        self.f = open(out, "w", encoding="utf-8", newline="")
        self.header_written = False
        self.test_customers: list = []
        self.test_articles: list = []

    def add(self, table: Table) -> None:
        if table.names != COLUMNS:
            raise RecipeError(f"transactions_train.csv has columns {table.names}, expected {COLUMNS}")
        codes = np.asarray(table.codes("t_dat"), dtype=np.int64)
        firsts = np.unique(codes, return_index=True)[1] if len(codes) else np.zeros(0, dtype=np.int64)
        days = table.take(firsts.tolist()).column("t_dat")
        # a missing date (NaT) compares False: the row stays in train, as in pandas
        code_in_test = np.array([not _missing(v) and _day(v, self.cache) >= self.threshold for v in days], dtype=bool)
        in_test = code_in_test[codes] if len(codes) else np.zeros(0, dtype=bool)
        train = table.take(np.flatnonzero(~in_test).tolist())
        test_rows = np.flatnonzero(in_test).tolist()
        if test_rows:
            test = table.take(test_rows)
            self.test_customers.extend(test.column("customer_id"))
            self.test_articles.extend(test.column("article_id"))
        text = train.to_csv_string("minimal")
        if self.header_written:
            text = text.split("\n", 1)[1] if "\n" in text else ""
        self.f.write(text)
        self.header_written = True

    def close(self) -> None:
        self.f.close()


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _answers(customers: list, articles: list) -> Table:
    """`new_test.groupby("customer_id")["article_id"].apply(" ".join(astype(str)))`: one row per
    customer in sorted order (missing ids dropped), articles in row order."""
    groups: dict = {}
    for customer, article in zip(customers, articles):
        if _missing(customer):
            continue
        groups.setdefault(customer, []).append(_pandas_str(article))
    keys = sorted(groups)
    return Table.from_columns([("customer_id", keys), ("prediction", [" ".join(groups[k]) for k in keys])])


def _pandas_str(value: object) -> str:
    if isinstance(value, float):
        from ... import _core

        return _core.float_repr(value)
    return str(value)


def prepare(ctx: Context) -> None:
    """Split transactions_train.csv by date (test period: the last 8 days), answers grouped
    by customer, and copy articles.csv, customers.csv, sample_submission.csv and images/."""
    for name in ("transactions_train.csv", "articles.csv", "customers.csv", "sample_submission.csv"):
        if not (ctx.raw / name).is_file():
            raise RecipeError(f"this download has no {name}: is it the H&M competition's download?")
    if not (ctx.raw / "images").is_dir():
        raise RecipeError("this download has no images/ folder: is it the H&M competition's download?")
    source = ctx.raw / "transactions_train.csv"
    cache: dict = {}
    threshold = _max_day(source, cache) - dt.timedelta(days=7)
    ctx.public.mkdir(parents=True, exist_ok=True)
    out = ctx.public / "transactions_train.csv"
    split = _Split(out, threshold, cache)
    try:
        with tempfile.TemporaryDirectory(dir=ctx.raw) as scratch:
            for table in track(_table_chunks(source, Path(scratch)), "Splitting transactions", unit="chunks of 1M rows"):
                split.add(table)
    except _Irregular:
        split.close()
        split = _Split(out, threshold, cache)
        split.add(read_csv(source))
    finally:
        split.close()
    if not split.test_customers:
        raise RecipeError("no transaction falls in the test period")
    ctx.private.mkdir(parents=True, exist_ok=True)
    _answers(split.test_customers, split.test_articles).to_csv(ctx.private / "answers.csv")

    for name in ("sample_submission.csv", "articles.csv", "customers.csv"):
        shutil.copyfile(ctx.raw / name, ctx.public / name)
    copy_tree(ctx.raw / "images", ctx.public / "images", "Copying article images")
