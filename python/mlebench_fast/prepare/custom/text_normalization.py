"""text-normalization-challenge-{english,russian}-language: the distinct sentence ids are
split (10% test), rows keep their file order, sentence ids are renumbered 0.. by first
appearance within each part, and every CSV is written with `csv.QUOTE_NONNUMERIC`; the
public CSVs are shipped only inside zips (stored, one member each)."""

from __future__ import annotations


from .. import archive
from ..archive import zip_file
from ..recipe import Context
from ..tables import Table, read_csv, split_by_values, write_csv


def _renumbered(table: Table) -> Table:
    return table.with_column("sentence_id", table.codes("sentence_id"))


def _ids(table: Table) -> list[str]:
    return [f"{s}_{t}" for s, t in zip(table.column("sentence_id"), table.column("token_id"))]


def _prepare(ctx: Context, lang: str) -> None:
    for name in (f"{lang}_test_2.csv", f"{lang}_train.csv", f"{lang}_sample_submission_2.csv"):
        archive.extract(ctx.raw / f"{name}.zip", ctx.raw)
    old_train = read_csv(ctx.raw / f"{lang}_train.csv")
    new_train, answers = split_by_values(old_train, "sentence_id", unique=True, test_size=0.1, random_state=0)
    new_train, answers = _renumbered(new_train), _renumbered(answers)
    new_test = answers.drop(["after", "class"])
    answers_out = Table.from_columns([("id", _ids(answers)), ("after", answers.column("after"))])
    sample = Table.from_columns([("id", _ids(new_test)), ("after", new_test.column("before"))])
    write_csv(answers_out, ctx.private / "answers.csv", "nonnumeric")
    write_csv(sample, ctx.private / "sample_submission.csv", "nonnumeric")
    public = {
        f"{lang}_train.csv": new_train,
        f"{lang}_test_2.csv": new_test,
        f"{lang}_sample_submission_2.csv": sample,
    }
    for name, table in public.items():
        path = ctx.public / name
        write_csv(table, path, "nonnumeric")
        zip_file(path, ctx.public / f"{name}.zip")
        path.unlink()


def english(ctx: Context) -> None:
    _prepare(ctx, "en")


def russian(ctx: Context) -> None:
    _prepare(ctx, "ru")
