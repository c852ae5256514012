"""`pd.read_csv(path)` with pandas' DEFAULT float parser, for the preparations of the
reference that do not pass `float_precision="round_trip"`.

pandas' default C parser (`precise_xstrtod`, pandas 2.2) keeps at most 17 leading digits of
a number (leading zeros included), accumulates them in a double (`n = n * 10 + d`) and
scales once by a power of ten. That equals the correctly rounded value (what
`Table.read_csv` gives) whenever the text has at most 15 digits and no exponent (exact
mantissa, exact power of ten, one rounding); only longer numbers are parsed again here from
the file's text, the way pandas parses them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..tables import Table, read_csv

_MAX_DIGITS = 17
_POW10 = [float(f"1e{k}") for k in range(309)]
_NUMBER_CHARS = frozenset("0123456789+-.eE")


def precise_xstrtod(text: str) -> float | None:
    """pandas 2.2's `precise_xstrtod` of a whole field (decimal '.', no thousands
    separator); None where pandas would not read the text as this number."""
    s = text.strip(" \t\n\r\f\v")
    i, n = 0, len(s)
    negative = False
    if i < n and s[i] in "+-":
        negative = s[i] == "-"
        i += 1
    number, exponent, digits = 0.0, 0, 0
    while i < n and "0" <= s[i] <= "9":
        if digits < _MAX_DIGITS:
            number = number * 10.0 + (ord(s[i]) - 48)
            digits += 1
        else:
            exponent += 1
        i += 1
    if i < n and s[i] == ".":
        i += 1
        decimals = 0
        while digits < _MAX_DIGITS and i < n and "0" <= s[i] <= "9":
            number = number * 10.0 + (ord(s[i]) - 48)
            i += 1
            digits += 1
            decimals += 1
        if digits >= _MAX_DIGITS:
            while i < n and "0" <= s[i] <= "9":
                i += 1
        exponent -= decimals
    if digits == 0:
        return None
    if negative:
        number = -number
    if i < n and s[i] in "eE":
        j = i + 1
        exp_negative = False
        if j < n and s[j] in "+-":
            exp_negative = s[j] == "-"
            j += 1
        k, e_digits = 0, 0
        while j < n and "0" <= s[j] <= "9":
            k = k * 10 + (ord(s[j]) - 48)
            e_digits += 1
            j += 1
        if e_digits:
            exponent += -k if exp_negative else k
            i = j
    if i != n:
        return None
    if exponent > 308:
        return None
    if exponent > 0:
        number *= _POW10[exponent]
    elif exponent < -308:
        if exponent < -616:
            number = 0.0 * number
        else:
            number /= _POW10[-308 - exponent]
            number /= _POW10[308]
    else:
        number /= _POW10[-exponent]
    if math.isinf(number):
        return None
    return number


_PLAIN = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$"


def parse_plain(texts: list[str]) -> np.ndarray:
    """`precise_xstrtod` of many plain decimals (`[+-]digits[.digits]`, no exponent) at
    once: the same double operations, column by column of the digits, in numpy."""
    if not texts:
        return np.zeros(0)
    raw = np.array([t.encode("ascii") for t in texts])
    width = raw.dtype.itemsize
    chars = raw.view(np.uint8).reshape(len(texts), width)
    negative = chars[:, 0] == ord("-")
    number = np.zeros(len(texts))
    digits = np.zeros(len(texts), dtype=np.int64)
    exponent = np.zeros(len(texts), dtype=np.int64)
    after_dot = np.zeros(len(texts), dtype=bool)
    for j in range(width):
        c = chars[:, j]
        is_digit = (c >= 48) & (c <= 57)
        take = is_digit & (digits < _MAX_DIGITS)
        number = np.where(take, number * 10.0 + (c.astype(np.float64) - 48.0), number)
        exponent += (is_digit & ~take & ~after_dot).astype(np.int64)  # dropped integer digits
        exponent -= (take & after_dot).astype(np.int64)  # kept decimals
        digits += take
        after_dot |= c == ord(".")
    number = np.where(negative, -number, number)
    pow10 = np.array(_POW10)
    scale = pow10[np.abs(exponent)]
    return np.where(exponent > 0, number * scale, number / scale)


def _reparse_rows(path: Path, float_columns: list[str], n_rows: int) -> dict[str, tuple[np.ndarray, np.ndarray]] | None:
    """Per float column, the rows whose text has more than 15 digits or an exponent and
    their default-parser values; None if polars does not see the rows pandas sees."""
    import polars as pl

    frame = pl.read_csv(path, columns=float_columns, infer_schema_length=0, encoding="utf8")
    if frame.height != n_rows:
        return None
    out = {}
    for name in float_columns:
        text = pl.col(name).str.strip_chars()
        digits = text.str.count_matches(r"[0-9]")
        long = (
            frame.with_row_index("row")
            .filter(text.is_not_null() & ((digits > 15) | text.str.contains("[eE]")))
            .select("row", text.alias("text"))
        )
        if long.height == 0:
            continue
        plain = long.filter(pl.col("text").str.contains(_PLAIN))
        other = long.filter(~pl.col("text").str.contains(_PLAIN))
        rows = [plain["row"].to_numpy().astype(np.int64)]
        values = [parse_plain(plain["text"].to_list())]
        odd_rows, odd_values = [], []
        for row, t in zip(other["row"].to_list(), other["text"].to_list()):
            if set(t) <= _NUMBER_CHARS:
                v = precise_xstrtod(t)
                if v is not None:
                    odd_rows.append(row)
                    odd_values.append(v)
        rows.append(np.array(odd_rows, dtype=np.int64))
        values.append(np.array(odd_values, dtype=np.float64))
        out[name] = (np.concatenate(rows), np.concatenate(values))
    return out


def read_csv_default_floats(path: Path) -> Table:
    """The table `pd.read_csv(path)` reads (default float parser): `Table.read_csv`, then
    every float64 column's long numbers parsed again from the file's text."""
    table = read_csv(path)
    float_columns = [name for name in table.names if table.dtype(name) == "float64"]
    if not float_columns:
        return table
    if len(set(table.names)) != len(table.names):
        raise ValueError(f"{Path(path).name} has duplicated column names: cannot re-read its floats")
    fixes = _reparse_rows(Path(path), float_columns, len(table))
    if fixes is None:
        raise ValueError(f"{Path(path).name}: the rows of its float columns could not be matched (blank lines?)")
    for name, (rows, new) in fixes.items():
        values = np.asarray(table.column(name), dtype=np.float64)
        keep_nan = np.isnan(values[rows])
        new = np.where(keep_nan, values[rows], new)
        if np.array_equal(values[rows], new):
            continue
        values[rows] = new
        table = table.with_column(name, values.tolist())
    return table
