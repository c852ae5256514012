"""The prepare pipeline on small synthetic Kaggle-shaped downloads: recipes against a
pandas/scikit-learn formulation of the same preparation, atomicity, idempotence, checksum
verification, Kaggle download errors and retries, and the command line."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.model_selection import train_test_split

from conftest import SHARED

from mlebench_fast import registry
from mlebench_fast.prepare import download, pipeline, recipe
from mlebench_fast.prepare.cli import PrepareCliError, run_prepare, selected_ids

ID = "synthetic-comp"


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _train_csv(n: int = 60) -> bytes:
    rng = np.random.RandomState(1)
    df = pd.DataFrame(
        {
            "id": [f"img{i:03d}" for i in range(n)],
            "x": rng.normal(size=n).round(3),
            "note": rng.choice(["a,b", 'say "hi"', "", "plain", "NA"], size=n),
            "label": rng.choice(["cat", "dog", "bird"], size=n),
        }
    )
    df.loc[3, "x"] = np.nan
    return df.to_csv(index=False).encode()


def _images_zip(n: int = 60) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(n):
            zf.writestr(f"images/img{i:03d}.jpg", f"pixels of {i}".encode())
    return buf.getvalue()


RECIPE = [
    {"extract": {"archive": "images.zip"}},
    {"read": {"file": "train.csv", "as": "train"}},
    {"split": {"table": "train", "test_size": 0.2, "random_state": 0, "into": ["new_train", "new_test"]}},
    {"write": {"table": "new_train", "to": "public/train.csv"}},
    {"derive": {"from": "new_test", "as": "public_test", "drop": ["label"]}},
    {"write": {"table": "public_test", "to": "public/test.csv"}},
    {
        "derive": {
            "from": "new_test",
            "as": "answers",
            "select": ["id", "label"],
            "one_hot": {"id": "id", "target": "label", "classes": ["bird", "cat", "dog"]},
        }
    },
    {"write": {"table": "answers", "to": "private/test.csv"}},
    {"derive": {"from": "answers", "as": "sample", "fill": {"value": 0.3333333333333333, "except": ["id"]}}},
    {"write": {"table": "sample", "to": "public/sample_submission.csv"}},
    {"copy_each": {"table": "new_test", "column": "id", "from": "images/{}.jpg", "to": "public/test/{}.jpg"}},
    {"zip": {"folder": "public/test", "to": "public/test.zip", "remove_folder": True}},
]


def _reference_outputs(train_csv: bytes) -> dict[str, bytes]:
    """The same preparation written with pandas and scikit-learn, as the reference would."""
    old = pd.read_csv(io.BytesIO(train_csv), float_precision="round_trip")
    new_train, new_test = train_test_split(old, test_size=0.2, random_state=0)
    answers = pd.DataFrame(0, index=new_test.index, columns=["id", "bird", "cat", "dog"])
    answers["id"] = new_test["id"]
    for i, row in new_test.iterrows():
        answers.loc[i, row["label"]] = 1
    sample = answers.copy()
    sample[["bird", "cat", "dog"]] = 1 / 3
    return {
        "public/train.csv": new_train.to_csv(index=False).encode(),
        "public/test.csv": new_test.drop(columns=["label"]).to_csv(index=False).encode(),
        "private/test.csv": answers.to_csv(index=False).encode(),
        "public/sample_submission.csv": sample.to_csv(index=False).encode(),
    }


def _context(tmp_path: Path, files: dict[str, bytes]) -> recipe.Context:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, data in files.items():
        (raw / name).write_bytes(data)
    ctx = recipe.Context(ID, raw, tmp_path / "public", tmp_path / "private")
    ctx.public.mkdir()
    ctx.private.mkdir()
    return ctx


def test_recipe_matches_pandas_and_sklearn(tmp_path):
    train_csv = _train_csv()
    ctx = _context(tmp_path, {"train.csv": train_csv, "images.zip": _images_zip()})
    recipe.run(ctx, RECIPE)
    for rel, want in _reference_outputs(train_csv).items():
        assert ctx.path(rel).read_bytes() == want, rel
    with zipfile.ZipFile(ctx.public / "test.zip") as zf:
        names = sorted(zf.namelist())
    test_ids = pd.read_csv(ctx.public / "test.csv")["id"]
    assert names == sorted(f"{i}.jpg" for i in test_ids)
    assert not (ctx.public / "test").exists()


def test_split_by_values_keeps_file_order(tmp_path):
    df = pd.DataFrame({"sid": [5, 5, 1, 9, 1, 7, 7, 3, 2, 2, 8], "tok": range(11)})
    ctx = _context(tmp_path, {"t.csv": df.to_csv(index=False).encode()})
    recipe.run(
        ctx,
        [
            {"read": {"file": "t.csv", "as": "t"}},
            {"split": {"table": "t", "by": "sid", "unique": True, "test_size": 0.3, "random_state": 0, "into": ["a", "b"]}},
            {"write": {"table": "a", "to": "public/a.csv"}},
            {"write": {"table": "b", "to": "public/b.csv", "quoting": "nonnumeric"}},
        ],
    )
    train_ids, test_ids = train_test_split(df["sid"].unique(), test_size=0.3, random_state=0)
    assert (ctx.public / "a.csv").read_text() == df[df["sid"].isin(train_ids)].to_csv(index=False)
    assert (ctx.public / "b.csv").read_text() == df[df["sid"].isin(test_ids)].to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)


def test_recipe_errors_are_clear(tmp_path):
    ctx = _context(tmp_path, {})
    with pytest.raises(recipe.RecipeError, match="unknown step"):
        recipe.run(ctx, [{"shuffle": {}}])
    with pytest.raises(recipe.RecipeError, match="needs `as`"):
        recipe.run(ctx, [{"read": {"file": "x.csv"}}])
    with pytest.raises(recipe.RecipeError, match="no table named"):
        recipe.run(ctx, [{"write": {"table": "nope", "to": "public/x.csv"}}])
    with pytest.raises(recipe.RecipeError, match="inside"):
        ctx.path("../outside")
    with pytest.raises(recipe.RecipeError, match="custom"):
        recipe.run(ctx, [{"call": "os:system"}])


# ---- the pipeline on a synthetic competition ---------------------------------------------


@pytest.fixture
def competitions_dir(tmp_path, monkeypatch):
    """A one-competition registry in a temporary competitions/ folder."""
    comps = tmp_path / "competitions"
    (comps / ID).mkdir(parents=True)
    (comps / ID / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "id": ID,
                "name": "Synthetic Competition",
                "answers": f"{ID}/prepared/private/test.csv",
                "sample_submission": f"{ID}/prepared/public/sample_submission.csv",
                "metric": "multi-class-log-loss",
                "splits": ["dev"],
                "grader": None,
            }
        )
    )
    (comps / ID / "prepare.yaml").write_text(yaml.safe_dump({"steps": RECIPE}, sort_keys=False))
    monkeypatch.setenv(registry.CONFIGS_ENV, str(comps))
    registry._all.cache_clear()
    yield comps
    registry._all.cache_clear()


@pytest.fixture
def raw_zip(tmp_path):
    return _zip(tmp_path / "download.zip", {"train.csv": _train_csv(), "images.zip": _images_zip()})


def test_prepare_from_zip_is_idempotent(competitions_dir, raw_zip, tmp_path):
    data = tmp_path / "data"
    assert pipeline.prepare_competition(ID, data, from_zip=raw_zip) == "prepared"
    prepared = data / ID / "prepared"
    assert (prepared / "public" / "description.md").read_text().startswith("# Synthetic Competition")
    assert not (data / ID / "raw").exists()
    before = {p: p.stat().st_mtime_ns for p in prepared.rglob("*")}
    assert pipeline.prepare_competition(ID, data, from_zip=raw_zip) == "already prepared"
    assert {p: p.stat().st_mtime_ns for p in prepared.rglob("*")} == before


def test_keep_raw(competitions_dir, raw_zip, tmp_path):
    data = tmp_path / "data"
    pipeline.prepare_competition(ID, data, from_zip=raw_zip, keep_raw=True)
    assert (data / ID / "raw" / "train.csv").is_file()
    assert (data / ID / "raw" / "images" / "img000.jpg").is_file()


def test_failed_prepare_leaves_nothing_that_looks_prepared(competitions_dir, tmp_path):
    bad_zip = _zip(tmp_path / "bad.zip", {"train.csv": _train_csv()})  # no images.zip
    data = tmp_path / "data"
    with pytest.raises(pipeline.PrepareError, match="images.zip"):
        pipeline.prepare_competition(ID, data, from_zip=bad_zip)
    assert not (data / ID / "prepared").exists()
    assert not list((data / ID).glob(".work-*"))


def test_checksums_written_then_verified(competitions_dir, raw_zip, tmp_path):
    data = tmp_path / "data"
    pipeline.prepare_competition(ID, data, from_zip=raw_zip, overwrite_checksums=True)
    sums = yaml.safe_load((competitions_dir / ID / "checksums.yaml").read_text())
    assert set(sums) == {"zip", "public", "private"}
    assert set(sums["public"]) == {"train.csv", "test.csv", "sample_submission.csv"}
    assert set(sums["private"]) == {"test.csv"}
    # a fresh prepare verifies against them
    assert pipeline.prepare_competition(ID, tmp_path / "data2", from_zip=raw_zip) == "prepared"
    # a wrong expected checksum fails, and nothing is left prepared
    sums["public"]["train.csv"] = "0" * 32
    (competitions_dir / ID / "checksums.yaml").write_text(yaml.safe_dump(sums))
    registry._all.cache_clear()  # the registry is parsed once per process
    with pytest.raises(pipeline.PrepareError, match="do not match"):
        pipeline.prepare_competition(ID, tmp_path / "data3", from_zip=raw_zip)
    assert not (tmp_path / "data3" / ID / "prepared").exists()
    assert pipeline.prepare_competition(ID, tmp_path / "data3", from_zip=raw_zip, skip_verification=True) == "prepared"


def test_a_different_zip_is_refused(competitions_dir, raw_zip, tmp_path):
    pipeline.prepare_competition(ID, tmp_path / "data", from_zip=raw_zip, overwrite_checksums=True)
    other = _zip(tmp_path / "other.zip", {"train.csv": _train_csv(50), "images.zip": _images_zip()})
    with pytest.raises(pipeline.PrepareError, match="checksum of"):
        pipeline.prepare_competition(ID, tmp_path / "data2", from_zip=other)


def test_unsupported_and_unknown(competitions_dir, tmp_path):
    (competitions_dir / ID / "prepare.yaml").write_text("unsupported: needs TensorFlow\nsteps: []\n")
    registry._all.cache_clear()  # the registry is parsed once per process
    assert pipeline.prepare_status(ID) == "no: needs TensorFlow"
    with pytest.raises(pipeline.PrepareError, match="TensorFlow"):
        pipeline.prepare_competition(ID, tmp_path, from_zip=tmp_path / "x.zip")
    with pytest.raises(registry.UnknownCompetition):
        pipeline.prepare_competition("no-such-competition", tmp_path)


def test_every_lite_competition_has_a_valid_recipe():
    for cid in registry.split_ids("lite"):
        spec = pipeline.prepare_spec(cid)
        assert spec.supported, cid
        recipe.validate(spec.steps)


# ---- download ----------------------------------------------------------------------------


class ApiException(Exception):
    """Named like kaggle.rest.ApiException, which the download retries on."""


class FakeApi:
    def __init__(self, errors: list[Exception]):
        self.errors = list(errors)
        self.calls = 0

    def competition_download_files(self, competition, path, quiet, force):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        _zip(Path(path) / f"{competition}.zip", {"a.csv": b"x\n1\n"})


def test_download_retries_api_errors(tmp_path):
    api = FakeApi([ApiException("503"), ApiException("503")])
    waits = []
    out = download.download_competition_zip("comp", tmp_path / "comp.zip", api=api, sleep=waits.append)
    assert out.is_file() and api.calls == 3 and waits == [5.0, 5.0]
    api = FakeApi([ApiException("503")] * 3)
    with pytest.raises(download.DownloadError, match="failed"):
        download.download_competition_zip("comp", tmp_path / "c2.zip", api=api, sleep=lambda s: None)
    assert api.calls == 3 and not (tmp_path / "c2.zip").exists()


def test_download_stops_with_rules_url(tmp_path):
    api = FakeApi([ApiException("(403) Reason: You must accept this competition's rules before downloading")])
    with pytest.raises(download.DownloadError, match="https://www.kaggle.com/c/comp/rules"):
        download.download_competition_zip("comp", tmp_path / "comp.zip", api=api, sleep=lambda s: None)
    assert api.calls == 1

    class HTTPError(Exception):
        response = type("R", (), {"status_code": 403})()

    api = FakeApi([HTTPError("403 Client Error: Forbidden")])
    with pytest.raises(download.DownloadError, match="accept the rules"):
        download.download_competition_zip("comp", tmp_path / "comp.zip", api=api, sleep=lambda s: None)


def test_download_refuses_anything_but_one_zip(tmp_path):
    class TwoZips(FakeApi):
        def competition_download_files(self, competition, path, quiet, force):
            _zip(Path(path) / "a.zip", {})
            _zip(Path(path) / "b.zip", {})

    with pytest.raises(download.DownloadError, match="one zip"):
        download.download_competition_zip("comp", tmp_path / "comp.zip", api=TwoZips([]), sleep=lambda s: None)


# ---- command line ------------------------------------------------------------------------


def test_cli_argument_checks(tmp_path):
    with pytest.raises(PrepareCliError, match="exactly one"):
        selected_ids(None, False, False, None)
    with pytest.raises(PrepareCliError, match="exactly one"):
        selected_ids("spooky-author-identification", True, False, None)
    assert len(selected_ids(None, True, False, None)) == 22
    listing = tmp_path / "ids.txt"
    listing.write_text("spooky-author-identification\n\n# a comment\nleaf-classification\n")
    assert selected_ids(None, False, False, listing) == ["spooky-author-identification", "leaf-classification"]
    listing.write_text("nope\n")
    with pytest.raises(PrepareCliError, match="unknown competition"):
        selected_ids(None, False, False, listing)
    with pytest.raises(PrepareCliError, match="one competition"):
        run_prepare(
            competition_id=None,
            lite=True,
            all_=False,
            list_file=None,
            data_dir=tmp_path,
            keep_raw=False,
            skip_verification=False,
            overwrite_checksums=False,
            from_zip=tmp_path / "x.zip",
        )


def test_cli_reports_failures_per_competition(competitions_dir, raw_zip, tmp_path):
    lines: list[str] = []
    kwargs = dict(
        lite=False,
        all_=False,
        list_file=None,
        data_dir=tmp_path / "d",
        keep_raw=False,
        skip_verification=False,
        overwrite_checksums=False,
        echo=lines.append,
    )
    assert run_prepare(competition_id=ID, from_zip=raw_zip, **kwargs) == 0
    assert run_prepare(competition_id=ID, from_zip=tmp_path / "missing.zip", **{**kwargs, "data_dir": tmp_path / "e"}) == 1
    assert lines[0].startswith("Preparing 1 competition")
    assert "[1/1] synthetic-comp: prepared" in lines[2]
    assert "FAILED" in lines[-1] and "missing.zip" in lines[-1]


def test_a_split_with_good_missing_and_corrupt_zips(tmp_path, monkeypatch):
    """`prepare --split`: the good zips are prepared, the others reported with their reason,
    one table at the end, and the count of failures is the exit status's cause."""
    comps = tmp_path / "competitions"
    for cid in ("good-comp", "missing-comp", "corrupt-comp", "wrong-comp"):
        (comps / cid).mkdir(parents=True)
        (comps / cid / "config.yaml").write_text(
            yaml.safe_dump(
                {
                    "id": cid,
                    "name": cid,
                    "answers": f"{cid}/prepared/private/test.csv",
                    "sample_submission": f"{cid}/prepared/public/sample_submission.csv",
                    "metric": "multi-class-log-loss",
                    "splits": ["medium"],
                    "grader": None,
                }
            )
        )
        (comps / cid / "prepare.yaml").write_text(yaml.safe_dump({"steps": RECIPE}, sort_keys=False))
    monkeypatch.setenv(registry.CONFIGS_ENV, str(comps))
    registry._all.cache_clear()
    data = tmp_path / "data"
    for cid in ("good-comp", "corrupt-comp", "wrong-comp"):
        (data / cid).mkdir(parents=True)
    _zip(data / "good-comp" / "good-comp.zip", {"train.csv": _train_csv(), "images.zip": _images_zip()})
    (data / "corrupt-comp" / "corrupt-comp.zip").write_bytes(b"PK\x03\x04 truncated")
    _zip(data / "wrong-comp" / "wrong-comp.zip", {"images.zip": _images_zip(), "other.csv": b"a\n1\n"})
    # no Kaggle account here: the missing zip fails without a network call
    monkeypatch.setattr(download, "_api", lambda: (_ for _ in ()).throw(download.DownloadError("no Kaggle credentials")))
    lines: list[str] = []
    try:
        failures = run_prepare(
            competition_id=None,
            lite=False,
            all_=False,
            list_file=None,
            split="medium",
            data_dir=data,
            keep_raw=False,
            skip_verification=False,
            overwrite_checksums=False,
            from_zip=None,
            echo=lines.append,
        )
    finally:
        registry._all.cache_clear()
    assert failures == 3
    assert (data / "good-comp" / "prepared" / "private" / "test.csv").is_file()
    for cid in ("missing-comp", "corrupt-comp", "wrong-comp"):
        assert not (data / cid / "prepared").exists()
    table = "\n".join(lines[lines.index("") :])
    assert "good-comp" in table and "1 prepared, 0 skipped (already prepared), 3 failed" in table
    text = "\n".join(lines)
    assert "corrupt download" in text
    assert "this download does not hold train.csv: is it `wrong-comp`'s download?" in text
    assert "missing-comp: FAILED" in text
    # a second run skips what is prepared
    lines.clear()
    monkeypatch.setenv(registry.CONFIGS_ENV, str(comps))
    try:
        run_prepare(
            competition_id=None,
            lite=False,
            all_=False,
            list_file=None,
            split="medium",
            data_dir=data,
            keep_raw=False,
            skip_verification=False,
            overwrite_checksums=False,
            from_zip=None,
            echo=lines.append,
        )
    finally:
        registry._all.cache_clear()
    assert "1 prepared" not in lines[-1] and "0 prepared, 1 skipped" in lines[-1]


