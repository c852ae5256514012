"""osic-pulmonary-fibrosis-progression: the patients of train.csv (in sorted Patient order,
as `groupby("Patient")` lists them) are split 90/10 with train_test_split; each side is the
concatenation of its patients' rows in split order. The answers cover every test patient x
every week between the test rows' smallest and largest Weeks (a left merge with the test rows).
Patient folders of DICOM images are copied from train/ as they are."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...split import train_test_split_indices
from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv

COLUMNS = ["Patient", "Weeks", "FVC", "Percent", "Age", "Sex", "SmokingStatus"]


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _patients_in_order(patients: list[Any]) -> list[Any]:
    """Distinct values in order of first appearance (`Series.unique()`)."""
    return list(dict.fromkeys(patients))


def _first_by_patient(test: Table) -> Table:
    """`test.sort_values(by="Weeks").groupby("Patient").first().reset_index()`: the sort is
    numpy's (unstable) quicksort argsort, as pandas does it; `first` takes, per patient (in
    sorted order) and per column, the first non-missing value."""
    order = np.argsort(np.asarray(test.column("Weeks"), dtype=np.int64), kind="quicksort").tolist()
    patients = test.column("Patient")
    rows_of: dict[Any, list[int]] = {}
    for i in order:
        rows_of.setdefault(patients[i], []).append(i)
    keys = sorted(rows_of)
    columns: list[tuple[str, list[Any]]] = [("Patient", keys)]
    for name in test.names:
        if name == "Patient":
            continue
        values = test.column(name)
        out = []
        for key in keys:
            found = next((values[i] for i in rows_of[key] if not _is_null(values[i])), math.nan)
            out.append(found)
        columns.append((name, out))
    return Table.from_columns(columns)


def _answers(test: Table) -> Table:
    """All (patient, week) pairs left-merged with the test rows: a pair with no row gets
    missing values (so FVC, Percent, Age turn float), a pair with several rows repeats."""
    patients = test.column("Patient")
    weeks = test.column("Weeks")
    lo, hi = min(weeks), max(weeks)
    others = [n for n in test.names if n not in ("Patient", "Weeks")]
    values = {n: test.column(n) for n in others}
    rows_at: dict[tuple[Any, int], list[int]] = {}
    for i, key in enumerate(zip(patients, weeks)):
        rows_at.setdefault(key, []).append(i)
    out: dict[str, list[Any]] = {n: [] for n in ["Patient", "Weeks", *others]}
    for patient in _patients_in_order(patients):
        for week in range(lo, hi + 1):
            for i in rows_at.get((patient, week), [None]):
                out["Patient"].append(patient)
                out["Weeks"].append(week)
                for n in others:
                    out[n].append(math.nan if i is None else values[n][i])
    out["Patient_Week"] = [f"{p}_{w}" for p, w in zip(out["Patient"], out["Weeks"])]
    out["Confidence"] = [100] * len(out["Patient"])
    return Table.from_columns(list(out.items()))


def prepare(ctx: Context) -> None:
    path = ctx.raw / "train.csv"
    if not path.is_file():
        raise RecipeError("this download has no train.csv: is it osic-pulmonary-fibrosis-progression's download?")
    train = read_csv(path)
    if train.names != COLUMNS:
        raise RecipeError(f"train.csv should have the columns {COLUMNS}, has {train.names}")
    patients = train.column("Patient")
    rows_of: dict[Any, list[int]] = {}
    for i, p in enumerate(patients):
        if not _is_null(p):
            rows_of.setdefault(p, []).append(i)
    groups = sorted(rows_of)
    train_idx, test_idx = train_test_split_indices(len(groups), test_size=0.1, random_state=0)
    train_patients = [groups[i] for i in train_idx]
    test_patients = [groups[i] for i in test_idx]
    new_train = train.take([r for p in train_patients for r in rows_of[p]])
    new_test = train.take([r for p in test_patients for r in rows_of[p]])

    public_test = _first_by_patient(new_test)
    answers = _answers(new_test)
    per_patient = {}
    for p in answers.column("Patient"):
        per_patient[p] = per_patient.get(p, 0) + 1
    if len(set(per_patient.values())) != 1:
        raise RecipeError("the test patients do not all get the same number of weeks (duplicated Patient/Weeks rows?)")
    sample = Table.from_columns(
        [
            ("Patient_Week", answers.column("Patient_Week")),
            ("FVC", [2000] * len(answers)),
            ("Confidence", [100] * len(answers)),
        ]
    )
    write_csv(new_train, ctx.public / "train.csv")
    write_csv(public_test, ctx.public / "test.csv")
    write_csv(answers, ctx.private / "test.csv")
    write_csv(sample, ctx.public / "sample_submission.csv")

    pairs = []
    for side, side_patients in (("train", train_patients), ("test", test_patients)):
        (ctx.public / side).mkdir(parents=True, exist_ok=True)
        for patient in side_patients:
            folder = ctx.raw / "train" / str(patient)
            if not folder.is_dir():
                raise RecipeError(f"this download has no train/{patient}/ folder of images for a patient of train.csv")
            pairs += [
                (f, ctx.public / side / str(patient) / f.relative_to(folder)) for f in sorted(folder.rglob("*")) if f.is_file()
            ]
    copy_many(pairs, "Copying patient images")
