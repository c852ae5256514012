"""alaska2-image-steganalysis: 5,000 of the sorted Cover images become the new test set; each
test image is the cover itself or one of its three stego versions, drawn with Python's
`random` seeded 0."""

from __future__ import annotations

import os

from ...split import Random, train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv

TEST_SIZE = 5000
ALGORITHMS = ["JMiPOD", "JUNIWARD", "UERD"]


def prepare(ctx: Context) -> None:
    """`train_test_split(sorted(Cover/*.jpg), test_size=5000, random_state=42)`; train images
    renumbered 00001.jpg.. (split order) in Cover/ and the three stego folders; the test list
    shuffled by `random.seed(0)`, then per image `random.choice([True, False])` (True: the
    cover, label 0) else `random.choice(ALGORITHMS)` (label 1), written as Test/0001.jpg..
    Only the stego files the reference opens are needed."""
    cover = ctx.raw / "Cover"
    if not cover.is_dir():
        raise RecipeError("this download has no Cover/ folder: is it the alaska2-image-steganalysis download?")
    names = sorted(e.name for e in os.scandir(cover) if e.name.endswith(".jpg"))
    if len(names) <= TEST_SIZE:
        raise RecipeError(f"Cover/ has {len(names)} images: the reference's split needs more than {TEST_SIZE}")
    train_idx, test_idx = train_test_split_indices(len(names), test_size=TEST_SIZE, random_state=42)

    pairs = []
    for new_id, i in enumerate(train_idx.tolist(), start=1):
        target = f"{new_id:05d}.jpg"
        pairs.append((cover / names[i], ctx.public / "Cover" / target))
        pairs.extend((ctx.raw / alg / names[i], ctx.public / alg / target) for alg in ALGORITHMS)

    rng = Random(0)
    test = [names[i] for i in test_idx.tolist()]
    rng.shuffle(test)
    ids, labels = [], []
    for new_id, name in enumerate(test, start=1):
        target = f"{new_id:04d}.jpg"
        if rng.choice([True, False]):
            pairs.append((cover / name, ctx.public / "Test" / target))
            labels.append(0)
        else:
            alg = rng.choice(ALGORITHMS)
            pairs.append((ctx.raw / alg / name, ctx.public / "Test" / target))
            labels.append(1)
        ids.append(target)
    for folder in ["Cover", "Test", *ALGORITHMS]:
        (ctx.public / folder).mkdir(parents=True, exist_ok=True)
    copy_many(pairs, "Copying images")
    write_csv(Table.from_columns([("Id", ids), ("Label", labels)]), ctx.private / "test.csv")
    write_csv(Table.from_columns([("Id", ids), ("Label", [0] * len(ids))]), ctx.public / "sample_submission.csv")
