"""siim-covid19-detection: the split is made over studies; each image follows its study."""

from __future__ import annotations

import math

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, split_rows, write_csv
from .frames import sort_by_text
from .raw_inputs import need, need_columns

STUDY_LABELS = ["negative", "typical", "indeterminate", "atypical"]


def _first_max(values: list) -> int:
    """`Series.argmax()` of a row's one-hot columns: the position of the first maximum."""
    best = None
    for i, v in enumerate(values):
        if isinstance(v, float) and math.isnan(v):
            continue
        if best is None or v > values[best]:
            best = i
    if best is None:
        raise RecipeError("a study row of train_study_level.csv has no label value")
    return best


def prepare(ctx: Context) -> None:
    """train_test_split(train_study_level.csv, test_size=0.1, random_state=0), both parts then
    sorted by id (pandas' unstable sort). Images go with their study (StudyInstanceUID +
    '_study'), sorted by id; the reference asserts every image lands in one part. Study folders
    are copied whole. Answers: one '<label> 1 0 0 1 1' row per test study (label by the first
    maximal one-hot column), then the test images with their raw label string."""
    need(ctx, "train_study_level.csv", "train_image_level.csv", "train")
    studies = read_csv(ctx.raw / "train_study_level.csv")
    images = read_csv(ctx.raw / "train_image_level.csv")
    need_columns(studies, ["id"], "train_study_level.csv")
    need_columns(images, ["id", "label", "StudyInstanceUID"], "train_image_level.csv")
    if studies.names[0] != "id" or len(studies.names) != 1 + len(STUDY_LABELS):
        raise RecipeError(f"train_study_level.csv should be id + 4 one-hot columns, not {studies.names}")
    train_studies, test_studies = split_rows(studies, test_size=0.1, random_state=0)
    train_studies = sort_by_text(train_studies, "id")
    test_studies = sort_by_text(test_studies, "id")
    write_csv(train_studies, ctx.public / "train_study_level.csv")

    train_set, test_set = set(train_studies.column("id")), set(test_studies.column("id"))
    keys = [f"{s}_study" if isinstance(s, str) else None for s in images.column("StudyInstanceUID")]
    train_images = sort_by_text(images.take([i for i, k in enumerate(keys) if k in train_set]), "id")
    test_images = sort_by_text(images.take([i for i, k in enumerate(keys) if k in test_set]), "id")
    if len(train_images) + len(test_images) != len(images):
        raise RecipeError(
            f"{len(images) - len(train_images) - len(test_images)} rows of train_image_level.csv "
            "belong to no study of train_study_level.csv"
        )
    write_csv(train_images, ctx.public / "train_image_level.csv")

    pairs = []
    for part, table in (("train", train_studies), ("test", test_studies)):
        for study in table.column("id"):
            study = str(study).replace("_study", "")
            src = ctx.raw / "train" / study
            if not src.is_dir():
                raise RecipeError(f"this download has no train/{study}/ folder for study {study}")
            pairs += [(p, ctx.public / part / study / p.relative_to(src)) for p in sorted(src.rglob("*")) if p.is_file()]
    copy_many(pairs, "Copying studies")

    one_hot = [test_studies.column(name) for name in test_studies.names[1:]]
    study_ids = test_studies.column("id")
    study_answers = [f"{STUDY_LABELS[_first_max([col[r] for col in one_hot])]} 1 0 0 1 1" for r in range(len(study_ids))]
    image_ids = test_images.column("id")
    ids = study_ids + image_ids
    answers = Table.from_columns([("id", ids), ("PredictionString", study_answers + test_images.column("label"))])
    write_csv(answers, ctx.private / "test.csv")
    sample = ["negative 1 0 0 1 1"] * len(study_ids) + ["none 1 0 0 1 1"] * len(image_ids)
    write_csv(Table.from_columns([("id", ids), ("PredictionString", sample)]), ctx.public / "sample_submission.csv")
