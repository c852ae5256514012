"""Archives as the reference's preparations read and write them.

Extraction is one level deep, like the reference's `extract(..., recursive=False)`: nested
archives stay archives until a preparation extracts them itself. Writing mirrors the two
ways the reference writes archives: `compress` (members relative to the folder, files only)
and `shutil.make_archive` (members under the folder's name, directory entries included).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .progress import Progress, track

ARCHIVE_SUFFIXES = (".zip", ".7z")


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
            with zipfile.ZipFile(archive) as zf:
                members = zf.infolist()
                bar = Progress(label or f"Extracting {archive.name}", len(members))
                for member in members:
                    zf.extract(member, dst)
                    bar.advance()
                bar.close()
        except zipfile.BadZipFile as e:
            raise ArchiveError(f"{archive} is not a valid zip file: {e}") from None
    elif archive.suffix == ".7z":
        try:
            import py7zr
        except ImportError:
            raise ArchiveError(
                f"{archive.name} is a 7z archive: install py7zr (pip install 'mlebench-fast[download]')"
            ) from None
        with py7zr.SevenZipFile(archive, mode="r") as sz:
            sz.extractall(dst)
    else:
        raise ArchiveError(f"unsupported archive format: {archive.name}")


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
