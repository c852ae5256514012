"""Bulk re-grading: `mlebench-fast grade` against a pandas + scikit-learn baseline that
grades the same files the way the reference does (read each CSV with pandas, sort by id,
call the scikit-learn metric, one submission at a time), in the same run.

    python benches/bulk_grade.py                      # Lite at real test sizes, 2,000 submissions
    python benches/bulk_grade.py --scale 0.1 --submissions 200 --only aerial-cactus-identification,spooky-author-identification
    python benches/bulk_grade.py --small              # 4,500 small submissions (the Lite competitions under 200 kB)

Prints submissions/s, MB/s of CSV, peak memory (RSS) of each side and the speed-up, and
checks that both sides give the same scores. Needs the test extras (pandas, scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

# Lite competitions, their approximate real test-set sizes (rows of the prepared answers)
# and the shape of their data.
LITE: dict[str, tuple[int, str]] = {
    "aerial-cactus-identification": (3_325, "auc"),
    "aptos2019-blindness-detection": (367, "grade"),
    "denoising-dirty-documents": (4_000_000, "pixels"),
    "detecting-insults-in-social-commentary": (2_647, "auc_text_id"),
    "dog-breed-identification": (1_023, "multiclass"),
    "dogs-vs-cats-redux-kernels-edition": (2_500, "binary_prob"),
    "histopathologic-cancer-detection": (45_561, "auc"),
    "jigsaw-toxic-comment-classification-challenge": (63_978, "multilabel"),
    "leaf-classification": (99, "multiclass"),
    "mlsp-2013-birds": (1_216, "auc"),
    "new-york-city-taxi-fare-prediction": (9_914, "fare"),
    "nomad2018-predict-transparent-conductors": (240, "two_targets"),
    "plant-pathology-2020-fgvc7": (183, "columns_auc"),
    "random-acts-of-pizza": (1_162, "auc"),
    "ranzcr-clip-catheter-line-classification": (3_009, "columns_auc"),
    "siim-isic-melanoma-classification": (10_982, "auc"),
    "spooky-author-identification": (1_958, "multiclass"),
    "tabular-playground-series-dec-2021": (400_000, "labels"),
    "tabular-playground-series-may-2022": (100_000, "auc"),
    "text-normalization-challenge-english-language": (993_000, "text"),
    "text-normalization-challenge-russian-language": (1_059_000, "text"),
    "the-icml-2013-whale-challenge-right-whale-redux": (3_000, "auc"),
}


# The Lite competitions whose submissions are small at their real test-set sizes (10 to 200 kB):
# the workload of leaderboard re-grading, where the cost per file and per command dominates.
SMALL = [
    "aerial-cactus-identification",
    "aptos2019-blindness-detection",
    "detecting-insults-in-social-commentary",
    "dogs-vs-cats-redux-kernels-edition",
    "mlsp-2013-birds",
    "nomad2018-predict-transparent-conductors",
    "plant-pathology-2020-fgvc7",
    "random-acts-of-pizza",
    "spooky-author-identification",
    "the-icml-2013-whale-challenge-right-whale-redux",
]
# our CSV rate on the large-file workload (benches/README.md): the per-file overhead of the
# small one is its time beyond parsing its bytes at that rate
LARGE_FILE_MB_S = 386


@dataclass
class Workload:
    data_dir: Path
    jsonl: Path
    csv_bytes: int
    largest_submission: int
    largest_answers: int


def _grader(cid: str) -> dict:
    from mlebench_fast import get_competition

    return get_competition(cid).grader


def _frames(cid: str, shape: str, n: int, rng: np.random.Generator) -> tuple[pl.DataFrame, Callable[[], pl.DataFrame]]:
    """(answers, a function making one noisy submission) for a competition."""
    g = _grader(cid)
    ids = [f"{cid[:4]}{i:08x}" for i in rng.permutation(n)]
    if shape in ("auc", "auc_text_id"):
        idc, tc = g["id_column"], g["target_column"]
        y = (rng.random(n) < 0.3).astype(np.int64)
        ans = pl.DataFrame({idc: ids, tc: y})
        return ans, lambda: pl.DataFrame({idc: ids, tc: np.clip(y * 0.4 + rng.random(n) * 0.6, 0, 1)})
    if shape == "binary_prob":
        y = (rng.random(n) < 0.5).astype(np.int64)
        ids = list(range(1, n + 1))
        ans = pl.DataFrame({"id": ids, "label": y})
        return ans, lambda: pl.DataFrame({"id": ids, "label": np.clip(y * 0.5 + rng.random(n) * 0.5, 0, 1)})
    if shape == "grade":
        y = rng.integers(0, 5, n)
        ans = pl.DataFrame({"id_code": ids, "diagnosis": y})
        return ans, lambda: pl.DataFrame({"id_code": ids, "diagnosis": np.clip(y + rng.integers(-1, 2, n), 0, 4)})
    if shape == "pixels":
        ids = [f"{1 + i // 139_320}_{1 + (i // 540) % 258}_{1 + i % 540}" for i in range(n)]
        v = rng.random(n)
        ans = pl.DataFrame({"id": ids, "value": v})
        return ans, lambda: pl.DataFrame({"id": ids, "value": np.clip(v + rng.normal(0, 0.1, n), 0, 1)})
    if shape == "multilabel":
        cols = g["class_columns"]
        y = (rng.random((n, len(cols))) < 0.1).astype(np.int64)
        ans = pl.DataFrame({"id": ids, **{c: y[:, k] for k, c in enumerate(cols)}})
        return ans, lambda: pl.DataFrame(
            {"id": ids, **{c: np.clip(y[:, k] * 0.5 + rng.random(n) * 0.5, 0, 1) for k, c in enumerate(cols)}}
        )
    if shape == "columns_auc":
        cols = g["target_columns"]
        y = (rng.random((n, len(cols))) < 0.3).astype(np.int64)
        y[0], y[1] = 1, 0  # every column has both classes
        idc = g["id_column"]
        ans = pl.DataFrame({idc: ids, **{c: y[:, k] for k, c in enumerate(cols)}})
        return ans, lambda: pl.DataFrame(
            {idc: ids, **{c: np.clip(y[:, k] * 0.5 + rng.random(n) * 0.5, 0, 1) for k, c in enumerate(cols)}}
        )
    if shape == "multiclass":
        k = {"leaf-classification": 99, "dog-breed-identification": 120}.get(cid, 3)
        classes = [f"class_{j:03d}" for j in range(k)] if k > 3 else ["EAP", "HPL", "MWS"]
        label = rng.integers(0, k, n)
        ans = pl.DataFrame({"id": ids, **{c: (label == j).astype(np.int64) for j, c in enumerate(classes)}})

        def sub() -> pl.DataFrame:
            logits = np.eye(k)[label] * 3 + rng.normal(0, 1, (n, k))
            p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
            return pl.DataFrame({"id": ids, **{c: p[:, j] for j, c in enumerate(classes)}})

        return ans, sub
    if shape == "fare":
        y = np.round(rng.gamma(2.0, 6.0, n) + 2.5, 2)
        ans = pl.DataFrame({"key": ids, "fare_amount": y})
        return ans, lambda: pl.DataFrame({"key": ids, "fare_amount": np.round(y + rng.normal(0, 3, n), 2)})
    if shape == "two_targets":
        a, b = rng.random(n) * 0.5, rng.random(n) * 5
        ids = list(range(1, n + 1))
        ans = pl.DataFrame({"id": ids, "formation_energy_ev_natom": a, "bandgap_energy_ev": b})
        return ans, lambda: pl.DataFrame(
            {
                "id": ids,
                "formation_energy_ev_natom": a * rng.uniform(0.8, 1.2, n),
                "bandgap_energy_ev": b * rng.uniform(0.8, 1.2, n),
            }
        )
    if shape == "labels":
        y = rng.integers(1, 8, n)
        ids = list(range(4_000_000, 4_000_000 + n))
        ans = pl.DataFrame({"Id": ids, "Cover_Type": y})
        return ans, lambda: pl.DataFrame({"Id": ids, "Cover_Type": np.where(rng.random(n) < 0.9, y, rng.integers(1, 8, n))})
    if shape == "text":
        words = np.array(["one", "two", "three", "dollars", "the", "a", "b c d", "twenty first", "mister", "sil"])
        ids = [f"{i // 10}_{i % 10}" for i in range(n)]
        y = words[rng.integers(0, len(words), n)]
        ans = pl.DataFrame({"id": ids, "after": y})
        return ans, lambda: pl.DataFrame(
            {"id": ids, "after": np.where(rng.random(n) < 0.95, y, words[rng.integers(0, len(words), n)])}
        )
    raise ValueError(shape)


def build(root: Path, competitions: list[str], n_submissions: int, scale: float, seed: int = 0) -> Workload:
    from mlebench_fast import get_competition

    rng = np.random.default_rng(seed)
    data_dir, subs = root / "data", root / "subs"
    subs.mkdir(parents=True)
    lines, total, largest_sub, largest_ans = [], 0, 0, 0
    per = [n_submissions // len(competitions) + (i < n_submissions % len(competitions)) for i in range(len(competitions))]
    for cid, count in zip(competitions, per):
        rows, shape = LITE[cid]
        n = max(20, int(rows * scale))
        answers, make = _frames(cid, shape, n, rng)
        path = get_competition(cid).answers_path(data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        answers.write_csv(path)
        largest_ans = max(largest_ans, path.stat().st_size)
        for s in range(count):
            sub = make()
            if rng.random() < 0.2:
                # most agents keep the sample submission's row order; some shuffle
                sub = sub.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
            if s % 20 == 19:
                sub = sub.head(sub.height - 1)  # a broken one now and then
            out = subs / f"{cid}_{s:04d}.csv"
            sub.write_csv(out)
            size = out.stat().st_size
            total += size
            largest_sub = max(largest_sub, size)
            lines.append(json.dumps({"competition_id": cid, "submission_path": str(out)}))
    jsonl = root / "submissions.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    return Workload(data_dir, jsonl, total, largest_sub, largest_ans)


def load(root: Path) -> Workload:
    """A workload kept by an earlier `--keep` run."""
    lines = [json.loads(line) for line in (root / "submissions.jsonl").read_text().splitlines() if line]
    sizes = [Path(entry["submission_path"]).stat().st_size for entry in lines]
    answers = [p.stat().st_size for p in (root / "data").glob("*/prepared/private/*")]
    return Workload(root / "data", root / "submissions.jsonl", sum(sizes), max(sizes), max(answers))


# Both sides run with Python's bytecode cache, as an installed package does (pip writes it
# at install; pandas' and scikit-learn's are there): an environment that sets
# PYTHONDONTWRITEBYTECODE would make an editable checkout compile its modules on every start
# (about 20 ms) while the baseline's libraries load from their caches.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _warm_page_cache(w: Workload) -> None:
    """Read every file once, so that neither side pays for the disk (the baseline, timed
    second, would otherwise find the files cached by the first)."""
    paths = [Path(json.loads(line)["submission_path"]) for line in w.jsonl.read_text().splitlines() if line]
    for p in [*paths, *w.data_dir.glob("*/prepared/private/*")]:
        with p.open("rb") as f:
            while f.read(1 << 24):
                pass


def _run_timed(cmd: list[str]) -> tuple[float, int, str]:
    """Wall time, peak RSS (bytes) of the child, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=CHILD_ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=2000)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of each real test-set size")
    ap.add_argument("--only", default="", help="comma-separated competition ids (default: Lite)")
    ap.add_argument(
        "--small",
        action="store_true",
        help="the small-file workload: 4,500 submissions of the Lite competitions with submissions under 200 kB",
    )
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="runs of our side (its median is compared; the baseline runs once)")
    ap.add_argument("--keep", action="store_true", help="keep the generated workload")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--reuse", type=Path, default=None, help="grade a workload kept by an earlier --keep run")
    args = ap.parse_args()
    if args.small and not args.reuse:
        args.only = args.only or ",".join(SMALL)
        args.submissions = 4500 if args.submissions == ap.get_default("submissions") else args.submissions
    competitions = [c for c in args.only.split(",") if c] or list(LITE)
    root = args.reuse or Path(tempfile.mkdtemp(prefix="mlebench-fast-bench-"))
    if args.reuse:
        args.keep = True
        shutil.rmtree(root / "ours", ignore_errors=True)
    try:
        t = time.perf_counter()
        w = load(root) if args.reuse else build(root, competitions, args.submissions, args.scale)
        args.submissions = sum(1 for _ in w.jsonl.open())
        print(
            f"workload: {args.submissions} submissions, "
            f"{w.csv_bytes / 1e6:.0f} MB of CSV, ready in {time.perf_counter() - t:.0f} s ({root})"
        )
        _warm_page_cache(w)
        ours_cmd = [
            sys.executable,
            "-m",
            "mlebench_fast.cli",
            "grade",
            "--submission",
            str(w.jsonl),
            "--output-dir",
            str(root / "ours"),
            "--data-dir",
            str(w.data_dir),
            "--no-cache",
        ]
        if args.jobs:
            ours_cmd += ["--jobs", str(args.jobs)]
        times = []
        for _ in range(args.repeat):
            shutil.rmtree(root / "ours", ignore_errors=True)
            t, rss_ours, _ = _run_timed(ours_cmd)
            times.append(t)
        t_ours = statistics.median(times)
        if args.repeat > 1:
            print(f"mlebench-fast runs: {', '.join(f'{t:.2f}' for t in times)} s (the median below)")
        (report,) = (root / "ours").glob("*.json")
        ours = [r["score"] for r in json.loads(report.read_text())["competition_reports"]]
        print(
            f"mlebench-fast: {t_ours:.2f} s, {args.submissions / t_ours:.1f} submissions/s, "
            f"{w.csv_bytes / 1e6 / t_ours:.0f} MB/s, peak RSS {rss_ours / 1e6:.0f} MB "
            f"= {rss_ours / (w.largest_submission + w.largest_answers):.1f}x the largest submission "
            f"({w.largest_submission / 1e6:.1f} MB) + the largest answers ({w.largest_answers / 1e6:.1f} MB)"
        )
        overhead = (t_ours - w.csv_bytes / 1e6 / LARGE_FILE_MB_S) / args.submissions
        print(
            f"per-file overhead: {overhead * 1e3:.3f} ms (time beyond parsing the bytes at {LARGE_FILE_MB_S} MB/s, "
            f"{w.csv_bytes / args.submissions / 1e3:.0f} kB per submission on average)"
        )
        if args.skip_baseline:
            return
        base_cmd = [sys.executable, str(Path(__file__).with_name("reference_baseline.py")), str(w.jsonl), str(w.data_dir)]
        t_base, _, out = _run_timed(base_cmd)
        base = json.loads(out)
        print(
            f"pandas + scikit-learn baseline: {t_base:.2f} s, {args.submissions / t_base:.1f} submissions/s, "
            f"{w.csv_bytes / 1e6 / t_base:.0f} MB/s"
        )
        print(f"speed-up: {t_base / t_ours:.1f}x")
        same = all(
            (a is None and b is None)
            or (a is not None and b is not None and (math.isclose(a, b, abs_tol=1e-5) or (math.isnan(a) and math.isnan(b))))
            for a, b in zip(ours, base)
        )
        print(f"same scores and validity: {'yes' if same else 'NO'}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
