"""The command line as a user runs it: output, files written, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

COMP = "spaceship-titanic"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def _data_dir(tmp: Path) -> Path:
    answers = tmp / "data" / COMP / "prepared" / "private" / "test.csv"
    answers.parent.mkdir(parents=True)
    answers.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n0003_01,True\n0004_01,False\n")
    return tmp / "data"


def test_help_on_every_command() -> None:
    for cmd in ([], ["grade"], ["grade-sample"], ["list"], ["demo"]):
        result = run(*cmd, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout


def test_grade_sample_prints_the_report(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    sub = tmp_path / "sub.csv"
    sub.write_text("PassengerId,Transported\n0002_01,False\n0001_01,True\n0003_01,False\n0004_01,False\n")
    result = run("grade-sample", str(sub), COMP, "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["score"] == 0.75 and report["valid_submission"] is True
    assert report["competition_id"] == COMP and report["submission_path"] == str(sub)
    for key in ("gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold", "is_lower_better", "created_at"):
        assert key in report


def test_grade_sample_errors_are_one_line(tmp_path: Path) -> None:
    result = run("grade-sample", str(tmp_path / "x.csv"), "no-such-competition", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "unknown competition" in result.stderr
    result = run("grade-sample", str(tmp_path / "x.csv"), COMP, "--data-dir", str(tmp_path / "empty"))
    assert result.returncode == 1 and "not prepared" in result.stderr


def test_grade_writes_the_reference_schema(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    sub = tmp_path / "sub.csv"
    sub.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n0003_01,True\n0004_01,False\n")
    jsonl = tmp_path / "subs.jsonl"
    jsonl.write_text(
        "# a comment\n\n// another\n"
        + json.dumps({"competition_id": COMP, "submission_path": str(sub)})
        + "\n"
        + json.dumps({"competition_id": COMP, "submission_path": None})
        + "\n"
    )
    out = tmp_path / "out"
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(out), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert list(report) == [
        "total_runs",
        "total_runs_with_submissions",
        "total_valid_submissions",
        "total_medals",
        "total_gold_medals",
        "total_silver_medals",
        "total_bronze_medals",
        "total_above_median",
        "competition_reports",
    ]
    assert report["total_runs"] == 2 and report["total_valid_submissions"] == 1
    first, second = report["competition_reports"]
    assert list(first)[:16] == [
        "competition_id",
        "score",
        "gold_threshold",
        "silver_threshold",
        "bronze_threshold",
        "median_threshold",
        "any_medal",
        "gold_medal",
        "silver_medal",
        "bronze_medal",
        "above_median",
        "submission_exists",
        "valid_submission",
        "is_lower_better",
        "created_at",
        "submission_path",
    ]
    assert first["score"] == 1.0 and first["gold_medal"] and first["any_medal"]
    assert second["submission_path"] == "None" and not second["submission_exists"]
    assert second["error"]


def test_grade_rejects_a_malformed_jsonl_in_one_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"competition_id": "x", "submission_path": "y"}\n{not json\n')
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(tmp_path / "o"))
    assert result.returncode == 1
    assert ":2:" in result.stderr and result.stderr.strip().count("\n") == 0


def test_list_shows_all_competitions() -> None:
    result = run("list", "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 82
    assert "spaceship-titanic" in {r["id"] for r in rows if "dev" in r["splits"]}
    assert sum("split75" in r["splits"] for r in rows) == 75
    lite = json.loads(run("list", "--split", "lite", "--json").stdout)
    assert len(lite) == 22
    assert run("list", "--split", "nope").returncode == 1


def test_demo_runs_offline_and_writes_a_report() -> None:
    import shutil

    result = run("demo")
    assert result.returncode == 0, result.stderr
    assert "Graded 300 submissions" in result.stdout
    report_line = [l for l in result.stdout.splitlines() if l.startswith("Report: ")][0]
    report_path = Path(report_line.removeprefix("Report: "))
    report = json.loads(report_path.read_text())
    assert report["total_runs"] == 300
    assert 0 < report["total_valid_submissions"] < 300
    # it says where its temporary folder is and how to remove it
    match = re.search(r"^Everything the demo wrote is in (\S+); remove it with: rm -rf (\S+)$", result.stdout, re.M)
    assert match and match.group(1) == match.group(2), result.stdout
    folder = Path(match.group(1))
    assert report_path.is_relative_to(folder) and (folder / "data").is_dir()
    shutil.rmtree(folder)


# ------------------------------------------------------------ the grader's faults are not the agent's

CACTUS = "aerial-cactus-identification"


def _jsonl(tmp: Path, lines: list[tuple[str, str | None]]) -> Path:
    path = tmp / "subs.jsonl"
    path.write_text("".join(json.dumps({"competition_id": c, "submission_path": s}) + "\n" for c, s in lines))
    return path


def _good_titanic(tmp: Path) -> str:
    sub = tmp / "sub.csv"
    sub.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n0003_01,True\n0004_01,False\n")
    return str(sub)


REFERENCE_KEYS = [
    "total_runs",
    "total_runs_with_submissions",
    "total_valid_submissions",
    "total_medals",
    "total_gold_medals",
    "total_silver_medals",
    "total_bronze_medals",
    "total_above_median",
    "competition_reports",
]


def test_missing_answers_stop_the_job_instead_of_blaming_the_submissions(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)  # spaceship-titanic prepared, aerial-cactus not
    sub = _good_titanic(tmp_path)
    jsonl = _jsonl(tmp_path, [(COMP, sub), (CACTUS, sub), (CACTUS, None), ("no-such-competition", sub)])
    out = tmp_path / "out"
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(out), "--data-dir", str(data))
    assert result.returncode == 1, result.stdout
    errors = result.stderr.strip().splitlines()
    answers = data / CACTUS / "prepared" / "private" / "test.csv"
    # once per competition, with the fix; then one closing line
    assert errors[0] == (
        f"error: {CACTUS}: answers not found at {answers}: prepare it with "
        f"`mlebench-fast prepare -c {CACTUS}` or pass --data-dir (2 submissions not graded)"
    )
    assert errors[1].startswith("error: no-such-competition: unknown competition id `no-such-competition`")
    assert errors[2].startswith("error: 3 submissions of 2 competitions could not be graded")
    assert len(errors) == 3
    # the report is written: graded submissions in the totals, the others listed apart
    (path,) = out.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert list(report) == REFERENCE_KEYS + ["grader_errors"]
    assert report["total_runs"] == 1 and report["total_valid_submissions"] == 1 and report["total_gold_medals"] == 1
    assert [r["competition_id"] for r in report["competition_reports"]] == [COMP]
    assert [(e["competition_id"], e["submission_path"]) for e in report["grader_errors"]] == [
        (CACTUS, sub),
        (CACTUS, "None"),
        ("no-such-competition", sub),
    ]
    assert "answers not found" in report["grader_errors"][0]["error"]
    # the summary table has no row of zeros for the competition that was not graded
    assert CACTUS not in result.stdout and "invalid" not in result.stdout


def test_allow_missing_answers_grades_them_as_invalid(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    sub = _good_titanic(tmp_path)
    jsonl = _jsonl(tmp_path, [(COMP, sub), (CACTUS, sub)])
    out = tmp_path / "out"
    result = run(
        "grade", "--submission", str(jsonl), "--output-dir", str(out), "--data-dir", str(data), "--allow-missing-answers"
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert list(report) == REFERENCE_KEYS  # the reference's schema, nothing added
    assert report["total_runs"] == 2 and report["total_valid_submissions"] == 1
    assert not report["competition_reports"][1]["valid_submission"]


def test_unreadable_answers_and_a_mistyped_data_dir(tmp_path: Path) -> None:
    from mlebench_fast import aggregate_reports, grade_many

    data = _data_dir(tmp_path)
    sub = _good_titanic(tmp_path)
    # a mistyped --data-dir: nothing is graded, the command fails
    result = run(
        "grade",
        "--submission",
        str(_jsonl(tmp_path, [(COMP, sub)] * 3)),
        "--output-dir",
        str(tmp_path / "o"),
        "--data-dir",
        str(tmp_path / "dta"),
    )
    assert result.returncode == 1
    assert f"error: {COMP}: answers not found at {tmp_path / 'dta'}" in result.stderr
    assert "(3 submissions not graded)" in result.stderr
    # answers that cannot be read (here a folder where the file should be)
    answers = data / CACTUS / "prepared" / "private" / "test.csv"
    answers.mkdir(parents=True)
    reports = grade_many([(CACTUS, sub), (COMP, sub)], data_dir=data)
    assert reports[0].grader_error and "cannot read the answers" in reports[0].error and not reports[1].grader_error
    summary = aggregate_reports(reports)
    assert summary["total_runs"] == 1 and len(summary["grader_errors"]) == 1


# ------------------------------------------------------------ help, version, errors


def _commands():
    """(command path, click command, context) of every command, sub-apps included."""
    import typer

    from mlebench_fast.cli import full_app

    root = typer.main.get_command(full_app())

    def walk(command, ctx):
        yield ctx.command_path, command, ctx
        for name in getattr(command, "commands", {}):
            sub = command.commands[name]
            yield from walk(sub, sub.make_context(name, [], parent=ctx, resilient_parsing=True))

    yield from walk(root, root.make_context("mlebench-fast", [], resilient_parsing=True))


# options that have a default the code applies when they are not given: their help must say it
DEFAULTS_SHOWN = {
    ("mlebench-fast grade", "--jobs"): "all cores",
    ("mlebench-fast grade", "--data-dir"): "mle-bench/data",
    ("mlebench-fast grade", "--cache-dir"): "results",
    ("mlebench-fast grade", "--output-dir"): "the group",
    ("mlebench-fast grade-sample", "--data-dir"): "mle-bench/data",
    ("mlebench-fast prepare", "--data-dir"): "mle-bench/data",
    ("mlebench-fast list", "--split"): "every competition",
    ("mlebench-fast report", "--split"): "split75",
    ("mlebench-fast report", "--num-seeds"): "all",
    ("mlebench-fast report", "--run-groups"): "all",
    ("mlebench-fast run", "--n-seeds"): "1",
    ("mlebench-fast run", "--n-workers"): "1",
    ("mlebench-fast run", "--runs-dir"): "runs",
    ("mlebench-fast run", "--data-dir"): "mle-bench/data",
    ("mlebench-fast run", "--container-config"): "shipped",
    ("mlebench-fast run", "--time-limit"): "none",
    ("mlebench-fast run", "--agents-dir"): "built-in",
    ("mlebench-fast make-submission", "--output"): "submission.jsonl",
    ("mlebench-fast make-submission", "--rel-log-path"): "logs/agent.log",
    ("mlebench-fast env build", "--suite"): "bookworm",
    ("mlebench-fast agents list", "--agents-dir"): "built-in",
    ("mlebench-fast agents build", "--agents-dir"): "built-in",
}


def _option_help(text: str, opts: list[str]) -> str:
    """The rendered help of one option: its line and the more indented lines that continue it."""
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if {n.strip().split(" ")[0] for n in line.strip().split("  ")[0].split(",")} & set(opts)
    )
    indent = len(lines[start]) - len(lines[start].lstrip())
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.strip() or len(line) - len(line.lstrip()) <= indent:
            break
        block.append(line)
    return " ".join(part.strip() for part in block)


def test_every_help_shows_its_defaults_and_plain_usage() -> None:
    seen = set()
    for path, command, ctx in _commands():
        text = command.get_help(ctx)
        usage = text.splitlines()[0]
        assert usage.startswith(f"Usage: {path}"), usage
        assert "{" not in usage and "<" not in usage, usage  # `SUBMISSION COMPETITION_ID`, not `{submission}`
        assert "<bool>" not in text, f"{path}: a flag shows a value type"
        assert "-h, --help" in text, path
        for param in command.params:
            if param.param_type_name != "option" or param.name == "help":
                continue
            option = max(param.opts, key=len)
            shown = _option_help(text, param.opts)
            assert "<list" not in shown and "<path>" not in shown, f"{path} {option}: {shown}"
            # a default written in the help text, or a non-empty Python default, must be seen
            if "default" in (param.help or "").lower() or (param.default not in (None, False) and not param.is_flag):
                assert "[default: " in shown, f"{path} {option}: {shown}"
            if (path, option) in DEFAULTS_SHOWN:
                seen.add((path, option))
                # (compared without spaces: the help wraps long paths at their hyphens)
                squeezed = re.sub(r"\s+", "", shown)
                assert re.search(r"\[default:[^\]]*" + re.escape(DEFAULTS_SHOWN[path, option].replace(" ", "")), squeezed), (
                    f"{path} {option}: {shown}"
                )
    assert seen == set(DEFAULTS_SHOWN)


def test_dash_h_version_and_one_line_usage_errors() -> None:
    for cmd in ([], ["grade"], ["report"], ["env", "build"], ["agents", "list"]):
        result = run(*cmd, "-h")
        assert result.returncode == 0 and result.stdout.startswith("Usage: mlebench-fast"), (cmd, result.stderr)
    result = run("--version")
    assert result.returncode == 0 and re.fullmatch(r"mlebench-fast \S+, grader \S+\n", result.stdout), result.stdout
    for args, message in (
        (["grade", "--jobs", "x"], "'--jobs'"),
        (["grade-sample"], "Missing argument 'SUBMISSION'"),
        (["no-such-command"], "No such command"),
        (["list", "--nope"], "No such option"),
    ):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        line = result.stderr.strip()
        assert line.count("\n") == 0 and line.startswith("error: ") and message in line, (args, line)
        assert "╭" not in result.stderr and "Usage" not in result.stderr
    # no arguments at all: the help
    result = run()
    assert result.stdout.startswith("Usage: mlebench-fast") and "Commands:" in result.stdout


# ------------------------------------------------------------ the reference's option names


def test_the_references_prepare_options_are_accepted(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("no-such-competition\n")
    # -l FILE reads the list (the unknown id in it is the error, not the option)
    result = run("prepare", "-l", str(ids), "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "unknown competition id `no-such-competition`" in result.stderr, result.stderr
    # -a is --all (given with -c: the "exactly one" rule speaks, not the parser)
    result = run("prepare", "-a", "-c", COMP, "--data-dir", str(tmp_path))
    assert result.returncode == 1 and "choose exactly one of" in result.stderr, result.stderr


# ------------------------------------------------------------ output that does not flood


def test_grade_summary_groups_invalid_reasons_with_counts(tmp_path: Path) -> None:
    data = _data_dir(tmp_path)
    short = tmp_path / "short.csv"
    short.write_text("PassengerId,Transported\n0001_01,True\n")
    lines = (
        [(COMP, str(tmp_path / f"missing{i}.csv")) for i in range(3)]
        + [(COMP, str(short))] * 2
        + [(COMP, _good_titanic(tmp_path))]
    )
    result = run(
        "grade",
        "--submission",
        str(_jsonl(tmp_path, lines)),
        "--output-dir",
        str(tmp_path / "o"),
        "--data-dir",
        str(data),
        "--no-cache",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    start = out.index("5 invalid submissions, by reason:")
    assert re.fullmatch(r"\s+3  submission file not found: <submission>", out[start + 1]), out
    assert re.fullmatch(r"\s+2  invalid submission: .*rows.*", out[start + 2]), out


def test_a_git_lfs_pointer_for_the_submission_jsonl_is_named(tmp_path: Path) -> None:
    jsonl = tmp_path / "submission.jsonl"
    jsonl.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 5432\n")
    result = run("grade", "--submission", str(jsonl), "--output-dir", str(tmp_path / "o"))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"error: {jsonl} is a Git LFS pointer, not the file itself: run `git lfs pull` in its repository"
    )
