"""Start-up: each command imports only what it uses (speed is measured in benches/startup.py;
here we check what is imported, which is what the speed comes from)."""

import json
import os
import subprocess
import sys
from pathlib import Path

# heavy modules no start-up of these commands needs
HEAVY = ("numpy", "polars", "pydantic", "matplotlib", "docker", "yaml", "pandas")


def imported_by(argv: list[str]) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level modules loaded by `mlebench-fast ARGV`, run as the console script runs it."""
    script = (
        "import sys, json\n"
        "from mlebench_fast.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES=' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=os.environ)
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES="))), result


def test_help_and_list_import_nothing_heavy() -> None:
    for argv in (["--help"], ["list"], ["list", "--split", "lite", "--json"], ["grade", "--help"], ["env", "--help"]):
        modules, result = imported_by(argv)
        assert "Usage" in result.stdout or "aerial-cactus-identification" in result.stdout, result.stderr
        assert not modules & set(HEAVY), f"{argv}: {sorted(modules & set(HEAVY))}"


def test_grade_sample_imports_nothing_heavy(tmp_path: Path) -> None:
    answers = tmp_path / "data" / "spaceship-titanic" / "prepared" / "private" / "test.csv"
    answers.parent.mkdir(parents=True)
    answers.write_text("PassengerId,Transported\n0001_01,True\n0002_01,False\n")
    sub = tmp_path / "sub.csv"
    sub.write_text("PassengerId,Transported\n0001_01,True\n0002_01,True\n")
    modules, result = imported_by(["grade-sample", str(sub), "spaceship-titanic", "--data-dir", str(tmp_path / "data")])
    assert '"score": 0.5' in result.stdout, result.stderr
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_bad_numbers_keep_their_message() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", "grade", "--submission", "x", "--output-dir", "y", "--jobs", "two"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Invalid value for '--jobs' / '-j': Input should be a valid integer" in result.stderr


def test_the_package_loads_its_public_names_on_use() -> None:
    script = (
        "import sys, mlebench_fast as m\n"
        "assert 'numpy' not in sys.modules\n"
        "assert callable(m.grade_csv) and m.GRADER_VERSION and m.metrics.roc_auc\n"
        "from mlebench_fast import Competition, split_ids, grade_many_with_stats\n"
        "assert 'numpy' in sys.modules and len(split_ids('lite')) == 22\n"
        "assert set(m.__all__) <= set(dir(m))\n"
        "try:\n"
        "    m.no_such_name\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr
