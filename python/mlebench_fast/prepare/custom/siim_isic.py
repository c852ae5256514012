"""siim-isic-melanoma-classification: the new test set is the images recorded in two of the
train TFRecord files (train00 and train06); everything else stays train. The TFRecords are
read by the Rust core (record CRCs checked, `image_name` parsed from each tf.train.Example),
so TensorFlow is not needed."""

from __future__ import annotations

import shutil

from ... import _core
from ..progress import track
from ..recipe import Context
from ..tables import read_csv, rows_where_isin, write_csv
from .. import tables

TEST_RECORDS = ("train00-2071.tfrec", "train06-2071.tfrec")
PUBLIC_TEST_COLUMNS = ["image_name", "patient_id", "sex", "age_approx", "anatom_site_general_challenge"]


def prepare(ctx: Context) -> None:
    # the reference reads train.csv with pandas' default float parser; the values of this
    # file (ages like 45.0) parse identically with the round-trip parser used here
    old_train = read_csv(ctx.raw / "train.csv")
    test_ids: list[str] = []
    for name in TEST_RECORDS:
        test_ids.extend(_core.tfrecord_ids(str(ctx.raw / "tfrecords" / name), "image_name"))
    test_set = set(test_ids)
    names = old_train.column("image_name")
    new_train = old_train.take([i for i, n in enumerate(names) if n not in test_set])
    new_test = rows_where_isin(old_train, "image_name", test_ids)
    public_test = new_test.select(PUBLIC_TEST_COLUMNS)
    answers = new_test.select(["image_name", "target"])
    sample = tables.constant(answers, "target", 0)
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(public_test, ctx.public / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    write_csv(answers, ctx.private / "test.csv")
    for part, table in (("train", new_train), ("test", answers)):
        (ctx.public / part).mkdir(parents=True, exist_ok=True)
        (ctx.public / "jpeg" / part).mkdir(parents=True, exist_ok=True)
        for name in track(table.column("image_name"), f"Copying {part} images"):
            shutil.copy(ctx.raw / "train" / f"{name}.dcm", ctx.public / part / f"{name}.dcm")
            shutil.copy(ctx.raw / "jpeg" / "train" / f"{name}.jpg", ctx.public / "jpeg" / part / f"{name}.jpg")
    out = ctx.public / "tfrecords"
    out.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "test": 0}
    for record in sorted((ctx.raw / "tfrecords").glob("train*.tfrec")):
        n_records = record.stem.split("-")[1]
        part = "test" if record.name in TEST_RECORDS else "train"
        shutil.copy(record, out / f"{part}{counts[part]:02d}-{n_records}.tfrec")
        counts[part] += 1
