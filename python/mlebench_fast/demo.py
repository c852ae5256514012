"""The built-in demo: a synthetic data dir with four competitions and a few hundred
synthetic submissions (some deliberately broken), graded by the same path as `grade`.
No network, no Kaggle data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from .registry import get_competition

N_ROWS = 400


@dataclass
class DemoCompetition:
    id: str
    answers: pl.DataFrame
    make_submission: Callable[[np.random.Generator, float], pl.DataFrame]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(n)]


def _competitions(rng: np.random.Generator) -> list[DemoCompetition]:
    n = N_ROWS
    # spaceship-titanic: boolean label, accuracy
    titanic = pl.DataFrame({"PassengerId": [f"{i:04d}_01" for i in range(n)], "Transported": rng.random(n) < 0.5})

    def titanic_sub(r: np.random.Generator, skill: float) -> pl.DataFrame:
        truth = titanic["Transported"].to_numpy()
        flip = r.random(n) > skill
        return pl.DataFrame({"PassengerId": titanic["PassengerId"], "Transported": truth ^ flip})

    # aerial-cactus-identification: 0/1 label, ROC AUC of a probability
    cactus = pl.DataFrame({"id": [f"{h}.jpg" for h in _ids("img", n)], "has_cactus": (rng.random(n) < 0.7).astype(int)})

    def cactus_sub(r: np.random.Generator, skill: float) -> pl.DataFrame:
        y = cactus["has_cactus"].to_numpy()
        logit = (y * 2 - 1) * skill * 4 + r.normal(0, 1.5, n)
        return pl.DataFrame({"id": cactus["id"], "has_cactus": 1 / (1 + np.exp(-logit))})

    # spooky-author-identification: three classes, multi-class log loss
    authors = ["EAP", "HPL", "MWS"]
    label = rng.integers(0, 3, n)
    spooky = pl.DataFrame({"id": _ids("id", n), **{a: (label == k).astype(int) for k, a in enumerate(authors)}})

    def spooky_sub(r: np.random.Generator, skill: float) -> pl.DataFrame:
        logits = np.eye(3)[label] * skill * 5 + r.normal(0, 1, (n, 3))
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return pl.DataFrame({"id": spooky["id"], **{a: p[:, k] for k, a in enumerate(authors)}})

    # new-york-city-taxi-fare-prediction: RMSE of a fare
    fares = np.round(rng.gamma(2.0, 6.0, n) + 2.5, 2)
    taxi = pl.DataFrame({"key": [f"2015-01-{1 + i % 28:02d} 10:{i % 60:02d}:00.{i:07d}" for i in range(n)], "fare_amount": fares})

    def taxi_sub(r: np.random.Generator, skill: float) -> pl.DataFrame:
        noise = r.normal(0, 12 * (1 - skill) + 0.5, n)
        return pl.DataFrame({"key": taxi["key"], "fare_amount": np.round(fares + noise, 2)})

    return [
        DemoCompetition("spaceship-titanic", titanic, titanic_sub),
        DemoCompetition("aerial-cactus-identification", cactus, cactus_sub),
        DemoCompetition("spooky-author-identification", spooky, spooky_sub),
        DemoCompetition("new-york-city-taxi-fare-prediction", taxi, taxi_sub),
    ]


def _break(df: pl.DataFrame, kind: int, r: np.random.Generator) -> pl.DataFrame | bytes | None:
    """A broken submission of one of several kinds (None = no file at all)."""
    match kind:
        case 0:
            return df.head(df.height - 5)  # missing rows
        case 1:
            return df.rename({df.columns[-1]: "prediction"})  # renamed target column
        case 2:
            return b"\x00\x01binary junk\xff\xfe"  # not a text file
        case 3:
            return None  # the agent wrote nothing
        case _:
            return b""  # empty file


def build(root: Path, n_submissions: int = 300, seed: int = 0) -> tuple[Path, Path]:
    """Write a data dir and a submission JSONL under `root`; returns (data_dir, jsonl)."""
    rng = np.random.default_rng(seed)
    data_dir = root / "data"
    subs_dir = root / "submissions"
    subs_dir.mkdir(parents=True, exist_ok=True)
    comps = _competitions(rng)
    for c in comps:
        answers = get_competition(c.id).answers_path(data_dir)
        answers.parent.mkdir(parents=True, exist_ok=True)
        c.answers.write_csv(answers)
    lines = []
    for i in range(n_submissions):
        c = comps[i % len(comps)]
        path = subs_dir / f"{i:04d}_{c.id}.csv"
        df = c.make_submission(rng, float(rng.uniform(0.3, 1.0)))
        df = df.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
        content: pl.DataFrame | bytes | None = df
        if rng.random() < 0.1:
            content = _break(df, int(rng.integers(0, 5)), rng)
        if isinstance(content, pl.DataFrame):
            content.write_csv(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        lines.append(json.dumps({"competition_id": c.id, "submission_path": str(path)}))
    jsonl = root / "submissions.jsonl"
    jsonl.write_text("# mlebench-fast demo submissions\n" + "\n".join(lines) + "\n")
    return data_dir, jsonl
