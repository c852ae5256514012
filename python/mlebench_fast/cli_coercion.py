"""Light value conversion for the command line's plain parameters, for a fast start.

Typer (0.2x) converts every parameter value through a pydantic TypeAdapter: importing
pydantic and building the adapters costs 100 to 250 ms per start, more than the rest of a
small command. Our parameters are plain `str`, `int`, `float`, `Path`, `bool` and `list[str]`
values without constraints; this module converts those itself, with the same messages for
bad numbers, and leaves any other parameter (choices, ranges, files, checked paths) to
Typer. With a Typer that has no such layer, `install` does nothing.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import typer

try:
    from typer._coercion import RuntimeParam, build_runtime_param
except ImportError:  # a Typer without the pydantic layer: nothing to replace
    RuntimeParam = None  # type: ignore[assignment,misc]

PLAIN: dict[Any, Callable[[Any], Any]] = {str: str, int: int, float: float, Path: Path, bool: bool}
# pydantic's words, as Typer prints them today
BAD_NUMBER = {
    int: "Input should be a valid integer, unable to parse string as an integer",
    float: "Input should be a valid number, unable to parse string as a number",
}
# a path parameter with any of these set is checked by Typer
PATH_CHECKS = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "resolve_path": False}

if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        """Converts a value (or each value of a list) with a plain constructor."""

        element: Any = str
        is_list: bool = False

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.element is bool:
                if isinstance(value, bool):
                    return value
                # not a flag's own value: Typer's coercion, built only now
                return build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)
            convert = PLAIN[self.element]
            try:
                return [convert(v) for v in value] if self.is_list else convert(value)
            except (TypeError, ValueError):
                message = BAD_NUMBER.get(self.element, f"not a valid {getattr(self.element, '__name__', self.element)}")
                raise typer.BadParameter(message, ctx=ctx, param=param) from None


def _plain(param: Any) -> tuple[Any, bool] | None:
    """(element type, is a list) when the parameter is plain, else None."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or descriptor.file_annotation is not None:
        return None
    info = descriptor.parameter_info
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    if info.min is not None or info.max is not None or any(getattr(info, k, v) != v for k, v in PATH_CHECKS.items()):
        return None
    annotation = descriptor.annotation
    if annotation in PLAIN:
        return annotation, False
    if getattr(annotation, "__origin__", None) is list and getattr(annotation, "__args__", (None,))[0] in PLAIN:
        return annotation.__args__[0], True
    return None


def _install_param(param: Any) -> None:
    plain = _plain(param) if getattr(param, "_runtime_param", 0) is None else None
    if plain is not None:
        descriptor = param.type_descriptor
        param._runtime_param = PlainRuntimeParam(descriptor.parameter_info, descriptor.annotation, *plain)


def install(command: Any) -> None:
    """Give every plain parameter of `command` and its sub-commands the light conversion (the
    help option too, which the command makes when it first parses)."""
    if RuntimeParam is None:
        return
    for param in getattr(command, "params", []):
        _install_param(param)
    if hasattr(command, "get_help_option"):
        make_help_option = command.get_help_option

        def get_help_option(ctx: Any) -> Any:
            option = make_help_option(ctx)
            if option is not None:
                _install_param(option)
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        install(sub)
