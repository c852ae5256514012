"""The texts agents read: the benchmark instructions (`/home/instructions.txt`) and the
competition's description (`/home/data/description.md`), and their obfuscated variants.

An agent's score depends on what it is told, so the reference's texts are used whenever the
user has fetched them (`mlebench-fast texts fetch`; verified against the sha256 sums of
`reference_texts.json` every time they are read). Otherwise mlebench-fast writes its own and
warns, once per command, that the results will not be comparable with the leaderboard; the
run group's metadata records which texts every run used (`provenance`).
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from ..registry import Competition
from .manifest import (
    INSTRUCTIONS,
    INSTRUCTIONS_OBFUSCATED,
    MANIFEST_ENV,
    Manifest,
    TextsError,
    description_path,
    instructions_path,
    load_manifest,
)
from .store import cache_root, sha256, verified_bytes
from . import task_card as cards

# Where each text lives in the agent's container.
INSTRUCTIONS_IN_IMAGE = {False: "home/instructions.txt", True: "home/instructions_obfuscated.txt"}
DESCRIPTION_FILES = {False: "description.md", True: "description_obfuscated.md"}
NOT_COMPARABLE = "not comparable with the MLE-bench leaderboard"

_warned = False
warn_echo: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731


def warn_not_comparable(detail: str) -> None:
    """Warn (once per command, i.e. per process) that an agent gets mlebench-fast's own texts."""
    global _warned
    if _warned:
        return
    _warned = True
    warn_echo(
        f"warning: {detail}; results will be {NOT_COMPARABLE} "
        "(`mlebench-fast texts fetch` gets the reference's texts, `mlebench-fast texts status` shows them)"
    )


def _own_instructions(obfuscated: bool) -> bytes:
    name = "instructions_obfuscated.txt" if obfuscated else "instructions.txt"
    return (resources.files("mlebench_fast.run") / "files" / name).read_bytes()


def provenance(data: bytes, path: str, manifest: Manifest | None = None) -> dict[str, Any]:
    """Whether `data` is the reference's text at `path` (its commit and sha256) or mlebench-fast's own."""
    manifest = manifest or load_manifest()
    digest = sha256(data)
    entry = manifest.files.get(path)
    if entry is not None and entry.sha256 == digest and entry.size == len(data):
        return {
            "source": "reference",
            "repository": manifest.repository,
            "commit": manifest.commit,
            "path": path,
            "sha256": digest,
        }
    return {"source": "own", "sha256": digest}


def instructions_bytes(obfuscated: bool = False) -> bytes:
    """The verified reference instructions, else mlebench-fast's own."""
    data = verified_bytes(load_manifest(), instructions_path(obfuscated))
    return data if data is not None else _own_instructions(obfuscated)


def instructions_layer() -> dict[str, bytes]:
    """The instructions files of the `mlebench-env` image (path in the image -> bytes)."""
    files = {INSTRUCTIONS_IN_IMAGE[o]: instructions_bytes(o) for o in (False, True)}
    manifest = load_manifest()
    own = [
        p
        for o, p in ((False, INSTRUCTIONS), (True, INSTRUCTIONS_OBFUSCATED))
        if provenance(files[INSTRUCTIONS_IN_IMAGE[o]], p, manifest)["source"] == "own"
    ]
    if own:
        warn_not_comparable(
            f"the image gets mlebench-fast's own {' and '.join(Path(p).name for p in own)} (the reference's are not fetched)"
        )
    return files


def description_bytes(competition: Competition, public: Path, obfuscated: bool = False) -> bytes:
    """The description of a prepared `public` folder: the verified reference text, else
    mlebench-fast's task card built from the folder's files."""
    data = verified_bytes(load_manifest(), description_path(competition.id, obfuscated))
    return data if data is not None else cards.task_card(competition, public, obfuscated).encode("utf-8")


def write_descriptions(competition: Competition, public: Path, refresh: bool = False) -> list[str]:
    """Write `description.md` and `description_obfuscated.md` into `public`; returns the names
    written. With `refresh` (a folder prepared before), a file is rewritten only when the
    reference's text is now verified and differs, or when it is missing."""
    manifest = load_manifest()
    written, own = [], False
    for obfuscated, name in DESCRIPTION_FILES.items():
        target = Path(public) / name
        reference = verified_bytes(manifest, description_path(competition.id, obfuscated))
        if refresh and target.is_file() and (reference is None or target.read_bytes() == reference):
            continue
        own = own or reference is None
        target.write_bytes(description_bytes(competition, public, obfuscated))
        written.append(name)
    if own:
        warn_not_comparable(
            f"the reference's description of `{competition.id}` is not fetched, so mlebench-fast "
            "wrote its own task card (as for any other competition whose description is not fetched)"
        )
    return written


def run_texts(instructions: bytes | None, public_dirs: dict[str, Path], obfuscated: bool = False) -> dict[str, dict[str, Any]]:
    """What each competition's runs give the agent, for the run group's metadata: the
    provenance of the instructions (the bytes the agent image holds) and of the description
    (the prepared folder's), plus whether the run is obfuscated. Warns once if any is our own."""
    manifest = load_manifest()
    if instructions is None:
        inst: dict[str, Any] = {
            "source": "own",
            "sha256": None,
            "note": f"no /{INSTRUCTIONS_IN_IMAGE[obfuscated]} in the agent image",
        }
    else:
        inst = provenance(instructions, instructions_path(obfuscated), manifest)
    out: dict[str, dict[str, Any]] = {}
    own_descriptions = []
    for cid, public in public_dirs.items():
        file = Path(public) / DESCRIPTION_FILES[obfuscated]
        if file.is_file():
            desc = provenance(file.read_bytes(), description_path(cid, obfuscated), manifest)
        else:
            desc = {"source": "own", "sha256": None, "note": f"no {file.name} in the prepared folder"}
        if desc["source"] == "own":
            own_descriptions.append(cid)
        out[cid] = {"obfuscated": obfuscated, "instructions": inst, "description": desc}
    problems = []
    if inst["source"] == "own":
        problems.append(
            "the agent image holds mlebench-fast's own instructions (rebuild it with `env build` and "
            "`agents build` after `texts fetch`)"
        )
    if own_descriptions:
        names = ", ".join(own_descriptions[:5]) + (f" and {len(own_descriptions) - 5} more" if len(own_descriptions) > 5 else "")
        problems.append(f"the descriptions of {names} are not the reference's (`prepare` them again after `texts fetch`)")
    if problems:
        warn_not_comparable("; ".join(problems))
    return out


__all__ = [
    "INSTRUCTIONS",
    "INSTRUCTIONS_OBFUSCATED",
    "MANIFEST_ENV",
    "NOT_COMPARABLE",
    "Manifest",
    "TextsError",
    "cache_root",
    "description_bytes",
    "description_path",
    "instructions_bytes",
    "instructions_layer",
    "instructions_path",
    "load_manifest",
    "provenance",
    "run_texts",
    "warn_not_comparable",
    "write_descriptions",
]
