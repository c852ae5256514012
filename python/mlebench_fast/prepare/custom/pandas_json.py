"""pandas' JSON-lines round trip without pandas: `pd.read_json(path, lines=True)` (with or
without `chunksize`) and `DataFrame.to_json(orient="records", lines=True)`, byte for byte.

What the reference's preparations rely on, reproduced here:

- reading uses pandas' vendored ujson with `precise_float=False`: a number with a fraction
  or exponent is built as `(int part + fraction digits * 10**-k) * sign * 10**exp` in
  doubles (at most 15 fraction digits), not correctly rounded; `NaN` reads as null;
- the columns are the keys in order of first appearance; each column is typed like
  `DataFrame(list_of_dicts)` (ints -> int64, ints/floats/None -> float64, bools -> bool,
  anything else -> object), then like read_json's `dtype=True` pass: an object column whose
  values all convert to float becomes float64, and a float64 column of finite integral
  values becomes int64;
- writing escapes like ujson with `ensure_ascii`: the stdlib's ASCII escapes plus `\\/`;
  floats are printed by ujson's fixed-point routine with `double_precision=10` (rounded,
  trailing zeros dropped, `%.10g` beyond 1e16 or below 1e-15), NaN and infinities as null;
  every record ends with a newline (an empty frame is a single newline).

Nested lists and dicts of a line that holds no float literal are encoded by the stdlib's C
encoder (same bytes once `/` is escaped); only lines with floats take the slower path.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from ..recipe import RecipeError

# createDouble's table: the C literals 0.1, 0.01, ... (the same doubles as Python's).
_NEG_POW10 = [
    1.0,
    0.1,
    0.01,
    0.001,
    0.0001,
    0.00001,
    0.000001,
    0.0000001,
    0.00000001,
    0.000000001,
    0.0000000001,
    0.00000000001,
    0.000000000001,
    0.0000000000001,
    0.00000000000001,
    0.000000000000001,
]
_MAX_DECIMALS = 15
_DATELIKE_SUFFIXES = ("_at", "_time")


def ujson_float(text: str) -> float:
    """The double pandas' ujson decoder (precise_float=False) makes of a number literal
    with a fraction and/or an exponent."""
    n = len(text)
    i = 0
    sign = 1.0
    if text[0] == "-":
        sign, i = -1.0, 1
    j = i
    while j < n and "0" <= text[j] <= "9":
        j += 1
    whole = int(text[i:j]) if j > i else 0
    if whole >= (1 << 63 if sign < 0 else 1 << 64):
        raise RecipeError(f"number {text} is out of range for pandas' JSON reader")
    fraction, decimals = 0.0, 0
    if j < n and text[j] == ".":
        j += 1
        while j < n and "0" <= text[j] <= "9":
            if decimals < _MAX_DECIMALS:
                fraction = fraction * 10.0 + (ord(text[j]) - 48)
                decimals += 1
            j += 1
    value = (float(whole) + fraction * _NEG_POW10[decimals]) * sign
    if j < n and text[j] in "eE":
        j += 1
        exp_sign = 1.0
        if j < n and text[j] in "+-":
            exp_sign = -1.0 if text[j] == "-" else 1.0
            j += 1
        exponent = 0.0
        while j < n and "0" <= text[j] <= "9":
            exponent = exponent * 10.0 + (ord(text[j]) - 48)
            j += 1
        value = value * math.pow(10.0, exponent * exp_sign)
    return value


def ujson_double(value: float, precision: int = 10) -> str:
    """ujson's `Buffer_AppendDoubleUnchecked` for a finite double."""
    neg = value < 0
    if neg:
        value = -value
    if value > 1e16 - 1 or (value != 0.0 and value < 1e-15):
        return f"%.{precision}g" % (-value if neg else value)
    scale = 10.0**precision
    whole = int(value)
    tmp = (value - whole) * scale
    frac = int(tmp)
    diff = tmp - frac
    if diff > 0.5 or (diff == 0.5 and (frac == 0 or frac & 1)):
        frac += 1
    if frac >= scale:
        frac, whole = 0, whole + 1
    if frac:
        count = precision
        while frac % 10 == 0:
            count -= 1
            frac //= 10
        text = f"{whole}.{str(frac).rjust(count, '0')}"
    else:
        text = f"{whole}.0"
    return "-" + text if neg else text


