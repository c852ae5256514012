"""The verified texts in the user cache: `<user cache dir>/mlebench-fast/texts/<commit>/<path>`.

A text is stored only after its sha256 and size matched the manifest, and it is checked again
every time it is read, so a cached file altered later is never used.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from platformdirs import user_cache_dir

from .manifest import Entry, Manifest, TextsError

VERIFIED, MISSING, CORRUPT = "verified", "missing", "corrupt"


def cache_root() -> Path:
    return Path(user_cache_dir("mlebench-fast")) / "texts"


def cached_path(manifest: Manifest, path: str) -> Path:
    return cache_root() / manifest.commit / path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mismatch(entry: Entry, data: bytes) -> str | None:
    """Why `data` is not the text the entry describes, or None when it is."""
    if len(data) != entry.size:
        return f"{len(data)} bytes, not the reference's {entry.size}"
    digest = sha256(data)
    if digest != entry.sha256:
        return f"sha256 {digest}, not the reference's {entry.sha256}"
    return None


def _read(manifest: Manifest, path: str) -> bytes | None:
    entry = manifest.files.get(path)
    if entry is None:
        return None
    try:
        with open(cached_path(manifest, path), "rb") as f:
            return f.read(entry.size + 1)  # a longer file is wrong whatever follows
    except OSError:
        return None


def verified_bytes(manifest: Manifest, path: str) -> bytes | None:
    """The reference's text at `path`, if the cache holds it with the right bytes."""
    data = _read(manifest, path)
    if data is None or mismatch(manifest.files[path], data) is not None:
        return None
    return data


def state(manifest: Manifest, path: str) -> str:
    data = _read(manifest, path)
    if data is None:
        return MISSING
    return VERIFIED if mismatch(manifest.files[path], data) is None else CORRUPT


def store(manifest: Manifest, path: str, data: bytes) -> Path:
    """Write a verified text into the cache (atomically: a reader never sees half a file)."""
    problem = mismatch(manifest.files[path], data)
    if problem is not None:  # callers check first; this guards the cache itself
        raise TextsError(f"{path}: {problem}; not stored")
    target = cached_path(manifest, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
