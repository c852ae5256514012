"""Synthetic prepared competitions for the run tests (the reference's data-dir layout)."""

from __future__ import annotations

import hashlib
from pathlib import Path

TITANIC = "spaceship-titanic"
CACTUS = "aerial-cactus-identification"
N_TEST = 24
# Lines like "0003_01,True" exist only in the answers: the sample submission says False for
# every id and the public test.csv has no label column. The tests look for them.
ANSWER_MARKER = b"0003_01,True"


def titanic_ids() -> list[str]:
    return [f"{i:04d}_01" for i in range(N_TEST)]


def make_titanic(data_dir: Path) -> Path:
    """A prepared spaceship-titanic; returns its answers file."""
    root = data_dir / TITANIC / "prepared"
    (root / "public").mkdir(parents=True, exist_ok=True)
    (root / "private").mkdir(parents=True, exist_ok=True)
    ids = titanic_ids()
    (root / "public" / "description.md").write_text("# Spaceship Titanic (synthetic)\n\nPredict `Transported`.\n")
    (root / "public" / "train.csv").write_text(
        "PassengerId,HomePlanet,Transported\n" + "".join(f"{9000 + i:04d}_01,Earth,{i % 2 == 0}\n" for i in range(40))
    )
    (root / "public" / "test.csv").write_text("PassengerId,HomePlanet\n" + "".join(f"{i},Europa\n" for i in ids))
    (root / "public" / "sample_submission.csv").write_text("PassengerId,Transported\n" + "".join(f"{i},False\n" for i in ids))
    answers = root / "private" / "test.csv"
    answers.write_text("PassengerId,Transported\n" + "".join(f"{i},{n % 3 == 0}\n" for n, i in enumerate(ids)))
    assert ANSWER_MARKER in answers.read_bytes()
    return answers


def make_cactus(data_dir: Path) -> Path:
    root = data_dir / CACTUS / "prepared"
    (root / "public").mkdir(parents=True, exist_ok=True)
    (root / "private").mkdir(parents=True, exist_ok=True)
    (root / "public" / "description.md").write_text("# Aerial cactus (synthetic)\n")
    ids = [f"img{i}.jpg" for i in range(10)]
    (root / "public" / "sample_submission.csv").write_text("id,has_cactus\n" + "".join(f"{i},0.5\n" for i in ids))
    answers = root / "private" / "test.csv"
    answers.write_text("id,has_cactus\n" + "".join(f"{i},{n % 2}\n" for n, i in enumerate(ids)))
    return answers


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
