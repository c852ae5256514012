"""Which bytes are the reference's texts: `reference_texts.json`, the sha256 and size of every
text an agent of MLE-bench reads, at one pinned commit of the reference, and the URL pattern
of the public files. The texts themselves are never shipped (they are Kaggle's and the
reference's); these facts are what lets a fetched copy be proven right.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

# A manifest of the same layout to use instead of the shipped one (tests use synthetic texts).
MANIFEST_ENV = "MLEBENCH_FAST_TEXTS_MANIFEST"
INSTRUCTIONS = "environment/instructions.txt"
INSTRUCTIONS_OBFUSCATED = "environment/instructions_obfuscated.txt"


class TextsError(Exception):
    """A problem with the texts, worded as one line for the command line."""


def instructions_path(obfuscated: bool = False) -> str:
    return INSTRUCTIONS_OBFUSCATED if obfuscated else INSTRUCTIONS


def description_path(competition_id: str, obfuscated: bool = False) -> str:
    """The description's path in the reference's repository."""
    name = "description_obfuscated.md" if obfuscated else "description.md"
    return f"mlebench/competitions/{competition_id}/{name}"


@dataclass(frozen=True)
class Entry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    repository: str
    commit: str
    raw_url: str  # `{commit}` and `{path}` filled in give a file's public URL
    files: dict[str, Entry]

    def url(self, path: str) -> str:
        return self.raw_url.format(commit=self.commit, path=path)


def manifest_source() -> str:
    return os.environ.get(MANIFEST_ENV) or str(resources.files("mlebench_fast.texts") / "reference_texts.json")


def load_manifest() -> Manifest:
    """The shipped manifest, or the one $MLEBENCH_FAST_TEXTS_MANIFEST names."""
    source = manifest_source()
    try:
        raw = json.loads(Path(source).read_text(encoding="utf-8"))
        files = {}
        for path, entry in raw["files"].items():
            parts = PurePosixPath(path).parts
            # paths become cache paths: keep them inside the cache
            if not parts or path.startswith("/") or ".." in parts:
                raise ValueError(f"bad path {path!r}")
            files[path] = Entry(str(entry["sha256"]).lower(), int(entry["bytes"]))
        commit = str(raw["commit"])
        if not re.fullmatch(r"[0-9A-Za-z_-]+", commit):  # it names the cache folder
            raise ValueError(f"bad commit {commit!r}")
        return Manifest(str(raw["repository"]), commit, str(raw["raw_url"]), files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise TextsError(f"cannot read the texts manifest {source}: {type(e).__name__}: {e}") from None
