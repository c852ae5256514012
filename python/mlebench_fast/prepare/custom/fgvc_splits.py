"""The COCO-style FGVC competitions whose train metadata JSON is split per category:
herbarium-2020-fgvc7, herbarium-2021-fgvc8, herbarium-2022-fgvc9 and inaturalist-2019-fgvc6.

All four group the (annotation, image) pairs of the train metadata by category (first
appearance order), split each category, concatenate the test pairs in category order and
shuffle them with `random.Random(0).shuffle`. Metadata is written with
`json.dump(..., indent=4, sort_keys=True)` (ASCII escapes, no trailing newline)."""

from __future__ import annotations

import json
import shutil
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import tables
from ..progress import Progress
from ..recipe import Context, RecipeError
from ...split import Random, train_test_split_indices
from .copy_batches import copy_in_batches

Pair = tuple[dict, dict]  # (annotation, image)


def _need(ctx: Context, path: Path) -> Path:
    if not path.exists():
        rel = path.relative_to(ctx.raw) if path.is_relative_to(ctx.raw) else path
        raise RecipeError(f"this download has no {rel}: is it {ctx.competition_id}'s download?")
    return path


def _load(ctx: Context, path: Path, encoding: str = "utf-8") -> dict:
    with open(_need(ctx, path), encoding=encoding) as f:
        meta = json.load(f)
    for key in ("annotations", "images"):
        if not isinstance(meta.get(key), list):
            raise RecipeError(f"{path.name} has no `{key}` list: is it {ctx.competition_id}'s download?")
    return meta


def _dump(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=4, sort_keys=True)


def _by_category(meta: dict, image_id_key: str) -> dict[Any, list[Pair]]:
    """zip(annotations, images) grouped by category_id in first-appearance order; the two
    lists must describe the same images in the same order (the reference asserts it)."""
    groups: dict[Any, list[Pair]] = {}
    for annotation, image in zip(meta["annotations"], meta["images"]):
        if annotation["image_id"] != image[image_id_key]:
            raise RecipeError(
                f"annotation of image {annotation['image_id']!r} is paired with image {image[image_id_key]!r}: "
                "the metadata's annotations and images are not in the same order"
            )
        groups.setdefault(annotation["category_id"], []).append((annotation, image))
    return groups


def _split(pairs: list[Pair], test_size: float, small_rule: bool) -> tuple[list[Pair], list[Pair]]:
    """One category: `train_test_split(pairs, test_size, random_state=0)`; with `small_rule`
    a single pair stays in train and 2-4 pairs put their last max(1, int(n*test_size)) in test."""
    n = len(pairs)
    if small_rule and n == 1:
        return pairs, []
    if small_rule and n < 5:
        k = max(1, int(n * test_size))
        return pairs[:-k], pairs[-k:]
    train_idx, test_idx = train_test_split_indices(n, test_size=test_size, random_state=0)
    return [pairs[i] for i in train_idx], [pairs[i] for i in test_idx]


def _split_all(groups: dict[Any, list[Pair]], test_size: float, small_rule: bool) -> tuple[dict[Any, list[Pair]], list[Pair]]:
    """(train pairs by category, shuffled test pairs)."""
    train: dict[Any, list[Pair]] = {}
    test: list[Pair] = []
    for category, pairs in groups.items():
        train[category], part = _split(pairs, test_size, small_rule)
        test.extend(part)
    Random(0).shuffle(test)
    return train, test


def _without(meta: dict, drop: tuple[str, ...], what: str) -> dict:
    """The metadata minus `drop` (each must be there, as the reference `del`s them)."""
    missing = [k for k in drop if k not in meta]
    if missing:
        raise RecipeError(f"{what} has no {', '.join(missing)}")
    return {k: v for k, v in meta.items() if k not in drop}


def _public_test(meta: dict, drop: tuple[str, ...], images: list[dict], what: str) -> dict:
    """The reference's public test metadata: the train metadata minus `drop` and minus
    annotations, with the new images; it must hold exactly images, info and licenses."""
    public = _without(meta, drop, what)
    public.pop("annotations", None)
    public["images"] = images
    if set(public) != {"images", "info", "licenses"}:
        raise RecipeError(f"public test metadata would hold {sorted(public)}, not images, info and licenses")
    return public


def _write_answers(ctx: Context, ids: list, labels: list, sample_value: int, names: tuple[str, str], sample_file: str) -> None:
    id_col, label_col = names
    tables.write_csv(tables.Table.from_columns([(id_col, ids), (label_col, labels)]), ctx.private / "answers.csv")
    tables.write_csv(tables.Table.from_columns([(id_col, ids), (label_col, [sample_value] * len(ids))]), ctx.public / sample_file)


def _category_dir(category_id: int) -> str:
    return f"{category_id // 100:03d}/{category_id % 100:02d}"


