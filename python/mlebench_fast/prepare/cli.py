"""The `prepare` command's logic (argument checks, the competitions to prepare, one line of
outcome per competition), kept out of `mlebench_fast.cli` so it is testable directly."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..registry import UnknownCompetition, all_competitions, get_competition, split_ids
from .download import DownloadError
from .pipeline import PrepareError, prepare_competition, prepare_spec


class PrepareCliError(Exception):
    pass


def selected_ids(competition_id: str | None, lite: bool, all_: bool, list_file: Path | None) -> list[str]:
    chosen = [competition_id is not None, lite, all_, list_file is not None]
    if sum(chosen) != 1:
        raise PrepareCliError("choose exactly one of -c ID, --lite, --all or --list FILE")
    if competition_id is not None:
        ids = [competition_id]
    elif lite:
        ids = split_ids("lite")
    elif all_:
        ids = [c.id for c in all_competitions() if prepare_spec(c.id).supported]
    else:
        try:
            lines = Path(list_file).read_text().splitlines()
        except OSError as e:
            raise PrepareCliError(f"--list: cannot read {list_file}: {e}") from None
        ids = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    for cid in ids:
        try:
            get_competition(cid)
        except UnknownCompetition as e:
            raise PrepareCliError(str(e)) from None
    return ids


def run_prepare(
    *,
    competition_id: str | None,
    lite: bool,
    all_: bool,
    list_file: Path | None,
    data_dir: Path,
    keep_raw: bool,
    skip_verification: bool,
    overwrite_checksums: bool,
    from_zip: Path | None,
    echo: Callable[[str], None] = print,
) -> int:
    """Prepare the selected competitions in turn; returns how many failed."""
    ids = selected_ids(competition_id, lite, all_, list_file)
    if from_zip is not None and len(ids) != 1:
        raise PrepareCliError("--from-zip prepares one competition: use it with -c ID")
    failures = 0
    for cid in ids:
        start = time.perf_counter()
        try:
            outcome = prepare_competition(
                cid,
                data_dir,
                from_zip=from_zip,
                keep_raw=keep_raw,
                skip_verification=skip_verification,
                overwrite_checksums=overwrite_checksums,
            )
        except (PrepareError, DownloadError) as e:
            failures += 1
            echo(f"{cid}: FAILED: {e}")
            continue
        echo(f"{cid}: {outcome} ({time.perf_counter() - start:.1f} s) in {Path(data_dir) / cid / 'prepared'}")
    return failures
