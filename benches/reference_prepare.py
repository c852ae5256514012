"""The reference side of benches/prepare_files.py: prepares a competition from its zip with
the reference's own code, the way its `prepare` does (extract the zip into raw/ with its
`extract`, call the competition's `prepare(raw, public, private)`, then delete raw/ as its
`prepare` does without --keep-raw), and prints the time of each step as JSON.

    PYTHONPATH=REFERENCE_TREE python benches/reference_prepare.py COMPETITION_ID ZIP OUT_DIR

REFERENCE_TREE is a folder holding the reference's `mlebench` package, taken from a
reference checkout at bench time (benches/prepare_files.py exports it into a temporary
folder); nothing of it is part of mlebench-fast. Its import chain needs pandas,
scikit-learn, py7zr, PyYAML and tqdm in the interpreter running this script.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import time
from pathlib import Path


def main() -> None:
    competition_id, zip_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    start = time.perf_counter()
    import mlebench
    from mlebench.utils import extract

    # competition folders have dashes in their names: load the module from its file, as
    # the reference's registry does
    prepare_py = Path(mlebench.__file__).parent / "competitions" / competition_id / "prepare.py"
    spec = importlib.util.spec_from_file_location(f"reference_prepare_{competition_id.replace('-', '_')}", prepare_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    imported = time.perf_counter()

    raw, public, private = out / "raw", out / "prepared" / "public", out / "prepared" / "private"
    for folder in (raw, public, private):
        folder.mkdir(parents=True, exist_ok=True)
    extract(zip_path, raw, recursive=False)
    extracted = time.perf_counter()
    module.prepare(raw=raw, public=public, private=private)
    prepared = time.perf_counter()
    shutil.rmtree(raw)
    removed = time.perf_counter()
    json.dump(
        {
            "import_s": imported - start,
            "extract_s": extracted - imported,
            "prepare_s": prepared - extracted,
            "remove_raw_s": removed - prepared,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
