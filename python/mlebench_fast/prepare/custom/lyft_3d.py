"""3d-object-detection-for-autonomous-vehicles: the raw train logs (scenes) are split 80/20
and every nuScenes-style table of train_data/ follows the split of the logs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .. import tables
from ..recipe import Context, RecipeError
from ...split import train_test_split_indices
from .copy_batches import copy_in_batches

SHARED_TABLES = ("attribute.json", "category.json", "sensor.json", "visibility.json")
MAP_PNG = "map_raster_palo_alto.png"


def _need(ctx: Context, rel: str) -> Path:
    path = ctx.raw / rel
    if not path.exists():
        raise RecipeError(f"this download has no {rel}: is it {ctx.competition_id}'s download?")
    return path


def _load(ctx: Context, name: str) -> list:
    with open(_need(ctx, f"train_data/{name}"), encoding="utf-8") as f:
        return json.load(f)


def _dump(obj: Any, path: Path) -> None:
    """`json.dump(obj, f)` with its default separators (dumps gives the same bytes, faster)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj))


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise RecipeError(what)


def _two_ways(items: list[dict], key: str, train: set, test: set, what: str) -> tuple[list, list]:
    """Items whose `key` is in the train set / the test set (raw order); any other is an error."""
    out: tuple[list, list] = ([], [])
    for item in items:
        value = item[key]
        if value in train:
            out[0].append(item)
        elif value in test:
            out[1].append(item)
        else:
            raise RecipeError(f"{what} {value} belongs to neither the new train nor the new test set")
    return out


def _first_use(sample_data: list[dict], by_token: dict[str, dict]) -> list[dict]:
    """calibrated_sensor entries in first-use order over the sample_data (each once)."""
    seen: dict[str, dict] = {}
    for datum in sample_data:
        token = datum["calibrated_sensor_token"]
        if token not in seen:
            seen[token] = by_token[token]
    return list(seen.values())


def _with_confidence(prediction: str) -> str:
    """'1.0' before every 8-token object of a PredictionString."""
    tokens = prediction.split(" ")
    _check(len(tokens) % 8 == 0, f"a PredictionString has {len(tokens)} tokens, not 8 per object")
    return " ".join(" ".join(["1.0", *tokens[i : i + 8]]) for i in range(0, len(tokens), 8))


