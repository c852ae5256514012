"""The `env`, `agents`, `run` and `make-submission` commands (added to the main CLI)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

env_app = typer.Typer(help="The base image agents build on, and the validator image.", no_args_is_help=True)
agents_app = typer.Typer(help="Agents in agents/<name>/ and their images.", no_args_is_help=True)

AgentsDir = Annotated[
    Optional[Path],
    typer.Option("--agents-dir", help="Folder of agents/<name>/config.yaml (default: $MLEBENCH_FAST_AGENTS_DIR, else ./agents)."),
]


def _fail(message: str) -> None:
    from ..cli import CliError

    raise CliError(message)


def _client():
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env()
        client.ping()
        return client
    except DockerException as e:
        _fail(f"cannot reach the Docker engine: {e}")


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@env_app.command("build")
def env_build(
    ml_stack: Annotated[str, typer.Option("--ml-stack", help="The agent venv's packages: none, reference (MLE-bench's pinned requirements) or a requirements FILE.")] = "none",
    gpu: Annotated[bool, typer.Option("--gpu", help="With --ml-stack reference: also the reference's CUDA TensorFlow (tensorflow[and-cuda]).")] = False,
    tools: Annotated[Optional[str], typer.Option("--tools", help="Command line tools: reference (git, unzip, p7zip, ffmpeg, tmux, envsubst, build tools, jupyter, ...) or minimal (default: reference with --ml-stack reference, else minimal).")] = None,
    base: Annotated[Optional[str], typer.Option("--base", help="Build on this image (already on the engine) instead of a debootstrap root filesystem.")] = None,
    suite: Annotated[str, typer.Option("--suite", help="Debian release for debootstrap.")] = "bookworm",
    mirror: Annotated[Optional[str], typer.Option("--mirror", help="Debian mirror URL for debootstrap (default: debootstrap's).")] = None,
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
        build_env_image(client, _echo_err, base=base, suite=suite, mirror=mirror, rebuild=rebuild, stack=stack,
                        tools=None if tools is None else tools == "reference")
        build_validator_image(client, _echo_err, rebuild=rebuild)
    except ImageError as e:
        _fail(str(e))
    for name, info in describe(client).items():
        tags = ", ".join(t for t in info["tags"] if not t.endswith(":latest"))
        stack_note = f", ML stack {info['ml_stack']}" if name.endswith("env") else ""
        typer.echo(f"{name}: {tags} (= latest) {info['size_mib']} MiB{stack_note}")
    typer.echo(f"done in {time.perf_counter() - start:.0f}s")


@agents_app.command("build")
def agents_build(
    name: Annotated[str, typer.Argument(help="Agent id (or folder name), e.g. dummy.")],
    agents_dir: AgentsDir = None,
) -> None:
    """Build the agent's image from agents/<name>/Dockerfile (FROM mlebench-env)."""
    from .agents import AgentError, build_agent_image, default_agents_dir, get_agent
    from .images import ImageError, install_env_image

    try:
        agent = get_agent(name, agents_dir or default_agents_dir(), secrets=False)  # keys are for run time
        client = _client()
        image = build_agent_image(client, agent, install_env_image(client), _echo_err)
    except (AgentError, ImageError) as e:
        _fail(str(e))
    typer.echo(f"built {image}")


@agents_app.command("list")
def agents_list(agents_dir: AgentsDir = None) -> None:
    """List the agent ids found in the agents dir."""
    from .agents import AgentError, default_agents_dir, list_agents

    try:
        for agent_id in list_agents(agents_dir or default_agents_dir()):
            typer.echo(agent_id)
    except AgentError as e:
        _fail(str(e))


def run(
    agent: Annotated[Optional[str], typer.Option("--agent", help="Agent id, e.g. dummy.")] = None,
    competitions: Annotated[Optional[str], typer.Option("--competitions", help="Comma-separated competition ids.")] = None,
    split: Annotated[Optional[str], typer.Option("--split", help="A split: low, medium, high, split75 or dev (lite, all).")] = None,
    competition_set: Annotated[Optional[Path], typer.Option("--competition-set", help="File with one competition id per line.")] = None,
    n_seeds: Annotated[Optional[int], typer.Option("--n-seeds", help="Runs per competition (default: 1).")] = None,
    n_workers: Annotated[Optional[int], typer.Option("--n-workers", help="Runs at a time (default: 1).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option("--data-dir", help="Prepared data dir (default: user cache dir mle-bench/data).")] = None,
    runs_dir: Annotated[Path, typer.Option("--runs-dir", help="Where run groups are written.")] = Path("runs"),
    container_config: Annotated[Optional[Path], typer.Option("--container-config", help="JSON of container settings (CPU, memory, shm, gpus, runtime) (default: shipped).")] = None,
    time_limit: Annotated[Optional[float], typer.Option("--time-limit", help="Wall-clock seconds per run; the agent is stopped then (default: none).")] = None,
    gpus: Annotated[Optional[int], typer.Option("--gpus", help="Use GPUs 0..N-1, split among workers.")] = None,
    gpu_ids: Annotated[Optional[str], typer.Option("--gpu-ids", help="Comma-separated GPU ids to split among workers.")] = None,
    share_gpus: Annotated[bool, typer.Option("--share-gpus", help="Allow workers to share GPUs when there are fewer GPUs than workers.")] = False,
    retain: Annotated[bool, typer.Option("--retain", help="Keep the containers (stopped) instead of removing them.")] = False,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="Finish this run group (path, or name under --runs-dir).")] = None,
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
            agent_id=agent, competition_ids=ids, n_seeds=n_seeds, n_workers=n_workers, data_dir=data_dir,
            runs_dir=runs_dir, container_config=container_config, time_limit=time_limit, gpus=gpus,
            gpu_ids=[g.strip() for g in gpu_ids.split(",") if g.strip()] if gpu_ids else None,
            share_gpus=share_gpus, retain=retain, resume=resume, agents_dir=agents_dir,
        )
        group = run_agent(request, _echo_err)
    except (RunError, ValueError) as e:
        _fail(str(e))
    except KeyboardInterrupt:
        typer.echo("interrupted: containers cleaned up; finish the group with --resume", err=True)
        sys.exit(130)
    typer.echo(f"Run group: {group.path}")


def make_submission(
    run_group: Annotated[Path, typer.Option("--run-group", help="Run group folder (with metadata.json).")],
    output: Annotated[Optional[Path], typer.Option("--output", help="JSONL to write (default: <run group>/submission.jsonl).")] = None,
    rel_log_path: Annotated[str, typer.Option("--rel-log-path", help="Log file within a run folder.")] = "logs/agent.log",
    rel_code_path: Annotated[str, typer.Option("--rel-code-path", help="Code file within a run folder.")] = "code/train.py",
) -> None:
    """Write the grading JSONL of a run group (input of `grade --submission`)."""
    from .rungroup import RunGroupError, write_submission_jsonl

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
