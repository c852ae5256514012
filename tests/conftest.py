from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# ../shared sits beside the checkout (CI lays a copy of it there too)
SHARED = Path(os.environ.get("MLEBENCH_FAST_SHARED", REPO.parent / "shared"))


def shared_dir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"SKIPPED: {path} is absent; the shared oracle data is needed for this test")
    return path