def prepare(ctx: Context) -> None:
    """train_test_split(log tokens, test_size=0.2, random_state=0); samples follow their
    scene_token, everything else the samples. Reference quirk kept: map.json's list is
    shallow-copied, so BOTH splits' map.json carry the TEST log tokens."""
    train_out, test_out = ctx.public / "train_data", ctx.public / "test_data"
    logs = _load(ctx, "log.json")
    log_ids = [log["token"] for log in logs]
    _check(len(log_ids) == len(set(log_ids)), "train_data/log.json repeats a log token")
    train_idx, test_idx = train_test_split_indices(len(log_ids), test_size=0.2, random_state=0)
    train_logs = [log_ids[i] for i in train_idx]
    test_logs = [log_ids[i] for i in test_idx]
    train_log_set, test_log_set = set(train_logs), set(test_logs)
    _dump([log for log in logs if log["token"] in train_log_set], train_out / "log.json")
    _dump([log for log in logs if log["token"] in test_log_set], test_out / "log.json")

    samples = _load(ctx, "sample.json")
    train_samples = [s for s in samples if s["scene_token"] in train_log_set]
    test_samples = [s for s in samples if s["scene_token"] in test_log_set]
    _check(
        len(train_samples) + len(test_samples) == len(samples),
        "some samples' scene_token is not a log token of train_data/log.json",
    )
    _dump(train_samples, train_out / "sample.json")
    _dump(test_samples, test_out / "sample.json")

    train_tokens = {s["token"] for s in train_samples}
    test_tokens = {s["token"] for s in test_samples}
    labels = tables.read_csv(_need(ctx, "train.csv"))
    new_train = tables.rows_where_isin(labels, "Id", list(train_tokens))
    new_test = tables.rows_where_isin(labels, "Id", list(test_tokens))
    _check(len(new_train) + len(new_test) == len(labels), "train.csv has rows for samples outside train_data/sample.json")
    _check(
        len(new_train) == len(train_samples) and len(new_test) == len(test_samples),
        "train.csv does not have exactly one row per sample",
    )
    tables.write_csv(new_train, ctx.public / "train.csv")
    answers = new_test.with_column("PredictionString", [_with_confidence(p) for p in new_test.column("PredictionString")])
    tables.write_csv(answers, ctx.private / "test.csv")
    sample = tables.constant(new_test.select(["Id"]), "PredictionString", "")
    tables.write_csv(sample, ctx.public / "sample_submission.csv")
    # the reference tests membership in the CSVs' Id columns, which hold the same tokens
    train_ids, test_ids = set(new_train.column("Id")), set(new_test.column("Id"))

    sample_data = _load(ctx, "sample_data.json")
    train_data, test_data = _two_ways(sample_data, "sample_token", train_ids, test_ids, "sample_data's sample")
    _dump(train_data, train_out / "sample_data.json")
    _dump(test_data, test_out / "sample_data.json")

    for part in ("train_maps", "test_maps"):
        (ctx.public / part).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_need(ctx, f"train_maps/{MAP_PNG}"), ctx.public / part / MAP_PNG)
    for name in SHARED_TABLES:
        for out in (train_out, test_out):
            shutil.copyfile(_need(ctx, f"train_data/{name}"), out / name)

    sensors = _load(ctx, "calibrated_sensor.json")
    by_token = {cal["token"]: cal for cal in sensors}
    train_sensors, test_sensors = _first_use(train_data, by_token), _first_use(test_data, by_token)
    _check(
        len({c["token"] for c in train_sensors + test_sensors}) == len(sensors),
        "some calibrated sensors are used by no sample_data",
    )
    _dump(train_sensors, train_out / "calibrated_sensor.json")
    _dump(test_sensors, test_out / "calibrated_sensor.json")

    poses = _load(ctx, "ego_pose.json")
    pose_by_token = {ego["token"]: ego for ego in poses}
    train_poses = [pose_by_token[d["ego_pose_token"]] for d in train_data]
    test_poses = [pose_by_token[d["ego_pose_token"]] for d in test_data]
    _check(len({e["token"] for e in train_poses + test_poses}) == len(poses), "some ego poses are used by no sample_data")
    _dump(train_poses, train_out / "ego_pose.json")
    _dump(test_poses, test_out / "ego_pose.json")

    maps = _load(ctx, "map.json")
    _check(len(maps) == 1, f"train_data/map.json lists {len(maps)} maps, expected one")
    # the reference sets log_tokens on the one map dict shared by both copies: test's wins
    shared_map = {**maps[0], "log_tokens": test_logs}
    _dump([shared_map], train_out / "map.json")
    _dump([shared_map], test_out / "map.json")

    scenes = _load(ctx, "scene.json")
    train_scenes, test_scenes = _two_ways(scenes, "log_token", train_log_set, test_log_set, "scene log token")
    _dump(train_scenes, train_out / "scene.json")
    _dump(test_scenes, test_out / "scene.json")

    annotations = _load(ctx, "sample_annotation.json")
    train_annotations, test_annotations = _two_ways(
        annotations, "sample_token", train_ids, test_ids, "sample annotation's sample"
    )
    _dump(train_annotations, train_out / "sample_annotation.json")  # the test split gets none

    instances = _load(ctx, "instance.json")
    train_instances, _ = _two_ways(
        instances,
        "token",
        {a["instance_token"] for a in train_annotations},
        {a["instance_token"] for a in test_annotations},
        "instance",
    )
    _dump(train_instances, train_out / "instance.json")  # nor instances
    del annotations, train_annotations, test_annotations, instances

    _copy_files(ctx, sample_data, test_ids)


def _copy_files(ctx: Context, sample_data: list[dict], test_ids: set) -> None:
    """Each sample_data file by its base name into public/{train,test}_{images,lidar}/ (a
    repeated destination is copied once)."""
    for folder in ("test_images", "train_images", "test_lidar", "train_lidar"):
        (ctx.public / folder).mkdir(parents=True, exist_ok=True)
    kinds = {"jpeg": "images", "bin": "lidar"}
    pairs: dict[Path, Path] = {}
    for datum in sample_data:
        name = Path(datum["filename"]).name
        kind = kinds.get(datum["fileformat"])
        if kind is None:
            raise RecipeError(f"unexpected fileformat {datum['fileformat']!r} in sample_data.json")
        if not name.endswith(datum["fileformat"]):
            raise RecipeError(f"sample_data file {datum['filename']!r} is not a .{datum['fileformat']} file")
        src = ctx.raw / f"train_{kind}" / name
        if not src.is_file():
            raise RecipeError(f"raw/train_{kind}/{name} is missing (a file of train_data/sample_data.json)")
        part = "test" if datum["sample_token"] in test_ids else "train"
        pairs.setdefault(ctx.public / f"{part}_{kind}" / name, src)
    copy_in_batches(((src, dst) for dst, src in pairs.items()), "Copying images and lidar", len(pairs))
