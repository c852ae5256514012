"""The declarative preparation recipes of `competitions/<id>/prepare.yaml`.

A recipe is a list of steps run in order against a :class:`Context` (the `raw`, `public`
and `private` folders and named tables). Paths starting with `public/` or `private/` are in
the prepared folders, all others in `raw/`. Steps:

- `extract: {archive, to}`: extract a nested archive (`to` defaults to the raw folder);
- `read: {file, as}`: read a CSV with pandas' types;
- `split: {table, into: [train, test], test_size, train_size, random_state}`:
  `train_test_split` of the rows (shuffled order); with `by: column` the column's values are
  split and rows keep their order (`isin`); `unique: true` splits its distinct values;
  `test_size: {files: glob}` is n_files / (n_rows + n_files);
- `derive: {from, as, <ops>}`: a new table from ops applied in the order written:
  `select: [columns]`, `drop: [columns]`, `rename: {old: new}`, `set: {column: constant}`,
  `fill: {value, except: [columns]}` (every other column set to `value`),
  `one_hot: {id, target, classes}` (`classes: {header_of: csv}` = that CSV's columns after
  the first), `renumber: {column: start}` (start, start+1, ... in row order; `start:
  {after: table}` starts at that table's length), `isin: {column, table, table_column}`
  (rows whose value occurs in the other table's column, in order);
- `write: {table, to, quoting}`: `to_csv(index=False)` (`quoting: nonnumeric` optional);
- `copy: {from, to}`: one file; `copy_each: {table, column, from, to}`: one file per row,
  `{}` in the paths standing for the row's value;
- `mkdir: path`, `remove: path` (file or folder);
- `zip: {folder, to, under_folder_name, remove_folder}`;
- `call: module:function`: competition-specific code, called with the context.
"""

from __future__ import annotations

import importlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import archive, tables
from .files import copy_many


class RecipeError(Exception):
    pass


@dataclass
class Context:
    competition_id: str
    raw: Path
    public: Path
    private: Path
    tables: dict[str, tables.Table] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def path(self, spec: str) -> Path:
        parts = Path(spec).parts
        if ".." in parts or Path(spec).is_absolute():
            raise RecipeError(f"path {spec!r} must stay inside the competition's folders")
        if parts and parts[0] == "public":
            return self.public.joinpath(*parts[1:])
        if parts and parts[0] == "private":
            return self.private.joinpath(*parts[1:])
        return self.raw.joinpath(*parts)

    def table(self, name: str) -> tables.Table:
        try:
            return self.tables[name]
        except KeyError:
            raise RecipeError(f"no table named {name!r} (tables so far: {sorted(self.tables)})") from None


def _required(args: dict[str, Any], key: str, step: str) -> Any:
    if key not in args:
        raise RecipeError(f"step `{step}` needs `{key}`")
    return args[key]


def _extract(ctx: Context, args: dict[str, Any]) -> None:
    src = ctx.path(_required(args, "archive", "extract"))
    archive.extract(src, ctx.path(args.get("to", ".")))


def _read(ctx: Context, args: dict[str, Any]) -> None:
    name, file = _required(args, "as", "read"), _required(args, "file", "read")
    ctx.tables[name] = tables.read_csv(ctx.path(file))


def _test_size(ctx: Context, spec: Any, n_rows: int) -> Any:
    if isinstance(spec, dict) and "files" in spec:
        n_files = len(list(ctx.raw.glob(spec["files"])))
        return n_files / (n_rows + n_files)
    return spec


def _split(ctx: Context, args: dict[str, Any]) -> None:
    table = ctx.table(_required(args, "table", "split"))
    into = _required(args, "into", "split")
    kwargs = {
        "test_size": _test_size(ctx, args.get("test_size"), len(table)),
        "train_size": args.get("train_size"),
        "random_state": _required(args, "random_state", "split"),
    }
    if "by" in args:
        train, test = tables.split_by_values(table, args["by"], unique=bool(args.get("unique", False)), **kwargs)
    else:
        train, test = tables.split_rows(table, **kwargs)
    ctx.tables[into[0]], ctx.tables[into[1]] = train, test


def _classes(ctx: Context, spec: Any) -> list[str]:
    if isinstance(spec, dict) and "header_of" in spec:
        classes = tables.header(ctx.path(spec["header_of"]))[1:]
        if "count" in spec and len(classes) != spec["count"]:
            raise RecipeError(f"{spec['header_of']} names {len(classes)} classes, expected {spec['count']}")
        return classes
    return list(spec)


