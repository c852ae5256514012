"""What every part of the command line shares: the one-line error type, the `--data-dir`
option and the Docker client. The top-level CLI (`cli.py`) and the sub-CLIs (`run/cli.py`,
`texts/cli.py`) import these from here, and each sub-CLI registers itself on the app, so no
CLI module imports another's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .registry import default_data_dir


class CliError(Exception):
    """An error to print as one line before exiting with status 1."""


DataDir = Annotated[
    Optional[Path],
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Data dir holding <id>/prepared/{public,private}.",
        show_default=str(default_data_dir()),
    ),
]


def resolve_data_dir(data_dir: Optional[Path]) -> Path:
    return data_dir if data_dir is not None else default_data_dir()


def docker_client() -> Any:
    """A client of the local Docker engine, or a CliError saying it cannot be reached."""
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env()
        client.ping()
        return client
    except DockerException as e:
        raise CliError(f"cannot reach the Docker engine: {e}") from None
