"""The `mlebench-fast` command line."""

import json
import re
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli_coercion import install as install_plain_coercion
from .cli_common import CliError, DataDir, resolve_data_dir
from .cli_help import APP_SETTINGS, PlainUsage
from .grading import default_cache_dir as _default_cache_dir
from .registry import SPLITS, UnknownCompetition, all_competitions, prepare_status, split_ids

# plain help and errors (see cli_help); errors are one line (see `main`)
app = typer.Typer(name="mlebench-fast", help="A fast, faithful and secure implementation of MLE-bench.", **APP_SETTINGS)


def version() -> str:
    """The installed version and the grader's version (part of every results-cache key)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    from ._core import GRADER_VERSION

    try:
        number = installed_version("mlebench-fast")
    except PackageNotFoundError:
        number = "(not installed)"
    return f"mlebench-fast {number}, grader {GRADER_VERSION}"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version())
        raise typer.Exit()


@app.callback()
def _main_options(
    show_version: Annotated[
        bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A fast, faithful and secure implementation of MLE-bench."""


_data_dir = resolve_data_dir


@app.command("grade-sample", cls=PlainUsage)
def grade_sample(
    submission: Annotated[Path, typer.Argument(metavar="SUBMISSION", help="Submission CSV.")],
    competition_id: Annotated[str, typer.Argument(metavar="COMPETITION_ID", help="Competition id, e.g. spaceship-titanic.")],
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
    submission: Annotated[
        Optional[Path],
        typer.Option("--submission", metavar="JSONL", help="JSONL with `competition_id` and `submission_path` per line."),
    ] = None,
    output_dir: Annotated[
        Optional[Path],
        typer.Option(
            "--output-dir",
            metavar="DIR",
            help="Where to write <timestamp>_grading_report.json.",
            show_default="with --run-group: the group",
        ),
    ] = None,
    run_group: Annotated[
        Optional[list[str]],
        typer.Option(
            "--run-group",
            "--run-groups",
            metavar="DIR",
            help="Grade run groups directly (instead of --submission); repeat it or give a quoted glob "
            "('runs/*'). Each group gets its report (replacing its older one); with several, --output-dir "
            "also gets a combined one.",
        ),
    ] = None,
    data_dir: DataDir = None,
    jobs: Annotated[
        Optional[int], typer.Option("--jobs", "-j", metavar="N", help="Worker threads.", show_default="all cores")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Grade everything again; do not read or write the results cache.")
    ] = False,
    cache_dir: Annotated[
        Optional[Path],
        typer.Option("--cache-dir", metavar="DIR", help="Results cache folder.", show_default=str(_default_cache_dir())),
    ] = None,
    allow_missing_answers: Annotated[
        bool,
        typer.Option(
            "--allow-missing-answers",
            help="Grade the submissions of competitions whose answers are missing as invalid instead of "
            "stopping with an error (for a data dir holding only some competitions).",
        ),
    ] = False,
) -> None:
    """Grade every submission listed in a JSONL file (or of a run group) and write the grading report.

    Results are cached by the content of each submission and of the answers and by the
    grader's version, so re-running after an interruption or an edit grades only what changed.
    """
    from .grading import JsonlError, grade_jsonl, grade_many_with_stats, write_report

    if (submission is None) == (run_group is None):
        raise CliError("give exactly one of --submission or --run-group")
    cache = None if no_cache else (cache_dir or _default_cache_dir())
    if run_group is not None:
        from .run.rungroup import RunGroupError, stored_data_dir, submission_entries

        groups = _expand_run_groups(run_group)
        if len(groups) > 1 and output_dir is None:
            raise CliError("--output-dir is required with several run groups (for the combined report)")
        if data_dir is None:  # the data dir the groups were run on
            stored = sorted({str(d) for g in groups if (d := stored_data_dir(g)) is not None})
            if len(stored) > 1:
                raise CliError(f"the run groups were run on different data dirs ({', '.join(stored)}): give --data-dir")
            data_dir = Path(stored[0]) if stored else None
        try:
            per_group = [list(submission_entries(g)) for g in groups]
        except RunGroupError as e:
            raise CliError(str(e)) from None
        # one grading job for every group: answers parsed once, all cores busy
        reports, stats = grade_many_with_stats(
            [e for es in per_group for e in es], _data_dir(data_dir), jobs, True, cache, allow_missing_answers
        )
        start = 0
        names: dict[str, int] = {}
        for group, entries in zip(groups, per_group):
            group_reports = reports[start : start + len(entries)]
            start += len(entries)
            # groups from different runs dirs may share a name: keep their reports apart
            names[group.name] = names.get(group.name, 0) + 1
            folder = group.name if names[group.name] == 1 else f"{group.name}-{names[group.name]}"
            target = group if output_dir is None else (output_dir / folder if len(groups) > 1 else output_dir)
            older = _own_reports(target) if target == group else []
            group_path = write_report(group_reports, target)
            # a run group keeps one grading report, as the reference's aggregation expects
            for old in (o for o in older if o != group_path):
                old.unlink(missing_ok=True)
                typer.echo(f"{group.name}: replaced the older report {old.name}")
            if len(groups) > 1:
                typer.echo(
                    f"{group.name}: {sum(r.valid_submission for r in group_reports)}/{len(group_reports)} valid, report {group_path}"
                )
        path = write_report(reports, output_dir) if len(groups) > 1 else group_path
    else:
        if output_dir is None:
            raise CliError("--output-dir is required with --submission")
        try:
            path, reports, stats = grade_jsonl(
                submission,
                output_dir,
                data_dir=_data_dir(data_dir),
                jobs=jobs,
                progress=True,
                cache_dir=cache,
                allow_missing_answers=allow_missing_answers,
            )
        except JsonlError as e:
            raise CliError(str(e)) from None
    _print_summary(reports)
    if cache is not None:
        typer.echo(f"{stats.graded} graded, {stats.from_cache} from the results cache ({cache})")
    typer.echo(f"Report: {path}")
    _fail_on_grader_errors(reports)