def _float_or_null(value: float) -> str:
    return "null" if math.isnan(value) or math.isinf(value) else ujson_double(value)


_ESCAPED_DEL = re.compile(r"\\\\|\\u007f")


def _ujson_escapes(text: str) -> str:
    """The stdlib's ASCII-escaped JSON made ujson's: `/` escaped, DEL (0x7f) left as is."""
    text = text.replace("/", "\\/")
    if "\\u007f" in text:
        text = _ESCAPED_DEL.sub(lambda m: "\x7f" if m.group() == "\\u007f" else m.group(), text)
    return text


def encode_string(value: str) -> str:
    """ujson's escaping with ensure_ascii."""
    return _ujson_escapes(json.dumps(value))


def encode_value(value: Any, *, has_floats: bool = True) -> str:
    """One Python value as pandas' to_json writes it (an object-column cell)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return encode_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_or_null(value)
    if isinstance(value, (list, dict)):
        if not has_floats:
            return _ujson_escapes(json.dumps(value, separators=(",", ":")))
        if isinstance(value, list):
            return "[" + ",".join(encode_value(v) for v in value) + "]"
        return "{" + ",".join(f"{encode_string(str(k))}:{encode_value(v)}" for k, v in value.items()) + "}"
    raise RecipeError(f"cannot write a {type(value).__name__} as pandas' JSON")


@dataclass
class Column:
    """A typed column: kind is 'int', 'float', 'bool' or 'object' (Python values)."""

    kind: str
    values: list[Any]


@dataclass
class JsonFrame:
    """Rows read from JSON lines, with pandas' column types; `floaty[i]` says whether row
    i's line held a float literal (its nested values then need the float-aware encoder)."""

    columns: dict[str, Column]
    floaty: list[bool]

    def __len__(self) -> int:
        return len(self.floaty)

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def column(self, name: str) -> list[Any]:
        try:
            return self.columns[name].values
        except KeyError:
            raise RecipeError(f"the JSON records have no field {name!r} (fields: {self.names})") from None

    def take(self, rows: Sequence[int]) -> JsonFrame:
        return JsonFrame(
            {k: Column(c.kind, [c.values[i] for i in rows]) for k, c in self.columns.items()},
            [self.floaty[i] for i in rows],
        )

    def select(self, names: Sequence[str]) -> JsonFrame:
        for name in names:
            self.column(name)
        return JsonFrame({k: self.columns[k] for k in names}, self.floaty)

    def with_column(self, name: str, kind: str, values: list[Any]) -> JsonFrame:
        """`df[name] = values` (replaced in place, or added last)."""
        columns = dict(self.columns)
        columns[name] = Column(kind, values)
        return JsonFrame(columns, self.floaty)

    def to_json_lines(self) -> str:
        """`df.to_json(orient="records", lines=True)`."""
        if not len(self):
            return "\n"
        keys = [encode_string(k) + ":" for k in self.columns]
        cols = list(self.columns.values())
        out = []
        for i, floaty in enumerate(self.floaty):
            cells = []
            for key, col in zip(keys, cols):
                v = col.values[i]
                if col.kind == "int":
                    cells.append(key + str(v))
                elif col.kind == "float":
                    cells.append(key + _float_or_null(v))
                elif col.kind == "bool":
                    cells.append(key + ("true" if v else "false"))
                else:
                    cells.append(key + encode_value(v, has_floats=floaty))
            out.append("{" + ",".join(cells) + "}\n")
        return "".join(out)


_MISSING = object()


