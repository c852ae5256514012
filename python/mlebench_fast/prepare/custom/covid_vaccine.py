"""stanford-covid-vaccine: the new test set is `int(0.1 * n)` RNA sequences drawn with
`DataFrame.sample(n, random_state=0)` from those with SN_filter > 0; both parts keep the
file order of train.json (the reference selects them with a boolean mask). The answers
explode each test sequence into one row per position (targets on the first seq_scored
positions, 0.0 and keep=False after), written with float_format "%.10f"."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from ...split import pandas_sample_positions
from ..recipe import Context, RecipeError
from ..tables import header
from .pandas_json import JsonFrame, read_json_lines
from .raw_inputs import need

TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]


def _fixed10(value: Any) -> str:
    """A float64 cell under `float_format="%.10f"` (NaN -> empty)."""
    if value is None:
        return ""
    value = float(value)
    return "" if math.isnan(value) else "%.10f" % value


def _write_rows(path: Path, names: list[str], rows: list[list[str]]) -> None:
    """`to_csv(index=False)` of cells already formatted as pandas formats them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)


def _positions(frame: JsonFrame) -> list[list[str]]:
    """The reference's exploded answers: one row per position of every test sequence."""
    ids, scored, lengths = frame.column("id"), frame.column("seq_scored"), frame.column("seq_length")
    targets = [frame.column(t) for t in TARGETS]
    rows = []
    for r, (seq_id, n, k) in enumerate(zip(ids, scored, lengths)):
        if not isinstance(n, int) or not isinstance(k, int):
            raise RecipeError(f"sequence {seq_id}: seq_scored and seq_length must be integers")
        values = [t[r] for t in targets]
        for name, v in zip(TARGETS, values):
            if not isinstance(v, list) or len(v) != n:
                raise RecipeError(f"sequence {seq_id}: {name} must list seq_scored = {n} values")
        if not n < k:
            raise RecipeError(f"sequence {seq_id}: seq_scored ({n}) must be below seq_length ({k})")
        for j in range(n):
            rows.append([f"{seq_id}_{j}", *(_fixed10(v[j]) for v in values), "True"])
        zeros = [_fixed10(0.0)] * len(TARGETS)
        for j in range(n, k):
            rows.append([f"{seq_id}_{j}", *zeros, "False"])
    return rows


def prepare(ctx: Context) -> None:
    train_json, test_json, sample_csv = need(ctx, "train.json", "test.json", "sample_submission.csv")
    old_train = read_json_lines(train_json)
    old_test = read_json_lines(test_json)
    n_test = int(len(old_train) * 0.1)
    passing = [i for i, v in enumerate(old_train.column("SN_filter")) if isinstance(v, (int, float)) and v > 0]
    if n_test > len(passing):
        raise RecipeError(f"only {len(passing)} sequences pass SN_filter, fewer than the {n_test} test sequences")
    chosen = {passing[p] for p in pandas_sample_positions(len(passing), n=n_test, random_state=0).tolist()}
    new_train = old_train.take([i for i in range(len(old_train)) if i not in chosen])
    new_test = old_train.take(sorted(chosen))
    if set(TARGETS) & set(old_test.names):
        raise RecipeError("test.json already has target fields: is it this competition's test.json?")
    answers = _positions(new_test)
    lengths = set(new_test.column("seq_length"))
    if len(lengths) > 1:
        raise RecipeError(f"the test sequences have different seq_length values {sorted(lengths)} (the reference asserts one)")
    columns = ["id_seqpos", *TARGETS]
    if set(header(sample_csv)) != set(columns):
        raise RecipeError(f"sample_submission.csv has the columns {header(sample_csv)}, expected {columns}")
    _write_rows(ctx.private / "test.csv", [*columns, "keep"], answers)
    public_test = new_test.select(old_test.names)
    new_train = new_train.with_column("index", "int", list(range(len(new_train))))
    public_test = public_test.with_column("index", "int", list(range(len(public_test))))
    (ctx.public / "train.json").write_text(new_train.to_json_lines(), encoding="utf-8")
    (ctx.public / "test.json").write_text(public_test.to_json_lines(), encoding="utf-8")
    zero = _fixed10(0.0)
    _write_rows(ctx.public / "sample_submission.csv", columns, [[row[0], *[zero] * len(TARGETS)] for row in answers])
