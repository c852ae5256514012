"""The `mlebench-fast` command line."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from .prepare.pipeline import prepare_status
from .registry import SPLITS, UnknownCompetition, all_competitions, default_data_dir, split_ids

app = typer.Typer(
    name="mlebench-fast",
    help="A fast, faithful and secure implementation of MLE-bench.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataDir = Annotated[
    Optional[Path],
    typer.Option("--data-dir", help="Data dir holding <id>/prepared/{public,private} [default: user cache dir mle-bench/data]."),
]


class CliError(Exception):
    """An error to print as one line before exiting with status 1."""


def _data_dir(data_dir: Optional[Path]) -> Path:
    return data_dir if data_dir is not None else default_data_dir()


@app.command("grade-sample")
def grade_sample(
    submission: Annotated[Path, typer.Argument(help="Submission CSV.")],
    competition_id: Annotated[str, typer.Argument(help="Competition id, e.g. spaceship-titanic.")],
    data_dir: DataDir = None,
) -> None:
    """Grade one submission CSV and print its report as JSON."""
    from .grading import grade_csv

    try:
        report = grade_csv(submission, competition_id, data_dir=_data_dir(data_dir))
    except (UnknownCompetition, FileNotFoundError) as e:
        raise CliError(str(e)) from None
    typer.echo(json.dumps(report.to_dict(), indent=2))


@app.command("grade")
def grade(
    submission: Annotated[Optional[Path], typer.Option("--submission", help="JSONL with `competition_id` and `submission_path` per line.")] = None,
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Where to write <timestamp>_grading_report.json (default with --run-group: the group).")] = None,
    run_group: Annotated[
        Optional[list[str]],
        typer.Option(
            "--run-group",
            "--run-groups",
            help="Grade run groups directly (instead of --submission); repeat it or give a quoted glob "
            "('runs/*'). Each group gets its report; with several, --output-dir also gets a combined one.",
        ),
    ] = None,
    data_dir: DataDir = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker threads [default: all cores].")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Grade everything again; do not read or write the results cache.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Results cache folder [default: user cache dir mlebench-fast/results].")] = None,
) -> None:
    """Grade every submission listed in a JSONL file (or of a run group) and write the grading report.

    Results are cached by the content of each submission and of the answers and by the
    grader's version, so re-running after an interruption or an edit grades only what changed.
    """
    from .grading import JsonlError, default_cache_dir, grade_jsonl, grade_many_with_stats, write_report

    if (submission is None) == (run_group is None):
        raise CliError("give exactly one of --submission or --run-group")
    cache = None if no_cache else (cache_dir or default_cache_dir())
    if run_group is not None:
        from .run.rungroup import RunGroupError, submission_entries

        groups = _expand_run_groups(run_group)
        if len(groups) > 1 and output_dir is None:
            raise CliError("--output-dir is required with several run groups (for the combined report)")
        try:
            per_group = [list(submission_entries(g)) for g in groups]
        except RunGroupError as e:
            raise CliError(str(e)) from None
        # one grading job for every group: answers parsed once, all cores busy
        reports, stats = grade_many_with_stats([e for es in per_group for e in es], _data_dir(data_dir), jobs, True, cache)
        start = 0
        names: dict[str, int] = {}
        for group, entries in zip(groups, per_group):
            group_reports = reports[start : start + len(entries)]
            start += len(entries)
            # groups from different runs dirs may share a name: keep their reports apart
            names[group.name] = names.get(group.name, 0) + 1
            folder = group.name if names[group.name] == 1 else f"{group.name}-{names[group.name]}"
            target = group if output_dir is None else (output_dir / folder if len(groups) > 1 else output_dir)
            group_path = write_report(group_reports, target)
            if len(groups) > 1:
                typer.echo(f"{group.name}: {sum(r.valid_submission for r in group_reports)}/{len(group_reports)} valid, report {group_path}")
        path = write_report(reports, output_dir) if len(groups) > 1 else group_path
    else:
        if output_dir is None:
            raise CliError("--output-dir is required with --submission")
        try:
            path, reports, stats = grade_jsonl(
                submission, output_dir, data_dir=_data_dir(data_dir), jobs=jobs, progress=True, cache_dir=cache
            )
        except JsonlError as e:
            raise CliError(str(e)) from None
    _print_summary(reports)
    if cache is not None:
        typer.echo(f"{stats.graded} graded, {stats.from_cache} from the results cache ({cache})")
    typer.echo(f"Report: {path}")


def _expand_run_groups(values: list[str]) -> list[Path]:
    """Run-group folders from paths and quoted globs, in the order given, without repeats."""
    import glob

    groups: list[Path] = []
    for value in values:
        matches = sorted(glob.glob(value)) if glob.has_magic(value) else [value]
        if not matches:
            raise CliError(f"no run group matches {value}")
        for m in matches:
            p = Path(m)
            if p.is_dir() and p not in groups:
                groups.append(p)
    if not groups:
        raise CliError("no run group folder found in " + ", ".join(values))
    return groups


@app.command("list")
def list_competitions(
    split: Annotated[Optional[str], typer.Option("--split", metavar="SPLIT", help=f"Only this split: {', '.join(SPLITS)} (or lite, all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List every competition with its metric, splits and whether it is supported."""
    comps = all_competitions()
    if split is not None:
        try:
            wanted = set(split_ids(split))
        except ValueError as e:
            raise CliError(str(e)) from None
        comps = [c for c in comps if c.id in wanted]
    if as_json:
        rows = [
            {"id": c.id, "metric": c.metric, "splits": list(c.splits), "supported": c.supported, "medals": c.medals is not None}
            | {"prepare": prepare_status(c.id)}
            for c in comps
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    width = max(len(c.id) for c in comps) if comps else 10
    typer.echo(f"{'competition':<{width}}  {'metric':<34} {'splits':<20} {'prepare':<8} supported")
    for c in comps:
        note = "" if c.medals is not None else " (no medal figures)"
        prep = "yes" if prepare_status(c.id) == "yes" else "no"
        typer.echo(f"{c.id:<{width}}  {c.metric:<34} {','.join(c.splits):<20} {prep:<8} {'yes' if c.supported else 'no'}{note}")
    n = sum(c.supported for c in comps)
    typer.echo(f"{n} of {len(comps)} competitions supported")
    unprepared = [(c.id, prepare_status(c.id)) for c in comps if prepare_status(c.id) != "yes"]
    typer.echo(f"{len(comps) - len(unprepared)} of {len(comps)} competitions can be prepared (`prepare`)")
    for cid, status in unprepared:
        if status != "no: no preparation recipe yet":
            typer.echo(f"  {cid}: {status}")


@app.command("prepare")
def prepare(
    competition_id: Annotated[Optional[str], typer.Option("-c", "--competition-id", help="One competition id.")] = None,
    lite: Annotated[bool, typer.Option("--lite", help="The 22 competitions of MLE-bench Lite.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Every competition that has a preparation recipe.")] = False,
    list_file: Annotated[Optional[Path], typer.Option("--list", help="A text file with one competition id per line.")] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", metavar="SPLIT", help=f"Every competition of a split: {', '.join(SPLITS)}.")
    ] = None,
    data_dir: DataDir = None,
    keep_raw: Annotated[bool, typer.Option("--keep-raw", help="Keep the extracted raw download in <id>/raw.")] = False,
    skip_verification: Annotated[bool, typer.Option("--skip-verification", help="Do not check md5 checksums.")] = False,
    overwrite_checksums: Annotated[
        bool, typer.Option("--overwrite-checksums", help="Re-prepare and write competitions/<id>/checksums.yaml.")
    ] = False,
    from_zip: Annotated[
        Optional[Path], typer.Option("--from-zip", help="Prepare from this zip instead of downloading it (one competition).")
    ] = None,
    freesound_meta_zip: Annotated[
        Optional[Path],
        typer.Option(
            "--freesound-meta-zip",
            help="FSDKaggle2019.meta.zip you already have (freesound-audio-tagging-2019 otherwise downloads it from Zenodo).",
        ),
    ] = None,
) -> None:
    """Download (Kaggle API) and prepare competitions exactly as MLE-bench splits them."""
    from .prepare.cli import PrepareCliError, run_prepare

    try:
        failures = run_prepare(
            competition_id=competition_id,
            lite=lite,
            all_=all_,
            list_file=list_file,
            split=split,
            data_dir=_data_dir(data_dir),
            keep_raw=keep_raw,
            skip_verification=skip_verification,
            overwrite_checksums=overwrite_checksums,
            from_zip=from_zip,
            options={"freesound_meta_zip": freesound_meta_zip} if freesound_meta_zip else None,
            echo=typer.echo,
        )
    except PrepareCliError as e:
        raise CliError(str(e)) from None
    if failures:
        raise CliError(f"{failures} competition(s) could not be prepared")