def _frame_column(values: list[Any]) -> Column:
    """`DataFrame(list_of_dicts)`'s type for one column (missing keys are NaN)."""
    kinds = set()
    for v in values:
        if v is _MISSING or v is None:
            kinds.add("null")
        elif isinstance(v, bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        else:
            kinds.add("other")
    if kinds == {"int"}:
        if all(-(1 << 63) <= v < (1 << 63) for v in values) or all(0 <= v < (1 << 64) for v in values):
            return Column("int", values)  # int64, or uint64: written as digits all the same
        raise RecipeError("a JSON field mixes negative integers with integers beyond int64: not supported")
    if kinds and kinds <= {"int", "float", "null"} and kinds & {"int", "float"}:
        return Column("float", [math.nan if v is _MISSING or v is None else float(v) for v in values])
    if kinds == {"bool"}:
        return Column("bool", values)
    return Column("object", [math.nan if v is _MISSING else v for v in values])


def _as_float(v: Any) -> float:
    """numpy's object -> float64 cast of one value (raises when it cannot)."""
    if v is None:
        return math.nan
    if isinstance(v, (bool, int, float, str)):
        return float(v)
    raise TypeError


def _converted(column: Column) -> Column:
    """read_json's `_try_convert_data` with dtype=True (no dates)."""
    if column.kind == "object":
        try:
            column = Column("float", [_as_float(v) for v in column.values])
        except (TypeError, ValueError, OverflowError):
            return column
    if column.kind == "float" and column.values:
        vals = column.values
        if all(math.isfinite(v) and v == int(v) and -(2.0**63) <= v < 2.0**63 for v in vals):
            return Column("int", [int(v) for v in vals])
    return column


def _frame(records: list[dict[str, Any]], floaty: list[bool]) -> JsonFrame:
    names: dict[str, None] = {}
    for r in records:
        if not isinstance(r, dict):
            raise RecipeError("a JSON line is not an object (record)")
        for k in r:
            names.setdefault(k, None)
    for name in names:
        lower = name.lower()
        if lower.endswith(_DATELIKE_SUFFIXES) or lower in ("modified", "date", "datetime") or lower.startswith("timestamp"):
            raise RecipeError(f"field {name!r} would be parsed as dates by pandas: not supported")
    columns = {name: _converted(_frame_column([r.get(name, _MISSING) for r in records])) for name in names}
    return JsonFrame(columns, floaty)


class _Decoder:
    """json.loads with ujson's number reading; notes whether the text held floats."""

    def __init__(self) -> None:
        self.floats = False
        self._decoder = json.JSONDecoder(parse_float=self._float, parse_constant=self._constant, strict=False)

    def _float(self, text: str) -> float:
        self.floats = True
        return ujson_float(text)

    def _constant(self, text: str) -> Any:
        self.floats = True
        return None if text == "NaN" else float(text)

    def decode(self, line: str) -> tuple[Any, bool]:
        self.floats = False
        return self._decoder.decode(line), self.floats


def _records(lines: Iterator[str], path: Path) -> JsonFrame:
    decoder = _Decoder()
    records, floaty = [], []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            record, has_floats = decoder.decode(line)
        except json.JSONDecodeError as e:
            raise RecipeError(f"{path.name} has a line that is not valid JSON: {e}") from None
        records.append(record)
        floaty.append(has_floats)
    return _frame(records, floaty)


def read_json_lines(path: Path) -> JsonFrame:
    """`pd.read_json(path, lines=True)`."""
    path = Path(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return _records(iter(text.split("\n")), path)


def read_json_line_chunks(path: Path, chunksize: int) -> Iterator[tuple[JsonFrame, int]]:
    """`pd.read_json(path, lines=True, chunksize=chunksize)`: (frame, raw line count) per
    `chunksize` text lines (blank lines count towards a chunk but make no row), each chunk
    typed on its own, as pandas does."""
    path = Path(path)
    with open(path, encoding="utf-8") as f:
        while True:
            lines = list(islice(f, chunksize))
            if not lines:
                return
            yield _records(iter(lines), path), len(lines)
