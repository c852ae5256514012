"""Git LFS pointers: the small text files git leaves in place of large files it has not pulled.

The reference's `runs/` keeps its grading reports, JSONL files and `run_group_experiments.csv`
in Git LFS, so a clone without `git lfs pull` holds pointers; reading one as JSON or CSV would
fail with a parser's message that names neither the cause nor the fix.
"""

from __future__ import annotations

from pathlib import Path

# the first line of every pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md)
POINTER_STARTS = (b"version https://git-lfs.github.com/spec/", b"version https://hawser.github.com/spec/")


class LfsPointerError(ValueError):
    """A file is a Git LFS pointer instead of its content."""


def is_lfs_pointer(data: bytes) -> bool:
    return data.startswith(POINTER_STARTS)


def pointer_message(path: Path | str) -> str:
    return f"{path} is a Git LFS pointer, not the file itself: run `git lfs pull` in its repository"


def read_text(path: Path | str) -> str:
    """The file's text (UTF-8); `LfsPointerError` when it is an LFS pointer. `OSError` and
    `UnicodeDecodeError` pass through for the caller to word."""
    data = Path(path).read_bytes()
    if is_lfs_pointer(data):
        raise LfsPointerError(pointer_message(path))
    return data.decode("utf-8")
