"""freesound-audio-tagging-2019: no split. The Kaggle download is published as it is, and the
answers are the post-competition test labels of FSDKaggle2019.meta.zip (Zenodo record
3612637), which the Kaggle download does not hold.

Where the meta zip comes from, first found wins:
1. `FSDKaggle2019.meta.zip` at the top of the raw download (the oracle case supplies it there);
2. the option `freesound_meta_zip` (a path the user passes in, e.g. for an offline machine);
3. a download from Zenodo (:func:`download_meta_zip`).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ..files import copy_many
from ..recipe import Context, RecipeError
from ..tables import Table, read_csv, write_csv

META_NAME = "FSDKaggle2019.meta"
META_ZIP = f"{META_NAME}.zip"
OPTION = "freesound_meta_zip"
DEFAULT_URL = "https://zenodo.org/records/3612637/files/FSDKaggle2019.meta.zip?download=1"
# Neither the reference nor its published checksums give the meta zip's md5, so a download
# is not verified by default (the checksums of the prepared answers still are).
EXPECTED_MD5: str | None = None
N_CLASSES = 80
CHUNK = 1 << 20
BACKOFF_SECONDS = 1.0
TIMEOUT_SECONDS = 60.0


class MetaDownloadError(RecipeError):
    pass


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def download_meta_zip(
    dest: Path,
    url: str = DEFAULT_URL,
    md5: str | None = EXPECTED_MD5,
    retries: int = 3,
    *,
    timeout: float = TIMEOUT_SECONDS,
    backoff: float = BACKOFF_SECONDS,
) -> Path:
    """Download `url` to `dest`: streamed into a temporary file beside it, renamed into place
    only when complete (and, if `md5` is given, when its md5 matches). Failed requests are
    tried again up to `retries` attempts in all, waiting backoff, 2*backoff, ... between them;
    a wrong md5 is not retried (the server gave a different file)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    attempts = max(1, int(retries))
    last_error: Exception | None = None
    for attempt in range(1, attempts + 1):
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
                expected_length = response.headers.get("Content-Length")
                written = 0
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    written += len(block)
            if expected_length is not None and written != int(expected_length):
                raise urllib.error.URLError(f"connection closed after {written} of {expected_length} bytes")
            if md5 is not None:
                got = _md5(tmp)
                if got != md5.lower():
                    raise MetaDownloadError(
                        f"{url} gave a file with md5 {got}, expected {md5}: not the FSDKaggle2019 meta zip the "
                        f"reference used; download it yourself and pass it with the `{OPTION}` option"
                    )
            os.replace(tmp, dest)
            return dest
        except MetaDownloadError:
            raise
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:  # HTTPError is a URLError
            last_error = e
            if attempt < attempts:
                time.sleep(backoff * 2 ** (attempt - 1))
        finally:
            tmp.unlink(missing_ok=True)
    raise MetaDownloadError(
        f"could not download {META_ZIP} from {url} ({attempts} attempts; last error: {last_error}); "
        f"download it yourself and pass its path with the `{OPTION}` option"
    )


def _meta_zip(ctx: Context) -> Path:
    in_raw = ctx.raw / META_ZIP
    if in_raw.is_file():
        return in_raw
    given = ctx.options.get(OPTION)
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise RecipeError(f"option `{OPTION}`: {path} is not a file")
        return path
    return download_meta_zip(ctx.raw / META_ZIP)


def _copy_download(ctx: Context) -> None:
    """Every top-level item of the download except the meta files (names containing
    `FSDKaggle2019.meta`) goes to public as it is; nested zips stay zipped."""
    pairs = []
    for item in sorted(ctx.raw.iterdir()):
        if META_NAME in item.name:
            continue
        if item.is_dir():
            pairs += [(p, ctx.public / p.relative_to(ctx.raw)) for p in sorted(item.rglob("*")) if p.is_file()]
            (ctx.public / item.name).mkdir(parents=True, exist_ok=True)
        else:
            pairs.append((item, ctx.public / item.name))
    copy_many(pairs, "Copying the download")


def prepare(ctx: Context) -> None:
    """Answers: the `usage == "Private"` rows of test_post_competition.csv in file order,
    fname then one 0/1 column per class in sample_submission's column order (labels outside
    the vocabulary are ignored)."""
    sample_path = ctx.raw / "sample_submission.csv"
    if not sample_path.is_file():
        raise RecipeError("this download has no sample_submission.csv: is it freesound-audio-tagging-2019's download?")
    _copy_download(ctx)
    meta = _meta_zip(ctx)
    meta_dir = Path(tempfile.mkdtemp(prefix="fsd-meta-", dir=ctx.raw))
    try:
        try:
            with zipfile.ZipFile(meta) as zf:
                zf.extractall(meta_dir)
        except zipfile.BadZipFile as e:
            raise RecipeError(f"{meta} is not a valid zip file: {e}") from None
        labels_csv = meta_dir / META_NAME / "test_post_competition.csv"
        if not labels_csv.is_file():
            raise RecipeError(f"{meta} has no {META_NAME}/test_post_competition.csv: is it FSDKaggle2019.meta.zip?")
        post = read_csv(labels_csv)
    finally:
        shutil.rmtree(meta_dir, ignore_errors=True)
    for column in ("fname", "labels", "usage"):
        if column not in post.names:
            raise RecipeError(f"test_post_competition.csv has no `{column}` column")

    sample = read_csv(ctx.public / "sample_submission.csv")
    classes = sample.names[1:]
    if sample.names[:1] != ["fname"] or len(classes) != N_CLASSES:
        raise RecipeError(f"sample_submission.csv should have fname and {N_CLASSES} class columns, has {sample.names}")

    fnames, rows = [], []
    for fname, labels, usage in zip(post.column("fname"), post.column("labels"), post.column("usage")):
        if usage != "Private":
            continue
        if not isinstance(labels, str):
            raise RecipeError(f"test_post_competition.csv: {fname} has no labels")
        names = set(labels.split(","))
        fnames.append(fname)
        rows.append([int(c in names) for c in classes])
    columns = [("fname", fnames)] + [(c, [r[i] for r in rows]) for i, c in enumerate(classes)]
    write_csv(Table.from_columns(columns), ctx.private / "test.csv")

    listed = sample.column("fname")
    if len(listed) != len(fnames):
        raise RecipeError(f"sample_submission.csv lists {len(listed)} clips, the Private test labels {len(fnames)}")
    if sorted(map(str, listed)) != sorted(map(str, fnames)):
        raise RecipeError("sample_submission.csv does not list the same clips as the Private test labels")
