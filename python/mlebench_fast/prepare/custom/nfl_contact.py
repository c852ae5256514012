"""nfl-player-contact-detection: the distinct game plays of train_labels.csv (in order of first
appearance) are split 90/10 with train_test_split; every train_* CSV is then filtered by game
play, rows in file order, and each game play's three videos follow it.

The reference reads these CSVs with pandas' default float parser (not round-trip): the
tracking data's `sa` values have 17+ digits, where the two differ, so the tables are read
with `pandas_floats.read_csv_default_floats`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv
from .pandas_floats import read_csv_default_floats

TABLES = ("baseline_helmets", "player_tracking", "video_metadata")
VIEWS = ("All29", "Endzone", "Sideline")


def _distinct(table: Table, column: str) -> tuple[np.ndarray, list[Any]]:
    """Per row the code of its value, and the distinct values in order of first appearance
    (without turning the whole column into Python objects)."""
    codes = np.asarray(table.codes(column), dtype=np.int64)
    if len(codes) == 0:
        return codes, []
    _, first_rows = np.unique(codes, return_index=True)
    return codes, table.take(first_rows.tolist()).column(column)


def _rows_in(table: Table, column: str, wanted: set[Any]) -> Table:
    """`table[table[column].isin(wanted)]`."""
    codes, values = _distinct(table, column)
    keep = np.array([v in wanted for v in values], dtype=bool)
    rows = np.flatnonzero(keep[codes]) if len(codes) else codes
    return table.take(rows.tolist())


def _read(ctx: Context, name: str) -> Table:
    path = ctx.raw / name
    if not path.is_file():
        raise RecipeError(f"this download has no {name}: is it nfl-player-contact-detection's download?")
    table = read_csv_default_floats(path)
    if "game_play" not in table.names:
        raise RecipeError(f"{name} has no game_play column")
    return table


def prepare(ctx: Context) -> None:
    labels = _read(ctx, "train_labels.csv")
    _, game_plays = _distinct(labels, "game_play")
    train_idx, test_idx = train_test_split_indices(len(game_plays), test_size=0.1, random_state=0)
    train_plays = {game_plays[i] for i in train_idx}
    test_plays = {game_plays[i] for i in test_idx}

    new_train = _rows_in(labels, "game_play", train_plays)
    new_test = _rows_in(labels, "game_play", test_plays)
    write_csv(new_train, ctx.public / "train_labels.csv")
    write_csv(new_test, ctx.private / "test.csv")
    sample = Table.from_columns([("contact_id", new_test.column("contact_id")), ("contact", [0] * len(new_test))])
    del labels

    for name in TABLES:
        table = _read(ctx, f"train_{name}.csv")
        write_csv(_rows_in(table, "game_play", train_plays), ctx.public / f"train_{name}.csv")
        write_csv(_rows_in(table, "game_play", test_plays), ctx.public / f"test_{name}.csv")
        del table

    pairs = []
    for side, part in (("train", new_train), ("test", new_test)):
        (ctx.public / side).mkdir(parents=True, exist_ok=True)
        for play in _distinct(part, "game_play")[1]:
            for view in VIEWS:
                video = ctx.raw / "train" / f"{play}_{view}.mp4"
                if not video.is_file():
                    raise RecipeError(f"this download has no train/{video.name} for game play {play}")
                pairs.append((video, ctx.public / side / video.name))
    copy_many(pairs, "Copying videos")
    write_csv(sample, ctx.public / "sample_submission.csv")
