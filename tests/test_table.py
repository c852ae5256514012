"""The preparation tables against pandas: read a CSV as `read_csv(float_precision=
"round_trip")` does and write it back byte for byte as `to_csv(index=False)`; float repr;
PNG gray levels against Pillow."""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlebench_fast import _core

SETTINGS = settings(max_examples=600, deadline=None)

text = st.lists(
    st.sampled_from(list("ab ,\"\n\r\t'xé漢0123456789.-eE+") + ["NA", "nan", "True", "null", ""]),
    max_size=6,
).map("".join)
cell = st.one_of(
    text,
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "NA", "1", "0", "-0", "True", "false", "1e5", "007", " 3", "1.50"]),
)


@st.composite
def csv_texts(draw):
    ncols = draw(st.integers(1, 4))
    nrows = draw(st.integers(1, 12))
    names = [f"c{i}" for i in range(ncols)]
    # columns drawn from one family each, so typed columns occur as often as text ones
    families = [
        st.integers(-(2**40), 2**40).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["True", "False", "true"]),
        cell,
    ]
    cols = []
    for _ in names:
        family = families[draw(st.integers(0, len(families) - 1))]
        cols.append(draw(st.lists(family, min_size=nrows, max_size=nrows)))
    buf = io.StringIO()
    # every input field quoted: a bare "\r" would end a line for pandas' reader
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(names)
    for r in range(nrows):
        row = [cols[c][r] for c in range(ncols)]
        w.writerow(row)
    return buf.getvalue()


def _pandas_round_trip(text: str, quoting: int) -> str:
    df = pd.read_csv(io.StringIO(text), float_precision="round_trip")
    return df.to_csv(index=False, quoting=quoting)


@SETTINGS
@given(csv_texts(), st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_NONNUMERIC]))
def test_round_trip_matches_pandas(text, quoting):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.csv"
        path.write_text(text)
        table = _core.Table.read_csv(path)
    name = "minimal" if quoting == csv.QUOTE_MINIMAL else "nonnumeric"
    assert table.to_csv_string(name) == _pandas_round_trip(text, quoting)


def test_float_repr_breaks_decimal_ties_to_even():
    # 562949953421312.25 is exactly halfway between two shortest 16-digit strings
    assert _core.float_repr(562949953421312.2) == "562949953421312.2"
    assert _core.float_repr(1044350067049967.2) == repr(1044350067049967.2)
    # 2**-24 sits at a power of two: the nearer-looking 16-digit string does not round-trip
    assert _core.float_repr(2.0**-24) == repr(2.0**-24) == "5.960464477539063e-08"


@SETTINGS
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_float_repr(x):
    assert _core.float_repr(x) == repr(x) == str(x)
    assert _core.float_repr(x) == str(np.float64(x)) or math.isnan(x)


@SETTINGS
@given(
    st.lists(st.floats(allow_nan=True), min_size=1, max_size=10),
    st.lists(st.one_of(st.none(), st.text(max_size=4)), min_size=1, max_size=10),
)
def test_built_columns_match_pandas(floats, texts):
    n = min(len(floats), len(texts))
    floats, texts = floats[:n], texts[:n]
    ints = list(range(n))
    bools = [i % 2 == 0 for i in range(n)]
    table = _core.Table.from_columns([("f", floats), ("t", texts), ("i", ints), ("b", bools)])
    df = pd.DataFrame({"f": floats, "t": texts, "i": ints, "b": bools})
    for q, name in [(csv.QUOTE_MINIMAL, "minimal"), (csv.QUOTE_NONNUMERIC, "nonnumeric")]:
        assert table.to_csv_string(name) == df.to_csv(index=False, quoting=q)


def test_table_operations_follow_pandas(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,a,b\n1,x,0.5\n2,y,\n3,z,2\n")
    t = _core.Table.read_csv(path)
    df = pd.read_csv(path, float_precision="round_trip")
    assert t.names == ["id", "a", "b"] and len(t) == 3
    assert t.dtype("b") == "float64"
    sub = t.take([2, 0]).drop(["a"]).with_column("c", [0.25, 0.25])
    ref = df.iloc[[2, 0]].drop(columns=["a"])
    ref["c"] = 0.25
    assert sub.to_csv_string("minimal") == ref.to_csv(index=False)
    assert t.select(["b", "id"]).to_csv_string("minimal") == df[["b", "id"]].to_csv(index=False)
    assert t.with_column("a", [1, 2, 3]).names == ["id", "a", "b"]
    with pytest.raises(ValueError):
        t.select(["nope"])
    with pytest.raises(ValueError):
        t.with_column("x", [1])
    with pytest.raises(ValueError):
        t.take([5])
    with pytest.raises(TypeError):
        _core.Table.from_columns([("x", [object()])])


def test_png_gray_matches_pillow(tmp_path):
    PIL = pytest.importorskip("PIL.Image")
    rng = np.random.RandomState(0)
    for mode in ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"]:
        if mode == "I;16":
            arr = rng.randint(0, 600, size=(5, 7)).astype(np.uint16)
            im = PIL.fromarray(arr)
        else:
            im = PIL.fromarray(rng.randint(0, 256, size=(5, 7, 3)).astype(np.uint8)).convert(mode)
        path = tmp_path / f"{mode.replace(';', '')}.png"
        im.save(path)
        h, w, pixels = _core.png_gray(path)
        expected = np.array(PIL.open(path).convert("L"))
        assert (h, w) == expected.shape, mode
        assert list(pixels) == expected.ravel().tolist(), mode


@SETTINGS
@given(csv_texts())
def test_first_appearance_codes_match_pandas_factorize(text):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.csv"
        path.write_text(text)
        table = _core.Table.read_csv(path)
    df = pd.read_csv(io.StringIO(text), float_precision="round_trip")
    for name in df.columns:
        codes, _ = pd.factorize(df[name], use_na_sentinel=False)
        assert table.codes(name) == codes.tolist(), name