def herbarium_2022(ctx: Context) -> None:
    """Every category through train_test_split(test_size=0.2) (both parts must be non-empty);
    train images renamed <cid:05d>__<k:03d> under <cid//100:03d>/<cid%100:02d>/, test images
    <idx//1000:03d>/test-<idx:06d>.jpg with image_id str(idx); test_metadata.json = the test
    image dicts only; sample_submission Predicted=42."""
    meta = _load(ctx, ctx.raw / "train_metadata.json")
    groups = _by_category(meta, "image_id")
    for category, pairs in groups.items():
        if len(pairs) < 2:
            raise RecipeError(f"category {category} has {len(pairs)} image: the reference needs 2+ per category to split")
    train, test = _split_all(groups, 0.2, small_rule=False)
    src = ctx.raw / "train_images"

    new_annotations, new_images, copies = [], [], []
    for category, pairs in train.items():
        folder = _category_dir(category)
        (ctx.public / "train_images" / folder).mkdir(parents=True, exist_ok=True)
        for k, (annotation, image) in enumerate(pairs, start=1):
            image_id = f"{category:05d}__{k:03d}"
            file_name = f"{folder}/{image_id}.jpg"
            new_annotations.append({**annotation, "image_id": image_id})
            new_images.append({**image, "image_id": image_id, "file_name": file_name})
            copies.append((image["file_name"], file_name))
    _dump({**meta, "annotations": new_annotations, "images": new_images}, ctx.public / "train_metadata.json")

    test_images, labels = [], []
    for idx, (annotation, image) in enumerate(test):
        file_name = f"{idx // 1000:03d}/test-{idx:06d}.jpg"
        test_images.append({**image, "image_id": str(idx), "file_name": file_name})
        labels.append(annotation["category_id"])
    _dump(test_images, ctx.public / "test_metadata.json")
    ids = [str(i) for i in range(len(test))]
    _write_answers(ctx, ids, labels, 42, ("Id", "Predicted"), "sample_submission.csv")

    pairs = ((src / old, ctx.public / "train_images" / new) for old, new in copies)
    copy_in_batches(pairs, "Copying train images", len(copies))
    test_pairs = (
        (src / image["file_name"], ctx.public / "test_images" / new["file_name"]) for (_, image), new in zip(test, test_images)
    )
    copy_in_batches(test_pairs, "Copying test images", len(test))


def _herbarium_2020_2021(ctx: Context, root: str, encoding: str, drop: tuple[str, ...]) -> None:
    """Shared by herbarium 2020 (under nybg2020/) and 2021: small categories by the 1 / 2-4
    rule, train images keep their ids and files, test images get id str(idx) and file
    images/<idx//1000:03d>/<idx>.jpg; sample_submission Predicted=0."""
    base = ctx.raw / root if root else ctx.raw
    out = ctx.public / root if root else ctx.public
    meta = _load(ctx, base / "train" / "metadata.json", encoding)
    train, test = _split_all(_by_category(meta, "id"), 0.2, small_rule=True)

    train_annotations, train_images = [], []
    for category, pairs in train.items():
        (out / "train" / "images" / _category_dir(category)).mkdir(parents=True, exist_ok=True)
        for annotation, image in pairs:
            train_annotations.append(annotation)
            train_images.append(image)
    _dump({**meta, "annotations": train_annotations, "images": train_images}, out / "train" / "metadata.json")

    test_images, labels = [], []
    for idx, (annotation, image) in enumerate(test):
        test_images.append({**image, "id": str(idx), "file_name": f"images/{idx // 1000:03d}/{idx}.jpg"})
        labels.append(annotation["category_id"])
    _dump(_public_test(meta, drop, test_images, "train/metadata.json"), out / "test" / "metadata.json")
    _write_answers(ctx, [str(i) for i in range(len(test))], labels, 0, ("Id", "Predicted"), "sample_submission.csv")

    train_pairs = ((base / "train" / im["file_name"], out / "train" / im["file_name"]) for im in train_images)
    copy_in_batches(train_pairs, "Copying train images", len(train_images))
    test_pairs = (
        (base / "train" / image["file_name"], out / "test" / new["file_name"]) for (_, image), new in zip(test, test_images)
    )
    copy_in_batches(test_pairs, "Copying test images", len(test))


def herbarium_2020(ctx: Context) -> None:
    """nybg2020/train/metadata.json is read as latin-1 (the reference's work-around: UTF-8
    fails on the real file), so UTF-8 names come out as escapes of their latin-1 decoding."""
    _herbarium_2020_2021(ctx, "nybg2020", "latin-1", ("categories", "regions"))