OWN_REPORT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-[A-Za-z+-]*_grading_report\.json$")


def _own_reports(folder: Path) -> list[Path]:
    """The grading reports `grade` wrote into this folder before: named `<timestamp>_grading_report.json`
    and with this tool's `error` field in every competition report. The reference's reports
    (same names, no `error` field) are never replaced."""
    return sorted(
        p for p in folder.glob("*_grading_report.json") if p.is_file() and OWN_REPORT.match(p.name) and _written_here(p)
    )


def _written_here(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(data, dict) or not isinstance(data.get("competition_reports"), list):
        return False
    reports = data["competition_reports"]
    if not reports:
        return "grader_errors" in data or data.get("total_runs") == 0
    return all(isinstance(r, dict) and "error" in r for r in reports)


def _fail_on_grader_errors(reports) -> None:
    """Say once per competition what kept the grader from grading it, and exit non-zero."""
    faults: dict[str, tuple[str, int]] = {}
    for r in reports:
        if r.grader_error:
            message, count = faults.get(r.competition_id, (r.error, 0))
            faults[r.competition_id] = (message, count + 1)
    if not faults:
        return
    for cid, (message, count) in faults.items():
        typer.echo(f"error: {cid}: {message} ({count} submission{'s' if count != 1 else ''} not graded)", err=True)
    total = sum(count for _, count in faults.values())
    answers = any("answers" in message for message, _ in faults.values())
    raise CliError(
        f"{total} submission{'s' if total != 1 else ''} of {len(faults)} competition{'s' if len(faults) != 1 else ''} "
        "could not be graded (the grader's problem, not the submissions'): they are listed under `grader_errors` "
        "in the report and left out of its totals"
        + ("; --allow-missing-answers grades those without answers as invalid instead" if answers else "")
    )


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
    split: Annotated[
        Optional[str],
        typer.Option(
            "--split",
            metavar="SPLIT",
            help=f"Only this split: {', '.join(SPLITS)} (or lite, all).",
            show_default="every competition",
        ),
    ] = None,
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
    competition_id: Annotated[
        Optional[str], typer.Option("-c", "--competition-id", metavar="ID", help="One competition id.")
    ] = None,
    lite: Annotated[bool, typer.Option("--lite", help="The 22 competitions of MLE-bench Lite.")] = False,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Every competition that has a preparation recipe.")] = False,
    list_file: Annotated[
        Optional[Path], typer.Option("--list", "-l", metavar="FILE", help="A text file with one competition id per line.")
    ] = None,
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
        Optional[Path],
        typer.Option("--from-zip", metavar="ZIP", help="Prepare from this zip instead of downloading it (one competition)."),
    ] = None,
    freesound_meta_zip: Annotated[
        Optional[Path],
        typer.Option(
            "--freesound-meta-zip",
            metavar="PATH",
            show_default="downloaded",
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
    import shlex
    import tempfile

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
    typer.echo(f"Everything the demo wrote is in {root}; remove it with: rm -rf {shlex.quote(str(root))}")


@app.command("report", context_settings={"allow_extra_args": True})
def report(
    ctx: typer.Context,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", metavar="DIR", help="Where to write report.json, report.md and report.png.")
    ],
    grading_reports: Annotated[
        Optional[list[str]],
        typer.Option(
            "--grading-reports",
            metavar="FILE...",
            help="Grading report files; several may follow one flag. Prefix AGENT= to name the agent (for --compare).",
        ),
    ] = None,
    runs_dir: Annotated[
        Optional[Path],
        typer.Option(
            "--runs-dir",
            metavar="DIR",
            help="Folder of run groups, each DIR/<run group>/*grading_report*.json.",
            show_default="runs with --experiment-id",
        ),
    ] = None,
    run_groups: Annotated[
        Optional[list[str]],
        typer.Option(
            "--run-groups",
            metavar="NAME...",
            help="Only these run groups of --runs-dir (AGENT=NAME names the agent).",
            show_default="all",
        ),
    ] = None,
    experiment_ids: Annotated[
        Optional[list[str]],
        typer.Option(
            "--experiment-id",
            metavar="ID",
            help="The run groups of this experiment in DIR/run_group_experiments.csv, as the reference's "
            "aggregation reads them (repeat it with --compare).",
        ),
    ] = None,
    split: Annotated[
        Optional[str],
        typer.Option(
            "--split",
            metavar="SPLIT",
            help="low (lite), medium, high, split75 (all), dev, or a file of competition ids.",
            show_default="split75",
        ),
    ] = None,
    num_seeds: Annotated[
        Optional[int],
        typer.Option("--num-seeds", metavar="N", help="Average over the first N seeds (-1: all).", show_default="all"),
    ] = None,
    pad_missing: Annotated[
        bool,
        typer.Option(
            "--pad-missing", help="Count missing competition reports as failed attempts instead of dropping incomplete seeds."
        ),
    ] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="One row per agent on the Low / Medium / High / All splits, like the MLE-bench leaderboard."
        ),
    ] = False,
) -> None:
    """Medal rates per split, mean ± standard error over seeds: report.json, report.md, report.png."""
    from . import report as rep

    grading_reports, run_groups = _variadic(ctx.args, grading_reports, run_groups)
    try:
        if run_groups and runs_dir is None:
            raise rep.ReportError("--run-groups needs --runs-dir")
        if experiment_ids and (grading_reports or run_groups):
            raise rep.ReportError("--experiment-id picks the run groups itself: leave out --grading-reports and --run-groups")
        if not experiment_ids and bool(grading_reports) == (runs_dir is not None):
            raise rep.ReportError("give either --grading-reports FILE..., --runs-dir DIR or --experiment-id ID")
        notes: list[str] = []
        if experiment_ids:
            sources = rep.sources_from_experiments(runs_dir or Path("runs"), experiment_ids, notes)
        elif runs_dir is not None:
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