@app.command("demo")
def demo() -> None:
    """Grade a few hundred synthetic submissions on a synthetic data dir (no network)."""
    from . import demo as demo_data
    from .grading import grade_jsonl

    root = Path(tempfile.mkdtemp(prefix="mlebench-fast-demo-"))
    data_dir, jsonl = demo_data.build(root)
    typer.echo(f"Synthetic data dir: {data_dir}")
    start = time.perf_counter()
    path, reports, _ = grade_jsonl(jsonl, root / "reports", data_dir=data_dir, progress=True)
    elapsed = time.perf_counter() - start
    _print_summary(reports)
    typer.echo(f"Graded {len(reports)} submissions in {elapsed:.2f} s")
    typer.echo(f"Report: {path}")


@app.command("report", context_settings={"allow_extra_args": True})
def report(
    ctx: typer.Context,
    output_dir: Annotated[Path, typer.Option("--output-dir", metavar="DIR", help="Where to write report.json, report.md and report.png.")],
    grading_reports: Annotated[Optional[list[str]], typer.Option("--grading-reports", metavar="FILE...", help="Grading report files; several may follow one flag. Prefix AGENT= to name the agent (for --compare).")] = None,
    runs_dir: Annotated[Optional[Path], typer.Option("--runs-dir", metavar="DIR", help="Folder of run groups, each DIR/<run group>/*grading_report*.json.")] = None,
    run_groups: Annotated[Optional[list[str]], typer.Option("--run-groups", metavar="NAME...", help="Only these run groups of --runs-dir (AGENT=NAME names the agent); default: all.")] = None,
    split: Annotated[Optional[str], typer.Option("--split", metavar="SPLIT", help="low (lite), medium, high, split75 (all), dev, or a file of competition ids; default: split75.")] = None,
    num_seeds: Annotated[Optional[int], typer.Option("--num-seeds", metavar="N", help="Average over the first N seeds; default: all.")] = None,
    pad_missing: Annotated[bool, typer.Option("--pad-missing", help="Count missing competition reports as failed attempts instead of dropping incomplete seeds.")] = False,
    compare: Annotated[bool, typer.Option("--compare", help="One row per agent on the Low / Medium / High / All splits, like the MLE-bench leaderboard.")] = False,
) -> None:
    """Medal rates per split, mean ± standard error over seeds: report.json, report.md, report.png."""
    from . import report as rep

    grading_reports, run_groups = _variadic(ctx.args, grading_reports, run_groups)
    try:
        if run_groups and runs_dir is None:
            raise rep.ReportError("--run-groups needs --runs-dir")
        if bool(grading_reports) == (runs_dir is not None):
            raise rep.ReportError("give either --grading-reports FILE... or --runs-dir DIR")
        notes: list[str] = []
        if runs_dir is not None:
            sources = rep.sources_from_runs_dir(runs_dir, run_groups, notes)
        else:
            sources = rep.sources_from_files(grading_reports)
        make = rep.report_compare if compare else rep.report_single
        result = make(sources, split=split, num_seeds=num_seeds, pad_missing=pad_missing)
        result.notes[:0] = notes
        paths = rep.write_outputs(result, output_dir)
    except rep.ReportError as e:
        raise CliError(str(e)) from None
    typer.echo(rep.terminal_summary(result))
    typer.echo(f"Wrote {', '.join(str(p) for p in paths)}")


