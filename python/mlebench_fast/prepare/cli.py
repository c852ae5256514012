"""The `prepare` command's logic (the competitions to prepare, one line per competition as it
goes, a closing table), kept out of `mlebench_fast.cli` so it is testable directly.

A failure of one competition (download refused, checksum mismatch, bad archive, a recipe that
finds the wrong files) is reported and the others go on; the caller exits non-zero when any
failed."""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..idlists import read_id_list
from ..registry import UnknownCompetition, all_competitions, get_competition, split_ids
from .download import DownloadError
from .pipeline import PrepareError, prepare_competition, prepare_spec


class PrepareCliError(Exception):
    pass


@dataclass(frozen=True)
class Outcome:
    competition_id: str
    status: str  # "prepared", "skipped" or "failed"
    detail: str
    seconds: float


def selected_ids(
    competition_id: str | None, lite: bool, all_: bool, list_file: Path | None, split: str | None = None
) -> list[str]:
    chosen = [competition_id is not None, lite, all_, list_file is not None, split is not None]
    if sum(chosen) != 1:
        raise PrepareCliError("choose exactly one of -c ID, --lite, --all, --split SPLIT or --list FILE")
    if competition_id is not None:
        ids = [competition_id]
    elif lite:
        ids = split_ids("lite")
    elif all_:
        ids = [c.id for c in all_competitions() if prepare_spec(c.id).supported]
    elif split is not None:
        try:
            ids = split_ids(split)
        except ValueError as e:
            raise PrepareCliError(str(e)) from None
    else:
        try:
            ids = read_id_list(Path(list_file))  # type: ignore[arg-type]
        except OSError as e:
            raise PrepareCliError(f"--list: cannot read {list_file}: {e}") from None
    for cid in ids:
        try:
            get_competition(cid)
        except UnknownCompetition as e:
            raise PrepareCliError(str(e)) from None
    return ids


def _needs_download(ids: list[str], data_dir: Path, from_zip: Path | None) -> list[str]:
    if from_zip is not None:
        return []
    return [cid for cid in ids if not (Path(data_dir) / cid / f"{cid}.zip").is_file()]


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
    split: str | None = None,
    options: dict[str, object] | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """Prepare the selected competitions in turn; returns how many failed."""
    ids = selected_ids(competition_id, lite, all_, list_file, split)
    if from_zip is not None and len(ids) != 1:
        raise PrepareCliError("--from-zip prepares one competition: use it with -c ID")
    to_download = _needs_download(ids, data_dir, from_zip)
    no_kaggle = bool(to_download) and importlib.util.find_spec("kaggle") is None
    if no_kaggle:
        # said once, not once per competition
        echo(
            f"{len(to_download)} of {len(ids)} competitions have no zip in {data_dir} and the `kaggle` package is "
            "not installed (pip install 'mlebench-fast[download]'): they will fail; the others are prepared"
        )
    echo(f"Preparing {len(ids)} competition{'s' if len(ids) != 1 else ''} into {data_dir}")
    outcomes: list[Outcome] = []
    for i, cid in enumerate(ids, start=1):
        start = time.perf_counter()
        prefix = f"[{i}/{len(ids)}] {cid}"
        if not prepare_spec(cid).supported:
            outcome = Outcome(cid, "failed", f"cannot be prepared yet: {prepare_spec(cid).unsupported}", 0.0)
        elif no_kaggle and cid in to_download:
            outcome = Outcome(
                cid, "failed", f"no {cid}.zip in {Path(data_dir) / cid} and no `kaggle` package to download it", 0.0
            )
        else:
            echo(f"{prefix}: preparing")
            try:
                status = prepare_competition(
                    cid,
                    data_dir,
                    from_zip=from_zip,
                    keep_raw=keep_raw,
                    skip_verification=skip_verification,
                    overwrite_checksums=overwrite_checksums,
                    options=options,
                )
                outcome = Outcome(
                    cid,
                    "skipped" if status.startswith("already prepared") else "prepared",
                    status,
                    time.perf_counter() - start,
                )
            except (PrepareError, DownloadError) as e:
                outcome = Outcome(cid, "failed", str(e), time.perf_counter() - start)
            except Exception as e:  # never let one competition stop the others
                outcome = Outcome(cid, "failed", f"{type(e).__name__}: {e}", time.perf_counter() - start)
        outcomes.append(outcome)
        if outcome.status == "failed":
            echo(f"{prefix}: FAILED: {outcome.detail}")
        else:
            echo(f"{prefix}: {outcome.detail} ({outcome.seconds:.1f} s) in {Path(data_dir) / cid / 'prepared'}")
    for line in summary_table(outcomes):
        echo(line)
    return sum(o.status == "failed" for o in outcomes)


def summary_table(outcomes: list[Outcome]) -> list[str]:
    """The closing table: one row per competition, then the counts."""
    if len(outcomes) < 2:
        return []
    width = max(len(o.competition_id) for o in outcomes)
    lines = ["", f"{'competition':<{width}}  {'result':<8}  detail"]
    for o in outcomes:
        detail = o.detail.splitlines()[0] if o.detail else ""
        if len(detail) > 160:
            detail = detail[:157] + "..."
        lines.append(f"{o.competition_id:<{width}}  {o.status:<8}  {detail}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("prepared", "skipped", "failed")}
    lines.append(f"{counts['prepared']} prepared, {counts['skipped']} skipped (already prepared), {counts['failed']} failed")
    return lines
