"""google-quest-challenge: 10% of train.csv becomes the new test set. The reference makes
sure `question_type_spelling` is not constant in the test part (Spearman needs variation)
by swapping the contents of two rows, and its sample submission is a linspace per target."""

from __future__ import annotations

import math

import numpy as np

from ...split import train_test_split_indices
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv
from .raw_inputs import need

TARGETS = [
    "question_asker_intent_understanding",
    "question_body_critical",
    "question_conversational",
    "question_expect_short_answer",
    "question_fact_seeking",
    "question_has_commonly_accepted_answer",
    "question_interestingness_others",
    "question_interestingness_self",
    "question_multi_intent",
    "question_not_really_a_question",
    "question_opinion_seeking",
    "question_type_choice",
    "question_type_compare",
    "question_type_consequence",
    "question_type_definition",
    "question_type_entity",
    "question_type_instructions",
    "question_type_procedure",
    "question_type_reason_explanation",
    "question_type_spelling",
    "question_well_written",
    "answer_helpful",
    "answer_level_of_information",
    "answer_plausible",
    "answer_relevance",
    "answer_satisfaction",
    "answer_type_instructions",
    "answer_type_procedure",
    "answer_type_reason_explanation",
    "answer_well_written",
]


def _n_distinct(values: list) -> int:
    """pandas `nunique()`: distinct values, NaN not counted."""
    return len({v for v in values if not (isinstance(v, float) and math.isnan(v))})


def _swap_spelling_row(table: Table, train_idx: list[int], test_idx: list[int]) -> None:
    """The reference's swap: when `question_type_spelling` is constant among the test rows,
    the first test row (by position) and the first train row (split order) whose value is
    not 0 (NaN counts as not 0) exchange contents; each part keeps its row order, so
    swapping the two source rows in the index lists is the same."""
    spelling = table.column("question_type_spelling")
    if not test_idx or _n_distinct([spelling[i] for i in test_idx]) != 1:
        return
    for pos, row in enumerate(train_idx):
        if not spelling[row] == 0:
            train_idx[pos], test_idx[0] = test_idx[0], row
            return
    raise RecipeError("question_type_spelling is constant in the test part and 0 in every train row: nothing to swap")


def prepare(ctx: Context) -> None:
    (train_csv,) = need(ctx, "train.csv")
    old_train = read_csv(train_csv)
    missing = [c for c in ["qa_id", *TARGETS] if c not in old_train.names]
    if missing:
        raise RecipeError(f"train.csv lacks the columns {missing}: is it google-quest-challenge's train.csv?")
    train_idx, test_idx = (a.tolist() for a in train_test_split_indices(len(old_train), test_size=0.1, random_state=0))
    _swap_spelling_row(old_train, train_idx, test_idx)
    new_train, new_test = old_train.take(train_idx), old_train.take(test_idx)
    public_test = new_test.drop(TARGETS)
    answers = new_test.select(["qa_id", *TARGETS])
    ramp = np.linspace(0, 1, len(answers)).tolist()
    sample = answers
    for column in TARGETS:
        sample = sample.with_column(column, ramp)
    if len(public_test.names) != 11 or len(new_train.names) != 41:
        raise RecipeError(f"train.csv has {len(new_train.names)} columns, expected 41 (11 inputs + 30 targets)")
    for column in TARGETS:
        if _n_distinct(answers.column(column)) <= 1:
            raise RecipeError(f"target {column} is constant in the new test set (the reference asserts it is not)")
    write_csv(answers, ctx.private / "test.csv")
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(public_test, ctx.public / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