def _variadic(extra: list[str], grading_reports: Optional[list[str]], run_groups: Optional[list[str]]) -> tuple[list[str], list[str]]:
    """Let `--grading-reports a b c` (and `--run-groups`) take several values, as the reference's
    aggregation does: click leaves the values after the first one as extra arguments."""
    grading_reports, run_groups = list(grading_reports or []), list(run_groups or [])
    if extra:
        if grading_reports and run_groups:
            raise CliError(f"unexpected argument `{extra[0]}`: repeat --grading-reports or --run-groups before each value")
        if not (grading_reports or run_groups):
            raise CliError(f"unexpected argument `{extra[0]}`")
        (grading_reports if grading_reports else run_groups).extend(extra)
    return grading_reports, run_groups


def _print_summary(reports) -> None:
    by_comp: dict[str, list] = {}
    for r in reports:
        by_comp.setdefault(r.competition_id, []).append(r)
    width = max([len(c) for c in by_comp] + [11])
    typer.echo(f"{'competition':<{width}}  {'runs':>5} {'valid':>6} {'medals':>7} {'median+':>8} {'best score':>11}")
    for cid, rs in by_comp.items():
        scores = [r.score for r in rs if r.score is not None and r.score == r.score]
        best = "-"
        if scores:
            lower = rs[0].is_lower_better
            best = f"{(min(scores) if lower else max(scores)):.5f}"
        typer.echo(
            f"{cid:<{width}}  {len(rs):>5} {sum(r.valid_submission for r in rs):>6} "
            f"{sum(r.any_medal for r in rs):>7} {sum(r.above_median for r in rs):>8} {best:>11}"
        )
    invalid = [r for r in reports if not r.valid_submission]
    if invalid:
        typer.echo(f"{len(invalid)} invalid; first reason: {invalid[0].error}")


from .run.cli import register as _register_run_commands  # noqa: E402

_register_run_commands(app)

from .texts.cli import texts_app as _texts_app  # noqa: E402

app.add_typer(_texts_app, name="texts")


def main() -> None:
    try:
        app()
    except CliError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    # `python -m mlebench_fast.cli` runs this file as __main__: use the package's module, whose
    # CliError is the one the sub-apps (run, texts) raise, so their errors stay one line
    from mlebench_fast.cli import main as _main

    _main()
