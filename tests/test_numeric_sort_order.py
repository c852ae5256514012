"""Row order of `sort_values` on int64 and float64 id columns with duplicated keys, against
pandas 2.2.3 / numpy 1.26.4 with its AVX-512 sort disabled.

numpy 1.26 argsorts 64-bit numbers with AVX-512 code on CPUs that have it and with its
generic introsort elsewhere; the two order equal keys differently, so the reference pairs
duplicated ids differently on the two kinds of machine. mlebench-fast reproduces the generic
order, the one numpy gives on any CPU with `NPY_DISABLE_CPU_FEATURES` naming the AVX-512
features (docs/fidelity.md)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from mlebench_fast import _core

# numpy 1.26.4's x86 dispatch targets past AVX2 (`numpy.core._multiarray_umath.__cpu_dispatch__`)
AVX512 = "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"

REFERENCE = """
import json, os, sys
import numpy as np, pandas as pd
from numpy.core._multiarray_umath import __cpu_features__
# the dispatch targets are off (sub-features such as AVX512BW may still read as present:
# numpy dispatches only to the targets, which all need AVX512F)
disabled = os.environ["NPY_DISABLE_CPU_FEATURES"].split()
assert not any(__cpu_features__.get(name) for name in disabled), "AVX-512 still on"
out = []
for kind, values in json.load(sys.stdin):
    values = [float("nan") if v is None else v for v in values]
    frame = pd.DataFrame({"k": np.array(values, dtype=np.int64 if kind == "int" else np.float64)})
    out.append(frame.sort_values("k").index.tolist())
json.dump(out, sys.stdout)
"""


def _generic_numpy_orders(cases: list[tuple[str, list]]) -> list[list[int]]:
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": AVX512}
    done = subprocess.run(
        [sys.executable, "-c", REFERENCE], input=json.dumps(cases), capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout)


keys = st.one_of(
    # few distinct values: many ties, as duplicated ids
    st.lists(st.integers(0, 4), max_size=700),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=300),
    st.lists(st.sampled_from([7, 7, 7, 1, 2**40]), min_size=15, max_size=70),
)
float_keys = st.lists(st.one_of(st.sampled_from([0.5, 0.5, -1.0, 3.0, 1e300]), st.none()), max_size=500)


@settings(max_examples=20, deadline=None)
@given(st.lists(keys, min_size=1, max_size=8), st.lists(float_keys, min_size=1, max_size=4))
def test_numeric_sort_order_is_the_generic_numpy_order(int_cases, float_cases) -> None:
    cases = [("int", v) for v in int_cases] + [("float", v) for v in float_cases]
    expected = _generic_numpy_orders(cases)
    for (kind, values), ref in zip(cases, expected):
        if kind == "int":
            assert _core._testing.sort_order_int(values) == ref, values
        else:
            ours = _core._testing.sort_order_float([math.nan if v is None else v for v in values])
            assert ours == ref, values


def test_shuffled_duplicated_ids_pair_as_with_generic_numpy() -> None:
    """The hms case: duplicated eeg ids in a shuffled and a reversed submission."""
    import random

    ids = [i // 3 for i in range(900)]
    random.Random(0).shuffle(ids)
    cases = [("int", ids), ("int", ids[::-1]), ("int", sorted(ids))]
    for (_, values), ref in zip(cases, _generic_numpy_orders(cases)):
        assert _core._testing.sort_order_int(values) == ref