def test_every_competition_ships_the_reference_checksums():
    """All 82 competitions carry the reference's checksums of the real data, verified by default."""
    shared = SHARED / "reference" / "checksums"
    for c in registry.all_competitions():
        expected = pipeline.prepare_spec(c.id).expected_checksums
        assert expected is not None and set(expected) == {"zip", "public", "private"}, c.id
        if shared.is_dir():
            assert expected == yaml.safe_load((shared / f"{c.id}.yaml").read_text()), c.id


def test_a_checksum_mismatch_names_the_files(competitions_dir, raw_zip, tmp_path):
    pipeline.prepare_competition(ID, tmp_path / "data", from_zip=raw_zip, overwrite_checksums=True)
    sums = yaml.safe_load((competitions_dir / ID / "checksums.yaml").read_text())
    sums["private"]["test.csv"] = "f" * 32
    sums["public"]["extra.csv"] = "e" * 32
    (competitions_dir / ID / "checksums.yaml").write_text(yaml.safe_dump(sums))
    registry._all.cache_clear()  # the registry is parsed once per process
    with pytest.raises(pipeline.PrepareError) as err:
        pipeline.prepare_competition(ID, tmp_path / "data2", from_zip=raw_zip)
    assert "private/test.csv: md5 " in str(err.value) and f"expected {'f' * 32}" in str(err.value)
    assert "public/extra.csv: missing" in str(err.value)
    assert "--skip-verification" in str(err.value)