def herbarium_2021(ctx: Context) -> None:
    """train/metadata.json read as UTF-8; the public test metadata drops categories and institutions."""
    _herbarium_2020_2021(ctx, "", "utf-8", ("categories", "institutions"))


def inaturalist_2019(ctx: Context) -> None:
    """Small categories by the 1 / 2-4 rule, others train_test_split(test_size=0.12); test
    images keep their ids, file_name test2019/<basename>; the sample submission's
    `random.Random(42).randint(0, 1009)` is re-seeded per row (one value throughout). Images
    go into UNCOMPRESSED tars named .tar.gz (members relative to train_val2019/ and test2019/):
    streamed from the raw train_val2019.tar.gz without unpacking it, or read from an unpacked
    raw/train_val2019/ when there is one (the reference unpacks only when it is absent)."""
    meta = _load(ctx, ctx.raw / "train2019.json")
    train, test = _split_all(_by_category(meta, "id"), 0.12, small_rule=True)

    train_annotations, train_images = [], []
    for pairs in train.values():
        for annotation, image in pairs:
            train_annotations.append(annotation)
            train_images.append(image)
    _dump({**meta, "annotations": train_annotations, "images": train_images}, ctx.public / "train2019.json")
    shutil.copyfile(_need(ctx, ctx.raw / "val2019.json"), ctx.public / "val2019.json")

    test_images, ids, labels = [], [], []
    members: dict[str, tuple[str, str]] = {}  # raw file name -> (which tar, member name)
    for annotation, image in test:
        old = image["file_name"]
        new = "test2019/" + old.split("/")[-1]
        test_images.append({**image, "file_name": new})
        ids.append(image["id"])
        labels.append(annotation["category_id"])
    _dump(_public_test(meta, ("categories",), test_images, "train2019.json"), ctx.public / "test2019.json")
    _write_answers(ctx, ids, labels, Random(42).randint(0, 1009), ("id", "predicted"), "kaggle_sample_submission.csv")

    for image in train_images:
        members[_tar_key(image["file_name"])] = ("train", _member_name(image["file_name"], "train_val2019/"))
    # a later test image of the same base name overwrites an earlier one's copy in the reference
    for (_, image), new in zip(test, test_images):
        members[_tar_key(image["file_name"])] = ("test", new["file_name"].split("/", 1)[1])
    _write_tars(ctx, members)


def _tar_key(file_name: str) -> str:
    return file_name[2:] if file_name.startswith("./") else file_name


def _member_name(file_name: str, prefix: str) -> str:
    """The member name the reference's tar gets: the path below public/train_val2019/."""
    key = _tar_key(file_name)
    if not key.startswith(prefix):
        raise RecipeError(f"train image {file_name!r} is not under {prefix}")
    return key[len(prefix) :]


def _write_tars(ctx: Context, members: dict[str, tuple[str, str]]) -> None:
    outs = {
        "train": tarfile.open(ctx.public / "train_val2019.tar.gz", "w"),
        "test": tarfile.open(ctx.public / "test2019.tar.gz", "w"),
    }
    names_by_tar = {"train": {}, "test": {}}  # member name -> raw key (last one wins, as in the reference)
    for key, (which, name) in members.items():
        names_by_tar[which][name] = key
    wanted = {key: (which, name) for which, names in names_by_tar.items() for name, key in names.items()}
    try:
        unpacked = ctx.raw / "train_val2019"
        if unpacked.is_dir():
            for key, (which, name) in wanted.items():
                path = ctx.raw / key
                if not path.is_file():
                    raise RecipeError(f"raw/{key} is missing (an image of train2019.json)")
                outs[which].add(path, arcname=name)
        else:
            found = _stream_members(_need(ctx, ctx.raw / "train_val2019.tar.gz"), wanted, outs)
            missing = [key for key in wanted if key not in found]
            if missing:
                raise RecipeError(f"train_val2019.tar.gz lacks {len(missing)} images of train2019.json, e.g. {missing[:3]}")
    finally:
        for out in outs.values():
            out.close()


def _stream_members(src: Path, wanted: dict[str, tuple[str, str]], outs: dict[str, tarfile.TarFile]) -> set[str]:
    """One sequential pass over the (gzip) tar: each wanted member goes into its output tar
    under its new name, with the time of this run as its mtime (the reference's copies are new)."""
    found: set[str] = set()
    now = int(time.time())
    bar = Progress("Re-packing train_val2019 images", len(wanted))
    with tarfile.open(src, "r|*") as tf:
        for member in _files(tf):
            key = _tar_key(member.name)
            if key not in wanted or key in found:
                continue
            which, name = wanted[key]
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = member.size, 0o644, now
            outs[which].addfile(info, tf.extractfile(member))
            found.add(key)
            bar.advance()
    bar.close()
    return found


def _files(tf: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tf:
        if member.isfile():
            yield member