def _derive(ctx: Context, args: dict[str, Any]) -> None:
    name = _required(args, "as", "derive")
    table = ctx.table(_required(args, "from", "derive"))
    for op, value in args.items():
        if op in ("from", "as"):
            continue
        if op == "select":
            table = table.select(list(value))
        elif op == "drop":
            table = table.drop(list(value))
        elif op == "rename":
            for old_name, new_name in value.items():
                table = tables.rename(table, old_name, new_name)
        elif op == "set":
            for column, constant in value.items():
                table = tables.constant(table, column, constant)
        elif op == "one_hot":
            table = tables.one_hot(table, value["id"], value["target"], _classes(ctx, value["classes"]))
        elif op == "fill":
            keep = set(value.get("except", []))
            for column in table.names:
                if column not in keep:
                    table = tables.constant(table, column, value["value"])
        elif op == "renumber":
            for column, start in value.items():
                if isinstance(start, dict):
                    start = len(ctx.table(start["after"]))
                table = tables.renumber(table, column, int(start))
        elif op == "isin":
            other = ctx.table(value["table"]).column(value.get("table_column", value["column"]))
            table = tables.rows_where_isin(table, value["column"], other)
        else:
            raise RecipeError(f"unknown derive operation `{op}`")
    ctx.tables[name] = table


def _write(ctx: Context, args: dict[str, Any]) -> None:
    table = ctx.table(_required(args, "table", "write"))
    tables.write_csv(table, ctx.path(_required(args, "to", "write")), args.get("quoting", "minimal"))


def _copy(ctx: Context, args: dict[str, Any]) -> None:
    dst = ctx.path(_required(args, "to", "copy"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ctx.path(_required(args, "from", "copy")), dst)


def _each_path(ctx: Context, pattern: str) -> Callable[[str], str]:
    """`ctx.path(pattern with {} = name)` for plain file names (no "/", not "", "." or
    ".."). When only the last part holds `{}`, its folder is resolved (and checked) once:
    pathlib's parsing of every row's path was most of a 100,000-file copy_each."""
    folder, _, last = pattern.rpartition("/")
    # a folder of no parts ("./{}") leaves the row's name first, where "public" and "private"
    # name the output folders: such a pattern goes through ctx.path row by row
    if not Path(folder).parts or "{}" in folder or "{}" not in last:
        return lambda name: os.fspath(ctx.path(pattern.replace("{}", name)))
    # a plain name inside the last part cannot make it "", "." or "..", so the row's path
    # is the checked folder joined with that part
    prefix = os.path.join(ctx.path(folder), "")
    return lambda name: prefix + last.replace("{}", name)


def _copy_each(ctx: Context, args: dict[str, Any]) -> None:
    table = ctx.table(_required(args, "table", "copy_each"))
    src, dst = _required(args, "from", "copy_each"), _required(args, "to", "copy_each")
    src_of, dst_of = _each_path(ctx, src), _each_path(ctx, dst)
    pairs = []
    for value in table.column(_required(args, "column", "copy_each")):
        text = str(value)
        if "/" in text or text in ("", ".", ".."):
            raise RecipeError(f"file id {text!r} is not a plain file name")
        pairs.append((src_of(text), dst_of(text)))
    copy_many(pairs, f"Copying {Path(dst).parent}")


def _mkdir(ctx: Context, args: Any) -> None:
    ctx.path(args).mkdir(parents=True, exist_ok=True)


def _remove(ctx: Context, args: Any) -> None:
    target = ctx.path(args)
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()


def _zip(ctx: Context, args: dict[str, Any]) -> None:
    folder = ctx.path(_required(args, "folder", "zip"))
    archive.zip_folder(folder, ctx.path(_required(args, "to", "zip")), under_folder_name=bool(args.get("under_folder_name")))
    if args.get("remove_folder"):
        shutil.rmtree(folder)


def load_callable(spec: str) -> Callable[[Context], None]:
    module_name, _, attr = spec.partition(":")
    if not module_name.startswith("mlebench_fast.prepare.custom."):
        raise RecipeError(f"`call` must name a function in mlebench_fast.prepare.custom, not {spec!r}")
    return getattr(importlib.import_module(module_name), attr or "prepare")


def _call(ctx: Context, args: Any) -> None:
    load_callable(str(args))(ctx)


STEPS: dict[str, Callable[[Context, Any], None]] = {
    "extract": _extract,
    "read": _read,
    "split": _split,
    "derive": _derive,
    "write": _write,
    "copy": _copy,
    "copy_each": _copy_each,
    "mkdir": _mkdir,
    "remove": _remove,
    "zip": _zip,
    "call": _call,
}


def validate(steps: Any) -> list[tuple[str, Any]]:
    """The recipe as (step name, arguments) pairs, or a RecipeError saying what is wrong."""
    if not isinstance(steps, list):
        raise RecipeError("`steps` must be a list")
    out = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict) or len(step) != 1:
            raise RecipeError(f"step {i + 1} must be a mapping with exactly one step name")
        ((name, args),) = step.items()
        if name not in STEPS:
            raise RecipeError(f"step {i + 1}: unknown step `{name}` (known: {', '.join(STEPS)})")
        if name == "call":
            load_callable(str(args))
        out.append((name, args))
    return out


def run(ctx: Context, steps: Any) -> None:
    for name, args in validate(steps):
        STEPS[name](ctx, args)