def test_json_listing_has_prepare_status():
    from mlebench_fast.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["list", "--split", "lite", "--json"])
    rows = json.loads(result.output)
    assert all(r["prepare"] == "yes" for r in rows)


def test_7z_archives(tmp_path):
    from mlebench_fast.prepare import archive

    try:
        import py7zr
    except ImportError:
        (tmp_path / "a.7z").write_bytes(b"7z\xbc\xaf\x27\x1c")
        with pytest.raises(archive.ArchiveError, match="py7zr"):
            archive.extract(tmp_path / "a.7z", tmp_path / "out")
        return
    (tmp_path / "src.txt").write_text("hello")
    with py7zr.SevenZipFile(tmp_path / "a.7z", "w") as sz:
        sz.write(tmp_path / "src.txt", "inner/src.txt")
    archive.extract(tmp_path / "a.7z", tmp_path / "out")
    assert (tmp_path / "out" / "inner" / "src.txt").read_text() == "hello"


def test_unsupported_archive_and_bad_zip(tmp_path):
    from mlebench_fast.prepare import archive

    (tmp_path / "a.rar").write_bytes(b"x")
    with pytest.raises(archive.ArchiveError, match="unsupported"):
        archive.extract(tmp_path / "a.rar", tmp_path / "out")
    (tmp_path / "b.zip").write_bytes(b"not a zip")
    with pytest.raises(archive.ArchiveError, match="not a valid zip"):
        archive.extract(tmp_path / "b.zip", tmp_path / "out")
    with pytest.raises(archive.ArchiveError, match="does not exist"):
        archive.extract(tmp_path / "missing.zip", tmp_path / "out")
