"""The dummy agent: checks that the environment is set up as the benchmark promises.

1. says which user and Python it runs as;
2. copies the competition's sample submission to $SUBMISSION_DIR/submission.csv;
3. validates it through the validation service (/home/validate_submission.sh);
4. checks that the answers cannot be read from here;
5. checks /home/data is read-only and the instructions are there;
6. writes where agents write (code, logs).

Results go to $LOGS_DIR/dummy_report.json; the exit status is non-zero if a check failed.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

DATA = Path("/home/data")
SUBMISSION = Path(os.environ["SUBMISSION_DIR"]) / "submission.csv"
LOGS = Path(os.environ["LOGS_DIR"])
CODE = Path(os.environ["CODE_DIR"])
SKIP = ("/proc", "/sys", "/dev")


def find_sample_submission() -> Path:
    candidates = sorted(
        p
        for p in DATA.rglob("*")
        if p.is_file() and p.suffix.lower() == ".csv" and "sample" in p.name.lower() and "submission" in p.name.lower()
    )
    if not candidates:
        raise SystemExit(f"no sample submission CSV in {DATA}")
    return min(candidates, key=lambda p: len(p.parts))  # the top-level one if several


def validate(path: Path) -> dict:
    proc = subprocess.run(["bash", "/home/validate_submission.sh", str(path)], capture_output=True, text=True, timeout=600)
    print(f"validation service said: {proc.stdout.strip() or proc.stderr.strip()}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"valid": False, "result": f"no JSON answer (exit {proc.returncode}): {proc.stderr.strip()}"}


def private_paths() -> list[str]:
    """Every folder that looks like where answers are kept (the reference mounted them at
    /private/data/<id>/prepared/private); none should exist here."""
    found = []
    for root, dirs, _files in os.walk("/", onerror=lambda e: None):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in SKIP]
        found += [
            os.path.join(root, d)
            for d in dirs
            if os.path.join(root, d).startswith("/private") or os.path.join(root, d).endswith("/prepared/private")
        ]
    return found


def main() -> int:
    report: dict = {"user": getpass.getuser(), "uid": os.getuid(), "python": sys.executable}
    print(f"running as {report['user']} (uid {report['uid']}) with {report['python']}")
    print(f"competition: {os.environ.get('COMPETITION_ID')}")

    sample = find_sample_submission()
    SUBMISSION.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample, SUBMISSION)
    print(f"copied {sample} to {SUBMISSION}")

    report["validation"] = validate(SUBMISSION)
    report["answers_visible"] = private_paths()
    print(f"private data visible here: {report['answers_visible'] or 'none'}")

    (CODE / "train.py").write_text(Path(__file__).read_text())
    report["data_read_only"] = not os.access(DATA, os.W_OK)
    report["instructions"] = Path("/home/instructions.txt").is_file() and Path("/home/data/description.md").is_file()
    (LOGS / "dummy_report.json").write_text(json.dumps(report, indent=2))

    ok = (
        report["validation"].get("valid") is True
        and not report["answers_visible"]
        and report["data_read_only"]
        and report["instructions"]
    )
    print("all checks passed" if ok else "a check FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
