"""The `texts` commands (added to the main CLI): `texts fetch` and `texts status`."""

import json
from collections import Counter
from typing import Annotated, Optional

import typer

from ..cli_common import CliError
from .manifest import TextsError, load_manifest
from .store import CORRUPT, MISSING, VERIFIED, cache_root, state

texts_app = typer.Typer(
    help="The reference's texts agents read (instructions, descriptions): fetch and verify them.",
    no_args_is_help=True,
)


def _fail(message: str) -> None:
    raise CliError(message)


def register(app: typer.Typer) -> None:
    app.add_typer(texts_app, name="texts")


def _kind(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@texts_app.command("fetch")
def fetch_command(
    from_: Annotated[
        Optional[str],
        typer.Option(
            "--from",
            metavar="URL|DIR",
            help="A checkout of the reference (or its mlebench package folder), or a "
            "URL pattern with {path} / a base URL [default: an installed mlebench package, then the pinned public URLs].",
        ),
    ] = None,
) -> None:
    """Download the reference's texts, check every sha256 and store them in the user cache."""
    from .fetch import fetch

    try:
        manifest = load_manifest()
        result = fetch(manifest, from_)
    except TextsError as e:
        _fail(str(e))
    typer.echo(
        f"{len(result.fetched)} fetched and verified, {len(result.already)} already verified, "
        f"{result.not_fetched} not fetched (commit {manifest.commit}, {cache_root() / manifest.commit})"
    )
    for line in result.failures:
        typer.echo(f"error: {line}", err=True)
    if result.not_fetched:
        _fail(f"{result.not_fetched} of {result.total} texts could not be fetched and verified; nothing unverified was stored")


@texts_app.command("status")
def status_command(
    list_all: Annotated[bool, typer.Option("--list", help="One line per text with its state.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Which of the reference's texts are in the cache and verified."""
    try:
        manifest = load_manifest()
    except TextsError as e:
        _fail(str(e))
    states = {path: state(manifest, path) for path in manifest.files}
    if as_json:
        typer.echo(
            json.dumps({"commit": manifest.commit, "cache": str(cache_root() / manifest.commit), "texts": states}, indent=2)
        )
        return
    typer.echo(f"reference {manifest.repository} at {manifest.commit}; cache {cache_root() / manifest.commit}")
    by_kind: dict[str, Counter] = {}
    for path, s in states.items():
        by_kind.setdefault(_kind(path), Counter())[s] += 1
    for kind, counts in sorted(by_kind.items()):
        total = sum(counts.values())
        extra = "".join(f", {counts[s]} {s}" for s in (MISSING, CORRUPT) if counts[s])
        typer.echo(f"{kind}: {counts[VERIFIED]} of {total} verified{extra}")
    if list_all:
        for path, s in states.items():
            typer.echo(f"{s:<9} {path}")
    elif any(s == CORRUPT for s in states.values()):
        for path, s in states.items():
            if s == CORRUPT:
                typer.echo(f"corrupt: {path} (not used; `texts fetch` replaces it)")
    verified = sum(s == VERIFIED for s in states.values())
    if verified == len(states):
        typer.echo("all texts verified: agents get the reference's texts")
    else:
        typer.echo(
            f"{len(states) - verified} text(s) not verified: agents get mlebench-fast's own for those "
            "(not comparable with the MLE-bench leaderboard); `mlebench-fast texts fetch` gets them"
        )
