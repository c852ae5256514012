"""tensorflow-speech-recognition-challenge: only train.7z is used; 10% of its clips become the
new test set, renamed clip_<8 digits>.wav because clip names repeat across labels."""

from __future__ import annotations

import os
from pathlib import Path

from ...split import train_test_split_indices
from .. import archive
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv


def _clips(audio: Path) -> list[tuple[str, Path]]:
    """(label, path) of every *.wav below `audio` (label = the clip's folder name, raw labels
    such as `bed` or `_background_noise_`), sorted by "<label>_<file name>" as the reference."""
    clips = []
    for root, _dirs, files in os.walk(audio):
        for name in files:
            if name.endswith(".wav"):
                clips.append((Path(root).name, Path(root) / name))
    clips.sort(key=lambda c: f"{c[0]}_{c[1].name}")
    return clips


def prepare(ctx: Context) -> None:
    """Extract train.7z, `train_test_split(clips, test_size=0.1, random_state=0)`; train clips
    keep their <label>/<name>, test clips are numbered in split order; answers fname,label and
    a sample submission of `silence`."""
    if not (ctx.raw / "train.7z").is_file():
        raise RecipeError("this download has no train.7z: is it the tensorflow-speech-recognition-challenge download?")
    archive.extract(ctx.raw / "train.7z", ctx.raw)
    audio = ctx.raw / "train" / "audio"
    if not audio.is_dir():
        raise RecipeError("train.7z has no train/audio/ folder")
    clips = _clips(audio)
    if not clips:
        raise RecipeError("train.7z has no .wav clips under train/audio/")
    train_idx, test_idx = train_test_split_indices(len(clips), test_size=0.1, random_state=0)
    pairs = []
    for i in train_idx.tolist():
        label, path = clips[i]
        pairs.append((path, ctx.public / "train" / "audio" / label / path.name))
    names, labels = [], []
    for n, i in enumerate(test_idx.tolist()):
        label, path = clips[i]
        name = f"clip_{n:08d}.wav"
        pairs.append((path, ctx.public / "test" / "audio" / name))
        names.append(name)
        labels.append(label)
    (ctx.public / "test" / "audio").mkdir(parents=True, exist_ok=True)
    copy_many(pairs, "Copying clips")
    write_csv(Table.from_columns([("fname", names), ("label", labels)]), ctx.private / "test.csv")
    write_csv(Table.from_columns([("fname", names), ("label", ["silence"] * len(names))]), ctx.public / "sample_submission.csv")
