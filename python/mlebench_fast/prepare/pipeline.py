"""`mlebench-fast prepare`: download, extract, prepare, checksum, atomically.

Layout under the data dir, the reference's, so data prepared by either tool works with both:

    <data-dir>/<id>/<id>.zip            the Kaggle download (kept)
    <data-dir>/<id>/raw/                only with --keep-raw
    <data-dir>/<id>/prepared/public/    what agents see (+ description.md, description_obfuscated.md)
    <data-dir>/<id>/prepared/private/   answers

Atomic: everything is built in `<data-dir>/<id>/.work-<pid>/` and moved into place only
when the preparation and its checksum verification succeeded, so an interrupted or failed
prepare never leaves a `prepared/` folder behind. Idempotent: a competition whose
`prepared/` folder holds its answers and sample submission is skipped.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator


from .. import texts
from ..registry import CONFIGS_ENV, Competition, _all, get_competition, prepare_status  # noqa: F401 (re-exported)
from . import archive, checksums, files, recipe
from .download import download_competition_zip

log = logging.getLogger("mlebench_fast.prepare")


class PrepareError(Exception):
    pass


@dataclass(frozen=True)
class PrepareSpec:
    competition_id: str
    steps: list[Any] | None
    unsupported: str | None
    expected_checksums: dict[str, Any] | None

    @property
    def supported(self) -> bool:
        return self.unsupported is None


def prepare_spec(competition_id: str) -> PrepareSpec:
    """The competition's recipe and reference checksums (parsed by the core's registry)."""
    competition = get_competition(competition_id)
    return PrepareSpec(
        competition_id,
        competition.prepare_steps,
        competition.unpreparable_reason,
        competition.checksums,
    )


def competitions_source_dir() -> Path | None:
    """Where `--overwrite-checksums` writes: $MLEBENCH_FAST_COMPETITIONS_DIR, or the
    `competitions/` folder of a source checkout."""
    override = os.environ.get(CONFIGS_ENV)
    if override:
        return Path(override)
    candidate = Path(__file__).resolve().parents[3] / "competitions"
    return candidate if candidate.is_dir() else None


def is_prepared(competition: Competition, data_dir: Path) -> bool:
    """The reference's test: non-empty public and private folders holding the answers and
    the sample submission."""
    root = Path(data_dir) / competition.id / "prepared"
    public, private = root / "public", root / "private"
    return (
        public.is_dir()
        and private.is_dir()
        and any(public.iterdir())
        and any(private.iterdir())
        and competition.answers_path(data_dir).is_file()
        and competition.sample_submission_path(data_dir).is_file()
    )


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".prepare.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PrepareError(f"another prepare of {folder.name} is running (lock {folder / '.prepare.lock'})") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# The reference's own list of known issues: its preparation of these does not reproduce its
# published checksums, so a mismatch there is the reference's, not the user's.
KNOWN_CHECKSUM_MISMATCHES = {
    "icecube-neutrinos-in-deep-ice": "the reference's README lists its checksums as not matching its own preparation",
}


def _verify(actual: dict[str, Any], expected: dict[str, Any] | None, competition_id: str) -> None:
    if expected is None:
        log.info("%s: no checksums.yaml, prepared files not verified", competition_id)
        return
    differing = checksums.differing_files(actual, expected)
    if differing:
        known = KNOWN_CHECKSUM_MISMATCHES.get(competition_id)
        hint = (
            f" (known: {known}; --skip-verification prepares it anyway)"
            if known
            else " (the prepared folder was not put in place; --skip-verification prepares it anyway)"
        )
        raise PrepareError(
            f"checksums of `{competition_id}`'s prepared files do not match the reference's: {'; '.join(differing)}{hint}"
        )


def _zip_path(competition: Competition, data_dir: Path, from_zip: Path | None) -> Path:
    if from_zip is not None:
        if not Path(from_zip).is_file():
            raise PrepareError(f"--from-zip: {from_zip} is not a file")
        return Path(from_zip)
    dest = Path(data_dir) / competition.id / f"{competition.id}.zip"
    if not dest.is_file():
        log.info("downloading %s", competition.id)
        download_competition_zip(competition.id, dest)
    return dest


def prepare_competition(
    competition_id: str,
    data_dir: Path,
    *,
    from_zip: Path | None = None,
    keep_raw: bool = False,
    skip_verification: bool = False,
    overwrite_checksums: bool = False,
    options: dict[str, Any] | None = None,
) -> str:
    """Prepare one competition; returns 'prepared' or 'already prepared'. `options` reach the
    recipe's code (`Context.options`), e.g. files a user already has that a recipe would fetch."""
    competition = get_competition(competition_id)
    spec = prepare_spec(competition_id)
    if not spec.supported:
        raise PrepareError(f"`{competition_id}` cannot be prepared by mlebench-fast: {spec.unsupported}")
    data_dir = Path(data_dir).resolve()
    comp_dir = data_dir / competition_id
    with _locked(comp_dir):
        if is_prepared(competition, data_dir) and not overwrite_checksums:
            # texts fetched since it was prepared: the agent gets them without a re-preparation
            refreshed = texts.write_descriptions(competition, comp_dir / "prepared" / "public", refresh=True)
            return "already prepared" + (f"; wrote {', '.join(refreshed)}" if refreshed else "")
        zip_path = _zip_path(competition, data_dir, from_zip)
        verify = overwrite_checksums or not skip_verification
        expected = None if overwrite_checksums else spec.expected_checksums
        zip_md5 = checksums.md5(zip_path, f"Hashing {zip_path.name}") if verify else None
        if verify and expected is not None and zip_md5 != expected.get("zip"):
            known = KNOWN_CHECKSUM_MISMATCHES.get(competition_id)
            raise PrepareError(
                f"checksum of {zip_path} is {zip_md5}, expected {expected.get('zip')} "
                f"(a different download{'; known: ' + known if known else ''}; --skip-verification prepares it anyway)"
            )
        work = comp_dir / f".work-{os.getpid()}"
        for stale in comp_dir.glob(".work-*"):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            ctx = recipe.Context(
                competition_id,
                work / "raw",
                work / "prepared" / "public",
                work / "prepared" / "private",
                options=dict(options or {}),
            )
            for folder in (ctx.raw, ctx.public, ctx.private):
                folder.mkdir(parents=True)
            try:
                archive.extract(zip_path, ctx.raw, label=f"Extracting {zip_path.name}")
            except (archive.ArchiveError, OSError, EOFError) as e:
                # a truncated or corrupt download: say which file, and how to get a fresh one
                raise PrepareError(
                    f"cannot extract {zip_path}: {e} (a truncated or corrupt download? delete it and run prepare again)"
                ) from e
            try:
                # raw/ is deleted afterwards unless kept: its files are linked, not copied
                with files.linking_from(ctx.raw) if not keep_raw else nullcontext():
                    recipe.run(ctx, spec.steps)
            except FileNotFoundError as e:
                raise PrepareError(_missing_file_message(competition_id, ctx, e)) from e
            except Exception as e:  # any failure of a recipe or its code: report it, leave nothing behind
                raise PrepareError(f"preparing `{competition_id}` failed: {type(e).__name__}: {e}") from e
            texts.write_descriptions(competition, ctx.public)
            if verify:
                actual = checksums.all_checksums(zip_md5, ctx.public, ctx.private)
                if overwrite_checksums:
                    _write_checksums(competition_id, actual)
                else:
                    _verify(actual, expected, competition_id)
            _move_into_place(work, comp_dir, keep_raw)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return "prepared"


