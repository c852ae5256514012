"""Small competition-specific steps of preparations that are otherwise declarative (the
tables they read and write are named in the competition's prepare.yaml): a renamed answer
column, a column-count check, a seeded random sample submission."""

from __future__ import annotations

from ..recipe import Context, RecipeError
from ..tables import Table
from ...split import RandomState


def chaii_answers(ctx: Context) -> None:
    """chaii: the answers are `id` and `answer_text` renamed `PredictionString`; the sample
    submission is the same ids with the constant text "dummy text"."""
    new_test = ctx.table("new_test")
    ids = new_test.column("id")
    ctx.tables["answers"] = Table.from_columns([("id", ids), ("PredictionString", new_test.column("answer_text"))])
    ctx.tables["sample"] = Table.from_columns([("id", ids), ("PredictionString", ["dummy text"] * len(ids))])


def jigsaw_bias_check(ctx: Context) -> None:
    """jigsaw-unintended-bias: the reference asserts test_private_expanded.csv has the 45
    columns of the real file (comment, toxicity target and subgroup columns)."""
    test = ctx.table("test")
    if len(test.names) != 45:
        raise RecipeError(
            f"test_private_expanded.csv has {len(test.names)} columns, expected 45: "
            "is this the download of jigsaw-unintended-bias-in-toxicity-classification?"
        )
    for column in ("id", "comment_text"):
        if column not in test.names:
            raise RecipeError(f"test_private_expanded.csv has no {column!r} column")


def essay_scores_sample(ctx: Context) -> None:
    """learning-agency-lab-automated-essay-scoring-2: the sample submission's scores are
    `np.random.RandomState(42).randint(1, 7, size=n)` in test-row order."""
    answers = ctx.table("answers")
    scores = RandomState(42).randint(1, 7, size=len(answers)).tolist()
    ctx.tables["sample"] = Table.from_columns([("essay_id", answers.column("essay_id")), ("score", scores)])
