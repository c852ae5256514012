"""mlsp-2013-birds: only the recordings of CV fold 0 (Kaggle's train set) are kept and
renumbered 0..n-1 in CVfolds_2.txt order; pandas `sample(frac=0.2, random_state=0)` of them
becomes the new test fold (fold 1). The labels file hides the new test labels behind `?`,
the answers list one row per (recording, species), and the per-recording text files are
filtered and renumbered line by line as the reference does (Python text I/O included)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ...split import pandas_sample_positions
from .. import archive
from ..progress import track
from ..recipe import Context
from ..tables import Table, read_csv, rows_where_isin, write_csv

N_SPECIES = 19
EXPECTED_TEST_RECORDINGS = 64  # the reference's own check on its split


def _filter_and_renumber(src: Path, dst: Path, old_to_new: dict[int, int]) -> None:
    """Drop the header and the lines of dropped recordings, renumber the first field, and
    write the (fixed) header the reference writes for all three files."""
    lines = open(src).read().splitlines()[1:]
    rows = [(int(line.split(",")[0]), ",".join(line.split(",")[1:])) for line in lines]
    with open(dst, "w") as f:
        f.write("rec_id,[histogram of segment features]\n")
        for rec_id, rest in rows:
            if rec_id in old_to_new:
                f.write(f"{old_to_new[rec_id]},{rest}\n")


def prepare(ctx: Context) -> None:
    archive.extract(ctx.raw / "mlsp_contest_dataset.zip", ctx.raw)
    src = ctx.raw / "mlsp_contest_dataset"
    essential, supplemental = ctx.public / "essential_data", ctx.public / "supplemental_data"
    essential.mkdir(parents=True, exist_ok=True)
    supplemental.mkdir(parents=True, exist_ok=True)

    folds = read_csv(src / "essential_data" / "CVfolds_2.txt")
    fold = folds.column("fold")
    folds = folds.take([i for i, f in enumerate(fold) if f == 0])
    test_positions = set(pandas_sample_positions(len(folds), frac=0.2, random_state=0).tolist())
    old_ids = folds.column("rec_id")
    old_to_new = {old: new for new, old in enumerate(old_ids)}
    folds = folds.with_column("fold", [1 if i in test_positions else f for i, f in enumerate(folds.column("fold"))])
    folds = folds.with_column("rec_id", list(range(len(folds))))
    write_csv(folds, essential / "CVfolds_2.txt")
    test_ids = [r for r, f in zip(folds.column("rec_id"), folds.column("fold")) if f == 1]
    if len(test_ids) != EXPECTED_TEST_RECORDINGS:
        raise ValueError(f"expected {EXPECTED_TEST_RECORDINGS} new test recordings, got {len(test_ids)}")
    test_set = set(test_ids)

    names = read_csv(src / "essential_data" / "rec_id2filename.txt")
    names = rows_where_isin(names, "rec_id", list(old_to_new))
    names = names.with_column("rec_id", [old_to_new[r] for r in names.column("rec_id")])
    write_csv(names, essential / "rec_id2filename.txt")
    if len(names) != len(folds):
        raise ValueError(f"expected {len(folds)} entries in rec_id2filename, got {len(names)}")

    labels = []
    for line in open(src / "essential_data" / "rec_labels_test_hidden.txt").read().splitlines()[1:]:
        parts = line.split(",")
        rec_id = int(parts[0])
        if rec_id in old_to_new:
            labels.append((old_to_new[rec_id], ",".join(parts[1:]) if len(parts) > 1 else ""))
    with open(essential / "rec_labels_test_hidden.txt", "w") as f:
        f.write("rec_id,[labels]\n")
        for rec_id, text in labels:
            shown = "?" if rec_id in test_set else text
            f.write(f"{rec_id}\n" if shown == "" else f"{rec_id},{shown}\n")

    answer_ids, answer_probs = [], []
    for rec_id, text in labels:
        if rec_id in test_set:
            species = {int(s) for s in text.split(",") if s != ""}
            for s in range(N_SPECIES):
                answer_ids.append(rec_id * 100 + s)
                answer_probs.append(int(s in species))
    write_csv(Table.from_columns([("Id", answer_ids), ("Probability", answer_probs)]), ctx.private / "answers.csv")
    sample_ids = [r * 100 + s for r in test_ids for s in range(N_SPECIES)]
    write_csv(
        Table.from_columns([("Id", sample_ids), ("Probability", [0] * len(sample_ids))]),
        ctx.public / "sample_submission.csv",
    )

    shutil.copyfile(src / "essential_data" / "species_list.txt", essential / "species_list.txt")
    wavs = essential / "src_wavs"
    wavs.mkdir(exist_ok=True)
    files = names.column("filename")
    for name in track(files, "Copying recordings"):
        shutil.copyfile(src / "essential_data" / "src_wavs" / f"{name}.wav", wavs / f"{name}.wav")
    kinds = ("filtered_spectrograms", "segmentation_examples", "spectrograms", "supervised_segmentation")
    for kind in kinds:
        (supplemental / kind).mkdir(exist_ok=True)
    for name in track(files, "Copying spectrograms"):
        for kind in kinds:
            source = src / "supplemental_data" / kind / f"{name}.bmp"
            # only some recordings have a segmentation example
            if kind != "segmentation_examples" or os.path.exists(source):
                shutil.copyfile(source, supplemental / kind / f"{name}.bmp")
    for name in ("segment_clusters.bmp", "segment_mosaic.bmp"):
        shutil.copyfile(src / "supplemental_data" / name, supplemental / name)
    for name in ("histogram_of_segments.txt", "segment_features.txt", "segment_rectangles.txt"):
        _filter_and_renumber(src / "supplemental_data" / name, supplemental / name, old_to_new)