def _missing_file_message(competition_id: str, ctx: recipe.Context, error: FileNotFoundError) -> str:
    """A file the recipe needs is not in the download: most often the wrong zip."""
    missing = Path(error.filename) if error.filename else None
    if missing is not None:
        try:
            return f"this download does not hold {missing.relative_to(ctx.raw).as_posix()}: is it `{competition_id}`'s download?"
        except ValueError:
            pass
    return f"preparing `{competition_id}` failed: a file is missing: {error.filename or error}"


def _write_checksums(competition_id: str, actual: dict[str, Any]) -> None:
    target_dir = competitions_source_dir()
    if target_dir is None:
        raise PrepareError(f"--overwrite-checksums: set {CONFIGS_ENV} to the competitions/ folder to write into")
    path = target_dir / competition_id / "checksums.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(checksums.dump(actual))
    log.info("wrote %s", path)
    _all.cache_clear()  # later preparations in this process verify against the new file


def _move_into_place(work: Path, comp_dir: Path, keep_raw: bool) -> None:
    prepared = comp_dir / "prepared"
    if prepared.exists():
        # an older or foreign partial copy: replaced only now that the new one is complete
        shutil.rmtree(prepared)
    os.replace(work / "prepared", prepared)
    if keep_raw:
        raw = comp_dir / "raw"
        if raw.exists():
            shutil.rmtree(raw)
        os.replace(work / "raw", raw)
