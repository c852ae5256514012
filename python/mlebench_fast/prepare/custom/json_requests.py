"""random-acts-of-pizza: the data are JSON lists of requests, split as Python lists and
written back with Python's own `json` (indent=4, ASCII escapes, float repr), as the
reference does."""

from __future__ import annotations

import json
import zipfile

from .. import tables
from ..recipe import Context
from ...split import train_test_split_indices
from ..tables import write_csv


def random_acts_of_pizza(ctx: Context) -> None:
    old_train = json.loads((ctx.raw / "train.json").read_text())
    old_test = json.loads((ctx.raw / "test.json").read_text())
    if not old_train or not old_test:
        raise ValueError("train.json and test.json must hold at least one request each")
    for name, records in (("train.json", old_train), ("test.json", old_test)):
        if any(set(r) != set(records[0]) for r in records):
            raise ValueError(f"the requests of {name} do not all have the same fields")
    test_fields = list(old_test[0])
    test_ratio = len(old_test) / (len(old_train) + len(old_test))
    train_idx, test_idx = train_test_split_indices(len(old_train), test_size=test_ratio, random_state=0)
    new_train = [old_train[i] for i in train_idx]
    new_test = [old_train[i] for i in test_idx]
    public_test = [{k: r[k] for k in test_fields} for r in new_test]
    for name, records in (("train", new_train), ("test", public_test)):
        path = ctx.public / f"{name}.json"
        with open(path, "w") as f:
            json.dump(records, f, indent=4)
        with zipfile.ZipFile(ctx.public / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(path, arcname=f"{name}.json")
    ids = [r["request_id"] for r in new_test]
    answers = tables.Table.from_columns(
        [("request_id", ids), ("requester_received_pizza", [int(r["requester_received_pizza"]) for r in new_test])]
    )
    write_csv(answers, ctx.private / "test.csv")
    sample = tables.constant(answers, "requester_received_pizza", 0)
    write_csv(sample, ctx.public / "sampleSubmission.csv")
