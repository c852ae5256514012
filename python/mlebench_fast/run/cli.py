"""The `env`, `agents`, `run` and `make-submission` commands (added to the main CLI)."""

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_common import CliError, docker_client
from ..cli_help import APP_SETTINGS, PlainUsage
from ..registry import default_data_dir

env_app = typer.Typer(help="The base image agents build on, and the validator image.", **APP_SETTINGS)
agents_app = typer.Typer(help="Agents (<agents dir>/<name>/config.yaml) and their images.", **APP_SETTINGS)

AgentsDir = Annotated[
    Optional[Path],
    typer.Option(
        "--agents-dir",
        metavar="DIR",
        help="Folder of <name>/config.yaml agents.",
        show_default="$MLEBENCH_FAST_AGENTS_DIR, else ./agents, then the built-in agents",
    ),
]


def _fail(message: str) -> None:
    raise CliError(message)


_client = docker_client


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@env_app.command("build")
def env_build(
    ml_stack: Annotated[
        str,
        typer.Option(
            "--ml-stack",
            metavar="STACK",
            help="The agent venv's packages: none, reference (MLE-bench's pinned requirements) or a requirements FILE.",
        ),
    ] = "none",
    gpu: Annotated[
        bool,
        typer.Option("--gpu", help="With --ml-stack reference: also the reference's CUDA TensorFlow (tensorflow[and-cuda])."),
    ] = False,
    tools: Annotated[
        Optional[str],
        typer.Option(
            "--tools",
            metavar="TOOLS",
            help="Command line tools: reference (git, unzip, p7zip, ffmpeg, tmux, envsubst, build tools, jupyter, ...) or minimal.",
            show_default="reference with --ml-stack reference, else minimal",
        ),
    ] = None,
    base: Annotated[
        Optional[str],
        typer.Option(
            "--base",
            metavar="IMAGE",
            help="Build on this image (already on the engine) instead of a debootstrap root filesystem.",
        ),
    ] = None,
    suite: Annotated[str, typer.Option("--suite", metavar="NAME", help="Debian release for debootstrap.")] = "bookworm",
    mirror: Annotated[
        Optional[str],
        typer.Option("--mirror", metavar="URL", help="Debian mirror URL for debootstrap.", show_default="debootstrap's"),
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild even when the images are up to date.")] = False,
) -> None:
    """Build `mlebench-env` (agents' base image) and `mlebench-validator`; skipped when up to date."""
    from .images import ImageError, build_env_image, build_validator_image, describe
    from .images import ml_stack as stack_of

    if tools not in (None, "reference", "minimal"):
        _fail(f"--tools is reference or minimal, not {tools}")
    try:
        stack = stack_of(ml_stack, gpu)
    except ImageError as e:
        _fail(str(e))
    client = _client()
    start = time.perf_counter()
    try:
        build_env_image(
            client,
            _echo_err,
            base=base,
            suite=suite,
            mirror=mirror,
            rebuild=rebuild,
            stack=stack,
            tools=None if tools is None else tools == "reference",
        )
        build_validator_image(client, _echo_err, rebuild=rebuild)
    except ImageError as e:
        _fail(str(e))
    for name, info in describe(client).items():
        tags = ", ".join(t for t in info["tags"] if not t.endswith(":latest"))
        stack_note = f", ML stack {info['ml_stack']}" if name.endswith("env") else ""
        typer.echo(f"{name}: {tags} (= latest) {info['size_mib']} MiB{stack_note}")
    typer.echo(f"done in {time.perf_counter() - start:.0f}s")


@agents_app.command("build", cls=PlainUsage)
def agents_build(
    name: Annotated[str, typer.Argument(metavar="AGENT", help="Agent id (or folder name), e.g. dummy.")],
    agents_dir: AgentsDir = None,
) -> None:
    """Build the agent's image from agents/<name>/Dockerfile (FROM mlebench-env)."""
    from .agents import AgentError, build_agent_image, default_agents_dir, get_agent
    from .images import ImageError, install_env_image

    try:
        agent = get_agent(name, agents_dir or default_agents_dir(name), secrets=False)  # keys are for run time
        client = _client()
        image = build_agent_image(client, agent, install_env_image(client), _echo_err)
    except (AgentError, ImageError) as e:
        _fail(str(e))
    typer.echo(f"built {image}")


@agents_app.command("list")
def agents_list(agents_dir: AgentsDir = None) -> None:
    """List the agent ids found (with --agents-dir: in that folder; else along the search path, with where each is)."""
    from .agents import AgentError, agents_search_path, list_agents

    try:
        if agents_dir is not None:
            for agent_id in list_agents(agents_dir):
                typer.echo(agent_id)
            return
        path = agents_search_path()
        found: dict[str, Path] = {}
        for folder in (d for d in path if d.is_dir()):
            for agent_id in list_agents(folder):
                found.setdefault(agent_id, folder)  # the first folder wins, as with `run`
    except AgentError as e:
        _fail(str(e))
    if not found:
        looked = ", ".join(f"{d}{'' if d.is_dir() else ' (absent)'}" for d in path)
        _fail(f"no agents found; looked in {looked}; pass --agents-dir or set MLEBENCH_FAST_AGENTS_DIR")
    width = max(len(i) for i in found)
    for agent_id, folder in found.items():
        typer.echo(f"{agent_id:<{width}}  {folder}")


def run(
    agent: Annotated[Optional[str], typer.Option("--agent", "--agent-id", metavar="ID", help="Agent id, e.g. dummy.")] = None,
    competitions: Annotated[
        Optional[str], typer.Option("--competitions", metavar="IDS", help="Comma-separated competition ids.")
    ] = None,
    split: Annotated[
        Optional[str], typer.Option("--split", metavar="SPLIT", help="A split: low, medium, high, split75 or dev (lite, all).")
    ] = None,
    competition_set: Annotated[
        Optional[Path], typer.Option("--competition-set", metavar="FILE", help="File with one competition id per line.")
    ] = None,
    n_seeds: Annotated[
        Optional[int], typer.Option("--n-seeds", metavar="N", help="Runs per competition.", show_default="1")
    ] = None,
    n_workers: Annotated[
        Optional[int], typer.Option("--n-workers", metavar="N", help="Runs at a time.", show_default="1")
    ] = None,
    data_dir: Annotated[
        Optional[Path], typer.Option("--data-dir", metavar="DIR", help="Prepared data dir.", show_default=str(default_data_dir()))
    ] = None,
    runs_dir: Annotated[Path, typer.Option("--runs-dir", metavar="DIR", help="Where run groups are written.")] = Path("runs"),
    container_config: Annotated[
        Optional[Path],
        typer.Option(
            "--container-config",
            metavar="FILE",
            help="JSON of container settings (CPU, memory, shm, gpus, runtime).",
            show_default="shipped",
        ),
    ] = None,
    time_limit: Annotated[
        Optional[float],
        typer.Option(
            "--time-limit", metavar="SECONDS", help="Wall-clock seconds per run; the agent is stopped then.", show_default="none"
        ),
    ] = None,
    gpus: Annotated[
        Optional[int], typer.Option("--gpus", metavar="N", help="Use GPUs 0..N-1, split among workers.", show_default="none")
    ] = None,
    gpu_ids: Annotated[
        Optional[str], typer.Option("--gpu-ids", metavar="IDS", help="Comma-separated GPU ids to split among workers.")
    ] = None,
    share_gpus: Annotated[
        bool, typer.Option("--share-gpus", help="Allow workers to share GPUs when there are fewer GPUs than workers.")
    ] = False,
    retain: Annotated[bool, typer.Option("--retain", help="Keep the containers (stopped) instead of removing them.")] = False,
    resume: Annotated[
        Optional[Path], typer.Option("--resume", metavar="GROUP", help="Finish this run group (path, or name under --runs-dir).")
    ] = None,
    obfuscated: Annotated[
        bool,
        typer.Option(
            "--obfuscated",
            help="The obfuscation experiment: agents get the obfuscated instructions and description (and OBFUSCATE=true).",
        ),
    ] = False,
    agents_dir: AgentsDir = None,
) -> None:
    """Run an agent on competitions: one sealed container pair per (competition, seed)."""
    from ..registry import split_ids
    from .runner import RunError, RunRequest, read_competition_set, run_agent

    chosen = [x is not None for x in (competitions, split, competition_set)]
    if resume is None and sum(chosen) != 1:
        _fail("give exactly one of --competitions, --split or --competition-set")
    ids: list[str] | None = None
    try:
        if competitions is not None:
            ids = [c.strip() for c in competitions.split(",") if c.strip()]
        elif split is not None:
            ids = split_ids(split)
        elif competition_set is not None:
            ids = read_competition_set(competition_set)
        request = RunRequest(
            agent_id=agent,
            competition_ids=ids,
            n_seeds=n_seeds,
            n_workers=n_workers,
            data_dir=data_dir,
            runs_dir=runs_dir,
            container_config=container_config,
            time_limit=time_limit,
            gpus=gpus,
            gpu_ids=[g.strip() for g in gpu_ids.split(",") if g.strip()] if gpu_ids else None,
            share_gpus=share_gpus,
            retain=retain,
            resume=resume,
            agents_dir=agents_dir,
            obfuscated=obfuscated,
        )
        group = run_agent(request, _echo_err)
    except (RunError, ValueError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo("interrupted: containers cleaned up; finish the group with --resume", err=True)
        sys.exit(130)
    typer.echo(f"Run group: {group.path}")


def make_submission(
    run_group: Annotated[
        Optional[Path], typer.Option("--run-group", metavar="DIR", help="Run group folder (with metadata.json).")
    ] = None,
    metadata: Annotated[
        Optional[Path],
        typer.Option(
            "--metadata", metavar="FILE", help="The run group's metadata.json instead of --run-group (the reference's option)."
        ),
    ] = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", metavar="JSONL", help="JSONL to write.", show_default="<run group>/submission.jsonl"),
    ] = None,
    rel_log_path: Annotated[
        str, typer.Option("--rel-log-path", metavar="PATH", help="Log file within a run folder.")
    ] = "logs/agent.log",
    rel_code_path: Annotated[
        str, typer.Option("--rel-code-path", metavar="PATH", help="Code file within a run folder.")
    ] = "code/train.py",
) -> None:
    """Write the grading JSONL of a run group (input of `grade --submission`)."""
    from .rungroup import METADATA, RunGroupError, write_submission_jsonl

    if (run_group is None) == (metadata is None):
        _fail("give exactly one of --run-group DIR or --metadata FILE")
    if metadata is not None and metadata.name != METADATA:
        _fail(f"--metadata names a run group's {METADATA}, not {metadata.name}")
    run_group = run_group if run_group is not None else metadata.parent  # type: ignore[union-attr]
    output = output or run_group / "submission.jsonl"
    try:
        entries = write_submission_jsonl(run_group, output, rel_log_path=rel_log_path, rel_code_path=rel_code_path)
    except RunGroupError as e:
        _fail(str(e))
    submitted = sum(e["submission_path"] is not None for e in entries)
    typer.echo(f"{len(entries)} run(s), {submitted} with a submission")
    typer.echo(f"Wrote {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(env_app, name="env")
    app.add_typer(agents_app, name="agents")
    app.command("run")(run)
    app.command("make-submission")(make_submission)
