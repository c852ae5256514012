from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run (CI stays reproducible: a red run is
# a change's fault, not a new draw's); HYPOTHESIS_PROFILE=explore draws new ones, to look for
# edge cases (their failures then go in as @example).
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parents[1]
# ../shared sits beside the checkout (CI lays a copy of it there too)
SHARED = Path(os.environ.get("MLEBENCH_FAST_SHARED", REPO.parent / "shared"))


def shared_dir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"SKIPPED: {path} is absent; the shared oracle data is needed for this test")
    return path
