"""Copying an agent's output folders out of its stopped container, within caps.

Each folder (`/home/submission`, `/home/logs`, `/home/code`) comes as Docker's tar stream and
is unpacked as it arrives (no temporary tar): only plain files and folders under the folder,
at most `max_files` of them and `max_bytes` of file data (files counted at their full size, so
a sparse file free inside the container counts as what it would take on the host). Files
that do not fit, links, devices, paths leaving the folder and members the host cannot write
(a path too long, say) are skipped one by one and recorded, never the rest of the folder
(but for PASS_OVER_BYTES, below); a link is never followed,
so an agent cannot point graders at files of the host (such as the answers).
`submission.csv` is copied first, on its own, by content: whatever else the folder holds
(a hard link to it named earlier, which a tar delivers as the file, and the submission as a
link to it) cannot lose it.
"""

from __future__ import annotations

import io
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

MAX_RECORDED = 50  # skipped members named per folder in metadata.json; the others are counted
# Skipping a file in a tar stream still reads it: past this many bytes of skipped files the
# rest of the folder is left, so that a huge file (a sparse one is free to make) costs no time.
PASS_OVER_BYTES = 256 * 2**20
SUBMISSION_FILE = "submission.csv"


class ChunkReader(io.RawIOBase):
    """A readable file over an iterator of byte chunks (Docker's archive stream)."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


@dataclass
class FolderCopy:
    """What was copied of one folder, and what was not (for the run's metadata)."""

    max_bytes: int
    max_files: int
    files: int = 0
    bytes: int = 0
    entries: int = 0  # files and folders made
    passed_over: int = 0  # bytes of skipped files read past in the stream
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_total: int = 0
    cut: str | None = None  # why the rest of the folder was not copied

    def skip(self, path: str, size: int, reason: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < MAX_RECORDED:
            self.skipped.append({"path": path, "bytes": size, "reason": reason})

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": self.files, "bytes": self.bytes}
        if self.skipped:
            out["skipped"] = self.skipped
        if self.skipped_total > len(self.skipped):
            out["skipped_total"] = self.skipped_total
        if self.cut:
            out["cut"] = self.cut
        return out


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "a symbolic link (links are not copied)"
    if member.islnk():
        return "a hard link (links are not copied)"
    return "not a plain file or folder"


def extract(
    chunks: Iterable[bytes], dest: Path, top: str, copy: FolderCopy, shown_under: str = "", done: frozenset[str] = frozenset()
) -> None:
    """Unpack a tar stream of `top` (a folder or a file) into `dest`, within `copy`'s caps;
    members named in `done` were copied already. Skipped members are recorded in `copy` as
    `shown_under` + their name. `dest` must exist: nothing above it is ever made (a run
    folder deleted meanwhile stays deleted)."""
    if not dest.is_dir():
        raise FileNotFoundError(f"no folder {dest} to copy into")
    with tarfile.open(fileobj=io.BufferedReader(ChunkReader(chunks), 1 << 20), mode="r|") as tar:
        for member in tar:
            name = member.name
            shown = shown_under + name
            parts = PurePosixPath(name).parts
            if name in done:
                continue
            if not parts or parts[0] != top or any(p in ("..", "") for p in parts) or name.startswith("/"):
                copy.skip(shown, member.size, "outside the folder")
                continue
            if parts == (top,) and member.isdir():
                (dest / top).mkdir(exist_ok=True)
                continue
            if not (member.isdir() or member.isfile()):
                copy.skip(shown, member.size, _kind(member))
                continue
            if copy.entries >= copy.max_files:
                copy.cut = f"the cap of {copy.max_files} files and folders was reached at {shown}: the rest was not copied"
                return
            if member.isfile() and copy.bytes + member.size > copy.max_bytes:
                copy.skip(shown, member.size, f"does not fit in the cap of {copy.max_bytes} bytes per folder")
                if copy.passed_over + member.size > PASS_OVER_BYTES:
                    copy.cut = (
                        f"stopped at {shown}: reading past over {PASS_OVER_BYTES} bytes of skipped files; the rest was not read"
                    )
                    return
                copy.passed_over += member.size
                continue
            target = dest.joinpath(*parts)
            try:
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None  # a regular file
                    with source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
                    copy.files += 1
                    copy.bytes += member.size
            except OSError as e:
                copy.skip(shown, member.size, f"cannot be written on the host: {e.strerror or e}")
                if member.isfile():
                    try:
                        target.unlink(missing_ok=True)  # a partial file
                    except OSError:
                        pass
                continue
            copy.entries += 1


def copy_out(container: Any, path: str, dest: Path, copy: FolderCopy, first: str | None = None) -> None:
    """Copy the folder `path` of a container into `dest` (as `dest/<its name>`), `first` (a
    file name in it) on its own before the rest. Raises docker's NotFound when the folder
    does not exist; what was copied until an error stays recorded in `copy`."""
    from docker.errors import NotFound

    top = PurePosixPath(path).name
    done: frozenset[str] = frozenset()
    if first is not None:
        done = frozenset({f"{top}/{first}"})
        (dest / top).mkdir(exist_ok=True)
        try:
            _extract_archive(container, f"{path}/{first}", dest / top, first, copy, f"{top}/")
        except NotFound:
            pass
    _extract_archive(container, path, dest, top, copy, "", done)


def _extract_archive(
    container: Any, path: str, dest: Path, top: str, copy: FolderCopy, shown_under: str, done: frozenset[str] = frozenset()
) -> None:
    stream, _ = container.get_archive(path, chunk_size=1 << 20)
    try:
        extract(stream, dest, top, copy, shown_under, done)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops the engine's tar when the copy was cut
