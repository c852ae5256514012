"""ml2021spring-hw2: the TIMIT frames of train_11.npy are split by row index with the size
ratio of Kaggle's test_11.npy; the parts are saved as .npy files like `np.save` writes them.
The feature matrix is ~2 GB on the real data, so it is memory-mapped and its rows gathered
into the output files chunk by chunk, never loaded whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...split import train_test_split_indices
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv
from .raw_inputs import need

ROWS_PER_CHUNK = 1 << 16


def _save_rows(src: np.ndarray, rows: np.ndarray, dst: Path) -> None:
    """`np.save(dst, src[rows])` without holding `src[rows]`: `open_memmap` writes the same
    header as `np.save` (C order, minimal format version) and the rows follow in chunks."""
    out = np.lib.format.open_memmap(dst, mode="w+", dtype=src.dtype, shape=(len(rows), *src.shape[1:]))
    for start in range(0, len(rows), ROWS_PER_CHUNK):
        part = rows[start : start + ROWS_PER_CHUNK]
        out[start : start + len(part)] = src[part]
    out.flush()
    del out


def prepare(ctx: Context) -> None:
    folder = Path("timit_11") / "timit_11"
    train_path, label_path, test_path = need(
        ctx, *(str(folder / f"{name}.npy") for name in ("train_11", "train_label_11", "test_11"))
    )
    features = np.load(train_path, mmap_mode="r")
    labels = np.load(label_path)
    n_test_old = len(np.load(test_path, mmap_mode="r"))
    if len(labels) != len(features):
        raise RecipeError(f"train_11.npy has {len(features)} rows but train_label_11.npy {len(labels)} labels")
    n = len(features)
    train_idx, test_idx = train_test_split_indices(n, test_size=n_test_old / (n + n_test_old), random_state=0)
    out = ctx.public / folder
    out.mkdir(parents=True, exist_ok=True)
    _save_rows(features, train_idx, out / "train_11.npy")
    np.save(out / "train_label_11.npy", labels[train_idx])
    _save_rows(features, test_idx, out / "test_11.npy")
    ids = list(range(len(test_idx)))
    write_csv(Table.from_columns([("Id", ids), ("ClassId", [0] * len(ids))]), ctx.public / "sampleSubmission.csv")
    write_csv(Table.from_columns([("Id", ids), ("ClassId", labels[test_idx].tolist())]), ctx.private / "answers.csv")
