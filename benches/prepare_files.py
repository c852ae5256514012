"""Preparing a competition of many small image files: `mlebench-fast prepare` against the
reference's own preparation of the same download, in the same run.

    python benches/prepare_files.py                                  # 100,000 images
    python benches/prepare_files.py --files 10000 --reference /work/.mirror/openai+mle-bench/repo
    python benches/prepare_files.py --skip-reference --keep
    python benches/prepare_files.py --reuse /tmp/mlebench-fast-prepare-bench-XXXX   # a kept download

Writes a Kaggle-shaped zip for aptos2019-blindness-detection (train.csv, test.csv,
sample_submission.csv, N small PNGs in train_images/ and N/20 in test_images/; the recipe
splits train.csv 90/10 and copies every train image), then times
`mlebench-fast prepare --from-zip ZIP --skip-verification` and the reference's preparation
(its `extract` of the zip, its `prepare(raw, public, private)`, then the removal of raw/
that its `prepare` does without --keep-raw), each in its own
process. Prints the wall time, files/s, peak memory (RSS) of each side and checks that both
prepared folders hold the same files with the same bytes (md5 of every file; the
description.md each side writes is not compared, the reference's is Kaggle's text).

The reference's code is taken at bench time from `--reference`: a checkout (a folder with
`mlebench/`) is used as it is; a git directory (e.g. a bare mirror) has its `mlebench`
package exported with `git archive` into a temporary folder. It runs with PYTHONPATH
pointing there, in this interpreter, which needs what its import chain imports (pandas,
scikit-learn, py7zr, PyYAML, tqdm); none of it is a dependency of mlebench-fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

COMPETITION = "aptos2019-blindness-detection"
DEFAULT_REFERENCE = Path("/work/.mirror/openai+mle-bench/repo")
IMAGE_SIDE = 32  # 32x32 RGB noise: about 3 KB per PNG


def _png(rgb: bytes, side: int) -> bytes:
    """A valid PNG of `side` x `side` 8-bit RGB pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    stride = 3 * side
    scanlines = b"".join(b"\x00" + rgb[r * stride : (r + 1) * stride] for r in range(side))
    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines, 6)) + chunk(b"IEND", b"")


@dataclass
class Download:
    zip_path: Path
    images: int
    image_bytes: int
    train_images: int  # the ones the recipe copies


