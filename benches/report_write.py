"""Writing the grading report of N submissions (default 100,000): the core's writer against
Python's `json.dumps(..., indent=2)` (what `grade` used before), same bytes checked.

    python benches/report_write.py
    python benches/report_write.py --reports 1000000
"""

import argparse
import random
import tempfile
import time
from datetime import datetime
from pathlib import Path

from mlebench_fast.grading import CompetitionReport, report_text, write_report


def reports(n: int) -> list[CompetitionReport]:
    rng = random.Random(0)
    now = datetime.now()
    out = []
    for i in range(n):
        valid = rng.random() > 0.05
        out.append(
            CompetitionReport(
                competition_id="aerial-cactus-identification",
                score=round(rng.random(), 5) if valid else None,
                gold_threshold=1.0,
                silver_threshold=1.0,
                bronze_threshold=1.0,
                median_threshold=0.9991,
                any_medal=False,
                gold_medal=False,
                silver_medal=False,
                bronze_medal=False,
                above_median=valid and rng.random() > 0.5,
                submission_exists=True,
                valid_submission=valid,
                is_lower_better=False,
                created_at=now,
                submission_path=f"/runs/2024-09-19T20-07-15-GMT_run-group_aide/aerial-cactus-identification_{i:06d}/submission/submission.csv",
                error=None if valid else "invalid submission: the submission has 3324 rows, the answers 3325",
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    args = ap.parse_args()
    rs = reports(args.reports)
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for run in range(3):  # the median of three, each into a fresh folder
            start = time.perf_counter()
            path = write_report(rs, Path(tmp, str(run)))
            times.append(time.perf_counter() - start)
        ours = sorted(times)[1]
        start = time.perf_counter()
        text = report_text(rs)
        Path(tmp, "python.json").write_text(text, encoding="ascii")
        python = time.perf_counter() - start
        same = path.read_bytes() == text.encode("ascii")
        size = path.stat().st_size
    print(f"{args.reports} reports, {size / 1e6:.1f} MB of JSON")
    print(f"core writer:        {ours * 1e3:8.0f} ms (median of 3: {', '.join(f'{t * 1e3:.0f}' for t in times)})")
    print(f"Python json indent: {python * 1e3:8.0f} ms ({python / ours:.0f}x)")
    print(f"same bytes: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
