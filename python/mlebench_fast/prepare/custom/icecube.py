"""icecube-neutrinos-in-deep-ice: the distinct batch ids of train_meta.parquet (order of first
appearance) are split 90/10 with train_test_split; each side's metadata rows keep file order
and its batch_<n>.parquet files are copied as they are.

The reference writes the two metadata tables with pandas' `to_parquet(engine="fastparquet")`,
whose bytes are fastparquet's (and carry its and pandas' versions), so they are written here
with fastparquet too (imported only here; it brings pandas). The real table has ~132M rows:
it is read and written one column at a time, and the CSVs are written in chunks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table

LABELS = ["azimuth", "zenith"]
CSV_CHUNK_ROWS = 1_000_000


def _fastparquet():
    try:
        import fastparquet
        import pandas
    except ImportError:
        raise RecipeError(
            "icecube-neutrinos-in-deep-ice writes its metadata tables with fastparquet, as the reference does: "
            "pip install fastparquet (or pip install 'mlebench-fast[prepare]')"
        ) from None
    return fastparquet, pandas


def _first_appearance(values: np.ndarray) -> np.ndarray:
    """`Series.unique()` of an integer column: distinct values in order of first appearance."""
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


def _write_meta(path: Path, source, columns: list[str], rows: np.ndarray) -> None:
    """`df.to_parquet(path, index=False, engine="fastparquet")` of the given rows and columns
    (a fresh RangeIndex, as after the reference's `reset_index(drop=True)`)."""
    fastparquet, pd = _fastparquet()
    data = {c: source.to_pandas(columns=[c])[c].to_numpy()[rows] for c in columns}
    frame = pd.DataFrame(data, columns=columns, copy=False)
    del data
    fastparquet.write(str(path), frame, compression="snappy", write_index=False, partition_on=None)


def _write_csv_chunks(path: Path, columns: list[tuple[str, np.ndarray]]) -> None:
    """`to_csv(index=False)` of numpy columns, a million rows at a time."""
    n = len(columns[0][1])
    with open(path, "w", newline="") as f:
        for start in range(0, max(n, 1), CSV_CHUNK_ROWS):
            part = Table.from_columns([(name, values[start : start + CSV_CHUNK_ROWS].tolist()) for name, values in columns])
            text = part.to_csv_string("minimal")
            f.write(text if start == 0 else text.split("\n", 1)[1])


def prepare(ctx: Context) -> None:
    meta_path = ctx.raw / "train_meta.parquet"
    if not meta_path.is_file():
        raise RecipeError("this download has no train_meta.parquet: is it icecube-neutrinos-in-deep-ice's download?")
    fastparquet, _ = _fastparquet()
    source = fastparquet.ParquetFile(str(meta_path))
    columns = list(source.columns)
    for needed in ["batch_id", "event_id", *LABELS]:
        if needed not in columns:
            raise RecipeError(f"train_meta.parquet has no {needed} column (columns: {columns})")

    batch = source.to_pandas(columns=["batch_id"])["batch_id"].to_numpy()
    batch_ids = _first_appearance(batch)
    train_idx, test_idx = train_test_split_indices(len(batch_ids), test_size=0.1, random_state=0)
    train_batches, test_batches = batch_ids[train_idx], batch_ids[test_idx]
    train_rows = np.flatnonzero(np.isin(batch, train_batches))
    test_rows = np.flatnonzero(np.isin(batch, test_batches))
    del batch

    _write_meta(ctx.public / "train_meta.parquet", source, columns, train_rows)
    del train_rows
    _write_meta(ctx.public / "test_meta.parquet", source, [c for c in columns if c not in LABELS], test_rows)

    event = source.to_pandas(columns=["event_id"])["event_id"].to_numpy()[test_rows]
    answers = [("event_id", event)] + [(c, source.to_pandas(columns=[c])[c].to_numpy()[test_rows]) for c in LABELS]
    _write_csv_chunks(ctx.private / "test.csv", answers)
    ones = np.ones(len(event), dtype=np.int64)
    _write_csv_chunks(ctx.public / "sample_submission.csv", [("event_id", event), ("azimuth", ones), ("zenith", ones)])
    del answers, event, ones

    geometry = ctx.raw / "sensor_geometry.csv"
    if not geometry.is_file():
        raise RecipeError("this download has no sensor_geometry.csv")
    shutil.copyfile(geometry, ctx.public / "sensor_geometry.csv")

    train_set = {int(b) for b in train_batches}
    test_set = {int(b) for b in test_batches}
    pairs = []
    for side in ("train", "test"):
        (ctx.public / side).mkdir(parents=True, exist_ok=True)
    for batch_file in sorted((ctx.raw / "train").glob("*.parquet")):
        try:
            batch_id = int(batch_file.stem.split("_")[-1])
        except ValueError:
            raise RecipeError(f"train/{batch_file.name} is not named batch_<number>.parquet") from None
        if batch_id in train_set:
            pairs.append((batch_file, ctx.public / "train" / batch_file.name))
        elif batch_id in test_set:
            pairs.append((batch_file, ctx.public / "test" / batch_file.name))
    copy_many(pairs, "Copying batch files")
    expected = len(train_set) + len(test_set)
    if len(pairs) != expected:
        raise RecipeError(f"train/ holds {len(pairs)} batch files of the {expected} batches in train_meta.parquet")
