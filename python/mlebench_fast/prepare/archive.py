"""Archives as the reference's preparations read and write them.

Extraction is one level deep, like the reference's `extract(..., recursive=False)`: nested
archives stay archives until a preparation extracts them itself. Writing mirrors the two
ways the reference writes archives: `compress` (members relative to the folder, files only)
and `shutil.make_archive` (members under the folder's name, directory entries included).
"""

from __future__ import annotations

import os
import shutil
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .progress import Progress, track

ARCHIVE_SUFFIXES = (".zip", ".7z")

# Extracting many small files is mostly the kernel creating them, with the GIL released:
# a few threads keep both cores busy. zipfile serialises their reads of the archive.
EXTRACT_THREADS = max(4, 2 * (os.cpu_count() or 1))
MEMBERS_PER_TASK = 64
# a member up to this size is decompressed in one read; larger ones stream through a buffer
WHOLE_MEMBER = 1 << 20


class ArchiveError(Exception):
    pass


def extract(archive: Path, dst: Path, label: str | None = None) -> None:
    """Extract a .zip or .7z archive into `dst` (created if needed)."""
    archive, dst = Path(archive), Path(dst)
    if not archive.is_file():
        raise ArchiveError(f"archive {archive} does not exist")
    dst.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".zip":
        try:
            _extract_zip(archive, dst, label or f"Extracting {archive.name}")
        except (zipfile.BadZipFile, zlib.error) as e:
            raise ArchiveError(f"{archive} is not a valid zip file: {e}") from None
    elif archive.suffix == ".7z":
        try:
            import py7zr
        except ImportError:
            raise ArchiveError(f"{archive.name} is a 7z archive: install py7zr (pip install 'mlebench-fast[download]')") from None
        with py7zr.SevenZipFile(archive, mode="r") as sz:
            sz.extractall(dst)
    else:
        raise ArchiveError(f"unsupported archive format: {archive.name}")


def _target(dst: str, member: zipfile.ZipInfo) -> str:
    """Where `ZipFile.extract` puts a member: drive, empty, "." and ".." parts dropped, so
    no name leaves `dst` (the reference extracts with zipfile, so the same tree results)."""
    name = member.filename.replace("/", os.sep)
    if os.altsep:
        name = name.replace(os.altsep, os.sep)
    name = os.path.splitdrive(name)[1]
    name = os.sep.join(part for part in name.split(os.sep) if part not in ("", os.curdir, os.pardir))
    return os.path.normpath(os.path.join(dst, name))


def _extract_zip(archive: Path, dst: Path, label: str) -> None:
    """`ZipFile.extractall(dst)`'s tree, written by several threads."""
    # ZipFile given our own file object never closes it, so members opened by several
    # threads at once cannot close it under each other
    with open(archive, "rb") as handle, zipfile.ZipFile(handle) as zf:
        members = zf.infolist()
        folders: set[str] = set()
        files: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            target = _target(os.fspath(dst), member)
            if member.is_dir():
                folders.add(target)
            else:
                files[target] = member  # a name given twice: the later member, as in order
                folders.add(os.path.dirname(target))
        for folder in sorted(folders):
            os.makedirs(folder, exist_ok=True)

        def write(target: str, member: zipfile.ZipInfo) -> None:
            with zf.open(member) as src, open(target, "wb") as out:
                if member.file_size <= WHOLE_MEMBER:
                    out.write(src.read())
                else:
                    shutil.copyfileobj(src, out, WHOLE_MEMBER)

        def batch(chunk: list[tuple[str, zipfile.ZipInfo]]) -> int:
            for target, member in chunk:
                write(target, member)
            return len(chunk)

        items = list(files.items())
        bar = Progress(label, len(members)) if len(members) > 100 else None
        if bar is not None:
            bar.advance(len(members) - len(items))  # folders (and replaced duplicates) are done
        if len(items) <= MEMBERS_PER_TASK:
            for target, member in items:
                write(target, member)
        else:
            chunks = [items[i : i + MEMBERS_PER_TASK] for i in range(0, len(items), MEMBERS_PER_TASK)]
            with ThreadPoolExecutor(EXTRACT_THREADS) as pool:
                for done in pool.map(batch, chunks):
                    if bar is not None:
                        bar.advance(done)
        if bar is not None:
            bar.close()


def zip_folder(src: Path, dst: Path, *, under_folder_name: bool = False, compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Zip every file below `src` into `dst`.

    By default members are named relative to `src` (the reference's `compress`); with
    `under_folder_name`, they sit under `src`'s own name and each directory gets an entry,
    as `shutil.make_archive(dst, "zip", src.parent, src.name)` writes them.
    """
    src, dst = Path(src), Path(dst)
    base = src.parent if under_folder_name else src
    with zipfile.ZipFile(dst, "w", compression) as zf:
        if under_folder_name:
            for root, dirs, files in os.walk(src):
                dirs.sort()
                rel_root = Path(root).relative_to(base)
                zf.write(root, arcname=f"{rel_root.as_posix()}/")
                for name in track(sorted(files), f"Zipping {src.name}"):
                    zf.write(Path(root) / name, arcname=(rel_root / name).as_posix())
        else:
            files = sorted(p for p in src.rglob("*") if p.is_file())
            for path in track(files, f"Zipping {src.name}"):
                zf.write(path, arcname=path.relative_to(base).as_posix())


def zip_file(src: Path, dst: Path, arcname: str | None = None, compression: int = zipfile.ZIP_STORED) -> None:
    """A zip holding the one file `src` (zipfile's default: stored, not compressed)."""
    with zipfile.ZipFile(dst, "w", compression) as zf:
        zf.write(src, arcname=arcname or Path(src).name)