def build_zip(path: Path, n_train: int, seed: int = 0) -> Download:
    """The Kaggle download's shape: CSVs at the top, one PNG per id under train_images/ and
    test_images/, deflated, in a fixed member order and with fixed timestamps."""
    rng = np.random.default_rng(seed)
    n_test = max(1, n_train // 20)
    # 12 hex digits like the real id_codes; drawn without repeats
    codes = [f"{v:012x}" for v in rng.choice(1 << 40, size=n_train + n_test, replace=False)]
    train_ids, test_ids = codes[:n_train], codes[n_train:]
    diagnosis = rng.integers(0, 5, n_train)
    image_bytes = 0

    def member(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=(2019, 6, 27, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member("sample_submission.csv"), "id_code,diagnosis\n" + "".join(f"{c},0\n" for c in test_ids))
        zf.writestr(member("test.csv"), "id_code\n" + "".join(f"{c}\n" for c in test_ids))
        zf.writestr(member("train.csv"), "id_code,diagnosis\n" + "".join(f"{c},{d}\n" for c, d in zip(train_ids, diagnosis)))
        for folder, ids in (("test_images", test_ids), ("train_images", train_ids)):
            for code in ids:
                data = _png(rng.bytes(3 * IMAGE_SIDE * IMAGE_SIDE), IMAGE_SIDE)
                image_bytes += len(data)
                zf.writestr(member(f"{folder}/{code}.png"), data)
    return Download(path, n_train + n_test, image_bytes, n_train)


def load_zip(path: Path) -> Download:
    """The download of an earlier --keep run."""
    with zipfile.ZipFile(path) as zf:
        images = [m for m in zf.infolist() if m.filename.endswith(".png")]
    train = sum(m.filename.startswith("train_images/") for m in images)
    return Download(path, len(images), sum(m.file_size for m in images), train)


def reference_tree(reference: Path, into: Path) -> Path:
    """A folder holding the reference's `mlebench` package, for PYTHONPATH."""
    if (reference / "mlebench").is_dir():
        return reference
    git = ["git", f"--git-dir={reference}"]
    try:
        commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        archive = subprocess.run([*git, "archive", "--format=tar", commit, "mlebench"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"--reference {reference}: neither a checkout with mlebench/ nor a git directory ({e})")
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    print(f"reference: mlebench package of {reference} at {commit[:12]}, exported to {into}")
    return into


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, a steadier figure than wall time on a shared machine
    peak_rss: int  # bytes
    stdout: str


# Runs one command and writes its wall time, exit code, CPU time and peak RSS to a file. A
# process started from this benchmark's own (large) process would inherit its peak RSS: Linux
# keeps the high-water mark across exec, and posix_spawn/vfork children share the parent's
# memory until then. Started from this small interpreter instead, the command's peak is its own.
_MEASURE = """
import json, os, subprocess, sys, time
cmd, report = json.loads(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
_, status, usage = os.wait4(proc.pid, 0)
with open(report, "w") as f:
    json.dump([time.perf_counter() - start, os.waitstatus_to_exitcode(status),
               usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024], f)
"""


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time and peak RSS of one command, in its own process."""
    os.sync()  # the previous run's dirty pages are not this run's to write back
    with tempfile.TemporaryDirectory() as tmp:
        report, out, err = Path(tmp) / "report.json", Path(tmp) / "out", Path(tmp) / "err"
        with out.open("w") as o, err.open("w") as e:
            subprocess.run(
                [sys.executable, "-S", "-c", _MEASURE, json.dumps(cmd), str(report)], stdout=o, stderr=e, env=env, check=False
            )
        if not report.is_file():
            sys.exit(f"could not measure: {' '.join(cmd)}\n{err.read_text()[-4000:]}")
        elapsed, code, cpu, peak = json.loads(report.read_text())
        if code != 0:
            sys.exit(f"command failed ({code}): {' '.join(cmd)}\n{err.read_text()[-4000:]}")
        return Run(elapsed, cpu, peak, out.read_text())


def file_digests(prepared: Path) -> dict[str, str]:
    """md5 of every file below prepared/, by relative path (description.md left out)."""
    digests = {}
    for path in sorted(prepared.rglob("*")):
        rel = path.relative_to(prepared).as_posix()
        if path.is_file() and rel != "public/description.md":
            digests[rel] = hashlib.md5(path.read_bytes()).hexdigest()
    return digests


def compare(ours: dict[str, str], theirs: dict[str, str]) -> str:
    if ours == theirs:
        return f"yes ({len(ours):,} files)"
    only_ours, only_theirs = sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours))
    differ = sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
    return (
        f"NO: {len(differ)} differ (e.g. {differ[:3]}), {len(only_ours)} only ours (e.g. {only_ours[:3]}), "
        f"{len(only_theirs)} only the reference's (e.g. {only_theirs[:3]})"
    )


def _warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100_000, help="train images in the zip (the recipe copies all of them)")
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="a reference checkout, or its git directory")
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the zip and both prepared folders")
    ap.add_argument("--reuse", type=Path, default=None, help="prepare the download kept by an earlier --keep run")
    args = ap.parse_args()
    root = args.reuse or Path(tempfile.mkdtemp(prefix="mlebench-fast-prepare-bench-"))
    if args.reuse:
        args.keep = True
        for old in ("ours", "reference", "reference-code"):
            shutil.rmtree(root / old, ignore_errors=True)
    try:
        t = time.perf_counter()
        if args.reuse:
            download = load_zip(root / f"{COMPETITION}.zip")
            args.files = download.train_images
        else:
            download = build_zip(root / f"{COMPETITION}.zip", args.files)
        zip_mb = download.zip_path.stat().st_size / 1e6
        print(
            f"download: {download.images:,} PNGs ({download.image_bytes / download.images / 1e3:.1f} KB each, "
            f"{args.files:,} of them copied by the recipe), {zip_mb:.0f} MB zip, "
            f"written in {time.perf_counter() - t:.0f} s ({root})"
        )
        rows = []

        # the interpreter and imports alone, so the peak RSS can be read as imports + work
        idle_ours = run_measured([sys.executable, "-c", "import mlebench_fast.cli, mlebench_fast.prepare.pipeline"])
        _warm(download.zip_path)
        ours_cmd = [
            sys.executable, "-m", "mlebench_fast.cli", "prepare", "-c", COMPETITION,
            "--from-zip", str(download.zip_path), "--skip-verification", "--data-dir", str(root / "ours"),
        ]  # fmt: skip
        ours = run_measured(ours_cmd)
        rows.append(("mlebench-fast", ours, idle_ours, ""))
        ours_digests = file_digests(root / "ours" / COMPETITION / "prepared")

        if not args.skip_reference:
            tree = reference_tree(args.reference.resolve(), root / "reference-code")
            env = {**os.environ, "PYTHONPATH": str(tree)}
            idle_ref = run_measured([sys.executable, "-c", "import pandas, sklearn.model_selection, mlebench.utils"], env=env)
            _warm(download.zip_path)
            driver = Path(__file__).with_name("reference_prepare.py")
            ref = run_measured(
                [sys.executable, str(driver), COMPETITION, str(download.zip_path), str(root / "reference")], env=env
            )
            steps = json.loads(ref.stdout)
            detail = (
                f"imports {steps['import_s']:.1f} s, extract {steps['extract_s']:.1f} s, "
                f"prepare() {steps['prepare_s']:.1f} s, removing raw/ {steps['remove_raw_s']:.1f} s"
            )
            rows.append(("reference", ref, idle_ref, detail))
            same = compare(ours_digests, file_digests(root / "reference" / "prepared"))

        print()
        print(f"| {args.files:,} images | time | files/s | CPU (user + sys) | peak RSS | RSS of imports alone | |")
        print("|---|---|---|---|---|---|---|")
        for name, run, idle, detail in rows:
            print(
                f"| {name} | {run.seconds:.1f} s | {download.images / run.seconds:,.0f} | {run.cpu_seconds:.1f} s | "
                f"{run.peak_rss / 1e6:.0f} MB | {idle.peak_rss / 1e6:.0f} MB | {detail} |"
            )
        if not args.skip_reference:
            ref = rows[1][1]
            print(f"| speed-up | **{ref.seconds / ours.seconds:.1f}x** | | {ref.cpu_seconds / ours.cpu_seconds:.1f}x | | | |")
            print()
            print(f"same prepared files, byte for byte: {same}")
        print("files/s: PNGs in the download (extracted, then the train ones copied) per second of wall time")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
