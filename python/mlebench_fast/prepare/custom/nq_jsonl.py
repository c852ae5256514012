"""tensorflow2-question-answering: simplified-nq-train.jsonl (~17 GB on the real data) is
streamed in chunks of 1000 lines, as the reference's `read_json(chunksize=1000)`; EACH chunk
is split on its own (`train_test_split(test_size=0.1, random_state=0)`) and its shuffled
rows are appended to the output JSON lines as pandas' `to_json` writes them. The gold
answers come from each test example's single annotation."""

from __future__ import annotations

import math
from typing import Any

from ...split import train_test_split_indices
from ..progress import Progress
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv
from .pandas_json import Column, read_json_line_chunks
from .raw_inputs import need

CHUNK_LINES = 1000
PUBLIC_TEST_FIELDS = ["example_id", "question_text", "document_text", "long_answer_candidates"]


def _as_str(column: Column) -> list[str]:
    """`Series.astype(str)` of a column as read_json typed it."""
    if column.kind == "bool":
        return ["True" if v else "False" for v in column.values]
    if column.kind == "float":
        return ["nan" if math.isnan(v) else repr(v) for v in column.values]
    return [v if isinstance(v, str) else str(v) for v in column.values]


def _span(start: Any, end: Any) -> str:
    return f"{start}:{end}"


def _answers(example_id: str, annotations: Any) -> tuple[str, str]:
    """(short, long) PredictionStrings of an example: the yes/no answer unless NONE, else the
    first short answer's span, else empty; the long answer's span unless it starts at -1."""
    if not isinstance(annotations, list) or len(annotations) != 1:
        raise RecipeError(f"example {example_id} must have exactly one annotation")
    a = annotations[0]
    try:
        if a["yes_no_answer"] != "NONE":
            short = a["yes_no_answer"]
        elif len(a["short_answers"]) > 0:
            short = _span(a["short_answers"][0]["start_token"], a["short_answers"][0]["end_token"])
        else:
            short = ""
        la = a["long_answer"]
        long = _span(la["start_token"], la["end_token"]) if la["start_token"] != -1 else ""
    except (KeyError, TypeError, IndexError) as e:
        raise RecipeError(f"example {example_id}: its annotation lacks {e}") from None
    return str(short), long


def _count_lines(path) -> int:
    """Newlines in the file (for the progress line only), read in large binary blocks."""
    n = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            n += block.count(b"\n")
    return n


def prepare(ctx: Context) -> None:
    (train_path,) = need(ctx, "simplified-nq-train.jsonl")
    n_lines = _count_lines(train_path)
    raw_lines = n_train = n_test = 0
    gold_ids: list[str] = []
    gold_answers: list[str] = []
    bar = Progress("Splitting simplified-nq-train.jsonl", n_lines, unit="lines")
    with (
        open(ctx.public / "simplified-nq-train.jsonl", "w", encoding="utf-8") as train_out,
        open(ctx.private / "test.jsonl", "w", encoding="utf-8") as test_out,
        open(ctx.public / "simplified-nq-test.jsonl", "w", encoding="utf-8") as public_test_out,
    ):
        for chunk, chunk_lines in read_json_line_chunks(train_path, CHUNK_LINES):
            raw_lines += chunk_lines
            chunk.column("example_id")  # a clear error when the field is missing
            chunk = chunk.with_column("example_id", "object", _as_str(chunk.columns["example_id"]))
            train_idx, test_idx = train_test_split_indices(len(chunk), test_size=0.1, random_state=0)
            new_train, new_test = chunk.take(train_idx.tolist()), chunk.take(test_idx.tolist())
            train_out.write(new_train.to_json_lines())
            test_out.write(new_test.to_json_lines())
            public_test_out.write(new_test.select(PUBLIC_TEST_FIELDS).to_json_lines())
            n_train, n_test = n_train + len(new_train), n_test + len(new_test)
            for example_id, annotations in zip(new_test.column("example_id"), new_test.column("annotations")):
                short, long = _answers(example_id, annotations)
                gold_ids += [f"{example_id}_short", f"{example_id}_long"]
                gold_answers += [short, long]
            bar.advance(chunk_lines)
    bar.close()
    if n_train + n_test != raw_lines:
        raise RecipeError(
            f"simplified-nq-train.jsonl has {raw_lines} lines but {n_train + n_test} examples "
            "(blank lines?): the reference asserts they are equal"
        )
    write_csv(
        Table.from_columns([("example_id", gold_ids), ("PredictionString", gold_answers)]), ctx.private / "gold_submission.csv"
    )
    write_csv(
        Table.from_columns([("example_id", gold_ids), ("PredictionString", [""] * len(gold_ids))]),
        ctx.public / "sample_submission.csv",
    )
