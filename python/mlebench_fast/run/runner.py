"""`mlebench-fast run`: every check first, then the run group, then the workers."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import texts
from ..registry import UnknownCompetition, get_competition
from ..texts import INSTRUCTIONS_IN_IMAGE
from ..idlists import read_id_list
from .agents import check_privileged_allowed, get_agent
from .config import ConfigError, check_container_config, load_container_config, plan_gpus
from .harness import Harness, RunSettings, private_dir, public_dir, remove_leftover_containers
from .limits import RunLimits
from .progress import Progress
from .rungroup import RunGroup, RunGroupError

Echo = Callable[[str], None]


class RunError(RuntimeError):
    pass


@dataclass
class RunRequest:
    agent_id: str | None = None
    competition_ids: list[str] | None = None
    n_seeds: int | None = None
    n_workers: int | None = None
    data_dir: Path | None = None
    runs_dir: Path = Path("runs")
    container_config: Path | None = None
    time_limit: float | None = None
    gpus: int | None = None
    gpu_ids: list[str] | None = None
    share_gpus: bool = False
    retain: bool = False
    resume: Path | None = None
    agents_dir: Path | None = None
    obfuscated: bool = False


def read_competition_set(path: Path) -> list[str]:
    """One competition id per line; blank lines and `#` comments are skipped."""
    try:
        return read_id_list(path)
    except (OSError, UnicodeDecodeError) as e:
        raise RunError(f"cannot read competition set {path}: {e}") from None


def _is_empty(path: Path) -> bool:
    return not any(path.iterdir())


def preparation_problems(competition_ids: list[str], data_dir: Path) -> list[str]:
    """What is missing for each competition to be run (empty when all are prepared)."""
    problems = []
    for cid in competition_ids:
        comp = get_competition(cid)
        pub, priv = public_dir(data_dir, cid), private_dir(data_dir, cid)
        if not pub.is_dir() or _is_empty(pub):
            problems.append(f"{cid}: no public data in {pub}")
        elif not comp.sample_submission_path(data_dir).is_file():
            problems.append(f"{cid}: no sample submission at {comp.sample_submission_path(data_dir)}")
        if not priv.is_dir() or _is_empty(priv) or not comp.answers_path(data_dir).is_file():
            problems.append(f"{cid}: no answers at {comp.answers_path(data_dir)}")
    return problems


def obfuscation_problems(competition_ids: list[str], data_dir: Path) -> list[str]:
    """The obfuscated description replaces description.md in the agent's view: both must exist
    (a folder prepared before mlebench-fast wrote the obfuscated one gets it from `prepare`)."""
    return [
        f"{cid}: no {name} in {public_dir(data_dir, cid)} (run `mlebench-fast prepare` on it again)"
        for cid in competition_ids
        for name in ("description.md", "description_obfuscated.md")
        if not (public_dir(data_dir, cid) / name).is_file()
    ]


def _docker_client():
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env()
        client.ping()
    except DockerException as e:
        raise RunError(f"cannot reach the Docker engine: {e}") from None
    return client


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM cleans up like Ctrl-C (only possible from the main thread)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _known_ids(ids: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for cid in ids:
        try:
            get_competition(cid)
        except UnknownCompetition as e:
            raise RunError(str(e)) from None
        seen.setdefault(cid, None)
    if not seen:
        raise RunError("no competitions to run")
    return list(seen)


def _check_engine(client, config: dict[str, Any]) -> int | None:
    info = client.info()
    runtime = config.get("runtime")
    if runtime and runtime not in (info.get("Runtimes") or {}):
        raise RunError(f"the container config asks for runtime `{runtime}`, which this Docker engine does not have")
    return info.get("NCPU")


def _check_images(client, agent_image: str, echo: Echo, privileged: bool = False) -> tuple[str, str | None]:
    """(validator image id, the ML stack of the agent's image)."""
    from docker.errors import ImageNotFound

    from .images import ImageError, build_validator_image

    from .agents import ENV_ID_LABEL, NONROOT_HOME_LABEL
    from .images import ENV_IMAGE, STACK_LABEL, install_env_image

    try:
        labels = client.images.get(agent_image).labels or {}
        built_on = labels.get(ENV_ID_LABEL)
    except ImageNotFound:
        raise RunError(f"image {agent_image} is missing: run `mlebench-fast agents build` for this agent") from None
    if not privileged and labels.get(NONROOT_HOME_LABEL) != "1":
        raise RunError(
            f"{agent_image} was built by an older mlebench-fast (agents now run as nonroot from their first process): "
            "rebuild it with `mlebench-fast agents build`"
        )
    try:
        env_id = client.images.get(install_env_image(client)).id
    except ImageNotFound:
        raise RunError(f"image {ENV_IMAGE} is missing: run `mlebench-fast env build`") from None
    if built_on and built_on != env_id:
        echo(f"warning: {agent_image} was built on an older {ENV_IMAGE}; rebuild it with `mlebench-fast agents build`")
    try:
        # the agent image inherits the label of the mlebench-env it was built on
        return build_validator_image(client, echo), labels.get(STACK_LABEL)  # no-op when up to date
    except ImageError as e:
        raise RunError(str(e)) from None


def image_file(client, image: str, path: str) -> bytes | None:
    """The bytes of one file of an image (from a container created, never started, and
    removed), or None when the image has no such file."""
    import io
    import tarfile

    from docker.errors import DockerException, NotFound

    try:
        container = client.containers.create(image=image, entrypoint=["true"], command=[])
    except DockerException as e:
        raise RunError(f"cannot read /{path} of {image}: {e}") from None
    try:
        stream, _ = container.get_archive("/" + path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            source = tar.extractfile(member) if member is not None and member.isfile() else None
            return source.read() if source is not None else None
    except NotFound:
        return None
    finally:
        container.remove(force=True)


def nonroot_ids(passwd: bytes | None, image: str) -> str:
    """`uid:gid` of the `nonroot` user in an image's /etc/passwd: numeric, so that the image
    cannot make the name mean root; an error when it has no such user or maps it to root."""
    for line in (passwd or b"").decode(errors="replace").splitlines():
        fields = line.split(":")
        if len(fields) >= 4 and fields[0] == "nonroot" and fields[2].isdigit() and fields[3].isdigit():
            if fields[2] == "0" or fields[3] == "0":
                raise RunError(f"{image} maps the `nonroot` user to root (uid {fields[2]}, gid {fields[3]})")
            return f"{fields[2]}:{fields[3]}"
    raise RunError(f"{image} has no `nonroot` user in /etc/passwd: build it FROM mlebench-env")


def run_agent(req: RunRequest, echo: Echo, progress_out=None) -> RunGroup:
    """Run (or resume) a run group; returns it when every run has finished. Raises
    RunError before starting anything when a check fails, or at the end naming every run
    left unfinished (its outcome could not be recorded, or it never started), and
    KeyboardInterrupt when interrupted (after cleaning up)."""
    try:
        return _run_agent(req, echo, progress_out)
    except (ConfigError, RunGroupError, ValueError) as e:
        if isinstance(e, RunError):
            raise
        raise RunError(str(e)) from None


def _run_agent(req: RunRequest, echo: Echo, progress_out) -> RunGroup:
    group: RunGroup | None = None
    if req.resume is not None:
        group = _open_for_resume(req)
        stored = group.metadata["settings"]
        if req.agent_id is not None and req.agent_id != stored["agent_id"]:
            raise RunError(f"{group.path} ran agent `{stored['agent_id']}`, not `{req.agent_id}`")
        agent_id, competition_ids = stored["agent_id"], list(stored["competition_ids"])
        data_dir = Path(req.data_dir or stored["data_dir"])
        # the same checks as --container-config: metadata.json is a file anyone may have edited
        config = check_container_config(stored.get("container_config"), f"in {group.path / 'metadata.json'}")
        time_limit = req.time_limit if req.time_limit is not None else stored.get("time_limit")
        n_workers = req.n_workers or stored.get("n_workers") or 1
        gpus = req.gpus if (req.gpus is not None or req.gpu_ids) else stored.get("gpus")
        gpu_ids = req.gpu_ids if (req.gpus is not None or req.gpu_ids) else stored.get("gpu_ids")
        share = req.share_gpus or bool(stored.get("share_gpus"))
        obfuscated = req.obfuscated or bool(stored.get("obfuscated"))
    else:
        if req.agent_id is None:
            raise RunError("--agent is required")
        agent_id = req.agent_id
        competition_ids = _known_ids(req.competition_ids or [])
        data_dir = Path(req.data_dir) if req.data_dir else None
        if data_dir is None:
            from ..registry import default_data_dir

            data_dir = default_data_dir()
        config = load_container_config(req.container_config)
        time_limit, n_workers = req.time_limit, req.n_workers or 1
        gpus, gpu_ids, share = req.gpus, req.gpu_ids, req.share_gpus
        obfuscated = req.obfuscated
    if n_workers < 1:
        raise RunError("--n-workers must be at least 1")
    if time_limit is not None and time_limit <= 0:
        raise RunError("--time-limit must be positive")

    agent = get_agent(agent_id, req.agents_dir)
    check_privileged_allowed(agent)
    # the reference's agents switch the obfuscation experiment on with OBFUSCATE=true
    obfuscated = obfuscated or agent.env_vars.get("OBFUSCATE") == "true"
    todo_ids = competition_ids if group is None else sorted({group.runs[r]["competition_id"] for r in group.unfinished()})
    problems = preparation_problems(todo_ids, data_dir.resolve())
    if obfuscated:
        problems += obfuscation_problems(todo_ids, data_dir.resolve())
    if problems:
        raise RunError("not every competition is prepared (see `mlebench-fast prepare`):\n  " + "\n  ".join(problems))
    for cid in todo_ids:
        if not get_competition(cid).supported:
            echo(f"warning: mlebench-fast cannot grade {cid} yet; its validation server answers invalid to everything")
    gpu_plan = plan_gpus(n_workers, gpus, gpu_ids, share)
    limits = RunLimits.from_config(config)

    client = _docker_client()
    try:
        engine_cpus = _check_engine(client, config)
        validator_image, stack = _check_images(client, agent.image, echo, agent.privileged)
        agent_user = "nonroot" if agent.privileged else nonroot_ids(image_file(client, agent.image, "etc/passwd"), agent.image)
        instructions = image_file(client, agent.image, INSTRUCTIONS_IN_IMAGE[obfuscated])
        if obfuscated and instructions is None:
            raise RunError(f"{agent.image} has no /{INSTRUCTIONS_IN_IMAGE[True]}: rebuild it (`env build`, `agents build`)")
        run_texts = texts.run_texts(instructions, {cid: public_dir(data_dir.resolve(), cid) for cid in todo_ids}, obfuscated)
        if group is None:
            n_seeds = req.n_seeds or 1
            if n_seeds < 1:
                raise RunError("--n-seeds must be at least 1")
            settings = {
                "agent_id": agent.id,
                "agent_name": agent.name,
                "agent_image": agent.image,
                "competition_ids": competition_ids,
                "n_seeds": n_seeds,
                "n_workers": n_workers,
                "data_dir": str(data_dir.resolve()),
                "container_config": config,
                "time_limit": time_limit,
                "gpus": gpus,
                "gpu_ids": gpu_ids,
                "share_gpus": share,
                "obfuscated": obfuscated,
                "ml_stack": stack,
            }
            group = RunGroup.create(Path(req.runs_dir), agent.name, competition_ids, n_seeds, settings)
            echo(f"run group {group.path}: {len(group.runs)} run(s), {n_workers} worker(s)")
        else:
            removed = remove_leftover_containers(client, group)
            if removed:
                echo(f"removed {len(removed)} container(s) left by the interrupted harness")
            echo(f"resuming {group.path}: {len(group.unfinished())} of {len(group.runs)} run(s) to do")
    finally:
        client.close()

    run_ids = group.unfinished()
    settings_obj = RunSettings(
        agent=agent,
        data_dir=data_dir.resolve(),
        container_config=config,
        time_limit=time_limit,
        retain=req.retain,
        gpu_plan=gpu_plan,
        validator_image=validator_image,
        limits=limits,
        engine_cpus=engine_cpus,
        obfuscated=obfuscated,
        texts=run_texts,
        ml_stack=stack,
        agent_user=agent_user,
    )
    progress = Progress(group, out=progress_out)
    harness = Harness(settings_obj, group, on_event=progress.event)
    with _sigterm_as_interrupt(), progress:
        harness.run(run_ids, n_workers)
    unfinished = harness.unfinished(run_ids)
    if unfinished:
        raise RunError(
            f"{len(unfinished)} of {len(group.runs)} run(s) of {group.path} left unfinished:\n  "
            + "\n  ".join(f"{run_id}: {why}" for run_id, why in unfinished)
            + ("\nfinish them with --resume" if (group.path / "metadata.json").is_file() else "")
        )
    return group


def _open_for_resume(req: RunRequest) -> RunGroup:
    path = Path(req.resume)
    if not path.is_dir() and (Path(req.runs_dir) / path).is_dir():
        path = Path(req.runs_dir) / path
    if not path.is_dir():
        raise RunError(f"no run group at {req.resume}")
    if req.competition_ids or req.n_seeds is not None or req.container_config is not None:
        raise RunError("--resume takes the competitions, seeds and container config of the group; do not pass them")
    group = RunGroup.open(path)
    group.lock()
    return group
