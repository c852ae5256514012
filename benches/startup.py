"""Start-up of the command line: wall time of `--help`, `list` and `grade-sample` of a small
file, each a fresh process, as a user runs them (targets: 150, 150 and 200 ms).

    python benches/startup.py              # 15 runs of each, after 2 warm-up runs
    python benches/startup.py --runs 30

Prints min, median and max wall time per command, and `python -c pass` for the floor.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# Commands run with Python's bytecode cache, as from an installed package (pip writes it at
# install): an environment that sets PYTHONDONTWRITEBYTECODE would make an editable checkout
# compile its modules on every start (about 20 ms).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int, warmup: int = 2) -> list[float]:
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=CHILD_ENV)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stderr}")
        if i >= warmup:
            times.append(elapsed)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlebench-fast-startup-") as tmp:
        root = Path(tmp)
        # a Lite-size submission: aerial-cactus-identification's 3,325 test rows
        answers = root / "data" / "aerial-cactus-identification" / "prepared" / "private" / "test.csv"
        answers.parent.mkdir(parents=True)
        answers.write_text("id,has_cactus\n" + "".join(f"{i:032x}.jpg,{i % 3 == 0:d}\n" for i in range(3325)))
        sub = root / "submission.csv"
        sub.write_text("id,has_cactus\n" + "".join(f"{i:032x}.jpg,{(i * 7919 % 1000) / 1000}\n" for i in range(3325)))
        cli = [sys.executable, "-m", "mlebench_fast.cli"]
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "mlebench-fast --help": [*cli, "--help"],
            "mlebench-fast list": [*cli, "list"],
            "mlebench-fast grade-sample": [
                *cli,
                "grade-sample",
                str(sub),
                "aerial-cactus-identification",
                "--data-dir",
                str(root / "data"),
            ],
        }
        print(f"{'command':<28} {'min ms':>8} {'median ms':>10} {'max ms':>8}  ({args.runs} runs)")
        for name, cmd in commands.items():
            t = timed(cmd, args.runs)
            print(f"{name:<28} {min(t) * 1e3:>8.0f} {statistics.median(t) * 1e3:>10.0f} {max(t) * 1e3:>8.0f}")


if __name__ == "__main__":
    main()
