"""How the command line's help looks, shared by the main app and its sub-apps (env, agents).

Plain text rather than rich markup: rich markup treats "[default: ...]" as a style tag and
drops it, and boxes errors. `-h` is `--help`. Arguments read `SUBMISSION COMPETITION_ID` in the
usage line, not Typer's `{submission} {competition_id}`.
"""

from __future__ import annotations

from typing import Any

import typer
import typer.core

APP_SETTINGS: dict[str, Any] = dict(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class PlainUsage(typer.core.TyperCommand):
    """A command whose usage line names its arguments by their metavar: `[OPTIONS] FILE ID`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "").upper()
            name += "..." if param.nargs != 1 else ""
            pieces.append(name if param.required else f"[{name}]")
        return pieces
