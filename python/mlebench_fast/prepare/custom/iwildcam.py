"""iwildcam-2019-fgvc6 and iwildcam-2020-fgvc7: camera-trap images split by camera location,
so no location has images on both sides."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ...split import train_test_split_indices
from ..progress import Progress
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv

_COPY_CHUNK = 1 << 20


def _rezip(src: zipfile.ZipFile, names: Iterable[str], dst: Path, label: str) -> None:
    """A new zip (deflated, as `shutil.make_archive`) of members of `src` under the same flat
    names, streamed member to member: the reference extracts the whole archive, copies the
    chosen files to a folder and zips that folder; the members are the same bytes."""
    names = list(dict.fromkeys(names))
    bar = Progress(label, len(names))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=src.getinfo(name).date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with src.open(name) as fin, out.open(info, "w", force_zip64=True) as fout:
                shutil.copyfileobj(fin, fout, _COPY_CHUNK)
            bar.advance()
    bar.close()


def iwildcam_2019(ctx: Context) -> None:
    """The distinct train.csv locations (first-appearance order) go through
    `train_test_split(test_size=0.1, random_state=8)`; all outputs keep train.csv's row order.
    The sample submission is written with pandas' index (an unnamed first column of the
    original row numbers), then Id and Category=0."""
    csv, images_zip = ctx.raw / "train.csv", ctx.raw / "train_images.zip"
    for path in (csv, images_zip):
        if not path.is_file():
            raise RecipeError(f"this download has no {path.name}: is it iwildcam-2019-fgvc6's?")
    old = read_csv(csv)
    for column in ("id", "location", "category_id"):
        if column not in old.names:
            raise RecipeError(f"train.csv has no {column} column")
    codes = np.asarray(old.codes("location"), dtype=np.int64)
    n_locations = int(codes.max()) + 1 if len(codes) else 0
    _, test_codes = train_test_split_indices(n_locations, test_size=0.1, random_state=8)
    in_test = np.isin(codes, test_codes)
    train_rows = np.flatnonzero(~in_test).tolist()
    test_rows = np.flatnonzero(in_test).tolist()
    new_train, answers = old.take(train_rows), old.take(test_rows)
    new_test = answers.drop(["category_id"])
    test_ids = answers.column("id")
    gold = Table.from_columns([("Id", test_ids), ("Category", answers.column("category_id"))])
    sample = Table.from_columns([("", test_rows), ("Id", test_ids), ("Category", [0] * len(test_ids))])

    with zipfile.ZipFile(images_zip) as images:
        members = {name for name in images.namelist() if "/" not in name and name.endswith(".jpg")}
        n_ids = len(set(old.column("id")))
        if len(members) != n_ids:
            raise RecipeError(f"train_images.zip holds {len(members)} images for {n_ids} distinct train.csv ids")
        for part, ids in (("train", new_train.column("id")), ("test", test_ids)):
            missing = [i for i in ids if f"{i}.jpg" not in members]
            if missing:
                raise RecipeError(f"train_images.zip has no image {missing[0]}.jpg ({len(missing)} {part} images missing)")
        write_csv(answers, ctx.private / "test.csv")
        write_csv(gold, ctx.private / "answers.csv")
        write_csv(new_train, ctx.public / "train.csv")
        write_csv(new_test, ctx.public / "test.csv")
        write_csv(sample, ctx.public / "sample_submission.csv")
        _rezip(images, (f"{i}.jpg" for i in new_train.column("id")), ctx.public / "train_images.zip", "Zipping train images")
        _rezip(images, (f"{i}.jpg" for i in test_ids), ctx.public / "test_images.zip", "Zipping test images")


_ABSENT = object()


def pandas_records(objects: list[dict]) -> list[dict]:
    """`pd.DataFrame(objects).to_dict(orient="records")` for a list of JSON objects: every
    record gets every key (first-appearance order, NaN where absent); a column of numbers
    (no bools) holding a float, an absent key or a null becomes all floats (NaN for the
    gaps), as pandas' float64 column, and so does a column of only nulls and gaps; any other
    column keeps its values (null stays None)."""
    keys: dict[str, None] = {}
    for obj in objects:
        keys.update(dict.fromkeys(obj))
    columns: dict[str, list] = {}
    for key in keys:
        values = [obj.get(key, _ABSENT) for obj in objects]
        present = [v for v in values if v is not _ABSENT and v is not None]
        numeric = bool(present) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)
        absent = any(v is _ABSENT for v in values)
        if not present and absent:  # only nulls and gaps: a float64 column of NaN
            values = [float("nan")] * len(values)
        elif numeric and (len(present) < len(values) or any(isinstance(v, float) for v in present)):
            values = [float("nan") if v is _ABSENT or v is None else float(v) for v in values]
        else:
            values = [float("nan") if v is _ABSENT else v for v in values]
        columns[key] = values
    if not keys:  # a frame without columns has no records
        return []
    return [{key: columns[key][i] for key in keys} for i in range(len(objects))]


def _load_json(path: Path) -> dict:
    import json

    if not path.is_file():
        raise RecipeError(f"this download has no {path.name}: is it iwildcam-2020-fgvc7's?")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise RecipeError(f"{path.name} should hold a JSON object")
    return data


def iwildcam_2020(ctx: Context) -> None:
    """The distinct image locations of the train JSON (first-appearance order) go through
    `train_test_split(test_size=0.22, random_state=0)`; then whole locations move from the
    end of the train array to the test array while n_test / (n_images + n_test) < 0.22, and
    back while it is > 0.22. Images and annotations keep the JSON order and are written back
    as pandas records with `json.dump` defaults; the sample submission's categories are
    `np.random.seed(0); randint(0, 676, n)`."""
    import json

    from ...split import RandomState
    from ..files import copy_many

    old_train = _load_json(ctx.raw / "iwildcam2020_train_annotations.json")
    old_test = _load_json(ctx.raw / "iwildcam2020_test_information.json")
    for name, data, keys in (
        ("train annotations", old_train, {"annotations", "images", "categories", "info"}),
        ("test information", old_test, {"images", "categories", "info"}),
    ):
        if set(data) != keys:
            raise RecipeError(f"the {name} JSON has the keys {sorted(data)}, expected {sorted(keys)}")
    annotations = pandas_records(old_train["annotations"])
    images = pandas_records(old_train["images"])
    if not images or "location" not in images[0] or "id" not in images[0]:
        raise RecipeError("the train JSON's images need an id and a location")

    locations = list(Table.from_columns([("location", [im["location"] for im in images])]).codes("location"))
    first_value: dict[int, object] = {}
    for code, im in zip(locations, images):
        first_value.setdefault(code, im["location"])
    unique = [first_value[c] for c in range(len(first_value))]
    train_idx, test_idx = train_test_split_indices(len(unique), test_size=0.22, random_state=0)
    train_locs = [unique[i] for i in train_idx.tolist()]
    test_locs = [unique[i] for i in test_idx.tolist()]
    per_location: dict[object, int] = {}
    for im in images:
        per_location[im["location"]] = per_location.get(im["location"], 0) + 1
    n_test = sum(per_location[loc] for loc in test_locs)
    n_all = len(images)
    while n_test / (n_all + n_test) < 0.22:
        if not train_locs:
            raise RecipeError("moving locations to the new test set emptied the train set")
        loc = train_locs.pop()
        test_locs.append(loc)
        n_test += per_location[loc]
    while n_test / (n_all + n_test) > 0.22:
        if not test_locs:
            raise RecipeError("moving locations to the new train set emptied the test set")
        loc = test_locs.pop()
        train_locs.append(loc)
        n_test -= per_location[loc]

    test_set = set(test_locs)
    train_set = set(train_locs)
    new_train_images = [im for im in images if im["location"] in train_set]
    new_test_images = [im for im in images if im["location"] in test_set]
    train_ids = list(dict.fromkeys(im["id"] for im in new_train_images))
    test_ids = list(dict.fromkeys(im["id"] for im in new_test_images))
    if len(train_ids) + len(test_ids) != len(images):
        raise RecipeError("the train JSON's image ids are not unique")
    train_id_set, test_id_set = set(train_ids), set(test_ids)
    new_train_annotations = [a for a in annotations if a["image_id"] in train_id_set]
    new_test_annotations = [a for a in annotations if a["image_id"] in test_id_set]

    gold_ids = [a["image_id"] for a in new_test_annotations]
    gold = Table.from_columns([("Id", gold_ids), ("Category", [a["category_id"] for a in new_test_annotations])])
    guesses = RandomState(0).randint(0, 676, size=len(gold_ids)).tolist()
    sample = Table.from_columns([("Id", gold_ids), ("Category", guesses)])
    write_csv(gold, ctx.private / "answers.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")
    new_train_json = {
        "annotations": new_train_annotations,
        "images": new_train_images,
        "categories": pandas_records(old_train["categories"]),
        "info": old_train["info"],
    }
    new_test_json = {
        "images": new_test_images,
        "categories": pandas_records(old_test["categories"]),
        "info": old_test["info"],
    }
    # json.dumps writes the bytes json.dump would, with the C encoder
    (ctx.public / "iwildcam2020_train_annotations.json").write_text(json.dumps(new_train_json))
    (ctx.public / "iwildcam2020_test_information.json").write_text(json.dumps(new_test_json))
    shutil.copyfile(ctx.raw / "iwildcam2020_megadetector_results.json", ctx.public / "iwildcam2020_megadetector_results.json")
    (ctx.public / "train").mkdir(parents=True, exist_ok=True)
    (ctx.public / "test").mkdir(parents=True, exist_ok=True)
    src = ctx.raw / "train"
    copy_many(
        [(src / f"{i}.jpg", ctx.public / "train" / f"{i}.jpg") for i in train_ids]
        + [(src / f"{i}.jpg", ctx.public / "test" / f"{i}.jpg") for i in test_ids],
        "Copying images",
    )
