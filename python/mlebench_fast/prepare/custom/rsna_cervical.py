"""rsna-2022-cervical-spine-fracture-detection: the NEW TRAIN set is a 10% sample of the
studies (keeping the shares of studies with bounding boxes, with segmentations and with both);
the other 90% become the test set, whose eight labels per study are melted into rows."""

from __future__ import annotations

from pathlib import Path

from .. import tables
from ..files import copy_many
from ..recipe import Context, RecipeError
from ...split import Random
from .copy_batches import copy_in_batches

TRAIN_RATIO = 0.1
LABELS = ["patient_overall", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]
TRAIN_COLUMNS = ["StudyInstanceUID", *LABELS]
BBOX_COLUMNS = ["StudyInstanceUID", "x", "y", "width", "height", "slice_number"]


def _need(path: Path) -> Path:
    if not path.exists():
        raise RecipeError(f"this download has no {path.name}: is it rsna-2022-cervical-spine-fracture-detection's download?")
    return path


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise RecipeError(what)


def _pick_train_ids(rng: Random, study_ids: list[str], bbox_ids: list[str], seg_ids: list[str]) -> tuple[list, list, list]:
    """The reference's four `rng.sample` draws in its order (Python's round() is banker's
    rounding): overlap ids, then segmentation-only, bbox-only, then any other study.
    Returns (new train ids, new bbox ids, new segmentation ids)."""
    seg_set = set(seg_ids)
    overlap = [u for u in bbox_ids if u in seg_set]
    overlap_set = set(overlap)
    n_overlap = round(len(overlap) * TRAIN_RATIO)
    picked = rng.sample(overlap, n_overlap)
    seg_extra = rng.sample([u for u in seg_ids if u not in overlap_set], round(len(seg_ids) * TRAIN_RATIO) - n_overlap)
    bbox_extra = rng.sample([u for u in bbox_ids if u not in overlap_set], round(len(bbox_ids) * TRAIN_RATIO) - n_overlap)
    train_ids = picked + seg_extra + bbox_extra
    chosen = set(train_ids)
    rest = rng.sample([u for u in study_ids if u not in chosen], round(len(study_ids) * TRAIN_RATIO) - len(train_ids))
    return train_ids + rest, picked + bbox_extra, picked + seg_extra


def prepare(ctx: Context) -> None:
    """train.csv / train_bounding_boxes.csv filtered to the sampled studies in raw order;
    answers melted column by column (all studies' patient_overall, then C1, ...), row_id =
    uid_type; sample_submission fractured=0.5. Study folders and .nii files copied as they are."""
    old_train = tables.read_csv(_need(ctx.raw / "train.csv"))
    old_bboxes = tables.read_csv(_need(ctx.raw / "train_bounding_boxes.csv"))
    _check(old_train.names == TRAIN_COLUMNS, f"train.csv has columns {old_train.names}, expected {TRAIN_COLUMNS}")
    _check(old_bboxes.names == BBOX_COLUMNS, f"train_bounding_boxes.csv has columns {old_bboxes.names}, expected {BBOX_COLUMNS}")
    study_ids = [str(u) for u in old_train.column("StudyInstanceUID")]
    bbox_ids = sorted({str(u) for u in old_bboxes.column("StudyInstanceUID")})
    seg_dir = _need(ctx.raw / "segmentations")
    seg_ids = sorted(f.stem for f in seg_dir.glob("*.nii"))

    train_ids, new_bbox_ids, new_seg_ids = _pick_train_ids(Random(0), study_ids, bbox_ids, seg_ids)
    chosen = set(train_ids)

    train = tables.rows_where_isin(old_train, "StudyInstanceUID", train_ids)
    tables.write_csv(train, ctx.public / "train.csv")
    tables.write_csv(
        tables.rows_where_isin(old_bboxes, "StudyInstanceUID", new_bbox_ids), ctx.public / "train_bounding_boxes.csv"
    )

    test_rows = [i for i, u in enumerate(study_ids) if u not in chosen]
    test_ids = [study_ids[i] for i in test_rows]
    uids, types, fractured = [], [], []
    for label in LABELS:
        values = old_train.column(label)
        uids += test_ids
        types += [label] * len(test_ids)
        fractured += [values[i] for i in test_rows]
    row_ids = [f"{u}_{t}" for u, t in zip(uids, types)]
    answers = tables.Table.from_columns(
        [("StudyInstanceUID", uids), ("prediction_type", types), ("fractured", fractured), ("row_id", row_ids)]
    )
    tables.write_csv(answers, ctx.private / "answers.csv")
    sample = tables.Table.from_columns([("row_id", row_ids), ("fractured", [0.5] * len(row_ids))])
    tables.write_csv(sample, ctx.public / "sample_submission.csv")
    tables.write_csv(answers.drop(["fractured"]), ctx.public / "test.csv")

    (ctx.public / "segmentations").mkdir(parents=True, exist_ok=True)
    copy_many([(seg_dir / f"{u}.nii", ctx.public / "segmentations" / f"{u}.nii") for u in new_seg_ids], "Copying segmentations")
    images = ctx.raw / "train_images"
    for part, ids in (("train_images", [str(u) for u in train.column("StudyInstanceUID")]), ("test_images", test_ids)):
        (ctx.public / part).mkdir(parents=True, exist_ok=True)
        _copy_studies(images, ctx.public / part, list(dict.fromkeys(ids)), f"Copying {part}")


def _copy_studies(src: Path, dst: Path, uids: list[str], label: str) -> None:
    """`shutil.copytree` of each study folder (the real data has ~700k slices: listed lazily)."""

    def pairs():
        for uid in uids:
            study = src / uid
            if not study.is_dir():
                raise RecipeError(f"this download has no train_images/{uid}/ for a study of train.csv")
            for f in study.rglob("*"):
                if f.is_file():
                    yield f, dst / uid / f.relative_to(study)

    copy_in_batches(pairs(), label)
