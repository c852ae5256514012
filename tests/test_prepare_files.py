"""The many-files paths of a preparation: extracting a zip on several threads gives the tree
`zipfile.extractall` (the reference's extraction) gives, and copies out of a raw folder that
is discarded afterwards are hard links with the same bytes, never shared with anything kept."""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mlebench_fast.prepare import archive, files, pipeline, recipe


def tree(root: Path) -> dict[str, str | None]:
    """Every path below root: md5 of a file, None for a folder."""
    out: dict[str, str | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = hashlib.md5(path.read_bytes()).hexdigest() if path.is_file() else None
    return out


def write_zip(path: Path, members: list[tuple[str, bytes, int]]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data, compression in members:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = compression
            zf.writestr(info, data)


def both_extractions(tmp_path: Path, zip_path: Path) -> tuple[dict, dict]:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for d in (ours, theirs):
        shutil.rmtree(d, ignore_errors=True)
    archive.extract(zip_path, ours)
    theirs.mkdir()
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(theirs)
    return tree(ours), tree(theirs)


def test_extract_many_members_is_extractall(tmp_path):
    """Enough members for the threaded path, every compression zipfile writes, folders with
    and without entries, empty and multi-megabyte files, names that must be made safe, and
    a name given twice (the later member wins, as extracting in order gives)."""
    big = os.urandom(3 << 20)
    members: list[tuple[str, bytes, int]] = [("train/", b"", zipfile.ZIP_STORED), ("empty_dir/", b"", zipfile.ZIP_STORED)]
    methods = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
    for i in range(500):
        members.append((f"train/{i:04d}.png", os.urandom(i % 97) * (i % 5), methods[i % 4]))
    members += [
        ("nested/deeper/still/x.bin", big, zipfile.ZIP_DEFLATED),
        ("dup.txt", b"first", zipfile.ZIP_DEFLATED),
        ("../escape.txt", b"made safe", zipfile.ZIP_STORED),
        ("/absolute.txt", b"made safe too", zipfile.ZIP_STORED),
        ("a/./b/../c.txt", b"dots", zipfile.ZIP_STORED),
        ("dup.txt", b"second", zipfile.ZIP_DEFLATED),
        ("zero.bin", b"", zipfile.ZIP_DEFLATED),
    ]
    write_zip(tmp_path / "a.zip", members)
    ours, theirs = both_extractions(tmp_path, tmp_path / "a.zip")
    assert ours == theirs
    assert ours["dup.txt"] == hashlib.md5(b"second").hexdigest()
    assert not (tmp_path / "escape.txt").exists()


names = st.lists(st.sampled_from(["a", "b", "..", ".", "", "c.png"]), min_size=1, max_size=4).map("/".join).filter(bool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(names, st.binary(max_size=64)), min_size=1, max_size=40))
def test_extract_agrees_with_extractall_on_odd_names(tmp_path, entries):
    """Whatever the member names (dots, empty parts, duplicates, a file where a folder goes),
    our extraction gives extractall's tree, or fails where extractall fails."""
    zip_path = tmp_path / "odd.zip"
    write_zip(zip_path, [(name, data, zipfile.ZIP_DEFLATED) for name, data in entries])
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for d in (ours, theirs):
        shutil.rmtree(d, ignore_errors=True)
    theirs.mkdir()
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(theirs)
    except OSError:
        with pytest.raises((OSError, archive.ArchiveError)):
            archive.extract(zip_path, ours)
        return
    archive.extract(zip_path, ours)
    assert tree(ours) == tree(theirs)


def test_a_corrupt_member_is_an_archive_error(tmp_path):
    # compressible bytes, so the damage lands in Huffman-coded data (zlib's own error)
    data = b"".join(b"%d,%d\n" % (i, i * i % 977) for i in range(30_000))
    write_zip(tmp_path / "a.zip", [(f"f{i}.bin", data, zipfile.ZIP_DEFLATED) for i in range(40)])
    raw = bytearray((tmp_path / "a.zip").read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 64] = b"\x00" * 64  # inside some member's deflated bytes
    (tmp_path / "a.zip").write_bytes(bytes(raw))
    with pytest.raises(archive.ArchiveError, match="a.zip"):
        archive.extract(tmp_path / "a.zip", tmp_path / "out")


def make_raw(tmp_path: Path, n: int = 200) -> tuple[Path, list[tuple[Path, Path]]]:
    raw = tmp_path / "raw"
    (raw / "images").mkdir(parents=True)
    pairs = []
    for i in range(n):
        src = raw / "images" / f"{i}.png"
        src.write_bytes(os.urandom(50 + i))
        pairs.append((src, tmp_path / "public" / ("train" if i % 3 else "test") / f"{i}.png"))
    return raw, pairs


def test_copies_out_of_a_discarded_raw_folder_are_links(tmp_path):
    raw, pairs = make_raw(tmp_path)
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a,b\n")
    with files.linking_from(raw):
        files.copy_many([*pairs, (outside, tmp_path / "public" / "elsewhere.csv")])
    for src, dst in pairs:
        assert dst.read_bytes() == src.read_bytes()
        assert os.path.samefile(src, dst)
    assert not os.path.samefile(outside, tmp_path / "public" / "elsewhere.csv")  # not below raw: copied


def test_copies_are_copies_without_linking(tmp_path):
    _, pairs = make_raw(tmp_path)
    files.copy_many(pairs)
    for src, dst in pairs:
        assert dst.read_bytes() == src.read_bytes()
        assert not os.path.samefile(src, dst)


def test_a_linked_copy_over_an_earlier_one_leaves_the_earlier_source_alone(tmp_path):
    """Copying b over a destination that is a link to a must not write b's bytes into a."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a").write_bytes(b"a" * 10)
    (raw / "b").write_bytes(b"b" * 20)
    dst = tmp_path / "public" / "x"
    with files.linking_from(raw):
        files.copy_many([(raw / "a", dst)])
        files.copy_many([(raw / "b", dst)])
        files.copy_many([(raw / "b", dst)])  # already that file
    assert (raw / "a").read_bytes() == b"a" * 10
    assert dst.read_bytes() == b"b" * 20


def test_a_file_system_without_links_gets_copies(tmp_path, monkeypatch):
    raw, pairs = make_raw(tmp_path, 30)

    def no_links(src, dst, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(src))

    monkeypatch.setattr(files.os, "link", no_links)
    with files.linking_from(raw):
        files.copy_many(pairs)
    for src, dst in pairs:
        assert dst.read_bytes() == src.read_bytes()
        assert not os.path.samefile(src, dst)


def test_a_missing_source_still_names_it(tmp_path):
    raw, pairs = make_raw(tmp_path, 30)
    pairs[7][0].unlink()
    with files.linking_from(raw), pytest.raises(FileNotFoundError) as e:
        files.copy_many(pairs)
    assert e.value.filename == str(pairs[7][0])


@pytest.fixture
def images_competition(tmp_path):
    """A download for aptos2019-blindness-detection, whose recipe copies every train image."""
    members = [
        (
            "train.csv",
            ("id_code,diagnosis\n" + "".join(f"id{i:03d},{i % 5}\n" for i in range(150))).encode(),
            zipfile.ZIP_DEFLATED,
        )
    ]
    members += [(f"train_images/id{i:03d}.png", os.urandom(100 + i), zipfile.ZIP_DEFLATED) for i in range(150)]
    write_zip(tmp_path / "download.zip", members)
    return "aptos2019-blindness-detection", tmp_path / "download.zip"


@pytest.mark.parametrize("keep_raw", [False, True])
def test_prepared_bytes_do_not_depend_on_linking(images_competition, tmp_path, keep_raw):
    """Prepared with the raw folder discarded (links) or kept (copies): the same bytes, and a
    kept raw folder shares no file with what agents see."""
    cid, zip_path = images_competition
    data = tmp_path / ("kept" if keep_raw else "discarded")
    pipeline.prepare_competition(cid, data, from_zip=zip_path, keep_raw=keep_raw, skip_verification=True)
    prepared = data / cid / "prepared"
    with zipfile.ZipFile(zip_path) as zf:
        images = {Path(n).name: hashlib.md5(zf.read(n)).hexdigest() for n in zf.namelist() if n.endswith(".png")}
    got = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in prepared.rglob("*.png")}
    assert got == images
    assert all(p.stat().st_nlink == 1 for p in prepared.rglob("*.png"))
    assert (data / cid / "raw").is_dir() == keep_raw


parts = st.sampled_from(["public", "private", "train_images", "a", "{}", "{}.png", "x{}y", "..", ".", ""])
patterns = st.lists(parts, min_size=1, max_size=4).map("/".join)
file_names = st.sampled_from(["img1", "public", "private", "a.b", ".", "..", "", "x y"])


@settings(max_examples=300, deadline=None)
@given(patterns, st.lists(file_names, min_size=1, max_size=5))
@example("./{}", ["public"])  # found by this test: the folder "." leaves the name first
def test_copy_each_paths_are_the_contexts_paths(pattern, values):
    """copy_each resolves its pattern's folder once; each row's path is still exactly
    ctx.path(pattern with the row's value), and a path leaving the folders still fails."""
    ctx = recipe.Context("c", Path("/d/raw"), Path("/d/prepared/public"), Path("/d/prepared/private"))
    for value in values:
        try:
            expected = os.fspath(ctx.path(pattern.replace("{}", value)))
        except recipe.RecipeError:
            expected = None
        try:
            got = os.fspath(recipe._each_path(ctx, pattern)(value))
        except recipe.RecipeError:
            got = None
        if "/" not in value and value not in ("", ".", ".."):  # copy_each refuses other values
            assert got == expected, (pattern, value)
