"""statoil-iceberg-classifier-challenge: JSON lists of radar images in .7z archives, split as
a Python list and written back with the stdlib `json` (default separators), re-packed in .7z."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...split import train_test_split_indices
from .. import archive
from ..progress import Progress
from ..recipe import Context, RecipeError
from ..tables import Table, constant, write_csv

_CHUNK = 8 << 20


def iter_json_array(path: Path) -> Iterator[Any]:
    """The elements of a top-level JSON array of objects, parsed one at a time from a file
    read in chunks (the real train.json is ~200 MB, test.json ~1.5 GB)."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as f:
        buf, pos, started = "", 0, False
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos == len(buf):
                buf, pos = f.read(_CHUNK), 0
                if not buf:
                    raise RecipeError(f"{path.name} ends before its JSON list is closed")
                continue
            if not started:
                if buf[pos] != "[":
                    raise RecipeError(f"{path.name} does not hold a JSON list")
                started, pos = True, pos + 1
                continue
            if buf[pos] == "]":
                return
            if buf[pos] == ",":
                pos += 1
                continue
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                more = f.read(_CHUNK)
                if not more:
                    raise RecipeError(f"{path.name} is not valid JSON near character {pos}") from None
                buf, pos = buf[pos:] + more, 0
                continue
            if end == len(buf):  # a value touching the end of the buffer may continue in the next chunk
                more = f.read(_CHUNK)
                if more:
                    buf, pos = buf[pos:] + more, 0
                    continue
            if not isinstance(value, dict):
                raise RecipeError(f"{path.name} should list objects, found {type(value).__name__}")
            yield value
            pos = end


def _seven_zip(src: Path, dst: Path, arcname: str) -> None:
    try:
        import py7zr
    except ImportError:
        raise RecipeError("writing .7z archives needs py7zr: pip install 'mlebench-fast[prepare]'") from None
    with py7zr.SevenZipFile(dst, "w") as sz:
        sz.write(src, arcname=arcname)


def statoil_iceberg(ctx: Context) -> None:
    """`train_test_split(train list, test_size=0.2, random_state=0)`; the new test objects keep
    only the raw test.json's keys (in its first object's order); answers = id, int(is_iceberg)
    in split order; the 0.5 sample submission stays in private/ and is shipped 7z'd in public/.
    Each train object's dump is kept as text rather than as parsed floats (json.dump of a list
    is its items' dumps joined by ", ")."""
    for name in ("train.json.7z", "test.json.7z"):
        if not (ctx.raw / name).is_file():
            raise RecipeError(f"this download has no {name}: is it statoil-iceberg-classifier-challenge's?")
        archive.extract(ctx.raw / name, ctx.raw)
    processed = ctx.raw / "data" / "processed"
    # The reference loads all of test.json only for its keys: the first object's suffice.
    first_test = next(iter_json_array(processed / "test.json"), None)
    if first_test is None:
        raise RecipeError("test.json holds no images")
    test_fields = list(first_test)

    texts: list[str] = []
    ids: list[Any] = []
    labels: list[Any] = []
    fields: set[str] | None = None
    bar = Progress("Reading train.json", None, "images")
    for obj in iter_json_array(processed / "train.json"):
        if fields is None:
            fields = set(obj)
            missing = set(test_fields) - fields
            if missing or "is_iceberg" not in fields:
                raise RecipeError(f"train.json images lack the fields {sorted(missing | ({'is_iceberg'} - fields))}")
        elif set(obj) != fields:
            raise RecipeError(f"train image {len(texts)} has the fields {sorted(obj)}, others {sorted(fields)}")
        texts.append(json.dumps(obj))
        ids.append(obj["id"])
        labels.append(int(obj["is_iceberg"]))
        bar.advance()
    bar.close()
    if not texts:
        raise RecipeError("train.json holds no images")

    train_idx, test_idx = train_test_split_indices(len(texts), test_size=0.2, random_state=0)
    tmp = ctx.raw / "_new_json"
    tmp.mkdir(parents=True, exist_ok=True)
    with open(tmp / "train.json", "w") as f:
        f.write("[")
        for k, i in enumerate(train_idx.tolist()):
            f.write(", " + texts[i] if k else texts[i])
        f.write("]")
    with open(tmp / "test.json", "w") as f:
        f.write("[")
        for k, i in enumerate(test_idx.tolist()):
            obj = json.loads(texts[i])
            f.write((", " if k else "") + json.dumps({key: obj[key] for key in test_fields}))
        f.write("]")
    ctx.public.mkdir(parents=True, exist_ok=True)
    _seven_zip(tmp / "train.json", ctx.public / "train.json.7z", "train.json")
    _seven_zip(tmp / "test.json", ctx.public / "test.json.7z", "test.json")

    test_ids = [ids[i] for i in test_idx.tolist()]
    if set(test_ids) & {ids[i] for i in train_idx.tolist()}:
        raise RecipeError("train.json repeats image ids across the new train and test sets")
    answers = Table.from_columns([("id", test_ids), ("is_iceberg", [labels[i] for i in test_idx.tolist()])])
    write_csv(answers, ctx.private / "test.csv")
    write_csv(constant(answers, "is_iceberg", 0.5), ctx.private / "sample_submission.csv")
    _seven_zip(ctx.private / "sample_submission.csv", ctx.public / "sample_submission.csv.7z", "sample_submission.csv")
    for name in ("train.json", "test.json"):
        (tmp / name).unlink()
    tmp.rmdir()