def _variadic(
    extra: list[str], grading_reports: Optional[list[str]], run_groups: Optional[list[str]]
) -> tuple[list[str], list[str]]:
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


REASONS_SHOWN = 8  # invalid reasons listed in the grade summary before "and N more"


def _print_summary(reports) -> None:
    by_comp: dict[str, list] = {}
    for r in reports:
        if not r.grader_error:  # said apart, once per competition
            by_comp.setdefault(r.competition_id, []).append(r)
    if not by_comp:
        typer.echo("no submission was graded")
        return
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
    reasons = invalid_reasons([r for rs in by_comp.values() for r in rs])
    if reasons:
        total = sum(reasons.values())
        typer.echo(f"{total} invalid submission{'s' if total != 1 else ''}, by reason:")
        for reason, count in list(reasons.items())[:REASONS_SHOWN]:
            typer.echo(f"  {count:>5}  {reason}")
        if len(reasons) > REASONS_SHOWN:
            rest = list(reasons.values())[REASONS_SHOWN:]
            typer.echo(
                f"  {sum(rest):>5}  ... {len(rest)} other reason{'s' if len(rest) != 1 else ''} (see `error` in the report)"
            )


def invalid_reasons(reports) -> dict[str, int]:
    """Why submissions are invalid, most frequent first; a reason that names the submission's own
    file counts with the same reason for other files."""
    counts: dict[str, int] = {}
    for r in reports:
        if not r.valid_submission:
            reason = (r.error or "invalid").replace(r.submission_path, "<submission>")
            counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# The command groups of other modules (`run`, `env`, `agents`, `make-submission`, `texts`)
# are added on first need: a command of this module (`grade`, `list` ...) runs without
# importing them (about 25 ms of a bulk job's start). `app` holds this module's commands;
# `full_app()` all of them.
_groups_added = False


def full_app() -> typer.Typer:
    """The app with every command."""
    global _groups_added
    if not _groups_added:
        from .run.cli import register as register_run_commands
        from .texts.cli import register as register_texts_commands

        register_run_commands(app)
        register_texts_commands(app)
        _groups_added = True
    return app


def _app_for(args: list[str]) -> typer.Typer:
    """`app` alone when the command named is one of its own, else `full_app()` (the main
    help, an unknown command, another module's command)."""
    first = next((a for a in args if not a.startswith("-")), None)
    own = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands if c.callback}
    return app if first in own and not _groups_added else full_app()


# the command-line parser's own error class, whichever click Typer uses (its own copy since 0.2x)
_ParserError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def main(argv: Optional[list[str]] = None) -> None:
    command = typer.main.get_command(_app_for(sys.argv[1:] if argv is None else list(argv)))
    install_plain_coercion(command)
    try:
        code = command.main(args=argv, prog_name="mlebench-fast", standalone_mode=False)
    except CliError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(1)
    except _ParserError as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # no arguments: the help, as asked for
            typer.echo(e.ctx.get_help())
            sys.exit(0)
        # one line, as every other error (Typer's own would print usage lines and a box)
        ctx = getattr(e, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        typer.echo(f"error: {e.format_message().rstrip('.')}{hint}", err=True)
        sys.exit(e.exit_code)
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    # `python -m mlebench_fast.cli`: run the imported module's main, whose CliError is the one
    # the sub-commands raise (this file also runs as __main__, with a class of its own)
    from mlebench_fast.cli import main as _imported_main

    _imported_main()
