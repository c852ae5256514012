"""cdiscount-image-classification-challenge: train.bson (58 GB of product documents in the
real download) split by document, streamed twice (the reference reads it seven times)."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ...split import train_test_split_indices
from ..progress import Progress
from ..recipe import Context, RecipeError
from ..tables import Table, write_csv

_BUFFER = 4 << 20
SAMPLE_CATEGORY = 1000010653
EXAMPLE_DOCUMENTS = 100


def _bson() -> Any:
    try:
        import bson
    except ImportError:
        raise RecipeError("reading cdiscount's .bson files needs pymongo's bson: pip install 'mlebench-fast[prepare]'") from None
    return bson


def iter_bson_documents(path: Path, label: str, total: int | None = None) -> Iterator[bytes]:
    """The raw bytes of each document of a BSON file, in file order (a document starts with
    its little-endian int32 length), as `bson.decode_file_iter` reads them."""
    bar = Progress(label, total, "documents")
    with open(path, "rb", buffering=_BUFFER) as f:
        while True:
            head = f.read(4)
            if not head:
                break
            if len(head) < 4:
                raise RecipeError(f"{path.name} ends inside a document's size")
            (size,) = struct.unpack("<i", head)
            if size < 5:
                raise RecipeError(f"{path.name} has a document of invalid size {size}")
            rest = f.read(size - 4)
            if len(rest) != size - 4:
                raise RecipeError(f"{path.name} ends inside a document")
            yield head + rest
            bar.advance()
    bar.close()


def _int_column(values: list[Any], what: str) -> np.ndarray:
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise RecipeError(f"train.bson has a non-integer {what}")
    return np.asarray(values, dtype=np.int64)


def cdiscount(ctx: Context) -> None:
    """`train_test_split` (test_size=0.1, random_state=0) of the documents' (_id, category_id)
    rows; answers sorted by _id, sample category 1000010653. The new train.bson / test.bson
    hold the raw documents whose _id is in each set, in file order, decoded and re-encoded by
    pymongo's bson (test documents without category_id); train_example.bson is the first 100
    documents of the new train.bson. All three are written in one pass."""
    bson = _bson()
    source = ctx.raw / "train.bson"
    if not source.is_file():
        raise RecipeError("this download has no train.bson: is it cdiscount-image-classification-challenge's?")
    ids: list[Any] = []
    categories: list[Any] = []
    for raw in iter_bson_documents(source, "Reading train.bson ids"):
        doc = bson.decode(raw)
        if "_id" not in doc or "category_id" not in doc:
            raise RecipeError(f"train.bson document {len(ids)} has no _id or category_id")
        ids.append(doc["_id"])
        categories.append(doc["category_id"])
    if not ids:
        raise RecipeError("train.bson holds no documents")
    id_array = _int_column(ids, "_id")
    category_array = _int_column(categories, "category_id")
    del ids, categories
    train_idx, test_idx = train_test_split_indices(len(id_array), test_size=0.1, random_state=0)
    test_ids = id_array[test_idx]
    order = np.argsort(test_ids, kind="stable")  # sort_values(by="_id"); _ids are unique in the real data
    answer_ids = test_ids[order].tolist()
    answers = Table.from_columns([("_id", answer_ids), ("category_id", category_array[test_idx][order].tolist())])
    write_csv(answers, ctx.private / "answers.csv")
    sample = Table.from_columns([("_id", answer_ids), ("category_id", [SAMPLE_CATEGORY] * len(answer_ids))])
    write_csv(sample, ctx.public / "sample_submission.csv")

    train_set = set(id_array[train_idx].tolist())
    test_set = set(answer_ids)
    n_docs = len(id_array)
    del id_array, category_array
    written_examples = 0
    with (
        open(ctx.public / "train.bson", "wb", buffering=_BUFFER) as train_out,
        open(ctx.public / "test.bson", "wb", buffering=_BUFFER) as test_out,
        open(ctx.public / "train_example.bson", "wb") as example_out,
    ):
        for raw in iter_bson_documents(source, "Writing train.bson and test.bson", n_docs):
            doc = bson.decode(raw)
            if doc["_id"] in train_set:
                encoded = bson.encode(doc)
                train_out.write(encoded)
                if written_examples < EXAMPLE_DOCUMENTS:
                    example_out.write(encoded)
                    written_examples += 1
            if doc["_id"] in test_set:
                doc.pop("category_id", None)
                test_out.write(bson.encode(doc))
    shutil.copyfile(ctx.raw / "category_names.csv", ctx.public / "category_names.csv")
